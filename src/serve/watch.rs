//! Watching the handbook: notify with notify-debouncer-full, the filter that
//! decides which file events deserve a rebuild, and the batching that turns
//! a burst of events (an editor's atomic save, a `git checkout` of a
//! thousand files) into one build of the final state.
//!
//! The handbook root is watched too, non-recursively, so that `content/`,
//! `templates/` and `assets/` created, deleted or re-created while serving
//! are noticed; [`Watcher::refresh`] then adds (or drops) their recursive
//! watches before the next build.
//!
//! Ignored: editors' temporary and backup files, hidden files and
//! directories, paths matched by `.gitignore` / `.ignore` files from the
//! handbook root down, the `site/` output directory, and events that change
//! nothing (a file being opened or read, which every build does).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ffi::OsString;
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, TryRecvError};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use ignore::gitignore::{Gitignore, GitignoreBuilder};
use notify::event::{AccessKind, AccessMode, MetadataKind, ModifyKind};
use notify::{EventKind, RecursiveMode};
use notify_debouncer_full::{
    new_debouncer, DebounceEventResult, DebouncedEvent, Debouncer, RecommendedCache,
};

use super::{ServeError, ServeLimits};

/// What the watcher tells the build thread.
#[derive(Debug)]
pub(crate) enum WatchMessage {
    /// Relevant files changed.
    Changes(Vec<Change>),
    /// The watcher lost events (its queue overflowed): rebuild everything.
    Rescan,
    /// The watcher reported a problem; printed, no rebuild by itself.
    Error(String),
    /// The server is shutting down.
    Stop,
}

/// One relevant changed path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Change {
    pub path: PathBuf,
    /// The path relative to the handbook root, for the terminal.
    pub display: String,
    pub kind: ChangeKind,
}

/// Which part of the handbook a change touches. Every change rebuilds the
/// whole site today; the kind is printed, and is where a cheaper rebuild per
/// kind would hook in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ChangeKind {
    /// `content/orr.yaml`.
    Config,
    /// Anything else under `content/`.
    Content,
    Template,
    Asset,
    /// A `.gitignore` or `.ignore` file: changes which files exist.
    IgnoreRules,
    /// A watched path outside the three directories.
    Other,
}

impl ChangeKind {
    /// The words printed after the path ("content/x.yaml changed").
    pub fn verb(self) -> &'static str {
        match self {
            ChangeKind::Config => "changed (site settings)",
            ChangeKind::Content => "changed",
            ChangeKind::Template => "changed (template)",
            ChangeKind::Asset => "changed (asset)",
            ChangeKind::IgnoreRules => "changed (ignore rules)",
            ChangeKind::Other => "changed",
        }
    }
}

/// The changes one build covers.
#[derive(Debug, Default)]
pub(crate) struct Batch {
    /// Distinct relevant paths, sorted.
    pub changes: Vec<Change>,
    /// The watcher asked for a full rescan.
    pub rescan: bool,
}

impl Batch {
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty() && !self.rescan
    }

    /// Adds the changes of `other` (still distinct and sorted).
    pub fn merge(&mut self, other: Batch) {
        let mut changes = BTreeMap::new();
        add_changes(&mut changes, std::mem::take(&mut self.changes));
        add_changes(&mut changes, other.changes);
        self.changes = changes.into_values().collect();
        self.rescan |= other.rescan;
    }
}

/// Waits for the next change and gathers everything that follows it until
/// the file system has been quiet for `settle` (at most `max_settle`), so a
/// burst becomes one build. Messages queued while the previous build ran are
/// drained here too: that is how changes during a build become exactly one
/// more build. `None` means stop.
pub(crate) fn collect_batch(
    receiver: &Receiver<WatchMessage>,
    limits: &ServeLimits,
) -> Option<Batch> {
    let mut batch = Batch::default();
    loop {
        match receiver.recv() {
            Ok(WatchMessage::Changes(list)) => {
                batch.merge(Batch {
                    changes: list,
                    rescan: false,
                });
                break;
            }
            Ok(WatchMessage::Rescan) => {
                batch.rescan = true;
                break;
            }
            Ok(WatchMessage::Error(message)) => report_watch_error(&message, limits),
            Ok(WatchMessage::Stop) | Err(_) => return None,
        }
    }
    settle(receiver, limits, batch)
}

/// Adds to `batch` whatever arrives until nothing has for `settle`, or
/// `max_settle` has passed since this call. `None` means stop.
pub(crate) fn settle(
    receiver: &Receiver<WatchMessage>,
    limits: &ServeLimits,
    mut batch: Batch,
) -> Option<Batch> {
    let mut changes = BTreeMap::new();
    add_changes(&mut changes, std::mem::take(&mut batch.changes));
    let first_change = Instant::now();
    loop {
        let waited = first_change.elapsed();
        if waited >= limits.max_settle {
            break;
        }
        let wait = limits.settle.min(limits.max_settle - waited);
        match receiver.recv_timeout(wait) {
            Ok(WatchMessage::Changes(list)) => add_changes(&mut changes, list),
            Ok(WatchMessage::Rescan) => batch.rescan = true,
            Ok(WatchMessage::Error(message)) => report_watch_error(&message, limits),
            Ok(WatchMessage::Stop) | Err(RecvTimeoutError::Disconnected) => return None,
            Err(RecvTimeoutError::Timeout) => break,
        }
    }
    batch.changes = changes.into_values().collect();
    Some(batch)
}

/// How long after a file changes its event can still be on its way: the
/// debouncer holds every event for `debounce` and releases them on its
/// next tick (notify-debouncer-full 0.5 never holds one longer: a later
/// event of the same path is either released on its own schedule or
/// folded into an earlier one still held).
pub(crate) fn event_latency(limits: &ServeLimits) -> Duration {
    limits.debounce + 2 * debouncer_tick(limits) + Duration::from_millis(10)
}

fn debouncer_tick(limits: &ServeLimits) -> Duration {
    (limits.debounce / 4).max(Duration::from_millis(5))
}

/// Called when a build has finished: waits until every change made while
/// it read the files must have been reported, then returns the changes
/// reported so far (empty if there were none, so the build saw one
/// consistent state). `read_at` is when the build had read its last file:
/// a change after it cannot have mixed into the build (it is left for the
/// next one), so after a build longer than the watcher's latency there is
/// nothing left to wait for. Without it, the wait counts from now. `None`
/// means stop.
pub(crate) fn changes_during_build(
    receiver: &Receiver<WatchMessage>,
    limits: &ServeLimits,
    read_at: Option<Instant>,
) -> Option<Batch> {
    let reported_by = read_at.unwrap_or_else(Instant::now) + event_latency(limits);
    std::thread::sleep(reported_by.saturating_duration_since(Instant::now()));
    let mut batch = Batch::default();
    loop {
        match receiver.try_recv() {
            Ok(WatchMessage::Changes(list)) => batch.merge(Batch {
                changes: list,
                rescan: false,
            }),
            Ok(WatchMessage::Rescan) => batch.rescan = true,
            Ok(WatchMessage::Error(message)) => report_watch_error(&message, limits),
            Ok(WatchMessage::Stop) | Err(TryRecvError::Disconnected) => return None,
            Err(TryRecvError::Empty) => return Some(batch),
        }
    }
}

fn add_changes(into: &mut BTreeMap<PathBuf, Change>, list: Vec<Change>) {
    for change in list {
        into.insert(change.path.clone(), change);
    }
}

fn report_watch_error(message: &str, limits: &ServeLimits) {
    if limits.print_to_terminal {
        eprintln!("warning: file watcher: {message}");
    }
}

/// The running file watcher; dropping or stopping it ends its threads.
pub(crate) struct Watcher {
    debouncer: Debouncer<notify::RecommendedWatcher, RecommendedCache>,
    root: PathBuf,
    canonical_root: PathBuf,
    filter: Arc<Mutex<ChangeFilter>>,
    targets: Vec<WatchTarget>,
    print_to_terminal: bool,
}

/// One configured path and what is watched of it now.
struct WatchTarget {
    path: PathBuf,
    /// The canonical path watched recursively and the identity of the
    /// directory it was, or `None` while it does not exist.
    watched: Option<(PathBuf, Identity)>,
}

/// Tells a re-created directory from the one that was watched.
#[cfg(unix)]
type Identity = (u64, u64);
#[cfg(not(unix))]
type Identity = ();

fn identity(path: &Path) -> Option<Identity> {
    let metadata = std::fs::metadata(path).ok()?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Some((metadata.dev(), metadata.ino()))
    }
    #[cfg(not(unix))]
    {
        let _ = metadata;
        Some(())
    }
}

impl Watcher {
    /// Watches the handbook root (non-recursively) and every existing path
    /// of `watch` recursively, and sends the relevant changes to `sender`.
    pub fn start(
        root: &Path,
        watch: &[PathBuf],
        limits: &ServeLimits,
        sender: Sender<WatchMessage>,
    ) -> Result<Self, ServeError> {
        // Events carry the paths as watched; canonical paths on both sides
        // make them comparable with the root.
        let canonical_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
        let mut filter = ChangeFilter::new(&canonical_root);
        filter.set_top_level(watch.iter().filter_map(|path| {
            let relative = path.strip_prefix(root).ok()?;
            relative
                .components()
                .next()
                .map(|c| c.as_os_str().to_os_string())
        }));
        let filter = Arc::new(Mutex::new(filter));
        let handler_filter = Arc::clone(&filter);
        let handler = move |result: DebounceEventResult| {
            // A send fails only once the build thread has stopped; then
            // nobody needs the events any more.
            match result {
                Ok(events) => {
                    let (changes, rescan) = lock(&handler_filter).relevant_changes(&events);
                    if rescan {
                        let _ = sender.send(WatchMessage::Rescan);
                    }
                    if !changes.is_empty() {
                        let _ = sender.send(WatchMessage::Changes(changes));
                    }
                }
                Err(errors) => {
                    let message = errors
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join("; ");
                    let _ = sender.send(WatchMessage::Error(message));
                }
            }
        };
        let tick = debouncer_tick(limits);
        let mut debouncer = new_debouncer(limits.debounce, Some(tick), handler)
            .map_err(|error| ServeError::Watch(describe_notify_error(&error)))?;
        debouncer
            .watch(&canonical_root, RecursiveMode::NonRecursive)
            .map_err(|error| {
                ServeError::Watch(format!(
                    "{}: {}",
                    root.display(),
                    describe_notify_error(&error)
                ))
            })?;
        let mut watcher = Watcher {
            debouncer,
            root: root.to_path_buf(),
            canonical_root,
            filter,
            targets: watch
                .iter()
                .map(|path| WatchTarget {
                    path: path.clone(),
                    watched: None,
                })
                .collect(),
            print_to_terminal: limits.print_to_terminal,
        };
        watcher.refresh_targets().map_err(ServeError::Watch)?;
        Ok(watcher)
    }

    /// Brings the recursive watches in line with the disk: directories that
    /// appeared are watched, vanished ones dropped, re-created ones watched
    /// anew. Problems are printed; the next refresh tries again.
    pub fn refresh(&mut self) {
        if let Err(message) = self.refresh_targets() {
            if self.print_to_terminal {
                eprintln!("warning: file watcher: {message}");
            }
        }
    }

    fn refresh_targets(&mut self) -> Result<(), String> {
        let mut problems = Vec::new();
        for index in 0..self.targets.len() {
            let path = self.targets[index].path.clone();
            let now = path
                .canonicalize()
                .ok()
                .and_then(|canonical| identity(&canonical).map(|id| (canonical, id)));
            if now == self.targets[index].watched {
                continue;
            }
            if let Some((old, _)) = self.targets[index].watched.take() {
                // Fails when the watch already went with the directory.
                let _ = self.debouncer.unwatch(&old);
            }
            let Some((canonical, id)) = now else {
                continue;
            };
            match self.debouncer.watch(&canonical, RecursiveMode::Recursive) {
                Ok(()) => {
                    // Where the path sits in the handbook even if it is a
                    // symlink to elsewhere: "content", "templates"...
                    let inside_root = path
                        .strip_prefix(&self.root)
                        .ok()
                        .map(Path::to_path_buf)
                        .or_else(|| path.file_name().map(PathBuf::from))
                        .unwrap_or_default();
                    lock(&self.filter)
                        .add_alias(&canonical, &self.canonical_root.join(inside_root));
                    self.targets[index].watched = Some((canonical, id));
                }
                Err(error) => problems.push(format!(
                    "{}: {}",
                    path.display(),
                    describe_notify_error(&error)
                )),
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems.join("; "))
        }
    }

    /// Stops watching and waits for the debouncer's thread.
    pub fn stop(self) {
        self.debouncer.stop();
    }
}

fn lock(filter: &Mutex<ChangeFilter>) -> MutexGuard<'_, ChangeFilter> {
    filter.lock().unwrap_or_else(|poison| poison.into_inner())
}

fn describe_notify_error(error: &notify::Error) -> String {
    match &error.kind {
        notify::ErrorKind::MaxFilesWatch => "the system's limit of watched files is reached \
             (raise it with `sysctl fs.inotify.max_user_watches=524288`)"
            .to_string(),
        _ => error.to_string(),
    }
}

/// Decides which paths are worth a rebuild. Keeps the parsed ignore files
/// per directory until an ignore file itself changes.
pub(crate) struct ChangeFilter {
    root: PathBuf,
    ignore_files: HashMap<PathBuf, Gitignore>,
    /// Watched paths that resolve outside the root (a symlinked `content/`),
    /// with the path they have inside the handbook.
    aliases: Vec<(PathBuf, PathBuf)>,
    /// The names directly under the root that matter ("content",
    /// "templates", "assets"); empty means all. The root itself is watched
    /// only to see these appear and disappear.
    top_level: HashSet<OsString>,
}

impl ChangeFilter {
    pub fn new(root: &Path) -> Self {
        ChangeFilter {
            root: root.to_path_buf(),
            ignore_files: HashMap::new(),
            aliases: Vec::new(),
            top_level: HashSet::new(),
        }
    }

    /// Restricts the relevant paths to those under these top-level names.
    pub fn set_top_level(&mut self, names: impl IntoIterator<Item = OsString>) {
        self.top_level = names.into_iter().collect();
    }

    /// Records that events under `real` are about `inside_root` (the
    /// latest record for a path wins: a re-created symlink may point
    /// elsewhere).
    pub fn add_alias(&mut self, real: &Path, inside_root: &Path) {
        if real != inside_root {
            self.aliases.retain(|(_, inside)| inside != inside_root);
            self.aliases
                .push((real.to_path_buf(), inside_root.to_path_buf()));
        }
    }

    /// The path an event is about, as a path under the handbook root.
    fn in_handbook(&self, path: &Path) -> PathBuf {
        if path.starts_with(&self.root) {
            return path.to_path_buf();
        }
        for (real, inside_root) in &self.aliases {
            if let Ok(rest) = path.strip_prefix(real) {
                return inside_root.join(rest);
            }
        }
        path.to_path_buf()
    }

    /// The relevant changed paths of a batch of events (deduplicated, in
    /// order of first appearance), and whether a rescan was asked for.
    pub fn relevant_changes(&mut self, events: &[DebouncedEvent]) -> (Vec<Change>, bool) {
        let ignore_rules_changed = events
            .iter()
            .flat_map(|event| event.paths.iter())
            .any(|path| is_ignore_file(path));
        if ignore_rules_changed {
            self.ignore_files.clear();
        }
        let mut rescan = false;
        let mut seen = std::collections::HashSet::new();
        let mut changes = Vec::new();
        for event in events {
            if event.need_rescan() {
                rescan = true;
            }
            if !changes_content(&event.kind) {
                continue;
            }
            for path in &event.paths {
                if !seen.insert(path.clone()) {
                    continue;
                }
                if let Some(kind) = self.classify(path) {
                    changes.push(Change {
                        path: path.clone(),
                        display: self.display(path),
                        kind,
                    });
                }
            }
        }
        (changes, rescan)
    }

    /// `None` if a change to `path` cannot change the site.
    pub fn classify(&mut self, path: &Path) -> Option<ChangeKind> {
        let path = &self.in_handbook(path);
        let relative = path.strip_prefix(&self.root).unwrap_or(path);
        let mut components = relative
            .components()
            .filter_map(|component| match component {
                Component::Normal(name) => Some(name.to_string_lossy()),
                _ => None,
            });
        let top = components.next()?.into_owned();
        if top == "site" {
            return None;
        }
        if !self.top_level.is_empty() && !self.top_level.contains(&OsString::from(&top)) {
            return None;
        }
        let name = path.file_name()?.to_string_lossy().into_owned();
        if is_editor_temporary(&name) {
            return None;
        }
        let mut names = std::iter::once(top.clone()).chain(components.map(|c| c.into_owned()));
        let hidden = names.any(|part| part.starts_with('.'));
        if hidden {
            let parent_hidden = relative
                .parent()
                .map(|parent| {
                    parent
                        .components()
                        .any(|c| c.as_os_str().to_string_lossy().starts_with('.'))
                })
                .unwrap_or(false);
            return (!parent_hidden && is_ignore_file(path)).then_some(ChangeKind::IgnoreRules);
        }
        if self.is_git_ignored(path) {
            return None;
        }
        Some(match top.as_str() {
            "content" if relative == Path::new("content/orr.yaml") => ChangeKind::Config,
            "content" => ChangeKind::Content,
            "templates" => ChangeKind::Template,
            "assets" => ChangeKind::Asset,
            _ => ChangeKind::Other,
        })
    }

    /// Whether the `.gitignore` / `.ignore` files of the directories from
    /// the path's own up to the root ignore it; the deepest file with a
    /// matching rule decides, and `.ignore` rules win over `.gitignore`
    /// rules of the same directory, as in the `ignore` crate's walker.
    fn is_git_ignored(&mut self, path: &Path) -> bool {
        if !path.starts_with(&self.root) {
            return false;
        }
        let is_dir = path.is_dir();
        let mut directory = path.parent();
        while let Some(dir) = directory {
            if !dir.starts_with(&self.root) {
                break;
            }
            let Ok(relative) = path.strip_prefix(dir) else {
                break;
            };
            let matcher = self
                .ignore_files
                .entry(dir.to_path_buf())
                .or_insert_with(|| load_ignore_files(dir));
            let verdict = matcher.matched_path_or_any_parents(relative, is_dir);
            if verdict.is_ignore() {
                return true;
            }
            if verdict.is_whitelist() {
                return false;
            }
            directory = dir.parent();
        }
        false
    }

    fn display(&self, path: &Path) -> String {
        let path = self.in_handbook(path);
        path.strip_prefix(&self.root)
            .unwrap_or(&path)
            .display()
            .to_string()
    }
}

/// A directory's `.gitignore` then `.ignore` (later rules win); empty when
/// there are none or they cannot be read.
fn load_ignore_files(dir: &Path) -> Gitignore {
    let mut builder = GitignoreBuilder::new(dir);
    for name in [".gitignore", ".ignore"] {
        let file = dir.join(name);
        if file.is_file() {
            // A malformed line is skipped by the builder; the rest still applies.
            let _ = builder.add(file);
        }
    }
    builder.build().unwrap_or_else(|_| Gitignore::empty())
}

fn is_ignore_file(path: &Path) -> bool {
    matches!(
        path.file_name().and_then(|name| name.to_str()),
        Some(".gitignore" | ".ignore")
    )
}

/// Whether an event can have changed a file's content or existence. Opening
/// and reading files (which every build does) and access-time updates do
/// not; finishing a write, creating, modifying, renaming and removing do.
fn changes_content(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime)) => false,
        EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_) | EventKind::Any => true,
        EventKind::Other => false,
    }
}

/// Files that editors and tools write next to the real one while saving,
/// or leave behind as backups or locks.
pub(crate) fn is_editor_temporary(name: &str) -> bool {
    const SUFFIXES: &[&str] = &[
        "~",            // Emacs, Vim, gedit backups
        ".swp",         // Vim swap files
        ".swo",         // Vim swap files
        ".swn",         // Vim swap files
        ".swx",         // Vim swap files
        ".tmp",         // many tools' write-then-rename temporaries
        ".bak",         // backups
        ".kate-swp",    // Kate swap files
        ".crswap",      // browsers' File System Access temporaries
        "___jb_tmp___", // JetBrains safe write
        "___jb_old___", // JetBrains safe write
    ];
    name == "4913" // Vim's probe for whether the directory is writable
        || name.starts_with(".#") // Emacs lock files
        || (name.len() > 1 && name.starts_with('#') && name.ends_with('#')) // Emacs auto-saves
        || SUFFIXES.iter().any(|suffix| name.ends_with(suffix))
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{CreateKind, DataChange, RenameMode};
    use notify::Event;

    #[test]
    fn editor_temporaries_are_recognised() {
        for name in [
            "checkout.yaml~",
            ".checkout.yaml.swp",
            ".checkout.yaml.swx",
            "4913",
            ".#checkout.yaml",
            "#checkout.yaml#",
            "checkout.yaml.tmp",
            ".checkout.yaml.kate-swp",
            "checkout.yaml___jb_tmp___",
            "checkout.yaml___jb_old___",
            "checkout.yaml.bak",
        ] {
            assert!(is_editor_temporary(name), "{name}");
        }
        for name in [
            "checkout.yaml",
            "capacity.md",
            "style.css",
            "#",
            "tmp.md",
            "49133",
        ] {
            assert!(!is_editor_temporary(name), "{name}");
        }
    }

    fn handbook() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        for sub in [
            "content/services",
            "content/drafts",
            "templates",
            "assets",
            "site",
        ] {
            std::fs::create_dir_all(dir.path().join(sub)).unwrap_or_else(|e| panic!("{e}"));
        }
        std::fs::write(
            dir.path().join(".gitignore"),
            "*.generated.yaml\n/content/drafts/\n",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(
            dir.path().join("content/.ignore"),
            "scratch.md\n!keep.generated.yaml\n",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        dir
    }

    #[test]
    fn paths_are_classified_by_where_they_live() {
        let dir = handbook();
        let root = dir.path().canonicalize().unwrap_or_else(|e| panic!("{e}"));
        let mut filter = ChangeFilter::new(&root);
        let kind =
            |filter: &mut ChangeFilter, relative: &str| filter.classify(&root.join(relative));
        assert_eq!(
            kind(&mut filter, "content/services/checkout.yaml"),
            Some(ChangeKind::Content)
        );
        assert_eq!(
            kind(&mut filter, "content/orr.yaml"),
            Some(ChangeKind::Config)
        );
        assert_eq!(
            kind(&mut filter, "templates/page.html"),
            Some(ChangeKind::Template)
        );
        assert_eq!(
            kind(&mut filter, "assets/style.css"),
            Some(ChangeKind::Asset)
        );
        assert_eq!(
            kind(&mut filter, "content/.gitignore"),
            Some(ChangeKind::IgnoreRules)
        );
        assert_eq!(kind(&mut filter, "site/index.html"), None);
        assert_eq!(
            kind(&mut filter, "content/services/.checkout.yaml.swp"),
            None
        );
        assert_eq!(kind(&mut filter, "content/services/checkout.yaml~"), None);
        assert_eq!(kind(&mut filter, "content/.hidden/x.md"), None);
        assert_eq!(kind(&mut filter, ".git/index"), None);
        assert_eq!(kind(&mut filter, "content/.git/.gitignore"), None);
    }

    #[test]
    fn ignore_files_are_honoured_from_the_root_down() {
        let dir = handbook();
        let root = dir.path().canonicalize().unwrap_or_else(|e| panic!("{e}"));
        let mut filter = ChangeFilter::new(&root);
        let mut kind = |relative: &str| filter.classify(&root.join(relative));
        assert_eq!(kind("content/services/x.generated.yaml"), None);
        assert_eq!(kind("content/drafts/new.md"), None);
        assert_eq!(kind("content/scratch.md"), None);
        assert_eq!(kind("content/services/scratch.md"), None);
        // A deeper `!` rule re-includes what a shallower rule ignored.
        assert_eq!(
            kind("content/keep.generated.yaml"),
            Some(ChangeKind::Content)
        );
        assert_eq!(
            kind("content/services/real.yaml"),
            Some(ChangeKind::Content)
        );
    }

    #[test]
    fn a_symlinked_directory_is_judged_by_its_place_in_the_handbook() {
        let dir = handbook();
        let root = dir.path().canonicalize().unwrap_or_else(|e| panic!("{e}"));
        let other = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        // Outside the root, under a hidden directory: judged as content/.
        let elsewhere = other.path().join(".local/hb-content");
        let mut filter = ChangeFilter::new(&root);
        filter.add_alias(&elsewhere, &root.join("content"));
        let change = elsewhere.join("services/checkout.yaml");
        assert_eq!(filter.classify(&change), Some(ChangeKind::Content));
        assert_eq!(filter.display(&change), "content/services/checkout.yaml");
        assert_eq!(filter.classify(&elsewhere.join("scratch.md")), None);
    }

    fn event(kind: EventKind, paths: &[&Path]) -> DebouncedEvent {
        let mut event = Event::new(kind);
        for path in paths {
            event = event.add_path(path.to_path_buf());
        }
        DebouncedEvent::new(event, Instant::now())
    }

    #[test]
    fn an_atomic_save_is_one_change_of_the_real_file() {
        let dir = handbook();
        let root = dir.path().canonicalize().unwrap_or_else(|e| panic!("{e}"));
        let mut filter = ChangeFilter::new(&root);
        let temporary = root.join("content/services/.checkout.yaml.tmp");
        let real = root.join("content/services/checkout.yaml");
        let events = [
            event(EventKind::Create(CreateKind::File), &[&temporary]),
            event(
                EventKind::Modify(ModifyKind::Data(DataChange::Any)),
                &[&temporary],
            ),
            event(
                EventKind::Modify(ModifyKind::Name(RenameMode::Both)),
                &[&temporary, &real],
            ),
        ];
        let (changes, rescan) = filter.relevant_changes(&events);
        assert!(!rescan);
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].path, real);
        assert_eq!(changes[0].display, "content/services/checkout.yaml");
    }

    #[test]
    fn reading_files_is_not_a_change_but_an_overflow_is_a_rescan() {
        let dir = handbook();
        let root = dir.path().canonicalize().unwrap_or_else(|e| panic!("{e}"));
        let mut filter = ChangeFilter::new(&root);
        let file = root.join("content/services/checkout.yaml");
        let events = [
            event(
                EventKind::Access(AccessKind::Open(AccessMode::Read)),
                &[&file],
            ),
            event(
                EventKind::Access(AccessKind::Close(AccessMode::Read)),
                &[&file],
            ),
        ];
        assert_eq!(filter.relevant_changes(&events), (Vec::new(), false));

        let overflow = DebouncedEvent::new(
            Event::new(EventKind::Other).set_flag(notify::event::Flag::Rescan),
            Instant::now(),
        );
        let (changes, rescan) = filter.relevant_changes(&[overflow]);
        assert!(changes.is_empty());
        assert!(rescan);
    }

    #[test]
    fn changes_during_a_build_are_merged_into_one_batch() {
        let (sender, receiver) = std::sync::mpsc::channel();
        let limits = ServeLimits {
            settle: Duration::from_millis(20),
            print_to_terminal: false,
            ..ServeLimits::default()
        };
        let change = |name: &str| Change {
            path: PathBuf::from(name),
            display: name.to_string(),
            kind: ChangeKind::Content,
        };
        // Three batches queued while "a build ran", one path twice.
        for names in [["a", "b"], ["b", "c"], ["d", "a"]] {
            let _ = sender.send(WatchMessage::Changes(
                names.iter().map(|n| change(n)).collect(),
            ));
        }
        let batch = collect_batch(&receiver, &limits).unwrap_or_default();
        let names: Vec<_> = batch.changes.iter().map(|c| c.display.as_str()).collect();
        assert_eq!(names, ["a", "b", "c", "d"]);
        let _ = sender.send(WatchMessage::Stop);
        assert!(collect_batch(&receiver, &limits).is_none());
    }
}
