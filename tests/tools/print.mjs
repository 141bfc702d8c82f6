// Prints pages to A4 PDF in Chromium, the way a recruiter would.
// usage: node print.mjs DIR MOUNT OUT.pdf PATH...
// For each PATH: `PRINT <path>`, then `HIDDEN <selector>` for each element the print
// stylesheet hides, `FOOTER <text>` (the print footer as printed, when it shows),
// `FIRST <selector>` (which of the facts table and the career summary prints first)
// and `PAGES n` (the PDF's page count). OUT.pdf holds the last page printed.
import fs from 'node:fs';
import { chromium } from 'playwright-core';
import { serve, CHROMIUM, CHROMIUM_ARGS } from './static-server.mjs';

const [dir, mount, out, ...paths] = process.argv.slice(2);
const server = await serve(dir, mount);
const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
const page = await browser.newPage();
for (const rel of paths) {
  console.log(`PRINT ${rel}`);
  await page.goto(`http://127.0.0.1:${server.address().port}${mount}${rel}`, { waitUntil: 'load' });
  await page.emulateMedia({ media: 'print' });
  for (const sel of ['.site-header', '.site-footer', '.enquire', '.skip-link', '.profile-stories']) {
    const shown = await page.evaluate(s => { const e = document.querySelector(s); return e && getComputedStyle(e).display !== 'none'; }, sel);
    if (shown === false) console.log(`HIDDEN ${sel}`);
  }
  const footer = await page.evaluate(() => {
    const f = document.querySelector('.print-footer');
    return f && getComputedStyle(f).display !== 'none' ? f.innerText.replace(/\s+/g, ' ').trim() : null;
  });
  if (footer) console.log(`FOOTER ${footer}`);
  const first = await page.evaluate(() => {
    const top = s => { const e = document.querySelector(s); return e ? e.getBoundingClientRect().top : Infinity; };
    return top('.profile-facts-table') < top('.profile-summary') ? '.profile-facts-table' : '.profile-summary';
  });
  console.log(`FIRST ${first}`);
  const pdf = await page.pdf({ format: 'A4', printBackground: false });
  fs.writeFileSync(out, pdf);
  const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) || []).length;
  console.log(`PAGES ${pages}`);
  await page.emulateMedia({ media: 'screen' });
}
await browser.close();
server.close();
