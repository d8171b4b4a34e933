//! Diagnostics: every problem found in a handbook, as data.
//!
//! A stage never stops at the first mistake: it pushes a [`Diagnostic`] and goes
//! on, so one run reports everything, rustc-style, with the file, the line, the
//! column, the offending source line and a hint.
//!
//! Everything printed may quote hostile content, so control characters (ANSI
//! escapes, carriage returns, bidi overrides) are shown escaped, `\u{1b}`, never
//! written raw to a terminal.

use std::fmt::Write as _;

mod codes;
pub mod formats;

pub use codes::Code;

use crate::source::SourceFile;

/// How bad a problem is: errors stop the build, warnings are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One problem, located in a file of the handbook.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// The stable name of this kind of problem (docs/format.md lists them).
    pub code: Code,
    /// Path relative to the handbook root, with `/` separators.
    pub file: String,
    /// 1-based; 0 when the problem concerns the whole file.
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
    pub message: String,
    pub help: Option<String>,
    /// The text of `line`, for the excerpt under the message (a window of it when the line is long).
    pub source_line: Option<String>,
    /// Characters of the line left out before `source_line` (0 unless the line is long).
    #[serde(skip)]
    pub line_from: usize,
    /// How many characters the caret underline covers.
    pub span_len: usize,
}

impl Diagnostic {
    fn new(severity: Severity, file: &str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity,
            code: Code::Unclassified,
            file: file.to_string(),
            line: 0,
            column: 0,
            message: message.into(),
            help: None,
            source_line: None,
            line_from: 0,
            span_len: 1,
        }
    }

    /// An error about a whole file (no line known).
    pub fn file_error(file: &str, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, file, message)
    }

    /// An error at `line:column` of `source`.
    pub fn error(
        source: &SourceFile,
        line: usize,
        column: usize,
        message: impl Into<String>,
    ) -> Self {
        Self::new(Severity::Error, &source.path, message).at(source, line, column)
    }

    /// A warning at `line:column` of `source`.
    pub fn warning(
        source: &SourceFile,
        line: usize,
        column: usize,
        message: impl Into<String>,
    ) -> Self {
        Self::new(Severity::Warning, &source.path, message).at(source, line, column)
    }

    /// An error or warning at a place remembered in the model.
    pub fn at_place(
        severity: Severity,
        place: &crate::source::Place,
        message: impl Into<String>,
    ) -> Self {
        let mut d = Self::new(severity, &place.file, message);
        d.line = place.line;
        d.column = place.column;
        let line = place.text();
        d.span_len = token_len(&line, place.column);
        d.source_line = Some(line);
        d
    }

    fn at(mut self, source: &SourceFile, line: usize, column: usize) -> Self {
        self.line = line;
        self.column = column.max(1);
        if line > 0 {
            // Only a window around the column is kept: a file of one long line
            // with thousands of problems must not copy that line thousands of times.
            let (text, from) = source.line_window(line, self.column, 2 * EXCERPT_CHARS);
            self.line_from = from;
            self.span_len = token_len(&text, self.column - from);
            self.source_line = Some(text);
        }
        self
    }

    /// Adds the hint printed under the excerpt.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Sets the stable code of this kind of problem.
    pub fn code(mut self, code: Code) -> Self {
        self.code = code;
        self
    }

    /// Sets the width of the caret underline.
    pub fn span(mut self, len: usize) -> Self {
        self.span_len = len.max(1);
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `file:line:column`, the form editors and terminals make clickable.
    pub fn location(&self) -> String {
        if self.line == 0 {
            self.file.clone()
        } else {
            format!("{}:{}:{}", self.file, self.line, self.column)
        }
    }

    /// The rustc-style text of this diagnostic.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let _ = writeln!(out, "{label}[{}]: {}", self.code, visible(&self.message));
        let gutter = if self.line > 0 {
            self.line.to_string().len()
        } else {
            1
        };
        let pad = " ".repeat(gutter);
        let _ = writeln!(out, "{pad}--> {}", visible(&self.location()));
        if let (Some(text), true) = (&self.source_line, self.line > 0) {
            let column = self.column.saturating_sub(self.line_from).max(1);
            let (shown, caret_column) = excerpt(text, column, self.line_from > 0);
            let (shown, caret_column) = visible_line(&shown, caret_column);
            let _ = writeln!(out, "{pad} |");
            let _ = writeln!(out, "{} | {}", self.line, shown);
            let lead = " ".repeat(caret_column.saturating_sub(1));
            let width = self.span_len.clamp(1, EXCERPT_CHARS);
            let _ = writeln!(out, "{pad} | {lead}{}", "^".repeat(width));
        }
        if let Some(help) = &self.help {
            let _ = writeln!(out, "{pad} = help: {}", visible(help));
        }
        out
    }
}

/// How much of a long source line is quoted.
const EXCERPT_CHARS: usize = 100;

/// A line cut to a window around `column` when it is long, and the column within it;
/// `cut_before` says the line given is already missing its start.
fn excerpt(line: &str, column: usize, cut_before: bool) -> (String, usize) {
    let chars: Vec<char> = line.chars().collect();
    if chars.len() <= EXCERPT_CHARS {
        return if cut_before {
            (format!("...{line}"), column + 3)
        } else {
            (line.to_string(), column)
        };
    }
    let start = column
        .saturating_sub(1)
        .saturating_sub(EXCERPT_CHARS / 2)
        .min(chars.len() - EXCERPT_CHARS);
    let end = start + EXCERPT_CHARS;
    let mut shown: String = chars[start..end].iter().collect();
    let mut caret = column.saturating_sub(start);
    if start > 0 || cut_before {
        shown.insert_str(0, "...");
        caret += 3;
    }
    if end < chars.len() {
        shown.push_str("...");
    }
    (shown, caret)
}

/// Whether `c` would act on a terminal instead of showing: C0/C1 controls,
/// DEL, bidi overrides and isolates (which reorder what follows), line separators.
fn is_unsafe_char(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}')
}

/// How `c` is printed: itself, or an escape such as `\n` or `\u{1b}`.
fn visible_char(c: char, out: &mut String) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c if is_unsafe_char(c) => {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        }
        c => out.push(c),
    }
}

/// `text` with every unsafe character escaped, safe to write to a terminal.
pub fn visible(text: &str) -> String {
    if !text.chars().any(is_unsafe_char) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        visible_char(c, &mut out);
    }
    out
}

/// A quoted source line made safe, and the caret column moved past the escapes before it.
/// Tabs become one space, so the caret stays under the column.
fn visible_line(line: &str, caret_column: usize) -> (String, usize) {
    let mut out = String::with_capacity(line.len());
    let mut caret = caret_column;
    for (i, c) in line.chars().enumerate() {
        let before = out.chars().count();
        if c == '\t' {
            out.push(' ');
        } else {
            visible_char(c, &mut out);
        }
        if i + 1 == caret_column {
            caret = before + 1;
        }
    }
    let count = line.chars().count();
    if caret_column > count {
        caret = out.chars().count() + (caret_column - count);
    }
    (out, caret)
}

/// The length of the token starting at `column`: a word, a key, a quoted value.
fn token_len(line: &str, column: usize) -> usize {
    let rest: String = line.chars().skip(column.saturating_sub(1)).collect();
    let len = rest
        .chars()
        .take_while(|c| !c.is_whitespace() && *c != ':' && *c != ',' && *c != '}' && *c != ']')
        .count();
    len.max(1)
}

/// All the problems of one run.
#[derive(Debug, Clone, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    pub fn extend(&mut self, more: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(more);
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }

    pub fn warning_count(&self) -> usize {
        self.items.len() - self.error_count()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Sorted by file, line, column, so output is stable whatever the order of
    /// discovery, at most [`crate::limits::MAX_DIAGNOSTICS_PER_FILE`] (and a
    /// count of the rest) per file.
    pub fn into_sorted(mut self) -> Vec<Diagnostic> {
        self.sort();
        Self::cap_per_file(self.items)
    }

    pub fn sort(&mut self) {
        self.items.sort_by(|a, b| {
            (&a.file, a.line, a.column, a.severity, &a.message)
                .cmp(&(&b.file, b.line, b.column, b.severity, &b.message))
        });
        self.items.dedup();
    }

    /// Keeps the first [`MAX_DIAGNOSTICS_PER_FILE`] diagnostics of each file
    /// (the items are sorted), then one saying how many more there are, so a
    /// file with 100,000 mistakes gives a readable report. O(n).
    ///
    /// [`MAX_DIAGNOSTICS_PER_FILE`]: crate::limits::MAX_DIAGNOSTICS_PER_FILE
    fn cap_per_file(sorted: Vec<Diagnostic>) -> Vec<Diagnostic> {
        let limit = crate::limits::MAX_DIAGNOSTICS_PER_FILE;
        let mut kept: Vec<Diagnostic> = Vec::with_capacity(sorted.len().min(1024));
        let mut items = sorted.into_iter().peekable();
        while let Some(first) = items.next() {
            let file = first.file.clone();
            let mut count = 1;
            let mut worst = first.severity;
            kept.push(first);
            while let Some(next) = items.next_if(|d| d.file == file) {
                count += 1;
                if count <= limit {
                    kept.push(next);
                } else {
                    worst = worst.min(next.severity);
                }
            }
            if count > limit {
                let more = count - limit;
                let word = match (worst, more) {
                    (Severity::Error, 1) => "error",
                    (Severity::Error, _) => "errors",
                    (Severity::Warning, 1) => "warning",
                    (Severity::Warning, _) => "warnings",
                };
                let message = format!("{more} more {word} in this file");
                let mut d = Diagnostic::new(worst, &file, message).code(Code::TooManyDiagnostics);
                d.help = Some(format!(
                    "only the first {limit} problems of a file are shown; fix them and check again"
                ));
                kept.push(d);
            }
        }
        kept
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    /// Every diagnostic (at most [`crate::limits::MAX_DIAGNOSTICS_PER_FILE`]
    /// per file), then a summary line counting them all.
    pub fn render(&self) -> String {
        use rayon::prelude::*;
        // Rendered in parallel, joined in order: a large organisation's
        // report holds thousands of warnings, each quoting its line, and
        // it is written after everything else is done.
        let rendered: Vec<String> = self
            .clone()
            .into_sorted()
            .par_iter()
            .map(Diagnostic::render)
            .collect();
        let mut out = String::with_capacity(rendered.iter().map(|r| r.len() + 1).sum());
        for d in &rendered {
            out.push_str(d);
            out.push('\n');
        }
        let (errors, warnings) = (self.error_count(), self.warning_count());
        if errors > 0 {
            let _ = writeln!(
                out,
                "{} found; nothing was written",
                plural(errors, "error")
            );
        } else if warnings > 0 {
            let _ = writeln!(out, "{}", plural(warnings, "warning"));
        }
        out
    }
}

/// "1 error", "3 errors".
pub fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// The closest candidate to `wrong`, for "did you mean" hints.
pub fn did_you_mean<'a>(
    wrong: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    let mut best: Option<(f64, &str)> = None;
    for candidate in candidates {
        let score = strsim::jaro_winkler(wrong, candidate);
        if score >= 0.8 && best.is_none_or(|(b, c)| score > b || (score == b && candidate < c)) {
            best = Some((score, candidate));
        }
    }
    best.map(|(_, c)| format!("did you mean `{c}`?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_rustc_style() {
        let src = SourceFile::new(
            "content/services/a.yaml",
            "title: A\nanswers:\n  capacity-x:\n",
        );
        let d = Diagnostic::error(&src, 3, 3, "unknown question id `capacity-x`")
            .code(Code::UnknownQuestionId)
            .help("did you mean `capacity-y`?");
        assert_eq!(
            d.render(),
            "error[unknown-question-id]: unknown question id `capacity-x`\n --> content/services/a.yaml:3:3\n  |\n3 |   capacity-x:\n  |   ^^^^^^^^^^\n  = help: did you mean `capacity-y`?\n"
        );
    }

    #[test]
    fn long_lines_are_quoted_around_the_column() {
        let line = format!("{}bad{}", "a".repeat(300), "b".repeat(300));
        let (shown, caret) = excerpt(&line, 301, false);
        assert_eq!(shown.chars().count(), 106);
        assert!(shown.starts_with("...") && shown.ends_with("..."));
        assert_eq!(shown.chars().nth(caret - 1), Some('b'));
        assert_eq!(excerpt("short", 2, false), ("short".to_string(), 2));
        assert_eq!(excerpt("short", 2, true), ("...short".to_string(), 5));
    }

    #[test]
    fn control_characters_are_printed_escaped() {
        let src = SourceFile::new(
            "content/services/a.yaml",
            "title: \"\u{1b}[2J\u{1b}]0;pwned\u{7}\"\tbad: 1\n",
        );
        let d = Diagnostic::error(&src, 1, 25, "unknown key `\u{1b}[31mx\rerror: fake`")
            .help("remove `\u{202e}x`");
        let text = d.render();
        assert!(
            !text.chars().any(|c| c.is_control() && c != '\n'),
            "{text:?}"
        );
        assert!(!text.contains('\u{202e}'));
        assert!(
            text.contains("unknown key `\\u{1b}[31mx\\rerror: fake`"),
            "{text}"
        );
        assert!(text.contains("= help: remove `\\u{202e}x`"), "{text}");
        assert!(
            text.contains("1 | title: \"\\u{1b}[2J\\u{1b}]0;pwned\\u{7}\" bad: 1"),
            "{text}"
        );
        // The caret stays under `bad` after the escapes widened the line.
        let lines: Vec<&str> = text.lines().collect();
        let quoted = lines[3].find("bad").unwrap();
        assert_eq!(lines[4].find('^'), Some(quoted));
    }

    #[test]
    fn long_lines_are_windowed_when_the_diagnostic_is_made() {
        let line = format!("{}bad{}", "é".repeat(5000), "b".repeat(5000));
        let src = SourceFile::new("a.md", format!("x\n{line}\n"));
        let d = Diagnostic::error(&src, 2, 5001, "m");
        assert!(d.source_line.as_ref().unwrap().chars().count() <= 4 * EXCERPT_CHARS);
        let text = d.render();
        let lines: Vec<&str> = text.lines().collect();
        assert!(
            lines[3].starts_with("2 | ...") && lines[3].ends_with("..."),
            "{text}"
        );
        let quoted = lines[3][..lines[3].find("bad").unwrap()].chars().count();
        assert_eq!(lines[4].find('^'), Some(quoted), "{text}");
        assert!(d.span_len <= 2 * EXCERPT_CHARS);
    }

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(
            did_you_mean(
                "capacity-replica-peek",
                ["capacity-replica-peak", "backups-x"]
            )
            .as_deref(),
            Some("did you mean `capacity-replica-peak`?")
        );
        assert_eq!(did_you_mean("zzz", ["capacity-replica-peak"]), None);
    }
}
