// ref.js: what the product, application and certificate pages share. The
// reference data (GET /api/v1/reference) fetched once per page, labels for
// its enumerations in the current language, the status badges (colour and
// text, never colour alone), algorithm lists, rules with their citations,
// and dates in Beijing time, which is what every legal date is counted in.

import { t, getLang, certStatusName, appStateName, certKindName } from './i18n.js';
import { api } from './api.js';
import { h, showProblem } from './dom.js';

let refPromise = null;

// The reference data; on failure the next call tries again.
export function getReference() {
  if (!refPromise) {
    refPromise = api('GET', '/api/v1/reference').then((d) => d || {}, (e) => { refPromise = null; throw e; });
  }
  return refPromise;
}

// Like getReference, but an empty object when it cannot be loaded, so a page
// can still show raw codes.
export async function referenceOrEmpty() {
  try { return await getReference(); } catch { return {}; }
}

// The label of {id, zh, en} entry `id` in list, in the current language.
export function refLabel(list, id) {
  const e = (list || []).find((x) => x.id === id);
  if (!e) return id === null || id === undefined || id === '' ? t('common.none') : String(id);
  return getLang() === 'en' ? (e.en || e.zh || e.id) : (e.zh || e.en || e.id);
}

export const categoryName = (ref, id) => refLabel(ref.product_categories, id);

// An approval item's label; a certificate's kind is either an approval item
// or one of the legacy document kinds.
export function itemName(ref, id) {
  if ((ref.approval_items || []).some((x) => x.id === id)) return refLabel(ref.approval_items, id);
  return certKindName(id);
}

// "SM2 (256 bits), SM3, SM4 (128 bits)".
export function algorithmsText(list) {
  if (!list || !list.length) return t('common.none');
  return list.map((a) => (a.key_bits ? t('product.algo_with_bits', { name: a.name, bits: a.key_bits }) : a.name))
    .join(t('common.list_sep'));
}

const CERT_BADGE = { valid: 'ok', suspended: 'warn', revoked: 'err', expired: 'off', not_yet_valid: 'info' };
const CERT_ICON = { valid: '✓', suspended: '‖', revoked: '✕', expired: '○', not_yet_valid: '…' };
const APP_BADGE = {
  received: 'info', materials_requested: 'warn', accepted: 'info', under_review: 'info',
  approved: 'ok', issued: 'ok', refused: 'err', withdrawn: 'off', halted: 'off',
};

// A certificate status as a badge: the text says it, the colour repeats it.
export function certStatusBadge(status) {
  return h('span', { class: `badge badge-${CERT_BADGE[status] || 'off'}`, 'data-status': status },
    h('span', { class: 'badge-icon', 'aria-hidden': 'true' }, CERT_ICON[status] || '?'), ' ', certStatusName(status));
}

export function appStateBadge(state) {
  return h('span', { class: `badge badge-${APP_BADGE[state] || 'off'}`, 'data-state': state }, appStateName(state));
}

// A rule's title in the current language.
export function ruleTitle(rule) {
  if (!rule) return '';
  return getLang() === 'en' ? (rule.title_en || rule.title_zh || rule.id) : (rule.title_zh || rule.title_en || rule.id);
}

// "Title (citation)" as a <cite> for the citation.
export function ruleCitation(rule) {
  if (!rule) return null;
  return h('span', { class: 'rule-ref' }, ruleTitle(rule),
    rule.citation ? [' ', h('cite', { class: 'citation' }, rule.citation)] : null);
}

// The box that explains a refusal that follows a rule: the problem's detail,
// then the rule and its citation. Used wherever the server says no by law.
export function ruleRefusal(err) {
  return h('div', { class: 'rule-refusal', role: 'note' },
    h('p', { class: 'rule-detail' }, err.detail),
    err.rule ? h('p', null, h('span', { class: 'label' }, t('rule.basis')), ' ', ruleCitation(err.rule)) : null);
}

// showProblem, plus the rule a refusal follows (its title and citation) in
// the form's error summary; returns the text for announce().
export function showRuleProblem(form, err) {
  const text = showProblem(form, err);
  if (!err.rule) return text;
  const summary = form.querySelector('.form-errors');
  if (summary) {
    summary.hidden = false;
    summary.append(h('p', { class: 'rule-basis' }, h('span', { class: 'label' }, t('rule.basis')), ' ', ruleCitation(err.rule)));
  }
  return `${text} ${t('rule.basis')} ${ruleTitle(err.rule)} ${err.rule.citation || ''}`.trim();
}

// Today's date in Beijing (UTC+8) as YYYY-MM-DD.
export function beijingToday() {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' })
    .formatToParts(new Date());
  const get = (type) => parts.find((p) => p.type === type).value;
  return `${get('year')}-${get('month')}-${get('day')}`;
}

// A YYYY-MM-DD date as <time>, or the none marker.
export function day(d) {
  if (!d) return document.createTextNode(t('common.none'));
  return h('time', { datetime: d }, d);
}

export const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

// Size in bytes for people: 12.3 KiB.
export function sizeText(n) {
  if (typeof n !== 'number') return t('common.none');
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

// The printable page of a certificate.
export function certificatePageHref(number) {
  return `/certificate.html?number=${encodeURIComponent(number)}`;
}
