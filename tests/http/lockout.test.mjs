// lockout.test.mjs - the login lock-out: after --login-max-failures
// failures for one username, or from one client address, further logins
// get 429 with a numeric Retry-After (even with the right password) until
// the --login-window has passed.  Logins come from different loopback
// source addresses (127.0.0.x) so that the per-user and per-address
// counts can be told apart.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import {
  assertError, fixtureDb, loginFrom, serverSet, sleep, workspace,
} from './lib/server.mjs';

const ws = workspace();
const PW = 'right-password-1';

before(() => {
  fixtureDb(ws, ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'].map((name) => ({
    name, role: 'inspector', unit: '110101001', password: PW,
  })));
});

const servers = serverSet(ws);

after(() => servers.close());

const serve = (flags) => servers.start(flags);

function assertLocked(r, maxSeconds) {
  assertError(r, 429, 'too_many_requests', 'username');
  const retry = r.headers.get('retry-after');
  assert.match(retry ?? '', /^\d+$/, `Retry-After: ${retry}`);
  assert.ok(Number(retry) >= 1 && Number(retry) <= maxSeconds, `Retry-After: ${retry}`);
  assert.deepEqual(r.headers.getSetCookie(), []);
  return Number(retry);
}

describe('default limits (5 failures in 900 s)', () => {
  let server;
  before(async () => { server = await serve([]); });

  test('5 failures for one username: the 6th attempt is 429, even with the right password', async () => {
    // Each failure from its own address, so only the username count grows.
    for (let i = 1; i <= 5; i++) {
      const r = await loginFrom(server, `127.0.0.${10 + i}`, 'alice', `wrong-${i}`);
      assertError(r, 401, 'unauthenticated');
    }
    assertLocked(await loginFrom(server, '127.0.0.16', 'alice', PW), 900);
    // ... from any address, and it stays locked.
    assertLocked(await loginFrom(server, '127.0.0.17', 'alice', PW), 900);
    assertLocked(await loginFrom(server, '127.0.0.11', 'alice', 'wrong-again'), 900);
    // Other users, also from the addresses that failed, are not affected.
    assert.equal((await loginFrom(server, '127.0.0.16', 'bob', PW)).status, 200);
    assert.equal((await loginFrom(server, '127.0.0.11', 'bob', PW)).status, 200);
  });

  test('5 failures from one address across usernames: the 6th attempt is 429', async () => {
    const addr = '127.0.0.30';
    for (const name of ['nobody1', 'nobody2', 'carol', 'nobody3', 'nobody4']) {
      assertError(await loginFrom(server, addr, name, 'wrong'), 401, 'unauthenticated');
    }
    assertLocked(await loginFrom(server, addr, 'dave', PW), 900);
    assertLocked(await loginFrom(server, addr, 'nobody5', 'wrong'), 900);
    // The users themselves are not locked: from elsewhere they get in.
    assert.equal((await loginFrom(server, '127.0.0.31', 'dave', PW)).status, 200);
    assert.equal((await loginFrom(server, '127.0.0.31', 'carol', PW)).status, 200);
  });

  test('a successful login clears the username\'s failures', async () => {
    for (let i = 1; i <= 4; i++) {
      assertError(await loginFrom(server, `127.0.0.${40 + i}`, 'erin', 'wrong'), 401, 'unauthenticated');
    }
    assert.equal((await loginFrom(server, '127.0.0.45', 'erin', PW)).status, 200);
    for (let i = 1; i <= 5; i++) {
      assertError(await loginFrom(server, `127.0.0.${50 + i}`, 'erin', 'wrong'), 401, 'unauthenticated');
    }
    assertLocked(await loginFrom(server, '127.0.0.56', 'erin', PW), 900);
  });

  test('unknown usernames are locked the same way (no telling who exists)', async () => {
    for (let i = 1; i <= 5; i++) {
      assertError(await loginFrom(server, `127.0.0.${60 + i}`, 'ghost', 'wrong'), 401, 'unauthenticated');
    }
    assertLocked(await loginFrom(server, '127.0.0.66', 'ghost', 'wrong'), 900);
  });
});

describe('--login-window 5 --login-max-failures 3', () => {
  let server;
  before(async () => { server = await serve(['--login-window', '5', '--login-max-failures', '3']); });

  test('the lock ends when Retry-After has passed', async () => {
    // At once, so that all three fall well inside the window even on a
    // slow machine (the count is taken in a write transaction; each try
    // hashes a password: over 2 s for the four on a 2-core machine busy
    // with other builds, so the window is 5 s).  A user of its own:
    // alice's failures of the first test may still lie inside a window
    // when this one starts.
    const failures = await Promise.all([1, 2, 3].map(
      () => loginFrom(server, '127.0.0.70', 'frank', 'wrong')));
    for (const r of failures) assertError(r, 401, 'unauthenticated');
    const wait = assertLocked(await loginFrom(server, '127.0.0.70', 'frank', PW), 5);
    // Both locks hold: the username from elsewhere, the address for others.
    assertLocked(await loginFrom(server, '127.0.0.71', 'frank', PW), 5);
    assertLocked(await loginFrom(server, '127.0.0.70', 'bob', PW), 5);
    await sleep(wait * 1000 + 100);
    const r = await loginFrom(server, '127.0.0.70', 'frank', PW);
    assert.equal(r.status, 200, `still locked after Retry-After (${wait} s): ${r.text}`);
  });
});
