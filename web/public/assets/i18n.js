// i18n.js - the words of the public pages in Chinese (the default) and
// English, and the language switch.
//
// The HTML carries the Chinese text, so a page reads right before any
// script runs; elements marked data-i18n (text), data-i18n-placeholder,
// data-i18n-aria-label and data-i18n-alt get the chosen language's words.  The choice
// comes from ?lang=en|zh (which is then remembered), else from
// localStorage, else Chinese.  A key missing from a dictionary is logged
// as a console error, which the browser tests treat as a failure.

const STORE_KEY = 'urbangrid.lang';

const zh = {
  'site.name': '城市管理 · 公众服务',
  'nav.report': '我要举报',
  'nav.follow': '查询进度',
  'nav.label': '页面导航',
  'lang.other': 'English',
  'lang.switch': 'Switch to English',
  'common.loading': '正在加载…',
  'common.network': '网络异常，请稍后再试。',
  'common.retry_after': '提交过于频繁，请在 {s} 秒后再试。',
  'common.failed': '未能完成：{msg}',
  'common.required': '此项为必填项。',
  'map.label': '地图：点击以标记问题位置',
  'map.unavailable': '地图数据暂不可用，请填写地址。',

  'report.title': '我要举报',
  'report.intro': '发现暴露垃圾、井盖缺失、占道经营等城市管理问题？请告诉我们，城管部门会尽快处理。',
  'report.category': '问题类别',
  'report.category.choose': '请选择问题类别',
  'report.category.other_group': '其他',
  'report.category.unavailable': '问题类别暂时无法加载，请稍后刷新页面。',
  'report.description': '问题描述',
  'report.description.hint': '请说明是什么问题、具体在哪里。',
  'report.location': '问题位置',
  'report.location.hint': '在地图上点击标记位置，可拖动标记调整；也可以只填写地址。',
  'report.location.mine': '使用我的位置',
  'report.location.locating': '正在定位…',
  'report.location.none': '尚未标记位置',
  'report.location.pinned': '已标记：北纬 {lat}，东经 {lon}',
  'report.location.clear': '清除标记',
  'report.location.geo_failed': '无法获取您的位置（{msg}），请在地图上点选或填写地址。',
  'report.location.geo_unsupported': '此浏览器不支持定位，请在地图上点选或填写地址。',
  'report.location.required': '请在地图上标记位置，或填写地址。',
  'report.address': '地址或地点说明',
  'report.address.hint': '例如：东华门大街 12 号门前。未标记位置时必填。',
  'report.photo': '照片（可选）',
  'report.photo.hint': 'JPEG、PNG 或 WebP 图片，不超过 {mb} MB。',
  'report.photo.bad_type': '只能上传 JPEG、PNG 或 WebP 图片。',
  'report.photo.too_big': '照片为 {size} MB，超过了 {mb} MB 的上限。',
  'report.photo.remove': '移除照片',
  'report.photo.preview': '所选照片预览',
  'report.contact': '联系方式（可选）',
  'report.contact.hint': '仅供工作人员回访核实，绝不会公开显示。',
  'report.name': '姓名',
  'report.phone': '电话',
  'report.submit': '提交举报',
  'report.submitting': '正在提交…',
  'report.fix': '请修改标出的内容后再提交。',
  'report.done.title': '举报已提交',
  'report.done.number': '案件编号',
  'report.done.id': '受理号',
  'report.done.token': '查询凭证',
  'report.done.keep': '请妥善保存查询凭证：查询进度可以用受理号或凭证，对处理结果进行评价则需要凭证。',
  'report.done.follow': '查看处理进度',
  'report.done.again': '再报一件',
  'server.service_code': '该类别目前不受理，请选择其他类别。',
  'server.description': '问题描述不能超过 4000 字。',
  'server.location': '位置无效，请重新在地图上标记，或填写地址。',
  'server.address_string': '地址不能超过 256 字。',
  'server.photo': '照片无法接收：只能上传 JPEG、PNG 或 WebP 图片，且不超过上限。',
  'server.name': '姓名不能超过 100 字。',
  'server.phone': '电话号码只能包含数字、空格、“-”和开头的“+”，共 3 到 20 位。',

  'follow.title': '查询进度',
  'follow.intro': '输入举报时获得的受理号或查询凭证。',
  'follow.query': '受理号或查询凭证',
  'follow.submit': '查询',
  'follow.not_found': '没有找到该举报，请核对受理号或凭证。',
  'follow.status.open': '处理中',
  'follow.status.closed': '已办结',
  'follow.number': '案件编号',
  'follow.id': '受理号',
  'follow.category': '问题类别',
  'follow.description': '问题描述',
  'follow.address': '地址',
  'follow.requested': '提交时间',
  'follow.updated': '最近更新',
  'follow.expected': '预计办结',
  'follow.photos': '照片',
  'follow.photo_alt': '举报照片 {n}',
  'follow.photo_link': '照片 {n}（外部链接）',
  'follow.location': '位置',
  'follow.history': '处理记录',
  'follow.history.submitted': '提交举报',
  'rating.title': '满意度评价',
  'rating.intro': '问题已办结，请对处理结果进行评价。',
  'rating.satisfied': '满意',
  'rating.basically_satisfied': '基本满意',
  'rating.dissatisfied': '不满意',
  'rating.comment': '意见建议（可选）',
  'rating.submit': '提交评价',
  'rating.submitting': '正在提交…',
  'rating.choose': '请选择一项评价。',
  'rating.thanks': '感谢您的评价！',
  'rating.yours': '您的评价：{rating}',
  'rating.need_token': '用查询凭证查询后，即可对处理结果进行评价。',
};

const en = {
  'site.name': 'City management · Public services',
  'nav.report': 'Report a problem',
  'nav.follow': 'Follow a report',
  'nav.label': 'Pages',
  'lang.other': '中文',
  'lang.switch': '切换到中文',
  'common.loading': 'Loading…',
  'common.network': 'The network failed; please try again in a moment.',
  'common.retry_after': 'Too many reports; please try again in {s} seconds.',
  'common.failed': 'Could not be done: {msg}',
  'common.required': 'This is required.',
  'map.label': 'Map: tap to mark where the problem is',
  'map.unavailable': 'The map is not available; please type an address.',

  'report.title': 'Report a problem',
  'report.intro': 'Seen litter, a missing manhole cover, a blocked pavement? Tell us and the city will deal with it.',
  'report.category': 'Category',
  'report.category.choose': 'Choose a category',
  'report.category.other_group': 'Other',
  'report.category.unavailable': 'The categories could not be loaded; please reload the page later.',
  'report.description': 'Description',
  'report.description.hint': 'What is wrong, and where exactly?',
  'report.location': 'Location',
  'report.location.hint': 'Tap the map to place a pin and drag it to adjust, or just type an address.',
  'report.location.mine': 'Use my location',
  'report.location.locating': 'Locating…',
  'report.location.none': 'No pin yet',
  'report.location.pinned': 'Pinned: latitude {lat}, longitude {lon}',
  'report.location.clear': 'Remove pin',
  'report.location.geo_failed': 'Your location is not available ({msg}); tap the map or type an address.',
  'report.location.geo_unsupported': 'This browser cannot share its location; tap the map or type an address.',
  'report.location.required': 'Place a pin on the map or type an address.',
  'report.address': 'Address or landmark',
  'report.address.hint': 'For example: in front of 12 Donghuamen Street. Required without a pin.',
  'report.photo': 'Photo (optional)',
  'report.photo.hint': 'A JPEG, PNG or WebP image of at most {mb} MB.',
  'report.photo.bad_type': 'Only JPEG, PNG or WebP images can be sent.',
  'report.photo.too_big': 'The photo is {size} MB, over the limit of {mb} MB.',
  'report.photo.remove': 'Remove photo',
  'report.photo.preview': 'Preview of the chosen photo',
  'report.contact': 'Contact (optional)',
  'report.contact.hint': 'Only for staff to call you back; never shown publicly.',
  'report.name': 'Name',
  'report.phone': 'Phone',
  'report.submit': 'Send report',
  'report.submitting': 'Sending…',
  'report.fix': 'Please correct the marked fields and send again.',
  'report.done.title': 'Report received',
  'report.done.number': 'Case number',
  'report.done.id': 'Request ID',
  'report.done.token': 'Token',
  'report.done.keep': 'Keep the token: you can follow the report by its ID or token, but rating the outcome needs the token.',
  'report.done.follow': 'Follow this report',
  'report.done.again': 'Report another problem',
  'server.service_code': 'This category is not taken any more; please choose another.',
  'server.description': 'The description may be at most 4000 characters.',
  'server.location': 'The place is not valid; pin it on the map again or type an address.',
  'server.address_string': 'The address may be at most 256 characters.',
  'server.photo': 'The photo was refused: only JPEG, PNG or WebP images, within the size limit.',
  'server.name': 'The name may be at most 100 characters.',
  'server.phone': 'A phone number holds only digits, spaces, "-" and a leading "+", 3 to 20 of them.',

  'follow.title': 'Follow a report',
  'follow.intro': 'Enter the request ID or the token you were given when you reported.',
  'follow.query': 'Request ID or token',
  'follow.submit': 'Look up',
  'follow.not_found': 'No such report; please check the ID or token.',
  'follow.status.open': 'Open',
  'follow.status.closed': 'Closed',
  'follow.number': 'Case number',
  'follow.id': 'Request ID',
  'follow.category': 'Category',
  'follow.description': 'Description',
  'follow.address': 'Address',
  'follow.requested': 'Reported',
  'follow.updated': 'Last update',
  'follow.expected': 'Expected by',
  'follow.photos': 'Photos',
  'follow.photo_alt': 'Photo {n} of the report',
  'follow.photo_link': 'Photo {n} (outside link)',
  'follow.location': 'Location',
  'follow.history': 'History',
  'follow.history.submitted': 'Report submitted',
  'rating.title': 'How satisfied are you?',
  'rating.intro': 'The report is closed; please rate how it was dealt with.',
  'rating.satisfied': 'Satisfied',
  'rating.basically_satisfied': 'Fairly satisfied',
  'rating.dissatisfied': 'Dissatisfied',
  'rating.comment': 'Comment (optional)',
  'rating.submit': 'Send rating',
  'rating.submitting': 'Sending…',
  'rating.choose': 'Choose one answer.',
  'rating.thanks': 'Thank you for your rating!',
  'rating.yours': 'Your rating: {rating}',
  'rating.need_token': 'Look the report up by its token to rate the outcome.',
};

const dictionaries = { zh, en };
const listeners = [];

function chooseLang() {
  const asked = new URLSearchParams(window.location.search).get('lang');
  if (asked === 'en' || asked === 'zh') {
    remember(asked);
    return asked;
  }
  try {
    const stored = window.localStorage.getItem(STORE_KEY);
    if (stored === 'en' || stored === 'zh') return stored;
  } catch { /* storage disabled: Chinese */ }
  return 'zh';
}

function remember(l) {
  try { window.localStorage.setItem(STORE_KEY, l); } catch { /* not kept */ }
}

let lang = chooseLang();

// The current language: 'zh' or 'en'.
export function currentLang() { return lang; }

// The words for key with {name} replaced from vars.
export function t(key, vars = {}) {
  let s = dictionaries[lang][key];
  if (s === undefined) {
    console.error(`i18n: no "${key}" in ${lang}`);
    s = key;
  }
  return s.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
}

// Whether the current language has words for key.
export function hasText(key) { return key in dictionaries[lang]; }

// Put the current language's words into root's marked elements.
export function translate(root = document) {
  document.documentElement.lang = lang === 'en' ? 'en' : 'zh-CN';
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-placeholder]')) {
    el.placeholder = t(el.dataset.i18nPlaceholder);
  }
  for (const el of root.querySelectorAll('[data-i18n-aria-label]')) {
    el.setAttribute('aria-label', t(el.dataset.i18nAriaLabel));
  }
  for (const el of root.querySelectorAll('[data-i18n-alt]')) el.alt = t(el.dataset.i18nAlt);
  // The switch is written in the language it switches to.
  const toggle = document.getElementById('lang-toggle');
  if (toggle) toggle.lang = lang === 'zh' ? 'en' : 'zh-CN';
}

// Call fn(lang) after every switch of language.
export function onLangChange(fn) { listeners.push(fn); }

function setLang(l) {
  lang = l;
  remember(l);
  // Keep an address with ?lang= truthful, so a reload or a shared link
  // shows what is on screen.
  const url = new URL(window.location.href);
  if (url.searchParams.has('lang')) {
    url.searchParams.set('lang', l);
    window.history.replaceState(null, '', url);
  }
  translate();
  for (const fn of listeners) fn(l);
}

// Translate the page and wire the language button (#lang-toggle).  The
// switch happens in place: nothing typed into a form is lost.
export function startI18n() {
  translate();
  const button = document.getElementById('lang-toggle');
  if (button) {
    button.addEventListener('click', () => setLang(lang === 'zh' ? 'en' : 'zh'));
  }
}
