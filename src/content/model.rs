//! Published content: what passed the consent gate.
//!
//! These are the only content types the rest of the pipeline sees. None of
//! them has a field for a consent record, a withheld talent or an
//! out-of-scope optional field, so no template, index or feed can print one:
//! the guarantee is in the types, not in every template's discipline.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Serialize;

use super::date::Date;
use super::schema::{
    Availability, Education, EmploymentType, LanguageSkill, Localized, SkillLevel, Speaker,
};

/// Which kind of content a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// `content/talents/`.
    Talent,
    /// `content/stories/`.
    Story,
    /// `content/reports/`.
    Report,
    /// `content/*.md`.
    Page,
}

impl Kind {
    /// The section folder under `content/`, if the kind has one.
    pub fn section(self) -> Option<&'static str> {
        match self {
            Kind::Talent => Some("talents"),
            Kind::Story => Some("stories"),
            Kind::Report => Some("reports"),
            Kind::Page => None,
        }
    }

    /// The kind stored in a section folder.
    pub fn from_section(name: &str) -> Option<Kind> {
        match name {
            "talents" => Some(Kind::Talent),
            "stories" => Some(Kind::Story),
            "reports" => Some(Kind::Report),
            _ => None,
        }
    }

    /// Lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Talent => "talent",
            Kind::Story => "story",
            Kind::Report => "report",
            Kind::Page => "page",
        }
    }
}

/// Where a document came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    /// Path relative to the site root (`content/talents/t-1.md`), for messages.
    pub path: String,
    /// Path relative to `content/` (`talents/t-1.md`), as used by `@/` links.
    pub content_path: String,
    /// The file's language (from `name.<lang>.md`, else the default).
    pub lang: String,
    /// Key shared by a document and its translations (`talents/t-1`).
    pub translation_key: String,
    /// The file name without language suffix and `.md`, or the bundle folder.
    pub stem: String,
    /// The Markdown body.
    pub body: std::sync::Arc<str>,
    /// 1-based line of the file where the body starts.
    pub body_line: usize,
    /// The bundle folder, when the document is `<name>/index.md`.
    pub bundle_dir: Option<PathBuf>,
    /// Hash of the file's bytes, to recognise unchanged files.
    pub hash: u64,
}

/// A skill as published.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Skill {
    /// The skill.
    pub name: String,
    /// Level, when given.
    pub level: Option<SkillLevel>,
    /// Years, when given.
    pub years: Option<u32>,
}

/// An image of a person or a story, copied only after re-encoding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRef {
    /// The original file.
    pub source: PathBuf,
    /// Output path relative to the output root (`talents/t-1/photo.jpg`).
    pub output: String,
}

/// A talent profile whose consent holds today.
#[derive(Debug, Clone, PartialEq)]
pub struct Talent {
    pub source: Source,
    pub id: String,
    pub display_name: Localized,
    pub headline: Localized,
    pub job_categories: Vec<String>,
    pub skills: Vec<Skill>,
    pub languages: Vec<LanguageSkill>,
    pub experience_years: Option<u32>,
    pub education: Vec<Education>,
    pub availability: Option<Availability>,
    /// `availability.from` is this build's month or earlier (judged against
    /// the build's `today`, like consent): the person can start now.
    pub available_now: bool,
    pub regions: Vec<String>,
    pub tags: Vec<String>,
    pub verified: Option<Date>,
    /// Present only when `origin_region` is in the consent scope.
    pub origin_region: Option<String>,
    /// Present only when `age_band` is in the consent scope.
    pub age_band: Option<String>,
    /// Present only when `photo` is in the consent scope.
    pub photo: Option<ImageRef>,
    /// `extra`, without site-declared optional fields that are out of scope.
    pub extra: BTreeMap<String, serde_yaml::Value>,
    /// Stories may link this profile (`story` is in the consent scope).
    pub story_link_allowed: bool,
    /// Published only in the companies build.
    pub companies_only: bool,
    /// Translations of the text (`t-1.en.md`) by language.
    pub translations: BTreeMap<String, TalentTranslation>,
}

/// The text of a talent profile in another language.
#[derive(Debug, Clone, PartialEq)]
pub struct TalentTranslation {
    /// The translation file (its body is the translated career summary).
    pub source: Source,
    pub display_name: Option<String>,
    pub headline: Option<String>,
}

impl Talent {
    /// The display name in `lang`: a translation file wins, then `{ja: …, en: …}`.
    pub fn display_name_in(&self, lang: &str, default_lang: &str) -> &str {
        self.translations
            .get(lang)
            .and_then(|t| t.display_name.as_deref())
            .unwrap_or_else(|| self.display_name.get(lang, default_lang))
    }

    /// The headline in `lang`.
    pub fn headline_in(&self, lang: &str, default_lang: &str) -> &str {
        self.translations
            .get(lang)
            .and_then(|t| t.headline.as_deref())
            .unwrap_or_else(|| self.headline.get(lang, default_lang))
    }

    /// Employment types sought.
    pub fn employment_types(&self) -> &[EmploymentType] {
        self.availability
            .as_ref()
            .map_or(&[], |a| a.types.as_slice())
    }
}

/// A story that is published.
#[derive(Debug, Clone, PartialEq)]
pub struct Story {
    pub source: Source,
    pub title: String,
    pub date: Date,
    pub slug: String,
    pub summary: Option<String>,
    pub author: Option<String>,
    /// The featured talent's id, only while that profile is published and
    /// its consent allows stories to link it.
    pub talent: Option<String>,
    pub image: Option<ImageRef>,
    pub tags: Vec<String>,
    pub draft: bool,
    pub extra: BTreeMap<String, serde_yaml::Value>,
}

/// An event report.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub source: Source,
    pub title: String,
    pub date: Date,
    pub slug: String,
    pub series: Option<String>,
    pub number: Option<u32>,
    pub venue: Option<String>,
    pub speakers: Vec<Speaker>,
    pub organizations: Vec<String>,
    pub tags: Vec<String>,
    pub draft: bool,
    pub summary: Option<String>,
    /// Dated after the build's day and published as an announcement
    /// (`announce: true`): the session has not taken place yet.
    pub upcoming: bool,
    pub extra: BTreeMap<String, serde_yaml::Value>,
}

/// A plain page (about, privacy policy …).
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    pub source: Source,
    pub title: String,
    pub date: Option<Date>,
    pub slug: String,
    pub draft: bool,
    pub summary: Option<String>,
    pub extra: BTreeMap<String, serde_yaml::Value>,
}

/// An `_index.md`: the home page (`section: None`) or a section's title and intro.
#[derive(Debug, Clone, PartialEq)]
pub struct SectionIndex {
    pub source: Source,
    pub section: Option<Kind>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub extra: BTreeMap<String, serde_yaml::Value>,
}

/// A file beside a document in a bundle, published with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asset {
    /// The original file.
    pub source: PathBuf,
    /// Output path relative to the output root.
    pub output: String,
    /// Raster images are decoded and re-encoded (drops EXIF, GPS …).
    pub reencode: bool,
}

/// Everything the gate let through, plus what the publishers need to know.
#[derive(Debug, Clone, Default)]
pub struct Content {
    /// The site folder it was loaded from: later stages read a file again
    /// only to place a message in it.
    pub root: PathBuf,
    pub talents: Vec<Talent>,
    pub stories: Vec<Story>,
    pub reports: Vec<Report>,
    pub pages: Vec<Page>,
    pub sections: Vec<SectionIndex>,
    pub assets: Vec<Asset>,
    /// Images of people and stories, re-encoded on output.
    pub images: Vec<ImageRef>,
    /// `content/`-relative paths of documents that exist but are not
    /// published (withheld talents and stories, drafts, future pages):
    /// links to them become plain text instead of broken-link errors.
    pub unpublished: BTreeMap<String, Unpublished>,
    /// The consent decision for every talent, for `check --privacy`.
    pub privacy: super::gate::PrivacyReport,
    /// Warnings found while loading.
    pub warnings: Vec<crate::error::Diagnostic>,
}

/// Why a document that exists is not published.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unpublished {
    /// A talent or story whose consent does not hold.
    Withheld,
    /// A draft.
    Draft,
    /// Dated after today.
    Future,
}
