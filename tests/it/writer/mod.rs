//! A writer's day, as README.md's "For writers: a day with tsunagi" tells
//! it: the commands run as written, from the folders they name.
//!
//! * `readme`: the writers' section's commands, read from README.md and run.
//! * `server`: `tsunagi serve` run from a folder, followed through its
//!   live-reload events (used by `serve::inside` too).
//! * `scaffold`: what `init` and `new` write, and what `check` says of it.
//! * `terms`: near-duplicate categories, series and tags; tag and skill names.

mod readme;
mod scaffold;
pub mod server;
mod terms;
