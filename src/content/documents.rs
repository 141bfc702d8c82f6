//! Stories, reports and pages through the gatekeeper: their consent and
//! dates, their URLs (slugs), their bundle files, the talents they link,
//! and translations that follow their originals.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Arc;

use super::date::Date;
use super::gate;
use super::gatekeeper::{File, Gate, IMAGE_EXTENSIONS, translation_key_of};
use super::model::*;
use super::schema::*;
use crate::yaml;

impl Gate<'_> {
    /// A story, report or page translated into another language is published
    /// only while its original is: the English version of a withheld story
    /// must not survive it.
    pub(super) fn translations_follow_originals(&mut self) {
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

    pub(super) fn gate_story(
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

    pub(super) fn gate_report(
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

    pub(super) fn gate_page(
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
