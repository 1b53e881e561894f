// Helpers shared by the browser tests: start Debian's chromium through
// playwright-core, save screenshots, log in through the real login form.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { PASSWORD } from '../lib/harness.mjs';

export const SCREENSHOT_DIR = process.env.SCREENSHOT_DIR || 'build/screenshots';
const CHROMIUM = process.env.CHROMIUM_BIN || '/usr/bin/chromium';

export async function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--disable-quic', '--no-first-run'],
  });
}

// A fresh context (own cookies and localStorage) and page. Every request
// that leaves 127.0.0.1 is refused, so a page that tried to fetch anything
// from the internet would fail its test.
export async function newPage(browser, base, { width = 1280, height = 900 } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, locale: 'zh-CN' });
  const outside = [];
  await context.route((url) => !url.href.startsWith(base), (route) => {
    outside.push(route.request().url());
    route.abort();
  });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  // A 401/404/422 answer is logged by chromium as "Failed to load resource";
  // those are expected API answers, not script errors.
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text());
  });
  return { context, page, errors, outside };
}

export async function screenshot(page, name) {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

// Logs in through the console's form and waits for the signed-in shell.
export async function login(page, base, username, password = PASSWORD) {
  await page.goto(`${base}/console/`);
  await page.locator('#login-form').waitFor();
  await page.getByLabel(/用户名|Username/).fill(username);
  await page.getByLabel(/^(密码|Password)/).fill(password);
  await page.locator('#login-form button[type=submit]').click();
  await page.locator('#user-box').waitFor({ state: 'visible' });
}

// Text of every cell in the given column (0-based) of the first table body
// under root.
export async function columnTexts(page, selector, col) {
  return page.locator(`${selector} tbody tr`).evaluateAll(
    (rows, c) => rows.map((r) => r.children[c]?.textContent.trim()), col);
}

// Builds a valid USCC (GB 32100-2015) for an enterprise ("91") in the
// given 6-digit division from an 8-character organisation code body: the
// organisation code gets its GB 11714 check character, the USCC its own.
const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];
export function makeUscc(division, orgBody) {
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += parseInt(orgBody[i], 36) * ORG_WEIGHTS[i];
  const c = 11 - (sum % 11);
  const first17 = `91${division}${orgBody}${c === 10 ? 'X' : c === 11 ? '0' : String(c)}`;
  sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_CHARS.indexOf(first17[i]) * USCC_WEIGHTS[i];
  return first17 + USCC_CHARS[(31 - (sum % 31)) % 31];
}

// Accessibility basics that hold on every page: each form control has a
// label, each table header cell a scope, each button and link a name.
export async function a11yProblems(page) {
  return page.evaluate(() => {
    const out = [];
    for (const el of document.querySelectorAll('input, select, textarea')) {
      if (el.type === 'hidden') continue;
      if (!el.labels?.length && !el.getAttribute('aria-label')) out.push(`unlabelled ${el.tagName} ${el.name || el.id}`);
    }
    for (const th of document.querySelectorAll('th')) if (!th.getAttribute('scope')) out.push(`th without scope: ${th.textContent}`);
    for (const el of document.querySelectorAll('button, a[href]')) {
      if (!el.textContent.trim() && !el.getAttribute('aria-label')) out.push(`nameless ${el.tagName}`);
    }
    if (!document.querySelector('a.skip-link[href="#main"]') || !document.getElementById('main')) out.push('no skip link');
    if (document.querySelectorAll('h1').length !== 1) out.push(`${document.querySelectorAll('h1').length} h1 elements`);
    return out;
  });
}
