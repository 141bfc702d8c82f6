//! The typed front matter of each content kind, exactly as writers write it.
//!
//! Every struct denies unknown keys: a misspelt `verfied:` must be an error
//! with a suggestion, not a silently missing review date. These "raw" types
//! hold everything in the file, the consent block included; they never leave
//! the `content` module. The gate turns them into the published types of
//! [`super::model`].

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::date::{Date, YearMonth};

/// A short text given once, or per language: `headline: x` or
/// `headline: {ja: …, en: …}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Localized {
    /// One text for every language.
    One(String),
    /// A text per language code.
    PerLanguage(BTreeMap<String, String>),
}

impl Localized {
    /// The text for `lang`, falling back to `default_lang`, then to any.
    pub fn get(&self, lang: &str, default_lang: &str) -> &str {
        match self {
            Localized::One(s) => s,
            Localized::PerLanguage(m) => m
                .get(lang)
                .or_else(|| m.get(default_lang))
                .or_else(|| m.values().next())
                .map(String::as_str)
                .unwrap_or(""),
        }
    }

    /// Every text, for scanning and search.
    pub fn all(&self) -> Vec<&str> {
        match self {
            Localized::One(s) => vec![s.as_str()],
            Localized::PerLanguage(m) => m.values().map(String::as_str).collect(),
        }
    }

    /// The language codes a per-language text names.
    pub fn languages(&self) -> Vec<&str> {
        match self {
            Localized::One(_) => Vec::new(),
            Localized::PerLanguage(m) => m.keys().map(String::as_str).collect(),
        }
    }
}

/// Where a candidate is in the programme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Looking for work: the only status that is published.
    Seeking,
    /// In a trial employment.
    InTrial,
    /// Hired.
    Hired,
    /// Paused at the candidate's request.
    Paused,
}

impl Status {
    /// The YAML spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Seeking => "seeking",
            Status::InTrial => "in_trial",
            Status::Hired => "hired",
            Status::Paused => "paused",
        }
    }
}

/// Who may see a profile.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Deserialize, Serialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    /// Everyone: the public site.
    #[default]
    Public,
    /// Companies only: the second deployment behind access control.
    Companies,
}

impl Audience {
    /// The YAML spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Audience::Public => "public",
            Audience::Companies => "companies",
        }
    }
}

/// A consent record: who agreed to what, from when, until when.
///
/// The identifier and both dates may be left empty (`tsunagi new talent`
/// leaves them so): a record without them is still to fill, and nothing
/// it covers is published ([`super::gate::consent_holds`]).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Consent {
    /// The organisation's record identifier (never published).
    #[serde(default)]
    pub record_id: Option<String>,
    /// First day of consent.
    #[serde(default)]
    pub given: Option<Date>,
    /// First day consent no longer holds.
    #[serde(default)]
    pub expires: Option<Date>,
    /// Set when the person withdrew consent.
    #[serde(default)]
    pub withdrawn: Option<Date>,
    /// Optional fields (and `story`) the person agreed to publish.
    #[serde(default)]
    pub scope: Vec<String>,
    /// Who may see the profile.
    #[serde(default)]
    pub audience: Audience,
}

/// A skill: `Python` or `{name: Python, level: advanced, years: 6}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RawSkill {
    /// Just the name.
    Name(String),
    /// Name with level and years.
    Detailed(SkillDetail),
}

/// The detailed form of a skill.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SkillDetail {
    /// The skill.
    pub name: String,
    /// basic, intermediate, advanced or expert.
    #[serde(default)]
    pub level: Option<SkillLevel>,
    /// Years of practice.
    #[serde(default)]
    pub years: Option<u32>,
}

/// How well a skill is mastered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SkillLevel {
    /// Basic.
    Basic,
    /// Intermediate.
    Intermediate,
    /// Advanced.
    Advanced,
    /// Expert.
    Expert,
}

/// A language and how well the candidate uses it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LanguageSkill {
    /// ISO 639-1 code.
    pub code: String,
    /// JLPT level N1–N5 (Japanese).
    #[serde(default)]
    pub jlpt: Option<Jlpt>,
    /// CEFR level A1–C2.
    #[serde(default)]
    pub cefr: Option<Cefr>,
    /// A native language.
    #[serde(default)]
    pub native: bool,
}

/// Japanese-Language Proficiency Test levels, N1 (highest) to N5.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
pub enum Jlpt {
    /// Highest.
    N1,
    /// N2.
    N2,
    /// N3.
    N3,
    /// N4.
    N4,
    /// Lowest.
    N5,
}

/// CEFR levels, A1 (lowest) to C2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
pub enum Cefr {
    /// Beginner.
    A1,
    /// Elementary.
    A2,
    /// Intermediate.
    B1,
    /// Upper intermediate.
    B2,
    /// Advanced.
    C1,
    /// Proficient.
    C2,
}

/// A degree or school.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Education {
    /// 学士, Master's …
    pub level: String,
    /// Field of study.
    #[serde(default)]
    pub field: Option<String>,
}

/// When and how a candidate can work.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Availability {
    /// First month the candidate can start.
    #[serde(default)]
    pub from: Option<YearMonth>,
    /// Employment types sought.
    #[serde(default)]
    pub types: Vec<EmploymentType>,
    /// Open to remote work.
    #[serde(default)]
    pub remote_ok: bool,
}

/// Kinds of employment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EmploymentType {
    /// Full time.
    FullTime,
    /// Part time.
    PartTime,
    /// Fixed-term contract.
    Contract,
    /// Internship.
    Internship,
}

impl EmploymentType {
    /// The YAML spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            EmploymentType::FullTime => "full_time",
            EmploymentType::PartTime => "part_time",
            EmploymentType::Contract => "contract",
            EmploymentType::Internship => "internship",
        }
    }
}

/// The rule for a talent's `id` (it becomes the URL `/talents/<id>/`):
/// ASCII letters, digits and `-`, not empty. `tsunagi new talent` checks a
/// new id by it before writing anything.
pub fn is_talent_id(id: &str) -> bool {
    !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// The rule for a `slug:` (the last part of a story's, report's or page's
/// URL): lower-case ASCII letters, digits and `-`, not empty.
pub fn is_slug(slug: &str) -> bool {
    !slug.is_empty()
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Talent front matter, as written.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTalent {
    pub id: String,
    pub display_name: Localized,
    pub headline: Localized,
    pub status: Status,
    #[serde(default)]
    pub job_categories: Vec<String>,
    #[serde(default)]
    pub skills: Vec<RawSkill>,
    #[serde(default)]
    pub languages: Vec<LanguageSkill>,
    #[serde(default)]
    pub experience_years: Option<u32>,
    #[serde(default)]
    pub education: Vec<Education>,
    #[serde(default)]
    pub availability: Option<Availability>,
    #[serde(default)]
    pub regions: Vec<String>,
    #[serde(default)]
    pub origin_region: Option<String>,
    #[serde(default)]
    pub age_band: Option<String>,
    #[serde(default)]
    pub photo: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub verified: Option<Date>,
    pub consent: Consent,
    #[serde(default)]
    pub extra: BTreeMap<String, serde_yaml::Value>,
}

/// A talent translation (`t-1.en.md`): only text; everything else, consent
/// included, comes from the original.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTalentTranslation {
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub headline: Option<String>,
}

/// Story front matter, as written.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStory {
    pub title: String,
    pub date: Date,
    #[serde(default)]
    pub slug: Option<String>,
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(default)]
    pub author: Option<String>,
    #[serde(default)]
    pub talent: Option<String>,
    #[serde(default)]
    pub image: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub draft: bool,
    #[serde(default)]
    pub consent: Option<Consent>,
    #[serde(default)]
    pub extra: BTreeMap<String, serde_yaml::Value>,
}

/// A speaker at a session.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Speaker {
    /// The speaker's name as they want it published.
    pub name: String,
    /// Their role or title.
    #[serde(default)]
    pub role: Option<String>,
    /// Their organisation.
    #[serde(default)]
    pub org: Option<String>,
}

/// Report front matter, as written.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawReport {
    pub title: String,
    pub date: Date,
    #[serde(default)]
    pub slug: Option<String>,
    #[serde(default)]
    pub series: Option<String>,
    #[serde(default)]
    pub number: Option<u32>,
    #[serde(default)]
    pub venue: Option<String>,
    #[serde(default)]
    pub speakers: Vec<Speaker>,
    #[serde(default)]
    pub organizations: Vec<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub draft: bool,
    #[serde(default)]
    pub summary: Option<String>,
    /// Publish before its date, as the announcement of an upcoming session.
    #[serde(default)]
    pub announce: bool,
    #[serde(default)]
    pub extra: BTreeMap<String, serde_yaml::Value>,
}

/// Plain page front matter, as written.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPage {
    pub title: String,
    #[serde(default)]
    pub date: Option<Date>,
    #[serde(default)]
    pub slug: Option<String>,
    #[serde(default)]
    pub draft: bool,
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(default)]
    pub extra: BTreeMap<String, serde_yaml::Value>,
}

/// `_index.md` front matter: a section's (or the home page's) title and intro.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSection {
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub extra: BTreeMap<String, serde_yaml::Value>,
}

// Untagged enums lose serde_yaml's positions and say only "did not match
// any variant"; these visitors keep both the position and a useful message.

impl<'de> Deserialize<'de> for Localized {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Localized;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a text, or one text per language such as {ja: …, en: …}")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Localized, E> {
                Ok(Localized::One(v.to_string()))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Localized, E> {
                Ok(Localized::One(v.to_string()))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Localized, E> {
                Ok(Localized::One(v.to_string()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<Localized, A::Error> {
                let m = BTreeMap::<String, String>::deserialize(
                    serde::de::value::MapAccessDeserializer::new(map),
                )?;
                if m.is_empty() {
                    return Err(serde::de::Error::custom(
                        "expected at least one language, such as {ja: …}",
                    ));
                }
                Ok(Localized::PerLanguage(m))
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for RawSkill {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = RawSkill;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a skill name, or {name: …, level: …, years: …}")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<RawSkill, E> {
                Ok(RawSkill::Name(v.to_string()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<RawSkill, A::Error> {
                SkillDetail::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(RawSkill::Detailed)
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn localized_forms() {
        let one: Localized = serde_yaml::from_str("エンジニア").unwrap();
        assert_eq!(one.get("en", "ja"), "エンジニア");
        let per: Localized = serde_yaml::from_str("{ja: エンジニア, en: Engineer}").unwrap();
        assert_eq!(per.get("en", "ja"), "Engineer");
        assert_eq!(per.get("fr", "ja"), "エンジニア");
        assert!(
            serde_yaml::from_str::<Localized>("[a]")
                .unwrap_err()
                .to_string()
                .contains("one text per language")
        );
    }

    #[test]
    fn skill_forms_keep_positions() {
        let v: Vec<RawSkill> =
            serde_yaml::from_str("- Go\n- {name: Python, level: advanced, years: 6}\n").unwrap();
        assert_eq!(v[0], RawSkill::Name("Go".into()));
        let e = serde_yaml::from_str::<Vec<RawSkill>>("- Go\n- {name: Python, levl: advanced}\n")
            .unwrap_err();
        assert!(e.to_string().contains("unknown field `levl`"), "{e}");
        assert_eq!(e.location().map(|l| l.line()), Some(2));
    }
}
