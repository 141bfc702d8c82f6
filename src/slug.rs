//! URL segments from names in any script.
//!
//! Terms and file names are Japanese as often as English. A segment keeps
//! letters and digits of every script (`エンジニア` stays `エンジニア`, never
//! transliterated), folds case and NFKC-normalises (so `ＵＩ` and `UI`
//! meet), and turns every other character into `-`. Because `/`, `.` and
//! `\` can never survive, no slug can name a path outside the output folder.

use unicode_normalization::UnicodeNormalization;

/// `UI/UX` → `ui-ux`; `エンジニア` → `エンジニア`; `C++` → `c`; `.NET` → `net`.
pub fn slugify(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut dash = false;
    // ASCII is its own NFKC form: skip the normaliser for most terms
    let chars: Box<dyn Iterator<Item = char>> = if s.is_ascii() {
        Box::new(s.chars())
    } else {
        Box::new(s.nfkc())
    };
    for c in chars {
        if c.is_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.extend(c.to_lowercase());
        } else {
            dash = true;
        }
    }
    out
}

/// Like [`slugify`], but symbols that carry meaning in skill names keep a
/// readable trace (`C++` → `c-plus-plus`, `C#` → `c-sharp`), so two
/// different skills do not collapse into one URL.
pub fn term_slug(s: &str) -> String {
    let n: String = if s.is_ascii() {
        s.to_string()
    } else {
        s.nfkc().collect()
    };
    let spelled = n
        .replace("++", "-plus-plus")
        .replace('#', "-sharp")
        .replace('+', "-plus");
    let slug = slugify(&spelled);
    if slug.is_empty() {
        // a term made only of punctuation: keep it addressable
        let mut h = String::from("term-");
        for b in xxhash_rust::xxh3::xxh3_64(s.as_bytes())
            .to_be_bytes()
            .iter()
            .take(4)
        {
            h.push_str(&format!("{b:02x}"));
        }
        h
    } else {
        slug
    }
}

/// Percent-encodes a path for use in an `href` (keeps `/`).
pub fn encode_path(path: &str) -> String {
    const SET: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'/')
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'~');
    percent_encoding::utf8_percent_encode(path, SET).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_letters_of_any_script() {
        assert_eq!(slugify("エンジニア"), "エンジニア");
        assert_eq!(slugify("日本語学習"), "日本語学習");
        assert_eq!(slugify("UI/UX"), "ui-ux");
        assert_eq!(slugify("ui/ux"), "ui-ux");
        assert_eq!(slugify("ＵＩ／ＵＸ"), "ui-ux", "full-width folds to ASCII");
        assert_eq!(slugify("Vue.js"), "vue-js");
        assert_eq!(slugify("  Power BI  "), "power-bi");
        assert_eq!(slugify("ｴﾝｼﾞﾆｱ"), "エンジニア", "half-width kana fold");
    }

    #[test]
    fn never_escapes_the_output_folder() {
        for evil in ["../../etc/passwd", "..", "/", "a\\..\\b", "%2e%2e", "\0"] {
            let s = slugify(evil);
            assert!(
                !s.contains('/') && !s.contains('.') && !s.contains('\\') && !s.contains('\0'),
                "{evil} → {s}"
            );
        }
    }

    #[test]
    fn term_slugs_keep_symbol_meaning() {
        assert_eq!(term_slug("C++"), "c-plus-plus");
        assert_eq!(term_slug("C#"), "c-sharp");
        assert_eq!(term_slug(".NET"), "net");
        assert_ne!(term_slug("C"), term_slug("C++"));
        assert!(term_slug("!!!").starts_with("term-"));
    }

    #[test]
    fn encodes_paths_for_links() {
        assert_eq!(
            encode_path("/tags/エンジニア/"),
            "/tags/%E3%82%A8%E3%83%B3%E3%82%B8%E3%83%8B%E3%82%A2/"
        );
        assert_eq!(encode_path("/a b/"), "/a%20b/");
    }
}
