//! The gatekeeper: applies the talent policy ([`super::publish`]) and the
//! publication rules of stories, reports and pages to parsed files,
//! resolves what links to what (stories to talents, translations to
//! originals), and collects what may be published into a [`Content`]. Everything withheld is recorded only as a path (for links
//! to become plain text) and a reason (for the publishers' report).

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::date::Date;
use super::gate::{self, LoadOptions, WithheldReason};
use super::model::*;
use super::parse::{Doc, Parsed};
use super::publish::{Ctx, Published, publish};
use super::schema::*;
use crate::config::Config;
use crate::error::{Diagnostic, rel_path};
use crate::yaml;

/// Optional talent fields every site knows (plus `story`, which is a
/// permission rather than a field).
pub(super) const BUILTIN_OPTIONAL: &[&str] = &["photo", "origin_region", "age_band"];

pub(super) const IMAGE_EXTENSIONS: &[&str] = &["jpg", "jpeg", "png", "webp", "gif"];

/// A file being judged: where it is and its text, for messages.
struct File {
    source: Source,
    text: Arc<str>,
}

pub(super) struct Gate<'a> {
    pub(super) root: &'a Path,
    /// The site root without symbolic links: files a page names must
    /// resolve inside it.
    pub(super) site: PathBuf,
    pub(super) content_dir: &'a Path,
    pub(super) config: &'a Config,
    pub(super) opts: &'a LoadOptions,
    pub(super) diags: &'a mut Vec<Diagnostic>,
    pub(super) warnings: &'a mut Vec<Diagnostic>,
    pub(super) content: Content,
    /// Every talent id (published or not) → (published?, story link allowed, reason)
    pub(super) talent_files: BTreeMap<String, TalentStatus>,
    /// Lower-cased ids of talent files that did not parse.
    pub(super) broken_talents: std::collections::BTreeSet<String>,
}

pub(super) struct TalentStatus {
    pub(super) published: bool,
    pub(super) story_link_allowed: bool,
    pub(super) reason: Option<String>,
}

impl Gate<'_> {
    fn offset(&self) -> i32 {
        self.config.offset_seconds()
    }

    /// Where `key:` is written in the file (line and column).
    fn position_of(&self, text: &str, key: &str) -> (Option<usize>, Option<usize>) {
        yaml::find_key_line(text, key, 1).unzip()
    }

    fn error(&mut self, p: &File, key: &str, msg: String) {
        let (line, column) = self.position_of(&p.text, key);
        self.diags.push(
            Diagnostic::error(p.source.path.clone(), line, msg)
                .at_column(column)
                .with_source(&p.text),
        );
    }

    /// An error at `value` where it is written after `key:` (the first
    /// such line; else at the first `key:`).
    fn error_at_value(&mut self, p: &File, key: &str, value: &str, msg: String) {
        let mut from = 1;
        let mut at = None;
        while let Some((l, c)) = yaml::find_key_line(&p.text, key, from) {
            let line = p.text.lines().nth(l - 1).unwrap_or("");
            let after: String = line.chars().skip(c - 1 + key.chars().count()).collect();
            if let Some(byte) = after.find(value) {
                let column = c + key.chars().count() + after[..byte].chars().count();
                at = Some((l, column));
                break;
            }
            at = at.or(Some((l, c)));
            from = l + 1;
        }
        let (line, column) = at.unzip();
        self.diags.push(
            Diagnostic::error(p.source.path.clone(), line, msg)
                .at_column(column)
                .with_source(&p.text),
        );
    }

    /// A warning at `field` of a profile still to fill, with its column
    /// (the placeholder line of the career summary, the `consent:` line
    /// when a consent key is not written at all).
    fn still_to_fill(&mut self, p: &File, field: &str) {
        let (hint, at) = match field {
            "display_name" => (
                "the pseudonym chosen with the person, never a legal name",
                None,
            ),
            "headline" => (
                "the role and main skills, e.g. 介護職（特養での実務3年）",
                None,
            ),
            "consent.record_id" => (
                "the number of the signed consent form in your records",
                None,
            ),
            "consent.given" => (
                "the day the person signed the consent form (YYYY-MM-DD)",
                None,
            ),
            "consent.expires" => ("the day consent ends (YYYY-MM-DD)", None),
            _ => (
                "a few sentences in place of the placeholder line (the theme adds the 職務要約 heading)",
                p.text
                    .lines()
                    .position(|l| l.contains(gate::SUMMARY_PLACEHOLDER))
                    .map(|i| (i + 1, 1)),
            ),
        };
        let key = field.strip_prefix("consent.").unwrap_or(field);
        let at = at
            .or_else(|| yaml::find_key_line(&p.text, key, 1))
            .or_else(|| yaml::find_key_line(&p.text, "consent", 1));
        let msg = format!(
            "still to fill: `{field}`: {hint}; the profile is not published until it is filled in"
        );
        self.warnings.push(
            Diagnostic::warning(p.source.path.clone(), at.map(|(l, _)| l), msg)
                .at_column(at.map(|(_, c)| c))
                .with_source(&p.text),
        );
    }

    fn warn(&mut self, p: &File, key: &str, msg: String) {
        let (line, column) = self.position_of(&p.text, key);
        self.warnings.push(
            Diagnostic::warning(p.source.path.clone(), line, msg)
                .at_column(column)
                .with_source(&p.text),
        );
    }

    pub(super) fn run(&mut self, files: Vec<Parsed>, others: &BTreeMap<PathBuf, Vec<PathBuf>>) {
        let mut talents = Vec::new();
        let mut talent_translations = Vec::new();
        let mut rest = Vec::new();
        for p in files {
            match p.doc {
                Doc::Talent(_) => talents.push(p),
                Doc::TalentTranslation(_) => talent_translations.push(p),
                _ => rest.push(p),
            }
        }
        self.gate_talents(talents);
        self.attach_talent_translations(talent_translations);
        let mut slugs: HashMap<(Kind, String, String), String> = HashMap::new();
        for p in rest {
            let Parsed { source, doc, text } = p;
            match doc {
                Doc::Talent(_) | Doc::TalentTranslation(_) => {
                    unreachable!("talents were handled above")
                }
                Doc::Story(raw) => self.gate_story(*raw, source, text, &mut slugs, others),
                Doc::Report(raw) => self.gate_report(*raw, source, text, &mut slugs, others),
                Doc::Page(raw) => self.gate_page(*raw, source, text, &mut slugs, others),
                Doc::Section(raw, section) => self.content.sections.push(SectionIndex {
                    source,
                    section,
                    title: raw.title,
                    description: raw.description,
                    extra: raw.extra,
                }),
            }
        }
        self.translations_follow_originals();
        self.content.privacy.today = Some(self.opts.today);
        self.content.privacy.talents.sort_by(|a, b| a.id.cmp(&b.id));
    }

    /// `t-1.en.md` translates the text of `t-1.md`: its name, headline and
    /// body. Everything else, consent first, comes from the original, so a
    /// translation can never publish a person the original withholds.
    fn attach_talent_translations(&mut self, files: Vec<Parsed>) {
        for parsed in files {
            let Parsed { source, doc, text } = parsed;
            let Doc::TalentTranslation(raw) = doc else {
                continue;
            };
            let p = File { source, text };
            let original = self
                .content
                .talents
                .iter_mut()
                .find(|t| t.source.translation_key == p.source.translation_key);
            match original {
                Some(t) => {
                    t.translations.insert(
                        p.source.lang.clone(),
                        TalentTranslation {
                            display_name: raw.display_name.clone(),
                            headline: raw.headline.clone(),
                            source: p.source,
                        },
                    );
                }
                None => {
                    let withheld = self.content.unpublished.keys().any(|k| {
                        k.strip_suffix(".md")
                            .map(|k| k.trim_end_matches("/index"))
                            .is_some_and(|k| k == p.source.translation_key)
                    });
                    if withheld {
                        self.content
                            .unpublished
                            .insert(p.source.content_path.clone(), Unpublished::Withheld);
                    } else if !self
                        .broken_talents
                        .iter()
                        .any(|id| p.source.translation_key.ends_with(&format!("/{id}")))
                    {
                        let stem = &p.source.stem;
                        self.error(
                            &p,
                            "headline",
                            format!(
                                "a translation of a talent profile needs its original: no content/talents/{stem}.md (or {stem}/index.md)"
                            ),
                        );
                    }
                }
            }
        }
    }

    /// A story, report or page translated into another language is published
    /// only while its original is: the English version of a withheld story
    /// must not survive it.
    fn translations_follow_originals(&mut self) {
        let default = self.config.default_language().to_string();
        let unpublished_keys: std::collections::HashSet<String> = self
            .content
            .unpublished
            .keys()
            .map(|k| translation_key_of(k, &self.config.languages))
            .collect();
        let mut dropped = Vec::new();
        let mut keep = |src: &Source| {
            let gone = src.lang != default && unpublished_keys.contains(&src.translation_key);
            if gone {
                dropped.push(src.content_path.clone());
            }
            !gone
        };
        self.content.stories.retain(|s| keep(&s.source));
        self.content.reports.retain(|r| keep(&r.source));
        self.content.pages.retain(|p| keep(&p.source));
        for path in dropped {
            self.content.unpublished.insert(path, Unpublished::Withheld);
        }
    }

    fn gate_talents(&mut self, talents: Vec<Parsed>) {
        let mut by_id: BTreeMap<String, String> = BTreeMap::new();
        let mut known_scope: Vec<String> = BUILTIN_OPTIONAL.iter().map(|s| s.to_string()).collect();
        known_scope.push("story".to_string());
        known_scope.extend(self.config.privacy.optional_fields.iter().cloned());
        for parsed in talents {
            let Parsed { source, doc, text } = parsed;
            let Doc::Talent(owned) = doc else { continue };
            let raw: &RawTalent = &owned;
            let p = File { source, text };
            if !is_talent_id(&raw.id) {
                self.error(
                    &p,
                    "id",
                    format!(
                        "`id: {}` may contain only letters A–Z, digits and `-`",
                        raw.id
                    ),
                );
                continue;
            }
            let key = raw.id.to_ascii_lowercase();
            if let Some(first) = by_id.get(&key) {
                let msg = format!(
                    "duplicate talent id `{}`: {first} already uses it (ids are compared without case)",
                    raw.id
                );
                self.error(&p, "id", msg);
                continue;
            }
            by_id.insert(key.clone(), p.source.path.clone());
            let mut bad_scope = false;
            for l in &raw.languages {
                if !super::iso639::is_code(&l.code) {
                    let hint = super::iso639::suggestion(&l.code)
                        .map(|s| format!(" (did you mean `{s}`? `{}` is a country code)", l.code))
                        .unwrap_or_default();
                    self.error_at_value(
                        &p,
                        "code",
                        &l.code,
                        format!("`code: {}` is not an ISO 639-1 language code{hint}; expected two lower-case letters such as ja, en, ar", l.code),
                    );
                    bad_scope = true;
                } else if l.jlpt.is_some() && l.code != "ja" {
                    self.error(
                        &p,
                        "jlpt",
                        format!("`jlpt:` is a level of Japanese, but this language is `{}`; use `cefr:` (A1–C2) for other languages", l.code),
                    );
                    bad_scope = true;
                }
            }
            for s in &raw.consent.scope {
                if !known_scope.contains(s) {
                    let hint = yaml::suggest(s, &known_scope)
                        .map(|b| format!(" (did you mean `{b}`?)"))
                        .unwrap_or_default();
                    self.error_at_value(
                        &p,
                        "scope",
                        s,
                        format!(
                            "`{s}` in consent.scope is not an optional field{hint}; allowed: {}",
                            known_scope.join(", ")
                        ),
                    );
                    bad_scope = true;
                }
            }
            if let (Some(given), Some(expires)) = (raw.consent.given, raw.consent.expires)
                && expires.date <= given.date
            {
                self.error(
                    &p,
                    "expires",
                    format!("consent expires ({expires}) on or before it was given ({given})"),
                );
                bad_scope = true;
            }
            if bad_scope {
                continue;
            }
            let ctx = Ctx {
                today: self.opts.today,
                offset: self.offset(),
                audience: self.opts.audience,
                optional_fields: &self.config.privacy.optional_fields,
            };
            let (record, published) = match publish(*owned, &p.source, &ctx) {
                Ok(published) => (published.record.clone(), Ok(published)),
                Err(withheld) => (withheld.record, Err(withheld.reason)),
            };
            if let Err(WithheldReason::StillToFill(fields)) = &published {
                for field in fields {
                    self.still_to_fill(&p, field);
                }
            }
            self.talent_files.insert(
                key.clone(),
                TalentStatus {
                    published: published.is_ok(),
                    story_link_allowed: record.story_link,
                    reason: published.as_ref().err().map(|r| r.describe()),
                },
            );
            self.content.privacy.talents.push(record);
            let Ok(Published {
                mut talent, photo, ..
            }) = published
            else {
                self.content
                    .unpublished
                    .insert(p.source.content_path.clone(), Unpublished::Withheld);
                continue;
            };
            if let Some(photo) = photo {
                let Some(source) = self.resolve_image(&p, &photo, "photo") else {
                    continue;
                };
                let ext = image_ext(&source);
                let img = ImageRef {
                    source,
                    output: format!("talents/{key}/photo.{ext}"),
                };
                self.content.images.push(img.clone());
                talent.photo = Some(img);
            }
            self.content.talents.push(talent);
        }
    }

    /// Resolves an image path relative to the document's folder, inside
    /// `content/`; through a symbolic link only to a file inside the site.
    fn resolve_image(&mut self, p: &File, value: &str, key: &str) -> Option<PathBuf> {
        let doc_dir = self.root.join(&p.source.path);
        let doc_dir = doc_dir.parent().unwrap_or(self.content_dir);
        let rel = Path::new(value);
        let bad = rel.is_absolute()
            || rel
                .components()
                .any(|c| !matches!(c, std::path::Component::Normal(_)));
        if bad {
            self.error(p, key, format!("`{key}: {value}` must be a file beside the Markdown file (no `/` at the start, no `..`)"));
            return None;
        }
        let path = doc_dir.join(rel);
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        if !ext
            .as_deref()
            .is_some_and(|e| IMAGE_EXTENSIONS.contains(&e))
        {
            self.error(
                p,
                key,
                format!("`{key}: {value}` is not an image; expected .jpg, .png, .webp or .gif"),
            );
            return None;
        }
        if !path.is_file() {
            self.error(
                p,
                key,
                format!(
                    "`{key}: {value}`: no such file {}",
                    rel_path(self.root, &path)
                ),
            );
            return None;
        }
        if let Some(why) = super::walk::outside_site(&path, &self.site) {
            let file = rel_path(self.root, &path);
            self.error(p, key, format!("`{key}: {value}`: {file} is {why}"));
            return None;
        }
        Some(path)
    }

    /// Drafts and future-dated documents are left out unless `--drafts`.
    fn unpublished_by_date(&mut self, source: &Source, draft: bool, date: Option<&Date>) -> bool {
        if self.opts.drafts {
            return false;
        }
        let why = if draft {
            Some(Unpublished::Draft)
        } else if date.is_some_and(|d| d.date_in(self.offset()) > self.opts.today) {
            Some(Unpublished::Future)
        } else {
            None
        };
        if let Some(why) = why {
            self.content
                .unpublished
                .insert(source.content_path.clone(), why);
            return true;
        }
        false
    }

    fn slug_for(
        &mut self,
        p: &File,
        kind: Kind,
        explicit: Option<&str>,
        slugs: &mut HashMap<(Kind, String, String), String>,
    ) -> Option<String> {
        let slug = match explicit {
            Some(s) => {
                if !is_slug(s) {
                    self.error(
                        p,
                        "slug",
                        format!(
                            "`slug: {s}` may contain only lower-case ASCII letters, digits and `-`"
                        ),
                    );
                    return None;
                }
                s.to_string()
            }
            None => crate::slug::slugify(&p.source.stem),
        };
        if slug.is_empty() {
            self.error(
                p,
                "title",
                "the file name gives an empty URL; rename the file or set `slug:`".to_string(),
            );
            return None;
        }
        let key = (kind, p.source.lang.clone(), slug.clone());
        if let Some(other) = slugs.get(&key) {
            let msg = format!(
                "two pages with one URL: {other} has the same slug `{slug}`; set a different `slug:` in one of them"
            );
            self.error(p, if explicit.is_some() { "slug" } else { "title" }, msg);
            return None;
        }
        slugs.insert(key, p.source.path.clone());
        Some(slug)
    }

    /// Bundle files beside an index.md are published with it; images are re-encoded.
    fn bundle_assets(
        &mut self,
        source: &Source,
        out_dir: &str,
        others: &BTreeMap<PathBuf, Vec<PathBuf>>,
    ) {
        let Some(dir) = &source.bundle_dir else {
            return;
        };
        if source.lang != self.config.default_language() {
            return; // a translation shares its original's files
        }
        for f in others.get(dir).into_iter().flatten() {
            let name = f
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            let ext = f
                .extension()
                .and_then(|e| e.to_str())
                .map(str::to_ascii_lowercase);
            let reencode = ext
                .as_deref()
                .is_some_and(|e| IMAGE_EXTENSIONS.contains(&e));
            self.content.assets.push(Asset {
                source: f.clone(),
                output: format!("{out_dir}/{name}"),
                reencode,
            });
        }
    }

    fn gate_story(
        &mut self,
        raw: RawStory,
        source: Source,
        text: Arc<str>,
        slugs: &mut HashMap<(Kind, String, String), String>,
        others: &BTreeMap<PathBuf, Vec<PathBuf>>,
    ) {
        let p = File { source, text };
        if raw.talent.is_some() && raw.consent.is_none() {
            self.error(&p, "talent", "missing consent: a story that features a talent needs its own `consent:` block (record_id, given, expires)".to_string());
            return;
        }
        if let Some(c) = &raw.consent
            && let Err(reason) = gate::consent_holds(c, self.opts.today, self.offset())
        {
            self.warn(
                &p,
                "consent",
                format!("story not published: {}", reason.describe()),
            );
            self.content
                .unpublished
                .insert(p.source.content_path.clone(), Unpublished::Withheld);
            return;
        }
        let mut talent = None;
        if let Some(id) = &raw.talent {
            match self.talent_files.get(&id.to_ascii_lowercase()) {
                None if self.broken_talents.contains(&id.to_ascii_lowercase()) => {
                    // the talent's own file has an error, reported already
                    return;
                }
                None => {
                    let ids: Vec<String> = self.talent_files.keys().cloned().collect();
                    let hint = yaml::suggest(&id.to_ascii_lowercase(), &ids)
                        .map(|b| format!(" (did you mean `{b}`?)"))
                        .unwrap_or_default();
                    self.error(
                        &p,
                        "talent",
                        format!("`talent: {id}`: no talent profile has this id{hint}"),
                    );
                    return;
                }
                Some(t) if !t.published => {
                    let msg = format!(
                        "the featured talent `{id}` is not published ({}); the story is published without a link to the profile",
                        t.reason.clone().unwrap_or_default()
                    );
                    self.warn(&p, "talent", msg);
                }
                Some(t) if !t.story_link_allowed => {
                    self.warn(&p, "talent", format!("the featured talent `{id}` has not consented to being linked from stories (`story` is not in consent.scope); the story is published without the profile card"));
                }
                Some(_) => talent = Some(id.clone()),
            }
        }
        if self.unpublished_by_date(&p.source, raw.draft, Some(&raw.date)) {
            return;
        }
        let Some(slug) = self.slug_for(&p, Kind::Story, raw.slug.as_deref(), slugs) else {
            return;
        };
        let image = match &raw.image {
            Some(v) => match self.resolve_image(&p, v, "image") {
                Some(src) => {
                    let name = src
                        .file_name()
                        .map(|n| n.to_string_lossy().to_string())
                        .unwrap_or_default();
                    Some(ImageRef {
                        source: src,
                        output: format!("stories/{slug}/{name}"),
                    })
                }
                None => return,
            },
            None => None,
        };
        self.bundle_assets(&p.source, &format!("stories/{slug}"), others);
        if let Some(img) = &image
            && !self.content.assets.iter().any(|a| a.source == img.source)
        {
            self.content.images.push(img.clone());
        }
        self.content.stories.push(Story {
            source: p.source,
            title: raw.title,
            date: raw.date,
            slug,
            summary: raw.summary,
            author: raw.author,
            talent,
            image,
            tags: raw.tags,
            draft: raw.draft,
            extra: raw.extra,
        });
    }

    fn gate_report(
        &mut self,
        raw: RawReport,
        source: Source,
        text: Arc<str>,
        slugs: &mut HashMap<(Kind, String, String), String>,
        others: &BTreeMap<PathBuf, Vec<PathBuf>>,
    ) {
        let p = File { source, text };
        // a session dated in the future is published only when announced
        let upcoming = raw.date.date_in(self.offset()) > self.opts.today;
        let announced = upcoming && raw.announce && !raw.draft;
        if !announced && self.unpublished_by_date(&p.source, raw.draft, Some(&raw.date)) {
            return;
        }
        if raw.number.is_some() && raw.series.is_none() {
            self.error(
                &p,
                "number",
                "`number:` needs `series:` (the number is the session's place in its series)"
                    .to_string(),
            );
            return;
        }
        let Some(slug) = self.slug_for(&p, Kind::Report, raw.slug.as_deref(), slugs) else {
            return;
        };
        self.bundle_assets(&p.source, &format!("reports/{slug}"), others);
        self.content.reports.push(Report {
            source: p.source,
            title: raw.title,
            date: raw.date,
            slug,
            series: raw.series,
            number: raw.number,
            venue: raw.venue,
            speakers: raw.speakers,
            organizations: raw.organizations,
            tags: raw.tags,
            draft: raw.draft,
            summary: raw.summary,
            upcoming,
            extra: raw.extra,
        });
    }

    fn gate_page(
        &mut self,
        raw: RawPage,
        source: Source,
        text: Arc<str>,
        slugs: &mut HashMap<(Kind, String, String), String>,
        others: &BTreeMap<PathBuf, Vec<PathBuf>>,
    ) {
        let p = File { source, text };
        if self.unpublished_by_date(&p.source, raw.draft, raw.date.as_ref()) {
            return;
        }
        let Some(slug) = self.slug_for(&p, Kind::Page, raw.slug.as_deref(), slugs) else {
            return;
        };
        if crate::names::RESERVED_ROOTS.contains(&slug.as_str()) {
            self.error(&p, "slug", format!("the page URL `/{slug}/` is reserved for the site's own lists; rename the file or set `slug:`"));
            return;
        }
        self.bundle_assets(&p.source, &slug, others);
        self.content.pages.push(Page {
            source: p.source,
            title: raw.title,
            date: raw.date,
            slug,
            draft: raw.draft,
            summary: raw.summary,
            extra: raw.extra,
        });
    }
}

/// `stories/a.en.md` or `stories/a/index.md` → `stories/a`.
pub(super) fn translation_key_of(content_path: &str, languages: &[String]) -> String {
    let mut stem = content_path.strip_suffix(".md").unwrap_or(content_path);
    if let Some((base, lang)) = stem.rsplit_once('.')
        && languages.iter().any(|l| l == lang)
    {
        stem = base;
    }
    stem.strip_suffix("/index").unwrap_or(stem).to_string()
}

pub(super) fn image_ext(p: &Path) -> String {
    match p
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("jpeg") | Some("jpg") => "jpg".to_string(),
        Some(other) => other.to_string(),
        None => "img".to_string(),
    }
}
