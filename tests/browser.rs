//! Live reload in a real browser: headless Chromium opens a served page,
//! the test edits the page's source file, and the browser shows the new
//! page by itself.
//!
//! How the browser is observed, without a WebSocket client: Chromium is
//! started with `--remote-debugging-port=0`, writes the port it chose to
//! `DevToolsActivePort` in its profile directory, and its DevTools HTTP
//! endpoint `/json/list` lists the open tabs with their current document
//! titles. The fake build puts a page's text in its `<title>`, so the title
//! changing from "before" to "after" means the browser loaded the page
//! again, which only the page's live-reload script can have made it do.
//!
//! A second test searches the real `orr serve` preview: Chromium's
//! `--dump-dom` shows the search page's results after its scripts ran.
//!
//! Needs `/usr/bin/chromium` (Debian's `chromium` package); without it the
//! test prints a notice and passes, unless `ORR_REQUIRE_BROWSER` is set.
//! Chromium is kept off the network: every host name resolves to nothing
//! and any non-loopback request goes to a dead local proxy.

mod serve_common;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serve_common::Handbook;

const CHROMIUM: &str = "/usr/bin/chromium";
const BROWSER_DEADLINE: Duration = Duration::from_secs(30);

/// The browser process; killed and reaped when the test ends, however it ends.
struct Browser {
    child: Child,
    profile: tempfile::TempDir,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Browser {
    fn open(url: &str) -> Browser {
        let profile = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let child = Command::new(CHROMIUM)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-quic",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-default-apps",
                "--disable-domain-reliability",
                "--disable-client-side-phishing-detection",
                "--disable-extensions",
                "--disable-sync",
                "--no-pings",
                "--metrics-recording-only",
                "--disable-features=OptimizationHints,MediaRouter,Translate,AutofillServerCommunication",
                "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
                "--proxy-server=http://127.0.0.1:9",
                "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg(url)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {CHROMIUM}: {e}"));
        Browser { child, profile }
    }

    /// The DevTools port, once Chromium has written it.
    fn devtools_addr(&self) -> SocketAddr {
        let file = self.profile.path().join("DevToolsActivePort");
        let port = wait_for(&format!("{} to appear", file.display()), || {
            let text = std::fs::read_to_string(&file).ok()?;
            text.lines().next()?.trim().parse::<u16>().ok()
        });
        SocketAddr::from(([127, 0, 0, 1], port))
    }
}

/// The titles of the browser's open pages, from `/json/list`.
fn page_titles(devtools: SocketAddr) -> Vec<String> {
    let Ok(mut stream) = TcpStream::connect(devtools) else {
        return Vec::new();
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let request =
        format!("GET /json/list HTTP/1.1\r\nHost: {devtools}\r\nConnection: close\r\n\r\n");
    if stream.write_all(request.as_bytes()).is_err() {
        return Vec::new();
    }
    // Chromium may keep the connection open: read up to Content-Length.
    let mut data = Vec::new();
    let mut buffer = [0u8; 8192];
    loop {
        if let Some(end) = serve_common::find(&data, b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&data[..end]).to_ascii_lowercase();
            let length = head
                .lines()
                .find_map(|line| line.strip_prefix("content-length:"))
                .and_then(|value| value.trim().parse::<usize>().ok());
            if length.is_some_and(|length| data.len() >= end + 4 + length) {
                break;
            }
        }
        match stream.read(&mut buffer) {
            Ok(0) | Err(_) => break,
            Ok(n) => data.extend_from_slice(&buffer[..n]),
        }
    }
    let text = String::from_utf8_lossy(&data);
    // `"title": "..."` per target; titles here are plain words, so no JSON
    // parser is needed.
    text.split("\"title\": \"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(str::to_string)
        .collect()
}

fn wait_for<T>(what: &str, mut probe: impl FnMut() -> Option<T>) -> T {
    let started = Instant::now();
    loop {
        if let Some(value) = probe() {
            return value;
        }
        if started.elapsed() > BROWSER_DEADLINE {
            panic!("timed out after {BROWSER_DEADLINE:?} waiting for {what}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn chromium_available() -> bool {
    if Path::new(CHROMIUM).exists() {
        return true;
    }
    if std::env::var_os("ORR_REQUIRE_BROWSER").is_some() {
        panic!("{CHROMIUM} is missing and ORR_REQUIRE_BROWSER is set (apt-get install chromium)");
    }
    eprintln!("skipped: {CHROMIUM} not found (apt-get install chromium to run the browser test)");
    false
}

#[test]
fn an_open_page_reloads_by_itself_after_an_edit_and_after_a_fix() {
    if !chromium_available() {
        return;
    }
    let handbook = Handbook::new(&[("alpha", "Alpha before")]);
    let server = handbook.serve();
    let url = format!("http://{}/alpha/", server.addr());
    let browser = Browser::open(&url);
    let devtools = browser.devtools_addr();

    wait_for("the page to load", || {
        page_titles(devtools)
            .iter()
            .any(|title| title == "Alpha before")
            .then_some(())
    });
    // The page's script has connected to the events endpoint.
    wait_for("the live-reload connection", || {
        (server.reload_listener_count() >= 1).then_some(())
    });

    let edited = Instant::now();
    handbook.write("content/alpha.txt", "Alpha after");
    wait_for("the browser to show the edit", || {
        page_titles(devtools)
            .iter()
            .any(|title| title == "Alpha after")
            .then_some(())
    });
    eprintln!(
        "browser showed the edit {} ms after the write",
        edited.elapsed().as_millis()
    );

    // A broken file: the browser reloads onto the last good page with the
    // overlay (same title); fixing it reloads again onto the new page.
    let requests_before = server.request_count();
    handbook.write("content/alpha.txt", "Alpha BROKEN");
    wait_for("the browser to reload onto the overlay", || {
        (server.request_count() > requests_before + 1).then_some(())
    });
    handbook.write("content/alpha.txt", "Alpha fixed");
    wait_for("the browser to show the fix", || {
        page_titles(devtools)
            .iter()
            .any(|title| title == "Alpha fixed")
            .then_some(())
    });

    drop(browser);
    server.shutdown();
}

/// `orr serve` of the real `valid` fixture, whose `base_url` is set to a
/// sub-path the preview must ignore; killed when dropped.
struct OrrServe {
    child: Child,
    addr: String,
}

impl Drop for OrrServe {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl OrrServe {
    fn start(root: &Path) -> OrrServe {
        use std::io::BufRead;
        let mut child = Command::new(env!("CARGO_BIN_EXE_orr"))
            .args(["serve", "--port", "0", "--today", "2026-11-23", "--root"])
            .arg(root)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("orr serve: {e}"));
        let mut line = String::new();
        let stdout = child.stdout.take().unwrap_or_else(|| panic!("no stdout"));
        let _ = std::io::BufReader::new(stdout).read_line(&mut line);
        let addr = line
            .trim()
            .strip_prefix("serving http://")
            .and_then(|rest| rest.split('/').next())
            .unwrap_or_else(|| panic!("orr serve said {line:?}"))
            .to_string();
        OrrServe { child, addr }
    }
}

/// The DOM of `url` as headless Chromium has it a few seconds after loading
/// (`--dump-dom`; `--timeout` ends the load, which the live-reload
/// connection of `orr serve` would otherwise hold open).
fn dom_after_scripts(url: &str) -> String {
    let profile = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let output = Command::new(CHROMIUM)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-extensions",
            "--disable-sync",
            "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
            "--proxy-server=http://127.0.0.1:9",
            "--timeout=4000",
            "--dump-dom",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(url)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot start {CHROMIUM}: {e}"));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn a_search_in_the_served_site_lists_results_that_link_to_their_pages() {
    if !chromium_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid");
    copy_dir(&fixture, dir.path());
    let config = dir.path().join("content/orr.yaml");
    let yaml = std::fs::read_to_string(&config).unwrap_or_default();
    std::fs::write(&config, yaml.replace("base_url: /", "base_url: /hb/"))
        .unwrap_or_else(|e| panic!("{e}"));
    let server = OrrServe::start(dir.path());

    let dom = dom_after_scripts(&format!("http://{}/search/?q=cache", server.addr));
    let start = dom
        .find("id=\"search-page-results\"")
        .unwrap_or_else(|| panic!("no results list in {dom}"));
    let results = &dom[start..dom[start..].find("</ol>").map_or(dom.len(), |e| start + e)];
    // The postmortem and the question about a cold cache, linked under `/`
    // (the preview's root), not under the published `/hb/`.
    assert!(
        results.contains("href=\"/postmortems/pm-2026-10-cache/\""),
        "{results}"
    );
    assert!(
        results.contains("href=\"/questions/capacity/cap-cold/\""),
        "{results}"
    );
    assert!(!results.contains("/hb/"), "{results}");
    drop(server);
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).into_iter().flatten().flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            let _ = std::fs::create_dir_all(&target);
            copy_dir(&entry.path(), &target);
        } else {
            let _ = std::fs::copy(entry.path(), &target);
        }
    }
}
