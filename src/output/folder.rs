//! Which folders tsunagi may write to, and what is in one.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::error::{Error, Result};

/// The site's folder for build state (never published).
pub const STATE_DIR: &str = ".tsunagi";

/// Where tsunagi up to 0.1 kept its manifest: inside the output folder. A
/// folder holding one was made by tsunagi; the file itself is removed by
/// the next build like any other file that is not the site's.
pub(super) const LEGACY_MARKER: &str = ".tsunagi-output.json";

/// `<root>/.tsunagi/outputs/<hash of the output folder's absolute path>`,
/// without extension (`.json` for the record, `.lock` for the lock).
pub(super) fn record_stem(root_abs: &Path, out_abs: &Path) -> PathBuf {
    let key = xxhash_rust::xxh3::xxh3_64(out_abs.as_os_str().as_encoded_bytes());
    root_abs
        .join(STATE_DIR)
        .join("outputs")
        .join(format!("{key:016x}"))
}

/// Whether tsunagi has a record of building `out_abs` for the site at
/// `root_abs` (both from [`absolute`]).
pub(super) fn record_exists(root_abs: &Path, out_abs: &Path) -> bool {
    record_stem(root_abs, out_abs)
        .with_extension("json")
        .is_file()
}

/// `p` made absolute (against the current folder) with its longest
/// existing ancestor canonicalised and the rest kept as written, so a
/// folder that does not exist yet is named the same before and after its
/// first build.
pub(super) fn absolute(p: &Path) -> PathBuf {
    let p = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(p)
    };
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
}

/// Refuses output folders that would destroy the site or the machine's
/// files, and folders with files in them that tsunagi has no record of
/// building (after a build the folder holds the site's files and nothing
/// else, so it would delete them) unless `force`.
pub fn check_output_dir(root: &Path, out: &Path, force: bool) -> Result<()> {
    let out_abs = absolute(out);
    let root_abs = absolute(root);
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
    for special in crate::names::SITE_DIRS.into_iter().chain([STATE_DIR]) {
        if out_abs.starts_with(root_abs.join(special)) {
            return refuse(&format!("it is inside the site's {special}/ folder"));
        }
    }
    if let Some(home) = std::env::var_os("HOME").map(PathBuf::from)
        && !home.as_os_str().is_empty()
        && absolute(&home) == out_abs
    {
        return refuse("it is your home folder");
    }
    if out_abs.is_file() {
        return refuse("it is a file");
    }
    let ours = record_exists(&root_abs, &out_abs) || out_abs.join(LEGACY_MARKER).is_file();
    if out_abs.is_dir() && !ours && !force {
        let non_empty = std::fs::read_dir(&out_abs)
            .map_err(|e| Error::io("reading", &out_abs, e))?
            .next()
            .is_some();
        if non_empty {
            return refuse(&format!(
                "it is not empty and tsunagi has no record of building it (the record is kept in {STATE_DIR}/ in the site). After a build the output folder holds the site's files and nothing else, so what is in it now would be deleted: choose another folder, or pass --force to let tsunagi take it over"
            ));
        }
    }
    Ok(())
}

/// What a path in the output folder is on disk. Symbolic links are links,
/// never what they point to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    File,
    Dir,
    /// A symbolic link, a FIFO, a socket or a device: never written
    /// through, always removed.
    Other,
}

/// Everything in an output folder, by `/`-separated relative path.
#[derive(Debug, Default)]
pub(super) struct Inventory {
    pub entries: BTreeMap<String, Kind>,
    /// Entries whose names are not UTF-8: no build makes them, so they are
    /// removed (by their real path).
    pub unnamed: Vec<(PathBuf, Kind)>,
}

/// Reads the whole folder tree under `dir` (which may not exist), folders
/// in parallel, without following symbolic links.
pub(super) fn inventory(dir: &Path) -> Result<Inventory> {
    let mut inv = Inventory::default();
    match std::fs::symlink_metadata(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(inv),
        Err(e) => return Err(Error::io("reading", dir, e)),
        Ok(_) => {}
    }
    read_level(dir, "", &mut inv)?;
    Ok(inv)
}

fn read_level(dir: &Path, prefix: &str, inv: &mut Inventory) -> Result<()> {
    let mut subdirs = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| Error::io("reading", dir, e))? {
        let entry = entry.map_err(|e| Error::io("reading", dir, e))?;
        let ft = entry
            .file_type()
            .map_err(|e| Error::io("reading", &entry.path(), e))?;
        let kind = if ft.is_symlink() {
            Kind::Other
        } else if ft.is_dir() {
            Kind::Dir
        } else if ft.is_file() {
            Kind::File
        } else {
            Kind::Other
        };
        let Some(name) = entry.file_name().to_str().map(str::to_string) else {
            inv.unnamed.push((entry.path(), kind));
            continue;
        };
        let rel = format!("{prefix}{name}");
        if kind == Kind::Dir {
            subdirs.push((entry.path(), format!("{rel}/")));
        }
        inv.entries.insert(rel, kind);
    }
    // each subtree on its own, on both cores: a page is a folder, so a
    // large site has tens of thousands of them
    let parts: Vec<Result<Inventory>> = subdirs
        .par_iter()
        .map(|(path, prefix)| {
            let mut sub = Inventory::default();
            read_level(path, prefix, &mut sub)?;
            Ok(sub)
        })
        .collect();
    for part in parts {
        let part = part?;
        inv.entries.extend(part.entries);
        inv.unnamed.extend(part.unnamed);
    }
    Ok(())
}

/// The folders that must exist for `files`: every ancestor of every file.
pub(super) fn folders_of<'a>(
    files: impl Iterator<Item = &'a str>,
) -> std::collections::BTreeSet<&'a str> {
    let mut out = std::collections::BTreeSet::new();
    for f in files {
        let mut end = f.len();
        while let Some(slash) = f[..end].rfind('/') {
            if !out.insert(&f[..slash]) {
                break;
            }
            end = slash;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_of_files() {
        let f = folders_of(["a/b/c.html", "a/d.html", "e.html", "a/b/x/y.html"].into_iter());
        assert_eq!(f.into_iter().collect::<Vec<_>>(), ["a", "a/b", "a/b/x"]);
    }

    #[test]
    fn inventory_sees_links_as_links() {
        let d = tempfile::tempdir().expect("tempdir");
        let out = d.path().join("out");
        let outside = d.path().join("outside");
        std::fs::create_dir_all(out.join("talents/t-1")).expect("mkdir");
        std::fs::create_dir_all(&outside).expect("mkdir");
        std::fs::write(outside.join("secret.txt"), "x").expect("write");
        std::fs::write(out.join("talents/t-1/index.html"), "<p>").expect("write");
        #[cfg(unix)]
        std::os::unix::fs::symlink(&outside, out.join("link")).expect("symlink");
        let inv = inventory(&out).expect("inventory");
        assert_eq!(inv.entries.get("talents"), Some(&Kind::Dir));
        assert_eq!(inv.entries.get("talents/t-1/index.html"), Some(&Kind::File));
        #[cfg(unix)]
        {
            assert_eq!(inv.entries.get("link"), Some(&Kind::Other));
            assert!(!inv.entries.contains_key("link/secret.txt"), "not followed");
        }
        assert!(
            inventory(&d.path().join("none"))
                .expect("missing")
                .entries
                .is_empty()
        );
    }
}
