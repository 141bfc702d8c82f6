// Prints one page to A4 PDF in Chromium, the way a recruiter would.
// usage: node print.mjs DIR MOUNT PATH OUT.pdf
// Prints `PAGES n` (PDF page count) and `HIDDEN <selector>` for each navigation element the print stylesheet hides.
import fs from 'node:fs';
import { chromium } from 'playwright-core';
import { serve, CHROMIUM, CHROMIUM_ARGS } from './static-server.mjs';

const [dir, mount, rel, out] = process.argv.slice(2);
const server = await serve(dir, mount);
const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
const page = await browser.newPage();
await page.goto(`http://127.0.0.1:${server.address().port}${mount}${rel}`);
await page.emulateMedia({ media: 'print' });
for (const sel of ['.site-header', '.site-footer', '.enquire', '.skip-link']) {
  const shown = await page.evaluate(s => { const e = document.querySelector(s); return e && getComputedStyle(e).display !== 'none'; }, sel);
  if (shown === false) console.log(`HIDDEN ${sel}`);
}
const pdf = await page.pdf({ format: 'A4', printBackground: false });
fs.writeFileSync(out, pdf);
const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) || []).length;
console.log(`PAGES ${pages}`);
await browser.close();
server.close();
