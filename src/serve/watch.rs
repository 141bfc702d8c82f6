//! Watching the site with notify: which changes matter, of which kind, and
//! when a burst of events (an editor's save) is over.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use notify::{RecursiveMode, Watcher};

use crate::names::{
    CONFIG_FILE, CONTENT_DIR, I18N_DIR, SITE_DIRS, STATIC_DIR, TEMPLATES_DIR, THEMES_DIR,
};

/// What a changed file is, which decides how much is rebuilt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ChangeKind {
    /// Markdown or a bundle file under `content/`.
    Content,
    /// A template or interface strings (`templates/`, `i18n/`, a theme's).
    Template,
    /// A static file (`static/`, a theme's `static/`).
    Static,
    /// `site.yaml` or a theme's `theme.yaml`: everything is rebuilt.
    Config,
}

/// The folders (under the site root) whose changes matter: those a build
/// reads.
pub const WATCHED_DIRS: &[&str] = &SITE_DIRS;

pub use crate::ignore::is_ignored_name;

/// The kind of change a path is, or `None` when it does not matter: outside
/// the watched folders, inside the output folder, hidden or temporary.
pub fn classify(root: &Path, output_dir: &Path, path: &Path) -> Option<ChangeKind> {
    if path.starts_with(output_dir) {
        return None;
    }
    let rel = path.strip_prefix(root).ok()?;
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.is_empty() || parts.iter().any(|p| is_ignored_name(p)) {
        return None;
    }
    let first = parts[0].as_str();
    match (first, parts.len()) {
        (f, 1) if f == CONFIG_FILE => Some(ChangeKind::Config),
        (CONTENT_DIR, _) => Some(ChangeKind::Content),
        (TEMPLATES_DIR | I18N_DIR, _) => Some(ChangeKind::Template),
        (STATIC_DIR, _) => Some(ChangeKind::Static),
        (THEMES_DIR, n) if n >= 3 => match parts[2].as_str() {
            TEMPLATES_DIR | I18N_DIR => Some(ChangeKind::Template),
            STATIC_DIR => Some(ChangeKind::Static),
            "theme.yaml" if n == 3 => Some(ChangeKind::Config),
            _ => None,
        },
        // a whole theme folder appearing or going
        (THEMES_DIR, 2) => Some(ChangeKind::Config),
        // a watched folder itself created or removed
        (f, 1) if WATCHED_DIRS.contains(&f) => Some(match f {
            CONTENT_DIR => ChangeKind::Content,
            STATIC_DIR => ChangeKind::Static,
            THEMES_DIR => ChangeKind::Config,
            _ => ChangeKind::Template,
        }),
        _ => None,
    }
}

/// The changes of one debounced burst.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    /// Changed paths that matter (absolute), with their kind.
    pub paths: BTreeSet<(ChangeKind, PathBuf)>,
    /// The watcher lost events (overflow, rescan): rebuild everything.
    pub rescan: bool,
}

impl Changes {
    /// Adds a path if it matters.
    pub fn add(&mut self, root: &Path, output_dir: &Path, path: &Path) {
        if let Some(kind) = classify(root, output_dir, path) {
            self.paths.insert((kind, path.to_path_buf()));
        }
    }

    /// True when nothing that matters changed.
    pub fn is_empty(&self) -> bool {
        self.paths.is_empty() && !self.rescan
    }

    /// True when some change is of `kind`.
    pub fn has(&self, kind: ChangeKind) -> bool {
        self.paths.iter().any(|(k, _)| *k == kind)
    }

    /// True when only stylesheets changed.
    pub fn only_css(&self) -> bool {
        !self.rescan
            && !self.paths.is_empty()
            && self
                .paths
                .iter()
                .all(|(k, p)| *k == ChangeKind::Static && p.extension().is_some_and(|e| e == "css"))
    }
}

/// How long the filesystem must stay quiet before a burst is over, and the
/// longest a burst may last before it is handled anyway.
#[derive(Debug, Clone, Copy)]
pub struct Debounce {
    pub quiet: Duration,
    pub max: Duration,
}

impl Default for Debounce {
    fn default() -> Self {
        // an editor's atomic save (write temp, fsync, rename) lands within
        // a few milliseconds; a checkout of many files keeps coming
        Debounce {
            quiet: Duration::from_millis(25),
            max: Duration::from_millis(400),
        }
    }
}

/// One raw notification: paths that changed, or a loss of events.
#[derive(Debug)]
pub enum RawEvent {
    Paths(Vec<PathBuf>),
    Rescan,
    Error(String),
}

/// Waits for the next burst of events and returns its changes, once the
/// burst has settled. `None` when the watcher is gone. Errors of the
/// watcher are passed to `on_error` and otherwise ignored.
pub fn next_batch(
    rx: &Receiver<RawEvent>,
    debounce: Debounce,
    root: &Path,
    output_dir: &Path,
    on_error: &mut dyn FnMut(String),
) -> Option<Changes> {
    loop {
        let mut changes = Changes::default();
        let first = rx.recv().ok()?;
        let start = Instant::now();
        let mut take = |ev: RawEvent, changes: &mut Changes| match ev {
            RawEvent::Paths(ps) => {
                for p in ps {
                    changes.add(root, output_dir, &p)
                }
            }
            RawEvent::Rescan => changes.rescan = true,
            RawEvent::Error(e) => on_error(e),
        };
        take(first, &mut changes);
        loop {
            let left = debounce.max.saturating_sub(start.elapsed());
            if left.is_zero() {
                break;
            }
            match rx.recv_timeout(debounce.quiet.min(left)) {
                Ok(ev) => take(ev, &mut changes),
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return None,
            }
        }
        if !changes.is_empty() {
            return Some(changes);
        }
    }
}

/// A running watcher; dropping it stops watching.
pub struct SiteWatcher {
    watcher: notify::RecommendedWatcher,
    root: PathBuf,
    watched: BTreeSet<PathBuf>,
}

impl SiteWatcher {
    /// Starts watching `root`: the root itself (for site.yaml and folders
    /// that appear later) and each watched folder recursively.
    pub fn start(root: &Path, tx: Sender<RawEvent>) -> notify::Result<SiteWatcher> {
        let watcher = notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
            let ev = match res {
                Ok(ev) if ev.need_rescan() => RawEvent::Rescan,
                Ok(ev) if matches!(ev.kind, notify::EventKind::Access(_)) => return,
                Ok(ev) => RawEvent::Paths(ev.paths),
                Err(e) => RawEvent::Error(e.to_string()),
            };
            let _ = tx.send(ev);
        })?;
        let mut w = SiteWatcher {
            watcher,
            root: root.to_path_buf(),
            watched: BTreeSet::new(),
        };
        w.watcher.watch(root, RecursiveMode::NonRecursive)?;
        w.refresh()?;
        Ok(w)
    }

    /// Watches watched folders that exist now and were not watched yet
    /// (call after a change at the top of the site).
    pub fn refresh(&mut self) -> notify::Result<()> {
        for d in WATCHED_DIRS {
            let p = self.root.join(d);
            if p.is_dir() && !self.watched.contains(&p) {
                self.watcher.watch(&p, RecursiveMode::Recursive)?;
                self.watched.insert(p);
            } else if !p.is_dir() && self.watched.remove(&p) {
                let _ = self.watcher.unwatch(&p);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc::channel;

    fn k(rel: &str) -> Option<ChangeKind> {
        let root = Path::new("/site");
        classify(root, &root.join("public"), &root.join(rel))
    }

    #[test]
    fn changes_are_classified_by_place() {
        use ChangeKind::*;
        assert_eq!(k("content/talents/t-a.md"), Some(Content));
        assert_eq!(k("content/stories/amir/photo.jpg"), Some(Content));
        assert_eq!(k("content"), Some(Content));
        assert_eq!(k("templates/talent.html"), Some(Template));
        assert_eq!(k("i18n/en.yaml"), Some(Template));
        assert_eq!(k("themes/default/templates/base.html"), Some(Template));
        assert_eq!(k("themes/default/i18n/ja.yaml"), Some(Template));
        assert_eq!(k("themes/default/static/style.css"), Some(Static));
        assert_eq!(k("themes/default/theme.yaml"), Some(Config));
        assert_eq!(k("themes/other"), Some(Config));
        assert_eq!(k("static/style.css"), Some(Static));
        assert_eq!(k("static/images/a.png"), Some(Static));
        assert_eq!(k("site.yaml"), Some(Config));
    }

    #[test]
    fn output_hidden_and_temporary_files_are_ignored() {
        for rel in [
            "public/index.html",
            "public/talents/t-a/index.html",
            "README.md",
            "content/talents/.t-a.md.swp",
            "content/talents/t-a.md~",
            "content/talents/.#t-a.md",
            "content/talents/#t-a.md#",
            "content/talents/t-a.md.swp",
            "content/talents/4913",
            "content/talents/.goutputstream-XYZ",
            "content/talents/t-a.md.tmp",
            "content/.git/HEAD",
            "static/.DS_Store",
            ".git/index",
            "site.yaml~",
            ".site.yaml.swp",
            "themes/default/README.md",
            "themes",
        ] {
            let got = k(rel);
            // `themes` alone is a folder appearing: it matters
            if rel == "themes" {
                assert_eq!(got, Some(ChangeKind::Config));
                continue;
            }
            assert_eq!(got, None, "{rel}");
        }
        // outside the site
        assert_eq!(
            classify(
                Path::new("/site"),
                Path::new("/site/public"),
                Path::new("/elsewhere/x.md")
            ),
            None
        );
        // an output folder elsewhere
        assert_eq!(
            classify(
                Path::new("/site"),
                Path::new("/site/content/out"),
                Path::new("/site/content/out/x.html")
            ),
            None
        );
    }

    #[test]
    fn css_only_bursts_are_recognised() {
        let root = Path::new("/site");
        let out = root.join("public");
        let mut c = Changes::default();
        c.add(root, &out, &root.join("static/style.css"));
        c.add(root, &out, &root.join("static/.style.css.swp"));
        assert!(c.only_css());
        c.add(root, &out, &root.join("static/app.js"));
        assert!(!c.only_css());
        let mut c = Changes::default();
        c.add(root, &out, &root.join("themes/default/static/style.css"));
        assert!(c.only_css());
        c.add(root, &out, &root.join("content/talents/t-a.md"));
        assert!(!c.only_css());
        assert!(c.has(ChangeKind::Content));
        assert!(!Changes::default().only_css());
    }

    #[test]
    fn an_atomic_save_is_one_batch() {
        let (tx, rx) = channel();
        let root = PathBuf::from("/site");
        let out = root.join("public");
        let md = root.join("content/talents/t-a.md");
        // an editor: write a temporary file, rename it over the original
        tx.send(RawEvent::Paths(vec![
            root.join("content/talents/.t-a.md.tmp"),
        ]))
        .unwrap();
        tx.send(RawEvent::Paths(vec![
            root.join("content/talents/.t-a.md.tmp"),
            md.clone(),
        ]))
        .unwrap();
        tx.send(RawEvent::Paths(vec![md.clone()])).unwrap();
        // a swap file alone is no batch at all
        tx.send(RawEvent::Paths(vec![
            root.join("content/talents/.t-a.md.swp"),
        ]))
        .unwrap();
        let mut errors = Vec::new();
        let batch = next_batch(&rx, Debounce::default(), &root, &out, &mut |e| {
            errors.push(e)
        })
        .unwrap();
        assert_eq!(
            batch.paths.into_iter().collect::<Vec<_>>(),
            vec![(ChangeKind::Content, md)]
        );
        // only ignorable events, then the watcher goes away: no batch
        tx.send(RawEvent::Paths(vec![out.join("index.html")]))
            .unwrap();
        tx.send(RawEvent::Error("inotify: queue overflow".into()))
            .unwrap();
        drop(tx);
        assert!(
            next_batch(&rx, Debounce::default(), &root, &out, &mut |e| errors
                .push(e))
            .is_none()
        );
        assert_eq!(errors, vec!["inotify: queue overflow".to_string()]);
    }

    #[test]
    fn a_lost_event_asks_for_a_full_rebuild() {
        let (tx, rx) = channel();
        tx.send(RawEvent::Rescan).unwrap();
        let root = PathBuf::from("/site");
        let b = next_batch(
            &rx,
            Debounce::default(),
            &root,
            &root.join("public"),
            &mut |_| {},
        )
        .unwrap();
        assert!(b.rescan && !b.is_empty() && !b.only_css());
    }

    #[test]
    fn the_real_watcher_sees_saves_renames_and_deletions() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::create_dir_all(root.join("content/talents")).unwrap();
        std::fs::write(root.join("site.yaml"), "title: x\n").unwrap();
        let md = root.join("content/talents/t-a.md");
        std::fs::write(&md, "a").unwrap();
        let (tx, rx) = channel();
        let _w = SiteWatcher::start(&root, tx).unwrap();
        let out = root.join("public");
        let wait = |rx: &Receiver<RawEvent>| {
            next_batch(rx, Debounce::default(), &root, &out, &mut |_| {}).unwrap()
        };
        // atomic save
        let tmp = root.join("content/talents/.t-a.md.tmp");
        std::fs::write(&tmp, "b").unwrap();
        std::fs::rename(&tmp, &md).unwrap();
        let b = wait(&rx);
        assert!(
            b.paths.contains(&(ChangeKind::Content, md.clone())),
            "{b:?}"
        );
        // deletion
        std::fs::remove_file(&md).unwrap();
        let b = wait(&rx);
        assert!(
            b.paths.contains(&(ChangeKind::Content, md.clone())),
            "{b:?}"
        );
        // config
        std::fs::write(root.join("site.yaml"), "title: y\n").unwrap();
        let b = wait(&rx);
        assert!(b.has(ChangeKind::Config), "{b:?}");
        // the output folder is ignored: nothing arrives for it
        std::fs::create_dir_all(root.join("public")).unwrap();
        std::fs::write(root.join("public/index.html"), "x").unwrap();
        std::fs::write(root.join("content/talents/t-b.md"), "b").unwrap();
        let b = wait(&rx);
        assert!(
            b.paths
                .iter()
                .all(|(_, p)| p.starts_with(root.join("content"))),
            "{b:?}"
        );
    }
}
