//! Rendering: the site model through Tera templates into files in memory.
//!
//! Every output page is a job; jobs render in parallel (rayon) against one
//! Tera instance that parsed the templates once. Jobs get contexts made of
//! view structs (`crate::views`), never the model. Nothing here touches the disk:
//! the result is a list of files for the output stage.
//!
//! `plan` lists the jobs and what each language shares, `job` renders one,
//! `cache` lets the dev server render again only what changed; `theme`
//! and `meta` make what templates see, with [`crate::i18n`] and
//! `crate::views`.

mod cache;
pub use crate::i18n;
mod job;
pub mod meta;
mod plan;
pub mod theme;

pub use cache::{RenderCache, render_site_cached};

use tera::Tera;

use crate::error::{Diagnostic, Diagnostics, Error, Result};
use crate::site::Site;
use plan::Plan;
use theme::Theme;

pub use crate::output::File;

/// A rendered page: output path and bytes, shared (the output, the dev
/// server's cache and its answers hold the same bytes). Pages are rendered
/// into this form on the rendering threads: converting 18,000 pages from
/// `Vec<u8>` afterwards copied 280 MB on one thread at the end of every
/// 10,000-page build, leaving the other core idle for ~100 ms.
pub type SharedFile = (String, std::sync::Arc<[u8]>);

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
pub(crate) fn template_error(
    theme: &Theme,
    e: &tera::Error,
    rendering: Option<&str>,
) -> Diagnostic {
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

/// Renders every HTML page of `site`.
pub fn render_site(site: &Site, renderer: &Renderer) -> Result<Vec<SharedFile>> {
    let plan = Plan::new(site, renderer);
    let all: Vec<usize> = (0..plan.jobs.len()).collect();
    let (files, errors) = plan.render(site, renderer, &all);
    finish_errors(errors)?;
    Ok(files.into_iter().map(|(_, f)| f).collect())
}

/// Renders the pages of the documents `ids` alone, each as [`render_site`]
/// renders it (the dev server's first answer to an edit of a body).
pub fn render_pages(
    site: &Site,
    renderer: &Renderer,
    ids: &[crate::site::PageId],
) -> Result<Vec<SharedFile>> {
    let plan = Plan::new(site, renderer);
    let selected: Vec<usize> = plan
        .jobs
        .iter()
        .enumerate()
        .filter(|(_, (_, job))| matches!(job, job::Job::Doc(id) if ids.contains(id)))
        .map(|(j, _)| j)
        .collect();
    let (files, errors) = plan.render(site, renderer, &selected);
    finish_errors(errors)?;
    Ok(files.into_iter().map(|(_, f)| f).collect())
}

pub(crate) fn finish_errors(mut errors: Vec<Diagnostic>) -> Result<()> {
    if !errors.is_empty() {
        errors.sort();
        errors.dedup_by(|a, b| {
            a.file == b.file
                && a.line == b.line
                && a.message.split(" (while").next() == b.message.split(" (while").next()
        });
        return Err(Error::Site(Diagnostics(errors)));
    }
    Ok(())
}
