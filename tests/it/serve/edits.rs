//! A small talent site and random edits to it, as a writer makes them:
//! bodies, front matter, consent, files added, renamed, broken and fixed.

use std::path::{Path, PathBuf};

use tsunagi::BuildOptions;
use tsunagi::serve::watch::Changes;

use crate::harness::*;

pub(super) const TODAY: &str = "2026-06-01";

pub(super) fn options(root: &Path) -> BuildOptions {
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

pub(super) fn talent(
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
pub(super) fn random_edit(
    site: &Path,
    rng: &mut Rng,
    step: usize,
    log: &mut Vec<String>,
) -> Vec<PathBuf> {
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

pub(super) fn changes_for(site: &Path, paths: &[PathBuf]) -> Changes {
    let mut c = Changes::default();
    for p in paths {
        c.add(site, &site.join("public"), p);
    }
    c
}
