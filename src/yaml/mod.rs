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

mod mistakes;

use mistakes::likely_mistake;

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
