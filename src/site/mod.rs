//! The site model: pages in one vector, addressed by [`PageId`]; sections,
//! taxonomies and series hold ids, not references or copies.
//!
//! Building the model renders each document's Markdown (in parallel) with
//! links resolved to final URLs, assigns URLs, groups pages into sections
//! and terms in one pass, sorts them, and links translations, series
//! neighbours and the stories that feature a talent.
//!
//! * `model`: the types (pages, sections, languages, the site);
//! * `docs`: what each kind of gated content becomes before it is a page;
//! * `markdown_cache`: rendered Markdown kept between the dev server's builds;
//! * `urls`, `taxonomy`, `edit` (the dev server's in-place edits) and `lint`
//!   (near-duplicate terms).

mod docs;
pub mod edit;
pub mod lint;
mod markdown_cache;
mod model;
pub mod taxonomy;
pub mod urls;

use docs::{Doc, page_doc, report_doc, story_doc, talent_docs};
pub use markdown_cache::MarkdownCache;
use markdown_cache::{MarkdownEntry, RenderedDoc, share};
pub use model::*;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::Config;
use crate::content::date::Date;
use crate::content::{self, Content, Kind};
use crate::error::{Diagnostic, Result};
use crate::markdown::{self, Resolved};

pub use taxonomy::{Taxonomy, TaxonomyKind, Term, TermId, TermNames};

pub use urls::RESERVED_ROOTS;

impl Site {
    /// Builds the model from gated content; `names` are the theme's names
    /// of job categories and series (see [`TermNames`]).
    pub fn build(content: Content, config: Arc<Config>, names: &TermNames) -> Result<Site> {
        Site::build_inner(content, config, names, None)
    }

    /// [`Site::build`], reusing the rendered Markdown of unchanged documents
    /// from `cache` (the dev server). The result is the same as `build`'s.
    pub fn build_cached(
        content: Content,
        config: Arc<Config>,
        names: &TermNames,
        cache: &mut MarkdownCache,
    ) -> Result<Site> {
        Site::build_inner(content, config, names, Some(cache))
    }

    fn build_inner(
        mut content: Content,
        config: Arc<Config>,
        names: &TermNames,
        cache: Option<&mut MarkdownCache>,
    ) -> Result<Site> {
        let default_lang = config.default_language().to_string();
        let root = std::mem::take(&mut content.root);
        let today = content.privacy.today;
        let mut docs: Vec<Doc> = Vec::new();
        for t in content.talents {
            docs.extend(talent_docs(Arc::new(t), &config.languages, &default_lang));
        }
        docs.extend(content.stories.into_iter().map(story_doc));
        docs.extend(content.reports.into_iter().map(report_doc));
        docs.extend(content.pages.into_iter().map(page_doc));

        // URLs first: Markdown links resolve to them.
        let paths: Vec<String> = docs.iter().map(|d| d.path(&default_lang)).collect();
        // content path → [(lang, doc index)], to link the reader's language when it exists
        let mut by_content: HashMap<String, Vec<(String, usize)>> = HashMap::new();
        let mut by_key: HashMap<(String, String), usize> = HashMap::new();
        for (i, d) in docs.iter().enumerate() {
            by_content
                .entry(d.source.content_path.clone())
                .or_default()
                .push((d.source.lang.clone(), i));
            by_key.insert((d.source.translation_key.clone(), d.source.lang.clone()), i);
        }
        let unpublished = &content.unpublished;
        let base_path = base_path(&config.base_url);
        let raw_html = config.markdown.raw_html;

        let known = cache.as_deref().map(|c| &c.entries);
        let rendered: Vec<(RenderedDoc, Option<MarkdownEntry>)> = docs
            .par_iter()
            .zip(paths.par_iter())
            .map(|(d, path)| {
                let lang = d.source.lang.as_str();
                let resolve = |target: &str| -> Resolved {
                    if let Some(list) = by_content.get(target) {
                        // same document: prefer the reader's language
                        let pick = list
                            .iter()
                            .find(|(l, _)| l == lang)
                            .or_else(|| list.first());
                        if let Some((_, i)) = pick {
                            // a link to a translation key in the reader's language
                            let key = &docs[*i].source.translation_key;
                            let i = by_key
                                .get(&(key.clone(), lang.to_string()))
                                .copied()
                                .unwrap_or(*i);
                            return Resolved::Url(paths[i].clone());
                        }
                    }
                    if unpublished.contains_key(target) {
                        return Resolved::Unpublished;
                    }
                    Resolved::Missing
                };
                let opts = markdown::Options {
                    raw_html,
                    base_path: &base_path,
                    page_path: path,
                    first_line: d.source.body_line,
                };
                let Some(known) = known else {
                    return (
                        share(markdown::render(&d.source.body, &opts, &resolve)),
                        None,
                    );
                };
                let body_hash = xxhash_rust::xxh3::xxh3_64(d.source.body.as_bytes());
                let key = (d.source.path.clone(), d.source.lang.clone());
                if let Some(e) = known.get(&key)
                    && e.body_hash == body_hash
                    && e.body_len == d.source.body.len()
                    && e.first_line == d.source.body_line
                    && e.page_path == *path
                    && e.base_path == base_path
                    && e.raw_html == raw_html
                    && e.resolutions.iter().all(|(t, r)| resolve(t) == *r)
                {
                    return ((e.body.clone(), e.problems.clone(), e.links.clone()), None);
                }
                let seen = std::cell::RefCell::new(Vec::new());
                let recording = |target: &str| -> Resolved {
                    let r = resolve(target);
                    seen.borrow_mut().push((target.to_string(), r.clone()));
                    r
                };
                let (body, problems, links) =
                    share(markdown::render(&d.source.body, &opts, &recording));
                let entry = MarkdownEntry {
                    body_hash,
                    body_len: d.source.body.len(),
                    first_line: d.source.body_line,
                    page_path: path.clone(),
                    base_path: base_path.clone(),
                    raw_html,
                    resolutions: seen.into_inner(),
                    body: body.clone(),
                    problems: problems.clone(),
                    links: links.clone(),
                };
                ((body, problems, links), Some(entry))
            })
            .collect();
        let rendered: Vec<RenderedDoc> = match cache {
            None => rendered.into_iter().map(|(r, _)| r).collect(),
            Some(cache) => {
                let mut old = std::mem::take(&mut cache.entries);
                cache.last_rendered = 0;
                let mut out = Vec::with_capacity(rendered.len());
                for (d, (r, fresh)) in docs.iter().zip(rendered) {
                    let key = (d.source.path.clone(), d.source.lang.clone());
                    let entry = match fresh {
                        Some(e) => {
                            cache.last_rendered += 1;
                            Some(e)
                        }
                        None => old.remove(&key),
                    };
                    if let Some(e) = entry {
                        cache.entries.insert(key, e);
                    }
                    out.push(r);
                }
                out
            }
        };

        let mut diags: Vec<Diagnostic> = Vec::new();
        let mut warnings = content.warnings;
        let mut pages: Vec<Page> = Vec::with_capacity(docs.len());
        let offset = config.offset_seconds();
        let mut link_checks = Vec::new();
        for (i, ((d, path), (body, problems, links))) in
            docs.into_iter().zip(paths).zip(rendered).enumerate()
        {
            for p in problems {
                let diag = if p.error {
                    Diagnostic::error(d.source.path.clone(), Some(p.line), p.message)
                } else {
                    Diagnostic::warning(d.source.path.clone(), Some(p.line), p.message)
                };
                let diag = diag.at_column(Some(p.column));
                // talents render once per language: report once
                if !(d.kind == Kind::Talent && d.source.lang != default_lang) {
                    if diag.is_error() {
                        diags.push(diag)
                    } else {
                        warnings.push(diag)
                    }
                }
            }
            for l in links {
                link_checks.push((i, l));
            }
            pages.push(Page {
                kind: d.kind,
                lang: d.source.lang.clone(),
                body_lang: d.body_lang.clone(),
                path,
                title: d.title,
                sort_key: d.date.map(|x| x.timestamp(offset)),
                date: d.date,
                file: d.source.path.clone(),
                translation_key: d.source.translation_key.clone(),
                body,
                noindex: d.kind == Kind::Talent,
                data: d.data,
                terms: Vec::new(),
                translations: Vec::new(),
                prev: None,
                next: None,
                related: Vec::new(),
            });
        }

        // two pages on one URL (a page slug against a section, say)
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for (i, p) in pages.iter().enumerate() {
            if let Some(&j) = seen.get(p.path.as_str()) {
                diags.push(Diagnostic::error(
                    p.file.clone(),
                    None,
                    format!(
                        "two pages with one URL {}: {} is published there too",
                        p.path, pages[j].file
                    ),
                ));
            } else {
                seen.insert(&p.path, i);
            }
        }

        let section_indexes = content.sections;
        let mut languages = Vec::new();
        for lang in &config.languages {
            languages.push(build_language(
                lang,
                &default_lang,
                &mut pages,
                &section_indexes,
                &base_path,
                raw_html,
                names,
                &mut diags,
            ));
        }
        link_translations(&mut pages);
        link_related(&mut pages);
        warnings.extend(lint::near_duplicates(&pages, names, &root));

        let mut assets = content.assets;
        assets.sort_by(|a, b| a.output.cmp(&b.output));
        Ok(Site {
            config,
            pages,
            languages,
            images: content.images,
            assets,
            link_checks,
            warnings,
            errors: diags,
            today,
        })
    }

    /// The language entry of `code`.
    pub fn language(&self, code: &str) -> Option<&Language> {
        self.languages.iter().find(|l| l.code == code)
    }
}

pub use crate::names::base_path;

/// Sort key: newest first by date; undated last; then by path for stability.
fn newest_first(pages: &[Page], ids: &mut [PageId]) {
    ids.sort_by(|&a, &b| {
        let (pa, pb) = (&pages[a], &pages[b]);
        let ka = pa.sort_key;
        let kb = pb.sort_key;
        kb.cmp(&ka)
            .then_with(|| report_number(pb).cmp(&report_number(pa)))
            .then_with(|| pa.path.cmp(&pb.path))
    });
}

fn report_number(p: &Page) -> Option<u32> {
    match &p.data {
        PageData::Report(r) => r.number,
        _ => None,
    }
}

#[allow(clippy::too_many_arguments)]
fn build_language(
    lang: &str,
    default_lang: &str,
    pages: &mut [Page],
    indexes: &[content::SectionIndex],
    base_path: &str,
    raw_html: bool,
    names: &TermNames,
    diags: &mut Vec<Diagnostic>,
) -> Language {
    let prefix = urls::lang_prefix(lang, default_lang);
    let ids: Vec<PageId> = (0..pages.len())
        .filter(|&i| pages[i].lang == lang)
        .collect();

    let intro = |section: Option<Kind>,
                 diags: &mut Vec<Diagnostic>|
     -> (Option<String>, Option<String>, String) {
        let idx = indexes
            .iter()
            .find(|s| s.section == section && s.source.lang == lang)
            .or_else(|| {
                indexes
                    .iter()
                    .find(|s| s.section == section && s.source.lang == default_lang)
            });
        match idx {
            None => (None, None, String::new()),
            Some(s) => {
                let path = match section.and_then(Kind::section) {
                    Some(sec) => format!("{prefix}/{sec}/"),
                    None => format!("{prefix}/"),
                };
                let opts = markdown::Options {
                    raw_html,
                    base_path,
                    page_path: &path,
                    first_line: s.source.body_line,
                };
                let r = markdown::render(&s.source.body, &opts, &|_| Resolved::Missing);
                for p in r.problems.iter().filter(|p| p.error) {
                    if lang == default_lang {
                        diags.push(
                            Diagnostic::error(
                                s.source.path.clone(),
                                Some(p.line),
                                format!(
                                    "{} (links in _index.md must be root-relative paths)",
                                    p.message
                                ),
                            )
                            .at_column(Some(p.column)),
                        );
                    }
                }
                (s.title.clone(), s.description.clone(), r.html)
            }
        }
    };

    let mut sections = Vec::new();
    for kind in [Kind::Talent, Kind::Story, Kind::Report] {
        let mut members: Vec<PageId> = ids
            .iter()
            .copied()
            .filter(|&i| pages[i].kind == kind)
            .collect();
        if kind == Kind::Talent {
            // by last review, newest first; then id
            members.sort_by(|&a, &b| {
                let (pa, pb) = (&pages[a], &pages[b]);
                pb.sort_key
                    .cmp(&pa.sort_key)
                    .then_with(|| pa.path.cmp(&pb.path))
            });
        } else {
            newest_first(pages, &mut members);
        }
        let (title, description, intro_html) = intro(Some(kind), diags);
        sections.push(Section {
            kind,
            path: format!("{prefix}/{}/", kind.section().unwrap_or_default()),
            title,
            description,
            intro_html,
            pages: members,
            noindex: kind == Kind::Talent,
        });
    }
    let (home_title, _, home_intro_html) = intro(None, diags);

    // Taxonomies in one pass over this language's pages in file order, so
    // the "first spelling" of a term is the one in the first file and does
    // not change when a profile is reviewed or a story is added.
    let mut builders: BTreeMap<TaxonomyKind, taxonomy::Builder> = BTreeMap::new();
    let mut ordered: Vec<PageId> = sections
        .iter()
        .flat_map(|s| s.pages.iter().copied())
        .collect();
    ordered.sort_by(|&a, &b| (pages[a].kind, &pages[a].file).cmp(&(pages[b].kind, &pages[b].file)));
    let mut page_terms: Vec<(PageId, TaxonomyKind, TermId)> = Vec::new();
    for &id in &ordered {
        let p = &pages[id];
        let is_talent = p.kind == Kind::Talent;
        let mut add = |kind: TaxonomyKind, name: &str| {
            if let Some(t) = builders
                .entry(kind)
                .or_default()
                .add(&prefix, kind, names, name, id, is_talent)
            {
                page_terms.push((id, kind, t));
            }
        };
        match &p.data {
            PageData::Talent(t) => {
                t.tags.iter().for_each(|x| add(TaxonomyKind::Tags, x));
                t.skills
                    .iter()
                    .for_each(|s| add(TaxonomyKind::Skills, &s.name));
                t.languages
                    .iter()
                    .for_each(|l| add(TaxonomyKind::Languages, &l.code));
                t.job_categories
                    .iter()
                    .for_each(|x| add(TaxonomyKind::JobCategories, x));
            }
            PageData::Story(s) => s.tags.iter().for_each(|x| add(TaxonomyKind::Tags, x)),
            PageData::Report(r) => {
                r.tags.iter().for_each(|x| add(TaxonomyKind::Tags, x));
                if let Some(s) = &r.series {
                    add(TaxonomyKind::Series, s);
                }
                r.speakers
                    .iter()
                    .for_each(|s| add(TaxonomyKind::Speakers, &s.name));
                r.organizations
                    .iter()
                    .for_each(|o| add(TaxonomyKind::Organizations, o));
                r.speakers
                    .iter()
                    .filter_map(|s| s.org.as_deref())
                    .for_each(|o| add(TaxonomyKind::Organizations, o));
            }
            PageData::Page(_) => {}
        }
    }
    let mut taxonomies = Vec::new();
    let mut remaps: BTreeMap<TaxonomyKind, Vec<TermId>> = BTreeMap::new();
    for kind in TaxonomyKind::ALL {
        let b = builders.remove(&kind).unwrap_or_default();
        let (mut tax, remap) = b.finish(kind, lang, &prefix);
        for term in &mut tax.terms {
            if kind == TaxonomyKind::Series {
                term.pages.sort_by(|&a, &b| {
                    report_number(&pages[a])
                        .cmp(&report_number(&pages[b]))
                        .then_with(|| pages[a].sort_key.cmp(&pages[b].sort_key))
                });
            } else {
                newest_first(pages, &mut term.pages);
            }
        }
        remaps.insert(kind, remap);
        taxonomies.push(tax);
    }
    for (id, kind, t) in page_terms {
        let new = remaps[&kind][t];
        let terms = &mut pages[id].terms;
        if !terms.contains(&(kind, new)) {
            terms.push((kind, new));
        }
    }
    // series neighbours
    if let Some(series) = taxonomies.iter().find(|t| t.kind == TaxonomyKind::Series) {
        for term in &series.terms {
            for w in term.pages.windows(2) {
                pages[w[0]].next = Some(w[1]);
                pages[w[1]].prev = Some(w[0]);
            }
        }
    }
    let mut plain: Vec<PageId> = ids
        .iter()
        .copied()
        .filter(|&i| pages[i].kind == Kind::Page)
        .collect();
    plain.sort_by(|&a, &b| pages[a].path.cmp(&pages[b].path));
    Language {
        code: lang.to_string(),
        prefix,
        home_title,
        home_intro_html,
        sections,
        taxonomies,
        pages: plain,
    }
}

fn link_translations(pages: &mut [Page]) {
    let mut groups: BTreeMap<(Kind, &str), Vec<PageId>> = BTreeMap::new();
    for (i, p) in pages.iter().enumerate() {
        groups
            .entry((p.kind, p.translation_key.as_str()))
            .or_default()
            .push(i);
    }
    let groups: Vec<Vec<PageId>> = groups.into_values().filter(|g| g.len() > 1).collect();
    for g in groups {
        for &i in &g {
            pages[i].translations = g.iter().copied().filter(|&j| j != i).collect();
        }
    }
}

fn link_related(pages: &mut [Page]) {
    // talent id + lang → page
    let mut talents: HashMap<(String, String), PageId> = HashMap::new();
    for (i, p) in pages.iter().enumerate() {
        if let PageData::Talent(t) = &p.data {
            talents.insert((t.id.to_ascii_lowercase(), p.lang.clone()), i);
        }
    }
    let mut links = Vec::new();
    for (i, p) in pages.iter().enumerate() {
        if let PageData::Story(s) = &p.data
            && let Some(id) = &s.talent
            && let Some(&t) = talents.get(&(id.to_ascii_lowercase(), p.lang.clone()))
        {
            links.push((i, t));
        }
    }
    for (story, talent) in links {
        pages[story].related.push(talent);
        pages[talent].related.push(story);
    }
    for p in pages.iter_mut() {
        p.related.sort();
        p.related.dedup();
    }
}

/// The date a page is considered updated (for feeds and sitemaps).
pub fn updated(p: &Page) -> Option<Date> {
    p.date
}
