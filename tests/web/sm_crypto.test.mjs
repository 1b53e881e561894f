// Tests of the browser's own cryptography (web/js/sm3.js, sm2.js, receipt.js),
// run by node on the ES modules as they are served. SM3 is checked against
// the standard's examples (GB/T 32905-2016, appendix A) and against
// `openssl dgst -sm3` on random messages; SM2 verification against keys and
// signatures made by the openssl command line (default user ID
// 1234567812345678), and it must refuse an altered message, signature or
// key and any DER that is not the one encoding. receipt.js is checked on the
// fixed vector of docs/tlog.md (made with openssl and Python, not with
// cryptoreg), and its RFC 9162 inclusion check against proofs built from the
// RFC's recursive definition.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { sm3, SM3, toHex } from '../../web/js/sm3.js';
import { sm2Verify, sm2VerifyDetailed, parseDerSignature, parsePublicKey, CURVE, bigIntToBytes } from '../../web/js/sm2.js';
import {
  decodeBase64, encodeBase64, parseReceipt, parseNote, parseCheckpoint, parseVkey, verifyNote,
  leafHash, nodeHash, rootFromInclusionProof, verifyInclusion, verifyReceipt, TlogError,
} from '../../web/js/receipt.js';

const enc = new TextEncoder();
let tmp;
before(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cryptoreg-smjs-')); });
after(() => { fs.rmSync(tmp, { recursive: true, force: true }); });

function openssl(args, input) {
  const r = spawnSync('openssl', args, { input, maxBuffer: 1 << 24 });
  assert.equal(r.status, 0, `openssl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

const u8 = (b) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
const flip = (bytes, i, bit = 1) => { const c = Uint8Array.from(bytes); c[i] ^= bit; return c; };

describe('SM3', () => {
  test('the examples of GB/T 32905-2016, appendix A', () => {
    assert.equal(toHex(sm3(enc.encode('abc'))), '66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0');
    assert.equal(toHex(sm3(enc.encode('abcd'.repeat(16)))), 'debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732');
  });

  test('random messages agree with openssl dgst -sm3, around every padding boundary', () => {
    const lengths = [0, 1, 3, 31, 32, 54, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129, 191, 192, 1000, 4096, 65537];
    for (let i = 0; i < 8; i++) lengths.push(randomInt(0, 3000));
    for (const n of lengths) {
      const msg = u8(randomBytes(n));
      const want = openssl(['dgst', '-sm3', '-binary'], msg).toString('hex');
      assert.equal(toHex(sm3(msg)), want, `length ${n}`);
    }
  });

  test('hashing in pieces gives the one-shot digest', () => {
    const msg = u8(randomBytes(777));
    const whole = toHex(sm3(msg));
    for (let k = 0; k < 20; k++) {
      const h = new SM3();
      let at = 0;
      while (at < msg.length) {
        const take = Math.min(randomInt(0, 150), msg.length - at);
        h.update(msg.subarray(at, at + take));
        at += take;
      }
      assert.equal(toHex(h.digest()), whole);
    }
    assert.equal(toHex(sm3(msg.subarray(0, 100), msg.subarray(100))), whole);
  });
});

describe('SM2 verification', () => {
  const keys = [];
  before(() => {
    for (let k = 0; k < 3; k++) {
      const pem = path.join(tmp, `key${k}.pem`);
      openssl(['genpkey', '-algorithm', 'SM2', '-out', pem]);
      const der = openssl(['pkey', '-in', pem, '-pubout', '-outform', 'DER']);
      keys.push({ pem, point: u8(der.subarray(der.length - 65)) });
    }
  });

  let n = 0;
  function sign(key, msg, id = '1234567812345678') {
    const file = path.join(tmp, `msg${n++}`);
    fs.writeFileSync(file, msg);
    return u8(openssl(['pkeyutl', '-sign', '-inkey', key.pem, '-rawin', '-in', file, '-digest', 'sm3', '-pkeyopt', `distid:${id}`]));
  }

  test('signatures made by openssl verify', () => {
    for (const key of keys) {
      assert.doesNotThrow(() => parsePublicKey(key.point));
      for (const len of [0, 1, 64, 300]) {
        const msg = u8(randomBytes(len));
        const sig = sign(key, msg);
        assert.deepEqual(sm2VerifyDetailed(key.point, msg, sig), { valid: true }, `message of ${len} bytes`);
      }
    }
  });

  test('an altered message, signature or key does not verify', () => {
    const [k0, k1] = keys;
    const msg = enc.encode('cryptoreg.local/log\n42\nLXEWQrcmsEQBYnyp+6wy9chTD7GQPMTbAiWHF5IaSIE=\n');
    const sig = sign(k0, msg);
    assert.equal(sm2Verify(k0.point, msg, sig), true);
    // The message: one bit anywhere, one byte more or less.
    for (const i of [0, 10, msg.length - 1]) assert.equal(sm2Verify(k0.point, flip(msg, i), sig), false, `message bit ${i}`);
    assert.equal(sm2Verify(k0.point, msg.subarray(0, msg.length - 1), sig), false);
    assert.equal(sm2Verify(k0.point, Uint8Array.from([...msg, 0x0a]), sig), false);
    // The signature: the last byte of r and of s (still DER, different values).
    const { r, s } = parseDerSignature(sig);
    const rEnd = 4 + (sig[3]) - 1;
    assert.equal(sm2VerifyDetailed(k0.point, msg, flip(sig, rEnd)).code, 'sig_mismatch');
    assert.equal(sm2VerifyDetailed(k0.point, msg, flip(sig, sig.length - 1)).code, 'sig_mismatch');
    // s' = n - s is no second valid signature in SM2 (t = r + s changes).
    assert.equal(sm2Verify(k0.point, msg, der(r, CURVE.n - s)), false);
    // Another key, and a point moved off the curve.
    assert.equal(sm2VerifyDetailed(k1.point, msg, sig).code, 'sig_mismatch');
    assert.equal(sm2VerifyDetailed(flip(k0.point, 64), msg, sig).code, 'key_not_on_curve');
    assert.equal(sm2VerifyDetailed(k0.point.subarray(1), msg, sig).code, 'key_encoding');
    assert.equal(sm2VerifyDetailed(Uint8Array.from([0x02, ...k0.point.subarray(1, 33)]), msg, sig).code, 'key_encoding');
    // Z_A holds the user ID: a signature made with another ID does not verify with the default.
    assert.equal(sm2Verify(k0.point, msg, sign(k0, msg, 'ALICE123@YAHOO.COM')), false);
    assert.equal(sm2Verify(k0.point, msg, sign(k0, msg, 'ALICE123@YAHOO.COM'), enc.encode('ALICE123@YAHOO.COM')), true);
  });

  // DER of SEQUENCE { INTEGER r, INTEGER s } for BigInts, minimal.
  function derInt(v) {
    let b = [...bigIntToBytes(v, 33)];
    while (b.length > 1 && b[0] === 0 && !(b[1] & 0x80)) b.shift();
    return [0x02, b.length, ...b];
  }
  function der(r, s) {
    const body = [...derInt(r), ...derInt(s)];
    return Uint8Array.from([0x30, body.length, ...body]);
  }

  test('DER is parsed strictly and r, s must be in [1, n-1]', () => {
    const key = keys[0];
    const msg = enc.encode('strict');
    const sig = sign(key, msg);
    const { r, s } = parseDerSignature(sig);
    assert.deepEqual(der(r, s), sig, 'openssl writes minimal DER');
    const code = (bytes) => sm2VerifyDetailed(key.point, msg, bytes).code;
    // A trailing byte; a SEQUENCE length that lies; a long-form length.
    assert.equal(code(Uint8Array.from([...sig, 0])), 'sig_der');
    assert.equal(code(Uint8Array.from([0x30, sig[1] + 1, ...sig.subarray(2), 0])), 'sig_der');
    assert.equal(code(Uint8Array.from([0x30, 0x81, sig[1], ...sig.subarray(2)])), 'sig_der');
    // r with a superfluous leading zero.
    const rb = derInt(r);
    const padded = [0x02, rb[1] + 1, 0x00, ...rb.slice(2)];
    const sb = derInt(s);
    assert.equal(code(Uint8Array.from([0x30, padded.length + sb.length, ...padded, ...sb])), 'sig_der');
    // A negative INTEGER (the leading zero dropped from a high r).
    if (rb[2] === 0) {
      const neg = [0x02, rb[1] - 1, ...rb.slice(3)];
      assert.equal(code(Uint8Array.from([0x30, neg.length + sb.length, ...neg, ...sb])), 'sig_der');
    }
    // Not a SEQUENCE; an empty INTEGER; raw r || s.
    assert.equal(code(Uint8Array.from([0x31, ...sig.subarray(1)])), 'sig_der');
    assert.equal(code(Uint8Array.from([0x30, 2 + sb.length, 0x02, 0x00, ...sb])), 'sig_der');
    assert.equal(code(Uint8Array.from([...bigIntToBytes(r, 32), ...bigIntToBytes(s, 32)])), 'sig_der');
    // Out of range: 0 and n.
    assert.equal(code(der(0n, s)), 'sig_range');
    assert.equal(code(der(r, 0n)), 'sig_range');
    assert.equal(code(der(CURVE.n, s)), 'sig_range');
    assert.equal(code(der(r, CURVE.n)), 'sig_range');
    assert.equal(code(der(r, s)), undefined, 'the re-encoded signature still verifies');
  });
});

describe('receipts, notes and keys (receipt.js)', () => {
  // docs/tlog.md, "Checking by hand".
  const VKEY = 'cryptoreg.example/log+f23a7f07+/2NyeXB0b3JlZy9zbTItc20zCgRCFFmT5LuIvwK39QWiMaM1XximKN0suid+ijvGXP5n5ObNGuI4+35HuWiYxzIhZiUa/DYxWcSmSuKOSMxUriX5';
  const WITNESS = 'witness.example/w1+4213125c+/2NyeXB0b3JlZy9zbTItc20zLWNvc2lnbmF0dXJlCgRN7jO3yqmVH7nhYFkLgHm0+aywn1K1jAy0PKUIW/elR3sjyaV7ovikj6I9sz03IfnMgJDgzo7FOnR5B6hBzvhx';
  const NOTE = 'cryptoreg.example/log\n300\nLXEWQrcmsEQBYnyp+6wy9chTD7GQPMTbAiWHF5IaSIE=\n\n'
    + '— cryptoreg.example/log 8jp/BzBGAiEA4OS1EwFLh3PYU9rqiIfjdR8wI1jY0fitqL31GFgF1LMCIQDLpVBVQb/iCX++Xs7x7damWhF5t3sFIvbb/9CuzG7FDQ==\n'
    + '— witness.example/w1 QhMSXAAAAABlU/EAMEUCIDPPw3zSpFooa6P31o5S8aJKYseZM+CV5AvIK2Ma8DjMAiEA8OotbMepJHTYyEJ4Ue2OzKv//rSrhdCoX6rj1htGVas=\n';

  const refused = async (fn, code) => {
    await assert.rejects(async () => fn(), (err) => err instanceof TlogError && err.code === code, `expected ${code}`);
  };

  test('the fixed vector of docs/tlog.md: key ID, SM2 signature, checkpoint', async () => {
    const key = await parseVkey(VKEY);
    assert.equal(key.name, 'cryptoreg.example/log');
    assert.equal(key.keyId, 0xf23a7f07);
    assert.equal(key.point.length, 65);
    const note = parseNote(NOTE);
    assert.equal(note.signatures.length, 2);
    assert.deepEqual(verifyNote(note, key), { others: 1 });
    const cp = parseCheckpoint(note.text);
    assert.equal(cp.origin, 'cryptoreg.example/log');
    assert.equal(cp.size, 300n);
    assert.equal(encodeBase64(cp.root), 'LXEWQrcmsEQBYnyp+6wy9chTD7GQPMTbAiWHF5IaSIE=');
    // A changed size breaks the signature.
    await refused(() => verifyNote(parseNote(NOTE.replace('\n300\n', '\n301\n')), key), 'sig_invalid');
    // The witness key is a cosignature key, refused as a log key; its ID still checks.
    await refused(() => parseVkey(WITNESS), 'vkey_cosig');
    // A wrong key ID, an upper-case one, a renamed key.
    await refused(() => parseVkey(VKEY.replace('+f23a7f07+', '+f23a7f08+')), 'vkey_id');
    await refused(() => parseVkey(VKEY.replace('+f23a7f07+', '+F23A7F07+')), 'vkey_hex');
    await refused(() => parseVkey(VKEY.replace('cryptoreg.example/log+', 'cryptoreg.example/log2+')), 'vkey_id');
    await refused(() => parseVkey('no plus signs'), 'vkey_format');
  });

  test('notes are parsed strictly', async () => {
    await refused(() => parseNote(NOTE.replace('\n\n', '\n')), 'note_no_blank');
    await refused(() => parseNote(NOTE.slice(0, -1)), 'note_last_newline');
    await refused(() => parseNote(NOTE.replace('300', '3\r00')), 'note_control');
    await refused(() => parseNote(NOTE.replace('— cryptoreg', '- cryptoreg')), 'note_sig_line');
    await refused(() => parseNote(NOTE.replace('FDQ==', 'FDR==')), 'note_sig_base64');
    const line = NOTE.split('\n')[4];
    await refused(() => parseNote(`${NOTE}${line}\n`), 'note_sig_repeat');
  });

  test('base64 is canonical only', () => {
    assert.deepEqual(decodeBase64('QQ=='), Uint8Array.of(0x41));
    for (const bad of ['QR==', 'QQ=', 'QQ', 'Q Q==', 'QQ==\n', '====', 'QUJD=', 'QUI']) assert.equal(decodeBase64(bad), null, bad);
    for (let len = 0; len < 40; len++) {
      const b = u8(randomBytes(len));
      assert.equal(encodeBase64(b), Buffer.from(b).toString('base64'));
      assert.deepEqual(decodeBase64(encodeBase64(b)), b);
    }
  });

  // RFC 9162, 2.1.1 and 2.1.3.1: MTH and PATH by their recursive definitions.
  const largestPow2Below = (n) => { let k = 1; while (k * 2 < n) k *= 2; return k; };
  function mth(leaves) {
    if (leaves.length === 1) return leafHash(leaves[0]);
    const k = largestPow2Below(leaves.length);
    return nodeHash(mth(leaves.slice(0, k)), mth(leaves.slice(k)));
  }
  function auditPath(m, leaves) {
    if (leaves.length === 1) return [];
    const k = largestPow2Below(leaves.length);
    return m < k ? [...auditPath(m, leaves.slice(0, k)), mth(leaves.slice(k))]
      : [...auditPath(m - k, leaves.slice(k)), mth(leaves.slice(0, k))];
  }

  test('inclusion proofs of RFC 9162 verify with SM3 for every index of trees up to 33 leaves', () => {
    const leaves = Array.from({ length: 33 }, (_, i) => enc.encode(`{"entry":${i}}`));
    for (let size = 1; size <= leaves.length; size++) {
      const tree = leaves.slice(0, size);
      const root = mth(tree);
      for (let m = 0; m < size; m++) {
        const proof = auditPath(m, tree);
        assert.ok(verifyInclusion(m, size, leafHash(tree[m]), proof, root), `index ${m} of ${size}`);
        // Another leaf, another index, a changed or missing hash: refused.
        assert.throws(() => verifyInclusion(m, size, leafHash(enc.encode('x')), proof, root), { code: 'incl_root' });
        if (proof.length) {
          assert.throws(() => verifyInclusion(m, size, leafHash(tree[m]), [flip(proof[0], 5), ...proof.slice(1)], root), { code: 'incl_root' });
          assert.throws(() => rootFromInclusionProof(m, size, leafHash(tree[m]), proof.slice(1)), { code: 'incl_length' });
        }
        assert.throws(() => rootFromInclusionProof(m, size, leafHash(tree[m]), [...proof, root]), { code: 'incl_length' });
      }
      assert.throws(() => rootFromInclusionProof(size, size, leafHash(tree[0]), []), { code: 'incl_index' });
    }
  });

  test('leaf and node hashes are SM3 with the RFC 9162 prefixes, as openssl computes them', () => {
    const entry = enc.encode('{"kind":"certificate.issue"}');
    assert.equal(toHex(leafHash(entry)), openssl(['dgst', '-sm3', '-binary'], Buffer.concat([Buffer.of(0), entry])).toString('hex'));
    const l = u8(randomBytes(32));
    const r = u8(randomBytes(32));
    assert.equal(toHex(nodeHash(l, r)), openssl(['dgst', '-sm3', '-binary'], Buffer.concat([Buffer.of(1), l, r])).toString('hex'));
  });

  test('a whole receipt, signed by openssl, passes every step; broken ones fail the right step', async () => {
    // A log of five entries whose checkpoint is signed with an SM2 key by openssl.
    const pem = path.join(tmp, 'log.pem');
    openssl(['genpkey', '-algorithm', 'SM2', '-out', pem]);
    const spki = openssl(['pkey', '-in', pem, '-pubout', '-outform', 'DER']);
    const name = 'test.example/log';
    const material = Uint8Array.from([0xff, ...enc.encode('cryptoreg/sm2-sm3\n'), ...spki.subarray(spki.length - 65)]);
    const idBytes = openssl(['dgst', '-sha256', '-binary'], Buffer.concat([Buffer.from(`${name}\n`), material])).subarray(0, 4);
    const vkey = `${name}+${idBytes.toString('hex')}+${encodeBase64(material)}`;
    const entries = Array.from({ length: 5 }, (_, i) => enc.encode(JSON.stringify({ bureau: '110000', kind: 'certificate.issue', subject: `N${i}`, time: '2025-01-01T00:00:00Z' })));
    const text = `${name}\n5\n${encodeBase64(mth(entries))}\n`;
    fs.writeFileSync(path.join(tmp, 'cp.txt'), text);
    const sig = openssl(['pkeyutl', '-sign', '-inkey', pem, '-rawin', '-in', path.join(tmp, 'cp.txt'), '-digest', 'sm3', '-pkeyopt', 'distid:1234567812345678']);
    const checkpoint = `${text}\n— ${name} ${encodeBase64(Uint8Array.from([...idBytes, ...sig]))}\n`;
    const receipt = (i, extra = true) => ['c2sp.org/tlog-proof@v1', extra ? `extra ${encodeBase64(entries[i])}` : null, `index ${i}`,
      ...auditPath(i, entries).map(encodeBase64), '', checkpoint].filter((l) => l !== null).join('\n');
    const statuses = (r) => Object.fromEntries(r.steps.map((s) => [s.id, s.status]));
    for (let i = 0; i < 5; i++) {
      const r = await verifyReceipt(receipt(i), vkey);
      assert.ok(r.ok, JSON.stringify(statuses(r)));
      assert.equal(r.steps.find((s) => s.id === 'entry').facts.json.subject, `N${i}`);
    }
    const fails = async (text, key, step, code) => {
      const r = await verifyReceipt(text, key);
      assert.equal(r.ok, false);
      const s = r.steps.find((x) => x.id === step);
      assert.equal(s.status, 'fail', `${step}: ${JSON.stringify(statuses(r))}`);
      assert.equal(s.error.code, code);
    };
    await fails(receipt(2).replace(`index 2`, 'index 3'), vkey, 'inclusion', 'incl_root');
    await fails(receipt(2).replace('\n5\n', '\n6\n'), vkey, 'signature', 'sig_invalid');
    await fails(receipt(2), VKEY, 'signature', 'sig_missing');
    await fails(receipt(2).replace('c2sp.org/tlog-proof@v1', 'c2sp.org/tlog-proof@v2'), vkey, 'receipt', 'receipt_header');
    await fails(receipt(2).replace(/\n/g, '\r\n'), vkey, 'receipt', 'receipt_cr');
    await fails(receipt(2).replace('index 2', 'index 02'), vkey, 'receipt', 'receipt_index');
    await fails(receipt(2, false), vkey, 'inclusion', 'incl_no_entry');
    // Without the entry in the receipt, a supplied entry is checked the same way.
    const fetched = await verifyReceipt(receipt(2, false), vkey, { fetchEntry: async () => entries[2] });
    assert.ok(fetched.ok);
    assert.equal(fetched.steps.find((s) => s.id === 'inclusion').warnings[0].code, 'entry_fetched');
    const wrong = await verifyReceipt(receipt(2, false), vkey, { fetchEntry: async () => entries[1] });
    assert.equal(wrong.steps.find((s) => s.id === 'inclusion').error.code, 'incl_root');
    assert.deepEqual(parseReceipt(receipt(4)).proof.length, auditPath(4, entries).length);
  });
});
