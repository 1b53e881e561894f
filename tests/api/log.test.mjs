// The transparency log through the API: public acts carry their log index, the
// checkpoint's SM2 signature verifies with the openssl command line, receipts
// verify offline with `cryptoreg log verify-receipt`, tiles are served, and a
// tampered receipt or stored hash is caught.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, Client, BIN } from '../lib/harness.mjs';

let srv, anon, tmp;
before(async () => {
  srv = await startServer({ fixtures: false, demo: true });
  anon = new Client(srv.url);
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cryptoreg-log-'));
});
after(async () => {
  fs.rmSync(tmp, { recursive: true, force: true });
  assert.equal(await srv.stop(), 0, 'server exits cleanly (no leak reports)');
});

// Waits until the integrator has signed a checkpoint covering at least n entries.
async function signedSize(n) {
  for (let i = 0; i < 100; i++) {
    const r = await anon.req('GET', '/api/v1/log');
    if (r.status === 200 && r.body.size >= n) return r.body;
    await new Promise((ok) => setTimeout(ok, 100));
  }
  throw new Error(`the log never reached size ${n}`);
}

const text = async (p) => { const r = await fetch(srv.url + p); return { status: r.status, body: await r.text(), headers: r.headers }; };

test('demo certificates are in the log and a signed checkpoint covers them', async () => {
  const st = await anon.req('GET', '/api/v1/log');
  assert.equal(st.status, 200);
  assert.ok(st.body.entries >= 10, `entries: ${st.body.entries}`);
  const log = await signedSize(st.body.entries);
  assert.match(log.key, /^[^+\s]+\/log\+[0-9a-f]{8}\+[A-Za-z0-9+/=]+$/);
  const cp = await text('/log/checkpoint');
  assert.equal(cp.status, 200);
  const [body] = cp.body.split('\n\n');
  const lines = body.split('\n');
  assert.equal(lines[0], log.origin);
  assert.equal(Number(lines[1]), log.size);
  assert.equal(Buffer.from(lines[2], 'base64').length, 32, 'an SM3 root of 32 bytes');
});

test("the checkpoint's SM2 signature verifies with the openssl command line", async () => {
  const log = await signedSize(1);
  const cp = (await text('/log/checkpoint')).body;
  const i = cp.indexOf('\n\n');
  const signed = cp.slice(0, i + 1);
  const sigLine = cp.slice(i + 2).split('\n')[0];
  assert.ok(sigLine.startsWith(`— ${log.origin} `), sigLine);
  const raw = Buffer.from(sigLine.split(' ')[2], 'base64');
  // name+keyid+base64: the base64 itself may contain '+', so split only twice.
  const [, keyIdHex, ...rest] = log.key.split('+');
  const keyBytes = Buffer.from(rest.join('+'), 'base64');
  const prefix = Buffer.concat([Buffer.from([0xff]), Buffer.from('cryptoreg/sm2-sm3\n')]);
  assert.deepEqual(keyBytes.subarray(0, prefix.length), prefix, 'key type 0xff with the identifier');
  assert.equal(raw.readUInt32BE(0), parseInt(keyIdHex, 16), 'the signature names the key ID');
  // An SM2 SubjectPublicKeyInfo around the 65-byte point, so that openssl reads the key itself.
  const spki = Buffer.concat([Buffer.from('3059301306072a8648ce3d020106082a811ccf5501822d034200', 'hex'), keyBytes.subarray(prefix.length)]);
  fs.writeFileSync(path.join(tmp, 'key.der'), spki);
  fs.writeFileSync(path.join(tmp, 'cp.txt'), signed);
  fs.writeFileSync(path.join(tmp, 'cp.sig'), raw.subarray(4));
  const pem = spawnSync('openssl', ['pkey', '-pubin', '-inform', 'DER', '-in', path.join(tmp, 'key.der'), '-out', path.join(tmp, 'key.pem')], { encoding: 'utf8' });
  assert.equal(pem.status, 0, pem.stderr);
  const verify = (file) => spawnSync('openssl', ['pkeyutl', '-verify', '-pubin', '-inkey', path.join(tmp, 'key.pem'),
    '-rawin', '-in', path.join(tmp, file), '-sigfile', path.join(tmp, 'cp.sig'), '-digest', 'sm3', '-pkeyopt', 'distid:1234567812345678'], { encoding: 'utf8' });
  const ok = verify('cp.txt');
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, /Signature Verified Successfully/);
  fs.writeFileSync(path.join(tmp, 'bad.txt'), signed.replace(/\n(\d+)\n/, (m, n) => `\n${Number(n) + 1}\n`));
  assert.notEqual(verify('bad.txt').status, 0, 'a changed tree size must not verify');
});

test('a receipt verifies offline, and an altered one does not', async () => {
  const log = await signedSize(1);
  const r = await text('/api/v1/log/receipt?index=0');
  assert.equal(r.status, 200);
  assert.ok(r.body.startsWith('c2sp.org/tlog-proof@v1\n'), r.body.slice(0, 40));
  const file = path.join(tmp, 'receipt.txt');
  fs.writeFileSync(file, r.body);
  const ok = spawnSync(BIN, ['log', 'verify-receipt', file, '--key', log.key], { encoding: 'utf8' });
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, /verified/);
  const entry = await anon.req('GET', '/api/v1/log/entries/0');
  assert.equal(entry.status, 200);
  assert.match(ok.stdout, new RegExp(entry.body.subject));
  // Flip one character of the first proof hash.
  const lines = r.body.split('\n');
  const at = lines.findIndex((l) => l.startsWith('index ')) + 1;
  lines[at] = (lines[at][0] === 'A' ? 'B' : 'A') + lines[at].slice(1);
  fs.writeFileSync(file, lines.join('\n'));
  const bad = spawnSync(BIN, ['log', 'verify-receipt', file, '--key', log.key], { encoding: 'utf8' });
  assert.equal(bad.status, 1, bad.stdout + bad.stderr);
  const unknown = await text('/api/v1/log/receipt?index=999999');
  assert.equal(unknown.status, 404);
});

test('tiles: a partial entry bundle of the signed size is served, a wider one is not', async () => {
  const log = await signedSize(1);
  const w = log.size % 256;
  const bundle = await fetch(`${srv.url}/log/tile/entries/000.p/${w}`);
  assert.equal(bundle.status, 200);
  const bytes = Buffer.from(await bundle.arrayBuffer());
  let n = 0;
  for (let off = 0; off < bytes.length; n++) off += 2 + bytes.readUInt16BE(off);
  assert.equal(n, w, 'the bundle holds exactly W length-prefixed entries');
  assert.equal((await fetch(`${srv.url}/log/tile/entries/000.p/${w + 1}`)).status, 404);
  const hashes = await fetch(`${srv.url}/log/tile/0/000.p/${w}`);
  assert.equal(hashes.status, 200);
  assert.equal((await hashes.arrayBuffer()).byteLength, 32 * w);
});

test('a status change is a public act with its log index, and its receipt follows', async () => {
  const pw = 'a brand new passphrase 42';
  srv.cli(['user', 'reset-password', 'officer.bj', '--password-stdin'], { input: pw + '\n' });
  const officer = new Client(srv.url);
  assert.equal((await officer.login('officer.bj', pw)).status, 200);
  const list = await officer.req('GET', '/api/v1/registry/certificates?status=valid');
  const cert = list.body.items.find((c) => !c.legacy);
  assert.ok(cert, 'a valid type certificate in Beijing');
  const r = await officer.req('POST', `/api/v1/certificates/${encodeURIComponent(cert.number)}/status`, { status: 'suspended', reason: 'log test' });
  assert.equal(r.status, 200);
  assert.ok(Number.isInteger(r.body.log_index), 'log_index in the answer');
  const log = await signedSize(r.body.log_index + 1);
  const e = await anon.req('GET', `/api/v1/log/entries/${r.body.log_index}`);
  assert.equal(e.body.kind, 'certificate.suspend');
  assert.equal(e.body.subject, cert.number);
  const rc = await text(`/api/v1/log/receipt?index=${r.body.log_index}`);
  const file = path.join(tmp, 'suspend.txt');
  fs.writeFileSync(file, rc.body);
  const ok = spawnSync(BIN, ['log', 'verify-receipt', file, '--key', log.key], { encoding: 'utf8' });
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
  const hist = await anon.req('GET', `/api/v1/certificates/${encodeURIComponent(cert.number)}`);
  assert.equal(hist.body.history.at(-1).log_index, r.body.log_index);
});

test('an auditor checks the live log through its public tiles', async () => {
  const log = await signedSize(1);
  const ok = spawnSync(BIN, ['log', 'audit', '--log', srv.url, '--key', log.key], { encoding: 'utf8' });
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, /consistent/);
  assert.doesNotMatch(ok.stdout, /NOT consistent/);
  // Another log's key: the checkpoint's signature is not by it.
  const other = log.key.replace(/\+[0-9a-f]{8}\+/, '+00000000+');
  const bad = spawnSync(BIN, ['log', 'audit', '--log', srv.url, '--key', other], { encoding: 'utf8' });
  assert.notEqual(bad.status, 0, bad.stdout + bad.stderr);
});
