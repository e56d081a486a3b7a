// http.mjs - the checker's HTTP client and body encoders.  node:http is
// used rather than fetch so that a query string goes out byte for byte
// (the bare-'+' check), repeated keys and raw brackets survive, and a
// server that answers 413 and closes while a large body is still being
// sent is read as that answer, not as a connection error.
import http from 'node:http';
import https from 'node:https';
import { randomBytes } from 'node:crypto';

// Answers larger than this are cut (the checker never needs them whole).
const MAX_ANSWER = 32 * 1024 * 1024;

// Send one request.  URL is a string (sent as is: encode it yourself);
// BODY a Buffer or string.  Resolves { status, headers, bytes }; rejects
// on a network error or after TIMEOUT ms without a complete answer.
export function request(method, url, { headers = {}, body, timeout = 30000 } = {}) {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const lib = u.protocol === 'https:' ? https : http;
    const data = body === undefined ? null : Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
    const hdrs = { Accept: '*/*', 'User-Agent': 'open311-check (UrbanGrid)', ...headers };
    if (data) hdrs['Content-Length'] = String(data.length);
    let answered = false;
    const req = lib.request({
      method,
      hostname: u.hostname,
      port: u.port || undefined,
      path: url.slice(url.indexOf('/', u.protocol.length + 2)) || '/',
      headers: hdrs,
      timeout,
    }, (res) => {
      answered = true;
      const chunks = [];
      let size = 0;
      res.on('data', (c) => {
        if (size < MAX_ANSWER) chunks.push(c);
        size += c.length;
      });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, bytes: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeout} ms`)));
    // A server may answer early and close while we still write: the
    // answer counts; the broken pipe after it does not.
    req.on('error', (e) => { if (!answered) reject(e); });
    if (data) req.end(data); else req.end();
  });
}

// application/x-www-form-urlencoded from [key, value] pairs, spaces as
// '+'.  rawBrackets leaves '[' and ']' in keys unencoded, as the spec
// writes attribute[code][]; otherwise they go out as %5B %5D.
export function formEncode(pairs, { rawBrackets = false } = {}) {
  const enc = (s) => encodeURIComponent(String(s)).replace(/%20/g, '+');
  return pairs.map(([k, v]) => {
    let key = enc(k);
    if (rawBrackets) key = key.replace(/%5B/gi, '[').replace(/%5D/gi, ']');
    return `${key}=${enc(v)}`;
  }).join('&');
}

// A query string from pairs: '%20' for spaces and '%2B' for '+', as a
// careful client sends them.
export function queryEncode(pairs) {
  return pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`).join('&');
}

// multipart/form-data from parts: { name, value } for a field, or
// { name, filename, type, data (Buffer) } for a file.  Returns
// { body (Buffer), contentType }.
export function multipartEncode(parts) {
  const boundary = `----open311-check-${randomBytes(12).toString('hex')}`;
  const out = [];
  const q = (s) => String(s).replace(/["\r\n]/g, '_');
  for (const p of parts) {
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${q(p.name)}"`;
    if (p.filename !== undefined) {
      head += `; filename="${q(p.filename)}"\r\nContent-Type: ${p.type}`;
    }
    out.push(Buffer.from(`${head}\r\n\r\n`, 'utf8'));
    out.push(p.data ?? Buffer.from(String(p.value), 'utf8'));
    out.push(Buffer.from('\r\n'));
  }
  out.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(out), contentType: `multipart/form-data; boundary=${boundary}` };
}
