//! The model's types: pages in one vector, addressed by [`PageId`];
//! sections and languages hold ids.

use std::sync::Arc;

use super::taxonomy::{Taxonomy, TaxonomyKind, TermId};
use crate::config::Config;
use crate::content::date::Date;
use crate::content::{self, Kind};
use crate::error::Diagnostic;
use crate::markdown::{LinkCheck, Rendered};

/// Index of a page in [`Site::pages`].
pub type PageId = usize;

/// The typed data of a page.
#[derive(Debug, Clone, PartialEq)]
pub enum PageData {
    /// A talent (shared between its language versions).
    Talent(Arc<content::Talent>),
    /// A story.
    Story(content::Story),
    /// A report.
    Report(content::Report),
    /// A plain page.
    Page(content::Page),
}

/// One output page of a document in one language.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    pub kind: Kind,
    pub lang: String,
    /// Language of the body text, when it differs from `lang` (an untranslated profile).
    pub body_lang: String,
    /// Site path without base (`/talents/t-1/`).
    pub path: String,
    pub title: String,
    pub date: Option<Date>,
    /// `date` as seconds since the epoch (at the site's offset), computed
    /// once: lists sort by it thousands of times.
    pub sort_key: Option<i64>,
    /// The file it came from (for messages).
    pub file: String,
    pub translation_key: String,
    /// Rendered body (links already resolved).
    /// Shared: the dev server hands the same body to every build until the
    /// document changes.
    pub body: Arc<Rendered>,
    pub data: PageData,
    /// Terms by taxonomy, in the order written.
    pub terms: Vec<(TaxonomyKind, TermId)>,
    /// Other language versions.
    pub translations: Vec<PageId>,
    /// Search engines must not index it (talents).
    pub noindex: bool,
    /// Previous and next session of a report's series.
    pub prev: Option<PageId>,
    pub next: Option<PageId>,
    /// For a talent: published stories featuring it. For a story: its talent.
    pub related: Vec<PageId>,
}

/// A section list (`/talents/`) in one language.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    pub kind: Kind,
    pub path: String,
    /// From `_index.md`, if any.
    pub title: Option<String>,
    pub description: Option<String>,
    pub intro_html: String,
    /// Sorted, newest first.
    pub pages: Vec<PageId>,
    /// A list of people: `noindex`.
    pub noindex: bool,
}

/// Everything in one language.
#[derive(Debug, Clone, PartialEq)]
pub struct Language {
    pub code: String,
    /// `""` or `/en`.
    pub prefix: String,
    pub home_title: Option<String>,
    pub home_intro_html: String,
    pub sections: Vec<Section>,
    pub taxonomies: Vec<Taxonomy>,
    /// Plain pages of this language.
    pub pages: Vec<PageId>,
}

impl Language {
    /// The section of `kind`.
    pub fn section(&self, kind: Kind) -> Option<&Section> {
        self.sections.iter().find(|s| s.kind == kind)
    }

    /// The taxonomy of `kind`.
    pub fn taxonomy(&self, kind: TaxonomyKind) -> Option<&Taxonomy> {
        self.taxonomies.iter().find(|t| t.kind == kind)
    }
}

/// The whole site, ready to render.
#[derive(Debug, Clone)]
pub struct Site {
    pub config: Arc<Config>,
    pub pages: Vec<Page>,
    pub languages: Vec<Language>,
    pub images: Vec<content::ImageRef>,
    pub assets: Vec<content::Asset>,
    /// Links found in Markdown, to check against the finished output.
    pub link_checks: Vec<(PageId, LinkCheck)>,
    pub warnings: Vec<Diagnostic>,
    /// Problems that do not stop rendering (a broken link): the build
    /// renders everything to find every problem, then fails.
    pub errors: Vec<Diagnostic>,
    /// The date the build judged consent and availability against (none
    /// only for content that never went through the gate).
    pub today: Option<chrono::NaiveDate>,
}
