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
use theme::Theme;
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
    let urls = Urls::new(&site.config.base_url);
    let empty = i18n::Strings::new();
    let mut langs = Vec::new();
    for lang in &site.languages {
        let strings = renderer.theme.strings.get(&lang.code).unwrap_or(&empty);
        let vb = ViewBuilder {
            site,
            lang: &lang.code,
            strings,
            urls: &urls,
        };
        let cards: Vec<Value> = site
            .pages
            .par_iter()
            .map(|p| {
                if p.lang == lang.code {
                    Value::from_serializable(&vb.card(p))
                } else {
                    Value::none()
                }
            })
            .collect();
        langs.push(LangCtx {
            list_paths: list_paths(site, lang),
            site_view: Value::from_serializable(&site_view(site, lang, strings, &urls)),
            strings_value: Value::from_serializable(strings),
            vb,
            cards,
            lang,
        });
    }

    let mut jobs: Vec<(usize, Job)> = Vec::new();
    for (li, l) in langs.iter().enumerate() {
        let per = site.config.paginate;
        jobs.push((li, Job::Home));
        jobs.push((li, Job::Search));
        for s in &l.lang.sections {
            let n = s.pages.len().div_ceil(per).max(1);
            jobs.extend((1..=n).map(|page| (li, Job::List { kind: s.kind, page })));
        }
        for t in &l.lang.taxonomies {
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
        if let Some(li) = langs.iter().position(|l| l.lang.code == p.lang) {
            jobs.push((li, Job::Doc(i)));
        }
    }
    jobs.push((0, Job::NotFound));

    let results: Vec<std::result::Result<File, Diagnostic>> = jobs
        .par_iter()
        .map(|(li, job)| render_job(site, renderer, &langs[*li], &langs, job))
        .collect();
    let mut files = Vec::with_capacity(results.len());
    let mut errors = Vec::new();
    for r in results {
        match r {
            Ok(f) => files.push(f),
            Err(d) => errors.push(d),
        }
    }
    if !errors.is_empty() {
        errors.sort();
        errors.dedup_by(|a, b| {
            a.file == b.file
                && a.line == b.line
                && a.message.split(" (while").next() == b.message.split(" (while").next()
        });
        return Err(Error::Site(Diagnostics(errors)));
    }
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
