//! Writing an [`Output`] into its folder, in two phases.
//!
//! 1. **Prepare**, which changes nothing a reader of the folder sees: the
//!    folders new files need are created, and every new or changed file is
//!    written beside its target under a temporary name
//!    (`.index.html.tsunagi-tmp`). Each folder where something will be
//!    deleted gets a probe file, so a folder that cannot be changed (read
//!    only, or on a full disk) fails here rather than halfway through.
//!    If anything fails, every temporary file and every folder this
//!    build created are removed: the folder is exactly as it was.
//! 2. **Commit**: the record is marked incomplete, the temporary files are
//!    renamed into place, and everything the site no longer has is deleted
//!    — files of the last build and anything else found in the folder
//!    (temporary files of a killed build, files copied in by hand, links).
//!    Then the record is saved. A rename or a deletion can still fail here
//!    (the disk disappears); the record then stays incomplete, so the next
//!    build trusts nothing on disk and writes every file again.
//!
//! Symbolic links in the folder are never followed: a link where a folder
//! or file of the site belongs is removed and replaced, and the site's
//! files below it are prepared in a staging folder until then.
//!
//! Files are not `fsync`ed one by one (that would multiply the time of a
//! clean build of a large site): after a power failure during a build,
//! files renamed in the last seconds may be empty on disk. The record
//! knows their size, so the next build rewrites them.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use super::folder::{self, Kind};
use super::state::{LastBuild, OutputFolder};
use super::{Output, is_plain_relative};
use crate::error::{Diagnostic, Error, Result};

/// Suffix of every name the writer uses for itself in the output folder.
pub(super) const TMP_SUFFIX: &str = ".tsunagi-tmp";

/// Where files whose folder is blocked by a link or a file wait for phase 2.
const STAGING: &str = ".staging.tsunagi-tmp";

/// What a write did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WriteStats {
    /// Files written (new or changed).
    pub written: usize,
    /// Files left as they were.
    pub unchanged: usize,
    /// Files and other entries deleted because the build does not produce them.
    pub deleted: usize,
}

fn hash(bytes: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(bytes)
}

/// One file to write: where its bytes wait, and where they go.
struct Job<'a> {
    path: &'a str,
    bytes: &'a Arc<[u8]>,
    tmp: PathBuf,
}

/// What phase 1 made, to undo it.
#[derive(Default)]
struct Prepared {
    created_root: bool,
    /// Folders created, parents first.
    folders: Vec<PathBuf>,
    /// Temporary files and probes written.
    temps: Vec<PathBuf>,
    staging: Option<PathBuf>,
}

impl Prepared {
    fn undo(&self, dir: &Path) {
        for t in &self.temps {
            let _ = std::fs::remove_file(t);
        }
        if let Some(s) = &self.staging {
            let _ = std::fs::remove_dir_all(s);
        }
        for f in self.folders.iter().rev() {
            let _ = std::fs::remove_dir(f);
        }
        if self.created_root {
            let _ = std::fs::remove_dir(dir);
        }
    }
}

impl OutputFolder {
    /// Writes `output` into the folder and records it: changed files only,
    /// everything else in the folder removed; see the module documentation.
    pub fn write(&mut self, output: &Output, last: Option<LastBuild>) -> Result<WriteStats> {
        write(self, output, last)
    }
}

/// [`OutputFolder::write`].
fn write(
    folder: &mut OutputFolder,
    output: &Output,
    last: Option<LastBuild>,
) -> Result<WriteStats> {
    let dir = folder.dir.clone();
    for path in output.files.keys() {
        if !is_plain_relative(path) || path.ends_with(TMP_SUFFIX) {
            return Err(Error::site(Diagnostic::error(
                path.clone(),
                None,
                "the build produced a file whose path is not a plain path inside the output folder; rename the content file or static file it comes from",
            )));
        }
    }
    if !folder.record_path.is_file() {
        // claim the folder before anything is made in it: a first build
        // killed or failed halfway must not leave a folder that the next
        // build refuses as someone else's
        folder.save(BTreeMap::new(), None, false)?;
    }
    let created_root = !dir.exists();
    std::fs::create_dir_all(&dir).map_err(|e| Error::io("creating", &dir, e))?;
    let inv = folder::inventory(&dir)?;
    let old = &folder.record.files;
    let entries: Vec<(&String, &Arc<[u8]>, u64)> = output
        .files
        .par_iter()
        .map(|(p, b)| (p, b, hash(b)))
        .collect();
    // which files need writing: the record says what the last build wrote;
    // a file changed, replaced or deleted by hand is written again
    let todo: Vec<bool> = entries
        .par_iter()
        .map(|(path, bytes, h)| {
            let same = old.get(path.as_str()) == Some(&(bytes.len() as u64, *h))
                && inv.entries.get(path.as_str()) == Some(&Kind::File)
                && std::fs::symlink_metadata(dir.join(path.as_str()))
                    .is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64);
            !same
        })
        .collect();

    // the folders the site needs; one that is on disk something else (a
    // link, a file) blocks everything below it until phase 2 replaces it
    let needed = folder::folders_of(output.files.keys().map(String::as_str));
    let blocked: BTreeSet<&str> = needed
        .iter()
        .copied()
        .filter(|f| matches!(inv.entries.get(*f), Some(Kind::File | Kind::Other)))
        .collect();
    let under_blocked = |path: &str| {
        blocked
            .iter()
            .any(|b| path.starts_with(b) && path.as_bytes().get(b.len()) == Some(&b'/'))
    };
    // a file of the site where a folder or link stands
    let replaced: Vec<&str> = output
        .files
        .keys()
        .map(String::as_str)
        .filter(|p| matches!(inv.entries.get(*p), Some(Kind::Dir | Kind::Other)))
        .collect();

    // what goes: every entry that is neither a file of the site nor a
    // folder it needs
    let mut stale_files: Vec<PathBuf> = Vec::new();
    let mut stale_dirs: Vec<&str> = Vec::new();
    for (path, kind) in &inv.entries {
        let keep = match kind {
            Kind::File => output.files.contains_key(path),
            Kind::Dir => needed.contains(path.as_str()),
            Kind::Other => false,
        };
        if keep || under_blocked(path) || blocked.contains(path.as_str()) {
            continue;
        }
        if replaced.contains(&path.as_str())
            || replaced
                .iter()
                .any(|r| path.starts_with(r) && path.as_bytes().get(r.len()) == Some(&b'/'))
        {
            continue;
        }
        match kind {
            Kind::Dir => stale_dirs.push(path),
            _ => stale_files.push(dir.join(path)),
        }
    }
    stale_files.extend(inv.unnamed.iter().map(|(p, _)| p.clone()));

    // phase 1: prepare
    let mut prepared = Prepared {
        created_root,
        ..Prepared::default()
    };
    let result = prepare(
        &dir,
        &entries,
        &todo,
        &needed,
        &inv.entries,
        &under_blocked,
        &stale_files,
        &stale_dirs,
        &mut prepared,
    );
    let jobs = match result {
        Ok(jobs) => jobs,
        Err(e) => {
            prepared.undo(&dir);
            return Err(e);
        }
    };
    // from here on the folder changes: until the end, nothing in it is trusted
    if let Err(e) = folder.save(BTreeMap::new(), None, false) {
        prepared.undo(&dir);
        return Err(e);
    }

    // phase 2: commit
    let mut stats = WriteStats {
        written: jobs.len(),
        unchanged: entries.len() - jobs.len(),
        deleted: 0,
    };
    for b in &blocked {
        remove_any(&dir.join(b))?;
        stats.deleted += 1;
    }
    for r in &replaced {
        remove_any(&dir.join(r))?;
        stats.deleted += 1;
    }
    for f in &needed {
        if under_blocked(f) || blocked.contains(f) {
            create_folder(&dir.join(f))?;
        }
    }
    jobs.par_iter().try_for_each(|j| {
        let target = dir.join(j.path);
        std::fs::rename(&j.tmp, &target).map_err(|e| Error::io("renaming into place", &target, e))
    })?;
    for p in &prepared.temps {
        // probes (the job files were renamed away)
        match std::fs::remove_file(p) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(Error::io("deleting", p, e));
            }
            _ => {}
        }
    }
    for p in &stale_files {
        match std::fs::remove_file(p) {
            Ok(()) => stats.deleted += 1,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(Error::io("deleting", p, e)),
        }
    }
    // deepest first, so each is empty when its turn comes
    for d in stale_dirs.iter().rev() {
        let p = dir.join(d);
        match std::fs::remove_dir(&p) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(Error::io("deleting", &p, e)),
        }
    }
    if let Some(s) = &prepared.staging {
        remove_any(s)?;
    }
    let files = entries
        .iter()
        .map(|(p, b, h)| ((*p).clone(), (b.len() as u64, *h)))
        .collect();
    folder.save(files, last, true)?;
    Ok(stats)
}

/// Phase 1: folders, temporary files and probes; returns the jobs.
#[allow(clippy::too_many_arguments)]
fn prepare<'a>(
    dir: &Path,
    entries: &[(&'a String, &'a Arc<[u8]>, u64)],
    todo: &[bool],
    needed: &BTreeSet<&str>,
    on_disk: &BTreeMap<String, Kind>,
    under_blocked: &(dyn Fn(&str) -> bool + Sync),
    stale_files: &[PathBuf],
    stale_dirs: &[&str],
    prepared: &mut Prepared,
) -> Result<Vec<Job<'a>>> {
    // folders, parents first (a page is a folder: a large site creates tens
    // of thousands, so each depth is created on both cores)
    let mut by_depth: Vec<Vec<&str>> = Vec::new();
    for f in needed {
        if on_disk.contains_key(*f) || under_blocked(f) {
            continue;
        }
        let depth = f.matches('/').count();
        if by_depth.len() <= depth {
            by_depth.resize_with(depth + 1, Vec::new);
        }
        by_depth[depth].push(f);
    }
    for level in &by_depth {
        let made: Vec<Result<PathBuf>> = level
            .par_iter()
            .map(|f| {
                let full = dir.join(f);
                create_folder(&full).map(|()| full)
            })
            .collect();
        for m in made {
            prepared.folders.push(m?);
        }
    }
    let staging = dir.join(STAGING);
    let mut jobs = Vec::new();
    for (i, ((path, bytes, _), _)) in entries.iter().zip(todo).filter(|(_, w)| **w).enumerate() {
        let tmp = if under_blocked(path) {
            if prepared.staging.is_none() {
                remove_any(&staging)?;
                create_folder(&staging)?;
                prepared.staging = Some(staging.clone());
            }
            staging.join(i.to_string())
        } else {
            let target = dir.join(path.as_str());
            let name = target
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            target.with_file_name(format!(".{name}{TMP_SUFFIX}"))
        };
        jobs.push(Job {
            path: path.as_str(),
            bytes,
            tmp,
        });
    }
    let written: Vec<(PathBuf, Result<()>)> = jobs
        .par_iter()
        .map(|j| (j.tmp.clone(), write_new(&j.tmp, j.bytes)))
        .collect();
    let mut first_error = None;
    for (tmp, r) in written {
        match r {
            Ok(()) => prepared.temps.push(tmp),
            Err(e) => {
                // a partial file may be there
                let _ = std::fs::remove_file(&tmp);
                first_error.get_or_insert(e);
            }
        }
    }
    if let Some(e) = first_error {
        return Err(e);
    }
    // every folder where something will be deleted must accept a change
    let mut probe_dirs: BTreeSet<PathBuf> = stale_files
        .iter()
        .filter_map(|p| p.parent().map(Path::to_path_buf))
        .chain(stale_dirs.iter().map(|d| {
            dir.join(d)
                .parent()
                .map_or_else(|| dir.to_path_buf(), Path::to_path_buf)
        }))
        .collect();
    for j in &jobs {
        if let Some(p) = j.tmp.parent() {
            probe_dirs.remove(p);
        }
    }
    for d in probe_dirs {
        let probe = d.join(format!(".probe{TMP_SUFFIX}"));
        write_new(&probe, b"")?;
        prepared.temps.push(probe);
    }
    Ok(jobs)
}

/// Creates one folder whose parent exists; one already there is fine.
fn create_folder(full: &Path) -> Result<()> {
    match std::fs::create_dir(full) {
        Ok(()) => Ok(()),
        Err(e)
            if e.kind() == std::io::ErrorKind::AlreadyExists
                && std::fs::symlink_metadata(full).is_ok_and(|m| m.is_dir()) =>
        {
            Ok(())
        }
        Err(e) => Err(Error::io("creating", full, e)),
    }
}

/// Writes a new file at `path`, replacing whatever entry has that name
/// (a temporary file of a killed build) without following it if it is a
/// link.
fn write_new(path: &Path, bytes: &[u8]) -> Result<()> {
    remove_any(path)?;
    let mut f = std::fs::File::options()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| Error::io("writing", path, e))?;
    f.write_all(bytes)
        .map_err(|e| Error::io("writing", path, e))
}

/// Removes a file, link or folder tree (links inside it are removed, not
/// followed).
fn remove_any(path: &Path) -> Result<()> {
    let r = match std::fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => Err(e),
        Ok(m) if m.is_dir() => std::fs::remove_dir_all(path),
        Ok(_) => std::fs::remove_file(path),
    };
    r.map_err(|e| Error::io("deleting", path, e))
}
