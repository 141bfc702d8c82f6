//! The metadata scanner of images copied as they are (`static/`): any byte
//! string gives a scan, never a panic, and a file it calls sound is one
//! whose every length it checked.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tsunagi::assets::{image_metadata, scan_image, static_image_problem};

fuzz_target!(|data: &[u8]| {
    let scan = scan_image(data);
    let listed = image_metadata(data);
    // a damaged image counts as carrying metadata: never published as is
    assert_eq!(
        listed.is_empty(),
        scan.metadata.is_empty() && scan.damaged.is_none()
    );
    assert_eq!(static_image_problem(data).is_some(), !listed.is_empty());
});
