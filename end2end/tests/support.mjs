// Shared helpers for the browser tests: start the release server on a fresh SQLite
// database, launch Debian's Chromium, and collect console errors.
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHmac } from 'node:crypto';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, '..', '..');
export const screenshotDir = resolve(repoRoot, 'end2end', 'screenshots');
mkdirSync(screenshotDir, { recursive: true });

function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
    srv.on('error', fail);
  });
}

/** Starts target/release/hotline on a fresh data directory; resolves once /healthz answers. */
export async function startServer({ demo = true } = {}) {
  const bin = hotlineBin;
  const dataDir = mkdtempSync(join(tmpdir(), 'hotline-e2e-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env = {
    ...process.env,
    HOTLINE_DATA_DIR: dataDir,
    HOTLINE_ADDR: `127.0.0.1:${port}`,
    HOTLINE_DEMO: String(demo),
    LEPTOS_SITE_ROOT: resolve(repoRoot, 'target', 'site'),
    RUST_LOG: process.env.RUST_LOG ?? 'warn',
    // Every test signs in and files from 127.0.0.1; the limits themselves are tested in Rust.
    HOTLINE_RATE_SIGN_IN: '1000/60',
    HOTLINE_RATE_FILING: '1000/60',
    HOTLINE_TELEPHONY_SECRET: TELEPHONY_SECRET,
    HOTLINE_ALARM_SECRET: ALARM_SECRET,
  };
  delete env.DATABASE_URL;
  let child;
  let exited;
  const launch = async () => {
    child = spawn(bin, ['serve'], { cwd: repoRoot, env, stdio: ['ignore', 'inherit', 'inherit'] });
    exited = new Promise((ok) => child.on('exit', (code, signal) => ok({ code, signal })));
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`server exited early with ${child.exitCode}`);
      try {
        const res = await fetch(`${base}/healthz`);
        if (res.ok) break;
      } catch { /* not listening yet */ }
      if (Date.now() > deadline) throw new Error('server did not become healthy in 60 s');
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  await launch();
  return {
    base,
    /** Stops the server (SIGTERM) and starts it again on the same data and port. */
    async restart() {
      child.kill('SIGTERM');
      await exited;
      await launch();
    },
    async stop() {
      child.kill('SIGTERM');
      const result = await exited;
      rmSync(dataDir, { recursive: true, force: true });
      return result;
    },
  };
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic',
      '--autoplay-policy=no-user-gesture-required'],
  });
}

/** Opens a page that records every console error and uncaught exception into `errors`. */
export async function openPage(browser, { width = 1280, height = 900, locale = 'zh-CN', javaScript = true } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, locale, javaScriptEnabled: javaScript });
  const page = await context.newPage();
  page.errors = [];
  page.on('console', (m) => { if (m.type() === 'error') page.errors.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => page.errors.push(`exception: ${e.message}`));
  return page;
}

/** Goes to a path and waits until the WASM has hydrated the page. */
export async function visit(page, base, path) {
  await page.goto(base + path);
  await page.waitForSelector('body[data-hydrated="true"]', { timeout: 15_000 });
}

export async function shot(page, name) {
  const path = join(screenshotDir, name);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** The password of every demo account (README). */
export const DEMO_PASSWORD = 'hotline-demo-2026';

/** Signs in over the JSON API; resolves to the session's `Cookie` header value. */
export async function apiSession(base, username) {
  const res = await fetch(`${base}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: DEMO_PASSWORD }),
  });
  if (!res.ok) throw new Error(`sign-in of ${username} refused: ${res.status}`);
  return res.headers.get('set-cookie').split(';')[0];
}

/** The requests waiting for an agent (an agent's view over the API). */
export async function waitingRequests(base, cookie) {
  const res = await fetch(`${base}/api/v1/requests/new`, { headers: { cookie } });
  if (!res.ok) throw new Error(`waiting requests: ${res.status}`);
  const list = await res.json();
  if (!Array.isArray(list)) throw new Error(`waiting requests: ${JSON.stringify(list)}`);
  return list;
}

/** Signs in through the sign-in page; resolves on the role's landing page, hydrated. */
export async function signIn(page, base, username, next = '') {
  await visit(page, base, `/login${next ? `?next=${encodeURIComponent(next)}` : ''}`);
  await page.fill('#l-username', username);
  await page.fill('#l-password', DEMO_PASSWORD);
  await Promise.all([
    page.waitForURL((url) => !url.pathname.startsWith('/login') && !url.pathname.startsWith('/auth')),
    page.click('[data-testid="login-form"] button[type="submit"]'),
  ]);
  await page.waitForSelector('body[data-hydrated="true"]', { timeout: 15_000 });
}

/** The alarm gateway's shared secret in the browser tests' servers. */
export const ALARM_SECRET = 'e2e-alarm-secret';

/** The release binary the tests start (and whose `alarm-sim` they run). */
export const hotlineBin = resolve(repoRoot, 'end2end', process.env.HOTLINE_BIN ?? '../target/release/hotline');

/** The telephone system's shared secret in the browser tests' servers. */
export const TELEPHONY_SECRET = 'e2e-telephony-secret';

/** Posts a call event as the telephone system does: signed with HMAC-SHA256. */
export async function postCallEvent(base, event) {
  const body = JSON.stringify(event);
  const timestamp = Math.floor(Date.now() / 1000);
  const signature = createHmac('sha256', TELEPHONY_SECRET).update(`${timestamp}.${body}`).digest('hex');
  const res = await fetch(`${base}/api/v1/telephony/events`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      'X-Hotline-Timestamp': String(timestamp),
      'X-Hotline-Signature': `sha256=${signature}`,
    },
    body,
  });
  return { status: res.status, body: await res.json() };
}
