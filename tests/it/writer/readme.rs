//! README.md's "For writers: a day with tsunagi", followed as written: the
//! commands of its `sh` block are read from README.md itself, so the
//! README and this test cannot drift apart, and run one after another
//! with the test's `tsunagi`, in the folders its `cd` lines name; then
//! the preview is edited as the text after the block says.

use std::path::PathBuf;

use super::server::Live;
use crate::harness::*;

const HEADING: &str = "## For writers: a day with tsunagi";

/// The writers' section of README.md, up to the next section.
fn section() -> String {
    let readme = std::fs::read_to_string(repo().join("README.md")).expect("README.md");
    let start = readme
        .find(HEADING)
        .unwrap_or_else(|| panic!("README.md has no {HEADING:?}"));
    let rest = &readme[start + HEADING.len()..];
    let end = rest.find("\n## ").unwrap_or(rest.len());
    rest[..end].to_string()
}

/// The lines of the section's first ```sh block.
fn day_block(section: &str) -> Vec<String> {
    let start = section
        .find("```sh\n")
        .expect("the writers' section has a ```sh block");
    let body = &section[start + "```sh\n".len()..];
    let end = body.find("```").expect("the block ends");
    body[..end].lines().map(str::to_string).collect()
}

#[test]
fn readme_says_how_to_get_tsunagi_and_how_long_the_first_build_takes() {
    let s = section();
    let before_block = &s[..s.find("```sh").expect("a block")];
    assert!(
        before_block.contains("`cargo install --path .`")
            && before_block.contains("PATH")
            && before_block.contains("about 6 minutes on a 2-core machine"),
        "the writers' section says how to install tsunagi before using it:\n{before_block}"
    );
    let readme = std::fs::read_to_string(repo().join("README.md")).expect("README.md");
    let two = &readme[readme
        .find("## The two commands")
        .expect("the two commands")..];
    let two = &two[..two[3..].find("\n## ").map_or(two.len(), |i| i + 3)];
    assert!(
        two.contains("about 6 minutes on a 2-core machine"),
        "the first command says it compiles first:\n{two}"
    );
}

#[test]
fn a_writers_day_runs_as_the_readme_tells_it() {
    let s = section();
    let tmp = TempSite::empty();
    let mut cwd: PathBuf = tmp.path().to_path_buf();
    let mut ran: Vec<String> = Vec::new();
    let mut new_talent = None;
    for line in day_block(&s) {
        // a comment starts at ` #`
        let command = line.split(" #").next().unwrap_or("").trim().to_string();
        let words: Vec<&str> = command.split_whitespace().collect();
        match words.as_slice() {
            [] => continue,
            ["cd", dir] => {
                cwd = cwd.join(dir);
                assert!(cwd.is_dir(), "`{command}`: no folder {}", cwd.display());
            }
            ["tsunagi", "serve", rest @ ..] => {
                // on a free port rather than 1111: tests run side by side
                let mut args = vec!["serve"];
                args.extend(rest);
                serve_and_edit(&cwd, &args, &s);
            }
            ["tsunagi", args @ ..] => {
                let o = run(&cwd, args);
                let all = text(&o);
                assert!(o.status.success(), "`{command}` failed:\n{all}");
                assert!(!all.contains("error:"), "`{command}`:\n{all}");
                match args {
                    ["init", dir] => assert!(cwd.join(dir).join("site.yaml").is_file()),
                    ["new", "talent", id] => {
                        let f = cwd.join(format!("content/talents/{id}.md"));
                        assert!(f.is_file(), "`{command}` wrote {}", f.display());
                        new_talent = Some(id.to_string());
                    }
                    ["new", kind, name] => {
                        let section = if *kind == "story" {
                            "stories"
                        } else {
                            "reports"
                        };
                        let f = cwd.join(format!("content/{section}/{name}.md"));
                        assert!(f.is_file(), "`{command}` wrote {}", f.display());
                    }
                    ["check"] => {
                        if let Some(id) = &new_talent {
                            let want = format!("content/talents/{id}.md");
                            assert!(
                                all.contains(&want) && all.contains("still to fill"),
                                "`check` names what the new profile still needs:\n{all}"
                            );
                        }
                    }
                    ["check", "--privacy"] => {
                        if let Some(id) = &new_talent {
                            assert!(
                                all.lines().any(|l| l.starts_with(id.as_str())
                                    && l.contains("WITHHELD   still to fill")),
                                "{all}"
                            );
                        }
                    }
                    ["build"] => {
                        let public = read_tree(&cwd.join("public"));
                        assert!(public.contains_key("index.html"), "{all}");
                        if let Some(id) = &new_talent {
                            for (name, bytes) in &public {
                                assert!(
                                    !name.contains(id.as_str())
                                        && !String::from_utf8_lossy(bytes).contains(id.as_str()),
                                    "the new profile is not published, yet {name} names it"
                                );
                            }
                        }
                    }
                    _ => {}
                }
            }
            _ => panic!(
                "README's writers' block says `{line}`, which this test cannot run: teach it"
            ),
        }
        ran.push(command);
    }
    // the day the issue asked for, whatever else the block holds
    for step in [
        "tsunagi init",
        "cd ",
        "tsunagi new talent",
        "tsunagi new story",
        "tsunagi new report",
        "tsunagi check",
        "tsunagi check --privacy",
        "tsunagi build",
        "tsunagi serve",
    ] {
        assert!(
            ran.iter().any(|c| c.starts_with(step)),
            "the writers' block no longer runs `{step}`: {ran:#?}"
        );
    }
}

/// `tsunagi serve` from inside the site, then the edit the README's text
/// after the block suggests, seen on the served page.
fn serve_and_edit(site: &std::path::Path, args: &[&str], section: &str) {
    let story = "content/stories/first-story.md";
    assert!(
        section.contains(&format!("`{story}`")),
        "the README suggests editing {story}"
    );
    let mut live = Live::start(site, args);
    let path = site.join(story);
    let text = std::fs::read_to_string(&path).expect("the sample story");
    std::fs::write(&path, format!("{text}\n今日、初めて記事を直しました。\n")).expect("save");
    live.shows(
        "/stories/first-story/",
        "今日、初めて記事を直しました。",
        "the README's edit",
    );
}
