// Every write leaves an audit entry (actor, ip, action, before/after), and
// the audit_log table is append-only.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, PASSWORD } from '../lib/harness.mjs';
import {
  loginAll, loginAs, bearerClient, assertProblem, assertStatus, assertAuditEntry, walk, sql, sqlCount,
  enterpriseInput, csv, importCsv, RFC3339_UTC,
} from './util.mjs';

const HAIDIAN = '911101089243040981';
const SHENZHEN = '914403052836347237';
const ENT = '/api/v1/registry/enterprises';
const NEW_PASSWORD = 'another long passphrase 7';

let srv;
let C;
const actions = {};

before(async () => {
  srv = await startServer();
  C = await loginAll(srv.url);
});
after(async () => { if (srv) await srv.stop(); });

async function auditAll() {
  const items = await walk(C.admin, '/api/v1/audit');
  items.forEach(assertAuditEntry);
  return items;
}

// Runs fn and returns its result plus the audit entries it added.
async function during(fn) {
  const seen = new Set((await auditAll()).map((a) => String(a.id)));
  const res = await fn();
  const entries = (await auditAll()).filter((a) => !seen.has(String(a.id)));
  return { res, entries };
}

function one(entries, pred, what) {
  const m = entries.filter(pred);
  assert.equal(m.length, 1, `${what}: expected one audit entry, got ${JSON.stringify(entries, null, 1)}`);
  return m[0];
}

function common(e, actor) {
  assert.equal(e.actor, actor, 'actor');
  assert.equal(e.ip, '127.0.0.1', 'ip');
  assert.match(e.at, RFC3339_UTC);
  assert.ok(Math.abs(Date.parse(e.at) - Date.now()) < 5 * 60 * 1000, `at ${e.at} is now`);
}

describe('every write is audited', () => {
  let created;

  test('enterprise create', async () => {
    created = enterpriseInput({ division: '110105' });
    const { res, entries } = await during(() => C['officer.bj'].req('POST', ENT, created));
    assertStatus(res, 201);
    const e = one(entries, (a) => a.entity_id === created.uscc, 'create');
    common(e, 'officer.bj');
    assert.equal(e.bureau_code, '110000');
    assert.equal(e.before, null);
    assert.equal(e.after.name_zh, created.name_zh);
    assert.equal(e.after.contact_email, created.contact_email);
    actions.create = e.action;
    // Filtering by entity works and stays on that entity.
    const f = await walk(C.admin, `/api/v1/audit?entity_type=${encodeURIComponent(e.entity_type)}&entity_id=${created.uscc}`);
    assert.ok(f.some((a) => a.id === e.id));
    for (const a of f) { assert.equal(a.entity_type, e.entity_type); assert.equal(a.entity_id, created.uscc); }
  });

  test('enterprise patch: before has the old value, after the new', async () => {
    const { res, entries } = await during(() => C.admin.req('PATCH', `${ENT}/${created.uscc}`, { name_en: 'Patched For Audit Ltd.', contact_phone: '+86 10 0000 0000' }));
    assertStatus(res, 200);
    const e = one(entries, (a) => a.entity_id === created.uscc, 'patch');
    common(e, 'admin');
    assert.equal(e.before.name_en, created.name_en);
    assert.equal(e.after.name_en, 'Patched For Audit Ltd.');
    assert.equal(e.before.contact_phone, created.contact_phone);
    assert.equal(e.after.contact_phone, '+86 10 0000 0000');
    assert.equal(e.bureau_code, '110000');
    actions.patch = e.action;
  });

  test('enterprise user patch of contact fields', async () => {
    const old = (await C.admin.req('GET', `${ENT}/${HAIDIAN}`)).body.contact_name;
    const { res, entries } = await during(() => C['ent.haidian'].req('PATCH', `${ENT}/${HAIDIAN}`, { contact_name: '赵六' }));
    assertStatus(res, 200);
    const e = one(entries, (a) => a.entity_id === HAIDIAN, 'ent patch');
    common(e, 'ent.haidian');
    assert.equal(e.before.contact_name, old);
    assert.equal(e.after.contact_name, '赵六');
  });

  test('bureau override and reset', async () => {
    const reason = '审计测试：临时划归广东省局';
    const { res, entries } = await during(() => C.admin.req('PUT', `${ENT}/${SHENZHEN}/bureau`, { bureau_code: '440000', reason }));
    assertStatus(res, 200);
    const e = one(entries, (a) => a.entity_id === SHENZHEN, 'override');
    common(e, 'admin');
    assert.equal(e.before.bureau_code, '440300');
    assert.equal(e.after.bureau_code, '440000');
    assert.ok(JSON.stringify(e).includes(reason), 'reason recorded');
    actions.override = e.action;
    const back = await during(() => C.admin.req('PUT', `${ENT}/${SHENZHEN}/bureau`, { bureau_code: null, reason: 'reset' }));
    assertStatus(back.res, 200);
    const b = one(back.entries, (a) => a.entity_id === SHENZHEN, 'reset');
    assert.equal(b.before.bureau_code, '440000');
    assert.equal(b.after.bureau_code, '440300');
  });

  test('CSV import', async () => {
    const rows = [enterpriseInput({ division: '440106' }), enterpriseInput({ division: '110108' })];
    const { res, entries } = await during(() => importCsv(C.admin, csv(rows)));
    assertStatus(res, 201);
    assert.ok(entries.length >= 1, 'import audited');
    for (const e of entries) common(e, 'admin');
    const text = JSON.stringify(entries);
    for (const r of rows) assert.ok(text.includes(r.uscc), `import audit mentions ${r.uscc}`);
    actions.import = entries[0].action;
  });

  test('user add (no password in the audit)', async () => {
    const { res, entries } = await during(() => C.admin.req('POST', '/api/v1/users', {
      username: 'audit.user', display_name: '审计用户', role: 'bureau_officer', bureau_code: '440000', password: PASSWORD,
    }));
    assertStatus(res, 201);
    const e = one(entries, (a) => a.entity_id === 'audit.user', 'user add');
    common(e, 'admin');
    assert.equal(e.before, null);
    assert.equal(e.after.username, 'audit.user');
    assert.equal(e.after.role, 'bureau_officer');
    assert.ok(!JSON.stringify(e).includes(PASSWORD), 'password in audit');
    assert.doesNotMatch(JSON.stringify(e), /"(password|password_hash|hash|salt)"/);
    actions.userAdd = e.action;
  });

  test('password change by the user themself and by the admin', async () => {
    const u = await loginAs(srv.url, 'audit.user');
    const self = await during(() => u.req('POST', '/api/v1/users/audit.user/password', { password: NEW_PASSWORD }));
    assertStatus(self.res, 204);
    const e = one(self.entries, (a) => a.entity_id === 'audit.user', 'self password');
    common(e, 'audit.user');
    assert.ok(!JSON.stringify(e).includes(NEW_PASSWORD));
    actions.password = e.action;
    const adm = await during(() => C.admin.req('POST', '/api/v1/users/audit.user/password', { password: PASSWORD + ' 2' }));
    assertStatus(adm.res, 204);
    const e2 = one(adm.entries, (a) => a.entity_id === 'audit.user', 'admin password');
    common(e2, 'admin');
    assert.ok(!JSON.stringify(e2).includes(PASSWORD + ' 2'));
  });

  test('user disable', async () => {
    const { res, entries } = await during(() => C.admin.req('POST', '/api/v1/users/audit.user/disable'));
    assertStatus(res, 200);
    const e = one(entries, (a) => a.entity_id === 'audit.user', 'disable');
    common(e, 'admin');
    assert.equal(e.before.disabled, false);
    assert.equal(e.after.disabled, true);
    actions.disable = e.action;
  });

  let token;
  test('token create (secret not in the audit)', async () => {
    const { res, entries } = await during(() => C['officer.gd'].req('POST', '/api/v1/tokens', { name: 'audit token' }));
    assertStatus(res, 201);
    token = res.body;
    assert.ok(entries.length >= 1);
    const e = one(entries, (a) => String(a.entity_id) === String(token.id), 'token create');
    common(e, 'officer.gd');
    assert.ok(!JSON.stringify(entries).includes(token.token), 'token secret in audit');
    actions.tokenCreate = e.action;
  });

  test('a bearer write is attributed to the token owner', async () => {
    const input = enterpriseInput({ division: '440106' });
    const { res, entries } = await during(() => bearerClient(srv.url, token.token).req('POST', ENT, input));
    assertStatus(res, 201);
    const e = one(entries, (a) => a.entity_id === input.uscc, 'bearer create');
    common(e, 'officer.gd');
    assert.equal(e.bureau_code, '440000');
  });

  test('token delete', async () => {
    const { res, entries } = await during(() => C['officer.gd'].req('DELETE', `/api/v1/tokens/${token.id}`));
    assertStatus(res, 204);
    const e = one(entries, (a) => String(a.entity_id) === String(token.id), 'token delete');
    common(e, 'officer.gd');
    actions.tokenDelete = e.action;
  });

  test('login and logout, if audited, carry actor and ip and no password', async () => {
    const c = new Client(srv.url);
    const li = await during(() => c.login('inspector.bj'));
    assertStatus(li.res, 200);
    for (const e of li.entries) { common(e, 'inspector.bj'); assert.ok(!JSON.stringify(e).includes(PASSWORD)); }
    const lo = await during(() => c.req('DELETE', '/api/v1/session'));
    assertStatus(lo.res, 204);
    for (const e of lo.entries) common(e, 'inspector.bj');
    const bad = await during(() => new Client(srv.url).login('inspector.bj', 'a wrong password 123'));
    assertProblem(bad.res, 'unauthenticated');
    for (const e of bad.entries) {
      assert.equal(e.ip, '127.0.0.1');
      assert.ok(!JSON.stringify(e).includes('a wrong password 123'), 'attempted password in audit');
    }
  });

  test('actions name the operation (distinct per kind of write)', () => {
    const kinds = ['create', 'patch', 'userAdd', 'password', 'disable', 'tokenCreate', 'tokenDelete'];
    for (const k of kinds) assert.equal(typeof actions[k], 'string', k);
    assert.equal(new Set(kinds.map((k) => actions[k])).size, kinds.length, JSON.stringify(actions));
    assert.notEqual(actions.override, actions.create);
  });

  test('refused writes are not audited as changes', async () => {
    const { res, entries } = await during(() => C['inspector.bj'].req('POST', ENT, enterpriseInput()));
    assertProblem(res, 'forbidden');
    for (const e of entries) assert.equal(e.after, null, 'a refused write recorded as a change');
  });
});

describe('audit listing', () => {
  test('newest first', async () => {
    const items = await walk(C.admin, '/api/v1/audit');
    assert.ok(items.length >= 10);
    for (let i = 1; i < items.length; i++)
      assert.ok(Date.parse(items[i - 1].at) >= Date.parse(items[i].at), `entry ${i} out of order`);
    assert.equal(items.length, sqlCount(srv.db, 'audit_log'));
  });
  test('officer.gd cannot read Beijing entries by filtering', async () => {
    const r = await C['officer.gd'].req('GET', `/api/v1/audit?entity_id=${HAIDIAN}`);
    assertStatus(r, 200);
    assert.deepEqual(r.body.items, []);
  });
  test('there is no API to change or delete audit entries', async () => {
    const del = await C.admin.req('DELETE', '/api/v1/audit');
    assertProblem(del, 'method_not_allowed');
    const put = await C.admin.req('PUT', '/api/v1/audit', {});
    assertProblem(put, 'method_not_allowed');
  });
});

describe('audit_log is append-only in the database', () => {
  const snapshot = () => {
    const r = sql(srv.db, 'select * from audit_log order by rowid');
    assert.equal(r.status, 0, r.stderr);
    return r.stdout;
  };
  test('UPDATE fails', () => {
    const before = snapshot();
    assert.ok(before.length > 0, 'there are entries');
    const r = sql(srv.db, "update audit_log set action='x'");
    assert.notEqual(r.status, 0, 'update succeeded');
    assert.ok(r.stderr.length > 0);
    assert.equal(snapshot(), before);
  });
  test('UPDATE of one row fails', () => {
    const before = snapshot();
    const r = sql(srv.db, "update audit_log set action='nobody' where rowid=(select max(rowid) from audit_log)");
    assert.notEqual(r.status, 0, 'update succeeded');
    assert.equal(snapshot(), before);
  });
  test('DELETE fails', () => {
    const n = sqlCount(srv.db, 'audit_log');
    const before = snapshot();
    const r = sql(srv.db, 'delete from audit_log');
    assert.notEqual(r.status, 0, 'delete succeeded');
    assert.ok(r.stderr.length > 0);
    assert.equal(sqlCount(srv.db, 'audit_log'), n);
    assert.equal(snapshot(), before);
  });
  test('the server still appends after the refused tampering', async () => {
    const n = sqlCount(srv.db, 'audit_log');
    assertStatus(await C.admin.req('POST', ENT, enterpriseInput()), 201);
    assert.ok(sqlCount(srv.db, 'audit_log') > n);
  });
});
