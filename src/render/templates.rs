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
    ("search.html", include_str!("../../templates/search.html")),
    (
        "risk_matrix.html",
        include_str!("../../templates/risk_matrix.html"),
    ),
];

/// The built-in stylesheet, written to `assets/` unless the handbook has its own.
pub const BUILTIN_ASSETS: &[(&str, &[u8])] = &[
    ("style.css", include_bytes!("../../assets/style.css")),
    ("favicon.svg", include_bytes!("../../assets/favicon.svg")),
    // elasticlunr.js 0.9.5 exactly as mdBook vendors it (MIT, header kept).
    (
        "elasticlunr.min.js",
        include_bytes!("../../assets/elasticlunr.min.js"),
    ),
    ("search.js", include_bytes!("../../assets/search.js")),
    ("services.js", include_bytes!("../../assets/services.js")),
];

/// Builds the template set; template syntax errors become diagnostics.
pub fn load(
    overrides: &[SourceFile],
    handbook: &Handbook,
    assessment: &Assessment,
    diags: &mut Diagnostics,
) -> Option<Tera> {
    let mut tera = Tera::new();
    tera.set_escape_fn(super::escape::escape_html);
    super::filters::register(&mut tera);
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
        diags.push(error_diagnostic("", overrides, &e));
        return None;
    }
    let global = tera.global_context();
    global.insert("site", &super::views::site(handbook, assessment));
    Some(tera)
}

/// A template error as a diagnostic on the template's file, at the line and
/// column Tera reports when the template is the handbook's own; `template`
/// is the page's template, used when the error names no file.
pub fn error_diagnostic(
    template: &str,
    overrides: &[SourceFile],
    error: &tera::Error,
) -> Diagnostic {
    let (name, message, position) = describe(error);
    let name = name.unwrap_or_else(|| template.to_string());
    let path = format!("templates/{name}");
    let help_own = "fix the template, or delete it to use the built-in one";
    match overrides.iter().find(|o| o.path == path) {
        Some(source) => match position {
            Some((line, column)) => Diagnostic::error(
                source,
                line,
                column,
                format!("template error: {message}"),
            ).code(crate::diagnostics::Code::TemplateError),
            None => Diagnostic::file_error(&path, format!("template error: {message}")).code(crate::diagnostics::Code::TemplateError),
        }
        .help(help_own),
        // An error in a built-in template is ours, unless a template of the
        // handbook's (a parent, an include) made it fail.
        None if !overrides.is_empty() => Diagnostic::file_error(
            &format!("{path} (built-in)"),
            format!("template error: {message}"),
        ).code(crate::diagnostics::Code::TemplateError)
        .help("the handbook's own templates (templates/) changed what this built-in template sees; check them"),
        None => Diagnostic::file_error(
            &format!("{path} (built-in)"),
            format!("template error: {message}"),
        ).code(crate::diagnostics::Code::TemplateError)
        .help("this is a bug in orr's built-in templates; please report it"),
    }
}

/// The template an error names, its message, and its line and column (1-based).
fn describe(error: &tera::Error) -> (Option<String>, String, Option<(usize, usize)>) {
    use tera::ErrorKind;
    let mut chained = String::new();
    let mut source = std::error::Error::source(error);
    while let Some(s) = source {
        chained.push_str(&format!(": {s}"));
        source = s.source();
    }
    match error.kind() {
        ErrorKind::SyntaxError(report) | ErrorKind::RenderingError(report) => {
            let span = report.span();
            let name = Some(report.filename().to_string()).filter(|n| !n.is_empty());
            let position = (span.start_line > 0).then_some((span.start_line, span.start_col + 1));
            (name, format!("{}{chained}", report.message()), position)
        }
        ErrorKind::MissingParent { current, .. } => {
            (Some(current.clone()), format!("{error}{chained}"), None)
        }
        ErrorKind::CircularExtend { tpl, .. } | ErrorKind::CircularInclude { tpl, .. } => {
            (Some(tpl.clone()), format!("{error}{chained}"), None)
        }
        _ => (None, format!("{error}{chained}"), None),
    }
}
