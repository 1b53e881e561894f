// views/tokens.js: the caller's API tokens. Create (POST /api/v1/tokens; the
// secret is shown once, here), list (GET) and revoke (DELETE .../{id}).

import { t } from '../i18n.js';
import { api } from '../api.js';
import { h, show, time, table, tableRow, field, formErrors, showProblem, clearProblem, busy, announce } from '../dom.js';

export async function render(ctx) {
  let items = [];
  const list = h('div', { id: 'tokens-list' });
  const secretBox = h('div', { id: 'token-secret', class: 'secret-box', hidden: true });

  function renderList() {
    list.replaceChildren();
    if (!items.length) { list.append(h('p', { class: 'muted' }, t('tokens.none'))); return; }
    const hasCreated = items.some((x) => x.created_at);
    const hasUsed = items.some((x) => 'last_used_at' in x);
    const cols = [t('field.name'), t('field.id')];
    if (hasCreated) cols.push(t('tokens.created_at'));
    if (hasUsed) cols.push(t('tokens.last_used_at'));
    cols.push(t('common.actions'));
    list.append(table({ caption: t('tokens.caption'), columns: cols, rows: [], className: 'data tokens' }));
    const tbody = list.querySelector('tbody');
    for (const tok of items) {
      const cells = [show(tok.name), h('span', { class: 'mono' }, show(tok.id))];
      if (hasCreated) cells.push(time(tok.created_at));
      if (hasUsed) cells.push(time(tok.last_used_at));
      cells.push(h('button', { type: 'button', class: 'btn small danger', 'aria-label': `${t('tokens.revoke')} ${tok.name}`,
        onclick: () => revoke(tok) }, t('tokens.revoke')));
      tbody.append(tableRow(cells, true));
    }
  }

  async function load() {
    const data = await api('GET', '/api/v1/tokens');
    if (!ctx.isCurrent()) return;
    items = (data && data.items) || (Array.isArray(data) ? data : []);
    renderList();
  }

  async function revoke(tok) {
    if (!window.confirm(t('tokens.revoke_confirm', { name: tok.name }))) return;
    try {
      await api('DELETE', `/api/v1/tokens/${encodeURIComponent(tok.id)}`);
      await load();
      announce(t('tokens.revoked', { name: tok.name }), 'success');
      form.elements.name.focus();
    } catch (err) {
      if (err.status !== 401) announce(t('common.error', { detail: err.detail }), 'error');
    }
  }

  const form = h('form', { id: 'token-create', novalidate: true },
    formErrors(),
    h('div', { class: 'inline wrap' },
      field({ name: 'name', id: 'token-name', label: t('field.name'), required: true, maxlength: 100, autocomplete: 'off' }),
      h('div', { class: 'field' }, h('span', { class: 'label-spacer', 'aria-hidden': 'true' }, '\u00a0'),
        h('button', { type: 'submit', class: 'btn primary' }, t('tokens.create_submit')))));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearProblem(form);
    const name = form.elements.name.value.trim();
    await busy(form, async () => {
      try {
        const res = await api('POST', '/api/v1/tokens', { json: { name } });
        form.reset();
        const secret = h('input', { id: 'token-value', type: 'text', readonly: true, class: 'mono', value: res.token, spellcheck: 'false', autocomplete: 'off' });
        secretBox.replaceChildren(
          h('p', null, t('tokens.created', { name: res.name || name })),
          h('div', { class: 'field' }, h('label', { for: 'token-value' }, t('tokens.secret_label')), secret));
        secretBox.hidden = false;
        secret.focus();
        secret.select();
        announce(t('tokens.created', { name: res.name || name }), 'success');
        await load();
      } catch (err) {
        if (err.status !== 401) announce(showProblem(form, err), 'error');
      }
    });
  });

  ctx.view.replaceChildren(
    h('h1', null, t('tokens.heading')),
    h('p', { class: 'lead' }, t('tokens.intro')),
    h('section', { class: 'card', 'aria-labelledby': 'token-create-heading' },
      h('h2', { id: 'token-create-heading' }, t('tokens.create_heading')), form, secretBox),
    list);
  await load();
}
