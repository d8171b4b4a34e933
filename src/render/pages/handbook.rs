//! The handbook: its index of chapters, and each chapter's page with links
//! to the chapters before and after it.

use serde::Serialize;

use crate::model::{Chapter, Handbook};
use crate::render::views::TitleLink;
use crate::urls;

#[derive(Serialize)]
pub(super) struct HandbookIndex<'a> {
    title: &'static str,
    chapters: Vec<TitleLink<'a>>,
}

#[derive(Serialize)]
pub(super) struct ChapterPage<'a> {
    title: &'a str,
    html: &'a str,
    source: &'a str,
    previous: Option<TitleLink<'a>>,
    next: Option<TitleLink<'a>>,
    /// Every chapter, for the sidebar; the page's own is `current`.
    chapters: Vec<ChapterEntry<'a>>,
}

/// A chapter in the sidebar of a chapter's page.
#[derive(Serialize)]
struct ChapterEntry<'a> {
    #[serde(flatten)]
    link: TitleLink<'a>,
    current: bool,
}

fn link<'a>(h: &Handbook, c: &'a Chapter) -> TitleLink<'a> {
    TitleLink {
        title: &c.title,
        url: h.url(&urls::chapter(&c.slug)),
    }
}

pub(super) fn index(h: &Handbook) -> HandbookIndex<'_> {
    HandbookIndex {
        title: "Handbook",
        chapters: h.chapters.iter().map(|c| link(h, c)).collect(),
    }
}

/// The page of `h.chapters[i]`.
pub(super) fn chapter(h: &Handbook, i: usize) -> ChapterPage<'_> {
    let c = &h.chapters[i];
    let neighbour = |j: Option<usize>| j.and_then(|j| h.chapters.get(j)).map(|c| link(h, c));
    ChapterPage {
        title: &c.title,
        html: &c.html,
        source: &c.source,
        previous: neighbour(i.checked_sub(1)),
        next: neighbour(Some(i + 1)),
        chapters: h
            .chapters
            .iter()
            .enumerate()
            .map(|(j, c)| ChapterEntry {
                link: link(h, c),
                current: j == i,
            })
            .collect(),
    }
}
