//! Loading a theme: templates, static files and interface strings.
//!
//! The default theme is compiled into the binary, so a site without a
//! `themes/` folder builds; a site's own `themes/<name>/` wins over it, and
//! the site's `templates/` overrides single templates of either. Templates
//! are parsed once per build (or once per serve session until one changes).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};

use super::i18n::{self, Strings};
use crate::config::Config;
use crate::error::{Diagnostic, Error, Result, rel_path};

/// The built-in default theme.
pub static DEFAULT_THEME: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// Templates every theme must provide.
pub const REQUIRED_TEMPLATES: &[&str] = &[
    "index.html",
    "talent.html",
    "talents.html",
    "story.html",
    "report.html",
    "section.html",
    "page.html",
    "taxonomy.html",
    "term.html",
    "search.html",
    "404.html",
];

/// A loaded theme.
#[derive(Debug, Clone, Default)]
pub struct Theme {
    /// Template name → (file for messages, text).
    pub templates: BTreeMap<String, (String, String)>,
    /// Static files: output path → bytes.
    pub statics: BTreeMap<String, Vec<u8>>,
    /// Interface strings per language.
    pub strings: BTreeMap<String, Strings>,
}

/// Reads every file under `dir` as (relative path, bytes), sorted.
fn read_tree(root: &Path, dir: &Path) -> Result<Vec<(String, PathBuf, Vec<u8>)>> {
    let mut out = Vec::new();
    if !dir.is_dir() {
        return Ok(out);
    }
    let walk = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            e.depth() == 0 || !crate::ignore::is_ignored_name(&e.file_name().to_string_lossy())
        });
    for entry in walk {
        let entry = entry.map_err(|e| {
            let path = e.path().unwrap_or(dir).to_path_buf();
            Error::io(
                "reading",
                &path,
                e.into_io_error()
                    .unwrap_or_else(|| std::io::Error::other("filesystem loop")),
            )
        })?;
        if !entry.file_type().is_file() {
            continue;
        }
        let bytes =
            std::fs::read(entry.path()).map_err(|e| Error::io("reading", entry.path(), e))?;
        let _ = root;
        out.push((
            rel_path(dir, entry.path()),
            entry.path().to_path_buf(),
            bytes,
        ));
    }
    Ok(out)
}

fn embedded_files(dir: &Dir<'static>, out: &mut Vec<(String, Vec<u8>)>) {
    for f in dir.files() {
        out.push((
            f.path().to_string_lossy().replace('\\', "/"),
            f.contents().to_vec(),
        ));
    }
    for d in dir.dirs() {
        embedded_files(d, out);
    }
}

fn text(file: &str, bytes: Vec<u8>) -> Result<String> {
    crate::text::decode_utf8(file, &bytes).map_err(Error::site)
}

impl Theme {
    /// Loads the theme named in `config` for the site at `root`.
    pub fn load(root: &Path, config: &Config) -> Result<Theme> {
        let mut theme = Theme::default();
        let theme_dir = root.join(crate::names::THEMES_DIR).join(&config.theme);
        let mut files: Vec<(String, String, Vec<u8>)> = Vec::new(); // (rel in theme, file for messages, bytes)
        if theme_dir.is_dir() {
            for (rel, path, bytes) in read_tree(root, &theme_dir)? {
                files.push((rel, rel_path(root, &path), bytes));
            }
        } else if config.theme == "default" {
            let mut emb = Vec::new();
            embedded_files(&DEFAULT_THEME, &mut emb);
            emb.sort();
            for (rel, bytes) in emb {
                files.push((rel.clone(), format!("(built-in theme)/{rel}"), bytes));
            }
        } else {
            return Err(Error::site(Diagnostic::error(
                crate::config::CONFIG_FILE,
                None,
                format!(
                    "theme `{}` not found: no folder {}",
                    config.theme,
                    theme_dir.display()
                ),
            )));
        }
        for (rel, file, bytes) in files {
            if let Some(name) = rel.strip_prefix("templates/") {
                theme
                    .templates
                    .insert(name.to_string(), (file.clone(), text(&file, bytes)?));
            } else if let Some(name) = rel.strip_prefix("static/") {
                theme.statics.insert(name.to_string(), bytes);
            } else if let Some(name) = rel.strip_prefix("i18n/")
                && let Some(lang) = name.strip_suffix(".yaml")
            {
                let t = text(&file, bytes)?;
                theme
                    .strings
                    .insert(lang.to_string(), parse_strings(&file, &t)?);
            }
        }
        // the site's own templates and strings
        for (rel, path, bytes) in read_tree(root, &root.join("templates"))? {
            let file = rel_path(root, &path);
            theme
                .templates
                .insert(rel, (file.clone(), text(&file, bytes)?));
        }
        for (rel, path, bytes) in read_tree(root, &root.join("i18n"))? {
            if let Some(lang) = rel.strip_suffix(".yaml") {
                let file = rel_path(root, &path);
                let over = parse_strings(&file, &text(&file, bytes)?)?;
                i18n::merge(theme.strings.entry(lang.to_string()).or_default(), over);
            }
        }
        for name in REQUIRED_TEMPLATES {
            if !theme.templates.contains_key(*name) {
                return Err(Error::site(Diagnostic::error(
                    format!("themes/{}/templates/{name}", config.theme),
                    None,
                    format!(
                        "missing template `{name}`: the theme must provide it (or add templates/{name} to the site)"
                    ),
                )));
            }
        }
        for lang in &config.languages {
            if !theme.strings.contains_key(lang) {
                let fallback = theme.strings.get("en").cloned().unwrap_or_default();
                theme.strings.insert(lang.clone(), fallback);
            }
        }
        Ok(theme)
    }
}

fn parse_strings(file: &str, text: &str) -> Result<Strings> {
    if text.trim().is_empty() {
        return Ok(Strings::new());
    }
    let strings = crate::yaml::decode::<Strings>(
        text,
        crate::yaml::Origin {
            file,
            file_text: text,
            line_offset: 0,
        },
    )
    .map_err(Error::site)?;
    // every value is a string or a group of them (`job_category_names:
    // {education: 教育}`): anything else would be ignored where it is read,
    // and the site would show keys where the writer gave names
    for (key, value) in &strings {
        let problem = match value {
            serde_yaml::Value::String(_) => None,
            serde_yaml::Value::Mapping(m) => m
                .iter()
                .find(|(k, v)| !(k.is_string() && v.is_string()))
                .map(|(k, v)| {
                    let text = yaml_text(k);
                    let message = if k.is_string() {
                        format!("in `{key}`: `{text}` should be a name (text), found {}", what(v))
                    } else {
                        format!(
                            "in `{key}`: the key `{text}` is {}; put it in quotes (\"{text}\": …) to name the key `{text}`",
                            what(k)
                        )
                    };
                    (message, Some(text))
                }),
            v => Some((
                format!(
                    "`{key}` should be a text or a mapping of keys to names (`education: 教育`), found {}",
                    what(v)
                ),
                None,
            )),
        };
        if let Some((message, inner)) = problem {
            // the group's own line: unindented (a name inside another group may share its key)
            let mut at = crate::yaml::find_key_line(text, key, 1);
            while let Some((l, c)) = at
                && c != 1
            {
                at = crate::yaml::find_key_line(text, key, l + 1);
            }
            let at = match (&inner, at) {
                (Some(k), Some((l, _))) => crate::yaml::find_key_line(text, k, l + 1).or(at),
                _ => at,
            };
            let (line, column) = at.unzip();
            return Err(Error::site(
                Diagnostic::error(file, line, message)
                    .at_column(column)
                    .with_source(text),
            ));
        }
    }
    Ok(strings)
}

/// A YAML value as a writer wrote it, for messages.
fn yaml_text(v: &serde_yaml::Value) -> String {
    match v {
        serde_yaml::Value::String(s) => s.clone(),
        other => serde_yaml::to_string(other)
            .unwrap_or_default()
            .trim()
            .to_string(),
    }
}

/// What kind of YAML value `v` is, in a writer's words.
fn what(v: &serde_yaml::Value) -> &'static str {
    match v {
        serde_yaml::Value::Null => "nothing",
        serde_yaml::Value::Bool(_) => "true/false",
        serde_yaml::Value::Number(_) => "a number",
        serde_yaml::Value::String(_) => "a text",
        serde_yaml::Value::Sequence(_) => "a list",
        serde_yaml::Value::Mapping(_) => "a mapping",
        serde_yaml::Value::Tagged(_) => "a tagged value",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(yaml: &str) -> String {
        match parse_strings("i18n/ja.yaml", yaml) {
            Ok(_) => String::new(),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn strings_are_texts_or_groups_of_texts() {
        assert_eq!(
            problem("nav_talents: 人材を探す\njob_category_names:\n  education: 教育\n"),
            ""
        );
        let list = problem("nav_talents: x\njob_category_names: [a, b]\n");
        assert!(list.contains("i18n/ja.yaml:2:1"), "{list}");
        assert!(list.contains("found a list"), "{list}");
        let nested = problem("series_names:\n  school: スクール\n  club:\n    ja: 部\n");
        assert!(nested.contains("i18n/ja.yaml:3:3"), "{nested}");
        assert!(
            nested.contains("in `series_names`: `club` should be a name (text), found a mapping"),
            "{nested}"
        );
        // the group's line, not a key of the same name inside an earlier group
        let shadow = problem("language_names:\n  native: 母語\nnative: [a]\n");
        assert!(shadow.contains("i18n/ja.yaml:3:1"), "{shadow}");
        let number = problem("series_names:\n  2026: 二〇二六年度\n");
        assert!(
            number.contains("the key `2026` is a number; put it in quotes"),
            "{number}"
        );
        let empty = problem("search_title:\n");
        assert!(empty.contains("found nothing"), "{empty}");
    }
}
