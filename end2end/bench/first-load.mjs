// First-load bytes of the portal pages (issue 13): what a citizen's browser downloads on a
// first visit with an empty cache, as Chromium counts it on the wire (compressed sizes,
// headers included), and how much of it is WASM. Prints Markdown table rows.
//
//   node bench/first-load.mjs http://127.0.0.1:3190
import { launchBrowser } from '../tests/support.mjs';

const base = process.argv[2];
if (!base) {
  console.error('usage: node bench/first-load.mjs BASE_URL');
  process.exit(2);
}
const pages = ['/', '/track', '/knowledge', '/login'];
const browser = await launchBrowser();
try {
  for (const path of pages) {
    const context = await browser.newContext({ locale: 'zh-CN' });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    const types = new Map();
    let total = 0;
    let wasm = 0;
    let requests = 0;
    let encoding = '';
    cdp.on('Network.responseReceived', (e) => {
      types.set(e.requestId, e.response.url);
      if (e.response.url.endsWith('.wasm')) {
        const headers = Object.fromEntries(
          Object.entries(e.response.headers).map(([k, v]) => [k.toLowerCase(), v]));
        encoding = headers['content-encoding'] ?? 'none';
      }
    });
    cdp.on('Network.loadingFinished', (e) => {
      requests += 1;
      total += e.encodedDataLength;
      if ((types.get(e.requestId) ?? '').endsWith('.wasm')) wasm += e.encodedDataLength;
    });
    await page.goto(base + path, { waitUntil: 'networkidle' });
    await page.waitForSelector('body[data-hydrated]', { timeout: 30_000 });
    const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
    console.log(`| \`${path}\` | ${requests} | ${kb(total)} | ${kb(wasm)} (${encoding}) |`);
    await context.close();
  }
} finally {
  await browser.close();
}
