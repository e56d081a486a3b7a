// report.js - the "report a problem" page (report.html): categories from
// Open311 services.json grouped by 大类, a place by map pin, the phone's
// location or a typed address, an optional photo checked here before it
// is sent (the server checks again), and the report sent as
// multipart/form-data to POST /public/api/reports.  An error is shown next
// to the field it names and nothing typed is ever cleared by one.
import { ApiError, getJSON, post } from './api.js';
import {
  currentLang, hasText, onLangChange, startI18n, t,
} from './i18n.js';
import { cityMap } from './map.js';

const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'];
const PHOTO_MAX_MB = 8; // serve --photo-limit's default; the server decides

const $ = (id) => document.getElementById(id);
const form = $('report-form');
const place = { lat: null, lon: null };
let photoURL = null;
let city = null; // the map, once loaded

// ---- errors next to fields -------------------------------------------

// The server names fields as the form does, except for the place.
const FIELD_OF = { lat: 'location', long: 'location', media: 'photo', media_url: 'photo' };

function fieldName(field) {
  return FIELD_OF[field] ?? (/^photo\d*$|^media\[\]$/.test(field) ? 'photo' : field);
}

// The server's messages are English; in Chinese the page says in its own
// words what is wrong with the field the server named.
function serverMessage(e) {
  const key = `server.${fieldName(e.field)}`;
  return currentLang() === 'zh' && hasText(key) ? t(key) : e.message;
}

function showFieldError(field, message) {
  const name = fieldName(field);
  const box = $(`${name}-error`);
  if (!box) return false;
  box.textContent = message;
  box.hidden = false;
  const input = $(name);
  if (input) input.setAttribute('aria-invalid', 'true');
  box.closest('.field')?.classList.add('invalid');
  return true;
}

function clearErrors() {
  for (const box of form.querySelectorAll('.field-error')) {
    box.hidden = true;
    box.textContent = '';
  }
  for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  for (const el of form.querySelectorAll('.invalid')) el.classList.remove('invalid');
  $('form-error').hidden = true;
}

function showFormError(message) {
  const banner = $('form-error');
  banner.textContent = message;
  banner.hidden = false;
}

function focusFirstError() {
  const field = form.querySelector('.field.invalid');
  const target = field?.querySelector('input, select, textarea, button') ?? $('form-error');
  target?.focus();
  (field ?? target)?.scrollIntoView({ block: 'center' });
}

// ---- categories --------------------------------------------------------

async function loadCategories() {
  const select = $('service_code');
  const chosen = select.value;
  let services;
  try {
    services = await getJSON(`/open311/v2/services.json?locale=${currentLang()}`);
  } catch (e) {
    select.replaceChildren(new Option(t('report.category.unavailable'), ''));
    showFieldError('service_code', e.status === 0 ? t('common.network') : e.message);
    return;
  }
  const groups = new Map();
  for (const s of services) {
    const group = s.group || t('report.category.other_group');
    if (!groups.has(group)) groups.set(group, []);
    groups.get(group).push(s);
  }
  const options = [new Option(t('report.category.choose'), '')];
  for (const [group, list] of groups) {
    const og = document.createElement('optgroup');
    og.label = group;
    for (const s of list) {
      const o = new Option(s.service_name, s.service_code);
      if (s.description) o.title = s.description;
      og.append(o);
    }
    options.push(og);
  }
  select.replaceChildren(...options);
  select.value = chosen; // a switch of language keeps the choice
}

// ---- the place ---------------------------------------------------------

function showPlace() {
  const status = $('pin-status');
  if (place.lat === null) {
    status.textContent = t('report.location.none');
  } else {
    status.textContent = t('report.location.pinned',
      { lat: place.lat.toFixed(6), lon: place.lon.toFixed(6) });
  }
  $('clear-pin').hidden = place.lat === null;
}

function setPlace(lat, lon) {
  place.lat = lat;
  place.lon = lon;
  showPlace();
  const box = $('location-error');
  if (!box.hidden) {
    box.hidden = true;
    box.closest('.field').classList.remove('invalid');
  }
}

async function startMap() {
  try {
    city = await cityMap($('map'), { pinLabel: t('report.location') });
  } catch (e) {
    $('map').hidden = true;
    const note = $('map-note');
    note.textContent = t('map.unavailable');
    note.hidden = false;
    return;
  }
  city.onPick(setPlace);
}

function locateMe() {
  const button = $('locate');
  if (!navigator.geolocation) {
    showFieldError('location', t('report.location.geo_unsupported'));
    return;
  }
  button.disabled = true;
  button.textContent = t('report.location.locating');
  navigator.geolocation.getCurrentPosition((pos) => {
    button.disabled = false;
    button.textContent = t('report.location.mine');
    const { latitude: lat, longitude: lon } = pos.coords;
    setPlace(lat, lon);
    if (city) {
      city.setPin(lat, lon);
      city.map.setView([lat, lon], Math.max(city.map.getZoom(), 17));
    }
  }, (err) => {
    button.disabled = false;
    button.textContent = t('report.location.mine');
    showFieldError('location', t('report.location.geo_failed', { msg: err.message || err.code }));
  }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
}

// ---- the photo ---------------------------------------------------------

function photoProblem(file) {
  if (!PHOTO_TYPES.includes(file.type)) return t('report.photo.bad_type');
  if (file.size > PHOTO_MAX_MB * 1024 * 1024) {
    return t('report.photo.too_big', { size: (file.size / 1048576).toFixed(1), mb: PHOTO_MAX_MB });
  }
  return null;
}

function showPhoto() {
  const input = $('photo');
  const file = input.files[0];
  const box = $('photo-error');
  box.hidden = true;
  input.removeAttribute('aria-invalid');
  input.closest('.field').classList.remove('invalid');
  if (photoURL) URL.revokeObjectURL(photoURL);
  photoURL = null;
  $('photo-preview').hidden = true;
  if (!file) return;
  const problem = photoProblem(file);
  if (problem) {
    showFieldError('photo', problem);
    return;
  }
  photoURL = URL.createObjectURL(file);
  $('photo-img').src = photoURL;
  $('photo-preview').hidden = false;
}

function removePhoto() {
  $('photo').value = '';
  showPhoto();
}

// ---- sending -----------------------------------------------------------

// Checks that need no server; true when the form may go.
function checkForm() {
  const problems = [];
  if (!$('service_code').value) problems.push(['service_code', t('common.required')]);
  if (!$('description').value.trim()) problems.push(['description', t('common.required')]);
  if (place.lat === null && !$('address_string').value.trim()) {
    problems.push(['location', t('report.location.required')]);
  }
  const file = $('photo').files[0];
  if (file && photoProblem(file)) problems.push(['photo', photoProblem(file)]);
  for (const [field, message] of problems) showFieldError(field, message);
  return problems.length === 0;
}

function formData() {
  const fd = new FormData();
  fd.append('service_code', $('service_code').value);
  fd.append('description', $('description').value.trim());
  if (place.lat !== null) {
    fd.append('lat', place.lat.toFixed(7));
    fd.append('long', place.lon.toFixed(7));
  }
  for (const name of ['address_string', 'name', 'phone']) {
    const v = $(name).value.trim();
    if (v) fd.append(name, v);
  }
  const file = $('photo').files[0];
  if (file) fd.append('photo', file, file.name);
  return fd;
}

function showDone(r) {
  $('done-number').textContent = r.number ?? '';
  $('done-id').textContent = r.service_request_id ?? '';
  $('done-token').textContent = r.token ?? '';
  $('done-status').textContent = r.status_notes ?? '';
  const follow = new URL('/public/follow', window.location.href);
  if (r.token) follow.searchParams.set('token', r.token);
  else follow.searchParams.set('id', r.service_request_id);
  $('done-follow').href = follow.pathname + follow.search;
  form.hidden = true;
  const done = $('done');
  done.hidden = false;
  done.focus();
  done.scrollIntoView({ block: 'start' });
}

async function send(ev) {
  ev.preventDefault();
  clearErrors();
  if (!checkForm()) {
    showFormError(t('report.fix'));
    focusFirstError();
    return;
  }
  const button = $('submit');
  button.disabled = true;
  button.textContent = t('report.submitting');
  try {
    showDone(await post('/public/api/reports', formData()));
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    if (e.status === 0) {
      showFormError(t('common.network'));
    } else if (e.status === 429) {
      showFormError(t('common.retry_after', { s: e.retryAfter ?? 60 }));
    } else if (e.status === 413) {
      // Over the photo or body limit: the photo is what can be that big.
      showFieldError('photo', currentLang() === 'zh' ? t('server.photo') : e.message);
      showFormError(t('report.fix'));
    } else if (!e.field || !showFieldError(e.field, serverMessage(e))) {
      showFormError(t('common.failed', { msg: e.message }));
    } else {
      showFormError(t('report.fix'));
    }
    focusFirstError();
  } finally {
    button.disabled = false;
    button.textContent = t('report.submit');
  }
}

// ---- start -------------------------------------------------------------

function showPhotoHint() {
  $('photo-hint').textContent = t('report.photo.hint', { mb: PHOTO_MAX_MB });
}

startI18n();
showPhotoHint();
showPlace();
onLangChange(() => {
  showPhotoHint();
  showPlace();
  loadCategories();
});
form.addEventListener('submit', send);
$('locate').addEventListener('click', locateMe);
$('clear-pin').addEventListener('click', () => {
  place.lat = null;
  place.lon = null;
  city?.clearPin();
  showPlace();
});
$('photo').addEventListener('change', showPhoto);
$('photo-remove').addEventListener('click', removePhoto);
$('done-again').addEventListener('click', (ev) => {
  // A fresh form, but the same page: the map stays loaded.
  ev.preventDefault();
  form.reset();
  removePhoto();
  place.lat = null;
  place.lon = null;
  city?.clearPin();
  showPlace();
  clearErrors();
  $('done').hidden = true;
  form.hidden = false;
  $('service_code').focus();
});
loadCategories();
startMap();
