// sm2.js: SM2 digital signature verification (GB/T 32918.2-2016, section 7)
// on the recommended curve sm2p256v1 (GB/T 32918.5), written from the
// standards in plain JavaScript with BigInt. Verification only: this page
// never holds a private key, so nothing here needs to run in constant time.
//
//   Z_A = SM3(ENTL_A || ID_A || a || b || x_G || y_G || x_A || y_A)   (part 2, 5.5)
//   e   = SM3(Z_A || M) as an integer                                   (7.2, B3-B4)
//   r, s in [1, n-1]; t = (r + s) mod n != 0                            (B1, B2, B5)
//   (x1, y1) = [s]G + [t]P_A; valid iff (e + x1) mod n == r             (B6, B7)
//
// The public key is the 65-byte uncompressed point 04 || x || y (part 1,
// 4.2.9); the signature the DER encoding SEQUENCE { INTEGER r, INTEGER s }
// (GB/T 35276 / GM/T 0009), parsed strictly: one encoding per value.

import { SM3 } from './sm3.js';

// sm2p256v1 (GB/T 32918.5-2017). a = p - 3, which the doubling uses.
export const CURVE = Object.freeze({
  p: 0xfffffffeffffffffffffffffffffffffffffffff00000000ffffffffffffffffn,
  a: 0xfffffffeffffffffffffffffffffffffffffffff00000000fffffffffffffffcn,
  b: 0x28e9fa9e9d9f5e344d5a9e4bcf6509a7f39789f515ab8f92ddbcbd414d940e93n,
  n: 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n,
  gx: 0x32c4ae2c1f1981195f9904466a39c9948fe30bbff2660be1715a4589334c74c7n,
  gy: 0xbc3736a2f4f6779c59bdcee36b692153d0a9877cc62a474002df32e52139f0a0n,
});

// The default user ID of GB/T 35276 (ENTL = 128 bits).
export const DEFAULT_ID = new TextEncoder().encode('1234567812345678');

// An error about malformed input; code names the problem for the page.
export class SM2Error extends Error {
  constructor(code, message) {
    super(message);
    this.name = 'SM2Error';
    this.code = code;
  }
}

const { p: P, a: A, b: B, n: N } = CURVE;

const mod = (x, m) => { const r = x % m; return r < 0n ? r + m : r; };

// The inverse of x modulo m (m prime, x not 0 mod m), by the extended
// Euclidean algorithm.
function inverse(x, m) {
  let a = mod(x, m);
  let b = m;
  let u = 1n;
  let v = 0n;
  while (a !== 0n) {
    const q = b / a;
    [a, b] = [b - q * a, a];
    [u, v] = [v - q * u, u];
  }
  if (b !== 1n) throw new SM2Error('math', 'no inverse');
  return mod(v, m);
}

export function bytesToBigInt(bytes) {
  let x = 0n;
  for (const byte of bytes) x = (x << 8n) | BigInt(byte);
  return x;
}

export function bigIntToBytes(x, len) {
  const out = new Uint8Array(len);
  for (let i = len - 1; i >= 0; i--) {
    out[i] = Number(x & 0xffn);
    x >>= 8n;
  }
  if (x !== 0n) throw new RangeError('the integer does not fit');
  return out;
}

// ---- points: Jacobian coordinates (X, Y, Z) for x = X/Z^2, y = Y/Z^3 ----------

const INF = Object.freeze({ x: 0n, y: 1n, z: 0n });

function double(q) {
  if (q.z === 0n || q.y === 0n) return INF;
  // With a = -3: M = 3(X - Z^2)(X + Z^2).
  const delta = mod(q.z * q.z, P);
  const gamma = mod(q.y * q.y, P);
  const beta = mod(q.x * gamma, P);
  const alpha = mod(3n * (q.x - delta) * (q.x + delta), P);
  const x = mod(alpha * alpha - 8n * beta, P);
  const z = mod((q.y + q.z) * (q.y + q.z) - gamma - delta, P);
  const y = mod(alpha * (4n * beta - x) - 8n * gamma * gamma, P);
  return { x, y, z };
}

function add(q1, q2) {
  if (q1.z === 0n) return q2;
  if (q2.z === 0n) return q1;
  const z1z1 = mod(q1.z * q1.z, P);
  const z2z2 = mod(q2.z * q2.z, P);
  const u1 = mod(q1.x * z2z2, P);
  const u2 = mod(q2.x * z1z1, P);
  const s1 = mod(q1.y * q2.z * z2z2, P);
  const s2 = mod(q2.y * q1.z * z1z1, P);
  if (u1 === u2) return s1 === s2 ? double(q1) : INF;
  const hh = mod(u2 - u1, P);
  const rr = mod(s2 - s1, P);
  const h2 = mod(hh * hh, P);
  const h3 = mod(hh * h2, P);
  const u1h2 = mod(u1 * h2, P);
  const x = mod(rr * rr - h3 - 2n * u1h2, P);
  const y = mod(rr * (u1h2 - x) - s1 * h3, P);
  const z = mod(hh * q1.z * q2.z, P);
  return { x, y, z };
}

function affine(q) {
  if (q.z === 0n) return null;
  const zi = inverse(q.z, P);
  const zi2 = mod(zi * zi, P);
  return { x: mod(q.x * zi2, P), y: mod(q.y * zi2 * zi, P) };
}

// [k1]Q1 + [k2]Q2 by Shamir's trick: one pass over the bits of both.
function mulAdd(k1, q1, k2, q2) {
  const both = add(q1, q2);
  let r = INF;
  const bits = Math.max(k1.toString(2).length, k2.toString(2).length);
  for (let i = BigInt(bits - 1); i >= 0n; i--) {
    r = double(r);
    const b1 = (k1 >> i) & 1n;
    const b2 = (k2 >> i) & 1n;
    if (b1 && b2) r = add(r, both);
    else if (b1) r = add(r, q1);
    else if (b2) r = add(r, q2);
  }
  return affine(r);
}

export function onCurve(x, y) {
  return mod(y * y - (x * x * x + A * x + B), P) === 0n;
}

// Reads the 65-byte uncompressed point 04 || x || y and checks it is a
// public key (GB/T 32918.1, 6.2.1): coordinates below p and on the curve.
// The cofactor is 1, so every such point other than O has order n.
export function parsePublicKey(bytes) {
  if (!(bytes instanceof Uint8Array) || bytes.length !== 65 || bytes[0] !== 0x04) {
    throw new SM2Error('key_encoding', 'the public key must be a 65-byte uncompressed point (04 || x || y)');
  }
  const x = bytesToBigInt(bytes.subarray(1, 33));
  const y = bytesToBigInt(bytes.subarray(33, 65));
  if (x >= P || y >= P || !onCurve(x, y)) {
    throw new SM2Error('key_not_on_curve', 'the public key is not a point of the SM2 curve');
  }
  return { x, y };
}

// Parses DER SEQUENCE { INTEGER r, INTEGER s } strictly: short-form lengths
// that match the data exactly, no trailing bytes, minimal non-negative
// INTEGERs of at most 33 bytes. Returns { r, s } as BigInts.
export function parseDerSignature(der) {
  const bad = (why) => new SM2Error('sig_der', `the signature is not DER SEQUENCE { INTEGER r, INTEGER s }: ${why}`);
  if (!(der instanceof Uint8Array) || der.length < 8) throw bad('too short');
  if (der[0] !== 0x30) throw bad('no SEQUENCE');
  // The content is at most 2 * 35 bytes, so DER allows only the short form.
  if (der[1] & 0x80) throw bad('a long-form length');
  if (der[1] !== der.length - 2) throw bad('the SEQUENCE length does not match');
  let at = 2;
  const integer = () => {
    if (at + 2 > der.length || der[at] !== 0x02) throw bad('no INTEGER');
    const len = der[at + 1];
    if (len & 0x80) throw bad('a long-form length');
    if (len === 0 || len > 33 || at + 2 + len > der.length) throw bad('an INTEGER length out of range');
    const v = der.subarray(at + 2, at + 2 + len);
    if (v[0] & 0x80) throw bad('a negative INTEGER');
    if (len > 1 && v[0] === 0 && !(v[1] & 0x80)) throw bad('an INTEGER with a superfluous leading zero');
    at += 2 + len;
    return bytesToBigInt(v);
  };
  const r = integer();
  const s = integer();
  if (at !== der.length) throw bad('trailing bytes');
  return { r, s };
}

// Z_A (GB/T 32918.2, 5.5) for the public key point { x, y } and user ID.
export function zValue(pub, id = DEFAULT_ID) {
  const bits = id.length * 8;
  if (bits > 0xffff) throw new SM2Error('id_too_long', 'the user ID is longer than 8191 bytes');
  return new SM3()
    .update(new Uint8Array([bits >> 8, bits & 0xff]))
    .update(id)
    .update(bigIntToBytes(A, 32))
    .update(bigIntToBytes(B, 32))
    .update(bigIntToBytes(CURVE.gx, 32))
    .update(bigIntToBytes(CURVE.gy, 32))
    .update(bigIntToBytes(pub.x, 32))
    .update(bigIntToBytes(pub.y, 32))
    .digest();
}

// Verifies an SM2 signature. publicKey: the 65-byte point; message: the
// signed bytes M; signature: DER. Returns { valid: true } or
// { valid: false, code, reason } (codes: key_encoding, key_not_on_curve,
// sig_der, sig_range, sig_mismatch).
export function sm2VerifyDetailed(publicKey, message, signature, id = DEFAULT_ID) {
  let pub;
  let r;
  let s;
  try {
    pub = parsePublicKey(publicKey);
    ({ r, s } = parseDerSignature(signature));
  } catch (err) {
    if (err instanceof SM2Error) return { valid: false, code: err.code, reason: err.message };
    throw err;
  }
  // B1, B2
  if (r < 1n || r >= N || s < 1n || s >= N) {
    return { valid: false, code: 'sig_range', reason: 'r or s is not in [1, n-1]' };
  }
  // B3, B4
  const e = bytesToBigInt(new SM3().update(zValue(pub, id)).update(message).digest());
  // B5
  const t = mod(r + s, N);
  if (t === 0n) return { valid: false, code: 'sig_range', reason: '(r + s) mod n is 0' };
  // B6
  const pt = mulAdd(s, { x: CURVE.gx, y: CURVE.gy, z: 1n }, t, { x: pub.x, y: pub.y, z: 1n });
  if (!pt) return { valid: false, code: 'sig_mismatch', reason: '[s]G + [t]P is the point at infinity' };
  // B7
  if (mod(e + pt.x, N) !== r) return { valid: false, code: 'sig_mismatch', reason: 'R = (e + x1) mod n differs from r' };
  return { valid: true };
}

// true when signature (DER) is a valid SM2 signature of message under
// publicKey (65 bytes) with the user ID; false otherwise.
export function sm2Verify(publicKey, message, signature, id = DEFAULT_ID) {
  return sm2VerifyDetailed(publicKey, message, signature, id).valid;
}
