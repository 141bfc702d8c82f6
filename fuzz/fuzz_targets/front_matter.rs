//! A content file of any bytes, through the loader and the consent gate
//! (`tsunagi::content::load`: UTF-8, front matter, typed schemas,
//! forbidden keys, personal data, publication rules), and its body through
//! the Markdown renderer: a result or diagnostics, never a panic; and a
//! withdrawn talent beside it is never among what may be published.
//!
//! The first byte chooses where the file goes (a talent, its translation,
//! a story, a report, a plain page, a section's intro); the rest is the
//! file.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use tsunagi::config::Config;
use tsunagi::content::{BuildAudience, LoadOptions, load};
use tsunagi::markdown::{Options, Resolved, render};

const PLACES: &[&str] = &[
    "content/talents/t-fuzz.md",
    "content/talents/t-1.en.md",
    "content/stories/fuzz.md",
    "content/reports/fuzz.md",
    "content/fuzz.md",
    "content/stories/_index.md",
];

/// A small site: one published talent, one withdrawn (the canary).
fn site() -> &'static (PathBuf, Config) {
    static SITE: OnceLock<(PathBuf, Config)> = OnceLock::new();
    SITE.get_or_init(|| {
        let root = std::env::temp_dir().join(format!("tsunagi-fuzz-site-{}", std::process::id()));
        let write = |rel: &str, text: &str| {
            let p = root.join(rel);
            std::fs::create_dir_all(p.parent().expect("a parent")).expect("mkdir");
            std::fs::write(p, text).expect("write");
        };
        write("site.yaml", "title: Fuzz\nlanguages: [ja, en]\n");
        write(
            "content/talents/t-1.md",
            "---\nid: t-1\ndisplay_name: ハナさん\nheadline: 介護職\nstatus: seeking\nconsent:\n  record_id: C-1\n  given: 2026-01-01\n  expires: 2027-01-01\n  scope: [story]\n---\n介護の仕事を五年しています。\n",
        );
        write(
            "content/talents/t-canary.md",
            "---\nid: t-canary\ndisplay_name: CANARY\nheadline: CANARY\nstatus: seeking\nconsent:\n  record_id: CANARY\n  given: 2026-01-01\n  expires: 2027-01-01\n  withdrawn: 2026-02-01\n---\nCANARY\n",
        );
        for place in PLACES {
            std::fs::create_dir_all(root.join(place).parent().expect("a parent")).expect("mkdir");
        }
        let config = Config::load(&root).expect("the fuzz site's config");
        (root, config)
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&first, file)) = data.split_first() else {
        return;
    };
    let (root, config) = site();
    let place = root.join(PLACES[first as usize % PLACES.len()]);
    std::fs::write(&place, file).expect("write the input");
    let opts = LoadOptions {
        today: chrono::NaiveDate::from_ymd_opt(2026, 6, 1).expect("a date"),
        drafts: first & 0x80 != 0,
        audience: BuildAudience::Public,
    };
    let loaded = load(root, config, &opts);
    let _ = std::fs::remove_file(&place);
    if let Ok(content) = loaded {
        assert!(content.talents.iter().all(|t| t.id != "t-canary"));
        for t in &content.talents {
            assert!(!t.source.body.contains("CANARY"));
        }
    }
    // the body, as the site model renders it
    if let Ok(text) = std::str::from_utf8(file) {
        let body = text.splitn(3, "---").nth(2).unwrap_or(text);
        let opts = Options {
            raw_html: first & 1 != 0,
            base_path: "/jobs/",
            page_path: "/stories/fuzz/",
            first_line: 3,
        };
        let r = render(body, &opts, &|p| {
            if p.starts_with("talents/t-1") {
                Resolved::Url("/talents/t-1/".to_string())
            } else {
                Resolved::Missing
            }
        });
        assert!(r.reading_minutes >= 1);
        if !opts.raw_html {
            assert!(!r.html.contains("<script"), "raw HTML is escaped");
        }
    }
});
