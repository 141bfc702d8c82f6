//! The metadata check of images that are published as they are.
//!
//! It walks JPEG segments, PNG chunks and RIFF chunks by hand: the `image`
//! crate decodes pixels but does not list metadata containers, and
//! kamadak-exif knows EXIF but not XMP, IPTC or comments. It reads lengths
//! from the file, so it checks each against what is left: a damaged file
//! is reported ([`ImageScan::damaged`]) and refused, since what it hides
//! past the damage cannot be known.

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

#[cfg(test)]
pub(super) mod tests {
    use std::io::Cursor;

    use image::{DynamicImage, ImageFormat};

    use super::*;

    pub(in crate::assets) fn jpeg_with_exif() -> Vec<u8> {
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
