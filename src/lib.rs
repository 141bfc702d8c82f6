//! tsunagi (繋ぎ): a static-site generator for refugee-talent profiles,
//! stories and event reports, in Japanese and English.
//!
//! # Data flow
//!
//! Data flows one way, and each module depends only on modules before it:
//!
//! ```text
//! config → content (load, front matter, consent gate) → markdown
//!        → site (sections, taxonomies, pagination, URLs) → views
//!        → render / search / feeds / assets → output (in memory) → write or serve
//! ```
//!
//! * [`error`], `text`, `yaml`, `slug` and `ignore` (which files are
//!   not part of the site) are helpers every stage may use.
//! * [`config`] reads `site.yaml`.
//! * [`content`] loads Markdown files, checks front matter against typed
//!   schemas and passes everything through the consent gate: nothing after
//!   it can see a consent record, a withheld profile or an out-of-scope
//!   field.
//! * [`markdown`] is pure: text in, HTML, table of contents, summary and
//!   plain text out.
//! * [`site`] is the model: pages in a vector, sections and terms holding
//!   ids; it also warns about terms that look like a named one.
//! * `views` builds what pages show from the model, in the page's
//!   language: the view structs templates get, and the cards search results
//!   are made of (`enquiry`: where a profile's enquiry action points).
//! * [`render`] turns the model into HTML through Tera templates fed with
//!   those views; [`search`], [`feeds`] and [`assets`] make the other files.
//!   [`search`] writes the sharded in-browser search index per language
//!   (CJK bigrams with positions, words, facet columns, result metadata)
//!   from the same gated model, so it can hold only what pages publish.
//! * `output` holds the finished site in memory and writes only what
//!   changed; [`serve`] serves the same in-memory output with live reload.
//! * `inputs` fingerprints what a build reads, so that `tsunagi build` on
//!   an unchanged site finds its output folder current and stops early.
//!
//! The library never prints; it returns reports and errors, and the binary
//! decides what to show. [`process`] holds what programs built on it set
//! for the whole process (the allocator), which the library never does.

//!
//! # The module graph
//!
//! A module may use only the modules on the lines above its own (not its
//! neighbours on the same line); `tests/it/architecture.rs` reads this
//! block and every `crate::` path in `src/` (and `super::` where it means
//! the crate root) and fails on any other import,
//! so there is no cycle between modules; nor may two files of one module
//! use each other. `main.rs` and `cli.rs` belong to
//! the binary.
//!
//! ```text
//! error, ignore, slug, process
//! names, text
//! yaml
//! config
//! inputs
//! output
//! content
//! markdown
//! site
//! i18n, enquiry
//! views
//! render, feeds, assets, search
//! build
//! scaffold, serve
//! ```
//!
//! Some modules may use less than the lines above them: each line
//! `module: modules` of the block below lists all that module may use, and
//! the same test holds it to that:
//!
//! ```text
//! serve: build, output, error, names, ignore, slug
//! ```
//!
//! `output` sits low because every stage produces its `output::File`s;
//! only its writer touches the disk, and only `build` calls it. `build` is
//! the front door: its [`Pipeline`] loads, generates, finishes the search
//! index and renders an edited document again, for the CLI and for
//! [`serve`], which keeps only its policy (what to throw away after a
//! change, what to show first).

//!
//! # The public surface
//!
//! Public are the modules the binary, the benchmarks, the examples and the
//! integration tests use, and the crate-root items below; the shared
//! helpers (`text`, `yaml`, `slug`, `ignore`, `names`), `views`,
//! `enquiry`, `output` and `inputs` are the library's own. [`process`]
//! stays a library module rather than the binary's: the benchmark
//! examples and the criterion benches set the same allocator as the
//! binary, so that stages are timed as `tsunagi build` runs them.

pub mod assets;
pub mod config;
pub mod content;
mod enquiry;
pub mod error;
pub mod feeds;
pub mod i18n;
mod ignore;
mod inputs;
pub mod markdown;
mod names;
mod output;
pub mod process;
pub mod render;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod site;
mod slug;
mod text;
mod views;
mod yaml;

mod build;

pub use build::{
    BuildOptions, BuildReport, BuildSummary, Built, CacheStats, Edited, Loaded, Pipeline,
    SiteLayout, build, check, generate, today_in,
};
pub use error::{Diagnostic, Diagnostics, Error, Result, Severity};
