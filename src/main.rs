//! The `tsunagi` binary: parse the command line, run, print once, exit.
//!
//! Exit codes: 0 success; 1 the site has problems (each listed); 2 usage
//! error or the machine failed (I/O, refused output folder).

mod cli;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::process::ExitCode;

use clap::Parser;
use cli::{Audience, Cli, Command};
use tsunagi::content::BuildAudience;
use tsunagi::serve::ServeEvent;
use tsunagi::{BuildOptions, Error};

fn build_options(site: &cli::SiteArgs) -> BuildOptions {
    let mut o = BuildOptions::new(site.root.clone());
    o.drafts = site.drafts;
    o.today = site.today;
    o.audience = match site.audience {
        Audience::Public => BuildAudience::Public,
        Audience::Companies => BuildAudience::Companies,
    };
    o
}

fn print_warnings(ws: &[tsunagi::Diagnostic], quiet: bool) {
    if quiet {
        return;
    }
    for w in ws {
        eprintln!("{w}");
    }
}

fn run(cli: Cli) -> Result<(), Error> {
    let quiet = cli.quiet;
    match cli.command {
        Command::Build {
            site,
            output,
            base_url,
            force,
            timings,
        } => {
            let mut o = build_options(&site);
            o.output = output;
            o.base_url = base_url;
            o.force = force;
            let report = tsunagi::build(&o)?;
            if timings {
                for (stage, d) in &report.stages {
                    eprintln!("{:>8.1} ms  {stage}", d.as_secs_f64() * 1000.0);
                }
            }
            let s = &report.summary;
            print_warnings(&s.warnings, quiet);
            if !quiet {
                eprintln!("{}", s.privacy);
                if report.built.is_none() {
                    eprintln!(
                        "up to date: nothing changed since the last build of {} ({} pages, {} files) [{:.2} s]",
                        report.output_dir.display(),
                        s.pages,
                        s.files,
                        report.elapsed.as_secs_f64()
                    );
                } else {
                    eprintln!(
                        "built {} pages ({} files, {} written, {} unchanged, {} removed) into {} in {:.2} s",
                        s.pages,
                        s.files,
                        report.written.written,
                        report.written.unchanged,
                        report.written.deleted,
                        report.output_dir.display(),
                        report.elapsed.as_secs_f64()
                    );
                }
            }
        }
        Command::Check { site, privacy } => {
            let o = build_options(&site);
            let built = tsunagi::check(&o)?;
            print_warnings(&built.warnings, quiet);
            if privacy {
                print!("{}", privacy_table(&built.privacy));
            }
            if !quiet {
                eprintln!("{}", built.privacy.summary());
                eprintln!(
                    "ok: {} pages, {} files, no problems",
                    built.pages_rendered,
                    built.output.files.len()
                );
            }
        }
        Command::Serve {
            site,
            bind,
            port,
            open,
            timings,
        } => {
            let opts = tsunagi::serve::ServeOptions {
                build: build_options(&site),
                bind,
                port,
            };
            let mut report = |ev: ServeEvent| print_serve_event(ev, quiet, open, timings);
            tsunagi::serve::serve(opts, &mut report)?;
        }
        Command::Init { dir } => {
            let today = tsunagi::today_in(tsunagi::config::DEFAULT_OFFSET_SECONDS);
            let files = tsunagi::scaffold::init(&dir, today)?;
            if !quiet {
                eprintln!(
                    "created a new site in {} ({} files)",
                    dir.display(),
                    files.len()
                );
                eprintln!("next: cd {} && tsunagi build", dir.display());
            }
        }
        Command::New { kind, name, root } => {
            let kind = match kind {
                cli::NewKind::Talent => tsunagi::scaffold::NewKind::Talent,
                cli::NewKind::Story => tsunagi::scaffold::NewKind::Story,
                cli::NewKind::Report => tsunagi::scaffold::NewKind::Report,
            };
            let config = tsunagi::config::Config::load(&root)?;
            let path = tsunagi::scaffold::new_content(
                &root,
                kind,
                &name,
                tsunagi::today_in(config.offset_seconds()),
            )?;
            if !quiet {
                eprintln!("created {}", path.display());
            }
        }
    }
    Ok(())
}

/// Prints what the dev server reports: the URL on stdout (tests and
/// scripts read it there), builds and problems on stderr.
fn print_serve_event(ev: ServeEvent, quiet: bool, open: bool, timings: bool) {
    use std::io::Write;
    match ev {
        ServeEvent::Listening { url, exposed } => {
            println!("serving {url}");
            let _ = std::io::stdout().flush();
            if exposed {
                eprintln!(
                    "warning: listening on all or a public address: anyone on your network can read this preview, including unpublished drafts (use --bind 127.0.0.1 unless you mean it)"
                );
            }
            if !quiet {
                eprintln!("watching for changes; press Ctrl-C to stop");
            }
            if open {
                open_browser(&url);
            }
        }
        ServeEvent::Built {
            first,
            search_index,
            edited_page,
            elapsed,
            files,
            changed,
            rerendered,
            reparsed,
            clients,
            stages,
        } => {
            if quiet {
                return;
            }
            if timings {
                for (stage, d) in &stages {
                    eprintln!("{:>8.1} ms  {stage}", d.as_secs_f64() * 1000.0);
                }
            }
            if first {
                eprintln!(
                    "built {files} files in {:.0} ms",
                    elapsed.as_secs_f64() * 1000.0
                );
            } else if edited_page {
                eprintln!(
                    "edited page shown in {:.0} ms ({rerendered} pages rendered), {clients} open page{} told; rebuilding the rest",
                    elapsed.as_secs_f64() * 1000.0,
                    if clients == 1 { "" } else { "s" }
                );
            } else if search_index {
                eprintln!(
                    "search index updated in {:.0} ms: {changed} files changed",
                    elapsed.as_secs_f64() * 1000.0
                );
            } else {
                eprintln!(
                    "rebuilt in {:.0} ms: {changed} files changed ({rerendered} pages rendered, {reparsed} files read), {clients} open page{} told",
                    elapsed.as_secs_f64() * 1000.0,
                    if clients == 1 { "" } else { "s" }
                );
            }
        }
        ServeEvent::Failed {
            elapsed,
            diagnostics,
            ..
        } => {
            eprintln!(
                "build failed in {:.0} ms; still serving the last good site:\n{diagnostics}",
                elapsed.as_secs_f64() * 1000.0
            );
        }
        ServeEvent::Notice(n) => eprintln!("note: {n}"),
    }
}

/// Opens `url` in the default browser, if the system has a way to.
fn open_browser(url: &str) {
    let cmd = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    if let Err(e) = std::process::Command::new(cmd)
        .arg(url)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
    {
        eprintln!("note: could not open a browser ({cmd}: {e}); open {url} yourself");
    }
}

fn privacy_table(r: &tsunagi::content::PrivacyReport) -> String {
    let mut s = String::new();
    for t in &r.talents {
        match &t.outcome {
            Ok(shown) => {
                let shown = if shown.is_empty() {
                    "none".to_string()
                } else {
                    shown.join(", ")
                };
                // `story` is a scope, not a field: said apart
                let stories = if t.story_link {
                    "; stories may link it"
                } else {
                    ""
                };
                s.push_str(&format!(
                    "{:<16} published  ({}; optional fields shown: {shown}{stories})  {}\n",
                    t.id,
                    t.audience.as_str(),
                    t.file
                ));
            }
            Err(reason) => s.push_str(&format!(
                "{:<16} WITHHELD   {}  {}\n",
                t.id,
                reason.describe(),
                t.file
            )),
        }
    }
    let soon = r.expiring_within(30);
    if !soon.is_empty() {
        s.push_str("\nconsent expiring within 30 days:\n");
        for t in soon {
            if let Some(e) = t.expires {
                s.push_str(&format!("  {:<16} expires {e}  {}\n", t.id, t.file));
            }
        }
    }
    s.push_str(&r.guard.table());
    s
}

fn main() -> ExitCode {
    tsunagi::process::tune_allocator();
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            let mut source = std::error::Error::source(&e);
            while let Some(s) = source {
                eprintln!("  caused by: {s}");
                source = s.source();
            }
            match e {
                Error::Site(_) => ExitCode::from(1),
                _ => ExitCode::from(2),
            }
        }
    }
}
