// Every route of docs/api.md as every role: allowed -> 2xx with the right
// shape, denied -> 401 (anonymous), 403 `forbidden` (wrong role) or 404 (a
// single record outside the caller's row scope). Plus row scoping, derived
// bureaus and the admin's bureau override.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, Client, FIXTURES, PASSWORD } from '../lib/harness.mjs';
import {
  ROLES, ROLE_OF, BUREAU_OF, OWN_ENTERPRISE, loginAll, loginAs, bearerClient,
  assertProblem, assertStatus, assertJson, assertBureau, assertPublicOnly, assertEnterprise, assertUser,
  assertAuditEntry, assertList, walk, makeUscc, derivedBureau, enterpriseInput, csv, importCsv, docRoutes,
  isProblem, isValidUscc, RFC3339_UTC,
} from './util.mjs';

const HAIDIAN = '911101089243040981';
const CHAOYANG = '911101059492671314';
const GUANGZHOU = '91440106465460437U';
const SHENZHEN = '914403052836347237';
const XPCC = '916590016748738523';
const FIXTURE_USCCS = FIXTURES.enterprises.map((e) => e.uscc);
const NEW_PASSWORD = 'a brand new passphrase 42';

let srv;
let C; // role -> Client
const ctx = { tokens: {}, created: {} };

before(async () => {
  srv = await startServer();
  C = await loginAll(srv.url);
  // Throwaway users for the user-management rows.
  const mk = async (username, extra) => {
    const r = await C.admin.req('POST', '/api/v1/users', {
      username, display_name: username, password: PASSWORD, ...extra,
    });
    assertStatus(r, 201, `create ${username}`);
  };
  await mk('victim.keep', { role: 'inspector', bureau_code: '110000' });
  await mk('victim.disable', { role: 'inspector', bureau_code: '110000' });
  await mk('victim.pw', { role: 'inspector', bureau_code: '110000' });
  await mk('self.officer.bj', { role: 'bureau_officer', bureau_code: '110000' });
  await mk('self.officer.gd', { role: 'bureau_officer', bureau_code: '440000' });
  await mk('self.inspector.bj', { role: 'inspector', bureau_code: '110000' });
  await mk('self.ent.haidian', { role: 'enterprise_user', enterprise_uscc: HAIDIAN });
  await setupLicensing();
});

after(async () => { if (srv) await srv.stop(); });

// The licensing fixtures: products of four enterprises in three bureaus, an
// enterprise user of Guangzhou (bureau 440000), applications, a document,
// issued certificates and a document of a removed item.
async function setupLicensing() {
  const u = await C.admin.req('POST', '/api/v1/users', {
    username: 'ent.guangzhou', display_name: 'ent.guangzhou', password: PASSWORD, role: 'enterprise_user', enterprise_uscc: GUANGZHOU,
  });
  assertStatus(u, 201, 'create ent.guangzhou');
  L.entGz = await loginAs(srv.url, 'ent.guangzhou');
  L.products = {
    H: await mkProduct(C['ent.haidian'], productInput('海淀密码卡 Haidian card')),
    C: await mkProduct(C['officer.bj'], productInput('朝阳密码机 Chaoyang box', { enterprise_uscc: CHAOYANG })),
    G: await mkProduct(C['officer.gd'], productInput('天河网关 Tianhe gateway', { enterprise_uscc: GUANGZHOU })),
    S: await mkProduct(C.admin, productInput('南山芯片 Nanshan chip', { enterprise_uscc: SHENZHEN })),
    // Products that never get an application, so they may still be edited (type approval binds a model).
    HE: await mkProduct(C['ent.haidian'], productInput('海淀编辑卡 Haidian editable card')),
    GE: await mkProduct(C['officer.gd'], productInput('天河编辑网关 Tianhe editable gateway', { enterprise_uscc: GUANGZHOU })),
  };
  L.appH = (await mkApp('received')).number;
  L.appG = (await mkApp('received', { gz: true })).number;
  L.docApp = (await mkApp('received')).number;
  const d = await C['ent.haidian'].req('POST', `/api/v1/applications/${L.docApp}/documents?name=setup.pdf`, PDF,
    { raw: true, headers: pdfHeaders });
  assertStatus(d, 201, 'attach a document');
  L.doc = d.body;
  L.refusedApp = (await mkApp('refused')).number;
  L.certH = await mkCert();
  L.certG = await mkCert({ gz: true });
  L.legacyH = 'SCDD-MATRIX-H-0001';
  const li = await C['officer.bj'].req('POST', '/api/v1/certificates/legacy/import',
    legacyCsv([legacyRow(L.legacyH, HAIDIAN)]), { raw: true, headers: csvHeaders });
  assertStatus(li, 201, 'record a document of a removed item');
}

// expect map helper: anon, admin, officer.bj, officer.gd, inspector.bj, ent.haidian
const E = (...s) => Object.fromEntries(ROLES.map((r, i) => [r, s[i]]).filter(([, v]) => v !== undefined));
const all = (s) => E(s, s, s, s, s, s);

// Which fixture enterprises each role may see (row scope).
function inScope(role, uscc, bureau = derivedBureau(uscc)) {
  if (role === 'admin') return true;
  if (role === 'ent.haidian') return uscc === OWN_ENTERPRISE;
  if (BUREAU_OF[role]) return bureau === BUREAU_OF[role];
  return false;
}

// ---------------------------------------------------------------------------
// Products, applications and certificates (issue 3): fixtures and shapes.

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const APPLICATION_STATES = ['received', 'materials_requested', 'accepted', 'under_review', 'approved', 'refused',
  'issued', 'withdrawn', 'halted'];
const CERT_STATUSES = ['valid', 'suspended', 'revoked', 'expired', 'not_yet_valid'];
const APPROVAL_ITEMS = ['type_model', 'production', 'sales_permit', 'fie_use', 'foreign_use'];
const REMOVED_ITEMS = APPROVAL_ITEMS.slice(1);
const RULE_KINDS = ['deadline', 'approval_item', 'removed_item', 'legacy', 'validity', 'window'];
const FORM = { contact_name: '王工', contact_phone: '+86 10 8888 0000', manufacturing_address: '北京市海淀区中关村南大街5号' };
const PDF = '%PDF-1.4\n% cryptoreg matrix test\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n';
const pdfHeaders = { 'content-type': 'application/pdf' };
const csvHeaders = { 'content-type': 'text/csv' };
const LEGACY_HEADER = 'kind,number,holder_uscc,product_name,product_model,issued_on,expires_on';
// Fresh records per row and role, and the shared licensing fixtures.
const L = { rec: {} };
const key = (row, role) => `${row}.${role}`;

const nameOf = (uscc) => FIXTURES.enterprises.find((e) => e.uscc === uscc).name_zh;

function productInput(name, extra = {}) {
  return {
    name, model: `MX-${name.replace(/[^A-Za-z0-9]/g, '').slice(-40)}`, category: 'crypto_card',
    algorithms: [{ name: 'SM4', key_bits: 128 }, { name: 'SM2', key_bits: 256 }, { name: 'SM3', key_bits: null }],
    description: `${name}: PCIe cryptographic card`, ...extra,
  };
}

async function mkProduct(client, body) {
  const r = await client.req('POST', '/api/v1/products', body);
  assertStatus(r, 201, `create product ${body.name}`);
  return r.body;
}

// The actions that bring a new application into each state.
const SETUP_PATH = {
  received: [], materials_requested: ['request-materials'], accepted: ['accept'], under_review: ['accept', 'start-review'],
  approved: ['accept', 'decide'], refused: ['accept', 'decide:refused'], issued: ['accept', 'decide', 'issue'],
  withdrawn: ['withdraw'], extended: ['accept', 'extend'],
};

// A new type approval application of Haidian (bureau 110000), or with gz of
// Guangzhou (bureau 440000), brought into `state` by its applicant and its
// bureau's officer. Returns { number, cert }.
async function mkApp(state, { gz = false } = {}) {
  const ent = gz ? L.entGz : C['ent.haidian'];
  const officer = gz ? C['officer.gd'] : C['officer.bj'];
  const product = gz ? L.products.G : L.products.H;
  const r = await ent.req('POST', '/api/v1/applications', { item: 'type_model', product_id: product.id, form: FORM });
  assertStatus(r, 201, 'submit an application');
  const number = r.body.number;
  let cert = null;
  for (const step of SETUP_PATH[state]) {
    const [action, outcome] = step.split(':');
    const body = { reason: `set up: ${action}` };
    if (action === 'decide') body.outcome = outcome || 'approved';
    if (action === 'extend') body.approver = '张局长 Director Zhang';
    const s = await (action === 'withdraw' ? ent : officer).req('POST', `/api/v1/applications/${number}/${action}`, body);
    assertStatus(s, action === 'issue' ? 201 : 200, `set up: ${action} ${number}`);
    if (action === 'issue') cert = s.body.certificate;
  }
  return { number, cert };
}

async function mkCert({ gz = false, status } = {}) {
  const { cert } = await mkApp('issued', { gz });
  if (status) {
    const s = await (gz ? C['officer.gd'] : C['officer.bj']).req('POST', `/api/v1/certificates/${cert.number}/status`,
      { status, reason: `set up: ${status}` });
    assertStatus(s, 200, `set up: ${status} ${cert.number}`);
  }
  return cert;
}

async function adminApp(number) {
  const r = await C.admin.req('GET', `/api/v1/applications/${number}`);
  assertStatus(r, 200, `GET ${number}`);
  return r.body;
}

async function publicCert(number) {
  const r = await C.anon.req('GET', `/api/v1/certificates/${number}`);
  assertStatus(r, 200, `GET certificate ${number}`);
  return r.body;
}

function legacyCsv(rows) {
  return [LEGACY_HEADER, ...rows.map((r) => [r.kind, r.number, r.holder_uscc, r.product_name, r.product_model, r.issued_on,
    r.expires_on].join(','))].join('\r\n') + '\r\n';
}

function legacyRow(number, holder, extra = {}) {
  return { kind: 'production', number, holder_uscc: holder, product_name: '旧式密码机 Old cipher machine', product_model: 'OCM-1',
    issued_on: '2016-05-01', expires_on: '2030-04-30', ...extra };
}

// A made-up legal calendar table for a year: New Year's Day off, the first
// Saturday after 3 January a working day.
function calendarFile(year) {
  const dd = 4 + ((6 - new Date(Date.UTC(year, 0, 4)).getUTCDay() + 7) % 7);
  return `year,${year}\r\nsource,"matrix test table for ${year}, not a State Council notice"\r\ndate,kind,name\r\n` +
    `${year}-01-01,holiday,元旦 New Year's Day\r\n${year}-01-${String(dd).padStart(2, '0')},workday,调休上班 moved working day\r\n`;
}

// The day before the anniversary `years` later (from 29 February: 28 February).
function expiryOf(issuedOn, years) {
  const [y, m, d] = issuedOn.split('-').map(Number);
  return new Date(Date.UTC(y + years, m - 1, 1) + (d - 2) * 86400e3).toISOString().slice(0, 10);
}

function canonicalJson(v) {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object')
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k])}`).join(',')}}`;
  return JSON.stringify(v);
}

async function bytes(p) {
  const r = await fetch(srv.url + p);
  assert.equal(r.status, 200, `GET ${p}`);
  return Buffer.from(await r.arrayBuffer());
}

// README "Verifying a certificate": openssl pkeyutl with SM3 and the default SM2 ID.
function opensslVerify(doc, sig, pem) {
  const dir = mkdtempSync(path.join(tmpdir(), 'cryptoreg-sig-'));
  try {
    writeFileSync(path.join(dir, 'cert.json'), doc);
    writeFileSync(path.join(dir, 'cert.sig'), sig);
    writeFileSync(path.join(dir, 'key.pem'), pem);
    return spawnSync('openssl', ['pkeyutl', '-verify', '-pubin', '-inkey', 'key.pem', '-rawin', '-in', 'cert.json',
      '-sigfile', 'cert.sig', '-digest', 'sm3', '-pkeyopt', 'distid:1234567812345678'], { cwd: dir, encoding: 'utf8' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function assertRule(r) {
  assert.equal(typeof r, 'object');
  assert.match(r.id, /^[a-z_]+\.[a-z_]+$/, `rule id ${r.id}`);
  assert.ok(RULE_KINDS.includes(r.kind), `rule kind ${r.kind}`);
  assert.equal(typeof r.title_zh, 'string');
  assert.equal(typeof r.title_en, 'string');
  assert.ok(r.value === null || Number.isInteger(r.value), `rule value ${r.value}`);
  assert.ok(r.unit === null || ['working_days', 'days', 'years', 'day_of_january'].includes(r.unit), `rule unit ${r.unit}`);
  assert.match(r.effective_from, DATE);
  assert.ok(r.effective_to === null || DATE.test(r.effective_to));
  assert.equal(typeof r.citation, 'string');
  assert.ok(r.citation.length > 0, 'rule cites its source');
}

function assertAlgorithms(algs) {
  assert.ok(Array.isArray(algs) && algs.length > 0, 'algorithms');
  for (const a of algs) {
    assert.ok(['SM1', 'SM2', 'SM3', 'SM4', 'SM7', 'SM9', 'ZUC'].includes(a.name), `algorithm ${a.name}`);
    assert.ok('key_bits' in a && (a.key_bits === null || Number.isInteger(a.key_bits)), `${a.name} key_bits`);
  }
}

function assertProduct(p) {
  assert.equal(typeof p, 'object');
  assert.ok(Number.isInteger(p.id), 'product id');
  assert.ok(isValidUscc(p.enterprise_uscc), `enterprise_uscc ${p.enterprise_uscc}`);
  for (const k of ['enterprise_name', 'name', 'model', 'category', 'description']) assert.equal(typeof p[k], 'string', `Product.${k}`);
  assertAlgorithms(p.algorithms);
  assert.match(p.created_at, RFC3339_UTC);
  assert.match(p.updated_at, RFC3339_UTC);
  assert.equal(typeof p.version, 'number');
}

function assertDocument(d) {
  assert.ok(Number.isInteger(d.id), 'document id');
  assert.equal(typeof d.name, 'string');
  assert.ok(Number.isInteger(d.size), 'document size');
  assert.match(d.sm3, /^[0-9a-f]{64}$/);
  assert.match(d.uploaded_at, RFC3339_UTC);
  assert.equal(typeof d.uploaded_by, 'string');
}

function assertDeadline(d) {
  assert.ok(['request_materials', 'decide', 'issue'].includes(d.act), `deadline act ${d.act}`);
  assert.ok(d.due === null || DATE.test(d.due), `due ${d.due}`);
  assert.ok(Number.isInteger(d.working_days), 'working_days');
  assert.ok(d.working_days_used === null || Number.isInteger(d.working_days_used), 'working_days_used');
  assert.equal(typeof d.overdue, 'boolean');
  assertRule(d.rule);
  assert.equal(d.rule.id, `deadline.${d.act}`);
  if (d.error !== null) {
    assert.equal(typeof d.error.code, 'string');
    assert.equal(typeof d.error.detail, 'string');
  }
  if (d.due === null) assert.ok(d.error, 'a missing due date says why');
}

// Application; with full, the single-record form with events and documents.
function assertApplication(a, { full = false } = {}) {
  assert.equal(typeof a, 'object');
  assert.match(a.number, /^SQ\d{4}-\d{6}$/);
  assert.ok(APPROVAL_ITEMS.includes(a.item), `item ${a.item}`);
  assert.ok(APPLICATION_STATES.includes(a.state), `state ${a.state}`);
  assert.ok(isValidUscc(a.enterprise_uscc));
  assert.equal(typeof a.enterprise_name, 'string');
  assert.match(a.bureau_code, /^\d{6}$/);
  assert.equal(typeof a.product, 'object');
  assert.ok(Number.isInteger(a.product.id), 'product.id');
  for (const k of ['name', 'model', 'category']) assert.equal(typeof a.product[k], 'string', `product.${k}`);
  assertAlgorithms(a.product.algorithms);
  assert.ok(a.renewal_of === null || typeof a.renewal_of === 'string');
  assert.equal(typeof a.form, 'object');
  assert.match(a.received_on, DATE);
  for (const k of ['accepted_on', 'decided_on', 'halted_on']) assert.ok(a[k] === null || DATE.test(a[k]), `${k} ${a[k]}`);
  assert.equal(typeof a.deemed_accepted, 'boolean');
  assert.ok([null, 'approved', 'refused'].includes(a.outcome), `outcome ${a.outcome}`);
  assert.equal(typeof a.decision_reason, 'string');
  assert.ok(a.extension === null || (typeof a.extension.approver === 'string' && typeof a.extension.reason === 'string'));
  assert.ok(a.certificate_number === null || typeof a.certificate_number === 'string');
  assert.equal(typeof a.clock.running, 'boolean');
  assert.ok(a.clock.stopped_since === null || DATE.test(a.clock.stopped_since));
  assert.equal(a.clock.running, a.clock.stopped_since === null);
  if (a.deadline !== null) assertDeadline(a.deadline);
  assert.match(a.created_at, RFC3339_UTC);
  assert.match(a.updated_at, RFC3339_UTC);
  assert.equal(typeof a.version, 'number');
  if (full) {
    assert.ok(Array.isArray(a.events) && a.events.length > 0, 'events');
    for (const e of a.events) {
      assert.match(e.at, RFC3339_UTC);
      for (const k of ['actor', 'action', 'from_state', 'to_state', 'reason']) assert.equal(typeof e[k], 'string', `event.${k}`);
    }
    assert.ok(Array.isArray(a.documents), 'documents');
    a.documents.forEach(assertDocument);
  } else {
    assert.ok(!('events' in a), 'a list item carries no events');
  }
}

// The deadline of an application in its current state, checked against the
// public calculator: the same due day, or the same calendar_year_missing.
async function assertDeadlineOf(a, { act, days }) {
  assertDeadline(a.deadline);
  assert.equal(a.deadline.act, act);
  assert.equal(a.deadline.working_days, days);
  const start = act === 'request_materials' ? a.received_on : act === 'decide' ? a.accepted_on : a.decided_on;
  const calc = await C.anon.req('GET', `/api/v1/calendar/deadline?start=${start}&days=${days}`);
  if (calc.status === 200) {
    assert.equal(a.deadline.due, calc.body.due, `${act} due ${days} working days after ${start}`);
    assert.equal(a.deadline.error, null);
  } else {
    assertProblem(calc, 'calendar_year_missing', { status: 422 });
    assert.equal(a.deadline.due, null);
    assert.equal(a.deadline.error.code, 'calendar_year_missing', 'the deadline says which year is missing');
    assert.match(a.deadline.error.detail, /\d{4}/);
  }
}

function lastEvent(a) {
  return a.events[a.events.length - 1];
}

function assertPublicCertificate(c, { history = false } = {}) {
  assert.equal(typeof c, 'object');
  assert.equal(typeof c.number, 'string');
  assert.ok(APPROVAL_ITEMS.includes(c.kind), `kind ${c.kind}`);
  assert.equal(typeof c.legacy, 'boolean');
  for (const k of ['name', 'model', 'category']) assert.equal(typeof c.product[k], 'string', `product.${k}`);
  assert.ok(Array.isArray(c.product.algorithms), 'product.algorithms');
  assert.ok(isValidUscc(c.holder.uscc));
  assert.equal(typeof c.holder.name, 'string');
  assert.match(c.bureau_code, /^\d{6}$/);
  assert.match(c.issued_on, DATE);
  assert.match(c.expires_on, DATE);
  assert.ok(CERT_STATUSES.includes(c.status), `status ${c.status}`);
  assert.match(c.status_on, DATE);
  assert.ok(c.key_id === null || typeof c.key_id === 'string');
  assert.ok(c.application_number === null || typeof c.application_number === 'string');
  if (history) {
    assert.ok(Array.isArray(c.history) && c.history.length > 0, 'history');
    for (const h of c.history) {
      assert.match(h.on, DATE);
      assert.ok(['valid', 'suspended', 'revoked'].includes(h.status), `history status ${h.status}`);
      assert.equal(typeof h.reason, 'string');
      assert.match(h.at, RFC3339_UTC);
    }
  }
}

function assertSigningKey(k) {
  assert.match(k.key_id, /^[0-9a-f]+$/);
  assert.match(k.bureau_code, /^\d{6}$/);
  assert.equal(k.algorithm, 'SM2');
  assert.match(k.public_key_pem, /^-----BEGIN PUBLIC KEY-----\n[\s\S]+\n-----END PUBLIC KEY-----\n?$/);
  assert.match(k.created_at, RFC3339_UTC);
}


const OFFICER_ACTION = E(401, 200, 200, 404, 403, 403);
const APPLICANT_ACTION = E(401, 403, 403, 403, 403, 200);
const LEGACY_HOLDER = { anon: HAIDIAN, admin: SHENZHEN, 'officer.bj': CHAOYANG, 'officer.gd': GUANGZHOU, 'inspector.bj': HAIDIAN, 'ent.haidian': HAIDIAN };
const LEGACY_KIND = { anon: 'production', admin: 'sales_permit', 'officer.bj': 'fie_use', 'officer.gd': 'foreign_use', 'inspector.bj': 'production', 'ent.haidian': 'production' };

// A state change of an application, tried by every role of `expect` on a
// fresh application in state `from` (Haidian's, bureau 110000, so officer.gd
// is outside its scope; with gz Guangzhou's, bureau 440000). A refusal
// leaves the application as it was.
function actionRow(action, { label, from, expect, body = (role) => ({ reason: `${action} by ${role}` }), check, code, field, gz = false }) {
  const route = `POST /api/v1/applications/{number}/${action}`;
  const name = label ? `${route}: ${label}` : route;
  return {
    route: label ? undefined : route, label: label ? name : undefined, expect, code, field,
    run: async (role) => {
      const { number } = await mkApp(from, { gz });
      const before = await adminApp(number);
      const b = body(role);
      L.rec[key(name, role)] = { number, before, body: b };
      return C[role].req('POST', `/api/v1/applications/${number}/${action}`, b);
    },
    check: async (r, role) => {
      const { number, before, body: b } = L.rec[key(name, role)];
      assertJson(r);
      const a = action === 'issue' ? r.body.application : r.body;
      assertApplication(a, { full: true });
      assert.equal(a.number, number);
      assert.ok(a.version > before.version, 'version bumped');
      assert.equal(a.events.length, before.events.length + 1, 'one event added');
      const ev = lastEvent(a);
      assert.deepEqual({ actor: ev.actor, action: ev.action, from_state: ev.from_state, to_state: ev.to_state, reason: ev.reason },
        { actor: role, action, from_state: before.state, to_state: a.state, reason: b.reason || '' });
      const stored = await adminApp(number);
      assert.equal(stored.state, a.state, 'stored');
      assert.equal(stored.version, a.version, 'stored');
      if (check) await check(a, role, r);
    },
    denied: async (role) => {
      const { number, before } = L.rec[key(name, role)];
      const after = await adminApp(number);
      assert.equal(after.state, before.state, 'state unchanged');
      assert.equal(after.version, before.version, 'nothing written');
      assert.equal(after.events.length, before.events.length, 'no event');
    },
  };
}

// A status change of a fresh certificate of Haidian (bureau 110000; with gz
// of Guangzhou, 440000), first brought to status `from`.
function certStatusRow({ route, label, from, gz = false, expect, body, check, code, field }) {
  const name = route || label;
  return {
    route, label, expect, code, field,
    run: async (role) => {
      const cert = await mkCert({ gz, status: from });
      const before = await publicCert(cert.number);
      const b = body(role);
      L.rec[key(name, role)] = { number: cert.number, before, body: b };
      return C[role].req('POST', `/api/v1/certificates/${cert.number}/status`, b);
    },
    check: async (r, role) => {
      const { number, before, body: b } = L.rec[key(name, role)];
      assertJson(r);
      assertPublicCertificate(r.body, { history: true });
      assert.equal(r.body.number, number);
      assert.equal(r.body.history.length, before.history.length + 1, 'one history entry added');
      const h = r.body.history[r.body.history.length - 1];
      assert.equal(h.status, b.status);
      assert.equal(h.reason, b.reason);
      assert.equal(h.on, r.body.status_on, 'effective today');
      if (check) check(r.body, role);
      assert.equal((await publicCert(number)).status, r.body.status, 'the public record shows the new status');
    },
    denied: async (role) => {
      const { number, before } = L.rec[key(name, role)];
      const after = await publicCert(number);
      assert.equal(after.status, before.status, 'status unchanged');
      assert.deepEqual(after.history, before.history, 'history unchanged');
    },
  };
}

async function adminGet(uscc) {
  return C.admin.req('GET', `/api/v1/registry/enterprises/${uscc}`);
}

// A bearer token authenticates as its owner: GET /api/v1/tokens (any
// signed-in caller, own tokens only) lists the token itself.
async function assertTokenWorks(t) {
  const r = await bearerClient(srv.url, t.token).req('GET', '/api/v1/tokens');
  assertStatus(r, 200, 'bearer token works');
  assert.ok(r.body.items.some((x) => String(x.id) === String(t.id)), 'the bearer caller is the token owner');
}

async function userList() {
  return walk(C.admin, '/api/v1/users');
}

const MATRIX = [
  {
    route: 'GET /healthz', method: 'GET', path: '/healthz', expect: all(200),
    check: (r) => { assertJson(r); assert.equal(r.body.status, 'ok'); },
  },
  {
    route: 'GET /metrics', method: 'GET', path: '/metrics', expect: all(200),
    check: (r) => {
      assert.match(r.headers.get('content-type') || '', /^text\/plain/);
      assert.match(r.text, /^# TYPE \S+ (counter|gauge|histogram|summary)$/m);
    },
  },
  {
    route: 'GET /api/v1/openapi.json', method: 'GET', path: '/api/v1/openapi.json', expect: all(200),
    check: (r) => { assertJson(r); assert.match(r.body.openapi, /^3\.1\.\d+$/); assert.equal(typeof r.body.paths, 'object'); },
  },
  {
    route: 'POST /api/v1/session', label: 'POST /api/v1/session (log in)', expect: E(401, 200, 200, 200, 200, 200),
    run: async (role) => {
      const c = new Client(srv.url);
      return c.login(role === 'anon' ? 'admin' : role, role === 'anon' ? 'wrong password!!' : PASSWORD);
    },
    check: (r, role) => {
      assertJson(r);
      assertUser(r.body.user);
      assert.equal(r.body.user.username, role);
      assert.equal(r.body.user.role, ROLE_OF[role]);
      assert.equal(typeof r.body.csrf_token, 'string');
      assert.ok(r.body.csrf_token.length >= 16, 'csrf token has some entropy');
      const sc = r.headers.get('set-cookie') || '';
      assert.match(sc, /^cr_session=[^;]+/);
      assert.match(sc, /;\s*HttpOnly/i);
      assert.match(sc, /;\s*SameSite=Strict/i);
      assert.match(sc, /;\s*Path=\/(;|$)/i);
    },
  },
  {
    route: 'GET /api/v1/session', method: 'GET', path: '/api/v1/session', expect: E(401, 200, 200, 200, 200, 200),
    check: (r, role) => {
      assertJson(r);
      assertUser(r.body.user);
      assert.equal(r.body.user.username, role);
      assert.equal(r.body.user.role, ROLE_OF[role]);
      assert.equal(r.body.user.bureau_code, BUREAU_OF[role] ?? null);
      assert.equal(r.body.user.enterprise_uscc, role === 'ent.haidian' ? OWN_ENTERPRISE : null);
      assert.equal(r.body.csrf_token, C[role].csrf);
    },
  },
  {
    route: 'DELETE /api/v1/session', label: 'DELETE /api/v1/session (log out)', expect: E(401, 204, 204, 204, 204, 204),
    run: async (role) => {
      if (role === 'anon') return C.anon.req('DELETE', '/api/v1/session');
      const c = await loginAs(srv.url, role);
      ctx.loggedOutCookie = c.cookie;
      return c.req('DELETE', '/api/v1/session');
    },
    check: async () => {
      // The old cookie no longer authenticates (server-side logout).
      const c = new Client(srv.url);
      c.cookie = ctx.loggedOutCookie;
      assertProblem(await c.req('GET', '/api/v1/session'), 'unauthenticated');
    },
  },
  {
    route: 'GET /api/v1/bureaus', method: 'GET', path: '/api/v1/bureaus', expect: all(200),
    check: (r) => {
      assertJson(r);
      const items = r.body.items;
      assert.equal(items.length, 33);
      items.forEach(assertBureau);
      const codes = items.map((b) => b.code);
      assert.deepEqual(codes, [...codes].sort(), 'ordered by code');
      assert.equal(new Set(codes).size, 33);
      const by = Object.fromEntries(items.map((b) => [b.code, b]));
      assert.equal(by['110000'].kind, 'municipality');
      assert.equal(by['440000'].kind, 'province');
      assert.equal(by['650000'].kind, 'autonomous_region');
      assert.equal(by['440300'].kind, 'sub_provincial_city');
      assert.equal(by['660000'].kind, 'xpcc');
      assert.equal(by['110000'].name_zh, '北京市密码管理局');
      assert.equal(by['110000'].name_en, 'Beijing Cryptography Administration');
    },
  },
  {
    route: 'GET /api/v1/bureaus/{code}', method: 'GET', path: '/api/v1/bureaus/660000', expect: all(200),
    check: (r) => { assertJson(r); assertBureau(r.body); assert.equal(r.body.code, '660000'); assert.equal(r.body.kind, 'xpcc'); },
  },
  { label: 'GET /api/v1/bureaus/999999 (unknown)', method: 'GET', path: '/api/v1/bureaus/999999', expect: all(404) },
  {
    route: 'GET /api/v1/enterprises', method: 'GET', path: `/api/v1/enterprises?q=${encodeURIComponent('海淀密码')}`, expect: all(200),
    check: (r) => {
      const items = assertList(r, assertPublicOnly);
      assert.deepEqual(items.map((e) => e.uscc), [HAIDIAN]);
      assert.equal(items[0].bureau_code, '110000');
    },
  },
  {
    route: 'GET /api/v1/enterprises/{uscc}', method: 'GET', path: `/api/v1/enterprises/${SHENZHEN}`, expect: all(200),
    check: (r) => {
      assertJson(r);
      assertPublicOnly(r.body);
      assert.equal(r.body.uscc, SHENZHEN);
      assert.equal(r.body.name_zh, '深圳南山密码芯片有限公司');
      assert.deepEqual(r.body.roles, ['manufacturer']);
      assert.equal(r.body.bureau_code, '440300');
    },
  },
  { label: 'GET /api/v1/enterprises/{unknown uscc}', method: 'GET', path: () => `/api/v1/enterprises/${makeUscc('110108')}`, expect: all(404) },
  {
    route: 'GET /api/v1/registry/enterprises', method: 'GET', path: '/api/v1/registry/enterprises',
    expect: E(401, 200, 200, 200, 200, 200),
    check: async (r, role) => {
      assertList(r, assertEnterprise);
      const items = await walk(C[role], '/api/v1/registry/enterprises');
      const usccs = items.map((e) => e.uscc);
      assert.equal(new Set(usccs).size, usccs.length, 'no duplicates');
      for (const u of FIXTURE_USCCS)
        assert.equal(usccs.includes(u), inScope(role, u), `${role} ${inScope(role, u) ? 'must' : 'must not'} see ${u}`);
      if (BUREAU_OF[role]) for (const e of items) assert.equal(e.bureau_code, BUREAU_OF[role], `${role} sees ${e.uscc}`);
      if (role === 'ent.haidian') assert.deepEqual(usccs, [OWN_ENTERPRISE]);
    },
  },
  ...FIXTURE_USCCS.map((uscc) => ({
    route: 'GET /api/v1/registry/enterprises/{uscc}', label: `GET /api/v1/registry/enterprises/${uscc}`,
    method: 'GET', path: `/api/v1/registry/enterprises/${uscc}`,
    expect: Object.fromEntries(ROLES.map((role) => [role, role === 'anon' ? 401 : inScope(role, uscc) ? 200 : 404])),
    check: (r) => {
      assertJson(r);
      assertEnterprise(r.body);
      assert.equal(r.body.uscc, uscc);
      assert.equal(r.body.derived_bureau_code, derivedBureau(uscc));
      assert.equal(r.body.bureau_code, derivedBureau(uscc));
      assert.equal(r.body.bureau_override_reason, null);
      assert.equal(r.body.name_zh, FIXTURES.enterprises.find((e) => e.uscc === uscc).name_zh);
    },
  })),
  {
    route: 'POST /api/v1/registry/enterprises', method: 'POST', path: '/api/v1/registry/enterprises',
    expect: E(401, 201, 201, 201, 403, 403),
    body: (role) => {
      const div = { admin: '440305', 'officer.bj': '110105', 'officer.gd': '440106' }[role] || '110108';
      return (ctx.created[role] = enterpriseInput({ division: div, roles: ['seller', 'importer'] }));
    },
    check: async (r, role) => {
      const input = ctx.created[role];
      assertJson(r);
      assertEnterprise(r.body);
      for (const k of ['uscc', 'name_zh', 'name_en', 'address', 'legal_representative', 'contact_name', 'contact_phone', 'contact_email'])
        assert.equal(r.body[k], input[k], k);
      assert.deepEqual([...r.body.roles].sort(), ['importer', 'seller']);
      assert.equal(r.body.derived_bureau_code, derivedBureau(input.uscc));
      assert.equal(r.body.bureau_code, derivedBureau(input.uscc));
      const g = await adminGet(input.uscc);
      assertStatus(g, 200);
      assert.equal(g.body.name_zh, input.name_zh);
    },
    denied: async (role) => assertStatus(await adminGet(ctx.created[role].uscc), 404, 'not created'),
  },
  {
    label: 'POST /api/v1/registry/enterprises for another bureau (officer)', method: 'POST', path: '/api/v1/registry/enterprises',
    expect: E(undefined, undefined, 403, 403),
    body: (role) => (ctx.created[role + '.other'] = enterpriseInput({ division: role === 'officer.bj' ? '440106' : '440305' })),
    denied: async (role) => assertStatus(await adminGet(ctx.created[role + '.other'].uscc), 404, 'not created'),
  },
  {
    label: 'POST /api/v1/registry/enterprises for XPCC (officer.gd)', method: 'POST', path: '/api/v1/registry/enterprises',
    expect: E(undefined, undefined, undefined, 403),
    body: () => (ctx.created.xpccByGd = enterpriseInput({ division: '659001' })),
    denied: async () => assertStatus(await adminGet(ctx.created.xpccByGd.uscc), 404, 'not created'),
  },
  {
    route: 'PATCH /api/v1/registry/enterprises/{uscc}', method: 'PATCH',
    path: (role) => `/api/v1/registry/enterprises/${{ admin: GUANGZHOU, 'officer.gd': GUANGZHOU, 'ent.haidian': HAIDIAN }[role] || CHAOYANG}`,
    expect: E(401, 200, 200, 200, 403, 200),
    body: (role) => (role === 'ent.haidian'
      ? { contact_phone: '+86 10 6000 0001', contact_email: 'sec@haidian.example.cn', contact_name: '王五', address: '北京市海淀区' }
      : { name_en: `Patched by ${role}` }),
    check: async (r, role) => {
      assertJson(r);
      assertEnterprise(r.body);
      const uscc = { admin: GUANGZHOU, 'officer.gd': GUANGZHOU, 'ent.haidian': HAIDIAN }[role] || CHAOYANG;
      assert.equal(r.body.uscc, uscc);
      const g = await adminGet(uscc);
      if (role === 'ent.haidian') {
        assert.equal(r.body.contact_phone, '+86 10 6000 0001');
        assert.equal(g.body.contact_email, 'sec@haidian.example.cn');
        assert.equal(g.body.address, '北京市海淀区');
      } else {
        assert.equal(r.body.name_en, `Patched by ${role}`);
        assert.equal(g.body.name_en, `Patched by ${role}`);
      }
    },
    denied: async (role) => {
      const g = await adminGet(CHAOYANG);
      assert.notEqual(g.body.name_en, `Patched by ${role}`);
    },
  },
  {
    label: 'PATCH /api/v1/registry/enterprises/{uscc} outside own scope', method: 'PATCH',
    path: (role) => `/api/v1/registry/enterprises/${{ 'officer.bj': GUANGZHOU, 'officer.gd': SHENZHEN, 'ent.haidian': CHAOYANG }[role]}`,
    expect: E(undefined, undefined, 404, 404, undefined, 404),
    body: (role) => (role === 'ent.haidian' ? { contact_phone: '110' } : { name_en: `Hijacked by ${role}` }),
    denied: async (role) => {
      const uscc = { 'officer.bj': GUANGZHOU, 'officer.gd': SHENZHEN, 'ent.haidian': CHAOYANG }[role];
      const g = await adminGet(uscc);
      assert.notEqual(g.body.name_en, `Hijacked by ${role}`);
      assert.notEqual(g.body.contact_phone, '110');
    },
  },
  {
    label: 'PATCH /api/v1/registry/enterprises/{XPCC} as officer.gd', method: 'PATCH', path: `/api/v1/registry/enterprises/${XPCC}`,
    expect: E(undefined, undefined, undefined, 404), body: () => ({ name_en: 'Hijacked' }),
    denied: async () => assert.notEqual((await adminGet(XPCC)).body.name_en, 'Hijacked'),
  },
  {
    label: 'PATCH own enterprise name_zh as enterprise user', method: 'PATCH', path: `/api/v1/registry/enterprises/${HAIDIAN}`,
    expect: E(undefined, undefined, undefined, undefined, undefined, 403), body: () => ({ name_zh: '篡改的名称' }),
    field: 'name_zh',
    denied: async () => assert.equal((await adminGet(HAIDIAN)).body.name_zh, '北京海淀密码科技有限公司'),
  },
  {
    label: 'PATCH own enterprise legal_representative + contact as enterprise user', method: 'PATCH', path: `/api/v1/registry/enterprises/${HAIDIAN}`,
    expect: E(undefined, undefined, undefined, undefined, undefined, 403),
    body: () => ({ contact_name: 'Mixed', legal_representative: '篡改' }), field: 'legal_representative',
    denied: async () => {
      const g = await adminGet(HAIDIAN);
      assert.notEqual(g.body.legal_representative, '篡改');
      assert.notEqual(g.body.contact_name, 'Mixed', 'a refused PATCH writes nothing, not even the allowed fields');
    },
  },
  {
    route: 'PUT /api/v1/registry/enterprises/{uscc}/bureau', method: 'PUT',
    path: (role) => `/api/v1/registry/enterprises/${{ admin: XPCC, 'officer.gd': GUANGZHOU, 'ent.haidian': HAIDIAN }[role] || CHAOYANG}/bureau`,
    expect: E(401, 200, 403, 403, 403, 403),
    body: (role) => ({ bureau_code: role === 'admin' ? '650000' : '440000', reason: `matrix override by ${role}` }),
    check: async (r) => {
      assertJson(r);
      assertEnterprise(r.body);
      assert.equal(r.body.bureau_code, '650000');
      assert.equal(r.body.derived_bureau_code, '660000');
      assert.equal(r.body.bureau_override_reason, 'matrix override by admin');
      // Back to the derived bureau.
      const back = await C.admin.req('PUT', `/api/v1/registry/enterprises/${XPCC}/bureau`, { bureau_code: null, reason: 'matrix reset' });
      assertStatus(back, 200);
      assert.equal(back.body.bureau_code, '660000');
    },
    denied: async (role) => {
      const uscc = { 'officer.gd': GUANGZHOU, 'ent.haidian': HAIDIAN }[role] || CHAOYANG;
      const g = await adminGet(uscc);
      assert.equal(g.body.bureau_code, derivedBureau(uscc));
      assert.equal(g.body.bureau_override_reason, null);
    },
  },
  {
    route: 'POST /api/v1/registry/enterprises/import', method: 'POST', path: '/api/v1/registry/enterprises/import',
    expect: E(401, 201, 201, 201, 403, 403),
    raw: true, headers: { 'content-type': 'text/csv' },
    body: (role) => {
      const div = { admin: '330106', 'officer.bj': '110108', 'officer.gd': '440106' }[role] || '110108';
      const e = (ctx.created['import.' + role] = enterpriseInput({ division: div, roles: ['integrator', 'seller'] }));
      return csv([e]);
    },
    check: async (r, role) => {
      assertJson(r);
      assert.deepEqual(r.body, { imported: 1 });
      const e = ctx.created['import.' + role];
      const g = await adminGet(e.uscc);
      assertStatus(g, 200);
      assert.equal(g.body.name_zh, e.name_zh);
      assert.equal(g.body.contact_email, e.contact_email);
      assert.deepEqual([...g.body.roles].sort(), ['integrator', 'seller']);
    },
    denied: async (role) => assertStatus(await adminGet(ctx.created['import.' + role].uscc), 404, 'not imported'),
  },
  {
    route: 'POST /api/v1/users', method: 'POST', path: '/api/v1/users', expect: E(401, 201, 403, 403, 403, 403),
    body: (role) => ({
      username: `new.by.${role.replace(/[^a-z]/g, '')}`, display_name: '新用户', role: 'inspector',
      password: PASSWORD, bureau_code: '440000',
    }),
    check: async (r) => {
      assertJson(r);
      assertUser(r.body);
      assert.equal(r.body.username, 'new.by.admin');
      assert.equal(r.body.display_name, '新用户');
      assert.equal(r.body.role, 'inspector');
      assert.equal(r.body.bureau_code, '440000');
      assert.equal(r.body.enterprise_uscc, null);
      assert.equal(r.body.disabled, false);
      assert.ok(!r.text.includes(PASSWORD), 'password echoed');
      await loginAs(srv.url, 'new.by.admin');
    },
    denied: async (role) => {
      const users = await userList();
      assert.ok(!users.some((u) => u.username === `new.by.${role.replace(/[^a-z]/g, '')}`));
    },
  },
  {
    route: 'POST /api/v1/users/{username}/disable', method: 'POST',
    path: (role) => `/api/v1/users/${role === 'admin' ? 'victim.disable' : 'victim.keep'}/disable`,
    expect: E(401, 200, 403, 403, 403, 403),
    check: async (r) => {
      assertJson(r);
      assertUser(r.body);
      assert.equal(r.body.username, 'victim.disable');
      assert.equal(r.body.disabled, true);
      const l = await new Client(srv.url).login('victim.disable', PASSWORD);
      assert.equal(l.status, 401, 'disabled user cannot log in');
    },
    denied: async () => {
      const u = (await userList()).find((x) => x.username === 'victim.keep');
      assert.equal(u.disabled, false);
    },
  },
  {
    route: 'POST /api/v1/users/{username}/password', method: 'POST',
    path: (role) => `/api/v1/users/${role === 'admin' ? 'victim.pw' : 'victim.keep'}/password`,
    expect: E(401, 204, 403, 403, 403, 403),
    body: () => ({ password: NEW_PASSWORD }),
    check: async () => { await loginAs(srv.url, 'victim.pw', NEW_PASSWORD); },
    denied: async () => { await loginAs(srv.url, 'victim.keep', PASSWORD); },
  },
  {
    label: 'POST /api/v1/users/{self}/password (own password)',
    expect: E(undefined, undefined, 204, 204, 204, 204),
    run: async (role) => {
      const c = await loginAs(srv.url, `self.${role}`);
      return c.req('POST', `/api/v1/users/self.${role}/password`, { password: NEW_PASSWORD });
    },
    check: async (r, role) => { await loginAs(srv.url, `self.${role}`, NEW_PASSWORD); },
  },
  {
    route: 'POST /api/v1/tokens', method: 'POST', path: '/api/v1/tokens', expect: E(401, 201, 201, 201, 201, 201),
    body: (role) => ({ name: `ci token of ${role}` }),
    check: async (r, role) => {
      assertJson(r);
      assert.ok(r.body.id !== undefined && r.body.id !== null);
      assert.equal(r.body.name, `ci token of ${role}`);
      assert.equal(typeof r.body.token, 'string');
      assert.ok(r.body.token.length >= 20, 'token has some entropy');
      ctx.tokens[role] = r.body;
      await assertTokenWorks(r.body);
    },
  },
  {
    route: 'GET /api/v1/tokens', method: 'GET', path: '/api/v1/tokens', expect: E(401, 200, 200, 200, 200, 200),
    check: (r, role) => {
      assertJson(r);
      assert.ok(Array.isArray(r.body.items));
      const mine = r.body.items.find((t) => String(t.id) === String(ctx.tokens[role].id));
      assert.ok(mine, 'own token listed');
      assert.equal(mine.name, `ci token of ${role}`);
      assert.ok(!('token' in mine), 'no secret in listing');
      for (const [other, t] of Object.entries(ctx.tokens)) {
        assert.ok(!r.text.includes(t.token), 'no token secret in the listing');
        if (other !== role) assert.ok(!r.body.items.some((x) => String(x.id) === String(t.id)), `${role} sees ${other}'s token`);
      }
    },
  },
  {
    label: "DELETE /api/v1/tokens/{id} of another user", method: 'DELETE',
    path: (role) => `/api/v1/tokens/${ctx.tokens[role === 'admin' ? 'officer.bj' : 'admin'].id}`,
    expect: E(401, 404, 404, 404, 404, 404),
    denied: async (role) => {
      await assertTokenWorks(ctx.tokens[role === 'admin' ? 'officer.bj' : 'admin']);
    },
  },
  {
    route: 'DELETE /api/v1/tokens/{id}', method: 'DELETE',
    path: (role) => `/api/v1/tokens/${(ctx.tokens[role] || ctx.tokens.admin).id}`,
    expect: E(401, 204, 204, 204, 204, 204),
    check: async (r, role) => {
      assertProblem(await bearerClient(srv.url, ctx.tokens[role].token).req('GET', '/api/v1/tokens'), 'unauthenticated');
      const l = await C[role].req('GET', '/api/v1/tokens');
      assert.ok(!l.body.items.some((t) => String(t.id) === String(ctx.tokens[role].id)), 'gone from listing');
    },
  },
  {
    route: 'GET /api/v1/users', method: 'GET', path: '/api/v1/users', expect: E(401, 200, 200, 200, 403, 403),
    check: async (r, role) => {
      assertList(r, assertUser);
      const users = await walk(C[role], '/api/v1/users');
      const names = users.map((u) => u.username);
      if (role === 'admin') {
        for (const u of FIXTURES.users) assert.ok(names.includes(u.username), u.username);
        assert.ok(names.includes('victim.keep'));
      } else {
        const b = BUREAU_OF[role];
        assert.ok(names.includes(role), 'own user listed');
        assert.ok(!names.includes('admin'), 'national admin not in a bureau list');
        for (const u of users) if (u.bureau_code !== null) assert.equal(u.bureau_code, b, `${role} sees ${u.username}`);
        if (b === '110000') { assert.ok(names.includes('inspector.bj')); assert.ok(!names.includes('officer.gd')); }
        else { assert.ok(!names.includes('officer.bj')); assert.ok(!names.includes('inspector.bj')); assert.ok(names.includes('new.by.admin')); }
      }
    },
  },
  {
    route: 'GET /api/v1/audit', method: 'GET', path: '/api/v1/audit', expect: E(401, 200, 200, 200, 403, 403),
    check: async (r, role) => {
      assertList(r, assertAuditEntry);
      const items = await walk(C[role], '/api/v1/audit');
      assert.ok(items.length > 0, 'some audit entries');
      if (BUREAU_OF[role]) for (const a of items) assert.equal(a.bureau_code, BUREAU_OF[role], `${role} sees entry ${a.id} (${a.action})`);
      if (role === 'admin') {
        const bureaus = new Set(items.map((a) => a.bureau_code));
        for (const b of ['110000', '440000', '440300']) assert.ok(bureaus.has(b), `admin sees ${b} entries`);
      }
      // Own bureau's writes are there.
      const want = role === 'officer.gd' ? ctx.created['officer.gd'].uscc : ctx.created['officer.bj'].uscc;
      assert.ok(items.some((a) => a.entity_id === want), `entry for ${want}`);
    },
  },  // -------------------------------------------------------------------------
  // Products, applications and certificates (issue 3)
  {
    route: 'GET /api/v1/reference', method: 'GET', path: '/api/v1/reference', expect: all(200),
    check: (r) => {
      assertJson(r);
      const b = r.body;
      assert.ok(b.product_categories.length > 0);
      for (const c of b.product_categories) for (const k of ['id', 'zh', 'en']) assert.equal(typeof c[k], 'string', `category.${k}`);
      assert.ok(b.product_categories.some((c) => c.id === 'crypto_card'));
      const alg = Object.fromEntries(b.algorithms.map((a) => [a.name, a.key_bits]));
      assert.deepEqual(Object.keys(alg).sort(), ['SM1', 'SM2', 'SM3', 'SM4', 'SM7', 'SM9', 'ZUC']);
      assert.deepEqual(alg.SM2, [256]);
      assert.deepEqual(alg.SM4, [128]);
      assert.deepEqual(alg.SM3, []);
      assert.deepEqual(alg.ZUC, [128, 256]);
      const items = Object.fromEntries(b.approval_items.map((i) => [i.id, i]));
      assert.deepEqual(Object.keys(items).sort(), [...APPROVAL_ITEMS].sort());
      assert.equal(items.type_model.removed_on, null);
      for (const id of REMOVED_ITEMS) assert.equal(items[id].removed_on, '2017-10-11', id);
      for (const i of b.approval_items) { assert.equal(typeof i.zh, 'string'); assert.equal(typeof i.en, 'string'); }
      assert.deepEqual(b.application_states.map((s) => s.id), APPLICATION_STATES);
      assert.deepEqual(b.certificate_statuses.map((s) => s.id), CERT_STATUSES);
      for (const s of [...b.application_states, ...b.certificate_statuses]) { assert.equal(typeof s.zh, 'string'); assert.equal(typeof s.en, 'string'); }
    },
  },
  {
    route: 'GET /api/v1/rules', method: 'GET', path: '/api/v1/rules', expect: all(200),
    check: (r) => {
      assertJson(r);
      assert.match(r.body.at, DATE);
      r.body.items.forEach(assertRule);
      const ids = r.body.items.map((x) => x.id);
      assert.equal(new Set(ids).size, ids.length, 'one version of each rule on a date');
      const by = Object.fromEntries(r.body.items.map((x) => [x.id, x]));
      assert.equal(by['deadline.decide'].value, 20);
      assert.equal(by['deadline.decide'].unit, 'working_days');
      assert.equal(by['deadline.request_materials'].value, 5);
      for (const id of REMOVED_ITEMS) assert.equal(by[`removed.${id}`].kind, 'removed_item', id);
      assert.ok(!('item.production' in by), 'the production approval is not in force today');
      assert.ok('item.type_model' in by);
    },
  },
  {
    label: 'GET /api/v1/rules?at=2010-01-01 (before Notice 336)', method: 'GET', path: '/api/v1/rules?at=2010-01-01', expect: all(200),
    check: (r) => {
      assert.equal(r.body.at, '2010-01-01');
      const ids = r.body.items.map((x) => x.id);
      for (const id of REMOVED_ITEMS) {
        assert.ok(ids.includes(`item.${id}`), `item.${id} in force in 2010`);
        assert.ok(!ids.includes(`removed.${id}`), `removed.${id} not yet in force in 2010`);
      }
    },
  },
  {
    label: 'GET /api/v1/rules?all=1', method: 'GET', path: '/api/v1/rules?all=1', expect: all(200),
    check: (r) => {
      r.body.items.forEach(assertRule);
      const ids = r.body.items.map((x) => x.id);
      for (const id of REMOVED_ITEMS) assert.ok(ids.includes(`item.${id}`) && ids.includes(`removed.${id}`), id);
    },
  },
  { label: 'GET /api/v1/rules?at=2026-02-30 (no such date)', method: 'GET', path: '/api/v1/rules?at=2026-02-30', expect: all(422), code: 'invalid_date', field: 'at' },
  {
    route: 'GET /api/v1/calendar', method: 'GET', path: '/api/v1/calendar', expect: all(200),
    check: (r) => {
      assertJson(r);
      const years = r.body.items.map((y) => y.year);
      for (let y = 2017; y <= 2026; y++) assert.ok(years.includes(y), `${y} is loaded`);
      assert.deepEqual(years, [...years].sort((a, b) => a - b), 'ordered by year');
      for (const y of r.body.items) {
        assert.ok(Number.isInteger(y.year));
        assert.equal(typeof y.source, 'string');
        assert.ok(Number.isInteger(y.days) && y.days > 0, `${y.year} days`);
        assert.match(y.loaded_at, RFC3339_UTC);
        assert.equal(typeof y.loaded_by, 'string');
      }
      const y2025 = r.body.items.find((y) => y.year === 2025);
      assert.equal(y2025.loaded_by, 'shipped');
      assert.match(y2025.source, /国务院办公厅关于2025年部分节假日安排的通知/);
    },
  },
  {
    route: 'GET /api/v1/calendar/{year}', method: 'GET', path: '/api/v1/calendar/2025', expect: all(200),
    check: (r) => {
      assertJson(r);
      assert.equal(r.body.year, 2025);
      assert.match(r.body.source, /国办发明电〔2024〕12号/);
      for (const d of r.body.items) {
        assert.match(d.date, /^2025-\d{2}-\d{2}$/);
        assert.ok(['holiday', 'workday'].includes(d.kind));
        assert.equal(typeof d.name, 'string');
      }
      const by = Object.fromEntries(r.body.items.map((d) => [d.date, d.kind]));
      assert.equal(by['2025-01-01'], 'holiday');
      assert.equal(by['2025-01-26'], 'workday');
      assert.equal(by['2025-10-01'], 'holiday');
    },
  },
  { label: 'GET /api/v1/calendar/2099 (not loaded)', method: 'GET', path: '/api/v1/calendar/2099', expect: all(404) },
  {
    route: 'PUT /api/v1/calendar/{year}', method: 'PUT', expect: E(401, 200, 403, 403, 403, 403),
    // Each role sends its own year, so a refused load is seen to leave no trace.
    path: (role) => `/api/v1/calendar/${2030 + ROLES.indexOf(role)}`,
    raw: true, headers: csvHeaders, body: (role) => calendarFile(2030 + ROLES.indexOf(role)),
    check: async (r) => {
      assertJson(r);
      assert.equal(r.body.year, 2031);
      assert.match(r.body.source, /matrix test table for 2031/);
      assert.equal(r.body.items.length, 2);
      assert.deepEqual(r.body.items[0], { date: '2031-01-01', kind: 'holiday', name: "元旦 New Year's Day" });
      assert.equal(r.body.items[1].kind, 'workday');
      const g = await C.anon.req('GET', '/api/v1/calendar/2031');
      assertStatus(g, 200);
      assert.equal(g.body.items.length, 2);
      const l = await C.anon.req('GET', '/api/v1/calendar');
      const y = l.body.items.find((x) => x.year === 2031);
      assert.ok(y, '2031 listed');
      assert.equal(y.loaded_by, 'admin');
      assert.equal(y.days, 2);
    },
    denied: async (role) => assertStatus(await C.anon.req('GET', `/api/v1/calendar/${2030 + ROLES.indexOf(role)}`), 404, 'not loaded'),
  },
  {
    label: 'PUT /api/v1/calendar/{year} with the file of another year', method: 'PUT', path: '/api/v1/calendar/2040',
    expect: E(undefined, 422), raw: true, headers: csvHeaders, body: () => calendarFile(2041), code: 'invalid_calendar', field: 'year',
    denied: async () => {
      assertStatus(await C.anon.req('GET', '/api/v1/calendar/2040'), 404);
      assertStatus(await C.anon.req('GET', '/api/v1/calendar/2041'), 404);
    },
  },
  {
    label: 'PUT /api/v1/calendar/{year} with a moved working day on a Wednesday', method: 'PUT', path: '/api/v1/calendar/2030',
    expect: E(undefined, 422), raw: true, headers: csvHeaders, code: 'invalid_calendar',
    body: () => 'year,2030\r\nsource,"matrix test table"\r\ndate,kind,name\r\n2030-01-01,holiday,元旦\r\n2030-01-02,workday,调休\r\n',
    denied: async (role, r) => {
      assert.deepEqual(r.body.rows.map((x) => [x.line, x.column]), [[5, 'kind']]);
      assertStatus(await C.anon.req('GET', '/api/v1/calendar/2030'), 404);
    },
  },
  {
    route: 'GET /api/v1/calendar/deadline', method: 'GET', path: '/api/v1/calendar/deadline?start=2025-09-26&days=5', expect: all(200),
    // National Day 2025: 28 Sep (Sunday) is a working day, 1-8 Oct are days off.
    check: (r) => { assertJson(r); assert.deepEqual(r.body, { start: '2025-09-26', days: 5, due: '2025-10-10' }); },
  },
  {
    label: 'GET /api/v1/calendar/deadline into a year without a table', method: 'GET',
    path: '/api/v1/calendar/deadline?start=2099-06-01&days=20', expect: all(422), code: 'calendar_year_missing',
    denied: (role, r) => assert.match(r.body.detail, /2099/, 'names the year'),
  },
  {
    label: 'GET /api/v1/calendar/deadline without days', method: 'GET', path: '/api/v1/calendar/deadline?start=2025-09-26',
    expect: all(422), code: 'invalid_value', field: 'days',
  },

  {
    route: 'GET /api/v1/products', method: 'GET', path: '/api/v1/products', expect: E(401, 200, 200, 200, 200, 200),
    check: async (r, role) => {
      assertList(r, assertProduct);
      const items = await walk(C[role], '/api/v1/products');
      const ids = items.map((p) => p.id);
      for (const [k, uscc] of [['H', HAIDIAN], ['C', CHAOYANG], ['G', GUANGZHOU], ['S', SHENZHEN]])
        assert.equal(ids.includes(L.products[k].id), inScope(role, uscc), `${role} ${inScope(role, uscc) ? 'must' : 'must not'} see the product of ${uscc}`);
      if (role === 'ent.haidian') for (const p of items) assert.equal(p.enterprise_uscc, HAIDIAN);
      if (BUREAU_OF[role]) for (const p of items) assert.equal(derivedBureau(p.enterprise_uscc), BUREAU_OF[role], `${role} sees product ${p.id}`);
    },
  },
  {
    label: 'GET /api/v1/products?enterprise= of another enterprise (enterprise user)', method: 'GET',
    path: `/api/v1/products?enterprise=${CHAOYANG}`, expect: E(undefined, undefined, undefined, undefined, undefined, 403), field: 'enterprise',
  },
  {
    route: 'POST /api/v1/products', method: 'POST', path: '/api/v1/products', expect: E(401, 201, 201, 201, 403, 201),
    body: (role) => productInput(`matrix product by ${role}`,
      role === 'ent.haidian' ? {} : { enterprise_uscc: { admin: SHENZHEN, 'officer.bj': CHAOYANG, 'officer.gd': GUANGZHOU }[role] || HAIDIAN }),
    check: async (r, role) => {
      assertJson(r);
      assertProduct(r.body);
      const input = productInput(`matrix product by ${role}`);
      const uscc = { admin: SHENZHEN, 'officer.bj': CHAOYANG, 'officer.gd': GUANGZHOU, 'ent.haidian': HAIDIAN }[role];
      for (const k of ['name', 'model', 'category', 'description', 'algorithms']) assert.deepEqual(r.body[k], input[k], k);
      assert.equal(r.body.enterprise_uscc, uscc);
      assert.equal(r.body.enterprise_name, nameOf(uscc));
      const g = await C.admin.req('GET', `/api/v1/products/${r.body.id}`);
      assertStatus(g, 200);
      assert.equal(g.body.name, input.name);
    },
    denied: async (role) => {
      const items = await walk(C.admin, '/api/v1/products');
      assert.ok(!items.some((p) => p.name === `matrix product by ${role}`), 'not created');
    },
  },
  {
    label: 'POST /api/v1/products for an enterprise outside the caller\'s scope', method: 'POST', path: '/api/v1/products',
    expect: E(undefined, undefined, 403, 403, undefined, 403), field: 'enterprise_uscc',
    body: (role) => productInput(`matrix out-of-scope product by ${role}`,
      { enterprise_uscc: { 'officer.bj': GUANGZHOU, 'officer.gd': SHENZHEN, 'ent.haidian': CHAOYANG }[role] }),
    denied: async (role) => {
      const items = await walk(C.admin, '/api/v1/products');
      assert.ok(!items.some((p) => p.name === `matrix out-of-scope product by ${role}`), 'not created');
    },
  },
  {
    label: 'POST /api/v1/products without enterprise_uscc (admin, officer)', method: 'POST', path: '/api/v1/products',
    expect: E(undefined, 422, 422), code: 'missing_field', field: 'enterprise_uscc', body: () => productInput('matrix product without maker'),
  },
  {
    label: 'POST /api/v1/products with a key length the algorithm does not have', method: 'POST', path: '/api/v1/products',
    expect: E(undefined, 422, 422, undefined, undefined, 422), code: 'invalid_value', field: 'algorithms',
    body: (role) => productInput('matrix product with SM4-256', { algorithms: [{ name: 'SM4', key_bits: 256 }], ...(role === 'ent.haidian' ? {} : { enterprise_uscc: HAIDIAN }) }),
  },
  {
    route: 'GET /api/v1/products/{id}', method: 'GET', path: () => `/api/v1/products/${L.products.H.id}`,
    expect: E(401, 200, 200, 404, 200, 200),
    check: (r) => {
      assertJson(r);
      assertProduct(r.body);
      assert.equal(r.body.id, L.products.H.id);
      assert.equal(r.body.enterprise_uscc, HAIDIAN);
      assert.equal(r.body.enterprise_name, nameOf(HAIDIAN));
    },
  },
  {
    label: 'GET /api/v1/products/{id of a Guangzhou product}', method: 'GET', path: () => `/api/v1/products/${L.products.G.id}`,
    expect: E(401, 200, 404, 200, 404, 404), check: (r) => assert.equal(r.body.enterprise_uscc, GUANGZHOU),
  },
  { label: 'GET /api/v1/products/{unknown id}', method: 'GET', path: '/api/v1/products/999999', expect: E(401, 404, 404, 404, 404, 404) },
  {
    route: 'PATCH /api/v1/products/{id}', method: 'PATCH', path: () => `/api/v1/products/${L.products.HE.id}`,
    expect: E(401, 200, 200, 404, 403, 200),
    body: (role) => ({ description: `patched by ${role}` }),
    check: async (r, role) => {
      assertJson(r);
      assertProduct(r.body);
      assert.equal(r.body.id, L.products.HE.id);
      assert.equal(r.body.description, `patched by ${role}`);
      assert.equal(r.body.name, L.products.HE.name, 'other fields unchanged');
      assert.ok(r.body.version > L.products.HE.version, 'version bumped');
      const g = await C.admin.req('GET', `/api/v1/products/${L.products.HE.id}`);
      assert.equal(g.body.description, `patched by ${role}`);
    },
    denied: async (role) => {
      const g = await C.admin.req('GET', `/api/v1/products/${L.products.HE.id}`);
      assert.notEqual(g.body.description, `patched by ${role}`);
    },
  },
  {
    label: 'PATCH /api/v1/products/{id of a Guangzhou product}', method: 'PATCH', path: () => `/api/v1/products/${L.products.GE.id}`,
    expect: E(undefined, undefined, 404, 200, undefined, 404),
    body: (role) => ({ model: `GZ-${role.replace(/[^a-z]/g, '')}` }),
    check: (r) => assert.equal(r.body.model, 'GZ-officergd'),
    denied: async (role) => {
      const g = await C.admin.req('GET', `/api/v1/products/${L.products.GE.id}`);
      assert.notEqual(g.body.model, `GZ-${role.replace(/[^a-z]/g, '')}`);
    },
  },
  {
    label: 'PATCH /api/v1/products/{id} with an unknown category', method: 'PATCH', path: () => `/api/v1/products/${L.products.HE.id}`,
    expect: E(undefined, 422, undefined, undefined, undefined, 422), code: 'invalid_value', field: 'category',
    body: () => ({ category: 'toaster' }),
    denied: async () => assert.equal((await C.admin.req('GET', `/api/v1/products/${L.products.HE.id}`)).body.category, 'crypto_card'),
  },

  {
    label: 'PATCH /api/v1/products/{id of a product with an application under way}', method: 'PATCH',
    path: () => `/api/v1/products/${L.products.H.id}`,
    expect: E(undefined, 409, 409, undefined, undefined, 409), code: 'product_in_use',
    body: (role) => ({ description: `changed under approval by ${role}` }),
    denied: async (role) => {
      const g = await C.admin.req('GET', `/api/v1/products/${L.products.H.id}`);
      assert.notEqual(g.body.description, `changed under approval by ${role}`);
    },
  },

  {
    route: 'POST /api/v1/applications', method: 'POST', path: '/api/v1/applications', expect: E(401, 403, 403, 403, 403, 201),
    body: (role) => ({ item: 'type_model', product_id: L.products.H.id, form: { ...FORM, contact_name: `applied as ${role}` } }),
    check: async (r) => {
      assertJson(r);
      const a = r.body;
      assertApplication(a, { full: true });
      assert.equal(a.item, 'type_model');
      assert.equal(a.state, 'received');
      assert.equal(a.enterprise_uscc, HAIDIAN);
      assert.equal(a.enterprise_name, nameOf(HAIDIAN));
      assert.equal(a.bureau_code, '110000');
      assert.equal(a.product.id, L.products.H.id);
      assert.deepEqual(a.form, { ...FORM, contact_name: 'applied as ent.haidian' });
      assert.equal(a.renewal_of, null);
      assert.equal(a.accepted_on, null);
      assert.equal(a.outcome, null);
      assert.equal(a.certificate_number, null);
      assert.deepEqual(a.clock, { running: true, stopped_since: null });
      assert.equal(a.events.length, 1);
      assert.equal(a.events[0].actor, 'ent.haidian');
      assert.equal(a.events[0].to_state, 'received');
      assert.deepEqual(a.documents, []);
      await assertDeadlineOf(a, { act: 'request_materials', days: 5 });
      assert.equal((await adminApp(a.number)).state, 'received');
    },
    denied: async (role) => {
      const items = await walk(C.admin, '/api/v1/applications');
      assert.ok(!items.some((a) => a.form.contact_name === `applied as ${role}`), 'not created');
    },
  },
  ...REMOVED_ITEMS.map((item) => ({
    label: `POST /api/v1/applications for the removed item ${item}`, method: 'POST', path: '/api/v1/applications',
    expect: E(undefined, undefined, undefined, undefined, undefined, 422), code: 'approval_removed', field: 'item',
    body: () => ({ item, product_id: L.products.H.id, form: FORM }),
    denied: (role, r) => {
      assertRule(r.body.rule);
      assert.equal(r.body.rule.id, `removed.${item}`);
      assert.equal(r.body.rule.kind, 'removed_item');
      assert.equal(r.body.rule.effective_from, '2017-10-11');
      assert.match(r.body.rule.citation, /336 item I\b/);
    },
  })),
  {
    label: 'POST /api/v1/applications renewing a certificate before its window opens', method: 'POST', path: '/api/v1/applications',
    expect: E(undefined, undefined, undefined, undefined, undefined, 422), code: 'renewal_window', field: 'renewal_of',
    body: () => ({ item: 'type_model', product_id: L.products.H.id, renewal_of: L.certH.number, form: FORM }),
    denied: (role, r) => { assertRule(r.body.rule); assert.equal(r.body.rule.id, 'window.renewal'); },
  },
  {
    label: 'POST /api/v1/applications renewing a document of a removed item', method: 'POST', path: '/api/v1/applications',
    expect: E(undefined, undefined, undefined, undefined, undefined, 422), code: 'legacy_no_alteration', field: 'renewal_of',
    body: () => ({ item: 'type_model', product_id: L.products.H.id, renewal_of: L.legacyH, form: FORM }),
    denied: (role, r) => { assertRule(r.body.rule); assert.equal(r.body.rule.id, 'legacy.no_alteration'); },
  },
  {
    label: 'POST /api/v1/applications for another enterprise\'s product', method: 'POST', path: '/api/v1/applications',
    expect: E(undefined, undefined, undefined, undefined, undefined, 422), code: 'invalid_value', field: 'product_id',
    body: () => ({ item: 'type_model', product_id: L.products.C.id, form: FORM }),
  },
  {
    label: 'POST /api/v1/applications without form.manufacturing_address', method: 'POST', path: '/api/v1/applications',
    expect: E(undefined, undefined, undefined, undefined, undefined, 422), code: 'missing_field', field: 'form.manufacturing_address',
    body: () => ({ item: 'type_model', product_id: L.products.H.id, form: { contact_name: 'x', contact_phone: '1' } }),
  },
  {
    route: 'GET /api/v1/applications', method: 'GET', path: '/api/v1/applications', expect: E(401, 200, 200, 200, 200, 200),
    check: async (r, role) => {
      assertList(r, (a) => assertApplication(a));
      const items = await walk(C[role], '/api/v1/applications');
      const numbers = items.map((a) => a.number);
      assert.equal(new Set(numbers).size, numbers.length, 'no duplicates');
      assert.equal(numbers.includes(L.appH), inScope(role, HAIDIAN), `${role} and Haidian's application`);
      assert.equal(numbers.includes(L.appG), inScope(role, GUANGZHOU), `${role} and Guangzhou's application`);
      if (BUREAU_OF[role]) for (const a of items) assert.equal(a.bureau_code, BUREAU_OF[role], `${role} sees ${a.number}`);
      if (role === 'ent.haidian') for (const a of items) assert.equal(a.enterprise_uscc, HAIDIAN);
    },
  },
  {
    label: 'GET /api/v1/applications?bureau=440000', method: 'GET', path: '/api/v1/applications?bureau=440000',
    expect: E(undefined, 200, 403, 200, 403), field: 'bureau',
    check: async (r, role) => {
      const items = await walk(C[role], '/api/v1/applications?bureau=440000');
      for (const a of items) assert.equal(a.bureau_code, '440000');
      assert.ok(items.some((a) => a.number === L.appG));
    },
  },
  {
    label: 'GET /api/v1/applications?enterprise= of another enterprise (enterprise user)', method: 'GET',
    path: `/api/v1/applications?enterprise=${GUANGZHOU}`, expect: E(undefined, undefined, undefined, undefined, undefined, 403), field: 'enterprise',
  },
  {
    label: 'GET /api/v1/applications?state=refused', method: 'GET', path: '/api/v1/applications?state=refused',
    expect: E(401, 200, 200, 200, 200, 200),
    check: async (r, role) => {
      const items = await walk(C[role], '/api/v1/applications?state=refused');
      for (const a of items) assert.equal(a.state, 'refused');
      assert.equal(items.some((a) => a.number === L.refusedApp), inScope(role, HAIDIAN));
    },
  },
  {
    route: 'GET /api/v1/applications/{number}', method: 'GET', path: () => `/api/v1/applications/${L.docApp}`,
    expect: E(401, 200, 200, 404, 200, 200),
    check: (r) => {
      assertJson(r);
      assertApplication(r.body, { full: true });
      assert.equal(r.body.number, L.docApp);
      assert.equal(r.body.enterprise_uscc, HAIDIAN);
      assert.equal(r.body.events[0].action, 'submit');
      const d = r.body.documents.find((x) => x.id === L.doc.id);
      assert.ok(d, 'the attached document is listed');
      assert.deepEqual(d, L.doc);
    },
  },
  {
    label: 'GET /api/v1/applications/{number} embeds the product summary (docs/api.md Application.product)', method: 'GET',
    path: () => `/api/v1/applications/${L.appH}`, expect: E(undefined, 200),
    check: (r) => {
      const p = L.products.H;
      assert.deepEqual(Object.keys(r.body.product).sort(), ['algorithms', 'category', 'id', 'model', 'name']);
      for (const k of ['id', 'name', 'model', 'category']) assert.equal(r.body.product[k], p[k], `product.${k}`);
      assert.deepEqual(r.body.product.algorithms, p.algorithms);
      assert.equal(r.body.enterprise_uscc, HAIDIAN);
    },
  },
  {
    label: 'GET /api/v1/applications/{number of Guangzhou}', method: 'GET', path: () => `/api/v1/applications/${L.appG}`,
    expect: E(401, 200, 404, 200, 404, 404), check: (r) => assert.equal(r.body.bureau_code, '440000'),
  },
  { label: 'GET /api/v1/applications/{unknown number}', method: 'GET', path: '/api/v1/applications/SQ2026-999999', expect: E(401, 404, 404, 404, 404, 404) },
  {
    route: 'POST /api/v1/applications/{number}/documents', method: 'POST',
    path: (role) => `/api/v1/applications/${L.docApp}/documents?name=${encodeURIComponent(`${role}.pdf`)}`,
    expect: E(401, 403, 403, 403, 403, 201), raw: true, headers: pdfHeaders, body: () => PDF,
    check: async (r) => {
      assertJson(r);
      assertDocument(r.body);
      assert.equal(r.body.name, 'ent.haidian.pdf');
      assert.equal(r.body.size, Buffer.byteLength(PDF));
      assert.equal(r.body.sm3, L.doc.sm3, 'the same bytes have the same SM3');
      assert.equal(r.body.uploaded_by, 'ent.haidian');
      const a = await adminApp(L.docApp);
      assert.ok(a.documents.some((d) => d.id === r.body.id && d.name === 'ent.haidian.pdf'));
    },
    denied: async (role) => assert.ok(!(await adminApp(L.docApp)).documents.some((d) => d.name === `${role}.pdf`), 'not attached'),
  },
  {
    label: 'POST /api/v1/applications/{number of Guangzhou}/documents', method: 'POST',
    path: () => `/api/v1/applications/${L.appG}/documents?name=x.pdf`, expect: E(undefined, undefined, undefined, undefined, undefined, 404),
    raw: true, headers: pdfHeaders, body: () => PDF,
    denied: async () => assert.deepEqual((await adminApp(L.appG)).documents, []),
  },
  {
    label: 'POST /api/v1/applications/{number}/documents that is not a PDF', method: 'POST',
    path: () => `/api/v1/applications/${L.appH}/documents?name=x.pdf`, expect: E(undefined, undefined, undefined, undefined, undefined, 422),
    code: 'not_pdf', raw: true, headers: pdfHeaders, body: () => 'PK\u0003\u0004 a zip file',
    denied: async () => assert.deepEqual((await adminApp(L.appH)).documents, []),
  },
  {
    label: 'POST /api/v1/applications/{number}/documents without ?name', method: 'POST',
    path: () => `/api/v1/applications/${L.appH}/documents`, expect: E(undefined, undefined, undefined, undefined, undefined, 422),
    code: 'missing_field', field: 'name', raw: true, headers: pdfHeaders, body: () => PDF,
  },
  {
    label: 'POST /api/v1/applications/{number}/documents as application/octet-stream', method: 'POST',
    path: () => `/api/v1/applications/${L.appH}/documents?name=x.pdf`, expect: E(undefined, undefined, undefined, undefined, undefined, 415),
    code: 'unsupported_media_type', raw: true, headers: { 'content-type': 'application/octet-stream' }, body: () => PDF,
  },
  {
    label: 'POST /api/v1/applications/{number}/documents after the decision', method: 'POST',
    path: () => `/api/v1/applications/${L.refusedApp}/documents?name=late.pdf`, expect: E(undefined, undefined, undefined, undefined, undefined, 409),
    code: 'invalid_transition', raw: true, headers: pdfHeaders, body: () => PDF,
    denied: async () => assert.deepEqual((await adminApp(L.refusedApp)).documents, []),
  },
  {
    route: 'GET /api/v1/applications/{number}/documents/{id}', method: 'GET',
    path: () => `/api/v1/applications/${L.docApp}/documents/${L.doc.id}`, expect: E(401, 200, 200, 404, 200, 200),
    check: (r) => {
      assert.match(r.headers.get('content-type') || '', /^application\/pdf/);
      assert.equal(r.text, PDF);
    },
  },
  {
    label: 'GET /api/v1/applications/{number}/documents/{id} under another application', method: 'GET',
    path: () => `/api/v1/applications/${L.appH}/documents/${L.doc.id}`, expect: E(401, 404, 404, 404, 404, 404),
  },
  {
    label: 'GET /api/v1/applications/{number}/documents/{unknown id}', method: 'GET',
    path: () => `/api/v1/applications/${L.docApp}/documents/999999`, expect: E(401, 404, 404, 404, 404, 404),
  },

  actionRow('request-materials', {
    from: 'received', expect: OFFICER_ACTION, body: (role) => ({ reason: `the test report is missing (${role})` }),
    check: (a, role) => {
      assert.equal(a.state, 'materials_requested');
      assert.deepEqual(a.clock, { running: false, stopped_since: a.received_on });
      assert.equal(a.deadline, null, 'no deadline runs for the authority while the applicant supplies materials');
      assert.equal(lastEvent(a).reason, `the test report is missing (${role})`);
    },
  }),
  actionRow('request-materials', {
    label: 'without a reason', from: 'received', expect: E(undefined, 422, 422), body: () => ({}), code: 'missing_field', field: 'reason',
  }),
  actionRow('request-materials', { label: 'of an accepted application', from: 'accepted', expect: E(undefined, 409, 409), code: 'invalid_transition' }),
  actionRow('supply-materials', {
    from: 'materials_requested', expect: APPLICANT_ACTION, body: (role) => ({ reason: `test report attached (${role})` }),
    check: async (a) => {
      assert.equal(a.state, 'received');
      assert.deepEqual(a.clock, { running: true, stopped_since: null });
      assert.equal(lastEvent(a).reason, 'test report attached (ent.haidian)');
      await assertDeadlineOf(a, { act: 'request_materials', days: 5 });
    },
  }),
  actionRow('supply-materials', { label: 'when none were requested', from: 'received', expect: E(undefined, undefined, undefined, undefined, undefined, 409), code: 'invalid_transition' }),
  actionRow('accept', {
    from: 'received', expect: OFFICER_ACTION, body: () => ({}),
    check: async (a) => {
      assert.equal(a.state, 'accepted');
      assert.match(a.accepted_on, DATE);
      assert.equal(a.deemed_accepted, false);
      await assertDeadlineOf(a, { act: 'decide', days: 20 });
    },
  }),
  actionRow('accept', {
    label: 'of a Guangzhou application', gz: true, from: 'received', expect: E(undefined, undefined, 404, 200), body: () => ({}),
    check: (a) => { assert.equal(a.state, 'accepted'); assert.equal(a.bureau_code, '440000'); },
  }),
  actionRow('accept', { label: 'of an accepted application', from: 'accepted', expect: E(undefined, 409, 409), body: () => ({}), code: 'invalid_transition' }),
  actionRow('start-review', {
    from: 'accepted', expect: OFFICER_ACTION, body: (role) => ({ reason: `expert review of the SM2 implementation (${role})` }),
    check: (a) => {
      assert.equal(a.state, 'under_review');
      assert.equal(a.clock.running, false);
      assert.match(a.clock.stopped_since, DATE);
      assertDeadline(a.deadline);
      assert.equal(a.deadline.act, 'decide');
      assert.equal(a.deadline.due, null, 'no due day while the clock is stopped');
      assert.equal(a.deadline.error.code, 'clock_stopped');
    },
  }),
  actionRow('start-review', { label: 'of a received application', from: 'received', expect: E(undefined, 409, 409), code: 'invalid_transition' }),
  actionRow('finish-review', {
    from: 'under_review', expect: OFFICER_ACTION, body: (role) => ({ reason: `review passed (${role})` }),
    check: async (a) => {
      assert.equal(a.state, 'accepted');
      assert.deepEqual(a.clock, { running: true, stopped_since: null });
      await assertDeadlineOf(a, { act: 'decide', days: 20 });
    },
  }),
  actionRow('finish-review', { label: 'of an accepted application', from: 'accepted', expect: E(undefined, 409, 409), code: 'invalid_transition' }),
  actionRow('decide', {
    from: 'accepted', expect: OFFICER_ACTION,
    body: (role) => ({ outcome: role === 'admin' ? 'approved' : 'refused', reason: `decided by ${role}` }),
    check: async (a, role) => {
      const outcome = role === 'admin' ? 'approved' : 'refused';
      assert.equal(a.state, outcome);
      assert.equal(a.outcome, outcome);
      assert.match(a.decided_on, DATE);
      assert.equal(a.decision_reason, `decided by ${role}`);
      if (outcome === 'approved') await assertDeadlineOf(a, { act: 'issue', days: 10 });
      else assert.equal(a.deadline, null);
    },
  }),
  actionRow('decide', {
    label: 'without a reason', from: 'accepted', expect: E(undefined, 422, 422), body: () => ({ outcome: 'approved' }),
    code: 'missing_field', field: 'reason',
  }),
  actionRow('decide', {
    label: 'of a received application', from: 'received', expect: E(undefined, 409, 409),
    body: () => ({ outcome: 'approved', reason: 'too early' }), code: 'invalid_transition',
  }),
  actionRow('issue', {
    from: 'approved', expect: E(401, 201, 201, 404, 403, 403), body: () => ({}),
    check: async (a, role, r) => {
      assert.equal(a.state, 'issued');
      assert.equal(a.deadline, null);
      const c = r.body.certificate;
      assertPublicCertificate(c);
      assert.equal(a.certificate_number, c.number);
      assert.equal(c.kind, 'type_model');
      assert.equal(c.legacy, false);
      assert.equal(c.application_number, a.number);
      assert.deepEqual(c.holder, { uscc: HAIDIAN, name: nameOf(HAIDIAN) });
      assert.equal(c.bureau_code, '110000');
      assert.equal(c.product.model, L.products.H.model);
      assert.deepEqual(c.product.algorithms, L.products.H.algorithms);
      assert.equal(c.status, 'valid');
      assert.equal(c.issued_on, c.status_on);
      assert.equal(c.expires_on, expiryOf(c.issued_on, 5), 'valid for five years');
      assert.equal(typeof c.key_id, 'string');
      assert.equal((await publicCert(c.number)).status, 'valid');
    },
  }),
  actionRow('issue', { label: 'of an accepted application', from: 'accepted', expect: E(undefined, 409, 409), body: () => ({}), code: 'invalid_transition' }),
  actionRow('withdraw', {
    from: 'accepted', expect: APPLICANT_ACTION, body: (role) => ({ reason: `withdrawn by ${role}` }),
    check: (a) => { assert.equal(a.state, 'withdrawn'); assert.equal(a.deadline, null); },
  }),
  actionRow('withdraw', {
    label: 'under review', from: 'under_review', expect: E(undefined, undefined, undefined, undefined, undefined, 200),
    check: (a) => { assert.equal(a.state, 'withdrawn'); assert.deepEqual(a.clock, { running: true, stopped_since: null }); },
  }),
  actionRow('withdraw', { label: 'of an issued application', from: 'issued', expect: E(undefined, undefined, undefined, undefined, undefined, 409), code: 'invalid_transition' }),

  {
    route: 'GET /api/v1/certificates', method: 'GET', path: () => `/api/v1/certificates?q=${L.certH.number}`, expect: all(200),
    check: (r) => {
      const items = assertList(r, (c) => assertPublicCertificate(c));
      assert.deepEqual(items.map((c) => c.number), [L.certH.number]);
      assert.ok(!('history' in items[0]), 'no history in the list');
      assert.equal(items[0].status, 'valid');
    },
  },
  {
    label: 'GET /api/v1/certificates?q={holder USCC}', method: 'GET', path: `/api/v1/certificates?q=${HAIDIAN}`, expect: all(200),
    check: (r) => {
      const items = assertList(r, (c) => assertPublicCertificate(c));
      const numbers = items.map((c) => c.number);
      assert.ok(numbers.includes(L.certH.number) && numbers.includes(L.legacyH));
      assert.ok(!numbers.includes(L.certG.number));
      for (const c of items) assert.equal(c.holder.uscc, HAIDIAN);
    },
  },
  { label: 'GET /api/v1/certificates without q', method: 'GET', path: '/api/v1/certificates', expect: all(422), code: 'missing_field', field: 'q' },
  {
    route: 'GET /api/v1/certificates/{number}', method: 'GET', path: () => `/api/v1/certificates/${L.certH.number}`, expect: all(200),
    check: (r) => {
      assertJson(r);
      assertPublicCertificate(r.body, { history: true });
      assert.equal(r.body.number, L.certH.number);
      assert.equal(r.body.status, 'valid');
      assert.equal(r.body.history[0].status, 'valid');
      assert.equal(r.body.history[0].on, r.body.issued_on);
      assert.equal(r.body.key_id, L.certH.key_id);
    },
  },
  {
    label: 'GET /api/v1/certificates/{number}?at= before issue and after expiry', expect: all(200),
    run: async (role) => {
      const before = await C[role].req('GET', `/api/v1/certificates/${L.certH.number}?at=2020-01-01`);
      assertStatus(before, 200);
      assert.equal(before.body.status, 'not_yet_valid');
      assert.equal(before.body.status_on, '2020-01-01');
      return C[role].req('GET', `/api/v1/certificates/${L.certH.number}?at=${expiryOf(L.certH.issued_on, 6)}`);
    },
    check: (r) => assert.equal(r.body.status, 'expired'),
  },
  {
    label: 'GET /api/v1/certificates/{number of a removed-item document}', method: 'GET', path: () => `/api/v1/certificates/${L.legacyH}`,
    expect: all(200),
    check: (r) => {
      assertPublicCertificate(r.body, { history: true });
      assert.equal(r.body.legacy, true);
      assert.equal(r.body.kind, 'production');
      assert.equal(r.body.key_id, null);
      assert.equal(r.body.application_number, null);
      assert.equal(r.body.status, 'valid');
    },
  },
  { label: 'GET /api/v1/certificates/{unknown number}', method: 'GET', path: '/api/v1/certificates/SXH209900001', expect: all(404) },
  {
    route: 'GET /api/v1/certificates/{number}/document', method: 'GET', path: () => `/api/v1/certificates/${L.certH.number}/document`,
    expect: all(200),
    check: (r) => {
      assertJson(r);
      const d = JSON.parse(r.text);
      assert.equal(r.text, canonicalJson(d), 'canonical JSON: sorted keys, no spaces');
      assert.deepEqual(Object.keys(d), ['bureau_code', 'expires_on', 'format', 'holder', 'issued_on', 'key_id', 'kind', 'lookup_url', 'number', 'product']);
      assert.equal(d.format, 'cryptoreg-certificate/1');
      const c = L.certH;
      for (const k of ['bureau_code', 'expires_on', 'issued_on', 'key_id', 'kind', 'number']) assert.equal(d[k], c[k], k);
      assert.deepEqual(d.holder, { name: c.holder.name, uscc: c.holder.uscc });
      assert.deepEqual(d.product, { algorithms: c.product.algorithms, category: c.product.category, model: c.product.model, name: c.product.name });
      assert.ok(d.lookup_url.endsWith(`?number=${c.number}`), d.lookup_url);
    },
  },
  {
    route: 'GET /api/v1/certificates/{number}/signature', method: 'GET', path: () => `/api/v1/certificates/${L.certH.number}/signature`,
    expect: all(200),
    check: async (r) => {
      assert.match(r.headers.get('content-type') || '', /^application\/octet-stream/);
      const sig = await bytes(`/api/v1/certificates/${L.certH.number}/signature`);
      assert.equal(sig[0], 0x30, 'a DER SEQUENCE');
      assert.equal(sig[1] + 2, sig.length, 'DER length');
      const doc = await bytes(`/api/v1/certificates/${L.certH.number}/document`);
      const pem = (await C.anon.req('GET', `/api/v1/signing-keys/${L.certH.key_id}`)).body.public_key_pem;
      const v = opensslVerify(doc, sig, pem);
      assert.equal(v.status, 0, `openssl pkeyutl -verify: ${v.stdout} ${v.stderr}`);
      assert.match(v.stdout, /Signature Verified Successfully/);
    },
  },
  {
    label: 'GET /api/v1/certificates/{number of a removed-item document}/document (issued on paper)', method: 'GET',
    path: () => `/api/v1/certificates/${L.legacyH}/document`, expect: all(404),
  },
  {
    label: 'GET /api/v1/certificates/{number of a removed-item document}/signature (issued on paper)', method: 'GET',
    path: () => `/api/v1/certificates/${L.legacyH}/signature`, expect: all(404),
  },
  {
    route: 'GET /api/v1/certificates/{number}/qr.svg', method: 'GET', path: () => `/api/v1/certificates/${L.certH.number}/qr.svg`,
    expect: all(200),
    check: (r) => {
      assert.match(r.headers.get('content-type') || '', /^image\/svg\+xml/);
      assert.match(r.text, /^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
      assert.match(r.text, /<\/svg>\s*$/);
    },
  },
  { label: 'GET /api/v1/certificates/{unknown number}/qr.svg', method: 'GET', path: '/api/v1/certificates/SXH209900001/qr.svg', expect: all(404) },
  {
    route: 'GET /log/checkpoint', method: 'GET', path: '/log/checkpoint', expect: all(200),
    check: (r) => {
      assert.match(r.headers.get('content-type'), /^text\/plain/);
      const lines = r.text.split('\n');
      assert.match(lines[1], /^[1-9][0-9]*$/, 'the tree size');
      assert.equal(Buffer.from(lines[2], 'base64').length, 32, 'an SM3 root');
      assert.match(r.text, /\n\n— /, 'a signature line after a blank line');
    },
  },
  {
    route: 'GET /log/key', method: 'GET', path: '/log/key', expect: all(200),
    check: (r) => assert.match(r.text.trim(), /^[^+\s]+\+[0-9a-f]{8}\+[A-Za-z0-9+/=]+$/),
  },
  {
    route: 'GET /log/tile/{*}', method: 'GET', path: '/log/tile/entries/000.p/1', expect: all(200),
    check: (r) => assert.match(r.headers.get('content-type'), /octet-stream/),
  },
  { label: 'GET /log/tile/{not a tile path}', method: 'GET', path: '/log/tile/banana', expect: all(404) },
  {
    route: 'GET /api/v1/log', method: 'GET', path: '/api/v1/log', expect: all(200),
    check: (r) => { assertJson(r); for (const k of ['origin', 'entries', 'size', 'key']) assert.ok(k in r.body, k); },
  },
  {
    route: 'GET /api/v1/log/entries/{index}', method: 'GET', path: '/api/v1/log/entries/0', expect: all(200),
    check: (r) => { for (const k of ['bureau', 'kind', 'record_sm3', 'subject', 'time']) assert.ok(k in r.body, k); },
  },
  { label: 'GET /api/v1/log/entries/{unknown}', method: 'GET', path: '/api/v1/log/entries/99999999', expect: all(404) },
  {
    route: 'GET /api/v1/log/receipt', method: 'GET', path: '/api/v1/log/receipt?index=0', expect: all(200),
    check: (r) => assert.ok(r.text.startsWith('c2sp.org/tlog-proof@v1\n')),
  },
  {
    route: 'GET /api/v1/log/consistency', method: 'GET', path: '/api/v1/log/consistency?from=1&to=1', expect: all(200),
    check: (r) => { assertJson(r); assert.deepEqual(r.body.proof, []); },
  },
  { label: 'GET /api/v1/log/consistency from beyond the signed size', method: 'GET', path: '/api/v1/log/consistency?from=1&to=99999999', expect: all(422), code: 'invalid_value', field: 'from' },
  {
    route: 'GET /api/v1/log/witnesses', method: 'GET', path: '/api/v1/log/witnesses', expect: all(200),
    check: (r) => { assertJson(r); assert.ok(Array.isArray(r.body.items)); },
  },
  {
    route: 'POST /api/v1/log/cosignatures', method: 'POST', path: '/api/v1/log/cosignatures', expect: all(422),
    body: () => ({ size: 1, cosignature: 'not a cosignature line\n' }), code: 'invalid_value',
  },
  // The annual sales filing: role gates here; the workflow with data is in filing.test.mjs.
  {
    route: 'GET /api/v1/filings/deadline', method: 'GET', path: '/api/v1/filings/deadline?year=2025', expect: all(200),
    check: (r) => { assert.equal(r.body.due, '2026-02-02'); assert.equal(r.body.rule.id, 'deadline.sales_filing'); },
  },
  {
    route: 'GET /api/v1/filings/obligations', method: 'GET', path: '/api/v1/filings/obligations?year=2025',
    expect: E(401, 200, 200, 200, 200, 403),
    check: (r, role) => { assertJson(r); if (role !== 'admin') assert.ok(r.body.items.every((o) => o.bureau_code === BUREAU_OF[role])); },
  },
  {
    route: 'GET /api/v1/filings/statistics', method: 'GET', path: '/api/v1/filings/statistics?year=2025',
    expect: E(401, 200, 200, 200, 200, 403),
    check: (r, role) => assert.equal(r.body.by_bureau.length, role === 'admin' ? 33 : 1),
  },
  {
    route: 'POST /api/v1/filings/overdue', method: 'POST', path: '/api/v1/filings/overdue?year=2025',
    expect: E(401, 200, 403, 403, 403, 403),
    check: (r) => { assert.equal(r.body.due, '2026-02-02'); assert.ok(Number.isInteger(r.body.recorded)); },
  },
  {
    route: 'GET /api/v1/filings/events', method: 'GET', path: '/api/v1/filings/events', expect: E(401, 200, 200, 200, 200, 200),
    check: (r) => { assertJson(r); assert.ok(Array.isArray(r.body.items)); },
  },
  {
    route: 'GET /api/v1/filings', method: 'GET', path: '/api/v1/filings', expect: E(401, 200, 200, 200, 200, 200),
    check: (r) => assert.deepEqual(r.body.items, []),
  },
  {
    // The fixtures' certificates were issued today, so no fixture enterprise held one during 2025.
    route: 'POST /api/v1/filings/years/{year}', method: 'POST', path: '/api/v1/filings/years/2025', raw: true,
    headers: { 'content-type': 'text/csv' },
    body: () => 'sale_date,certificate_number,product_model,quantity,buyer_type,buyer_name,buyer_uscc,buyer_id_type,buyer_id_number,buyer_address,buyer_contact,end_use\r\n',
    expect: E(401, 403, 403, 403, 403, 422), code: 'no_certificate',
  },
  { route: 'GET /api/v1/filings/{id}', method: 'GET', path: '/api/v1/filings/999999', expect: E(401, 404, 404, 404, 404, 404) },
  { route: 'GET /api/v1/filings/{id}/lines', method: 'GET', path: '/api/v1/filings/999999/lines', expect: E(401, 404, 404, 404, 404, 404) },
  {
    route: 'POST /api/v1/filings/{id}/lines/{line}/reveal', method: 'POST', path: '/api/v1/filings/999999/lines/2/reveal',
    body: () => ({ reason: 'matrix' }), expect: E(401, 403, 404, 404, 403, 403),
  },
  { route: 'POST /api/v1/filings/{id}/submit', method: 'POST', path: '/api/v1/filings/999999/submit', expect: E(401, 403, 403, 403, 403, 404) },
  {
    route: 'POST /api/v1/filings/{id}/accept', method: 'POST', path: '/api/v1/filings/999999/accept', body: () => ({}),
    expect: E(401, 404, 404, 404, 403, 403),
  },
  {
    route: 'POST /api/v1/filings/{id}/return', method: 'POST', path: '/api/v1/filings/999999/return', body: () => ({ reason: 'matrix' }),
    expect: E(401, 404, 404, 404, 403, 403),
  },
  {
    route: 'GET /api/v1/signing-keys', method: 'GET', path: '/api/v1/signing-keys', expect: all(200),
    check: (r) => {
      assertJson(r);
      r.body.items.forEach(assertSigningKey);
      const k = r.body.items.find((x) => x.key_id === L.certH.key_id);
      assert.ok(k, 'the key that signed the certificate is listed');
      assert.equal(k.bureau_code, '110000');
      const g = r.body.items.find((x) => x.key_id === L.certG.key_id);
      assert.ok(g, 'Guangzhou\'s key is listed');
      assert.equal(g.bureau_code, '440000');
      assert.notEqual(g.key_id, k.key_id, 'each bureau signs with its own key');
    },
  },
  {
    route: 'GET /api/v1/signing-keys/{key_id}', method: 'GET', path: () => `/api/v1/signing-keys/${L.certH.key_id}`, expect: all(200),
    check: (r) => {
      assertJson(r);
      assertSigningKey(r.body);
      assert.equal(r.body.key_id, L.certH.key_id);
      assert.equal(r.body.bureau_code, '110000');
    },
  },
  {
    label: 'GET /api/v1/signing-keys/{key_id}.pem', method: 'GET', path: () => `/api/v1/signing-keys/${L.certH.key_id}.pem`, expect: all(200),
    check: async (r) => {
      assert.match(r.headers.get('content-type') || '', /pem/);
      const j = await C.anon.req('GET', `/api/v1/signing-keys/${L.certH.key_id}`);
      assert.equal(r.text, j.body.public_key_pem);
    },
  },
  { label: 'GET /api/v1/signing-keys/{unknown key_id}', method: 'GET', path: '/api/v1/signing-keys/0123456789abcdef', expect: all(404) },
  {
    route: 'GET /api/v1/registry/certificates', method: 'GET', path: '/api/v1/registry/certificates', expect: E(401, 200, 200, 200, 200, 200),
    check: async (r, role) => {
      assertList(r, (c) => assertPublicCertificate(c));
      const items = await walk(C[role], '/api/v1/registry/certificates');
      const numbers = items.map((c) => c.number);
      for (const [n, uscc] of [[L.certH.number, HAIDIAN], [L.legacyH, HAIDIAN], [L.certG.number, GUANGZHOU]])
        assert.equal(numbers.includes(n), inScope(role, uscc), `${role} and ${n}`);
      if (BUREAU_OF[role]) for (const c of items) assert.equal(c.bureau_code, BUREAU_OF[role], `${role} sees ${c.number}`);
      if (role === 'ent.haidian') for (const c of items) assert.equal(c.holder.uscc, HAIDIAN);
    },
  },
  {
    label: 'GET /api/v1/registry/certificates?holder= of another enterprise (enterprise user)', method: 'GET',
    path: `/api/v1/registry/certificates?holder=${GUANGZHOU}`, expect: E(undefined, undefined, undefined, undefined, undefined, 403),
  },
  {
    label: 'GET /api/v1/registry/certificates?status=bogus', method: 'GET', path: '/api/v1/registry/certificates?status=bogus',
    expect: E(undefined, 422, 422, 422, 422, 422), code: 'invalid_value', field: 'status',
  },
  certStatusRow({
    route: 'POST /api/v1/certificates/{number}/status', expect: E(401, 200, 200, 404, 403, 403),
    body: (role) => ({ status: 'suspended', reason: `suspended by ${role}` }),
    check: (c, role) => assert.equal(c.status, 'suspended', role),
  }),
  certStatusRow({
    label: 'POST /api/v1/certificates/{number}/status: reinstate a suspended certificate', from: 'suspended', expect: E(undefined, 200, 200),
    body: () => ({ status: 'valid', reason: 'the fault was fixed' }), check: (c) => assert.equal(c.status, 'valid'),
  }),
  certStatusRow({
    label: 'POST /api/v1/certificates/{number}/status: revoke', expect: E(undefined, 200, 200),
    body: () => ({ status: 'revoked', reason: 'false statements in the application' }), check: (c) => assert.equal(c.status, 'revoked'),
  }),
  certStatusRow({
    label: 'POST /api/v1/certificates/{number}/status: reinstate a revoked certificate', from: 'revoked', expect: E(undefined, 409, 409),
    body: () => ({ status: 'valid', reason: 'changed our mind' }), code: 'invalid_transition',
  }),
  certStatusRow({
    label: 'POST /api/v1/certificates/{number}/status: suspend a suspended certificate', from: 'suspended', expect: E(undefined, 409, 409),
    body: () => ({ status: 'suspended', reason: 'again' }), code: 'invalid_transition',
  }),
  certStatusRow({
    label: 'POST /api/v1/certificates/{number}/status without a reason', expect: E(undefined, 422, 422),
    body: () => ({ status: 'suspended' }), code: 'missing_field', field: 'reason',
  }),
  certStatusRow({
    label: 'POST /api/v1/certificates/{number of Guangzhou}/status', gz: true, expect: E(undefined, undefined, 404, 200),
    body: () => ({ status: 'suspended', reason: 'market surveillance finding' }), check: (c) => assert.equal(c.status, 'suspended'),
  }),
  {
    label: 'POST /api/v1/certificates/{number of a removed-item document}/status', method: 'POST',
    path: () => `/api/v1/certificates/${L.legacyH}/status`, expect: E(undefined, 422, 422, 404), code: 'legacy_no_alteration',
    body: () => ({ status: 'revoked', reason: 'try to alter' }),
    denied: async (role, r) => {
      if (role !== 'officer.gd') { assertRule(r.body.rule); assert.equal(r.body.rule.id, 'legacy.no_alteration'); }
      const c = await publicCert(L.legacyH);
      assert.equal(c.status, 'valid');
      assert.equal(c.history.length, 1);
    },
  },
  {
    route: 'POST /api/v1/certificates/legacy/import', method: 'POST', path: '/api/v1/certificates/legacy/import',
    expect: E(401, 201, 201, 201, 403, 403), raw: true, headers: csvHeaders,
    body: (role) => legacyCsv([legacyRow(`SCDD-${role}`, LEGACY_HOLDER[role], { kind: LEGACY_KIND[role] })]),
    check: async (r, role) => {
      assertJson(r);
      assert.equal(r.body.imported, 1);
      assert.equal(r.body.log_first_index, r.body.log_last_index, 'one log entry');
      const c = await publicCert(`SCDD-${role}`);
      assertPublicCertificate(c, { history: true });
      const holder = LEGACY_HOLDER[role];
      assert.equal(c.legacy, true);
      assert.equal(c.kind, LEGACY_KIND[role]);
      assert.deepEqual(c.holder, { uscc: holder, name: nameOf(holder) });
      assert.equal(c.bureau_code, derivedBureau(holder));
      assert.equal(c.issued_on, '2016-05-01');
      assert.equal(c.expires_on, '2030-04-30');
      assert.equal(c.status, 'valid');
      assert.equal(c.key_id, null);
      assert.equal(c.application_number, null);
      assert.equal(c.product.model, 'OCM-1');
    },
    denied: async (role) => assertStatus(await C.anon.req('GET', `/api/v1/certificates/SCDD-${role}`), 404, 'not recorded'),
  },
  {
    label: 'POST /api/v1/certificates/legacy/import for a holder of another bureau (officer)', method: 'POST',
    path: '/api/v1/certificates/legacy/import', expect: E(undefined, undefined, 422, 422), raw: true, headers: csvHeaders, code: 'csv_invalid',
    body: (role) => legacyCsv([legacyRow(`SCDD-OTHER-${role}`, role === 'officer.bj' ? GUANGZHOU : SHENZHEN)]),
    denied: async (role, r) => {
      assert.deepEqual(r.body.rows.map((x) => [x.line, x.column]), [[2, 'holder_uscc']]);
      assertStatus(await C.anon.req('GET', `/api/v1/certificates/SCDD-OTHER-${role}`), 404, 'not recorded');
    },
  },
  ...[
    ['issued on the day the item was removed', { issued_on: '2017-10-11' }, 'issued_on'],
    ['of an item that was not removed', { kind: 'type_model' }, 'kind'],
    ['that expires before it was issued', { issued_on: '2016-05-01', expires_on: '2016-04-30' }, 'expires_on'],
  ].map(([what, bad, column], i) => ({
    label: `POST /api/v1/certificates/legacy/import: a document ${what}`, method: 'POST',
    path: '/api/v1/certificates/legacy/import', expect: E(undefined, 422, 422), raw: true, headers: csvHeaders, code: 'csv_invalid',
    // A good row first: all rows or none.
    body: (role) => legacyCsv([legacyRow(`SCDD-OK${i}-${role}`, HAIDIAN), legacyRow(`SCDD-BAD${i}-${role}`, HAIDIAN, bad)]),
    denied: async (role, r) => {
      assert.deepEqual(r.body.rows.map((x) => [x.line, x.column]), [[3, column]]);
      assertStatus(await C.anon.req('GET', `/api/v1/certificates/SCDD-OK${i}-${role}`), 404, 'all rows or none');
      assertStatus(await C.anon.req('GET', `/api/v1/certificates/SCDD-BAD${i}-${role}`), 404, 'not recorded');
    },
  })),

  // The extension rows come last, so that a server failure there cannot hide
  // the results of the rows above.
  actionRow('extend', {
    from: 'accepted', expect: OFFICER_ACTION,
    body: (role) => ({ approver: '张局长 Director Zhang', reason: `a new algorithm implementation (${role})` }),
    check: async (a, role) => {
      assert.equal(a.state, 'accepted');
      assert.deepEqual(a.extension, { approver: '张局长 Director Zhang', reason: `a new algorithm implementation (${role})` });
      assert.equal(lastEvent(a).to_state, 'accepted');
      // 30 working days from late 2026 reach into 2027: calendar_year_missing until that table is loaded.
      await assertDeadlineOf(a, { act: 'decide', days: 30 });
    },
  }),
  actionRow('extend', {
    label: 'under review', from: 'under_review', expect: E(undefined, 200, 200),
    body: () => ({ approver: '张局长 Director Zhang', reason: 'lab backlog' }),
    check: (a) => { assert.equal(a.state, 'under_review'); assert.equal(a.extension.reason, 'lab backlog'); },
  }),
  actionRow('extend', {
    label: 'without an approver', from: 'accepted', expect: E(undefined, 422, 422), body: () => ({ reason: 'no approval' }),
    code: 'missing_field', field: 'approver',
  }),
  actionRow('extend', {
    label: 'a second time', from: 'extended', expect: E(undefined, 409, 409),
    body: () => ({ approver: '张局长 Director Zhang', reason: 'once more' }), code: 'invalid_transition',
  }),
];

// The problem code of a denial; other refusals (409, 415, 422) name theirs in the row's `code`.
function statusCode(status) {
  return { 401: 'unauthenticated', 403: 'forbidden', 404: 'not_found' }[status];
}

describe('route × role matrix', () => {
  for (const row of MATRIX) {
    for (const role of ROLES) {
      const exp = row.expect[role];
      if (exp === undefined) continue;
      test(`${row.label || row.route} as ${role} -> ${exp}`, async () => {
        let r;
        if (row.run) r = await row.run(role);
        else {
          const p = typeof row.path === 'function' ? row.path(role) : row.path;
          const body = row.body ? row.body(role) : undefined;
          r = await C[role].req(row.method, p, body, { raw: !!row.raw, headers: { ...(row.headers || {}) } });
        }
        if (exp < 300) {
          assertStatus(r, exp);
          if (row.check) await row.check(r, role);
        } else {
          assertProblem(r, statusCode(exp) || row.code, { status: exp, field: row.field });
          if (row.denied) await row.denied(role, r);
        }
      });
    }
  }

  test('the matrix covers every route of docs/api.md', () => {
    const covered = new Set(MATRIX.filter((r) => r.route).map((r) => r.route));
    const doc = docRoutes();
    assert.ok(doc.length >= 24, `parsed ${doc.length} routes from docs/api.md`);
    const missing = doc.map((d) => `${d.method} ${d.path}`).filter((k) => !covered.has(k));
    assert.deepEqual(missing, []);
  });
});

describe('derived bureaus', () => {
  const cases = [[GUANGZHOU, '440000'], [SHENZHEN, '440300'], [XPCC, '660000'], [HAIDIAN, '110000'], [CHAOYANG, '110000']];
  for (const [uscc, bureau] of cases) {
    test(`${uscc} -> ${bureau}`, async () => {
      const r = await adminGet(uscc);
      assertStatus(r, 200);
      assert.equal(r.body.derived_bureau_code, bureau);
      assert.equal(r.body.bureau_code, bureau);
      assert.equal(r.body.division_code, uscc.slice(2, 8));
      const p = await C.anon.req('GET', `/api/v1/enterprises/${uscc}`);
      assertStatus(p, 200);
      assert.equal(p.body.bureau_code, bureau);
    });
  }
  test('created enterprise in Shenzhen (440305) goes to 440300, in Shihezi (659001) to 660000', async () => {
    for (const [div, bureau] of [['440305', '440300'], ['659001', '660000'], ['650102', '650000']]) {
      const r = await C.admin.req('POST', '/api/v1/registry/enterprises', enterpriseInput({ division: div }));
      assertStatus(r, 201);
      assert.equal(r.body.derived_bureau_code, bureau, div);
      assert.equal(r.body.bureau_code, bureau, div);
    }
  });
});

describe('row scoping', () => {
  const listAll = (c, q) => walk(c, `/api/v1/registry/enterprises${q}`);
  test('officer.gd sees Guangzhou but neither Shenzhen (440300) nor XPCC (660000)', async () => {
    const usccs = (await listAll(C['officer.gd'], '')).map((e) => e.uscc);
    assert.ok(usccs.includes(GUANGZHOU));
    assert.ok(!usccs.includes(SHENZHEN));
    assert.ok(!usccs.includes(XPCC));
    assertProblem(await C['officer.gd'].req('GET', `/api/v1/registry/enterprises/${SHENZHEN}`), 'not_found');
    assertProblem(await C['officer.gd'].req('GET', `/api/v1/registry/enterprises/${XPCC}`), 'not_found');
  });
  test('officer.bj list contains only bureau 110000 enterprises', async () => {
    const items = await listAll(C['officer.bj'], '');
    assert.ok(items.length >= 2);
    for (const e of items) assert.equal(e.bureau_code, '110000', e.uscc);
  });
  test('admin filters by bureau', async () => {
    for (const [b, want] of [['440300', [SHENZHEN]], ['660000', [XPCC]], ['110000', [HAIDIAN, CHAOYANG]], ['440000', [GUANGZHOU]]]) {
      const items = await listAll(C.admin, `?bureau=${b}`);
      for (const e of items) assert.equal(e.bureau_code, b, `${b}: ${e.uscc}`);
      const usccs = items.map((e) => e.uscc);
      for (const u of want) assert.ok(usccs.includes(u), `${b} includes ${u}`);
      for (const u of FIXTURE_USCCS) if (!want.includes(u)) assert.ok(!usccs.includes(u), `${b} excludes ${u}`);
    }
  });
  test('a bureau filter does not widen an officer\'s scope', async () => {
    const r = await C['officer.gd'].req('GET', '/api/v1/registry/enterprises?bureau=110000');
    if (r.status === 200) assert.deepEqual(r.body.items.filter((e) => e.bureau_code !== '440000'), []);
    else assertProblem(r, ['forbidden', 'invalid_value']);
  });
  test('q on the registry stays inside the scope', async () => {
    const r = await C['ent.haidian'].req('GET', `/api/v1/registry/enterprises?q=${encodeURIComponent('北京朝阳')}`);
    assertStatus(r, 200);
    assert.deepEqual(r.body.items, []);
    const o = await C['officer.bj'].req('GET', `/api/v1/registry/enterprises?q=${encodeURIComponent('广州天河')}`);
    assertStatus(o, 200);
    assert.deepEqual(o.body.items, []);
    const a = await C.admin.req('GET', `/api/v1/registry/enterprises?q=${encodeURIComponent('广州天河')}`);
    assertStatus(a, 200);
    assert.deepEqual(a.body.items.map((e) => e.uscc), [GUANGZHOU]);
  });
  const pq = async (s) => {
    const r = await C.anon.req('GET', `/api/v1/enterprises?q=${encodeURIComponent(s)}`);
    return assertList(r, assertPublicOnly).map((e) => e.uscc).sort();
  };
  test('public search: Chinese substring of 3+ characters', async () => {
    assert.deepEqual(await pq('南山密码芯片'), [SHENZHEN]);
    assert.deepEqual(await pq('兵团信息'), [XPCC]);
  });
  test('public search: English substring', async () => {
    assert.deepEqual(await pq('Nanshan Crypto'), [SHENZHEN]);
  });
  test('public search: exact USCC', async () => {
    assert.deepEqual(await pq(XPCC), [XPCC]);
  });
  test('public search: 1-2 characters match anywhere in a name', async () => {
    // Short queries cannot use the trigram index; they scan, and match any substring.
    const short = async (q) => {
      const r = await C.anon.req('GET', `/api/v1/enterprises?q=${encodeURIComponent(q)}&limit=200`);
      assertStatus(r, 200);
      return r.body.items;
    };
    for (const [q, mustInclude, mustExclude] of [
      ['北京', [CHAOYANG, HAIDIAN], [SHENZHEN, XPCC]],
      ['密码', [HAIDIAN, SHENZHEN], [CHAOYANG]],
      ['河', [XPCC], [HAIDIAN, CHAOYANG, SHENZHEN]],
    ]) {
      const items = await short(q);
      const found = items.map((e) => e.uscc);
      for (const u of mustInclude) assert.ok(found.includes(u), `${q} finds ${u}`);
      for (const u of mustExclude) assert.ok(!found.includes(u), `${q} does not find ${u}`);
      for (const e of items) assert.ok(e.name_zh.includes(q) || e.name_en.toLowerCase().includes(q.toLowerCase()), `${e.name_zh} contains ${q}`);
    }
  });
  test('public search without q is 400', async () => {
    const r = await C.anon.req('GET', '/api/v1/enterprises');
    assertProblem(r, ['missing_field', 'bad_request'], { field: 'q' });
  });
});

describe('bureau override', () => {
  const put = (body, c = C.admin) => c.req('PUT', `/api/v1/registry/enterprises/${SHENZHEN}/bureau`, body);
  const REASON = '经国家密码管理局批准，由广东省局统一监管 (test)';

  test('without reason is refused and nothing changes', async () => {
    assertProblem(await put({ bureau_code: '440000' }), 'missing_field', { field: 'reason' });
    assertProblem(await put({ bureau_code: '440000', reason: '' }), ['invalid_value', 'missing_field'], { field: 'reason' });
    assertProblem(await put({ bureau_code: '440000', reason: 'x'.repeat(501) }), 'too_long', { field: 'reason' });
    assertProblem(await put({ bureau_code: '999999', reason: 'no such bureau' }), 'invalid_value', { field: 'bureau_code' });
    const g = await adminGet(SHENZHEN);
    assert.equal(g.body.bureau_code, '440300');
    assert.equal(g.body.bureau_override_reason, null);
  });

  test('admin override with reason moves the enterprise into officer.gd\'s scope', async () => {
    const r = await put({ bureau_code: '440000', reason: REASON });
    assertStatus(r, 200);
    assertEnterprise(r.body);
    assert.equal(r.body.bureau_code, '440000');
    assert.equal(r.body.derived_bureau_code, '440300');
    assert.equal(r.body.bureau_override_reason, REASON);
    assertStatus(await C['officer.gd'].req('GET', `/api/v1/registry/enterprises/${SHENZHEN}`), 200);
    const list = await walk(C['officer.gd'], '/api/v1/registry/enterprises');
    assert.ok(list.some((e) => e.uscc === SHENZHEN));
    const pub = await C.anon.req('GET', `/api/v1/enterprises/${SHENZHEN}`);
    assert.equal(pub.body.bureau_code, '440000');
    const f = await walk(C.admin, '/api/v1/registry/enterprises?bureau=440300');
    assert.ok(!f.some((e) => e.uscc === SHENZHEN));
  });

  test('the override appears in the audit with its reason', async () => {
    const items = await walk(C.admin, `/api/v1/audit?entity_id=${SHENZHEN}`);
    const e = items.find((a) => JSON.stringify(a).includes(REASON));
    assert.ok(e, 'audit entry carrying the reason');
    assert.equal(e.actor, 'admin');
    assert.equal(e.entity_id, SHENZHEN);
    assert.equal(e.before.bureau_code, '440300');
    assert.equal(e.after.bureau_code, '440000');
  });

  test('null bureau_code needs a reason too, then returns to the derived bureau', async () => {
    assertProblem(await put({ bureau_code: null }), 'missing_field', { field: 'reason' });
    const r = await put({ bureau_code: null, reason: 'back to Shenzhen' });
    assertStatus(r, 200);
    assert.equal(r.body.bureau_code, '440300');
    assert.equal(r.body.derived_bureau_code, '440300');
    assertProblem(await C['officer.gd'].req('GET', `/api/v1/registry/enterprises/${SHENZHEN}`), 'not_found');
  });

  test('an officer cannot move an enterprise by PATCHing bureau_code', async () => {
    const r = await C['officer.bj'].req('PATCH', `/api/v1/registry/enterprises/${CHAOYANG}`, { bureau_code: '440000' });
    assert.ok(r.status >= 400 && r.status < 500, `got ${r.status}`);
    assert.ok(isProblem(r));
    assert.equal((await adminGet(CHAOYANG)).body.bureau_code, '110000');
  });
});
