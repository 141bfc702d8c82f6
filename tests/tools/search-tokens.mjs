// Prints how the deployed search client tokenises and hashes text, for comparison with Rust.
// usage: node search-tokens.mjs SEARCH_JS STRINGS_JSON
// One line per input: `TOKENS <json>` with [kind, token, hash, shard key] per token
// (kind "w" for a word, "j" for a CJK run; the shard key of a word is its first two characters).
import { pathToFileURL } from 'node:url';

const [js, input] = process.argv.slice(2);
const { normalize, tokens, hash, wordKey } = await import(pathToFileURL(js).href);
for (const s of JSON.parse(input)) {
  const out = tokens(normalize(s)).map(t => (t.word !== undefined
    ? ['w', t.word, hash(t.word), wordKey(t.word)]
    : ['j', t.cjk, hash(t.cjk), t.cjk]));
  console.log('TOKENS ' + JSON.stringify(out));
}
