//! View structs: exactly what templates get, built from the site model.
//!
//! Templates never see the model. Each list entry ("card") is converted to a
//! `tera::Value` once per page and shared by reference-counted clone into
//! every list, term and related block that shows it (Tera passes embedded
//! `Value`s through serialisation without copying), so a tag listing 5,000
//! profiles costs 5,000 pointer copies, not 5,000 deep copies.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::Serialize;
use tera::Value;

use super::i18n::{self, Strings};
use crate::content::{Kind, Talent};
use crate::markdown::Heading;
use crate::site::{Page, PageData, PageId, Site, TaxonomyKind};

pub use crate::names::Urls;

mod talent;
use talent::experience_text;

/// A link with a label.
#[derive(Debug, Clone, Serialize)]
pub struct Link {
    pub name: String,
    pub url: String,
}

/// A term with its page count.
#[derive(Debug, Clone, Serialize)]
pub struct TermLink {
    pub name: String,
    pub url: String,
    pub count: usize,
}

/// A language version of the current page.
#[derive(Debug, Clone, Serialize)]
pub struct Alternate {
    /// Language code.
    pub lang: String,
    /// Its name in that language.
    pub name: String,
    /// URL (absolute, for hreflang).
    pub permalink: String,
    /// URL for links.
    pub url: String,
    /// True for the page being rendered.
    pub current: bool,
    /// False when the page has no version in that language (the link then
    /// goes to that language's home page).
    pub available: bool,
}

/// Settings of the site, per language.
#[derive(Debug, Clone, Serialize)]
pub struct SiteView {
    pub title: String,
    pub description: String,
    pub base_url: String,
    /// Path prefix for theme files: `/` or `/jobs/`.
    pub base_path: String,
    pub lang: String,
    pub default_lang: String,
    pub home_url: String,
    pub search_url: String,
    /// The folder of this language's search index (read by search.js).
    pub search_index_url: String,
    pub feed_url: String,
    pub contact_url: Option<String>,
    /// The contact address to print as text: `contact_url` without
    /// `mailto:`, query or fragment (placeholders live there).
    pub contact: Option<String>,
    /// The build's date, `YYYY-MM-DD` (the printed-on date without JS).
    pub build_date: Option<String>,
    /// The build's date for readers (`2026年11月25日(水)`, `25 November 2026`).
    pub build_date_display: Option<String>,
    pub nav: Vec<NavItem>,
    pub footer_pages: Vec<Link>,
    pub extra: BTreeMap<String, serde_yaml::Value>,
    pub generator: String,
}

/// Links in order, without repeats: two spellings of one term (`教育` and
/// `education`, `UI/UX` and `ui/ux`) are one link.
fn unique_links(links: impl Iterator<Item = Link>) -> Vec<Link> {
    let mut out: Vec<Link> = Vec::new();
    for l in links {
        if l.url.is_empty() || !out.iter().any(|o| o.url == l.url) {
            out.push(l);
        }
    }
    out
}

/// A main menu entry.
#[derive(Debug, Clone, Serialize)]
pub struct NavItem {
    pub key: String,
    pub name: String,
    pub url: String,
}

/// What every entry of a list shows. It borrows the page's text rather
/// than copying it: every list page and the search index's metadata make
/// one for each page they show.
#[derive(Debug, Clone, Serialize)]
pub struct Card<'a> {
    pub kind: Kind,
    pub url: String,
    pub title: &'a str,
    pub summary: &'a str,
    pub date: Option<String>,
    pub date_display: Option<String>,
    pub lang: &'a str,
    // talents
    pub id: Option<&'a str>,
    pub headline: Option<&'a str>,
    /// As this language shows them (`skill_names`).
    pub skills: Vec<Cow<'a, str>>,
    pub languages: Vec<String>,
    /// Where the talent can work, as this language shows it (`Tokyo`).
    pub regions: Vec<String>,
    /// The month the person can start (`2026年4月`), or `t.available_now`
    /// (`即日可`) once that month has come.
    pub available_from: Option<String>,
    /// The start month is this build's month or earlier.
    pub available_now: bool,
    pub remote_ok: bool,
    /// The levels a recruiter screens on first, as badges: Japanese
    /// (`日本語 N2`) and English (`英語 CEFR C1`), those the profile gives.
    pub badges: Vec<String>,
    /// Years of work experience in words (`経験6年`).
    pub experience: Option<String>,
    /// The kinds of employment sought, as this language names them.
    pub employment_types: Vec<String>,
    pub photo_url: Option<String>,
    // reports
    pub series: Option<String>,
    pub number: Option<u32>,
    /// An announced session that has not taken place yet.
    pub upcoming: bool,
}

/// Everything a content page shows.
#[derive(Debug, Clone, Serialize)]
pub struct PageView<'a> {
    pub kind: Kind,
    pub lang: &'a str,
    /// Language of `content` (differs from `lang` for an untranslated profile).
    pub body_lang: &'a str,
    pub title: &'a str,
    pub url: String,
    pub permalink: String,
    pub date: Option<String>,
    pub date_display: Option<String>,
    pub summary: &'a str,
    pub summary_html: &'a str,
    pub content: &'a str,
    pub toc: &'a [Heading],
    pub reading_minutes: u32,
    pub tags: Vec<Link>,
    pub extra: &'a BTreeMap<String, serde_yaml::Value>,
}

/// A story.
#[derive(Debug, Clone, Serialize)]
pub struct StoryView<'a> {
    pub author: Option<&'a str>,
    pub image_url: Option<String>,
    pub talent: Option<Value>,
}

/// A speaker, linked to their page.
#[derive(Debug, Clone, Serialize)]
pub struct SpeakerView<'a> {
    pub name: &'a str,
    pub role: Option<&'a str>,
    pub org: Option<&'a str>,
    pub url: String,
    pub org_url: Option<String>,
}

/// A report.
#[derive(Debug, Clone, Serialize)]
pub struct ReportView<'a> {
    pub series: Option<Link>,
    pub number: Option<u32>,
    /// An announced session that has not taken place yet.
    pub upcoming: bool,
    pub venue: Option<&'a str>,
    pub speakers: Vec<SpeakerView<'a>>,
    pub organizations: Vec<Link>,
    pub prev: Option<Value>,
    pub next: Option<Value>,
}

/// One page of a paginated list.
#[derive(Debug, Clone, Serialize)]
pub struct Paginator {
    pub pages: Vec<Value>,
    pub current: usize,
    pub total: usize,
    pub total_items: usize,
    pub prev_url: Option<String>,
    pub next_url: Option<String>,
    pub numbers: Vec<PageNumber>,
}

/// A link to one page of a list.
#[derive(Debug, Clone, Serialize)]
pub struct PageNumber {
    pub number: usize,
    pub url: String,
    pub current: bool,
    /// Pages are left out before this one (print an ellipsis).
    pub gap: bool,
}

/// Builds views for one language.
pub struct ViewBuilder<'a> {
    pub site: &'a Site,
    pub lang: &'a str,
    pub strings: &'a Strings,
    pub urls: &'a Urls,
}

impl<'a> ViewBuilder<'a> {
    fn default_lang(&self) -> &str {
        self.site.config.default_language()
    }

    /// A term's link in this language.
    pub fn term_link(&self, kind: TaxonomyKind, name: &str) -> Link {
        let term = self
            .site
            .language(self.lang)
            .and_then(|l| l.taxonomy(kind))
            .and_then(|t| t.term(name));
        match term {
            Some(t) => Link {
                name: self.term_display(kind, &t.name),
                url: self.urls.url(&t.path),
            },
            None => Link {
                name: name.to_string(),
                url: String::new(),
            },
        }
    }

    /// A talent's regions as this language shows them: `region_names` of
    /// the strings (東京都 → Tokyo in English), else as written.
    pub fn regions(&self, t: &Talent) -> Vec<String> {
        t.regions
            .iter()
            .map(|r| i18n::lookup(self.strings, "region_names", r))
            .collect()
    }

    /// How a term is shown: the name of its key in this language's
    /// `*_names` strings (language codes, job categories, series, tags,
    /// skills), else as the term is spelt.
    pub fn term_display(&self, kind: TaxonomyKind, name: &str) -> String {
        match i18n::names_group(kind) {
            Some(group) => i18n::lookup(self.strings, group, name),
            None => name.to_string(),
        }
    }

    /// A term written as `name` (a skill, a tag …) as this language shows
    /// it: the name of its term's key in the strings (`skill_names` …),
    /// else as its term is spelt, so `ui/ux` on one card and `UI/UX` on
    /// the next are one skill spelt one way everywhere. Borrowed when that
    /// is how it is written: every list entry's card and every page's
    /// search text use it.
    pub fn shown_name<'p>(&self, kind: TaxonomyKind, name: &'p str) -> Cow<'p, str> {
        let Some(group) = i18n::names_group(kind) else {
            return Cow::Borrowed(name);
        };
        let key = self
            .site
            .language(self.lang)
            .and_then(|l| l.taxonomy(kind))
            .and_then(|t| t.term(name))
            .map_or(name, |t| t.name.as_str());
        let named = matches!(
            self.strings.get(group),
            Some(serde_yaml::Value::Mapping(m)) if !m.is_empty()
        );
        let shown = if named {
            i18n::lookup_str(self.strings, group, key)
        } else {
            key
        };
        if shown == name {
            Cow::Borrowed(name)
        } else {
            Cow::Owned(shown.to_string())
        }
    }

    fn date_strings(&self, p: &Page) -> (Option<String>, Option<String>) {
        let off = self.site.config.offset_seconds();
        match (&p.data, p.date) {
            (_, None) => (None, None),
            (PageData::Talent(_), Some(d)) => {
                // profiles show a year and month only, to machines too
                let day = d.date_in(off);
                let ym = crate::content::date::YearMonth {
                    year: chrono::Datelike::year(&day),
                    month: chrono::Datelike::month(&day),
                };
                (
                    Some(ym.to_string()),
                    Some(i18n::format_year_month(ym, self.lang)),
                )
            }
            (_, Some(d)) => (
                Some(d.rfc3339(off)),
                Some(i18n::format_date(d.date_in(off), self.lang)),
            ),
        }
    }

    /// The card of a page.
    pub fn card<'p>(&self, p: &'p Page) -> Card<'p> {
        let (date, date_display) = self.date_strings(p);
        let summary = match &p.data {
            PageData::Story(s) => s.summary.as_deref(),
            PageData::Report(r) => r.summary.as_deref(),
            PageData::Page(pg) => pg.summary.as_deref(),
            PageData::Talent(_) => None,
        };
        let mut card = Card {
            kind: p.kind,
            url: self.urls.url(&p.path),
            title: &p.title,
            summary: summary.unwrap_or(&p.body.summary_text),
            date,
            date_display,
            lang: &p.lang,
            id: None,
            headline: None,
            skills: Vec::new(),
            languages: Vec::new(),
            regions: Vec::new(),
            available_from: None,
            available_now: false,
            remote_ok: false,
            badges: Vec::new(),
            experience: None,
            employment_types: Vec::new(),
            photo_url: None,
            series: None,
            number: None,
            upcoming: false,
        };
        match &p.data {
            PageData::Talent(t) => {
                card.id = Some(&t.id);
                card.headline = Some(t.headline_in(self.lang, self.default_lang()));
                card.skills = t
                    .skills
                    .iter()
                    .map(|s| self.shown_name(TaxonomyKind::Skills, &s.name))
                    .collect();
                let label = |l| match self.language_label(l) {
                    (name, level) if level.is_empty() => name,
                    (name, level) => format!("{name} {level}"),
                };
                card.languages = t.languages.iter().map(label).collect();
                card.badges = ["ja", "en"]
                    .iter()
                    .filter_map(|code| t.languages.iter().find(|l| l.code == *code))
                    .map(label)
                    .collect();
                card.experience = t
                    .experience_years
                    .and_then(|n| experience_text(n, self.strings));
                card.employment_types = t
                    .employment_types()
                    .iter()
                    .map(|e| i18n::lookup(self.strings, "employment_type_names", e.as_str()))
                    .collect();
                card.regions = self.regions(t);
                card.available_from = self.available_from(t);
                card.available_now = t.available_now;
                card.remote_ok = t.availability.as_ref().is_some_and(|a| a.remote_ok);
                card.photo_url = self.photo_url(t);
            }
            PageData::Report(r) => {
                // through the term: a series written by its name shows as its key's name
                card.series = r
                    .series
                    .as_ref()
                    .map(|s| self.term_link(TaxonomyKind::Series, s).name);
                card.number = r.number;
                card.upcoming = r.upcoming;
            }
            _ => {}
        }
        card
    }

    /// The common part of every content page.
    pub fn page_view(&self, p: &'a Page) -> PageView<'a> {
        let (date, date_display) = self.date_strings(p);
        let (summary, extra): (&str, &BTreeMap<String, serde_yaml::Value>) = match &p.data {
            PageData::Talent(t) => (&p.body.summary_text, &t.extra),
            PageData::Story(s) => (
                s.summary.as_deref().unwrap_or(&p.body.summary_text),
                &s.extra,
            ),
            PageData::Report(r) => (
                r.summary.as_deref().unwrap_or(&p.body.summary_text),
                &r.extra,
            ),
            PageData::Page(pg) => (
                pg.summary.as_deref().unwrap_or(&p.body.summary_text),
                &pg.extra,
            ),
        };
        let tags = p
            .terms
            .iter()
            .filter(|(k, _)| *k == TaxonomyKind::Tags)
            .filter_map(|(k, id)| self.term_by_id(*k, *id))
            .collect();
        PageView {
            kind: p.kind,
            lang: &p.lang,
            body_lang: &p.body_lang,
            title: &p.title,
            url: self.urls.url(&p.path),
            permalink: self.urls.permalink(&p.path),
            date,
            date_display,
            summary,
            summary_html: &p.body.summary_html,
            content: &p.body.html,
            toc: &p.body.toc,
            reading_minutes: p.body.reading_minutes,
            tags,
            extra,
        }
    }

    fn term_by_id(&self, kind: TaxonomyKind, id: usize) -> Option<Link> {
        let t = self
            .site
            .language(self.lang)?
            .taxonomy(kind)?
            .terms
            .get(id)?;
        Some(Link {
            name: self.term_display(kind, &t.name),
            url: self.urls.url(&t.path),
        })
    }

    /// A report's own view.
    pub fn report_view(
        &self,
        p: &Page,
        r: &'a crate::content::Report,
        cards: &[Value],
    ) -> ReportView<'a> {
        ReportView {
            series: r
                .series
                .as_ref()
                .map(|s| self.term_link(TaxonomyKind::Series, s)),
            number: r.number,
            upcoming: r.upcoming,
            venue: r.venue.as_deref(),
            speakers: r
                .speakers
                .iter()
                .map(|s| SpeakerView {
                    name: &s.name,
                    role: s.role.as_deref(),
                    org: s.org.as_deref(),
                    url: self.term_link(TaxonomyKind::Speakers, &s.name).url,
                    org_url: s
                        .org
                        .as_ref()
                        .map(|o| self.term_link(TaxonomyKind::Organizations, o).url),
                })
                .collect(),
            organizations: r
                .organizations
                .iter()
                .map(|o| self.term_link(TaxonomyKind::Organizations, o))
                .collect(),
            prev: p.prev.map(|i| cards[i].clone()),
            next: p.next.map(|i| cards[i].clone()),
        }
    }

    /// One page of a list.
    pub fn paginator(
        &self,
        base: &str,
        ids: &[PageId],
        page: usize,
        per_page: usize,
        cards: &[Value],
    ) -> Paginator {
        let total = ids.len().div_ceil(per_page).max(1);
        let start = (page - 1) * per_page;
        let end = (start + per_page).min(ids.len());
        let url_of = |n: usize| self.urls.url(&crate::site::urls::paginated(base, n));
        Paginator {
            pages: ids[start.min(end)..end]
                .iter()
                .map(|&i| cards[i].clone())
                .collect(),
            current: page,
            total,
            total_items: ids.len(),
            prev_url: (page > 1).then(|| url_of(page - 1)),
            next_url: (page < total).then(|| url_of(page + 1)),
            // the first, the last and two on either side of the current page:
            // a tag with 125 pages of profiles must not print 125 links
            numbers: (1..=total)
                .filter(|&n| n == 1 || n == total || n.abs_diff(page) <= 2)
                .scan(0, |prev, n| {
                    let gap = n > *prev + 1 && *prev > 0;
                    *prev = n;
                    Some(PageNumber {
                        number: n,
                        url: url_of(n),
                        current: n == page,
                        gap,
                    })
                })
                .collect(),
        }
    }
}
