//! Incremental rebuilds through the library: each equals a full build of
//! the same files, renders only what an edit shows, and owes the search
//! index exactly when it should.

use std::path::Path;
use std::time::Duration;

use tsunagi::Error;
use tsunagi::serve::incremental::{Outcome, Session};

use super::edits::*;
use crate::harness::*;

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
