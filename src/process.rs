//! Process-wide settings for the programs built on the library: the
//! `tsunagi` binary and the benchmark examples, which must measure what the
//! binary runs. The library itself never calls these (it sets nothing
//! global); each program calls [`tune_allocator`] first thing in `main` and
//! declares mimalloc its global allocator.

use std::time::Duration;

/// mimalloc's `purge_delay` option (its index in mimalloc 3's `mi_option_e`;
/// the Rust bindings name only some options).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Memory settings measured on the benchmark corpus (2 cores):
///
/// * Memory a build frees is allocated again moments later (the search
///   index's working set by the rendered pages; in `serve`, one build's
///   model by the next). By default mimalloc returns freed memory to the
///   kernel after a second, which zeroes it again on reuse; keeping it made
///   `check` of 50,000 pages 6 % faster (medians 11.2 → 10.5 s) and a
///   dev-server page rebuild at 10,000 pages about 3 % faster.
/// * Transparent huge pages: mimalloc asks for them, and every first touch
///   of a 2 MiB page then zeroes all of it. At 50,000 pages that was a fifth
///   of all CPU time (`check`: 10.5 → 9.5 s without them, 2–3 s less
///   system time, 3 % less peak memory); at 10,000 pages, no difference.
pub fn tune_allocator() {
    // SAFETY: mi_option_set only stores an integer option; prctl only sets
    // a flag of this process. Callers run this first thing in main, before
    // any other thread exists.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) };
    #[cfg(target_os = "linux")]
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

/// CPU time of this process so far (user + system, every thread), from
/// `/proc/self/stat`; zero where that does not exist (not Linux). For
/// benchmarks: on a shared machine it is steadier than wall time.
pub fn cpu_time() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // fields after the command name (which ends with ')'): utime is the 12th, stime the 13th
    let rest = stat.rsplit(')').next().unwrap_or("");
    let f: Vec<u64> = rest
        .split_whitespace()
        .map(|x| x.parse().unwrap_or(0))
        .collect();
    let ticks = f.get(11).copied().unwrap_or(0) + f.get(12).copied().unwrap_or(0);
    // the kernel counts in clock ticks of 10 ms (USER_HZ = 100)
    Duration::from_millis(ticks * 10)
}
