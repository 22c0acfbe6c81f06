// The centre's desk around cases, in real browsers: a repeated call is registered linked to
// the caller's earlier case and the case page shows the call, its recording and the links,
// which an agent unlinks and links again (SPEC W8, I3); a lead sees the agents and the
// missed calls (A3, A4); one lead hands the shift over and the next lead, in a second
// browser, takes it over (A5). Screenshots go to end2end/screenshots/.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launchBrowser, openPage, postCallEvent, shot, signIn, startServer, visit } from './support.mjs';

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

const now = () => new Date().toISOString();

test('a repeated call is linked to the earlier case, with its call and recording', async () => {
  const earlier = await fetch(`${server.base}/api/v1/requests`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      category: '0101', content: '单元门禁坏了，老人进出不便。', contact_name: '钱女士',
      phone: '13600005555', district: '610402', address: '文汇路 6 号', anonymous: false,
    }),
  }).then((r) => r.json());
  const old = earlier.tracking_number;

  const agent = await openPage(browser);
  await signIn(agent, server.base, 'agent');
  await agent.waitForSelector('[data-testid="live-status"][data-state="open"]');
  await postCallEvent(server.base, {
    event_id: 'desk-ring-1', kind: 'ringing', call_id: 'desk-call-1', caller: '13600005555',
    agent: 'agent', at: now(),
  });
  await postCallEvent(server.base, {
    event_id: 'desk-ans-1', kind: 'answered', call_id: 'desk-call-1', agent: 'agent', at: now(),
  });
  await agent.waitForSelector('[data-testid="intake-link"]');
  await agent.fill('#i-content', '门禁还是没修好，再次反映。');
  await agent.selectOption('#i-case_type', 'G');
  await agent.selectOption('#i-category', '0101');
  await agent.selectOption('#i-district', '610402');
  await agent.selectOption('[data-testid="intake-link"]', old);
  await Promise.all([
    agent.waitForURL(/\/cases\/\d{14}$/),
    agent.click('[data-testid="intake-submit"]'),
  ]);
  const n = agent.url().split('/').pop();
  await agent.waitForSelector('body[data-hydrated="true"]');
  assert.match(await agent.textContent('[data-testid="linked-case"]'), new RegExp(old));
  assert.equal((await agent.$$('[data-testid="case-call"]')).length, 1);

  // The call ends and the telephone system posts where the recording is.
  await postCallEvent(server.base, { event_id: 'desk-end-1', kind: 'ended', call_id: 'desk-call-1', at: now() });
  await postCallEvent(server.base, {
    event_id: 'desk-rec-1', kind: 'recording', call_id: 'desk-call-1', at: now(),
    recording_url: 'https://pbx.example.cn/rec/desk-call-1.wav',
  });
  await visit(agent, server.base, `/cases/${n}`);
  assert.equal(
    await agent.getAttribute('[data-testid="recording"]', 'href'),
    'https://pbx.example.cn/rec/desk-call-1.wav',
  );
  await shot(agent, 'case-links-calls.png');

  // Unlinked from the case page, then a wrong number, then linked again by hand.
  await agent.click('[data-testid="unlink"]');
  await agent.waitForSelector('[data-testid="linked-case"]', { state: 'detached' });
  await agent.fill('[data-testid="link-other"]', n);
  await agent.click('[data-testid="link-submit"]');
  await agent.waitForFunction(() => document.querySelector('#e-other')?.textContent.length > 0);
  assert.equal(await agent.$('[data-testid="linked-case"]'), null);
  await agent.fill('[data-testid="link-other"]', old);
  await agent.fill('#l-note', '同一门禁故障');
  await agent.click('[data-testid="link-submit"]');
  await agent.waitForSelector('[data-testid="linked-case"]');
  assert.match(await agent.textContent('[data-testid="linked-case"]'), /同一门禁故障/);
  assert.equal(await agent.inputValue('[data-testid="link-other"]'), '', 'the form is ready for the next');
  // The earlier case shows the link from its side, and both timelines record it.
  await visit(agent, server.base, `/cases/${old}`);
  assert.match(await agent.textContent('[data-testid="linked-case"]'), new RegExp(n));
  assert.match(await agent.textContent('[data-testid="timeline"]'), /关联案件/);
  assert.deepEqual(agent.errors, []);
});

test('a lead sees the agents and reassigns a missed call', async () => {
  const agent = await openPage(browser);
  await signIn(agent, server.base, 'agent');
  await agent.waitForSelector('[data-testid="live-status"][data-state="open"]');
  await agent.selectOption('[data-testid="agent-status"]', 'idle');
  await agent.waitForTimeout(300);
  await postCallEvent(server.base, {
    event_id: 'desk-miss-1', kind: 'missed', call_id: 'desk-missed-1', caller: '13600006666', at: now(),
  });
  await agent.waitForSelector('[data-testid="missed-call"]');

  const lead = await openPage(browser);
  await signIn(lead, server.base, 'lead');
  await lead.waitForSelector('[data-testid="agent-board"]');
  // The agent's desk is open: online and idle.
  const first = lead.locator('[data-testid="agent-state"]').first();
  assert.match(await first.textContent(), /agent/);
  assert.equal(await first.getAttribute('data-online'), 'true');
  assert.equal(await first.getAttribute('data-status'), 'idle');
  await lead.selectOption('[data-testid="agent-status"]', 'idle');
  await lead.waitForTimeout(300);
  await lead.reload();
  await lead.waitForSelector('[data-testid="reassign-agent"] option[value="lead"]', { state: 'attached' });
  await shot(lead, 'lead-agent-board.png');
  // The lead takes the call over; it leaves the agent's list.
  await lead.selectOption('[data-testid="reassign-agent"]', 'lead');
  await lead.click('[data-testid="reassign-submit"]');
  await agent.reload();
  await agent.waitForSelector('body[data-hydrated="true"]');
  await agent.waitForTimeout(500);
  assert.equal(await agent.$('[data-testid="missed-call"]'), null);
  assert.deepEqual(agent.errors, []);
  assert.deepEqual(lead.errors, []);
});

test('one lead hands the shift over and the next lead takes it over', async () => {
  const lead = await openPage(browser);
  await signIn(lead, server.base, 'lead');
  await visit(lead, server.base, '/handover');
  await lead.waitForSelector('[data-testid="handover-draft"] [data-testid="fig-red"]');
  assert.ok((await lead.$$('[data-testid="handover-item"]')).length > 0, 'the demo has open items');
  await shot(lead, 'handover-draft.png');
  // The note is required.
  await lead.click('[data-testid="handover-submit"]');
  await lead.waitForSelector('#e-note:not(:empty)');
  assert.equal(await lead.$('[data-testid="handover-row"]'), null);
  await lead.fill('[data-testid="handover-note"]', '两件红灯案件已电话督办；渭城区停水回访请早班跟进。');
  await lead.click('[data-testid="handover-submit"]');
  await lead.waitForSelector('[data-testid="handover-row"]');
  assert.match(await lead.textContent('[data-testid="handover-ack-cell"]'), /待确认/);
  // The lead does not take over their own handover.
  assert.equal(await lead.$('[data-testid="handover-ack"]'), null);

  const next = await openPage(browser, { width: 390, height: 844 });
  await signIn(next, server.base, 'lead2');
  await visit(next, server.base, '/handover');
  await next.waitForSelector('[data-testid="handover-waiting"]');
  assert.match(await next.textContent('[data-testid="handover-note-text"]'), /红灯案件已电话督办/);
  await shot(next, 'handover-waiting-phone.png');
  await next.fill('[data-testid="handover-waiting"] input[name="note"]', '已接班，逐件核对。');
  await next.click('[data-testid="handover-ack"]');
  await next.waitForSelector('[data-testid="handover-waiting"]', { state: 'detached' });
  assert.match(await next.textContent('[data-testid="handover-ack-cell"]'), /孙悦.*已接班/);
  await visit(lead, server.base, '/handover');
  assert.match(await lead.textContent('[data-testid="handover-ack-cell"]'), /孙悦/);
  await shot(lead, 'handover-history.png');
  assert.deepEqual(lead.errors, []);
  assert.deepEqual(next.errors, []);
});
