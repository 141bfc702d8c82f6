//! Walking `content/`: which files are pages of which kind and language,
//! decided from their paths alone. A symbolic link is followed only when
//! it leads to a file or folder inside the site ([`outside_site`]).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::model::Kind;
use super::parse::{FileEntry, Place};
use crate::config::Config;
use crate::error::{Diagnostic, Error, Result, rel_path};

use crate::ignore::is_ignored_name as is_ignored;

pub(super) type Walked = (Vec<FileEntry>, BTreeMap<PathBuf, Vec<PathBuf>>);

/// Why `path` may not be read as part of the site, when it leads outside
/// `site` (the site root, canonical) or nowhere. A symbolic link is
/// followed only when it resolves inside the site folder: a link to a file
/// elsewhere on the writer's computer must not publish it.
pub(super) fn outside_site(path: &Path, site: &Path) -> Option<&'static str> {
    match path.canonicalize() {
        Ok(target) if target.starts_with(site) => None,
        Ok(_) => Some(
            "a symbolic link to a place outside the site folder, and tsunagi publishes only what is inside it: copy the file into the site instead",
        ),
        Err(_) => Some("a symbolic link to a file that does not exist"),
    }
}

pub(super) fn walk(
    root: &Path,
    content_dir: &Path,
    config: &Config,
    diags: &mut Vec<Diagnostic>,
) -> Result<Walked> {
    let mut entries = Vec::new();
    let mut others: BTreeMap<PathBuf, Vec<PathBuf>> = BTreeMap::new();
    let site = root
        .canonicalize()
        .map_err(|e| Error::io("reading", root, e))?;
    // symbolic links are followed, each checked to stay inside the site
    let mut refused = Vec::new();
    let walker = walkdir::WalkDir::new(content_dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            if e.depth() > 0 && is_ignored(&e.file_name().to_string_lossy()) {
                return false;
            }
            if e.path_is_symlink()
                && let Some(why) = outside_site(e.path(), &site)
            {
                let what = if e.file_type().is_dir() {
                    "folder"
                } else {
                    "file"
                };
                let msg = format!("this {what} is {why}");
                refused.push(Diagnostic::error(rel_path(root, e.path()), None, msg));
                return false;
            }
            true
        });
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                let path = e.path().unwrap_or(content_dir).to_path_buf();
                let is_link = std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_symlink());
                if e.loop_ancestor().is_some() || is_link {
                    // a link to a folder that holds it, or to nothing
                    let why = if e.loop_ancestor().is_some() {
                        "this folder is a symbolic link to a folder that contains it"
                    } else {
                        "this file is a symbolic link to a file that does not exist"
                    };
                    diags.push(Diagnostic::error(rel_path(root, &path), None, why));
                    continue;
                }
                let io = e
                    .into_io_error()
                    .unwrap_or_else(|| std::io::Error::other("filesystem loop"));
                return Err(Error::io("reading", &path, io));
            }
        };
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
    diags.extend(refused);
    Ok((entries, others))
}

/// `about.en.md` → ("about", "en") when `en` is a site language.
pub(super) fn split_lang<'a>(
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

pub(super) fn place_of(
    content_rel: &str,
    config: &Config,
) -> std::result::Result<(Place, String), String> {
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
