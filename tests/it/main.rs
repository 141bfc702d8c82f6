//! tsunagi's integration tests: one binary, one small harness.
//!
//! * `architecture`: the module graph lib.rs states is the one the code has.
//! * `fixtures`: fixture sites built and compared with expected output trees.
//! * `broken`: broken sites, each with its expected error and exit code.
//! * `mutants`: seeded mutants of the example site's files through `check`:
//!   no panic, no machine error, no withheld byte published.
//! * `output`: all-or-nothing builds, stale files, refused output folders.
//! * `faults`: full disks, read-only folders, concurrent and killed builds, crafted state, links.
//! * `privacy`: the canary suite: no private value reaches any output byte.
//! * `guard`: the personal-data guard: messages masked, stories warn, no false
//!   positives on the example site and a generated corpus, `check --privacy`.
//! * `cli`: init, new, check and exit codes.
//! * `hostile`: hostile and broken input files: damaged and oversized images,
//!   symbolic links out of the site, NUL bytes, text that is not UTF-8.
//! * `browser`: the headless-Chromium harness (playwright-core scripts in tests/tools).
//! * `search`: the search index, and search and facets driven in Chromium.
//! * `directory`: cards as whole links with levels and years, kind labels,
//!   filter chips, drop-a-filter hints, the search page's suggestions (#23).
//! * `search_recall`: recall and precision on a generated corpus with known answers.
//! * `profile`: the profile a recruiter reads: the enquiry action on the first
//!   screen, the facts line, availability by the build's date, English pages in
//!   English punctuation, the contact page naming the profiles (issue #23).
//! * `theme`: the default theme in Chromium: screenshots, small screens, print, Lighthouse.
//! * `templates_doc`: the template reference lists every variable the theme uses.
//! * `serve`: the dev server: incremental = full builds, HTTP rules, live reload in Chromium.
//! * `writer`: README's writers' section run as written: init, new, check, build, serve.

mod harness;

mod architecture;
mod broken;
mod browser;
mod cli;
mod directory;
mod faults;
mod fixtures;
mod guard;
mod hostile;
mod mutants;
mod output;
mod privacy;
mod profile;
mod search;
mod search_recall;
mod serve;
mod templates_doc;
mod theme;
mod writer;
