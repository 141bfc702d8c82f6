//! The module graph `src/lib.rs` states is the one the code has: every
//! `crate::` path in a module names a module on a line above it in the
//! graph block. A new import against the flow, or a cycle, fails here with
//! the file and line.

use std::collections::BTreeMap;
use std::path::Path;

use crate::harness::repo;

/// The layers of lib.rs's graph block: module → its line.
fn layers() -> BTreeMap<String, usize> {
    let lib = std::fs::read_to_string(repo().join("src/lib.rs")).expect("lib.rs");
    let start = lib
        .find("//! # The module graph")
        .expect("lib.rs states the module graph");
    let mut lines = lib[start..]
        .lines()
        .map(|l| l.trim_start_matches("//!").trim());
    lines
        .by_ref()
        .find(|l| *l == "```text")
        .expect("a text block");
    let mut out = BTreeMap::new();
    for (i, line) in lines.take_while(|l| *l != "```").enumerate() {
        for m in line.split(',').map(str::trim).filter(|m| !m.is_empty()) {
            assert!(out.insert(m.to_string(), i).is_none(), "{m} listed twice");
        }
    }
    out
}

/// The narrower rules of lib.rs's graph section (its second text block):
/// module → every module it may use.
fn only() -> BTreeMap<String, Vec<String>> {
    let lib = std::fs::read_to_string(repo().join("src/lib.rs")).expect("lib.rs");
    let start = lib
        .find("//! # The module graph")
        .expect("lib.rs states the module graph");
    let mut lines = lib[start..]
        .lines()
        .map(|l| l.trim_start_matches("//!").trim());
    // past the graph block to the next one
    lines
        .by_ref()
        .find(|l| *l == "```text")
        .expect("a text block");
    lines.by_ref().find(|l| *l == "```").expect("its end");
    lines
        .by_ref()
        .find(|l| *l == "```text")
        .expect("a block of narrower rules");
    let mut out = BTreeMap::new();
    for line in lines.take_while(|l| *l != "```") {
        let (module, uses) = line.split_once(':').expect("`module: modules`");
        let uses = uses
            .split(',')
            .map(|m| m.trim().to_string())
            .filter(|m| !m.is_empty())
            .collect();
        assert!(
            out.insert(module.trim().to_string(), uses).is_none(),
            "{module} has two rules"
        );
    }
    out
}

/// Items lib.rs re-exports at the crate root (`crate::Result`), each with
/// the module it comes from.
fn root_items() -> BTreeMap<String, String> {
    let lib = std::fs::read_to_string(repo().join("src/lib.rs")).expect("lib.rs");
    let mut out = BTreeMap::new();
    for stmt in lib.split(';') {
        let Some(rest) = stmt.trim().strip_prefix("pub use ") else {
            continue;
        };
        let Some((module, items)) = rest.split_once("::") else {
            continue;
        };
        for item in items
            .trim_matches(|c: char| c == '{' || c == '}' || c.is_whitespace())
            .split(',')
        {
            let item = item.trim();
            if !item.is_empty() {
                out.insert(item.to_string(), module.trim().to_string());
            }
        }
    }
    out
}

/// The top-level modules named by `crate::` paths in `code`, with their
/// line numbers: `crate::x::…` and each item of `crate::{x, y::z}`.
fn imports(code: &str) -> Vec<(usize, String)> {
    paths_after(code, "crate::")
}

/// The first segment after each `prefix` (`crate::`, `super::`) in `code`,
/// with its line: `prefix x::…` gives `x`, and `prefix {x, y::z}` (over
/// several lines, too) gives `x` and `y`. Comments are not code.
fn paths_after(code: &str, prefix: &str) -> Vec<(usize, String)> {
    let code: String = code
        .lines()
        .map(|l| match l.trim_start().starts_with("//") {
            true => "",
            false => l.split("//").next().unwrap_or(""),
        })
        .collect::<Vec<_>>()
        .join("\n");
    let ident = |s: &str| -> String {
        s.trim_start()
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect()
    };
    let mut out = Vec::new();
    for (at, _) in code.match_indices(prefix) {
        // `$crate::`, `other_crate::`, `super::super::`'s second half
        if code[..at]
            .chars()
            .last()
            .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$' || c == ':')
        {
            continue;
        }
        let line = code[..at].matches('\n').count() + 1;
        let rest = &code[at + prefix.len()..];
        let Some(group) = rest.strip_prefix('{') else {
            out.push((line, ident(rest)));
            continue;
        };
        // the items of the group, split at its own commas
        let mut depth = 0;
        let mut item = 0;
        for (i, c) in group.char_indices() {
            match c {
                '{' => depth += 1,
                '}' if depth == 0 => {
                    out.push((line, ident(&group[item..i])));
                    break;
                }
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    out.push((line, ident(&group[item..i])));
                    item = i + 1;
                }
                _ => {}
            }
        }
    }
    out.retain(|(_, name)| !name.is_empty());
    out
}

/// The top-level module a file under `src/` belongs to.
fn module_of(rel: &Path) -> String {
    let first = rel.components().next().expect("a path");
    first
        .as_os_str()
        .to_string_lossy()
        .trim_end_matches(".rs")
        .to_string()
}

#[test]
fn the_import_parser_reads_paths_and_groups() {
    let code = "use crate::config::Config;\n// use crate::serve;\nuse crate::{error::{Error, Result}, site,\n    text::width};\nlet x = crate::slug::slugify(a); // crate::render\nmacro_rules! m { () => { $crate::x } }\n";
    let got: Vec<String> = imports(code).into_iter().map(|(_, m)| m).collect();
    assert_eq!(got, ["config", "error", "site", "text", "slug"]);
}

#[test]
fn every_import_follows_the_module_graph_lib_rs_states() {
    let layers = layers();
    let only = only();
    assert!(
        only.contains_key("serve"),
        "serve's narrower rule is stated"
    );
    let root = root_items();
    let src = repo().join("src");
    let mut wrong = Vec::new();
    let mut unlisted = std::collections::BTreeSet::new();
    for entry in walkdir::WalkDir::new(&src).sort_by_file_name() {
        let entry = entry.expect("walk src");
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let rel = path.strip_prefix(&src).expect("under src");
        let module = module_of(rel);
        if ["lib", "main", "cli"].contains(&module.as_str()) {
            continue;
        }
        let Some(&own) = layers.get(&module) else {
            unlisted.insert(module);
            continue;
        };
        let code = std::fs::read_to_string(path).expect("read source");
        let mut used_paths = imports(&code);
        // in `src/x.rs` and `src/x/mod.rs`, `super::` is the crate root
        // (except in their `tests` modules: there it is the file's own
        // module, whose items are not modules of the graph)
        let depth = rel.components().count();
        if depth == 1 || (depth == 2 && rel.ends_with("mod.rs")) {
            used_paths.extend(
                paths_after(&code, "super::")
                    .into_iter()
                    .filter(|(_, m)| layers.contains_key(m)),
            );
        }
        for (line, used) in used_paths {
            let used = root.get(&used).cloned().unwrap_or(used);
            if used == module || used.is_empty() {
                continue;
            }
            if let Some(allowed) = only.get(&module)
                && !allowed.contains(&used)
            {
                wrong.push(format!(
                    "src/{}:{line}: {module} uses {used}, which lib.rs does not list after `{module}:`",
                    rel.display()
                ));
                continue;
            }
            match layers.get(&used) {
                Some(&l) if l < own => {}
                Some(_) => wrong.push(format!(
                    "src/{}:{line}: {module} uses {used}, which is not above it in lib.rs's graph",
                    rel.display()
                )),
                None => wrong.push(format!(
                    "src/{}:{line}: {module} uses crate::{used}, which lib.rs's graph does not list",
                    rel.display()
                )),
            }
        }
    }
    assert!(
        unlisted.is_empty(),
        "modules missing from lib.rs's graph: {unlisted:?}"
    );
    assert!(
        wrong.is_empty(),
        "imports against the flow:\n{}",
        wrong.join("\n")
    );
}

/// The files of each module folder (`src/render/*.rs`) that use each other
/// through `super::` or the module's own path, without `mod.rs` (which
/// declares them all).
fn sibling_edges(dir: &Path, module_path: &str) -> BTreeMap<String, Vec<String>> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).expect("read module folder") {
        let path = entry.expect("entry").path();
        let stem = path
            .file_stem()
            .expect("a name")
            .to_string_lossy()
            .to_string();
        if stem != "mod" && (path.is_dir() || path.extension().is_some_and(|e| e == "rs")) {
            files.push((stem, path));
        }
    }
    let names: std::collections::BTreeSet<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    let own = format!("crate::{module_path}::");
    let mut edges = BTreeMap::new();
    for (name, path) in &files {
        let Ok(code) = std::fs::read_to_string(path) else {
            continue; // a folder: its own files are checked on their own
        };
        let mut used: Vec<String> = paths_after(&code, "super::")
            .into_iter()
            .chain(paths_after(&code, &own))
            .map(|(_, m)| m)
            .filter(|m| m != name && names.contains(m.as_str()))
            .collect();
        used.sort();
        used.dedup();
        edges.insert(name.clone(), used);
    }
    edges
}

#[test]
fn no_two_files_of_a_module_use_each_other() {
    let src = repo().join("src");
    let mut cycles = Vec::new();
    for entry in walkdir::WalkDir::new(&src) {
        let entry = entry.expect("walk src");
        if !entry.path().join("mod.rs").is_file() {
            continue;
        }
        let rel = entry.path().strip_prefix(&src).expect("under src");
        let module_path = rel.to_string_lossy().replace('/', "::");
        let edges = sibling_edges(entry.path(), &module_path);
        // a depth-first search from each file finds any way back to it
        for start in edges.keys() {
            let mut stack = vec![(start.clone(), vec![start.clone()])];
            let mut seen = std::collections::BTreeSet::new();
            while let Some((at, trail)) = stack.pop() {
                for next in edges.get(&at).into_iter().flatten() {
                    if next == start {
                        let mut c = trail.clone();
                        c.push(next.clone());
                        cycles.push(format!("src/{}/: {}", rel.display(), c.join(" → ")));
                    } else if seen.insert(next.clone()) {
                        let mut t = trail.clone();
                        t.push(next.clone());
                        stack.push((next.clone(), t));
                    }
                }
            }
        }
    }
    assert!(
        cycles.is_empty(),
        "files that use each other:\n{}",
        cycles.join("\n")
    );
}
