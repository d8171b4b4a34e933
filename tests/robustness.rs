//! Robustness: what a user editing handbook files by hand can throw at `orr`.
//!
//! Every test copies a fixture into a temporary directory, breaks one thing
//! and runs the real binary. The bar: never a panic (exit 101) or a signal;
//! content errors exit 1 and are located as `file:line:column`; a failed build
//! leaves the previous site alone; user text is escaped; output is
//! reproducible. A bounded, seeded mutation loop at the end shakes the valid
//! fixture a few hundred times.
//!
//! A bug found this way gets a test here that states what should happen; it
//! may be `#[ignore = "bug: ..."]` until `src/` is fixed, never longer.

mod common;

use std::path::{Path, PathBuf};

use common::*;

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// A copy of `base` with `files` (paths under `content/`) overwritten or added.
fn case(base: &str, files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = handbook(base, &[]);
    for (rel, bytes) in files {
        let path = dir.path().join("content").join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, bytes).unwrap();
    }
    dir
}

fn minimal_with(rel: &str, text: &str) -> tempfile::TempDir {
    case("minimal", &[(rel, text.as_bytes())])
}

fn run(cmd: &str, root: &Path, extra: &[&str]) -> Run {
    let mut args = vec![cmd, "--root", root.to_str().unwrap(), "--today", TODAY];
    args.extend_from_slice(extra);
    orr(&args)
}

fn check(root: &Path) -> Run {
    run("check", root, &[])
}

/// One diagnostic as printed: severity, message, and its `-->` location.
#[derive(Debug, Clone, PartialEq)]
struct Printed {
    severity: String,
    message: String,
    file: String,
    /// `None` for a whole-file diagnostic (`--> path` alone).
    line_col: Option<(usize, usize)>,
}

/// The severity and message of a `error[code]: message` line, asserting it has a code.
fn headline(line: &str) -> Option<(&str, &str)> {
    let (severity, rest) = ["error[", "warning["]
        .iter()
        .find_map(|p| line.strip_prefix(p).map(|rest| (&p[..p.len() - 1], rest)))?;
    let (code, message) = rest.split_once("]: ")?;
    assert!(
        !code.is_empty() && code != "unclassified",
        "a diagnostic without a code: {line}"
    );
    Some((severity, message))
}

/// Parses the rustc-style report, asserting every `-->` line is well formed.
fn diagnostics(stderr: &str) -> Vec<Printed> {
    let mut out = Vec::new();
    let mut pending: Option<(String, String)> = None;
    for line in stderr.lines() {
        if let Some((severity, msg)) = headline(line) {
            pending = Some((severity.into(), msg.into()));
        } else if let Some(loc) = line.trim_start().strip_prefix("--> ") {
            let (severity, message) = pending
                .take()
                .unwrap_or_else(|| panic!("`-->` without a message before it:\n{stderr}"));
            out.push(parse_location(severity, message, loc, stderr));
        }
    }
    out
}

fn parse_location(severity: String, message: String, loc: &str, stderr: &str) -> Printed {
    let parts: Vec<&str> = loc.rsplitn(3, ':').collect();
    let numbers = (parts.len() == 3)
        .then(|| {
            Some((
                parts[1].parse::<usize>().ok()?,
                parts[0].parse::<usize>().ok()?,
            ))
        })
        .flatten();
    let (file, line_col) = match numbers {
        Some((line, col)) => {
            assert!(
                line >= 1 && col >= 1,
                "location `{loc}` has a zero line or column:\n{stderr}"
            );
            (parts[2].to_string(), Some((line, col)))
        }
        None => (loc.to_string(), None),
    };
    assert!(
        file.starts_with("content/")
            || file.starts_with("templates/")
            || file.starts_with("assets/"),
        "location `{loc}` is not a path of the handbook:\n{stderr}"
    );
    Printed {
        severity,
        message,
        file,
        line_col,
    }
}

/// The run neither panicked nor died from a signal, and its report parses.
fn assert_sane(run: &Run, what: &str) -> Vec<Printed> {
    assert!(
        run.code == 0 || run.code == 1,
        "{what}: exit status {} (101 is a panic, -1 a signal)\n{}",
        run.code,
        run.stderr
    );
    assert!(
        !run.stderr.contains("panicked at"),
        "{what}: panic\n{}",
        run.stderr
    );
    let diags = diagnostics(&run.stderr);
    let errors = diags.iter().filter(|d| d.severity == "error").count();
    if run.code == 1 {
        assert!(
            errors > 0,
            "{what}: exit 1 without an error\n{}",
            run.stderr
        );
    } else {
        assert_eq!(errors, 0, "{what}: exit 0 with errors\n{}", run.stderr);
    }
    diags
}

/// Where a diagnostic is expected: file, line, and column when it matters.
#[derive(Clone, Copy)]
struct At(&'static str, usize, Option<usize>);

fn find<'a>(diags: &'a [Printed], message: &str) -> Option<&'a Printed> {
    diags.iter().find(|d| d.message.contains(message))
}

fn assert_at(diags: &[Printed], message: &str, at: At, stderr: &str) {
    let d = find(diags, message)
        .unwrap_or_else(|| panic!("no diagnostic containing `{message}`:\n{stderr}"));
    assert_eq!(d.file, at.0, "file of `{message}`:\n{stderr}");
    let (line, col) = d
        .line_col
        .unwrap_or_else(|| panic!("`{message}` has no line:column:\n{stderr}"));
    assert_eq!(line, at.1, "line of `{message}`:\n{stderr}");
    if let Some(c) = at.2 {
        assert_eq!(col, c, "column of `{message}`:\n{stderr}");
    }
}

/// The source line quoted under a located diagnostic, as printed.
fn assert_quotes(stderr: &str, line: usize, text: &str) {
    let wanted = format!("{line} | {text}");
    assert!(
        stderr.lines().any(|l| l.trim_start() == wanted),
        "the report does not quote `{wanted}`:\n{stderr}"
    );
}

const SVC: &str = "content/services/checkout.yaml";
const BANK: &str = "content/questions/capacity.md";
const INTRO: &str = "content/handbook/intro.md";
const PM: &str = "content/postmortems/outage.md";
const ORR: &str = "content/orr.yaml";

const BANK_HEAD: &str = "---\ntitle: Capacity\norder: 1\n---\n";

fn bank(body: &str) -> String {
    format!("{BANK_HEAD}{body}")
}

// ---------------------------------------------------------------------------
// (a) A table of malformed inputs through `orr check`
// ---------------------------------------------------------------------------

/// One malformed file laid over the minimal fixture.
struct Case {
    name: &'static str,
    /// Path under `content/`.
    file: &'static str,
    text: Vec<u8>,
    code: i32,
    /// A message the report must contain, and where it must point.
    expect: Option<(&'static str, At)>,
}

fn c(name: &'static str, file: &'static str, text: impl Into<Vec<u8>>, code: i32) -> Case {
    Case {
        name,
        file,
        text: text.into(),
        code,
        expect: None,
    }
}

impl Case {
    fn at(mut self, message: &'static str, at: At) -> Self {
        self.expect = Some((message, at));
        self
    }
}

fn svc(body: &str) -> String {
    format!("title: Checkout\nowner: payments\ntier: 1\n{body}")
}

fn table() -> Vec<Case> {
    let typo = "title: Checkout\nowner: payments\ntier: 1\ntags: [stateful]\nanswers:\n  capacity-replica-peek:\n    status: yes\n    evidence: https://x.example\n";
    let unknown_id = "unknown question id `capacity-replica-peek`";
    vec![
        // Empty and degenerate files.
        c("empty bank", "questions/capacity.md", "", 1)
            .at("front matter is missing: missing field `title`", At(BANK, 1, Some(1))),
        c("bank of only ---", "questions/capacity.md", "---\n", 1)
            .at("front matter is not closed", At(BANK, 1, Some(1))),
        c("empty service", "services/checkout.yaml", "", 1)
            .at("a service file is missing `title`", At(SVC, 1, Some(1))),
        c("empty orr.yaml", "orr.yaml", "", 1)
            .at("unknown tag `stateful` in `applies`", At(BANK, 10, Some(55))),
        c("service of only ---", "services/checkout.yaml", "---\n", 1),
        c("binary service", "services/checkout.yaml", &b"\xff\xfe\x00garbage\x80"[..], 1),
        c("binary bank", "questions/capacity.md", &b"---\ntitle: \xc3\x28\n---\n"[..], 1),
        c("nul bytes in a chapter", "handbook/intro.md", "---\ntitle: A\0B\n---\n\0\0\0\n", 1),
        // Encodings and line endings keep positions true.
        c("BOM", "services/checkout.yaml", format!("\u{feff}{typo}"), 1)
            .at(unknown_id, At(SVC, 6, Some(3))),
        c("CRLF service", "services/checkout.yaml", typo.replace('\n', "\r\n"), 1)
            .at(unknown_id, At(SVC, 6, Some(3))),
        c(
            "CRLF bank",
            "questions/capacity.md",
            bank("## Is peak measured? {#capacity-replica-peak concepts=load-testng}\n\nWhy.\n\n## Q2 {#capacity-restore applies=stateful level=recomended}\n").replace('\n', "\r\n"),
            1,
        )
        .at("unknown level `recomended`", At(BANK, 9, Some(49))),
        c(
            "CRLF bank, concept",
            "questions/capacity.md",
            bank("## Is peak measured? {#capacity-replica-peak concepts=load-testng}\n").replace('\n', "\r\n"),
            1,
        )
        .at("unknown concept `load-testng`", At(BANK, 5, Some(55))),
        c(
            "tabs in a heading",
            "questions/capacity.md",
            bank("## Is peak measured? {#capacity-replica-peak}\n\n## Q2\t\t{#capacity-restore applies=stateful level=recomended}\n"),
            1,
        )
        .at("unknown level `recomended`", At(BANK, 7, Some(50))),
        c("tab indentation in YAML", "handbook/intro.md", "---\ntitle: Intro\n\tweight: 1\n---\nbody\n", 1)
            .at("tab", At(INTRO, 3, Some(1))),
        // Wrong YAML types everywhere.
        // `true` reads as yes (what YAML 1.1 tools write); `on` is no status.
        c("status: on", "services/checkout.yaml", svc("answers:\n  capacity-replica-peak:\n    status: on\n    evidence: https://x\n"), 1)
            .at("unknown status `on`", At(SVC, 6, Some(13))),
        c("tier: \"1\"", "services/checkout.yaml", svc("").replace("tier: 1", "tier: \"1\""), 1)
            .at("`tier` must be a whole number, not the text \"1\"", At(SVC, 3, Some(7))),
        c("availability: \"99.9\"", "services/checkout.yaml", svc("slo:\n  availability: \"99.9\"\n"), 1)
            .at("`availability` must be a number, not the text \"99.9\"", At(SVC, 5, Some(17))),
        c("tags as a map", "services/checkout.yaml", svc("tags:\n  stateful: yes\n"), 1)
            .at("`tags` must be a list such as `[a, b]`, not a mapping", At(SVC, 4, Some(1))),
        c("answers as a list", "services/checkout.yaml", svc("answers:\n  - capacity-replica-peak\n"), 1)
            .at("`answers` must be a mapping of ids, not a list", At(SVC, 4, Some(1))),
        c("title as a list", "services/checkout.yaml", "title: [a, b]\nowner: p\ntier: 1\n", 1)
            .at("`title` must be text, not a list", At(SVC, 1, Some(8))),
        c("service is a list", "services/checkout.yaml", "- a\n- b\n", 1)
            .at("a service file must be a mapping of `key: value` lines, not a list", At(SVC, 1, Some(1))),
        c("service is a scalar", "services/checkout.yaml", "hello\n", 1)
            .at("a service file must be a mapping of `key: value` lines, not the text \"hello\"", At(SVC, 1, Some(1))),
        c("answer is null", "services/checkout.yaml", svc("answers:\n  capacity-replica-peak:\n"), 1)
            .at("`capacity-replica-peak` is missing `status`", At(SVC, 5, None)),
        c("timeout too big", "services/checkout.yaml", svc("dependencies:\n  - external: x\n    timeout_ms: 18446744073709551616\n"), 1)
            .at("timeout_ms", At(SVC, 6, Some(17))),
        c("availability NaN", "services/checkout.yaml", svc("dependencies:\n  - external: x\n    availability: .nan\n    timeout_ms: 5\n"), 1)
            .at("availability NaN is not a percentage", At(SVC, 6, Some(19))),
        c("slo availability inf", "services/checkout.yaml", svc("slo: {availability: .inf}\n"), 1)
            .at("availability inf is not a percentage", At(SVC, 4, Some(21))),
        c("unterminated flow list", "services/checkout.yaml", svc("tags: [stateful\nanswers:\n"), 1),
        c("unknown field in a flow map", "services/checkout.yaml", svc("slo: {availabilty: 99}\n"), 1)
            .at("unknown key `availabilty` in `slo`", At(SVC, 4, None)),
        c("merge key", "services/checkout.yaml", svc("answers:\n  capacity-replica-peak:\n    <<: {status: no}\n"), 1)
            .at("unknown key `<<` in `capacity-replica-peak`", At(SVC, 6, Some(5))),
        c("anchor at an unknown key", "services/checkout.yaml", svc("base: &b\n  status: no\n"), 1)
            .at("unknown key `base` in a service file", At(SVC, 4, Some(1))),
        c("undefined alias", "services/checkout.yaml", svc("owner2: *nope\n"), 1),
        // Front matter shapes.
        c("front matter is a list", "handbook/intro.md", "---\n- a\n- b\n---\nbody\n", 1)
            .at("invalid type: a list", At(INTRO, 2, Some(1))),
        c("front matter is a scalar", "handbook/intro.md", "---\njust text\n---\nbody\n", 1)
            .at("invalid type: string \"just text\"", At(INTRO, 2, Some(1))),
        c("front matter unclosed", "handbook/intro.md", "---\ntitle: Intro\n\nbody\n", 1)
            .at("front matter is not closed", At(INTRO, 1, Some(1))),
        c("no front matter", "handbook/intro.md", "body only\n", 1)
            .at("front matter is missing", At(INTRO, 1, Some(1))),
        c("front matter closed by ...", "handbook/intro.md", "---\ntitle: Intro\n...\nbody\n", 0),
        c("BOM before front matter", "handbook/intro.md", "\u{feff}---\ntitle: Intro\nweight: x\n---\n", 1)
            .at("invalid type: string \"x\"", At(INTRO, 3, Some(9))),
        // Heading attribute blocks.
        c("empty id {#}", "questions/capacity.md", bank("## Is peak measured? {#}\n\n## Q2 {#capacity-restore}\n"), 1)
            .at("this level-2 heading has no id", At(BANK, 5, Some(1))),
        c("uppercase id", "questions/capacity.md", bank("## Is peak measured? {#Capacity-Replica-Peak}\n"), 1)
            .at("question id `Capacity-Replica-Peak` is not a valid id", At(BANK, 5, Some(24))),
        c("unicode id", "questions/capacity.md", bank("## Is peak measured? {#capacity-replica-peak}\n\n## Is the restore drilled? {#capacité-restore}\n"), 1)
            .at("question id `capacité-restore` is not a valid id", At(BANK, 7, Some(30))),
        c("class in an attribute block", "questions/capacity.md", bank("## Is peak measured? {#capacity-replica-peak .foo}\n"), 1)
            .at("unknown attribute `.foo`", At(BANK, 5, Some(46))),
        c("unknown attribute", "questions/capacity.md", bank("## Is peak measured? {#capacity-replica-peak lvl=required}\n"), 1)
            .at("unknown attribute `lvl`", At(BANK, 5, Some(46))),
        c("since is not a date", "questions/capacity.md", bank("## Is peak measured? {#capacity-replica-peak since=2026-02-29}\n"), 1)
            .at("attribute `since`: `2026-02-29` is not a day of the calendar", At(BANK, 5, None)),
        c("retired before since", "questions/capacity.md", bank("## Is peak measured? {#capacity-replica-peak since=2026-03-01 retired=2026-02-01}\n"), 1)
            .at("is retired (2026-02-01) before it was added (2026-03-01)", At(BANK, 5, None)),
        c("setext level-2 heading", "questions/capacity.md", bank("## Is peak measured? {#capacity-replica-peak}\n\nSetext {#capacity-setext level=foo}\n------\n"), 1)
            .at("unknown level `foo`", At(BANK, 7, Some(32))),
        c(
            "level-1 and level-3 headings and code blocks are not questions",
            "questions/capacity.md",
            bank("# Top {#capacity-top}\n\n## Is peak measured? {#capacity-replica-peak}\n\n### Sub {#capacity-sub}\n\n```\n## In code {#capacity-code level=zzz}\n```\n\n    ## indented {#capacity-ind level=zzz}\n\n<h2 id=\"capacity-html\">Raw</h2>\n"),
            0,
        ),
        // Postmortems.
        c("postmortem without a date", "postmortems/outage.md", "---\nid: pm-outage\ntitle: An outage\nservices: [checkout]\n---\nIt broke.\n", 1)
            .at("missing field `date`", At(PM, 2, None)),
        c("postmortem on 2026-02-29", "postmortems/outage.md", "---\nid: pm-outage\ntitle: An outage\ndate: 2026-02-29\n---\nIt broke.\n", 1)
            .at("postmortem `date`: `2026-02-29` is not a day of the calendar", At(PM, 4, Some(7))),
        c("postmortem on 2028-02-29", "postmortems/outage.md", "---\nid: pm-outage\ntitle: An outage\ndate: 2028-02-29\n---\nIt broke.\n\n## Q? {#capacity-new category=capacity}\n", 0),
        c("postmortem question without category", "postmortems/outage.md", "---\nid: pm-outage\ntitle: An outage\ndate: 2026-03-14\n---\nIt broke.\n\n## Q2? {#pm-x}\n", 1)
            .at("a question added by a postmortem needs `category=`", At(PM, 8, Some(8))),
        c("postmortem question in an unknown category", "postmortems/outage.md", "---\nid: pm-outage\ntitle: An outage\ndate: 2026-03-14\n---\n## Q3 {#pm-y category=nope}\n", 1)
            .at("unknown category `nope`", At(PM, 6, Some(23))),
        c("postmortem naming an unknown service", "postmortems/outage.md", "---\nid: pm-outage\ntitle: An outage\ndate: 2026-03-14\nservices: [checkout, nope]\n---\n", 1)
            .at("unknown service `nope` in `services`", At(PM, 5, Some(22))),
        c("postmortem id clashing with a question id", "postmortems/outage.md", "---\nid: capacity-replica-peak\ntitle: An outage\ndate: 2026-03-14\n---\nIt broke.\n", 0),
        c("postmortem id not an id", "postmortems/outage.md", "---\nid: PM Outage\ntitle: An outage\ndate: 2026-03-14\n---\n", 1)
            .at("postmortem id `PM Outage` is not a valid id", At(PM, 2, Some(5))),
        // Services: answers, waivers, reviews, dependencies.
        c("waiver dates off the calendar", "services/checkout.yaml", svc("answers:\n  capacity-replica-peak:\n    status: waived\n    waiver:\n      reason: r\n      approver: a\n      granted: 2026-02-29\n      expires: 2026-13-01\n"), 1)
            .at("`granted`: `2026-02-29` is not a day of the calendar", At(SVC, 10, Some(16))),
        c("waiver expires before granted (leap day)", "services/checkout.yaml", svc("answers:\n  capacity-replica-peak:\n    status: waived\n    waiver:\n      reason: r\n      approver: a\n      granted: 2028-02-29\n      expires: 2028-02-28\n"), 1)
            .at("expires (2028-02-28) before it was granted (2028-02-29)", At(SVC, 11, Some(16))),
        c("waiver missing fields", "services/checkout.yaml", svc("answers:\n  capacity-replica-peak:\n    status: waived\n    waiver:\n      granted: 2026-09-01\n"), 1)
            .at("is missing `reason`, `approver`, `expires`", At(SVC, 7, Some(5))),
        c("waived without waiver", "services/checkout.yaml", svc("answers:\n  capacity-replica-peak:\n    status: waived\n"), 1)
            .at("is `waived` without a `waiver`", At(SVC, 6, Some(5))),
        c("yes with empty evidence", "services/checkout.yaml", svc("answers:\n  capacity-replica-peak:\n    status: yes\n    evidence: \"\"\n"), 1)
            .at("is answered `yes` without `evidence`", At(SVC, 6, Some(5))),
        c("review date with a time", "services/checkout.yaml", svc("reviews:\n  - date: 2026-10-01T10:00:00Z\n    reviewer: x\n    decision: go\n"), 1)
            .at("review `date`: `2026-10-01T10:00:00Z` is not a date", At(SVC, 5, Some(11))),
        c("due on 2026-11-31", "services/checkout.yaml", svc("answers:\n  capacity-replica-peak:\n    status: partial\n    plan: https://x\n    due: 2026-11-31\n"), 1)
            .at("`due`: `2026-11-31` is not a day of the calendar", At(SVC, 8, Some(10))),
        c("long waiver history with one bad event", "services/checkout.yaml", long_history(), 1)
            .at("unknown waiver event `renewd`", At(SVC, 413, Some(37))),
        c("self dependency", "services/checkout.yaml", svc("dependencies:\n  - service: checkout\n"), 1)
            .at("`checkout` depends on itself", At(SVC, 5, Some(14))),
        c("service and external", "services/checkout.yaml", svc("dependencies:\n  - service: x\n    external: y\n"), 1)
            .at("either `service:` or `external:`", At(SVC, 5, None)),
        c("risk out of range", "services/checkout.yaml", svc("risks:\n  - id: r\n    title: t\n    severity: 0\n    likelihood: 99\n"), 1)
            .at("severity 0 is outside 1..5", At(SVC, 7, Some(15))),
        c("tier out of range", "services/checkout.yaml", svc("").replace("tier: 1", "tier: -9223372036854775808"), 1)
            .at("tier -9223372036854775808 is out of range", At(SVC, 3, Some(7))),
        // Links in Markdown.
        c("mixed-case javascript link", "handbook/intro.md", "---\ntitle: Intro\n---\n[a](JaVaScRiPt:alert(1))\n", 1)
            .at("uses the scheme `javascript:`", At(INTRO, 4, Some(1))),
        c("javascript autolink", "handbook/intro.md", "---\ntitle: Intro\n---\nsee <javascript:alert(1)>\n", 1)
            .at("uses the scheme `javascript:`", At(INTRO, 4, None)),
        c("javascript reference link", "handbook/intro.md", "---\ntitle: Intro\n---\n[a][ref]\n\n[ref]: javascript:alert(1)\n", 1)
            .at("uses the scheme `javascript:`", At(INTRO, 4, None)),
        c("data: image", "handbook/intro.md", "---\ntitle: Intro\n---\n![img](data:image/png;base64,AAAA)\n", 1)
            .at("uses the scheme `data:`", At(INTRO, 4, Some(1))),
        c("entity-encoded javascript", "handbook/intro.md", "---\ntitle: Intro\n---\n[a](&#106;avascript:alert(1))\n", 1)
            .at("uses the scheme `javascript:`", At(INTRO, 4, Some(1))),
        c("hex entities and &colon;", "handbook/intro.md", "---\ntitle: Intro\n---\n[a](&#x6A;avascript&colon;alert(1))\n", 1)
            .at("uses the scheme `javascript:`", At(INTRO, 4, Some(1))),
        c("javascript in angle brackets", "handbook/intro.md", "---\ntitle: Intro\n---\n[a](<javascript:alert(1)>)\n", 1)
            .at("uses the scheme `javascript:`", At(INTRO, 4, Some(1))),
        c("tab entity inside the scheme", "handbook/intro.md", "---\ntitle: Intro\n---\n[a](java&#9;script:x)\n", 1)
            .at("is not allowed", At(INTRO, 4, Some(1))),
        c("backslash link", "handbook/intro.md", "---\ntitle: Intro\n---\n[a](\\\\evil.example/x)\n", 1)
            .at("is not allowed", At(INTRO, 4, Some(1))),
        c("javascript in a footnote", "handbook/intro.md", "---\ntitle: Intro\n---\n[^1]\n\n[^1]: [fn](javascript:y)\n", 1)
            .at("link `javascript:y`", At(INTRO, 6, Some(7))),
        c("link to a missing file", "handbook/intro.md", "---\ntitle: Intro\n---\n\n\n[x](../questions/capacty.md)\n", 1)
            .at("there is no file `content/questions/capacty.md`", At(INTRO, 6, Some(1))),
        c("link climbing out of content", "handbook/intro.md", "---\ntitle: Intro\n---\n[x](../../../../etc/passwd.md)\n", 1)
            .at("link to `../../../../etc/passwd.md`", At(INTRO, 4, Some(1))),
        c("raw HTML is fine (shown as text)", "handbook/intro.md", "---\ntitle: Intro\n---\n<a href=\"javascript:alert(1)\">x</a>\n\n<script>alert(1)</script>\n", 0),
        c("evidence with a scheme", "services/checkout.yaml", svc("answers:\n  capacity-replica-peak:\n    status: yes\n    evidence: \" javascript:alert(1)\"\n"), 1)
            .at("uses the scheme `javascript:`", At(SVC, 7, Some(15))),
        c("evidence in a flow map", "services/checkout.yaml", svc("answers:\n  capacity-replica-peak: {status: yes, evidence: \"vbscript:x\"}\n"), 1)
            .at("uses the scheme `vbscript:`", At(SVC, 5, Some(50))),
        // orr.yaml.
        c("negative policy", "orr.yaml", "title: M\npolicy:\n  waiver_max_days: -1\ntags:\n  stateful: x\n", 1)
            .at("`waiver_max_days` must not be negative", At(ORR, 3, Some(3))),
        c("bad tag names", "orr.yaml", "title: M\ntags:\n  stateful: x\n  Bad Tag: y\n", 1)
            .at("tag `Bad Tag` is not a valid id", At(ORR, 4, Some(3))),
        c("orr.yaml is a list", "orr.yaml", "- a\n", 1).at("invalid type: a list", At(ORR, 1, Some(1))),
        c("huge policy numbers", "orr.yaml", "title: M\npolicy:\n  waiver_max_days: 9223372036854775807\n  expiring_soon_days: 9223372036854775807\n  review_max_age_days: 9223372036854775807\n  risk_blocker_score: 4294967295\ntags:\n  stateful: x\n", 0),
        c("unknown orr.yaml key", "orr.yaml", "title: M\npolcy: {}\ntags:\n  stateful: x\n", 1)
            .at("unknown field `polcy`", At(ORR, 2, Some(1))),
        // Concepts.
        c("concept linking to itself", "concepts/load-testing.md", "---\ntitle: Load testing\ngroup: Capacity\nlinks:\n  - {to: load-testing, label: self}\n---\nx\n", 0),
        c("concept link to nowhere", "concepts/load-testing.md", "---\ntitle: Load testing\ngroup: Capacity\nlinks:\n  - to: load-tests\n---\nx\n", 1)
            .at("unknown concept `load-tests` in `links`", At("content/concepts/load-testing.md", 5, Some(5))),
    ]
}

/// A waiver with 400 history events, the last one misspelled (line 413).
fn long_history() -> String {
    let mut s = svc("answers:\n  capacity-replica-peak:\n    status: waived\n    waiver:\n      reason: r\n      approver: a\n      granted: 2026-09-01\n      expires: 2026-11-01\n      history:\n");
    for i in 0..400 {
        s.push_str(&format!(
            "        - {{date: 2026-{:02}-{:02}, event: renewed, by: x}}\n",
            1 + i % 12,
            1 + i % 28
        ));
    }
    s.push_str("        - {date: 2026-10-01, event: renewd}\n");
    s
}

#[test]
fn malformed_inputs_exit_cleanly_with_located_errors() {
    let mut failures = Vec::new();
    for case in table() {
        let dir = case_dir(&case);
        let run = check(dir.path());
        let outcome = std::panic::catch_unwind(|| {
            let diags = assert_sane(&run, case.name);
            assert_eq!(
                run.code, case.code,
                "{}: exit status\n{}",
                case.name, run.stderr
            );
            if let Some((message, at)) = case.expect {
                assert_at(&diags, message, at, &run.stderr);
            }
            // Every located error quotes the line it points at.
            for d in &diags {
                if let Some((line, _)) = d.line_col {
                    assert!(
                        run.stderr.contains(&format!("{line} |")),
                        "{}: `{}` does not quote line {line}\n{}",
                        case.name,
                        d.message,
                        run.stderr
                    );
                }
            }
        });
        if let Err(e) = outcome {
            let msg = e
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            failures.push(format!("== {}: {msg}", case.name));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

fn case_dir(c: &Case) -> tempfile::TempDir {
    case("minimal", &[(c.file, &c.text)])
}

/// Name, file under `content/`, text, exit status, expected message and place.
type Pathological = (
    &'static str,
    &'static str,
    String,
    i32,
    Option<(&'static str, At)>,
);

#[test]
fn pathological_sizes_and_nesting_do_not_crash() {
    let deep_flow = format!(
        "title: Checkout\nowner: p\ntier: 1\nslo: {}{}\n",
        "[".repeat(5_000),
        "]".repeat(5_000)
    );
    let deep_block = {
        let mut s = String::from("title: Checkout\nowner: p\ntier: 1\nsummary:\n");
        for i in 1..2000 {
            s.push_str(&format!("{}a{i}:\n", "  ".repeat(i)));
        }
        s
    };
    let deep_front = format!(
        "---\ntitle: Intro\nweight: {}1{}\n---\nbody\n",
        "{a: ".repeat(3000),
        "}".repeat(3000)
    );
    let alias_bomb = {
        let mut s = String::from("title: Checkout\nowner: p\ntier: 1\nx0: &a0 [lol]\n");
        for i in 1..20 {
            let refs = vec![format!("*a{}", i - 1); 9].join(",");
            s.push_str(&format!("x{i}: &a{i} [{refs}]\n"));
        }
        s.push_str("summary: *a19\n");
        s
    };
    let long_line = format!(
        "title: {}\nowner: p\ntier: 1\nbogus: 1\n",
        "A".repeat(2_000_000)
    );
    let deep_markdown = format!(
        "---\ntitle: T\n---\n{}x{}\n\n{}x\n\n{}\n",
        "[".repeat(100_000),
        "]".repeat(100_000),
        "> ".repeat(50_000),
        "*".repeat(100_000)
    );
    let many_headings = {
        let mut s = String::from(BANK_HEAD);
        for i in 0..3000 {
            s.push_str(&format!("## Question {i}? {{#capacity-q{i}}}\n\nWhy.\n\n"));
        }
        s
    };
    let cases: Vec<Pathological> = vec![
        (
            "deep flow nesting",
            "services/checkout.yaml",
            deep_flow,
            1,
            Some(("nested more than 64 levels deep", At(SVC, 4, None))),
        ),
        (
            "deep block nesting",
            "services/checkout.yaml",
            deep_block,
            1,
            Some(("nested more than 64 levels deep", At(SVC, 68, None))),
        ),
        (
            "deep front matter",
            "handbook/intro.md",
            deep_front,
            1,
            Some(("nested more than 64 levels deep", At(INTRO, 3, Some(261)))),
        ),
        (
            "alias bomb",
            "services/checkout.yaml",
            alias_bomb,
            1,
            Some(("repetition limit exceeded", At(SVC, 1, None))),
        ),
        (
            "two-megabyte line",
            "services/checkout.yaml",
            long_line,
            1,
            Some(("unknown key `bogus`", At(SVC, 4, Some(1)))),
        ),
        ("deep markdown", "handbook/intro.md", deep_markdown, 0, None),
        (
            "3000 questions",
            "questions/capacity.md",
            many_headings,
            1,
            Some((
                "unknown question id `capacity-replica-peak`",
                At(SVC, 6, Some(3)),
            )),
        ),
    ];
    for (name, file, text, code, expect) in cases {
        let dir = case("minimal", &[(file, text.as_bytes())]);
        let run = check(dir.path());
        let diags = assert_sane(&run, name);
        assert_eq!(
            run.code,
            code,
            "{name}\n{}",
            &run.stderr[..run.stderr.len().min(2000)]
        );
        if let Some((message, at)) = expect {
            assert_at(
                &diags,
                message,
                at,
                &run.stderr[..run.stderr.len().min(2000)],
            );
        }
    }
}

// ---------------------------------------------------------------------------
// One run reports every error; errors point at the right line
// ---------------------------------------------------------------------------

#[test]
fn every_error_of_every_file_is_reported_in_one_run() {
    let dir = case(
        "minimal",
        &[
            (
                "services/checkout.yaml",
                svc("tags: [stateful, statefull]\nanswers:\n  capacity-replica-peek:\n    status: yes\n    evidence: https://x\n  capacity-restore:\n    status: maybe\nrisks:\n  - {id: r, title: t, severity: 6, likelihood: 1}\n").as_bytes(),
            ),
            (
                "handbook/intro.md",
                b"---\ntitle: Intro\n---\n[a](javascript:x)\n\n[b](../nope.md)\n",
            ),
            (
                "questions/capacity.md",
                bank("## Is peak measured? {#capacity-replica-peak concepts=load-tests}\n\n## Restore? {#capacity-restore applies=stateful level=sometimes}\n").as_bytes(),
            ),
        ],
    );
    let run = check(dir.path());
    let diags = assert_sane(&run, "many errors");
    assert_eq!(run.code, 1);
    let s = &run.stderr;
    assert_at(&diags, "unknown tag `statefull`", At(SVC, 4, Some(18)), s);
    assert_at(
        &diags,
        "unknown question id `capacity-replica-peek`",
        At(SVC, 6, Some(3)),
        s,
    );
    assert_at(&diags, "unknown status `maybe`", At(SVC, 10, Some(13)), s);
    assert_at(&diags, "severity 6 is outside 1..5", At(SVC, 12, None), s);
    assert_at(&diags, "link `javascript:x`", At(INTRO, 4, Some(1)), s);
    assert_at(
        &diags,
        "there is no file `content/nope.md`",
        At(INTRO, 6, Some(1)),
        s,
    );
    assert_at(&diags, "unknown concept `load-tests`", At(BANK, 5, None), s);
    assert_at(&diags, "unknown level `sometimes`", At(BANK, 7, None), s);
    assert_quotes(s, 10, "    status: maybe");
    assert!(s.contains("8 errors found; nothing was written"), "{s}");
}

#[test]
fn diagnostics_in_deeper_content_files_point_at_the_right_line() {
    // The bundled handbook, with a typo appended to the end of a long bank.
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("content")).unwrap();
    copy_tree(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("content"),
        &dir.path().join("content"),
    );
    let bank_path = dir.path().join("content/questions/capacity.md");
    let mut text = read(&bank_path);
    if !text.ends_with('\n') {
        text.push('\n');
    }
    let line = text.lines().count() + 2;
    text.push_str("\n## Is it new? {#capacity-brand-new levle=required}\n");
    std::fs::write(&bank_path, text).unwrap();
    let run = check(dir.path());
    let diags = assert_sane(&run, "bundled handbook");
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_at(
        &diags,
        "unknown attribute `levle`",
        At(BANK, line, Some(36)),
        &run.stderr,
    );
    assert!(
        run.stderr.contains("did you mean `level`?"),
        "{}",
        run.stderr
    );
}

// ---------------------------------------------------------------------------
// The file system: odd layouts, odd names, odd --out
// ---------------------------------------------------------------------------

#[test]
fn empty_and_missing_handbooks() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("content")).unwrap();
    let r = run("build", dir.path(), &[]);
    assert_sane(&r, "empty content/");
    assert_eq!(r.code, 0, "{}", r.stderr);

    // No services and no postmortems; no questions.
    let dir = handbook("minimal", &[]);
    std::fs::remove_file(dir.path().join("content/services/checkout.yaml")).unwrap();
    std::fs::remove_file(dir.path().join("content/postmortems/outage.md")).unwrap();
    let r = run("build", dir.path(), &[]);
    assert_eq!(r.code, 0, "no services\n{}", r.stderr);
    std::fs::remove_file(dir.path().join("content/questions/capacity.md")).unwrap();
    std::fs::write(
        dir.path().join("content/handbook/intro.md"),
        "---\ntitle: I\n---\n",
    )
    .unwrap();
    let r = run("build", dir.path(), &[]);
    assert_eq!(r.code, 0, "no questions\n{}", r.stderr);

    // content/ is a file; the root does not exist.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("content"), "not a directory").unwrap();
    assert_eq!(check(dir.path()).code, 2);
    assert_eq!(check(&dir.path().join("nope")).code, 2);
}

#[test]
fn roots_and_file_names_with_spaces_and_non_ascii() {
    let parent = tempfile::tempdir().unwrap();
    let root = parent.path().join("my hand böok");
    std::fs::create_dir_all(&root).unwrap();
    copy_tree(&fixtures().join("minimal"), &root);
    let r = run("build", &root, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(root.join("site/index.html").exists());

    std::fs::rename(
        root.join("content/services/checkout.yaml"),
        root.join("content/services/chéck out.yaml"),
    )
    .unwrap();
    let r = check(&root);
    let diags = assert_sane(&r, "odd service name");
    assert_eq!(r.code, 1);
    let d = find(&diags, "service file name `chéck out` is not a valid id").expect(&r.stderr);
    assert_eq!(d.file, "content/services/chéck out.yaml");
    assert!(
        r.stderr.contains("did you mean `chéck out`?"),
        "{}",
        r.stderr
    );
}

#[cfg(unix)]
#[test]
fn symlink_loops_and_dangling_links_under_content_do_not_hang() {
    let dir = handbook("minimal", &[]);
    let content = dir.path().join("content");
    std::os::unix::fs::symlink("..", content.join("handbook/loop")).unwrap();
    std::os::unix::fs::symlink("..", content.join("loop-top")).unwrap();
    std::os::unix::fs::symlink("self.md", content.join("questions/self.md")).unwrap();
    std::os::unix::fs::symlink("/nonexistent/x.yaml", content.join("services/gone.yaml")).unwrap();
    let r = check(dir.path());
    assert_sane(&r, "symlinks");
    let r = run("build", dir.path(), &[]);
    assert_sane(&r, "symlinks build");
}

#[cfg(unix)]
#[test]
fn unreadable_files_are_errors_not_crashes() {
    use std::os::unix::fs::PermissionsExt;
    let dir = handbook("minimal", &[]);
    let file = dir.path().join("content/services/checkout.yaml");
    let sub = dir.path().join("content/concepts");
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o000)).unwrap();
    std::fs::set_permissions(&sub, std::fs::Permissions::from_mode(0o000)).unwrap();
    // Root reads through permissions; then this only shows the run is sane.
    let is_root = std::fs::read(&file).is_ok();
    let r = check(dir.path());
    std::fs::set_permissions(&sub, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let diags = assert_sane(&r, "unreadable");
    if !is_root {
        assert_eq!(r.code, 1, "{}", r.stderr);
        assert!(find(&diags, "cannot read").is_some(), "{}", r.stderr);
    }
}

#[test]
fn output_directories_that_would_replace_the_handbook_are_refused() {
    let dir = handbook("minimal", &[]);
    let root = dir.path();
    let p = |s: &str| root.join(s).to_str().unwrap().to_string();
    for out in [
        p("content"),
        p("content/site"),
        p("./content"),
        p("content/../content/x"),
        p("templates"),
        p("assets/x"),
        root.to_str().unwrap().to_string(),
    ] {
        let r = run("build", root, &["--out", &out]);
        assert_eq!(r.code, 2, "--out {out}\n{}", r.stderr);
        assert!(
            r.stderr.contains("refusing to write the site"),
            "{}",
            r.stderr
        );
    }
    assert_eq!(
        snapshot(&root.join("content")),
        snapshot(&fixtures().join("minimal/content"))
    );
}

#[test]
fn an_out_path_through_dot_dot_cannot_replace_content() {
    let dir = handbook("minimal", &[]);
    let root = dir.path();
    build(root, &[]);
    let before = snapshot(&root.join("content"));
    // `site/../content` is `content`: the guard compares paths without resolving `..`.
    let out = root.join("site/../content");
    let r = run("build", root, &["--out", out.to_str().unwrap()]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(
        snapshot(&root.join("content")),
        before,
        "content/ was replaced"
    );
    // `x/..` is the root itself: refused, and no staging directory left behind.
    std::fs::create_dir_all(root.join("x")).unwrap();
    let out = root.join("x/..");
    let r = run("build", root, &["--out", out.to_str().unwrap()]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("refusing to write the site"),
        "{}",
        r.stderr
    );
    let leftovers: Vec<_> = std::fs::read_dir(root.join("x"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[cfg(unix)]
#[test]
fn an_out_path_through_a_symlink_into_content_is_refused() {
    let dir = handbook("minimal", &[]);
    let root = dir.path();
    std::os::unix::fs::symlink(root.join("content"), root.join("link")).unwrap();
    let r = run(
        "build",
        root,
        &["--out", root.join("link/site").to_str().unwrap()],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(!root.join("content/site").exists());
}

#[test]
fn a_failed_build_leaves_the_previous_site_byte_for_byte() {
    let dir = handbook("valid", &[]);
    let out = build(dir.path(), &[]);
    let before = snapshot(&out);
    for (rel, text) in [
        ("services/alpha.yaml", &b"title: [unclosed\n"[..]),
        ("questions/capacity.md", &b"---\n"[..]),
        ("handbook/intro.md", &b"\xff\xfe"[..]),
    ] {
        let path = dir.path().join("content").join(rel);
        let original = std::fs::read(&path).unwrap();
        std::fs::write(&path, text).unwrap();
        let r = run("build", dir.path(), &[]);
        assert_sane(&r, rel);
        assert_eq!(r.code, 1, "{rel}\n{}", r.stderr);
        assert_eq!(snapshot(&out), before, "{rel}: the previous site changed");
        let stray: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains("orr-"))
            .collect();
        assert!(stray.is_empty(), "{rel}: {stray:?}");
        std::fs::write(&path, original).unwrap();
    }
}

// ---------------------------------------------------------------------------
// Command line values
// ---------------------------------------------------------------------------

#[test]
fn today_edge_values() {
    let dir = handbook("valid", &[]);
    let root = dir.path().to_str().unwrap();
    for (today, code) in [
        ("0000-01-01", 0),
        ("9999-12-31", 0),
        ("2028-02-29", 0),
        ("2026-02-29", 2),
        ("-0001-01-01", 2),
        ("99999-01-01", 2),
        ("", 2),
        ("2026-1-1", 2),
    ] {
        let r = orr(&["check", "--root", root, &format!("--today={today}")]);
        assert_eq!(r.code, code, "--today {today}\n{}", r.stderr);
    }
    for today in ["0000-01-01", "9999-12-31"] {
        let out = dir.path().join(format!("out-{today}"));
        let r = orr(&[
            "build",
            "--root",
            root,
            "--today",
            today,
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(r.code, 0, "build --today {today}\n{}", r.stderr);
    }
    for (epoch, code) in [
        ("0", 0),
        ("-1", 0),
        ("253402300800", 2),
        ("1e3", 2),
        ("", 0),
    ] {
        let r = orr_env(&["check", "--root", root], &[("SOURCE_DATE_EPOCH", epoch)]);
        assert_eq!(r.code, code, "SOURCE_DATE_EPOCH={epoch}\n{}", r.stderr);
    }
}

#[test]
fn a_base_url_with_quotes_is_escaped() {
    let dir = handbook("minimal", &[]);
    let out = build(
        dir.path(),
        &["--base-url", "/\"><script>alert(9)</script>/"],
    );
    for (path, bytes) in snapshot(&out) {
        let text = String::from_utf8_lossy(&bytes);
        if path.extension().is_some_and(|e| e == "html" || e == "svg") {
            assert!(!text.contains("<script>alert(9)"), "{}", path.display());
        }
    }
}

#[test]
fn a_base_url_with_a_dangerous_scheme_is_refused() {
    let dir = minimal_with(
        "orr.yaml",
        "title: Minimal\nbase_url: \"javascript:alert(document.domain)//\"\ntags:\n  stateful: x\n",
    );
    let r = check(dir.path());
    let diags = assert_sane(&r, "base_url");
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_at(&diags, "javascript", At(ORR, 2, Some(11)), &r.stderr);

    let dir = handbook("minimal", &[]);
    let r = run(
        "build",
        dir.path(),
        &["--base-url", "javascript:alert(1)//"],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(!dir.path().join("site").exists());
}

// ---------------------------------------------------------------------------
// Escaping and determinism
// ---------------------------------------------------------------------------

const NASTY: &str = "<script>alert(1)</script>\\\"'&lt;<img src=x onerror=alert(1)>";

fn nasty_handbook() -> tempfile::TempDir {
    let x = NASTY;
    let service = format!(
        "title: \"T {x}\"\nowner: \"O {x}\"\ntier: 1\ntags: [stateful]\nsummary: \"S {x}\"\nslo: {{availability: 99.9}}\noncall: {{rotation: \"R {x}\", escalation: [\"E {x}\"]}}\ndependencies:\n  - external: \"X {x}\"\n    availability: 99.99\n    timeout_ms: 5\n    fallback: \"F {x}\"\nanswers:\n  capacity-replica-peak:\n    status: yes\n    evidence: \"https://x.example/?q=\\\"><script>alert(1)</script>\"\n    note: \"N {x}\"\n  capacity-restore:\n    status: waived\n    waiver:\n      reason: \"W {x}\"\n      approver: \"=cmd|' /C calc'!A0\"\n      granted: 2026-09-01\n      expires: 2026-11-01\n      ticket: \"https://t.example/\\\"onmouseover=alert(1)\"\n      history:\n        - {{date: 2026-09-01, event: granted, by: \"B {x}\", note: \"=cmd|' /C calc'!A0\"}}\nrisks:\n  - id: r1\n    title: \"RT {x}\"\n    impact: \"I {x}\"\n    severity: 5\n    likelihood: 5\n    mitigations: [\"M {x}\"]\nreviews:\n  - date: 2026-10-01\n    reviewer: \"RV {x}\"\n    decision: go\n    notes: \"RN {x}\"\n"
    );
    let bank_text = format!(
        "---\ntitle: \"Cap {x}\"\norder: 1\nasks: \"{x}\"\n---\nIntro <b>bold</b> <img src=x onerror=alert(1)>\n\n## Is <em>peak</em> `<script>` \"measured\"? {{#capacity-replica-peak concepts=load-testing}}\n\n<div onclick=\"x\">Measure</div>\n\n```html\n<script>alert('code')</script>\n```\n\n```\"><script>alert(2)</script>\nplain\n```\n\n## Is the restore drilled? {{#capacity-restore applies=stateful level=recommended}}\n\nDrill it.\n"
    );
    let concept = format!(
        "---\ntitle: \"LT {x}\"\ngroup: \"G {x}\"\nlinks:\n  - {{to: load-testing, label: \"L {x}\"}}\n---\nLoad on purpose.\n"
    );
    let pm = format!(
        "---\nid: pm-outage\ntitle: \"PM {x}\"\ndate: 2026-03-14\nseverity: \"{x}\"\nservices: [checkout]\n---\n<iframe src=javascript:alert(1)>\n"
    );
    case(
        "minimal",
        &[
            ("services/checkout.yaml", service.as_bytes()),
            ("questions/capacity.md", bank_text.as_bytes()),
            ("concepts/load-testing.md", concept.as_bytes()),
            ("postmortems/outage.md", pm.as_bytes()),
            ("services/checkout.md", format!("Prose {x}\n").as_bytes()),
        ],
    )
}

#[test]
fn user_text_is_escaped_everywhere_in_html_and_svg() {
    let dir = nasty_handbook();
    let out = build(dir.path(), &[]);
    let mut pages = 0;
    for (path, bytes) in snapshot(&out) {
        let is_markup = path.extension().is_some_and(|e| e == "html" || e == "svg");
        if !is_markup {
            continue;
        }
        pages += 1;
        let text = String::from_utf8_lossy(&bytes);
        for bad in [
            "<script>alert",
            "<img src=x",
            "<iframe",
            "<div onclick",
            "\"onmouseover=",
            "<em>peak</em>",
            "href=\"javascript:",
            "src=\"javascript:",
        ] {
            assert!(!text.contains(bad), "{}: contains `{bad}`", path.display());
        }
    }
    assert!(pages > 10);
    let csv = read(&out.join("waivers.csv"));
    // A cell a spreadsheet would run as a formula is defused with `'`.
    assert!(
        csv.contains(",\"'=cmd|") || csv.contains(",'=cmd|"),
        "{csv}"
    );
    assert!(!csv.contains(",=cmd") && !csv.contains(",\"=cmd"), "{csv}");
}

#[test]
fn the_same_content_and_day_give_byte_identical_output() {
    let a = handbook("valid", &[]);
    let b = handbook("valid", &[]);
    let first = snapshot(&build(a.path(), &[]));
    // Rebuilt in place (atomic swap) and from another directory: same bytes.
    let again = snapshot(&build(a.path(), &[]));
    let elsewhere = snapshot(&build(b.path(), &[]));
    assert_eq!(first.len(), again.len());
    assert!(first == again, "a rebuild changed the output");
    assert!(
        first == elsewhere,
        "the handbook's location leaks into the output"
    );
    // SOURCE_DATE_EPOCH of the same day is the same as --today.
    let c = handbook("valid", &[]);
    let r = orr_env(
        &["build", "--root", c.path().to_str().unwrap()],
        &[("SOURCE_DATE_EPOCH", "1795392000")],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        snapshot(&c.path().join("site")) == first,
        "SOURCE_DATE_EPOCH differs from --today"
    );
    // And diagnostics are reproducible too.
    let broken = nasty_broken();
    let r1 = check(broken.path());
    let r2 = check(broken.path());
    assert_eq!(r1.code, 1);
    assert_eq!(r1.stderr, r2.stderr);
}

/// Tera's own `group_by` gathers groups in a randomly seeded map, so a
/// handbook template grouping services by owner listed the owners in a new
/// order on every build; orr's keeps the order they first appear in.
#[test]
fn a_template_grouping_services_gives_the_same_bytes_every_build() {
    let overlay = tempfile::tempdir().unwrap();
    let templates = overlay.path().join("templates");
    std::fs::create_dir_all(&templates).unwrap();
    std::fs::write(
        templates.join("services.html"),
        "{% extends \"base.html\" %}{% block content %}<ol>\
         {% for owner, list in services | group_by(attribute=\"owner\") %}\
         <li>{{ owner }}: {% for s in list %}{{ s.name }} {% endfor %}</li>{% endfor %}\
         </ol>{% endblock content %}",
    )
    .unwrap();
    let dir = handbook("valid", &[overlay.path()]);
    let pages: Vec<String> = (0..4)
        .map(|_| read(&build(dir.path(), &[]).join("services/index.html")))
        .collect();
    let owners = |page: &str| -> Vec<String> {
        page.split("<li>")
            .skip(1)
            .map(|item| item.split(':').next().unwrap_or("").to_string())
            .collect()
    };
    let first = owners(&pages[0]);
    assert!(first.len() >= 5, "{}", pages[0]);
    for page in &pages[1..] {
        assert_eq!(owners(page), first, "the groups came in another order");
    }
}

fn nasty_broken() -> tempfile::TempDir {
    case(
        "valid",
        &[
            (
                "services/alpha.yaml",
                b"title: A\nowner: o\ntier: 9\ntags: [x, y, z]\n",
            ),
            (
                "services/beta.yaml",
                b"title: B\nowner: o\ntier: 1\ndependencies:\n  - service: nope\n",
            ),
            (
                "handbook/intro.md",
                b"---\ntitle: I\n---\n[a](javascript:1) [b](data:x) [c](../x.md)\n",
            ),
        ],
    )
}

// ---------------------------------------------------------------------------
// Known bugs: each states what should happen
// ---------------------------------------------------------------------------

fn check_minimal_with(rel: &str, text: &str) -> (Run, Vec<Printed>) {
    let dir = minimal_with(rel, text);
    let r = check(dir.path());
    let diags = assert_sane(&r, rel);
    (r, diags)
}

#[test]
fn duplicate_answer_keys_are_an_error() {
    let (r, diags) = check_minimal_with(
        "services/checkout.yaml",
        &svc("answers:\n  capacity-replica-peak:\n    status: no\n  capacity-replica-peak:\n    status: yes\n    evidence: https://x\n"),
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_at(
        &diags,
        "capacity-replica-peak",
        At(SVC, 7, Some(3)),
        &r.stderr,
    );
}

#[test]
fn duplicate_fields_point_at_the_second_occurrence() {
    let (r, diags) = check_minimal_with("services/checkout.yaml", &svc("tier: 2\n"));
    assert_eq!(r.code, 1);
    assert_at(
        &diags,
        "duplicate key `tier`",
        At(SVC, 4, Some(1)),
        &r.stderr,
    );
    let (r, diags) = check_minimal_with(
        "services/checkout.yaml",
        &svc("answers:\n  capacity-replica-peak:\n    status: no\n    status: yes\n"),
    );
    assert_at(
        &diags,
        "duplicate key `status`",
        At(SVC, 7, Some(5)),
        &r.stderr,
    );
    // In a one-line flow mapping, the repeat is on that line, not at the
    // next answer's `status:` below it.
    let (r, diags) = check_minimal_with(
        "services/checkout.yaml",
        &svc("answers:\n  capacity-replica-peak: {status: no, plan: x, status: yes}\n  capacity-restore:\n    status: no\n"),
    );
    assert_at(
        &diags,
        "duplicate key `status`",
        At(SVC, 5, Some(48)),
        &r.stderr,
    );
}

#[test]
fn every_type_error_of_a_yaml_file_is_reported() {
    let (r, diags) = check_minimal_with(
        "services/checkout.yaml",
        "title: Checkout\nowner: payments\ntier: \"1\"\nslo:\n  availability: \"x\"\nanswers:\n  capacity-replica-peek:\n    status: yes\n    evidence: https://x\n",
    );
    assert_eq!(r.code, 1);
    assert_at(&diags, "tier", At(SVC, 3, Some(7)), &r.stderr);
    assert_at(&diags, "availability", At(SVC, 5, Some(17)), &r.stderr);
    assert_at(
        &diags,
        "unknown question id `capacity-replica-peek`",
        At(SVC, 7, Some(3)),
        &r.stderr,
    );
}

#[test]
fn a_service_depending_on_the_same_service_twice_is_reported() {
    let dir = case(
        "minimal",
        &[
            ("services/db.yaml", b"title: DB\nowner: dba\ntier: 2\nslo: {availability: 99.9}\n"),
            (
                "services/checkout.yaml",
                svc("slo: {availability: 99.85}\ndependencies:\n  - service: db\n    timeout_ms: 100\n  - service: db\n    timeout_ms: 100\n").as_bytes(),
            ),
        ],
    );
    let r = check(dir.path());
    let diags = assert_sane(&r, "twice");
    let d = find(&diags, "`db`").unwrap_or_else(|| panic!("no diagnostic:\n{}", r.stderr));
    assert_eq!(
        (d.file.as_str(), d.line_col.map(|l| l.0)),
        (SVC, Some(8)),
        "{}",
        r.stderr
    );
    // Whatever the severity, the ceiling counts db once: 99.9, no ceiling blocker.
    if r.code == 0 {
        let out = build(dir.path(), &[]);
        let services = json(&out.join("api/services.json"));
        let checkout = &services[0];
        assert_eq!(checkout["availability_ceiling"], serde_json::json!(99.9));
    }
}

#[test]
fn empty_attribute_values_are_errors() {
    let (r, diags) = check_minimal_with(
        "questions/capacity.md",
        &bank("## Is peak measured? {#capacity-replica-peak}\n\n## Restore? {#capacity-restore applies= concepts=}\n"),
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_at(&diags, "`applies`", At(BANK, 7, Some(32)), &r.stderr);
    assert_at(&diags, "`concepts`", At(BANK, 7, Some(41)), &r.stderr);
}

#[test]
fn repeated_ids_and_attributes_are_errors() {
    let (r, diags) = check_minimal_with(
        "questions/capacity.md",
        &bank("## Is peak measured? {#other #capacity-replica-peak level=required level=recommended}\n"),
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(find(&diags, "id").is_some(), "{}", r.stderr);
    assert!(find(&diags, "level").is_some(), "{}", r.stderr);
}

#[test]
fn attribute_errors_point_at_the_attribute() {
    // The second `level=` is the bad one: its value is at column 67.
    let (r, diags) = check_minimal_with(
        "questions/capacity.md",
        &bank("## Is peak measured? {#capacity-replica-peak level=required level=bogus}\n"),
    );
    assert_at(
        &diags,
        "unknown level `bogus`",
        At(BANK, 5, Some(67)),
        &r.stderr,
    );
    // A bare `level` (no `=`) is reported at column 1.
    let (r, diags) = check_minimal_with(
        "questions/capacity.md",
        &bank("## Is peak measured? {#capacity-replica-peak level}\n"),
    );
    assert_at(
        &diags,
        "attribute `level` has no value",
        At(BANK, 5, Some(46)),
        &r.stderr,
    );
}

#[test]
fn malformed_attribute_blocks_are_reported_as_such() {
    for heading in [
        "## Is peak measured? {#capacity-replica-peak level=required",
        "## Is peak measured? {#capacity-replica-peak {level=required}}",
    ] {
        let (r, diags) =
            check_minimal_with("questions/capacity.md", &bank(&format!("{heading}\n")));
        assert_eq!(r.code, 1);
        let d = diags.iter().find(|d| d.severity == "error").unwrap();
        assert!(
            !d.message.contains("has no id"),
            "`{heading}` has an id; the block is malformed:\n{}",
            r.stderr
        );
        assert_eq!(d.line_col.map(|l| l.0), Some(5));
        // The answer to capacity-replica-peak is not an extra, cascading error.
        assert!(
            find(&diags, "unknown question id `capacity-replica-peak`").is_none(),
            "{}",
            r.stderr
        );
    }
}

#[test]
fn headings_nested_in_blocks_do_not_break_the_html() {
    let dir = minimal_with(
        "questions/capacity.md",
        &bank("## Is peak measured? {#capacity-replica-peak}\n\n> ## Quoted {#capacity-quoted}\n> still quoted\n\n- ## In list {#capacity-list}\n  more list\n\n## Restore? {#capacity-restore applies=stateful}\n"),
    );
    let r = run("build", dir.path(), &[]);
    assert_sane(&r, "nested headings");
    if r.code == 0 {
        for (path, bytes) in snapshot(&dir.path().join("site")) {
            if path.extension().is_none_or(|e| e != "html") {
                continue;
            }
            let text = String::from_utf8_lossy(&bytes);
            for tag in ["blockquote", "ul", "li", "section"] {
                let open = text.matches(&format!("<{tag}>")).count()
                    + text.matches(&format!("<{tag} ")).count();
                let close = text.matches(&format!("</{tag}>")).count();
                assert_eq!(open, close, "{}: <{tag}> unbalanced", path.display());
            }
        }
    }
}

#[test]
fn a_bad_bank_version_is_located_and_worded_for_users() {
    let (r, diags) = check_minimal_with(
        "orr.yaml",
        "title: M\n\n\nbank_version: {a: 1}\ntags:\n  stateful: x\n",
    );
    assert_eq!(r.code, 1);
    let d = find(&diags, "bank_version").unwrap_or_else(|| panic!("{}", r.stderr));
    assert_eq!(d.line_col.map(|l| l.0), Some(4), "{}", r.stderr);
    assert!(!d.message.contains("untagged enum"), "{}", r.stderr);
}

#[test]
fn an_unquoted_bank_version_keeps_its_digits() {
    let dir = minimal_with(
        "orr.yaml",
        "title: M\nbank_version: 2026.10\ntags:\n  stateful: x\n",
    );
    let r = run("build", dir.path(), &[]);
    if r.code == 0 {
        let index = read(&dir.path().join("site/index.html"));
        assert!(
            index.contains("2026.10"),
            "the label lost its trailing zero"
        );
    } else {
        // Or refuse it, asking for quotes.
        let diags = assert_sane(&r, "bank_version");
        assert_at(&diags, "bank_version", At(ORR, 2, None), &r.stderr);
    }
}

#[test]
fn invalid_utf8_is_located() {
    let dir = case(
        "minimal",
        &[(
            "services/checkout.yaml",
            &b"title: Checkout\nowner: p\xe9ter\ntier: 1\n"[..],
        )],
    );
    let r = check(dir.path());
    let diags = assert_sane(&r, "utf-8");
    assert_at(&diags, "not valid UTF-8", At(SVC, 2, Some(9)), &r.stderr);
}

#[test]
fn a_broken_bank_is_one_error_not_a_cascade() {
    // The front matter is broken, the questions under it are fine: one error, and
    // the answers and links to this bank are not reported again.
    let (r, diags) = check_minimal_with(
        "questions/capacity.md",
        "---\ntitle: [Capacity\n---\n## Is peak throughput measured? {#capacity-replica-peak concepts=load-testing}\n\nMeasure it.\n\n## Is the restore drilled? {#capacity-restore applies=stateful level=recommended}\n",
    );
    assert_eq!(r.code, 1);
    let errors: Vec<_> = diags.iter().filter(|d| d.severity == "error").collect();
    assert_eq!(errors.len(), 1, "{}", r.stderr);
    assert_eq!(errors[0].file, BANK);
}

#[test]
fn a_duplicate_question_id_is_reported_where_it_was_added() {
    let (r, diags) = check_minimal_with(
        "postmortems/outage.md",
        "---\nid: pm-outage\ntitle: An outage\ndate: 2026-03-14\n---\nIt broke.\n\n## Again? {#capacity-replica-peak category=capacity}\n",
    );
    assert_eq!(r.code, 1);
    assert_at(
        &diags,
        "question id `capacity-replica-peak` is already used",
        At(PM, 8, None),
        &r.stderr,
    );
}

#[test]
fn many_errors_in_one_file_are_all_reported() {
    let mut s = svc("tags: [stateful]\nanswers:\n  capacity-restore:\n    status: waived\n    waiver:\n      reason: r\n      approver: a\n      granted: 2026-09-01\n      expires: 2026-11-01\n      history:\n");
    for i in 0..2000 {
        s.push_str(&format!(
            "        - {{date: 2026-{:02}-{:02}, event: renewd}}\n",
            1 + i % 12,
            1 + i % 28
        ));
    }
    let dir = minimal_with("services/checkout.yaml", &s);
    // Every error is located (this took 16 s when each lookup re-split the file;
    // speed is measured outside the tests, see the README's performance section).
    let r = check(dir.path());
    assert_sane(&r, "2000 errors");
    assert!(
        r.stderr.contains("2000 errors found"),
        "{}",
        &r.stderr[r.stderr.len() - 200..]
    );
}

// ---------------------------------------------------------------------------
// (b) Seeded mutations of the valid fixture: never a panic
// ---------------------------------------------------------------------------

/// xorshift64*: tiny, seeded, the same sequence on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const TOKENS: &[&[u8]] = &[
    b"{",
    b"}",
    b"[",
    b"]",
    b":",
    b"#",
    b"---",
    b"\n---\n",
    b"&a ",
    b"*a",
    b"<<: ",
    b"\"",
    b"'",
    b"\t",
    b"\r",
    b"- ",
    b"{#",
    b"=",
    b"\\",
    b"`",
    b"```",
    b"|",
    b">",
    b"!",
    b"%",
    b"@",
    b"\xef\xbb\xbf",
    b"\xcc\x81",
    b"99999999999999999999",
    b"-1",
    b"0",
    b".nan",
    b"~",
    b"null",
    b"? ",
    b"x:\n  - y",
    b"\n## Q {#capacity-x level=}\n",
    b"[l](javascript:x)",
    b"\0",
];

/// Mutates `data` in place; returns what was done, for the failure message.
fn mutate(rng: &mut Rng, data: &mut Vec<u8>) -> String {
    let mut lines: Vec<Vec<u8>> = data.split(|&b| b == b'\n').map(<[u8]>::to_vec).collect();
    let n = lines.len();
    let what = match rng.below(9) {
        0 => {
            let i = rng.below(n);
            lines.remove(i);
            format!("deleted line {}", i + 1)
        }
        1 => {
            let i = rng.below(n);
            lines.insert(i, lines[i].clone());
            format!("duplicated line {}", i + 1)
        }
        2 => {
            let (i, j) = (rng.below(n), rng.below(n));
            lines.swap(i, j);
            format!("swapped lines {} and {}", i + 1, j + 1)
        }
        3 => {
            let at = rng.below(data.len() + 1);
            data.truncate(at);
            return format!("truncated at byte {at}");
        }
        4 => {
            let at = rng.below(data.len() + 1);
            let len = 1 + rng.below(8);
            let bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
            data.splice(at..at, bytes.iter().copied());
            return format!("inserted {bytes:?} at byte {at}");
        }
        5 => {
            let i = rng.below(n);
            let delta = *rng.pick(&[-4i32, -2, -1, 1, 2, 4]);
            if delta > 0 {
                let mut l = vec![b' '; delta as usize];
                l.extend_from_slice(&lines[i]);
                lines[i] = l;
            } else {
                let strip = lines[i]
                    .iter()
                    .take((-delta) as usize)
                    .take_while(|&&b| b == b' ')
                    .count();
                lines[i].drain(..strip);
            }
            format!("indented line {} by {delta}", i + 1)
        }
        6 => {
            let at = rng.below(data.len() + 1);
            let token = *rng.pick(TOKENS);
            data.splice(at..at, token.iter().copied());
            return format!("inserted {:?} at byte {at}", String::from_utf8_lossy(token));
        }
        7 => {
            let i = rng.below(n);
            let times = 2 + rng.below(40);
            lines[i] = lines[i].repeat(times);
            format!("repeated line {} {times} times", i + 1)
        }
        _ => {
            let i = rng.below(n);
            if !lines[i].is_empty() {
                let k = rng.below(lines[i].len());
                lines[i].remove(k);
            }
            format!("deleted a byte of line {}", i + 1)
        }
    };
    *data = lines.join(&b'\n');
    what
}

fn content_files(root: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = snapshot(&root.join("content"))
        .into_iter()
        .map(|(p, _)| p)
        .collect();
    files.sort();
    files
}

#[test]
fn seeded_mutations_never_crash() {
    const RUNS: usize = 240;
    let base = fixtures().join("valid");
    let files = content_files(&base);
    let originals: Vec<Vec<u8>> = files
        .iter()
        .map(|f| std::fs::read(base.join("content").join(f)).unwrap())
        .collect();
    let dir = handbook("valid", &[]);
    let content = dir.path().join("content");
    let mut rng = Rng(0x0DDB_1A5E_5BAD_5EED);
    let mut failures = Vec::new();
    let mut codes = [0usize; 2];
    for k in 0..RUNS {
        // Start each run from the pristine fixture.
        for (f, bytes) in files.iter().zip(&originals) {
            std::fs::write(content.join(f), bytes).unwrap();
        }
        let mut done = Vec::new();
        for _ in 0..1 + rng.below(3) {
            let i = rng.below(files.len());
            // A file may be picked twice in one run: mutate what is there now.
            let mut data = std::fs::read(content.join(&files[i])).unwrap();
            let what = mutate(&mut rng, &mut data);
            std::fs::write(content.join(&files[i]), &data).unwrap();
            done.push(format!("{}: {what}", files[i].display()));
        }
        // Every fifth run builds (into a separate directory), the rest check.
        let r = if k % 5 == 4 {
            let out = dir.path().join("out");
            run("build", dir.path(), &["--out", out.to_str().unwrap()])
        } else {
            check(dir.path())
        };
        let outcome = std::panic::catch_unwind(|| assert_sane(&r, &format!("run {k}")));
        match outcome {
            Ok(_) => codes[r.code as usize] += 1,
            Err(_) => failures.push(format!(
                "run {k} ({}): exit {}\n{}\n{}",
                done.join("; "),
                r.code,
                r.stdout,
                &r.stderr[..r.stderr.len().min(3000)]
            )),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    // The mutations must exercise both outcomes to be worth anything.
    assert!(codes[0] > 0 && codes[1] > 0, "{codes:?}");
}
