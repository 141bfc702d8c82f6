//! ISO 639-1 language codes, to catch `jp` for `ja` before a profile says
//! its candidate speaks a language that does not exist.

/// All two-letter codes of ISO 639-1.
pub const CODES: &[&str] = &[
    "aa", "ab", "ae", "af", "ak", "am", "an", "ar", "as", "av", "ay", "az", "ba", "be", "bg", "bh",
    "bi", "bm", "bn", "bo", "br", "bs", "ca", "ce", "ch", "co", "cr", "cs", "cu", "cv", "cy", "da",
    "de", "dv", "dz", "ee", "el", "en", "eo", "es", "et", "eu", "fa", "ff", "fi", "fj", "fo", "fr",
    "fy", "ga", "gd", "gl", "gn", "gu", "gv", "ha", "he", "hi", "ho", "hr", "ht", "hu", "hy", "hz",
    "ia", "id", "ie", "ig", "ii", "ik", "io", "is", "it", "iu", "ja", "jv", "ka", "kg", "ki", "kj",
    "kk", "kl", "km", "kn", "ko", "kr", "ks", "ku", "kv", "kw", "ky", "la", "lb", "lg", "li", "ln",
    "lo", "lt", "lu", "lv", "mg", "mh", "mi", "mk", "ml", "mn", "mr", "ms", "mt", "my", "na", "nb",
    "nd", "ne", "ng", "nl", "nn", "no", "nr", "nv", "ny", "oc", "oj", "om", "or", "os", "pa", "pi",
    "pl", "ps", "pt", "qu", "rm", "rn", "ro", "ru", "rw", "sa", "sc", "sd", "se", "sg", "si", "sk",
    "sl", "sm", "sn", "so", "sq", "sr", "ss", "st", "su", "sv", "sw", "ta", "te", "tg", "th", "ti",
    "tk", "tl", "tn", "to", "tr", "ts", "tt", "tw", "ty", "ug", "uk", "ur", "uz", "ve", "vi", "vo",
    "wa", "wo", "xh", "yi", "yo", "za", "zh", "zu",
];

/// Country codes people write by mistake for a language code.
const COUNTRY_MISTAKES: &[(&str, &str)] = &[
    ("jp", "ja"),
    ("cn", "zh"),
    ("tw", "zh"),
    ("kr", "ko"),
    ("ua", "uk"),
    ("ir", "fa"),
    ("af", "ps"),
    ("mm", "my"),
    ("sy", "ar"),
    ("eg", "ar"),
    ("iq", "ar"),
    ("gb", "en"),
    ("us", "en"),
    ("vn", "vi"),
    ("np", "ne"),
    ("pk", "ur"),
    ("bd", "bn"),
    ("er", "ti"),
    ("cd", "fr"),
    ("br", "pt"),
];

/// True for a valid code.
pub fn is_code(code: &str) -> bool {
    CODES.binary_search(&code).is_ok()
}

/// What the writer probably meant (`jp` → `ja`).
pub fn suggestion(code: &str) -> Option<&'static str> {
    COUNTRY_MISTAKES
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, l)| *l)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_sorted_and_known() {
        assert!(
            CODES.windows(2).all(|w| w[0] < w[1]),
            "sorted, for binary search"
        );
        assert_eq!(CODES.len(), 184);
        for c in [
            "ja", "en", "ar", "fa", "ps", "uk", "my", "am", "ti", "sw", "ln",
        ] {
            assert!(is_code(c), "{c}");
        }
        assert!(!is_code("jp"));
        assert_eq!(suggestion("jp"), Some("ja"));
    }
}
