//! What must never be written down, and what must never leave a file.
//!
//! Two checks run on the text of content files, before anything is
//! published:
//!
//! * **Forbidden keys** ([`keys`]). A talent's front matter may not carry a
//!   legal name, contact details, nationality, residence status and the
//!   like, under any key, `extra` included, in English or Japanese, in any
//!   spelling (`E-Mail`, `ＥＭＡＩＬ`, `dateOfBirth`, `氏名`, `在留資格`).
//!   Japanese law (APPI's special care-required information, the Employment
//!   Security Act guideline on what job placement may collect) forbids much
//!   of it; the rest can endanger a person if it leaks. The table lives
//!   here, once ([`FORBIDDEN`]), one row per concept, and sites extend it
//!   in site.yaml.
//! * **Personal data in free text** ([`scan`]). E-mail addresses, phone
//!   numbers, postcodes, residence-card numbers and social-media profile
//!   links are found by [`scan_text`] line by line in the text *as a reader
//!   sees it* ([`reader`]): character references, percent-encoding,
//!   Markdown escapes and full-width forms decoded, kanji digits read as
//!   digits, markup between the parts of an address dropped, a soft line
//!   break read as the space it renders as. Front matter is scanned the same
//!   way, and its values once more after YAML decoding when they hold
//!   escapes (`"\u0040"`), since those never appear in the raw text.
//!
//! **Why no second pass over the rendered pages.** Every decoding the
//! Markdown renderer and the browser apply that can make or hide a
//! character (references, escapes, percent-encoding, markup) is applied
//! here to the raw line, with a map back to the raw columns, so a talent's
//! error points at file:line:col in what the writer typed; a test
//! (`tests/it/guard.rs`) renders tricky lines with the `markdown` module and
//! checks that whatever the scanner finds in the rendered text it finds in
//! the raw text too. A pass over the rendered HTML would scan every page a
//! second time to report positions in HTML the writer never saw.
//!
//! **What a pattern scanner cannot catch**: a name, a nationality, a place
//! or a story told in prose ("my brother still lives in …"), a number
//! spelled in words, an address split over paragraphs, a photo of a
//! document. Writers and reviewers still read every profile.
//!
//! Messages never repeat what they found in full ([`mask`]), and what the
//! guard checked is counted ([`GuardReport`]) for `tsunagi check --privacy`.

pub mod concepts;
pub mod keys;
pub mod mask;
pub mod reader;
pub mod scan;

use std::borrow::Cow;

use unicode_normalization::UnicodeNormalization;

pub use keys::{
    Concept, FORBIDDEN, ForbiddenKey, KeyRule, find_forbidden_keys, forbidden_match, forbidden_rule,
};
pub use scan::{PiiKind, PiiMatch, scan_text, scan_text_counted};

/// The number of free-text rules, one per [`PiiKind`].
pub const RULES: usize = PiiKind::ALL.len();

/// What the guard checked in a build, for `tsunagi check --privacy`: an
/// organisation sees what is covered, and how much of its content each rule
/// actually read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GuardReport {
    /// Entries of `privacy.forbidden_keys` in site.yaml.
    pub site_keys: usize,
    /// Talent files whose keys were checked.
    pub talent_files: usize,
    /// Keys checked: top-level keys (the schema's are known) and every
    /// key under `extra`, checked against [`FORBIDDEN`] and the site's list.
    pub keys: usize,
    /// Of `keys`, those under `extra`.
    pub extra_keys: usize,
    /// Files whose text was scanned.
    pub files: usize,
    /// Lines read.
    pub lines: usize,
    /// Per rule ([`PiiKind::ALL`]), lines that held what it looks for and
    /// were matched against it.
    pub checked: [usize; RULES],
    /// Per rule, what it found (allowed values aside).
    pub found: [usize; RULES],
    /// Front-matter values checked again after YAML decoding.
    pub yaml_values: usize,
}

impl GuardReport {
    /// Adds `other`'s counts (`site_keys` is the site's, not summed).
    pub fn add(&mut self, other: &GuardReport) {
        self.talent_files += other.talent_files;
        self.keys += other.keys;
        self.extra_keys += other.extra_keys;
        self.files += other.files;
        self.lines += other.lines;
        for i in 0..RULES {
            self.checked[i] += other.checked[i];
            self.found[i] += other.found[i];
        }
        self.yaml_values += other.yaml_values;
    }

    /// The rules that ran and what each checked, one per line.
    pub fn table(&self) -> String {
        let n = |count: usize, what: &str| {
            format!("{count} {what}{}", if count == 1 { "" } else { "s" })
        };
        let mut s = String::from("\npersonal-data guard: rules run and values checked\n");
        s.push_str(&format!(
            "  {:<22} {} in {}, {} under extra ({} concepts in English and Japanese, {} from site.yaml)\n",
            "forbidden keys",
            n(self.keys, "key"),
            n(self.talent_files, "talent file"),
            self.extra_keys,
            FORBIDDEN.len(),
            self.site_keys
        ));
        for kind in PiiKind::ALL {
            let (checked, found) = (self.checked[kind.index()], self.found[kind.index()]);
            s.push_str(&format!(
                "  {:<22} {}, {found} found ({})\n",
                kind.rule(),
                n(checked, "line"),
                kind.forms()
            ));
        }
        s.push_str(&format!(
            "  {:<22} {}\n",
            "YAML-escaped values",
            n(self.yaml_values, "value")
        ));
        s.push_str(&format!(
            "  read {} in {} as a reader sees them (character references, %-encoding, escapes, markup, full-width and kanji digits decoded)\n",
            n(self.lines, "line"),
            n(self.files, "file")
        ));
        s.push_str("  not caught: a name, nationality or story told in prose; review every profile before it is published\n");
        s
    }
}

/// True for a character whose NFKC form contains an ASCII digit, `@` or
/// `/`: those themselves, full-width forms, circled and superscript numbers…
/// The ranges were computed from the Unicode tables of unicode-normalization
/// (a test checks every code point against them).
pub(crate) fn may_become_trigger(c: char) -> bool {
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
pub(crate) fn normalise(s: &str) -> Cow<'_, str> {
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
            return Cow::Owned(s.chars().map(to_dash).collect());
        }
        return Cow::Borrowed(s);
    }
    Cow::Owned(s.nfkc().map(to_dash).collect())
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

/// Findings in front-matter values that only YAML decoding makes
/// (`"amir\x40example.com"`): values holding an escape are decoded and
/// scanned, and what the raw text's findings on the key's line (`known`,
/// with lines relative to `yaml`) lack is reported at the line and column
/// of the value's key.
pub fn scan_yaml_values(
    yaml: &str,
    allow: &[String],
    known: &[PiiMatch],
    report: &mut GuardReport,
) -> Vec<PiiMatch> {
    if !yaml.contains('\\') {
        return Vec::new();
    }
    let Ok(value) = serde_yaml::from_str::<serde_yaml::Value>(yaml) else {
        return Vec::new();
    };
    let mut y = YamlScan {
        yaml,
        allow,
        known,
        report,
        cursor: 1,
        out: Vec::new(),
    };
    y.value(&value, (1, 1));
    y.out
}

struct YamlScan<'a> {
    yaml: &'a str,
    allow: &'a [String],
    known: &'a [PiiMatch],
    report: &'a mut GuardReport,
    cursor: usize,
    out: Vec<PiiMatch>,
}

impl YamlScan<'_> {
    fn value(&mut self, v: &serde_yaml::Value, at: (usize, usize)) {
        match v {
            serde_yaml::Value::String(s) => self.string(s, at),
            serde_yaml::Value::Mapping(m) => {
                for (k, v) in m {
                    let mut pos = at;
                    if let Some(k) = k.as_str()
                        && let Some(p) = crate::yaml::find_key_line(self.yaml, k, self.cursor)
                    {
                        self.cursor = p.0;
                        pos = p;
                    }
                    self.value(v, pos);
                }
            }
            serde_yaml::Value::Sequence(s) => s.iter().for_each(|v| self.value(v, at)),
            serde_yaml::Value::Tagged(t) => self.value(&t.value, at),
            _ => {}
        }
    }

    fn string(&mut self, s: &str, (line, column): (usize, usize)) {
        if self.yaml.contains(s) {
            return; // as written: the raw text's scan saw it
        }
        self.report.yaml_values += 1;
        let mut counts = GuardReport::default();
        for m in scan_text_counted(s, self.allow, &mut counts) {
            let seen = |k: &&PiiMatch| k.line == line && k.kind == m.kind && k.text == m.text;
            if self.known.iter().any(|k| seen(&k)) {
                continue;
            }
            self.report.found[m.kind.index()] += 1;
            self.out.push(PiiMatch {
                line,
                column,
                end_column: column,
                ..m
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn yaml_escapes_are_decoded_and_found_at_their_key() {
        let yaml = "id: t-1\nextra:\n  note: \"amir\\x40example.com\"\n  ok: \"a\\tb\"\n";
        let mut report = GuardReport::default();
        let known = scan_text(yaml, &[]);
        assert!(known.is_empty(), "the raw text shows no address: {known:?}");
        // the same address elsewhere in the file is another finding
        let elsewhere = scan_text("\n\n\n\namir@example.com", &[]);
        let found = scan_yaml_values(yaml, &[], &elsewhere, &mut report);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!((found[0].line, found[0].column), (3, 3));
        assert_eq!(found[0].masked, "a***@e******.com");
        assert_eq!(report.yaml_values, 2);
        // without an escape there is nothing YAML could add
        let plain = "id: t-1\nextra:\n  note: amir@example.com\n";
        let known = scan_text(plain, &[]);
        assert!(scan_yaml_values(plain, &[], &known, &mut report).is_empty());
    }
}
