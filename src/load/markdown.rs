//! Markdown parsed once into sections, with byte offsets kept for diagnostics.
//!
//! A question bank is cut at every level-2 heading; each piece keeps its
//! pulldown-cmark events (owned), so `resolve` renders them to HTML without
//! parsing the text again.

use std::ops::Range;

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// The Markdown extensions every handbook file is read with.
pub fn options() -> Options {
    Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_FOOTNOTES
}

/// A level-2 heading and what its attribute block said.
#[derive(Debug, Clone)]
pub struct Heading {
    pub text: String,
    pub id: Option<String>,
    pub classes: Vec<String>,
    pub attrs: Vec<(String, Option<String>)>,
    /// Byte offset of the heading in the file.
    pub offset: usize,
}

/// An owned event with its byte range in the file.
pub type SpannedEvent = (Event<'static>, Range<usize>);

/// A run of Markdown: the part before the first level-2 heading, or one heading and what follows it.
#[derive(Debug, Clone, Default)]
pub struct Section {
    pub heading: Option<Heading>,
    /// All events, the heading's own included.
    pub events: Vec<SpannedEvent>,
    /// Index in `events` where the content after the heading starts.
    pub body_start: usize,
}

impl Section {
    /// The events after the heading: a question's guidance.
    pub fn body(&self) -> &[SpannedEvent] {
        &self.events[self.body_start..]
    }
}

/// Parses `body` (at byte `offset` of its file); with `split_h2`, cuts it at level-2 headings.
pub fn sections(body: &str, offset: usize, split_h2: bool) -> Vec<Section> {
    let mut out = vec![Section::default()];
    let mut in_h2: Option<Heading> = None;
    // Headings inside block quotes, lists or footnotes belong to that block: only
    // top-level ones cut the document (else the block's HTML would be split open).
    let mut nesting = 0usize;
    for (event, range) in Parser::new_ext(body, options()).into_offset_iter() {
        let range = range.start + offset..range.end + offset;
        match &event {
            Event::Start(
                Tag::BlockQuote(_) | Tag::List(_) | Tag::Item | Tag::FootnoteDefinition(_),
            ) => nesting += 1,
            Event::End(
                TagEnd::BlockQuote(_) | TagEnd::List(_) | TagEnd::Item | TagEnd::FootnoteDefinition,
            ) => nesting = nesting.saturating_sub(1),
            _ => {}
        }
        match &event {
            Event::Start(Tag::Heading {
                level: HeadingLevel::H2,
                id,
                classes,
                attrs,
            }) if split_h2 && nesting == 0 => {
                in_h2 = Some(Heading {
                    text: String::new(),
                    id: id.as_ref().map(|s| s.to_string()),
                    classes: classes.iter().map(|c| c.to_string()).collect(),
                    attrs: attrs
                        .iter()
                        .map(|(k, v)| (k.to_string(), v.as_ref().map(|v| v.to_string())))
                        .collect(),
                    offset: range.start,
                });
                // The attributes are orr's metadata (`level=`, `category=`), read
                // above: the event that becomes HTML keeps only the id and classes.
                let stripped = Event::Start(Tag::Heading {
                    level: HeadingLevel::H2,
                    id: id.clone(),
                    classes: classes.clone(),
                    attrs: Vec::new(),
                });
                out.push(Section::default());
                if let Some(section) = out.last_mut() {
                    section.events.push((stripped.into_static(), range));
                }
                continue;
            }
            Event::End(TagEnd::Heading(HeadingLevel::H2)) if split_h2 && in_h2.is_some() => {
                if let (Some(heading), Some(section)) = (in_h2.take(), out.last_mut()) {
                    section.events.push((event.into_static(), range));
                    section.body_start = section.events.len();
                    section.heading = Some(Heading {
                        text: heading.text.trim().to_string(),
                        ..heading
                    });
                    continue;
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some(h) = in_h2.as_mut() {
                    h.text.push_str(t);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some(h) = in_h2.as_mut() {
                    h.text.push(' ');
                }
            }
            _ => {}
        }
        if let Some(section) = out.last_mut() {
            section.events.push((event.into_static(), range));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_at_level_two_headings_with_attributes() {
        let md = "Intro.\n\n## Is it `measured`? {#cap-a level=required concepts=a,b}\n\nWhy.\n\n### Sub\n\n## Plain\n\nText\n";
        let s = sections(md, 100, true);
        assert_eq!(s.len(), 3);
        assert!(s[0].heading.is_none());
        let h = s[1].heading.as_ref().unwrap();
        assert_eq!(h.text, "Is it measured?");
        assert_eq!(h.id.as_deref(), Some("cap-a"));
        assert_eq!(
            h.attrs,
            vec![
                ("level".to_string(), Some("required".to_string())),
                ("concepts".to_string(), Some("a,b".to_string()))
            ]
        );
        assert_eq!(h.offset, 108);
        assert!(s[1]
            .body()
            .iter()
            .any(|(e, _)| matches!(e, Event::Text(t) if t.as_ref() == "Sub")));
        assert!(s[2].heading.as_ref().unwrap().id.is_none());
        assert!(
            matches!(&s[1].events[0].0, Event::Start(Tag::Heading { attrs, .. }) if attrs.is_empty())
        );
    }

    #[test]
    fn keeps_everything_in_one_section_without_splitting() {
        let s = sections("## A\n\nB\n", 0, false);
        assert_eq!(s.len(), 1);
        assert!(s[0].heading.is_none());
    }
}
