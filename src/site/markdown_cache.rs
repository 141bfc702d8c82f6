//! Rendered Markdown kept between the dev server's builds.

use std::collections::HashMap;
use std::sync::Arc;

use crate::markdown::{self, LinkCheck, Rendered, Resolved};

/// Rendered Markdown of unchanged documents, kept between builds by the
/// dev server.
///
/// A document's HTML is a pure function of its body, its URL, the site's
/// Markdown settings and the answers to the `@/` links it contains, so an
/// entry is reused only when all of these are the same: each recorded link
/// is resolved again against the new site and must give the same answer.
#[derive(Debug, Default)]
pub struct MarkdownCache {
    pub(super) entries: HashMap<(String, String), MarkdownEntry>,
    /// Documents rendered (not taken from the cache) by the last build.
    pub last_rendered: usize,
}

#[derive(Debug)]
pub(super) struct MarkdownEntry {
    pub(super) body_hash: u64,
    pub(super) body_len: usize,
    pub(super) first_line: usize,
    pub(super) page_path: String,
    pub(super) base_path: String,
    pub(super) raw_html: bool,
    pub(super) resolutions: Vec<(String, Resolved)>,
    pub(super) body: Arc<Rendered>,
    pub(super) problems: Vec<markdown::Problem>,
    pub(super) links: Vec<LinkCheck>,
}

/// What rendering one document gives: the shared body, and the problems and
/// links that every build reports and checks again.
pub(super) type RenderedDoc = (Arc<Rendered>, Vec<markdown::Problem>, Vec<LinkCheck>);

/// Takes the per-build parts out, and shares the rest.
pub(super) fn share(mut r: Rendered) -> RenderedDoc {
    let problems = std::mem::take(&mut r.problems);
    let links = std::mem::take(&mut r.links);
    (Arc::new(r), problems, links)
}
