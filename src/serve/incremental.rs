//! Rebuilding after a change, redoing only what the change touched.
//!
//! A [`Session`] keeps what survives between builds in a
//! [`Pipeline`] for rebuilds (the configuration, the parsed templates and
//! the caches) and decides, for a batch of changes, what is thrown away:
//!
//! * `site.yaml` (or a theme's `theme.yaml`, or lost watcher events): the
//!   configuration, the templates and every cache;
//! * a template or interface-strings file: the parsed templates (pages are
//!   then rendered again only where a template they use or a string
//!   changed: the render cache's fingerprints include both);
//! * content and static files: only what was read from those paths.
//!
//! Then the pipeline runs as in `tsunagi build` ([`Pipeline::load`],
//! [`Pipeline::generate`]), so the consent gate, the model, link checks
//! and the output assembly run as there and an incremental build equals a
//! full one.
//!
//! The search index is the slowest part of a small rebuild (it covers every
//! page) and only the search page and the talent directory read it, so the
//! server publishes a rebuild in two steps: [`Session::rebuild_pages`]
//! (everything but the index, which stays as it was) and then
//! [`Session::finish_search`]; after both, the output equals a full build.
//!
//! Before both, the page being edited is shown on its own. A save that
//! changes only one document's Markdown body (the usual one) is answered by
//! [`Session::quick_edit`]: the new body rendered into that document's pages
//! of the last good build, in milliseconds. A save that changes its front
//! matter waits for the load, since only the consent gate may say what of it
//! is published: [`Session::begin_rebuild`] loads the content,
//! [`Session::show_edited`] renders the gated front matter into the
//! document's pages, and [`Session::finish_rebuild`] does the rest. Both apply
//! only under conditions that make those pages exactly what the full build
//! will give ([`Pipeline::edit_body`], [`Pipeline::edit_document`]), and the
//! full rebuild undoes them if it fails.

use std::sync::Arc;
use std::time::{Duration, Instant};

use super::watch::{ChangeKind, Changes};
use crate::build::{BuildOptions, Built, Edited, Loaded, Pipeline};
use crate::error::{Diagnostic, Error};
use crate::output::Output;

/// What a rebuild gave.
#[derive(Debug)]
pub enum Outcome {
    /// The site built; `changed` lists output files that differ from the
    /// last good build (added, changed or removed).
    Built {
        changed: Vec<String>,
        elapsed: Duration,
        /// HTML pages rendered again (the rest came from the cache).
        rerendered: usize,
        /// Content files read and parsed again.
        reparsed: usize,
        /// Time per stage of the build.
        stages: Vec<(&'static str, Duration)>,
    },
    /// The site does not build; the last good build stays.
    Failed {
        diagnostics: Vec<Diagnostic>,
        elapsed: Duration,
    },
}

impl Outcome {
    /// A page rebuild and the search index that followed it, as one outcome.
    pub fn with_index(self, index: Outcome) -> Outcome {
        match (self, index) {
            (
                Outcome::Built {
                    mut changed,
                    elapsed,
                    rerendered,
                    reparsed,
                    mut stages,
                },
                Outcome::Built {
                    changed: more,
                    elapsed: search,
                    stages: search_stages,
                    ..
                },
            ) => {
                changed.extend(more);
                changed.sort();
                changed.dedup();
                stages.extend(search_stages);
                Outcome::Built {
                    changed,
                    elapsed: elapsed + search,
                    rerendered,
                    reparsed,
                    stages,
                }
            }
            (pages, _) => pages,
        }
    }
}

/// A site being served: the last good build and what speeds up the next.
pub struct Session {
    pipeline: Pipeline,
    good: Option<Built>,
    /// The last good build still carries the previous build's search index.
    search_pending: bool,
    /// The last rebuild failed (caches may hold what it read).
    failed: bool,
    /// An edited document shown ahead of the rebuild, to undo if it fails.
    quick: Option<Edited>,
}

/// The Markdown file a batch of changes names, when that is all it names
/// (the save of one document, which the edited page can answer first).
fn one_markdown_file(changes: &Changes) -> Option<&std::path::Path> {
    if changes.rescan || changes.paths.len() != 1 {
        return None;
    }
    let (kind, path) = changes.paths.first()?;
    (*kind == ChangeKind::Content && path.extension().is_some_and(|e| e == "md")).then_some(path)
}

/// The outcome of an edited document shown ahead of its rebuild.
fn shown(edited: &Edited, start: Instant, stage: &'static str) -> Outcome {
    Outcome::Built {
        changed: edited.changed.clone(),
        elapsed: start.elapsed(),
        rerendered: edited.rendered,
        reparsed: 1,
        stages: vec![(stage, start.elapsed())],
    }
}

/// A rebuild whose content is loaded ([`Session::begin_rebuild`]).
pub struct PendingRebuild {
    start: Instant,
    loaded: Loaded,
    /// The configuration is the last good build's: its search index can
    /// stay while the pages are published.
    defer_search: bool,
}

impl Session {
    /// A session for the site of `opts`; nothing is built yet. With
    /// `origin` (`http://127.0.0.1:1111`), the site is built for that
    /// origin (the path of `base_url` stays, so links work as deployed).
    pub fn new(opts: BuildOptions, origin: Option<String>) -> Session {
        Session {
            pipeline: Pipeline::for_rebuilds(opts, origin),
            good: None,
            failed: false,
            quick: None,
            search_pending: false,
        }
    }

    /// The last good build.
    pub fn last_good(&self) -> Option<&Built> {
        self.good.as_ref()
    }

    /// Whether the last build walked `content/` (false: every change named
    /// a file the build before had read, so its walk was reused).
    pub fn last_load_walked(&self) -> bool {
        self.pipeline.stats().walked
    }

    /// The output of the last good build.
    pub fn output(&self) -> Option<&Output> {
        self.good.as_ref().map(|b| &b.output)
    }

    /// The path the site is served under (`/` or `/jobs/`).
    pub fn base_path(&self) -> String {
        self.pipeline.base_path().unwrap_or_else(|| "/".to_string())
    }

    /// Builds everything (the first build, or after lost events).
    pub fn build_all(&mut self) -> Outcome {
        self.rebuild(&Changes {
            rescan: true,
            ..Changes::default()
        })
    }

    /// Rebuilds after `changes`, search index included.
    pub fn rebuild(&mut self, changes: &Changes) -> Outcome {
        let pages = self.rebuild_pages(changes);
        match self.finish_search() {
            Some(index) => pages.with_index(index),
            None => pages,
        }
    }

    /// Rebuilds after `changes`; when a good build exists and the
    /// configuration did not change, the search index is left as it was
    /// (the pages reach the browser sooner) and [`Session::finish_search`]
    /// must follow. The same as [`Session::begin_rebuild`] then
    /// [`Session::finish_rebuild`].
    pub fn rebuild_pages(&mut self, changes: &Changes) -> Outcome {
        match self.begin_rebuild(changes) {
            Ok(pending) => self.finish_rebuild(pending),
            Err(failed) => failed,
        }
    }

    /// The first stage of [`Session::rebuild_pages`]: the configuration
    /// and templates as `changes` require, and the content, loaded and
    /// through the consent gate. [`Session::show_edited`] may use it;
    /// [`Session::finish_rebuild`] must follow. A failure is the rebuild's
    /// outcome (and undoes an edit shown early).
    pub fn begin_rebuild(&mut self, changes: &Changes) -> Result<PendingRebuild, Outcome> {
        let start = Instant::now();
        match self.try_begin(changes, start) {
            Ok(pending) => Ok(pending),
            Err(e) => Err(self.failed_with(e, start)),
        }
    }

    /// The rest of the rebuild [`Session::begin_rebuild`] began.
    pub fn finish_rebuild(&mut self, pending: PendingRebuild) -> Outcome {
        let start = pending.start;
        // defer the search index only when the last good build's index
        // files are where this build's go (same configuration), and never
        // when the index is turned off: then nothing is owed
        let previous = self
            .good
            .as_ref()
            .filter(|_| pending.defer_search && self.pipeline.options().search_index)
            .map(|g| &g.output);
        let deferred = previous.is_some();
        let result = self.pipeline.generate(pending.loaded, previous);
        // a failed build leaves the last good one as it was, a search
        // index still to build included
        let built = match result {
            Ok(built) => built,
            Err(e) => return self.failed_with(e, start),
        };
        self.search_pending = deferred;
        self.failed = false;
        // what was shown early is part of the new build
        self.quick = None;
        let changed = diff(self.output(), &built.output);
        let stats = self.pipeline.stats();
        let mut stages = built.stages.clone();
        let diffed = start.elapsed();
        stages.push((
            "compare with the last build",
            diffed.saturating_sub(built.elapsed),
        ));
        // Freeing a whole site model (millions of allocations) takes
        // tens of milliseconds: let another thread do it, after the
        // new build is in place.
        if let Some(old) = self.good.replace(built) {
            std::thread::spawn(move || drop(old));
        }
        Outcome::Built {
            changed,
            elapsed: start.elapsed(),
            rerendered: stats.rendered,
            reparsed: stats.parsed,
            stages,
        }
    }

    /// A failed rebuild: the last good site stays, as it was before any
    /// edit shown early.
    fn failed_with(&mut self, e: Error, start: Instant) -> Outcome {
        self.failed = true;
        if let (Some(q), Some(good)) = (self.quick.take(), self.good.as_mut()) {
            q.undo(good);
        }
        Outcome::Failed {
            diagnostics: diagnostics_of(e),
            elapsed: start.elapsed(),
        }
    }

    /// The first answer to a batch that changes only the Markdown body of
    /// one document (a writer's usual save): renders the new body into the
    /// last good build's pages of that document and nothing else, in a few
    /// milliseconds, so the page being edited reloads at once. `None` when
    /// the batch is anything else or the edit could change more than those
    /// pages ([`Pipeline::edit_body`] says when); the site is then as it was.
    ///
    /// [`Session::rebuild_pages`] must follow: lists, feeds and link checks
    /// are brought up to date there, and if that build fails the edit is
    /// undone, so the last good site is what is served with the errors.
    pub fn quick_edit(&mut self, changes: &Changes) -> Option<Outcome> {
        let start = Instant::now();
        if self.failed {
            return None;
        }
        let path = one_markdown_file(changes)?;
        let good = self.good.as_mut()?;
        // consent is judged per day: a build of another day may publish less
        if self.pipeline.today() != Some(good.today) {
            return None;
        }
        let edited = self.pipeline.edit_body(good, path)?;
        let outcome = shown(&edited, start, "body of the edited page");
        self.quick = Some(edited);
        Some(outcome)
    }

    /// The second answer to an edit of one document (after
    /// [`Session::quick_edit`] found more than its body changed): once the
    /// content is loaded and through the consent gate, renders that
    /// document's new front matter into its pages of the last good build,
    /// in a few milliseconds, before the model and the other pages are
    /// rebuilt. `None` when the batch is anything else, the document is
    /// no longer published, or the edit could change another page
    /// ([`Pipeline::edit_document`] says when); the site is then
    /// as it was. [`Session::finish_rebuild`] must follow, as for
    /// [`Session::quick_edit`].
    pub fn show_edited(&mut self, pending: &PendingRebuild, changes: &Changes) -> Option<Outcome> {
        let start = Instant::now();
        // the load must have read that one file and nothing else: a file
        // changed unseen (its stamp differs) is in the new content but not
        // in the last good model, which the edited pages draw everything
        // else from (a story withdrawn unseen would stay on its talent's page)
        let stats = self.pipeline.stats();
        if self.quick.is_some()
            || self.failed
            || !pending.defer_search
            || stats.parsed != 1
            || stats.walked
        {
            return None;
        }
        let path = one_markdown_file(changes)?;
        let good = self.good.as_mut()?;
        // consent is judged per day: the last build's pages are of its day
        if good.today != pending.loaded.today {
            return None;
        }
        let edited = self.pipeline.edit_document(good, &pending.loaded, path)?;
        let mut outcome = shown(&edited, start, "front matter of the edited page");
        self.quick = Some(edited);
        // the page waited for the load too
        if let Outcome::Built {
            elapsed, stages, ..
        } = &mut outcome
        {
            stages.insert(0, ("load content", start - pending.start));
            *elapsed = pending.start.elapsed();
        }
        Some(outcome)
    }

    /// Builds the search index a [`Session::rebuild_pages`] left out, if any;
    /// the outcome lists the index files that changed.
    pub fn finish_search(&mut self) -> Option<Outcome> {
        if !std::mem::take(&mut self.search_pending) {
            return None;
        }
        let start = Instant::now();
        let good = self.good.as_mut()?;
        let stages_before = good.stages.len();
        let changed = self.pipeline.finish_search(good);
        let stages = good.stages[stages_before..].to_vec();
        Some(Outcome::Built {
            changed,
            elapsed: start.elapsed(),
            rerendered: 0,
            reparsed: 0,
            stages,
        })
    }

    fn try_begin(&mut self, changes: &Changes, start: Instant) -> crate::Result<PendingRebuild> {
        let themes = &self.pipeline.layout().themes;
        let reload_config =
            !self.pipeline.has_config() || changes.rescan || changes.has(ChangeKind::Config);
        let reload_theme = reload_config
            || !self.pipeline.has_templates()
            || changes.has(ChangeKind::Template)
            || changes
                .paths
                .iter()
                .any(|(k, p)| *k == ChangeKind::Static && p.starts_with(themes));
        for (_, p) in &changes.paths {
            self.pipeline.invalidate(p);
        }
        if reload_config {
            // a failed load leaves no configuration: the next change retries
            self.pipeline.forget_config();
        } else if reload_theme {
            self.pipeline.forget_templates();
        }
        let loaded = self.pipeline.load()?;
        Ok(PendingRebuild {
            start,
            defer_search: self.good.is_some() && !reload_config,
            loaded,
        })
    }
}

/// Output files that differ between two builds.
pub fn diff(old: Option<&Output>, new: &Output) -> Vec<String> {
    let Some(old) = old else {
        return new.files.keys().cloned().collect();
    };
    let mut changed: Vec<String> = new
        .files
        .iter()
        .filter(|(k, v)| {
            old.files
                .get(*k)
                .is_none_or(|o| !Arc::ptr_eq(o, v) && o[..] != v[..])
        })
        .map(|(k, _)| k.clone())
        .collect();
    changed.extend(
        old.files
            .keys()
            .filter(|k| !new.files.contains_key(*k))
            .cloned(),
    );
    changed.sort();
    changed
}

/// Every problem of a failed build, as diagnostics.
pub fn diagnostics_of(e: Error) -> Vec<Diagnostic> {
    match e {
        Error::Site(ds) => ds.0,
        Error::Io { ref path, .. } => {
            let file = path.to_string_lossy().to_string();
            let mut msg = e.to_string();
            let mut src = std::error::Error::source(&e);
            while let Some(s) = src {
                msg.push_str(&format!(": {s}"));
                src = s.source();
            }
            vec![Diagnostic::error(file, None, msg)]
        }
        other => vec![Diagnostic::error(String::new(), None, other.to_string())],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A copy of a fixture site in a temporary folder.
    fn fixture_copy(rel: &str) -> tempfile::TempDir {
        let from = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(rel);
        let dir = tempfile::tempdir().expect("temp dir");
        for e in walkdir::WalkDir::new(&from) {
            let e = e.expect("walk");
            let to = dir
                .path()
                .join(e.path().strip_prefix(&from).expect("under"));
            if e.file_type().is_dir() {
                std::fs::create_dir_all(&to).expect("mkdir");
            } else {
                std::fs::copy(e.path(), &to).expect("copy");
            }
        }
        dir
    }

    #[test]
    fn no_quick_edit_on_another_day_than_the_last_build() {
        let site = fixture_copy("sites/basic");
        let mut opts = BuildOptions::new(site.path());
        opts.today = chrono::NaiveDate::from_ymd_opt(2026, 6, 1);
        let mut session = Session::new(opts, None);
        assert!(matches!(session.build_all(), Outcome::Built { .. }));
        let p = site.path().join("content/talents/t-b.md");
        let text = std::fs::read_to_string(&p).expect("t-b");
        std::fs::write(&p, format!("{text}\n追記です。\n")).expect("write");
        let mut changes = Changes::default();
        changes.add(site.path(), &site.path().join("public"), &p);

        // consent may have ended overnight: the whole rebuild decides
        session
            .pipeline
            .set_today(chrono::NaiveDate::from_ymd_opt(2026, 6, 2));
        assert!(session.quick_edit(&changes).is_none());
        session
            .pipeline
            .set_today(chrono::NaiveDate::from_ymd_opt(2026, 6, 1));
        assert!(session.quick_edit(&changes).is_some(), "the same day");
    }
}
