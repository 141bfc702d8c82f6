// tsunagi search: the filters of the talent directory and the search page — checkboxes,
// level and month selects, long lists folded with a finder — and the logic that filters
// documents and recounts every value. search.js builds them with `buildControls`.

import { numOf, upperBound, valuesOf } from './search-match.js';

/** An element with attributes (`class`, `text` for its text) and children. */
export function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === false || v === null || v === undefined) continue;
    if (k === 'class') e.className = v; else if (k === 'text') e.textContent = v; else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) if (c !== null && c !== undefined) e.append(c);
  return e;
}
/** `{name}` placeholders of an interface string, filled. */
export const fill = (s, vars) => s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? vars[k] : m));

/** The facets of each page, in the order they are shown. */
export const FACETS = { talents: ['job', 'skill', 'lang', 'region', 'type', 'remote', 'avail', 'tag'], search: ['kind', 'tag'] };
/** How many values of a long facet show before 「もっと見る」. */
const FEW = 10;

const LEVELS = { native: 100, N1: 15, N2: 14, N3: 13, N4: 12, N5: 11, C2: 6, C1: 5, B2: 4, B1: 3, A2: 2, A1: 1 };
const scale = l => (l === 'native' ? 'native' : /^N\d$/.test(l) ? 'jlpt' : /^[ABC]\d$/.test(l) ? 'cefr' : 'any');
/** Does `have` satisfy the requirement `want` (same scale, same or better; native satisfies all)? */
export function levelOk(have, want) {
  if (!want || want === 'any') return true;
  if (have === 'native') return true;
  return scale(have) === scale(want) && (LEVELS[have] || 0) >= (LEVELS[want] || 0);
}

/** The facet controls and the filter/count logic of one page. */
export function buildControls(cols, mode, state, t, changed, buildMonth) {
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

export function monthKey(m) { const y = Math.floor(m / 12); return `${String(y).padStart(4, '0')}-${String((m % 12) + 1).padStart(2, '0')}`; }
