// tls.test.mjs - `serve --tls-cert FILE --tls-key FILE`: HTTPS from the
// binary itself (libmicrohttpd with GnuTLS), for an intranet without a
// proxy in front - phone browsers give the camera, the position and
// offline storage only to secure origins.  A certificate made here by
// openssl (as docs/operations.md tells an operator to) is served and
// verified by the client; the session cookie is Secure; plain HTTP on the
// port gets nowhere; the two flags go together; a key that does not
// match refuses to start with a message that says so.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { emptyDemoDb } from './lib/cases.mjs';
import { BIN, ug, workspace } from './lib/server.mjs';

const ws = workspace();
let pw;
let cert;
let proc;
let base;

function makeCert(name) {
  const key = join(ws.dir, `${name}.key`);
  const crt = join(ws.dir, `${name}.crt`);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256',
    '-nodes', '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
    '-keyout', key, '-out', crt], { stdio: 'ignore' });
  return { key, crt };
}

function request(method, path, { body, headers = {} } = {}) {
  return new Promise((resolve, reject) => {
    const req = https.request(`${base}${path.slice(1)}`, {
      method, ca: readFileSync(cert.crt), headers: body ? { 'Content-Type': 'application/json', ...headers } : headers,
    }, (res) => {
      let text = '';
      res.on('data', (d) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text }));
    });
    req.on('error', reject);
    if (body) req.write(JSON.stringify(body));
    req.end();
  });
}

before(async () => {
  pw = emptyDemoDb(ws).passwords;
  cert = makeCert('server');
  proc = spawn(BIN, ['serve', '--db', ws.db, '--listen', '127.0.0.1:0', '--tls-cert', cert.crt,
    '--tls-key', cert.key], { stdio: ['ignore', 'pipe', 'pipe'] });
  base = await new Promise((resolve, reject) => {
    let out = '';
    proc.stdout.on('data', (d) => {
      out += d;
      const m = /^listening on (https:\/\/127\.0\.0\.1:\d+\/)\n/.exec(out);
      if (m) resolve(m[1]);
    });
    proc.on('exit', (code) => reject(new Error(`serve exited ${code}`)));
  });
});

after(async () => {
  if (proc && proc.exitCode === null) {
    proc.kill('SIGTERM');
    await new Promise((r) => proc.on('exit', r));
  }
  ws.cleanup();
});

test('HTTPS with a certificate the client verifies; the session cookie is Secure', async () => {
  const health = await request('GET', '/healthz');
  assert.equal(health.status, 200);
  assert.equal(JSON.parse(health.text).status === 'ok' || JSON.parse(health.text).status === 'warning', true);
  const login = await request('POST', '/api/v1/session', { body: { username: 'dispatcher', password: pw.dispatcher } });
  assert.equal(login.status, 200, login.text);
  const cookie = login.headers['set-cookie'][0];
  assert.match(cookie, /; Secure/);
  assert.match(cookie, /HttpOnly/);
  const page = await request('GET', '/console/');
  assert.equal(page.status, 200);
});

test('plain HTTP on the HTTPS port gets no answer', async () => {
  const port = new URL(base).port;
  await assert.rejects(fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(3000) }));
});

test('--tls-cert without --tls-key is a usage error; a key of another certificate will not start', () => {
  const alone = ug(['serve', '--db', ws.db, '--listen', '127.0.0.1:0', '--tls-cert', cert.crt]);
  assert.equal(alone.status, 2);
  assert.match(alone.stderr, /--tls-cert and --tls-key go together/);
  const other = makeCert('other');
  const wrong = ug(['serve', '--db', ws.db, '--listen', '127.0.0.1:0', '--tls-cert', cert.crt,
    '--tls-key', other.key]);
  assert.notEqual(wrong.status, 0);
  assert.match(wrong.stderr, /certificate and key are not a matching PEM pair/);
  const missing = ug(['serve', '--db', ws.db, '--listen', '127.0.0.1:0', '--tls-cert', cert.crt,
    '--tls-key', join(ws.dir, 'nowhere.key')]);
  assert.notEqual(missing.status, 0);
  assert.match(missing.stderr, /nowhere\.key/);
});
