//! Links in Markdown: `@/` links resolved through the caller, relative
//! links joined to the page's path, the base path prefixed, dangerous
//! schemes dropped, and every link a later check needs recorded with its
//! place in the writer's file.

use pulldown_cmark::CowStr;

use super::{LinkCheck, Options, Problem, Rendered, Resolved};

/// Where something is in the file.
#[derive(Debug, Clone, Copy)]
pub(super) struct Pos {
    pub(super) line: usize,
    pub(super) column: usize,
}

pub(super) enum LinkOutcome {
    Keep(String),
    Drop,
}

pub(super) fn rewrite_link(
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

pub(super) fn encode_fragment(a: &str) -> String {
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

pub(super) fn escape_attr(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
