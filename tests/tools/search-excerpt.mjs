// Prints the excerpt the deployed search client cuts from body sentences for a query.
// usage: node search-excerpt.mjs SEARCH_JS CASES_JSON   (CASES: [[sentences, query], …])
// One line per case: `EXCERPT <json>` (a string, or null when no sentence holds the query).
import { pathToFileURL } from 'node:url';

const [js, input] = process.argv.slice(2);
const { normalize, tokens, sentenceExcerpt } = await import(pathToFileURL(js).href);
for (const [sentences, query] of JSON.parse(input)) {
  console.log('EXCERPT ' + JSON.stringify(sentenceExcerpt(sentences, tokens(normalize(query)))));
}
