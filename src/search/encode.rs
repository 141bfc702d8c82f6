//! The byte-level encoding shared by every index file, and the small
//! in-memory helpers the builders use.
//!
//! Why this encoding: the browser decodes it with a few lines of
//! JavaScript (`Reader` in search-match.js), it has no alignment or endianness
//! to get wrong, and it compresses well. Unsigned LEB128 varints; strings
//! length-prefixed UTF-8; postings as count, ids (gaps or a bitmap, whichever
//! is smaller), then 4-bit weight levels two to a byte; keyed shards as
//! count, then key and length-prefixed payload per entry, so a reader can
//! skip what it does not need.

use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasherDefault, Hasher};

/// A fast, deterministic hasher for in-memory maps (never for output order).
#[derive(Default, Clone, Copy)]
pub struct Fx(u64);

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

pub type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<Fx>>;

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

/// The weights a posting can carry, as 4-bit levels: a match in the title
/// (16) still outranks eight in the body, and two weights fit in a byte.
/// The browser maps a level back with the same table.
pub const WEIGHTS: [u32; 16] = [1, 2, 3, 4, 5, 6, 8, 10, 13, 16, 20, 26, 32, 48, 80, 128];

/// The level of a summed weight: the largest table entry not above it.
/// Weights below 128 (nearly all) are looked up in a table made at compile
/// time: a binary search for each of millions of postings was a twentieth
/// of the index's time.
#[inline]
pub fn clamp_weight(w: u32) -> u8 {
    const LEVELS: [u8; 128] = {
        let mut t = [0u8; 128];
        let mut w = 0;
        while w < 128 {
            let mut level = 0;
            while level + 1 < WEIGHTS.len() && WEIGHTS[level + 1] <= w as u32 {
                level += 1;
            }
            t[w] = level as u8;
            w += 1;
        }
        t
    };
    match LEVELS.get(w as usize) {
        Some(&l) => l,
        None => (WEIGHTS.len() - 1) as u8,
    }
}

/// Writes postings: count; then document ids, as gaps or, when that is
/// smaller (a bigram on most pages), as a bitmap from the first id; then
/// the weight levels, two to a byte.
pub fn write_postings(b: &mut Buf, p: &[(u32, u8)]) {
    write_postings_as(b, p, true);
}

/// [`write_postings`], without weights when `weighted` is false (mode bit 2;
/// every weight reads as level 0): for lists where ranking adds little and
/// weights would be most of the bytes, like a common character's.
pub fn write_postings_as(b: &mut Buf, p: &[(u32, u8)], weighted: bool) {
    let unweighted = if weighted { 0 } else { 2 };
    b.uint(p.len() as u64);
    let (Some(first), Some(last)) = (p.first(), p.last()) else {
        return;
    };
    let bitmap_len = ((last.0 - first.0) as usize + 1).div_ceil(8);
    b.0.reserve(1 + p.len() + p.len().div_ceil(2) + 8);
    // every gap takes at least a byte: a list longer than its bitmap (a
    // bigram on most pages) is a bitmap without trying the gaps
    let mode_at = b.0.len();
    let mut gaps_win = false;
    if bitmap_len + 4 >= p.len() {
        // the gaps, written in place; taken back if the bitmap is smaller
        b.0.push(unweighted);
        let mut prev: Option<u32> = None;
        for &(d, _) in p {
            b.uint(gap(prev, d));
            prev = Some(d);
        }
        gaps_win = bitmap_len + 4 >= b.0.len() - mode_at - 1;
        if !gaps_win {
            b.0.truncate(mode_at);
        }
    }
    if !gaps_win {
        b.0.push(1 | unweighted);
        b.uint(first.0 as u64);
        b.uint(bitmap_len as u64);
        let at = b.0.len();
        b.0.resize(at + bitmap_len, 0);
        for &(d, _) in p {
            let bit = (d - first.0) as usize;
            b.0[at + bit / 8] |= 1 << (bit % 8);
        }
    }
    if !weighted {
        return;
    }
    for pair in p.chunks(2) {
        let hi = pair.get(1).map_or(0, |x| x.1);
        b.0.push((pair[0].1 & 15) | (hi << 4));
    }
}

pub fn gap(prev: Option<u32>, v: u32) -> u64 {
    match prev {
        None => v as u64,
        Some(p) => (v - p - 1) as u64,
    }
}

/// A shard of keyed entries: count, then per entry its key and its
/// length-prefixed payload (so the client can skip entries it does not need).
pub fn write_entries(entries: &[(String, Buf)]) -> Vec<u8> {
    let mut b = Buf::default();
    b.uint(entries.len() as u64);
    for (k, payload) in entries {
        b.str(k);
        b.uint(payload.0.len() as u64);
        b.bytes(&payload.0);
    }
    b.0
}

/// Decodes what the encoder writes, as the browser's `search-match.js` does:
/// for the unit and integration tests, which check the index through it
/// rather than through the writer's own structures.
///
/// # Panics
///
/// On bytes this encoder did not write (a test failure, then).
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
    /// Skips `n` bytes.
    pub fn skip(&mut self, n: usize) {
        self.i += n;
    }
    pub fn str(&mut self) -> String {
        let n = self.uint() as usize;
        let s = String::from_utf8(self.b[self.i..self.i + n].to_vec()).expect("utf-8");
        self.i += n;
        s
    }
    /// (document, weight level).
    pub fn postings(&mut self) -> Postings {
        let n = self.uint() as usize;
        let mut ids = Vec::with_capacity(n);
        let mut weighted = true;
        if n > 0 {
            let mode = self.b[self.i];
            self.i += 1;
            weighted = mode & 2 == 0;
            if mode & 1 == 1 {
                let first = self.uint() as u32;
                let len = self.uint() as usize;
                for j in 0..len * 8 {
                    if self.b[self.i + j / 8] & (1 << (j % 8)) != 0 {
                        ids.push(first + j as u32);
                    }
                }
                self.i += len;
            } else {
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
            }
        }
        if !weighted {
            return ids.into_iter().map(|d| (d, 0)).collect();
        }
        let w: Vec<u8> = (0..n)
            .map(|k| {
                let x = self.b[self.i + k / 2];
                if k % 2 == 1 { x >> 4 } else { x & 15 }
            })
            .collect();
        self.i += n.div_ceil(2);
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

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    #[test]
    fn weights_are_four_bit_levels() {
        assert_eq!(clamp_weight(0), 0);
        assert_eq!(clamp_weight(1), 0);
        assert_eq!(clamp_weight(7), 5);
        assert_eq!(clamp_weight(10), 7);
        assert_eq!(clamp_weight(16), 9);
        assert_eq!(clamp_weight(10_000), 15);
        assert_eq!(clamp_weight(127), 14);
        assert_eq!(clamp_weight(128), 15);
        // the table agrees with the definition everywhere
        for w in 0..1000u32 {
            let by_search = WEIGHTS.partition_point(|&x| x <= w).saturating_sub(1) as u8;
            assert_eq!(clamp_weight(w), by_search, "{w}");
        }
        assert!(WEIGHTS.windows(2).all(|w| w[0] < w[1]));
    }

    /// Around the point where a bitmap becomes smaller than the gaps: the
    /// bitmap is written when it is more than four bytes smaller (what the
    /// client's decoder is told by the mode byte), and either reads back.
    #[test]
    fn gaps_or_bitmap_by_size_and_both_read_back() {
        for step in 1..40u32 {
            for n in [1usize, 2, 7, 8, 9, 50, 300] {
                let p: Postings = (0..n as u32).map(|i| (5 + i * step, 3)).collect();
                let mut gaps = Buf::default();
                let mut prev = None;
                for &(d, _) in &p {
                    gaps.uint(gap(prev, d));
                    prev = Some(d);
                }
                let bitmap_len = ((p[n - 1].0 - p[0].0) as usize + 1).div_ceil(8);
                let mut b = Buf::default();
                write_postings(&mut b, &p);
                let mut head = Buf::default();
                head.uint(n as u64);
                let mode = b.0[head.0.len()];
                assert_eq!(mode == 1, bitmap_len + 4 < gaps.0.len(), "step {step}, {n}");
                let mut r = Reader::new(&b.0);
                assert_eq!(r.postings(), p, "step {step}, {n}");
            }
        }
    }

    #[test]
    fn dense_postings_are_bitmaps_sparse_ones_gaps() {
        let dense: Postings = (100..400).map(|d| (d, (d % 16) as u8)).collect();
        let sparse: Postings = vec![(3, 1), (5000, 2), (90_000, 15)];
        // without weights: ids only, read back at level 0
        for p in [&dense, &sparse] {
            let mut b = Buf::default();
            write_postings_as(&mut b, p, false);
            let mut r = Reader::new(&b.0);
            let back: Vec<u32> = r.postings().iter().map(|x| x.0).collect();
            assert_eq!(back, p.iter().map(|x| x.0).collect::<Vec<_>>());
            assert_eq!(r.i, b.0.len());
        }
        for p in [dense.clone(), sparse.clone(), vec![(7, 3)], Vec::new()] {
            let mut b = Buf::default();
            write_postings(&mut b, &p);
            let mut r = Reader::new(&b.0);
            assert_eq!(r.postings(), p);
            assert_eq!(r.i, b.0.len(), "read to the end");
        }
        let size = |p: &Postings| {
            let mut b = Buf::default();
            write_postings(&mut b, p);
            b.0.len()
        };
        // 300 ids in 38 bytes of bitmap instead of 300 one-byte gaps; weights 150 bytes
        assert!(size(&dense) < 200, "{}", size(&dense));
        assert_eq!(size(&sparse), 1 + 1 + (1 + 2 + 3) + 2);
    }
}
