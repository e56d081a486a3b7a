// access.test.mjs - the route table against a hand-written matrix of who
// may do what.  `urbangrid routes --json` lists every route of every door
// with its roles and scope; this file holds, for each route, the answer
// expected for each of the 8 roles and for anonymous callers - and for
// routes of scope "area", once on an object of the caller's own street
// (or, for the department's handler, its department) and once on one of
// another street (another department).  A route without a row fails, and
// so does a row without a route: a new route cannot land without saying
// who may call it.
//
// An answer is one letter: o - let through (any status but 401, 403, 404,
// 429 and 5xx: a 400 for a body made empty on purpose is still "let
// through"), u - 401, f - 403, h - 404 (hidden: as if it did not exist);
// r - 429 and x - 5xx appear in no row, so a rate limit or a crash cannot
// pass for an answer.  For the
// lists of scope "area", o/h says whether the object is in the list.
// Roles in this order: anonymous inspector receptionist shift_leader
// dispatcher handler leader admin api_client security_admin auditor.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { JPEG, emptyDemoDb, localMidnight, plantCases, plantWeeks } from './lib/cases.mjs';
import { createToken, serverSet, sql, ugOk, workspace } from './lib/server.mjs';

const ROLES = ['anonymous', 'inspector', 'receptionist', 'shift_leader', 'dispatcher',
  'handler', 'leader', 'admin', 'api_client', 'security_admin', 'auditor'];

// Every route: the expected answers, and (area) on the other street's
// object.  See the letters above.
const MATRIX = {
  // Open311 GeoReport v2: public; a client's key is its own business.
  'GET /open311/v2/discovery.{format}': { own: 'ooooooooooo' },
  'GET /open311/v2/services.{format}': { own: 'ooooooooooo' },
  'GET /open311/v2/services/{code}.{format}': { own: 'ooooooooooo' },
  'GET /open311/v2/requests.{format}': { own: 'ooooooooooo' },
  'POST /open311/v2/requests.{format}': { own: 'ooooooooooo' },
  'GET /open311/v2/requests/{id}.{format}': { own: 'ooooooooooo' },
  'GET /open311/v2/request/{id}.{format}': { own: 'ooooooooooo' },
  'GET /open311/v2/tokens/{token}.{format}': { own: 'ooooooooooo' },
  'GET /open311/v2/servicerequestupdates.{format}': { own: 'ooooooooooo' },
  // Without an api_key: the standard's 403, whoever asks.
  'POST /open311/v2/servicerequestupdates.{format}': { own: 'fffffffffff' },
  // The public pages.
  'GET /': { own: 'ooooooooooo' },
  'GET /public': { own: 'ooooooooooo' },
  'GET /public/': { own: 'ooooooooooo' },
  'GET /public/follow': { own: 'ooooooooooo' },
  'GET /public/assets/{file...}': { own: 'ooooooooooo' },
  // The staff console's page and files: public (the page asks for a
  // login; everything it shows comes from the API's routes below).
  'GET /console': { own: 'ooooooooooo' },
  'GET /console/': { own: 'ooooooooooo' },
  'GET /console/screen': { own: 'ooooooooooo' },
  'GET /console/assets/{file...}': { own: 'ooooooooooo' },
  // The phone pages (docs/field.md), the same way.
  'GET /m': { own: 'ooooooooooo' },
  'GET /m/': { own: 'ooooooooooo' },
  'GET /m/sw.js': { own: 'ooooooooooo' },
  'GET /m/assets/{file...}': { own: 'ooooooooooo' },
  // The API.
  'GET /healthz': { own: 'ooooooooooo' },
  // The operator's numbers: served on `serve --metrics-listen` alone
  // (metrics.test.mjs); the public listener knows no such route.
  'GET /metrics': { own: 'hhhhhhhhhhh' },
  'POST /api/v1/session': { own: 'ooooooooooo' },
  'GET /api/v1/session': { own: 'uoooooooooo' },
  'DELETE /api/v1/session': { own: 'uoooooooooo' },
  'GET /api/v1/roles': { own: 'uooooooooof' },
  'GET /api/v1/workflow': { own: 'uooooooooof' },
  'GET /api/v1/map': { own: 'uooooooooof' },
  'GET /api/v1/cases/stats': { own: 'uooooooofff', other: 'uhhhhhhofff' },
  'GET /api/v1/events': { own: 'uooooooofff', other: 'uhhhhhhofff' },
  'GET /api/v1/cases/points': { own: 'uooooooofff', other: 'uhhhhhhofff' },
  'GET /api/v1/cases/duplicates': { own: 'uoofffofoff', other: 'uhhfffhfhff' },
  'GET /api/v1/divisions/{code}': { own: 'uooooooooof' },
  'GET /api/v1/departments': { own: 'uooooooooof' },
  'POST /api/v1/departments': { own: 'uffffffofff' },
  'PATCH /api/v1/departments/{code}': { own: 'uffffffofff' },
  'GET /api/v1/categories': { own: 'uooooooooof' },
  'POST /api/v1/categories': { own: 'uffffffofff' },
  'PATCH /api/v1/categories/{code}': { own: 'uffffffofff' },
  'GET /api/v1/categories/{code}/standard': { own: 'uooooooooof' },
  'PUT /api/v1/categories/{code}/standard': { own: 'uffffffofff' },
  'GET /api/v1/routing-rules': { own: 'ufffoffofff' },
  'POST /api/v1/routing-rules': { own: 'uffffffofff' },
  'DELETE /api/v1/routing-rules/{id}': { own: 'uffffffofff' },
  // Intake: into the caller's street, or into another one (refused: no
  // object there to hide).
  'POST /api/v1/cases': { own: 'uoofffofoff', other: 'uffffffffff' },
  'GET /api/v1/cases': { own: 'uooooooofff', other: 'uhhhhhhofff' },
  'GET /api/v1/cases/{id}': { own: 'uooooooofff', other: 'uhhhhhhofff' },
  'GET /api/v1/cases/{id}/inspectors': { own: 'ufoofffffff', other: 'ufhhfffffff' },
  // remind: the centre and leaders; the others are refused by the
  // workflow table (403), before anything of a case out of sight shows.
  'POST /api/v1/cases/{id}/actions/{action}': { own: 'ufooofoffff', other: 'ufhhhfhffff' },
  'POST /api/v1/cases/{id}/attachments': { own: 'uoooooofoff', other: 'uhhhhhhfhff' },
  'GET /api/v1/attachments/{id}': { own: 'uooooooooff', other: 'uhhhhhhohff' },
  'GET /api/v1/calendar/due': { own: 'uooooooooof' },
  'POST /api/v1/calendar/import': { own: 'uffffffofff' },
  'POST /api/v1/grids/import': { own: 'uffffffofff' },
  'POST /api/v1/grids/generate': { own: 'uffffffofff' },
  'POST /api/v1/components/import': { own: 'uffffffofff' },
  'PUT /api/v1/calendar/days/{date}': { own: 'uffffffofff' },
  'POST /api/v1/calendar/years/{year}/official': { own: 'uffffffofff' },
  'GET /api/v1/calendar/settings': { own: 'uooooooofff' },
  'PUT /api/v1/calendar/settings': { own: 'uffffffofff' },
  'GET /api/v1/locate': { own: 'uooooooooof' },
  'GET /api/v1/grids': { own: 'uooooooooof' },
  'GET /api/v1/grids/tiles/{z}/{x}/{y}': { own: 'uooooooooof' },
  'POST /public/api/reports': { own: 'ooooooooooo' },
  'GET /public/api/reports/{key}': { own: 'ooooooooooo' },
  'POST /public/api/reports/{token}/rating': { own: 'ooooooooooo' },
  'GET /public/api/map': { own: 'ooooooooooo' },
  'GET /public/api/grids.geojson': { own: 'ooooooooooo' },
  // The public photo of a public report.
  'GET /public/media/{id}': { own: 'ooooooooooo' },
  'GET /site/{name}': { own: 'ooooooooooo' },
  // People: the list shows the caller's street's (own) and not another
  // street's (other); only the security admin makes and changes accounts
  // (三员分立: not the admin).  A password: one's own (own: 400 without
  // the old one, let through), another's only the security admin's.
  'GET /api/v1/users': { own: 'uffoffoffof', other: 'uffhffhffof' },
  'POST /api/v1/users': { own: 'uffffffffof', other: 'uffffffffof' },
  'PATCH /api/v1/users/{id}': { own: 'uffffffffof', other: 'uffffffffof' },
  'POST /api/v1/users/{id}/password': { own: 'uoooooooooo', other: 'uhhhhhhhhoh' },
  'GET /api/v1/password-policy': { own: 'uoooooooooo' },
  'PUT /api/v1/password-policy': { own: 'uffffffffof' },
  // Tokens: one's own (own), another street's inspector's (other): the
  // security admin's alone; it makes them (for api clients).
  'GET /api/v1/tokens': { own: 'uoooooooooo', other: 'uhhhhhhhhoh' },
  'POST /api/v1/tokens': { own: 'uffffffffof', other: 'uffffffffof' },
  'DELETE /api/v1/tokens/{id}': { own: 'uoooooooooo', other: 'uhhhhhhhhoh' },
  // The audit trail: the auditor's alone (not the admin's).
  'GET /api/v1/audit': { own: 'ufffffffffo' },
  // Patrol: beats are the area's shift leader's and the admin's, read by
  // its leader; shifts, track and my day an inspector's own.
  'GET /api/v1/patrol/beats': { own: 'uofoffoofff', other: 'uhfhffhofff' },
  'POST /api/v1/patrol/beats': { own: 'uffofffofff', other: 'uffhfffofff' },
  'DELETE /api/v1/patrol/beats/{grid}': { own: 'uffofffofff', other: 'uffhfffofff' },
  'POST /api/v1/patrol/shifts': { own: 'uofffffffff', other: 'uofffffffff' },
  'POST /api/v1/patrol/shifts/{id}/end': { own: 'uofffffffff', other: 'uhfffffffff' },
  'POST /api/v1/patrol/track': { own: 'uofffffffff', other: 'uofffffffff' },
  'GET /api/v1/patrol/me': { own: 'uofffffffff', other: 'uofffffffff' },
  'GET /api/v1/patrol/coverage': { own: 'uffoffoofff', other: 'uffhffhofff' },
  'GET /api/v1/patrol/tracks': { own: 'uffoffoofff', other: 'uffhffhofff' },
  // Assessment: the scheme is read by the staff, changed by the admin
  // (a bad body: 400, let through); a ranking holds the caller's own
  // street (the handler: its own department) and not another's.
  'GET /api/v1/assessment/scheme': { own: 'uooooooofff' },
  'PUT /api/v1/assessment/scheme': { own: 'uffffffofff' },
  'GET /api/v1/assessment/{kind}': { own: 'uooooooofff', other: 'uhhhhhhofff' },
  // The day's counters by hour in an area: the caller's own street (the
  // handler: its department's, no area), not another street.
  'GET /api/v1/assessment/hours': { own: 'uooooooofff', other: 'uhhhhhhofff' },
  // Hot spots and rebounds: the grids of the caller's street; a
  // department's staff see no grid.
  'GET /api/v1/hotspots': { own: 'uoooohoofff', other: 'uhhhhhhofff' },
  'GET /api/v1/rebounds': { own: 'uoooohoofff', other: 'uhhhhhhofff' },
  // The red and black lists: drafted and published by a leader of the
  // area (street A's here) and the admin; the lists of people (here
  // inspectors') read by the staff whose area holds the list's area -
  // not a department's; the public read and its page by anyone.
  'GET /api/v1/honours/draft': { own: 'ufffffoofff', other: 'ufffffhofff' },
  'POST /api/v1/honours': { own: 'ufffffoofff', other: 'ufffffhofff' },
  'GET /api/v1/honours': { own: 'uoooohoofff', other: 'uhhhhhhofff' },
  'GET /public/api/honours': { own: 'ooooooooooo' },
  'GET /public/honours': { own: 'ooooooooooo' },
  // The 四个一 reports: made by shift leaders, leaders and the admin,
  // read by who sees their area, commented by a leader or the admin.
  'POST /api/v1/reports': { own: 'uffoffoofff', other: 'uffhffhofff' },
  'GET /api/v1/reports': { own: 'uoooohoofff', other: 'uhhhhhhofff' },
  'GET /api/v1/reports/settings': { own: 'uooooooofff' },
  'PUT /api/v1/reports/settings': { own: 'uffffffofff' },
  'GET /api/v1/reports/{id}': { own: 'uoooohoofff', other: 'uhhhhhhofff' },
  'GET /api/v1/reports/{id}/file': { own: 'uoooohoofff', other: 'uhhhhhhofff' },
  'PATCH /api/v1/reports/{id}': { own: 'ufffffoofff', other: 'ufffffhofff' },
};

const STREET_A = '110101001';
const STREET_B = '110101002';
const LAT = { [STREET_A]: 39.9625, [STREET_B]: 39.9562 };
const LON = 116.4170;

const ws = workspace();
const servers = serverSet(ws);
const site = mkdtempSync(join(tmpdir(), 'ug-access-site-'));
let server;
let routes;
const token = {}; // role -> bearer token of that role's account in street A
const fx = {};    // the objects requests name

// A request without the test client's insistence on JSON: any answer.
async function send(role, { method, path, body, contentType, bearer }) {
  const headers = {};
  const b = bearer ?? (role === 'anonymous' ? null : token[role]);
  if (b) headers.Authorization = `Bearer ${b}`;
  let payload = body;
  if (body !== undefined && !Buffer.isBuffer(body) && typeof body !== 'string') {
    payload = JSON.stringify(body);
    headers['Content-Type'] = 'application/json';
  }
  if (contentType) headers['Content-Type'] = contentType;
  const abort = new AbortController();
  const res = await fetch(server.url(path), {
    method, headers, body: payload, redirect: 'manual', signal: abort.signal,
  });
  let text = '';
  if (/^text\/event-stream/.test(res.headers.get('content-type') ?? '')) {
    // A live stream never ends: what it says in its first 400 ms.
    const reader = res.body.getReader();
    const stop = setTimeout(() => abort.abort(), 400);
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
      }
    } catch (e) {
      if (e.name !== 'AbortError') throw e;
    }
    clearTimeout(stop);
  } else {
    text = await res.text();
  }
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON: pages, XML, photos */ }
  return { status: res.status, json, text };
}

const letter = (status) => ({ 401: 'u', 403: 'f', 404: 'h', 429: 'r' }[status]
  ?? (status >= 500 ? 'x' : 'o'));

async function as(role, method, path, body) {
  const r = await send(role, { method, path, body });
  assert.ok(r.status < 300, `${role} ${method} ${path}: ${r.status} ${r.text}`);
  return r.json;
}

// How to call each route: (role, relation) -> request, or for the lists
// of scope "area" { request, find: (answer) -> 1 if the object is in it }
// (findText: the same on the answer's text, for the live stream).
const CALLS = {
  'GET /open311/v2/discovery.{format}': () => ({ path: '/open311/v2/discovery.json' }),
  'GET /open311/v2/services.{format}': () => ({ path: '/open311/v2/services.json' }),
  'GET /open311/v2/services/{code}.{format}': () => ({ path: '/open311/v2/services/06010.json' }),
  'GET /open311/v2/requests.{format}': () => ({ path: '/open311/v2/requests.json' }),
  'POST /open311/v2/requests.{format}': () => ({ method: 'POST', path: '/open311/v2/requests.json', body: {} }),
  'GET /open311/v2/requests/{id}.{format}': () => ({ path: `/open311/v2/requests/${fx.publicNumber}.json` }),
  'GET /open311/v2/request/{id}.{format}': () => ({ path: `/open311/v2/request/${fx.publicNumber}.json` }),
  'GET /open311/v2/tokens/{token}.{format}': () => ({ path: `/open311/v2/tokens/${fx.publicToken}.json` }),
  'GET /open311/v2/servicerequestupdates.{format}': () => ({ path: '/open311/v2/servicerequestupdates.json' }),
  // Without an api_key: the standard's 403, whoever asks.
  'POST /open311/v2/servicerequestupdates.{format}': () => ({
    method: 'POST', path: '/open311/v2/servicerequestupdates.json', body: {},
  }),
  'GET /': () => ({ path: '/' }),
  'GET /public': () => ({ path: '/public' }),
  'GET /public/': () => ({ path: '/public/' }),
  'GET /public/follow': () => ({ path: '/public/follow' }),
  'GET /public/assets/{file...}': () => ({ path: '/public/assets/app.css' }),
  'GET /console': () => ({ path: '/console' }),
  'GET /console/': () => ({ path: '/console/' }),
  'GET /console/screen': () => ({ path: '/console/screen' }),
  // The bundle's name carries its hash: whatever the page names.
  'GET /console/assets/{file...}': () => ({ path: fx.consoleScript }),
  'GET /m': () => ({ path: '/m' }),
  'GET /m/': () => ({ path: '/m/' }),
  'GET /m/sw.js': () => ({ path: '/m/sw.js' }),
  'GET /m/assets/{file...}': () => ({ path: fx.fieldScript }),
  'GET /healthz': () => ({ path: '/healthz' }),
  'GET /metrics': () => ({ path: '/metrics' }),
  'POST /api/v1/session': () => ({ method: 'POST', path: '/api/v1/session', body: {} }),
  'GET /api/v1/session': () => ({ path: '/api/v1/session' }),
  // A token of its own per role: the request may end it.
  'DELETE /api/v1/session': (role) => ({
    method: 'DELETE', path: '/api/v1/session',
    bearer: role === 'anonymous' ? undefined : createToken(ws.db, fx.account[role]),
  }),
  'GET /api/v1/roles': () => ({ path: '/api/v1/roles' }),
  'GET /api/v1/workflow': () => ({ path: '/api/v1/workflow' }),
  'GET /api/v1/map': () => ({ path: '/api/v1/map' }),
  'GET /api/v1/divisions/{code}': () => ({ path: '/api/v1/divisions/110101' }),
  'GET /api/v1/departments': () => ({ path: '/api/v1/departments' }),
  'POST /api/v1/departments': () => ({ method: 'POST', path: '/api/v1/departments', body: {} }),
  'PATCH /api/v1/departments/{code}': () => ({ method: 'PATCH', path: '/api/v1/departments/110101-HW', body: {} }),
  'GET /api/v1/categories': () => ({ path: '/api/v1/categories' }),
  'POST /api/v1/categories': () => ({ method: 'POST', path: '/api/v1/categories', body: {} }),
  'PATCH /api/v1/categories/{code}': () => ({ method: 'PATCH', path: '/api/v1/categories/06010', body: {} }),
  'GET /api/v1/categories/{code}/standard': () => ({ path: '/api/v1/categories/06010/standard' }),
  'PUT /api/v1/categories/{code}/standard': () => ({
    method: 'PUT', path: '/api/v1/categories/06010/standard', body: { limits: 'x' },
  }),
  'GET /api/v1/routing-rules': () => ({ path: '/api/v1/routing-rules' }),
  'POST /api/v1/routing-rules': () => ({ method: 'POST', path: '/api/v1/routing-rules', body: {} }),
  'DELETE /api/v1/routing-rules/{id}': () => ({ method: 'DELETE', path: `/api/v1/routing-rules/${fx.ruleId}` }),
  'POST /api/v1/cases': (role, rel) => {
    const street = rel === 'own' ? STREET_A : STREET_B;
    const source = { inspector: 'inspector', leader: 'leader', api_client: 'external' }[role] ?? 'hotline';
    return {
      method: 'POST', path: '/api/v1/cases',
      body: {
        category: '06010', description: '路口有暴露垃圾', source, urgency: 'normal',
        area: street, lon: LON, lat: LAT[street],
      },
    };
  },
  // The stream, replayed from the start, tells of the case when the
  // caller sees it.
  'GET /api/v1/events': (role, rel) => ({
    request: { path: '/api/v1/events?after=0' },
    findText: (text) => text.includes(`"case_id":${fx[rel].id},`),
  }),
  // A report written at the case's spot lists it when the caller sees it.
  'GET /api/v1/cases/duplicates': (role, rel) => ({
    request: {
      path: `/api/v1/cases/duplicates?category=06010&lon=${LON}&lat=${LAT[rel === 'own' ? STREET_A : STREET_B]}`,
    },
    find: (j) => (j?.likely_duplicates ?? []).some((d) => d.id === fx[rel].id),
  }),
  // The map's points hold the case when the caller sees it.
  'GET /api/v1/cases/points': (role, rel) => ({
    request: { path: '/api/v1/cases/points' },
    find: (j) => (j?.points ?? []).some((p) => p[0] === fx[rel].id),
  }),
  // The counts hold the case when the caller sees it.
  'GET /api/v1/cases/stats': (role, rel) => ({
    request: { path: `/api/v1/cases/stats?q=${fx[rel].number}` },
    find: (j) => Object.keys(j?.counts ?? {}).length > 0,
  }),
  'GET /api/v1/cases': (role, rel) => ({
    request: { path: '/api/v1/cases?per_page=200' },
    find: (j) => (j?.cases ?? []).some((c) => c.id === (rel === 'own' ? fx.own.id : fx.other.id)),
  }),
  'GET /api/v1/cases/{id}': (role, rel) => ({ path: `/api/v1/cases/${fx[rel].id}` }),
  'GET /api/v1/cases/{id}/inspectors': (role, rel) => ({ path: `/api/v1/cases/${fx[rel].id}/inspectors` }),
  'POST /api/v1/cases/{id}/actions/{action}': (role, rel) => ({
    method: 'POST', path: `/api/v1/cases/${fx[rel].id}/actions/remind`, body: { version: 1000 },
  }),
  'POST /api/v1/cases/{id}/attachments': (role, rel) => ({
    method: 'POST', path: `/api/v1/cases/${fx[rel].id}/attachments?kind=other`, body: JPEG,
    contentType: 'image/jpeg',
  }),
  'GET /api/v1/attachments/{id}': (role, rel) => ({ path: `/api/v1/attachments/${fx.photo[rel]}` }),
  'GET /api/v1/calendar/due': () => ({
    path: `/api/v1/calendar/due?from=${encodeURIComponent('2026-12-01T09:00:00+08:00')}&working_hours=1`,
  }),
  'GET /api/v1/calendar/settings': () => ({ path: '/api/v1/calendar/settings' }),
  // Each with a body or a path the admin gets a 400 for: nothing changes.
  'POST /api/v1/calendar/import': () => ({
    method: 'POST', path: '/api/v1/calendar/import', body: '', contentType: 'text/calendar',
  }),
  'PUT /api/v1/calendar/days/{date}': () => ({ method: 'PUT', path: '/api/v1/calendar/days/2030-01-01', body: {} }),
  'POST /api/v1/components/import': () => ({
    method: 'POST', path: '/api/v1/components/import?name=c.csv&check=1', body: '', contentType: 'text/csv',
  }),
  'POST /api/v1/grids/import': () => ({
    method: 'POST', path: '/api/v1/grids/import?check=1', body: '', contentType: 'application/geo+json',
  }),
  'POST /api/v1/grids/generate': () => ({
    method: 'POST', path: '/api/v1/grids/generate?check=1', body: '', contentType: 'application/geo+json',
  }),
  'POST /api/v1/calendar/years/{year}/official': () => ({
    method: 'POST', path: '/api/v1/calendar/years/20x0/official', body: {},
  }),
  'PUT /api/v1/calendar/settings': () => ({ method: 'PUT', path: '/api/v1/calendar/settings', body: {} }),
  'GET /api/v1/locate': () => ({ path: `/api/v1/locate?lon=${LON}&lat=${LAT[STREET_A]}` }),
  'GET /api/v1/grids': () => ({ path: `/api/v1/grids?bbox=${LON},${LAT[STREET_A]},${LON + 0.001},${LAT[STREET_A] + 0.001}` }),
  // The zoom-16 tile of street A's point.
  'GET /api/v1/grids/tiles/{z}/{x}/{y}': () => {
    const n = 2 ** 16;
    const x = Math.floor(((LON + 180) / 360) * n);
    const y = Math.floor(((1 - Math.asinh(Math.tan((LAT[STREET_A] * Math.PI) / 180)) / Math.PI) / 2) * n);
    return { path: `/api/v1/grids/tiles/16/${x}/${y}.png` };
  },
  'POST /public/api/reports': () => ({ method: 'POST', path: '/public/api/reports', body: {} }),
  'GET /public/api/reports/{key}': () => ({ path: `/public/api/reports/${fx.publicToken}` }),
  'POST /public/api/reports/{token}/rating': () => ({
    method: 'POST', path: `/public/api/reports/${fx.publicToken}/rating`, body: { rating: 'satisfied' },
  }),
  'GET /public/api/map': () => ({ path: '/public/api/map' }),
  'GET /public/api/grids.geojson': () => ({
    path: `/public/api/grids.geojson?bbox=${LON},${LAT[STREET_A]},${LON + 0.001},${LAT[STREET_A] + 0.001}`,
  }),
  'GET /public/media/{id}': () => ({ path: `/public/media/${fx.publicPhoto}` }),
  'GET /site/{name}': () => ({ path: '/site/index.html' }),
  'GET /api/v1/users': (role, rel) => ({
    request: { path: '/api/v1/users' },
    find: (j) => (j?.users ?? []).some((u) => u.username === (rel === 'own' ? 'insp_a' : 'insp_b')),
  }),
  'POST /api/v1/users': (role, rel) => ({
    method: 'POST', path: '/api/v1/users',
    body: { username: `made_${role}_${rel}`, role: 'inspector', unit: rel === 'own' ? STREET_A : STREET_B },
  }),
  // own: a street-A inspector; other: street B's.
  'PATCH /api/v1/users/{id}': (role, rel) => ({
    method: 'PATCH', path: `/api/v1/users/${fx.userId[rel === 'own' ? 'insp_a' : 'insp_b']}`, body: {},
  }),
  // own: the caller's own account; other: street B's inspector.  The
  // body is empty: a change of one's own wants the old password (400), a
  // reset by the security admin generates one.
  'POST /api/v1/users/{id}/password': (role, rel) => ({
    method: 'POST',
    path: `/api/v1/users/${rel === 'own' ? (fx.userId[fx.account[role]] ?? 1) : fx.userId.insp_b}/password`,
    body: {},
  }),
  'GET /api/v1/password-policy': () => ({ path: '/api/v1/password-policy' }),
  'PUT /api/v1/password-policy': () => ({ method: 'PUT', path: '/api/v1/password-policy', body: {} }),
  'GET /api/v1/tokens': (role, rel) => ({
    request: { path: '/api/v1/tokens' },
    find: (j) => (j?.tokens ?? []).some((t) => t.user.username
      === (rel === 'own' ? fx.account[role] : 'insp_b')),
  }),
  'POST /api/v1/tokens': (role, rel) => ({
    method: 'POST', path: '/api/v1/tokens', body: { username: rel === 'own' ? 'api_a' : 'insp_b' },
  }),
  // A fresh token of the caller's own account, or of street B's
  // inspector, to revoke.
  'DELETE /api/v1/tokens/{id}': (role, rel) => {
    const owner = rel === 'own' ? (fx.account[role] ?? 'insp_a') : 'insp_b';
    createToken(ws.db, owner);
    const id = sql(ws.db, `SELECT MAX(t.id) FROM api_token t JOIN app_user u ON u.id = t.user_id
      WHERE u.username = '${owner}'`);
    return { method: 'DELETE', path: `/api/v1/tokens/${id}` };
  },
  'GET /api/v1/audit': () => ({ path: '/api/v1/audit' }),
  // Patrol: the own street's grid or the other's; the other street's
  // inspector's shift.
  'GET /api/v1/patrol/beats': (role, rel) => ({
    path: `/api/v1/patrol/beats?area=${rel === 'own' ? STREET_A : STREET_B}`,
  }),
  'POST /api/v1/patrol/beats': (role, rel) => ({
    method: 'POST', path: '/api/v1/patrol/beats',
    body: { inspector: fx.userId[rel === 'own' ? 'insp_a' : 'insp_b'], grids: [fx.grid[rel]], from: '2030-01-01' },
  }),
  // A beat that starts in 2031, ended before it begins.
  'DELETE /api/v1/patrol/beats/{grid}': (role, rel) => {
    const who = fx.userId[rel === 'own' ? 'insp_a' : 'insp_b'];
    sql(ws.db, `DELETE FROM patrol_beat WHERE grid = '${fx.grid[rel]}';
      INSERT INTO patrol_beat (grid, inspector_id, from_day, from_at, created_by, created_at)
      VALUES ('${fx.grid[rel]}', ${who}, '2031-01-01', ${Date.parse('2031-01-01T00:00:00+08:00') / 1000}, 't', 0)`);
    return { method: 'DELETE', path: `/api/v1/patrol/beats/${fx.grid[rel]}?from=2031-01-01` };
  },
  'POST /api/v1/patrol/shifts': () => ({ method: 'POST', path: '/api/v1/patrol/shifts', body: {} }),
  'POST /api/v1/patrol/shifts/{id}/end': (role, rel) => ({
    method: 'POST', path: `/api/v1/patrol/shifts/${fx.shift[rel]}/end`, body: {},
  }),
  'POST /api/v1/patrol/track': (role, rel) => ({
    method: 'POST', path: '/api/v1/patrol/track',
    body: {
      points: [{
        lon: LON, lat: LAT[rel === 'own' ? STREET_A : STREET_B],
        t: new Date(Date.now() - (rel === 'own' ? 3600e3 : 60e3)).toISOString(),
      }],
    },
  }),
  'GET /api/v1/patrol/me': () => ({ path: '/api/v1/patrol/me' }),
  'GET /api/v1/patrol/coverage': (role, rel) => ({
    path: `/api/v1/patrol/coverage?area=${rel === 'own' ? STREET_A : STREET_B}`,
  }),
  'GET /api/v1/patrol/tracks': (role, rel) => ({
    path: `/api/v1/patrol/tracks?area=${rel === 'own' ? STREET_A : STREET_B}`,
  }),
  'GET /api/v1/assessment/scheme': () => ({ path: '/api/v1/assessment/scheme' }),
  'PUT /api/v1/assessment/scheme': () => ({
    method: 'PUT', path: '/api/v1/assessment/scheme', body: { bands: {} },
  }),
  // The streets' ranking (the handler: the departments') lists the
  // caller's own (street A, 110101-HW) or the other (street B, 110101-SZ).
  'GET /api/v1/assessment/{kind}': (role, rel) => {
    const dept = role === 'handler';
    const want = dept ? (rel === 'own' ? '110101-HW' : '110101-SZ') : (rel === 'own' ? STREET_A : STREET_B);
    return {
      request: { path: `/api/v1/assessment/${dept ? 'departments' : 'streets'}?period=2026-11` },
      find: (j) => (j?.rows ?? []).some((r) => r.code === want),
    };
  },
  'GET /api/v1/assessment/hours': (role, rel) => {
    if (rel === 'own') return { path: `/api/v1/assessment/hours${role === 'handler' ? '' : `?area=${STREET_A}`}` };
    return { path: `/api/v1/assessment/hours?area=${STREET_B}` };
  },
  'GET /api/v1/hotspots': (role, rel) => gridList(rel, '/api/v1/hotspots?period=2026-W40'),
  'GET /api/v1/rebounds': (role, rel) => gridList(rel, '/api/v1/rebounds?since=2026-06-01'),
  'GET /api/v1/honours/draft': (role, rel) => ({
    path: `/api/v1/honours/draft?kind=grids&period=2026-11&area=${rel === 'own' ? STREET_A : STREET_B}`,
  }),
  'POST /api/v1/honours': (role, rel) => ({
    method: 'POST', path: '/api/v1/honours',
    body: { kind: 'grids', period: '2026-11', area: rel === 'own' ? STREET_A : STREET_B },
  }),
  // The inspectors' list of street A or of street B (published in
  // before()).
  'GET /api/v1/honours': (role, rel) => ({
    request: { path: '/api/v1/honours?kind=inspectors' },
    find: (j) => (j?.lists ?? []).some((l) => l.area?.code === (rel === 'own' ? STREET_A : STREET_B)),
  }),
  'GET /public/api/honours': () => ({ path: '/public/api/honours' }),
  'GET /public/honours': () => ({ path: '/public/honours' }),
  'POST /api/v1/reports': (role, rel) => ({
    method: 'POST', path: '/api/v1/reports',
    body: { kind: 'inspection', period: '2026-11-20', area: rel === 'own' ? STREET_A : STREET_B },
  }),
  // Street A's weekly report or street B's (made in before()).
  'GET /api/v1/reports': (role, rel) => ({
    request: { path: '/api/v1/reports?kind=weekly' },
    find: (j) => (j?.reports ?? []).some((r) => r.id === fx.report[rel]),
  }),
  'GET /api/v1/reports/{id}': (role, rel) => ({ path: `/api/v1/reports/${fx.report[rel]}` }),
  'GET /api/v1/reports/settings': () => ({ path: '/api/v1/reports/settings' }),
  'PUT /api/v1/reports/settings': () => ({
    method: 'PUT', path: '/api/v1/reports/settings', body: { signer: '城市管理监督指挥中心' },
  }),
  'GET /api/v1/reports/{id}/file': (role, rel) => ({ path: `/api/v1/reports/${fx.report[rel]}/file?format=html` }),
  'PATCH /api/v1/reports/{id}': (role, rel) => ({
    method: 'PATCH', path: `/api/v1/reports/${fx.report[rel]}`, body: { commentary: '本周处置及时。' },
  }),
};

// A hot spot (2026-W40) and a rebound (after 2026-06-01) planted once in a
// grid of each street; the list holds the caller's street's grid or the
// other's.
const GRIDS = { own: `${STREET_A}001002`, other: `${STREET_B}001002` };
function gridList(rel, path) {
  if (!fx.plantedGrids) {
    for (const [i, grid] of Object.values(GRIDS).entries()) {
      plantCases(ws.db, { grid, category: '06010', at: localMidnight('2026-09-29'), n: 6, tag: `AH${i}` });
      plantWeeks(ws.db, grid, '06010', '2026-04-06', [5, 5, 5, 5, 5, 5, 5, 5, 1, 5], `AR${i}`);
    }
    fx.plantedGrids = true;
  }
  return { request: { path }, find: (j) => (j?.rows ?? []).some((r) => r.code === GRIDS[rel]) };
}

before(async () => {
  emptyDemoDb(ws);
  writeFileSync(join(site, 'index.html'), '<!doctype html><title>site</title>\n');
  // No rate limits: every role asks from the same address.
  server = await servers.start(['--site', site, '--public-read-rate', '0',
    '--public-write-rate', '100000', '--api-key-rate', '100000']);
  routes = JSON.parse(ugOk(['routes', '--json']));
  // The console's script: its name carries a hash, the page names it.
  const page = await send('anonymous', { path: '/console/' });
  fx.consoleScript = `/console/${page.text.match(/src="(assets\/console-[^"]+\.js)"/)[1]}`;
  const field = await send('anonymous', { path: '/m/' });
  fx.fieldScript = `/m/${field.text.match(/src="(assets\/field-[^"]+\.js)"/)[1]}`;
  const admin = createToken(ws.db, 'admin');
  token.admin = admin;
  // The demo's security admin makes the accounts; the demo's auditor.
  token.security_admin = createToken(ws.db, 'security_admin');
  fx.account = {
    admin: 'admin', inspector: 'insp_a', handler: 'handler', security_admin: 'security_admin',
    auditor: 'auditor',
  };
  // Street A's people, one per division role; the handler is the demo's
  // (department 110101-HW).
  const made = {
    inspector: ['insp_a', 'inspector', STREET_A], receptionist: ['recep_a', 'receptionist', STREET_A],
    shift_leader: ['shift_a', 'shift_leader', STREET_A], dispatcher: ['disp_a', 'dispatcher', STREET_A],
    leader: ['leader_a', 'leader', STREET_A], api_client: ['api_a', 'api_client', STREET_A],
    insp_b: ['insp_b', 'inspector', STREET_B],
  };
  for (const [key, [username, role, unit]] of Object.entries(made)) {
    await as('security_admin', 'POST', '/api/v1/users', { username, role, unit });
    fx.account[key] = username;
  }
  // Every account's id, for the routes that name one.
  fx.userId = Object.fromEntries(sql(ws.db, "SELECT username || ' ' || id FROM app_user")
    .split('\n').map((line) => line.split(' ')).map(([u, id]) => [u, Number(id)]));
  for (const role of ROLES) {
    if (role !== 'anonymous') token[role] = createToken(ws.db, fx.account[role]);
  }
  token.insp_b = createToken(ws.db, 'insp_b');
  token.district = {};
  for (const who of ['receptionist', 'shift_leader', 'dispatcher']) {
    token.district[who] = createToken(ws.db, who);
  }
  const district = (who, method, path, body) => send(null, { method, path, body, bearer: token.district[who] })
    .then((r) => { assert.ok(r.status < 300, `${who} ${path}: ${r.text}`); return r.json; });
  // A case of street A in the hands of 110101-HW, one of street B of
  // 110101-SZ, a photo on each.
  let own = await as('inspector', 'POST', '/api/v1/cases', {
    category: '06010', description: '路口有暴露垃圾', source: 'inspector', urgency: 'normal',
    lon: LON, lat: LAT[STREET_A],
  });
  own = await district('shift_leader', 'POST', `/api/v1/cases/${own.id}/actions/file`, { version: own.version });
  own = await district('dispatcher', 'POST', `/api/v1/cases/${own.id}/actions/dispatch`,
    { version: own.version, department: '110101-HW' });
  let other = await district('receptionist', 'POST', '/api/v1/cases', {
    category: '06010', description: '路口有暴露垃圾', source: 'hotline', urgency: 'normal',
    area: STREET_B, lon: LON, lat: LAT[STREET_B],
  });
  other = (await send(null, { method: 'POST', path: `/api/v1/cases/${other.id}/actions/verify`,
    body: { version: other.version }, bearer: token.insp_b })).json;
  other = await district('shift_leader', 'POST', `/api/v1/cases/${other.id}/actions/file`, { version: other.version });
  other = await district('dispatcher', 'POST', `/api/v1/cases/${other.id}/actions/dispatch`,
    { version: other.version, department: '110101-SZ' });
  fx.own = own;
  fx.other = other;
  const photo = async (bearer, id) => {
    const r = await send(null, {
      method: 'POST', path: `/api/v1/cases/${id}/attachments?kind=other`, body: JPEG,
      contentType: 'image/jpeg', bearer,
    });
    assert.equal(r.status, 201, r.text);
    return r.json.id;
  };
  fx.photo = { own: await photo(token.inspector, own.id), other: await photo(token.district.receptionist, other.id) };
  // A public report with its token and a public photo.
  const pub = await send('anonymous', {
    method: 'POST', path: '/public/api/reports',
    body: { service_code: '06010', lat: LAT[STREET_A], long: LON, description: '路边有垃圾' },
  });
  assert.equal(pub.status, 201, pub.text);
  fx.publicToken = pub.json.token;
  fx.publicNumber = pub.json.service_request_id ?? pub.json.number;
  const found = await send(null, { path: `/api/v1/cases?q=${fx.publicNumber}`, bearer: admin });
  const reportPhoto = await send(null, {
    method: 'POST', path: `/api/v1/cases/${found.json.cases[0].id}/attachments?kind=report`, body: JPEG,
    contentType: 'image/jpeg', bearer: token.district.receptionist,
  });
  assert.equal(reportPhoto.status, 201, reportPhoto.text);
  fx.publicPhoto = reportPhoto.json.id;
  const rule = await as('admin', 'POST', '/api/v1/routing-rules', { department: '110101-HW', area: STREET_A });
  fx.ruleId = rule.id;
  // Patrol: a grid of each street; a shift of each street's inspector,
  // ended (ending it again is 409: let through).
  fx.grid = {};
  for (const rel of ['own', 'other']) {
    const at = await as('admin', 'GET', `/api/v1/locate?lon=${LON}&lat=${LAT[rel === 'own' ? STREET_A : STREET_B]}`);
    fx.grid[rel] = at.grid.code;
  }
  fx.shift = {};
  for (const [rel, who] of [['own', 'insp_a'], ['other', 'insp_b']]) {
    fx.shift[rel] = Number(sql(ws.db, `INSERT INTO patrol_shift (inspector_id, started_at, ended_at)
      VALUES (${fx.userId[who]}, 1, 2) RETURNING id`));
  }
  for (const area of [STREET_A, STREET_B]) {
    await as('admin', 'POST', '/api/v1/honours', { kind: 'inspectors', period: '2026-11', area });
  }
  fx.report = {};
  for (const [rel, area] of [['own', STREET_A], ['other', STREET_B]]) {
    fx.report[rel] = (await as('admin', 'POST', '/api/v1/reports', { kind: 'weekly', period: '2026-W47', area })).id;
  }
});

after(async () => {
  await servers.close();
  rmSync(site, { recursive: true, force: true });
});

const key = (r) => `${r.method} ${r.pattern}`;

test('every route has a row of the matrix, and every row a route', () => {
  const listed = routes.map(key);
  const missing = listed.filter((k) => !MATRIX[k] || !CALLS[k]);
  assert.deepEqual(missing, [], 'routes without a row: add them to MATRIX and CALLS');
  const stale = Object.keys(MATRIX).filter((k) => !listed.includes(k));
  assert.deepEqual(stale, [], 'rows without a route');
  for (const r of routes) {
    const row = MATRIX[key(r)];
    assert.equal(row.own.length, ROLES.length, `${key(r)}: one letter per role`);
    if (r.scope === 'area') {
      assert.ok(row.other && row.other.length === ROLES.length,
        `${key(r)} is of scope area: it needs the other street's answers too`);
    }
    // Roles outside the table's list never get through.
    ROLES.forEach((role, i) => {
      if (role !== 'anonymous' && r.scope !== 'public' && !r.roles.includes(role)) {
        assert.equal(row.own[i], 'f', `${key(r)}: ${role} is not among its roles`);
      }
    });
  }
});

test('each role gets what the matrix says, on its own street and on another', async () => {
  const wrong = [];
  const seen = {};
  for (const r of routes) {
    const k = key(r);
    const row = MATRIX[k];
    for (const rel of r.scope === 'area' ? ['own', 'other'] : ['own']) {
      let got = '';
      for (const role of ROLES) {
        const call = CALLS[k](role, rel);
        if (call.find || call.findText) {
          const res = await send(role, { method: 'GET', ...call.request });
          const found = call.find ? call.find(res.json) : call.findText(res.text);
          got += res.status === 200 ? (found ? 'o' : 'h') : letter(res.status);
        } else {
          const res = await send(role, { method: call.method ?? 'GET', ...call });
          got += letter(res.status);
        }
      }
      seen[`${k} ${rel}`] = got;
      if (got !== row[rel]) wrong.push(`${k} (${rel}): want ${row[rel]}, got ${got}`);
    }
  }
  if (process.env.UG_ACCESS_PRINT) console.log(JSON.stringify(seen, null, 1));
  assert.deepEqual(wrong, []);
});
