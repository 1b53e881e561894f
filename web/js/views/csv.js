// views/csv.js: what the CSV uploads of issue 3 share (legacy certificate
// import, calendar years). When the server refuses a file it lists every bad
// row (422 with "rows"); they are shown as a table under a heading that takes
// the focus, the way the enterprise import shows them.

import { t } from '../i18n.js';
import { h, show, table, announce } from '../dom.js';

// Shows err.rows in container; false when the problem has no rows (the
// caller then shows it next to the form).
export function csvRowsResult(container, err, className = 'data import-errors') {
  if (!err.rows || !err.rows.length) return false;
  const heading = h('h2', { tabindex: '-1' }, t('csv.errors_heading'));
  container.append(heading, h('p', null, show(err.detail)), table({
    caption: t('import.errors_caption'),
    columns: [t('import.line'), t('import.column'), t('import.message')],
    rows: err.rows.map((r) => [String(r.line ?? ''), h('code', null, show(r.column)), show(r.message)]),
    rowHeader: true,
    className,
  }));
  announce(`${t('csv.errors_heading')} (${err.rows.length})`, 'error');
  heading.focus();
  return true;
}
