// views/enterprises.js: the console's enterprise pages. The scoped list
// (GET /api/v1/registry/enterprises), one enterprise with its edit form
// (PATCH) and, for the national administrator, the bureau override (PUT
// .../bureau), and the "new enterprise" form (POST). What a role may edit
// mirrors docs/api.md; the server enforces it, the page only offers it.

import { t, bureauName, enterpriseRoleName, ENTERPRISE_ROLES } from '../i18n.js';
import { api, query, looksLikeUscc } from '../api.js';
import { h, replace, show, time, table, tableRow, dl, field, formErrors, showProblem, clearProblem, busy, announce } from '../dom.js';

const CONTACT_FIELDS = ['contact_name', 'contact_phone', 'contact_email', 'address'];
const MANAGER_FIELDS = ['name_zh', 'name_en', 'roles', 'address', 'legal_representative', 'contact_name', 'contact_phone', 'contact_email'];

// Field definitions shared by the edit and create forms (limits from the API).
const FIELD_SPEC = {
  uscc: { maxlength: 18, required: true, spellcheck: 'false', autocomplete: 'off' },
  name_zh: { maxlength: 200, required: true },
  name_en: { maxlength: 300 },
  address: { maxlength: 300, autocomplete: 'street-address' },
  legal_representative: { maxlength: 100 },
  contact_name: { maxlength: 100, autocomplete: 'name' },
  contact_phone: { maxlength: 40, type: 'tel', autocomplete: 'tel' },
  contact_email: { maxlength: 254, type: 'email', autocomplete: 'email' },
};

function rolesText(list) {
  return show((list || []).map(enterpriseRoleName).join(t('common.list_sep')));
}

function bureauText(ctx, code) {
  if (!code) return t('common.none');
  const b = ctx.bureaus.get(code);
  return b ? `${bureauName(b)} (${code})` : code;
}

function usccLink(uscc) {
  return h('a', { href: `#/enterprises/${encodeURIComponent(uscc)}`, class: 'mono' }, uscc);
}

// ---- list ---------------------------------------------------------------

export async function renderList(ctx, params) {
  const own = ctx.user.role === 'enterprise_user';
  const state = { q: params.get('q') || '', bureau: params.get('bureau') || '', items: [], next: null };

  const results = h('div', { id: 'ent-results' });
  const summary = h('p', { class: 'muted', id: 'ent-summary' });
  const more = h('button', { type: 'button', class: 'btn', id: 'ent-more', hidden: true }, t('common.load_more'));

  const form = h('form', { id: 'ent-search', class: 'search-form card', role: 'search', novalidate: true },
    h('div', { class: 'inline wrap' },
      field({ name: 'q', label: t('ent.search_label'), type: 'search', value: state.q, maxlength: 300, autocomplete: 'off' }),
      ctx.isAdmin ? field({
        name: 'bureau', label: t('ent.bureau_filter'), value: state.bureau,
        options: [['', t('ent.all_bureaus')], ...[...ctx.bureaus.values()].map((b) => [b.code, `${b.code} ${bureauName(b)}`])],
      }) : null,
      h('div', { class: 'field' }, h('span', { class: 'label-spacer', 'aria-hidden': 'true' }, '\u00a0'),
        h('button', { type: 'submit', class: 'btn primary' }, t('common.search')))));

  replace(ctx.view,
    h('div', { class: 'page-head' },
      h('h1', null, t(own ? 'ent.own_heading' : 'ent.list_heading')),
      ctx.canManage ? h('div', { class: 'actions' },
        h('a', { class: 'btn', href: '#/enterprises/new' }, t('ent.new')),
        h('a', { class: 'btn', href: '#/import' }, t('ent.import'))) : null),
    own ? null : form,
    summary, results, h('p', null, more));

  function render() {
    results.replaceChildren();
    if (!state.items.length) {
      summary.textContent = t('ent.none');
    } else {
      summary.textContent = t(state.next ? 'common.showing_more' : 'common.showing', { n: state.items.length });
      results.append(table({
        caption: t('ent.caption'),
        columns: [t('field.uscc'), t('field.name_zh'), t('field.name_en'), t('field.roles'), t('field.bureau'), t('field.updated_at')],
        rows: [],
        className: 'data enterprises',
      }));
      const tbody = results.querySelector('tbody');
      for (const e of state.items) {
        tbody.append(tableRow([usccLink(e.uscc), show(e.name_zh), show(e.name_en), rolesText(e.roles), bureauText(ctx, e.bureau_code), time(e.updated_at)]));
      }
    }
    more.hidden = !state.next;
  }

  async function load(cursor) {
    const data = await api('GET', `/api/v1/registry/enterprises${query({ q: state.q, bureau: ctx.isAdmin ? state.bureau : '', cursor })}`);
    if (!ctx.isCurrent()) return;
    state.items = cursor ? state.items.concat(data.items || []) : (data.items || []);
    state.next = data.next_cursor || null;
    render();
  }

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    let q = form.elements.q.value.trim();
    if (looksLikeUscc(q)) q = q.toUpperCase();
    state.q = q;
    state.bureau = form.elements.bureau ? form.elements.bureau.value : '';
    // Keep the search in the address (bookmarkable) without a re-route.
    history.replaceState(null, '', `#/enterprises${query({ q: state.q, bureau: state.bureau })}`);
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
    try {
      await load(state.next);
    } catch (err) {
      announce(t('common.error', { detail: err.detail }), 'error');
      return;
    }
    results.querySelectorAll('tbody tr')[firstNew]?.querySelector('a')?.focus();
  });

  await load(null);
}

// ---- detail, edit, bureau override ----------------------------------------

function detailFields(ctx, e) {
  const bureau = [bureauText(ctx, e.bureau_code)];
  if (e.derived_bureau_code && e.bureau_code !== e.derived_bureau_code) bureau.push(' ', h('span', { class: 'tag' }, t('ent.overridden')));
  return dl([
    [t('field.uscc'), h('span', { class: 'mono' }, e.uscc)],
    [t('field.name_zh'), show(e.name_zh)],
    [t('field.name_en'), show(e.name_en)],
    [t('field.roles'), rolesText(e.roles)],
    [t('field.address'), show(e.address)],
    [t('field.legal_representative'), show(e.legal_representative)],
    [t('field.contact_name'), show(e.contact_name)],
    [t('field.contact_phone'), show(e.contact_phone)],
    [t('field.contact_email'), show(e.contact_email)],
    [t('field.division_code'), show(e.division_code)],
    [t('field.bureau'), h('span', null, bureau)],
    [t('field.derived_bureau_code'), bureauText(ctx, e.derived_bureau_code)],
    [t('field.bureau_override_reason'), show(e.bureau_override_reason)],
    [t('field.created_at'), time(e.created_at)],
    [t('field.updated_at'), time(e.updated_at)],
    [t('field.version'), show(e.version)],
  ]);
}

function rolesFieldset(selected, formId) {
  const set = new Set(selected || []);
  return h('div', { class: 'field' },
    h('fieldset', { class: 'checks', 'aria-describedby': `${formId}-roles-hint` },
      h('legend', null, t('field.roles'), h('span', { class: 'req' }, ` ${t('common.required')}`)),
      ENTERPRISE_ROLES.map((r) => h('label', { class: 'check' },
        h('input', { type: 'checkbox', name: 'roles', value: r, checked: set.has(r) }), ' ', enterpriseRoleName(r))),
      h('p', { class: 'hint', id: `${formId}-roles-hint` }, t('ent.roles_hint'))));
}

function inputFor(name, value, formId) {
  const spec = FIELD_SPEC[name] || {};
  return field({ ...spec, name, id: `${formId}-${name}`, label: t(`field.${name}`), value: value ?? '' });
}

function formValue(form, name) {
  if (name === 'roles') return [...form.querySelectorAll('input[name="roles"]:checked')].map((i) => i.value);
  return form.elements[name].value.trim();
}

function sameValue(a, b) {
  if (Array.isArray(a) || Array.isArray(b)) return JSON.stringify([...(a || [])].sort()) === JSON.stringify([...(b || [])].sort());
  return (a ?? '') === (b ?? '');
}

export async function renderDetail(ctx, uscc) {
  let e;
  try {
    e = await api('GET', `/api/v1/registry/enterprises/${encodeURIComponent(uscc)}`);
  } catch (err) {
    if (err.status !== 404) throw err;
    if (!ctx.isCurrent()) return;
    ctx.view.replaceChildren(
      h('p', { class: 'crumbs' }, h('a', { href: '#/enterprises' }, t('ent.back_to_list'))),
      h('h1', null, t('ent.detail_heading')),
      h('p', { class: 'message-error' }, t('ent.not_found')));
    return;
  }
  if (!ctx.isCurrent()) return;

  const role = ctx.user.role;
  const editable = role === 'enterprise_user' ? CONTACT_FIELDS : ctx.canManage ? MANAGER_FIELDS : [];
  const fieldsBox = h('section', { class: 'card', 'aria-labelledby': 'ent-fields-heading' },
    h('h2', { id: 'ent-fields-heading', class: 'visually-hidden' }, t('ent.detail_heading')),
    detailFields(ctx, e));
  const heading = h('h1', null, e.name_zh, e.name_en ? h('span', { class: 'sub', lang: 'en' }, e.name_en) : null);

  const parts = [
    h('p', { class: 'crumbs' }, h('a', { href: '#/enterprises' }, t('ent.back_to_list'))),
    heading,
    fieldsBox,
  ];

  const refresh = (next) => {
    e = next;
    fieldsBox.replaceChildren(fieldsBox.firstChild, detailFields(ctx, e));
    replace(heading, e.name_zh, e.name_en ? h('span', { class: 'sub', lang: 'en' }, e.name_en) : null);
  };

  if (editable.length) {
    const formId = 'ent-edit';
    const form = h('form', { id: formId, novalidate: true },
      formErrors(),
      h('div', { class: 'grid' },
        editable.map((name) => (name === 'roles' ? rolesFieldset(e.roles, formId) : inputFor(name, e[name], formId)))),
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn primary' }, t('common.save'))));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearProblem(form);
      const patch = {};
      for (const name of editable) {
        const v = formValue(form, name);
        if (!sameValue(v, e[name])) patch[name] = v;
      }
      if (!Object.keys(patch).length) { announce(t('ent.nothing_changed'), 'info'); return; }
      await busy(form, async () => {
        try {
          const next = await api('PATCH', `/api/v1/registry/enterprises/${encodeURIComponent(e.uscc)}`, { json: patch });
          refresh(next);
          announce(t('ent.saved'), 'success');
        } catch (err) {
          if (err.status === 401) return;
          announce(showProblem(form, err), 'error');
        }
      });
    });
    parts.push(h('section', { class: 'card', 'aria-labelledby': 'ent-edit-heading' },
      h('h2', { id: 'ent-edit-heading' }, t(role === 'enterprise_user' ? 'ent.edit_contact_heading' : 'ent.edit_heading')),
      form));
  } else {
    parts.push(h('p', { class: 'muted' }, t('ent.read_only')));
  }

  if (ctx.isAdmin) parts.push(overrideSection(ctx, () => e, refresh));

  ctx.view.replaceChildren(...parts);
}

function overrideSection(ctx, current, refresh) {
  const e = current();
  const overridden = e.derived_bureau_code && e.bureau_code !== e.derived_bureau_code;
  const form = h('form', { id: 'ent-bureau', novalidate: true },
    formErrors(),
    field({
      name: 'bureau_code', id: 'ent-bureau-code', label: t('field.bureau_code'),
      value: overridden ? e.bureau_code : '',
      options: [['', `${t('ent.override_derived')} (${bureauText(ctx, e.derived_bureau_code)})`],
        ...[...ctx.bureaus.values()].map((b) => [b.code, `${b.code} ${bureauName(b)}`])],
    }),
    field({ name: 'reason', id: 'ent-bureau-reason', label: t('field.reason'), textarea: true, maxlength: 500, required: true }),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn' }, t('ent.override_submit'))));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearProblem(form);
    const code = form.elements.bureau_code.value;
    const body = { bureau_code: code || null, reason: form.elements.reason.value.trim() };
    await busy(form, async () => {
      try {
        const res = await api('PUT', `/api/v1/registry/enterprises/${encodeURIComponent(current().uscc)}/bureau`, { json: body });
        // The contract does not say what PUT returns; re-read to be sure.
        const next = res && res.uscc ? res : await api('GET', `/api/v1/registry/enterprises/${encodeURIComponent(current().uscc)}`);
        refresh(next);
        form.elements.reason.value = '';
        announce(t('ent.override_saved'), 'success');
      } catch (err) {
        if (err.status === 401) return;
        announce(showProblem(form, err), 'error');
      }
    });
  });
  return h('section', { class: 'card', 'aria-labelledby': 'ent-bureau-heading' },
    h('h2', { id: 'ent-bureau-heading' }, t('ent.override_heading')),
    h('p', { class: 'hint' }, t('ent.override_intro')),
    form);
}

// ---- create ---------------------------------------------------------------

export async function renderCreate(ctx) {
  const formId = 'ent-create';
  const names = ['uscc', 'name_zh', 'name_en', 'roles', 'address', 'legal_representative', 'contact_name', 'contact_phone', 'contact_email'];
  const form = h('form', { id: formId, novalidate: true },
    formErrors(),
    h('div', { class: 'grid' }, names.map((n) => (n === 'roles' ? rolesFieldset([], formId) : inputFor(n, '', formId)))),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'btn primary' }, t('ent.create_submit')),
      h('a', { class: 'btn', href: '#/enterprises' }, t('common.cancel'))));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearProblem(form);
    const body = {};
    for (const n of names) {
      const v = formValue(form, n);
      if (n === 'uscc') body[n] = v.toUpperCase();
      else if (n === 'roles' || n === 'name_zh' || v !== '') body[n] = v;
    }
    await busy(form, async () => {
      try {
        const created = await api('POST', '/api/v1/registry/enterprises', { json: body });
        ctx.flash(t('ent.created'));
        ctx.navigate(`#/enterprises/${encodeURIComponent(created.uscc || body.uscc)}`);
      } catch (err) {
        if (err.status === 401) return;
        announce(showProblem(form, err), 'error');
      }
    });
  });
  ctx.view.replaceChildren(
    h('p', { class: 'crumbs' }, h('a', { href: '#/enterprises' }, t('ent.back_to_list'))),
    h('h1', null, t('ent.new_heading')),
    h('section', { class: 'card' }, form));
}
