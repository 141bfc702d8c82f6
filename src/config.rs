//! `site.yaml`: the site's settings, strictly typed.
//!
//! The config is the first stage of the pipeline: everything after it reads
//! a validated [`Config`], never the YAML. Unknown keys are errors (a typo in
//! `paginate` must not silently fall back to a default), with a suggestion.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::error::{Diagnostic, Error, Result};
use crate::yaml::{self, Origin};

pub use crate::names::CONFIG_FILE;

/// Settings of one site.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Site title, shown in every page's header and title.
    pub title: String,
    /// Absolute URL the site is served from, e.g. `https://example.org/jobs/`.
    #[serde(default = "default_base_url")]
    pub base_url: String,
    /// Default language (BCP 47 primary tag). Deprecated in favour of
    /// `languages` but kept: a one-language site says `language: ja`.
    #[serde(default)]
    pub language: Option<String>,
    /// Languages of the site; the first is the default, served at the root.
    #[serde(default)]
    pub languages: Vec<String>,
    /// Theme folder name under `themes/` (or the built-in `default`).
    #[serde(default = "default_theme")]
    pub theme: String,
    /// One-sentence description for meta tags and feeds.
    #[serde(default)]
    pub description: String,
    /// Entries per list page.
    #[serde(default = "default_paginate")]
    pub paginate: usize,
    /// Where the enquiry action of profiles points: a template with `{ids}`
    /// and `{urls}`, a `mailto:` address (given a subject and body), or a URL
    /// that gets `?talent=<id>` (see `enquiry`).
    #[serde(default)]
    pub contact_url: Option<String>,
    /// The site's UTC offset (`+09:00`), used for "today" and dates without an offset.
    #[serde(default = "default_timezone")]
    pub timezone: String,
    /// Markdown options.
    #[serde(default)]
    pub markdown: MarkdownConfig,
    /// Privacy settings: extra forbidden keys, optional fields, allow list.
    #[serde(default)]
    pub privacy: PrivacyConfig,
    /// Free-form values for templates.
    #[serde(default)]
    pub extra: BTreeMap<String, serde_yaml::Value>,
}

/// `markdown:` in site.yaml.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarkdownConfig {
    /// Pass raw HTML in Markdown through (default: escape it).
    #[serde(default)]
    pub raw_html: bool,
}

/// `privacy:` in site.yaml.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrivacyConfig {
    /// Keys forbidden in talent front matter in addition to the built-in list.
    #[serde(default)]
    pub forbidden_keys: Vec<String>,
    /// Talent keys under `extra:` that are published only when named in
    /// `consent.scope` (like `origin_region`).
    #[serde(default)]
    pub optional_fields: Vec<String>,
    /// Values the free-text scanner accepts (the organisation's own address…).
    #[serde(default)]
    pub allow: Vec<String>,
}

fn default_base_url() -> String {
    "/".to_string()
}
fn default_theme() -> String {
    "default".to_string()
}
fn default_paginate() -> usize {
    12
}
fn default_timezone() -> String {
    "+09:00".to_string()
}

/// The UTC offset of a site that names none (`timezone: +09:00`, Japan), in
/// seconds; also the offset `tsunagi init` dates a new site's files by.
pub const DEFAULT_OFFSET_SECONDS: i32 = 9 * 3600;

impl Config {
    /// Reads and validates `site.yaml` under `root`.
    pub fn load(root: &Path) -> Result<Config> {
        let path = root.join(CONFIG_FILE);
        let bytes = std::fs::read(&path).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                Error::site(Diagnostic::error(
                    CONFIG_FILE,
                    None,
                    format!(
                        "no {CONFIG_FILE} in {}: is this a tsunagi site? (`tsunagi init DIR` makes one)",
                        root.display()
                    ),
                ))
            } else {
                Error::io("reading", &path, e)
            }
        })?;
        // like a content file: exit 1 with the line and column, not a disk error
        let text = crate::text::decode_utf8(CONFIG_FILE, &bytes).map_err(Error::site)?;
        Config::parse(&text).map_err(Error::site)
    }

    /// Parses and validates the text of `site.yaml`.
    pub fn parse(text: &str) -> Result<Config, Diagnostic> {
        let origin = Origin {
            file: CONFIG_FILE,
            file_text: text,
            line_offset: 0,
        };
        let mut config: Config = if text.trim().is_empty() {
            return Err(Diagnostic::error(
                CONFIG_FILE,
                None,
                "site.yaml is empty; it needs at least `title:`",
            ));
        } else {
            yaml::decode(text, origin)?
        };
        let err = |key: &str, msg: String| {
            let (line, column) = yaml::find_key_line(text, key, 1).unzip();
            Diagnostic::error(CONFIG_FILE, line, msg)
                .at_column(column)
                .with_source(text)
        };
        if config.languages.is_empty() {
            config
                .languages
                .push(config.language.clone().unwrap_or_else(|| "ja".to_string()));
        } else if let Some(lang) = &config.language
            && config.languages.first() != Some(lang)
        {
            return Err(err(
                "language",
                format!(
                    "`language: {lang}` disagrees with the first of `languages` ({}); the first of `languages` is the default",
                    config.languages[0]
                ),
            ));
        }
        for lang in &config.languages {
            if !is_language_tag(lang) {
                return Err(err(
                    "languages",
                    format!(
                        "`{lang}` is not a language code; expected a two-letter code such as ja or en"
                    ),
                ));
            }
        }
        let mut seen = std::collections::BTreeSet::new();
        for lang in &config.languages {
            if !seen.insert(lang) {
                return Err(err(
                    "languages",
                    format!("language `{lang}` is listed twice"),
                ));
            }
        }
        if config.paginate == 0 {
            return Err(err("paginate", "`paginate` must be at least 1".to_string()));
        }
        if !(config.base_url.starts_with("http://")
            || config.base_url.starts_with("https://")
            || config.base_url.starts_with('/'))
        {
            return Err(err(
                "base_url",
                format!(
                    "`base_url: {}` must be an absolute URL such as https://example.org/ (or a path starting with /)",
                    config.base_url
                ),
            ));
        }
        if !config.base_url.ends_with('/') {
            config.base_url.push('/');
        }
        if parse_offset(&config.timezone).is_none() {
            return Err(err(
                "timezone",
                format!(
                    "`timezone: {}` must be a UTC offset such as +09:00",
                    config.timezone
                ),
            ));
        }
        if !is_safe_name(&config.theme) {
            return Err(err(
                "theme",
                format!(
                    "`theme: {}` must be a folder name under themes/ (letters, digits, - and _)",
                    config.theme
                ),
            ));
        }
        Ok(config)
    }

    /// The default language (the first of `languages`).
    pub fn default_language(&self) -> &str {
        self.languages.first().map(String::as_str).unwrap_or("ja")
    }

    /// The site's UTC offset in seconds.
    pub fn offset_seconds(&self) -> i32 {
        parse_offset(&self.timezone).unwrap_or(DEFAULT_OFFSET_SECONDS)
    }

    /// Replaces the base URL (from `--base-url`), validating it.
    pub fn set_base_url(&mut self, url: &str) -> Result<()> {
        if !(url.starts_with("http://") || url.starts_with("https://") || url.starts_with('/')) {
            return Err(Error::Usage(format!(
                "--base-url {url}: expected an absolute URL such as https://example.org/ or a path such as /preview/"
            )));
        }
        self.base_url = url.to_string();
        if !self.base_url.ends_with('/') {
            self.base_url.push('/');
        }
        Ok(())
    }
}

/// `+09:00` → seconds east of UTC.
pub fn parse_offset(s: &str) -> Option<i32> {
    if s == "Z" || s == "UTC" {
        return Some(0);
    }
    let (sign, rest) = match s.as_bytes().first()? {
        b'+' => (1, &s[1..]),
        b'-' => (-1, &s[1..]),
        _ => return None,
    };
    let (h, m) = rest.split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let h: i32 = h.parse().ok()?;
    let m: i32 = m.parse().ok()?;
    if h > 14 || m > 59 {
        return None;
    }
    Some(sign * (h * 3600 + m * 60))
}

fn is_language_tag(s: &str) -> bool {
    (2..=3).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_lowercase())
}

fn is_safe_name(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults() {
        let c = Config::parse("title: つなぐ\n").unwrap();
        assert_eq!(c.base_url, "/");
        assert_eq!(c.languages, ["ja"]);
        assert_eq!(c.paginate, 12);
        assert_eq!(c.theme, "default");
        assert_eq!(c.offset_seconds(), 9 * 3600);
        assert!(!c.markdown.raw_html);
    }

    #[test]
    fn unknown_key_has_a_suggestion_and_line() {
        let d = Config::parse("title: x\npaginte: 5\n").unwrap_err();
        assert_eq!(d.line, Some(2));
        assert!(
            d.message.contains("did you mean `paginate`"),
            "{}",
            d.message
        );
    }

    #[test]
    fn base_url_gets_a_trailing_slash_and_must_be_absolute() {
        let c = Config::parse("title: x\nbase_url: https://example.org/jobs\n").unwrap();
        assert_eq!(c.base_url, "https://example.org/jobs/");
        let d = Config::parse("title: x\nbase_url: example.org\n").unwrap_err();
        assert_eq!(d.line, Some(2));
    }

    #[test]
    fn languages_and_language_must_agree() {
        let c = Config::parse("title: x\nlanguages: [en, ja]\n").unwrap();
        assert_eq!(c.default_language(), "en");
        assert!(Config::parse("title: x\nlanguage: ja\nlanguages: [en, ja]\n").is_err());
        assert!(Config::parse("title: x\nlanguages: [ja, ja]\n").is_err());
        assert!(Config::parse("title: x\nlanguages: [Japanese]\n").is_err());
    }

    #[test]
    fn offsets() {
        assert_eq!(parse_offset("+09:00"), Some(32400));
        assert_eq!(parse_offset("-03:30"), Some(-12600));
        assert_eq!(parse_offset("9"), None);
        assert!(Config::parse("title: x\ntimezone: JST\n").is_err());
        assert!(Config::parse("title: x\ntheme: ../evil\n").is_err());
    }
}
