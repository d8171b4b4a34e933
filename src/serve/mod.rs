//! `orr serve`: build the handbook into memory, serve it over HTTP, watch the
//! sources and rebuild on every change, and reload the browser afterwards.
//!
//! The pieces, each in its own module:
//! - [`state`]: the site currently served (the last good build) and the
//!   current build failure, swapped as a whole after every rebuild;
//! - [`listener`], [`connection`], [`head`]: connections accepted by our
//!   own loop, a bounded number of them, one thread each; request heads
//!   read with a size limit and a deadline, responses written with a
//!   deadline (tiny_http only encodes the responses: its own server
//!   buffers heads without limit and leaks on declared bodies);
//! - [`host`]: the `Host` allow-list against DNS rebinding;
//! - [`http`]: answering one request from that state, with URL
//!   normalisation that never touches the file system;
//! - [`watch`]: notify + debouncer, and the filter that decides which file
//!   events are worth a rebuild (editor temporaries, hidden and git-ignored
//!   paths are not);
//! - [`reload`]: the Server-Sent Events hub that tells open pages to reload;
//! - [`overlay`]: the error overlay and live-reload script injected into
//!   every HTML response.
//!
//! A single build thread owns the [`Rebuild`] closure, so builds never run
//! concurrently; changes that arrive while a build runs are merged into
//! exactly one more build, and the build they arrived during is not
//! published (it may have read a mix of before and after).

mod connection;
mod head;
mod host;
pub(crate) mod http;
mod listener;
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
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use self::listener::Connections;
use self::reload::ReloadHub;
use self::state::SiteState;
use self::watch::{Change, WatchMessage, Watcher};

/// A site built whole into memory: relative path ("index.html",
/// "services/checkout/index.html", "api/services.json", "404.html",
/// "style.css") -> bytes. Directory pages are "<dir>/index.html".
pub type SiteFiles = BTreeMap<String, Vec<u8>>;

/// What the server answers from: the site's paths (known at once, so an
/// unknown path is a 404 without making anything) and each file's bytes,
/// which may be made only when asked for. `orr serve` renders pages on
/// request from the judged handbook; a [`SiteFiles`] map holds them all.
pub trait ServedSite: Send + Sync {
    /// Whether the site has a file at `path` ("services/x/index.html").
    fn contains(&self, path: &str) -> bool;
    /// The bytes of the file at `path`; `None` if there is none, `Err` if
    /// making it failed (shown in the overlay, the rest of the site served).
    fn file(&self, path: &str) -> Option<Result<Arc<[u8]>, BuildFailure>>;
    /// How many files the site has.
    fn file_count(&self) -> usize;
    /// When the files it was built from had all been read; `None` if not
    /// known. A change after that instant cannot have mixed into the build.
    fn read_at(&self) -> Option<Instant> {
        None
    }
    /// Prints the warnings its build found on stderr, the first time it is
    /// called: the server calls it once the browsers were told to reload,
    /// which need not wait for a report of thousands of lines.
    fn print_warnings(&self) {}
}

impl ServedSite for SiteFiles {
    fn contains(&self, path: &str) -> bool {
        self.contains_key(path)
    }

    fn file(&self, path: &str) -> Option<Result<Arc<[u8]>, BuildFailure>> {
        self.get(path).map(|bytes| Ok(Arc::from(bytes.as_slice())))
    }

    fn file_count(&self) -> usize {
        self.len()
    }
}

/// A site held whole in memory, as the server takes it.
pub fn in_memory(site: SiteFiles) -> Arc<dyn ServedSite> {
    Arc::new(site)
}

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

/// Builds the site from the handbook on disk (or makes it ready to render on
/// request); called once at start and after every batch of changes. It
/// prints its own warnings.
pub type Rebuild = Box<dyn Fn() -> Result<Arc<dyn ServedSite>, BuildFailure> + Send + Sync>;

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
    /// Directories or files to watch; the ones that do not exist yet are
    /// watched from the moment they appear.
    pub watch: Vec<PathBuf>,
    /// Directories that must exist for a build to be published: a missing
    /// one (deleted or renamed while serving) is a failed build.
    pub required: Vec<PathBuf>,
    /// Thread counts, size limits and timings; the defaults suit `orr serve`.
    pub limits: ServeLimits,
}

/// The bounds of the server. Every field has a default fit for a preview
/// server on a developer's machine; tests shrink some of them.
#[derive(Debug, Clone)]
pub struct ServeLimits {
    /// Open connections (one thread each). When all are taken, a new one
    /// evicts the connection that has waited longest for a request head;
    /// if none is waiting, the new one is closed.
    pub max_connections: usize,
    /// How long a client has to send a whole request head, counted from
    /// when the connection starts waiting for it (so it also bounds an
    /// idle keep-alive connection).
    pub head_timeout: Duration,
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
    /// How long a client may take to read a whole response (or one
    /// live-reload event) before the connection is given up.
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
            max_connections: 256,
            head_timeout: Duration::from_secs(10),
            max_reload_listeners: 32,
            keep_alive: Duration::from_secs(15),
            // Short windows: a change that lands while a build runs is
            // caught by the check after it (see `build_loop`), so they only
            // need to gather one burst, not to guarantee a consistent read.
            debounce: Duration::from_millis(40),
            settle: Duration::from_millis(50),
            max_settle: Duration::from_secs(3),
            write_timeout: Duration::from_secs(10),
            max_url_bytes: 8 * 1024,
            max_header_bytes: 32 * 1024,
            max_headers: 100,
            print_to_terminal: true,
        }
    }
}

impl ServeConfig {
    /// The defaults of `orr serve` for a handbook at `root`: 127.0.0.1:1111,
    /// watching `content/`, `templates/` and `assets/`; `content/` required.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        let root = root.into();
        let watch = ["content", "templates", "assets"]
            .iter()
            .map(|dir| root.join(dir))
            .collect();
        let required = vec![root.join("content")];
        ServeConfig {
            root,
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 1111,
            watch,
            required,
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
    accept_thread: Option<JoinHandle<()>>,
    build_thread: Option<JoinHandle<()>>,
    build_sender: mpsc::Sender<WatchMessage>,
    watcher: Arc<Mutex<Option<Watcher>>>,
}

/// What the threads of one server share.
struct Shared {
    state: SiteState,
    hub: ReloadHub,
    rebuilds: AtomicU64,
    requests: AtomicU64,
    stopping: AtomicBool,
    limits: ServeLimits,
    connections: Connections,
    /// The address bound, for the Host allow-list.
    addr: SocketAddr,
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

    /// Client connections currently open.
    pub fn connection_count(&self) -> usize {
        self.shared.connections.count()
    }

    /// Blocks for as long as the server runs (the CLI's `orr serve`).
    pub fn wait(mut self) {
        if let Some(accept_thread) = self.accept_thread.take() {
            let _ = accept_thread.join();
        }
        if let Some(build_thread) = self.build_thread.take() {
            let _ = build_thread.join();
        }
    }

    /// Stops watching, building and serving, and joins the threads.
    pub fn shutdown(mut self) {
        self.shared.stopping.store(true, Ordering::SeqCst);
        if let Some(watcher) = lock_watcher(&self.watcher).take() {
            watcher.stop();
        }
        let _ = self.build_sender.send(WatchMessage::Stop);
        if let Some(build_thread) = self.build_thread.take() {
            let _ = build_thread.join();
        }
        listener::wake(self.addr);
        if let Some(accept_thread) = self.accept_thread.take() {
            let _ = accept_thread.join();
        }
        self.shared.hub.close();
        self.shared.connections.close_all();
        // Connection threads end within moments of their socket closing.
        let deadline = Instant::now() + Duration::from_secs(2);
        while self.shared.connections.count() > 0 && Instant::now() < deadline {
            thread::sleep(Duration::from_millis(5));
        }
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
    let listener = tune_listener(listener);

    let limits = config.limits.clone();
    let shared = Arc::new(Shared {
        state: SiteState::new(),
        hub: ReloadHub::new(limits.max_reload_listeners, limits.keep_alive),
        rebuilds: AtomicU64::new(0),
        requests: AtomicU64::new(0),
        stopping: AtomicBool::new(false),
        limits: limits.clone(),
        connections: Connections::default(),
        addr,
    });

    // The watcher starts before the first build so that an edit made while
    // that build runs is not lost: it queues up and causes a second build.
    let (build_sender, build_receiver) = mpsc::channel();
    let watcher = Watcher::start(&config.root, &config.watch, &limits, build_sender.clone())?;
    let watcher = Arc::new(Mutex::new(Some(watcher)));

    let started = Instant::now();
    let first = build_once(&rebuild, &config);
    if limits.print_to_terminal {
        match &first {
            Ok(site) => {
                let ms = started.elapsed().as_millis();
                site.print_warnings();
                eprintln!("built {} files in {ms} ms", site.file_count());
            }
            Err(failure) => {
                eprintln!("{}", failure.report.trim_end());
                eprintln!("the first build failed: serving an error page until it is fixed");
            }
        }
    }
    shared.state.apply(first);

    let accept_thread =
        listener::spawn_acceptor(listener, Arc::clone(&shared)).map_err(|error| {
            ServeError::Bind {
                addr: addr.to_string(),
                source: format!("cannot start the accept thread: {error}"),
            }
        })?;

    let build_shared = Arc::clone(&shared);
    let build_watcher = Arc::clone(&watcher);
    let build_thread = thread::Builder::new()
        .name("orr-build".to_string())
        .spawn(move || {
            build_loop(
                &build_receiver,
                &rebuild,
                &config,
                &build_watcher,
                &build_shared,
            )
        })
        .map_err(|error| ServeError::Watch(format!("cannot start the build thread: {error}")))?;

    Ok(ServerHandle {
        addr,
        shared,
        accept_thread: Some(accept_thread),
        build_thread: Some(build_thread),
        build_sender,
        watcher,
    })
}

/// Sets TCP_NODELAY on the listening socket, which accepted connections
/// inherit (Linux copies it at accept; the BSDs and macOS do too): without
/// it, a response written in two parts waits for the client's delayed ACK
/// (40 ms on Linux). Timeouts are set per connection, per read and write.
/// The conversions are std's safe ownership moves, no `unsafe`; a failure
/// only costs speed, so it is ignored.
fn tune_listener(listener: TcpListener) -> TcpListener {
    #[cfg(unix)]
    {
        use std::os::fd::OwnedFd;
        let socket = std::net::TcpStream::from(OwnedFd::from(listener));
        let _ = socket.set_nodelay(true);
        TcpListener::from(OwnedFd::from(socket))
    }
    #[cfg(windows)]
    {
        use std::os::windows::io::OwnedSocket;
        let socket = std::net::TcpStream::from(OwnedSocket::from(listener));
        let _ = socket.set_nodelay(true);
        TcpListener::from(OwnedSocket::from(socket))
    }
    #[cfg(not(any(unix, windows)))]
    {
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

/// Runs the build closure, turning a panic inside it into a failure so that
/// a bug in one build does not take the server down.
fn run_rebuild(rebuild: &Rebuild) -> Result<Arc<dyn ServedSite>, BuildFailure> {
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

fn lock_watcher(watcher: &Mutex<Option<Watcher>>) -> std::sync::MutexGuard<'_, Option<Watcher>> {
    watcher.lock().unwrap_or_else(|poison| poison.into_inner())
}

/// One build: a required directory that is missing (deleted or renamed
/// while serving) is a failure, never an empty site.
fn build_once(
    rebuild: &Rebuild,
    config: &ServeConfig,
) -> Result<Arc<dyn ServedSite>, BuildFailure> {
    if let Some(missing) = config.required.iter().find(|dir| !dir.is_dir()) {
        let name = missing
            .strip_prefix(&config.root)
            .unwrap_or(missing)
            .display()
            .to_string();
        let message = format!(
            "{name}/ is missing (deleted or renamed?): there is nothing to build; \
             restore it to continue"
        );
        return Err(BuildFailure {
            report: format!("error: {message}"),
            errors: vec![OverlayError {
                file: format!("{name}/"),
                line: 0,
                column: 0,
                message,
            }],
        });
    }
    run_rebuild(rebuild)
}

/// The build thread: waits for a batch of changes and for the tree to be
/// quiet (bounded by `max_settle`), builds, and publishes the result only
/// if no change arrived while the build ran: otherwise the build may have
/// read some files before a change and some after, so it is discarded and
/// the tree built again once quiet. Changes arriving while a build runs
/// are queued in the channel and become exactly one more build.
fn build_loop(
    receiver: &mpsc::Receiver<WatchMessage>,
    rebuild: &Rebuild,
    config: &ServeConfig,
    watcher: &Mutex<Option<Watcher>>,
    shared: &Shared,
) {
    let limits = &shared.limits;
    while let Some(mut batch) = watch::collect_batch(receiver, limits) {
        let (result, elapsed) = loop {
            // Directories that appeared (or were re-created) since the last
            // build are watched before it reads them.
            if let Some(watcher) = lock_watcher(watcher).as_mut() {
                watcher.refresh();
            }
            let started = Instant::now();
            let result = build_once(rebuild, config);
            let elapsed = started.elapsed().as_millis();
            let read_at = result.as_ref().ok().and_then(|site| site.read_at());
            match watch::changes_during_build(receiver, limits, read_at) {
                None => return,
                Some(during) if during.is_empty() => break (result, elapsed),
                Some(during) => {
                    if limits.print_to_terminal {
                        eprintln!(
                            "files changed during the build; building again before publishing"
                        );
                    }
                    batch.merge(during);
                    match watch::settle(receiver, limits, batch) {
                        Some(settled) => batch = settled,
                        None => return,
                    }
                }
            }
        };
        let published = result.as_ref().ok().map(Arc::clone);
        let outcome = rebuild_outcome(&result, &batch, elapsed);
        let applied = shared.state.apply(result);
        shared.rebuilds.fetch_add(1, Ordering::SeqCst);
        // A failed build also changes what pages show (the overlay), so the
        // browsers reload either way and recover by themselves once fixed.
        shared.hub.broadcast_reload(&applied.generation);
        if limits.print_to_terminal {
            if let Some(site) = published {
                site.print_warnings();
            }
            eprintln!("{outcome}");
        }
        drop(applied.previous);
    }
}

/// What the terminal says of a rebuild, after its warnings if any.
fn rebuild_outcome(
    result: &Result<Arc<dyn ServedSite>, BuildFailure>,
    batch: &watch::Batch,
    ms: u128,
) -> String {
    let what = describe_changes(&batch.changes, batch.rescan);
    match result {
        Ok(_) => format!("rebuilt in {ms} ms ({what})"),
        Err(failure) => {
            let count = failure.errors.len();
            let errors = if count == 1 { "error" } else { "errors" };
            format!(
                "{}\nrebuild failed in {ms} ms ({what}): {count} {errors}; still serving the last good site",
                failure.report.trim_end()
            )
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
