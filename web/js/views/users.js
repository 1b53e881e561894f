// views/users.js: the users page. The national administrator sees every
// user, adds users (POST /api/v1/users) and disables them (POST
// .../disable); a bureau officer sees the users of their own bureau only.

import { t, bureauName, userRoleName, USER_ROLES } from '../i18n.js';
import { api, query } from '../api.js';
import { h, show, time, table, tableRow, field, formErrors, showProblem, clearProblem, busy, announce } from '../dom.js';

export async function render(ctx) {
  const state = { items: [], next: null };
  const results = h('div', { id: 'users-results' });
  const more = h('button', { type: 'button', class: 'btn', hidden: true }, t('common.load_more'));

  function bureauText(code) {
    if (!code) return t('common.none');
    const b = ctx.bureaus.get(code);
    return b ? bureauName(b) : code;
  }

  function row(u) {
    let action = t('common.none');
    if (ctx.isAdmin && !u.disabled && u.username !== ctx.user.username) {
      action = h('button', { type: 'button', class: 'btn small danger', 'aria-label': `${t('users.disable')} ${u.username}`,
        onclick: () => disable(u) }, t('users.disable'));
    }
    return tableRow([
      h('span', { class: 'mono' }, u.username),
      show(u.display_name),
      userRoleName(u.role),
      bureauText(u.bureau_code),
      u.enterprise_uscc ? h('a', { class: 'mono', href: `#/enterprises/${encodeURIComponent(u.enterprise_uscc)}` }, u.enterprise_uscc) : t('common.none'),
      h('span', { class: u.disabled ? 'tag tag-off' : 'tag tag-on' }, t(u.disabled ? 'users.disabled' : 'users.active')),
      time(u.created_at),
      action,
    ], true);
  }

  function renderTable() {
    results.replaceChildren();
    if (!state.items.length) { results.append(h('p', { class: 'muted' }, t('users.none'))); more.hidden = true; return; }
    const cols = [t('field.username'), t('field.display_name'), t('field.role'), t('field.bureau'),
      t('field.enterprise_uscc'), t('field.disabled'), t('field.created_at'), t('common.actions')];
    results.append(table({ caption: t('users.caption'), columns: cols, rows: [], className: 'data users' }));
    const tbody = results.querySelector('tbody');
    for (const u of state.items) tbody.append(row(u));
    more.hidden = !state.next;
  }

  async function load(cursor) {
    const data = await api('GET', `/api/v1/users${query({ cursor })}`);
    if (!ctx.isCurrent()) return;
    state.items = cursor ? state.items.concat(data.items || []) : (data.items || []);
    state.next = data.next_cursor || null;
    renderTable();
  }

  async function disable(u) {
    if (!window.confirm(t('users.disable_confirm', { name: u.username }))) return;
    try {
      const next = await api('POST', `/api/v1/users/${encodeURIComponent(u.username)}/disable`);
      const i = state.items.findIndex((x) => x.username === u.username);
      if (i >= 0) state.items[i] = next && next.username ? next : { ...u, disabled: true };
      renderTable();
      announce(t('users.disabled_done', { name: u.username }), 'success');
      results.querySelector('caption')?.setAttribute('tabindex', '-1');
      results.querySelector('caption')?.focus();
    } catch (err) {
      if (err.status !== 401) announce(t('common.error', { detail: err.detail }), 'error');
    }
  }

  more.addEventListener('click', async () => {
    try { await load(state.next); } catch (err) { announce(t('common.error', { detail: err.detail }), 'error'); }
  });

  const parts = [h('h1', null, t('users.heading')), results, h('p', null, more)];
  if (ctx.isAdmin) parts.push(addForm(ctx, async (u) => {
    state.items.push(u);
    renderTable();
  }));
  ctx.view.replaceChildren(...parts);
  await load(null);
}

function addForm(ctx, onAdded) {
  const formId = 'user-add';
  const bureauOptions = [['', t('users.choose')], ...[...ctx.bureaus.values()].map((b) => [b.code, `${b.code} ${bureauName(b)}`])];
  const form = h('form', { id: formId, novalidate: true },
    formErrors(),
    h('div', { class: 'grid' },
      field({ name: 'username', id: `${formId}-username`, label: t('field.username'), required: true, maxlength: 64, autocomplete: 'off', spellcheck: 'false', hint: t('users.username_hint') }),
      field({ name: 'display_name', id: `${formId}-display_name`, label: t('field.display_name'), required: true, maxlength: 100, autocomplete: 'off' }),
      field({ name: 'role', id: `${formId}-role`, label: t('field.role'), required: true, value: 'bureau_officer',
        options: USER_ROLES.map((r) => [r, userRoleName(r)]) }),
      field({ name: 'password', id: `${formId}-password`, label: t('field.password'), type: 'password', required: true, maxlength: 256, autocomplete: 'new-password', hint: t('users.password_hint') }),
      field({ name: 'bureau_code', id: `${formId}-bureau_code`, label: t('field.bureau_code'), options: bureauOptions, hint: t('users.bureau_hint') }),
      field({ name: 'enterprise_uscc', id: `${formId}-enterprise_uscc`, label: t('field.enterprise_uscc'), maxlength: 18, autocomplete: 'off', spellcheck: 'false', hint: t('users.enterprise_hint') })),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn primary' }, t('users.add_submit'))));

  const roleSel = form.elements.role;
  const bureauField = form.elements.bureau_code.closest('.field');
  const entField = form.elements.enterprise_uscc.closest('.field');
  function syncRole() {
    const r = roleSel.value;
    bureauField.hidden = !(r === 'bureau_officer' || r === 'inspector');
    entField.hidden = r !== 'enterprise_user';
  }
  roleSel.addEventListener('change', syncRole);
  syncRole();

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearProblem(form);
    const role = roleSel.value;
    const body = {
      username: form.elements.username.value.trim(),
      display_name: form.elements.display_name.value.trim(),
      role,
      password: form.elements.password.value,
    };
    if (role === 'bureau_officer' || role === 'inspector') body.bureau_code = form.elements.bureau_code.value;
    if (role === 'enterprise_user') body.enterprise_uscc = form.elements.enterprise_uscc.value.trim().toUpperCase();
    await busy(form, async () => {
      try {
        const u = await api('POST', '/api/v1/users', { json: body });
        form.reset();
        syncRole();
        await onAdded(u);
        announce(t('users.added', { name: u.username || body.username }), 'success');
      } catch (err) {
        if (err.status !== 401) announce(showProblem(form, err), 'error');
      }
    });
  });

  return h('section', { class: 'card', 'aria-labelledby': 'user-add-heading' },
    h('h2', { id: 'user-add-heading' }, t('users.add_heading')), form);
}
