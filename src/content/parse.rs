//! Reading one content file: bytes → UTF-8 → front matter → typed schema,
//! plus the checks that need only that file (forbidden keys, personal data
//! in the text). Pure per file, so files parse in parallel and the dev
//! server can keep results of unchanged files.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::de::DeserializeOwned;

use super::model::*;
use super::privacy::{self, GuardReport, PiiMatch};
use super::schema::*;
use super::source;
use crate::config::Config;
use crate::error::Diagnostic;
use crate::yaml::{self, Origin};

/// Top-level keys of the talent schema (never "forbidden").
pub(super) const TALENT_KEYS: &[&str] = &[
    "id",
    "display_name",
    "headline",
    "status",
    "job_categories",
    "skills",
    "languages",
    "experience_years",
    "education",
    "availability",
    "regions",
    "origin_region",
    "age_band",
    "photo",
    "tags",
    "verified",
    "consent",
    "extra",
];

/// Where a Markdown file sits, decided from its path alone.
#[derive(Debug, Clone)]
pub(super) enum Place {
    Home,
    SectionIndex(Kind),
    Doc {
        kind: Kind,
        stem: String,
        bundle: bool,
    },
}

#[derive(Debug, Clone)]
pub(super) struct FileEntry {
    pub(super) path: PathBuf,
    pub(super) rel: String,         // relative to the site root
    pub(super) content_rel: String, // relative to content/
    pub(super) place: Place,
    pub(super) lang: String,
}

#[derive(Debug, Clone)]
pub(super) enum Doc {
    Talent(Box<RawTalent>),
    TalentTranslation(Box<RawTalentTranslation>),
    Story(Box<RawStory>),
    Report(Box<RawReport>),
    Page(Box<RawPage>),
    Section(Box<RawSection>, Option<Kind>),
}

#[derive(Debug, Clone)]
pub(super) struct Parsed {
    pub(super) source: Source,
    pub(super) doc: Doc,
    /// The whole file (shared: the dev server's cache hands out clones).
    pub(super) text: Arc<str>,
}

pub(super) fn parse_file(
    e: &FileEntry,
    config: &Config,
    guard: &mut GuardReport,
) -> std::result::Result<Parsed, Vec<Diagnostic>> {
    let bytes = std::fs::read(&e.path).map_err(|err| {
        vec![Diagnostic::error(
            e.rel.clone(),
            None,
            format!("cannot read the file: {err}"),
        )]
    })?;
    let hash = xxhash_rust::xxh3::xxh3_64(&bytes);
    let text = source::decode_utf8(&e.rel, &bytes).map_err(|d| vec![d])?;
    let split = source::split(&e.rel, &text).map_err(|d| vec![d])?;
    // invisible characters in the body would be copied into the page (the
    // YAML reader refuses them in front matter, located in `yaml`)
    let body_start = text.len() - split.body.len();
    if let Some((line, column, c)) =
        crate::text::find_char(&text, body_start, crate::text::is_stray_control)
    {
        let d = crate::text::control_diagnostic(&e.rel, &text, line, column, c);
        return Err(vec![d]);
    }
    let origin = Origin {
        file: &e.rel,
        file_text: &text,
        line_offset: split.yaml_line_offset,
    };
    let (stem, kind_for_key) = match &e.place {
        Place::Home => ("_index".to_string(), None),
        Place::SectionIndex(k) => ("_index".to_string(), Some(*k)),
        Place::Doc { kind, stem, .. } => (stem.clone(), Some(*kind)),
    };
    let translation_key = match kind_for_key.and_then(Kind::section) {
        Some(sec) => format!("{sec}/{stem}"),
        None => stem.clone(),
    };
    let bundle_dir = match &e.place {
        Place::Doc { bundle: true, .. } => e.path.parent().map(Path::to_path_buf),
        _ => None,
    };
    let src = Source {
        path: e.rel.clone(),
        content_path: e.content_rel.clone(),
        lang: e.lang.clone(),
        translation_key,
        stem,
        body: split.body.into(),
        body_line: split.body_line,
        bundle_dir,
        hash,
    };
    fn typed<T: DeserializeOwned>(
        yaml: &str,
        origin: Origin<'_>,
    ) -> std::result::Result<T, Vec<Diagnostic>> {
        if yaml.trim().is_empty() {
            // serde_yaml reads an empty document as unit; say what is missing instead
            return yaml::decode::<T>("{}", origin).map_err(|d| vec![d.at_column(None)]);
        }
        yaml::decode::<T>(yaml, origin).map_err(|d| vec![d])
    }
    let doc = match &e.place {
        Place::Home => Doc::Section(Box::new(typed(split.yaml, origin)?), None),
        Place::SectionIndex(k) => Doc::Section(Box::new(typed(split.yaml, origin)?), Some(*k)),
        Place::Doc {
            kind: Kind::Talent, ..
        } => {
            guard.talent_files += 1;
            let forbidden = privacy::find_forbidden_keys(
                split.yaml,
                &config.privacy.forbidden_keys,
                TALENT_KEYS,
                guard,
            );
            if !forbidden.is_empty() {
                return Err(forbidden
                    .into_iter()
                    .map(|f| {
                        let line = f.line.map(|l| l + split.yaml_line_offset);
                        let mut d = Diagnostic::error(
                            e.rel.clone(),
                            line,
                            format!(
                                "the key `{}` is forbidden in talent profiles: {}. Remove it from the file (it must not be stored here at all)",
                                f.key, f.why
                            ),
                        )
                        .at_column(f.column);
                        // the value is as private as the key says: never echoed
                        d.source_line = line
                            .and_then(|l| text.lines().nth(l - 1))
                            .map(|src| privacy::mask::mask_value(src, f.column));
                        d
                    })
                    .collect());
            }
            if e.lang != config.default_language() {
                Doc::TalentTranslation(Box::new(typed(split.yaml, origin)?))
            } else {
                Doc::Talent(Box::new(typed(split.yaml, origin)?))
            }
        }
        Place::Doc {
            kind: Kind::Story, ..
        } => Doc::Story(Box::new(typed(split.yaml, origin)?)),
        Place::Doc {
            kind: Kind::Report, ..
        } => Doc::Report(Box::new(typed(split.yaml, origin)?)),
        Place::Doc {
            kind: Kind::Page, ..
        } => Doc::Page(Box::new(typed(split.yaml, origin)?)),
    };
    Ok(Parsed {
        source: src,
        doc,
        text: text.into(),
    })
}

/// Personal data in free text: errors in talents, warnings elsewhere. The
/// message and the source line under it show the finding masked.
pub(super) fn pii_findings(
    p: &Parsed,
    config: &Config,
    guard: &mut GuardReport,
    errors: &mut Vec<Diagnostic>,
    warnings: &mut Vec<Diagnostic>,
) {
    let is_talent = matches!(p.doc, Doc::Talent(_) | Doc::TalentTranslation(_));
    let allow = &config.privacy.allow;
    let mut found = privacy::scan_text_counted(&p.text, allow, guard);
    // values YAML decodes differently from their text hold a backslash
    if p.text.contains('\\')
        && let Ok(split) = source::split(&p.source.path, &p.text)
    {
        let offset = split.yaml_line_offset;
        let in_yaml: Vec<PiiMatch> = found
            .iter()
            .filter(|m| m.line > offset)
            .map(|m| PiiMatch {
                line: m.line - offset,
                ..m.clone()
            })
            .collect();
        for mut m in privacy::scan_yaml_values(split.yaml, allow, &in_yaml, guard) {
            m.line += offset;
            found.push(m);
        }
    }
    let lines: Vec<&str> = p.text.lines().collect();
    for m in &found {
        let d = if is_talent {
            Diagnostic::error(
                p.source.path.clone(),
                Some(m.line),
                format!(
                    "{} (`{}`) in a talent profile: profiles never carry contact or identity details; companies contact the organisation",
                    m.kind.describe(),
                    m.masked
                ),
            )
        } else {
            Diagnostic::warning(
                p.source.path.clone(),
                Some(m.line),
                format!(
                    "{} (`{}`) in published text: remove it, or add it to `privacy.allow` in site.yaml if it is the organisation's own",
                    m.kind.describe(),
                    m.masked
                ),
            )
        };
        let mut d = d.at_column(Some(m.column));
        d.source_line = lines
            .get(m.line - 1)
            .map(|src| masked_line(src, m.line, &found));
        if is_talent {
            errors.push(d)
        } else {
            warnings.push(d)
        }
    }
}

/// Line `line` of a file with every finding on it masked.
fn masked_line(src: &str, line: usize, found: &[PiiMatch]) -> String {
    let on_line = || found.iter().filter(|m| m.line == line);
    let ranges: Vec<(usize, usize)> = on_line()
        .map(|m| (m.column - 1, m.end_column - 1))
        .collect();
    let mut out = privacy::mask::mask_line(src, &ranges);
    // a value found only after YAML decoding has no range: mask the value
    for m in on_line().filter(|m| m.end_column <= m.column) {
        out = privacy::mask::mask_value(&out, Some(m.column));
    }
    out
}

/// The `id:` line of a talent file that failed to parse, if there is one.
pub(super) fn guess_id(path: &Path) -> Option<String> {
    let bytes = std::fs::read(path).ok()?;
    let text = String::from_utf8_lossy(&bytes);
    text.lines()
        .find_map(|l| l.strip_prefix("id:"))
        .map(|v| v.trim().trim_matches(['"', '\'']).to_ascii_lowercase())
        .filter(|v| !v.is_empty())
}
