//! `orr serve`: build the handbook into memory, serve it over HTTP, watch the
//! sources and rebuild on every change, and reload the browser afterwards.
//!
//! The pieces, each in its own module:
//! - [`state`]: the site currently served (the last good build) and the
//!   current build failure, swapped as a whole after every rebuild;
//! - [`http`]: a fixed pool of workers answering requests from that state,
//!   with URL normalisation that never touches the file system;
//! - [`watch`]: notify + debouncer, and the filter that decides which file
//!   events are worth a rebuild (editor temporaries, hidden and git-ignored
//!   paths are not);
//! - [`reload`]: the Server-Sent Events hub that tells open pages to reload;
//! - [`overlay`]: the error overlay and live-reload script injected into
//!   every HTML response.
//!
//! A single build thread owns the [`Rebuild`] closure, so builds never run
//! concurrently; changes that arrive while a build runs are merged into
//! exactly one more build.

pub(crate) mod http;
mod overlay;
mod reload;
mod state;
mod watch;

use std::collections::BTreeMap;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use self::reload::ReloadHub;
use self::state::SiteState;
use self::watch::{Change, WatchMessage, Watcher};

/// The site as built in memory: relative path ("index.html",
/// "services/checkout/index.html", "api/services.json", "404.html",
/// "style.css") -> bytes. Directory pages are "<dir>/index.html".
pub type SiteFiles = BTreeMap<String, Vec<u8>>;

/// One error to show in the browser overlay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverlayError {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// Why a rebuild failed: the terminal text (already formatted, rustc-style)
/// and the items for the overlay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildFailure {
    pub report: String,
    pub errors: Vec<OverlayError>,
}

/// Builds the whole site from the handbook on disk; called once at start and
/// after every batch of changes. It prints its own warnings.
pub type Rebuild = Box<dyn Fn() -> Result<SiteFiles, BuildFailure> + Send + Sync>;

/// Where to listen, what to watch, and the bounds that keep the server small.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    /// The handbook directory: `.gitignore` / `.ignore` files are read from
    /// here down, and its `site/` output directory is never watched.
    pub root: PathBuf,
    /// Default 127.0.0.1.
    pub bind: IpAddr,
    /// Default 1111; 0 asks the OS for a free port (tests).
    pub port: u16,
    /// Directories or files to watch; the ones that do not exist are skipped.
    pub watch: Vec<PathBuf>,
    /// Thread counts, size limits and timings; the defaults suit `orr serve`.
    pub limits: ServeLimits,
}

/// The bounds of the server. Every field has a default fit for a preview
/// server on a developer's machine; tests shrink some of them.
#[derive(Debug, Clone)]
pub struct ServeLimits {
    /// Threads answering ordinary requests.
    pub worker_threads: usize,
    /// Open live-reload connections (one thread each); beyond this the
    /// events endpoint answers 503 and the page's script retries later.
    pub max_reload_listeners: usize,
    /// How often an idle live-reload connection gets a comment line, so a
    /// closed tab is noticed (its write fails) and its thread freed.
    pub keep_alive: Duration,
    /// The debouncer's quiet time per path.
    pub debounce: Duration,
    /// After the first change of a batch, how long without further changes
    /// before the build starts (so a `git checkout` is one build).
    pub settle: Duration,
    /// The longest a build waits for changes to stop arriving.
    pub max_settle: Duration,
    /// How long writing to a client may block (a client that stops reading)
    /// before the connection is given up.
    pub write_timeout: Duration,
    /// Longest accepted request target, in bytes (414 beyond).
    pub max_url_bytes: usize,
    /// Largest accepted request head (all header lines), in bytes (431 beyond).
    pub max_header_bytes: usize,
    /// Most header lines accepted (431 beyond).
    pub max_headers: usize,
    /// Print one line per rebuild and the failure reports on stderr.
    pub print_to_terminal: bool,
}

impl Default for ServeLimits {
    fn default() -> Self {
        ServeLimits {
            worker_threads: 8,
            max_reload_listeners: 32,
            keep_alive: Duration::from_secs(15),
            debounce: Duration::from_millis(100),
            settle: Duration::from_millis(150),
            max_settle: Duration::from_secs(3),
            write_timeout: Duration::from_secs(30),
            max_url_bytes: 8 * 1024,
            max_header_bytes: 32 * 1024,
            max_headers: 100,
            print_to_terminal: true,
        }
    }
}

impl ServeConfig {
    /// The defaults of `orr serve` for a handbook at `root`: 127.0.0.1:1111,
    /// watching `content/`, `templates/` and `assets/`.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        let root = root.into();
        let watch = ["content", "templates", "assets"]
            .iter()
            .map(|dir| root.join(dir))
            .collect();
        ServeConfig {
            root,
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 1111,
            watch,
            limits: ServeLimits::default(),
        }
    }
}

/// Why the server could not start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServeError {
    /// The address could not be bound (port taken, address not local...):
    /// the CLI exits 2.
    Bind { addr: String, source: String },
    /// The file watcher could not be set up.
    Watch(String),
}

impl fmt::Display for ServeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ServeError::Bind { addr, source } => write!(f, "cannot listen on {addr}: {source}"),
            ServeError::Watch(message) => write!(f, "cannot watch the handbook: {message}"),
        }
    }
}

impl std::error::Error for ServeError {}

/// The running server. Dropping it leaves the threads running (the CLI
/// calls [`ServerHandle::wait`]); tests call [`ServerHandle::shutdown`].
pub struct ServerHandle {
    addr: SocketAddr,
    shared: Arc<Shared>,
    http_server: Arc<tiny_http::Server>,
    workers: Vec<JoinHandle<()>>,
    build_thread: Option<JoinHandle<()>>,
    build_sender: mpsc::Sender<WatchMessage>,
    watcher: Option<Watcher>,
}

/// What the threads of one server share.
struct Shared {
    state: SiteState,
    hub: ReloadHub,
    rebuilds: AtomicU64,
    requests: AtomicU64,
    stopping: AtomicBool,
    limits: ServeLimits,
}

impl ServerHandle {
    /// The address actually bound (the real port when 0 was asked for).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// How many rebuilds (successful or failed) have finished since start,
    /// not counting the initial build.
    pub fn rebuild_count(&self) -> u64 {
        self.shared.rebuilds.load(Ordering::SeqCst)
    }

    /// How many HTTP requests have been answered (any status).
    pub fn request_count(&self) -> u64 {
        self.shared.requests.load(Ordering::SeqCst)
    }

    /// Live-reload connections currently open.
    pub fn reload_listener_count(&self) -> usize {
        self.shared.hub.listener_count()
    }

    /// Blocks for as long as the server runs (the CLI's `orr serve`).
    pub fn wait(mut self) {
        for worker in self.workers.drain(..) {
            let _ = worker.join();
        }
        if let Some(build_thread) = self.build_thread.take() {
            let _ = build_thread.join();
        }
    }

    /// Stops watching, building and serving, and joins the threads.
    pub fn shutdown(mut self) {
        self.shared.stopping.store(true, Ordering::SeqCst);
        if let Some(watcher) = self.watcher.take() {
            watcher.stop();
        }
        let _ = self.build_sender.send(WatchMessage::Stop);
        if let Some(build_thread) = self.build_thread.take() {
            let _ = build_thread.join();
        }
        for _ in 0..self.workers.len() {
            self.http_server.unblock();
        }
        for worker in self.workers.drain(..) {
            let _ = worker.join();
        }
        self.shared.hub.close();
    }
}

/// Starts serving in background threads and returns at once: binds the
/// address, runs the first build (serving an error page with the overlay if
/// it fails), starts the workers, the watcher and the build thread.
pub fn start(config: ServeConfig, rebuild: Rebuild) -> Result<ServerHandle, ServeError> {
    let requested = SocketAddr::new(config.bind, config.port);
    let listener = TcpListener::bind(requested).map_err(|error| bind_error(requested, &error))?;
    let addr = listener
        .local_addr()
        .map_err(|error| bind_error(requested, &error))?;
    let listener = tune_listener(
        listener,
        config.limits.write_timeout.max(Duration::from_millis(1)),
    );
    let http_server =
        tiny_http::Server::from_listener(listener, None).map_err(|error| ServeError::Bind {
            addr: requested.to_string(),
            source: error.to_string(),
        })?;
    let http_server = Arc::new(http_server);

    let limits = config.limits.clone();
    let shared = Arc::new(Shared {
        state: SiteState::new(),
        hub: ReloadHub::new(limits.max_reload_listeners, limits.keep_alive),
        rebuilds: AtomicU64::new(0),
        requests: AtomicU64::new(0),
        stopping: AtomicBool::new(false),
        limits: limits.clone(),
    });

    // The watcher starts before the first build so that an edit made while
    // that build runs is not lost: it queues up and causes a second build.
    let (build_sender, build_receiver) = mpsc::channel();
    let watcher = Watcher::start(&config.root, &config.watch, &limits, build_sender.clone())?;

    let started = Instant::now();
    let first = run_rebuild(&rebuild);
    if limits.print_to_terminal {
        match &first {
            Ok(site) => eprintln!(
                "built {} files in {} ms",
                site.len(),
                started.elapsed().as_millis()
            ),
            Err(failure) => {
                eprintln!("{}", failure.report.trim_end());
                eprintln!("the first build failed: serving an error page until it is fixed");
            }
        }
    }
    shared.state.apply(first);

    let mut workers = Vec::with_capacity(limits.worker_threads.max(1));
    for index in 0..limits.worker_threads.max(1) {
        let http_server = Arc::clone(&http_server);
        let shared = Arc::clone(&shared);
        let worker = thread::Builder::new()
            .name(format!("orr-http-{index}"))
            .spawn(move || serve_requests(&http_server, &shared))
            .map_err(|error| ServeError::Bind {
                addr: addr.to_string(),
                source: format!("cannot start a worker thread: {error}"),
            })?;
        workers.push(worker);
    }

    let build_shared = Arc::clone(&shared);
    let build_thread = thread::Builder::new()
        .name("orr-build".to_string())
        .spawn(move || build_loop(&build_receiver, &rebuild, &build_shared))
        .map_err(|error| ServeError::Watch(format!("cannot start the build thread: {error}")))?;

    Ok(ServerHandle {
        addr,
        shared,
        http_server,
        workers,
        build_thread: Some(build_thread),
        build_sender,
        watcher: Some(watcher),
    })
}

/// Sets options on the listening socket that accepted connections inherit
/// (Linux copies them at accept; the BSDs and macOS do for TCP_NODELAY):
///
/// - TCP_NODELAY: tiny_http writes a response's head and body in two
///   writes, so with Nagle's algorithm every response on a keep-alive
///   connection waited for the client's delayed ACK (40 ms on Linux); the
///   load test went from about 700 to over 30,000 requests/s.
/// - a send timeout: a client that stops reading cannot hold a worker (or
///   a live-reload thread) forever once the socket buffers are full.
///
/// No receive timeout: on a listening socket it would make `accept` fail,
/// which ends tiny_http's accept loop. The conversions are std's safe
/// ownership moves, no `unsafe`; failures only cost speed, so they are
/// ignored.
fn tune_listener(listener: TcpListener, write_timeout: Duration) -> TcpListener {
    #[cfg(unix)]
    {
        use std::os::fd::OwnedFd;
        let socket = std::net::TcpStream::from(OwnedFd::from(listener));
        let _ = socket.set_nodelay(true);
        let _ = socket.set_write_timeout(Some(write_timeout));
        TcpListener::from(OwnedFd::from(socket))
    }
    #[cfg(windows)]
    {
        use std::os::windows::io::OwnedSocket;
        let socket = std::net::TcpStream::from(OwnedSocket::from(listener));
        let _ = socket.set_nodelay(true);
        let _ = socket.set_write_timeout(Some(write_timeout));
        TcpListener::from(OwnedSocket::from(socket))
    }
    #[cfg(not(any(unix, windows)))]
    {
        let _ = write_timeout;
        listener
    }
}

fn bind_error(addr: SocketAddr, error: &std::io::Error) -> ServeError {
    let source = match error.kind() {
        std::io::ErrorKind::AddrInUse => {
            let next = addr.port().checked_add(1).unwrap_or(1112);
            format!("address in use (try --port {next})")
        }
        std::io::ErrorKind::AddrNotAvailable => {
            "address not available on this machine (try --bind 127.0.0.1)".to_string()
        }
        std::io::ErrorKind::PermissionDenied => {
            "permission denied (ports below 1024 need privileges; try --port 1111)".to_string()
        }
        _ => error.to_string(),
    };
    ServeError::Bind {
        addr: addr.to_string(),
        source,
    }
}

/// One worker: answers requests until the server stops.
fn serve_requests(http_server: &tiny_http::Server, shared: &Shared) {
    let context = http::Context {
        state: &shared.state,
        hub: &shared.hub,
        limits: &shared.limits,
    };
    loop {
        if shared.stopping.load(Ordering::SeqCst) {
            return;
        }
        match http_server.recv() {
            Ok(request) => {
                // No client input is known to panic the handler; should a
                // dependency ever do so, one request fails, not the worker.
                let handled = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    http::handle(request, &context);
                }));
                if handled.is_err() && shared.limits.print_to_terminal {
                    eprintln!("warning: a request handler panicked; the server carries on");
                }
                shared.requests.fetch_add(1, Ordering::SeqCst);
            }
            // `recv` fails when unblocked for shutdown, or when the accept
            // thread died; either way there is nothing more to serve.
            Err(_) => return,
        }
    }
}

/// Runs the build closure, turning a panic inside it into a failure so that
/// a bug in one build does not take the server down.
fn run_rebuild(rebuild: &Rebuild) -> Result<SiteFiles, BuildFailure> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(rebuild)) {
        Ok(result) => result,
        Err(panic) => {
            let detail = panic
                .downcast_ref::<&str>()
                .map(|text| (*text).to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "no message".to_string());
            let message = format!("internal error: the build panicked: {detail}");
            Err(BuildFailure {
                report: format!("error: {message}"),
                errors: vec![OverlayError {
                    file: String::new(),
                    line: 0,
                    column: 0,
                    message,
                }],
            })
        }
    }
}

/// The build thread: waits for a batch of changes, lets it settle, builds,
/// publishes the result and tells the browsers. Changes that arrive during a
/// build are queued in the channel and become exactly one more build.
fn build_loop(receiver: &mpsc::Receiver<WatchMessage>, rebuild: &Rebuild, shared: &Shared) {
    while let Some(batch) = watch::collect_batch(receiver, &shared.limits) {
        let started = Instant::now();
        let result = run_rebuild(rebuild);
        let elapsed = started.elapsed().as_millis();
        if shared.limits.print_to_terminal {
            print_rebuild_outcome(&result, &batch, elapsed);
        }
        let generation = shared.state.apply(result);
        shared.rebuilds.fetch_add(1, Ordering::SeqCst);
        // A failed build also changes what pages show (the overlay), so the
        // browsers reload either way and recover by themselves once fixed.
        shared.hub.broadcast_reload(&generation);
    }
}

fn print_rebuild_outcome(result: &Result<SiteFiles, BuildFailure>, batch: &watch::Batch, ms: u128) {
    let what = describe_changes(&batch.changes, batch.rescan);
    match result {
        Ok(_) => eprintln!("rebuilt in {ms} ms ({what})"),
        Err(failure) => {
            eprintln!("{}", failure.report.trim_end());
            let count = failure.errors.len();
            let errors = if count == 1 { "error" } else { "errors" };
            eprintln!(
                "rebuild failed in {ms} ms ({what}): {count} {errors}; still serving the last good site"
            );
        }
    }
}

fn describe_changes(changes: &[Change], rescan: bool) -> String {
    match changes {
        [] if rescan => "the watcher asked for a full rescan".to_string(),
        [] => "no file named".to_string(),
        [only] => format!("{} {}", only.display, only.kind.verb()),
        many => format!("{} changes", many.len()),
    }
}
