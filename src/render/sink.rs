//! Where rendered files go, each as soon as it is rendered: onto disk (the
//! staging directory of `build`), into memory (tests, `Engine::build`), or
//! nowhere (`check`, which only wants to know that rendering succeeds).
//!
//! A sink is shared by the rendering threads, so `build` never holds more of
//! the site than the pages being rendered at that moment.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use super::Site;

/// Takes each file of the site as it is rendered. Paths are relative, with
/// `/` separators (`services/checkout/index.html`), each written once.
pub trait Sink: Sync {
    fn put(&self, path: String, bytes: Vec<u8>) -> io::Result<()>;

    /// The file at `path`, made by `write` into the writer it is handed. A
    /// sink that writes files streams the bytes there, so a page is never
    /// held whole (the dashboard of 5,000 services is 38 MB); by default
    /// they are collected and [`Sink::put`]. The writer is not buffered:
    /// `write` hands it large pieces (each caller gathers its own, behind a
    /// concrete writer, rather than paying a virtual call per small piece).
    fn stream(
        &self,
        path: String,
        write: &mut dyn FnMut(&mut dyn Write) -> io::Result<()>,
    ) -> io::Result<()> {
        let mut bytes = Vec::new();
        write(&mut bytes)?;
        self.put(path, bytes)
    }
}

/// How many files, and of those how many HTML pages, a sink took.
#[derive(Debug, Default)]
pub struct Tally {
    files: AtomicUsize,
    pages: AtomicUsize,
}

impl Tally {
    fn count(&self, path: &str) {
        self.files.fetch_add(1, Ordering::Relaxed);
        if path.ends_with(".html") {
            self.pages.fetch_add(1, Ordering::Relaxed);
        }
    }

    pub fn files(&self) -> usize {
        self.files.load(Ordering::Relaxed)
    }

    pub fn pages(&self) -> usize {
        self.pages.load(Ordering::Relaxed)
    }
}

/// Writes each file under a directory, making its parent directories.
#[derive(Debug)]
pub struct DiskSink {
    dir: PathBuf,
    pub tally: Tally,
}

impl DiskSink {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        DiskSink {
            dir: dir.into(),
            tally: Tally::default(),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

impl DiskSink {
    /// Where `path` goes, its directories made.
    fn file_for(&self, path: &str) -> io::Result<PathBuf> {
        let file = self.dir.join(path);
        if let Some(parent) = file.parent() {
            fs::create_dir_all(parent).map_err(|e| naming(&file, e))?;
        }
        Ok(file)
    }
}

/// `e`, saying which file it happened to.
fn naming(file: &Path, e: io::Error) -> io::Error {
    io::Error::new(e.kind(), format!("{}: {e}", file.display()))
}

impl Sink for DiskSink {
    fn put(&self, path: String, bytes: Vec<u8>) -> io::Result<()> {
        let file = self.file_for(&path)?;
        fs::write(&file, bytes).map_err(|e| naming(&file, e))?;
        self.tally.count(&path);
        Ok(())
    }

    fn stream(
        &self,
        path: String,
        write: &mut dyn FnMut(&mut dyn Write) -> io::Result<()>,
    ) -> io::Result<()> {
        let file = self.file_for(&path)?;
        let mut out = File::create(&file).map_err(|e| naming(&file, e))?;
        write(&mut out)?;
        self.tally.count(&path);
        Ok(())
    }
}

/// Collects the site in memory.
#[derive(Debug, Default)]
pub struct MemorySink {
    site: Mutex<Site>,
}

impl MemorySink {
    pub fn into_site(self) -> Site {
        self.site
            .into_inner()
            .unwrap_or_else(|poison| poison.into_inner())
    }
}

impl Sink for MemorySink {
    fn put(&self, path: String, bytes: Vec<u8>) -> io::Result<()> {
        self.site
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
            .insert(path, bytes);
        Ok(())
    }
}

/// Drops every file: rendering for its errors alone.
#[derive(Debug, Default)]
pub struct NullSink;

impl Sink for NullSink {
    fn put(&self, _path: String, _bytes: Vec<u8>) -> io::Result<()> {
        Ok(())
    }

    fn stream(
        &self,
        _path: String,
        write: &mut dyn FnMut(&mut dyn Write) -> io::Result<()>,
    ) -> io::Result<()> {
        write(&mut io::sink())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_disk_sink_makes_directories_and_counts_pages() {
        let tmp = tempfile::tempdir().unwrap();
        let sink = DiskSink::new(tmp.path());
        sink.put("a/b/index.html".into(), b"page".to_vec()).unwrap();
        sink.put("api/x.json".into(), b"{}".to_vec()).unwrap();
        assert_eq!(
            fs::read(tmp.path().join("a/b/index.html")).unwrap(),
            b"page"
        );
        assert_eq!((sink.tally.files(), sink.tally.pages()), (2, 1));
    }

    #[test]
    fn the_memory_sink_keeps_every_file() {
        let sink = MemorySink::default();
        sink.put("b.html".into(), b"2".to_vec()).unwrap();
        sink.put("a.html".into(), b"1".to_vec()).unwrap();
        let site = sink.into_site();
        assert_eq!(site.keys().collect::<Vec<_>>(), ["a.html", "b.html"]);
    }

    #[test]
    fn a_streamed_file_is_written_as_it_is_made_and_counted_once_whole() {
        let tmp = tempfile::tempdir().unwrap();
        let sink = DiskSink::new(tmp.path());
        sink.stream("a/index.html".into(), &mut |out| {
            out.write_all(b"one, ")?;
            out.write_all(b"two")
        })
        .unwrap();
        assert_eq!(
            fs::read(tmp.path().join("a/index.html")).unwrap(),
            b"one, two"
        );
        let failed = sink.stream("b/index.html".into(), &mut |_| Err(io::Error::other("no")));
        assert_eq!(failed.unwrap_err().to_string(), "no");
        assert_eq!((sink.tally.files(), sink.tally.pages()), (1, 1));
    }
}
