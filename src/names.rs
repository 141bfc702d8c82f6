//! Names several stages must agree on, kept below all of them.
//!
//! The content loader refuses a plain page whose URL would take one of the
//! site's own roots, the model places its lists there, the search index
//! writes into its folder and the dev server serves under `__tsunagi`: one
//! spelling here means none of them can drift from the others, and the
//! content loader needs no import from the model to know them.

/// The folder of a language's search index, under the language's root.
pub const SEARCH_INDEX_DIR: &str = "search-index";

/// First path segments the site's own lists use; a plain page may not take one.
pub const RESERVED_ROOTS: &[&str] = &[
    "talents",
    "stories",
    "reports",
    "tags",
    "skills",
    "languages",
    "job-categories",
    "series",
    "speakers",
    "organizations",
    "search",
    SEARCH_INDEX_DIR,
    "page",
    "__tsunagi",
    "assets",
    "atom-xml",
];
