//! `tsunagi build`: the output folder's lock, the early stop when no input
//! changed since the build that wrote the folder, and the write.

use std::path::Path;
use std::time::Instant;

use super::{BuildOptions, BuildReport, BuildSummary, Built, Pipeline, load_config, with_today};
use crate::config::Config;
use crate::error::Result;
use crate::inputs;
use crate::output::{self, WriteStats};

/// Generates and writes the site.
///
/// When no input changed since the build that wrote the output folder
/// (same files with the same stamps, same settings, same binary; see
/// `crate::inputs`) and every file it wrote is still there, the folder is
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
            let built = Pipeline::with_config(opts.clone(), config).run_since(start);
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
    let mut built = Pipeline::with_config(opts.clone(), config).run_since(start)?;
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
