// The registries kept by hand (issue 14). The vendor registry (SPEC R1): a shift lead finds
// vendors, creates one with its services, records an inspection; the demo vendor's own
// account changes its phone and adds a member of staff, and cannot see the centre's fields.
// The client register (SPEC R4): a lead registers a VIP caller (the reason asked for), an
// agent on a phone finds them by number and keeps the note, without the marks. Skilled
// individuals and volunteers (SPEC R2): a lead finds volunteers, registers a skilled person
// and pauses them; an agent reads the record without the form. The elderly registry
// (SPEC R3): a coordinator registers a person and installs their one-key terminal.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
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

test('a lead finds, creates and inspects vendors; a vendor keeps its own contact details and staff', async () => {
  const lead = await openPage(browser);
  await signIn(lead, server.base, 'lead', '/vendors');
  const total = Number(await lead.getAttribute('[data-testid="vendor-total"]', 'data-total'));
  assert.ok(total > 10, `demo vendors: ${total}`);
  await shot(lead, 'vendors-list.png');

  // A search by status: every row found is suspended.
  await lead.selectOption('[data-testid="vendor-status-filter"]', 'suspended');
  await Promise.all([lead.waitForURL(/status=suspended/), lead.click('[data-testid="vendor-find"]')]);
  await lead.waitForSelector('[data-testid="vendor-row"]');
  const statuses = await lead.$$eval('[data-testid="vendor-row"] [data-status]', (els) => els.map((e) => e.dataset.status));
  assert.ok(statuses.length > 0 && statuses.every((s) => s === 'suspended'), statuses.join());
  // A click anywhere on a row opens that vendor; back returns to the same search.
  await lead.waitForSelector('body[data-hydrated="true"]');
  const firstVendor = await lead.getAttribute('[data-testid="vendor-row"]', 'data-id');
  await Promise.all([
    lead.waitForURL(new RegExp(`/vendors/${firstVendor}$`)),
    lead.click('[data-testid="vendor-row"]:first-child td:last-child'),
  ]);
  await lead.goBack();
  await lead.waitForURL(/status=suspended/);
  await lead.waitForSelector('[data-testid="vendor-row"]');
  // The search as a file: every vendor it finds, one line each under the heading.
  const suspended = Number(await lead.getAttribute('[data-testid="vendor-total"]', 'data-total'));
  const [download] = await Promise.all([
    lead.waitForEvent('download'),
    lead.click('[data-testid="vendor-export-csv"]'),
  ]);
  assert.match(download.suggestedFilename(), /^vendors-\d{8}\.csv$/);
  const lines = (await readFile(await download.path(), 'utf8')).trim().split('\n');
  assert.match(lines[0], /企业名称/);
  assert.equal(lines.length - 1, suspended);
  assert.ok(lines.slice(1).every((l) => l.includes('暂停')));

  // A new vendor: a missing phone is named first, then it is saved and its record opens.
  await visit(lead, server.base, '/vendors/new');
  await lead.fill('[data-testid="vendor-name-input"]', '咸阳市秦都区浏览器测试家政服务部');
  await lead.selectOption('#v-district', '610402');
  await lead.selectOption('#v-street', '610402001');
  await lead.fill('#v-address', '人民路 99 号');
  await lead.fill('#v-contact_name', '周敏');
  await lead.fill('#v-staff_count', '8');
  await lead.fill('#v-registered_capital', '200000');
  await lead.click('[data-testid="vendor-services-box"] details summary');
  await lead.check('[data-testid="vendor-services-box"] details input[type="checkbox"]');
  await lead.check('#v-special_recommend');
  await lead.click('[data-testid="vendor-save"]');
  await lead.waitForSelector('#ve-phone:not([hidden])');
  assert.match(await lead.textContent('#ve-phone'), /必填/);
  await lead.fill('[data-testid="vendor-phone-input"]', '13800000123');
  await Promise.all([lead.waitForURL(/\/vendors\/\d+$/), lead.click('[data-testid="vendor-save"]')]);
  await lead.waitForSelector('[data-testid="vendor-name"]');
  assert.equal(await lead.textContent('[data-testid="vendor-name"]'), '咸阳市秦都区浏览器测试家政服务部');
  assert.match(await lead.textContent('[data-testid="vendor-facts"]'), /人民路街道/);
  const created = lead.url();

  // An inspection recorded by the lead appears on the record.
  await lead.waitForSelector('body[data-hydrated="true"]');
  await lead.click('[data-testid="inspection-open"]');
  await lead.fill('#v-inspected_on', '2026-11-30');
  await lead.selectOption('#v-result', 'rectify');
  await lead.fill('#v-inspector', '李明');
  await lead.fill('#v-note', '服务人员未持证上岗');
  await lead.click('[data-testid="inspection-form"] button[type="submit"]');
  await lead.waitForSelector('[data-testid="inspection-row"]');
  assert.match(await lead.textContent('[data-testid="inspection-row"]'), /限期整改.*李明/);
  await shot(lead, 'vendor-record.png');

  // The vendor's own account: its record from the navigation, its own fields only.
  const vendor = await openPage(browser, { width: 390, height: 844 });
  await signIn(vendor, server.base, 'vendor');
  await Promise.all([vendor.waitForURL(/\/vendors\/\d+$/), vendor.click('[data-testid="nav-my-vendor"]')]);
  await vendor.waitForSelector('[data-testid="vendor-name"]');
  await vendor.waitForSelector('body[data-hydrated="true"]');
  assert.equal(await vendor.$('[data-testid="inspection-open"]'), null);
  await vendor.click('[data-testid="vendor-edit"] summary');
  assert.equal(await vendor.$('[data-testid="vendor-name-input"]'), null);
  await vendor.fill('[data-testid="vendor-phone-input"]', '029-33219876');
  await vendor.click('[data-testid="vendor-save"]');
  await vendor.waitForFunction(() => document.querySelector('[data-testid="vendor-facts"]')?.textContent.includes('029-33219876'));

  const staffRows = await vendor.locator('[data-testid="staff-row"]').count();
  await vendor.fill('[data-testid="staff-form"] #v-staff-name', '郑小红');
  await vendor.fill('[data-testid="staff-form"] #v-staff-job', '保洁员');
  await vendor.fill('[data-testid="staff-form"] #v-staff-phone', '13700001234');
  await vendor.click('[data-testid="staff-form"] button[type="submit"]');
  await vendor.waitForFunction((n) => document.querySelectorAll('[data-testid="staff-row"]').length === n + 1, staffRows);
  assert.match(await vendor.textContent('[data-testid="vendor-staff"]'), /郑小红.*保洁员/);
  await shot(vendor, 'vendor-own-phone.png');

  // Another vendor's record is not found for it.
  await visit(vendor, server.base, new URL(created).pathname);
  assert.match(await vendor.textContent('main'), /没有这家企业|不存在|404/);

  await lead.setViewportSize({ width: 390, height: 844 });
  await visit(lead, server.base, '/vendors');
  await shot(lead, 'vendors-list-phone.png');
  assert.deepEqual(lead.errors, []);
  assert.deepEqual(vendor.errors.filter((e) => !/404/.test(e)), []);
  await lead.context().close();
  await vendor.context().close();
});

test('a lead marks a caller with a reason; an agent finds them by number and keeps the note', async () => {
  const lead = await openPage(browser);
  await signIn(lead, server.base, 'lead', '/clients');
  const total = Number(await lead.getAttribute('[data-testid="client-total"]', 'data-total'));
  assert.ok(total > 100, `demo callers remembered: ${total}`);
  await lead.selectOption('[data-testid="client-mark-filter"]', 'blacklist');
  await Promise.all([lead.waitForURL(/mark=blacklist/), lead.click('[data-testid="client-find"]')]);
  await lead.waitForSelector('[data-testid="client-row"]');
  const marks = await lead.$$eval('[data-testid="client-row"]', (rows) => rows.map((r) => r.querySelector('[data-mark="blacklist"]') !== null));
  assert.ok(marks.length > 0 && marks.every(Boolean));
  await shot(lead, 'clients-list.png');

  // A VIP registered by hand: the mark's reason is asked for, then the record opens.
  await visit(lead, server.base, '/clients/new');
  await lead.fill('[data-testid="client-phone-input"]', '139 5555 6666');
  await lead.fill('[data-testid="client-name-input"]', '孙立平');
  await lead.selectOption('#v-district', '610404');
  await lead.check('#v-vip');
  await lead.click('[data-testid="client-save"]');
  await lead.waitForSelector('#ve-vip_reason:not([hidden])');
  assert.match(await lead.textContent('#ve-vip_reason'), /必填/);
  await lead.fill('#v-vip_reason', '市劳动模范，行动不便');
  await Promise.all([lead.waitForURL(/\/clients\/\d+$/), lead.click('[data-testid="client-save"]')]);
  await lead.waitForSelector('[data-testid="client-marks"]');
  assert.match(await lead.textContent('[data-testid="client-marks"]'), /VIP.*市劳动模范/);
  assert.match(await lead.textContent('[data-testid="client-phone"]'), /139\*\*\*\*6666/);
  await shot(lead, 'client-record.png');

  // An agent on a phone finds them by the whole number and keeps the note; no marks there.
  const agent = await openPage(browser, { width: 390, height: 844 });
  await signIn(agent, server.base, 'agent', '/clients');
  await agent.fill('[data-testid="client-q"]', '13955556666');
  await Promise.all([agent.waitForURL(/q=13955556666/), agent.click('[data-testid="client-find"]')]);
  await agent.waitForSelector('[data-testid="client-row"]');
  assert.equal(await agent.locator('[data-testid="client-row"]').count(), 1);
  // On a phone too, tapping the row (not only the name) opens the record.
  await agent.waitForSelector('body[data-hydrated="true"]');
  await Promise.all([agent.waitForURL(/\/clients\/\d+$/), agent.click('[data-testid="client-row"] td.mono')]);
  await agent.waitForSelector('body[data-hydrated="true"]');
  await agent.click('[data-testid="client-edit"] summary');
  assert.equal(await agent.$('[data-testid="client-marks-box"]'), null);
  await agent.fill('[data-testid="client-note-input"]', '耳背，请大声说话');
  await agent.click('[data-testid="client-save"]');
  await agent.waitForSelector('[data-testid="client-note"]');
  assert.match(await agent.textContent('[data-testid="client-note"]'), /耳背/);
  assert.match(await agent.textContent('[data-testid="client-marks"]'), /市劳动模范/);
  // The whole number, to call them back.
  assert.equal((await agent.textContent('[data-testid="client-phone"]')).trim(), '139****6666');
  await agent.click('[data-testid="client-reveal-phone"]');
  await agent.waitForFunction(() => document.querySelector('[data-testid="client-phone"]').textContent.trim() === '13955556666');
  await shot(agent, 'client-record-phone.png');
  assert.deepEqual(lead.errors, []);
  assert.deepEqual(agent.errors, []);
  await lead.context().close();
  await agent.context().close();
});

test('a lead registers a skilled person and pauses them; an agent reads the record', async () => {
  const lead = await openPage(browser);
  await signIn(lead, server.base, 'lead', '/providers');
  const total = Number(await lead.getAttribute('[data-testid="provider-total"]', 'data-total'));
  assert.ok(total > 100, `demo skilled people and volunteers: ${total}`);
  await lead.selectOption('[data-testid="provider-kind"]', 'volunteer');
  await Promise.all([lead.waitForURL(/kind=volunteer/), lead.click('[data-testid="provider-find"]')]);
  await lead.waitForSelector('[data-testid="provider-row"]');
  const kinds = await lead.$$eval('[data-testid="provider-row"]', (rows) => rows.map((r) => r.dataset.kind));
  assert.ok(kinds.length > 0 && kinds.every((k) => k === 'volunteer'), kinds.join());
  await shot(lead, 'providers-list.png');
  await lead.waitForSelector('body[data-hydrated="true"]');
  const firstProvider = await lead.getAttribute('[data-testid="provider-row"]', 'data-id');
  await Promise.all([
    lead.waitForURL(new RegExp(`/providers/${firstProvider}$`)),
    lead.click('[data-testid="provider-row"]:first-child td:nth-child(3)'),
  ]);
  await lead.goBack();
  await lead.waitForSelector('[data-testid="provider-row"]');
  // The search as a file: every volunteer it finds.
  const volunteers = Number(await lead.getAttribute('[data-testid="provider-total"]', 'data-total'));
  const [download] = await Promise.all([
    lead.waitForEvent('download'),
    lead.click('[data-testid="provider-export-xlsx"]'),
  ]);
  assert.match(download.suggestedFilename(), /^providers-\d{8}\.xlsx$/);
  const csv = await lead.request.get(`${server.base}/api/v1/providers/export?format=csv&kind=volunteer`);
  const lines = (await csv.text()).trim().split('\n');
  assert.match(lines[0], /姓名/);
  assert.equal(lines.length - 1, volunteers);
  assert.ok(lines.slice(1).every((l) => l.includes('义工')));

  // A new skilled person: the missing service is named, then the record opens.
  await visit(lead, server.base, '/providers/new');
  await lead.fill('[data-testid="provider-name-input"]', '钱师傅');
  await lead.fill('[data-testid="provider-phone-input"]', '139 5555 0001');
  await lead.selectOption('#v-district', '610402');
  await lead.selectOption('#v-street', '610402001');
  await lead.click('[data-testid="provider-save"]');
  await lead.waitForSelector('#ve-skill:not([hidden])');
  await lead.selectOption('#v-skill', '0101');
  await Promise.all([lead.waitForURL(/\/providers\/\d+$/), lead.click('[data-testid="provider-save"]')]);
  await lead.waitForSelector('[data-testid="provider-name"]');
  assert.match(await lead.textContent('[data-testid="provider-facts"]'), /人民路街道/);
  // Paused with a note for dispatchers.
  await lead.waitForSelector('body[data-hydrated="true"]');
  await lead.click('[data-testid="provider-edit"] summary');
  await lead.selectOption('#v-status', 'paused');
  await lead.fill('[data-testid="provider-note-input"]', '腿伤，年后恢复接单');
  await lead.click('[data-testid="provider-save"]');
  await lead.waitForSelector('[data-testid="provider-note"]');
  assert.equal(await lead.getAttribute('.page-head [data-status]', 'data-status'), 'paused');
  await shot(lead, 'provider-record.png');

  const agent = await openPage(browser, { width: 390, height: 844 });
  await signIn(agent, server.base, 'agent', new URL(lead.url()).pathname);
  await agent.waitForSelector('[data-testid="provider-name"]');
  assert.equal(await agent.$('[data-testid="provider-edit"]'), null);
  await shot(agent, 'provider-record-phone.png');
  assert.deepEqual(lead.errors, []);
  assert.deepEqual(agent.errors, []);
  await lead.context().close();
  await agent.context().close();
});

/** A valid ID number (GB 11643): the body and its check character. */
function idNumber(body) {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body].reduce((s, d, i) => s + Number(d) * weights[i], 0);
  return body + '10X98765432'[sum % 11];
}

test('a coordinator registers an elderly person and changes their one-key phone', async () => {
  const care = await openPage(browser);
  await signIn(care, server.base, 'care', '/care/elderly');
  await Promise.all([care.waitForURL(/\/care\/elderly\/new$/), care.click('[data-testid="elderly-new"]')]);
  await care.waitForSelector('body[data-hydrated="true"]');
  await care.fill('[data-testid="elderly-name-input"]', '孙桂芳');
  await care.selectOption('#v-identity_category', '独居');
  await care.fill('[data-testid="elderly-id-input"]', idNumber('61040219480712977'));
  await care.fill('[data-testid="elderly-card-input"]', 'XY-E2E-0001');
  await care.selectOption('#v-district', '610402');
  await care.selectOption('#v-street', '610402001');
  await care.fill('[data-testid="elderly-address-input"]', '人民路 21 号院 3 号楼');
  await care.fill('[data-testid="elderly-contact-name-input"]', '孙伟');
  await care.fill('#v-contact_relation', '儿子');
  await care.fill('[data-testid="elderly-health-input"]', '高血压，行动不便');
  // The emergency contact's phone is missing: named at its field, nothing stored.
  await care.click('[data-testid="elderly-save"]');
  await care.waitForSelector('#ve-contact_phone:not([hidden])');
  await care.fill('[data-testid="elderly-contact-phone-input"]', '139 1234 0977');
  await Promise.all([care.waitForURL(/\/care\/elderly\/\d+$/), care.click('[data-testid="elderly-save"]')]);
  await care.waitForSelector('[data-testid="elderly-name"]');
  assert.equal((await care.textContent('[data-testid="elderly-name"]')).trim(), '孙桂芳');
  assert.match(await care.textContent('[data-testid="health-notes"]'), /行动不便/);

  // Edited: a one-key terminal installed, the address corrected.
  await care.waitForSelector('body[data-hydrated="true"]');
  await care.click('[data-testid="elderly-edit"] summary');
  await care.fill('[data-testid="elderly-onekey-input"]', '029-33120977');
  await care.fill('[data-testid="elderly-address-input"]', '人民路 21 号院 3 号楼 2 单元');
  await care.click('[data-testid="elderly-save"]');
  await care.waitForFunction(() => document.querySelector('[data-testid="elderly-onekey-phone"]')?.textContent.includes('33120977'));
  assert.match(await care.textContent('[data-testid="elderly-address"]'), /2 单元/);
  await care.click('[data-testid="elderly-edit"] summary');
  await shot(care, 'elderly-record-edit.png');
  // The registry finds them by the new number.
  await visit(care, server.base, '/care/elderly?q=02933120977');
  assert.equal(await care.locator('[data-testid="elderly-row"]').count(), 1);
  await care.waitForSelector('body[data-hydrated="true"]');
  await Promise.all([
    care.waitForURL(/\/care\/elderly\/\d+$/),
    care.click('[data-testid="elderly-row"] td:nth-child(3)'),
  ]);
  await care.waitForSelector('[data-testid="elderly-onekey-phone"]');
  assert.deepEqual(care.errors, []);
  await care.context().close();
});
