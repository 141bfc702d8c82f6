// tsunagi search: reading the index and matching a query (no dependencies, no DOM).
//
// The index is what the build wrote under <lang>/search-index/ (see src/search/mod.rs
// for the format): the manifest once, then only the shards a query needs. Tokenising
// mirrors src/search/tokenize.rs exactly: NFKC + lower case; CJK runs matched as
// exact substrings (bigrams, with positions for 3+ characters); other words by prefix.
// search.js drives the page with it; the tests run it in Node as well.

const FORMAT = 1;

// ---------------------------------------------------------------- tokenising

const CJK = /[\u3005-\u3007\u3041-\u3096\u3099-\u309F\u30A1-\u30FA\u30FC-\u30FF\u31F0-\u31FF\u3400-\u4DBF\u4E00-\u9FFF\uAC00-\uD7A3\uF900-\uFAFF\u{20000}-\u{3FFFF}]/u;
const ALNUM = /[\p{Alphabetic}\p{N}]/u;
const MARK = /[\u0300-\u036F\u0483-\u0489\u0591-\u05C7\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED\u0900-\u0903\u093A-\u094F\u0951-\u0957\u0962\u0963\u0981-\u0983\u09BC-\u09D7\u0E31\u0E34-\u0E3A\u0E47-\u0E4E\u1AB0-\u1AFF\u1DC0-\u1DFF\u200C\u200D\u20D0-\u20FF\uFE00-\uFE0F\uFE20-\uFE2F]/u;

export const isCjk = ch => CJK.test(ch);
const isWordStart = ch => ALNUM.test(ch) && !CJK.test(ch);

/** NFKC, then lower case: the spelling the index uses. */
export const normalize = s => s.normalize('NFKC').toLowerCase();

/** Tokens of normalised text: {word} or {cjk}, in order. */
export function tokens(norm) {
  const cps = Array.from(norm);
  const out = [];
  for (let i = 0; i < cps.length;) {
    const c = cps[i];
    if (isCjk(c)) {
      let j = i + 1;
      while (j < cps.length && isCjk(cps[j])) j++;
      out.push({ cjk: cps.slice(i, j).join('') });
      i = j;
    } else if (isWordStart(c)) {
      let j = i + 1;
      while (j < cps.length && (isWordStart(cps[j]) || MARK.test(cps[j]))) j++;
      // c++, c#: one or two '+', or one '#', before a non-word character
      let suffix = 0;
      if (cps[j] === '+' && cps[j + 1] === '+') suffix = 2;
      else if (cps[j] === '+' || cps[j] === '#') suffix = 1;
      const after = cps[j + suffix];
      if (suffix && !(after !== undefined && (isWordStart(after) || after === '+' || after === '#'))) j += suffix;
      out.push({ word: cps.slice(i, j).join('') });
      i = j;
    } else i++;
  }
  return out;
}

/** FNV-1a over code points with murmur3's final mix (src/search/tokenize.rs `hash`). */
export function hash(key) {
  let h = 0x811c9dc5;
  for (const ch of key) {
    h ^= ch.codePointAt(0);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A word's shard key: its first two characters. */
export const wordKey = w => Array.from(w).slice(0, 2).join('');

// ---------------------------------------------------------------- reading the index

const utf8 = new TextDecoder();
// weight levels → weights (src/search/index.rs `WEIGHTS`)
const WEIGHTS = [1, 2, 3, 4, 5, 6, 8, 10, 13, 16, 20, 26, 32, 48, 80, 128];

class Reader {
  constructor(bytes) { this.b = bytes; this.i = 0; }
  uint() {
    let v = 0, mul = 1, x;
    do { x = this.b[this.i++]; v += (x & 0x7f) * mul; mul *= 128; } while (x >= 0x80);
    return v;
  }
  str() { const n = this.uint(); const s = utf8.decode(this.b.subarray(this.i, this.i + n)); this.i += n; return s; }
  /** Postings: [ids, weights]. Ids as gaps or as a bitmap; weights as 4-bit levels, or none. */
  postings() {
    const n = this.uint();
    const ids = new Uint32Array(n);
    let weighted = true;
    if (n) {
      const mode = this.b[this.i++];
      weighted = !(mode & 2);
      if (mode & 1) {
        const first = this.uint(), len = this.uint();
        let k = 0;
        for (let j = 0; j < len; j++) {
          const x = this.b[this.i + j];
          if (x) for (let bit = 0; bit < 8; bit++) if (x & (1 << bit)) ids[k++] = first + j * 8 + bit;
        }
        this.i += len;
      } else {
        let prev = -1;
        for (let k = 0; k < n; k++) { prev += this.uint() + 1; ids[k] = prev; }
      }
    }
    const w = new Uint8Array(n);
    if (!weighted) return [ids, w.fill(WEIGHTS[0])];
    for (let k = 0; k < n; k++) { const x = this.b[this.i + (k >> 1)]; w[k] = WEIGHTS[k & 1 ? x >> 4 : x & 15]; }
    this.i += (n + 1) >> 1;
    return [ids, w];
  }
  /** A keyed shard: Map key → payload bytes. */
  entries() {
    const m = new Map();
    for (let n = this.uint(); n > 0; n--) {
      const k = this.str();
      const len = this.uint();
      m.set(k, this.b.subarray(this.i, this.i + len));
      this.i += len;
    }
    return m;
  }
}

/** The index of one language: fetches and caches files, counts bytes. */
export class Index {
  constructor(dir) {
    this.dir = dir.endsWith('/') ? dir : dir + '/';
    this.files = new Map();
    this.bytes = 0;
    this.arrived = 0;
  }
  async load() {
    // the page may have asked already (search.html, talents.html): that answer, once
    const url = this.dir + 'manifest.json';
    const early = globalThis.tsunagiEarly?.[url];
    if (early) delete globalThis.tsunagiEarly[url];
    const r = (early && await early) || await fetch(url, { cache: 'no-cache' });
    if (!r.ok) throw new Error(`manifest: HTTP ${r.status}`);
    const text = await r.text();
    this.bytes += text.length;
    this.m = JSON.parse(text);
    if (this.m.format !== FORMAT) throw new Error(`index format ${this.m.format}, expected ${FORMAT}`);
    return this;
  }
  /** A compressed file, inflated (cached, fetched once). */
  bin(name) {
    let p = this.files.get(name);
    if (!p) {
      p = (async () => {
        const r = await fetch(`${this.dir}${name}?v=${this.m.version}`);
        if (!r.ok) throw new Error(`${name}: HTTP ${r.status}`);
        const raw = await r.arrayBuffer();
        this.bytes += raw.byteLength;
        this.arrived = performance.now();
        const body = new Blob([raw]).stream().pipeThrough(new DecompressionStream('deflate'));
        return new Uint8Array(await new Response(body).arrayBuffer());
      })();
      p.catch(() => this.files.delete(name));
      this.files.set(name, p);
    }
    return p;
  }
  keyed(name) { return this.cached(name, b => new Reader(b).entries()); }
  cached(name, decode) {
    const key = 'decoded:' + name;
    let p = this.files.get(key);
    if (!p) { p = this.bin(name).then(decode); p.catch(() => this.files.delete(key)); this.files.set(key, p); }
    return p;
  }
  termShard(key) { return this.keyed(`t/${hash(key) % this.m.terms}.bin`); }
  occShard(key) { return this.keyed(`o/${hash(key) % this.m.occs}.bin`); }
  /** Phrase ids → {text, ids, weights} for each. */
  async phrases(pids) {
    const firsts = this.m.phrases;
    const shards = new Set();
    for (const p of pids) shards.add(upperBound(firsts, p) - 1);
    const decoded = await Promise.all([...shards].map(s => this.cached(`p/${s}.bin`, b => {
      const r = new Reader(b);
      const list = [];
      for (let n = r.uint(); n > 0; n--) { const text = r.str(); const [ids, w] = r.postings(); list.push({ text, ids, w }); }
      return { first: firsts[s], list };
    })));
    const out = new Map();
    for (const d of decoded) for (const p of pids) { const e = d.list[p - d.first]; if (e && p >= d.first) out.set(p, e); }
    return out;
  }
  /** What a result shows; its kind (`k`) comes from the document ranges of the manifest. */
  meta(doc) {
    const c = Math.floor(doc / this.m.chunk);
    return this.cached(`d/${c}.bin`, b => JSON.parse(utf8.decode(b))).then(list => ({ ...list[doc - c * this.m.chunk], k: this.kindOf(doc) }));
  }
  kindOf(doc) {
    for (const [k, [lo, hi]] of Object.entries(this.m.kinds)) if (doc >= lo && doc < hi) return k;
    return 'page';
  }
  facets(name) { return this.cached(`f/${name}.bin`, decodeFacets); }
}

export function upperBound(a, v) { let lo = 0, hi = a.length; while (lo < hi) { const m = (lo + hi) >> 1; if (a[m] <= v) lo = m + 1; else hi = m; } return lo; }

function decodeFacets(b) {
  const r = new Reader(b);
  const start = r.uint(), count = r.uint();
  const cols = new Map();
  for (let n = r.uint(); n > 0; n--) {
    const name = r.str(), mode = r.uint() === 1 ? 'all' : 'any';
    const values = [];
    for (let k = r.uint(); k > 0; k--) values.push({ key: r.str(), label: r.str() });
    const groups = [];
    for (let k = r.uint(); k > 0; k--) groups.push({ key: r.str(), label: r.str() });
    const off = new Uint32Array(count + 1);
    const vals = [];
    for (let d = 0; d < count; d++) {
      off[d] = vals.length;
      let prev = -1;
      for (let k = r.uint(); k > 0; k--) { prev += r.uint() + 1; vals.push(prev); }
    }
    off[count] = vals.length;
    cols.set(name, { name, mode, values, groups, start, count, off, vals: Uint32Array.from(vals) });
  }
  for (let n = r.uint(); n > 0; n--) {
    const name = r.str();
    const labels = new Map();
    for (let k = r.uint(); k > 0; k--) { const v = unzig(r.uint()); labels.set(v, r.str()); }
    const vals = new Float64Array(count);
    let prev = 0;
    for (let d = 0; d < count; d++) { const x = r.uint(); if (x === 0) vals[d] = NaN; else { prev += unzig(x - 1); vals[d] = prev; } }
    cols.set(name, { name, num: true, labels, start, count, vals });
  }
  return cols;
}
const unzig = v => (v % 2 ? -(v + 1) / 2 : v / 2);

/** The value ids of a document in a set column (empty outside its range). */
export function valuesOf(col, doc) {
  const d = doc - col.start;
  if (d < 0 || d >= col.count) return col.vals.subarray(0, 0);
  return col.vals.subarray(col.off[d], col.off[d + 1]);
}
export function numOf(col, doc) { const d = doc - col.start; return d < 0 || d >= col.count ? NaN : col.vals[d]; }

// ---------------------------------------------------------------- matching

const K1 = 4;
const sat = w => (w * (K1 + 1)) / (w + K1);
const PREFIX_FACTOR = 0.7;

/**
 * Documents matching every token of `query`: Map doc → score, plus the phrases
 * (text) matched per document, for excerpts. `null` when the query has no tokens.
 */
export async function match(index, query) {
  const toks = tokens(normalize(query));
  if (!toks.length) return null;
  const N = Math.max(index.m.docs, 1);
  const per = await Promise.all(toks.map(t => (t.word !== undefined ? matchWord(index, t.word) : matchCjk(index, t.cjk))));
  per.sort((a, b) => a.docs.size - b.docs.size);
  const scores = new Map();
  const phrases = new Map();
  const first = per[0];
  for (const [d, w] of first.docs) scores.set(d, w * idf(N, first.docs.size));
  for (const t of per.slice(1)) {
    const f = idf(N, t.docs.size);
    for (const [d, s] of scores) { const w = t.docs.get(d); if (w === undefined) scores.delete(d); else scores.set(d, s + w * f); }
  }
  for (const t of per) for (const [d, texts] of t.phrases || []) if (scores.has(d)) phrases.set(d, (phrases.get(d) || []).concat(texts));
  return { scores, phrases, tokens: toks };
}
const idf = (N, df) => Math.log(1 + (N - df + 0.5) / (df + 0.5));

async function matchWord(index, w) {
  const shard = await index.termShard(wordKey(w));
  const docs = new Map();
  const single = Array.from(w).length < 2;
  for (const [k, payload] of shard) {
    if (single ? k !== w : !k.startsWith(w)) continue;
    if (isCjk(Array.from(k)[0] || '')) continue;
    const f = k === w ? 1 : PREFIX_FACTOR;
    const [ids, ws] = new Reader(payload).postings();
    for (let i = 0; i < ids.length; i++) { const s = sat(ws[i]) * f; if (!(docs.get(ids[i]) >= s)) docs.set(ids[i], s); }
  }
  return { docs };
}

async function matchCjk(index, run) {
  const cps = Array.from(run);
  const docs = new Map();
  if (cps.length === 2) {
    const payload = (await index.termShard(run)).get(run);
    if (payload) { const [ids, ws] = new Reader(payload).postings(); for (let i = 0; i < ids.length; i++) docs.set(ids[i], sat(ws[i])); }
    return { docs };
  }
  // phrases containing the run: one character → its document list when it is common,
  // else its phrase list; more → phrases where its bigrams are adjacent by position
  let counts; // phrase id → occurrences of the run in it
  if (cps.length === 1) {
    const [terms, occs] = await Promise.all([index.termShard(run), index.occShard(run)]);
    const list = terms.get(run);
    if (list) {
      const [ids, ws] = new Reader(list).postings();
      for (let i = 0; i < ids.length; i++) docs.set(ids[i], sat(ws[i]));
      return { docs };
    }
    const payload = occs.get(run);
    counts = new Map();
    if (payload) { const r = new Reader(payload); let p = -1; for (let n = r.uint(); n > 0; n--) { p += r.uint() + 1; counts.set(p, 1); } }
  } else {
    const grams = [];
    for (let i = 0; i + 1 < cps.length; i++) grams.push(cps[i] + cps[i + 1]);
    const uniq = [...new Set(grams)];
    const lists = new Map();
    await Promise.all(uniq.map(async g => { lists.set(g, readOcc((await index.occShard(g)).get(g))); }));
    counts = adjacent(grams, lists);
  }
  if (!counts.size) return { docs };
  const phrases = await index.phrases([...counts.keys()]);
  const texts = new Map();
  for (const [pid, n] of counts) {
    const e = phrases.get(pid);
    if (!e) continue;
    for (let i = 0; i < e.ids.length; i++) {
      const d = e.ids[i];
      docs.set(d, (docs.get(d) || 0) + e.w[i] * n);
      const t = texts.get(d); if (t) { if (t.length < 3) t.push(e.text); } else texts.set(d, [e.text]);
    }
  }
  for (const [d, w] of docs) docs.set(d, sat(w));
  return { docs, phrases: texts };
}

/** Bigram occurrences: Map phrase id → offsets. */
function readOcc(payload) {
  const m = new Map();
  if (!payload) return m;
  const r = new Reader(payload);
  let p = -1;
  for (let n = r.uint(); n > 0; n--) {
    p += r.uint() + 1;
    const offs = [];
    let o = -1;
    for (let k = r.uint(); k > 0; k--) { o += r.uint() + 1; offs.push(o); }
    m.set(p, offs);
  }
  return m;
}

/** Phrases where grams[0..k] occur at consecutive offsets: Map phrase → count. */
export function adjacent(grams, lists) {
  let rare = 0;
  for (let i = 1; i < grams.length; i++) if (lists.get(grams[i]).size < lists.get(grams[rare]).size) rare = i;
  const out = new Map();
  for (const [p, offs] of lists.get(grams[rare])) {
    let n = 0;
    for (const o of offs) {
      const s = o - rare;
      if (s < 0) continue;
      let ok = true;
      for (let i = 0; i < grams.length && ok; i++) { if (i !== rare) { const l = lists.get(grams[i]).get(p); ok = !!l && l.includes(s + i); } }
      if (ok) n++;
    }
    if (n) out.set(p, n);
  }
  return out;
}

// ---------------------------------------------------------------- excerpts

/** The first of `sentences` holding a query token, cut to a window around the match. */
export function sentenceExcerpt(sentences, toks, width = 90) {
  if (!toks.length) return null;
  for (const s of sentences || []) {
    const r = ranges(s, toks);
    if (!r.length) continue;
    let start = 0;
    let end = s.length;
    if (end > width + 10) {
      start = Math.max(0, Math.min(r[0][0] - 30, end - width));
      // start and end at a space when one is near (English), else anywhere (Japanese)
      const before = s.lastIndexOf(' ', start);
      if (start > 0 && before >= 0 && start - before < 12) start = before + 1;
      end = start + width;
      const after = s.lastIndexOf(' ', end);
      if (end >= s.length - 10) end = s.length;
      else if (after > r[0][1] && end - after < 12) end = after;
      // never split a character written as two UTF-16 units
      if (start > 0 && /[\uDC00-\uDFFF]/.test(s[start])) start++;
      if (end < s.length && /[\uDC00-\uDFFF]/.test(s[end])) end--;
    }
    return `…${s.slice(start, end).trim()}…`;
  }
  return null;
}

/** Ranges [start, end) of `text` (original indices) matching query tokens. */
export function ranges(text, toks) {
  let norm = '';
  const map = [];
  for (let i = 0; i < text.length;) {
    const ch = String.fromCodePoint(text.codePointAt(i));
    const n = normalize(ch);
    for (let k = 0; k < n.length; k++) map.push(i);
    norm += n;
    i += ch.length;
  }
  map.push(text.length);
  const out = [];
  for (const tk of toks) {
    const needle = tk.word !== undefined ? tk.word : tk.cjk;
    if (!needle) continue;
    for (let at = norm.indexOf(needle); at >= 0; at = norm.indexOf(needle, at + 1)) {
      if (tk.word !== undefined && at > 0) {
        const before = Array.from(norm.slice(0, at)).pop();
        if (isWordStart(before) || MARK.test(before)) continue;
      }
      out.push([map[at], map[at + needle.length]]);
    }
  }
  out.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const merged = [];
  for (const r of out) { const l = merged[merged.length - 1]; if (l && r[0] <= l[1]) l[1] = Math.max(l[1], r[1]); else merged.push(r.slice()); }
  return merged;
}
