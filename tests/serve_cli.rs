//! `orr serve` end to end: the real binary, the real pipeline, a fixture
//! handbook, over real HTTP on an ephemeral port.

mod common;
mod serve_common;

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};

use serve_common::{get, wait_for_page};

/// The server process, killed when dropped.
struct Server {
    child: Child,
    addr: SocketAddr,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(root: &std::path::Path, port: &str) -> Result<Server, String> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_orr"))
        .args([
            "serve",
            "--root",
            root.to_str().unwrap(),
            "--port",
            port,
            "--today",
            common::TODAY,
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("orr starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    match line
        .trim()
        .strip_prefix("serving http://")
        .and_then(|rest| rest.split('/').next())
    {
        Some(addr) => Ok(Server {
            addr: addr.parse().unwrap(),
            child,
        }),
        None => {
            let output = child.wait_with_output().unwrap();
            Err(format!(
                "{}|{}",
                output.status.code().unwrap_or(-1),
                String::from_utf8_lossy(&output.stderr)
            ))
        }
    }
}

#[test]
fn edits_errors_and_fixes_show_up_in_the_served_site() {
    let dir = common::handbook("valid", &[]);
    let server = start(dir.path(), "0").expect("serves");
    let page = get(server.addr, "/services/alpha/");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("<h1>Alpha API"), "{}", page.body);
    assert!(
        page.body.contains("/__orr/events"),
        "live-reload script injected"
    );
    assert_eq!(
        get(server.addr, "/api/services.json")
            .header("content-type")
            .as_deref(),
        Some("application/json")
    );
    assert_eq!(get(server.addr, "/no/such/page/").status, 404);
    assert!(
        !dir.path().join("site").exists(),
        "serve builds into memory"
    );

    let file = dir.path().join("content/services/alpha.yaml");
    let original = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        original.replace("title: Alpha API", "title: Alpha Renamed"),
    )
    .unwrap();
    wait_for_page(server.addr, "/services/alpha/", "the edit shows", |r| {
        r.body.contains("<h1>Alpha Renamed")
    });

    std::fs::write(
        &file,
        original.replace("cap-cold: {status", "cap-colt: {status"),
    )
    .unwrap();
    let broken = wait_for_page(server.addr, "/services/alpha/", "the overlay shows", |r| {
        r.body.contains("orr-error-overlay")
    });
    assert!(
        broken.body.contains("<h1>Alpha Renamed"),
        "the last good page is still served"
    );
    assert!(
        broken.body.contains("content/services/alpha.yaml:23:3"),
        "{}",
        broken.body
    );
    assert!(broken.body.contains("unknown question id `cap-colt`"));

    std::fs::write(&file, &original).unwrap();
    let fixed = wait_for_page(server.addr, "/services/alpha/", "the overlay goes", |r| {
        !r.body.contains("orr-error-overlay")
    });
    assert!(fixed.body.contains("<h1>Alpha API"));
}

#[test]
fn a_taken_port_is_a_clear_error_with_status_two() {
    let dir = common::handbook("minimal", &[]);
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let err = start(dir.path(), &port).err().expect("refused");
    let (code, stderr) = err.split_once('|').unwrap();
    assert_eq!(code, "2");
    assert!(
        stderr.contains(&format!("cannot listen on 127.0.0.1:{port}")),
        "{stderr}"
    );
}

#[test]
fn every_link_of_the_preview_works_whatever_base_url_the_site_publishes_under() {
    let dir = common::handbook("valid", &[]);
    let config = dir.path().join("content/orr.yaml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, text.replace("base_url: /", "base_url: /hb/")).unwrap();
    let server = start(dir.path(), "0").expect("serves");
    let page = get(server.addr, "/");
    assert_eq!(page.status, 200);
    let links: Vec<&str> = page
        .body
        .split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .filter(|href| href.starts_with('/'))
        .collect();
    assert!(links.len() > 10, "{links:?}");
    for href in links {
        let path = href.split('#').next().unwrap();
        assert_eq!(get(server.addr, path).status, 200, "{href}");
    }
}

#[test]
fn the_terminal_shows_each_builds_warnings_before_saying_it_is_done() {
    // The warnings are printed once the browsers were told to reload; the
    // terminal still reads: the build's warnings, then its one-line outcome.
    let dir = common::handbook("valid", &[]);
    let mut server = start(dir.path(), "0").expect("serves");
    let (sender, lines) = std::sync::mpsc::channel();
    let stderr = BufReader::new(server.child.stderr.take().unwrap());
    std::thread::spawn(move || {
        for line in stderr.lines().map_while(Result::ok) {
            if sender.send(line).is_err() {
                break;
            }
        }
    });
    let until = |prefix: &str| -> Vec<String> {
        let mut seen = Vec::new();
        loop {
            let line = lines
                .recv_timeout(std::time::Duration::from_secs(30))
                .unwrap_or_else(|_| panic!("no `{prefix}` line after {seen:?}"));
            let done = line.starts_with(prefix);
            seen.push(line);
            if done {
                return seen;
            }
        }
    };
    let retired = "warning[answer-not-counted]: answer to `cap-old`";
    let first = until("built ");
    assert!(first.iter().any(|l| l.starts_with(retired)), "{first:?}");

    let file = dir.path().join("content/services/beta.yaml");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replace("title: Beta", "title: Beta Two")).unwrap();
    let rebuild = until("rebuilt in ");
    assert!(
        rebuild.iter().any(|l| l.starts_with(retired)),
        "{rebuild:?}"
    );
    drop(server);
}
