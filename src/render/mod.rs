//! Rendering: the site model through Tera templates into files in memory.
//!
//! Every output page is a job; jobs render in parallel (rayon) against one
//! Tera instance that parsed the templates once. Jobs get contexts made of
//! view structs ([`views`]), never the model. Nothing here touches the disk:
//! the result is a list of files for the output stage.

pub mod i18n;
pub mod meta;
pub mod theme;
pub mod views;

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Tera, Value};

use crate::content::Kind;
use crate::error::{Diagnostic, Diagnostics, Error, Result};
use crate::site::{Page, PageData, PageId, Site, TaxonomyKind, urls};
use theme::{REQUIRED_TEMPLATES, Theme};
use views::{Alternate, Link, NavItem, SiteView, TermLink, Urls, ViewBuilder};

/// A generated file: output path (relative, `/`-separated) and bytes.
pub type File = (String, Vec<u8>);

/// `robots` meta content for pages about people.
pub const NOINDEX: &str = "noindex, noarchive, noimageindex";

/// Parsed templates and the theme's files.
pub struct Renderer {
    tera: Tera,
    theme: Theme,
}

impl Renderer {
    /// Parses all templates of `theme`.
    pub fn new(theme: Theme) -> Result<Renderer> {
        let mut tera = Tera::new();
        tera.autoescape_on([".html", ".xml"]);
        let pairs: Vec<(&str, &str)> = theme
            .templates
            .iter()
            .map(|(n, (_, t))| (n.as_str(), t.as_str()))
            .collect();
        tera.add_raw_templates(pairs)
            .map_err(|e| Error::site(template_error(&theme, &e, None)))?;
        Ok(Renderer { tera, theme })
    }

    /// The theme (for its static files and strings).
    pub fn theme(&self) -> &Theme {
        &self.theme
    }
}

/// Converts a Tera error into a diagnostic in the template's file.
fn template_error(theme: &Theme, e: &tera::Error, rendering: Option<&str>) -> Diagnostic {
    let during = rendering
        .map(|p| format!(" (while rendering {p})"))
        .unwrap_or_default();
    match e.kind() {
        tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => {
            let file = theme
                .templates
                .get(r.filename())
                .map(|(f, _)| f.clone())
                .unwrap_or_else(|| r.filename().to_string());
            let text = theme
                .templates
                .get(r.filename())
                .map(|(_, t)| t.as_str())
                .unwrap_or("");
            Diagnostic::error(
                file,
                Some(r.span().start_line),
                format!("template error: {}{during}", r.message()),
            )
            .at_column(Some(r.span().start_col + 1))
            .with_source(text)
        }
        tera::ErrorKind::MissingParent { current, parent } => {
            let file = theme
                .templates
                .get(current)
                .map(|(f, _)| f.clone())
                .unwrap_or_else(|| current.clone());
            let line = theme.templates.get(current).and_then(|(_, t)| {
                t.lines()
                    .position(|l| l.contains(parent.as_str()))
                    .map(|i| i + 1)
            });
            Diagnostic::error(
                file,
                line,
                format!(
                    "missing template `{parent}`: `{current}` extends it, but no theme or site template has that name"
                ),
            )
        }
        tera::ErrorKind::TemplateNotFound(name) => {
            let user = theme
                .templates
                .iter()
                .find(|(_, (_, t))| t.contains(&format!("\"{name}\"")));
            match user {
                Some((_, (file, text))) => {
                    let line = text
                        .lines()
                        .position(|l| l.contains(&format!("\"{name}\"")))
                        .map(|i| i + 1);
                    Diagnostic::error(file.clone(), line, format!("missing template `{name}`: no theme or site template has that name{during}")).with_source(text)
                }
                None => Diagnostic::error(
                    "templates",
                    None,
                    format!("missing template `{name}`{during}"),
                ),
            }
        }
        _ if missing_template_name(&e.to_string()).is_some() => {
            let msg = e.to_string();
            let name = missing_template_name(&msg).unwrap_or_default();
            let quoted = format!("\"{name}\"");
            match theme
                .templates
                .iter()
                .find(|(_, (_, t))| t.contains(&quoted))
            {
                Some((_, (file, text))) => {
                    let line = text
                        .lines()
                        .position(|l| l.contains(&quoted))
                        .map(|i| i + 1);
                    Diagnostic::error(file.clone(), line, format!("missing template `{name}`: no theme or site template has that name{during}")).with_source(text)
                }
                None => Diagnostic::error(
                    "templates",
                    None,
                    format!("missing template `{name}`{during}"),
                ),
            }
        }
        _ => {
            let mut msg = e.to_string();
            let mut src = std::error::Error::source(e);
            while let Some(s) = src {
                msg.push_str(&format!(": {s}"));
                src = s.source();
            }
            Diagnostic::error("templates", None, format!("template error: {msg}{during}"))
        }
    }
}

/// The name in Tera's "Unknown template `x`" message.
fn missing_template_name(msg: &str) -> Option<String> {
    let rest = msg.split("Unknown template `").nth(1)?;
    Some(rest.split('`').next()?.to_string())
}

#[derive(Debug, Clone)]
enum Job {
    Home,
    Doc(PageId),
    List {
        kind: Kind,
        page: usize,
    },
    TaxonomyIndex(TaxonomyKind),
    Term {
        kind: TaxonomyKind,
        term: usize,
        page: usize,
    },
    Search,
    NotFound,
}

struct LangCtx<'a> {
    /// Paths of the generated (non-document) pages of this language.
    list_paths: std::collections::HashSet<String>,
    vb: ViewBuilder<'a>,
    site_view: Value,
    strings_value: Value,
    cards: Vec<Value>,
    lang: &'a crate::site::Language,
}

/// Renders every HTML page of `site`.
pub fn render_site(site: &Site, renderer: &Renderer) -> Result<Vec<File>> {
    let plan = Plan::new(site, renderer);
    let all: Vec<usize> = (0..plan.jobs.len()).collect();
    let (files, errors) = plan.render(site, renderer, &all);
    finish_errors(errors)?;
    Ok(files.into_iter().map(|(_, f)| f).collect())
}

fn finish_errors(mut errors: Vec<Diagnostic>) -> Result<()> {
    if !errors.is_empty() {
        errors.sort();
        errors.dedup_by(|a, b| {
            a.file == b.file
                && a.line == b.line
                && a.message.split(" (while").next() == b.message.split(" (while").next()
        });
        return Err(Error::Site(Diagnostics(errors)));
    }
    Ok(())
}

/// The jobs of a site and what each reads, before anything is rendered.
struct Plan<'a> {
    urls: Urls,
    langs: Vec<(&'a crate::site::Language, &'a i18n::Strings)>,
    jobs: Vec<(usize, Job)>,
}

static EMPTY_STRINGS: std::sync::LazyLock<i18n::Strings> =
    std::sync::LazyLock::new(i18n::Strings::new);

impl<'a> Plan<'a> {
    fn new(site: &'a Site, renderer: &'a Renderer) -> Plan<'a> {
        let langs: Vec<_> = site
            .languages
            .iter()
            .map(|lang| {
                let strings = renderer
                    .theme
                    .strings
                    .get(&lang.code)
                    .unwrap_or(&EMPTY_STRINGS);
                (lang, strings)
            })
            .collect();
        let mut jobs: Vec<(usize, Job)> = Vec::new();
        for (li, (lang, _)) in langs.iter().enumerate() {
            let per = site.config.paginate;
            jobs.push((li, Job::Home));
            jobs.push((li, Job::Search));
            for s in &lang.sections {
                let n = s.pages.len().div_ceil(per).max(1);
                jobs.extend((1..=n).map(|page| (li, Job::List { kind: s.kind, page })));
            }
            for t in &lang.taxonomies {
                if t.terms.is_empty() {
                    continue;
                }
                jobs.push((li, Job::TaxonomyIndex(t.kind)));
                for (ti, term) in t.terms.iter().enumerate() {
                    let n = term.pages.len().div_ceil(per).max(1);
                    jobs.extend((1..=n).map(|page| {
                        (
                            li,
                            Job::Term {
                                kind: t.kind,
                                term: ti,
                                page,
                            },
                        )
                    }));
                }
            }
        }
        for (i, p) in site.pages.iter().enumerate() {
            if let Some(li) = langs.iter().position(|(l, _)| l.code == p.lang) {
                jobs.push((li, Job::Doc(i)));
            }
        }
        jobs.push((0, Job::NotFound));
        Plan {
            urls: Urls::new(&site.config.base_url),
            langs,
            jobs,
        }
    }

    /// Renders the jobs at `selected` (indexes into `jobs`). Cards (list
    /// entries) are made only for the pages those jobs show.
    fn render(
        &self,
        site: &Site,
        renderer: &Renderer,
        selected: &[usize],
    ) -> (Vec<(usize, File)>, Vec<Diagnostic>) {
        let mut needed = vec![false; site.pages.len()];
        for &j in selected {
            let (li, job) = &self.jobs[j];
            for id in job_cards(site, self.langs[*li].0, job) {
                needed[id] = true;
            }
        }
        let mut langs = Vec::new();
        for &(lang, strings) in &self.langs {
            let vb = ViewBuilder {
                site,
                lang: &lang.code,
                strings,
                urls: &self.urls,
            };
            let cards: Vec<Value> = site
                .pages
                .par_iter()
                .zip(needed.par_iter())
                .map(|(p, &needed)| {
                    if needed && p.lang == lang.code {
                        Value::from_serializable(&vb.card(p))
                    } else {
                        Value::none()
                    }
                })
                .collect();
            langs.push(LangCtx {
                list_paths: list_paths(site, lang),
                site_view: Value::from_serializable(&site_view(site, lang, strings, &self.urls)),
                strings_value: Value::from_serializable(strings),
                vb,
                cards,
                lang,
            });
        }
        let results: Vec<(usize, std::result::Result<File, Diagnostic>)> = selected
            .par_iter()
            .map(|&j| {
                let (li, job) = &self.jobs[j];
                (j, render_job(site, renderer, &langs[*li], &langs, job))
            })
            .collect();
        let mut files = Vec::with_capacity(results.len());
        let mut errors = Vec::new();
        for (j, r) in results {
            match r {
                Ok(f) => files.push((j, f)),
                Err(d) => errors.push(d),
            }
        }
        (files, errors)
    }
}

/// The pages whose cards (list entries) a job shows. Keep in step with
/// [`render_job`]: a card missing here renders as nothing, which the
/// fixture tests catch.
fn job_cards(site: &Site, lang: &crate::site::Language, job: &Job) -> Vec<PageId> {
    let per = site.config.paginate;
    let slice = |ids: &[PageId], page: usize| -> Vec<PageId> {
        let start = ((page - 1) * per).min(ids.len());
        let end = (start + per).min(ids.len());
        ids[start..end].to_vec()
    };
    match job {
        Job::Home => {
            let take = |k: Kind, n: usize| -> Vec<PageId> {
                lang.section(k)
                    .map(|s| s.pages.iter().take(n).copied().collect())
                    .unwrap_or_default()
            };
            let mut v = take(Kind::Talent, 6);
            v.extend(take(Kind::Story, 4));
            v.extend(take(Kind::Report, 4));
            v
        }
        Job::Search | Job::NotFound | Job::TaxonomyIndex(_) => Vec::new(),
        Job::List { kind, page } => lang
            .section(*kind)
            .map(|s| slice(&s.pages, *page))
            .unwrap_or_default(),
        Job::Term { kind, term, page } => lang
            .taxonomy(*kind)
            .and_then(|t| t.terms.get(*term))
            .map(|t| slice(&t.pages, *page))
            .unwrap_or_default(),
        Job::Doc(id) => {
            let p = &site.pages[*id];
            let mut v = p.related.clone();
            v.extend(p.prev);
            v.extend(p.next);
            v
        }
    }
}

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
struct Snapshot {
    page: Page,
    links: PageLinks,
    version: u64,
    /// Hash of the page's card (list entry) and its version: lists showing
    /// a page are rendered again only when its card changed.
    card_hash: u64,
    card_version: u64,
}

/// The links of a page to other pages and terms, by path and name rather
/// than by index (indexes shift when pages come and go).
#[derive(Debug, PartialEq)]
struct PageLinks {
    terms: Vec<(TaxonomyKind, String, String)>,
    translations: Vec<String>,
    prev: Option<String>,
    next: Option<String>,
    related: Vec<String>,
}

fn page_links(site: &Site, p: &Page) -> PageLinks {
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
fn same_page(a: &Page, a_links: &PageLinks, b: &Page, b_links: &PageLinks) -> bool {
    let Page {
        kind,
        lang,
        body_lang,
        path,
        title,
        date,
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
        && *body == b.body
        && a_links == b_links
}

struct Fingerprint(xxhash_rust::xxh3::Xxh3);

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
fn template_closure<'t>(theme: &'t Theme, name: &'t str) -> Vec<&'t str> {
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

fn job_template(site: &Site, job: &Job) -> &'static str {
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

/// [`render_site`] for the dev server: renders only the pages whose inputs
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
                Job::Search => format!("{}/search/", lang.prefix),
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
        .map(|(j, (_, bytes))| (j, bytes.into()))
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

/// Every generated page of a language that is not a document: home, search,
/// section and term pages (all their pages), taxonomy indexes.
fn list_paths(site: &Site, lang: &crate::site::Language) -> std::collections::HashSet<String> {
    let per = site.config.paginate;
    let mut set = std::collections::HashSet::new();
    set.insert(format!("{}/", lang.prefix));
    set.insert(format!("{}/search/", lang.prefix));
    for s in &lang.sections {
        for n in 1..=s.pages.len().div_ceil(per).max(1) {
            set.insert(urls::paginated(&s.path, n));
        }
    }
    for t in lang.taxonomies.iter().filter(|t| !t.terms.is_empty()) {
        set.insert(t.path.clone());
        for term in &t.terms {
            for n in 1..=term.pages.len().div_ceil(per).max(1) {
                set.insert(urls::paginated(&term.path, n));
            }
        }
    }
    set
}

fn site_view(
    site: &Site,
    lang: &crate::site::Language,
    strings: &i18n::Strings,
    urls: &Urls,
) -> SiteView {
    let p = &lang.prefix;
    let s = |k: &str| i18n::string(strings, k);
    let mut nav = vec![
        NavItem {
            key: "talents".into(),
            name: s("nav_talents"),
            url: urls.url(&format!("{p}/talents/")),
        },
        NavItem {
            key: "stories".into(),
            name: s("nav_stories"),
            url: urls.url(&format!("{p}/stories/")),
        },
        NavItem {
            key: "reports".into(),
            name: s("nav_reports"),
            url: urls.url(&format!("{p}/reports/")),
        },
    ];
    nav.push(NavItem {
        key: "search".into(),
        name: s("nav_search"),
        url: urls.url(&format!("{p}/search/")),
    });
    SiteView {
        title: site.config.title.clone(),
        description: site.config.description.clone(),
        base_url: site.config.base_url.clone(),
        base_path: crate::site::base_path(&site.config.base_url),
        lang: lang.code.clone(),
        default_lang: site.config.default_language().to_string(),
        home_url: urls.url(&format!("{p}/")),
        search_url: urls.url(&format!("{p}/search/")),
        feed_url: urls.url(&format!("{p}/atom.xml")),
        contact_url: site.config.contact_url.clone(),
        nav,
        footer_pages: lang
            .pages
            .iter()
            .map(|&i| Link {
                name: site.pages[i].title.clone(),
                url: urls.url(&site.pages[i].path),
            })
            .collect(),
        extra: site.config.extra.clone(),
        generator: format!("tsunagi {}", env!("CARGO_PKG_VERSION")),
    }
}

#[derive(Serialize)]
struct Common<'a> {
    title: String,
    description: String,
    current_url: String,
    permalink: String,
    robots: Option<&'static str>,
    alternates: Vec<Alternate>,
    current_section: &'a str,
    live_reload: bool,
}

fn alternates(
    site: &Site,
    langs: &[LangCtx<'_>],
    current: &str,
    path_for: &dyn Fn(&LangCtx<'_>) -> Option<String>,
) -> Vec<Alternate> {
    if site.languages.len() < 2 {
        return Vec::new();
    }
    langs
        .iter()
        .map(|l| {
            let (path, available) = match path_for(l) {
                Some(p) => (p, true),
                None => (format!("{}/", l.lang.prefix), false),
            };
            Alternate {
                lang: l.lang.code.clone(),
                name: i18n::string(l.vb.strings, "language_self_name"),
                permalink: l.vb.urls.permalink(&path),
                url: l.vb.urls.url(&path),
                current: l.lang.code == current,
                available,
            }
        })
        .collect()
}

/// Replaces the language prefix of a path: `/en/talents/` → `/talents/`.
fn path_in(path: &str, from_prefix: &str, to_prefix: &str) -> String {
    let rest = path.strip_prefix(from_prefix).unwrap_or(path);
    format!("{to_prefix}{rest}")
}

fn render_job(
    site: &Site,
    r: &Renderer,
    l: &LangCtx<'_>,
    langs: &[LangCtx<'_>],
    job: &Job,
) -> std::result::Result<File, Diagnostic> {
    let vb = &l.vb;
    let prefix = &l.lang.prefix;
    let s = |k: &str| i18n::string(vb.strings, k);
    let mut ctx = Context::new();
    ctx.insert_value("site", l.site_view.clone());
    ctx.insert_value("t", l.strings_value.clone());
    ctx.insert("lang", &l.lang.code);
    ctx.insert("meta", &meta::Meta::default());
    // the same list in another language, when that language has it (a term
    // used only by Japanese pages has no English page)
    let same_path_everywhere = |path: &str| {
        let path = path.to_string();
        let from = prefix.clone();
        move |o: &LangCtx<'_>| {
            let other = path_in(&path, &from, &o.lang.prefix);
            o.list_paths.contains(&other).then_some(other)
        }
    };
    let (template, path, common): (&str, String, Common<'_>) = match job {
        Job::Home => {
            let path = format!("{prefix}/");
            let take = |k: Kind, n: usize| -> Vec<Value> {
                l.lang
                    .section(k)
                    .map(|s| {
                        s.pages
                            .iter()
                            .take(n)
                            .map(|&i| l.cards[i].clone())
                            .collect()
                    })
                    .unwrap_or_default()
            };
            ctx.insert(
                "home",
                &HomeView {
                    title: l.lang.home_title.clone(),
                    intro: &l.lang.home_intro_html,
                    talents_url: vb.urls.url(&format!("{prefix}/talents/")),
                    talent_count: l.lang.section(Kind::Talent).map_or(0, |s| s.pages.len()),
                },
            );
            ctx.insert("latest_stories", &take(Kind::Story, 4));
            ctx.insert("latest_reports", &take(Kind::Report, 4));
            ctx.insert("featured_talents", &take(Kind::Talent, 6));
            ctx.insert("meta", &meta::home(site, vb.urls, &l.lang.code, &path));
            let c = Common {
                title: site.config.title.clone(),
                description: site.config.description.clone(),
                current_url: vb.urls.url(&path),
                permalink: vb.urls.permalink(&path),
                robots: None,
                alternates: alternates(site, langs, &l.lang.code, &same_path_everywhere(&path)),
                current_section: "home",
                live_reload: false,
            };
            ("index.html", path, c)
        }
        Job::Search => {
            let path = format!("{prefix}/search/");
            ctx.insert(
                "search",
                &SearchView {
                    index_url: vb.urls.url(&format!("{prefix}/search-index/")),
                },
            );
            let c = Common {
                title: format!("{} | {}", s("search_title"), site.config.title),
                description: site.config.description.clone(),
                current_url: vb.urls.url(&path),
                permalink: vb.urls.permalink(&path),
                robots: None,
                alternates: alternates(site, langs, &l.lang.code, &same_path_everywhere(&path)),
                current_section: "search",
                live_reload: false,
            };
            ("search.html", path, c)
        }
        Job::NotFound => {
            ctx.insert("home_url", &vb.urls.url("/"));
            let c = Common {
                title: format!("{} | {}", s("not_found_title"), site.config.title),
                description: String::new(),
                current_url: vb.urls.url("/404.html"),
                permalink: vb.urls.permalink("/404.html"),
                robots: Some("noindex"),
                alternates: Vec::new(),
                current_section: "404",
                live_reload: false,
            };
            ("404.html", "/404.html".to_string(), c)
        }
        Job::List { kind, page } => {
            let section = l
                .lang
                .section(*kind)
                .ok_or_else(|| Diagnostic::error("templates", None, "internal: missing section"))?;
            let path = urls::paginated(&section.path, *page);
            let key = kind.section().unwrap_or_default();
            let title = section
                .title
                .clone()
                .unwrap_or_else(|| s(&format!("section_{key}")));
            ctx.insert(
                "section",
                &SectionView {
                    kind: *kind,
                    title: title.clone(),
                    description: section.description.clone(),
                    intro: &section.intro_html,
                    url: vb.urls.url(&section.path),
                },
            );
            ctx.insert(
                "paginator",
                &vb.paginator(
                    &section.path,
                    &section.pages,
                    *page,
                    site.config.paginate,
                    &l.cards,
                ),
            );
            if *kind == Kind::Talent {
                ctx.insert("facets", &facets(vb, l.lang));
            }
            let c = Common {
                title: page_title(&title, *page, &s("page_n"), &site.config.title),
                description: section
                    .description
                    .clone()
                    .unwrap_or_else(|| site.config.description.clone()),
                current_url: vb.urls.url(&path),
                permalink: vb.urls.permalink(&path),
                robots: section.noindex.then_some(NOINDEX),
                alternates: alternates(site, langs, &l.lang.code, &same_path_everywhere(&path)),
                current_section: key,
                live_reload: false,
            };
            (
                if *kind == Kind::Talent {
                    "talents.html"
                } else {
                    "section.html"
                },
                path,
                c,
            )
        }
        Job::TaxonomyIndex(kind) => {
            let tax = l.lang.taxonomy(*kind).ok_or_else(|| {
                Diagnostic::error("templates", None, "internal: missing taxonomy")
            })?;
            let name = s(&format!("taxonomy_{}", kind.name()));
            let terms: Vec<TermLink> = tax
                .terms
                .iter()
                .map(|t| TermLink {
                    name: vb.term_display(*kind, &t.name),
                    url: vb.urls.url(&t.path),
                    count: t.pages.len(),
                })
                .collect();
            let people = tax.terms.iter().any(|t| t.has_talents);
            ctx.insert(
                "taxonomy",
                &TaxonomyView {
                    kind: *kind,
                    name: name.clone(),
                    url: vb.urls.url(&tax.path),
                    terms,
                },
            );
            let c = Common {
                title: format!("{name} | {}", site.config.title),
                description: site.config.description.clone(),
                current_url: vb.urls.url(&tax.path),
                permalink: vb.urls.permalink(&tax.path),
                robots: people.then_some(NOINDEX),
                alternates: alternates(site, langs, &l.lang.code, &same_path_everywhere(&tax.path)),
                current_section: kind.name(),
                live_reload: false,
            };
            ("taxonomy.html", tax.path.clone(), c)
        }
        Job::Term { kind, term, page } => {
            let tax = l.lang.taxonomy(*kind).ok_or_else(|| {
                Diagnostic::error("templates", None, "internal: missing taxonomy")
            })?;
            let t = &tax.terms[*term];
            let path = urls::paginated(&t.path, *page);
            let name = s(&format!("taxonomy_{}", kind.name()));
            let display = vb.term_display(*kind, &t.name);
            ctx.insert(
                "taxonomy",
                &TaxonomyView {
                    kind: *kind,
                    name: name.clone(),
                    url: vb.urls.url(&tax.path),
                    terms: Vec::new(),
                },
            );
            ctx.insert(
                "term",
                &TermLink {
                    name: display.clone(),
                    url: vb.urls.url(&t.path),
                    count: t.pages.len(),
                },
            );
            ctx.insert(
                "paginator",
                &vb.paginator(&t.path, &t.pages, *page, site.config.paginate, &l.cards),
            );
            let c = Common {
                title: page_title(
                    &format!("{display} ({name})"),
                    *page,
                    &s("page_n"),
                    &site.config.title,
                ),
                description: site.config.description.clone(),
                current_url: vb.urls.url(&path),
                permalink: vb.urls.permalink(&path),
                robots: t.has_talents.then_some(NOINDEX),
                alternates: alternates(site, langs, &l.lang.code, &same_path_everywhere(&path)),
                current_section: kind.name(),
                live_reload: false,
            };
            let template =
                if *kind == TaxonomyKind::Series && r.tera.contains_template("series.html") {
                    "series.html"
                } else {
                    "term.html"
                };
            (template, path, c)
        }
        Job::Doc(id) => {
            let p: &Page = &site.pages[*id];
            ctx.insert("page", &vb.page_view(p));
            let template = match &p.data {
                PageData::Talent(t) => {
                    ctx.insert("talent", &vb.talent_view(t, &p.related, &l.cards));
                    "talent.html"
                }
                PageData::Story(st) => {
                    ctx.insert(
                        "story",
                        &views::StoryView {
                            author: st.author.as_deref(),
                            image_url: st
                                .image
                                .as_ref()
                                .map(|i| vb.urls.url(&format!("/{}", i.output))),
                            talent: p.related.first().map(|&i| l.cards[i].clone()),
                        },
                    );
                    "story.html"
                }
                PageData::Report(rep) => {
                    ctx.insert("report", &vb.report_view(p, rep, &l.cards));
                    "report.html"
                }
                PageData::Page(_) => "page.html",
            };
            let description = match &p.data {
                PageData::Talent(t) => t
                    .headline_in(&p.lang, site.config.default_language())
                    .to_string(),
                _ => vb.page_view(p).summary.to_string(),
            };
            let series = match &p.data {
                PageData::Report(r) => r.series.as_ref().map(|s| {
                    let link = vb.term_link(TaxonomyKind::Series, s);
                    let abs = format!(
                        "{}{}",
                        vb.urls.origin_and_base,
                        link.url
                            .strip_prefix(vb.urls.base.as_str())
                            .unwrap_or(&link.url)
                    );
                    (link.name, abs)
                }),
                _ => None,
            };
            let m = meta::page(
                site,
                vb.urls,
                p,
                &description,
                series.as_ref().map(|(n, u)| (n.as_str(), u.clone())),
            );
            ctx.insert("meta", &m);
            let translations = p.translations.clone();
            let path_for = |o: &LangCtx<'_>| -> Option<String> {
                if o.lang.code == p.lang {
                    return Some(p.path.clone());
                }
                translations
                    .iter()
                    .map(|&i| &site.pages[i])
                    .find(|t| t.lang == o.lang.code)
                    .map(|t| t.path.clone())
            };
            let c = Common {
                title: format!("{} | {}", p.title, site.config.title),
                description,
                current_url: vb.urls.url(&p.path),
                permalink: vb.urls.permalink(&p.path),
                robots: p.noindex.then_some(NOINDEX),
                alternates: alternates(site, langs, &l.lang.code, &path_for),
                current_section: p.kind.section().unwrap_or("page"),
                live_reload: false,
            };
            (template, p.path.clone(), c)
        }
    };
    let common_value = Value::from_serializable(&common);
    if let Some(map) = common_value.as_map() {
        for (k, v) in map.iter() {
            ctx.insert_value(k.to_string(), v.clone());
        }
    }
    let html = r
        .tera
        .render(template, &ctx)
        .map_err(|e| template_error(&r.theme, &e, Some(&path)))?;
    Ok((urls::output_file(&path), html.into_bytes()))
}

fn page_title(title: &str, page: usize, page_n: &str, site_title: &str) -> String {
    if page > 1 {
        format!(
            "{title} ({}) | {site_title}",
            page_n.replace("{n}", &page.to_string())
        )
    } else {
        format!("{title} | {site_title}")
    }
}

#[derive(Serialize)]
struct HomeView<'a> {
    title: Option<String>,
    intro: &'a str,
    talents_url: String,
    talent_count: usize,
}

#[derive(Serialize)]
struct SearchView {
    index_url: String,
}

#[derive(Serialize)]
struct SectionView<'a> {
    kind: Kind,
    title: String,
    description: Option<String>,
    intro: &'a str,
    url: String,
}

#[derive(Serialize)]
struct TaxonomyView {
    kind: TaxonomyKind,
    name: String,
    url: String,
    terms: Vec<TermLink>,
}

/// Facet links of the talent directory: the talent taxonomies with counts.
#[derive(Serialize)]
struct Facet {
    kind: TaxonomyKind,
    name: String,
    url: String,
    terms: Vec<TermLink>,
}

fn facets(vb: &ViewBuilder<'_>, lang: &crate::site::Language) -> Vec<Facet> {
    let mut out = Vec::new();
    for kind in [
        TaxonomyKind::Skills,
        TaxonomyKind::Languages,
        TaxonomyKind::JobCategories,
    ] {
        if let Some(tax) = lang.taxonomy(kind) {
            let mut terms: Vec<TermLink> = tax
                .terms
                .iter()
                .map(|t| TermLink {
                    name: vb.term_display(kind, &t.name),
                    url: vb.urls.url(&t.path),
                    count: t
                        .pages
                        .iter()
                        .filter(|&&i| vb.site.pages[i].kind == Kind::Talent)
                        .count(),
                })
                .filter(|t| t.count > 0)
                .collect();
            terms.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
            out.push(Facet {
                kind,
                name: i18n::string(vb.strings, &format!("taxonomy_{}", kind.name())),
                url: vb.urls.url(&tax.path),
                terms,
            });
        }
    }
    out
}
