//! One client connection, on its own thread: read a request head (bounded
//! in size and time), answer it from memory, write the answer within a
//! deadline, and repeat while the client keeps the connection alive.
//!
//! Nothing here can hold the thread for long: a head must arrive within
//! `head_timeout`, a whole response must be taken within `write_timeout`,
//! and a closing connection discards at most [`LINGER_BYTES`] for at most
//! [`LINGER_TIME`]. tiny_http is used only to write responses.

use std::io::{self, BufWriter, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tiny_http::{HTTPVersion, Header, Response};

use super::head::{HeadLimits, HeadReader};
use super::http::{self, Answer};
use super::listener::SlotGuard;
use super::{reload, Shared};

/// Before closing, unread request bytes are discarded (up to this much, for
/// up to [`LINGER_TIME`]) so that the kernel does not reset the connection
/// and destroy the answer before the client has read it.
const LINGER_BYTES: usize = 256 * 1024;
const LINGER_TIME: Duration = Duration::from_secs(2);

/// Serves requests on `stream` until the client closes it, a limit is hit,
/// or the server stops.
pub(crate) fn serve(stream: &Arc<TcpStream>, slot: &SlotGuard<'_>, shared: &Shared) {
    let limits = &shared.limits;
    let head_limits = HeadLimits {
        max_bytes: limits.max_url_bytes + limits.max_header_bytes,
        max_headers: limits.max_headers,
        timeout: limits.head_timeout,
    };
    let context = http::Context {
        state: &shared.state,
        hub: &shared.hub,
        limits,
        bound: shared.addr,
    };
    let mut reader = HeadReader::new();
    loop {
        slot.set_waiting(!reader.has_buffered());
        let head = match reader.next_head(stream, head_limits) {
            Ok(head) => head,
            Err(error) => {
                slot.set_waiting(false);
                if let Some(status) = error.status() {
                    let response = http::plain(status, error.message());
                    let _ = write_response(stream, response, 1, false, false, limits.write_timeout);
                    linger_and_close(stream);
                }
                return;
            }
        };
        slot.set_waiting(false);
        // No client input is known to panic the handler; should a
        // dependency ever do so, one connection fails, not the server.
        let answered = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            http::answer(&head, &context)
        }));
        shared.requests.fetch_add(1, Ordering::SeqCst);
        let answer = match answered {
            Ok(answer) => answer,
            Err(_) => {
                if limits.print_to_terminal {
                    eprintln!("warning: a request handler panicked; the server carries on");
                }
                return;
            }
        };
        match answer {
            Answer::Response { response, close } => {
                let keep_alive =
                    !close && head.wants_keep_alive() && !shared.stopping.load(Ordering::SeqCst);
                let is_head = head.method == "HEAD";
                let written = write_response(
                    stream,
                    response,
                    head.minor_version,
                    is_head,
                    keep_alive,
                    limits.write_timeout,
                );
                if written.is_err() {
                    return;
                }
                if !keep_alive {
                    linger_and_close(stream);
                    return;
                }
            }
            Answer::EventStream {
                subscription,
                generation,
            } => {
                let writer = EventWriter {
                    stream: Arc::clone(stream),
                    timeout: limits.write_timeout,
                };
                reload::stream_events(Box::new(writer), &subscription, &generation);
                return;
            }
        }
    }
}

/// Writes one response through tiny_http's encoder, buffered into few
/// writes, all of it within `timeout`.
fn write_response(
    stream: &TcpStream,
    response: Response<io::Cursor<Vec<u8>>>,
    minor_version: u8,
    is_head: bool,
    keep_alive: bool,
    timeout: Duration,
) -> io::Result<()> {
    let connection: &[u8] = match (keep_alive, minor_version) {
        (false, _) => b"close",
        (true, 0) => b"keep-alive",
        (true, _) => b"",
    };
    let response = match Header::from_bytes(&b"Connection"[..], connection) {
        Ok(header) if !connection.is_empty() => response.with_header(header),
        _ => response,
    };
    let writer = DeadlineWriter {
        stream,
        deadline: Instant::now() + timeout,
    };
    let mut buffered = BufWriter::with_capacity(64 * 1024, writer);
    response.raw_print(
        &mut buffered,
        HTTPVersion(1, minor_version.min(1)),
        &[],
        is_head,
        None,
    )?;
    buffered.flush()
}

/// Ends a connection gracefully: no more writes, then discard what the
/// client still sends (bounded) until it closes, then close.
fn linger_and_close(stream: &TcpStream) {
    let _ = stream.shutdown(Shutdown::Write);
    let deadline = Instant::now() + LINGER_TIME;
    let mut discarded = 0;
    let mut chunk = [0u8; 8192];
    while discarded < LINGER_BYTES {
        let remaining = deadline.saturating_duration_since(Instant::now());
        if remaining.is_zero() || stream.set_read_timeout(Some(remaining)).is_err() {
            break;
        }
        match (&*stream).read(&mut chunk) {
            Ok(0) | Err(_) => break,
            Ok(read) => discarded += read,
        }
    }
    let _ = stream.shutdown(Shutdown::Both);
}

/// A writer that fails once `deadline` has passed, however slowly the
/// client reads.
struct DeadlineWriter<'a> {
    stream: &'a TcpStream,
    deadline: Instant,
}

impl Write for DeadlineWriter<'_> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        let remaining = self.deadline.saturating_duration_since(Instant::now());
        if remaining.is_zero() {
            return Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "the client did not take the response in time",
            ));
        }
        self.stream.set_write_timeout(Some(remaining))?;
        (&*self.stream).write(bytes)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The live-reload stream's writer: each event must be taken within
/// `timeout`, or the page is considered gone.
struct EventWriter {
    stream: Arc<TcpStream>,
    timeout: Duration,
}

impl Write for EventWriter {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.stream.set_write_timeout(Some(self.timeout))?;
        (&*self.stream).write(bytes)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
