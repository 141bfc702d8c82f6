//! Talent profiles through the gatekeeper: ids, language codes and the
//! consent scope checked, the policy ([`super::publish`]) applied, the
//! photo found, and translations attached to the profiles they translate.

use std::collections::BTreeMap;

use super::gate::WithheldReason;
use super::gatekeeper::{BUILTIN_OPTIONAL, File, Gate, TalentStatus, image_ext};
use super::model::*;
use super::parse::{Doc, Parsed};
use super::publish::{Ctx, Published, publish};
use super::schema::*;
use crate::yaml;

impl Gate<'_> {
    pub(super) fn gate_talents(&mut self, talents: Vec<Parsed>) {
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

    /// `t-1.en.md` translates the text of `t-1.md`: its name, headline and
    /// body. Everything else, consent first, comes from the original, so a
    /// translation can never publish a person the original withholds.
    pub(super) fn attach_talent_translations(&mut self, files: Vec<Parsed>) {
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
}
