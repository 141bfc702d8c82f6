// The recruiter's shortlist: profile numbers kept in this browser's localStorage
// (no account; nothing is sent anywhere). A ☆ button on talent cards (search.js) and
// on profiles (a `[data-shortlist-id]` slot, shown only by this script, so readers
// without JavaScript see no button) adds or removes a profile; the talent directory
// shows the saved ones with one enquiry link naming them all (search.js).
const KEY = 'tsunagi-shortlist';
const ID = /^[A-Za-z0-9-]{1,40}$/;
const MAX = 50;

/** The saved profile numbers, oldest first (only well-formed ones). */
export function read() {
  let v = [];
  try { v = JSON.parse(localStorage.getItem(KEY) || '[]'); } catch { v = []; }
  return Array.isArray(v) ? [...new Set(v.filter(s => typeof s === 'string' && ID.test(s)))].slice(0, MAX) : [];
}

export function write(ids) {
  try { localStorage.setItem(KEY, JSON.stringify(ids.slice(0, MAX))); } catch { /* storage off: nothing kept */ }
}

/** A ☆ button for profile `id`; `onChange(saved)` after each press. */
export function star(id, text, label, onChange) {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = 'shortlist-star';
  b.dataset.shortlistId = id;
  b.setAttribute('aria-label', label);
  const show = () => {
    const on = read().includes(id);
    b.setAttribute('aria-pressed', String(on));
    b.textContent = (on ? '★ ' : '☆ ') + text;
  };
  b._refresh = show;
  b.addEventListener('click', () => {
    const ids = read().filter(x => x !== id);
    const on = !read().includes(id);
    write(on ? ids.concat(id) : ids);
    show();
    if (onChange) onChange(on);
  });
  show();
  return b;
}

// As src/render/enquiry.rs: everything but RFC 3986's unreserved characters encoded.
const encode = s => encodeURIComponent(s).replace(/[!'()*]/g, c => '%' + c.charCodeAt(0).toString(16).toUpperCase());

/** The enquiry link for `profiles` ({id, url}) from site.yaml's contact_url template,
 *  exactly as src/render/enquiry.rs fills it for one profile. */
export function enquiryUrl(template, profiles, subject, body) {
  const ids = profiles.map(p => p.id);
  const urls = profiles.map(p => p.url);
  if (template.includes('{ids}') || template.includes('{urls}')) {
    return template.split('{ids}').join(encode(ids.join(', '))).split('{urls}').join(encode(urls.join(' ')));
  }
  const hash = template.indexOf('#');
  const address = hash < 0 ? template : template.slice(0, hash);
  const fragment = hash < 0 ? null : template.slice(hash + 1);
  const params = [];
  if (/^mailto:/i.test(address)) {
    const q = address.includes('?') ? address.slice(address.indexOf('?') + 1) : '';
    const has = key => q.split('&').some(kv => kv.split('=')[0].toLowerCase() === key);
    const fill = (text, sep) => text.split('{ids}').join(ids.join(', ')).split('{urls}').join(urls.join(sep));
    if (!has('subject')) params.push('subject=' + encode(fill(subject, ' ').replace(/[\r\n]/g, ' ')));
    if (!has('body')) params.push('body=' + encode(fill(body, '\n').replace(/\r\n/g, '\n').replace(/\n/g, '\r\n')));
  } else {
    params.push('talent=' + ids.map(encode).join(','));
  }
  let out = address;
  for (const p of params) out += (out.includes('?') ? '&' : '?') + p;
  return fragment === null ? out : out + '#' + fragment;
}

// a profile page: its ☆
const slot = typeof document !== 'undefined' ? document.querySelector('[data-shortlist-id]') : null;
if (slot && ID.test(slot.dataset.shortlistId)) {
  slot.append(star(slot.dataset.shortlistId, slot.dataset.text || '', slot.dataset.label || ''));
  slot.hidden = false;
}
