//! `tsunagi serve`: incremental rebuilds equal full builds (random edit
//! sequences through the library), the HTTP rules against the real binary,
//! and the live-reload scenarios end to end in headless Chromium.
//!
//! `edits` makes the random edits, `incremental` drives the library's
//! session through them, `http` runs the real binary, `inside` runs it as
//! writers do: from inside the site, without `--root`.

mod edits;
mod http;
mod incremental;
mod inside;
