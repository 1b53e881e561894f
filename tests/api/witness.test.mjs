// A witness cosigns the log's checkpoints while the log only grows, and
// refuses once the operator rewrites history: the same size with another
// root (a fork), or a larger tree that is not an extension of the one it saw.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { startServer, Client, BIN } from '../lib/harness.mjs';

const NAME = 'witness.test.example';
let srv, anon, wdir, logKey;
const FAST = { CRYPTOREG_LOG_INTERVAL_MS: '100' };

before(async () => {
  srv = await startServer({ fixtures: false, demo: true, env: FAST });
  anon = new Client(srv.url);
  wdir = fs.mkdtempSync(path.join(srv.dir, 'witness-'));
});
after(async () => { if (srv) await srv.stop(); });

const witness = (...extra) => spawnSync(BIN, ['witness', '--log', srv.url, '--state', path.join(wdir, 'state'),
  '--name', NAME, '--log-key', logKey, '--key-dir', path.join(wdir, 'keys'), ...extra], { encoding: 'utf8' });

async function signedSize(n) {
  for (let i = 0; i < 100; i++) {
    const r = await anon.req('GET', '/api/v1/log');
    if (r.status === 200 && r.body.size >= n && r.body.size === r.body.entries) return r.body;
    await new Promise((ok) => setTimeout(ok, 100));
  }
  throw new Error(`the log never reached size ${n}`);
}

// A public act that grows the log: suspending or reinstating a demo certificate.
async function grow(status) {
  const pw = 'a brand new passphrase 42';
  srv.cli(['user', 'reset-password', 'admin', '--password-stdin'], { input: pw + '\n' });
  const admin = new Client(srv.url);
  assert.equal((await admin.login('admin', pw)).status, 200);
  const list = await admin.req('GET', '/api/v1/registry/certificates?status=' + (status === 'suspended' ? 'valid' : 'suspended'));
  const cert = list.body.items.find((c) => !c.legacy);
  const r = await admin.req('POST', `/api/v1/certificates/${encodeURIComponent(cert.number)}/status`, { status, reason: 'witness test' });
  assert.equal(r.status, 200);
  return r.body.log_index;
}

test('a registered witness cosigns while the log grows, and the log publishes it', async () => {
  const log = await signedSize(1);
  logKey = log.key;
  const key = spawnSync(BIN, ['witness', 'key', '--name', NAME, '--key-dir', path.join(wdir, 'keys')], { encoding: 'utf8' });
  assert.equal(key.status, 0, key.stderr);
  const vkey = key.stdout.trim();
  assert.match(vkey, new RegExp(`^${NAME.replace(/\./g, '\\.')}\\+[0-9a-f]{8}\\+`));
  // An unregistered witness's cosignature is refused by the log.
  const early = witness();
  assert.equal(early.status, 1, early.stdout + early.stderr);
  assert.match(early.stderr, /not a registered witness/);
  srv.cli(['log', 'witness-add', vkey]);
  const first = witness();
  assert.equal(first.status, 0, first.stdout + first.stderr);
  assert.match(fs.readFileSync(path.join(wdir, 'state'), 'utf8'), new RegExp(`^size ${log.size}\\n`));
  const idx = await grow('suspended');
  const bigger = await signedSize(idx + 1);
  const second = witness();
  assert.equal(second.status, 0, second.stdout + second.stderr);
  assert.match(second.stdout, new RegExp(`at size ${bigger.size}`));
  const cp = await (await fetch(srv.url + '/log/checkpoint')).text();
  assert.match(cp, new RegExp(`\\n— ${NAME.replace(/\./g, '\\.')} `), 'the checkpoint carries the cosignature');
  const ws = await anon.req('GET', '/api/v1/log/witnesses');
  assert.equal(ws.body.items[0].last_size, bigger.size);
});

test('after the operator rewrites history, the witness refuses to cosign', async () => {
  const before = await signedSize(1);
  const state = fs.readFileSync(path.join(wdir, 'state'), 'utf8');
  await srv.stop({ keep: true });
  // The operator alters an early entry and rebuilds the tree and checkpoint with the same key.
  const sql = [
    'PRAGMA trusted_schema = 1',
    'DROP TRIGGER log_entries_no_update',
    "UPDATE log_entries SET entry = CAST(replace(CAST(entry AS TEXT), 'certificate', 'Certificate') AS BLOB) WHERE idx = 1",
    'DELETE FROM log_cosignatures', 'DELETE FROM log_hashes', 'DELETE FROM log_checkpoints',
  ].join(';');
  const r = spawnSync('sqlite3', [srv.db, sql], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const rebuilt = spawnSync(BIN, ['--db', srv.db, 'log', 'integrate'], { encoding: 'utf8' });
  assert.equal(rebuilt.status, 0, rebuilt.stderr);
  srv = await startServer({ reuse: { dir: srv.dir, db: srv.db }, env: FAST });
  anon = new Client(srv.url);
  const forked = await signedSize(before.size);
  assert.equal(forked.size, before.size, 'the rewritten log has the same size');
  const refused = witness();
  assert.equal(refused.status, 1, refused.stdout + refused.stderr);
  assert.match(refused.stderr, /fork|not consistent/);
  assert.equal(fs.readFileSync(path.join(wdir, 'state'), 'utf8'), state, 'the witness keeps what it saw');
  // Growing the rewritten log does not help: it is not an extension of the tree the witness saw.
  const idx = await grow('valid');
  await signedSize(idx + 1);
  const still = witness();
  assert.equal(still.status, 1, still.stdout + still.stderr);
  assert.match(still.stderr, /not consistent/);
  const cp = await (await fetch(srv.url + '/log/checkpoint')).text();
  assert.doesNotMatch(cp, new RegExp(NAME.replace(/\./g, '\\.')), 'no cosignature on the rewritten log');
});
