//! `tsunagi serve`: incremental rebuilds equal full builds (random edit
//! sequences through the library), the HTTP rules against the real binary,
//! and the live-reload scenarios end to end in headless Chromium.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::Duration;

use tsunagi::serve::incremental::{Outcome, Session};
use tsunagi::serve::watch::Changes;
use tsunagi::{BuildOptions, Error};

use crate::browser::node;
use crate::harness::*;

const TODAY: &str = "2026-06-01";

fn options(root: &Path) -> BuildOptions {
    let mut o = BuildOptions::new(root);
    o.today = chrono::NaiveDate::from_ymd_opt(2026, 6, 1);
    o
}

const TAGS: &[&str] = &[
    "エンジニア",
    "IT",
    "介護職",
    "物流",
    "UI/UX",
    "ui/ux",
    "workshop",
    "新規",
];
const SKILLS: &[&str] = &[
    "Python",
    "Go",
    "C++",
    "介護",
    "フォークリフト",
    "UI/UX",
    "Rust",
];

fn talent(
    id: &str,
    name: &str,
    tags: &[&str],
    skills: &[&str],
    withdrawn: bool,
    body: &str,
) -> String {
    format!(
        "---\nid: {id}\ndisplay_name: {name}\nheadline: {{ja: 見出し{id}, en: Headline {id}}}\nstatus: seeking\njob_categories: [software-engineering]\nskills: [{}]\nlanguages:\n  - {{code: ja, jlpt: N2}}\ntags: [{}]\nverified: 2026-0{}-01\nconsent:\n  record_id: C-{id}\n  given: 2026-01-01\n  expires: 2027-01-01\n  withdrawn: {}\n  scope: [story]\n---\n\n{body}\n",
        skills.join(", "),
        tags.join(", "),
        1 + name.len() % 5,
        if withdrawn { "2026-05-15" } else { "null" },
    )
}

/// One random edit of the site; returns the paths it touched.
fn random_edit(site: &Path, rng: &mut Rng, step: usize, log: &mut Vec<String>) -> Vec<PathBuf> {
    let w = |rel: &str, text: &str| -> PathBuf {
        let p = site.join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(&p, text).expect("write");
        p
    };
    let rm = |rel: &str| -> PathBuf {
        let p = site.join(rel);
        let _ = std::fs::remove_file(&p);
        p
    };
    let read = |rel: &str| std::fs::read_to_string(site.join(rel)).unwrap_or_default();
    // the fixture's own profiles to edit
    let (ta, tb, tc) = if site.join("content/talents/t-a.md").exists() {
        (
            "content/talents/t-a.md",
            "content/talents/t-b.md",
            "content/talents/t-c.md",
        )
    } else {
        (
            "content/talents/t-1.md",
            "content/talents/t-2.md",
            "content/talents/t-2.md",
        )
    };
    // every ninth step the front matter of a profile alone (the page is
    // shown after the load), drawing nothing, so the random steps stay as
    // they were
    if step % 9 == 4 {
        let t = read(ta);
        let headline = t
            .lines()
            .find(|l| l.starts_with("headline:"))
            .unwrap_or("headline: x")
            .to_string();
        let t = t.replace(
            &headline,
            &format!("headline: {{ja: 見出し{step}, en: Headline {step}}}"),
        );
        log.push(format!("{step}: change a profile's headline"));
        return vec![w(ta, &t)];
    }
    // a writer fixes a broken file soon: about every other step
    let broken = read(tc).contains("[unclosed");
    let op = if broken && rng.below(2) == 0 {
        16
    } else {
        rng.below(19)
    };
    let ids = ["t-x1", "t-x2", "t-x3"];
    let id = rng.pick(&ids);
    let rel = format!("content/talents/{id}.md");
    let tags: Vec<&str> = (0..1 + rng.below(3)).map(|_| rng.pick(TAGS)).collect();
    let skills: Vec<&str> = (0..1 + rng.below(3)).map(|_| rng.pick(SKILLS)).collect();
    let uniq = |v: Vec<&'static str>| {
        let mut out: Vec<&str> = Vec::new();
        for x in v {
            if !out.iter().any(|o| o.to_lowercase() == x.to_lowercase()) {
                out.push(x);
            }
        }
        out
    };
    let tags = uniq(tags);
    let skills = uniq(skills);
    let (what, paths) = match op {
        0 | 1 => {
            let name = format!("名前{}", rng.below(50));
            let story = if site.join("content/stories/amir.md").exists() {
                "amir"
            } else {
                "sara"
            };
            let body = format!("## 職務要約\n\n本文 {step} です。[物語](@/stories/{story}.md)");
            (
                "add or change a talent",
                vec![w(&rel, &talent(id, &name, &tags, &skills, false, &body))],
            )
        }
        2 => (
            "delete a talent (and its English text)",
            vec![rm(&rel), rm(&format!("content/talents/{id}.en.md"))],
        ),
        3 => {
            // withdraw consent: must vanish everywhere
            let name = format!("撤回{}", rng.below(50));
            (
                "withdraw a talent",
                vec![w(&rel, &talent(id, &name, &tags, &skills, true, "本文"))],
            )
        }
        4 => {
            let t = read(ta) + &format!("\n追記 {step}。\n");
            ("edit a profile's body", vec![w(ta, &t)])
        }
        5 => {
            let t = read(tb);
            let t = if t.contains("withdrawn: null") {
                t.replace("withdrawn: null", "withdrawn: 2026-05-20")
            } else {
                t.replace("withdrawn: 2026-05-20", "withdrawn: null")
            };
            ("toggle a profile's consent", vec![w(tb, &t)])
        }
        6 => {
            let slug = format!("s-{}", rng.below(3));
            let talent_line = if rng.below(2) == 0 {
                format!(
                    "talent: {id}\nconsent: {{record_id: S-{slug}, given: 2026-01-01, expires: 2027-01-01, withdrawn: null, scope: [story]}}\n"
                )
            } else {
                String::new()
            };
            let text = format!(
                "---\ntitle: 物語 {step}\ndate: 2026-0{}-02\ntags: [{}]\n{talent_line}---\n\n物語の本文 {step}。\n\n<!-- more -->\n\n## 後半\n",
                1 + rng.below(5),
                tags.join(", ")
            );
            (
                "add or change a story",
                vec![w(&format!("content/stories/{slug}.md"), &text)],
            )
        }
        7 => {
            let slug = format!("s-{}", rng.below(3));
            (
                "delete a story",
                vec![rm(&format!("content/stories/{slug}.md"))],
            )
        }
        8 => {
            let n = 3 + rng.below(2);
            let text = format!(
                "---\ntitle: スクール 第{n}回 ({step})\ndate: 2026-0{}-10\nseries: school\nnumber: {n}\nannounce: {}\nspeakers:\n  - {{name: 講師{}, org: 団体{}}}\ntags: [workshop]\n---\n\n第{n}回。\n",
                // some after TODAY: unpublished, or upcoming when announced
                1 + rng.below(8),
                rng.below(2) == 1,
                rng.below(3),
                rng.below(2)
            );
            (
                "add or change a report",
                vec![w(&format!("content/reports/s{n}.md"), &text)],
            )
        }
        9 => {
            let base = std::fs::read_to_string(repo().join("themes/default/templates/talent.html"))
                .expect("theme template");
            // inside a block: a child template has nothing at its top level
            let text = base.replacen(
                "{% endblock",
                &format!("<!-- override {step} -->{{% endblock"),
                1,
            );
            (
                "override talent.html",
                vec![w("templates/talent.html", &text)],
            )
        }
        10 => (
            "remove the template override",
            vec![rm("templates/talent.html")],
        ),
        11 => {
            let text = format!("nav_talents: 人材 {step}\n");
            (
                "override an interface string",
                vec![w("i18n/ja.yaml", &text)],
            )
        }
        12 => {
            let text = format!("body {{ margin: {step}px; }}\n");
            (
                "add or change a static file",
                vec![w("static/extra.css", &text)],
            )
        }
        13 => ("remove a static file", vec![rm("static/extra.css")]),
        14 => {
            let c = read("site.yaml");
            let fixed_languages = site.join("content/contact.en.md").exists();
            let c = if fixed_languages {
                // the bilingual fixture keeps its languages: vary pagination
                if c.contains("paginate: 1\n") {
                    c.replace("paginate: 1\n", "")
                } else {
                    format!("{c}paginate: 1\n")
                }
            } else if c.contains("paginate: 2") {
                c.replace("paginate: 2", "paginate: 3")
            } else if c.contains("languages:") {
                c.replace("languages: [ja, en]\n", "")
                    .replace("paginate: 3", "paginate: 2")
            } else {
                format!("{c}languages: [ja, en]\n")
            };
            let mut paths = vec![w("site.yaml", &c)];
            if !c.contains("languages:") {
                // one language again: English files would be errors
                for n in 0..3 {
                    paths.push(rm(&format!("content/stories/s-{n}.en.md")));
                }
                for id in ids {
                    paths.push(rm(&format!("content/talents/{id}.en.md")));
                }
            }
            ("change site.yaml", paths)
        }
        15 => {
            let t = read(tc);
            let broken = if t.contains("[unclosed") {
                t
            } else {
                t.replacen("display_name:", "display_name: [unclosed", 1)
            };
            ("break a profile's front matter", vec![w(tc, &broken)])
        }
        17 => {
            // an English translation with a tag of its own: whether the
            // English term page exists changes the Japanese page's alternates
            let slug = format!("s-{}", rng.below(3));
            let text = format!(
                "---\ntitle: Story {step}\ndate: 2026-02-0{}\ntags: [{}]\n---\n\nEnglish text {step}.\n",
                1 + rng.below(5),
                tags.join(", ")
            );
            (
                "add, change or remove an English story translation",
                vec![
                    if rng.below(3) == 0 || !read("site.yaml").contains("languages:") {
                        rm(&format!("content/stories/{slug}.en.md"))
                    } else {
                        w(&format!("content/stories/{slug}.en.md"), &text)
                    },
                ],
            )
        }
        18 => {
            let text = format!(
                "---\ndisplay_name: Name {step}\nheadline: Headline {step}\n---\n\nEnglish summary {step}.\n"
            );
            (
                "add, change or remove a talent's English text",
                vec![if rng.below(3) == 0
                    || !read("site.yaml").contains("languages:")
                    || !site.join(&rel).exists()
                {
                    rm(&format!("content/talents/{id}.en.md"))
                } else {
                    w(&format!("content/talents/{id}.en.md"), &text)
                }],
            )
        }
        _ => {
            let t = read(tc).replace("display_name: [unclosed", "display_name:");
            ("fix the broken profile", vec![w(tc, &t)])
        }
    };
    log.push(format!("{step}: {what}"));
    paths
}

fn changes_for(site: &Path, paths: &[PathBuf]) -> Changes {
    let mut c = Changes::default();
    for p in paths {
        c.add(site, &site.join("public"), p);
    }
    c
}

/// Checks the session against a full build of the same files.
fn assert_same_as_full(site: &Path, session: &Session, outcome: &Outcome, log: &[String]) {
    let full = tsunagi::generate(&options(site));
    match (full, outcome) {
        (Ok(full), Outcome::Built { .. }) => {
            let inc = session.output().expect("a good build");
            if inc != &full.output {
                let mut diffs = Vec::new();
                for (k, v) in &full.output.files {
                    match inc.files.get(k) {
                        None => diffs.push(format!("missing {k}")),
                        Some(x) if x != v => diffs.push(format!("differs {k}")),
                        _ => {}
                    }
                }
                for k in inc
                    .files
                    .keys()
                    .filter(|k| !full.output.files.contains_key(*k))
                {
                    diffs.push(format!("extra {k}"));
                }
                panic!(
                    "incremental output differs from a full build after:\n{}\n\n{}",
                    log.join("\n"),
                    diffs.join("\n")
                );
            }
            let last = session.last_good().expect("good");
            assert_eq!(last.warnings, full.warnings, "warnings after {log:?}");
        }
        (Err(Error::Site(d)), Outcome::Failed { diagnostics, .. }) => {
            assert_eq!(diagnostics, &d.0, "diagnostics after:\n{}", log.join("\n"));
        }
        (full, inc) => panic!(
            "full build and incremental build disagree after:\n{}\nfull: {:?}\nincremental: {inc:?}",
            log.join("\n"),
            full.map(|b| b.output.files.len())
        ),
    }
}

/// A quick edit's pages are byte for byte a full build's, and nothing else
/// changed (when the full build fails, the rebuild that follows must fail
/// too and undo the edit: checked by the caller).
fn assert_quick_edit_exact(site: &Path, session: &Session, quick: &Outcome, log: &[String]) {
    let Outcome::Built { changed, .. } = quick else {
        panic!("a quick edit only builds: {quick:?}")
    };
    let Ok(full) = tsunagi::generate(&options(site)) else {
        return;
    };
    let out = session.output().expect("a good build");
    for path in changed {
        assert!(path.ends_with(".html"), "{path}");
        assert_eq!(
            out.files.get(path),
            full.output.files.get(path),
            "{path} after a quick edit, after:\n{}",
            log.join("\n")
        );
    }
}

/// No byte of the served site names a withdrawn person, once the site
/// builds (a failed build keeps serving the last good site as it was).
fn assert_withdrawn_gone(site: &Path, session: &Session, outcome: &Outcome) {
    if !matches!(outcome, Outcome::Built { .. }) {
        return;
    }
    let Some(out) = session.output() else { return };
    for entry in std::fs::read_dir(site.join("content/talents")).expect("talents") {
        let path = entry.expect("entry").path();
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        if !text.contains("withdrawn: 2026-05") {
            continue;
        }
        let Some(name) = text
            .lines()
            .find_map(|l| l.strip_prefix("display_name: "))
            .map(str::to_string)
        else {
            continue;
        };
        for (file, bytes) in &out.files {
            let s = String::from_utf8_lossy(bytes);
            assert!(
                !s.contains(&name),
                "withdrawn {name} ({}) still in {file}",
                path.display()
            );
        }
    }
}

#[test]
fn incremental_rebuilds_equal_full_builds_over_random_edits() {
    for (fixture, seed) in [
        ("sites/basic", 0x5eed_u64),
        ("sites/basic", 0xdead_beef),
        ("sites/basic", 42),
        ("sites/bilingual", 7),
        ("sites/bilingual", 0x00c0_ffee),
    ] {
        let site = TempSite::from_fixture(fixture);
        let root = site.path().to_path_buf();
        let mut session = Session::new(options(&root), None);
        let mut log = vec![format!("{fixture}, seed {seed:#x}")];
        let first = session.build_all();
        assert_same_as_full(&root, &session, &first, &log);
        let mut rng = Rng(seed);
        let mut incremental_renders = 0;
        let mut built = 0;
        let mut quick_edits = 0;
        let mut shown_early = 0;
        for step in 0..45 {
            let paths = random_edit(&root, &mut rng, step, &mut log);
            let changes = changes_for(&root, &paths);
            // an edited body may be shown first: exactly as a full build renders it
            let before = session.output().cloned();
            if let Some(quick) = session.quick_edit(&changes) {
                quick_edits += 1;
                assert_quick_edit_exact(&root, &session, &quick, &log);
            }
            // so may a front-matter edit, once the content is loaded
            let outcome = match session.begin_rebuild(&changes) {
                Ok(pending) => {
                    if let Some(shown) = session.show_edited(&pending, &changes) {
                        shown_early += 1;
                        assert_quick_edit_exact(&root, &session, &shown, &log);
                    }
                    session.finish_rebuild(pending)
                }
                Err(failed) => failed,
            };
            if matches!(outcome, Outcome::Failed { .. }) {
                assert_eq!(
                    session.output(),
                    before.as_ref(),
                    "a failed build serves the last good site after:\n{}",
                    log.join("\n")
                );
            }
            let outcome = match session.finish_search() {
                Some(index) => outcome.with_index(index),
                None => outcome,
            };
            assert_same_as_full(&root, &session, &outcome, &log);
            assert_withdrawn_gone(&root, &session, &outcome);
            match outcome {
                Outcome::Built { rerendered, .. } => {
                    incremental_renders += rerendered;
                    built += 1;
                }
                Outcome::Failed {
                    ref diagnostics, ..
                } => {
                    let first = diagnostics
                        .iter()
                        .find(|d| d.is_error())
                        .map(|d| d.to_string())
                        .unwrap_or_default();
                    log.push(format!(
                        "   (fails: {})",
                        first.lines().next().unwrap_or("")
                    ));
                }
            }
        }
        // most steps build (a broken file is fixed again soon)
        assert!(
            built >= 25,
            "only {built} of 45 steps built:\n{}",
            log.join("\n")
        );
        // body edits take the quick path (the menu edits one every ~19 steps)
        assert!(
            quick_edits >= 1,
            "no edit took the quick path:\n{}",
            log.join("\n")
        );
        // and headline edits are shown after the load
        assert!(
            shown_early >= 1,
            "no front-matter edit was shown early:\n{}",
            log.join("\n")
        );
        // the cache did its work: far fewer renders than 45 full builds
        let full_pages = session.last_good().map_or(0, |b| b.pages_rendered);
        assert!(
            incremental_renders < full_pages * 45 / 2,
            "{incremental_renders} renders vs {full_pages} pages per build"
        );
    }
}

#[test]
fn a_body_edit_renders_only_the_pages_that_show_it() {
    let site = TempSite::from_fixture("sites/basic");
    let root = site.path().to_path_buf();
    let mut session = Session::new(options(&root), None);
    let first = session.build_all();
    assert!(matches!(first, Outcome::Built { .. }));
    let total = session.last_good().expect("built").pages_rendered;
    // the body (not the summary) of a report: only its own page and its
    // series neighbours' pages show it
    let p = root.join("content/reports/s1.md");
    let t = std::fs::read_to_string(&p).expect("read");
    std::fs::write(
        &p,
        t.replace("はじまりの回です。", "はじまりの回です。追記。"),
    )
    .expect("write");
    let outcome = session.rebuild(&changes_for(&root, std::slice::from_ref(&p)));
    let Outcome::Built {
        rerendered,
        reparsed,
        changed,
        ..
    } = outcome
    else {
        panic!("{outcome:?}")
    };
    assert_eq!(reparsed, 1);
    assert!(
        !session.last_load_walked(),
        "an edit of a file read before reuses the walk"
    );
    assert!(
        changed.contains(&"reports/s1/index.html".to_string()),
        "{changed:?}"
    );
    // its card (title, summary) is unchanged: lists are not rendered again
    assert_eq!(rerendered, 1, "{rerendered} of {total} pages rendered");
    assert_same_as_full(
        &root,
        &session,
        &Outcome::Built {
            changed,
            elapsed: Duration::ZERO,
            rerendered,
            reparsed,
            stages: Vec::new(),
        },
        &[],
    );
    // a template change renders the pages using it, not all
    let theme = std::fs::read_to_string(repo().join("themes/default/templates/report.html"))
        .expect("theme");
    std::fs::create_dir_all(root.join("templates")).expect("mkdir");
    std::fs::write(
        root.join("templates/report.html"),
        theme.replacen("{% endblock", "<!-- x -->{% endblock", 1),
    )
    .expect("write");
    let outcome = session.rebuild(&changes_for(&root, &[root.join("templates/report.html")]));
    let Outcome::Built { rerendered, .. } = outcome else {
        panic!("{outcome:?}")
    };
    assert_eq!(rerendered, 2, "the two reports");
    // a new page is found by walking again, and only then
    let story = root.join("content/stories/walk-test.md");
    std::fs::write(
        &story,
        "---\ntitle: 歩いて見つかる話\ndate: 2026-05-01\n---\n新しいページです。\n",
    )
    .expect("write");
    let outcome = session.rebuild(&changes_for(&root, std::slice::from_ref(&story)));
    let Outcome::Built { changed, .. } = outcome else {
        panic!("{outcome:?}")
    };
    assert!(session.last_load_walked());
    assert!(
        changed.contains(&"stories/walk-test/index.html".to_string()),
        "{changed:?}"
    );
}

/// The home page lists announced sessions: a new title of one that stays
/// upcoming must reach the cached home page.
#[test]
fn an_upcoming_session_edited_updates_the_home_page() {
    let site = TempSite::from_fixture("sites/basic");
    let root = site.path().to_path_buf();
    let report = |title: &str| {
        format!(
            "---\ntitle: {title}\ndate: 2026-09-10\nseries: school\nnumber: 9\nannounce: true\n---\n\n第9回のご案内。\n"
        )
    };
    let p = root.join("content/reports/s9.md");
    std::fs::write(&p, report("第9回のご案内")).expect("write");
    let mut session = Session::new(options(&root), None);
    let first = session.build_all();
    assert_same_as_full(&root, &session, &first, &[]);
    let home = |s: &Session| {
        String::from_utf8_lossy(&s.output().expect("built").files["index.html"]).into_owned()
    };
    assert!(home(&session).contains("第9回のご案内"));
    std::fs::write(&p, report("第9回のご案内（会場決定）")).expect("write");
    let outcome = session.rebuild(&changes_for(&root, std::slice::from_ref(&p)));
    assert_same_as_full(&root, &session, &outcome, &["retitle s9".to_string()]);
    assert!(home(&session).contains("会場決定"));
}

#[test]
fn an_edited_body_is_shown_before_the_rebuild_and_only_when_safe() {
    let site = TempSite::from_fixture("sites/basic");
    let root = site.path().to_path_buf();
    let mut session = Session::new(options(&root), None);
    assert!(matches!(session.build_all(), Outcome::Built { .. }));
    let p = root.join("content/talents/t-b.md");
    let original = std::fs::read_to_string(&p).expect("t-b");
    let page = "talents/t-b/index.html".to_string();
    let save = |text: &str| {
        std::fs::write(&p, text).expect("write");
        changes_for(&root, std::slice::from_ref(&p))
    };
    let html = |session: &Session| {
        let out = session.output().expect("built");
        String::from_utf8_lossy(&out.files[&page]).to_string()
    };

    // a new sentence: the profile alone, at once, exactly as a full build has it
    let before = session.output().expect("built").clone();
    let changes = save(&format!("{original}\n日本語の研修を修了しました。\n"));
    let quick = session.quick_edit(&changes).expect("a body edit is quick");
    let Outcome::Built {
        changed,
        rerendered,
        ..
    } = &quick
    else {
        panic!("{quick:?}")
    };
    assert_eq!(changed, std::slice::from_ref(&page));
    assert_eq!(*rerendered, 1);
    assert!(html(&session).contains("日本語の研修を修了しました。"));
    let full = tsunagi::generate(&options(&root)).expect("full build");
    assert_eq!(
        session.output().expect("built").files[&page],
        full.output.files[&page]
    );
    for (path, bytes) in &before.files {
        if *path != page {
            assert_eq!(
                session.output().expect("built").files.get(path),
                Some(bytes),
                "{path}"
            );
        }
    }
    // the rebuild that follows finds the page done and the site whole
    let pages = session.rebuild_pages(&changes);
    let Outcome::Built { changed, .. } = &pages else {
        panic!("{pages:?}")
    };
    assert!(!changed.contains(&page), "{changed:?}");
    let index = session.finish_search().expect("index follows");
    assert_same_as_full(&root, &session, &pages.with_index(index), &[]);

    // anything beyond the body goes the long way
    let refused = |session: &mut Session, text: &str, why: &str| {
        let changes = save(text);
        assert!(session.quick_edit(&changes).is_none(), "{why}");
        session.rebuild(&changes)
    };
    let text = original.replace("headline: 介護職員", "headline: 介護福祉士");
    let o = refused(&mut session, &text, "front matter changed");
    assert!(matches!(o, Outcome::Built { .. }));
    assert!(html(&session).contains("介護福祉士"));
    let o = refused(
        &mut session,
        &format!("{text}\n[アミールさんの話](@/stories/amir.md)\n"),
        "a new link",
    );
    assert!(matches!(o, Outcome::Built { .. }));
    let o = refused(
        &mut session,
        &format!("{text}\n## 資格\n"),
        "a new heading (anchor)",
    );
    assert!(matches!(o, Outcome::Built { .. }));
    let good = session.output().expect("built").clone();
    let o = refused(
        &mut session,
        &format!("{text}\n連絡先: marie.b@example.org\n"),
        "personal data",
    );
    assert!(matches!(o, Outcome::Failed { .. }), "{o:?}");
    assert_eq!(session.output(), Some(&good), "the last good site stays");
    // after a failed build the next edit rebuilds everything it read
    let changes = save(&format!("{text}\n## 資格\n介護福祉士。\n"));
    assert!(
        session.quick_edit(&changes).is_none(),
        "the last build failed"
    );
    assert!(matches!(session.rebuild(&changes), Outcome::Built { .. }));

    // a quick edit whose rebuild fails (another file broke unseen) is undone
    let good = session.output().expect("built").clone();
    let other = root.join("content/talents/t-c.md");
    let c = std::fs::read_to_string(&other).expect("t-c");
    std::fs::write(
        &other,
        c.replacen("display_name:", "display_name: [unclosed", 1),
    )
    .expect("break");
    let changes = save(&format!("{text}\n## 資格\n介護福祉士と普通免許。\n"));
    assert!(session.quick_edit(&changes).is_some());
    assert!(html(&session).contains("普通免許"));
    assert!(matches!(
        session.rebuild_pages(&changes),
        Outcome::Failed { .. }
    ));
    assert_eq!(session.output(), Some(&good), "the quick edit is undone");
}

/// A front-matter edit (a headline, a skill's years) is shown once the
/// content is through the consent gate, before the model and the other
/// pages are rebuilt: only that document's pages, byte for byte as the full
/// build renders them; anything that moves the document in the site, a
/// withdrawal or a changed body goes the long way, and a rebuild that
/// fails undoes the page shown early.
#[test]
fn an_edited_front_matter_is_shown_after_the_load_and_only_when_safe() {
    // a talent of the bilingual site has a page per language, both shown
    for (fixture, file, pages) in [
        (
            "sites/basic",
            "content/talents/t-b.md",
            &["talents/t-b/index.html"][..],
        ),
        (
            "sites/bilingual",
            "content/talents/t-2.md",
            &["en/talents/t-2/index.html", "talents/t-2/index.html"][..],
        ),
    ] {
        let site = TempSite::from_fixture(fixture);
        let root = site.path().to_path_buf();
        let mut session = Session::new(options(&root), None);
        assert!(matches!(session.build_all(), Outcome::Built { .. }));
        let p = root.join(file);
        let original = std::fs::read_to_string(&p).expect("talent");
        let line = |key: &str| -> String {
            original
                .lines()
                .find(|l| l.starts_with(key))
                .unwrap_or_else(|| panic!("{key} in {file}"))
                .to_string()
        };
        let headline = line("headline:");
        let text = original.replace(&headline, "headline: 介護福祉士（夜勤可）");
        std::fs::write(&p, &text).expect("write");
        let changes = changes_for(&root, std::slice::from_ref(&p));
        let before = session.output().expect("built").clone();
        assert!(session.quick_edit(&changes).is_none(), "not the body alone");
        let pending = session.begin_rebuild(&changes).expect("loads");
        let shown = session
            .show_edited(&pending, &changes)
            .unwrap_or_else(|| panic!("{fixture}: a headline is shown early"));
        let Outcome::Built { changed, .. } = &shown else {
            panic!("{shown:?}")
        };
        let expected: Vec<String> = pages.iter().map(|s| s.to_string()).collect();
        assert_eq!(changed, &expected, "{fixture}");
        let full = tsunagi::generate(&options(&root)).expect("full build");
        let out = session.output().expect("built").clone();
        for page in pages {
            assert!(String::from_utf8_lossy(&out.files[*page]).contains("介護福祉士（夜勤可）"));
            assert_eq!(
                out.files[*page], full.output.files[*page],
                "{fixture} {page}"
            );
        }
        for (path, bytes) in &before.files {
            if !pages.contains(&path.as_str()) {
                assert_eq!(out.files.get(path), Some(bytes), "{fixture}: {path} waits");
            }
        }
        // the rebuild finds the pages done, and brings the lists up to date
        let rebuilt = session.finish_rebuild(pending);
        let Outcome::Built { changed, .. } = &rebuilt else {
            panic!("{rebuilt:?}")
        };
        assert!(
            pages.iter().all(|p| !changed.contains(&p.to_string())),
            "{changed:?}"
        );
        let index = session.finish_search().expect("index follows");
        assert_same_as_full(&root, &session, &rebuilt.with_index(index), &[]);

        // what moves the document in the site, or ends it, goes the long way
        let tags = line("tags:");
        let verified = line("verified:");
        for (why, edited) in [
            (
                "a tag added",
                text.replace(&tags, &format!("{}, 夜勤]", tags.trim_end_matches(']'))),
            ),
            (
                "reviewed again",
                text.replace(&verified, "verified: 2026-05-02"),
            ),
            (
                "consent withdrawn",
                text.replace("withdrawn: null", "withdrawn: 2026-05-01"),
            ),
            (
                "the body too",
                text.replace(&headline, "headline: 介護職員（日勤）") + "\n追記。\n",
            ),
        ] {
            std::fs::write(&p, &edited).expect("write");
            let changes = changes_for(&root, std::slice::from_ref(&p));
            let pending = session.begin_rebuild(&changes).expect("loads");
            assert!(
                session.show_edited(&pending, &changes).is_none(),
                "{fixture}: {why}"
            );
            let o = session.finish_rebuild(pending);
            let o = match session.finish_search() {
                Some(index) => o.with_index(index),
                None => o,
            };
            assert_same_as_full(&root, &session, &o, &[why.to_string()]);
            // back to the edited text for the next case
            std::fs::write(&p, &text).expect("write");
            session.rebuild(&changes_for(&root, std::slice::from_ref(&p)));
        }
    }

    // a file changed unseen goes the long way: the edited page would draw
    // it from the last build (a story withdrawn unseen on its talent's page)
    let site = TempSite::from_fixture("sites/basic");
    let root = site.path().to_path_buf();
    let mut session = Session::new(options(&root), None);
    assert!(matches!(session.build_all(), Outcome::Built { .. }));
    let story = root.join("content/stories/amir.md");
    let s = std::fs::read_to_string(&story).expect("amir");
    assert!(
        s.contains("withdrawn: null"),
        "the story has its own consent"
    );
    std::fs::write(
        &story,
        s.replace("withdrawn: null", "withdrawn: 2026-05-01"),
    )
    .expect("withdraw");
    let p = root.join("content/talents/t-a.md");
    let t = std::fs::read_to_string(&p).expect("t-a");
    let headline = t
        .lines()
        .find(|l| l.starts_with("headline:"))
        .expect("headline")
        .to_string();
    std::fs::write(
        &p,
        t.replace(&headline, "headline: {ja: 見出し, en: Headline}"),
    )
    .expect("write");
    let changes = changes_for(&root, std::slice::from_ref(&p));
    let pending = session.begin_rebuild(&changes).expect("loads");
    assert!(
        session.show_edited(&pending, &changes).is_none(),
        "two files read"
    );
    let o = session.finish_rebuild(pending);
    let o = match session.finish_search() {
        Some(index) => o.with_index(index),
        None => o,
    };
    assert_same_as_full(&root, &session, &o, &["story withdrawn unseen".to_string()]);

    // a page shown early whose rebuild fails (a static image with location
    // data added unseen, found after the load) is undone
    let good = session.output().expect("built").clone();
    std::fs::create_dir_all(root.join("static")).expect("static");
    std::fs::write(
        root.join("static/unseen.jpg"),
        crate::privacy::jpeg_with_gps(),
    )
    .expect("jpeg");
    std::fs::write(
        &p,
        t.replace(&headline, "headline: {ja: 見出し2, en: Headline 2}"),
    )
    .expect("write");
    let pending = session.begin_rebuild(&changes).expect("loads");
    assert!(session.show_edited(&pending, &changes).is_some());
    let html =
        String::from_utf8_lossy(&session.output().expect("built").files["talents/t-a/index.html"])
            .to_string();
    assert!(html.contains("見出し2"));
    assert!(matches!(
        session.finish_rebuild(pending),
        Outcome::Failed { .. }
    ));
    assert_eq!(
        session.output(),
        Some(&good),
        "the page shown early is undone"
    );
}

/// A rebuild that fails keeps the last good build as it was, including a
/// search index it still owes: the next `finish_search` builds it.
#[test]
fn a_failed_rebuild_keeps_the_search_index_owed() {
    let site = TempSite::from_fixture("sites/basic");
    let root = site.path().to_path_buf();
    let mut session = Session::new(options(&root), None);
    assert!(matches!(session.build_all(), Outcome::Built { .. }));
    let p = root.join("content/talents/t-b.md");
    let t = std::fs::read_to_string(&p).expect("t-b");
    std::fs::write(&p, t.replace("headline: 介護職員", "headline: 介護福祉士")).expect("write");
    let changes = changes_for(&root, std::slice::from_ref(&p));
    assert!(matches!(
        session.rebuild_pages(&changes),
        Outcome::Built { .. }
    ));
    // fails after the load: a static image with location data
    std::fs::create_dir_all(root.join("static")).expect("static");
    std::fs::write(root.join("static/gps.jpg"), crate::privacy::jpeg_with_gps()).expect("jpeg");
    let more = t.replace("headline: 介護職員", "headline: 介護福祉士（夜勤可）");
    std::fs::write(&p, more).expect("write");
    assert!(matches!(
        session.rebuild_pages(&changes),
        Outcome::Failed { .. }
    ));
    let index = session.finish_search().expect("the index is still owed");
    let Outcome::Built { changed, .. } = index else {
        panic!("{index:?}")
    };
    assert!(!changed.is_empty(), "the index of 介護福祉士 is built");
}

/// The dev server publishes a rebuild's pages before its search index:
/// the pages of the first step are those of a full build, the index files
/// those of the previous build, and the second step makes the whole output
/// equal to a full build, changing only index files.
#[test]
fn pages_first_then_the_search_index() {
    let site = TempSite::from_fixture("sites/basic");
    let root = site.path().to_path_buf();
    let mut session = Session::new(options(&root), None);
    assert!(matches!(session.build_all(), Outcome::Built { .. }));
    assert!(session.finish_search().is_none(), "a first build is whole");
    let before = session.output().expect("built").clone();
    let p = root.join("content/talents/t-b.md");
    let text = std::fs::read_to_string(&p).expect("t-b");
    std::fs::write(&p, format!("{text}\n索引追従のテストです。\n")).expect("write");
    let is_index = |path: &str| path.contains("search-index/");

    let pages = session.rebuild_pages(&changes_for(&root, std::slice::from_ref(&p)));
    let Outcome::Built { changed, .. } = &pages else {
        panic!("{pages:?}")
    };
    assert!(
        changed.contains(&"talents/t-b/index.html".to_string()),
        "{changed:?}"
    );
    assert!(!changed.iter().any(|c| is_index(c)), "{changed:?}");
    let full = tsunagi::generate(&options(&root)).expect("full build");
    let out = session.output().expect("built");
    for (path, bytes) in &out.files {
        let expected = if is_index(path) {
            before.files.get(path)
        } else {
            full.output.files.get(path)
        };
        assert_eq!(Some(bytes), expected, "{path}");
    }

    let index = session.finish_search().expect("the index follows");
    let Outcome::Built { changed, .. } = &index else {
        panic!("{index:?}")
    };
    assert!(!changed.is_empty());
    assert!(changed.iter().all(|c| is_index(c)), "{changed:?}");
    assert_same_as_full(&root, &session, &index, &[]);
    assert!(session.finish_search().is_none(), "once");
}

/// With the index turned off (`BuildOptions::search_index`), no rebuild
/// owes one: the session's output stays without index files.
#[test]
fn without_the_index_no_rebuild_owes_one() {
    let site = TempSite::from_fixture("sites/basic");
    let root = site.path().to_path_buf();
    let mut opts = options(&root);
    opts.search_index = false;
    let mut session = Session::new(opts, None);
    assert!(matches!(session.build_all(), Outcome::Built { .. }));
    let p = root.join("content/talents/t-b.md");
    let text = std::fs::read_to_string(&p).expect("t-b");
    std::fs::write(&p, format!("{text}\n索引なしのテストです。\n")).expect("write");
    let pages = session.rebuild_pages(&changes_for(&root, std::slice::from_ref(&p)));
    assert!(matches!(pages, Outcome::Built { .. }), "{pages:?}");
    assert!(session.finish_search().is_none(), "no index is owed");
    let out = session.output().expect("built");
    assert!(out.files.contains_key("talents/t-b/index.html"));
    assert!(
        !out.files.keys().any(|path| path.contains("search-index/")),
        "{:?}",
        out.files.keys().collect::<Vec<_>>()
    );
}

// ---------------------------------------------------------------- binary

/// The real binary serving a temporary copy of a fixture site.
struct Served {
    child: Child,
    url: String,
    port: u16,
    site: TempSite,
}

impl Served {
    fn start(fixture: &str) -> Served {
        let site = TempSite::from_fixture(fixture);
        let mut child = tsunagi()
            .args(["serve", "--port", "0", "--today", TODAY, "--root"])
            .arg(site.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("tsunagi serve starts");
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).expect("a line");
        let url = line
            .trim()
            .strip_prefix("serving ")
            .unwrap_or_else(|| panic!("no URL in {line:?}"))
            .to_string();
        let port = url
            .trim_start_matches("http://127.0.0.1:")
            .split('/')
            .next()
            .and_then(|p| p.parse().ok())
            .expect("a port");
        Served {
            child,
            url,
            port,
            site,
        }
    }

    /// Sends raw bytes, returns the whole response.
    fn raw(&self, request: &str) -> String {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        s.set_read_timeout(Some(Duration::from_secs(10)))
            .expect("timeout");
        s.write_all(request.as_bytes()).expect("send");
        let mut out = Vec::new();
        let _ = s.read_to_end(&mut out);
        String::from_utf8_lossy(&out).to_string()
    }

    fn get(&self, path: &str) -> String {
        self.raw(&format!(
            "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n\r\n",
            self.port
        ))
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn status(resp: &str) -> &str {
    resp.lines().next().unwrap_or("")
}

#[test]
fn the_server_refuses_traversal_and_foreign_hosts() {
    let s = Served::start("sites/basic");
    assert!(
        s.url.ends_with("/jobs/"),
        "served under the base path: {}",
        s.url
    );
    let ok = s.get("/jobs/talents/t-a/");
    assert!(status(&ok).contains("200"), "{ok}");
    assert!(
        ok.contains("Content-Type: text/html; charset=utf-8"),
        "{ok}"
    );
    assert!(ok.contains("/__tsunagi/livereload.js"), "script injected");
    for bad in [
        "/jobs/../../../../etc/passwd",
        "/jobs/%2e%2e/%2e%2e/etc/passwd",
        "/jobs/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
        "/jobs/..%5c..%5cetc%5cpasswd",
        "/jobs/..\\..\\etc\\passwd",
        "/jobs/index.html%00.css",
        "/jobs/C:/Windows/win.ini",
        "//etc/passwd/..",
    ] {
        let r = s.get(bad);
        assert!(status(&r).contains("400"), "{bad}: {}", status(&r));
        assert!(!r.contains("root:"), "{bad}");
    }
    // absolute paths name files inside the site, not the machine
    let r = s.get("//etc/passwd");
    assert!(status(&r).contains("404"), "{}", status(&r));
    assert!(!r.contains("root:x:"));
    let r = s.raw("GET http://evil.example/etc/passwd HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    assert!(!status(&r).contains("200"), "{}", status(&r));
    // DNS rebinding: a foreign name is refused, localhost is fine
    for host in [
        "evil.example",
        "127.0.0.1.evil.example",
        "localhost.evil.example",
    ] {
        let r = s.raw(&format!(
            "GET /jobs/ HTTP/1.1\r\nHost: {host}:{}\r\nConnection: close\r\n\r\n",
            s.port
        ));
        assert!(status(&r).contains("403"), "{host}: {}", status(&r));
    }
    let r = s.raw(&format!(
        "GET /jobs/ HTTP/1.1\r\nHost: localhost:{}\r\nConnection: close\r\n\r\n",
        s.port
    ));
    assert!(status(&r).contains("200"), "{}", status(&r));
    let r = s.raw("GET /jobs/ HTTP/1.0\r\n\r\n");
    assert!(status(&r).contains("403"), "no Host: {}", status(&r));
}

/// Connections that stay open (kept-alive sockets, the live-reload event
/// stream of every open page) must not keep a new one waiting. tiny_http
/// 0.12.0 queued a burst of new connections behind one waiting thread, and
/// those beyond it waited until an open connection closed: a page's script
/// request never answered under load (vendor/tiny_http/PATCHED.md). The
/// burst comes while both cores are busy, which is when it happened.
#[test]
fn a_burst_of_connections_is_answered_while_others_stay_open() {
    let s = Served::start("sites/basic");
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let busy: Vec<_> = (0..4)
        .map(|_| {
            let stop = stop.clone();
            std::thread::spawn(move || {
                let mut x = 0u64;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(7));
                }
            })
        })
        .collect();
    let request = format!(
        "GET /__tsunagi/livereload.js HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n\r\n",
        s.port
    );
    let mut open = Vec::new();
    let mut unanswered = Vec::new();
    for round in 0..3 {
        let mut conns: Vec<TcpStream> = (0..24)
            .map(|_| TcpStream::connect(("127.0.0.1", s.port)).expect("connect"))
            .collect();
        for c in &mut conns {
            c.write_all(request.as_bytes()).expect("send");
        }
        // one deadline for the round, not one per connection
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        for (i, c) in conns.iter_mut().enumerate() {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            c.set_read_timeout(Some(left.max(Duration::from_millis(1))))
                .expect("timeout");
            let mut head = [0u8; 12];
            match c.read_exact(&mut head) {
                Ok(()) if head.starts_with(b"HTTP/1.1 200") => {}
                other => unanswered.push(format!("round {round}, connection {i}: {other:?}")),
            }
        }
        // kept alive, like a browser's: they hold their threads
        open.extend(conns);
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for b in busy {
        let _ = b.join();
    }
    assert!(unanswered.is_empty(), "no answer: {unanswered:#?}");
    drop(open);
}

#[test]
fn the_server_gives_types_404s_head_and_redirects() {
    let s = Served::start("sites/basic");
    let css = s.get("/jobs/style.css");
    assert!(
        css.contains("Content-Type: text/css; charset=utf-8"),
        "{css}"
    );
    assert!(!css.contains("livereload"), "never in CSS");
    let svg = s.get("/jobs/images/map.svg");
    assert!(svg.contains("Content-Type: image/svg+xml"), "{svg}");
    let feed = s.get("/jobs/atom.xml");
    assert!(
        feed.contains("Content-Type: application/atom+xml; charset=utf-8"),
        "{}",
        status(&feed)
    );
    let sitemap = s.get("/jobs/sitemap.xml");
    assert!(sitemap.contains("Content-Type: application/xml; charset=utf-8"));
    let robots = s.get("/jobs/robots.txt");
    assert!(robots.contains("Content-Type: text/plain; charset=utf-8"));
    let png = s.get("/jobs/stories/kitchen/dish.png");
    assert!(png.contains("Content-Type: image/png"), "{}", status(&png));
    // Japanese term pages, percent-encoded as browsers send them
    let term = s.get("/jobs/tags/%E3%82%A8%E3%83%B3%E3%82%B8%E3%83%8B%E3%82%A2/");
    assert!(status(&term).contains("200"), "{}", status(&term));
    // misses get the site's 404 page with status 404
    let miss = s.get("/jobs/no/such/page/");
    assert!(status(&miss).contains("404"), "{}", status(&miss));
    assert!(miss.contains("<html"), "the site's 404.html");
    assert!(miss.contains("livereload"), "404 page reloads too");
    // HEAD: headers with the length, no body
    let head = s.raw(&format!(
        "HEAD /jobs/style.css HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n\r\n",
        s.port
    ));
    assert!(status(&head).contains("200"), "{head}");
    assert!(head.contains("Content-Length: "), "{head}");
    assert!(head.ends_with("\r\n\r\n"), "no body: {head:?}");
    // folders without their slash, and the root
    let r = s.get("/jobs/talents");
    assert!(
        status(&r).contains("301") && r.contains("Location: /jobs/talents/"),
        "{r}"
    );
    let r = s.get("/");
    assert!(
        status(&r).contains("302") && r.contains("Location: /jobs/"),
        "{r}"
    );
    let r = s.raw(&format!(
        "POST /jobs/ HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        s.port
    ));
    assert!(status(&r).contains("405"), "{r}");
    // `tsunagi build` output never carries the script
    let out = site_build_output(&s.site);
    assert!(
        out.values()
            .all(|b| !String::from_utf8_lossy(b).contains("__tsunagi"))
    );
}

fn site_build_output(site: &TempSite) -> std::collections::BTreeMap<String, Vec<u8>> {
    site.build(TODAY, &[]);
    read_tree(&site.public())
}

#[test]
fn live_reload_end_to_end_in_chromium() {
    let s = Served::start("sites/basic");
    let out = node("serve-e2e.mjs", &[&s.url, &s.site.path().to_string_lossy()]);
    let text = text(&out);
    assert!(out.status.success(), "{text}");
    for step in [
        "OK text-edit",
        "OK second-page",
        "OK css-swap",
        "OK overlay",
        "OK recovered",
        "OK deleted-404",
        "OK search-follows",
    ] {
        assert!(text.contains(step), "{step} missing:\n{text}");
    }
}
