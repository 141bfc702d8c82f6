// Lighthouse 12 (accessibility, SEO, best practices) on pages of a built site, in Debian Chromium.
// usage: node lighthouse.mjs DIR MOUNT PATH...
// Prints one line per page: `SCORES <path> accessibility=1 seo=1 best-practices=1`, then
// `  FAILED <category> <audit id>: <title>` for every audit that lost points.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve, CHROMIUM, CHROMIUM_ARGS } from './static-server.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const [dir, mount, ...pages] = process.argv.slice(2);
const server = await serve(dir, mount);
const base = `http://127.0.0.1:${server.address().port}${mount}`;
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'lh-'));
const flags = ['--headless=new', ...CHROMIUM_ARGS].join(' ');
for (const p of pages) {
  const json = path.join(out, (p || 'home').replace(/[^\w.-]+/g, '_') + '.json');
  // asynchronous: the in-process server must keep answering while Lighthouse runs
  await new Promise((resolve, reject) => execFile(process.execPath,
    [path.join(here, 'node_modules/lighthouse/cli/index.js'), base + p, '--quiet', '--output=json', `--output-path=${json}`,
      '--only-categories=accessibility,seo,best-practices', `--chrome-flags=${flags}`],
    { env: { ...process.env, CHROME_PATH: CHROMIUM } }, e => e ? reject(e) : resolve()));
  const r = JSON.parse(fs.readFileSync(json, 'utf8'));
  if (r.runtimeError) { console.log(`ERROR ${p}: ${r.runtimeError.code}`); continue; }
  console.log(`SCORES ${p || '/'} ${Object.entries(r.categories).map(([k, c]) => `${k}=${c.score}`).join(' ')}`);
  for (const [k, c] of Object.entries(r.categories)) for (const ref of c.auditRefs) {
    const a = r.audits[ref.id];
    if (ref.weight > 0 && a.score !== null && a.score < 1) console.log(`  FAILED ${k} ${a.id}: ${a.title}`);
  }
}
server.close();
