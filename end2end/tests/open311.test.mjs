// Open311 GeoReport v2 (SPEC I2) from outside: an administrator issues a key on the admin
// page (shown once), a third-party client (PyPI `georeport`) reads the services and files
// and finds a request with it, the request waits on the agents' list as channel open311,
// the key's use shows on the page, and a revoked key files nothing more.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import {
  apiSession, launchBrowser, openPage, repoRoot, shot, signIn, startServer, visit, waitingRequests,
} from './support.mjs';

let server;
let browser;

before(async () => {
  server = await startServer({ demo: true });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('a key issued on the admin page files through a third-party Open311 client, then is revoked', async () => {
  const python = process.env.HOTLINE_GEOREPORT_PYTHON;
  assert.ok(python, 'HOTLINE_GEOREPORT_PYTHON is set by scripts/setup.sh (setup_open311_client)');
  const page = await openPage(browser);
  await signIn(page, server.base, 'admin');
  await visit(page, server.base, '/admin/api-keys');
  await page.waitForSelector('[data-testid="api-key-form"]');
  assert.match(await page.textContent('main'), /open311\/v2\/discovery\.json/);

  // A label is required, named at the field.
  await page.click('[data-testid="api-key-form"] button[type="submit"]');
  await page.waitForSelector('#a-label[aria-invalid="true"]');

  await page.fill('#a-label', '秦都区政务 App');
  await page.click('[data-testid="api-key-form"] button[type="submit"]');
  const secret = (await (await page.waitForSelector('[data-testid="api-key-secret"]')).textContent()).trim();
  assert.match(secret, /^[0-9a-f]{64}$/);
  await page.waitForSelector('[data-testid="api-key-row"]');
  const row = await page.textContent('[data-testid="api-key-row"]');
  assert.ok(row.includes('秦都区政务 App') && row.includes(`${secret.slice(0, 8)}…`), row);
  assert.ok(!row.includes(secret), 'the list shows only the key’s first characters');
  await shot(page, 'admin-api-keys-issued.png');

  // The third-party client reads, files and finds the request.
  const { stdout } = await promisify(execFile)(
    python, [resolve(repoRoot, 'end2end', 'open311', 'georeport_check.py'), server.base, secret],
    { timeout: 120_000 },
  );
  const number = stdout.trim();
  assert.match(number, /^\d{14}$/);
  const agent = await apiSession(server.base, 'agent');
  const waiting = await waitingRequests(server.base, agent);
  const filed = waiting.find((r) => r.tracking_number === number);
  assert.ok(filed, 'the Open311 request waits on the agents’ list');
  assert.equal(filed.channel, 'open311');

  // The page shows the key's use after a reload; the key itself is gone for good.
  await visit(page, server.base, '/admin/api-keys');
  await page.waitForSelector('[data-testid="api-key-row"]');
  const used = await page.textContent('[data-testid="api-key-row"]');
  assert.ok(!used.includes('从未'), used);
  assert.equal((await page.textContent('[data-testid="api-key-row"] td.num')).trim(), '1');
  assert.equal(await page.$('[data-testid="api-key-secret"]'), null);

  // Revoked after a confirmation: the state says so and the key files nothing more.
  page.once('dialog', (dialog) => dialog.accept());
  await page.click('[data-testid="api-key-revoke"]');
  await page.waitForFunction(() => document.querySelector('[data-testid="api-key-state"]')?.textContent.includes('已吊销'));
  assert.equal(await page.$('[data-testid="api-key-revoke"]'), null);
  await shot(page, 'admin-api-keys-revoked.png');
  const refused = await fetch(`${server.base}/open311/v2/requests.json`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      api_key: secret, service_code: '0101', description: '路灯不亮', phone: '13700001311', address_string: '人民路',
    }),
  });
  assert.equal(refused.status, 403);
  const problems = await refused.json();
  assert.equal(problems[0].code, 403);
  assert.deepEqual(page.errors, []);
});
