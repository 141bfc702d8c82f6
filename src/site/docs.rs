//! Documents: what each kind of gated content becomes before it is a page
//! (a talent becomes one document per site language).

use std::sync::Arc;

use super::model::PageData;
use super::urls;
use crate::content::date::Date;
use crate::content::{self, Kind, Source};

pub(super) struct Doc {
    pub(super) kind: Kind,
    /// Language of the body text (a talent without a translation shows the original).
    pub(super) body_lang: String,
    pub(super) source: Source,
    pub(super) title: String,
    pub(super) date: Option<Date>,
    pub(super) data: PageData,
}

/// A talent's documents: one per language of the site, with the
/// translated text where there is one and the original's elsewhere.
pub(super) fn talent_docs(
    t: Arc<content::Talent>,
    languages: &[String],
    default_lang: &str,
) -> Vec<Doc> {
    languages
        .iter()
        .map(|lang| {
            let (mut source, body_lang) = match t.translations.get(lang) {
                Some(tr) => (tr.source.clone(), lang.clone()),
                None => (t.source.clone(), t.source.lang.clone()),
            };
            source.lang = lang.clone();
            Doc {
                kind: Kind::Talent,
                title: t.display_name_in(lang, default_lang).to_string(),
                date: t.verified,
                body_lang,
                source,
                data: PageData::Talent(t.clone()),
            }
        })
        .collect()
}

pub(super) fn story_doc(mut s: content::Story) -> Doc {
    let source = std::mem::replace(&mut s.source, empty_source());
    Doc {
        kind: Kind::Story,
        body_lang: source.lang.clone(),
        title: s.title.clone(),
        date: Some(s.date),
        source,
        data: PageData::Story(s),
    }
}

pub(super) fn report_doc(mut r: content::Report) -> Doc {
    let source = std::mem::replace(&mut r.source, empty_source());
    Doc {
        kind: Kind::Report,
        body_lang: source.lang.clone(),
        title: r.title.clone(),
        date: Some(r.date),
        source,
        data: PageData::Report(r),
    }
}

pub(super) fn page_doc(mut p: content::Page) -> Doc {
    let source = std::mem::replace(&mut p.source, empty_source());
    Doc {
        kind: Kind::Page,
        body_lang: source.lang.clone(),
        title: p.title.clone(),
        date: p.date,
        source,
        data: PageData::Page(p),
    }
}

impl Doc {
    /// The page's site path (`/en/talents/t-1/`).
    pub(super) fn path(&self, default_lang: &str) -> String {
        let prefix = urls::lang_prefix(&self.source.lang, default_lang);
        let slug = match &self.data {
            PageData::Talent(t) => t.id.to_ascii_lowercase(),
            PageData::Story(s) => s.slug.clone(),
            PageData::Report(r) => r.slug.clone(),
            PageData::Page(p) => p.slug.clone(),
        };
        urls::doc_path(&prefix, self.kind, &slug)
    }
}

pub(super) fn empty_source() -> Source {
    Source {
        path: String::new(),
        content_path: String::new(),
        lang: String::new(),
        translation_key: String::new(),
        stem: String::new(),
        body: "".into(),
        body_line: 1,
        bundle_dir: None,
        hash: 0,
    }
}
