// End-to-end live reload against a running `tsunagi serve`.
// usage: node serve-e2e.mjs URL SITE_DIR
// Prints "OK <step>" for each scenario that passed; exits non-zero on the first failure.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';
import { CHROMIUM, CHROMIUM_ARGS } from './static-server.mjs';

const [base, site] = process.argv.slice(2);
const TIMEOUT = 15000;
const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
const fail = async (msg) => {
  console.log(`FAIL ${msg}`);
  await browser.close();
  process.exit(1);
};
const file = (rel) => path.join(site, rel);
// an editor's atomic save: write a temporary file, rename it into place
const save = (rel, text) => {
  const tmp = path.join(path.dirname(file(rel)), `.${path.basename(rel)}.tmp${process.pid}`);
  fs.mkdirSync(path.dirname(file(rel)), { recursive: true });
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file(rel));
};
const connected = (page) => page.waitForFunction(() => window.__tsunagi && window.__tsunagi.connected, null, { timeout: TIMEOUT });

async function open(url) {
  const ctx = await browser.newContext({ viewport: { width: 800, height: 300 } });
  const page = await ctx.newPage();
  page.on('pageerror', (e) => console.log(`page error: ${e.message}`));
  const pending = new Set();
  page.on('request', (r) => pending.add(r.url()));
  page.on('requestfinished', (r) => pending.delete(r.url()));
  page.on('requestfailed', (r) => pending.delete(r.url()));
  page.pendingRequests = pending;
  // A page opened while the server finishes a rebuild (the search index
  // follows the pages) is told to reload once, possibly before its first
  // load event: wait for whichever document is current to load and
  // connect, instead of for the first navigation's load, which a reload
  // replaces (goto's default then waits until it times out).
  await page.goto(url, { waitUntil: 'commit' });
  for (let attempt = 0; ; attempt += 1) {
    try {
      await page.waitForLoadState('load', { timeout: TIMEOUT });
      await connected(page);
      return page;
    } catch (e) {
      if (attempt >= 2 || !/destroyed|navigat/i.test(String(e))) {
        throw new Error(`${e.message}\nopening ${url}; requests not finished: ${[...pending].join(', ') || 'none'}`);
      }
    }
  }
}

try {
  const a = await open(`${base}talents/t-a/`);
  const b = await open(`${base}talents/t-a/`);

  // 1. edit the Markdown: both pages show the new text without a manual reload,
  //    and the reload keeps the scroll position
  await a.evaluate(() => window.scrollTo(0, 150));
  const y0 = await a.evaluate(() => window.scrollY);
  const original = fs.readFileSync(file('content/talents/t-a.md'), 'utf8');
  const edited = original.replace('決済システム', '決済システムLIVE更新');
  save('content/talents/t-a.md', edited);
  for (const [name, page] of [['text-edit', a], ['second-page', b]]) {
    await page.waitForFunction(() => document.body.innerText.includes('LIVE更新'), null, { timeout: TIMEOUT })
      .catch(() => fail(`${name}: new text did not appear`));
    console.log(`OK ${name}`);
  }
  await connected(a);
  await a.waitForFunction((y) => Math.abs(window.scrollY - y) < 5, y0, { timeout: TIMEOUT })
    .catch(async () => fail(`scroll: ${await a.evaluate(() => window.scrollY)} instead of ${y0}`));
  console.log(`OK scroll-kept (${y0})`);

  // 2. edit CSS: the style changes, the page is not navigated (a marker survives)
  await a.evaluate(() => { window.__marker = 'still here'; });
  const themeCss = fs.readFileSync(new URL('../../themes/default/static/style.css', import.meta.url), 'utf8');
  save('static/style.css', `${themeCss}\nbody { background-color: rgb(1, 2, 3) !important; }\n`);
  await a.waitForFunction(() => getComputedStyle(document.body).backgroundColor === 'rgb(1, 2, 3)', null, { timeout: TIMEOUT })
    .catch(() => fail('css: style did not change'));
  if ((await a.evaluate(() => window.__marker)) !== 'still here') await fail('css: the page was reloaded');
  console.log('OK css-swap');

  // 3. break the front matter: an overlay names the file and line
  save('content/talents/t-a.md', edited.replace('display_name: アミールさん', 'display_name: [アミールさん'));
  await a.waitForSelector('#__tsunagi_overlay', { timeout: TIMEOUT }).catch(() => fail('overlay: not shown'));
  const overlay = await a.innerText('#__tsunagi_overlay');
  if (!/content\/talents\/t-a\.md:3:\d+/.test(overlay)) await fail(`overlay: no file:line:column in ${overlay}`);
  if (!overlay.includes('[アミールさん')) await fail(`overlay: no source line in ${overlay}`);
  // the other page shows it too, and the last good page is still underneath
  await b.waitForSelector('#__tsunagi_overlay', { timeout: TIMEOUT }).catch(() => fail('overlay: not on the second page'));
  console.log(`OK overlay (${overlay.split('\n').find((l) => l.includes('t-a.md'))})`);

  // 4. fix it: the overlay goes
  save('content/talents/t-a.md', edited.replace('決済システムLIVE更新', '決済システム復旧'));
  await a.waitForFunction(() => !document.getElementById('__tsunagi_overlay') && document.body.innerText.includes('復旧'), null, { timeout: TIMEOUT })
    .catch(() => fail('recovery: overlay still there or text not updated'));
  console.log('OK recovered');

  // 5. delete a page that is open: it becomes the 404 page
  await a.goto(`${base}talents/t-c/`);
  await connected(a);
  const got404 = new Promise((resolve) => {
    a.on('response', (r) => { if (r.request().isNavigationRequest() && r.status() === 404) resolve(r.url()); });
  });
  fs.unlinkSync(file('content/talents/t-c.md'));
  const url = await Promise.race([got404, new Promise((r) => setTimeout(() => r(null), TIMEOUT))]);
  if (!url) await fail('delete: no 404 after deleting the page');
  console.log(`OK deleted-404 (${url})`);

  // 6. the search index follows the pages: a search page finds the new
  //    word after its own reload; a page that does not read the index
  //    reloads once for the edit, not again for the index
  const search = await open(`${base}search/?q=${encodeURIComponent('索引追従')}`);
  const story = await open(`${base}talents/t-a/`);
  let navigations = 0;
  story.on('framenavigated', (f) => { if (f === story.mainFrame()) navigations += 1; });
  const tb = fs.readFileSync(file('content/talents/t-b.md'), 'utf8');
  save('content/talents/t-b.md', `${tb}\n索引追従のテストです。\n`);
  await search.waitForFunction(() => (document.getElementById('results') || {}).innerText?.includes('マリー'), null, { timeout: TIMEOUT })
    .catch(async () => fail(`search-follows: no result; shows ${await search.innerText('#results').catch(() => '?')}`));
  await story.waitForTimeout(500);
  if (navigations !== 1) await fail(`search-follows: the talent page loaded ${navigations} times`);
  console.log('OK search-follows');
} catch (e) {
  await fail(`exception: ${e.stack || e}`);
}
await browser.close();
