// portal.js: the public portal (web/index.html). Enterprise lookup through
// GET /api/v1/enterprises?q= with cursor paging and a detail view; the
// certificate lookup through GET /api/v1/certificates?q=&at= (status on a
// date, with a link to each certificate's printable page); the directory of
// the 33 bureaus from GET /api/v1/bureaus; the rules in force today and the
// bureaus' signing keys. No sign-in. /?certificate=NUMBER opens the portal
// with that certificate looked up.

import { t, applyI18n, bindLangSelect, onLangChange, bureauName, bureauKindName, enterpriseRoleName } from './i18n.js';
import { api, query, getBureaus, looksLikeUscc } from './api.js';
import { h, show, table, tableRow, dl, announce, time } from './dom.js';
import { referenceOrEmpty, itemName, certStatusBadge, day, certificatePageHref, DATE_RE } from './ref.js';
import { rulesTable } from './views/rules.js';

const $ = (id) => document.getElementById(id);

// What the lookup shows, kept so a language change can re-render it.
const state = {
  q: '',
  items: [],
  next: null,
  message: null, // [key, vars] or null
  detail: null, // PublicEnterprise or null
  bureaus: null, // Map code -> Bureau
};

// The certificate lookup, kept the same way.
const certs = {
  q: '',
  at: '',
  items: [],
  next: null,
  message: null, // [key, vars, kind] or null
  ref: {},
  rules: null, // {at, items} or null
  keys: null, // [SigningKey] or null
};

function roles(list) {
  return (list || []).map(enterpriseRoleName).join(t('common.list_sep'));
}

function bureauLabel(code) {
  const b = state.bureaus && state.bureaus.get(code);
  return b ? bureauName(b) : show(code);
}

function renderMessage() {
  const el = $('lookup-message');
  el.replaceChildren();
  if (state.message) {
    const [key, vars, kind] = state.message;
    el.append(h('p', { class: `message-${kind || 'info'}` }, t(key, vars)));
  }
}

function resultRow(e) {
  const open = h('button', { type: 'button', class: 'linklike', 'data-uscc': e.uscc,
    onclick: () => openDetail(e.uscc) }, e.name_zh || e.uscc);
  return tableRow([
    h('span', { class: 'mono' }, e.uscc),
    open,
    show(e.name_en),
    roles(e.roles),
    bureauLabel(e.bureau_code),
  ]);
}

function renderResults() {
  const box = $('lookup-results');
  box.replaceChildren();
  if (state.items.length) {
    box.append(table({
      caption: t('lookup.results_caption', { q: state.q }),
      columns: [t('field.uscc'), t('field.name_zh'), t('field.name_en'), t('field.roles'), t('field.bureau')],
      rows: [],
      className: 'data results',
    }));
    const tbody = box.querySelector('tbody');
    for (const e of state.items) tbody.append(resultRow(e));
  }
  $('lookup-more').hidden = !state.next;
  renderMessage();
}

async function search(q, cursor) {
  const more = Boolean(cursor);
  try {
    const data = await api('GET', `/api/v1/enterprises${query({ q, cursor })}`);
    const items = data.items || [];
    state.items = more ? state.items.concat(items) : items;
    state.next = data.next_cursor || null;
    if (!state.items.length) state.message = ['lookup.no_results', { q }, 'warn'];
    else if (state.next) state.message = ['lookup.found_more', { n: state.items.length }];
    else state.message = ['lookup.found', { n: state.items.length }];
  } catch (err) {
    if (!more) { state.items = []; state.next = null; }
    if (err.status === 400 || err.status === 422) state.message = ['lookup.too_short', { detail: err.detail }, 'error'];
    else state.message = ['common.error', { detail: err.detail }, 'error'];
  }
  renderResults();
}

async function onSubmit(ev) {
  ev.preventDefault();
  let q = $('q').value.trim();
  if (looksLikeUscc(q)) q = q.toUpperCase();
  state.q = q;
  state.detail = null;
  $('detail').hidden = true;
  if (!q) {
    state.items = [];
    state.next = null;
    state.message = ['lookup.empty_query', null, 'warn'];
    renderResults();
    $('q').focus();
    return;
  }
  state.message = ['common.loading'];
  renderMessage();
  await search(q, null);
}

async function onMore() {
  if (!state.next) return;
  const firstNew = state.items.length;
  await search(state.q, state.next);
  // Keep the keyboard user where the new rows start.
  const btn = document.querySelectorAll('#lookup-results tbody tr')[firstNew]?.querySelector('button');
  if (btn) btn.focus();
}

function renderDetail() {
  const body = $('detail-body');
  body.replaceChildren();
  const e = state.detail;
  if (!e) return;
  body.append(
    h('h3', { class: 'detail-name' }, e.name_zh, e.name_en ? h('span', { class: 'sub' }, e.name_en) : null),
    dl([
      [t('field.uscc'), h('span', { class: 'mono' }, e.uscc)],
      [t('field.name_zh'), show(e.name_zh)],
      [t('field.name_en'), show(e.name_en)],
      [t('field.roles'), show(roles(e.roles))],
      [t('field.address'), show(e.address)],
      [t('field.bureau'), bureauLabel(e.bureau_code)],
    ]));
}

async function openDetail(uscc) {
  try {
    state.detail = await api('GET', `/api/v1/enterprises/${encodeURIComponent(uscc)}`);
  } catch (err) {
    announce(t('common.error', { detail: err.detail }), 'error');
    return;
  }
  renderDetail();
  const sec = $('detail');
  sec.hidden = false;
  sec.scrollIntoView({ block: 'start' });
  $('detail-heading').focus();
}

function closeDetail() {
  const uscc = state.detail && state.detail.uscc;
  state.detail = null;
  $('detail').hidden = true;
  const btn = uscc && document.querySelector(`#lookup-results button[data-uscc="${CSS.escape(uscc)}"]`);
  (btn || $('q')).focus();
}

async function loadBureaus() {
  const box = $('bureaus-body');
  let list;
  try {
    list = await getBureaus();
  } catch (err) {
    box.replaceChildren(h('p', { class: 'message-error' }, t('bureaus.loading_failed', { detail: err.detail })));
    return;
  }
  state.bureaus = new Map(list.map((b) => [b.code, b]));
  renderBureaus();
  // Results shown before the list arrived carry codes; show names now.
  if (state.items.length) renderResults();
  if (state.detail) renderDetail();
  if (certs.items.length) renderCertResults();
  renderKeys();
}

function renderBureaus() {
  if (!state.bureaus) return;
  const list = [...state.bureaus.values()];
  $('bureaus-body').replaceChildren(table({
    caption: t('bureaus.caption', { n: list.length }),
    columns: [t('bureaus.code'), t('bureaus.name'), t('bureaus.kind')],
    rows: list.map((b) => [h('span', { class: 'mono' }, b.code), bureauName(b), bureauKindName(b.kind)]),
    rowHeader: true,
    className: 'data bureaus',
  }));
}

// ---- certificates -----------------------------------------------------------

function renderCertMessage() {
  const el = $('cert-message');
  el.replaceChildren();
  if (certs.message) {
    const [key, vars, kind] = certs.message;
    el.append(h('p', { class: `message-${kind || 'info'}` }, t(key, vars)));
  }
}

function certRow(c) {
  const p = c.product || {};
  const holder = c.holder || {};
  return tableRow([
    h('a', { class: 'mono', href: certificatePageHref(c.number) }, c.number),
    h('span', null, certStatusBadge(c.status), c.status_on ? h('span', { class: 'status-on' }, t('certlookup.on_date', { date: c.status_on })) : null),
    h('span', null, show(p.name), p.model ? [h('br'), h('span', { class: 'mono muted' }, p.model)] : null),
    h('span', null, show(holder.name), h('br'), h('span', { class: 'mono muted' }, show(holder.uscc))),
    h('span', null, itemName(certs.ref, c.kind), c.legacy ? [' ', h('span', { class: 'tag' }, t('cert.legacy'))] : null),
    bureauLabel(c.bureau_code),
    h('span', { class: 'nowrap' }, day(c.issued_on), ' – ', day(c.expires_on)),
  ], true);
}

function renderCertResults() {
  const box = $('cert-results');
  box.replaceChildren();
  if (certs.items.length) {
    box.append(table({
      caption: t(certs.at ? 'certlookup.caption_at' : 'certlookup.caption', { q: certs.q, date: certs.at }),
      columns: [t('field.number'), t('field.status'), t('field.product'), t('cert.holder'), t('cert.kind'), t('cert.bureau'), t('cert.validity')],
      rows: [],
      className: 'data certificates',
    }));
    const tbody = box.querySelector('tbody');
    for (const c of certs.items) tbody.append(certRow(c));
  }
  $('cert-more').hidden = !certs.next;
  renderCertMessage();
}

async function searchCerts(cursor) {
  const more = Boolean(cursor);
  try {
    const data = await api('GET', `/api/v1/certificates${query({ q: certs.q, at: certs.at, cursor })}`);
    const items = data.items || [];
    certs.items = more ? certs.items.concat(items) : items;
    certs.next = data.next_cursor || null;
    if (!certs.items.length) certs.message = ['certlookup.no_results', { q: certs.q }, 'warn'];
    else if (certs.next) certs.message = ['certlookup.found_more', { n: certs.items.length }];
    else certs.message = ['certlookup.found', { n: certs.items.length }];
  } catch (err) {
    if (!more) { certs.items = []; certs.next = null; }
    if (err.status === 400 || err.status === 422) certs.message = ['lookup.too_short', { detail: err.detail }, 'error'];
    else certs.message = ['common.error', { detail: err.detail }, 'error'];
  }
  renderCertResults();
}

async function onCertSubmit(ev) {
  if (ev) ev.preventDefault();
  let q = $('cert-q').value.trim();
  if (looksLikeUscc(q)) q = q.toUpperCase();
  const at = $('cert-at').value;
  certs.q = q;
  if (!q) {
    certs.items = [];
    certs.next = null;
    certs.message = ['certlookup.empty_query', null, 'warn'];
    renderCertResults();
    $('cert-q').focus();
    return;
  }
  if (at && !DATE_RE.test(at)) {
    certs.message = ['certlookup.bad_date', null, 'warn'];
    renderCertMessage();
    $('cert-at').focus();
    return;
  }
  certs.at = at;
  certs.message = ['common.loading'];
  renderCertMessage();
  await searchCerts(null);
}

async function onCertMore() {
  if (!certs.next) return;
  const firstNew = certs.items.length;
  await searchCerts(certs.next);
  const a = document.querySelectorAll('#cert-results tbody tr')[firstNew]?.querySelector('a');
  if (a) a.focus();
}

// ---- rules and signing keys -----------------------------------------------------

function renderRules() {
  const box = $('rules-body');
  if (!certs.rules) return;
  box.replaceChildren(rulesTable(certs.rules.items || [], t('rule.caption', { date: certs.rules.at || '' })));
}

function renderKeys() {
  const box = $('keys-body');
  if (!certs.keys) return;
  if (!certs.keys.length) { box.replaceChildren(h('p', { class: 'muted' }, t('rk.no_keys'))); return; }
  box.replaceChildren(table({
    caption: t('rk.keys_caption'),
    columns: [t('cert.key_id'), t('cert.bureau'), t('rk.algorithm'), t('field.created_at'), t('rk.download')],
    rows: certs.keys.map((k) => [h('span', { class: 'mono' }, k.key_id), bureauLabel(k.bureau_code), show(k.algorithm), time(k.created_at),
      h('a', { href: `/api/v1/signing-keys/${encodeURIComponent(k.key_id)}.pem`, download: `${k.key_id}.pem` }, t('rk.pem'))]),
    rowHeader: true,
    className: 'data keys',
  }));
}

async function loadRulesAndKeys() {
  const [rules, keys] = await Promise.allSettled([api('GET', '/api/v1/rules'), api('GET', '/api/v1/signing-keys')]);
  if (rules.status === 'fulfilled') { certs.rules = rules.value || { items: [] }; renderRules(); }
  else $('rules-body').replaceChildren(h('p', { class: 'message-error' }, t('common.error', { detail: rules.reason.detail })));
  if (keys.status === 'fulfilled') { certs.keys = (keys.value && keys.value.items) || []; renderKeys(); }
  else $('keys-body').replaceChildren(h('p', { class: 'message-error' }, t('common.error', { detail: keys.reason.detail })));
}

function setTitle() {
  document.title = `${t('portal.title')} · ${t('app.name')}`;
}

function init() {
  applyI18n();
  setTitle();
  bindLangSelect($('lang-select'));
  $('lookup-form').addEventListener('submit', onSubmit);
  $('lookup-more').addEventListener('click', onMore);
  $('detail-back').addEventListener('click', closeDetail);
  $('cert-form').addEventListener('submit', onCertSubmit);
  $('cert-more').addEventListener('click', onCertMore);
  onLangChange(() => {
    setTitle(); renderResults(); renderDetail(); renderBureaus(); renderCertResults(); renderRules(); renderKeys();
  });
  loadBureaus();
  referenceOrEmpty().then((ref) => { certs.ref = ref; if (certs.items.length) renderCertResults(); });
  loadRulesAndKeys();
  // A certificate's QR code or printable page may link here with its number.
  const params = new URLSearchParams(location.search);
  const number = params.get('certificate') || params.get('cert');
  if (number) {
    $('cert-q').value = number;
    if (DATE_RE.test(params.get('at') || '')) $('cert-at').value = params.get('at');
    onCertSubmit(null).then(() => $('certificates').scrollIntoView({ block: 'start' }));
  }
}

init();
