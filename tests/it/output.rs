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
    let o = site.run(&["build", "--today", TODAY, "--force"]);
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(
        site.read("public/notes.txt"),
        "my notes",
        "files tsunagi did not make are not deleted"
    );
}
