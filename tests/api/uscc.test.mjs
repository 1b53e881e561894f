// Self-test of the GB 32100-2015 / GB 11714 helper in util.mjs (no server).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FIXTURES } from '../lib/harness.mjs';
import { isValidUscc, makeUscc, breakCheck, makeUsccBadOrgCheck, orgCodeCheck, usccCheck, derivedBureau, USCC_ALPHABET } from './util.mjs';

test('known valid USCC 91110000600037341L passes both checks', () => {
  assert.equal(orgCodeCheck('60003734'), '1');
  assert.equal(usccCheck('91110000600037341'), 'L');
  assert.ok(isValidUscc('91110000600037341L'));
});

test('every fixture USCC is valid', () => {
  for (const e of FIXTURES.enterprises) assert.ok(isValidUscc(e.uscc), e.uscc);
});

test('GB 11714 check: 10 -> X and 11 -> 0', () => {
  // Find bodies producing each special case and verify the mapping by hand.
  const weights = [3, 7, 9, 10, 5, 8, 4, 2];
  let seenX = false; let seen0 = false;
  for (let n = 0; n < 2000 && !(seenX && seen0); n++) {
    const body = String(n).padStart(8, '0');
    const sum = [...body].reduce((s, ch, i) => s + Number(ch) * weights[i], 0);
    const c = orgCodeCheck(body);
    if (sum % 11 === 1) { assert.equal(c, 'X'); seenX = true; }
    if (sum % 11 === 0) { assert.equal(c, '0'); seen0 = true; }
    if (sum % 11 > 1) assert.equal(c, String(11 - (sum % 11)));
  }
  assert.ok(seenX && seen0);
  assert.equal(orgCodeCheck('A0000000'), orgCodeCheck('A0000000')); // letters accepted (A = 10)
  assert.equal(orgCodeCheck('A0000000'), String(11 - ((10 * 3) % 11)));
});

test('generated USCCs are valid, unique, carry the division code', () => {
  const seen = new Set();
  for (let i = 0; i < 500; i++) {
    const u = makeUscc('440305');
    assert.ok(isValidUscc(u), u);
    assert.equal(u.slice(2, 8), '440305');
    for (const ch of u) assert.ok(USCC_ALPHABET.includes(ch));
    assert.ok(!seen.has(u));
    seen.add(u);
  }
});

test('mutations are detected', () => {
  const u = makeUscc();
  assert.ok(!isValidUscc(breakCheck(u)));
  assert.ok(!isValidUscc(makeUsccBadOrgCheck()));
  assert.ok(!isValidUscc('91110000600037341l'));
  assert.ok(!isValidUscc('91110000600037341'));
  assert.ok(!isValidUscc(u.slice(0, 17) + 'I'));
});

test('derived bureau mapping', () => {
  assert.equal(derivedBureau('91440106465460437U'), '440000');
  assert.equal(derivedBureau('914403052836347237'), '440300');
  assert.equal(derivedBureau('916590016748738523'), '660000');
  assert.equal(derivedBureau('911101089243040981'), '110000');
});
