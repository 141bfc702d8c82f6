//! Dates as writers write them: `2026-03-08`, `2026-03-08T09:30:00+09:00`,
//! and year-months (`2026-04`) for availability.
//!
//! serde_yaml leaves unquoted dates as strings (YAML 1.2 has no timestamp
//! type), so these types deserialize from strings and fail with a message
//! that shows the expected form; serde_yaml attaches the position.

use std::fmt;

use chrono::{Datelike, FixedOffset, NaiveDate, NaiveTime, TimeZone};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A calendar date, optionally with a time and UTC offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Date {
    /// The calendar date as written (in the writer's offset).
    pub date: NaiveDate,
    /// Time and offset when an RFC 3339 date-time was written.
    pub time: Option<(NaiveTime, FixedOffset)>,
}

impl Date {
    /// Parses `YYYY-MM-DD` or an RFC 3339 date-time.
    pub fn parse(s: &str) -> Option<Date> {
        let s = s.trim();
        if s.len() == 10 {
            return NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .ok()
                .map(|date| Date { date, time: None });
        }
        let dt = chrono::DateTime::parse_from_rfc3339(s).ok()?;
        Some(Date {
            date: dt.date_naive(),
            time: Some((dt.time(), *dt.offset())),
        })
    }

    /// A date without time.
    pub fn from_naive(date: NaiveDate) -> Date {
        Date { date, time: None }
    }

    /// Seconds since the epoch; a date without time is midnight at `offset`.
    pub fn timestamp(&self, site_offset_seconds: i32) -> i64 {
        let (time, offset) = self.time.unwrap_or((
            NaiveTime::MIN,
            FixedOffset::east_opt(site_offset_seconds)
                .unwrap_or_else(|| FixedOffset::east_opt(0).expect("zero offset is valid")),
        ));
        offset
            .from_local_datetime(&self.date.and_time(time))
            .single()
            .map(|dt| dt.timestamp())
            .unwrap_or(0)
    }

    /// The calendar date in the site's time zone.
    pub fn date_in(&self, site_offset_seconds: i32) -> NaiveDate {
        match self.time {
            None => self.date,
            Some(_) => {
                let ts = self.timestamp(site_offset_seconds);
                let off = FixedOffset::east_opt(site_offset_seconds)
                    .unwrap_or_else(|| FixedOffset::east_opt(0).expect("zero offset is valid"));
                off.timestamp_opt(ts, 0)
                    .single()
                    .map(|d| d.date_naive())
                    .unwrap_or(self.date)
            }
        }
    }

    /// RFC 3339 form for feeds and sitemaps (midnight at the site's offset for plain dates).
    pub fn rfc3339(&self, site_offset_seconds: i32) -> String {
        let (time, offset) = self.time.unwrap_or((
            NaiveTime::MIN,
            FixedOffset::east_opt(site_offset_seconds)
                .unwrap_or_else(|| FixedOffset::east_opt(0).expect("zero offset is valid")),
        ));
        match offset
            .from_local_datetime(&self.date.and_time(time))
            .single()
        {
            Some(dt) => dt.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            None => format!("{}T00:00:00Z", self.date),
        }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.time {
            None => write!(f, "{}", self.date.format("%Y-%m-%d")),
            Some((t, o)) => write!(
                f,
                "{}T{}{}",
                self.date.format("%Y-%m-%d"),
                t.format("%H:%M:%S"),
                o
            ),
        }
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // A visitor, so that a bad value fails while serde_yaml still knows
        // where the scalar is (and reports its line and column).
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Date;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a date such as 2026-03-08 or 2026-03-08T09:30:00+09:00")
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Date, E> {
                Date::parse(s).ok_or_else(|| {
                    E::custom(format!(
                        "`{s}` is not a date; expected YYYY-MM-DD (2026-03-08) or an RFC 3339 date-time (2026-03-08T09:30:00+09:00)"
                    ))
                })
            }
        }
        d.deserialize_str(V)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A year and month (`2026-04`), for availability.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct YearMonth {
    /// Year.
    pub year: i32,
    /// Month, 1–12.
    pub month: u32,
}

impl YearMonth {
    /// Parses `YYYY-MM` (a full date is accepted and its day dropped).
    pub fn parse(s: &str) -> Option<YearMonth> {
        let s = s.trim();
        if let Some(d) = Date::parse(s) {
            return Some(YearMonth {
                year: d.date.year(),
                month: d.date.month(),
            });
        }
        let (y, m) = s.split_once('-')?;
        if y.len() != 4 || m.len() != 2 {
            return None;
        }
        let year: i32 = y.parse().ok()?;
        let month: u32 = m.parse().ok()?;
        (1..=12)
            .contains(&month)
            .then_some(YearMonth { year, month })
    }
}

impl fmt::Display for YearMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl<'de> Deserialize<'de> for YearMonth {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = YearMonth;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a year and month such as 2026-04")
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<YearMonth, E> {
                YearMonth::parse(s).ok_or_else(|| {
                    E::custom(format!(
                        "`{s}` is not a year and month; expected YYYY-MM such as 2026-04"
                    ))
                })
            }
        }
        d.deserialize_str(V)
    }
}

impl Serialize for YearMonth {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_dates_and_datetimes() {
        let d = Date::parse("2026-03-08").unwrap();
        assert_eq!(d.to_string(), "2026-03-08");
        assert_eq!(d.rfc3339(9 * 3600), "2026-03-08T00:00:00+09:00");
        let t = Date::parse("2026-03-08T09:30:00+09:00").unwrap();
        assert_eq!(t.to_string(), "2026-03-08T09:30:00+09:00");
        assert!(t.timestamp(0) > d.timestamp(9 * 3600));
        assert!(Date::parse("2026-02-30").is_none());
        assert!(Date::parse("8 March").is_none());
    }

    #[test]
    fn date_in_site_zone_crosses_midnight() {
        // 23:30 UTC on the 7th is the 8th in Tokyo
        let t = Date::parse("2026-03-07T23:30:00Z").unwrap();
        assert_eq!(t.date_in(9 * 3600).to_string(), "2026-03-08");
    }

    #[test]
    fn year_months() {
        assert_eq!(YearMonth::parse("2026-04").unwrap().to_string(), "2026-04");
        assert_eq!(
            YearMonth::parse("2026-04-15").unwrap().to_string(),
            "2026-04"
        );
        assert!(YearMonth::parse("2026-13").is_none());
        assert!(YearMonth::parse("spring").is_none());
    }

    #[test]
    fn deserialize_error_shows_expected_form() {
        let e = serde_yaml::from_str::<Date>("'March 8'").unwrap_err();
        assert!(e.to_string().contains("expected YYYY-MM-DD"), "{e}");
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct S {
            a: u8,
            date: Date,
        }
        let e = serde_yaml::from_str::<S>("a: 1\ndate: 2026/03/08\n").unwrap_err();
        let loc = e.location().expect("located");
        assert_eq!(
            (loc.line(), loc.column()),
            (2, 7),
            "points at the value: {e}"
        );
        assert!(e.to_string().starts_with("date: "), "with its path: {e}");
    }
}
