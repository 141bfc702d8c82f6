//! Taxonomies: tags, skills, languages, job categories, series, speakers,
//! organisations.
//!
//! Built in one pass over the pages. Terms that land on one URL (differing
//! only in case, width or punctuation: `UI/UX` and `ui/ux`) are merged and
//! listed under the spelling met first, in the site's stable page order.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use super::PageId;

/// The taxonomies a site has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TaxonomyKind {
    /// Tags of every kind of page.
    Tags,
    /// Talent skills.
    Skills,
    /// Talent languages (by ISO code).
    Languages,
    /// Talent job categories.
    JobCategories,
    /// Report series.
    Series,
    /// Report speakers.
    Speakers,
    /// Report organisations.
    Organizations,
}

impl TaxonomyKind {
    /// All, in display order.
    pub const ALL: [TaxonomyKind; 7] = [
        TaxonomyKind::Tags,
        TaxonomyKind::Skills,
        TaxonomyKind::Languages,
        TaxonomyKind::JobCategories,
        TaxonomyKind::Series,
        TaxonomyKind::Speakers,
        TaxonomyKind::Organizations,
    ];

    /// The URL segment.
    pub fn segment(self) -> &'static str {
        match self {
            TaxonomyKind::Tags => "tags",
            TaxonomyKind::Skills => "skills",
            TaxonomyKind::Languages => "languages",
            TaxonomyKind::JobCategories => "job-categories",
            TaxonomyKind::Series => "series",
            TaxonomyKind::Speakers => "speakers",
            TaxonomyKind::Organizations => "organizations",
        }
    }

    /// The snake_case name used in templates.
    pub fn name(self) -> &'static str {
        match self {
            TaxonomyKind::Tags => "tags",
            TaxonomyKind::Skills => "skills",
            TaxonomyKind::Languages => "languages",
            TaxonomyKind::JobCategories => "job_categories",
            TaxonomyKind::Series => "series",
            TaxonomyKind::Speakers => "speakers",
            TaxonomyKind::Organizations => "organizations",
        }
    }
}

/// Index of a term within its taxonomy.
pub type TermId = usize;

/// One term and the pages that carry it.
#[derive(Debug, Clone, PartialEq)]
pub struct Term {
    /// The first spelling met.
    pub name: String,
    /// URL segment.
    pub slug: String,
    /// Path of the term page (`/tags/エンジニア/`).
    pub path: String,
    /// Pages, in the order the caller sorts them.
    pub pages: Vec<PageId>,
    /// True when any page is a talent (the term page gets `noindex`).
    pub has_talents: bool,
}

/// One taxonomy in one language.
#[derive(Debug, Clone, PartialEq)]
pub struct Taxonomy {
    /// Which taxonomy.
    pub kind: TaxonomyKind,
    /// Language.
    pub lang: String,
    /// Path of the term index (`/tags/`).
    pub path: String,
    /// Terms sorted by name.
    pub terms: Vec<Term>,
    /// Every spelling met (trimmed) → its term in `terms`: pages and cards
    /// link their terms by name, and slugging a name (Unicode
    /// normalisation) for every link cost more than the rest of the link.
    by_name: HashMap<String, TermId>,
}

impl Taxonomy {
    /// The term a page's `name` (as written in its front matter) belongs to.
    pub fn term(&self, name: &str) -> Option<&Term> {
        let name = name.trim();
        match self.by_name.get(name) {
            Some(&id) => self.terms.get(id),
            None => {
                let slug = crate::slug::term_slug(name);
                self.terms.iter().find(|t| t.slug == slug)
            }
        }
    }
}

/// The names a theme gives to the keys of job categories, series, tags and
/// skills (`education` shows as 教育 in Japanese and Education in English), by the
/// URL slug of each key and each name. A writer who writes the name where
/// the key was meant (`job_categories: [教育]`, or `Education`) means the
/// same term; without this the site had two terms, both shown as 教育, one
/// without any translation. A key's own spelling always means that key (a
/// name that slugs like another key does not take it over), and a name two
/// keys share is left alone: which key was meant is unknown.
#[derive(Debug, Clone, Default)]
pub struct TermNames {
    by_kind: HashMap<TaxonomyKind, HashMap<String, Meant>>,
    /// Each key with its names in every language, in order, for the check
    /// of near-duplicates ([`super::lint`]).
    named: BTreeMap<TaxonomyKind, BTreeMap<String, Vec<String>>>,
}

/// What a slug stands for.
#[derive(Debug, Clone)]
enum Meant {
    /// A key, spelt so or differing only in case, width or punctuation.
    Key(String),
    /// A name of one key, or (`None`) of several.
    Name(Option<String>),
}

impl TermNames {
    /// Records that `key` of `kind` is shown as `name` (in some language).
    pub fn add(&mut self, kind: TaxonomyKind, key: &str, name: &str) {
        let key = key.trim();
        let key_slug = crate::slug::term_slug(key);
        if key_slug.is_empty() {
            return;
        }
        let names = self
            .named
            .entry(kind)
            .or_default()
            .entry(key.to_string())
            .or_default();
        let name = name.trim();
        if !name.is_empty() && !names.iter().any(|n| n == name) {
            names.push(name.to_string());
        }
        let slugs = self.by_kind.entry(kind).or_default();
        let name_slug = crate::slug::term_slug(name);
        // the key itself first: it outranks any name with its slug
        let meant = slugs
            .entry(key_slug.clone())
            .or_insert_with(|| Meant::Key(key.to_string()));
        if !matches!(meant, Meant::Key(_)) {
            *meant = Meant::Key(key.to_string());
        }
        if name_slug.is_empty() || name_slug == key_slug {
            return;
        }
        let meant = slugs
            .entry(name_slug)
            .or_insert_with(|| Meant::Name(Some(key.to_string())));
        // a second key with this name: which one a writer means is unknown
        if matches!(meant, Meant::Name(Some(k)) if k != key) {
            *meant = Meant::Name(None);
        }
    }

    /// The keys of `kind` that have names, each with its names (every
    /// language's, in the order met), sorted by key.
    pub fn named(&self, kind: TaxonomyKind) -> Option<&BTreeMap<String, Vec<String>>> {
        self.named.get(&kind).filter(|m| !m.is_empty())
    }

    /// True when `name` (as a page writes it) is a named key of `kind` or
    /// the name of exactly one: the site names it.
    pub fn is_named(&self, kind: TaxonomyKind, name: &str) -> bool {
        self.key(kind, &crate::slug::term_slug(name.trim()))
            .is_some()
    }

    /// The key that `slug` stands for: a key's own slug, or the slug of
    /// exactly one key's name.
    fn key(&self, kind: TaxonomyKind, slug: &str) -> Option<&str> {
        match self.by_kind.get(&kind)?.get(slug)? {
            Meant::Key(k) => Some(k),
            Meant::Name(k) => k.as_deref(),
        }
    }
}

/// Collects terms while pages are visited in order.
#[derive(Debug, Default)]
pub struct Builder {
    terms: Vec<Term>,
    by_slug: HashMap<String, TermId>,
    /// Spellings already seen: a term written 5,000 times is slugged once.
    by_name: HashMap<String, TermId>,
}

impl Builder {
    /// Adds `page` under `name` (or the key `name` is a name of, in
    /// `names`); returns the term's id.
    pub fn add(
        &mut self,
        prefix: &str,
        kind: TaxonomyKind,
        names: &TermNames,
        name: &str,
        page: PageId,
        is_talent: bool,
    ) -> Option<TermId> {
        let name = name.trim();
        if name.is_empty() {
            return None;
        }
        let id = match self.by_name.get(name) {
            Some(&id) => id,
            None => {
                let mut slug = crate::slug::term_slug(name);
                // a name written for its key: the key's term, spelt as the key
                let term_name = match names.key(kind, &slug) {
                    Some(key) => {
                        slug = crate::slug::term_slug(key);
                        key
                    }
                    None => name,
                };
                let id = *self.by_slug.entry(slug.clone()).or_insert_with(|| {
                    self.terms.push(Term {
                        name: term_name.to_string(),
                        path: format!("{prefix}/{}/{slug}/", kind.segment()),
                        slug,
                        pages: Vec::new(),
                        has_talents: false,
                    });
                    self.terms.len() - 1
                });
                self.by_name.insert(name.to_string(), id);
                id
            }
        };
        let term = &mut self.terms[id];
        if term.pages.last() != Some(&page) {
            term.pages.push(page);
        }
        term.has_talents |= is_talent;
        Some(id)
    }

    /// Finishes: terms sorted by name (then slug), with a map old id → new id.
    pub fn finish(self, kind: TaxonomyKind, lang: &str, prefix: &str) -> (Taxonomy, Vec<TermId>) {
        let mut order: Vec<TermId> = (0..self.terms.len()).collect();
        order.sort_by(|&a, &b| {
            let (ta, tb) = (&self.terms[a], &self.terms[b]);
            ta.name
                .to_lowercase()
                .cmp(&tb.name.to_lowercase())
                .then_with(|| ta.slug.cmp(&tb.slug))
        });
        let mut remap = vec![0; order.len()];
        for (new, &old) in order.iter().enumerate() {
            remap[old] = new;
        }
        let mut terms: Vec<Option<Term>> = self.terms.into_iter().map(Some).collect();
        let sorted = order.iter().filter_map(|&i| terms[i].take()).collect();
        let by_name = self
            .by_name
            .into_iter()
            .map(|(name, old)| (name, remap[old]))
            .collect();
        (
            Taxonomy {
                kind,
                lang: lang.to_string(),
                path: format!("{prefix}/{}/", kind.segment()),
                terms: sorted,
                by_name,
            },
            remap,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merges_spellings_under_the_first() {
        let (mut b, none) = (Builder::default(), TermNames::default());
        b.add("", TaxonomyKind::Skills, &none, "UI/UX", 0, true);
        b.add("", TaxonomyKind::Skills, &none, "ui/ux", 1, true);
        b.add("", TaxonomyKind::Skills, &none, "ＵＩ／ＵＸ", 2, true);
        b.add("", TaxonomyKind::Skills, &none, "Python", 1, true);
        let (t, _) = b.finish(TaxonomyKind::Skills, "ja", "");
        assert_eq!(t.terms.len(), 2);
        assert_eq!(t.terms[1].name, "UI/UX");
        assert_eq!(t.terms[1].pages, [0, 1, 2]);
        assert_eq!(t.terms[1].path, "/skills/ui-ux/");
        assert_eq!(t.terms[0].name, "Python");
        // a page's spelling finds its term; so does one no page wrote
        let term = |name: &str| t.term(name).map(|x| x.name.as_str());
        assert_eq!(term("ＵＩ／ＵＸ"), Some("UI/UX"));
        assert_eq!(term(" Python "), Some("Python"));
        assert_eq!(term("UI / UX"), Some("UI/UX"));
        assert_eq!(term("Rust"), None);
    }

    #[test]
    fn japanese_terms_keep_their_script() {
        let (mut b, none) = (Builder::default(), TermNames::default());
        b.add("/en", TaxonomyKind::Tags, &none, "エンジニア", 0, false);
        let (t, _) = b.finish(TaxonomyKind::Tags, "en", "/en");
        assert_eq!(t.terms[0].path, "/en/tags/エンジニア/");
        assert!(!t.terms[0].has_talents);
    }

    #[test]
    fn a_name_written_for_its_key_is_the_keys_term() {
        let mut names = TermNames::default();
        names.add(TaxonomyKind::JobCategories, "education", "教育");
        names.add(TaxonomyKind::JobCategories, "education", "Education");
        // one name for two keys: which was meant is unknown
        names.add(TaxonomyKind::JobCategories, "nursing-care", "介護");
        names.add(TaxonomyKind::JobCategories, "caregiving", "介護");
        let kind = TaxonomyKind::JobCategories;
        let mut b = Builder::default();
        b.add("", kind, &names, "教育", 0, true);
        b.add("", kind, &names, "education", 1, true);
        b.add("", kind, &names, " EDUCATION ", 2, true);
        b.add("", kind, &names, "介護", 3, true);
        b.add("", kind, &names, "nursing-care", 3, true);
        // a name that slugs like another key does not take that key over
        names.add(kind, "design", "Design");
        names.add(kind, "ux-design", "Design");
        b.add("", kind, &names, "design", 4, true);
        b.add("", kind, &names, "ux-design", 5, true);
        // names are per taxonomy: a tag 教育 stays a tag 教育
        let mut tags = Builder::default();
        tags.add("", TaxonomyKind::Tags, &names, "教育", 0, false);
        let (t, _) = b.finish(kind, "ja", "");
        let terms: Vec<(&str, &str, &[usize])> = t
            .terms
            .iter()
            .map(|x| (x.name.as_str(), x.path.as_str(), x.pages.as_slice()))
            .collect();
        assert_eq!(
            terms,
            [
                ("design", "/job-categories/design/", &[4][..]),
                ("education", "/job-categories/education/", &[0, 1, 2][..]),
                ("nursing-care", "/job-categories/nursing-care/", &[3][..]),
                ("ux-design", "/job-categories/ux-design/", &[5][..]),
                ("介護", "/job-categories/介護/", &[3][..]),
            ]
        );
        assert_eq!(t.term("教育").map(|x| x.name.as_str()), Some("education"));
        // the key's spelling, whichever comes first: names are looked up by key
        let mut c = Builder::default();
        c.add("", kind, &names, "Education", 0, true);
        let (c, _) = c.finish(kind, "ja", "");
        assert_eq!(c.terms[0].name, "education");
        let (tags, _) = tags.finish(TaxonomyKind::Tags, "ja", "");
        assert_eq!(tags.terms[0].path, "/tags/教育/");
    }
}
