//! Strict YAML decoding with errors that point into the writer's file.
//!
//! serde_yaml reports positions relative to the YAML text it was given; front
//! matter starts on line 2 of a `.md` file, so every position is shifted by
//! the caller's `line_offset`. serde's messages are rewritten for people who
//! are not programmers: "unknown field `skils`, expected one of …" becomes
//! "unknown key `skils` (did you mean `skills`?)", and the position prefix
//! serde_yaml appends to its message is dropped (we print our own).

use serde::de::DeserializeOwned;

use crate::error::Diagnostic;

/// Where a YAML text sits inside the file that contains it.
#[derive(Debug, Clone, Copy)]
pub struct Origin<'a> {
    /// The file, relative to the site root.
    pub file: &'a str,
    /// Full text of the file (for the source line in diagnostics).
    pub file_text: &'a str,
    /// Number of lines of the file before the YAML text starts.
    pub line_offset: usize,
}

/// Decodes `yaml` into `T`, turning any error into a diagnostic located in
/// the containing file.
pub fn decode<T: DeserializeOwned>(yaml: &str, origin: Origin<'_>) -> Result<T, Diagnostic> {
    serde_yaml::from_str::<T>(yaml).map_err(|e| to_diagnostic(&e, yaml, origin))
}

/// Converts a serde_yaml error into a diagnostic in the containing file.
pub fn to_diagnostic(e: &serde_yaml::Error, yaml: &str, origin: Origin<'_>) -> Diagnostic {
    let raw = e.to_string();
    let (mut line, mut column) = match e.location() {
        Some(loc) => (Some(loc.line()), Some(loc.column())),
        None => (None, None),
    };
    // the reader names a byte offset only: point at the character itself
    if raw.starts_with("control characters are not allowed")
        && let Some((l, c, ch)) = crate::text::find_char(yaml, 0, crate::text::yaml_refuses)
    {
        let line = l + origin.line_offset;
        return crate::text::control_diagnostic(origin.file, origin.file_text, line, c, ch);
    }
    let mut message = humanize(&raw);
    // A syntax error is often noticed lines after the mistake that caused
    // it: say what the mistake was, where it is.
    if let Some(m) = likely_mistake(&raw, line, yaml, origin.line_offset) {
        return Diagnostic::error(origin.file, Some(m.line + origin.line_offset), m.message)
            .at_column(Some(m.column))
            .with_source(origin.file_text);
    }
    // serde names the mapping that holds a duplicate: point at the second key
    if let Some(key) = backquoted_after(&raw, "duplicate field `")
        && let Some((first, (l, c))) = find_duplicate_key(yaml, key, line.unwrap_or(1))
    {
        line = Some(l);
        column = Some(c);
        message = format!(
            "`{key}` is written twice in one mapping: it is already set on line {}; keep one of them",
            first + origin.line_offset
        );
    }
    // An unclosed `[` or `{` is noticed lines later; point at where it opens.
    if let Some((kind, l, c)) = opened_at(&raw) {
        line = Some(l);
        column = Some(c);
        message = format!("{message} (in the {kind} that starts here: is it closed?)");
    }
    // For an unknown key, point at the key itself rather than at the start
    // of the mapping that contains it.
    if let Some(key) = unknown_key(&raw)
        && let Some((l, c)) = find_key_line(yaml, key, line.unwrap_or(1))
    {
        line = Some(l);
        column = Some(c);
    }
    Diagnostic::error(origin.file, line.map(|l| l + origin.line_offset), message)
        .at_column(column)
        .with_source(origin.file_text)
}

/// A mistake found in the YAML text itself, in YAML coordinates.
#[derive(Debug, PartialEq, Eq)]
struct Mistake {
    line: usize,
    column: usize,
    message: String,
}

/// The mistake writers make that most likely caused the syntax error
/// `raw` (noticed at `error_line`): an unclosed quote, a tab in the
/// indentation, a missing space after `key:`, a list item where no list
/// is. `None` for errors that are not about syntax, or when no such
/// mistake is in sight (the error is then reported as serde_yaml found it).
fn likely_mistake(
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

/// "…, while parsing a flow sequence at line 6 column 9" → ("list [ … ]", 6, 9).
fn opened_at(raw: &str) -> Option<(&'static str, usize, usize)> {
    let (_, tail) = raw.split_once(", while parsing ")?;
    let kind = if tail.starts_with("a flow sequence") {
        "list [ … ]"
    } else if tail.starts_with("a flow mapping") {
        "mapping { … }"
    } else {
        return None;
    };
    let (_, pos) = tail.split_once(" at line ")?;
    let (l, c) = pos.split_once(" column ")?;
    Some((kind, l.trim().parse().ok()?, c.trim().parse().ok()?))
}

/// The key named by an "unknown field" error.
fn unknown_key(raw: &str) -> Option<&str> {
    backquoted_after(raw, "unknown field `")
}

/// The name between backquotes that follows `prefix` in `raw`.
fn backquoted_after<'a>(raw: &'a str, prefix: &str) -> Option<&'a str> {
    let rest = raw.split(prefix).nth(1)?;
    rest.split('`').next()
}

/// The line of the first `key:` from `from_line` on, and the line and
/// column of the next one written at the same column (the duplicate).
fn find_duplicate_key(yaml: &str, key: &str, from_line: usize) -> Option<(usize, (usize, usize))> {
    let (first, column) = find_key_line(yaml, key, from_line)?;
    let mut at = first + 1;
    while let Some((l, c)) = find_key_line(yaml, key, at) {
        if c == column {
            return Some((first, (l, c)));
        }
        at = l + 1;
    }
    None
}

/// Rewrites serde's wording for people and strips the position suffix.
pub fn humanize(raw: &str) -> String {
    let msg = strip_position(raw);
    // serde_yaml prefixes nested errors with their path: "consent.scope[1]: …"
    let (path, body) = match msg.split_once(": ") {
        Some((p, b)) if !p.contains(' ') && !p.is_empty() => (Some(p), b),
        _ => (None, msg),
    };
    let body = if let Some(key) = unknown_key(body) {
        let expected = expected_keys(body);
        let mut s = format!("unknown key `{key}`");
        if let Some(best) = suggest(key, &expected) {
            s.push_str(&format!(" (did you mean `{best}`?)"));
        }
        if !expected.is_empty() {
            s.push_str(&format!("; allowed keys here: {}", expected.join(", ")));
        }
        s.push_str("; free-form data goes under `extra:`");
        s
    } else if let Some(rest) = body.strip_prefix("missing field `") {
        let key = rest.split('`').next().unwrap_or(rest);
        format!("missing required key `{key}`")
    } else if let Some(rest) = body.strip_prefix("unknown variant `") {
        let value = rest.split('`').next().unwrap_or(rest);
        let expected = expected_keys(body);
        let mut s = format!("`{value}` is not an allowed value");
        if let Some(best) = suggest(value, &expected) {
            s.push_str(&format!(" (did you mean `{best}`?)"));
        }
        if !expected.is_empty() {
            s.push_str(&format!("; expected one of: {}", expected.join(", ")));
        }
        s
    } else if let Some(rest) = body.strip_prefix("invalid type: ") {
        let rest = rest
            .replace("a sequence", "a list")
            .replace("sequence", "a list");
        let rest = rest.replace("a map", "a mapping (key: value)");
        format!("wrong type: found {rest}")
    } else {
        body.to_string()
    };
    match path {
        Some(p) => format!("in `{p}`: {body}"),
        None => body,
    }
}

fn strip_position(raw: &str) -> &str {
    // "... at line 3 column 5" or "..., while parsing ... at line 2 column 9"
    match raw.find(" at line ") {
        Some(i) => raw[..i].trim_end_matches(','),
        None => raw,
    }
}

/// The backquoted names after "expected" in a serde message.
fn expected_keys(msg: &str) -> Vec<String> {
    let Some((_, tail)) = msg.split_once("expected") else {
        return Vec::new();
    };
    tail.split('`')
        .enumerate()
        .filter(|(i, _)| i % 2 == 1)
        .map(|(_, s)| s.to_string())
        .collect()
}

/// The closest candidate by edit distance, if close enough to be a typo.
pub fn suggest<'a>(word: &str, candidates: &'a [String]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c.as_str())
}

/// Finds the line (1-based, within `yaml`) and column where `key:` is
/// written, searching from `from_line`. Block-style YAML, which is what
/// writers use, always has the key at the start of its line (after
/// indentation or a `- `); flow style falls back to the first occurrence.
pub fn find_key_line(yaml: &str, key: &str, from_line: usize) -> Option<(usize, usize)> {
    let lines: Vec<&str> = yaml.lines().collect();
    let start = from_line.saturating_sub(1).min(lines.len());
    let is_key_at = |l: &str| -> Option<usize> {
        let trimmed = l.trim_start_matches([' ', '-']);
        let indent = l.chars().count() - trimmed.chars().count();
        for quote in ["", "\"", "'"] {
            let candidate = format!("{quote}{key}{quote}");
            if let Some(rest) = trimmed.strip_prefix(candidate.as_str())
                && rest.trim_start().starts_with(':')
            {
                return Some(indent + 1);
            }
        }
        None
    };
    for (i, l) in lines.iter().enumerate().skip(start) {
        if let Some(col) = is_key_at(l) {
            return Some((i + 1, col));
        }
    }
    // flow style: `{name: x, email: y}`
    for (i, l) in lines.iter().enumerate().skip(start) {
        for pat in [format!("{{{key}:"), format!(", {key}:"), format!(",{key}:")] {
            if let Some(byte) = l.find(&pat) {
                let col = l[..byte].chars().count() + pat.chars().count() - key.chars().count();
                return Some((i + 1, col));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct T {
        id: String,
        #[serde(default)]
        skills: Vec<String>,
        n: Option<i64>,
    }

    fn origin(text: &str) -> Origin<'_> {
        Origin {
            file: "content/talents/a.md",
            file_text: text,
            line_offset: 1,
        }
    }

    #[test]
    fn unknown_key_suggests_and_points_into_the_md_file() {
        let md = "---\nid: a\nskils: [x]\n---\n";
        let yaml = "id: a\nskils: [x]\n";
        let d = decode::<T>(yaml, origin(md)).unwrap_err();
        assert_eq!(d.line, Some(3));
        assert_eq!(d.column, Some(1));
        assert!(
            d.message
                .contains("unknown key `skils` (did you mean `skills`?)"),
            "{}",
            d.message
        );
        assert_eq!(d.source_line.as_deref(), Some("skils: [x]"));
    }

    #[test]
    fn wrong_type_names_line_and_column_without_serde_suffix() {
        let md = "---\nid: a\nn: hello\n---\n";
        let d = decode::<T>("id: a\nn: hello\n", origin(md)).unwrap_err();
        assert_eq!((d.line, d.column), (Some(3), Some(4)));
        assert!(
            d.message
                .starts_with("in `n`: wrong type: found string \"hello\", expected i64"),
            "{}",
            d.message
        );
        assert!(!d.message.contains("at line"));
    }

    #[test]
    fn missing_key_is_plain() {
        let d = decode::<T>("n: 1\n", origin("---\nn: 1\n---\n")).unwrap_err();
        assert!(
            d.message.contains("missing required key `id`"),
            "{}",
            d.message
        );
    }

    #[test]
    fn syntax_error_is_located() {
        let md = "---\nid: a\nskills: [x\n---\n";
        let d = decode::<T>("id: a\nskills: [x\n", origin(md)).unwrap_err();
        assert_eq!(
            (d.line, d.column),
            (Some(3), Some(9)),
            "points at the unclosed `[`: {d}"
        );
        assert!(d.message.contains("list [ … ]"), "{}", d.message);
        assert!(
            d.message.contains("did not find expected ',' or ']'"),
            "{}",
            d.message
        );
    }

    #[test]
    fn a_duplicate_key_is_reported_where_it_is_written_again() {
        let md = "---\nid: a\nn: 1\nskills: [x]\nid: b\n---\n";
        let d = decode::<T>("id: a\nn: 1\nskills: [x]\nid: b\n", origin(md)).unwrap_err();
        assert_eq!((d.line, d.column), (Some(5), Some(1)), "{d}");
        assert_eq!(
            d.message,
            "`id` is written twice in one mapping: it is already set on line 2; keep one of them"
        );
        assert_eq!(d.source_line.as_deref(), Some("id: b"));
    }

    #[test]
    fn a_control_character_is_reported_where_it_is() {
        let md = "---\nid: a\nn: 1\nskills: [介護\0]\n---\n";
        let d = decode::<T>("id: a\nn: 1\nskills: [介護\0]\n", origin(md)).unwrap_err();
        assert_eq!((d.line, d.column), (Some(4), Some(12)), "{d}");
        assert!(
            d.message.starts_with("a NUL character (U+0000) here"),
            "{}",
            d.message
        );
        assert_eq!(d.source_line.as_deref(), Some("skills: [介護\u{2400}]"));
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

    #[test]
    fn finds_nested_and_flow_keys() {
        let y = "extra:\n  a: 1\n  deep:\n    - x: 1\n      email: e\n";
        assert_eq!(find_key_line(y, "email", 4), Some((5, 7)));
        assert_eq!(
            find_key_line("s: {name: a, email: b}\n", "email", 1),
            Some((1, 14))
        );
        assert_eq!(find_key_line("\"phone\": 1\n", "phone", 1), Some((1, 1)));
    }
}
