//! `tsunagi serve`: incremental rebuilds equal full builds (random edit
//! sequences through the library), the HTTP rules against the real binary,
//! and the live-reload scenarios end to end in headless Chromium.
//!
//! `edits` makes the random edits, `incremental` drives the library's
//! session through them, `http` runs the real binary.

mod edits;
mod http;
mod incremental;
