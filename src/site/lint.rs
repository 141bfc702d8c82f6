//! Terms that look like a named one: a job category, series or tag that
//! `i18n/<lang>.yaml` does not name, but that is probably one it names,
//! written another way.
//!
//! Writers mix keys with free names (`job_categories: [介護, nursing-care]`)
//! and the directory then offers two roles where one was meant, 介護 beside
//! 介護・看護, with nothing to say why. A name written for its key is
//! already the key's term ([`super::TermNames`]); what is left is caught
//! here and reported as a warning at the term in the first file that
//! writes it. A term counts as a near-duplicate of a named key when
//!
//! * it is the key or one of its names but for case, width, spaces and
//!   punctuation (`nursing care`, `ＮｕｒｓｉｎｇＣａｒｅ`);
//! * it shares a name with it: it is a part of the key's name or has a part
//!   in common with it (`介護` and `介護・看護`, `経理` and `経理・財務`);
//! * it is a letter or two away from it (`finanse`, `ソフトウエア開発`);
//! * for job categories, every profile that lists it also lists the key
//!   (`[construction, 施工管理]`): two names of one wish.
//!
//! A term that is a category of its own is named in `i18n/<lang>.yaml`,
//! and then never reported.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use unicode_normalization::UnicodeNormalization;

use super::{Page, PageData, TaxonomyKind, TermNames};
use crate::error::Diagnostic;

/// The taxonomies checked, with the front matter key that writes them and
/// the strings group that names them.
const CHECKED: [(TaxonomyKind, &str, &str, &str); 3] = [
    (
        TaxonomyKind::JobCategories,
        "job_categories",
        "job_category_names",
        "job category",
    ),
    (TaxonomyKind::Series, "series", "series_names", "series"),
    (TaxonomyKind::Tags, "tags", "tag_names", "tag"),
];

/// Warnings for near-duplicate terms in `pages` (every language's);
/// `root` is the site folder, to place each warning in its file.
pub fn near_duplicates(pages: &[Page], names: &TermNames, root: &Path) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    // each file once: a talent is a page per language, all from the
    // front matter of its original file
    let mut by_file: Vec<(&str, &Page)> = pages
        .iter()
        .map(|p| match &p.data {
            PageData::Talent(t) => (t.source.path.as_str(), p),
            _ => (p.file.as_str(), p),
        })
        .collect();
    by_file.sort_by(|a, b| a.0.cmp(b.0));
    by_file.dedup_by(|a, b| a.0 == b.0);
    for (kind, key, group, what) in CHECKED {
        let Some(named) = names.named(kind) else {
            continue;
        };
        // each term as written → the files writing it, and the named keys
        // beside it in every one of them
        let mut written: BTreeMap<&str, (Vec<&str>, Option<BTreeSet<String>>)> = BTreeMap::new();
        for &(file, p) in &by_file {
            let terms = written_terms(p, kind);
            let beside: BTreeSet<String> = terms
                .iter()
                .filter_map(|t| named_key(names, named, kind, t))
                .collect();
            for t in terms {
                let t = t.trim();
                if t.is_empty() || names.is_named(kind, t) {
                    continue;
                }
                let (files, common) = written.entry(t).or_default();
                if files.last() != Some(&file) {
                    files.push(file);
                }
                *common = Some(match common.take() {
                    None => beside.clone(),
                    Some(c) => c.intersection(&beside).cloned().collect(),
                });
            }
        }
        for (term, (files, common)) in written {
            let why = named
                .iter()
                .find_map(|(k, ns)| likeness(term, k, ns).map(|why| (k, ns, why)))
                .or_else(|| {
                    let k = common
                        .filter(|_| kind == TaxonomyKind::JobCategories)?
                        .into_iter()
                        .next()?;
                    let (k, ns) = named.get_key_value(&k)?;
                    Some((
                        k,
                        ns,
                        format!("every profile that lists it lists `{k}` too"),
                    ))
                });
            let Some((k, ns, why)) = why else { continue };
            let Some(first) = files.first() else { continue };
            let shown = if ns.is_empty() {
                format!("`{k}`")
            } else {
                format!("`{k}` ({})", ns.join(" / "))
            };
            let mut msg = format!(
                "{what} `{term}` is not named in i18n/<lang>.yaml and looks like {shown}: {why}; write `{k}` if that is meant, or name `{term}` under `{group}` if it is one of its own"
            );
            if files.len() > 1 {
                let more: Vec<&str> = files[1..].iter().take(5).copied().collect();
                msg.push_str(&format!(" (also in {}", more.join(", ")));
                if files.len() > 6 {
                    msg.push_str(&format!(" and {} more", files.len() - 6));
                }
                msg.push(')');
            }
            let text = std::fs::read_to_string(root.join(first)).unwrap_or_default();
            let at = position(&text, key, term);
            out.push(
                Diagnostic::warning(first.to_string(), at.map(|(l, _)| l), msg)
                    .at_column(at.map(|(_, c)| c))
                    .with_source(&text),
            );
        }
    }
    out
}

/// The terms of `kind` a page writes, as written.
fn written_terms(p: &Page, kind: TaxonomyKind) -> Vec<&str> {
    fn list(v: &[String]) -> Vec<&str> {
        v.iter().map(String::as_str).collect()
    }
    match (&p.data, kind) {
        (PageData::Talent(t), TaxonomyKind::JobCategories) => list(&t.job_categories),
        (PageData::Talent(t), TaxonomyKind::Tags) => list(&t.tags),
        (PageData::Story(s), TaxonomyKind::Tags) => list(&s.tags),
        (PageData::Report(r), TaxonomyKind::Tags) => list(&r.tags),
        (PageData::Report(r), TaxonomyKind::Series) => r.series.as_deref().into_iter().collect(),
        _ => Vec::new(),
    }
}

/// The named key a term written as `t` is, if any.
fn named_key(
    names: &TermNames,
    named: &BTreeMap<String, Vec<String>>,
    kind: TaxonomyKind,
    t: &str,
) -> Option<String> {
    if !names.is_named(kind, t) {
        return None;
    }
    let slug = crate::slug::term_slug(t.trim());
    named
        .iter()
        .find(|(k, ns)| {
            crate::slug::term_slug(k) == slug
                || ns.iter().any(|n| crate::slug::term_slug(n) == slug)
        })
        .map(|(k, _)| k.clone())
}

/// Why `term` looks like the named key `key` (with its names `names`), if
/// it does.
fn likeness(term: &str, key: &str, names: &[String]) -> Option<String> {
    let t = fold(term);
    if t.is_empty() {
        return None;
    }
    let spellings: Vec<&str> = std::iter::once(key)
        .chain(names.iter().map(String::as_str))
        .collect();
    if let Some(s) = spellings.iter().find(|s| fold(s) == t) {
        return Some(format!(
            "it is `{s}` but for case, width, spaces or punctuation"
        ));
    }
    let term_parts = parts(term);
    for s in &spellings {
        let ps = parts(s);
        if let Some(shared) = term_parts.iter().find(|p| ps.contains(*p)) {
            return Some(format!("they share the name `{shared}` (in `{s}`)"));
        }
    }
    for s in &spellings {
        let f = fold(s);
        let shorter = t.chars().count().min(f.chars().count());
        let allowed = match shorter {
            0..=4 => 0,
            5..=9 => 1,
            _ => 2,
        };
        if allowed > 0 && edit_distance(&t, &f) <= allowed {
            return Some(format!("it is spelt like `{s}` but for a letter or two"));
        }
    }
    None
}

/// NFKC, lower case, letters and digits only: `Nursing-Care` and
/// `ｎｕｒｓｉｎｇ ｃａｒｅ` fold alike.
fn fold(s: &str) -> String {
    s.nfkc()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The parts of a name joined by `・`, `/`, `,`, `&`, `+` or ` and `
/// (`介護・看護` → 介護, 看護), folded; parts of one character are left out.
fn parts(s: &str) -> BTreeSet<String> {
    let spaced = s.nfkc().collect::<String>().to_lowercase();
    spaced
        .replace(" and ", "/")
        .split(['・', '/', ',', '、', '&', '+', '･'])
        .map(fold)
        .filter(|p| p.chars().count() >= 2)
        .collect()
}

/// Levenshtein distance in characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// Line and column (1-based, in characters) of `value` written under
/// `key` in the front matter of `text`: in a flow list on the key's line
/// (`tags: [a, b]`) or in the block list below it (`- a`). Falls back to
/// the key, then to nothing.
fn position(text: &str, key: &str, value: &str) -> Option<(usize, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    // the front matter only: from the opening `---` to the closing one
    let end = lines
        .iter()
        .skip(1)
        .position(|l| matches!(l.trim_end(), "---" | "..."))
        .map_or(lines.len(), |i| i + 1);
    let front = lines[..end].join("\n");
    let (line, col) = crate::yaml::find_key_line(&front, key, 1)?;
    let is_edge = |c: Option<char>| c.is_none_or(|c| c.is_whitespace() || "[],\"':-#".contains(c));
    for (i, l) in lines.iter().enumerate().take(end).skip(line - 1) {
        // the key's own line, then its indented list items
        if i + 1 > line && !(l.starts_with(' ') || l.starts_with('-') || l.starts_with('\t')) {
            break;
        }
        let from = if i + 1 == line {
            l.find(':').map_or(0, |c| c + 1)
        } else {
            0
        };
        let mut start = from;
        while let Some(found) = l[start..].find(value) {
            let at = start + found;
            let before = l[..at].chars().next_back();
            let after = l[at + value.len()..].chars().next();
            if is_edge(before) && is_edge(after) {
                return Some((i + 1, l[..at].chars().count() + 1));
            }
            start = at + value.len();
        }
    }
    Some((line, col))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(n: &[&str]) -> Vec<String> {
        n.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn likeness_by_spelling_parts_and_letters() {
        let care = names(&["介護・看護", "Nursing and care"]);
        let like = |t: &str, k: &str, ns: &[String]| likeness(t, k, ns);
        assert_eq!(
            like("Nursing Care", "nursing-care", &care).as_deref(),
            Some("it is `nursing-care` but for case, width, spaces or punctuation")
        );
        assert!(like("ｎｕｒｓｉｎｇｃａｒｅ", "nursing-care", &care).is_some());
        assert_eq!(
            like("介護", "nursing-care", &care).as_deref(),
            Some("they share the name `介護` (in `介護・看護`)")
        );
        assert_eq!(
            like("介護/福祉", "nursing-care", &care).as_deref(),
            Some("they share the name `介護` (in `介護・看護`)")
        );
        assert_eq!(
            like("care", "nursing-care", &care).as_deref(),
            Some("they share the name `care` (in `Nursing and care`)")
        );
        assert_eq!(
            like("finanse", "finance", &names(&["経理・財務"])).as_deref(),
            Some("it is spelt like `finance` but for a letter or two")
        );
        assert_eq!(
            like(
                "ソフトウエア開発",
                "software-engineering",
                &names(&["ソフトウェア開発"])
            )
            .as_deref(),
            Some("it is spelt like `ソフトウェア開発` but for a letter or two")
        );
        // short words a letter apart are other words: 看護師 is not 介護士
        assert_eq!(like("看護師", "caregiving", &names(&["介護士"])), None);
        assert_eq!(like("data", "date-x", &[]), None);
        assert_eq!(like("物流", "nursing-care", &care), None);
        assert_eq!(like("建設", "construction", &names(&["施工管理"])), None);
    }

    #[test]
    fn terms_are_found_where_they_are_written() {
        let text = "---\ntitle: x\njob_categories: [nursing-care, 介護]\ntags:\n  - care\n  - 介護\n---\n\njob_categories: 介護\n";
        assert_eq!(position(text, "job_categories", "介護"), Some((3, 32)));
        assert_eq!(position(text, "tags", "介護"), Some((6, 5)));
        // a part of another term is not the term
        assert_eq!(position(text, "tags", "car"), Some((4, 1)));
        assert_eq!(position(text, "series", "x"), None);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}
