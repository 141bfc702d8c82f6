//! The talent directory and search page as a recruiter with two minutes
//! uses them (issue #23): cards that are links as a whole and carry the
//! levels and years screened on first, talent cards labelled among other
//! kinds, the filters in force as chips with 「すべて解除」, what to drop when
//! nothing matches, and a search page that suggests where to start.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Value, json};

use crate::browser::scenario;
use crate::harness::*;
use crate::search::{fixture_site, strings};

/// What each talent card of the results shows, and where a tap lands: in
/// the middle of its facts (not on the name), and on its ☆.
const CARDS: &str = r#"(() => [...document.querySelectorAll('.search-results .card-talent')].map(c => {
  const hit = e => { if (!e) return null; e.scrollIntoView({ block: 'center' }); const r = e.getBoundingClientRect(); return document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2); };
  const a = c.querySelector('.card-title a');
  const star = c.querySelector('.shortlist-star');
  return {
    url: a.getAttribute('href'),
    badges: [...c.querySelectorAll('.card-badges .level')].map(b => b.textContent),
    factsTapOpens: hit(c.querySelector('.card-facts'))?.closest('a') === a,
    headlineTapOpens: hit(c.querySelector('.card-headline'))?.closest('a') === a,
    starTapStars: star ? hit(star) === star : null,
  };
}))()"#;

/// The kind label of each card on the page.
const KINDS: &str = r#"[...document.querySelectorAll('.card')].map(c => [c.className, c.querySelector('.card-kind')?.textContent ?? null])"#;

#[test]
fn chromium_cards_are_links_with_levels_years_and_kinds() {
    let out = built_example();
    let site = out.path().join("site");
    let r = scenario(
        &site,
        "/",
        &json!([
            {"viewport": [1280, 900]},
            {"goto": "talents/"},
            {"eval": CARDS, "label": "wide"},
            {"axe": "directory"},
            {"goto": "search/?q=エンジニア"},
            {"eval": KINDS, "label": "search kinds"},
            {"viewport": [390, 844]},
            {"goto": "talents/"},
            {"eval": CARDS, "label": "phone"},
            {"goto": "en/talents/"},
            {"eval": CARDS, "label": "english"}
        ]),
    );
    for k in ["wide", "phone", "english"] {
        let cards = r[k]["value"].as_array().expect("cards");
        assert!(cards.len() >= 3, "{k}: {cards:?}");
        for c in cards {
            assert_eq!(c["factsTapOpens"], true, "{k}: the card is the link: {c}");
            assert_eq!(c["headlineTapOpens"], true, "{k}: {c}");
            assert_eq!(c["starTapStars"], true, "{k}: the ☆ stays a button: {c}");
            assert!(
                !c["badges"].as_array().expect("badges").is_empty(),
                "{k}: {c}"
            );
        }
    }
    let amir = |k: &str| -> Vec<String> {
        let cards = r[k]["value"].as_array().expect("cards");
        let c = cards
            .iter()
            .find(|c| c["url"].as_str().is_some_and(|u| u.contains("t-2026-001")))
            .unwrap_or_else(|| panic!("{k}: t-2026-001 on the first page: {cards:?}"));
        strings(&c["badges"])
    };
    assert_eq!(amir("wide"), ["日本語 N2", "英語 CEFR C1", "経験6年"]);
    assert_eq!(
        amir("english"),
        ["Japanese JLPT N2", "English CEFR C1", "6 years' experience"]
    );
    assert_eq!(r["axe:directory"]["violations"], json!([]));
    // every talent among the search results says it is one, like stories and reports
    let kinds = r["search kinds"]["value"].as_array().expect("kinds");
    let talents: Vec<&Value> = kinds
        .iter()
        .filter(|k| k[0].as_str().is_some_and(|c| c.contains("card-talent")))
        .collect();
    assert!(!talents.is_empty(), "{kinds:?}");
    for k in talents {
        assert_eq!(k[1], "人材プロフィール", "{k}");
    }
}

/// Tag pages list talents, stories and reports together: each card says
/// which it is, in the page's language, without JavaScript.
#[test]
fn tag_pages_label_every_card_with_its_kind() {
    let out = built_example();
    let site = out.path().join("site");
    let page = std::fs::read_to_string(site.join("tags/engineering/index.html")).expect("tag page");
    let cards: Vec<&str> = page.split("<article class=\"card ").skip(1).collect();
    assert!(cards.len() >= 3, "{page}");
    let mut kinds = BTreeMap::new();
    for c in &cards {
        let kind = c.split('"').next().unwrap_or_default();
        let label = c
            .split("<span class=\"card-kind\">")
            .nth(1)
            .and_then(|x| x.split('<').next())
            .unwrap_or_else(|| panic!("no kind label: {c}"));
        kinds.insert(kind.to_string(), label.to_string());
    }
    assert_eq!(kinds["card-talent"], "人材プロフィール");
    assert_eq!(kinds["card-story"], "ストーリー");
    let en = std::fs::read_to_string(site.join("en/tags/engineering/index.html"))
        .expect("English tag page");
    assert!(
        en.contains("<span class=\"card-kind\">Talent profile</span>"),
        "{en}"
    );
    // one spelling per skill: t-2026-011 writes ui/ux, t-2026-005 UI/UX
    assert!(
        page.contains("<li>UI/UX</li>") && !page.contains(">ui/ux<"),
        "{page}"
    );
    // section lists hold one kind: no label there
    let talents = std::fs::read_to_string(site.join("talents/index.html")).expect("directory");
    assert!(!talents.contains("card-kind"), "{talents}");
}

/// Before anything is typed the search page suggests where to start: the
/// most used roles, skills and tags, as links that work without JavaScript.
#[test]
fn the_search_page_suggests_roles_skills_and_tags() {
    let out = built_example();
    let site = out.path().join("site");
    let page = std::fs::read_to_string(site.join("search/index.html")).expect("search page");
    let popular = page
        .split("<section class=\"search-popular\"")
        .nth(1)
        .and_then(|s| s.split("</section>").next())
        .unwrap_or_else(|| panic!("no suggestions: {page}"));
    for heading in ["職種", "スキル", "タグ"] {
        assert!(popular.contains(heading), "{heading}: {popular}");
    }
    let links: Vec<&str> = popular
        .split("href=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .collect();
    assert!(links.len() >= 12, "{links:?}");
    for l in &links {
        let file = site
            .join(percent_decode(l.trim_start_matches('/')))
            .join("index.html");
        assert!(file.is_file(), "{l} leads nowhere");
    }
    // the most used first: ui/ux and UI/UX are one skill of two profiles
    assert!(
        popular.contains("<a href=\"/skills/ui-ux/\">UI/UX <span class=\"count\">(2)</span>"),
        "{popular}"
    );
}

fn directory_steps(mount_site: &Path) -> BTreeMap<String, Value> {
    let chips = "[...document.querySelectorAll('.active-filters button')].map(b => [b.textContent, b.getAttribute('aria-label')])";
    let hints = "[...document.querySelectorAll('.filter-hints:not([hidden]) button')].map(b => b.textContent)";
    let checked = "[...document.querySelectorAll('.facet-panel input:checked')].map(b => b.value)";
    scenario(
        mount_site,
        "/jobs/",
        &json!([
            {"viewport": [1280, 900]},
            {"goto": "talents/?region=大阪府&skill=python"},
            {"report": "nobody"},
            {"eval": chips, "label": "chips"},
            {"eval": hints, "label": "hints"},
            {"axe": "zero state"},
            {"open": ".filter-hint"},
            {"report": "hint taken"},
            {"eval": checked, "label": "checked after the hint"},
            {"goto": "talents/?region=大阪府&region=東京都&lang=ja:N2&avail=2026-09"},
            {"eval": chips, "label": "four chips"},
            {"open": ".filter-chip[aria-label=\"「大阪府」を外す\"]"},
            {"report": "osaka dropped"},
            {"eval": checked, "label": "checked after the chip"},
            {"open": ".filter-clear"},
            {"report": "cleared"},
            {"eval": "[...document.querySelectorAll('.facet-lang li')].find(li => li.querySelector('label')?.textContent === '日本語')?.querySelector('select').value", "label": "japanese select"},
            {"eval": chips, "label": "no chips"},
            {"eval": "document.querySelector('.active-filters').hidden", "label": "chips hidden"},
            {"goto": "talents/?type=contract"},
            {"type": "料理", "into": ".search-toolbar input[type=search]"},
            {"report": "words and a filter"},
            {"eval": hints, "label": "word hints"},
            {"goto": "search/"},
            {"eval": "!document.querySelector('.search-popular').hidden", "label": "suggestions shown"},
            {"type": "python"},
            {"report": "typed"},
            {"eval": "document.querySelector('.search-popular').hidden", "label": "suggestions hidden"},
            {"goto": "search/?q=エンジニア&kind=talent&tag=存在しない"},
            {"report": "search zero"},
            {"eval": hints, "label": "search hints"}
        ]),
    )
}

#[test]
fn chromium_shows_the_filters_in_force_and_what_to_drop() {
    let (_site, out) = fixture_site();
    let r = directory_steps(&out);
    let v = |k: &str| &r[k]["value"];
    assert_eq!(r["nobody"]["count"], 0);
    assert_eq!(
        v("chips"),
        &json!([
            ["Python ×", "「Python」を外す"],
            ["大阪府 ×", "「大阪府」を外す"],
            ["すべて解除", null]
        ])
    );
    // Python alone: t-py; Osaka alone: t-go and t-chef
    assert_eq!(
        strings(v("hints")),
        ["「Python」を外すと2人", "「大阪府」を外すと1人"]
    );
    assert_eq!(r["axe:zero state"]["violations"], json!([]));
    assert_eq!(r["hint taken"]["count"], 2);
    assert_eq!(r["hint taken"]["search"], "?region=大阪府");
    assert_eq!(strings(v("checked after the hint")), ["大阪府"]);
    assert_eq!(
        strings(
            &v("four chips")
                .as_array()
                .expect("chips")
                .iter()
                .map(|c| c[0].clone())
                .collect::<Value>()
        ),
        [
            "日本語 JLPT N2以上 ×",
            "大阪府 ×",
            "東京都 ×",
            "2026年9月までに就業可能 ×",
            "すべて解除"
        ]
    );
    assert_eq!(
        r["osaka dropped"]["search"],
        "?region=東京都&lang=ja:N2&avail=2026-09"
    );
    assert_eq!(strings(v("checked after the chip")), ["東京都"]);
    assert_eq!(r["cleared"]["search"], "");
    assert_eq!(r["cleared"]["count"], 5);
    assert_eq!(v("no chips"), &json!([]));
    assert_eq!(v("chips hidden"), true);
    assert_eq!(
        v("japanese select"),
        "",
        "the select follows 「すべて解除」"
    );
    // 料理 is t-chef's, who wants no contract: drop either
    assert_eq!(r["words and a filter"]["count"], 0);
    assert_eq!(
        strings(v("word hints")),
        ["「契約社員」を外すと1人", "「料理」を外すと1人"]
    );
    assert_eq!(v("suggestions shown"), true);
    assert_eq!(v("suggestions hidden"), true);
    assert!(r["typed"]["count"].as_u64().is_some_and(|n| n > 0));
    assert_eq!(r["search zero"]["count"], 0);
    assert_eq!(strings(v("search hints")), ["「存在しない」を外すと2件"]);
}

/// `%E6%97%A5` → 日: a link's path as the file it names.
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = b
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match (b[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(x)) => {
                out.push(x);
                i += 3;
            }
            (c, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8(out).expect("UTF-8 path")
}

/// What the skills facet shows: visible values, the 「もっと見る」 button, the
/// finder's "no match" line.
const SKILLS: &str = r#"(() => {
  const fs = document.querySelector('fieldset.facet-skill');
  const lis = [...fs.querySelectorAll('li')];
  const more = fs.querySelector('.facet-more');
  return {
    total: lis.length,
    shown: lis.filter(li => li.checkVisibility()).map(li => li.textContent.trim()),
    more: more.checkVisibility() ? [more.textContent, more.getAttribute('aria-expanded')] : null,
    none: fs.querySelector('.facet-none').checkVisibility(),
    scrolls: fs.querySelector('ul').scrollHeight > fs.querySelector('ul').clientHeight + 1,
  };
})()"#;

/// The language controls: rows shown (label and value), and the picker's
/// options with whether each can be chosen.
const LANGS: &str = r#"(() => {
  const fs = document.querySelector('fieldset.facet-lang');
  const rows = [...fs.querySelectorAll('.facet-levels > li')].filter(li => li.checkVisibility());
  const picker = fs.querySelector('.facet-lang-picker');
  return {
    rows: rows.map(li => [li.querySelector('label').textContent, li.querySelector('select').value]),
    picker: picker ? [...picker.options].filter(o => !o.hidden).map(o => [o.textContent, !o.disabled]) : null,
    zeroChoosable: [...fs.querySelectorAll('select'), ...document.querySelectorAll('fieldset.facet-avail select')].flatMap(s => [...s.options]).filter(o => / \(0\)$/.test(o.textContent) && !o.disabled && !o.selected).map(o => o.textContent),
  };
})()"#;

#[test]
fn chromium_long_facets_fold_find_and_languages_lead_with_japanese_and_english() {
    let out = built_example();
    let site = out.path().join("site");
    let finder = "fieldset.facet-skill .facet-find";
    let r = scenario(
        &site,
        "/",
        &json!([
            {"viewport": [1280, 900]},
            {"goto": "talents/"},
            {"eval": SKILLS, "label": "folded"},
            {"tap": "fieldset.facet-skill .facet-more"},
            {"eval": SKILLS, "label": "unfolded"},
            {"tap": "fieldset.facet-skill .facet-more"},
            {"eval": SKILLS, "label": "folded again"},
            {"find": "ｒｅｓｔ", "into": finder},
            {"eval": SKILLS, "label": "found"},
            {"press": "Enter", "settle": true},
            {"report": "ticked by Enter"},
            {"find": "cobol", "into": finder},
            {"eval": SKILLS, "label": "no match"},
            {"find": "", "into": finder},
            {"eval": SKILLS, "label": "cleared, python kept"},
            {"goto": "talents/"},
            {"eval": LANGS, "label": "languages"},
            {"options": "日本語"},
            {"select": "その他の言語", "value": "fr"},
            {"report": "french"},
            {"eval": LANGS, "label": "french added"},
            {"eval": "document.activeElement.closest('li')?.querySelector('label')?.textContent", "label": "focus"},
            {"axe": "languages"},
            {"goto": "talents/?region=大阪府"},
            {"eval": LANGS, "label": "osaka"},
            {"goto": "en/talents/"},
            {"eval": LANGS, "label": "english"},
            {"options": "Japanese"}
        ]),
    );
    let v = |k: &str| &r[k]["value"];
    let folded = v("folded");
    let total = folded["total"].as_u64().expect("total");
    assert!(total > 40, "the example site lists many skills: {folded}");
    assert_eq!(
        folded["shown"].as_array().map(Vec::len),
        Some(10),
        "{folded}"
    );
    assert_eq!(
        folded["more"],
        json!([format!("もっと見る（あと{}件）", total - 10), "false"])
    );
    assert_eq!(folded["scrolls"], false, "no box scrolling inside the page");
    let unfolded = v("unfolded");
    assert_eq!(
        unfolded["shown"].as_array().map(|a| a.len() as u64),
        Some(total)
    );
    assert_eq!(unfolded["more"], json!(["表示を減らす", "true"]));
    assert_eq!(v("folded again")["shown"], folded["shown"]);
    // full-width letters find REST API設計 (folded away): the only match, and Enter ticks it
    let found = strings(&v("found")["shown"]);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].starts_with("REST API設計"), "{found:?}");
    assert!(
        !strings(&folded["shown"])
            .iter()
            .any(|s| s.starts_with("REST")),
        "{folded}"
    );
    assert_eq!(v("found")["more"], Value::Null);
    let ticked = r["ticked by Enter"]["search"].as_str().unwrap_or_default();
    assert!(ticked.starts_with("?skill=rest"), "{ticked}");
    assert_eq!(v("no match")["none"], true);
    assert_eq!(v("no match")["shown"], json!([]));
    // a ticked value stays in sight when the list folds
    let kept = strings(&v("cleared, python kept")["shown"]);
    assert_eq!(kept.len(), 11, "{kept:?}");
    assert!(
        kept.iter().any(|s| s.starts_with("REST API設計")),
        "{kept:?}"
    );

    let langs = v("languages");
    assert_eq!(
        langs["rows"],
        json!([["日本語", ""], ["英語", ""], ["その他の言語", ""]])
    );
    let picker = strings(
        &langs["picker"]
            .as_array()
            .expect("picker")
            .iter()
            .map(|o| o[0].clone())
            .collect::<Value>(),
    );
    assert_eq!(picker[0], "言語を選ぶ");
    assert!(
        picker.iter().any(|o| o.starts_with("フランス語 (")),
        "{picker:?}"
    );
    assert!(
        !picker
            .iter()
            .any(|o| o.starts_with("日本語") || o.starts_with("英語"))
    );
    let ja = strings(&r["options:日本語"]["values"]);
    assert_eq!(ja[0], "条件にしない");
    assert!(ja[1].starts_with("話せる（レベル不問） ("), "{ja:?}");
    assert!(ja.iter().any(|o| o.starts_with("JLPT N2以上 (")), "{ja:?}");
    // French asked for: its row shows at any level, and it leaves the picker
    assert_eq!(r["french"]["search"], "?lang=fr");
    let added = v("french added");
    assert_eq!(
        added["rows"],
        json!([
            ["日本語", ""],
            ["英語", ""],
            ["フランス語", "any"],
            ["その他の言語", ""]
        ])
    );
    assert!(
        !added["picker"].to_string().contains("フランス語"),
        "{added}"
    );
    assert_eq!(v("focus"), "フランス語", "focus moves to the new row");
    assert_eq!(r["axe:languages"]["violations"], json!([]));
    // nobody left with a level: that option cannot be chosen
    for k in ["languages", "french added", "osaka", "english"] {
        assert_eq!(v(k)["zeroChoosable"], json!([]), "{k}: {}", v(k));
    }
    let english = v("english");
    assert_eq!(
        english["rows"],
        json!([["Japanese", ""], ["English", ""], ["Other languages", ""]])
    );
    let ja_en = strings(&r["options:Japanese"]["values"]);
    assert_eq!(ja_en[0], "No requirement");
    assert!(ja_en[1].starts_with("Speaks it (any level) ("), "{ja_en:?}");
}

/// The requests `path` makes before its results show, each answer held back
/// 150 ms as on a phone network (`tests/tools/waterfall.mjs`).
fn waterfall(site: &Path, path: &str) -> Value {
    let o = crate::browser::node(
        "waterfall.mjs",
        &[&site.to_string_lossy(), "/", path, "150"],
    );
    let t = text(&o);
    assert!(o.status.success(), "{t}");
    let line = t
        .lines()
        .find_map(|l| l.strip_prefix("RESULT "))
        .unwrap_or_else(|| panic!("no RESULT: {t}"));
    serde_json::from_str(line).expect("RESULT is JSON")
}

/// Results wait on round trips, not on bytes: the page asks for the script,
/// the module it imports and the index's manifest at once, and the directory
/// fetches its first cards beside its filters. Counted as the longest chain
/// of requests each waiting for the one before (timing would only measure
/// this machine), and the manifest is fetched once: the early answer is used.
#[test]
fn chromium_search_waits_on_few_round_trips() {
    let out = built_example();
    let site = out.path().join("site");
    for (path, most) in [
        ("talents/", 3),
        ("talents/?region=東京都", 4),
        ("search/?q=エンジニア", 5),
    ] {
        let w = waterfall(&site, path);
        let paths: Vec<&str> = w["reqs"]
            .as_array()
            .expect("requests")
            .iter()
            .filter_map(|r| r["path"].as_str())
            .collect();
        assert!(
            w["depth"].as_u64().is_some_and(|d| d <= most),
            "{path}: {} round trips, at most {most} expected: {w}",
            w["depth"]
        );
        assert_eq!(
            paths
                .iter()
                .filter(|p| p.ends_with("/manifest.json"))
                .count(),
            1,
            "{path}: {paths:?}"
        );
    }
}

/// What shows when the page prints: which parts are visible, and where the
/// shortlist's cards sit (side by side: the same top).
const PRINTED: &str = r#"(() => {
  const seen = s => [...document.querySelectorAll(s)].some(e => e.checkVisibility());
  return {
    parts: ['.site-header', 'h1', '.facet-panel', '.search-toolbar', '.search-results', '.shortlist', '.shortlist-print', '.shortlist-star']
      .filter(seen),
    tops: [...document.querySelectorAll('.shortlist-cards > li')].map(li => Math.round(li.getBoundingClientRect().top)),
    button: document.querySelector('.shortlist-print')?.textContent ?? null,
  };
})()"#;

/// The shortlist prints on its own from its button: its cards side by side,
/// nothing of the directory around it; printing the directory otherwise
/// leaves the shortlist out.
#[test]
fn chromium_prints_the_shortlist_alone_side_by_side() {
    let out = built_example();
    let site = out.path().join("site");
    let r = scenario(
        &site,
        "/",
        &json!([
            {"viewport": [1280, 900]},
            {"goto": "talents/"},
            {"store": r#"["t-2026-001","t-2026-004","t-2026-005"]"#},
            {"goto": "talents/"},
            {"shortlist": "saved"},
            {"eval": PRINTED, "label": "screen"},
            {"eval": "[...document.querySelectorAll('.shortlist .card-factsline')].map(p => p.textContent)", "label": "facts lines"},
            {"eval": "document.documentElement.dataset.print = 'shortlist'", "label": "as the button marks it"},
            {"media": "print"},
            {"eval": PRINTED, "label": "shortlist printed"},
            {"eval": "delete document.documentElement.dataset.print", "label": "unmarked"},
            {"eval": PRINTED, "label": "directory printed"},
            {"media": "screen"}
        ]),
    );
    let v = |k: &str| &r[k]["value"];
    assert_eq!(v("screen")["button"], "候補リストを印刷");
    // the shortlist compares people by the profile's own facts line (with English too)
    let lines = strings(v("facts lines"));
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert_eq!(
        lines[0],
        "日本語 N2 · 英語 CEFR C1 · 東京都、神奈川県 · 正社員・フルタイム、契約社員 · リモート可 · 経験6年 · 即日可"
    );
    assert_eq!(
        v("shortlist printed")["parts"],
        json!([".shortlist"]),
        "the shortlist alone: {}",
        v("shortlist printed")
    );
    let tops = v("shortlist printed")["tops"].as_array().expect("tops");
    assert_eq!(tops.len(), 3, "{tops:?}");
    assert!(tops.iter().all(|t| t == &tops[0]), "side by side: {tops:?}");
    let plain = strings(&v("directory printed")["parts"]);
    assert!(plain.contains(&".search-results".to_string()), "{plain:?}");
    assert!(!plain.contains(&".shortlist".to_string()), "{plain:?}");
}
