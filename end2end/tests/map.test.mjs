// The service map (issue 14, SPEC G1–G2): a dispatcher opens the map on the district
// outlines, switches layers, pans (the time from the end of a pan to the layer drawn is
// measured and printed), zooms in to single providers, clicks a place and gets the nearest
// providers of a service, numbered on the map and in the list. A lead opens the map from a
// household case and dispatches it to the nearest vendor in one click. The elderly layer is offered
// only to those who keep the registry. Leaflet comes from this site, loaded by the map page
// alone.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launchBrowser, openPage, shot, signIn, startServer, visit } from './support.mjs';

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

  // Zoom in on the busiest square (then cluster) until single vendors show.
  while (!(await page.$('path.map-point'))) {
    const counts = await page.$$eval('.map-count.layer-vendors', (cs) => cs.map((c) => {
      const r = c.getBoundingClientRect();
      return { n: Number(c.textContent.replace(/\D/g, '')), x: r.x + r.width / 2, y: r.y + r.height / 2 };
    }));
    assert.ok(counts.length > 0, 'vendor counts or points on the map');
    counts.sort((a, b) => b.n - a.n);
    await moved(page, () => page.mouse.click(counts[0].x, counts[0].y));
  }
  await shot(page, 'map-points.png');

  // A vendor's card opens from its point.
  const point = page.locator('path.map-point.layer-vendors').first();
  await point.click({ force: true });
  await page.waitForSelector('[data-testid="map-card"]');
  assert.ok((await page.textContent('[data-testid="map-card"] strong')).length > 0);

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
  assert.deepEqual(page.errors, []);
  await page.context().close();

  // Roles without a layer to see are refused the page.
  const dept = await openPage(browser);
  await signIn(dept, server.base, 'dept');
  const response = await dept.goto(`${server.base}/map`);
  assert.equal(response.status(), 403);
  await dept.context().close();
});
