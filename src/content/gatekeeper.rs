//! The gatekeeper's state: the files being judged, the diagnostics, what
//! has been let through so far; and what every kind of file's checks
//! share (messages at the key, images found beside the document). The
//! checks themselves: `talents` (with [`super::publish`], the policy) and
//! `documents` (stories, reports, pages); `loader` runs them in order.
//! Everything withheld is recorded only as a path (for links to become
//! plain text) and a reason (for the publishers' report).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::gate::{self, LoadOptions};
use super::model::*;
use crate::config::Config;
use crate::error::{Diagnostic, rel_path};
use crate::yaml;

/// Optional talent fields every site knows (plus `story`, which is a
/// permission rather than a field).
pub(super) const BUILTIN_OPTIONAL: &[&str] = &["photo", "origin_region", "age_band"];

pub(super) const IMAGE_EXTENSIONS: &[&str] = &["jpg", "jpeg", "png", "webp", "gif"];

/// A file being judged: where it is and its text, for messages.
pub(super) struct File {
    pub(super) source: Source,
    pub(super) text: Arc<str>,
}

pub(super) struct Gate<'a> {
    pub(super) root: &'a Path,
    /// The site root without symbolic links: files a page names must
    /// resolve inside it.
    pub(super) site: PathBuf,
    pub(super) content_dir: &'a Path,
    pub(super) config: &'a Config,
    pub(super) opts: &'a LoadOptions,
    pub(super) diags: &'a mut Vec<Diagnostic>,
    pub(super) warnings: &'a mut Vec<Diagnostic>,
    pub(super) content: Content,
    /// Every talent id (published or not) → (published?, story link allowed, reason)
    pub(super) talent_files: BTreeMap<String, TalentStatus>,
    /// Lower-cased ids of talent files that did not parse.
    pub(super) broken_talents: std::collections::BTreeSet<String>,
}

pub(super) struct TalentStatus {
    pub(super) published: bool,
    pub(super) story_link_allowed: bool,
    pub(super) reason: Option<String>,
}

impl Gate<'_> {
    pub(super) fn offset(&self) -> i32 {
        self.config.offset_seconds()
    }

    /// Where `key:` is written in the file (line and column).
    pub(super) fn position_of(&self, text: &str, key: &str) -> (Option<usize>, Option<usize>) {
        yaml::find_key_line(text, key, 1).unzip()
    }

    pub(super) fn error(&mut self, p: &File, key: &str, msg: String) {
        let (line, column) = self.position_of(&p.text, key);
        self.diags.push(
            Diagnostic::error(p.source.path.clone(), line, msg)
                .at_column(column)
                .with_source(&p.text),
        );
    }

    /// An error at `value` where it is written after `key:` (the first
    /// such line; else at the first `key:`).
    pub(super) fn error_at_value(&mut self, p: &File, key: &str, value: &str, msg: String) {
        let mut from = 1;
        let mut at = None;
        while let Some((l, c)) = yaml::find_key_line(&p.text, key, from) {
            let line = p.text.lines().nth(l - 1).unwrap_or("");
            let after: String = line.chars().skip(c - 1 + key.chars().count()).collect();
            if let Some(byte) = after.find(value) {
                let column = c + key.chars().count() + after[..byte].chars().count();
                at = Some((l, column));
                break;
            }
            at = at.or(Some((l, c)));
            from = l + 1;
        }
        let (line, column) = at.unzip();
        self.diags.push(
            Diagnostic::error(p.source.path.clone(), line, msg)
                .at_column(column)
                .with_source(&p.text),
        );
    }

    /// A warning at `field` of a profile still to fill, with its column
    /// (the placeholder line of the career summary, the `consent:` line
    /// when a consent key is not written at all).
    pub(super) fn still_to_fill(&mut self, p: &File, field: &str) {
        let (hint, at) = match field {
            "display_name" => (
                "the pseudonym chosen with the person, never a legal name",
                None,
            ),
            "headline" => (
                "the role and main skills, e.g. 介護職（特養での実務3年）",
                None,
            ),
            "consent.record_id" => (
                "the number of the signed consent form in your records",
                None,
            ),
            "consent.given" => (
                "the day the person signed the consent form (YYYY-MM-DD)",
                None,
            ),
            "consent.expires" => ("the day consent ends (YYYY-MM-DD)", None),
            _ => (
                "a few sentences in place of the placeholder line (the theme adds the 職務要約 heading)",
                p.text
                    .lines()
                    .position(|l| l.contains(gate::SUMMARY_PLACEHOLDER))
                    .map(|i| (i + 1, 1)),
            ),
        };
        let key = field.strip_prefix("consent.").unwrap_or(field);
        let at = at
            .or_else(|| yaml::find_key_line(&p.text, key, 1))
            .or_else(|| yaml::find_key_line(&p.text, "consent", 1));
        let msg = format!(
            "still to fill: `{field}`: {hint}; the profile is not published until it is filled in"
        );
        self.warnings.push(
            Diagnostic::warning(p.source.path.clone(), at.map(|(l, _)| l), msg)
                .at_column(at.map(|(_, c)| c))
                .with_source(&p.text),
        );
    }

    pub(super) fn warn(&mut self, p: &File, key: &str, msg: String) {
        let (line, column) = self.position_of(&p.text, key);
        self.warnings.push(
            Diagnostic::warning(p.source.path.clone(), line, msg)
                .at_column(column)
                .with_source(&p.text),
        );
    }

    /// Resolves an image path relative to the document's folder, inside
    /// `content/`; through a symbolic link only to a file inside the site.
    pub(super) fn resolve_image(&mut self, p: &File, value: &str, key: &str) -> Option<PathBuf> {
        let doc_dir = self.root.join(&p.source.path);
        let doc_dir = doc_dir.parent().unwrap_or(self.content_dir);
        let rel = Path::new(value);
        let bad = rel.is_absolute()
            || rel
                .components()
                .any(|c| !matches!(c, std::path::Component::Normal(_)));
        if bad {
            self.error(p, key, format!("`{key}: {value}` must be a file beside the Markdown file (no `/` at the start, no `..`)"));
            return None;
        }
        let path = doc_dir.join(rel);
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        if !ext
            .as_deref()
            .is_some_and(|e| IMAGE_EXTENSIONS.contains(&e))
        {
            self.error(
                p,
                key,
                format!("`{key}: {value}` is not an image; expected .jpg, .png, .webp or .gif"),
            );
            return None;
        }
        if !path.is_file() {
            self.error(
                p,
                key,
                format!(
                    "`{key}: {value}`: no such file {}",
                    rel_path(self.root, &path)
                ),
            );
            return None;
        }
        if let Some(why) = super::walk::outside_site(&path, &self.site) {
            let file = rel_path(self.root, &path);
            self.error(p, key, format!("`{key}: {value}`: {file} is {why}"));
            return None;
        }
        Some(path)
    }
}

/// `stories/a.en.md` or `stories/a/index.md` → `stories/a`.
pub(super) fn translation_key_of(content_path: &str, languages: &[String]) -> String {
    let mut stem = content_path.strip_suffix(".md").unwrap_or(content_path);
    if let Some((base, lang)) = stem.rsplit_once('.')
        && languages.iter().any(|l| l == lang)
    {
        stem = base;
    }
    stem.strip_suffix("/index").unwrap_or(stem).to_string()
}

pub(super) fn image_ext(p: &Path) -> String {
    match p
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("jpeg") | Some("jpg") => "jpg".to_string(),
        Some(other) => other.to_string(),
        None => "img".to_string(),
    }
}
