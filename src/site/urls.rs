//! Where every page lives.
//!
//! Paths here are site paths without the base URL's path (`/talents/t-1/`),
//! always with a trailing slash for pages (pretty URLs: `dir/index.html`).
//! The default language lives at the root, every other language under
//! `/<lang>/`.

use crate::content::Kind;

pub use crate::names::RESERVED_ROOTS;

/// `""` for the default language, `/en` for others.
pub fn lang_prefix(lang: &str, default_lang: &str) -> String {
    if lang == default_lang {
        String::new()
    } else {
        format!("/{lang}")
    }
}

/// The path of a document.
pub fn doc_path(prefix: &str, kind: Kind, slug: &str) -> String {
    match kind.section() {
        Some(sec) => format!("{prefix}/{sec}/{slug}/"),
        None => format!("{prefix}/{slug}/"),
    }
}

/// Page `n` (1-based) of a paginated list at `base`.
pub fn paginated(base: &str, n: usize) -> String {
    if n <= 1 {
        base.to_string()
    } else {
        format!("{base}page/{n}/")
    }
}

/// The output file for a page path: `/a/b/` → `a/b/index.html`.
pub fn output_file(path: &str) -> String {
    let p = path.trim_start_matches('/');
    if p.is_empty() || p.ends_with('/') {
        format!("{p}index.html")
    } else {
        p.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        assert_eq!(doc_path("", Kind::Talent, "t-1"), "/talents/t-1/");
        assert_eq!(doc_path("/en", Kind::Page, "about"), "/en/about/");
        assert_eq!(paginated("/talents/", 1), "/talents/");
        assert_eq!(paginated("/talents/", 3), "/talents/page/3/");
        assert_eq!(output_file("/"), "index.html");
        assert_eq!(
            output_file("/tags/エンジニア/"),
            "tags/エンジニア/index.html"
        );
        assert_eq!(output_file("/atom.xml"), "atom.xml");
        assert_eq!(lang_prefix("ja", "ja"), "");
        assert_eq!(lang_prefix("en", "ja"), "/en");
    }
}
