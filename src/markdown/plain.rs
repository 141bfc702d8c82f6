//! The text of a page besides its HTML: heading ids, the plain text (for
//! the search index and summaries) and the reading time.

use std::collections::HashMap;

use pulldown_cmark::{Event, Tag, TagEnd};

/// GitHub-style heading id: lower-case, letters/digits of any script, `-`
/// and `_` kept, spaces become `-`, everything else dropped.
pub fn heading_id(text: &str) -> String {
    let mut id = String::with_capacity(text.len());
    for c in text.trim().chars() {
        if c.is_alphanumeric() || c == '_' || c == '-' {
            id.extend(c.to_lowercase());
        } else if c == ' ' || c == '\u{3000}' {
            id.push('-');
        } else if is_mark(c) {
            id.push(c); // combining marks (e.g. dakuten written separately) stay
        }
    }
    id
}

fn is_mark(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x3099..=0x309A)
}

pub(super) fn unique_id(base: &str, seen: &mut HashMap<String, usize>) -> String {
    let Some(&last) = seen.get(base) else {
        seen.insert(base.to_string(), 0);
        return base.to_string();
    };
    let mut n = last;
    loop {
        n += 1;
        let candidate = format!("{base}-{n}");
        if !seen.contains_key(&candidate) {
            seen.insert(base.to_string(), n);
            seen.insert(candidate.clone(), 0);
            return candidate;
        }
    }
}

pub(super) fn plain_text(events: &[Event<'_>]) -> String {
    let mut s = String::new();
    let mut in_footnote = 0;
    for e in events {
        match e {
            Event::Start(Tag::FootnoteDefinition(_)) => in_footnote += 1,
            Event::End(TagEnd::FootnoteDefinition) => in_footnote -= 1,
            _ if in_footnote > 0 => {}
            Event::Text(t) | Event::Code(t) => s.push_str(t),
            Event::SoftBreak | Event::HardBreak => push_sep(&mut s, ' '),
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::CodeBlock
                | TagEnd::TableCell
                | TagEnd::BlockQuote(_),
            ) => push_sep(&mut s, '\n'),
            // headings arrive here as block HTML (their id is computed first):
            // a block ends a line, so a heading never runs into the next paragraph
            Event::Html(_) => push_sep(&mut s, '\n'),
            Event::InlineHtml(_) => {}
            _ => {}
        }
    }
    s.trim().to_string()
}

fn push_sep(s: &mut String, sep: char) {
    if !s.is_empty() && !s.ends_with(['\n', ' ']) {
        s.push(sep);
    } else if sep == '\n' && s.ends_with(' ') {
        s.pop();
        s.push('\n');
    }
}

/// Japanese is read by characters (~500 a minute), English by words (~200).
pub fn reading_minutes(plain: &str) -> u32 {
    let mut cjk = 0usize;
    let mut words = 0usize;
    let mut in_word = false;
    for c in plain.chars() {
        if read_by_character(c) {
            cjk += 1;
            in_word = false;
        } else if c.is_alphanumeric() {
            if !in_word {
                words += 1;
                in_word = true;
            }
        } else {
            in_word = false;
        }
    }
    let minutes = cjk as f64 / 500.0 + words as f64 / 200.0;
    (minutes.ceil() as u32).max(1)
}

/// A character the reading time counts one by one: Chinese and Japanese
/// script ([`crate::text::is_cjk`]) but not Hangul, since Korean puts
/// spaces between its words and is counted by them; and, in Japanese
/// text, the middle dot that joins its words (`代表・行政担当者`) and
/// half-width katakana (the search tokenizer never sees those: NFKC
/// makes them full width).
pub(super) fn read_by_character(c: char) -> bool {
    match c as u32 {
        0xAC00..=0xD7A3 => false,
        0x30A0 | 0x30FB | 0xFF66..=0xFF9F => true,
        _ => crate::text::is_cjk(c),
    }
}
