//! The finished site in memory, and writing it to disk.
//!
//! A build is all or nothing: every file is rendered into an [`Output`]
//! first, so a failed build never touches the output folder. Writing then
//! changes only what changed. A manifest of the previous build (path, size,
//! hash), kept in the output folder's marker file, tells which files are
//! already right without reading them; each changed file is written to a
//! temporary name and renamed into place; files the build no longer
//! produces are deleted. Deleting and recreating ~10k folders costs several
//! seconds of system time on these disks, so the output is never wiped.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::{Diagnostic, Error, Result};

/// Name of the marker and manifest file in the output folder.
pub const MARKER: &str = ".tsunagi-output.json";

/// Every file of the site, by output path (`tags/エンジニア/index.html`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Output {
    /// Sorted, so iteration (and everything derived) is deterministic.
    pub files: BTreeMap<String, Arc<[u8]>>,
}

impl Output {
    /// Adds a file; returns false if the path was already taken.
    pub fn insert(&mut self, path: String, bytes: Vec<u8>) -> bool {
        if self.files.contains_key(&path) {
            return false;
        }
        self.files.insert(path, bytes.into());
        true
    }

    /// Adds a file whose bytes are already shared (the dev server's cached
    /// pages); returns false if the path was already taken.
    pub fn insert_shared(&mut self, path: String, bytes: Arc<[u8]>) -> bool {
        if self.files.contains_key(&path) {
            return false;
        }
        self.files.insert(path, bytes);
        true
    }

    /// The file at a site path (`/talents/`, `/images/a.png`), if any.
    pub fn lookup(&self, site_path: &str) -> Option<(&str, &[u8])> {
        let p = site_path.trim_start_matches('/');
        let candidates = if p.is_empty() || p.ends_with('/') {
            vec![format!("{p}index.html")]
        } else {
            vec![p.to_string(), format!("{p}/index.html")]
        };
        candidates.into_iter().find_map(|c| {
            self.files
                .get_key_value(c.as_str())
                .map(|(k, v)| (k.as_str(), &v[..]))
        })
    }

    /// Total size in bytes.
    pub fn total_bytes(&self) -> usize {
        self.files.values().map(|v| v.len()).sum()
    }
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Manifest {
    generator: String,
    /// path → [size, xxh3 hash]
    files: BTreeMap<String, (u64, u64)>,
    /// What the build that wrote this folder read and reported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    last: Option<LastBuild>,
}

/// The build that wrote an output folder: the fingerprint of its inputs
/// (see [`crate::inputs`]) and what it reported, so that a build of the same
/// inputs can report the same without redoing the work.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LastBuild {
    /// [`crate::inputs::Fingerprint::hash`].
    pub inputs: String,
    /// [`crate::inputs::Fingerprint::taken`], in ns since the epoch.
    pub taken: i128,
    /// HTML pages rendered.
    pub pages: usize,
    /// The privacy summary line (`11 talents published, 3 withheld (…)`).
    pub privacy: String,
    /// The build's warnings.
    pub warnings: Vec<Diagnostic>,
}

/// The last build of `dir`, if its marker records one that `current`
/// accepts and every file it wrote is still there at its size (a file
/// deleted or truncated by hand means the folder needs a real build). The
/// count of files is returned too.
pub fn last_build(dir: &Path, current: impl Fn(&LastBuild) -> bool) -> Option<(LastBuild, usize)> {
    let bytes = std::fs::read(dir.join(MARKER)).ok()?;
    let m: Manifest = serde_json::from_slice(&bytes).ok()?;
    if m.generator != generator() {
        return None;
    }
    // the cheap test first: most builds follow a change
    let last = m.last.filter(|l| current(l))?;
    let intact = m.files.par_iter().all(|(path, (size, _))| {
        !path.contains("..")
            && std::fs::metadata(dir.join(path)).is_ok_and(|x| x.is_file() && x.len() == *size)
    });
    intact.then_some((last, m.files.len()))
}

fn generator() -> String {
    format!("tsunagi {}", env!("CARGO_PKG_VERSION"))
}

/// What a write did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WriteStats {
    /// Files written (new or changed).
    pub written: usize,
    /// Files left as they were.
    pub unchanged: usize,
    /// Files deleted because the build no longer produces them.
    pub deleted: usize,
}

/// Refuses output folders that would destroy the site or the machine's files.
pub fn check_output_dir(root: &Path, out: &Path, force: bool) -> Result<()> {
    let abs = |p: &Path| -> PathBuf {
        let p = if p.is_absolute() {
            p.to_path_buf()
        } else {
            std::env::current_dir().unwrap_or_default().join(p)
        };
        // canonicalise the longest existing ancestor, keep the rest as written
        let mut existing = p.clone();
        let mut rest = Vec::new();
        while !existing.exists() {
            match (
                existing.file_name().map(|s| s.to_os_string()),
                existing.parent(),
            ) {
                (Some(name), Some(parent)) => {
                    rest.push(name);
                    existing = parent.to_path_buf();
                }
                _ => break,
            }
        }
        let mut c = existing.canonicalize().unwrap_or(existing);
        for r in rest.into_iter().rev() {
            c.push(r);
        }
        c
    };
    let out_abs = abs(out);
    let root_abs = abs(root);
    let refuse = |reason: &str| {
        Err(Error::UnsafeOutput {
            path: out.to_path_buf(),
            reason: reason.to_string(),
        })
    };
    if out_abs.parent().is_none() {
        return refuse("it is the filesystem root");
    }
    if out_abs == root_abs {
        return refuse("it is the site's own folder; use a folder such as public/");
    }
    if root_abs.starts_with(&out_abs) {
        return refuse("it contains the site; use a folder inside it such as public/");
    }
    for special in ["content", "static", "templates", "themes", "i18n"] {
        if out_abs.starts_with(root_abs.join(special)) {
            return refuse(&format!("it is inside the site's {special}/ folder"));
        }
    }
    if let Some(home) = std::env::var_os("HOME").map(PathBuf::from)
        && !home.as_os_str().is_empty()
        && abs(&home) == out_abs
    {
        return refuse("it is your home folder");
    }
    if out_abs.is_file() {
        return refuse("it is a file");
    }
    if out_abs.is_dir() && !out_abs.join(MARKER).is_file() && !force {
        let non_empty = std::fs::read_dir(&out_abs)
            .map_err(|e| Error::io("reading", &out_abs, e))?
            .next()
            .is_some();
        if non_empty {
            return refuse(&format!(
                "it is not empty and was not made by tsunagi (no {MARKER} in it); choose another folder or pass --force to let tsunagi manage it"
            ));
        }
    }
    Ok(())
}

fn hash(bytes: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(bytes)
}

/// Writes `output` into `dir`: changed files only, stale files removed.
/// `last` describes the build, for [`last_build`].
pub fn write(
    root: &Path,
    dir: &Path,
    output: &Output,
    force: bool,
    last: Option<LastBuild>,
) -> Result<WriteStats> {
    check_output_dir(root, dir, force)?;
    std::fs::create_dir_all(dir).map_err(|e| Error::io("creating", dir, e))?;
    let marker = dir.join(MARKER);
    let old: Manifest = match std::fs::read(&marker) {
        Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or_default(),
        Err(_) => Manifest::default(),
    };
    let entries: Vec<(&String, &Arc<[u8]>, u64)> = output
        .files
        .par_iter()
        .map(|(p, b)| (p, b, hash(b)))
        .collect();
    // which files need writing (the manifest says what the last build wrote;
    // a file changed or deleted by hand is written again)
    let todo: Vec<bool> = entries
        .par_iter()
        .map(|(path, bytes, h)| {
            let same = old.files.get(path.as_str()) == Some(&(bytes.len() as u64, *h))
                && std::fs::metadata(dir.join(path.as_str()))
                    .is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64);
            !same
        })
        .collect();
    // folders once each, parents first, rather than once per file
    let mut folders = std::collections::BTreeSet::new();
    for ((path, _, _), _) in entries.iter().zip(&todo).filter(|(_, w)| **w) {
        let mut p = Path::new(path.as_str()).parent();
        while let Some(f) = p.filter(|f| !f.as_os_str().is_empty()) {
            if !folders.insert(f.to_path_buf()) {
                break;
            }
            p = f.parent();
        }
    }
    // depth by depth, each depth on both cores: a page is a folder
    // (`talents/t00001/index.html`), so a large site creates tens of
    // thousands of folders, and one thread creating them was a third of
    // the write stage at 50,000 pages
    let mut by_depth: Vec<Vec<&PathBuf>> = Vec::new();
    for f in &folders {
        let depth = f.components().count();
        if by_depth.len() < depth {
            by_depth.resize_with(depth, Vec::new);
        }
        by_depth[depth - 1].push(f);
    }
    for level in &by_depth {
        level.par_iter().try_for_each(|f| {
            let full = dir.join(f);
            match std::fs::create_dir(&full) {
                Ok(()) => Ok(()),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && full.is_dir() => Ok(()),
                Err(e) => Err(Error::io("creating", &full, e)),
            }
        })?;
    }
    let results: Vec<Result<bool>> = entries
        .par_iter()
        .zip(todo.par_iter())
        .map(|((path, bytes, _), &write)| {
            if write {
                write_atomic(&dir.join(path.as_str()), bytes)?;
            }
            Ok(write)
        })
        .collect();
    let mut stats = WriteStats::default();
    for r in results {
        if r? {
            stats.written += 1
        } else {
            stats.unchanged += 1
        }
    }
    // stale files: listed last time, not produced now
    let mut dirs = std::collections::BTreeSet::new();
    for path in old.files.keys() {
        if output.files.contains_key(path) || path.contains("..") {
            continue;
        }
        let target = dir.join(path);
        match std::fs::remove_file(&target) {
            Ok(()) => stats.deleted += 1,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(Error::io("deleting", &target, e)),
        }
        let mut parent = target.parent().map(Path::to_path_buf);
        while let Some(p) = parent {
            if p == dir {
                break;
            }
            dirs.insert(p.clone());
            parent = p.parent().map(Path::to_path_buf);
        }
    }
    // deepest first; only empty folders go
    for d in dirs.iter().rev() {
        let _ = std::fs::remove_dir(d);
    }
    let manifest = Manifest {
        generator: generator(),
        last,
        files: entries
            .iter()
            .map(|(p, b, h)| ((*p).clone(), (b.len() as u64, *h)))
            .collect(),
    };
    let json = serde_json::to_vec(&manifest)
        .map_err(|e| Error::io("writing", &marker, std::io::Error::other(e)))?;
    write_atomic(&marker, &json)?;
    Ok(stats)
}

/// Writes to a temporary file beside `target` (whose folder exists), then
/// renames it into place.
fn write_atomic(target: &Path, bytes: &[u8]) -> Result<()> {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let tmp = target.with_file_name(format!(".{name}.tsunagi-tmp"));
    std::fs::write(&tmp, bytes).map_err(|e| Error::io("writing", &tmp, e))?;
    std::fs::rename(&tmp, target).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        Error::io("renaming into place", target, e)
    })
}

/// A diagnostic for two generated files on one path.
pub fn collision(path: &str, what: &str) -> Diagnostic {
    Diagnostic::error(
        what.to_string(),
        None,
        format!("two files with one output path `{path}`: rename one of them"),
    )
}
