//! The YAML mistakes writers really make, found in the text when
//! serde_yaml reports a syntax error: libyaml notices an unclosed quote
//! lines later ("did not find expected key") and calls a tab "a character
//! that cannot start any token". Looking back from where the error was
//! noticed, the first such mistake is most likely its cause; it is named
//! in words at its own line and column.

/// A mistake found in the YAML text itself, in YAML coordinates.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Mistake {
    pub(super) line: usize,
    pub(super) column: usize,
    pub(super) message: String,
}

/// The mistake writers make that most likely caused the syntax error
/// `raw` (noticed at `error_line`): an unclosed quote, a tab in the
/// indentation, a missing space after `key:`, a list item where no list
/// is. `None` for errors that are not about syntax, or when no such
/// mistake is in sight (the error is then reported as serde_yaml found it).
pub(super) fn likely_mistake(
    raw: &str,
    error_line: Option<usize>,
    yaml: &str,
    line_offset: usize,
) -> Option<Mistake> {
    // the reader says where an unclosed quoted value starts
    if let Some((_, tail)) = raw.split_once(", while scanning a quoted scalar at line ") {
        let (l, c) = tail.split_once(" column ")?;
        let (l, c): (usize, usize) = (l.trim().parse().ok()?, c.trim().parse().ok()?);
        let quote = yaml.lines().nth(l - 1)?.chars().nth(c - 1)?;
        return Some(unclosed_quote(l, c, quote, line_offset));
    }
    let syntax = raw.contains(", while ")
        || [
            "did not find expected",
            "could not find expected",
            "found ",
            "mapping values are not allowed",
            "block sequence entries are not allowed",
        ]
        .iter()
        .any(|p| raw.starts_with(p));
    // `title:Meet` alone makes the whole document one string
    let document_is_text =
        raw.starts_with("invalid type: string") && raw.contains("expected struct");
    if !syntax && !document_is_text {
        return None;
    }
    let last = error_line.unwrap_or(usize::MAX);
    let mut previous: Option<&str> = None;
    for (i, text) in yaml.lines().enumerate().take(last) {
        let n = i + 1;
        let trimmed = text.trim_start_matches([' ', '\t']);
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if let Some(m) = line_mistake(n, text, previous, line_offset) {
            return Some(m);
        }
        previous = Some(text);
    }
    None
}

/// The mistake on line `n` of the YAML, if it has one of those
/// [`likely_mistake`] knows; `previous` is the last line with content.
fn line_mistake(
    n: usize,
    text: &str,
    previous: Option<&str>,
    line_offset: usize,
) -> Option<Mistake> {
    let indent = &text[..text.len() - text.trim_start_matches([' ', '\t']).len()];
    if let Some(tab) = indent.find('\t') {
        return Some(Mistake {
            line: n,
            column: tab + 1,
            message: "this line is indented with a tab; YAML indents with spaces only: replace the tab with spaces".to_string(),
        });
    }
    // past the indentation and any `- ` of list items
    let mut rest = &text[indent.len()..];
    let mut column = indent.chars().count() + 1;
    let is_item = rest.starts_with("- ") || rest == "-";
    while let Some(r) = rest.strip_prefix("- ") {
        let r2 = r.trim_start_matches(' ');
        column += rest.chars().count() - r2.chars().count();
        rest = r2;
    }
    if is_item
        && let Some(prev) = previous
        && let Some(m) = item_outside_list(n, text, prev)
    {
        return Some(m);
    }
    let key_len = rest
        .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(rest.len());
    let (key, after_key) = rest.split_at(key_len);
    let value_at = |skip: &str| column + key.chars().count() + skip.chars().count();
    if !key.is_empty()
        && let Some(after) = after_key.strip_prefix(':')
    {
        if let Some(first) = after.chars().next()
            && !first.is_whitespace()
            && !after.starts_with("//")
            && !after.starts_with(':')
        {
            return Some(Mistake {
                line: n,
                column: column + key.chars().count(),
                message: format!(
                    "a space is missing after the colon: write `{key}: {}`",
                    after.trim_end()
                ),
            });
        }
        let value = after.trim_start_matches(' ');
        let skipped = &after_key[..after_key.len() - value.len()];
        return quote_mistake(n, value_at(skipped), value, line_offset);
    }
    if is_item {
        return quote_mistake(n, column, rest, line_offset);
    }
    None
}

/// A quoted `value` starting at `column` of line `n` that is not closed on
/// its line, or that has text after its closing quote.
fn quote_mistake(n: usize, column: usize, value: &str, line_offset: usize) -> Option<Mistake> {
    let quote = value.chars().next().filter(|&c| c == '"' || c == '\'')?;
    let mut chars = value.char_indices().skip(1).peekable();
    let mut close = None;
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' if quote == '"' => {
                chars.next();
            }
            '\'' if quote == '\'' && chars.peek().is_some_and(|&(_, c)| c == '\'') => {
                chars.next();
            }
            c if c == quote => {
                close = Some(i);
                break;
            }
            _ => {}
        }
    }
    let Some(close) = close else {
        return Some(unclosed_quote(n, column, quote, line_offset));
    };
    let after = &value[close + 1..];
    let stray = after.trim_start();
    if stray.is_empty() || stray.starts_with(['#', ',', ']', '}']) {
        return None;
    }
    let stray_column = column + value[..close + 1].chars().count() + (after.len() - stray.len());
    Some(Mistake {
        line: n,
        column: stray_column,
        message: format!(
            "text after the closing quote (`{}`): a quoted value ends at its closing quote, so put the whole value inside the quotes",
            stray.trim_end()
        ),
    })
}

fn unclosed_quote(line: usize, column: usize, quote: char, line_offset: usize) -> Mistake {
    let inside = if quote == '"' { "`\\\"`" } else { "`''`" };
    Mistake {
        line,
        column,
        message: format!(
            "the quote opened on line {}, column {column} is never closed: end the value with `{quote}` on the same line (a {quote} inside the value is written {inside})",
            line + line_offset
        ),
    }
}

/// A list item (`- …`) right under a `key: value` line that already has
/// its value, at the same indentation or less: YAML reads it as a list
/// where a key was expected.
fn item_outside_list(n: usize, text: &str, previous: &str) -> Option<Mistake> {
    let indent = |l: &str| l.len() - l.trim_start_matches(' ').len();
    let prev = previous.trim_start_matches(' ');
    if prev.starts_with("- ") || indent(text) > indent(previous) {
        return None;
    }
    let (key, value) = prev.split_once(':')?;
    let value = value.trim();
    if value.is_empty() || value.starts_with('#') || value.starts_with(['|', '>', '&']) {
        return None;
    }
    Some(Mistake {
        line: n,
        column: indent(text) + 1,
        message: format!(
            "a list item outside a list: the line above already gives `{key}` its value (`{value}`). A list goes under a key of its own with nothing after the colon, each item indented on its own line (`tags:` then `  - {}`)",
            text.trim_start_matches([' ', '-']).trim_end()
        ),
    })
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use crate::yaml::{Origin, decode};

    fn origin(text: &str) -> Origin<'_> {
        Origin {
            file: "content/stories/a.md",
            file_text: text,
            line_offset: 1,
        }
    }

    /// What decoding `yaml` (the front matter of a `.md` file) into a story
    /// says: line and column in the file, and the message.
    fn story_error(yaml: &str) -> (Option<usize>, Option<usize>, String) {
        #[derive(Debug, Deserialize)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct Story {
            title: String,
            date: String,
            #[serde(default)]
            tags: Vec<String>,
            summary: Option<String>,
            extra: Option<std::collections::BTreeMap<String, serde_yaml::Value>>,
        }
        let md = format!("---\n{yaml}---\n\n本文\n");
        let d = decode::<Story>(yaml, origin(&md)).unwrap_err();
        (d.line, d.column, d.message)
    }

    #[test]
    fn an_unclosed_quote_is_reported_where_it_opens() {
        // closed by nothing: the reader names the opening itself
        let (l, c, m) = story_error("title: \"Meet refugee talents #1\ndate: 2026-03-08\n");
        assert_eq!((l, c), (Some(2), Some(8)), "{m}");
        assert!(
            m.starts_with(
                "the quote opened on line 2, column 8 is never closed: end the value with `\"`"
            ),
            "{m}"
        );
        // closed by the next quote, lines later (issue 20: "4:11: did not find expected key")
        let (l, c, m) = story_error(
            "title: \"Meet refugee talents #1\ndate: 2026-03-08\nsummary: \"四人に聞きました\"\n",
        );
        assert_eq!((l, c), (Some(2), Some(8)), "{m}");
        assert!(
            m.starts_with("the quote opened on line 2, column 8 is never closed"),
            "{m}"
        );
        let (l, c, m) = story_error("title: Meet\ntags:\n  - '介護\n  - 'IT'\ndate: 2026-03-08\n");
        assert_eq!((l, c), (Some(4), Some(5)), "{m}");
        assert!(m.contains("end the value with `'`"), "{m}");
        // a quote closed too early
        let (l, c, m) = story_error("title: \"Meet\" refugee talents\ndate: 2026-03-08\n");
        assert_eq!((l, c), (Some(2), Some(15)), "{m}");
        assert!(
            m.starts_with("text after the closing quote (`refugee talents`)"),
            "{m}"
        );
    }

    #[test]
    fn a_tab_in_the_indentation_is_named() {
        for yaml in [
            "title: Meet\ndate: 2026-02-01\ntags:\n\t- 介護\n",
            "title: Meet\ndate: 2026-02-01\nextra:\n  a: 1\n\tb: 2\n",
        ] {
            let (l, c, m) = story_error(yaml);
            assert_eq!(c, Some(1), "{m}");
            assert!(matches!(l, Some(5) | Some(6)), "{l:?} {m}");
            assert!(m.starts_with("this line is indented with a tab"), "{m}");
        }
        let (l, c, _) = story_error("title: Meet\ndate: 2026-02-01\nextra:\n  \tb: 2\n");
        assert_eq!((l, c), (Some(5), Some(3)));
    }

    #[test]
    fn a_missing_space_after_the_colon_is_named() {
        let (l, c, m) = story_error("title:Meet refugee talents\ndate: 2026-02-01\n");
        assert_eq!((l, c), (Some(2), Some(6)), "{m}");
        assert_eq!(
            m,
            "a space is missing after the colon: write `title: Meet refugee talents`"
        );
        let (l, c, m) = story_error("title: Meet\ndate:2026-02-01\ntags: [a]\n");
        assert_eq!((l, c), (Some(3), Some(5)), "{m}");
        assert!(m.contains("`date: 2026-02-01`"), "{m}");
        // a URL is not a key
        let (_, _, m) = story_error("title: Meet\nsummary: see\n  https://example.com/x\ndate 1\n");
        assert!(!m.contains("space is missing"), "{m}");
    }

    #[test]
    fn a_list_item_outside_a_list_is_named() {
        let (l, c, m) = story_error("title: Meet\ndate: 2026-02-01\n- 介護\n");
        assert_eq!((l, c), (Some(4), Some(1)), "{m}");
        assert!(
            m.starts_with("a list item outside a list: the line above already gives `date` its value (`2026-02-01`)"),
            "{m}"
        );
        assert!(m.contains("(`tags:` then `  - 介護`)"), "{m}");
        // a list under its key is fine, and other errors keep their message
        let (l, _, m) = story_error("title: Meet\ntags:\n- 介護\ndate: 2026-02-01\n\tsummary: x\n");
        assert_eq!(l, Some(6), "{m}");
        assert!(m.starts_with("this line is indented with a tab"), "{m}");
    }
}
