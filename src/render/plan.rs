//! Planning a render: every output page is a job, with the per-language
//! context its template shares (site view, strings, cards).

use rayon::prelude::*;
use tera::Value;

use super::i18n;
use super::job::{Job, LangCtx, home_reports, render_job};
use super::{Renderer, SharedFile};
use crate::content::Kind;
use crate::error::Diagnostic;
use crate::site::{PageId, Site, urls};
use crate::views::{Link, NavItem, SiteView, Urls, ViewBuilder};

/// The jobs of a site and what each reads, before anything is rendered.
pub(crate) struct Plan<'a> {
    pub(crate) urls: Urls,
    pub(crate) langs: Vec<(&'a crate::site::Language, &'a i18n::Strings)>,
    pub(crate) jobs: Vec<(usize, Job)>,
}

static EMPTY_STRINGS: std::sync::LazyLock<i18n::Strings> =
    std::sync::LazyLock::new(i18n::Strings::new);

impl<'a> Plan<'a> {
    pub(crate) fn new(site: &'a Site, renderer: &'a Renderer) -> Plan<'a> {
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
    pub(crate) fn render(
        &self,
        site: &Site,
        renderer: &Renderer,
        selected: &[usize],
    ) -> (Vec<(usize, SharedFile)>, Vec<Diagnostic>) {
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
                facets: std::sync::OnceLock::new(),
                lang,
            });
        }
        // Small pieces: rayon otherwise splits a long list into a few large
        // pieces while the other thread is busy (with the search index,
        // which is built beside the pages), and a piece already begun
        // cannot be shared: one thread then renders the last thousands of
        // pages alone while the other core idles (~100 ms at 10,000 pages).
        let results: Vec<(usize, std::result::Result<SharedFile, Diagnostic>)> = selected
            .par_iter()
            .with_max_len(32)
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
pub(crate) fn job_cards(site: &Site, lang: &crate::site::Language, job: &Job) -> Vec<PageId> {
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
            let (upcoming, latest) = home_reports(site, lang);
            v.extend(upcoming);
            v.extend(latest);
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

/// Every generated page of a language that is not a document: home, search,
/// section and term pages (all their pages), taxonomy indexes.
pub(crate) fn list_paths(
    site: &Site,
    lang: &crate::site::Language,
) -> std::collections::HashSet<String> {
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

pub(crate) fn site_view(
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
        search_index_url: urls.url(&format!("{p}/{}/", crate::names::SEARCH_INDEX_DIR)),
        feed_url: urls.url(&format!("{p}/atom.xml")),
        contact_url: site.config.contact_url.clone(),
        contact: site
            .config
            .contact_url
            .as_deref()
            .map(crate::enquiry::contact_text)
            .filter(|c| !c.is_empty()),
        build_date: site.today.map(|d| d.format("%Y-%m-%d").to_string()),
        build_date_display: site.today.map(|d| i18n::format_date(d, &lang.code)),
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
