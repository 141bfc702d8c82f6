//! Reading the text files writers edit: `site.yaml`, content, themes.
//!
//! A writer cannot see what is wrong with bytes that are not UTF-8 or with
//! an invisible control character that a broken copy-paste left behind (a
//! NUL between two words of a PDF, an escape code from a terminal), so
//! both are located to their line and column, like every other mistake,
//! before anything else reads the text. Nothing invisible is copied into
//! a page.

use crate::error::Diagnostic;

/// Decodes the bytes of a file as UTF-8 (without a byte-order mark), or
/// says where they are not.
pub fn decode_utf8(file: &str, bytes: &[u8]) -> Result<String, Diagnostic> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.strip_prefix('\u{feff}').unwrap_or(s).to_string()),
        Err(e) => {
            let valid = &bytes[..e.valid_up_to()];
            let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
            let line_start = valid.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
            let column = String::from_utf8_lossy(&valid[line_start..])
                .chars()
                .count()
                + 1;
            Err(Diagnostic::error(
                file,
                Some(line),
                format!(
                    "the file is not UTF-8 text (invalid byte 0x{:02X}); save it as UTF-8 in your editor",
                    bytes[e.valid_up_to()]
                ),
            )
            .at_column(Some(column)))
        }
    }
}

/// True for a control character that text never needs: C0 controls other
/// than tab, line feed, form feed and carriage return, DEL, C1 controls.
/// HTML forbids them and they are invisible in an editor.
pub fn is_stray_control(c: char) -> bool {
    matches!(c, '\0'..='\x08' | '\x0b' | '\x0e'..='\x1f' | '\x7f'..='\u{9f}')
}

/// True for a character YAML (libyaml) refuses anywhere in a document.
pub fn yaml_refuses(c: char) -> bool {
    !matches!(c,
        '\t' | '\n' | '\r' | ' '..='~' | '\u{85}' | '\u{a0}'..='\u{d7ff}'
        | '\u{e000}'..='\u{fffd}' | '\u{10000}'..)
        || c == '\u{feff}'
}

/// The first character of `text` from byte `from` on for which `pred`
/// holds: its 1-based line and column (in characters) in `text`, and the
/// character.
pub fn find_char(
    text: &str,
    from: usize,
    pred: impl Fn(char) -> bool,
) -> Option<(usize, usize, char)> {
    let tail = text.get(from..)?;
    let (at, c) = tail.char_indices().find(|&(_, c)| pred(c))?;
    let (line, column) = line_column(text, from + at);
    Some((line, column, c))
}

/// The 1-based line and column (in characters) of byte `offset` of `text`.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text.as_bytes()[..offset.min(text.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    let column = String::from_utf8_lossy(&before[start..]).chars().count() + 1;
    (line, column)
}

/// `line` with its control characters drawn (`␀` for NUL), for showing it
/// under a message about one.
pub fn visible(line: &str) -> String {
    line.chars()
        .map(|c| match c {
            '\0'..='\x1f' if c != '\t' => char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}'),
            '\x7f' => '\u{2421}',
            c if is_stray_control(c) => '\u{fffd}',
            c => c,
        })
        .collect()
}

/// A diagnostic about the invisible character `c` at `line`:`column` of
/// `text`, showing its line with the character drawn.
pub fn control_diagnostic(
    file: &str,
    text: &str,
    line: usize,
    column: usize,
    c: char,
) -> Diagnostic {
    let mut d = Diagnostic::error(file, Some(line), describe_control(c))
        .at_column(Some(column))
        .with_source(text);
    d.source_line = d.source_line.map(|l| visible(&l));
    d
}

/// What to tell a writer about an invisible character.
pub fn describe_control(c: char) -> String {
    let name = if c == '\0' {
        "a NUL character (U+0000)".to_string()
    } else {
        format!("an invisible control character (U+{:04X})", c as u32)
    };
    format!("{name} here; it is invisible and usually comes from a broken copy-paste: delete it")
}

/// True for characters of Chinese, Japanese or Korean text, read by the
/// character rather than by the word: kana (with the voicing marks and the
/// prolonged sound mark), the iteration marks `々〆〇`, CJK ideographs
/// (the basic block, extension A, compatibility ideographs and the
/// supplementary planes) and Hangul syllables. The katakana middle dot
/// `・`, like all punctuation, is not. Half-width katakana is not either:
/// the search tokenizer sees text after NFKC, which makes it full width.
///
/// The one definition: the search tokenizer cuts these runs into bigrams
/// (`themes/default/static/search-match.js` mirrors the ranges for queries), and
/// the reading time counts them one by one.
pub fn is_cjk(c: char) -> bool {
    let u = c as u32;
    if u < 0x3005 {
        return false;
    }
    if u >= 0x4E00 {
        return u <= 0x9FFF
            || (0xAC00..=0xD7A3).contains(&u)
            || (0xF900..=0xFAFF).contains(&u)
            || (0x20000..=0x3FFFF).contains(&u);
    }
    matches!(u,
        0x3005..=0x3007
        | 0x3041..=0x3096
        | 0x3099..=0x309F
        | 0x30A1..=0x30FA
        | 0x30FC..=0x30FF
        | 0x31F0..=0x31FF
        | 0x3400..=0x4DBF)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_utf8_is_located() {
        let d = decode_utf8("a.md", b"---\ntitle: \xff\n").unwrap_err();
        assert_eq!(d.line, Some(2));
        assert_eq!(d.column, Some(8));
        assert!(d.message.contains("not UTF-8"));
        assert_eq!(
            decode_utf8("a.md", "\u{feff}---".as_bytes()).unwrap(),
            "---"
        );
    }

    #[test]
    fn control_characters_are_found_where_they_are() {
        let text = "---\ntitle: 春\n---\n\n介護の\0仕事\n";
        let body = text.find("\n\n").unwrap();
        assert_eq!(find_char(text, body, is_stray_control), Some((5, 4, '\0')));
        assert_eq!(find_char(text, 0, |c| c == '春'), Some((2, 8, '春')));
        assert_eq!(find_char("a\tb\r\n\x0c", 0, is_stray_control), None);
        assert_eq!(
            find_char("a\u{1b}[0m", 0, is_stray_control),
            Some((1, 2, '\u{1b}'))
        );
        assert!(describe_control('\0').starts_with("a NUL character (U+0000)"));
        assert!(describe_control('\u{1b}').contains("(U+001B)"));
        assert!(yaml_refuses('\0') && yaml_refuses('\u{7}') && !yaml_refuses('日'));
        let d = control_diagnostic("a.md", "---\nx: 1\n---\na\0b\n", 4, 2, '\0');
        assert_eq!(d.source_line.as_deref(), Some("a\u{2400}b"));
        assert_eq!(visible("\t\x7f\u{9b}"), "\t\u{2421}\u{fffd}");
        assert!(!yaml_refuses('\t') && yaml_refuses('\u{feff}'));
    }

    /// Which characters count as CJK, range by range: each range's first
    /// and last character count, the characters just outside do not.
    #[test]
    fn cjk_is_kana_iteration_marks_ideographs_and_hangul() {
        let ranges: [(u32, u32); 12] = [
            (0x3005, 0x3007),   // 々〆〇
            (0x3041, 0x3096),   // hiragana
            (0x3099, 0x309F),   // voicing marks, ゝゞゟ
            (0x30A1, 0x30FA),   // katakana
            (0x30FC, 0x30FF),   // ー ヽヾヿ
            (0x31F0, 0x31FF),   // small katakana for Ainu
            (0x3400, 0x4DBF),   // ideographs, extension A
            (0x4E00, 0x9FFF),   // ideographs
            (0xAC00, 0xD7A3),   // Hangul syllables
            (0xF900, 0xFAFF),   // compatibility ideographs
            (0x20000, 0x2FFFF), // supplementary ideographic plane
            (0x30000, 0x3FFFF), // tertiary ideographic plane
        ];
        let c = |u: u32| char::from_u32(u).expect("a character");
        for (first, last) in ranges {
            assert!(is_cjk(c(first)) && is_cjk(c(last)), "{first:X}–{last:X}");
        }
        for u in [
            0x3004, 0x3008, 0x3040, 0x3097, 0x30A0, 0x30FB, 0x3100, 0x4DC0, 0xABFF, 0xD7A4, 0xFB00,
            0xFF66, 0xFF9F, 0x1FFFF, 0x40000,
        ] {
            assert!(!is_cjk(c(u)), "{u:X}");
        }
        assert!("日本語ひらがなカタカナ한국어々ー".chars().all(is_cjk));
        assert!(!"A1・、。「」ｿﾌﾄ é".chars().any(is_cjk));
    }
}
