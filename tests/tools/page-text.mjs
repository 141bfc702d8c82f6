// Opens one page of a built site in headless Chromium and prints its title and visible text.
// usage: node page-text.mjs DIR MOUNT PATH
import { chromium } from 'playwright-core';
import { serve, CHROMIUM, CHROMIUM_ARGS } from './static-server.mjs';

const [dir, mount, rel] = process.argv.slice(2);
const server = await serve(dir, mount);
const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
const page = await browser.newPage();
await page.goto(`http://127.0.0.1:${server.address().port}${mount}${rel}`);
console.log(`TITLE: ${await page.title()}`);
console.log(await page.innerText('body'));
await browser.close();
server.close();
