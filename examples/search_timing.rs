//! What the search index adds to a build, for `bench/search.sh`: whole
//! in-memory builds with the index and without it (alternating, RUNS
//! pairs; the median of the pairs' differences and its quartiles), the
//! index stage alone, and the index's size. Wall time is what a writer
//! waits; CPU time (all threads, from /proc/self/stat) is
//! steadier on a machine shared with other work, so both are reported.
//! The index is built beside the pages, so the wall time it adds is less
//! than the stage alone takes when rendering leaves a core idle.
//!
//! With `CLEAN_BUILDS_IN=DIR` it also times whole `tsunagi build`s, files
//! written, with and without the index: each into a folder under DIR that
//! never existed, on a quiet machine (written data flushed, under 5 % busy
//! for 2 s, as `bench/bench.py` does), in pairs whose order alternates.
//! That is the build a writer runs; its disk writes vary with the file
//! system's state far more than the in-memory builds do. DIR is left for
//! the caller to delete once everything is timed.
//!
//! usage: cargo run --release --example search_timing -- SITE_ROOT [RUNS] [TODAY]
//! (`INDEX_RUNS=n` repeats the index stage alone n times, for profiling.)

use std::process::ExitCode;
use std::time::{Duration, Instant};

use tsunagi::config::Config;
use tsunagi::render::theme::Theme;

// the allocator of the `tsunagi` binary, so the shares measured here are the CLI's
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// Runs `f`, returning its result, wall time and CPU time.
fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration, Duration) {
    let (w, c) = (Instant::now(), tsunagi::process::cpu_time());
    let r = f();
    (
        r,
        w.elapsed(),
        tsunagi::process::cpu_time().saturating_sub(c),
    )
}

fn main() -> ExitCode {
    tsunagi::process::tune_allocator();
    let args: Vec<String> = std::env::args().collect();
    let Some(root) = args.get(1) else {
        eprintln!("usage: search_timing SITE_ROOT [RUNS] [TODAY]");
        return ExitCode::from(2);
    };
    let runs: usize = args.get(2).and_then(|r| r.parse().ok()).unwrap_or(5).max(1);
    let today = args
        .get(3)
        .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
    let mut with = tsunagi::BuildOptions::new(root);
    with.today = today;
    let mut without = with.clone();
    without.search_index = false;
    let run = || -> tsunagi::Result<String> {
        let config = Config::load(&with.root)?;
        let theme = Theme::load(&with.root, &config)?;
        // builds with and without the index in pairs, so a slow spell of
        // the machine is charged to both, first one then the other first
        let (mut full, mut full_cpu, mut bare, mut bare_cpu) = (vec![], vec![], vec![], vec![]);
        let mut built = None;
        for i in 0..runs {
            for index in [i % 2 == 0, i % 2 == 1] {
                let opts = if index { &with } else { &without };
                let (b, w, c) = timed(|| tsunagi::generate(opts));
                let b = b?;
                if index {
                    built = Some(b);
                    full.push(w);
                    full_cpu.push(c);
                } else {
                    bare.push(w);
                    bare_cpu.push(c);
                }
            }
        }
        let built = built.expect("at least one run");
        // the index stage alone, on one thread pool with nothing beside it
        let (mut index, mut index_cpu) = (Vec::new(), Vec::new());
        let mut files = Vec::new();
        let index_runs: usize = std::env::var("INDEX_RUNS")
            .ok()
            .and_then(|r| r.parse().ok())
            .unwrap_or(runs);
        for _ in 0..index_runs.max(1) {
            let (f, w, c) = timed(|| tsunagi::search::build(&built.site, &theme.strings));
            files = f;
            index.push(w);
            index_cpu.push(c);
        }
        let bytes: usize = files.iter().map(|(_, b)| b.len()).sum();
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        // what the index adds, as the median of each pair's difference (a
        // build with it and the one without it right after: a slow spell
        // of the machine falls on both) over the median build without it
        let part = |with: &[Duration], without: &[Duration]| {
            let mut sorted: Vec<f64> = with
                .iter()
                .zip(without)
                .map(|(w, b)| w.as_secs_f64() - b.as_secs_f64())
                .collect();
            sorted.sort_by(f64::total_cmp);
            let bare = median(without.to_vec());
            // the spread too: a median near the target says little alone
            let percent = |q: usize| 100.0 * sorted[q] / bare.as_secs_f64().max(1e-9);
            let n = sorted.len();
            format!(
                "{{\"build_ms\": {:.0}, \"build_without_index_ms\": {:.0}, \"index_adds_percent\": {:.1}, \"quartiles_percent\": [{:.1}, {:.1}]}}",
                ms(median(with.to_vec())),
                ms(bare),
                percent(n / 2),
                percent(n / 4),
                percent((3 * n) / 4),
            )
        };
        let clean = match std::env::var_os("CLEAN_BUILDS_IN") {
            None => String::new(),
            Some(dir) => {
                let (with_t, without_t) = clean_builds(&with, &without, dir.as_ref(), runs)?;
                format!(", \"clean_build\": {}", part(&with_t, &without_t))
            }
        };
        Ok(format!(
            "{{\"pages\": {}, \"runs\": {runs}, \"wall\": {}, \"cpu\": {}, \"index_stage_alone\": {{\"wall_ms\": {:.0}, \"cpu_ms\": {:.0}}}, \"index_files\": {}, \"index_bytes\": {bytes}{clean}}}",
            built.site.pages.len(),
            part(&full, &bare),
            part(&full_cpu, &bare_cpu),
            ms(median(index)),
            ms(median(index_cpu)),
            files.len(),
        ))
    };
    match run() {
        Ok(json) => {
            println!("{json}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(1)
        }
    }
}

/// Whole builds into new folders under `dir`, with the index and without it,
/// in pairs (see the module's doc): their wall times.
fn clean_builds(
    with: &tsunagi::BuildOptions,
    without: &tsunagi::BuildOptions,
    dir: &std::path::Path,
    runs: usize,
) -> tsunagi::Result<(Vec<Duration>, Vec<Duration>)> {
    let (mut with_t, mut without_t) = (Vec::new(), Vec::new());
    for i in 0..runs {
        for index in [i % 2 == 0, i % 2 == 1] {
            let mut opts = if index { with.clone() } else { without.clone() };
            let name = format!("{}-{i}", if index { "with" } else { "without" });
            opts.output = Some(dir.join(name));
            quiet();
            let start = Instant::now();
            tsunagi::build(&opts)?;
            if index {
                with_t.push(start.elapsed());
            } else {
                without_t.push(start.elapsed());
            }
        }
    }
    Ok((with_t, without_t))
}

/// Flushes written data, then waits until the machine is under 5 % busy
/// (disk waits count as busy) for 2 s, at most three minutes.
fn quiet() {
    let sample = || -> (u64, u64) {
        let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
        let v: Vec<u64> = stat
            .lines()
            .next()
            .unwrap_or("")
            .split_whitespace()
            .skip(1)
            .filter_map(|x| x.parse().ok())
            .collect();
        (v.iter().sum(), v.get(3).copied().unwrap_or(0))
    };
    let _ = std::process::Command::new("sync").status();
    let deadline = Instant::now() + Duration::from_secs(180);
    let (mut calm, (mut total, mut idle)) = (0, sample());
    while calm < 4 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(500));
        let (t, i) = sample();
        let busy = 1.0 - (i - idle) as f64 / (t - total).max(1) as f64;
        calm = if busy < 0.05 { calm + 1 } else { 0 };
        (total, idle) = (t, i);
    }
}
