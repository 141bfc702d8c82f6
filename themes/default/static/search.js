// tsunagi search: the in-browser half of src/search (no dependencies, no build step).
//
// Loaded only by the search page and the talent directory. It reads the index the
// build wrote under <lang>/search-index/ (see src/search/mod.rs for the format),
// fetching the manifest once and then only the shards a query needs. Tokenising
// mirrors src/search/tokenize.rs exactly: NFKC + lower case; CJK runs matched as
// exact substrings (bigrams, with positions for 3+ characters); other words by prefix.
// Everything from the index is inserted with textContent / DOM nodes, never as HTML.

import * as shortlist from './shortlist.js';
import { Index, match, numOf, ranges, sentenceExcerpt } from './search-match.js';
import { FACETS, buildControls, el, fill } from './search-facets.js';

// what the tests and other scripts use, from one place
export { Index, match, tokens, normalize, hash, wordKey, isCjk, adjacent, ranges, sentenceExcerpt } from './search-match.js';
export { levelOk } from './search-facets.js';

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


const PARAMS = ['kind', 'tag', 'job', 'skill', 'region', 'type', 'remote', 'lang'];

async function start(root) {
  const mode = root.dataset.searchMode === 'talents' ? 'talents' : 'search';
  const index = await new Index(root.dataset.searchIndex).load();
  const m = index.m;
  const ui = (root._ui = m.ui);
  const t = k => ui[k] || k;
  const [lo, hi] = mode === 'talents' ? m.kinds.talent : [0, m.docs];
  const pageSize = mode === 'talents' ? m.paginate : 10;

  // state from the URL
  const url = new URL(location.href);
  // the directory as it opens (no words, no filter, no sort in the link): its first
  // page is the first profiles in document order, so their cards are fetched now,
  // beside the filters, rather than after them
  if (mode === 'talents' && ![...url.searchParams.keys()].length) for (let d = lo; d < Math.min(hi, lo + pageSize); d++) index.meta(d).catch(() => {});
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
