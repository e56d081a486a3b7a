// selftest.test.mjs - the conformance checker's own tests (node:test):
// its helpers (W3C dates, the hand-built PNG, XML well-formedness and the
// Spark mapping, our JSON Schemas on the checklist's examples), then whole
// runs against fixture.mjs: a conformant fixture must pass every check,
// and for every check there is a fault in the fixture that makes it fail,
// so no check can pass whatever the server does.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { inflateSync } from 'node:zlib';

import { runChecks } from './check.mjs';
import { startFixture } from './fixture.mjs';
import { crc32, tinyPng } from './lib/png.mjs';
import { compileAll, validate } from './lib/schemas.mjs';
import { formatW3C, isW3C, parseW3C } from './lib/w3c.mjs';
import { checkXml, sparkMap } from './lib/xml.mjs';

const decl = '<?xml version="1.0" encoding="utf-8"?>\n';
const spark = (xml) => {
  const x = checkXml(decl + xml);
  assert.deepEqual(x.problems, []);
  return sparkMap(x.root);
};

describe('helpers', () => {
  test('W3C date-times: zone required, fraction refused unless allowed', () => {
    assert.equal(parseW3C('2010-04-14T06:37:38-08:00'), Date.UTC(2010, 3, 14, 14, 37, 38));
    assert.equal(parseW3C('2010-04-14T14:37:38Z'), Date.UTC(2010, 3, 14, 14, 37, 38));
    for (const bad of ['2010-04-14T06:37:38', '2010-04-14 06:37', '2010-02-30T00:00:00Z',
      '2010-04-14T24:00:00Z', '2010-04-14T06:37:38+0800', '2010-04-14T06:37:38.5Z', '']) {
      assert.equal(isW3C(bad), false, bad);
    }
    assert.equal(parseW3C('2010-04-14T06:37:38.250Z', { allowFraction: true }), Date.UTC(2010, 3, 14, 6, 37, 38, 250));
    const t = Date.UTC(2026, 0, 31, 23, 30, 5, 999);
    assert.equal(formatW3C(t), '2026-01-31T23:30:05Z');
    assert.equal(formatW3C(t, 60), '2026-02-01T00:30:05+01:00');
    assert.equal(formatW3C(t, -330), '2026-01-31T18:00:05-05:30');
    assert.equal(parseW3C(formatW3C(t, -330)), Math.floor(t / 1000) * 1000);
  });

  test('the PNG is valid: signature, chunk CRCs, the pixel inflates; padded to an exact size', () => {
    assert.equal(crc32(Buffer.from('123456789')), 0xCBF43926);
    for (const png of [tinyPng(), tinyPng({ size: 4096 })]) {
      assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
      const types = [];
      for (let i = 8; i < png.length;) {
        const n = png.readUInt32BE(i);
        const type = png.subarray(i + 4, i + 8).toString('latin1');
        assert.equal(png.readUInt32BE(i + 8 + n), crc32(png.subarray(i + 4, i + 8 + n)), `CRC of ${type}`);
        if (type === 'IDAT') assert.deepEqual([...inflateSync(png.subarray(i + 8, i + 8 + n))], [0, 0xE0, 0x40, 0x20]);
        types.push(type);
        i += 12 + n;
      }
      assert.equal(types[0], 'IHDR');
      assert.equal(types.at(-1), 'IEND');
    }
    assert.equal(tinyPng({ size: 4096 }).length, 4096);
  });

  test('XML: the checklist examples map to JSON by the Spark rules', () => {
    assert.deepEqual(spark('<service_requests><request><service_request_id>293944</service_request_id>'
      + '<service_notice>Inspected within 24 hours</service_notice><account_id/></request></service_requests>'),
    [{ service_request_id: '293944', service_notice: 'Inspected within 24 hours', account_id: '' }]);
    assert.deepEqual(spark('<errors><error><code>400</code><description>service_code was not provided</description></error></errors>'),
      [{ code: 400, description: 'service_code was not provided' }]);
    // One attribute, one value: still arrays.  An attribute's code stays a string.
    assert.deepEqual(spark('<service_definition><service_code>001</service_code><attributes><attribute>'
      + '<variable>true</variable><code>007</code><datatype>singlevaluelist</datatype><required>false</required>'
      + '<datatype_description/><order>1</order><description>How deep?</description>'
      + '<values><value><key>S</key><name>Shallow</name></value></values></attribute></attributes></service_definition>'),
    { service_code: '001', attributes: [{ variable: true, code: '007', datatype: 'singlevaluelist', required: false,
      datatype_description: '', order: 1, description: 'How deep?', values: [{ key: 'S', name: 'Shallow' }] }] });
    const r = spark('<service_requests><request><service_request_id>638344</service_request_id><status>closed</status>'
      + '<description>Fish &amp; chips &lt; 5 &#x5E02;&#23481;</description><lat>37.762221815</lat><long/>'
      + '<media_url/></request></service_requests>');
    assert.deepEqual(r, [{ service_request_id: '638344', status: 'closed', description: 'Fish & chips < 5 市容', lat: 37.762221815, media_url: '' }]);
    assert.deepEqual(spark('<services/>'), []);
  });

  test('XML: what is refused', () => {
    const problems = (xml) => checkXml(xml).problems.join('; ');
    assert.match(problems('<services/>'), /does not start with <\?xml/);
    assert.match(problems(`${decl}<a>fish & chips</a>`), /not well-formed/);
    assert.match(problems(`${decl}<a>&nbsp;</a>`), /unknown entity/);
    assert.match(problems(`${decl}<a/><b/>`), /2 root elements/);
    assert.match(problems(`${decl}<a xmlns="urn:x"/>`), /namespace/);
    assert.match(problems(`${decl}<x:a xmlns:x="urn:x"/>`), /namespaced element/);
    assert.throws(() => spark('<request><status>open</status><status>closed</status></request>'), /repeated/);
    assert.throws(() => spark('<services><request/></services>'), /may hold only <service>/);
    assert.throws(() => spark('<request>text<status>open</status></request>'), /mixed/);
  });

  test('schemas: the checklist examples pass, its confirmed rejections fail', () => {
    assert.ok(compileAll().length >= 12);
    assert.equal(validate('requests.json', [{ service_request_id: '638344', status: 'closed', status_notes: 'Duplicate request.',
      service_code: '001', description: 'Deep hole', requested_datetime: '2010-04-14T06:37:38-08:00',
      updated_datetime: '2010-04-14T06:37:38-08:00', address: '8TH AVE and JUDAH ST', lat: 37.762221815, long: -122.4651145, media_url: '' }]), null);
    assert.match(validate('requests.json', [{ service_request_id: 638344, status: 'open', service_code: '001', requested_datetime: '2010-04-14T06:37:38Z' }]).join(), /service_request_id must be string/);
    assert.match(validate('requests.json', [{ service_request_id: '1', status: 'OPEN', service_code: '001', requested_datetime: '2010-04-14T06:37:38Z' }]).join(), /status/);
    assert.match(validate('requests.json', [{ service_request_id: '1', status: 'open', service_code: '001', requested_datetime: '2010-04-14 06:37' }]).join(), /W3C/);
    assert.match(validate('requests.json', [{ service_request_id: '1', status: 'open', service_code: '001', requested_datetime: '2010-04-14T06:37:38.5Z' }]).join(), /no fraction/);
    assert.match(validate('requests.json', [{ service_request_id: '1', status: 'open', service_code: '001', requested_datetime: '2010-04-14T06:37:38Z', description: 'x'.repeat(4001) }]).join(), /4000/);
    assert.match(validate('services.json', [{ service_code: '001', service_name: 'Pothole', metadata: 'true', type: 'realtime' }]).join(), /metadata must be boolean/);
    assert.equal(validate('services.json', [{ service_code: '001', service_name: 'Pothole', description: 'Hole in road', metadata: true, type: 'realtime', keywords: 'road', group: 'street' }]), null);
    assert.match(validate('post-reply.json', [{ service_request_id: '293944', account_id: null }]).join(), /account_id must be string/);
    assert.ok(validate('post-reply.json', [{ service_request_id: '1', token: 't' }]), 'id and token together');
    assert.equal(validate('post-reply.json', [{ service_request_id: '1', token: '' }]), null);
    assert.equal(validate('post-reply.json', [{ token: 'abc' }]), null);
    assert.equal(validate('service-definition.json', { service_code: '001', attributes: [{ variable: true, code: 'depth', datatype: 'singlevaluelist',
      required: true, datatype_description: null, order: 1, description: 'How deep?', values: [{ key: 'S', name: 'Shallow' }, { key: 'D', name: 'Deep' }] }] }), null);
    assert.match(validate('service-definition.json', { service_code: '001', attributes: [{ variable: true, code: 'depth', datatype: 'multivaluelist',
      required: true, order: 1, description: 'x', values: [] }] }).join(), /fewer than 1/);
    assert.match(validate('errors.json', [{ code: '400', description: 'x' }]).join(), /code must be integer/);
    assert.match(validate('request-updates.json', [{ update_id: '1', service_request_id: '1', status: 'OPEN', updated_datetime: '2026-05-01T10:00:00+01:00', description: 'x' }]).join(), /media_url/);
  });
});

// ---- whole runs against the fixture ---------------------------------------

const counts = (results) => results.reduce((c, r) => ({ ...c, [r.status]: (c[r.status] ?? 0) + 1 }), {});
const failures = (results) => results.filter((r) => r.status === 'fail').map((r) => `${r.name}: ${r.detail}`);

// One run of every check against a fresh fixture.  Small upload limits
// keep it fast; the first clean run uses the real defaults (8/10 MiB).
async function run({ faults = [], batch = false, small = true, ...opts } = {}) {
  const limits = small ? { photoLimit: 64 * 1024, bodyLimit: 256 * 1024 } : {};
  const fx = await startFixture({ faults, batch, ...limits });
  const sent = small ? { photoLimit: limits.photoLimit + 1, bodyLimit: limits.bodyLimit + 1 } : {};
  try {
    return await runChecks({ url: fx.url, key: fx.key, lat: 37.762, long: -122.465, addressId: 'A-1', tokenWait: 4000, ...sent, ...opts });
  } finally {
    await fx.close();
  }
}

// Fault -> the checks (name prefixes) it must make fail.  Together they
// cover every check of the plan (asserted at the end).
const FAULTS = [
  ['no-text-xml', ['01 xml', '01 json']],
  ['services-string-metadata', ['02 json']],
  ['def-dup-order', ['03 xml', '03 json']],
  ['nope-200', ['04 xml', '04 json']],
  ['csv-json', ['04 - GET services.csv']],
  ['post-both', ['05 xml POST with address_string', '05 json POST with lat/long', '05 xml POST with address_id']],
  ['no-service-code-500', ['06 xml POST with no service_code', '06 json POST with no service_code']],
  ['unknown-code-400', ['06 xml POST with unknown service_code', '06 json POST with unknown service_code']],
  ['key-ignored', ['06 xml POST with no api_key', '06 json POST with wrong api_key', '24 xml FixMyStreet reads errors']],
  ['location-optional', ['07 xml POST with no location', '07 json POST with no location']],
  ['lat-unchecked', ['07 xml POST with lat without long', '07 json POST with lat=91', '07 xml POST with long=-181',
    '07 json POST with lat=abc', '07 xml POST with lat=NaN']],
  ['attrs-unchecked', ['08 xml POST without a required', '08 json POST with a singlevaluelist',
    '09 json POST attribute[c][] with a bad key', '09 xml POST repeated attribute[c] with a bad key']],
  ['raw-brackets-only', ['09 xml POST multivaluelist as attribute%5Bc%5D%5B%5D', '24 xml FixMyStreet report POST']],
  ['reject-repeated', ['09 json POST multivaluelist as repeated']],
  ['multi-repeat-last', ['09 json the three spellings']],
  ['desc-unlimited', ['10 xml POST a 4001', '10 json POST a 4001']],
  ['desc-bytes', ['10 xml POST a 4000', '10 json POST a 4000']],
  ['unknown-param-400', ['11 json POST with deviceid', '11 xml GET requests with deviceid']],
  ['media-missing', ['12 xml POST multipart photo1']],
  ['media-text', ['12 xml POST multipart photo1']],
  ['photo-limit-off', ['12 xml POST photo1 over', '12 json POST photo1 over', '12 json refused posts stored nothing']],
  ['photo-any-type', ['12 xml POST a text/plain part', '12 json POST a text/plain part', '12 json POST text labelled']],
  ['photo-sniff-off', ['12 json POST text labelled']],
  ['body-limit-off', ['12 json POST a body over', '12 json refused posts stored nothing']],
  ['token-any', ['13 xml GET tokens/{unknown}', '13 json GET tokens/{unknown}']],
  ['request-object', ['14 json GET requests/{id}', '14 json GET request/{id}']],
  ['bad-datetime', ['14 xml GET requests/{id}', '15 xml GET requests without', '23 json every JSON body']],
  ['no-singular', ['14 xml GET request/{id}', '14 json GET request/{id}']],
  ['unknown-id-empty', ['14 xml GET requests/{unknown}', '14 json GET requests/{unknown}']],
  ['list-old', ['15 xml GET requests without', '15 json GET requests without']],
  ['ids-no-override', ['16 xml service_request_id=a,b', '16 json service_request_id=a,b', '24 xml FixMyStreet poll']],
  ['status-ignored', ['16 xml status=open', '16 json status=open', '16 xml status=pending', '16 json status=pending']],
  ['code-filter-first', ['16 xml service_code=x,y', '16 json service_code=x,y']],
  ['date-lenient', ['17 xml start_date=yesterday', '17 json start_date without a zone']],
  ['order-unchecked', ['17 xml end_date before', '17 json end_date before']],
  ['span-unchecked', ['17 xml a 120-day span', '17 json a 120-day span']],
  ['offset-ignored', ['18 xml %2B01:00', '18 json %2B01:00']],
  ['plus-local', ['18 xml a bare', '18 json a bare']],
  ['empty-param-filter', ['19 xml empty', '19 json empty']],
  ['jurisdiction-ignored', ['20 xml unknown jurisdiction_id', '20 json unknown jurisdiction_id']],
  ['jurisdiction-required', ['20 xml no jurisdiction_id', '20 json no jurisdiction_id']],
  ['updates-unfiltered', ['21 xml GET servicerequestupdates', '21 json GET servicerequestupdates']],
  ['updates-exclusive', ['21 xml updates window', '21 json updates window']],
  ['no-updates', ['21 xml GET servicerequestupdates', '22 xml POST an update shaped', '22 json POST an update shaped']],
  ['update-dup-ok', ['22 xml POST the same update_id', '22 json POST the same update_id']],
  ['update-unknown-200', ['22 xml POST an update for an unknown', '22 json POST an update for an unknown']],
  ['reply-flat', ['05 xml POST with address_string', '24 xml FixMyStreet report POST']],
  ['error-json-in-xml', ['24 xml FixMyStreet reads errors', '04 xml GET services/NOPE']],
  ['privacy-leak', ['24 - personal data']],
  ['xml-unescaped', ['23 xml XML escapes', '23 xml every XML body passes xmllint']],
  ['json-null', ['23 json every JSON body', '15 json GET requests without']],
];

describe('runs against the fixture', { concurrency: 4 }, () => {
  let clean;
  const failedSomewhere = new Set();

  before(async () => {
    clean = await run({ small: false });
  });

  test('a conformant server passes every check (realtime; address_id and lat/long given)', () => {
    assert.deepEqual(failures(clean), []);
    const skipped = clean.filter((r) => r.status === 'skip').map((r) => r.name);
    // Only the batch-token checks cannot apply to a realtime server.
    assert.deepEqual(skipped, ['13 xml a fresh token resolves within 10 s', '13 json a fresh token resolves within 10 s']);
  });

  test('a conformant batch server passes, tokens included', async () => {
    const r = await run({ batch: true });
    assert.deepEqual(failures(r), []);
    assert.equal(counts(r).skip ?? 0, 0, JSON.stringify(r.filter((x) => x.status === 'skip')));
  });

  test('WRITE=0 posts nothing and still judges the reads', async () => {
    const fx = await startFixture();
    try {
      const before0 = fx.requests.length;
      // No KEY: a read-only run needs none.
      const r = await runChecks({ url: fx.url, write: '0' });
      assert.deepEqual(failures(r), []);
      assert.equal(fx.requests.length, before0);
      assert.ok(r.filter((x) => x.status === 'pass').length >= 40, JSON.stringify(counts(r)));
      assert.ok(r.filter((x) => x.status === 'skip').every((x) => /WRITE=0|no update|no request|token/.test(x.detail)));
    } finally {
      await fx.close();
    }
  });

  test('JURISDICTION is sent everywhere and checked', async () => {
    const r = await run({ jurisdiction: 'fixture.example', faults: ['jurisdiction-required'] });
    assert.deepEqual(failures(r), []);
  });

  test('429 with Retry-After is waited out', async () => {
    const r = await run({ faults: ['rate-limited'] });
    assert.deepEqual(failures(r), []);
    assert.ok(r.throttled > 3, `throttled ${r.throttled}`);
  });

  test('ANONYMOUS=1 skips only the no-api_key check', async () => {
    const r = await run({ faults: ['key-ignored'], anonymous: '1' });
    const failed = r.filter((x) => x.status === 'fail').map((x) => x.name);
    assert.ok(failed.some((n) => n.startsWith('06 xml POST with wrong api_key')), failed.join(' | '));
    assert.ok(!failed.some((n) => n.includes('no api_key')), failed.join(' | '));
    assert.match(r.find((x) => x.name === '06 xml POST with no api_key → 403').detail, /ANONYMOUS=1/);
  });

  test('bad options throw', async () => {
    await assert.rejects(runChecks({ url: 'ftp://x' }), /URL/);
    await assert.rejects(runChecks({ url: 'http://127.0.0.1:9/' }), /KEY/);
    await assert.rejects(runChecks({ url: 'http://127.0.0.1:9/', write: '0', lat: 1 }), /LAT/);
  });

  for (const [fault, expected] of FAULTS) {
    test(`fault ${fault} fails ${expected.length} check(s)`, async () => {
      const r = await run({ faults: [fault], batch: false });
      const failed = r.filter((x) => x.status === 'fail').map((x) => x.name);
      for (const f of failed) failedSomewhere.add(f);
      for (const e of expected) {
        assert.ok(failed.some((n) => n.startsWith(e)), `${fault} should fail "${e}…"; failed: ${failed.join(' | ') || 'nothing'}`);
      }
    });
  }

  test('fault token-slow (batch) fails the token check', async () => {
    const r = await run({ faults: ['token-slow'], batch: true, tokenWait: 300 });
    const failed = r.filter((x) => x.status === 'fail').map((x) => x.name);
    for (const f of failed) failedSomewhere.add(f);
    assert.ok(failed.includes('13 xml a fresh token resolves within 10 s'), failed.join(' | '));
  });

  after(() => {
    // Every check of the plan failed under at least one fault.
    const never = clean.map((r) => r.name).filter((n) => !failedSomewhere.has(n));
    assert.deepEqual(never, [], 'checks no fault made fail');
  });
});
