//! Markdown → HTML, table of contents, summary, plain text, reading time.
//!
//! Pure: a string and options in, a [`Rendered`] out. Links are resolved
//! through a caller-supplied function (so this module knows nothing of the
//! site), and every link that must be checked later (a root-relative path
//! or an anchor in another page) is returned with its line, so the caller
//! can report a broken one at the right place in the writer's file.
//!
//! This file walks the Markdown events into HTML, the table of contents
//! and the summary; `links` rewrites and records links; `plain` makes
//! heading ids, the plain text and the reading time.

use std::collections::HashMap;

use pulldown_cmark::{Event, HeadingLevel, Options as CmOptions, Parser, Tag, TagEnd};
use serde::Serialize;

mod links;
mod plain;

pub use links::with_base;
use links::{LinkOutcome, Pos, encode_fragment, escape_attr, rewrite_link};
#[cfg(test)]
use plain::read_by_character;
pub use plain::{heading_id, reading_minutes};
use plain::{plain_text, unique_id};

/// How to render.
#[derive(Debug, Clone)]
pub struct Options<'a> {
    /// Let raw HTML through (site.yaml `markdown.raw_html`); escaped otherwise.
    pub raw_html: bool,
    /// The site's path prefix (`/` or `/jobs/`), prepended to root-relative links.
    pub base_path: &'a str,
    /// The page's own URL path without base (`/stories/amir/`), for relative links.
    pub page_path: &'a str,
    /// 1-based line of the file where the Markdown starts (for messages).
    pub first_line: usize,
}

/// What an `@/…` link points to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    /// A published page at this path (without base, e.g. `/talents/t-1/`).
    Url(String),
    /// A document that exists but is not published: render the text only.
    Unpublished,
    /// No such document.
    Missing,
}

/// A heading, for the table of contents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Heading {
    /// 1–6.
    pub level: u8,
    /// The anchor id.
    pub id: String,
    /// Plain text of the heading.
    pub title: String,
}

/// A link to check once the whole site is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkCheck {
    /// Site path without base (`/images/map.png`, `/talents/t-1/`), already resolved.
    pub path: String,
    /// `#anchor`, if any (decoded).
    pub anchor: Option<String>,
    /// 1-based line in the file.
    pub line: usize,
    /// 1-based column (in characters) of the link in its line.
    pub column: usize,
    /// As written, for messages.
    pub written: String,
}

/// A problem found while rendering.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// True for errors, false for warnings.
    pub error: bool,
    /// 1-based line in the file.
    pub line: usize,
    /// 1-based column (in characters) in the line.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

/// The result of rendering one document.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rendered {
    /// The body as HTML.
    pub html: String,
    /// HTML of the summary: before `<!-- more -->`, else the first paragraph.
    pub summary_html: String,
    /// Plain text of the summary.
    pub summary_text: String,
    /// True when an explicit `<!-- more -->` was found.
    pub has_more: bool,
    /// Headings in order.
    pub toc: Vec<Heading>,
    /// The whole text without markup, for search and feeds.
    pub plain: String,
    /// Estimated minutes to read (at least 1).
    pub reading_minutes: u32,
    /// Ids of elements a link may target (headings, footnotes).
    pub anchors: Vec<String>,
    /// Links to check against the finished site.
    pub links: Vec<LinkCheck>,
    /// Problems found.
    pub problems: Vec<Problem>,
}

const MORE: &str = "<!-- more -->";

/// Renders `src`. `resolve` answers `@/` links with the content-relative path.
pub fn render(src: &str, opts: &Options<'_>, resolve: &dyn Fn(&str) -> Resolved) -> Rendered {
    let mut cm = CmOptions::empty();
    cm.insert(CmOptions::ENABLE_TABLES);
    cm.insert(CmOptions::ENABLE_FOOTNOTES);
    cm.insert(CmOptions::ENABLE_STRIKETHROUGH);
    cm.insert(CmOptions::ENABLE_TASKLISTS);
    cm.insert(CmOptions::ENABLE_HEADING_ATTRIBUTES);

    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(src.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    // the body starts at the start of a line of the file, so columns in
    // `src` are columns in the file
    let position_of = |offset: usize| -> Pos {
        let idx = line_starts.partition_point(|&s| s <= offset);
        let start = line_starts[idx.saturating_sub(1)];
        let column = src.get(start..offset).map_or(0, |s| s.chars().count()) + 1;
        Pos {
            line: opts.first_line + idx.saturating_sub(1),
            column,
        }
    };

    let mut out = Rendered::default();
    let mut events: Vec<Event<'_>> = Vec::new();
    let mut ids: HashMap<String, usize> = HashMap::new();
    let mut more_at: Option<usize> = None; // index into events
    let mut first_para_end: Option<usize> = None;
    let mut in_first_para = false;
    let mut seen_para = false;

    // Headings are buffered to compute their id from their text.
    let mut heading: Option<OpenHeading<'_>> = None;
    // Links to unpublished pages keep their text but lose the <a>.
    let mut link_stack: Vec<bool> = Vec::new(); // true = dropped

    for (ev, range) in Parser::new_ext(src, cm).into_offset_iter() {
        let at = position_of(range.start);
        let ev = match ev {
            Event::Html(h) | Event::InlineHtml(h) if h.trim() == MORE => {
                if more_at.is_none() {
                    more_at = Some(events.len());
                }
                continue;
            }
            Event::Html(h) | Event::InlineHtml(h) if !opts.raw_html => Event::Text(h),
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => match rewrite_link(&dest_url, opts, resolve, at, &mut out) {
                LinkOutcome::Keep(url) => {
                    link_stack.push(false);
                    Event::Start(Tag::Link {
                        link_type,
                        dest_url: url.into(),
                        title,
                        id,
                    })
                }
                LinkOutcome::Drop => {
                    link_stack.push(true);
                    continue;
                }
            },
            Event::End(TagEnd::Link) => {
                if link_stack.pop().unwrap_or(false) {
                    continue;
                }
                Event::End(TagEnd::Link)
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let url = match rewrite_link(&dest_url, opts, resolve, at, &mut out) {
                    LinkOutcome::Keep(url) => url,
                    LinkOutcome::Drop => String::new(),
                };
                Event::Start(Tag::Image {
                    link_type,
                    dest_url: url.into(),
                    title,
                    id,
                })
            }
            other => other,
        };

        // headings
        match (&mut heading, ev) {
            (None, Event::Start(Tag::Heading { level, id, .. })) => {
                heading = Some((level, id.map(|s| s.to_string()), Vec::new(), Vec::new()));
            }
            (Some(_), Event::End(TagEnd::Heading(_))) => {
                let (level, custom, texts, inner) =
                    heading.take().unwrap_or_else(|| unreachable!());
                let title = texts.concat().trim().to_string();
                let base = custom.unwrap_or_else(|| heading_id(&title));
                let base = if base.is_empty() {
                    "section".to_string()
                } else {
                    base
                };
                let id = unique_id(&base, &mut ids);
                let n = level as u8;
                events.push(Event::Html(
                    format!("<h{n} id=\"{}\">", escape_attr(&id)).into(),
                ));
                events.extend(inner);
                events.push(Event::Html(
                    format!(
                        "<a class=\"anchor\" href=\"#{}\" aria-hidden=\"true\" tabindex=\"-1\">#</a></h{n}>\n",
                        escape_attr(&encode_fragment(&id))
                    )
                    .into(),
                ));
                out.anchors.push(id.clone());
                out.toc.push(Heading {
                    level: n,
                    id,
                    title,
                });
            }
            (Some((_, _, texts, inner)), ev) => {
                if let Event::Text(t) | Event::Code(t) = &ev {
                    texts.push(t.to_string());
                }
                inner.push(ev);
            }
            (None, ev) => {
                match &ev {
                    Event::Start(Tag::Paragraph) if !seen_para => {
                        seen_para = true;
                        in_first_para = true;
                    }
                    Event::End(TagEnd::Paragraph) if in_first_para => {
                        in_first_para = false;
                        first_para_end = Some(events.len() + 1);
                    }
                    Event::FootnoteReference(_) => {}
                    Event::Start(Tag::FootnoteDefinition(name)) => {
                        out.anchors.push(name.to_string());
                    }
                    _ => {}
                }
                events.push(ev);
            }
        }
    }

    // same-page anchors are checkable now
    let anchors = out.anchors.clone();
    out.links.retain(|l| {
        if l.path.is_empty() {
            if let Some(a) = &l.anchor
                && !anchors.contains(a)
            {
                out.problems.push(Problem {
                    error: true,
                    line: l.line,
                    column: l.column,
                    message: format!(
                        "broken link `{}`: this page has no heading or footnote with id `{a}`",
                        l.written
                    ),
                });
            }
            false
        } else {
            true
        }
    });

    let mut html = String::with_capacity(src.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.iter().cloned());
    out.html = html;

    let summary_end = more_at.or(first_para_end);
    out.has_more = more_at.is_some();
    if let Some(end) = summary_end {
        let mut s = String::new();
        pulldown_cmark::html::push_html(
            &mut s,
            events[..end]
                .iter()
                .filter(|e| !matches!(e, Event::FootnoteReference(_)))
                .cloned(),
        );
        out.summary_html = s;
        out.summary_text = plain_text(&events[..end]);
    }
    out.plain = plain_text(&events);
    out.reading_minutes = reading_minutes(&out.plain);
    out
}

/// A heading being read: level, custom id, its text, its events.
type OpenHeading<'a> = (HeadingLevel, Option<String>, Vec<String>, Vec<Event<'a>>);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reading_time_counts_chinese_and_japanese_by_character() {
        for c in "日本語ひらがなカタカナ々・ｿﾌﾄ".chars() {
            assert!(read_by_character(c), "{c}");
        }
        for c in "한국어 word 1、。".chars() {
            assert!(!read_by_character(c), "{c}");
        }
        // 500 characters a minute, 200 words
        assert_eq!(reading_minutes(&"語".repeat(1000)), 2);
        assert_eq!(reading_minutes(&"한국어 ".repeat(400)), 2);
        assert_eq!(reading_minutes(&"語".repeat(1001)), 3);
    }

    fn opts() -> Options<'static> {
        Options {
            raw_html: false,
            base_path: "/",
            page_path: "/stories/a/",
            first_line: 5,
        }
    }

    fn none(_: &str) -> Resolved {
        Resolved::Missing
    }

    #[test]
    fn japanese_heading_ids_and_duplicates() {
        let r = render(
            "## 最初の一週間\n\n## 最初の一週間\n\n## Hello World!\n\n## 最初の一週間\n",
            &opts(),
            &none,
        );
        let ids: Vec<_> = r.toc.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "最初の一週間",
                "最初の一週間-1",
                "hello-world",
                "最初の一週間-2"
            ]
        );
        assert!(r.html.contains("<h2 id=\"最初の一週間\">"), "{}", r.html);
        assert!(
            r.html.contains("href=\"#%E6") || r.html.contains("href=\"#最初"),
            "{}",
            r.html
        );
    }

    #[test]
    fn raw_html_is_escaped_by_default() {
        let r = render(
            "hi <script>alert(1)</script>\n\n<div onclick=\"x()\">a</div>\n",
            &opts(),
            &none,
        );
        assert!(!r.html.contains("<script>"), "{}", r.html);
        assert!(!r.html.contains("<div onclick"), "{}", r.html);
        assert!(r.html.contains("&lt;script&gt;"));
        let raw = render(
            "<b>bold</b>",
            &Options {
                raw_html: true,
                ..opts()
            },
            &none,
        );
        assert!(raw.html.contains("<b>bold</b>"));
    }

    #[test]
    fn script_links_are_neutralised() {
        let r = render("[x](javascript:alert(1))", &opts(), &none);
        assert!(!r.html.contains("javascript:"), "{}", r.html);
    }

    #[test]
    fn summary_more_and_first_paragraph() {
        let r = render("一段落目。\n\n二段落目。\n", &opts(), &none);
        assert_eq!(r.summary_html.trim(), "<p>一段落目。</p>");
        assert!(!r.has_more);
        let m = render("A\n\nB\n\n<!-- more -->\n\nC\n", &opts(), &none);
        assert!(m.has_more);
        assert!(m.summary_html.contains("<p>B</p>") && !m.summary_html.contains('C'));
        assert!(
            !m.html.contains("more"),
            "the marker itself is not output: {}",
            m.html
        );
    }

    #[test]
    fn internal_links_resolve_or_report_lines() {
        let resolve = |p: &str| match p {
            "talents/t-1.md" => Resolved::Url("/talents/t-1/".into()),
            "talents/gone.md" => Resolved::Unpublished,
            _ => Resolved::Missing,
        };
        let src = "[a](@/talents/t-1.md#skills)\n\n[b](@/talents/gone.md)\n\n> 詳しくは[c](@/talents/nope.md)\n";
        let r = render(
            src,
            &Options {
                base_path: "/jobs/",
                ..opts()
            },
            &resolve,
        );
        assert!(
            r.html.contains("href=\"/jobs/talents/t-1/#skills\""),
            "{}",
            r.html
        );
        assert!(
            r.html.contains("<p>b</p>"),
            "unpublished link becomes text: {}",
            r.html
        );
        let errs: Vec<_> = r.problems.iter().filter(|p| p.error).collect();
        assert_eq!(errs.len(), 1);
        assert_eq!(
            errs[0].line, 9,
            "line in the .md file (body starts at line 5)"
        );
        assert_eq!(errs[0].column, 7, "`[` after `> 詳しくは`, in characters");
        assert!(errs[0].message.contains("content/talents/nope.md"));
        assert!(
            r.problems
                .iter()
                .any(|p| !p.error && p.line == 7 && p.column == 1)
        );
        assert_eq!(r.links[0].anchor.as_deref(), Some("skills"));
        assert_eq!((r.links[0].line, r.links[0].column), (5, 1));
    }

    #[test]
    fn root_relative_and_relative_links_get_the_base_path() {
        let r = render(
            "![map](/images/map.png) [p](photo.jpg) [x](https://example.org/)",
            &Options {
                base_path: "/jobs/",
                ..opts()
            },
            &none,
        );
        assert!(
            r.html.contains("src=\"/jobs/images/map.png\""),
            "{}",
            r.html
        );
        assert!(
            r.html.contains("href=\"/jobs/stories/a/photo.jpg\""),
            "{}",
            r.html
        );
        assert!(r.html.contains("href=\"https://example.org/\""));
        let paths: Vec<_> = r.links.iter().map(|l| l.path.as_str()).collect();
        assert_eq!(paths, ["/images/map.png", "/stories/a/photo.jpg"]);
    }

    #[test]
    fn same_page_anchor_is_checked() {
        let r = render("## 概要\n\n[ok](#概要) [bad](#nothing)\n", &opts(), &none);
        assert_eq!(r.problems.len(), 1);
        assert!(r.problems[0].message.contains("`nothing`"));
    }

    #[test]
    fn extensions_and_plain_text() {
        let src =
            "| a | b |\n|---|---|\n| 1 | 2 |\n\n~~old~~ - [x] done\n\nText[^1].\n\n[^1]: Note.\n";
        let r = render(src, &opts(), &none);
        assert!(r.html.contains("<table>"));
        assert!(r.html.contains("<del>old</del>"));
        assert!(r.html.contains("footnote-definition"));
        assert!(r.anchors.contains(&"1".to_string()));
        assert!(
            !r.plain.contains("Note."),
            "footnotes stay out of plain text: {}",
            r.plain
        );
        assert!(r.plain.contains("Text"));
    }

    #[test]
    fn headings_are_separate_lines_of_plain_text() {
        let r = render(
            "## これから\n\n将来は通訳になりたい。\n\n## Next\nText\n",
            &opts(),
            &none,
        );
        assert_eq!(r.plain, "これから\n将来は通訳になりたい。\nNext\nText");
        assert_eq!(r.summary_text, "これから\n将来は通訳になりたい。");
    }

    #[test]
    fn reading_time_counts_japanese_by_characters() {
        assert_eq!(reading_minutes(&"あ".repeat(1000)), 2);
        assert_eq!(reading_minutes(&"word ".repeat(400)), 2);
        assert_eq!(reading_minutes(""), 1);
        assert_eq!(reading_minutes(&("漢".repeat(500) + &" w".repeat(200))), 2);
    }
}
