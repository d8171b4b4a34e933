//! The `Host` allow-list that defeats DNS rebinding: a page on a hostile
//! site whose name is made to resolve to 127.0.0.1 can reach the preview
//! server, but its requests still name the hostile host. Only local names
//! and IP literals of this server are answered (421 otherwise).
//!
//! Allowed, each with or without this server's port: `localhost`,
//! `127.0.0.1`, `[::1]` and the bound address; when bound to every address
//! (`0.0.0.0` or `::`), any IP literal, since the server is reachable at all
//! of them and an IP literal cannot be rebound to another address.

use std::net::{IpAddr, SocketAddr};

use super::head::RequestHead;

/// What the request's authority says about where it was meant to go.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum HostVerdict {
    Allowed,
    /// Another host: 421 Misdirected Request.
    Misdirected,
    /// No Host on HTTP/1.1, several, or an unreadable one: 400.
    Invalid(&'static str),
}

/// Judges the request's `Host` header and, for an absolute-form target,
/// its authority (which takes precedence, RFC 9112 3.2.2).
pub(crate) fn judge(head: &RequestHead, bound: SocketAddr) -> HostVerdict {
    let mut hosts = head.values("Host");
    let host = hosts.next();
    if hosts.next().is_some() {
        return HostVerdict::Invalid("more than one Host header");
    }
    if let Some(authority) = absolute_form_authority(&head.target) {
        return verdict(authority.as_bytes(), bound);
    }
    match host {
        Some(host) => verdict(host, bound),
        // HTTP/1.0 predates Host. Browsers always send one, and DNS
        // rebinding needs a browser, so allowing its absence costs nothing
        // and keeps simple tools (`curl -0`, old proxies) working.
        None if head.minor_version == 0 => HostVerdict::Allowed,
        None => HostVerdict::Invalid("HTTP/1.1 requests must have a Host header"),
    }
}

fn verdict(host: &[u8], bound: SocketAddr) -> HostVerdict {
    match std::str::from_utf8(host) {
        Ok(host) if is_allowed(host.trim(), bound) => HostVerdict::Allowed,
        Ok(_) => HostVerdict::Misdirected,
        Err(_) => HostVerdict::Invalid("the Host header is not ASCII"),
    }
}

/// The authority of "http://authority/path", if the target has that form
/// (other schemes name no host of ours; the target parser refuses them).
fn absolute_form_authority(target: &str) -> Option<&str> {
    let (scheme, rest) = target.split_once("://")?;
    if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
        return None;
    }
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    Some(&rest[..end])
}

/// Whether `host` ("name" or "name:port") names this server.
pub(crate) fn is_allowed(host: &str, bound: SocketAddr) -> bool {
    let Some((name, port)) = split_port(host) else {
        return false;
    };
    if port.is_some_and(|port| port != bound.port()) {
        return false;
    }
    if name.eq_ignore_ascii_case("localhost") {
        return true;
    }
    let literal = name
        .strip_prefix('[')
        .and_then(|inner| inner.strip_suffix(']'));
    let address = match literal {
        Some(inner) => inner.parse::<std::net::Ipv6Addr>().ok().map(IpAddr::V6),
        None => name.parse::<std::net::Ipv4Addr>().ok().map(IpAddr::V4),
    };
    let Some(address) = address else {
        return false;
    };
    is_local_loopback(address) || address == bound.ip() || bound.ip().is_unspecified()
}

/// 127.0.0.1 and ::1 exactly (not the whole 127/8: nothing listens there
/// for us unless bound to it, which the bound-address rule covers).
fn is_local_loopback(address: IpAddr) -> bool {
    address == IpAddr::from([127, 0, 0, 1]) || address == IpAddr::from([0u16, 0, 0, 0, 0, 0, 0, 1])
}

/// "name:port" -> (name, Some(port)); "name" -> (name, None); `None` when
/// the port is not a number. IPv6 literals keep their brackets.
fn split_port(host: &str) -> Option<(&str, Option<u16>)> {
    let (name, port) = if host.starts_with('[') {
        let close = host.find(']')?;
        let (name, rest) = host.split_at(close + 1);
        match rest.strip_prefix(':') {
            Some(port) => (name, Some(port)),
            None if rest.is_empty() => (name, None),
            None => return None,
        }
    } else {
        match host.split_once(':') {
            Some((name, port)) => (name, Some(port)),
            None => (host, None),
        }
    };
    match port {
        Some(port) => port.parse::<u16>().ok().map(|port| (name, Some(port))),
        None => Some((name, None)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bound(text: &str) -> SocketAddr {
        text.parse().unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn local_names_with_or_without_the_port_are_allowed() {
        let at = bound("127.0.0.1:1111");
        for host in [
            "localhost",
            "LOCALHOST:1111",
            "127.0.0.1",
            "127.0.0.1:1111",
            "[::1]",
            "[::1]:1111",
        ] {
            assert!(is_allowed(host, at), "{host}");
        }
        for host in [
            "evil.example",
            "localhost:1112",
            "localhost.evil.example",
            "127.0.0.2",
            "[::1]x",
            "localhost:",
            "localhost:99999",
            "",
            "::1",
        ] {
            assert!(!is_allowed(host, at), "{host}");
        }
    }

    #[test]
    fn the_bound_address_and_any_literal_when_bound_everywhere() {
        assert!(is_allowed("192.168.1.5:8000", bound("192.168.1.5:8000")));
        assert!(!is_allowed("192.168.1.6:8000", bound("192.168.1.5:8000")));
        assert!(is_allowed("192.168.1.6:8000", bound("0.0.0.0:8000")));
        assert!(!is_allowed("evil.example:8000", bound("0.0.0.0:8000")));
    }

    #[test]
    fn absolute_form_authorities_are_found() {
        assert_eq!(
            absolute_form_authority("http://evil.example/x"),
            Some("evil.example")
        );
        assert_eq!(absolute_form_authority("http://a:1?q"), Some("a:1"));
        assert_eq!(absolute_form_authority("/x?u=http://a/"), None);
    }
}
