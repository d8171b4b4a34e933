//! The concept map (every concept by group, with its links and how many
//! questions draw on it) and each concept's page (its links both ways and
//! the questions that name it).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::model::{Concept, ConceptLink, Handbook};
use crate::render::figures;
use crate::render::fragments::Fragments;
use crate::urls;

#[derive(Serialize)]
pub(super) struct ConceptMap<'a> {
    title: &'static str,
    map_svg: String,
    groups: Vec<ConceptGroup<'a>>,
}

#[derive(Serialize)]
struct ConceptGroup<'a> {
    group: &'a str,
    concepts: Vec<ConceptEntry<'a>>,
}

#[derive(Serialize)]
struct ConceptEntry<'a> {
    id: &'a str,
    title: &'a str,
    url: String,
    /// How many questions name it.
    questions: usize,
    links: Vec<OutboundLink<'a>>,
}

/// A link from the concept to another; `title` is `None` when the other
/// concept does not exist.
#[derive(Serialize)]
struct OutboundLink<'a> {
    to: &'a str,
    label: &'a str,
    url: String,
    title: Option<&'a str>,
}

#[derive(Serialize)]
pub(super) struct ConceptPage<'a> {
    title: &'a str,
    concept: ConceptHead<'a>,
    outbound: Vec<OutboundLink<'a>>,
    inbound: Vec<InboundLink<'a>>,
    questions: Vec<&'a tera::Value>,
}

#[derive(Serialize)]
struct ConceptHead<'a> {
    id: &'a str,
    title: &'a str,
    group: &'a str,
    html: &'a str,
}

/// A link from another concept to this one.
#[derive(Serialize)]
struct InboundLink<'a> {
    title: &'a str,
    label: &'a str,
    url: String,
}

fn outbound<'a>(h: &Handbook, f: &Fragments<'a>, l: &'a ConceptLink) -> OutboundLink<'a> {
    OutboundLink {
        to: &l.to,
        label: &l.label,
        url: h.url(&urls::concept(&l.to)),
        title: f.lookup.concept(&l.to).map(|k| k.title.as_str()),
    }
}

pub(super) fn map<'a>(h: &'a Handbook, f: &Fragments<'a>) -> ConceptMap<'a> {
    let mut groups: BTreeMap<&str, Vec<ConceptEntry>> = BTreeMap::new();
    for c in &h.concepts {
        groups.entry(&c.group).or_default().push(ConceptEntry {
            id: &c.id,
            title: &c.title,
            url: h.url(&urls::concept(&c.id)),
            questions: f.lookup.questions_naming(&c.id).len(),
            links: c.links.iter().map(|l| outbound(h, f, l)).collect(),
        });
    }
    ConceptMap {
        title: "Concept map",
        map_svg: figures::concept_map(h, &f.lookup),
        groups: groups
            .into_iter()
            .map(|(group, concepts)| ConceptGroup { group, concepts })
            .collect(),
    }
}

/// The page of `h.concepts[i]`.
pub(super) fn concept<'a>(h: &'a Handbook, f: &'a Fragments<'a>, i: usize) -> ConceptPage<'a> {
    let c: &Concept = &h.concepts[i];
    ConceptPage {
        title: &c.title,
        concept: ConceptHead {
            id: &c.id,
            title: &c.title,
            group: &c.group,
            html: &c.html,
        },
        outbound: c.links.iter().map(|l| outbound(h, f, l)).collect(),
        inbound: f
            .lookup
            .links_to(&c.id)
            .iter()
            .map(|(k, l)| InboundLink {
                title: &k.title,
                label: &l.label,
                url: h.url(&urls::concept(&k.id)),
            })
            .collect(),
        questions: f
            .lookup
            .questions_naming(&c.id)
            .iter()
            .filter_map(|&qi| f.questions.get(qi))
            .collect(),
    }
}
