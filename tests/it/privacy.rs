//! The canary suite. In `tests/fixtures/sites/canary`, every private value,
//! every withheld profile, every out-of-scope field and every consent
//! record id carries a marker starting with `CANARY`. After building (both
//! audiences) these tests read every byte of every output file (HTML, XML,
//! JSON, JS, search index, images and their metadata) and fail if a marker
//! appears anywhere.

use std::io::Cursor;

use crate::harness::*;

const TODAY: &str = "2026-06-01";

/// A JPEG, 4×2 pixels, with an EXIF block holding orientation 6 (rotate
/// 90° clockwise), GPS coordinates and a marker in the camera owner field.
pub(crate) fn jpeg_with_gps() -> Vec<u8> {
    let img = image::DynamicImage::ImageRgb8(image::RgbImage::from_fn(4, 2, |x, _| {
        image::Rgb([x as u8 * 60, 20, 20])
    }));
    let mut plain = Vec::new();
    img.write_to(&mut Cursor::new(&mut plain), image::ImageFormat::Jpeg)
        .expect("encode");
    // TIFF, big-endian: IFD0 {Orientation=6, Artist→"CANARY-exif-artist", GPS IFD pointer}, GPS IFD {LatRef N, Lat 35/41/0}
    let artist = b"CANARY-exif-artist\0";
    let mut t: Vec<u8> = b"MM\0*\0\0\0\x08".to_vec();
    let ifd0_len = 2 + 3 * 12 + 4;
    let gps_off = 8 + ifd0_len;
    let gps_len = 2 + 2 * 12 + 4;
    let rat_off = gps_off + gps_len;
    let artist_off = rat_off + 24;
    let entry = |t: &mut Vec<u8>, tag: u16, typ: u16, count: u32, value: [u8; 4]| {
        t.extend(tag.to_be_bytes());
        t.extend(typ.to_be_bytes());
        t.extend(count.to_be_bytes());
        t.extend(value);
    };
    t.extend(3u16.to_be_bytes());
    entry(&mut t, 0x0112, 3, 1, [0, 6, 0, 0]); // Orientation
    entry(
        &mut t,
        0x013B,
        2,
        artist.len() as u32,
        (artist_off as u32).to_be_bytes(),
    ); // Artist
    entry(&mut t, 0x8825, 4, 1, (gps_off as u32).to_be_bytes()); // GPS IFD
    t.extend(0u32.to_be_bytes());
    t.extend(2u16.to_be_bytes());
    entry(&mut t, 0x0001, 2, 2, [b'N', 0, 0, 0]);
    entry(&mut t, 0x0002, 5, 3, (rat_off as u32).to_be_bytes());
    t.extend(0u32.to_be_bytes());
    for (n, d) in [(35u32, 1u32), (41, 1), (0, 1)] {
        t.extend(n.to_be_bytes());
        t.extend(d.to_be_bytes());
    }
    t.extend(artist);
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend(&t);
    let mut out = vec![0xFF, 0xD8, 0xFF, 0xE1];
    out.extend(((app1.len() + 2) as u16).to_be_bytes());
    out.extend(&app1);
    out.extend(&plain[2..]);
    out
}

pub(crate) fn canary_site() -> TempSite {
    let site = TempSite::from_fixture("sites/canary");
    let jpeg = jpeg_with_gps();
    // the fixture image really carries GPS data and the marker
    let exif = exif::Reader::new()
        .read_from_container(&mut Cursor::new(&jpeg))
        .expect("test JPEG has EXIF");
    assert!(
        exif.get_field(exif::Tag::GPSLatitude, exif::In::PRIMARY)
            .is_some()
    );
    site.write("content/talents/t-photo/CANARY-filename-face.jpg", &jpeg);
    site.write("content/talents/t-withdrawn-photo/face.jpg", &jpeg);
    site.write(
        "content/talents/CANARY-nophoto.png",
        b"not even decoded: out of scope",
    );
    site
}

/// Every output file that contains `marker`, with its path. Search index
/// files are compressed, so they are read inflated (their words are also
/// checked against the published pages in `search.rs`).
fn files_containing(
    tree: &std::collections::BTreeMap<String, Vec<u8>>,
    marker: &str,
) -> Vec<String> {
    let needle = marker.as_bytes();
    let mut hits = Vec::new();
    for (path, bytes) in tree {
        let inflated;
        let bytes = if path.contains("search-index/") && path.ends_with(".bin") {
            inflated = crate::search::inflate(bytes);
            &inflated
        } else {
            bytes
        };
        if path.contains(marker) || bytes.windows(needle.len()).any(|w| w == needle) {
            hits.push(path.clone());
        }
    }
    hits
}

fn build_tree(site: &TempSite, extra: &[&str]) -> std::collections::BTreeMap<String, Vec<u8>> {
    let _ = std::fs::remove_dir_all(site.public());
    site.build(TODAY, extra);
    read_tree(&site.public())
}

#[test]
fn no_canary_in_any_byte_of_either_audience() {
    let site = canary_site();
    for audience in ["public", "companies"] {
        let tree = build_tree(&site, &["--audience", audience]);
        assert!(tree.len() > 20, "the site was built ({} files)", tree.len());
        let hits = files_containing(&tree, "CANARY");
        assert!(
            hits.is_empty(),
            "{audience} build leaks CANARY markers in: {hits:?}"
        );
        // what is published is really there (the test would be blind otherwise),
        // in the search index too
        assert!(!files_containing(&tree, "Published-Person").is_empty());
        assert!(
            files_containing(&tree, "Published-Person")
                .iter()
                .any(|p| p.starts_with("search-index/d/")),
            "the search index's metadata is read"
        );
        assert!(
            !files_containing(&tree, "Hobby-In-Scope").is_empty(),
            "an in-scope site-declared optional field is published"
        );
        assert!(
            tree.contains_key("talents/t-photo/photo.jpg"),
            "the in-scope photo is published under a neutral name"
        );
    }
}

#[test]
fn companies_only_profiles_stay_out_of_the_public_build() {
    let site = canary_site();
    let public = build_tree(&site, &[]);
    assert!(
        files_containing(&public, "COMPANIES-ONLY").is_empty(),
        "{:?}",
        files_containing(&public, "COMPANIES-ONLY")
    );
    assert!(!public.contains_key("talents/t-companies/index.html"));
    let companies = build_tree(&site, &["--audience", "companies"]);
    assert!(companies.contains_key("talents/t-companies/index.html"));
    assert!(!files_containing(&companies, "COMPANIES-ONLY").is_empty());
}

#[test]
fn expired_yesterday_is_withheld_expiring_tomorrow_is_published() {
    let site = canary_site();
    let tree = build_tree(&site, &[]);
    assert!(
        !tree.contains_key("talents/t-expired/index.html"),
        "expires 2026-06-01, today 2026-06-01"
    );
    assert!(
        tree.contains_key("talents/t-public/index.html"),
        "expires 2026-06-02, today 2026-06-01"
    );
    // one day later the second one is gone too
    let _ = std::fs::remove_dir_all(site.public());
    site.build("2026-06-02", &[]);
    let later = read_tree(&site.public());
    assert!(!later.contains_key("talents/t-public/index.html"));
    assert!(
        files_containing(&later, "Published-Person").is_empty(),
        "{:?}",
        files_containing(&later, "Published-Person")
    );
}

#[test]
fn photo_is_reencoded_upright_without_metadata() {
    let site = canary_site();
    let tree = build_tree(&site, &[]);
    let photo = tree
        .get("talents/t-photo/photo.jpg")
        .expect("photo published");
    assert!(
        exif::Reader::new()
            .read_from_container(&mut Cursor::new(photo))
            .is_err(),
        "no EXIF left"
    );
    assert!(tsunagi::assets::image_metadata(photo).is_empty());
    let img = image::load_from_memory(photo).expect("decodes");
    assert_eq!(
        (img.width(), img.height()),
        (2, 4),
        "orientation 6 applied before the metadata was dropped"
    );
    let nophoto: Vec<_> = tree
        .keys()
        .filter(|k| k.starts_with("talents/t-nophoto/"))
        .collect();
    assert_eq!(
        nophoto,
        ["talents/t-nophoto/index.html"],
        "a photo out of scope is not copied"
    );
    assert!(
        !site
            .read("public/talents/t-nophoto/index.html")
            .contains("<img")
    );
}

#[test]
fn story_linking_a_withdrawn_talent_stays_unlinked() {
    let site = canary_site();
    let out = site.run(&["build", "--today", TODAY]);
    let msg = text(&out);
    assert!(out.status.success(), "{msg}");
    assert!(
        msg.contains("the featured talent `t-withdrawn` is not published"),
        "{msg}"
    );
    assert!(msg.contains("links-withdrawn.md:14:18: warning: link `@/talents/t-withdrawn.md` points to a page that is not published"), "{msg}");
    let story = site.read("public/stories/links-withdrawn/index.html");
    assert!(
        story.contains("Profile link text becomes plain text"),
        "{story}"
    );
    assert!(!story.contains("/talents/t-withdrawn/"));
    assert!(
        !site.public().join("stories/own-consent-ended").exists(),
        "a story whose own consent ended is withheld"
    );
    let other = site.read("public/stories/links-public/index.html");
    assert!(
        !other.contains("/talents/t-public/"),
        "no card: `story` is not in t-public's scope"
    );
}

#[test]
fn withdrawing_consent_removes_the_person_at_the_next_build() {
    let site = canary_site();
    let tree = build_tree(&site, &[]);
    assert!(!files_containing(&tree, "Hobby-Person").is_empty());
    let before = files_containing(&tree, "Hobby-Person");
    assert!(
        before.iter().any(|p| p.starts_with("tags/")),
        "the person is on term pages too: {before:?}"
    );
    let text = site
        .read("content/talents/t-hobby.md")
        .replace("withdrawn: null", "withdrawn: 2026-06-01");
    site.write("content/talents/t-hobby.md", text);
    site.build(TODAY, &[]);
    let after = read_tree(&site.public());
    let hits = files_containing(&after, "Hobby-Person");
    assert!(hits.is_empty(), "still mentioned in {hits:?}");
    assert!(
        files_containing(&after, "t-hobby").is_empty(),
        "{:?}",
        files_containing(&after, "t-hobby")
    );
    assert!(
        !site.public().join("tags/hobby-person-tag").exists(),
        "a term used only by the person is gone"
    );
}

#[test]
fn talent_pages_carry_no_person_data_for_machines() {
    let site = canary_site();
    let tree = build_tree(&site, &[]);
    for (path, bytes) in &tree {
        if !path.starts_with("talents/") || !path.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8_lossy(bytes);
        assert!(
            html.contains("<meta name=\"robots\" content=\"noindex, noarchive, noimageindex\">"),
            "{path}"
        );
        assert!(
            !html.contains("og:image"),
            "{path}: no og:image of a person"
        );
        assert!(
            !html.contains("\"Person\""),
            "{path}: no Person structured data"
        );
    }
}

#[test]
fn the_privacy_summary_counts_reasons() {
    let site = canary_site();
    let out = site.run(&["check", "--today", TODAY, "--privacy"]);
    let msg = text(&out);
    assert!(out.status.success(), "{msg}");
    assert!(msg.contains("4 talents published, 6 withheld (1 companies only, 1 expired, 1 not yet given, 1 status, 2 withdrawn)"), "{msg}");
    assert!(
        msg.contains("t-hired          WITHHELD   status is hired"),
        "{msg}"
    );
    assert!(
        msg.contains("t-hobby          published  (public; optional fields shown: hobby)"),
        "{msg}"
    );
    // the consent record ids are never printed, even to the publisher
    assert!(!msg.contains("CANARY-record"), "{msg}");
}
