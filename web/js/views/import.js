// views/import.js: CSV import of enterprises (POST
// /api/v1/registry/enterprises/import, body text/csv). On 422 csv_invalid the
// server lists every bad row; they are shown in a table and nothing is
// written.

import { t } from '../i18n.js';
import { api } from '../api.js';
import { h, show, table, formErrors, showProblem, clearProblem, busy, announce } from '../dom.js';

const HEADER = 'uscc,name_zh,name_en,roles,address,legal_representative,contact_name,contact_phone,contact_email';

export async function render(ctx) {
  const result = h('div', { id: 'import-result' });
  const form = h('form', { id: 'import-form', class: 'card', novalidate: true },
    formErrors(),
    h('div', { class: 'field' },
      h('label', { for: 'import-file' }, t('import.file')),
      h('input', { id: 'import-file', name: 'file', type: 'file', accept: '.csv,text/csv', required: true })),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn primary' }, t('import.submit'))));

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearProblem(form);
    result.replaceChildren();
    const file = form.elements.file.files[0];
    if (!file) {
      announce(showProblem(form, { detail: t('import.no_file'), errors: [] }), 'error');
      form.elements.file.focus();
      return;
    }
    await busy(form, async () => {
      const text = await file.text();
      try {
        const res = await api('POST', '/api/v1/registry/enterprises/import', { body: text, contentType: 'text/csv' });
        const n = res && typeof res.imported === 'number' ? res.imported : 0;
        result.append(h('p', { class: 'message-success' }, t('import.done', { n }), ' ',
          h('a', { href: '#/enterprises' }, t('ent.back_to_list'))));
        announce(t('import.done', { n }), 'success');
      } catch (err) {
        if (err.status === 401) return;
        if (err.rows.length) {
          const heading = h('h2', { tabindex: '-1' }, t('import.errors_heading'));
          result.append(heading, h('p', null, show(err.detail)), table({
            caption: t('import.errors_caption'),
            columns: [t('import.line'), t('import.column'), t('import.message')],
            rows: err.rows.map((r) => [String(r.line ?? ''), h('code', null, show(r.column)), show(r.message)]),
            rowHeader: true,
            className: 'data import-errors',
          }));
          announce(`${t('import.errors_heading')} (${err.rows.length})`, 'error');
          heading.focus();
        } else {
          announce(showProblem(form, err), 'error');
        }
      }
    });
  });

  ctx.view.replaceChildren(
    h('p', { class: 'crumbs' }, h('a', { href: '#/enterprises' }, t('ent.back_to_list'))),
    h('h1', null, t('import.heading')),
    h('p', { class: 'lead' }, t('import.intro')),
    h('p', null, h('span', { class: 'label' }, t('import.header_label')), ' ', h('code', { class: 'csv-header' }, HEADER)),
    form,
    result);
}
