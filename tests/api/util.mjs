// Helpers for the HTTP API tests (tests/api/*.test.mjs). The server harness
// itself lives in tests/lib/harness.mjs and is used unchanged.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Client, PASSWORD } from '../lib/harness.mjs';

// ---------------------------------------------------------------------------
// GB 32100-2015 unified social credit codes (USCC)

export const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';

// GB 11714 organisation code check character over the first 8 characters.
export function orgCodeCheck(first8) {
  const weights = [3, 7, 9, 10, 5, 8, 4, 2];
  if (first8.length !== 8) throw new Error('org code body must be 8 chars');
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    const ch = first8[i];
    let v;
    if (ch >= '0' && ch <= '9') v = ch.charCodeAt(0) - 48;
    else if (ch >= 'A' && ch <= 'Z') v = ch.charCodeAt(0) - 55; // A=10 .. Z=35
    else throw new Error(`bad org code char ${ch}`);
    sum += v * weights[i];
  }
  const c = 11 - (sum % 11);
  if (c === 10) return 'X';
  if (c === 11) return '0';
  return String(c);
}

// GB 32100 check character over the first 17 characters.
export function usccCheck(first17) {
  if (first17.length !== 17) throw new Error('USCC body must be 17 chars');
  let sum = 0;
  let w = 1; // 3^(i-1) mod 31 for position i = 1..17
  for (let i = 0; i < 17; i++) {
    const v = USCC_ALPHABET.indexOf(first17[i]);
    if (v < 0) throw new Error(`bad USCC char ${first17[i]}`);
    sum += v * w;
    w = (w * 3) % 31;
  }
  return USCC_ALPHABET[(31 - (sum % 31)) % 31];
}

export function isValidUscc(s) {
  if (typeof s !== 'string' || !/^[0-9A-HJ-NPQRTUWXY]{18}$/.test(s)) return false;
  if (!/^[0-9]{6}$/.test(s.slice(2, 8))) return false;
  if (orgCodeCheck(s.slice(8, 16)) !== s[16]) return false;
  return usccCheck(s.slice(0, 17)) === s[17];
}

let usccCounter = 0;
const USCC_BASE = (Date.now() * 7 + process.pid * 131) % 1e8;
// A fresh valid USCC: registration authority '9' (market regulation),
// kind '1' (enterprise), the given 6-digit division code, a unique
// 8-digit organisation code body with its GB 11714 check, and the GB 32100
// check character.
export function makeUscc(division = '110108') {
  assert.match(division, /^[0-9]{6}$/);
  usccCounter += 1;
  const body = String((USCC_BASE + usccCounter * 7919) % 1e8).padStart(8, '0');
  const first17 = '91' + division + body + orgCodeCheck(body);
  return first17 + usccCheck(first17);
}

// Replaces the final check character with a different, wrong one.
export function breakCheck(uscc) {
  const good = uscc[17];
  const bad = USCC_ALPHABET[(USCC_ALPHABET.indexOf(good) + 1) % 31];
  return uscc.slice(0, 17) + bad;
}

// A USCC whose GB 32100 check is right but whose embedded GB 11714
// organisation code check character (position 17) is wrong.
export function makeUsccBadOrgCheck(division = '110108') {
  const u = makeUscc(division);
  const body = u.slice(8, 16);
  const good = orgCodeCheck(body);
  const bad = good === '1' ? '2' : '1';
  const first17 = u.slice(0, 16) + bad;
  return first17 + usccCheck(first17);
}

// The bureau a USCC's division code (positions 3-8) belongs to.
export function derivedBureau(uscc) {
  const div = uscc.slice(2, 8);
  if (div.startsWith('4403')) return '440300'; // Shenzhen
  if (div.startsWith('6590') || div.startsWith('66')) return '660000'; // XPCC
  return div.slice(0, 2) + '0000';
}

// ---------------------------------------------------------------------------
// Clients

export const ROLES = ['anon', 'admin', 'officer.bj', 'officer.gd', 'inspector.bj', 'ent.haidian'];
export const ROLE_OF = {
  admin: 'national_admin',
  'officer.bj': 'bureau_officer',
  'officer.gd': 'bureau_officer',
  'inspector.bj': 'inspector',
  'ent.haidian': 'enterprise_user',
};
export const BUREAU_OF = { 'officer.bj': '110000', 'officer.gd': '440000', 'inspector.bj': '110000' };
export const OWN_ENTERPRISE = '911101089243040981';

export async function loginAs(base, username, password = PASSWORD) {
  const c = new Client(base);
  const r = await c.login(username, password);
  assert.equal(r.status, 200, `login ${username}: ${r.status} ${r.text}`);
  return c;
}

// All fixture roles: anon is a client without a session.
export async function loginAll(base) {
  const out = { anon: new Client(base) };
  for (const r of ROLES.slice(1)) out[r] = await loginAs(base, r);
  return out;
}

// The same cookie session, but without the CSRF header.
export function noCsrf(client) {
  const c = new Client(client.base);
  c.cookie = client.cookie;
  return c;
}

export function bearerClient(base, token) {
  const c = new Client(base);
  c.bearer = token;
  return c;
}

// Low-level HTTP/1.1 request over a plain socket that keeps reading while it
// writes, like curl, so that an early answer (e.g. 413 before the whole body
// was read) is seen even if the server then closes the connection.
// target sends a request target verbatim (no URL normalisation of "..").
// With expectContinue the body is sent only after `100 Continue` (or after
// 1 s without an answer), so a server may refuse it from the headers alone.
export function rawRequest(base, method, p, { headers = {}, body, expectContinue = false, target } = {}) {
  const u = new URL(p, base);
  const payload = body === undefined ? Buffer.alloc(0) : Buffer.from(body);
  return new Promise((resolve, reject) => {
    const sock = net.connect(Number(u.port), u.hostname);
    const chunks = [];
    let settled = false;
    const parse = (final) => {
      const buf = Buffer.concat(chunks);
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return null;
      const lines = buf.subarray(0, end).toString('latin1').split('\r\n');
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0]);
      if (!m) return null;
      if (m[1][0] === '1') { // interim response: drop it, maybe send the body
        chunks.length = 0;
        if (buf.length > end + 4) chunks.push(buf.subarray(end + 4));
        if (m[1] === '100') sendBody();
        return parse(final);
      }
      const h = new Headers();
      for (const l of lines.slice(1)) { const i = l.indexOf(':'); if (i > 0) h.append(l.slice(0, i).trim(), l.slice(i + 1).trim()); }
      let rest = buf.subarray(end + 4);
      if (h.has('content-length')) {
        const n = Number(h.get('content-length'));
        if (rest.length < n && !final) return null;
        rest = rest.subarray(0, n);
      } else if (/chunked/i.test(h.get('transfer-encoding') || '')) {
        const out = [];
        let off = 0;
        for (;;) {
          const e = rest.indexOf('\r\n', off);
          if (e < 0) { if (!final) return null; break; }
          const size = parseInt(rest.subarray(off, e).toString('latin1'), 16);
          if (size === 0) break;
          if (rest.length < e + 2 + size) { if (!final) return null; break; }
          out.push(rest.subarray(e + 2, e + 2 + size));
          off = e + 2 + size + 2;
        }
        rest = Buffer.concat(out);
      } else if (!final && Number(m[1]) !== 204 && Number(m[1]) !== 304) return null;
      const text = rest.toString('utf8');
      let parsed = null;
      try { parsed = text ? JSON.parse(text) : null; } catch { parsed = text; }
      return { status: Number(m[1]), headers: h, body: parsed, text };
    };
    const done = (final, err) => {
      if (settled) return;
      const r = parse(final);
      if (r) { settled = true; sock.destroy(); resolve(r); } else if (final) {
        settled = true; sock.destroy();
        reject(new Error(`no HTTP response: the connection was ${err ? `reset (${err.code || err.message})` : 'closed'} after ${sent} of ${payload.length} body bytes were written`));
      }
    };
    let sent = 0;
    let bodyStarted = false;
    const sendBody = async () => {
      if (bodyStarted) return;
      bodyStarted = true;
      for (let off = 0; off < payload.length && !settled && !sock.destroyed; off += 65536) {
        const chunk = payload.subarray(off, off + 65536);
        const ok = sock.write(chunk);
        sent += chunk.length;
        if (!ok) await new Promise((r) => { sock.once('drain', r); sock.once('close', r); });
      }
    };
    sock.on('data', (d) => { chunks.push(d); done(false); });
    sock.on('error', (e) => done(true, e));
    sock.on('close', () => done(true));
    sock.on('connect', async () => {
      const h = { host: u.host, connection: 'close', 'content-length': String(payload.length), ...headers };
      if (expectContinue) h.expect = '100-continue';
      const head = `${method} ${target || u.pathname + u.search} HTTP/1.1\r\n` + Object.entries(h).map(([k, v]) => `${k}: ${v}`).join('\r\n') + '\r\n\r\n';
      sock.write(head);
      if (expectContinue) setTimeout(sendBody, 1000); else sendBody();
    });
  });
}

// ---------------------------------------------------------------------------
// Assertions

const PROBLEM_STATUS = {
  bad_request: [400],
  malformed_json: [400],
  unknown_field: [400, 422],
  wrong_type: [400, 422],
  too_long: [400, 422],
  missing_field: [400, 422],
  invalid_value: [400, 422],
  invalid_uscc: [400, 422],
  duplicate_uscc: [409],
  unauthenticated: [401],
  forbidden: [403],
  csrf: [403],
  not_found: [404],
  method_not_allowed: [405],
  payload_too_large: [413],
  unsupported_media_type: [415],
  too_many_requests: [429],
  conflict: [409],
  csv_invalid: [422],
};

export function isProblem(r) {
  return (r.headers.get('content-type') || '').startsWith('application/problem+json');
}

export function namesField(body, field) {
  if (body && Array.isArray(body.errors) && body.errors.some((e) => e && e.field === field)) return true;
  return !!(body && typeof body.detail === 'string' && body.detail.includes(field));
}

// Asserts an RFC 9457 problem with the given code (or one of several codes)
// and, optionally, that it names a field.
export function assertProblem(r, code, { field, status } = {}) {
  const codes = Array.isArray(code) ? code : [code];
  const ctx = `${r.status} ${r.text && r.text.slice(0, 400)}`;
  const statuses = status ? [status] : codes.flatMap((c) => PROBLEM_STATUS[c] || []);
  assert.ok(statuses.includes(r.status), `expected status ${statuses.join('/')} for ${codes.join('|')}, got ${ctx}`);
  assert.ok(isProblem(r), `expected application/problem+json, got ${r.headers.get('content-type')}: ${ctx}`);
  assert.equal(typeof r.body, 'object', ctx);
  assert.ok(codes.includes(r.body.code), `expected code ${codes.join('|')}, got ${ctx}`);
  assert.equal(r.body.status, r.status, `problem status member: ${ctx}`);
  assert.equal(r.body.type, `/problems/${r.body.code}`, `problem type: ${ctx}`);
  assert.equal(typeof r.body.title, 'string', `problem title: ${ctx}`);
  if (field) assert.ok(namesField(r.body, field), `problem does not name field ${field}: ${ctx}`);
}

export function assertStatus(r, status, msg = '') {
  const ok = Array.isArray(status) ? status.includes(r.status) : r.status === status;
  assert.ok(ok, `${msg} expected ${status}, got ${r.status} ${r.text && r.text.slice(0, 400)}`);
}

export function assertJson(r) {
  assert.match(r.headers.get('content-type') || '', /^application\/json/i, `content-type of ${r.status} ${r.text.slice(0, 200)}`);
}

export const RFC3339_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
export const ENTERPRISE_ROLES = ['manufacturer', 'seller', 'importer', 'integrator', 'foreign_invested', 'foreign_entity'];
const PRIVATE_ENTERPRISE_KEYS = ['legal_representative', 'contact_name', 'contact_phone', 'contact_email',
  'bureau_override_reason', 'version', 'created_at', 'updated_at'];

export function assertBureau(b) {
  assert.equal(typeof b, 'object');
  assert.match(b.code, /^\d{6}$/);
  assert.equal(typeof b.name_zh, 'string');
  assert.ok(b.name_zh.length > 0);
  assert.equal(typeof b.name_en, 'string');
  assert.ok(['municipality', 'province', 'autonomous_region', 'xpcc', 'sub_provincial_city'].includes(b.kind), `kind ${b.kind}`);
  assert.match(b.division_code, /^\d{6}$/);
}

export function assertPublicEnterprise(e) {
  assert.equal(typeof e, 'object');
  assert.ok(isValidUscc(e.uscc), `uscc ${e.uscc}`);
  assert.equal(typeof e.name_zh, 'string');
  assert.ok('name_en' in e, 'name_en present');
  assert.ok(Array.isArray(e.roles) && e.roles.length > 0, 'roles array');
  for (const r of e.roles) assert.ok(ENTERPRISE_ROLES.includes(r), `role ${r}`);
  assert.ok('address' in e, 'address present');
  assert.match(e.bureau_code, /^\d{6}$/);
}

// The public view must not leak the non-public Enterprise fields.
export function assertPublicOnly(e) {
  assertPublicEnterprise(e);
  for (const k of PRIVATE_ENTERPRISE_KEYS) assert.ok(!(k in e), `public enterprise leaks ${k}`);
}

export function assertEnterprise(e) {
  assertPublicEnterprise(e);
  for (const k of ['legal_representative', 'contact_name', 'contact_phone', 'contact_email', 'bureau_override_reason'])
    assert.ok(k in e, `Enterprise.${k} present`);
  assert.match(e.division_code, /^\d{6}$/);
  assert.equal(e.division_code, e.uscc.slice(2, 8));
  assert.match(e.derived_bureau_code, /^\d{6}$/);
  assert.match(e.created_at, RFC3339_UTC);
  assert.match(e.updated_at, RFC3339_UTC);
  assert.equal(typeof e.version, 'number');
}

export function assertUser(u) {
  assert.equal(typeof u, 'object');
  assert.equal(typeof u.username, 'string');
  assert.equal(typeof u.display_name, 'string');
  assert.ok(['national_admin', 'bureau_officer', 'inspector', 'enterprise_user'].includes(u.role), `role ${u.role}`);
  assert.ok('bureau_code' in u && 'enterprise_uscc' in u);
  assert.equal(typeof u.disabled, 'boolean');
  assert.match(u.created_at, RFC3339_UTC);
  for (const k of Object.keys(u)) assert.doesNotMatch(k, /password|hash|salt|secret/i, `User leaks ${k}`);
}

export function assertAuditEntry(a) {
  assert.equal(typeof a, 'object');
  assert.ok('id' in a);
  assert.match(a.at, RFC3339_UTC);
  for (const k of ['actor', 'ip', 'action', 'entity_type', 'entity_id', 'bureau_code', 'before', 'after'])
    assert.ok(k in a, `AuditEntry.${k} present`);
  assert.equal(typeof a.action, 'string');
  assert.ok(a.action.length > 0);
  assert.ok(a.before === null || typeof a.before === 'object');
  assert.ok(a.after === null || typeof a.after === 'object');
}

export function assertList(r, itemCheck) {
  assertStatus(r, 200);
  assertJson(r);
  assert.ok(Array.isArray(r.body.items), 'items array');
  assert.ok('next_cursor' in r.body, 'next_cursor present');
  assert.ok(r.body.next_cursor === null || typeof r.body.next_cursor === 'string');
  if (itemCheck) for (const it of r.body.items) itemCheck(it);
  return r.body.items;
}

// Follows next_cursor to the end; returns all items (fails on > maxPages).
export async function walk(client, p, { limit = 200, maxPages = 200 } = {}) {
  const all = [];
  let cursor = null;
  for (let i = 0; i < maxPages; i++) {
    const sep = p.includes('?') ? '&' : '?';
    const url = `${p}${sep}limit=${limit}` + (cursor ? `&cursor=${encodeURIComponent(cursor)}` : '');
    const r = await client.req('GET', url);
    assertList(r);
    all.push(...r.body.items);
    cursor = r.body.next_cursor;
    if (!cursor) return all;
  }
  throw new Error(`more than ${maxPages} pages for ${p}`);
}

// ---------------------------------------------------------------------------
// Database (read-only checks through the sqlite3 CLI)

export function sql(db, query) {
  const r = spawnSync('sqlite3', ['-cmd', '.timeout 5000', db, query], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout.trim(), stderr: r.stderr.trim() };
}

export function sqlCount(db, table) {
  const r = sql(db, `select count(*) from ${table}`);
  assert.equal(r.status, 0, `sqlite3: ${r.stderr}`);
  return Number(r.stdout);
}

// ---------------------------------------------------------------------------
// Data builders

export function enterpriseInput(overrides = {}) {
  const uscc = overrides.uscc || makeUscc(overrides.division || '110108');
  const e = {
    uscc,
    name_zh: `测试密码企业${uscc.slice(8, 16)}有限公司`,
    name_en: `Test Crypto ${uscc.slice(8, 16)} Co., Ltd.`,
    roles: ['manufacturer'],
    address: '北京市海淀区中关村大街1号',
    legal_representative: '张三',
    contact_name: '李四',
    contact_phone: '+86 10 1234 5678',
    contact_email: 'contact@example.cn',
    ...overrides,
  };
  delete e.division;
  return e;
}

export const CSV_HEADER = 'uscc,name_zh,name_en,roles,address,legal_representative,contact_name,contact_phone,contact_email';

function csvField(v) {
  const s = v == null ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvRow(e) {
  return [e.uscc, e.name_zh, e.name_en, Array.isArray(e.roles) ? e.roles.join(';') : e.roles, e.address,
    e.legal_representative, e.contact_name, e.contact_phone, e.contact_email].map(csvField).join(',');
}

export function csv(rows, { eol = '\r\n', bom = false } = {}) {
  return (bom ? '\uFEFF' : '') + [CSV_HEADER, ...rows.map((r) => (typeof r === 'string' ? r : csvRow(r)))].join(eol) + eol;
}

export function importCsv(client, text) {
  return client.req('POST', '/api/v1/registry/enterprises/import', text, { raw: true, headers: { 'content-type': 'text/csv' } });
}

// ---------------------------------------------------------------------------
// docs/api.md routes

export function docRoutes() {
  const md = readFileSync(path.resolve('docs/api.md'), 'utf8');
  const out = [];
  for (const line of md.split('\n')) {
    const m = /^\|\s*(GET|POST|PUT|PATCH|DELETE)\s*\|\s*`([^`]+)`\s*\|/.exec(line);
    if (m) out.push({ method: m[1], path: m[2].split('?')[0] });
  }
  return out;
}
