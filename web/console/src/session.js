// session.js - who is using the console: log in (POST /api/v1/session),
// who am I (GET), log out (DELETE), and the workflow table the pages draw
// their buttons and forms from (GET /api/v1/workflow: the server's own
// table, never a copy kept here).
import { ApiError, getJSON, send, setCsrf } from '../../public/assets/api.js';

let me = null;        // { user, csrf_token, password_change_required }
let workflow = null;  // the answer of GET /api/v1/workflow

export const current = () => me;
export const user = () => me?.user ?? null;

function take(answer) {
  me = answer;
  setCsrf(answer.csrf_token ?? null);
  return me;
}

// The session this browser holds, or null when it holds none (401).
export async function resume() {
  try {
    return take(await getJSON('/api/v1/session'));
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return null;
    throw e;
  }
}

export async function login(username, password) {
  return take(await send('POST', '/api/v1/session', { username, password }));
}

export async function logout() {
  try {
    await send('DELETE', '/api/v1/session');
  } finally {
    me = null;
    workflow = null;
    setCsrf(null);
  }
}

// After a password change the server ends the other sessions and keeps
// this one: ask again who we are (the hold on the session is lifted).
export async function refresh() {
  return take(await getJSON('/api/v1/session'));
}

export async function loadWorkflow() {
  if (!workflow) workflow = await getJSON('/api/v1/workflow');
  return workflow;
}

export const actionInfo = (name) => workflow?.actions.find((a) => a.action === name);
