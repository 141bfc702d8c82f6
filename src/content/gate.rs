//! The consent gate: the one place that decides who is published.
//!
//! Default deny. A talent is published only if consent was given on or
//! before today, expires after today, was not withdrawn, the status is
//! `seeking`, and the profile's audience is part of this build. A story with
//! its own consent block follows the same date rule. Everything else is
//! withheld, and the reason is recorded for the people who publish
//! (`tsunagi check --privacy`), never for the site.

use chrono::NaiveDate;

use super::date::Date;
use super::schema::{Audience, Consent, Status};

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
            WithheldReason::NotYetGiven(_) => "not yet given",
            WithheldReason::Expired(_) => "expired",
            WithheldReason::Withdrawn(_) => "withdrawn",
            WithheldReason::Status(_) => "status",
            WithheldReason::CompaniesOnly => "companies only",
        }
    }
}

/// The date rule alone (used for talents and stories).
pub fn consent_holds(c: &Consent, today: NaiveDate, offset: i32) -> Result<(), WithheldReason> {
    if let Some(w) = c.withdrawn {
        return Err(WithheldReason::Withdrawn(w));
    }
    if c.given.date_in(offset) > today {
        return Err(WithheldReason::NotYetGiven(c.given));
    }
    if c.expires.date_in(offset) <= today {
        return Err(WithheldReason::Expired(c.expires));
    }
    Ok(())
}

/// The full rule for a talent.
pub fn talent_decision(
    c: &Consent,
    status: Status,
    today: NaiveDate,
    offset: i32,
    audience: BuildAudience,
) -> Result<(), WithheldReason> {
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
    /// `Ok(optional fields shown)` or the reason it is withheld.
    pub outcome: Result<Vec<String>, WithheldReason>,
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
            record_id: "C-1".into(),
            given: Date::parse(given).unwrap(),
            expires: Date::parse(expires).unwrap(),
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
        assert!(talent_decision(&c, Status::Seeking, today, JST, BuildAudience::Public).is_ok());
        for s in [Status::Hired, Status::InTrial, Status::Paused] {
            assert_eq!(
                talent_decision(&c, s, today, JST, BuildAudience::Public),
                Err(WithheldReason::Status(s))
            );
        }
        let mut comp = c.clone();
        comp.audience = Audience::Companies;
        assert_eq!(
            talent_decision(&comp, Status::Seeking, today, JST, BuildAudience::Public),
            Err(WithheldReason::CompaniesOnly)
        );
        assert!(
            talent_decision(&comp, Status::Seeking, today, JST, BuildAudience::Companies).is_ok()
        );
    }

    #[test]
    fn summary_counts_reasons() {
        let mk = |id: &str, outcome| TalentDecision {
            id: id.into(),
            file: format!("content/talents/{id}.md"),
            outcome,
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
