//! Search and browse (issue #4): the index every build writes, and the
//! client (`search.js`) driven in headless Chromium.
//!
//! `tests/fixtures/sites/search` has Japanese and English talents, stories,
//! a report and a page; one talent is withheld (its words are unique:
//! ゼブラフィッシュ, Zebrafishwhisperer, Cobolzebra), one story's title is
//! `<script>…`. It is built for `https://example.org/jobs/` and served under
//! `/jobs/`, so every URL the client makes must carry the sub-path.
//! Browser scenarios print what the page shows; the assertions here compare
//! exact result lists.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use tsunagi::search::encode::Reader;
use tsunagi::search::tokenize::{self, Token};

use crate::browser::{node, search_queries};
use crate::harness::*;

const TODAY: &str = "2026-06-01";

/// The search fixture built into `<tmp>/out/jobs`.
pub(crate) fn fixture_site() -> (TempSite, PathBuf) {
    let site = TempSite::from_fixture("sites/search");
    let out = site.path().join("out/jobs");
    site.build(TODAY, &["--output", &out.to_string_lossy()]);
    (site, out)
}

pub fn inflate(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::ZlibDecoder::new(bytes)
        .read_to_end(&mut out)
        .expect("index files are zlib streams");
    out
}

/// What an index holds, decoded independently of the client.
#[derive(Default)]
struct Dump {
    manifest: Value,
    /// Keys of term shards (bigrams, words) and occurrence shards (bigrams, characters).
    keys: BTreeSet<String>,
    /// Texts of phrase shards.
    phrases: Vec<String>,
    /// Metadata of every document, in document order.
    meta: Vec<Value>,
    /// Facet value keys and labels, and number labels.
    facet_values: Vec<String>,
}

fn dump(index_dir: &Path) -> Dump {
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(index_dir.join("manifest.json")).expect("manifest"))
            .expect("manifest is JSON");
    let mut d = Dump {
        manifest,
        ..Dump::default()
    };
    let read = |rel: String| inflate(&std::fs::read(index_dir.join(&rel)).expect(&rel));
    let keyed = |bytes: &[u8], keys: &mut BTreeSet<String>| {
        let mut r = Reader::new(bytes);
        for _ in 0..r.uint() {
            keys.insert(r.str());
            let n = r.uint() as usize;
            r.skip(n);
        }
    };
    for i in 0..d.manifest["terms"].as_u64().expect("terms") {
        keyed(&read(format!("t/{i}.bin")), &mut d.keys);
    }
    for i in 0..d.manifest["occs"].as_u64().expect("occs") {
        keyed(&read(format!("o/{i}.bin")), &mut d.keys);
    }
    for i in 0..d.manifest["phrases"].as_array().expect("phrases").len() {
        let b = read(format!("p/{i}.bin"));
        let mut r = Reader::new(&b);
        for _ in 0..r.uint() {
            d.phrases.push(r.str());
            r.postings();
        }
    }
    let docs = d.manifest["docs"].as_u64().expect("docs") as usize;
    let chunk = d.manifest["chunk"].as_u64().expect("chunk") as usize;
    for c in 0..docs.div_ceil(chunk) {
        let v: Value = serde_json::from_slice(&read(format!("d/{c}.bin"))).expect("metadata JSON");
        d.meta.extend(v.as_array().expect("array").iter().cloned());
    }
    for f in ["all", "talent"] {
        let b = read(format!("f/{f}.bin"));
        let mut r = Reader::new(&b);
        let (_start, count) = (r.uint(), r.uint());
        for _ in 0..r.uint() {
            r.str();
            r.uint();
            for _ in 0..r.uint() * 2 {
                d.facet_values.push(r.str());
            }
            for _ in 0..r.uint() * 2 {
                d.facet_values.push(r.str());
            }
            for _ in 0..count {
                for _ in 0..r.uint() {
                    r.uint();
                }
            }
        }
        for _ in 0..r.uint() {
            r.str();
            for _ in 0..r.uint() {
                r.uint();
                d.facet_values.push(r.str());
            }
            for _ in 0..count {
                r.uint();
            }
        }
    }
    d
}

/// Runs a browser scenario; returns its RESULT lines by label.
fn scenario(out: &Path, steps: Value) -> BTreeMap<String, Value> {
    scenario_at(out, "/jobs/", steps)
}

/// [`scenario`] for a site served under `mount`.
fn scenario_at(out: &Path, mount: &str, steps: Value) -> BTreeMap<String, Value> {
    crate::browser::scenario(out, mount, &steps)
}

/// `[title, url]` of each result.
fn items(r: &Value) -> Vec<(String, String)> {
    r["items"]
        .as_array()
        .unwrap_or_else(|| panic!("no items in {r}"))
        .iter()
        .map(|i| {
            (
                i["title"].as_str().unwrap_or_default().to_string(),
                i["url"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

fn urls(r: &Value) -> Vec<String> {
    items(r).into_iter().map(|(_, u)| u).collect()
}

pub(crate) fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap_or_else(|| panic!("not an array: {v}"))
        .iter()
        .map(|x| x.as_str().unwrap_or_default().to_string())
        .collect()
}

const PY: &str = "/jobs/talents/t-py/";
const GO: &str = "/jobs/talents/t-go/";
const DESIGN: &str = "/jobs/talents/t-design/";
const NURSE: &str = "/jobs/talents/t-nurse/";
const CHEF: &str = "/jobs/talents/t-chef/";
const SAMIR: &str = "/jobs/stories/meet-samir/";
const XSS: &str = "/jobs/stories/script-title/";
const KITCHEN: &str = "/jobs/stories/kitchen/";
const SCHOOL: &str = "/jobs/reports/school-1/";

// ------------------------------------------------------------------ the index

#[test]
fn every_language_gets_an_index_of_what_it_publishes() {
    let (_site, out) = fixture_site();
    let ja = dump(&out.join("search-index"));
    let en = dump(&out.join("en/search-index"));
    assert_eq!(ja.manifest["lang"], "ja");
    assert_eq!(
        ja.manifest["docs"], 10,
        "5 talents, 3 stories, 1 report, 1 page"
    );
    assert_eq!(ja.manifest["kinds"]["talent"], json!([0, 5]));
    assert_eq!(ja.manifest["kinds"]["story"], json!([5, 8]));
    assert_eq!(ja.manifest["kinds"]["report"], json!([8, 9]));
    assert_eq!(ja.manifest["kinds"]["page"], json!([9, 10]));
    assert_eq!(ja.manifest["paginate"], 3);
    // talents come first, newest review first, as the directory lists them
    let ja_urls: Vec<&str> = ja
        .meta
        .iter()
        .map(|m| m["u"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        ja_urls,
        [
            PY,
            GO,
            DESIGN,
            NURSE,
            CHEF,
            XSS,
            SAMIR,
            KITCHEN,
            SCHOOL,
            "/jobs/about/"
        ]
    );
    assert_eq!(ja.meta[0]["t"], "サミールさん");
    assert_eq!(ja.meta[0]["h"], "バックエンドエンジニア（Python / Django）");
    // available from April 2026: by the build date (June) that reads as now, as on the card
    assert_eq!(ja.meta[0]["a"], "即日可");
    // the build's month: the availability filter starts there
    assert_eq!(ja.manifest["month"], "2026-06");
    assert_eq!(
        ja.meta[0]["dt"], "2026-05",
        "a talent's date is its review month"
    );
    // a talent is in every language, with that language's name and headline
    assert_eq!(en.manifest["docs"], 5);
    assert_eq!(en.meta[0]["u"], "/jobs/en/talents/t-py/");
    assert_eq!(en.meta[0]["t"], "Samir");
    assert_eq!(en.meta[0]["h"], "Backend engineer (Python / Django)");
    assert!(en.keys.contains("olena") && !ja.keys.contains("olena"));
    assert!(ja.keys.contains("ソフ") && ja.keys.contains("python"));
    // the UI strings of the language ride along
    assert_eq!(ja.manifest["ui"]["search_count"], "{n}件見つかりました");
    assert_eq!(en.manifest["ui"]["search_count"], "Results: {n}");
    // results join a talent's regions the way the language does
    assert_eq!(ja.manifest["ui"]["list_separator"], "、");
    assert_eq!(en.manifest["ui"]["list_separator"], ", ");
}

#[test]
fn a_withheld_talent_leaves_no_trace_in_the_index() {
    let (_site, out) = fixture_site();
    for dir in ["search-index", "en/search-index"] {
        let d = dump(&out.join(dir));
        let everything = format!(
            "{:?}{:?}{:?}{:?}",
            d.keys, d.phrases, d.meta, d.facet_values
        )
        .to_lowercase();
        for word in [
            "zebra",
            "ゼブ",
            "ブラ",
            "熱帯",
            "合言",
            "水槽",
            "番人",
            "t-withheld",
            "北海道",
        ] {
            assert!(!everything.contains(word), "{word} found in {dir}");
        }
    }
    // and the raw files hold none of it either (nothing in the index is plain text)
    for (path, bytes) in read_tree(&out) {
        if path.contains("search-index/") && path.ends_with(".bin") {
            let s = String::from_utf8_lossy(&inflate(&bytes)).to_lowercase();
            assert!(!s.contains("zebra") && !s.contains("ゼブラ"), "{path}");
        }
    }
}

/// Every key the index holds (word, bigram, character) and every phrase
/// occurs in the text of some published HTML page: the index says nothing
/// the pages do not.
fn assert_index_is_published_text(out: &Path) {
    let tree = read_tree(out);
    let mut published = String::new();
    for (path, bytes) in &tree {
        if path.ends_with(".html") {
            let html = String::from_utf8_lossy(bytes)
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&#x27;", "'")
                .replace("&amp;", "&");
            published.push_str(&tokenize::normalize(&html));
            published.push('\n');
        }
    }
    let mut checked = 0;
    for (path, _) in tree
        .iter()
        .filter(|(p, _)| p.ends_with("search-index/manifest.json"))
    {
        let dir = out.join(path.trim_end_matches("manifest.json"));
        let d = dump(&dir);
        for k in d.keys.iter().chain(d.phrases.iter()) {
            assert!(
                published.contains(k.as_str()),
                "{k:?} in {path} is on no page"
            );
            checked += 1;
        }
    }
    assert!(checked > 20, "the index was read ({checked} keys)");
}

#[test]
fn the_index_holds_only_text_the_pages_publish() {
    let (_site, out) = fixture_site();
    assert_index_is_published_text(&out);
}

#[test]
fn the_index_of_the_canary_site_holds_only_published_text() {
    let site = crate::privacy::canary_site();
    for audience in ["public", "companies"] {
        let _ = std::fs::remove_dir_all(site.public());
        site.build(TODAY, &["--audience", audience]);
        assert_index_is_published_text(&site.public());
        let d = dump(&site.public().join("search-index"));
        let all = format!("{:?}{:?}{:?}", d.keys, d.meta, d.facet_values);
        assert!(
            all.contains("published-person"),
            "what is published is indexed"
        );
        // site-declared optional fields live in `extra`, which is never indexed
        assert!(
            !all.to_lowercase().contains("hobby-in-scope") && !d.keys.contains("visible"),
            "extra is not indexed"
        );
    }
}

#[test]
fn the_index_is_byte_identical_from_run_to_run() {
    let (_a, first) = fixture_site();
    let (_b, second) = fixture_site();
    let pick = |out: &Path| -> BTreeMap<String, Vec<u8>> {
        read_tree(out)
            .into_iter()
            .filter(|(k, _)| k.contains("search-index/"))
            .collect()
    };
    let (a, b) = (pick(&first), pick(&second));
    assert!(a.len() > 10);
    assert_eq!(a, b);
}

/// The benchmarks measure the index's share of a build by building without
/// it (`BuildOptions::search_index`): that build must differ from a full
/// one by the index files alone, and the index built beside the pages
/// must be the one built on its own.
#[test]
fn a_build_without_the_index_lacks_only_the_index() {
    let site = TempSite::from_fixture("sites/search");
    let mut opts = tsunagi::BuildOptions::new(site.path());
    opts.today = chrono::NaiveDate::from_ymd_opt(2026, 6, 1);
    let full = tsunagi::generate(&opts).expect("build").output.files;
    opts.search_index = false;
    let bare = tsunagi::generate(&opts).expect("build").output.files;
    let (index, rest): (BTreeMap<_, _>, BTreeMap<_, _>) = full
        .into_iter()
        .partition(|(path, _)| path.split('/').any(|part| part == "search-index"));
    for part in [
        "manifest.json",
        "t/0.bin",
        "o/0.bin",
        "p/0.bin",
        "d/0.bin",
        "f/all.bin",
    ] {
        assert!(
            index.contains_key(&format!("search-index/{part}")),
            "{part}: {:?}",
            index.keys()
        );
    }
    assert!(index.contains_key("en/search-index/manifest.json"));
    assert_eq!(
        rest.keys().collect::<Vec<_>>(),
        bare.keys().collect::<Vec<_>>()
    );
    assert!(rest == bare, "a page differs without the index");
    let built = tsunagi::generate(&tsunagi::BuildOptions {
        search_index: true,
        ..opts
    })
    .expect("build");
    let strings = tsunagi::render::theme::Theme::load(site.path(), &built.site.config)
        .expect("theme")
        .strings;
    let alone: BTreeMap<String, Vec<u8>> = tsunagi::search::build(&built.site, &strings)
        .into_iter()
        .collect();
    let beside: BTreeMap<String, Vec<u8>> = index
        .into_iter()
        .map(|(path, bytes)| (path, bytes.to_vec()))
        .collect();
    assert_eq!(alone, beside);
}

/// A job category written by its name, or in other capitals, is searched by
/// the name its key has in each language, like the key itself.
#[test]
fn a_category_written_otherwise_is_found_by_its_keys_name() {
    let site = TempSite::from_fixture("sites/basic");
    site.write(
        "i18n/ja.yaml",
        "job_category_names:\n  software-engineering: 開発職\n",
    );
    site.replace(
        "content/talents/t-b.md",
        "status: seeking\n",
        "status: seeking\njob_categories: [Software-Engineering]\n",
    );
    site.build(TODAY, &[]);
    let got = search_queries(&site.public(), "/jobs/", "search-index/", &["開発職"]);
    assert_eq!(got["開発職"], ["/jobs/talents/t-a/", "/jobs/talents/t-b/"]);
}

#[test]
fn a_page_cannot_take_the_index_folder() {
    let site = TempSite::from_fixture("sites/search");
    site.write("content/search-index.md", "---\ntitle: 索引\n---\n\n本文\n");
    let o = site.run(&["build", "--today", TODAY]);
    let msg = text(&o);
    assert_eq!(o.status.code(), Some(1), "{msg}");
    assert!(
        msg.contains("content/search-index.md") && msg.contains("`/search-index/` is reserved"),
        "{msg}"
    );
}

// ------------------------------------------------------------------ without JavaScript

#[test]
fn without_javascript_the_directory_and_term_pages_list_everyone() {
    let (_site, out) = fixture_site();
    let tree = read_tree(&out);
    let page = |p: &str| {
        String::from_utf8(tree.get(p).unwrap_or_else(|| panic!("no {p}")).clone()).expect("utf-8")
    };
    // paginate: 3 → two pages, five talents in all
    let listed = page("talents/index.html") + &page("talents/page/2/index.html");
    for t in ["t-py", "t-go", "t-design", "t-nurse", "t-chef"] {
        assert!(
            listed.contains(&format!("href=\"/jobs/talents/{t}/\"")),
            "{t}"
        );
    }
    assert!(!listed.contains("t-withheld"));
    // facet links are ordinary links to term pages that list the talents
    let dir = page("talents/index.html");
    assert!(dir.contains("href=\"/jobs/skills/python/\""));
    assert!(page("skills/python/index.html").contains("href=\"/jobs/talents/t-py/\""));
    assert!(dir.contains("href=\"/jobs/languages/ja/\""));
    assert!(
        dir.contains("data-search-index=\"/jobs/search-index/\" data-search-mode=\"talents\""),
        "page 1 is enhanced by search.js"
    );
    assert!(
        !page("talents/page/2/index.html").contains("search.js"),
        "later pages stay static"
    );
    // the search page is a plain GET form without JavaScript
    let search = page("search/index.html");
    assert!(search.contains(
        "<form class=\"search-form\" role=\"search\" action=\"/jobs/search/\" method=\"get\">"
    ));
    assert!(search.contains("<input type=\"search\" id=\"q\" name=\"q\""));
    // …which finds nothing without JavaScript: the page says so, and where to browse instead
    assert!(
        search.contains("<noscript><p class=\"search-noscript\">検索にはJavaScriptが必要です。")
    );
    // the script is loaded only where it is used
    for (path, bytes) in &tree {
        if path.ends_with(".html") {
            let uses = String::from_utf8_lossy(bytes).contains("search.js");
            let should = matches!(
                path.as_str(),
                "search/index.html"
                    | "en/search/index.html"
                    | "talents/index.html"
                    | "en/talents/index.html"
            );
            assert_eq!(uses, should, "{path}");
        }
    }
}

// ------------------------------------------------------------------ in Chromium

#[test]
fn chromium_finds_japanese_and_english_exactly() {
    let (_site, out) = fixture_site();
    let r = scenario(
        &out,
        json!([
            {"goto": "search/"},
            {"report": "idle"},
            {"type": "ソフトウェアエンジニア"},
            {"report": "compound"},
            {"clear": true},
            {"type": "ソフトウェア"},
            {"report": "part"},
            {"clear": true},
            {"type": "ｿﾌﾄｳｪｱ"},
            {"report": "half-width"},
            {"clear": true},
            {"type": "ＰＹＴＨＯＮ"},
            {"report": "full-width"},
            {"clear": true},
            {"type": "pyth"},
            {"report": "prefix"},
            {"clear": true},
            {"type": "engineer"},
            {"report": "english"},
            {"clear": true},
            {"type": "Python3年"},
            {"report": "mixed"},
            {"clear": true},
            {"type": "ヘルパー"},
            {"report": "half-width in the page"},
            {"clear": true},
            {"type": "料理 大阪"},
            {"report": "two tokens"},
            {"clear": true},
            {"type": "ゼブラフィッシュ"},
            {"report": "withheld ja"},
            {"clear": true},
            {"type": "Zebrafishwhisperer"},
            {"report": "withheld en"},
            {"clear": true},
            {"type": "水槽の番人"},
            {"report": "withheld body"},
            {"clear": true},
            {"type": "jlpt"},
            {"report": "body word"},
            {"clear": true},
            {"type": "!?😀"},
            {"report": "nothing searchable"},
            {"goto": "en/search/?q=backend"},
            {"report": "english index"}
        ]),
    );
    assert_eq!(r["idle"]["count"], 0);
    assert!(r["idle"]["items"].as_array().is_some_and(|a| a.is_empty()));
    // bigrams must be adjacent: t-go says ソフトウェア and エンジニア apart, the report only ソフトウェア
    assert_eq!(urls(&r["compound"]), [SAMIR, PY]);
    assert_eq!(r["compound"]["status"], "2件見つかりました");
    assert_eq!(
        r["compound"]["search"], "?q=ソフトウェアエンジニア",
        "the query is in the URL"
    );
    let samir = &r["compound"]["items"][0];
    assert_eq!(
        samir["marks"],
        json!(["ソフトウェアエンジニア"]),
        "the excerpt is highlighted"
    );
    assert_eq!(urls(&r["part"]), [SCHOOL, SAMIR, PY, GO]);
    assert_eq!(urls(&r["half-width"]), urls(&r["part"]));
    assert_eq!(urls(&r["full-width"]), [PY, SAMIR]);
    assert_eq!(urls(&r["prefix"]), [PY, SAMIR]);
    assert_eq!(
        r["full-width"]["items"][0]["marks"],
        json!(["Python", "Python", "Python"]),
        "headline, skill chip and excerpt are highlighted"
    );
    // "engineer" matches words starting with it: the desired roles `backend-engineer` and
    // `infrastructure-engineer` (shown as they are: this site names no job categories),
    // Engineer's, engineers, engineering
    assert_eq!(urls(&r["english"]), [PY, GO, KITCHEN, SAMIR]);
    // the kitchen story's summary does not hold the word: its excerpt is the body's sentence
    let kitchen = &r["english"]["items"][2];
    assert_eq!(
        kitchen["excerpt"],
        "…English story about a restaurant kitchen, engineers who cook, and the Engineer's Lunch club.…",
        "a window around the first match, from a word's start"
    );
    assert_eq!(kitchen["marks"], json!(["engineer", "Engineer"]));
    assert_eq!(urls(&r["mixed"]), [PY, SAMIR]);
    // a word only in a talent's body: the card shows that sentence, highlighted
    let body = &r["body word"]["items"];
    assert_eq!(body[0]["url"], "/jobs/talents/t-py/");
    assert_eq!(
        body[0]["excerpt"],
        "…来日後は日本語学校に通い、JLPT N2に合格しました。…"
    );
    assert_eq!(body[0]["marks"], json!(["JLPT"]));
    assert_eq!(
        body[1]["excerpt"],
        Value::Null,
        "found by its languages, not its body: no excerpt"
    );
    assert_eq!(urls(&r["half-width in the page"]), [NURSE]);
    assert_eq!(urls(&r["two tokens"]), [CHEF]);
    for k in ["withheld ja", "withheld en", "withheld body"] {
        assert_eq!(r[k]["count"], 0, "{k}");
        assert_eq!(r[k]["status"], "該当するものは見つかりませんでした。");
    }
    // a query of punctuation and emoji only: said to find nothing, not a blank page
    assert_eq!(r["nothing searchable"]["count"], 0);
    assert_eq!(
        r["nothing searchable"]["status"],
        "該当するものは見つかりませんでした。"
    );
    assert_eq!(
        items(&r["english index"]),
        [("Samir".to_string(), "/jobs/en/talents/t-py/".to_string())]
    );
    assert_eq!(r["english index"]["status"], "Results: 1");
}

/// Runs a Node script on the deployed `search.js` with a JSON input and
/// reads back the JSON on its lines starting with `prefix` (and its whole
/// output, for messages).
fn node_json_lines(
    script: &str,
    search_js: &str,
    input: &str,
    prefix: &str,
) -> (Vec<Value>, String) {
    let o = node(script, &[search_js, input]);
    let t = text(&o);
    assert!(o.status.success(), "{t}");
    let values = t
        .lines()
        .filter_map(|l| l.strip_prefix(prefix))
        .map(|j| serde_json::from_str(j).expect("json"))
        .collect();
    (values, t)
}

/// The client's window around a word in a long body sentence (run by Node on
/// the deployed `search.js`): from a word's start in English, anywhere in
/// Japanese, never splitting a character written as two UTF-16 units.
#[test]
fn excerpts_are_windows_around_the_first_match() {
    let long_en = "Before coming to Japan she worked for six years as a backend developer at a \
                   payments company, where she built services in Python and Go for merchants.";
    let long_ja = "母国では決済システムを開発する会社で六年間働き、加盟店向けのサービスを設計し、\
                   その後は社内の勉強会でKubernetesの運用を教えながら新人エンジニアの育成にも関わり、\
                   現在は日本で同じ分野の仕事を探していて、面接の練習も続けています。";
    // the window would start on the second half of 🦀
    let emoji = format!(
        "{}🦀{}Rust{}",
        "あ".repeat(20),
        "い".repeat(29),
        "う".repeat(100)
    );
    let cases = json!([
        [["A short sentence about Rust."], "rust"],
        [[long_en], "python"],
        [[long_ja], "kubernetes"],
        [[emoji], "rust"],
        [["No match here.", "The second one has Django."], "django"],
        [["Nothing about it."], "haskell"],
        [[], "python"],
    ]);
    let (_site, out) = fixture_site();
    let (got, _) = node_json_lines(
        "search-excerpt.mjs",
        &out.join("search.js").to_string_lossy(),
        &cases.to_string(),
        "EXCERPT ",
    );
    assert_eq!(
        got,
        [
            json!("…A short sentence about Rust.…"),
            json!(
                "…developer at a payments company, where she built services in Python and Go for merchants.…"
            ),
            json!(
                "…間働き、加盟店向けのサービスを設計し、その後は社内の勉強会でKubernetesの運用を教えながら新人エンジニアの育成にも関わり、現在は日本で同じ分野の仕事を探していて、面接の練習も続けています。…"
            ),
            json!(format!("…{}Rust{}…", "い".repeat(29), "う".repeat(56))),
            json!("…The second one has Django.…"),
            Value::Null,
            Value::Null,
        ]
    );
}

#[test]
fn chromium_shows_index_text_as_text() {
    let (_site, out) = fixture_site();
    let r = scenario(
        &out,
        json!([
            {"goto": "search/"},
            {"type": "スクリプト"},
            {"report": "script"},
            {"eval": "window.__pwned === undefined", "label": "not run"},
            {"eval": "document.querySelectorAll('.search-results script, .search-results img').length", "label": "no elements"}
        ]),
    );
    assert_eq!(
        items(&r["script"]),
        [(
            "<script>window.__pwned=1</script><img src=x onerror=\"window.__pwned=2\">スクリプトの話"
                .to_string(),
            XSS.to_string()
        )]
    );
    assert_eq!(r["not run"]["value"], true);
    assert_eq!(r["no elements"]["value"], 0);
}

#[test]
fn chromium_filters_by_kind_on_the_search_page() {
    let (_site, out) = fixture_site();
    let r = scenario(
        &out,
        json!([
            {"goto": "search/?q=エンジニア"},
            {"report": "all kinds"},
            {"open": ".search-filters summary"},
            {"counts": "kind"},
            {"check": {"name": "kind", "value": "story"}},
            {"report": "stories"},
            {"counts": "kind"},
            {"check": {"name": "kind", "value": "report"}},
            {"report": "stories or reports"},
            {"clear": true},
            {"report": "filters without a query"},
            {"select": "並び順", "value": "newest"},
            {"report": "newest"},
            {"axe": "search page"}
        ]),
    );
    assert_eq!(urls(&r["all kinds"]), [PY, SAMIR, GO, SCHOOL, XSS]);
    assert_eq!(
        strings(&r["counts:kind"]["values"]),
        [
            "人材プロフィール (2)",
            "ストーリー (2)",
            "イベントレポート (1)",
            "ページ (0)"
        ],
        "counts of the last report: an \"any\" facet counts what each value would add"
    );
    assert_eq!(urls(&r["stories"]), [SAMIR, XSS]);
    assert_eq!(r["stories"]["search"], "?q=エンジニア&kind=story");
    assert_eq!(urls(&r["stories or reports"]), [SAMIR, SCHOOL, XSS]);
    // filters work without a text query: every story and report, newest first
    assert_eq!(
        urls(&r["filters without a query"]),
        [XSS, SAMIR, KITCHEN, SCHOOL]
    );
    assert_eq!(urls(&r["newest"]), [XSS, SAMIR, KITCHEN, SCHOOL]);
    assert_eq!(r["newest"]["search"], "?sort=newest&kind=story&kind=report");
    assert_eq!(r["axe:search page"]["violations"], json!([]));
}

#[test]
fn chromium_browses_the_talent_directory_with_facets() {
    let (_site, out) = fixture_site();
    let r = scenario(
        &out,
        json!([
            {"goto": "talents/"},
            {"report": "directory"},
            {"more": true},
            {"report": "all"},
            {"counts": "region"},
            {"options": "日本語"},
            {"check": {"name": "skill", "value": "python"}},
            {"report": "python"},
            {"check": {"name": "skill", "value": "python"}},
            {"select": "日本語", "value": "N2"},
            {"report": "N2 or better"},
            {"select": "就業可能時期", "value": "2026-09"},
            {"report": "available by September"},
            {"select": "就業可能時期", "value": "2026-06"},
            {"report": "available now"},
            {"options": "就業可能時期"},
            {"select": "並び順", "value": "availability"},
            {"report": "by availability"},
            {"check": {"name": "remote", "value": "yes"}},
            {"report": "remote"},
            {"reload": true},
            {"report": "reloaded"},
            {"goto": "talents/"},
            {"check": {"name": "region", "value": "大阪府"}},
            {"report": "osaka"},
            {"counts": "region"},
            {"check": {"name": "region", "value": "東京都"}},
            {"report": "osaka or tokyo"},
            {"select": "英語", "value": "C1"},
            {"report": "english C1"},
            {"goto": "talents/?type=contract"},
            {"report": "contract"},
            {"type": "kubernetes", "into": ".search-toolbar input[type=search]"},
            {"report": "text in the directory"},
            {"clear": true, "into": ".search-toolbar input[type=search]"},
            {"type": "料理", "into": ".search-toolbar input[type=search]"},
            {"report": "text excludes by filter"},
            {"clear": true, "into": ".search-toolbar input[type=search]"},
            {"type": "・！", "into": ".search-toolbar input[type=search]"},
            {"report": "nothing searchable"},
            {"axe": "directory"}
        ]),
    );
    // newest review first, three per page like the static pages, and the static list hidden
    assert_eq!(urls(&r["directory"]), [PY, GO, DESIGN]);
    assert_eq!(r["directory"]["status"], "5人");
    assert_eq!(r["directory"]["more"], true);
    assert_eq!(r["directory"]["staticVisible"], false);
    assert_eq!(urls(&r["all"]), [PY, GO, DESIGN, NURSE, CHEF]);
    assert_eq!(
        strings(&r["counts:region"]["values"]),
        ["大阪府 (2)", "東京都 (2)", "リモート (1)", "神奈川県 (1)"]
    );
    assert_eq!(
        strings(&r["options:日本語"]["values"]),
        [
            "条件にしない",
            "話せる（レベル不問） (5)",
            "JLPT N1 (1)",
            "JLPT N2以上 (3)",
            "JLPT N3以上 (4)",
            "JLPT N4以上 (5)"
        ]
    );
    assert_eq!(urls(&r["python"]), [PY]);
    assert_eq!(r["python"]["search"], "?skill=python");
    // N1 and N2 pass "N2 or better", N3 and N4 do not
    assert_eq!(urls(&r["N2 or better"]), [PY, DESIGN, NURSE]);
    // t-go (September) is not N2; March and April have come by the build (June):
    // those three are available now, and the months start at June
    assert_eq!(urls(&r["available by September"]), [PY, DESIGN, NURSE]);
    assert_eq!(urls(&r["available now"]), [PY, DESIGN, NURSE]);
    assert_eq!(
        strings(&r["options:就業可能時期"]["values"]),
        [
            "指定なし",
            "今すぐ就業可能 (3)",
            "2026年9月までに就業可能 (3)"
        ],
        "counts ignore the month chosen, not the other filters; no month before the build's"
    );
    // everyone available now ranks alike: document order (newest review first)
    assert_eq!(urls(&r["by availability"]), [PY, DESIGN, NURSE]);
    assert_eq!(urls(&r["remote"]), [PY, DESIGN]);
    assert_eq!(
        r["remote"]["search"],
        "?sort=availability&remote=yes&lang=ja:N2&avail=2026-06"
    );
    // the URL is the whole state: a reload (or a bookmark) shows the same
    assert_eq!(urls(&r["reloaded"]), [PY, DESIGN]);
    assert_eq!(r["reloaded"]["search"], r["remote"]["search"]);
    // regions are "any of": counts say what checking another region adds
    // (t-chef writes 大阪 without its suffix: the same prefecture as t-go's 大阪府)
    assert_eq!(urls(&r["osaka"]), [GO, CHEF]);
    assert_eq!(
        strings(&r["counts:region"]["values"]),
        ["大阪府 (2)", "東京都 (2)", "リモート (1)", "神奈川県 (1)"]
    );
    assert_eq!(
        urls(&r["osaka or tokyo"]),
        [PY, GO, NURSE],
        "a page of three"
    );
    assert_eq!(
        r["osaka or tokyo"]["count"], 4,
        "…of four: t-chef is on the next"
    );
    // CEFR C1 or better: t-go (C1) — t-py is B2, t-design C2 is not in Osaka or Tokyo
    assert_eq!(urls(&r["english C1"]), [GO]);
    assert_eq!(urls(&r["contract"]), [GO]);
    assert_eq!(urls(&r["text in the directory"]), [GO]);
    assert_eq!(r["text excludes by filter"]["count"], 0);
    // only punctuation typed (t-go passes the contract filter): nobody, and said so
    assert_eq!(r["nothing searchable"]["count"], 0);
    assert_eq!(
        r["nothing searchable"]["status"],
        "該当するものは見つかりませんでした。"
    );
    assert_eq!(r["axe:directory"]["violations"], json!([]));
}

/// A shared or bookmarked link may name a value the site no longer has (a
/// skill nobody lists, a removed tag): it must not show everyone as if the
/// filter held. The value shows, checked, with a count of 0, and clears.
#[test]
fn chromium_links_to_values_the_site_lacks() {
    let (_site, out) = fixture_site();
    let r = scenario(
        &out,
        json!([
            {"goto": "talents/?skill=cobol"},
            {"report": "stale skill"},
            {"counts": "skill"},
            {"axe": "stale skill"},
            {"check": {"name": "skill", "value": "cobol"}},
            {"report": "cleared"},
            {"goto": "talents/?region=大阪府&region=火星"},
            {"report": "any of, one stale"},
            {"goto": "talents/?lang=xx:N2"},
            {"report": "stale language"},
            {"goto": "talents/?lang=ja:N9"},
            {"report": "stale level"},
            {"goto": "talents/?lang=ja:N5"},
            {"report": "a level nobody has exactly"},
            {"options": "日本語"},
            {"goto": "talents/?avail=2026-07"},
            {"report": "a month nobody starts in"},
            {"options": "就業可能時期"},
            {"goto": "talents/?avail=2026-06"},
            {"report": "available now"},
            {"goto": "talents/?avail=2026-04"},
            {"report": "a month already past"},
            {"goto": "search/?q=エンジニア&kind=nope"},
            {"report": "stale kind"},
            {"goto": "search/?tag=存在しない"},
            {"report": "stale tag"},
            {"eval": "document.querySelector('.search-filters summary').textContent", "label": "search page summary"},
            {"eval": "document.querySelectorAll('fieldset.facet-kind').length", "label": "kind fieldsets"},
            {"goto": "search/?kind=ストーリー"},
            {"report": "a kind by its label"},
            {"goto": "talents/?lang=ja:any"},
            {"report": "any level, as the build writes it"},
            {"goto": "talents/?lang=ja&lang=ja:N2"},
            {"report": "two levels for one language"},
            {"eval": "document.querySelector('.facet-panel summary').textContent", "label": "one language, one filter"},
            {"goto": "search/?q=python&skill=cobol&avail=2026-04"},
            {"report": "directory filters on the search page"},
            {"goto": "talents/?kind=story"},
            {"report": "a search filter in the directory"}
        ]),
    );
    let none = "該当するものは見つかりませんでした。";
    assert_eq!(r["stale skill"]["count"], 0);
    assert_eq!(r["stale skill"]["status"], none);
    assert_eq!(
        r["stale skill"]["search"], "?skill=cobol",
        "the link is kept"
    );
    assert_eq!(
        strings(&r["counts:skill"]["values"])[0],
        "cobol (0)",
        "shown first, so the reader sees why"
    );
    assert_eq!(r["axe:stale skill"]["violations"], json!([]));
    assert_eq!(urls(&r["cleared"]), [PY, GO, DESIGN]);
    assert_eq!(r["cleared"]["count"], 5);
    assert_eq!(r["cleared"]["search"], "");
    // regions are "any of": the stale one adds nobody, the other still filters
    assert_eq!(urls(&r["any of, one stale"]), [GO, CHEF]);
    for k in ["stale language", "stale level", "stale kind", "stale tag"] {
        assert_eq!(r[k]["count"], 0, "{k}");
        assert_eq!(r[k]["status"], none, "{k}");
    }
    assert_eq!(
        r["search page summary"]["value"], "絞り込み (1)",
        "the search page's filter panel counts them too"
    );
    assert_eq!(
        r["kind fieldsets"]["value"], 1,
        "the open panel's first load builds its filters once"
    );
    // a value named by its label is that value, and the URL says so
    assert_eq!(urls(&r["a kind by its label"]), [XSS, SAMIR, KITCHEN]);
    assert_eq!(r["a kind by its label"]["search"], "?kind=story");
    assert_eq!(r["any level, as the build writes it"]["count"], 5);
    assert_eq!(r["any level, as the build writes it"]["search"], "?lang=ja");
    // one requirement per language, the last the link gives
    assert_eq!(r["two levels for one language"]["search"], "?lang=ja:N2");
    assert_eq!(
        urls(&r["two levels for one language"]),
        [PY, DESIGN, NURSE],
        "N2 or better"
    );
    assert_eq!(r["one language, one filter"]["value"], "絞り込み (1)");
    // another page's filters are dropped from the state and the URL, not kept as if they held
    assert_eq!(
        urls(&r["directory filters on the search page"]),
        [PY, SAMIR]
    );
    assert_eq!(
        r["directory filters on the search page"]["search"],
        "?q=python"
    );
    assert_eq!(r["a search filter in the directory"]["count"], 5);
    assert_eq!(r["a search filter in the directory"]["search"], "");
    // N5 is a JLPT level: every talent with N4 or better passes, and the select shows it
    assert_eq!(r["a level nobody has exactly"]["count"], 5);
    assert!(
        strings(&r["options:日本語"]["values"]).contains(&"JLPT N5以上 (5)".to_string()),
        "{:?}",
        r["options:日本語"]
    );
    assert_eq!(
        urls(&r["a month nobody starts in"]),
        urls(&r["available now"]),
        "nobody starts in July"
    );
    assert_eq!(urls(&r["available now"]), [PY, DESIGN, NURSE]);
    assert_eq!(
        strings(&r["options:就業可能時期"]["values"]),
        [
            "指定なし",
            "今すぐ就業可能 (3)",
            "2026年7月までに就業可能 (3)",
            "2026年9月までに就業可能 (4)"
        ]
    );
    // an old link's month has passed by the build: it means "now", and the URL says so
    assert_eq!(urls(&r["a month already past"]), [PY, DESIGN, NURSE]);
    assert_eq!(r["a month already past"]["search"], "?avail=2026-06");
}

/// On a phone the directory's filters would come before the results, a
/// screen or more of checkboxes: they are folded under one summary that
/// counts the filters in force, and open beside the results when wide.
#[test]
fn chromium_folds_the_directory_filters_on_a_phone() {
    let (_site, out) = fixture_site();
    let panel = "(() => { const d = document.querySelector('details.facet-panel'); const i = document.querySelector('.search-toolbar input[type=search]'); return { open: d.open, summary: d.querySelector('summary').textContent, summaryShown: d.querySelector('summary').getClientRects().length > 0, inputTop: Math.round(i.getBoundingClientRect().top) }; })()";
    let r = scenario(
        &out,
        json!([
            {"viewport": [390, 844]},
            {"goto": "talents/?region=大阪府"},
            {"eval": panel, "label": "phone"},
            {"report": "phone results"},
            {"eval": "document.querySelector('details.facet-panel summary').click()", "label": "tap"},
            {"check": {"name": "region", "value": "東京都"}},
            {"eval": panel, "label": "phone, opened"},
            {"axe": "phone"},
            {"viewport": [1280, 900]},
            {"goto": "talents/"},
            {"eval": panel, "label": "wide"}
        ]),
    );
    let phone = &r["phone"]["value"];
    assert_eq!(phone["open"], false, "{phone}");
    assert_eq!(
        phone["summary"], "絞り込み (1)",
        "the filter in force is counted"
    );
    assert!(
        phone["inputTop"].as_i64().is_some_and(|y| y < 844),
        "the keyword box is on the first screen: {phone}"
    );
    assert_eq!(
        urls(&r["phone results"]),
        [GO, CHEF],
        "filtered all the same"
    );
    let opened = &r["phone, opened"]["value"];
    assert_eq!(opened["open"], true);
    assert_eq!(opened["summary"], "絞り込み (2)");
    assert_eq!(r["axe:phone"]["violations"], json!([]));
    let wide = &r["wide"]["value"];
    assert_eq!(wide["open"], true, "{wide}");
    assert_eq!(wide["summaryShown"], false, "beside the results, no fold");
    assert_eq!(wide["summary"], "絞り込み");
}

/// What a phone shows of the directory's filters: the panel, whether the
/// page itself may scroll, every box that scrolls inside the page, every
/// filter control smaller than 44×44 px (a checkbox counts with its label),
/// the sticky "show" button and the result count.
const SHEET: &str = r#"(() => {
  const d = document.querySelector('details.facet-panel');
  const root = document.querySelector('[data-search-index]');
  const box = e => { const r = e.getBoundingClientRect(); return { top: Math.round(r.top), bottom: Math.round(r.bottom), width: Math.round(r.width), height: Math.round(r.height) }; };
  const inView = e => { const r = e.getBoundingClientRect(); return e.checkVisibility() && r.top >= 0 && r.bottom <= innerHeight && r.left >= 0 && r.right <= innerWidth; };
  const controls = [...d.querySelectorAll('input, select, summary, button')].filter(e => e.checkVisibility());
  const small = controls.map(e => ({ e, t: e.type === 'checkbox' ? e.closest('label') : e }))
    .map(({ e, t }) => ({ name: e.name || e.tagName, value: e.value || t.textContent.trim(), ...box(t) }))
    .filter(b => b.width < 44 || b.height < 44);
  const scrollers = [...document.querySelectorAll('body *')].filter(e => e !== d && e.checkVisibility()
    && /(auto|scroll)/.test(getComputedStyle(e).overflowY) && e.scrollHeight > e.clientHeight).map(e => e.className || e.tagName);
  const show = d.querySelector('.facet-show');
  const status = root.querySelector('.search-status');
  return {
    open: d.open, controls: controls.length, small, scrollers,
    pageScrolls: getComputedStyle(document.documentElement).overflowY !== 'hidden',
    inert: ['.site-header', '.search-results-region', '.site-footer'].filter(s => document.querySelector(s).closest('[inert]')),
    summaryInView: inView(d.querySelector('summary')),
    show: show.checkVisibility() ? show.textContent : null, showInView: inView(show),
    status: status.textContent, statusInView: inView(status),
    count: Number(root.dataset.count), search: decodeURIComponent(location.search),
  };
})()"#;

/// On a phone (390×844) the directory's filters are a sheet: a button opens
/// it, every filter control is a target of at least 44×44 px, nothing
/// scrolls inside the page but the sheet itself, and a sticky button says
/// how many people the filters leave, live, and closes the sheet onto the
/// results. In Japanese and English, on the example site; wide screens keep
/// the panel beside the results, and the URL keeps the filters.
#[test]
fn chromium_filters_are_a_sheet_with_big_targets_on_a_phone() {
    let out = built_example();
    let site = out.path().join("site");
    for (lang, prefix, show_word) in [("ja", "", "人を表示"), ("en", "en/", "Show ")] {
        let r = scenario_at(
            &site,
            "/",
            json!([
                {"viewport": [390, 844]},
                {"goto": format!("{prefix}talents/")},
                {"eval": SHEET, "label": "closed"},
                {"tap": "details.facet-panel summary"},
                {"eval": SHEET, "label": "open"},
                {"check": {"name": "region", "value": "東京都"}},
                {"eval": SHEET, "label": "ticked"},
                {"axe": "sheet"},
                {"tap": ".facet-show"},
                {"eval": SHEET, "label": "shown"},
                {"reload": true},
                {"eval": SHEET, "label": "reloaded"},
                {"viewport": [1280, 900]},
                {"goto": format!("{prefix}talents/?region=東京都")},
                {"eval": SHEET, "label": "wide"},
                {"axe": "wide"}
            ]),
        );
        let v = |k: &str| &r[k]["value"];
        let closed = v("closed");
        assert_eq!(closed["open"], false, "{lang}: {closed}");
        assert_eq!(closed["summaryInView"], true, "{lang}: {closed}");
        assert_eq!(closed["small"], json!([]), "{lang}: {closed}");
        let open = v("open");
        assert_eq!(open["open"], true, "{lang}: {open}");
        assert!(
            open["controls"].as_u64().is_some_and(|n| n > 10),
            "{lang}: {open}"
        );
        assert_eq!(
            open["small"],
            json!([]),
            "{lang}: targets under 44×44 px: {open}"
        );
        assert_eq!(
            open["scrollers"],
            json!([]),
            "{lang}: boxes scroll inside the sheet: {open}"
        );
        assert_eq!(
            open["pageScrolls"], false,
            "{lang}: the page scrolls under the sheet"
        );
        assert_eq!(
            open["inert"],
            json!([".site-header", ".search-results-region", ".site-footer"]),
            "{lang}: the page under the sheet is inert"
        );
        let ticked = v("ticked");
        let n = ticked["count"].as_u64().expect("count");
        assert!(
            n > 0 && n < open["count"].as_u64().unwrap_or(0),
            "{lang}: {ticked}"
        );
        assert_eq!(
            ticked["showInView"], true,
            "{lang}: the count is out of sight: {ticked}"
        );
        let show = ticked["show"].as_str().unwrap_or_default();
        assert!(
            show.contains(&n.to_string()) && show.contains(show_word),
            "{lang}: {ticked}"
        );
        assert_eq!(ticked["search"], "?region=東京都", "{lang}: {ticked}");
        assert_eq!(r["axe:sheet"]["violations"], json!([]), "{lang}");
        let shown = v("shown");
        assert_eq!(shown["open"], false, "{lang}: {shown}");
        assert_eq!(shown["pageScrolls"], true, "{lang}: {shown}");
        assert_eq!(shown["inert"], json!([]), "{lang}: {shown}");
        assert_eq!(
            shown["statusInView"], true,
            "{lang}: results out of sight: {shown}"
        );
        assert!(
            shown["status"]
                .as_str()
                .unwrap_or_default()
                .contains(&n.to_string()),
            "{lang}: {shown}"
        );
        let reloaded = v("reloaded");
        assert_eq!(
            reloaded["count"], n,
            "{lang}: the URL keeps the filter: {reloaded}"
        );
        let wide = v("wide");
        assert_eq!(wide["open"], true, "{lang}: {wide}");
        assert_eq!(
            wide["show"],
            Value::Null,
            "{lang}: no sheet button when wide: {wide}"
        );
        assert_eq!(wide["count"], n, "{lang}: {wide}");
        assert_eq!(wide["pageScrolls"], true, "{lang}: {wide}");
        assert_eq!(wide["inert"], json!([]), "{lang}: {wide}");
        assert_eq!(r["axe:wide"]["violations"], json!([]), "{lang}");
    }
}

/// The shortlist: ☆ on a directory card and on a profile save two profile
/// numbers in localStorage; they survive a reload; the directory shows them
/// side by side with skills and facts and one enquiry link naming both.
/// After a rebuild in which one person withdrew consent, the next visit
/// drops that number with a visible note, and the visit after shows no
/// note. The shortlist's link follows the same contact_url template as a
/// profile's (a mailto: template gives the profile's own link, byte for
/// byte). Without JavaScript there is no ☆.
#[test]
fn chromium_keeps_a_shortlist_and_drops_the_withdrawn() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let first = tmp.path().join("first");
    build_into(&repo(), &first);
    // no JavaScript, no ☆: the slot on a profile is hidden and empty
    let profile =
        std::fs::read_to_string(first.join("talents/t-2026-004/index.html")).expect("profile");
    assert!(
        profile.contains(r#"data-shortlist-id="t-2026-004""#) && profile.contains("hidden></div>")
    );
    for page in ["talents/index.html", "talents/t-2026-004/index.html"] {
        let html = std::fs::read_to_string(first.join(page)).expect("page");
        assert!(
            !html.contains('☆') && !html.contains("shortlist-star"),
            "{page}"
        );
    }
    let r = scenario_at(
        &first,
        "/",
        json!([
            {"viewport": [1280, 900]},
            {"goto": "talents/"},
            {"shortlist": "empty"},
            {"tap": ".search-results .shortlist-star[data-shortlist-id=\"t-2026-001\"]"},
            {"goto": "talents/t-2026-004/"},
            {"tap": ".shortlist-slot .shortlist-star"},
            {"shortlist": "profile"},
            {"axe": "profile"},
            {"goto": "talents/"},
            {"reload": true},
            {"shortlist": "reloaded"},
            {"axe": "shortlist"}
        ]),
    );
    let empty = &r["empty"];
    assert_eq!(empty["shown"], false, "{empty}");
    assert!(
        empty["stars"].as_u64().is_some_and(|n| n >= 10),
        "a ☆ on every card: {empty}"
    );
    assert_eq!(
        r["profile"]["pressed"],
        json!(["t-2026-004"]),
        "{}",
        r["profile"]
    );
    assert_eq!(r["axe:profile"]["violations"], json!([]));
    let saved = &r["reloaded"];
    assert_eq!(saved["stored"], r#"["t-2026-001","t-2026-004"]"#, "{saved}");
    assert_eq!(
        saved["cards"],
        json!(["/talents/t-2026-001/", "/talents/t-2026-004/"]),
        "{saved}"
    );
    assert_eq!(saved["heading"], "候補リスト（2人）");
    for k in ["skills", "facts"] {
        let v = saved[k].as_array().expect(k);
        assert!(
            v.len() == 2 && v.iter().all(|n| n.as_u64() > Some(0)),
            "{k}: {saved}"
        );
    }
    assert_eq!(
        saved["enquire"]["href"], "https://tsunagi.example/contact/?talent=t-2026-001,t-2026-004",
        "{saved}"
    );
    let label = saved["enquire"]["text"].as_str().unwrap_or_default();
    assert!(
        label.contains("t-2026-001") && label.contains("t-2026-004"),
        "{label}"
    );
    // pressed on the results' cards and the shortlist's
    let pressed: BTreeSet<&str> = saved["pressed"]
        .as_array()
        .expect("pressed")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(
        pressed,
        BTreeSet::from(["t-2026-001", "t-2026-004"]),
        "{saved}"
    );
    assert_eq!(saved["note"], Value::Null);
    assert_eq!(r["axe:shortlist"]["violations"], json!([]));

    // a rebuild: t-2026-004 withdrew consent; enquiries go by mail now
    let root = tmp.path().join("site");
    for d in ["content", "i18n", "themes"] {
        copy_dir(&repo().join(d), &root.join(d));
    }
    let yaml = std::fs::read_to_string(repo().join("site.yaml")).expect("site.yaml");
    let yaml = yaml.replace(
        "contact_url: \"https://tsunagi.example/contact/\"",
        "contact_url: \"mailto:info@tsunagi.example\"",
    );
    assert!(yaml.contains("mailto:"), "the example's contact_url moved");
    std::fs::write(root.join("site.yaml"), yaml).expect("site.yaml");
    let t4 = root.join("content/talents/t-2026-004.md");
    let md = std::fs::read_to_string(&t4).expect("t-2026-004");
    assert!(md.contains("withdrawn: null"));
    std::fs::write(&t4, md.replace("withdrawn: null", "withdrawn: 2026-11-20")).expect("write");
    let second = tmp.path().join("second");
    build_into(&root, &second);
    assert!(
        !second.join("talents/t-2026-004").exists(),
        "withdrawn, unpublished"
    );
    let stored = saved["stored"].as_str().expect("stored").to_string();
    let r = scenario_at(
        &second,
        "/",
        json!([
            {"viewport": [390, 844]},
            {"goto": "talents/"},
            {"store": stored},
            {"reload": true},
            {"shortlist": "next visit"},
            {"axe": "dropped"},
            {"reload": true},
            {"shortlist": "visit after"}
        ]),
    );
    let next = &r["next visit"];
    assert_eq!(next["cards"], json!(["/talents/t-2026-001/"]), "{next}");
    assert_eq!(next["stored"], r#"["t-2026-001"]"#, "{next}");
    let note = next["note"].as_str().unwrap_or_default();
    assert!(note.contains("t-2026-004"), "a visible note: {next}");
    assert_eq!(r["axe:dropped"]["violations"], json!([]));
    // the same link a profile's enquiry button has, from the same template
    let p1 =
        std::fs::read_to_string(second.join("talents/t-2026-001/index.html")).expect("profile");
    let button = p1
        .split("id=\"enquire\" class=\"button\" href=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("enquiry button")
        .replace("&amp;", "&");
    assert!(
        button.starts_with("mailto:info@tsunagi.example?subject="),
        "{button}"
    );
    assert_eq!(next["enquire"]["href"], button.as_str(), "{next}");
    let after = &r["visit after"];
    assert_eq!(after["note"], Value::Null, "{after}");
    assert_eq!(after["cards"], json!(["/talents/t-2026-001/"]), "{after}");
}

#[test]
fn chromium_results_are_keyboard_accessible() {
    let (_site, out) = fixture_site();
    let r = scenario(
        &out,
        json!([
            {"goto": "search/"},
            {"type": "エンジニア"},
            {"press": "ArrowDown"},
            {"focus": "first"},
            {"press": "ArrowDown"},
            {"focus": "second"},
            {"press": "ArrowUp"},
            {"press": "ArrowUp"},
            {"focus": "back"},
            {"press": "Escape"},
            {"eval": "document.querySelector('#q').value", "label": "cleared"},
            {"eval": "document.querySelector('.search-status').getAttribute('role')", "label": "live"},
            {"goto": "talents/"},
            {"more": true},
            {"focus": "after more"}
        ]),
    );
    assert_eq!(r["focus:first"]["tag"], "A");
    assert_eq!(r["focus:first"]["text"], "サミールさん");
    assert_eq!(
        r["focus:second"]["text"],
        "Meet refugee talents #1: サミールさん"
    );
    assert_eq!(r["focus:back"]["id"], "q");
    assert_eq!(r["cleared"]["value"], "");
    assert_eq!(r["live"]["value"], "status");
    assert_eq!(
        r["focus:after more"]["text"], "ファティマさん",
        "focus moves to the first new result"
    );
}

// ------------------------------------------------------------------ the client mirrors Rust

#[test]
fn the_browser_tokenises_and_hashes_exactly_as_rust() {
    let samples = [
        "日本語を勉強しています",
        "ソフトウェア・エンジニア「現場」",
        "ｿﾌﾄｳｪｱ ｶﾞｲﾄﾞ ﾊﾟｿｺﾝ",
        "ＡＢＣ　Ｎ２ ＰＹＴＨＯＮ３",
        "Python3年 ITサポート担当 Go言語とRustで開発 2026年4月",
        "C++とC#とF# a+b c# #tag Notepad++.",
        "料理🍜が好き👩‍🍳です ★Python★",
        "Ελληνικά Русский می\u{200c}خواهم हिन्दी 한국어 공부",
        "Cafe\u{301} か\u{3099} ① ㈱ \u{F900}",
        "JLPT N2、CEFR B2。UI/UX",
        "ÉCOLE Über ΟΔΟΣ ΣΟΦΙΑ “Quote” — Ⅳ… İstanbul",
    ];
    let (_site, out) = fixture_site();
    let (js, t) = node_json_lines(
        "search-tokens.mjs",
        &out.join("search.js").to_string_lossy(),
        &serde_json::to_string(&samples).expect("json"),
        "TOKENS ",
    );
    assert_eq!(js.len(), samples.len(), "{t}");
    for (s, js) in samples.iter().zip(js) {
        let norm = tokenize::normalize(s);
        let rust: Vec<Value> = tokenize::tokens(&norm)
            .into_iter()
            .map(|tok| match tok {
                Token::Word(w) => json!(["w", w, tokenize::hash(w), tokenize::word_key(w)]),
                Token::Cjk(r) => json!(["j", r, tokenize::hash(r), r]),
            })
            .collect();
        assert_eq!(Value::Array(rust), js, "{s}");
    }
}
