//! `tsunagi init` and `tsunagi new`: files for people to start from.
//!
//! `new` writes every field of the schema with a comment saying what it is
//! for, so a writer never has to look up a key name; optional fields are
//! commented out.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::error::{Error, Result};

/// What `tsunagi new` makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NewKind {
    /// A talent profile.
    Talent,
    /// A story.
    Story,
    /// An event report.
    Report,
}

fn write_new(path: &Path, text: &str) -> Result<()> {
    if path.exists() {
        return Err(Error::Usage(format!(
            "{} already exists; choose another name",
            path.display()
        )));
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| Error::io("creating", parent, e))?;
    }
    std::fs::write(path, text).map_err(|e| Error::io("writing", path, e))
}

/// The text of a new content file.
pub fn template(kind: NewKind, name: &str, today: NaiveDate) -> String {
    let next_year = today
        .checked_add_signed(chrono::Duration::days(365))
        .unwrap_or(today);
    match kind {
        NewKind::Talent => format!(
            r#"---
# Talent profile. Only a pseudonym and work-related facts: never a legal name,
# contact details, home town, nationality or residence status (the build
# refuses them). The consent block is never published.
id: {name}                      # letters, digits and -; the URL is /talents/<id>/
display_name: "ニックネームさん"     # a pseudonym chosen with the person
headline: "職種（主なスキル）"       # or per language: {{ja: "…", en: "…"}}
status: seeking                 # seeking | in_trial | hired | paused (only seeking is published)
job_categories: []              # e.g. [software-engineering, caregiving]
skills: []                      # "Python" or {{name: Python, level: advanced, years: 5}}
languages: []                   # {{code: ja, jlpt: N2}}, {{code: en, cefr: B2}}, {{code: ar, native: true}}
# experience_years: 3
# education:
#   - {{level: 学士, field: 情報工学}}
# availability: {{from: {ym}, types: [full_time], remote_ok: false}}   # types: full_time, part_time, contract, internship
regions: []                     # where the person can work, e.g. [東京都, リモート]
# origin_region: 中東             # published only if `origin_region` is in consent.scope
# age_band: 30代                  # published only if `age_band` is in consent.scope
# photo: photo.jpg               # beside this file; published only if `photo` is in consent.scope
tags: []
verified: {today}               # the day the profile was last reviewed with the person
consent:
  record_id: C-0000             # the consent form's number in your records
  given: {today}
  expires: {next_year}          # the profile disappears from the site on this day
  withdrawn: null               # set a date when the person withdraws: the profile is removed at the next build
  scope: [story]                # optional fields the person agreed to show, and `story` to allow stories to link the profile
  audience: public              # public | companies (companies: only in `tsunagi build --audience companies`)
---

## 職務要約

（ここに職務要約を書きます。）
"#,
            ym = today.format("%Y-%m"),
        ),
        NewKind::Story => format!(
            r#"---
title: "Meet refugee talents: タイトル"
date: {today}                   # or 2026-03-08T09:30:00+09:00
# slug: {name}                  # ASCII only; default: the file name
summary: "一文の要約"
author: "編集部"
# talent: t-0000                # the featured talent's id; needs the consent block below
# image: photo.jpg              # beside this file (re-encoded: location data is removed)
tags: []
draft: true                     # remove when ready to publish
# consent:                      # required when `talent` is set: the story's own consent
#   record_id: C-0000
#   given: {today}
#   expires: {next_year}
#   withdrawn: null
#   scope: [story]
---

本文をここに書きます。見出しは `## 見出し` です。

<!-- more -->

プロフィールへのリンク: [プロフィール](@/talents/t-0000.md)
"#
        ),
        NewKind::Report => format!(
            r#"---
title: "第N回 レポート"
date: {today}
# slug: {name}
series: school                  # the series this session belongs to
number: 1                       # the session's number in the series
venue: "会場名（オンライン併用）"
speakers: []                    # {{name: 山田 花子, role: 代表, org: 団体名}}
organizations: []
tags: []
summary: "一文の要約"
# announce: true                # publish before the date, as an upcoming session
draft: true                     # remove when ready to publish
---

## 当日の内容

本文をここに書きます。
"#
        ),
    }
}

/// `tsunagi new`: writes `content/<section>/<name>.md` and returns its path.
pub fn new_content(root: &Path, kind: NewKind, name: &str, today: NaiveDate) -> Result<PathBuf> {
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
    {
        return Err(Error::Usage(format!(
            "`{name}`: use letters, digits, - and _ only (it becomes the file name)"
        )));
    }
    if !crate::build::is_site(root) {
        return Err(Error::Usage(format!(
            "{} has no site.yaml; run this inside a site or pass --root",
            root.display()
        )));
    }
    let section = match kind {
        NewKind::Talent => "talents",
        NewKind::Story => "stories",
        NewKind::Report => "reports",
    };
    let path = root
        .join("content")
        .join(section)
        .join(format!("{name}.md"));
    write_new(&path, &template(kind, name, today))?;
    Ok(path)
}

/// `tsunagi init DIR`: a new site with sample content that builds as is.
pub fn init(dir: &Path, today: NaiveDate) -> Result<Vec<PathBuf>> {
    if dir.exists() {
        let non_empty = std::fs::read_dir(dir)
            .map_err(|e| Error::io("reading", dir, e))?
            .next()
            .is_some();
        if non_empty {
            return Err(Error::Usage(format!(
                "{} is not empty; `tsunagi init` only creates new sites",
                dir.display()
            )));
        }
    }
    let last_month = today
        .checked_sub_signed(chrono::Duration::days(30))
        .unwrap_or(today);
    let next_year = today
        .checked_add_signed(chrono::Duration::days(365))
        .unwrap_or(today);
    let files: Vec<(&str, String)> = vec![
        ("site.yaml", "title: \"つなぐキャリア\"\nbase_url: \"https://example.org/\"\nlanguage: ja\ndescription: \"難民の方々のスキルと企業をつなぐ / Connecting refugee talent with companies\"\npaginate: 12\ncontact_url: \"https://example.org/contact/\"\n".to_string()),
        (".gitignore", "/public\n/.tsunagi\n".to_string()),
        ("content/_index.md", "---\ntitle: \"ようこそ / Welcome\"\n---\n\n難民の方々のスキルと経験を、企業の皆さまにご紹介します。\n\nWe introduce the skills and experience of refugee talent to companies in Japan.\n".to_string()),
        ("content/about.md", "---\ntitle: \"私たちについて / About\"\n---\n\n出会い、マッチング、お試し雇用、定着まで伴走します。\n".to_string()),
        ("content/talents/_index.md", "---\ntitle: \"人材プロフィール / Talent profiles\"\n---\n\n公開に同意した方のプロフィールです。\n".to_string()),
        ("content/talents/t-0001.md", format!("---\nid: t-0001\ndisplay_name: \"サンプルさん\"\nheadline: {{ja: \"バックエンドエンジニア\", en: \"Backend engineer\"}}\nstatus: seeking\njob_categories: [software-engineering]\nskills: [Python, {{name: Go, level: intermediate, years: 2}}]\nlanguages:\n  - {{code: ja, jlpt: N2}}\n  - {{code: en, cefr: C1}}\nexperience_years: 5\navailability: {{from: {}, types: [full_time], remote_ok: true}}\nregions: [東京都]\ntags: [engineering]\nverified: {last_month}\nconsent:\n  record_id: C-SAMPLE-1\n  given: {last_month}\n  expires: {next_year}\n  withdrawn: null\n  scope: [story]\n---\n\n## 職務要約\n\n母国で5年間、業務システムの開発に携わってきました。\n", today.format("%Y-%m"))),
        ("content/stories/_index.md", "---\ntitle: \"Meet refugee talents\"\n---\n".to_string()),
        ("content/stories/first-story.md", format!("---\ntitle: \"Meet refugee talents #1\"\ndate: {last_month}\nsummary: \"はじめてのインタビュー\"\nauthor: \"編集部\"\ntalent: t-0001\ntags: [interview]\nconsent:\n  record_id: C-SAMPLE-2\n  given: {last_month}\n  expires: {next_year}\n  withdrawn: null\n  scope: [story]\n---\n\n## 来日してから\n\nサンプルの記事です。[プロフィールはこちら](@/talents/t-0001.md)。\n")),
        ("content/reports/_index.md", "---\ntitle: \"イベントレポート / Reports\"\n---\n".to_string()),
        ("content/reports/session-1.md", format!("---\ntitle: \"スクール 第1回 レポート\"\ndate: {last_month}\nseries: school\nnumber: 1\nvenue: \"オンライン\"\nspeakers:\n  - {{name: 山田 花子, role: 代表, org: サンプル団体}}\norganizations: [サンプル団体]\ntags: [workshop]\n---\n\n## 当日の内容\n\nサンプルのレポートです。\n")),
    ];
    let mut written = Vec::new();
    for (rel, text) in files {
        let path = dir.join(rel);
        write_new(&path, &text)?;
        written.push(path);
    }
    std::fs::create_dir_all(dir.join("static"))
        .map_err(|e| Error::io("creating", &dir.join("static"), e))?;
    Ok(written)
}
