//! The inverted index: postings built from documents' weighted fields,
//! encoded into shards.
//!
//! Three shard families, so that a query downloads only what it needs:
//!
//! * **term shards** (`t/<n>.bin`), by hash of the key: for every CJK bigram,
//!   every word, and every character found in more than a few phrases, the
//!   documents containing it with a weight. A two-character Japanese query,
//!   a common single character or a word query needs one shard per token.
//!   Words are keyed by their first two characters, so all words sharing a
//!   prefix (for prefix matching) live in one shard.
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
//! data grows with the site's distinct text, not its total text. Bigram
//! document lists are derived from the phrases too (a document holds a
//! bigram when one of its phrases does), so the build tokenises each page
//! once and never counts bigrams per page.
//!
//! Encoding ([`write_postings`]): unsigned LEB128 varints; document ids as
//! gaps, or as a bitmap when that is smaller (common bigrams are on most
//! pages); weights as 4-bit levels ([`WEIGHTS`](super::encode::WEIGHTS)), two to a byte, after the
//! ids. Each file is zlib-compressed by the caller. Everything is sorted,
//! so output is byte-identical from run to run, and nothing depends on the
//! number of threads.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::hash::Hasher;

use rayon::prelude::*;

use super::encode::{
    Buf, FxMap, Postings, clamp_weight, gap, write_entries, write_postings, write_postings_as,
};
use super::tokenize;

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

/// What one document contributes, before merging: every word and CJK run
/// it contains, as ranges of its normalised text (its fields one after
/// another, in one string rather than one allocation per field: a talent
/// has a dozen short fields), each with its field's weight. Nothing is
/// deduplicated per document: the merge adds up repeats, and bigrams are
/// derived later from the distinct phrases.
///
/// It owns its text and depends on nothing but the document's fields, so
/// the dev server keeps it between builds for documents that did not
/// change (tokenising is most of the index's cost).
#[derive(Debug, Default)]
pub struct Analysed {
    text: String,
    words: Vec<Entry>,
    phrases: Vec<Entry>,
}

/// A word or phrase of a document: a range of its text, and its weight.
#[derive(Debug, Clone, Copy)]
struct Entry {
    start: u32,
    end: u32,
    weight: u32,
}

impl Analysed {
    fn text(&self, e: &Entry) -> Hashed<'_> {
        let text = &self.text[e.start as usize..e.end as usize];
        Hashed {
            id: xxhash_rust::xxh3::xxh3_128(text.as_bytes()),
            text,
        }
    }
}

/// A word or phrase known by a 128-bit hash of its text (XXH3), computed
/// once per occurrence as it is merged. The merge compares these instead
/// of the texts: a phrase met on thousands of pages was otherwise compared
/// byte for byte each time (a tenth of the index's CPU time on the
/// benchmark). Two different texts of one site share a hash with a
/// probability near 10^-27, far below that of a flipped bit in memory.
#[derive(Debug, Clone, Copy)]
struct Hashed<'a> {
    id: u128,
    text: &'a str,
}

impl PartialEq for Hashed<'_> {
    fn eq(&self, o: &Self) -> bool {
        self.id == o.id
    }
}

impl Eq for Hashed<'_> {}

impl std::hash::Hash for Hashed<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.id as u64);
    }
}

fn pack(a: char, b: char) -> u64 {
    ((a as u64) << 32) | b as u64
}

fn unpack_chars(k: u64) -> [char; 2] {
    [
        char::from_u32((k >> 32) as u32).unwrap_or('\u{fffd}'),
        char::from_u32(k as u32).unwrap_or('\u{fffd}'),
    ]
}

fn unpack(k: u64) -> String {
    unpack_chars(k).iter().collect()
}

/// Tokenises a document.
pub fn analyse(doc: &DocText<'_>) -> Analysed {
    let len = doc.fields.iter().map(|(t, _)| t.len()).sum::<usize>();
    let mut a = Analysed {
        text: String::with_capacity(len),
        words: Vec::with_capacity(len / 24),
        phrases: Vec::with_capacity(len / 24),
    };
    for (raw, weight) in &doc.fields {
        let base = a.text.len();
        let (words, phrases) = (a.words.len(), a.phrases.len());
        let push = pusher(&mut a.words, &mut a.phrases, base, *weight);
        if !tokenize::scan_folding(raw, &mut a.text, push) {
            // more to normalise than one character at a time: drop what
            // the one-pass scan found and scan the normalised text
            a.words.truncate(words);
            a.phrases.truncate(phrases);
            let norm = tokenize::normalize(raw);
            a.text.push_str(&norm);
            tokenize::scan(&norm, pusher(&mut a.words, &mut a.phrases, base, *weight));
        }
    }
    a
}

/// What [`analyse`] does with each token of a field that starts at `base` in the document's text.
fn pusher<'a>(
    words: &'a mut Vec<Entry>,
    phrases: &'a mut Vec<Entry>,
    base: usize,
    weight: u32,
) -> impl FnMut(tokenize::Scanned) + 'a {
    move |s| {
        let e = Entry {
            start: (base + s.start) as u32,
            end: (base + s.end) as u32,
            weight,
        };
        if s.word {
            words.push(e);
        } else {
            phrases.push(e);
        }
    }
}

/// Adds a posting to a list built in document order, summing repeats.
fn add_posting(list: &mut Wide, doc: u32, weight: u32) {
    match list.last_mut() {
        Some(last) if last.0 == doc => last.1 = last.1.saturating_add(weight),
        _ => list.push((doc, weight)),
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

/// The postings of every distinct text among `entries` of all documents.
/// Each thread takes a contiguous range of documents into a map of its
/// own; the maps are then merged in document order, so every list comes
/// out sorted by document without sorting. (Scattering entries into
/// buckets by hash first and grouping each bucket, as this did before,
/// copied every entry once more: 20 % more CPU time for the index's
/// words and phrases on the 10,000-page benchmark.)
fn group<'a>(
    analysed: &[&'a Analysed],
    entries: impl Fn(&'a Analysed) -> &'a [Entry] + Sync,
) -> FxMap<Hashed<'a>, Wide> {
    let per = analysed
        .len()
        .div_ceil(rayon::current_num_threads().max(1))
        .max(1);
    let parts: Vec<FxMap<Hashed<'a>, Wide>> = analysed
        .par_chunks(per)
        .enumerate()
        .map(|(c, chunk)| {
            let mut m: FxMap<Hashed<'a>, Wide> = FxMap::default();
            for (j, a) in chunk.iter().enumerate() {
                let d = (c * per + j) as u32;
                for e in entries(a) {
                    add_posting(m.entry(a.text(e)).or_default(), d, e.weight);
                }
            }
            m
        })
        .collect();
    let mut parts = parts.into_iter();
    let mut all = parts.next().unwrap_or_default();
    for part in parts {
        for (k, mut v) in part {
            // later parts hold later documents: appending keeps the order
            all.entry(k).or_default().append(&mut v);
        }
    }
    all
}

/// Postings with unclamped weights, while building.
type Wide = Vec<(u32, u32)>;

/// A character in more phrases than this gets its own document list.
const COMMON_CHAR_PHRASES: usize = 4;

/// A set of documents as bits, 64 to a word.
fn set_bit(bits: &mut [u64], d: u32) {
    bits[d as usize / 64] |= 1 << (d % 64);
}

/// The documents in `bits`, in order, each with `weight(doc)`; clears `bits`.
fn take_bits(bits: &mut [u64], mut weight: impl FnMut(usize) -> u8) -> Postings {
    let count = bits.iter().map(|w| w.count_ones() as usize).sum();
    let mut p: Postings = Vec::with_capacity(count);
    for (i, word) in bits.iter_mut().enumerate() {
        let mut x = std::mem::take(word);
        while x != 0 {
            let d = i * 64 + x.trailing_zeros() as usize;
            p.push((d as u32, weight(d)));
            x &= x - 1;
        }
    }
    p
}

/// Sums phrase postings into document postings: a dense array per thread,
/// so each posting costs an addition, not a hash lookup, and a bitset of
/// the documents touched, read in order, so the list comes out sorted
/// without sorting it or scanning every document.
struct Accumulator {
    acc: Vec<u32>,
    touched: Vec<u64>,
}

impl Accumulator {
    fn new(docs: usize) -> Accumulator {
        Accumulator {
            acc: vec![0; docs],
            touched: vec![0; docs.div_ceil(64)],
        }
    }

    /// The documents of `phrases` (id, multiplicity), with summed weights.
    fn postings(
        &mut self,
        phrase_list: &[(&str, Wide)],
        phrases: impl Iterator<Item = (u32, u32)>,
    ) -> Postings {
        for (pid, n) in phrases {
            for &(d, w) in &phrase_list[pid as usize].1 {
                // no branch on whether the document is new: marking it
                // again is cheaper than a mispredicted test
                let slot = &mut self.acc[d as usize];
                *slot = slot.saturating_add(w.saturating_mul(n).max(1));
                set_bit(&mut self.touched, d);
            }
        }
        let acc = &mut self.acc;
        take_bits(&mut self.touched, |d| {
            clamp_weight(std::mem::take(&mut acc[d]))
        })
    }
}

/// Where a bigram occurs: (phrase id, offsets in the phrase), by phrase id.
type Occurrences = Vec<(u32, Vec<u32>)>;

/// Builds the encoded index of `docs` (document id = position).
pub fn build(docs: &[DocText<'_>], targets: Targets) -> Encoded {
    let analysed: Vec<Analysed> = docs.par_iter().map(analyse).collect();
    let refs: Vec<&Analysed> = analysed.iter().collect();
    build_from(&refs, targets)
}

/// [`build`] from documents already [`analyse`]d (document id = position).
pub fn build_from(analysed: &[&Analysed], targets: Targets) -> Encoded {
    // phrases: deduplicated across documents, ids in text order
    let mut phrase_list: Vec<(&str, Wide)> = group(analysed, |a| &a.phrases)
        .into_iter()
        .map(|(k, v)| (k.text, v))
        .collect();
    phrase_list.par_sort_unstable_by(|a, b| a.0.cmp(b.0));
    let phrase_count = phrase_list.len() as u32;

    // occurrences: bigram → (phrase, offsets); char → phrases
    let mut bigram_occ: BTreeMap<u64, Occurrences> = BTreeMap::new();
    let mut char_occ: BTreeMap<char, Vec<u32>> = BTreeMap::new();
    let mut chars: Vec<char> = Vec::new();
    let mut local: BTreeMap<u64, Vec<u32>> = BTreeMap::new();
    for (pid, (text, _)) in phrase_list.iter().enumerate() {
        let pid = pid as u32;
        chars.clear();
        chars.extend(text.chars());
        local.clear();
        for (i, w) in chars.windows(2).enumerate() {
            local.entry(pack(w[0], w[1])).or_default().push(i as u32);
        }
        for (k, offs) in std::mem::take(&mut local) {
            bigram_occ.entry(k).or_default().push((pid, offs));
        }
        chars.sort_unstable();
        chars.dedup();
        for &c in &chars {
            char_occ.entry(c).or_default().push(pid);
        }
    }
    let bigram_occ: Vec<(u64, Occurrences)> = bigram_occ.into_iter().collect();

    // bigram postings, derived from the phrases that contain each bigram: a
    // document's weight for a bigram is the sum over its phrases of phrase
    // weight × occurrences of the bigram in the phrase
    let n_docs = analysed.len();
    let bigram_postings: Vec<Postings> = bigram_occ
        .par_iter()
        .map_init(
            || Accumulator::new(n_docs),
            |acc, (_, list)| {
                acc.postings(
                    &phrase_list,
                    list.iter().map(|(pid, offs)| (*pid, offs.len() as u32)),
                )
            },
        )
        .collect();
    // characters in many phrases also get a document list, so a one-character
    // query (の, 猫) reads one list instead of the postings of every phrase
    let common_chars: Vec<(char, &Vec<u32>)> = char_occ
        .iter()
        .filter(|(_, l)| l.len() > COMMON_CHAR_PHRASES)
        .map(|(c, l)| (*c, l))
        .collect();
    // their lists carry no weights, so they are unions of sets: a phrase on
    // more documents than a bitset of the site has words is OR-ed in as a
    // bitset, word by word (common in sites whose pages share sentences)
    let words = n_docs.div_ceil(64);
    let dense: Vec<Option<Vec<u64>>> = phrase_list
        .par_iter()
        .map(|(_, p)| {
            (p.len() >= words).then(|| {
                let mut bits = vec![0u64; words];
                for &(d, _) in p {
                    set_bit(&mut bits, d);
                }
                bits
            })
        })
        .collect();
    let char_postings: Vec<Postings> = common_chars
        .par_iter()
        .map_init(
            || vec![0u64; words],
            |bits, (_, list)| {
                for &pid in list.iter() {
                    match &dense[pid as usize] {
                        Some(set) => bits.iter_mut().zip(set).for_each(|(a, b)| *a |= b),
                        None => {
                            for &(d, _) in &phrase_list[pid as usize].1 {
                                set_bit(bits, d);
                            }
                        }
                    }
                }
                take_bits(bits, |_| 0)
            },
        )
        .collect();
    drop(dense);

    // term shards: bigrams and words, by hash of the key
    let postings: usize = bigram_postings
        .iter()
        .chain(&char_postings)
        .map(Vec::len)
        .sum::<usize>()
        + analysed.iter().map(|a| a.words.len()).sum::<usize>();
    let n_terms = shard_count(postings * 2, targets.term_shard, 4096);
    // (key, postings, weighted) of bigrams and common characters, by shard
    let mut cjk_shards: Vec<Vec<(String, &Postings, bool)>> = vec![Vec::new(); n_terms as usize];
    for ((k, _), p) in bigram_occ.iter().zip(&bigram_postings) {
        let key = unpack(*k);
        cjk_shards[tokenize::shard_of(&key, n_terms) as usize].push((key, p, true));
    }
    // a common character is on most pages: its weights would be most of its bytes
    for ((c, _), p) in common_chars.iter().zip(&char_postings) {
        let key = c.to_string();
        cjk_shards[tokenize::shard_of(&key, n_terms) as usize].push((key, p, false));
    }
    // words: grouped like phrases, then each to the shard of its first two characters
    let mut word_shards: Vec<Vec<(&str, Wide)>> = vec![Vec::new(); n_terms as usize];
    for (k, p) in group(analysed, |a| &a.words) {
        let shard = tokenize::hash(tokenize::word_key(k.text)) % n_terms;
        word_shards[shard as usize].push((k.text, p));
    }
    let terms: Vec<Vec<u8>> = cjk_shards
        .into_par_iter()
        .zip(word_shards.into_par_iter())
        .map(|(cjk, words)| {
            let mut entries: Vec<(String, Buf)> = Vec::new();
            for (key, p, weighted) in cjk {
                let mut b = Buf::default();
                write_postings_as(&mut b, p, weighted);
                entries.push((key, b));
            }
            for (text, p) in words {
                let p: Postings = p.into_iter().map(|(d, w)| (d, clamp_weight(w))).collect();
                let mut b = Buf::default();
                write_postings(&mut b, &p);
                entries.push((text.to_string(), b));
            }
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            write_entries(&entries)
        })
        .collect();

    // occurrence shards
    let occ_total: usize = bigram_occ
        .iter()
        .map(|(_, v)| v.iter().map(|(_, o)| 2 + o.len()).sum::<usize>())
        .sum::<usize>()
        + char_occ.values().map(Vec::len).sum::<usize>();
    let n_occ = shard_count(occ_total * 2, targets.occ_shard, 1024);
    let mut occ_entries: Vec<Vec<(String, Buf)>> = vec![Vec::new(); n_occ as usize];
    for (k, list) in &bigram_occ {
        let key = unpack(*k);
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
        occ_entries[tokenize::shard_of(&key, n_occ) as usize].push((key, b));
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
        let p: Postings = postings
            .iter()
            .map(|&(d, w)| (d, clamp_weight(w)))
            .collect();
        write_postings(&mut cur, &p);
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

#[cfg(test)]
mod tests;
