//! Search: the index files every build writes for the in-browser search
//! (`themes/default/static/search.js`) and the faceted talent directory.
//!
//! The site is static, so search runs in the browser from files written
//! here, under `<language prefix>/search-index/`, one index per language
//! (a talent appears in every language, with that language's headline):
//!
//! ```text
//! manifest.json   small: shard counts, document ranges per kind, version, UI strings
//! t/<n>.bin       term shards: CJK bigrams and words → documents   (see [`index`])
//! o/<n>.bin       occurrence shards: bigram positions in phrases     (see [`index`])
//! p/<n>.bin       phrase shards: phrase text and documents           (see [`index`])
//! d/<n>.bin       document metadata, CHUNK documents per file (JSON): title, URL, kind,
//!                 summary, date, body sentences for excerpts; for talents the facts a card shows
//! f/all.bin       facet columns of every document (kind, tag, date)  (see [`facets`])
//! f/talent.bin    facet columns of the talents
//! ```
//!
//! Every `.bin` file is zlib-compressed at rest (the browser inflates it
//! with `DecompressionStream`), so sizes on disk and on the wire are small
//! whatever the host's compression. A query fetches the manifest once, then
//! only the shards of its own tokens and the metadata of the results shown.
//! Fetch URLs carry `?v=<version>` (a hash of every file), so a rebuilt
//! site is never read through a stale cache.
//!
//! Documents are numbered talents first (newest review first, as the
//! directory lists them), then stories, reports and plain pages: the
//! directory's default order is document order, and the kind of a
//! document is a range.
//!
//! **Privacy.** Only the gated model is read, and only what a page shows:
//! title, headline, skills, desired roles, languages, regions, employment
//! types, education, tags, speakers, summary and body text. `extra`,
//! `origin_region`, `age_band` and custom fields are never indexed, and a
//! withheld talent is not in the model at all.

pub mod encode;
pub mod excerpt;
pub mod facets;
pub mod index;
pub mod tokenize;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;

use crate::content::Kind;
use crate::i18n::{self, Strings};
use crate::names::SEARCH_INDEX_DIR;
use crate::names::Urls;
use crate::output::File;
use crate::site::{Language, Page, PageData, PageId, Site, TaxonomyKind};
use crate::views::ViewBuilder;

use index::{DocText, weight};

/// Documents per metadata file.
pub const CHUNK: usize = 8;

/// Summary length kept in metadata (characters): two lines of an excerpt.
const SUMMARY_CHARS: usize = 100;

/// The folder of a language's index, relative to the output root.
pub fn index_dir(prefix: &str) -> String {
    match prefix.trim_matches('/') {
        "" => format!("{SEARCH_INDEX_DIR}/"),
        p => format!("{p}/{SEARCH_INDEX_DIR}/"),
    }
}

/// Builds the search index of every language.
pub fn build(site: &Site, strings: &BTreeMap<String, Strings>) -> Vec<File> {
    build_cached(site, strings, None)
}

/// What the dev server keeps between builds so that a small change does
/// not redo the whole index: each document's tokens, by a hash of its
/// text, and each compressed file, by a hash of its raw bytes. Both are
/// pure functions of their key, so a build with the cache writes exactly
/// the bytes of a build without one. Entries not used by the latest build
/// are dropped.
#[derive(Debug, Default)]
pub struct SearchCache {
    analysed: HashMap<u128, Arc<index::Analysed>>,
    compressed: HashMap<u128, Arc<Vec<u8>>>,
}

/// [`build`], reusing and refreshing what `cache` holds.
pub fn build_cached(
    site: &Site,
    strings: &BTreeMap<String, Strings>,
    cache: Option<&mut SearchCache>,
) -> Vec<File> {
    let urls = Urls::new(&site.config.base_url);
    let empty = Strings::new();
    let mut out = Vec::new();
    let mut next = SearchCache::default();
    for lang in &site.languages {
        let s = strings.get(&lang.code).unwrap_or(&empty);
        let reuse = cache.as_deref().map(|old| (old, &mut next));
        out.extend(build_language(site, lang, s, &urls, reuse));
    }
    if let Some(c) = cache {
        *c = next;
    }
    out
}

/// The cache key of a document's fields: their text and weights.
fn doc_key(d: &DocText<'_>) -> u128 {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    for (text, w) in &d.fields {
        h.update(&(text.len() as u64).to_le_bytes());
        h.update(text.as_bytes());
        h.update(&w.to_le_bytes());
    }
    h.digest128()
}

/// The documents of a language, in index order.
pub fn documents(lang: &Language) -> Vec<PageId> {
    let mut ids = Vec::new();
    for kind in [Kind::Talent, Kind::Story, Kind::Report] {
        if let Some(s) = lang.section(kind) {
            ids.extend(s.pages.iter().copied());
        }
    }
    ids.extend(lang.pages.iter().copied());
    ids
}

/// What the browser shows of a result (its kind is known from its number).
#[derive(Debug, Serialize)]
struct Meta<'a> {
    u: String,
    t: &'a str,
    #[serde(skip_serializing_if = "String::is_empty")]
    s: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    d: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    dt: Option<String>,
    // talents
    /// The profile number (the shortlist keeps these).
    #[serde(skip_serializing_if = "Option::is_none")]
    i: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    h: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    sk: Vec<std::borrow::Cow<'a, str>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    la: Vec<String>,
    /// Japanese and English levels, as the card's badges.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    b: Vec<String>,
    /// Years of experience, in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    e: Option<String>,
    /// Employment types and remote work, for the shortlist's facts line.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    ty: Vec<String>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    rm: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    r: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    a: Option<String>,
    // reports
    #[serde(skip_serializing_if = "Option::is_none")]
    se: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    n: Option<u32>,
    /// Body sentences for excerpts of word queries (see [`excerpt`]).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    x: Vec<&'a str>,
}

/// The first `n` characters, whitespace (a heading's line break) folded to one space.
fn truncate(s: &str, n: usize) -> String {
    let mut out = String::with_capacity(s.len().min(n * 4));
    let mut chars = 0;
    for word in s.split_whitespace() {
        if !out.is_empty() {
            if chars == n {
                // more follows: the cut falls on the space
                out.push('…');
                return out;
            }
            out.push(' ');
            chars += 1;
        }
        for c in word.chars() {
            if chars == n {
                let kept = out.trim_end().len();
                out.truncate(kept);
                out.push('…');
                return out;
            }
            out.push(c);
            chars += 1;
        }
    }
    out
}

/// A page's metadata, from its card.
fn meta<'a>(vb: &ViewBuilder<'_>, p: &'a Page) -> Meta<'a> {
    let c = vb.card(p);
    let talent = p.kind == Kind::Talent;
    let summary = truncate(c.summary, SUMMARY_CHARS);
    Meta {
        x: excerpt::sentences(&p.body.plain, &summary),
        u: c.url,
        t: c.title,
        s: summary,
        d: c.date_display,
        // the day, in the site's time zone, for <time datetime>
        dt: c.date.map(|d| d.chars().take(10).collect()),
        i: if talent { c.id } else { None },
        h: c.headline,
        sk: if talent {
            c.skills.into_iter().take(6).collect()
        } else {
            Vec::new()
        },
        la: c.languages,
        b: c.badges,
        e: c.experience,
        ty: c.employment_types,
        rm: c.remote_ok,
        r: c.regions,
        a: c.available_from,
        se: c.series,
        n: c.number,
    }
}

/// The published text of a page, field by field.
fn doc_text<'a>(site: &Site, vb: &ViewBuilder<'a>, p: &'a Page) -> DocText<'a> {
    let mut d = DocText::default();
    d.add(p.title.as_str(), weight::TITLE);
    let strings = vb.strings;
    match &p.data {
        PageData::Talent(t) => {
            d.add(
                t.headline.get(&p.lang, site.config.default_language()),
                weight::KEY,
            );
            // as written, and as this language shows it (施工管理 →
            // Construction management on English pages)
            for s in &t.skills {
                d.add(s.name.as_str(), weight::KEY);
                let shown = vb.shown_name(TaxonomyKind::Skills, &s.name);
                if shown != s.name.as_str() {
                    d.add(shown, weight::KEY);
                }
            }
            // through the term: a category written by its name is found by
            // the name of its key in this language (教育 → Education)
            for c in &t.job_categories {
                d.add(
                    vb.term_link(TaxonomyKind::JobCategories, c).name,
                    weight::KEY,
                );
            }
            for x in &t.tags {
                add_tag(&mut d, vb, x);
            }
            // as written (東京都), and as this language shows it (Tokyo)
            for r in &t.regions {
                d.add(r.as_str(), weight::META);
                let shown = i18n::lookup_str(strings, "region_names", r);
                if shown != r {
                    d.add(shown, weight::META);
                }
            }
            for l in &t.languages {
                d.add(language_text(strings, l), weight::META);
            }
            for e in &t.education {
                d.add(e.level.as_str(), weight::META);
                if let Some(f) = &e.field {
                    d.add(f.as_str(), weight::META);
                }
            }
            for e in t.employment_types() {
                d.add(
                    i18n::lookup_str(strings, "employment_type_names", e.as_str()),
                    weight::META,
                );
            }
        }
        PageData::Story(s) => {
            if let Some(x) = &s.summary {
                d.add(x.as_str(), weight::META);
            }
            if let Some(x) = &s.author {
                d.add(x.as_str(), weight::META);
            }
            for x in &s.tags {
                add_tag(&mut d, vb, x);
            }
        }
        PageData::Report(r) => {
            if let Some(x) = &r.summary {
                d.add(x.as_str(), weight::META);
            }
            if let Some(x) = &r.series {
                d.add(vb.term_link(TaxonomyKind::Series, x).name, weight::META);
            }
            if let Some(x) = &r.venue {
                d.add(x.as_str(), weight::META);
            }
            for sp in &r.speakers {
                d.add(sp.name.as_str(), weight::META);
                for x in [&sp.role, &sp.org].into_iter().flatten() {
                    d.add(x.as_str(), weight::META);
                }
            }
            for x in &r.organizations {
                d.add(x.as_str(), weight::META);
            }
            for x in &r.tags {
                add_tag(&mut d, vb, x);
            }
        }
        PageData::Page(pg) => {
            if let Some(x) = &pg.summary {
                d.add(x.as_str(), weight::META);
            }
        }
    }
    d.add(p.body.plain.as_str(), weight::BODY);
    d
}

/// A tag as written (`engineering`) and as this language shows it
/// (`tag_names`: エンジニアリング), when that differs.
fn add_tag<'a>(d: &mut DocText<'a>, vb: &ViewBuilder<'a>, tag: &'a str) {
    d.add(tag, weight::KEY);
    let shown = vb.shown_name(TaxonomyKind::Tags, tag);
    if shown != tag {
        d.add(shown, weight::KEY);
    }
}

/// A language as the profile shows it: `日本語 JLPT N2`.
fn language_text(strings: &Strings, l: &crate::content::LanguageSkill) -> String {
    let name = i18n::lookup(strings, "language_names", &l.code);
    let level = if l.native {
        i18n::string(strings, "native")
    } else if let Some(j) = l.jlpt {
        format!("JLPT {j:?}")
    } else if let Some(c) = l.cefr {
        format!("CEFR {c:?}")
    } else {
        String::new()
    };
    format!("{name} {level}")
}

/// A zlib compressor for index files: libdeflate at level 1. Index files
/// are compressed whole, in memory, which is what libdeflate is made for;
/// on the 10,000-page benchmark's 9.3 MB of index files it takes 47 ms of
/// one core where zlib (zlib-rs) at level 2 took 97 ms, and its output is
/// smaller (4.72 MB against 4.75). The browser inflates the files with
/// `DecompressionStream("deflate")`.
fn compressor() -> libdeflater::Compressor {
    // 1 is within libdeflate's levels (0 stores without compressing)
    libdeflater::Compressor::new(libdeflater::CompressionLvl::new(1).unwrap_or_default())
}

/// Compresses one index file with `c` (see [`compressor`]).
fn compress(c: &mut libdeflater::Compressor, bytes: &[u8]) -> Vec<u8> {
    let mut out = vec![0; c.zlib_compress_bound(bytes.len())];
    let n = c
        .zlib_compress(bytes, &mut out)
        .expect("the buffer has the size libdeflate's bound asks for");
    out.truncate(n);
    // the dev server keeps compressed files between builds: not their bound
    out.shrink_to_fit();
    out
}

/// Interface strings the browser needs, from the theme's `search_*` keys.
fn ui_strings(strings: &Strings) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for (k, v) in strings {
        let keep = k.starts_with("search_")
            || k.starts_with("sort_")
            || matches!(
                k.as_str(),
                "filters"
                    | "skills"
                    | "languages"
                    | "regions"
                    | "employment_types"
                    | "remote"
                    | "available_from"
                    | "desired_roles"
                    | "taxonomy_tags"
                    | "session_number"
                    | "native"
                    | "talent_count"
                    | "list_separator"
                    | "available_now"
                    | "facts_available_from"
                    | "facts_remote_ok"
            );
        if let (true, Some(s)) = (keep, v.as_str()) {
            out.insert(k.clone(), s.to_string());
        }
    }
    out
}

#[derive(Serialize)]
struct Manifest<'a> {
    format: u32,
    version: String,
    lang: &'a str,
    docs: usize,
    kinds: BTreeMap<&'static str, [usize; 2]>,
    terms: usize,
    occs: usize,
    phrases: Vec<u32>,
    phrase_count: u32,
    chunk: usize,
    /// Results per page in the talent directory (site.yaml `paginate`).
    paginate: usize,
    /// The build's month (`2026-12`): the availability filter starts there,
    /// and a link asking for an earlier month means "available now".
    #[serde(skip_serializing_if = "Option::is_none")]
    month: Option<String>,
    ui: BTreeMap<String, String>,
}

fn build_language(
    site: &Site,
    lang: &Language,
    strings: &Strings,
    urls: &Urls,
    // the cache of the last build, and the one this build fills
    cache: Option<(&SearchCache, &mut SearchCache)>,
) -> Vec<File> {
    let (old, next) = cache.unzip();
    let vb = ViewBuilder {
        site,
        lang: &lang.code,
        strings,
        urls,
    };
    let ids = documents(lang);
    let pages: Vec<&Page> = ids.iter().map(|&i| &site.pages[i]).collect();
    let talents = pages.iter().take_while(|p| p.kind == Kind::Talent).count();

    // the index, the facet columns and the metadata are independent: build them
    // side by side, so one's sequential steps fill the other's idle threads
    let ((enc, analysed), ((facets_all, facets_talent), metas)) = rayon::join(
        || {
            let texts: Vec<DocText<'_>> =
                pages.par_iter().map(|p| doc_text(site, &vb, p)).collect();
            match old {
                None => (index::build(&texts, index::Targets::default()), Vec::new()),
                Some(c) => {
                    let analysed: Vec<(u128, Arc<index::Analysed>)> = texts
                        .par_iter()
                        .map(|t| {
                            let k = doc_key(t);
                            let a = c.analysed.get(&k).cloned();
                            (k, a.unwrap_or_else(|| Arc::new(index::analyse(t))))
                        })
                        .collect();
                    let refs: Vec<&index::Analysed> = analysed.iter().map(|(_, a)| &**a).collect();
                    (
                        index::build_from(&refs, index::Targets::default()),
                        analysed,
                    )
                }
            }
        },
        || {
            rayon::join(
                || facets::build(site, &lang.code, strings, &pages, talents),
                || {
                    pages
                        .par_chunks(CHUNK)
                        .map(|c| {
                            let m: Vec<Meta> = c.iter().map(|p| meta(&vb, p)).collect();
                            serde_json::to_vec(&m).unwrap_or_default()
                        })
                        .collect::<Vec<Vec<u8>>>()
                },
            )
        },
    );

    let mut raw: Vec<(String, Vec<u8>)> = Vec::new();
    for (i, b) in enc.terms.into_iter().enumerate() {
        raw.push((format!("t/{i}.bin"), b));
    }
    let occ_count = enc.occs.len();
    for (i, b) in enc.occs.into_iter().enumerate() {
        raw.push((format!("o/{i}.bin"), b));
    }
    let mut firsts = Vec::new();
    for (i, (first, b)) in enc.phrases.into_iter().enumerate() {
        firsts.push(first);
        raw.push((format!("p/{i}.bin"), b));
    }
    let term_count = raw.len() - occ_count - firsts.len();
    for (i, b) in metas.into_iter().enumerate() {
        raw.push((format!("d/{i}.bin"), b));
    }
    raw.push(("f/all.bin".to_string(), facets_all));
    raw.push(("f/talent.bin".to_string(), facets_talent));
    let files: Vec<(String, Arc<Vec<u8>>, u128)> = raw
        .into_par_iter()
        .map_init(compressor, |z, (name, b)| match old {
            None => (name, Arc::new(compress(z, &b)), 0),
            Some(c) => {
                let k = xxhash_rust::xxh3::xxh3_128(&b);
                let cached = c.compressed.get(&k).cloned();
                (name, cached.unwrap_or_else(|| Arc::new(compress(z, &b))), k)
            }
        })
        .collect();
    if let Some(next) = next {
        next.analysed.extend(analysed);
        next.compressed
            .extend(files.iter().map(|(_, z, k)| (*k, z.clone())));
    }

    let mut h = xxhash_rust::xxh3::Xxh3::new();
    for (name, b, _) in &files {
        h.update(name.as_bytes());
        h.update(b);
    }
    let mut kinds = BTreeMap::new();
    let mut start = 0;
    for kind in [Kind::Talent, Kind::Story, Kind::Report, Kind::Page] {
        let n = pages[start..].iter().take_while(|p| p.kind == kind).count();
        kinds.insert(kind.as_str(), [start, start + n]);
        start += n;
    }
    let manifest = Manifest {
        format: 1,
        version: format!("{:016x}", h.digest()),
        lang: &lang.code,
        docs: pages.len(),
        kinds,
        terms: term_count,
        occs: occ_count,
        phrases: firsts,
        phrase_count: enc.phrase_count,
        chunk: CHUNK,
        paginate: site.config.paginate,
        month: site.today.map(|d| d.format("%Y-%m").to_string()),
        ui: ui_strings(strings),
    };
    let dir = index_dir(&lang.prefix);
    let mut out: Vec<File> = files
        .into_iter()
        .map(|(name, b, _)| {
            let b = Arc::try_unwrap(b).unwrap_or_else(|shared| (*shared).clone());
            (format!("{dir}{name}"), b)
        })
        .collect();
    out.push((
        format!("{dir}manifest.json"),
        serde_json::to_vec(&manifest).unwrap_or_default(),
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::truncate;

    #[test]
    fn summaries_are_cut_at_a_character_count_with_whitespace_folded() {
        assert_eq!(truncate("短い紹介です。", 100), "短い紹介です。");
        assert_eq!(truncate("  About\n\nme  ", 100), "About me");
        // exactly n characters: nothing cut
        assert_eq!(truncate("abc def", 7), "abc def");
        // the cut falls on a space: no space before the ellipsis
        assert_eq!(truncate("abc def", 3), "abc…");
        assert_eq!(truncate("abc def", 4), "abc…");
        assert_eq!(truncate("abc def", 5), "abc d…");
        assert_eq!(truncate("自己紹介 / About 一方で", 6), "自己紹介 /…");
        assert_eq!(truncate("ラシードです。日本語N2", 7), "ラシードです。…");
        assert_eq!(truncate("", 5), "");
    }
}
