//! Seeded mutants of the example site's files through `check`, in this
//! process (issue 20, "Fuzzing, kept"): whatever bytes a writer's file
//! holds, a check ends in `Ok` or in a site error (exit 1), never in a
//! panic or a machine error (exit 2), and a successful build never holds a
//! byte of a withheld profile or a consent record.
//!
//! Each mutant changes one file of a copy of the repository's example site
//! (`site.yaml`, `i18n/`, `content/`) a few times, byte- and line-wise and
//! with the tokens that matter to YAML and Markdown, and is checked with
//! the library's own [`tsunagi::check`] under `catch_unwind`; the file is
//! then restored. The sequence is fixed by its seed, so a failure names
//! the mutant that replays it: `TSUNAGI_MUTANTS=<n>` runs more (or fewer)
//! of them, `TSUNAGI_MUTANT=<i>` only mutant `i`.
//!
//! The withheld canary is a talent whose consent was withdrawn, with
//! `CANARY` in every field and in its body, a file no mutant touches; and
//! every talent's consent record id, which is never published, starts with
//! `CANARY` too.

use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::time::Instant;

use tsunagi::{BuildOptions, Error};

use crate::harness::*;

/// Mutants run by default: each of the 35 files is mutated about 35 times,
/// in 40–60 s of a debug build on two shared cores (a successful check
/// renders the whole site and takes about 70 ms).
const DEFAULT_MUTANTS: usize = 3000;

const CANARY_TALENT: &str = "content/talents/t-2026-099.md";

const CANARY_TEXT: &str = "---
id: t-2026-099
display_name: CANARY-name さん
headline: CANARY-headline 介護職（夜勤可）
status: seeking
job_categories: [CANARY-category]
skills:
  - {name: CANARY-skill, level: advanced, years: 5}
languages:
  - {code: ja, jlpt: N2}
regions: [CANARY-region]
tags: [CANARY-tag]
consent:
  record_id: CANARY-record-099
  given: 2026-01-01
  expires: 2027-01-01
  withdrawn: 2026-03-01
  scope: [story]
---
CANARY-body 特別養護老人ホームで五年間働いてきました。
";

/// Tokens a mutant inserts: YAML and Markdown structure, dates and
/// numbers at their edges, invisible and wide characters.
const TOKENS: &[&str] = &[
    "\"",
    "'",
    ": ",
    ":",
    "- ",
    "\t",
    "[",
    "]",
    "{",
    "}",
    "---\n",
    "\n",
    "&a ",
    "*a",
    "<<: *a\n",
    "!!binary ",
    "? ",
    "|\n",
    ">-\n",
    "#",
    "\0",
    "\u{feff}",
    "\u{1b}[0m",
    "\r",
    "](",
    "![x](",
    "[x](@/talents/t-2026-001.md#",
    "[x](/nowhere/)",
    "{#id}",
    "<!-- more -->",
    "<script>",
    "javascript:",
    "{{ page.title }}",
    "{% raw %}",
    "😀",
    "ｴﾝｼﾞﾆｱ",
    "null",
    "~",
    "2026-02-30",
    "9999-12-31",
    "-1",
    "99999999999999999999",
    "yes",
    "photo: x.jpg\n",
    "slug: ../..\n",
    "id: T-2026-001\n",
    "draft: true\n",
    "lang: en\n",
    "extra:\n  email: a@example.com\n",
    "090-0000-0000",
    "\u{200b}",
    "　",
];

/// The files of the example site that mutants change: its configuration
/// and strings, and content of every kind (the home page and plain pages,
/// section intros, published talents with a translation and as a bundle,
/// the three withheld ones, stories featuring a published and a withdrawn
/// talent, reports of two series linking each other), translations
/// included. A third of its content: each mutant is checked in a few
/// milliseconds, so thousands fit in a test run.
const EXAMPLE_FILES: &[&str] = &[
    "site.yaml",
    "i18n",
    "content/_index.md",
    "content/_index.en.md",
    "content/about.md",
    "content/about.en.md",
    "content/contact.md",
    "content/contact.en.md",
    "content/talents/_index.md",
    "content/talents/_index.en.md",
    "content/talents/t-2026-001.md",
    "content/talents/t-2026-001.en.md",
    "content/talents/t-2026-005",
    "content/talents/t-2026-012.md",
    "content/talents/t-2026-013.md",
    "content/talents/t-2026-014.md",
    "content/stories/_index.md",
    "content/stories/_index.en.md",
    "content/stories/01-meet-amir.md",
    "content/stories/01-meet-amir.en.md",
    "content/stories/03-meet-layla.md",
    "content/stories/06-voice-minato-logistics.md",
    "content/reports/_index.md",
    "content/reports/_index.en.md",
    "content/reports/sto-school-01.md",
    "content/reports/sto-school-01.en.md",
    "content/reports/sto-school-05.md",
    "content/reports/sto-school-06.md",
    "content/reports/sto-school-2-01.md",
];

/// The example site's files above, copied (the theme is the built-in
/// default, the same as `themes/default`).
fn example_site() -> TempSite {
    let site = TempSite::empty();
    for rel in EXAMPLE_FILES {
        let (from, to) = (repo().join(rel), site.path().join(rel));
        if from.is_dir() {
            copy_dir(&from, &to);
        } else {
            std::fs::create_dir_all(to.parent().expect("a parent")).expect("mkdir");
            std::fs::copy(&from, &to).unwrap_or_else(|e| panic!("{rel}: {e}"));
        }
    }
    // every consent record id becomes a canary: never published, even
    // for a published talent
    for entry in walkdir::WalkDir::new(site.path().join("content/talents")) {
        let path = entry.expect("entry").into_path();
        if path.extension().is_none_or(|e| e != "md") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("a talent file");
        if text.contains("record_id: ") {
            std::fs::write(
                &path,
                text.replace("record_id: ", "record_id: CANARY-record-"),
            )
            .expect("write");
        }
    }
    site.write(CANARY_TALENT, CANARY_TEXT);
    // images, whose mutants go through the metadata scan (static/) and the
    // decoder (a bundle): the example site has none
    let picture = |w: u32, h: u32, format: image::ImageFormat| {
        let img = image::DynamicImage::ImageRgb8(image::RgbImage::from_fn(w, h, |x, y| {
            image::Rgb([(x * 7) as u8, (y * 11) as u8, 90])
        }));
        let mut bytes = Vec::new();
        img.write_to(&mut std::io::Cursor::new(&mut bytes), format)
            .expect("encode");
        bytes
    };
    site.write(
        "static/images/office.jpg",
        picture(32, 24, image::ImageFormat::Jpeg),
    );
    site.write(
        "content/access/map.png",
        picture(40, 30, image::ImageFormat::Png),
    );
    site.write(
        "content/access/index.md",
        "---\ntitle: アクセス\n---\n\n事務所は駅から徒歩5分です。\n\n![地図](map.png)\n\n![事務所](/images/office.jpg)\n",
    );
    site
}

/// The files mutants change (all but the canary), with their bytes.
fn mutable_files(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    for entry in walkdir::WalkDir::new(root).sort_by_file_name() {
        let entry = entry.expect("readable");
        let rel = entry.path().strip_prefix(root).expect("inside");
        if entry.file_type().is_file() && rel != Path::new(CANARY_TALENT) {
            let bytes = std::fs::read(entry.path()).expect("read");
            files.insert(entry.path().to_path_buf(), bytes);
        }
    }
    files
}

/// `bytes` changed one to three times.
fn mutate(rng: &mut Rng, bytes: &[u8]) -> Vec<u8> {
    let mut b = bytes.to_vec();
    for _ in 0..1 + rng.below(3) {
        let len = b.len();
        let at = rng.below(len + 1);
        match rng.below(10) {
            // one byte: a byte YAML or UTF-8 cares about
            0 if len > 0 => {
                const BYTES: &[u8] = b"\0\xff\xc3\x80\"':-\t\n[{#*&|>!%@`\\ ";
                b[at.min(len - 1)] = BYTES[rng.below(BYTES.len())];
            }
            1 => {
                let end = (at + 1 + rng.below(16)).min(len);
                b.drain(at..end);
            }
            2 => {
                let end = (at + 1 + rng.below(64)).min(len);
                let copy = b[at..end].to_vec();
                let to = rng.below(len + 1);
                b.splice(to..to, copy);
            }
            3 | 4 => {
                let token = TOKENS[rng.below(TOKENS.len())].as_bytes();
                // on a character boundary, mostly, so the text stays UTF-8
                let at = (0..=at)
                    .rev()
                    .find(|&i| i == len || b[i] & 0xC0 != 0x80)
                    .unwrap_or(0);
                b.splice(at..at, token.iter().copied());
            }
            5..=8 => {
                let mut lines: Vec<Vec<u8>> =
                    b.split(|&c| c == b'\n').map(<[u8]>::to_vec).collect();
                let i = rng.below(lines.len());
                let j = rng.below(lines.len());
                match rng.below(4) {
                    0 => lines.swap(i, j),
                    1 => {
                        lines.remove(i);
                    }
                    2 => {
                        let line = lines[i].clone();
                        lines.insert(j, line);
                    }
                    _ => {
                        // indentation changed by one or two spaces
                        let line = &mut lines[i];
                        if rng.below(2) == 0 {
                            line.splice(0..0, b"  "[..1 + rng.below(2)].iter().copied());
                        } else {
                            let spaces = line.iter().take_while(|&&c| c == b' ').count();
                            line.drain(..spaces.min(1 + rng.below(2)));
                        }
                    }
                }
                b = lines.join(&b'\n');
            }
            _ => b.truncate(at),
        }
    }
    b
}

/// Output files holding `CANARY` (search index files inflated).
fn canaries(files: &BTreeMap<String, std::sync::Arc<[u8]>>) -> Vec<String> {
    let canary = regex::bytes::Regex::new("CANARY").expect("regex");
    files
        .iter()
        .filter(|(path, bytes)| {
            let inflated;
            let bytes: &[u8] = if path.contains("search-index/") && path.ends_with(".bin") {
                inflated = crate::search::inflate(bytes);
                &inflated
            } else {
                bytes
            };
            path.contains("CANARY") || canary.is_match(bytes)
        })
        .map(|(path, _)| path.clone())
        .collect()
}

fn env_number(name: &str) -> Option<usize> {
    std::env::var(name).ok().and_then(|v| v.parse().ok())
}

#[test]
fn mutants_of_the_example_site_end_in_ok_or_a_site_error_and_publish_no_canary() {
    let site = example_site();
    let mut opts = BuildOptions::new(site.path());
    opts.today = Some(chrono::NaiveDate::from_ymd_opt(2026, 6, 1).expect("date"));
    // the unmutated site builds, publishes many people, and no canary
    let base = tsunagi::check(&opts).expect("the example site checks");
    assert!(base.output.files.len() > 150, "the site is built");
    assert!(base.privacy.summary().contains("withheld"));
    assert_eq!(canaries(&base.output.files), Vec::<String>::new());

    let files = mutable_files(site.path());
    let paths: Vec<&PathBuf> = files.keys().collect();
    let count = env_number("TSUNAGI_MUTANTS").unwrap_or(DEFAULT_MUTANTS);
    let only = env_number("TSUNAGI_MUTANT");
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let (mut ok, mut site_errors) = (0, 0);
    let mut failures = Vec::new();
    let start = Instant::now();
    for i in 0..count {
        let path = paths[rng.below(paths.len())];
        let original = &files[path];
        let mutant = mutate(&mut rng, original);
        if only.is_some_and(|n| n != i) {
            continue;
        }
        std::fs::write(path, &mutant).expect("write the mutant");
        let result = catch_unwind(AssertUnwindSafe(|| tsunagi::check(&opts)));
        std::fs::write(path, original).expect("restore the file");
        let rel = path.strip_prefix(site.path()).expect("inside").display();
        match result {
            Ok(Ok(built)) => {
                ok += 1;
                let leaks = canaries(&built.output.files);
                if !leaks.is_empty() {
                    failures.push(format!(
                        "mutant {i} of {rel}: CANARY published in {leaks:?}"
                    ));
                }
            }
            Ok(Err(Error::Site(_))) => site_errors += 1,
            Ok(Err(e)) => failures.push(format!("mutant {i} of {rel}: a machine error: {e}")),
            Err(panic) => {
                let what = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                failures.push(format!("mutant {i} of {rel}: a panic: {what}"));
            }
        }
    }
    eprintln!(
        "{count} mutants in {:.1} s: {ok} ok, {site_errors} site errors, {} failures",
        start.elapsed().as_secs_f64(),
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {count} mutants failed (replay one with TSUNAGI_MUTANT=<i>):\n{}",
        failures.len(),
        failures.join("\n")
    );
    if only.is_none() {
        // the test is blind unless mutants both pass and fail
        assert!(ok >= count / 10, "{ok} of {count} built");
        assert!(site_errors >= count / 10, "{site_errors} of {count} failed");
    }
}
