// Runs steps on pages of a built site in headless Chromium (pages without search.js:
// profiles, the contact page). usage: node page-e2e.mjs DIR MOUNT STEPS_JSON
//   DIR is served on 127.0.0.1 under MOUNT (the base_url path, e.g. /).
//   STEPS_JSON: a JSON array (or a file holding one) of steps, run in order:
//     {viewport: [width, height]}  {goto: "talents/t-1/"}  {scroll: y}
//     {eval: "js expression", label}  (prints `RESULT {"label", "value"}`)
//     {axe: "label"}                   (prints `RESULT {"label": "axe:…", "violations"}`)
// Any page error, console error, failed request or HTTP error fails the run (exit 1).
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
page.on('console', m => { if (m.type() === 'error' && !m.location().url.endsWith('/favicon.ico')) problems.push(`console error: ${m.text()}`); });
page.on('requestfailed', r => { if (r.failure()?.errorText !== 'net::ERR_ABORTED') problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`); });
page.on('response', r => { if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) problems.push(`HTTP ${r.status()}: ${r.url()}`); });
const out = (label, value) => console.log('RESULT ' + JSON.stringify({ label, ...value }));

try {
  for (const step of steps) {
    if (step.viewport) {
      await page.setViewportSize({ width: step.viewport[0], height: step.viewport[1] });
    } else if (step.goto !== undefined) {
      await page.goto(base + step.goto, { waitUntil: 'load' });
    } else if (step.scroll !== undefined) {
      await page.evaluate(y => window.scrollTo(0, y), step.scroll);
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
