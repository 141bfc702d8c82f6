//! The search index after the pages: the dev server publishes an edited
//! site's pages first and its search index a moment later.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use super::{BuildCache, BuildOptions, Built};
use crate::output::Output;
use crate::render::Renderer;
use crate::search;
use crate::site::Site;

/// Replaces the search index files of `built` (made by
/// [`super::Pipeline::generate`] with the previous output, whose index it
/// carries as it was: the dev server publishes the pages of such a build
/// at once, so an edit reaches the browser before the index, which only the
/// search page and the talent directory read) with its own site's index:
/// the output is then exactly that of a build without a previous output.
/// Returns the index files that changed (added, changed or removed), sorted.
pub(super) fn finish_search(
    built: &mut Built,
    renderer: &Renderer,
    cache: Option<&mut BuildCache>,
) -> Vec<String> {
    let start = Instant::now();
    let fresh = search::build_cached(
        &built.site,
        &renderer.theme().strings,
        cache.map(|c| &mut c.search),
    );
    let dirs = search_dirs(&built.site);
    let (mut old, rest): (BTreeMap<String, Arc<[u8]>>, _) = std::mem::take(&mut built.output.files)
        .into_iter()
        .partition(|(path, _)| is_search_file(&dirs, path));
    built.output.files = rest;
    let mut changed = Vec::new();
    for (path, bytes) in fresh {
        if old.remove(&path).is_none_or(|o| o[..] != bytes[..]) {
            changed.push(path.clone());
        }
        built.output.insert(path, bytes);
    }
    changed.extend(old.into_keys());
    changed.sort();
    built
        .stages
        .push(("search index (after the pages)", start.elapsed()));
    built.elapsed += start.elapsed();
    changed
}

/// Where the search index of each language lives.
pub(super) fn search_dirs(site: &Site) -> Vec<String> {
    site.languages
        .iter()
        .map(|l| search::index_dir(&l.prefix))
        .collect()
}

pub(super) fn is_search_file(dirs: &[String], path: &str) -> bool {
    dirs.iter().any(|d| path.starts_with(d.as_str()))
}

/// Whether a build makes its search index or reuses a previous one's.
pub(super) enum SearchFiles<'a> {
    Build,
    Previous(&'a Output),
    /// [`BuildOptions::search_index`] is off.
    Skip,
}

impl<'a> SearchFiles<'a> {
    /// The one rule: no index when it is turned off; otherwise carry
    /// `previous`'s index files when there is a previous output, else build.
    pub(super) fn choose(opts: &BuildOptions, previous: Option<&'a Output>) -> Self {
        match previous {
            _ if !opts.search_index => SearchFiles::Skip,
            Some(p) => SearchFiles::Previous(p),
            None => SearchFiles::Build,
        }
    }
}
