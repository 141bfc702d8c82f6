//! Times the search index stage against the whole in-memory build, for
//! `bench/search.sh`: how much of a build the index costs, and its size.
//! Wall time (median of RUNS) is what a writer waits; CPU time (all threads,
//! from /proc/self/stat, median too) is steadier on a machine shared with
//! other work, so the share is reported for both.
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
    let mut opts = tsunagi::BuildOptions::new(root);
    opts.today = today;
    type Times = (Vec<Duration>, Vec<Duration>);
    let run = || -> tsunagi::Result<(Times, Times, usize, usize, usize)> {
        let config = Config::load(&opts.root)?;
        let theme = Theme::load(&opts.root, &config)?;
        let (mut full, mut full_cpu) = (Vec::new(), Vec::new());
        let mut built = None;
        for _ in 0..runs {
            let (b, w, c) = timed(|| tsunagi::generate(&opts));
            built = Some(b?);
            full.push(w);
            full_cpu.push(c);
        }
        let built = built.expect("at least one run");
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
        let bytes = files.iter().map(|(_, b)| b.len()).sum();
        Ok((
            (full, full_cpu),
            (index, index_cpu),
            files.len(),
            bytes,
            built.site.pages.len(),
        ))
    };
    match run() {
        Ok(((full, full_cpu), (index, index_cpu), files, bytes, pages)) => {
            let ms = |d: Duration| d.as_secs_f64() * 1e3;
            let (f, i) = (median(full), median(index));
            let (fc, ic) = (median(full_cpu), median(index_cpu));
            let share = |i: Duration, f: Duration| {
                100.0 * i.as_secs_f64() / f.saturating_sub(i).as_secs_f64().max(1e-9)
            };
            println!(
                "{{\"pages\": {pages}, \"runs\": {runs}, \"wall\": {{\"build_ms\": {:.0}, \"index_ms\": {:.0}, \"build_without_index_ms\": {:.0}, \"index_adds_percent\": {:.1}}}, \"cpu\": {{\"build_ms\": {:.0}, \"index_ms\": {:.0}, \"build_without_index_ms\": {:.0}, \"index_adds_percent\": {:.1}}}, \"index_files\": {files}, \"index_bytes\": {bytes}}}",
                ms(f),
                ms(i),
                ms(f.saturating_sub(i)),
                share(i, f),
                ms(fc),
                ms(ic),
                ms(fc.saturating_sub(ic)),
                share(ic, fc),
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(1)
        }
    }
}
