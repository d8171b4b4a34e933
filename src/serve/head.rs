//! Reading one request head from a client, bounded in size and in time,
//! and parsing it (httparse). Nothing of a request reaches the handler
//! before its whole head is in and within the limits; bodies are never
//! read (this server only answers GET and HEAD).

use std::io::{self, Read};
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// One parsed request head.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RequestHead {
    /// As sent: "GET", "HEAD", "POST"...
    pub method: String,
    /// The request target as sent ("/a/b?x", or absolute form).
    pub target: String,
    /// 0 for HTTP/1.0, 1 for HTTP/1.1.
    pub minor_version: u8,
    /// Header names and values, in order, as sent.
    pub headers: Vec<(String, Vec<u8>)>,
}

impl RequestHead {
    /// The values of every header named `name` (case-insensitive).
    pub fn values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a [u8]> + 'a {
        self.headers
            .iter()
            .filter(move |(field, _)| field.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_slice())
    }

    /// Whether the client asks to keep the connection open afterwards:
    /// HTTP/1.1 unless `Connection: close`, HTTP/1.0 only with
    /// `Connection: keep-alive`.
    pub fn wants_keep_alive(&self) -> bool {
        let has_token = |token: &str| {
            self.values("Connection").any(|value| {
                value
                    .split(|byte| *byte == b',')
                    .any(|part| part.trim_ascii().eq_ignore_ascii_case(token.as_bytes()))
            })
        };
        if self.minor_version == 0 {
            has_token("keep-alive")
        } else {
            !has_token("close")
        }
    }
}

/// Why no request head could be read.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum HeadError {
    /// The client closed the connection (or was evicted) before sending a
    /// byte of a new request: nothing to answer.
    Closed,
    /// The head did not arrive before the deadline: 408 if part of it had.
    TimedOut { partial: bool },
    /// The request line alone exceeds the limit: 414.
    TargetTooLong,
    /// The head exceeds the size limit or has too many header lines: 431.
    HeadTooLarge,
    /// Not HTTP/1.x: 400.
    Malformed(&'static str),
}

impl HeadError {
    /// The line of text answered with the status.
    pub fn message(&self) -> &'static str {
        match self {
            HeadError::Closed | HeadError::TimedOut { .. } => "request head not received in time\n",
            HeadError::TargetTooLong => "request target too long\n",
            HeadError::HeadTooLarge => "request head too large\n",
            HeadError::Malformed(reason) => reason,
        }
    }

    /// The status to answer with, if any.
    pub fn status(&self) -> Option<u16> {
        match self {
            HeadError::Closed | HeadError::TimedOut { partial: false } => None,
            HeadError::TimedOut { partial: true } => Some(408),
            HeadError::TargetTooLong => Some(414),
            HeadError::HeadTooLarge => Some(431),
            HeadError::Malformed(_) => Some(400),
        }
    }
}

/// The bounds of one head.
#[derive(Debug, Clone, Copy)]
pub(crate) struct HeadLimits {
    pub max_bytes: usize,
    pub max_headers: usize,
    pub timeout: Duration,
}

/// Reads bytes from a connection into a buffer kept across requests (a
/// pipelining client's next request may already be in it).
pub(crate) struct HeadReader {
    buffer: Vec<u8>,
}

impl HeadReader {
    pub fn new() -> Self {
        HeadReader { buffer: Vec::new() }
    }

    /// Whether bytes of a next request are already buffered.
    pub fn has_buffered(&self) -> bool {
        !self.buffer.is_empty()
    }

    /// Reads until one whole head is in, the limit is passed, or the
    /// deadline (from now) passes. At most `max_bytes` plus one read's worth
    /// is ever held.
    pub fn next_head(
        &mut self,
        stream: &TcpStream,
        limits: HeadLimits,
    ) -> Result<RequestHead, HeadError> {
        let deadline = Instant::now() + limits.timeout;
        let mut chunk = [0u8; 4096];
        loop {
            if !self.buffer.is_empty() {
                if let Some(head) = self.try_parse(limits)? {
                    return Ok(head);
                }
            }
            let remaining = deadline.saturating_duration_since(Instant::now());
            if remaining.is_zero() {
                return Err(HeadError::TimedOut {
                    partial: !self.buffer.is_empty(),
                });
            }
            if stream.set_read_timeout(Some(remaining)).is_err() {
                return Err(HeadError::Closed);
            }
            match (&*stream).read(&mut chunk) {
                Ok(0) => return Err(HeadError::Closed),
                Ok(read) => self.buffer.extend_from_slice(&chunk[..read]),
                Err(error) if is_timeout(&error) => {
                    return Err(HeadError::TimedOut {
                        partial: !self.buffer.is_empty(),
                    })
                }
                Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => return Err(HeadError::Closed),
            }
        }
    }

    /// Parses the buffered bytes: a head, `None` for "need more", or the
    /// reason to refuse.
    fn try_parse(&mut self, limits: HeadLimits) -> Result<Option<RequestHead>, HeadError> {
        // Blank lines before a request line are allowed (RFC 9112 2.2).
        let leading = self
            .buffer
            .iter()
            .take_while(|byte| matches!(byte, b'\r' | b'\n'))
            .count();
        self.buffer.drain(..leading);
        let mut headers = vec![httparse::EMPTY_HEADER; limits.max_headers];
        let mut request = httparse::Request::new(&mut headers);
        match request.parse(&self.buffer) {
            Ok(httparse::Status::Complete(length)) => {
                if length > limits.max_bytes {
                    return Err(HeadError::HeadTooLarge);
                }
                let head = RequestHead {
                    method: request.method.unwrap_or_default().to_string(),
                    target: request.path.unwrap_or_default().to_string(),
                    minor_version: request.version.unwrap_or(1),
                    headers: request
                        .headers
                        .iter()
                        .map(|header| (header.name.to_string(), header.value.to_vec()))
                        .collect(),
                };
                self.buffer.drain(..length);
                Ok(Some(head))
            }
            Ok(httparse::Status::Partial) if self.buffer.len() > limits.max_bytes => {
                if self.buffer.contains(&b'\n') {
                    Err(HeadError::HeadTooLarge)
                } else {
                    Err(HeadError::TargetTooLong)
                }
            }
            Ok(httparse::Status::Partial) => Ok(None),
            Err(httparse::Error::TooManyHeaders) => Err(HeadError::HeadTooLarge),
            Err(httparse::Error::Version) => Err(HeadError::Malformed(
                "bad request: this server speaks HTTP/1.0 and HTTP/1.1 only\n",
            )),
            Err(_) => Err(HeadError::Malformed(
                "bad request: malformed request head\n",
            )),
        }
    }
}

fn is_timeout(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(bytes: &[u8]) -> Result<Option<RequestHead>, HeadError> {
        let mut reader = HeadReader {
            buffer: bytes.to_vec(),
        };
        reader.try_parse(HeadLimits {
            max_bytes: 64,
            max_headers: 4,
            timeout: Duration::from_secs(1),
        })
    }

    #[test]
    fn a_complete_head_is_parsed_and_a_partial_one_waits() {
        let head = parse(b"\r\nGET /a HTTP/1.0\r\nHost: x\r\n\r\nGET /b")
            .ok()
            .flatten();
        let head = head.unwrap_or_else(|| panic!("no head"));
        assert_eq!((head.method.as_str(), head.target.as_str()), ("GET", "/a"));
        assert_eq!(head.minor_version, 0);
        assert!(!head.wants_keep_alive());
        assert_eq!(parse(b"GET /a HTTP/1.1\r\nHo"), Ok(None));
    }

    #[test]
    fn limits_and_junk_become_statuses() {
        let long_target = format!("GET /{} HTTP/1.1", "a".repeat(100));
        assert_eq!(parse(long_target.as_bytes()), Err(HeadError::TargetTooLong));
        let long_header = format!("GET / HTTP/1.1\r\nX: {}", "a".repeat(100));
        assert_eq!(parse(long_header.as_bytes()), Err(HeadError::HeadTooLarge));
        let many = "GET / HTTP/1.1\r\na: 1\r\nb: 1\r\nc: 1\r\nd: 1\r\ne: 1\r\n\r\n";
        assert_eq!(parse(many.as_bytes()), Err(HeadError::HeadTooLarge));
        assert!(matches!(
            parse(b"GET / HTTP/2.0\r\n\r\n"),
            Err(HeadError::Malformed(_))
        ));
        assert!(matches!(
            parse(&[0xff, 0xfe, b'\r', b'\n', b'\r', b'\n']),
            Err(HeadError::Malformed(_))
        ));
    }

    #[test]
    fn keep_alive_follows_the_version_and_connection_tokens() {
        let head = |version: u8, connection: &str| RequestHead {
            method: "GET".to_string(),
            target: "/".to_string(),
            minor_version: version,
            headers: vec![("Connection".to_string(), connection.as_bytes().to_vec())],
        };
        assert!(head(1, "").wants_keep_alive());
        assert!(!head(1, "foo, Close").wants_keep_alive());
        assert!(head(0, "Keep-Alive").wants_keep_alive());
        assert!(!head(0, "").wants_keep_alive());
    }
}
