//! Walking `content/`, parsing every file, and applying the gate.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use super::gate::LoadOptions;
use super::gatekeeper::Gate;
use super::model::*;
use super::parse::{Doc, FileEntry, Parsed, Place, guess_id, parse_file, pii_findings};
use super::privacy::GuardReport;
use super::walk::walk;
use crate::config::Config;
use crate::error::{Diagnostic, Diagnostics, Error, Result};

/// What reading one Markdown file gave, before the gate: the parsed file
/// and the personal-data findings in its text, or the file's errors.
#[derive(Debug)]
enum FileResult {
    Ok {
        parsed: Box<Parsed>,
        pii_errors: Vec<Diagnostic>,
        pii_warnings: Vec<Diagnostic>,
        /// What the personal-data guard checked in this file.
        guard: Box<GuardReport>,
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
///
/// The folder walk is kept too. When every change since the last load names
/// a Markdown file that load read and that is still there (an edit, an
/// editor's save by rename), the tree is as the last walk found it: the
/// next load compares the stamps of the files it knows and reads the
/// changed ones again without walking `content/` (on a 10,000-page site
/// the walk is 15–20 ms of the dev server's rebuild). A new, deleted or
/// unknown path, a folder, a bundle's file, a known file gone or a new
/// configuration makes the next load walk again. A file created without
/// the watcher noticing waits for the next walk.
#[derive(Debug, Default)]
pub struct LoadCache {
    config: Option<Config>,
    files: HashMap<PathBuf, Cached>,
    /// Files that must be read again whatever their stamp says.
    dirty: std::collections::HashSet<PathBuf>,
    /// The last load's walk, while it still describes the tree.
    walked: Option<Arc<Walked>>,
    /// Files read (not taken from the cache) by the last load.
    pub last_parsed: usize,
    /// Whether the last load walked `content/` (false: it reused the walk).
    pub last_walked: bool,
}

/// A file's stamp, what reading it gave, and where it sits.
#[derive(Debug)]
struct Cached {
    stamp: FileStamp,
    result: Arc<FileResult>,
    entry: FileEntry,
}

/// A Markdown file whose front matter is byte for byte what the last load
/// read: only its body changed. See [`LoadCache::body_edit`].
#[derive(Debug, Clone)]
pub struct BodyEdit {
    /// The file, relative to the site root (pages name it in `file`).
    pub file: String,
    /// The new Markdown body.
    pub body: Arc<str>,
    /// 1-based line of the file where the body starts (unchanged).
    pub body_line: usize,
}

/// What walking `content/` found: the Markdown files, the other files by
/// folder, and the problems with file names.
#[derive(Debug)]
struct Walked {
    entries: Vec<FileEntry>,
    others: BTreeMap<PathBuf, Vec<PathBuf>>,
    diags: Vec<Diagnostic>,
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
            // a file has nothing under it; gone, it leaves a hole in the walk
            self.dirty.insert(path.to_path_buf());
            if !path.is_file() {
                self.walked = None;
            }
            return;
        }
        // a new file, a folder, a bundle's image: walk again
        self.walked = None;
        let under: Vec<PathBuf> = self
            .files
            .keys()
            .filter(|p| p.starts_with(path) && p.as_path() != path)
            .cloned()
            .collect();
        self.dirty.extend(under);
    }

    /// Reads `path` again and tells whether only its Markdown body changed
    /// since the last load under `config`: the file parses, its bytes up to
    /// the body are the same as then (so its front matter, and with it
    /// everything the consent gate decides, is the same), and its text has
    /// no personal data that a build would refuse. `None` otherwise, or
    /// when the last load did not read this file. The cache is left as it
    /// is: the next load reads the file again as usual.
    pub fn body_edit(&self, path: &Path, config: &Config) -> Option<BodyEdit> {
        if self.config.as_ref() != Some(config) {
            return None;
        }
        let cached = self.files.get(path)?;
        let FileResult::Ok {
            parsed: old,
            pii_errors,
            ..
        } = &*cached.result
        else {
            return None;
        };
        if !pii_errors.is_empty() {
            return None;
        }
        let FileResult::Ok {
            parsed: new,
            pii_errors,
            ..
        } = read_file(&cached.entry, config)
        else {
            return None;
        };
        fn head(p: &Parsed) -> Option<&str> {
            p.text.strip_suffix(&*p.source.body)
        }
        let same_head = head(old).is_some_and(|h| Some(h) == head(&new));
        if !pii_errors.is_empty() || !same_head || new.source.body_line != old.source.body_line {
            return None;
        }
        Some(BodyEdit {
            file: new.source.path.clone(),
            body: new.source.body.clone(),
            body_line: new.source.body_line,
        })
    }

    /// Forgets everything.
    pub fn clear(&mut self) {
        self.files.clear();
        self.dirty.clear();
        self.walked = None;
        self.config = None;
    }

    /// Reuses the last walk when every change named a file it found: files
    /// named by the watcher or whose stamp changed are read again, the
    /// others taken as they were. `None` (the cache untouched) when the
    /// folder must be walked: the last load walked nothing reusable, or a
    /// file it found is gone.
    fn reuse_walk(&mut self, config: &Config) -> Option<(Arc<Walked>, Vec<Arc<FileResult>>)> {
        let walked = self.walked.clone()?;
        if walked.entries.len() != self.files.len() {
            return None;
        }
        let (files, dirty) = (&self.files, &self.dirty);
        // (result, the new stamp when the file was read again)
        let read: Option<Vec<(Arc<FileResult>, Option<FileStamp>)>> = walked
            .entries
            .par_iter()
            .map(|e| {
                let cached = files.get(&e.path)?;
                let now = FileStamp::of(&e.path)?;
                Some(if now != cached.stamp || dirty.contains(&e.path) {
                    (Arc::new(read_file(e, config)), Some(now))
                } else {
                    (cached.result.clone(), None)
                })
            })
            .collect();
        let read = read?;
        let mut parsed = 0;
        for (e, (result, stamp)) in walked.entries.iter().zip(&read) {
            if let (Some(stamp), Some(c)) = (stamp, self.files.get_mut(&e.path)) {
                c.stamp = *stamp;
                c.result = result.clone();
                parsed += 1;
            }
        }
        self.last_parsed = parsed;
        self.dirty.clear();
        Some((walked, read.into_iter().map(|(r, _)| r).collect()))
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
    let mut guard = GuardReport::default();
    match parse_file(e, config, &mut guard) {
        Ok(parsed) => {
            let mut pii_errors = Vec::new();
            let mut pii_warnings = Vec::new();
            pii_findings(
                &parsed,
                config,
                &mut guard,
                &mut pii_errors,
                &mut pii_warnings,
            );
            FileResult::Ok {
                parsed: Box::new(parsed),
                pii_errors,
                pii_warnings,
                guard: Box::new(guard),
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

/// Reads every walked file, taking unchanged ones (same stamp, not named
/// by the watcher) from `cache` and refreshing it.
fn read_all(
    entries: &[FileEntry],
    config: &Config,
    cache: Option<&mut LoadCache>,
) -> Vec<Arc<FileResult>> {
    let Some(cache) = cache else {
        return entries
            .par_iter()
            .map(|e| Arc::new(read_file(e, config)))
            .collect();
    };
    let dirty = std::mem::take(&mut cache.dirty);
    let stamps: Vec<Option<FileStamp>> =
        entries.par_iter().map(|e| FileStamp::of(&e.path)).collect();
    let known = &cache.files;
    let results: Vec<(Arc<FileResult>, bool)> = entries
        .par_iter()
        .zip(&stamps)
        .map(|(e, stamp)| match (known.get(&e.path), stamp) {
            (Some(c), Some(now)) if c.stamp == *now && !dirty.contains(&e.path) => {
                (c.result.clone(), false)
            }
            _ => (Arc::new(read_file(e, config)), true),
        })
        .collect();
    cache.last_parsed = results.iter().filter(|(_, fresh)| *fresh).count();
    let mut files = HashMap::with_capacity(entries.len());
    for ((entry, stamp), (r, _)) in entries.iter().zip(stamps).zip(&results) {
        if let Some(stamp) = stamp {
            let cached = Cached {
                stamp,
                result: r.clone(),
                entry: entry.clone(),
            };
            files.insert(entry.path.clone(), cached);
        }
    }
    cache.files = files;
    results.into_iter().map(|(r, _)| r).collect()
}

fn load_inner(
    root: &Path,
    config: &Config,
    opts: &LoadOptions,
    mut cache: Option<&mut LoadCache>,
) -> Result<Content> {
    let content_dir = root.join(crate::names::CONTENT_DIR);
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
    let mut reused = None;
    if let Some(cache) = cache.as_deref_mut() {
        if cache.config.as_ref() != Some(config) {
            cache.clear();
            cache.config = Some(config.clone());
        }
        reused = cache.reuse_walk(config);
        cache.last_walked = reused.is_none();
    }
    let (walked, results): (Arc<Walked>, Vec<Arc<FileResult>>) = match (reused, cache) {
        (Some(r), _) => r,
        (None, mut cache) => {
            let mut walk_diags = Vec::new();
            let (entries, others) = walk(root, &content_dir, config, &mut walk_diags)?;
            let results = read_all(&entries, config, cache.as_deref_mut());
            let walked = Arc::new(Walked {
                entries,
                others,
                diags: walk_diags,
            });
            if let Some(cache) = cache {
                cache.walked = Some(walked.clone());
            }
            (walked, results)
        }
    };
    diags.extend(walked.diags.iter().cloned());
    let other_files = &walked.others;

    let mut files = Vec::with_capacity(results.len());
    // ids of talent files that failed to parse: stories naming them get no
    // second, confusing "no such talent" error
    let mut broken_talents = std::collections::BTreeSet::new();
    // Personal data in free text: errors in talents, warnings elsewhere
    // (found per file, so that reading a file stays a pure function of it).
    let mut warnings = Vec::new();
    // A result the cache does not share is taken apart, not copied; shared
    // ones (the dev server's unchanged files) are copied on both cores,
    // since the gate takes its files by value.
    let owned: Vec<FileResult> = results
        .into_par_iter()
        .map(|r| {
            Arc::try_unwrap(r).unwrap_or_else(|shared| match &*shared {
                FileResult::Ok {
                    parsed,
                    pii_errors,
                    pii_warnings,
                    guard,
                } => FileResult::Ok {
                    parsed: parsed.clone(),
                    pii_errors: pii_errors.clone(),
                    pii_warnings: pii_warnings.clone(),
                    guard: guard.clone(),
                },
                FileResult::Err { diags, guessed_id } => FileResult::Err {
                    diags: diags.clone(),
                    guessed_id: guessed_id.clone(),
                },
            })
        })
        .collect();
    let mut guard = GuardReport {
        site_keys: config.privacy.forbidden_keys.len(),
        ..GuardReport::default()
    };
    for r in owned {
        match r {
            FileResult::Ok {
                parsed,
                pii_errors,
                pii_warnings,
                guard: file_guard,
            } => {
                guard.add(&file_guard);
                files.push(*parsed);
                diags.extend(pii_errors);
                warnings.extend(pii_warnings);
            }
            FileResult::Err {
                diags: ds,
                guessed_id,
            } => {
                diags.extend(ds);
                broken_talents.extend(guessed_id);
            }
        }
    }

    let mut gate = Gate {
        root,
        site: root
            .canonicalize()
            .map_err(|e| Error::io("reading", root, e))?,
        content_dir: &content_dir,
        config,
        opts,
        diags: &mut diags,
        warnings: &mut warnings,
        content: Content::default(),
        talent_files: BTreeMap::new(),
        broken_talents,
    };
    gate_files(&mut gate, files, other_files);
    let mut content = gate.content;
    content.privacy.guard = guard;
    content.root = root.to_path_buf();
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

/// The gatekeeper's checks over every parsed file, in the order they need:
/// talents first (stories link them), then their translations, then
/// stories, reports, pages and section indexes; translations of documents
/// last, once every original is judged.
fn gate_files(gate: &mut Gate, files: Vec<Parsed>, others: &BTreeMap<PathBuf, Vec<PathBuf>>) {
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
    gate.gate_talents(talents);
    gate.attach_talent_translations(talent_translations);
    let mut slugs: HashMap<(Kind, String, String), String> = HashMap::new();
    for p in rest {
        let Parsed { source, doc, text } = p;
        match doc {
            Doc::Talent(_) | Doc::TalentTranslation(_) => {
                unreachable!("talents were handled above")
            }
            Doc::Story(raw) => gate.gate_story(*raw, source, text, &mut slugs, others),
            Doc::Report(raw) => gate.gate_report(*raw, source, text, &mut slugs, others),
            Doc::Page(raw) => gate.gate_page(*raw, source, text, &mut slugs, others),
            Doc::Section(raw, section) => gate.content.sections.push(SectionIndex {
                source,
                section,
                title: raw.title,
                description: raw.description,
                extra: raw.extra,
            }),
        }
    }
    gate.translations_follow_originals();
    gate.content.privacy.today = Some(gate.opts.today);
    gate.content.privacy.talents.sort_by(|a, b| a.id.cmp(&b.id));
}
