// axe-core (WCAG 2.0/2.1 A and AA, plus best practices) on every HTML page of a built site, in Debian Chromium.
// usage: node axe.mjs DIR [MOUNT]   — MOUNT is the base path the site is built for (default /).
// Exit 1 if any page has a violation; every violation is listed.
import { chromium } from 'playwright-core';
import { createRequire } from 'node:module';
import { serve, htmlFiles, CHROMIUM, CHROMIUM_ARGS } from './static-server.mjs';

const require = createRequire(import.meta.url);
const axePath = require.resolve('axe-core/axe.min.js');
const [dir, mount = '/'] = process.argv.slice(2);
const server = await serve(dir, mount);
const base = `http://127.0.0.1:${server.address().port}${mount}`;
const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
let bad = 0;
const pages = htmlFiles(dir);
const tags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];
// Several pages at a time: each is independent.
const queue = [...pages];
async function worker() {
  const page = await browser.newPage();
  for (let rel = queue.shift(); rel; rel = queue.shift()) {
    await page.goto(base + rel.split('/').map(encodeURIComponent).join('/'));
    await page.addScriptTag({ path: axePath });
    const r = await page.evaluate(t => axe.run(document, { runOnly: { type: 'tag', values: t } }), tags);
    for (const v of r.violations) {
      bad++;
      console.log(`${rel}: [${v.impact}] ${v.id}: ${v.help} (${v.nodes.length}x) e.g. ${v.nodes[0].target.join(' ')}`);
    }
  }
  await page.close();
}
await Promise.all([worker(), worker(), worker()]);
await browser.close();
server.close();
console.log(`axe: ${pages.length} pages, ${bad} violations`);
process.exit(bad ? 1 : 0);
