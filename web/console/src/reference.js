// reference.js - the reference data the console's pages name things by,
// loaded once per session: categories (code -> names), departments, and
// the divisions of the user's area (for the street/community filter).
import { getJSON } from '../../public/assets/api.js';
import { currentLang } from '../../public/assets/i18n-core.js';

let categories = null;   // Map code -> { code, name, name_en, major, kind, public }
let departments = null;  // [{ code, name, kind, type, parent, areas, disabled }]
const divisions = new Map(); // code -> answer of GET /api/v1/divisions/{code}

export function forget() {
  categories = null;
  departments = null;
  divisions.clear();
}

export async function loadCategories() {
  if (categories) return categories;
  const { majors } = await getJSON('/api/v1/categories');
  categories = new Map();
  for (const m of majors) {
    for (const c of m.categories) {
      categories.set(c.code, { ...c, major: m.code, major_name: m.name, kind: m.kind });
    }
  }
  return categories;
}

// A category's name in the chosen language ("06010 暴露垃圾" when asked).
export function categoryName(code, { withCode = false } = {}) {
  const c = categories?.get(code);
  const name = c ? (currentLang() === 'en' && c.name_en ? c.name_en : c.name) : '';
  if (!name) return code;
  return withCode ? `${code} ${name}` : name;
}

export async function loadDepartments() {
  if (!departments) departments = (await getJSON('/api/v1/departments')).departments;
  return departments;
}

export function departmentName(code) {
  return departments?.find((d) => d.code === code)?.name ?? code;
}

// A division with its children, or null when the code is not one (a
// department's user has no area of its own to pick streets from).
export async function loadDivision(code) {
  if (!/^\d{6}(\d{3}){0,2}$/.test(code)) return null;
  if (!divisions.has(code)) divisions.set(code, await getJSON(`/api/v1/divisions/${code}`));
  return divisions.get(code);
}
