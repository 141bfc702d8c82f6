//! Walking `content/`, parsing every file, and applying the gate.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::NaiveDate;
use rayon::prelude::*;
use serde::de::DeserializeOwned;

use super::date::Date;
use super::gate::{self, BuildAudience, TalentDecision};
use super::model::*;
use super::privacy;
use super::schema::*;
use super::source;
use crate::config::Config;
use crate::error::{Diagnostic, Diagnostics, Error, Result, rel_path};
use crate::yaml::{self, Origin};

/// What a build publishes.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// The date consent and future-dated content are judged against.
    pub today: NaiveDate,
    /// Include drafts and future-dated stories, reports and pages.
    pub drafts: bool,
    /// Public or companies build.
    pub audience: BuildAudience,
}

/// Optional talent fields every site knows (plus `story`, which is a
/// permission rather than a field).
const BUILTIN_OPTIONAL: &[&str] = &["photo", "origin_region", "age_band"];

/// Top-level keys of the talent schema (never "forbidden").
const TALENT_KEYS: &[&str] = &[
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

const IMAGE_EXTENSIONS: &[&str] = &["jpg", "jpeg", "png", "webp", "gif"];

/// Where a Markdown file sits, decided from its path alone.
#[derive(Debug, Clone)]
enum Place {
    Home,
    SectionIndex(Kind),
    Doc {
        kind: Kind,
        stem: String,
        bundle: bool,
    },
}

#[derive(Debug, Clone)]
struct FileEntry {
    path: PathBuf,
    rel: String,         // relative to the site root
    content_rel: String, // relative to content/
    place: Place,
    lang: String,
}

#[derive(Debug, Clone)]
enum Doc {
    Talent(Box<RawTalent>),
    TalentTranslation(Box<RawTalentTranslation>),
    Story(Box<RawStory>),
    Report(Box<RawReport>),
    Page(Box<RawPage>),
    Section(Box<RawSection>, Option<Kind>),
}

#[derive(Debug, Clone)]
struct Parsed {
    source: Source,
    doc: Doc,
    /// The whole file (shared: the dev server's cache hands out clones).
    text: Arc<str>,
}

/// What reading one Markdown file gave, before the gate: the parsed file
/// and the personal-data findings in its text, or the file's errors.
#[derive(Debug)]
enum FileResult {
    Ok {
        parsed: Box<Parsed>,
        pii_errors: Vec<Diagnostic>,
        pii_warnings: Vec<Diagnostic>,
    },
    Err {
        diags: Vec<Diagnostic>,
        /// For a talent file: the `id:` it seems to have.
        guessed_id: Option<String>,
    },
}

/// Parse results of unchanged files, kept between builds by the dev server.
///
/// Reading and parsing a file is a pure function of its bytes, its path and
/// the site's configuration, so a result is reused while the file's size
/// and modification time are unchanged and no watcher said it changed
/// ([`LoadCache::invalidate`]); a changed configuration empties the cache.
/// The consent gate, which decides what is published, is never cached: it
/// runs over every file on every build.
#[derive(Debug, Default)]
pub struct LoadCache {
    config: Option<Config>,
    files: HashMap<PathBuf, (FileStamp, Arc<FileResult>)>,
    /// Files that must be read again whatever their stamp says.
    dirty: std::collections::HashSet<PathBuf>,
    /// Files read (not taken from the cache) by the last load.
    pub last_parsed: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FileStamp {
    len: u64,
    modified: Option<std::time::SystemTime>,
}

impl FileStamp {
    fn of(path: &Path) -> Option<FileStamp> {
        let m = std::fs::metadata(path).ok()?;
        Some(FileStamp {
            len: m.len(),
            modified: m.modified().ok(),
        })
    }
}

impl LoadCache {
    /// Forgets what is known about `path` (a file or a folder): it is read
    /// again by the next load.
    pub fn invalidate(&mut self, path: &Path) {
        if self.files.contains_key(path) {
            self.dirty.insert(path.to_path_buf());
        }
        let under: Vec<PathBuf> = self
            .files
            .keys()
            .filter(|p| p.starts_with(path) && p.as_path() != path)
            .cloned()
            .collect();
        self.dirty.extend(under);
    }

    /// Forgets everything.
    pub fn clear(&mut self) {
        self.files.clear();
        self.dirty.clear();
        self.config = None;
    }
}

/// Loads all content under `root/content`, gated for `opts`.
pub fn load(root: &Path, config: &Config, opts: &LoadOptions) -> Result<Content> {
    load_inner(root, config, opts, None)
}

/// [`load`], reusing the parse results of unchanged files from `cache` (the
/// dev server). The result is the same as [`load`]'s.
pub fn load_cached(
    root: &Path,
    config: &Config,
    opts: &LoadOptions,
    cache: &mut LoadCache,
) -> Result<Content> {
    load_inner(root, config, opts, Some(cache))
}

/// Reads and parses one file, with its personal-data findings.
fn read_file(e: &FileEntry, config: &Config) -> FileResult {
    match parse_file(e, config) {
        Ok(parsed) => {
            let mut pii_errors = Vec::new();
            let mut pii_warnings = Vec::new();
            pii_findings(&parsed, config, &mut pii_errors, &mut pii_warnings);
            FileResult::Ok {
                parsed: Box::new(parsed),
                pii_errors,
                pii_warnings,
            }
        }
        Err(diags) => FileResult::Err {
            diags,
            guessed_id: match e.place {
                Place::Doc {
                    kind: Kind::Talent, ..
                } => guess_id(&e.path),
                _ => None,
            },
        },
    }
}

fn load_inner(
    root: &Path,
    config: &Config,
    opts: &LoadOptions,
    cache: Option<&mut LoadCache>,
) -> Result<Content> {
    let content_dir = root.join("content");
    if !content_dir.is_dir() {
        return Err(Error::site(Diagnostic::error(
            "content",
            None,
            format!(
                "no content folder at {}; create content/ with talents/, stories/ and reports/",
                content_dir.display()
            ),
        )));
    }
    let mut diags = Vec::new();
    let (entries, other_files) = walk(root, &content_dir, config, &mut diags)?;

    let results: Vec<Arc<FileResult>> = match cache {
        None => entries
            .par_iter()
            .map(|e| Arc::new(read_file(e, config)))
            .collect(),
        Some(cache) => {
            if cache.config.as_ref() != Some(config) {
                cache.clear();
                cache.config = Some(config.clone());
            }
            let dirty = std::mem::take(&mut cache.dirty);
            let stamps: Vec<Option<FileStamp>> =
                entries.par_iter().map(|e| FileStamp::of(&e.path)).collect();
            let known = &cache.files;
            let results: Vec<(Arc<FileResult>, bool)> = entries
                .par_iter()
                .zip(&stamps)
                .map(|(e, stamp)| match (known.get(&e.path), stamp) {
                    (Some((old, r)), Some(now)) if old == now && !dirty.contains(&e.path) => {
                        (r.clone(), false)
                    }
                    _ => (Arc::new(read_file(e, config)), true),
                })
                .collect();
            cache.last_parsed = results.iter().filter(|(_, fresh)| *fresh).count();
            let mut files = HashMap::with_capacity(entries.len());
            for ((e, stamp), (r, _)) in entries.iter().zip(stamps).zip(&results) {
                if let Some(stamp) = stamp {
                    files.insert(e.path.clone(), (stamp, r.clone()));
                }
            }
            cache.files = files;
            results.into_iter().map(|(r, _)| r).collect()
        }
    };
    let mut files = Vec::with_capacity(results.len());
    // ids of talent files that failed to parse: stories naming them get no
    // second, confusing "no such talent" error
    let mut broken_talents = std::collections::BTreeSet::new();
    // Personal data in free text: errors in talents, warnings elsewhere
    // (found per file, so that reading a file stays a pure function of it).
    let mut warnings = Vec::new();
    for r in &results {
        match &**r {
            FileResult::Ok {
                parsed,
                pii_errors,
                pii_warnings,
            } => {
                files.push((**parsed).clone());
                diags.extend(pii_errors.iter().cloned());
                warnings.extend(pii_warnings.iter().cloned());
            }
            FileResult::Err {
                diags: ds,
                guessed_id,
            } => {
                diags.extend(ds.iter().cloned());
                broken_talents.extend(guessed_id.clone());
            }
        }
    }

    let mut gate = Gate {
        root,
        content_dir: &content_dir,
        config,
        opts,
        diags: &mut diags,
        warnings: &mut warnings,
        content: Content::default(),
        talent_files: BTreeMap::new(),
        broken_talents,
    };
    gate.run(files, &other_files);
    let mut content = gate.content;
    diags.retain(|d| d.is_error());
    if !diags.is_empty() {
        let mut all = Diagnostics(diags);
        all.0.extend(warnings);
        all.sort();
        return Err(Error::Site(all));
    }
    warnings.sort();
    content.warnings = warnings;
    Ok(content)
}

/// Skips hidden files, editor backups and swap files.
fn is_ignored(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name.ends_with(".bak")
}

type Walked = (Vec<FileEntry>, BTreeMap<PathBuf, Vec<PathBuf>>);

fn walk(
    root: &Path,
    content_dir: &Path,
    config: &Config,
    diags: &mut Vec<Diagnostic>,
) -> Result<Walked> {
    let mut entries = Vec::new();
    let mut others: BTreeMap<PathBuf, Vec<PathBuf>> = BTreeMap::new();
    let walker = walkdir::WalkDir::new(content_dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored(&e.file_name().to_string_lossy()));
    for entry in walker {
        let entry = entry.map_err(|e| {
            let path = e.path().unwrap_or(content_dir).to_path_buf();
            let io = e
                .into_io_error()
                .unwrap_or_else(|| std::io::Error::other("filesystem loop"));
            Error::io("reading", &path, io)
        })?;
        if !entry.file_type().is_file() {
            continue;
        }
        let path = entry.path().to_path_buf();
        let rel = rel_path(root, &path);
        let content_rel = rel_path(content_dir, &path);
        if path.extension().and_then(|e| e.to_str()) != Some("md") {
            let dir = path.parent().unwrap_or(content_dir).to_path_buf();
            others.entry(dir).or_default().push(path);
            continue;
        }
        match place_of(&content_rel, config) {
            Ok((place, lang)) => entries.push(FileEntry {
                path,
                rel,
                content_rel,
                place,
                lang,
            }),
            Err(msg) => diags.push(Diagnostic::error(rel, None, msg)),
        }
    }
    Ok((entries, others))
}

/// `about.en.md` → ("about", "en") when `en` is a site language.
fn split_lang<'a>(
    name: &'a str,
    config: &Config,
) -> std::result::Result<(&'a str, String), String> {
    let stem = name.strip_suffix(".md").unwrap_or(name);
    if let Some((base, lang)) = stem.rsplit_once('.') {
        if config.languages.iter().any(|l| l == lang) {
            if lang == config.default_language() {
                return Err(format!(
                    "`.{lang}.md` is the default language; name the file `{base}.md`"
                ));
            }
            return Ok((base, lang.to_string()));
        }
        if lang.len() == 2 && lang.bytes().all(|b| b.is_ascii_lowercase()) {
            return Err(format!(
                "`.{lang}.md` looks like a translation, but `{lang}` is not in site.yaml `languages` ({})",
                config.languages.join(", ")
            ));
        }
    }
    Ok((stem, config.default_language().to_string()))
}

fn place_of(content_rel: &str, config: &Config) -> std::result::Result<(Place, String), String> {
    let parts: Vec<&str> = content_rel.split('/').collect();
    let file = parts[parts.len() - 1];
    let (stem, lang) = split_lang(file, config)?;
    let place = match parts.as_slice() {
        [_] if stem == "_index" => Place::Home,
        [_] => Place::Doc {
            kind: Kind::Page,
            stem: stem.to_string(),
            bundle: false,
        },
        [dir, _] => match Kind::from_section(dir) {
            Some(kind) if stem == "_index" => Place::SectionIndex(kind),
            Some(kind) => Place::Doc {
                kind,
                stem: stem.to_string(),
                bundle: false,
            },
            None if stem == "index" => Place::Doc {
                kind: Kind::Page,
                stem: dir.to_string(),
                bundle: true,
            },
            None => {
                return Err(format!(
                    "`{dir}/` is not a section; Markdown goes in talents/, stories/, reports/, directly in content/, or in a bundle folder as index.md"
                ));
            }
        },
        [dir, bundle, _] if Kind::from_section(dir).is_some() && stem == "index" => Place::Doc {
            kind: Kind::from_section(dir).unwrap_or(Kind::Page),
            stem: bundle.to_string(),
            bundle: true,
        },
        _ => {
            return Err(
                "this Markdown file is not published: inside a bundle folder only index.md is a page, and sections have no sub-folders"
                    .to_string(),
            );
        }
    };
    Ok((place, lang))
}

fn parse_file(e: &FileEntry, config: &Config) -> std::result::Result<Parsed, Vec<Diagnostic>> {
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
        body: split.body.to_string(),
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
            let forbidden = privacy::find_forbidden_keys(
                split.yaml,
                &config.privacy.forbidden_keys,
                TALENT_KEYS,
            );
            if !forbidden.is_empty() {
                return Err(forbidden
                    .into_iter()
                    .map(|f| {
                        Diagnostic::error(
                            e.rel.clone(),
                            f.line.map(|l| l + split.yaml_line_offset),
                            format!(
                                "the key `{}` is forbidden in talent profiles: {}. Remove it from the file (it must not be stored here at all)",
                                f.key, f.why
                            ),
                        )
                        .at_column(f.column)
                        .with_source(&text)
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

/// Personal data in free text: errors in talents, warnings elsewhere.
fn pii_findings(
    p: &Parsed,
    config: &Config,
    errors: &mut Vec<Diagnostic>,
    warnings: &mut Vec<Diagnostic>,
) {
    let is_talent = matches!(p.doc, Doc::Talent(_) | Doc::TalentTranslation(_));
    for m in privacy::scan_text(&p.text, &config.privacy.allow) {
        let d = if is_talent {
            Diagnostic::error(
                p.source.path.clone(),
                Some(m.line),
                format!(
                    "{} (`{}`) in a talent profile: profiles never carry contact or identity details; companies contact the organisation",
                    m.kind.describe(),
                    m.text
                ),
            )
        } else {
            Diagnostic::warning(
                p.source.path.clone(),
                Some(m.line),
                format!(
                    "{} (`{}`) in published text: remove it, or add it to `privacy.allow` in site.yaml if it is the organisation's own",
                    m.kind.describe(),
                    m.text
                ),
            )
        };
        let d = d.at_column(Some(m.column)).with_source(&p.text);
        if is_talent {
            errors.push(d)
        } else {
            warnings.push(d)
        }
    }
}

struct Gate<'a> {
    root: &'a Path,
    content_dir: &'a Path,
    config: &'a Config,
    opts: &'a LoadOptions,
    diags: &'a mut Vec<Diagnostic>,
    warnings: &'a mut Vec<Diagnostic>,
    content: Content,
    /// Every talent id (published or not) → (published?, story link allowed, reason)
    talent_files: BTreeMap<String, TalentStatus>,
    /// Lower-cased ids of talent files that did not parse.
    broken_talents: std::collections::BTreeSet<String>,
}

struct TalentStatus {
    published: bool,
    story_link_allowed: bool,
    reason: Option<String>,
}

impl Gate<'_> {
    fn offset(&self) -> i32 {
        self.config.offset_seconds()
    }

    fn line_of(&self, text: &str, key: &str) -> Option<usize> {
        yaml::find_key_line(text, key, 1).map(|(l, _)| l)
    }

    fn error(&mut self, p: &Parsed, key: &str, msg: String) {
        let line = self.line_of(&p.text, key);
        self.diags
            .push(Diagnostic::error(p.source.path.clone(), line, msg).with_source(&p.text));
    }

    fn warn(&mut self, p: &Parsed, key: &str, msg: String) {
        let line = self.line_of(&p.text, key);
        self.warnings
            .push(Diagnostic::warning(p.source.path.clone(), line, msg).with_source(&p.text));
    }

    fn run(&mut self, files: Vec<Parsed>, others: &BTreeMap<PathBuf, Vec<PathBuf>>) {
        let mut talents = Vec::new();
        let mut talent_translations = Vec::new();
        let mut rest = Vec::new();
        for p in files {
            match p.doc {
                Doc::Talent(_) => talents.push(p),
                Doc::TalentTranslation(_) => talent_translations.push(p),
                _ => rest.push(p),
            }
        }
        self.gate_talents(talents);
        self.attach_talent_translations(talent_translations);
        let mut slugs: HashMap<(Kind, String, String), String> = HashMap::new();
        for p in rest {
            let Parsed { source, doc, text } = p;
            match doc {
                Doc::Talent(_) | Doc::TalentTranslation(_) => {
                    unreachable!("talents were handled above")
                }
                Doc::Story(raw) => self.gate_story(*raw, source, text, &mut slugs, others),
                Doc::Report(raw) => self.gate_report(*raw, source, text, &mut slugs, others),
                Doc::Page(raw) => self.gate_page(*raw, source, text, &mut slugs, others),
                Doc::Section(raw, section) => self.content.sections.push(SectionIndex {
                    source,
                    section,
                    title: raw.title,
                    description: raw.description,
                    extra: raw.extra,
                }),
            }
        }
        self.translations_follow_originals();
        self.content.privacy.today = Some(self.opts.today);
        self.content.privacy.talents.sort_by(|a, b| a.id.cmp(&b.id));
    }

    /// `t-1.en.md` translates the text of `t-1.md`: its name, headline and
    /// body. Everything else, consent first, comes from the original, so a
    /// translation can never publish a person the original withholds.
    fn attach_talent_translations(&mut self, files: Vec<Parsed>) {
        for p in files {
            let Doc::TalentTranslation(raw) = &p.doc else {
                continue;
            };
            let original = self
                .content
                .talents
                .iter_mut()
                .find(|t| t.source.translation_key == p.source.translation_key);
            match original {
                Some(t) => {
                    t.translations.insert(
                        p.source.lang.clone(),
                        TalentTranslation {
                            display_name: raw.display_name.clone(),
                            headline: raw.headline.clone(),
                            source: p.source,
                        },
                    );
                }
                None => {
                    let withheld = self.content.unpublished.keys().any(|k| {
                        k.strip_suffix(".md")
                            .map(|k| k.trim_end_matches("/index"))
                            .is_some_and(|k| k == p.source.translation_key)
                    });
                    if withheld {
                        self.content
                            .unpublished
                            .insert(p.source.content_path.clone(), Unpublished::Withheld);
                    } else if !self
                        .broken_talents
                        .iter()
                        .any(|id| p.source.translation_key.ends_with(&format!("/{id}")))
                    {
                        let stem = &p.source.stem;
                        self.error(
                            &p,
                            "headline",
                            format!(
                                "a translation of a talent profile needs its original: no content/talents/{stem}.md (or {stem}/index.md)"
                            ),
                        );
                    }
                }
            }
        }
    }

    /// A story, report or page translated into another language is published
    /// only while its original is: the English version of a withheld story
    /// must not survive it.
    fn translations_follow_originals(&mut self) {
        let default = self.config.default_language().to_string();
        let unpublished_keys: std::collections::HashSet<String> = self
            .content
            .unpublished
            .keys()
            .map(|k| translation_key_of(k, &self.config.languages))
            .collect();
        let mut dropped = Vec::new();
        let mut keep = |src: &Source| {
            let gone = src.lang != default && unpublished_keys.contains(&src.translation_key);
            if gone {
                dropped.push(src.content_path.clone());
            }
            !gone
        };
        self.content.stories.retain(|s| keep(&s.source));
        self.content.reports.retain(|r| keep(&r.source));
        self.content.pages.retain(|p| keep(&p.source));
        for path in dropped {
            self.content.unpublished.insert(path, Unpublished::Withheld);
        }
    }

    fn gate_talents(&mut self, talents: Vec<Parsed>) {
        let mut by_id: BTreeMap<String, String> = BTreeMap::new();
        let mut known_scope: Vec<String> = BUILTIN_OPTIONAL.iter().map(|s| s.to_string()).collect();
        known_scope.push("story".to_string());
        known_scope.extend(self.config.privacy.optional_fields.iter().cloned());
        for p in talents {
            let Doc::Talent(raw) = &p.doc else { continue };
            let raw: &RawTalent = raw;
            if raw.id.is_empty()
                || !raw
                    .id
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
            {
                self.error(
                    &p,
                    "id",
                    format!(
                        "`id: {}` may contain only letters A–Z, digits and `-`",
                        raw.id
                    ),
                );
                continue;
            }
            let key = raw.id.to_ascii_lowercase();
            if let Some(first) = by_id.get(&key) {
                let msg = format!(
                    "duplicate talent id `{}`: {first} already uses it (ids are compared without case)",
                    raw.id
                );
                self.error(&p, "id", msg);
                continue;
            }
            by_id.insert(key.clone(), p.source.path.clone());
            let mut bad_scope = false;
            for l in &raw.languages {
                if !super::iso639::is_code(&l.code) {
                    let hint = super::iso639::suggestion(&l.code)
                        .map(|s| format!(" (did you mean `{s}`? `{}` is a country code)", l.code))
                        .unwrap_or_default();
                    self.error(
                        &p,
                        "code",
                        format!("`code: {}` is not an ISO 639-1 language code{hint}; expected two lower-case letters such as ja, en, ar", l.code),
                    );
                    bad_scope = true;
                } else if l.jlpt.is_some() && l.code != "ja" {
                    self.error(
                        &p,
                        "jlpt",
                        format!("`jlpt:` is a level of Japanese, but this language is `{}`; use `cefr:` (A1–C2) for other languages", l.code),
                    );
                    bad_scope = true;
                }
            }
            for s in &raw.consent.scope {
                if !known_scope.contains(s) {
                    let hint = yaml::suggest(s, &known_scope)
                        .map(|b| format!(" (did you mean `{b}`?)"))
                        .unwrap_or_default();
                    self.error(
                        &p,
                        "scope",
                        format!(
                            "`{s}` in consent.scope is not an optional field{hint}; allowed: {}",
                            known_scope.join(", ")
                        ),
                    );
                    bad_scope = true;
                }
            }
            if raw.consent.expires.date <= raw.consent.given.date {
                self.error(
                    &p,
                    "expires",
                    format!(
                        "consent expires ({}) on or before it was given ({})",
                        raw.consent.expires, raw.consent.given
                    ),
                );
                bad_scope = true;
            }
            if bad_scope {
                continue;
            }
            let decision = gate::talent_decision(
                &raw.consent,
                raw.status,
                self.opts.today,
                self.offset(),
                self.opts.audience,
            );
            let in_scope = |f: &str| raw.consent.scope.iter().any(|s| s == f);
            let mut shown: Vec<String> = raw
                .consent
                .scope
                .iter()
                .filter(|s| match s.as_str() {
                    "story" => true,
                    "photo" => raw.photo.is_some(),
                    "origin_region" => raw.origin_region.is_some(),
                    "age_band" => raw.age_band.is_some(),
                    other => raw.extra.contains_key(other),
                })
                .cloned()
                .collect();
            shown.sort();
            self.content.privacy.talents.push(TalentDecision {
                id: raw.id.clone(),
                file: p.source.path.clone(),
                outcome: decision.clone().map(|_| shown),
                expires: Some(raw.consent.expires),
                audience: raw.consent.audience,
            });
            self.talent_files.insert(
                key.clone(),
                TalentStatus {
                    published: decision.is_ok(),
                    story_link_allowed: in_scope("story"),
                    reason: decision.as_ref().err().map(|r| r.describe()),
                },
            );
            if decision.is_err() {
                self.content
                    .unpublished
                    .insert(p.source.content_path.clone(), Unpublished::Withheld);
                continue;
            }
            let photo = match (&raw.photo, in_scope("photo")) {
                (Some(photo), true) => match self.resolve_image(&p, photo, "photo") {
                    Some(source) => {
                        let ext = image_ext(&source);
                        Some(ImageRef {
                            source,
                            output: format!("talents/{key}/photo.{ext}"),
                        })
                    }
                    None => continue,
                },
                _ => None,
            };
            let optional = &self.config.privacy.optional_fields;
            let extra = raw
                .extra
                .iter()
                .filter(|(k, _)| !optional.contains(k) || in_scope(k))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            let raw = raw.clone();
            if let Some(img) = &photo {
                self.content.images.push(img.clone());
            }
            self.content.talents.push(Talent {
                id: raw.id,
                display_name: raw.display_name,
                headline: raw.headline,
                job_categories: raw.job_categories,
                skills: raw
                    .skills
                    .into_iter()
                    .map(|s| match s {
                        RawSkill::Name(name) => Skill {
                            name,
                            level: None,
                            years: None,
                        },
                        RawSkill::Detailed(d) => Skill {
                            name: d.name,
                            level: d.level,
                            years: d.years,
                        },
                    })
                    .collect(),
                languages: raw.languages,
                experience_years: raw.experience_years,
                education: raw.education,
                availability: raw.availability,
                regions: raw.regions,
                tags: raw.tags,
                verified: raw.verified,
                origin_region: raw.origin_region.filter(|_| in_scope("origin_region")),
                age_band: raw.age_band.filter(|_| in_scope("age_band")),
                photo,
                extra,
                story_link_allowed: in_scope("story"),
                companies_only: raw.consent.audience == Audience::Companies,
                translations: BTreeMap::new(),
                source: p.source,
            });
        }
    }

    /// Resolves an image path relative to the document's folder, inside `content/`.
    fn resolve_image(&mut self, p: &Parsed, value: &str, key: &str) -> Option<PathBuf> {
        let doc_dir = self.root.join(&p.source.path);
        let doc_dir = doc_dir.parent().unwrap_or(self.content_dir);
        let rel = Path::new(value);
        let bad = rel.is_absolute()
            || rel
                .components()
                .any(|c| !matches!(c, std::path::Component::Normal(_)));
        if bad {
            self.error(p, key, format!("`{key}: {value}` must be a file beside the Markdown file (no `/` at the start, no `..`)"));
            return None;
        }
        let path = doc_dir.join(rel);
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        if !ext
            .as_deref()
            .is_some_and(|e| IMAGE_EXTENSIONS.contains(&e))
        {
            self.error(
                p,
                key,
                format!("`{key}: {value}` is not an image; expected .jpg, .png, .webp or .gif"),
            );
            return None;
        }
        if !path.is_file() {
            self.error(
                p,
                key,
                format!(
                    "`{key}: {value}`: no such file {}",
                    rel_path(self.root, &path)
                ),
            );
            return None;
        }
        Some(path)
    }

    /// Drafts and future-dated documents are left out unless `--drafts`.
    fn unpublished_by_date(&mut self, source: &Source, draft: bool, date: Option<&Date>) -> bool {
        if self.opts.drafts {
            return false;
        }
        let why = if draft {
            Some(Unpublished::Draft)
        } else if date.is_some_and(|d| d.date_in(self.offset()) > self.opts.today) {
            Some(Unpublished::Future)
        } else {
            None
        };
        if let Some(why) = why {
            self.content
                .unpublished
                .insert(source.content_path.clone(), why);
            return true;
        }
        false
    }

    fn slug_for(
        &mut self,
        p: &Parsed,
        kind: Kind,
        explicit: Option<&str>,
        slugs: &mut HashMap<(Kind, String, String), String>,
    ) -> Option<String> {
        let slug = match explicit {
            Some(s) => {
                if s.is_empty()
                    || !s
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                {
                    self.error(
                        p,
                        "slug",
                        format!(
                            "`slug: {s}` may contain only lower-case ASCII letters, digits and `-`"
                        ),
                    );
                    return None;
                }
                s.to_string()
            }
            None => crate::slug::slugify(&p.source.stem),
        };
        if slug.is_empty() {
            self.error(
                p,
                "title",
                "the file name gives an empty URL; rename the file or set `slug:`".to_string(),
            );
            return None;
        }
        let key = (kind, p.source.lang.clone(), slug.clone());
        if let Some(other) = slugs.get(&key) {
            let msg = format!(
                "two pages with one URL: {other} has the same slug `{slug}`; set a different `slug:` in one of them"
            );
            self.error(p, if explicit.is_some() { "slug" } else { "title" }, msg);
            return None;
        }
        slugs.insert(key, p.source.path.clone());
        Some(slug)
    }

    /// Bundle files beside an index.md are published with it; images are re-encoded.
    fn bundle_assets(
        &mut self,
        source: &Source,
        out_dir: &str,
        others: &BTreeMap<PathBuf, Vec<PathBuf>>,
    ) {
        let Some(dir) = &source.bundle_dir else {
            return;
        };
        if source.lang != self.config.default_language() {
            return; // a translation shares its original's files
        }
        for f in others.get(dir).into_iter().flatten() {
            let name = f
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            let ext = f
                .extension()
                .and_then(|e| e.to_str())
                .map(str::to_ascii_lowercase);
            let reencode = ext
                .as_deref()
                .is_some_and(|e| IMAGE_EXTENSIONS.contains(&e));
            self.content.assets.push(Asset {
                source: f.clone(),
                output: format!("{out_dir}/{name}"),
                reencode,
            });
        }
    }

    fn gate_story(
        &mut self,
        raw: RawStory,
        source: Source,
        text: Arc<str>,
        slugs: &mut HashMap<(Kind, String, String), String>,
        others: &BTreeMap<PathBuf, Vec<PathBuf>>,
    ) {
        let p = Parsed {
            source,
            doc: Doc::Story(Box::new(raw.clone())),
            text,
        };
        if raw.talent.is_some() && raw.consent.is_none() {
            self.error(&p, "talent", "missing consent: a story that features a talent needs its own `consent:` block (record_id, given, expires)".to_string());
            return;
        }
        if let Some(c) = &raw.consent
            && let Err(reason) = gate::consent_holds(c, self.opts.today, self.offset())
        {
            self.warn(
                &p,
                "consent",
                format!("story not published: {}", reason.describe()),
            );
            self.content
                .unpublished
                .insert(p.source.content_path.clone(), Unpublished::Withheld);
            return;
        }
        let mut talent = None;
        if let Some(id) = &raw.talent {
            match self.talent_files.get(&id.to_ascii_lowercase()) {
                None if self.broken_talents.contains(&id.to_ascii_lowercase()) => {
                    // the talent's own file has an error, reported already
                    return;
                }
                None => {
                    let ids: Vec<String> = self.talent_files.keys().cloned().collect();
                    let hint = yaml::suggest(&id.to_ascii_lowercase(), &ids)
                        .map(|b| format!(" (did you mean `{b}`?)"))
                        .unwrap_or_default();
                    self.error(
                        &p,
                        "talent",
                        format!("`talent: {id}`: no talent profile has this id{hint}"),
                    );
                    return;
                }
                Some(t) if !t.published => {
                    let msg = format!(
                        "the featured talent `{id}` is not published ({}); the story is published without a link to the profile",
                        t.reason.clone().unwrap_or_default()
                    );
                    self.warn(&p, "talent", msg);
                }
                Some(t) if !t.story_link_allowed => {
                    self.warn(&p, "talent", format!("the featured talent `{id}` has not consented to being linked from stories (`story` is not in consent.scope); the story is published without the profile card"));
                }
                Some(_) => talent = Some(id.clone()),
            }
        }
        if self.unpublished_by_date(&p.source, raw.draft, Some(&raw.date)) {
            return;
        }
        let Some(slug) = self.slug_for(&p, Kind::Story, raw.slug.as_deref(), slugs) else {
            return;
        };
        let image = match &raw.image {
            Some(v) => match self.resolve_image(&p, v, "image") {
                Some(src) => {
                    let name = src
                        .file_name()
                        .map(|n| n.to_string_lossy().to_string())
                        .unwrap_or_default();
                    Some(ImageRef {
                        source: src,
                        output: format!("stories/{slug}/{name}"),
                    })
                }
                None => return,
            },
            None => None,
        };
        self.bundle_assets(&p.source, &format!("stories/{slug}"), others);
        if let Some(img) = &image
            && !self.content.assets.iter().any(|a| a.source == img.source)
        {
            self.content.images.push(img.clone());
        }
        self.content.stories.push(Story {
            source: p.source,
            title: raw.title,
            date: raw.date,
            slug,
            summary: raw.summary,
            author: raw.author,
            talent,
            image,
            tags: raw.tags,
            draft: raw.draft,
            extra: raw.extra,
        });
    }

    fn gate_report(
        &mut self,
        raw: RawReport,
        source: Source,
        text: Arc<str>,
        slugs: &mut HashMap<(Kind, String, String), String>,
        others: &BTreeMap<PathBuf, Vec<PathBuf>>,
    ) {
        let p = Parsed {
            source,
            doc: Doc::Report(Box::new(raw.clone())),
            text,
        };
        if self.unpublished_by_date(&p.source, raw.draft, Some(&raw.date)) {
            return;
        }
        if raw.number.is_some() && raw.series.is_none() {
            self.error(
                &p,
                "number",
                "`number:` needs `series:` (the number is the session's place in its series)"
                    .to_string(),
            );
            return;
        }
        let Some(slug) = self.slug_for(&p, Kind::Report, raw.slug.as_deref(), slugs) else {
            return;
        };
        self.bundle_assets(&p.source, &format!("reports/{slug}"), others);
        self.content.reports.push(Report {
            source: p.source,
            title: raw.title,
            date: raw.date,
            slug,
            series: raw.series,
            number: raw.number,
            venue: raw.venue,
            speakers: raw.speakers,
            organizations: raw.organizations,
            tags: raw.tags,
            draft: raw.draft,
            summary: raw.summary,
            extra: raw.extra,
        });
    }

    fn gate_page(
        &mut self,
        raw: RawPage,
        source: Source,
        text: Arc<str>,
        slugs: &mut HashMap<(Kind, String, String), String>,
        others: &BTreeMap<PathBuf, Vec<PathBuf>>,
    ) {
        let p = Parsed {
            source,
            doc: Doc::Page(Box::new(raw.clone())),
            text,
        };
        if self.unpublished_by_date(&p.source, raw.draft, raw.date.as_ref()) {
            return;
        }
        let Some(slug) = self.slug_for(&p, Kind::Page, raw.slug.as_deref(), slugs) else {
            return;
        };
        if crate::site::RESERVED_ROOTS.contains(&slug.as_str()) {
            self.error(&p, "slug", format!("the page URL `/{slug}/` is reserved for the site's own lists; rename the file or set `slug:`"));
            return;
        }
        self.bundle_assets(&p.source, &slug, others);
        self.content.pages.push(Page {
            source: p.source,
            title: raw.title,
            date: raw.date,
            slug,
            draft: raw.draft,
            summary: raw.summary,
            extra: raw.extra,
        });
    }
}

/// The `id:` line of a talent file that failed to parse, if there is one.
fn guess_id(path: &Path) -> Option<String> {
    let bytes = std::fs::read(path).ok()?;
    let text = String::from_utf8_lossy(&bytes);
    text.lines()
        .find_map(|l| l.strip_prefix("id:"))
        .map(|v| v.trim().trim_matches(['"', '\'']).to_ascii_lowercase())
        .filter(|v| !v.is_empty())
}

/// `stories/a.en.md` or `stories/a/index.md` → `stories/a`.
fn translation_key_of(content_path: &str, languages: &[String]) -> String {
    let mut stem = content_path.strip_suffix(".md").unwrap_or(content_path);
    if let Some((base, lang)) = stem.rsplit_once('.')
        && languages.iter().any(|l| l == lang)
    {
        stem = base;
    }
    stem.strip_suffix("/index").unwrap_or(stem).to_string()
}

fn image_ext(p: &Path) -> String {
    match p
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("jpeg") | Some("jpg") => "jpg".to_string(),
        Some(other) => other.to_string(),
        None => "img".to_string(),
    }
}
