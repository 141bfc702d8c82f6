//! Re-encoding a content image: any file gives an image within the
//! published size or a message, never a panic, and decoding stays within
//! the documented limits (libFuzzer's `-rss_limit_mb` catches a bomb).
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use tsunagi::assets::{PUBLISHED_SIDE, image_metadata, reencode};

fn path() -> &'static PathBuf {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("tsunagi-fuzz-image-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a temporary folder");
        dir.join("photo.img")
    })
}

fuzz_target!(|data: &[u8]| {
    std::fs::write(path(), data).expect("write the input");
    if let Ok(out) = reencode(path()) {
        assert!(
            image_metadata(&out).is_empty(),
            "re-encoded output is clean"
        );
        if let Ok(img) = image::load_from_memory(&out) {
            assert!(img.width().max(img.height()) <= PUBLISHED_SIDE);
        }
    }
});
