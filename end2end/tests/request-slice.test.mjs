// The foundation slice in a real browser: a citizen files a help request on the portal and
// an agent's page, already open, shows it live (SPEC P1, P5); bad input is refused next to
// the field and nothing is stored. Any console error fails the test: a page that renders
// but does not hydrate must not pass.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { apiSession, launchBrowser, openPage, shot, signIn, startServer, visit, waitingRequests } from './support.mjs';

let server;
let browser;

before(async () => {
  server = await startServer({ demo: true });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  const result = await server?.stop();
  assert.equal(result?.code, 0, `server exits cleanly on SIGTERM (got ${JSON.stringify(result)})`);
});

async function waitingCount() {
  return (await waitingRequests(server.base, await apiSession(server.base, 'agent'))).length;
}

async function firstCategory(page) {
  return page.$eval('#f-category', (s) => [...s.options].find((o) => o.value)?.value);
}

test('a request filed on the portal appears on an open agent page without a reload', async () => {
  const agent = await openPage(browser);
  await signIn(agent, server.base, 'agent', '/agent/requests');
  await agent.waitForSelector('[data-testid="live-status"][data-state="open"]');
  await agent.click('[data-testid="sound-toggle"]');
  assert.equal(await agent.getAttribute('[data-testid="sound-toggle"]', 'aria-pressed'), 'true');
  // Survives only if the page is never reloaded.
  await agent.evaluate(() => { window.__notReloaded = true; });
  const before = Number(await agent.textContent('[data-testid="waiting-count"]'));
  assert.ok(before >= 1, 'the demo data leaves requests waiting');

  const citizen = await openPage(browser);
  await visit(citizen, server.base, '/');
  assert.equal(await citizen.getAttribute('html', 'lang'), 'zh-CN');
  await citizen.selectOption('#f-category', await firstCategory(citizen));
  await citizen.fill('#f-content', '渭城区渭阳西路小区东门的路灯坏了一个多月，晚上老人出门很不安全，请尽快修好。');
  await citizen.selectOption('#f-district', '610404');
  await citizen.fill('#f-address', '渭阳西路 8 号东门');
  await citizen.fill('#f-contact_name', '李先生');
  await citizen.fill('#f-phone', '139 1234 5678');
  await citizen.click('[data-testid="submit"]');

  const numberEl = await citizen.waitForSelector('[data-testid="tracking-number"]');
  const number = (await numberEl.textContent()).trim();
  assert.match(number, /^\d{14}$/);
  const filedAt = Date.now();

  const row = `tr[data-tracking-number="${number}"]`;
  await agent.waitForSelector(row, { timeout: 1000 });
  const latency = Date.now() - filedAt;
  console.log(`live push: request visible on the agent page ${latency} ms after the portal showed its number`);
  assert.equal(await agent.evaluate(() => window.__notReloaded), true, 'agent page was not reloaded');
  assert.match(await agent.textContent(row), /路灯坏了/);
  assert.match(await agent.textContent(row), /渭城区/);
  assert.equal(Number(await agent.textContent('[data-testid="waiting-count"]')), before + 1);
  assert.ok(await agent.$eval(row, (tr) => tr.classList.contains('fresh')));

  await shot(citizen, 'portal-filed.png');
  await shot(agent, 'agent-new-requests.png');
  // The row opens the request: a click anywhere on it, not only on its number.
  await Promise.all([
    agent.waitForURL(new RegExp(`/cases/${number}$`)),
    agent.click(`${row} td.content`),
  ]);
  await agent.waitForSelector('[data-testid="case-status"]');
  assert.deepEqual(citizen.errors, []);
  assert.deepEqual(agent.errors, []);
  await citizen.context().close();
  await agent.context().close();
});

test('invalid input is refused next to each field, in the browser and by the server', async () => {
  const page = await openPage(browser);
  await visit(page, server.base, '/');
  const stored = await waitingCount();

  // Nothing filled in: the browser refuses without a round trip.
  await page.click('[data-testid="submit"]');
  await page.waitForSelector('[data-testid="form-errors"]:not([hidden])');
  assert.equal((await page.textContent('[data-testid="error-category"]')).trim(), '此项必填');
  assert.equal((await page.textContent('[data-testid="error-content"]')).trim(), '此项必填');
  assert.equal((await page.textContent('[data-testid="error-contact_name"]')).trim(), '此项必填');
  assert.equal((await page.textContent('[data-testid="error-phone"]')).trim(), '此项必填');
  assert.match(await page.textContent('[data-testid="error-address"]'), /区县、填写详细地址或在地图上标出位置/);
  assert.equal(await page.getAttribute('#f-content', 'aria-invalid'), 'true');
  // Keyboard users land on the first field to fix.
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'f-category');

  // A malformed phone and oversize text.
  await page.selectOption('#f-category', await firstCategory(page));
  await page.fill('#f-content', '字'.repeat(2001));
  await page.fill('#f-contact_name', '张女士');
  await page.fill('#f-phone', '12345');
  await page.selectOption('#f-district', '610402');
  await page.click('[data-testid="submit"]');
  await page.waitForFunction(() => document.querySelector('[data-testid="error-phone"]').textContent.includes('11 位手机号'));
  assert.match(await page.textContent('[data-testid="error-content"]'), /不能超过 2000 个字/);
  assert.equal((await page.textContent('[data-testid="error-category"]')).trim(), '');
  await shot(page, 'portal-errors.png');

  // A category the catalogue does not have passes the browser's checks; the server refuses it.
  await page.$eval('#f-category', (s) => { s.add(new Option('不存在的类别', '9999')); s.value = '9999'; });
  await page.fill('#f-content', '测试服务端校验');
  await page.fill('#f-phone', '13912345678');
  await page.click('[data-testid="submit"]');
  await page.waitForFunction(() => document.querySelector('[data-testid="error-category"]').textContent.includes('请从列表中选择'));
  assert.equal(await page.$('[data-testid="tracking-number"]'), null);

  assert.equal(await waitingCount(), stored, 'nothing was stored');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('the form opened by a link within the site asks the server for its choices', async () => {
  const page = await openPage(browser);
  await visit(page, server.base, '/track');
  await page.evaluate(() => { window.sameDocument = true; });
  await page.click('[data-testid="nav-portal"]');
  await page.waitForFunction(() => document.querySelectorAll('#f-category option').length > 100);
  assert.equal(await page.evaluate(() => window.sameDocument), true, 'the router rendered it, no page load');
  const districts = await page.$$eval('#f-district option', (options) => options.map((o) => o.textContent));
  assert.equal(districts.length, 15, 'the placeholder and the fourteen districts');
  assert.ok(districts.includes('秦都区'));
  await page.selectOption('#f-category', await firstCategory(page));
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('pages fit a phone screen and switch to English', async () => {
  const page = await openPage(browser, { width: 360, height: 800 });
  await visit(page, server.base, '/');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `portal scrolls sideways by ${overflow}px on a phone`);
  await shot(page, 'portal-phone.png');

  await signIn(page, server.base, 'agent', '/agent/requests');
  await page.waitForSelector('[data-testid="live-status"][data-state="open"]');
  await shot(page, 'agent-phone.png');

  await page.click('[data-testid="switch-language"]');
  await page.waitForSelector('html[lang="en"]', { state: 'attached' });
  await page.waitForSelector('body[data-hydrated="true"]');
  assert.match(await page.textContent('h1'), /New web requests/);
  await visit(page, server.base, '/');
  assert.match(await page.textContent('h1'), /Ask for help online/);
  await page.click('[data-testid="submit"]');
  await page.waitForFunction(() => document.querySelector('[data-testid="error-content"]').textContent.includes('This field is required'));
  await shot(page, 'portal-english-phone.png');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
