// views/filing_stats.js: the supervisors' side of the annual sales filing.
// #/filings/status lists every enterprise that held a type certificate in
// the year and where its filing stands (GET /api/v1/filings/obligations),
// with one-click filters for the late and the missing, CSV and XLSX exports
// of the same list, and for the national administrator the button that
// records the overdue-filing events (POST /api/v1/filings/overdue).
// #/filings/statistics shows GET /api/v1/filings/statistics as tables and
// SVG bar charts (js/chart.js): by bureau (on time, late, missing stacked),
// by product category, by algorithm and by year.

import { t, bureauName } from '../i18n.js';
import { api, query } from '../api.js';
import { h, replace, show, time, table, tableRow, field, announce, busy } from '../dom.js';
import { referenceOrEmpty, categoryName } from '../ref.js';
import { barChart } from '../chart.js';
import { yearParam, yearOptions, filingStatusBadge, lateBadge, bureauText, filingHref } from './filings.js';

const STATES = ['on_time', 'late', 'returned', 'missing'];
const STATE_BADGE = { on_time: 'ok', late: 'warn', returned: 'info', missing: 'err' };
const STATE_ICON = { on_time: '✓', late: '⚠', returned: '↩', missing: '✕' };

export function obligationBadge(state) {
  return h('span', { class: `badge badge-${STATE_BADGE[state] || 'off'}`, 'data-state': state },
    h('span', { class: 'badge-icon', 'aria-hidden': 'true' }, STATE_ICON[state] || '?'), ' ', obligationName(state));
}

function obligationName(state) {
  const k = `fstate.${state}`;
  return t(k) === k ? show(state) : t(k);
}

function bureauOptions(ctx) {
  return [['', t('ent.all_bureaus')], ...[...ctx.bureaus.values()].map((b) => [b.code, `${b.code} ${bureauName(b)}`])];
}

// ---- who has filed ---------------------------------------------------------------

export async function renderStatus(ctx, params) {
  const year = yearParam(params);
  const st = {
    state: STATES.includes(params.get('state')) ? params.get('state') : '',
    bureau: ctx.isAdmin ? params.get('bureau') || '' : '',
    items: [],
    next: null,
  };
  const pageHref = (q) => `#/filings/status${query({ year, bureau: st.bureau, ...q })}`;

  const filter = h('form', { id: 'obligation-filter', class: 'search-form card filters', novalidate: true },
    h('div', { class: 'inline wrap' },
      field({ name: 'year', id: 'obl-year', label: t('filing.year'), value: String(year), options: yearOptions(year) }),
      field({
        name: 'state', id: 'obl-state', label: t('fstat.state'), value: st.state,
        options: [['', t('common.all')], ...STATES.map((s) => [s, obligationName(s)])],
      }),
      ctx.isAdmin ? field({ name: 'bureau', id: 'obl-bureau', label: t('ent.bureau_filter'), value: st.bureau, options: bureauOptions(ctx) }) : null,
      h('div', { class: 'field' }, h('span', { class: 'label-spacer', 'aria-hidden': 'true' }, '\u00a0'),
        h('button', { type: 'submit', class: 'btn primary' }, t('audit.filter')))));
  filter.addEventListener('submit', (ev) => {
    ev.preventDefault();
    ctx.navigate(`#/filings/status${query({
      year: filter.elements.year.value,
      state: filter.elements.state.value,
      bureau: filter.elements.bureau ? filter.elements.bureau.value : '',
    })}`);
  });

  // One click to the lists a supervisor acts on.
  const quick = h('nav', { class: 'quick-filters', 'aria-label': t('fstat.quick_label') },
    h('ul', null,
      [['', 'fstat.quick_all'], ['late', 'fstat.quick_late'], ['missing', 'fstat.quick_missing'], ['returned', 'fstat.quick_returned'], ['on_time', 'fstat.quick_on_time']]
        .map(([s, key]) => h('li', null, h('a', {
          href: pageHref({ state: s }), class: `btn small${s === st.state ? ' is-active' : ''}`,
          'aria-current': s === st.state ? 'page' : null, 'data-state': s || 'all',
        }, t(key, { year }))))));

  const exportQ = { year, state: st.state, bureau: st.bureau };
  const exports = h('p', { class: 'exports', id: 'obligation-exports' },
    h('span', { class: 'label' }, t('fstat.export')), ' ',
    h('a', { href: `/api/v1/filings/obligations${query({ ...exportQ, format: 'csv' })}`, download: true, id: 'export-csv' }, 'CSV'), ' · ',
    h('a', { href: `/api/v1/filings/obligations${query({ ...exportQ, format: 'xlsx' })}`, download: true, id: 'export-xlsx' }, 'XLSX (Excel)'));

  let overdueCard = null;
  if (ctx.isAdmin) {
    const out = h('div', { id: 'overdue-result', 'aria-live': 'polite' });
    const btn = h('button', { type: 'submit', class: 'btn' }, t('fstat.record_overdue', { year }));
    const form = h('form', { id: 'overdue-form', novalidate: true }, h('div', { class: 'actions' }, btn));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      out.replaceChildren();
      await busy(form, async () => {
        try {
          const r = await api('POST', `/api/v1/filings/overdue${query({ year })}`);
          const text = t('fstat.overdue_done', { recorded: r.recorded, already: r.already, due: r.due, year: r.year });
          out.append(h('p', { class: 'message-success', id: 'overdue-summary', 'data-recorded': r.recorded, 'data-already': r.already }, text));
          announce(text, 'success');
          await load(null);
        } catch (err) {
          if (err.status === 401) return;
          out.append(h('p', { class: 'message-warn' }, '⚠ ', show(err.detail)));
          announce(t('common.error', { detail: err.detail }), 'error');
        }
      });
    });
    overdueCard = h('section', { class: 'card', 'aria-labelledby': 'overdue-heading' },
      h('h2', { id: 'overdue-heading' }, t('fstat.overdue_heading')),
      h('p', { class: 'hint' }, t('fstat.overdue_intro')),
      form, out);
  }

  const summary = h('p', { class: 'muted', id: 'obligation-summary' });
  const results = h('div', { id: 'obligation-results' });
  const more = h('button', { type: 'button', class: 'btn', hidden: true }, t('common.load_more'));

  function draw() {
    results.replaceChildren();
    if (!st.items.length) {
      summary.textContent = t('fstat.none');
      more.hidden = true;
      return;
    }
    summary.textContent = t(st.next ? 'common.showing_more' : 'common.showing', { n: st.items.length });
    results.append(table({
      caption: t(st.state ? 'fstat.caption_state' : 'fstat.caption', { year, state: obligationName(st.state) }),
      columns: [t('product.enterprise'), t('field.bureau'), t('fstat.certificates'), t('fstat.state'), t('filing.version'), t('filing.submitted_at'), t('fstat.overdue_event')],
      rows: [],
      className: 'data obligations',
    }));
    const tbody = results.querySelector('tbody');
    for (const o of st.items) {
      const row = tableRow([
        h('span', null, show(o.name), h('br'), h('a', { class: 'mono', href: `#/enterprises/${encodeURIComponent(o.uscc)}` }, o.uscc)),
        bureauText(ctx, o.bureau_code),
        String(o.certificates ?? ''),
        h('span', { class: 'status-cell' }, obligationBadge(o.state)),
        o.filing_id ? h('span', null, h('a', { href: filingHref(o.filing_id) }, t('filing.version_n', { n: o.version })), ' ',
          o.status ? filingStatusBadge(o.status) : null, o.late && o.state !== 'late' ? [' ', lateBadge()] : null) : t('common.none'),
        o.submitted_at ? time(o.submitted_at) : t('common.none'),
        o.overdue_event_id ? h('span', { class: 'tag tag-warn' }, t('fstat.event_recorded', { id: o.overdue_event_id })) : t('common.none'),
      ], true);
      row.dataset.uscc = o.uscc;
      row.dataset.state = o.state;
      if (o.state === 'late' || o.state === 'missing') row.classList.add('row-overdue');
      tbody.append(row);
    }
    more.hidden = !st.next;
  }

  async function load(cursor) {
    const data = await api('GET', `/api/v1/filings/obligations${query({ year, state: st.state, bureau: st.bureau, cursor })}`);
    if (!ctx.isCurrent()) return;
    st.items = cursor ? st.items.concat(data.items || []) : (data.items || []);
    st.next = data.next_cursor || null;
    draw();
  }

  more.addEventListener('click', async () => {
    const firstNew = st.items.length;
    try { await load(st.next); } catch (err) { announce(t('common.error', { detail: err.detail }), 'error'); return; }
    results.querySelectorAll('tbody tr')[firstNew]?.querySelector('a')?.focus();
  });

  replace(ctx.view,
    h('p', { class: 'crumbs' }, h('a', { href: `#/filings${query({ year })}` }, t('filing.back'))),
    h('h1', null, t('fstat.status_heading', { year })),
    h('p', { class: 'lead' }, t('fstat.status_intro')),
    filter,
    quick,
    overdueCard,
    h('section', { class: 'card', 'aria-labelledby': 'obligation-list-heading' },
      h('h2', { id: 'obligation-list-heading' }, st.state ? t('fstat.list_heading_state', { state: obligationName(st.state), year }) : t('fstat.list_heading', { year })),
      exports, summary, results, h('p', null, more)));
  await load(null);
}

// ---- statistics ------------------------------------------------------------------

const num = (n) => new Intl.NumberFormat().format(Number(n) || 0);

// A section with a chart and the same numbers as a table.
function statSection(id, heading, chart, tbl, empty) {
  return h('section', { class: 'card stat-section', id, 'aria-labelledby': `${id}-heading` },
    h('h2', { id: `${id}-heading` }, heading),
    empty ? h('p', { class: 'muted' }, t('fstat.no_data')) : [chart, tbl]);
}

export async function renderStatistics(ctx, params) {
  const year = yearParam(params);
  const bureau = ctx.isAdmin ? params.get('bureau') || '' : '';
  const [stats, all, ref] = await Promise.all([
    api('GET', `/api/v1/filings/statistics${query({ year, bureau })}`),
    // by_year over every year, not only the one chosen.
    api('GET', `/api/v1/filings/statistics${query({ bureau })}`),
    referenceOrEmpty(),
  ]);
  if (!ctx.isCurrent()) return;

  const filter = h('form', { id: 'stat-filter', class: 'search-form card filters', novalidate: true },
    h('div', { class: 'inline wrap' },
      field({ name: 'year', id: 'stat-year', label: t('filing.year'), value: String(year), options: yearOptions(year) }),
      ctx.isAdmin ? field({ name: 'bureau', id: 'stat-bureau', label: t('ent.bureau_filter'), value: bureau, options: bureauOptions(ctx) }) : null,
      h('div', { class: 'field' }, h('span', { class: 'label-spacer', 'aria-hidden': 'true' }, '\u00a0'),
        h('button', { type: 'submit', class: 'btn primary' }, t('filing.show')))));
  filter.addEventListener('submit', (ev) => {
    ev.preventDefault();
    ctx.navigate(`#/filings/statistics${query({ year: filter.elements.year.value, bureau: filter.elements.bureau ? filter.elements.bureau.value : '' })}`);
  });

  const fileSeries = [
    { key: 'on_time', label: t('fstat.filed_not_late'), className: 'bar-on-time' },
    { key: 'late', label: t('fstat.filed_late'), className: 'bar-late' },
    { key: 'missing', label: t('fstate.missing'), className: 'bar-missing' },
  ];
  const split = (r) => {
    const filed = Number(r.filed) || 0;
    const late = Math.min(Number(r.late) || 0, filed);
    const missing = r.missing !== undefined ? Number(r.missing) || 0 : Math.max((Number(r.obligated) || 0) - filed, 0);
    return { on_time: filed - late, late, missing };
  };

  // By bureau: every bureau in the table; the chart leaves out those with no
  // obligated enterprise, and says how many it left out.
  const byBureau = stats.by_bureau || [];
  const bureauLabel = (code) => {
    const b = ctx.bureaus.get(code);
    return b ? bureauName(b) : code;
  };
  const drawn = byBureau.filter((r) => (Number(r.obligated) || 0) + (Number(r.filed) || 0) > 0);
  const bureauChart = h('div', null,
    barChart({
      title: t('fstat.chart_bureau', { year }),
      desc: t('fstat.chart_bureau_desc'),
      series: fileSeries,
      rows: drawn.map((r) => ({ label: bureauLabel(r.bureau_code), values: split(r) })),
      format: num,
      className: 'chart-by-bureau',
    }),
    drawn.length < byBureau.length ? h('p', { class: 'hint' }, t('fstat.bureaus_left_out', { n: byBureau.length - drawn.length })) : null);
  const bureauTable = table({
    caption: t('fstat.table_bureau', { year }),
    columns: [t('field.bureau'), t('fstat.obligated'), t('fstat.filed'), t('fstat.filed_late'), t('fstate.missing'), t('filing.lines'), t('filing.quantity')],
    rows: byBureau.map((r) => [h('span', null, bureauLabel(r.bureau_code), ' ', h('span', { class: 'mono muted' }, r.bureau_code)),
      num(r.obligated), num(r.filed), num(r.late), num(r.missing), num(r.lines), num(r.quantity)]),
    rowHeader: true,
    className: 'data stats stats-bureau',
  });

  const qtySeries = [{ key: 'quantity', label: t('filing.quantity'), className: 'bar-quantity' }];
  const byCategory = stats.by_category || [];
  const catLabel = (id) => categoryName(ref, id);
  const categoryChart = barChart({
    title: t('fstat.chart_category', { year }),
    desc: t('fstat.chart_quantity_desc'),
    series: qtySeries,
    rows: byCategory.map((r) => ({ label: catLabel(r.category), values: { quantity: r.quantity } })),
    format: num,
    className: 'chart-by-category',
  });
  const categoryTable = table({
    caption: t('fstat.table_category', { year }),
    columns: [t('fstat.category'), t('filing.lines'), t('filing.quantity')],
    rows: byCategory.map((r) => [catLabel(r.category), num(r.lines), num(r.quantity)]),
    rowHeader: true,
    className: 'data stats stats-category',
  });

  const byAlgorithm = stats.by_algorithm || [];
  const algorithmChart = barChart({
    title: t('fstat.chart_algorithm', { year }),
    desc: t('fstat.chart_algorithm_desc'),
    series: [{ key: 'quantity', label: t('filing.quantity'), className: 'bar-algorithm' }],
    rows: byAlgorithm.map((r) => ({ label: show(r.algorithm), values: { quantity: r.quantity } })),
    format: num,
    className: 'chart-by-algorithm',
  });
  const algorithmTable = table({
    caption: t('fstat.table_algorithm', { year }),
    columns: [t('fstat.algorithm'), t('filing.lines'), t('filing.quantity')],
    rows: byAlgorithm.map((r) => [show(r.algorithm), num(r.lines), num(r.quantity)]),
    rowHeader: true,
    className: 'data stats stats-algorithm',
  });

  const byYear = (all.by_year && all.by_year.length ? all.by_year : stats.by_year) || [];
  const yearChart = barChart({
    title: t('fstat.chart_year'),
    desc: t('fstat.chart_bureau_desc'),
    series: fileSeries,
    rows: byYear.map((r) => ({ label: String(r.year), values: split(r) })),
    format: num,
    className: 'chart-by-year',
  });
  const yearTable = table({
    caption: t('fstat.table_year'),
    columns: [t('filing.year'), t('fstat.obligated'), t('fstat.filed'), t('fstat.filed_late'), t('fstate.missing'), t('filing.lines'), t('filing.quantity')],
    rows: byYear.map((r) => [String(r.year), num(r.obligated), num(r.filed), num(r.late), num(split(r).missing), num(r.lines), num(r.quantity)]),
    rowHeader: true,
    className: 'data stats stats-year',
  });

  const scope = stats.bureau ? bureauText(ctx, stats.bureau) : t('fstat.scope_all');
  replace(ctx.view,
    h('p', { class: 'crumbs' }, h('a', { href: `#/filings${query({ year })}` }, t('filing.back'))),
    h('h1', null, t('fstat.stats_heading', { year })),
    h('p', { class: 'lead' }, t('fstat.stats_intro'), ' ', h('span', { class: 'label' }, t('fstat.scope')), ' ', h('span', { id: 'stat-scope' }, scope)),
    filter,
    statSection('stat-bureau', t('fstat.by_bureau'), bureauChart, bureauTable, !byBureau.length),
    statSection('stat-category', t('fstat.by_category'), categoryChart, categoryTable, !byCategory.length),
    statSection('stat-algorithm', t('fstat.by_algorithm'), algorithmChart, algorithmTable, !byAlgorithm.length),
    statSection('stat-year', t('fstat.by_year'), yearChart, yearTable, !byYear.length));
}
