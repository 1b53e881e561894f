// The legal calendar (docs/domain.md "Legal calendar", docs/api.md "Reference
// data and rules"): the shipped years and their sources, the deadline
// calculator checked against a count made here from data/calendar/*.csv, a
// missing year named, an administrator loading 2027 (audited, deadlines of
// open applications follow), bad files refused whole, and the rules in force
// on a date.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { startServer } from '../lib/harness.mjs';
import { loginAll, assertProblem, assertStatus, assertJson, assertAuditEntry, walk, sql, RFC3339_UTC } from './util.mjs';

const CAL = '/api/v1/calendar';
const SHIPPED = [2017, 2018, 2019, 2020, 2021, 2022, 2023, 2024, 2025, 2026];

function addDays(d, n) {
  const t = new Date(`${d}T00:00:00Z`);
  t.setUTCDate(t.getUTCDate() + n);
  return t.toISOString().slice(0, 10);
}

function parseTable(text) {
  const off = new Set();
  const work = new Set();
  for (const line of text.split(/\r?\n/)) {
    const r = /^(\d{4}-\d{2}-\d{2}),(holiday|workday),/.exec(line);
    if (r) (r[2] === 'holiday' ? off : work).add(r[1]);
  }
  return { off, work };
}

function shippedCalendar() {
  const dir = path.resolve('data/calendar');
  const cal = new Map();
  for (const f of readdirSync(dir)) {
    const m = /^(\d{4})\.csv$/.exec(f);
    if (m) cal.set(Number(m[1]), parseTable(readFileSync(path.join(dir, f), 'utf8')));
  }
  return cal;
}

// n working days after start (not counted), on cal: {due} or {missing: year}.
function jsDeadline(cal, start, n) {
  let d = start;
  for (let k = 0; k < n;) {
    d = addDays(d, 1);
    const t = cal.get(Number(d.slice(0, 4)));
    if (!t) return { due: null, missing: Number(d.slice(0, 4)) };
    const wd = new Date(`${d}T00:00:00Z`).getUTCDay();
    if (t.work.has(d) || (!t.off.has(d) && wd !== 0 && wd !== 6)) k++;
  }
  return { due: d, missing: null };
}

function sm3Hex(text) {
  const r = spawnSync('openssl', ['dgst', '-sm3', '-r'], { input: Buffer.from(text, 'utf8'), encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return /^([0-9a-f]{64})/.exec(r.stdout)[1];
}

// A 2027 table for the test (not the State Council's notice, which was not known when written).
const T2027 = [
  'year,2027',
  'source,"测试用2027年表 test table for 2027, 国办发明电〔2026〕0号, 2026-11-01, https://www.gov.cn/zhengce/"',
  'date,kind,name',
  "2027-01-01,holiday,元旦 New Year's Day",
  '2027-02-06,holiday,春节 Spring Festival',
  '2027-02-07,holiday,春节 Spring Festival',
  '2027-02-08,holiday,春节 Spring Festival',
  '2027-02-09,holiday,春节 Spring Festival',
  '2027-02-10,holiday,春节 Spring Festival',
  '2027-02-11,holiday,春节 Spring Festival',
  '2027-02-12,holiday,春节 Spring Festival',
  '2027-02-13,holiday,春节 Spring Festival',
  '2027-02-20,workday,春节调休上班 Spring Festival moved working day',
  '',
].join('\r\n');

function putYear(client, year, text, type = 'text/csv') {
  return client.req('PUT', `${CAL}/${year}`, text, { raw: true, headers: { 'content-type': type } });
}

function calendarRows(db) {
  const r = sql(db, "select group_concat(year || ':' || sm3 || ':' || loaded_by, ',') from calendar_years");
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

let srv;
let C;
let TODAY;

before(async () => {
  srv = await startServer();
  C = await loginAll(srv.url);
  TODAY = (await C.anon.req('GET', '/api/v1/rules')).body.at;
  assert.equal(TODAY, new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10), 'rules default to the Beijing date');
});
after(async () => { if (srv) assert.equal(await srv.stop(), 0, 'server exits cleanly'); });

describe('the shipped calendar', () => {
  test('/api/v1/calendar lists 2017-2026, each with its source', async () => {
    const r = await C.anon.req('GET', CAL);
    assertStatus(r, 200);
    assertJson(r);
    const years = r.body.items.map((y) => y.year);
    assert.deepEqual(years, SHIPPED);
    for (const y of r.body.items) {
      assert.equal(typeof y.source, 'string');
      assert.ok(y.source.includes(`国务院办公厅关于${y.year}年部分节假日安排的通知`), `${y.year} source names its notice: ${y.source}`);
      assert.match(y.source, /国办发明电〔\d{4}〕\d+号/);
      assert.match(y.source, /https:\/\/www\.gov\.cn\//);
      assert.equal(typeof y.days, 'number');
      const file = readFileSync(path.resolve(`data/calendar/${y.year}.csv`), 'utf8');
      assert.equal(y.days, file.split(/\r?\n/).filter((l) => /^\d{4}-\d{2}-\d{2},/.test(l)).length, `${y.year} day count`);
      assert.match(y.loaded_at, RFC3339_UTC);
      assert.equal(y.loaded_by, 'shipped');
    }
    assert.match(r.body.items.find((y) => y.year === 2020).source, /国办发明电〔2020〕1号/, '2020 cites the extension of Spring Festival');
  });

  test('/api/v1/calendar/2025 lists the holidays and moved working days', async () => {
    const r = await C.anon.req('GET', `${CAL}/2025`);
    assertStatus(r, 200);
    assert.equal(r.body.year, 2025);
    assert.match(r.body.source, /国办发明电〔2024〕12号/);
    const kind = new Map(r.body.items.map((d) => [d.date, d.kind]));
    for (const d of r.body.items) {
      assert.match(d.date, /^2025-\d{2}-\d{2}$/);
      assert.ok(['holiday', 'workday'].includes(d.kind));
      assert.ok(d.name.length > 0);
    }
    for (let d = '2025-01-28'; d <= '2025-02-04'; d = addDays(d, 1)) assert.equal(kind.get(d), 'holiday', `${d} is a Spring Festival day off`);
    assert.equal(kind.get('2025-01-26'), 'workday');
    assert.equal(kind.get('2025-02-08'), 'workday');
    assert.equal(kind.get('2025-01-01'), 'holiday');
    assert.equal(kind.get('2025-10-11'), 'workday');
    assert.equal(kind.get('2025-01-27'), undefined, 'an ordinary Monday is not listed');
    const table = parseTable(readFileSync(path.resolve('data/calendar/2025.csv'), 'utf8'));
    assert.equal(r.body.items.length, table.off.size + table.work.size);
    assertProblem(await C.anon.req('GET', `${CAL}/2016`), 'not_found');
    assertProblem(await C.anon.req('GET', `${CAL}/2027`), 'not_found');
    assertProblem(await C.anon.req('GET', `${CAL}/twenty`), 'not_found');
  });

  test('deadline across Spring Festival 2025: 20 working days after 2025-01-20 is 2025-02-21', async () => {
    const r = await C.anon.req('GET', `${CAL}/deadline?start=2025-01-20&days=20`);
    assertStatus(r, 200);
    assert.deepEqual(r.body, { start: '2025-01-20', days: 20, due: '2025-02-21' });
  });

  test('hand-checked deadlines', async () => {
    const cases = [
      ['2025-09-30', 1, '2025-10-09'], // National Day and Mid-Autumn: 1-8 October off
      ['2025-10-10', 1, '2025-10-11'], // Saturday 11 October worked
      ['2025-01-24', 1, '2025-01-26'], // Sunday 26 January worked
      ['2020-01-23', 1, '2020-02-03'], // Spring Festival 2020 extended to 2 February; 1 February no longer worked
      ['2026-02-13', 1, '2026-02-14'], // Saturday 14 February 2026 worked
      ['2026-02-14', 1, '2026-02-24'], // 15-23 February 2026 off
      ['2024-12-31', 1, '2025-01-02'], // across the year end
      ['2025-01-20', 5, '2025-01-26'],
    ];
    for (const [start, days, due] of cases) {
      const r = await C.anon.req('GET', `${CAL}/deadline?start=${start}&days=${days}`);
      assertStatus(r, 200, `${start}+${days}`);
      assert.equal(r.body.due, due, `${days} working days after ${start}`);
    }
  });

  test('the calculator agrees with a count made from the shipped files, 2017-2026', async () => {
    const cal = shippedCalendar();
    for (let start = '2017-01-01'; start < '2026-11-01'; start = addDays(start, 23)) {
      for (const days of [1, 5, 10, 20]) {
        const want = jsDeadline(cal, start, days);
        assert.equal(want.missing, null);
        const r = await C.anon.req('GET', `${CAL}/deadline?start=${start}&days=${days}`);
        assertStatus(r, 200);
        assert.equal(r.body.due, want.due, `${days} working days after ${start}`);
      }
    }
  });

  test('bad parameters are refused', async () => {
    assertProblem(await C.anon.req('GET', `${CAL}/deadline?start=2025-02-29&days=5`), 'invalid_date', { status: 422 });
    assertProblem(await C.anon.req('GET', `${CAL}/deadline?start=20250120&days=5`), 'invalid_date', { status: 422 });
    assertProblem(await C.anon.req('GET', `${CAL}/deadline?days=5`), 'invalid_date', { status: 422 });
    for (const days of ['0', '-1', '1001', 'ten', '']) {
      const r = await C.anon.req('GET', `${CAL}/deadline?start=2025-01-20&days=${days}`);
      assertProblem(r, 'invalid_value', { status: 422, field: 'days' });
    }
  });

  test('a deadline reaching a year with no table is 422 calendar_year_missing naming the year', async () => {
    const r = await C.anon.req('GET', `${CAL}/deadline?start=2026-12-20&days=20`);
    assertProblem(r, 'calendar_year_missing', { status: 422 });
    assert.ok(r.body.detail.includes('2027'), r.body.detail);
    const early = await C.anon.req('GET', `${CAL}/deadline?start=2016-12-28&days=5`);
    assertProblem(early, 'calendar_year_missing', { status: 422 });
    assert.ok(early.body.detail.includes('2016'), early.body.detail);
    // A period that ends before the missing year needs no table for it.
    const ok = await C.anon.req('GET', `${CAL}/deadline?start=2026-12-20&days=5`);
    assertStatus(ok, 200);
    assert.equal(ok.body.due, '2026-12-25');
  });
});

describe('loading a year (national administrators)', () => {
  let appNumber;
  const cal = shippedCalendar();

  before(async () => {
    // An open application whose decision period (extended to 30 working days) may reach into 2027.
    const p = await C['ent.haidian'].req('POST', '/api/v1/products', {
      name: '密码卡', model: `CAL-${process.pid}`, category: 'crypto_card', algorithms: [{ name: 'SM4', key_bits: 128 }],
    });
    assertStatus(p, 201);
    const a = await C['ent.haidian'].req('POST', '/api/v1/applications', {
      item: 'type_model', product_id: p.body.id,
      form: { contact_name: '李四', contact_phone: '010-1234', manufacturing_address: '北京市海淀区' },
    });
    assertStatus(a, 201);
    appNumber = a.body.number;
    assertStatus(await C['officer.bj'].req('POST', `/api/v1/applications/${appNumber}/accept`, {}), 200);
    assertStatus(await C['officer.bj'].req('POST', `/api/v1/applications/${appNumber}/extend`, { approver: '局长', reason: '专家论证' }), 200);
  });

  const appDeadline = async () => {
    const r = await C.admin.req('GET', `/api/v1/applications/${appNumber}`);
    assertStatus(r, 200);
    return r.body.deadline;
  };
  const checkAgainst = (dl, calendar) => {
    const want = jsDeadline(calendar, TODAY, 30);
    assert.equal(dl.working_days, 30);
    if (want.missing) {
      assert.equal(dl.due, null, JSON.stringify(dl));
      assert.equal(dl.error.code, 'calendar_year_missing');
      assert.ok(dl.error.detail.includes(String(want.missing)));
    } else {
      assert.equal(dl.due, want.due, JSON.stringify(dl));
      assert.equal(dl.error, null);
    }
  };

  test('before the load, the open application\'s deadline follows the shipped years', async () => {
    checkAgainst(await appDeadline(), cal);
  });

  test('only a national administrator loads a year; nothing is stored otherwise', async () => {
    const before = calendarRows(srv.db);
    for (const who of ['officer.bj', 'officer.gd', 'inspector.bj', 'ent.haidian']) {
      const r = await putYear(C[who], 2027, T2027);
      assertProblem(r, 'forbidden', { status: 403 });
    }
    assertProblem(await putYear(C.anon, 2027, T2027), 'unauthenticated');
    assertProblem(await putYear(C.admin, 2027, T2027, 'application/json'), 'unsupported_media_type', { status: 415 });
    assert.equal(calendarRows(srv.db), before);
    assertProblem(await C.anon.req('GET', `${CAL}/2027`), 'not_found');
  });

  test('a bad file is 422 invalid_calendar listing every bad line; nothing is stored', async () => {
    const bad = [
      'year,2027',
      'source,"test"',
      'date,kind,name',
      "2027-01-01,holiday,元旦 New Year's Day", // 4 fine
      '2027-02-30,holiday,x', // 5 not a date
      '2026-12-31,holiday,x', // 6 another year
      '2027-03-03,workday,x', // 7 a Wednesday cannot be a moved working day
      '2027-01-01,holiday,again', // 8 listed twice
      '2027-04-05,vacation,x', // 9 unknown kind
      '2027-05-01,holiday,', // 10 no name
      '',
    ].join('\n');
    const before = calendarRows(srv.db);
    const r = await putYear(C.admin, 2027, bad);
    assertProblem(r, 'invalid_calendar', { status: 422 });
    assert.ok(Array.isArray(r.body.rows));
    for (const row of r.body.rows) {
      assert.equal(typeof row.line, 'number');
      assert.ok('column' in row);
      assert.ok(typeof row.message === 'string' && row.message.length > 0);
    }
    assert.deepEqual([...new Set(r.body.rows.map((x) => x.line))].sort((a, b) => a - b), [5, 6, 7, 8, 9, 10], JSON.stringify(r.body.rows, null, 1));
    const col = (line) => r.body.rows.filter((x) => x.line === line).map((x) => x.column);
    assert.ok(col(5).includes('date'));
    assert.ok(col(6).includes('date'));
    assert.ok(col(7).includes('kind'));
    assert.ok(col(9).includes('kind'));
    assert.ok(col(10).includes('name'));
    assert.equal(calendarRows(srv.db), before, 'nothing stored');
    assertProblem(await C.anon.req('GET', `${CAL}/2027`), 'not_found');
    assertProblem(await C.anon.req('GET', `${CAL}/deadline?start=2026-12-20&days=20`), 'calendar_year_missing', { status: 422 });
    const audit = await walk(C.admin, '/api/v1/audit?entity_type=calendar&entity_id=2027');
    assert.deepEqual(audit, [], 'a refused file is not audited');

    const wrongYear = await putYear(C.admin, 2027, T2027.replace('year,2027', 'year,2028').replace(/2027-/g, '2028-'));
    assertProblem(wrongYear, 'invalid_calendar', { status: 422 });
    const noSource = await putYear(C.admin, 2027, T2027.split('\r\n').filter((l) => !l.startsWith('source,')).join('\r\n'));
    assertProblem(noSource, 'invalid_calendar', { status: 422 });
    assert.ok(noSource.body.rows.some((x) => x.column === 'source'), JSON.stringify(noSource.body.rows));
    assert.equal(calendarRows(srv.db), before, 'nothing stored');
  });

  test('loading 2027: the year is listed and used, the load is audited, open deadlines follow', async () => {
    const r = await putYear(C.admin, 2027, T2027);
    assertStatus(r, 200);
    assert.equal(r.body.year, 2027);
    assert.match(r.body.source, /test table for 2027/);
    assert.equal(r.body.items.length, 10);

    const list = await C.anon.req('GET', CAL);
    const y = list.body.items.find((x) => x.year === 2027);
    assert.ok(y, '2027 listed');
    assert.equal(y.loaded_by, 'admin');
    assert.equal(y.days, 10);
    assert.match(y.loaded_at, RFC3339_UTC);
    assert.deepEqual(list.body.items.map((x) => x.year), [...SHIPPED, 2027]);
    const got = await C.anon.req('GET', `${CAL}/2027`);
    assertStatus(got, 200);
    assert.equal(got.body.items.find((d) => d.date === '2027-02-20').kind, 'workday');

    const with2027 = new Map(cal);
    with2027.set(2027, parseTable(T2027));
    const d = await C.anon.req('GET', `${CAL}/deadline?start=2026-12-20&days=20`);
    assertStatus(d, 200);
    assert.equal(d.body.due, jsDeadline(with2027, '2026-12-20', 20).due);
    assert.equal(d.body.due, '2027-01-18');
    assert.equal((await C.anon.req('GET', `${CAL}/deadline?start=2027-02-05&days=1`)).body.due, '2027-02-15');
    assert.equal((await C.anon.req('GET', `${CAL}/deadline?start=2027-02-19&days=1`)).body.due, '2027-02-20');

    const audit = await walk(C.admin, '/api/v1/audit?entity_type=calendar&entity_id=2027');
    assert.equal(audit.length, 1);
    assertAuditEntry(audit[0]);
    assert.equal(audit[0].action, 'calendar.load');
    assert.equal(audit[0].actor, 'admin');
    assert.equal(audit[0].before, null);
    assert.equal(audit[0].after.year, 2027);
    assert.equal(audit[0].after.sm3, sm3Hex(T2027), 'the audit records the SM3 of the file loaded');

    checkAgainst(await appDeadline(), with2027);
  });

  test('loading a year again replaces it, and deadlines use the new table', async () => {
    const replaced = T2027.replace('date,kind,name\r\n', 'date,kind,name\r\n2027-01-18,holiday,测试假日 test day off\r\n');
    const r = await putYear(C.admin, 2027, replaced);
    assertStatus(r, 200);
    assert.equal(r.body.items.length, 11);
    const d = await C.anon.req('GET', `${CAL}/deadline?start=2026-12-20&days=20`);
    assert.equal(d.body.due, '2027-01-19');
    const audit = await walk(C.admin, '/api/v1/audit?entity_type=calendar&entity_id=2027');
    assert.equal(audit.length, 2);
    assert.equal(audit[0].after.sm3, sm3Hex(replaced));
    const with2027 = new Map(cal);
    with2027.set(2027, parseTable(replaced));
    checkAgainst(await appDeadline(), with2027);
    // A bad replacement leaves the loaded table as it was.
    const before = calendarRows(srv.db);
    assertProblem(await putYear(C.admin, 2027, `${replaced}2027-06-31,holiday,x\r\n`), 'invalid_calendar', { status: 422 });
    assert.equal(calendarRows(srv.db), before);
    assert.equal((await C.anon.req('GET', `${CAL}/deadline?start=2026-12-20&days=20`)).body.due, '2027-01-19');
  });
});

describe('rules in force on a date', () => {
  const ids = (r) => r.body.items.map((x) => x.id);

  test('on 2017-01-01 production approval is an item; on 2020-01-01 it is removed', async () => {
    const r2017 = await C.anon.req('GET', '/api/v1/rules?at=2017-01-01');
    assertStatus(r2017, 200);
    assert.equal(r2017.body.at, '2017-01-01');
    assert.ok(ids(r2017).includes('item.production'));
    assert.ok(!ids(r2017).includes('removed.production'));
    const r2020 = await C.anon.req('GET', '/api/v1/rules?at=2020-01-01');
    assertStatus(r2020, 200);
    assert.ok(!ids(r2020).includes('item.production'));
    assert.ok(ids(r2020).includes('removed.production'));
    const removed = r2020.body.items.find((x) => x.id === 'removed.production');
    assert.equal(removed.kind, 'removed_item');
    assert.equal(removed.effective_from, '2017-10-11');
    assert.ok(removed.citation.includes('No.336 item I'));
    for (const [at, rules] of [['2017-01-01', r2017], ['2020-01-01', r2020]]) {
      for (const x of rules.body.items) {
        for (const k of ['id', 'kind', 'title_zh', 'title_en', 'value', 'unit', 'effective_from', 'effective_to', 'citation']) assert.ok(k in x, `Rule.${k}`);
        assert.ok(x.effective_from <= at, `${x.id} in force on ${at}`);
        assert.ok(x.effective_to === null || x.effective_to > at, `${x.id} still in force on ${at}`);
        assert.ok(x.citation.length > 0);
      }
      assert.ok(ids(rules).includes('item.type_model'), 'type approval is kept throughout');
    }
  });

  test('the boundary is 2017-10-11, the day Notice 336 took effect', async () => {
    const eve = await C.anon.req('GET', '/api/v1/rules?at=2017-10-10');
    const day = await C.anon.req('GET', '/api/v1/rules?at=2017-10-11');
    for (const item of ['production', 'sales_permit', 'fie_use', 'foreign_use']) {
      assert.ok(ids(eve).includes(`item.${item}`) && !ids(eve).includes(`removed.${item}`), `${item} on 2017-10-10`);
      assert.ok(!ids(day).includes(`item.${item}`) && ids(day).includes(`removed.${item}`), `${item} on 2017-10-11`);
    }
    const all = await C.anon.req('GET', '/api/v1/rules?all=1');
    assert.ok(ids(all).includes('item.production') && ids(all).includes('removed.production'));
    const today = await C.anon.req('GET', '/api/v1/rules');
    assert.equal(today.body.at, TODAY);
    assert.ok(ids(today).includes('deadline.decide'));
  });

  test('a bad date is 422 invalid_date', async () => {
    for (const at of ['2017-13-01', '2017-02-29', 'today', '2017-1-1', '2017-01-01T00:00']) {
      const r = await C.anon.req('GET', `/api/v1/rules?at=${encodeURIComponent(at)}`);
      assertProblem(r, 'invalid_date', { status: 422 });
    }
  });
});
