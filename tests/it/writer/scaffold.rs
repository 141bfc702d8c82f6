//! What `tsunagi init` and `tsunagi new` write: files that pass `check`
//! as created, a new profile that publishes nothing until a person has
//! filled it in, names refused before anything is written, and one source
//! of the 職務要約 heading.

use std::path::{Path, PathBuf};

use crate::harness::*;

/// A day `days` from today (`tsunagi init` dates its samples from today).
fn day(days: i64) -> String {
    (chrono::Utc::now().date_naive() + chrono::Duration::days(days))
        .format("%Y-%m-%d")
        .to_string()
}

/// `tsunagi init site` in a temporary folder; returns it and the site.
fn new_site() -> (TempSite, PathBuf) {
    let tmp = TempSite::empty();
    let o = run(tmp.path(), &["init", "site"]);
    assert!(o.status.success(), "{}", text(&o));
    let site = tmp.path().join("site");
    (tmp, site)
}

fn in_site(site: &Path, args: &[&str]) -> std::process::Output {
    run(site, args)
}

#[test]
fn every_new_kind_passes_check_drafts_as_created() {
    let (_tmp, site) = new_site();
    for (kind, name) in [
        ("talent", "t-2026-015"),
        ("story", "meet-amir"),
        ("report", "session-2"),
    ] {
        let o = in_site(&site, &["new", kind, name]);
        assert!(o.status.success(), "new {kind}: {}", text(&o));
    }
    for args in [&["check", "--drafts"][..], &["check"][..]] {
        let o = in_site(&site, args);
        let all = text(&o);
        assert!(o.status.success(), "{args:?}:\n{all}");
        assert!(!all.contains("error"), "{args:?}:\n{all}");
    }
    // the writer un-drafts the new story and report: still no problem
    for rel in [
        "content/stories/meet-amir.md",
        "content/reports/session-2.md",
    ] {
        let p = site.join(rel);
        let t = std::fs::read_to_string(&p).expect("new file");
        assert!(t.contains("draft: true"), "{rel} starts as a draft");
        std::fs::write(&p, t.replace("draft: true", "draft: false")).expect("write");
    }
    let o = in_site(&site, &["check"]);
    assert!(o.status.success(), "un-drafted:\n{}", text(&o));
}

#[test]
fn new_refuses_an_id_check_would_refuse_before_writing() {
    let (_tmp, site) = new_site();
    let o = in_site(&site, &["new", "talent", "t_2026_x"]);
    let all = text(&o);
    assert_eq!(o.status.code(), Some(2), "{all}");
    assert!(
        all.contains("may contain only letters A–Z, digits and `-`") && all.contains("`t-2026-x`"),
        "says the rule and a name that keeps it:\n{all}"
    );
    assert!(!site.join("content/talents/t_2026_x.md").exists());
    for bad in ["t 2026", "タレント1", "t-2026/x", "t.2026"] {
        let o = in_site(&site, &["new", "talent", bad]);
        assert_eq!(o.status.code(), Some(2), "{bad}: {}", text(&o));
    }
    // what `new` accepts, `check` accepts
    for good in ["t-2026-x", "T-2026-016", "a1"] {
        let o = in_site(&site, &["new", "talent", good]);
        assert!(o.status.success(), "{good}: {}", text(&o));
    }
    let o = in_site(&site, &["check"]);
    assert!(o.status.success(), "{}", text(&o));
}

/// Every output file (the output manifest aside: it is tsunagi's record
/// of the build) as text.
fn output_text(site: &Path) -> Vec<(String, String)> {
    read_tree(&site.join("public"))
        .into_iter()
        .map(|(k, v)| (k, String::from_utf8_lossy(&v).to_string()))
        .collect()
}

#[test]
fn a_new_talent_publishes_nothing_until_filled_in() {
    let (_tmp, site) = new_site();
    let o = in_site(&site, &["new", "talent", "t-2026-015"]);
    assert!(o.status.success(), "{}", text(&o));
    let o = in_site(&site, &["build"]);
    assert!(o.status.success(), "{}", text(&o));
    let new = std::fs::read_to_string(site.join("content/talents/t-2026-015.md")).expect("new");
    let files = output_text(&site);
    assert!(
        files.len() > 20,
        "the site was built: {} files",
        files.len()
    );
    for (name, body) in &files {
        for trace in [
            "t-2026-015",
            "T-2026-015",
            "ここに職務要約",
            "ニックネーム",
            "職種（主なスキル）",
        ] {
            assert!(!name.contains(trace), "{name} is the new profile's");
            assert!(!body.contains(trace), "{name} holds {trace:?}");
        }
    }
    // one published talent: the sample, not the new one
    let home = files
        .iter()
        .find(|(n, _)| n == "talents/index.html")
        .map(|(_, b)| b.clone())
        .expect("the directory");
    assert!(home.contains("サンプルさん"), "the sample is listed");

    // `check` names each field still to fill, with file, line and column
    let o = in_site(&site, &["check", "--privacy"]);
    let all = text(&o);
    assert!(o.status.success(), "warnings, not errors:\n{all}");
    let line_of = |key: &str| {
        new.lines()
            .position(|l| l.trim_start().starts_with(key))
            .map(|i| i + 1)
            .unwrap_or_else(|| panic!("no {key} in the new file"))
    };
    for (field, key, col) in [
        ("display_name", "display_name:", 1),
        ("headline", "headline:", 1),
        ("consent.record_id", "record_id:", 3),
        ("consent.given", "given:", 3),
        ("consent.expires", "expires:", 3),
        ("career summary", "（ここに職務要約", 1),
    ] {
        let want = format!(
            "content/talents/t-2026-015.md:{}:{col}: warning: still to fill: `{field}`",
            line_of(key)
        );
        assert!(all.contains(&want), "{want}\n in:\n{all}");
    }
    assert!(
        all.contains("t-2026-015       WITHHELD   still to fill: display_name, headline, career summary, consent.record_id, consent.given, consent.expires"),
        "{all}"
    );
    assert!(all.contains("1 withheld (1 still to fill)"), "{all}");

    // filled in as README says, with the status still `paused`: withheld
    let filled = new
        .replace("display_name: \"\"", "display_name: \"ハナさん\"")
        .replace(
            "headline: \"\"",
            "headline: \"介護職（特別養護老人ホームでの実務3年）\"",
        )
        .replace("record_id: \"\"", "record_id: C-2026-0015")
        .replace("  given:  ", &format!("  given: {}", day(-10)))
        .replace("  expires:  ", &format!("  expires: {}", day(300)))
        .replace("scope: []", "scope: [story]");
    let summary_line = new
        .lines()
        .find(|l| l.contains("ここに職務要約"))
        .expect("placeholder");
    let filled = filled.replace(
        summary_line,
        "特別養護老人ホームで3年間、食事と入浴の介助を担当しました。",
    );
    let path = site.join("content/talents/t-2026-015.md");
    std::fs::write(&path, &filled).expect("write");
    let o = in_site(&site, &["check", "--privacy"]);
    let all = text(&o);
    assert!(!all.contains("still to fill"), "all filled in:\n{all}");
    assert!(
        all.contains("t-2026-015       WITHHELD   status is paused"),
        "{all}"
    );
    // and published once `status: seeking`
    std::fs::write(&path, filled.replace("status: paused", "status: seeking")).expect("write");
    let o = in_site(&site, &["build"]);
    assert!(o.status.success(), "{}", text(&o));
    let page = std::fs::read_to_string(site.join("public/talents/t-2026-015/index.html"))
        .expect("published");
    assert!(page.contains("ハナさん") && page.contains("食事と入浴の介助"));
    assert_eq!(
        page.matches(">職務要約<").count(),
        1,
        "one heading:\n{page}"
    );
}

#[test]
fn the_career_summary_heading_comes_from_the_theme_only() {
    let (_tmp, site) = new_site();
    let o = in_site(&site, &["new", "talent", "t-2026-015"]);
    assert!(o.status.success(), "{}", text(&o));
    let o = in_site(&site, &["build"]);
    assert!(o.status.success(), "{}", text(&o));
    // the theme prints the heading; the sample's body does not repeat it
    let page =
        std::fs::read_to_string(site.join("public/talents/t-0001/index.html")).expect("page");
    assert_eq!(
        page.matches(">職務要約<").count(),
        1,
        "one heading:\n{page}"
    );
    // nor does a new profile's (published, it would show it twice)
    let new = std::fs::read_to_string(site.join("content/talents/t-2026-015.md")).expect("new");
    let body = new.rsplit("---\n").next().unwrap_or_default();
    assert!(
        !body.contains('#') && body.contains("職務要約"),
        "the placeholder mentions the heading but is none:\n{body}"
    );
}
