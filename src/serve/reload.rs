//! Live reload over Server-Sent Events: the hub that the build thread tells
//! about every finished build, and the per-connection listener threads that
//! pass it on to the open pages.
//!
//! Each open page holds one connection and one thread. Their number is
//! bounded: past the limit the endpoint answers 503 and the page's script
//! retries later. A listener writes a comment line every `keep_alive`, so a
//! closed tab shows up as a failed write and frees its thread.

use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What the hub sends to each listener.
#[derive(Debug, Clone)]
enum Notice {
    /// A build finished; the payload is its generation.
    Reload(String),
}

/// Fans build notices out to the open live-reload connections.
#[derive(Debug)]
pub(crate) struct ReloadHub {
    senders: Mutex<Vec<Sender<Notice>>>,
    /// Listener threads alive, shared with their guards.
    active: Arc<AtomicUsize>,
    max_listeners: usize,
    keep_alive: Duration,
    closed: std::sync::atomic::AtomicBool,
}

/// A reserved listener slot and its notice queue. Dropping it (the
/// listener's thread ending, or its spawn failing) frees the slot.
#[derive(Debug)]
pub(crate) struct Subscription {
    notices: Receiver<Notice>,
    keep_alive: Duration,
    _slot: SlotGuard,
}

#[derive(Debug)]
struct SlotGuard(Arc<AtomicUsize>);

impl Drop for SlotGuard {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl ReloadHub {
    pub fn new(max_listeners: usize, keep_alive: Duration) -> Self {
        ReloadHub {
            senders: Mutex::new(Vec::new()),
            active: Arc::new(AtomicUsize::new(0)),
            max_listeners,
            keep_alive,
            closed: std::sync::atomic::AtomicBool::new(false),
        }
    }

    /// Open live-reload connections.
    pub fn listener_count(&self) -> usize {
        self.active.load(Ordering::SeqCst)
    }

    /// Reserves a listener slot, or `None` when all are taken (or the server
    /// is shutting down).
    pub fn subscribe(&self) -> Option<Subscription> {
        if self.closed.load(Ordering::SeqCst) {
            return None;
        }
        let reserved = self
            .active
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |active| {
                (active < self.max_listeners).then_some(active + 1)
            });
        if reserved.is_err() {
            return None;
        }
        let slot = SlotGuard(Arc::clone(&self.active));
        let (sender, notices) = mpsc::channel();
        self.lock_senders().push(sender);
        Some(Subscription {
            notices,
            keep_alive: self.keep_alive,
            _slot: slot,
        })
    }

    /// Tells every open page that a build finished.
    pub fn broadcast_reload(&self, generation: &str) {
        // A send fails only when the listener has gone; forget those.
        self.lock_senders()
            .retain(|sender| sender.send(Notice::Reload(generation.to_string())).is_ok());
    }

    /// Ends every listener (their queues disconnect) and refuses new ones.
    pub fn close(&self) {
        self.closed.store(true, Ordering::SeqCst);
        self.lock_senders().clear();
    }

    fn lock_senders(&self) -> std::sync::MutexGuard<'_, Vec<Sender<Notice>>> {
        self.senders
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
    }
}

/// Starts a thread that streams events to one page (the server runs
/// [`stream_events`] on the connection's own thread; the tests use this). `stream` is the raw
/// connection (the response head is written here); `generation` is the
/// build the server is on now, sent first so a page served from an older
/// build reloads at once. Returns false if no thread could be started (the
/// connection is then closed and the slot freed).
#[cfg(test)]
pub(crate) fn spawn_listener(
    stream: Box<dyn Write + Send>,
    subscription: Subscription,
    generation: String,
) -> bool {
    std::thread::Builder::new()
        .name("orr-live-reload".to_string())
        .spawn(move || stream_events(stream, &subscription, &generation))
        .is_ok()
}

/// Streams events to one page until it goes away or the hub closes.
pub(crate) fn stream_events(
    mut stream: Box<dyn Write + Send>,
    subscription: &Subscription,
    generation: &str,
) {
    // Written by hand (not through tiny_http's Response) because the
    // response never ends and every event must be flushed as it happens.
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\n\
         Cache-Control: no-store\r\nX-Accel-Buffering: no\r\nConnection: close\r\n\r\n\
         retry: 1000\nevent: hello\ndata: {}\n\n",
        single_line(generation)
    );
    if send(&mut stream, head.as_bytes()).is_err() {
        return;
    }
    loop {
        let outcome = match subscription.notices.recv_timeout(subscription.keep_alive) {
            Ok(Notice::Reload(generation)) => send(
                &mut stream,
                format!("event: reload\ndata: {}\n\n", single_line(&generation)).as_bytes(),
            ),
            Err(RecvTimeoutError::Timeout) => send(&mut stream, b": keep-alive\n\n"),
            // The hub closed (server shutting down).
            Err(RecvTimeoutError::Disconnected) => return,
        };
        if outcome.is_err() {
            // The page went away (tab closed, navigation): free the thread.
            return;
        }
    }
}

fn send(stream: &mut Box<dyn Write + Send>, bytes: &[u8]) -> std::io::Result<()> {
    stream.write_all(bytes)?;
    stream.flush()
}

/// An SSE `data:` line ends at a newline; generations never contain one, but
/// make sure.
fn single_line(text: &str) -> String {
    text.replace(['\r', '\n'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io;
    use std::sync::mpsc::SyncSender;

    /// A writer that forwards each flushed chunk to a channel, and fails
    /// once `fail` is set, like a socket whose peer went away.
    struct ChannelWriter {
        buffer: Vec<u8>,
        out: SyncSender<String>,
        fail: Arc<std::sync::atomic::AtomicBool>,
    }

    impl Write for ChannelWriter {
        fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
            if self.fail.load(Ordering::SeqCst) {
                return Err(io::Error::new(io::ErrorKind::BrokenPipe, "closed"));
            }
            self.buffer.extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            let chunk = String::from_utf8_lossy(&self.buffer).into_owned();
            self.buffer.clear();
            self.out
                .send(chunk)
                .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "closed"))
        }
    }

    fn wait_until(mut condition: impl FnMut() -> bool) -> bool {
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while std::time::Instant::now() < deadline {
            if condition() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        false
    }

    #[test]
    fn listeners_are_bounded_and_a_closed_one_frees_its_slot() {
        let hub = ReloadHub::new(2, Duration::from_millis(20));
        let first = hub.subscribe();
        let second = hub.subscribe();
        assert!(first.is_some() && second.is_some());
        assert!(
            hub.subscribe().is_none(),
            "a third listener must be refused"
        );
        assert_eq!(hub.listener_count(), 2);

        let (out, chunks) = mpsc::sync_channel(64);
        let fail = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let writer = ChannelWriter {
            buffer: Vec::new(),
            out,
            fail: Arc::clone(&fail),
        };
        let subscription = first.unwrap_or_else(|| unreachable!());
        assert!(spawn_listener(
            Box::new(writer),
            subscription,
            "gen-1".to_string()
        ));
        let head = chunks
            .recv_timeout(Duration::from_secs(10))
            .unwrap_or_default();
        assert!(head.starts_with("HTTP/1.1 200 OK\r\n"));
        assert!(head.contains("event: hello\ndata: gen-1\n\n"));

        hub.broadcast_reload("gen-2");
        assert!(wait_until(|| {
            chunks
                .try_recv()
                .is_ok_and(|chunk| chunk.contains("event: reload\ndata: gen-2"))
        }));

        // The tab closes: the next keep-alive write fails and the slot frees.
        fail.store(true, Ordering::SeqCst);
        assert!(wait_until(|| hub.listener_count() == 1));
        drop(second);
        assert_eq!(hub.listener_count(), 0);
        assert!(hub.subscribe().is_some());
    }

    #[test]
    fn a_closed_hub_ends_its_listeners_and_refuses_new_ones() {
        let hub = ReloadHub::new(4, Duration::from_secs(60));
        let subscription = hub.subscribe().unwrap_or_else(|| unreachable!());
        let (out, _chunks) = mpsc::sync_channel(64);
        let writer = ChannelWriter {
            buffer: Vec::new(),
            out,
            fail: Arc::new(std::sync::atomic::AtomicBool::new(false)),
        };
        assert!(spawn_listener(
            Box::new(writer),
            subscription,
            "g".to_string()
        ));
        hub.close();
        assert!(wait_until(|| hub.listener_count() == 0));
        assert!(hub.subscribe().is_none());
    }
}
