//! Stage 4, render: the handbook and its assessment into the bytes of a site.
//!
//! Pages are rendered in parallel and each is handed to a [`Sink`] as soon as
//! it is rendered, so a build never holds the whole site: `build` writes into
//! its staging directory, `check` drops the bytes, tests collect a [`Site`].
//! `orr serve` renders nothing up front: it keeps a [`LazySite`] and renders
//! each page when it is asked for. Each page's bytes depend only on the
//! content, so the output is deterministic whatever order pages finish in.

pub mod api;
mod escape;
mod feeds;
mod figures;
mod filters;
mod fragments;
pub mod lazy;
mod lookup;
mod pages;
mod question_page;
pub mod search;
mod service_page;
pub mod sink;
pub mod templates;
mod trail_view;
mod views;

use std::collections::BTreeMap;
use std::io::{self, Write as _};
use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;

use crate::analyze::Assessment;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::markdown::Highlighter;
use crate::model::Handbook;
use crate::source::SourceFile;

pub use lazy::LazySite;
pub use sink::{DiskSink, MemorySink, NullSink, Sink};

/// The built site: relative path (`services/checkout/index.html`) to bytes.
pub type Site = BTreeMap<String, Vec<u8>>;

/// One page to render: where it goes, with which template and data.
#[derive(Clone)]
pub(crate) struct Page {
    pub path: String,
    pub template: &'static str,
    pub context: tera::Context,
}

/// Why rendering stopped before the whole site reached the sink.
#[derive(Debug)]
pub enum RenderError {
    /// A template failed; the diagnostics say where.
    Templates,
    /// The sink could not take a file.
    Io(io::Error),
}

/// Renders everything into memory. `None` (with diagnostics) when a template fails.
pub fn render(
    handbook: &Handbook,
    assessment: &Assessment,
    template_overrides: &[SourceFile],
    assets: &[(String, Vec<u8>)],
    diags: &mut Diagnostics,
) -> Option<Site> {
    let sink = MemorySink::default();
    let input = Input {
        handbook,
        assessment,
        template_overrides,
        assets,
    };
    render_into(&input, &sink, diags).ok()?;
    Some(sink.into_site())
}

/// What rendering reads: the judged handbook, its own templates and assets.
#[derive(Clone, Copy)]
pub struct Input<'a> {
    pub handbook: &'a Handbook,
    pub assessment: &'a Assessment,
    pub template_overrides: &'a [SourceFile],
    pub assets: &'a [(String, Vec<u8>)],
}

/// Renders every file of the site into `sink`, each as soon as it is ready.
/// Every page is rendered even after a template fails, so that all template
/// errors are reported at once; nothing more reaches the sink after a failure.
pub fn render_into(
    input: &Input<'_>,
    sink: &dyn Sink,
    diags: &mut Diagnostics,
) -> Result<(), RenderError> {
    let (h, a, overrides) = (input.handbook, input.assessment, input.template_overrides);
    let tera = templates::load(overrides, h, a, diags).ok_or(RenderError::Templates)?;
    let fragments = fragments::Fragments::new(h, a);
    let failed = AtomicBool::new(false);
    let render = |job| {
        let page = build_page(job, h, a, &fragments, overrides)
            .inspect_err(|_| failed.store(true, Ordering::Relaxed))
            .map_err(PageFailure::Template)?;
        stream_page(&page, &tera, overrides, sink, &failed)
            .inspect_err(|_| failed.store(true, Ordering::Relaxed))
    };
    let outcomes: Vec<Result<(), PageFailure>> =
        pages::all(h, a).into_par_iter().map(render).collect();
    let mut io_error = None;
    for outcome in outcomes {
        match outcome {
            Ok(()) => {}
            Err(PageFailure::Template(d)) => diags.push(d),
            Err(PageFailure::Io(e)) => io_error = io_error.or(Some(e)),
        }
    }
    if let Some(e) = io_error {
        return Err(RenderError::Io(e));
    }
    if failed.load(Ordering::Relaxed) {
        return Err(RenderError::Templates);
    }
    api::write_into(h, a, sink).map_err(RenderError::Io)?;
    for (path, bytes) in static_files(h, a, input.assets) {
        sink.put(path, bytes).map_err(RenderError::Io)?;
    }
    Ok(())
}

enum PageFailure {
    Template(Diagnostic),
    Io(io::Error),
}

/// Renders `page` into `sink` as it is made. Once any page has failed, it is
/// rendered for its errors alone and nothing reaches the sink.
fn stream_page(
    page: &Page,
    tera: &tera::Tera,
    overrides: &[SourceFile],
    sink: &dyn Sink,
    failed: &AtomicBool,
) -> Result<(), PageFailure> {
    if failed.load(Ordering::Relaxed) {
        return render_page(page, tera, overrides, io::sink()).map_err(PageFailure::Template);
    }
    let mut template_error = None;
    let streamed = sink.stream(page.path.clone(), &mut |out| {
        let mut out = KeepsIoError::new(out);
        let rendered = render_page(page, tera, overrides, &mut out);
        if let Some(io_error) = out.error.take() {
            return Err(io_error);
        }
        match rendered {
            Ok(()) => out.flush(),
            Err(diagnostic) => {
                template_error = Some(diagnostic);
                Err(io::Error::other("the template failed"))
            }
        }
    });
    match (template_error, streamed) {
        (Some(diagnostic), _) => Err(PageFailure::Template(diagnostic)),
        (None, streamed) => streamed.map_err(PageFailure::Io),
    }
}

/// A writer that keeps the I/O error it met, so that a write failing under
/// Tera is told apart from the template failing. It gathers what Tera writes
/// in its own buffer and hands it on in [`PAGE_CHUNK`] pieces: Tera writes a
/// page in thousands of small pieces, and each one passed straight through
/// the sink's `dyn Write` cost two virtual calls.
struct KeepsIoError<'a> {
    out: &'a mut dyn io::Write,
    buffer: Vec<u8>,
    error: Option<io::Error>,
}

/// How much of a page is gathered before it goes to the sink's writer,
/// which writes each piece straight into the page's file.
const PAGE_CHUNK: usize = 128 * 1024;

impl<'a> KeepsIoError<'a> {
    fn new(out: &'a mut dyn io::Write) -> Self {
        KeepsIoError {
            out,
            // Pieces under a chunk are gathered until the buffer holds one,
            // so it never holds two.
            buffer: Vec::with_capacity(2 * PAGE_CHUNK),
            error: None,
        }
    }

    /// `result`, with its error kept.
    fn kept(&mut self, result: io::Result<()>) -> io::Result<()> {
        result.inspect_err(|e| {
            self.error = Some(io::Error::new(e.kind(), e.to_string()));
        })
    }

    /// Hands the buffer on.
    fn pass_on(&mut self) -> io::Result<()> {
        let written = self.out.write_all(&self.buffer);
        self.buffer.clear();
        self.kept(written)
    }
}

impl io::Write for KeepsIoError<'_> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        if bytes.len() >= PAGE_CHUNK {
            // A large piece (a 5,000-service dashboard's heat map is tens of
            // MB) goes straight on, not copied into the buffer first.
            self.pass_on()?;
            let written = self.out.write_all(bytes);
            self.kept(written)?;
        } else {
            self.buffer.extend_from_slice(bytes);
            if self.buffer.len() >= PAGE_CHUNK {
                self.pass_on()?;
            }
        }
        Ok(bytes.len())
    }

    fn write_all(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.write(bytes).map(|_| ())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.pass_on()?;
        let flushed = self.out.flush();
        self.kept(flushed)
    }
}

/// Builds one page's data: where it goes, with which template and context.
fn build_page(
    job: pages::PageJob,
    h: &Handbook,
    a: &Assessment,
    fragments: &fragments::Fragments,
    overrides: &[SourceFile],
) -> Result<Page, Diagnostic> {
    job.build(h, a, fragments)
        .map_err(|(template, e)| templates::error_diagnostic(template, overrides, &e))
}

/// Renders `page` with its template into `out`.
fn render_page(
    page: &Page,
    tera: &tera::Tera,
    overrides: &[SourceFile],
    out: impl io::Write,
) -> Result<(), Diagnostic> {
    tera.render_to(page.template, &page.context, out)
        .map_err(|e| templates::error_diagnostic(page.template, overrides, &e))
}

/// Builds one page's data and renders it into `bytes`; returns its path.
fn render_job(
    job: pages::PageJob,
    h: &Handbook,
    a: &Assessment,
    fragments: &fragments::Fragments,
    tera: &tera::Tera,
    overrides: &[SourceFile],
    bytes: &mut Vec<u8>,
) -> Result<String, Diagnostic> {
    let page = build_page(job, h, a, fragments, overrides)?;
    render_page(&page, tera, overrides, bytes)?;
    Ok(page.path)
}

/// The files that need no rendering: the built-in stylesheets, the JSON
/// Schemas of the content files (for editors), then the
/// handbook's own assets (which replace a built-in one of the same name).
fn static_files(
    h: &Handbook,
    a: &Assessment,
    assets: &[(String, Vec<u8>)],
) -> Vec<(String, Vec<u8>)> {
    let mut files: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    for (name, bytes) in templates::BUILTIN_ASSETS {
        files.insert(format!("assets/{name}"), bytes.to_vec());
    }
    files.insert(
        "assets/syntax.css".to_string(),
        Highlighter::css().into_bytes(),
    );
    files.insert(
        "assets/diagrams.css".to_string(),
        crate::svg::SVG_CSS.as_bytes().to_vec(),
    );
    files.insert(
        "assets/print.css".to_string(),
        views::print_css(h, a).into_bytes(),
    );
    for (name, text) in crate::load::json_schema::schema_files() {
        files.insert(format!("schema/{name}"), text.into_bytes());
    }
    for (path, bytes) in assets {
        files.insert(format!("assets/{path}"), bytes.clone());
    }
    files.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::pages::test_support::{category, date, handbook, question, service};

    /// A disk that is full: every write fails.
    struct FullDisk;

    impl Sink for FullDisk {
        fn put(&self, _path: String, _bytes: Vec<u8>) -> io::Result<()> {
            Err(io::Error::other("disk full"))
        }

        fn stream(
            &self,
            _path: String,
            write: &mut dyn FnMut(&mut dyn io::Write) -> io::Result<()>,
        ) -> io::Result<()> {
            struct Full;
            impl io::Write for Full {
                fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                    Err(io::Error::other("disk full"))
                }
                fn flush(&mut self) -> io::Result<()> {
                    Ok(())
                }
            }
            write(&mut Full)
        }
    }

    #[test]
    fn a_page_that_cannot_be_written_is_an_io_error_not_a_template_error() {
        let h = handbook(
            vec![category("cap")],
            vec![question("q1", "cap")],
            vec![],
            vec![service("svc", vec![])],
        );
        let a = crate::analyze::analyze(&h, date("2026-11-23"));
        let input = Input {
            handbook: &h,
            assessment: &a,
            template_overrides: &[],
            assets: &[],
        };
        let mut diags = Diagnostics::default();
        let rendered = render_into(&input, &FullDisk, &mut diags);
        assert!(
            matches!(&rendered, Err(RenderError::Io(e)) if e.to_string().contains("disk full")),
            "{rendered:?}"
        );
        assert!(!diags.has_errors(), "no template is blamed");
    }
}
