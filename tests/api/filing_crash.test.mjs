// Crash safety of the filing upload: the server is killed with SIGKILL in
// the middle of a large upload (while the body streams in) and again while
// the version's lines are being written; after a restart there is no partial
// filing, the database passes PRAGMA integrity_check, and the same file then
// files whole.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { statSync, existsSync, rmSync } from 'node:fs';
import http from 'node:http';
import { startServer, PASSWORD } from '../lib/harness.mjs';
import { loginAs, assertStatus, sql } from './util.mjs';
import { filingFile, filingLines } from './filing_util.mjs';

const LINES = 150000;
let srv;
let file;

function q(s) {
  const r = sql(srv.db, s);
  assert.equal(r.status, 0, `sqlite3: ${r.stderr}`);
  return r.stdout.trim();
}

// Starts an upload and returns {req, done}; the body is written by the caller.
function startUpload(client, year) {
  const url = new URL(`${srv.url}/api/v1/filings/years/${year}`);
  const req = http.request({
    host: url.hostname, port: url.port, path: url.pathname, method: 'POST',
    headers: { 'content-type': 'text/csv', 'content-length': file.length, cookie: client.cookie, 'x-csrf-token': client.csrf },
  });
  const done = new Promise((resolve) => {
    req.on('response', (res) => { res.resume(); res.on('end', () => resolve(res.statusCode)); });
    req.on('error', () => resolve('connection lost'));
  });
  return { req, done };
}

function walSize() {
  const wal = `${srv.db}-wal`;
  return existsSync(wal) ? statSync(wal).size : 0;
}

async function killAndRestart() {
  process.kill(srv.pid, 'SIGKILL');
  await srv.stop({ keep: true }).catch(() => {}); // it exits by the signal, not cleanly
  srv = await startServer({ fixtures: false, reuse: { dir: srv.dir, db: srv.db } });
}

function assertNothingPartial() {
  assert.equal(q('PRAGMA integrity_check'), 'ok');
  assert.equal(q("select count(*) from filings where uscc = '91110108100000198A'"), '0', 'no filing');
  assert.equal(q('select count(*) from filing_lines'), '0', 'no line');
  assert.equal(q('select count(*) from filing_totals'), '0');
}

before(async () => {
  srv = await startServer({ demo: true, fixtures: false });
  assert.equal(srv.cli(['user', 'reset-password', 'ent.beijing', '--password-stdin'], { input: `${PASSWORD}\n` }).status, 0);
  file = Buffer.from(filingFile(filingLines(LINES)));
});

after(async () => {
  if (srv) {
    const dir = srv.dir;
    await srv.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

describe('kill -9 during a large upload', () => {
  test('while the body streams in', async () => {
    const ent = await loginAs(srv.url, 'ent.beijing');
    const { req, done } = startUpload(ent, 2025);
    req.write(file.subarray(0, file.length >> 1));
    await new Promise((r) => setTimeout(r, 300));
    await killAndRestart();
    req.destroy();
    assert.equal(await done, 'connection lost');
    assertNothingPartial();
  });

  test('while the lines are being written', async () => {
    const ent = await loginAs(srv.url, 'ent.beijing');
    const before = walSize();
    const { req, done } = startUpload(ent, 2025);
    req.end(file);
    // The insert is under way once the write-ahead log grows by a few megabytes.
    const start = Date.now();
    while (walSize() < before + 4 * 1024 * 1024 && Date.now() - start < 60000)
      await new Promise((r) => setTimeout(r, 5));
    assert.ok(walSize() >= before + 4 * 1024 * 1024, 'the lines were being written when the server was killed');
    await killAndRestart();
    assert.equal(await done, 'connection lost');
    assertNothingPartial();
  });

  test('after the restart the same file files whole', async () => {
    const ent = await loginAs(srv.url, 'ent.beijing');
    const r = await ent.req('POST', '/api/v1/filings/years/2025', file, { raw: true, headers: { 'content-type': 'text/csv' } });
    assertStatus(r, 201);
    assert.equal(r.body.lines, LINES);
    assert.equal(q('select count(*) from filing_lines'), String(LINES));
    assert.equal(q('PRAGMA integrity_check'), 'ok');
  });
});
