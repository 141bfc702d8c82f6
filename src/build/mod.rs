//! The pipeline, end to end: generate in memory, check, write.
//!
//! This file holds the stages in memory (load through the consent gate,
//! model, render, search, feeds, assets) and what they return; around it:
//!
//! * `pipeline`: the [`Pipeline`], the front door the CLI and the dev
//!   server share: its verbs load, generate, finish the search index and
//!   render an edited document again;
//! * `disk`: `tsunagi build` — the output folder's lock, the early stop
//!   when no input changed, the write;
//! * `files`: content files re-read only when their source changed (the
//!   dev server's rebuilds);
//! * `search_files`: the search index published after the pages;
//! * `links`: Markdown links checked against the finished output.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::NaiveDate;

use crate::config::Config;
use crate::content::{self, BuildAudience, LoadOptions, PrivacyReport};
use crate::error::{Diagnostic, Diagnostics, Error, Result};
use crate::output::{self, Output, WriteStats};
use crate::render::{self, Renderer};
use crate::site::Site;
use crate::{assets, feeds, search};

mod disk;
mod files;
mod links;
mod pipeline;
mod search_files;

pub use disk::build;
use files::{FileCache, content_files_cached};
use links::check_links;
pub use pipeline::{CacheStats, Edited, Pipeline, SiteLayout};
use search_files::{SearchFiles, finish_search, is_search_file, search_dirs};

/// What to build.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The site folder (with site.yaml).
    pub root: PathBuf,
    /// Output folder; default `<root>/public`.
    pub output: Option<PathBuf>,
    /// Replaces `base_url` of site.yaml.
    pub base_url: Option<String>,
    /// Include drafts and future-dated pages.
    pub drafts: bool,
    /// The date consent is judged against; default today in the site's zone.
    pub today: Option<NaiveDate>,
    /// Public or companies build.
    pub audience: BuildAudience,
    /// Let tsunagi manage a non-empty output folder it did not create.
    pub force: bool,
    /// Build the search index (default). Off, the output has no index, so
    /// the search page and the talent directory's filters find nothing; the
    /// benchmarks turn it off to measure what the index adds to a build.
    pub search_index: bool,
}

impl BuildOptions {
    /// Defaults for a site at `root`.
    pub fn new(root: impl Into<PathBuf>) -> BuildOptions {
        BuildOptions {
            root: root.into(),
            output: None,
            base_url: None,
            drafts: false,
            today: None,
            audience: BuildAudience::Public,
            force: false,
            search_index: true,
        }
    }

    /// The output folder.
    pub fn output_dir(&self) -> PathBuf {
        self.output
            .clone()
            .unwrap_or_else(|| self.root.join("public"))
    }

    /// The date consent is judged against: `today` when given, else today
    /// in the site's time zone.
    pub fn today_for(&self, config: &Config) -> NaiveDate {
        self.today
            .unwrap_or_else(|| today_in(config.offset_seconds()))
    }
}

/// Today's date at a UTC offset.
pub fn today_in(offset_seconds: i32) -> NaiveDate {
    let now = chrono::Utc::now().timestamp() + offset_seconds as i64;
    chrono::DateTime::from_timestamp(now, 0)
        .map(|d| d.date_naive())
        .unwrap_or_default()
}

/// A site generated in memory.
#[derive(Debug, Clone)]
pub struct Built {
    pub site: Site,
    pub output: Output,
    /// The date consent was judged against, resolved once for the build.
    pub today: NaiveDate,
    pub privacy: PrivacyReport,
    pub warnings: Vec<Diagnostic>,
    /// HTML pages rendered.
    pub pages_rendered: usize,
    pub elapsed: Duration,
    /// Time per stage, in order (`tsunagi build --timings`).
    pub stages: Vec<(&'static str, Duration)>,
}

/// What `build` did.
#[derive(Debug, Clone)]
pub struct BuildReport {
    /// The site generated, or `None` when nothing had changed since the
    /// build that wrote the output folder (see `crate::inputs`): the
    /// folder is already what a build would write, so nothing was generated.
    pub built: Option<Built>,
    /// What the build found: from `built`, or as the previous build recorded it.
    pub summary: BuildSummary,
    pub written: WriteStats,
    pub output_dir: PathBuf,
    pub elapsed: Duration,
    /// Time per stage, in order (`tsunagi build --timings`).
    pub stages: Vec<(&'static str, Duration)>,
}

/// What a build reports to the person running it.
#[derive(Debug, Clone)]
pub struct BuildSummary {
    /// HTML pages rendered.
    pub pages: usize,
    /// Files in the output.
    pub files: usize,
    /// The privacy summary line.
    pub privacy: String,
    pub warnings: Vec<Diagnostic>,
}

fn load_config(opts: &BuildOptions) -> Result<Config> {
    let mut config = Config::load(&opts.root)?;
    if let Some(url) = &opts.base_url {
        config.set_base_url(url)?;
    }
    Ok(config)
}

/// `opts` with the build's date fixed: the clock is read once per build,
/// so a build that runs across midnight fingerprints its inputs, judges
/// consent and dates its pages by one day.
fn with_today(opts: &BuildOptions, config: &Config) -> BuildOptions {
    BuildOptions {
        today: Some(opts.today_for(config)),
        ..opts.clone()
    }
}

/// Loads, renders and checks the whole site, in memory.
pub fn generate(opts: &BuildOptions) -> Result<Built> {
    let start = Instant::now();
    let config = load_config(opts)?;
    Pipeline::with_config(with_today(opts, &config), config).run_since(start)
}

/// What a [`Pipeline`] for rebuilds keeps between builds of one site so
/// that a build after a small change redoes only what the change touched:
/// parse results of unchanged files, rendered Markdown, rendered pages,
/// re-encoded images. Every cache is keyed by everything its result
/// depends on, so a build with a cache gives exactly the output of a build
/// without one.
#[derive(Debug, Default)]
struct BuildCache {
    load: content::LoadCache,
    markdown: crate::site::MarkdownCache,
    render: render::RenderCache,
    search: search::SearchCache,
    /// (source, output, re-encode) → (stamp of the source, bytes).
    files: FileCache,
}

impl BuildCache {
    /// A file or folder changed on disk (a watcher said so): whatever was
    /// read from it is read again, even if its size and time look the same.
    fn invalidate(&mut self, path: &Path) {
        self.load.invalidate(path);
        self.files
            .retain(|(source, _, _), _| !source.starts_with(path));
    }
}

/// The first stage of a build ([`Pipeline::load`]): the content, loaded and
/// through the consent gate. The dev server stops here to show an edited
/// page early, then hands it to [`Pipeline::generate`].
#[derive(Debug)]
pub struct Loaded {
    /// What may be published, and nothing else.
    pub content: content::Content,
    /// The date consent was judged against.
    pub today: NaiveDate,
    config: Arc<Config>,
    start: Instant,
    stages: Stages,
}

fn load_stage(
    opts: &BuildOptions,
    config: Arc<Config>,
    today: NaiveDate,
    start: Instant,
    cache: Option<&mut BuildCache>,
) -> Result<Loaded> {
    let load = LoadOptions {
        today,
        drafts: opts.drafts,
        audience: opts.audience,
    };
    let mut stages = Stages::new();
    let content = match cache {
        Some(c) => content::load_cached(&opts.root, &config, &load, &mut c.load)?,
        None => content::load(&opts.root, &config, &load)?,
    };
    stages.mark("load content");
    Ok(Loaded {
        content,
        today,
        config,
        start,
        stages,
    })
}

fn generate_loaded(
    opts: &BuildOptions,
    renderer: &Renderer,
    loaded: Loaded,
    mut cache: Option<&mut BuildCache>,
    search_files: SearchFiles<'_>,
) -> Result<Built> {
    let Loaded {
        content,
        today,
        config,
        start,
        mut stages,
    } = loaded;
    // time spent between the stages (an edited page shown early) is not the model's
    stages.last = Instant::now();
    let privacy = content.privacy.clone();
    let names = render::i18n::term_names(&renderer.theme().strings);
    let site = match cache.as_deref_mut() {
        Some(c) => Site::build_cached(content, config, &names, &mut c.markdown)?,
        None => Site::build(content, config, &names)?,
    };
    stages.mark("markdown and site model");

    let mut output = Output::default();
    let mut diags: Vec<Diagnostic> = site.errors.clone();
    let add =
        |files: Vec<render::File>, what: &str, diags: &mut Vec<Diagnostic>, output: &mut Output| {
            for (path, bytes) in files {
                if !output.insert(path.clone(), bytes) {
                    diags.push(output::collision(&path, what));
                }
            }
        };
    // The search index is built beside the pages rather than before them:
    // rendering leaves a core idle at times (its list pages wait for their
    // slowest term, the plan is made on one thread) and the index's work
    // fills those gaps. Both hold the site model by reference. The price is
    // memory: the index's working set (every page's text, tokenised) is
    // alive while the rendered pages fill memory, where built first it was
    // freed before (peak 467 MB instead of 439 at 10,000 pages when this
    // was chosen; 421 MB since the index's merge stopped copying every
    // entry; Hugo's is 1,241).
    let (search_cache, render_cache) = match cache.as_deref_mut() {
        Some(c) => (Some(&mut c.search), Some(&mut c.render)),
        None => (None, None),
    };
    let strings = &renderer.theme().strings;
    let (search_files, pages) = rayon::join(
        || -> Vec<(String, Arc<[u8]>)> {
            match search_files {
                SearchFiles::Build => search::build_cached(&site, strings, search_cache)
                    .into_iter()
                    .map(|(path, bytes)| (path, bytes.into()))
                    .collect(),
                SearchFiles::Previous(previous) => {
                    let dirs = search_dirs(&site);
                    previous
                        .files
                        .iter()
                        .filter(|(path, _)| is_search_file(&dirs, path))
                        .map(|(path, bytes)| (path.clone(), bytes.clone()))
                        .collect()
                }
                SearchFiles::Skip => Vec::new(),
            }
        },
        || -> Result<Vec<(String, Arc<[u8]>)>> {
            Ok(match render_cache {
                Some(c) => render::render_site_cached(&site, renderer, c)?,
                None => render::render_site(&site, renderer)?,
            })
        },
    );
    let pages = pages?;
    let pages_rendered = pages.len();
    for (path, bytes) in pages {
        if !output.insert_shared(path.clone(), bytes) {
            diags.push(output::collision(&path, "generated pages"));
        }
    }
    stages.mark("search index and pages");
    add(feeds::atom(&site), "feeds", &mut diags, &mut output);
    add(
        feeds::sitemaps(&site)
            .into_iter()
            .chain([feeds::robots(&site)])
            .collect(),
        "sitemap",
        &mut diags,
        &mut output,
    );
    let files = match cache {
        Some(c) => content_files_cached(&opts.root, &site.images, &site.assets, &mut c.files)?,
        None => assets::content_files(&opts.root, &site.images, &site.assets)?,
    };
    stages.mark("feeds and sitemaps");
    add(files, "content files", &mut diags, &mut output);
    for (path, bytes) in search_files {
        if !output.insert_shared(path.clone(), bytes) {
            diags.push(output::collision(&path, "search index"));
        }
    }
    let theme_static: Vec<render::File> = renderer
        .theme()
        .statics
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    // the site's static files override the theme's
    let (site_static, static_warnings) = assets::static_files(&opts.root)?;
    for ((path, bytes), file) in site_static {
        if output.files.contains_key(&path) {
            diags.push(output::collision(&path, &file));
            continue;
        }
        if assets::is_image_name(&path)
            && let Some(problem) = assets::static_image_problem(&bytes)
        {
            diags.push(Diagnostic::error(file.clone(), None, problem));
        }
        output.insert(path, bytes);
    }
    for (path, bytes) in theme_static {
        if !output.files.contains_key(&path) {
            output.insert(path, bytes);
        }
    }
    stages.mark("images and static files");
    // Last line of defence: no image in the output carries metadata.
    for (path, bytes) in &output.files {
        if assets::is_image_name(path)
            && !assets::image_metadata(bytes).is_empty()
            && !diags.iter().any(|d| d.file.ends_with(path.as_str()))
        {
            diags.push(Diagnostic::error(
                path.clone(),
                None,
                format!(
                    "output image still carries metadata ({})",
                    assets::image_metadata(bytes).join(", ")
                ),
            ));
        }
    }
    diags.extend(check_links(&site, &output));
    stages.mark("link check");
    let mut warnings = site.warnings.clone();
    warnings.extend(static_warnings);
    if diags.iter().any(|d| d.is_error()) {
        let mut all = Diagnostics(diags);
        all.0.append(&mut warnings);
        all.sort();
        all.0.dedup();
        return Err(Error::Site(all));
    }
    warnings.sort();
    warnings.dedup();
    Ok(Built {
        site,
        output,
        today,
        privacy,
        warnings,
        pages_rendered,
        elapsed: start.elapsed(),
        stages: stages.done,
    })
}

/// Time spent per stage, for `--timings` and the benchmarks.
#[derive(Debug)]
struct Stages {
    last: Instant,
    done: Vec<(&'static str, Duration)>,
}

impl Stages {
    fn new() -> Stages {
        Stages {
            last: Instant::now(),
            done: Vec::new(),
        }
    }

    fn mark(&mut self, name: &'static str) {
        let now = Instant::now();
        self.done.push((name, now - self.last));
        self.last = now;
    }
}

/// Generates the site and writes nothing.
pub fn check(opts: &BuildOptions) -> Result<Built> {
    generate(opts)
}

/// Convenience for tests and tools: the site root of a path.
pub fn is_site(root: &Path) -> bool {
    root.join(crate::config::CONFIG_FILE).is_file()
}
