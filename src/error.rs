//! Errors and diagnostics.
//!
//! Writers fix their own mistakes, so every problem a site can have is a
//! [`Diagnostic`]: the file (relative to the site root), the line and column
//! in *that* file, what was expected, and the source line itself. A build
//! collects every diagnostic it can before failing, so `tsunagi check` lists
//! all problems at once instead of one per run.
//!
//! Failures of the machine rather than of the site (a disk error, a refused
//! output folder) are other [`Error`] variants; each names its path.

use std::fmt;

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The build continues and reports it.
    Warning,
    /// The build fails.
    Error,
}

/// One problem in one file of the site.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Path relative to the site root, with `/` separators.
    pub file: String,
    /// 1-based line in `file`, when known.
    pub line: Option<usize>,
    /// 1-based column (in characters) in `file`, when known.
    pub column: Option<usize>,
    /// What is wrong and what was expected.
    pub message: String,
    /// The text of the offending line, for context.
    pub source_line: Option<String>,
}

impl Diagnostic {
    /// An error at a position of a file.
    pub fn error(file: impl Into<String>, line: Option<usize>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: file.into(),
            line,
            column: None,
            message: message.into(),
            source_line: None,
        }
    }

    /// A warning at a position of a file.
    pub fn warning(
        file: impl Into<String>,
        line: Option<usize>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(file, line, message)
        }
    }

    /// Sets the column.
    pub fn at_column(mut self, column: Option<usize>) -> Self {
        self.column = column;
        self
    }

    /// Fills `source_line` from the full text of the file.
    pub fn with_source(mut self, text: &str) -> Self {
        if let Some(line) = self.line {
            self.source_line = text
                .lines()
                .nth(line.saturating_sub(1))
                .map(|l| l.trim_end_matches('\r').to_string());
        }
        self
    }

    /// True for errors.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(col) = self.column {
                write!(f, ":{col}")?;
            }
        }
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, ": {label}: {}", self.message)?;
        if let (Some(line), Some(src)) = (self.line, &self.source_line) {
            let gutter = line.to_string().len();
            write!(f, "\n{:gutter$} |\n{line} | {src}", "")?;
            if let Some(col) = self.column {
                let pad: usize = src
                    .chars()
                    .take(col.saturating_sub(1))
                    .map(char_width)
                    .sum();
                write!(f, "\n{:gutter$} | {:pad$}^", "", "")?;
            }
        }
        Ok(())
    }
}

/// Display width of a character in a terminal: East Asian wide characters
/// take two columns, so the caret under a Japanese line lands right.
fn char_width(c: char) -> usize {
    let cp = c as u32;
    let wide = matches!(cp,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x1F300..=0x1FAFF
        | 0x20000..=0x3FFFD);
    if wide { 2 } else { 1 }
}

/// A list of diagnostics, displayed one per paragraph, errors first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// Number of errors (not warnings).
    pub fn error_count(&self) -> usize {
        self.0.iter().filter(|d| d.is_error()).count()
    }

    /// Sorts for stable output: by file, then line, then message.
    pub fn sort(&mut self) {
        self.0.sort_by(|a, b| {
            (b.severity, &a.file, a.line, a.column, &a.message)
                .cmp(&(a.severity, &b.file, b.line, b.column, &b.message))
        });
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

/// Everything that can stop a build.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The site has problems; each is listed.
    #[error("{} problem{} found:\n{}", .0.error_count(), if .0.error_count() == 1 { "" } else { "s" }, .0)]
    Site(Diagnostics),
    /// A filesystem call failed.
    #[error("{action} {}", path.display())]
    Io {
        /// What tsunagi was doing ("reading", "writing", ...).
        action: &'static str,
        /// The path it was doing it to.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// The output folder is not one tsunagi may write to.
    #[error("refusing to write to {}: {reason}", path.display())]
    UnsafeOutput {
        /// The folder.
        path: PathBuf,
        /// Why it is refused and what to do.
        reason: String,
    },
    /// Another build holds the output folder's lock.
    #[error(
        "another tsunagi build is writing {} right now (it holds {}); run this one again when it has finished",
        path.display(),
        lock.display()
    )]
    OutputBusy {
        /// The output folder.
        path: PathBuf,
        /// The lock file.
        lock: PathBuf,
    },
    /// A command-line value is invalid.
    #[error("{0}")]
    Usage(String),
}

impl Error {
    /// An I/O error that names its path.
    pub fn io(action: &'static str, path: &Path, source: std::io::Error) -> Self {
        Error::Io {
            action,
            path: path.to_path_buf(),
            source,
        }
    }

    /// One diagnostic as a site error.
    pub fn site(d: Diagnostic) -> Self {
        Error::Site(Diagnostics(vec![d]))
    }

    /// The diagnostics of a site error, if that is what this is.
    pub fn diagnostics(&self) -> Option<&Diagnostics> {
        match self {
            Error::Site(d) => Some(d),
            _ => None,
        }
    }
}

/// Result alias of the library.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Turns a path under `root` into the `/`-separated form used in diagnostics.
pub fn rel_path(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_points_at_the_column_under_wide_characters() {
        let d = Diagnostic::error("content/talents/a.md", Some(3), "expected a date")
            .at_column(Some(4))
            .with_source("---\nid: a\n日本語: x\n---\n");
        let text = d.to_string();
        assert!(text.starts_with("content/talents/a.md:3:4: error: expected a date"));
        // three wide characters before column 4 → six cells of padding
        assert!(
            text.ends_with("\n  |\n3 | 日本語: x\n  |       ^"),
            "{text}"
        );
    }

    #[test]
    fn errors_sort_before_warnings() {
        let mut ds = Diagnostics(vec![
            Diagnostic::warning("b.md", Some(1), "w"),
            Diagnostic::error("c.md", Some(2), "e"),
            Diagnostic::error("a.md", Some(9), "e"),
        ]);
        ds.sort();
        let files: Vec<_> = ds.0.iter().map(|d| d.file.as_str()).collect();
        assert_eq!(files, ["a.md", "c.md", "b.md"]);
        assert_eq!(ds.error_count(), 2);
    }
}
