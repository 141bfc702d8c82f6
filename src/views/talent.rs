//! What a profile shows: its languages and levels, skills, availability,
//! the facts line of its first screen, and the whole talent view. Every
//! value here comes from a [`Talent`] that passed the consent gate.

use serde::Serialize;
use tera::Value;

use super::{Link, ViewBuilder, unique_links};
use crate::content::{Cefr, Jlpt, SkillLevel, Talent};
use crate::i18n::{self, Strings};
use crate::site::{Page, PageId, TaxonomyKind};

/// A language and level, ready to print.
#[derive(Debug, Clone, Serialize)]
pub struct LanguageView {
    pub code: String,
    pub name: String,
    pub level: String,
    pub jlpt: Option<Jlpt>,
    pub cefr: Option<Cefr>,
    pub native: bool,
    pub url: String,
}

/// A skill, ready to print.
#[derive(Debug, Clone, Serialize)]
pub struct SkillView {
    pub name: String,
    pub url: String,
    pub level: Option<SkillLevel>,
    pub level_label: Option<String>,
    pub years: Option<u32>,
}

/// A talent profile.
#[derive(Debug, Clone, Serialize)]
pub struct TalentView<'a> {
    pub id: &'a str,
    pub display_name: &'a str,
    pub headline: &'a str,
    pub job_categories: Vec<Link>,
    pub skills: Vec<SkillView>,
    pub languages: Vec<LanguageView>,
    pub experience_years: Option<u32>,
    pub education: &'a [crate::content::Education],
    /// As on cards: the start month, or `t.available_now` once it has come.
    pub available_from: Option<String>,
    /// The start month is this build's month or earlier.
    pub available_now: bool,
    pub employment_types: Vec<Link>,
    pub remote_ok: bool,
    /// Where the talent can work, as this language shows it (`Tokyo`).
    pub regions: Vec<String>,
    pub origin_region: Option<&'a str>,
    pub age_band: Option<&'a str>,
    pub photo_url: Option<String>,
    pub verified: Option<String>,
    pub verified_display: Option<String>,
    /// The enquiry link: site.yaml's `contact_url` filled in for this
    /// profile (see [`super::enquiry`]).
    pub contact_url: Option<String>,
    /// The profile in one line for the first screen (`日本語 N2`, `東京都、
    /// 神奈川県`, `リモート可`, `経験6年`, `即日可` …), made from the
    /// fields above only.
    pub facts: Vec<String>,
    pub stories: Vec<Value>,
    /// Site-declared optional fields (site.yaml `privacy.optional_fields`)
    /// the person consented to show.
    pub custom_fields: Vec<Field>,
}

/// A labelled value.
#[derive(Debug, Clone, Serialize)]
pub struct Field {
    pub key: String,
    pub label: String,
    pub value: String,
}

impl<'a> ViewBuilder<'a> {
    /// A language's name and level as shown (`日本語`, `N2`), without the
    /// link a [`LanguageView`] carries (cards need only the words).
    pub(super) fn language_label(&self, l: &crate::content::LanguageSkill) -> (String, String) {
        let level = if l.native {
            i18n::string(self.strings, "native")
        } else if let Some(j) = l.jlpt {
            self.scale("level_jlpt", "JLPT {level}", &format!("{j:?}"))
        } else if let Some(c) = l.cefr {
            self.scale("level_cefr", "CEFR {level}", &format!("{c:?}"))
        } else {
            String::new()
        };
        (i18n::lookup(self.strings, "language_names", &l.code), level)
    }

    /// A level with its scale, as this language writes it (`level_jlpt`:
    /// `JLPT {level}` in English, `{level}` in Japanese, where N2 needs no
    /// introduction).
    pub(super) fn scale(&self, key: &str, default: &str, level: &str) -> String {
        self.strings
            .get(key)
            .and_then(|v| v.as_str())
            .unwrap_or(default)
            .replace("{level}", level)
    }

    /// When a person can start, as shown: `即日可` / `Available now` once
    /// the month has come, else the month.
    pub(super) fn available_from(&self, t: &Talent) -> Option<String> {
        let from = t.availability.as_ref().and_then(|a| a.from)?;
        Some(if t.available_now {
            i18n::string(self.strings, "available_now")
        } else {
            i18n::format_year_month(from, self.lang)
        })
    }

    pub(super) fn language_view(&self, l: &crate::content::LanguageSkill) -> LanguageView {
        let (name, level) = self.language_label(l);
        LanguageView {
            code: l.code.clone(),
            name,
            level,
            jlpt: l.jlpt,
            cefr: l.cefr,
            native: l.native,
            url: self.term_link(TaxonomyKind::Languages, &l.code).url,
        }
    }

    pub(super) fn photo_url(&self, t: &Talent) -> Option<String> {
        t.photo
            .as_ref()
            .map(|p| self.urls.url(&format!("/{}", p.output)))
    }

    /// A talent's own view.
    pub fn talent_view(
        &self,
        p: &Page,
        t: &'a Talent,
        related: &[PageId],
        cards: &[Value],
    ) -> TalentView<'a> {
        let dl = self.default_lang();
        let permalink = self.urls.permalink(&p.path);
        let verified = t
            .verified
            .map(|d| d.date_in(self.site.config.offset_seconds()));
        let mut view = TalentView {
            id: &t.id,
            display_name: t.display_name_in(self.lang, dl),
            headline: t.headline_in(self.lang, dl),
            job_categories: unique_links(
                t.job_categories
                    .iter()
                    .map(|c| self.term_link(TaxonomyKind::JobCategories, c)),
            ),
            skills: t
                .skills
                .iter()
                .map(|s| SkillView {
                    name: self.shown_name(TaxonomyKind::Skills, &s.name).into_owned(),
                    url: self.term_link(TaxonomyKind::Skills, &s.name).url,
                    level: s.level,
                    level_label: s.level.map(|l| {
                        let key = serde_yaml::to_value(l)
                            .ok()
                            .and_then(|v| v.as_str().map(str::to_string))
                            .unwrap_or_default();
                        i18n::lookup(self.strings, "skill_level_names", &key)
                    }),
                    years: s.years,
                })
                .collect(),
            languages: t.languages.iter().map(|l| self.language_view(l)).collect(),
            experience_years: t.experience_years,
            education: &t.education,
            available_from: self.available_from(t),
            available_now: t.available_now,
            employment_types: t
                .employment_types()
                .iter()
                .map(|e| Link {
                    name: i18n::lookup(self.strings, "employment_type_names", e.as_str()),
                    url: String::new(),
                })
                .collect(),
            remote_ok: t.availability.as_ref().is_some_and(|a| a.remote_ok),
            regions: self.regions(t),
            origin_region: t.origin_region.as_deref(),
            age_band: t.age_band.as_deref(),
            photo_url: self.photo_url(t),
            verified: verified.map(|d| d.format("%Y-%m").to_string()),
            verified_display: verified.map(|d| {
                i18n::format_year_month(
                    crate::content::date::YearMonth {
                        year: chrono::Datelike::year(&d),
                        month: chrono::Datelike::month(&d),
                    },
                    self.lang,
                )
            }),
            contact_url: self.site.config.contact_url.as_ref().map(|c| {
                let subject = i18n::string(self.strings, "enquiry_subject");
                let body = i18n::string(self.strings, "enquiry_body");
                crate::enquiry::enquiry_url(
                    c,
                    &[crate::enquiry::Profile {
                        id: &t.id,
                        permalink: &permalink,
                    }],
                    crate::enquiry::MailText {
                        subject: &subject,
                        body: &body,
                    },
                )
            }),
            facts: Vec::new(),
            stories: related.iter().map(|&i| cards[i].clone()).collect(),
            custom_fields: self
                .site
                .config
                .privacy
                .optional_fields
                .iter()
                .filter_map(|k| {
                    let value = match t.extra.get(k)? {
                        serde_yaml::Value::String(s) => s.clone(),
                        serde_yaml::Value::Number(n) => n.to_string(),
                        serde_yaml::Value::Bool(b) => b.to_string(),
                        _ => return None,
                    };
                    Some(Field {
                        key: k.clone(),
                        label: i18n::lookup(self.strings, "field_names", k),
                        value,
                    })
                })
                .collect(),
        };
        view.facts = facts_line(&view, self.strings);
        view
    }
}

/// The facts line of a profile's first screen, item by item (a template
/// joins them with ` · `): the Japanese level, where, how, remote, how long
/// and from when. Made from the view alone: whatever the view holds has
/// passed the consent gate, and nothing else can reach this line.
pub fn facts_line(v: &TalentView<'_>, strings: &Strings) -> Vec<String> {
    let sep = i18n::string(strings, "list_separator");
    let mut out = Vec::new();
    if let Some(ja) = v.languages.iter().find(|l| l.code == "ja") {
        out.push(if ja.level.is_empty() {
            ja.name.clone()
        } else {
            format!("{} {}", ja.name, ja.level)
        });
    }
    if !v.regions.is_empty() {
        out.push(v.regions.join(&sep));
    }
    if !v.employment_types.is_empty() {
        let names: Vec<&str> = v.employment_types.iter().map(|e| e.name.as_str()).collect();
        out.push(names.join(&sep));
    }
    if v.remote_ok {
        out.push(i18n::string(strings, "facts_remote_ok"));
    }
    if let Some(e) = v.experience_years.and_then(|n| experience_text(n, strings)) {
        out.push(e);
    }
    if let Some(from) = &v.available_from {
        out.push(if v.available_now {
            from.clone()
        } else {
            i18n::string(strings, "facts_available_from").replace("{date}", from)
        });
    }
    out
}

/// Years of experience in words (`経験6年`, `1 year's experience`); none
/// for zero, which says nothing a recruiter can use.
pub(super) fn experience_text(n: u32, strings: &Strings) -> Option<String> {
    if n == 0 {
        return None;
    }
    let key = if n == 1 && strings.contains_key("facts_experience_one") {
        "facts_experience_one"
    } else {
        "facts_experience"
    };
    Some(i18n::string(strings, key).replace("{n}", &n.to_string()))
}
