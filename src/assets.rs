//! Static files, bundle files and images.
//!
//! Images in content (talent photos, story images, anything in a bundle)
//! are decoded and re-encoded: EXIF, XMP, IPTC and GPS are dropped, and the
//! EXIF orientation is applied so the picture still stands upright. The
//! original bytes are never copied. Files from `static/` are copied as
//! they are, so every image that ends up in the output is checked for
//! metadata ([`image_metadata`]) and the build fails if any remains.
//!
//! Image files come from writers and from anywhere they found them, so a
//! file may be truncated or hostile. Decoding is bounded: a file may
//! declare at most [`MAX_IMAGE_SIDE`] pixels a side and
//! [`MAX_DECODED_BYTES`] of pixels (a few hundred bytes can declare
//! 65,500 × 65,500), checked before any pixel buffer exists, and a
//! published image is scaled to at most [`PUBLISHED_SIDE`] pixels on its
//! longest side. Over a limit is an error naming the file.
//!
//! The metadata check walks JPEG segments, PNG chunks and RIFF chunks by
//! hand: the `image` crate decodes pixels but does not list metadata
//! containers, and kamadak-exif knows EXIF but not XMP, IPTC or comments.
//! It reads lengths from the file, so it checks each against what is left:
//! a damaged file is reported ([`ImageScan::damaged`]) and refused, since
//! what it hides past the damage cannot be known.

use std::io::Cursor;
use std::path::Path;

use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageFormat};
use rayon::prelude::*;

use crate::content::{Asset, ImageRef};
use crate::error::{Diagnostic, Error, Result, rel_path};
use crate::render::File;

/// The longest side of a published image, in pixels: a profile photo or a
/// story image is shown at most about 800 CSS pixels wide, so 1600 is sharp
/// on a 2× screen. Larger images are scaled down (aspect kept).
pub const PUBLISHED_SIDE: u32 = 1600;

/// The longest side tsunagi decodes, in pixels: the full-size photo of a
/// 50-megapixel phone camera (8160×6120) passes.
pub const MAX_IMAGE_SIDE: u32 = 12_000;

/// The most memory one decoded image may take: 256 MiB, an 8000×8000
/// picture with transparency (8000 × 8000 × 4 bytes) or a 50-megapixel
/// photo (150 MB). With the file and the scaled copies, one image takes
/// at most about 420 MiB while it is re-encoded, and two are re-encoded at
/// a time on two cores (a 50-megapixel photo: 270 MB peak for the whole
/// build of a small site).
pub const MAX_DECODED_BYTES: u64 = 256 * 1024 * 1024;

/// The largest image file read: 64 MiB, well above a 50-megapixel JPEG
/// (15–25 MB). The file is held in memory while it is decoded.
pub const MAX_IMAGE_FILE: u64 = 64 * 1024 * 1024;

/// The decoder's limits: a file declaring more pixels (a decompression bomb
/// declares billions in a few hundred bytes) is refused before any pixel
/// buffer is allocated.
fn decode_limits() -> image::Limits {
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_IMAGE_SIDE);
    limits.max_image_height = Some(MAX_IMAGE_SIDE);
    limits.max_alloc = Some(MAX_DECODED_BYTES);
    limits
}

/// Re-encodes one image file, stripping all metadata, scaled down to at
/// most [`PUBLISHED_SIDE`] pixels on its longest side.
pub fn reencode(path: &Path) -> std::result::Result<Vec<u8>, String> {
    let size = std::fs::metadata(path)
        .map_err(|e| format!("cannot read: {e}"))?
        .len();
    if size > MAX_IMAGE_FILE {
        return Err(format!(
            "the file is {} MiB; tsunagi reads image files of at most {} MiB (a published image is at most {PUBLISHED_SIDE} pixels on its longest side): scale it down or save it with more compression",
            size.div_ceil(1024 * 1024),
            MAX_IMAGE_FILE / (1024 * 1024)
        ));
    }
    let (img, format) = {
        let bytes = std::fs::read(path).map_err(|e| format!("cannot read: {e}"))?;
        let format = image::guess_format(&bytes)
            .map_err(|e| format!("not an image this build can read: {e}"))?;
        let (mut img, orientation) = decode(&bytes, format)?;
        // scaled before it is turned, which needs only the small copy
        img = fit_for_web(img);
        img.apply_orientation(orientation);
        (img, format)
    };
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

/// Decodes within [`decode_limits`]: the dimensions a file declares are
/// checked before its pixels are read, and so is the buffer they need.
fn decode(
    bytes: &[u8],
    format: ImageFormat,
) -> std::result::Result<(DynamicImage, Orientation), String> {
    let mut reader = image::ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(decode_limits());
    let mut decoder = reader.into_decoder().map_err(|e| match e {
        image::ImageError::Limits(_) => too_large(bytes, format),
        e => format!("cannot decode: {e}"),
    })?;
    // `into_decoder` checks each side; the decoded buffer is checked here
    if decoder.total_bytes() > MAX_DECODED_BYTES {
        return Err(too_large(bytes, format));
    }
    let orientation = decoder
        .orientation()
        .map_err(|e| format!("cannot read orientation: {e}"))?;
    let img = DynamicImage::from_decoder(decoder).map_err(|e| match e {
        image::ImageError::Limits(_) => too_large(bytes, format),
        e => format!("cannot decode: {e}"),
    })?;
    Ok((img, orientation))
}

/// The message for an image over the limits, with the size it declares.
fn too_large(bytes: &[u8], format: ImageFormat) -> String {
    let declared = image::ImageReader::with_format(Cursor::new(bytes), format)
        .into_dimensions()
        .map(|(w, h)| format!("is {w}×{h} pixels"))
        .unwrap_or_else(|_| "declares a size".to_string());
    format!(
        "the image {declared}, more than tsunagi decodes ({MAX_IMAGE_SIDE} pixels a side and {} MiB decoded; a published image is at most {PUBLISHED_SIDE} pixels on its longest side): scale it down in an image editor",
        MAX_DECODED_BYTES / (1024 * 1024)
    )
}

/// Scales `img` down to at most [`PUBLISHED_SIDE`] on its longest side,
/// keeping its aspect. Lanczos3 makes the final size; a large image is
/// first averaged down to twice that by whole pixel areas, since Lanczos
/// alone would need a float copy of the full width at the new height
/// (12,000 × 1,600 × 16 bytes).
fn fit_for_web(img: DynamicImage) -> DynamicImage {
    let (w, h) = (img.width(), img.height());
    if w.max(h) <= PUBLISHED_SIDE {
        return img;
    }
    let fit = |side: u32| -> (u32, u32) {
        let (long, short) = (w.max(h) as u64, w.min(h) as u64);
        let short = ((short * side as u64 + long / 2) / long).max(1) as u32;
        if w >= h { (side, short) } else { (short, side) }
    };
    let img = if w.max(h) > 2 * PUBLISHED_SIDE {
        let (pw, ph) = fit(2 * PUBLISHED_SIDE);
        img.thumbnail_exact(pw, ph)
    } else {
        img
    };
    let (tw, th) = fit(PUBLISHED_SIDE);
    img.resize_exact(tw, th, image::imageops::FilterType::Lanczos3)
}

/// What scanning an image's containers found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImageScan {
    /// The metadata containers found (sorted, each once).
    pub metadata: Vec<&'static str>,
    /// Why the containers cannot be walked to their end, when they cannot:
    /// a truncated or damaged file may hide metadata where the walk stops.
    pub damaged: Option<String>,
}

/// Walks the containers of an image (JPEG segments, PNG chunks, RIFF
/// chunks; GIF is searched for XMP) without decoding pixels.
///
/// Any byte string is accepted: every length read from the file is checked
/// against what is left of it, so a hostile or truncated file makes a
/// [`ImageScan::damaged`] report, never a panic or an endless loop (each
/// step moves forward by at least one byte).
pub fn scan_image(bytes: &[u8]) -> ImageScan {
    let mut found = Vec::new();
    let damaged = if bytes.starts_with(&[0xFF, 0xD8]) {
        scan_jpeg(bytes, &mut found)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        scan_png(bytes, &mut found)
    } else if bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
        scan_riff(bytes, &mut found)
    } else {
        if bytes.starts_with(b"GIF8") && bytes.windows(11).any(|w| w == b"XMP DataXMP") {
            found.push("XMP");
        }
        None
    };
    found.sort();
    found.dedup();
    ImageScan {
        metadata: found,
        damaged,
    }
}

/// The metadata containers an image still carries (empty when clean). A
/// damaged image counts as carrying metadata: what it holds past the damage
/// cannot be known.
pub fn image_metadata(bytes: &[u8]) -> Vec<&'static str> {
    let scan = scan_image(bytes);
    let mut found = scan.metadata;
    if scan.damaged.is_some() {
        found.push("a damaged container that may hide more");
    }
    found
}

/// Why an image from `static/` (copied as it is) may not be published:
/// metadata, or a structure too damaged to tell. `None` when it is clean.
pub fn static_image_problem(bytes: &[u8]) -> Option<String> {
    let scan = scan_image(bytes);
    if let Some(why) = scan.damaged {
        return Some(format!(
            "the image is damaged or truncated ({why}), so whether it carries metadata cannot be checked; images in static/ are copied as they are: open it in an image editor and save it again, or move it into a content bundle (those are re-encoded)"
        ));
    }
    if scan.metadata.is_empty() {
        return None;
    }
    Some(format!(
        "image carries metadata ({}) that could locate or identify someone; images in static/ are copied as they are, so remove the metadata or move the image into a content bundle (those are re-encoded)",
        scan.metadata.join(", ")
    ))
}

/// JPEG: segments from SOI to the start of the scan (metadata segments
/// come before the pixels).
fn scan_jpeg(bytes: &[u8], found: &mut Vec<&'static str>) -> Option<String> {
    let mut i = 2;
    loop {
        let Some(&[ff, marker]) = bytes.get(i..i + 2) else {
            return Some(format!(
                "the file ends at byte {} before its image data",
                bytes.len()
            ));
        };
        if ff != 0xFF {
            return Some(format!("no segment marker at byte {i}"));
        }
        match marker {
            0xD9 | 0xDA => return None, // end of image / start of scan: no more metadata segments
            0xFF => {
                i += 1; // a fill byte
                continue;
            }
            0xD0..=0xD7 | 0x01 => {
                i += 2; // markers without a length
                continue;
            }
            _ => {}
        }
        let Some(&[hi, lo]) = bytes.get(i + 2..i + 4) else {
            return Some(format!("the segment at byte {i} is cut off"));
        };
        let len = u16::from_be_bytes([hi, lo]) as usize;
        if len < 2 {
            return Some(format!(
                "the segment at byte {i} says it is {len} bytes long, less than its own length field"
            ));
        }
        let Some(body) = bytes.get(i + 4..i + 2 + len) else {
            return Some(format!(
                "the segment at byte {i} runs past the end of the file"
            ));
        };
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
}

/// PNG: every chunk up to IEND; bytes after IEND are not an image's.
fn scan_png(bytes: &[u8], found: &mut Vec<&'static str>) -> Option<String> {
    let mut i = 8;
    while i < bytes.len() {
        let Some(&[a, b, c, d, ref kind @ ..]) = bytes.get(i..i + 8) else {
            return Some(format!("the chunk at byte {i} is cut off"));
        };
        let len = u32::from_be_bytes([a, b, c, d]) as usize;
        // length, type, data, CRC
        let end = i.checked_add(len).and_then(|e| e.checked_add(12));
        if end.is_none_or(|e| e > bytes.len()) {
            return Some(format!(
                "the chunk at byte {i} runs past the end of the file"
            ));
        }
        match kind {
            b"eXIf" => found.push("EXIF"),
            b"tEXt" | b"zTXt" | b"iTXt" => found.push("PNG text"),
            b"tIME" => found.push("PNG time"),
            _ => {}
        }
        i += 12 + len;
        if kind == b"IEND" {
            let rest = bytes.len() - i;
            return (rest > 0).then(|| format!("{rest} bytes follow the end of the image"));
        }
    }
    Some("the file ends without its IEND chunk".to_string())
}

/// WebP: the RIFF chunks after the header (odd sizes are padded).
fn scan_riff(bytes: &[u8], found: &mut Vec<&'static str>) -> Option<String> {
    let mut i = 12;
    while i < bytes.len() {
        let Some(&[ref kind @ .., a, b, c, d]) = bytes.get(i..i + 8) else {
            return Some(format!("the chunk at byte {i} is cut off"));
        };
        let len = u32::from_le_bytes([a, b, c, d]) as usize;
        let Some(end) = (i + 8).checked_add(len).filter(|&e| e <= bytes.len()) else {
            return Some(format!(
                "the chunk at byte {i} runs past the end of the file"
            ));
        };
        match kind {
            b"EXIF" => found.push("EXIF"),
            b"XMP " => found.push("XMP"),
            _ => {}
        }
        // the pad byte after an odd-sized chunk may be missing at the very end
        i = (end + (len & 1)).min(bytes.len());
    }
    None
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
    fn the_truncated_jpeg_is_damaged_not_a_panic() {
        // issue 20: an APP1 segment whose length (0) is less than its own
        // two length bytes once sliced `bytes[6..4]`
        let scan = scan_image(b"\xff\xd8\xff\xe1\x00\x00");
        let why = scan.damaged.expect("damaged");
        assert!(why.contains("less than its own length field"), "{why}");
        assert!(!image_metadata(b"\xff\xd8\xff\xe1\x00\x00").is_empty());
        let problem = static_image_problem(b"\xff\xd8\xff\xe1\x00\x00").expect("refused");
        assert!(problem.contains("damaged or truncated"), "{problem}");
        for bytes in [
            &b"\xff\xd8"[..],
            b"\xff\xd8\xff",
            b"\xff\xd8\xff\xe1\xff\xff",
            b"\xff\xd8\x00\x00",
            b"\x89PNG\r\n\x1a\n\xff\xff\xff\xff",
            b"\x89PNG\r\n\x1a\n\xff\xff\xff\xffIHDR\0\0\0\0",
            b"RIFF\0\0\0\0WEBPVP8 \xff\xff\xff\xff",
        ] {
            assert!(scan_image(bytes).damaged.is_some(), "{bytes:?}");
        }
    }

    /// Images to mutate, each with the offset where its one metadata
    /// container ends: a JPEG with EXIF, a PNG with text, a WebP with XMP.
    fn specimens() -> Vec<(Vec<u8>, usize)> {
        let img = DynamicImage::ImageRgb8(image::RgbImage::from_fn(5, 3, |x, y| {
            image::Rgb([x as u8 * 40, y as u8 * 70, 9])
        }));
        let jpeg = jpeg_with_exif();
        let exif_end = 4 + u16::from_be_bytes([jpeg[4], jpeg[5]]) as usize;
        let mut png = Vec::new();
        img.write_to(&mut Cursor::new(&mut png), ImageFormat::Png)
            .unwrap();
        let iend = png.len() - 12;
        let mut text_png = png[..iend].to_vec();
        text_png.extend(b"\0\0\0\x03tEXtabc\0\0\0\0");
        text_png.extend(&png[iend..]);
        let mut webp = Vec::new();
        DynamicImage::ImageRgba8(img.to_rgba8())
            .write_to(&mut Cursor::new(&mut webp), ImageFormat::WebP)
            .unwrap();
        webp.extend(b"XMP \x03\0\0\0abc\0");
        let webp_end = webp.len();
        vec![
            (jpeg, exif_end),
            (text_png, iend + 15),
            (webp, webp_end - 1),
        ]
    }

    #[test]
    fn no_byte_string_panics_and_a_cut_never_hides_what_it_kept() {
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for (n, (whole, meta_end)) in specimens().into_iter().enumerate() {
            let full = scan_image(&whole);
            assert_eq!(full.damaged, None, "specimen {n} is sound");
            assert_eq!(full.metadata.len(), 1, "specimen {n}: {:?}", full.metadata);
            // every prefix holding the whole container still shows it (as
            // metadata, or as damage that may hide it)
            for cut in meta_end..whole.len() {
                assert!(
                    !image_metadata(&whole[..cut]).is_empty(),
                    "specimen {n} cut at {cut}"
                );
            }
            for cut in 0..meta_end {
                let _ = scan_image(&whole[..cut]);
            }
            // seeded mutants: bytes overwritten with extreme values
            for _ in 0..3000 {
                let mut m = whole.clone();
                for _ in 0..1 + next() % 4 {
                    let at = (next() % m.len() as u64) as usize;
                    m[at] = [0x00, 0xFF, 0x01, 0x7F, 0xFE, 0xD8, 0xDA][(next() % 7) as usize];
                }
                let _ = scan_image(&m);
            }
        }
    }

    /// A small PNG whose header declares `w`×`h` RGB pixels: a few rows of
    /// real data, like a decompression bomb's first bytes.
    pub(crate) fn png_declaring(w: u32, h: u32) -> Vec<u8> {
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
        ihdr.extend([8, 2, 0, 0, 0]); // 8-bit RGB, no interlace
        chunk(&mut png, b"IHDR", &ihdr);
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        z.write_all(&vec![0u8; 64 * 1024]).unwrap();
        chunk(&mut png, b"IDAT", &z.finish().unwrap());
        chunk(&mut png, b"IEND", b"");
        png
    }

    /// An 8×8 JPEG whose frame header is rewritten to declare `w`×`h`.
    pub(crate) fn jpeg_declaring(w: u16, h: u16) -> Vec<u8> {
        let img = DynamicImage::ImageRgb8(image::RgbImage::from_pixel(
            8,
            8,
            image::Rgb([90, 120, 200]),
        ));
        let mut jpeg = Vec::new();
        img.write_to(&mut Cursor::new(&mut jpeg), ImageFormat::Jpeg)
            .unwrap();
        let sof = jpeg
            .windows(2)
            .position(|m| m == [0xFF, 0xC0])
            .expect("baseline frame header");
        jpeg[sof + 5..sof + 7].copy_from_slice(&h.to_be_bytes());
        jpeg[sof + 7..sof + 9].copy_from_slice(&w.to_be_bytes());
        jpeg
    }

    fn reencode_bytes(name: &str, bytes: &[u8]) -> std::result::Result<Vec<u8>, String> {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        reencode(&p)
    }

    #[test]
    fn decompression_bombs_are_refused_before_decoding() {
        let png = png_declaring(30_000, 30_000);
        assert!(png.len() < 2000, "{} bytes", png.len());
        let e = reencode_bytes("bomb.png", &png).unwrap_err();
        assert!(e.contains("is 30000×30000 pixels"), "{e}");
        assert!(e.contains("12000 pixels a side and 256 MiB"), "{e}");
        let e = reencode_bytes("bomb.jpg", &jpeg_declaring(65_500, 65_500)).unwrap_err();
        assert!(e.contains("is 65500×65500 pixels"), "{e}");
        // within the sides, but over the memory: 11000 × 11000 × 3 bytes
        let e = reencode_bytes("wide.png", &png_declaring(11_000, 11_000)).unwrap_err();
        assert!(e.contains("is 11000×11000 pixels"), "{e}");
        // a file over the size limit is not even read
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("huge.jpg");
        std::fs::File::create(&p)
            .unwrap()
            .set_len(MAX_IMAGE_FILE + 1)
            .unwrap();
        let e = reencode(&p).unwrap_err();
        assert!(e.contains("at most 64 MiB"), "{e}");
    }

    #[test]
    fn published_images_fit_1600_pixels_keeping_their_aspect() {
        let dims = |w: u32, h: u32, format: ImageFormat, name: &str| {
            let img = DynamicImage::ImageRgb8(image::RgbImage::from_fn(w, h, |x, y| {
                image::Rgb([(x % 251) as u8, (y % 241) as u8, ((x + y) % 239) as u8])
            }));
            let mut bytes = Vec::new();
            img.write_to(&mut Cursor::new(&mut bytes), format).unwrap();
            let out = reencode_bytes(name, &bytes).unwrap();
            let back = image::load_from_memory(&out).unwrap();
            (back.width(), back.height())
        };
        assert_eq!(dims(2400, 1200, ImageFormat::Png, "a.png"), (1600, 800));
        assert_eq!(dims(1000, 3000, ImageFormat::Jpeg, "b.jpg"), (533, 1600));
        // over twice the target: averaged first, then Lanczos
        assert_eq!(dims(4000, 100, ImageFormat::Png, "c.png"), (1600, 40));
        assert_eq!(dims(1600, 900, ImageFormat::Png, "d.png"), (1600, 900));
        assert_eq!(dims(30, 20, ImageFormat::Png, "e.png"), (30, 20));
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
