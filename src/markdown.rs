//! Markdown → HTML, table of contents, summary, plain text, reading time.
//!
//! Pure: a string and options in, a [`Rendered`] out. Links are resolved
//! through a caller-supplied function (so this module knows nothing of the
//! site), and every link that must be checked later (a root-relative path
//! or an anchor in another page) is returned with its line, so the caller
//! can report a broken one at the right place in the writer's file.

use std::collections::HashMap;

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options as CmOptions, Parser, Tag, TagEnd};
use serde::Serialize;

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

/// Where something is in the file.
#[derive(Debug, Clone, Copy)]
struct Pos {
    line: usize,
    column: usize,
}

enum LinkOutcome {
    Keep(String),
    Drop,
}

fn rewrite_link(
    dest: &CowStr<'_>,
    opts: &Options<'_>,
    resolve: &dyn Fn(&str) -> Resolved,
    at: Pos,
    out: &mut Rendered,
) -> LinkOutcome {
    let Pos { line, column } = at;
    let dest = dest.trim();
    let lower = dest.to_ascii_lowercase();
    if lower.starts_with("javascript:")
        || lower.starts_with("vbscript:")
        || lower.starts_with("data:text")
    {
        out.problems.push(Problem {
            error: false,
            line,
            column,
            message: format!(
                "link `{}` removed: script links are not allowed in content",
                truncate(dest, 40)
            ),
        });
        return LinkOutcome::Keep("#".to_string());
    }
    let (path, anchor) = match dest.split_once('#') {
        Some((p, a)) => (p, Some(percent_decode(a))),
        None => (dest, None),
    };
    if let Some(target) = path.strip_prefix("@/") {
        let target = percent_decode(target);
        return match resolve(&target) {
            Resolved::Url(url) => {
                out.links.push(LinkCheck {
                    path: url.clone(),
                    anchor: anchor.clone(),
                    line,
                    column,
                    written: dest.to_string(),
                });
                LinkOutcome::Keep(with_base(opts.base_path, &url, anchor.as_deref()))
            }
            Resolved::Unpublished => {
                out.problems.push(Problem {
                    error: false,
                    line,
                    column,
                    message: format!("link `{dest}` points to a page that is not published; it is shown as plain text"),
                });
                LinkOutcome::Drop
            }
            Resolved::Missing => {
                out.problems.push(Problem {
                    error: true,
                    line,
                    column,
                    message: format!("broken internal link `{dest}`: no file content/{target}"),
                });
                LinkOutcome::Keep("#".to_string())
            }
        };
    }
    if path.is_empty() {
        // `#anchor` on this page
        out.links.push(LinkCheck {
            path: String::new(),
            anchor,
            line,
            column,
            written: dest.to_string(),
        });
        return LinkOutcome::Keep(dest.to_string());
    }
    if is_external(path) {
        return LinkOutcome::Keep(dest.to_string());
    }
    let site_path = if let Some(rest) = path.strip_prefix('/') {
        format!("/{}", percent_decode(rest))
    } else {
        join_relative(opts.page_path, &percent_decode(path))
    };
    out.links.push(LinkCheck {
        path: site_path.clone(),
        anchor: anchor.clone(),
        line,
        column,
        written: dest.to_string(),
    });
    LinkOutcome::Keep(with_base(opts.base_path, &site_path, anchor.as_deref()))
}

fn truncate(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

fn is_external(path: &str) -> bool {
    path.starts_with("//")
        || path.split_once(':').is_some_and(|(scheme, _)| {
            !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        })
}

/// `/stories/a/` + `photo.jpg` → `/stories/a/photo.jpg`; handles `..`.
fn join_relative(page_path: &str, rel: &str) -> String {
    let mut parts: Vec<&str> = page_path.split('/').filter(|s| !s.is_empty()).collect();
    if !page_path.ends_with('/') {
        parts.pop();
    }
    let trailing = rel.ends_with('/');
    for seg in rel.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    let mut p = format!("/{}", parts.join("/"));
    if trailing && !p.ends_with('/') {
        p.push('/');
    }
    p
}

/// Prefixes the base path and percent-encodes.
pub fn with_base(base_path: &str, site_path: &str, anchor: Option<&str>) -> String {
    let mut s = String::with_capacity(base_path.len() + site_path.len() + 8);
    s.push_str(base_path.trim_end_matches('/'));
    s.push_str(&crate::slug::encode_path(site_path));
    if let Some(a) = anchor {
        s.push('#');
        s.push_str(&encode_fragment(a));
    }
    s
}

fn encode_fragment(a: &str) -> String {
    const SET: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
        .add(b' ')
        .add(b'"')
        .add(b'<')
        .add(b'>')
        .add(b'`')
        .add(b'#')
        .add(b'%');
    percent_encoding::utf8_percent_encode(a, SET).to_string()
}

fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .to_string()
}

fn escape_attr(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// GitHub-style heading id: lower-case, letters/digits of any script, `-`
/// and `_` kept, spaces become `-`, everything else dropped.
pub fn heading_id(text: &str) -> String {
    let mut id = String::with_capacity(text.len());
    for c in text.trim().chars() {
        if c.is_alphanumeric() || c == '_' || c == '-' {
            id.extend(c.to_lowercase());
        } else if c == ' ' || c == '\u{3000}' {
            id.push('-');
        } else if is_mark(c) {
            id.push(c); // combining marks (e.g. dakuten written separately) stay
        }
    }
    id
}

fn is_mark(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x3099..=0x309A)
}

fn unique_id(base: &str, seen: &mut HashMap<String, usize>) -> String {
    let Some(&last) = seen.get(base) else {
        seen.insert(base.to_string(), 0);
        return base.to_string();
    };
    let mut n = last;
    loop {
        n += 1;
        let candidate = format!("{base}-{n}");
        if !seen.contains_key(&candidate) {
            seen.insert(base.to_string(), n);
            seen.insert(candidate.clone(), 0);
            return candidate;
        }
    }
}

fn plain_text(events: &[Event<'_>]) -> String {
    let mut s = String::new();
    let mut in_footnote = 0;
    for e in events {
        match e {
            Event::Start(Tag::FootnoteDefinition(_)) => in_footnote += 1,
            Event::End(TagEnd::FootnoteDefinition) => in_footnote -= 1,
            _ if in_footnote > 0 => {}
            Event::Text(t) | Event::Code(t) => s.push_str(t),
            Event::SoftBreak | Event::HardBreak => push_sep(&mut s, ' '),
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::CodeBlock
                | TagEnd::TableCell
                | TagEnd::BlockQuote(_),
            ) => push_sep(&mut s, '\n'),
            // headings arrive here as block HTML (their id is computed first):
            // a block ends a line, so a heading never runs into the next paragraph
            Event::Html(_) => push_sep(&mut s, '\n'),
            Event::InlineHtml(_) => {}
            _ => {}
        }
    }
    s.trim().to_string()
}

fn push_sep(s: &mut String, sep: char) {
    if !s.is_empty() && !s.ends_with(['\n', ' ']) {
        s.push(sep);
    } else if sep == '\n' && s.ends_with(' ') {
        s.pop();
        s.push('\n');
    }
}

/// Japanese is read by characters (~500 a minute), English by words (~200).
pub fn reading_minutes(plain: &str) -> u32 {
    let mut cjk = 0usize;
    let mut words = 0usize;
    let mut in_word = false;
    for c in plain.chars() {
        if read_by_character(c) {
            cjk += 1;
            in_word = false;
        } else if c.is_alphanumeric() {
            if !in_word {
                words += 1;
                in_word = true;
            }
        } else {
            in_word = false;
        }
    }
    let minutes = cjk as f64 / 500.0 + words as f64 / 200.0;
    (minutes.ceil() as u32).max(1)
}

/// A character the reading time counts one by one: Chinese and Japanese
/// script ([`crate::text::is_cjk`]) but not Hangul, since Korean puts
/// spaces between its words and is counted by them; and, in Japanese
/// text, the middle dot that joins its words (`代表・行政担当者`) and
/// half-width katakana (the search tokenizer never sees those: NFKC
/// makes them full width).
fn read_by_character(c: char) -> bool {
    match c as u32 {
        0xAC00..=0xD7A3 => false,
        0x30A0 | 0x30FB | 0xFF66..=0xFF9F => true,
        _ => crate::text::is_cjk(c),
    }
}

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
