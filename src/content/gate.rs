//! The consent gate: the rules that decide who is published (the fields
//! a published talent shows are chosen with them in `publish`,
//! the one place a talent's publication is decided).
//!
//! Default deny. A talent is published only if its profile and consent
//! record are filled in (a new profile from `tsunagi new talent` is not),
//! consent was given on or before today, expires after today, was not
//! withdrawn, the status is `seeking`, and the profile's audience is part
//! of this build. A story with its own consent block follows the same
//! rules for its record. Everything else is
//! withheld, and the reason is recorded for the people who publish
//! (`tsunagi check --privacy`), never for the site.

use chrono::NaiveDate;

use super::date::Date;
use super::schema::{Audience, Consent, Localized, RawTalent, Status};

/// What a build publishes.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// The date consent and future-dated content are judged against.
    pub today: NaiveDate,
    /// Include drafts and future-dated stories, reports and pages.
    pub drafts: bool,
    /// Public or companies build.
    pub audience: BuildAudience,
}

/// Which profiles a build publishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BuildAudience {
    /// The public site: `audience: public` profiles only.
    #[default]
    Public,
    /// The companies' site: `public` and `companies` profiles.
    Companies,
}

/// Why a talent or story is not published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WithheldReason {
    /// Fields still to fill in (a profile as `tsunagi new talent` made
    /// it): what a person has not written yet is never published.
    StillToFill(Vec<&'static str>),
    /// Consent given after today.
    NotYetGiven(Date),
    /// Consent expired on or before today.
    Expired(Date),
    /// Consent withdrawn.
    Withdrawn(Date),
    /// Status is not `seeking`.
    Status(Status),
    /// The profile is for companies and this is the public build.
    CompaniesOnly,
}

impl WithheldReason {
    /// A sentence for people.
    pub fn describe(&self) -> String {
        match self {
            WithheldReason::StillToFill(fields) => format!("still to fill: {}", fields.join(", ")),
            WithheldReason::NotYetGiven(d) => format!("consent starts on {d}"),
            WithheldReason::Expired(d) => format!("consent expired on {d}"),
            WithheldReason::Withdrawn(d) => format!("consent withdrawn on {d}"),
            WithheldReason::Status(s) => {
                format!("status is {} (only `seeking` is published)", s.as_str())
            }
            WithheldReason::CompaniesOnly => {
                "audience is companies (published by `build --audience companies`)".to_string()
            }
        }
    }

    /// A short key for counting in the summary line.
    pub fn key(&self) -> &'static str {
        match self {
            WithheldReason::StillToFill(_) => "still to fill",
            WithheldReason::NotYetGiven(_) => "not yet given",
            WithheldReason::Expired(_) => "expired",
            WithheldReason::Withdrawn(_) => "withdrawn",
            WithheldReason::Status(_) => "status",
            WithheldReason::CompaniesOnly => "companies only",
        }
    }
}

/// The placeholder of the career summary in a new profile (`tsunagi new
/// talent`): while the body holds it, the profile is still to fill.
pub const SUMMARY_PLACEHOLDER: &str = "ここに職務要約を書きます";

/// A profile's own fields still to fill in: an empty pseudonym or
/// headline, or the career summary's placeholder still in `body`.
pub fn talent_unfilled(t: &RawTalent, body: &str) -> Vec<&'static str> {
    let empty = |l: &Localized| l.all().iter().all(|s| s.trim().is_empty());
    let mut missing = Vec::new();
    if empty(&t.display_name) {
        missing.push("display_name");
    }
    if empty(&t.headline) {
        missing.push("headline");
    }
    if body.contains(SUMMARY_PLACEHOLDER) {
        missing.push("career summary");
    }
    missing
}

/// The fields of a consent record still to fill in: its identifier and
/// both dates. A record without them is no record of consent.
pub fn consent_unfilled(c: &Consent) -> Vec<&'static str> {
    let mut missing = Vec::new();
    if c.record_id.as_deref().is_none_or(|r| r.trim().is_empty()) {
        missing.push("consent.record_id");
    }
    if c.given.is_none() {
        missing.push("consent.given");
    }
    if c.expires.is_none() {
        missing.push("consent.expires");
    }
    missing
}

/// The date rule alone (used for talents and stories), on a filled-in
/// record.
pub fn consent_holds(c: &Consent, today: NaiveDate, offset: i32) -> Result<(), WithheldReason> {
    if let Some(w) = c.withdrawn {
        return Err(WithheldReason::Withdrawn(w));
    }
    let missing = consent_unfilled(c);
    let (Some(given), Some(expires), true) = (c.given, c.expires, missing.is_empty()) else {
        return Err(WithheldReason::StillToFill(missing));
    };
    if given.date_in(offset) > today {
        return Err(WithheldReason::NotYetGiven(given));
    }
    if expires.date_in(offset) <= today {
        return Err(WithheldReason::Expired(expires));
    }
    Ok(())
}

/// The full rule for a talent; `unfilled` names the profile's own fields
/// still to fill in (its pseudonym, headline, career summary), which
/// withhold it like an unfilled consent record.
pub fn talent_decision(
    c: &Consent,
    unfilled: &[&'static str],
    status: Status,
    today: NaiveDate,
    offset: i32,
    audience: BuildAudience,
) -> Result<(), WithheldReason> {
    if let Some(w) = c.withdrawn {
        return Err(WithheldReason::Withdrawn(w));
    }
    let mut missing = unfilled.to_vec();
    missing.extend(consent_unfilled(c));
    if !missing.is_empty() {
        return Err(WithheldReason::StillToFill(missing));
    }
    consent_holds(c, today, offset)?;
    if status != Status::Seeking {
        return Err(WithheldReason::Status(status));
    }
    if c.audience == Audience::Companies && audience == BuildAudience::Public {
        return Err(WithheldReason::CompaniesOnly);
    }
    Ok(())
}

/// The decision about one talent, for the publishers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TalentDecision {
    /// The talent's id.
    pub id: String,
    /// Its file.
    pub file: String,
    /// `Ok(optional fields shown)` or the reason it is withheld. Only
    /// fields: `story` in the consent scope is a permission, not a field
    /// (`story_link`).
    pub outcome: Result<Vec<String>, WithheldReason>,
    /// `story` is in the consent scope: stories may link the profile.
    pub story_link: bool,
    /// Consent expiry, when the consent block parsed.
    pub expires: Option<Date>,
    /// Audience of the profile.
    pub audience: Audience,
}

/// Decisions about every talent in the site.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PrivacyReport {
    /// One per talent file, sorted by id.
    pub talents: Vec<TalentDecision>,
    /// The date the decisions were made for.
    pub today: Option<NaiveDate>,
    /// What the personal-data guard checked (forbidden keys, free text).
    pub guard: super::privacy::GuardReport,
}

impl PrivacyReport {
    /// Number of published talents.
    pub fn published(&self) -> usize {
        self.talents.iter().filter(|t| t.outcome.is_ok()).count()
    }

    /// Withheld talents counted by reason, sorted by reason.
    pub fn withheld_by_reason(&self) -> Vec<(&'static str, usize)> {
        let mut counts = std::collections::BTreeMap::new();
        for t in &self.talents {
            if let Err(r) = &t.outcome {
                *counts.entry(r.key()).or_insert(0) += 1;
            }
        }
        counts.into_iter().collect()
    }

    /// Published talents whose consent expires within `days` days.
    pub fn expiring_within(&self, days: i64) -> Vec<&TalentDecision> {
        let Some(today) = self.today else {
            return Vec::new();
        };
        self.talents
            .iter()
            .filter(|t| t.outcome.is_ok())
            .filter(|t| {
                t.expires
                    .is_some_and(|e| (e.date - today).num_days() <= days)
            })
            .collect()
    }

    /// The one-line summary: "12 talents published, 3 withheld (1 expired, 2 withdrawn)".
    pub fn summary(&self) -> String {
        let withheld = self.talents.len() - self.published();
        let mut s = format!(
            "{} talent{} published, {} withheld",
            self.published(),
            if self.published() == 1 { "" } else { "s" },
            withheld
        );
        if withheld > 0 {
            let parts: Vec<String> = self
                .withheld_by_reason()
                .into_iter()
                .map(|(k, n)| format!("{n} {k}"))
                .collect();
            s.push_str(&format!(" ({})", parts.join(", ")));
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn consent(given: &str, expires: &str, withdrawn: Option<&str>) -> Consent {
        Consent {
            record_id: Some("C-1".into()),
            given: Date::parse(given),
            expires: Date::parse(expires),
            withdrawn: withdrawn.map(|w| Date::parse(w).unwrap()),
            scope: vec![],
            audience: Audience::Public,
        }
    }

    fn day(s: &str) -> NaiveDate {
        Date::parse(s).unwrap().date
    }

    const JST: i32 = 9 * 3600;

    #[test]
    fn date_rule_boundaries() {
        let c = consent("2026-01-01", "2026-12-01", None);
        assert!(
            consent_holds(&c, day("2026-01-01"), JST).is_ok(),
            "given today: published"
        );
        assert!(
            consent_holds(&c, day("2026-11-30"), JST).is_ok(),
            "expires tomorrow: published"
        );
        assert_eq!(
            consent_holds(&c, day("2026-12-01"), JST),
            Err(WithheldReason::Expired(Date::parse("2026-12-01").unwrap())),
            "expires today: withheld"
        );
        assert!(matches!(
            consent_holds(&c, day("2025-12-31"), JST),
            Err(WithheldReason::NotYetGiven(_))
        ));
        let w = consent("2026-01-01", "2027-01-01", Some("2026-06-01"));
        assert!(
            matches!(
                consent_holds(&w, day("2026-03-01"), JST),
                Err(WithheldReason::Withdrawn(_))
            ),
            "any withdrawal withholds"
        );
    }

    #[test]
    fn status_and_audience() {
        let c = consent("2026-01-01", "2027-01-01", None);
        let today = day("2026-06-01");
        assert!(
            talent_decision(&c, &[], Status::Seeking, today, JST, BuildAudience::Public).is_ok()
        );
        for s in [Status::Hired, Status::InTrial, Status::Paused] {
            assert_eq!(
                talent_decision(&c, &[], s, today, JST, BuildAudience::Public),
                Err(WithheldReason::Status(s))
            );
        }
        let mut comp = c.clone();
        comp.audience = Audience::Companies;
        assert_eq!(
            talent_decision(
                &comp,
                &[],
                Status::Seeking,
                today,
                JST,
                BuildAudience::Public
            ),
            Err(WithheldReason::CompaniesOnly)
        );
        assert!(
            talent_decision(
                &comp,
                &[],
                Status::Seeking,
                today,
                JST,
                BuildAudience::Companies
            )
            .is_ok()
        );
    }

    #[test]
    fn a_record_still_to_fill_withholds_whatever_the_status() {
        let today = day("2026-06-01");
        let mut c = consent("2026-01-01", "2027-01-01", None);
        c.given = None;
        c.record_id = Some(" ".into());
        let why = Err(WithheldReason::StillToFill(vec![
            "consent.record_id",
            "consent.given",
        ]));
        assert_eq!(consent_holds(&c, today, JST), why);
        assert_eq!(
            talent_decision(
                &c,
                &[],
                Status::Seeking,
                today,
                JST,
                BuildAudience::Companies
            ),
            why
        );
        // the profile's own fields come first, then the record's
        let full = consent("2026-01-01", "2027-01-01", None);
        assert_eq!(
            talent_decision(
                &full,
                &["display_name"],
                Status::Paused,
                today,
                JST,
                BuildAudience::Public
            ),
            Err(WithheldReason::StillToFill(vec!["display_name"]))
        );
        c.expires = None;
        c.record_id = None;
        assert_eq!(
            talent_decision(
                &c,
                &["headline"],
                Status::Seeking,
                today,
                JST,
                BuildAudience::Public
            ),
            Err(WithheldReason::StillToFill(vec![
                "headline",
                "consent.record_id",
                "consent.given",
                "consent.expires"
            ]))
        );
        assert_eq!(
            WithheldReason::StillToFill(vec!["headline", "consent.given"]).describe(),
            "still to fill: headline, consent.given"
        );
        // a withdrawal is the reason, filled in or not
        c.withdrawn = Date::parse("2026-05-01");
        assert!(matches!(
            talent_decision(
                &c,
                &["headline"],
                Status::Seeking,
                today,
                JST,
                BuildAudience::Public
            ),
            Err(WithheldReason::Withdrawn(_))
        ));
    }

    #[test]
    fn summary_counts_reasons() {
        let mk = |id: &str, outcome| TalentDecision {
            id: id.into(),
            file: format!("content/talents/{id}.md"),
            outcome,
            story_link: false,
            expires: None,
            audience: Audience::Public,
        };
        let r = PrivacyReport {
            talents: vec![
                mk("a", Ok(vec![])),
                mk("b", Err(WithheldReason::Status(Status::Hired))),
                mk(
                    "c",
                    Err(WithheldReason::Withdrawn(
                        Date::parse("2026-01-01").unwrap(),
                    )),
                ),
                mk(
                    "d",
                    Err(WithheldReason::Withdrawn(
                        Date::parse("2026-01-02").unwrap(),
                    )),
                ),
            ],
            today: None,
            guard: Default::default(),
        };
        assert_eq!(
            r.summary(),
            "1 talent published, 3 withheld (1 status, 2 withdrawn)"
        );
    }
}
