//! Answering one HTTP request from the in-memory site: request limits,
//! the Host allow-list, method checks, URL normalisation, lookup, content
//! types, redirects, the 404 page, and live-reload streams.
//!
//! Requests never reach the file system: the URL path is percent-decoded
//! once, anything with a `.` or `..` segment, a backslash, a NUL or another
//! control character is refused, and what is left is only a key into the
//! site's map. A double-encoded `%252e` therefore decodes to the literal
//! text `%2e`, which names no file.

use std::io::Cursor;
use std::net::SocketAddr;

use tiny_http::{Header, Response, StatusCode};

use super::head::RequestHead;
use super::host::{self, HostVerdict};
use super::overlay::{self, EVENTS_PATH};
use super::reload::{ReloadHub, Subscription};
use super::state::SiteState;
use super::ServeLimits;

/// What a connection needs to answer requests.
pub(crate) struct Context<'a> {
    pub state: &'a SiteState,
    pub hub: &'a ReloadHub,
    pub limits: &'a ServeLimits,
    /// The address the server is bound to, for the Host allow-list.
    pub bound: SocketAddr,
}

/// The answer to one request.
pub(crate) enum Answer {
    /// A complete response; `close` ends the connection after it.
    Response {
        response: Response<Cursor<Vec<u8>>>,
        close: bool,
    },
    /// A live-reload stream: the connection's thread streams events until
    /// the page goes away.
    EventStream {
        subscription: Subscription,
        generation: String,
    },
}

fn respond(response: Response<Cursor<Vec<u8>>>) -> Answer {
    Answer::Response {
        response,
        close: false,
    }
}

/// Answers one request head. Never panics on client input. Whatever the
/// answer, a request that declared a body ends its connection: the body is
/// never read, so nothing after it could be told apart from it.
pub(crate) fn answer(head: &RequestHead, context: &Context<'_>) -> Answer {
    match answer_head(head, context) {
        Answer::Response { response, close } => Answer::Response {
            response,
            close: close || declares_body(head),
        },
        stream => stream,
    }
}

fn answer_head(head: &RequestHead, context: &Context<'_>) -> Answer {
    if let Some(status) = oversized_request_status(head, context.limits) {
        return respond(plain(status, "request too large\n"));
    }
    match host::judge(head, context.bound) {
        HostVerdict::Allowed => {}
        HostVerdict::Misdirected => {
            return respond(plain(
                421,
                "this preview server only answers requests for localhost\n",
            ))
        }
        HostVerdict::Invalid(reason) => {
            return respond(plain(400, &format!("bad request: {reason}\n")))
        }
    }

    let is_head = head.method == "HEAD";
    let method_allowed = head.method == "GET" || is_head;
    if declares_body(head) {
        let status = if method_allowed { 413 } else { 405 };
        return respond(
            plain(
                status,
                "this server only serves GET and HEAD requests without a body\n",
            )
            .with("Allow", "GET, HEAD"),
        );
    }
    if !method_allowed {
        return respond(
            plain(405, "this server only serves GET and HEAD requests\n")
                .with("Allow", "GET, HEAD"),
        );
    }

    let target = match parse_target(&head.target) {
        Ok(target) => target,
        Err(reason) => return respond(plain(400, &format!("bad request: {reason}\n"))),
    };

    if target.segments.join("/") == EVENTS_PATH.trim_start_matches('/') {
        return open_event_stream(is_head, context);
    }
    respond(answer_site_request(&target, context))
}

/// A body is declared by any Content-Length other than 0 or any
/// Transfer-Encoding.
fn declares_body(head: &RequestHead) -> bool {
    head.values("Content-Length")
        .any(|value| value.trim_ascii() != b"0")
        || head.values("Transfer-Encoding").next().is_some()
}

/// The head as a whole is bounded while it is read; here the target and
/// the header lines are held to their own limits: 414 for a long target,
/// 431 for big headers.
fn oversized_request_status(head: &RequestHead, limits: &ServeLimits) -> Option<u16> {
    if head.target.len() > limits.max_url_bytes {
        return Some(414);
    }
    let header_bytes: usize = head
        .headers
        .iter()
        .map(|(name, value)| name.len() + value.len() + 4)
        .sum();
    if head.headers.len() > limits.max_headers || header_bytes > limits.max_header_bytes {
        return Some(431);
    }
    None
}

/// A request target split into what the lookup needs.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Target {
    /// The path as sent (before decoding), without query or fragment.
    pub raw_path: String,
    /// Decoded, validated, non-empty path segments.
    pub segments: Vec<String>,
    /// The path ended with `/` (or was `/`): a directory.
    pub directory: bool,
    /// The query string, with its `?`, kept for redirects.
    pub query: String,
}

/// Normalises a request target into site path segments, refusing anything
/// that could mean a different file than it seems to.
pub(crate) fn parse_target(url: &str) -> Result<Target, &'static str> {
    // Absolute form ("GET http://host/path"): keep only the path.
    let without_origin = match url.find("://") {
        Some(scheme_end) if url[..scheme_end].chars().all(|c| c.is_ascii_alphabetic()) => {
            let after_authority = &url[scheme_end + 3..];
            match after_authority.find('/') {
                Some(slash) => &after_authority[slash..],
                None => "/",
            }
        }
        _ => url,
    };
    let (path_and_query, _fragment) = without_origin
        .split_once('#')
        .unwrap_or((without_origin, ""));
    let (raw_path, query) = match path_and_query.find('?') {
        Some(question) => (&path_and_query[..question], &path_and_query[question..]),
        None => (path_and_query, ""),
    };
    if !raw_path.starts_with('/') {
        return Err("the path must start with /");
    }
    let decoded = percent_decode_once(raw_path)?;
    if decoded.contains('\\') {
        return Err("backslashes are not allowed in paths");
    }
    if decoded.chars().any(char::is_control) {
        return Err("control characters are not allowed in paths");
    }
    let mut segments = Vec::new();
    for segment in decoded.split('/') {
        match segment {
            // Repeated slashes are merged, like most servers do.
            "" => {}
            "." | ".." => return Err("dot segments are not allowed in paths"),
            name => segments.push(name.to_string()),
        }
    }
    Ok(Target {
        raw_path: raw_path.to_string(),
        directory: decoded.ends_with('/'),
        segments,
        query: query.to_string(),
    })
}

/// Decodes `%XX` escapes exactly once. The result must be UTF-8; a `%` that
/// is not followed by two hex digits is an error, and a decoded `%` stays a
/// literal character (no second round).
pub(crate) fn percent_decode_once(path: &str) -> Result<String, &'static str> {
    let bytes = path.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] == b'%' {
            let high = bytes.get(index + 1).and_then(|b| hex_value(*b));
            let low = bytes.get(index + 2).and_then(|b| hex_value(*b));
            match (high, low) {
                (Some(high), Some(low)) => decoded.push(high * 16 + low),
                _ => return Err("malformed percent-encoding"),
            }
            index += 3;
        } else {
            decoded.push(bytes[index]);
            index += 1;
        }
    }
    String::from_utf8(decoded).map_err(|_| "the path is not UTF-8")
}

fn hex_value(byte: u8) -> Option<u8> {
    match byte {
        b'0'..=b'9' => Some(byte - b'0'),
        b'a'..=b'f' => Some(byte - b'a' + 10),
        b'A'..=b'F' => Some(byte - b'A' + 10),
        _ => None,
    }
}

/// Looks the target up in the current site: the file itself, a directory's
/// `index.html`, a redirect to add the missing `/`, or the 404 page. A page
/// that fails to render is a 500 with its error in the overlay.
fn answer_site_request(target: &Target, context: &Context<'_>) -> Response<Cursor<Vec<u8>>> {
    let snapshot = context.state.snapshot();
    let failure = snapshot.failure.as_deref();
    let served = if snapshot.site.file_count() == 0 {
        overlay::Served::NothingBuiltYet
    } else {
        overlay::Served::LastGoodBuild
    };
    let generation = snapshot.generation.as_str();
    let joined = target.segments.join("/");
    let key = if target.directory || joined.is_empty() {
        if joined.is_empty() {
            "index.html".to_string()
        } else {
            format!("{joined}/index.html")
        }
    } else {
        joined.clone()
    };

    if let Some(made) = snapshot.site.file(&key) {
        return match made {
            Ok(body) => file_response(200, &key, &body, failure, served, generation),
            Err(page_failure) => render_failure_response(&page_failure, generation),
        };
    }
    if !target.directory && !joined.is_empty() {
        let index = format!("{joined}/index.html");
        if snapshot.site.contains(&index) {
            let location = format!("/{}/{}", encode_path(&target.segments), target.query);
            return Response::from_string(format!("moved to {location}\n"))
                .with_status_code(StatusCode(301))
                .with("Location", &location)
                .with("Content-Type", "text/plain; charset=utf-8")
                .with("Cache-Control", "no-store");
        }
    }
    match snapshot.site.file("404.html") {
        Some(Ok(page)) => file_response(404, "404.html", &page, failure, served, generation),
        _ => file_response(
            404,
            "404.html",
            overlay::fallback_not_found_page().as_bytes(),
            failure,
            served,
            generation,
        ),
    }
}

/// A page of the site that could not be made: 500, with its error shown.
fn render_failure_response(
    failure: &super::BuildFailure,
    generation: &str,
) -> Response<Cursor<Vec<u8>>> {
    file_response(
        500,
        "500.html",
        overlay::fallback_render_failure_page().as_bytes(),
        Some(failure),
        overlay::Served::PageFailed,
        generation,
    )
}

fn file_response(
    status: u16,
    key: &str,
    body: &[u8],
    failure: Option<&super::BuildFailure>,
    served: overlay::Served,
    generation: &str,
) -> Response<Cursor<Vec<u8>>> {
    let content_type = content_type(key);
    let body = if content_type.starts_with("text/html") {
        overlay::inject(body, failure, served, generation)
    } else {
        body.to_vec()
    };
    Response::from_data(body)
        .with_status_code(StatusCode(status))
        .with("Content-Type", content_type)
        .with("X-Content-Type-Options", "nosniff")
        .with("Cache-Control", "no-store")
}

/// Percent-encodes decoded segments for a `Location` header, so the
/// redirect target is exactly the page found and can never be read as
/// another host (`//host`).
fn encode_path(segments: &[String]) -> String {
    let mut out = String::new();
    for (index, segment) in segments.iter().enumerate() {
        if index > 0 {
            out.push('/');
        }
        for byte in segment.bytes() {
            if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
                out.push(char::from(byte));
            } else {
                out.push_str(&format!("%{byte:02X}"));
            }
        }
    }
    out
}

/// The content type of a site file, from its extension.
pub(crate) fn content_type(path: &str) -> &'static str {
    let extension = path
        .rsplit_once('.')
        .map(|(_, extension)| extension.to_ascii_lowercase())
        .unwrap_or_default();
    match extension.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json",
        "csv" => "text/csv; charset=utf-8",
        "txt" | "md" => "text/plain; charset=utf-8",
        "xml" => "application/xml",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "pdf" => "application/pdf",
        "wasm" => "application/wasm",
        "yaml" | "yml" => "application/yaml",
        _ => "application/octet-stream",
    }
}

/// Turns the connection into a live-reload stream, or answers 503 when all
/// listener slots are taken.
fn open_event_stream(is_head: bool, context: &Context<'_>) -> Answer {
    if is_head {
        return respond(Response::from_data(Vec::new()).with("Content-Type", "text/event-stream"));
    }
    let Some(subscription) = context.hub.subscribe() else {
        return respond(
            plain(503, "too many live-reload connections; retrying later\n")
                .with("Retry-After", "5"),
        );
    };
    // The generation is read after subscribing: a build finishing in between
    // is then both in the hello and queued as a reload, never in neither.
    let generation = context.state.snapshot().generation.clone();
    Answer::EventStream {
        subscription,
        generation,
    }
}

pub(crate) fn plain(status: u16, text: &str) -> Response<Cursor<Vec<u8>>> {
    Response::from_string(text)
        .with_status_code(StatusCode(status))
        .with("Content-Type", "text/plain; charset=utf-8")
        .with("Cache-Control", "no-store")
}

/// Adds a header. Names and values here are fixed ASCII or built from the
/// (ASCII) request line; one that tiny_http still refuses is left out rather
/// than risking a panic.
trait WithHeader: Sized {
    fn with(self, name: &str, value: &str) -> Self;
}

impl<R: std::io::Read> WithHeader for Response<R> {
    fn with(self, name: &str, value: &str) -> Self {
        match Header::from_bytes(name.as_bytes(), value.as_bytes()) {
            Ok(header) => self.with_header(header),
            Err(()) => self,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segments(url: &str) -> Result<Vec<String>, &'static str> {
        parse_target(url).map(|target| target.segments)
    }

    #[test]
    fn plain_paths_become_segments() {
        assert_eq!(segments("/"), Ok(vec![]));
        assert_eq!(
            segments("/services/checkout/"),
            Ok(vec!["services".to_string(), "checkout".to_string()])
        );
        let target = parse_target("/a/b?x=1#frag").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(target.segments, vec!["a", "b"]);
        assert_eq!(target.query, "?x=1");
        assert!(!target.directory);
    }

    #[test]
    fn traversal_in_every_spelling_is_refused() {
        for url in [
            "/../Cargo.toml",
            "/a/../../etc/passwd",
            "/%2e%2e/Cargo.toml",
            "/%2E%2E/",
            "/..%2f..%2fetc/passwd",
            "/..%5c..%5cetc",
            "/..\\..\\",
            "/a\\b",
            "/./index.html",
            "/%00",
            "/a%0ab",
        ] {
            assert!(parse_target(url).is_err(), "{url} must be refused");
        }
    }

    #[test]
    fn double_encoding_is_decoded_once_and_stays_literal() {
        assert_eq!(
            segments("/%252e%252e/Cargo.toml"),
            Ok(vec!["%2e%2e".to_string(), "Cargo.toml".to_string()])
        );
    }

    #[test]
    fn malformed_escapes_and_non_utf8_are_refused() {
        assert!(parse_target("/%").is_err());
        assert!(parse_target("/%zz").is_err());
        assert!(parse_target("/%ff").is_err());
        assert!(parse_target("*").is_err());
        assert!(parse_target("index.html").is_err());
    }

    #[test]
    fn absolute_form_keeps_only_the_path() {
        assert_eq!(
            segments("http://example.com/services/"),
            Ok(vec!["services".to_string()])
        );
        assert_eq!(segments("http://example.com"), Ok(vec![]));
        assert!(parse_target("http://example.com/../x").is_err());
    }

    #[test]
    fn repeated_slashes_merge() {
        assert_eq!(
            segments("//etc/passwd"),
            Ok(vec!["etc".to_string(), "passwd".to_string()])
        );
    }

    #[test]
    fn redirect_locations_are_encoded() {
        assert_eq!(
            encode_path(&["a b".to_string(), "é".to_string()]),
            "a%20b/%C3%A9"
        );
    }

    #[test]
    fn content_types_follow_extensions() {
        assert_eq!(content_type("index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("style.css"), "text/css; charset=utf-8");
        assert_eq!(content_type("api/services.json"), "application/json");
        assert_eq!(content_type("waivers.csv"), "text/csv; charset=utf-8");
        assert_eq!(content_type("map.SVG"), "image/svg+xml");
        assert_eq!(content_type("search.js"), "text/javascript; charset=utf-8");
        assert_eq!(content_type("LICENSE"), "application/octet-stream");
    }
}
