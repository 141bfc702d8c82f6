//! The profile a recruiter reads (issue #23): the enquiry action on the
//! first screen, naming the profile; the facts line under the headline;
//! availability judged against the build's date; English pages in English
//! punctuation; the contact page naming the profiles an enquiry is about.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Value, json};

use crate::harness::*;

/// The example site built into `<tmp>/site`, and its files.
fn example() -> (tempfile::TempDir, BTreeMap<String, Vec<u8>>) {
    let out = built_example();
    let tree = read_tree(&out.path().join("site"));
    (out, tree)
}

/// The output paths of every profile page, in every language
/// (`talents/t-2026-001/index.html`, `en/talents/t-2026-001/index.html`).
fn profiles(tree: &BTreeMap<String, Vec<u8>>) -> Vec<String> {
    let found: Vec<String> = tree
        .keys()
        .filter(|k| {
            let k = k.strip_prefix("en/").unwrap_or(k);
            k.strip_prefix("talents/")
                .and_then(|r| r.strip_suffix("/index.html"))
                .is_some_and(|id| !id.contains('/') && id != "page")
        })
        .cloned()
        .collect();
    found
}

fn html(tree: &BTreeMap<String, Vec<u8>>, path: &str) -> String {
    String::from_utf8(
        tree.get(path)
            .unwrap_or_else(|| panic!("no {path} in output"))
            .clone(),
    )
    .expect("UTF-8")
}

/// The text between `start` (which must be there) and the next `end`.
fn between<'a>(page: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let from = page.find(start)? + start.len();
    let len = page[from..].find(end)?;
    Some(&page[from..from + len])
}

/// What a reader sees of escaped text (the entities Tera writes).
fn unescape(s: &str) -> String {
    s.replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The facts line of a profile page, as text.
fn facts(page: &str) -> Option<String> {
    between(page, "<p class=\"profile-facts\">", "</p>").map(unescape)
}

/// The id of the profile at `path` (`t-2026-001`), from its URL.
fn id_of(path: &str) -> &str {
    path.trim_end_matches("/index.html")
        .rsplit('/')
        .next()
        .unwrap_or_default()
}

/// Runs browser steps on the site in `dir` (served at `/`).
fn scenario(dir: &Path, steps: Value) -> BTreeMap<String, Value> {
    crate::browser::scenario(dir, "/", &steps)
}

const ENQUIRE_BOX: &str = "(() => { const a = document.getElementById('enquire'); if (!a) return null; const r = a.getBoundingClientRect(); return { href: a.getAttribute('href'), text: a.textContent, top: r.top, bottom: r.bottom, left: r.left, right: r.right, width: innerWidth, height: innerHeight, visible: a.checkVisibility() }; })()";

/// Asserts the enquiry link is wholly inside the viewport.
fn assert_on_screen(label: &str, b: &Value) {
    assert!(b.is_object(), "{label}: no #enquire");
    let n = |k: &str| b[k].as_f64().unwrap_or(f64::NAN);
    assert_eq!(b["visible"], true, "{label}: {b}");
    assert!(
        n("top") >= 0.0 && n("left") >= 0.0,
        "{label}: starts off screen: {b}"
    );
    assert!(
        n("bottom") <= n("height") && n("right") <= n("width"),
        "{label}: ends below or beside the first screen: {b}"
    );
    assert!(
        n("bottom") - n("top") >= 24.0,
        "{label}: a target to tap: {b}"
    );
}

/// Every profile of the example site, in both languages, at a desktop's and
/// a phone's size: the enquiry link is on the first screen without
/// scrolling, its address names the profile, and on a phone it stays on
/// screen while the profile is read.
#[test]
fn chromium_shows_the_enquiry_action_on_the_first_screen() {
    let (out, tree) = example();
    let pages = profiles(&tree);
    assert!(pages.len() >= 22, "11 profiles in two languages: {pages:?}");
    let mut steps = Vec::new();
    for (w, h) in [(1280, 900), (390, 844)] {
        steps.push(json!({"viewport": [w, h]}));
        for p in &pages {
            let url = p.trim_end_matches("index.html");
            steps.push(json!({"goto": url}));
            steps.push(json!({"eval": ENQUIRE_BOX, "label": format!("{w} {url}")}));
            if w < 600 {
                steps.push(json!({"scroll": 1200}));
                steps.push(json!({"eval": ENQUIRE_BOX, "label": format!("{w} {url} scrolled")}));
            }
        }
    }
    steps.push(json!({"goto": "talents/t-2026-001/"}));
    steps.push(json!({"axe": "phone"}));
    steps.push(json!({"viewport": [1280, 900]}));
    steps.push(json!({"goto": "en/talents/t-2026-001/"}));
    steps.push(json!({"axe": "desktop"}));
    let r = scenario(&out.path().join("site"), Value::Array(steps));
    for p in &pages {
        let url = p.trim_end_matches("index.html");
        let id = id_of(p);
        for w in [1280, 390] {
            let label = format!("{w} {url}");
            let b = &r[&label]["value"];
            assert_on_screen(&label, b);
            let href = b["href"].as_str().unwrap_or_default();
            assert!(
                href.contains(&format!("talent={id}")),
                "{label}: the link names the profile: {href}"
            );
            assert!(
                b["text"].as_str().unwrap_or_default().contains(id),
                "{label}: the action names the profile: {b}"
            );
        }
        let label = format!("390 {url} scrolled");
        assert_on_screen(&label, &r[&label]["value"]);
    }
    assert_eq!(r["axe:phone"]["violations"], json!([]));
    assert_eq!(r["axe:desktop"]["violations"], json!([]));
}

/// The contact page says which profiles an enquiry is about, from
/// `?talent=`: profile numbers only, as text, whatever else the address
/// holds.
#[test]
fn chromium_contact_page_names_the_profiles_as_text() {
    let (out, _tree) = example();
    let about = "(() => { const b = document.querySelector('[data-enquiry]'); return { text: b.textContent, elements: [...b.querySelectorAll('*')].map(e => e.tagName), pwned: window.pwned === 1 }; })()";
    let r = scenario(
        &out.path().join("site"),
        json!([
            {"viewport": [390, 844]},
            {"goto": "contact/"},
            {"eval": about, "label": "none"},
            {"goto": "contact/?talent=t-2026-001"},
            {"eval": about, "label": "one"},
            {"axe": "contact"},
            {"goto": "en/contact/?talent=t-2026-001,t-2026-007&talent=t-2026-001"},
            {"eval": about, "label": "two"},
            {"goto": "contact/?talent=%3Cimg%20src%3Dx%20onerror%3D%22window.pwned%3D1%22%3E,Call%20090-0000-0000,t-2026-004"},
            {"eval": about, "label": "hostile"},
            {"goto": "contact/?talent=%3Cimg%20src%3Dx%20onerror%3D%22window.pwned%3D1%22%3E"},
            {"eval": about, "label": "only hostile"}
        ]),
    );
    let fallback = "プロフィールについてのお問い合わせには、プロフィール番号（例: t-2026-001）を添えてください。";
    assert_eq!(r["none"]["value"]["text"], fallback);
    assert_eq!(
        r["one"]["value"]["text"],
        "お問い合わせの対象のプロフィール: t-2026-001"
    );
    assert_eq!(r["one"]["value"]["elements"], json!(["STRONG"]));
    assert_eq!(r["axe:contact"]["violations"], json!([]));
    assert_eq!(
        r["two"]["value"]["text"], "Your enquiry is about profile: t-2026-001, t-2026-007",
        "in the page's language, each profile once"
    );
    let hostile = &r["hostile"]["value"];
    assert_eq!(
        hostile["text"],
        "お問い合わせの対象のプロフィール: t-2026-004"
    );
    assert_eq!(
        hostile["elements"],
        json!(["STRONG"]),
        "no markup: {hostile}"
    );
    assert_eq!(hostile["pwned"], false);
    assert_eq!(r["only hostile"]["value"]["text"], fallback);
    assert_eq!(r["only hostile"]["value"]["pwned"], false);
}

/// Without JavaScript the contact page still asks for the profile number,
/// and its script is a file of the theme (no inline script).
#[test]
fn the_contact_page_asks_for_the_profile_number_without_javascript() {
    let (_out, tree) = example();
    let ja = html(&tree, "contact/index.html");
    assert!(
        ja.contains("data-enquiry")
            && ja.contains("プロフィール番号（例: t-2026-001）を添えてください"),
        "{ja}"
    );
    assert!(ja.contains("<script src=\"/enquiry.js\" defer></script>"));
    let en = html(&tree, "en/contact/index.html");
    assert!(en.contains("please quote its number"), "{en}");
    assert!(tree.contains_key("enquiry.js"));
    // a page that does not ask for it has neither
    let about = html(&tree, "about/index.html");
    assert!(!about.contains("data-enquiry") && !about.contains("enquiry.js"));
}

/// Every profile shows the facts line under its headline, in its language.
#[test]
fn every_profile_has_a_facts_line() {
    let (_out, tree) = example();
    for p in profiles(&tree) {
        let page = html(&tree, &p);
        let line = facts(&page).unwrap_or_else(|| panic!("{p}: no facts line"));
        assert!(line.contains(" · "), "{p}: {line}");
        let header =
            between(&page, "<header class=\"profile-header\">", "</header>").unwrap_or_default();
        assert!(
            header.contains("profile-facts"),
            "{p}: the facts line is in the profile's header"
        );
    }
    assert_eq!(
        facts(&html(&tree, "talents/t-2026-001/index.html")).as_deref(),
        Some(
            "日本語 N2 · 東京都、神奈川県 · 正社員・フルタイム、契約社員 · リモート可 · 経験6年 · 即日可"
        )
    );
    assert_eq!(
        facts(&html(&tree, "en/talents/t-2026-001/index.html")).as_deref(),
        Some(
            "Japanese JLPT N2 · Tokyo, Kanagawa · Full-time, Contract · Remote OK · 6 years' experience · Available now"
        )
    );
}

/// English profiles use English punctuation and name the scale of a level;
/// only the person's own Japanese text (an untranslated summary, marked
/// `lang="ja"`) may hold Japanese punctuation.
#[test]
fn english_profiles_use_english_punctuation() {
    let (_out, tree) = example();
    let english: Vec<String> = profiles(&tree)
        .into_iter()
        .filter(|p| p.starts_with("en/"))
        .collect();
    assert!(english.len() >= 11, "{english:?}");
    for p in &english {
        let page = html(&tree, p);
        let mut shown = page.clone();
        // the untranslated summary, in Japanese on purpose
        if let Some(ja) = between(
            &page,
            "<div class=\"prose\" lang=\"ja\">",
            "</div>\n  </section>",
        ) {
            shown = shown.replace(ja, "");
        }
        for mark in ['、', '「', '」'] {
            assert!(
                !shown.contains(mark),
                "{p}: {mark} on an English page:\n{}",
                shown
                    .lines()
                    .filter(|l| l.contains(mark))
                    .collect::<Vec<_>>()
                    .join("\n")
            );
        }
    }
    let amir = html(&tree, "en/talents/t-2026-001/index.html");
    assert!(
        amir.contains("<span class=\"level\">JLPT N2</span>"),
        "{amir}"
    );
    assert!(
        amir.contains("<span class=\"level\">CEFR C1</span>"),
        "{amir}"
    );
    assert!(amir.contains("Full-time, Contract"), "{amir}");
    // Japanese pages keep theirs
    let ja = html(&tree, "talents/t-2026-001/index.html");
    assert!(ja.contains("正社員・フルタイム、契約社員"), "{ja}");
    assert!(ja.contains("<span class=\"level\">N2</span>"), "{ja}");
}

/// A start month reads 即日可 / Available now once the build's date
/// (`--today`) has reached it, on the profile and on its card, and the
/// month before that.
#[test]
fn a_start_month_that_has_come_reads_available_now() {
    // t-1 of the bilingual fixture can start in September 2026
    for (today, ja, en) in [
        (
            "2026-08-31",
            "2026年9月から就業可",
            "Available from September 2026",
        ),
        ("2026-09-01", "即日可", "Available now"),
        ("2026-12-10", "即日可", "Available now"),
    ] {
        let site = TempSite::from_fixture("sites/bilingual");
        site.build(today, &[]);
        let tree = read_tree(&site.public());
        let ja_page = html(&tree, "talents/t-1/index.html");
        let en_page = html(&tree, "en/talents/t-1/index.html");
        assert!(
            facts(&ja_page).is_some_and(|f| f.ends_with(ja)),
            "{today}: {:?}",
            facts(&ja_page)
        );
        assert!(
            facts(&en_page).is_some_and(|f| f.ends_with(en)),
            "{today}: {:?}",
            facts(&en_page)
        );
        let now = today != "2026-08-31";
        for (page, word) in [
            (&ja_page, "<dd>即日可</dd>"),
            (&en_page, "<dd>Available now</dd>"),
        ] {
            assert_eq!(page.contains(word), now, "{today}: the facts table");
        }
        for (list, word) in [
            ("talents/index.html", "<dd>即日可</dd>"),
            ("en/talents/index.html", "<dd>Available now</dd>"),
        ] {
            assert_eq!(
                html(&tree, list).contains(word),
                now,
                "{today}: the card in {list}"
            );
        }
    }
}

/// A `mailto:` contact_url gets a subject and body naming the profile and
/// its address; a `{ids}` template is filled in; a plain one keeps
/// `?talent=`.
#[test]
fn the_contact_url_is_a_template() {
    let site = TempSite::from_fixture("sites/bilingual");
    site.replace(
        "site.yaml",
        "contact_url: \"https://bilingual.example/contact/\"",
        "contact_url: \"mailto:jobs@bilingual.example\"",
    );
    site.build("2026-06-01", &[]);
    let tree = read_tree(&site.public());
    let href = |path: &str| {
        let page = html(&tree, path);
        unescape(
            between(&page, "<a id=\"enquire\" class=\"button\" href=\"", "\"")
                .unwrap_or_else(|| panic!("{path}: no enquiry link")),
        )
    };
    assert_eq!(
        href("talents/t-1/index.html"),
        "mailto:jobs@bilingual.example\
         ?subject=%E3%83%97%E3%83%AD%E3%83%95%E3%82%A3%E3%83%BC%E3%83%AB%20t-1%20%E3%81%AB%E3%81%A4%E3%81%84%E3%81%A6%E3%81%AE%E3%81%8A%E5%95%8F%E3%81%84%E5%90%88%E3%82%8F%E3%81%9B\
         &body=%E6%AC%A1%E3%81%AE%E3%83%97%E3%83%AD%E3%83%95%E3%82%A3%E3%83%BC%E3%83%AB%E3%81%AB%E3%81%A4%E3%81%84%E3%81%A6%E3%81%8A%E5%95%8F%E3%81%84%E5%90%88%E3%82%8F%E3%81%9B%E3%81%97%E3%81%BE%E3%81%99%E3%80%82%0D%0A\
         %E3%83%97%E3%83%AD%E3%83%95%E3%82%A3%E3%83%BC%E3%83%AB%E7%95%AA%E5%8F%B7%3A%20t-1%0D%0A\
         https%3A%2F%2Fbilingual.example%2Ftalents%2Ft-1%2F%0D%0A"
    );
    assert_eq!(
        href("en/talents/t-1/index.html"),
        "mailto:jobs@bilingual.example?subject=Enquiry%20about%20profile%20t-1\
         &body=I%20am%20writing%20about%20this%20profile.%0D%0AProfile%20no.%3A%20t-1%0D%0A\
         https%3A%2F%2Fbilingual.example%2Fen%2Ftalents%2Ft-1%2F%0D%0A"
    );

    site.replace(
        "site.yaml",
        "contact_url: \"mailto:jobs@bilingual.example\"",
        "contact_url: \"https://forms.example/enquiry?profile={ids}&page={urls}#top\"",
    );
    site.build("2026-06-01", &[]);
    let tree = read_tree(&site.public());
    let page = html(&tree, "en/talents/t-1/index.html");
    assert!(
        page.contains(
            "href=\"https://forms.example/enquiry?profile=t-1&amp;page=https%3A%2F%2Fbilingual.example%2Fen%2Ftalents%2Ft-1%2F#top\""
        ),
        "{page}"
    );
}

/// The plain contact URL of the example site keeps `?talent=<id>`.
#[test]
fn a_plain_contact_url_keeps_the_talent_query() {
    let (_out, tree) = example();
    for p in profiles(&tree) {
        let page = html(&tree, &p);
        let id = id_of(&p);
        assert!(
            page.contains(&format!(
                "<a id=\"enquire\" class=\"button\" href=\"https://tsunagi.example/contact/?talent={id}\">"
            )),
            "{p}"
        );
    }
}

/// A report's speakers and organisations read in the page's language:
/// `Name (Org, Role)` and `A, B` on English pages, `名前（所属・役職）` and
/// `A、B` on Japanese ones (names themselves stay as written).
#[test]
fn report_facts_use_the_pages_punctuation() {
    let (_out, tree) = example();
    let links = regex::Regex::new(r"<a [^>]*>[^<]*</a>").expect("regex");
    let mut english = 0;
    for (path, bytes) in &tree {
        if !path.contains("reports/sto-") || !path.ends_with("index.html") {
            continue;
        }
        let page = String::from_utf8_lossy(bytes);
        let Some(facts) = between(&page, "<dl class=\"facts\">", "</dl>") else {
            continue;
        };
        // what the template writes around the names
        let around = links.replace_all(facts, "");
        if path.starts_with("en/") {
            english += 1;
            for mark in ['、', '（', '）', '・'] {
                assert!(!around.contains(mark), "{path}: {mark} in {around}");
            }
            if facts.contains("Representative Director") {
                assert!(around.contains(" (, Representative Director)"), "{around}");
            }
        } else if facts.contains("代表理事") {
            assert!(around.contains("（・代表理事）"), "{path}: {around}");
        }
    }
    assert!(english >= 4, "{english} English reports");
}
