//! The command line: init, new, check and exit codes.

use crate::harness::*;

#[test]
fn init_makes_a_site_that_builds_and_passes_check() {
    let tmp = TempSite::empty();
    let dir = tmp.path().join("new-site");
    let o = run(tmp.path(), &["init", &dir.to_string_lossy()]);
    assert!(o.status.success(), "{}", text(&o));
    let root = dir.to_string_lossy().to_string();
    let o = run(tmp.path(), &["check", "--root", &root]);
    assert!(o.status.success(), "{}", text(&o));
    let o = run(tmp.path(), &["build", "--root", &root]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(dir.join("public/talents/t-0001/index.html").is_file());
    assert!(dir.join("public/stories/first-story/index.html").is_file());
    // init refuses a non-empty folder
    let o = run(tmp.path(), &["init", &root]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn new_writes_files_that_parse_once_filled_in() {
    let tmp = TempSite::empty();
    let dir = tmp.path().join("s");
    let root = dir.to_string_lossy().to_string();
    assert!(run(tmp.path(), &["init", &root]).status.success());
    for (kind, name) in [
        ("talent", "t-0002"),
        ("story", "second"),
        ("report", "session-2"),
    ] {
        let o = run(tmp.path(), &["new", kind, name, "--root", &root]);
        assert!(o.status.success(), "{kind}: {}", text(&o));
    }
    let talent = std::fs::read_to_string(dir.join("content/talents/t-0002.md")).expect("talent");
    for key in [
        "id:",
        "display_name:",
        "headline:",
        "status:",
        "skills:",
        "languages:",
        "consent:",
        "record_id:",
        "audience:",
        "# origin_region:",
        "# photo:",
    ] {
        assert!(talent.contains(key), "{key} missing in the new talent");
    }
    // new files pass `check` as created (tests/it/writer/scaffold.rs says more)
    let o = run(tmp.path(), &["check", "--root", &root]);
    assert!(o.status.success(), "{}", text(&o));
    // a second `new` with the same name refuses to overwrite
    let o = run(tmp.path(), &["new", "talent", "t-0002", "--root", &root]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn check_privacy_lists_decisions_and_expiring_consents() {
    let site = TempSite::from_fixture("sites/basic");
    let o = site.run(&["check", "--privacy", "--today", "2026-12-15"]);
    let all = text(&o);
    assert!(o.status.success(), "{all}");
    assert!(all.contains("t-A") && all.contains("published"), "{all}");
    assert!(
        all.contains("t-gone") && all.contains("WITHHELD   consent withdrawn on 2026-02-01"),
        "{all}"
    );
    assert!(all.contains("consent expiring within 30 days:"), "{all}");
    assert!(
        all.contains("3 talents published, 1 withheld (1 withdrawn)"),
        "{all}"
    );
}

/// `story` in a consent scope lets stories link the profile; it is not a
/// field the profile shows, and the report keeps the two apart.
#[test]
fn check_privacy_names_story_links_apart_from_fields() {
    let site = TempSite::from_fixture("sites/basic");
    let o = site.run(&["check", "--privacy", "--today", "2026-06-01"]);
    let all = text(&o);
    assert!(o.status.success(), "{all}");
    let row = |id: &str| {
        all.lines()
            .find(|l| l.starts_with(&format!("{id} ")))
            .unwrap_or_else(|| panic!("no row for {id}:\n{all}"))
            .to_string()
    };
    // scope [story, age_band], origin_region written but not in scope
    assert!(
        row("t-A").contains("(public; optional fields shown: age_band; stories may link it)"),
        "{all}"
    );
    // scope []
    assert!(
        row("t-b").contains("(public; optional fields shown: none)"),
        "{all}"
    );
    // scope [story]: a permission, no field
    assert!(
        row("t-c").contains("(public; optional fields shown: none; stories may link it)"),
        "{all}"
    );
    assert!(!all.contains("shown: story"), "{all}");
}

#[test]
fn missing_site_yaml_is_a_clear_error() {
    let tmp = TempSite::empty();
    let o = tmp.run(&["build"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("no site.yaml"), "{}", text(&o));
}
