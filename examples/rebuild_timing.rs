//! Times the dev server's page rebuild after an edit of one talent, stage by
//! stage, without the watcher, the HTTP server or the browser: what
//! `bench/serve-latency.sh` measures end to end, split up for profiling.
//!
//! usage: cargo run --release --example rebuild_timing -- SITE_ROOT TALENT_FILE [EDITS] [TODAY]
//! The talent file gets a space appended per edit (a content change that
//! leaves every page's text the same), as the benchmark's edits do.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use tsunagi::serve::incremental::{Outcome, Session};
use tsunagi::serve::watch::{ChangeKind, Changes};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    tsunagi::process::tune_allocator();
    let args: Vec<String> = std::env::args().collect();
    let (Some(root), Some(talent)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: rebuild_timing SITE_ROOT TALENT_FILE [EDITS] [TODAY]");
        return ExitCode::from(2);
    };
    let edits: usize = args.get(3).and_then(|r| r.parse().ok()).unwrap_or(20);
    let mut opts = tsunagi::BuildOptions::new(root);
    opts.today = args
        .get(4)
        .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
    let talent = match std::fs::canonicalize(talent) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("{talent}: {e}");
            return ExitCode::from(2);
        }
    };
    // SKIP_SEARCH=1 leaves the index stale after each edit, for profiling the page phase alone
    let skip_search = std::env::var_os("SKIP_SEARCH").is_some();
    let mut session = Session::new(opts, None);
    if let Outcome::Failed { diagnostics, .. } = session.build_all() {
        eprintln!("the site does not build: {diagnostics:?}");
        return ExitCode::FAILURE;
    }
    let mut stages: BTreeMap<&'static str, Vec<Duration>> = BTreeMap::new();
    let mut order: Vec<&'static str> = Vec::new();
    let mut totals = Vec::new();
    let mut cpus = Vec::new();
    for _ in 0..edits {
        let appended = std::fs::OpenOptions::new()
            .append(true)
            .open(&talent)
            .and_then(|mut f| f.write_all(b" "));
        if let Err(e) = appended {
            eprintln!("{}: {e}", talent.display());
            return ExitCode::from(2);
        }
        let mut changes = Changes::default();
        changes
            .paths
            .insert((ChangeKind::Content, PathBuf::from(&talent)));
        let before = tsunagi::process::cpu_time();
        let outcome = session.rebuild_pages(&changes);
        cpus.push(tsunagi::process::cpu_time().saturating_sub(before));
        match outcome {
            Outcome::Built {
                elapsed, stages: s, ..
            } => {
                totals.push(elapsed);
                for (name, d) in s {
                    if !order.contains(&name) {
                        order.push(name);
                    }
                    stages.entry(name).or_default().push(d);
                }
            }
            Outcome::Failed { diagnostics, .. } => {
                eprintln!("rebuild failed: {diagnostics:?}");
                return ExitCode::FAILURE;
            }
        }
        if !skip_search {
            session.finish_search();
        }
    }
    let median = |mut v: Vec<Duration>| {
        v.sort();
        v[v.len() / 2].as_secs_f64() * 1000.0
    };
    println!("page rebuild after one edit, medians of {edits}:");
    for name in order {
        let v = stages.remove(name).unwrap_or_default();
        println!("  {:8.1} ms  {name}", median(v));
    }
    println!("  {:8.1} ms  total", median(totals));
    println!("  {:8.1} ms  CPU (both cores)", median(cpus));
    ExitCode::SUCCESS
}
