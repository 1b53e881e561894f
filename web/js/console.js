// console.js: the signed-in console (web/console/index.html). Owns the
// session (login, the in-memory CSRF token, logout), the role-dependent menu
// and the hash router (#/enterprises, #/enterprises/USCC, #/products,
// #/applications, #/overdue, #/certificates, #/import, #/users, #/audit,
// #/calendar, #/rules, #/tokens, #/filings, #/filings/ID, #/filings/status,
// #/filings/statistics). Each page lives in js/views/ and renders into #view.

import { t, applyI18n, bindLangSelect, onLangChange, userRoleName, bureauName } from './i18n.js';
import { api, setCsrfToken, onUnauthenticated, bureauMap } from './api.js';
import { h, announce, focusHeading, field, formErrors, showProblem, clearProblem, busy } from './dom.js';
import * as enterprises from './views/enterprises.js';
import * as users from './views/users.js';
import * as audit from './views/audit.js';
import * as tokens from './views/tokens.js';
import * as importer from './views/import.js';
import * as products from './views/products.js';
import * as applications from './views/applications.js';
import * as certificates from './views/certificates.js';
import * as calendar from './views/calendar.js';
import * as rules from './views/rules.js';
import * as filings from './views/filings.js';
import * as filingStats from './views/filing_stats.js';

const $ = (id) => document.getElementById(id);

const ADMIN = 'national_admin';
const OFFICER = 'bureau_officer';
const INSPECTOR = 'inspector';
const ENTERPRISE = 'enterprise_user';
const ALL = [ADMIN, OFFICER, INSPECTOR, ENTERPRISE];

// The menu, in order, and which roles see each item. A route not in the
// menu (detail, new) names the menu item it belongs to.
const MENU = [
  { path: 'enterprises', key: 'console.menu.enterprises', ownKey: 'console.menu.own_enterprise', roles: ALL },
  { path: 'products', key: 'console.menu.products', ownKey: 'console.menu.own_products', roles: ALL },
  { path: 'applications', key: 'console.menu.applications', ownKey: 'console.menu.own_applications', roles: ALL },
  { path: 'overdue', key: 'console.menu.overdue', roles: [ADMIN, OFFICER] },
  { path: 'certificates', key: 'console.menu.certificates', ownKey: 'console.menu.own_certificates', roles: ALL },
  { path: 'filings', key: 'console.menu.filings', ownKey: 'console.menu.own_filings', roles: ALL },
  { path: 'filings/status', key: 'console.menu.filing_status', roles: [ADMIN, OFFICER, INSPECTOR] },
  { path: 'filings/statistics', key: 'console.menu.filing_statistics', roles: [ADMIN, OFFICER] },
  { path: 'import', key: 'console.menu.import', roles: [ADMIN, OFFICER] },
  { path: 'users', key: 'console.menu.users', roles: [ADMIN, OFFICER] },
  { path: 'audit', key: 'console.menu.audit', roles: [ADMIN, OFFICER] },
  { path: 'calendar', key: 'console.menu.calendar', roles: [ADMIN, OFFICER, INSPECTOR] },
  { path: 'rules', key: 'console.menu.rules', roles: ALL },
  { path: 'tokens', key: 'console.menu.tokens', roles: ALL },
];

const session = { user: null, bureaus: new Map() };
let flashMessage = null; // [text, kind] to announce after the next render
let renderSeq = 0;
let firstRender = true;

// Parses location.hash into {section, id, params}.
function parseHash() {
  const raw = location.hash.replace(/^#\/?/, '');
  const [pathPart, qs] = raw.split('?');
  const parts = pathPart.split('/').filter(Boolean).map(decodeURIComponent);
  return { section: parts[0] || '', id: parts[1] || null, params: new URLSearchParams(qs || '') };
}

export function navigate(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

// Shows text in the live region after the next page has rendered.
export function flash(text, kind = 'success') { flashMessage = [text, kind]; }

function menuLabel(item) {
  if (item.ownKey && session.user?.role === ENTERPRISE) return t(item.ownKey);
  return t(item.key);
}

function renderShell() {
  const u = session.user;
  const menu = $('menu');
  menu.replaceChildren();
  $('user-box').hidden = !u;
  $('console-nav').hidden = !u;
  if (!u) return;
  const r = parseHash();
  // A menu item may name a sub-page (filings/status); else the section's.
  const current = MENU.some((i) => i.path === `${r.section}/${r.id}`) ? `${r.section}/${r.id}` : r.section || 'enterprises';
  for (const item of MENU) {
    if (!item.roles.includes(u.role)) continue;
    const active = current === item.path;
    menu.append(h('li', null, h('a', { href: `#/${item.path}`, 'aria-current': active ? 'page' : null }, menuLabel(item))));
  }
  $('user-name').textContent = u.display_name || u.username;
  $('user-role').textContent = userRoleName(u.role);
  let scope = '';
  if (u.bureau_code) {
    const b = session.bureaus.get(u.bureau_code);
    scope = b ? bureauName(b) : u.bureau_code;
  } else if (u.enterprise_uscc) {
    scope = u.enterprise_uscc;
  }
  $('user-scope').textContent = scope;
  $('user-scope').hidden = !scope;
}

function renderLogin(message) {
  const view = $('view');
  const form = h('form', { id: 'login-form', class: 'card narrow', novalidate: true },
    formErrors(),
    field({ name: 'username', label: t('field.username'), autocomplete: 'username', required: true, maxlength: 64, spellcheck: 'false' }),
    field({ name: 'password', label: t('field.password'), type: 'password', autocomplete: 'current-password', required: true, maxlength: 256 }),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn primary' }, t('login.submit'))));
  form.addEventListener('submit', (ev) => { ev.preventDefault(); login(form); });
  view.replaceChildren(
    h('h1', null, t('login.heading')),
    h('p', { class: 'lead' }, t('login.intro')),
    form);
  document.title = `${t('login.heading')} · ${t('app.name')}`;
  if (message) announce(message, 'warn');
}

async function login(form) {
  clearProblem(form);
  const username = form.elements.username.value.trim();
  const password = form.elements.password.value;
  await busy(form, async () => {
    try {
      const res = await api('POST', '/api/v1/session', { json: { username, password }, quiet401: true });
      setCsrfToken(res.csrf_token);
      session.user = res.user;
      flash(t('login.welcome', { name: res.user.display_name || res.user.username }));
      firstRender = false;
      if (!parseHash().section) location.hash = '#/enterprises';
      else route();
    } catch (err) {
      let msg;
      if (err.status === 401) msg = showProblem(form, { ...err, detail: t('login.failed') });
      else if (err.status === 429) msg = showProblem(form, { ...err, detail: t('login.too_many') });
      else msg = showProblem(form, err);
      announce(msg, 'error');
      form.elements.password.value = '';
      if (!err.errors.length) form.elements.password.focus();
    }
  });
}

async function logout() {
  try {
    await api('DELETE', '/api/v1/session', { quiet401: true });
  } catch (err) {
    if (err.status !== 401) { announce(t('common.error', { detail: err.detail }), 'error'); return; }
  }
  setCsrfToken(null);
  session.user = null;
  renderShell();
  renderLogin();
  announce(t('console.logged_out'), 'success');
  focusHeading();
}

function renderMessagePage(headingKey, textKey) {
  $('view').replaceChildren(h('h1', null, t(headingKey)), h('p', null, t(textKey)));
}

const VIEWS = {
  enterprises: { roles: ALL, render: (ctx, r) => (r.id === 'new' ? enterprises.renderCreate(ctx) : r.id ? enterprises.renderDetail(ctx, r.id) : enterprises.renderList(ctx, r.params)) },
  users: { roles: [ADMIN, OFFICER], render: (ctx) => users.render(ctx) },
  audit: { roles: [ADMIN, OFFICER], render: (ctx, r) => audit.render(ctx, r.params) },
  tokens: { roles: ALL, render: (ctx) => tokens.render(ctx) },
  import: { roles: [ADMIN, OFFICER], render: (ctx) => importer.render(ctx) },
  products: {
    roles: ALL,
    allow: (r, role) => r.id !== 'new' || role !== INSPECTOR,
    render: (ctx, r) => (r.id === 'new' ? products.renderCreate(ctx, r.params) : r.id ? products.renderDetail(ctx, r.id) : products.renderList(ctx, r.params)),
  },
  applications: {
    roles: ALL,
    allow: (r, role) => r.id !== 'new' || role === ENTERPRISE,
    render: (ctx, r) => (r.id === 'new' ? applications.renderNew(ctx, r.params) : r.id ? applications.renderDetail(ctx, r.id) : applications.renderList(ctx, r.params)),
  },
  overdue: { roles: [ADMIN, OFFICER], render: (ctx, r) => applications.renderList(ctx, r.params, { overdueOnly: true }) },
  certificates: {
    roles: ALL,
    allow: (r, role) => r.id !== 'import' || [ADMIN, OFFICER].includes(role),
    render: (ctx, r) => (r.id === 'import' ? certificates.renderImport(ctx) : r.id ? certificates.renderDetail(ctx, r.id) : certificates.renderList(ctx, r.params)),
  },
  calendar: { roles: [ADMIN, OFFICER, INSPECTOR], render: (ctx, r) => calendar.render(ctx, r.id) },
  rules: { roles: ALL, render: (ctx, r) => rules.render(ctx, r.params) },
  filings: {
    roles: ALL,
    allow: (r, role) => (r.id === 'status' ? [ADMIN, OFFICER, INSPECTOR].includes(role)
      : r.id === 'statistics' ? [ADMIN, OFFICER].includes(role) : true),
    render: (ctx, r) => (r.id === 'status' ? filingStats.renderStatus(ctx, r.params)
      : r.id === 'statistics' ? filingStats.renderStatistics(ctx, r.params)
        : r.id ? filings.renderDetail(ctx, r.id) : filings.renderList(ctx, r.params)),
  },
};

async function route({ focus = true } = {}) {
  const seq = ++renderSeq;
  const r = parseHash();
  renderShell();
  if (!session.user) {
    renderLogin();
    return;
  }
  if (!r.section) { location.replace('#/enterprises'); return; }
  const view = $('view');
  const spec = VIEWS[r.section];
  const message = flashMessage;
  flashMessage = null;
  if (!message) announce('');
  if (!spec) {
    renderMessagePage('error.not_found_heading', 'error.not_found');
  } else if (!spec.roles.includes(session.user.role) ||
             (spec.allow && !spec.allow(r, session.user.role)) ||
             (r.section === 'enterprises' && r.id === 'new' && ![ADMIN, OFFICER].includes(session.user.role))) {
    renderMessagePage('error.forbidden_heading', 'error.forbidden');
  } else {
    view.replaceChildren(h('p', null, t('common.loading')));
    const ctx = {
      user: session.user,
      bureaus: session.bureaus,
      view,
      navigate,
      flash,
      isCurrent: () => seq === renderSeq,
      canManage: [ADMIN, OFFICER].includes(session.user.role),
      isAdmin: session.user.role === ADMIN,
    };
    try {
      await spec.render(ctx, r);
    } catch (err) {
      if (seq !== renderSeq) return;
      if (err.status === 401) return; // the login form is already shown
      view.replaceChildren(h('h1', null, t('error.not_found_heading')),
        h('p', { class: 'message-error' }, t('common.error', { detail: err.detail || String(err) })));
    }
  }
  if (seq !== renderSeq) return;
  const h1 = view.querySelector('h1');
  if (h1) document.title = `${h1.textContent} · ${t('app.name')}`;
  if (message) announce(...message);
  // Move focus to the new page's heading, except on the very first page
  // load, where the browser's own starting point (skip link first) is kept.
  if (!firstRender && focus) focusHeading(view);
  firstRender = false;
}

async function init() {
  applyI18n();
  bindLangSelect($('lang-select'));
  $('logout').addEventListener('click', logout);
  onUnauthenticated(() => {
    if (!session.user) return;
    session.user = null;
    setCsrfToken(null);
    renderShell();
    renderLogin(t('console.session_expired'));
    focusHeading();
  });
  onLangChange(() => { route({ focus: false }); });
  window.addEventListener('hashchange', () => route());
  session.bureaus = await bureauMap();
  try {
    const res = await api('GET', '/api/v1/session', { quiet401: true });
    setCsrfToken(res.csrf_token);
    session.user = res.user;
  } catch (err) {
    session.user = null;
    if (err.status !== 401) announce(t('common.error', { detail: err.detail }), 'error');
  }
  await route();
}

init();
