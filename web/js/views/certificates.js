// views/certificates.js: the console's certificate pages. The scoped registry
// list (GET /api/v1/registry/certificates) filtered by status, one
// certificate with its status history (GET /api/v1/certificates/{number}),
// the status change of officers and the national administrator (POST
// .../status, with a reason; legacy documents of the removed items cannot be
// altered, Notice 336 item II), and the CSV import of legacy documents
// (POST /api/v1/certificates/legacy/import), which lists every bad row.

import { t, bureauName, certStatusName } from '../i18n.js';
import { api, query, looksLikeUscc } from '../api.js';
import { h, replace, show, time, table, tableRow, dl, field, formErrors, clearProblem, busy, announce, showProblem } from '../dom.js';
import {
  getReference, categoryName, itemName, algorithmsText, certStatusBadge, ruleCitation, showRuleProblem,
  day, certificatePageHref, beijingToday,
} from '../ref.js';
import { csvRowsResult } from './csv.js';

export const CERT_STATUSES = ['valid', 'suspended', 'revoked', 'expired', 'not_yet_valid'];
const SETTABLE = ['valid', 'suspended', 'revoked'];
export const LEGACY_HEADER = 'kind,number,holder_uscc,product_name,product_model,issued_on,expires_on';

function bureauText(ctx, code) {
  if (!code) return t('common.none');
  const b = ctx.bureaus.get(code);
  return b ? `${bureauName(b)} (${code})` : code;
}

function certPath(number) {
  return `/api/v1/certificates/${encodeURIComponent(number)}`;
}

// ---- list -------------------------------------------------------------------

export async function renderList(ctx, params) {
  const own = ctx.user.role === 'enterprise_user';
  const ref = await getReference();
  if (!ctx.isCurrent()) return;
  const state = { status: params.get('status') || '', holder: params.get('holder') || '', bureau: params.get('bureau') || '', items: [], next: null };
  const results = h('div', { id: 'cert-results' });
  const summary = h('p', { class: 'muted', id: 'cert-summary' });
  const more = h('button', { type: 'button', class: 'btn', hidden: true }, t('common.load_more'));
  const form = h('form', { id: 'cert-filter', class: 'search-form card filters', novalidate: true },
    h('div', { class: 'inline wrap' },
      field({ name: 'status', id: 'cert-status-filter', label: t('field.status'), value: state.status,
        options: [['', t('common.all')], ...CERT_STATUSES.map((s) => [s, certStatusName(s)])] }),
      own ? null : field({ name: 'holder', id: 'cert-holder-filter', label: t('cert.holder_uscc'), value: state.holder, maxlength: 18, autocomplete: 'off', spellcheck: 'false' }),
      ctx.isAdmin ? field({
        name: 'bureau', id: 'cert-bureau-filter', label: t('cert.bureau'), value: state.bureau,
        options: [['', t('ent.all_bureaus')], ...[...ctx.bureaus.values()].map((b) => [b.code, `${b.code} ${bureauName(b)}`])],
      }) : null,
      h('div', { class: 'field' }, h('span', { class: 'label-spacer', 'aria-hidden': 'true' }, '\u00a0'),
        h('button', { type: 'submit', class: 'btn primary' }, t('audit.filter')))));

  ctx.view.replaceChildren(
    h('div', { class: 'page-head' },
      h('h1', null, t(own ? 'cert.own_heading' : 'cert.list_heading')),
      ctx.canManage ? h('div', { class: 'actions' }, h('a', { class: 'btn', href: '#/certificates/import' }, t('cert.import'))) : null),
    form, summary, results, h('p', null, more));

  function render() {
    results.replaceChildren();
    if (!state.items.length) { summary.textContent = t('cert.none'); more.hidden = true; return; }
    summary.textContent = t(state.next ? 'common.showing_more' : 'common.showing', { n: state.items.length });
    const cols = [t('field.number'), t('cert.kind'), t('field.product'), t('cert.holder'), t('field.bureau'), t('cert.issued_on'), t('cert.expires_on'), t('field.status')];
    results.append(table({ caption: t('cert.caption'), columns: cols, rows: [], className: 'data certificates' }));
    const tbody = results.querySelector('tbody');
    for (const c of state.items) {
      const p = c.product || {};
      const holder = c.holder || {};
      tbody.append(tableRow([
        h('a', { class: 'mono', href: `#/certificates/${encodeURIComponent(c.number)}` }, c.number),
        h('span', null, itemName(ref, c.kind), c.legacy ? [' ', h('span', { class: 'tag' }, t('cert.legacy'))] : null),
        h('span', null, show(p.name), p.model ? [h('br'), h('span', { class: 'mono muted' }, p.model)] : null),
        h('span', null, show(holder.name), h('br'), h('span', { class: 'mono muted' }, show(holder.uscc))),
        bureauText(ctx, c.bureau_code), day(c.issued_on), day(c.expires_on), certStatusBadge(c.status),
      ], true));
    }
    more.hidden = !state.next;
  }

  async function load(cursor) {
    const q = { status: state.status, holder: own ? '' : state.holder, bureau: ctx.isAdmin ? state.bureau : '', cursor };
    const data = await api('GET', `/api/v1/registry/certificates${query(q)}`);
    if (!ctx.isCurrent()) return;
    state.items = cursor ? state.items.concat(data.items || []) : (data.items || []);
    state.next = data.next_cursor || null;
    render();
  }

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    state.status = form.elements.status.value;
    let holder = form.elements.holder ? form.elements.holder.value.trim() : '';
    if (looksLikeUscc(holder)) holder = holder.toUpperCase();
    state.holder = holder;
    state.bureau = form.elements.bureau ? form.elements.bureau.value : '';
    history.replaceState(null, '', `#/certificates${query({ status: state.status, holder: state.holder, bureau: state.bureau })}`);
    await busy(form, async () => {
      try {
        await load(null);
        announce(summary.textContent);
      } catch (err) {
        announce(t('common.error', { detail: err.detail }), 'error');
      }
    });
  });

  more.addEventListener('click', async () => {
    const firstNew = state.items.length;
    try { await load(state.next); } catch (err) { announce(t('common.error', { detail: err.detail }), 'error'); return; }
    results.querySelectorAll('tbody tr')[firstNew]?.querySelector('a')?.focus();
  });

  await load(null);
}

// ---- detail -------------------------------------------------------------------

export function certificateFields(ref, c, bureauLabel) {
  const p = c.product || {};
  const holder = c.holder || {};
  return dl([
    [t('field.number'), h('span', { class: 'mono' }, c.number)],
    [t('cert.kind'), h('span', null, itemName(ref, c.kind), c.legacy ? [' ', h('span', { class: 'tag' }, t('cert.legacy'))] : null)],
    [t('cert.status_on', { date: c.status_on || beijingToday() }), certStatusBadge(c.status)],
    [t('field.product'), show(p.name)],
    [t('field.model'), h('span', { class: 'mono' }, show(p.model))],
    [t('field.category'), p.category ? categoryName(ref, p.category) : t('common.none')],
    [t('field.algorithms'), algorithmsText(p.algorithms)],
    [t('cert.holder'), show(holder.name)],
    [t('field.uscc'), h('span', { class: 'mono' }, show(holder.uscc))],
    [t('cert.bureau'), bureauLabel(c.bureau_code)],
    [t('cert.issued_on'), day(c.issued_on)],
    [t('cert.expires_on'), day(c.expires_on)],
    [t('cert.key_id'), c.key_id ? h('span', { class: 'mono' }, c.key_id) : t('cert.unsigned')],
  ]);
}

// Each status change is a public act in the transparency log: its receipt can be
// downloaded, or verified in the browser on the log page.
function receiptLinks(index) {
  if (!Number.isInteger(index)) return h('span', { class: 'muted' }, '—');
  return h('span', {},
    h('a', { href: `/log.html?index=${index}` }, `${t('cert.verify_receipt')} #${index}`), ' · ',
    h('a', { href: `/api/v1/log/receipt?index=${index}`, download: `receipt-${index}.txt` }, t('cert.download_receipt')));
}

export function historyTable(c) {
  const list = c.history || [];
  if (!list.length) return h('p', { class: 'muted' }, t('cert.no_history'));
  return table({
    caption: t('cert.history_caption'),
    columns: [t('cert.effective_on'), t('field.status'), t('field.reason'), t('cert.recorded_at'), t('cert.log_receipt')],
    rows: list.map((x) => [day(x.on), certStatusBadge(x.status), h('span', { class: 'prewrap' }, show(x.reason)), time(x.at), receiptLinks(x.log_index)]),
    rowHeader: true,
    className: 'data history',
  });
}

// The rule that legacy documents are not altered (Notice 336 item II) from
// GET /api/v1/rules?all=1, or null. There are several legacy rules (halted
// applications, validity until expiry); the no-alteration one is wanted.
async function legacyRule() {
  try {
    const items = (await api('GET', `/api/v1/rules${query({ all: 1 })}`)).items || [];
    const legacy = items.filter((r) => r.kind === 'legacy');
    return legacy.find((r) => r.id === 'legacy.no_alteration') ||
      legacy.find((r) => /alter/i.test(r.title_en || '') || /变更/.test(r.title_zh || '')) || null;
  } catch {
    return null;
  }
}

export async function renderDetail(ctx, number) {
  let c;
  let ref;
  try {
    [c, ref] = await Promise.all([api('GET', certPath(number)), getReference()]);
  } catch (err) {
    if (err.status !== 404) throw err;
    if (!ctx.isCurrent()) return;
    ctx.view.replaceChildren(
      h('p', { class: 'crumbs' }, h('a', { href: '#/certificates' }, t('cert.back_to_list'))),
      h('h1', null, t('cert.detail_heading')),
      h('p', { class: 'message-error' }, t('cert.not_found')));
    return;
  }
  const rule = c.legacy ? await legacyRule() : null;
  if (!ctx.isCurrent()) return;

  const fieldsBox = h('section', { class: 'card', 'aria-labelledby': 'cert-fields-heading' },
    h('h2', { id: 'cert-fields-heading' }, t('cert.detail_heading')), certificateFields(ref, c, (code) => bureauText(ctx, code)));
  const historyBox = h('section', { class: 'card', 'aria-labelledby': 'cert-history-heading' },
    h('h2', { id: 'cert-history-heading' }, t('cert.history_heading')), historyTable(c));
  const heading = h('h1', null, t('cert.detail_title', { number: c.number }), ' ', certStatusBadge(c.status));

  const redraw = () => {
    fieldsBox.replaceChildren(fieldsBox.firstChild, certificateFields(ref, c, (code) => bureauText(ctx, code)));
    historyBox.replaceChildren(historyBox.firstChild, historyTable(c));
    heading.replaceChildren(t('cert.detail_title', { number: c.number }), ' ', certStatusBadge(c.status));
  };

  const parts = [
    h('p', { class: 'crumbs' }, h('a', { href: '#/certificates' }, t('cert.back_to_list'))),
    h('div', { class: 'page-head' }, heading,
      h('div', { class: 'actions' }, h('a', { class: 'btn', href: certificatePageHref(c.number), id: 'cert-printable' }, t('cert.printable')))),
    c.application_number ? h('p', null, t('cert.from_application'), ' ',
      h('a', { class: 'mono', href: `#/applications/${encodeURIComponent(c.application_number)}` }, c.application_number)) : null,
    fieldsBox,
  ];

  const mayChange = ctx.isAdmin || (ctx.user.role === 'bureau_officer' && c.bureau_code === ctx.user.bureau_code);
  if (mayChange && c.legacy) {
    parts.push(h('section', { class: 'card notice', 'aria-labelledby': 'cert-legacy-heading', id: 'cert-legacy' },
      h('h2', { id: 'cert-legacy-heading' }, t('cert.legacy_heading')),
      h('p', null, t('cert.legacy_text')),
      h('p', null, h('span', { class: 'label' }, t('rule.basis')), ' ',
        rule ? ruleCitation(rule) : h('cite', { class: 'citation' }, t('cert.legacy_citation')))));
  } else if (mayChange) {
    parts.push(statusSection(c, (next) => { c = next; redraw(); }));
  }
  parts.push(historyBox);
  replace(ctx.view, parts);
}

function statusSection(c, done) {
  const section = h('section', { class: 'card', 'aria-labelledby': 'cert-status-heading', id: 'cert-status-box' },
    h('h2', { id: 'cert-status-heading' }, t('cert.change_status')));
  const draw = () => {
    // Revocation is final, whenever it takes effect.
    if (c.status === 'revoked' || (c.history || []).some((x) => x.status === 'revoked')) {
      section.replaceChildren(section.firstChild, h('p', { class: 'muted' }, t('cert.revoked_final')));
      return;
    }
    const form = h('form', { id: 'cert-status', novalidate: true },
      formErrors(),
      h('div', { class: 'grid' },
        field({ name: 'status', id: 'cert-status-new', label: t('cert.new_status'), required: true, value: '',
          options: [['', t('users.choose')], ...SETTABLE.map((s) => [s, certStatusName(s)])], hint: t('cert.revoke_hint') })),
      field({ name: 'reason', id: 'cert-status-reason', label: t('field.reason'), textarea: true, required: true, maxlength: 2000 }),
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn primary' }, t('cert.change_submit'))));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearProblem(form);
      const body = { status: form.elements.status.value, reason: form.elements.reason.value.trim() };
      if (body.status === 'revoked' && !window.confirm(t('cert.revoke_confirm', { number: c.number }))) return;
      await busy(form, async () => {
        try {
          const next = await api('POST', `${certPath(c.number)}/status`, { json: body });
          c = next && next.number ? next : await api('GET', certPath(c.number));
          done(c);
          draw();
          announce(t('cert.status_changed', { status: certStatusName(c.status) }), 'success');
        } catch (err) {
          if (err.status === 401) return;
          announce(showRuleProblem(form, err), 'error');
        }
      });
    });
    section.replaceChildren(section.firstChild, form);
  };
  draw();
  return section;
}

// ---- legacy import --------------------------------------------------------------

export async function renderImport(ctx) {
  const result = h('div', { id: 'legacy-result' });
  const form = h('form', { id: 'legacy-form', class: 'card', novalidate: true },
    formErrors(),
    h('div', { class: 'field' },
      h('label', { for: 'legacy-file' }, t('import.file')),
      h('input', { id: 'legacy-file', name: 'file', type: 'file', accept: '.csv,text/csv', required: true })),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn primary' }, t('import.submit'))));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearProblem(form);
    result.replaceChildren();
    const file = form.elements.file.files[0];
    if (!file) {
      announce(showProblem(form, { detail: t('import.no_file'), errors: [] }), 'error');
      form.elements.file.focus();
      return;
    }
    await busy(form, async () => {
      const text = await file.text();
      try {
        const res = await api('POST', '/api/v1/certificates/legacy/import', { body: text, contentType: 'text/csv' });
        const n = res && typeof res.imported === 'number' ? res.imported : 0;
        result.append(h('p', { class: 'message-success' }, t('cert.import_done', { n }), ' ',
          h('a', { href: '#/certificates' }, t('cert.back_to_list'))));
        announce(t('cert.import_done', { n }), 'success');
      } catch (err) {
        if (err.status === 401) return;
        if (!csvRowsResult(result, err, 'data import-errors legacy-errors')) announce(showProblem(form, err), 'error');
      }
    });
  });
  ctx.view.replaceChildren(
    h('p', { class: 'crumbs' }, h('a', { href: '#/certificates' }, t('cert.back_to_list'))),
    h('h1', null, t('cert.import_heading')),
    h('p', { class: 'lead' }, t('cert.import_intro')),
    h('p', null, h('span', { class: 'label' }, t('import.header_label')), ' ', h('code', { class: 'csv-header' }, LEGACY_HEADER)),
    h('p', null, h('a', { href: '/forms/legacy-documents-template.csv', download: 'legacy-documents-template.csv' }, t('cert.template'))),
    form,
    result);
}
