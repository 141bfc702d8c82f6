//! Data for machines: JSON-LD structured data and OpenGraph / Twitter cards.
//!
//! Stories get an `Article`, reports an `Event` whose `superEvent` is their
//! `EventSeries`, the home page the `Organization`. Talent pages get none of
//! it: never a `Person`, never an `og:image` of a person (they are
//! `noindex` and must not travel as rich previews either). The JSON is
//! built with serde_json and made safe to embed in `<script>` by escaping
//! `<`, `>` and `&`.

use serde::Serialize;
use serde_json::{Value as Json, json};

use crate::site::{Page, PageData, Site};
use crate::views::Urls;

/// What the `<head>` of a page carries for machines.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Meta {
    /// JSON-LD, already safe to print inside `<script type="application/ld+json">`.
    pub json_ld: Option<String>,
    /// OpenGraph / Twitter card, when the page should have one.
    pub og: Option<OpenGraph>,
}

/// OpenGraph properties (Twitter reads them too).
#[derive(Debug, Clone, Serialize)]
pub struct OpenGraph {
    /// `article` or `website`.
    pub kind: &'static str,
    pub title: String,
    pub description: String,
    pub url: String,
    pub site_name: String,
    /// `ja_JP`, `en_US` …
    pub locale: String,
    /// Absolute URL of an image (stories only; never a talent photo).
    pub image: Option<String>,
    /// `summary` or `summary_large_image`.
    pub twitter_card: &'static str,
}

fn locale(lang: &str) -> String {
    match lang {
        "ja" => "ja_JP".to_string(),
        "en" => "en_US".to_string(),
        other => other.to_string(),
    }
}

/// Serialises JSON for a `<script>` element: no `</script>` can close it early.
fn script_safe(v: &Json) -> String {
    v.to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

fn organization(site: &Site, u: &Urls) -> Json {
    let mut o = json!({
        "@type": "Organization",
        "name": site.config.title,
        "url": u.permalink("/"),
    });
    if !site.config.description.is_empty() {
        o["description"] = json!(site.config.description);
    }
    o
}

/// Metadata of the home page of one language.
pub fn home(site: &Site, u: &Urls, lang: &str, path: &str) -> Meta {
    let mut org = organization(site, u);
    org["@context"] = json!("https://schema.org");
    Meta {
        json_ld: Some(script_safe(&org)),
        og: Some(OpenGraph {
            kind: "website",
            title: site.config.title.clone(),
            description: site.config.description.clone(),
            url: u.permalink(path),
            site_name: site.config.title.clone(),
            locale: locale(lang),
            image: None,
            twitter_card: "summary",
        }),
    }
}

/// Metadata of a content page. `series_name` and `series_url` describe a
/// report's series; `summary` is the page's description.
pub fn page(
    site: &Site,
    u: &Urls,
    p: &Page,
    summary: &str,
    series: Option<(&str, String)>,
) -> Meta {
    let off = site.config.offset_seconds();
    let url = u.permalink(&p.path);
    let date = p.date.map(|d| d.rfc3339(off));
    let (json_ld, image) = match &p.data {
        PageData::Talent(_) => return Meta::default(),
        PageData::Story(s) => {
            let image = s
                .image
                .as_ref()
                .map(|i| u.permalink(&format!("/{}", i.output)));
            let mut a = json!({
                "@context": "https://schema.org",
                "@type": "Article",
                "headline": p.title,
                "inLanguage": p.lang,
                "mainEntityOfPage": url,
                "url": url,
                "author": organization(site, u),
                "publisher": organization(site, u),
            });
            if let Some(d) = &date {
                a["datePublished"] = json!(d);
                a["dateModified"] = json!(d);
            }
            if !summary.is_empty() {
                a["description"] = json!(summary);
            }
            if let Some(i) = &image {
                a["image"] = json!([i]);
            }
            (a, image)
        }
        PageData::Report(r) => {
            let mut e = json!({
                "@context": "https://schema.org",
                "@type": "Event",
                "name": p.title,
                "inLanguage": p.lang,
                "url": url,
                "eventStatus": "https://schema.org/EventScheduled",
                "organizer": organization(site, u),
            });
            if let Some(d) = &date {
                e["startDate"] = json!(d);
            }
            if !summary.is_empty() {
                e["description"] = json!(summary);
            }
            if let Some(v) = &r.venue {
                e["location"] = json!({"@type": "Place", "name": v, "address": v});
            }
            if !r.speakers.is_empty() {
                // speakers are public guests of the school, named as they asked
                e["performer"] = Json::Array(
                    r.speakers
                        .iter()
                        .map(|s| {
                            let mut sp = json!({"@type": "Person", "name": s.name});
                            if let Some(org) = &s.org {
                                sp["affiliation"] = json!({"@type": "Organization", "name": org});
                            }
                            sp
                        })
                        .collect(),
                );
            }
            if !r.organizations.is_empty() {
                e["sponsor"] = Json::Array(
                    r.organizations
                        .iter()
                        .map(|o| json!({"@type": "Organization", "name": o}))
                        .collect(),
                );
            }
            if let Some((name, series_url)) = series {
                e["superEvent"] = json!({"@type": "EventSeries", "name": name, "url": series_url});
            }
            (e, None)
        }
        PageData::Page(_) => return Meta::default(),
    };
    Meta {
        json_ld: Some(script_safe(&json_ld)),
        og: Some(OpenGraph {
            kind: "article",
            title: p.title.clone(),
            description: summary.to_string(),
            url,
            site_name: site.config.title.clone(),
            locale: locale(&p.lang),
            twitter_card: if image.is_some() {
                "summary_large_image"
            } else {
                "summary"
            },
            image,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_in_script_cannot_close_the_element() {
        let v = json!({"headline": "</script><script>alert(1)</script> & co"});
        let s = script_safe(&v);
        assert!(!s.contains("</script>"));
        assert!(!s.contains('<') && !s.contains('&'));
        let back: Json = serde_json::from_str(&s).expect("still JSON");
        assert_eq!(back, v);
    }
}
