//! Where every page and data file of the site lives: the one module that
//! spells out site paths. Paths here are relative to the site's root
//! (`services/checkout/`); [`Urls`] puts the `base_url` in front for links,
//! and [`file_of`] names the file a page is written to.
//!
//! Paths are joined with `concat`, which sizes the string once and copies;
//! `format!` costs several times as much, and a build makes about a million
//! links at 1,000 services.

/// The dashboard.
pub const DASHBOARD: &str = "";
pub const HANDBOOK: &str = "handbook/";
pub const CHECKLIST: &str = "questions/";
pub const SERVICES: &str = "services/";
pub const WAIVERS: &str = "waivers/";
pub const RISKS: &str = "risks/";
pub const DEPENDENCIES: &str = "dependencies/";
pub const CONCEPTS: &str = "concepts/";
pub const POSTMORTEMS: &str = "postmortems/";
pub const CHANGELOG: &str = "changelog/";
/// The page a server shows for a path with no page.
pub const NOT_FOUND: &str = "404.html";
pub const WAIVERS_CSV: &str = "waivers.csv";
pub const WAIVERS_JSON: &str = "waivers.json";
pub const API_SERVICES: &str = "api/services.json";
pub const API_QUESTIONS: &str = "api/questions.json";
/// What the data files describe: title, bank version, judgement day, counts.
pub const API_INDEX: &str = "api/index.json";
/// The search index, a script so that search works from `file://` too.
pub const SEARCH_INDEX: &str = "search/index.js";
/// The search page: results for `?q=`, and where the search box's form goes.
pub const SEARCH: &str = "search/";
/// Atom feed of the questions added to the checklist.
pub const CHANGELOG_FEED: &str = "changelog/atom.xml";
/// Atom feed of the waivers expiring or expired.
pub const WAIVERS_FEED: &str = "waivers/atom.xml";

/// Page `number` (from 1) of the waiver register: the first at [`WAIVERS`].
pub fn waivers_page(number: usize) -> String {
    if number <= 1 {
        WAIVERS.to_string()
    } else {
        format!("waivers/page/{number}/")
    }
}

pub fn chapter(slug: &str) -> String {
    ["handbook/", slug, "/"].concat()
}

pub fn category(id: &str) -> String {
    ["questions/", id, "/"].concat()
}

pub fn question(category: &str, id: &str) -> String {
    ["questions/", category, "/", id, "/"].concat()
}

pub fn service(name: &str) -> String {
    ["services/", name, "/"].concat()
}

pub fn service_json(name: &str) -> String {
    ["api/services/", name, ".json"].concat()
}

pub fn concept(id: &str) -> String {
    ["concepts/", id, "/"].concat()
}

pub fn postmortem(id: &str) -> String {
    ["postmortems/", id, "/"].concat()
}

pub fn asset(name: &str) -> String {
    ["assets/", name].concat()
}

/// The anchor of a question's row on a service's page: `q-<id>`.
pub fn question_anchor(id: &str) -> String {
    ["q-", id].concat()
}

/// A question's row on a service's page, `services/<name>/#q-<id>`, made in
/// one allocation: question pages link every service's row (about 250k
/// links at 1,000 services).
pub fn service_answer(service_name: &str, question: &str) -> String {
    ["services/", service_name, "/#q-", question].concat()
}

/// The anchor of a category's group on a service's page: `cat-<id>`.
pub fn category_anchor(id: &str) -> String {
    ["cat-", id].concat()
}

/// The anchor of a risk on its service's page: `risk-<service>-<id>`.
pub fn risk_anchor(service: &str, id: &str) -> String {
    ["risk-", service, "-", id].concat()
}

/// A site path with an anchor: `services/x/` and `q-a` give `services/x/#q-a`.
pub fn with_anchor(path: &str, anchor: &str) -> String {
    [path, "#", anchor].concat()
}

/// The file a page at `path` is written to: `services/x/` is `services/x/index.html`.
pub fn file_of(path: &str) -> String {
    if path.is_empty() || path.ends_with('/') {
        [path, "index.html"].concat()
    } else {
        path.to_string()
    }
}

/// The link to site path `path` on a site whose `base_url` is `base`
/// (ending in `/`); a leading `/` of `path` is dropped.
pub fn link(base: &str, path: &str) -> String {
    [base, path.trim_start_matches('/')].concat()
}

/// Links: a site path with the `base_url` in front.
#[derive(Debug, Clone)]
pub struct Urls {
    base: String,
}

impl Urls {
    /// `base` is the checked `base_url`, ending in `/`.
    pub fn new(base: &str) -> Self {
        Urls {
            base: base.to_string(),
        }
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    /// The link to `path`, a site path as the functions of this module give.
    pub fn link(&self, path: &str) -> String {
        link(&self.base, path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_service_answer_is_the_question_anchor_on_the_service_page() {
        assert_eq!(
            service_answer("checkout", "obs-1"),
            with_anchor(&service("checkout"), &question_anchor("obs-1"))
        );
    }

    #[test]
    fn pages_are_directories_with_an_index() {
        assert_eq!(
            file_of(&service("checkout")),
            "services/checkout/index.html"
        );
        assert_eq!(file_of(DASHBOARD), "index.html");
        assert_eq!(file_of(WAIVERS_CSV), "waivers.csv");
    }

    #[test]
    fn links_start_from_the_base_url() {
        let urls = Urls::new("/hb/");
        assert_eq!(
            urls.link(&question("capacity", "cap-a")),
            "/hb/questions/capacity/cap-a/"
        );
        assert_eq!(urls.link(DASHBOARD), "/hb/");
    }
}
