//! Forbidden keys: the matcher that finds the concepts of
//! [`super::concepts`] in any spelling a writer or a copy-paste produces.
//!
//! A key is normalised before matching: NFKC (`ＥＭＡＩＬ` is `EMAIL`), case
//! folded, split into words at `_`, `-`, spaces, dots, camelCase humps,
//! digits and changes of script (`dateOfBirth` → date·of·birth, `TEL番号` →
//! tel·番号). An English spelling matches a run of whole words, written
//! together or apart and as a plural (`email` matches `E-Mail`, `e_mail`
//! and `emails`; `date of birth` matches `dateOfBirth` and `dateofbirth`;
//! `nationality` matches `nationalities`), never part of a word (`usage` is
//! not `age`). A Japanese spelling matches anywhere in the key with
//! separators removed, since Japanese writes compounds without spaces
//! (`緊急連絡先電話番号` holds 電話).
//!
//! **Names of things are not names of people.** `name` is forbidden, and so
//! is any key holding it (`first_name`, `name_kana`, `mother_name`,
//! `username`), unless the word right before it names a thing that is not
//! a person (`company_name`, `school_name`, `project_name`, `display_name`,
//! `nick_name`): a row's `not_after` and `not_before` list such neighbours,
//! in both languages (`会社の名前` is a company's name; `電話対応`, handling
//! calls, is a skill). The lists are short on purpose: a key they do not
//! excuse fails the build with a message, which costs a writer a rename,
//! while a key they wrongly excused would publish a person's data.

use std::collections::HashMap;
use std::sync::LazyLock;

use unicode_normalization::UnicodeNormalization;

use super::GuardReport;
pub use super::concepts::{Concept, FORBIDDEN};

/// Why a key from site.yaml is forbidden.
const SITE_WHY: &str = "the site forbids it in site.yaml (privacy.forbidden_keys)";

/// A key, normalised for matching.
struct KeyForm {
    /// Words, lower-case.
    words: Vec<String>,
    /// NFKC, lower-case, separators removed: for Japanese spellings.
    compact: String,
}

/// True for characters that separate words in a key.
fn is_separator(c: char) -> bool {
    !c.is_alphanumeric()
}

/// Splits a key into lower-case words: `homeAddress` → home·address,
/// `E-Mails` → e·mails, `TEL番号` → tel·番号.
fn key_form(key: &str) -> KeyForm {
    let key: String = key.nfkc().collect();
    let chars: Vec<char> = key.chars().collect();
    let mut words = Vec::new();
    let mut cur = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if is_separator(c) {
            if !cur.is_empty() {
                words.push(std::mem::take(&mut cur));
            }
            continue;
        }
        if let Some(&prev) = i.checked_sub(1).and_then(|p| chars.get(p))
            && !cur.is_empty()
        {
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            let hump =
                c.is_uppercase() && (prev.is_lowercase() || (prev.is_uppercase() && next_lower));
            let script = prev.is_ascii() != c.is_ascii();
            let digits = prev.is_ascii_digit() != c.is_ascii_digit();
            if hump || script || digits {
                words.push(std::mem::take(&mut cur));
            }
        }
        cur.extend(c.to_lowercase());
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    let compact = key
        .chars()
        .filter(|&c| !is_separator(c))
        .flat_map(char::to_lowercase)
        .collect();
    KeyForm { words, compact }
}

/// The singular of an English word, by its ending (`nationalities` →
/// nationality, `addresses` → address, `emails` → email). Spellings go
/// through the same function, so an odd result (`series` → sery) only has
/// to be consistent.
fn singular(w: &str) -> String {
    if !w.is_ascii() || w.len() <= 3 {
        return w.to_string();
    }
    if let Some(stem) = w.strip_suffix("ies") {
        return format!("{stem}y");
    }
    for es in ["sses", "ches", "shes", "xes"] {
        if w.ends_with(es) {
            return w[..w.len() - 2].to_string();
        }
    }
    if w.ends_with('s') && !w.ends_with("ss") && !w.ends_with("us") && !w.ends_with("is") {
        return w[..w.len() - 1].to_string();
    }
    w.to_string()
}

/// The English spellings of every row, written together (`dateofbirth`)
/// and made singular, with their row.
static EN_INDEX: LazyLock<HashMap<String, usize>> = LazyLock::new(|| {
    let mut m = HashMap::new();
    for (row, c) in FORBIDDEN.iter().enumerate() {
        for s in c.en {
            m.entry(joined(s)).or_insert(row);
        }
    }
    m
});

/// The row a run of words written together spells, as it is or made
/// singular (`whatsapp`, `emails` → email): words are made singular only
/// together, since `whats·app` is not `what·app`.
fn en_row(window: &str) -> Option<usize> {
    EN_INDEX
        .get(window)
        .or_else(|| EN_INDEX.get(&singular(window)))
        .copied()
}

/// The Japanese spellings of every row, normalised like a key's compact
/// form, with their row.
static JA_INDEX: LazyLock<Vec<(usize, String)>> = LazyLock::new(|| {
    let mut v = Vec::new();
    for (row, c) in FORBIDDEN.iter().enumerate() {
        for s in c.ja {
            v.push((row, key_form(s).compact));
        }
    }
    v
});

/// A spelling's words, normalised like a key's, written together and made
/// singular.
fn joined(spelling: &str) -> String {
    singular(&key_form(spelling).words.concat())
}

/// True when `words[i..j]` is excused by the row's neighbours lists.
fn excused_en(c: &Concept, words: &[String], i: usize, j: usize) -> bool {
    let before = i.checked_sub(1).map(|p| words[p].as_str());
    let after = words.get(j).map(String::as_str);
    let same = |n: &str, w: &str| n == w || singular(n) == singular(w);
    before.is_some_and(|b| c.not_after.iter().any(|n| same(n, b)))
        || after.is_some_and(|a| c.not_before.iter().any(|n| same(n, a)))
}

/// True when the Japanese match at `compact[start..end]` is excused.
fn excused_ja(c: &Concept, compact: &str, start: usize, end: usize) -> bool {
    let before = compact[..start].trim_end_matches('の');
    let after = &compact[end..];
    c.not_after
        .iter()
        .any(|n| !n.is_ascii() && before.ends_with(n))
        || c.not_before
            .iter()
            .any(|n| !n.is_ascii() && after.starts_with(n))
}

/// The first row (in table order) whose spelling `key` holds, unexcused.
fn matching_row(form: &KeyForm) -> Option<usize> {
    let mut best: Option<usize> = None;
    let words = &form.words;
    for i in 0..words.len() {
        let mut window = String::new();
        for j in i + 1..=words.len() {
            window.push_str(&words[j - 1]);
            if let Some(row) = en_row(&window)
                && best.is_none_or(|b| row < b)
                && !excused_en(&FORBIDDEN[row], words, i, j)
            {
                best = Some(row);
            }
        }
    }
    for (row, s) in JA_INDEX.iter() {
        if best.is_some_and(|b| b <= *row) {
            break;
        }
        let hit = form
            .compact
            .match_indices(s.as_str())
            .any(|(at, m)| !excused_ja(&FORBIDDEN[*row], &form.compact, at, at + m.len()));
        if hit {
            best = Some(*row);
        }
    }
    best
}

/// True when `key` holds the site's `entry` (from `privacy.forbidden_keys`):
/// as whole words when the entry is ASCII, anywhere otherwise.
fn holds_site_entry(form: &KeyForm, entry: &str) -> bool {
    let e = key_form(entry);
    if e.words.is_empty() {
        return false;
    }
    if !entry.is_ascii() {
        return form.compact.contains(e.compact.as_str());
    }
    let want = singular(&e.words.concat());
    (0..form.words.len()).any(|i| {
        (i + 1..=form.words.len()).any(|j| {
            let w = form.words[i..j].concat();
            w == want || singular(&w) == want
        })
    })
}

/// What a forbidden key matched: a row of [`FORBIDDEN`] or an entry of the
/// site's list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyRule {
    /// A row of [`FORBIDDEN`], by index.
    Builtin(usize),
    /// An entry of `privacy.forbidden_keys`, by index.
    Site(usize),
}

/// The rule `key` breaks, if any, with why.
pub fn forbidden_rule(key: &str, extra: &[String]) -> Option<(KeyRule, String)> {
    let form = key_form(key);
    if let Some(row) = matching_row(&form) {
        return Some((KeyRule::Builtin(row), FORBIDDEN[row].why.to_string()));
    }
    extra
        .iter()
        .position(|e| holds_site_entry(&form, e))
        .map(|i| (KeyRule::Site(i), SITE_WHY.to_string()))
}

/// The concept (or site entry) `key` matches, if any, with why: `("a
/// legal name", "…")`.
pub fn forbidden_match(key: &str, extra: &[String]) -> Option<(String, String)> {
    forbidden_rule(key, extra).map(|(rule, why)| match rule {
        KeyRule::Builtin(row) => (FORBIDDEN[row].concept.to_string(), why),
        KeyRule::Site(i) => (extra[i].clone(), why),
    })
}

/// A forbidden key found in front matter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForbiddenKey {
    /// The key as written.
    pub key: String,
    /// The concept or site entry it matched.
    pub entry: String,
    /// Why it is forbidden.
    pub why: String,
    /// 1-based line within the YAML.
    pub line: Option<usize>,
    /// 1-based column.
    pub column: Option<usize>,
}

/// Finds forbidden keys among the top-level keys of `yaml` (other than
/// `schema_keys`, which are known) and everything under `extra`, in
/// document order. Counts the keys it checked in `report`.
pub fn find_forbidden_keys(
    yaml: &str,
    extra_forbidden: &[String],
    schema_keys: &[&str],
    report: &mut GuardReport,
) -> Vec<ForbiddenKey> {
    let Ok(value) = serde_yaml::from_str::<serde_yaml::Value>(yaml) else {
        return Vec::new(); // the typed parse reports syntax errors
    };
    let Some(top) = value.as_mapping() else {
        return Vec::new();
    };
    let mut walk = Walk {
        yaml,
        extra_forbidden,
        found: Vec::new(),
        cursor: 1,
        report,
    };
    for (k, v) in top {
        let Some(k) = k.as_str() else { continue };
        walk.report.keys += 1;
        if !schema_keys.contains(&k) {
            walk.visit(k);
        }
        if k == "extra" {
            walk.value(v);
        }
    }
    walk.found
}

/// A walk over keys in document order. serde_yaml's Value keeps no
/// positions, so positions come from the text, searched from the previous
/// key onwards.
struct Walk<'a> {
    yaml: &'a str,
    extra_forbidden: &'a [String],
    found: Vec<ForbiddenKey>,
    cursor: usize,
    report: &'a mut GuardReport,
}

impl Walk<'_> {
    /// Moves the cursor to `key`'s line; its position, when found.
    fn locate(&mut self, key: &str) -> Option<(usize, usize)> {
        let pos = crate::yaml::find_key_line(self.yaml, key, self.cursor);
        if let Some((l, _)) = pos {
            self.cursor = l;
        }
        pos
    }

    fn visit(&mut self, key: &str) {
        let pos = self.locate(key);
        if let Some((entry, why)) = forbidden_match(key, self.extra_forbidden) {
            // a key written with YAML escapes is not found in the text:
            // the line of the key before it is the closest known place
            let (line, column) = match pos {
                Some((l, c)) => (Some(l), Some(c)),
                None => (Some(self.cursor), None),
            };
            self.found.push(ForbiddenKey {
                key: key.to_string(),
                entry,
                why,
                line,
                column,
            });
        }
    }

    fn value(&mut self, v: &serde_yaml::Value) {
        match v {
            serde_yaml::Value::Mapping(m) => {
                for (k, v) in m {
                    if let Some(k) = k.as_str() {
                        self.report.keys += 1;
                        self.report.extra_keys += 1;
                        self.visit(k);
                    }
                    self.value(v);
                }
            }
            serde_yaml::Value::Sequence(s) => s.iter().for_each(|v| self.value(v)),
            serde_yaml::Value::Tagged(t) => self.value(&t.value),
            _ => {}
        }
    }
}

#[cfg(test)]
#[path = "keys_tests.rs"]
mod tests;
