// Input validation, CSRF/bearer, CSV import, pagination, caching, throttling
// and the operational endpoints. Every refused write must leave the database
// exactly as it was.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startServer, Client, PASSWORD } from '../lib/harness.mjs';
import {
  loginAll, loginAs, noCsrf, bearerClient, rawRequest, assertProblem, assertStatus, assertJson, assertEnterprise,
  assertPublicOnly, assertList, walk, sql, sqlCount, makeUscc, breakCheck, makeUsccBadOrgCheck, enterpriseInput, csv,
  csvRow, importCsv, docRoutes, CSV_HEADER,
} from './util.mjs';

const HAIDIAN = '911101089243040981';
const CHAOYANG = '911101059492671314';
const ENT = '/api/v1/registry/enterprises';

let srv;
let C;

before(async () => {
  srv = await startServer();
  C = await loginAll(srv.url);
});
after(async () => { if (srv) await srv.stop(); });

async function snapshot() {
  return {
    enterprises: sqlCount(srv.db, 'enterprises'),
    audit_log: sqlCount(srv.db, 'audit_log'),
    audit_api: (await walk(C.admin, '/api/v1/audit')).length,
  };
}

// Runs fn, then checks that neither the enterprises table nor the audit
// changed.
async function unchanged(fn) {
  const before = await snapshot();
  const out = await fn();
  assert.deepEqual(await snapshot(), before, 'the refused request changed the database');
  return out;
}

// A Prometheus label set: {name="value",...}, values may contain } and escaped quotes.
const LABELS = '\\{(?:[^"}]|"(?:[^"\\\\]|\\\\.)*")*\\}';

const adminGet = (uscc) => C.admin.req('GET', `${ENT}/${uscc}`);

describe('create: malformed and invalid bodies are refused and write nothing', () => {
  const cases = [
    ['malformed JSON', () => ({ raw: '{"uscc": "9111', code: 'malformed_json' })],
    ['truncated JSON object', () => ({ raw: JSON.stringify(enterpriseInput()).slice(0, -1), code: 'malformed_json' })],
    ['name_zh: 5 (wrong type)', () => ({ body: enterpriseInput({ name_zh: 5 }), code: 'wrong_type', field: 'name_zh' })],
    ['roles as a string (wrong type)', () => ({ body: enterpriseInput({ roles: 'manufacturer' }), code: 'wrong_type', field: 'roles' })],
    ['contact_phone as a number (wrong type)', () => ({ body: enterpriseInput({ contact_phone: 13800000000 }), code: 'wrong_type', field: 'contact_phone' })],
    ['roles: [1] (wrong element type)', () => ({ body: enterpriseInput({ roles: [1] }), code: ['wrong_type', 'invalid_value'], field: 'roles' })],
    ['unknown field', () => ({ body: { ...enterpriseInput(), evil_field: 1 }, code: 'unknown_field', field: 'evil_field' })],
    ['unknown field bureau_code on create', () => ({ body: { ...enterpriseInput(), bureau_code: '440000' }, code: 'unknown_field', field: 'bureau_code' })],
    ['name_zh of 201 characters', () => ({ body: enterpriseInput({ name_zh: '密'.repeat(201) }), code: 'too_long', field: 'name_zh' })],
    ['name_zh of 201 ASCII characters', () => ({ body: enterpriseInput({ name_zh: 'a'.repeat(201) }), code: 'too_long', field: 'name_zh' })],
    ['name_en of 301 characters', () => ({ body: enterpriseInput({ name_en: 'a'.repeat(301) }), code: 'too_long', field: 'name_en' })],
    ['contact_email of 255 characters', () => ({ body: enterpriseInput({ contact_email: 'a'.repeat(243) + '@example.com' }), code: 'too_long', field: 'contact_email' })],
    ['missing name_zh', () => { const b = enterpriseInput(); delete b.name_zh; return { body: b, code: 'missing_field', field: 'name_zh' }; }],
    ['missing uscc', () => { const b = enterpriseInput(); delete b.uscc; return { body: b, code: 'missing_field', field: 'uscc' }; }],
    ['missing roles', () => { const b = enterpriseInput(); delete b.roles; return { body: b, code: 'missing_field', field: 'roles' }; }],
    ['empty name_zh', () => ({ body: enterpriseInput({ name_zh: '' }), code: ['invalid_value', 'missing_field'], field: 'name_zh' })],
    ['empty roles', () => ({ body: enterpriseInput({ roles: [] }), code: 'invalid_value', field: 'roles' })],
    ['unknown role', () => ({ body: enterpriseInput({ roles: ['hacker'] }), code: 'invalid_value', field: 'roles' })],
    ['USCC with a wrong check character', () => ({ body: enterpriseInput({ uscc: breakCheck(makeUscc()) }), code: 'invalid_uscc', field: 'uscc' })],
    ['USCC with a wrong organisation code check', () => ({ body: enterpriseInput({ uscc: makeUsccBadOrgCheck() }), code: 'invalid_uscc', field: 'uscc' })],
    ['USCC with a letter outside the alphabet', () => ({ body: enterpriseInput({ uscc: makeUscc().slice(0, 17) + 'I' }), code: 'invalid_uscc', field: 'uscc' })],
    ['USCC of 17 characters', () => ({ body: enterpriseInput({ uscc: makeUscc().slice(0, 17) }), code: 'invalid_uscc', field: 'uscc' })],
    ['JSON array instead of an object', () => ({ raw: '[]', code: ['wrong_type', 'bad_request'] })],
  ];
  for (const [name, mk] of cases) {
    test(name, async () => {
      const c = mk();
      await unchanged(async () => {
        const r = c.raw !== undefined
          ? await C.admin.req('POST', ENT, c.raw, { raw: true, headers: { 'content-type': 'application/json' } })
          : await C.admin.req('POST', ENT, c.body);
        assertProblem(r, c.code, { field: c.field });
        assert.equal(typeof r.body.detail, 'string', 'detail');
        if (c.body && typeof c.body.uscc === 'string') assertStatus(await adminGet(c.body.uscc), 404, 'not created');
      });
    });
  }

  test('duplicate USCC is 409 duplicate_uscc and keeps the original', async () => {
    await unchanged(async () => {
      const r = await C.admin.req('POST', ENT, enterpriseInput({ uscc: HAIDIAN, name_zh: '冒名顶替公司' }));
      assertProblem(r, 'duplicate_uscc', { status: 409 });
    });
    assert.equal((await adminGet(HAIDIAN)).body.name_zh, '北京海淀密码科技有限公司');
  });

  test('text/plain body is 415 unsupported_media_type', async () => {
    await unchanged(async () => {
      const r = await C.admin.req('POST', ENT, JSON.stringify(enterpriseInput()), { raw: true, headers: { 'content-type': 'text/plain' } });
      assertProblem(r, 'unsupported_media_type');
    });
  });

  test('body over 1 MiB is 413 payload_too_large (announced with Expect: 100-continue)', async () => {
    await unchanged(async () => {
      const body = JSON.stringify(enterpriseInput({ address: 'x'.repeat(1024 * 1024 + 100) }));
      const r = await rawRequest(srv.url, 'POST', ENT, {
        headers: { cookie: C.admin.cookie, 'x-csrf-token': C.admin.csrf, 'content-type': 'application/json' },
        body, expectContinue: true,
      });
      assertProblem(r, 'payload_too_large');
    });
  });

  test('body over 1 MiB is 413 payload_too_large (client streaming the whole body)', async () => {
    await unchanged(async () => {
      const body = JSON.stringify(enterpriseInput({ address: 'x'.repeat(1024 * 1024 + 100) }));
      const r = await rawRequest(srv.url, 'POST', ENT, {
        headers: { cookie: C.admin.cookie, 'x-csrf-token': C.admin.csrf, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        body,
      });
      assertProblem(r, 'payload_too_large');
    });
  });

  test('name_zh of exactly 200 Chinese characters is accepted (length counts characters)', async () => {
    const input = enterpriseInput({ name_zh: '密'.repeat(200), name_en: 'b'.repeat(300), address: '址'.repeat(300) });
    const r = await C.admin.req('POST', ENT, input);
    assertStatus(r, 201);
    assert.equal(r.body.name_zh, input.name_zh);
    assert.equal(r.body.address, input.address);
  });
});

describe('PATCH validation', () => {
  const cases = [
    ['malformed JSON', { raw: '{"name_en": ', code: 'malformed_json' }],
    ['name_zh: 5', { body: { name_zh: 5 }, code: 'wrong_type', field: 'name_zh' }],
    ['unknown field', { body: { name_en: 'ok', nope: true }, code: 'unknown_field', field: 'nope' }],
    ['name_zh of 201 characters', { body: { name_zh: '密'.repeat(201) }, code: 'too_long', field: 'name_zh' }],
    ['name_zh: null', { body: { name_zh: null }, code: ['wrong_type', 'invalid_value', 'missing_field'], field: 'name_zh' }],
    ['roles: []', { body: { roles: [] }, code: 'invalid_value', field: 'roles' }],
  ];
  for (const [name, c] of cases) {
    test(name, async () => {
      const before = (await adminGet(CHAOYANG)).body;
      await unchanged(async () => {
        const r = c.raw !== undefined
          ? await C.admin.req('PATCH', `${ENT}/${CHAOYANG}`, c.raw, { raw: true, headers: { 'content-type': 'application/json' } })
          : await C.admin.req('PATCH', `${ENT}/${CHAOYANG}`, c.body);
        assertProblem(r, c.code, { field: c.field });
      });
      assert.deepEqual((await adminGet(CHAOYANG)).body, before);
    });
  }
  test('PATCH of an unknown USCC is 404', async () => {
    assertProblem(await C.admin.req('PATCH', `${ENT}/${makeUscc()}`, { name_en: 'x' }), 'not_found');
  });
  test('enterprise user PATCHing name_zh is 403 forbidden naming the field, nothing written', async () => {
    const before = (await adminGet(HAIDIAN)).body;
    await unchanged(async () => {
      const r = await C['ent.haidian'].req('PATCH', `${ENT}/${HAIDIAN}`, { name_zh: '改名' });
      assertProblem(r, 'forbidden', { field: 'name_zh' });
    });
    assert.deepEqual((await adminGet(HAIDIAN)).body, before);
  });
});

describe('user input validation', () => {
  const base = () => ({ username: `u${Date.now() % 1e6}`, display_name: 'Test', role: 'inspector', password: PASSWORD, bureau_code: '110000' });
  const cases = [
    ['uppercase username', (b) => ({ ...b, username: 'Bad.User' }), 'invalid_value', 'username'],
    ['username with a space', (b) => ({ ...b, username: 'bad user' }), 'invalid_value', 'username'],
    ['username of 2 characters', (b) => ({ ...b, username: 'ab' }), 'invalid_value', 'username'],
    ['username of 65 characters', (b) => ({ ...b, username: 'a'.repeat(65) }), ['too_long', 'invalid_value'], 'username'],
    ['password of 11 characters', (b) => ({ ...b, password: 'elevenchars' }), 'invalid_value', 'password'],
    ['password of 257 characters', (b) => ({ ...b, password: 'p'.repeat(257) }), ['too_long', 'invalid_value'], 'password'],
    ['unknown role', (b) => ({ ...b, role: 'god' }), 'invalid_value', 'role'],
    ['officer without bureau_code', (b) => { const { bureau_code, ...rest } = b; return { ...rest, role: 'bureau_officer' }; }, 'missing_field', 'bureau_code'],
    ['enterprise_user without enterprise_uscc', (b) => { const { bureau_code, ...rest } = b; return { ...rest, role: 'enterprise_user' }; }, 'missing_field', 'enterprise_uscc'],
    ['unknown bureau', (b) => ({ ...b, bureau_code: '999999' }), 'invalid_value', 'bureau_code'],
    ['unknown field', (b) => ({ ...b, is_admin: true }), 'unknown_field', 'is_admin'],
    ['display_name: 5', (b) => ({ ...b, display_name: 5 }), 'wrong_type', 'display_name'],
  ];
  for (const [name, mk, code, field] of cases) {
    test(name, async () => {
      const body = mk(base());
      const n = sqlCount(srv.db, 'users');
      await unchanged(async () => assertProblem(await C.admin.req('POST', '/api/v1/users', body), code, { field }));
      assert.equal(sqlCount(srv.db, 'users'), n);
    });
  }
  test('duplicate username is 409 conflict', async () => {
    const n = sqlCount(srv.db, 'users');
    await unchanged(async () => assertProblem(await C.admin.req('POST', '/api/v1/users', { ...base(), username: 'officer.gd' }), 'conflict'));
    assert.equal(sqlCount(srv.db, 'users'), n);
    const me = await C['officer.gd'].req('GET', '/api/v1/session');
    assert.equal(me.body.user.bureau_code, '440000');
  });
  test('password change to 11 characters is refused; the old password still works', async () => {
    assertProblem(await C['inspector.bj'].req('POST', '/api/v1/users/inspector.bj/password', { password: 'elevenchars' }), 'invalid_value', { field: 'password' });
    await loginAs(srv.url, 'inspector.bj');
  });
  test('token without name is refused', async () => {
    assertProblem(await C.admin.req('POST', '/api/v1/tokens', {}), 'missing_field', { field: 'name' });
  });
});

describe('SQL metacharacters are data', () => {
  const NAME = "x'); DROP TABLE enterprises;--";
  const EN = 'Robert"); DELETE FROM users; -- %_\\';
  let uscc;
  test('stored and returned literally', async () => {
    const n = sqlCount(srv.db, 'enterprises');
    const input = enterpriseInput({ name_zh: NAME, name_en: EN, address: "1' OR '1'='1", contact_name: '"; --' });
    uscc = input.uscc;
    const r = await C.admin.req('POST', ENT, input);
    assertStatus(r, 201);
    assert.equal(r.body.name_zh, NAME);
    const g = await adminGet(uscc);
    assert.equal(g.body.name_zh, NAME);
    assert.equal(g.body.name_en, EN);
    assert.equal(g.body.address, "1' OR '1'='1");
    assert.equal(g.body.contact_name, '"; --');
    assert.equal(sqlCount(srv.db, 'enterprises'), n + 1);
    assert.ok(sqlCount(srv.db, 'users') >= 5);
    const p = await C.anon.req('GET', `/api/v1/enterprises/${uscc}`);
    assert.equal(p.body.name_zh, NAME);
  });
  test('public search for the literal text finds it', async () => {
    const r = await C.anon.req('GET', `/api/v1/enterprises?q=${encodeURIComponent('DROP TABLE')}`);
    assert.deepEqual(assertList(r, assertPublicOnly).map((e) => e.uscc), [uscc]);
  });
  for (const q of ["' OR 1=1 --", '%%%', '___', "%' OR '1'='1", '"; SELECT * FROM users; --']) {
    test(`public search q=${q} matches nothing and errs not`, async () => {
      const r = await C.anon.req('GET', `/api/v1/enterprises?q=${encodeURIComponent(q)}`);
      assertStatus(r, 200);
      assert.deepEqual(r.body.items, []);
    });
  }
  test("registry q=' OR 1=1 -- as officer returns nothing", async () => {
    const r = await C['officer.bj'].req('GET', `${ENT}?q=${encodeURIComponent("' OR 1=1 --")}`);
    assertStatus(r, 200);
    assert.deepEqual(r.body.items, []);
  });
  test('registry q=% as enterprise user stays in scope', async () => {
    const r = await C['ent.haidian'].req('GET', `${ENT}?q=${encodeURIComponent('%')}`);
    assertStatus(r, 200);
    for (const e of r.body.items) assert.equal(e.uscc, HAIDIAN);
  });
  test("bureau=110000' OR '1'='1 does not widen the list", async () => {
    const r = await C.admin.req('GET', `${ENT}?bureau=${encodeURIComponent("110000' OR '1'='1")}`);
    if (r.status === 200) assert.deepEqual(r.body.items, []);
    else assertProblem(r, 'invalid_value', { field: 'bureau' });
  });
  test('SQL in a path segment is just an unknown record', async () => {
    const r = await C.anon.req('GET', `/api/v1/enterprises/${encodeURIComponent("' OR '1'='1")}`);
    assertProblem(r, ['not_found', 'invalid_uscc']);
    const b = await C.anon.req('GET', `/api/v1/bureaus/${encodeURIComponent("1' OR '1'='1")}`);
    assertProblem(b, ['not_found', 'invalid_value']);
  });
  test("login as admin'-- fails", async () => {
    const r = await new Client(srv.url).login("admin'--", 'whatever whatever');
    assertProblem(r, 'unauthenticated');
  });
});

describe('CSRF and bearer tokens', () => {
  test('cookie session POST without X-CSRF-Token is 403 csrf, nothing written', async () => {
    const input = enterpriseInput();
    await unchanged(async () => assertProblem(await noCsrf(C.admin).req('POST', ENT, input), 'csrf', { status: 403 }));
    assertStatus(await adminGet(input.uscc), 404);
  });
  test('cookie session POST with a wrong X-CSRF-Token is 403 csrf', async () => {
    const input = enterpriseInput();
    await unchanged(async () => assertProblem(await C.admin.req('POST', ENT, input, { headers: { 'x-csrf-token': 'not-the-token' } }), 'csrf'));
    assertStatus(await adminGet(input.uscc), 404);
  });
  test('another session\'s CSRF token is refused', async () => {
    await unchanged(async () => assertProblem(await C.admin.req('POST', ENT, enterpriseInput(), { headers: { 'x-csrf-token': C['officer.bj'].csrf } }), 'csrf'));
  });
  test('PATCH, PUT, import and user writes without CSRF are 403 csrf', async () => {
    const before = (await adminGet(CHAOYANG)).body;
    const nc = noCsrf(C.admin);
    await unchanged(async () => {
      assertProblem(await nc.req('PATCH', `${ENT}/${CHAOYANG}`, { name_en: 'csrf' }), 'csrf');
      assertProblem(await nc.req('PUT', `${ENT}/${CHAOYANG}/bureau`, { bureau_code: '440000', reason: 'csrf' }), 'csrf');
      assertProblem(await importCsv(nc, csv([enterpriseInput()])), 'csrf');
      assertProblem(await nc.req('POST', '/api/v1/users', { username: 'csrf.user', display_name: 'x', role: 'inspector', password: PASSWORD, bureau_code: '110000' }), 'csrf');
      assertProblem(await nc.req('POST', '/api/v1/tokens', { name: 'csrf' }), 'csrf');
    });
    assert.deepEqual((await adminGet(CHAOYANG)).body, before);
  });
  test('DELETE session without CSRF is refused and the session survives', async () => {
    const c = await loginAs(srv.url, 'officer.bj');
    assertProblem(await noCsrf(c).req('DELETE', '/api/v1/session'), 'csrf');
    assertStatus(await c.req('GET', '/api/v1/session'), 200);
  });
  test('GET with cookie needs no CSRF', async () => {
    assertStatus(await noCsrf(C.admin).req('GET', '/api/v1/session'), 200);
  });
  test('bearer token writes without CSRF', async () => {
    const t = await C.admin.req('POST', '/api/v1/tokens', { name: 'automation' });
    assertStatus(t, 201);
    const b = bearerClient(srv.url, t.body.token);
    const input = enterpriseInput();
    const r = await b.req('POST', ENT, input);
    assertStatus(r, 201);
    assertEnterprise(r.body);
    const p = await b.req('PATCH', `${ENT}/${input.uscc}`, { name_en: 'via bearer' });
    assertStatus(p, 200);
    assert.equal(p.body.name_en, 'via bearer');
  });
  test('an unknown bearer token is 401', async () => {
    const r = await bearerClient(srv.url, 'cr_' + 'x'.repeat(40)).req('POST', ENT, enterpriseInput());
    assertProblem(r, 'unauthenticated');
    assertProblem(await bearerClient(srv.url, 'nope').req('GET', '/api/v1/session'), 'unauthenticated');
  });
  test('unauthenticated write is 401 (not csrf)', async () => {
    await unchanged(async () => assertProblem(await C.anon.req('POST', ENT, enterpriseInput()), 'unauthenticated'));
  });
});

describe('pagination', () => {
  const created = [];
  before(async () => {
    for (let i = 0; i < 7; i++) {
      const e = enterpriseInput({ division: '330106', name_zh: `浙江分页测试企业${i}号`, name_en: `Zhejiang Paging ${i}` });
      assertStatus(await C.admin.req('POST', ENT, e), 201);
      created.push(e.uscc);
    }
  });
  async function pages(client, p, limit, onPage) {
    const out = [];
    let cursor = null;
    let n = 0;
    do {
      const r = await client.req('GET', `${p}${p.includes('?') ? '&' : '?'}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      const items = assertList(r);
      assert.ok(items.length <= limit, `page of ${items.length} > limit ${limit}`);
      if (r.body.next_cursor) assert.equal(items.length, limit, 'only the last page may be short');
      out.push(items.map((e) => e.uscc || e.username || e.id));
      cursor = r.body.next_cursor;
      if (onPage) await onPage(n);
      assert.ok(++n < 100, 'too many pages');
    } while (cursor);
    return out;
  }
  test('limit=2 walks the bureau 330000 list with no duplicates and no gaps', async () => {
    const ps = await pages(C.admin, `${ENT}?bureau=330000`, 2);
    const flat = ps.flat();
    assert.equal(ps.length, 4);
    assert.equal(new Set(flat).size, flat.length, 'duplicates');
    assert.deepEqual([...flat].sort(), [...created].sort());
  });
  test('limit=2 over the whole registry equals one big page', async () => {
    const flat = (await pages(C.admin, ENT, 2)).flat();
    const big = (await walk(C.admin, ENT)).map((e) => e.uscc);
    assert.equal(new Set(flat).size, flat.length, 'duplicates');
    assert.deepEqual([...flat].sort(), [...big].sort());
    assert.equal(flat.length, sqlCount(srv.db, 'enterprises'));
  });
  test('public search pages with limit=2', async () => {
    const flat = (await pages(C.anon, `/api/v1/enterprises?q=${encodeURIComponent('浙江分页测试')}`, 2)).flat();
    assert.equal(new Set(flat).size, flat.length);
    assert.deepEqual([...flat].sort(), [...created].sort());
  });
  test('an insert during the walk causes no duplicates and no gaps among existing rows', async () => {
    const flat = (await pages(C.admin, `${ENT}?bureau=330000`, 2, async (n) => {
      if (n === 0) assertStatus(await C.admin.req('POST', ENT, enterpriseInput({ division: '330106' })), 201);
    })).flat();
    assert.equal(new Set(flat).size, flat.length, 'duplicates');
    for (const u of created) assert.ok(flat.includes(u), `gap: ${u}`);
  });
  test('users and audit lists page too', async () => {
    const users = (await pages(C.admin, '/api/v1/users', 2)).flat();
    assert.equal(new Set(users).size, users.length);
    assert.equal(users.length, sqlCount(srv.db, 'users'));
    const audit = (await pages(C.admin, '/api/v1/audit', 2)).flat();
    assert.equal(new Set(audit).size, audit.length);
    assert.equal(audit.length, sqlCount(srv.db, 'audit_log'));
  });
  for (const [q, codes] of [['limit=0', 'invalid_value'], ['limit=201', 'invalid_value'], ['limit=abc', ['invalid_value', 'wrong_type', 'bad_request']],
    ['limit=-1', 'invalid_value'], ['cursor=garbage!!', ['invalid_value', 'bad_request']]]) {
    test(`${q} is refused`, async () => {
      const r = await C.admin.req('GET', `${ENT}?${q}`);
      assertProblem(r, codes, { field: q.split('=')[0] });
    });
  }
  test('limit defaults to 50 and 200 is allowed', async () => {
    for (let i = 0; i < 45; i++) assertStatus(await C.admin.req('POST', ENT, enterpriseInput({ division: '320102' })), 201);
    const r = await C.admin.req('GET', ENT);
    assert.equal(assertList(r).length, 50);
    assert.equal(typeof r.body.next_cursor, 'string');
    const all = await C.admin.req('GET', `${ENT}?limit=200`);
    assert.equal(assertList(all).length, Math.min(200, sqlCount(srv.db, 'enterprises')));
  });
});

describe('CSV import', () => {
  test('several bad rows: 422 csv_invalid listing every bad row, nothing written', async () => {
    const good = [enterpriseInput(), enterpriseInput(), enterpriseInput({ name_en: 'Foo, "Bar" Ltd.' })];
    const dupInFile = enterpriseInput();
    const rows = [
      good[0], // 2
      enterpriseInput({ uscc: breakCheck(makeUscc()) }), // 3 bad check
      enterpriseInput({ uscc: HAIDIAN }), // 4 duplicate of an existing enterprise
      enterpriseInput({ name_zh: '' }), // 5 missing name_zh
      good[1], // 6
      enterpriseInput({ roles: ['manufacturer', 'hacker'] }), // 7 bad role
      enterpriseInput({ name_zh: '密'.repeat(201) }), // 8 too long
      good[2], // 9 (quoted)
      dupInFile, // 10
      { ...dupInFile, name_zh: '重复' }, // 11 duplicate within the file
      'only,three,columns', // 12 wrong column count
    ];
    const body = csv(rows);
    const r = await unchanged(() => importCsv(C.admin, body));
    assertProblem(r, 'csv_invalid', { status: 422 });
    assert.ok(Array.isArray(r.body.rows), 'rows array');
    for (const row of r.body.rows) {
      assert.equal(typeof row.line, 'number');
      assert.equal(typeof row.message, 'string');
    }
    const lines = new Set(r.body.rows.map((x) => x.line));
    for (const l of [3, 4, 5, 7, 8, 11, 12]) assert.ok(lines.has(l), `line ${l} reported: ${JSON.stringify(r.body.rows)}`);
    for (const l of [1, 2, 6, 9]) assert.ok(!lines.has(l), `good line ${l} reported`);
    const col = (l) => r.body.rows.filter((x) => x.line === l).map((x) => x.column);
    assert.ok(col(3).includes('uscc'));
    assert.ok(col(4).includes('uscc'));
    assert.ok(col(5).includes('name_zh'));
    assert.ok(col(7).includes('roles'));
    assert.ok(col(8).includes('name_zh'));
    assert.ok(col(11).includes('uscc'));
    for (const e of [...good, dupInFile]) assertStatus(await adminGet(e.uscc), 404, 'nothing written');
  });

  test('a bad header is csv_invalid at line 1', async () => {
    const body = CSV_HEADER.replace('name_zh', 'name') + '\r\n' + csvRow(enterpriseInput()) + '\r\n';
    const r = await unchanged(() => importCsv(C.admin, body));
    assertProblem(r, 'csv_invalid');
    assert.ok(Array.isArray(r.body.rows), `csv_invalid without rows: ${r.text}`);
    assert.ok(r.body.rows.some((x) => x.line === 1), JSON.stringify(r.body.rows));
  });

  test('a good CSV (BOM, CRLF, quoting) imports every row', async () => {
    const rows = [
      enterpriseInput({ name_en: 'Foo, "Bar" Ltd.', roles: ['manufacturer', 'foreign_invested'] }),
      enterpriseInput({ division: '440106', address: '广州市天河区 "珠江新城", 1号' }),
      enterpriseInput({ division: '659001', name_en: '', contact_email: '' }),
    ];
    const n = sqlCount(srv.db, 'enterprises');
    const r = await importCsv(C.admin, csv(rows, { bom: true }));
    assertStatus(r, 201);
    assertJson(r);
    assert.deepEqual(r.body, { imported: 3 });
    assert.equal(sqlCount(srv.db, 'enterprises'), n + 3);
    for (const e of rows) {
      const g = await adminGet(e.uscc);
      assertStatus(g, 200);
      for (const k of ['name_zh', 'name_en', 'address', 'legal_representative', 'contact_name', 'contact_phone', 'contact_email']) {
        if (e[k] === '') assert.ok(g.body[k] === '' || g.body[k] === null, `${e.uscc}.${k}: ${g.body[k]}`);
        else assert.equal(g.body[k], e[k], `${e.uscc}.${k}`);
      }
      assert.deepEqual([...g.body.roles].sort(), [...e.roles].sort());
    }
    assert.equal((await adminGet(rows[1].uscc)).body.bureau_code, '440000');
    assert.equal((await adminGet(rows[2].uscc)).body.bureau_code, '660000');
  });

  test('LF line endings work too', async () => {
    const rows = [enterpriseInput(), enterpriseInput()];
    const r = await importCsv(C.admin, csv(rows, { eol: '\n' }));
    assertStatus(r, 201);
    assert.deepEqual(r.body, { imported: 2 });
  });

  test('a CSV over 1 MiB (under 16 MiB) is accepted', async () => {
    const rows = [];
    for (let i = 0; i < 900; i++) rows.push(enterpriseInput({ division: '370102', address: '址'.repeat(300), name_en: 'n'.repeat(300) }));
    const body = csv(rows);
    assert.ok(Buffer.byteLength(body) > 1024 * 1024);
    const r = await importCsv(C.admin, body);
    assertStatus(r, 201);
    assert.deepEqual(r.body, { imported: 900 });
  });

  test('a CSV over 16 MiB is 413 (announced with Expect: 100-continue)', async () => {
    const body = 'x'.repeat(16 * 1024 * 1024 + 1024);
    await unchanged(async () => {
      const r = await rawRequest(srv.url, 'POST', `${ENT}/import`, {
        headers: { cookie: C.admin.cookie, 'x-csrf-token': C.admin.csrf, 'content-type': 'text/csv' }, body, expectContinue: true,
      });
      assertProblem(r, 'payload_too_large');
    });
  });

  test('a CSV over 16 MiB is 413 (client streaming the whole body)', async () => {
    const line = csvRow(enterpriseInput({ address: 'a'.repeat(300) }));
    const body = CSV_HEADER + '\r\n' + (line + '\r\n').repeat(Math.ceil((16 * 1024 * 1024 + 1024) / (line.length + 2)));
    await unchanged(async () => {
      const r = await rawRequest(srv.url, 'POST', `${ENT}/import`, {
        headers: { cookie: C.admin.cookie, 'x-csrf-token': C.admin.csrf, 'content-type': 'text/csv', 'content-length': Buffer.byteLength(body) },
        body,
      });
      assertProblem(r, 'payload_too_large');
    });
  });
});

describe('ETag on public reads', () => {
  for (const p of ['/api/v1/bureaus', '/api/v1/bureaus/440300', `/api/v1/enterprises/${HAIDIAN}`, `/api/v1/enterprises?q=${encodeURIComponent('北京')}`]) {
    test(`${p}: ETag, Cache-Control, 304 on If-None-Match`, async () => {
      const r = await C.anon.req('GET', p);
      assertStatus(r, 200);
      const etag = r.headers.get('etag');
      assert.ok(etag, 'ETag header');
      assert.match(etag, /^(W\/)?"[^"]*"$/, 'quoted entity tag');
      assert.equal(r.headers.get('cache-control'), 'public, max-age=60');
      const r2 = await C.anon.req('GET', p, undefined, { headers: { 'if-none-match': etag } });
      assert.equal(r2.status, 304);
      assert.equal(r2.text, '');
      const r3 = await C.anon.req('GET', p, undefined, { headers: { 'if-none-match': '"something-else"' } });
      assert.equal(r3.status, 200);
    });
  }
  test('the ETag changes when the enterprise changes', async () => {
    const p = `/api/v1/enterprises/${CHAOYANG}`;
    const r = await C.anon.req('GET', p);
    const etag = r.headers.get('etag');
    assertStatus(await C.admin.req('PATCH', `${ENT}/${CHAOYANG}`, { name_en: 'Chaoyang Renamed Ltd.' }), 200);
    const r2 = await C.anon.req('GET', p, undefined, { headers: { 'if-none-match': etag } });
    assert.equal(r2.status, 200);
    assert.equal(r2.body.name_en, 'Chaoyang Renamed Ltd.');
    assert.notEqual(r2.headers.get('etag'), etag);
  });
});

describe('operational endpoints and errors', () => {
  test('/healthz', async () => {
    const r = await C.anon.req('GET', '/healthz');
    assertStatus(r, 200);
    assertJson(r);
    assert.deepEqual(r.body, { status: 'ok' });
  });

  test('/metrics is Prometheus text with a request counter that counts', async () => {
    const read = async () => {
      const r = await C.anon.req('GET', '/metrics');
      assertStatus(r, 200);
      assert.match(r.headers.get('content-type') || '', /^text\/plain/);
      return r.text;
    };
    const t1 = await read();
    const names = [...t1.matchAll(/^# TYPE (\S+) counter$/gm)].map((m) => m[1]).filter((n) => /request/i.test(n));
    assert.ok(names.length > 0, 'a counter named *request*');
    const name = names[0];
    const esc = name.replace(/[.*+?^$()|[\]\\{}]/g, '\\$&');
    const sampleRe = new RegExp('^' + esc + '(?:' + LABELS + ')?\\s+(\\S+)', 'gm');
    const sum = (t) => [...t.matchAll(sampleRe)].reduce((s, m) => s + Number(m[1]), 0);
    const a = sum(t1);
    assert.ok(Number.isFinite(a));
    for (let i = 0; i < 5; i++) await C.anon.req('GET', '/healthz');
    const b = sum(await read());
    assert.ok(b >= a + 5, `${name}: ${a} -> ${b}`);
    // Every sample line is well formed.
    for (const line of (await read()).split('\n')) {
      if (!line || line.startsWith('#')) continue;
      assert.match(line, new RegExp('^[a-zA-Z_:][a-zA-Z0-9_:]*(' + LABELS + ')?\\s+[-+]?([0-9.eE+-]+|NaN|Inf)(\\s+-?\\d+)?$'), line);
    }
  });

  test('/api/v1/openapi.json is OpenAPI 3.1 with every documented route', async () => {
    const r = await C.anon.req('GET', '/api/v1/openapi.json');
    assertStatus(r, 200);
    assertJson(r);
    assert.equal(typeof r.body, 'object', 'valid JSON');
    assert.match(r.body.openapi, /^3\.1\.\d+$/);
    assert.equal(typeof r.body.info?.title, 'string');
    const paths = r.body.paths;
    const prefix = (() => { try { return new URL(r.body.servers?.[0]?.url ?? '', 'http://x').pathname.replace(/\/$/, ''); } catch { return ''; } })();
    const missing = [];
    for (const { method, path: p } of docRoutes()) {
      const entry = paths[p] || (prefix && p.startsWith(prefix) ? paths[p.slice(prefix.length)] : undefined);
      if (!entry || !entry[method.toLowerCase()]) missing.push(`${method} ${p}`);
    }
    assert.deepEqual(missing, []);
  });

  test('static files: / is web/index.html, /console/ is web/console/index.html', async () => {
    for (const [p, f] of [['/', 'web/index.html'], ['/console/', 'web/console/index.html'], ['/css/app.css', 'web/css/app.css']]) {
      const r = await C.anon.req('GET', p);
      assertStatus(r, 200, p);
      assert.equal(r.text, readFileSync(f, 'utf8'), p);
      assert.match(r.headers.get('content-type') || '', f.endsWith('.css') ? /^text\/css/ : /^text\/html/, p);
    }
    assert.equal((await C.anon.req('GET', '/no-such-file.html')).status, 404);
  });

  for (const target of ['/../docs/api.md', '/css/../../docs/api.md', '/%2e%2e/docs/api.md', '/css/..%2f..%2fdocs%2fapi.md', '/..%5cdocs%5capi.md']) {
    test(`no path traversal out of the web root: ${target}`, async () => {
      const r = await rawRequest(srv.url, 'GET', '/', { target });
      assert.ok(r.status >= 400 && r.status < 500, `status ${r.status}`);
      assert.ok(!r.text.includes('cryptoreg HTTP API'), 'docs/api.md served');
    });
  }

  test('unknown API path is 404 not_found', async () => {
    assertProblem(await C.admin.req('GET', '/api/v1/no-such-thing'), 'not_found');
  });

  test('wrong method is 405 method_not_allowed with Allow', async () => {
    const r = await C.admin.req('DELETE', '/api/v1/bureaus');
    assertProblem(r, 'method_not_allowed');
    assert.match(r.headers.get('allow') || '', /GET/);
  });
});

describe('login throttling (own server)', () => {
  let s2;
  before(async () => { s2 = await startServer(); });
  after(async () => { if (s2) await s2.stop(); });
  test('repeated wrong passwords lead to 429 too_many_requests, also for the right password', async () => {
    const c = new Client(s2.url);
    let first429 = -1;
    for (let i = 0; i < 20; i++) {
      const r = await c.login('officer.bj', `wrong password ${i}`);
      if (r.status === 429) { first429 = i; assertProblem(r, 'too_many_requests'); break; }
      assertProblem(r, 'unauthenticated');
    }
    assert.ok(first429 >= 1, `429 within 20 attempts (first at ${first429})`);
    const ok = await c.login('officer.bj', PASSWORD);
    assertProblem(ok, 'too_many_requests');
    assert.equal(c.cookie, null, 'no session issued while throttled');
  });
});
