// dom.js: small helpers to build the page from API data safely. Text always
// goes in through text nodes (textContent), never through innerHTML, so no
// string from the API can become markup.

import { t, getLang } from './i18n.js';

// h('a', {href: '#/x', class: 'btn', onclick: fn}, 'text', child, ...)
// Attributes: class, for, on<event>, boolean true/false (checked and
// selected become the control's default state, so form.reset() keeps them). null/undefined/false children are skipped; arrays flatten.
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === null || v === undefined || v === false) continue;
      if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
      else if (k === 'class') el.className = v;
      else if (k === 'for') el.htmlFor = v;
      else if (k === 'value') el.value = v;
      else if (v === true) el.setAttribute(k, '');
      else el.setAttribute(k, String(v));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else if (c instanceof Node) el.append(c);
    else el.append(document.createTextNode(String(c)));
  }
}

// Replaces el's children like h() builds them: null, undefined and false are
// skipped and arrays flatten (Element.replaceChildren would print "null").
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

// Text for a possibly empty value: an em dash stands for "nothing".
export function show(v) {
  return v === null || v === undefined || v === '' ? t('common.none') : String(v);
}

// <time> for an RFC 3339 timestamp, shown in the reader's time zone.
export function time(iso) {
  if (!iso) return document.createTextNode(t('common.none'));
  const d = new Date(iso);
  const text = Number.isNaN(d.getTime())
    ? iso
    : new Intl.DateTimeFormat(getLang(), {
      year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
    }).format(d);
  return h('time', { datetime: iso, title: iso }, text);
}

// A table with a caption, column headers (scope=col) and rows. rows is an
// array of arrays of cells; a cell is text or a Node. The first cell of each
// row is a row header (scope=row) when rowHeader is set.
export function table({ caption, columns, rows, rowHeader = false, className = 'data' }) {
  const thead = h('thead', null, h('tr', null, columns.map((c) => h('th', { scope: 'col' }, c))));
  const tbody = h('tbody');
  for (const r of rows) tbody.append(tableRow(r, rowHeader));
  const tbl = h('table', { class: className }, caption ? h('caption', null, caption) : null, thead, tbody);
  return h('div', { class: 'table-wrap' }, tbl);
}

export function tableRow(cells, rowHeader = false) {
  return h('tr', null, cells.map((c, i) => (rowHeader && i === 0 ? h('th', { scope: 'row' }, c) : h('td', null, c))));
}

// A description list from [[term, value], ...].
export function dl(pairs, className = 'fields') {
  return h('dl', { class: className }, pairs.map(([k, v]) => h('div', null, h('dt', null, k), h('dd', null, v))));
}

// Live region helpers. The page has one #status element (role=status,
// aria-live=polite); errors use kind 'error' and the same region so screen
// readers hear them once.
export function announce(message, kind = 'info') {
  const el = document.getElementById('status');
  if (!el) return;
  el.className = `status status-${kind}`;
  el.hidden = !message;
  // Clear first so that the same message twice is announced twice.
  el.textContent = '';
  if (message) setTimeout(() => { el.textContent = message; }, 20);
}

// Moves keyboard focus to the main heading of the page (after navigation).
export function focusHeading(root = document) {
  const h1 = root.querySelector('main h1') || root.querySelector('h1');
  if (!h1) return;
  h1.setAttribute('tabindex', '-1');
  h1.focus({ preventScroll: false });
}

// Puts the problem's per-field errors next to the fields of form and a
// summary at the top of the form; returns the summary text for announce().
export function showProblem(form, err) {
  clearProblem(form);
  const summary = form.querySelector('.form-errors');
  const lines = [];
  let first = null;
  for (const fe of err.errors || []) {
    const name = controlName(form, String(fe.field || ''));
    const field = name ? form.querySelector(`[name="${CSS.escape(name)}"]`) : null;
    const label = name ? t(`field.${name}`) : '';
    const labelText = label === `field.${name}` ? name : label;
    lines.push(labelText ? `${labelText}: ${fe.message}` : fe.message);
    if (!field) continue;
    const holder = field.closest('.field') || field.parentElement;
    const id = `err-${form.id || 'f'}-${name}`;
    if (!holder.querySelector(`#${CSS.escape(id)}`)) {
      holder.append(h('p', { class: 'field-error', id }, fe.message));
    }
    for (const input of form.querySelectorAll(`[name="${CSS.escape(name)}"]`)) {
      input.setAttribute('aria-invalid', 'true');
      const d = (input.getAttribute('aria-describedby') || '').split(' ').filter(Boolean);
      if (!d.includes(id)) input.setAttribute('aria-describedby', [...d, id].join(' '));
    }
    first = first || field;
  }
  const detail = err.detail || err.title || t('common.network_error');
  // When the detail only repeats a field's message, the field list says it.
  const repeats = (err.errors || []).some((fe) => fe.message === detail);
  const intro = lines.length && repeats ? t('common.field_errors') : detail;
  if (summary) {
    summary.hidden = false;
    summary.append(h('p', null, intro));
    if (lines.length) summary.append(h('ul', null, lines.map((l) => h('li', null, l))));
  }
  if (first) first.focus();
  return lines.length ? `${intro} ${lines.join('；')}` : detail;
}

// The form control a problem's field path names: the whole path, else its
// first part ("algorithms" for "algorithms[2].key_bits"), else its last part
// ("contact_name" for "form.contact_name"); the first part when none exists.
function controlName(form, path) {
  const parts = path.split(/[.[\]]/).filter(Boolean);
  for (const n of [path, parts[0], parts[parts.length - 1]]) {
    if (n && form.querySelector(`[name="${CSS.escape(n)}"]`)) return n;
  }
  return parts[0] || '';
}

export function clearProblem(form) {
  for (const e of form.querySelectorAll('.field-error')) e.remove();
  for (const i of form.querySelectorAll('[aria-invalid]')) {
    i.removeAttribute('aria-invalid');
    const d = (i.getAttribute('aria-describedby') || '').split(' ').filter((x) => x && !x.startsWith('err-'));
    if (d.length) i.setAttribute('aria-describedby', d.join(' ')); else i.removeAttribute('aria-describedby');
  }
  const summary = form.querySelector('.form-errors');
  if (summary) { summary.replaceChildren(); summary.hidden = true; }
}

// The error summary placeholder every form starts with.
export function formErrors() {
  return h('div', { class: 'form-errors', role: 'alert', hidden: true });
}

// A labelled form field: input, select or textarea with an optional hint.
// opts: {name, label, type, value, required, maxlength, hint, options,
// textarea, autocomplete, id, pattern, inputmode}
export function field(opts) {
  const id = opts.id || `f-${opts.name}`;
  const hintId = opts.hint ? `${id}-hint` : null;
  let control;
  const common = {
    id, name: opts.name, required: opts.required || false,
    'aria-describedby': hintId, autocomplete: opts.autocomplete,
  };
  if (opts.options) {
    control = h('select', common, opts.options.map(([v, l]) => h('option', { value: v, selected: v === (opts.value ?? '') }, l)));
  } else if (opts.textarea) {
    control = h('textarea', { ...common, maxlength: opts.maxlength, rows: opts.rows || 3 });
    control.value = opts.value ?? '';
  } else {
    control = h('input', {
      ...common, type: opts.type || 'text', maxlength: opts.maxlength, minlength: opts.minlength,
      pattern: opts.pattern, inputmode: opts.inputmode, spellcheck: opts.spellcheck,
    });
    control.value = opts.value ?? '';
  }
  return h('div', { class: 'field' },
    h('label', { for: id }, opts.label, opts.required ? h('span', { class: 'req' }, ` ${t('common.required')}`) : null),
    control,
    opts.hint ? h('p', { class: 'hint', id: hintId }, opts.hint) : null);
}

// Disables a form's submit buttons while fn runs, so a double press does not
// send twice.
export async function busy(form, fn) {
  const buttons = [...form.querySelectorAll('button')];
  for (const b of buttons) b.disabled = true;
  form.setAttribute('aria-busy', 'true');
  try {
    return await fn();
  } finally {
    for (const b of buttons) b.disabled = false;
    form.removeAttribute('aria-busy');
  }
}

// A modal <dialog> holding a form, for an action that needs a reason or a
// confirmation. fields: nodes to put in the form. onSubmit(form) runs the
// action; when it throws, the problem is shown inside the dialog next to its
// fields and the dialog stays open. Escape and the cancel button close it,
// and focus returns to the control that opened it when that still exists.
// After a successful submit the dialog closes and then afterSuccess() runs
// (focus can move outside a modal dialog only once it is closed).
export function formDialog({ id, title, intro, fields, submitLabel, danger = false, onSubmit, afterSuccess }) {
  let succeeded = false;
  const opener = document.activeElement;
  const cancel = h('button', { type: 'button', class: 'btn' }, t('common.cancel'));
  const form = h('form', { id, novalidate: true },
    formErrors(),
    intro ? h('p', { class: 'hint' }, intro) : null,
    fields,
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: danger ? 'btn primary danger-fill' : 'btn primary' }, submitLabel),
      cancel));
  const dlg = h('dialog', { class: 'dialog', 'aria-labelledby': `${id}-title` },
    h('h2', { id: `${id}-title` }, title), form);
  cancel.addEventListener('click', () => dlg.close());
  dlg.addEventListener('close', () => {
    dlg.remove();
    if (succeeded && afterSuccess) afterSuccess();
    else if (opener && opener.isConnected && typeof opener.focus === 'function') opener.focus();
  });
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearProblem(form);
    await busy(form, async () => {
      try {
        await onSubmit(form);
        succeeded = true;
        dlg.close();
      } catch (err) {
        if (err.status === 401) { dlg.close(); return; }
        announce(showProblem(form, err), 'error');
      }
    });
  });
  document.body.append(dlg);
  dlg.showModal();
  const first = form.querySelector('input:not([type=hidden]), select, textarea') || form.querySelector('button[type=submit]');
  if (first) first.focus();
  return dlg;
}
