// api.js - talking to the server from the public pages: JSON in and out,
// and the one error shape {"error":{"code","message","field"}} turned
// into an ApiError the pages can show next to the field it names.

export class ApiError extends Error {
  constructor(status, code, message, field, retryAfter) {
    super(message);
    this.status = status;       // HTTP status, 0 when the network failed
    this.code = code;           // e.g. "invalid", "not_found"
    this.field = field ?? null; // the form field at fault, if any
    this.retryAfter = retryAfter; // seconds (429), or null
  }
}

async function answer(res) {
  const type = res.headers.get('Content-Type') ?? '';
  const body = /json/.test(type) ? await res.json().catch(() => null) : null;
  if (res.ok) return body;
  const e = body?.error ?? (Array.isArray(body) ? { message: body[0]?.description } : {});
  const retry = Number.parseInt(res.headers.get('Retry-After') ?? '', 10);
  throw new ApiError(res.status, e.code ?? String(res.status), e.message ?? res.statusText,
    e.field, Number.isFinite(retry) ? retry : null);
}

// fetch that turns a network failure into ApiError status 0.
async function call(url, init) {
  let res;
  try {
    res = await fetch(url, { credentials: 'same-origin', ...init });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, 'network', e.message, null, null);
  }
  return answer(res);
}

// GET url; resolves to the parsed JSON, rejects with ApiError.
export function getJSON(url, { signal } = {}) {
  return call(url, { headers: { Accept: 'application/json' }, signal });
}

// The session's CSRF token (staff console): sent with every request that
// changes something, as the API requires of a session (docs/api.md).
let csrfToken = null;
export function setCsrf(token) { csrfToken = token; }

// `method` body to url: a FormData goes as multipart/form-data (the
// browser writes the boundary), a Blob (a photo) as itself with its type,
// undefined as no body, anything else as JSON.  `headers` adds to the
// request's (the phone pages' Idempotency-Key).
export function send(method, url, body, headers = {}) {
  const init = { method, headers: { Accept: 'application/json', ...headers } };
  if (csrfToken) init.headers['X-CSRF-Token'] = csrfToken;
  if (body instanceof FormData) {
    init.body = body;
  } else if (body instanceof Blob) {
    init.headers['Content-Type'] = body.type || 'application/octet-stream';
    init.body = body;
  } else if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  return call(url, init);
}

// POST body to url (see send).
export function post(url, body) {
  return send('POST', url, body);
}
