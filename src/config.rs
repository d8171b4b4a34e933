//! `content/orr.yaml`: site settings and the review policy.
//!
//! Every key is known: an unknown one is an error, because a typo must never
//! silently change policy.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The whole of `orr.yaml`, with defaults for what is left out.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default = "default_title")]
    pub title: String,
    #[serde(default = "default_base_url")]
    pub base_url: String,
    #[serde(default, deserialize_with = "crate::load::yaml::scalar_string")]
    pub bank_version: Option<String>,
    #[serde(default)]
    pub policy: Policy,
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    /// Set when `orr.yaml` failed to parse: tag checks are skipped so one typo does not cascade.
    #[serde(skip)]
    pub unparsed: bool,
}

impl Config {
    /// Whether `tag` may be used (any tag, when the settings could not be read).
    pub fn knows_tag(&self, tag: &str) -> bool {
        self.unparsed || self.tags.contains_key(tag)
    }
}

/// The rules a review applies, in days and scores.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Policy {
    pub waiver_max_days: i64,
    pub expiring_soon_days: i64,
    pub review_max_age_days: i64,
    pub risk_blocker_score: u32,
    /// A chain of calls whose retries multiply to this many calls or more is flagged.
    pub retry_amplification_max: u64,
    /// A waiver `history` event may be dated this many days before the commit that records it.
    pub history_backdate_days: i64,
    /// Whether the person named as a waiver's approver may also be the author who adds it.
    pub approver_may_author: bool,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            waiver_max_days: 180,
            expiring_soon_days: 30,
            review_max_age_days: 365,
            risk_blocker_score: 15,
            retry_amplification_max: 10,
            history_backdate_days: 7,
            approver_may_author: false,
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            title: default_title(),
            base_url: default_base_url(),
            bank_version: None,
            policy: Policy::default(),
            tags: BTreeMap::new(),
            unparsed: false,
        }
    }
}

fn default_title() -> String {
    "Operational Readiness Handbook".to_string()
}

fn default_base_url() -> String {
    "/".to_string()
}

/// A base URL is site-absolute (`/`, `/handbook/`) or an `http(s)://host` URL:
/// it starts every link of the site, so no other scheme, and no other origin
/// by the back door: `//host`, `/\host` and `\\host` are read by browsers as
/// another host, and tabs or newlines are dropped by their URL parsers, so
/// `/\t/host` is `//host`. Whitespace, `\`, `?` and `#` are refused anywhere.
pub fn check_base_url(url: &str) -> Result<(), String> {
    let url = url.trim();
    let refuse = |why: &str| {
        Err(format!(
            "base URL `{}` {why}",
            crate::diagnostics::visible(url)
        ))
    };
    if let Some(c) = url
        .chars()
        .find(|c| c.is_whitespace() || c.is_control() || matches!(c, '\\' | '?' | '#'))
    {
        let shown = crate::diagnostics::visible(&c.to_string());
        return refuse(&format!(
            "contains `{shown}`; it must start with `/` or be an `https://` URL"
        ));
    }
    let web = matches!(crate::links::classify(url), crate::links::LinkKind::Web);
    let after_scheme = url.split_once(':').map_or("", |(_, rest)| rest);
    let host_given = after_scheme
        .strip_prefix("//")
        .is_some_and(|host| host.starts_with(|c: char| c != '/'));
    if (web && host_given) || (url.starts_with('/') && !url.starts_with("//")) {
        Ok(())
    } else {
        refuse("must start with `/` or be an `https://host/` URL")
    }
}

/// A base URL always ends with exactly one `/`, so links are `base + path`.
pub fn normalize_base_url(url: &str) -> String {
    let trimmed = url.trim().trim_end_matches('/');
    format!("{trimmed}/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_stay_on_their_origin() {
        for ok in [
            "/",
            "/handbook/",
            " /a/b ",
            "https://orr.example/",
            "http://h.example/x/",
        ] {
            assert_eq!(check_base_url(ok), Ok(()), "{ok}");
        }
        for bad in [
            "//evil.example/",
            "/\\evil.example/",
            "\\\\evil.example/",
            "\\/evil.example/",
            "/\t/evil.example/",
            "/\n/evil.example/",
            "/a\tb/",
            "/a b/",
            "https:evil.example",
            "https:/evil.example",
            "https:///evil.example",
            "javascript:alert(1)//",
            "JavaScript:alert(1)",
            "data:text/html,x",
            "evil.example/",
            "/?q=/",
            "/#x",
            "",
        ] {
            assert!(check_base_url(bad).is_err(), "{bad:?} was accepted");
        }
        assert!(check_base_url("/\u{1b}[2J/")
            .unwrap_err()
            .contains("\\u{1b}"));
    }
}
