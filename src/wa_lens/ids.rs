//! Ids between the two worlds: a lens id (`[A-Za-z0-9_]{3,128}`) and an orr
//! id (`[a-z0-9][a-z0-9-]*`).
//!
//! The two maps are inverse on every orr id that does not end in `-`: export
//! writes `-` as `_` (and pads ids shorter than 3 with `_`), import reads `_`
//! as `-`, lowercases, and splits camelCase. So a lens that orr exported
//! comes back with the same ids, and an AWS lens gets ids that are stable
//! across imports (they depend only on the lens id, never on the order).

use std::collections::BTreeSet;

use crate::resolve::ids::is_valid_id;

use super::format::{MAX_ID, MIN_ID};

/// The orr id a lens id stands for: kept when it is already a valid orr id,
/// else lowercased with `_`, other punctuation and camelCase humps turned into
/// `-`; `None` when nothing of it is usable (no letter or digit).
pub fn orr_id(lens_id: &str) -> Option<String> {
    if is_valid_id(lens_id) {
        return Some(lens_id.to_string());
    }
    let mut out = String::new();
    let mut previous: Option<char> = None;
    for c in lens_id.chars() {
        if c.is_ascii_uppercase() {
            if previous.is_some_and(|p| p.is_ascii_lowercase() || p.is_ascii_digit()) {
                out.push('-');
            }
            out.push(c.to_ascii_lowercase());
        } else if c.is_ascii_lowercase() || c.is_ascii_digit() {
            out.push(c);
        } else {
            out.push('-');
        }
        previous = Some(c);
    }
    let trimmed = out.trim_matches('-');
    (!trimmed.is_empty()).then(|| trimmed.to_string())
}

/// `id` with `prefix-` in front, unless it already starts so (a second import
/// of an exported lens must not stack prefixes).
pub fn with_prefix(id: &str, prefix: Option<&str>) -> String {
    match prefix {
        Some(p) if !id.starts_with(&format!("{p}-")) => format!("{p}-{id}"),
        _ => id.to_string(),
    }
}

/// The lens id for an orr id: `-` written `_`, padded with `_` to 3, cut to 128.
pub fn lens_id(orr_id: &str) -> String {
    let mut id: String = orr_id
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .take(MAX_ID)
        .collect();
    while id.len() < MIN_ID {
        id.push('_');
    }
    id
}

/// Hands out ids unique within one scope: a taken id gets `-2`, `-3`, ...
#[derive(Default)]
pub struct Unique {
    taken: BTreeSet<String>,
}

impl Unique {
    /// `wanted` if free, else the first free `wanted-N`; the flag says whether it changed.
    pub fn claim(&mut self, wanted: &str) -> (String, bool) {
        if self.taken.insert(wanted.to_string()) {
            return (wanted.to_string(), false);
        }
        let mut n = 2usize;
        loop {
            let candidate = format!("{wanted}-{n}");
            if self.taken.insert(candidate.clone()) {
                return (candidate, true);
            }
            n += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lens_ids_become_orr_ids() {
        assert_eq!(orr_id("privacy01").as_deref(), Some("privacy01"));
        assert_eq!(orr_id("backups_rpo").as_deref(), Some("backups-rpo"));
        assert_eq!(
            orr_id("operationalExcellence").as_deref(),
            Some("operational-excellence")
        );
        assert_eq!(
            orr_id("company_Privacy").as_deref(),
            Some("company-privacy")
        );
        assert_eq!(orr_id("__x__").as_deref(), Some("x"));
        assert_eq!(orr_id("___"), None);
        assert_eq!(orr_id("../../etc").as_deref(), Some("etc"));
    }

    #[test]
    fn orr_ids_survive_a_trip_through_the_lens() {
        for id in ["backups-rpo", "a", "ab", "x1-y2-z3", "q--double", "0day"] {
            let there = lens_id(id);
            assert!(super::super::format::is_lens_id(&there), "{there}");
            assert_eq!(orr_id(&there).as_deref(), Some(id), "{id} -> {there}");
        }
    }

    #[test]
    fn prefixes_do_not_stack() {
        assert_eq!(with_prefix("x", Some("acme")), "acme-x");
        assert_eq!(with_prefix("acme-x", Some("acme")), "acme-x");
        assert_eq!(with_prefix("x", None), "x");
    }

    #[test]
    fn clashes_get_a_number() {
        let mut ids = Unique::default();
        assert_eq!(ids.claim("a"), ("a".to_string(), false));
        assert_eq!(ids.claim("a"), ("a-2".to_string(), true));
        assert_eq!(ids.claim("a"), ("a-3".to_string(), true));
    }
}
