// workspaces.js - what each role opens in the console: its queues (a
// named filter of GET /api/v1/cases, earliest deadline first) and its
// other pages.  This is presentation only: who may see a case and which
// actions it offers are decided by the server for every case it sends
// (the access layer, and each case's `actions`), never here.

// A queue: id (its address #/ws/<id>, its words ws.<id>), the list's
// query, and the filters it offers.
const q = (id, query, filters = ['state', 'category', 'area', 'source', 'light']) => ({
  id, kind: 'queue', query, filters,
});
const page = (id) => ({ id, kind: 'page' });
// The map: the open cases (the filters of a queue), drawn.
const map = () => ({ id: 'map', kind: 'map', query: { state: OPEN }, filters: ['category', 'area', 'source', 'light'] });

// The open states (every state but closed, rejected, void, merged): the
// queues of all open cases, the map, the overview and the big screen.
export const OPEN = 'reported,verified,filed,dispatched,returned,hung,handled,checked';

export const WORKSPACES = {
  receptionist: [
    page('intake'),
    q('verify', { state: 'reported,verified' }),
    q('cases', { state: OPEN }),
    map(),
  ],
  shift_leader: [
    q('filing', { state: 'reported,verified' }),
    q('closing', { state: 'checked' }),
    q('extensions', { state: 'dispatched', extension: 1 }),
    q('overdue', { state: OPEN, light: 'red' }),
    q('supervised', { state: OPEN, supervised: 1 }),
    q('hung', { state: 'hung' }),
    map(),
    page('assessment'),
    page('reports'),
  ],
  dispatcher: [
    q('dispatch', { state: 'filed,returned' }),
    q('cases', { state: OPEN }),
    map(),
  ],
  handler: [
    q('worklist', { state: 'dispatched,hung' }),
  ],
  leader: [
    page('overview'),
    page('assessment'),
    page('reports'),
    q('overdue', { state: OPEN, light: 'red' }),
    q('cases', { state: OPEN }),
    map(),
  ],
  inspector: [
    q('tasks', { state: 'reported,handled' }),
  ],
  admin: [
    page('departments'),
    page('routing'),
    page('standards'),
    page('calendar'),
    page('grids'),
    page('generate'),
    page('components'),
    page('assessment'),
    page('reports'),
    q('cases', { state: OPEN }),
  ],
  security_admin: [
    page('users'),
    page('tokens'),
    page('policy'),
  ],
  auditor: [
    page('audit'),
  ],
};

// Who the command-centre screen (/console/screen) is for; the header
// links to it for them.
export const SCREEN_ROLES = ['leader', 'shift_leader', 'admin'];

export function workspacesOf(role) {
  return WORKSPACES[role] ?? [];
}

// Whether the role's pages show cases, and so follow their changes
// (live.js); the accounts' and the audit's pages do not.
export function followsCases(role) {
  return workspacesOf(role).some((w) => ['queue', 'map'].includes(w.kind) || ['overview', 'intake'].includes(w.id));
}

export function findWorkspace(role, id) {
  return workspacesOf(role).find((w) => w.id === id) ?? null;
}
