//! The `tsunagi` binary: parse the command line, run, print once, exit.
//!
//! Exit codes: 0 success; 1 the site has problems (each listed); 2 usage
//! error or the machine failed (I/O, refused output folder).

mod cli;

use std::process::ExitCode;

use clap::Parser;
use cli::{Audience, Cli, Command};
use tsunagi::content::BuildAudience;
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
        } => {
            let mut o = build_options(&site);
            o.output = output;
            o.base_url = base_url;
            o.force = force;
            let report = tsunagi::build(&o)?;
            print_warnings(&report.built.warnings, quiet);
            if !quiet {
                let b = &report.built;
                eprintln!("{}", b.privacy.summary());
                eprintln!(
                    "built {} pages ({} files, {} written, {} unchanged, {} removed) into {} in {:.2} s",
                    b.pages_rendered,
                    b.output.files.len(),
                    report.written.written,
                    report.written.unchanged,
                    report.written.deleted,
                    report.output_dir.display(),
                    b.elapsed.as_secs_f64()
                );
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
        } => {
            let _ = (site, bind, port, open);
            return Err(Error::Usage(
                "`tsunagi serve` is not available in this build yet".to_string(),
            ));
        }
        Command::Init { dir } => {
            let today = tsunagi::today_in(9 * 3600);
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
                s.push_str(&format!(
                    "{:<16} published  ({}; optional fields shown: {shown})  {}\n",
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
    s
}

fn main() -> ExitCode {
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
