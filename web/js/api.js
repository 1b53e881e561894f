// api.js: the one place that talks HTTP to the cryptoreg API (docs/api.md).
// It sends JSON, adds the X-CSRF-Token header to every unsafe method, and
// turns every non-2xx answer into an ApiError carrying the RFC 9457 problem
// (code, detail, per-field errors, CSV rows, and the rule a refusal follows).

import { t } from './i18n.js';

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
let csrfToken = null;

// The console keeps the CSRF token in memory only; it comes from the login
// answer or from GET /api/v1/session on page load.
export function setCsrfToken(token) { csrfToken = token || null; }

export class ApiError extends Error {
  constructor(status, problem) {
    const p = problem && typeof problem === 'object' ? problem : {};
    super(p.detail || p.title || `HTTP ${status}`);
    this.status = status;
    this.code = p.code || (status === 0 ? 'network' : 'http_' + status);
    this.title = p.title || '';
    this.detail = p.detail || p.title || (status === 0 ? t('common.network_error') : `HTTP ${status}`);
    this.errors = Array.isArray(p.errors) ? p.errors : [];
    this.rows = Array.isArray(p.rows) ? p.rows : [];
    // A refusal that follows a rule carries it (docs/api.md, issue 3).
    this.rule = p.rule && typeof p.rule === 'object' ? p.rule : null;
  }
}

// Listeners for 401 on a request that needed a session (not the login).
const unauthenticatedListeners = new Set();
export function onUnauthenticated(fn) { unauthenticatedListeners.add(fn); }

// api('GET', '/api/v1/bureaus') -> parsed JSON, or null for 204.
// opts.json: a value to send as JSON; opts.body + opts.contentType: a raw
// body (CSV import, a PDF File); opts.quiet401: do not tell the 401 listeners.
export async function api(method, path, opts = {}) {
  const headers = { Accept: 'application/json' };
  let body;
  if (opts.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(opts.json);
  } else if (opts.body !== undefined) {
    headers['Content-Type'] = opts.contentType || 'application/octet-stream';
    body = opts.body;
  }
  if (UNSAFE.has(method) && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let res;
  try {
    res = await fetch(path, { method, headers, body, credentials: 'same-origin', cache: 'no-cache' });
  } catch {
    throw new ApiError(0, null);
  }
  const text = res.status === 204 ? '' : await res.text();
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch { data = null; }
  }
  if (!res.ok) {
    if (res.status === 401 && !opts.quiet401) for (const fn of unauthenticatedListeners) fn();
    throw new ApiError(res.status, data);
  }
  return data;
}

// Builds a query string from an object, leaving out empty values.
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
}

// The 33 bureaus, fetched once per page (public, cached by the server).
let bureausPromise = null;
export function getBureaus() {
  if (!bureausPromise) {
    bureausPromise = api('GET', '/api/v1/bureaus').then((d) => d.items || [], (e) => { bureausPromise = null; throw e; });
  }
  return bureausPromise;
}

// Map code -> Bureau; resolves to an empty map if the list cannot be loaded.
export async function bureauMap() {
  try {
    return new Map((await getBureaus()).map((b) => [b.code, b]));
  } catch {
    return new Map();
  }
}

// A USCC is 18 characters of digits and capital letters (no I, O, S, V, Z).
export const USCC_RE = /^[0-9A-HJ-NPQRTUWXY]{18}$/;
export function looksLikeUscc(s) { return USCC_RE.test(s.toUpperCase()); }
