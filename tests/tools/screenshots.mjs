// Screenshots of pages at phone and desktop widths, and layout checks while at it.
// usage: node screenshots.mjs DIR MOUNT OUTDIR PATH...
// Prints `SHOT <file>` per screenshot, `OVERFLOW <path> <width> <scrollWidth>` when a page
// scrolls sideways at 320/375 px, and `EXTERNAL <url>` for any request that leaves 127.0.0.1.
import fs from 'node:fs';
import { chromium } from 'playwright-core';
import { serve, CHROMIUM, CHROMIUM_ARGS } from './static-server.mjs';

const [dir, mount, outdir, ...paths] = process.argv.slice(2);
fs.mkdirSync(outdir, { recursive: true });
const server = await serve(dir, mount);
const origin = `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
for (const width of [320, 375, 1280]) {
  for (const scheme of ['light', 'dark']) {
    if (scheme === 'dark' && width !== 375) continue;
    const ctx = await browser.newContext({ viewport: { width, height: 900 }, colorScheme: scheme });
    const page = await ctx.newPage();
    page.on('request', r => { if (!r.url().startsWith(origin) && !r.url().startsWith('data:')) console.log(`EXTERNAL ${r.url()}`); });
    for (const p of paths) {
      await page.goto(origin + mount + p, { waitUntil: 'load' });
      const sw = await page.evaluate(() => document.documentElement.scrollWidth);
      if (sw > width) console.log(`OVERFLOW ${p} ${width} ${sw}`);
      if (width !== 320) {
        const name = `${p.replace(/\/$/, '').replace(/[^\w]+/g, '_') || 'home'}-${width}${scheme === 'dark' ? '-dark' : ''}.png`;
        // a full-page capture of a long page now and then fails in headless Chromium
        // ("Unable to capture screenshot") on a busy machine: that is the harness, not
        // the page, so it is tried again (three times at most)
        for (let attempt = 1; ; attempt++) {
          try { await page.screenshot({ path: `${outdir}/${name}`, fullPage: true }); break; }
          catch (e) { if (attempt >= 3 || !/capture screenshot/i.test(String(e))) throw e; await page.waitForTimeout(500); }
        }
        console.log(`SHOT ${outdir}/${name}`);
      }
    }
    await ctx.close();
  }
}
await browser.close();
server.close();
