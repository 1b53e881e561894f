// log.js: the public page of the transparency log (web/log.html). Shows the
// log's status (GET /api/v1/log: origin, entries, signed size, the latest
// checkpoint and the log's key) and checks a receipt entirely in the
// browser (receipt.js, sm2.js, sm3.js): the receipt comes from a pasted
// text, an uploaded file, or GET /api/v1/log/receipt?index=N; the key is
// pre-filled from GET /log/key and may be replaced by one the reader
// obtained elsewhere, since a key served next to the receipt proves
// nothing about who runs the server.

import { t, applyI18n, bindLangSelect, onLangChange, bureauName } from './i18n.js';
import { api, bureauMap } from './api.js';
import { h, replace, show, dl, announce, time } from './dom.js';
import { verifyReceipt, RECEIPT_MAX } from './receipt.js';
import { certificatePageHref } from './ref.js';

const $ = (id) => document.getElementById(id);
const INDEX_RE = /^(0|[1-9][0-9]{0,18})$/;

const state = {
  log: null, // the answer of GET /api/v1/log
  witnesses: [], // GET /api/v1/log/witnesses items
  logError: null,
  serverKey: '', // the text of GET /log/key, trimmed
  result: null, // the last verifyReceipt() answer
  source: null, // { kind: 'index'|'file'|'text', index, name }
  bureaus: new Map(),
  polls: 0,
};

// ---- status --------------------------------------------------------------------

function renderStatus() {
  const box = $('log-status-body');
  if (state.logError) {
    replace(box, h('p', { class: 'message-error' }, t('common.error', { detail: state.logError.detail })));
    return;
  }
  const l = state.log;
  if (!l) return;
  const pending = Number(l.entries) - Number(l.size);
  replace(box,
    dl([
      [t('logpage.origin'), h('span', { class: 'mono', id: 'log-origin' }, show(l.origin))],
      [t('logpage.entries'), h('span', { id: 'log-entries' }, String(l.entries))],
      [t('logpage.size'), h('span', null, h('span', { id: 'log-size' }, String(l.size)),
        pending > 0 ? h('span', { class: 'status-on' }, t('logpage.pending', { n: pending })) : null)],
    ]),
    h('h3', { class: 'log-sub', id: 'log-key-heading' }, t('logpage.key')),
    h('pre', { class: 'log-text', id: 'log-key', tabindex: '0', 'aria-labelledby': 'log-key-heading' }, show(l.key)),
    h('h3', { class: 'log-sub', id: 'log-witnesses-heading' }, t('logpage.witnesses')),
    witnessList(),
    h('h3', { class: 'log-sub', id: 'log-checkpoint-heading' }, t('logpage.checkpoint')),
    l.checkpoint
      ? h('pre', { class: 'log-text', id: 'log-checkpoint', tabindex: '0', 'aria-labelledby': 'log-checkpoint-heading' }, l.checkpoint)
      : h('p', { class: 'muted', id: 'log-checkpoint' }, t('logpage.no_checkpoint')));
}

// The witnesses that cosign the log: each checks the log only grows before it signs.
function witnessList() {
  if (!state.witnesses.length) return h('p', { class: 'muted', id: 'log-witnesses' }, t('logpage.no_witnesses'));
  return h('ul', { class: 'witness-list', id: 'log-witnesses' },
    ...state.witnesses.map((w) => h('li', null,
      h('strong', null, show(w.name)), ' — ',
      w.last_size === null || w.last_size === undefined
        ? t('logpage.witness_never')
        : t('logpage.witness_last', { n: w.last_size }))));
}

async function loadStatus() {
  try {
    state.witnesses = (await api('GET', '/api/v1/log/witnesses')).items || [];
  } catch {
    state.witnesses = [];
  }
  try {
    state.log = await api('GET', '/api/v1/log');
    state.logError = null;
  } catch (err) {
    state.logError = err;
  }
  renderStatus();
  // The integrator signs new entries within moments: look again for a while.
  if (state.log && state.log.entries > state.log.size && state.polls < 30) {
    state.polls++;
    setTimeout(loadStatus, 2000);
  } else {
    state.polls = 0;
  }
}

async function loadKey() {
  try {
    const res = await fetch('/log/key', { cache: 'no-cache' });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    state.serverKey = (await res.text()).trim();
    if (!$('vkey').value.trim()) $('vkey').value = state.serverKey;
  } catch {
    state.serverKey = '';
  }
}

// ---- verification --------------------------------------------------------------

const STEPS = ['receipt', 'key', 'signature', 'inclusion', 'entry'];

function errorText(err) {
  const key = `logv.err.${err.code}`;
  const s = t(key, err.vars);
  return s === key ? err.message : s;
}

function kindLabel(kind) {
  const key = `logkind.${kind}`;
  const s = t(key);
  return s === key ? show(kind) : s;
}

function bureauLabel(code) {
  const b = state.bureaus.get(code);
  return b ? bureauName(b) : show(code);
}

// What a passed step established, in words.
function passDetail(step) {
  const f = step.facts;
  switch (step.id) {
    case 'receipt':
      return t(f.extra === null ? 'logv.pass.receipt_no_entry' : 'logv.pass.receipt', f);
    case 'key':
      return [t('logv.pass.key', f), h('details', { class: 'log-point' },
        h('summary', null, t('logv.point')), h('code', { class: 'mono' }, f.point))];
    case 'signature':
      return [t('logv.pass.signature', f), f.others ? ` ${t('logv.pass.others', { n: f.others })}` : null,
        h('br'), h('span', { class: 'mono muted' }, t('logv.root', { root: f.root }))];
    case 'inclusion':
      return t('logv.pass.inclusion', f);
    case 'entry': {
      const j = f.json;
      const subject = typeof j.subject === 'string' && /^certificate\./.test(String(j.kind))
        ? h('a', { class: 'mono', href: certificatePageHref(j.subject) }, j.subject)
        : h('span', { class: 'mono' }, show(j.subject));
      return [
        dl([
          [t('logv.entry.kind'), h('span', null, kindLabel(j.kind), ' ', h('span', { class: 'mono muted' }, `(${show(j.kind)})`))],
          [t('logv.entry.subject'), subject],
          [t('logv.entry.bureau'), h('span', null, bureauLabel(j.bureau), ' ', h('span', { class: 'mono muted' }, `(${show(j.bureau)})`))],
          [t('logv.entry.time'), typeof j.time === 'string' ? time(j.time) : show(j.time)],
          [t('logv.entry.record_sm3'), h('code', { class: 'mono hash-full' }, show(j.record_sm3))],
        ], 'fields entry-fields'),
        h('details', { class: 'json' }, h('summary', null, t('logv.entry.json')), h('pre', null, f.text)),
      ];
    }
    default:
      return null;
  }
}

function stepItem(step, n) {
  const mark = { pass: '✓', fail: '✗', skip: '–' }[step.status];
  const badge = { pass: 'badge-ok', fail: 'badge-err', skip: 'badge-off' }[step.status];
  let body;
  if (step.status === 'pass') body = passDetail(step);
  else if (step.status === 'fail') body = h('span', { class: 'message-error' }, errorText(step.error));
  else body = h('span', { class: 'muted' }, t('logv.skipped'));
  return h('li', { class: `verify-step step-${step.status}`, 'data-step': step.id, 'data-status': step.status },
    h('span', { class: 'step-mark', 'aria-hidden': 'true' }, mark),
    h('div', { class: 'step-body' },
      h('p', { class: 'step-title' },
        h('strong', null, `${n}. ${t(`logv.step.${step.id}`)}`), ' ',
        h('span', { class: `badge ${badge}` }, t(`logv.status.${step.status}`))),
      h('div', { class: 'step-detail' }, body),
      step.warnings.map((w) => h('p', { class: 'message-warn step-warn' }, `⚠ ${t(`logv.warn.${w.code}`, w.vars)}`))));
}

function renderResult() {
  const box = $('verify-result');
  const r = state.result;
  if (!r) { box.replaceChildren(); return; }
  const failed = r.steps.find((s) => s.status === 'fail');
  const summary = r.ok
    ? t('logv.ok', { index: r.steps[0].facts.index, size: r.steps[2].facts.size })
    : t('logv.failed', { step: t(`logv.step.${failed.id}`), reason: errorText(failed.error) });
  const src = state.source;
  const from = src && src.kind === 'index' ? t('logv.from_index', { index: src.index })
    : src && src.kind === 'file' ? t('logv.from_file', { name: src.name }) : t('logv.from_text');
  replace(box,
    h('h3', { class: 'verify-heading', id: 'verify-result-heading' }, t('logv.result_heading')),
    h('p', { class: 'muted verify-source' }, from,
      src && src.kind === 'index' ? [' · ', h('a', { href: `/api/v1/log/receipt?index=${src.index}`, download: `receipt-${src.index}.txt` }, t('logv.download'))] : null),
    h('div', { class: `verify-summary ${r.ok ? 'verify-ok' : 'verify-fail'}`, id: 'verify-summary', tabindex: '-1' },
      h('span', { class: 'verify-mark', 'aria-hidden': 'true' }, r.ok ? '✓' : '✗'), ' ', summary),
    h('ol', { class: 'verify-steps', 'aria-labelledby': 'verify-result-heading' },
      STEPS.map((id, i) => stepItem(r.steps.find((s) => s.id === id), i + 1))));
}

function showFormError(message) {
  const box = document.querySelector('#verify-form .form-errors');
  if (!message) { box.replaceChildren(); box.hidden = true; return; }
  // The attempt did not run: an earlier result would describe other input.
  state.result = null;
  renderResult();
  replace(box, h('p', null, message));
  box.hidden = false;
  announce(message, 'error');
}

// The entry's bytes from the server, for a receipt that carries none.
async function fetchEntry(index) {
  const res = await fetch(`/api/v1/log/entries/${index}`, { cache: 'no-cache' });
  if (!res.ok) return null;
  return new Uint8Array(await res.arrayBuffer());
}

async function verify(source) {
  showFormError(null);
  let text = $('receipt-text').value;
  const key = $('vkey').value.trim();
  if (!text.trim()) { showFormError(t('logv.need_receipt')); $('receipt-text').focus(); return; }
  if (!key) { showFormError(t('logv.need_key')); $('vkey').focus(); return; }
  // A copied receipt often loses its final newline; the last line is a
  // signature line, which no signature covers, so restoring it changes
  // nothing that is checked.
  if (!text.endsWith('\n')) text += '\n';
  state.source = source || { kind: 'text' };
  const form = $('verify-form');
  form.setAttribute('aria-busy', 'true');
  try {
    state.result = await verifyReceipt(text, key, { fetchEntry });
  } catch (err) {
    // Not a refusal (those are steps) but a fault: say so rather than nothing.
    showFormError(t('common.error', { detail: err.message }));
    return;
  } finally {
    form.removeAttribute('aria-busy');
  }
  renderResult();
  announceResult();
  $('verify-summary').focus();
}

function announceResult() {
  const failed = state.result.steps.find((s) => s.status === 'fail');
  announce(state.result.ok ? t('logv.ok_short') : t('logv.failed_short', { step: t(`logv.step.${failed.id}`) }),
    state.result.ok ? 'success' : 'error');
}

async function onFetch() {
  showFormError(null);
  const input = $('entry-index');
  const v = input.value.trim();
  if (!INDEX_RE.test(v)) {
    input.setAttribute('aria-invalid', 'true');
    showFormError(t('logv.bad_index'));
    input.focus();
    return;
  }
  input.removeAttribute('aria-invalid');
  const btn = $('fetch-receipt');
  btn.disabled = true;
  try {
    const res = await fetch(`/api/v1/log/receipt?index=${v}`, { cache: 'no-cache' });
    const body = await res.text();
    if (!res.ok) {
      let detail = `HTTP ${res.status}`;
      try { detail = JSON.parse(body).detail || detail; } catch { /* not a problem document */ }
      showFormError(res.status === 404 ? t('logv.no_entry', { index: v })
        : res.status === 409 ? t('logv.not_integrated', { index: v, detail }) : t('common.error', { detail }));
      return;
    }
    $('receipt-text').value = body;
    $('receipt-file').value = '';
    await verify({ kind: 'index', index: v });
  } catch {
    showFormError(t('common.network_error'));
  } finally {
    btn.disabled = false;
  }
}

async function onFile() {
  showFormError(null);
  const file = $('receipt-file').files[0];
  if (!file) return;
  if (file.size > RECEIPT_MAX) { showFormError(t('logv.file_too_large', { max: RECEIPT_MAX })); return; }
  let text;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(await file.arrayBuffer());
  } catch {
    showFormError(t('logv.file_not_utf8'));
    return;
  }
  $('receipt-text').value = text;
  await verify({ kind: 'file', name: file.name });
}

function setTitle() {
  document.title = `${t('logpage.title')} · ${t('app.name')}`;
}

function init() {
  applyI18n();
  setTitle();
  bindLangSelect($('lang-select'));
  onLangChange(() => {
    setTitle(); renderStatus(); renderResult();
    if (state.result && !$('status').hidden) announceResult();
  });
  // A receipt edited by hand is no longer the uploaded file.
  $('receipt-text').addEventListener('input', () => { $('receipt-file').value = ''; });
  $('log-refresh').addEventListener('click', () => { state.polls = 0; loadStatus(); });
  $('verify-form').addEventListener('submit', (ev) => { ev.preventDefault(); verify({ kind: 'text' }); });
  $('fetch-receipt').addEventListener('click', onFetch);
  $('entry-index').addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter') { ev.preventDefault(); onFetch(); }
  });
  $('receipt-file').addEventListener('change', onFile);
  $('key-reset').addEventListener('click', () => {
    if (state.serverKey) $('vkey').value = state.serverKey;
    $('vkey').focus();
  });
  const params = new URLSearchParams(location.search);
  const index = params.get('index');
  loadStatus();
  bureauMap().then((m) => { state.bureaus = m; if (state.result) renderResult(); });
  // /log.html?index=N fetches and checks that entry's receipt.
  loadKey().then(() => {
    if (index && INDEX_RE.test(index)) {
      $('entry-index').value = index;
      onFetch();
    }
  });
}

init();
