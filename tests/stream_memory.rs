//! `orr build` streams its site to disk: the bytes it holds while building
//! do not grow with the output. Measured in-process with a counting
//! allocator (allocated bytes, not RSS, so the figure does not depend on the
//! machine or the allocator); this file holds one test so that nothing else
//! allocates while it measures.

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use orr::pipeline::{Built, Engine, Options};

/// The system allocator, counting the bytes live and their peak.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(by: usize) {
    let live = LIVE.fetch_add(by, Ordering::Relaxed) + by;
    PEAK.fetch_max(live, Ordering::Relaxed);
}

// SAFETY: every call is forwarded to `System` unchanged; only counters are added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        grew(layout.size());
        System.alloc(layout)
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        System.dealloc(ptr, layout)
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        grew(new_size);
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        System.realloc(ptr, layout, new_size)
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// The most bytes live at once while `f` ran, beyond those live before.
fn peak_during<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let value = f();
    (value, PEAK.load(Ordering::Relaxed).saturating_sub(before))
}

/// A handbook whose site is large next to its sources: every service page
/// lists every question, every question page lists every service.
fn organisation(root: &Path, services: usize, questions: usize) {
    let content = root.join("content");
    for dir in ["questions", "services", "handbook"] {
        std::fs::create_dir_all(content.join(dir)).unwrap();
    }
    std::fs::write(content.join("orr.yaml"), "title: Generated\n").unwrap();
    std::fs::write(
        content.join("handbook/intro.md"),
        "---\ntitle: Intro\n---\nHello.\n",
    )
    .unwrap();
    let mut bank = String::from("---\ntitle: Capacity\norder: 1\nasks: How much?\n---\nIntro.\n");
    for q in 0..questions {
        bank.push_str(&format!(
            "\n## Is limit {q} known? {{#cap-{q} level=required}}\n\nMeasure limit {q} and write it down.\n"
        ));
    }
    std::fs::write(content.join("questions/capacity.md"), bank).unwrap();
    for s in 0..services {
        std::fs::write(
            content.join(format!("services/svc-{s:04}.yaml")),
            format!(
                "title: Service {s}\nowner: team-{t}\ntier: 2\nsummary: Generated.\n\
                 answers:\n  cap-0: {{status: yes, evidence: https://wiki.example/{s}}}\n",
                t = s % 7
            ),
        )
        .unwrap();
    }
}

fn tree_bytes(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| {
            let entry = entry.unwrap();
            let meta = entry.metadata().unwrap();
            if meta.is_dir() {
                tree_bytes(&entry.path())
            } else {
                meta.len()
            }
        })
        .sum()
}

#[test]
fn the_build_holds_a_small_part_of_its_site_at_any_time() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("handbook");
    organisation(&root, 400, 60);
    let options = Options {
        root: root.clone(),
        today: "2026-11-23".parse().unwrap(),
        base_url: None,
    };
    let engine = Engine::new();
    let (checked, judging) = peak_during(|| engine.judge(&options));
    assert!(
        !checked.diagnostics.has_errors(),
        "{}",
        checked.diagnostics.render()
    );
    drop(checked);

    let out = dir.path().join("site");
    let (built, building) = peak_during(|| engine.build_to_disk(&options, &out, false, |_| {}));
    assert!(matches!(built, Ok(Built::Written { .. })), "{built:?}");
    let site = tree_bytes(&out) as usize;
    // Holding the site would cost all of it on top of the judged handbook;
    // streaming costs the pages being rendered, plus the rows shared by
    // many pages.
    assert!(
        building < judging + site / 2,
        "building peaked at {building} bytes; judging at {judging}; the site is {site} bytes"
    );
}
