// A call rings on the agent's extension (SPEC I3, A1): the telephone system posts a signed
// event and the agent's open desk pops the caller card with the caller's history, at once
// and without a reload. A replayed event pops nothing new.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launchBrowser, openPage, postCallEvent, shot, signIn, startServer } from './support.mjs';

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

test('a ringing call pops the caller card on the agent desk', async () => {
  // The caller filed a request on the web before.
  const filed = await fetch(`${server.base}/api/v1/requests`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      category: '0101', content: '小区路灯坏了一个月没人修。', contact_name: '孙女士',
      phone: '13600007777', district: '610402', address: '文林路 3 号', anonymous: false,
    }),
  }).then((r) => r.json());

  const page = await openPage(browser);
  await signIn(page, server.base, 'agent');
  await page.waitForSelector('[data-testid="live-status"][data-state="open"]');

  const event = {
    event_id: 'e2e-ring-1', kind: 'ringing', call_id: 'e2e-call-1', caller: '13600007777',
    agent: 'agent', at: new Date().toISOString(),
  };
  const sent = Date.now();
  assert.deepEqual(await postCallEvent(server.base, event), { status: 200, body: { status: 'stored' } });
  await page.waitForSelector('[data-testid="caller-card"]');
  console.log(`# caller card shown ${Date.now() - sent} ms after the webhook answered`);
  assert.equal(await page.textContent('[data-testid="caller-phone"]'), '136****7777');
  const history = await page.textContent('[data-testid="caller-history"]');
  assert.ok(history.includes(filed.tracking_number), history);
  await shot(page, 'agent-caller-card.png');

  // The telephone system retries the same event: it is a duplicate and nothing changes.
  assert.equal((await postCallEvent(server.base, event)).body.status, 'duplicate');
  await page.click('[data-testid="caller-card-close"]');
  await page.waitForTimeout(500);
  assert.equal(await page.$('[data-testid="caller-card"]'), null);
  assert.deepEqual(page.errors, []);
});

test('an idle agent is handed a missed call and marks it called back', async () => {
  const page = await openPage(browser);
  await signIn(page, server.base, 'agent');
  await page.waitForSelector('[data-testid="live-status"][data-state="open"]');
  await page.selectOption('[data-testid="agent-status"]', 'idle');
  // The status is stored: it is still there after a reload.
  await page.waitForTimeout(300);
  await page.reload();
  await page.waitForSelector('body[data-hydrated="true"]');
  assert.equal(await page.inputValue('[data-testid="agent-status"]'), 'idle');
  await page.waitForSelector('[data-testid="live-status"][data-state="open"]');

  const missed = await postCallEvent(server.base, {
    event_id: 'e2e-miss-1', kind: 'missed', call_id: 'e2e-missed-1', caller: '13600008888',
    at: new Date().toISOString(),
  });
  assert.equal(missed.status, 200);
  await page.waitForSelector('[data-testid="missed-call"]');
  assert.match(await page.textContent('[data-testid="missed-calls"]'), /136\*\*\*\*8888/);
  await shot(page, 'agent-missed-calls.png');
  await page.click('[data-testid="missed-done"]');
  await page.waitForSelector('[data-testid="missed-calls"]', { state: 'detached' });
  assert.deepEqual(page.errors, []);
});
