//! Command line: argv → typed commands. Nothing else happens here.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Parser, Subcommand, ValueEnum};

/// tsunagi (繋ぎ): a static-site generator for refugee-talent profiles, stories and event reports.
#[derive(Debug, Parser)]
#[command(name = "tsunagi", version, about, long_about = None)]
pub struct Cli {
    /// Print nothing but errors.
    #[arg(long, short, global = true)]
    pub quiet: bool,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Which profiles a build publishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Audience {
    /// The public site: profiles with `audience: public`.
    Public,
    /// The site for companies (behind access control): `public` and `companies` profiles.
    Companies,
}

/// Options shared by commands that load a site.
#[derive(Debug, Clone, clap::Args)]
pub struct SiteArgs {
    /// The site folder (containing site.yaml).
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Include drafts and pages dated in the future.
    #[arg(long)]
    pub drafts: bool,
    /// The date consent and future dates are judged against (default: today in the site's time zone).
    #[arg(long, value_parser = parse_date, value_name = "YYYY-MM-DD")]
    pub today: Option<NaiveDate>,
    /// Which profiles to publish.
    #[arg(long, value_enum, default_value_t = Audience::Public)]
    pub audience: Audience,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into the output folder.
    Build {
        #[command(flatten)]
        site: SiteArgs,
        /// Output folder (default: <root>/public).
        #[arg(long)]
        output: Option<PathBuf>,
        /// Override base_url of site.yaml (e.g. for a preview deployment).
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
        /// Let tsunagi manage a non-empty output folder it did not create.
        #[arg(long)]
        force: bool,
        /// Print the time each stage took.
        #[arg(long)]
        timings: bool,
    },
    /// Check everything (config, front matter, templates, links) and write nothing.
    Check {
        #[command(flatten)]
        site: SiteArgs,
        /// Also print, per talent, whether it is published and why, and consents expiring within 30 days.
        #[arg(long)]
        privacy: bool,
    },
    /// Serve the site with live reload while you write.
    Serve {
        #[command(flatten)]
        site: SiteArgs,
        /// Address to listen on (default: this computer only).
        #[arg(long, default_value = "127.0.0.1")]
        bind: String,
        /// Port to listen on.
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// Open the site in the default browser.
        #[arg(long)]
        open: bool,
        /// Print the time each stage of every rebuild took.
        #[arg(long)]
        timings: bool,
    },
    /// Create a new site with sample content.
    Init {
        /// Folder to create (must be empty or missing).
        dir: PathBuf,
    },
    /// Create a new content file with every field of its schema, commented.
    New {
        /// What to create.
        #[arg(value_enum)]
        kind: NewKind,
        /// File name (and default id or slug), e.g. t-2026-015.
        name: String,
        /// The site folder.
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
}

/// Content kinds `new` can create.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum NewKind {
    /// A talent profile (content/talents/).
    Talent,
    /// A story (content/stories/).
    Story,
    /// An event report (content/reports/).
    Report,
}

fn parse_date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| format!("`{s}` is not a date; expected YYYY-MM-DD"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_build() {
        let cli = Cli::parse_from([
            "tsunagi",
            "build",
            "--root",
            "site",
            "--today",
            "2026-03-08",
            "--drafts",
            "--audience",
            "companies",
        ]);
        match cli.command {
            Command::Build { site, .. } => {
                assert_eq!(site.root, PathBuf::from("site"));
                assert_eq!(site.today, NaiveDate::from_ymd_opt(2026, 3, 8));
                assert!(site.drafts);
                assert_eq!(site.audience, Audience::Companies);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn rejects_bad_dates() {
        assert!(Cli::try_parse_from(["tsunagi", "build", "--today", "8/3/2026"]).is_err());
    }
}
