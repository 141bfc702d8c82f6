//! Links written in Markdown, checked against the finished output: a page
//! that exists, and the heading or footnote an anchor names.

use crate::error::Diagnostic;
use crate::output::Output;
use crate::site::Site;

/// Checks links found in Markdown against the finished output.
pub(super) fn check_links(site: &Site, output: &Output) -> Vec<Diagnostic> {
    let by_path: std::collections::HashMap<&str, usize> = site
        .pages
        .iter()
        .enumerate()
        .map(|(i, p)| (p.path.as_str(), i))
        .collect();
    let mut out = Vec::new();
    for (page_id, l) in &site.link_checks {
        let page = &site.pages[*page_id];
        let Some((_, bytes)) = output.lookup(&l.path) else {
            out.push(
                Diagnostic::error(
                    page.file.clone(),
                    Some(l.line),
                    format!(
                        "broken link `{}`: nothing is published at {}",
                        l.written, l.path
                    ),
                )
                .at_column(Some(l.column)),
            );
            continue;
        };
        if let Some(anchor) = &l.anchor {
            let ok = match by_path.get(l.path.as_str()) {
                Some(&i) => site.pages[i].body.anchors.iter().any(|a| a == anchor),
                None => {
                    let needle = format!("id=\"{anchor}\"");
                    std::str::from_utf8(bytes).is_ok_and(|s| s.contains(&needle))
                }
            };
            if !ok {
                out.push(
                    Diagnostic::error(
                        page.file.clone(),
                        Some(l.line),
                        format!(
                            "broken link `{}`: {} has no heading or footnote with id `{anchor}`",
                            l.written, l.path
                        ),
                    )
                    .at_column(Some(l.column)),
                );
            }
        }
    }
    out.sort();
    out.dedup();
    out
}
