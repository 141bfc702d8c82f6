//! Hostile and broken input files (issue 20): truncated and oversized
//! images, files that are symbolic links out of the site, NUL bytes, a
//! `site.yaml` that is not UTF-8. Each ends in exit 1 with the file named:
//! never a panic, a leak or unbounded memory.

use std::path::Path;

use crate::harness::*;

const TODAY: &str = "2026-06-01";

/// The 6 bytes of issue 20: a JPEG whose APP1 segment is shorter than its
/// own length field.
const TRUNCATED_JPEG: &[u8] = b"\xff\xd8\xff\xe1\x00\x00";

/// The broken-site base, with `photo: name` (in consent scope) in talent
/// t-1: the file `content/talents/<name>`, beside `t-1.md`.
fn site_with_photo(name: &str) -> TempSite {
    let site = TempSite::from_fixture("broken/_base");
    site.replace(
        "content/talents/t-1.md",
        "status: seeking\n",
        &format!("status: seeking\nphoto: {name}\n"),
    )
    .replace(
        "content/talents/t-1.md",
        "scope: [story]",
        "scope: [story, photo]",
    );
    site
}

/// A child's exit code, output and peak resident memory.
struct Measured {
    code: Option<i32>,
    text: String,
    peak_mib: u64,
}

/// Runs `tsunagi <args> --root <site>` and measures its peak resident set:
/// `wait4`'s rusage of that one child, so other tests running beside it do
/// not count. On Linux the figure also holds the peak of the memory the
/// child started from, this test process's (it is taken at `exec`), so it
/// is at most the larger of the two: see [`allowed_mib`].
fn run_measured(site: &TempSite, args: &[&str]) -> Measured {
    use std::os::unix::process::ExitStatusExt;
    let out_dir = tempfile::tempdir().expect("temp dir");
    let out = out_dir.path().join("out");
    let file = |p: &Path| std::fs::File::create(p).expect("output file");
    let child = tsunagi()
        .current_dir(site.path())
        .args(args)
        .arg("--root")
        .arg(site.path())
        .stdout(file(&out))
        .stderr(file(&out_dir.path().join("err")))
        .spawn()
        .expect("the tsunagi binary runs");
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: rusage is plain data; wait4 fills it for this one child,
    // which `child` never waits for itself.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(waited, pid, "wait4: {}", std::io::Error::last_os_error());
    let status = std::process::ExitStatus::from_raw(status);
    let text = format!(
        "{}{}",
        std::fs::read_to_string(&out).unwrap_or_default(),
        std::fs::read_to_string(out_dir.path().join("err")).unwrap_or_default()
    );
    Measured {
        code: status.code(),
        text,
        // ru_maxrss is in KiB on Linux
        peak_mib: usage.ru_maxrss as u64 / 1024,
    }
}

/// What a child measured by [`run_measured`] may show when it took at most
/// `max_mib` itself: that, or this process's own peak, which the child's
/// figure includes. A decompression bomb takes gigabytes, far above both.
fn allowed_mib(max_mib: u64) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let own_kib: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM in /proc/self/status");
    max_mib.max(own_kib / 1024)
}

/// `check` and `build` both exit 1 naming `file`, without a panic, within
/// `max_mib` of memory, and the failed build writes no output. Returns the
/// build's messages.
fn fails_cleanly(site: &TempSite, file: &str, wants: &[&str], max_mib: u64) -> String {
    let mut last = String::new();
    for cmd in ["check", "build"] {
        let m = run_measured(site, &[cmd, "--today", TODAY]);
        assert_eq!(m.code, Some(1), "{cmd}: exit code\n{}", m.text);
        assert!(!m.text.contains("panicked"), "{cmd}: a panic\n{}", m.text);
        assert!(
            m.text.contains(&format!("{file}:")),
            "{cmd}: {file} is named\n{}",
            m.text
        );
        for want in wants {
            assert!(m.text.contains(want), "{cmd}: {want:?} in\n{}", m.text);
        }
        let allowed = allowed_mib(max_mib);
        assert!(
            m.peak_mib <= allowed,
            "{cmd}: peak memory {} MiB > {allowed} MiB",
            m.peak_mib
        );
        last = m.text;
    }
    assert!(!site.public().exists(), "a failed build writes nothing");
    last
}

#[test]
fn a_truncated_jpeg_in_static_is_an_error_naming_it() {
    let site = TempSite::from_fixture("broken/_base");
    site.write("static/images/x.jpg", TRUNCATED_JPEG);
    fails_cleanly(
        &site,
        "static/images/x.jpg",
        &["damaged or truncated", "less than its own length field"],
        200,
    );
}

#[test]
fn a_truncated_jpeg_as_a_photo_is_an_error_naming_it() {
    let site = site_with_photo("face.jpg");
    site.write("content/talents/face.jpg", TRUNCATED_JPEG);
    fails_cleanly(
        &site,
        "content/talents/face.jpg",
        &["image: cannot decode"],
        200,
    );
}
