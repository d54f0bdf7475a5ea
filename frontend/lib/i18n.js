// Texts in the user's language: the app's own (translations/<language>/<part>.json) and the
// integrations' (GET /api/translations/<language>). Simplified Chinese unless chosen otherwise.

export const LANGUAGES = { "zh-Hans": "简体中文", en: "English" };
export const DEFAULT_LANGUAGE = "zh-Hans";
const PARTS = ["app", "home", "community", "operator"];
const STORAGE_KEY = "linli.language";

let language = DEFAULT_LANGUAGE;
let texts = {};
let fallback = {};
let integrationTexts = {};
let timeZone; // the community's: times are shown as its residents live them
const listeners = new Set();

function lookup(table, key) {
  let value = table;
  for (const name of key.split(".")) {
    if (value === null || typeof value !== "object") return undefined;
    value = value[name];
  }
  return value;
}

function fill(text, params) {
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? params[name] : whole));
}

async function readParts(lang) {
  const tables = await Promise.all(
    PARTS.map(async (part) => {
      const response = await fetch(`/frontend/translations/${lang}/${part}.json`);
      return response.ok ? [part, await response.json()] : [part, {}];
    }),
  );
  return Object.fromEntries(tables);
}

export function currentLanguage() {
  return language;
}

/** Load the app's texts in the saved (or default) language. */
export async function loadLanguage(lang = localStorage.getItem(STORAGE_KEY) || DEFAULT_LANGUAGE) {
  language = lang in LANGUAGES ? lang : DEFAULT_LANGUAGE;
  [texts, fallback] = await Promise.all([
    readParts(language),
    language === "en" ? Promise.resolve(null) : readParts("en"),
  ]);
  fallback ??= texts;
  document.documentElement.lang = language;
}

/** Switch language: reload the texts and tell every listener (the app renders again). */
export async function setLanguage(lang, api) {
  localStorage.setItem(STORAGE_KEY, lang);
  await loadLanguage(lang);
  if (api?.signedIn) await loadIntegrationTexts(api);
  for (const listener of listeners) listener(language);
}

export function onLanguageChange(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The integrations' texts in the current language, once signed in. */
export async function loadIntegrationTexts(api) {
  integrationTexts = await api.get(`/api/translations/${language}`);
}

/** t("home.title") or t("app.greeting", { name }): the text for a key, English if missing. */
export function t(key, params = {}) {
  const text = lookup(texts, key) ?? lookup(fallback, key);
  return typeof text === "string" ? fill(text, params) : key;
}

/** Whether the app has a text for `key`. */
export function has(key) {
  return typeof (lookup(texts, key) ?? lookup(fallback, key)) === "string";
}

/** An integration's text, e.g. integrationText("ev_charger", "config.step.user.title"). */
export function integrationText(domain, key, params = {}) {
  const text = lookup(integrationTexts[domain] ?? {}, key);
  return typeof text === "string" ? fill(text, params) : undefined;
}

/** An integration's name in the current language, else its domain. */
export function integrationName(domain) {
  return integrationText(domain, "name") ?? domain;
}

/** An entity's or a state's words from its integration: entity.<platform>.<key>.name… */
export function entityName(domain, platform, key) {
  return integrationText(domain, `entity.${platform}.${key}.name`);
}

/** What went wrong, in the user's language: the text for the error's code, with the
 * server's own words as the detail (they name the field and the value). */
export function errorText(error) {
  const code = error?.code ?? "network";
  const known = t(has(`app.errors.${code}`) ? `app.errors.${code}` : "app.errors.unknown");
  const detail = error?.message;
  return detail && detail !== known ? t("app.errors.with_detail", { text: known, detail }) : known;
}

/** A number, a date and a time as the user's language writes them. */
export function formatNumber(value, options = {}) {
  return new Intl.NumberFormat(language, options).format(value);
}

/** The community's time zone (GET /api/ says it): every time is shown in it. */
export function setTimeZone(zone) {
  timeZone = zone;
}

/** A time (seconds since 1970, or ISO 8601 text) in the community's time zone. */
export function formatTime(when, options = { dateStyle: "medium", timeStyle: "short" }) {
  if (when === null || when === undefined || when === "") return "";
  const date = new Date(typeof when === "number" ? when * 1000 : when);
  if (Number.isNaN(date.getTime())) return String(when);
  return new Intl.DateTimeFormat(language, { timeZone, ...options }).format(date);
}

/** The month it is now in the community, as YYYY-MM. */
export function monthNow() {
  const parts = new Intl.DateTimeFormat("en-CA", { year: "numeric", month: "2-digit", timeZone })
    .formatToParts(new Date());
  const part = (type) => parts.find((item) => item.type === type)?.value;
  return `${part("year")}-${part("month")}`;
}

/** Fen as yuan: ¥12.30. */
export function formatFen(fen) {
  return formatNumber(fen / 100, { style: "currency", currency: "CNY" });
}
