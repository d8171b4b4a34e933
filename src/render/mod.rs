//! Stage 4, render: the handbook and its assessment into the bytes of a site.
//!
//! A [`Site`] is a sorted map from path to bytes. Pages are rendered in
//! parallel; the map's order makes the output deterministic.

pub mod api;
mod figures;
mod fragments;
mod lookup;
mod pages;
mod question_page;
mod service_page;
pub mod templates;
mod views;

use std::collections::BTreeMap;

use rayon::prelude::*;

use crate::analyze::Assessment;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::markdown::Highlighter;
use crate::model::Handbook;
use crate::source::SourceFile;

/// The built site: relative path (`services/checkout/index.html`) to bytes.
pub type Site = BTreeMap<String, Vec<u8>>;

/// One page to render: where it goes, with which template and data.
pub(crate) struct Page {
    pub path: String,
    pub template: &'static str,
    pub context: tera::Context,
}

/// Renders everything. `None` (with diagnostics) when a template fails.
pub fn render(
    handbook: &Handbook,
    assessment: &Assessment,
    template_overrides: &[SourceFile],
    assets: &[(String, Vec<u8>)],
    diags: &mut Diagnostics,
) -> Option<Site> {
    let tera = templates::load(template_overrides, handbook, assessment, diags)?;
    let jobs = pages::all(handbook, assessment);
    let fragments = fragments::Fragments::new(handbook, assessment);
    let rendered: Vec<Result<(String, Vec<u8>), Diagnostic>> = jobs
        .into_par_iter()
        .map(|job| {
            let page = job.build(handbook, assessment, &fragments);
            let page = page.map_err(|(template, e)| {
                templates::error_diagnostic(template, template_overrides, &e)
            })?;
            match tera.render(page.template, &page.context) {
                Ok(html) => Ok((page.path, html.into_bytes())),
                Err(e) => Err(templates::error_diagnostic(
                    page.template,
                    template_overrides,
                    &e,
                )),
            }
        })
        .collect();
    let mut site = Site::new();
    let mut failed = false;
    for r in rendered {
        match r {
            Ok((path, bytes)) => {
                site.insert(path, bytes);
            }
            Err(d) => {
                failed = true;
                diags.push(d);
            }
        }
    }
    if failed {
        return None;
    }
    for (path, bytes) in api::files(handbook, assessment) {
        site.insert(path, bytes);
    }
    for (name, bytes) in templates::BUILTIN_ASSETS {
        site.insert(format!("assets/{name}"), bytes.to_vec());
    }
    site.insert(
        "assets/syntax.css".to_string(),
        Highlighter::css().into_bytes(),
    );
    site.insert(
        "assets/diagrams.css".to_string(),
        crate::svg::SVG_CSS.as_bytes().to_vec(),
    );
    for (path, bytes) in assets {
        site.insert(format!("assets/{path}"), bytes.clone());
    }
    Some(site)
}
