// views/rules.js: the rules in force on a date (GET /api/v1/rules?at=DATE),
// or every rule whatever its dates (?all=1): deadlines, approval items, the
// items removed by Notice 336, legacy documents, validity and renewal
// windows, each with its value, effective dates and citation. rulesTable is
// shared with the public portal.

import { t } from '../i18n.js';
import { api, query } from '../api.js';
import { h, show, table, field, busy, announce } from '../dom.js';
import { ruleTitle, day, beijingToday, DATE_RE } from '../ref.js';

function valueText(r) {
  if (r.value === null || r.value === undefined) return t('common.none');
  return r.unit ? t(`rule.unit.${r.unit}`, { n: r.value }) : String(r.value);
}

export function rulesTable(items, caption) {
  if (!items.length) return h('p', { class: 'muted' }, t('rule.none'));
  return table({
    caption,
    columns: [t('rule.title'), t('rule.kind'), t('rule.value'), t('rule.from'), t('rule.to'), t('rule.citation'), t('field.id')],
    rows: items.map((r) => [ruleTitle(r), t(`rule.kind.${r.kind}`), valueText(r), day(r.effective_from),
      r.effective_to ? day(r.effective_to) : t('rule.open_ended'), h('cite', { class: 'citation' }, show(r.citation)), h('code', null, show(r.id))]),
    rowHeader: true,
    className: 'data rules',
  });
}

export async function render(ctx, params) {
  const state = { at: DATE_RE.test(params.get('at') || '') ? params.get('at') : beijingToday(), all: params.get('all') === '1' };
  const results = h('div', { id: 'rules-results' });
  const form = h('form', { id: 'rules-filter', class: 'search-form card filters', novalidate: true },
    h('div', { class: 'inline wrap' },
      field({ name: 'at', id: 'rules-at', label: t('rule.at'), type: 'date', value: state.at }),
      h('div', { class: 'field check-field' }, h('span', { class: 'label-spacer', 'aria-hidden': 'true' }, '\u00a0'),
        h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'all', id: 'rules-all', checked: state.all }), ' ', t('rule.all'))),
      h('div', { class: 'field' }, h('span', { class: 'label-spacer', 'aria-hidden': 'true' }, '\u00a0'),
        h('button', { type: 'submit', class: 'btn primary' }, t('rule.show')))));

  async function load() {
    const data = await api('GET', `/api/v1/rules${query(state.all ? { all: 1 } : { at: state.at })}`);
    if (!ctx.isCurrent()) return;
    const caption = state.all ? t('rule.caption_all') : t('rule.caption', { date: data.at || state.at });
    results.replaceChildren(rulesTable(data.items || [], caption));
  }

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const at = form.elements.at.value;
    state.all = form.elements.all.checked;
    if (!state.all && !DATE_RE.test(at)) { announce(t('rule.bad_date'), 'error'); form.elements.at.focus(); return; }
    state.at = at || beijingToday();
    history.replaceState(null, '', `#/rules${query(state.all ? { all: 1 } : { at: state.at })}`);
    await busy(form, async () => {
      try {
        await load();
        announce(results.querySelector('caption')?.textContent || t('rule.none'));
      } catch (err) {
        announce(t('common.error', { detail: err.detail }), 'error');
      }
    });
  });

  ctx.view.replaceChildren(h('h1', null, t('rule.heading')), h('p', { class: 'lead' }, t('rule.intro')), form, results);
  await load();
}
