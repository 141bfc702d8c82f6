// tsunagi search: the in-browser half of src/search (no dependencies, no build step).
//
// Loaded only by the search page and the talent directory. It reads the index the
// build wrote under <lang>/search-index/ (see src/search/mod.rs for the format),
// fetching the manifest once and then only the shards a query needs. Tokenising
// mirrors src/search/tokenize.rs exactly: NFKC + lower case; CJK runs matched as
// exact substrings (bigrams, with positions for 3+ characters); other words by prefix.
// Everything from the index is inserted with textContent / DOM nodes, never as HTML.

import * as shortlist from './shortlist.js';

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
    const early = self.tsunagiEarly?.[url];
    if (early) delete self.tsunagiEarly[url];
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

function upperBound(a, v) { let lo = 0, hi = a.length; while (lo < hi) { const m = (lo + hi) >> 1; if (a[m] <= v) lo = m + 1; else hi = m; } return lo; }

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
function valuesOf(col, doc) {
  const d = doc - col.start;
  if (d < 0 || d >= col.count) return col.vals.subarray(0, 0);
  return col.vals.subarray(col.off[d], col.off[d + 1]);
}
function numOf(col, doc) { const d = doc - col.start; return d < 0 || d >= col.count ? NaN : col.vals[d]; }

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

// ---------------------------------------------------------------- the page

if (typeof document !== 'undefined') {
  for (const root of document.querySelectorAll('[data-search-index]')) start(root).catch(err => fail(root, err));
}

function fail(root, err) {
  root.dataset.state = 'error';
  const status = root.querySelector('.search-status');
  if (status) status.textContent = (root._ui && root._ui.search_error) || String(err);
  console.error('tsunagi search:', err);
}

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === false || v === null || v === undefined) continue;
    if (k === 'class') e.className = v; else if (k === 'text') e.textContent = v; else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) if (c !== null && c !== undefined) e.append(c);
  return e;
}
const fill = (s, vars) => s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? vars[k] : m));

const PARAMS = ['kind', 'tag', 'job', 'skill', 'region', 'type', 'remote', 'lang'];
/** The facets of each page, in the order they are shown. */
/** How many values of a long facet show before 「もっと見る」. */
const FEW = 10;
const FACETS = { talents: ['job', 'skill', 'lang', 'region', 'type', 'remote', 'avail', 'tag'], search: ['kind', 'tag'] };

async function start(root) {
  const mode = root.dataset.searchMode === 'talents' ? 'talents' : 'search';
  const index = await new Index(root.dataset.searchIndex).load();
  const m = index.m;
  const ui = (root._ui = m.ui);
  const t = k => ui[k] || k;
  const [lo, hi] = mode === 'talents' ? m.kinds.talent : [0, m.docs];
  const pageSize = mode === 'talents' ? m.paginate : 10;
  {
    // the directory as it opens (no words, no filter, no sort in the link): its first
    // page is the first profiles in document order, so their cards are fetched now,
    // beside the filters, rather than after them
    const u = new URL(location.href);
    if (mode === 'talents' && ![...u.searchParams.keys()].length) for (let d = lo; d < Math.min(hi, lo + pageSize); d++) index.meta(d).catch(() => {});
  }

  // state from the URL
  const url = new URL(location.href);
  const state = { q: url.searchParams.get('q') || '', sort: url.searchParams.get('sort') || '', sel: new Map(), avail: url.searchParams.get('avail') || '' };
  // only this page's facets: a directory filter in a search link (skill=…) would
  // otherwise stay in the URL, filtering nothing, as if it held
  let foreign = false;
  for (const p of PARAMS) {
    const vs = url.searchParams.getAll(p);
    if (!FACETS[mode].includes(p)) { foreign ||= vs.length > 0; continue; }
    for (const v of vs) { if (!state.sel.has(p)) state.sel.set(p, new Set()); state.sel.get(p).add(v); }
  }
  if (!FACETS[mode].includes('avail') && state.avail) { state.avail = ''; foreign = true; }

  // ---- controls
  let input = root.querySelector('input[type="search"]');
  const form = root.querySelector('form');
  const toolbar = el('div', { class: 'search-toolbar' });
  if (!input) {
    const id = 'q-' + mode;
    const f = el('form', { class: 'search-form', role: 'search' },
      el('label', { for: id, text: t('search_filter_label') }),
      el('input', { type: 'search', id, name: 'q', autocomplete: 'off' }));
    toolbar.append(f);
    input = f.querySelector('input');
    f.addEventListener('submit', e => e.preventDefault());
  } else if (form) {
    form.addEventListener('submit', e => { e.preventDefault(); state.q = input.value; writeUrl(); run(0); });
  }
  input.value = state.q;
  const sortOptions = mode === 'talents' ? ['relevance', 'verified', 'availability'] : ['relevance', 'newest'];
  const sortId = 'sort-' + mode;
  const sortSelect = el('select', { id: sortId });
  for (const s of sortOptions) sortSelect.append(el('option', { value: s, text: t('sort_' + s) }));
  toolbar.append(el('div', { class: 'search-sort' }, el('label', { for: sortId, text: t('search_sort') }), sortSelect));
  const status = el('p', { class: 'search-status', role: 'status' });
  const list = el('ol', { class: 'cards search-results', 'aria-label': t('search_results_label') });
  const more = el('button', { type: 'button', class: 'search-more', hidden: true, text: t('search_more') });
  const results = root.querySelector('.search-results-region') || root;
  const panel = el('div', { class: 'search-facets' });

  // the talent directory: the static list and links stay for readers without JavaScript
  let facetsBox;
  let facetFile = null;
  if (mode === 'talents') {
    facetFile = 'talent';
    facetsBox = root.querySelector('.facets') || results;
    results.prepend(toolbar);
  } else {
    const details = el('details', { class: 'search-filters' }, el('summary', { text: t('filters') }), panel);
    details.open = state.sel.size > 0;
    details.addEventListener('toggle', () => { if (details.open) run(); });
    toolbar.append(details);
    (form || input).after(toolbar);
    facetFile = 'all';
  }
  // the filters in force, each a chip that drops it, and 「すべて解除」; when nothing
  // matches, which filter to drop and how many that would show
  const chips = el('div', { class: 'active-filters', hidden: true });
  const hints = el('div', { class: 'filter-hints', hidden: true });
  results.append(status, chips, hints, list, more);

  // the shortlist (talents): the saved profiles side by side, one enquiry link naming
  // them all; a saved profile the directory no longer publishes is dropped, with a note
  const shortBox = mode === 'talents' ? el('section', { class: 'shortlist', 'aria-labelledby': 'shortlist-heading', hidden: true }) : null;
  if (shortBox) toolbar.after(shortBox);
  let dropped = [];
  const syncStars = () => { for (const b of root.querySelectorAll('.shortlist-star')) b._refresh?.(); };
  const changedShortlist = () => { syncStars(); renderShortlist().catch(err => fail(root, err)); };
  function withStar(li, meta) {
    if (mode !== 'talents' || !meta.i) return li;
    li.querySelector('.card-title').after(shortlist.star(meta.i, t('search_shortlist_star'), fill(t('search_shortlist_save'), { name: meta.t }), changedShortlist));
    return li;
  }
  async function renderShortlist() {
    if (!shortBox) return;
    // for scripts and tests: `busy` while the shortlist is redrawn
    root.dataset.shortlist = 'busy';
    const saved = shortlist.read();
    if (!saved.length && !dropped.length) { shortBox.hidden = true; shortBox.replaceChildren(); root.dataset.shortlist = 'ready'; return; }
    const docs = [];
    for (let d = lo; d < hi; d++) docs.push(d);
    const byId = new Map();
    for (const meta of await Promise.all(docs.map(d => index.meta(d)))) if (meta && meta.i) byId.set(meta.i.toLowerCase(), meta);
    const kept = saved.filter(id => byId.has(id.toLowerCase()));
    const gone = saved.filter(id => !byId.has(id.toLowerCase()));
    if (gone.length) {
      shortlist.write(kept);
      dropped = [...new Set(dropped.concat(gone))];
    }
    const sep = t('list_separator') === 'list_separator' ? ', ' : t('list_separator');
    const parts = [el('h2', { id: 'shortlist-heading', text: fill(t('search_shortlist_title'), { n: kept.length }) })];
    if (dropped.length) parts.push(el('p', { class: 'note shortlist-dropped', text: fill(t('search_shortlist_dropped'), { ids: dropped.join(sep) }) }));
    if (kept.length) {
      const metas = kept.map(id => byId.get(id.toLowerCase()));
      const cards = el('ul', { class: 'cards shortlist-cards' });
      for (const meta of metas) {
        const li = withStar(resultItem(meta, [], null, t, mode), meta);
        // side by side, each with its facts line as the profile shows it
        li.querySelector('.card-headline')?.after(el('p', { class: 'card-factsline', text: factsLine(meta, t) }));
        // cards under the shortlist's heading
        const h = li.querySelector('h2.card-title');
        if (h) { const h3 = el('h3', { class: 'card-title' }, ...h.childNodes); h.replaceWith(h3); }
        cards.append(li);
      }
      parts.push(cards);
      const c = root.dataset;
      if (c.contactUrl) {
        const profiles = metas.map(m => ({ id: m.i, url: new URL(m.u, c.baseUrl || location.href).href }));
        const href = shortlist.enquiryUrl(c.contactUrl, profiles, c.enquirySubject || '', c.enquiryBody || '');
        parts.push(el('p', null, el('a', { class: 'button shortlist-enquire', href, text: fill(t('search_shortlist_enquire'), { n: kept.length, ids: profiles.map(p => p.id).join(sep) }) })));
      }
    }
    if (kept.length) {
      // prints the shortlist alone, its cards side by side (style.css, @media print)
      const printIt = el('button', { type: 'button', class: 'button shortlist-print', text: t('search_shortlist_print') });
      printIt.addEventListener('click', () => {
        const html = document.documentElement;
        html.dataset.print = 'shortlist';
        addEventListener('afterprint', () => { delete html.dataset.print; }, { once: true });
        print();
      });
      parts.push(el('p', null, printIt));
    }
    parts.push(el('p', { class: 'contact-note', text: t('search_shortlist_note') }));
    shortBox.replaceChildren(...parts);
    shortBox.hidden = false;
    syncStars();
    root.dataset.shortlist = 'ready';
  }
  if (shortBox) addEventListener('storage', e => { if (e.key === null || e.key === 'tsunagi-shortlist') changedShortlist(); });

  // facet columns are fetched only when shown or needed: the talent directory, an open
  // filter panel, a filter in the URL, or sorting a query's results by date
  const wantFacets = () => mode === 'talents' || state.sel.size > 0 || !!state.avail || panel.closest('details').open
    || (!!state.q.trim() && effectiveSort() === 'newest');
  const effectiveSort = () => {
    const s = sortOptions.includes(state.sort) ? state.sort : '';
    if (s && (s !== 'relevance' || state.q.trim())) return s;
    return state.q.trim() ? 'relevance' : sortOptions[1];
  };

  let cols = null;
  let controls = null;
  let filterPanel = null;
  let showButton = null;
  // one load for every run that wants the facets (an open panel's toggle and the
  // first run start together); a failed load is tried again by the next run
  let facetsLoad = null;
  function ensureFacets() {
    facetsLoad ||= loadFacets().catch(err => { facetsLoad = null; throw err; });
    return facetsLoad;
  }
  async function loadFacets() {
    const loaded = await index.facets(facetFile);
    const before = urlState();
    controls = buildControls(loaded, mode, state, t, () => { writeUrl(); run(); }, m.month);
    // the controls settle what a link asked for (a name for its key, one level per
    // language, no month without availability data): the URL follows
    if (urlState() !== before) writeUrl();
    cols = loaded;
    if (mode === 'talents') {
      // on a narrow screen the filters come before the results: folded, so a phone
      // shows the keyword box and the first results at once; open beside them when wide
      // On a phone the open panel is a sheet over the page (style.css), closed by a
      // sticky button that always says how many people the filters leave.
      const summary = el('summary', { text: t('filters') });
      showButton = el('button', { type: 'button', class: 'button facet-show' });
      filterPanel = el('details', { class: 'facet-panel' }, summary, controls.node, el('div', { class: 'facet-show-bar' }, showButton));
      const wide = window.matchMedia('(min-width: 56rem)');
      filterPanel.open = wide.matches;
      // the open sheet is modal: the page under it is inert (no focus, no reading) until it closes
      const modal = () => {
        const on = filterPanel.open && !wide.matches;
        for (let n = filterPanel; n.parentElement && n !== document.body; n = n.parentElement) {
          for (const sib of n.parentElement.children) if (sib !== n && sib.tagName !== 'SCRIPT') sib.inert = on;
        }
      };
      filterPanel.addEventListener('toggle', modal);
      wide.addEventListener('change', () => { if (wide.matches) filterPanel.open = true; modal(); });
      const close = () => {
        filterPanel.open = false;
        summary.focus();
        status.scrollIntoView({ block: 'nearest' });
      };
      showButton.addEventListener('click', close);
      filterPanel.addEventListener('keydown', e => { if (e.key === 'Escape' && filterPanel.open && !wide.matches) { e.preventDefault(); close(); } });
      facetsBox.replaceChildren(el('h2', { class: 'visually-hidden', text: t('filters') }), filterPanel);
    } else panel.append(controls.node);
    return cols;
  }

  function urlState() {
    return JSON.stringify([state.avail, [...state.sel].map(([k, v]) => [k, [...v]])]);
  }

  function writeUrl() {
    const u = new URL(location.href);
    for (const p of ['q', 'sort', 'avail', ...PARAMS]) u.searchParams.delete(p);
    if (state.q.trim()) u.searchParams.set('q', state.q.trim());
    if (state.sort) u.searchParams.set('sort', state.sort);
    for (const p of PARAMS) for (const v of state.sel.get(p) || []) u.searchParams.append(p, v);
    if (state.avail) u.searchParams.set('avail', state.avail);
    history.replaceState(null, '', u.pathname + u.search + u.hash);
  }

  let seq = 0;
  let shown = [];
  let order = [];
  let current = null;
  let statics = mode === 'talents' ? [...root.querySelectorAll('[data-search-static]')] : [];
  async function run(delay = 0) {
    const my = ++seq;
    if (delay) {
      await new Promise(r => setTimeout(r, delay));
      if (my !== seq) return;
      writeUrl();
    }
    root.dataset.state = 'loading';
    try {
      await search(my);
    } catch (err) {
      if (my !== seq) return;
      fail(root, err);
    }
  }

  async function search(my) {
    const started = performance.now();
    const q = state.q.trim();
    const [found] = await Promise.all([q ? match(index, q) : null, wantFacets() ? ensureFacets() : null]);
    if (my !== seq) return;
    // candidates in scope, then filters (which also recount every facet value)
    // a query with nothing searchable in it (only punctuation or emoji) finds nothing,
    // rather than everything (the directory) or a blank page without a word (search)
    let docs = [];
    if (found) { for (const d of found.scores.keys()) if (d >= lo && d < hi) docs.push(d); }
    else if (!q) for (let d = lo; d < hi; d++) docs.push(d);
    const candidates = docs;
    if (controls) docs = controls.filter(docs);
    showActive(candidates, docs.length, q);
    // how many filters hold, in the summary of the panel that may be folded
    const fold = filterPanel || panel.closest('details');
    if (fold) {
      const active = [...state.sel.values()].reduce((a, v) => a + v.size, 0) + (state.avail ? 1 : 0);
      fold.querySelector('summary').textContent = t('filters') + (active ? ` (${active})` : '');
    }
    if (showButton) showButton.textContent = fill(t(docs.length === 1 ? 'search_show_one' : 'search_show_n'), { n: docs.length });
    sortSelect.options[0].disabled = !found;
    // before a query, the search page suggests roles, skills and tags (search.html)
    const idle = mode === 'search' && !q && !state.sel.size && !state.avail;
    for (const p of root.querySelectorAll('.search-popular')) p.hidden = !idle;
    if (idle) {
      list.replaceChildren(); more.hidden = true; status.textContent = '';
      return done(q, 0);
    }
    const sort = effectiveSort();
    sortSelect.value = sort;
    sortDocs(docs, sort, found, cols);
    // the first page of results replaces the list at once, with the count
    const items = await page(docs.slice(0, pageSize), found);
    if (my !== seq) return;
    order = docs;
    current = found;
    shown = docs.slice(0, pageSize);
    for (const s of statics) s.hidden = true;
    statics = [];
    status.textContent = docs.length ? fill(t(mode === 'talents' ? 'talent_count' : 'search_count'), { n: docs.length }) : t('search_none');
    list.replaceChildren(...items);
    more.hidden = shown.length >= order.length;
    root.dataset.shown = String(shown.length);
    // for benchmarks: from the last index file arriving (or the start, if all were cached)
    // to the results being in the page
    try {
      performance.measure('tsunagi-search-ready', { start: Math.max(started, index.arrived), end: performance.now() });
    } catch { /* User Timing level 3 missing: no measure */ }
    done(q, docs.length);
  }
  /** Redraws the chips of the filters in force and, when nothing matches, the hints. */
  function showActive(candidates, n, q) {
    const active = controls ? controls.active() : [];
    const unit = mode === 'talents' ? 'search_drop_hint' : 'search_drop_hint_items';
    const apply = change => () => { change(); controls?.sync(); writeUrl(); run(); };
    chips.replaceChildren();
    if (active.length) {
      const ul = el('ul', { 'aria-label': t('search_active_filters') });
      for (const a of active) {
        ul.append(el('li', null, el('button', { type: 'button', class: 'filter-chip', 'aria-label': fill(t('search_remove_filter'), { label: a.label }) },
          a.label, el('span', { 'aria-hidden': 'true', text: ' ×' }))));
        ul.lastChild.firstChild.addEventListener('click', apply(a.remove));
      }
      const all = el('button', { type: 'button', class: 'filter-clear', text: t('search_clear_all') });
      all.addEventListener('click', apply(() => { state.sel.clear(); state.avail = ''; }));
      ul.append(el('li', null, all));
      chips.append(ul);
    }
    chips.hidden = !active.length;
    // how many each filter held back: drop it alone (the others, and the words, stay)
    const drops = [];
    if (!n && controls) {
      const saved = [state.avail, [...state.sel].map(([k, v]) => [k, new Set(v)])];
      const restore = () => { state.avail = saved[0]; state.sel.clear(); for (const [k, v] of saved[1]) state.sel.set(k, new Set(v)); };
      for (const a of active) {
        a.remove();
        drops.push({ label: a.label, n: controls.filter(candidates, false).length, change: a.remove });
        restore();
      }
    }
    if (!n && q && controls && active.length) {
      const all = [];
      for (let d = lo; d < hi; d++) all.push(d);
      drops.push({ label: q, n: controls.filter(all, false).length, change: () => { state.q = ''; input.value = ''; } });
    }
    const useful = drops.filter(d => d.n > 0).sort((a, b) => b.n - a.n).slice(0, 3);
    hints.replaceChildren(...useful.map(d => {
      const key = d.n === 1 && ui[unit + '_one'] ? unit + '_one' : unit;
      const b = el('button', { type: 'button', class: 'filter-hint', text: fill(t(key), { label: d.label, n: d.n }) });
      b.addEventListener('click', apply(d.change));
      return b;
    }));
    hints.hidden = !useful.length;
  }

  // the page's state for scripts and tests: the query shown, how many results, runs completed
  function done(q, n) {
    root.dataset.query = q;
    root.dataset.count = String(n);
    root.dataset.runs = String((Number(root.dataset.runs) || 0) + 1);
    root.dataset.state = 'ready';
  }

  /** Result items for documents, once their metadata has arrived. */
  async function page(docs, found) {
    const metas = await Promise.all(docs.map(d => index.meta(d)));
    const marks = found ? found.tokens : [];
    return metas.map((meta, i) => withStar(resultItem(meta, marks, found && found.phrases.get(docs[i]), t, mode), meta));
  }

  async function showMore() {
    const my = seq;
    const next = order.slice(shown.length, shown.length + pageSize);
    const items = await page(next, current);
    if (my !== seq) return;
    list.append(...items);
    shown = shown.concat(next);
    root.dataset.shown = String(shown.length);
    more.hidden = shown.length >= order.length;
    if (items[0]) items[0].querySelector('a').focus();
  }
  more.addEventListener('click', () => { showMore().catch(err => fail(root, err)); });

  // typing: the URL follows once the debounced search runs, not on every keystroke
  input.addEventListener('input', () => { state.q = input.value; run(120); });
  input.addEventListener('keydown', e => {
    if (e.key === 'ArrowDown') { const a = list.querySelector('a'); if (a) { e.preventDefault(); a.focus(); } }
    else if (e.key === 'Escape' && input.value) { e.preventDefault(); input.value = ''; state.q = ''; writeUrl(); run(); }
  });
  list.addEventListener('keydown', e => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    const links = [...list.querySelectorAll('.card-title a')];
    const i = links.indexOf(document.activeElement);
    if (i < 0) return;
    e.preventDefault();
    if (e.key === 'ArrowDown' && i + 1 < links.length) links[i + 1].focus();
    else if (e.key === 'ArrowUp') (i > 0 ? links[i - 1] : input).focus();
  });
  sortSelect.addEventListener('change', () => { state.sort = sortSelect.value; writeUrl(); run(); });

  if (foreign) writeUrl();
  await run();
  await renderShortlist();
}

function sortDocs(docs, sort, found, cols) {
  const byId = (a, b) => a - b;
  if (sort === 'relevance' && found) {
    const s = found.scores;
    docs.sort((a, b) => s.get(b) - s.get(a) || a - b);
  } else if (sort === 'newest' && cols && cols.get('date')) {
    const c = cols.get('date');
    const key = d => { const v = numOf(c, d); return Number.isNaN(v) ? -Infinity : v; };
    docs.sort((a, b) => key(b) - key(a) || a - b);
  } else if (sort === 'availability' && cols && cols.get('avail')) {
    const c = cols.get('avail');
    const key = d => { const v = numOf(c, d); return Number.isNaN(v) ? Infinity : v; };
    docs.sort((a, b) => key(a) - key(b) || a - b);
  } else docs.sort(byId); // document order: talents newest review first, then newest pages
}

// ---------------------------------------------------------------- facets

const LEVELS = { native: 100, N1: 15, N2: 14, N3: 13, N4: 12, N5: 11, C2: 6, C1: 5, B2: 4, B1: 3, A2: 2, A1: 1 };
const scale = l => (l === 'native' ? 'native' : /^N\d$/.test(l) ? 'jlpt' : /^[ABC]\d$/.test(l) ? 'cefr' : 'any');
/** Does `have` satisfy the requirement `want` (same scale, same or better; native satisfies all)? */
export function levelOk(have, want) {
  if (!want || want === 'any') return true;
  if (have === 'native') return true;
  return scale(have) === scale(want) && (LEVELS[have] || 0) >= (LEVELS[want] || 0);
}

/** The facet controls and the filter/count logic of one page. */
function buildControls(cols, mode, state, t, changed, buildMonth) {
  const node = el('div', { class: 'facet-groups' });
  // a group filters on one facet (or one language); prepare() → test(doc), or null when inactive
  const groups = [];
  const updaters = [];
  // selects to set again from the state; what each language requirement is called
  const syncers = [];
  const langLabels = new Map();
  let availLabel = () => state.avail;
  let uid = 0;
  const names = FACETS[mode];
  const legend = { kind: 'search_kind', tag: 'taxonomy_tags', job: 'desired_roles', skill: 'skills', lang: 'languages', region: 'regions', type: 'employment_types', remote: 'remote', avail: 'available_from' };
  const sel = name => state.sel.get(name) || new Set();
  const setSel = (name, set) => { if (set.size) state.sel.set(name, set); else state.sel.delete(name); };

  for (const name of names) {
    const col = cols.get(name);
    const fieldset = () => {
      const fs = el('fieldset', { class: `facet facet-${name}` }, el('legend', { text: t(legend[name]) }));
      node.append(fs);
      return fs;
    };
    if (!col || (!col.num && !col.values.length) || (col.num && !col.labels.size)) {
      // no availability data: no month can be asked for
      if (name === 'avail') state.avail = '';
      // a link's filter on a facet this site has no values for: shown, and matching nobody
      else if (sel(name).size) {
        const ul = el('ul');
        fieldset().append(ul);
        staleBoxes(name, [...sel(name)], ul);
        groups.push({ prepare: () => (sel(name).size ? () => false : null) });
      }
      continue;
    }
    const fs = fieldset();
    if (name === 'lang') langControls(col, fs);
    else if (col.num) availControls(col, fs);
    else setControls(name, col, fs);
  }

  // Values a shared or bookmarked link selects that this build does not have (a skill
  // nobody lists any more, a misspelt tag): shown first, checked, with a count of 0,
  // so the reader sees why nothing matches and can clear them. They match no page;
  // ignoring them would show everyone under a filter that seems to hold.
  function staleBoxes(name, keys, ul) {
    const boxes = keys.map(key => {
      const { li, box, count } = checkbox(name, key, key);
      li.className = 'facet-stale';
      count.textContent = '(0)';
      ul.append(li);
      return box;
    });
    // another control can drop them (a language's level): the boxes follow the selection
    if (boxes.length) updaters.push(() => { for (const b of boxes) b.checked = sel(name).has(b.value); });
  }

  /** A checkbox for `key` of facet `name`, checked as the selection is, that
   *  adds or removes it; its list item and the count beside its label. */
  function checkbox(name, key, label) {
    const id = `f-${name}-${uid++}`;
    const count = el('span', { class: 'count' });
    const box = el('input', { type: 'checkbox', id, name, value: key });
    box.checked = sel(name).has(key);
    box.addEventListener('change', () => {
      const s = new Set(sel(name));
      if (box.checked) s.add(key); else s.delete(key);
      setSel(name, s);
      changed();
    });
    // the label holds the box: label and box are one target, big enough for a finger
    return { li: el('li', null, el('label', { for: id }, box, label + ' ', count)), box, count };
  }

  function setControls(name, col, fs) {
    const ul = el('ul');
    fs.append(ul);
    const known = new Set(col.values.map(v => v.key));
    // a link may name a value by its label (`job=教育` for `education`, from before
    // the site named its categories): the value it names
    const byLabel = new Map(col.values.map(v => [v.label.toLowerCase(), v.key]));
    if (sel(name).size) setSel(name, new Set([...sel(name)].map(k => (known.has(k) ? k : byLabel.get(k.toLowerCase()) ?? k))));
    staleBoxes(name, [...sel(name)].filter(k => !known.has(k)), ul);
    const boxes = col.values.map((v, i) => {
      const { li, box, count } = checkbox(name, v.key, v.label);
      ul.append(li);
      return { i, li, box, count, label: v.label };
    });
    if (boxes.length > FEW + 2) longList(name, fs, ul, boxes);
    const gi = groups.length;
    groups.push({
      prepare: () => {
        const s = sel(name);
        const want = col.values.map((v, i) => (s.has(v.key) ? i : -1)).filter(i => i >= 0);
        // a stale value: nothing has it ("all"), or it adds nobody ("any")
        const stale = want.length < s.size;
        if (stale && (col.mode === 'all' || !want.length)) return () => false;
        if (!want.length) return null;
        return col.mode === 'all'
          ? doc => { const have = valuesOf(col, doc); return want.every(i => have.includes(i)); }
          : doc => { const have = valuesOf(col, doc); return want.some(i => have.includes(i)); };
      },
    });
    updaters.push(eligible => {
      const n = new Uint32Array(col.values.length);
      for (const d of eligible(gi, col.mode === 'any')) for (const v of valuesOf(col, d)) n[v]++;
      for (const b of boxes) b.count.textContent = `(${n[b.i]})`;
    });
  }

  // A long list (53 skills) shows its most common values (the column is ordered by
  // count) and what is ticked; 「もっと見る」 shows the rest, and a box finds one by
  // any part of its name, as written or in full-width (ＰＹＴＨＯＮ finds Python).
  function longList(name, fs, ul, boxes) {
    const id = `f-${name}-find`;
    // type=text, not search: the page's own search box is the first input[type=search]
    const find = el('input', { type: 'text', id, class: 'facet-find', autocomplete: 'off', inputmode: 'search', enterkeyhint: 'search' });
    const label = el('label', { for: id, class: 'facet-find-label', text: fill(t('search_find_in'), { facet: t(legend[name]) }) });
    const more = el('button', { type: 'button', class: 'facet-more', 'aria-controls': ul.id = `f-${name}-list` });
    const none = el('p', { class: 'facet-none', hidden: true, text: t('search_find_none') });
    fs.insertBefore(el('div', { class: 'facet-find-row' }, label, find), ul);
    fs.append(none, more);
    let expanded = false;
    const norm = x => x.normalize('NFKC').toLowerCase();
    const apply = () => {
      const q = norm(find.value.trim());
      let rest = 0, shown = 0;
      boxes.forEach((b, i) => {
        const show = q ? norm(b.label).includes(q) : expanded || i < FEW || b.box.checked;
        b.li.hidden = !show;
        if (show) shown++;
        if (!q && i >= FEW && !b.box.checked) rest++;
      });
      none.hidden = !q || shown > 0;
      more.hidden = !!q || rest === 0;
      more.textContent = expanded ? t('search_fewer') : fill(t('search_more_values'), { n: rest });
      more.setAttribute('aria-expanded', String(expanded));
    };
    find.addEventListener('input', apply);
    // Enter in the box ticks the only match, as a type-ahead would
    find.addEventListener('keydown', e => {
      if (e.key !== 'Enter') return;
      e.preventDefault();
      const hits = boxes.filter(b => !b.li.hidden);
      if (hits.length === 1 && !hits[0].box.checked) hits[0].box.click();
    });
    more.addEventListener('click', () => { expanded = !expanded; apply(); });
    syncers.push(apply);
    apply();
  }

  function langControls(col, fs) {
    const groupOf = col.values.map(v => v.key.split(':')[0]);
    const levelOfValue = col.values.map(v => v.key.split(':')[1] || 'any');
    // a language of the site, with no level or a level of a scale (`ja:N3` is meaningful
    // even when nobody has exactly N3); anything else in a link is stale
    const groupKeys = new Set(col.groups.map(g => g.key));
    const isStale = v => { const [g, l, ...rest] = v.split(':'); return rest.length > 0 || !groupKeys.has(g) || (l !== undefined && l !== 'any' && !Object.hasOwn(LEVELS, l)); };
    const current = () => { const m = new Map(); for (const v of sel('lang')) { if (isStale(v)) continue; const [g, l] = v.split(':'); m.set(g, l || 'any'); } return m; };
    // one requirement per language, as the selects can show (the last a link gives)
    if (sel('lang').size) {
      const kept = [...sel('lang')].filter(isStale);
      for (const [g, l] of current()) kept.push(l === 'any' ? g : `${g}:${l}`);
      setSel('lang', new Set(kept));
    }
    const stale = el('ul');
    fs.append(stale);
    staleBoxes('lang', [...sel('lang')].filter(isStale), stale);
    groups.push({ prepare: () => ([...sel('lang')].some(isStale) ? () => false : null) });
    const ul = el('ul', { class: 'facet-levels' });
    fs.append(ul);
    // Japanese (JLPT) and English (CEFR) are what recruiters ask for: their levels come
    // first; every other language waits in one picker, and shows once it is asked for
    const MAIN = ['ja', 'en'];
    const ordered = MAIN.map(k => col.groups.find(g => g.key === k)).filter(Boolean)
      .concat(col.groups.filter(g => !MAIN.includes(g.key)).sort((a, b) => a.label.localeCompare(b.label, document.documentElement.lang || undefined)));
    const others = ordered.filter(g => !MAIN.includes(g.key));
    const rows = new Map();
    const added = new Set();
    let picker = null;
    const pickerCounts = new Map();
    const showRows = () => {
      for (const [k, li] of rows) li.hidden = !(MAIN.includes(k) || added.has(k) || current().has(k));
      if (!picker) return;
      for (const o of picker.options) {
        if (!o.value) continue;
        const n = pickerCounts.get(o.value);
        o.hidden = !rows.get(o.value).hidden;
        o.disabled = n === 0;
        o.textContent = n === undefined ? o.dataset.label : `${o.dataset.label} (${n})`;
      }
    };
    syncers.push(showRows);
    for (const g of ordered) {
      const id = `f-lang-${uid++}`;
      const select = el('select', { id });
      const mine = col.values.map((v, i) => i).filter(i => groupOf[i] === g.key);
      // the level a link asks for is an option even when nobody has exactly that level
      const asked = current().get(g.key);
      const levels = [...new Set(mine.map(i => levelOfValue[i]).concat(asked ? [asked] : []))].filter(l => l !== 'any').sort((a, b) => LEVELS[b] - LEVELS[a]);
      const opts = [{ value: '', text: t('search_lang_none') }, { value: 'any', text: t('search_level_any') }];
      for (const l of levels) {
        const i = mine.find(i => levelOfValue[i] === l);
        const label = i !== undefined ? col.values[i].label : l === 'native' ? t('native') : ({ jlpt: 'JLPT ', cefr: 'CEFR ' }[scale(l)] || '') + l;
        opts.push({ value: l, text: l === 'native' || l === 'N1' || l === 'C2' ? label : fill(t('search_level_or_better'), { level: label }) });
      }
      const optionEls = opts.map(o => el('option', { value: o.value, text: o.text }));
      select.append(...optionEls);
      select.value = current().get(g.key) || '';
      syncers.push(() => { select.value = current().get(g.key) || ''; });
      for (const o of opts.slice(1)) langLabels.set(o.value === 'any' ? g.key : `${g.key}:${o.value}`, o.value === 'any' ? g.label : o.text.startsWith(g.label) ? o.text : `${g.label} ${o.text}`);
      select.addEventListener('change', () => {
        const s = new Set([...sel('lang')].filter(v => v.split(':')[0] !== g.key));
        if (select.value) s.add(select.value === 'any' ? g.key : `${g.key}:${select.value}`);
        setSel('lang', s);
        changed();
      });
      const row = el('li', null, el('label', { for: id, text: g.label }), select);
      rows.set(g.key, row);
      ul.append(row);
      const levelsOf = doc => { const have = []; for (const v of valuesOf(col, doc)) if (groupOf[v] === g.key) have.push(levelOfValue[v]); return have; };
      const gi = groups.length;
      groups.push({
        prepare: () => {
          const want = current().get(g.key);
          if (!want) return null;
          return doc => levelsOf(doc).some(h => levelOk(h, want));
        },
      });
      updaters.push(eligible => {
        const n = new Array(opts.length).fill(0);
        for (const d of eligible(gi, true)) {
          const have = levelsOf(d);
          if (!have.length) continue;
          for (let k = 1; k < opts.length; k++) if (have.some(h => levelOk(h, opts[k].value))) n[k]++;
        }
        // a level nobody left has cannot be chosen (unless it is the one asked for)
        optionEls.forEach((o, k) => { o.textContent = k ? `${opts[k].text} (${n[k]})` : opts[k].text; o.disabled = k > 0 && !n[k] && select.value !== opts[k].value; });
        pickerCounts.set(g.key, n[1]);
        showRows();
      });
    }
    if (others.length) {
      const id = `f-lang-${uid++}`;
      picker = el('select', { id, class: 'facet-lang-picker' });
      picker.append(el('option', { value: '', text: t('search_lang_add') }));
      for (const g of others) picker.append(el('option', { value: g.key, 'data-label': g.label, text: g.label }));
      picker.addEventListener('change', () => {
        const k = picker.value;
        picker.value = '';
        if (!k) return;
        added.add(k);
        const s = new Set([...sel('lang')].filter(v => v.split(':')[0] !== k));
        s.add(k);
        setSel('lang', s);
        syncers.forEach(f => f());
        rows.get(k).querySelector('select').focus();
        changed();
      });
      ul.append(el('li', { class: 'facet-lang-more' }, el('label', { for: id, text: t('search_lang_other') }), picker));
    }
    showRows();
  }

  function availControls(col, fs) {
    const id = `f-avail-${uid++}`;
    const select = el('select', { id });
    // a month a link asks for is an option even when nobody becomes available in it
    const monthOf = k => { const m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(k || ''); return m ? Number(m[1]) * 12 + Number(m[2]) - 1 : null; };
    // the months start at the build's: a month already past (an old link) means "now"
    const now = monthOf(buildMonth);
    let askedMonth = monthOf(state.avail);
    if (askedMonth !== null && now !== null && askedMonth < now) { askedMonth = now; state.avail = monthKey(now); }
    const months = [...new Set([...col.labels.keys()].concat(askedMonth === null ? [] : [askedMonth]))].sort((a, b) => a - b);
    const monthName = mo => col.labels.get(mo) || new Intl.DateTimeFormat(document.documentElement.lang || undefined, { year: 'numeric', month: 'long', timeZone: 'UTC' }).format(Date.UTC(Math.floor(mo / 12), mo % 12, 1));
    const opts = [{ value: '', text: t('search_any') }].concat(months.map(mo => ({ value: monthKey(mo), month: mo, text: mo === now ? t('search_available_now') : fill(t('search_available_by'), { date: monthName(mo) }) })));
    const optionEls = opts.map(o => el('option', { value: o.value, text: o.text }));
    select.append(...optionEls);
    select.value = state.avail;
    if (select.value !== state.avail) state.avail = '';
    syncers.push(() => { select.value = state.avail; });
    availLabel = () => (opts.find(o => o.value === state.avail) || { text: state.avail }).text;
    select.addEventListener('change', () => { state.avail = select.value; changed(); });
    fs.append(el('label', { for: id, class: 'visually-hidden', text: t('available_from') }), select);
    const gi = groups.length;
    groups.push({
      prepare: () => {
        const o = opts.find(x => x.value === state.avail);
        if (!o || o.month === undefined) return null;
        return doc => numOf(col, doc) <= o.month;
      },
    });
    updaters.push(eligible => {
      const vals = [];
      for (const d of eligible(gi, true)) { const v = numOf(col, d); if (!Number.isNaN(v)) vals.push(v); }
      vals.sort((a, b) => a - b);
      optionEls.forEach((o, k) => {
        if (!k) return;
        const n = upperBound(vals, opts[k].month);
        o.textContent = `${opts[k].text} (${n})`;
        o.disabled = !n && select.value !== opts[k].value;
      });
    });
  }

  /** The label a chip shows for value `key` of facet `name`. */
  function labelOf(name, key) {
    if (name === 'lang') return langLabels.get(key) || key;
    const col = cols.get(name);
    const v = col && !col.num && col.values.find(x => x.key === key);
    return v ? v.label : key;
  }

  return {
    node,
    /** The filters in force, in the order the panel shows them: a label, and how to drop it. */
    active() {
      const out = [];
      for (const name of names) {
        if (name === 'avail') {
          if (state.avail) out.push({ label: availLabel(), remove: () => { state.avail = ''; } });
          continue;
        }
        for (const key of sel(name)) out.push({ label: labelOf(name, key), remove: () => { const s = new Set(sel(name)); s.delete(key); setSel(name, s); } });
      }
      return out;
    },
    /** Boxes and selects show the state again (after a chip or a hint changed it). */
    sync() {
      for (const box of node.querySelectorAll('input[type=checkbox]')) box.checked = sel(box.name).has(box.value);
      for (const f of syncers) f();
    },
    /** Documents passing every active filter; recounts every value (a value of an "any"
     *  facet counts the documents that would match if it were added to the selection). */
    filter(docs, recount = true) {
      const tests = groups.map(g => g.prepare());
      const fails = new Uint8Array(docs.length);
      const failed = new Int16Array(docs.length).fill(-1);
      const out = [];
      for (let k = 0; k < docs.length; k++) {
        for (let gi = 0; gi < tests.length && fails[k] < 2; gi++) {
          if (tests[gi] && !tests[gi](docs[k])) { fails[k]++; failed[k] = gi; }
        }
        if (!fails[k]) out.push(docs[k]);
      }
      const eligible = function* (gi, disjunctive) {
        for (let k = 0; k < docs.length; k++) if (fails[k] === 0 || (disjunctive && fails[k] === 1 && failed[k] === gi)) yield docs[k];
      };
      if (recount) for (const u of updaters) u(eligible);
      return out;
    },
  };
}

function monthKey(m) { const y = Math.floor(m / 12); return `${String(y).padStart(4, '0')}-${String((m % 12) + 1).padStart(2, '0')}`; }

// ---------------------------------------------------------------- results

function resultItem(m, toks, phrases, t, mode) {
  const meta = { t: '', u: '#', ...m };
  const li = el('li', { class: `card card-${meta.k}` });
  const a = el('a', { href: /^(\/|https?:)/.test(meta.u) ? meta.u : '#' });
  highlight(a, meta.t, toks);
  li.append(el('h2', { class: 'card-title' }, a));
  // results of every kind together: each card says which it is
  if (mode === 'search' && meta.k === 'talent') li.append(el('p', { class: 'card-meta' }, el('span', { class: 'card-kind', text: t('search_kind_talent') })));
  if (meta.k === 'talent') {
    if (meta.h) { const p = el('p', { class: 'card-headline' }); highlight(p, meta.h, toks); li.append(p); }
    const badges = (meta.b || []).concat(meta.e ? [meta.e] : []);
    if (badges.length) { const p = el('p', { class: 'card-badges' }); for (const b of badges) p.append(el('span', { class: 'level', text: b }), ' '); li.append(p); }
    if (meta.sk && meta.sk.length) {
      const ul = el('ul', { class: 'chips', 'aria-label': t('skills') });
      for (const s of meta.sk.slice(0, 6)) { const c = el('li'); highlight(c, s, toks); ul.append(c); }
      li.append(ul);
    }
    const dl = el('dl', { class: 'card-facts' });
    const fact = (k, v) => { if (v) dl.append(el('div', null, el('dt', { text: t(k) }), el('dd', { text: v }))); };
    fact('languages', (meta.la || []).join(' / '));
    fact('regions', (meta.r || []).join(t('list_separator')));
    fact('available_from', meta.a);
    if (dl.childNodes.length) li.append(dl);
  } else {
    const m = el('p', { class: 'card-meta' });
    if (mode === 'search') m.append(el('span', { class: 'card-kind', text: t('search_kind_' + meta.k) }));
    if (meta.d) { if (m.childNodes.length) m.append(' · '); m.append(el('time', { datetime: meta.dt, text: meta.d })); }
    if (meta.se) m.append(` · ${meta.se}${meta.n ? ' ' + fill(t('session_number'), { n: meta.n }) : ''}`);
    if (m.childNodes.length) li.append(m);
  }
  const summary = meta.s || '';
  const inSummary = toks.length && ranges(summary, toks).length;
  // the summary when it holds a match, else the phrase a CJK token matched,
  // else the body sentence holding a word (the metadata's `x`), else the summary
  const found = inSummary ? null : phrases && phrases.length ? `…${phrases[0]}…` : sentenceExcerpt(meta.x, toks);
  const excerpt = found || summary;
  if (excerpt && (meta.k !== 'talent' || inSummary || found)) {
    const p = el('p', { class: 'card-summary' });
    highlight(p, excerpt, toks);
    li.append(p);
  }
  return li;
}

/** A talent's facts line from its result metadata, as its profile's (src/render/views.rs
 *  `facts_line`): levels, where, how, remote, how long, from when. */
function factsLine(m, t) {
  const sep = t('list_separator');
  const items = [...(m.b || [])];
  if (m.r && m.r.length) items.push(m.r.join(sep));
  if (m.ty && m.ty.length) items.push(m.ty.join(sep));
  if (m.rm) items.push(t('facts_remote_ok'));
  if (m.e) items.push(m.e);
  if (m.a) items.push(m.a === t('available_now') ? m.a : fill(t('facts_available_from'), { date: m.a }));
  return items.join(' · ');
}

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

/** Appends `text` to `node` as text, with matches wrapped in <mark>. */
function highlight(node, text, toks) {
  let at = 0;
  for (const [s, e] of toks && toks.length ? ranges(text, toks) : []) {
    if (s > at) node.append(text.slice(at, s));
    node.append(el('mark', { text: text.slice(s, e) }));
    at = e;
  }
  if (at < text.length) node.append(text.slice(at));
}
