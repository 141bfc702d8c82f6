// Drives the search page and the talent directory of a built site in headless Chromium.
// usage: node search-e2e.mjs DIR MOUNT STEPS_JSON
//   DIR is served on 127.0.0.1 under MOUNT (the base_url path, e.g. /jobs/).
//   STEPS_JSON: a JSON array of steps, run in order; "report" steps print one line
//   `RESULT <json>` with what the page shows, for the Rust test to compare exactly.
// Steps: {goto: "search/?q=x"} {type: "text", into?: selector} {clear: true}
//        {check: {name, value}} {select: "label", value} {open: "selector"} (a click that
//        reruns the search, e.g. opening the filter panel) {more: true} {press: "Key"}
//        {report: "label"} {counts: "facet"} {options: "label"} {focus: "label"}
//        {eval: "js expression", label} {axe: "label"} {reload: true}
//        {viewport: [width, height]} (a phone's screen, say; then goto or reload)
//        {scroll: y}                 (scrolls the page to y px)
//        {tap: "selector"} (a real click that starts no search: opening or closing a panel, a ☆)
//        {shortlist: "label"} (waits for the directory's shortlist; prints what it shows and stores)
//        {find: "text", into: selector} (types into a box that starts no search: a facet's finder)
//        {press: "Key", settle: true} (a key that starts a search)
//        {media: "print"} (the page as it prints; "screen" again after)
//        {store: "json"} (sets the saved shortlist, as a visit before this one left it)
// Any page error, console error or failed request fails the run (exit 1).
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';
import { serve, CHROMIUM, CHROMIUM_ARGS } from './static-server.mjs';

const require = createRequire(import.meta.url);
const [dir, mount, stepsArg] = process.argv.slice(2);
const steps = JSON.parse(stepsArg.trim().startsWith('[') ? stepsArg : fs.readFileSync(stepsArg, 'utf8'));
const server = await serve(dir, mount);
const base = `http://127.0.0.1:${server.address().port}${mount}`;
const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
const page = await browser.newPage();
const problems = [];
page.on('pageerror', e => problems.push(`page error: ${e}`));
// the browser asks for /favicon.ico outside the mount; the site has none
page.on('console', m => { if (m.type() === 'error' && !m.location().url.endsWith('/favicon.ico')) problems.push(`console error: ${m.text()}`); });
// a request cut short by the next navigation (the favicon, say) is not a failure
page.on('requestfailed', r => { if (r.failure()?.errorText !== 'net::ERR_ABORTED') problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`); });
page.on('response', r => { if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) problems.push(`HTTP ${r.status()}: ${r.url()}`); });
const out = (label, value) => console.log('RESULT ' + JSON.stringify({ label, ...value }));

const runs = () => page.evaluate(() => Number(document.querySelector('[data-search-index]').dataset.runs || 0));
async function settled(prev) {
  await page.waitForFunction(prev => {
    const r = document.querySelector('[data-search-index]');
    if (!r || r.dataset.state === 'error') return true;
    const i = r.querySelector('input[type="search"]');
    return r.dataset.state === 'ready' && Number(r.dataset.runs || 0) > prev && r.dataset.query === (i ? i.value.trim() : '');
  }, prev, { timeout: 15000 });
  // a page without search.js (a profile): nothing to wait for
  const state = await page.evaluate(() => document.querySelector('[data-search-index]')?.dataset.state);
  if (state === 'error') problems.push('search reported an error: ' + await page.textContent('.search-status'));
}
const input = sel => page.locator(sel || '[data-search-index] input[type="search"]').first();

try {
  for (const step of steps) {
    if (step.goto !== undefined) {
      await page.goto(base + step.goto);
      await settled(0);
    } else if (step.media !== undefined) {
      // {media: "print"} (or "screen"): the page as printed, without a dialog
      await page.emulateMedia({ media: step.media });
    } else if (step.viewport) {
      await page.setViewportSize({ width: step.viewport[0], height: step.viewport[1] });
    } else if (step.scroll !== undefined) {
      await page.evaluate(y => window.scrollTo(0, y), step.scroll);
    } else if (step.reload) {
      await page.reload();
      await settled(0);
    } else if (step.clear) {
      const prev = await runs();
      await input(step.into).fill('');
      await settled(prev);
    } else if (step.find !== undefined) {
      // {find: "text", into: selector}: typing into a box that searches nothing (a facet's finder)
      await page.locator(step.into).fill('');
      await page.locator(step.into).pressSequentially(step.find, { delay: 15 });
    } else if (step.type !== undefined) {
      const prev = await runs();
      await input(step.into).pressSequentially(step.type, { delay: 15 });
      await settled(prev);
    } else if (step.check) {
      const prev = await runs();
      await page.locator(`input[name="${step.check.name}"][value="${step.check.value}"]`).click();
      await settled(prev);
    } else if (step.open !== undefined) {
      const prev = await runs();
      await page.click(step.open);
      await settled(prev);
    } else if (step.select !== undefined) {
      const prev = await runs();
      await page.getByLabel(step.select, { exact: true }).selectOption(step.value);
      await settled(prev);
    } else if (step.tap !== undefined) {
      await page.click(step.tap);
      // what the click queued (a details element's toggle event, its handlers) has run
      await page.evaluate(() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 0)))));
    } else if (step.shortlist !== undefined) {
      await page.waitForFunction(() => { const r = document.querySelector('[data-search-index]'); return !r || r.dataset.shortlist === 'ready'; }, null, { timeout: 15000 });
      out(step.shortlist, await page.evaluate(() => {
        const box = document.querySelector('.shortlist');
        const a = box && box.querySelector('.shortlist-enquire');
        return {
          stored: localStorage.getItem('tsunagi-shortlist'),
          shown: !!box && !box.hidden,
          heading: box?.querySelector('h2')?.textContent ?? null,
          cards: box ? [...box.querySelectorAll('.card-title a')].map(x => x.getAttribute('href')) : [],
          skills: box ? [...box.querySelectorAll('.chips')].map(c => c.children.length) : [],
          facts: box ? [...box.querySelectorAll('.card-facts')].map(c => c.textContent.length) : [],
          note: box?.querySelector('.shortlist-dropped')?.textContent ?? null,
          enquire: a ? { href: a.getAttribute('href'), text: a.textContent } : null,
          pressed: [...document.querySelectorAll('.shortlist-star[aria-pressed="true"]')].map(b => b.dataset.shortlistId),
          stars: document.querySelectorAll('.shortlist-star').length,
        };
      }));
    } else if (step.store !== undefined) {
      await page.evaluate(v => localStorage.setItem('tsunagi-shortlist', v), step.store);
    } else if (step.more) {
      const before = await page.evaluate(() => document.querySelector('[data-search-index]').dataset.shown);
      await page.click('.search-more');
      await page.waitForFunction(b => document.querySelector('[data-search-index]').dataset.shown !== b, before);
    } else if (step.press) {
      const prev = await runs();
      await page.keyboard.press(step.press);
      // {press, settle: true}: a key that starts a search (Enter ticking a match)
      if (step.settle) await settled(prev);
    } else if (step.report !== undefined) {
      out(step.report, await page.evaluate(() => {
        const r = document.querySelector('[data-search-index]');
        const items = [...r.querySelectorAll('.search-results > li')].map(li => ({
          title: li.querySelector('.card-title').textContent,
          url: li.querySelector('.card-title a').getAttribute('href'),
          marks: [...li.querySelectorAll('mark')].map(m => m.textContent),
          excerpt: li.querySelector('.card-summary')?.textContent ?? null,
        }));
        const u = new URL(location.href);
        return {
          query: r.dataset.query, count: Number(r.dataset.count), status: r.querySelector('.search-status').textContent,
          search: decodeURIComponent(u.search), items, more: !r.querySelector('.search-more').hidden,
          staticVisible: [...r.querySelectorAll('[data-search-static]')].some(e => !e.hidden),
        };
      }));
    } else if (step.counts !== undefined) {
      out('counts:' + step.counts, { values: await page.$$eval(`fieldset.facet-${step.counts} li`, lis => lis.map(li => li.textContent.trim())) });
    } else if (step.options !== undefined) {
      out('options:' + step.options, { values: await page.getByLabel(step.options, { exact: true }).evaluate(s => [...s.options].map(o => o.textContent)) });
    } else if (step.focus !== undefined) {
      out('focus:' + step.focus, await page.evaluate(() => ({ tag: document.activeElement.tagName, text: document.activeElement.textContent, id: document.activeElement.id })));
    } else if (step.eval !== undefined) {
      out(step.label || step.eval, { value: await page.evaluate(step.eval) });
    } else if (step.axe !== undefined) {
      await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
      const r = await page.evaluate(() => axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } }));
      out('axe:' + step.axe, { violations: r.violations.map(v => `${v.id}: ${v.help} (${v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(', ')})`) });
    } else {
      throw new Error('unknown step ' + JSON.stringify(step));
    }
  }
} catch (e) {
  problems.push(String(e && e.stack || e));
}
for (const p of problems) console.log('PROBLEM ' + p);
await browser.close();
server.close();
process.exit(problems.length ? 1 : 0);
