// portal.js: the public portal (web/index.html). Enterprise lookup through
// GET /api/v1/enterprises?q= with cursor paging and a detail view, and the
// directory of the 33 bureaus from GET /api/v1/bureaus. No sign-in.

import { t, applyI18n, bindLangSelect, onLangChange, bureauName, bureauKindName, enterpriseRoleName } from './i18n.js';
import { api, query, getBureaus, looksLikeUscc } from './api.js';
import { h, show, table, tableRow, dl, announce } from './dom.js';

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
  onLangChange(() => { setTitle(); renderResults(); renderDetail(); renderBureaus(); });
  loadBureaus();
}

init();
