//! The policy for a talent, whole: whether the person is published, and
//! which of their fields are shown.
//!
//! [`publish`] takes a checked profile and answers with the talent exactly
//! as the site may show it, or with why it is withheld; both answers carry
//! the record the publishers see (`tsunagi check --privacy`). The dates and
//! statuses are judged by [`super::gate`]; the fields are chosen here, by
//! the consent scope: an optional field (`photo`, `origin_region`,
//! `age_band` and the site's own `privacy.optional_fields`) is shown only
//! when the scope names it, and `story` in the scope lets stories link the
//! profile. The gatekeeper only checks and assembles (ids, language codes,
//! the photo's file, translations); it decides nothing.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::date::YearMonth;
use super::gate::{self, BuildAudience, TalentDecision, WithheldReason};
use super::model::{Skill, Source, Talent};
use super::schema::{Audience, RawSkill, RawTalent};

/// What the policy judges a profile against besides the profile.
pub(super) struct Ctx<'a> {
    /// The build's date.
    pub today: NaiveDate,
    /// The site's UTC offset, in seconds (consent dates are days there).
    pub offset: i32,
    /// Which profiles this build publishes.
    pub audience: BuildAudience,
    /// The site's optional fields (`privacy.optional_fields`), shown only
    /// with consent.
    pub optional_fields: &'a [String],
}

/// A talent the policy publishes.
#[derive(Debug)]
pub(super) struct Published {
    /// The talent with only the fields its consent shows; its photo is
    /// left for the gatekeeper to find ([`Published::photo`]).
    pub talent: Talent,
    /// The photo as written in the profile, when its consent shows it.
    pub photo: Option<String>,
    /// What the publishers see.
    pub record: TalentDecision,
}

/// A talent the policy withholds.
#[derive(Debug)]
pub(super) struct Withheld {
    pub reason: WithheldReason,
    /// What the publishers see.
    pub record: TalentDecision,
}

/// The policy: `raw` (from the file `source`) as the site may show it as
/// of `ctx.today`, or why it is withheld.
pub(super) fn publish(
    raw: RawTalent,
    source: &Source,
    ctx: &Ctx,
) -> Result<Published, Box<Withheld>> {
    let unfilled = gate::talent_unfilled(&raw, &source.body);
    let decision = gate::talent_decision(
        &raw.consent,
        &unfilled,
        raw.status,
        ctx.today,
        ctx.offset,
        ctx.audience,
    );
    let scope = raw.consent.scope.clone();
    let in_scope = |f: &str| scope.iter().any(|s| s == f);
    let mut shown: Vec<String> = raw
        .consent
        .scope
        .iter()
        .filter(|s| match s.as_str() {
            // a permission, not a field: `story_link`
            "story" => false,
            "photo" => raw.photo.is_some(),
            "origin_region" => raw.origin_region.is_some(),
            "age_band" => raw.age_band.is_some(),
            other => raw.extra.contains_key(other),
        })
        .cloned()
        .collect();
    shown.sort();
    let record = TalentDecision {
        id: raw.id.clone(),
        file: source.path.clone(),
        outcome: decision.clone().map(|_| shown),
        story_link: in_scope("story"),
        expires: raw.consent.expires,
        audience: raw.consent.audience,
    };
    if let Err(reason) = decision {
        return Err(Box::new(Withheld { reason, record }));
    }
    let photo = raw.photo.clone().filter(|_| in_scope("photo"));
    let extra = raw
        .extra
        .iter()
        .filter(|(k, _)| !ctx.optional_fields.contains(k) || in_scope(k))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let talent = Talent {
        id: raw.id,
        display_name: raw.display_name,
        headline: raw.headline,
        job_categories: raw.job_categories,
        skills: raw
            .skills
            .into_iter()
            .map(|s| match s {
                RawSkill::Name(name) => Skill {
                    name,
                    level: None,
                    years: None,
                },
                RawSkill::Detailed(d) => Skill {
                    name: d.name,
                    level: d.level,
                    years: d.years,
                },
            })
            .collect(),
        languages: raw.languages,
        experience_years: raw.experience_years,
        education: raw.education,
        available_now: raw
            .availability
            .as_ref()
            .and_then(|a| a.from)
            .is_some_and(|from| available_by(from, ctx.today)),
        availability: raw.availability,
        // 東京 is 東京都: one region for the directory's filter
        regions: super::prefectures::canonical_all(raw.regions),
        tags: raw.tags,
        verified: raw.verified,
        origin_region: raw.origin_region.filter(|_| in_scope("origin_region")),
        age_band: raw.age_band.filter(|_| in_scope("age_band")),
        photo: None,
        extra,
        story_link_allowed: in_scope("story"),
        companies_only: raw.consent.audience == Audience::Companies,
        translations: BTreeMap::new(),
        source: source.clone(),
    };
    Ok(Published {
        talent,
        photo,
        record,
    })
}

/// Whether a person available from `from` can start by `today`: `from` is
/// `today`'s month or earlier.
fn available_by(from: YearMonth, today: NaiveDate) -> bool {
    use chrono::Datelike;
    (from.year, from.month) <= (today.year(), today.month())
}

#[cfg(test)]
mod tests {
    use super::*;

    const JST: i32 = 9 * 3600;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("a date")
    }

    /// A filled-in profile whose consent runs through 2026, with `more`
    /// front matter lines (`consent.scope` among them, when given).
    fn raw(more: &str) -> RawTalent {
        let scope = if more.contains("scope:") {
            ""
        } else {
            "  scope: []\n"
        };
        let yaml = format!(
            "id: t-1\ndisplay_name: Amal\nheadline: Engineer\nstatus: seeking\n\
             consent:\n  record_id: C-1\n  given: 2026-01-01\n  expires: 2027-01-01\n\
             {scope}{more}"
        );
        serde_yaml::from_str(&yaml).unwrap_or_else(|e| panic!("{e}: {yaml}"))
    }

    fn source() -> Source {
        Source {
            path: "content/talents/t-1.md".into(),
            content_path: "talents/t-1.md".into(),
            lang: "ja".into(),
            translation_key: "talents/t-1".into(),
            stem: "t-1".into(),
            body: "経歴".into(),
            body_line: 12,
            bundle_dir: None,
            hash: 0,
        }
    }

    fn ctx<'a>(today: &str, optional: &'a [String]) -> Ctx<'a> {
        Ctx {
            today: day(today),
            offset: JST,
            audience: BuildAudience::Public,
            optional_fields: optional,
        }
    }

    #[test]
    fn optional_fields_are_shown_only_with_consent() {
        let optional = vec!["hobby".to_string()];
        let r = raw("photo: me.jpg\norigin_region: Middle East\nage_band: 30s\n\
             extra:\n  hobby: chess\n  motto: onward\n");
        let p = publish(r, &source(), &ctx("2026-06-01", &optional)).expect("published");
        assert_eq!(p.photo, None);
        assert_eq!(p.talent.origin_region, None);
        assert_eq!(p.talent.age_band, None);
        assert!(!p.talent.story_link_allowed);
        // a field the site does not call optional is shown as written
        assert_eq!(
            p.talent.extra.keys().collect::<Vec<_>>(),
            ["motto"],
            "only consented optional fields"
        );
        assert_eq!(p.record.outcome, Ok(vec![]));

        let r = raw("  scope: [photo, age_band, hobby, story]\nphoto: me.jpg\n\
             origin_region: Middle East\nage_band: 30s\nextra:\n  hobby: chess\n");
        let p = publish(r, &source(), &ctx("2026-06-01", &optional)).expect("published");
        assert_eq!(p.photo.as_deref(), Some("me.jpg"));
        assert_eq!(p.talent.origin_region, None, "not in the scope");
        assert_eq!(p.talent.age_band.as_deref(), Some("30s"));
        assert!(p.talent.extra.contains_key("hobby"));
        assert!(p.talent.story_link_allowed && p.record.story_link);
        // the record names fields, not the `story` permission
        assert_eq!(
            p.record.outcome,
            Ok(vec!["age_band".into(), "hobby".into(), "photo".into()])
        );
    }

    #[test]
    fn a_withheld_talent_comes_back_as_a_reason_and_a_record_only() {
        let w = publish(raw(""), &source(), &ctx("2027-01-01", &[])).expect_err("expired");
        assert!(matches!(w.reason, WithheldReason::Expired(_)));
        assert_eq!(w.record.outcome, Err(w.reason.clone()));
        assert_eq!(w.record.file, "content/talents/t-1.md");

        let w = publish(
            raw("  audience: companies\n"),
            &source(),
            &ctx("2026-06-01", &[]),
        )
        .expect_err("companies only");
        assert_eq!(w.reason, WithheldReason::CompaniesOnly);

        let mut unfilled = source();
        unfilled.body = gate::SUMMARY_PLACEHOLDER.into();
        let w = publish(raw(""), &unfilled, &ctx("2026-06-01", &[])).expect_err("to fill");
        assert_eq!(
            w.reason,
            WithheldReason::StillToFill(vec!["career summary"])
        );
    }

    #[test]
    fn availability_is_judged_by_the_builds_month() {
        let r = || raw("availability:\n  from: 2026-07\n");
        let june = publish(r(), &source(), &ctx("2026-06-30", &[])).expect("published");
        assert!(!june.talent.available_now);
        let july = publish(r(), &source(), &ctx("2026-07-01", &[])).expect("published");
        assert!(july.talent.available_now);
    }
}
