// views/filings.js: the annual sales filing (Notice 336 item IV, docs/api.md
// "The annual sales filing"). #/filings lists the filings of a year in the
// caller's scope with the year's deadline and its rule; an enterprise user
// also downloads the template and uploads the year's CSV file with
// XMLHttpRequest, whose upload progress events drive a <progress> bar, and
// sees the receipt (version, SM3, time, late flag, log entry) or every bad
// row of a refused file. #/filings/ID shows one version: its facts, the
// other versions, the events, the lines (buyers' identity numbers and
// contacts masked; an officer of the filing's bureau may reveal one line,
// giving a reason) and the actions its status allows for the caller.

import { t, bureauName } from '../i18n.js';
import { api, query, ApiError } from '../api.js';
import { h, replace, show, time, table, tableRow, dl, field, formErrors, formDialog, clearProblem, showProblem, busy, announce } from '../dom.js';
import { ruleCitation, showRuleProblem, beijingToday, sizeText } from '../ref.js';

const ENTERPRISE = 'enterprise_user';
const OFFICER = 'bureau_officer';
export const TEMPLATE_HREF = '/forms/sales-filing-template.csv';
export const TEMPLATE_HEADER = 'sale_date,certificate_number,product_model,quantity,buyer_type,buyer_name,buyer_uscc,buyer_id_type,buyer_id_number,buyer_address,buyer_contact,end_use';
// The first year offered: Notice 336 took effect on 2017-10-11.
const FIRST_YEAR = 2017;
const FILING_STATUSES = ['draft', 'submitted', 'accepted', 'returned'];
const STATUS_BADGE = { draft: 'off', submitted: 'info', accepted: 'ok', returned: 'warn' };
const LINES_PAGE = 50;

// ---- shared with views/filing_stats.js ------------------------------------------

// The year a filing is due for now: last year in Beijing.
export function defaultYear() {
  return Number(beijingToday().slice(0, 4)) - 1;
}

// The year from ?year=, or the default when it is missing or not a year.
export function yearParam(params) {
  const y = Number(params.get('year'));
  return Number.isInteger(y) && y >= 1971 && y <= 9998 ? y : defaultYear();
}

// Years that can be filed: every ended year back to 2017 (and the one asked
// for, should it be older).
export function yearOptions(selected) {
  const last = defaultYear();
  const out = [];
  for (let y = last; y >= Math.min(FIRST_YEAR, selected); y--) out.push([String(y), String(y)]);
  if (selected > last) out.unshift([String(selected), String(selected)]);
  return out;
}

export function filingStatusBadge(status) {
  return h('span', { class: `badge badge-${STATUS_BADGE[status] || 'off'}`, 'data-status': status }, filingStatusName(status));
}

export function filingStatusName(status) {
  const k = `filing.status.${status}`;
  return t(k) === k ? show(status) : t(k);
}

export function lateBadge() {
  return h('span', { class: 'badge badge-err late-badge' }, h('span', { class: 'badge-icon', 'aria-hidden': 'true' }, '⚠'), ' ', t('filing.late'));
}

export function bureauText(ctx, code) {
  if (!code) return t('common.none');
  const b = ctx.bureaus.get(code);
  return b ? `${bureauName(b)} (${code})` : code;
}

export function filingHref(id) {
  return `#/filings/${encodeURIComponent(id)}`;
}

// A transparency log entry: the log page that checks its receipt, and the
// receipt itself.
export function logLinks(index) {
  if (index === null || index === undefined) return document.createTextNode(t('common.none'));
  return h('span', { class: 'log-links' },
    h('a', { href: `/log.html?index=${encodeURIComponent(index)}`, class: 'log-verify' }, t('filing.log_entry', { n: index })), ' · ',
    h('a', { href: `/api/v1/log/receipt?index=${encodeURIComponent(index)}`, class: 'log-receipt', download: `receipt-${index}.txt` }, t('filing.receipt')));
}

// The SM3 digest, short in a table cell with the whole value in its title.
function hashCell(sm3) {
  return sm3 ? h('code', { class: 'hash', title: sm3 }, sm3) : document.createTextNode(t('common.none'));
}

function statusCell(f) {
  return h('span', { class: 'status-cell' }, filingStatusBadge(f.status), f.late ? [' ', lateBadge()] : null);
}

// ---- the deadline -------------------------------------------------------------

async function deadlineBox(year) {
  const box = h('section', { class: 'card', id: 'filing-deadline', 'aria-labelledby': 'filing-deadline-heading' },
    h('h2', { id: 'filing-deadline-heading' }, t('filing.deadline_heading', { year })));
  try {
    const d = await api('GET', `/api/v1/filings/deadline${query({ year })}`);
    const passed = d.due && beijingToday() > d.due;
    box.append(
      h('p', { class: 'deadline-line' },
        t('filing.deadline_text', { year }), ' ',
        h('time', { datetime: d.due, class: passed ? 'deadline overdue' : 'deadline', id: 'filing-due' }, d.due),
        passed ? [' ', h('span', { class: 'badge badge-warn' }, t('filing.deadline_passed'))] : null),
      d.rule ? h('p', { class: 'rule-basis' }, h('span', { class: 'label' }, t('rule.basis')), ' ', ruleCitation(d.rule)) : null,
      passed ? h('p', { class: 'hint' }, t('filing.deadline_passed_hint')) : null);
  } catch (err) {
    if (err.status === 401) throw err;
    box.append(h('p', { class: 'message-warn' }, '⚠ ', show(err.detail)));
  }
  return box;
}

// ---- the upload ---------------------------------------------------------------

// Sends the file as it is with XMLHttpRequest (fetch has no upload
// progress). Resolves {status, data}; rejects with an ApiError like api().
function sendFiling({ year, file, draft, token, onProgress, onXhr }) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/v1/filings/years/${encodeURIComponent(year)}${draft ? '?draft=1' : ''}`);
    xhr.setRequestHeader('Content-Type', 'text/csv');
    xhr.setRequestHeader('Accept', 'application/json');
    if (token) xhr.setRequestHeader('X-CSRF-Token', token);
    // Listeners on xhr.upload must be in place before send().
    xhr.upload.addEventListener('progress', (ev) => onProgress(ev.loaded, ev.lengthComputable ? ev.total : file.size));
    xhr.upload.addEventListener('load', () => onProgress(file.size, file.size));
    xhr.addEventListener('load', () => {
      let data = null;
      try { data = xhr.responseText ? JSON.parse(xhr.responseText) : null; } catch { data = null; }
      if (xhr.status >= 200 && xhr.status < 300) resolve({ status: xhr.status, data });
      else reject(new ApiError(xhr.status, data));
    });
    xhr.addEventListener('error', () => reject(new ApiError(0, null)));
    xhr.addEventListener('abort', () => {
      const e = new ApiError(0, { detail: t('filing.upload_cancelled') });
      e.aborted = true;
      reject(e);
    });
    if (onXhr) onXhr(xhr);
    xhr.send(file);
  });
}

// The receipt of an accepted upload.
function receivedBox(f, unchanged) {
  const draft = f.status === 'draft';
  const headingKey = unchanged ? 'filing.unchanged_heading' : draft ? 'filing.draft_saved_heading' : 'filing.received_heading';
  const heading = h('h2', { tabindex: '-1', id: 'filing-result-heading' }, t(headingKey));
  return h('section', { class: `card filing-receipt${unchanged ? ' is-unchanged' : ''}`, id: 'filing-receipt', 'aria-labelledby': 'filing-result-heading', 'data-unchanged': unchanged ? 'true' : null },
    heading,
    unchanged ? h('p', { class: 'message-warn', id: 'filing-unchanged' }, t('filing.unchanged_text', { version: f.version })) : null,
    dl([
      [t('filing.year'), String(f.year)],
      [t('filing.version'), h('a', { href: filingHref(f.id), id: 'filing-receipt-version' }, t('filing.version_n', { n: f.version }))],
      [t('field.status'), statusCell(f)],
      [t('filing.sm3'), h('code', { class: 'hash-full', id: 'filing-receipt-sm3' }, show(f.sm3))],
      [t('filing.size'), `${sizeText(f.bytes)} · ${show(f.encoding)}`],
      [t('filing.lines'), f.nil_return ? t('filing.nil_return') : t('filing.lines_quantity', { lines: f.lines, quantity: f.total_quantity })],
      [t('filing.submitted_at'), f.submitted_at ? time(f.submitted_at) : t('filing.not_submitted')],
      [t('filing.late_label'), h('span', { id: 'filing-receipt-late' }, f.late ? lateBadge() : t('filing.on_time'))],
      [t('filing.log'), h('span', { id: 'filing-receipt-log' }, logLinks(f.log_index))],
    ], 'fields receipt-fields'),
    draft ? h('p', { class: 'hint' }, t('filing.draft_hint')) : null);
}

// Every bad row of a refused file, in file order.
function problemsBox(err) {
  const heading = h('h2', { tabindex: '-1', id: 'filing-result-heading' }, t('filing.invalid_heading', { n: err.rows.length }));
  return h('section', { class: 'card filing-problems', id: 'filing-problems', 'aria-labelledby': 'filing-result-heading' },
    heading,
    h('p', { class: 'message-error', id: 'filing-problems-detail' }, show(err.detail)),
    table({
      caption: t('filing.problems_caption'),
      columns: [t('import.line'), t('import.column'), t('import.message'), t('filing.hint')],
      rows: err.rows.map((r) => [String(r.line ?? ''), r.column ? h('code', null, r.column) : t('filing.whole_line'), show(r.message), show(r.hint)]),
      rowHeader: true,
      className: 'data import-errors filing-errors',
    }));
}

function uploadCard(ctx, year, onUploaded) {
  const result = h('div', { id: 'filing-result' });
  const bar = h('progress', { id: 'filing-progress', max: '1', value: '0', 'aria-labelledby': 'filing-progress-label' });
  const barText = h('span', { id: 'filing-progress-text', class: 'muted' });
  const progressBox = h('div', { class: 'upload-progress', hidden: true },
    h('span', { id: 'filing-progress-label', class: 'label' }, t('filing.progress')), ' ', bar, ' ', barText);
  const cancel = h('button', { type: 'button', class: 'btn', hidden: true, id: 'filing-cancel' }, t('filing.cancel_upload'));
  const form = h('form', { id: 'filing-upload', novalidate: true },
    formErrors(),
    h('div', { class: 'field' },
      h('label', { for: 'filing-file' }, t('filing.file'), h('span', { class: 'req' }, ` ${t('common.required')}`)),
      h('input', { id: 'filing-file', name: 'file', type: 'file', accept: '.csv,text/csv', required: true, 'aria-describedby': 'filing-file-hint' }),
      h('p', { class: 'hint', id: 'filing-file-hint' }, t('filing.file_hint'))),
    h('div', { class: 'field check-field' },
      h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'draft', id: 'filing-draft' }), ' ', t('filing.keep_draft')),
      h('p', { class: 'hint' }, t('filing.keep_draft_hint'))),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'btn primary' }, t('filing.upload', { year })),
      cancel),
    progressBox);

  let xhr = null;
  cancel.addEventListener('click', () => { if (xhr) xhr.abort(); });

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearProblem(form);
    result.replaceChildren();
    const file = form.elements.file.files[0];
    if (!file) {
      announce(showProblem(form, { detail: t('filing.no_file'), errors: [] }), 'error');
      form.elements.file.focus();
      return;
    }
    const draft = form.elements.draft.checked;
    await busy(form, async () => {
      // The token the console holds is in api.js; the session answer repeats it.
      let token;
      try {
        token = (await api('GET', '/api/v1/session')).csrf_token;
      } catch (err) {
        if (err.status !== 401) announce(showProblem(form, err), 'error');
        return;
      }
      bar.max = Math.max(file.size, 1);
      bar.value = 0;
      barText.textContent = t('filing.progress_of', { done: sizeText(0), total: sizeText(file.size) });
      progressBox.hidden = false;
      cancel.hidden = false;
      cancel.disabled = false;
      announce(t('filing.uploading', { name: file.name }));
      try {
        const { status, data } = await sendFiling({
          year, file, draft, token,
          onXhr: (x) => { xhr = x; },
          onProgress: (loaded, total) => {
            bar.max = Math.max(total, 1);
            bar.value = Math.min(loaded, total);
            barText.textContent = t('filing.progress_of', { done: sizeText(loaded), total: sizeText(total) });
          },
        });
        bar.value = bar.max;
        const unchanged = status === 200 && data && data.unchanged === true;
        const box = receivedBox(data, unchanged);
        result.append(box);
        form.reset();
        announce(unchanged ? t('filing.unchanged_heading')
          : t(data.status === 'draft' ? 'filing.draft_saved' : 'filing.received', { version: data.version, sm3: data.sm3 }), unchanged ? 'warn' : 'success');
        box.querySelector('h2').focus();
        await onUploaded();
      } catch (err) {
        if (err.status === 401) {
          // Let the console notice the lost session and show the login form.
          api('GET', '/api/v1/session').catch(() => {});
          return;
        }
        if (err.code === 'filing_invalid' && err.rows.length) {
          const box = problemsBox(err);
          result.append(box);
          announce(`${t('filing.invalid_heading', { n: err.rows.length })} ${err.detail}`, 'error');
          box.querySelector('h2').focus();
        } else {
          announce(showRuleProblem(form, err), 'error');
        }
      } finally {
        xhr = null;
        cancel.hidden = true;
      }
    });
  });

  return h('section', { class: 'card', id: 'filing-upload-card', 'aria-labelledby': 'filing-upload-heading' },
    h('h2', { id: 'filing-upload-heading' }, t('filing.upload_heading', { year })),
    h('p', null, t('filing.upload_intro')),
    h('p', null, h('a', { href: TEMPLATE_HREF, download: 'sales-filing-template.csv', class: 'btn', id: 'filing-template' }, t('filing.template'))),
    h('p', { class: 'hint' }, h('span', { class: 'label' }, t('import.header_label')), ' ', h('code', { class: 'csv-header' }, TEMPLATE_HEADER)),
    form,
    result);
}

// ---- the list -----------------------------------------------------------------

export async function renderList(ctx, params) {
  const own = ctx.user.role === ENTERPRISE;
  const year = yearParam(params);
  const state = {
    status: FILING_STATUSES.includes(params.get('status')) ? params.get('status') : '',
    bureau: ctx.isAdmin ? params.get('bureau') || '' : '',
    items: [],
    next: null,
  };
  const deadline = await deadlineBox(year);
  if (!ctx.isCurrent()) return;

  const filter = h('form', { id: 'filing-filter', class: 'search-form card filters', novalidate: true },
    h('div', { class: 'inline wrap' },
      field({ name: 'year', id: 'filing-year', label: t('filing.year'), value: String(year), options: yearOptions(year) }),
      own ? null : field({
        name: 'status', id: 'filing-status', label: t('field.status'), value: state.status,
        options: [['', t('common.all')], ...FILING_STATUSES.map((s) => [s, filingStatusName(s)])],
      }),
      ctx.isAdmin ? field({
        name: 'bureau', id: 'filing-bureau', label: t('ent.bureau_filter'), value: state.bureau,
        options: [['', t('ent.all_bureaus')], ...[...ctx.bureaus.values()].map((b) => [b.code, `${b.code} ${bureauName(b)}`])],
      }) : null,
      h('div', { class: 'field' }, h('span', { class: 'label-spacer', 'aria-hidden': 'true' }, '\u00a0'),
        h('button', { type: 'submit', class: 'btn primary' }, t('filing.show')))));
  filter.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const q = { year: filter.elements.year.value };
    if (filter.elements.status) q.status = filter.elements.status.value;
    if (filter.elements.bureau) q.bureau = filter.elements.bureau.value;
    ctx.navigate(`#/filings${query(q)}`);
  });

  const summary = h('p', { class: 'muted', id: 'filing-summary' });
  const results = h('div', { id: 'filing-results' });
  const more = h('button', { type: 'button', class: 'btn', hidden: true }, t('common.load_more'));

  function draw() {
    results.replaceChildren();
    if (!state.items.length) {
      summary.textContent = t(own ? 'filing.none_own' : 'filing.none', { year });
      more.hidden = true;
      return;
    }
    summary.textContent = t(state.next ? 'common.showing_more' : 'common.showing', { n: state.items.length });
    const cols = [t('filing.version')];
    if (!own) cols.push(t('product.enterprise'), t('field.bureau'));
    cols.push(t('field.status'), t('filing.lines'), t('filing.quantity'), t('filing.submitted_at'), t('filing.sm3'), t('filing.log'));
    results.append(table({ caption: t('filing.caption', { year }), columns: cols, rows: [], className: 'data filings' }));
    const tbody = results.querySelector('tbody');
    for (const f of state.items) {
      const cells = [h('a', { href: filingHref(f.id) }, t('filing.version_n', { n: f.version }))];
      if (!own) {
        cells.push(h('span', null, show(f.enterprise_name), h('br'), h('span', { class: 'mono muted' }, show(f.uscc))),
          bureauText(ctx, f.bureau_code));
      }
      cells.push(statusCell(f), f.nil_return ? t('filing.nil_return_short') : String(f.lines ?? ''), String(f.total_quantity ?? ''),
        f.submitted_at ? time(f.submitted_at) : h('span', { class: 'muted' }, t('filing.not_submitted')),
        hashCell(f.sm3), logLinks(f.log_index));
      const row = tableRow(cells, true);
      row.dataset.uscc = f.uscc;
      if (f.late) row.classList.add('row-overdue');
      tbody.append(row);
    }
    more.hidden = !state.next;
  }

  async function load(cursor) {
    const data = await api('GET', `/api/v1/filings${query({ year, status: state.status, bureau: state.bureau, cursor })}`);
    if (!ctx.isCurrent()) return;
    state.items = cursor ? state.items.concat(data.items || []) : (data.items || []);
    state.next = data.next_cursor || null;
    draw();
  }

  more.addEventListener('click', async () => {
    const firstNew = state.items.length;
    try { await load(state.next); } catch (err) { announce(t('common.error', { detail: err.detail }), 'error'); return; }
    results.querySelectorAll('tbody tr')[firstNew]?.querySelector('a')?.focus();
  });

  const staffLinks = own ? null : h('p', { class: 'filing-links' },
    h('a', { href: `#/filings/status${query({ year })}` }, t('console.menu.filing_status')),
    ctx.isAdmin || ctx.user.role === OFFICER ? [' · ', h('a', { href: `#/filings/statistics${query({ year })}` }, t('console.menu.filing_statistics'))] : null);

  replace(ctx.view,
    h('h1', null, t(own ? 'filing.own_heading' : 'filing.heading')),
    h('p', { class: 'lead' }, t(own ? 'filing.own_intro' : 'filing.intro')),
    staffLinks,
    filter,
    deadline,
    own ? uploadCard(ctx, year, () => load(null)) : null,
    h('section', { class: 'card', 'aria-labelledby': 'filing-list-heading' },
      h('h2', { id: 'filing-list-heading' }, t(own ? 'filing.own_list_heading' : 'filing.list_heading', { year })),
      summary, results, h('p', null, more)));

  await load(null);
}

// ---- one version --------------------------------------------------------------

const ACTIONS = {
  submit: { fields: [], danger: false },
  accept: { fields: ['note'], danger: false },
  return: { fields: ['reason'], danger: true },
};

function filingPath(id) {
  return `/api/v1/filings/${encodeURIComponent(id)}`;
}

function eventsTable(f) {
  const events = f.events || [];
  if (!events.length) return h('p', { class: 'muted' }, t('filing.no_events'));
  const st = (s) => (s ? filingStatusBadge(s) : t('common.none'));
  return table({
    caption: t('filing.events_caption'),
    columns: [t('audit.at'), t('audit.actor'), t('audit.action'), t('filing.transition'), t('field.reason')],
    rows: events.map((e) => [
      time(e.at), show(e.actor),
      t(`filing.event.${e.action}`) === `filing.event.${e.action}` ? show(e.action) : t(`filing.event.${e.action}`),
      h('span', null, st(e.from_status), ' → ', st(e.to_status)),
      h('span', { class: 'prewrap' }, show(e.reason)),
    ]),
    className: 'data events',
  });
}

function versionsTable(f) {
  const versions = f.versions || [];
  return table({
    caption: t('filing.versions_caption'),
    columns: [t('filing.version'), t('field.status'), t('filing.received_at'), t('filing.submitted_at'), t('filing.lines'), t('filing.sm3'), t('filing.log')],
    rows: versions.map((v) => [
      v.id === f.id
        ? h('span', { 'aria-current': 'page', class: 'current-version' }, t('filing.version_n', { n: v.version }), ' ', h('span', { class: 'tag' }, t('filing.this_version')))
        : h('a', { href: filingHref(v.id) }, t('filing.version_n', { n: v.version })),
      h('span', null, filingStatusBadge(v.status), v.late ? [' ', lateBadge()] : null),
      time(v.received_at), v.submitted_at ? time(v.submitted_at) : t('common.none'), String(v.lines ?? ''), hashCell(v.sm3), logLinks(v.log_index),
    ]),
    rowHeader: true,
    className: 'data versions',
  });
}

function factsList(ctx, f) {
  const staff = ctx.user.role !== ENTERPRISE;
  return dl([
    [t('product.enterprise'), h('span', null, show(f.enterprise_name), ' ',
      staff ? h('a', { class: 'mono', href: `#/enterprises/${encodeURIComponent(f.uscc)}` }, f.uscc) : h('span', { class: 'mono' }, show(f.uscc)))],
    [t('field.bureau'), bureauText(ctx, f.bureau_code)],
    [t('filing.year'), String(f.year)],
    [t('filing.version'), t('filing.version_n', { n: f.version })],
    [t('field.status'), statusCell(f)],
    [t('filing.lines'), f.nil_return ? t('filing.nil_return') : t('filing.lines_quantity', { lines: f.lines, quantity: f.total_quantity })],
    [t('filing.sm3'), h('code', { class: 'hash-full', id: 'filing-sm3' }, show(f.sm3))],
    [t('filing.size'), `${sizeText(f.bytes)} · ${show(f.encoding)}`],
    [t('filing.received_at'), h('span', null, time(f.received_at), ' ', h('span', { class: 'muted' }, show(f.received_by)))],
    [t('filing.submitted_at'), f.submitted_at ? time(f.submitted_at) : t('filing.not_submitted')],
    [t('filing.due_on'), f.due_on ? h('time', { datetime: f.due_on }, f.due_on) : t('common.none')],
    [t('filing.late_label'), f.late ? lateBadge() : (f.submitted_at ? t('filing.on_time') : t('common.none'))],
    [t('filing.log'), logLinks(f.log_index)],
    [t('filing.decided'), f.decided_at ? h('span', null, time(f.decided_at), ' ', h('span', { class: 'muted' }, show(f.decided_by))) : t('common.none')],
    [t('field.reason'), h('span', { class: 'prewrap' }, show(f.reason))],
  ]);
}

export async function renderDetail(ctx, id) {
  const back = (year) => h('p', { class: 'crumbs' }, h('a', { href: `#/filings${year ? query({ year }) : ''}` }, t('filing.back')));
  let f;
  try {
    f = await api('GET', filingPath(id));
  } catch (err) {
    if (err.status !== 404) throw err;
    if (!ctx.isCurrent()) return;
    replace(ctx.view, back(null), h('h1', null, t('filing.detail_heading')), h('p', { class: 'message-error' }, t('filing.not_found')));
    return;
  }
  if (!ctx.isCurrent()) return;
  const role = ctx.user.role;
  const canReveal = role === OFFICER && ctx.user.bureau_code === f.bureau_code;
  const lines = { items: [], next: null, revealed: new Map() };

  function allowedActions() {
    if (!f.current) return [];
    if (role === ENTERPRISE && f.uscc === ctx.user.enterprise_uscc) return f.status === 'draft' ? ['submit'] : [];
    if (ctx.isAdmin || (role === OFFICER && ctx.user.bureau_code === f.bureau_code)) return f.status === 'submitted' ? ['accept', 'return'] : [];
    return [];
  }

  function openAction(action) {
    const formId = `filing-act-${action}`;
    const fields = [];
    if (ACTIONS[action].fields.includes('note')) {
      fields.push(field({ name: 'reason', id: `${formId}-reason`, label: t('filing.note'), textarea: true, rows: 3, maxlength: 500 }));
    } else if (ACTIONS[action].fields.includes('reason')) {
      fields.push(field({ name: 'reason', id: `${formId}-reason`, label: t('field.reason'), required: true, textarea: true, rows: 4, maxlength: 500, hint: t('filing.return_hint') }));
    }
    formDialog({
      id: formId,
      title: t(`filing.act.${action}`),
      intro: t(`filing.intro.${action}`, { year: f.year, version: f.version }),
      fields,
      submitLabel: t(`filing.act.${action}`),
      danger: ACTIONS[action].danger,
      onSubmit: async (form) => {
        const body = {};
        if (form.elements.reason) {
          const v = form.elements.reason.value.trim();
          if (v || action === 'return') body.reason = v;
        }
        // submit takes no body; accept and return take {reason}.
        f = await api('POST', `${filingPath(f.id)}/${action}`, action === 'submit' ? {} : { json: body });
        if (!ctx.isCurrent()) return;
        drawHead();
        announce(t('filing.done', { action: t(`filing.act.${action}`) }), 'success');
      },
      afterSuccess: () => {
        const target = ctx.view.querySelector('h1');
        if (target) { target.setAttribute('tabindex', '-1'); target.focus(); }
      },
    });
  }

  function openReveal(lineNo, button) {
    const formId = `filing-reveal-${lineNo}`;
    formDialog({
      id: formId,
      title: t('filing.reveal_title', { line: lineNo }),
      intro: t('filing.reveal_intro'),
      fields: [field({ name: 'reason', id: `${formId}-reason`, label: t('field.reason'), required: true, textarea: true, rows: 3, maxlength: 500 })],
      submitLabel: t('filing.reveal'),
      onSubmit: async (form) => {
        const reason = form.elements.reason.value.trim();
        const res = await api('POST', `${filingPath(f.id)}/lines/${encodeURIComponent(lineNo)}/reveal`, { json: { reason } });
        lines.revealed.set(lineNo, res);
        const row = button.closest('tr');
        if (row) fillRevealed(row, res);
        announce(t('filing.revealed', { line: lineNo }), 'success');
      },
      afterSuccess: () => {
        const row = ctx.view.querySelector(`tr[data-line="${CSS.escape(String(lineNo))}"]`);
        const target = row && row.querySelector('th');
        if (target) { target.setAttribute('tabindex', '-1'); target.focus(); }
      },
    });
  }

  const LINE_COLS = ['line', 'sale_date', 'certificate_number', 'product_model', 'quantity', 'buyer_type', 'buyer_name', 'buyer_uscc',
    'buyer_id_type', 'buyer_id_number', 'buyer_address', 'buyer_contact', 'end_use'];

  function clearCell(value) {
    return h('span', { class: 'revealed' }, show(value), ' ', h('span', { class: 'tag tag-revealed' }, t('filing.clear_value')));
  }

  function fillRevealed(row, res) {
    const idCell = row.querySelector('[data-col="buyer_id_number"]');
    const contactCell = row.querySelector('[data-col="buyer_contact"]');
    if (idCell) replace(idCell, clearCell(res.buyer_id_number));
    if (contactCell) replace(contactCell, clearCell(res.buyer_contact));
    const actionCell = row.querySelector('[data-col="reveal"]');
    if (actionCell) replace(actionCell, h('span', { class: 'muted' }, t('filing.revealed_short')));
    row.classList.add('row-revealed');
  }

  function lineRow(l) {
    const cellFor = (col) => {
      const v = l[col];
      if (col === 'buyer_type') return v ? t(`filing.buyer.${v}`) : t('common.none');
      if (col === 'buyer_id_type') return v ? t(`filing.idtype.${v}`) : t('common.none');
      if (['certificate_number', 'product_model', 'buyer_uscc', 'buyer_id_number', 'buyer_contact', 'sale_date'].includes(col)) {
        return v ? h('span', { class: 'mono' }, v) : t('common.none');
      }
      return show(v);
    };
    const row = h('tr', { 'data-line': String(l.line) },
      h('th', { scope: 'row' }, String(l.line)),
      LINE_COLS.slice(1).map((c) => h('td', { 'data-col': c }, cellFor(c))),
      canReveal ? h('td', { 'data-col': 'reveal' }) : null);
    if (canReveal) {
      const hasProtected = (l.buyer_id_number || '') !== '' || (l.buyer_contact || '') !== '';
      const btn = h('button', { type: 'button', class: 'btn small', 'aria-label': t('filing.reveal_line', { line: l.line }) }, t('filing.reveal'));
      btn.addEventListener('click', () => openReveal(l.line, btn));
      replace(row.lastChild, hasProtected ? btn : h('span', { class: 'muted' }, t('common.none')));
    }
    if (lines.revealed.has(l.line)) fillRevealed(row, lines.revealed.get(l.line));
    return row;
  }

  const linesSummary = h('p', { class: 'muted', id: 'filing-lines-summary' });
  const linesBox = h('div', { id: 'filing-lines' });
  const more = h('button', { type: 'button', class: 'btn', hidden: true, id: 'filing-lines-more' }, t('common.load_more'));

  function drawLines() {
    linesBox.replaceChildren();
    if (!lines.items.length) {
      linesSummary.textContent = f.nil_return ? t('filing.nil_return') : t('filing.no_lines');
      more.hidden = true;
      return;
    }
    linesSummary.textContent = t(lines.next ? 'filing.lines_shown_more' : 'filing.lines_shown', { n: lines.items.length, total: f.lines });
    const cols = LINE_COLS.map((c) => t(`filing.col.${c}`));
    if (canReveal) cols.push(t('common.actions'));
    linesBox.append(table({ caption: t('filing.lines_caption'), columns: cols, rows: [], className: 'data filing-lines' }));
    const tbody = linesBox.querySelector('tbody');
    for (const l of lines.items) tbody.append(lineRow(l));
    more.hidden = !lines.next;
  }

  async function loadLines(cursor) {
    const data = await api('GET', `${filingPath(f.id)}/lines${query({ limit: LINES_PAGE, cursor })}`);
    if (!ctx.isCurrent()) return;
    lines.items = cursor ? lines.items.concat(data.items || []) : (data.items || []);
    lines.next = data.next_cursor || null;
    drawLines();
  }

  more.addEventListener('click', async () => {
    const firstNew = lines.items.length;
    try { await loadLines(lines.next); } catch (err) { announce(t('common.error', { detail: err.detail }), 'error'); return; }
    const th = linesBox.querySelectorAll('tbody tr')[firstNew]?.querySelector('th');
    if (th) { th.setAttribute('tabindex', '-1'); th.focus(); }
  });

  const head = h('div', { id: 'filing-head' });
  function drawHead() {
    const actions = allowedActions();
    replace(head,
      h('h1', null, t('filing.detail_title', { name: f.enterprise_name || f.uscc, year: f.year, version: f.version }), ' ', filingStatusBadge(f.status),
        f.late ? [' ', lateBadge()] : null),
      f.current ? null : h('p', { class: 'card notice', id: 'filing-superseded' }, t('filing.superseded'), ' ',
        (f.versions || [])[0] ? h('a', { href: filingHref(f.versions[0].id) }, t('filing.latest_version', { n: f.versions[0].version })) : null),
      actions.length ? h('section', { class: 'card actions-card', 'aria-labelledby': 'filing-actions-heading' },
        h('h2', { id: 'filing-actions-heading', tabindex: '-1' }, t('filing.actions_heading')),
        h('div', { class: 'actions', id: 'filing-actions' }, actions.map((a) => h('button', {
          type: 'button', class: ACTIONS[a].danger ? 'btn danger' : 'btn', 'data-action': a, onclick: () => openAction(a),
        }, t(`filing.act.${a}`))))) : null,
      h('section', { class: 'card', 'aria-labelledby': 'filing-facts-heading', id: 'filing-facts' },
        h('h2', { id: 'filing-facts-heading' }, t('filing.facts_heading')), factsList(ctx, f)),
      h('section', { class: 'card', 'aria-labelledby': 'filing-versions-heading', id: 'filing-versions' },
        h('h2', { id: 'filing-versions-heading' }, t('filing.versions_heading')), versionsTable(f)),
      h('section', { class: 'card', 'aria-labelledby': 'filing-events-heading', id: 'filing-events' },
        h('h2', { id: 'filing-events-heading' }, t('filing.events_heading')), eventsTable(f)));
  }

  drawHead();
  replace(ctx.view,
    back(f.year),
    head,
    h('section', { class: 'card', 'aria-labelledby': 'filing-lines-heading' },
      h('h2', { id: 'filing-lines-heading' }, t('filing.lines_heading')),
      h('p', { class: 'hint' }, t(canReveal ? 'filing.masked_hint_reveal' : 'filing.masked_hint')),
      linesSummary, linesBox, h('p', null, more)));
  await loadLines(null);
}
