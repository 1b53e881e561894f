// Browser tests of the transparency log page (web/log.html) against the real
// server with the demo data, whose certificate acts are in the log: the page
// shows the log's status; the receipt of entry 0, fetched by its index, passes
// every step of the in-browser check (key ID, SM2 checkpoint signature, SM3
// inclusion proof, the entry); a pasted receipt with one altered proof hash
// fails the inclusion step; an uploaded receipt passes; an altered checkpoint
// or another log's key fails the signature step; the page speaks English too.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/harness.mjs';
import { launchBrowser, newPage, screenshot, a11yProblems } from './lib.mjs';

// The fixed vector of docs/tlog.md: a valid key of another log.
const OTHER_KEY = 'cryptoreg.example/log+f23a7f07+/2NyeXB0b3JlZy9zbTItc20zCgRCFFmT5LuIvwK39QWiMaM1XximKN0suid+ijvGXP5n5ObNGuI4+35HuWiYxzIhZiUa/DYxWcSmSuKOSMxUriX5';
const STEPS = ['receipt', 'key', 'signature', 'inclusion', 'entry'];

let server;
let browser;
let log; // GET /api/v1/log once a checkpoint covers every entry

before(async () => {
  server = await startServer({ fixtures: false, demo: true });
  browser = await launchBrowser();
  // The integrator signs a checkpoint within about a second of the demo's acts.
  for (let i = 0; i < 100; i++) {
    const r = await fetch(`${server.url}/api/v1/log`);
    if (r.ok) {
      const body = await r.json();
      if (body.size > 0 && body.size >= body.entries) { log = body; break; }
    }
    await new Promise((ok) => setTimeout(ok, 100));
  }
  assert.ok(log, 'the log signs a checkpoint over the demo entries');
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const text = async (p) => (await fetch(server.url + p)).text();

// The status of each step as the page shows it.
async function stepStatuses(page) {
  const out = {};
  for (const id of STEPS) out[id] = await page.locator(`#verify-result li[data-step="${id}"]`).getAttribute('data-status');
  return out;
}

async function openPage(page) {
  await page.goto(`${server.url}/log.html`);
  await page.locator('#log-origin').waitFor();
  // The key field is filled from /log/key.
  await page.waitForFunction(() => document.getElementById('vkey').value.length > 0);
}

test('the log page shows the status and verifies the receipt of entry 0 step by step', async () => {
  const { context, page, errors, outside } = await newPage(browser, server.url);
  try {
    await openPage(page);
    assert.equal(await page.locator('h1').textContent(), '透明日志');
    assert.equal(await page.locator('#log-origin').textContent(), log.origin);
    assert.equal(Number(await page.locator('#log-entries').textContent()), log.entries);
    assert.equal(Number(await page.locator('#log-size').textContent()), log.size);
    const key = (await text('/log/key')).trim();
    assert.equal(key, log.key);
    assert.equal(await page.locator('#log-key').textContent(), log.key);
    assert.equal(await page.locator('#vkey').inputValue(), log.key, 'the key field holds the published key');
    const cp = await page.locator('#log-checkpoint').textContent();
    assert.ok(cp.startsWith(`${log.origin}\n${log.size}\n`), cp);
    assert.match(cp, /\n\n— /, 'the checkpoint with its signature line');
    // The demo log has no witness yet: the page says so rather than showing an empty list.
    assert.equal(await page.locator('#log-witnesses').textContent(), '尚未登记见证方。');
    assert.deepEqual(await a11yProblems(page), []);
    await screenshot(page, 'log-status');

    await page.getByLabel('条目序号').fill('0');
    await page.getByRole('button', { name: '获取收据并核验' }).click();
    await page.locator('#verify-summary').waitFor();
    assert.deepEqual(await stepStatuses(page), { receipt: 'pass', key: 'pass', signature: 'pass', inclusion: 'pass', entry: 'pass' });
    assert.match(await page.locator('#verify-summary').textContent(), /核验通过/);
    assert.ok(await page.locator('#verify-summary.verify-ok').isVisible());
    // The receipt the page fetched is shown, as the server serves it.
    assert.equal(await page.locator('#receipt-text').inputValue(), await text('/api/v1/log/receipt?index=0'));
    // Each step says what it established.
    const keyId = log.key.split('+')[1];
    assert.match(await page.locator('li[data-step="key"]').textContent(), new RegExp(`密钥标识 ${keyId}`));
    assert.match(await page.locator('li[data-step="signature"]').textContent(), new RegExp(`树大小 ${log.size}`));
    // The entry as the API serves it: kind, subject (a link to the certificate), bureau, time.
    const entry = JSON.parse(await text('/api/v1/log/entries/0'));
    const shown = await page.locator('li[data-step="entry"]').textContent();
    assert.ok(shown.includes(entry.kind), shown);
    assert.ok(shown.includes(entry.bureau), shown);
    assert.ok(shown.includes(entry.record_sm3), shown);
    if (entry.kind === 'certificate.issue') assert.ok(shown.includes('颁发证书'), shown);
    const subject = page.locator('li[data-step="entry"] a', { hasText: entry.subject });
    assert.equal(await subject.getAttribute('href'), `/certificate.html?number=${encodeURIComponent(entry.subject)}`);
    assert.deepEqual(await a11yProblems(page), []);
    await screenshot(page, 'log-verify-ok');
    assert.deepEqual(errors, []);
    assert.deepEqual(outside, []);
  } finally {
    await context.close();
  }
});

test('a receipt with one altered proof hash fails the inclusion step', async () => {
  const { context, page, errors, outside } = await newPage(browser, server.url);
  try {
    const receipt = await text('/api/v1/log/receipt?index=0');
    const lines = receipt.split('\n');
    const at = lines.findIndex((l) => l.startsWith('index ')) + 1;
    assert.equal(lines[at].length, 44, 'entry 0 has a proof hash to alter');
    lines[at] = (lines[at][0] === 'A' ? 'B' : 'A') + lines[at].slice(1);
    await openPage(page);
    await page.getByLabel('或粘贴收据内容').fill(lines.join('\n'));
    await page.getByRole('button', { name: '核验收据', exact: true }).click();
    await page.locator('#verify-summary.verify-fail').waitFor();
    assert.deepEqual(await stepStatuses(page), { receipt: 'pass', key: 'pass', signature: 'pass', inclusion: 'fail', entry: 'skip' });
    const why = await page.locator('li[data-step="inclusion"]').textContent();
    assert.match(why, /根哈希/, why);
    assert.match(await page.locator('#verify-summary').textContent(), /核验未通过——包含证明/);
    assert.match(await page.locator('#status').textContent(), /未通过/);
    await screenshot(page, 'log-verify-altered-proof');
    assert.deepEqual(errors, []);
    assert.deepEqual(outside, []);
  } finally {
    await context.close();
  }
});

test('an uploaded receipt verifies; an altered checkpoint or another log\'s key fails the signature step', async () => {
  const { context, page, errors, outside } = await newPage(browser, server.url);
  try {
    const index = log.size - 1;
    const receipt = await text(`/api/v1/log/receipt?index=${index}`);
    await openPage(page);
    await page.getByLabel('或上传收据文件').setInputFiles({ name: `receipt-${index}.txt`, mimeType: 'text/plain', buffer: Buffer.from(receipt) });
    await page.locator('#verify-summary.verify-ok').waitFor();
    assert.match(await page.locator('.verify-source').textContent(), new RegExp(`receipt-${index}\\.txt`));
    assert.deepEqual(Object.values(await stepStatuses(page)), STEPS.map(() => 'pass'));

    // The tree size in the signed checkpoint changed: the SM2 signature no longer holds.
    const altered = receipt.replace(`\n${log.size}\n`, `\n${log.size + 1}\n`);
    assert.notEqual(altered, receipt);
    await page.getByLabel('或粘贴收据内容').fill(altered);
    await page.getByRole('button', { name: '核验收据', exact: true }).click();
    await page.locator('#verify-summary.verify-fail').waitFor();
    let st = await stepStatuses(page);
    assert.equal(st.signature, 'fail');
    assert.equal(st.inclusion, 'skip');
    assert.match(await page.locator('li[data-step="signature"]').textContent(), /SM2 签名无效/);

    // Another log's valid key: the checkpoint carries no signature by it.
    await page.getByLabel('或粘贴收据内容').fill(receipt);
    await page.getByRole('textbox', { name: '日志公钥（vkey）' }).fill(OTHER_KEY);
    await page.getByRole('button', { name: '核验收据', exact: true }).click();
    await page.locator('li[data-step="signature"][data-status="fail"]').waitFor();
    st = await stepStatuses(page);
    assert.equal(st.key, 'pass');
    assert.match(await page.locator('li[data-step="signature"]').textContent(), /没有该公钥（cryptoreg\.example\/log，密钥标识 f23a7f07）的签名/);
    await screenshot(page, 'log-verify-other-key');

    // A key whose stated key ID is wrong fails at the key step.
    const parts = log.key.split('+');
    const wrongId = [parts[0], parts[1].replace(/^./, (c) => (c === '0' ? '1' : '0')), ...parts.slice(2)].join('+');
    await page.getByRole('textbox', { name: '日志公钥（vkey）' }).fill(wrongId);
    await page.getByRole('button', { name: '核验收据', exact: true }).click();
    await page.locator('li[data-step="key"][data-status="fail"]').waitFor();
    assert.match(await page.locator('li[data-step="key"]').textContent(), /密钥标识不符/);

    // The published key again, and the page in English.
    await page.getByRole('button', { name: '使用本站公布的公钥' }).click();
    assert.equal(await page.locator('#vkey').inputValue(), log.key);
    await page.getByRole('button', { name: '核验收据', exact: true }).click();
    await page.locator('#verify-summary.verify-ok').waitFor();
    await page.locator('#lang-select').selectOption('en');
    assert.equal(await page.locator('h1').textContent(), 'Transparency log');
    assert.match(await page.locator('#verify-summary').textContent(), new RegExp(`Verified: entry ${index} is in the log tree of size ${log.size}`));
    assert.match(await page.locator('li[data-step="inclusion"]').textContent(), /Inclusion proof \(SM3\)/);
    assert.deepEqual(await a11yProblems(page), []);
    await screenshot(page, 'log-verify-en');
    assert.deepEqual(errors, []);
    assert.deepEqual(outside, []);
  } finally {
    await context.close();
  }
});

test('the portal links to the log page; /log.html?index=N checks that entry at once', async () => {
  const { context, page, errors, outside } = await newPage(browser, server.url);
  try {
    await page.goto(`${server.url}/`);
    await page.locator('.site-nav a', { hasText: '透明日志' }).click();
    await page.waitForURL(/\/log\.html$/);
    await page.goto(`${server.url}/log.html?index=1`);
    await page.locator('#verify-summary.verify-ok').waitFor();
    assert.equal(await page.locator('#entry-index').inputValue(), '1');
    // An index the log does not have is refused with a reason.
    await page.getByLabel('条目序号').fill('999999');
    await page.getByRole('button', { name: '获取收据并核验' }).click();
    await page.locator('#verify-form .form-errors', { hasText: '没有条目 999999' }).waitFor();
    assert.deepEqual(errors, []);
    assert.deepEqual(outside, []);
  } finally {
    await context.close();
  }
});
