//! The pipeline, end to end: generate in memory, check, write.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::NaiveDate;

use crate::config::Config;
use crate::content::{self, BuildAudience, LoadOptions, PrivacyReport};
use crate::error::{Diagnostic, Diagnostics, Error, Result};
use crate::output::{self, Output, WriteStats};
use crate::render::{self, Renderer, theme::Theme};
use crate::site::Site;
use crate::{assets, feeds, inputs, search};

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
    /// build that wrote the output folder (see [`crate::inputs`]): the
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
    let config = load_config(opts)?;
    generate_from(&with_today(opts, &config), config, Instant::now())
}

/// [`generate`] with the configuration already loaded.
fn generate_from(opts: &BuildOptions, config: Config, start: Instant) -> Result<Built> {
    let config = Arc::new(config);
    let theme = Theme::load(&opts.root, &config)?;
    let renderer = Renderer::new(theme)?;
    generate_with(opts, config, &renderer, start)
}

/// [`generate`] with templates already parsed (the dev server keeps them).
pub fn generate_with(
    opts: &BuildOptions,
    config: Arc<Config>,
    renderer: &Renderer,
    start: Instant,
) -> Result<Built> {
    let loaded = load_stage(opts, &config, None)?;
    generate_loaded(
        opts,
        config,
        renderer,
        start,
        loaded,
        None,
        SearchFiles::choose(opts, None),
    )
}

/// What the dev server keeps between builds of one site so that a build
/// after a small change redoes only what the change touched: parse results
/// of unchanged files, rendered Markdown, rendered pages, re-encoded images.
/// Every cache is keyed by everything its result depends on, so a build
/// with a cache gives exactly the output of a build without one.
#[derive(Debug, Default)]
pub struct BuildCache {
    pub load: content::LoadCache,
    pub markdown: crate::site::MarkdownCache,
    pub render: render::RenderCache,
    pub search: search::SearchCache,
    /// (source, output, re-encode) → (stamp of the source, bytes).
    files: HashMap<(PathBuf, String, bool), (FileStamp, Vec<u8>)>,
}

impl BuildCache {
    /// A file or folder changed on disk (a watcher said so): whatever was
    /// read from it is read again, even if its size and time look the same.
    pub fn invalidate(&mut self, path: &Path) {
        self.load.invalidate(path);
        self.files
            .retain(|(source, _, _), _| !source.starts_with(path));
    }
}

type FileStamp = (u64, Option<std::time::SystemTime>);

fn stamp(path: &Path) -> Option<FileStamp> {
    std::fs::metadata(path)
        .ok()
        .map(|m| (m.len(), m.modified().ok()))
}

/// Replaces the search index files of `built` (made by
/// [`generate_from_loaded`] with the previous output, whose index it
/// carries as it was: the dev server publishes the pages of such a build
/// at once, so an edit reaches the browser before the index, which only the
/// search page and the talent directory read) with its own site's index: the output
/// is then exactly that of [`generate_from_loaded`] without it. Returns the index files
/// that changed (added, changed or removed), sorted.
pub fn finish_search(
    built: &mut Built,
    renderer: &Renderer,
    cache: &mut BuildCache,
) -> Vec<String> {
    let start = Instant::now();
    let fresh = search::build_cached(
        &built.site,
        &renderer.theme().strings,
        Some(&mut cache.search),
    );
    let dirs = search_dirs(&built.site);
    let (mut old, rest): (BTreeMap<String, Arc<[u8]>>, _) = std::mem::take(&mut built.output.files)
        .into_iter()
        .partition(|(path, _)| is_search_file(&dirs, path));
    built.output.files = rest;
    let mut changed = Vec::new();
    for (path, bytes) in fresh {
        if old.remove(&path).is_none_or(|o| o[..] != bytes[..]) {
            changed.push(path.clone());
        }
        built.output.insert(path, bytes);
    }
    changed.extend(old.into_keys());
    changed.sort();
    built
        .stages
        .push(("search index (after the pages)", start.elapsed()));
    built.elapsed += start.elapsed();
    changed
}

/// Where the search index of each language lives.
fn search_dirs(site: &Site) -> Vec<String> {
    site.languages
        .iter()
        .map(|l| search::index_dir(&l.prefix))
        .collect()
}

fn is_search_file(dirs: &[String], path: &str) -> bool {
    dirs.iter().any(|d| path.starts_with(d.as_str()))
}

/// Whether a build makes its search index or reuses a previous one's.
enum SearchFiles<'a> {
    Build,
    Previous(&'a Output),
    /// [`BuildOptions::search_index`] is off.
    Skip,
}

impl<'a> SearchFiles<'a> {
    /// The one rule: no index when it is turned off; otherwise carry
    /// `previous`'s index files when there is a previous output, else build.
    fn choose(opts: &BuildOptions, previous: Option<&'a Output>) -> Self {
        match previous {
            _ if !opts.search_index => SearchFiles::Skip,
            Some(p) => SearchFiles::Previous(p),
            None => SearchFiles::Build,
        }
    }
}

/// Content files (bundle files, re-encoded images) in the order
/// [`assets::content_files`] gives them, re-reading only changed sources.
fn content_files_cached(
    root: &Path,
    images: &[content::ImageRef],
    assets: &[content::Asset],
    cache: &mut HashMap<(PathBuf, String, bool), (FileStamp, Vec<u8>)>,
) -> Result<Vec<render::File>> {
    let keys: Vec<(PathBuf, String, bool)> = images
        .iter()
        .map(|i| (i.source.clone(), i.output.clone(), true))
        .chain(
            assets
                .iter()
                .map(|a| (a.source.clone(), a.output.clone(), a.reencode)),
        )
        .collect();
    let stamps: Vec<Option<FileStamp>> = keys.iter().map(|(src, _, _)| stamp(src)).collect();
    let missing: Vec<usize> = (0..keys.len())
        .filter(|&i| {
            stamps[i].is_none()
                || cache
                    .get(&keys[i])
                    .is_none_or(|(old, _)| Some(*old) != stamps[i])
        })
        .collect();
    let jobs: Vec<content::Asset> = missing
        .iter()
        .map(|&i| content::Asset {
            source: keys[i].0.clone(),
            output: keys[i].1.clone(),
            reencode: keys[i].2,
        })
        .collect();
    // in order, one file per job (an error in any fails the whole call)
    let fresh = assets::content_files(root, &[], &jobs)?;
    let mut fresh: HashMap<usize, Vec<u8>> = missing
        .into_iter()
        .zip(fresh)
        .map(|(i, (_, bytes))| (i, bytes))
        .collect();
    let mut kept = HashMap::with_capacity(keys.len());
    let mut out = Vec::with_capacity(keys.len());
    for (i, (key, s)) in keys.into_iter().zip(stamps).enumerate() {
        let bytes = match fresh.remove(&i) {
            Some(b) => b,
            None => match cache.get(&key) {
                Some((_, b)) => b.clone(),
                None => continue,
            },
        };
        if let Some(s) = s {
            kept.insert(key.clone(), (s, bytes.clone()));
        }
        out.push((key.1, bytes));
    }
    *cache = kept;
    Ok(out)
}

/// The first stage of a build: the content, loaded and through the consent
/// gate. The dev server stops here to show an edited page early
/// (`serve::incremental`), then hands it to [`generate_from_loaded`].
#[derive(Debug)]
pub struct Loaded {
    /// What may be published, and nothing else.
    pub content: content::Content,
    stages: Stages,
}

fn load_stage(
    opts: &BuildOptions,
    config: &Config,
    cache: Option<&mut BuildCache>,
) -> Result<Loaded> {
    let today = opts.today_for(config);
    let load = LoadOptions {
        today,
        drafts: opts.drafts,
        audience: opts.audience,
    };
    let mut stages = Stages::new();
    let content = match cache {
        Some(c) => content::load_cached(&opts.root, config, &load, &mut c.load)?,
        None => content::load(&opts.root, config, &load)?,
    };
    stages.mark("load content");
    Ok(Loaded { content, stages })
}

/// Loads the content through the consent gate, reusing what `cache` holds
/// from earlier builds of the same site (parse results of unchanged files).
pub fn load_cached(opts: &BuildOptions, config: &Config, cache: &mut BuildCache) -> Result<Loaded> {
    load_stage(opts, config, Some(cache))
}

/// The rest of a build after [`load_cached`], reusing what `cache` holds:
/// the output is exactly [`generate_with`]'s. With `previous` (the last
/// good output), the search index is not built: the output carries
/// `previous`'s index files as they were, and [`finish_search`] follows
/// (unless [`BuildOptions::search_index`] is off: then there is no index).
pub fn generate_from_loaded(
    opts: &BuildOptions,
    config: Arc<Config>,
    renderer: &Renderer,
    start: Instant,
    loaded: Loaded,
    cache: &mut BuildCache,
    previous: Option<&Output>,
) -> Result<Built> {
    let search = SearchFiles::choose(opts, previous);
    generate_loaded(opts, config, renderer, start, loaded, Some(cache), search)
}

fn generate_loaded(
    opts: &BuildOptions,
    config: Arc<Config>,
    renderer: &Renderer,
    start: Instant,
    loaded: Loaded,
    mut cache: Option<&mut BuildCache>,
    search_files: SearchFiles<'_>,
) -> Result<Built> {
    let Loaded {
        content,
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
    let site_static = assets::static_files(&opts.root)?;
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

/// Checks links found in Markdown against the finished output.
fn check_links(site: &Site, output: &Output) -> Vec<Diagnostic> {
    let by_path: std::collections::HashMap<&str, usize> = site
        .pages
        .iter()
        .enumerate()
        .map(|(i, p)| (p.path.as_str(), i))
        .collect();
    let mut out = Vec::new();
    for (page_id, l) in &site.link_checks {
        let page = &site.pages[*page_id];
        let Some((_, bytes)) = output.lookup(&l.path) else {
            out.push(
                Diagnostic::error(
                    page.file.clone(),
                    Some(l.line),
                    format!(
                        "broken link `{}`: nothing is published at {}",
                        l.written, l.path
                    ),
                )
                .at_column(Some(l.column)),
            );
            continue;
        };
        if let Some(anchor) = &l.anchor {
            let ok = match by_path.get(l.path.as_str()) {
                Some(&i) => site.pages[i].body.anchors.iter().any(|a| a == anchor),
                None => {
                    let needle = format!("id=\"{anchor}\"");
                    std::str::from_utf8(bytes).is_ok_and(|s| s.contains(&needle))
                }
            };
            if !ok {
                out.push(
                    Diagnostic::error(
                        page.file.clone(),
                        Some(l.line),
                        format!(
                            "broken link `{}`: {} has no heading or footnote with id `{anchor}`",
                            l.written, l.path
                        ),
                    )
                    .at_column(Some(l.column)),
                );
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Generates and writes the site.
///
/// When no input changed since the build that wrote the output folder
/// (same files with the same stamps, same settings, same binary; see
/// [`crate::inputs`]) and every file it wrote is still there, the folder is
/// already what this build would write: nothing is generated or written,
/// and the report repeats what that build found.
pub fn build(opts: &BuildOptions) -> Result<BuildReport> {
    let start = Instant::now();
    let dir = opts.output_dir();
    // refuse a bad output folder, or one another build is writing, before
    // spending time on the build; the lock is held until the end
    let mut folder = output::OutputFolder::open(&opts.root, &dir, opts.force)?;
    let config = load_config(opts)?;
    let opts = &with_today(opts, &config);
    let settings = settings(opts, &config, &dir);
    if !folder.has_last_build() {
        // nothing to compare with (a new output folder, or one a build
        // did not finish), so the inputs are fingerprinted (for the next
        // build) while the site is generated
        let taken = inputs::now_ns();
        let (inputs, built) = std::thread::scope(|s| {
            let fp = s.spawn(|| inputs::fingerprint_since(&opts.root, &dir, &settings, taken));
            let built = generate_from(opts, config, start);
            (fp.join().ok().flatten(), built)
        });
        return finish_build(&mut folder, start, inputs, built?);
    }
    let inputs = inputs::fingerprint(&opts.root, &dir, &settings);
    let checked = start.elapsed();
    let up_to_date = inputs.as_ref().and_then(|now| {
        folder.last_build(|last| inputs::still_current(&last.inputs, last.taken, now))
    });
    if let Some((last, files)) = up_to_date {
        let mut warnings = last.warnings;
        warnings.extend(folder.warnings.iter().cloned());
        return Ok(BuildReport {
            built: None,
            summary: BuildSummary {
                pages: last.pages,
                files,
                privacy: last.privacy,
                warnings,
            },
            written: WriteStats {
                unchanged: files,
                ..WriteStats::default()
            },
            output_dir: dir,
            elapsed: start.elapsed(),
            stages: vec![("compare inputs with the last build", start.elapsed())],
        });
    }
    let mut built = generate_from(opts, config, start)?;
    built
        .stages
        .insert(0, ("compare inputs with the last build", checked));
    finish_build(&mut folder, start, inputs, built)
}

/// Writes a generated site and reports it.
fn finish_build(
    folder: &mut output::OutputFolder,
    start: Instant,
    inputs: Option<inputs::Fingerprint>,
    mut built: Built,
) -> Result<BuildReport> {
    let mut summary = BuildSummary {
        pages: built.pages_rendered,
        files: built.output.files.len(),
        privacy: built.privacy.summary(),
        warnings: built.warnings.clone(),
    };
    let last = inputs.map(|f| output::LastBuild {
        inputs: f.hash,
        taken: f.taken,
        pages: summary.pages,
        privacy: summary.privacy.clone(),
        warnings: summary.warnings.clone(),
    });
    summary.warnings.extend(folder.warnings.iter().cloned());
    let before = Instant::now();
    let written = folder.write(&built.output, last)?;
    built.stages.push(("write changed files", before.elapsed()));
    Ok(BuildReport {
        summary,
        written,
        output_dir: folder.dir().to_path_buf(),
        elapsed: start.elapsed(),
        stages: built.stages.clone(),
        built: Some(built),
    })
}

/// Everything besides the input files that a build's output depends on.
fn settings(opts: &BuildOptions, config: &Config, dir: &Path) -> String {
    let today = opts.today_for(config);
    let mut s = format!(
        "base_url={:?}\0drafts={}\0audience={:?}\0today={today}\0output={}",
        config.base_url,
        opts.drafts,
        opts.audience,
        dir.display()
    );
    if !opts.search_index {
        s.push_str("\0search_index=false");
    }
    s
}

/// Generates the site and writes nothing.
pub fn check(opts: &BuildOptions) -> Result<Built> {
    generate(opts)
}

/// Convenience for tests and tools: the site root of a path.
pub fn is_site(root: &Path) -> bool {
    root.join(crate::config::CONFIG_FILE).is_file()
}
