//! The inverted index: postings built from documents' weighted fields,
//! encoded into shards.
//!
//! Three shard families, so that a query downloads only what it needs:
//!
//! * **term shards** (`t/<n>.bin`), by hash of the key: for every CJK bigram
//!   and every word, the documents containing it with a weight. A two-character
//!   Japanese query or a word query needs one shard per token. Words are keyed
//!   by their first two characters, so all words sharing a prefix (for prefix
//!   matching) live in one shard.
//! * **occurrence shards** (`o/<n>.bin`), by hash of the key: the *positions*
//!   of every bigram inside the distinct CJK runs of the site ("phrases":
//!   `ソフトウェアエンジニア`, `将来は通訳として…`), and for every single character
//!   the phrases containing it. A query of three or more characters matches a
//!   phrase only where its bigrams are adjacent: exact substring search, so
//!   `ソフトウェアエンジニア` does not match a page saying ソフトウェア here and
//!   エンジニア there.
//! * **phrase shards** (`p/<n>.bin`), contiguous ranges of phrase ids: each
//!   phrase's text (for excerpts) and the documents it occurs in.
//!
//! Positions are kept per distinct phrase, not per document: the same clause
//! written on many pages ("日本語はN2レベルです") is stored once, so position
//! data grows with the site's distinct text, not its total text.
//!
//! Encoding: unsigned LEB128 varints, document and phrase ids as gaps,
//! weights as one byte each after the gaps (they compress better apart);
//! each file is zlib-compressed by the caller. Everything is sorted, so
//! output is byte-identical from run to run.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasherDefault, Hasher};

use rayon::prelude::*;

use super::tokenize::{self, Token};

/// Field weights: a match in the title counts more than one in the body.
pub mod weight {
    /// The page title (a talent's display name).
    pub const TITLE: u32 = 16;
    /// A talent's headline, skills, desired roles; every page's tags.
    pub const KEY: u32 = 10;
    /// Other published facts: summary, regions, languages, speakers …
    pub const META: u32 = 4;
    /// Body text.
    pub const BODY: u32 = 1;
}

/// The text of one document, field by field, with each field's weight.
#[derive(Debug, Clone, Default)]
pub struct DocText<'a> {
    pub fields: Vec<(Cow<'a, str>, u32)>,
}

impl<'a> DocText<'a> {
    /// Adds a field (empty text is skipped).
    pub fn add(&mut self, text: impl Into<Cow<'a, str>>, weight: u32) {
        let text = text.into();
        if !text.trim().is_empty() {
            self.fields.push((text, weight));
        }
    }
}

/// A fast, deterministic hasher for in-memory maps (never for output order).
#[derive(Default, Clone, Copy)]
pub(crate) struct Fx(u64);

impl Hasher for Fx {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut b = [0u8; 8];
            b[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(b));
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn write_u32(&mut self, n: u32) {
        self.write_u64(n as u64)
    }
    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64)
    }
    fn write_u8(&mut self, n: u8) {
        self.write_u64(n as u64)
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

pub(crate) type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<Fx>>;

/// A byte buffer with varint helpers.
#[derive(Debug, Default, Clone)]
pub struct Buf(pub Vec<u8>);

impl Buf {
    /// Unsigned LEB128.
    pub fn uint(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.0.push((v as u8) | 0x80);
            v >>= 7;
        }
        self.0.push(v as u8);
    }
    /// A length-prefixed UTF-8 string.
    pub fn str(&mut self, s: &str) {
        self.uint(s.len() as u64);
        self.0.extend_from_slice(s.as_bytes());
    }
    /// Raw bytes.
    pub fn bytes(&mut self, b: &[u8]) {
        self.0.extend_from_slice(b);
    }
}

/// Documents with their weights: `(doc id, weight)`, ascending by id.
pub type Postings = Vec<(u32, u8)>;

fn clamp_weight(w: u32) -> u8 {
    w.min(255) as u8
}

/// Writes postings: count, id gaps, then weights.
pub fn write_postings(b: &mut Buf, p: &[(u32, u8)]) {
    b.uint(p.len() as u64);
    let mut prev: Option<u32> = None;
    for &(d, _) in p {
        b.uint(match prev {
            None => d as u64,
            Some(x) => (d - x - 1) as u64,
        });
        prev = Some(d);
    }
    for &(_, w) in p {
        b.0.push(w);
    }
}

/// What one document contributes, before merging.
struct Analysed {
    /// Bigram (two chars packed) → weight.
    bigrams: Vec<(u64, u32)>,
    words: Vec<(Box<str>, u32)>,
    phrases: Vec<(Box<str>, u32)>,
}

fn pack(a: char, b: char) -> u64 {
    ((a as u64) << 32) | b as u64
}

fn unpack(k: u64) -> String {
    let a = char::from_u32((k >> 32) as u32).unwrap_or('\u{fffd}');
    let b = char::from_u32(k as u32).unwrap_or('\u{fffd}');
    let mut s = String::with_capacity(8);
    s.push(a);
    s.push(b);
    s
}

fn analyse(doc: &DocText<'_>) -> Analysed {
    let mut bigrams: FxMap<u64, u32> = FxMap::default();
    let mut words: FxMap<&str, u32> = FxMap::default();
    let mut phrases: FxMap<&str, u32> = FxMap::default();
    let normalised: Vec<(Cow<'_, str>, u32)> = doc
        .fields
        .iter()
        .map(|(t, w)| (tokenize::normalize(t), *w))
        .collect();
    for (text, w) in &normalised {
        let w = *w;
        tokenize::for_each_token(text, |t| match t {
            Token::Word(x) => *words.entry(x).or_default() += w,
            Token::Cjk(run) => {
                *phrases.entry(run).or_default() += w;
                let mut it = run.chars();
                if let Some(mut prev) = it.next() {
                    for c in it {
                        *bigrams.entry(pack(prev, c)).or_default() += w;
                        prev = c;
                    }
                }
            }
        });
    }
    let mut bigrams: Vec<(u64, u32)> = bigrams.into_iter().collect();
    bigrams.sort_unstable();
    let mut words: Vec<(Box<str>, u32)> = words.into_iter().map(|(k, v)| (k.into(), v)).collect();
    words.sort_unstable();
    let mut phrases: Vec<(Box<str>, u32)> =
        phrases.into_iter().map(|(k, v)| (k.into(), v)).collect();
    phrases.sort_unstable();
    Analysed {
        bigrams,
        words,
        phrases,
    }
}

/// Shard counts and sizes chosen from the data.
#[derive(Debug, Clone, Copy)]
pub struct Targets {
    /// Raw bytes a term shard aims at.
    pub term_shard: usize,
    /// Raw bytes an occurrence shard aims at.
    pub occ_shard: usize,
    /// Raw bytes a phrase shard aims at.
    pub phrase_shard: usize,
}

impl Default for Targets {
    fn default() -> Targets {
        Targets {
            term_shard: 24 * 1024,
            occ_shard: 12 * 1024,
            phrase_shard: 12 * 1024,
        }
    }
}

/// The encoded index (uncompressed).
#[derive(Debug, Clone, Default)]
pub struct Encoded {
    /// Term shards, by shard number.
    pub terms: Vec<Vec<u8>>,
    /// Occurrence shards, by shard number.
    pub occs: Vec<Vec<u8>>,
    /// Phrase shards in id order, with the first phrase id of each.
    pub phrases: Vec<(u32, Vec<u8>)>,
    /// Distinct phrases.
    pub phrase_count: u32,
}

/// Power of two ≥ `total / target`, between 1 and `max`.
fn shard_count(total: usize, target: usize, max: u32) -> u32 {
    let want = total.div_ceil(target.max(1)).max(1);
    (want.next_power_of_two() as u32).min(max)
}

/// Builds the encoded index of `docs` (document id = position).
pub fn build(docs: &[DocText<'_>], targets: Targets) -> Encoded {
    let analysed: Vec<Analysed> = docs.par_iter().map(analyse).collect();

    // words and phrases: merge in document order, so postings come out sorted
    let mut words: FxMap<&str, Postings> = FxMap::default();
    let mut phrase_docs: FxMap<&str, Postings> = FxMap::default();
    let mut bigram_total = 0usize;
    for (d, a) in analysed.iter().enumerate() {
        let d = d as u32;
        for (w, wt) in &a.words {
            words.entry(w).or_default().push((d, clamp_weight(*wt)));
        }
        for (p, wt) in &a.phrases {
            phrase_docs
                .entry(p)
                .or_default()
                .push((d, clamp_weight(*wt)));
        }
        bigram_total += a.bigrams.len();
    }

    // term shards: bigrams and words, hashed
    let word_postings: usize = words.values().map(Vec::len).sum();
    let n_terms = shard_count((bigram_total + word_postings) * 2, targets.term_shard, 4096);
    // bigram entries scattered to shards in document order (postings stay sorted)
    let mut bigram_shards: Vec<Vec<(u64, u32, u8)>> = vec![Vec::new(); n_terms as usize];
    {
        let mut shard_cache: FxMap<u64, u32> = FxMap::default();
        for (d, a) in analysed.iter().enumerate() {
            for &(k, w) in &a.bigrams {
                let s = *shard_cache
                    .entry(k)
                    .or_insert_with(|| tokenize::shard_of(&unpack(k), n_terms));
                bigram_shards[s as usize].push((k, d as u32, clamp_weight(w)));
            }
        }
    }
    let mut word_shards: Vec<Vec<(&str, &Postings)>> = vec![Vec::new(); n_terms as usize];
    for (w, p) in &words {
        word_shards[tokenize::shard_of(tokenize::word_key(w), n_terms) as usize].push((w, p));
    }
    let terms: Vec<Vec<u8>> = bigram_shards
        .into_par_iter()
        .zip(word_shards.into_par_iter())
        .map(|(mut bigrams, mut words)| {
            // stable sort by key keeps document order within a key
            bigrams.sort_by_key(|e| e.0);
            words.sort_unstable_by(|a, b| a.0.cmp(b.0));
            let mut entries: Vec<(String, Buf)> = Vec::new();
            let mut i = 0;
            while i < bigrams.len() {
                let k = bigrams[i].0;
                let j = i + bigrams[i..].partition_point(|e| e.0 == k);
                let p: Postings = bigrams[i..j].iter().map(|e| (e.1, e.2)).collect();
                let mut b = Buf::default();
                write_postings(&mut b, &p);
                entries.push((unpack(k), b));
                i = j;
            }
            for (w, p) in words {
                let mut b = Buf::default();
                write_postings(&mut b, p);
                entries.push((w.to_string(), b));
            }
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            write_entries(&entries)
        })
        .collect();

    // phrases: ids in text order
    let mut phrase_list: Vec<(&str, Postings)> = phrase_docs.into_iter().collect();
    phrase_list.sort_unstable_by(|a, b| a.0.cmp(b.0));
    let phrase_count = phrase_list.len() as u32;

    // occurrences: bigram → (phrase, offsets); char → phrases
    let mut bigram_occ: BTreeMap<String, Vec<(u32, Vec<u32>)>> = BTreeMap::new();
    let mut char_occ: BTreeMap<char, Vec<u32>> = BTreeMap::new();
    for (pid, (text, _)) in phrase_list.iter().enumerate() {
        let pid = pid as u32;
        let chars: Vec<char> = text.chars().collect();
        let mut local: BTreeMap<u64, Vec<u32>> = BTreeMap::new();
        for (i, w) in chars.windows(2).enumerate() {
            local.entry(pack(w[0], w[1])).or_default().push(i as u32);
        }
        for (k, offs) in local {
            bigram_occ.entry(unpack(k)).or_default().push((pid, offs));
        }
        let mut seen: Vec<char> = chars.clone();
        seen.sort_unstable();
        seen.dedup();
        for c in seen {
            char_occ.entry(c).or_default().push(pid);
        }
    }
    let occ_total: usize = bigram_occ
        .values()
        .map(|v| v.iter().map(|(_, o)| 2 + o.len()).sum::<usize>())
        .sum::<usize>()
        + char_occ.values().map(Vec::len).sum::<usize>();
    let n_occ = shard_count(occ_total * 2, targets.occ_shard, 1024);
    let mut occ_entries: Vec<Vec<(String, Buf)>> = vec![Vec::new(); n_occ as usize];
    for (k, list) in &bigram_occ {
        let mut b = Buf::default();
        b.uint(list.len() as u64);
        let mut prev: Option<u32> = None;
        for (pid, offs) in list {
            b.uint(gap(prev, *pid));
            prev = Some(*pid);
            b.uint(offs.len() as u64);
            let mut po: Option<u32> = None;
            for &o in offs {
                b.uint(gap(po, o));
                po = Some(o);
            }
        }
        occ_entries[tokenize::shard_of(k, n_occ) as usize].push((k.clone(), b));
    }
    for (c, list) in &char_occ {
        let key = c.to_string();
        let mut b = Buf::default();
        b.uint(list.len() as u64);
        let mut prev: Option<u32> = None;
        for &pid in list {
            b.uint(gap(prev, pid));
            prev = Some(pid);
        }
        occ_entries[tokenize::shard_of(&key, n_occ) as usize].push((key, b));
    }
    let occs: Vec<Vec<u8>> = occ_entries
        .into_par_iter()
        .map(|mut e| {
            e.sort_by(|a, b| a.0.cmp(&b.0));
            write_entries(&e)
        })
        .collect();

    // phrase shards: contiguous ranges, closed when they reach the target size
    let mut phrases: Vec<(u32, Vec<u8>)> = Vec::new();
    let mut cur = Buf::default();
    let mut cur_first = 0u32;
    let mut cur_count = 0u32;
    let flush = |phrases: &mut Vec<(u32, Vec<u8>)>, cur: &mut Buf, first: u32, count: u32| {
        let mut b = Buf::default();
        b.uint(count as u64);
        b.bytes(&cur.0);
        phrases.push((first, b.0));
        cur.0.clear();
    };
    for (pid, (text, postings)) in phrase_list.iter().enumerate() {
        if cur_count == 0 {
            cur_first = pid as u32;
        }
        cur.str(text);
        write_postings(&mut cur, postings);
        cur_count += 1;
        if cur.0.len() >= targets.phrase_shard {
            flush(&mut phrases, &mut cur, cur_first, cur_count);
            cur_count = 0;
        }
    }
    if cur_count > 0 || phrases.is_empty() {
        flush(&mut phrases, &mut cur, cur_first, cur_count);
    }

    Encoded {
        terms,
        occs,
        phrases,
        phrase_count,
    }
}

fn gap(prev: Option<u32>, v: u32) -> u64 {
    match prev {
        None => v as u64,
        Some(p) => (v - p - 1) as u64,
    }
}

/// A shard of keyed entries: count, then per entry its key and its
/// length-prefixed payload (so the client can skip entries it does not need).
fn write_entries(entries: &[(String, Buf)]) -> Vec<u8> {
    let mut b = Buf::default();
    b.uint(entries.len() as u64);
    for (k, payload) in entries {
        b.str(k);
        b.uint(payload.0.len() as u64);
        b.bytes(&payload.0);
    }
    b.0
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Decodes what the encoder writes, as the browser does; for tests.
    pub struct Reader<'a> {
        pub b: &'a [u8],
        pub i: usize,
    }

    impl<'a> Reader<'a> {
        pub fn new(b: &'a [u8]) -> Reader<'a> {
            Reader { b, i: 0 }
        }
        pub fn uint(&mut self) -> u64 {
            let mut v = 0u64;
            let mut shift = 0;
            loop {
                let x = self.b[self.i];
                self.i += 1;
                v |= ((x & 0x7f) as u64) << shift;
                if x < 0x80 {
                    return v;
                }
                shift += 7;
            }
        }
        pub fn str(&mut self) -> String {
            let n = self.uint() as usize;
            let s = String::from_utf8(self.b[self.i..self.i + n].to_vec()).expect("utf-8");
            self.i += n;
            s
        }
        pub fn postings(&mut self) -> Postings {
            let n = self.uint() as usize;
            let mut ids = Vec::with_capacity(n);
            let mut prev: Option<u32> = None;
            for _ in 0..n {
                let g = self.uint() as u32;
                let d = match prev {
                    None => g,
                    Some(p) => p + g + 1,
                };
                ids.push(d);
                prev = Some(d);
            }
            let w = self.b[self.i..self.i + n].to_vec();
            self.i += n;
            ids.into_iter().zip(w).collect()
        }
        /// key → payload bytes.
        pub fn entries(&mut self) -> BTreeMap<String, Vec<u8>> {
            let n = self.uint();
            let mut out = BTreeMap::new();
            for _ in 0..n {
                let k = self.str();
                let len = self.uint() as usize;
                out.insert(k, self.b[self.i..self.i + len].to_vec());
                self.i += len;
            }
            out
        }
    }

    fn doc(fields: &[(&'static str, u32)]) -> DocText<'static> {
        let mut d = DocText::default();
        for (t, w) in fields {
            d.add(*t, *w);
        }
        d
    }

    fn term(enc: &Encoded, key: &str, shard_key: &str) -> Option<Postings> {
        let n = enc.terms.len() as u32;
        let shard = &enc.terms[tokenize::shard_of(shard_key, n) as usize];
        let e = Reader::new(shard).entries();
        e.get(key).map(|p| Reader::new(p).postings())
    }

    #[test]
    fn bigrams_and_words_with_weights() {
        let docs = vec![
            doc(&[("Python エンジニア", weight::TITLE)]),
            doc(&[("エンジニアとPythonとpython", weight::BODY)]),
            doc(&[("料理", weight::BODY)]),
        ];
        let enc = build(&docs, Targets::default());
        assert_eq!(term(&enc, "python", "py"), Some(vec![(0, 16), (1, 2)]));
        assert_eq!(term(&enc, "エン", "エン"), Some(vec![(0, 16), (1, 1)]));
        assert_eq!(term(&enc, "料理", "料理"), Some(vec![(2, 1)]));
        assert_eq!(term(&enc, "理料", "理料"), None);
    }

    #[test]
    fn weights_saturate_at_255() {
        let long = "ます ".repeat(400);
        let docs = vec![DocText {
            fields: vec![(Cow::Owned(long), weight::BODY)],
        }];
        let enc = build(&docs, Targets::default());
        assert_eq!(term(&enc, "ます", "ます"), Some(vec![(0, 255)]));
    }

    #[test]
    fn phrases_are_shared_and_positions_are_exact() {
        let docs = vec![
            doc(&[("ソフトウェアエンジニアです", weight::BODY)]),
            doc(&[("ソフトウェアの会社。エンジニア", weight::BODY)]),
            doc(&[("ソフトウェアエンジニアです", weight::TITLE)]),
        ];
        let enc = build(&docs, Targets::default());
        // phrases in text order: エンジニア, ソフトウェアの会社, ソフトウェアエンジニアです
        assert_eq!(enc.phrase_count, 3);
        let mut r = Reader::new(&enc.phrases[0].1);
        assert_eq!(r.uint(), 3);
        let mut texts = Vec::new();
        let mut posts = Vec::new();
        for _ in 0..3 {
            texts.push(r.str());
            posts.push(r.postings());
        }
        assert_eq!(
            texts,
            [
                "エンジニア",
                "ソフトウェアの会社",
                "ソフトウェアエンジニアです"
            ]
        );
        assert_eq!(posts[2], vec![(0, 1), (2, 16)], "one phrase, two documents");
        // the bigram アエ exists only inside phrase 2, at offset 5
        let n = enc.occs.len() as u32;
        let e = Reader::new(&enc.occs[tokenize::shard_of("アエ", n) as usize]).entries();
        let mut r = Reader::new(&e["アエ"]);
        assert_eq!(r.uint(), 1);
        assert_eq!((r.uint(), r.uint(), r.uint()), (2, 1, 5));
        // single characters list their phrases
        let e = Reader::new(&enc.occs[tokenize::shard_of("会", n) as usize]).entries();
        let mut r = Reader::new(&e["会"]);
        assert_eq!((r.uint(), r.uint()), (1, 1));
    }

    #[test]
    fn shard_counts_follow_the_data() {
        assert_eq!(shard_count(0, 100, 64), 1);
        assert_eq!(shard_count(250, 100, 64), 4);
        assert_eq!(shard_count(1_000_000, 1, 64), 64);
        let many: Vec<DocText<'static>> = (0..300)
            .map(|i| {
                let mut d = DocText::default();
                let (a, b) = (
                    char::from_u32(0x4E00 + i).unwrap_or('一'),
                    char::from_u32(0x5E00 + i).unwrap_or('一'),
                );
                d.add(format!("word{i} {a}{b}の文書"), weight::BODY);
                d
            })
            .collect();
        let small = Targets {
            term_shard: 512,
            occ_shard: 256,
            phrase_shard: 256,
        };
        let enc = build(&many, small);
        assert!(enc.terms.len() > 1 && enc.terms.len().is_power_of_two());
        assert!(enc.occs.len() > 1);
        assert!(enc.phrases.len() > 1);
        // phrase shards cover every id once, in order
        let mut next = 0;
        for (first, bytes) in &enc.phrases {
            assert_eq!(*first, next);
            next += Reader::new(bytes).uint() as u32;
        }
        assert_eq!(next, enc.phrase_count);
        // every word is in the shard of its first two characters
        for i in [0, 7, 299] {
            let w = format!("word{i}");
            assert_eq!(term(&enc, &w, "wo").map(|p| p[0].0), Some(i));
        }
    }

    #[test]
    fn output_is_deterministic() {
        let docs: Vec<DocText<'static>> = (0..50)
            .map(|i| {
                let mut d = DocText::default();
                d.add(format!("文書{i} doc{i} 共通の文"), weight::BODY);
                d
            })
            .collect();
        let a = build(&docs, Targets::default());
        let b = build(&docs, Targets::default());
        assert_eq!(a.terms, b.terms);
        assert_eq!(a.occs, b.occs);
        assert_eq!(a.phrases, b.phrases);
    }
}
