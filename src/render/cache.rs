//! The dev server's render cache: a page is rendered again only when its
//! fingerprint (everything its template reads) changes.

use rayon::prelude::*;
use serde::Serialize;

use super::job::Job;
use super::job::path_in;
use super::plan::{Plan, job_cards, list_paths, site_view};
use super::theme::{REQUIRED_TEMPLATES, Theme};
use super::{Renderer, finish_errors};
use crate::content::Kind;
use crate::error::Result;
use crate::site::{Page, PageData, PageId, Site, TaxonomyKind, urls};
use crate::views::ViewBuilder;

/// Rendered pages kept between builds by the dev server, each with a
/// fingerprint of everything its template reads.
///
/// A page's HTML is a pure function of: the templates it uses, the
/// configuration, the interface strings and site-wide view of its language,
/// the pages it shows (itself, its cards, translations, neighbours) and a
/// few list facts (counts, term names, facets). The fingerprint hashes all
/// of these, with each page represented by a version number that changes
/// whenever the page differs from the previous build (compared field by
/// field, links between pages compared by path), so a page is rendered
/// again exactly when one of its inputs changed.
#[derive(Debug, Default)]
pub struct RenderCache {
    /// Previous pages by path, with their versions.
    snapshot: std::collections::HashMap<String, Snapshot>,
    next_version: u64,
    /// Output file → (fingerprint, bytes).
    jobs: std::collections::HashMap<String, (u64, std::sync::Arc<[u8]>)>,
    /// Pages rendered (not taken from the cache) by the last build.
    pub last_rendered: usize,
}

#[derive(Debug)]
pub(crate) struct Snapshot {
    pub(crate) page: Page,
    pub(crate) links: PageLinks,
    pub(crate) version: u64,
    /// Hash of the page's card (list entry) and its version: lists showing
    /// a page are rendered again only when its card changed.
    pub(crate) card_hash: u64,
    pub(crate) card_version: u64,
}

/// The links of a page to other pages and terms, by path and name rather
/// than by index (indexes shift when pages come and go).
#[derive(Debug, PartialEq)]
pub(crate) struct PageLinks {
    pub(crate) terms: Vec<(TaxonomyKind, String, String)>,
    pub(crate) translations: Vec<String>,
    pub(crate) prev: Option<String>,
    pub(crate) next: Option<String>,
    pub(crate) related: Vec<String>,
}

pub(crate) fn page_links(site: &Site, p: &Page) -> PageLinks {
    let path = |i: &PageId| site.pages[*i].path.clone();
    let lang = site.language(&p.lang);
    PageLinks {
        terms: p
            .terms
            .iter()
            .map(|(k, t)| {
                let term = lang
                    .and_then(|l| l.taxonomy(*k))
                    .and_then(|tax| tax.terms.get(*t));
                (
                    *k,
                    term.map(|t| t.name.clone()).unwrap_or_default(),
                    term.map(|t| t.path.clone()).unwrap_or_default(),
                )
            })
            .collect(),
        translations: p.translations.iter().map(path).collect(),
        prev: p.prev.as_ref().map(path),
        next: p.next.as_ref().map(path),
        related: p.related.iter().map(path).collect(),
    }
}

/// True when two pages render alike wherever they appear (links compared
/// by what they point to). Every field is named, so a new field of
/// [`Page`] cannot be forgotten here.
pub(crate) fn same_page(a: &Page, a_links: &PageLinks, b: &Page, b_links: &PageLinks) -> bool {
    let Page {
        kind,
        lang,
        body_lang,
        path,
        title,
        date,
        sort_key: _, // derived from `date`
        file,
        translation_key,
        body,
        data,
        terms: _,
        translations: _,
        noindex,
        prev: _,
        next: _,
        related: _,
    } = a;
    *kind == b.kind
        && *lang == b.lang
        && *body_lang == b.body_lang
        && *path == b.path
        && *title == b.title
        && *date == b.date
        && *file == b.file
        && *translation_key == b.translation_key
        && *noindex == b.noindex
        && *data == b.data
        && (std::sync::Arc::ptr_eq(body, &b.body) || **body == *b.body)
        && a_links == b_links
}

pub(crate) struct Fingerprint(xxhash_rust::xxh3::Xxh3);

impl Fingerprint {
    fn new() -> Fingerprint {
        Fingerprint(xxhash_rust::xxh3::Xxh3::new())
    }
    fn str(&mut self, s: &str) -> &mut Self {
        self.0.update(&(s.len() as u64).to_le_bytes());
        self.0.update(s.as_bytes());
        self
    }
    fn num(&mut self, n: u64) -> &mut Self {
        self.0.update(&n.to_le_bytes());
        self
    }
    fn value<T: Serialize + ?Sized>(&mut self, v: &T) -> &mut Self {
        struct W<'a>(&'a mut xxhash_rust::xxh3::Xxh3);
        impl std::io::Write for W<'_> {
            fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
                self.0.update(b);
                Ok(b.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        // serialising plain data into a hasher cannot fail; if it ever did,
        // the partial hash still differs from a complete one of other data
        let _ = serde_json::to_writer(W(&mut self.0), v);
        self.num(0xff)
    }
    fn finish(&self) -> u64 {
        self.0.digest()
    }
}

/// Names of the templates `name` uses (itself, what it extends, includes
/// or imports, transitively), found by their quoted names in the text: a
/// superset, which can only cause extra rendering, never a stale page.
pub(crate) fn template_closure<'t>(theme: &'t Theme, name: &'t str) -> Vec<&'t str> {
    let mut seen: Vec<&str> = vec![name];
    let mut i = 0;
    while i < seen.len() {
        if let Some((_, text)) = theme.templates.get(seen[i]) {
            for other in theme.templates.keys() {
                if !seen.contains(&other.as_str())
                    && (text.contains(&format!("\"{other}\""))
                        || text.contains(&format!("'{other}'")))
                {
                    seen.push(other);
                }
            }
        }
        i += 1;
    }
    seen.sort();
    seen
}

pub(crate) fn job_template(site: &Site, job: &Job) -> &'static str {
    match job {
        Job::Home => "index.html",
        Job::Search => "search.html",
        Job::NotFound => "404.html",
        Job::List { kind, .. } if *kind == Kind::Talent => "talents.html",
        Job::List { .. } => "section.html",
        Job::TaxonomyIndex(_) => "taxonomy.html",
        Job::Term { .. } => "term.html",
        Job::Doc(id) => match &site.pages[*id].data {
            PageData::Talent(_) => "talent.html",
            PageData::Story(_) => "story.html",
            PageData::Report(_) => "report.html",
            PageData::Page(_) => "page.html",
        },
    }
}

/// [`render_site`](super::render_site) for the dev server: renders only the pages whose inputs
/// changed since the last call and takes the others from `cache`. The files
/// are the same as `render_site`'s.
pub fn render_site_cached(
    site: &Site,
    renderer: &Renderer,
    cache: &mut RenderCache,
) -> Result<Vec<(String, std::sync::Arc<[u8]>)>> {
    let plan = Plan::new(site, renderer);
    // 1. page versions: unchanged pages keep theirs
    let links: Vec<PageLinks> = site.pages.par_iter().map(|p| page_links(site, p)).collect();
    let verdicts: Vec<Option<u64>> = site
        .pages
        .par_iter()
        .zip(links.par_iter())
        .map(|(p, l)| {
            cache
                .snapshot
                .get(&p.path)
                .filter(|s| same_page(&s.page, &s.links, p, l))
                .map(|s| s.version)
        })
        .collect();
    let mut old = std::mem::take(&mut cache.snapshot);
    let mut versions = Vec::with_capacity(site.pages.len());
    let mut card_versions = Vec::with_capacity(site.pages.len());
    for ((p, l), v) in site.pages.iter().zip(links).zip(verdicts) {
        let snap = match v.and_then(|_| old.remove(&p.path)) {
            Some(s) => s,
            None => {
                // a changed or new page: its card may still be the same
                let card_hash = plan
                    .langs
                    .iter()
                    .find(|(lang, _)| lang.code == p.lang)
                    .map(|(lang, strings)| {
                        let vb = ViewBuilder {
                            site,
                            lang: &lang.code,
                            strings,
                            urls: &plan.urls,
                        };
                        Fingerprint::new().value(&vb.card(p)).finish()
                    })
                    .unwrap_or(0);
                cache.next_version += 1;
                let card_version = match old.get(&p.path) {
                    Some(s) if s.card_hash == card_hash => s.card_version,
                    _ => cache.next_version,
                };
                Snapshot {
                    page: p.clone(),
                    links: l,
                    version: cache.next_version,
                    card_hash,
                    card_version,
                }
            }
        };
        versions.push(snap.version);
        card_versions.push(snap.card_version);
        cache.snapshot.insert(p.path.clone(), snap);
    }
    // 2. what every language's pages share
    let config_fp = Fingerprint::new()
        .str(&format!("{:?}", site.config))
        .finish();
    let lang_fps: Vec<u64> = plan
        .langs
        .iter()
        .map(|(lang, strings)| {
            let mut f = Fingerprint::new();
            f.num(config_fp)
                .value(&site_view(site, lang, strings, &plan.urls))
                .value(*strings)
                .str(&lang.code)
                .str(&lang.prefix);
            for l in &site.languages {
                f.str(&l.code).str(&l.prefix);
            }
            f.value(&lang.home_title).str(&lang.home_intro_html);
            for s in &lang.sections {
                f.value(&s.title)
                    .value(&s.description)
                    .str(&s.intro_html)
                    .str(&s.path)
                    .num(s.pages.len() as u64)
                    .num(s.noindex as u64);
            }
            f.finish()
        })
        .collect();
    let mut template_fps: std::collections::HashMap<&str, u64> = std::collections::HashMap::new();
    for name in REQUIRED_TEMPLATES.iter().copied() {
        let mut f = Fingerprint::new();
        for t in template_closure(&renderer.theme, name) {
            f.str(t);
            if let Some((file, text)) = renderer.theme.templates.get(t) {
                f.str(file).str(text);
            }
        }
        template_fps.insert(name, f.finish());
    }
    // facts of lists, per language
    let term_fp = |f: &mut Fingerprint, t: &crate::site::Term| {
        f.str(&t.name)
            .str(&t.path)
            .str(&t.slug)
            .num(t.pages.len() as u64)
            .num(t.has_talents as u64);
    };
    let facet_fps: Vec<u64> = plan
        .langs
        .iter()
        .map(|(lang, _)| {
            let mut f = Fingerprint::new();
            for tax in &lang.taxonomies {
                f.num(tax.kind as u64).str(&tax.path);
                for t in &tax.terms {
                    term_fp(&mut f, t);
                    let talents = t
                        .pages
                        .iter()
                        .filter(|&&i| site.pages[i].kind == Kind::Talent)
                        .count();
                    f.num(talents as u64);
                }
            }
            f.finish()
        })
        .collect();
    // which list pages each language has: a list page links its versions in
    // the other languages only where they exist
    let all_list_paths: Vec<std::collections::HashSet<String>> = plan
        .langs
        .iter()
        .map(|(lang, _)| list_paths(site, lang))
        .collect();
    // 3. one fingerprint per job
    let fps: Vec<(String, u64)> = plan
        .jobs
        .par_iter()
        .map(|(li, job)| {
            let lang = plan.langs[*li].0;
            let mut f = Fingerprint::new();
            f.num(lang_fps[*li])
                .num(
                    template_fps
                        .get(job_template(site, job))
                        .copied()
                        .unwrap_or(0),
                )
                .str(&match job {
                    // indexes shift when pages or terms come and go; the
                    // output path (below) names the page instead
                    Job::Doc(_) => "doc".to_string(),
                    Job::Term { kind, page, .. } => format!("term:{kind:?}:{page}"),
                    other => format!("{other:?}"),
                });
            let path = match job {
                Job::Home => format!("{}/", lang.prefix),
                Job::Search => {
                    // its suggestions: the most used terms
                    f.num(facet_fps[*li]);
                    format!("{}/search/", lang.prefix)
                }
                Job::NotFound => "/404.html".to_string(),
                Job::List { kind, page } => {
                    let section = lang.section(*kind);
                    let base = section.map(|s| s.path.clone()).unwrap_or_default();
                    if *kind == Kind::Talent {
                        f.num(facet_fps[*li]);
                    }
                    urls::paginated(&base, *page)
                }
                Job::TaxonomyIndex(kind) => {
                    let tax = lang.taxonomy(*kind);
                    if let Some(tax) = tax {
                        f.str(&tax.path);
                        for t in &tax.terms {
                            term_fp(&mut f, t);
                        }
                    }
                    tax.map(|t| t.path.clone()).unwrap_or_default()
                }
                Job::Term { kind, term, page } => {
                    let tax = lang.taxonomy(*kind);
                    let t = tax.and_then(|tax| tax.terms.get(*term));
                    if let (Some(tax), Some(t)) = (tax, t) {
                        f.str(&tax.path);
                        term_fp(&mut f, t);
                    }
                    t.map(|t| urls::paginated(&t.path, *page))
                        .unwrap_or_default()
                }
                Job::Doc(id) => {
                    let p = &site.pages[*id];
                    f.str(&p.path).num(versions[*id]);
                    for &t in &p.translations {
                        f.str(&site.pages[t].path)
                            .str(&site.pages[t].lang)
                            .num(versions[t]);
                    }
                    p.path.clone()
                }
            };
            for id in job_cards(site, lang, job) {
                f.str(&site.pages[id].path).num(card_versions[id]);
            }
            if !matches!(job, Job::Doc(_)) {
                for (other, paths) in plan.langs.iter().zip(&all_list_paths) {
                    let there = path_in(&path, &lang.prefix, &other.0.prefix);
                    f.num(paths.contains(&there) as u64);
                }
            }
            let file = urls::output_file(&path);
            f.str(&file);
            (file, f.finish())
        })
        .collect();
    // 4. render what changed
    let stale: Vec<usize> = fps
        .iter()
        .enumerate()
        .filter(|(_, (file, fp))| cache.jobs.get(file).is_none_or(|(old, _)| old != fp))
        .map(|(j, _)| j)
        .collect();
    let (rendered, errors) = plan.render(site, renderer, &stale);
    cache.last_rendered = rendered.len();
    let mut fresh: std::collections::HashMap<usize, std::sync::Arc<[u8]>> = rendered
        .into_iter()
        .map(|(j, (_, bytes))| (j, bytes))
        .collect();
    let mut old_jobs = std::mem::take(&mut cache.jobs);
    let mut files = Vec::with_capacity(fps.len());
    for (j, (file, fp)) in fps.into_iter().enumerate() {
        let bytes = match fresh.remove(&j) {
            Some(b) => b,
            None => match old_jobs.remove(&file) {
                Some((old_fp, b)) if old_fp == fp => b,
                // failed to render: reported below, never cached
                _ => continue,
            },
        };
        cache.jobs.insert(file.clone(), (fp, bytes.clone()));
        files.push((file, bytes));
    }
    finish_errors(errors)?;
    Ok(files)
}
