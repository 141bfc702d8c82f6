//! Interface strings and date formats per language.
//!
//! Strings come from the theme's `i18n/<lang>.yaml`, overridden key by key
//! by the site's own `i18n/<lang>.yaml`, and reach templates as `t`. Dates
//! are formatted here because templates should not do calendar arithmetic:
//! `2026年3月8日(日)` in Japanese, `8 March 2026` in English.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate, Weekday};

use crate::content::date::YearMonth;

/// Strings of one language: a YAML mapping (values are strings or mappings).
pub type Strings = BTreeMap<String, serde_yaml::Value>;

/// The names of job categories, series, tags and skills in every
/// language's strings (`job_category_names`, `series_names`, `tag_names`,
/// `skill_names`), for the site model to take a name written where its key
/// was meant as that key.
pub fn term_names(strings: &BTreeMap<String, Strings>) -> crate::site::TermNames {
    use crate::site::TaxonomyKind;
    let mut names = crate::site::TermNames::default();
    for s in strings.values() {
        for (group, kind) in [
            ("job_category_names", TaxonomyKind::JobCategories),
            ("series_names", TaxonomyKind::Series),
            ("tag_names", TaxonomyKind::Tags),
            ("skill_names", TaxonomyKind::Skills),
        ] {
            let Some(serde_yaml::Value::Mapping(m)) = s.get(group) else {
                continue;
            };
            for (k, v) in m {
                if let (Some(k), Some(v)) = (k.as_str(), v.as_str()) {
                    names.add(kind, k, v);
                }
            }
        }
    }
    names
}

/// The group of names of a taxonomy's keys in the strings
/// (`job_category_names` …), for the taxonomies that have one.
pub fn names_group(kind: crate::site::TaxonomyKind) -> Option<&'static str> {
    use crate::site::TaxonomyKind::*;
    match kind {
        Languages => Some("language_names"),
        JobCategories => Some("job_category_names"),
        Series => Some("series_names"),
        Tags => Some("tag_names"),
        Skills => Some("skill_names"),
        Speakers | Organizations => None,
    }
}

/// Merges `over` into `base`, recursively for mappings.
pub fn merge(base: &mut Strings, over: Strings) {
    for (k, v) in over {
        match (base.get_mut(&k), v) {
            (Some(serde_yaml::Value::Mapping(b)), serde_yaml::Value::Mapping(o)) => {
                for (ok, ov) in o {
                    b.insert(ok, ov);
                }
            }
            (_, v) => {
                base.insert(k, v);
            }
        }
    }
}

/// Looks up `group.key` (e.g. `languages.ja`), falling back to `key` itself.
pub fn lookup(strings: &Strings, group: &str, key: &str) -> String {
    lookup_str(strings, group, key).to_string()
}

/// [`lookup`], borrowed.
pub fn lookup_str<'a>(strings: &'a Strings, group: &str, key: &'a str) -> &'a str {
    strings
        .get(group)
        .and_then(|g| g.get(key))
        .and_then(|v| v.as_str())
        .unwrap_or(key)
}

/// A plain string by key.
pub fn string(strings: &Strings, key: &str) -> String {
    strings
        .get(key)
        .and_then(|v| v.as_str())
        .unwrap_or(key)
        .to_string()
}

const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn weekday_ja(w: Weekday) -> &'static str {
    match w {
        Weekday::Mon => "月",
        Weekday::Tue => "火",
        Weekday::Wed => "水",
        Weekday::Thu => "木",
        Weekday::Fri => "金",
        Weekday::Sat => "土",
        Weekday::Sun => "日",
    }
}

/// A full date for readers.
pub fn format_date(d: NaiveDate, lang: &str) -> String {
    match lang {
        "ja" => format!(
            "{}年{}月{}日({})",
            d.year(),
            d.month(),
            d.day(),
            weekday_ja(d.weekday())
        ),
        "en" => format!(
            "{} {} {}",
            d.day(),
            MONTHS_EN[d.month0() as usize],
            d.year()
        ),
        _ => d.format("%Y-%m-%d").to_string(),
    }
}

/// A year and month (talent profiles never show days).
pub fn format_year_month(ym: YearMonth, lang: &str) -> String {
    match lang {
        "ja" => format!("{}年{}月", ym.year, ym.month),
        "en" => format!(
            "{} {}",
            MONTHS_EN[(ym.month.clamp(1, 12) - 1) as usize],
            ym.year
        ),
        _ => ym.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        let d = NaiveDate::from_ymd_opt(2026, 3, 8).unwrap();
        assert_eq!(format_date(d, "ja"), "2026年3月8日(日)");
        assert_eq!(format_date(d, "en"), "8 March 2026");
        assert_eq!(format_date(d, "fr"), "2026-03-08");
        let ym = YearMonth {
            year: 2026,
            month: 4,
        };
        assert_eq!(format_year_month(ym, "ja"), "2026年4月");
        assert_eq!(format_year_month(ym, "en"), "April 2026");
    }

    #[test]
    fn merge_overrides_keys_not_groups() {
        let mut base: Strings = serde_yaml::from_str("a: A\ng: {x: X, y: Y}\n").unwrap();
        let over: Strings = serde_yaml::from_str("a: AA\ng: {y: YY}\n").unwrap();
        merge(&mut base, over);
        assert_eq!(string(&base, "a"), "AA");
        assert_eq!(lookup(&base, "g", "x"), "X");
        assert_eq!(lookup(&base, "g", "y"), "YY");
        assert_eq!(lookup(&base, "g", "z"), "z");
    }
}
