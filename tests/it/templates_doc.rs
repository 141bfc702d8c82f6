//! themes/default/TEMPLATES.md stays true: every variable (and first-level
//! field) the default theme's templates use is listed there.

use std::collections::BTreeSet;

use crate::harness::*;

/// Names the renderer puts in template contexts (and `card`, the name the
/// theme gives each list entry), whose fields the reference lists.
const TOP: &[&str] = &[
    "lang",
    "title",
    "description",
    "current_url",
    "permalink",
    "robots",
    "alternates",
    "current_section",
    "live_reload",
    "meta",
    "site",
    "home",
    "latest_stories",
    "latest_reports",
    "featured_talents",
    "section",
    "paginator",
    "facets",
    "page",
    "talent",
    "story",
    "report",
    "taxonomy",
    "term",
    "search",
    "home_url",
    "card",
];

fn expressions(template: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for (open, close) in [("{{", "}}"), ("{%", "%}")] {
        let mut rest = template;
        while let Some(i) = rest.find(open) {
            let after = &rest[i + 2..];
            let Some(j) = after.find(close) else { break };
            out.push(&after[..j]);
            rest = &after[j + 2..];
        }
    }
    out
}

/// `page.title`, `meta.og.title` (as `meta.og`), `lang` … used in an expression.
fn references(expr: &str) -> BTreeSet<String> {
    let mut refs = BTreeSet::new();
    let mut quoted = false;
    let mut word = String::new();
    let mut prev = ' ';
    for c in expr.chars().chain([' ']) {
        if c == '"' {
            quoted = !quoted;
        }
        if !quoted && (c.is_ascii_alphanumeric() || c == '_' || c == '.') {
            word.push(c);
            continue;
        }
        if !word.is_empty() && prev != '|' {
            let parts: Vec<&str> = word.split('.').filter(|p| !p.is_empty()).collect();
            if let Some(root) = parts.first()
                && TOP.contains(root)
                && !word.starts_with('.')
            {
                let r = match parts.len() {
                    1 => root.to_string(),
                    _ => format!("{}.{}", root, parts[1]),
                };
                refs.insert(r);
            }
        }
        if !c.is_whitespace() {
            prev = c;
        }
        word.clear();
    }
    refs
}

#[test]
fn every_variable_the_default_theme_uses_is_documented() {
    let doc =
        std::fs::read_to_string(repo().join("themes/default/TEMPLATES.md")).expect("TEMPLATES.md");
    let mut missing = BTreeSet::new();
    let mut seen = 0;
    for entry in walkdir::WalkDir::new(repo().join("themes/default/templates")) {
        let entry = entry.expect("readable");
        if !entry.file_type().is_file() {
            continue;
        }
        let text = std::fs::read_to_string(entry.path()).expect("template");
        for expr in expressions(&text) {
            for r in references(expr) {
                seen += 1;
                if !doc.contains(&format!("`{r}`"))
                    && !doc.contains(&format!("`{r}."))
                    && !doc.contains(&format!("`{r} "))
                {
                    missing.insert(format!("{r} ({})", entry.file_name().to_string_lossy()));
                }
            }
        }
    }
    assert!(
        seen > 100,
        "the scan found the templates' variables ({seen})"
    );
    assert!(
        missing.is_empty(),
        "used in templates but not in TEMPLATES.md:\n{}",
        missing.into_iter().collect::<Vec<_>>().join("\n")
    );
}

#[test]
fn the_scanner_sees_fields_and_ignores_strings_and_filters() {
    let r = references(r#" page.title | replace(from="x.y", to=talent.id) ~ meta.og.title "#);
    let got: Vec<&str> = r.iter().map(String::as_str).collect();
    assert_eq!(got, ["meta.og", "page.title", "talent.id"]);
}

/// Every group of names the theme's strings have (`tag_names` …), and every
/// one tsunagi reads from a site's, is documented for template authors.
#[test]
fn every_group_of_names_is_documented() {
    let doc =
        std::fs::read_to_string(repo().join("themes/default/TEMPLATES.md")).expect("TEMPLATES.md");
    let readme = std::fs::read_to_string(repo().join("README.md")).expect("README.md");
    let mut groups: BTreeSet<String> = [
        "job_category_names",
        "series_names",
        "tag_names",
        "skill_names",
        "language_names",
        "region_names",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for lang in ["ja", "en"] {
        let path = repo().join(format!("themes/default/i18n/{lang}.yaml"));
        let text = std::fs::read_to_string(&path).expect("theme strings");
        for line in text.lines() {
            if let Some((key, _)) = line.split_once(':')
                && key.ends_with("_names")
                && !key.starts_with([' ', '#'])
            {
                groups.insert(key.to_string());
            }
        }
    }
    assert!(
        groups.contains("skill_level_names"),
        "the scan read the theme: {groups:?}"
    );
    let missing: Vec<&String> = groups
        .iter()
        .filter(|g| !doc.contains(&format!("`{g}`")))
        .collect();
    assert!(missing.is_empty(), "not in TEMPLATES.md: {missing:?}");
    // those a site writes for its own terms are in README's front matter reference
    for g in [
        "job_category_names",
        "series_names",
        "tag_names",
        "skill_names",
    ] {
        assert!(
            readme.contains(&format!("`{g}`")),
            "{g} is not in README.md"
        );
    }
}
