// sm3.js: the SM3 cryptographic hash function (GB/T 32905-2016), written
// from the standard in plain JavaScript. sm3(bytes) returns the 32-byte
// digest of a Uint8Array; SM3 also hashes incrementally (update, digest) so
// that Z_A || M can be hashed without copying the message.
//
// The algorithm in short (section numbers of GB/T 32905):
//   5.1 IV = 7380166f 4914b2b9 172442d7 da8a0600 a96f30bc 163138aa e38dee4d b0fb0e4e
//   4.2 T_j = 79cc4519 (0 <= j <= 15), 7a879d8a (16 <= j <= 63)
//   4.3 FF_j, GG_j = X ^ Y ^ Z for j <= 15; majority / choice afterwards
//   4.4 P0(X) = X ^ (X <<< 9) ^ (X <<< 17), P1(X) = X ^ (X <<< 15) ^ (X <<< 23)
//   5.2 padding: a 1 bit, zeros to 448 mod 512, the bit length as 64 bits
//   5.3.2 message expansion to W_0..W_67 and W'_0..W'_63
//   5.3.3 compression function CF, V_{i+1} = ABCDEFGH ^ V_i
// All arithmetic is on 32-bit words (`>>> 0` keeps them unsigned).

const IV = [0x7380166f, 0x4914b2b9, 0x172442d7, 0xda8a0600, 0xa96f30bc, 0x163138aa, 0xe38dee4d, 0xb0fb0e4e];

const rotl = (x, n) => ((x << n) | (x >>> (32 - n))) >>> 0;
const p0 = (x) => (x ^ rotl(x, 9) ^ rotl(x, 17)) >>> 0;
const p1 = (x) => (x ^ rotl(x, 15) ^ rotl(x, 23)) >>> 0;

// T_j <<< (j mod 32), computed once.
const TJ = new Uint32Array(64);
for (let j = 0; j < 64; j++) TJ[j] = rotl(j < 16 ? 0x79cc4519 : 0x7a879d8a, j % 32);

export class SM3 {
  constructor() {
    this.v = Uint32Array.from(IV);
    this.buf = new Uint8Array(64);
    this.fill = 0; // bytes waiting in buf
    this.total = 0; // bytes hashed so far (a Number is exact below 2^53)
    this.w = new Uint32Array(68);
    this.w1 = new Uint32Array(64);
    this.done = false;
  }

  // Compresses the 64-byte block at bytes[off..off+64) into the state.
  block(bytes, off) {
    const w = this.w;
    const w1 = this.w1;
    for (let i = 0; i < 16; i++) {
      const k = off + 4 * i;
      w[i] = ((bytes[k] << 24) | (bytes[k + 1] << 16) | (bytes[k + 2] << 8) | bytes[k + 3]) >>> 0;
    }
    for (let j = 16; j < 68; j++) {
      w[j] = (p1(w[j - 16] ^ w[j - 9] ^ rotl(w[j - 3], 15)) ^ rotl(w[j - 13], 7) ^ w[j - 6]) >>> 0;
    }
    for (let j = 0; j < 64; j++) w1[j] = (w[j] ^ w[j + 4]) >>> 0;
    const v = this.v;
    let a = v[0], b = v[1], c = v[2], d = v[3], e = v[4], f = v[5], g = v[6], h = v[7];
    for (let j = 0; j < 64; j++) {
      const a12 = rotl(a, 12);
      const ss1 = rotl((a12 + e + TJ[j]) >>> 0, 7);
      const ss2 = (ss1 ^ a12) >>> 0;
      const ff = j < 16 ? (a ^ b ^ c) : ((a & b) | (a & c) | (b & c));
      const gg = j < 16 ? (e ^ f ^ g) : ((e & f) | (~e & g));
      const tt1 = ((ff >>> 0) + d + ss2 + w1[j]) >>> 0;
      const tt2 = ((gg >>> 0) + h + ss1 + w[j]) >>> 0;
      d = c;
      c = rotl(b, 9);
      b = a;
      a = tt1;
      h = g;
      g = rotl(f, 19);
      f = e;
      e = p0(tt2);
    }
    v[0] ^= a; v[1] ^= b; v[2] ^= c; v[3] ^= d;
    v[4] ^= e; v[5] ^= f; v[6] ^= g; v[7] ^= h;
  }

  // Adds bytes (a Uint8Array) to the message; returns this.
  update(bytes) {
    if (this.done) throw new Error('SM3: update after digest');
    if (!(bytes instanceof Uint8Array)) throw new TypeError('SM3: the message must be a Uint8Array');
    let off = 0;
    const n = bytes.length;
    this.total += n;
    if (this.fill) {
      const take = Math.min(64 - this.fill, n);
      this.buf.set(bytes.subarray(0, take), this.fill);
      this.fill += take;
      off = take;
      if (this.fill < 64) return this;
      this.block(this.buf, 0);
      this.fill = 0;
    }
    for (; off + 64 <= n; off += 64) this.block(bytes, off);
    if (off < n) {
      this.buf.set(bytes.subarray(off), 0);
      this.fill = n - off;
    }
    return this;
  }

  // Pads the message (5.2) and returns the 32-byte digest. The object is
  // spent afterwards.
  digest() {
    if (this.done) throw new Error('SM3: digest called twice');
    this.done = true;
    const bits = this.total * 8;
    const tail = new Uint8Array(this.fill < 56 ? 64 : 128);
    tail.set(this.buf.subarray(0, this.fill), 0);
    tail[this.fill] = 0x80;
    // The 64-bit big-endian bit length; the high word from a division, since
    // JavaScript's bit operators only see 32 bits.
    const hi = Math.floor(bits / 0x100000000);
    const lo = bits >>> 0;
    const end = tail.length;
    tail[end - 8] = hi >>> 24; tail[end - 7] = hi >>> 16; tail[end - 6] = hi >>> 8; tail[end - 5] = hi;
    tail[end - 4] = lo >>> 24; tail[end - 3] = lo >>> 16; tail[end - 2] = lo >>> 8; tail[end - 1] = lo;
    for (let off = 0; off < end; off += 64) this.block(tail, off);
    const out = new Uint8Array(32);
    for (let i = 0; i < 8; i++) {
      out[4 * i] = this.v[i] >>> 24;
      out[4 * i + 1] = this.v[i] >>> 16;
      out[4 * i + 2] = this.v[i] >>> 8;
      out[4 * i + 3] = this.v[i];
    }
    return out;
  }
}

// The SM3 digest of one or more Uint8Arrays, concatenated.
export function sm3(...parts) {
  const h = new SM3();
  for (const p of parts) h.update(p);
  return h.digest();
}

// Lower-case hex of bytes (for tests and display).
export function toHex(bytes) {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}
