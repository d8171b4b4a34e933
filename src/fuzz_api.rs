//! Entry points for the fuzz targets under `fuzz/`, one per parser, each
//! running that parser the way `orr` runs it on a file (and the stages right
//! after it), then rendering the diagnostics as the terminal would. Not part
//! of the supported API: it exists so the fuzz crate needs nothing else public.
//!
//! The surrounding handbook is a tiny fixed one (one bank, one concept, one
//! chapter, default settings), so an answer, a link or a tag in the fuzzed
//! file can point at something real.

use jiff::civil::Date;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::load::{parse_file, Kind, Sources};
use crate::markdown::Highlighter;
use crate::source::SourceFile;

const BANK: &str = "---\ntitle: Capacity\norder: 1\nasks: Enough?\n---\n\
## Is peak throughput measured? {#capacity-replica-peak concepts=load-testing}\n\nMeasure it.\n\n\
## Is the restore drilled? {#capacity-restore applies=stateful level=recommended}\n\nDrill it.\n";
const CONCEPT: &str = "---\ntitle: Load testing\ngroup: Capacity\n---\nLoad on purpose.\n";
const CHAPTER: &str = "---\ntitle: Intro\n---\nSee [the checklist](../questions/capacity.md).\n";
const CONFIG: &str = "title: Fuzz\ntags:\n  stateful: Owns durable data\n";
const SERVICE: &str = "title: Checkout\nowner: payments\ntier: 1\ntags: [stateful]\n\
answers:\n  capacity-replica-peak:\n    status: yes\n    evidence: https://grafana.example/checkout\n";

/// The day every analysis is made as of, so a run never depends on the clock.
const TODAY: Date = jiff::civil::date(2026, 6, 1);

/// The text of a file as `load` reads it: UTF-8 (else the diagnostic for the
/// first bad byte is built and rendered) without a leading byte-order mark.
pub fn file_text(bytes: &[u8]) -> Option<&str> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Some(text.strip_prefix('\u{feff}').unwrap_or(text)),
        Err(e) => {
            let _ = crate::load::utf8_error("content/fuzz", bytes, e.valid_up_to()).render();
            None
        }
    }
}

/// Front matter: the split and the YAML of every kind of Markdown file.
pub fn front_matter(text: &str) {
    let kinds = [
        (Kind::Chapter, "handbook/fuzz.md"),
        (Kind::Bank, "questions/fuzz.md"),
        (Kind::Postmortem, "postmortems/fuzz.md"),
        (Kind::Concept, "concepts/fuzz.md"),
        (Kind::ServiceProse, "services/fuzz.md"),
    ];
    for (kind, rel) in kinds {
        let mut diags = Vec::new();
        let _ = parse_file(
            kind,
            rel,
            SourceFile::new(format!("content/{rel}"), text),
            &mut diags,
        );
        assert_positions(&diags, &[(kind, rel, text)]);
        render_all(diags);
    }
}

/// A question bank: headings and their `{#id key=value}` blocks, resolved.
pub fn question_bank(text: &str, highlighter: &Highlighter) {
    resolve_with(&[(Kind::Bank, "questions/fuzz.md", text)], highlighter);
}

/// A postmortem: its front matter and its question blocks, resolved.
pub fn postmortem(text: &str, highlighter: &Highlighter) {
    resolve_with(
        &[(Kind::Postmortem, "postmortems/fuzz.md", text)],
        highlighter,
    );
}

/// A service file: YAML, schema check, then resolved against the fixed bank.
pub fn service_yaml(text: &str, highlighter: &Highlighter) {
    resolve_with(&[(Kind::Service, "services/fuzz.yaml", text)], highlighter);
}

/// `orr.yaml`: parsed, then checked by resolve.
pub fn config_yaml(text: &str, highlighter: &Highlighter) {
    resolve_with(&[(Kind::Config, "orr.yaml", text)], highlighter);
}

/// A chapter's Markdown: split into sections, rendered with links rewritten.
pub fn markdown(text: &str, highlighter: &Highlighter) {
    resolve_with(&[(Kind::Chapter, "handbook/fuzz.md", text)], highlighter);
}

/// The preview server's request-target parser. Panics when an accepted
/// target could name a file outside the site, so the fuzzer reports it.
pub fn request_target(url: &str) {
    let Ok(target) = crate::serve::http::parse_target(url) else {
        return;
    };
    for segment in &target.segments {
        let escapes = segment.is_empty()
            || segment == "."
            || segment == ".."
            || segment.contains(['/', '\\'])
            || segment.chars().any(char::is_control);
        assert!(!escapes, "{url:?} was accepted with segment {segment:?}");
    }
}

/// The whole pipeline on a tiny handbook whose service file is `service`
/// and, when `bank` is given, whose only bank is `bank`: load, resolve,
/// analyze, render.
pub fn pipeline(bank: Option<&str>, service: &str, highlighter: &Highlighter) {
    let mut diags = Diagnostics::new();
    let mut files = vec![(Kind::Service, "services/fuzz.yaml", service)];
    if let Some(bank) = bank {
        files.push((Kind::Bank, "questions/capacity.md", bank));
    }
    let mut sources = sources_with(&files, &mut diags);
    let handbook = crate::resolve::resolve(&mut sources, None, highlighter, &mut diags);
    let assessment = crate::analyze::analyze(&handbook, TODAY);
    diags.extend(assessment.findings.iter().cloned());
    let _ = crate::render::render(&handbook, &assessment, &[], &[], &mut diags);
    let _ = diags.render();
    assert_positions(&diags.into_sorted(), &files);
}

/// Loads and resolves the fixed handbook with `files` added (or replacing
/// the fixed file of the same path), and renders the diagnostics.
fn resolve_with(files: &[(Kind, &str, &str)], highlighter: &Highlighter) {
    let mut diags = Diagnostics::new();
    let mut sources = sources_with(files, &mut diags);
    let _ = crate::resolve::resolve(&mut sources, None, highlighter, &mut diags);
    let _ = diags.render();
    assert_positions(&diags.into_sorted(), files);
}

/// The fixed handbook plus `files`, gathered as `load` gathers them.
fn sources_with(files: &[(Kind, &str, &str)], diags: &mut Diagnostics) -> Sources {
    let fixed = [
        (Kind::Config, "orr.yaml", CONFIG),
        (Kind::Bank, "questions/capacity.md", BANK),
        (Kind::Concept, "concepts/load-testing.md", CONCEPT),
        (Kind::Chapter, "handbook/intro.md", CHAPTER),
        (Kind::Service, "services/checkout.yaml", SERVICE),
    ];
    let mut all: Vec<(Kind, &str, &str)> = fixed
        .into_iter()
        .filter(|(_, rel, _)| files.iter().all(|(_, r, _)| r != rel))
        .collect();
    all.extend_from_slice(files);
    all.sort_by_key(|(_, rel, _)| *rel);

    let mut sources = Sources::default();
    for (kind, rel, text) in all {
        let mut local = Vec::new();
        let source = SourceFile::new(format!("content/{rel}"), text);
        if kind == Kind::Service {
            sources.service_names.push(crate::load::stem_of(rel));
        }
        if let Some(parsed) = parse_file(kind, rel, source, &mut local) {
            sources.file(parsed);
        }
        diags.extend(local);
    }
    sources
}

/// Panics when a diagnostic about one of `files` points at a line the file
/// does not have, quotes another line than the one it names, or puts its
/// column past the end of that line: hostile input must still get true positions.
/// Only when `ORR_FUZZ_POSITIONS` is set: YAML errors still break it in known
/// ways (see fuzz/regressions/), which would stop every run at once.
fn assert_positions(diags: &[Diagnostic], files: &[(Kind, &str, &str)]) {
    if std::env::var_os("ORR_FUZZ_POSITIONS").is_none() {
        return;
    }
    for (_, rel, text) in files {
        let source = SourceFile::new(format!("content/{rel}"), *text);
        for d in diags.iter().filter(|d| d.file == source.path && d.line > 0) {
            let line = source.line_text(d.line);
            let fits = d.line <= source.line_count()
                && d.column >= 1
                && d.column <= line.chars().count() + 1
                && d.source_line.as_deref().is_none_or(|quoted| quoted == line);
            assert!(
                fits,
                "diagnostic at a position the file does not have: {d:?}"
            );
        }
    }
}

fn render_all(diags: Vec<Diagnostic>) {
    for d in diags {
        let _ = d.render();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_entry_point_takes_the_fixed_handbook_and_garbage() {
        let highlighter = Highlighter::new();
        for text in [
            BANK, CONCEPT, CHAPTER, CONFIG, SERVICE, "", "---\n", "## {#", "a: [\n",
        ] {
            front_matter(text);
            question_bank(text, &highlighter);
            postmortem(text, &highlighter);
            service_yaml(text, &highlighter);
            config_yaml(text, &highlighter);
            markdown(text, &highlighter);
        }
        pipeline(Some(BANK), SERVICE, &highlighter);
        pipeline(None, "answers: 3", &highlighter);
    }

    #[test]
    fn file_text_reads_utf8_without_its_byte_order_mark() {
        assert_eq!(file_text("\u{feff}title: x".as_bytes()), Some("title: x"));
        assert_eq!(file_text(b"ok\n\xff"), None);
    }

    #[test]
    fn request_targets_that_are_accepted_stay_inside_the_site() {
        for url in [
            "/",
            "/a//b/",
            "http://h/x?y#z",
            "/%2e%2e/",
            "/a%2fb",
            "/%00",
        ] {
            request_target(url);
        }
    }
}
