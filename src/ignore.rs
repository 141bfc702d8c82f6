//! The one rule for which files under the site's folders are not part of
//! the site: hidden files, editor backups, swap and lock files, downloads
//! in progress.
//!
//! Every reader of the site's folders uses it — the content walk, `static/`
//! and theme files, the input fingerprint of `tsunagi build` and the dev
//! server's watcher — so a file is either published *and* watched, or
//! neither. (Four copies of this rule once disagreed: `static/x.bak` was
//! published, yet saving it never rebuilt the preview.)
//!
//! The rule applies to every component of a path below a walked folder, so
//! a hidden folder hides everything in it. The one hidden name kept is
//! `.well-known`, which static hosts serve on purpose (`security.txt`,
//! app-site association files).

/// Whether a file or folder with this name is left out of the site.
pub fn is_ignored_name(name: &str) -> bool {
    if name == ".well-known" {
        return false;
    }
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".swo")
        || name.ends_with(".tmp")
        || name.ends_with(".bak")
        || name.ends_with(".kate-swp")
        || name.ends_with(".crdownload")
        || name.ends_with(".part")
        || name == "4913" // vim's probe file when it saves
        || name == "node_modules"
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    /// Whether any component of `rel` (a path relative to a walked folder)
    /// is ignored: what every walk does with [`is_ignored_name`].
    fn is_ignored_path(rel: &Path) -> bool {
        rel.components()
            .any(|c| is_ignored_name(&c.as_os_str().to_string_lossy()))
    }

    #[test]
    fn editor_droppings_and_hidden_files_are_ignored() {
        for name in [
            ".DS_Store",
            ".#story.md",
            "#story.md#",
            "story.md~",
            ".story.md.swp",
            "story.md.swx",
            "story.md.swo",
            "style.css.bak",
            "upload.tmp",
            "photo.jpg.crdownload",
            "photo.jpg.part",
            "story.md.kate-swp",
            "4913",
            "node_modules",
            ".index.html.tsunagi-tmp",
            ".git",
        ] {
            assert!(is_ignored_name(name), "{name}");
        }
    }

    #[test]
    fn site_files_and_well_known_are_kept() {
        for name in [
            "story.md",
            "style.css",
            "backup-guide.md",
            "tmp-notes.md",
            ".well-known",
            "security.txt",
            "資料.pdf",
            "4914",
        ] {
            assert!(!is_ignored_name(name), "{name}");
        }
    }

    #[test]
    fn a_hidden_folder_hides_what_is_in_it() {
        assert!(is_ignored_path(Path::new(".git/config")));
        assert!(is_ignored_path(Path::new("img/.cache/a.png")));
        assert!(!is_ignored_path(Path::new(".well-known/security.txt")));
        assert!(!is_ignored_path(Path::new("img/a.png")));
    }
}
