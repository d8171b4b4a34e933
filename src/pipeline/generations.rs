//! What the memos of `orr serve` share: results kept by name from the last
//! rebuild, and those the current rebuild used, which become the kept ones
//! when it ends. A result the current rebuild did not ask for is dropped.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};

/// See the module documentation.
pub(super) struct Generations<V> {
    previous: Mutex<HashMap<String, V>>,
    current: Mutex<HashMap<String, V>>,
    /// Results made afresh since [`Generations::begin`].
    fresh: AtomicUsize,
}

impl<V> Default for Generations<V> {
    fn default() -> Self {
        Generations {
            previous: Mutex::default(),
            current: Mutex::default(),
            fresh: AtomicUsize::new(0),
        }
    }
}

impl<V: Clone> Generations<V> {
    /// Starts a rebuild; with `forget`, nothing kept may be reused.
    pub(super) fn begin(&self, forget: bool) {
        if forget {
            lock(&self.previous).clear();
        }
        lock(&self.current).clear();
        self.fresh.store(0, Ordering::Relaxed);
    }

    /// Ends a rebuild: what it used is what the next one may reuse. Returns
    /// how many results it made afresh.
    pub(super) fn end(&self) -> usize {
        let current = std::mem::take(&mut *lock(&self.current));
        *lock(&self.previous) = current;
        self.fresh.load(Ordering::Relaxed)
    }

    /// The result named `name`: the kept one when `still_valid` says so,
    /// else `make`'s.
    pub(super) fn get(
        &self,
        name: &str,
        still_valid: impl Fn(&V) -> bool,
        make: impl FnOnce() -> V,
    ) -> V {
        let kept = lock(&self.previous)
            .get(name)
            .filter(|v| still_valid(v))
            .cloned();
        let value = kept.unwrap_or_else(|| {
            self.fresh.fetch_add(1, Ordering::Relaxed);
            make()
        });
        lock(&self.current).insert(name.to_string(), value.clone());
        value
    }
}

pub(super) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poison| poison.into_inner())
}
