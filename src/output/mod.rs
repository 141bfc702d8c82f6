//! The finished site in memory, and the folder it is written to.
//!
//! A build is all or nothing: every file is rendered into an [`Output`]
//! first, so a failed build never touches the output folder. Writing then
//! changes only what changed, in two phases ([`write`]): every changed file
//! is first written under a temporary name, and only when all of them are
//! on disk are they renamed into place and stale files deleted. A write
//! that fails (a full disk, a read-only folder) removes its temporary
//! files and leaves the previous output as it was.
//!
//! **The output folder holds the site's files and nothing else.** It is
//! what gets uploaded, so every byte in it is public: the build's own state
//! (which files the last build wrote, its warnings and privacy summary,
//! which name withheld people) lives outside it, in the site's `.tsunagi/`
//! folder ([`state`]), together with the lock that keeps two builds from
//! writing one folder at once. After a successful build the folder holds
//! exactly the build's files: anything else found in it (a temporary file
//! left by a build that was killed, a file copied in by hand, a symbolic
//! link) is removed, never followed.
//!
//! Deleting and recreating ~10k folders costs several seconds of system
//! time on these disks, so the output is never wiped: unchanged files are
//! recognised from the last build's manifest (size and hash) and left alone.

mod folder;
mod state;
mod write;

use std::collections::BTreeMap;
use std::sync::Arc;

pub use state::{LastBuild, OutputFolder};
pub use write::WriteStats;

use crate::error::Diagnostic;

/// A generated file: output path (relative, `/`-separated) and bytes.
pub type File = (String, Vec<u8>);

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

/// A diagnostic for two generated files on one path.
pub fn collision(path: &str, what: &str) -> Diagnostic {
    Diagnostic::error(
        what.to_string(),
        None,
        format!("two files with one output path `{path}`: rename one of them"),
    )
}

/// Whether `path` is a plain relative path inside a folder: `/`-separated,
/// no empty, `.` or `..` components, not absolute, no NUL or backslash.
/// Output paths and manifest entries must be; anything else is never used
/// to name a file.
pub(crate) fn is_plain_relative(path: &str) -> bool {
    !path.is_empty()
        && !path.contains(['\0', '\\'])
        && path
            .split('/')
            .all(|c| !c.is_empty() && c != "." && c != "..")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_relative_paths() {
        for ok in [
            "index.html",
            "tags/エンジニア/index.html",
            ".well-known/x.txt",
        ] {
            assert!(is_plain_relative(ok), "{ok}");
        }
        for bad in [
            "",
            "/tmp/victim.txt",
            "../victim.txt",
            "a/../../b",
            "a//b",
            "./a",
            "a/",
            "a\\..\\b",
            "a\0b",
        ] {
            assert!(!is_plain_relative(bad), "{bad:?}");
        }
    }
}
