//! Body sentences for the excerpts of word queries.
//!
//! A CJK query's excerpt is the phrase it matched: the phrase shards hold
//! the text of every distinct CJK run. A word query (`Python`, `AWS`,
//! `engineer`) matches through term postings, which carry no text, so its
//! excerpt would be the summary, which often does not hold the word. So a
//! document's metadata also carries the sentences of its body that contain
//! a letter outside CJK scripts (any word a query could match) and that the
//! summary shown beside them does not already contain; the browser shows
//! the first one holding the query's words, around the match.
//!
//! Bounded, so that the metadata a list of results fetches stays small:
//! a sentence is cut at [`SENTENCE_CHARS`] characters and a document keeps
//! sentences up to [`DOC_BYTES`] bytes. A word found only beyond the bound
//! falls back to the summary. On the 10,000-page benchmark corpus (mostly
//! Japanese) this adds about 1.3 MB to the index; a page written in English
//! keeps the first [`DOC_BYTES`] of its body.

/// Characters kept of one sentence.
pub const SENTENCE_CHARS: usize = 160;

/// Bytes of sentences kept per document (the sentence that crosses the
/// bound is kept whole).
pub const DOC_BYTES: usize = 600;

/// The sentences of `plain` (a body's text) that hold a non-CJK letter and
/// that `shown` (the summary shown with them) does not contain, in order,
/// each at most [`SENTENCE_CHARS`] characters, together at most about
/// [`DOC_BYTES`] bytes. Borrowed from `plain`; repeats are dropped.
pub fn sentences<'a>(plain: &'a str, shown: &str) -> Vec<&'a str> {
    let mut out: Vec<&'a str> = Vec::new();
    let mut total = 0;
    let mut start = 0;
    let mut letter = false;
    let b = plain.as_bytes();
    let mut i = 0;
    // Bytes, not chars: this reads every body of the site, mostly Japanese,
    // whose characters (U+3000..U+9FFF, lead bytes E3..E9) are neither
    // letters nor, but for 。, sentence ends, and are skipped three bytes
    // at a time without decoding.
    while i < b.len() {
        let x = b[i];
        let (len, end) = match x {
            b'\n' => (1, true),
            b'.' | b'!' | b'?' => (1, b.get(i + 1).is_none_or(|n| n.is_ascii_whitespace())),
            0..0x80 => {
                letter |= x.is_ascii_alphabetic();
                (1, false)
            }
            0xE3..=0xE9 => (3, x == 0xE3 && b[i + 1] == 0x80 && b[i + 2] == 0x82),
            // full-width forms: ！ and ？ end a sentence, Ａ-Ｚ and ａ-ｚ are letters
            0xEF if b[i + 1] == 0xBC || b[i + 1] == 0xBD => {
                let (y, z) = (b[i + 1], b[i + 2]);
                letter |= (y == 0xBC && (0xA1..=0xBA).contains(&z))
                    || (y == 0xBD && (0x81..=0x9A).contains(&z));
                (3, y == 0xBC && (z == 0x81 || z == 0x9F))
            }
            _ => {
                let c = plain[i..].chars().next().unwrap_or(' ');
                letter |= is_letter(c);
                (c.len_utf8(), false)
            }
        };
        i += len;
        if !end && i < b.len() {
            continue;
        }
        if letter && keep(&mut out, &mut total, &plain[start..i], shown) {
            break;
        }
        start = i;
        letter = false;
    }
    out
}

/// Adds `sentence` (trimmed and cut) to `out` unless it is empty, in
/// `shown` or already there; true once `out` holds [`DOC_BYTES`].
fn keep<'a>(out: &mut Vec<&'a str>, total: &mut usize, sentence: &'a str, shown: &str) -> bool {
    let s = cut(sentence.trim(), SENTENCE_CHARS);
    // (the length first: a substring search is set up for each call)
    let in_summary = s.len() <= shown.len() && shown.contains(s);
    if !s.is_empty() && !in_summary && !out.contains(&s) {
        out.push(s);
        *total += s.len();
    }
    *total >= DOC_BYTES
}

/// A letter a word query can match: Latin, Greek, Cyrillic, Arabic …,
/// not kana, kanji or Hangul, nor their half-width forms (found by phrase).
fn is_letter(c: char) -> bool {
    c.is_alphabetic() && !crate::text::is_cjk(c) && !(0xFF61..=0xFFDC).contains(&(c as u32))
}

/// The first `n` characters of `s`.
fn cut(s: &str, n: usize) -> &str {
    if s.len() <= n {
        return s;
    }
    match s.char_indices().nth(n) {
        Some((i, _)) => s[..i].trim_end(),
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_sentences_with_words_a_query_can_match() {
        let plain = "## 職務要約\nPythonでの開発経験が5年あります。日本語で会議ができます。\
                     普段は AWS を使います！ 趣味は料理です。";
        assert_eq!(
            sentences(plain, ""),
            [
                "Pythonでの開発経験が5年あります。",
                "普段は AWS を使います！"
            ]
        );
    }

    #[test]
    fn splits_english_at_sentence_ends_not_at_decimal_points() {
        let plain = "She moved to Osaka. Her Go 1.22 service handles 3.5k requests! Then what?";
        assert_eq!(
            sentences(plain, ""),
            [
                "She moved to Osaka.",
                "Her Go 1.22 service handles 3.5k requests!",
                "Then what?"
            ]
        );
    }

    #[test]
    fn full_width_and_other_scripts_are_letters_digits_alone_are_not() {
        let plain = "ＰＹＴＨＯＮを学びました。2024年4月に来日。Привет мир。مرحبا。";
        assert_eq!(
            sentences(plain, ""),
            ["ＰＹＴＨＯＮを学びました。", "Привет мир。", "مرحبا。"]
        );
    }

    #[test]
    fn drops_what_the_summary_shows_and_repeats() {
        let plain = "A cook finds a new kitchen.\nEngineers who cook.\nEngineers who cook.";
        assert_eq!(
            sentences(plain, "A cook finds a new kitchen."),
            ["Engineers who cook."]
        );
    }

    /// The obvious char-by-char reading of the sentence rules, to hold the
    /// byte scan to (what is kept of each sentence is `keep`'s, shared).
    fn by_chars<'a>(plain: &'a str, shown: &str) -> Vec<&'a str> {
        let mut out: Vec<&'a str> = Vec::new();
        let (mut start, mut letter, mut total) = (0, false, 0);
        let mut chars = plain.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            let end = match c {
                '\n' | '。' | '！' | '？' => true,
                '.' | '!' | '?' => chars.peek().is_none_or(|(_, n)| n.is_ascii_whitespace()),
                _ => {
                    letter |= is_letter(c);
                    false
                }
            };
            let i = i + c.len_utf8();
            if !end && i < plain.len() {
                continue;
            }
            if letter && keep(&mut out, &mut total, &plain[start..i], shown) {
                break;
            }
            start = i;
            letter = false;
        }
        out
    }

    #[test]
    fn the_byte_scan_reads_as_the_char_scan() {
        let parts = [
            "Python",
            "。",
            "！",
            "？",
            "!",
            "?",
            " ",
            ".",
            "\n",
            "日本語",
            "ＡＢＣ",
            "ｘｙ",
            "（",
            "）",
            "＠",
            "é",
            "Привет",
            "한국어",
            "🦀",
            "3.5",
            "a.b",
            "?x",
            "ｱｲｳ",
            "、",
            "ー",
            "　",
            "\t",
            "ß",
            "①",
            "Ω",
            "ا",
        ];
        let mut seed: u64 = 7;
        let mut next = |n: usize| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) as usize % n
        };
        for _ in 0..5000 {
            let text: String = (0..1 + next(14))
                .map(|_| parts[next(parts.len())])
                .collect();
            assert_eq!(
                sentences(&text, "Python"),
                by_chars(&text, "Python"),
                "{text:?}"
            );
        }
    }

    #[test]
    fn bounded_per_sentence_and_per_document() {
        let long = "word ".repeat(100);
        let s = sentences(&long, "");
        assert_eq!(s.len(), 1);
        assert_eq!(
            s[0].chars().count(),
            SENTENCE_CHARS - 1,
            "cut, then trimmed"
        );
        let many: String = (0..100)
            .map(|i| format!("Sentence number {i}.\n"))
            .collect();
        let s = sentences(&many, "");
        let total: usize = s.iter().map(|x| x.len()).sum();
        assert!((DOC_BYTES..DOC_BYTES + 30).contains(&total), "{total}");
        assert_eq!(s[0], "Sentence number 0.");
    }
}
