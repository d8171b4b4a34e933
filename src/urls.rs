//! Where every page and data file of the site lives: the one module that
//! spells out site paths. Paths here are relative to the site's root
//! (`services/checkout/`); [`Urls`] puts the `base_url` in front for links,
//! and [`file_of`] names the file a page is written to.

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
    format!("handbook/{slug}/")
}

pub fn category(id: &str) -> String {
    format!("questions/{id}/")
}

pub fn question(category: &str, id: &str) -> String {
    format!("questions/{category}/{id}/")
}

pub fn service(name: &str) -> String {
    format!("services/{name}/")
}

pub fn service_json(name: &str) -> String {
    format!("api/services/{name}.json")
}

pub fn concept(id: &str) -> String {
    format!("concepts/{id}/")
}

pub fn postmortem(id: &str) -> String {
    format!("postmortems/{id}/")
}

pub fn asset(name: &str) -> String {
    format!("assets/{name}")
}

/// The anchor of a question's row on a service's page: `q-<id>`.
pub fn question_anchor(id: &str) -> String {
    format!("q-{id}")
}

/// A question's row on a service's page, `services/<name>/#q-<id>`, made in
/// one allocation: question pages link every service's row (about 250k
/// links at 1,000 services).
pub fn service_answer(service_name: &str, question: &str) -> String {
    format!("services/{service_name}/#q-{question}")
}

/// The anchor of a category's group on a service's page: `cat-<id>`.
pub fn category_anchor(id: &str) -> String {
    format!("cat-{id}")
}

/// The anchor of a risk on its service's page: `risk-<service>-<id>`.
pub fn risk_anchor(service: &str, id: &str) -> String {
    format!("risk-{service}-{id}")
}

/// A site path with an anchor: `services/x/` and `q-a` give `services/x/#q-a`.
pub fn with_anchor(path: &str, anchor: &str) -> String {
    format!("{path}#{anchor}")
}

/// The file a page at `path` is written to: `services/x/` is `services/x/index.html`.
pub fn file_of(path: &str) -> String {
    if path.is_empty() || path.ends_with('/') {
        format!("{path}index.html")
    } else {
        path.to_string()
    }
}

/// The link to site path `path` on a site whose `base_url` is `base`
/// (ending in `/`); a leading `/` of `path` is dropped.
pub fn link(base: &str, path: &str) -> String {
    format!("{}{}", base, path.trim_start_matches('/'))
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
