//! The built site as readers, browsers and auditors meet it, checked by
//! outside validators: the bundled handbook is built once, then
//! - `tests/browser/check-pages.mjs` opens every page kind in headless
//!   Chromium at 390 and 1280 px, light and dark, and reports page-level
//!   horizontal overflow, diagram text under 11 px, concept-map labels that
//!   overlap or are cut short, and axe-core violations (serious, critical);
//! - the Nu Html Checker (`vnu.jar`) validates every page;
//! - Chromium prints the waiver register and a service page to PDF, and
//!   `pdftotext` shows what an auditor gets on paper.
//!
//! The tools come from `npm ci --prefix tests/browser` (axe-core,
//! playwright-core, vnu-jar at the versions of its lock file) and Debian's
//! `chromium`, `default-jre-headless` and `poppler-utils`; `.ci/run` installs
//! them. Without them each test prints a notice and passes, unless
//! `ORR_REQUIRE_BROWSER` is set.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

const TODAY: &str = "2026-11-24";
const CHROMIUM: &str = "/usr/bin/chromium";

fn browser_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser")
}

fn vnu_jar() -> PathBuf {
    browser_dir().join("node_modules/vnu-jar/build/dist/vnu.jar")
}

fn runs(program: &str, arg: &str) -> bool {
    Command::new(program)
        .arg(arg)
        .output()
        .is_ok_and(|o| o.status.success())
}

/// `None` when every tool is there, else what is missing.
fn missing_tools(needs: &[&str]) -> Option<String> {
    let modules = browser_dir().join("node_modules");
    let mut missing = Vec::new();
    for need in needs {
        let there = match *need {
            "node" => runs("node", "--version"),
            "java" => runs("java", "-version"),
            "pdftotext" => runs("pdftotext", "-v"),
            "chromium" => Path::new(CHROMIUM).exists(),
            "vnu" => vnu_jar().exists(),
            module => modules.join(module).join("package.json").exists(),
        };
        if !there {
            missing.push(*need);
        }
    }
    (!missing.is_empty()).then(|| missing.join(", "))
}

/// Whether a test can run; prints a notice or fails when it cannot.
fn tools_ready(test: &str, needs: &[&str]) -> bool {
    let Some(missing) = missing_tools(needs) else {
        return true;
    };
    let hint = "install with `npm ci --ignore-scripts --prefix tests/browser` and \
                `apt-get install chromium default-jre-headless poppler-utils`";
    if std::env::var_os("ORR_REQUIRE_BROWSER").is_some() {
        panic!("{test}: missing {missing} while ORR_REQUIRE_BROWSER is set; {hint}");
    }
    eprintln!("notice: {test} skipped, missing {missing}; {hint}");
    false
}

/// The bundled handbook, built once for all tests of this file.
fn site() -> &'static Path {
    static SITE: OnceLock<PathBuf> = OnceLock::new();
    SITE.get_or_init(|| {
        let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("site_quality/site");
        let _ = std::fs::remove_dir_all(&out);
        let status = Command::new(env!("CARGO_BIN_EXE_orr"))
            .args(["build", "--root", env!("CARGO_MANIFEST_DIR"), "--out"])
            .arg(&out)
            .args(["--today", TODAY])
            .status()
            .expect("run orr build");
        assert!(
            status.success(),
            "orr build of the bundled handbook: {status}"
        );
        out
    })
}

fn text_of(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn every_page_kind_fits_a_phone_and_passes_axe_in_light_and_dark() {
    let needs = ["node", "chromium", "axe-core", "playwright-core"];
    if !tools_ready("browser page checks", &needs) {
        return;
    }
    let output = Command::new("node")
        .arg(browser_dir().join("check-pages.mjs"))
        .arg(site())
        .arg(CHROMIUM)
        .output()
        .expect("run node");
    assert!(
        output.status.success(),
        "check-pages.mjs found problems:\n{}",
        text_of(&output)
    );
}

#[test]
fn every_page_passes_the_nu_html_checker() {
    if !tools_ready("Nu Html Checker", &["java", "vnu"]) {
        return;
    }
    let output = Command::new("java")
        .arg("-jar")
        .arg(vnu_jar())
        .args(["--errors-only", "--skip-non-html", "--format", "json"])
        .arg(site())
        .output()
        .expect("run java");
    let text = text_of(&output);
    let start = text.find('{').unwrap_or(0);
    let report: serde_json::Value = serde_json::from_str(text[start..].trim())
        .unwrap_or_else(|e| panic!("vnu output is not JSON ({e}):\n{text}"));
    let errors: Vec<String> = report["messages"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|m| m["type"] == "error" || m["subType"] == "fatal")
        .map(|m| format!("{}:{}: {}", m["url"], m["lastLine"], m["message"]))
        .collect();
    assert!(
        errors.is_empty(),
        "{} Nu Html Checker errors:\n{}",
        errors.len(),
        errors[..errors.len().min(30)].join("\n")
    );
}

/// The handbook's title, from `content/orr.yaml` (the printed header shows it).
fn handbook_title() -> String {
    let config = Path::new(env!("CARGO_MANIFEST_DIR")).join("content/orr.yaml");
    let text = std::fs::read_to_string(&config).expect("read content/orr.yaml");
    text.lines()
        .find_map(|l| l.strip_prefix("title:"))
        .map(|t| t.trim().trim_matches('"').to_string())
        .expect("a title in content/orr.yaml")
}

/// Serves `root` on 127.0.0.1 (the site's links start at "/") until dropped.
struct StaticServer {
    server: std::sync::Arc<tiny_http::Server>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl StaticServer {
    fn start(root: &Path) -> StaticServer {
        let server = std::sync::Arc::new(tiny_http::Server::http("127.0.0.1:0").expect("bind"));
        let serving = server.clone();
        let root = root.to_path_buf();
        let thread = std::thread::spawn(move || {
            for request in serving.incoming_requests() {
                let path = request.url().split(['?', '#']).next().unwrap_or("/");
                let mut file = root.join(path.trim_start_matches('/'));
                if path.ends_with('/') {
                    file.push("index.html");
                }
                let response = match std::fs::read(&file) {
                    Ok(bytes) if !path.contains("..") => {
                        let kind = match file.extension().and_then(|e| e.to_str()) {
                            Some("html") => "text/html; charset=utf-8",
                            Some("css") => "text/css",
                            Some("svg") => "image/svg+xml",
                            Some("js") => "text/javascript",
                            _ => "application/octet-stream",
                        };
                        let header = tiny_http::Header::from_bytes("Content-Type", kind)
                            .expect("a valid header");
                        tiny_http::Response::from_data(bytes).with_header(header)
                    }
                    _ => {
                        tiny_http::Response::from_data(b"not found".to_vec()).with_status_code(404)
                    }
                };
                let _ = request.respond(response);
            }
        });
        StaticServer {
            server,
            thread: Some(thread),
        }
    }

    fn url(&self, path: &str) -> String {
        let port = self.server.server_addr().to_ip().map_or(0, |a| a.port());
        format!("http://127.0.0.1:{port}{path}")
    }
}

impl Drop for StaticServer {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// One headless Chromium print of `url` into `pdf`, killed after 90 s.
fn print_once(url: &str, pdf: &Path, profile: &Path) -> Result<(), String> {
    let mut child = Command::new(CHROMIUM)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--no-pdf-header-footer",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(url)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot run chromium: {e}"))?;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(90);
    loop {
        match child.try_wait() {
            Ok(Some(_)) => return Ok(()),
            Ok(None) if std::time::Instant::now() < deadline => {
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return Err("chromium did not finish printing within 90 s".into());
            }
        }
    }
}

/// Prints `url` to PDF with headless Chromium; the text of each page.
fn printed_pages(url: &str, dir: &Path, name: &str) -> Vec<String> {
    let pdf = dir.join(format!("{name}.pdf"));
    let profile = dir.join(format!("{name}-profile"));
    // Headless Chromium now and then never finishes a print; a stuck run is
    // killed and tried again rather than hanging the suite.
    let mut last = String::new();
    for _attempt in 0..3 {
        let _ = std::fs::remove_file(&pdf);
        match print_once(url, &pdf, &profile) {
            Ok(()) if pdf.exists() => break,
            Ok(()) => last = "no PDF written".into(),
            Err(why) => last = why,
        }
    }
    assert!(pdf.exists(), "chromium printed no PDF of {url}: {last}");
    let text = Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("run pdftotext");
    assert!(text.status.success(), "pdftotext: {}", text_of(&text));
    let text = String::from_utf8_lossy(&text.stdout).into_owned();
    let mut pages: Vec<String> = text.split('\u{c}').map(str::to_string).collect();
    if pages.last().is_some_and(|p| p.trim().is_empty()) {
        pages.pop();
    }
    pages
}

#[test]
fn printouts_name_the_handbook_and_day_on_every_page_and_show_link_addresses() {
    if !tools_ready("print checks", &["chromium", "pdftotext"]) {
        return;
    }
    let server = StaticServer::start(site());
    let dir = tempfile::tempdir().expect("tempdir");
    let header = format!("judged as of {TODAY}");
    let title = handbook_title();

    let waivers = printed_pages(&server.url("/waivers/"), dir.path(), "waivers");
    assert!(
        waivers.len() <= 2,
        "the waiver register prints on {} pages, at most 2 expected",
        waivers.len()
    );
    let service = printed_pages(&server.url("/services/checkout/"), dir.path(), "service");
    for (name, pages) in [("waivers", &waivers), ("service", &service)] {
        for (number, page) in pages.iter().enumerate() {
            assert!(
                page.contains(&header) && page.contains(&title),
                "{name} page {} lacks the title or judgement day:\n{page}",
                number + 1
            );
        }
    }
    let waiver_text = waivers.concat();
    assert!(
        waiver_text.contains("<https://") || waiver_text.contains("<http://"),
        "the ticket links print without their addresses:\n{waiver_text}"
    );
    assert!(
        waiver_text.contains("Reason:") && waiver_text.contains("Expires:"),
        "waivers print as a table, not as records:\n{waiver_text}"
    );
    // The collapsed "matrix as a table" is opened for print.
    let service_text = service.concat().replace('\n', " ");
    assert!(
        service_text.contains("cells at or above a score"),
        "the collapsed risk-matrix table stays collapsed in print"
    );
}

/// Availabilities written by orr itself (ceilings, SLOs, diagram nodes) carry
/// no trailing zeros: "99.99%", never "99.9900%" beside it.
#[test]
fn availabilities_have_one_format_without_trailing_zeros() {
    let services = site().join("services");
    let mut checked = 0;
    for entry in std::fs::read_dir(&services).expect("services/") {
        let page = entry.expect("entry").path().join("index.html");
        let Ok(html) = std::fs::read_to_string(&page) else {
            continue;
        };
        // The text of the ceiling line and of every diagram node's second line.
        let mut figures: Vec<&str> = Vec::new();
        for marker in ["Availability ceiling: <strong", "class=\"orr-node-meta\""] {
            for (at, _) in html.match_indices(marker) {
                let rest = &html[at..];
                let Some(open) = rest.find('>') else { continue };
                let text = &rest[open + 1..];
                let text = &text[..text.find('<').unwrap_or(text.len())];
                figures.extend(text.split(" · ").filter_map(|p| p.strip_suffix('%')));
            }
        }
        for figure in figures {
            let number = figure.trim();
            if number.parse::<f64>().is_err() {
                continue;
            }
            checked += 1;
            assert!(
                !(number.contains('.') && number.ends_with('0')),
                "{}: availability written {number}%",
                page.display()
            );
        }
    }
    assert!(checked > 5, "too few availabilities found ({checked})");
}
