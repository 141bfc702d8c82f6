//! Atom feeds, sitemap.xml and robots.txt.
//!
//! Written in code rather than templates: these files have strict formats
//! that validators check, and they must never list a talent (profiles are
//! `noindex` and stay out of feeds and sitemaps). Feeds carry stories and
//! reports; the sitemap carries every indexable page.

use std::fmt::Write as _;

use crate::content::Kind;
use crate::names::Urls;
use crate::output::File;
use crate::site::{PageData, Site, urls};

/// How many entries a feed carries.
pub const FEED_ENTRIES: usize = 30;

fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // characters XML 1.0 forbids
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// One Atom feed per language: `/atom.xml`, `/en/atom.xml`.
pub fn atom(site: &Site) -> Vec<File> {
    let u = Urls::new(&site.config.base_url);
    let off = site.config.offset_seconds();
    let mut files = Vec::new();
    for lang in &site.languages {
        let mut entries: Vec<usize> = lang
            .sections
            .iter()
            .filter(|s| matches!(s.kind, Kind::Story | Kind::Report))
            .flat_map(|s| s.pages.iter().copied())
            .collect();
        entries.sort_by(|&a, &b| {
            let (pa, pb) = (&site.pages[a], &site.pages[b]);
            pb.sort_key
                .cmp(&pa.sort_key)
                .then_with(|| pa.path.cmp(&pb.path))
        });
        entries.truncate(FEED_ENTRIES);
        let feed_path = format!("{}/atom.xml", lang.prefix);
        let home = format!("{}/", lang.prefix);
        let updated = entries
            .first()
            .and_then(|&i| site.pages[i].date)
            .map(|d| d.rfc3339(off))
            .unwrap_or_else(|| "1970-01-01T00:00:00Z".to_string());
        let mut x = String::with_capacity(4096 + entries.len() * 2048);
        x.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
        let _ = writeln!(
            x,
            "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">",
            xml_escape(&lang.code)
        );
        let _ = writeln!(x, "  <title>{}</title>", xml_escape(&site.config.title));
        if !site.config.description.is_empty() {
            let _ = writeln!(
                x,
                "  <subtitle>{}</subtitle>",
                xml_escape(&site.config.description)
            );
        }
        let _ = writeln!(
            x,
            "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>",
            xml_escape(&u.permalink(&feed_path))
        );
        let _ = writeln!(
            x,
            "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
            xml_escape(&u.permalink(&home))
        );
        let _ = writeln!(x, "  <id>{}</id>", xml_escape(&u.permalink(&feed_path)));
        let _ = writeln!(x, "  <updated>{updated}</updated>");
        let _ = writeln!(
            x,
            "  <author><name>{}</name></author>",
            xml_escape(&site.config.title)
        );
        let _ = writeln!(
            x,
            "  <generator version=\"{}\">tsunagi</generator>",
            env!("CARGO_PKG_VERSION")
        );
        for &i in &entries {
            let p = &site.pages[i];
            let date = p
                .date
                .map(|d| d.rfc3339(off))
                .unwrap_or_else(|| updated.clone());
            let summary = match &p.data {
                PageData::Story(s) => s.summary.clone(),
                PageData::Report(r) => r.summary.clone(),
                _ => None,
            }
            .unwrap_or_else(|| p.body.summary_text.clone());
            x.push_str("  <entry>\n");
            let _ = writeln!(x, "    <title>{}</title>", xml_escape(&p.title));
            let _ = writeln!(
                x,
                "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
                xml_escape(&u.permalink(&p.path))
            );
            let _ = writeln!(x, "    <id>{}</id>", xml_escape(&u.permalink(&p.path)));
            let _ = writeln!(x, "    <published>{date}</published>");
            let _ = writeln!(x, "    <updated>{date}</updated>");
            if let PageData::Story(s) = &p.data
                && let Some(a) = &s.author
            {
                let _ = writeln!(x, "    <author><name>{}</name></author>", xml_escape(a));
            }
            if !summary.is_empty() {
                let _ = writeln!(x, "    <summary>{}</summary>", xml_escape(&summary));
            }
            let _ = writeln!(
                x,
                "    <content type=\"html\" xml:base=\"{}\">{}</content>",
                xml_escape(&u.permalink(&p.path)),
                xml_escape(&p.body.html)
            );
            x.push_str("  </entry>\n");
        }
        x.push_str("</feed>\n");
        files.push((urls::output_file(&feed_path), x.into_bytes()));
    }
    files
}

/// Sitemaps: one language → `/sitemap.xml`; several → one urlset per
/// language (`/sitemap-<lang>.xml`) and `/sitemap.xml` as their index.
/// Talent pages, the talent directory and talent term pages are never listed.
pub fn sitemaps(site: &Site) -> Vec<File> {
    let u = Urls::new(&site.config.base_url);
    if site.languages.len() == 1 {
        return vec![(
            "sitemap.xml".to_string(),
            urlset(site, &site.languages[0].code),
        )];
    }
    let mut files = Vec::new();
    let mut x = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for lang in &site.languages {
        let name = format!("sitemap-{}.xml", lang.code);
        let _ = writeln!(
            x,
            "  <sitemap>\n    <loc>{}</loc>\n  </sitemap>",
            xml_escape(&u.permalink(&format!("/{name}")))
        );
        files.push((name, urlset(site, &lang.code)));
    }
    x.push_str("</sitemapindex>\n");
    files.push(("sitemap.xml".to_string(), x.into_bytes()));
    files
}

/// Every indexable page of one language, sorted by URL.
fn urlset(site: &Site, code: &str) -> Vec<u8> {
    let u = Urls::new(&site.config.base_url);
    let off = site.config.offset_seconds();
    let per = site.config.paginate;
    let mut locs: Vec<(String, Option<String>)> = Vec::new();
    for lang in site.languages.iter().filter(|l| l.code == code) {
        locs.push((format!("{}/", lang.prefix), None));
        locs.push((format!("{}/search/", lang.prefix), None));
        for s in &lang.sections {
            if s.noindex {
                continue;
            }
            let n = s.pages.len().div_ceil(per).max(1);
            locs.extend((1..=n).map(|i| (urls::paginated(&s.path, i), None)));
        }
        for t in &lang.taxonomies {
            if t.terms.is_empty() {
                continue;
            }
            if !t.terms.iter().any(|t| t.has_talents) {
                locs.push((t.path.clone(), None));
            }
            for term in t.terms.iter().filter(|t| !t.has_talents) {
                let n = term.pages.len().div_ceil(per).max(1);
                locs.extend((1..=n).map(|i| (urls::paginated(&term.path, i), None)));
            }
        }
    }
    for p in site.pages.iter().filter(|p| p.lang == code) {
        if p.noindex {
            continue;
        }
        locs.push((p.path.clone(), p.date.map(|d| d.rfc3339(off))));
    }
    locs.sort();
    locs.dedup_by(|a, b| a.0 == b.0);
    let mut x = String::with_capacity(128 + locs.len() * 128);
    x.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for (path, lastmod) in &locs {
        x.push_str("  <url>\n");
        let _ = writeln!(x, "    <loc>{}</loc>", xml_escape(&u.permalink(path)));
        if let Some(l) = lastmod {
            let _ = writeln!(x, "    <lastmod>{l}</lastmod>");
        }
        x.push_str("  </url>\n");
    }
    x.push_str("</urlset>\n");
    x.into_bytes()
}

/// robots.txt: everything crawlable (talent pages must be *seen* to be
/// noindexed), with the sitemap's address.
pub fn robots(site: &Site) -> File {
    let u = Urls::new(&site.config.base_url);
    let text = format!(
        "User-agent: *\nAllow: /\n\nSitemap: {}\n",
        u.permalink("/sitemap.xml")
    );
    ("robots.txt".to_string(), text.into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_xml_and_drops_control_characters() {
        assert_eq!(xml_escape("a<b & \"c\"\u{1}"), "a&lt;b &amp; &quot;c&quot;");
    }
}
