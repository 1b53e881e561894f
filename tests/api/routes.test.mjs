// Every route of docs/api.md as every role: allowed -> 2xx with the right
// shape, denied -> 401 (anonymous), 403 `forbidden` (wrong role) or 404 (a
// single record outside the caller's row scope). Plus row scoping, derived
// bureaus and the admin's bureau override.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, FIXTURES, PASSWORD } from '../lib/harness.mjs';
import {
  ROLES, ROLE_OF, BUREAU_OF, OWN_ENTERPRISE, loginAll, loginAs, bearerClient,
  assertProblem, assertStatus, assertJson, assertBureau, assertPublicOnly, assertEnterprise, assertUser,
  assertAuditEntry, assertList, walk, makeUscc, derivedBureau, enterpriseInput, csv, importCsv, docRoutes,
  isProblem,
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
});

after(async () => { if (srv) await srv.stop(); });

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
  },
];

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
          assertProblem(r, statusCode(exp), { status: exp, field: row.field });
          if (row.denied) await row.denied(role);
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
