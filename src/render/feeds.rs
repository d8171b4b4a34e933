//! The Atom feeds (RFC 4287): questions added to the checklist
//! (`changelog/atom.xml`) and waivers expiring or expired
//! (`waivers/atom.xml`).
//!
//! Written by hand with the HTML escaper rather than with a feed crate:
//! the two feeds have a fixed shape, and the crates that fit
//! (`atom_syndication`) bring a date-time library and a builder macro for
//! what is a page of XML. Every date comes from the content or the
//! judgement day, never the clock, so a feed is deterministic. Every text
//! is escaped, and characters XML 1.0 forbids are dropped.

use jiff::civil::Date;

use crate::analyze::{Assessment, WaiverState};
use crate::markdown::escape_html;
use crate::model::Handbook;
use crate::urls;

/// The newest entries a feed keeps: a feed reader needs what changed
/// lately, and a large organisation has thousands of expired waivers (9,406
/// at 1,000 generated services: 3.4 MB of feed). The register and
/// `waivers.json` list them all.
const MAX_ENTRIES: usize = 100;

/// One entry of a feed.
struct Entry {
    id: String,
    title: String,
    link: String,
    updated: Date,
    summary: String,
}

/// A feed: its own page, its own address, and its entries newest first.
struct Feed<'a> {
    id: &'static str,
    title: String,
    page: String,
    feed: String,
    updated: Date,
    entries: Vec<Entry>,
    author: &'a str,
}

/// `changelog/atom.xml`: every question with a `since` day on or before
/// the judgement day, newest first.
pub fn changelog(h: &Handbook, a: &Assessment) -> Vec<u8> {
    let mut entries: Vec<Entry> = h
        .questions
        .iter()
        .filter_map(|q| {
            let since = q.since.filter(|&d| d <= a.today)?;
            Some(Entry {
                id: format!("urn:orr:question:{}", q.id),
                title: q.title.clone(),
                link: h.url(&urls::question(&q.category, &q.id)),
                updated: since,
                summary: format!("New {} question {} in {}", level(q), q.id, q.category),
            })
        })
        .collect();
    newest_first(&mut entries);
    write(&Feed {
        id: "urn:orr:feed:changelog",
        title: format!("{}: new questions", h.config.title),
        page: h.url(urls::CHANGELOG),
        feed: h.url(urls::CHANGELOG_FEED),
        updated: entries.first().map_or(a.today, |e| e.updated),
        entries,
        author: &h.config.title,
    })
}

fn level(q: &crate::model::Question) -> &'static str {
    match q.level {
        crate::model::Level::Required => "required",
        crate::model::Level::Recommended => "recommended",
    }
}

/// `waivers/atom.xml`: every waiver analyze judges expiring or expired,
/// dated by the day it entered that state; the feed is as of the judgement day.
pub fn waivers(h: &Handbook, a: &Assessment) -> Vec<u8> {
    let soon = h.config.policy.expiring_soon_days;
    let mut entries: Vec<Entry> = a
        .waivers
        .iter()
        .filter(|w| matches!(w.state, WaiverState::Expiring | WaiverState::Expired))
        .map(|w| Entry {
            id: format!(
                "urn:orr:waiver:{}:{}:{}",
                w.service,
                w.question,
                w.state.as_str()
            ),
            title: format!(
                "Waiver {}: {} on {}",
                w.state.as_str(),
                w.service,
                w.question
            ),
            link: h.url(&urls::service_answer(&w.service, &w.question)),
            updated: w.state_since(soon).unwrap_or(a.today),
            summary: format!(
                "Expires {} ({} days left as of {}). Approver: {}. Reason: {}",
                w.expires, w.days_left, a.today, w.approver, w.reason
            ),
        })
        .collect();
    newest_first(&mut entries);
    write(&Feed {
        id: "urn:orr:feed:waivers",
        title: format!("{}: waivers expiring or expired", h.config.title),
        page: h.url(urls::WAIVERS),
        feed: h.url(urls::WAIVERS_FEED),
        updated: a.today,
        entries,
        author: &h.config.title,
    })
}

/// Newest first; ties by id, so the order never depends on the input's.
fn newest_first(entries: &mut [Entry]) {
    entries.sort_by(|x, y| y.updated.cmp(&x.updated).then_with(|| x.id.cmp(&y.id)));
}

fn write(feed: &Feed<'_>) -> Vec<u8> {
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    xml.push_str("<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
    xml.push_str(&element("id", feed.id));
    xml.push_str(&element("title", &feed.title));
    xml.push_str(&element("updated", &timestamp(feed.updated)));
    xml.push_str(&format!(
        "<author><name>{}</name></author>\n",
        text(feed.author)
    ));
    xml.push_str(&link("alternate", &feed.page));
    xml.push_str(&link("self", &feed.feed));
    for e in feed.entries.iter().take(MAX_ENTRIES) {
        xml.push_str("<entry>\n");
        xml.push_str(&element("id", &e.id));
        xml.push_str(&element("title", &e.title));
        xml.push_str(&link("alternate", &e.link));
        xml.push_str(&element("updated", &timestamp(e.updated)));
        xml.push_str(&element("summary", &e.summary));
        xml.push_str("</entry>\n");
    }
    xml.push_str("</feed>\n");
    xml.into_bytes()
}

fn element(name: &str, value: &str) -> String {
    format!("<{name}>{}</{name}>\n", text(value))
}

fn link(rel: &str, href: &str) -> String {
    format!("<link rel=\"{rel}\" href=\"{}\"/>\n", text(href))
}

/// A day as an Atom date: midnight UTC.
fn timestamp(day: Date) -> String {
    format!("{day}T00:00:00Z")
}

/// Escaped text with the characters XML 1.0 cannot carry left out.
fn text(value: &str) -> String {
    let allowed: String = value.chars().filter(|&c| xml_char(c)).collect();
    escape_html(&allowed)
}

fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_feed_keeps_the_newest_entries_only() {
        let day = |d: i8| jiff::civil::date(2026, 1, 1 + d % 28);
        let mut entries: Vec<Entry> = (0..150)
            .map(|i| Entry {
                id: format!("urn:x:{i:03}"),
                title: String::new(),
                link: String::new(),
                updated: day((i % 28) as i8),
                summary: String::new(),
            })
            .collect();
        newest_first(&mut entries);
        let xml = String::from_utf8(write(&Feed {
            id: "urn:x",
            title: String::new(),
            page: String::new(),
            feed: String::new(),
            updated: day(27),
            entries,
            author: "",
        }))
        .unwrap_or_default();
        assert_eq!(xml.matches("<entry>").count(), MAX_ENTRIES);
        assert!(xml.contains("2026-01-28") && !xml.contains("<updated>2026-01-01"));
    }

    #[test]
    fn text_drops_what_xml_forbids_and_escapes_markup() {
        assert_eq!(text("a\u{0}<b>&\u{FFFE}"), "a&lt;b&gt;&amp;");
    }
}
