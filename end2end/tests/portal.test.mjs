// The citizen portal as a resident meets it (SPEC P1, P2, P6): the phone line and the
// emergency numbers before the form; filing and tracking with no JavaScript at all (a phone
// still loading the page, or a browser without scripts) keeps what was typed and always
// shows the answer; the confirmation has its own address, fits a phone and leads on to
// tracking; fields marked wrong are visibly red.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { apiSession, launchBrowser, openPage, shot, startServer, visit, waitingRequests } from './support.mjs';

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

async function waitingCount() {
  return (await waitingRequests(server.base, await apiSession(server.base, 'agent'))).length;
}

const CONTENT = '秦都区人民路 12 号楼下的排水井盖缺了一块，晚上看不清，老人差点踩空。';

test('without JavaScript a request is filed, refused as typed, and tracked', async () => {
  const page = await openPage(browser, { javaScript: false });
  await page.goto(`${server.base}/`);
  const stored = await waitingCount();
  const category = await page.$eval('#f-category', (s) => [...s.options].find((o) => o.value)?.value);

  // A wrong phone: the page comes back with everything typed and the field to fix.
  await page.selectOption('#f-category', category);
  await page.fill('#f-content', CONTENT);
  await page.selectOption('#f-district', '610402');
  await page.fill('#f-address', '人民路 12 号');
  await page.fill('#f-contact_name', '赵阿姨');
  await page.fill('#f-phone', '12345');
  const [refused] = await Promise.all([
    page.waitForNavigation(),
    page.click('[data-testid="submit"]'),
  ]);
  assert.equal(refused.status(), 422);
  assert.match(await page.textContent('[data-testid="error-phone"]'), /11 位手机号/);
  assert.equal(await page.getAttribute('#f-phone', 'aria-invalid'), 'true');
  assert.equal(await page.inputValue('#f-content'), CONTENT);
  assert.equal(await page.inputValue('#f-category'), category);
  assert.equal(await page.inputValue('#f-district'), '610402');
  assert.equal(await page.inputValue('#f-address'), '人民路 12 号');
  assert.equal(await page.inputValue('#f-contact_name'), '赵阿姨');
  assert.equal(await page.inputValue('#f-phone'), '12345');
  assert.ok(await page.isVisible('[data-testid="form-errors"]'));
  assert.equal(await waitingCount(), stored, 'nothing was stored');
  await shot(page, 'portal-nojs-refused.png');

  // Corrected: filed, and the number is on the page it lands on.
  await page.fill('#f-phone', '13700001234');
  await Promise.all([page.waitForURL(/\/\?filed=\d{14}$/), page.click('[data-testid="submit"]')]);
  const number = (await page.textContent('[data-testid="tracking-number"]')).trim();
  assert.equal(new URL(page.url()).searchParams.get('filed'), number);
  assert.equal(await waitingCount(), stored + 1);
  const agent = await apiSession(server.base, 'agent');
  const waiting = (await waitingRequests(server.base, agent)).find((r) => r.tracking_number === number);
  assert.ok(waiting, 'the agents see the request');
  assert.match(waiting.content, /排水井盖/);
  // Reloading the confirmation does not file again.
  await page.reload();
  assert.equal((await page.textContent('[data-testid="tracking-number"]')).trim(), number);
  assert.equal(await waitingCount(), stored + 1);
  // The copy button needs a script, so it is not offered.
  assert.equal(await page.isVisible('[data-testid="copy-number"]'), false);
  await shot(page, 'portal-nojs-filed.png');

  // On to tracking: the number is filled in; a wrong phone finds nothing, the right one
  // the request, each answered on the page.
  await Promise.all([page.waitForURL(/\/track\?n=/), page.click('[data-testid="track-it"]')]);
  assert.equal(await page.inputValue('#t-number'), number);
  await page.fill('#t-phone', '13800000000');
  await Promise.all([page.waitForNavigation(), page.click('[data-testid="track-submit"]')]);
  assert.ok(await page.isVisible('[data-testid="track-nomatch"]'));
  assert.equal(await page.inputValue('#t-number'), number, 'the number stays');
  await page.fill('#t-phone', '13700001234');
  await Promise.all([page.waitForNavigation(), page.click('[data-testid="track-submit"]')]);
  assert.match(await page.textContent('[data-testid="track-status"]'), /等待坐席受理/);
  await shot(page, 'track-nojs.png');
  // A malformed number is named as the field to fix.
  await page.fill('#t-number', '12');
  const [invalid] = await Promise.all([page.waitForNavigation(), page.click('[data-testid="track-submit"]')]);
  assert.equal(invalid.status(), 422);
  assert.equal(await page.getAttribute('#t-number', 'aria-invalid'), 'true');
  assert.notEqual((await page.textContent('#e-tracking_number')).trim(), '');
  await page.context().close();
});

test('the home page offers the phone line and the emergency numbers; the confirmation fits a phone', async () => {
  const page = await openPage(browser, { width: 360, height: 780 });
  await visit(page, server.base, '/');
  assert.equal(await page.getAttribute('[data-testid="call-12345"]', 'href'), 'tel:12345');
  const emergency = await page.$$eval('[data-testid="emergency"] a', (links) => links.map((a) => a.getAttribute('href')));
  assert.deepEqual(emergency, ['tel:110', 'tel:119', 'tel:120']);
  await shot(page, 'portal-home-phone.png');

  // A field marked wrong is red, whatever its kind (a text field's own rule used to win).
  await page.click('[data-testid="submit"]');
  await page.waitForSelector('#f-contact_name[aria-invalid="true"]');
  const borders = await page.$$eval(['#f-contact_name', '#f-phone', '#f-content'].join(','),
    (fields) => fields.map((f) => getComputedStyle(f).borderTopColor));
  assert.deepEqual(borders, ['rgb(179, 38, 30)', 'rgb(179, 38, 30)', 'rgb(179, 38, 30)']);

  await page.selectOption('#f-category', await page.$eval('#f-category', (s) => [...s.options].find((o) => o.value)?.value));
  await page.fill('#f-content', CONTENT);
  await page.selectOption('#f-district', '610404');
  await page.fill('#f-contact_name', '钱先生');
  await page.fill('#f-phone', '13700005678');
  await Promise.all([page.waitForURL(/\/\?filed=\d{14}$/), page.click('[data-testid="submit"]')]);
  const number = (await page.textContent('[data-testid="tracking-number"]')).trim();
  assert.match(number, /^\d{14}$/);
  assert.ok(await page.isVisible('[data-testid="copy-number"]'));
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the confirmation scrolls sideways by ${overflow}px on a 360 px phone`);
  const numberBox = await page.$eval('[data-testid="tracking-number"]', (el) => el.scrollWidth <= el.clientWidth);
  assert.ok(numberBox, 'the number fits its box');
  await shot(page, 'portal-filed-phone.png');

  // "File another" brings the empty form back.
  await page.click('[data-testid="file-another"]');
  await page.waitForSelector('[data-testid="request-form"]');
  assert.equal(await page.inputValue('#f-content'), '');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

/** One step of a case over the JSON API, as the signed-in `cookie`. */
async function act(cookie, number, body) {
  const res = await fetch(`${server.base}/api/v1/cases/${number}/actions`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  assert.equal(res.status, 200, `${body.action}: ${text}`);
  return JSON.parse(text);
}

/** A request filed on the web and handled by the demo department; its number. */
async function handledRequest(phone, result) {
  const filed = await fetch(`${server.base}/api/v1/requests`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      category: '0101', content: CONTENT, contact_name: '孙大爷', phone,
      district: '610402', address: '人民路 12 号', anonymous: false,
    }),
  });
  assert.equal(filed.status, 201);
  const number = (await filed.json()).tracking_number;
  const agent = await apiSession(server.base, 'agent');
  const dept = await apiSession(server.base, 'dept');
  const me = await (await fetch(`${server.base}/api/v1/me`, { headers: { cookie: dept } })).json();
  await act(agent, number, { action: 'accept' });
  await act(agent, number, { action: 'classify', case_type: 'complaint', category_code: '0101' });
  await act(agent, number, { action: 'dispatch', to: [{ kind: 'department', id: me.department_id }] });
  await act(dept, number, { action: 'confirm' });
  await act(dept, number, { action: 'feedback', result });
  return number;
}

test('a request is placed on the map or by the phone\'s location and filed with its point and district', async () => {
  // A phone that may be located: 34.3296 N, 108.7093 E (GPS), in Qindu district.
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 }, locale: 'zh-CN',
    geolocation: { latitude: 34.3296, longitude: 108.7093 }, permissions: ['geolocation'],
  });
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => errors.push(`exception: ${e.message}`));
  await visit(page, server.base, '/');
  const fill = async (content) => {
    await page.selectOption('#f-category', await page.$eval('#f-category', (s) => [...s.options].find((o) => o.value)?.value));
    await page.fill('#f-content', content);
    await page.fill('#f-contact_name', '孙女士');
    await page.fill('#f-phone', '13700007788');
  };
  const agent = await apiSession(server.base, 'agent');
  const stored = async (number) => (await fetch(`${server.base}/api/v1/cases/${number}`, { headers: { cookie: agent } })).json();

  // On the map: the districts are drawn, a tap drops the pin; no district or address typed.
  await fill('北门口的路灯不亮，晚上一片黑。');
  await page.click('[data-testid="pin-open"]');
  await page.waitForSelector('#f-pin-map.leaflet-container path');
  const box = await (await page.$('#f-pin-map')).boundingBox();
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  await page.waitForSelector('[data-testid="pin-clear"]');
  assert.match(await page.textContent('[data-testid="pin-status"]'), /已标出位置/);
  const lon = Number(await page.inputValue('[data-testid="pin-lon"]'));
  const lat = Number(await page.inputValue('[data-testid="pin-lat"]'));
  assert.ok(lon > 107.6 && lon < 109.2 && lat > 34.1 && lat < 35.6, `${lon} ${lat}`);
  await shot(page, 'portal-pin-phone.png');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the form scrolls sideways by ${overflow}px with the map open`);
  await Promise.all([page.waitForURL(/\/\?filed=\d{14}$/), page.click('[data-testid="submit"]')]);
  let number = (await page.textContent('[data-testid="tracking-number"]')).trim();
  let detail = await stored(number);
  assert.ok(Math.abs(detail.position.lon - lon) < 1e-5 && Math.abs(detail.position.lat - lat) < 1e-5, JSON.stringify(detail.position));
  assert.match(detail.district_code ?? '', /^6104\d\d$/, 'the district is the one the pin lies in');

  // By the phone's location: the GPS reading moved into the map's frame (a few hundred
  // metres), in Qindu district.
  await page.click('[data-testid="file-another"]');
  await page.waitForSelector('[data-testid="request-form"]');
  await fill('小区门口的井盖松动，车一过就响。');
  await page.click('[data-testid="pin-locate"]');
  await page.waitForFunction(() => document.querySelector('[data-testid="pin-lon"]').value !== '');
  const located = Number(await page.inputValue('[data-testid="pin-lon"]'));
  assert.ok(located > 108.7093 && located < 108.72, `${located}`);
  await page.waitForSelector('#f-pin-map.leaflet-container .pin-mark');
  await Promise.all([page.waitForURL(/\/\?filed=\d{14}$/), page.click('[data-testid="submit"]')]);
  number = (await page.textContent('[data-testid="tracking-number"]')).trim();
  detail = await stored(number);
  assert.equal(detail.district_code, '610402');
  assert.deepEqual(errors, []);
  await context.close();
});

test('a handled request shows the department\'s answer and is rated on the tracking page', async () => {
  const phone = '13700002468';
  const number = await handledRequest(phone, '已补装井盖，并在周边设置了警示标志。');

  // Without JavaScript: the answer and the rating form; sending no verdict names it.
  const plain = await openPage(browser, { javaScript: false, width: 390, height: 844 });
  await plain.goto(`${server.base}/track?n=${number}`);
  await plain.fill('#t-phone', phone);
  await Promise.all([plain.waitForNavigation(), plain.click('[data-testid="track-submit"]')]);
  assert.match(await plain.textContent('[data-testid="track-replies"]'), /已补装井盖/);
  assert.ok(await plain.isVisible('[data-testid="rate-form"]'));
  await plain.fill('#r-comment', '井盖补上了，但警示牌挡了盲道。');
  const [refused] = await Promise.all([plain.waitForNavigation(), plain.click('[data-testid="rate-submit"]')]);
  assert.equal(refused.status(), 422);
  assert.notEqual((await plain.textContent('#e-satisfaction')).trim(), '');
  // What was typed is not lost.
  assert.equal(await plain.inputValue('#r-comment'), '井盖补上了，但警示牌挡了盲道。');
  assert.match(await plain.textContent('[data-testid="track-status"]'), /已答复/, 'the request is still shown');
  await shot(plain, 'track-rate-nojs-refused.png');
  await plain.context().close();

  // With JavaScript, on a phone: fairly satisfied, with a comment; the case is closed and
  // no agent has to call.
  const page = await openPage(browser, { width: 390, height: 844 });
  await visit(page, server.base, `/track?n=${number}`);
  await page.fill('#t-phone', phone);
  await page.click('[data-testid="track-submit"]');
  await page.waitForSelector('[data-testid="rate-form"]');
  await shot(page, 'track-rate-phone.png');
  await page.click('label.choice:has(input[value="fair"])');
  await page.fill('#r-comment', '处理及时，希望以后多巡查。');
  await Promise.all([page.waitForNavigation(), page.click('[data-testid="rate-submit"]')]);
  await page.waitForSelector('body[data-hydrated="true"]');
  assert.match(await page.textContent('[data-testid="rate-thanks"]'), /感谢您的评价/);
  assert.match(await page.textContent('[data-testid="track-rating"]'), /基本满意/);
  assert.match(await page.textContent('[data-testid="track-status"]'), /已办结/);
  assert.equal(await page.isVisible('[data-testid="rate-form"]'), false);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the tracking page scrolls sideways by ${overflow}px on a phone`);
  await shot(page, 'track-rated-phone.png');
  const lead = await apiSession(server.base, 'lead');
  const detail = await (await fetch(`${server.base}/api/v1/cases/${number}`, { headers: { cookie: lead } })).json();
  assert.equal(detail.satisfaction, 'fair');
  const last = detail.events.at(-1);
  assert.deepEqual([last.actor, last.kind, last.note], ['citizen:web', 'rate', '基本满意：处理及时，希望以后多巡查。']);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
