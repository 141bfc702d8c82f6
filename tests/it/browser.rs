//! Headless Chromium, driven by playwright-core scripts in `tests/tools/`.
//!
//! Browser tests never skip: when Chromium, Node.js or the npm packages are
//! missing they fail and say how to install them (`scripts/setup-tools.sh`,
//! which the test command runs first).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::harness::*;

/// Fails the test with instructions when a browser tool is missing.
pub fn require_tools() {
    let chromium = std::env::var("CHROME_PATH").unwrap_or_else(|_| "/usr/bin/chromium".to_string());
    let mut missing = Vec::new();
    if !PathBuf::from(&chromium).exists() {
        missing.push(format!("Chromium ({chromium})"));
    }
    if Command::new("node")
        .arg("--version")
        .output()
        .map(|o| !o.status.success())
        .unwrap_or(true)
    {
        missing.push("Node.js (`node`)".to_string());
    }
    if !repo()
        .join("tests/tools/node_modules/playwright-core")
        .is_dir()
    {
        missing.push("tests/tools/node_modules (npm packages)".to_string());
    }
    assert!(
        missing.is_empty(),
        "browser tests need {}: run `bash scripts/setup-tools.sh`",
        missing.join(", ")
    );
}

/// Runs `node tests/tools/<script> <args>`.
/// Runs the step interpreter `tests/tools/search-e2e.mjs` on the site in
/// `dir` served under `mount` (steps handed over in a file, however many
/// there are); its RESULT lines by label. Any page error, console error or
/// failed request fails the test.
pub fn scenario(
    dir: &Path,
    mount: &str,
    steps: &serde_json::Value,
) -> BTreeMap<String, serde_json::Value> {
    let file = tempfile::NamedTempFile::new().expect("temporary file");
    std::fs::write(file.path(), steps.to_string()).expect("write steps");
    let o = node(
        "search-e2e.mjs",
        &[
            &dir.to_string_lossy(),
            mount,
            &file.path().to_string_lossy(),
        ],
    );
    let t = text(&o);
    assert!(o.status.success(), "browser scenario failed:\n{t}");
    t.lines()
        .filter_map(|l| l.strip_prefix("RESULT "))
        .map(|j| {
            let v: serde_json::Value = serde_json::from_str(j).expect("RESULT is JSON");
            (v["label"].as_str().expect("label").to_string(), v)
        })
        .collect()
}

pub fn node(script: &str, args: &[&str]) -> Output {
    require_tools();
    // One browser at a time: the test binary runs tests on both cores, and
    // two Chromium scenarios side by side (with the builds of other tests)
    // slowed the live-reload scenario's page loads past its timeouts.
    static ONE_BROWSER: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _turn = ONE_BROWSER.lock().unwrap_or_else(|e| e.into_inner());
    Command::new("node")
        .arg(repo().join("tests/tools").join(script))
        .args(args)
        .output()
        .expect("node runs")
}

/// Runs `queries` with the deployed search client in Node
/// (`tests/tools/search-query.mjs`) against the index `index_dir` of the
/// site built into `dir` and served under `mount`: every query's matching
/// URLs, sorted.
pub fn search_queries(
    dir: &Path,
    mount: &str,
    index_dir: &str,
    queries: &[&str],
) -> BTreeMap<String, Vec<String>> {
    let qfile = tempfile::NamedTempFile::new().expect("temporary file");
    std::fs::write(qfile.path(), serde_json::to_vec(queries).expect("json")).expect("write");
    let o = node(
        "search-query.mjs",
        &[
            &dir.to_string_lossy(),
            mount,
            index_dir,
            &qfile.path().to_string_lossy(),
        ],
    );
    let t = text(&o);
    assert!(o.status.success(), "{t}");
    let got: BTreeMap<String, Vec<String>> = t
        .lines()
        .filter_map(|l| l.strip_prefix("QUERY "))
        .map(|j| {
            let v: serde_json::Value = serde_json::from_str(j).expect("json");
            let urls = v["urls"]
                .as_array()
                .expect("urls")
                .iter()
                .map(|u| u.as_str().unwrap_or_default().to_string())
                .collect();
            (v["q"].as_str().unwrap_or_default().to_string(), urls)
        })
        .collect();
    assert_eq!(got.len(), queries.len(), "every query answered:\n{t}");
    got
}

#[test]
fn chromium_renders_a_built_page() {
    let site = TempSite::from_fixture("sites/basic");
    site.build(
        "2026-06-01",
        &["--output", &site.path().join("out/jobs").to_string_lossy()],
    );
    let out = node(
        "page-text.mjs",
        &[
            &site.path().join("out/jobs").to_string_lossy(),
            "/jobs/",
            "talents/t-a/",
        ],
    );
    let text = text(&out);
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains("TITLE: アミールさん | Fixture: basic"),
        "{text}"
    );
    assert!(text.contains("職務要約"), "{text}");
}
