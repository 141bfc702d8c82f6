//! The front door: a [`Pipeline`] holds what builds of one site share (the
//! options, the site's folders, the configuration, the parsed templates
//! and, for the dev server, the caches) and offers the verbs the CLI and
//! the dev server need: load, generate, finish the search index, render an
//! edited document's pages again. The dev server decides when to call them
//! and what to forget; how a build is made stays here.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use chrono::NaiveDate;

use super::{
    BuildCache, BuildOptions, Built, Loaded, SearchFiles, finish_search, generate_loaded,
    load_stage,
};
use crate::config::Config;
use crate::error::{Error, Result};
use crate::names::{CONTENT_DIR, STATIC_DIR, THEMES_DIR};
use crate::output::Output;
use crate::render::{Renderer, theme::Theme};
use crate::site::edit::Replaced;

/// The folders of one site, computed once from its options: every stage
/// and the dev server's watcher name them from here. They are as the
/// options give them (the dev server resolves the root to an absolute,
/// canonical path before it makes its pipeline).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteLayout {
    /// The site folder (with `site.yaml`).
    pub root: PathBuf,
    /// `<root>/content`: the Markdown files.
    pub content: PathBuf,
    /// `<root>/static`: files copied as they are.
    pub static_dir: PathBuf,
    /// `<root>/themes`: the themes, each in a folder of its own.
    pub themes: PathBuf,
    /// The output folder (`<root>/public` unless the options name one).
    pub output: PathBuf,
}

impl SiteLayout {
    /// The folders of the site `opts` builds.
    pub fn new(opts: &BuildOptions) -> SiteLayout {
        SiteLayout {
            content: opts.root.join(CONTENT_DIR),
            static_dir: opts.root.join(STATIC_DIR),
            themes: opts.root.join(THEMES_DIR),
            output: opts.output_dir(),
            root: opts.root.clone(),
        }
    }
}

/// How many pages and files the last build made again rather than took
/// from the caches (a pipeline without caches makes everything again).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CacheStats {
    /// HTML pages rendered.
    pub rendered: usize,
    /// Content files read and parsed.
    pub parsed: usize,
    /// Whether the load walked `content/` (false: every change named a file
    /// the build before had read, so its walk was reused).
    pub walked: bool,
}

/// Builds of one site. [`Pipeline::new`] makes one build the way
/// `tsunagi build` does; [`Pipeline::for_rebuilds`] keeps caches so that a
/// build after a small change redoes only what the change touched, with
/// exactly the output of a build without them.
pub struct Pipeline {
    opts: BuildOptions,
    layout: SiteLayout,
    /// `http://127.0.0.1:1111`: replaces the origin of `base_url` (its path
    /// stays, so links work as deployed).
    origin: Option<String>,
    config: Option<Arc<Config>>,
    renderer: Option<Renderer>,
    cache: Option<BuildCache>,
}

impl Pipeline {
    /// A pipeline for one build of the site of `opts`, without caches.
    pub fn new(opts: BuildOptions) -> Pipeline {
        Pipeline {
            layout: SiteLayout::new(&opts),
            opts,
            origin: None,
            config: None,
            renderer: None,
            cache: None,
        }
    }

    /// A pipeline that keeps what speeds up the next build (parse results
    /// of unchanged files, rendered Markdown, rendered pages, re-encoded
    /// images, the search index's pieces) between builds; with `origin`, the
    /// site is built for that origin (`base_url`'s path stays).
    pub fn for_rebuilds(opts: BuildOptions, origin: Option<String>) -> Pipeline {
        Pipeline {
            origin,
            cache: Some(BuildCache::default()),
            ..Pipeline::new(opts)
        }
    }

    /// A one-build pipeline with its configuration already read.
    pub(super) fn with_config(opts: BuildOptions, config: Config) -> Pipeline {
        Pipeline {
            config: Some(Arc::new(config)),
            ..Pipeline::new(opts)
        }
    }

    /// What it builds.
    pub fn options(&self) -> &BuildOptions {
        &self.opts
    }

    /// The site's folders.
    pub fn layout(&self) -> &SiteLayout {
        &self.layout
    }

    /// Whether the configuration is loaded (a load that failed leaves none).
    pub fn has_config(&self) -> bool {
        self.config.is_some()
    }

    /// Whether the templates are parsed.
    pub fn has_templates(&self) -> bool {
        self.renderer.is_some()
    }

    /// The path the site is served under (`/` or `/jobs/`), once the
    /// configuration is loaded.
    pub fn base_path(&self) -> Option<String> {
        self.config
            .as_ref()
            .map(|c| crate::names::base_path(&c.base_url))
    }

    /// The date a build starting now judges consent by: the options' date,
    /// else today in the site's time zone; `None` before the configuration
    /// is loaded (its zone is not known).
    pub fn today(&self) -> Option<NaiveDate> {
        self.config.as_ref().map(|c| self.opts.today_for(c))
    }

    /// Sets the date the next build judges consent by (tests: a day passes).
    #[cfg(test)]
    pub(crate) fn set_today(&mut self, today: Option<NaiveDate>) {
        self.opts.today = today;
    }

    /// Forgets the configuration, the templates and every cache: the next
    /// [`Pipeline::load`] reads them all again.
    pub fn forget_config(&mut self) {
        self.config = None;
        self.renderer = None;
        if let Some(cache) = &mut self.cache {
            *cache = BuildCache::default();
        }
    }

    /// Forgets the parsed templates (a template or a strings file changed).
    pub fn forget_templates(&mut self) {
        self.renderer = None;
    }

    /// A file or folder changed on disk: whatever was read from it is read
    /// again, even if its size and time look the same.
    pub fn invalidate(&mut self, path: &Path) {
        if let Some(cache) = &mut self.cache {
            cache.invalidate(path);
        }
    }

    /// What the last build made again rather than took from the caches.
    pub fn stats(&self) -> CacheStats {
        match &self.cache {
            Some(c) => CacheStats {
                rendered: c.render.last_rendered,
                parsed: c.load.last_parsed,
                walked: c.load.last_walked,
            },
            None => CacheStats::default(),
        }
    }

    fn load_config(&mut self) -> Result<Arc<Config>> {
        if let Some(config) = &self.config {
            return Ok(config.clone());
        }
        let mut config = Config::load(&self.layout.root)?;
        match &self.origin {
            Some(origin) => {
                let path = crate::names::base_path(&config.base_url);
                config.set_base_url(&format!("{origin}{path}"))?;
            }
            None => {
                if let Some(url) = &self.opts.base_url {
                    config.set_base_url(url)?;
                }
            }
        }
        let config = Arc::new(config);
        self.config = Some(config.clone());
        Ok(config)
    }

    /// The first stage of a build: the configuration and templates (unless
    /// they are loaded), then the content, loaded and through the consent
    /// gate, as of the build's date (resolved here, once, and carried to
    /// the result). The dev server may show an edited page from it
    /// ([`Pipeline::edit_document`]) before [`Pipeline::generate`].
    pub fn load(&mut self) -> Result<Loaded> {
        self.load_since(Instant::now())
    }

    /// [`Pipeline::load`] of a build that began at `start`.
    pub(super) fn load_since(&mut self, start: Instant) -> Result<Loaded> {
        let config = self.load_config()?;
        if self.renderer.is_none() {
            let theme = Theme::load(&self.layout.root, &config)?;
            self.renderer = Some(Renderer::new(theme)?);
        }
        let today = self.opts.today_for(&config);
        load_stage(&self.opts, config, today, start, self.cache.as_mut())
    }

    /// The rest of a build after [`Pipeline::load`]: the model, the pages,
    /// the search index, feeds, files and checks, in memory. With
    /// `previous` (the last good output of the same configuration), the
    /// search index is not built: the output carries `previous`'s index
    /// files as they were, and [`Pipeline::finish_search`] must follow
    /// (unless [`BuildOptions::search_index`] is off: then there is no
    /// index).
    pub fn generate(&mut self, loaded: Loaded, previous: Option<&Output>) -> Result<Built> {
        let renderer = self
            .renderer
            .as_ref()
            .ok_or_else(|| Error::Usage("no templates".to_string()))?;
        let search = SearchFiles::choose(&self.opts, previous);
        generate_loaded(&self.opts, renderer, loaded, self.cache.as_mut(), search)
    }

    /// Loads and generates: one whole build.
    pub fn run(&mut self) -> Result<Built> {
        let loaded = self.load()?;
        self.generate(loaded, None)
    }

    /// [`Pipeline::run`] of a build that began at `start`.
    pub(super) fn run_since(&mut self, start: Instant) -> Result<Built> {
        let loaded = self.load_since(start)?;
        self.generate(loaded, None)
    }

    /// Replaces the search index files `built` carries from the previous
    /// output ([`Pipeline::generate`] with `previous`) with its own site's
    /// index: the output is then exactly a whole build's. Returns the index
    /// files that changed (added, changed or removed), sorted; nothing
    /// without templates.
    pub fn finish_search(&mut self, built: &mut Built) -> Vec<String> {
        let Some(renderer) = &self.renderer else {
            return Vec::new();
        };
        finish_search(built, renderer, self.cache.as_mut())
    }

    /// The pages of the Markdown file at `path` in `built`, rendered again
    /// with its new body, when a save changed only that body and nothing
    /// but those pages can change (see `Site::edit_body`); `None`, and
    /// `built` as it was, otherwise. Needs the caches the build of `built`
    /// filled.
    pub fn edit_body(&self, built: &mut Built, path: &Path) -> Option<Edited> {
        let config = self.config.as_deref()?;
        let cache = self.cache.as_ref()?;
        let edit = cache.load.body_edit(path, config)?;
        let pages = built.site.edit_body(&edit, &cache.markdown)?;
        self.show(built, pages)
    }

    /// The pages of the Markdown file at `path` in `built`, rendered again
    /// with its front matter as `loaded` (a new load, through the consent
    /// gate) holds it, when nothing but those pages can change (see
    /// `Site::edit_document`); `None`, and `built` as it was, otherwise.
    pub fn edit_document(&self, built: &mut Built, loaded: &Loaded, path: &Path) -> Option<Edited> {
        let cache = self.cache.as_ref()?;
        let file = crate::error::rel_path(&self.layout.root, path);
        let pages = built
            .site
            .edit_document(&loaded.content, &file, &cache.markdown)?;
        self.show(built, pages)
    }

    /// Renders the pages an edit replaced in `built` into its output;
    /// `None` (and the pages put back) if a template fails.
    fn show(&self, built: &mut Built, pages: Replaced) -> Option<Edited> {
        let renderer = self.renderer.as_ref()?;
        let ids: Vec<crate::site::PageId> = pages.iter().map(|(id, _)| *id).collect();
        let files = match crate::render::render_pages(&built.site, renderer, &ids) {
            Ok(files) => files,
            Err(_) => {
                built.site.restore_pages(pages);
                return None;
            }
        };
        let mut changed = Vec::new();
        let mut undo = Vec::with_capacity(files.len());
        for (file, bytes) in files {
            let before = built.output.files.insert(file.clone(), bytes.clone());
            if before.as_deref() != Some(&bytes[..]) {
                changed.push(file.clone());
            }
            undo.push((file, before));
        }
        changed.sort();
        Some(Edited {
            pages,
            files: undo,
            changed,
            rendered: ids.len(),
        })
    }
}

/// One document's pages rendered again into a built site ahead of its
/// rebuild ([`Pipeline::edit_body`], [`Pipeline::edit_document`]), with
/// what they replaced.
#[derive(Debug)]
pub struct Edited {
    pages: Replaced,
    /// Output files with their previous bytes.
    files: Vec<(String, Option<Arc<[u8]>>)>,
    /// Output files that changed, sorted.
    pub changed: Vec<String>,
    /// Pages rendered.
    pub rendered: usize,
}

impl Edited {
    /// Puts back in `built` what the edit replaced.
    pub fn undo(self, built: &mut Built) {
        built.site.restore_pages(self.pages);
        for (path, bytes) in self.files {
            match bytes {
                Some(b) => built.output.files.insert(path, b),
                None => built.output.files.remove(&path),
            };
        }
    }
}
