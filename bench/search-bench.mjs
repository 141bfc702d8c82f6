// Bytes fetched and time to results for search queries on a built site, in headless Chromium.
// usage: node bench/search-bench.mjs DIR [MOUNT]
// Prints one JSON object: per scenario the bytes of every response (HTML, CSS, JS, manifest,
// shards, metadata, facets) since the previous step, the number of requests, and the time from
// the last index file arriving to the results being in the page (performance measure
// `tsunagi-search-ready` set by search.js).
import { chromium } from '../tests/tools/node_modules/playwright-core/index.mjs';
import { serve, CHROMIUM, CHROMIUM_ARGS } from '../tests/tools/static-server.mjs';

const [dir, mount = '/'] = process.argv.slice(2);
const server = await serve(dir, mount);
const base = `http://127.0.0.1:${server.address().port}${mount}`;
const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });

async function session(path, steps) {
  const context = await browser.newContext();
  const page = await context.newPage();
  let log = [];
  page.on('response', async r => {
    const url = new URL(r.url());
    if (url.pathname.endsWith('favicon.ico')) return;
    let n = 0;
    try { n = (await r.body()).length; } catch { /* redirects have no body */ }
    log.push({ path: decodeURIComponent(url.pathname.slice(mount.length)), bytes: n });
  });
  const runs = () => page.evaluate(() => Number(document.querySelector('[data-search-index]').dataset.runs || 0));
  const settled = prev => page.waitForFunction(prev => {
    const r = document.querySelector('[data-search-index]');
    const i = r.querySelector('input[type="search"]');
    return r.dataset.state === 'ready' && Number(r.dataset.runs || 0) > prev && r.dataset.query === (i ? i.value.trim() : '');
  }, prev, { timeout: 60000 });
  const take = async label => {
    await page.waitForLoadState('networkidle');
    const last = name => page.evaluate(n => { const m = performance.getEntriesByName(n); return m.length ? Math.round(m[m.length - 1].duration * 10) / 10 : null; }, name);
    const readyMs = await last('tsunagi-search-ready');
    const count = await page.evaluate(() => Number(document.querySelector('[data-search-index]').dataset.count));
    const by = {};
    for (const e of log) {
      const k = e.path.includes('search-index/') ? e.path.split('search-index/')[1].split('/')[0].replace('.json', '') : e.path.split('.').pop() || 'html';
      by[k] = (by[k] || 0) + e.bytes;
    }
    const total = log.reduce((a, e) => a + e.bytes, 0);
    const result = { step: label, results: count, requests: log.length, bytes: total, by, readyMs };
    log = [];
    return result;
  };
  const out = [];
  await page.goto(base + path);
  await settled(0);
  out.push(await take(`open ${path}`));
  for (const s of steps) {
    const prev = await runs();
    const input = page.locator('[data-search-index] input[type="search"]').first();
    await input.fill('');
    if (s.q) await input.pressSequentially(s.q, { delay: 30 });
    else await settled(prev);
    if (s.q) await settled(prev);
    out.push(await take(`query ${s.q}`));
  }
  await context.close();
  return out;
}

const report = {
  search: await session('search/', [{ q: 'エンジニア' }, { q: 'ソフトウェアエンジニア' }, { q: 'python' }, { q: '介護 東京都' }, { q: 'の' }]),
  talents: await session('talents/', [{ q: 'python' }, { q: '通訳' }]),
};
console.log(JSON.stringify(report, null, 1));
await browser.close();
server.close();
