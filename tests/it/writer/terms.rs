//! Messy categories: `check` warns about a job category, series or tag the
//! site does not name that looks like one it names, at the term itself;
//! `tag_names` and `skill_names` name tags and skills per language; and
//! the example site has no such near-duplicate.

use crate::harness::*;

const TODAY: &str = "2026-06-01";

fn talent(id: &str, jobs: &str, skills: &str, tags: &str) -> String {
    format!(
        "---\nid: {id}\ndisplay_name: {id}さん\nheadline: 見出し\nstatus: seeking\njob_categories: {jobs}\nskills: {skills}\nlanguages:\n  - {{code: ja, jlpt: N2}}\ntags:\n{tags}\nconsent:\n  record_id: C-{id}\n  given: 2026-01-01\n  expires: 2027-01-01\n  withdrawn: null\n  scope: [story]\n---\n\n特別養護老人ホームで3年間働きました。\n"
    )
}

/// A two-language site whose writers mixed keys with free names.
fn messy_site() -> TempSite {
    let site = TempSite::empty();
    site.write(
        "site.yaml",
        "title: つなぐキャリア\nbase_url: https://example.org/\nlanguages: [ja, en]\n",
    )
    .write(
        "i18n/ja.yaml",
        "job_category_names:\n  nursing-care: 介護・看護\n  construction: 建設\n  manufacturing: 製造\n  facility-maintenance: 設備保全\nseries_names:\n  school: スクール\ntag_names:\n  engineering: エンジニアリング\n  healthcare: 医療・介護\n",
    )
    .write(
        "i18n/en.yaml",
        "job_category_names:\n  nursing-care: Nursing and care\nskill_names:\n  施工管理: Construction management\ntag_names:\n  日本語学習: Learning Japanese\n",
    )
    .write(
        "content/talents/t-care.md",
        talent("t-care", "[介護]", "[高齢者介護]", "  - healthcare\n  - 日本語学習"),
    )
    .write(
        "content/talents/t-build.md",
        talent(
            "t-build",
            "[construction, 施工管理]",
            "[施工管理, AutoCAD]",
            "  - enginering\n  - 物流",
        ),
    )
    .write(
        "content/talents/t-fm.md",
        talent("t-fm", "[manufacturing, 設備保全]", "[機械保全]", "  - engineering"),
    )
    .write(
        "content/talents/t-nc.md",
        talent("t-nc", "[NursingCare]", "[看護]", "  - healthcare"),
    )
    .write(
        "content/reports/s1.md",
        "---\ntitle: スクール 第1回\ndate: 2026-05-10\nseries: schools\nnumber: 1\ntags: [workshop]\n---\n\n第1回の報告です。\n",
    );
    site
}

#[test]
fn check_warns_at_near_duplicates_of_named_terms() {
    let site = messy_site();
    let o = site.run(&["check", "--today", TODAY]);
    let all = text(&o);
    assert!(o.status.success(), "warnings, not errors:\n{all}");
    for want in [
        "content/talents/t-care.md:6:18: warning: job category `介護` is not named in i18n/<lang>.yaml and looks like `nursing-care` (Nursing and care / 介護・看護): they share the name `介護` (in `介護・看護`); write `nursing-care` if that is meant, or name `介護` under `job_category_names` if it is one of its own",
        "content/talents/t-build.md:6:32: warning: job category `施工管理` is not named in i18n/<lang>.yaml and looks like `construction` (建設): every profile that lists it lists `construction` too",
        "content/talents/t-build.md:11:5: warning: tag `enginering` is not named in i18n/<lang>.yaml and looks like `engineering` (エンジニアリング): it is spelt like `engineering` but for a letter or two",
        "content/talents/t-nc.md:6:18: warning: job category `NursingCare` is not named in i18n/<lang>.yaml and looks like `nursing-care` (Nursing and care / 介護・看護): it is `nursing-care` but for case, width, spaces or punctuation",
        "content/reports/s1.md:4:9: warning: series `schools` is not named in i18n/<lang>.yaml and looks like `school` (スクール): it is spelt like `school` but for a letter or two",
    ] {
        assert!(all.contains(want), "missing:\n{want}\nin:\n{all}");
    }
    // the line itself, with a caret under the term
    assert!(
        all.contains("6 | job_categories: [介護]\n  |                  ^"),
        "{all}"
    );
    // a category named of its own, a named tag, a tag like nothing named
    for quiet in [
        "`設備保全`",
        "`日本語学習`",
        "`healthcare`",
        "`物流`",
        "`workshop`",
    ] {
        assert!(!all.contains(quiet), "{quiet} is fine:\n{all}");
    }
    assert_eq!(all.matches("is not named in i18n").count(), 5, "{all}");
}

#[test]
fn tag_and_skill_names_show_per_language() {
    let site = messy_site();
    site.build(TODAY, &[]);
    let read = |rel: &str| {
        std::fs::read_to_string(site.public().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    };
    // Japanese pages name English tag keys in Japanese
    let ja = read("talents/t-care/index.html");
    assert!(ja.contains(">#医療・介護</a>"), "{ja}");
    assert!(!ja.contains(">#healthcare<"), "{ja}");
    // English pages name Japanese skills and tags in English
    let en = read("en/talents/t-build/index.html");
    let skills = en
        .split("<ul class=\"skill-list\">")
        .nth(1)
        .and_then(|s| s.split("</ul>").next())
        .unwrap_or_else(|| panic!("no skill list:\n{en}"));
    assert!(skills.contains(">Construction management<"), "{skills}");
    assert!(!skills.contains("施工管理<"), "{skills}");
    let en_care = read("en/talents/t-care/index.html");
    assert!(en_care.contains(">#Learning Japanese</a>"), "{en_care}");
    // term pages and the directory's cards too
    let term = read("en/skills/施工管理/index.html");
    assert!(term.contains("Construction management"), "{term}");
    let list = read("en/talents/index.html");
    assert!(list.contains("Construction management"), "{list}");
    // the skill keeps its one URL in both languages
    assert!(read("talents/t-build/index.html").contains(">施工管理<"));
}

#[test]
fn the_example_site_has_no_near_duplicates() {
    for audience in ["public", "companies"] {
        let o = run(
            &repo(),
            &[
                "check",
                "--root",
                &repo().to_string_lossy(),
                "--today",
                "2026-11-25",
                "--audience",
                audience,
            ],
        );
        let all = text(&o);
        assert!(o.status.success(), "{all}");
        assert!(!all.contains("is not named in i18n"), "{audience}:\n{all}");
    }
}
