//! The stages wired together: what `build`, `check` and `serve` share.

mod generations;
mod parse_cache;
mod ruling_memo;
mod service_memo;

pub use parse_cache::{CacheUse, ParseCache};
pub use ruling_memo::RulingMemo;
pub use service_memo::{Context, ServiceMemo};

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use jiff::civil::Date;

use crate::analyze::{analyze_with, Assessment, OwnRulingFn};
use crate::diagnostics::Diagnostics;
use crate::markdown::Highlighter;
use crate::model::Handbook;
use crate::output::{FillError, WriteError};
use crate::render::{render, render_into, Input, LazySite, NullSink, RenderError, Site};
use crate::serve::{BuildFailure, OverlayError, ServedSite};

/// What one run is asked to do.
#[derive(Debug, Clone)]
pub struct Options {
    pub root: PathBuf,
    pub today: Date,
    /// Overrides `base_url` of `orr.yaml`.
    pub base_url: Option<String>,
}

/// What lives as long as the process: the expensive, content-independent
/// parts, and for `orr serve` the parses of the files as last read.
pub struct Engine {
    pub highlighter: Highlighter,
    /// Used by [`Engine::prepare`] only: `build` and `check` read once.
    parses: ParseCache,
    /// The services checked by the last [`Engine::judge_again`].
    services: ServiceMemo,
    /// Their own rulings, as judged by the last [`Engine::judge_again`].
    rulings: RulingMemo,
    /// Held through [`Engine::judge_again`], so two never share the memos at once.
    rejudging: std::sync::Mutex<()>,
    /// Set by `orr build --at`: the handbook is read from this commit, not the work tree.
    pub pinned: Option<Arc<crate::git::tree::Pinned>>,
    /// The git history as last read: `orr serve` walks git again only when HEAD moves.
    git: crate::git::HistoryMemo,
    /// Hands memory freed in bulk back to the system. `build` calls it once
    /// the texts are let go, before rendering: an allocator that keeps freed
    /// pages for reuse would otherwise count them in the peak beside the
    /// pages rendered next. Set by the binary, which knows its allocator.
    pub return_freed_memory: fn(),
}

impl Default for Engine {
    fn default() -> Self {
        Self::new()
    }
}

/// A handbook read, checked and judged, with every diagnostic found.
pub struct Checked {
    pub handbook: Handbook,
    pub assessment: Assessment,
    pub templates: Vec<crate::source::SourceFile>,
    pub assets: Vec<(String, Vec<u8>)>,
    pub diagnostics: Diagnostics,
    /// The content files read, held so that diagnostics made after judging
    /// (`check --deny`, the WA lens) still quote their lines.
    pub texts: Vec<Arc<crate::source::SourceFile>>,
}

impl Engine {
    pub fn new() -> Self {
        Self::with_highlighter(Highlighter::new())
    }

    /// An engine for `orr check`: the same rulings and diagnostics, with code
    /// blocks left plain, as no page it renders is kept.
    pub fn for_checking() -> Self {
        Self::with_highlighter(Highlighter::plain())
    }

    fn with_highlighter(highlighter: Highlighter) -> Self {
        Engine {
            highlighter,
            parses: ParseCache::default(),
            services: ServiceMemo::default(),
            rulings: RulingMemo::default(),
            rejudging: std::sync::Mutex::default(),
            pinned: None,
            git: crate::git::HistoryMemo::default(),
            return_freed_memory: || {},
        }
    }

    /// Everything `build` checks, writing nothing: the content judged, and the
    /// handbook's own templates (when it has any) rendered and the bytes
    /// dropped, so a template that would fail `build` fails `check` too. The
    /// built-in templates need no such run: the tests render them.
    pub fn check(&self, options: &Options) -> Checked {
        let mut checked = self.judge(options);
        if !checked.templates.is_empty() && !checked.diagnostics.has_errors() {
            let mut diagnostics = std::mem::take(&mut checked.diagnostics);
            let _ = render_into(&checked.input(), &NullSink, &mut diagnostics);
            checked.diagnostics = diagnostics;
        }
        checked
    }

    /// load, resolve, analyze: the content read, checked and judged.
    pub fn judge(&self, options: &Options) -> Checked {
        let load = |diagnostics: &mut Diagnostics| match &self.pinned {
            Some(pinned) => (crate::load::load_set(&pinned.files, diagnostics), ()),
            None => (crate::load::load(&options.root, diagnostics), ()),
        };
        let (checked, ()) = self.judge_sources(
            options,
            load,
            &crate::resolve::services::check_fresh,
            &|_, judge| Arc::new(judge()),
        );
        checked
    }

    /// [`Engine::judge`] reusing the parse of every file unchanged since the
    /// last call, and the check and own ruling of every unchanged service
    /// file when only service files changed (`orr serve`); the result is the
    /// same as `judge`'s.
    pub fn judge_again(&self, options: &Options) -> (Checked, CacheUse) {
        let (checked, counts, _) = self.judge_again_timed(options);
        (checked, counts)
    }

    /// [`Engine::judge_again`], and when it had read the last file.
    fn judge_again_timed(&self, options: &Options) -> (Checked, CacheUse, Instant) {
        let _alone = self
            .rejudging
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        let load = |diagnostics: &mut Diagnostics| {
            let (sources, counts) = self.parses.load(&options.root, diagnostics);
            let read_at = Instant::now();
            self.services.begin(Context {
                base_url: options.base_url.clone(),
                ..self.parses.context()
            });
            (sources, (counts, read_at))
        };
        self.rulings.begin();
        let (checked, (counts, read_at)) = self.judge_sources(
            options,
            load,
            &|doc, check, local| self.services.check(doc, check, local),
            &|service, judge| self.rulings.ruling(service, options.today, judge),
        );
        let services_checked = self.services.end();
        let services_judged = self.rulings.end();
        (
            checked,
            CacheUse {
                services_checked,
                services_judged,
                ..counts
            },
            read_at,
        )
    }

    /// load, resolve and analyze, while the git history is read beside
    /// them: the two share nothing, and the history's walk and the
    /// pipeline's sequential steps leave a core idle that the other fills.
    /// `load` returns the sources and what else its caller wants back;
    /// `check_service` and `own_ruling` may hand back what a memo kept.
    fn judge_sources<T: Send>(
        &self,
        options: &Options,
        load: impl FnOnce(&mut Diagnostics) -> (crate::load::Sources, T) + Send,
        check_service: &crate::resolve::services::CheckFn,
        own_ruling: &OwnRulingFn,
    ) -> (Checked, T) {
        let judged = || {
            let mut diagnostics = Diagnostics::new();
            let (mut sources, loaded) = load(&mut diagnostics);
            let texts = sources.texts();
            let handbook = crate::resolve::resolve_with(
                &mut sources,
                options.base_url.as_deref(),
                &self.highlighter,
                &mut diagnostics,
                check_service,
            );
            let assessment = analyze_with(&handbook, options.today, own_ruling);
            (sources, texts, loaded, handbook, assessment, diagnostics)
        };
        let (judged, (history, provenance)) = rayon::join(judged, || self.history(options));
        let (sources, texts, loaded, handbook, mut assessment, mut diagnostics) = judged;
        crate::analyze::trail::attach(&mut assessment, &handbook, &history, provenance);
        diagnostics.extend(assessment.findings.iter().cloned());
        let checked = Checked {
            handbook,
            assessment,
            templates: sources.templates,
            assets: sources.assets,
            diagnostics,
            texts,
        };
        (checked, loaded)
    }

    /// The git history and provenance of what is judged: the pinned commit's,
    /// or the work tree's (read from HEAD).
    fn history(
        &self,
        options: &Options,
    ) -> (
        crate::git::History,
        Option<crate::git::provenance::Provenance>,
    ) {
        match &self.pinned {
            Some(pinned) => (
                pinned.history.clone(),
                Some(crate::git::provenance::Provenance {
                    commit: pinned.commit.id.clone(),
                    dirty: false,
                }),
            ),
            None => self.git.read(&options.root),
        }
    }

    /// How many times this engine walked the git history (a rebuild with
    /// HEAD unchanged reuses the last walk).
    pub fn history_walks(&self) -> usize {
        self.git.walks()
    }

    /// The whole pipeline into memory. `Err` holds the diagnostics when there are errors.
    pub fn build(&self, options: &Options) -> Result<(Site, Diagnostics), Diagnostics> {
        let checked = self.judge(options);
        let mut diagnostics = checked.diagnostics;
        if diagnostics.has_errors() {
            return Err(diagnostics);
        }
        match render(
            &checked.handbook,
            &checked.assessment,
            &checked.templates,
            &checked.assets,
            &mut diagnostics,
        ) {
            Some(site) if !diagnostics.has_errors() => Ok((site, diagnostics)),
            _ => Err(diagnostics),
        }
    }

    /// The whole pipeline onto disk: each page is written into the staging
    /// directory of `out` as soon as it is rendered, so the site is never
    /// held in memory; `out` is replaced only once all of it is written (see
    /// [`crate::output::write_with`]). Content errors leave `out` as it was.
    pub fn build_to_disk(
        &self,
        options: &Options,
        out: &Path,
        force: bool,
        waiting: impl FnOnce(&Path),
    ) -> Result<Built, WriteError> {
        let mut checked = self.judge(options);
        let mut diagnostics = std::mem::take(&mut checked.diagnostics);
        if diagnostics.has_errors() {
            return Ok(Built::Failed(diagnostics));
        }
        // Rendering quotes no content line: the texts go before the pages come.
        checked.texts = Vec::new();
        (self.return_freed_memory)();
        let input = checked.input();
        let written = crate::output::write_with(out, force, waiting, |sink| {
            match render_into(&input, sink, &mut diagnostics) {
                Ok(()) if !diagnostics.has_errors() => Ok((sink.tally.files(), sink.tally.pages())),
                Ok(()) | Err(RenderError::Templates) => Err(FillError::Content),
                Err(RenderError::Io(e)) => Err(FillError::Io(e)),
            }
        });
        // Freeing the judged handbook takes about 30 ms at 1,000 services;
        // the caller need not wait for it to report the build. Where no
        // thread can be had (a process limit), it is freed here instead.
        let _ = std::thread::Builder::new().spawn(move || drop(checked));
        match written {
            Ok((files, pages)) => Ok(Built::Written {
                files,
                pages,
                warnings: diagnostics,
            }),
            Err(WriteError::Abandoned) => Ok(Built::Failed(diagnostics)),
            Err(e) => Err(e),
        }
    }

    /// What `orr serve` shows: the content judged and the templates
    /// compiled, every page left to render when it is asked for. Files
    /// unchanged since the last call are not parsed again.
    pub fn prepare(&self, options: &Options) -> Result<(LazySite, Diagnostics), Diagnostics> {
        let (checked, _, read_at) = self.judge_again_timed(options);
        let mut diagnostics = checked.diagnostics;
        if diagnostics.has_errors() {
            return Err(diagnostics);
        }
        let site = LazySite::new(
            checked.handbook,
            checked.assessment,
            checked.templates,
            &checked.assets,
            &mut diagnostics,
        );
        match site {
            Some(site) if !diagnostics.has_errors() => {
                Ok((site.files_read_at(Some(read_at)), diagnostics))
            }
            _ => Err(diagnostics),
        }
    }
}

impl Checked {
    /// The diagnostics alone, everything else freed.
    pub fn into_diagnostics(self) -> Diagnostics {
        self.diagnostics
    }

    /// What rendering reads.
    pub fn input(&self) -> Input<'_> {
        Input {
            handbook: &self.handbook,
            assessment: &self.assessment,
            template_overrides: &self.templates,
            assets: &self.assets,
        }
    }
}

/// What [`Engine::build_to_disk`] did.
#[derive(Debug)]
pub enum Built {
    /// The site replaced the output: how many files, how many of them HTML
    /// pages, and the warnings.
    Written {
        files: usize,
        pages: usize,
        warnings: Diagnostics,
    },
    /// Content or template errors; the output was left as it was.
    Failed(Diagnostics),
}

/// The default output directory of a handbook.
pub fn default_out(root: &Path) -> PathBuf {
    root.join("site")
}

/// One rebuild of `orr serve`: the judged handbook, ready to render pages on
/// request, or the diagnostics for the terminal and the browser overlay.
/// Warnings are printed by the server, once the browsers were told to reload.
pub fn build_for_serve(
    engine: &Engine,
    options: &Options,
) -> Result<Arc<dyn ServedSite>, BuildFailure> {
    match engine.prepare(options) {
        Ok((site, warnings)) => Ok(Arc::new(Published {
            site,
            warnings: std::sync::Mutex::new(Some(warnings)),
        })),
        Err(mut diags) => {
            diags.sort();
            Err(failure_of(&diags))
        }
    }
}

/// Diagnostics as the server shows them.
fn failure_of(diags: &Diagnostics) -> BuildFailure {
    BuildFailure {
        report: diags.render(),
        errors: diags
            .iter()
            .filter(|d| d.is_error())
            .map(overlay_error)
            .collect(),
    }
}

fn overlay_error(d: &crate::diagnostics::Diagnostic) -> OverlayError {
    OverlayError {
        file: d.file.clone(),
        line: d.line,
        column: d.column,
        message: d.message.clone(),
    }
}

/// A site `orr serve` publishes, and the warnings its build found, kept
/// until the server prints them.
struct Published {
    site: LazySite,
    warnings: std::sync::Mutex<Option<Diagnostics>>,
}

impl ServedSite for Published {
    fn contains(&self, path: &str) -> bool {
        self.site.contains(path)
    }

    fn file(&self, path: &str) -> Option<Result<Arc<[u8]>, BuildFailure>> {
        self.site.get(path).map(|made| {
            made.map_err(|d| {
                let mut diags = Diagnostics::new();
                diags.push(*d);
                failure_of(&diags)
            })
        })
    }

    fn file_count(&self) -> usize {
        self.site.len()
    }

    fn read_at(&self) -> Option<std::time::Instant> {
        self.site.read_at()
    }

    fn print_warnings(&self) {
        let taken = self
            .warnings
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
            .take();
        if let Some(warnings) = taken.filter(|w| !w.is_empty()) {
            eprint!("{}", warnings.render());
        }
    }
}
