//! Stage benchmarks (criterion): each step of a build timed on its own, on
//! a generated corpus, so a change to one stage is measured without the
//! disk and the other stages around it. Whole builds beside Hugo are
//! `bench/bench.py`'s; this is for working on one stage.
//!
//! usage: `cargo bench --bench stages` (a 1,000-page corpus), or
//! `TSUNAGI_BENCH_PAGES=10000 cargo bench --bench stages -- search`.
//! The corpus is `bench/out/tsunagi-<pages>` (the one `bench/bench.py`
//! makes), generated with `../shared/bench/gen_corpus.py` (or `GEN=path`)
//! when it is not there yet.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use tsunagi::config::Config;
use tsunagi::content::{self, BuildAudience, LoadOptions};
use tsunagi::render::{self, Renderer, theme::Theme};
use tsunagi::site::Site;
use tsunagi::{BuildOptions, feeds, search};

// the allocator of the `tsunagi` binary, so the stages are timed as the CLI runs them
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The date the corpus is judged against (`bench/bench.py`'s).
const TODAY: &str = "2026-11-25";

/// The corpus of `pages` pages, generated on first use.
fn corpus(pages: usize) -> PathBuf {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = repo.join(format!("bench/out/tsunagi-{pages}"));
    if dir.join("site.yaml").is_file() {
        return dir;
    }
    let generator = std::env::var_os("GEN")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo.join("../shared/bench/gen_corpus.py"));
    let status = Command::new("python3")
        .arg(&generator)
        .args([
            "--pages",
            &pages.to_string(),
            "--seed",
            "1",
            "--flavor",
            "tsunagi",
        ])
        .arg("--out")
        .arg(&dir)
        .status();
    match status {
        Ok(s) if s.success() => dir,
        other => panic!(
            "could not generate the corpus with {} ({other:?}); set GEN= to gen_corpus.py",
            generator.display()
        ),
    }
}

fn stages(c: &mut Criterion) {
    tsunagi::process::tune_allocator();
    let pages: usize = std::env::var("TSUNAGI_BENCH_PAGES")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(1000);
    let root = corpus(pages);
    let today = chrono::NaiveDate::parse_from_str(TODAY, "%Y-%m-%d").expect("date");
    let config = Arc::new(Config::load(&root).expect("site.yaml"));
    let load = LoadOptions {
        today,
        drafts: false,
        audience: BuildAudience::Public,
    };
    let renderer = Renderer::new(Theme::load(&root, &config).expect("theme")).expect("templates");
    let strings = &renderer.theme().strings;
    let loaded = content::load(&root, &config, &load).expect("content");
    let names = render::i18n::term_names(strings);
    let site = Site::build(loaded.clone(), config.clone(), &names).expect("site model");
    let output_pages = render::render_site(&site, &renderer).expect("render").len();

    let mut g = c.benchmark_group(format!("{pages} pages"));
    g.sample_size(10);
    g.throughput(Throughput::Elements(site.pages.len() as u64));
    g.bench_function("load content (read, front matter, consent gate)", |b| {
        b.iter(|| black_box(content::load(&root, &config, &load).expect("content")))
    });
    g.bench_function("markdown and site model", |b| {
        b.iter_batched(
            || loaded.clone(),
            |content| black_box(Site::build(content, config.clone(), &names).expect("site model")),
            BatchSize::PerIteration,
        )
    });
    g.bench_function("search index", |b| {
        b.iter(|| black_box(search::build(&site, strings)))
    });
    g.bench_function(format!("render pages ({output_pages} files)"), |b| {
        b.iter(|| black_box(render::render_site(&site, &renderer).expect("render")))
    });
    g.bench_function("feeds and sitemaps", |b| {
        b.iter(|| black_box((feeds::atom(&site), feeds::sitemaps(&site))))
    });
    let mut opts = BuildOptions::new(&root);
    opts.today = Some(today);
    g.bench_function("whole build in memory", |b| {
        b.iter(|| black_box(tsunagi::generate(&opts).expect("build")))
    });
    g.finish();

    // the tokeniser alone, over every page's text as the index reads it
    let texts: Vec<&str> = site.pages.iter().map(|p| p.body.plain.as_str()).collect();
    let bytes: usize = texts.iter().map(|t| t.len()).sum();
    let mut g = c.benchmark_group(format!("{pages} pages' bodies"));
    g.sample_size(20);
    g.throughput(Throughput::Bytes(bytes as u64));
    g.bench_function("normalise and tokenise", |b| {
        b.iter(|| {
            let mut n = 0usize;
            for t in &texts {
                let norm = search::tokenize::normalize(t);
                search::tokenize::scan(&norm, |_| n += 1);
            }
            black_box(n)
        })
    });
    g.finish();
}

criterion_group!(benches, stages);
criterion_main!(benches);
