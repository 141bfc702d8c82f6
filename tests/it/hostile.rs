//! Hostile and broken input files (issue 20): truncated and oversized
//! images, files that are symbolic links out of the site, NUL bytes, a
//! `site.yaml` that is not UTF-8. Each ends in exit 1 with the file named:
//! never a panic, a leak or unbounded memory.

use std::io::Cursor;
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
    // reaped by `wait4` below, which `Child::wait` cannot replace
    #[allow(clippy::zombie_processes)]
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

/// A small PNG whose header declares `w`×`h` RGB pixels, with a little real
/// data: the first bytes of a decompression bomb.
fn png_declaring(w: u32, h: u32) -> Vec<u8> {
    use std::io::Write;
    fn chunk(out: &mut Vec<u8>, kind: &[u8], data: &[u8]) {
        out.extend((data.len() as u32).to_be_bytes());
        let mut crc = flate2::Crc::new();
        crc.update(kind);
        crc.update(data);
        out.extend(kind);
        out.extend(data);
        out.extend(crc.sum().to_be_bytes());
    }
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend(w.to_be_bytes());
    ihdr.extend(h.to_be_bytes());
    ihdr.extend([8, 2, 0, 0, 0]); // 8-bit RGB, not interlaced
    chunk(&mut png, b"IHDR", &ihdr);
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    z.write_all(&vec![0u8; 256 * 1024]).expect("deflate");
    chunk(&mut png, b"IDAT", &z.finish().expect("deflate"));
    chunk(&mut png, b"IEND", b"");
    png
}

/// A JPEG of 8×8 pixels whose frame header declares `w`×`h` (the 333-byte
/// photo of issue 20 declared 65500×65500).
fn jpeg_declaring(w: u16, h: u16) -> Vec<u8> {
    let img = image::DynamicImage::ImageRgb8(image::RgbImage::from_pixel(
        8,
        8,
        image::Rgb([90, 120, 200]),
    ));
    let mut jpeg = Vec::new();
    img.write_to(&mut Cursor::new(&mut jpeg), image::ImageFormat::Jpeg)
        .expect("encode");
    let sof = jpeg
        .windows(2)
        .position(|m| m == [0xFF, 0xC0])
        .expect("a baseline frame header");
    jpeg[sof + 5..sof + 7].copy_from_slice(&h.to_be_bytes());
    jpeg[sof + 7..sof + 9].copy_from_slice(&w.to_be_bytes());
    jpeg
}

#[test]
fn a_png_declaring_30000_pixels_a_side_is_refused_in_little_memory() {
    let site = site_with_photo("face.png");
    let png = png_declaring(30_000, 30_000);
    assert!(png.len() < 4096, "a small file: {} bytes", png.len());
    site.write("content/talents/face.png", &png);
    fails_cleanly(
        &site,
        "content/talents/face.png",
        &["the image is 30000×30000 pixels, more than tsunagi decodes"],
        200,
    );
}

#[test]
fn a_jpeg_declaring_65500_pixels_a_side_is_refused_in_little_memory() {
    let site = site_with_photo("face.jpg");
    site.write("content/talents/face.jpg", jpeg_declaring(65_500, 65_500));
    fails_cleanly(
        &site,
        "content/talents/face.jpg",
        &["the image is 65500×65500 pixels"],
        200,
    );
}

#[test]
fn a_large_photo_is_published_at_1600_pixels() {
    let site = site_with_photo("face.jpg");
    let img = image::DynamicImage::ImageRgb8(image::RgbImage::from_fn(2000, 3000, |x, y| {
        image::Rgb([(x / 8) as u8, (y / 12) as u8, 128])
    }));
    let mut jpeg = Vec::new();
    img.write_to(&mut Cursor::new(&mut jpeg), image::ImageFormat::Jpeg)
        .expect("encode");
    site.write("content/talents/face.jpg", &jpeg);
    site.build(TODAY, &[]);
    let photo = std::fs::read(site.public().join("talents/t-1/photo.jpg")).expect("published");
    let back = image::load_from_memory(&photo).expect("decodes");
    assert_eq!((back.width(), back.height()), (1067, 1600));
}

/// A JPEG outside any site, as a private file on the writer's computer is.
fn private_jpeg(dir: &Path) -> std::path::PathBuf {
    let img = image::DynamicImage::ImageRgb8(image::RgbImage::from_pixel(
        6,
        4,
        image::Rgb([10, 200, 30]),
    ));
    let p = dir.join("passport-scan.jpg");
    img.save(&p).expect("write the private image");
    p
}

#[test]
fn a_photo_that_is_a_link_out_of_the_site_is_refused() {
    let elsewhere = tempfile::tempdir().expect("temp dir");
    let private = private_jpeg(elsewhere.path());
    let site = site_with_photo("face.jpg");
    std::os::unix::fs::symlink(&private, site.path().join("content/talents/face.jpg"))
        .expect("symlink");
    fails_cleanly(
        &site,
        "content/talents/t-1.md",
        &[
            "`photo: face.jpg`: content/talents/face.jpg is a symbolic link to a place outside the site folder",
        ],
        200,
    );
}

#[test]
fn a_bundle_file_that_is_a_link_out_of_the_site_is_refused() {
    let elsewhere = tempfile::tempdir().expect("temp dir");
    let private = private_jpeg(elsewhere.path());
    let site = TempSite::from_fixture("broken/_base");
    site.write(
        "content/stories/amir/index.md",
        "---\ntitle: アミールさんの春\ndate: 2026-03-01\n---\n\n春から介護の研修に通っています。\n",
    );
    std::os::unix::fs::symlink(&private, site.path().join("content/stories/amir/team.jpg"))
        .expect("symlink");
    std::os::unix::fs::symlink(
        elsewhere.path(),
        site.path().join("content/stories/amir/documents"),
    )
    .expect("symlink");
    fails_cleanly(
        &site,
        "content/stories/amir/team.jpg",
        &[
            "content/stories/amir/team.jpg: error: this file is a symbolic link to a place outside the site folder",
            "content/stories/amir/documents: error: this folder is a symbolic link to a place outside the site folder",
        ],
        200,
    );
}

#[test]
fn links_inside_the_site_are_followed() {
    let site = site_with_photo("face.jpg");
    private_jpeg(&site.path().join("content/talents"));
    std::os::unix::fs::symlink(
        site.path().join("content/talents/passport-scan.jpg"),
        site.path().join("content/talents/face.jpg"),
    )
    .expect("symlink");
    site.write(
        "content/stories/amir/index.md",
        "---\ntitle: アミールさんの春\ndate: 2026-03-01\n---\n\n![研修の様子](team.jpg)\n",
    );
    std::os::unix::fs::symlink(
        site.path().join("content/talents/passport-scan.jpg"),
        site.path().join("content/stories/amir/team.jpg"),
    )
    .expect("symlink");
    site.build(TODAY, &[]);
    assert!(site.public().join("talents/t-1/photo.jpg").is_file());
    assert!(site.public().join("stories/amir/team.jpg").is_file());
}

#[test]
fn a_link_to_nothing_or_to_its_own_folder_is_named() {
    let site = TempSite::from_fixture("broken/_base");
    std::os::unix::fs::symlink(
        site.path().join("content/stories/gone.md"),
        site.path().join("content/stories/old.md"),
    )
    .expect("symlink");
    std::os::unix::fs::symlink(
        site.path().join("content"),
        site.path().join("content/reports/loop"),
    )
    .expect("symlink");
    fails_cleanly(
        &site,
        "content/stories/old.md",
        &[
            "content/stories/old.md: error: this file is a symbolic link to a file that does not exist",
            "content/reports/loop: error: this folder is a symbolic link to a folder that contains it",
        ],
        200,
    );
}

/// A link in `static/` is not followed (it could publish anything the
/// writer's account can read), and the writer is told so.
#[test]
fn a_link_in_static_is_not_published_and_named() {
    let site = TempSite::from_fixture("broken/_base");
    let outside = TempSite::empty();
    outside.write("secret.txt", "在留カード番号の控え");
    site.write("static/files/guide.txt", "案内");
    std::os::unix::fs::symlink(
        outside.path().join("secret.txt"),
        site.path().join("static/files/notes.txt"),
    )
    .expect("symlink");
    let out = site.build(TODAY, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let msg = text(&out);
    assert!(
        msg.contains("static/files/notes.txt") && msg.contains("symbolic link"),
        "{msg}"
    );
    assert!(site.public().join("files/guide.txt").is_file());
    assert!(!site.public().join("files/notes.txt").exists());
    for (path, bytes) in read_tree(&site.public()) {
        assert!(
            !String::from_utf8_lossy(&bytes).contains("在留カード番号"),
            "{path}"
        );
    }
}
