// Browser tests of the annual sales filing pages (web/js/views/filings.js,
// views/filing_stats.js) against the real server with the demo data, on
// whose clock the 2025 deadline (2026-02-02) has passed: ent.beijing
// uploads a valid 2025 file (the progress bar reaches its end, the receipt
// shows the SM3 that openssl computes for the file and the late flag),
// uploads it again (unchanged) and uploads a file with errors in several rows
// (every problem in a table); officer.bj sees ent.beijing late and another
// Beijing enterprise missing on the status page, reveals one buyer's data
// with a reason and returns the filing; the statistics page draws SVG bars;
// the national administrator records the overdue filings.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer } from '../lib/harness.mjs';
import { launchBrowser, newPage, screenshot, login, a11yProblems } from './lib.mjs';

const ENT = '91110108100000198A'; // ent.beijing's enterprise: SXH202100002 for SKF-3000, valid all of 2025
const MISSING = '911101051000793857'; // another Beijing enterprise obliged to file for 2025
const HEADER = 'sale_date,certificate_number,product_model,quantity,buyer_type,buyer_name,buyer_uscc,buyer_id_type,buyer_id_number,buyer_address,buyer_contact,end_use';
const ORG_LINE = (d, q) => `${d},SXH202100002,SKF-3000,${q},organisation,北京某某科技有限公司,91110000600037341L,,,北京市海淀区中关村大街1号,010-62345678,数据加密`;
const IND_LINE = (d, q) => `${d},SXH202100002,SKF-3000,${q},individual,张三,,resident_id,11010519491231002X,"上海市浦东新区, 世纪大道100号",13800138000,个人通信`;

let server;
let browser;
let logins;
let dir;
const story = { filingId: null, sm3: null, lines: 0 };

before(async () => {
  server = await startServer({ fixtures: false, demo: true });
  browser = await launchBrowser();
  // "cryptoreg demo" writes each user's random password next to the database.
  logins = {};
  for (const line of readFileSync(`${server.db}.demo-logins.txt`, 'utf8').split('\n')) {
    const [user, password] = line.trim().split(/\s+/);
    if (user && password) logins[user] = password;
  }
  dir = mkdtempSync(path.join(tmpdir(), 'cryptoreg-filing-'));
});

after(async () => {
  await browser?.close();
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// A valid 2025 filing of a few hundred kilobytes (so the upload takes more
// than one progress event): organisations and individuals, every month.
function validFile() {
  const lines = [HEADER];
  for (let i = 0; i < 4000; i++) {
    const d = `2025-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')}`;
    lines.push(i % 2 ? IND_LINE(d, 1) : ORG_LINE(d, 10 + (i % 90)));
  }
  return `${lines.join('\r\n')}\r\n`;
}

function openSm3(file) {
  const out = execFileSync('openssl', ['dgst', '-sm3', file], { encoding: 'utf8' });
  return out.trim().split('= ').pop();
}

test('ent.beijing uploads the 2025 filing: progress, receipt with the SM3, and every bad row of a refused file', async () => {
  const { context, page, errors, outside } = await newPage(browser, server.url);
  try {
    await login(page, server.url, 'ent.beijing', logins['ent.beijing']);
    const menu = await page.locator('#menu a').allTextContents();
    assert.ok(menu.includes('本企业销售备案'), `menu has the filings: ${menu}`);
    assert.ok(!menu.includes('备案情况') && !menu.includes('备案统计'), 'no status or statistics for an enterprise');
    await page.locator('#menu a', { hasText: '本企业销售备案' }).click();
    await page.locator('h1', { hasText: '本企业年度销售备案' }).waitFor();
    // Last year by default; its deadline with the rule of Notice 336.
    assert.equal(await page.locator('#filing-year').inputValue(), '2025');
    assert.equal(await page.locator('#filing-due').textContent(), '2026-02-02');
    assert.match(await page.locator('#filing-deadline cite.citation').textContent(), /336/);
    await page.locator('#filing-deadline .badge', { hasText: '期限已过' }).waitFor();
    assert.match(await page.locator('#filing-summary').textContent(), /尚未报送 2025/);
    // The template: the header and the two example lines of docs/domain.md.
    assert.equal(await page.locator('#filing-template').getAttribute('href'), '/forms/sales-filing-template.csv');
    const template = await page.evaluate(() => fetch('/forms/sales-filing-template.csv').then((r) => r.text()));
    const tlines = template.trim().split('\n');
    assert.equal(tlines.length, 3);
    assert.equal(tlines[0], HEADER);
    assert.deepEqual(await a11yProblems(page), []);

    // A valid file: the progress bar reaches its end, then the receipt.
    const good = path.join(dir, 'sales-2025.csv');
    writeFileSync(good, validFile());
    const size = readFileSync(good).length;
    const expectedSm3 = openSm3(good);
    await page.locator('#filing-file').setInputFiles(good);
    await page.getByRole('button', { name: '上传 2025 年度文件' }).click();
    await page.locator('#filing-receipt').waitFor();
    const bar = page.locator('#filing-progress');
    assert.equal(await bar.isVisible(), true);
    assert.equal(Number(await bar.getAttribute('max')), size, 'the bar counts the file\'s bytes');
    assert.equal(await bar.evaluate((b) => b.value), size, 'the bar is full');
    assert.equal(await page.locator('#filing-result-heading').textContent(), '已收到');
    const sm3 = (await page.locator('#filing-receipt-sm3').textContent()).trim();
    assert.equal(sm3, expectedSm3, 'the SM3 shown is openssl dgst -sm3 of the file');
    assert.equal(await page.locator('#filing-receipt-version').textContent(), '第 1 版');
    await page.locator('#filing-receipt-late .badge', { hasText: '逾期' }).waitFor();
    assert.match(await page.locator('#filing-receipt-log a.log-verify').getAttribute('href'), /^\/log\.html\?index=\d+$/);
    assert.match(await page.locator('#filing-receipt-log a.log-receipt').getAttribute('href'), /^\/api\/v1\/log\/receipt\?index=\d+$/);
    await page.locator('#status', { hasText: sm3 }).waitFor();
    // The list shows it, late.
    const row = page.locator(`table.filings tbody tr[data-uscc="${ENT}"]`);
    await row.waitFor();
    assert.equal(await page.locator('table.filings tbody tr').count(), 1);
    assert.equal(await row.locator('code.hash').getAttribute('title'), sm3);
    await row.locator('.late-badge').waitFor();
    story.filingId = (await page.locator('#filing-receipt-version').getAttribute('href')).split('/').pop();
    story.sm3 = sm3;
    story.lines = 4000;
    assert.deepEqual(await a11yProblems(page), []);
    await screenshot(page, 'filing-upload-received');

    // The same file again: nothing changes.
    await page.locator('#filing-file').setInputFiles(good);
    await page.getByRole('button', { name: '上传 2025 年度文件' }).click();
    await page.locator('#filing-unchanged').waitFor();
    assert.equal(await page.locator('#filing-result-heading').textContent(), '该文件已报送过');
    assert.equal((await page.locator('#filing-receipt-sm3').textContent()).trim(), sm3);

    // A file with errors in several rows: every problem is listed, nothing stored.
    const bad = [
      HEADER,
      ORG_LINE('2025-01-05', 3), // line 2: good
      ORG_LINE('2024-12-31', 3), // line 3: a sale of another year
      IND_LINE('2025-02-30', 0), // line 4: no such day; quantity 0
      ORG_LINE('2025-03-01', 5).replace('91110000600037341L', '91110000600037341A'), // line 5: bad USCC
      IND_LINE('2025-04-01', 2).replace('11010519491231002X', '110105194912310021'), // line 6: bad check character
      ORG_LINE('2025-05-01', 1).replace('SKF-3000', 'SKF-9999'), // line 7: model not covered
    ].join('\n');
    const badPath = path.join(dir, 'bad-2025.csv');
    writeFileSync(badPath, `${bad}\n`);
    await page.locator('#filing-file').setInputFiles(badPath);
    await page.getByRole('button', { name: '上传 2025 年度文件' }).click();
    await page.locator('#filing-problems').waitFor();
    const problemRows = page.locator('#filing-problems table tbody tr');
    const lineNumbers = await problemRows.evaluateAll((rows) => rows.map((r) => Number(r.children[0].textContent)));
    assert.ok(lineNumbers.length >= 6, `every problem listed: ${lineNumbers}`);
    for (const n of [3, 4, 5, 6, 7]) assert.ok(lineNumbers.includes(n), `line ${n} listed`);
    assert.ok(!lineNumbers.includes(2), 'the good line is not listed');
    assert.deepEqual(lineNumbers, [...lineNumbers].sort((a, b) => a - b), 'in file order');
    assert.equal(await page.locator('#filing-result-heading').textContent(), `文件有 ${lineNumbers.length} 处问题，未保存`);
    assert.match(await page.locator('#filing-problems-detail').textContent(), new RegExp(`${lineNumbers.length} problems`));
    // Every row has a message and a hint; the personal values are not repeated.
    const cells = await problemRows.evaluateAll((rows) => rows.map((r) => [r.children[2].textContent, r.children[3].textContent]));
    for (const [message, hint] of cells) assert.ok(message && hint && hint !== '—', `message and hint: ${message} / ${hint}`);
    assert.ok(!(await page.locator('#filing-problems').textContent()).includes('110105194912310021'), 'no identity number in the report');
    // Still one filing, the valid one.
    assert.equal(await page.locator('table.filings tbody tr').count(), 1);
    assert.equal(await row.locator('code.hash').getAttribute('title'), sm3);
    assert.deepEqual(await a11yProblems(page), []);
    await screenshot(page, 'filing-upload-errors');

    // The filing's page: masked lines, no actions for a submitted version.
    await page.goto(`${server.url}/console/#/filings/${story.filingId}`);
    await page.locator('table.filing-lines tbody tr').first().waitFor();
    assert.equal(await page.locator('#filing-sm3').textContent(), sm3);
    assert.equal(await page.locator('#filing-actions').count(), 0);
    assert.equal(await page.locator('table.filing-lines tbody tr').count(), 50);
    const contact = await page.locator('tr[data-line="3"] td[data-col="buyer_id_number"]').textContent();
    assert.ok(!contact.includes('11010519491231002X') && contact.includes('*'), `masked: ${contact}`);
    await page.locator('#filing-lines-more').click();
    await page.locator('table.filing-lines tbody tr[data-line="101"]').waitFor();
    assert.deepEqual(errors, []);
    assert.deepEqual(outside, []);
  } finally {
    await context.close();
  }
});

test('officer.bj sees who is late and who is missing, statistics have bars; reveals a buyer and returns the filing', async () => {
  assert.ok(story.filingId, 'the filing of the first test');
  const { context, page, errors, outside } = await newPage(browser, server.url);
  try {
    await login(page, server.url, 'officer.bj', logins['officer.bj']);
    const menu = await page.locator('#menu a').allTextContents();
    for (const m of ['销售备案', '备案情况', '备案统计']) assert.ok(menu.includes(m), `menu has ${m}`);
    // The bureau's filings: ent.beijing's, late; no upload form for an officer.
    await page.locator('#menu a', { hasText: '销售备案' }).click();
    await page.locator('h1', { hasText: '年度销售备案' }).waitFor();
    await page.locator(`table.filings tbody tr[data-uscc="${ENT}"] .late-badge`).waitFor();
    assert.equal(await page.locator('#filing-upload').count(), 0);
    await page.locator('#menu a', { hasText: '备案情况' }).click();
    await page.locator('h1', { hasText: '2025 年度备案情况' }).waitFor();
    await page.locator('table.obligations tbody tr').first().waitFor();
    const state = (uscc) => page.locator(`table.obligations tbody tr[data-uscc="${uscc}"] .badge[data-state]`).getAttribute('data-state');
    assert.equal(await state(ENT), 'late');
    assert.equal(await state(MISSING), 'missing');
    assert.equal(await page.locator(`tr[data-uscc="${ENT}"] .badge[data-state]`).textContent(), '⚠ 逾期报送');
    assert.equal(await page.locator(`tr[data-uscc="${MISSING}"] .badge[data-state]`).textContent(), '✕ 未报送');
    assert.equal(await page.locator('#overdue-form').count(), 0, 'only the administrator records overdue filings');
    assert.deepEqual(await a11yProblems(page), []);
    await screenshot(page, 'filing-status');

    // The late list and the missing list are one click each.
    await page.getByRole('link', { name: '逾期报送名单' }).click();
    await page.waitForURL(/state=late/);
    await page.locator('h1', { hasText: '2025 年度备案情况' }).waitFor();
    await page.locator(`table.obligations tbody tr[data-uscc="${ENT}"]`).waitFor();
    assert.deepEqual(await page.locator('table.obligations tbody tr').evaluateAll((rows) => [...new Set(rows.map((r) => r.dataset.state))]), ['late']);
    const csv = await page.locator('#export-csv').getAttribute('href');
    assert.match(csv, /state=late/);
    assert.match(csv, /format=csv/);
    assert.match(await page.locator('#export-xlsx').getAttribute('href'), /format=xlsx/);
    const exported = await page.evaluate((u) => fetch(u).then((r) => r.text()), csv);
    assert.ok(exported.includes(ENT) && !exported.includes(MISSING), 'the export is the late list');
    await page.getByRole('link', { name: '未报送名单' }).click();
    await page.waitForURL(/state=missing/);
    await page.locator(`table.obligations tbody tr[data-uscc="${MISSING}"]`).waitFor();
    assert.equal(await page.locator(`table.obligations tbody tr[data-uscc="${ENT}"]`).count(), 0);

    // Statistics (before the return below, which takes the filing out of
    // the counts): tables and SVG bar charts.
    await page.locator('#menu a', { hasText: '备案统计' }).click();
    await page.locator('h1', { hasText: '2025 年度备案统计' }).waitFor();
    const bureauBars = page.locator('#stat-bureau svg.chart rect.chart-bar');
    assert.ok(await bureauBars.count() >= 2, 'bars for the Beijing bureau');
    assert.deepEqual(await bureauBars.evaluateAll((rs) => rs.map((r) => [r.dataset.series, r.dataset.value])), [['late', '1'], ['missing', '1']]);
    for (const id of ['stat-category', 'stat-algorithm', 'stat-year']) {
      assert.ok(await page.locator(`#${id} svg.chart rect.chart-bar`).count() > 0, `${id} has bars`);
      assert.ok(await page.locator(`#${id} table tbody tr`).count() > 0, `${id} has a table`);
    }
    const algos = await page.locator('#stat-algorithm table tbody th').allTextContents();
    assert.ok(algos.includes('SM2'), `algorithms: ${algos}`);
    const bars = await page.locator('#stat-algorithm svg rect.chart-bar').evaluateAll((rs) => rs.map((r) => Number(r.getAttribute('width'))));
    assert.ok(bars.every((w) => w > 0), 'bars have a width');
    assert.deepEqual(await a11yProblems(page), []);
    await screenshot(page, 'filing-statistics');

    // The filing itself: reveal line 3 (an individual) with a reason.
    await page.goto(`${server.url}/console/#/filings/${story.filingId}`);
    const line3 = page.locator('table.filing-lines tbody tr[data-line="3"]');
    await line3.waitFor();
    await line3.getByRole('button', { name: '查看第 3 行的明文' }).click();
    const dialog = page.locator('dialog.dialog');
    await dialog.waitFor();
    await dialog.getByLabel(/^理由/).fill('核查 2025 年度个人买方的实名信息');
    await dialog.getByRole('button', { name: '查看明文' }).click();
    await line3.locator('td[data-col="buyer_id_number"]', { hasText: '11010519491231002X' }).waitFor();
    assert.match(await line3.locator('td[data-col="buyer_contact"]').textContent(), /13800138000/);
    assert.equal(await dialog.count(), 0);

    // Return it for correction, with a reason.
    await page.locator('#filing-actions button[data-action="return"]').click();
    await dialog.waitFor();
    await dialog.getByRole('button', { name: '退回补正' }).click();
    await dialog.locator('.form-errors').waitFor(); // the reason is required
    await dialog.getByLabel(/^理由/).fill('第 3 行买方地址不完整，请补正后重新上传。');
    await dialog.getByRole('button', { name: '退回补正' }).click();
    await page.locator('h1 .badge[data-status="returned"]').waitFor();
    await page.locator('#filing-events td', { hasText: '第 3 行买方地址不完整' }).waitFor();
    assert.equal(await page.locator('#filing-actions').count(), 0);
    assert.deepEqual(await a11yProblems(page), []);
    await screenshot(page, 'filing-detail');

    assert.deepEqual(errors, []);
    assert.deepEqual(outside, []);
  } finally {
    await context.close();
  }
});

test('the national administrator records overdue filings; the pages speak English', async () => {
  const { context, page, errors, outside } = await newPage(browser, server.url);
  try {
    await login(page, server.url, 'admin', logins.admin);
    await page.goto(`${server.url}/console/#/filings/status?year=2025`);
    await page.locator('table.obligations tbody tr').first().waitFor();
    // The server recorded the 2025 overdue filings at start: nothing new.
    await page.getByRole('button', { name: '记录 2025 年度逾期未报送' }).click();
    const done = page.locator('#overdue-summary');
    await done.waitFor();
    assert.equal(await done.getAttribute('data-recorded'), '0');
    assert.ok(Number(await done.getAttribute('data-already')) >= 2);
    assert.match(await done.textContent(), /2026-02-02/);
    // The administrator filters by bureau.
    assert.equal(await page.locator('#obl-bureau').count(), 1);

    await page.locator('#lang-select').selectOption('en');
    await page.locator('h1', { hasText: 'Filing status 2025' }).waitFor();
    assert.ok((await page.locator('#menu a').allTextContents()).includes('Filing statistics'));
    await page.goto(`${server.url}/console/#/filings/statistics?year=2025`);
    await page.locator('h1', { hasText: 'Filing statistics 2025' }).waitFor();
    assert.ok(await page.locator('#stat-bureau svg.chart rect.chart-bar').count() >= 1);
    assert.equal(await page.locator('#stat-scope').textContent(), 'Nationwide');
    assert.deepEqual(await a11yProblems(page), []);
    await screenshot(page, 'filing-statistics-en');
    assert.deepEqual(errors, []);
    assert.deepEqual(outside, []);
  } finally {
    await context.close();
  }
});

test('ent.beijing corrects the returned filing as a draft and submits it; the inspector sees the status only', async () => {
  assert.ok(story.filingId, 'the filing of the first test');
  const { context, page, errors, outside } = await newPage(browser, server.url);
  try {
    await login(page, server.url, 'ent.beijing', logins['ent.beijing']);
    await page.goto(`${server.url}/console/#/filings?year=2025`);
    const row = page.locator(`table.filings tbody tr[data-uscc="${ENT}"]`);
    await row.locator('.badge[data-status="returned"]').waitFor();
    // The corrected file, kept as a draft.
    const fixed = path.join(dir, 'sales-2025-fixed.csv');
    writeFileSync(fixed, `${HEADER}\n${ORG_LINE('2025-06-30', 7)}\n${IND_LINE('2025-07-01', 1)}\n`);
    await page.locator('#filing-file').setInputFiles(fixed);
    await page.getByLabel('保存为草稿，暂不提交').check();
    await page.getByRole('button', { name: '上传 2025 年度文件' }).click();
    await page.locator('#filing-receipt').waitFor();
    assert.equal(await page.locator('#filing-result-heading').textContent(), '已保存为草稿');
    assert.equal(await page.locator('#filing-receipt-version').textContent(), '第 2 版');
    assert.equal((await page.locator('#filing-receipt-sm3').textContent()).trim(), openSm3(fixed));
    assert.match(await page.locator('#filing-receipt').textContent(), /草稿，尚未提交/);
    await row.locator('.badge[data-status="draft"]').waitFor();

    // Submit it from its page.
    await page.locator('#filing-receipt-version').click();
    await page.locator('#filing-actions button[data-action="submit"]').click();
    const dialog = page.locator('dialog.dialog');
    await dialog.waitFor();
    await dialog.getByRole('button', { name: '提交' }).click();
    await page.locator('h1 .badge[data-status="submitted"]').waitFor();
    assert.equal(await page.locator('#filing-actions').count(), 0);
    assert.match(await page.locator('#filing-facts').textContent(), /条目 \d+（核验）/, 'the submission is in the log');
    // Both versions are listed; the first is superseded.
    assert.equal(await page.locator('table.versions tbody tr').count(), 2);
    await page.locator('table.versions tbody a', { hasText: '第 1 版' }).click();
    await page.locator('#filing-superseded').waitFor();
    assert.equal(await page.locator('#filing-sm3').textContent(), story.sm3);
    assert.deepEqual(await a11yProblems(page), []);
    await screenshot(page, 'filing-superseded');
    assert.deepEqual(errors, []);
    assert.deepEqual(outside, []);
  } finally {
    await context.close();
  }

  const inspector = await newPage(browser, server.url);
  try {
    const { page } = inspector;
    await login(page, server.url, 'inspector.bj', logins['inspector.bj']);
    const menu = await page.locator('#menu a').allTextContents();
    assert.ok(menu.includes('销售备案') && menu.includes('备案情况') && !menu.includes('备案统计'), `inspector menu: ${menu}`);
    await page.locator('#menu a', { hasText: '备案情况' }).click();
    // Filed again after the return: the state stays late, as the first
    // submitted version was (docs/api.md, Obligation).
    const state = await page.locator(`table.obligations tbody tr[data-uscc="${ENT}"] .badge[data-state]`).getAttribute('data-state');
    assert.equal(state, 'late', 'a correction after a return keeps the first version\'s lateness');
    assert.equal(await page.locator(`table.obligations tbody tr[data-uscc="${MISSING}"] .badge[data-state]`).getAttribute('data-state'), 'missing');
    await page.goto(`${server.url}/console/#/filings/statistics`);
    await page.locator('h1', { hasText: '无权访问' }).waitFor();
    assert.deepEqual(inspector.errors, []);
  } finally {
    await inspector.context.close();
  }
});
