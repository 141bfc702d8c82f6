//! `tsunagi init` and `tsunagi new`: files for people to start from.
//!
//! `new` writes every field of the schema with a comment saying what it is
//! for, so a writer never has to look up a key name; optional fields are
//! commented out.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::content::is_talent_id;
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
    match kind {
        NewKind::Talent => format!(
            r#"---
# Talent profile. Only a pseudonym and work-related facts: never a legal name,
# contact details, home town, nationality or residence status (the build
# refuses them). The consent block is never published.
#
# Not published as it is: `tsunagi check` names every field still to fill.
# To publish, fill in display_name, headline, the career summary below the
# closing --- and the consent block from the signed consent form, then set
# `status: seeking`.
id: {name}                      # letters A–Z, digits and -; the URL is /talents/<id>/
display_name: ""                # a pseudonym chosen with the person, e.g. "アミルさん"
headline: ""                    # the role and main skills, e.g. "介護職（特養での実務3年）"; or {{ja: "…", en: "…"}}
status: paused                  # seeking | in_trial | hired | paused (only seeking is published)
job_categories: []              # keys named in i18n/<lang>.yaml under job_category_names, e.g. [nursing-care]
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
# verified: {today}             # the day the profile was last reviewed with the person
consent:
  record_id: ""                 # the signed consent form's number in your records, e.g. C-2026-0015
  given:                        # the day the person signed it (YYYY-MM-DD)
  expires:                      # the day consent ends (YYYY-MM-DD): the profile leaves the site on this day
  withdrawn: null               # set a date when the person withdraws: the profile is removed at the next build
  scope: []                     # what the person agreed to show: photo, origin_region, age_band, and story (stories may link the profile)
  audience: public              # public | companies (companies: only in `tsunagi build --audience companies`)
---

（{placeholder}。これまでの仕事と得意なことを数文で。見出し「職務要約」はテーマが付けます。）
"#,
            ym = today.format("%Y-%m"),
            placeholder = crate::content::gate::SUMMARY_PLACEHOLDER,
        ),
        NewKind::Story => format!(
            r#"---
title: "Meet refugee talents: タイトル"
date: {today}                   # or 2026-03-08T09:30:00+09:00
# slug: {name}                  # ASCII only; default: the file name
summary: "一文の要約"
author: "編集部"
# talent: t-2026-001            # the featured talent's id; needs the consent block below
# image: photo.jpg              # beside this file (re-encoded: location data is removed)
tags: []
draft: true                     # remove when ready to publish
# consent:                      # required when `talent` is set: the story's own consent
#   record_id: ""               # the signed consent form's number
#   given:                      # the day it was signed (YYYY-MM-DD)
#   expires:                    # the day consent ends (YYYY-MM-DD)
#   withdrawn: null
#   scope: [story]
---

本文をここに書きます。見出しは `## 見出し` です。

<!-- more -->

ほかのページへのリンクは、content/ からのパスで書きます。例: `[プロフィール](@/talents/t-2026-001.md)`
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

/// Refuses a name `check` would refuse once the file exists: a talent's
/// name is its id (the rule of [`is_talent_id`]); a story's or report's
/// becomes its file name and URL.
fn check_name(kind: NewKind, name: &str) -> Result<()> {
    let ok = match kind {
        NewKind::Talent => is_talent_id(name),
        NewKind::Story | NewKind::Report => {
            !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
        }
    };
    if ok {
        return Ok(());
    }
    // the name with every character the rule refuses made a `-`
    let fixed: String = name
        .chars()
        .map(|c| match kind {
            NewKind::Talent if c.is_ascii_alphanumeric() => c,
            NewKind::Story | NewKind::Report if c.is_alphanumeric() || c == '_' => c,
            _ => '-',
        })
        .collect::<String>()
        .split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    let hint = if fixed.is_empty() {
        String::new()
    } else {
        format!(", e.g. `{fixed}`")
    };
    Err(Error::Usage(match kind {
        NewKind::Talent => format!(
            "`{name}`: a talent's id may contain only letters A–Z, digits and `-` (it becomes the URL /talents/<id>/){hint}; nothing was written"
        ),
        _ => format!(
            "`{name}`: use letters, digits, - and _ only (it becomes the file name and the URL){hint}; nothing was written"
        ),
    }))
}

/// `tsunagi new`: writes `content/<section>/<name>.md` and returns its path.
pub fn new_content(root: &Path, kind: NewKind, name: &str, today: NaiveDate) -> Result<PathBuf> {
    check_name(kind, name)?;
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
        ("content/talents/t-0001.md", format!("---\nid: t-0001\ndisplay_name: \"サンプルさん\"\nheadline: {{ja: \"バックエンドエンジニア\", en: \"Backend engineer\"}}\nstatus: seeking\njob_categories: [software-engineering]\nskills: [Python, {{name: Go, level: intermediate, years: 2}}]\nlanguages:\n  - {{code: ja, jlpt: N2}}\n  - {{code: en, cefr: C1}}\nexperience_years: 5\navailability: {{from: {}, types: [full_time], remote_ok: true}}\nregions: [東京都]\ntags: [engineering]\nverified: {last_month}\nconsent:\n  record_id: C-SAMPLE-1\n  given: {last_month}\n  expires: {next_year}\n  withdrawn: null\n  scope: [story]\n---\n\n母国で5年間、業務システムの開発に携わってきました。\n", today.format("%Y-%m"))),
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
