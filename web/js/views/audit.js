// views/audit.js: the audit trail (GET /api/v1/audit), newest first, with an
// optional filter by entity. Before/after states are shown as pretty JSON
// inside collapsed <details> elements.

import { t } from '../i18n.js';
import { api, query } from '../api.js';
import { h, show, time, table, tableRow, field, busy, announce } from '../dom.js';

function jsonDetails(label, value) {
  if (value === null || value === undefined) return t('common.none');
  return h('details', { class: 'json' },
    h('summary', null, label),
    h('pre', null, h('code', null, JSON.stringify(value, null, 2))));
}

function entityCell(e) {
  const label = `${show(e.entity_type)} ${e.entity_id ?? ''}`.trim();
  if (e.entity_type === 'enterprise' && e.entity_id) {
    return h('a', { href: `#/enterprises/${encodeURIComponent(e.entity_id)}` }, label);
  }
  return label;
}

export async function render(ctx, params) {
  const state = { entity_type: params.get('entity_type') || '', entity_id: params.get('entity_id') || '', items: [], next: null };
  const results = h('div', { id: 'audit-results' });
  const more = h('button', { type: 'button', class: 'btn', hidden: true }, t('common.load_more'));
  const form = h('form', { id: 'audit-filter', class: 'search-form card', novalidate: true },
    h('div', { class: 'inline wrap' },
      field({ name: 'entity_type', id: 'audit-entity_type', label: t('audit.entity_type'), value: state.entity_type, maxlength: 64, autocomplete: 'off' }),
      field({ name: 'entity_id', id: 'audit-entity_id', label: t('audit.entity_id'), value: state.entity_id, maxlength: 200, autocomplete: 'off' }),
      h('div', { class: 'field' }, h('span', { class: 'label-spacer', 'aria-hidden': 'true' }, '\u00a0'),
        h('button', { type: 'submit', class: 'btn primary' }, t('audit.filter')))));

  function renderTable() {
    results.replaceChildren();
    if (!state.items.length) { results.append(h('p', { class: 'muted' }, t('audit.none'))); more.hidden = true; return; }
    results.append(table({
      caption: t('audit.caption'),
      columns: [t('audit.at'), t('audit.actor'), t('audit.ip'), t('audit.action'), t('audit.entity'), t('audit.before'), t('audit.after')],
      rows: [],
      className: 'data audit',
    }));
    const tbody = results.querySelector('tbody');
    for (const e of state.items) {
      tbody.append(tableRow([
        time(e.at), show(e.actor), h('span', { class: 'mono' }, show(e.ip)), h('code', null, show(e.action)), entityCell(e),
        jsonDetails(t('audit.show'), e.before), jsonDetails(t('audit.show'), e.after),
      ]));
    }
    more.hidden = !state.next;
  }

  async function load(cursor) {
    const data = await api('GET', `/api/v1/audit${query({ entity_type: state.entity_type, entity_id: state.entity_id, cursor })}`);
    if (!ctx.isCurrent()) return;
    state.items = cursor ? state.items.concat(data.items || []) : (data.items || []);
    state.next = data.next_cursor || null;
    renderTable();
  }

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    state.entity_type = form.elements.entity_type.value.trim();
    state.entity_id = form.elements.entity_id.value.trim();
    history.replaceState(null, '', `#/audit${query({ entity_type: state.entity_type, entity_id: state.entity_id })}`);
    await busy(form, async () => {
      try { await load(null); } catch (err) { if (err.status !== 401) announce(t('common.error', { detail: err.detail }), 'error'); }
    });
  });
  more.addEventListener('click', async () => {
    try { await load(state.next); } catch (err) { if (err.status !== 401) announce(t('common.error', { detail: err.detail }), 'error'); }
  });

  ctx.view.replaceChildren(h('h1', null, t('audit.heading')), form, results, h('p', null, more));
  await load(null);
}
