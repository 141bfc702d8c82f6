//! NFKC, then lower case, fast: the characters normalisation leaves alone
//! are told from their bytes and copied as slices, and only the spans in
//! between go through full NFKC (see the module above for why).

use std::borrow::Cow;

use unicode_normalization::UnicodeNormalization;

/// Characters NFKC maps to themselves and that never combine with what
/// precedes them, and whose lower case is themselves (or ASCII).
pub(super) fn is_stable(c: char) -> bool {
    c.is_ascii()
        || matches!(c as u32,
            0x3001..=0x3002
            | 0x3005..=0x3007
            | 0x3008..=0x3011
            | 0x3041..=0x3096
            | 0x309D..=0x309E
            | 0x30A1..=0x30FE
            | 0x3400..=0x4DBF
            | 0x4E00..=0x9FFF
            | 0xAC00..=0xD7A3)
}

/// What a character becomes on its own, when that needs no context: full
/// width ASCII and the ideographic space map to ASCII (as NFKC maps them).
pub(super) fn simple_fold(c: char) -> Option<char> {
    match c as u32 {
        0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).map(|a| a.to_ascii_lowercase()),
        0x3000 => Some(' '),
        _ => None,
    }
}

/// Any other character NFKC leaves alone on its own (quick check "yes"),
/// Greek excepted: its lower case depends on the next letter (final sigma).
pub(super) fn is_plain(c: char) -> bool {
    !matches!(c as u32, 0x0370..=0x03FF | 0x1F00..=0x1FFF)
        && unicode_normalization::is_nfkc_quick(std::iter::once(c))
            == unicode_normalization::IsNormalized::Yes
}

/// The byte index of the first character at or after `from` that
/// normalisation changes. CJK ideographs U+4E00–U+9FFF (UTF-8 lead bytes
/// E4 B8 to E9), kana, CJK punctuation and lower-case ASCII, most of any
/// page, are skipped without decoding.
pub(super) fn first_unclean(text: &str, from: usize) -> Option<usize> {
    let b = text.as_bytes();
    let mut i = from;
    while i < b.len() {
        let x = b[i];
        if x < 0x80 {
            if x.is_ascii_uppercase() {
                return Some(i);
            }
            i += 1;
        } else if (0xE5..=0xE9).contains(&x)
            || (x == 0xE4 && b[i + 1] >= 0xB8)
            || (x == 0xE3 && clean_kana(b[i + 1], b[i + 2]))
        {
            i += 3;
        } else {
            let (c, n) = decode(b, i);
            if !is_clean(c) {
                return Some(i);
            }
            i += n;
        }
    }
    None
}

/// For the UTF-8 bytes `E3 b1 b2`: a kana or CJK punctuation mark that
/// normalisation leaves as it is, told from the bytes (U+3001–U+3002,
/// U+3005–U+3011, U+3041–U+3096, U+309D–U+309E, U+30A1–U+30FE). Half of
/// Japanese text is kana; `false` sends the rest through [`is_clean`].
#[inline]
pub(super) fn clean_kana(b1: u8, b2: u8) -> bool {
    match b1 {
        0x80 => matches!(b2, 0x81..=0x82 | 0x85..=0x91),
        0x81 => b2 >= 0x81,
        0x82 => b2 <= 0x96 || (0x9D..=0x9E).contains(&b2) || b2 >= 0xA1,
        0x83 => b2 <= 0xBE,
        _ => false,
    }
}

/// A character that normalisation leaves exactly as it is.
pub(super) fn is_clean(c: char) -> bool {
    if is_stable(c) {
        !c.is_ascii_uppercase()
    } else {
        is_plain(c) && !c.is_uppercase()
    }
}

/// NFKC, then lower case: the one spelling both the index and the query use.
///
/// Runs of characters that need nothing are copied as slices; characters
/// that map on their own (upper case, full-width ASCII) are mapped one by
/// one; anything else goes through full NFKC in a span that starts one
/// character early, so a combining mark composes with its base.
pub fn normalize(text: &str) -> Cow<'_, str> {
    let Some(mut i) = first_unclean(text, 0) else {
        return Cow::Borrowed(text);
    };
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len() + 8);
    // text[copied..i] is clean and not yet in `out`
    let mut copied = 0;
    // where the last character began in `text` and in `out`
    let mut last: Option<(usize, usize)> = None;
    loop {
        if copied < i {
            out.push_str(&text[copied..i]);
            let prev = text[..i].chars().next_back().map_or(0, char::len_utf8);
            last = Some((i - prev, out.len() - prev));
        }
        let (c, n) = decode(b, i);
        let here = out.len();
        let next_stable = i + n >= b.len() || is_stable(decode(b, i + n).0);
        let mapped = if c.is_ascii_uppercase() {
            out.push(c.to_ascii_lowercase());
            true
        } else if let (Some(f), true) = (simple_fold(c), next_stable) {
            // full-width ASCII before a stable character (no mark to compose with)
            out.push(f);
            true
        } else if is_plain(c) {
            out.extend(c.to_lowercase());
            true
        } else {
            false
        };
        if mapped {
            last = Some((i, here));
            copied = i + n;
        } else {
            // full NFKC over a span of unstable characters, from the one before it
            let (start, keep) = match last {
                Some((si, so)) if si + decode(b, si).1 == i => (si, so),
                _ => (i, out.len()),
            };
            let mut end = i + n;
            while end < b.len() {
                let (d, m) = decode(b, end);
                if is_stable(d) {
                    break;
                }
                end += m;
            }
            out.truncate(keep);
            let span: String = text[start..end].nfkc().collect();
            out.push_str(&span.to_lowercase());
            last = None;
            copied = end;
        }
        match first_unclean(text, copied) {
            Some(j) => i = j,
            None => break,
        }
    }
    out.push_str(&text[copied..]);
    Cow::Owned(out)
}

/// The character starting at byte `i` of valid UTF-8, and its length.
#[inline(always)]
pub(super) fn decode(b: &[u8], i: usize) -> (char, usize) {
    let x = b[i] as u32;
    let (v, n) = if x < 0x80 {
        (x, 1)
    } else if x < 0xE0 {
        (((x & 0x1F) << 6) | (b[i + 1] as u32 & 0x3F), 2)
    } else if x < 0xF0 {
        (
            ((x & 0x0F) << 12) | ((b[i + 1] as u32 & 0x3F) << 6) | (b[i + 2] as u32 & 0x3F),
            3,
        )
    } else {
        (
            ((x & 0x07) << 18)
                | ((b[i + 1] as u32 & 0x3F) << 12)
                | ((b[i + 2] as u32 & 0x3F) << 6)
                | (b[i + 3] as u32 & 0x3F),
            4,
        )
    };
    (char::from_u32(v).unwrap_or('\u{fffd}'), n)
}
