// views/applications.js: administrative licensing applications. Enterprise
// users apply (POST /api/v1/applications), attach PDFs, supply materials and
// withdraw; officers and the national administrator work through an inbox
// filtered by state and "overdue only" (GET /api/v1/applications), and on an
// application's page move it through exactly the transitions its state
// allows (POST .../request-materials, accept, start-review, finish-review,
// extend, decide, issue). The deadline, counted by the server on the legal
// calendar, is shown with the rule that sets it. The Overdue page is the
// inbox fixed to overdue=1.

import { t, bureauName } from '../i18n.js';
import { api, query } from '../api.js';
import { h, replace, show, time, table, tableRow, dl, field, formErrors, formDialog, clearProblem, busy, announce, showProblem } from '../dom.js';
import {
  getReference, refLabel, itemName, algorithmsText, appStateBadge, ruleCitation, showRuleProblem,
  day, sizeText, certificatePageHref,
} from '../ref.js';

const OPEN_STATES = ['received', 'materials_requested', 'accepted', 'under_review'];
const CLOSED_STATES = ['refused', 'issued', 'withdrawn', 'halted'];

// What an officer or administrator may do in each state (docs/api.md).
const STAFF_ACTIONS = {
  received: ['request-materials', 'accept'],
  accepted: ['start-review', 'extend', 'decide'],
  under_review: ['finish-review', 'extend'],
  approved: ['issue'],
};
// What the applicant may do.
const APPLICANT_ACTIONS = {
  received: ['withdraw'],
  materials_requested: ['supply-materials', 'withdraw'],
  accepted: ['withdraw'],
  under_review: ['withdraw'],
};
// The inputs each action takes. Every action sends a JSON object; "note" is
// an optional reason (sent as "reason" only when filled in).
const ACTION_FIELDS = {
  'request-materials': ['reason'],
  accept: ['note'],
  'start-review': ['reason'],
  'finish-review': ['reason'],
  extend: ['approver', 'reason'],
  decide: ['outcome', 'reason'],
  issue: ['note'],
  'supply-materials': ['reason'],
  withdraw: ['reason'],
};

// The ApplicationForm (type approval form) with its limits.
const FORM_FIELDS = [
  { name: 'contact_name', maxlength: 100, required: true, autocomplete: 'name' },
  { name: 'contact_phone', maxlength: 40, required: true, type: 'tel', autocomplete: 'tel' },
  { name: 'manufacturing_address', maxlength: 300, required: true },
  { name: 'production_capability', maxlength: 2000, textarea: true },
  { name: 'quality_assurance', maxlength: 2000, textarea: true },
  { name: 'intended_use', maxlength: 2000, textarea: true },
  { name: 'technical_summary', maxlength: 4000, textarea: true, rows: 5 },
];

const PDF_MAX = 10 * 1024 * 1024;

const actionKey = (a) => `app.act.${a.replace(/-/g, '_')}`;

function bureauText(ctx, code) {
  if (!code) return t('common.none');
  const b = ctx.bureaus.get(code);
  return b ? `${bureauName(b)} (${code})` : code;
}

function appPath(number) {
  return `/api/v1/applications/${encodeURIComponent(number)}`;
}

// The deadline in one table cell: due date, or why there is none.
function deadlineCell(a) {
  const d = a.deadline;
  if (!d) return t('common.none');
  if (d.error) return h('span', { class: 'message-warn' }, '⚠ ', t('app.deadline_unknown'));
  if (a.clock && a.clock.running === false) return h('span', { class: 'muted' }, t('app.clock_stopped_short'));
  return h('span', { class: d.overdue ? 'deadline overdue' : 'deadline' },
    day(d.due), d.overdue ? [' ', h('span', { class: 'badge badge-err' }, t('app.overdue'))] : null);
}

// ---- list (inbox, own applications, overdue) --------------------------------

export async function renderList(ctx, params, { overdueOnly = false } = {}) {
  const own = ctx.user.role === 'enterprise_user';
  const ref = await getReference();
  if (!ctx.isCurrent()) return;
  const state = {
    state: overdueOnly ? '' : params.get('state') || '',
    overdue: overdueOnly || params.get('overdue') === '1',
    bureau: params.get('bureau') || '',
    items: [],
    next: null,
  };
  const base = overdueOnly ? '#/overdue' : '#/applications';
  const results = h('div', { id: 'app-results' });
  const summary = h('p', { class: 'muted', id: 'app-summary' });
  const more = h('button', { type: 'button', class: 'btn', hidden: true }, t('common.load_more'));

  const form = h('form', { id: 'app-filter', class: 'search-form card filters', novalidate: true },
    h('div', { class: 'inline wrap' },
      overdueOnly ? null : field({
        name: 'state', id: 'app-state', label: t('field.state'), value: state.state,
        options: [['', t('common.all')], ...(ref.application_states || []).map((s) => [s.id, refLabel(ref.application_states, s.id)])],
      }),
      overdueOnly ? null : h('div', { class: 'field check-field' }, h('span', { class: 'label-spacer', 'aria-hidden': 'true' }, '\u00a0'),
        h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'overdue', id: 'app-overdue', checked: state.overdue }), ' ', t('app.overdue_only'))),
      ctx.isAdmin ? field({
        name: 'bureau', id: 'app-bureau', label: t('ent.bureau_filter'), value: state.bureau,
        options: [['', t('ent.all_bureaus')], ...[...ctx.bureaus.values()].map((b) => [b.code, `${b.code} ${bureauName(b)}`])],
      }) : null,
      h('div', { class: 'field' }, h('span', { class: 'label-spacer', 'aria-hidden': 'true' }, '\u00a0'),
        h('button', { type: 'submit', class: 'btn primary' }, t('audit.filter')))));

  replace(ctx.view,
    h('div', { class: 'page-head' },
      h('h1', null, t(overdueOnly ? 'app.overdue_heading' : own ? 'app.own_heading' : 'app.inbox_heading')),
      own && !overdueOnly ? h('div', { class: 'actions' }, h('a', { class: 'btn primary', href: '#/applications/new' }, t('app.new'))) : null),
    overdueOnly ? h('p', { class: 'lead' }, t('app.overdue_intro')) : null,
    form.querySelector('select, input') ? form : null,
    summary, results, h('p', null, more));

  function render() {
    results.replaceChildren();
    if (!state.items.length) {
      summary.textContent = t(overdueOnly ? 'app.none_overdue' : 'app.none');
      return;
    }
    summary.textContent = t(state.next ? 'common.showing_more' : 'common.showing', { n: state.items.length });
    const cols = [t('field.number'), t('field.item'), t('field.product')];
    if (!own) cols.push(t('product.enterprise'));
    cols.push(t('field.state'), t('field.received_on'), t('app.due'));
    results.append(table({ caption: t(overdueOnly ? 'app.overdue_caption' : 'app.caption'), columns: cols, rows: [], className: 'data applications' }));
    const tbody = results.querySelector('tbody');
    for (const a of state.items) {
      const p = a.product || {};
      const cells = [
        h('a', { class: 'mono', href: `#/applications/${encodeURIComponent(a.number)}` }, a.number),
        itemName(ref, a.item),
        h('span', null, show(p.name), p.model ? [h('br'), h('span', { class: 'mono muted' }, p.model)] : null),
      ];
      if (!own) cells.push(h('span', null, show(a.enterprise_name), h('br'), h('span', { class: 'mono muted' }, show(a.enterprise_uscc))));
      cells.push(appStateBadge(a.state), day(a.received_on), deadlineCell(a));
      const row = tableRow(cells, true);
      if (a.deadline && a.deadline.overdue) row.classList.add('row-overdue');
      tbody.append(row);
    }
    more.hidden = !state.next;
  }

  async function load(cursor) {
    const q = { state: state.state, overdue: state.overdue ? '1' : '', bureau: ctx.isAdmin ? state.bureau : '', cursor };
    const data = await api('GET', `/api/v1/applications${query(q)}`);
    if (!ctx.isCurrent()) return;
    state.items = cursor ? state.items.concat(data.items || []) : (data.items || []);
    state.next = data.next_cursor || null;
    render();
  }

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (form.elements.state) state.state = form.elements.state.value;
    if (form.elements.overdue) state.overdue = form.elements.overdue.checked;
    state.bureau = form.elements.bureau ? form.elements.bureau.value : '';
    const qs = overdueOnly ? { bureau: state.bureau } : { state: state.state, overdue: state.overdue ? '1' : '', bureau: state.bureau };
    history.replaceState(null, '', `${base}${query(qs)}`);
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

// ---- new application --------------------------------------------------------

export async function renderNew(ctx, params) {
  const [ref, products] = await Promise.all([
    getReference(),
    api('GET', `/api/v1/products${query({ limit: 200 })}`),
  ]);
  if (!ctx.isCurrent()) return;
  const items = products.items || [];
  const crumbs = h('p', { class: 'crumbs' }, h('a', { href: '#/applications' }, t('app.back_to_list')));
  if (!items.length) {
    ctx.view.replaceChildren(crumbs, h('h1', null, t('app.new_heading')),
      h('p', { class: 'message-warn' }, t('app.no_products'), ' ', h('a', { href: '#/products/new' }, t('product.new'))));
    return;
  }
  const formId = 'app-create';
  const itemOptions = (ref.approval_items || []).map((it) => [it.id,
    it.removed_on ? `${refLabel(ref.approval_items, it.id)} ${t('app.item_removed', { date: it.removed_on })}` : refLabel(ref.approval_items, it.id)]);
  const productOptions = items.map((p) => [String(p.id), `${p.name} · ${p.model}`]);
  const wanted = params.get('product') || '';
  const productInfo = h('p', { class: 'hint', id: `${formId}-product-info`, 'aria-live': 'polite' });
  const form = h('form', { id: formId, novalidate: true },
    formErrors(),
    h('div', { class: 'grid' },
      field({ name: 'product_id', id: `${formId}-product`, label: t('field.product'), required: true, value: wanted,
        options: [['', t('users.choose')], ...productOptions] }),
      field({ name: 'item', id: `${formId}-item`, label: t('field.item'), required: true, value: '',
        options: [['', t('users.choose')], ...itemOptions], hint: t('app.item_hint') }),
      field({ name: 'renewal_of', id: `${formId}-renewal_of`, label: t('field.renewal_of'), maxlength: 64, spellcheck: 'false',
        autocomplete: 'off', hint: t('app.renewal_hint') })),
    productInfo,
    h('fieldset', { class: 'group' },
      h('legend', null, t('app.form_heading')),
      h('div', { class: 'grid' }, FORM_FIELDS.filter((f) => !f.textarea).map((f) => field({ ...f, id: `${formId}-${f.name}`, label: t(`field.${f.name}`) }))),
      FORM_FIELDS.filter((f) => f.textarea).map((f) => field({ ...f, id: `${formId}-${f.name}`, label: t(`field.${f.name}`) }))),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'btn primary' }, t('app.submit')),
      h('a', { class: 'btn', href: '#/applications' }, t('common.cancel'))));

  const showProduct = () => {
    const p = items.find((x) => String(x.id) === form.elements.product_id.value);
    productInfo.textContent = p ? `${t('field.algorithms')}: ${algorithmsText(p.algorithms)}` : '';
  };
  form.elements.product_id.addEventListener('change', showProduct);
  showProduct();

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearProblem(form);
    const body = {
      // namedItem: form.elements.item is the collection's item() method.
      item: form.elements.namedItem('item').value,
      product_id: Number(form.elements.product_id.value) || form.elements.product_id.value,
      form: {},
    };
    const renewal = form.elements.renewal_of.value.trim();
    if (renewal) body.renewal_of = renewal;
    for (const f of FORM_FIELDS) {
      const v = form.elements[f.name].value.trim();
      if (v || f.required) body.form[f.name] = v;
    }
    await busy(form, async () => {
      try {
        const created = await api('POST', '/api/v1/applications', { json: body });
        ctx.flash(t('app.created', { number: created.number }));
        ctx.navigate(`#/applications/${encodeURIComponent(created.number)}`);
      } catch (err) {
        if (err.status === 401) return;
        announce(showRuleProblem(form, err), 'error');
      }
    });
  });

  ctx.view.replaceChildren(crumbs, h('h1', null, t('app.new_heading')),
    h('p', { class: 'lead' }, t('app.new_intro')),
    h('section', { class: 'card' }, form));
}

// ---- detail -------------------------------------------------------------------

function summaryFields(ctx, ref, a) {
  const p = a.product || {};
  const staff = ctx.user.role !== 'enterprise_user';
  const pairs = [
    [t('field.number'), h('span', { class: 'mono' }, a.number)],
    [t('field.item'), itemName(ref, a.item)],
    [t('field.state'), appStateBadge(a.state)],
    [t('product.enterprise'), h('span', null, show(a.enterprise_name), ' ',
      staff ? h('a', { class: 'mono', href: `#/enterprises/${encodeURIComponent(a.enterprise_uscc)}` }, a.enterprise_uscc) : h('span', { class: 'mono' }, show(a.enterprise_uscc)))],
    [t('field.bureau'), bureauText(ctx, a.bureau_code)],
    [t('field.product'), p.id !== undefined
      ? h('span', null, h('a', { href: `#/products/${encodeURIComponent(p.id)}` }, show(p.name)), ' ', h('span', { class: 'mono' }, show(p.model)))
      : show(p.name)],
    [t('field.algorithms'), algorithmsText(p.algorithms)],
    [t('field.renewal_of'), a.renewal_of ? h('a', { class: 'mono', href: `#/certificates/${encodeURIComponent(a.renewal_of)}` }, a.renewal_of) : t('common.none')],
    [t('field.received_on'), day(a.received_on)],
    [t('field.accepted_on'), a.accepted_on ? h('span', null, day(a.accepted_on), a.deemed_accepted ? [' ', h('span', { class: 'tag' }, t('app.deemed_accepted'))] : null) : t('common.none')],
    [t('field.decided_on'), day(a.decided_on)],
    [t('field.outcome'), a.outcome ? t(`app.outcome.${a.outcome}`) : t('common.none')],
    [t('field.decision_reason'), h('span', { class: 'prewrap' }, show(a.decision_reason))],
    [t('field.extension'), a.extension ? h('span', null, t('app.extension_by', { approver: a.extension.approver }), ' — ', show(a.extension.reason)) : t('common.none')],
    [t('field.certificate_number'), a.certificate_number
      ? h('span', null, h('a', { class: 'mono', href: `#/certificates/${encodeURIComponent(a.certificate_number)}` }, a.certificate_number), ' · ',
        h('a', { href: certificatePageHref(a.certificate_number) }, t('cert.printable')))
      : t('common.none')],
  ];
  if (a.halted_on) pairs.push([t('field.halted_on'), h('span', null, day(a.halted_on), ' ', t('app.halted_note'))]);
  pairs.push([t('field.updated_at'), time(a.updated_at)]);
  return dl(pairs);
}

// The clock and the deadline: what is due by when, how much of the period is
// used, the rule that sets it; or why no date can be given.
function deadlineBox(a) {
  const d = a.deadline;
  const clock = a.clock || {};
  const running = clock.running !== false;
  if (!d && CLOSED_STATES.includes(a.state)) return [h('p', { class: 'muted' }, t('app.closed'))];
  const out = [
    h('p', { class: 'clock', id: 'app-clock' },
      h('span', { class: 'label' }, t('app.clock')), ' ',
      h('span', { class: running ? 'badge badge-info' : 'badge badge-warn' }, running ? t('app.clock_running') : t('app.clock_stopped')),
      !running && clock.stopped_since ? [' ', t('app.stopped_since', { date: clock.stopped_since })] : null),
  ];
  if (!d) {
    out.push(h('p', { class: 'muted' }, t('app.no_deadline')));
    return out;
  }
  const used = Number(d.working_days_used) || 0;
  const total = Number(d.working_days) || 0;
  const pairs = [
    [t('app.deadline_act'), t(`app.deadline.${d.act}`)],
    [t('app.due'), d.due ? h('span', { class: d.overdue ? 'deadline overdue' : 'deadline' }, day(d.due),
      d.overdue ? [' ', h('span', { class: 'badge badge-err' }, '⚠ ', t('app.overdue'))] : null) : t('common.none')],
    [t('app.days_used'), h('span', null,
      t('app.days_of', { used, total }), ' ',
      total ? h('meter', { min: '0', max: String(total), value: String(Math.min(used, total)), high: String(Math.max(total - 3, 1)), optimum: '0', 'aria-hidden': 'true' }) : null)],
    [t('rule.basis'), d.rule ? ruleCitation(d.rule) : t('common.none')],
  ];
  out.push(dl(pairs, `fields deadline-fields${d.overdue ? ' is-overdue' : ''}`));
  if (d.error) {
    out.push(h('div', { class: 'rule-refusal', role: 'note', id: 'app-deadline-error' },
      h('p', { class: 'rule-detail' }, '⚠ ', show(d.error.detail)),
      d.error.code ? h('p', { class: 'hint' }, h('code', null, d.error.code)) : null));
  }
  return out;
}

function formFields(a) {
  const f = a.form || {};
  return dl(FORM_FIELDS.map((x) => [t(`field.${x.name}`), h('span', { class: 'prewrap' }, show(f[x.name]))]));
}

// An event's action in words: the action buttons' names, else the raw name.
function eventAction(action) {
  for (const k of [actionKey(String(action || '')), `app.event.${action}`]) if (t(k) !== k) return t(k);
  return show(action);
}

const isState = (s) => Boolean(s) && t(`appstate.${s}`) !== `appstate.${s}`;

function eventsTable(a) {
  const events = a.events || [];
  if (!events.length) return h('p', { class: 'muted' }, t('app.no_events'));
  return table({
    caption: t('app.events_caption'),
    columns: [t('audit.at'), t('audit.actor'), t('audit.action'), t('app.transition'), t('field.reason')],
    rows: events.map((e) => [
      time(e.at), show(e.actor), eventAction(e.action),
      isState(e.from_state) || isState(e.to_state)
        ? h('span', null, isState(e.from_state) ? appStateBadge(e.from_state) : t('common.none'), ' → ', isState(e.to_state) ? appStateBadge(e.to_state) : t('common.none'))
        : t('common.none'),
      h('span', { class: 'prewrap' }, show(e.reason)),
    ]),
    className: 'data events',
  });
}

function documentsTable(a) {
  const docs = a.documents || [];
  if (!docs.length) return h('p', { class: 'muted', id: 'app-no-docs' }, t('app.no_documents'));
  return table({
    caption: t('app.documents_caption'),
    columns: [t('field.name'), t('app.size'), t('app.sm3'), t('app.uploaded_at'), t('app.uploaded_by')],
    rows: docs.map((d) => [
      h('a', { href: `${appPath(a.number)}/documents/${encodeURIComponent(d.id)}`, download: d.name || true }, show(d.name)),
      sizeText(d.size), h('code', { class: 'hash', title: d.sm3 || '' }, show(d.sm3)), time(d.uploaded_at), show(d.uploaded_by),
    ]),
    rowHeader: true,
    className: 'data documents',
  });
}

function uploadForm(a, onDone) {
  const form = h('form', { id: 'doc-upload', novalidate: true },
    formErrors(),
    h('div', { class: 'field' },
      h('label', { for: 'doc-file' }, t('app.pdf_file')),
      h('div', { class: 'file-row' },
        h('input', { id: 'doc-file', name: 'file', type: 'file', accept: 'application/pdf,.pdf', required: true, 'aria-describedby': 'doc-file-hint' }),
        h('button', { type: 'submit', class: 'btn primary' }, t('app.upload'))),
      h('p', { class: 'hint', id: 'doc-file-hint' }, t('app.pdf_hint'))));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearProblem(form);
    const file = form.elements.file.files[0];
    let problem = null;
    if (!file) problem = t('app.no_file');
    else if (file.size > PDF_MAX) problem = t('app.file_too_big');
    if (problem) {
      announce(showProblem(form, { detail: problem, errors: [] }), 'error');
      form.elements.file.focus();
      return;
    }
    await busy(form, async () => {
      try {
        await api('POST', `${appPath(a.number)}/documents${query({ name: file.name })}`, { body: file, contentType: 'application/pdf' });
        form.reset();
        await onDone(t('app.uploaded', { name: file.name }));
      } catch (err) {
        if (err.status === 401) return;
        announce(showProblem(form, err), 'error');
      }
    });
  });
  return form;
}

function actionFields(action, formId) {
  const out = [];
  for (const name of ACTION_FIELDS[action]) {
    if (name === 'outcome') {
      out.push(h('div', { class: 'field' },
        h('fieldset', { class: 'checks', name: 'outcome' },
          h('legend', null, t('field.outcome'), h('span', { class: 'req' }, ` ${t('common.required')}`)),
          ['approved', 'refused'].map((o) => h('label', { class: 'check' },
            h('input', { type: 'radio', name: 'outcome', value: o, required: true }), ' ', t(`app.outcome.${o}`))))));
    } else if (name === 'note') {
      out.push(field({ name: 'reason', id: `${formId}-reason`, label: t('app.note'), textarea: true, rows: 3, maxlength: 1000 }));
    } else if (name === 'approver') {
      out.push(field({ name, id: `${formId}-approver`, label: t('field.approver'), required: true, maxlength: 100, hint: t('app.approver_hint') }));
    } else {
      out.push(field({ name, id: `${formId}-reason`, label: t(action === 'supply-materials' ? 'app.supplied' : 'field.reason'),
        required: true, textarea: true, rows: 4, maxlength: 1000, hint: t(`app.hint.${action.replace(/-/g, '_')}`) }));
    }
  }
  return out;
}

function actionBody(action, form) {
  const body = {};
  for (const name of ACTION_FIELDS[action]) {
    if (name === 'outcome') {
      const checked = form.querySelector('input[name=outcome]:checked');
      body.outcome = checked ? checked.value : '';
    } else if (name === 'note') {
      const v = form.elements.reason.value.trim();
      if (v) body.reason = v;
    } else {
      body[name] = form.elements[name].value.trim();
    }
  }
  return body;
}

export async function renderDetail(ctx, number) {
  let a;
  let ref;
  try {
    [a, ref] = await Promise.all([api('GET', appPath(number)), getReference()]);
  } catch (err) {
    if (err.status !== 404) throw err;
    if (!ctx.isCurrent()) return;
    ctx.view.replaceChildren(
      h('p', { class: 'crumbs' }, h('a', { href: '#/applications' }, t('app.back_to_list'))),
      h('h1', null, t('app.detail_heading')),
      h('p', { class: 'message-error' }, t('app.not_found')));
    return;
  }
  if (!ctx.isCurrent()) return;
  draw();

  async function reload(message) {
    a = await api('GET', appPath(a.number));
    if (!ctx.isCurrent()) return;
    draw();
    if (message) announce(message, 'success');
  }

  function allowedActions() {
    const role = ctx.user.role;
    let list = [];
    if (role === 'enterprise_user' && a.enterprise_uscc === ctx.user.enterprise_uscc) list = APPLICANT_ACTIONS[a.state] || [];
    else if (ctx.isAdmin || (role === 'bureau_officer' && a.bureau_code === ctx.user.bureau_code)) list = STAFF_ACTIONS[a.state] || [];
    return list.filter((x) => x !== 'extend' || !a.extension);
  }

  function openAction(action) {
    const formId = `act-${action}`;
    formDialog({
      id: formId,
      title: t(actionKey(action)),
      intro: t(`app.intro.${action.replace(/-/g, '_')}`, { number: a.number }),
      fields: actionFields(action, formId),
      submitLabel: t(actionKey(action)),
      danger: action === 'withdraw',
      onSubmit: async (form) => {
        await api('POST', `${appPath(a.number)}/${action}`, { json: actionBody(action, form) });
        await reload(t('app.done', { action: t(actionKey(action)) }));
      },
      afterSuccess: () => {
        const target = document.getElementById('app-actions-heading') || ctx.view.querySelector('h1');
        if (!target) return;
        target.setAttribute('tabindex', '-1');
        target.focus();
      },
    });
  }

  function draw() {
    const heading = h('h1', null, t('app.detail_title', { number: a.number }), ' ', appStateBadge(a.state));
    const actions = allowedActions();
    const parts = [
      h('p', { class: 'crumbs' }, h('a', { href: '#/applications' }, t('app.back_to_list'))),
      heading,
    ];
    if (actions.length) {
      parts.push(h('section', { class: 'card actions-card', 'aria-labelledby': 'app-actions-heading' },
        h('h2', { id: 'app-actions-heading', tabindex: '-1' }, t('app.actions_heading')),
        h('div', { class: 'actions', id: 'app-actions' }, actions.map((act) => h('button', {
          type: 'button', class: act === 'withdraw' ? 'btn danger' : 'btn', 'data-action': act, onclick: () => openAction(act),
        }, t(actionKey(act)))))));
    }
    parts.push(
      h('section', { class: 'card', 'aria-labelledby': 'app-deadline-heading', id: 'app-deadline' },
        h('h2', { id: 'app-deadline-heading' }, t('app.deadline_heading')), deadlineBox(a)),
      h('section', { class: 'card', 'aria-labelledby': 'app-summary-heading' },
        h('h2', { id: 'app-summary-heading' }, t('app.summary_heading')), summaryFields(ctx, ref, a)));

    const docsBox = h('section', { class: 'card', 'aria-labelledby': 'app-docs-heading', id: 'app-documents' },
      h('h2', { id: 'app-docs-heading' }, t('app.documents_heading')), documentsTable(a));
    if (ctx.user.role === 'enterprise_user' && a.enterprise_uscc === ctx.user.enterprise_uscc && OPEN_STATES.includes(a.state)) {
      docsBox.append(uploadForm(a, reload));
    }
    parts.push(docsBox,
      h('section', { class: 'card', 'aria-labelledby': 'app-form-heading' },
        h('h2', { id: 'app-form-heading' }, t('app.form_heading')), formFields(a)),
      h('section', { class: 'card', 'aria-labelledby': 'app-events-heading', id: 'app-events' },
        h('h2', { id: 'app-events-heading' }, t('app.events_heading')), eventsTable(a)));
    replace(ctx.view, parts);
  }
}
