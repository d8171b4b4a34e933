//! The preview server over real HTTP on an ephemeral port: pages, content
//! types, redirects, the 404 page, path safety, methods, bad requests,
//! rebuilding on edits, the error overlay, batching of file events, and
//! live reload.

mod serve_common;

use std::net::TcpListener;
use std::sync::atomic::Ordering;

use orr::serve::{self, ServeConfig, ServeError};
use serve_common::{get, quiet_period, raw, wait_for_page, wait_until, EventStream, Handbook};

#[test]
fn pages_have_their_content_types_and_directories_serve_their_index() {
    let handbook = Handbook::new(&[("alpha", "Alpha page"), ("beta", "Beta page")]);
    let server = handbook.serve();
    let addr = server.addr();

    let index = get(addr, "/");
    assert_eq!(index.status, 200);
    assert_eq!(
        index.header("content-type").as_deref(),
        Some("text/html; charset=utf-8")
    );
    assert!(index.body.contains("href=\"/alpha/\""));
    assert!(
        index.body.contains("data-orr-live-reload"),
        "{}",
        index.body
    );
    assert!(index.body.contains("/__orr/events"));

    let alpha = get(addr, "/alpha/");
    assert_eq!(alpha.status, 200);
    assert!(alpha.body.contains("Alpha page"));
    // The script goes inside the body, before it closes.
    let script = alpha
        .body
        .find("data-orr-live-reload")
        .unwrap_or(usize::MAX);
    assert!(script < alpha.body.find("</body>").unwrap_or(0));

    let css = get(addr, "/style.css");
    assert_eq!(css.status, 200);
    assert_eq!(
        css.header("content-type").as_deref(),
        Some("text/css; charset=utf-8")
    );
    assert!(!css.body.contains("<script"), "only HTML gets the script");

    let json = get(addr, "/api/pages.json");
    assert_eq!(
        json.header("content-type").as_deref(),
        Some("application/json")
    );
    assert_eq!(json.body, "{\"pages\": 2}");

    assert_eq!(get(addr, "/alpha/index.html").status, 200);
    assert_eq!(
        get(addr, "/alpha/?utm=1&x=%2e%2e").status,
        200,
        "queries are ignored"
    );
    assert_eq!(get(addr, "//alpha/").status, 200, "repeated slashes merge");
    assert_eq!(
        get(addr, "/alpha/").header("cache-control").as_deref(),
        Some("no-store")
    );
    server.shutdown();
}

#[test]
fn a_directory_without_its_slash_is_redirected() {
    let handbook = Handbook::new(&[("alpha", "Alpha page")]);
    let server = handbook.serve();
    let reply = get(server.addr(), "/alpha?x=1");
    assert_eq!(reply.status, 301);
    assert_eq!(reply.header("location").as_deref(), Some("/alpha/?x=1"));
    server.shutdown();
}

#[test]
fn head_answers_headers_without_a_body() {
    let handbook = Handbook::new(&[("alpha", "Alpha page")]);
    let server = handbook.serve();
    let reply = raw(
        server.addr(),
        b"HEAD /alpha/ HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(reply.status, 200);
    assert!(reply
        .header("content-length")
        .is_some_and(|length| length != "0"));
    assert!(reply.body.is_empty());
    server.shutdown();
}

#[test]
fn a_missing_page_gets_the_site_404_page() {
    let handbook = Handbook::new(&[("alpha", "Alpha page")]);
    let server = handbook.serve();
    for path in ["/nope/", "/nope", "/alpha/missing.css", "/%252e%252e/"] {
        let reply = get(server.addr(), path);
        assert_eq!(reply.status, 404, "{path}");
        assert!(
            reply.body.contains("Nothing here"),
            "{path}: {}",
            reply.body
        );
        assert!(reply.body.contains("data-orr-live-reload"));
    }
    server.shutdown();
}

#[test]
fn traversal_in_every_spelling_never_reaches_the_file_system() {
    let handbook = Handbook::new(&[("alpha", "Alpha page")]);
    let server = handbook.serve();
    let addr = server.addr();
    let targets = [
        "/../SECRET.toml",
        "/../../SECRET.toml",
        "/alpha/../../SECRET.toml",
        "/%2e%2e/SECRET.toml",
        "/%2E%2E/%2e%2e/SECRET.toml",
        "/%252e%252e/SECRET.toml",
        "/..%2fSECRET.toml",
        "/..%2f..%2fSECRET.toml",
        "/..%5cSECRET.toml",
        "/..\\..\\SECRET.toml",
        "/alpha\\..\\..\\SECRET.toml",
        "//etc/passwd",
        "/etc/passwd",
        "/%2fetc%2fpasswd",
        "/SECRET.toml%00.html",
        "/./SECRET.toml",
        "http://localhost/../SECRET.toml",
        "http://localhost/%2e%2e/SECRET.toml",
        "http://localhost//etc/passwd",
        "file:///etc/passwd",
        "SECRET.toml",
        "*",
    ];
    for target in targets {
        let reply = raw(
            addr,
            format!("GET {target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                .as_bytes(),
        );
        assert!(
            reply.status == 400 || reply.status == 404,
            "{target}: status {}",
            reply.status
        );
        assert!(
            !reply.body.contains("SECRET-MARKER"),
            "{target} leaked a file"
        );
        assert!(!reply.body.contains("root:"), "{target} leaked /etc/passwd");
    }
    assert_eq!(get(addr, "/alpha/").status, 200, "still serving");
    server.shutdown();
}

#[test]
fn methods_other_than_get_and_head_get_405() {
    let handbook = Handbook::new(&[("alpha", "Alpha page")]);
    let server = handbook.serve();
    for method in ["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE"] {
        let reply = raw(
            server.addr(),
            format!("{method} /alpha/ HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                .as_bytes(),
        );
        assert_eq!(reply.status, 405, "{method}");
        assert_eq!(
            reply.header("allow").as_deref(),
            Some("GET, HEAD"),
            "{method}"
        );
    }
    let with_body = raw(
        server.addr(),
        b"POST /alpha/ HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello",
    );
    assert_eq!(with_body.status, 405);
    server.shutdown();
}

#[test]
fn malformed_and_oversized_requests_get_4xx_and_the_server_keeps_answering() {
    let handbook = Handbook::new(&[("alpha", "Alpha page")]);
    let server = handbook.serve();
    let addr = server.addr();

    let long_header = format!(
        "GET / HTTP/1.1\r\nHost: localhost\r\nX-Big: {}\r\nConnection: close\r\n\r\n",
        "a".repeat(200_000)
    );
    let many_headers = format!(
        "GET / HTTP/1.1\r\nHost: localhost\r\n{}Connection: close\r\n\r\n",
        (0..500)
            .map(|i| format!("X-H{i}: v\r\n"))
            .collect::<String>()
    );
    let long_url = format!(
        "GET /{} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
        "a".repeat(100_000)
    );
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("garbage request line", b"HELLO\r\n\r\n".to_vec()),
        ("no version", b"GET /\r\n\r\n".to_vec()),
        ("unknown version", b"GET / HTTP/7.1\r\n\r\n".to_vec()),
        (
            "bad header",
            b"GET / HTTP/1.1\r\nno colon here\r\n\r\n".to_vec(),
        ),
        (
            "binary junk",
            vec![0xff, 0xfe, 0x00, 0x01, b'\r', b'\n', b'\r', b'\n'],
        ),
        (
            "non-ASCII path",
            "GET /é HTTP/1.1\r\n\r\n".as_bytes().to_vec(),
        ),
        (
            "bad escape",
            b"GET /%zz HTTP/1.1\r\nConnection: close\r\n\r\n".to_vec(),
        ),
        ("long header", long_header.into_bytes()),
        ("many headers", many_headers.into_bytes()),
        ("long url", long_url.into_bytes()),
        (
            "GET with a body",
            b"GET / HTTP/1.1\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc".to_vec(),
        ),
        (
            "chunked body",
            b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"
                .to_vec(),
        ),
        (
            "odd expectation",
            b"GET / HTTP/1.1\r\nExpect: miracles\r\n\r\n".to_vec(),
        ),
    ];
    for (what, request) in cases {
        let reply = raw(addr, &request);
        // tiny_http 0.12 drops a connection whose request head is not ASCII
        // without answering; the server itself carries on (checked below).
        let not_ascii = !request.is_ascii();
        assert!(
            (400..500).contains(&reply.status) || (not_ascii && reply.status == 0),
            "{what}: expected a 4xx, got {}: {}",
            reply.status,
            reply.head
        );
        assert_eq!(
            get(addr, "/alpha/").status,
            200,
            "still serving after {what}"
        );
    }

    // A declared body too large to discard: tiny_http 0.12 would allocate
    // all of it at once and abort the process. The answer has no length
    // and the connection is kept, so only the head is read.
    for request in [
        &b"POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 99999999999999\r\n\r\n"[..],
        &b"GET / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 18446744073709551615\r\n\r\n"[..],
        &b"PUT / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1000000\r\n\r\npartial"[..],
    ] {
        let reply = serve_common::raw_head(addr, request);
        assert!(
            reply.status == 405 || reply.status == 413,
            "{}: {}",
            String::from_utf8_lossy(request),
            reply.head
        );
        assert_eq!(get(addr, "/alpha/").status, 200, "still serving");
    }

    // A client that connects and goes away, or sends half a request.
    drop(std::net::TcpStream::connect(addr));
    {
        use std::io::Write;
        if let Ok(mut half) = std::net::TcpStream::connect(addr) {
            let _ = half.write_all(b"GET /alpha/ HT");
        }
    }
    assert_eq!(get(addr, "/alpha/").status, 200);
    server.shutdown();
}

#[test]
fn the_port_taken_is_a_clear_bind_error() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("{e}"));
    let port = taken.local_addr().unwrap_or_else(|e| panic!("{e}")).port();
    let handbook = Handbook::new(&[("alpha", "Alpha page")]);
    let mut config = ServeConfig::new(handbook.root());
    config.port = port;
    config.limits.print_to_terminal = false;
    match serve::start(config, handbook.rebuild()) {
        Err(error @ ServeError::Bind { .. }) => {
            let message = error.to_string();
            assert!(message.contains(&format!("127.0.0.1:{port}")), "{message}");
            assert!(message.contains("address in use"), "{message}");
            assert!(message.contains("--port"), "{message}");
        }
        Err(other) => panic!("expected a bind error, got {other}"),
        Ok(server) => {
            server.shutdown();
            panic!("the port was taken, start must fail");
        }
    }
}

#[test]
fn editing_a_file_shows_the_change() {
    let handbook = Handbook::new(&[("alpha", "Alpha page")]);
    let server = handbook.serve();
    let addr = server.addr();
    assert!(get(addr, "/alpha/").body.contains("Alpha page"));

    handbook.write("content/alpha.txt", "Alpha edited");
    wait_for_page(addr, "/alpha/", "the edit shows", |reply| {
        reply.body.contains("Alpha edited")
    });

    handbook.write("assets/style.css", "body { color: red }\n");
    wait_for_page(addr, "/style.css", "the asset edit shows", |reply| {
        reply.body.contains("red")
    });
    server.shutdown();
}

#[test]
fn new_and_deleted_files_appear_and_disappear() {
    let handbook = Handbook::new(&[("alpha", "Alpha page"), ("beta", "Beta page")]);
    let server = handbook.serve();
    let addr = server.addr();

    handbook.write("content/gamma.txt", "Gamma page");
    wait_for_page(addr, "/gamma/", "the new page exists", |reply| {
        reply.status == 200
    });

    handbook.remove("content/beta.txt");
    wait_for_page(addr, "/beta/", "the deleted page is gone", |reply| {
        reply.status == 404
    });

    std::fs::create_dir_all(handbook.path("content/sub")).unwrap_or_else(|e| panic!("{e}"));
    std::fs::rename(
        handbook.path("content/gamma.txt"),
        handbook.path("content/sub/gamma.txt"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    wait_for_page(addr, "/gamma/", "the moved-away page is gone", |reply| {
        reply.status == 404
    });
    server.shutdown();
}

#[test]
fn a_broken_file_keeps_the_last_good_page_with_an_overlay_until_fixed() {
    let handbook = Handbook::new(&[("alpha", "Alpha page"), ("beta", "Beta page")]);
    let server = handbook.serve();
    let addr = server.addr();

    handbook.write("content/beta.txt", "Beta page\nsecond line BROKEN here");
    let broken = wait_for_page(addr, "/alpha/", "the overlay shows", |reply| {
        reply.body.contains("orr-error-overlay")
    });
    assert!(
        broken.body.contains("Alpha page"),
        "the last good page is still served"
    );
    assert!(
        broken.body.contains("content/beta.txt:2:13"),
        "{}",
        broken.body
    );
    assert!(broken
        .body
        .contains("the word BROKEN is not allowed &lt;here&gt; &amp; there"));
    assert!(!broken.body.contains("<here>"), "the message is escaped");
    // The overlay is on every HTML page, the 404 page included, and only there.
    let beta = get(addr, "/beta/");
    assert!(beta.body.contains("Beta page") && beta.body.contains("orr-error-overlay"));
    assert!(get(addr, "/nope/").body.contains("orr-error-overlay"));
    assert!(!get(addr, "/style.css").body.contains("orr-error-overlay"));

    handbook.write("content/beta.txt", "Beta fixed");
    let fixed = wait_for_page(addr, "/beta/", "the overlay goes", |reply| {
        !reply.body.contains("orr-error-overlay")
    });
    assert!(fixed.body.contains("Beta fixed"));
    server.shutdown();
}

#[test]
fn a_failed_first_build_serves_the_overlay_and_recovers_when_fixed() {
    let handbook = Handbook::new(&[("alpha", "BROKEN from the start")]);
    let server = handbook.serve();
    let addr = server.addr();
    let first = get(addr, "/alpha/");
    assert_eq!(first.status, 404, "nothing was built yet");
    assert!(first.body.contains("orr-error-overlay"));
    assert!(first.body.contains("content/alpha.txt:1:1"));
    assert!(
        first.body.contains("data-orr-live-reload"),
        "so the page reloads once fixed"
    );

    handbook.write("content/alpha.txt", "Alpha fixed");
    let fixed = wait_for_page(addr, "/alpha/", "the page appears", |reply| {
        reply.status == 200
    });
    assert!(fixed.body.contains("Alpha fixed"));
    assert!(!fixed.body.contains("orr-error-overlay"));
    server.shutdown();
}

#[test]
fn a_panicking_build_is_an_error_not_a_dead_server() {
    let handbook = Handbook::new(&[("alpha", "Alpha page")]);
    let server = handbook.serve();
    let addr = server.addr();
    handbook.write("content/alpha.txt", "PANIC now");
    let reply = wait_for_page(addr, "/alpha/", "the panic shows", |reply| {
        reply.body.contains("orr-error-overlay")
    });
    assert!(reply.body.contains("the build panicked"));
    assert!(reply.body.contains("Alpha page"));
    handbook.write("content/alpha.txt", "Alpha back");
    wait_for_page(addr, "/alpha/", "it recovers", |reply| {
        reply.body.contains("Alpha back")
    });
    server.shutdown();
}

#[test]
fn an_atomic_save_is_exactly_one_rebuild() {
    let handbook = Handbook::new(&[("alpha", "Alpha page")]);
    let server = handbook.serve();
    let addr = server.addr();
    let before = server.rebuild_count();

    handbook.save_atomically("content/alpha.txt", "Alpha saved atomically");
    wait_for_page(addr, "/alpha/", "the save shows", |reply| {
        reply.body.contains("Alpha saved atomically")
    });
    quiet_period();
    assert_eq!(server.rebuild_count(), before + 1);
    server.shutdown();
}

#[test]
fn a_burst_of_a_thousand_files_is_a_few_rebuilds_of_the_final_state() {
    let handbook = Handbook::new(&[("alpha", "Alpha page")]);
    let server = handbook.serve();
    let addr = server.addr();
    let before = server.rebuild_count();

    for round in 0..2 {
        for i in 0..500 {
            handbook.write(
                &format!("content/page{i:04}.txt"),
                &format!("page {i} round {round}"),
            );
        }
    }
    wait_for_page(addr, "/api/pages.json", "every page is built", |reply| {
        reply.body == "{\"pages\": 501}"
    });
    wait_for_page(addr, "/page0499/", "the last write shows", |reply| {
        reply.body.contains("page 499 round 1")
    });
    quiet_period();
    let rebuilds = server.rebuild_count() - before;
    assert!(
        (1..=3).contains(&rebuilds),
        "{rebuilds} rebuilds for one burst"
    );
    assert!(get(addr, "/page0000/").body.contains("page 0 round 1"));
    server.shutdown();
}

#[test]
fn temporary_backup_hidden_and_ignored_files_do_not_rebuild() {
    let handbook = Handbook::new(&[("alpha", "Alpha page")]);
    handbook.write(".gitignore", "drafts/\n*.generated.txt\n");
    let server = handbook.serve();
    let before = server.rebuild_count();

    for name in [
        "content/alpha.txt~",
        "content/.alpha.txt.swp",
        "content/.alpha.txt.swx",
        "content/4913",
        "content/.#alpha.txt",
        "content/#alpha.txt#",
        "content/alpha.txt.tmp",
        "content/.alpha.txt.kate-swp",
        "content/alpha.txt___jb_tmp___",
        "content/alpha.txt___jb_old___",
        "content/.hidden.txt",
        "content/.cache/x.txt",
        "content/drafts/new.txt",
        "content/notes.generated.txt",
        "site/index.html",
    ] {
        handbook.write(name, "should not rebuild");
    }
    quiet_period();
    assert_eq!(
        server.rebuild_count(),
        before,
        "no rebuild for ignored files"
    );

    // And a real change still counts.
    handbook.write("content/alpha.txt", "Alpha real");
    wait_until("the real change rebuilds", || {
        server.rebuild_count() == before + 1
    });
    server.shutdown();
}

#[test]
fn changes_during_a_build_cause_exactly_one_more_build() {
    let handbook = Handbook::new(&[("alpha", "Alpha page")]);
    let server = handbook.serve();
    let addr = server.addr();
    let before = server.rebuild_count();
    let started_before = handbook.builds_started.load(Ordering::SeqCst);

    handbook.build_delay_ms.store(1500, Ordering::SeqCst);
    handbook.write("content/alpha.txt", "first");
    wait_until("the slow build starts", || {
        handbook.builds_started.load(Ordering::SeqCst) == started_before + 1
    });
    // Several separate changes while that build runs.
    for (i, text) in ["second", "third", "fourth"].iter().enumerate() {
        handbook.write(&format!("content/new{i}.txt"), text);
        std::thread::sleep(std::time::Duration::from_millis(250));
    }
    handbook.build_delay_ms.store(0, Ordering::SeqCst);
    wait_for_page(
        addr,
        "/new2/",
        "the changes made during the build show",
        |reply| reply.status == 200,
    );
    quiet_period();
    // The slow build read the tree mid-change, so it is not published;
    // exactly one more build covers all the changes and is.
    assert_eq!(
        handbook.builds_started.load(Ordering::SeqCst),
        started_before + 2,
        "one build, then exactly one more"
    );
    assert_eq!(
        server.rebuild_count(),
        before + 1,
        "only the second published"
    );
    server.shutdown();
}

#[test]
fn a_reload_event_follows_every_rebuild_good_or_failed() {
    let handbook = Handbook::new(&[("alpha", "Alpha page")]);
    let server = handbook.serve();
    let addr = server.addr();

    let mut events = EventStream::open(addr);
    let after_head = events.wait_for("HTTP/1.1 200 OK", 0);
    assert!(events.received.contains("text/event-stream"));
    let after_hello = events.wait_for("event: hello\ndata: ", after_head);
    wait_until("the listener is counted", || {
        server.reload_listener_count() == 1
    });

    handbook.write("content/alpha.txt", "Alpha edited");
    let after_reload = events.wait_for("event: reload\ndata: ", after_hello);

    handbook.write("content/alpha.txt", "BROKEN");
    let after_failed = events.wait_for("event: reload\ndata: ", after_reload);

    handbook.write("content/alpha.txt", "fixed");
    events.wait_for("event: reload\ndata: ", after_failed);

    // Each event names a different build generation.
    let generations: Vec<&str> = events
        .received
        .lines()
        .filter_map(|line| line.strip_prefix("data: "))
        .collect();
    assert_eq!(generations.len(), 4, "{generations:?}");
    let mut distinct = generations.clone();
    distinct.dedup();
    assert_eq!(distinct.len(), 4, "{generations:?}");
    server.shutdown();
}

#[test]
fn the_page_embeds_the_generation_the_hello_event_compares_against() {
    let handbook = Handbook::new(&[("alpha", "Alpha page")]);
    let server = handbook.serve();
    let addr = server.addr();
    let page = get(addr, "/alpha/");
    let mut events = EventStream::open(addr);
    let end = events.wait_for("event: hello\ndata: ", 0);
    let generation_end = events.wait_for("\n", end);
    let generation = events.received[end..generation_end - 1].to_string();
    assert!(
        page.body
            .contains(&format!("var served = \"{generation}\"")),
        "page and stream agree on the build: {generation}"
    );
    server.shutdown();
}

#[test]
fn reload_listeners_are_bounded_and_a_closed_tab_frees_its_thread() {
    let handbook = Handbook::new(&[("alpha", "Alpha page")]);
    let server = handbook.serve_with(|config| {
        config.limits.max_reload_listeners = 2;
        config.limits.keep_alive = std::time::Duration::from_millis(50);
    });
    let addr = server.addr();

    let mut first = EventStream::open(addr);
    first.wait_for("event: hello", 0);
    let mut second = EventStream::open(addr);
    second.wait_for("event: hello", 0);
    assert_eq!(server.reload_listener_count(), 2);

    let refused = raw(
        addr,
        b"GET /__orr/events HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(refused.status, 503);
    assert_eq!(get(addr, "/alpha/").status, 200, "pages are still served");

    drop(first);
    wait_until("the closed tab's thread ends", || {
        server.reload_listener_count() == 1
    });
    let mut third = EventStream::open(addr);
    third.wait_for("event: hello", 0);
    assert_eq!(server.reload_listener_count(), 2);
    drop(second);
    drop(third);
    wait_until("every thread ends", || server.reload_listener_count() == 0);
    server.shutdown();
}

#[test]
fn keep_alive_connections_serve_many_requests() {
    use std::io::Write;
    let handbook = Handbook::new(&[("alpha", "Alpha page")]);
    let server = handbook.serve();
    let mut stream = std::net::TcpStream::connect(server.addr()).unwrap_or_else(|e| panic!("{e}"));
    stream
        .set_read_timeout(Some(serve_common::DEADLINE))
        .unwrap_or_else(|e| panic!("{e}"));
    for _ in 0..20 {
        stream
            .write_all(b"GET /alpha/ HTTP/1.1\r\nHost: localhost\r\n\r\n")
            .unwrap_or_else(|e| panic!("{e}"));
        let reply = serve_common::read_reply(&mut stream);
        assert_eq!(reply.status, 200);
        assert!(reply.body.contains("Alpha page"));
    }
    server.shutdown();
}

#[test]
fn a_client_that_stops_reading_does_not_hold_a_worker() {
    use std::io::Write;
    let big = "x".repeat(40 * 1024 * 1024);
    let handbook = Handbook::new(&[("alpha", "Alpha page"), ("big", &big)]);
    let server = handbook.serve_with(|config| {
        config.limits.write_timeout = std::time::Duration::from_millis(500);
    });
    let addr = server.addr();
    // Asks for 40 MB and never reads: the only worker blocks writing.
    let mut stalled = std::net::TcpStream::connect(addr).unwrap_or_else(|e| panic!("{e}"));
    stalled
        .write_all(b"GET /big/ HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .unwrap_or_else(|e| panic!("{e}"));
    std::thread::sleep(std::time::Duration::from_millis(200));
    // Once the write times out the worker serves others again.
    let reply = get(addr, "/alpha/");
    assert_eq!(reply.status, 200);
    drop(stalled);
    server.shutdown();
}

#[test]
fn a_slow_or_absent_request_body_does_not_hold_a_worker() {
    use std::io::Write;
    let handbook = Handbook::new(&[("alpha", "Alpha page")]);
    let server = handbook.serve();
    let addr = server.addr();
    // Declares 60 kB of body and sends none of it.
    let mut silent = std::net::TcpStream::connect(addr).unwrap_or_else(|e| panic!("{e}"));
    silent
        .write_all(b"POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 60000\r\n\r\n")
        .unwrap_or_else(|e| panic!("{e}"));
    std::thread::sleep(std::time::Duration::from_millis(200));
    assert_eq!(get(addr, "/alpha/").status, 200);
    drop(silent);
    server.shutdown();
}
