//! Static files, bundle files and images.
//!
//! Images in content (talent photos, story images, anything in a bundle)
//! are decoded and re-encoded: EXIF, XMP, IPTC and GPS are dropped, and the
//! EXIF orientation is applied first so the picture still stands upright.
//! The original bytes are never copied. Files from `static/` are copied as
//! they are, so every image that ends up in the output is checked for
//! metadata ([`image_metadata`]) and the build fails if any remains.
//!
//! The metadata check walks JPEG segments, PNG chunks and RIFF chunks by
//! hand: the `image` crate decodes pixels but does not list metadata
//! containers, and kamadak-exif knows EXIF but not XMP, IPTC or comments.

use std::io::Cursor;
use std::path::Path;

use image::{DynamicImage, ImageDecoder, ImageFormat};
use rayon::prelude::*;

use crate::content::{Asset, ImageRef};
use crate::error::{Diagnostic, Error, Result, rel_path};
use crate::render::File;

/// Re-encodes one image file, stripping all metadata.
pub fn reencode(path: &Path) -> std::result::Result<Vec<u8>, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read: {e}"))?;
    let format = image::guess_format(&bytes)
        .map_err(|e| format!("not an image this build can read: {e}"))?;
    let reader = image::ImageReader::with_format(Cursor::new(&bytes), format);
    let mut decoder = reader
        .into_decoder()
        .map_err(|e| format!("cannot decode: {e}"))?;
    let orientation = decoder
        .orientation()
        .map_err(|e| format!("cannot read orientation: {e}"))?;
    let mut img = DynamicImage::from_decoder(decoder).map_err(|e| format!("cannot decode: {e}"))?;
    img.apply_orientation(orientation);
    let mut out = Vec::new();
    match format {
        ImageFormat::Jpeg => {
            let rgb = DynamicImage::ImageRgb8(img.to_rgb8());
            let enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85);
            rgb.write_with_encoder(enc)
                .map_err(|e| format!("cannot encode: {e}"))?;
        }
        ImageFormat::Png => img
            .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
            .map_err(|e| format!("cannot encode: {e}"))?,
        ImageFormat::WebP => {
            let rgba = DynamicImage::ImageRgba8(img.to_rgba8());
            rgba.write_to(&mut Cursor::new(&mut out), ImageFormat::WebP)
                .map_err(|e| format!("cannot encode: {e}"))?
        }
        ImageFormat::Gif => {
            let rgba = DynamicImage::ImageRgba8(img.to_rgba8());
            rgba.write_to(&mut Cursor::new(&mut out), ImageFormat::Gif)
                .map_err(|e| format!("cannot encode: {e}"))?
        }
        other => {
            return Err(format!(
                "{other:?} images are not supported; use JPEG, PNG, WebP or GIF"
            ));
        }
    }
    Ok(out)
}

/// The metadata containers an image still carries (empty when clean).
pub fn image_metadata(bytes: &[u8]) -> Vec<&'static str> {
    let mut found = Vec::new();
    if bytes.starts_with(&[0xFF, 0xD8]) {
        let mut i = 2;
        while i + 4 <= bytes.len() {
            if bytes[i] != 0xFF {
                break;
            }
            let marker = bytes[i + 1];
            if marker == 0xD9 || marker == 0xDA {
                break; // end of image / start of scan: no more metadata segments
            }
            if (0xD0..=0xD7).contains(&marker) || marker == 0x01 || marker == 0xFF {
                i += if marker == 0xFF { 1 } else { 2 };
                continue;
            }
            let len = u16::from_be_bytes([bytes[i + 2], bytes[i + 3]]) as usize;
            let body = &bytes[(i + 4).min(bytes.len())..(i + 2 + len).min(bytes.len())];
            match marker {
                0xE1 if body.starts_with(b"Exif") => found.push("EXIF"),
                0xE1 => found.push("XMP"),
                0xED => found.push("IPTC"),
                0xFE => found.push("JPEG comment"),
                0xE2..=0xEF if marker != 0xE2 && marker != 0xEE => found.push("APP segment"),
                _ => {}
            }
            i += 2 + len;
        }
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        let mut i = 8;
        while i + 8 <= bytes.len() {
            let len =
                u32::from_be_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]) as usize;
            match &bytes[i + 4..i + 8] {
                b"eXIf" => found.push("EXIF"),
                b"tEXt" | b"zTXt" | b"iTXt" => found.push("PNG text"),
                b"tIME" => found.push("PNG time"),
                _ => {}
            }
            i += 12 + len;
        }
    } else if bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
        let mut i = 12;
        while i + 8 <= bytes.len() {
            let len = u32::from_le_bytes([bytes[i + 4], bytes[i + 5], bytes[i + 6], bytes[i + 7]])
                as usize;
            match &bytes[i..i + 4] {
                b"EXIF" => found.push("EXIF"),
                b"XMP " => found.push("XMP"),
                _ => {}
            }
            i += 8 + len + (len & 1);
        }
    } else if bytes.starts_with(b"GIF8") && bytes.windows(11).any(|w| w == b"XMP DataXMP") {
        found.push("XMP");
    }
    found.sort();
    found.dedup();
    found
}

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

/// Files of `static/` (site) copied as they are.
pub fn static_files(root: &Path) -> Result<Vec<(File, String)>> {
    let dir = root.join("static");
    let mut out = Vec::new();
    if !dir.is_dir() {
        return Ok(out);
    }
    for entry in walkdir::WalkDir::new(&dir).sort_by_file_name() {
        let entry = entry.map_err(|e| {
            let path = e.path().unwrap_or(&dir).to_path_buf();
            Error::io(
                "reading",
                &path,
                e.into_io_error()
                    .unwrap_or_else(|| std::io::Error::other("filesystem loop")),
            )
        })?;
        if !entry.file_type().is_file() {
            continue;
        }
        let name = entry.file_name().to_string_lossy();
        if name.starts_with('.') || name.ends_with('~') {
            continue;
        }
        let bytes =
            std::fs::read(entry.path()).map_err(|e| Error::io("reading", entry.path(), e))?;
        out.push((
            (rel_path(&dir, entry.path()), bytes),
            rel_path(root, entry.path()),
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jpeg_with_exif() -> Vec<u8> {
        let img =
            DynamicImage::ImageRgb8(image::RgbImage::from_pixel(4, 2, image::Rgb([200, 10, 10])));
        let mut plain = Vec::new();
        img.write_to(&mut Cursor::new(&mut plain), ImageFormat::Jpeg)
            .unwrap();
        // insert an APP1 Exif segment right after SOI
        let exif_body = b"Exif\0\0MM\0*\0\0\0\x08\0\0";
        let mut out = vec![0xFF, 0xD8, 0xFF, 0xE1];
        out.extend(((exif_body.len() + 2) as u16).to_be_bytes());
        out.extend(exif_body);
        out.extend(&plain[2..]);
        out
    }

    #[test]
    fn finds_and_strips_jpeg_exif() {
        let dirty = jpeg_with_exif();
        assert_eq!(image_metadata(&dirty), ["EXIF"]);
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.jpg");
        std::fs::write(&p, &dirty).unwrap();
        let clean = reencode(&p).unwrap();
        assert!(image_metadata(&clean).is_empty());
        assert_ne!(clean, dirty);
    }

    #[test]
    fn png_text_chunks_are_metadata() {
        let img = DynamicImage::ImageRgb8(image::RgbImage::new(1, 1));
        let mut png = Vec::new();
        img.write_to(&mut Cursor::new(&mut png), ImageFormat::Png)
            .unwrap();
        assert!(image_metadata(&png).is_empty());
        // add a tEXt chunk before IEND
        let iend = png.len() - 12;
        let mut dirty = png[..iend].to_vec();
        let data = b"Author\0someone";
        dirty.extend((data.len() as u32).to_be_bytes());
        dirty.extend(b"tEXt");
        dirty.extend(data);
        dirty.extend([0, 0, 0, 0]);
        dirty.extend(&png[iend..]);
        assert_eq!(image_metadata(&dirty), ["PNG text"]);
    }
}
