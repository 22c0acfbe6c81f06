// The knowledge base in a real browser (SPEC K1–K2, P3): a citizen types pinyin initials
// and sees 社保 articles with the match marked, and cannot see staff-only ones; an agent
// writes a new article, finds it by pinyin as they type, and edits it.
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

const hitTitles = (page) =>
  page.$$eval('[data-testid="kb-hit"] .kb-hit-title', (els) => els.map((e) => e.textContent));

async function typeAndWait(page, text, expect) {
  await page.fill('[data-testid="kb-search"]', '');
  await page.type('[data-testid="kb-search"]', text, { delay: 40 });
  await page.waitForFunction(
    (want) => [...document.querySelectorAll('[data-testid="kb-hit"] .kb-hit-title')]
      .some((e) => e.textContent.includes(want)),
    expect,
    { timeout: 10_000 },
  );
}

test('a citizen finds a service guide by pinyin initials, with the match marked', async () => {
  const page = await openPage(browser);
  await visit(page, server.base, '/');
  await page.click('[data-testid="nav-guide"]');
  await page.waitForSelector('[data-testid="kb-search"]');
  await typeAndWait(page, 'sb', '社保卡丢失如何补办');
  const marks = await page.$$eval('[data-testid="kb-hit"] .kb-hit-title mark', (els) => els.map((e) => e.textContent));
  assert.ok(marks.includes('社保'), `marked: ${marks}`);
  await shot(page, 'knowledge-citizen-search.png');

  // The staff-only article about dispatch time limits is not found by a citizen.
  // (A search link: the page is rendered with the hits for its query.)
  await visit(page, server.base, `/knowledge?q=${encodeURIComponent('坐席内部')}`);
  await page.waitForSelector('[data-testid="kb-hits"], [data-testid="kb-empty"]');
  assert.ok(!(await hitTitles(page)).some((t) => t.includes('坐席内部')));

  await typeAndWait(page, 'shebao', '社保卡丢失如何补办');
  await page.click('[data-testid="kb-hit"] a:has-text("社保卡丢失如何补办")');
  await page.waitForSelector('[data-testid="kb-article"]');
  assert.match(await page.textContent('[data-testid="kb-body"]'), /补办/);
  assert.equal(await page.$('[data-testid="kb-edit"]'), null, 'citizens cannot edit');
  // What only staff need (public or not, the search keywords) is not shown to a citizen.
  const meta = await page.$eval('[data-testid="kb-article"] .muted', (el) => el.textContent);
  assert.doesNotMatch(meta, /公开|内部|关键词/);
  assert.equal(await page.$('[data-testid="kb-article"] >> text=关键词'), null);
  assert.ok(await page.isVisible('[data-testid="need-help"]'));
  await shot(page, 'knowledge-article.png');
  // Back to the search, not to an empty box.
  await page.click('[data-testid="kb-back"]');
  await page.waitForURL((url) => url.pathname === '/knowledge' && url.searchParams.get('q') === 'shebao');
  await page.waitForSelector('[data-testid="kb-hit"]');
  assert.equal(await page.inputValue('[data-testid="kb-search"]'), 'shebao');
  // Pinyin finds what the characters find (社保 also in an article's text, not its title).
  await typeAndWait(page, '社保', '社保卡丢失如何补办');
  const byCharacters = (await hitTitles(page)).sort();
  await typeAndWait(page, 'shebao', '社保卡丢失如何补办');
  const byPinyin = await hitTitles(page);
  assert.ok(byCharacters.length >= 2, `社保 finds ${byCharacters}`);
  for (const title of byCharacters) assert.ok(byPinyin.includes(title), `shebao misses ${title}`);
  assert.deepEqual(page.errors, []);
});

test('a citizen browses the guide by category and comes back where they were', async () => {
  const page = await openPage(browser, { width: 390, height: 844 });
  await visit(page, server.base, '/knowledge');
  const categories = await page.$$eval('[data-testid="kb-guide-category"]', (links) => links.map((a) => a.textContent));
  assert.ok(categories.length >= 3, `categories: ${categories}`);
  assert.ok(await page.isVisible('[data-testid="need-help"]'));
  assert.equal(await page.getAttribute('[data-testid="need-help-file"]', 'href'), '/');
  await page.click('[data-testid="kb-guide-category"] >> nth=0');
  await page.waitForURL(/\/knowledge\?c=\d+$/);
  await page.waitForSelector('[data-testid="kb-guide-title"]');
  const category = (await page.textContent('[data-testid="kb-guide-title"]')).trim();
  assert.ok(categories[0].startsWith(category), `${categories[0]} / ${category}`);
  assert.equal(await page.getAttribute('[data-testid="kb-guide-category"] >> nth=0', 'aria-current'), 'page');
  const listed = await page.$$eval('[data-testid="kb-guide"] [data-testid="kb-hit"]', (hits) => hits.length);
  assert.equal(String(listed), categories[0].replace(category, '').trim(), 'as many as the count says');
  await shot(page, 'knowledge-guide-phone.png');
  await page.click('[data-testid="kb-guide"] .kb-hit-title >> nth=0');
  await page.waitForSelector('[data-testid="kb-article"]');
  await page.click('[data-testid="kb-back"]');
  await page.waitForSelector('[data-testid="kb-guide-title"]');
  assert.equal((await page.textContent('[data-testid="kb-guide-title"]')).trim(), category);
  // An address to a category with nothing public says so.
  await visit(page, server.base, '/knowledge?c=999999');
  await page.waitForSelector('[data-testid="kb-guide-unknown"]');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('an agent writes an article, finds it by pinyin and edits it', async () => {
  const page = await openPage(browser);
  await signIn(page, server.base, 'agent');
  await page.click('[data-testid="nav-knowledge"]');
  await page.waitForSelector('[data-testid="kb-search"]');
  // Staff see the staff-only article too.
  await typeAndWait(page, 'duban', '坐席内部');
  await page.click('[data-testid="kb-new"]');
  await page.waitForSelector('[data-testid="kb-form"]');
  await page.waitForSelector('body[data-hydrated="true"]');

  // Saving with a missing title names the field.
  await page.selectOption('#a-category_id', { label: '交通出行' });
  await page.fill('#a-body', '持卡人可到公交卡服务网点办理退卡，押金和余额当场退还。');
  await page.click('[data-testid="kb-save"]');
  await page.waitForSelector('#e-title:not([hidden])');
  await shot(page, 'knowledge-write-invalid.png');

  await page.fill('#a-title', '公交卡退卡办理');
  await page.fill('#a-keywords', '交通卡 退费');
  await page.check('#a-public');
  await page.click('[data-testid="kb-save"]');
  await page.waitForSelector('[data-testid="kb-article"]');
  assert.equal(await page.textContent('[data-testid="kb-title"]'), '公交卡退卡办理');
  await shot(page, 'knowledge-saved.png');

  await visit(page, server.base, '/knowledge');
  await typeAndWait(page, 'gjk', '公交卡退卡办理');
  await shot(page, 'knowledge-agent-search.png');
  await page.click('[data-testid="kb-hit"] a:has-text("公交卡退卡办理")');
  await page.waitForSelector('[data-testid="kb-edit"]');
  await page.click('[data-testid="kb-edit"]');
  await page.waitForSelector('[data-testid="kb-form"]');
  await page.waitForSelector('body[data-hydrated="true"]');
  assert.equal(await page.inputValue('#a-title'), '公交卡退卡办理');
  await page.fill('#a-title', '公交卡退卡和余额退还');
  await page.click('[data-testid="kb-save"]');
  await page.waitForFunction(
    () => document.querySelector('[data-testid="kb-title"]')?.textContent === '公交卡退卡和余额退还',
    null,
    { timeout: 10_000 },
  );
  assert.deepEqual(page.errors, []);
});

test('a lead adds, renames and removes a category', async () => {
  const lead = await openPage(browser);
  await signIn(lead, server.base, 'lead');
  await visit(lead, server.base, '/knowledge');
  await lead.waitForSelector('[data-testid="kb-categories"] [data-testid="kb-category"]');
  const count = async () => (await lead.$$('[data-testid="kb-category"]')).length;
  const before = await count();
  // A name that is taken is refused with the reason.
  const taken = await lead.inputValue('[data-testid="kb-category-name"] >> nth=0');
  await lead.fill('[data-testid="kb-category-new"]', taken);
  await lead.click('[data-testid="kb-category-add"]');
  await lead.waitForSelector('[data-testid="kb-category-status"]:not(:empty)');
  assert.equal(await count(), before);
  await lead.fill('[data-testid="kb-category-new"]', '冬季供暖');
  await lead.click('[data-testid="kb-category-add"]');
  await lead.waitForFunction((n) => document.querySelectorAll('[data-testid="kb-category"]').length === n, before + 1);
  assert.equal(await lead.inputValue('[data-testid="kb-category-new"]'), '', 'ready for the next one');
  const last = lead.locator('[data-testid="kb-category"]').last();
  assert.equal(await last.locator('input[name="name"]').inputValue(), '冬季供暖');
  await last.locator('input[name="name"]').fill('供暖与燃气');
  await last.locator('[data-testid="kb-category-rename"]').click();
  await lead.waitForFunction(() => [...document.querySelectorAll('[data-testid="kb-category-name"]')]
    .some((i) => i.value === '供暖与燃气' && i.defaultValue === '供暖与燃气'));
  await shot(lead, 'kb-categories.png');
  await lead.locator('[data-testid="kb-category"]').last().locator('[data-testid="kb-category-delete"]').click();
  await lead.waitForFunction((n) => document.querySelectorAll('[data-testid="kb-category"]').length === n, before);
  assert.deepEqual(lead.errors, []);
});
