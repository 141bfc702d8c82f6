//! Names several stages must agree on, kept below all of them.
//!
//! The content loader refuses a plain page whose URL would take one of the
//! site's own roots, the model places its lists there, the search index
//! writes into its folder and the dev server serves under `__tsunagi`: one
//! spelling here means none of them can drift from the others, and the
//! content loader needs no import from the model to know them. The base
//! path and [`Urls`] turn site paths into links the same way for pages,
//! feeds and the search index.

/// The config file's name at the site root (the dev server's watcher
/// knows it as well as the configuration's reader).
pub const CONFIG_FILE: &str = "site.yaml";

/// The site's folders a build reads, under its root: Markdown content,
/// files copied as they are, themes, and the site's own templates and
/// interface strings (which override the theme's).
pub const CONTENT_DIR: &str = "content";
pub const STATIC_DIR: &str = "static";
pub const THEMES_DIR: &str = "themes";
pub const TEMPLATES_DIR: &str = "templates";
pub const I18N_DIR: &str = "i18n";

/// Every folder a build reads, in the order the input fingerprint walks
/// them; the dev server watches the same, and the output folder may lie
/// in none of them.
pub const SITE_DIRS: [&str; 5] = [CONTENT_DIR, TEMPLATES_DIR, I18N_DIR, STATIC_DIR, THEMES_DIR];

/// The folder of a language's search index, under the language's root.
pub const SEARCH_INDEX_DIR: &str = "search-index";

/// First path segments the site's own lists use; a plain page may not take one.
pub const RESERVED_ROOTS: &[&str] = &[
    "talents",
    "stories",
    "reports",
    "tags",
    "skills",
    "languages",
    "job-categories",
    "series",
    "speakers",
    "organizations",
    "search",
    SEARCH_INDEX_DIR,
    "page",
    "__tsunagi",
    "assets",
    "atom-xml",
];

/// The path part of the base URL: `https://x.org/jobs/` → `/jobs/`.
pub fn base_path(base_url: &str) -> String {
    let rest = base_url
        .strip_prefix("https://")
        .or_else(|| base_url.strip_prefix("http://"));
    match rest {
        Some(r) => match r.find('/') {
            Some(i) => r[i..].to_string(),
            None => "/".to_string(),
        },
        None => base_url.to_string(),
    }
}

/// Turns site paths into URLs.
#[derive(Debug, Clone)]
pub struct Urls {
    /// `https://example.org/jobs` (no trailing slash).
    pub origin_and_base: String,
    /// `/jobs` (no trailing slash; empty at the root).
    pub base: String,
}

impl Urls {
    /// From the configured base URL.
    pub fn new(base_url: &str) -> Urls {
        let base_path = base_path(base_url);
        let origin_and_base = if base_url.starts_with("http") {
            base_url.trim_end_matches('/').to_string()
        } else {
            base_path.trim_end_matches('/').to_string()
        };
        Urls {
            origin_and_base,
            base: base_path.trim_end_matches('/').to_string(),
        }
    }

    /// Root-relative URL for links: `/jobs/tags/%E3%82%A8…/`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, crate::slug::encode_path(path))
    }

    /// Absolute URL for feeds, sitemaps, canonical links.
    pub fn permalink(&self, path: &str) -> String {
        format!("{}{}", self.origin_and_base, crate::slug::encode_path(path))
    }
}
