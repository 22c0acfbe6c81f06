// A complaint played through the whole case flow in two browsers (issue: case life cycle):
// the agent accepts, classifies and dispatches it; the department, in its own browser,
// finds it in its inbox, confirms it and feeds back; the agent calls back and archives.
// Screenshots of each screen go to end2end/screenshots/.
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

async function statusIs(page, label) {
  await page.waitForFunction(
    (want) => document.querySelector('[data-testid="case-status"]')?.textContent === want,
    label,
    { timeout: 15_000 },
  );
}

test('a complaint goes from intake to archive across the centre and a department', async () => {
  const filed = await fetch(`${server.base}/api/v1/requests`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      category: '0601', content: '公司拖欠三个月工资，多次讨要无果，请求劳动监察介入。',
      contact_name: '赵先生', phone: '13700001111', district: '610402',
      address: '人民东路 18 号', anonymous: false,
    }),
  }).then((r) => r.json());
  const n = filed.tracking_number;
  assert.match(n, /^\d{14}$/);

  // The agent takes it in.
  const agent = await openPage(browser);
  await signIn(agent, server.base, 'agent');
  await visit(agent, server.base, `/cases/${n}`);
  await statusIs(agent, '待受理');
  await agent.click('[data-testid="step-accept"]');
  await statusIs(agent, '已受理');
  await agent.selectOption('#s-type', 'G');
  await agent.click('[data-testid="step-classify"]');
  await statusIs(agent, '已分理');
  await agent.check('label:has-text("咸阳市人力资源和社会保障局") input');
  await agent.fill('#s-dnote', '请核实用人单位情况');
  await shot(agent, 'case-dispatch-form.png');
  await agent.click('[data-testid="step-dispatch"]');
  await statusIs(agent, '已派单');
  assert.match(await agent.textContent('[data-testid="case-assigned"]'), /人力资源和社会保障局/);
  assert.ok(await agent.$('[data-testid="light"]'), 'a dispatched case shows its light');
  await shot(agent, 'case-dispatched.png');

  // The department, in its own browser, finds it among the cases to handle.
  const dept = await openPage(browser);
  await signIn(dept, server.base, 'dept');
  await visit(dept, server.base, '/cases?queue=todo');
  await dept.waitForSelector(`a[href="/cases/${n}"]`);
  await shot(dept, 'department-inbox.png');
  await visit(dept, server.base, `/cases/${n}`);
  await statusIs(dept, '已派单');
  // A department takes only its own steps.
  assert.equal(await dept.$('[data-testid="step-dispatch"]'), null);
  await dept.click('[data-testid="step-confirm"]');
  await statusIs(dept, '已确认');
  await dept.fill('#s-feedback', '已约谈用人单位，工资已于本周足额发放。');
  await shot(dept, 'department-feedback.png');
  await dept.click('[data-testid="step-feedback"]');
  await statusIs(dept, '已反馈');

  // Back at the centre: the callback, then the archive.
  await visit(agent, server.base, `/cases/${n}`);
  await statusIs(agent, '已反馈');
  await agent.check('[data-testid="satisfaction-satisfied"]');
  await agent.fill('#s-cnote', '来电人确认已收到工资');
  await agent.click('[data-testid="step-callback"]');
  await statusIs(agent, '已回访');
  assert.equal(await agent.textContent('[data-testid="case-satisfaction"]'), '满意');
  await agent.click('[data-testid="step-archive"]');
  await statusIs(agent, '已归档');
  const steps = await agent.$$eval('[data-testid="timeline"] li strong', (els) => els.map((e) => e.textContent));
  assert.deepEqual(steps, ['提交', '受理', '分理', '派单', '确认接单', '办结反馈', '回访', '归档']);
  await shot(agent, 'case-archived.png');

  // The handled case becomes a knowledge article: the draft holds its question and answer.
  await agent.click('[data-testid="case-to-article"]');
  await agent.waitForSelector('[data-testid="kb-form"]');
  const draft = await agent.inputValue('#a-body');
  assert.match(draft, /问：公司拖欠三个月工资/);
  assert.match(draft, /工资已于本周足额发放/);
  await shot(agent, 'knowledge-draft-from-case.png');

  // The lists count by light and queue; the outbox holds the case's messages.
  await visit(agent, server.base, '/cases');
  await agent.waitForSelector('[data-testid="case-counts"]');
  await shot(agent, 'cases-list.png');
  const admin = await openPage(browser);
  await signIn(admin, server.base, 'admin');
  await visit(admin, server.base, '/admin/sms');
  await admin.waitForSelector(`[data-testid="sms-row"] a[href="/cases/${n}"]`);
  const rows = await admin.$$eval(`[data-testid="sms-row"]`, (trs, num) => trs.filter((tr) => tr.textContent.includes(num)).length, n);
  assert.equal(rows, 4, 'accepted, dispatched to the department and the citizen, completed');
  await shot(admin, 'sms-outbox.png');

  for (const page of [agent, dept, admin]) {
    assert.deepEqual(page.errors, []);
    await page.context().close();
  }
});

test('an illegal step is refused on the page with the reason', async () => {
  const page = await openPage(browser);
  await signIn(page, server.base, 'lead');
  // A dispatched demo case: the lead may not confirm for the department; the page offers
  // no such button, and a returned case must be reviewed before it is sent again.
  await visit(page, server.base, '/cases?status=dispatched');
  const first = await page.$('[data-testid="case-row"] a');
  assert.ok(first, 'the demo has dispatched cases');
  await first.click();
  await page.waitForSelector('[data-testid="case-status"]');
  assert.equal(await page.$('[data-testid="step-confirm"]'), null);
  assert.equal(await page.$('[data-testid="step-archive"]'), null);
  await shot(page, 'case-lead-view.png');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
