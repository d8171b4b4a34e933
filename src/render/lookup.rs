//! Indexes over the handbook made once per build, so that pages find a
//! category, a concept, a postmortem, the questions of a category or of a
//! concept, or the links into a concept without scanning every item each time.

use std::collections::BTreeMap;

use crate::model::{Category, Concept, ConceptLink, Handbook, Postmortem};

pub(crate) struct Lookup<'a> {
    categories: BTreeMap<&'a str, &'a Category>,
    concepts: BTreeMap<&'a str, &'a Concept>,
    postmortems: BTreeMap<&'a str, &'a Postmortem>,
    /// Question indexes by category id, in question order.
    by_category: BTreeMap<&'a str, Vec<usize>>,
    /// Question indexes by the concepts they name, in question order, once each.
    by_concept: BTreeMap<&'a str, Vec<usize>>,
    /// For each concept id, the links pointing at it, in concept order.
    inbound: BTreeMap<&'a str, Vec<(&'a Concept, &'a ConceptLink)>>,
}

impl<'a> Lookup<'a> {
    /// O(items x log items). Where two items share an id the first one
    /// wins, as a linear `find` would have it.
    pub fn new(h: &'a Handbook) -> Self {
        let mut by_category: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        let mut by_concept: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (i, q) in h.questions.iter().enumerate() {
            by_category.entry(&q.category).or_default().push(i);
            for c in &q.concepts {
                let list = by_concept.entry(c).or_default();
                if list.last() != Some(&i) {
                    list.push(i);
                }
            }
        }
        let mut inbound: BTreeMap<&str, Vec<(&Concept, &ConceptLink)>> = BTreeMap::new();
        for c in &h.concepts {
            for l in &c.links {
                inbound.entry(&l.to).or_default().push((c, l));
            }
        }
        Lookup {
            categories: first_by_id(h.categories.iter().map(|c| (c.id.as_str(), c))),
            concepts: first_by_id(h.concepts.iter().map(|c| (c.id.as_str(), c))),
            postmortems: first_by_id(h.postmortems.iter().map(|p| (p.id.as_str(), p))),
            by_category,
            by_concept,
            inbound,
        }
    }

    pub fn category(&self, id: &str) -> Option<&'a Category> {
        self.categories.get(id).copied()
    }

    /// The category's title, or "" for an unknown id.
    pub fn category_title(&self, id: &str) -> &'a str {
        self.category(id).map_or("", |c| c.title.as_str())
    }

    pub fn concept(&self, id: &str) -> Option<&'a Concept> {
        self.concepts.get(id).copied()
    }

    pub fn postmortem(&self, id: &str) -> Option<&'a Postmortem> {
        self.postmortems.get(id).copied()
    }

    /// Indexes of the questions of a category, in question order.
    pub fn questions_in(&self, category: &str) -> &[usize] {
        self.by_category.get(category).map_or(&[], Vec::as_slice)
    }

    /// Indexes of the questions that name a concept, in question order.
    pub fn questions_naming(&self, concept: &str) -> &[usize] {
        self.by_concept.get(concept).map_or(&[], Vec::as_slice)
    }

    /// The links of other concepts to `concept`, in concept order.
    pub fn links_to(&self, concept: &str) -> &[(&'a Concept, &'a ConceptLink)] {
        self.inbound.get(concept).map_or(&[], Vec::as_slice)
    }
}

fn first_by_id<'a, T>(items: impl Iterator<Item = (&'a str, &'a T)>) -> BTreeMap<&'a str, &'a T> {
    let mut map = BTreeMap::new();
    for (id, item) in items {
        map.entry(id).or_insert(item);
    }
    map
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::pages::test_support::{category, concept, handbook, question};

    #[test]
    fn a_question_naming_a_concept_twice_counts_once() {
        let mut q = question("q1", "cap");
        q.concepts = vec!["slo".into(), "slo".into()];
        let mut other = question("q2", "cap");
        other.concepts = vec!["slo".into()];
        let h = handbook(vec![], vec![q, other], vec![concept("slo", &[])], vec![]);
        let lookup = Lookup::new(&h);
        assert_eq!(lookup.questions_naming("slo"), &[0, 1]);
        assert!(lookup.questions_naming("nope").is_empty());
    }

    #[test]
    fn inbound_links_come_in_concept_order_and_the_first_of_an_id_wins() {
        let mut twin = concept("a", &[("c", "twin")]);
        twin.title = "Twin".into();
        let h = handbook(
            vec![category("cap"), category("cap")],
            vec![question("q1", "cap"), question("q2", "other")],
            vec![
                concept("a", &[("c", "feeds")]),
                concept("b", &[("c", "needs"), ("a", "uses")]),
                twin,
            ],
            vec![],
        );
        let lookup = Lookup::new(&h);
        let labels: Vec<&str> = lookup
            .links_to("c")
            .iter()
            .map(|(_, l)| l.label.as_str())
            .collect();
        assert_eq!(labels, ["feeds", "needs", "twin"]);
        assert_eq!(
            lookup.concept("a").map(|c| c.title.as_str()),
            Some("Concept a")
        );
        assert_eq!(lookup.questions_in("cap"), &[0]);
        assert_eq!(lookup.category_title("nope"), "");
    }
}
