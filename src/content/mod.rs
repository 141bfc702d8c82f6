//! Loading content: files → typed front matter → the consent gate.
//!
//! This module owns the content folder. It walks it, reads every Markdown
//! file (in parallel), checks the front matter against the typed schemas,
//! refuses forbidden keys and personal data, and passes everything through
//! the consent gate ([`gate`]). What comes out, a [`Content`], holds only
//! what may be published: later stages cannot leak what they never see.
//!
//! Errors are collected across all files, so a writer sees every problem at
//! once.
//!
//! The consent boundary is a compiler fact: the raw front matter types and
//! the consent record live in a private module, so no code outside
//! `content` — the model, templates' views, the search index, the dev
//! server — can name them, let alone read a withheld profile:
//!
//! ```compile_fail,E0603
//! use tsunagi::content::schema::Consent;
//! ```
//!
//! ```compile_fail,E0432
//! use tsunagi::content::Consent;
//! ```
//!
//! ```compile_fail,E0603
//! use tsunagi::content::schema::RawTalent;
//! ```
//!
//! while the value types a published page shares with its front matter
//! are public:
//!
//! ```
//! use tsunagi::content::{Jlpt, LanguageSkill, Talent};
//! ```
//!
//! * `walk` decides from paths alone what each file is;
//! * `parse` reads one file (front matter, forbidden keys, personal data);
//! * `loader` runs both in parallel, with the dev server's cache;
//! * `publish` is the policy for a talent, whole: whether the person is
//!   published (by [`gate`]'s rules) and which of their fields are shown;
//! * the gatekeeper checks and assembles across files: `gatekeeper` holds
//!   its state and shared checks, `talents` applies `publish` and attaches
//!   profile translations, `documents` applies the publication rules of
//!   stories, reports and pages (dates, slugs, bundles, translations).

pub mod date;
pub mod gate;
pub mod iso639;
pub mod model;
pub mod prefectures;
pub mod privacy;
mod schema;
pub mod source;

mod documents;
mod gatekeeper;
mod loader;
mod parse;
mod publish;
mod talents;
mod walk;

pub use gate::{BuildAudience, LoadOptions, PrivacyReport, TalentDecision, WithheldReason};
pub use loader::{BodyEdit, LoadCache, load, load_cached};
pub use model::*;
/// The value types a published page shares with its front matter. The raw
/// front matter types and the consent record stay private to `content`.
pub use schema::{
    Audience, Availability, Cefr, Education, EmploymentType, Jlpt, LanguageSkill, Localized,
    SkillLevel, Speaker, Status, is_slug, is_talent_id,
};
