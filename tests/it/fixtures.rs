//! Fixture sites under `tests/fixtures/sites/`, built and compared with the
//! expected trees under `tests/fixtures/expected/` (TSUNAGI_BLESS=1 rewrites
//! them), plus targeted assertions so a behaviour is not proven by a
//! snapshot alone.

use crate::browser::search_queries;
use crate::harness::*;

const TODAY: &str = "2026-06-01";

fn built(name: &str) -> (TempSite, std::collections::BTreeMap<String, Vec<u8>>) {
    let site = TempSite::from_fixture(&format!("sites/{name}"));
    site.build(TODAY, &[]);
    let tree = read_tree(&site.public());
    (site, tree)
}

fn page(tree: &std::collections::BTreeMap<String, Vec<u8>>, path: &str) -> String {
    String::from_utf8(
        tree.get(path)
            .unwrap_or_else(|| panic!("no {path} in output"))
            .clone(),
    )
    .expect("utf-8")
}

#[test]
fn basic_matches_expected_tree() {
    let (_site, tree) = built("basic");
    assert_tree(&tree, &fixture("expected/basic"));
}

#[test]
fn basic_is_byte_identical_from_run_to_run() {
    let (_a, first) = built("basic");
    let (_b, second) = built("basic");
    assert_eq!(first, second);
}

#[test]
fn basic_links_live_under_the_base_path() {
    let (_site, tree) = built("basic");
    let home = page(&tree, "index.html");
    assert!(
        home.contains("href=\"/jobs/contact/\""),
        "root-relative Markdown link gets the base path"
    );
    assert!(home.contains("href=\"/jobs/style.css\""));
    let story = page(&tree, "stories/meet-amir/index.html");
    assert!(
        story.contains("href=\"/jobs/talents/t-a/#%E8%81%B7%E5%8B%99%E8%A6%81%E7%B4%84\""),
        "@/ link with a Japanese anchor:\n{story}"
    );
}

#[test]
fn basic_terms_merge_spellings_and_keep_japanese() {
    let (_site, tree) = built("basic");
    assert!(tree.contains_key("skills/ui-ux/index.html"));
    let uiux = page(&tree, "skills/ui-ux/index.html");
    assert!(
        uiux.contains("<h1>UI/UX</h1>"),
        "listed under the first spelling"
    );
    assert!(
        uiux.contains("アミールさん") && uiux.contains("マリーさん"),
        "both spellings' talents"
    );
    assert!(tree.contains_key("tags/エンジニア/index.html"));
    assert!(tree.contains_key("tags/it/index.html"), "IT and it merge");
    assert!(tree.contains_key("skills/c-plus-plus/index.html"));
}

#[test]
fn basic_pagination_and_sections() {
    let (_site, tree) = built("basic");
    // three talents, two per page
    assert!(tree.contains_key("talents/index.html"));
    assert!(tree.contains_key("talents/page/2/index.html"));
    assert!(!tree.contains_key("talents/page/3/index.html"));
    let p1 = page(&tree, "talents/index.html");
    // newest review first: t-A (May), t-b (April); t-c (March) on page 2
    let a = p1.find("アミールさん").expect("t-A on page 1");
    let b = p1.find("マリーさん").expect("t-b on page 1");
    assert!(a < b);
    assert!(page(&tree, "talents/page/2/index.html").contains("ヨハネスさん"));
    assert!(
        p1.contains("rel=\"next\" ") || p1.contains("rel=\"next\">"),
        "link to page 2"
    );
}

#[test]
fn basic_reports_link_their_series_neighbours() {
    let (_site, tree) = built("basic");
    let s1 = page(&tree, "reports/s1/index.html");
    let s2 = page(&tree, "reports/s2/index.html");
    assert!(
        s1.contains("href=\"/jobs/reports/s2/\" rel=\"next\""),
        "{s1}"
    );
    assert!(s2.contains("href=\"/jobs/reports/s1/\" rel=\"prev\""));
    let series = page(&tree, "series/school/index.html");
    assert!(
        series.find("スクール 第1回").expect("s1") < series.find("スクール 第2回").expect("s2"),
        "sessions in order"
    );
    assert!(tree.contains_key("speakers/山田-花子/index.html"));
    assert!(tree.contains_key("organizations/example-org/index.html"));
}

/// A writer may write a job category's or a series' name where its key was
/// meant (`教育` for `education`): the same term, not a second one shown
/// under the same name.
#[test]
fn a_term_written_by_its_name_is_its_keys_term() {
    let site = TempSite::from_fixture("sites/basic");
    site.write(
        "i18n/ja.yaml",
        "job_category_names:\n  software-engineering: ソフトウェア開発\nseries_names:\n  school: NPOのためのITスクール\n",
    );
    site.replace(
        "content/talents/t-b.md",
        "status: seeking\n",
        "status: seeking\njob_categories: [ソフトウェア開発, software-engineering]\n",
    );
    site.replace(
        "content/reports/s2.md",
        "series: school\n",
        "series: NPOのためのITスクール\n",
    );
    site.build(TODAY, &[]);
    let tree = read_tree(&site.public());
    let terms: Vec<&String> = tree
        .keys()
        .filter(|k| k.starts_with("job-categories/") || k.starts_with("series/"))
        .collect();
    assert_eq!(
        terms,
        [
            "job-categories/index.html",
            "job-categories/software-engineering/index.html",
            "series/index.html",
            "series/school/index.html",
        ]
    );
    let se = page(&tree, "job-categories/software-engineering/index.html");
    assert!(se.contains("<h1>ソフトウェア開発</h1>"), "{se}");
    assert!(se.contains("アミールさん") && se.contains("マリーさん"));
    // the profile links its category once, though written twice
    let profile = page(&tree, "talents/t-b/index.html");
    assert_eq!(
        profile
            .matches("href=\"/jobs/job-categories/software-engineering/\"")
            .count(),
        1,
        "{profile}"
    );
    // one series: the sessions are neighbours
    let s2 = page(&tree, "reports/s2/index.html");
    assert!(
        s2.contains("href=\"/jobs/reports/s1/\" rel=\"prev\""),
        "{s2}"
    );
}

#[test]
fn basic_drafts_future_and_withheld_leave_no_trace() {
    let (_site, tree) = built("basic");
    for (path, bytes) in &tree {
        let s = String::from_utf8_lossy(bytes);
        for marker in [
            "下書き",
            "未来の記事",
            "撤回さん",
            "撤回のみのタグ",
            "C-A",
            "C-GONE",
            "中東",
        ] {
            assert!(!s.contains(marker), "{marker} found in {path}");
        }
    }
    assert!(!tree.contains_key("talents/t-gone/index.html"));
    let story = page(&tree, "stories/meet-amir/index.html");
    assert!(
        story.contains("<p>撤回された方へのリンクは文字だけになります。</p>"),
        "link to a withheld talent becomes text"
    );
}

#[test]
fn basic_drafts_flag_includes_drafts_and_future() {
    let site = TempSite::from_fixture("sites/basic");
    site.build(TODAY, &["--drafts"]);
    assert!(site.public().join("stories/draft/index.html").is_file());
    assert!(site.public().join("stories/future/index.html").is_file());
    assert!(
        !site.public().join("talents/t-gone/index.html").exists(),
        "--drafts never overrides consent"
    );
}

#[test]
fn basic_escapes_raw_html_and_strips_image_metadata() {
    let (_site, tree) = built("basic");
    let story = page(&tree, "stories/meet-amir/index.html");
    assert!(
        !story.contains("<script>alert"),
        "raw HTML in Markdown is escaped"
    );
    assert!(story.contains("&lt;script&gt;"));
    let png = tree
        .get("stories/kitchen/dish.png")
        .expect("bundle image published");
    assert!(
        tsunagi::assets::image_metadata(png).is_empty(),
        "re-encoded without its tEXt chunk"
    );
    let src = std::fs::read(fixture("sites/basic/content/stories/kitchen/dish.png"))
        .expect("fixture png");
    assert!(
        !tsunagi::assets::image_metadata(&src).is_empty(),
        "the fixture image does carry metadata"
    );
}

#[test]
fn basic_talent_pages_are_noindex_and_out_of_sitemap_and_feed() {
    let (_site, tree) = built("basic");
    let t = page(&tree, "talents/t-a/index.html");
    assert!(t.contains("<meta name=\"robots\" content=\"noindex, noarchive, noimageindex\">"));
    assert!(t.contains("30代"), "age_band is in scope");
    assert!(!t.contains("中東"), "origin_region is not in scope");
    let term = page(&tree, "skills/python/index.html");
    assert!(
        term.contains("noindex, noarchive, noimageindex"),
        "talent term pages are noindex"
    );
    let sitemap = page(&tree, "sitemap.xml");
    assert!(!sitemap.contains("/talents/"), "{sitemap}");
    assert!(!sitemap.contains("/skills/"));
    assert!(sitemap.contains("https://example.org/jobs/stories/meet-amir/"));
    let feed = page(&tree, "atom.xml");
    assert!(!feed.contains("<title>アミールさん</title>"));
    assert!(feed.contains("Meet refugee talents #1"));
    let robots = page(&tree, "robots.txt");
    assert!(
        !robots.contains("Disallow"),
        "crawlers must see the noindex"
    );
}

#[test]
fn bilingual_matches_expected_tree() {
    let (_site, tree) = built("bilingual");
    assert_tree(&tree, &fixture("expected/bilingual"));
}

#[test]
fn bilingual_translations_link_each_other_with_hreflang() {
    let (_site, tree) = built("bilingual");
    let ja = page(&tree, "stories/sara/index.html");
    let en = page(&tree, "en/stories/sara/index.html");
    for html in [&ja, &en] {
        assert!(html.contains("<link rel=\"alternate\" hreflang=\"ja\" href=\"https://bilingual.example/stories/sara/\">"));
        assert!(html.contains("<link rel=\"alternate\" hreflang=\"en\" href=\"https://bilingual.example/en/stories/sara/\">"));
        assert!(html.contains("<link rel=\"alternate\" hreflang=\"x-default\" href=\"https://bilingual.example/stories/sara/\">"));
    }
    assert!(ja.contains("<html lang=\"ja\">") && en.contains("<html lang=\"en\">"));
    assert!(
        ja.contains("<a href=\"/en/stories/sara/\" hreflang=\"en\" lang=\"en\">English</a>"),
        "language switcher"
    );
    // the English story links the English profile
    assert!(
        en.contains("href=\"/en/talents/t-1/\">Her profile</a>"),
        "{en}"
    );
}

#[test]
fn bilingual_missing_translation_says_so() {
    let (_site, tree) = built("bilingual");
    assert!(!tree.contains_key("en/stories/only-ja/index.html"));
    let ja = page(&tree, "stories/only-ja/index.html");
    assert!(
        !ja.contains("hreflang=\"en\" href="),
        "no hreflang to a page that does not exist"
    );
    assert!(ja.contains("<a href=\"/en/\" hreflang=\"en\"><span lang=\"en\">English</span><span class=\"no-translation\">（この記事は未翻訳・トップページへ）</span></a>"), "{ja}");
    // a term only Japanese pages use has no English page, and its Japanese
    // page does not pretend it has
    assert!(tree.contains_key("tags/日本語だけ/index.html"));
    assert!(!tree.contains_key("en/tags/日本語だけ/index.html"));
    let term = page(&tree, "tags/日本語だけ/index.html");
    assert!(!term.contains("hreflang=\"en\" href="), "{term}");
    assert!(term.contains("<a href=\"/en/\" hreflang=\"en\"><span lang=\"en\">English</span>"));
    // English lists hold English pages only
    let en_list = page(&tree, "en/stories/index.html");
    assert!(
        en_list.contains("Sara&#x27;s new start")
            || en_list.contains("Sara's new start")
            || en_list.contains("Sara&#39;s new start"),
        "{en_list}"
    );
    assert!(!en_list.contains("日本語だけの記事"));
}

#[test]
fn bilingual_dates_follow_the_reader() {
    let (_site, tree) = built("bilingual");
    assert!(page(&tree, "stories/sara/index.html").contains("2026年3月8日(日)"));
    assert!(page(&tree, "en/stories/sara/index.html").contains("8 March 2026"));
    // profiles show year and month only
    let ja = page(&tree, "talents/t-1/index.html");
    assert!(
        ja.contains("<time datetime=\"2026-03\">2026年3月</time>"),
        "{ja}"
    );
    assert!(
        !ja.contains("2026-03-08\">"),
        "no day of the profile's own dates"
    );
    assert!(page(&tree, "en/talents/t-1/index.html").contains("March 2026</time>"));
    assert!(
        ja.contains("日本語</a> <span class=\"level\">N1</span>"),
        "language names and levels in the reader's language"
    );
    assert!(
        page(&tree, "en/talents/t-1/index.html")
            .contains("English</a> <span class=\"level\">CEFR C1</span>")
    );
}

#[test]
fn bilingual_talent_text_translations() {
    let (_site, tree) = built("bilingual");
    let en = page(&tree, "en/talents/t-1/index.html");
    assert!(
        en.contains("<h1>Sara</h1>")
            && en.contains("Accountant (bookkeeping, Excel)")
            && en.contains("Seven years of accounting")
    );
    assert!(!en.contains("available in Japanese only"));
    let ja = page(&tree, "talents/t-1/index.html");
    assert!(
        ja.contains("<h1>サラさん</h1>")
            && ja.contains("経理スタッフ")
            && ja.contains("銀行で七年間")
    );
    // no translation file: the English page shows the Japanese text, marked as such
    let en2 = page(&tree, "en/talents/t-2/index.html");
    assert!(en2.contains("This text is available in Japanese only."));
    assert!(en2.contains("<div class=\"prose\" lang=\"ja\">"));
}

/// Regions are prefectures in kanji in the front matter; English pages show
/// their English names, joined the English way, and a prefecture written
/// without its suffix (神奈川) is the prefecture.
#[test]
fn bilingual_regions_read_in_the_readers_language() {
    let (site, tree) = built("bilingual");
    let en = page(&tree, "en/talents/t-1/index.html");
    assert!(
        en.contains("<dt>Preferred locations</dt><dd>Tokyo, Kanagawa</dd>"),
        "{en}"
    );
    let ja = page(&tree, "talents/t-1/index.html");
    assert!(
        ja.contains("<dt>希望勤務地</dt><dd>東京都、神奈川県</dd>"),
        "{ja}"
    );
    let cards = page(&tree, "en/talents/index.html");
    assert!(cards.contains("<dd>Tokyo, Kanagawa</dd>"), "{cards}");
    // the English index shows and finds them in English, the Japanese one in Japanese
    let queries = ["kanagawa", "神奈川県"];
    let en_q = search_queries(&site.public(), "/", "en/search-index/", &queries);
    assert_eq!(en_q["kanagawa"], ["/en/talents/t-1/"]);
    assert_eq!(en_q["神奈川県"], ["/en/talents/t-1/"], "as written too");
    let ja_q = search_queries(&site.public(), "/", "search-index/", &queries);
    assert_eq!(ja_q["神奈川県"], ["/talents/t-1/"]);
}

#[test]
fn bilingual_i18n_overrides_feeds_and_sitemaps() {
    let (_site, tree) = built("bilingual");
    assert!(
        page(&tree, "en/index.html").contains(">Meet the candidates</a>"),
        "site i18n override"
    );
    assert!(
        page(&tree, "index.html").contains(">人材を探す</a>"),
        "theme string where not overridden"
    );
    assert!(page(&tree, "en/atom.xml").contains("<title>Sara&apos;s new start</title>"));
    assert!(!page(&tree, "atom.xml").contains("Sara&apos;s new start"));
    let index = page(&tree, "sitemap.xml");
    assert!(
        index.contains("<sitemapindex")
            && index.contains("https://bilingual.example/sitemap-en.xml")
    );
    assert!(page(&tree, "sitemap-en.xml").contains("https://bilingual.example/en/stories/sara/"));
    assert!(!page(&tree, "sitemap-en.xml").contains("https://bilingual.example/stories/sara/"));
}

#[test]
fn bilingual_translation_of_a_withheld_story_is_withheld() {
    let (_site, tree) = built("bilingual");
    for (path, bytes) in &tree {
        assert!(
            !String::from_utf8_lossy(bytes).contains("WITHHELD-TRANSLATION"),
            "{path}"
        );
    }
}

#[test]
fn structured_data_for_stories_reports_and_the_organisation() {
    let (_site, tree) = built("bilingual");
    let json_of = |path: &str| -> serde_json::Value {
        let html = page(&tree, path);
        let start = html
            .find("<script type=\"application/ld+json\">")
            .unwrap_or_else(|| panic!("{path}: no JSON-LD"))
            + 35;
        let end = start + html[start..].find("</script>").expect("closed");
        serde_json::from_str(&html[start..end]).expect("valid JSON")
    };
    let story = json_of("stories/sara/index.html");
    assert_eq!(story["@type"], "Article");
    assert_eq!(story["datePublished"], "2026-03-08T09:30:00+09:00");
    let report = json_of("reports/s1/index.html");
    assert_eq!(report["@type"], "Event");
    assert_eq!(report["superEvent"]["@type"], "EventSeries");
    assert_eq!(
        report["superEvent"]["url"],
        "https://bilingual.example/series/school/"
    );
    assert_eq!(json_of("index.html")["@type"], "Organization");
    let story_html = page(&tree, "stories/sara/index.html");
    assert!(story_html.contains("<meta property=\"og:type\" content=\"article\">"));
    assert!(story_html.contains("<meta name=\"twitter:card\" content=\"summary\">"));
    for (path, bytes) in tree.iter().filter(|(p, _)| p.contains("talents/")) {
        let html = String::from_utf8_lossy(bytes);
        assert!(
            !html.contains("application/ld+json") && !html.contains("og:"),
            "{path}: talent pages carry no structured data"
        );
    }
}

#[test]
fn long_lists_link_the_first_last_and_nearby_pages() {
    let site = TempSite::from_fixture("broken/_base");
    site.write(
        "site.yaml",
        "title: many\nbase_url: https://many.example/\npaginate: 2\n",
    );
    for i in 0..30 {
        site.write(
            &format!("content/stories/s{i:02}.md"),
            format!(
                "---\ntitle: Story {i}\ndate: 2026-01-{:02}\ntags: [many]\n---\n\nText {i}.\n",
                1 + i % 28
            ),
        );
    }
    site.build(TODAY, &[]);
    let p8 = site.read("public/stories/page/8/index.html");
    let shown: Vec<&str> = p8
        .split("<li>")
        .skip(1)
        .filter_map(|li| li.split('>').nth(1).and_then(|t| t.split('<').next()))
        .filter(|t| t.chars().all(|c| c.is_ascii_digit()) && !t.is_empty())
        .collect();
    assert_eq!(shown, ["1", "6", "7", "8", "9", "10", "16"], "{p8}");
    assert_eq!(p8.matches("class=\"gap\"").count(), 2);
}

/// A session dated in the future is published only when announced; the
/// home page lists it under upcoming events (marked, soonest first) until
/// its day, then among the latest reports.
#[test]
fn announced_sessions_are_upcoming_until_their_day() {
    let site = TempSite::from_fixture("broken/_base");
    let session = |n: u32, date: &str, announce: bool| {
        format!(
            "---\ntitle: 第{n}回 ご案内\ndate: {date}\nseries: school\nnumber: {n}\nannounce: {announce}\n---\n\n第{n}回の会場は追ってお知らせします。\n"
        )
    };
    site.write("content/reports/r-2.md", session(2, "2026-07-01", true));
    site.write("content/reports/r-3.md", session(3, "2026-08-01", true));
    site.write("content/reports/r-4.md", session(4, "2026-09-01", false));
    site.build("2026-06-01", &[]);
    let tree = read_tree(&site.public());
    let home = page(&tree, "index.html");
    let upcoming = home
        .split("id=\"upcoming-reports\"")
        .nth(1)
        .and_then(|s| s.split("</section>").next())
        .unwrap_or_else(|| panic!("no upcoming section:\n{home}"));
    let (r2, r3) = (
        upcoming.find("第2回 ご案内").expect("r-2 upcoming"),
        upcoming.find("第3回 ご案内").expect("r-3 upcoming"),
    );
    assert!(r2 < r3, "soonest first");
    assert!(upcoming.contains("class=\"badge\""), "{upcoming}");
    let latest = home
        .split("id=\"latest-reports\"")
        .nth(1)
        .expect("latest reports");
    assert!(latest.contains("第1回 レポート") && !latest.contains("ご案内"));
    assert!(page(&tree, "reports/r-2/index.html").contains("class=\"badge\""));
    // not announced: nowhere, as any future-dated page
    assert!(!tree.keys().any(|k| k.contains("r-4")));
    assert!(
        !tree
            .values()
            .any(|b| String::from_utf8_lossy(b).contains("第4回 ご案内")),
        "an unannounced future session leaks"
    );

    // on the day after the first session: a report like any other
    site.build("2026-07-02", &[]);
    let tree = read_tree(&site.public());
    let home = page(&tree, "index.html");
    let latest = home
        .split("id=\"latest-reports\"")
        .nth(1)
        .expect("latest reports");
    assert!(latest.contains("第2回 ご案内"), "{home}");
    assert!(!page(&tree, "reports/r-2/index.html").contains("class=\"badge\""));
}
