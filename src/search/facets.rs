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

use std::borrow::Cow;
use std::collections::BTreeMap;

use crate::content::Kind;
use crate::i18n::{self, Strings};
use crate::site::{Page, PageData, Site, Taxonomy, TaxonomyKind};

use super::encode::{Buf, FxMap};

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
/// Keys are borrowed from the model where they can be, and a label is made
/// only the first time its value is met.
#[derive(Default)]
struct SetBuilder<'a> {
    ids: FxMap<Cow<'a, str>, u32>,
    /// (key, label, documents), in order first met.
    vals: Vec<Val<'a>>,
    /// Value ids of every document, one after the other; `ends[d]` closes document d.
    flat: Vec<u32>,
    ends: Vec<usize>,
}

type Val<'a> = (Cow<'a, str>, String, usize);

impl<'a> SetBuilder<'a> {
    fn add(&mut self, key: Cow<'a, str>, label: impl FnOnce() -> String) {
        let next = self.vals.len() as u32;
        let id = match self.ids.get(&key) {
            Some(&id) => id,
            None => {
                self.vals.push((key.clone(), label(), 0));
                self.ids.insert(key, next);
                next
            }
        };
        let start = self.ends.last().copied().unwrap_or(0);
        if !self.flat[start..].contains(&id) {
            self.flat.push(id);
            self.vals[id as usize].2 += 1;
        }
    }

    fn end_doc(&mut self) {
        self.ends.push(self.flat.len());
    }

    /// Values ordered by `order` (count descending, then label, by default).
    fn finish(
        self,
        name: &'static str,
        mode: Mode,
        order: impl Fn(&Val<'a>, &Val<'a>) -> std::cmp::Ordering,
    ) -> SetColumn {
        let mut perm: Vec<usize> = (0..self.vals.len()).collect();
        perm.sort_by(|&a, &b| {
            let (x, y) = (&self.vals[a], &self.vals[b]);
            order(x, y).then_with(|| x.0.cmp(&y.0))
        });
        let mut new_id = vec![0u32; perm.len()];
        for (new, &old) in perm.iter().enumerate() {
            new_id[old] = new as u32;
        }
        let mut docs = Vec::with_capacity(self.ends.len());
        let mut start = 0;
        for &end in &self.ends {
            let mut v: Vec<u32> = self.flat[start..end]
                .iter()
                .map(|&i| new_id[i as usize])
                .collect();
            v.sort_unstable();
            docs.push(v);
            start = end;
        }
        let mut vals: Vec<Option<Val<'a>>> = self.vals.into_iter().map(Some).collect();
        SetColumn {
            name,
            mode,
            values: perm
                .iter()
                .filter_map(|&i| vals[i].take())
                .map(|(key, label, _)| Value {
                    key: key.into_owned(),
                    label,
                })
                .collect(),
            groups: Vec::new(),
            docs,
        }
    }
}

fn by_count(a: &Val<'_>, b: &Val<'_>) -> std::cmp::Ordering {
    b.2.cmp(&a.2).then_with(|| a.1.cmp(&b.1))
}

/// Adds the terms of `kind` on a page: keyed by slug, labelled as the page shows them.
fn add_terms<'a>(
    b: &mut SetBuilder<'a>,
    tax: Option<&'a Taxonomy>,
    strings: &Strings,
    p: &Page,
    kind: TaxonomyKind,
) {
    let Some(tax) = tax else {
        return;
    };
    for t in p
        .terms
        .iter()
        .filter(|(k, _)| *k == kind)
        .filter_map(|(_, id)| tax.terms.get(*id))
    {
        b.add(Cow::Borrowed(t.slug.as_str()), || {
            match i18n::names_group(kind) {
                Some(group) => i18n::lookup(strings, group, &t.name),
                None => t.name.clone(),
            }
        });
    }
}

/// JLPT N1 … N5 and CEFR A1 … C2 as the browser ranks them.
fn level_key(l: &crate::content::LanguageSkill) -> (String, String) {
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

/// Builds `(all, talent)` facet files (uncompressed), the two in parallel.
pub fn build(
    site: &Site,
    lang: &str,
    strings: &Strings,
    docs: &[&Page],
    talents: usize,
) -> (Vec<u8>, Vec<u8>) {
    let language = site.language(lang);
    let tax = |k: TaxonomyKind| language.and_then(|l| l.taxonomy(k));
    rayon::join(
        || all_file(site, strings, docs, tax(TaxonomyKind::Tags)),
        || {
            let talents = &docs[..talents.min(docs.len())];
            talent_file(lang, strings, talents, &tax, site.today)
        },
    )
}

fn all_file(site: &Site, strings: &Strings, docs: &[&Page], tags: Option<&Taxonomy>) -> Vec<u8> {
    let off = site.config.offset_seconds();
    let mut kind = SetBuilder::default();
    let mut tag_all = SetBuilder::default();
    let mut dates = Vec::with_capacity(docs.len());
    for p in docs {
        kind.add(Cow::Borrowed(p.kind.as_str()), || {
            kind_label(p.kind, strings)
        });
        kind.end_doc();
        add_terms(&mut tag_all, tags, strings, p, TaxonomyKind::Tags);
        tag_all.end_doc();
        dates.push(p.date.map(|d| {
            d.date_in(off)
                .signed_duration_since(chrono::NaiveDate::default())
                .num_days()
        }));
    }
    let kind_order = |a: &Val<'_>, b: &Val<'_>| kind_rank(&a.0).cmp(&kind_rank(&b.0));
    encode(
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
    )
}

fn talent_file<'a>(
    lang: &str,
    strings: &Strings,
    docs: &[&'a Page],
    tax: &(dyn Fn(TaxonomyKind) -> Option<&'a Taxonomy> + Sync),
    today: Option<chrono::NaiveDate>,
) -> Vec<u8> {
    // The availability filter starts at the build's month: a start month that
    // has come counts as this month, labelled 即日可 / Available now (the site
    // is rebuilt daily), so the select never offers a month already past.
    let now = today.map(|d| {
        use chrono::Datelike;
        month_number(crate::content::date::YearMonth {
            year: d.year(),
            month: d.month(),
        })
    });
    let s = |k: &str| i18n::string(strings, k);
    let talents: Vec<Option<&crate::content::Talent>> = docs
        .iter()
        .map(|p| match &p.data {
            PageData::Talent(t) => Some(t.as_ref()),
            _ => None,
        })
        .collect();
    // three passes over the talents, in parallel: terms, languages, the rest
    let terms = || {
        let mut cols: Vec<SetBuilder<'a>> = (0..3).map(|_| SetBuilder::default()).collect();
        let kinds = [
            TaxonomyKind::JobCategories,
            TaxonomyKind::Skills,
            TaxonomyKind::Tags,
        ];
        for (p, t) in docs.iter().zip(&talents) {
            for (b, kind) in cols.iter_mut().zip(kinds) {
                if t.is_some() {
                    add_terms(b, tax(kind), strings, p, kind);
                }
                b.end_doc();
            }
        }
        let mut it = cols.into_iter();
        let mut next = || it.next().unwrap_or_default();
        let (job, skill, tag) = (next(), next(), next());
        (
            job.finish("job", Mode::Any, by_count),
            skill.finish("skill", Mode::All, by_count),
            tag.finish("tag", Mode::All, by_count),
        )
    };
    let languages = || {
        let mut language = SetBuilder::default();
        let mut groups: BTreeMap<String, String> = BTreeMap::new();
        for t in &talents {
            for l in t.iter().flat_map(|t| &t.languages) {
                let code = crate::slug::term_slug(&l.code);
                if !groups.contains_key(&code) {
                    let name = i18n::lookup(strings, "language_names", &l.code);
                    groups.insert(code.clone(), name);
                }
                let (level, label) = level_key(l);
                let key = format!("{code}:{level}");
                language.add(Cow::Owned(key), || {
                    if level == "native" {
                        s("native")
                    } else {
                        label
                    }
                });
            }
            language.end_doc();
        }
        let level_order = |a: &Val<'_>, b: &Val<'_>| {
            let (ca, la) = a.0.split_once(':').unwrap_or((&a.0, ""));
            let (cb, lb) = b.0.split_once(':').unwrap_or((&b.0, ""));
            ca.cmp(cb).then_with(|| level_rank(lb).cmp(&level_rank(la)))
        };
        let mut col = language.finish("lang", Mode::All, level_order);
        col.groups = groups.into_iter().collect();
        col
    };
    let rest = || {
        let mut region = SetBuilder::default();
        let mut etype = SetBuilder::default();
        let mut remote = SetBuilder::default();
        let mut avail = Vec::with_capacity(docs.len());
        let mut months: BTreeMap<i64, String> = BTreeMap::new();
        for t in &talents {
            if let Some(t) = t {
                for r in &t.regions {
                    let r = r.trim();
                    if !r.is_empty() {
                        region.add(Cow::Borrowed(r), || {
                            i18n::lookup(strings, "region_names", r)
                        });
                    }
                }
                for e in t.employment_types() {
                    etype.add(Cow::Borrowed(e.as_str()), || {
                        i18n::lookup(strings, "employment_type_names", e.as_str())
                    });
                }
                if t.availability.as_ref().is_some_and(|a| a.remote_ok) {
                    remote.add(Cow::Borrowed("yes"), || s("search_remote_ok"));
                }
            }
            for b in [&mut region, &mut etype, &mut remote] {
                b.end_doc();
            }
            let from = t.and_then(|t| t.availability.as_ref()).and_then(|a| a.from);
            avail.push(from.map(|ym| {
                let m = month_number(ym);
                match now {
                    Some(now) if m <= now => now,
                    _ => {
                        months
                            .entry(m)
                            .or_insert_with(|| i18n::format_year_month(ym, lang));
                        m
                    }
                }
            }));
        }
        // the first option, whoever it holds, once any profile gives a month
        if let Some(now) = now.filter(|_| avail.iter().any(Option::is_some)) {
            months.insert(now, s("available_now"));
        }
        let type_order = |a: &Val<'_>, b: &Val<'_>| type_rank(&a.0).cmp(&type_rank(&b.0));
        (
            region.finish("region", Mode::Any, by_count),
            etype.finish("type", Mode::Any, type_order),
            remote.finish("remote", Mode::All, by_count),
            NumColumn {
                name: "avail",
                labels: months.into_iter().collect(),
                docs: avail,
            },
        )
    };
    let (((job, skill, tag), lang_col), (region, etype, remote, avail)) =
        rayon::join(|| rayon::join(terms, languages), rest);
    encode(
        &[job, skill, lang_col, region, etype, remote, tag],
        &[avail],
        0,
        docs.len(),
    )
}

fn kind_label(k: Kind, strings: &Strings) -> String {
    i18n::string(strings, &format!("search_kind_{}", k.as_str()))
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
        b.add("go".into(), || "Go".into());
        b.add("python".into(), || "Python".into());
        b.end_doc();
        b.add("python".into(), || "Python".into());
        b.add("python".into(), || unreachable!("labelled once"));
        b.end_doc();
        b.end_doc();
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
        let mut r = super::super::encode::Reader::new(&bytes);
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
