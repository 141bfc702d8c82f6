// The requests a page makes before its search results show, on a slow network.
// usage: node waterfall.mjs DIR MOUNT PATH [LATENCY_MS]
//   Serves DIR under MOUNT with every response held back LATENCY_MS (default 150),
//   as a phone network's round trip would, opens PATH in headless Chromium and waits
//   for the search to be ready. Prints one line `RESULT <json>`: each request
//   (path, start and end in ms from navigation), `ready` (ms), and `depth`: the
//   longest chain of requests each of which started only after the one before it
//   ended — the round trips the reader waits for, whatever the machine's speed.
import http from 'node:http';
import { chromium } from 'playwright-core';
import { serve, CHROMIUM, CHROMIUM_ARGS } from './static-server.mjs';

const [dir, mount, path, latencyArg] = process.argv.slice(2);
const latency = Number(latencyArg || 150);
const inner = await serve(dir, mount);
const innerPort = inner.address().port;
// a proxy in front of the static server: the same bytes, each answer delayed
const slow = http.createServer((req, res) => {
  setTimeout(() => {
    const up = http.request({ host: '127.0.0.1', port: innerPort, path: req.url, method: req.method, headers: req.headers }, r => {
      res.writeHead(r.statusCode, r.headers);
      r.pipe(res);
    });
    up.end();
  }, latency);
});
await new Promise(r => slow.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${slow.address().port}`;
const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
const page = await browser.newPage();
let exit = 0;
try {
  await page.goto(base + mount + path, { waitUntil: 'commit' });
  await page.waitForFunction(() => document.querySelector('[data-search-index]')?.dataset.state === 'ready', null, { timeout: 60000 });
  const out = await page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    const reqs = [{ path: location.pathname + location.search, start: 0, end: Math.round(nav.responseEnd) }]
      .concat(performance.getEntriesByType('resource').map(e => ({ path: new URL(e.name).pathname, start: Math.round(e.startTime), end: Math.round(e.responseEnd) })));
    const ready = performance.getEntriesByType('measure').filter(m => m.name === 'tsunagi-search-ready').map(m => Math.round(m.startTime + m.duration)).pop();
    return { reqs, ready };
  });
  // longest chain: a request depends on one that ended before it started
  const reqs = out.reqs.sort((a, b) => a.start - b.start);
  const depth = [];
  for (let i = 0; i < reqs.length; i++) {
    depth[i] = 1;
    for (let j = 0; j < i; j++) if (reqs[j].end <= reqs[i].start) depth[i] = Math.max(depth[i], depth[j] + 1);
  }
  console.log('RESULT ' + JSON.stringify({ ...out, reqs, depth: Math.max(...depth), latency }));
} catch (e) {
  console.error(e);
  exit = 1;
} finally {
  await browser.close();
  slow.close();
  inner.close();
}
process.exit(exit);
