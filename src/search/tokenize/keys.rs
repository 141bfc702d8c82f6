//! Where a token lives in the sharded index: its key and the key's hash,
//! computed the same way by the browser.

/// The shard key of a word: its first two characters, so that every word
/// a prefix of two or more characters can match sits in one shard.
pub fn word_key(word: &str) -> &str {
    match word.char_indices().nth(2) {
        Some((i, _)) => &word[..i],
        None => word,
    }
}

/// FNV-1a over code points with a final avalanche (murmur3's fmix32); the
/// browser computes the same with `Math.imul`.
pub fn hash(key: &str) -> u32 {
    hash_chars(key.chars())
}

/// [`hash`] of the string these characters make.
pub fn hash_chars(chars: impl IntoIterator<Item = char>) -> u32 {
    fmix(chars.into_iter().fold(FNV_START, fnv))
}

/// The shard (of `n`) a key lives in.
pub fn shard_of(key: &str, n: u32) -> u32 {
    if n == 0 { 0 } else { hash(key) % n }
}

const FNV_START: u32 = 0x811c_9dc5;

#[inline]
fn fnv(h: u32, c: char) -> u32 {
    (h ^ c as u32).wrapping_mul(0x0100_0193)
}

#[inline]
fn fmix(mut h: u32) -> u32 {
    h ^= h >> 16;
    h = h.wrapping_mul(0x85eb_ca6b);
    h ^= h >> 13;
    h = h.wrapping_mul(0xc2b2_ae35);
    h ^= h >> 16;
    h
}
