//! Rendering one job: its context of view structs, its template.

use serde::Serialize;
use tera::{Context, Value};

use super::{NOINDEX, Renderer, SharedFile, i18n, meta, template_error};
use crate::content::Kind;
use crate::error::Diagnostic;
use crate::names::SEARCH_INDEX_DIR;
use crate::site::{Page, PageData, PageId, Site, TaxonomyKind, urls};
use crate::views::{self, Alternate, TermLink, ViewBuilder};

/// One output page to render.
#[derive(Debug, Clone)]
pub(crate) enum Job {
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

pub(crate) struct LangCtx<'a> {
    /// Paths of the generated (non-document) pages of this language.
    pub(crate) list_paths: std::collections::HashSet<String>,
    pub(crate) vb: ViewBuilder<'a>,
    pub(crate) site_view: Value,
    pub(crate) strings_value: Value,
    pub(crate) cards: Vec<Value>,
    /// The talent directory's filters (the same on each of its pages):
    /// counted once per language, when a directory page is rendered.
    pub(crate) facets: std::sync::OnceLock<Value>,
    pub(crate) lang: &'a crate::site::Language,
}

/// The reports the home page shows: announced sessions still to come
/// (soonest first, at most 3), and the latest reports (at most 4).
pub(crate) fn home_reports(
    site: &Site,
    lang: &crate::site::Language,
) -> (Vec<PageId>, Vec<PageId>) {
    let reports: &[PageId] = lang.section(Kind::Report).map_or(&[], |s| &s.pages);
    let is_upcoming =
        |i: PageId| matches!(&site.pages[i].data, crate::site::PageData::Report(r) if r.upcoming);
    let (mut upcoming, latest): (Vec<PageId>, Vec<PageId>) =
        reports.iter().copied().partition(|&i| is_upcoming(i));
    upcoming.reverse();
    upcoming.truncate(3);
    (upcoming, latest.into_iter().take(4).collect())
}

#[derive(Serialize)]
pub(crate) struct Common<'a> {
    pub(crate) title: String,
    pub(crate) description: String,
    pub(crate) current_url: String,
    pub(crate) permalink: String,
    pub(crate) robots: Option<&'static str>,
    pub(crate) alternates: Vec<Alternate>,
    pub(crate) current_section: &'a str,
    pub(crate) live_reload: bool,
}

pub(crate) fn alternates(
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
pub(crate) fn path_in(path: &str, from_prefix: &str, to_prefix: &str) -> String {
    let rest = path.strip_prefix(from_prefix).unwrap_or(path);
    format!("{to_prefix}{rest}")
}

pub(crate) fn render_job(
    site: &Site,
    r: &Renderer,
    l: &LangCtx<'_>,
    langs: &[LangCtx<'_>],
    job: &Job,
) -> std::result::Result<SharedFile, Diagnostic> {
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
            // announced sessions still to come, soonest first; then the reports
            let (upcoming, latest) = home_reports(site, l.lang);
            let cards = |ids: Vec<usize>| ids.into_iter().map(|i| &l.cards[i]).collect::<Vec<_>>();
            ctx.insert("upcoming_reports", &cards(upcoming));
            ctx.insert("latest_reports", &cards(latest));
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
                    index_url: vb.urls.url(&format!("{prefix}/{SEARCH_INDEX_DIR}/")),
                    popular: popular(vb, l.lang),
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
                // counting every term's talents is a pass over the site:
                // once per language, not once per directory page
                let f = l
                    .facets
                    .get_or_init(|| Value::from_serializable(&facets(vb, l.lang)));
                ctx.insert_value("facets", f.clone());
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
                    ctx.insert("talent", &vb.talent_view(p, t, &p.related, &l.cards));
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
    // Straight into bytes (no String, so no second pass to validate UTF-8),
    // into a buffer each thread keeps, then copied out at its exact size:
    // the whole site stays in memory until it is written, and a buffer that
    // grew by doubling wastes a third of it on average.
    thread_local! {
        static BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    let html = BUFFER.with(|b| {
        let mut buf = b.borrow_mut();
        buf.clear();
        r.tera
            .render_to(template, &ctx, &mut *buf)
            .map(|()| std::sync::Arc::<[u8]>::from(&buf[..]))
    });
    let html = html.map_err(|e| template_error(&r.theme, &e, Some(&path)))?;
    Ok((urls::output_file(&path), html))
}

pub(crate) fn page_title(title: &str, page: usize, page_n: &str, site_title: &str) -> String {
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
pub(crate) struct HomeView<'a> {
    pub(crate) title: Option<String>,
    pub(crate) intro: &'a str,
    pub(crate) talents_url: String,
    pub(crate) talent_count: usize,
}

#[derive(Serialize)]
pub(crate) struct SearchView {
    pub(crate) index_url: String,
    /// What to look at before typing: the most used job categories,
    /// skills and tags, as links to their pages (they work without JavaScript).
    pub(crate) popular: Vec<Facet>,
}

#[derive(Serialize)]
pub(crate) struct SectionView<'a> {
    pub(crate) kind: Kind,
    pub(crate) title: String,
    pub(crate) description: Option<String>,
    pub(crate) intro: &'a str,
    pub(crate) url: String,
}

#[derive(Serialize)]
pub(crate) struct TaxonomyView {
    pub(crate) kind: TaxonomyKind,
    pub(crate) name: String,
    pub(crate) url: String,
    pub(crate) terms: Vec<TermLink>,
}

/// Facet links of the talent directory: the talent taxonomies with counts.
#[derive(Serialize)]
pub(crate) struct Facet {
    pub(crate) kind: TaxonomyKind,
    pub(crate) name: String,
    pub(crate) url: String,
    pub(crate) terms: Vec<TermLink>,
}

/// How many terms of each taxonomy the search page suggests.
const POPULAR: usize = 8;

/// The search page's suggestions: job categories, skills and tags, the
/// most used first (pages of every kind count), at most [`POPULAR`] each.
pub(crate) fn popular(vb: &ViewBuilder<'_>, lang: &crate::site::Language) -> Vec<Facet> {
    [
        TaxonomyKind::JobCategories,
        TaxonomyKind::Skills,
        TaxonomyKind::Tags,
    ]
    .into_iter()
    .filter_map(|kind| lang.taxonomy(kind).filter(|t| !t.terms.is_empty()))
    .map(|tax| {
        let mut f = facet(vb, tax, |t| t.pages.len());
        f.terms.truncate(POPULAR);
        f
    })
    .collect()
}

pub(crate) fn facets(vb: &ViewBuilder<'_>, lang: &crate::site::Language) -> Vec<Facet> {
    [
        TaxonomyKind::Skills,
        TaxonomyKind::Languages,
        TaxonomyKind::JobCategories,
    ]
    .into_iter()
    .filter_map(|kind| lang.taxonomy(kind))
    .map(|tax| {
        facet(vb, tax, |t| {
            t.pages
                .iter()
                .filter(|&&i| vb.site.pages[i].kind == Kind::Talent)
                .count()
        })
    })
    .collect()
}

/// A taxonomy's terms as links with `count` pages each, those with none
/// left out, the most first (then by name).
fn facet(
    vb: &ViewBuilder<'_>,
    tax: &crate::site::Taxonomy,
    count: impl Fn(&crate::site::Term) -> usize,
) -> Facet {
    let kind = tax.kind;
    let mut terms: Vec<TermLink> = tax
        .terms
        .iter()
        .map(|t| TermLink {
            name: vb.term_display(kind, &t.name),
            url: vb.urls.url(&t.path),
            count: count(t),
        })
        .filter(|t| t.count > 0)
        .collect();
    terms.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
    Facet {
        kind,
        name: i18n::string(vb.strings, &format!("taxonomy_{}", kind.name())),
        url: vb.urls.url(&tax.path),
        terms,
    }
}
