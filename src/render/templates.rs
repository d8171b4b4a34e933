//! The Tera templates: the built-in theme embedded in the binary, and a
//! handbook's own `templates/` overriding it file by file.

use tera::Tera;

use crate::analyze::Assessment;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::Handbook;
use crate::source::SourceFile;

/// The built-in templates, compiled into `orr` so it works anywhere.
pub const BUILTIN_TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../../templates/base.html")),
    ("index.html", include_str!("../../templates/index.html")),
    (
        "handbook.html",
        include_str!("../../templates/handbook.html"),
    ),
    ("chapter.html", include_str!("../../templates/chapter.html")),
    (
        "questions.html",
        include_str!("../../templates/questions.html"),
    ),
    (
        "category.html",
        include_str!("../../templates/category.html"),
    ),
    (
        "question.html",
        include_str!("../../templates/question.html"),
    ),
    (
        "services.html",
        include_str!("../../templates/services.html"),
    ),
    ("service.html", include_str!("../../templates/service.html")),
    ("waivers.html", include_str!("../../templates/waivers.html")),
    ("risks.html", include_str!("../../templates/risks.html")),
    (
        "dependencies.html",
        include_str!("../../templates/dependencies.html"),
    ),
    (
        "concepts.html",
        include_str!("../../templates/concepts.html"),
    ),
    ("concept.html", include_str!("../../templates/concept.html")),
    (
        "postmortems.html",
        include_str!("../../templates/postmortems.html"),
    ),
    (
        "postmortem.html",
        include_str!("../../templates/postmortem.html"),
    ),
    (
        "changelog.html",
        include_str!("../../templates/changelog.html"),
    ),
    ("404.html", include_str!("../../templates/404.html")),
    (
        "risk_matrix.html",
        include_str!("../../templates/risk_matrix.html"),
    ),
];

/// The built-in stylesheet, written to `assets/` unless the handbook has its own.
pub const BUILTIN_ASSETS: &[(&str, &[u8])] =
    &[("style.css", include_bytes!("../../assets/style.css"))];

/// Builds the template set; template syntax errors become diagnostics.
pub fn load(
    overrides: &[SourceFile],
    handbook: &Handbook,
    assessment: &Assessment,
    diags: &mut Diagnostics,
) -> Option<Tera> {
    let mut tera = Tera::new();
    let mut all: Vec<(String, String)> = BUILTIN_TEMPLATES
        .iter()
        .map(|(n, t)| (n.to_string(), t.to_string()))
        .collect();
    for source in overrides {
        let name = source
            .path
            .strip_prefix("templates/")
            .unwrap_or(&source.path)
            .to_string();
        match all.iter_mut().find(|(n, _)| *n == name) {
            Some(slot) => slot.1 = source.text.clone(),
            None => all.push((name, source.text.clone())),
        }
    }
    if let Err(e) = tera.add_raw_templates(all.iter().map(|(n, t)| (n.as_str(), t.as_str()))) {
        let name = all
            .iter()
            .map(|(n, _)| n.as_str())
            .find(|n| e.to_string().contains(n))
            .unwrap_or("");
        diags.push(error_diagnostic(name, overrides, &e));
        return None;
    }
    let global = tera.global_context();
    global.insert("site", &super::views::site(handbook, assessment));
    Some(tera)
}

/// A template error as a diagnostic on the template's file.
pub fn error_diagnostic(
    template: &str,
    overrides: &[SourceFile],
    error: &tera::Error,
) -> Diagnostic {
    let mut message = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(s) = source {
        message.push_str(&format!(": {s}"));
        source = s.source();
    }
    let overridden = overrides
        .iter()
        .any(|o| o.path == format!("templates/{template}"));
    let file = if overridden {
        format!("templates/{template}")
    } else {
        format!("templates/{template} (built-in)")
    };
    Diagnostic::file_error(&file, format!("template error: {message}")).help(if overridden {
        "fix the template, or delete it to use the built-in one"
    } else {
        "this is a bug in orr's built-in templates; please report it"
    })
}
