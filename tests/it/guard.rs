//! The personal-data guard from outside: what it refuses (the broken-site
//! cases `forbidden-key-*` and `pii-*`), what it must not refuse (the
//! example site and a generated corpus), what its messages may show, how
//! stories and pages are treated, what `check --privacy` says it checked,
//! and that it sees in the raw text whatever the rendered page shows.

use std::path::PathBuf;

use tsunagi::content::privacy::{PiiKind, scan_text};
use tsunagi::markdown::{self, Resolved};

use crate::harness::*;

const TODAY: &str = "2026-06-01";

/// `_base` with the files of broken case `name`.
fn broken_case(name: &str) -> TempSite {
    let site = TempSite::from_fixture("broken/_base");
    copy_dir(&fixture(&format!("broken/{name}")), site.path());
    site.remove("expected.txt");
    site
}

#[test]
fn messages_and_source_lines_never_repeat_the_data_in_full() {
    for (case, secrets) in [
        (
            "forbidden-key-spellings",
            &["hana@example.com", "Example"][..],
        ),
        (
            "forbidden-key-japanese",
            &["山田", "AB00000000CD", "東京都新宿区"],
        ),
        (
            "pii-obfuscated-email",
            &[
                "amir@example.com",
                "amir&#64;",
                "amir [at]",
                "amir%40",
                "amir.k",
            ],
        ),
        ("pii-phone-forms", &["1234", "一二三四", "１２３４"]),
        ("pii-in-talent", &["1234"]),
    ] {
        let site = broken_case(case);
        let out = site.run(&["check", "--today", TODAY]);
        let all = text(&out);
        assert_eq!(out.status.code(), Some(1), "{case}\n{all}");
        for s in secrets {
            assert!(!all.contains(s), "{case}: the output repeats {s:?}:\n{all}");
        }
    }
}

#[test]
fn stories_and_pages_warn_and_privacy_allow_accepts_the_organisations_own() {
    let site = TempSite::from_fixture("broken/_base");
    site.write(
        "content/stories/contact.md",
        "---\ntitle: 相談会のお知らせ\ndate: 2026-05-01\n---\n\n申し込みは info [at] tsunagi.example まで。\n",
    );
    site.write(
        "content/access.md",
        "---\ntitle: アクセス\n---\n\n事務所の電話: 03&#45;0000&#45;0000\n",
    );
    let out = site.build(TODAY, &[]);
    let all = text(&out);
    for want in [
        "content/stories/contact.md:6:7: warning: an e-mail address (`i***@t******.example`) in published text",
        "content/access.md:5:9: warning: a phone number (`03-****-0000`) in published text",
    ] {
        assert!(all.contains(want), "expected {want}\n{all}");
    }
    site.write(
        "site.yaml",
        format!(
            "{}privacy:\n  allow: [\"info@tsunagi.example\", \"03-0000-0000\"]\n",
            site.read("site.yaml")
        ),
    );
    let all = text(&site.build(TODAY, &[]));
    assert!(!all.contains("published text"), "{all}");
}

#[test]
fn check_privacy_says_which_rules_ran_and_what_each_checked() {
    let site = TempSite::from_fixture("broken/_base");
    site.replace(
        "content/talents/t-1.md",
        "  scope: [story]\n",
        "  scope: [story]\nextra:\n  hobby: 料理\n  得意な業務: [電話対応]\n",
    );
    let out = site.run(&["check", "--today", TODAY, "--privacy"]);
    let all = text(&out);
    assert!(out.status.success(), "{all}");
    for want in [
        "personal-data guard: rules run and values checked",
        "forbidden keys         12 keys in 1 talent file, 2 under extra (18 concepts in English and Japanese, 0 from site.yaml)",
        // the story's `@/talents/t-1.md` link has an `@` and a `/`; seven
        // lines have eight digits (dates); none has ten
        "e-mail addresses       1 line, 0 found",
        "phone numbers          0 lines, 0 found",
        "postcodes              0 lines, 0 found",
        "residence-card numbers 7 lines, 0 found",
        "social-media links     1 line, 0 found",
        "YAML-escaped values    0 values",
        "read 53 lines in 4 files as a reader sees them",
        "not caught: a name, nationality or story told in prose",
    ] {
        assert!(all.contains(want), "expected {want}\n{all}");
    }
}

/// `<CARGO_MANIFEST_DIR>/../shared`: CI clones it beside the repository.
fn shared() -> PathBuf {
    let dir = repo().join("../shared");
    assert!(
        dir.join("bench/gen_corpus.py").is_file(),
        "{} has no bench/gen_corpus.py: the zero-false-positive test needs the shared repository cloned beside this one",
        dir.display()
    );
    dir
}

/// Checks the site at `root` with the library and asserts that the
/// personal-data guard read its text and found nothing.
fn assert_no_finding(root: &std::path::Path, what: &str) {
    let mut o = tsunagi::BuildOptions::new(root);
    o.today = Some(chrono::NaiveDate::from_ymd_opt(2026, 6, 1).expect("date"));
    let built = tsunagi::check(&o).unwrap_or_else(|e| panic!("{what}: {e}"));
    let g = &built.privacy.guard;
    assert_eq!(g.found, [0; 5], "{what}: {:?}", built.warnings);
    let noisy: Vec<_> = built
        .warnings
        .iter()
        .filter(|w| w.message.contains("published text"))
        .collect();
    assert!(noisy.is_empty(), "{what}: {noisy:?}");
    // the guard was not blind: every rule read lines of this site
    assert!(g.files > 20 && g.lines > 1000, "{what}: {g:?}");
    for kind in [
        PiiKind::Email,
        PiiKind::Phone,
        PiiKind::ResidenceCard,
        PiiKind::SocialProfile,
    ] {
        assert!(
            g.checked[kind.index()] > 0,
            "{what}: {kind:?} read nothing: {g:?}"
        );
    }
}

#[test]
fn the_example_site_and_a_generated_corpus_have_no_false_positives() {
    assert_no_finding(&repo(), "the example site");
    let corpus = TempSite::empty();
    let script = shared().join("bench/gen_corpus.py");
    let out = std::process::Command::new("python3")
        .arg(&script)
        .args([
            "--pages", "400", "--seed", "7", "--flavor", "tsunagi", "--out",
        ])
        .arg(corpus.path())
        .output()
        .unwrap_or_else(|e| panic!("python3 {}: {e}", script.display()));
    assert!(
        out.status.success(),
        "gen_corpus.py failed:\n{}",
        text(&out)
    );
    assert_no_finding(corpus.path(), "the generated corpus");
}

/// Lines a writer might type, each holding personal data in some form.
const TRICKY: &[&str] = &[
    "連絡先: amir&#64;example&#46;com",
    "amir&commat;example&period;com",
    "**amir**@example.com",
    "amir<span>@</span>example.com",
    "`amir@example.com`",
    r"amir\@example\.com",
    "[メール](mailto:amir%40example.com)",
    "<mailto:amir@example.com>",
    "amir [at] example [dot] com",
    "amir ＠ example．com",
    "電話 090&#8209;1234&#8209;5678",
    "電話 ０９０－１２３４－５６７８",
    "電話 〇九〇ー一二三四ー五六七八",
    "電話 (090) 1234 5678",
    "電話は 090-1234-\n5678 まで",
    "電話は <b>090</b>-1234-5678",
    "〒160&#8209;0023",
    "https://www.facebook.com/amir.k",
    "在留カード AB12345678CD",
];

fn findings(text: &str) -> Vec<(PiiKind, String)> {
    let mut v: Vec<_> = scan_text(text, &[])
        .into_iter()
        .map(|m| (m.kind, m.text.replace(' ', "")))
        .collect();
    v.sort();
    v
}

#[test]
fn what_the_rendered_page_shows_the_raw_text_shows_the_scanner() {
    for raw_html in [false, true] {
        let opts = markdown::Options {
            raw_html,
            base_path: "/",
            page_path: "/talents/t-1/",
            first_line: 1,
        };
        for src in TRICKY {
            let raw = findings(src);
            assert!(!raw.is_empty(), "{src}: nothing found in the raw text");
            let page = markdown::render(src, &opts, &|_| Resolved::Missing);
            for shown in [&page.plain, &page.html] {
                for f in findings(shown) {
                    assert!(
                        raw.contains(&f),
                        "{src} (raw_html: {raw_html}): the page shows {f:?}, the raw text gives {raw:?}\n{shown}"
                    );
                }
            }
        }
    }
}
