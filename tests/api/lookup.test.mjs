// Public lookup conveniences and the console's address: a USCC typed in lower
// case or with spaces is still found, and /console redirects to /console/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, FIXTURES } from '../lib/harness.mjs';

let srv, anon;
before(async () => { srv = await startServer(); anon = new Client(srv.url); });
after(async () => { assert.equal(await srv.stop(), 0, 'server exits cleanly (no leak reports)'); });

test('a USCC in lower case or with spaces is found exactly', async () => {
  const uscc = FIXTURES.enterprises[2].uscc; // 91440106465460437U
  for (const q of [uscc.toLowerCase(), `  ${uscc} `]) {
    const r = await anon.req('GET', `/api/v1/enterprises?q=${encodeURIComponent(q)}`);
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.items.map((e) => e.uscc), [uscc], `query ${JSON.stringify(q)}`);
  }
});

test('/console redirects to /console/, which serves the console page', async () => {
  const r = await fetch(srv.url + '/console', { redirect: 'manual' });
  assert.equal(r.status, 308);
  assert.equal(r.headers.get('location'), '/console/');
  const page = await fetch(srv.url + '/console/');
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type'), /^text\/html/);
  const nothing = await fetch(srv.url + '/no-such-folder', { redirect: 'manual' });
  assert.equal(nothing.status, 404);
});
