// receipt.js: checking a transparency log receipt in the browser, with no
// help from the server. Parses C2SP tlog-proof receipts, signed notes,
// checkpoints and vkeys as strictly as src/tlog does (docs/tlog.md), checks
// the log's SM2 signature on the checkpoint (sm2.js) and the RFC 9162
// inclusion proof with SM3 (sm3.js):
//
//   leaf hash = SM3(0x00 || entry), node hash = SM3(0x01 || left || right)
//
// The vkey's key ID is checked with SHA-256 from WebCrypto, as the
// signed-note spec recommends: SHA-256(name || 0x0A || key material)[:4].
//
// Every refusal is a TlogError whose code names the problem and whose vars
// fill in the details; log.js turns it into a sentence in the reader's
// language (i18n keys "logv.err.<code>"). Nothing here touches the DOM, so
// the node tests import it as it is.

import { sm3, SM3, toHex } from './sm3.js';
import { sm2VerifyDetailed, parsePublicKey, SM2Error } from './sm2.js';

export const RECEIPT_HEADER = 'c2sp.org/tlog-proof@v1';
export const RECEIPT_MAX = 32768; // the whole receipt, bytes
export const RECEIPT_EXTRA_MAX = 4096; // decoded extra data
export const RECEIPT_HASHES_MAX = 63;
export const CHECKPOINT_MAX = 16384;
export const NOTE_MAX = 128 * 1024;
export const NOTE_SIGS_MAX = 32;
export const NAME_MAX = 255;
export const SIG_MAX = 5120; // bytes of a signature after its key ID
export const VKEY_KEY_MAX = 4096;
const SIZE_LIMIT = 1n << 63n; // tree sizes and indexes are below 2^63

// Key material prefixes (docs/tlog.md, "Key ID computation").
const enc = new TextEncoder();
export const SM2_KEY_PREFIX = Uint8Array.from([0xff, ...enc.encode('cryptoreg/sm2-sm3\n')]);
export const SM2_COSIG_PREFIX = Uint8Array.from([0xff, ...enc.encode('cryptoreg/sm2-sm3-cosignature\n')]);

export class TlogError extends Error {
  constructor(code, message, vars = {}) {
    super(message);
    this.name = 'TlogError';
    this.code = code;
    this.vars = vars;
  }
}
const fail = (code, message, vars) => new TlogError(code, message, vars);

const byteLength = (s) => enc.encode(s).length;

function bytesEqual(a, b) {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i] ^ b[i];
  return d === 0;
}

function startsWith(bytes, prefix) {
  return bytes.length >= prefix.length && bytesEqual(bytes.subarray(0, prefix.length), prefix);
}

// ---- base64 (RFC 4648, canonical only) --------------------------------------

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_INDEX = new Map([...B64].map((c, i) => [c, i]));

export function encodeBase64(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    s += B64[(n >> 18) & 63] + B64[(n >> 12) & 63];
    s += i + 1 < bytes.length ? B64[(n >> 6) & 63] : '=';
    s += i + 2 < bytes.length ? B64[n & 63] : '=';
  }
  return s;
}

// Decodes standard base64 with padding; null unless s is the one encoding
// of its bytes: the alphabet only, length a multiple of 4, padding only at
// the end, spare bits zero (checked by encoding the bytes back).
const B64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
export function decodeBase64(s) {
  if (typeof s !== 'string' || !B64_RE.test(s)) return null;
  const body = s.replace(/=+$/, '');
  const out = new Uint8Array(Math.floor((body.length * 6) / 8));
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (const c of body) {
    acc = ((acc << 6) | B64_INDEX.get(c)) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return encodeBase64(out) === s ? out : null;
}

// ---- names and text -----------------------------------------------------------

// Unicode White_Space (as Go's unicode.IsSpace), which a key name may not hold.
const SPACE_RE = /[\u0009-\u000d\u0020\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/u;
// Control characters a note may not hold: below U+0020 except "\n", and DEL
// is allowed as the C parser allows it.
const CONTROL_RE = /[\u0000-\u0009\u000b-\u001f]/u;

function checkName(name, what) {
  if (!name) throw fail(`${what}_name`, `the ${what} key name is empty`, { name });
  if (byteLength(name) > NAME_MAX) throw fail(`${what}_name`, `the ${what} key name is over ${NAME_MAX} bytes`, { name });
  if (name.includes('+') || SPACE_RE.test(name)) throw fail(`${what}_name`, `the ${what} key name holds a "+" or a space`, { name });
}

// A canonical decimal below 2^63: no sign, no leading zero except "0".
function decimal(s) {
  if (!/^(0|[1-9][0-9]*)$/.test(s)) return null;
  const v = BigInt(s);
  return v < SIZE_LIMIT ? v : null;
}

export function hex8(id) {
  return (id >>> 0).toString(16).padStart(8, '0');
}

// ---- receipts (C2SP tlog-proof) ------------------------------------------------

// Parses a receipt's text: { extra: Uint8Array|null, index: BigInt,
// proof: [Uint8Array(32)], checkpoint: string }. The checkpoint is not
// looked into here.
export function parseReceipt(text) {
  if (typeof text !== 'string') throw fail('receipt_header', 'not text');
  if (byteLength(text) > RECEIPT_MAX) throw fail('receipt_too_long', `a receipt is at most ${RECEIPT_MAX} bytes`, { max: RECEIPT_MAX });
  if (text.includes('\r')) throw fail('receipt_cr', 'the receipt has CR line ends; only "\\n" is allowed');
  let at = 0;
  const next = () => {
    if (at >= text.length) return null;
    const nl = text.indexOf('\n', at);
    if (nl < 0) return null;
    const line = text.slice(at, nl);
    at = nl + 1;
    return line;
  };
  if (next() !== RECEIPT_HEADER) throw fail('receipt_header', `the first line must be ${RECEIPT_HEADER}`, { header: RECEIPT_HEADER });
  let line = next();
  if (line === null) throw fail('receipt_index', 'the index line is missing');
  let extra = null;
  if (line.startsWith('extra ')) {
    extra = decodeBase64(line.slice(6));
    if (!extra || extra.length > RECEIPT_EXTRA_MAX) throw fail('receipt_extra', 'the extra data is not canonical base64 of at most 4096 bytes', { max: RECEIPT_EXTRA_MAX });
    line = next();
    if (line === null) throw fail('receipt_index', 'the index line is missing');
  }
  const index = line.startsWith('index ') ? decimal(line.slice(6)) : null;
  if (index === null) throw fail('receipt_index', 'the index line must be "index" and a decimal');
  const proof = [];
  for (;;) {
    line = next();
    if (line === null) throw fail('receipt_no_blank', 'the blank line before the checkpoint is missing');
    if (line === '') break;
    if (proof.length === RECEIPT_HASHES_MAX) throw fail('receipt_hashes_max', 'more than 63 proof hashes', { max: RECEIPT_HASHES_MAX });
    const h = line.length === 44 ? decodeBase64(line) : null;
    if (!h || h.length !== 32) throw fail('receipt_hash', 'a proof line is not the base64 of a 32-byte hash', { n: proof.length + 1 });
    proof.push(h);
  }
  const checkpoint = text.slice(at);
  if (!checkpoint) throw fail('receipt_checkpoint_missing', 'the checkpoint is missing');
  if (byteLength(checkpoint) > CHECKPOINT_MAX) throw fail('receipt_checkpoint_too_long', 'the checkpoint is too long', { max: CHECKPOINT_MAX });
  if (checkpoint[0] === '\n') throw fail('receipt_checkpoint_blank', 'the checkpoint starts with a blank line');
  if (!checkpoint.endsWith('\n')) throw fail('receipt_checkpoint_newline', 'the checkpoint does not end with a newline');
  return { extra, index, proof, checkpoint };
}

// ---- signed notes ------------------------------------------------------------------

const SIG_PREFIX = '\u2014 '; // "— "

// Parses a signed note: { text, signatures: [{ name, keyId, sig }] }. text
// is every character up to and including the newline before the last blank
// line: the signed message.
export function parseNote(note) {
  if (byteLength(note) > NOTE_MAX) throw fail('note_too_long', `a note is at most ${NOTE_MAX} bytes`, { max: NOTE_MAX });
  if (CONTROL_RE.test(note)) throw fail('note_control', 'the note holds a control character (CR, tab, NUL...)');
  if (/[\ud800-\udfff]/u.test(note)) throw fail('note_utf8', 'the note is not UTF-8');
  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw fail('note_no_blank', 'the note has no blank line before its signatures');
  const text = note.slice(0, split + 1);
  const rest = note.slice(split + 2);
  if (!rest) throw fail('note_no_signature', 'the note has no signature line');
  if (!rest.endsWith('\n')) throw fail('note_last_newline', 'the last line does not end with a newline');
  const lines = rest.slice(0, -1).split('\n');
  if (lines.length > NOTE_SIGS_MAX) throw fail('note_too_many', `more than ${NOTE_SIGS_MAX} signatures`, { max: NOTE_SIGS_MAX });
  const signatures = [];
  const seen = new Set();
  lines.forEach((line, i) => {
    const n = i + 1;
    if (!line.startsWith(SIG_PREFIX)) throw fail('note_sig_line', 'a signature line must start with "— "', { n });
    const body = line.slice(SIG_PREFIX.length);
    const sp = body.indexOf(' ');
    if (sp < 0) throw fail('note_sig_line', 'a signature line must be "— name base64"', { n });
    const name = body.slice(0, sp);
    try { checkName(name, 'note'); } catch (err) { err.vars.n = n; throw err; }
    const raw = decodeBase64(body.slice(sp + 1));
    if (!raw) throw fail('note_sig_base64', 'a signature is not canonical base64', { n });
    if (raw.length < 5 || raw.length > 4 + SIG_MAX) throw fail('note_sig_length', 'a signature is too short or too long', { n });
    const keyId = ((raw[0] << 24) | (raw[1] << 16) | (raw[2] << 8) | raw[3]) >>> 0;
    const k = `${name}+${keyId}`;
    if (seen.has(k)) throw fail('note_sig_repeat', 'two signatures with the same key name and key ID', { n, name });
    seen.add(k);
    signatures.push({ name, keyId, sig: raw.subarray(4) });
  });
  return { text, signatures };
}

// ---- checkpoints (C2SP tlog-checkpoint) ----------------------------------------------

// Parses a checkpoint's signed text: { origin, size: BigInt, root:
// Uint8Array(32), extensions: [string] }. Read it only once the note's
// signature is checked.
export function parseCheckpoint(text) {
  if (!text.endsWith('\n')) throw fail('cp_lines', 'the checkpoint text does not end with a newline');
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3) throw fail('cp_lines', 'a checkpoint has an origin, a size and a root hash');
  if (lines.some((l) => l === '')) throw fail('cp_lines', 'the checkpoint text has an empty line');
  const [origin, sizeText, rootText, ...extensions] = lines;
  if (byteLength(origin) > NAME_MAX) throw fail('cp_origin', `the origin is over ${NAME_MAX} bytes`);
  const size = decimal(sizeText);
  if (size === null) throw fail('cp_size', 'the tree size is not a canonical decimal below 2^63', { size: sizeText });
  const root = rootText.length === 44 ? decodeBase64(rootText) : null;
  if (!root || root.length !== 32) throw fail('cp_root', 'the root hash is not the base64 of 32 bytes');
  return { origin, size, root, extensions };
}

// ---- verifier keys ---------------------------------------------------------------

// SHA-256(name || 0x0A || key)[:4] as a big-endian uint32, by WebCrypto.
export async function keyId(name, key) {
  const subtle = globalThis.crypto && globalThis.crypto.subtle;
  if (!subtle) throw fail('no_webcrypto', 'this browser offers no WebCrypto here (the page must be served over HTTPS)');
  const nameBytes = enc.encode(name);
  const msg = new Uint8Array(nameBytes.length + 1 + key.length);
  msg.set(nameBytes, 0);
  msg[nameBytes.length] = 0x0a;
  msg.set(key, nameBytes.length + 1);
  const d = new Uint8Array(await subtle.digest('SHA-256', msg));
  return ((d[0] << 24) | (d[1] << 16) | (d[2] << 8) | d[3]) >>> 0;
}

// Parses "name+hexkeyid+base64(key material)" for an SM2 log key and checks
// its key ID. Returns { name, keyId, key (material), point (65 bytes) }.
export async function parseVkey(vkey) {
  const p1 = vkey.indexOf('+');
  const p2 = p1 < 0 ? -1 : vkey.indexOf('+', p1 + 1);
  if (p1 < 0 || p2 < 0) throw fail('vkey_format', 'a key is name+keyid+base64');
  const name = vkey.slice(0, p1);
  const hex = vkey.slice(p1 + 1, p2);
  checkName(name, 'vkey');
  if (!/^[0-9a-f]{8}$/.test(hex)) throw fail('vkey_hex', 'the key ID must be 8 lower-case hex digits');
  const key = decodeBase64(vkey.slice(p2 + 1));
  if (!key || key.length === 0 || key.length > VKEY_KEY_MAX) throw fail('vkey_base64', 'the key material is not canonical base64');
  const id = await keyId(name, key);
  if (hex8(id) !== hex) throw fail('vkey_id', 'the key ID does not match the name and key', { stated: hex, computed: hex8(id) });
  if (startsWith(key, SM2_COSIG_PREFIX)) throw fail('vkey_cosig', 'this is a witness cosignature key, not a log key');
  if (!startsWith(key, SM2_KEY_PREFIX)) throw fail('vkey_type', 'the key is not an SM2 log key (type 0xff cryptoreg/sm2-sm3)');
  const point = key.subarray(SM2_KEY_PREFIX.length);
  try {
    parsePublicKey(point);
  } catch (err) {
    if (err instanceof SM2Error) throw fail('vkey_point', err.message);
    throw err;
  }
  return { name, keyId: id, key, point };
}

// Checks the note's signature by key (from parseVkey): the signature line
// with the key's name and ID must exist and verify. Other signatures (a
// witness's) are counted, not trusted. Returns { others }.
export function verifyNote(note, key) {
  const mine = note.signatures.filter((s) => s.name === key.name && s.keyId === key.keyId);
  const others = note.signatures.length - mine.length;
  if (!mine.length) {
    throw fail('sig_missing', 'no signature by this key',
      { name: key.name, id: hex8(key.keyId), found: note.signatures.map((s) => `${s.name} ${hex8(s.keyId)}`).join(', ') });
  }
  const r = sm2VerifyDetailed(key.point, enc.encode(note.text), mine[0].sig);
  if (!r.valid) throw fail(r.code === 'sig_der' ? 'sig_der' : r.code === 'sig_range' ? 'sig_range' : 'sig_invalid', r.reason);
  return { others };
}

// ---- Merkle trees (RFC 9162, with SM3) ------------------------------------------------

export function leafHash(entry) {
  return new SM3().update(Uint8Array.of(0)).update(entry).digest();
}

export function nodeHash(left, right) {
  return new SM3().update(Uint8Array.of(1)).update(left).update(right).digest();
}

// RFC 9162, 2.1.3.2: the root the proof leads to from the leaf hash at
// index in a tree of size; throws when the proof has the wrong shape.
export function rootFromInclusionProof(index, size, leaf, proof) {
  index = BigInt(index);
  size = BigInt(size);
  if (index >= size) throw fail('incl_index', 'the index is not below the tree size', { index: String(index), size: String(size) });
  let fn = index;
  let sn = size - 1n;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0n) throw fail('incl_length', 'the proof has too many hashes', { n: proof.length });
    if ((fn & 1n) === 1n || fn === sn) {
      r = nodeHash(p, r);
      if ((fn & 1n) === 0n) {
        while ((fn & 1n) === 0n && fn !== 0n) { fn >>= 1n; sn >>= 1n; }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  if (sn !== 0n) throw fail('incl_length', 'the proof has too few hashes', { n: proof.length });
  return r;
}

export function verifyInclusion(index, size, leaf, proof, root) {
  const got = rootFromInclusionProof(index, size, leaf, proof);
  if (!bytesEqual(got, root)) throw fail('incl_root', 'the proof does not lead to the checkpoint\'s root hash', { got: encodeBase64(got) });
  return true;
}

// ---- the whole check -------------------------------------------------------------------

// Checks receiptText against vkeyText step by step. Returns { ok, steps }
// where steps is a list of { id, status: 'pass'|'fail'|'skip', error,
// warnings, facts }; facts hold what the step established (for display).
// Steps: receipt (format), key (parsed, key ID), signature (the log's SM2
// signature on the checkpoint, then the checkpoint's text), inclusion
// (the entry in the tree of that size), entry (the entry's JSON).
// opts.fetchEntry(index) may supply the entry's bytes when the receipt
// carries none.
export async function verifyReceipt(receiptText, vkeyText, opts = {}) {
  const steps = {};
  for (const id of ['receipt', 'key', 'signature', 'inclusion', 'entry']) steps[id] = { id, status: 'skip', error: null, warnings: [], facts: {} };
  const run = async (id, fn) => {
    try {
      await fn(steps[id]);
      steps[id].status = 'pass';
      return true;
    } catch (err) {
      if (!(err instanceof TlogError)) throw err;
      steps[id].status = 'fail';
      steps[id].error = err;
      return false;
    }
  };

  let receipt = null;
  let key = null;
  let cp = null;
  let entry = null;
  await run('receipt', (s) => {
    receipt = parseReceipt(receiptText);
    s.facts = { index: String(receipt.index), hashes: receipt.proof.length, extra: receipt.extra ? receipt.extra.length : null };
  });
  await run('key', async (s) => {
    key = await parseVkey(vkeyText);
    s.facts = { name: key.name, id: hex8(key.keyId), point: toHex(key.point) };
  });
  if (receipt && key) {
    await run('signature', (s) => {
      const note = parseNote(receipt.checkpoint);
      const { others } = verifyNote(note, key);
      cp = parseCheckpoint(note.text);
      s.facts = { name: key.name, id: hex8(key.keyId), others, origin: cp.origin, size: String(cp.size), root: encodeBase64(cp.root) };
      if (cp.origin !== key.name) s.warnings.push({ code: 'origin_name', vars: { origin: cp.origin, name: key.name } });
    });
  }
  if (cp) {
    await run('inclusion', async (s) => {
      entry = receipt.extra;
      if (!entry) {
        entry = opts.fetchEntry ? await opts.fetchEntry(receipt.index) : null;
        if (!entry) throw fail('incl_no_entry', 'the receipt carries no entry (no extra line)');
        s.warnings.push({ code: 'entry_fetched', vars: { index: String(receipt.index) } });
      }
      const leaf = leafHash(entry);
      s.facts = { index: String(receipt.index), size: String(cp.size), leaf: encodeBase64(leaf), hashes: receipt.proof.length };
      verifyInclusion(receipt.index, cp.size, leaf, receipt.proof, cp.root);
    });
  }
  if (steps.inclusion.status === 'pass') {
    await run('entry', (s) => {
      let json;
      try {
        json = JSON.parse(new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(entry));
      } catch {
        throw fail('entry_json', 'the entry is proven but is not JSON');
      }
      if (!json || typeof json !== 'object' || Array.isArray(json)) throw fail('entry_json', 'the entry is not a JSON object');
      s.facts = { json, text: new TextDecoder().decode(entry) };
    });
  }
  const list = Object.values(steps);
  return { ok: list.every((s) => s.status === 'pass'), steps: list };
}
