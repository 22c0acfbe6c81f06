// Each demo role signs in and sees only its own navigation (issue: accounts and access);
// pages outside a role are refused by the server; sensitive views are audited and masked.
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

const NAV = ['nav-agent', 'nav-knowledge', 'nav-cases', 'nav-handover', 'nav-alarms', 'nav-elderly', 'nav-admin', 'nav-audit', 'nav-map', 'nav-vendors', 'nav-my-vendor', 'nav-clients', 'nav-providers'];
const ROLES = [
  { user: 'agent', home: '/agent/requests', nav: ['nav-agent', 'nav-knowledge', 'nav-cases', 'nav-map', 'nav-vendors', 'nav-clients', 'nav-providers'], denied: '/admin/users' },
  { user: 'lead', home: '/agent/requests', nav: ['nav-agent', 'nav-knowledge', 'nav-cases', 'nav-handover', 'nav-alarms', 'nav-map', 'nav-vendors', 'nav-clients', 'nav-providers'], denied: '/care/elderly' },
  { user: 'dept', home: '/cases', nav: ['nav-cases'], denied: '/providers' },
  { user: 'vendor', home: '/cases', nav: ['nav-cases', 'nav-my-vendor'], denied: '/vendors/new' },
  { user: 'care', home: '/care/alarms', nav: ['nav-alarms', 'nav-elderly', 'nav-map', 'nav-vendors', 'nav-providers'], denied: '/clients' },
  { user: 'admin', home: '/admin/users', nav: ['nav-admin', 'nav-audit'], denied: '/cases' },
];

async function navShown(page) {
  const shown = [];
  for (const id of NAV) {
    if (await page.$(`[data-testid="${id}"]`)) shown.push(id);
  }
  return shown;
}

test('citizens see only the public navigation and are sent to sign in for staff pages', async () => {
  const page = await openPage(browser);
  await visit(page, server.base, '/');
  assert.deepEqual(await navShown(page), []);
  assert.ok(await page.$('[data-testid="nav-login"]'));
  await page.goto(`${server.base}/admin/audit`);
  assert.match(new URL(page.url()).pathname, /^\/login$/);
  assert.equal(new URL(page.url()).searchParams.get('next'), '/admin/audit');
  await page.waitForSelector('body[data-hydrated="true"]');
  await shot(page, 'login.png');
  // A wrong password is refused on the page, with one message whatever the cause.
  await page.fill('#l-username', 'agent');
  await page.fill('#l-password', 'not the password');
  await page.click('[data-testid="login-form"] button[type="submit"]');
  await page.waitForSelector('[data-testid="login-failed"]:not([hidden])');
  // Only the password is typed again; the sign-in page keeps where to go next.
  assert.equal(await page.inputValue('#l-username'), 'agent');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'l-password');
  assert.equal(new URL(page.url()).searchParams.get('next'), '/admin/audit');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

for (const role of ROLES) {
  test(`${role.user} sees only the ${role.user} navigation`, async () => {
    const page = await openPage(browser);
    await signIn(page, server.base, role.user);
    assert.equal(new URL(page.url()).pathname, role.home);
    assert.deepEqual(await navShown(page), role.nav);
    assert.match(await page.textContent('[data-testid="signed-in-as"]'), /\S/);
    await shot(page, `role-${role.user}.png`);
    // The server refuses a page outside the role, whatever the browser asks for.
    const response = await page.goto(`${server.base}${role.denied}`);
    assert.equal(response.status(), 403, `${role.user} at ${role.denied}`);
    await shot(page, `role-${role.user}-refused.png`);
    // The browser reports the refused document itself; that line is the point of this step.
    page.errors = page.errors.filter((e) => !e.includes('status of 403'));
    // Signing out ends the session: staff pages send back to the sign-in page.
    await visit(page, server.base, role.home === '/admin/users' ? '/admin/audit' : role.home);
    await Promise.all([page.waitForURL(/\/login/), page.click('[data-testid="sign-out"]')]);
    await page.goto(`${server.base}${role.home}`);
    assert.match(new URL(page.url()).pathname, /^\/login$/);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });
}

test('a department sees its cases masked and reveals a number on purpose', async () => {
  const page = await openPage(browser);
  await signIn(page, server.base, 'dept');
  const rows = await page.$$('[data-testid="case-row"]');
  assert.ok(rows.length > 0, 'the department has cases in the demo');
  for (const phone of await page.$$eval('[data-testid="masked-phone"]', (els) => els.map((e) => e.textContent))) {
    assert.match(phone, /\*{4}/);
  }
  await shot(page, 'department-cases.png');
  await Promise.all([
    page.waitForURL(/\/cases\/\d{14}$/),
    page.click('[data-testid="case-row"] a'),
  ]);
  await page.waitForSelector('[data-testid="case-phone"]');
  const masked = await page.textContent('[data-testid="case-phone"]');
  assert.match(masked, /\*/);
  const reveal = await page.$('[data-testid="reveal-phone"]');
  if (reveal) {
    await reveal.click();
    await page.waitForFunction(() => !document.querySelector('[data-testid="case-phone"]').textContent.includes('*'));
  }
  await shot(page, 'department-case.png');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('the coordinator opens a health record and the administrator finds that look in the audit log', async () => {
  const care = await openPage(browser);
  await signIn(care, server.base, 'care', '/care/elderly');
  assert.match(await care.textContent('[data-testid="masked-id"]'), /\*{8}/);
  // The registry counts everyone and pages; a name, then identity and age, narrow it.
  const total = Number(await care.getAttribute('[data-testid="elderly-total"]', 'data-total'));
  assert.ok(total > 300, `total ${total}`);
  assert.equal(await care.locator('[data-testid="elderly-row"]').count(), 50);
  await Promise.all([care.waitForURL(/page=2/), care.click('[data-testid="elderly-next"]')]);
  await care.waitForSelector('[data-testid="elderly-previous"]');
  const name = (await care.textContent('[data-testid="elderly-row"] a')).trim();
  await care.fill('[data-testid="elderly-q"]', name);
  await Promise.all([care.waitForURL(/q=/), care.click('[data-testid="elderly-find"]')]);
  await care.waitForSelector('[data-testid="elderly-row"]');
  for (const cell of await care.locator('[data-testid="elderly-row"] td:first-child').allTextContents()) {
    assert.ok(cell.startsWith(name), `${cell} for ${name}`);
  }
  await care.waitForSelector('body[data-hydrated="true"]');
  await care.selectOption('[data-testid="elderly-category"]', '独居');
  await care.fill('[data-testid="elderly-age-min"]', '70');
  await Promise.all([care.waitForURL(/age_min=70/), care.click('[data-testid="elderly-find"]')]);
  await care.waitForSelector('[data-testid="elderly-total"]');
  const year = new Date().getFullYear();
  for (const row of await care.locator('[data-testid="elderly-row"]').all()) {
    const cells = await row.locator('td').allTextContents();
    assert.ok(cells[0].startsWith(name) && cells[4] === '独居', cells.join(' '));
    assert.ok(year - Number(cells[2].slice(0, 4)) >= 70, cells[2]);
  }
  await shot(care, 'elderly-search.png');
  await visit(care, server.base, '/care/elderly?age_min=old');
  assert.match(await care.textContent('[data-testid="elderly-invalid"] [data-field="age_min"]'), /年龄/);
  await visit(care, server.base, '/care/elderly');
  await Promise.all([care.waitForURL(/\/care\/elderly\/\d+$/), care.click('[data-testid="elderly-row"] a')]);
  await care.waitForSelector('[data-testid="audited-view"]');
  assert.equal((await care.textContent('[data-testid="id-number"]')).trim().length, 18);
  await shot(care, 'elderly-record.png');
  assert.deepEqual(care.errors, []);
  await care.context().close();

  const admin = await openPage(browser);
  await signIn(admin, server.base, 'admin');
  // 160-odd accounts: paged on the server and searched by words, role and state (issue 17).
  await admin.waitForSelector('[data-testid="users-total"]');
  assert.ok(Number(await admin.getAttribute('[data-testid="users-total"]', 'data-total')) > 50);
  assert.equal(await admin.locator('[data-testid="user-row"]').count(), 50);
  assert.ok(await admin.$('[data-testid="users-next"]'));
  await shot(admin, 'admin-users.png');
  await admin.selectOption('[data-testid="user-role-filter"]', 'department');
  await Promise.all([admin.waitForURL(/role=department/), admin.click('[data-testid="user-find"]')]);
  await admin.waitForFunction(() => {
    const roles = [...document.querySelectorAll('[data-testid="user-row"] td:nth-child(3)')].map((td) => td.textContent);
    return roles.length > 0 && roles.every((r) => r === '联动部门');
  });
  await admin.fill('[data-testid="user-q"]', '人社');
  await Promise.all([admin.waitForURL(/q=%E4%BA%BA%E7%A4%BE/), admin.click('[data-testid="user-find"]')]);
  await admin.waitForFunction(() => document.querySelector('[data-testid="users-total"]')?.dataset.total === '1');
  assert.match(await admin.textContent('[data-testid="user-row"]'), /人社局/);
  await visit(admin, server.base, '/admin/users');
  // A new account shows only the picker its role needs; the vendors' picker narrows to a
  // name or district typed, each vendor told apart by district and id.
  await admin.waitForSelector('body[data-hydrated="true"]');
  await admin.selectOption('#a-role', 'vendor');
  assert.equal(await admin.isVisible('[data-testid="pick-department"]'), false);
  assert.equal(await admin.isVisible('[data-testid="pick-vendor"]'), true);
  await admin.fill('[data-testid="vendor-filter"]', '秦都区');
  const shown = await admin.$$eval('#a-vendor_id option:not([value=""])', (os) => os.filter((o) => !o.hidden).map((o) => o.textContent.trim()));
  assert.ok(shown.length > 0, 'vendors in 秦都区');
  for (const label of shown) assert.match(label, /秦都区/);
  assert.ok(shown.some((label) => /（秦都区 · #\d+）$/.test(label)), shown.join());
  const picked = await admin.$eval('#a-vendor_id', (s) => [...s.options].find((o) => o.value && !o.hidden).value);
  await admin.selectOption('#a-vendor_id', picked);
  await admin.fill('#a-username', 'vendor.desk2');
  await admin.fill('#a-display_name', '加盟企业客服 周宁');
  await admin.fill('#a-password', 'desk-2026-password');
  await shot(admin, 'admin-user-vendor-picker.png');
  await admin.click('[data-testid="user-form"] button[type="submit"]');
  await admin.waitForSelector('[data-testid="user-row"][data-username="vendor.desk2"]');
  assert.match(await admin.textContent('[data-testid="user-row"][data-username="vendor.desk2"]'), new RegExp(shown[0].split('（')[0]));
  await admin.selectOption('#a-role', 'department');
  assert.equal(await admin.isVisible('[data-testid="pick-vendor"]'), false);
  assert.equal(await admin.isVisible('[data-testid="pick-department"]'), true);
  await visit(admin, server.base, '/admin/audit?actor=user%3Acare');
  await admin.waitForSelector('[data-testid="audit-row"]');
  // In words: who by name, what was done; the codes on hover.
  const look = admin.locator('[data-testid="audit-row"]', { has: admin.locator('[title="view_health_and_id"]') }).first();
  assert.equal(await look.locator('[data-testid="audit-action"]').textContent(), '查看健康信息和身份证号');
  assert.equal(await look.locator('[data-testid="audit-actor"]').textContent(), '一键通坐席 刘芳');
  assert.equal(await look.locator('[data-testid="audit-actor"]').getAttribute('title'), 'user:care');
  assert.match(await look.textContent(), /老人档案 \d+/);
  await shot(admin, 'admin-audit.png');
  await visit(admin, server.base, '/admin/roles');
  await shot(admin, 'admin-roles.png');
  await visit(admin, server.base, '/admin/codes');
  await admin.waitForSelector('body[data-hydrated="true"]');
  // Routine cleaning gets its own limits: more than a year is refused by field (the
  // browser itself stops a limit of nothing), then 3 working days to handle and 48 hours
  // to call back are kept and listed.
  const form = '[data-testid="category-form"]';
  await admin.fill(`${form} #a-code`, '0101');
  await admin.fill(`${form} #a-name_zh`, '日常保洁');
  await admin.fill(`${form} #a-name_en`, 'Routine Cleaning');
  await admin.fill(`${form} #a-handling_amount`, '400');
  await admin.click(`${form} button[type="submit"]`);
  await admin.waitForSelector(`${form} #e-handling_amount:not([hidden])`);
  await admin.fill(`${form} #a-handling_amount`, '3');
  await admin.fill(`${form} #a-callback_amount`, '48');
  await admin.selectOption(`${form} select[name="callback_unit"]`, 'hours');
  await admin.click(`${form} button[type="submit"]`);
  await admin.waitForFunction(() => /3个工作日/.test(document.querySelector('[data-testid="code-0101"]')?.textContent ?? ''));
  assert.match(await admin.textContent('[data-testid="code-0101"]'), /回访时限 48小时/);
  await shot(admin, 'admin-codes.png');
  // The change is in the audit log as rows of fields, before and after.
  await visit(admin, server.base, '/admin/audit?object_type=category&object_id=0101');
  await admin.waitForSelector('[data-testid="audit-changes"]');
  const change = await admin.textContent('[data-testid="audit-row"]:first-child [data-testid="audit-changes"]');
  assert.match(change, /name_zh/);
  assert.match(change, /日常保洁/);
  assert.equal(await admin.textContent('[data-testid="audit-row"]:first-child [data-testid="audit-action"]'), '修改');
  await shot(admin, 'admin-audit-change.png');
  // The working calendar: the official 2026 schedule, and a reminder that 2027 is missing.
  await visit(admin, server.base, '/admin/calendar?year=2026');
  await admin.waitForSelector('[data-testid="calendar-table"]');
  assert.match(await admin.textContent('[data-testid="calendar-summary"]'), /放假 33 天，调休上班 6 天/);
  await admin.waitForSelector('[data-testid="calendar-next-missing"]');
  await admin.waitForSelector('body[data-hydrated="true"]');
  await shot(admin, 'admin-calendar.png');
  // A make-up working day on a weekday is refused by field; New Year's Day 2027 is entered.
  await admin.fill('#a-date', '2027-01-04');
  await admin.selectOption('#c-kind', 'workday');
  await admin.fill('#a-name', '元旦');
  await admin.click('[data-testid="calendar-save"]');
  await admin.waitForSelector('#e-date:has-text("周六或周日")');
  await admin.selectOption('#c-kind', 'holiday');
  await admin.fill('#a-date', '2027-01-01');
  await admin.click('[data-testid="calendar-save"]');
  await admin.waitForSelector('[data-testid="save-status"]:has-text("已保存")');
  await visit(admin, server.base, '/admin/calendar?year=2027');
  await admin.waitForSelector('[data-testid="calendar-row"]');
  assert.equal((await admin.$$('[data-testid="calendar-row"]')).length, 1);
  await admin.setViewportSize({ width: 360, height: 800 });
  await shot(admin, 'admin-calendar-phone.png');
  assert.deepEqual(admin.errors, []);
  await admin.context().close();
});

test('a citizen tracks a request with its number and phone', async () => {
  const page = await openPage(browser);
  const res = await fetch(`${server.base}/api/v1/requests`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ category: '0101', content: '楼道灯坏了', contact_name: '王女士', phone: '13912345678', district: '610402', address: '', anonymous: false }),
  });
  const { tracking_number: number } = await res.json();
  await visit(page, server.base, '/track');
  await page.fill('#t-number', number);
  await page.fill('#t-phone', '13800000000');
  await page.click('[data-testid="track-form"] button[type="submit"]');
  await page.waitForSelector('[data-testid="track-nomatch"]');
  await page.fill('#t-phone', '13912345678');
  await page.click('[data-testid="track-form"] button[type="submit"]');
  await page.waitForSelector('[data-testid="track-status"]');
  assert.match(await page.textContent('[data-testid="track-status"]'), /等待坐席受理/);
  await shot(page, 'track.png');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

/** A valid resident ID number (GB 11643) for the first 17 digits. */
function idNumber(first17) {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((s, d, i) => s + Number(d) * weights[i], 0);
  return first17 + '10X98765432'[sum % 11];
}

test('the coordinator exports a search and imports a file, row by row', async () => {
  const care = await openPage(browser);
  await signIn(care, server.base, 'care', '/care/elderly?q=%E5%BC%A0');
  const total = Number(await care.getAttribute('[data-testid="elderly-total"]', 'data-total'));
  assert.ok(total > 0);
  // The export is every person the search finds, not the page shown.
  const [download] = await Promise.all([
    care.waitForEvent('download'),
    care.click('[data-testid="elderly-export-csv"]'),
  ]);
  assert.match(download.suggestedFilename(), /^elderly-registry-\d{8}\.csv$/);
  const lines = (await readFile(await download.path(), 'utf8')).trim().split('\n');
  assert.match(lines[0], /身份证号/);
  assert.equal(lines.length - 1, total);

  // A file with one good row and one whose ID number is wrong: refused whole, the row and
  // column named; then imported without the bad row.
  const good = idNumber('61040219480612004');
  const bad = good.slice(0, 17) + (good.endsWith('0') ? '1' : '0');
  const csv = '姓名,身份证号,身份类别,服务卡号,区县,街道乡镇,详细地址,紧急联系人,联系人关系,联系人电话\n'
    + `褚秀芝,${good},空巢,XYE2E00001,秦都区,人民路街道,人民路 9 号,褚明,儿子,13900001111\n`
    + `褚秀云,${bad},空巢,XYE2E00002,秦都区,,人民路 10 号,褚亮,女儿,13900001112\n`;
  const upload = async (skip) => {
    await care.click('[data-testid="elderly-import"] summary');
    await care.setInputFiles('[data-testid="import-file"]', { name: '褚.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    if (skip) await care.check('[data-testid="import-skip"]');
    await Promise.all([care.waitForURL(/import=\d+/), care.click('[data-testid="import-submit"]')]);
    await care.waitForSelector('[data-testid="import-report"]');
  };
  await upload(false);
  assert.equal(await care.getAttribute('[data-testid="import-report"]', 'data-committed'), 'false');
  const issue = care.locator('[data-testid="import-issue"]');
  assert.equal(await issue.count(), 1);
  assert.equal(await issue.getAttribute('data-row'), '3');
  assert.match(await issue.textContent(), /身份证号.*18 位/);
  await shot(care, 'elderly-import-refused.png');
  await care.waitForSelector('body[data-hydrated="true"]');
  await upload(true);
  assert.equal(await care.getAttribute('[data-testid="import-report"]', 'data-committed'), 'true');
  assert.match(await care.textContent('[data-testid="import-summary"]'), /已导入 1 人/);
  await care.setViewportSize({ width: 390, height: 844 });
  await shot(care, 'elderly-import-phone.png');
  await visit(care, server.base, '/care/elderly?q=%E8%A4%9A');
  assert.equal(await care.getAttribute('[data-testid="elderly-total"]', 'data-total'), '1');
  assert.deepEqual(care.errors, []);
  await care.context().close();
});
