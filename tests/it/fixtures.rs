//! Fixture sites under `tests/fixtures/sites/`, built and compared with the
//! expected trees under `tests/fixtures/expected/` (TSUNAGI_BLESS=1 rewrites
//! them), plus targeted assertions so a behaviour is not proven by a
//! snapshot alone.

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
