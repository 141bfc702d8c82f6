//! Static files, bundle files and images.
//!
//! Images in content (talent photos, story images, anything in a bundle)
//! are decoded and re-encoded ([`images`]): EXIF, XMP, IPTC and GPS are
//! dropped, and the EXIF orientation is applied so the picture still
//! stands upright. The original bytes are never copied. Files from
//! `static/` are copied as they are, so every image that ends up in the
//! output is checked for metadata ([`scan`]) and the build fails if any
//! remains.

use std::path::Path;

use rayon::prelude::*;

use crate::content::{Asset, ImageRef};
use crate::error::{Diagnostic, Error, Result, rel_path};
use crate::output::File;

pub mod images;
pub mod scan;

pub use images::{MAX_DECODED_BYTES, MAX_IMAGE_FILE, MAX_IMAGE_SIDE, PUBLISHED_SIDE, reencode};
pub use scan::{ImageScan, image_metadata, scan_image, static_image_problem};

/// True for file names the metadata check looks at.
pub fn is_image_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [".jpg", ".jpeg", ".png", ".webp", ".gif"]
        .iter()
        .any(|e| lower.ends_with(e))
}

/// Re-encoded content images and copied bundle files.
pub fn content_files(root: &Path, images: &[ImageRef], assets: &[Asset]) -> Result<Vec<File>> {
    let jobs: Vec<(&Path, &str, bool)> = images
        .iter()
        .map(|i| (i.source.as_path(), i.output.as_str(), true))
        .chain(
            assets
                .iter()
                .map(|a| (a.source.as_path(), a.output.as_str(), a.reencode)),
        )
        .collect();
    let results: Vec<std::result::Result<File, Diagnostic>> = jobs
        .par_iter()
        .map(|&(src, out, re)| {
            let bytes = if re {
                reencode(src).map_err(|m| {
                    Diagnostic::error(rel_path(root, src), None, format!("image: {m}"))
                })?
            } else {
                std::fs::read(src).map_err(|e| {
                    Diagnostic::error(rel_path(root, src), None, format!("cannot read: {e}"))
                })?
            };
            Ok((out.to_string(), bytes))
        })
        .collect();
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for r in results {
        match r {
            Ok(f) => files.push(f),
            Err(d) => errors.push(d),
        }
    }
    if !errors.is_empty() {
        return Err(Error::Site(crate::error::Diagnostics(errors)));
    }
    Ok(files)
}

/// `static/`'s files, each with the path of its source for messages, and
/// the warnings about links that were not followed.
pub type StaticFiles = (Vec<(File, String)>, Vec<Diagnostic>);

/// Files of `static/` (site) copied as they are, and a warning for each
/// symbolic link, which is not followed: a link could publish anything the
/// writer's account can read.
pub fn static_files(root: &Path) -> Result<StaticFiles> {
    let dir = root.join(crate::names::STATIC_DIR);
    let mut out = Vec::new();
    let mut warnings = Vec::new();
    if !dir.is_dir() {
        return Ok((out, warnings));
    }
    let walk = walkdir::WalkDir::new(&dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            e.depth() == 0 || !crate::ignore::is_ignored_name(&e.file_name().to_string_lossy())
        });
    for entry in walk {
        let entry = entry.map_err(|e| {
            let path = e.path().unwrap_or(&dir).to_path_buf();
            Error::io(
                "reading",
                &path,
                e.into_io_error()
                    .unwrap_or_else(|| std::io::Error::other("filesystem loop")),
            )
        })?;
        if entry.file_type().is_symlink() {
            warnings.push(Diagnostic::warning(
                rel_path(root, entry.path()),
                None,
                "this is a symbolic link, and links in static/ are not followed, so it is not published: copy the file here instead",
            ));
            continue;
        }
        if !entry.file_type().is_file() {
            continue;
        }
        let bytes =
            std::fs::read(entry.path()).map_err(|e| Error::io("reading", entry.path(), e))?;
        out.push((
            (rel_path(&dir, entry.path()), bytes),
            rel_path(root, entry.path()),
        ));
    }
    Ok((out, warnings))
}
