// Browser tests of products, applications and certificates (issue 3) against
// the real server with the harness fixtures: an enterprise user registers a
// product, is refused a removed approval item with the Notice 336 citation,
// applies for type approval and attaches a PDF; an officer of the
// enterprise's bureau (Beijing) accepts, approves and issues; the public
// portal finds the certificate by number, valid, and its printable page shows
// the QR code and the verification downloads.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, FIXTURES } from '../lib/harness.mjs';
import { launchBrowser, newPage, screenshot, login, columnTexts, a11yProblems } from './lib.mjs';

const HAIDIAN = FIXTURES.enterprises[0]; // Beijing; ent.haidian's enterprise
const MODEL = 'SJJ1912-T';
// The smallest document the server accepts as a PDF: it starts with %PDF-.
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');

let server;
let browser;
// Carried from one test to the next: the flow is one story.
const story = { application: null, certificate: null };

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

// The approval items from the reference data: the type approval item (not
// removed) and one of the four items removed on 2017-10-11.
async function approvalItems(page) {
  const ref = await page.evaluate(() => fetch('/api/v1/reference').then((r) => r.json()));
  const open = ref.approval_items.filter((i) => !i.removed_on);
  const typeItem = open.find((i) => /type/.test(i.id) || /型号/.test(i.zh)) || open[0];
  const removed = ref.approval_items.find((i) => i.removed_on);
  assert.ok(typeItem, 'the reference lists an approval item that is not removed');
  assert.ok(removed, 'the reference lists the removed items');
  return { ref, typeItem, removed };
}

test('enterprise user registers a product, is refused a removed item, applies and attaches a PDF', async () => {
  const { context, page, errors, outside } = await newPage(browser, server.url);
  try {
    await login(page, server.url, 'ent.haidian');
    const menu = await page.locator('#menu a').allTextContents();
    for (const m of ['本企业产品', '本企业申请', '本企业证书']) assert.ok(menu.includes(m), `menu has ${m}`);
    assert.ok(!menu.includes('超期提醒'), 'no overdue page for an enterprise user');

    // A new product with two algorithms from the reference data.
    await page.locator('#menu a', { hasText: '本企业产品' }).click();
    await page.locator('h1', { hasText: '本企业产品' }).waitFor();
    await page.getByRole('link', { name: '登记新产品' }).click();
    await page.locator('#product-create').waitFor();
    await page.getByLabel(/^名称/).fill('服务器密码机');
    await page.getByLabel(/^型号/).fill(MODEL);
    const category = page.getByLabel(/^产品类别/);
    const firstCategory = await category.locator('option').nth(1).getAttribute('value');
    await category.selectOption(firstCategory);
    await page.getByLabel('第 1 项算法', { exact: true }).selectOption('SM2');
    await page.getByRole('button', { name: '添加算法' }).click();
    await page.getByLabel('第 2 项算法', { exact: true }).selectOption('SM3');
    // SM3 is a hash: no key length to choose.
    assert.equal(await page.getByLabel('第 2 项密钥长度').isDisabled(), true);
    await page.getByRole('button', { name: '添加算法' }).click();
    await page.getByLabel('第 3 项算法', { exact: true }).selectOption('SM4');
    await page.getByLabel(/^产品说明/).fill('支持 SM2 签名、SM3 杂凑和 SM4 加密的服务器密码机。');
    assert.deepEqual(await a11yProblems(page), []);
    await screenshot(page, 'cert-product-create');
    await page.getByRole('button', { name: '登记产品' }).click();
    await page.locator('#status', { hasText: '产品已登记' }).waitFor();
    assert.match(page.url(), /#\/products\/[^/]+$/);
    assert.match(await page.locator('h1').textContent(), new RegExp(MODEL));
    const fields = await page.locator('dl.fields').first().textContent();
    assert.ok(fields.includes('SM2') && fields.includes('SM3') && fields.includes('SM4'), 'algorithms listed');

    // Apply from the product page: first for a removed item, which the
    // server refuses, citing Notice 336 item I.
    const { typeItem, removed } = await approvalItems(page);
    await page.getByRole('link', { name: '申请许可' }).click();
    await page.locator('#app-create').waitFor();
    assert.match(await page.locator('#app-create-product option:checked').textContent(), new RegExp(MODEL), 'product preselected');
    // The removed items are offered (and marked), so the refusal can be seen.
    const removedOption = page.locator(`#app-create-item option[value="${removed.id}"]`);
    assert.match(await removedOption.textContent(), /已于 .* 取消/);
    await page.locator('#app-create-item').selectOption(removed.id);
    await page.getByLabel(/^联系人/).fill('王伟');
    await page.getByLabel(/^联系电话/).fill('010-62781234');
    await page.getByLabel(/^生产地址/).fill('北京市海淀区中关村大街1号');
    await page.getByLabel(/^预期用途/).fill('政务云密钥管理');
    await page.getByRole('button', { name: '提交申请' }).click();
    const refusal = page.locator('#app-create .form-errors');
    await refusal.locator('.rule-basis').waitFor();
    assert.match(await refusal.locator('cite.citation').textContent(), /336/, 'the rule citation names Notice 336');
    assert.match(await refusal.textContent(), /336/);
    await page.locator('#status', { hasText: '336' }).waitFor();
    assert.match(page.url(), /#\/applications\/new/, 'still on the form');
    await screenshot(page, 'cert-apply-removed-item');

    // Then for type approval, which is received.
    await page.locator('#app-create-item').selectOption(typeItem.id);
    await page.getByRole('button', { name: '提交申请' }).click();
    await page.locator('#status', { hasText: '申请已提交' }).waitFor();
    const m = page.url().match(/#\/applications\/([^/?]+)$/);
    assert.ok(m, `application page opened: ${page.url()}`);
    story.application = decodeURIComponent(m[1]);
    await page.locator('h1 .badge', { hasText: '已收到' }).waitFor();
    assert.equal(await page.locator('#app-actions button').count(), 1, 'the applicant may only withdraw');
    assert.equal(await page.locator('#app-actions button').textContent(), '撤回申请');

    // Attach a PDF: it is listed with its size and SM3 hash.
    await page.locator('#doc-file').setInputFiles({ name: 'technical-spec.pdf', mimeType: 'application/pdf', buffer: PDF });
    await page.getByRole('button', { name: '上传', exact: true }).click();
    await page.locator('#status', { hasText: 'technical-spec.pdf' }).waitFor();
    const doc = page.locator('table.documents tbody tr', { hasText: 'technical-spec.pdf' });
    await doc.waitFor();
    assert.match(await doc.locator('code.hash').getAttribute('title'), /^[0-9a-f]{64}$/i, 'SM3 hash shown');
    // The document can be downloaded again, byte for byte.
    const href = await doc.locator('a').getAttribute('href');
    const bytes = await page.evaluate((u) => fetch(u).then((r) => r.arrayBuffer()).then((b) => b.byteLength), href);
    assert.equal(bytes, PDF.length);
    // A file that is not a PDF is refused with the server's reason.
    await page.locator('#doc-file').setInputFiles({ name: 'notes.pdf', mimeType: 'application/pdf', buffer: Buffer.from('hello') });
    await page.getByRole('button', { name: '上传', exact: true }).click();
    await page.locator('#doc-upload .form-errors').waitFor();
    assert.equal(await page.locator('table.documents tbody tr').count(), 1);
    assert.deepEqual(await a11yProblems(page), []);
    await screenshot(page, 'cert-application-received');

    // The applicant's list shows it.
    await page.locator('#menu a', { hasText: '本企业申请' }).click();
    await page.locator('table.applications tbody tr').first().waitFor();
    assert.deepEqual(await columnTexts(page, 'table.applications', 0), [story.application]);
    assert.deepEqual(errors, []);
    assert.deepEqual(outside, []);
  } finally {
    await context.close();
  }
});

test('officer of the Beijing bureau accepts, approves and issues; the certificate is valid', async () => {
  assert.ok(story.application, 'the application from the previous test');
  const { context, page, errors, outside } = await newPage(browser, server.url);
  try {
    await login(page, server.url, 'officer.bj');
    const menu = await page.locator('#menu a').allTextContents();
    for (const m of ['产品', '许可申请', '超期提醒', '证书', '法定工作日历', '规则']) assert.ok(menu.includes(m), `menu has ${m}`);

    // The inbox lists the application, in state received.
    await page.locator('#menu a', { hasText: '许可申请' }).click();
    const row = page.locator('table.applications tbody tr', { hasText: story.application });
    await row.waitFor();
    await row.locator('.badge', { hasText: '已收到' }).waitFor();
    assert.ok((await row.textContent()).includes(HAIDIAN.name_zh));
    // Filtered by state: "accepted" lists nothing yet.
    await page.locator('#app-state').selectOption('accepted');
    await page.getByRole('button', { name: '筛选' }).click();
    await page.locator('#app-summary', { hasText: '没有符合条件的申请' }).waitFor();
    await page.locator('#app-state').selectOption('');
    await page.getByRole('button', { name: '筛选' }).click();
    await row.waitFor();
    await screenshot(page, 'cert-officer-inbox');
    await row.getByRole('link', { name: story.application }).click();

    // In state received exactly two actions are offered.
    await page.locator('#app-actions').waitFor();
    const actions = () => page.locator('#app-actions button').evaluateAll((bs) => bs.map((b) => b.dataset.action));
    assert.deepEqual(await actions(), ['request-materials', 'accept']);
    await page.locator('#app-deadline').waitFor();
    assert.match(await page.locator('#app-clock').textContent(), /计时中/);
    assert.ok((await page.locator('table.documents').textContent()).includes('technical-spec.pdf'));

    // Accept (a dialog with an optional note).
    await page.locator('#app-actions button[data-action=accept]').click();
    const dialog = page.locator('dialog.dialog');
    await dialog.waitFor();
    assert.equal(await page.evaluate(() => document.activeElement.closest('dialog') !== null), true, 'focus moved into the dialog');
    await dialog.locator('button[type=submit]').click();
    await page.locator('#status', { hasText: '已完成：受理' }).waitFor();
    await page.locator('h1 .badge', { hasText: '已受理' }).waitFor();
    assert.deepEqual(await actions(), ['start-review', 'extend', 'decide']);
    // The deadline now counts towards the decision: a due date or the reason
    // there is none, and the rule with its citation.
    const deadline = await page.locator('#app-deadline').textContent();
    assert.ok(/\d{4}-\d{2}-\d{2}/.test(deadline) || (await page.locator('#app-deadline-error').count()) === 1, 'due date or its error shown');
    assert.ok(await page.locator('#app-deadline cite.citation').count() >= 1, 'the deadline cites its rule');
    await screenshot(page, 'cert-officer-accepted');

    // Decide: the reason is required; the server's answer shows in the dialog.
    await page.locator('#app-actions button[data-action=decide]').click();
    await dialog.waitFor();
    await dialog.getByLabel('准予许可').check();
    await dialog.locator('button[type=submit]').click();
    await dialog.locator('.form-errors').waitFor();
    assert.equal(await dialog.isVisible(), true, 'the dialog stays open on an error');
    await dialog.getByLabel(/^理由/).fill('经审查，产品符合商用密码产品型号审批要求。');
    await screenshot(page, 'cert-officer-decide');
    await dialog.locator('button[type=submit]').click();
    await page.locator('#status', { hasText: '已完成：作出决定' }).waitFor();
    await page.locator('h1 .badge', { hasText: '准予许可' }).waitFor();
    assert.deepEqual(await actions(), ['issue']);

    // Issue: the certificate is created and linked.
    await page.locator('#app-actions button[data-action=issue]').click();
    await dialog.waitFor();
    await dialog.locator('button[type=submit]').click();
    await page.locator('h1 .badge', { hasText: '已发证' }).waitFor();
    assert.equal(await page.locator('#app-actions').count(), 0, 'no action after issue');
    const certLink = page.locator('dl.fields a[href^="#/certificates/"]');
    await certLink.waitFor();
    story.certificate = (await certLink.textContent()).trim();
    assert.ok(story.certificate, 'certificate number shown');
    const events = await page.locator('table.events tbody').textContent();
    assert.ok(events.includes('officer.bj') && events.includes('ent.haidian'), 'history names both actors');
    assert.deepEqual(await a11yProblems(page), []);
    await screenshot(page, 'cert-officer-issued');

    // The certificate in the console: valid, with history and the printable link.
    await certLink.click();
    await page.locator('#cert-status-box').waitFor();
    await page.locator('h1 [data-status=valid]').waitFor();
    assert.equal(await page.locator('#cert-printable').getAttribute('href'), `/certificate.html?number=${encodeURIComponent(story.certificate)}`);
    await page.locator('#menu a', { hasText: '证书' }).first().click();
    await page.locator('table.certificates tbody tr', { hasText: story.certificate }).waitFor();

    // The overdue page opens (the new application is not overdue).
    await page.locator('#menu a', { hasText: '超期提醒' }).click();
    await page.locator('h1', { hasText: '超期申请' }).waitFor();
    assert.ok(!(await page.locator('#main').textContent()).includes(story.application));
    assert.deepEqual(errors, []);
    assert.deepEqual(outside, []);
  } finally {
    await context.close();
  }
});

test('the public portal finds the certificate by number, valid, and its printable page shows the QR code', async () => {
  assert.ok(story.certificate, 'the certificate from the previous test');
  const { context, page, errors, outside } = await newPage(browser, server.url);
  try {
    await page.goto(server.url + '/');
    await page.getByLabel('证书编号、持证单位名称、统一社会信用代码或产品型号').fill(story.certificate);
    await page.getByRole('button', { name: '查询证书' }).click();
    const row = page.locator('#cert-results tbody tr', { hasText: story.certificate });
    await row.waitFor();
    assert.equal(await page.locator('#cert-results tbody tr').count(), 1);
    const badge = row.locator('.badge');
    assert.equal(await badge.getAttribute('data-status'), 'valid');
    assert.match(await badge.textContent(), /有效/);
    assert.match(await row.textContent(), new RegExp(MODEL));
    assert.match(await row.textContent(), new RegExp(HAIDIAN.name_zh));
    // Forms and templates, rules and signing keys are linked.
    for (const href of ['/forms/type-approval-application.html', '/forms/import-licence-application.html',
      '/forms/legacy-documents-template.csv', '/forms/calendar-template.csv', '/api/v1/signing-keys', '/api/v1/rules']) {
      assert.equal(await page.locator(`a[href="${href}"]`).count(), 1, `link to ${href}`);
    }
    await page.locator('#keys-body table.keys tbody tr').first().waitFor();
    assert.deepEqual(await a11yProblems(page), []);
    await screenshot(page, 'cert-portal-lookup');

    // By holder USCC and by model too.
    for (const q of [HAIDIAN.uscc, MODEL]) {
      await page.getByLabel('证书编号、持证单位名称、统一社会信用代码或产品型号').fill(q);
      await page.getByRole('button', { name: '查询证书' }).click();
      await page.waitForFunction((n) => [...document.querySelectorAll('#cert-results tbody tr')].some((r) => r.textContent.includes(n)), story.certificate);
    }

    // The printable page.
    await page.locator('#cert-results tbody tr', { hasText: story.certificate }).getByRole('link', { name: story.certificate }).click();
    await page.locator('#cert-qr').waitFor();
    assert.equal(await page.locator('#cert-number').textContent(), story.certificate);
    assert.equal(await page.locator('#cert-status [data-status]').getAttribute('data-status'), 'valid');
    const qr = await page.locator('#cert-qr').evaluate((img) => ({ src: img.getAttribute('src'), ok: img.complete && img.naturalWidth > 0, alt: img.alt }));
    assert.equal(qr.src, `/api/v1/certificates/${encodeURIComponent(story.certificate)}/qr.svg`);
    assert.ok(qr.ok, 'the QR image loaded');
    assert.ok(qr.alt.includes(story.certificate));
    const text = await page.locator('#cert').textContent();
    for (const s of [HAIDIAN.name_zh, HAIDIAN.uscc, MODEL, 'SM2', 'SM4', 'openssl pkeyutl -verify']) assert.ok(text.includes(s), `page shows ${s}`);
    // The downloads answer: the signed document, its signature and the key.
    const got = await page.evaluate(async () => {
      const out = {};
      for (const id of ['dl-document', 'dl-signature', 'dl-key']) {
        const r = await fetch(document.getElementById(id).getAttribute('href'));
        out[id] = { status: r.status, text: id === 'dl-signature' ? '' : await r.text() };
      }
      return out;
    });
    assert.equal(got['dl-document'].status, 200);
    assert.equal(JSON.parse(got['dl-document'].text).number, story.certificate);
    assert.equal(got['dl-signature'].status, 200);
    assert.equal(got['dl-key'].status, 200);
    assert.match(got['dl-key'].text, /-----BEGIN PUBLIC KEY-----/);
    assert.deepEqual(await a11yProblems(page), []);
    await screenshot(page, 'cert-printable');
    await page.emulateMedia({ media: 'print' });
    await screenshot(page, 'cert-printable-print');
    await page.emulateMedia({ media: 'screen' });

    // English.
    await page.getByLabel('语言').selectOption('en');
    await page.locator('h1', { hasText: 'Commercial cryptography product certificate' }).waitFor();
    assert.match(await page.locator('#cert-status').textContent(), /Valid/);
    assert.deepEqual(errors, []);
    assert.deepEqual(outside, []);
  } finally {
    await context.close();
  }
});

test('legacy documents: every bad row is listed, an imported one cannot be altered (Notice 336 item II)', async () => {
  const { context, page, errors, outside } = await newPage(browser, server.url);
  page.on('dialog', (d) => d.accept());
  try {
    await login(page, server.url, 'officer.bj');
    await page.goto(`${server.url}/console/#/certificates/import`);
    await page.locator('#legacy-form').waitFor();
    const header = 'kind,number,holder_uscc,product_name,product_model,issued_on,expires_on';
    // Two bad rows (an unknown kind, an impossible date): both are listed.
    const bad = `${header}\nlicence,LEG-BAD-1,${HAIDIAN.uscc},旧密码机,OLD-1,2016-01-01,2030-01-01\n` +
      `sales_permit,LEG-BAD-2,${HAIDIAN.uscc},旧密码机,OLD-2,2016-02-30,2030-01-01\n`;
    await page.locator('#legacy-file').setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
    await page.getByRole('button', { name: '导入' }).click();
    await page.locator('table.legacy-errors tbody tr').first().waitFor();
    const lines = await columnTexts(page, 'table.legacy-errors', 0);
    assert.ok(lines.includes('2') && lines.includes('3'), `both bad rows listed: ${lines}`);
    assert.equal(await page.evaluate(() => document.activeElement.tagName), 'H2', 'focus on the error heading');
    await screenshot(page, 'cert-legacy-import-errors');

    const good = `${header}\nsales_permit,SXS2016-0042,${HAIDIAN.uscc},服务器密码机,SJJ0901,2016-05-01,2030-04-30\n`;
    await page.locator('#legacy-file').setInputFiles({ name: 'good.csv', mimeType: 'text/csv', buffer: Buffer.from(good) });
    await page.getByRole('button', { name: '导入' }).click();
    await page.locator('#legacy-result', { hasText: '已导入 1 份历史许可文件' }).waitFor();

    // The legacy document: no status form, the refusal and its citation.
    await page.goto(`${server.url}/console/#/certificates/SXS2016-0042`);
    await page.locator('#cert-legacy').waitFor();
    assert.equal(await page.locator('#cert-status').count(), 0, 'no status form for a legacy document');
    assert.match(await page.locator('#cert-legacy cite.citation').textContent(), /336.*II/);
    await screenshot(page, 'cert-legacy-detail');
    // The server refuses a change all the same, citing the rule.
    const refused = await page.evaluate(async () => {
      const s = await fetch('/api/v1/session').then((r) => r.json());
      const r = await fetch('/api/v1/certificates/SXS2016-0042/status', {
        method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': s.csrf_token },
        body: JSON.stringify({ status: 'suspended', reason: 'test' }) });
      return { status: r.status, body: await r.json() };
    });
    assert.equal(refused.status, 422);
    assert.equal(refused.body.code, 'legacy_no_alteration');

    // Rules with their citations, and the legal calendar.
    await page.locator('#menu a', { hasText: '规则' }).click();
    await page.locator('table.rules tbody tr').first().waitFor();
    assert.match(await page.locator('table.rules tbody').textContent(), /Licensing Law/);
    await page.locator('#rules-all').check();
    await page.getByRole('button', { name: '显示' }).click();
    await page.locator('table.rules caption', { hasText: '全部规则' }).waitFor();
    await page.locator('#menu a', { hasText: '法定工作日历' }).click();
    await page.locator('table.calendar-years tbody tr').first().waitFor();
    assert.equal(await page.locator('#cal-upload').count(), 0, 'only the national administrator uploads a year');
    await page.locator('table.calendar-years tbody tr').first().locator('a').click();
    await page.locator('table.calendar-days tbody tr').first().waitFor();
    assert.deepEqual(await a11yProblems(page), []);
    assert.deepEqual(errors, []);
    assert.deepEqual(outside, []);
  } finally {
    await context.close();
  }
});
