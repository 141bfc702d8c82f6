//! A small harness: temporary sites, running the binary, reading trees.
//!
//! Fixture sites live under `tests/fixtures/`. Expected output trees are
//! compared byte for byte; set `TSUNAGI_BLESS=1` to regenerate them after a
//! deliberate change (then review the diff in git).

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `tests/fixtures/<rel>`.
pub fn fixture(rel: &str) -> PathBuf {
    repo().join("tests/fixtures").join(rel)
}

/// True when expected files should be rewritten instead of compared.
pub fn bless() -> bool {
    std::env::var_os("TSUNAGI_BLESS").is_some_and(|v| v == "1")
}

/// The `tsunagi` binary built for these tests.
pub fn tsunagi() -> Command {
    Command::new(env!("CARGO_BIN_EXE_tsunagi"))
}

/// Runs the binary with `args` in `dir`.
pub fn run(dir: &Path, args: &[&str]) -> Output {
    tsunagi()
        .current_dir(dir)
        .args(args)
        .output()
        .expect("the tsunagi binary runs")
}

/// stdout + stderr as text.
pub fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Copies a folder tree.
pub fn copy_dir(src: &Path, dst: &Path) {
    for entry in walkdir::WalkDir::new(src) {
        let entry = entry.expect("fixture folder is readable");
        let rel = entry.path().strip_prefix(src).expect("inside src");
        let target = dst.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).expect("create dir");
        } else {
            std::fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}

/// `tsunagi build` of the site at `root` into `out` as of 2026-11-25, the
/// date the example site's tests judge consent and availability by.
pub fn build_into(root: &Path, out: &Path) {
    let o = run(
        &repo(),
        &[
            "build",
            "--root",
            &root.to_string_lossy(),
            "--output",
            &out.to_string_lossy(),
            "--today",
            "2026-11-25",
            "-q",
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
}

/// The example site (the repository root) built into `<tmp>/site`; the
/// folder lives as long as the returned `TempDir`.
pub fn built_example() -> tempfile::TempDir {
    let out = tempfile::tempdir().expect("temp dir");
    build_into(&repo(), &out.path().join("site"));
    out
}

/// Every file under `dir`, hidden ones included: relative path → bytes.
/// Nothing is skipped: every byte of an output folder is public, so the
/// tests that judge one must see all of it. A symbolic link or other
/// entry that is not a file or folder fails the read (no build makes one).
pub fn read_tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    if !dir.exists() {
        return out;
    }
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.expect("readable");
        if entry.file_type().is_dir() {
            continue;
        }
        assert!(
            entry.file_type().is_file(),
            "{} is neither a file nor a folder",
            entry.path().display()
        );
        let rel = entry
            .path()
            .strip_prefix(dir)
            .expect("inside")
            .to_string_lossy()
            .replace('\\', "/");
        out.insert(rel, std::fs::read(entry.path()).expect("read"));
    }
    out
}

/// A site in a temporary folder.
pub struct TempSite {
    pub dir: tempfile::TempDir,
}

impl TempSite {
    /// An empty folder.
    pub fn empty() -> TempSite {
        TempSite {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// A copy of `tests/fixtures/<rel>`.
    pub fn from_fixture(rel: &str) -> TempSite {
        let s = TempSite::empty();
        copy_dir(&fixture(rel), s.path());
        s
    }

    /// The site root.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a file (creating folders).
    pub fn write(&self, rel: &str, contents: impl AsRef<[u8]>) -> &Self {
        let p = self.path().join(rel);
        std::fs::create_dir_all(p.parent().expect("has parent")).expect("create dir");
        std::fs::write(&p, contents).expect("write");
        self
    }

    /// Removes a file.
    pub fn remove(&self, rel: &str) -> &Self {
        std::fs::remove_file(self.path().join(rel)).expect("remove");
        self
    }

    /// Reads a file as text.
    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    /// Replaces `from` with `to` in a file, which must hold `from` (a
    /// fixture that changed under a test should fail it, not pass it).
    pub fn replace(&self, rel: &str, from: &str, to: &str) -> &Self {
        let text = self.read(rel);
        assert!(text.contains(from), "{rel} holds no {from:?}");
        self.write(rel, text.replace(from, to))
    }

    /// Runs `tsunagi <args> --root <site>`.
    pub fn run(&self, args: &[&str]) -> Output {
        let root = self.path().to_string_lossy().to_string();
        let mut all: Vec<&str> = args.to_vec();
        all.extend(["--root", &root]);
        run(self.path(), &all)
    }

    /// `tsunagi build --today <today>`, asserting success.
    pub fn build(&self, today: &str, extra: &[&str]) -> Output {
        let mut args = vec!["build", "--today", today];
        args.extend(extra);
        let o = self.run(&args);
        assert!(o.status.success(), "build failed:\n{}", text(&o));
        o
    }

    /// The output folder.
    pub fn public(&self) -> PathBuf {
        self.path().join("public")
    }
}

/// Compares `actual` with the expected tree at `expected_dir`, or rewrites
/// it when blessing. Panics with a list of differences.
///
/// Files of the default theme's `static/` folder are checked to be exact
/// copies and left out of expected trees: they are the theme's, not the
/// generator's output, and restyling must not rewrite every fixture.
pub fn assert_tree(actual: &BTreeMap<String, Vec<u8>>, expected_dir: &Path) {
    let theme_static = read_tree(&repo().join("themes/default/static"));
    let mut actual = actual.clone();
    for (name, bytes) in &theme_static {
        if let Some(out) = actual.remove(name) {
            assert_eq!(&out, bytes, "{name} is copied from the theme byte for byte");
        }
    }
    let actual = &actual;
    if bless() {
        let _ = std::fs::remove_dir_all(expected_dir);
        for (rel, bytes) in actual {
            let p = expected_dir.join(rel);
            std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
            std::fs::write(p, bytes).expect("write expected");
        }
        return;
    }
    let expected = read_tree(expected_dir);
    assert!(
        !expected.is_empty(),
        "no expected tree at {}; run with TSUNAGI_BLESS=1 to create it",
        expected_dir.display()
    );
    let mut problems = Vec::new();
    for k in expected.keys().filter(|k| !actual.contains_key(*k)) {
        problems.push(format!("missing: {k}"));
    }
    for k in actual.keys().filter(|k| !expected.contains_key(*k)) {
        problems.push(format!("unexpected: {k}"));
    }
    for (k, v) in actual {
        if let Some(e) = expected.get(k)
            && e != v
        {
            let (a, b) = (String::from_utf8_lossy(e), String::from_utf8_lossy(v));
            let first = a
                .lines()
                .zip(b.lines())
                .enumerate()
                .find(|(_, (x, y))| x != y);
            let detail = match first {
                Some((i, (x, y))) => format!("line {}:\n  expected: {x}\n  actual:   {y}", i + 1),
                None => format!("lengths {} vs {}", e.len(), v.len()),
            };
            problems.push(format!("differs: {k} ({detail})"));
        }
    }
    assert!(
        problems.is_empty(),
        "output differs from {} (TSUNAGI_BLESS=1 regenerates it):\n{}",
        expected_dir.display(),
        problems.join("\n")
    );
}

/// A tiny deterministic generator (xorshift): generated tests replay the
/// same sequence every run, so a failure can be reproduced.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    pub fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
}
