// Key isolation: the SM2 keys live in a separate signer process started by the
// server. With that process gone, the server cannot sign anything (so it never
// held a key itself), yet it keeps answering and writes nothing half-done.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { startServer, Client } from '../lib/harness.mjs';

let srv, anon;
before(async () => { srv = await startServer({ fixtures: false, demo: true, env: { CRYPTOREG_LOG_INTERVAL_MS: '100' } }); anon = new Client(srv.url); });
after(async () => { if (srv) await srv.stop(); });

test('the server runs a signer child, and without it nothing gets signed', async () => {
  const kids = spawnSync('pgrep', ['-P', String(srv.pid)], { encoding: 'utf8' }).stdout.trim().split('\n').filter(Boolean);
  assert.equal(kids.length, 1, 'exactly one child process: the signer');
  const signer = Number(kids[0]);
  // The key files are the signer's: the server's own open files do not include them.
  const fds = fs.readdirSync(`/proc/${srv.pid}/fd`).map((f) => { try { return fs.readlinkSync(`/proc/${srv.pid}/fd/${f}`); } catch { return ''; } });
  assert.ok(!fds.some((p) => p.endsWith('.pem')), 'the server holds no key file open');
  let before;
  for (let i = 0; i < 100; i++) {
    before = (await anon.req('GET', '/api/v1/log')).body;
    if (before.size === before.entries && before.size > 0) break;
    await new Promise((ok) => setTimeout(ok, 100));
  }
  process.kill(signer, 'SIGKILL');
  await new Promise((ok) => setTimeout(ok, 200));
  // A public act still needs a signature only at integration: the act is refused whole when
  // it must sign (issuing), and the checkpoint simply does not advance.
  const pw = 'a brand new passphrase 42';
  srv.cli(['user', 'reset-password', 'officer.bj', '--password-stdin'], { input: pw + '\n' });
  const officer = new Client(srv.url);
  assert.equal((await officer.login('officer.bj', pw)).status, 200);
  const apps = await officer.req('GET', '/api/v1/applications?state=approved');
  const app = apps.body.items.find((a) => a.bureau_code === '110000');
  if (app) {
    const r = await officer.req('POST', `/api/v1/applications/${app.number}/issue`, {});
    assert.equal(r.status, 500, 'issuing needs the signer');
    const again = await officer.req('GET', `/api/v1/applications/${app.number}`);
    assert.equal(again.body.state, 'approved', 'nothing half-written');
  }
  const list = await officer.req('GET', '/api/v1/registry/certificates?status=valid');
  const cert = list.body.items.find((c) => !c.legacy);
  const s = await officer.req('POST', `/api/v1/certificates/${encodeURIComponent(cert.number)}/status`, { status: 'suspended', reason: 'signer gone' });
  assert.equal(s.status, 200, 'an act that needs no signature now still succeeds');
  await new Promise((ok) => setTimeout(ok, 500));
  const after = (await anon.req('GET', '/api/v1/log')).body;
  assert.equal(after.entries, before.entries + 1, 'the act is logged');
  assert.equal(after.size, before.size, 'but no checkpoint could be signed');
  assert.equal((await fetch(srv.url + '/healthz')).status, 200, 'the server keeps answering');
});
