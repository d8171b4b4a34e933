//! Which page goes where (docs/format.md section 8), and the data each one gets: one
//! module per family of pages, each a typed struct handed to Tera as it is.

mod changelog;
mod checklist;
mod concepts;
mod dashboard;
mod dependencies;
mod handbook;
mod postmortems;
pub(crate) mod risks;
mod services;
pub(crate) mod waivers;

#[cfg(test)]
pub(crate) mod test_support;

use serde::Serialize;
use tera::Context;

use super::fragments::Fragments;
use super::question_page::question_page;
use super::service_page::service_page;
use super::Page;
use crate::analyze::Assessment;
use crate::model::Handbook;
use crate::urls;

/// A page to render. Each is built by the thread that renders it, so the
/// contexts of a large organisation are neither built in sequence nor all
/// held in memory together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PageJob {
    Dashboard,
    NotFound,
    Handbook,
    /// The page of `handbook.chapters[i]`.
    Chapter(usize),
    Checklist,
    /// The page of `handbook.categories[i]`.
    Category(usize),
    Services,
    /// Page `i` (from 0) of the waiver register.
    Waivers(usize),
    Risks,
    Dependencies,
    ConceptMap,
    /// The page of `handbook.concepts[i]`.
    Concept(usize),
    Postmortems,
    /// The page of `handbook.postmortems[i]`.
    Postmortem(usize),
    Changelog,
    /// The page of `handbook.services[i]`.
    Service(usize),
    /// The page of `handbook.questions[i]`.
    Question(usize),
    /// Search results for the query in the page's address.
    Search,
}

/// Which menu entry a page is under (`aria-current` in the menu): the
/// entry's site path, and whether the page is that entry's own page.
#[derive(Serialize)]
struct NavCurrent {
    section: Option<&'static str>,
    is_index: bool,
}

/// A page that could not be built: its template, and Tera's error.
pub(crate) type BuildError = (&'static str, tera::Error);

/// The page's title alone: the 404 page.
#[derive(Serialize)]
struct TitleOnly {
    title: &'static str,
}

impl PageJob {
    /// The site path of the page (`services/x/`), known without building its data.
    fn site_path(&self, h: &Handbook) -> String {
        match *self {
            PageJob::Dashboard => urls::DASHBOARD.to_string(),
            PageJob::NotFound => urls::NOT_FOUND.to_string(),
            PageJob::Handbook => urls::HANDBOOK.to_string(),
            PageJob::Chapter(i) => urls::chapter(&h.chapters[i].slug),
            PageJob::Checklist => urls::CHECKLIST.to_string(),
            PageJob::Category(i) => urls::category(&h.categories[i].id),
            PageJob::Services => urls::SERVICES.to_string(),
            PageJob::Waivers(i) => urls::waivers_page(i + 1),
            PageJob::Risks => urls::RISKS.to_string(),
            PageJob::Dependencies => urls::DEPENDENCIES.to_string(),
            PageJob::ConceptMap => urls::CONCEPTS.to_string(),
            PageJob::Concept(i) => urls::concept(&h.concepts[i].id),
            PageJob::Postmortems => urls::POSTMORTEMS.to_string(),
            PageJob::Postmortem(i) => urls::postmortem(&h.postmortems[i].id),
            PageJob::Changelog => urls::CHANGELOG.to_string(),
            PageJob::Service(i) => urls::service(&h.services[i].name),
            PageJob::Question(i) => urls::question(&h.questions[i].category, &h.questions[i].id),
            PageJob::Search => urls::SEARCH.to_string(),
        }
    }

    /// The menu's section the page belongs to (its site path), if any.
    fn section(&self) -> Option<&'static str> {
        Some(match *self {
            PageJob::Dashboard => urls::DASHBOARD,
            PageJob::Handbook | PageJob::Chapter(_) => urls::HANDBOOK,
            PageJob::Checklist | PageJob::Category(_) | PageJob::Question(_) => urls::CHECKLIST,
            PageJob::Services | PageJob::Service(_) => urls::SERVICES,
            PageJob::Waivers(_) => urls::WAIVERS,
            PageJob::Risks => urls::RISKS,
            PageJob::Dependencies => urls::DEPENDENCIES,
            PageJob::ConceptMap | PageJob::Concept(_) => urls::CONCEPTS,
            PageJob::Postmortems | PageJob::Postmortem(_) => urls::POSTMORTEMS,
            PageJob::Changelog => urls::CHANGELOG,
            PageJob::NotFound | PageJob::Search => return None,
        })
    }

    /// Where the page stands in the menu, as every page's `nav_current`.
    fn nav_current(&self, h: &Handbook) -> NavCurrent {
        let section = self.section();
        NavCurrent {
            section,
            is_index: section.is_some_and(|path| path == self.site_path(h)),
        }
    }

    /// The file the page is written to (`services/x/index.html`).
    pub(crate) fn path(&self, h: &Handbook) -> String {
        urls::file_of(&self.site_path(h))
    }

    pub(crate) fn build(
        self,
        h: &Handbook,
        a: &Assessment,
        fragments: &Fragments<'_>,
    ) -> Result<Page, BuildError> {
        let mut page = self.build_data(h, a, fragments)?;
        page.context.insert("nav_current", &self.nav_current(h));
        Ok(page)
    }

    fn build_data(
        self,
        h: &Handbook,
        a: &Assessment,
        fragments: &Fragments<'_>,
    ) -> Result<Page, BuildError> {
        let f = fragments;
        let path = self.site_path(h);
        match self {
            PageJob::Dashboard => typed(&path, "index.html", &dashboard::page(h, a, f)),
            PageJob::NotFound => typed(
                &path,
                "404.html",
                &TitleOnly {
                    title: "Page not found",
                },
            ),
            PageJob::Handbook => typed(&path, "handbook.html", &handbook::index(h)),
            PageJob::Chapter(i) => typed(&path, "chapter.html", &handbook::chapter(h, i)),
            PageJob::Checklist => typed(&path, "questions.html", &checklist::index(h, f)),
            PageJob::Category(i) => typed(&path, "category.html", &checklist::category(h, f, i)),
            PageJob::Services => typed(&path, "services.html", &services::page(f)),
            PageJob::Waivers(i) => {
                typed(&path, "waivers.html", &waivers::page(h, a, &f.register, i))
            }
            PageJob::Risks => {
                let ranked = risks::ranked(h);
                let rows = risks::rows(h, a, &ranked);
                typed(&path, "risks.html", &risks::page(h, a, &ranked, &rows))
            }
            PageJob::Dependencies => {
                typed(&path, "dependencies.html", &dependencies::page(h, a, f))
            }
            PageJob::ConceptMap => typed(&path, "concepts.html", &concepts::map(h, f)),
            PageJob::Concept(i) => typed(&path, "concept.html", &concepts::concept(h, f, i)),
            PageJob::Postmortems => typed(&path, "postmortems.html", &postmortems::index(h, f)),
            PageJob::Postmortem(i) => {
                typed(&path, "postmortem.html", &postmortems::postmortem(h, f, i))
            }
            PageJob::Changelog => typed(&path, "changelog.html", &changelog::page(h, f)),
            PageJob::Service(i) => typed(&path, "service.html", &service_page(h, a, f, i)),
            PageJob::Question(i) => typed(&path, "question.html", &question_page(h, f, i)),
            PageJob::Search => typed(&path, "search.html", &TitleOnly { title: "Search" }),
        }
    }
}

fn context(template: &'static str, data: &impl Serialize) -> Result<Context, BuildError> {
    Context::from_serialize(data).map_err(|e| (template, e))
}

/// The page at site path `path`, from typed data handed to Tera as it is.
fn typed(path: &str, template: &'static str, data: &impl Serialize) -> Result<Page, BuildError> {
    Ok(Page {
        path: urls::file_of(path),
        template,
        context: context(template, data)?,
    })
}

/// Every HTML page of the site.
pub(crate) fn all(h: &Handbook, a: &Assessment) -> Vec<PageJob> {
    let mut jobs = vec![
        PageJob::Dashboard,
        PageJob::NotFound,
        PageJob::Handbook,
        PageJob::Checklist,
        PageJob::Services,
        PageJob::Waivers(0),
        PageJob::Risks,
        PageJob::Dependencies,
        PageJob::ConceptMap,
        PageJob::Postmortems,
        PageJob::Changelog,
        PageJob::Search,
    ];
    jobs.extend((1..waivers::page_count(a)).map(PageJob::Waivers));
    jobs.extend((0..h.chapters.len()).map(PageJob::Chapter));
    jobs.extend((0..h.categories.len()).map(PageJob::Category));
    jobs.extend((0..h.concepts.len()).map(PageJob::Concept));
    jobs.extend((0..h.postmortems.len()).map(PageJob::Postmortem));
    jobs.extend((0..h.questions.len()).map(PageJob::Question));
    jobs.extend((0..h.services.len()).map(PageJob::Service));
    jobs
}
