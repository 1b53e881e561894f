// views/calendar.js: the legal working-day calendar that every deadline is
// counted on. The loaded years with their sources (GET /api/v1/calendar),
// one year's listed days (GET /api/v1/calendar/{year}), and, for the
// national administrator, loading or replacing a year from its CSV file
// (PUT /api/v1/calendar/{year}, text/csv); a refused file lists every bad row.

import { t, getLang } from '../i18n.js';
import { api } from '../api.js';
import { h, replace, show, time, table, field, formErrors, showProblem, clearProblem, busy, announce } from '../dom.js';
import { day, beijingToday } from '../ref.js';
import { csvRowsResult } from './csv.js';

const YEAR_RE = /^\d{4}$/;

function weekday(date) {
  const d = new Date(`${date}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return t('common.none');
  return new Intl.DateTimeFormat(getLang(), { weekday: 'short', timeZone: 'UTC' }).format(d);
}

export async function render(ctx, year) {
  if (year) return renderYear(ctx, year);
  const data = await api('GET', '/api/v1/calendar');
  if (!ctx.isCurrent()) return;
  const items = data.items || [];
  const list = items.length
    ? table({
      caption: t('cal.caption'),
      columns: [t('cal.year'), t('cal.source'), t('cal.days'), t('cal.loaded_at'), t('cal.loaded_by')],
      rows: items.map((y) => [h('a', { href: `#/calendar/${y.year}` }, String(y.year)), show(y.source), show(y.days), time(y.loaded_at), show(y.loaded_by)]),
      rowHeader: true,
      className: 'data calendar-years',
    })
    : h('p', { class: 'message-warn' }, t('cal.none'));
  const thisYear = Number(beijingToday().slice(0, 4));
  const missing = [thisYear, thisYear + 1].filter((y) => !items.some((x) => Number(x.year) === y));
  replace(ctx.view,
    h('h1', null, t('cal.heading')),
    h('p', { class: 'lead' }, t('cal.intro')),
    missing.length ? h('p', { class: 'message-warn', id: 'cal-missing' }, '⚠ ', t('cal.missing', { years: missing.join(t('common.list_sep')) })) : null,
    list,
    ctx.isAdmin ? uploadSection(ctx, thisYear + 1) : null);
}

function uploadSection(ctx, suggested) {
  const result = h('div', { id: 'cal-result' });
  const form = h('form', { id: 'cal-upload', novalidate: true },
    formErrors(),
    h('div', { class: 'inline wrap' },
      field({ name: 'year', id: 'cal-year', label: t('cal.year'), required: true, value: String(suggested), maxlength: 4, inputmode: 'numeric', pattern: '[0-9]{4}', autocomplete: 'off' }),
      h('div', { class: 'field' },
        h('label', { for: 'cal-file' }, t('cal.file')),
        h('input', { id: 'cal-file', name: 'file', type: 'file', accept: '.csv,text/csv', required: true })),
      h('div', { class: 'field' }, h('span', { class: 'label-spacer', 'aria-hidden': 'true' }, '\u00a0'),
        h('button', { type: 'submit', class: 'btn primary' }, t('cal.upload')))));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearProblem(form);
    result.replaceChildren();
    const year = form.elements.year.value.trim();
    const file = form.elements.file.files[0];
    if (!YEAR_RE.test(year)) {
      announce(showProblem(form, { detail: t('cal.bad_year'), errors: [{ field: 'year', message: t('cal.bad_year') }] }), 'error');
      return;
    }
    if (!file) {
      announce(showProblem(form, { detail: t('import.no_file'), errors: [] }), 'error');
      form.elements.file.focus();
      return;
    }
    await busy(form, async () => {
      const text = await file.text();
      try {
        await api('PUT', `/api/v1/calendar/${year}`, { body: text, contentType: 'text/csv' });
        ctx.flash(t('cal.loaded', { year }));
        ctx.navigate(`#/calendar/${year}`);
      } catch (err) {
        if (err.status === 401) return;
        if (!csvRowsResult(result, err, 'data import-errors calendar-errors')) announce(showProblem(form, err), 'error');
      }
    });
  });
  return h('section', { class: 'card', 'aria-labelledby': 'cal-upload-heading' },
    h('h2', { id: 'cal-upload-heading' }, t('cal.upload_heading')),
    h('p', { class: 'hint' }, t('cal.upload_intro'), ' ',
      h('a', { href: '/forms/calendar-template.csv', download: 'calendar-template.csv' }, t('cal.template'))),
    form, result);
}

async function renderYear(ctx, year) {
  const crumbs = h('p', { class: 'crumbs' }, h('a', { href: '#/calendar' }, t('cal.back')));
  let data;
  try {
    data = await api('GET', `/api/v1/calendar/${encodeURIComponent(year)}`);
  } catch (err) {
    if (err.status !== 404) throw err;
    if (!ctx.isCurrent()) return;
    ctx.view.replaceChildren(crumbs, h('h1', null, t('cal.year_heading', { year })),
      h('p', { class: 'message-error' }, t('cal.not_loaded', { year })));
    return;
  }
  if (!ctx.isCurrent()) return;
  const items = data.items || [];
  ctx.view.replaceChildren(crumbs,
    h('h1', null, t('cal.year_heading', { year: data.year || year })),
    h('p', null, h('span', { class: 'label' }, t('cal.source')), ' ', show(data.source)),
    h('p', { class: 'hint' }, t('cal.year_intro')),
    table({
      caption: t('cal.days_caption', { year: data.year || year }),
      columns: [t('cal.date'), t('cal.weekday'), t('cal.kind'), t('field.name')],
      rows: items.map((d) => [day(d.date), weekday(d.date),
        h('span', { class: d.kind === 'holiday' ? 'badge badge-err' : 'badge badge-info' }, t(`cal.kind.${d.kind}`)), show(d.name)]),
      rowHeader: true,
      className: 'data calendar-days',
    }));
}
