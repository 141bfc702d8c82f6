//! A line as a reader sees it, with where each of its bytes came from.
//!
//! The browser decodes what the writer typed: `&#64;` and `&commat;` are an
//! `@` on the page, `%40` is an `@` in a link, `\@` is an `@` in Markdown,
//! `０９０` is 090, `〇九〇` reads as 090, and `a<span>m</span>ir`, `**amir**`
//! or `` `amir` `` show no markup between the letters. [`view`] applies
//! these decodings to one raw line and keeps, for every byte of the result,
//! the range of raw characters it came from, so that a finding in the
//! decoded text points at its column in the file.
//!
//! Two views of a line are scanned: one decoded with its markup kept (an
//! address inside `<a href="mailto:…">` is in the markup) and one with the
//! markup a reader does not see dropped.

/// A decoded line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct View {
    /// What a reader sees (NFKC, dashes as `-`, kanji digits as digits).
    pub text: String,
    /// For each byte of `text`: the raw characters (0-based, end exclusive)
    /// it came from. Empty when each character of `text` is the raw
    /// character at the same index (most lines: nothing to decode).
    spans: Vec<(u32, u32)>,
}

impl View {
    /// The raw characters `text[..=byte]`'s last character came from.
    fn span(&self, byte: usize) -> (u32, u32) {
        if let Some(&s) = self.spans.get(byte) {
            return s;
        }
        let mut b = byte.min(self.text.len());
        while !self.text.is_char_boundary(b) {
            b -= 1;
        }
        let k = self.text[..b].chars().count() as u32;
        (k, k + 1)
    }

    /// The raw character range (0-based, end exclusive) of `text[start..end]`.
    pub fn raw_range(&self, start: usize, end: usize) -> (usize, usize) {
        let first = self.span(start).0;
        let last = self.span(end.saturating_sub(1).max(start)).1;
        (first as usize, last as usize)
    }

    /// The end of this line (its last 48 bytes or so), a space and the
    /// start of `next`: what a reader sees across a soft line break. Bytes
    /// of this line keep their columns; the space and `next`'s bytes map to
    /// `width..width + 1`, just past this line's `width` characters, so a
    /// match running into the next line is told by its end.
    pub fn seam(&self, next: &View, width: usize) -> View {
        let t = self.text.trim_end();
        let mut from = t.len().saturating_sub(48);
        while !t.is_char_boundary(from) {
            from += 1;
        }
        let head = next.text.trim_start();
        let mut to = head.len().min(48);
        while !head.is_char_boundary(to) {
            to -= 1;
        }
        let past = (width as u32, width as u32 + 1);
        let mut spans: Vec<(u32, u32)> = (from..t.len()).map(|b| self.span(b)).collect();
        spans.extend(std::iter::repeat_n(past, 1 + to));
        View {
            text: format!("{} {}", &t[from..], &head[..to]),
            spans,
        }
    }

    /// Appends `c` as decoded from raw characters `from..to`; `nfkc`: it
    /// may need normalising.
    fn push(&mut self, c: char, from: usize, to: usize, nfkc: bool) {
        let span = (from as u32, to as u32);
        let mut put = |d: char| {
            let d = reader_char(d);
            let mut buf = [0u8; 4];
            let s = d.encode_utf8(&mut buf);
            self.text.push_str(s);
            self.spans.extend(std::iter::repeat_n(span, s.len()));
        };
        if is_stable(c) || !nfkc && !is_invisible(c) {
            put(c);
        } else if !is_invisible(c) {
            use unicode_normalization::UnicodeNormalization;
            std::iter::once(c).nfkc().for_each(put);
        }
    }
}

/// Dashes as `-` (writers type 090−1234−5678 with a minus sign or a
/// katakana prolonged sound mark as often as with a hyphen) and kanji digits
/// as digits (〇九〇 is how a phone number is written vertically, and
/// sometimes across).
pub(super) fn reader_char(c: char) -> char {
    match c {
        '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{30FC}' | '\u{FF70}' => '-',
        '〇' | '零' => '0',
        '一' => '1',
        '二' => '2',
        '三' => '3',
        '四' => '4',
        '五' => '5',
        '六' => '6',
        '七' => '7',
        '八' => '8',
        '九' => '9',
        c => c,
    }
}

/// True for characters NFKC leaves as they are, among those most text is
/// made of: ASCII, kana, the common kanji, Japanese punctuation (a test
/// checks each against NFKC). Others are normalised one by one.
pub(super) fn is_stable(c: char) -> bool {
    c.is_ascii()
        || matches!(c as u32,
            0x3001..=0x3007 | 0x3008..=0x3011 | 0x3041..=0x3096 | 0x30A1..=0x30FA
            | 0x30FC..=0x30FE | 0x4E00..=0x9FFF)
}

/// Characters a reader does not see: zero-width spaces and joiners, the
/// word joiner, the byte-order mark, the soft hyphen.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}'
    )
}

/// Named character references that make a character some rule looks for
/// (punctuation and spaces; letters and digits have no short names).
const NAMED: &[(&str, char)] = &[
    ("amp", '&'),
    ("lt", '<'),
    ("gt", '>'),
    ("quot", '"'),
    ("apos", '\''),
    ("nbsp", '\u{A0}'),
    ("ensp", ' '),
    ("emsp", ' '),
    ("thinsp", ' '),
    ("hairsp", ' '),
    ("ZeroWidthSpace", '\u{200B}'),
    ("zwj", '\u{200D}'),
    ("zwnj", '\u{200C}'),
    ("shy", '\u{AD}'),
    ("commat", '@'),
    ("period", '.'),
    ("hyphen", '\u{2010}'),
    ("dash", '\u{2010}'),
    ("ndash", '\u{2013}'),
    ("mdash", '\u{2014}'),
    ("minus", '\u{2212}'),
    ("plus", '+'),
    ("lpar", '('),
    ("rpar", ')'),
    ("lsqb", '['),
    ("rsqb", ']'),
    ("lbrack", '['),
    ("rbrack", ']'),
    ("lcub", '{'),
    ("rcub", '}'),
    ("lbrace", '{'),
    ("rbrace", '}'),
    ("sol", '/'),
    ("bsol", '\\'),
    ("colon", ':'),
    ("semi", ';'),
    ("comma", ','),
    ("num", '#'),
    ("percnt", '%'),
    ("lowbar", '_'),
    ("UnderBar", '_'),
    ("ast", '*'),
    ("midast", '*'),
    ("verbar", '|'),
    ("vert", '|'),
    ("grave", '`'),
    ("tilde", '~'),
];

/// The character reference starting at `chars[i]` (`&`), decoded, and the
/// index after it.
fn char_ref(chars: &[char], i: usize) -> Option<(char, usize)> {
    let end = (i + 2..chars.len().min(i + 34)).find(|&j| chars[j] == ';')?;
    let body: String = chars[i + 1..end].iter().collect();
    let c = if let Some(num) = body.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        char::from_u32(code)?
    } else {
        NAMED.iter().find(|(n, _)| *n == body)?.1
    };
    Some((c, end + 1))
}

/// The run of percent-encoded bytes starting at `chars[i]` (`%`), decoded
/// when it is UTF-8, with the raw index where each character starts, and
/// the index after the run.
fn percent_run(chars: &[char], i: usize) -> Option<(Vec<(char, usize)>, usize)> {
    let mut bytes = Vec::new();
    let mut starts = Vec::new();
    let mut j = i;
    while j + 2 < chars.len() && chars[j] == '%' {
        let hex: String = chars[j + 1..j + 3].iter().collect();
        let Ok(b) = u8::from_str_radix(&hex, 16) else {
            break;
        };
        bytes.push(b);
        starts.push(j);
        j += 3;
    }
    let s = std::str::from_utf8(&bytes).ok().filter(|s| !s.is_empty())?;
    let mut out = Vec::new();
    let mut byte = 0;
    for c in s.chars() {
        out.push((c, starts[byte]));
        byte += c.len_utf8();
    }
    Some((out, j))
}

/// The length in characters of an HTML tag or comment at `chars[i]` (`<`):
/// `<span>`, `</b>`, `<wbr/>`, `<a href="…">`, `<!-- … -->` (on this line).
/// Autolinks such as `<mailto:…>` are not tags.
fn markup_len(chars: &[char], i: usize) -> Option<usize> {
    let rest = &chars[i..];
    if rest.starts_with(&['<', '!', '-', '-']) {
        let close = (4..rest.len().saturating_sub(2))
            .find(|&j| rest[j] == '-' && rest[j + 1] == '-' && rest[j + 2] == '>')?;
        return Some(close + 3);
    }
    let mut j = 1;
    if rest.get(j) == Some(&'/') {
        j += 1;
    }
    if !rest.get(j).is_some_and(char::is_ascii_alphabetic) {
        return None;
    }
    while rest
        .get(j)
        .is_some_and(|c| c.is_ascii_alphanumeric() || *c == '-')
    {
        j += 1;
    }
    match rest.get(j) {
        Some('>') => Some(j + 1),
        Some('/') if rest.get(j + 1) == Some(&'>') => Some(j + 2),
        Some(c) if c.is_whitespace() => {
            let close = (j..rest.len()).find(|&k| rest[k] == '>' || rest[k] == '<')?;
            (rest[close] == '>').then_some(close + 1)
        }
        _ => None,
    }
}

/// Markdown punctuation a reader does not see as such: emphasis, code,
/// strikethrough.
fn is_inline_mark(c: char) -> bool {
    matches!(c, '*' | '_' | '`' | '~')
}

/// True when `raw` holds something the markup-dropping view would drop.
pub fn has_markup(raw: &str) -> bool {
    raw.contains(|c| is_inline_mark(c) || c == '<')
}

/// The line as a reader sees it: character references, percent-encoding
/// and Markdown backslash escapes decoded, invisible characters dropped,
/// NFKC applied, and with `drop_markup` HTML tags, comments and Markdown
/// emphasis and code marks removed.
pub fn view(raw: &str, drop_markup: bool) -> View {
    let nfkc = !raw.chars().all(is_stable);
    let decodes = |c: char| matches!(c, '&' | '%' | '\\') || is_invisible(c);
    if !(nfkc || raw.contains(decodes) || drop_markup && has_markup(raw)) {
        // character for character: the raw line with dashes and digits read
        return View {
            text: raw.chars().map(reader_char).collect(),
            spans: Vec::new(),
        };
    }
    let chars: Vec<char> = raw.chars().collect();
    let mut v = View {
        text: String::with_capacity(raw.len()),
        spans: Vec::with_capacity(raw.len()),
    };
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if drop_markup {
            if is_inline_mark(c) {
                i += 1;
                continue;
            }
            if c == '<'
                && let Some(n) = markup_len(&chars, i)
            {
                i += n;
                continue;
            }
        }
        match c {
            '\\' if chars.get(i + 1).is_some_and(char::is_ascii_punctuation) => {
                v.push(chars[i + 1], i, i + 2, nfkc);
                i += 2;
            }
            '&' => match char_ref(&chars, i) {
                Some((d, next)) => {
                    v.push(d, i, next, true);
                    i = next;
                }
                None => {
                    v.push(c, i, i + 1, nfkc);
                    i += 1;
                }
            },
            '%' => match percent_run(&chars, i) {
                Some((decoded, next)) => {
                    for (k, &(d, from)) in decoded.iter().enumerate() {
                        let to = decoded.get(k + 1).map_or(next, |n| n.1);
                        v.push(d, from, to, true);
                    }
                    i = next;
                }
                None => {
                    v.push(c, i, i + 1, nfkc);
                    i += 1;
                }
            },
            _ => {
                v.push(c, i, i + 1, nfkc);
                i += 1;
            }
        }
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seen(raw: &str) -> String {
        view(raw, true).text
    }

    #[test]
    fn decodes_what_the_browser_decodes() {
        assert_eq!(seen("amir&#64;example&#46;com"), "amir@example.com");
        assert_eq!(seen("amir&#x40;example&period;com"), "amir@example.com");
        assert_eq!(seen("amir&commat;example.com"), "amir@example.com");
        assert_eq!(seen("mailto:amir%40example.com"), "mailto:amir@example.com");
        assert_eq!(seen("amir%EF%BC%A0example.com"), "amir@example.com");
        assert_eq!(seen(r"amir\@example\.com"), "amir@example.com");
        assert_eq!(seen("ａｍｉｒ＠ｅｘａｍｐｌｅ．ｃｏｍ"), "amir@example.com");
        assert_eq!(seen("〇九〇ー一二三四ー五六七八"), "090-1234-5678");
        assert_eq!(seen("am\u{200B}ir"), "amir");
        // what is not a reference stays as written
        assert_eq!(
            seen("AT&T 100% &unknown; &#xZZ;"),
            "AT&T 100% &unknown; &#xZZ;"
        );
    }

    #[test]
    fn drops_markup_a_reader_does_not_see() {
        assert_eq!(seen("**amir**@*example*.com"), "amir@example.com");
        assert_eq!(seen("`amir`@example.com"), "amir@example.com");
        assert_eq!(
            seen("amir<span>@</span>example<b>.</b>com"),
            "amir@example.com"
        );
        assert_eq!(seen("090<!-- x -->-1234-<wbr/>5678"), "090-1234-5678");
        assert_eq!(seen(r#"<a href="x">amir</a>"#), "amir");
        // an autolink is not markup, and neither is a lone `<`
        assert_eq!(seen("<mailto:a@example.com>"), "<mailto:a@example.com>");
        assert_eq!(seen("1 < 2"), "1 < 2");
        // the view that keeps markup keeps the attribute's address
        assert_eq!(
            view(r#"<a href="mailto:a&#64;example.com">"#, false).text,
            r#"<a href="mailto:a@example.com">"#
        );
    }

    #[test]
    fn stable_characters_are_their_own_nfkc() {
        use unicode_normalization::UnicodeNormalization;
        for c in (0u32..0x10000)
            .filter_map(char::from_u32)
            .filter(|&c| is_stable(c))
        {
            let n: String = std::iter::once(c).nfkc().collect();
            assert_eq!(n, c.to_string(), "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn every_byte_maps_back_to_its_raw_characters() {
        let raw = "連絡: amir&#64;ex\\.com";
        let v = view(raw, true);
        let at = v.text.find('@').expect("decoded @");
        assert_eq!(
            v.raw_range(at, at + 1),
            (8, 13),
            "`&#64;` is raw chars 8..13"
        );
        let start = v.text.find('a').expect("a");
        assert_eq!(v.raw_range(start, v.text.len()), (4, raw.chars().count()));
        let wide = view("０９０", false);
        assert_eq!(wide.text, "090");
        assert_eq!(wide.raw_range(1, 2), (1, 2));
    }
}
