// Runs queries with the deployed search client (DIR/search.js) in Node against a built site's
// index, served from DIR on 127.0.0.1 under MOUNT; for recall and precision tests.
// usage: node search-query.mjs DIR MOUNT INDEX_DIR QUERIES_FILE
//   INDEX_DIR: the index folder relative to the mount, e.g. search-index/
// One line per query: `QUERY <json>` with the query and the sorted URLs of every match.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { serve } from './static-server.mjs';

const [dir, mount, indexDir, file] = process.argv.slice(2);
const server = await serve(dir, mount);
try {
  const { Index, match } = await import(pathToFileURL(path.join(dir, 'search.js')).href);
  const index = await new Index(`http://127.0.0.1:${server.address().port}${mount}${indexDir}`).load();
  for (const q of JSON.parse(fs.readFileSync(file, 'utf8'))) {
    const r = await match(index, q);
    const urls = r ? await Promise.all([...r.scores.keys()].map(d => index.meta(d).then(m => m.u))) : [];
    console.log('QUERY ' + JSON.stringify({ q, urls: urls.sort() }));
  }
} finally {
  server.close();
}
