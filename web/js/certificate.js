// certificate.js: the printable page of one certificate
// (web/certificate.html?number=N[&at=DATE]). Reads the public record (GET
// /api/v1/certificates/{number}), shows the holder, the product, the issuing
// bureau, the dates and the status today (or on `at`), the QR code of the
// public lookup URL (.../qr.svg), and how to check the bureau's SM2
// signature with OpenSSL using the signed document, the signature and the
// bureau's public key. Print styles are in app.css (@media print).

import { t, applyI18n, bindLangSelect, onLangChange, bureauName } from './i18n.js';
import { api, query, bureauMap } from './api.js';
import { h, show, dl, announce } from './dom.js';
import { referenceOrEmpty, categoryName, itemName, algorithmsText, certStatusBadge, day, beijingToday, DATE_RE } from './ref.js';
import { historyTable } from './views/certificates.js';

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const number = (params.get('number') || '').trim();
const at = DATE_RE.test(params.get('at') || '') ? params.get('at') : '';

const state = { cert: null, ref: {}, bureaus: new Map(), error: null };

function certPath(n) {
  return `/api/v1/certificates/${encodeURIComponent(n)}`;
}

function bureauLabel(code) {
  const b = state.bureaus.get(code);
  return b ? bureauName(b) : show(code);
}

function verifySection(c) {
  if (!c.key_id) {
    return h('section', { class: 'cert-verify', 'aria-labelledby': 'verify-heading' },
      h('h2', { id: 'verify-heading' }, t('certpage.verify_heading')),
      h('p', null, t('certpage.unsigned')));
  }
  const origin = location.origin;
  const doc = `${certPath(c.number)}/document`;
  const sig = `${certPath(c.number)}/signature`;
  const key = `/api/v1/signing-keys/${encodeURIComponent(c.key_id)}.pem`;
  const commands = [
    `curl -o cert.json '${origin}${doc}'`,
    `curl -o cert.sig '${origin}${sig}'`,
    `curl -o key.pem '${origin}${key}'`,
    'openssl pkeyutl -verify -pubin -inkey key.pem -rawin -in cert.json -sigfile cert.sig -digest sm3 -pkeyopt distid:1234567812345678',
  ];
  return h('section', { class: 'cert-verify', 'aria-labelledby': 'verify-heading' },
    h('h2', { id: 'verify-heading' }, t('certpage.verify_heading')),
    h('ul', { class: 'link-list downloads' },
      h('li', null, h('a', { id: 'dl-document', href: doc, download: `${c.number}.json` }, t('certpage.dl_document'))),
      h('li', null, h('a', { id: 'dl-signature', href: sig, download: `${c.number}.sig` }, t('certpage.dl_signature'))),
      h('li', null, h('a', { id: 'dl-key', href: key, download: `${c.key_id}.pem` }, t('certpage.dl_key', { key: c.key_id })))),
    h('p', null, t('certpage.verify_intro')),
    h('pre', { class: 'command', tabindex: '0', 'aria-label': t('certpage.commands') }, h('code', null, commands.join('\n'))),
    h('p', { class: 'hint' }, t('certpage.verify_ok')));
}

function render() {
  const box = $('cert');
  if (!number) {
    document.title = `${t('certpage.heading')} · ${t('app.name')}`;
    box.replaceChildren(h('h1', null, t('certpage.heading')),
      h('p', { class: 'message-warn' }, t('certpage.no_number'), ' ', h('a', { href: '/#certificates' }, t('nav.certificates'))));
    return;
  }
  if (state.error) {
    document.title = `${t('certpage.heading')} · ${t('app.name')}`;
    box.replaceChildren(h('h1', null, t('certpage.heading'), ' ', h('span', { class: 'mono' }, number)),
      h('p', { class: 'message-error' }, state.error.status === 404 ? t('certpage.not_found', { number }) : t('common.error', { detail: state.error.detail })),
      h('p', null, h('a', { href: '/#certificates' }, t('nav.certificates'))));
    return;
  }
  const c = state.cert;
  if (!c) return;
  const p = c.product || {};
  const holder = c.holder || {};
  const statusDate = c.status_on || at || beijingToday();
  document.title = `${t('certpage.heading')} ${c.number} · ${t('app.name')}`;
  const qr = h('figure', { class: 'cert-qr' },
    h('img', { id: 'cert-qr', src: `${certPath(c.number)}/qr.svg`, width: '160', height: '160', alt: t('certpage.qr_alt', { number: c.number }) }),
    h('figcaption', null, t('certpage.qr_caption')));
  const sheet = h('article', { class: 'cert-sheet', 'aria-labelledby': 'cert-title' },
    h('div', { class: 'cert-head' },
      h('div', { class: 'cert-titles' },
        h('p', { class: 'cert-issuer' }, bureauLabel(c.bureau_code)),
        h('h1', { id: 'cert-title' }, t('certpage.heading'), h('span', { class: 'sub' }, itemName(state.ref, c.kind),
          c.legacy ? ` · ${t('cert.legacy')}` : '')),
        h('p', { class: 'cert-number' }, h('span', { class: 'label' }, t('field.number')), ' ', h('span', { class: 'mono', id: 'cert-number' }, c.number))),
      qr),
    h('p', { class: 'cert-status', id: 'cert-status' },
      h('span', { class: 'label' }, at ? t('certpage.status_on', { date: statusDate }) : t('certpage.status_today', { date: statusDate })), ' ',
      certStatusBadge(c.status)),
    h('h2', { class: 'cert-section' }, t('certpage.product')),
    dl([
      [t('field.name'), show(p.name)],
      [t('field.model'), h('span', { class: 'mono' }, show(p.model))],
      [t('field.category'), p.category ? categoryName(state.ref, p.category) : t('common.none')],
      [t('field.algorithms'), algorithmsText(p.algorithms)],
    ], 'fields cert-fields'),
    h('h2', { class: 'cert-section' }, t('certpage.holder')),
    dl([
      [t('field.name'), show(holder.name)],
      [t('field.uscc'), h('span', { class: 'mono' }, show(holder.uscc))],
    ], 'fields cert-fields'),
    h('h2', { class: 'cert-section' }, t('certpage.issue')),
    dl([
      [t('cert.bureau'), h('span', null, bureauLabel(c.bureau_code), ' ', h('span', { class: 'mono muted' }, `(${show(c.bureau_code)})`))],
      [t('cert.issued_on'), day(c.issued_on)],
      [t('cert.expires_on'), day(c.expires_on)],
      [t('cert.key_id'), c.key_id ? h('span', { class: 'mono' }, c.key_id) : t('cert.unsigned')],
    ], 'fields cert-fields'),
    verifySection(c),
    h('section', { class: 'cert-history', 'aria-labelledby': 'history-heading' },
      h('h2', { id: 'history-heading' }, t('cert.history_heading')), historyTable(c)));
  const tools = h('div', { class: 'actions no-print' },
    h('button', { type: 'button', class: 'btn primary', id: 'print', onclick: () => window.print() }, t('certpage.print')),
    h('a', { class: 'btn', href: `/?${query({ certificate: c.number }).slice(1)}#certificates` }, t('certpage.lookup')));
  box.replaceChildren(tools, sheet);
}

async function init() {
  applyI18n();
  bindLangSelect($('lang-select'));
  onLangChange(render);
  render();
  if (!number) return;
  const [cert, ref, bureaus] = await Promise.all([
    api('GET', `${certPath(number)}${query({ at })}`).catch((err) => { state.error = err; return null; }),
    referenceOrEmpty(),
    bureauMap(),
  ]);
  state.cert = cert;
  state.ref = ref;
  state.bureaus = bureaus;
  render();
  if (state.error && state.error.status !== 404) announce(t('common.error', { detail: state.error.detail }), 'error');
}

init();
