//! Faults are input too: a full disk, a read-only folder, two builds at
//! once, a build killed mid-write, a damaged build record, links planted
//! in the output folder. The promises under test:
//!
//! * the output folder holds exactly the site's files (every byte public),
//!   the build's own state lives outside it;
//! * a build that fails leaves the previous output byte-identical, and a
//!   first build that fails leaves nothing behind;
//! * nothing outside the output folder is ever written or deleted.
//!
//! The disk faults are real: the output folder sits on a small tmpfs (full
//! disk) or a read-only bind mount, made inside a user and mount namespace
//! (`unshare`, util-linux) so that no test needs to change the machine.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::harness::*;
use crate::privacy::canary_site;

const TODAY: &str = "2026-06-01";

/// What `site` builds, in memory, with the library (the same pipeline as
/// `tsunagi build`, without the folder).
fn expected(site: &Path, companies: bool) -> BTreeMap<String, Vec<u8>> {
    let mut o = tsunagi::BuildOptions::new(site);
    o.today = Some(TODAY.parse().expect("date"));
    if companies {
        o.audience = tsunagi::content::BuildAudience::Companies;
    }
    tsunagi::check(&o)
        .expect("the site builds")
        .output
        .files
        .into_iter()
        .map(|(k, v)| (k, v.to_vec()))
        .collect()
}

/// Asserts that `dir` holds exactly `want`, naming the first differences.
fn assert_holds_exactly(dir: &Path, want: &BTreeMap<String, Vec<u8>>) {
    let got = read_tree(dir);
    let extra: Vec<&String> = got.keys().filter(|k| !want.contains_key(*k)).collect();
    let missing: Vec<&String> = want.keys().filter(|k| !got.contains_key(*k)).collect();
    let differ: Vec<&String> = want
        .iter()
        .filter(|(k, v)| got.get(*k).is_some_and(|g| g != *v))
        .map(|(k, _)| k)
        .collect();
    assert!(
        extra.is_empty() && missing.is_empty() && differ.is_empty(),
        "{}: not in the build: {extra:?}\nmissing: {missing:?}\ndiffer: {differ:?}",
        dir.display()
    );
}

/// Every path under `dir` whose name ends with the writer's temporary suffix.
fn temp_files(dir: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tsunagi-tmp"))
        .map(|e| e.path().to_path_buf())
        .collect()
}

#[test]
fn the_output_folder_holds_exactly_the_sites_files_and_the_state_lives_outside() {
    let site = canary_site();
    for companies in [false, true] {
        let mut args = vec![];
        if companies {
            args.extend(["--audience", "companies"]);
        }
        let out = site.build(TODAY, &args);
        // the build warns about withheld people; none of that is in the folder
        assert!(text(&out).contains("withheld"), "{}", text(&out));
        assert_holds_exactly(&site.public(), &expected(site.path(), companies));
    }
    // the record is in the site's state folder, which git ignores
    let state = site.path().join(".tsunagi");
    let records: Vec<String> = std::fs::read_dir(state.join("outputs"))
        .expect("state folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert!(records.iter().any(|r| r.ends_with(".json")), "{records:?}");
    assert_eq!(
        std::fs::read_to_string(state.join(".gitignore"))
            .expect("gitignore")
            .lines()
            .last(),
        Some("*")
    );
}

#[test]
fn a_companies_build_then_a_public_build_into_one_folder_leaves_no_companies_profile() {
    let site = canary_site();
    site.build(TODAY, &["--audience", "companies"]);
    assert!(
        site.public()
            .join("talents/t-companies/index.html")
            .is_file()
    );
    site.build(TODAY, &[]);
    assert_holds_exactly(&site.public(), &expected(site.path(), false));
}

#[test]
fn leftovers_of_a_killed_build_are_removed_even_when_nothing_changed() {
    let site = TempSite::from_fixture("broken/_base");
    // inputs older than the build by the racy margin: the next build may
    // find them unchanged
    std::thread::sleep(std::time::Duration::from_millis(2100));
    site.build(TODAY, &[]);
    let want = expected(site.path(), false);
    // what a build killed between its two phases leaves: temporary files
    // of a full profile, a staging folder, and a file someone copied in
    site.write(
        "public/talents/t-1/.index.html.tsunagi-tmp",
        "<h1>a withdrawn person's profile</h1>",
    );
    site.write("public/.staging.tsunagi-tmp/0", "<h1>another</h1>");
    site.write("public/notes.txt", "not part of the site");
    let out = site.build(TODAY, &[]);
    assert!(!text(&out).contains("up to date"), "{}", text(&out));
    assert_holds_exactly(&site.public(), &want);
    // and once clean, the next build may stop early again
    std::thread::sleep(std::time::Duration::from_millis(2100));
    site.build(TODAY, &["--drafts"]);
    site.build(TODAY, &[]);
    assert!(text(&site.build(TODAY, &[])).contains("up to date"));
}

/// A site of `n` talents (each a page, a folder and search text), big
/// enough that writing it takes a while.
fn many_talents(n: usize) -> TempSite {
    let site = TempSite::from_fixture("broken/_base");
    let skills = [
        "Python",
        "経理",
        "介護",
        "施工管理",
        "日本語教育",
        "フォークリフト",
    ];
    for i in 0..n {
        site.write(
            &format!("content/talents/t-{i:04}.md"),
            format!(
                "---\nid: t-{i:04}\ndisplay_name: 候補者{i}さん\nheadline: {skill}の経験者（{years}年）\nstatus: seeking\nskills: [{skill}]\nexperience_years: {years}\nconsent:\n  record_id: C-{i:04}\n  given: 2026-01-10\n  expires: 2027-01-10\n---\n{skill}の仕事を{years}年続けてきました。日本語で報告書を書き、チームで働くことが得意です。\n\nI have worked in {skill} for {years} years and want to keep learning.\n",
                skill = skills[i % skills.len()],
                years = 1 + i % 12,
            ),
        );
    }
    site
}

/// Whether the build record of `site`'s output folder says a build is
/// changing it (phase 2 of the writer).
fn record_incomplete(site: &Path) -> bool {
    std::fs::read_dir(site.join(".tsunagi/outputs"))
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "json"))
        .any(|e| std::fs::read_to_string(e.path()).is_ok_and(|t| t.contains("\"complete\":false")))
}

#[test]
fn a_build_killed_while_writing_leaves_nothing_the_next_build_keeps() {
    let site = many_talents(300);
    let want = expected(site.path(), false);
    let root = site.path().to_string_lossy().into_owned();
    site.build(TODAY, &[]);
    // kill builds as soon as they are seen writing: while temporary files
    // are being written (phase 1), and while files are renamed into place
    // and stale ones deleted (phase 2)
    let mut seen = [0, 0];
    for round in 0..16 {
        let phase = round % 2;
        // change every page so each build has everything to write
        site.write("site.yaml", format!("title: 繋ぎ {round}\n"));
        let mut child = tsunagi()
            .current_dir(site.path())
            .args(["build", "--today", TODAY, "--root", &root, "-q"])
            .spawn()
            .expect("spawn");
        loop {
            let writing = match phase {
                0 => !temp_files(&site.public()).is_empty(),
                _ => record_incomplete(site.path()),
            };
            if writing {
                let _ = child.kill();
                seen[phase] += 1;
                break;
            }
            if child.try_wait().expect("wait").is_some() {
                break;
            }
        }
        let _ = child.wait();
    }
    eprintln!(
        "killed {} builds in phase 1, {} in phase 2",
        seen[0], seen[1]
    );
    assert!(
        seen[0] >= 2 && seen[1] >= 1,
        "too few builds killed while writing: {seen:?}"
    );
    site.write("site.yaml", site_yaml_of_base());
    site.build(TODAY, &[]);
    assert_holds_exactly(&site.public(), &want);
}

fn site_yaml_of_base() -> String {
    std::fs::read_to_string(fixture("broken/_base/site.yaml")).expect("base site.yaml")
}

#[test]
fn a_second_build_of_one_folder_is_refused_while_the_first_holds_it() {
    let site = TempSite::from_fixture("broken/_base");
    site.build(TODAY, &[]);
    let lock = std::fs::read_dir(site.path().join(".tsunagi/outputs"))
        .expect("state")
        .map(|e| e.expect("entry").path())
        .find(|p| p.extension().is_some_and(|x| x == "lock"))
        .expect("a lock file");
    let held = std::fs::File::options()
        .write(true)
        .open(&lock)
        .expect("open lock");
    held.lock().expect("the test takes the lock");
    let before = read_tree(&site.public());
    site.write(
        "content/about.md",
        "---\ntitle: 団体について\n---\n変更しました。\n",
    );
    let o = site.run(&["build", "--today", TODAY]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains("another tsunagi build is writing"),
        "{}",
        text(&o)
    );
    assert_eq!(read_tree(&site.public()), before, "nothing written");
    held.unlock().expect("unlock");
    site.build(TODAY, &[]);
    assert_holds_exactly(&site.public(), &expected(site.path(), false));
}

#[test]
fn two_builds_started_together_never_mix_their_output() {
    let site = canary_site();
    let root = site.path().to_string_lossy().into_owned();
    for round in 0..4 {
        let start = |audience: &str| {
            tsunagi()
                .current_dir(site.path())
                .args([
                    "build",
                    "--today",
                    TODAY,
                    "--root",
                    &root,
                    "-q",
                    "--audience",
                    audience,
                ])
                .spawn()
                .expect("spawn")
        };
        let mut companies = start("companies");
        std::thread::sleep(std::time::Duration::from_millis(10));
        let mut public = start("public");
        let c = companies.wait().expect("wait");
        let p = public.wait().expect("wait");
        // each either built or was refused (exit 2), never anything else
        for s in [c, p] {
            assert!(s.success() || s.code() == Some(2), "round {round}: {s:?}");
        }
        assert!(c.success() || p.success(), "round {round}: both refused");
        // whichever wrote last, the folder is exactly its build
        let got = read_tree(&site.public());
        let whole = if got.contains_key("talents/t-companies/index.html") {
            expected(site.path(), true)
        } else {
            expected(site.path(), false)
        };
        assert_holds_exactly(&site.public(), &whole);
        // and a public build after it leaves no companies-only profile
        site.build(TODAY, &[]);
        assert_holds_exactly(&site.public(), &expected(site.path(), false));
    }
}

/// Runs `script` (sh) in a new user and mount namespace, as root there,
/// so it can mount a tmpfs or a read-only bind mount that vanishes with
/// it. `TSUNAGI` is the binary; the script's output is returned. Fails the
/// test (never skips it) when namespaces are not available.
fn in_namespace(script: &str) -> String {
    let o = Command::new("unshare")
        .args(["--user", "--map-root-user", "--mount", "sh", "-euc", script])
        .env("TSUNAGI", env!("CARGO_BIN_EXE_tsunagi"))
        .output()
        .expect("unshare (util-linux) runs; the fault tests need it");
    assert!(
        o.status.success(),
        "the namespace script failed ({:?}); user and mount namespaces are required for the disk-fault tests:\n{}",
        o.status,
        text(&o)
    );
    text(&o)
}

#[test]
fn a_full_disk_leaves_the_previous_output_byte_identical() {
    let site = TempSite::from_fixture("broken/_base");
    let mnt = site.path().join("mnt");
    let before = site.path().join("before");
    let after = site.path().join("after");
    std::fs::create_dir_all(&mnt).expect("mkdir");
    // the second build changes every page (the title) and adds a file that
    // cannot fit: some temporary files are written before the disk is full
    let big: Vec<u8> = (0..3_000_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    std::fs::create_dir_all(site.path().join("next")).expect("mkdir");
    std::fs::write(site.path().join("next/big.bin"), &big).expect("write");
    let log = in_namespace(&format!(
        r#"cd '{root}'
mount -t tmpfs -o size=1500k tmpfs '{mnt}'
"$TSUNAGI" build --today {TODAY} --output mnt/public -q
cp -a mnt/public '{before}'
sed -i 's/^title: .*/title: 繋ぎ・新しい名前/' site.yaml
mkdir -p static && cp next/big.bin static/big.bin
set +e
"$TSUNAGI" build --today {TODAY} --output mnt/public -q
echo "exit=$?"
set -e
cp -a mnt/public '{after}'
"#,
        root = site.path().display(),
        mnt = mnt.display(),
        before = before.display(),
        after = after.display(),
    ));
    assert!(log.contains("exit=2"), "{log}");
    assert!(log.contains("No space left on device"), "{log}");
    assert!(
        log.contains("mnt/public/"),
        "the error names the file: {log}"
    );
    let b = read_tree(&before);
    assert!(b.contains_key("index.html"), "the first build was written");
    assert_eq!(
        read_tree(&after),
        b,
        "the previous output is byte-identical"
    );
    assert!(temp_files(&after).is_empty());
}

#[test]
fn a_first_build_into_a_full_disk_leaves_nothing_behind() {
    let site = TempSite::from_fixture("broken/_base");
    let mnt = site.path().join("mnt");
    std::fs::create_dir_all(&mnt).expect("mkdir");
    let log = in_namespace(&format!(
        r#"cd '{root}'
mount -t tmpfs -o size=48k tmpfs '{mnt}'
set +e
"$TSUNAGI" build --today {TODAY} --output mnt/public -q
echo "exit=$?"
set -e
echo "left: $(ls -A mnt)."
umount '{mnt}'
mount -t tmpfs -o size=8m tmpfs '{mnt}'
"$TSUNAGI" build --today {TODAY} --output mnt/public -q
echo "second=$?"
"#,
        root = site.path().display(),
        mnt = mnt.display(),
    ));
    assert!(log.contains("exit=2"), "{log}");
    assert!(
        log.contains("left: ."),
        "nothing left on the full disk: {log}"
    );
    assert!(
        log.contains("second=0"),
        "a later build is not refused: {log}"
    );
}

#[test]
fn a_read_only_folder_leaves_the_previous_output_byte_identical() {
    let site = TempSite::from_fixture("broken/_base");
    site.build(TODAY, &[]);
    let before = read_tree(&site.public());
    // every page changes; the story's folder cannot be written
    site.replace("site.yaml", "title:", "title: 新・");
    let log = in_namespace(&format!(
        r#"cd '{root}'
mount --bind public/stories public/stories
mount -o remount,bind,ro public/stories
set +e
"$TSUNAGI" build --today {TODAY} -q
echo "exit=$?"
"#,
        root = site.path().display(),
    ));
    assert!(log.contains("exit=2"), "{log}");
    assert!(log.contains("Read-only file system"), "{log}");
    assert_eq!(
        read_tree(&site.public()),
        before,
        "the previous output is byte-identical"
    );
    // a stale file in a read-only folder: found before anything changes
    site.replace("site.yaml", "title: 新・", "title:");
    site.build(TODAY, &[]);
    let before = read_tree(&site.public());
    site.remove("content/stories/hana.md");
    site.replace("site.yaml", "title:", "title: 新・");
    let log = in_namespace(&format!(
        r#"cd '{root}'
mount --bind public/stories/hana public/stories/hana
mount -o remount,bind,ro public/stories/hana
set +e
"$TSUNAGI" build --today {TODAY} -q
echo "exit=$?"
"#,
        root = site.path().display(),
    ));
    assert!(log.contains("exit=2"), "{log}");
    assert_eq!(
        read_tree(&site.public()),
        before,
        "the previous output is byte-identical"
    );
    site.build(TODAY, &[]);
    assert_holds_exactly(&site.public(), &expected(site.path(), false));
}

#[test]
fn a_crafted_build_record_never_deletes_outside_the_folder() {
    let site = TempSite::from_fixture("broken/_base");
    site.build(TODAY, &[]);
    let victims = TempSite::empty();
    let victim = victims.path().join("victim.txt");
    std::fs::write(&victim, "keep me").expect("write");
    let sibling = site.path().join("victim.txt");
    std::fs::write(&sibling, "keep me too").expect("write");
    let record = std::fs::read_dir(site.path().join(".tsunagi/outputs"))
        .expect("state")
        .map(|e| e.expect("entry").path())
        .find(|p| p.extension().is_some_and(|x| x == "json"))
        .expect("a record");
    let mut json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&record).expect("read")).expect("json");
    let files = json["files"].as_object_mut().expect("files");
    files.insert(
        victim.to_string_lossy().into_owned(),
        serde_json::json!([7, 1]),
    );
    files.insert("../victim.txt".into(), serde_json::json!([11, 1]));
    std::fs::write(&record, serde_json::to_vec(&json).expect("json")).expect("write");
    // the old place of the record, inside the output, crafted the same way
    std::fs::write(
        site.public().join(".tsunagi-output.json"),
        serde_json::to_vec(&json).expect("json"),
    )
    .expect("write");
    site.remove("content/reports/r-1.md");
    let out = site.build(TODAY, &[]);
    assert!(
        text(&out).contains("ignored 2 entries of the build record"),
        "{}",
        text(&out)
    );
    assert_eq!(std::fs::read_to_string(&victim).expect("victim"), "keep me");
    assert_eq!(
        std::fs::read_to_string(&sibling).expect("sibling"),
        "keep me too"
    );
    assert_holds_exactly(&site.public(), &expected(site.path(), false));
}

#[cfg(unix)]
#[test]
fn links_in_the_output_folder_are_replaced_never_followed() {
    let site = TempSite::from_fixture("broken/_base");
    site.build(TODAY, &[]);
    let outside = TempSite::empty();
    outside.write("keep.txt", "outside the site");
    // a folder of the site, a page of the site and a stray name become links
    std::fs::remove_dir_all(site.public().join("talents")).expect("rm");
    std::os::unix::fs::symlink(outside.path(), site.public().join("talents")).expect("link");
    std::fs::remove_file(site.public().join("about/index.html")).expect("rm");
    std::os::unix::fs::symlink(
        outside.path().join("keep.txt"),
        site.public().join("about/index.html"),
    )
    .expect("link");
    std::os::unix::fs::symlink(outside.path(), site.public().join("elsewhere")).expect("link");
    site.build(TODAY, &[]);
    assert_eq!(
        read_tree(outside.path()).len(),
        1,
        "nothing written outside"
    );
    assert_eq!(outside.read("keep.txt"), "outside the site");
    assert!(
        std::fs::symlink_metadata(site.public().join("talents"))
            .expect("talents")
            .is_dir(),
        "a real folder again"
    );
    assert_holds_exactly(&site.public(), &expected(site.path(), false));
}
