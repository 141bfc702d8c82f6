//! The default theme in a real browser: screenshots of the main page types at
//! 375 and 1280 px (light and dark; written to target/screenshots/ for people
//! to look at, never committed), no sideways scrolling from 320 px, no
//! request leaving the site, and a profile that prints on one or two A4 pages.

use crate::browser::node;
use crate::harness::*;

/// The example site (the repository root) built into a temporary folder.
fn example() -> tempfile::TempDir {
    let out = tempfile::tempdir().expect("temp dir");
    let o = run(
        &repo(),
        &[
            "build",
            "--root",
            &repo().to_string_lossy(),
            "--output",
            &out.path().join("site").to_string_lossy(),
            "--today",
            "2026-11-25",
            "-q",
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    out
}

const PAGES: &[&str] = &[
    "",
    "talents/",
    "talents/t-2026-001/",
    "stories/",
    "stories/meet-amir/",
    "reports/sto-school-02/",
    "series/sto-school/",
    "tags/",
    "search/",
    "about/",
    "404.html",
    "en/",
    "en/talents/t-2026-001/",
];

#[test]
fn main_page_types_fit_small_screens_and_make_no_outside_requests() {
    let out = example();
    let shots = repo().join("target/screenshots");
    let mut args = vec![
        out.path().join("site").to_string_lossy().to_string(),
        "/".to_string(),
        shots.to_string_lossy().to_string(),
    ];
    args.extend(PAGES.iter().map(|p| p.to_string()));
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = node("screenshots.mjs", &argv);
    let log = text(&o);
    assert!(o.status.success(), "{log}");
    assert!(!log.contains("OVERFLOW"), "pages scroll sideways:\n{log}");
    assert!(!log.contains("EXTERNAL"), "requests left the site:\n{log}");
    let shots_taken: Vec<&str> = log
        .lines()
        .filter_map(|l| l.strip_prefix("SHOT "))
        .collect();
    assert_eq!(shots_taken.len(), PAGES.len() * 3, "{log}");
    for f in shots_taken {
        let bytes = std::fs::read(f).expect("screenshot written");
        assert!(bytes.starts_with(b"\x89PNG") && bytes.len() > 2000, "{f}");
    }
}

#[test]
fn a_profile_prints_on_one_or_two_a4_pages_without_navigation() {
    let out = example();
    let pdf = out.path().join("profile.pdf");
    for profile in [
        "talents/t-2026-001/",
        "talents/t-2026-007/",
        "en/talents/t-2026-004/",
    ] {
        let o = node(
            "print.mjs",
            &[
                &out.path().join("site").to_string_lossy(),
                "/",
                profile,
                &pdf.to_string_lossy(),
            ],
        );
        let log = text(&o);
        assert!(o.status.success(), "{log}");
        let pages: usize = log
            .lines()
            .find_map(|l| l.strip_prefix("PAGES "))
            .and_then(|n| n.trim().parse().ok())
            .unwrap_or_else(|| panic!("no page count: {log}"));
        assert!((1..=2).contains(&pages), "{profile}: {pages} A4 pages");
        for hidden in [".site-header", ".site-footer", ".enquire"] {
            assert!(
                log.contains(&format!("HIDDEN {hidden}")),
                "{profile}: {hidden} shows in print\n{log}"
            );
        }
    }
}

/// Lighthouse accessibility, SEO and best practices at 1.0 on the home page,
/// a story, a report and the English home. A profile scores 1.0 too except
/// for one SEO audit that it must fail: `is-crawlable`, because profiles are
/// `noindex` by the privacy rules.
#[test]
fn lighthouse_scores_are_perfect_where_the_privacy_rules_allow() {
    let out = example();
    let pages = [
        "",
        "stories/meet-amir/",
        "reports/sto-school-02/",
        "en/",
        "talents/t-2026-001/",
    ];
    let mut args = vec![
        out.path().join("site").to_string_lossy().to_string(),
        "/".to_string(),
    ];
    args.extend(pages.iter().map(|p| p.to_string()));
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = node("lighthouse.mjs", &argv);
    let log = text(&o);
    assert!(o.status.success(), "{log}");
    let scored = log.lines().filter(|l| l.starts_with("SCORES ")).count();
    assert_eq!(scored, pages.len(), "every page was scored:\n{log}");
    for line in log.lines().filter(|l| l.starts_with("SCORES ")) {
        let profile = line.contains(" talents/");
        for cat in ["accessibility", "best-practices", "seo"] {
            let perfect = line.contains(&format!("{cat}=1"));
            if profile && cat == "seo" {
                continue;
            }
            assert!(perfect, "{cat} below 1 in `{line}`:\n{log}");
        }
    }
    let failed: Vec<&str> = log
        .lines()
        .filter(|l| l.trim_start().starts_with("FAILED"))
        .collect();
    assert_eq!(
        failed,
        ["  FAILED seo is-crawlable: Page is blocked from indexing"],
        "{log}"
    );
}
