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
use std::io;
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
    // Each page is rendered into a buffer reused by the pages that follow on
    // the same thread: a page grows no buffer of its own (the dashboard of
    // 1,000 services is 7 MB), so nothing is copied on growth.
    let outcomes: Vec<Result<(), PageFailure>> = pages::all(h, a)
        .into_par_iter()
        .map_init(Vec::new, |buffer, job| {
            buffer.clear();
            let path = render_job(job, h, a, &fragments, &tera, overrides, buffer)
                .inspect_err(|_| failed.store(true, Ordering::Relaxed))
                .map_err(PageFailure::Template)?;
            if failed.load(Ordering::Relaxed) {
                return Ok(());
            }
            sink.put_bytes(path, buffer).map_err(|e| {
                failed.store(true, Ordering::Relaxed);
                PageFailure::Io(e)
            })
        })
        .collect();
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
    let page = job
        .build(h, a, fragments)
        .map_err(|(template, e)| templates::error_diagnostic(template, overrides, &e))?;
    tera.render_to(page.template, &page.context, &mut *bytes)
        .map_err(|e| templates::error_diagnostic(page.template, overrides, &e))?;
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
