//! Splitting a content file into front matter and body.
//!
//! Positions matter more than anything here: every later error names a line
//! of the `.md` file, so we remember how many lines precede the YAML and the
//! body.

use crate::error::Diagnostic;

/// A content file split into its parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split<'a> {
    /// The YAML between the `---` lines (may be empty).
    pub yaml: &'a str,
    /// Lines of the file before the YAML (the opening `---`, plus a BOM line never).
    pub yaml_line_offset: usize,
    /// The Markdown after the closing `---`.
    pub body: &'a str,
    /// 1-based line of the file where the body starts.
    pub body_line: usize,
}

/// Decodes the bytes of a file as UTF-8, or says where it is not.
pub use crate::text::decode_utf8;

/// Splits `text` (already UTF-8) into front matter and body.
pub fn split<'a>(file: &str, text: &'a str) -> Result<Split<'a>, Diagnostic> {
    if text.trim().is_empty() {
        return Err(Diagnostic::error(
            file,
            Some(1),
            "the file is empty; it needs front matter between `---` lines, e.g.\n---\ntitle: …\n---",
        ));
    }
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    if first.trim_end() != "---" {
        return Err(Diagnostic::error(
            file,
            Some(1),
            "expected front matter: the file must start with a line `---`, then YAML, then another `---`",
        )
        .at_column(Some(1))
        .with_source(text));
    }
    let yaml_start = first.len();
    let mut pos = yaml_start;
    let mut line_no = 1;
    for line in lines {
        line_no += 1;
        let trimmed = line.trim_end();
        if trimmed == "---" || trimmed == "..." {
            let yaml = &text[yaml_start..pos];
            let body_start = pos + line.len();
            return Ok(Split {
                yaml,
                yaml_line_offset: 1,
                body: &text[body_start..],
                body_line: line_no + 1,
            });
        }
        pos += line.len();
    }
    Err(Diagnostic::error(
        file,
        Some(1),
        "the front matter is not closed: add a line `---` after the last YAML line",
    )
    .with_source(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_and_counts_lines() {
        let s = split("a.md", "---\ntitle: x\n---\n\nHello\n").unwrap();
        assert_eq!(s.yaml, "title: x\n");
        assert_eq!(s.body, "\nHello\n");
        assert_eq!(s.body_line, 4);
        assert_eq!(s.yaml_line_offset, 1);
    }

    #[test]
    fn crlf_and_empty_front_matter() {
        let s = split("a.md", "---\r\n---\r\nbody").unwrap();
        assert_eq!(s.yaml, "");
        assert_eq!(s.body, "body");
        assert_eq!(s.body_line, 3);
    }

    #[test]
    fn errors() {
        assert!(split("a.md", "").unwrap_err().message.contains("empty"));
        assert!(
            split("a.md", "  \n\n")
                .unwrap_err()
                .message
                .contains("empty")
        );
        assert!(
            split("a.md", "title: x\n")
                .unwrap_err()
                .message
                .contains("start with a line `---`")
        );
        assert!(
            split("a.md", "---\ntitle: x\n")
                .unwrap_err()
                .message
                .contains("not closed")
        );
    }
}
