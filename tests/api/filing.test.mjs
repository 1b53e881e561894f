// The annual sales filing (docs/api.md, "The annual sales filing"): the
// streamed upload as every role, every problem of a bad file reported with
// nothing stored, identical re-uploads, versions, drafts, the bureau's
// workflow, row scope, masked and sealed personal data with the audited
// reveal, who has and has not filed (with CSV and XLSX exports), overdue
// events, statistics, receipts in the log, and a hundred enterprises
// filing at the same moment. One server with the demo data set; today is
// after the 2025 deadline, so 2025 filings are late.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, Client, PASSWORD } from '../lib/harness.mjs';
import { loginAs, assertProblem, assertStatus, walk, sql } from './util.mjs';
import { filingFile, filingLines, residentId } from './filing_util.mjs';

const BEIJING = '91110108100000198A'; // ent.beijing: SXH202100002 / SKF-3000, valid all of 2025
const BEIJING_CERT = 'SXH202100002';
const BEIJING_MODEL = 'SKF-3000';
const HUAMI = '911101051000793857'; // a Beijing holder that files nothing for 2025
const SHENZHEN = '9144030510174237XR'; // ent.shenzhen: its certificate dates from 2026

let srv;
let D;
let dir;

function sm3(text) {
  const f = path.join(dir, `sm3-${process.hrtime.bigint()}`);
  writeFileSync(f, text);
  const r = spawnSync('openssl', ['dgst', '-sm3', '-r', f], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split(' ')[0];
}

function upload(client, year, body, { draft = false, type = 'text/csv' } = {}) {
  return client.req('POST', `/api/v1/filings/years/${year}${draft ? '?draft=1' : ''}`, body,
    { raw: true, headers: { 'content-type': type } });
}

function q(s) {
  const r = sql(srv.db, s);
  assert.equal(r.status, 0, `sqlite3: ${r.stderr}`);
  return r.stdout.trim();
}

// Everything a refused upload must leave as it was.
function filingSnap() {
  return {
    filings: q("select group_concat(id || ':' || status || ':' || version, ',') from filings"),
    lines: q('select count(*) from filing_lines'),
    totals: q('select count(*) from filing_totals'),
    log: q('select count(*) from log_entries'),
    audit: q("select count(*) from audit_log where action like 'filing.%'"),
  };
}

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'cryptoreg-filing-'));
  srv = await startServer({ demo: true, fixtures: false });
  D = { anon: new Client(srv.url) };
  for (const name of ['admin', 'officer.bj', 'officer.sh', 'inspector.bj', 'ent.beijing', 'ent.shenzhen']) {
    const r = srv.cli(['user', 'reset-password', name, '--password-stdin'], { input: `${PASSWORD}\n` });
    assert.equal(r.status, 0, `reset ${name}: ${r.stderr}`);
    D[name] = await loginAs(srv.url, name);
  }
});

after(async () => {
  if (srv) assert.equal(await srv.stop(), 0, 'the server exits cleanly');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the deadline', () => {
  test('2025 is due on Monday 2 February 2026 (31 January was a Saturday), with its rule', async () => {
    const r = await D.anon.req('GET', '/api/v1/filings/deadline?year=2025');
    assertStatus(r, 200);
    assert.equal(r.body.due, '2026-02-02');
    assert.equal(r.body.rule.id, 'deadline.sales_filing');
    assert.match(r.body.rule.citation, /336.*item IV/);
  });
  test('2019 is due after the extended 2020 Spring Festival break', async () => {
    const r = await D.anon.req('GET', '/api/v1/filings/deadline?year=2019');
    assertStatus(r, 200);
    assert.equal(r.body.due, '2020-02-03');
  });
  test('a year whose following calendar is not loaded is an explicit error', async () => {
    assertProblem(await D.anon.req('GET', '/api/v1/filings/deadline?year=2026'), 'calendar_year_missing', { status: 422 });
    assertProblem(await D.anon.req('GET', '/api/v1/filings/deadline'), 'missing_field', { status: 422, field: 'year' });
  });
});

describe('uploading', () => {
  const good = filingFile(filingLines(40));
  let first;

  test('who may upload: enterprise users only, refused before the body is stored', async () => {
    const before = filingSnap();
    assertProblem(await upload(D.anon, 2025, good), 'unauthenticated', { status: 401 });
    for (const who of ['admin', 'officer.bj', 'inspector.bj'])
      assertProblem(await upload(D[who], 2025, good), 'forbidden', { status: 403 });
    assert.deepEqual(filingSnap(), before);
  });

  test('a valid file is received: version 1, its SM3, late, logged', async () => {
    const r = await upload(D['ent.beijing'], 2025, good);
    assertStatus(r, 201);
    first = r.body;
    assert.equal(r.body.uscc, BEIJING);
    assert.equal(r.body.year, 2025);
    assert.equal(r.body.version, 1);
    assert.equal(r.body.status, 'submitted');
    assert.equal(r.body.lines, 40);
    assert.equal(r.body.sm3, sm3(good), 'the SM3 of the bytes as sent, as openssl computes it');
    assert.equal(r.body.bytes, Buffer.byteLength(good));
    assert.equal(r.body.encoding, 'utf-8');
    assert.equal(r.body.due_on, '2026-02-02');
    assert.equal(r.body.late, true, 'received after the deadline');
    assert.equal(r.body.current, true);
    assert.ok(Number.isInteger(r.body.log_index));
    const expected = filingLines(40).reduce((n, l) => n + Number(l.split(',')[3]), 0);
    assert.equal(r.body.total_quantity, expected);
    assert.equal(q(`select count(*) from filing_lines where filing_id = ${r.body.id}`), '40');
  });

  test('the log entry names the filing and holds no line; its receipt is served', async () => {
    const e = await D.anon.req('GET', `/api/v1/log/entries/${first.log_index}`);
    assertStatus(e, 200);
    assert.equal(e.body.kind, 'filing.submit');
    assert.equal(e.body.subject, `${BEIJING}/2025/v1`);
    assert.equal(e.body.bureau, '110000');
    assert.doesNotMatch(e.text, /张三|11010519/);
    const receipt = await D.anon.req('GET', `/api/v1/log/receipt?index=${first.log_index}`);
    // The receipt exists once the entry is in a checkpoint, within a second or so.
    let tries = 0;
    let rr = receipt;
    while (rr.status !== 200 && tries++ < 30) {
      await new Promise((res) => setTimeout(res, 200));
      rr = await D.anon.req('GET', `/api/v1/log/receipt?index=${first.log_index}`);
    }
    assertStatus(rr, 200);
    assert.ok(rr.text.startsWith('c2sp.org/tlog-proof@v1\n'));
  });

  test('the identical file again is recognised and writes nothing', async () => {
    const before = filingSnap();
    const r = await upload(D['ent.beijing'], 2025, good);
    assertStatus(r, 200);
    assert.equal(r.body.unchanged, true);
    assert.equal(r.body.id, first.id);
    assert.equal(r.body.version, 1);
    assert.deepEqual(filingSnap(), before);
  });

  test('a file with problems in many rows lists every one and stores nothing', async () => {
    const lines = filingLines(120);
    for (let i = 0; i < 120; i += 2) lines[i] = lines[i].replace(/^2025-/, '2024-'); // 60 dates outside 2025
    for (let i = 1; i < 120; i += 4) lines[i] = lines[i].replace(/,resident_id,\d{17}[\dX]/, ',resident_id,110105198001010000'); // 30 bad IDs
    lines.push(`2025-05-05,${BEIJING_CERT},OTHER-MODEL,1,organisation,某公司,91110000600037341L,,,,,`); // not covered
    lines.push('2025-05-05,SXH202100002,SKF-3000,0,robot,,,,,,,'); // quantity, buyer_type, buyer_name
    const before = filingSnap();
    const r = await upload(D['ent.beijing'], 2025, filingFile(lines));
    assertProblem(r, 'filing_invalid', { status: 422 });
    const rows = r.body.rows;
    assert.equal(rows.filter((x) => x.column === 'sale_date').length, 60);
    assert.equal(rows.filter((x) => x.column === 'buyer_id_number').length, 30);
    assert.ok(rows.some((x) => x.line === 122 && /covers the model SKF-3000, not OTHER-MODEL/.test(x.message)));
    for (const col of ['quantity', 'buyer_type', 'buyer_name']) assert.ok(rows.some((x) => x.line === 123 && x.column === col), col);
    for (const x of rows) {
      assert.ok(Number.isInteger(x.line) && x.line >= 2);
      assert.equal(typeof x.hint, 'string');
      assert.doesNotMatch(x.message, /张三|1101051980/, 'no personal data in a report');
    }
    assert.match(r.body.detail, /94 problems in 122 lines, listed in rows; nothing was stored/);
    assert.deepEqual(filingSnap(), before);
  });

  test('a line of a certificate that is not the filer\'s, or on a day it was not valid', async () => {
    const r = await upload(D['ent.beijing'], 2025, filingFile([
      '2025-03-01,SXH202600001,PCIE-88,1,organisation,某公司,91110000600037341L,,,,,',
    ]));
    assertProblem(r, 'filing_invalid', { status: 422 });
    assert.match(r.body.rows[0].message, /not one of the filer's/);
  });

  test('a GB18030 file is read as such, and stored in UTF-8', async () => {
    const utf8 = filingFile(filingLines(6, { tag: '国标' }));
    const conv = spawnSync('iconv', ['-f', 'UTF-8', '-t', 'GB18030'], { input: utf8 });
    assert.equal(conv.status, 0);
    const r = await upload(D['ent.beijing'], 2025, conv.stdout);
    assertStatus(r, 201);
    assert.equal(r.body.encoding, 'gb18030');
    assert.equal(r.body.version, 2);
    const lines = await D['ent.beijing'].req('GET', `/api/v1/filings/${r.body.id}/lines`);
    assert.equal(lines.body.items[0].buyer_name, '北京某某科技有限公司国标0');
  });

  test('a corrected filing is a new version; every version is kept', async () => {
    const r = await upload(D['ent.beijing'], 2025, filingFile(filingLines(41)));
    assertStatus(r, 201);
    assert.equal(r.body.version, 3);
    const old = await D['ent.beijing'].req('GET', `/api/v1/filings/${first.id}`);
    assertStatus(old, 200);
    assert.equal(old.body.current, false);
    assert.deepEqual(old.body.versions.map((v) => v.version), [3, 2, 1]);
    assert.equal(q(`select count(*) from filing_lines where filing_id = ${first.id}`), '40', 'version 1 keeps its lines');
    const list = await D['ent.beijing'].req('GET', '/api/v1/filings?year=2025');
    assert.deepEqual(list.body.items.map((f) => f.version), [3], 'the list shows the latest version');
  });

  test('years that cannot be filed, and an enterprise without a certificate that year', async () => {
    assertProblem(await upload(D['ent.beijing'], 2026, filingFile([])), 'invalid_value', { status: 422, field: 'year' });
    assertProblem(await upload(D['ent.beijing'], 'abc', filingFile([])), 'invalid_value', { status: 422, field: 'year' });
    const r = await upload(D['ent.shenzhen'], 2025, filingFile([]));
    assertProblem(r, 'no_certificate', { status: 422 });
    assert.equal(r.body.rule.id, 'deadline.sales_filing');
  });

  test('a nil return: the header and no lines', async () => {
    const r = await upload(D['ent.beijing'], 2024, filingFile([]));
    assertStatus(r, 201);
    assert.equal(r.body.nil_return, true);
    assert.equal(r.body.lines, 0);
  });
});

describe('drafts and the bureau\'s workflow', () => {
  let draft;
  test('a draft is stored but not submitted, then submitted and logged', async () => {
    const r = await upload(D['ent.beijing'], 2023, filingFile(filingLines(3, { year: 2023 })), { draft: true });
    assertStatus(r, 201);
    draft = r.body;
    assert.equal(r.body.status, 'draft');
    assert.equal(r.body.log_index, null);
    assert.equal(r.body.submitted_at, null);
    assertProblem(await D['officer.bj'].req('POST', `/api/v1/filings/${draft.id}/accept`, {}), 'invalid_transition', { status: 409 });
    const s = await D['ent.beijing'].req('POST', `/api/v1/filings/${draft.id}/submit`);
    assertStatus(s, 200);
    assert.equal(s.body.status, 'submitted');
    assert.ok(Number.isInteger(s.body.log_index));
    assert.equal(s.body.late, true);
    assertProblem(await D['ent.beijing'].req('POST', `/api/v1/filings/${draft.id}/submit`), 'invalid_transition', { status: 409 });
  });

  test('return needs a reason; another bureau cannot act; the competent bureau can', async () => {
    assertProblem(await D['officer.bj'].req('POST', `/api/v1/filings/${draft.id}/return`, {}), 'missing_field', { status: 422, field: 'reason' });
    assertProblem(await D['officer.sh'].req('POST', `/api/v1/filings/${draft.id}/accept`, {}), 'not_found', { status: 404 });
    assertProblem(await D['ent.beijing'].req('POST', `/api/v1/filings/${draft.id}/accept`, {}), 'forbidden', { status: 403 });
    const r = await D['officer.bj'].req('POST', `/api/v1/filings/${draft.id}/return`, { reason: '第3行购买方地址不完整' });
    assertStatus(r, 200);
    assert.equal(r.body.status, 'returned');
    assert.equal(r.body.reason, '第3行购买方地址不完整');
    assert.equal(r.body.late, true, 'a decision keeps the lateness of the submission');
    assert.deepEqual(r.body.events.map((e) => e.action), ['upload', 'submit', 'return']);
    // The corrected version is accepted by the administrator.
    const c = await upload(D['ent.beijing'], 2023, filingFile(filingLines(4, { year: 2023 })));
    assertStatus(c, 201);
    assert.equal(c.body.version, 2);
    assertProblem(await D.admin.req('POST', `/api/v1/filings/${draft.id}/accept`, {}), 'superseded', { status: 409 });
    const a = await D.admin.req('POST', `/api/v1/filings/${c.body.id}/accept`, {});
    assertStatus(a, 200);
    assert.equal(a.body.status, 'accepted');
    assert.equal(a.body.decided_by, 'admin');
    const o = (await walk(D['officer.bj'], '/api/v1/filings/obligations?year=2023')).find((x) => x.uscc === BEIJING);
    assert.equal(o.state, 'late', 'the first submission was late');
    assert.equal(o.status, 'accepted');
  });

  test('every act is audited, without a line of the filing', async () => {
    const audit = await walk(D.admin, `/api/v1/audit?entity_type=filing&entity_id=${draft.id}`);
    assert.deepEqual(audit.map((a) => a.action).sort(), ['filing.draft', 'filing.return', 'filing.submit']);
    assert.doesNotMatch(JSON.stringify(audit), /张三|11010519/);
  });
});

describe('scope and personal data', () => {
  let f;
  before(async () => {
    f = (await D['ent.beijing'].req('GET', '/api/v1/filings?year=2025')).body.items[0];
  });

  test('a bureau sees its own enterprises\' filings only; an enterprise its own', async () => {
    for (const who of ['officer.bj', 'inspector.bj', 'admin', 'ent.beijing'])
      assertStatus(await D[who].req('GET', `/api/v1/filings/${f.id}`), 200, who);
    assertProblem(await D['officer.sh'].req('GET', `/api/v1/filings/${f.id}`), 'not_found', { status: 404 });
    assertProblem(await D['ent.shenzhen'].req('GET', `/api/v1/filings/${f.id}`), 'not_found', { status: 404 });
    assertProblem(await D['ent.shenzhen'].req('GET', `/api/v1/filings/${f.id}/lines`), 'not_found', { status: 404 });
    assert.equal((await D['officer.sh'].req('GET', '/api/v1/filings?year=2025')).body.items.length, 0);
    assert.equal((await D['ent.shenzhen'].req('GET', '/api/v1/filings')).body.items.length, 0);
    assertProblem(await D['officer.sh'].req('GET', '/api/v1/filings?bureau=110000'), 'forbidden', { status: 403 });
    assertProblem(await D['ent.shenzhen'].req('GET', `/api/v1/filings?enterprise=${BEIJING}`), 'forbidden', { status: 403 });
  });

  test('identity numbers and contacts are masked in lines and sealed at rest', async () => {
    const lines = await walk(D['officer.bj'], `/api/v1/filings/${f.id}/lines`, { limit: 7 });
    assert.equal(lines.length, 41, 'paged through every line');
    const ind = lines.find((l) => l.buyer_type === 'individual');
    assert.match(ind.buyer_id_number, /^1101\*{10}\d{3}[\dX]$/);
    assert.match(ind.buyer_contact, /^\*{7}\d{4}$/);
    const org = lines.find((l) => l.buyer_type === 'organisation');
    assert.equal(org.buyer_uscc, '91110000600037341L');
    assert.equal(org.buyer_id_number, '');
    const sealed = q(`select buyer_id_sealed from filing_lines where filing_id = ${f.id} and line = ${ind.line}`);
    assert.match(sealed, /^v1\.\d+\.[A-Za-z0-9_-]+$/);
    const raw = readFileSync(srv.db);
    assert.equal(raw.indexOf(Buffer.from(residentId(ind.line - 2))), -1, 'no identity number in clear in the database file');
  });

  test('the competent bureau reveals a line, with a reason, audited without the values', async () => {
    const ind = (await D['officer.bj'].req('GET', `/api/v1/filings/${f.id}/lines?limit=2`)).body.items.find((l) => l.buyer_type === 'individual');
    const url = `/api/v1/filings/${f.id}/lines/${ind.line}/reveal`;
    assertProblem(await D['officer.bj'].req('POST', url, {}), 'missing_field', { status: 422, field: 'reason' });
    assertProblem(await D.admin.req('POST', url, { reason: 'curious' }), 'forbidden', { status: 403 });
    assertProblem(await D['inspector.bj'].req('POST', url, { reason: 'curious' }), 'forbidden', { status: 403 });
    assertProblem(await D['officer.sh'].req('POST', url, { reason: 'curious' }), 'not_found', { status: 404 });
    assertProblem(await D['ent.beijing'].req('POST', url, { reason: 'curious' }), 'forbidden', { status: 403 });
    const r = await D['officer.bj'].req('POST', url, { reason: '核查最终用户 end-user check' });
    assertStatus(r, 200);
    assert.equal(r.body.buyer_id_number, residentId(ind.line - 2));
    assert.match(r.body.buyer_contact, /^1380013\d{4}$/);
    const audit = await walk(D.admin, `/api/v1/audit?entity_type=filing&entity_id=${f.id}`);
    const rev = audit.find((a) => a.action === 'filing.reveal');
    assert.ok(rev, 'the reveal is audited');
    assert.equal(rev.username || rev.actor || rev.user, 'officer.bj');
    assert.match(JSON.stringify(rev), /end-user check/);
    assert.doesNotMatch(JSON.stringify(rev), new RegExp(r.body.buyer_id_number));
    assertProblem(await D['officer.bj'].req('POST', `/api/v1/filings/${f.id}/lines/1/reveal`, { reason: 'header' }), 'not_found', { status: 404 });
  });
});

describe('who has filed, overdue events, exports and statistics', () => {
  test('the obligations of 2025 for the Beijing bureau: late and missing', async () => {
    const all = await walk(D['officer.bj'], '/api/v1/filings/obligations?year=2025');
    const byUscc = Object.fromEntries(all.map((o) => [o.uscc, o]));
    assert.equal(byUscc[BEIJING].state, 'late');
    assert.equal(byUscc[BEIJING].version, 3);
    assert.equal(byUscc[HUAMI].state, 'missing');
    assert.ok(all.every((o) => o.bureau_code === '110000'));
    assert.ok(!(SHENZHEN in byUscc), 'a certificate from 2026 does not oblige a 2025 filing');
    const missing = await walk(D['officer.bj'], '/api/v1/filings/obligations?year=2025&state=missing');
    assert.ok(missing.every((o) => o.state === 'missing'));
    assert.ok(missing.some((o) => o.uscc === HUAMI));
    assertProblem(await D['officer.sh'].req('GET', '/api/v1/filings/obligations?year=2025&bureau=110000'), 'forbidden', { status: 403 });
    assertProblem(await D['ent.beijing'].req('GET', '/api/v1/filings/obligations?year=2025'), 'forbidden', { status: 403 });
    assertProblem(await D['officer.bj'].req('GET', '/api/v1/filings/obligations?year=2025&state=eventually'), 'invalid_value', { status: 422, field: 'state' });
  });

  test('overdue events: recorded once for the missing, resolved for the late filer', async () => {
    const again = await D.admin.req('POST', '/api/v1/filings/overdue?year=2025');
    assertStatus(again, 200);
    assert.equal(again.body.recorded, 0, 'the server recorded them at start');
    assert.ok(again.body.already >= 1);
    const ev = await walk(D['officer.bj'], '/api/v1/filings/events?year=2025&kind=filing_overdue');
    const huami = ev.find((e) => e.uscc === HUAMI);
    assert.ok(huami, 'the missing filer has an event');
    assert.equal(huami.occurred_on, '2026-02-03');
    assert.equal(huami.rule_id, 'deadline.sales_filing');
    assert.match(huami.citation, /item IV/);
    assert.deepEqual(huami.details, { year: 2025, due: '2026-02-02' });
    assert.equal(huami.resolved_on, null);
    const bj = ev.find((e) => e.uscc === BEIJING);
    assert.ok(bj && bj.resolved_on, 'the late filer\'s event is resolved, not removed');
    const own = await walk(D['ent.beijing'], '/api/v1/filings/events');
    assert.ok(own.every((e) => e.uscc === BEIJING));
    assertProblem(await D['officer.bj'].req('POST', '/api/v1/filings/overdue?year=2025'), 'forbidden', { status: 403 });
    assertProblem(await D.admin.req('POST', '/api/v1/filings/overdue?year=2026'), 'calendar_year_missing', { status: 422 });
  });

  test('CSV and XLSX exports of the list', async () => {
    const c = await D['officer.bj'].req('GET', '/api/v1/filings/obligations?year=2025&format=csv');
    assertStatus(c, 200);
    assert.match(c.headers.get('content-type'), /^text\/csv/);
    assert.match(c.headers.get('content-disposition'), /filename="filings-2025\.csv"/);
    const rows = c.text.replace(/^\uFEFF/, '').trim().split('\r\n');
    assert.equal(rows[0], 'uscc,name,bureau_code,certificates,state,filing_id,version,status,submitted_at,late,overdue_event_id');
    assert.ok(rows.some((r) => r.startsWith(`${BEIJING},`) && r.includes(',late,')));
    const x = await fetch(`${srv.url}/api/v1/filings/obligations?year=2025&format=xlsx&state=missing`, { headers: { cookie: D['officer.bj'].cookie } });
    assert.equal(x.status, 200);
    const file = path.join(dir, 'list.xlsx');
    writeFileSync(file, Buffer.from(await x.arrayBuffer()));
    const py = spawnSync('python3', ['-c', `
import sys, zipfile, xml.etree.ElementTree as ET
z = zipfile.ZipFile(sys.argv[1])
assert z.testzip() is None
ns = {'m': 'http://schemas.openxmlformats.org/spreadsheetml/2006/main'}
sheet = ET.fromstring(z.read('xl/worksheets/sheet1.xml'))
rows = [[''.join(t.text or '' for t in c.iter('{%s}t' % ns['m'])) or (c.find('m:v', ns).text if c.find('m:v', ns) is not None else '') for c in r] for r in sheet.iter('{%s}row' % ns['m'])]
print(len(rows)); print('|'.join(rows[0])); print('\\n'.join(r[0] + ',' + r[4] for r in rows[1:]))
`, file], { encoding: 'utf8' });
    assert.equal(py.status, 0, py.stderr);
    const out = py.stdout.trim().split('\n');
    assert.ok(Number(out[0]) >= 2);
    assert.match(out[1], /^uscc\|name\|bureau_code/);
    assert.ok(out.slice(2).includes(`${HUAMI},missing`));
    assert.ok(out.slice(2).every((l) => l.endsWith(',missing')));
  });

  test('statistics by bureau, category, algorithm and year', async () => {
    const r = await D.admin.req('GET', '/api/v1/filings/statistics?year=2025');
    assertStatus(r, 200);
    assert.equal(r.body.by_bureau.length, 33, 'every bureau, with zeros');
    const bj = r.body.by_bureau.find((b) => b.bureau_code === '110000');
    assert.ok(bj.obligated >= 2 && bj.filed >= 1 && bj.late >= 1 && bj.missing >= 1);
    assert.equal(bj.obligated, bj.filed + bj.missing);
    const total = r.body.by_bureau.reduce((n, b) => n + b.quantity, 0);
    assert.equal(r.body.by_category.reduce((n, c) => n + c.quantity, 0), total, 'categories add up');
    assert.ok(r.body.by_algorithm.length >= 1);
    assert.ok(r.body.by_year.some((y) => y.year === 2025 && y.quantity === total));
    const own = await D['officer.sh'].req('GET', '/api/v1/filings/statistics?year=2025');
    assertStatus(own, 200);
    assert.deepEqual(own.body.by_bureau.map((b) => b.bureau_code), ['310000']);
    assertProblem(await D['ent.beijing'].req('GET', '/api/v1/filings/statistics'), 'forbidden', { status: 403 });
  });
});

describe('a hundred enterprises at the deadline', () => {
  let crowd;
  after(async () => { if (crowd) assert.equal(await crowd.stop(), 0, 'the crowd server exits cleanly'); });

  test('all upload at the same moment, and all succeed', async () => {
    // A registry of 300 enterprises and 1,500 certificates issued over the last years.
    crowd = await startServer({ fixtures: false });
    const d = crowd.cli(['demo', '--enterprises', '300', '--certificates', '1500']);
    assert.equal(d.status, 0, d.stderr);
    assert.equal(crowd.cli(['user', 'reset-password', 'admin', '--password-stdin'], { input: `${PASSWORD}\n` }).status, 0);
    const admin = await loginAs(crowd.url, 'admin');
    const cq = (s) => {
      const r = sql(crowd.db, s);
      assert.equal(r.status, 0, r.stderr);
      return r.stdout.trim();
    };
    const holders = cq(`select c.holder_uscc || '|' || min(c.number) || '|' || c.product_model from certificates c
      where c.legacy = 0 and c.issued_on <= '2025-01-01' and c.expires_on >= '2025-12-31'
      and not exists (select 1 from certificate_events v where v.certificate_id = c.id and v.status <> 'valid')
      group by c.holder_uscc limit 100`).split('\n').filter(Boolean).map((l) => l.split('|'));
    assert.equal(holders.length, 100, 'a hundred certified enterprises');
    const made = await Promise.all(holders.map(([uscc]) => admin.req('POST', '/api/v1/users', {
      username: `crowd.${uscc.toLowerCase()}`, display_name: `crowd ${uscc}`, password: PASSWORD, role: 'enterprise_user', enterprise_uscc: uscc,
    })));
    made.forEach((r) => assertStatus(r, 201));
    const clients = await Promise.all(holders.map(([uscc]) => loginAs(crowd.url, `crowd.${uscc.toLowerCase()}`)));
    const files = holders.map(([, cert, model], i) => filingFile(filingLines(200, { cert, model, tag: `c${i}` })));
    const results = await Promise.all(clients.map((c, i) => upload(c, 2025, files[i])));
    results.forEach((r, i) => {
      assertStatus(r, 201, `enterprise ${holders[i][0]}`);
      assert.equal(r.body.lines, 200);
      assert.equal(r.body.sm3, sm3(files[i]));
    });
    assert.equal(cq('select count(distinct uscc) from filings where year = 2025'), '100');
    assert.equal(cq('select count(*) from filing_lines'), '20000');
    assert.equal(cq('select count(distinct log_index) from filings'), '100', 'each filing its own log entry');
  });
});
