// Browser tests of the console (web/console/index.html) against the real
// server with the harness fixtures: row-scoped enterprise lists per role, an
// enterprise user editing its contact phone, keyboard-only login, and the
// pages of the national administrator (CSV import errors, audit, tokens).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, FIXTURES, PASSWORD } from '../lib/harness.mjs';
import { launchBrowser, newPage, screenshot, login, columnTexts, makeUscc, a11yProblems } from './lib.mjs';

const BEIJING = ['911101089243040981', '911101059492671314'];
const ELSEWHERE = ['91440106465460437U', '914403052836347237', '916590016748738523'];

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

test('officer.bj sees the Beijing enterprises and none of the others', async () => {
  const { context, page, errors, outside } = await newPage(browser, server.url);
  try {
    await page.goto(server.url + '/console/');
    await page.locator('#login-form').waitFor();
    assert.equal(await page.locator('#user-box').isVisible(), false);
    await screenshot(page, 'console-login');
    assert.deepEqual(await a11yProblems(page), []);

    // A wrong password is refused with a message in the form and the live region.
    await page.getByLabel('用户名').fill('officer.bj');
    await page.getByLabel(/^密码/).fill('wrong password 123');
    await page.getByRole('button', { name: '登录' }).click();
    await page.locator('#login-form .form-errors', { hasText: '用户名或密码错误' }).waitFor();
    await page.locator('#status', { hasText: '用户名或密码错误' }).waitFor();
    assert.equal(await page.locator('#user-box').isVisible(), false);

    await login(page, server.url, 'officer.bj');
    assert.equal(await page.locator('#user-name').textContent(), 'officer.bj');
    assert.equal(await page.locator('#user-role').textContent(), '省级密码管理局工作人员');
    assert.match(await page.locator('#user-scope').textContent(), /北京/);
    await page.locator('table.enterprises tbody tr').first().waitFor();
    const usccs = await columnTexts(page, 'table.enterprises', 0);
    for (const u of BEIJING) assert.ok(usccs.includes(u), `${u} listed`);
    for (const u of ELSEWHERE) assert.ok(!usccs.includes(u), `${u} must not be listed`);
    assert.equal(await page.locator('h1').textContent(), '企业名录');
    // No bureau filter for an officer; the officer's menu has users and audit.
    assert.equal(await page.locator('#ent-search select[name=bureau]').count(), 0);
    const menu = await page.locator('#menu a').allTextContents();
    assert.deepEqual(menu, ['企业名录', '产品', '许可申请', '超期提醒', '证书', '销售备案', '备案情况', '备案统计', '批量导入', '用户管理', '审计日志', '法定工作日历', '规则', 'API 令牌']);
    await screenshot(page, 'console-officer-enterprises');

    // Opening an enterprise outside the scope is a not-found page.
    await page.goto(`${server.url}/console/#/enterprises/${ELSEWHERE[0]}`);
    await page.locator('.message-error', { hasText: '未找到该企业' }).waitFor();

    // Opening a Beijing one shows all fields and the full edit form.
    await page.goto(`${server.url}/console/#/enterprises/${BEIJING[1]}`);
    await page.locator('#ent-edit').waitFor();
    assert.match(await page.locator('h1').textContent(), /北京朝阳安全设备有限公司/);
    assert.equal(await page.locator('#ent-edit [name=name_zh]').inputValue(), '北京朝阳安全设备有限公司');
    assert.equal(await page.locator('#ent-bureau').count(), 0, 'no bureau override for an officer');
    await screenshot(page, 'console-officer-detail');

    // New enterprise: a bad check digit is shown next to the USCC field,
    // then a valid Beijing USCC is created and opened.
    await page.goto(`${server.url}/console/#/enterprises/new`);
    await page.locator('#ent-create').waitFor();
    await page.getByLabel('统一社会信用代码').fill('911101080000000000');
    await page.getByLabel(/^中文名称/).fill('北京新建密码服务有限公司');
    await page.getByLabel('销售单位').check();
    await page.getByRole('button', { name: '创建' }).click();
    await page.locator('#ent-create [name=uscc][aria-invalid=true]').waitFor();
    const usccError = page.locator('#ent-create .field:has([name=uscc]) .field-error');
    assert.equal(await usccError.count(), 1, 'error shown next to the USCC field');
    // The live region names the field too.
    await page.locator('#status', { hasText: '统一社会信用代码' }).waitFor();
    await screenshot(page, 'console-create-error');
    await page.getByLabel('统一社会信用代码').fill('911101080000000007');
    await page.getByRole('button', { name: '创建' }).click();
    await page.locator('#status', { hasText: '企业已创建' }).waitFor();
    assert.match(page.url(), /#\/enterprises\/911101080000000007$/);
    assert.match(await page.locator('h1').textContent(), /北京新建密码服务有限公司/);

    // The users page of an officer lists the officer's bureau only, no add form.
    await page.locator('#menu a', { hasText: '用户管理' }).click();
    await page.locator('table.users tbody tr').first().waitFor();
    const names = await columnTexts(page, 'table.users', 0);
    assert.ok(names.includes('officer.bj') && names.includes('inspector.bj'));
    assert.ok(!names.includes('officer.gd'), 'other bureaus\' users are not listed');
    assert.equal(await page.locator('#user-add').count(), 0);

    // Log out returns to the login form.
    await page.getByRole('button', { name: '退出登录' }).click();
    await page.locator('#login-form').waitFor();
    assert.equal(await page.locator('#user-box').isVisible(), false);
    assert.deepEqual(errors, []);
    assert.deepEqual(outside, []);
  } finally {
    await context.close();
  }
});

test('enterprise user sees only its own enterprise and edits its contact phone', async () => {
  const { context, page, errors } = await newPage(browser, server.url);
  try {
    await login(page, server.url, 'ent.haidian');
    assert.equal(await page.locator('#user-role').textContent(), '企业用户');
    await page.locator('table.enterprises tbody tr').first().waitFor();
    assert.deepEqual(await columnTexts(page, 'table.enterprises', 0), ['911101089243040981']);
    const menu = await page.locator('#menu a').allTextContents();
    assert.deepEqual(menu, ['本企业信息', '本企业产品', '本企业申请', '本企业证书', '本企业销售备案', '规则', 'API 令牌']);

    await page.getByRole('link', { name: '911101089243040981' }).click();
    await page.locator('#ent-edit').waitFor();
    // Focus moved to the page heading after navigation.
    assert.equal(await page.evaluate(() => document.activeElement.tagName), 'H1');
    // Only the contact fields are offered.
    const fields = await page.locator('#ent-edit input, #ent-edit select, #ent-edit textarea')
      .evaluateAll((els) => els.map((e) => e.name));
    assert.deepEqual(fields.sort(), ['address', 'contact_email', 'contact_name', 'contact_phone']);
    assert.equal(await page.locator('#ent-bureau').count(), 0);

    const phone = '010-62781234';
    await page.getByLabel('联系电话').fill(phone);
    await page.getByRole('button', { name: '保存' }).click();
    await page.locator('#status', { hasText: '企业信息已保存' }).waitFor();
    assert.ok((await page.locator('dl.fields').textContent()).includes(phone));
    await screenshot(page, 'console-enterprise-edit');

    await page.reload();
    await page.locator('#ent-edit').waitFor();
    assert.equal(await page.getByLabel('联系电话').inputValue(), phone);
    assert.ok((await page.locator('dl.fields').textContent()).includes(phone));
    // The server has it, not just the page.
    const e = await page.evaluate(() => fetch('/api/v1/registry/enterprises/911101089243040981').then((r) => r.json()));
    assert.equal(e.contact_phone, phone);
    assert.deepEqual(await a11yProblems(page), []);

    // After the reload the CSRF token was fetched again: another save works.
    await page.getByLabel('联系人').fill('张三');
    await page.getByRole('button', { name: '保存' }).click();
    await page.locator('#status', { hasText: '企业信息已保存' }).waitFor();
    const e2 = await page.evaluate(() => fetch('/api/v1/registry/enterprises/911101089243040981').then((r) => r.json()));
    assert.equal(e2.contact_name, '张三');
    assert.equal(e2.contact_phone, phone);

    // When the session is gone, the next page asks to log in again and
    // then opens the page that was asked for.
    await context.clearCookies();
    await page.locator('#menu a', { hasText: 'API 令牌' }).click();
    await page.locator('#login-form').waitFor();
    await page.locator('#status', { hasText: '登录已过期' }).waitFor();
    assert.equal(await page.locator('#user-box').isVisible(), false);
    await page.getByLabel('用户名').fill('ent.haidian');
    await page.getByLabel(/^密码/).fill(PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await page.locator('#token-create').waitFor();
    assert.equal(await page.locator('h1').textContent(), 'API 令牌');

    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('keyboard only: Tab to the login fields, type, Enter submits', async () => {
  const { context, page, errors } = await newPage(browser, server.url);
  try {
    await page.goto(server.url + '/console/');
    await page.locator('#login-form').waitFor();
    const active = () => page.evaluate(() => document.activeElement?.name || document.activeElement?.id || document.activeElement?.tagName);

    // The first Tab reaches the skip link.
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.className), 'skip-link');
    let presses = 1;
    while ((await active()) !== 'username' && presses < 15) {
      await page.keyboard.press('Tab');
      presses += 1;
    }
    assert.equal(await active(), 'username', 'Tab reaches the username field');
    await page.keyboard.type('inspector.bj');
    await page.keyboard.press('Tab');
    assert.equal(await active(), 'password');
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press('Enter');

    await page.locator('#user-box').waitFor({ state: 'visible' });
    assert.equal(await page.locator('#user-name').textContent(), 'inspector.bj');
    assert.equal(await page.locator('#user-role').textContent(), '检查人员');
    await page.locator('table.enterprises tbody tr').first().waitFor();
    // Focus moved to the heading of the new page.
    assert.equal(await page.evaluate(() => document.activeElement.tagName), 'H1');
    const usccs = await columnTexts(page, 'table.enterprises', 0);
    for (const u of BEIJING) assert.ok(usccs.includes(u), `${u} listed`);
    for (const u of ELSEWHERE) assert.ok(!usccs.includes(u), `${u} must not be listed`);
    // An inspector reads only: no edit form on the detail page.
    assert.deepEqual(await page.locator('#menu a').allTextContents(), ['企业名录', '产品', '许可申请', '证书', '销售备案', '备案情况', '法定工作日历', '规则', 'API 令牌']);

    // Follow a link by keyboard: Tab to the first enterprise link, Enter.
    let found = false;
    for (let i = 0; i < 30 && !found; i++) {
      await page.keyboard.press('Tab');
      found = await page.evaluate(() => document.activeElement?.closest?.('table.enterprises') !== null &&
        document.activeElement.tagName === 'A');
    }
    assert.ok(found, 'an enterprise link is reachable by Tab');
    await page.keyboard.press('Enter');
    await page.locator('dl.fields').waitFor();
    assert.equal(await page.locator('#ent-edit').count(), 0);
    assert.equal(await page.evaluate(() => document.activeElement.tagName), 'H1');
    await screenshot(page, 'console-keyboard');
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('national admin: bureau filter, override, CSV import errors, audit, users and tokens', async () => {
  const { context, page, errors } = await newPage(browser, server.url);
  page.on('dialog', (d) => d.accept());
  try {
    await login(page, server.url, 'admin');
    await page.locator('table.enterprises tbody tr').first().waitFor();
    const all = await columnTexts(page, 'table.enterprises', 0);
    for (const e of FIXTURES.enterprises) assert.ok(all.includes(e.uscc), `${e.uscc} listed for the admin`);

    // Filter by bureau: Guangdong has Guangzhou but not Shenzhen (own bureau).
    await page.getByLabel('主管密码管理局').selectOption('440000');
    await page.getByRole('button', { name: '查询' }).click();
    await page.waitForFunction(() => document.querySelectorAll('table.enterprises tbody tr').length === 1);
    assert.deepEqual(await columnTexts(page, 'table.enterprises', 0), ['91440106465460437U']);
    assert.match(page.url(), /bureau=440000/);
    await screenshot(page, 'console-admin-enterprises');

    // Override the bureau of the Shihezi enterprise, then return it.
    await page.goto(`${server.url}/console/#/enterprises/916590016748738523`);
    await page.locator('#ent-bureau').waitFor();
    await page.locator('#ent-bureau-code').selectOption('650000');
    await page.getByLabel('理由').fill('测试：依法调整主管机关');
    await page.getByRole('button', { name: '变更管理局' }).click();
    await page.locator('#status', { hasText: '主管密码管理局已变更' }).waitFor();
    assert.match(await page.locator('dl.fields').textContent(), /650000/);
    assert.match(await page.locator('dl.fields').textContent(), /已人工指定/);
    await screenshot(page, 'console-admin-override');
    assert.deepEqual(await a11yProblems(page), []);
    await page.locator('#ent-bureau-code').selectOption('');
    await page.getByLabel('理由').fill('恢复');
    await page.getByRole('button', { name: '变更管理局' }).click();
    await page.waitForFunction(() => !document.querySelector('dl.fields').textContent.includes('已人工指定'));

    // A CSV with a bad row: the per-row errors are listed, nothing imported.
    await page.locator('#menu a', { hasText: '批量导入' }).click();
    await page.locator('#import-form').waitFor();
    const header = 'uscc,name_zh,name_en,roles,address,legal_representative,contact_name,contact_phone,contact_email';
    const bad = `${header}\n911101080000000000,坏代码公司,,seller,,,,,\n`;
    await page.locator('#import-file').setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
    await page.getByRole('button', { name: '导入' }).click();
    await page.locator('table.import-errors tbody tr').first().waitFor();
    const lines = await columnTexts(page, 'table.import-errors', 0);
    assert.deepEqual(lines, ['2']);
    assert.match(await page.locator('table.import-errors tbody').textContent(), /uscc/);
    await screenshot(page, 'console-import-errors');
    assert.equal(await page.evaluate(() => document.activeElement.tagName), 'H2', 'focus on the error heading');

    // A valid file of 55 Tianjin enterprises is imported; the list pages
    // through them 50 at a time with "load more".
    const rows = [];
    for (let i = 0; i < 55; i++) {
      const uscc = makeUscc('120101', String(10000000 + i));
      rows.push(`${uscc},天津测试密码企业${i}有限公司,Tianjin Test Crypto ${i} Ltd.,seller;importer,天津市和平区,,,,`);
    }
    await page.locator('#import-file').setInputFiles({ name: 'tj.csv', mimeType: 'text/csv', buffer: Buffer.from(`\uFEFF${header}\n${rows.join('\n')}\n`) });
    await page.getByRole('button', { name: '导入' }).click();
    await page.locator('#import-result', { hasText: '已导入 55 家企业' }).waitFor();
    await page.goto(`${server.url}/console/#/enterprises?bureau=120000`);
    await page.waitForFunction(() => document.querySelectorAll('table.enterprises tbody tr').length === 50);
    await page.getByRole('button', { name: '加载更多' }).click();
    await page.waitForFunction(() => document.querySelectorAll('table.enterprises tbody tr').length === 55);
    assert.equal(await page.getByRole('button', { name: '加载更多' }).isVisible(), false);
    const tj = await columnTexts(page, 'table.enterprises', 0);
    assert.equal(new Set(tj).size, 55, 'no row twice');
    assert.ok(tj.every((u) => u.startsWith('91120101')));

    // Audit: the override above is there, with before/after JSON.
    await page.locator('#menu a', { hasText: '审计日志' }).click();
    await page.locator('table.audit tbody tr').first().waitFor();
    await page.getByLabel('对象标识').fill('916590016748738523');
    await page.getByRole('button', { name: '筛选' }).click();
    await page.waitForFunction(() => [...document.querySelectorAll('table.audit tbody tr')]
      .every((r) => r.textContent.includes('916590016748738523')));
    const audit = await page.locator('table.audit tbody').textContent();
    assert.ok(audit.includes('bureau'), 'override is audited');
    assert.ok(audit.includes('admin'));
    await page.locator('table.audit details').first().locator('summary').click();
    assert.match(await page.locator('table.audit details[open] pre').first().textContent(), /^\{/);
    await screenshot(page, 'console-audit');

    // Users: the admin sees everyone and adds an inspector.
    await page.locator('#menu a', { hasText: '用户管理' }).click();
    await page.locator('table.users tbody tr').first().waitFor();
    const users = await columnTexts(page, 'table.users', 0);
    for (const u of FIXTURES.users) assert.ok(users.includes(u.username), `${u.username} listed`);
    await page.locator('#user-add-username').fill('inspector.gd');
    await page.locator('#user-add-display_name').fill('广东检查员');
    await page.locator('#user-add-role').selectOption('inspector');
    await page.locator('#user-add-password').fill('a long enough password');
    await page.locator('#user-add-bureau_code').selectOption('440000');
    await page.getByRole('button', { name: '新增用户' }).click();
    await page.locator('#status', { hasText: '已新增用户' }).waitFor();
    assert.ok((await columnTexts(page, 'table.users', 0)).includes('inspector.gd'));
    await screenshot(page, 'console-users');
    assert.deepEqual(await a11yProblems(page), []);
    // Disable the new user (the confirm dialog is accepted above).
    const newRow = page.locator('table.users tbody tr', { hasText: 'inspector.gd' });
    await newRow.getByRole('button', { name: '停用' }).click();
    await page.locator('#status', { hasText: '已停用用户 inspector.gd' }).waitFor();
    await newRow.locator('.tag', { hasText: '已停用' }).waitFor();
    assert.equal(await newRow.getByRole('button').count(), 0);

    // Tokens: create (shown once), listed without the secret, revoke.
    await page.locator('#menu a', { hasText: 'API 令牌' }).click();
    await page.locator('#token-create').waitFor();
    await page.getByLabel('名称').fill('ci-export');
    await page.getByRole('button', { name: '创建令牌' }).click();
    await page.locator('#token-value').waitFor();
    const secret = await page.locator('#token-value').inputValue();
    assert.ok(secret.length >= 16, 'token shown');
    await page.locator('table.tokens tbody tr', { hasText: 'ci-export' }).waitFor();
    assert.ok(!(await page.locator('table.tokens').textContent()).includes(secret), 'list has no secret');
    // The token works as a bearer token.
    const status = await page.evaluate((tok) => fetch('/api/v1/registry/enterprises?limit=1', {
      credentials: 'omit', headers: { Authorization: `Bearer ${tok}` } }).then((r) => r.status), secret);
    assert.equal(status, 200);
    await screenshot(page, 'console-tokens');
    await page.locator('table.tokens tbody tr', { hasText: 'ci-export' }).getByRole('button').click();
    await page.locator('#status', { hasText: '已吊销' }).waitFor();
    assert.equal(await page.locator('table.tokens tbody tr', { hasText: 'ci-export' }).count(), 0);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('English console: menu, roles and headings follow the language', async () => {
  const { context, page, errors } = await newPage(browser, server.url);
  try {
    await page.goto(server.url + '/console/');
    await page.getByLabel('语言').selectOption('en');
    await login(page, server.url, 'officer.gd');
    await page.locator('table.enterprises tbody tr').first().waitFor();
    assert.equal(await page.locator('h1').textContent(), 'Enterprises');
    assert.equal(await page.locator('#user-role').textContent(), 'Bureau officer');
    assert.deepEqual(await page.locator('#menu a').allTextContents(), ['Enterprises', 'Products', 'Applications', 'Overdue', 'Certificates', 'Sales filings', 'Filing status', 'Filing statistics', 'CSV import', 'Users', 'Audit trail', 'Legal calendar', 'Rules', 'API tokens']);
    assert.deepEqual(await columnTexts(page, 'table.enterprises', 0), ['91440106465460437U']);
    assert.match(await page.locator('table.enterprises tbody').textContent(), /Integrator/);
    await screenshot(page, 'console-en');
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});
