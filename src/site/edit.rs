//! Changing one document's pages in a built site, for the dev server's
//! first answer to an edit (see `serve::incremental`).
//!
//! A writer's most common save changes a few sentences of one document, or
//! one of its front-matter facts (a headline, a summary, a skill level).
//! Rebuilding the whole model for it takes a couple of hundred milliseconds
//! on a 10,000-page site; rendering the new text into the pages of that
//! document takes a few. This is safe only where the edit cannot change
//! anything on those pages but their own text, so every condition below is
//! checked and, when one fails, nothing is changed and the caller rebuilds
//! as usual. The full rebuild follows in any case and brings lists, feeds
//! and the search index up to date; after it the site equals a full build.

use std::cell::Cell;
use std::sync::Arc;

use super::{Doc, Page, PageData, PageId, Site, share};
use crate::content::{BodyEdit, Content};
use crate::markdown::{self, LinkCheck, Resolved};

/// Pages replaced by [`Site::edit_body`] or [`Site::edit_document`], as
/// they were, to put back.
pub type Replaced = Vec<(PageId, Page)>;

impl Site {
    /// Renders `edit`'s body into the pages made from its file, when that
    /// is all the edit changes: every link resolves as in the last build,
    /// the links and their anchors are the same, the page's own anchors
    /// (which other pages may link to) are the same, and rendering reports
    /// no problem. Returns the pages changed, with their previous bodies;
    /// `None` (and the site untouched) otherwise.
    ///
    /// `cache` must be the one the build of this site filled.
    pub fn edit_body(&mut self, edit: &BodyEdit, cache: &super::MarkdownCache) -> Option<Replaced> {
        let ids: Vec<PageId> = (0..self.pages.len())
            .filter(|&i| self.pages[i].file == edit.file)
            .collect();
        if ids.is_empty() {
            return None;
        }
        let mut fresh = Vec::with_capacity(ids.len());
        for &id in &ids {
            let p = &self.pages[id];
            let e = cache.entries.get(&(p.file.clone(), p.lang.clone()))?;
            // the entry must be the one this page was built from
            if !Arc::ptr_eq(&e.body, &p.body)
                || e.page_path != p.path
                || e.first_line != edit.body_line
                || !e.problems.is_empty()
            {
                return None;
            }
            let unknown = Cell::new(false);
            let resolve = |target: &str| -> Resolved {
                match e.resolutions.iter().find(|(t, _)| t == target) {
                    Some((_, r)) => r.clone(),
                    None => {
                        unknown.set(true);
                        Resolved::Missing
                    }
                }
            };
            let opts = markdown::Options {
                raw_html: e.raw_html,
                base_path: &e.base_path,
                page_path: &p.path,
                first_line: edit.body_line,
            };
            let r = markdown::render(&edit.body, &opts, &resolve);
            let target = |l: &LinkCheck| (l.path.clone(), l.anchor.clone());
            if unknown.get()
                || !r.problems.is_empty()
                || r.anchors != p.body.anchors
                || r.links.iter().map(target).ne(e.links.iter().map(target))
            {
                return None;
            }
            fresh.push((id, share(r).0));
        }
        Some(
            fresh
                .into_iter()
                .map(|(id, body)| {
                    let old = self.pages[id].clone();
                    self.pages[id].body = body;
                    (id, old)
                })
                .collect(),
        )
    }

    /// Puts back pages that [`Site::edit_body`] or [`Site::edit_document`] replaced.
    pub fn restore_pages(&mut self, replaced: Replaced) {
        for (id, page) in replaced {
            self.pages[id] = page;
        }
    }

    /// Gives the pages made from `file` the front matter that `content`
    /// (a new load, through the consent gate) holds for it, when that
    /// changes nothing but those pages' own text: the same pages at the
    /// same URLs, the same body, date, terms, images, series place and
    /// story links, so lists, term pages and every other page stay as they
    /// are for this document. Returns the pages changed, as they were;
    /// `None` (and the site untouched) otherwise, also when the document is
    /// no longer published: only a full build removes a page.
    ///
    /// `cache` must be the one the build of this site filled.
    pub fn edit_document(
        &mut self,
        content: &Content,
        file: &str,
        cache: &super::MarkdownCache,
    ) -> Option<Replaced> {
        let default_lang = self.config.default_language().to_string();
        let docs: Vec<Doc> = if let Some(t) = content.talents.iter().find(|t| {
            t.source.path == file || t.translations.values().any(|tr| tr.source.path == file)
        }) {
            super::talent_docs(Arc::new(t.clone()), &self.config.languages, &default_lang)
        } else if let Some(s) = content.stories.iter().find(|s| s.source.path == file) {
            vec![super::story_doc(s.clone())]
        } else if let Some(r) = content.reports.iter().find(|r| r.source.path == file) {
            vec![super::report_doc(r.clone())]
        } else {
            let p = content.pages.iter().find(|p| p.source.path == file)?;
            vec![super::page_doc(p.clone())]
        };
        let files: Vec<String> = docs.iter().map(|d| d.source.path.clone()).collect();
        let mut fresh: Vec<(PageId, Page)> = Vec::with_capacity(docs.len());
        for d in docs {
            let path = d.path(&default_lang);
            let id = self.pages.iter().position(|p| p.path == path)?;
            let old = &self.pages[id];
            let e = cache.entries.get(&(old.file.clone(), old.lang.clone()))?;
            let same_page = old.kind == d.kind
                && old.lang == d.source.lang
                && old.body_lang == d.body_lang
                && old.file == d.source.path
                && old.translation_key == d.source.translation_key
                && old.date == d.date;
            // the body as the last build rendered it for this page
            let same_body = Arc::ptr_eq(&e.body, &old.body)
                && e.page_path == old.path
                && e.first_line == d.source.body_line
                && e.body_len == d.source.body.len()
                && e.body_hash == xxhash_rust::xxh3::xxh3_64(d.source.body.as_bytes());
            if !same_page || !same_body || !same_place(&old.data, &d.data) {
                return None;
            }
            let mut page = old.clone();
            page.title = d.title;
            page.data = d.data;
            fresh.push((id, page));
        }
        // every page the document had is among them (none disappeared)
        let had = self
            .pages
            .iter()
            .filter(|p| files.contains(&p.file))
            .count();
        if had != fresh.len() {
            return None;
        }
        Some(
            fresh
                .into_iter()
                .map(|(id, page)| (id, std::mem::replace(&mut self.pages[id], page)))
                .collect(),
        )
    }
}

/// Whether new front matter leaves a document where it was in the site:
/// every fact that places it in a list, a term page, a series or beside
/// another document, or that names another output file, is the same.
/// What is left (a headline, a summary, a skill's years, a speaker's
/// role …) shows only on the document's own pages, until the full
/// rebuild brings it to the lists.
fn same_place(old: &PageData, new: &PageData) -> bool {
    match (old, new) {
        (PageData::Talent(a), PageData::Talent(b)) => {
            let names = |t: &crate::content::Talent| -> Vec<String> {
                t.skills.iter().map(|s| s.name.clone()).collect()
            };
            let codes = |t: &crate::content::Talent| -> Vec<String> {
                t.languages.iter().map(|l| l.code.clone()).collect()
            };
            a.id == b.id
                && a.tags == b.tags
                && names(a) == names(b)
                && codes(a) == codes(b)
                && a.job_categories == b.job_categories
                && a.verified == b.verified
                && a.photo == b.photo
                && a.story_link_allowed == b.story_link_allowed
                && a.companies_only == b.companies_only
        }
        (PageData::Story(a), PageData::Story(b)) => {
            a.slug == b.slug
                && a.date == b.date
                && a.tags == b.tags
                && a.talent == b.talent
                && a.image == b.image
                && a.draft == b.draft
        }
        (PageData::Report(a), PageData::Report(b)) => {
            // names are terms, and so are their organisations
            let speakers = |r: &crate::content::Report| -> Vec<(String, Option<String>)> {
                r.speakers
                    .iter()
                    .map(|s| (s.name.clone(), s.org.clone()))
                    .collect()
            };
            a.slug == b.slug
                && a.date == b.date
                && a.series == b.series
                && a.number == b.number
                && a.tags == b.tags
                && a.organizations == b.organizations
                && speakers(a) == speakers(b)
                && a.upcoming == b.upcoming
                && a.draft == b.draft
        }
        (PageData::Page(a), PageData::Page(b)) => {
            a.slug == b.slug && a.date == b.date && a.draft == b.draft
        }
        _ => false,
    }
}
