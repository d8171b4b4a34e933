//! Machine-readable forms of the diagnostics, for CI: a JSON array and
//! GitHub Actions workflow commands (annotations).
//!
//! JSON is one array rather than JSON Lines: one document any JSON parser
//! reads whole (`jq '.[]'`), and a run's diagnostics are few. There is no
//! summary object: every element has the same shape, the exit status says
//! how the run went, and counts are one `length` away.

use super::{visible, Diagnostic, Severity};

/// One diagnostic as it appears in `--format json`.
#[derive(serde::Serialize)]
struct JsonDiagnostic<'a> {
    file: &'a str,
    line: usize,
    column: usize,
    severity: Severity,
    code: &'static str,
    message: &'a str,
    help: Option<&'a str>,
}

/// The diagnostics as a JSON array, one object per diagnostic, and a newline.
pub fn json(items: &[Diagnostic]) -> String {
    let rows: Vec<JsonDiagnostic> = items
        .iter()
        .map(|d| JsonDiagnostic {
            file: &d.file,
            line: d.line,
            column: d.column,
            severity: d.severity,
            code: d.code.as_str(),
            message: &d.message,
            help: d.help.as_deref(),
        })
        .collect();
    // Serialising plain strings and numbers cannot fail.
    let mut out = serde_json::to_string_pretty(&rows).unwrap_or_else(|_| "[]".to_string());
    out.push('\n');
    out
}

/// The diagnostics as `::error file=F,line=L,col=C,title=CODE::message` lines.
pub fn github(items: &[Diagnostic]) -> String {
    items.iter().map(github_line).collect()
}

fn github_line(d: &Diagnostic) -> String {
    let command = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let mut properties = Vec::new();
    if !d.file.is_empty() {
        properties.push(format!("file={}", escape_property(&d.file)));
    }
    if d.line > 0 {
        properties.push(format!("line={}", d.line));
        properties.push(format!("col={}", d.column));
    }
    properties.push(format!("title={}", escape_property(d.code.as_str())));
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        message.push_str("\n\nhelp: ");
        message.push_str(help);
    }
    format!(
        "::{command} {}::{}\n",
        properties.join(","),
        escape_data(&message)
    )
}

/// GitHub's escaping of a command's message: `%`, `\r`, `\n`. Other control
/// characters are shown escaped, so hostile text cannot colour or rewrite the log.
pub fn escape_data(text: &str) -> String {
    let escaped = text
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    visible(&escaped)
}

/// GitHub's escaping of a property value: as a message, and `:` and `,`.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_as_github_documents() {
        assert_eq!(escape_data("100%\r\nok: a,b"), "100%25%0D%0Aok: a,b");
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
        assert_eq!(escape_data("\u{1b}[31m"), "\\u{1b}[31m");
    }
}
