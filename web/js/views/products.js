// views/products.js: the console's product pages. The scoped list (GET
// /api/v1/products), one product with its edit form (PATCH), and the "new
// product" form (POST). Products carry their cryptographic algorithms: the
// algorithm list editor offers the algorithms and key lengths of GET
// /api/v1/reference, so a product can only name what the server allows.

import { t } from '../i18n.js';
import { api, query, looksLikeUscc } from '../api.js';
import { h, replace, show, time, table, tableRow, dl, field, formErrors, showProblem, clearProblem, busy, announce } from '../dom.js';
import { getReference, categoryName, algorithmsText } from '../ref.js';

const FIELD_SPEC = {
  enterprise_uscc: { maxlength: 18, required: true, spellcheck: 'false', autocomplete: 'off' },
  name: { maxlength: 200, required: true },
  model: { maxlength: 100, required: true, spellcheck: 'false' },
  description: { maxlength: 2000, textarea: true, rows: 4 },
};

// Who may edit a product: its enterprise's users, officers of its bureau
// (the server checks the bureau) and the national administrator.
function canEdit(ctx, p) {
  if (ctx.user.role === 'enterprise_user') return p.enterprise_uscc === ctx.user.enterprise_uscc;
  return ctx.canManage;
}

export function canCreate(ctx) {
  return ctx.user.role === 'enterprise_user' || ctx.canManage;
}

function productLink(p) {
  return h('a', { href: `#/products/${encodeURIComponent(p.id)}` }, show(p.name));
}

// ---- algorithm list editor ------------------------------------------------

// A fieldset of rows "algorithm, key length, remove" with an "add" button.
// value() gives the ProductInput algorithms array. The fieldset is named
// "algorithms" so that a server error on algorithms[2].key_bits lands here.
export function algorithmEditor(ref, initial, formId) {
  const algos = ref.algorithms || [];
  const list = h('ol', { class: 'algo-rows', id: `${formId}-algos` });
  const add = h('button', { type: 'button', class: 'btn small', id: `${formId}-algo-add` }, t('product.algo_add'));
  let serial = 0;

  function bitsFor(name) {
    const a = algos.find((x) => x.name === name);
    return a && Array.isArray(a.key_bits) ? a.key_bits : [];
  }

  function renumber() {
    const rows = [...list.children];
    rows.forEach((row, i) => {
      const n = i + 1;
      row.querySelector('select[name=algo_name]').setAttribute('aria-label', t('product.algo_n', { n }));
      row.querySelector('select[name=algo_bits]').setAttribute('aria-label', t('product.bits_n', { n }));
      const rm = row.querySelector('button');
      rm.setAttribute('aria-label', t('product.algo_remove_n', { n }));
      rm.disabled = rows.length === 1;
    });
    add.disabled = rows.length >= 16;
  }

  function addRow(a, focus) {
    serial += 1;
    const id = `${formId}-algo-${serial}`;
    const nameSel = h('select', { name: 'algo_name', id: `${id}-name` },
      algos.map((x) => h('option', { value: x.name, selected: a && x.name === a.name }, x.name)));
    const bitsSel = h('select', { name: 'algo_bits', id: `${id}-bits` });
    const fillBits = (keep) => {
      const bits = bitsFor(nameSel.value);
      bitsSel.replaceChildren();
      if (!bits.length) {
        bitsSel.append(h('option', { value: '' }, t('product.no_key')));
        bitsSel.disabled = true;
      } else {
        bitsSel.disabled = false;
        for (const b of bits) bitsSel.append(h('option', { value: String(b), selected: keep === b }, t('product.bits', { bits: b })));
      }
    };
    if (a && !algos.some((x) => x.name === a.name)) {
      // A name the reference no longer lists: keep it visible, not lost.
      nameSel.append(h('option', { value: a.name, selected: true }, a.name));
    }
    fillBits(a ? a.key_bits : null);
    nameSel.addEventListener('change', () => fillBits(null));
    const remove = h('button', { type: 'button', class: 'btn small danger' }, t('product.algo_remove'));
    const row = h('li', { class: 'algo-row' }, nameSel, bitsSel, remove);
    remove.addEventListener('click', () => {
      const next = row.nextElementSibling || row.previousElementSibling;
      row.remove();
      renumber();
      (next ? next.querySelector('select') : add).focus();
    });
    list.append(row);
    renumber();
    if (focus) nameSel.focus();
  }

  add.addEventListener('click', () => addRow(null, true));
  for (const a of (initial && initial.length ? initial : [null])) addRow(a, false);

  const element = h('div', { class: 'field algo-field' },
    h('fieldset', { class: 'checks', name: 'algorithms', tabindex: '-1', 'aria-describedby': `${formId}-algos-hint` },
      h('legend', null, t('field.algorithms'), h('span', { class: 'req' }, ` ${t('common.required')}`)),
      h('div', { class: 'algo-head', 'aria-hidden': 'true' }, h('span', null, t('product.algo')), h('span', null, t('product.key_bits'))),
      list,
      add,
      h('p', { class: 'hint', id: `${formId}-algos-hint` }, t('product.algos_hint'))));

  return {
    element,
    value() {
      return [...list.children].map((row) => {
        const name = row.querySelector('select[name=algo_name]').value;
        const bits = row.querySelector('select[name=algo_bits]').value;
        return { name, key_bits: bits ? Number(bits) : null };
      });
    },
  };
}

function categoryField(ref, value, formId) {
  const cats = ref.product_categories || [];
  return field({
    name: 'category', id: `${formId}-category`, label: t('field.category'), required: true, value: value || '',
    options: [['', t('users.choose')], ...cats.map((c) => [c.id, categoryName(ref, c.id)])],
  });
}

function inputFor(name, value, formId) {
  return field({ ...FIELD_SPEC[name], name, id: `${formId}-${name}`, label: t(`field.${name}`), value: value ?? '' });
}

// ---- list -----------------------------------------------------------------

export async function renderList(ctx, params) {
  const own = ctx.user.role === 'enterprise_user';
  const state = { q: params.get('q') || '', enterprise: params.get('enterprise') || '', items: [], next: null };
  const [ref] = await Promise.all([getReference()]);
  if (!ctx.isCurrent()) return;

  const results = h('div', { id: 'product-results' });
  const summary = h('p', { class: 'muted', id: 'product-summary' });
  const more = h('button', { type: 'button', class: 'btn', hidden: true }, t('common.load_more'));
  const form = h('form', { id: 'product-search', class: 'search-form card', role: 'search', novalidate: true },
    h('div', { class: 'inline wrap' },
      field({ name: 'q', id: 'product-q', label: t('product.search_label'), type: 'search', value: state.q, maxlength: 200, autocomplete: 'off' }),
      own ? null : field({ name: 'enterprise', id: 'product-enterprise', label: t('field.enterprise_uscc'), value: state.enterprise, maxlength: 18, autocomplete: 'off', spellcheck: 'false' }),
      h('div', { class: 'field' }, h('span', { class: 'label-spacer', 'aria-hidden': 'true' }, '\u00a0'),
        h('button', { type: 'submit', class: 'btn primary' }, t('common.search')))));

  ctx.view.replaceChildren(
    h('div', { class: 'page-head' },
      h('h1', null, t(own ? 'product.own_heading' : 'product.list_heading')),
      canCreate(ctx) ? h('div', { class: 'actions' }, h('a', { class: 'btn', href: '#/products/new' }, t('product.new'))) : null),
    form, summary, results, h('p', null, more));

  function render() {
    results.replaceChildren();
    if (!state.items.length) {
      summary.textContent = t('product.none');
    } else {
      summary.textContent = t(state.next ? 'common.showing_more' : 'common.showing', { n: state.items.length });
      const cols = [t('field.name'), t('field.model'), t('field.category'), t('field.algorithms')];
      if (!own) cols.push(t('product.enterprise'));
      cols.push(t('field.updated_at'));
      results.append(table({ caption: t('product.caption'), columns: cols, rows: [], className: 'data products' }));
      const tbody = results.querySelector('tbody');
      for (const p of state.items) {
        const cells = [productLink(p), h('span', { class: 'mono' }, show(p.model)), categoryName(ref, p.category), algorithmsText(p.algorithms)];
        if (!own) cells.push(h('span', null, show(p.enterprise_name), h('br'), h('span', { class: 'mono muted' }, show(p.enterprise_uscc))));
        cells.push(time(p.updated_at));
        tbody.append(tableRow(cells));
      }
    }
    more.hidden = !state.next;
  }

  async function load(cursor) {
    const data = await api('GET', `/api/v1/products${query({ q: state.q, enterprise: own ? '' : state.enterprise, cursor })}`);
    if (!ctx.isCurrent()) return;
    state.items = cursor ? state.items.concat(data.items || []) : (data.items || []);
    state.next = data.next_cursor || null;
    render();
  }

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    state.q = form.elements.q.value.trim();
    let ent = form.elements.enterprise ? form.elements.enterprise.value.trim() : '';
    if (looksLikeUscc(ent)) ent = ent.toUpperCase();
    state.enterprise = ent;
    history.replaceState(null, '', `#/products${query({ q: state.q, enterprise: state.enterprise })}`);
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

// ---- detail and edit ------------------------------------------------------

function detailFields(ref, p) {
  return dl([
    [t('field.name'), show(p.name)],
    [t('field.model'), h('span', { class: 'mono' }, show(p.model))],
    [t('field.category'), categoryName(ref, p.category)],
    [t('field.algorithms'), algorithmsText(p.algorithms)],
    [t('field.description'), h('span', { class: 'prewrap' }, show(p.description))],
    [t('product.enterprise'), h('span', null, show(p.enterprise_name), ' ', h('a', { class: 'mono', href: `#/enterprises/${encodeURIComponent(p.enterprise_uscc)}` }, show(p.enterprise_uscc)))],
    [t('field.created_at'), time(p.created_at)],
    [t('field.updated_at'), time(p.updated_at)],
    [t('field.version'), show(p.version)],
  ]);
}

function sameAlgorithms(a, b) {
  const norm = (l) => JSON.stringify((l || []).map((x) => [x.name, x.key_bits ?? null]));
  return norm(a) === norm(b);
}

export async function renderDetail(ctx, id) {
  let p;
  let ref;
  try {
    [p, ref] = await Promise.all([api('GET', `/api/v1/products/${encodeURIComponent(id)}`), getReference()]);
  } catch (err) {
    if (err.status !== 404) throw err;
    if (!ctx.isCurrent()) return;
    ctx.view.replaceChildren(
      h('p', { class: 'crumbs' }, h('a', { href: '#/products' }, t('product.back_to_list'))),
      h('h1', null, t('product.detail_heading')),
      h('p', { class: 'message-error' }, t('product.not_found')));
    return;
  }
  if (!ctx.isCurrent()) return;

  const heading = h('h1', null, p.name, h('span', { class: 'sub mono' }, p.model));
  const fieldsBox = h('section', { class: 'card', 'aria-labelledby': 'product-fields-heading' },
    h('h2', { id: 'product-fields-heading', class: 'visually-hidden' }, t('product.detail_heading')),
    detailFields(ref, p));
  const parts = [
    h('p', { class: 'crumbs' }, h('a', { href: '#/products' }, t('product.back_to_list'))),
    h('div', { class: 'page-head' }, heading,
      ctx.user.role === 'enterprise_user' && p.enterprise_uscc === ctx.user.enterprise_uscc
        ? h('div', { class: 'actions' }, h('a', { class: 'btn primary', href: `#/applications/new?product=${encodeURIComponent(p.id)}` }, t('product.apply')))
        : null),
    fieldsBox,
  ];

  if (canEdit(ctx, p)) {
    const formId = 'product-edit';
    const editor = algorithmEditor(ref, p.algorithms, formId);
    const form = h('form', { id: formId, novalidate: true },
      formErrors(),
      h('div', { class: 'grid' },
        inputFor('name', p.name, formId), inputFor('model', p.model, formId), categoryField(ref, p.category, formId)),
      editor.element,
      inputFor('description', p.description, formId),
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn primary' }, t('common.save'))));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearProblem(form);
      const patch = {};
      for (const n of ['name', 'model', 'category', 'description']) {
        const v = form.elements[n].value.trim();
        if (v !== (p[n] ?? '')) patch[n] = v;
      }
      const algos = editor.value();
      if (!sameAlgorithms(algos, p.algorithms)) patch.algorithms = algos;
      if (!Object.keys(patch).length) { announce(t('ent.nothing_changed'), 'info'); return; }
      await busy(form, async () => {
        try {
          p = await api('PATCH', `/api/v1/products/${encodeURIComponent(p.id)}`, { json: patch });
          fieldsBox.replaceChildren(fieldsBox.firstChild, detailFields(ref, p));
          heading.replaceChildren(p.name, h('span', { class: 'sub mono' }, p.model));
          announce(t('product.saved'), 'success');
        } catch (err) {
          if (err.status === 401) return;
          announce(showProblem(form, err), 'error');
        }
      });
    });
    parts.push(h('section', { class: 'card', 'aria-labelledby': 'product-edit-heading' },
      h('h2', { id: 'product-edit-heading' }, t('product.edit_heading')), form));
  } else {
    parts.push(h('p', { class: 'muted' }, t('product.read_only')));
  }
  replace(ctx.view, parts);
}

// ---- create ---------------------------------------------------------------

export async function renderCreate(ctx, params) {
  const ref = await getReference();
  if (!ctx.isCurrent()) return;
  const formId = 'product-create';
  const own = ctx.user.role === 'enterprise_user';
  const editor = algorithmEditor(ref, [], formId);
  const form = h('form', { id: formId, novalidate: true },
    formErrors(),
    h('div', { class: 'grid' },
      own ? null : inputFor('enterprise_uscc', params.get('enterprise') || '', formId),
      inputFor('name', '', formId), inputFor('model', '', formId), categoryField(ref, '', formId)),
    editor.element,
    inputFor('description', '', formId),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'btn primary' }, t('product.create_submit')),
      h('a', { class: 'btn', href: '#/products' }, t('common.cancel'))));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearProblem(form);
    const body = {
      name: form.elements.name.value.trim(),
      model: form.elements.model.value.trim(),
      category: form.elements.category.value,
      algorithms: editor.value(),
    };
    const desc = form.elements.description.value.trim();
    if (desc) body.description = desc;
    if (!own) body.enterprise_uscc = form.elements.enterprise_uscc.value.trim().toUpperCase();
    await busy(form, async () => {
      try {
        const created = await api('POST', '/api/v1/products', { json: body });
        ctx.flash(t('product.created'));
        ctx.navigate(`#/products/${encodeURIComponent(created.id)}`);
      } catch (err) {
        if (err.status === 401) return;
        announce(showProblem(form, err), 'error');
      }
    });
  });
  ctx.view.replaceChildren(
    h('p', { class: 'crumbs' }, h('a', { href: '#/products' }, t('product.back_to_list'))),
    h('h1', null, t('product.new_heading')),
    h('section', { class: 'card' }, form));
}
