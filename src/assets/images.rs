//! Re-encoding content images: decoded within limits, scaled for the
//! web, written again without any metadata.
//!
//! Image files come from writers and from anywhere they found them, so a
//! file may be truncated or hostile. Decoding is bounded: a file may
//! declare at most [`MAX_IMAGE_SIDE`] pixels a side and
//! [`MAX_DECODED_BYTES`] of pixels (a few hundred bytes can declare
//! 65,500 × 65,500), checked before any pixel buffer exists, and a
//! published image is scaled to at most [`PUBLISHED_SIDE`] pixels on its
//! longest side. Over a limit is an error naming the file.

use std::io::Cursor;
use std::path::Path;

use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageFormat};

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assets::image_metadata;
    use crate::assets::scan::tests::jpeg_with_exif;

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

    /// A small PNG whose header declares `w`×`h` RGB pixels: a few rows of
    /// real data, like a decompression bomb's first bytes.
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
        ihdr.extend([8, 2, 0, 0, 0]); // 8-bit RGB, no interlace
        chunk(&mut png, b"IHDR", &ihdr);
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        z.write_all(&vec![0u8; 64 * 1024]).unwrap();
        chunk(&mut png, b"IDAT", &z.finish().unwrap());
        chunk(&mut png, b"IEND", b"");
        png
    }

    /// An 8×8 JPEG whose frame header is rewritten to declare `w`×`h`.
    fn jpeg_declaring(w: u16, h: u16) -> Vec<u8> {
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
}
