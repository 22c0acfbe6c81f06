// The service map (issue 14, SPEC G1–G3): a dispatcher opens the map on the district
// outlines, switches layers, pans (the time from the end of a pan to the layer drawn is
// measured and printed), zooms in to single providers, drags a vendor to where it really is,
// clicks a place and gets the nearest providers of a service, numbered on the map and in
// the list. A lead opens the map from a household case and dispatches it to the nearest
// vendor in one click; the vendor, signed in in a second browser, confirms the order and
// reports it done. The elderly layer is offered only to those who keep the registry.
// Leaflet comes from this site, loaded by the map page alone.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DEMO_PASSWORD, launchBrowser, openPage, shot, signIn, startServer, visit } from './support.mjs';

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

const MAP = '[data-testid="map"]';

/** Waits until the map has drawn the last view it asked for; returns the milliseconds. */
async function drawn(page) {
  const started = Date.now();
  await page.waitForFunction((sel) => {
    const map = document.querySelector(sel);
    const asked = Number(map?.dataset.viewSeq ?? 0);
    return asked > 0 && Number(map.dataset.drawnSeq) === asked;
  }, MAP, { timeout: 15_000 });
  return Date.now() - started;
}

/** Does something that moves the map; resolves once the new view is drawn. */
async function moved(page, action) {
  const before = await page.$eval(MAP, (m) => Number(m.dataset.viewSeq));
  await action();
  await page.waitForFunction(([sel, n]) => Number(document.querySelector(sel).dataset.viewSeq) > n, [MAP, before]);
  await drawn(page);
}

/**
 * Drags the map by (dx, dy) pixels from its centre and waits for the new view drawn.
 * Returns the milliseconds from the map's `moveend` (after Leaflet's inertia) to the layers
 * drawn, timed in the page from the holder's `data-view-seq` / `data-drawn-seq`.
 */
async function pan(page, dx, dy) {
  await page.evaluate((sel) => {
    const map = document.querySelector(sel);
    const start = Number(map.dataset.viewSeq);
    const pan = { asked: null, drawn: null };
    window.lastPan = pan;
    const watch = new MutationObserver(() => {
      const asked = Number(map.dataset.viewSeq);
      if (pan.asked === null && asked > start) pan.asked = performance.now();
      if (pan.asked !== null && Number(map.dataset.drawnSeq) === asked) {
        pan.drawn = performance.now();
        watch.disconnect();
      }
    });
    watch.observe(map, { attributes: true, attributeFilter: ['data-view-seq', 'data-drawn-seq'] });
  }, MAP);
  const box = await page.locator(MAP).boundingBox();
  const x = box.x + box.width / 2;
  const y = box.y + box.height / 2;
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(x + dx / 2, y + dy / 2, { steps: 4 });
  await page.mouse.move(x + dx, y + dy, { steps: 4 });
  await page.mouse.up();
  await page.waitForFunction(() => window.lastPan.drawn !== null);
  await drawn(page);
  return Math.round(await page.evaluate(() => window.lastPan.drawn - window.lastPan.asked));
}

/** Zooms in on the busiest square (then cluster) of a layer until single points show. */
async function zoomToPoints(page, layer) {
  while (!(await page.$(`path.map-point.layer-${layer}`))) {
    const counts = await page.$$eval(`.map-count.layer-${layer}`, (cs) => cs.map((c) => {
      const r = c.getBoundingClientRect();
      return { n: Number(c.textContent.replace(/\D/g, '')), x: r.x + r.width / 2, y: r.y + r.height / 2 };
    }));
    assert.ok(counts.length > 0, `${layer}: counts or points on the map`);
    counts.sort((a, b) => b.n - a.n);
    await moved(page, () => page.mouse.click(counts[0].x, counts[0].y));
  }
}

const figure = async (page, layer) =>
  Number((await page.textContent(`[data-testid="figure-${layer}"]`)).replace(/\D/g, '') || 0);

test('a dispatcher finds the nearest providers of a service on the map', async () => {
  const page = await openPage(browser);
  const requested = [];
  page.on('request', (r) => requested.push(new URL(r.url())));
  await signIn(page, server.base, 'lead');
  await page.click('[data-testid="nav-map"]');
  await page.waitForURL((url) => url.pathname === '/map');
  await page.waitForSelector('body[data-hydrated="true"]');
  await page.waitForSelector(`${MAP}.leaflet-container`);
  await drawn(page);

  // Leaflet and its plugin came from this site; nothing left it.
  assert.ok(requested.some((u) => u.pathname === '/vendor/leaflet-1.9.4/leaflet.js'));
  assert.ok(requested.some((u) => u.pathname === '/vendor/leaflet.markercluster-1.5.3/leaflet.markercluster.js'));
  assert.deepEqual(requested.filter((u) => u.origin !== server.base).map(String), []);

  // The base layer: every district and county named, with no tile server.
  const labels = await page.$$eval('.district-label', (ls) => ls.map((l) => l.textContent));
  assert.equal(labels.length, 14, labels.join());
  assert.ok(labels.includes('秦都区') && labels.includes('彬州市'));
  // Vendors are on by default, counted per square at this zoom; the elderly are not offered
  // to a lead.
  await page.waitForSelector('.map-count.layer-vendors');
  const vendors = await figure(page, 'vendors');
  assert.ok(vendors > 0);
  assert.equal(await page.$('[data-testid="layer-elderly"]'), null);
  await shot(page, 'map-desktop.png');

  // Layers switch independently.
  await page.check('[data-testid="layer-skilled"]');
  await drawn(page);
  await page.waitForSelector('.map-count.layer-skilled');
  await page.uncheck('[data-testid="layer-vendors"]');
  await drawn(page);
  assert.equal(await page.$('.map-count.layer-vendors'), null);
  assert.ok(await page.$('.map-count.layer-skilled'));
  await page.check('[data-testid="layer-vendors"]');
  await page.uncheck('[data-testid="layer-skilled"]');
  await drawn(page);
  assert.equal(await figure(page, 'vendors'), vendors);

  // From the end of a pan to the layer drawn, the server asked for the new view only.
  const times = [];
  for (const [dx, dy] of [[200, 0], [-200, 120], [0, -120], [150, 80], [-150, -80]]) {
    times.push(await pan(page, dx, dy));
  }
  times.sort((a, b) => a - b);
  console.log(`map: moveend to layers drawn, ms (60 ms of it is the settle delay): ${times.join(', ')}`);

  await zoomToPoints(page, 'vendors');
  await shot(page, 'map-points.png');

  // A vendor's card opens from its point.
  const point = page.locator('path.map-point.layer-vendors').first();
  await point.click({ force: true });
  await page.waitForSelector('[data-testid="map-card"]');
  assert.ok((await page.textContent('[data-testid="map-card"] strong')).length > 0);
  const record = await page.getAttribute('[data-testid="map-card-record"]', 'href');
  assert.equal(record, `/vendors/${await page.getAttribute('[data-testid="map-card"]', 'data-id')}`);

  // A lead corrects where the vendor is (G3): its marker comes out of the card, is dragged
  // towards the middle of the map and saved; the map draws the vendor there, and so does
  // the server.
  const id = await page.getAttribute('[data-testid="map-card"]', 'data-id');
  await page.click('[data-testid="move-start"]');
  await page.waitForSelector('[data-testid="map-move"]');
  const coordinates = async () => [
    Number(await page.inputValue('[data-testid="move-lon"]')),
    Number(await page.inputValue('[data-testid="move-lat"]')),
  ];
  const from = await coordinates();
  const handle = await page.locator('.map-drag').boundingBox();
  const mapBox = await page.locator(MAP).boundingBox();
  const [hx, hy] = [handle.x + handle.width / 2, handle.y + handle.height / 2];
  const dx = hx < mapBox.x + mapBox.width / 2 ? 90 : -90;
  const dy = hy < mapBox.y + mapBox.height / 2 ? 60 : -60;
  await page.mouse.move(hx, hy);
  await page.mouse.down();
  await page.mouse.move(hx + dx / 2, hy + dy / 2, { steps: 5 });
  await page.mouse.move(hx + dx, hy + dy, { steps: 5 });
  await page.mouse.up();
  await page.waitForFunction(
    (lon) => Number(document.querySelector('[data-testid="move-lon"]').value) !== lon,
    from[0],
  );
  const to = await coordinates();
  // East is right and north is up.
  assert.equal(Math.sign(to[0] - from[0]), Math.sign(dx));
  assert.equal(Math.sign(to[1] - from[1]), -Math.sign(dy));
  await shot(page, 'map-move.png');
  await page.click('[data-testid="move-save"]');
  await page.waitForSelector('[data-testid="moved"]');
  assert.equal(await page.$('.map-drag'), null);
  await drawn(page);
  const stored = await page.evaluate(async ([id, lon, lat]) => {
    const d = 0.001;
    const r = await fetch(`/api/v1/map?layer=vendors&bbox=${lon - d},${lat - d},${lon + d},${lat + d}&zoom=18`);
    return (await r.json()).points.find((p) => String(p.id) === id)?.position;
  }, [id, ...to]);
  assert.ok(stored, 'the vendor is at its new place');
  assert.ok(Math.abs(stored.lon - to[0]) < 1e-6 && Math.abs(stored.lat - to[1]) < 1e-6);

  // Click a place, choose a service: the nearest providers, nearest first, numbered.
  const box = await page.locator(MAP).boundingBox();
  await page.keyboard.press('Escape');
  const category = await page.evaluate(async () => {
    const select = document.querySelector('[data-testid="nearest-category"]');
    return [...select.options].map((o) => o.value).filter((v) => v.length === 2);
  });
  assert.ok(category.length > 0);
  await page.mouse.click(box.x + 40, box.y + box.height - 40);
  await page.waitForSelector('[data-testid="nearest-point"]:has-text("经度")');
  let found = null;
  for (const code of category) {
    await page.selectOption('[data-testid="nearest-category"]', code);
    await page.waitForSelector(`[data-testid="nearest-answer"][data-category="${code}"]`);
    if (await page.$('[data-testid="nearest-list"]')) { found = code; break; }
  }
  const items = await page.$$eval('[data-testid="nearest-item"]', (is) => is.map((i) => ({
    kind: i.dataset.kind,
    distance: i.querySelector('[data-testid="nearest-distance"]').textContent,
  })));
  const metres = items.map((i) => (i.distance.endsWith(' km') ? parseFloat(i.distance) * 1000 : parseFloat(i.distance)));
  assert.ok(metres.every((m, i) => i === 0 || m >= metres[i - 1] - 50), metres.join());
  assert.ok(metres.every((m) => m <= 5000));
  assert.equal(await page.$$eval('.map-rank', (r) => r.length), items.length);
  // The map fits the point and the providers found (an animated move, then a new view).
  await page.waitForTimeout(500);
  await drawn(page);
  await shot(page, 'map-nearest.png');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a lead dispatches a household case to the nearest vendor from the map', async () => {
  const page = await openPage(browser);
  await signIn(page, server.base, 'lead');
  // A citizen's request for cleaning in Qindu district, accepted and classified as a
  // household service (one vendor) through the API.
  const filed = await fetch(`${server.base}/api/v1/requests`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      category: '0101', content: '新房装修完需要开荒保洁，请推荐附近的家政公司。', contact_name: '周女士',
      phone: '13600008888', district: '610402', address: '人民路 8 号', anonymous: false,
    }),
  }).then((r) => r.json());
  const number = filed.tracking_number;
  const act = (body) => page.evaluate(async ([n, b]) => {
    const r = await fetch(`/api/v1/cases/${n}/actions`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(b),
    });
    return r.status;
  }, [number, body]);
  assert.equal(await act({ action: 'accept' }), 200);
  assert.equal(await act({ action: 'classify', case_type: 'household', category_code: '0101' }), 200);

  // From the case to the map: the case's place and service are searched at once.
  await visit(page, server.base, `/cases/${number}`);
  await page.click('[data-testid="case-on-map"]');
  await page.waitForURL((url) => url.pathname === '/map' && url.searchParams.get('case') === number);
  await page.waitForSelector('body[data-hydrated="true"]');
  assert.match(await page.textContent('[data-testid="map-case"]'), new RegExp(number));
  await page.waitForSelector('[data-testid="nearest-answer"][data-category="0101"] [data-testid="nearest-list"]');
  assert.equal(await page.$eval('[data-testid="nearest-category"]', (s) => s.value), '0101');
  const first = page.locator('[data-testid="nearest-item"]').first();
  assert.equal(await first.getAttribute('data-kind'), 'vendor');
  const vendor = await first.locator('strong').textContent();
  const vendorId = await first.getAttribute('data-id');
  await drawn(page);
  await shot(page, 'map-dispatch.png');

  // One click dispatches the case to it.
  await first.locator('[data-testid="dispatch-here"]').click();
  await page.waitForSelector('[data-testid="dispatched"]');
  assert.ok((await page.textContent('[data-testid="dispatched"]')).includes(vendor));
  assert.equal(await page.$('[data-testid="dispatch-here"]'), null);
  await page.click('[data-testid="dispatched"] a');
  await page.waitForURL((url) => url.pathname === `/cases/${number}`);
  await page.waitForSelector(`[data-testid="case-status"]:has-text("已派单")`);
  assert.match(await page.textContent('[data-testid="case-assigned"]'), new RegExp(vendor));

  // The vendor has no account in the demo: the administrator makes one for it.
  const admin = await openPage(browser);
  await signIn(admin, server.base, 'admin');
  await admin.fill('#a-username', 'nearest-vendor');
  await admin.fill('#a-display_name', `${vendor}调度员`);
  await admin.selectOption('#a-role', 'vendor');
  await admin.selectOption('#a-vendor_id', vendorId);
  await admin.fill('#a-password', DEMO_PASSWORD);
  await admin.click('[data-testid="user-form"] button[type="submit"]');
  await admin.waitForSelector('[data-testid="save-status"]:has-text("已保存")');
  await admin.context().close();

  // In a second browser the vendor finds the order on its list, confirms it and reports
  // the job done; the lead's page follows.
  const shop = await openPage(browser);
  await signIn(shop, server.base, 'nearest-vendor');
  await visit(shop, server.base, '/cases');
  const row = shop.locator('[data-testid="case-row"]', { hasText: number });
  await row.locator('a').first().click();
  await shop.waitForURL((url) => url.pathname === `/cases/${number}`);
  await shop.waitForSelector('body[data-hydrated="true"]');
  await shop.click('[data-testid="step-confirm"]');
  await shop.waitForSelector(`[data-testid="case-status"]:has-text("已确认")`);
  await shop.fill('#s-feedback', '已上门完成开荒保洁，客户验收满意。');
  await shop.click('[data-testid="step-feedback"]');
  await shop.waitForSelector(`[data-testid="case-status"]:has-text("已反馈")`);
  await shot(shop, 'map-dispatch-vendor-done.png');
  assert.deepEqual(shop.errors, []);
  await shop.context().close();

  await page.reload();
  await page.waitForSelector(`[data-testid="case-status"]:has-text("已反馈")`);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('the map on a phone, and the elderly layer for a care coordinator', async () => {
  const page = await openPage(browser, { width: 390, height: 844 });
  await signIn(page, server.base, 'care');
  await visit(page, server.base, '/map');
  await page.waitForSelector(`${MAP}.leaflet-container`);
  await drawn(page);
  await page.check('[data-testid="layer-elderly"]');
  await drawn(page);
  await page.waitForSelector('.map-count.layer-elderly');
  assert.ok(await figure(page, 'elderly') > 0);
  await shot(page, 'map-phone.png');

  // She corrects where an elderly person lives by typing the numbers (no dragging needed):
  // the marker follows, and the saved position is the typed one.
  await page.uncheck('[data-testid="layer-vendors"]');
  await drawn(page);
  await zoomToPoints(page, 'elderly');
  await page.locator('path.map-point.layer-elderly').first().click({ force: true });
  await page.waitForSelector('[data-testid="map-card"] a[href^="/care/elderly/"]');
  const id = await page.getAttribute('[data-testid="map-card"]', 'data-id');
  await page.click('[data-testid="move-start"]');
  await page.waitForSelector('[data-testid="map-move"]');
  // The card gives way to the marker (Leaflet fades it out).
  await page.waitForSelector('.leaflet-popup', { state: 'detached' });
  const lat = Number(await page.inputValue('[data-testid="move-lat"]'));
  const lon = Number(await page.inputValue('[data-testid="move-lon"]'));
  const before = await page.locator('.map-drag').boundingBox();
  await page.fill('[data-testid="move-lat"]', (lat + 0.0008).toFixed(6));
  await page.press('[data-testid="move-lat"]', 'Tab');
  // North is up: the marker moved up the screen.
  await page.waitForFunction((y) => document.querySelector('.map-drag').getBoundingClientRect().y < y - 5, before.y);
  await page.locator('[data-testid="map-move"]').scrollIntoViewIfNeeded();
  await shot(page, 'map-move-phone.png');
  await page.click('[data-testid="move-save"]');
  await page.waitForSelector('[data-testid="moved"]');
  await drawn(page);
  const stored = await page.evaluate(async ([id, lon, lat]) => {
    const d = 0.001;
    const r = await fetch(`/api/v1/map?layer=elderly&bbox=${lon - d},${lat - d},${lon + d},${lat + d}&zoom=18`);
    return (await r.json()).points.find((p) => String(p.id) === id)?.position;
  }, [id, lon, lat + 0.0008]);
  assert.ok(stored, 'the person is at the typed place');
  assert.ok(Math.abs(stored.lat - (lat + 0.0008)) < 1e-6 && Math.abs(stored.lon - lon) < 1e-6);
  assert.deepEqual(page.errors, []);
  await page.context().close();

  // Roles without a layer to see are refused the page.
  const dept = await openPage(browser);
  await signIn(dept, server.base, 'dept');
  const response = await dept.goto(`${server.base}/map`);
  assert.equal(response.status(), 403);
  await dept.context().close();
});
