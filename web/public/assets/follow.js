// follow.js - the "follow a report" page (follow.html): look a report up
// by its request ID or its token (GET /public/api/reports/{id or token}),
// show what a citizen may see of it - status, history as a timeline,
// photos, a small map - and, once it is closed and looked up by token,
// the satisfaction rating (POST /public/api/reports/{token}/rating).
import { ApiError, getJSON, post } from './api.js';
import { currentLang, onLangChange, startI18n, t } from './i18n.js';
import { cityMap } from './map.js';

const $ = (id) => document.getElementById(id);
let shown = null;   // { report, key, byToken } on screen
let place = null;   // the small map, once made

// Request IDs are digits; anything else is a token.  Only a token may
// rate: the ID is printed on public lists, the token only given to the
// reporter.
const isToken = (key) => !/^\d+$/.test(key);

function formatTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(currentLang() === 'en' ? 'en-GB' : 'zh-CN',
    { dateStyle: 'medium', timeStyle: 'short' }).format(d);
}

function setText(id, text) {
  $(id).textContent = text ?? '';
}

// Show or hide a dt/dd pair (class name) by whether it has a value.
function showPair(cls, value) {
  for (const el of document.querySelectorAll(`.facts .${cls}`)) el.hidden = !value;
}

function showQueryError(message) {
  const box = $('query-error');
  box.textContent = message;
  box.hidden = false;
  $('query').setAttribute('aria-invalid', 'true');
}

function clearQueryError() {
  $('query-error').hidden = true;
  $('query').removeAttribute('aria-invalid');
}

// ---- the report ----------------------------------------------------------

function renderPhotos(urls) {
  const list = $('photo-list');
  list.replaceChildren();
  urls.forEach((u, i) => {
    const url = new URL(u, window.location.href);
    const n = i + 1;
    if (url.origin === window.location.origin) {
      const a = document.createElement('a');
      a.href = url.href;
      const img = document.createElement('img');
      img.src = url.href;
      img.alt = t('follow.photo_alt', { n });
      img.loading = 'lazy';
      a.append(img);
      list.append(a);
    } else {
      // Photos held elsewhere (an Open311 client's media_url) are never
      // loaded by this page: a link the citizen may follow, no more.
      const a = document.createElement('a');
      a.href = url.href;
      a.rel = 'noreferrer noopener';
      a.textContent = t('follow.photo_link', { n });
      list.append(a);
    }
  });
  $('photos').hidden = urls.length === 0;
}

function renderTimeline(r) {
  const items = [{ datetime: r.requested_datetime, description: t('follow.history.submitted') },
    ...(r.notes ?? [])];
  const ol = $('timeline');
  ol.replaceChildren(...items.map((n) => {
    const li = document.createElement('li');
    const time = document.createElement('time');
    time.dateTime = n.datetime ?? '';
    time.textContent = formatTime(n.datetime);
    const p = document.createElement('p');
    p.textContent = n.description ?? '';
    li.append(time, p);
    return li;
  }));
}

async function renderMap(r) {
  const has = typeof r.lat === 'number' && typeof r.long === 'number';
  $('where').hidden = !has;
  if (!has) return;
  if (place) {
    place.map.setView([r.lat, r.long], 16);
    place.setPin(r.lat, r.long);
    return;
  }
  try {
    place = await cityMap($('report-map'), {
      view: { lat: r.lat, lon: r.long, zoom: 16 }, interactive: false, pinLabel: t('follow.location'),
    });
    place.setPin(r.lat, r.long);
  } catch {
    $('where').hidden = true;
  }
}

function renderRating(r, byToken) {
  const section = $('rating');
  const done = $('rating-done');
  const formEl = $('rating-form');
  const needToken = $('rating-need-token');
  done.hidden = !r.rating;
  if (r.rating) done.textContent = t('rating.yours', { rating: t(`rating.${r.rating}`) });
  formEl.hidden = !(r.can_rate && byToken);
  needToken.hidden = !(r.can_rate && !byToken);
  section.hidden = done.hidden && formEl.hidden && needToken.hidden;
}

function render() {
  const { report: r, byToken } = shown;
  setText('report-title', r.service_name || r.service_code);
  const badge = $('report-status');
  badge.textContent = t(`follow.status.${r.status === 'closed' ? 'closed' : 'open'}`);
  badge.className = `badge ${r.status === 'closed' ? 'closed' : 'open'}`;
  setText('report-notes', r.status_notes);
  setText('report-number', r.number);
  setText('report-id', r.service_request_id);
  setText('report-requested', formatTime(r.requested_datetime));
  setText('report-updated', formatTime(r.updated_datetime));
  setText('report-expected', formatTime(r.expected_datetime));
  showPair('expected', r.expected_datetime && r.status !== 'closed');
  setText('report-address', r.address);
  showPair('address', r.address);
  setText('report-description', r.description);
  renderPhotos(r.media_url ?? []);
  renderTimeline(r);
  renderRating(r, byToken);
}

async function lookup(key, { focus = true } = {}) {
  clearQueryError();
  key = key.trim();
  if (!key) {
    showQueryError(t('common.required'));
    return;
  }
  const button = $('lookup');
  button.disabled = true;
  try {
    // Status notes and names come in the page's language.
    const lang = currentLang() === 'en' ? '?lang=en' : '';
    const report = await getJSON(`/public/api/reports/${encodeURIComponent(key)}${lang}`);
    shown = { report, key, byToken: isToken(key) };
    // The address says what is shown, so it can be reloaded or kept.
    const url = new URL(window.location.href);
    url.searchParams.delete('id');
    url.searchParams.delete('token');
    url.searchParams.set(shown.byToken ? 'token' : 'id', key);
    window.history.replaceState(null, '', url);
    const article = $('report');
    article.hidden = false;
    render();
    await renderMap(report);
    if (focus) article.focus();
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    $('report').hidden = true;
    shown = null;
    if (e.status === 404) showQueryError(t('follow.not_found'));
    else if (e.status === 0) showQueryError(t('common.network'));
    else showQueryError(t('common.failed', { msg: e.message }));
  } finally {
    button.disabled = false;
  }
}

// ---- rating ----------------------------------------------------------------

function showRatingError(message) {
  const box = $('rating-error');
  box.textContent = message;
  box.hidden = false;
}

async function rate(ev) {
  ev.preventDefault();
  $('rating-error').hidden = true;
  const chosen = document.querySelector('input[name="rating"]:checked');
  if (!chosen) {
    showRatingError(t('rating.choose'));
    return;
  }
  const body = { rating: chosen.value };
  const comment = $('comment').value.trim();
  if (comment) body.comment = comment;
  const button = $('rate');
  button.disabled = true;
  button.textContent = t('rating.submitting');
  try {
    const answer = await post(`/public/api/reports/${encodeURIComponent(shown.key)}/rating`, body);
    shown.report = { ...shown.report, rating: answer.rating ?? body.rating, can_rate: false };
    render();
    $('rating-done').textContent = `${t('rating.thanks')} ${t('rating.yours', { rating: t(`rating.${shown.report.rating}`) })}`;
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    if (e.status === 0) showRatingError(t('common.network'));
    else if (e.field === 'comment') {
      $('comment-error').textContent = e.message;
      $('comment-error').hidden = false;
    } else showRatingError(e.message);
    // 409: rated meanwhile, or not closed after all: show what is true now.
    if (e.status === 409) await lookup(shown.key, { focus: false });
  } finally {
    button.disabled = false;
    button.textContent = t('rating.submit');
  }
}

// ---- start -------------------------------------------------------------

startI18n();
onLangChange(() => {
  if (!shown) return;
  render();
  lookup(shown.key, { focus: false }); // the server's words, in the new language
});
$('lookup-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  lookup($('query').value);
});
$('rating-form').addEventListener('submit', rate);
$('rating-form').addEventListener('change', () => { $('rating-error').hidden = true; });
{
  const params = new URLSearchParams(window.location.search);
  const key = params.get('token') ?? params.get('id');
  if (key) {
    $('query').value = key;
    lookup(key, { focus: false });
  }
}
