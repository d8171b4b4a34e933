//! The site of `orr serve`: the judged handbook and the compiled templates,
//! kept instead of the rendered bytes. The set of paths is known at once
//! (cheap: names only); a page is rendered the first time it is asked for
//! and kept in a bounded cache until the next rebuild replaces the whole
//! [`LazySite`]. A page renders to the same bytes as `build` writes.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::analyze::Assessment;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::Handbook;
use crate::source::SourceFile;

use super::fragments::Fragments;
use super::pages::{self, PageJob};
use super::{api, render_job, static_files, templates};

/// Rendered bytes kept per site; past this the cache starts over, so a
/// crawl of a large organisation's preview cannot grow without end.
const CACHE_BUDGET_BYTES: usize = 256 << 20;

/// What a path of the site is made from.
enum Entry {
    /// `jobs[i]`.
    Page(usize),
    /// The data file of `handbook.services[i]`.
    ServiceData(usize),
    /// A site-wide data file (`api/services.json`, `waivers.csv`...).
    SharedData,
    /// A stylesheet or a handbook asset, as is.
    Static(Arc<[u8]>),
}

/// The judged handbook and what it is judged to be.
struct Judged {
    handbook: Handbook,
    assessment: Assessment,
}

self_cell::self_cell!(
    /// The judged handbook with the rows and indexes made from it, which
    /// borrow it: kept together for as long as the site is served.
    struct JudgedSite {
        owner: Judged,
        #[covariant]
        dependent: Fragments,
    }
);

/// A judged handbook ready to render any page of its site on demand.
pub struct LazySite {
    judged: JudgedSite,
    template_overrides: Vec<SourceFile>,
    tera: tera::Tera,
    jobs: Vec<PageJob>,
    entries: HashMap<String, Entry>,
    cache: Mutex<Cache>,
    /// When the files it was made from had all been read.
    read_at: Option<std::time::Instant>,
}

#[derive(Default)]
struct Cache {
    files: HashMap<String, Arc<[u8]>>,
    bytes: usize,
}

impl LazySite {
    /// Compiles the templates and lists the site's paths, rendering nothing.
    /// `None` (with diagnostics) when the templates do not compile.
    pub fn new(
        handbook: Handbook,
        assessment: Assessment,
        template_overrides: Vec<SourceFile>,
        assets: &[(String, Vec<u8>)],
        diags: &mut Diagnostics,
    ) -> Option<LazySite> {
        let tera = templates::load(&template_overrides, &handbook, &assessment, diags)?;
        let jobs = pages::all(&handbook, &assessment);
        let mut entries = HashMap::new();
        for (i, job) in jobs.iter().enumerate() {
            entries.insert(job.path(&handbook), Entry::Page(i));
        }
        for i in 0..handbook.services.len() {
            let path = crate::urls::service_json(&handbook.services[i].name);
            entries.insert(path, Entry::ServiceData(i));
        }
        for path in api::SHARED_FILES {
            entries.insert(path.to_string(), Entry::SharedData);
        }
        for (path, bytes) in static_files(&handbook, &assessment, assets) {
            entries.insert(path, Entry::Static(bytes.into()));
        }
        let judged = JudgedSite::new(
            Judged {
                handbook,
                assessment,
            },
            |j| Fragments::new(&j.handbook, &j.assessment),
        );
        Some(LazySite {
            judged,
            template_overrides,
            tera,
            jobs,
            entries,
            cache: Mutex::default(),
            read_at: None,
        })
    }

    /// The site, noting when the files it was made from had all been read.
    pub fn files_read_at(self, read_at: Option<std::time::Instant>) -> LazySite {
        LazySite { read_at, ..self }
    }

    /// When the files it was made from had all been read, if known.
    pub fn read_at(&self) -> Option<std::time::Instant> {
        self.read_at
    }

    /// Whether the site has a file at `path` (`services/x/index.html`).
    pub fn contains(&self, path: &str) -> bool {
        self.entries.contains_key(path)
    }

    /// How many files the site has.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The judged handbook the site shows.
    pub fn handbook(&self) -> &Handbook {
        &self.judged.borrow_owner().handbook
    }

    /// The bytes of the file at `path`, rendered now unless cached; `None`
    /// when the site has no such file, `Err` when its template fails.
    pub fn get(&self, path: &str) -> Option<Result<Arc<[u8]>, Box<Diagnostic>>> {
        let entry = self.entries.get(path)?;
        if let Entry::Static(bytes) = entry {
            return Some(Ok(Arc::clone(bytes)));
        }
        if let Some(bytes) = self.lock_cache().files.get(path) {
            return Some(Ok(Arc::clone(bytes)));
        }
        // Rendered outside the lock: requests for other pages go on meanwhile.
        let bytes: Arc<[u8]> = match self.make(entry, path) {
            Ok(bytes) => bytes.into(),
            Err(diagnostic) => return Some(Err(Box::new(diagnostic))),
        };
        self.remember(path, &bytes);
        Some(Ok(bytes))
    }

    fn make(&self, entry: &Entry, path: &str) -> Result<Vec<u8>, Diagnostic> {
        let judged = self.judged.borrow_owner();
        let (h, a) = (&judged.handbook, &judged.assessment);
        match entry {
            Entry::Page(i) => {
                let mut bytes = Vec::new();
                render_job(
                    self.jobs[*i],
                    h,
                    a,
                    self.judged.borrow_dependent(),
                    &self.tera,
                    &self.template_overrides,
                    &mut bytes,
                )?;
                Ok(bytes)
            }
            Entry::ServiceData(i) => Ok(api::service_file(h, a, *i).1),
            Entry::SharedData => Ok(api::shared_file(h, a, path).unwrap_or_default()),
            Entry::Static(bytes) => Ok(bytes.to_vec()),
        }
    }

    fn remember(&self, path: &str, bytes: &Arc<[u8]>) {
        let mut cache = self.lock_cache();
        if cache.bytes + bytes.len() > CACHE_BUDGET_BYTES {
            *cache = Cache::default();
        }
        cache.bytes += bytes.len();
        if let Some(old) = cache.files.insert(path.to_string(), Arc::clone(bytes)) {
            cache.bytes -= old.len();
        }
    }

    fn lock_cache(&self) -> std::sync::MutexGuard<'_, Cache> {
        // A poisoned cache only lost what a panicking thread was adding.
        self.cache
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
    }

    /// Every path of the site, sorted.
    pub fn paths(&self) -> Vec<&str> {
        let mut paths: Vec<&str> = self.entries.keys().map(String::as_str).collect();
        paths.sort_unstable();
        paths
    }
}
