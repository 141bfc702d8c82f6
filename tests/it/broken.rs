//! Broken sites: each folder under `tests/fixtures/broken/` overlays the
//! `_base` site with the files that break it, and `expected.txt` says the
//! exit code and lines (substrings) the error output must contain.

use crate::harness::*;

fn check_case(name: &str) {
    let site = TempSite::from_fixture("broken/_base");
    let case = fixture(&format!("broken/{name}"));
    copy_dir(&case, site.path());
    let _ = std::fs::remove_file(site.path().join("expected.txt"));
    let expected = std::fs::read_to_string(case.join("expected.txt")).expect("expected.txt");
    let mut lines = expected.lines();
    let exit: i32 = lines
        .next()
        .and_then(|l| l.strip_prefix("exit: "))
        .and_then(|c| c.trim().parse().ok())
        .expect("first line is `exit: N`");
    for args in [
        &["build", "--today", "2026-06-01"][..],
        &["check", "--today", "2026-06-01"][..],
    ] {
        let out = site.run(args);
        let all = text(&out);
        assert_eq!(
            out.status.code(),
            Some(exit),
            "{name} ({}): exit code\n{all}",
            args[0]
        );
        assert!(!all.contains("panicked"), "{name}: a panic\n{all}");
        for want in lines.clone().filter(|l| !l.trim().is_empty()) {
            assert!(
                all.contains(want),
                "{name} ({}): expected output to contain\n  {want}\ngot:\n{all}",
                args[0]
            );
        }
        assert!(
            !site.public().exists(),
            "{name}: a failed build must not create the output folder"
        );
    }
}

macro_rules! cases {
    ($($name:ident => $dir:literal),* $(,)?) => {
        $( #[test] fn $name() { check_case($dir); } )*

        #[test]
        fn every_case_folder_has_a_test() {
            let listed = [$($dir),*];
            for entry in std::fs::read_dir(fixture("broken")).expect("broken/") {
                let name = entry.expect("entry").file_name().to_string_lossy().to_string();
                assert!(name == "_base" || listed.contains(&name.as_str()), "broken/{name} has no test in broken.rs");
            }
        }
    };
}

cases! {
    bad_yaml => "bad-yaml",
    unknown_key => "unknown-key",
    wrong_type => "wrong-type",
    bad_date => "bad-date",
    duplicate_id => "duplicate-id",
    same_url => "same-url",
    missing_consent => "missing-consent",
    missing_talent_consent => "missing-talent-consent",
    broken_link => "broken-link",
    missing_template => "missing-template",
    non_utf8 => "non-utf8",
    empty_file => "empty-file",
    forbidden_key => "forbidden-key",
    forbidden_key_spellings => "forbidden-key-spellings",
    forbidden_key_japanese => "forbidden-key-japanese",
    pii_in_talent => "pii-in-talent",
    pii_obfuscated_email => "pii-obfuscated-email",
    pii_phone_forms => "pii-phone-forms",
    bad_config => "bad-config",
    unknown_scope => "unknown-scope",
    bad_language_code => "bad-language-code",
    bad_names => "bad-names",
    nul_in_body => "nul-in-body",
    nul_in_front_matter => "nul-in-front-matter",
    duplicate_key => "duplicate-key",
    non_utf8_config => "non-utf8-config",
    unclosed_quote => "unclosed-quote",
    tab_indent => "tab-indent",
    missing_space => "missing-space",
    list_item_outside_list => "list-item-outside-list",
}

#[test]
fn the_base_site_itself_builds() {
    let site = TempSite::from_fixture("broken/_base");
    site.build("2026-06-01", &[]);
    assert!(site.public().join("talents/t-1/index.html").is_file());
}

#[test]
fn check_lists_every_problem_at_once() {
    let site = TempSite::from_fixture("broken/_base");
    copy_dir(&fixture("broken/unknown-key"), site.path());
    copy_dir(&fixture("broken/wrong-type"), site.path());
    copy_dir(&fixture("broken/empty-file"), site.path());
    let out = site.run(&["check", "--today", "2026-06-01"]);
    let all = text(&out);
    assert_eq!(out.status.code(), Some(1));
    assert!(all.contains("3 problems found"), "{all}");
    for f in [
        "content/talents/t-1.md:6:1",
        "content/reports/r-1.md:5:9",
        "content/about.md:1",
    ] {
        assert!(all.contains(f), "{f} missing in\n{all}");
    }
}
