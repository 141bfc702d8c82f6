//! Facet columns: exact filters from front matter, with counts the browser
//! recomputes for every query.
//!
//! Why columns: counts must cover *every* matching document, not only the
//! ones shown, so the browser needs each document's facet values. A column
//! per facet (document → value ids) is the smallest form that lets it count
//! any result set in one pass, and it is split in two files so each page
//! fetches only its own:
//!
//! * `f/all.bin`, every document: `kind`, `tag`, and `date` for sorting;
//! * `f/talent.bin`, talents only (documents `0..talents`, which come first):
//!   `job`, `skill`, `lang` (language with level), `region`, `type`,
//!   `remote`, `avail` (first month available) and `tag`.
//!
//! Values are keyed as the site's own term pages are (the term slug, so
//! `UI/UX` and `ui/ux` are one value), labelled as pages show them
//! (language codes become names, job categories their site names).
//! Languages carry their level: `ja:N2`, `en:C1`, `fa:native`, grouped by
//! code, so "JLPT N2 or better" is a range the browser evaluates (native
//! counts as the best level of either scale).
//!
//! Only published values reach a column: the model holds nothing else, and
//! `origin_region`, `age_band` and `extra` are not facets.

use std::collections::BTreeMap;

use crate::content::Kind;
use crate::render::i18n::{self, Strings};
use crate::site::{Page, PageData, Site, TaxonomyKind};

use super::index::Buf;

/// How the browser combines selected values of one facet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Any selected value (kind, desired role, region, employment type).
    Any = 0,
    /// Every selected value (skills, tags, languages).
    All = 1,
}

/// One value of a set facet.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Value {
    key: String,
    label: String,
}

/// A multi-valued column: per document, value ids.
#[derive(Debug, Clone)]
struct SetColumn {
    name: &'static str,
    mode: Mode,
    values: Vec<Value>,
    /// (key, label) of groups, for `lang` (`ja` → 日本語).
    groups: Vec<(String, String)>,
    docs: Vec<Vec<u32>>,
}

/// A numeric column (a date in days, a month); `None` when absent.
#[derive(Debug, Clone)]
struct NumColumn {
    name: &'static str,
    /// Labels of the values that occur (months, for the availability select).
    labels: Vec<(i64, String)>,
    docs: Vec<Option<i64>>,
}

/// Collects values in document order, then numbers them by frequency.
#[derive(Default)]
struct SetBuilder {
    keys: BTreeMap<String, (String, usize)>,
    docs: Vec<Vec<String>>,
}

impl SetBuilder {
    fn doc(&mut self, values: Vec<(String, String)>) {
        let mut keys = Vec::new();
        for (k, label) in values {
            if keys.contains(&k) {
                continue;
            }
            let e = self.keys.entry(k.clone()).or_insert((label, 0));
            e.1 += 1;
            keys.push(k);
        }
        self.docs.push(keys);
    }

    /// Values ordered by `order` (count descending, then label, by default).
    fn finish(
        self,
        name: &'static str,
        mode: Mode,
        order: impl Fn(&(String, String, usize), &(String, String, usize)) -> std::cmp::Ordering,
    ) -> SetColumn {
        let mut vals: Vec<(String, String, usize)> =
            self.keys.into_iter().map(|(k, (l, n))| (k, l, n)).collect();
        vals.sort_by(|a, b| order(a, b).then_with(|| a.0.cmp(&b.0)));
        let ids: BTreeMap<&str, u32> = vals
            .iter()
            .enumerate()
            .map(|(i, v)| (v.0.as_str(), i as u32))
            .collect();
        let docs = self
            .docs
            .iter()
            .map(|d| {
                let mut v: Vec<u32> = d
                    .iter()
                    .filter_map(|k| ids.get(k.as_str()).copied())
                    .collect();
                v.sort_unstable();
                v
            })
            .collect();
        SetColumn {
            name,
            mode,
            values: vals
                .into_iter()
                .map(|(key, label, _)| Value { key, label })
                .collect(),
            groups: Vec::new(),
            docs,
        }
    }
}

fn by_count(a: &(String, String, usize), b: &(String, String, usize)) -> std::cmp::Ordering {
    b.2.cmp(&a.2).then_with(|| a.1.cmp(&b.1))
}

/// Terms of `kind` on a page: (slug, label) as the page shows them.
fn terms(
    site: &Site,
    lang: &str,
    strings: &Strings,
    p: &Page,
    kind: TaxonomyKind,
) -> Vec<(String, String)> {
    let Some(tax) = site.language(lang).and_then(|l| l.taxonomy(kind)) else {
        return Vec::new();
    };
    p.terms
        .iter()
        .filter(|(k, _)| *k == kind)
        .filter_map(|(_, id)| tax.terms.get(*id))
        .map(|t| {
            let label = match kind {
                TaxonomyKind::Languages => i18n::lookup(strings, "language_names", &t.name),
                TaxonomyKind::JobCategories => i18n::lookup(strings, "job_category_names", &t.name),
                _ => t.name.clone(),
            };
            (t.slug.clone(), label)
        })
        .collect()
}

/// JLPT N1 … N5 and CEFR A1 … C2 as the browser ranks them.
fn level_key(l: &crate::content::schema::LanguageSkill) -> (String, String) {
    if l.native {
        ("native".into(), String::new())
    } else if let Some(j) = l.jlpt {
        (format!("{j:?}"), format!("JLPT {j:?}"))
    } else if let Some(c) = l.cefr {
        (format!("{c:?}"), format!("CEFR {c:?}"))
    } else {
        ("any".into(), String::new())
    }
}

/// Months since year 0, for availability.
pub fn month_number(ym: crate::content::date::YearMonth) -> i64 {
    ym.year as i64 * 12 + ym.month as i64 - 1
}

/// Builds `(all, talent)` facet files (uncompressed).
pub fn build(
    site: &Site,
    lang: &str,
    strings: &Strings,
    docs: &[&Page],
    talents: usize,
) -> (Vec<u8>, Vec<u8>) {
    let s = |k: &str| i18n::string(strings, k);
    let off = site.config.offset_seconds();

    // every document
    let mut kind = SetBuilder::default();
    let mut tag_all = SetBuilder::default();
    let mut dates = Vec::with_capacity(docs.len());
    for p in docs {
        let (k, label) = kind_label(p.kind, strings);
        kind.doc(vec![(k, label)]);
        tag_all.doc(terms(site, lang, strings, p, TaxonomyKind::Tags));
        dates.push(p.date.map(|d| {
            d.date_in(off)
                .signed_duration_since(chrono::NaiveDate::default())
                .num_days()
        }));
    }
    let kind_order = |a: &(String, String, usize), b: &(String, String, usize)| {
        kind_rank(&a.0).cmp(&kind_rank(&b.0))
    };
    let all = encode(
        &[
            kind.finish("kind", Mode::Any, kind_order),
            tag_all.finish("tag", Mode::All, by_count),
        ],
        &[NumColumn {
            name: "date",
            labels: Vec::new(),
            docs: dates,
        }],
        0,
        docs.len(),
    );

    // talents
    let mut job = SetBuilder::default();
    let mut skill = SetBuilder::default();
    let mut language = SetBuilder::default();
    let mut region = SetBuilder::default();
    let mut etype = SetBuilder::default();
    let mut remote = SetBuilder::default();
    let mut tag = SetBuilder::default();
    let mut avail = Vec::with_capacity(talents);
    let mut groups: BTreeMap<String, String> = BTreeMap::new();
    let mut months: BTreeMap<i64, String> = BTreeMap::new();
    for p in &docs[..talents] {
        let PageData::Talent(t) = &p.data else {
            continue;
        };
        job.doc(terms(site, lang, strings, p, TaxonomyKind::JobCategories));
        skill.doc(terms(site, lang, strings, p, TaxonomyKind::Skills));
        tag.doc(terms(site, lang, strings, p, TaxonomyKind::Tags));
        let mut ls = Vec::new();
        for l in &t.languages {
            let code = crate::slug::term_slug(&l.code);
            groups
                .entry(code.clone())
                .or_insert_with(|| i18n::lookup(strings, "language_names", &l.code));
            let (level, label) = level_key(l);
            let label = if level == "native" {
                s("native")
            } else {
                label
            };
            ls.push((format!("{code}:{level}"), label));
        }
        language.doc(ls);
        region.doc(
            t.regions
                .iter()
                .filter(|r| !r.trim().is_empty())
                .map(|r| (r.trim().to_string(), r.trim().to_string()))
                .collect(),
        );
        etype.doc(
            t.employment_types()
                .iter()
                .map(|e| {
                    (
                        e.as_str().to_string(),
                        i18n::lookup(strings, "employment_type_names", e.as_str()),
                    )
                })
                .collect(),
        );
        let remote_ok = t.availability.as_ref().is_some_and(|a| a.remote_ok);
        remote.doc(if remote_ok {
            vec![("yes".to_string(), s("search_remote_ok"))]
        } else {
            Vec::new()
        });
        let from = t.availability.as_ref().and_then(|a| a.from);
        avail.push(from.map(|ym| {
            let m = month_number(ym);
            months
                .entry(m)
                .or_insert_with(|| i18n::format_year_month(ym, lang));
            m
        }));
    }
    let level_order = |a: &(String, String, usize), b: &(String, String, usize)| {
        let (ca, la) = a.0.split_once(':').unwrap_or((&a.0, ""));
        let (cb, lb) = b.0.split_once(':').unwrap_or((&b.0, ""));
        ca.cmp(cb).then_with(|| level_rank(lb).cmp(&level_rank(la)))
    };
    let mut lang_col = language.finish("lang", Mode::All, level_order);
    lang_col.groups = groups.into_iter().collect();
    let type_order = |a: &(String, String, usize), b: &(String, String, usize)| {
        type_rank(&a.0).cmp(&type_rank(&b.0))
    };
    let talent = encode(
        &[
            job.finish("job", Mode::Any, by_count),
            skill.finish("skill", Mode::All, by_count),
            lang_col,
            region.finish("region", Mode::Any, by_count),
            etype.finish("type", Mode::Any, type_order),
            remote.finish("remote", Mode::All, by_count),
            tag.finish("tag", Mode::All, by_count),
        ],
        &[NumColumn {
            name: "avail",
            labels: months.into_iter().collect(),
            docs: avail,
        }],
        0,
        talents,
    );
    (all, talent)
}

fn kind_label(k: Kind, strings: &Strings) -> (String, String) {
    let key = k.as_str().to_string();
    let label = i18n::string(strings, &format!("search_kind_{key}"));
    (key, label)
}

fn kind_rank(k: &str) -> usize {
    ["talent", "story", "report", "page"]
        .iter()
        .position(|x| *x == k)
        .unwrap_or(9)
}

fn type_rank(k: &str) -> usize {
    ["full_time", "part_time", "contract", "internship"]
        .iter()
        .position(|x| *x == k)
        .unwrap_or(9)
}

/// Higher is better; the browser uses the same ranks.
pub fn level_rank(level: &str) -> i32 {
    match level {
        "native" => 100,
        "N1" => 15,
        "N2" => 14,
        "N3" => 13,
        "N4" => 12,
        "N5" => 11,
        "C2" => 6,
        "C1" => 5,
        "B2" => 4,
        "B1" => 3,
        "A2" => 2,
        "A1" => 1,
        _ => 0,
    }
}

fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

/// Encodes columns covering documents `start..start + count`.
fn encode(sets: &[SetColumn], nums: &[NumColumn], start: usize, count: usize) -> Vec<u8> {
    let mut b = Buf::default();
    b.uint(start as u64);
    b.uint(count as u64);
    b.uint(sets.len() as u64);
    for c in sets {
        b.str(c.name);
        b.uint(c.mode as u64);
        b.uint(c.values.len() as u64);
        for v in &c.values {
            b.str(&v.key);
            b.str(&v.label);
        }
        b.uint(c.groups.len() as u64);
        for (k, l) in &c.groups {
            b.str(k);
            b.str(l);
        }
        // per document: count, then ascending value ids as gaps
        for d in &c.docs {
            b.uint(d.len() as u64);
            let mut prev: Option<u32> = None;
            for &v in d {
                b.uint(match prev {
                    None => v as u64,
                    Some(p) => (v - p - 1) as u64,
                });
                prev = Some(v);
            }
        }
    }
    b.uint(nums.len() as u64);
    for c in nums {
        b.str(c.name);
        b.uint(c.labels.len() as u64);
        for (v, l) in &c.labels {
            b.uint(zigzag(*v));
            b.str(l);
        }
        // 0 = absent, else zigzag(delta from the previous present value) + 1
        let mut prev = 0i64;
        for d in &c.docs {
            match d {
                None => b.uint(0),
                Some(v) => {
                    b.uint(zigzag(v - prev) + 1);
                    prev = *v;
                }
            }
        }
    }
    b.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_numbered_by_frequency_and_deduplicated() {
        let mut b = SetBuilder::default();
        b.doc(vec![
            ("go".into(), "Go".into()),
            ("python".into(), "Python".into()),
        ]);
        b.doc(vec![
            ("python".into(), "Python".into()),
            ("python".into(), "Python".into()),
        ]);
        b.doc(vec![]);
        let c = b.finish("skill", Mode::All, by_count);
        assert_eq!(c.values[0].key, "python");
        assert_eq!(c.values[1].label, "Go");
        assert_eq!(c.docs, vec![vec![0, 1], vec![0], vec![]]);
    }

    #[test]
    fn levels_rank_native_first_then_each_scale() {
        assert!(level_rank("native") > level_rank("N1"));
        assert!(level_rank("N1") > level_rank("N2") && level_rank("N4") > level_rank("N5"));
        assert!(level_rank("C2") > level_rank("C1") && level_rank("B1") > level_rank("A2"));
        assert_eq!(level_rank("any"), 0);
    }

    #[test]
    fn numbers_are_delta_coded() {
        let bytes = encode(
            &[],
            &[NumColumn {
                name: "date",
                labels: vec![(24315, "2026年4月".into())],
                docs: vec![Some(20000), None, Some(19990), Some(19990)],
            }],
            0,
            4,
        );
        let mut r = super::super::index::tests::Reader::new(&bytes);
        assert_eq!((r.uint(), r.uint(), r.uint(), r.uint()), (0, 4, 0, 1));
        assert_eq!(r.str(), "date");
        assert_eq!(r.uint(), 1);
        assert_eq!(
            (r.uint(), r.str()),
            (zigzag(24315), "2026年4月".to_string())
        );
        assert_eq!(r.uint(), zigzag(20000) + 1);
        assert_eq!(r.uint(), 0);
        assert_eq!(r.uint(), zigzag(-10) + 1);
        assert_eq!(r.uint(), 1);
    }
}
