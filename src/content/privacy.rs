//! What must never be written down, and what must never leave a file.
//!
//! Two checks run on the raw text of content files, before anything is
//! published:
//!
//! * **Forbidden keys.** A talent's front matter may not carry a legal name,
//!   contact details, residence status and the like, under any key, `extra`
//!   included. Japanese law (APPI's special care-required information, the
//!   Employment Security Act guideline on what job placement may collect)
//!   forbids much of it; the rest can endanger a person if it leaks. The list
//!   lives here, once ([`FORBIDDEN_KEYS`]), and sites extend it in site.yaml.
//! * **Personal data in free text.** E-mail addresses, phone numbers,
//!   postcodes, residence-card numbers and social-media profile links are
//!   found by [`scan_text`], line by line, after NFKC normalisation (so
//!   full-width digits do not slip through).

use std::sync::LazyLock;

use regex::Regex;
use unicode_normalization::UnicodeNormalization;

/// Keys that may not appear anywhere in a talent's front matter, with why.
///
/// Matching is by word: `contact_email`, `Legal-Name` and `homeAddress`
/// match too. Keys of the typed schema (`display_name`, a skill's `name`)
/// are not affected: only top-level keys and everything under `extra` are
/// checked, since the typed parts reject unknown keys anyway.
pub const FORBIDDEN_KEYS: &[(&str, &str)] = &[
    (
        "name",
        "a legal name identifies the person; use `display_name` (a pseudonym)",
    ),
    (
        "legal_name",
        "a legal name identifies the person; use `display_name` (a pseudonym)",
    ),
    (
        "real_name",
        "a legal name identifies the person; use `display_name` (a pseudonym)",
    ),
    (
        "full_name",
        "a legal name identifies the person; use `display_name` (a pseudonym)",
    ),
    (
        "email",
        "companies contact the organisation, never the person directly",
    ),
    (
        "phone",
        "companies contact the organisation, never the person directly",
    ),
    ("address", "a home address can locate the person"),
    (
        "birth_date",
        "a birth date identifies the person; `age_band` (with consent) is enough",
    ),
    (
        "birthday",
        "a birth date identifies the person; `age_band` (with consent) is enough",
    ),
    (
        "age",
        "an exact age narrows down who the person is; `age_band` (with consent) is enough",
    ),
    (
        "nationality",
        "nationality is sensitive for refugees; `origin_region` (with consent) is the most that is published",
    ),
    (
        "country",
        "the country of origin is sensitive for refugees; `origin_region` (with consent) is the most that is published",
    ),
    (
        "residence_status",
        "residence status is sensitive information and must not be collected for publication",
    ),
    (
        "visa",
        "residence status is sensitive information and must not be collected for publication",
    ),
    (
        "residence_card",
        "a residence card number identifies the person",
    ),
    (
        "religion",
        "religion is special care-required personal information (APPI)",
    ),
    (
        "ethnicity",
        "ethnicity is special care-required personal information (APPI)",
    ),
    ("family", "family details can endanger relatives"),
    (
        "health",
        "health is special care-required personal information (APPI)",
    ),
    (
        "reason_for_asylum",
        "the reasons for seeking asylum are among the most dangerous facts to leak",
    ),
];

/// Splits a key into lower-case words: `homeAddress` → [home, address].
fn key_words(key: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in key.chars() {
        if c == '_' || c == '-' || c == ' ' || c == '.' {
            if !cur.is_empty() {
                words.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
            continue;
        }
        if c.is_uppercase() && prev_lower && !cur.is_empty() {
            words.push(std::mem::take(&mut cur));
        }
        prev_lower = c.is_lowercase();
        cur.extend(c.to_lowercase());
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    words
}

/// The forbidden entry `key` matches, if any: `key`'s words contain the
/// entry's words contiguously.
pub fn forbidden_match<'a>(key: &str, extra: &'a [String]) -> Option<(String, &'a str)> {
    let words = key_words(key);
    let hit = |entry: &str| {
        let ew = key_words(entry);
        !ew.is_empty() && words.windows(ew.len()).any(|w| w == ew.as_slice())
    };
    for (entry, why) in FORBIDDEN_KEYS {
        if hit(entry) {
            return Some((entry.to_string(), why));
        }
    }
    for entry in extra {
        if hit(entry) {
            return Some((
                entry.clone(),
                "the site forbids it in site.yaml (privacy.forbidden_keys)",
            ));
        }
    }
    None
}

/// A forbidden key found in front matter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForbiddenKey {
    /// The key as written.
    pub key: String,
    /// The list entry it matched.
    pub entry: String,
    /// Why it is forbidden.
    pub why: String,
    /// 1-based line within the YAML.
    pub line: Option<usize>,
    /// 1-based column.
    pub column: Option<usize>,
}

/// Finds forbidden keys among the top-level keys of `yaml` and everything
/// under `extra`. Returns them all, in order.
pub fn find_forbidden_keys(
    yaml: &str,
    extra_forbidden: &[String],
    schema_keys: &[&str],
) -> Vec<ForbiddenKey> {
    // Walk the YAML as a tree of keys; serde_yaml's Value keeps no
    // positions, so positions come from the text, searched from the
    // previous hit onwards (keys appear in document order).
    let Ok(value) = serde_yaml::from_str::<serde_yaml::Value>(yaml) else {
        return Vec::new(); // the typed parse reports syntax errors
    };
    let mut found = Vec::new();
    let mut cursor = 1;
    let Some(top) = value.as_mapping() else {
        return found;
    };
    let visit = |key: &str, found: &mut Vec<ForbiddenKey>, cursor: &mut usize| {
        if let Some((entry, why)) = forbidden_match(key, extra_forbidden) {
            let pos = crate::yaml::find_key_line(yaml, key, *cursor);
            if let Some((l, _)) = pos {
                *cursor = l;
            }
            found.push(ForbiddenKey {
                key: key.to_string(),
                entry,
                why: why.to_string(),
                line: pos.map(|p| p.0),
                column: pos.map(|p| p.1),
            });
        }
    };
    for (k, v) in top {
        let Some(k) = k.as_str() else { continue };
        if !schema_keys.contains(&k) {
            visit(k, &mut found, &mut cursor);
        }
        if k == "extra" {
            let mut stack = vec![v];
            while let Some(v) = stack.pop() {
                match v {
                    serde_yaml::Value::Mapping(m) => {
                        for (k, v) in m {
                            if let Some(k) = k.as_str() {
                                visit(k, &mut found, &mut cursor);
                            }
                            stack.push(v);
                        }
                    }
                    serde_yaml::Value::Sequence(s) => stack.extend(s.iter().rev()),
                    serde_yaml::Value::Tagged(t) => stack.push(&t.value),
                    _ => {}
                }
            }
        }
    }
    found
}

/// Kinds of personal data the text scanner finds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum PiiKind {
    /// An e-mail address.
    Email,
    /// A phone number.
    Phone,
    /// A Japanese postcode (〒123-4567).
    Postcode,
    /// A residence-card-like number (AB12345678CD).
    ResidenceCard,
    /// A link to a social-media profile.
    SocialProfile,
}

impl PiiKind {
    /// A short description for messages.
    pub fn describe(self) -> &'static str {
        match self {
            PiiKind::Email => "an e-mail address",
            PiiKind::Phone => "a phone number",
            PiiKind::Postcode => "a postcode",
            PiiKind::ResidenceCard => "a residence-card-like number",
            PiiKind::SocialProfile => "a link to a social-media profile",
        }
    }
}

/// One finding of the scanner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PiiMatch {
    /// What was found.
    pub kind: PiiKind,
    /// The text that matched (normalised).
    pub text: String,
    /// 1-based line within the scanned text.
    pub line: usize,
    /// 1-based column (characters) within the line.
    pub column: usize,
}

static PATTERNS: LazyLock<Vec<(PiiKind, Regex)>> = LazyLock::new(|| {
    let p = |kind, re: &str| (kind, Regex::new(re).expect("built-in pattern is valid"));
    vec![
        p(
            PiiKind::Email,
            r"(?i)[a-z0-9._%+\-]+@[a-z0-9\-]+(?:\.[a-z0-9\-]+)*\.[a-z]{2,}",
        ),
        // International: +81 90-1234-5678, +81-3-1234-5678, +1 (555) 123-4567
        p(
            PiiKind::Phone,
            r"\+\d{1,3}[\s\-.]?\(?\d{1,4}\)?(?:[\s\-.]?\d{2,4}){2,3}",
        ),
        // Japanese with separators: 03-1234-5678, 090-1234-5678, 0120-123-456, (03) 1234-5678
        p(PiiKind::Phone, r"\(?0\d{1,4}\)?[\s\-]\d{1,4}[\s\-]\d{3,4}"),
        // Japanese mobile without separators: 09012345678
        p(PiiKind::Phone, r"0[5789]0\d{8}"),
        p(PiiKind::Postcode, r"〒\s?\d{3}\-?\d{4}"),
        p(PiiKind::ResidenceCard, r"[A-Z]{2}\d{8}[A-Z]{2}"),
        p(
            PiiKind::SocialProfile,
            r"(?i)(?:https?://)?(?:www\.|m\.|[a-z]{2}\.)?(?:facebook\.com|fb\.com|twitter\.com|x\.com|instagram\.com|linkedin\.com/in|tiktok\.com/@|t\.me|wa\.me|line\.me/ti|vk\.com|youtube\.com/@|threads\.net/@|github\.com)/[A-Za-z0-9_.\-@]+",
        ),
    ]
});

/// True when the match is surrounded by characters that make it part of a
/// longer token (a digit or letter right before or after), which means it
/// is not the whole number: `2019-2021` or `1.2.3-45` are not phones.
fn is_embedded(line: &str, start: usize, end: usize, kind: PiiKind) -> bool {
    let before = line[..start].chars().next_back();
    let after = line[end..].chars().next();
    match kind {
        PiiKind::Phone | PiiKind::ResidenceCard | PiiKind::Postcode => {
            before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '/')
                || after.is_some_and(|c| c.is_ascii_alphanumeric() || c == '-' || c == '/')
        }
        PiiKind::Email | PiiKind::SocialProfile => false,
    }
}

/// Scans `text` line by line. `allow` lists values that are fine (the
/// organisation's own address); comparison is after NFKC normalisation,
/// case-insensitive.
pub fn scan_text(text: &str, allow: &[String]) -> Vec<PiiMatch> {
    let allow: Vec<String> = allow.iter().map(|a| normalise(a).into_owned()).collect();
    let mut out = Vec::new();
    for (i, raw_line) in text.lines().enumerate() {
        // every pattern needs a digit, an `@` or a `/` (after normalisation):
        // most lines of prose have none and are skipped before normalising
        if !raw_line.chars().any(may_become_trigger) {
            continue;
        }
        let line = normalise(raw_line);
        let mut taken: Vec<(usize, usize)> = Vec::new();
        for (kind, re) in PATTERNS.iter() {
            for m in re.find_iter(&line) {
                let (s, e) = (m.start(), m.end());
                if taken.iter().any(|&(ts, te)| s < te && ts < e) {
                    continue; // already reported as something else (a phone inside an e-mail…)
                }
                if is_embedded(&line, s, e, *kind) {
                    continue;
                }
                let found = m.as_str().trim_end_matches(['.', ')']);
                if allow
                    .iter()
                    .any(|a| found.contains(a.as_str()) || a == found)
                {
                    taken.push((s, e));
                    continue;
                }
                taken.push((s, e));
                out.push(PiiMatch {
                    kind: *kind,
                    text: found.to_string(),
                    line: i + 1,
                    column: column_in_raw(raw_line, &line, s),
                });
            }
        }
    }
    out.sort_by_key(|m| (m.line, m.column));
    out
}

/// True for a character whose NFKC form contains an ASCII digit, `@` or
/// `/`: those themselves, full-width forms, circled and superscript numbers…
/// The ranges were computed from the Unicode tables of unicode-normalization
/// (a test checks every code point against them).
fn may_become_trigger(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_digit() || c == '@' || c == '/';
    }
    matches!(c as u32,
        0x00B2..=0x00B3 | 0x00B9 | 0x00BC..=0x00BE | 0x2070 | 0x2074..=0x2079 | 0x2080..=0x2089
        | 0x2100..=0x2101 | 0x2105..=0x2106 | 0x2150..=0x215F | 0x2189 | 0x2460..=0x249B | 0x24EA
        | 0x3251..=0x325F | 0x32B1..=0x32CB | 0x3358..=0x3370 | 0x3378..=0x3379 | 0x339F..=0x33A6
        | 0x33A8 | 0x33AF | 0x33E0..=0x33FE | 0xFE6B | 0xFF0F..=0xFF19 | 0xFF20 | 0x1CCF0..=0x1CCF9
        | 0x1D7CE..=0x1D7FF | 0x1F100..=0x1F10A | 0x1FBF0..=0x1FBF9)
}

/// NFKC, and every dash-like character as `-` (writers type 090−1234−5678
/// with a minus sign or a katakana prolonged sound mark as often as with a
/// hyphen).
fn normalise(s: &str) -> std::borrow::Cow<'_, str> {
    let dash = |c: char| {
        matches!(
            c,
            '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{30FC}' | '\u{FF70}'
        )
    };
    let to_dash = |c: char| if dash(c) { '-' } else { c };
    // Most text is already NFKC (plain Japanese and ASCII): check quickly
    // before paying for normalisation.
    if unicode_normalization::is_nfkc_quick(s.chars()) == unicode_normalization::IsNormalized::Yes {
        if s.chars().any(dash) {
            return std::borrow::Cow::Owned(s.chars().map(to_dash).collect());
        }
        return std::borrow::Cow::Borrowed(s);
    }
    std::borrow::Cow::Owned(s.nfkc().map(to_dash).collect())
}

/// Maps a byte offset in the normalised line back to a column in the raw
/// line: NFKC changes widths (full-width → ASCII) but almost never the
/// number of characters, so counting characters is the honest approximation.
fn column_in_raw(raw: &str, normalised: &str, byte: usize) -> usize {
    let chars_before = normalised[..byte].chars().count();
    chars_before.min(raw.chars().count()) + 1
}

/// A value in YAML that should be scanned, with a way to walk nested data.
pub fn yaml_strings(v: &serde_yaml::Value, out: &mut Vec<String>) {
    match v {
        serde_yaml::Value::String(s) => out.push(s.clone()),
        serde_yaml::Value::Sequence(s) => s.iter().for_each(|v| yaml_strings(v, out)),
        serde_yaml::Value::Mapping(m) => m.iter().for_each(|(_, v)| yaml_strings(v, out)),
        serde_yaml::Value::Tagged(t) => yaml_strings(&t.value, out),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<PiiKind> {
        scan_text(text, &[]).into_iter().map(|m| m.kind).collect()
    }

    #[test]
    fn forbidden_key_words() {
        assert!(forbidden_match("legal_name", &[]).is_some());
        assert!(forbidden_match("contact_email", &[]).is_some());
        assert!(forbidden_match("homeAddress", &[]).is_some());
        assert!(forbidden_match("Residence-Status", &[]).is_some());
        assert!(forbidden_match("reason_for_asylum", &[]).is_some());
        assert!(forbidden_match("nickname", &[]).is_none());
        assert!(forbidden_match("image", &[]).is_none());
        assert!(forbidden_match("language", &[]).is_none());
        assert!(forbidden_match("usage", &[]).is_none());
        assert!(forbidden_match("hobby", &["hobby".to_string()]).is_some());
    }

    #[test]
    fn every_forbidden_key_is_found_in_extra_and_top_level() {
        let schema = ["id", "display_name", "extra"];
        for (key, _) in FORBIDDEN_KEYS {
            let top = format!("id: a\n{key}: x\n");
            let f = find_forbidden_keys(&top, &[], &schema);
            assert_eq!(f.len(), 1, "{key} at top level");
            assert_eq!(f[0].line, Some(2));
            let nested = format!("id: a\nextra:\n  notes:\n    - {key}: x\n");
            let f = find_forbidden_keys(&nested, &[], &schema);
            assert_eq!(f.len(), 1, "{key} nested in extra");
            assert_eq!(f[0].line, Some(4), "{key}");
        }
        // a schema key is fine at top level
        assert!(find_forbidden_keys("display_name: A\n", &[], &schema).is_empty());
    }

    #[test]
    fn finds_each_kind() {
        assert_eq!(kinds("連絡先: amir.k@example.org"), [PiiKind::Email]);
        assert_eq!(kinds("電話 090-1234-5678"), [PiiKind::Phone]);
        assert_eq!(kinds("TEL 03-1234-5678"), [PiiKind::Phone]);
        assert_eq!(kinds("call (03) 1234-5678"), [PiiKind::Phone]);
        assert_eq!(kinds("mobile 09012345678"), [PiiKind::Phone]);
        assert_eq!(kinds("WhatsApp +81 90-1234-5678"), [PiiKind::Phone]);
        assert_eq!(kinds("+1 (555) 123-4567"), [PiiKind::Phone]);
        assert_eq!(
            kinds("０９０−１２３４−５６７８"),
            [PiiKind::Phone],
            "full-width digits"
        );
        assert_eq!(kinds("〒160-0023 東京都"), [PiiKind::Postcode]);
        assert_eq!(kinds("card AB12345678CD"), [PiiKind::ResidenceCard]);
        assert_eq!(
            kinds("https://www.facebook.com/amir.k"),
            [PiiKind::SocialProfile]
        );
        assert_eq!(kinds("see instagram.com/someone"), [PiiKind::SocialProfile]);
        assert_eq!(
            kinds("https://linkedin.com/in/someone"),
            [PiiKind::SocialProfile]
        );
    }

    #[test]
    fn does_not_cry_wolf() {
        for fine in [
            "2019-2021 に勤務",
            "2026-03-08",
            "version 1.2.3",
            "Python 3.12.1",
            "JLPT N2, CEFR B2",
            "ISBN 978-4-10-109205-8",
            "約30名が参加、120分",
            "record C-2026-0001",
            "t-2026-001",
            "1994年生まれ",
            "https://example.org/programmes/12",
            "https://www.facebook.com/",
            "10:00-12:00",
            "定員 25 名",
            "第1回 2025-07-14",
        ] {
            assert!(kinds(fine).is_empty(), "{fine}: {:?}", scan_text(fine, &[]));
        }
    }

    #[test]
    fn the_trigger_ranges_cover_every_code_point_that_normalises_to_one() {
        for cp in 0u32..=0x10FFFF {
            let Some(c) = char::from_u32(cp) else {
                continue;
            };
            let n: String = std::iter::once(c).nfkc().collect();
            let triggers = n
                .bytes()
                .any(|b| b.is_ascii_digit() || b == b'@' || b == b'/');
            assert!(
                !triggers || may_become_trigger(c),
                "U+{cp:04X} normalises to {n:?}"
            );
        }
    }

    #[test]
    fn the_fast_path_agrees_with_full_normalisation() {
        for s in [
            "プログラマー",
            "ｴﾝｼﾞﾆｱ 0９0",
            "abc ＡＢＣ ①②",
            "電話 090−1234−5678",
            "plain ascii 123",
            "〒160-0023",
            "ﾃｽﾄｰ",
        ] {
            let full: String = s
                .nfkc()
                .map(|c| match c {
                    '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{30FC}' | '\u{FF70}' => '-',
                    c => c,
                })
                .collect();
            assert_eq!(normalise(s), full, "{s}");
        }
    }

    #[test]
    fn allow_list_and_positions() {
        let text = "line one\n問い合わせ: info@tsunagi.example / x@evil.example\n";
        let m = scan_text(text, &["info@tsunagi.example".to_string()]);
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].text, "x@evil.example");
        assert_eq!((m[0].line, m[0].column), (2, 31));
    }
}
