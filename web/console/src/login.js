// login.js - the login form and the password change (forced after the
// security admin's reset or an expired password, or asked for from the
// header's "change my password").  A lock-out (429) is shown as the time
// to wait; what was typed is kept on every error.
import { ApiError, getJSON, send } from '../../public/assets/api.js';
import { t } from '../../public/assets/i18n-core.js';
import {
  announce, clearErrors, field, fieldError, fill, formError, h,
} from './dom.js';
import { sayError, span } from './format.js';
import * as session from './session.js';

function banner() {
  return h('p', { class: 'banner error', role: 'alert', hidden: true });
}

function showBanner(form, text) {
  const b = form.querySelector('.banner.error');
  b.textContent = text;
  b.hidden = false;
}

export function renderLogin(main, done) {
  const username = h('input', {
    name: 'username', autocomplete: 'username', required: true, maxlength: 64, autofocus: true,
  });
  const password = h('input', {
    name: 'password', type: 'password', autocomplete: 'current-password', required: true, maxlength: 256,
  });
  const submit = h('button', { type: 'submit', class: 'primary' }, t('login.submit'));
  const form = h('form', { class: 'card narrow', novalidate: true },
    h('h1', {}, t('login.title')),
    banner(),
    field('login-username', t('login.username'), username),
    field('login-password', t('login.password'), password),
    submit);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    if (!username.value.trim()) return fieldError(form, 'username', t('login.need_username'));
    if (!password.value) return fieldError(form, 'password', t('login.need_password'));
    submit.disabled = true;
    try {
      await session.login(username.value.trim(), password.value);
      await done();
    } catch (e) {
      password.value = '';
      if (e instanceof ApiError && e.status === 429) {
        showBanner(form, t('login.locked', { wait: span((e.retryAfter ?? 60) * 1000) }));
      } else if (e instanceof ApiError && e.status === 401) {
        showBanner(form, t('login.failed'));
      } else {
        showBanner(form, t('common.error', { message: e.message }));
      }
      password.focus();
    } finally {
      submit.disabled = false;
    }
  });
  fill(main, form);
}

// The rules of the password policy, said in words.
function policyText(p) {
  const parts = [t('password.rule.length', { n: p.min_length })];
  if (p.min_classes > 1) parts.push(t('password.rule.classes', { n: p.min_classes }));
  if (p.not_username) parts.push(t('password.rule.username'));
  return parts.join(t('common.list_sep'));
}

export async function renderPassword(main, { forced, done }) {
  const me = session.user();
  const policy = await getJSON('/api/v1/password-policy');
  const old = h('input', {
    name: 'old_password', type: 'password', autocomplete: 'current-password', maxlength: 256, autofocus: true,
  });
  const pw = h('input', { name: 'password', type: 'password', autocomplete: 'new-password', maxlength: 256 });
  const again = h('input', { name: 'again', type: 'password', autocomplete: 'new-password', maxlength: 256 });
  const submit = h('button', { type: 'submit', class: 'primary' }, t('password.submit'));
  const form = h('form', { class: 'card narrow', novalidate: true },
    h('h1', {}, t('password.title')),
    forced ? h('p', { class: 'banner info' }, t('password.forced')) : null,
    banner(),
    field('pw-old', t('password.current'), old),
    field('pw-new', t('password.new'), pw, policyText(policy)),
    field('pw-again', t('password.repeat'), again),
    submit);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    if (!old.value) return fieldError(form, 'old_password', t('password.need_current'));
    if (!pw.value) return fieldError(form, 'password', t('password.need_new'));
    if (pw.value !== again.value) return fieldError(form, 'again', t('password.mismatch'));
    submit.disabled = true;
    try {
      await send('POST', `/api/v1/users/${me.id}/password`,
        { old_password: old.value, password: pw.value });
      announce(t('password.done'));
      await done();
    } catch (e) {
      formError(form, e, sayError);
    } finally {
      submit.disabled = false;
    }
  });
  fill(main, form);
}
