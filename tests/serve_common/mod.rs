//! Test helpers: a throw-away handbook with a fake build, a server on an
//! ephemeral port, raw HTTP over `TcpStream`, and polling with a deadline
//! (never fixed sleeps where a condition can be waited for).

#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use orr::serve::{self, BuildFailure, OverlayError, Rebuild, ServeConfig, ServerHandle, SiteFiles};

pub const DEADLINE: Duration = Duration::from_secs(10);

/// A handbook in a temporary directory: `content/*.txt` become pages.
pub struct Handbook {
    pub dir: tempfile::TempDir,
    /// Milliseconds each build sleeps (to test changes during a build).
    pub build_delay_ms: Arc<AtomicU64>,
    /// Builds started so far (the initial one included).
    pub builds_started: Arc<AtomicU64>,
}

impl Handbook {
    pub fn new(pages: &[(&str, &str)]) -> Handbook {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        for sub in ["content", "templates", "assets"] {
            std::fs::create_dir_all(dir.path().join(sub)).unwrap_or_else(|e| panic!("{e}"));
        }
        std::fs::write(
            dir.path().join("assets/style.css"),
            "body { color: black }\n",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(
            dir.path().join("SECRET.toml"),
            "password = \"SECRET-MARKER-1234\"\n",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let handbook = Handbook {
            dir,
            build_delay_ms: Arc::new(AtomicU64::new(0)),
            builds_started: Arc::new(AtomicU64::new(0)),
        };
        for (name, text) in pages {
            handbook.write(&format!("content/{name}.txt"), text);
        }
        handbook
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, relative: &str) -> PathBuf {
        self.dir.path().join(relative)
    }

    pub fn write(&self, relative: &str, text: &str) {
        let path = self.path(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{e}"));
        }
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
    }

    /// Writes like an editor's atomic save: a temporary file renamed over.
    pub fn save_atomically(&self, relative: &str, text: &str) {
        let path = self.path(relative);
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let temporary = path.with_file_name(format!(".{name}.tmp"));
        std::fs::write(&temporary, text).unwrap_or_else(|e| panic!("{e}"));
        std::fs::rename(&temporary, &path).unwrap_or_else(|e| panic!("{e}"));
    }

    pub fn remove(&self, relative: &str) {
        std::fs::remove_file(self.path(relative)).unwrap_or_else(|e| panic!("{e}"));
    }

    /// The fake build: every `content/*.txt` becomes `<stem>/index.html`,
    /// plus an index, a 404 page, the stylesheet and a JSON file. A file
    /// containing BROKEN fails the build, naming the file and line; one
    /// containing PANIC makes the build panic.
    pub fn rebuild(&self) -> Rebuild {
        let root = self.root().to_path_buf();
        let delay = Arc::clone(&self.build_delay_ms);
        let started = Arc::clone(&self.builds_started);
        Box::new(move || {
            started.fetch_add(1, Ordering::SeqCst);
            let delay = delay.load(Ordering::SeqCst);
            if delay > 0 {
                std::thread::sleep(Duration::from_millis(delay));
            }
            build_site(&root).map(serve::in_memory)
        })
    }

    pub fn serve(&self) -> ServerHandle {
        self.serve_with(|_| {})
    }

    pub fn serve_with(&self, adjust: impl FnOnce(&mut ServeConfig)) -> ServerHandle {
        let mut config = ServeConfig::new(self.root());
        config.port = 0;
        config.limits.print_to_terminal = std::env::var_os("ORR_TEST_VERBOSE").is_some();
        adjust(&mut config);
        serve::start(config, self.rebuild()).unwrap_or_else(|e| panic!("start: {e}"))
    }
}

fn build_site(root: &Path) -> Result<SiteFiles, BuildFailure> {
    let mut site = SiteFiles::new();
    let mut errors = Vec::new();
    let mut entries: Vec<PathBuf> = std::fs::read_dir(root.join("content"))
        .map_err(|e| failure("content", 0, &format!("cannot read content/: {e}")))?
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "txt"))
        .collect();
    entries.sort();
    let mut index =
        String::from("<!DOCTYPE html><html><head><title>Index</title></head><body><ul>");
    for path in &entries {
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        // A file may vanish between listing and reading (a deletion
        // mid-build); the next build sees the final state.
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        if text.contains("PANIC") {
            panic!("the fake build was asked to panic by {stem}.txt");
        }
        if let Some((line_index, line)) =
            text.lines().enumerate().find(|(_, l)| l.contains("BROKEN"))
        {
            let column = line.find("BROKEN").unwrap_or(0) + 1;
            errors.push(OverlayError {
                file: format!("content/{stem}.txt"),
                line: line_index + 1,
                column,
                message: "the word BROKEN is not allowed <here> & there".to_string(),
            });
            continue;
        }
        let first_line = text.lines().next().unwrap_or("").to_string();
        site.insert(
            format!("{stem}/index.html"),
            format!(
                "<!DOCTYPE html><html><head><title>{first_line}</title>\
                 <link rel=\"stylesheet\" href=\"/style.css\"></head>\
                 <body><h1>{stem}</h1><p id=\"text\">{text}</p></body></html>"
            )
            .into_bytes(),
        );
        index.push_str(&format!("<li><a href=\"/{stem}/\">{stem}</a></li>"));
    }
    index.push_str("</ul></body></html>");
    if !errors.is_empty() {
        let report = errors
            .iter()
            .map(|e| {
                format!(
                    "error: {}\n --> {}:{}:{}",
                    e.message, e.file, e.line, e.column
                )
            })
            .collect::<Vec<_>>()
            .join("\n");
        return Err(BuildFailure { report, errors });
    }
    site.insert("index.html".to_string(), index.into_bytes());
    site.insert(
        "404.html".to_string(),
        b"<!DOCTYPE html><html><head><title>Not found</title></head><body><h1>Nothing here</h1></body></html>"
            .to_vec(),
    );
    let css = std::fs::read(root.join("assets/style.css")).unwrap_or_default();
    site.insert("style.css".to_string(), css);
    site.insert(
        "api/pages.json".to_string(),
        format!("{{\"pages\": {}}}", entries.len()).into_bytes(),
    );
    Ok(site)
}

fn failure(file: &str, line: usize, message: &str) -> BuildFailure {
    BuildFailure {
        report: format!("error: {message}"),
        errors: vec![OverlayError {
            file: file.to_string(),
            line,
            column: 1,
            message: message.to_string(),
        }],
    }
}

/// One parsed HTTP response.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub head: String,
    pub body: String,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<String> {
        self.head.lines().skip(1).find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.trim()
                .eq_ignore_ascii_case(name)
                .then(|| value.trim().to_string())
        })
    }
}

/// Sends raw bytes, reads until the server closes (or the deadline), and
/// parses the first response.
pub fn raw(addr: SocketAddr, request: &[u8]) -> Reply {
    let mut stream = TcpStream::connect(addr).unwrap_or_else(|e| panic!("connect: {e}"));
    stream
        .set_read_timeout(Some(DEADLINE))
        .unwrap_or_else(|e| panic!("{e}"));
    // The server may close early (e.g. on a bad request line) while we are
    // still writing; what it answered is what matters.
    let _ = stream.write_all(request);
    read_reply(&mut stream)
}

/// Like [`raw`], but returns as soon as the response head has arrived: for
/// answers that carry no length on connections the server keeps open.
pub fn raw_head(addr: SocketAddr, request: &[u8]) -> Reply {
    let mut stream = TcpStream::connect(addr).unwrap_or_else(|e| panic!("connect: {e}"));
    stream
        .set_read_timeout(Some(DEADLINE))
        .unwrap_or_else(|e| panic!("{e}"));
    let _ = stream.write_all(request);
    let mut data = Vec::new();
    let mut buffer = [0u8; 1024];
    while find(&data, b"\r\n\r\n").is_none() {
        match stream.read(&mut buffer) {
            Ok(0) | Err(_) => break,
            Ok(n) => data.extend_from_slice(&buffer[..n]),
        }
    }
    parse_reply(&data)
}

/// Reads one response: head, then Content-Length bytes (or until close).
pub fn read_reply(stream: &mut TcpStream) -> Reply {
    let mut data = Vec::new();
    let mut buffer = [0u8; 8192];
    let started = Instant::now();
    loop {
        if let Some(end) = find(&data, b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&data[..end]).into_owned();
            let length = head.lines().find_map(|line| {
                let (key, value) = line.split_once(':')?;
                key.trim()
                    .eq_ignore_ascii_case("content-length")
                    .then(|| value.trim().parse::<usize>().ok())?
            });
            if let Some(length) = length {
                if data.len() >= end + 4 + length {
                    return parse_reply(&data[..end + 4 + length]);
                }
            }
        }
        if started.elapsed() > DEADLINE {
            break;
        }
        match stream.read(&mut buffer) {
            Ok(0) | Err(_) => break,
            Ok(n) => data.extend_from_slice(&buffer[..n]),
        }
    }
    parse_reply(&data)
}

fn parse_reply(data: &[u8]) -> Reply {
    let text = String::from_utf8_lossy(data).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0);
    Reply {
        status,
        head: head.to_string(),
        body: body.to_string(),
    }
}

pub fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

pub fn get(addr: SocketAddr, path: &str) -> Reply {
    raw(
        addr,
        format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").as_bytes(),
    )
}

/// Polls `condition` every 20 ms until it holds or the deadline passes.
pub fn wait_until(what: &str, mut condition: impl FnMut() -> bool) {
    let started = Instant::now();
    while started.elapsed() < DEADLINE {
        if condition() {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("timed out waiting until {what}");
}

/// Waits until the page at `path` satisfies `condition` and returns it.
pub fn wait_for_page(
    addr: SocketAddr,
    path: &str,
    what: &str,
    condition: impl Fn(&Reply) -> bool,
) -> Reply {
    let started = Instant::now();
    loop {
        let reply = get(addr, path);
        if condition(&reply) {
            return reply;
        }
        if started.elapsed() > DEADLINE {
            panic!("timed out waiting until {what}; last reply: {reply:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Long enough for the watcher (debounce + settle) to have reported any
/// change it was going to report; used only to check that nothing happens.
pub fn quiet_period() {
    std::thread::sleep(Duration::from_millis(1200));
}

/// An open live-reload connection.
pub struct EventStream {
    stream: TcpStream,
    pub received: String,
}

impl EventStream {
    pub fn open(addr: SocketAddr) -> EventStream {
        let mut stream = TcpStream::connect(addr).unwrap_or_else(|e| panic!("connect: {e}"));
        stream
            .set_read_timeout(Some(Duration::from_millis(200)))
            .unwrap_or_else(|e| panic!("{e}"));
        stream
            .write_all(b"GET /__orr/events HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n")
            .unwrap_or_else(|e| panic!("{e}"));
        EventStream {
            stream,
            received: String::new(),
        }
    }

    /// Reads until `needle` has been received after position `from`, and
    /// returns the position after it.
    pub fn wait_for(&mut self, needle: &str, from: usize) -> usize {
        let started = Instant::now();
        let mut buffer = [0u8; 4096];
        loop {
            if let Some(position) = self.received[from.min(self.received.len())..].find(needle) {
                return from + position + needle.len();
            }
            if started.elapsed() > DEADLINE {
                panic!(
                    "timed out waiting for {needle:?}; received {:?}",
                    self.received
                );
            }
            match self.stream.read(&mut buffer) {
                Ok(0) => panic!("event stream closed; received {:?}", self.received),
                Ok(n) => self
                    .received
                    .push_str(&String::from_utf8_lossy(&buffer[..n])),
                Err(_) => {} // read timeout: poll again
            }
        }
    }
}
