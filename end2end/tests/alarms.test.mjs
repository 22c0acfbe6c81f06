// The one-key alarm console (issue 15, SPEC E1–E6): the simulator sends an alarm as the
// gateway does; the coordinator's open console shows it and rings until someone
// acknowledges; the coordinator works it to a close while a lead's console (phone width)
// sees every step live; the closed alarm's case waits for its follow-up call. A console cut
// off from the server says so and, back online, shows what came meanwhile.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import {
  ALARM_SECRET, hotlineBin, launchBrowser, openPage, shot, signIn, startServer, visit,
} from './support.mjs';

const run = promisify(execFile);
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

/** `hotline alarm-sim … one`: a signed alarm from the demo's first terminal. */
async function simulate(...args) {
  const { stdout } = await run(hotlineBin, ['alarm-sim', '--url', server.base, 'one', ...args], {
    env: { ...process.env, HOTLINE_ALARM_SECRET: ALARM_SECRET },
  });
  const lines = stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(lines[0].status, 201, stdout);
  return lines[0].answer;
}

const console_ = '[data-testid="alarm-console"]';
const rings = (page) => page.$eval(console_, (e) => Number(e.dataset.rings));
const row = (id) => `[data-testid="alarm-row"][data-alarm-id="${id}"]`;

test('an alarm is shown, rung, worked to a close on one console and seen live on another', async () => {
  const care = await openPage(browser);
  const lead = await openPage(browser, { width: 390, height: 844 });
  await signIn(care, server.base, 'care', '/care/alarms');
  await signIn(lead, server.base, 'lead', '/care/alarms');
  for (const page of [care, lead]) {
    await page.waitForSelector('[data-testid="live-status"][data-state="open"]');
  }
  // The demo's two alarms being worked are listed; nothing waits, nothing rings.
  assert.equal(await care.$$eval('[data-testid="alarm-row"]', (r) => r.length), 2);
  await care.click('[data-testid="sound-toggle"]');
  assert.equal(await rings(care), 0);

  const sent = Date.now();
  const answer = await simulate('--kind', 'fall');
  const id = answer.alarm_id;
  const waiting = `${row(id)}[data-status="open"]`;
  await care.waitForSelector(waiting);
  console.log(`# alarm on the console ${Date.now() - sent} ms after the simulator sent it`);
  await lead.waitForSelector(waiting);
  // Waiting alarms first, the banner on both, the ring on the console with sound on and
  // the reminder to turn it on where it is off.
  assert.equal(await care.getAttribute('[data-testid="alarm-row"]', 'data-alarm-id'), String(id));
  await care.waitForSelector('[data-testid="waiting-banner"]', { state: 'visible' });
  await lead.waitForSelector('[data-testid="waiting-banner"]', { state: 'visible' });
  assert.match(await lead.textContent('[data-testid="waiting-banner"]'), /报警铃声未开启/);
  await care.waitForFunction((sel) => Number(document.querySelector(sel).dataset.rings) >= 2,
    console_, { timeout: 12_000 });
  // The age ticks.
  const age = await care.textContent(`${row(id)} [data-testid="alarm-age"]`);
  await care.waitForFunction(([sel, was]) => document.querySelector(sel).textContent !== was,
    [`${row(id)} [data-testid="alarm-age"]`, age]);
  await shot(care, 'alarm-console-desktop.png');
  await shot(lead, 'alarm-console-phone.png');

  // The card: who, their health and medicines.
  await care.click(`${row(id)} a`);
  await care.waitForSelector(`[data-testid="alarm-card"][data-alarm-id="${id}"][data-status="open"]`);
  assert.ok(await care.$('[data-testid="card-health"]'));
  assert.ok(await care.$('[data-testid="card-medication"]'));
  // The first console to list it recorded that it was shown.
  await care.waitForSelector('[data-testid="timeline-step"][data-kind="shown"]');

  await care.click('[data-testid="acknowledge"]');
  await care.waitForSelector('[data-testid="alarm-card"][data-status="acknowledged"]');
  await lead.waitForSelector(`${row(id)}[data-status="acknowledged"]`);
  assert.match(await lead.textContent(row(id)), /一键通坐席|care/);
  // Nothing waits: the banner goes and the ringing stops.
  await care.waitForSelector('[data-testid="waiting-banner"]', { state: 'hidden' });
  const rang = await rings(care);
  await care.waitForTimeout(6_000);
  assert.equal(await rings(care), rang, 'no ring once acknowledged');

  // The lead follows the same alarm's card.
  await lead.click(`${row(id)} a`);
  await lead.waitForSelector(`[data-testid="alarm-card"][data-alarm-id="${id}"]`);

  // The ladder gives the family's number in full, to dial.
  assert.match(await care.textContent('[data-testid="ladder-row"][data-rung="family"] .rung-phone'), /^1\d{10}$/);
  // The daughter (the family rung) is reached; a helper goes; the helper arrives.
  await care.click('[data-testid="contact-family-reached"]');
  await care.waitForSelector('[data-testid="timeline-step"][data-kind="contact"]');
  await care.fill('[data-testid="helper-name"]', '社区网格员 王强');
  await care.click('[data-testid="dispatch"]');
  await care.waitForSelector('[data-testid="timeline-step"][data-kind="dispatched"]');
  await care.click('[data-testid="on-site"]');
  await care.waitForSelector('[data-testid="alarm-card"][data-status="on_site"]');
  await lead.waitForSelector('[data-testid="timeline-step"][data-kind="on_site"]');
  await shot(care, 'alarm-card-desktop.png');
  await shot(lead, 'alarm-card-phone.png');

  // Closing it without a disposition names the field; with one it closes.
  await care.click('[data-testid="close-alarm"]');
  await care.waitForFunction(() => /处置结果/.test(document.querySelector('[data-testid="step-status"]').textContent));
  await care.selectOption('[data-testid="disposition"]', 'helper_on_site');
  await care.fill('[data-testid="alarm-note"]', '老人跌倒后右腿擦伤，已由网格员陪同处理');
  await care.click('[data-testid="close-alarm"]');
  await care.waitForSelector('[data-testid="alarm-card"][data-status="closed"]');
  await lead.waitForSelector('[data-testid="timeline-step"][data-kind="closed"]');
  await lead.waitForSelector(row(id), { state: 'detached' });
  const steps = await lead.$$eval('[data-testid="timeline-step"]', (s) => s.map((e) => e.dataset.kind));
  assert.deepEqual(steps, ['received', 'shown', 'acknowledged', 'contact', 'dispatched', 'on_site', 'closed']);

  // The alarm's case now waits for its follow-up call.
  const number = answer.tracking_number;
  await visit(lead, server.base, `/cases/${number}`);
  assert.equal(await lead.textContent('[data-testid="case-status"]'), '已办结');
  await lead.waitForSelector('[data-testid="callback-due"]');
  assert.deepEqual(care.errors, []);
  assert.deepEqual(lead.errors, []);
});

test('a console cut off from the server says so and, back, shows the alarm it missed', async () => {
  const care = await openPage(browser);
  await signIn(care, server.base, 'care', '/care/alarms');
  await care.waitForSelector('[data-testid="live-status"][data-state="open"]');
  // The network goes, and the server restarts meanwhile, which ends the console's stream.
  await care.context().setOffline(true);
  await server.restart();
  await care.waitForSelector('[data-testid="connection-down"]', { state: 'visible', timeout: 20_000 });
  await shot(care, 'alarm-console-offline.png');
  // An alarm arrives while the console is cut off; back online, the console shows it.
  const answer = await simulate('--kind', 'help');
  await care.context().setOffline(false);
  await care.waitForSelector(`${row(answer.alarm_id)}[data-status="open"]`, { timeout: 30_000 });
  await care.waitForSelector('[data-testid="recovered"]', { state: 'visible' });
  await care.waitForSelector('[data-testid="connection-down"]', { state: 'hidden' });
  // The requests the browser could not make while offline are its own console lines.
  assert.deepEqual(care.errors.filter((e) => !/ERR_INTERNET_DISCONNECTED|Failed to load resource/.test(e)), []);
});

test('the response figures show the demo month with a chart', async () => {
  for (const [width, height, name] of [[1280, 900, 'desktop'], [390, 844, 'phone']]) {
    const page = await openPage(browser, { width, height });
    await signIn(page, server.base, 'care', '/care/alarms/figures');
    await page.waitForSelector('[data-testid="day-chart"]');
    const total = Number(await page.textContent('[data-testid="tile-total"] .tile-value'));
    assert.ok(total >= 10, `demo alarms in the last 30 days: ${total}`);
    assert.ok(await page.$$eval('[data-testid="chart-bar"]', (b) => b.length) >= 5);
    assert.ok(await page.$$eval('[data-testid="by-coordinator"] tbody tr', (r) => r.length) >= 1);
    await shot(page, `alarm-figures-${name}.png`);
    assert.deepEqual(page.errors, []);
  }
});
