//! Changing the body of a page in a built site, for the dev server's first
//! answer to an edit (see `serve::incremental`).
//!
//! A writer's most common save changes a few sentences of one document.
//! Rebuilding the whole model for it takes a couple of hundred milliseconds
//! on a 10,000-page site; rendering the new body into the pages that show
//! it takes one. This is safe only where the new body cannot change
//! anything but those pages' own text, so every condition below is checked
//! and, when one fails, nothing is changed and the caller rebuilds as usual.
//! The full rebuild follows in any case and brings lists, feeds and the
//! search index up to date; after it the site equals a full build.

use std::cell::Cell;
use std::sync::Arc;

use super::{PageId, Site, share};
use crate::content::BodyEdit;
use crate::markdown::{self, LinkCheck, Rendered, Resolved};

/// Bodies replaced by [`Site::edit_body`], to put back.
pub type Replaced = Vec<(PageId, Arc<Rendered>)>;

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
                .map(|(id, body)| (id, std::mem::replace(&mut self.pages[id].body, body)))
                .collect(),
        )
    }

    /// Puts back bodies that [`Site::edit_body`] replaced.
    pub fn restore_bodies(&mut self, replaced: Replaced) {
        for (id, body) in replaced {
            self.pages[id].body = body;
        }
    }
}
