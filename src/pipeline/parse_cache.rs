//! The parse cache of `orr serve`: each file's parse kept from one rebuild to
//! the next, so a rebuild after an edit parses only the files whose text
//! changed (YAML parsing is most of a large handbook's load).
//!
//! An entry is keyed by the file's path under `content/` and reused only when
//! the text just read is byte for byte the text it was parsed from, so the
//! result is exactly what a fresh parse would give: no timestamps are trusted.
//! Entries of files that were not read in the last rebuild are dropped.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use super::service_memo::Context;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::load::{parse_file, FileText, Kind, Parsed, Sources};

/// One file's parse: the text it was made from, the result and its diagnostics.
struct Memo {
    /// Unique among the parses of one cache, never 0.
    id: u64,
    kind: Kind,
    /// The text, kept here only when the parse kept nothing: a parse holds
    /// its file's text, and a second copy of every text was 150 MB at
    /// 5,000 services.
    unparsed_text: Option<String>,
    parsed: Option<Parsed>,
    diagnostics: Vec<Diagnostic>,
}

impl Memo {
    /// The text the parse was made from.
    fn text(&self) -> &str {
        match (&self.parsed, &self.unparsed_text) {
            (Some(parsed), _) => parsed.text(),
            (None, Some(text)) => text,
            (None, None) => "",
        }
    }
}

/// Parses kept by path; see the module documentation.
#[derive(Default)]
pub struct ParseCache {
    /// What the previous load parsed.
    previous: Mutex<HashMap<String, Arc<Memo>>>,
    /// What the current load has parsed or reused so far.
    current: Mutex<HashMap<String, Arc<Memo>>>,
    /// The id of the last parse made.
    last_id: AtomicU64,
}

/// How many files the last rebuild parsed and reused, how many service
/// files it checked afresh (see [`super::ServiceMemo`]) and how many
/// services' own rulings it judged afresh (see [`super::RulingMemo`]).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct CacheUse {
    pub parsed: usize,
    pub reused: usize,
    pub services_checked: usize,
    pub services_judged: usize,
}

impl ParseCache {
    /// Loads the handbook under `root` as [`crate::load::load`] does,
    /// parsing only the files whose text changed since the last call.
    pub fn load(&self, root: &std::path::Path, diags: &mut Diagnostics) -> (Sources, CacheUse) {
        lock(&self.current).clear();
        let sources = crate::load::load_with(root, diags, &|kind, rel, source, local| {
            self.parse(kind, rel, source, local)
        });
        let current = std::mem::take(&mut *lock(&self.current));
        let mut previous = lock(&self.previous);
        let reused = current
            .iter()
            .filter(|(rel, memo)| previous.get(*rel).is_some_and(|old| Arc::ptr_eq(old, memo)))
            .count();
        let counts = CacheUse {
            parsed: current.len() - reused,
            reused,
            services_checked: 0,
            services_judged: 0,
        };
        *previous = current;
        (sources, counts)
    }

    /// What the last load read, service files' text left out: two loads
    /// with the same context differ in the text of service files only.
    pub fn context(&self) -> Context {
        let mut files: Vec<(String, u64)> = lock(&self.previous)
            .iter()
            .map(|(rel, memo)| {
                let id = if memo.kind == Kind::Service {
                    0
                } else {
                    memo.id
                };
                (rel.clone(), id)
            })
            .collect();
        files.sort_unstable();
        Context {
            files,
            base_url: None,
        }
    }

    /// The parse of one file: the memo when its text is unchanged, else a fresh one.
    fn parse(
        &self,
        kind: Kind,
        rel: &str,
        file: FileText,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<Parsed> {
        let kept = lock(&self.previous)
            .get(rel)
            .filter(|memo| memo.kind == kind && memo.text() == file.text)
            .cloned();
        let memo = match kept {
            Some(memo) => memo,
            None => {
                // A parse holds the text it was made from (should one ever
                // hold another, the next comparison misses and parses
                // again); the copy is kept only when there is no parse.
                let text = file.text.clone();
                let mut diagnostics = Vec::new();
                let parsed = parse_file(kind, rel, file.into_source(), &mut diagnostics);
                let unparsed_text = parsed.is_none().then_some(text);
                Arc::new(Memo {
                    id: self.last_id.fetch_add(1, Ordering::Relaxed) + 1,
                    kind,
                    unparsed_text,
                    parsed,
                    diagnostics,
                })
            }
        };
        diags.extend(memo.diagnostics.iter().cloned());
        let parsed = memo.parsed.clone();
        lock(&self.current).insert(rel.to_string(), memo);
        parsed
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poison| poison.into_inner())
}
