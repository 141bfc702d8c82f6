//! The free-text scanner: e-mail addresses (plain and obfuscated), phone
//! numbers (Japanese and international, any separators, full-width and
//! kanji digits), postcodes, residence-card numbers and social-media links,
//! in the text as a reader sees it ([`super::reader`]).

use std::sync::LazyLock;

use regex::{Captures, Regex};

use super::GuardReport;
use super::mask;
use super::reader::{self, View};

/// Kinds of personal data the text scanner finds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
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
    /// Every kind, in the order rules run.
    pub const ALL: [PiiKind; 5] = [
        PiiKind::Email,
        PiiKind::Phone,
        PiiKind::Postcode,
        PiiKind::ResidenceCard,
        PiiKind::SocialProfile,
    ];

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

    /// The rule's name, for the guard report.
    pub fn rule(self) -> &'static str {
        match self {
            PiiKind::Email => "e-mail addresses",
            PiiKind::Phone => "phone numbers",
            PiiKind::Postcode => "postcodes",
            PiiKind::ResidenceCard => "residence-card numbers",
            PiiKind::SocialProfile => "social-media links",
        }
    }

    /// The forms the rule finds, for the guard report.
    pub fn forms(self) -> &'static str {
        match self {
            PiiKind::Email => {
                "a@b.jp; a [at] b, a (at) b, a ＠ b, a AT b, a at b dot jp, &#64;, %40, \\@"
            }
            PiiKind::Phone => {
                "0X0-1234-5678 with - . space ( ) or none, +81 …, full-width and kanji digits"
            }
            PiiKind::Postcode => "〒123-4567",
            PiiKind::ResidenceCard => "AB12345678CD",
            PiiKind::SocialProfile => "facebook, x, instagram, linkedin, line, … profile links",
        }
    }

    /// Index in [`PiiKind::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }
}

/// One finding of the scanner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PiiMatch {
    /// What was found.
    pub kind: PiiKind,
    /// The text that matched, as a reader sees it (an obfuscated address
    /// written out: `amir@example.com`).
    pub text: String,
    /// `text` with most of it masked, for messages: `a***@e******.com`.
    pub masked: String,
    /// 1-based line within the scanned text.
    pub line: usize,
    /// 1-based column (characters) within the line.
    pub column: usize,
    /// 1-based column just after the match in the raw line (a match that
    /// runs on into the next line ends with its line).
    pub end_column: usize,
}

static PLAIN_EMAIL: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)[a-z0-9._%+\-]+@[a-z0-9\-]+(?:\.[a-z0-9\-]+)*\.[a-z]{2,}"));

/// An address with its `@` or dots written out or spaced.
static OBFUSCATED_EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    re(concat!(
        r"(?i)(?P<local>[a-z0-9][a-z0-9._%+\-]*)",
        r"(?P<at>\s*[\[({<]\s*(?:at|@|アット|あっと)\s*[\])}>]\s*|\s+(?-i:at|AT)\s+|\s*(?:アット|あっと)\s*|\s*@\s*)",
        r"(?P<domain>[a-z0-9\-]+(?:(?:\s*[\[({<]\s*(?:dot|\.|ドット)\s*[\])}>]\s*|\s+(?-i:dot|DOT)\s+|\s*(?:ドット|。)\s*|\.)[a-z0-9\-]+)+)",
    ))
});

/// The dots of an obfuscated domain.
static DOMAIN_DOT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\s*[\[({<]\s*(?:dot|\.|ドット)\s*[\])}>]\s*|\s+(?-i:dot|DOT)\s+|\s*(?:ドット|。)\s*|\.",
    )
});

/// International: +81 90-1234-5678, +81-3-1234-5678, +1 (555) 123-4567.
static INTERNATIONAL_PHONE: LazyLock<Regex> =
    LazyLock::new(|| re(r"\+\d{1,3}[\s\-.]?\(?\d{1,4}\)?(?:[\s\-.]?\d{2,4}){2,3}"));

static POSTCODE: LazyLock<Regex> = LazyLock::new(|| re(r"〒\s?\d{3}\-?\d{4}"));

static RESIDENCE_CARD: LazyLock<Regex> = LazyLock::new(|| re(r"[A-Z]{2}\d{8}[A-Z]{2}"));

static SOCIAL_PROFILE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)(?:https?://)?(?:www\.|m\.|[a-z]{2}\.)?(?:facebook\.com|fb\.com|twitter\.com|x\.com|instagram\.com|linkedin\.com/in|tiktok\.com/@|t\.me|wa\.me|line\.me/ti|vk\.com|youtube\.com/@|threads\.net/@|github\.com)/[A-Za-z0-9_.\-@]+",
    )
});

fn re(pattern: &str) -> Regex {
    Regex::new(pattern).expect("built-in pattern is valid")
}

/// Mail providers: `amir at gmail.com` is an address, while `designer at
/// note.com` is as likely to be prose.
const MAIL_PROVIDERS: &[&str] = &[
    "gmail",
    "googlemail",
    "yahoo",
    "ymail",
    "outlook",
    "hotmail",
    "live",
    "msn",
    "icloud",
    "aol",
    "proton",
    "protonmail",
    "gmx",
    "yandex",
    "qq",
    "163",
    "126",
    "naver",
    "docomo",
    "ezweb",
    "softbank",
];

/// A finding on one line, before it becomes a [`PiiMatch`].
#[derive(Debug, Clone)]
struct Hit {
    kind: PiiKind,
    /// Raw characters, 0-based, end exclusive.
    raw: (usize, usize),
    text: String,
}

/// The obfuscated address in `c`, written out, if it is one.
fn obfuscated_address(c: &Captures<'_>) -> Option<String> {
    let (local, at, domain) = (&c["local"], &c["at"], &c["domain"]);
    let labels: Vec<&str> = DOMAIN_DOT.split(domain).collect();
    let tld = labels.last()?;
    if labels.len() < 2
        || !(2..=24).contains(&tld.len())
        || !tld.chars().all(|c| c.is_ascii_alphabetic())
    {
        return None;
    }
    if at.trim() == "at" {
        // a bare lower-case `at` is English as often as an address
        let dots_written_out =
            domain.contains(|c: char| c != '.' && !c.is_ascii_alphanumeric() && c != '-');
        let name_like = local.contains(|c: char| !c.is_ascii_alphabetic());
        let provider = labels[..labels.len() - 1]
            .iter()
            .any(|l| MAIL_PROVIDERS.contains(&l.to_ascii_lowercase().as_str()));
        let lower = !domain.contains(|c: char| c.is_ascii_uppercase());
        if !(lower && (dots_written_out || name_like || provider)) {
            return None;
        }
    }
    Some(format!("{local}@{}", labels.join(".")))
}

/// True when the match is surrounded by characters that make it part of a
/// longer token (a digit or letter right before or after), which means it
/// is not the whole number: `2019-2021` or `1.2.3-45` are not phones.
fn is_embedded(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '/')
        || after.is_some_and(|c| c.is_ascii_alphanumeric() || c == '-' || c == '/')
}

/// Japanese phone numbers: a run of digit groups starting with `0`,
/// separated by up to three of `-`, `.`, space, `(` and `)`, holding ten
/// digits (`03-1234-5678`, `0120-123-456`) or eleven starting 050, 070,
/// 080, 090 or 0800 (`(090)1234-5678`, `090.1234.5678`,
/// `0 9 0 1 2 3 4 5 6 7 8`). Eleven digits may also be written together;
/// ten may not (a ten-digit code is as often an order number). More than
/// four groups count only when each is one digit. Byte ranges in `text`.
fn japanese_phones(text: &str) -> Vec<(usize, usize)> {
    let b = text.as_bytes();
    let is_sep = |c: u8| matches!(c, b' ' | b'\t' | b'-' | b'.' | b'(' | b')');
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let starts_group = b[i].is_ascii_digit() && (i == 0 || !b[i - 1].is_ascii_digit());
        if !starts_group || b[i] != b'0' {
            i += 1;
            continue;
        }
        let start = if i > 0 && b[i - 1] == b'(' { i - 1 } else { i };
        // digit groups and the separator runs between them
        let mut groups: Vec<(usize, usize)> = Vec::new();
        let mut seps: Vec<(usize, usize)> = Vec::new();
        let mut j = i;
        loop {
            let gs = j;
            while j < b.len() && b[j].is_ascii_digit() {
                j += 1;
            }
            groups.push((gs, j));
            let ss = j;
            while j < b.len() && is_sep(b[j]) && j - ss < 4 {
                j += 1;
            }
            if j > ss && j - ss <= 3 && j < b.len() && b[j].is_ascii_digit() {
                seps.push((ss, j));
            } else {
                break;
            }
        }
        let next = groups[0].1;
        // a `(` opens a new token; otherwise a letter, digit, `.`, `-` or
        // `/` right before makes this the tail of something longer
        let glued = start == i
            && text[..start]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '/'));
        if glued {
            i = next;
            continue;
        }
        let found = (1..=groups.len()).rev().find(|&k| {
            let digits: String = groups[..k].iter().map(|&(s, e)| &text[s..e]).collect();
            let n = digits.len();
            let valid = match n {
                10 => k > 1 && !digits.starts_with("00"),
                11 => ["050", "070", "080", "090", "0800"]
                    .iter()
                    .any(|p| digits.starts_with(p)),
                _ => false,
            };
            let spaced_digits = groups[..k].iter().all(|&(s, e)| e - s == 1)
                && seps[..k - 1]
                    .iter()
                    .all(|&(s, e)| text[s..e].bytes().all(|c| c == b' ' || c == b'-'));
            // a `(` before the number may stay open (`(090 1234 5678`)
            let parens = parens_hold(text, start < i, &groups[..k], &seps)
                || start < i && parens_hold(text, false, &groups[..k], &seps);
            let shape = (k <= 4 || spaced_digits) && parens;
            // what follows: a new word after a space, or nothing that
            // continues the number
            let end = groups[k - 1].1;
            let ends = if k < groups.len() {
                text[seps[k - 1].0..seps[k - 1].1].contains(' ')
            } else {
                !text[end..]
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphanumeric() || c == '-' || c == '/')
            };
            valid && shape && ends
        });
        match found {
            Some(k) => {
                out.push((start, groups[k - 1].1));
                i = groups[k - 1].1;
            }
            None => i = next,
        }
    }
    out
}

/// True when every `(` in a number holds one digit group and is closed
/// right after it: `(090)1234-5678`, `03(1234)5678`, not `01 (2025.07.14)`.
/// `opened` is a `(` before the first group.
fn parens_hold(
    text: &str,
    opened: bool,
    groups: &[(usize, usize)],
    seps: &[(usize, usize)],
) -> bool {
    let mut open_at = opened.then_some(0);
    for (g, &(s, e)) in seps.iter().enumerate().take(groups.len() - 1) {
        let sep = &text[s..e];
        if sep.contains(')') {
            if open_at != Some(g) {
                return false;
            }
            open_at = None;
        }
        if sep.contains('(') {
            if open_at.is_some() || sep.rfind('(') < sep.rfind(')') {
                return false;
            }
            open_at = Some(g + 1);
        }
    }
    match open_at {
        None => true,
        Some(g) => g + 1 == groups.len() && text[groups[g].1..].starts_with(')'),
    }
}

/// True when `text` has a dot a domain could hold: `.` before a letter, or
/// a dot written out.
fn has_domain_dot(text: &str) -> bool {
    let b = text.as_bytes();
    b.windows(2)
        .any(|w| w[0] == b'.' && w[1].is_ascii_alphabetic())
        || ["dot", "DOT", "ドット", "。"]
            .iter()
            .any(|d| text.contains(d))
}

/// True when `text` has `at` as a word, or `アット` / `あっと`.
fn has_at_word(text: &str) -> bool {
    if text.contains("アット") || text.contains("あっと") {
        return true;
    }
    let b = text.as_bytes();
    (0..b.len().saturating_sub(1)).any(|i| {
        b[i].eq_ignore_ascii_case(&b'a')
            && b[i + 1].eq_ignore_ascii_case(&b't')
            && (i == 0 || !b[i - 1].is_ascii_alphanumeric())
            && b.get(i + 2).is_none_or(|c| !c.is_ascii_alphanumeric())
    })
}

/// Runs every rule over one view, adding hits that do not overlap earlier
/// ones. `checked` counts, per rule, that it ran.
fn detect(v: &View, hits: &mut Vec<Hit>, mut checked: Option<&mut [usize; super::RULES]>) {
    let t = v.text.as_str();
    let digits = t.bytes().filter(u8::is_ascii_digit).count();
    let mut add = |kind: PiiKind, s: usize, e: usize, text: String| {
        let raw = v.raw_range(s, e);
        if !hits.iter().any(|h| raw.0 < h.raw.1 && h.raw.0 < raw.1) {
            hits.push(Hit { kind, raw, text });
        }
    };
    let mut ran = |kind: PiiKind| {
        if let Some(c) = checked.as_deref_mut() {
            c[kind.index()] += 1;
        }
    };
    if t.contains('@') || has_at_word(t) && has_domain_dot(t) {
        ran(PiiKind::Email);
        for m in PLAIN_EMAIL.find_iter(t) {
            let text = m.as_str().trim_end_matches(['.', ')']);
            add(
                PiiKind::Email,
                m.start(),
                m.start() + text.len(),
                text.into(),
            );
        }
        for c in OBFUSCATED_EMAIL.captures_iter(t) {
            if let (Some(m), Some(text)) = (c.get(0), obfuscated_address(&c)) {
                add(PiiKind::Email, m.start(), m.end(), text);
            }
        }
    }
    if digits >= 10 || (digits >= 6 && t.contains('+')) {
        ran(PiiKind::Phone);
        for m in INTERNATIONAL_PHONE.find_iter(t) {
            if !is_embedded(t, m.start(), m.end()) {
                add(PiiKind::Phone, m.start(), m.end(), m.as_str().into());
            }
        }
        for (s, e) in japanese_phones(t) {
            add(PiiKind::Phone, s, e, t[s..e].into());
        }
    }
    for (kind, pattern, needed) in [
        (PiiKind::Postcode, &*POSTCODE, t.contains('〒')),
        (PiiKind::ResidenceCard, &*RESIDENCE_CARD, digits >= 8),
        (PiiKind::SocialProfile, &*SOCIAL_PROFILE, t.contains('/')),
    ] {
        if !needed {
            continue;
        }
        ran(kind);
        for m in pattern.find_iter(t) {
            let embedded = kind != PiiKind::SocialProfile && is_embedded(t, m.start(), m.end());
            if !embedded {
                let text = m.as_str().trim_end_matches(['.', ')']);
                add(kind, m.start(), m.start() + text.len(), text.into());
            }
        }
    }
}

/// True for a line some rule may find something in, judged from its raw
/// characters in one pass: something to decode (a character reference, a
/// percent-encoding, an escape, a full-width letter), an `@` or `/` in any
/// width, a 〒, eight digits in any script (a residence card needs eight, a
/// phone ten), a `+` and six, a digit where the line runs on into the next,
/// or `at` as a word and a dot. Most lines of prose hold none of these and
/// are never decoded.
fn may_hold(raw: &str) -> bool {
    let mut digits = 0;
    let mut plus = false;
    for c in raw.chars() {
        if c.is_ascii() {
            match c {
                '0'..='9' => digits += 1,
                '@' | '/' | '&' | '%' | '\\' => return true,
                '+' => plus = true,
                _ => {}
            }
        } else if reader::is_stable(c) {
            // kana and kanji: only kanji digits count
            if reader::reader_char(c).is_ascii_digit() {
                digits += 1;
            }
        } else if matches!(c, '〒' | '\u{FF01}'..='\u{FF5E}') {
            return true;
        } else if super::may_become_trigger(c) {
            digits += 1;
        }
    }
    let end = raw.trim_end().chars().next_back();
    let runs_on = end.is_some_and(|c| {
        matches!(c, '-' | '(' | '\u{2010}'..='\u{2015}' | '\u{2212}' | 'ー')
            || reader::reader_char(c).is_ascii_digit()
    });
    digits >= 8
        || plus && digits >= 6
        || runs_on && digits > 0
        || has_at_word(raw) && has_domain_dot(raw)
        || raw.contains("ｱｯﾄ")
}

/// True when the reader may see `line`'s end run on into the next line's
/// start: a soft line break in Markdown, a folded line in YAML.
fn runs_on(end: &View, next_raw: &str) -> bool {
    let last = end.text.trim_end().chars().next_back();
    let first = next_raw.trim_start().chars().next();
    last.is_some_and(|c| c.is_ascii_digit() || matches!(c, '-' | '(' | '@'))
        && first.is_some_and(|c| {
            c.is_alphanumeric() || c == '(' || reader::reader_char(c).is_ascii_digit()
        })
}

/// Scans `text` line by line. `allow` lists values that are fine (the
/// organisation's own address); comparison is after NFKC normalisation,
/// case-insensitive.
pub fn scan_text(text: &str, allow: &[String]) -> Vec<PiiMatch> {
    scan_text_counted(text, allow, &mut GuardReport::default())
}

/// [`scan_text`], adding what it read and checked to `report`.
pub fn scan_text_counted(text: &str, allow: &[String], report: &mut GuardReport) -> Vec<PiiMatch> {
    let allow: Vec<String> = allow
        .iter()
        .map(|a| super::normalise(a).to_lowercase())
        .collect();
    let lines: Vec<&str> = text.lines().collect();
    report.files += 1;
    report.lines += lines.len();
    let mut out = Vec::new();
    for (i, raw) in lines.iter().enumerate() {
        if !may_hold(raw) {
            continue;
        }
        let mut hits = Vec::new();
        let plain = reader::view(raw, false);
        detect(&plain, &mut hits, Some(&mut report.checked));
        if reader::has_markup(raw) {
            detect(&reader::view(raw, true), &mut hits, None);
        }
        if let Some(next) = lines.get(i + 1)
            && runs_on(&plain, next)
        {
            let width = raw.chars().count();
            let mut across = Vec::new();
            let head: String = next.chars().take(64).collect();
            detect(
                &plain.seam(&reader::view(&head, true), width),
                &mut across,
                None,
            );
            for mut h in across {
                // only what starts on this line and runs past its end is new
                if h.raw.0 < width && h.raw.1 > width {
                    h.raw.1 = width;
                    if !hits.iter().any(|o| h.raw.0 < o.raw.1 && o.raw.0 < h.raw.1) {
                        hits.push(h);
                    }
                }
            }
        }
        for h in hits {
            let lower = h.text.to_lowercase();
            if allow.iter().any(|a| lower.contains(a.as_str())) {
                continue;
            }
            report.found[h.kind.index()] += 1;
            out.push(PiiMatch {
                kind: h.kind,
                masked: mask::masked(h.kind, &h.text),
                text: h.text,
                line: i + 1,
                column: h.raw.0 + 1,
                end_column: h.raw.1 + 1,
            });
        }
    }
    out.sort_by_key(|m| (m.line, m.column));
    out
}

#[cfg(test)]
#[path = "scan_tests.rs"]
mod tests;
