//! The output folder: all or nothing, changed files only, no stale files,
//! and folders tsunagi must refuse.

use crate::harness::*;

const TODAY: &str = "2026-06-01";

fn base() -> TempSite {
    TempSite::from_fixture("broken/_base")
}

#[test]
fn a_failed_build_leaves_the_previous_output_untouched() {
    let site = base();
    site.build(TODAY, &[]);
    let before = read_tree(&site.public());
    assert!(!before.is_empty());
    // break one file
    site.write("content/about.md", "---\ntitle: [unclosed\n---\n");
    let out = site.run(&["build", "--today", TODAY]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert_eq!(
        read_tree(&site.public()),
        before,
        "the output is exactly as before"
    );
}

#[test]
fn a_removed_page_disappears_with_its_empty_folders() {
    let site = base();
    site.build(TODAY, &[]);
    assert!(site.public().join("reports/r-1/index.html").is_file());
    assert!(
        site.public()
            .join("speakers/山田-花子/index.html")
            .is_file()
    );
    site.remove("content/reports/r-1.md");
    site.build(TODAY, &[]);
    assert!(
        !site.public().join("reports/r-1").exists(),
        "page folder removed"
    );
    assert!(
        !site.public().join("speakers").exists(),
        "a taxonomy that lost all its terms is gone too"
    );
    assert!(
        site.public().join("stories/hana/index.html").is_file(),
        "the rest stays"
    );
}

#[test]
fn a_rebuild_without_changes_writes_nothing() {
    let site = base();
    site.build(TODAY, &[]);
    let out = site.build(TODAY, &[]);
    let msg = text(&out);
    assert!(msg.contains(" 0 written,"), "{msg}");
    assert!(msg.contains(" 0 removed"), "{msg}");
}

/// The early stop of `tsunagi build` on an unchanged site, and everything
/// that must defeat it.
#[test]
fn an_unchanged_site_is_found_up_to_date_and_any_change_builds() {
    let site = base();
    // inputs written just now are "racy" (see src/inputs.rs): a build only
    // trusts a fingerprint whose files are older than its start by 2 s
    std::thread::sleep(std::time::Duration::from_millis(2100));
    let first = text(&site.build(TODAY, &[]));
    assert!(first.contains("built "), "{first}");
    let tree = read_tree(&site.public());

    let again = text(&site.build(TODAY, &[]));
    assert!(again.contains("up to date"), "{again}");
    // it reports what the build reported: privacy line and warnings
    let privacy = |s: &str| {
        s.lines()
            .find(|l| l.contains(" published, "))
            .map(str::to_string)
    };
    assert!(privacy(&first).is_some(), "{first}");
    assert_eq!(privacy(&again), privacy(&first));
    assert_eq!(
        first.matches("warning:").count(),
        again.matches("warning:").count(),
        "{first}\n---\n{again}"
    );
    assert_eq!(read_tree(&site.public()), tree);

    // other settings: a real build
    for extra in [
        &["--drafts"][..],
        &["--base-url", "https://example.org/preview/"],
        &["--audience", "companies"],
    ] {
        let out = text(&site.build(TODAY, extra));
        assert!(out.contains("built "), "{extra:?}: {out}");
    }
    let other_day = text(&site.build("2026-06-02", &[]));
    assert!(other_day.contains("built "), "{other_day}");
    let back = text(&site.build(TODAY, &[]));
    assert!(back.contains("built "), "{back}");
    assert_eq!(read_tree(&site.public()), tree);

    // an output file deleted by hand: a real build puts it back
    std::thread::sleep(std::time::Duration::from_millis(2100));
    site.build(TODAY, &[]);
    assert!(text(&site.build(TODAY, &[])).contains("up to date"));
    let about = site.public().join("about/index.html");
    std::fs::remove_file(&about).expect("remove");
    let out = text(&site.build(TODAY, &[]));
    assert!(out.contains(" 1 written,"), "{out}");
    assert!(about.is_file());

    // a content edit, even one that keeps the size and the modification
    // time, is seen (the status-change time moves)
    let path = site.path().join("content/about.md");
    let before = std::fs::metadata(&path).expect("about.md");
    let old = site.read("content/about.md");
    let edited = old.replacen("this site", "that site", 1);
    assert_ne!(old, edited, "the fixture has text to change");
    assert_eq!(old.len(), edited.len());
    site.write("content/about.md", &edited);
    std::fs::File::options()
        .write(true)
        .open(&path)
        .and_then(|f| f.set_modified(before.modified().expect("mtime")))
        .expect("set mtime");
    let out = text(&site.build(TODAY, &[]));
    assert!(out.contains("built ") && out.contains(" written,"), "{out}");
    assert!(
        String::from_utf8_lossy(&std::fs::read(&about).expect("about")).contains("About that site"),
        "the edit is in the output"
    );
    // right after that edit the inputs are racy: still a real build
    let racy = text(&site.build(TODAY, &[]));
    assert!(racy.contains("built "), "{racy}");
}

#[test]
fn a_file_changed_by_hand_is_rewritten() {
    let site = base();
    site.build(TODAY, &[]);
    let p = site.public().join("about/index.html");
    let good = std::fs::read(&p).expect("about");
    std::fs::write(&p, "tampered").expect("write");
    let out = site.build(TODAY, &[]);
    assert!(text(&out).contains(" 1 written,"), "{}", text(&out));
    assert_eq!(std::fs::read(&p).expect("about"), good);
}

#[test]
fn refuses_dangerous_output_folders() {
    let site = base();
    let root = site.path().to_string_lossy().to_string();
    for (out, why) in [
        (root.clone(), "site's own folder"),
        (format!("{root}/content"), "content/"),
        ("/".to_string(), "filesystem root"),
        (
            site.path()
                .parent()
                .expect("parent")
                .to_string_lossy()
                .to_string(),
            "contains the site",
        ),
    ] {
        let o = site.run(&["build", "--today", TODAY, "--output", &out]);
        assert_eq!(o.status.code(), Some(2), "{out}: {}", text(&o));
        assert!(
            text(&o).contains("refusing to write"),
            "{why}: {}",
            text(&o)
        );
    }
    assert!(
        site.path().join("content/about.md").is_file(),
        "nothing was deleted"
    );
}

#[test]
fn refuses_a_non_empty_folder_it_did_not_create_unless_forced() {
    let site = base();
    site.write("public/notes.txt", "my notes");
    let o = site.run(&["build", "--today", TODAY]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("--force"), "{}", text(&o));
    assert_eq!(site.read("public/notes.txt"), "my notes");
    assert!(text(&o).contains("would be deleted"), "{}", text(&o));
    let o = site.run(&["build", "--today", TODAY, "--force"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        !site.public().join("notes.txt").exists(),
        "a folder taken over holds the site's files and nothing else"
    );
    // from then on the folder is tsunagi's: no --force needed
    site.build(TODAY, &[]);
}

/// One rule decides which files are part of the site, for the build, its
/// up-to-date check and the dev server's watcher alike: a file is published
/// and watched, or neither.
#[test]
fn one_ignore_rule_for_publishing_watching_and_the_up_to_date_check() {
    use tsunagi::serve::watch::classify;
    let site = base();
    site.write("static/files/guide.pdf", "%PDF-1.4 案内")
        .write(
            "static/.well-known/security.txt",
            "Contact: https://example.org/contact/\n",
        )
        .write("static/style.css.bak", "old styles")
        .write("static/#notes.txt#", "emacs autosave")
        .write("static/draft.txt~", "backup")
        .write("static/upload.jpg.part", "half a download")
        .write("static/.private/候補者一覧.csv", "氏名,国籍\n");
    std::thread::sleep(std::time::Duration::from_millis(2100));
    let out = site.build(TODAY, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let tree = read_tree(&site.public());
    let root = site.path().canonicalize().expect("root");
    let output = root.join("public");
    for (rel, published) in [
        ("files/guide.pdf", true),
        (".well-known/security.txt", true),
        ("style.css.bak", false),
        ("#notes.txt#", false),
        ("draft.txt~", false),
        ("upload.jpg.part", false),
        (".private/候補者一覧.csv", false),
    ] {
        assert_eq!(tree.contains_key(rel), published, "{rel} published?");
        let watched = classify(&root, &output, &root.join("static").join(rel)).is_some();
        assert_eq!(watched, published, "{rel}: watched exactly when published");
    }
    // an editor's swap file beside the content does not defeat the
    // up-to-date check; a published file does
    site.write("static/.style.css.swp", "vim swap");
    site.write("content/.about.md.swp", "vim swap");
    std::thread::sleep(std::time::Duration::from_millis(2100));
    let again = text(&site.build(TODAY, &[]));
    assert!(again.contains("up to date"), "{again}");
    site.write("static/files/guide.pdf", "%PDF-1.4 改訂版");
    std::thread::sleep(std::time::Duration::from_millis(2100));
    let changed = text(&site.build(TODAY, &[]));
    assert!(changed.contains("built "), "{changed}");
}
