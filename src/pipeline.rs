//! The stages wired together: what `build`, `check` and `serve` share.

use std::path::{Path, PathBuf};

use jiff::civil::Date;

use crate::analyze::{analyze, Assessment};
use crate::diagnostics::Diagnostics;
use crate::markdown::Highlighter;
use crate::model::Handbook;
use crate::render::{render, Site};

/// What one run is asked to do.
#[derive(Debug, Clone)]
pub struct Options {
    pub root: PathBuf,
    pub today: Date,
    /// Overrides `base_url` of `orr.yaml`.
    pub base_url: Option<String>,
}

/// What lives as long as the process: the expensive, content-independent parts.
pub struct Engine {
    pub highlighter: Highlighter,
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
}

impl Engine {
    pub fn new() -> Self {
        Engine {
            highlighter: Highlighter::new(),
        }
    }

    /// Everything `build` checks, writing nothing: the content judged, and the
    /// handbook's own templates (when it has any) rendered into memory and
    /// dropped, so a template that would fail `build` fails `check` too. The
    /// built-in templates need no such run: the tests render them.
    pub fn check(&self, options: &Options) -> Checked {
        let mut checked = self.judge(options);
        if !checked.templates.is_empty() && !checked.diagnostics.has_errors() {
            let mut diagnostics = std::mem::take(&mut checked.diagnostics);
            let _ = render(
                &checked.handbook,
                &checked.assessment,
                &checked.templates,
                &checked.assets,
                &mut diagnostics,
            );
            checked.diagnostics = diagnostics;
        }
        checked
    }

    /// load, resolve, analyze: the content read, checked and judged.
    pub fn judge(&self, options: &Options) -> Checked {
        let mut diagnostics = Diagnostics::new();
        let mut sources = crate::load::load(&options.root, &mut diagnostics);
        let handbook = crate::resolve::resolve(
            &mut sources,
            options.base_url.as_deref(),
            &self.highlighter,
            &mut diagnostics,
        );
        let assessment = analyze(&handbook, options.today);
        diagnostics.extend(assessment.findings.iter().cloned());
        Checked {
            handbook,
            assessment,
            templates: sources.templates,
            assets: sources.assets,
            diagnostics,
        }
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
}

/// The default output directory of a handbook.
pub fn default_out(root: &Path) -> PathBuf {
    root.join("site")
}

/// One rebuild of `orr serve`: the site in memory, or the diagnostics for the
/// terminal and the browser overlay. Warnings are printed here.
pub fn build_for_serve(
    engine: &Engine,
    options: &Options,
) -> Result<Site, crate::serve::BuildFailure> {
    match engine.build(options) {
        Ok((site, warnings)) => {
            if !warnings.is_empty() {
                eprint!("{}", warnings.render());
            }
            Ok(site)
        }
        Err(mut diags) => {
            diags.sort();
            Err(crate::serve::BuildFailure {
                report: diags.render(),
                errors: diags
                    .iter()
                    .filter(|d| d.is_error())
                    .map(|d| crate::serve::OverlayError {
                        file: d.file.clone(),
                        line: d.line,
                        column: d.column,
                        message: d.message.clone(),
                    })
                    .collect(),
            })
        }
    }
}
