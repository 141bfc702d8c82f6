//! The build state of an output folder, kept outside it.
//!
//! A build needs to know which files the last build wrote (their sizes and
//! hashes, so unchanged files are not rewritten), what that build read
//! (so an unchanged site stops early, [`crate::inputs`]) and what it
//! reported (its warnings and privacy summary, repeated when it stops
//! early). That record names withheld people ("t-2026-014 is not
//! published (consent withdrawn …)"), so it must never be in the output
//! folder, which static hosts upload whole, dotfiles included.
//!
//! It lives in the site's `.tsunagi/` folder, one record per output folder
//! (keyed by the folder's absolute path, so `public/` and a companies build
//! in `public-companies/` each have their own), beside a lock file: a
//! build holds an exclusive lock on it from start to finish, so a second
//! build of the same folder is refused instead of interleaving its writes.
//! `.tsunagi/` carries its own `.gitignore`, so it is never committed.

use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::folder::{self, Inventory, Kind, STATE_DIR, record_stem};
use super::is_plain_relative;
use crate::error::{Diagnostic, Error, Result};

/// The record of what was last written to one output folder.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(super) struct Record {
    generator: String,
    /// The output folder, absolute (for people reading the file).
    output: String,
    /// False from the moment a build starts changing the folder until it
    /// has finished: `files` is then empty and nothing on disk is trusted.
    complete: bool,
    /// path → [size, xxh3 hash] of every file the last build wrote.
    pub files: BTreeMap<String, (u64, u64)>,
    /// What the build that wrote the folder read and reported.
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

fn generator() -> String {
    format!("tsunagi {}", env!("CARGO_PKG_VERSION"))
}

/// An output folder, locked for one build: nothing else writes it while
/// this lives (the lock is released when it is dropped, or by the
/// operating system when the process dies).
#[derive(Debug)]
pub struct OutputFolder {
    /// The folder as the user named it (for messages).
    pub(super) dir: PathBuf,
    pub(super) record_path: PathBuf,
    pub(super) record: Record,
    _lock: File,
    /// Problems with the record worth telling (entries ignored).
    pub warnings: Vec<Diagnostic>,
}

impl OutputFolder {
    /// Checks the folder ([`folder::check_output_dir`]), takes its lock and
    /// reads its record. A folder another build holds is refused.
    pub fn open(root: &Path, dir: &Path, force: bool) -> Result<OutputFolder> {
        folder::check_output_dir(root, dir, force)?;
        let root_abs = folder::absolute(root);
        let out_abs = folder::absolute(dir);
        let stem = record_stem(&root_abs, &out_abs);
        let outputs = stem.parent().unwrap_or(&root_abs).to_path_buf();
        create_state_dir(&root_abs.join(STATE_DIR), &outputs)?;
        let lock_path = stem.with_extension("lock");
        let lock = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|e| Error::io("opening the lock file", &lock_path, e))?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(Error::OutputBusy {
                    path: dir.to_path_buf(),
                    lock: lock_path,
                });
            }
            Err(std::fs::TryLockError::Error(e)) => {
                return Err(Error::io("locking", &lock_path, e));
            }
        }
        let record_path = stem.with_extension("json");
        let mut warnings = Vec::new();
        let record = match std::fs::read(&record_path) {
            Ok(bytes) => match serde_json::from_slice::<Record>(&bytes) {
                Ok(r) if r.generator == generator() => r,
                // another version's or a damaged record: rewrite everything
                _ => Record::default(),
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Record::default(),
            Err(e) => return Err(Error::io("reading", &record_path, e)),
        };
        let mut record = record;
        let bad: Vec<String> = record
            .files
            .keys()
            .filter(|p| !is_plain_relative(p))
            .cloned()
            .collect();
        if !bad.is_empty() {
            for p in &bad {
                record.files.remove(p);
            }
            warnings.push(Diagnostic::warning(
                crate::error::rel_path(&root_abs, &record_path),
                None,
                format!(
                    "ignored {} entr{} of the build record that {} not a path inside the output folder (`{}`): the record was changed by hand or damaged; it is rewritten by this build",
                    bad.len(),
                    if bad.len() == 1 { "y" } else { "ies" },
                    if bad.len() == 1 { "is" } else { "are" },
                    bad[0]
                ),
            ));
        }
        Ok(OutputFolder {
            dir: dir.to_path_buf(),
            record_path,
            record,
            _lock: lock,
            warnings,
        })
    }

    /// The folder as named.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Whether the record describes a finished build that may still be
    /// current (cheap: nothing on disk is looked at).
    pub fn has_last_build(&self) -> bool {
        self.record.complete && self.record.last.is_some()
    }

    /// The last build of this folder, if its record is complete, `current`
    /// accepts it, and the folder holds exactly the files it wrote at their
    /// sizes and nothing else (a file deleted, truncated or added by hand,
    /// or left by a build that was killed, means the folder needs a real
    /// build). The count of files is returned too.
    pub fn last_build(&self, current: impl Fn(&LastBuild) -> bool) -> Option<(LastBuild, usize)> {
        let r = &self.record;
        if !r.complete {
            return None;
        }
        // the cheap test first: most builds follow a change
        let last = r.last.as_ref().filter(|l| current(l))?;
        let inv = folder::inventory(&self.dir).ok()?;
        exactly(&inv, &r.files, &self.dir).then(|| (last.clone(), r.files.len()))
    }

    /// Saves the record (to a temporary file renamed over the old one).
    pub(super) fn save(
        &mut self,
        files: BTreeMap<String, (u64, u64)>,
        last: Option<LastBuild>,
        complete: bool,
    ) -> Result<()> {
        self.record = Record {
            generator: generator(),
            output: folder::absolute(&self.dir).to_string_lossy().into_owned(),
            complete,
            files,
            last,
        };
        let json = serde_json::to_vec(&self.record)
            .map_err(|e| Error::io("writing", &self.record_path, std::io::Error::other(e)))?;
        let tmp = self.record_path.with_extension("json.tmp");
        std::fs::write(&tmp, &json).map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            Error::io("writing", &tmp, e)
        })?;
        std::fs::rename(&tmp, &self.record_path).map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            Error::io("renaming into place", &self.record_path, e)
        })
    }
}

/// Creates `.tsunagi/outputs/`, with a `.gitignore` that keeps the state
/// folder out of version control wherever the site's own `.gitignore`
/// stands.
fn create_state_dir(state: &Path, outputs: &Path) -> Result<()> {
    std::fs::create_dir_all(outputs).map_err(|e| Error::io("creating", outputs, e))?;
    let ignore = state.join(".gitignore");
    if !ignore.is_file() {
        std::fs::write(
            &ignore,
            "# tsunagi's build state (which files each output folder holds, the last\n# build's warnings): never commit or publish it\n*\n",
        )
        .map_err(|e| Error::io("writing", &ignore, e))?;
    }
    Ok(())
}

/// Whether the folder holds exactly `files` at their sizes: the same
/// regular files, nothing else but the folders above them.
fn exactly(inv: &Inventory, files: &BTreeMap<String, (u64, u64)>, dir: &Path) -> bool {
    if !inv.unnamed.is_empty() {
        return false;
    }
    let folders = folder::folders_of(files.keys().map(String::as_str));
    let mut count = 0;
    for (path, kind) in &inv.entries {
        match kind {
            Kind::File if files.contains_key(path) => count += 1,
            Kind::Dir if folders.contains(path.as_str()) => {}
            _ => return false,
        }
    }
    if count != files.len() {
        return false;
    }
    use rayon::prelude::*;
    files.par_iter().all(|(path, (size, _))| {
        std::fs::symlink_metadata(dir.join(path)).is_ok_and(|m| m.is_file() && m.len() == *size)
    })
}
