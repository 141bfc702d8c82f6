//! A fingerprint of everything a build reads, so that `tsunagi build` run
//! again on an unchanged site can stop after a few thousand `stat` calls
//! instead of loading, rendering and comparing the whole site.
//!
//! A build's output is a function of its inputs: `site.yaml`, the files
//! under `content/`, `templates/`, `i18n/`, `static/` and `themes/`, the
//! build settings (base URL, drafts, audience, the date consent is judged
//! against) and the tsunagi binary itself (which embeds the default theme).
//! The fingerprint hashes the list of input files with each one's size,
//! modification and status-change times and inode, plus those settings;
//! folders count by name, and files the site ignores ([`crate::ignore`]) not
//! at all.
//! The status-change time (`ctime`) cannot be set back by tools that
//! restore modification times (`cp -p`, `rsync -t`, archive extraction), so
//! any write to a file changes the fingerprint.
//!
//! Timestamps have a granularity: a file written twice within one tick can
//! keep one stamp. As git does with its index, a fingerprint is trusted only
//! if every input is older than the recorded build's start by a safety
//! margin ([`RACY_MARGIN_NS`]); otherwise the build runs in full.

use std::path::Path;

/// An input newer than this before the last build's start makes the last
/// build's fingerprint untrustworthy (ns).
pub const RACY_MARGIN_NS: i128 = 2_000_000_000;

/// The folders (under the site root) whose files a build reads.
pub const INPUT_DIRS: [&str; 5] = crate::names::SITE_DIRS;

/// The fingerprint of a build's inputs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprint {
    /// Hash of every input's path and stamps and of the settings (hex).
    pub hash: String,
    /// The newest modification or status change of any input (ns since the epoch).
    pub newest: i128,
    /// When the fingerprint was taken (ns since the epoch).
    pub taken: i128,
}

/// Fingerprints the inputs of a build of the site at `root` into `output`
/// with `settings` (everything else the output depends on, as text).
/// `None` if any input cannot be examined: the caller then builds in full,
/// and the full build reports the problem properly.
pub fn fingerprint(root: &Path, output: &Path, settings: &str) -> Option<Fingerprint> {
    fingerprint_since(root, output, settings, now_ns())
}

/// [`fingerprint`], recording `taken` as the moment it was taken. A build
/// may fingerprint its inputs while it reads them if `taken` is from before
/// it started reading: a file written meanwhile is then newer than `taken`,
/// so the fingerprint is never trusted ([`still_current`]).
pub fn fingerprint_since(
    root: &Path,
    output: &Path,
    settings: &str,
    taken: i128,
) -> Option<Fingerprint> {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    h.update(settings.as_bytes());
    h.update(&[0]);
    h.update(env!("CARGO_PKG_VERSION").as_bytes());
    // the binary embeds the default theme and decides every byte of output
    let exe = std::env::current_exe().ok()?;
    let (exe_stamp, _) = stamp(&std::fs::metadata(exe).ok()?);
    h.update(&exe_stamp);
    let mut newest = i128::MIN;
    let mut add = |rel: &str, meta: &std::fs::Metadata, h: &mut xxhash_rust::xxh3::Xxh3| {
        let (bytes, changed) = stamp(meta);
        h.update(rel.as_bytes());
        h.update(&[0]);
        h.update(&bytes);
        newest = newest.max(changed);
    };
    let config = root.join(crate::config::CONFIG_FILE);
    add(
        crate::config::CONFIG_FILE,
        &std::fs::metadata(config).ok()?,
        &mut h,
    );
    // canonical paths, so the output folder is recognised wherever it is
    let root = root.canonicalize().ok()?;
    let output = output
        .canonicalize()
        .unwrap_or_else(|_| output.to_path_buf());
    for dir in INPUT_DIRS {
        let top = root.join(dir);
        match std::fs::symlink_metadata(&top) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                h.update(format!("-{dir}\0").as_bytes());
                continue;
            }
            Err(_) => return None,
            Ok(_) => {}
        }
        // sorted by name, for a stable hash; an output folder inside an
        // input folder is not an input
        let walk = walkdir::WalkDir::new(&top)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| {
                e.path() != output
                    && (e.depth() == 0
                        || !crate::ignore::is_ignored_name(&e.file_name().to_string_lossy()))
            });
        for entry in walk {
            let entry = entry.ok()?;
            let rel = entry.path().strip_prefix(&root).ok()?.to_string_lossy();
            let meta = entry.metadata().ok()?;
            // a folder by its name alone: its own times change whenever an
            // ignored file (an editor's swap file) comes or goes, and every
            // file in it is hashed with its stamps anyway
            if meta.is_dir() {
                h.update(rel.as_bytes());
                h.update(b"/\0");
                continue;
            }
            add(&rel, &meta, &mut h);
        }
    }
    Some(Fingerprint {
        hash: format!("{:032x}", h.digest128()),
        newest,
        taken,
    })
}

/// A file's stamp as bytes (size, times, inode), and its newest time (ns).
fn stamp(meta: &std::fs::Metadata) -> (Vec<u8>, i128) {
    let mut out = Vec::with_capacity(48);
    out.extend_from_slice(&meta.len().to_le_bytes());
    let modified = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as i128);
    out.extend_from_slice(&modified.to_le_bytes());
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let changed = meta.ctime() as i128 * 1_000_000_000 + meta.ctime_nsec() as i128;
        out.extend_from_slice(&changed.to_le_bytes());
        out.extend_from_slice(&meta.ino().to_le_bytes());
        (out, modified.max(changed))
    }
    #[cfg(not(unix))]
    {
        (out, modified)
    }
}

/// Now, in ns since the epoch.
pub fn now_ns() -> i128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as i128)
}

/// Whether a build that took `last` may be trusted to still be current when
/// the inputs now have fingerprint `now`: the same inputs, none of them
/// written close to (or after) the moment `last` was taken.
pub fn still_current(last_hash: &str, last_taken: i128, now: &Fingerprint) -> bool {
    last_hash == now.hash && now.newest < last_taken - RACY_MARGIN_NS
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> tempfile::TempDir {
        let d = tempfile::tempdir().expect("tempdir");
        let w = |rel: &str, text: &str| {
            let p = d.path().join(rel);
            std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
            std::fs::write(p, text).expect("write");
        };
        w("site.yaml", "title: t\n");
        w("content/talents/t-1.md", "---\nid: t-1\n---\n本文\n");
        w("static/a.css", "body{}");
        w("public/index.html", "<p>old output</p>");
        w("notes.txt", "not an input");
        d
    }

    fn fp(d: &tempfile::TempDir, settings: &str) -> Fingerprint {
        fingerprint(d.path(), &d.path().join("public"), settings).expect("fingerprint")
    }

    #[test]
    fn every_input_and_setting_counts_and_nothing_else() {
        let d = site();
        let a = fp(&d, "today=2026-06-01");
        assert_eq!(a.hash, fp(&d, "today=2026-06-01").hash, "stable");
        assert_ne!(a.hash, fp(&d, "today=2026-06-02").hash, "settings");
        // not inputs: the output folder, files outside the input folders
        std::fs::write(d.path().join("public/new.html"), "x").expect("write");
        std::fs::write(d.path().join("notes.txt"), "changed").expect("write");
        assert_eq!(a.hash, fp(&d, "today=2026-06-01").hash);
        // inputs: a new file, a changed file, a renamed file, a removed one
        let changes: [&dyn Fn(&Path); 5] = [
            &|p| std::fs::write(p.join("content/talents/t-2.md"), "x").expect("add"),
            &|p| std::fs::write(p.join("static/a.css"), "body{ }").expect("edit"),
            &|p| std::fs::rename(p.join("static/a.css"), p.join("static/b.css")).expect("rename"),
            &|p| std::fs::remove_file(p.join("content/talents/t-1.md")).expect("remove"),
            &|p| std::fs::create_dir_all(p.join("templates")).expect("a new input folder"),
        ];
        let mut seen = vec![a.hash.clone()];
        for change in changes {
            change(d.path());
            let now = fp(&d, "today=2026-06-01").hash;
            assert!(!seen.contains(&now), "a change went unnoticed");
            seen.push(now);
        }
    }

    #[test]
    fn a_fingerprint_of_fresh_files_is_not_trusted() {
        let d = site();
        let a = fp(&d, "");
        // just written: racy
        assert!(!still_current(&a.hash, a.taken, &a));
        // as if the last build had started well after the files were written
        assert!(still_current(&a.hash, a.newest + RACY_MARGIN_NS + 1, &a));
        assert!(!still_current("other", a.newest + RACY_MARGIN_NS + 1, &a));
    }
}
