// Browser tests of the public portal (web/index.html) against the real
// server: the bureau directory, enterprise lookup by name and by USCC, the
// detail view, and the language switch that persists across reloads.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, FIXTURES } from '../lib/harness.mjs';
import { launchBrowser, newPage, screenshot, columnTexts, a11yProblems } from './lib.mjs';

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('portal lists the 33 bureaus and finds enterprises by Chinese name and by USCC', async () => {
  const { context, page, errors, outside } = await newPage(browser, server.url);
  try {
    await page.goto(server.url + '/');
    assert.equal(await page.locator('html').getAttribute('lang'), 'zh-CN');
    await assert.doesNotReject(page.locator('#bureaus tbody tr').nth(32).waitFor());
    const codes = await columnTexts(page, '#bureaus', 0);
    assert.equal(codes.length, 33);
    for (const c of ['110000', '440000', '440300', '650000', '660000']) assert.ok(codes.includes(c), `bureau ${c} listed`);
    assert.deepEqual(codes, [...codes].sort(), 'bureaus ordered by code');
    const bj = await page.locator('#bureaus tbody tr', { hasText: '110000' }).textContent();
    assert.match(bj, /北京/);
    await screenshot(page, 'portal-bureaus');

    // By full Chinese name.
    const haidian = FIXTURES.enterprises[0];
    await page.getByLabel('企业名称或统一社会信用代码').fill(haidian.name_zh);
    await page.getByRole('button', { name: '查询', exact: true }).click();
    await page.locator('#lookup-results tbody tr').first().waitFor();
    let usccs = await columnTexts(page, '#lookup-results', 0);
    assert.deepEqual(usccs, [haidian.uscc]);
    const row = await page.locator('#lookup-results tbody tr').first().textContent();
    assert.ok(row.includes(haidian.name_en), 'English name shown');
    assert.ok(row.includes('生产单位') && row.includes('销售单位'), 'roles translated');
    assert.ok(row.includes('北京'), 'competent bureau name shown');

    // By a shorter substring: both Beijing enterprises, none of the others.
    await page.getByLabel('企业名称或统一社会信用代码').fill('北京');
    await page.getByRole('button', { name: '查询', exact: true }).click();
    await page.waitForFunction(() => document.querySelectorAll('#lookup-results tbody tr').length === 2);
    usccs = await columnTexts(page, '#lookup-results', 0);
    assert.deepEqual([...usccs].sort(), ['911101059492671314', '911101089243040981']);
    await screenshot(page, 'portal-lookup');

    // A USCC typed in lower case is normalised before the lookup.
    await page.getByLabel('企业名称或统一社会信用代码').fill('91440106465460437u');
    await page.getByRole('button', { name: '查询', exact: true }).click();
    await page.waitForFunction(() => {
      const rows = document.querySelectorAll('#lookup-results tbody tr');
      return rows.length === 1 && rows[0].textContent.includes('91440106465460437U');
    });
    assert.match(await page.locator('#lookup-message').textContent(), /找到 1 家企业/);

    // By a two-character part of the name, and by English name.
    for (const [q, want] of [['海淀', '911101089243040981'], ['Tianhe Encryption', '91440106465460437U']]) {
      await page.getByLabel('企业名称或统一社会信用代码').fill(q);
      await page.getByRole('button', { name: '查询', exact: true }).click();
      await page.waitForFunction((u) => {
        const rows = document.querySelectorAll('#lookup-results tbody tr');
        return rows.length === 1 && rows[0].textContent.includes(u);
      }, want);
    }

    // By USCC.
    const nanshan = FIXTURES.enterprises[3];
    await page.getByLabel('企业名称或统一社会信用代码').fill(nanshan.uscc);
    await page.getByRole('button', { name: '查询', exact: true }).click();
    await page.waitForFunction((u) => {
      const rows = document.querySelectorAll('#lookup-results tbody tr');
      return rows.length === 1 && rows[0].textContent.includes(u);
    }, nanshan.uscc);
    assert.match(await page.locator('#lookup-results tbody').textContent(), new RegExp(nanshan.name_zh));

    // Opening the result shows its detail and moves focus to its heading.
    await page.getByRole('button', { name: nanshan.name_zh }).click();
    await page.locator('#detail').waitFor({ state: 'visible' });
    assert.equal(await page.evaluate(() => document.activeElement.id), 'detail-heading');
    const detail = await page.locator('#detail').textContent();
    assert.ok(detail.includes(nanshan.uscc) && detail.includes(nanshan.name_en));
    assert.ok(detail.includes('生产单位'));
    await screenshot(page, 'portal-detail');
    assert.deepEqual(await a11yProblems(page), []);

    // Nothing found: a clear message and no table.
    await page.getByLabel('企业名称或统一社会信用代码').fill('不存在的企业名称乙丙丁');
    await page.getByRole('button', { name: '查询', exact: true }).click();
    await page.locator('#lookup-message', { hasText: '未找到' }).waitFor();
    assert.equal(await page.locator('#lookup-results tbody tr').count(), 0);

    // Empty query: told to type something, no request needed.
    await page.getByLabel('企业名称或统一社会信用代码').fill('   ');
    await page.getByRole('button', { name: '查询', exact: true }).click();
    await page.locator('#lookup-message', { hasText: '请输入' }).waitFor();

    assert.deepEqual(errors, []);
    assert.deepEqual(outside, []);
  } finally {
    await context.close();
  }
});

test('language switch changes the UI text and persists across reload', async () => {
  const { context, page, errors } = await newPage(browser, server.url);
  try {
    await page.goto(server.url + '/');
    const h1 = page.locator('h1');
    assert.equal(await h1.textContent(), '商用密码企业公开查询');
    await page.locator('#bureaus tbody tr').nth(32).waitFor();
    const api = await page.evaluate(() => fetch('/api/v1/bureaus').then((r) => r.json()));
    const beijing = api.items.find((b) => b.code === '110000');

    await page.getByLabel('语言').selectOption('en');
    assert.equal(await h1.textContent(), 'Commercial cryptography enterprise lookup');
    assert.equal(await page.locator('html').getAttribute('lang'), 'en');
    assert.equal(await page.locator('#bureaus-heading').textContent(), 'Cryptography bureaus');
    assert.match(await page.title(), /^Commercial cryptography enterprise lookup/);
    // Bureau names switch to the API's English names.
    const cell = page.locator('#bureaus tbody tr', { hasText: '110000' }).locator('td').first();
    assert.equal(await cell.textContent(), beijing.name_en);

    await page.reload();
    assert.equal(await page.locator('h1').textContent(), 'Commercial cryptography enterprise lookup');
    assert.equal(await page.locator('html').getAttribute('lang'), 'en');
    assert.equal(await page.getByLabel('Language').inputValue(), 'en');
    await page.locator('#bureaus tbody tr').nth(32).waitFor();
    assert.equal(await page.locator('#bureaus tbody tr', { hasText: '110000' }).locator('td').first().textContent(), beijing.name_en);
    await screenshot(page, 'portal-en');

    // The console shares the remembered language.
    await page.goto(server.url + '/console/');
    await page.locator('#login-form').waitFor();
    assert.equal(await page.locator('h1').textContent(), 'Log in to the console');

    // And back to Chinese.
    await page.getByLabel('Language').selectOption('zh-CN');
    await page.locator('h1', { hasText: '登录管理控制台' }).waitFor();
    await page.reload();
    await page.locator('#login-form').waitFor();
    assert.equal(await page.locator('h1').textContent(), '登录管理控制台');
    assert.equal(await page.locator('html').getAttribute('lang'), 'zh-CN');
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});
