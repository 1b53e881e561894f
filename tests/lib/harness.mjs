// Test harness shared by the API and browser tests: starts the real cryptoreg
// binary on 127.0.0.1 with a fresh database and a fixed set of fixtures.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import net from 'node:net';
import path from 'node:path';

export const BIN = process.env.CRYPTOREG_BIN || path.resolve('build/cryptoreg');
export const WEB_ROOT = process.env.CRYPTOREG_WEB_ROOT || path.resolve('web');
export const PASSWORD = 'correct horse battery';

// Fixture enterprises (valid USCCs) and users, one of every role.
export const FIXTURES = {
  enterprises: [
    { uscc: '911101089243040981', name_zh: '北京海淀密码科技有限公司', name_en: 'Beijing Haidian Crypto Tech Co., Ltd.', roles: 'manufacturer;seller' },
    { uscc: '911101059492671314', name_zh: '北京朝阳安全设备有限公司', name_en: 'Beijing Chaoyang Security Devices Co., Ltd.', roles: 'seller' },
    { uscc: '91440106465460437U', name_zh: '广州天河加密系统有限公司', name_en: 'Guangzhou Tianhe Encryption Systems Co., Ltd.', roles: 'integrator' },
    { uscc: '914403052836347237', name_zh: '深圳南山密码芯片有限公司', name_en: 'Shenzhen Nanshan Crypto Chip Co., Ltd.', roles: 'manufacturer' },
    { uscc: '916590016748738523', name_zh: '石河子兵团信息安全有限公司', name_en: 'Shihezi Corps Information Security Co., Ltd.', roles: 'seller' },
  ],
  users: [
    { username: 'admin', role: 'national_admin' },
    { username: 'officer.bj', role: 'bureau_officer', bureau: '110000' },
    { username: 'officer.gd', role: 'bureau_officer', bureau: '440000' },
    { username: 'inspector.bj', role: 'inspector', bureau: '110000' },
    { username: 'ent.haidian', role: 'enterprise_user', enterprise: '911101089243040981' },
  ],
};

async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

// Runs the CLI synchronously against the given database; throws on a
// non-zero exit unless allowFail is set.
export function cli(db, args, { input, allowFail = false } = {}) {
  const r = spawnSync(BIN, ['--db', db, ...args], { input, encoding: 'utf8' });
  if (!allowFail && r.status !== 0)
    throw new Error(`cryptoreg ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r;
}

// Starts a server on a fresh database. With fixtures (the default) the
// FIXTURES enterprises and users exist; with demo the demo data set is loaded.
// With `reuse` ({dir, db} of a server stopped with keep), the server starts on
// that database as it was left, with nothing added.
export async function startServer({ fixtures = true, demo = false, reuse = null, env = {} } = {}) {
  const dir = reuse ? reuse.dir : mkdtempSync(path.join(tmpdir(), 'cryptoreg-test-'));
  const db = reuse ? reuse.db : path.join(dir, 'cryptoreg.db');
  if (!reuse) cli(db, ['init']);
  if (demo && !reuse) cli(db, ['demo']);
  if (fixtures && !reuse) {
    for (const e of FIXTURES.enterprises)
      cli(db, ['enterprise', 'add', '--uscc', e.uscc, '--name-zh', e.name_zh, '--name-en', e.name_en, '--roles', e.roles]);
    for (const u of FIXTURES.users) {
      const args = ['user', 'add', u.username, '--role', u.role, '--display-name', u.username, '--password-stdin'];
      if (u.bureau) args.push('--bureau', u.bureau);
      if (u.enterprise) args.push('--enterprise', u.enterprise);
      cli(db, args, { input: PASSWORD + '\n' });
    }
  }
  const port = await freePort();
  const child = spawn(BIN, ['--db', db, 'serve', '--listen', `127.0.0.1:${port}`, '--web-root', WEB_ROOT],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let log = '';
  child.stdout.on('data', (d) => { log += d; });
  child.stderr.on('data', (d) => { log += d; });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 15000;
  for (;;) {
    try {
      const r = await fetch(url + '/healthz');
      if (r.ok) break;
    } catch { /* not up yet */ }
    if (child.exitCode !== null) throw new Error('server exited early:\n' + log);
    if (Date.now() > deadline) { child.kill('SIGKILL'); throw new Error('server did not start:\n' + log); }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url, db, dir, pid: child.pid,
    log: () => log,
    cli: (args, opts) => cli(db, args, opts),
    // Stops the server with SIGTERM. Under the sanitizers a leak or memory
    // error makes the exit status non-zero, so a dirty exit fails the suite.
    async stop({ keep = false } = {}) {
      child.kill('SIGTERM');
      await new Promise((resolve) => { if (child.exitCode !== null || child.signalCode) resolve(); else child.on('exit', resolve); });
      if (!keep) rmSync(dir, { recursive: true, force: true });
      if (child.exitCode !== 0)
        throw new Error(`server exited with ${child.exitCode ?? child.signalCode}:\n${log.slice(-4000)}`);
      return child.exitCode;
    },
  };
}

// A tiny HTTP client that keeps the session cookie and CSRF token of one user.
export class Client {
  constructor(base) { this.base = base; this.cookie = null; this.csrf = null; this.bearer = null; }
  async login(username, password = PASSWORD) {
    const r = await this.req('POST', '/api/v1/session', { username, password });
    if (r.status === 200) {
      this.csrf = r.body.csrf_token;
    }
    return r;
  }
  async req(method, p, body, { headers = {}, raw = false } = {}) {
    const h = { ...headers };
    if (this.cookie) h.cookie = this.cookie;
    if (this.csrf && !['GET', 'HEAD'].includes(method) && !('x-csrf-token' in h)) h['x-csrf-token'] = this.csrf;
    if (this.bearer) h.authorization = `Bearer ${this.bearer}`;
    let payload;
    if (body !== undefined) {
      if (raw) payload = body;
      else { payload = JSON.stringify(body); h['content-type'] = h['content-type'] || 'application/json'; }
    }
    const r = await fetch(this.base + p, { method, headers: h, body: payload, redirect: 'manual' });
    const set = r.headers.get('set-cookie');
    if (set && set.startsWith('cr_session=')) {
      const v = set.split(';')[0];
      this.cookie = v === 'cr_session=' ? null : v;
    }
    const text = await r.text();
    let parsed = null;
    try { parsed = text ? JSON.parse(text) : null; } catch { parsed = text; }
    return { status: r.status, headers: r.headers, body: parsed, text };
  }
}
