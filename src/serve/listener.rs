//! Accepting connections: one thread per connection, and a bounded number
//! of them. When all slots are taken, a new connection evicts the one that
//! has waited longest for a request head (an idle keep-alive connection or
//! a slow sender), so idle connections can never lock readers out; if every
//! slot is busy answering, the new connection is closed at once.
//!
//! The accept loop survives everything a client or the system can do to
//! it: accept errors (out of descriptors, aborted connections) are waited
//! out, a thread that cannot be started costs only that connection, and
//! should the loop itself ever panic it is started again on the same
//! socket.

use std::collections::HashMap;
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread;
use std::time::{Duration, Instant};

use super::connection;
use super::Shared;

/// How long the accept loop pauses after an accept error, so that running
/// out of descriptors is not a busy loop while connections close.
const ACCEPT_ERROR_PAUSE: Duration = Duration::from_millis(50);

/// The open connections, for the bound, eviction and shutdown.
#[derive(Debug, Default)]
pub(crate) struct Connections {
    slots: Mutex<Slots>,
}

#[derive(Debug, Default)]
struct Slots {
    next_id: u64,
    open: HashMap<u64, Slot>,
}

#[derive(Debug)]
struct Slot {
    stream: Arc<TcpStream>,
    /// Since when the connection waits for a request head; `None` while it
    /// is answering (or streaming live-reload events).
    waiting_since: Option<Instant>,
    /// Shut down to make room; its thread is ending.
    evicted: bool,
}

/// A connection's place in [`Connections`]; dropping it frees the slot.
pub(crate) struct SlotGuard<'a> {
    connections: &'a Connections,
    id: u64,
}

impl SlotGuard<'_> {
    /// Marks the connection as waiting for a head (evictable) or not.
    pub fn set_waiting(&self, waiting: bool) {
        if let Some(slot) = self.connections.lock().open.get_mut(&self.id) {
            slot.waiting_since = waiting.then(Instant::now);
        }
    }
}

impl Drop for SlotGuard<'_> {
    fn drop(&mut self) {
        self.connections.lock().open.remove(&self.id);
    }
}

impl Connections {
    fn lock(&self) -> MutexGuard<'_, Slots> {
        self.slots
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
    }

    /// Connections open now (evicted ones until their thread ends).
    pub fn count(&self) -> usize {
        self.lock().open.len()
    }

    /// Takes a slot for `stream`, evicting the longest-waiting idle
    /// connection if all are taken; `None` if every slot is busy.
    fn admit(&self, stream: &Arc<TcpStream>, max: usize) -> Option<u64> {
        let mut slots = self.lock();
        let live = slots.open.values().filter(|slot| !slot.evicted).count();
        if live >= max.max(1) {
            let oldest = slots
                .open
                .iter_mut()
                .filter(|(_, slot)| !slot.evicted)
                .filter_map(|(id, slot)| slot.waiting_since.map(|since| (since, *id, slot)))
                .min_by_key(|(since, id, _)| (*since, *id));
            let (_, _, slot) = oldest?;
            slot.evicted = true;
            // Its blocked read returns at once; the thread then ends.
            let _ = slot.stream.shutdown(Shutdown::Both);
        }
        let id = slots.next_id;
        slots.next_id += 1;
        slots.open.insert(
            id,
            Slot {
                stream: Arc::clone(stream),
                waiting_since: Some(Instant::now()),
                evicted: false,
            },
        );
        Some(id)
    }

    fn guard(&self, id: u64) -> SlotGuard<'_> {
        SlotGuard {
            connections: self,
            id,
        }
    }

    /// Shuts every connection down (server stopping).
    pub fn close_all(&self) {
        for slot in self.lock().open.values() {
            let _ = slot.stream.shutdown(Shutdown::Both);
        }
    }
}

/// Starts the accept thread: accepts until the server stops, restarting
/// the loop if it ever panics.
pub(crate) fn spawn_acceptor(
    listener: TcpListener,
    shared: Arc<Shared>,
) -> std::io::Result<thread::JoinHandle<()>> {
    thread::Builder::new()
        .name("orr-accept".to_string())
        .spawn(move || loop {
            let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                accept_connections(&listener, &shared);
            }));
            if shared.stopping.load(Ordering::SeqCst) {
                return;
            }
            if run.is_err() && shared.limits.print_to_terminal {
                eprintln!("warning: the listener stopped unexpectedly; listening again");
            }
            thread::sleep(ACCEPT_ERROR_PAUSE);
        })
}

fn accept_connections(listener: &TcpListener, shared: &Arc<Shared>) {
    while !shared.stopping.load(Ordering::SeqCst) {
        match listener.accept() {
            Ok((stream, _)) => {
                if shared.stopping.load(Ordering::SeqCst) {
                    return;
                }
                start_connection(stream, shared);
            }
            // Out of descriptors, a connection reset before it was
            // accepted, an interrupted call: none ends the server.
            Err(_) => thread::sleep(ACCEPT_ERROR_PAUSE),
        }
    }
}

fn start_connection(stream: TcpStream, shared: &Arc<Shared>) {
    let stream = Arc::new(stream);
    let Some(id) = shared
        .connections
        .admit(&stream, shared.limits.max_connections)
    else {
        // Every slot is answering; dropping the stream closes it.
        return;
    };
    let thread_shared = Arc::clone(shared);
    let thread_stream = Arc::clone(&stream);
    let spawned = thread::Builder::new()
        .name("orr-connection".to_string())
        .spawn(move || {
            let slot = thread_shared.connections.guard(id);
            connection::serve(&thread_stream, &slot, &thread_shared);
        });
    if spawned.is_err() {
        // No thread, no connection: free the slot and close.
        drop(shared.connections.guard(id));
        let _ = stream.shutdown(Shutdown::Both);
    }
}

/// Wakes a blocked `accept` by connecting to ourselves (for shutdown).
pub(crate) fn wake(addr: SocketAddr) {
    let target = if addr.ip().is_unspecified() {
        let loopback = match addr {
            SocketAddr::V4(_) => std::net::IpAddr::from([127, 0, 0, 1]),
            SocketAddr::V6(_) => std::net::IpAddr::from([0u16, 0, 0, 0, 0, 0, 0, 1]),
        };
        SocketAddr::new(loopback, addr.port())
    } else {
        addr
    };
    let _ = TcpStream::connect_timeout(&target, Duration::from_secs(1));
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    fn pair(listener: &TcpListener) -> (TcpStream, Arc<TcpStream>) {
        let client = TcpStream::connect(listener.local_addr().unwrap_or_else(|e| panic!("{e}")))
            .unwrap_or_else(|e| panic!("{e}"));
        let (server, _) = listener.accept().unwrap_or_else(|e| panic!("{e}"));
        (client, Arc::new(server))
    }

    #[test]
    fn a_full_house_evicts_the_longest_idle_and_refuses_when_all_are_busy() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("{e}"));
        let connections = Connections::default();
        let (_c1, s1) = pair(&listener);
        let (_c2, s2) = pair(&listener);
        let first = connections.admit(&s1, 2).unwrap_or_else(|| panic!("admit"));
        let second = connections.admit(&s2, 2).unwrap_or_else(|| panic!("admit"));
        let busy_second = connections.guard(second);
        busy_second.set_waiting(false);

        let (_c3, s3) = pair(&listener);
        let third = connections
            .admit(&s3, 2)
            .unwrap_or_else(|| panic!("the idle first connection makes room"));
        assert!(connections
            .lock()
            .open
            .get(&first)
            .is_some_and(|s| s.evicted));
        drop(connections.guard(first));
        let busy_third = connections.guard(third);
        busy_third.set_waiting(false);
        let (_c4, s4) = pair(&listener);
        assert!(connections.admit(&s4, 2).is_none(), "all busy: refused");
        assert_eq!(connections.count(), 2);
        drop((busy_second, busy_third));
        assert_eq!(connections.count(), 0);
    }
}
