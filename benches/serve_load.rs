//! A bounded load test of the preview server on loopback, and the
//! edit-to-reload latency. Run with `cargo bench --bench serve_load`.
//!
//! 1. 10,000 GET requests over 64 concurrent keep-alive connections to a
//!    site of 50 pages; then the same with a new connection per request.
//!    Every answer must be a 200 with the full page: any other outcome is
//!    an error, and the run fails if there is one.
//! 2. 20 times: write a source file and time until the live-reload event
//!    arrives on an open events connection; the median is printed.
//!
//! Traffic goes only to 127.0.0.1, every loop is bounded in count, and the
//! whole run has a time limit.

#[path = "../tests/serve_common/mod.rs"]
mod common;

use std::io::Write;
use std::net::{SocketAddr, TcpStream};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{EventStream, Handbook};

const PAGES: usize = 50;
const REQUESTS: usize = 10_000;
const CONNECTIONS: usize = 64;
const LATENCY_SAMPLES: usize = 20;
const RUN_LIMIT: Duration = Duration::from_secs(120);

fn main() {
    let pages: Vec<(String, String)> = (0..PAGES)
        .map(|i| {
            (
                format!("page{i:02}"),
                format!("Page {i} {}", "text ".repeat(200)),
            )
        })
        .collect();
    let page_refs: Vec<(&str, &str)> = pages
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    let handbook = Handbook::new(&page_refs);
    let server = handbook.serve();
    let addr = server.addr();
    println!("serving {PAGES} pages on {addr}");

    let mut failed = false;
    for keep_alive in [true, false] {
        let (elapsed, errors) = load(addr, keep_alive);
        let label = if keep_alive {
            "keep-alive connections"
        } else {
            "a new connection per request"
        };
        println!(
            "load, {label}: {REQUESTS} requests, {CONNECTIONS} concurrent, {errors} errors, {:.2} s, {:.0} requests/s",
            elapsed.as_secs_f64(),
            REQUESTS as f64 / elapsed.as_secs_f64()
        );
        failed |= errors > 0;
    }

    let mut latencies = edit_to_reload(&handbook, addr);
    latencies.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    if !latencies.is_empty() {
        println!(
            "edit-to-reload over {} edits: median {:.0} ms, min {:.0} ms, max {:.0} ms",
            latencies.len(),
            ms(latencies[latencies.len() / 2]),
            ms(latencies[0]),
            ms(latencies[latencies.len() - 1])
        );
    }
    server.shutdown();
    if failed {
        eprintln!("the load test had errors");
        std::process::exit(1);
    }
}

/// Sends REQUESTS requests from CONNECTIONS threads; returns the wall time
/// and the number of errors (non-200 answers, short pages, I/O failures).
fn load(addr: SocketAddr, keep_alive: bool) -> (Duration, u64) {
    let errors = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let threads: Vec<_> = (0..CONNECTIONS)
        .map(|thread_index| {
            let errors = Arc::clone(&errors);
            let count = REQUESTS / CONNECTIONS + usize::from(thread_index < REQUESTS % CONNECTIONS);
            std::thread::spawn(move || {
                let mut connection: Option<TcpStream> = None;
                for request_index in 0..count {
                    if started.elapsed() > RUN_LIMIT {
                        errors.fetch_add((count - request_index) as u64, Ordering::SeqCst);
                        return;
                    }
                    let page = (thread_index * 7 + request_index) % PAGES;
                    if !one_request(addr, &mut connection, page, keep_alive) {
                        errors.fetch_add(1, Ordering::SeqCst);
                        connection = None;
                    }
                }
            })
        })
        .collect();
    for thread in threads {
        if thread.join().is_err() {
            errors.fetch_add(1, Ordering::SeqCst);
        }
    }
    (started.elapsed(), errors.load(Ordering::SeqCst))
}

fn one_request(
    addr: SocketAddr,
    connection: &mut Option<TcpStream>,
    page: usize,
    keep_alive: bool,
) -> bool {
    if connection.is_none() {
        let Ok(stream) = TcpStream::connect(addr) else {
            return false;
        };
        let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
        let _ = stream.set_nodelay(true);
        *connection = Some(stream);
    }
    let Some(stream) = connection.as_mut() else {
        return false;
    };
    let close = if keep_alive {
        ""
    } else {
        "Connection: close\r\n"
    };
    let request = format!("GET /page{page:02}/ HTTP/1.1\r\nHost: localhost\r\n{close}\r\n");
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let reply = common::read_reply(stream);
    if !keep_alive {
        *connection = None;
    }
    let ok = reply.status == 200
        && reply.body.contains(&format!("Page {page} "))
        && reply.body.contains("</html>");
    if !ok {
        eprintln!(
            "error: /page{page:02}/ answered {} ({} body bytes): {:?}",
            reply.status,
            reply.body.len(),
            reply.head.lines().next().unwrap_or("no answer")
        );
    }
    ok
}

/// Writes a page's source LATENCY_SAMPLES times and times each write until
/// the reload event arrives.
fn edit_to_reload(handbook: &Handbook, addr: SocketAddr) -> Vec<Duration> {
    let mut events = EventStream::open(addr);
    let mut position = events.wait_for("event: hello\ndata: ", 0);
    let mut latencies = Vec::with_capacity(LATENCY_SAMPLES);
    for sample in 0..LATENCY_SAMPLES {
        let written = Instant::now();
        handbook.write("content/page00.txt", &format!("Page 0 edit {sample}"));
        position = events.wait_for("event: reload\ndata: ", position);
        latencies.push(written.elapsed());
    }
    latencies
}
