// Licensing (docs/api.md, "Products, applications and certificates"):
// products, applications worked through every state as every role, PDF
// documents, certificates with their status history and SM2-signed
// documents, legacy documents of the four removed items, and the demo data
// (overdue, halted, near-expiry). Two servers: one with the fixtures for a
// clean state, one with the demo data set.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, Client, PASSWORD, FIXTURES } from '../lib/harness.mjs';
import {
  loginAll, loginAs, rawRequest, assertProblem, assertStatus, assertJson, assertAuditEntry, walk, sql, makeUscc,
} from './util.mjs';

const HAIDIAN = FIXTURES.enterprises[0].uscc; // Beijing, ent.haidian
const CHAOYANG = FIXTURES.enterprises[1].uscc; // Beijing, ent.chaoyang (added below)
const GUANGZHOU = FIXTURES.enterprises[2].uscc; // Guangdong
const SHENZHEN = FIXTURES.enterprises[3].uscc; // Shenzhen

const PRODUCTS = '/api/v1/products';
const APPS = '/api/v1/applications';
const CERTS = '/api/v1/certificates';
const REMOVED_ITEMS = ['production', 'sales_permit', 'fie_use', 'foreign_use'];
const APP_STATES = ['received', 'materials_requested', 'accepted', 'under_review', 'approved', 'refused', 'issued', 'withdrawn', 'halted'];
const ACTIONS = ['request-materials', 'supply-materials', 'accept', 'start-review', 'finish-review', 'extend', 'decide', 'issue', 'withdraw'];
// The states each action may start from, and where it leads (docs/api.md, Applications).
const FROM = {
  'request-materials': ['received'],
  'supply-materials': ['materials_requested'],
  accept: ['received'],
  'start-review': ['accepted'],
  'finish-review': ['under_review'],
  extend: ['accepted', 'under_review'],
  decide: ['accepted'],
  issue: ['approved'],
  withdraw: ['received', 'materials_requested', 'accepted', 'under_review'],
};
const TO = {
  'request-materials': 'materials_requested', 'supply-materials': 'received', accept: 'accepted',
  'start-review': 'under_review', 'finish-review': 'accepted', decide: 'approved', issue: 'issued', withdraw: 'withdrawn',
};
const APPLICANT_ACTIONS = new Set(['supply-materials', 'withdraw']);

// ---------------------------------------------------------------------------
// Dates and the legal calendar, computed here from data/calendar/*.csv
// without the project's code, to check the server's deadlines.

function addDays(d, n) {
  const t = new Date(`${d}T00:00:00Z`);
  t.setUTCDate(t.getUTCDate() + n);
  return t.toISOString().slice(0, 10);
}

function beijingToday() {
  return new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
}

// The day before the anniversary `years` later (29 February -> 28 February).
function expiryAfter(d, years) {
  const [y, m, day] = d.split('-').map(Number);
  const first = new Date(Date.UTC(y + years, m - 1, 1));
  first.setUTCDate(first.getUTCDate() + day - 2);
  return first.toISOString().slice(0, 10);
}

function loadShippedCalendar() {
  const dir = path.resolve('data/calendar');
  const cal = new Map();
  for (const f of readdirSync(dir)) {
    const m = /^(\d{4})\.csv$/.exec(f);
    if (!m) continue;
    const off = new Set();
    const work = new Set();
    for (const line of readFileSync(path.join(dir, f), 'utf8').split(/\r?\n/)) {
      const r = /^(\d{4}-\d{2}-\d{2}),(holiday|workday),/.exec(line);
      if (r) (r[2] === 'holiday' ? off : work).add(r[1]);
    }
    cal.set(Number(m[1]), { off, work });
  }
  return cal;
}
const CAL = loadShippedCalendar();

function isWorkingDay(cal, d) {
  const t = cal.get(Number(d.slice(0, 4)));
  if (!t) {
    const e = new Error(`no calendar for ${d.slice(0, 4)}`);
    e.year = Number(d.slice(0, 4));
    throw e;
  }
  if (t.work.has(d)) return true;
  if (t.off.has(d)) return false;
  const wd = new Date(`${d}T00:00:00Z`).getUTCDay();
  return wd !== 0 && wd !== 6;
}

// n working days after start (not counted): {due} or {missing: year}.
function jsDeadline(cal, start, n) {
  let d = start;
  let k = 0;
  try {
    while (k < n) {
      d = addDays(d, 1);
      if (isWorkingDay(cal, d)) k++;
    }
    return { due: d, missing: null };
  } catch (e) {
    if (e.year) return { due: null, missing: e.year };
    throw e;
  }
}

// The server's Deadline against the hand count (docs/api.md, Deadline).
function assertDeadline(dl, { act, start, days, ruleId, citation }) {
  assert.ok(dl && typeof dl === 'object', `deadline present: ${JSON.stringify(dl)}`);
  assert.equal(dl.act, act, 'deadline.act');
  assert.equal(dl.working_days, days, 'deadline.working_days');
  assert.equal(dl.rule.id, ruleId, 'deadline.rule.id');
  if (citation) assert.ok(dl.rule.citation.includes(citation), `rule citation ${dl.rule.citation} names ${citation}`);
  const want = jsDeadline(CAL, start, days);
  if (want.missing) {
    assert.equal(dl.due, null, `due while ${want.missing} is missing: ${JSON.stringify(dl)}`);
    assert.equal(dl.error && dl.error.code, 'calendar_year_missing', JSON.stringify(dl));
    assert.ok(dl.error.detail.includes(String(want.missing)), `error names ${want.missing}: ${dl.error.detail}`);
    assert.equal(dl.overdue, false);
  } else {
    assert.equal(dl.due, want.due, `due of ${days} working days after ${start}: ${JSON.stringify(dl)}`);
    assert.equal(dl.error, null, 'deadline.error');
    assert.equal(dl.overdue, want.due < TODAY, 'deadline.overdue');
  }
}

// ---------------------------------------------------------------------------
// Helpers

function openssl(args, input) {
  return spawnSync('openssl', args, { input, encoding: 'utf8' });
}

function sm3Hex(buf) {
  const r = spawnSync('openssl', ['dgst', '-sm3', '-r'], { input: buf, encoding: 'utf8' });
  assert.equal(r.status, 0, `openssl dgst -sm3: ${r.stderr}`);
  const m = /^([0-9a-f]{64})\b/.exec(r.stdout);
  assert.ok(m, `openssl output ${r.stdout}`);
  return m[1];
}

// Canonical JSON: keys sorted by code point, no whitespace.
function canonical(v) {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

// Raw bytes of a GET, with the client's session.
async function getBytes(client, p) {
  const headers = {};
  if (client.cookie) headers.cookie = client.cookie;
  const r = await fetch(client.base + p, { headers });
  return { status: r.status, headers: r.headers, bytes: Buffer.from(await r.arrayBuffer()) };
}

function pdfBytes(tag = 'x') {
  const head = Buffer.from(`%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <</Type /Catalog /Tag (${tag})>> endobj\n`, 'latin1');
  const binary = Buffer.alloc(256);
  for (let i = 0; i < 256; i++) binary[i] = i;
  return Buffer.concat([head, binary, Buffer.from('\ntrailer <</Root 1 0 R>>\n%%EOF\n', 'latin1')]);
}

function attach(client, number, bytes, { name = 'spec.pdf', type = 'application/pdf' } = {}) {
  const q = name === null ? '' : `?name=${encodeURIComponent(name)}`;
  return client.req('POST', `${APPS}/${number}/documents${q}`, bytes, { raw: true, headers: { 'content-type': type } });
}

function legacyImport(client, text, type = 'text/csv') {
  return client.req('POST', `${CERTS}/legacy/import`, text, { raw: true, headers: { 'content-type': type } });
}

const act = (client, number, action, body = {}) => client.req('POST', `${APPS}/${number}/${action}`, body);
const enc = encodeURIComponent;

// Row counts and the applications' states and versions, read from the database.
function dbSnap(db) {
  const q = (s) => {
    const r = sql(db, s);
    assert.equal(r.status, 0, `sqlite3: ${r.stderr}`);
    return r.stdout;
  };
  return {
    products: q('select count(*) from products'),
    productRows: q("select group_concat(id || ':' || model || ':' || version, ',') from products"),
    applications: q("select group_concat(number || ':' || state || ':' || version, ',') from applications"),
    events: q('select count(*) from application_events'),
    documents: q('select count(*) from documents'),
    certificates: q('select count(*) from certificates'),
    certificateEvents: q('select count(*) from certificate_events'),
    audit: q("select count(*) from audit_log where entity_type in ('product', 'application', 'certificate', 'calendar')"),
  };
}

// Runs fn (which must be refused) and checks the database did not change.
async function unchanged(db, fn) {
  const before = dbSnap(db);
  const r = await fn();
  assert.deepEqual(dbSnap(db), before, 'a refused request changed the database');
  return r;
}

async function auditOf(admin, type, id) {
  const items = await walk(admin, `/api/v1/audit?entity_type=${type}&entity_id=${enc(String(id))}`);
  items.forEach(assertAuditEntry);
  for (const a of items) {
    assert.equal(a.entity_type, type);
    assert.equal(a.entity_id, String(id));
  }
  return items;
}

// The newest audit entry of an entity is this action by this actor.
async function assertAudited(admin, type, id, action, actor) {
  const items = await auditOf(admin, type, id);
  assert.ok(items.length > 0, `no audit entries for ${type} ${id}`);
  assert.equal(items[0].action, action, `latest audit of ${type} ${id}: ${JSON.stringify(items[0])}`);
  assert.equal(items[0].actor, actor, 'audit actor');
  return items[0];
}

function assertApplication(a) {
  for (const k of ['number', 'item', 'state', 'enterprise_uscc', 'enterprise_name', 'bureau_code', 'product', 'renewal_of', 'form',
    'received_on', 'accepted_on', 'deemed_accepted', 'decided_on', 'outcome', 'decision_reason', 'extension', 'certificate_number',
    'clock', 'deadline', 'halted_on', 'created_at', 'updated_at', 'version'])
    assert.ok(k in a, `Application.${k} present`);
  assert.match(a.number, /^SQ\d{4}-\d{6}$/);
  assert.ok(APP_STATES.includes(a.state), `state ${a.state}`);
  assert.equal(typeof a.clock.running, 'boolean');
}

function assertPublicCertificate(c) {
  for (const k of ['number', 'kind', 'legacy', 'product', 'holder', 'bureau_code', 'issued_on', 'expires_on', 'status', 'status_on', 'key_id', 'application_number'])
    assert.ok(k in c, `PublicCertificate.${k} present`);
  for (const k of ['name', 'model', 'category', 'algorithms']) assert.ok(k in c.product, `product.${k}`);
  for (const k of ['uscc', 'name']) assert.ok(k in c.holder, `holder.${k}`);
  assert.ok(['valid', 'suspended', 'revoked', 'expired', 'not_yet_valid'].includes(c.status), `status ${c.status}`);
}

const FORM = {
  contact_name: '李四',
  contact_phone: '010-6275 0000',
  manufacturing_address: '北京市海淀区中关村大街1号',
  intended_use: '政务系统数据加密',
  technical_summary: '采用SM2/SM3/SM4算法',
};

let modelSeq = 0;
function productInput(over = {}) {
  modelSeq += 1;
  return {
    name: '服务器密码机',
    model: `TEST-${process.pid}-${modelSeq}`,
    category: 'server_crypto_machine',
    algorithms: [{ name: 'SM2', key_bits: 256 }, { name: 'SM3' }, { name: 'SM4', key_bits: 128 }],
    description: '测试产品',
    ...over,
  };
}

// ---------------------------------------------------------------------------
// Servers

let F; // fixture server clients
let D; // demo server clients
let fx; // fixture server
let demo; // demo server
let TODAY;

const DEMO_USERS = ['admin', 'officer.bj', 'officer.gd', 'officer.sz', 'inspector.bj', 'ent.beijing', 'ent.shenzhen'];

before(async () => {
  fx = await startServer();
  F = await loginAll(fx.url);
  const u = await F.admin.req('POST', '/api/v1/users', {
    username: 'ent.chaoyang', display_name: '朝阳企业用户', role: 'enterprise_user', enterprise_uscc: CHAOYANG, password: PASSWORD,
  });
  assertStatus(u, 201, 'add ent.chaoyang');
  F['ent.chaoyang'] = await loginAs(fx.url, 'ent.chaoyang');

  // The demo set has its own users with random passwords: give them the test password.
  demo = await startServer({ demo: true, fixtures: false });
  D = { anon: new Client(demo.url) };
  for (const name of DEMO_USERS) {
    demo.cli(['user', 'reset-password', name, '--password-stdin'], { input: `${PASSWORD}\n` });
    D[name] = await loginAs(demo.url, name);
  }
  const rules = await F.anon.req('GET', '/api/v1/rules');
  assertStatus(rules, 200);
  TODAY = rules.body.at;
  assert.equal(TODAY, beijingToday(), 'the server counts in Beijing dates');
});

after(async () => {
  if (fx) assert.equal(await fx.stop(), 0, 'fixture server exits cleanly');
  if (demo) assert.equal(await demo.stop(), 0, 'demo server exits cleanly');
});

// ---------------------------------------------------------------------------

describe('products', () => {
  const made = {};

  test('an enterprise user registers a product of their own enterprise', async () => {
    const input = productInput({ model: 'HD-SJJ-1' });
    const r = await F['ent.haidian'].req('POST', PRODUCTS, input);
    assertStatus(r, 201);
    assertJson(r);
    const p = r.body;
    for (const k of ['id', 'enterprise_uscc', 'enterprise_name', 'name', 'model', 'category', 'algorithms', 'description', 'created_at', 'updated_at', 'version'])
      assert.ok(k in p, `Product.${k}`);
    assert.equal(p.enterprise_uscc, HAIDIAN);
    assert.equal(p.enterprise_name, FIXTURES.enterprises[0].name_zh);
    assert.equal(p.model, 'HD-SJJ-1');
    assert.deepEqual(p.algorithms, [{ name: 'SM2', key_bits: 256 }, { name: 'SM3', key_bits: null }, { name: 'SM4', key_bits: 128 }]);
    made.haidian = p;
    const again = await F['ent.haidian'].req('GET', `${PRODUCTS}/${p.id}`);
    assertStatus(again, 200);
    assert.deepEqual(again.body.algorithms, p.algorithms);
    const a = await assertAudited(F.admin, 'product', p.id, 'product.create', 'ent.haidian');
    assert.equal(a.before, null);
    assert.equal(a.after.model, 'HD-SJJ-1');
    assert.equal(a.bureau_code, '110000');
  });

  test('an enterprise user cannot register for another enterprise (403), nothing stored', async () => {
    const r = await unchanged(fx.db, () => F['ent.haidian'].req('POST', PRODUCTS, productInput({ enterprise_uscc: CHAOYANG })));
    assertProblem(r, 'forbidden', { status: 403 });
  });

  test('an officer registers for an enterprise of their bureau, not outside it (403)', async () => {
    const ok = await F['officer.bj'].req('POST', PRODUCTS, productInput({ enterprise_uscc: CHAOYANG, model: 'CY-1' }));
    assertStatus(ok, 201);
    assert.equal(ok.body.enterprise_uscc, CHAOYANG);
    made.chaoyang = ok.body;
    await assertAudited(F.admin, 'product', ok.body.id, 'product.create', 'officer.bj');

    const no = await unchanged(fx.db, () => F['officer.bj'].req('POST', PRODUCTS, productInput({ enterprise_uscc: GUANGZHOU })));
    assertProblem(no, 'forbidden', { status: 403 });
    const none = await walk(F.admin, `${PRODUCTS}?enterprise=${GUANGZHOU}`);
    assert.equal(none.length, 0, 'no Guangzhou product was stored');

    const gd = await F['officer.gd'].req('POST', PRODUCTS, productInput({ enterprise_uscc: GUANGZHOU, model: 'GZ-1' }));
    assertStatus(gd, 201);
    made.guangzhou = gd.body;
    const adm = await F.admin.req('POST', PRODUCTS, productInput({ enterprise_uscc: SHENZHEN, model: 'SZ-1' }));
    assertStatus(adm, 201);
    made.shenzhen = adm.body;
  });

  test('an officer or administrator must name the enterprise; inspectors and the public cannot register', async () => {
    const r = await unchanged(fx.db, () => F.admin.req('POST', PRODUCTS, productInput()));
    assertProblem(r, 'missing_field', { field: 'enterprise_uscc' });
    const i = await unchanged(fx.db, () => F['inspector.bj'].req('POST', PRODUCTS, productInput({ enterprise_uscc: HAIDIAN })));
    assertProblem(i, 'forbidden', { status: 403 });
    const a = await unchanged(fx.db, () => F.anon.req('POST', PRODUCTS, productInput({ enterprise_uscc: HAIDIAN })));
    assertProblem(a, 'unauthenticated');
  });

  const badAlgorithms = {
    'unknown algorithm name': [{ name: 'AES', key_bits: 128 }],
    'SM4 with a 256-bit key': [{ name: 'SM4', key_bits: 256 }],
    'SM2 without key_bits': [{ name: 'SM2' }],
    'SM3 with key_bits': [{ name: 'SM3', key_bits: 256 }],
    'SM4 listed twice': [{ name: 'SM4', key_bits: 128 }, { name: 'SM4', key_bits: 128 }],
    'SM3 listed twice': [{ name: 'SM3' }, { name: 'SM3' }],
    'SM3 listed twice, once with key_bits null': [{ name: 'SM3' }, { name: 'SM3', key_bits: null }],
    'an empty list': [],
    'a string instead of an object': ['SM4'],
    'an unknown member in an algorithm object': [{ name: 'SM3', mode: 'HMAC' }],
    'an unknown member beside key_bits': [{ name: 'SM4', key_bits: 128, mode: 'CBC' }],
  };
  for (const [what, algorithms] of Object.entries(badAlgorithms)) {
    test(`algorithms: ${what} is 422 naming algorithms, nothing stored`, async () => {
      const r = await unchanged(fx.db, () => F['ent.haidian'].req('POST', PRODUCTS, productInput({ algorithms })));
      assertStatus(r, 422, what);
      // An unknown member is `unknown_field`, as for unknown members of a request body.
      const codes = what.includes('unknown member') ? ['unknown_field'] : ['invalid_value', 'missing_field', 'wrong_type'];
      assertProblem(r, codes, { field: 'algorithms' });
    });
  }

  test('ZUC allows 128- and 256-bit keys', async () => {
    const r = await F['ent.haidian'].req('POST', PRODUCTS, productInput({ algorithms: [{ name: 'ZUC', key_bits: 256 }] }));
    assertStatus(r, 201);
    assert.deepEqual(r.body.algorithms, [{ name: 'ZUC', key_bits: 256 }]);
  });

  test('an unknown category is 422 naming category, nothing stored', async () => {
    const r = await unchanged(fx.db, () => F['ent.haidian'].req('POST', PRODUCTS, productInput({ category: 'toaster' })));
    assertProblem(r, 'invalid_value', { field: 'category' });
    const ref = await F.anon.req('GET', '/api/v1/reference');
    assertStatus(ref, 200);
    assert.ok(ref.body.product_categories.some((c) => c.id === 'server_crypto_machine'));
    assert.ok(!ref.body.product_categories.some((c) => c.id === 'toaster'));
  });

  test('a duplicate model of the same enterprise is 409; another enterprise may use the model', async () => {
    const r = await unchanged(fx.db, () => F['ent.haidian'].req('POST', PRODUCTS, productInput({ model: 'HD-SJJ-1' })));
    assertStatus(r, 409);
    assert.equal(r.body.status, 409);
    assert.ok(['duplicate_model', 'conflict'].includes(r.body.code), r.text);
    const other = await F['officer.bj'].req('POST', PRODUCTS, productInput({ enterprise_uscc: CHAOYANG, model: 'HD-SJJ-1' }));
    assertStatus(other, 201);
  });

  test('listing is scoped: enterprise own, officer and inspector own bureau, admin all', async () => {
    const own = await walk(F['ent.haidian'], PRODUCTS);
    assert.ok(own.length >= 2);
    for (const p of own) assert.equal(p.enterprise_uscc, HAIDIAN);
    const bj = await walk(F['officer.bj'], PRODUCTS);
    const bjUscc = new Set(bj.map((p) => p.enterprise_uscc));
    assert.deepEqual([...bjUscc].sort(), [CHAOYANG, HAIDIAN].sort());
    const insp = await walk(F['inspector.bj'], PRODUCTS);
    assert.deepEqual(insp.map((p) => p.id).sort(), bj.map((p) => p.id).sort());
    const gd = await walk(F['officer.gd'], PRODUCTS);
    assert.deepEqual(gd.map((p) => p.enterprise_uscc), [GUANGZHOU]);
    const all = await walk(F.admin, PRODUCTS);
    for (const p of Object.values(made)) assert.ok(all.some((x) => x.id === p.id), `admin sees ${p.model}`);
    const anon = await F.anon.req('GET', PRODUCTS);
    assertProblem(anon, 'unauthenticated');
  });

  test('a product outside the caller\'s scope is 404', async () => {
    const cases = [
      ['ent.haidian', made.chaoyang, 404], ['ent.chaoyang', made.haidian, 404], ['officer.gd', made.haidian, 404],
      ['officer.bj', made.guangzhou, 404], ['inspector.bj', made.shenzhen, 404], ['officer.bj', made.shenzhen, 404],
      ['ent.haidian', made.haidian, 200], ['officer.bj', made.chaoyang, 200], ['inspector.bj', made.haidian, 200],
      ['officer.gd', made.guangzhou, 200], ['admin', made.shenzhen, 200],
    ];
    for (const [who, p, status] of cases) {
      const r = await F[who].req('GET', `${PRODUCTS}/${p.id}`);
      if (status === 404) assertProblem(r, 'not_found');
      else {
        assertStatus(r, 200, `${who} GET ${p.model}`);
        assert.equal(r.body.id, p.id);
      }
    }
    const missing = await F.admin.req('GET', `${PRODUCTS}/999999`);
    assertProblem(missing, 'not_found');
  });

  test('PATCH: owner, officer of the bureau and admin may; others 404/403; audited', async () => {
    const r = await F['ent.haidian'].req('PATCH', `${PRODUCTS}/${made.haidian.id}`, { description: '更新后的说明' });
    assertStatus(r, 200);
    assert.equal(r.body.description, '更新后的说明');
    assert.equal(r.body.version, made.haidian.version + 1);
    const a = await assertAudited(F.admin, 'product', made.haidian.id, 'product.update', 'ent.haidian');
    assert.equal(a.before.description, made.haidian.description);
    assert.equal(a.after.description, '更新后的说明');

    const gd = await unchanged(fx.db, () => F['officer.gd'].req('PATCH', `${PRODUCTS}/${made.haidian.id}`, { description: 'x' }));
    assertProblem(gd, 'not_found');
    const other = await unchanged(fx.db, () => F['ent.chaoyang'].req('PATCH', `${PRODUCTS}/${made.haidian.id}`, { description: 'x' }));
    assertProblem(other, 'not_found');
    const insp = await unchanged(fx.db, () => F['inspector.bj'].req('PATCH', `${PRODUCTS}/${made.haidian.id}`, { description: 'x' }));
    assertProblem(insp, 'forbidden', { status: 403 });
    const bad = await unchanged(fx.db, () => F['officer.bj'].req('PATCH', `${PRODUCTS}/${made.haidian.id}`, { algorithms: [{ name: 'SM3', key_bits: 128 }] }));
    assertProblem(bad, 'invalid_value', { field: 'algorithms' });
    const bj = await F['officer.bj'].req('PATCH', `${PRODUCTS}/${made.haidian.id}`, { algorithms: [{ name: 'SM4', key_bits: 128 }] });
    assertStatus(bj, 200);
    assert.deepEqual(bj.body.algorithms, [{ name: 'SM4', key_bits: 128 }]);
    made.haidian = bj.body;
  });
});

// ---------------------------------------------------------------------------

describe('applications', () => {
  let product; // ent.haidian's product
  const newApp = async (client = F['ent.haidian'], body = {}) => {
    const r = await client.req('POST', APPS, { item: 'type_model', product_id: product.id, form: FORM, ...body });
    assertStatus(r, 201, 'create application');
    return r.body;
  };
  const get = async (number, client = F.admin) => {
    const r = await client.req('GET', `${APPS}/${number}`);
    assertStatus(r, 200, `GET ${number}`);
    return r.body;
  };
  // Performs an allowed transition and checks the answer, the stored record, the event and the audit.
  const step = async (client, actor, number, action, body, wantState) => {
    const before = await get(number);
    const r = await act(client, number, action, body);
    assertStatus(r, action === 'issue' ? 201 : 200, `${actor} ${action} ${number}`);
    const app = action === 'issue' ? r.body.application : r.body;
    assertApplication(app);
    assert.equal(app.state, wantState, `${action} leads to ${wantState}`);
    assert.equal(app.version, before.version + 1, 'version bumped');
    const stored = await get(number);
    assert.equal(stored.state, wantState);
    const ev = stored.events[stored.events.length - 1];
    assert.equal(stored.events.length, before.events.length + 1, 'one event added');
    assert.equal(ev.action, action);
    assert.equal(ev.actor, actor);
    assert.equal(ev.from_state, before.state);
    assert.equal(ev.to_state, wantState);
    assert.equal(ev.reason, (body && body.reason) || '');
    const audit = await assertAudited(F.admin, 'application', number, `application.${action}`, actor);
    assert.equal(audit.before.state, before.state, 'audit before.state');
    assert.equal(audit.after.state, wantState, 'audit after.state');
    assert.equal(audit.bureau_code, stored.bureau_code);
    return { r, app: stored };
  };
  const refused = async (client, number, action, body, code, status) => {
    const r = await unchanged(fx.db, () => act(client, number, action, body));
    assertProblem(r, code, status ? { status } : {});
    return r;
  };
  const reasonFor = (action) => `${action} 的理由 / reason for ${action}`;
  const bodyFor = (action) => {
    if (action === 'extend') return { approver: '局长 王某', reason: reasonFor(action) };
    if (action === 'decide') return { outcome: 'approved', reason: reasonFor(action) };
    return { reason: reasonFor(action) };
  };

  before(async () => {
    const r = await F['ent.haidian'].req('POST', PRODUCTS, productInput({ model: 'APP-1' }));
    assertStatus(r, 201);
    product = r.body;
  });

  for (const item of REMOVED_ITEMS) {
    test(`${item}: refused with 422 approval_removed citing Notice 336 item I, nothing stored`, async () => {
      const r = await unchanged(fx.db, () => F['ent.haidian'].req('POST', APPS, { item, product_id: product.id, form: FORM }));
      assertProblem(r, 'approval_removed', { status: 422 });
      assert.ok(r.body.rule, 'the refusal carries its rule');
      assert.equal(r.body.rule.id, `removed.${item}`);
      assert.equal(r.body.rule.kind, 'removed_item');
      assert.equal(r.body.rule.effective_from, '2017-10-11');
      assert.ok(r.body.rule.citation.includes('No.336 item I'), r.body.rule.citation);
      assert.deepEqual(await walk(F['ent.haidian'], `${APPS}?state=received`).then((l) => l.filter((a) => a.item === item)), []);
    });
  }

  test('a type_model application is received with a 5-working-day deadline (Art 32)', async () => {
    const a = await newApp();
    assertApplication(a);
    assert.equal(a.item, 'type_model');
    assert.equal(a.state, 'received');
    assert.equal(a.enterprise_uscc, HAIDIAN);
    assert.equal(a.bureau_code, '110000');
    assert.equal(a.product.id, product.id);
    assert.equal(a.received_on, TODAY);
    assert.equal(a.accepted_on, null);
    assert.equal(a.deemed_accepted, false);
    assert.equal(a.renewal_of, null);
    assert.deepEqual(a.clock, { running: true, stopped_since: null });
    assert.equal(a.form.contact_name, FORM.contact_name);
    assertDeadline(a.deadline, { act: 'request_materials', start: TODAY, days: 5, ruleId: 'deadline.request_materials', citation: 'Art 32' });
    assert.equal(a.deadline.working_days_used, 0);
    assert.equal(a.events.length, 1);
    assert.equal(a.events[0].action, 'submit');
    assert.equal(a.events[0].to_state, 'received');
    assert.deepEqual(a.documents, []);
    const audit = await assertAudited(F.admin, 'application', a.number, 'application.create', 'ent.haidian');
    assert.equal(audit.before, null);
    assert.equal(audit.after.state, 'received');
    const listed = await walk(F['officer.bj'], APPS);
    assert.ok(listed.some((x) => x.number === a.number), 'the officer of the bureau sees it');
    assert.ok(!(await walk(F['officer.gd'], APPS)).some((x) => x.number === a.number), 'another bureau does not');
    assert.ok(!(await walk(F['ent.chaoyang'], APPS)).some((x) => x.number === a.number), 'another enterprise does not');
  });

  test('only enterprise users apply, for their own products, with a complete form', async () => {
    for (const who of ['officer.bj', 'admin', 'inspector.bj']) {
      const r = await unchanged(fx.db, () => F[who].req('POST', APPS, { item: 'type_model', product_id: product.id, form: FORM }));
      assertProblem(r, 'forbidden', { status: 403 });
    }
    const notOwn = await unchanged(fx.db, () => F['ent.chaoyang'].req('POST', APPS, { item: 'type_model', product_id: product.id, form: FORM }));
    assertProblem(notOwn, ['invalid_value', 'not_found'], { field: 'product_id' });
    const { contact_name: _, ...partial } = FORM;
    const noName = await unchanged(fx.db, () => F['ent.haidian'].req('POST', APPS, { item: 'type_model', product_id: product.id, form: partial }));
    assertStatus(noName, 422);
    assert.ok(JSON.stringify(noName.body).includes('contact_name'), noName.text);
    const unknownItem = await unchanged(fx.db, () => F['ent.haidian'].req('POST', APPS, { item: 'import_licence', product_id: product.id, form: FORM }));
    assertStatus(unknownItem, 422);
  });

  test('scope: other bureaus and other enterprises get 404 for an application', async () => {
    const a = await newApp();
    for (const who of ['officer.gd', 'ent.chaoyang']) assertProblem(await F[who].req('GET', `${APPS}/${a.number}`), 'not_found');
    for (const who of ['officer.bj', 'inspector.bj', 'admin', 'ent.haidian']) assertStatus(await F[who].req('GET', `${APPS}/${a.number}`), 200, who);
    assertProblem(await F.anon.req('GET', `${APPS}/${a.number}`), 'unauthenticated');
    assertProblem(await F.admin.req('GET', `${APPS}/SQ1999-000001`), 'not_found');
  });

  test('who may make each transition: wrong role 403, other bureau or enterprise 404, public 401', async () => {
    // An application in each state an action starts from.
    const received = await newApp();
    const requested = await newApp();
    await step(F['officer.bj'], 'officer.bj', requested.number, 'request-materials', { reason: '补充白皮书' }, 'materials_requested');
    const accepted = await newApp();
    await step(F['officer.bj'], 'officer.bj', accepted.number, 'accept', {}, 'accepted');
    const review = await newApp();
    await step(F['officer.bj'], 'officer.bj', review.number, 'accept', {}, 'accepted');
    await step(F['officer.bj'], 'officer.bj', review.number, 'start-review', { reason: '送检' }, 'under_review');
    const approved = await newApp();
    await step(F['officer.bj'], 'officer.bj', approved.number, 'accept', {}, 'accepted');
    await step(F['officer.bj'], 'officer.bj', approved.number, 'decide', { outcome: 'approved', reason: '合格' }, 'approved');
    const at = { received, materials_requested: requested, accepted, under_review: review, approved };
    for (const action of ACTIONS) {
      const number = at[FROM[action][0]].number;
      const body = bodyFor(action);
      const denied = APPLICANT_ACTIONS.has(action)
        ? [['officer.bj', 403], ['admin', 403], ['inspector.bj', 403], ['officer.gd', 403], ['ent.chaoyang', 404]]
        : [['ent.haidian', 403], ['ent.chaoyang', 403], ['inspector.bj', 403], ['officer.gd', 404]];
      for (const [who, status] of denied) {
        const r = await refused(F[who], number, action, body, status === 403 ? 'forbidden' : 'not_found');
        assert.equal(r.status, status, `${who} ${action}: ${r.text}`);
      }
      await refused(F.anon, number, action, body, 'unauthenticated');
    }
  });

  test('every transition not allowed from the current state is 409 invalid_transition, nothing changed', async () => {
    const a = await newApp();
    const check = async (state) => {
      for (const action of ACTIONS) {
        if (FROM[action].includes(state)) continue;
        const client = APPLICANT_ACTIONS.has(action) ? F['ent.haidian'] : F['officer.bj'];
        const r = await refused(client, a.number, action, bodyFor(action), 'invalid_transition', 409);
        assert.ok(r.body.detail.includes(state), `${action} from ${state}: detail names the current state: ${r.body.detail}`);
      }
    };
    await check('received');
    await step(F['officer.bj'], 'officer.bj', a.number, 'request-materials', { reason: '缺材料' }, 'materials_requested');
    await check('materials_requested');
    await step(F['ent.haidian'], 'ent.haidian', a.number, 'supply-materials', { reason: '已补充' }, 'received');
    await step(F['officer.bj'], 'officer.bj', a.number, 'accept', {}, 'accepted');
    await check('accepted');
    await step(F['officer.bj'], 'officer.bj', a.number, 'start-review', { reason: '送检' }, 'under_review');
    await check('under_review');
    await step(F['officer.bj'], 'officer.bj', a.number, 'finish-review', { reason: '检测完成' }, 'accepted');
    await step(F['officer.bj'], 'officer.bj', a.number, 'decide', { outcome: 'approved', reason: '合格' }, 'approved');
    await check('approved');
    await step(F['officer.bj'], 'officer.bj', a.number, 'issue', {}, 'issued');
    await check('issued');
    const refusedApp = await newApp();
    await step(F['officer.bj'], 'officer.bj', refusedApp.number, 'accept', {}, 'accepted');
    await step(F['officer.bj'], 'officer.bj', refusedApp.number, 'decide', { outcome: 'refused', reason: '不合格' }, 'refused');
    const w = await newApp();
    await step(F['ent.haidian'], 'ent.haidian', w.number, 'withdraw', { reason: '撤回' }, 'withdrawn');
    for (const [app, state] of [[refusedApp, 'refused'], [w, 'withdrawn']]) {
      for (const action of ACTIONS) {
        const client = APPLICANT_ACTIONS.has(action) ? F['ent.haidian'] : F['officer.bj'];
        const r = await refused(client, app.number, action, bodyFor(action), 'invalid_transition', 409);
        assert.ok(r.body.detail.includes(state), `${action} from ${state}: ${r.body.detail}`);
      }
    }
  });

  test('invalid_transition names both states (docs/api.md): e.g. decide from received, issue from accepted', async () => {
    const a = await newApp();
    const d = await refused(F['officer.bj'], a.number, 'decide', { outcome: 'approved', reason: 'x' }, 'invalid_transition', 409);
    assert.ok(d.body.detail.includes('received'), d.body.detail);
    assert.ok(d.body.detail.includes('approved'), `decide from received: the detail names the target state approved: ${d.body.detail}`);
    await step(F['officer.bj'], 'officer.bj', a.number, 'accept', {}, 'accepted');
    const i = await refused(F['officer.bj'], a.number, 'issue', {}, 'invalid_transition', 409);
    assert.ok(i.body.detail.includes('accepted'), i.body.detail);
    assert.ok(i.body.detail.includes('issued'), `issue from accepted: the detail names the target state issued: ${i.body.detail}`);
  });

  test('reasons are required where the docs say, and refusal changes nothing', async () => {
    const a = await newApp();
    for (const body of [{}, { reason: '' }]) {
      const r = await refused(F['officer.bj'], a.number, 'request-materials', body, 'missing_field');
      assert.equal(r.status, 422);
    }
    await step(F['officer.bj'], 'officer.bj', a.number, 'request-materials', { reason: '请补充产品技术白皮书' }, 'materials_requested');
    await refused(F['ent.haidian'], a.number, 'supply-materials', {}, 'missing_field');
    await step(F['ent.haidian'], 'ent.haidian', a.number, 'supply-materials', { reason: '已补充白皮书' }, 'received');
    await step(F['officer.bj'], 'officer.bj', a.number, 'accept', {}, 'accepted');
    await refused(F['officer.bj'], a.number, 'start-review', {}, 'missing_field');
    await refused(F['officer.bj'], a.number, 'extend', { reason: '需要专家论证' }, 'missing_field');
    await refused(F['officer.bj'], a.number, 'extend', { approver: '局长 王某' }, 'missing_field');
    await refused(F['officer.bj'], a.number, 'decide', { outcome: 'refused' }, 'missing_field');
    await refused(F['officer.bj'], a.number, 'decide', { outcome: 'refused', reason: '' }, 'missing_field');
    await refused(F['officer.bj'], a.number, 'decide', { outcome: 'approved' }, 'missing_field');
    await refused(F['officer.bj'], a.number, 'decide', { outcome: 'maybe', reason: 'x' }, ['invalid_value', 'wrong_type']);
    await step(F['officer.bj'], 'officer.bj', a.number, 'start-review', { reason: '送第三方检测' }, 'under_review');
    await refused(F['officer.bj'], a.number, 'finish-review', {}, 'missing_field');
    await refused(F['ent.haidian'], a.number, 'withdraw', {}, 'missing_field');
    const stored = await get(a.number);
    assert.equal(stored.state, 'under_review');
  });

  test('accept and issue may be sent with no body; actions that need a reason still need it', async () => {
    const a = await newApp();
    const noBody = (client, action) => client.req('POST', `${APPS}/${a.number}/${action}`);
    await unchanged(fx.db, async () => assertProblem(await noBody(F['officer.bj'], 'request-materials'), 'missing_field', { field: 'reason' }));
    const acc = await noBody(F['officer.bj'], 'accept');
    assertStatus(acc, 200);
    assert.equal(acc.body.state, 'accepted');
    await unchanged(fx.db, async () => assertProblem(await noBody(F['officer.bj'], 'decide'), ['missing_field', 'malformed_json', 'unsupported_media_type']));
    assertStatus(await act(F['officer.bj'], a.number, 'decide', { outcome: 'approved', reason: '合格' }), 200);
    const iss = await noBody(F['officer.bj'], 'issue');
    assertStatus(iss, 201);
    assert.equal(iss.body.application.state, 'issued');
    assert.equal(iss.body.certificate.status, 'valid');
  });

  test('the clock: request-materials stops it, supply-materials restarts a new 5-day window', async () => {
    const a = await newApp();
    const { app: stopped } = await step(F['officer.bj'], 'officer.bj', a.number, 'request-materials', { reason: '请补充检测报告' }, 'materials_requested');
    assert.equal(stopped.clock.running, false);
    assert.equal(stopped.clock.stopped_since, TODAY);
    assert.equal(stopped.deadline === null ? null : stopped.deadline.due, null, 'no due date while materials are awaited');
    const { app: again } = await step(F['ent.haidian'], 'ent.haidian', a.number, 'supply-materials', { reason: '已补充检测报告' }, 'received');
    assert.deepEqual(again.clock, { running: true, stopped_since: null });
    assert.equal(again.received_on, TODAY);
    assertDeadline(again.deadline, { act: 'request_materials', start: TODAY, days: 5, ruleId: 'deadline.request_materials', citation: 'Art 32' });
  });

  test('full path: accept, review (clock stops and runs), decide, issue a valid certificate', async () => {
    const a = await newApp();
    const { app: acc } = await step(F['officer.bj'], 'officer.bj', a.number, 'accept', {}, 'accepted');
    assert.equal(acc.accepted_on, TODAY);
    assert.equal(acc.deemed_accepted, false);
    assertDeadline(acc.deadline, { act: 'decide', start: TODAY, days: 20, ruleId: 'deadline.decide', citation: 'Art 42' });

    const { app: rev } = await step(F['officer.bj'], 'officer.bj', a.number, 'start-review', { reason: '送商用密码检测中心检测' }, 'under_review');
    assert.equal(rev.clock.running, false);
    assert.equal(rev.clock.stopped_since, TODAY);
    assert.equal(rev.deadline.act, 'decide');
    assert.equal(rev.deadline.due, null, 'no due date while the clock is stopped');
    assert.equal(rev.deadline.error.code, 'clock_stopped');
    assert.equal(rev.deadline.overdue, false);
    // The applicant sees why the clock stopped.
    const seen = await get(a.number, F['ent.haidian']);
    assert.equal(seen.events[seen.events.length - 1].reason, '送商用密码检测中心检测');

    const { app: back } = await step(F['officer.bj'], 'officer.bj', a.number, 'finish-review', { reason: '检测合格' }, 'accepted');
    assert.deepEqual(back.clock, { running: true, stopped_since: null });
    assertDeadline(back.deadline, { act: 'decide', start: TODAY, days: 20, ruleId: 'deadline.decide' });

    const { app: dec } = await step(F['officer.bj'], 'officer.bj', a.number, 'decide', { outcome: 'approved', reason: '技术审查合格' }, 'approved');
    assert.equal(dec.outcome, 'approved');
    assert.equal(dec.decided_on, TODAY);
    assert.equal(dec.decision_reason, '技术审查合格');
    assertDeadline(dec.deadline, { act: 'issue', start: TODAY, days: 10, ruleId: 'deadline.issue', citation: 'Art 44' });

    const { r, app: issued } = await step(F['officer.bj'], 'officer.bj', a.number, 'issue', {}, 'issued');
    assertStatus(r, 201);
    const cert = r.body.certificate;
    assertPublicCertificate(cert);
    assert.equal(cert.status, 'valid');
    assert.equal(cert.legacy, false);
    assert.equal(cert.kind, 'type_model');
    assert.equal(cert.issued_on, TODAY);
    assert.equal(cert.expires_on, expiryAfter(TODAY, 5));
    assert.equal(cert.application_number, a.number);
    assert.equal(cert.holder.uscc, HAIDIAN);
    assert.equal(cert.bureau_code, '110000');
    assert.equal(cert.product.model, product.model);
    assert.match(cert.key_id, /^[0-9a-f]+$/);
    assert.equal(issued.certificate_number, cert.number);
    assert.equal(issued.deadline, null);
    assert.deepEqual(issued.events.map((e) => e.action), ['submit', 'accept', 'start-review', 'finish-review', 'decide', 'issue']);
    const ca = await assertAudited(F.admin, 'certificate', cert.number, 'certificate.issue', 'officer.bj');
    assert.equal(ca.before, null);
    const pub = await F.anon.req('GET', `${CERTS}/${enc(cert.number)}`);
    assertStatus(pub, 200);
    assert.equal(pub.body.status, 'valid');
    assert.equal(pub.body.history.length, 1);
  });

  test('refused: decide needs a reason, the reason is kept, nothing further is allowed', async () => {
    const a = await newApp();
    await step(F.admin, 'admin', a.number, 'accept', {}, 'accepted');
    await refused(F.admin, a.number, 'decide', { outcome: 'refused' }, 'missing_field');
    const { app } = await step(F.admin, 'admin', a.number, 'decide', { outcome: 'refused', reason: '送检样品未通过算法正确性检测' }, 'refused');
    assert.equal(app.outcome, 'refused');
    assert.equal(app.decision_reason, '送检样品未通过算法正确性检测');
    assert.equal(app.deadline, null);
    await refused(F.admin, a.number, 'issue', {}, 'invalid_transition', 409);
    assert.equal((await walk(F.anon, `${CERTS}?q=${enc(product.model)}`)).filter((c) => c.application_number === a.number).length, 0);
  });

  test('withdraw: only the applicant, from any open state, with a reason', async () => {
    const a = await newApp();
    await step(F['officer.bj'], 'officer.bj', a.number, 'accept', {}, 'accepted');
    await step(F['officer.bj'], 'officer.bj', a.number, 'start-review', { reason: '送检' }, 'under_review');
    await refused(F['officer.bj'], a.number, 'withdraw', { reason: 'x' }, 'forbidden', 403);
    await refused(F['ent.chaoyang'], a.number, 'withdraw', { reason: 'x' }, 'not_found');
    const { app } = await step(F['ent.haidian'], 'ent.haidian', a.number, 'withdraw', { reason: '产品设计变更' }, 'withdrawn');
    assert.equal(app.deadline, null);
    assert.equal(app.clock.running, true, 'withdrawal closes the open stop');
    const b = await newApp();
    await step(F['officer.bj'], 'officer.bj', b.number, 'request-materials', { reason: '缺材料' }, 'materials_requested');
    await step(F['ent.haidian'], 'ent.haidian', b.number, 'withdraw', { reason: '不再申请' }, 'withdrawn');
  });

  test('lists filter by state and enterprise within scope', async () => {
    const mine = await walk(F['ent.haidian'], `${APPS}?state=withdrawn`);
    assert.ok(mine.length >= 1);
    for (const a of mine) {
      assert.equal(a.state, 'withdrawn');
      assert.equal(a.enterprise_uscc, HAIDIAN);
      assert.ok(!('events' in a), 'lists leave out events');
    }
    const other = await F['ent.haidian'].req('GET', `${APPS}?enterprise=${CHAOYANG}`);
    assert.ok([403, 200].includes(other.status), other.text);
    if (other.status === 200) assert.deepEqual(other.body.items, []);
    const gd = await F['officer.gd'].req('GET', `${APPS}?bureau=110000`);
    assert.ok([403, 200].includes(gd.status), gd.text);
    if (gd.status === 200) for (const a of gd.body.items) assert.equal(a.bureau_code, '440000');
    const adm = await walk(F.admin, `${APPS}?bureau=110000`);
    assert.ok(adm.length > 0);
    for (const a of adm) assert.equal(a.bureau_code, '110000');
  });
});

// ---------------------------------------------------------------------------

describe('documents', () => {
  let app;
  let doc;
  const pdf = pdfBytes('spec');

  before(async () => {
    const p = await F['ent.haidian'].req('POST', PRODUCTS, productInput({ model: 'DOC-1' }));
    assertStatus(p, 201);
    const r = await F['ent.haidian'].req('POST', APPS, { item: 'type_model', product_id: p.body.id, form: FORM });
    assertStatus(r, 201);
    app = r.body;
  });

  test('attaching a PDF stores it with the SM3 of its bytes', async () => {
    const r = await attach(F['ent.haidian'], app.number, pdf, { name: '技术白皮书.pdf' });
    assertStatus(r, 201);
    doc = r.body;
    assert.equal(doc.name, '技术白皮书.pdf');
    assert.equal(doc.size, pdf.length);
    assert.equal(doc.sm3, sm3Hex(pdf), 'sm3 is that of the bytes sent (openssl dgst -sm3)');
    assert.equal(doc.uploaded_by, 'ent.haidian');
    assert.ok('id' in doc && 'uploaded_at' in doc);
    const stored = await F['officer.bj'].req('GET', `${APPS}/${app.number}`);
    assert.deepEqual(stored.body.documents.map((d) => d.id), [doc.id]);
    assert.equal(stored.body.documents[0].sm3, doc.sm3);
    const audit = await assertAudited(F.admin, 'application', app.number, 'application.attach', 'ent.haidian');
    assert.equal(audit.after.sm3, doc.sm3);
  });

  test('download returns the same bytes, in scope only', async () => {
    for (const who of ['ent.haidian', 'officer.bj', 'inspector.bj', 'admin']) {
      const r = await getBytes(F[who], `${APPS}/${app.number}/documents/${doc.id}`);
      assert.equal(r.status, 200, `${who} downloads`);
      assert.match(r.headers.get('content-type'), /^application\/pdf/);
      assert.ok(r.bytes.equals(pdf), `${who} gets the exact bytes`);
    }
    for (const who of ['ent.chaoyang', 'officer.gd']) {
      const r = await F[who].req('GET', `${APPS}/${app.number}/documents/${doc.id}`);
      assertProblem(r, 'not_found');
    }
    assertProblem(await F.anon.req('GET', `${APPS}/${app.number}/documents/${doc.id}`), 'unauthenticated');
    assertProblem(await F['ent.haidian'].req('GET', `${APPS}/${app.number}/documents/${doc.id + 1000}`), 'not_found');
  });

  test('a document cannot be read through another application', async () => {
    const p = await F['ent.chaoyang'].req('POST', PRODUCTS, productInput({ model: 'DOC-CY' }));
    assertStatus(p, 201);
    const other = await F['ent.chaoyang'].req('POST', APPS, { item: 'type_model', product_id: p.body.id, form: FORM });
    assertStatus(other, 201);
    const r = await F['ent.chaoyang'].req('GET', `${APPS}/${other.body.number}/documents/${doc.id}`);
    assertProblem(r, 'not_found');
  });

  test('not a PDF is 422 not_pdf; wrong content type 415; no name 422; nothing stored', async () => {
    const notPdf = await unchanged(fx.db, () => attach(F['ent.haidian'], app.number, Buffer.from('PK\x03\x04 this is a zip', 'latin1')));
    assertProblem(notPdf, 'not_pdf', { status: 422 });
    const empty = await unchanged(fx.db, () => attach(F['ent.haidian'], app.number, Buffer.alloc(0)));
    assertProblem(empty, 'not_pdf', { status: 422 });
    const type = await unchanged(fx.db, () => attach(F['ent.haidian'], app.number, pdf, { type: 'application/octet-stream' }));
    assertProblem(type, 'unsupported_media_type', { status: 415 });
    const noName = await unchanged(fx.db, () => attach(F['ent.haidian'], app.number, pdf, { name: null }));
    assertStatus(noName, 422);
    const slash = await unchanged(fx.db, () => attach(F['ent.haidian'], app.number, pdf, { name: '../etc/passwd.pdf' }));
    assertStatus(slash, 422);
  });

  test('over 10 MiB is 413, exactly 10 MiB is accepted', async () => {
    const c = F['ent.haidian'];
    const big = Buffer.alloc(10 * 1024 * 1024 + 1, 0x20);
    pdf.copy(big, 0, 0, 8);
    await unchanged(fx.db, async () => {
      const r = await rawRequest(fx.url, 'POST', `${APPS}/${app.number}/documents?name=big.pdf`, {
        headers: { cookie: c.cookie, 'x-csrf-token': c.csrf, 'content-type': 'application/pdf' }, body: big,
      });
      assertProblem(r, 'payload_too_large', { status: 413 });
    });
    const exact = big.subarray(0, 10 * 1024 * 1024);
    const ok = await attach(c, app.number, exact, { name: 'exact.pdf' });
    assertStatus(ok, 201);
    assert.equal(ok.body.size, 10 * 1024 * 1024);
    assert.equal(ok.body.sm3, sm3Hex(exact));
  });

  test('only the applicant attaches, and only before the decision', async () => {
    for (const who of ['officer.bj', 'admin', 'inspector.bj']) {
      const r = await unchanged(fx.db, () => attach(F[who], app.number, pdf));
      assertProblem(r, 'forbidden', { status: 403 });
    }
    const other = await unchanged(fx.db, () => attach(F['ent.chaoyang'], app.number, pdf));
    assertProblem(other, 'not_found');
    assertStatus(await act(F['officer.bj'], app.number, 'accept', {}), 200);
    assertStatus(await act(F['officer.bj'], app.number, 'decide', { outcome: 'refused', reason: '不合格' }), 200);
    const late = await unchanged(fx.db, () => attach(F['ent.haidian'], app.number, pdf));
    assertStatus(late, 409);
  });
});

// ---------------------------------------------------------------------------

describe('certificates issued here: status changes, signature, QR', () => {
  let cert;
  let dir;

  before(async () => {
    const p = await F['ent.haidian'].req('POST', PRODUCTS, productInput({
      name: '签名验签服务器', model: 'SIG-签名-1', category: 'signature_server',
      algorithms: [{ name: 'SM2', key_bits: 256 }, { name: 'SM3' }, { name: 'ZUC', key_bits: 128 }],
    }));
    assertStatus(p, 201);
    const a = await F['ent.haidian'].req('POST', APPS, { item: 'type_model', product_id: p.body.id, form: FORM });
    assertStatus(a, 201);
    const n = a.body.number;
    assertStatus(await act(F['officer.bj'], n, 'accept', {}), 200);
    assertStatus(await act(F['officer.bj'], n, 'decide', { outcome: 'approved', reason: '合格' }), 200);
    const r = await act(F['officer.bj'], n, 'issue', {});
    assertStatus(r, 201);
    cert = r.body.certificate;
    dir = mkdtempSync(path.join(tmpdir(), 'cryptoreg-sig-'));
  });
  after(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

  test('the SM2 signature verifies with the openssl command line; one flipped byte fails', async () => {
    const doc = await getBytes(F.anon, `${CERTS}/${enc(cert.number)}/document`);
    assert.equal(doc.status, 200);
    assert.match(doc.headers.get('content-type'), /^application\/json/);
    const sig = await getBytes(F.anon, `${CERTS}/${enc(cert.number)}/signature`);
    assert.equal(sig.status, 200);
    assert.match(sig.headers.get('content-type'), /^application\/octet-stream/);
    assert.equal(sig.bytes[0], 0x30, 'DER SEQUENCE');
    const key = await getBytes(F.anon, `/api/v1/signing-keys/${cert.key_id}.pem`);
    assert.equal(key.status, 200);
    assert.match(key.bytes.toString(), /^-----BEGIN PUBLIC KEY-----\n/);
    const files = { doc: path.join(dir, 'cert.json'), sig: path.join(dir, 'cert.sig'), key: path.join(dir, 'key.pem'), bad: path.join(dir, 'bad.json') };
    writeFileSync(files.doc, doc.bytes);
    writeFileSync(files.sig, sig.bytes);
    writeFileSync(files.key, key.bytes);
    const verify = (inFile) => openssl(['pkeyutl', '-verify', '-pubin', '-inkey', files.key, '-rawin', '-in', inFile,
      '-sigfile', files.sig, '-digest', 'sm3', '-pkeyopt', 'distid:1234567812345678']);
    const ok = verify(files.doc);
    assert.equal(ok.status, 0, `openssl verify: ${ok.stdout} ${ok.stderr}`);
    assert.match(ok.stdout, /Signature Verified Successfully/);
    const flipped = Buffer.from(doc.bytes);
    flipped[Math.floor(flipped.length / 2)] ^= 0x01;
    writeFileSync(files.bad, flipped);
    const bad = verify(files.bad);
    assert.notEqual(bad.status, 0, 'a changed document must not verify');
    assert.doesNotMatch(bad.stdout, /Verified Successfully/);
    const keys = await F.anon.req('GET', '/api/v1/signing-keys');
    assertStatus(keys, 200);
    const mine = keys.body.items.find((k) => k.key_id === cert.key_id);
    assert.ok(mine, 'the key is listed');
    assert.equal(mine.bureau_code, '110000');
    assert.equal(mine.algorithm, 'SM2');
    assert.equal(mine.public_key_pem, key.bytes.toString());
  });

  test('the document is canonical JSON naming the key and matching the public record', async () => {
    const doc = await getBytes(F.anon, `${CERTS}/${enc(cert.number)}/document`);
    const text = doc.bytes.toString('utf8');
    const parsed = JSON.parse(text);
    assert.equal(text, canonical(parsed), 'keys sorted, no whitespace');
    assert.deepEqual(Object.keys(parsed).sort(), ['bureau_code', 'expires_on', 'format', 'holder', 'issued_on', 'key_id', 'kind', 'lookup_url', 'number', 'product'].sort());
    assert.equal(parsed.format, 'cryptoreg-certificate/1');
    assert.equal(parsed.key_id, cert.key_id);
    assert.equal(parsed.number, cert.number);
    assert.equal(parsed.kind, 'type_model');
    assert.equal(parsed.bureau_code, cert.bureau_code);
    assert.equal(parsed.issued_on, cert.issued_on);
    assert.equal(parsed.expires_on, cert.expires_on);
    assert.deepEqual(parsed.holder, { name: cert.holder.name, uscc: HAIDIAN });
    assert.deepEqual(parsed.product, { algorithms: cert.product.algorithms, category: 'signature_server', model: 'SIG-签名-1', name: '签名验签服务器' });
    assert.ok(parsed.lookup_url.includes(cert.number), parsed.lookup_url);
    // UTF-8 as is, not \u escapes.
    assert.ok(text.includes('签名验签服务器'));
  });

  test('QR code: image/svg+xml, an SVG', async () => {
    const r = await getBytes(F.anon, `${CERTS}/${enc(cert.number)}/qr.svg`);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /^image\/svg\+xml/);
    const svg = r.bytes.toString('utf8');
    assert.match(svg, /^(<\?xml[^>]*>\s*)?<svg[\s>]/);
    assert.match(svg, /xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.match(svg, /<\/svg>\s*$/);
    assertProblem(await F.anon.req('GET', `${CERTS}/NO-SUCH-CERT/qr.svg`), 'not_found');
  });

  test('status changes: officer of the bureau only; suspend, reinstate, revoke; revoked is final', async () => {
    const url = `${CERTS}/${enc(cert.number)}/status`;
    assertProblem(await unchanged(fx.db, () => F['ent.haidian'].req('POST', url, { status: 'suspended', reason: 'x' })), 'forbidden', { status: 403 });
    assertProblem(await unchanged(fx.db, () => F['inspector.bj'].req('POST', url, { status: 'suspended', reason: 'x' })), 'forbidden', { status: 403 });
    assertProblem(await unchanged(fx.db, () => F['officer.gd'].req('POST', url, { status: 'suspended', reason: 'x' })), 'not_found');
    assertProblem(await unchanged(fx.db, () => F.anon.req('POST', url, { status: 'suspended', reason: 'x' })), 'unauthenticated');
    assertStatus(await unchanged(fx.db, () => F['officer.bj'].req('POST', url, { status: 'suspended' })), 422);
    assertStatus(await unchanged(fx.db, () => F['officer.bj'].req('POST', url, { status: 'suspended', reason: '' })), 422);
    assertStatus(await unchanged(fx.db, () => F['officer.bj'].req('POST', url, { status: 'expired', reason: 'x' })), 422);
    assertProblem(await unchanged(fx.db, () => F['officer.bj'].req('POST', url, { status: 'valid', reason: '已有效' })), 'invalid_transition', { status: 409 });

    const steps = [
      ['suspended', '抽查发现产品与送检样品不一致', 'certificate.suspend', 'officer.bj', F['officer.bj']],
      ['valid', '整改完成，恢复', 'certificate.reinstate', 'officer.bj', F['officer.bj']],
      ['suspended', '再次抽查不合格', 'certificate.suspend', 'admin', F.admin],
      ['revoked', '以欺骗手段取得证书', 'certificate.revoke', 'officer.bj', F['officer.bj']],
    ];
    let history = 1;
    for (const [status, reason, action, actor, client] of steps) {
      const r = await client.req('POST', url, { status, reason });
      assertStatus(r, 200, `${actor} -> ${status}`);
      assertPublicCertificate(r.body);
      assert.equal(r.body.status, status);
      history += 1;
      assert.equal(r.body.history.length, history, 'history grows by one');
      const last = r.body.history[history - 1];
      assert.equal(last.status, status);
      assert.equal(last.reason, reason);
      assert.equal(last.on, TODAY);
      const pub = await F.anon.req('GET', `${CERTS}/${enc(cert.number)}`);
      assert.equal(pub.body.status, status);
      assert.deepEqual(pub.body.history, r.body.history);
      const audit = await assertAudited(F.admin, 'certificate', cert.number, action, actor);
      assert.equal(audit.bureau_code, '110000');
    }
    for (const status of ['valid', 'suspended', 'revoked']) {
      const r = await unchanged(fx.db, () => F.admin.req('POST', url, { status, reason: '撤销后再改' }));
      assertProblem(r, 'invalid_transition', { status: 409 });
    }
    const pub = await F.anon.req('GET', `${CERTS}/${enc(cert.number)}`);
    assert.equal(pub.body.status, 'revoked');
    assert.equal(pub.body.history.length, 5);
    assert.deepEqual(pub.body.history.map((h) => h.reason).slice(1), steps.map((s) => s[1]));
    const before = await F.anon.req('GET', `${CERTS}/${enc(cert.number)}?at=${addDays(TODAY, -1)}`);
    assert.equal(before.body.status, 'not_yet_valid');
    assert.equal(before.body.status_on, addDays(TODAY, -1));
    const later = await F.anon.req('GET', `${CERTS}/${enc(cert.number)}?at=${addDays(cert.expires_on, 1)}`);
    assert.equal(later.body.status, 'revoked', 'revoked before expiry stays revoked');
    assertProblem(await F.admin.req('POST', `${CERTS}/NO-SUCH/status`, { status: 'revoked', reason: 'x' }), 'not_found');
  });
});

// ---------------------------------------------------------------------------

describe('legacy documents (CSV import)', () => {
  const HEADER = 'kind,number,holder_uscc,product_name,product_model,issued_on,expires_on';
  const n1 = `国密生字LEG${process.pid}001号`;
  const n2 = `国密销字LEG${process.pid}002号`;

  test('a valid file is imported: count, lookup, audit', async () => {
    const text = [HEADER,
      `production,${n1},${HAIDIAN},服务器密码机,SJJ0901,2016-03-01,2030-02-28`,
      `sales_permit,${n2},${GUANGZHOU},智能密码钥匙,SKF-1,2015-06-01,2020-05-31`, ''].join('\r\n');
    const r = await F.admin.req('POST', `${CERTS}/legacy/import`, text, { raw: true, headers: { 'content-type': 'text/csv' } });
    assertStatus(r, 201);
    assert.equal(r.body.imported, 2);
    // Each recorded document is a public act with its own log entry.
    assert.ok(Number.isInteger(r.body.log_first_index), 'log_first_index');
    assert.equal(r.body.log_last_index - r.body.log_first_index + 1, 2, 'one log entry per document');
    const one = await F.anon.req('GET', `${CERTS}?q=${enc(n1)}`);
    assertStatus(one, 200);
    assert.equal(one.body.items.length, 1);
    const c1 = one.body.items[0];
    assertPublicCertificate(c1);
    assert.equal(c1.legacy, true);
    assert.equal(c1.kind, 'production');
    assert.equal(c1.bureau_code, '110000');
    assert.equal(c1.holder.uscc, HAIDIAN);
    assert.equal(c1.status, 'valid');
    assert.equal(c1.key_id, null);
    const c2 = (await F.anon.req('GET', `${CERTS}/${enc(n2)}`)).body;
    assert.equal(c2.status, 'expired');
    assert.equal(c2.bureau_code, '440000');
    assert.equal((await F.anon.req('GET', `${CERTS}/${enc(n2)}?at=2018-01-01`)).body.status, 'valid');
    await assertAudited(F.admin, 'certificate', n1, 'certificate.legacy_import', 'admin');
    await assertAudited(F.admin, 'certificate', n2, 'certificate.legacy_import', 'admin');
  });

  test('legacy documents: any status change is 422 legacy_no_alteration citing item II', async () => {
    for (const status of ['suspended', 'revoked', 'valid']) {
      const r = await unchanged(fx.db, () => F['officer.bj'].req('POST', `${CERTS}/${enc(n1)}/status`, { status, reason: '变更' }));
      assertProblem(r, 'legacy_no_alteration', { status: 422 });
      assert.ok(r.body.rule.citation.includes('item II'), r.body.rule.citation);
      assert.equal(r.body.rule.id, 'legacy.no_alteration');
    }
  });

  test('a file with many bad rows: 422 csv_invalid, one row entry per problem, nothing stored', async () => {
    const unknown = makeUscc('110108');
    const ok = `国密生字BAD${process.pid}000号`;
    const lines = [HEADER,
      `type_model,国密生字BAD${process.pid}001号,${HAIDIAN},产品,M1,2016-01-01,2026-01-01`, // 2 kind
      `production,${ok},${HAIDIAN},产品,M2,2016-01-01,2026-01-01`, // 3 fine
      `fie_use,${ok},${HAIDIAN},产品,M3,2016-01-01,2026-01-01`, // 4 duplicate number in the file
      `sales_permit,国密销字BAD${process.pid}004号,${unknown},产品,M4,2016-01-01,2026-01-01`, // 5 unknown USCC
      `foreign_use,国密境使字BAD${process.pid}005号,${HAIDIAN},产品,M5,2017-10-11,2027-10-10`, // 6 issued on the removal day
      `production,国密生字BAD${process.pid}006号,${HAIDIAN},产品,M6,2016-06-01,2016-05-31`, // 7 expires before issued
      `production,国密生字BAD${process.pid}007号,${HAIDIAN},产品,M7,2016-02-30,2026/01/01`, // 8 two bad dates
      `sales_permit,${n1},${HAIDIAN},产品,M8,2016-01-01,2026-01-01`, // 9 number already recorded
      `production,国密生字BAD${process.pid}009号,${HAIDIAN},产品,M9,2018-01-01,2028-01-01`, // 10 issued after the removal
      '',
    ];
    const want = [[2, 'kind'], [4, 'number'], [5, 'holder_uscc'], [6, 'issued_on'], [7, 'expires_on'], [8, 'issued_on'], [8, 'expires_on'], [9, 'number'], [10, 'issued_on']];
    const r = await unchanged(fx.db, () => legacyImport(F.admin, lines.join('\n')));
    assertProblem(r, 'csv_invalid', { status: 422 });
    assert.ok(Array.isArray(r.body.rows), 'rows');
    for (const row of r.body.rows) {
      assert.equal(typeof row.line, 'number');
      assert.equal(typeof row.column, 'string');
      assert.equal(typeof row.message, 'string');
      assert.ok(row.message.length > 0);
    }
    const got = r.body.rows.map((x) => [x.line, x.column]).sort((a, b) => a[0] - b[0] || a[1].localeCompare(b[1]));
    const exp = [...want].sort((a, b) => a[0] - b[0] || a[1].localeCompare(b[1]));
    assert.deepEqual(got, exp, JSON.stringify(r.body.rows, null, 1));
    const dup = r.body.rows.find((x) => x.line === 4);
    assert.match(dup.message, /3/, 'the duplicate names the first line');
    const numbers = lines.slice(1).filter(Boolean).map((l) => l.split(',')[1]).filter((n) => n !== n1);
    assert.equal(numbers.length, 8);
    for (const number of numbers) {
      const l = await F.anon.req('GET', `${CERTS}?q=${enc(number)}`);
      assertStatus(l, 200);
      assert.deepEqual(l.body.items, [], `nothing stored for ${number}`);
      assertProblem(await F.anon.req('GET', `${CERTS}/${enc(number)}`), 'not_found');
    }
  });

  test('an officer imports only for their own bureau; others may not import; CSV only', async () => {
    const text = [HEADER, `production,国密生字OFF${process.pid}号,${GUANGZHOU},产品,M1,2016-01-01,2026-01-01`, ''].join('\n');
    const r = await unchanged(fx.db, () => legacyImport(F['officer.bj'], text));
    assertProblem(r, 'csv_invalid', { status: 422 });
    assert.deepEqual(r.body.rows.map((x) => [x.line, x.column]), [[2, 'holder_uscc']]);
    for (const who of ['ent.haidian', 'inspector.bj']) assertProblem(await unchanged(fx.db, () => legacyImport(F[who], text)), 'forbidden', { status: 403 });
    assertProblem(await unchanged(fx.db, () => legacyImport(F.admin, text, 'application/json')), 'unsupported_media_type', { status: 415 });
    const header = await unchanged(fx.db, () => legacyImport(F.admin, 'number,kind\n'));
    assertProblem(header, 'csv_invalid', { status: 422 });
    const empty = await unchanged(fx.db, () => legacyImport(F.admin, `${HEADER}\n`));
    assertProblem(empty, 'csv_invalid', { status: 422 });
  });
});

// ---------------------------------------------------------------------------
// The demo data set.

describe('demo data: certificates', () => {
  const byModel = {};
  let beijing; // ent.beijing's USCC

  before(async () => {
    const s = await D['ent.beijing'].req('GET', '/api/v1/session');
    beijing = s.body.user.enterprise_uscc;
    for (const model of ['SJJ1901', 'PCIE-88', 'TSS-10', 'SAG-7', 'SKF-3000', 'ICC-90', 'SJJ0901', 'SKF-1']) {
      const r = await D.anon.req('GET', `${CERTS}?q=${model}`);
      assertStatus(r, 200);
      const exact = r.body.items.filter((c) => c.product.model === model);
      assert.equal(exact.length, 1, `one demo certificate of model ${model}: ${r.text}`);
      byModel[model] = exact[0];
    }
  });

  test('the demo has a certificate in every status', () => {
    assert.equal(byModel.SJJ1901.status, 'valid');
    assert.equal(byModel['PCIE-88'].status, 'suspended');
    assert.equal(byModel['TSS-10'].status, 'revoked');
    assert.equal(byModel['SAG-7'].status, 'expired');
    assert.equal(byModel['SKF-3000'].status, 'valid');
    assert.equal(byModel.SJJ0901.legacy, true);
    assert.equal(byModel['SKF-1'].status, 'expired');
    for (const c of Object.values(byModel)) {
      assertPublicCertificate(c);
      assert.equal(c.status_on, TODAY, 'status on today by default');
    }
  });

  test('public lookup by number, holder USCC, model and Chinese holder name', async () => {
    const c = byModel.SJJ1901;
    const byNumber = await D.anon.req('GET', `${CERTS}?q=${enc(c.number)}`);
    assertStatus(byNumber, 200);
    assert.deepEqual(byNumber.body.items.map((x) => x.number), [c.number]);
    assert.ok(!('history' in byNumber.body.items[0]) || Array.isArray(byNumber.body.items[0].history));

    const byHolder = await walk(D.anon, `${CERTS}?q=${beijing}`);
    assert.ok(byHolder.length >= 3, 'ent.beijing holds several documents');
    for (const x of byHolder) assert.equal(x.holder.uscc, beijing);
    for (const m of ['SJJ1901', 'SKF-3000', 'SJJ0901']) assert.ok(byHolder.some((x) => x.number === byModel[m].number), `holder lookup finds ${m}`);

    const name = c.holder.name; // e.g. 北京量子网络安全股份有限公司
    for (const sub of [name.slice(2, 6), name.slice(2, 4), name.slice(-6)]) {
      const r = await walk(D.anon, `${CERTS}?q=${enc(sub)}`);
      assert.ok(r.length > 0, `name substring ${sub}`);
      for (const x of r) assert.ok(x.holder.name.includes(sub), `${x.holder.name} contains ${sub}`);
      if (sub !== name.slice(-6)) assert.ok(r.some((x) => x.number === c.number), `substring ${sub} finds ${c.number}`);
    }
    const padded = await D.anon.req('GET', `${CERTS}?q=${enc(` ${c.number} `)}`);
    assert.deepEqual(padded.body.items.map((x) => x.number), [c.number]);
    const none = await D.anon.req('GET', `${CERTS}?q=${enc('没有这家公司的名字')}`);
    assertStatus(none, 200);
    assert.deepEqual(none.body.items, []);
    assertProblem(await D.anon.req('GET', CERTS), 'missing_field');
    assertProblem(await D.anon.req('GET', `${CERTS}?q=${c.number}&at=2026-02-30`), 'invalid_date', { status: 422 });
    assertProblem(await D.anon.req('GET', `${CERTS}/${enc(c.number)}?at=yesterday`), 'invalid_date', { status: 422 });
    assertProblem(await D.anon.req('GET', `${CERTS}/NO-SUCH-NUMBER`), 'not_found');
  });

  test('?at= shows the status on a past date', async () => {
    const statusAt = async (c, at) => {
      const r = await D.anon.req('GET', `${CERTS}/${enc(c.number)}?at=${at}`);
      assertStatus(r, 200);
      assert.equal(r.body.status_on, at);
      const l = await D.anon.req('GET', `${CERTS}?q=${enc(c.number)}&at=${at}`);
      assert.equal(l.body.items[0].status, r.body.status, 'lookup and record agree');
      return r.body.status;
    };
    // Revoked: valid until its revocation date, then revoked even after expiry.
    const rev = (await D.anon.req('GET', `${CERTS}/${enc(byModel['TSS-10'].number)}`)).body;
    const revokedOn = rev.history.find((h) => h.status === 'revoked').on;
    assert.ok(revokedOn > rev.issued_on && revokedOn < TODAY);
    assert.equal(await statusAt(rev, addDays(rev.issued_on, -1)), 'not_yet_valid');
    assert.equal(await statusAt(rev, rev.issued_on), 'valid');
    assert.equal(await statusAt(rev, addDays(revokedOn, -1)), 'valid');
    assert.equal(await statusAt(rev, revokedOn), 'revoked');
    assert.equal(await statusAt(rev, addDays(rev.expires_on, 1)), 'revoked');
    // Suspended: valid before, suspended from, expired after expiry.
    const sus = (await D.anon.req('GET', `${CERTS}/${enc(byModel['PCIE-88'].number)}`)).body;
    const suspendedOn = sus.history.find((h) => h.status === 'suspended').on;
    assert.ok(sus.history.find((h) => h.status === 'suspended').reason.length > 0, 'the reason is public');
    assert.equal(await statusAt(sus, addDays(suspendedOn, -1)), 'valid');
    assert.equal(await statusAt(sus, suspendedOn), 'suspended');
    assert.equal(await statusAt(sus, addDays(sus.expires_on, 1)), 'expired');
    // Expired: valid through its last day.
    const exp = byModel['SAG-7'];
    assert.equal(await statusAt(exp, exp.expires_on), 'valid');
    assert.equal(await statusAt(exp, addDays(exp.expires_on, 1)), 'expired');
    // Legacy: valid until expiry (item II).
    const leg = byModel['SKF-1'];
    assert.equal(await statusAt(leg, leg.expires_on), 'valid');
    assert.equal(await statusAt(leg, addDays(leg.expires_on, 1)), 'expired');
  });

  test('status changes on demo certificates: revoked and expired are final, other bureau 404, enterprise 403, legacy 422', async () => {
    const url = (c) => `${CERTS}/${enc(c.number)}/status`;
    const rev = byModel['TSS-10'];
    assertProblem(await unchanged(demo.db, () => D['officer.bj'].req('POST', url(rev), { status: 'valid', reason: '恢复' })), 'invalid_transition', { status: 409 });
    const exp = byModel['SAG-7'];
    assertProblem(await unchanged(demo.db, () => D.admin.req('POST', url(exp), { status: 'suspended', reason: '暂停' })), 'invalid_transition', { status: 409 });
    const sus = byModel['PCIE-88']; // Shenzhen
    assertProblem(await unchanged(demo.db, () => D['officer.bj'].req('POST', url(sus), { status: 'valid', reason: '恢复' })), 'not_found');
    assertProblem(await unchanged(demo.db, () => D['officer.gd'].req('POST', url(sus), { status: 'valid', reason: '恢复' })), 'not_found');
    assertProblem(await unchanged(demo.db, () => D['ent.shenzhen'].req('POST', url(sus), { status: 'valid', reason: '恢复' })), 'forbidden', { status: 403 });
    for (const status of ['suspended', 'revoked']) {
      for (const who of ['officer.bj', 'admin']) {
        const r = await unchanged(demo.db, () => D[who].req('POST', url(byModel.SJJ0901), { status, reason: '变更' }));
        assertProblem(r, 'legacy_no_alteration', { status: 422 });
        assert.ok(r.body.rule.citation.includes('item II'), r.body.rule.citation);
      }
    }
    const r = await D['officer.sz'].req('POST', url(sus), { status: 'valid', reason: '整改完成' });
    assertStatus(r, 200);
    assert.equal(r.body.status, 'valid');
    assert.equal(r.body.history[r.body.history.length - 1].reason, '整改完成');
    await assertAudited(D.admin, 'certificate', sus.number, 'certificate.reinstate', 'officer.sz');
  });

  test('renewal: legacy 422 legacy_no_alteration, outside the window 422 renewal_window, near expiry 201', async () => {
    const products = await walk(D['ent.beijing'], PRODUCTS);
    const product = products.find((p) => p.model === 'SKF-3000') || products[0];
    const apply = (renewal_of) => D['ent.beijing'].req('POST', APPS, { item: 'type_model', product_id: product.id, renewal_of, form: FORM });

    const legacy = await unchanged(demo.db, () => apply(byModel.SJJ0901.number));
    assertProblem(legacy, 'legacy_no_alteration', { status: 422 });
    assert.ok(legacy.body.rule && legacy.body.rule.citation.includes('item II'), legacy.text);

    const early = await unchanged(demo.db, () => apply(byModel.SJJ1901.number));
    assertProblem(early, 'renewal_window', { status: 422 });
    assert.equal(early.body.rule && early.body.rule.id, 'window.renewal');

    const notHolder = await unchanged(demo.db, () => apply(byModel['TSS-10'].number));
    assertStatus(notHolder, 422);

    const near = byModel['SKF-3000'];
    const left = (Date.parse(near.expires_on) - Date.parse(TODAY)) / 86400000;
    assert.ok(left > 0 && left <= 30, `the demo certificate expires in ${left} days`);
    const r = await apply(near.number);
    assertStatus(r, 201);
    assert.equal(r.body.renewal_of, near.number);
    assert.equal(r.body.state, 'received');
    await assertAudited(D.admin, 'application', r.body.number, 'application.create', 'ent.beijing');
  });
});

describe('demo data: applications', () => {
  test('halted applications are listed with state halted and halted_on 2017-10-11', async () => {
    const all = await walk(D.admin, `${APPS}?state=halted`);
    assert.equal(all.length, 2, JSON.stringify(all.map((a) => a.number)));
    for (const a of all) {
      assertApplication(a);
      assert.equal(a.state, 'halted');
      assert.equal(a.halted_on, '2017-10-11');
      assert.ok(REMOVED_ITEMS.includes(a.item), `halted item ${a.item}`);
      assert.equal(a.deadline, null);
    }
    const bj = await walk(D['officer.bj'], `${APPS}?state=halted`);
    assert.ok(bj.length >= 1);
    for (const a of bj) assert.equal(a.bureau_code, '110000');
    const one = (await D.admin.req('GET', `${APPS}/${all[0].number}`)).body;
    assert.equal(one.events[one.events.length - 1].to_state, 'halted');
    assert.ok(one.events[one.events.length - 1].reason.includes('336'));
    const number = bj[0].number;
    assertProblem(await unchanged(demo.db, () => act(D['officer.bj'], number, 'accept', {})), 'invalid_transition', { status: 409 });
    assertProblem(await unchanged(demo.db, () => act(D['ent.beijing'], number, 'withdraw', { reason: '撤回' })), 'invalid_transition', { status: 409 });
  });

  test('overdue: officers see only their bureau\'s overdue applications; the admin sees all', async () => {
    const check = async (client, bureau) => {
      const all = await walk(client, APPS);
      const overdue = await walk(client, `${APPS}?overdue=1`);
      for (const a of overdue) {
        assertApplication(a);
        assert.equal(a.deadline && a.deadline.overdue, true, `${a.number} listed as overdue: ${JSON.stringify(a.deadline)}`);
        assert.ok(a.deadline.due < TODAY);
        if (bureau) assert.equal(a.bureau_code, bureau);
      }
      const want = all.filter((a) => a.deadline && a.deadline.overdue).map((a) => a.number).sort();
      assert.deepEqual(overdue.map((a) => a.number).sort(), want, 'every overdue application is listed');
      return overdue;
    };
    const bj = await check(D['officer.bj'], '110000');
    assert.ok(bj.length >= 1, 'the demo has overdue Beijing applications');
    await check(D['officer.gd'], '440000');
    await check(D['officer.sz'], '440300');
    const adm = await check(D.admin, null);
    for (const a of bj) assert.ok(adm.some((x) => x.number === a.number), `admin sees ${a.number}`);
    const admBj = await walk(D.admin, `${APPS}?overdue=1&bureau=110000`);
    assert.deepEqual(admBj.map((a) => a.number).sort(), bj.map((a) => a.number).sort());
    const ent = await walk(D['ent.beijing'], `${APPS}?overdue=1`);
    const entUscc = (await D['ent.beijing'].req('GET', '/api/v1/session')).body.user.enterprise_uscc;
    for (const a of ent) assert.equal(a.enterprise_uscc, entUscc);
  });

  test('the demo has applications in every open state with consistent clocks', async () => {
    const all = await walk(D.admin, APPS);
    const states = new Set(all.map((a) => a.state));
    for (const s of APP_STATES) assert.ok(states.has(s), `a demo application is ${s}`);
    for (const a of all) {
      if (a.state === 'materials_requested' || a.state === 'under_review') {
        assert.equal(a.clock.running, false, `${a.number} ${a.state}`);
        assert.match(a.clock.stopped_since, /^\d{4}-\d{2}-\d{2}$/);
      }
      if (a.state === 'under_review') {
        assert.equal(a.deadline.due, null);
        assert.equal(a.deadline.error.code, 'clock_stopped');
      }
      if (['received', 'accepted', 'approved'].includes(a.state)) assert.ok(a.deadline, `${a.number} has a deadline`);
      if (a.extension) assert.equal(a.deadline.working_days, 30);
    }
  });

  test('accepting after the 5-day window: deemed accepted on receipt, the decision period counts from received_on', async () => {
    const received = await walk(D['officer.bj'], `${APPS}?state=received`);
    assert.ok(received.length >= 1, 'the demo has received Beijing applications');
    for (const a of received) {
      const late = a.deadline.overdue;
      const r = await act(D['officer.bj'], a.number, 'accept', {});
      assertStatus(r, 200);
      assert.equal(r.body.state, 'accepted');
      assert.equal(r.body.accepted_on, TODAY);
      assert.equal(r.body.deemed_accepted, late, `${a.number} (due ${a.deadline.due}) deemed accepted: ${late}`);
      const start = late ? a.received_on : TODAY;
      assert.equal(r.body.deadline.start, start);
      assertDeadline(r.body.deadline, { act: 'decide', start, days: 20, ruleId: 'deadline.decide' });
    }
  });

  test('registry certificates are scoped and filtered by status', async () => {
    const entUscc = (await D['ent.beijing'].req('GET', '/api/v1/session')).body.user.enterprise_uscc;
    const own = await walk(D['ent.beijing'], '/api/v1/registry/certificates');
    assert.ok(own.length >= 2);
    for (const c of own) assert.equal(c.holder.uscc, entUscc);
    const bj = await walk(D['officer.bj'], '/api/v1/registry/certificates');
    for (const c of bj) assert.equal(c.bureau_code, '110000');
    assert.ok(bj.length > own.length);
    const sz = await walk(D['officer.sz'], '/api/v1/registry/certificates');
    for (const c of sz) assert.equal(c.bureau_code, '440300');
    const revoked = await walk(D.admin, '/api/v1/registry/certificates?status=revoked');
    assert.ok(revoked.length >= 1);
    for (const c of revoked) assert.equal(c.status, 'revoked');
    assertProblem(await D.admin.req('GET', '/api/v1/registry/certificates?status=bogus'), 'invalid_value', { field: 'status' });
    assertProblem(await D.anon.req('GET', '/api/v1/registry/certificates'), 'unauthenticated');
  });

});

// Extension of the decision period, on a server of its own: a failure here
// (the server dying, say) must not take the other suites with it.
describe('extend: 10 more working days, once (Licensing Law Art 42)', () => {
  let xs;
  let X;
  let number;

  before(async () => {
    xs = await startServer();
    X = await loginAll(xs.url);
    const p = await X['ent.haidian'].req('POST', PRODUCTS, productInput({ model: 'EXT-1' }));
    assertStatus(p, 201);
    const a = await X['ent.haidian'].req('POST', APPS, { item: 'type_model', product_id: p.body.id, form: FORM });
    assertStatus(a, 201);
    number = a.body.number;
    assertStatus(await act(X['officer.bj'], number, 'accept', {}), 200);
  });
  after(async () => { if (xs) assert.equal(await xs.stop(), 0, 'extend server exits cleanly (no sanitizer report)'); });

  test('extend adds 10 working days and is recorded; a second extension is 409', async () => {
    const ext = { approver: '局长 王某 / Director Wang', reason: '需组织专家论证' };
    const r = await act(X['officer.bj'], number, 'extend', ext);
    assertStatus(r, 200);
    assert.equal(r.body.state, 'accepted');
    assert.deepEqual(r.body.extension, ext);
    assertDeadline(r.body.deadline, { act: 'decide', start: TODAY, days: 30, ruleId: 'deadline.decide', citation: 'Art 42' });
    const stored = (await X.admin.req('GET', `${APPS}/${number}`)).body;
    assert.equal(stored.state, 'accepted');
    assert.deepEqual(stored.extension, ext);
    const ev = stored.events[stored.events.length - 1];
    assert.equal(ev.action, 'extend');
    assert.equal(ev.from_state, 'accepted');
    assert.equal(ev.to_state, 'accepted', 'extend keeps the state');
    assert.equal(ev.reason, ext.reason);
    const audit = await assertAudited(X.admin, 'application', number, 'application.extend', 'officer.bj');
    assert.equal(audit.after.state, 'accepted');

    const second = await unchanged(xs.db, () => act(X.admin, number, 'extend', { approver: '局长', reason: '再延一次' }));
    assertProblem(second, 'invalid_transition', { status: 409 });
    // Extended during review too: still once only.
    assertStatus(await act(X['officer.bj'], number, 'start-review', { reason: '专家评审' }), 200);
    assertProblem(await unchanged(xs.db, () => act(X['officer.bj'], number, 'extend', { approver: '局长', reason: '再延' })), 'invalid_transition', { status: 409 });
    assertStatus(await act(X['officer.bj'], number, 'finish-review', { reason: '评审结束' }), 200);
    const dec = await act(X['officer.bj'], number, 'decide', { outcome: 'approved', reason: '合格' });
    assertStatus(dec, 200);
    assert.equal(dec.body.state, 'approved');
  });

  test('extend from under_review is allowed', async () => {
    const p = await X['ent.haidian'].req('POST', PRODUCTS, productInput({ model: 'EXT-2' }));
    assertStatus(p, 201);
    const a = await X['ent.haidian'].req('POST', APPS, { item: 'type_model', product_id: p.body.id, form: FORM });
    assertStatus(a, 201);
    const n = a.body.number;
    assertStatus(await act(X['officer.bj'], n, 'accept', {}), 200);
    assertStatus(await act(X['officer.bj'], n, 'start-review', { reason: '送检' }), 200);
    const r = await act(X.admin, n, 'extend', { approver: '局长 王某', reason: '检测周期长' });
    assertStatus(r, 200);
    assert.equal(r.body.state, 'under_review');
    assert.equal(r.body.deadline.working_days, 30);
    assert.equal(r.body.deadline.due, null, 'still stopped');
    const ev = r.body.events[r.body.events.length - 1];
    assert.equal(ev.to_state, 'under_review');
  });
});
