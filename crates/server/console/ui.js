// Shared helpers of the console: the API client (session cookie + CSRF token), DOM building,
// translation lookups, the screen-reader announcer, countdowns and agency names.
import { DICT, LANGUAGES } from "./i18n.js";

export const state = {
  session: null, // {csrf_token, agency, roles, actor, language}
  lang: "en",
  agencies: new Map(),
  skew: 0, // server clock minus browser clock, in ms
  onSignedOut: null,
};

/** An API refusal: the HTTP status and the RFC 9457 problem document. */
export class ApiError extends Error {
  constructor(status, problem) {
    super((problem && problem.detail) || `HTTP ${status}`);
    this.status = status;
    this.problem = problem || {};
  }
}

/** Calls the API with the session cookie; changes carry the CSRF token. */
export async function api(method, path, body, extra = {}) {
  const headers = { Accept: "application/json", ...(extra.headers || {}) };
  if (method !== "GET" && method !== "HEAD" && state.session) {
    headers["X-CSRF-Token"] = state.session.csrf_token;
  }
  let payload;
  if (body !== undefined && typeof body !== "string") {
    headers["Content-Type"] = "application/json";
    payload = JSON.stringify(body);
  } else if (body !== undefined) {
    payload = body;
  }
  const res = await fetch(path, { method, headers, body: payload, credentials: "same-origin" });
  if (extra.raw) return res;
  if (res.status === 204) return null;
  const type = res.headers.get("content-type") || "";
  const data = type.includes("json") ? await res.json().catch(() => null) : await res.text();
  if (!res.ok) {
    if (res.status === 401 && state.session && path !== "/session" && state.onSignedOut) {
      state.onSignedOut("expired");
    }
    throw new ApiError(res.status, typeof data === "object" ? data : null);
  }
  return data;
}

/** Whether an API error means "this server does not have that endpoint yet". */
export function isMissing(err) {
  return err instanceof ApiError && (err.status === 404 || err.status === 405);
}

/** The translation of `key` in the current language, with `{name}` placeholders filled. */
export function t(key, vars = {}) {
  const text = (DICT[state.lang] && DICT[state.lang][key]) ?? DICT.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, k) => (vars[k] ?? ""));
}

/** Builds an element: el("p", {class: "x", onclick: fn}, "text", child). */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on") && typeof v === "function") node.addEventListener(k.slice(2), v);
    else if (k === "class") node.className = v;
    else if (k === "text") node.textContent = v;
    else if (v === true) node.setAttribute(k, "");
    else node.setAttribute(k, v);
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** A name as written on the document: isolated direction, never reordered by the page's. */
export function name(text) {
  return el("bdi", { class: "name" }, text || "—");
}

/** A document number, MRZ or VIN: left to right, monospace. */
export function code(text) {
  return el("span", { class: "code", dir: "ltr" }, text || "—");
}

/** Says `text` to screen readers at once (and shows it in the live banner). */
export function announce(text) {
  const live = document.getElementById("live");
  live.textContent = "";
  setTimeout(() => { live.textContent = text; }, 30);
}

/** A status line under a form. */
export function status(node, text, kind = "info") {
  node.textContent = text || "";
  node.className = `status ${kind}`;
}

/** The error an API call failed with, in words. */
export function problemText(err) {
  if (err instanceof ApiError) {
    const p = err.problem || {};
    if (err.status === 403) return t("err.forbidden", { detail: p.detail || "" });
    if (p.field) return t("err.field", { field: p.field, detail: p.detail || "" });
    return p.detail || `HTTP ${err.status}`;
  }
  return t("err.network");
}

/** The server's time now (deadlines are on the server's clock, which a demo replays). */
export function serverNow() {
  return Date.now() + state.skew;
}

/** Takes the server's clock from a time it just stamped. */
export function syncClock(iso) {
  const at = Date.parse(iso || "");
  if (!Number.isNaN(at)) state.skew = at - Date.now();
}

/** "4 min 12 s left" / "overdue by 3 min" for a deadline. */
export function countdown(deadline, now = serverNow()) {
  const ms = Date.parse(deadline) - now;
  const abs = Math.abs(ms);
  const h = Math.floor(abs / 3600000);
  const m = Math.floor((abs % 3600000) / 60000);
  const s = Math.floor((abs % 60000) / 1000);
  const span = h > 0 ? t("time.hm", { h, m }) : t("time.ms", { m, s });
  return { overdue: ms < 0, text: ms < 0 ? t("time.overdue", { span }) : t("time.left", { span }) };
}

/** Keeps every `[data-deadline]` element's countdown current. */
export function startClock() {
  setInterval(() => {
    for (const node of document.querySelectorAll("[data-deadline]")) {
      const c = countdown(node.dataset.deadline);
      node.textContent = c.text;
      node.classList.toggle("overdue", c.overdue);
    }
  }, 1000);
}

/** A countdown element for `deadline`. */
export function deadlineNode(deadline) {
  const c = countdown(deadline);
  return el("span", { class: `deadline${c.overdue ? " overdue" : ""}`, "data-deadline": deadline, role: "timer" }, c.text);
}

/** A date and time in the reader's language (UTC shown as such). */
export function when(iso) {
  if (!iso) return "—";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(localeOf(state.lang), {
    dateStyle: "medium", timeStyle: "short", timeZone: "UTC",
  }).format(d) + " UTC";
}

export function number(n) {
  return new Intl.NumberFormat(localeOf(state.lang)).format(n || 0);
}

function localeOf(lang) {
  return (LANGUAGES.find((l) => l.code === lang) || LANGUAGES[0]).locale;
}

/** Loads the agency directory once (names for ids). */
export async function loadAgencies() {
  try {
    const list = await api("GET", "/v1/agencies");
    for (const a of list.items || []) state.agencies.set(a.id, a);
  } catch (_) { /* names fall back to ids */ }
}

export function agencyName(id) {
  const a = state.agencies.get(id);
  return a ? a.name : id;
}

export function has(role) {
  return !!state.session && state.session.roles.includes(role);
}

export function kind() {
  return state.session ? state.session.agency.kind : null;
}

/** The id of an element, fresh each call, for label/for pairs. */
let seq = 0;
export function uid(prefix) {
  seq += 1;
  return `${prefix}-${seq}`;
}

/** A labelled input: returns [wrapper, input]. */
export function field(labelKey, attrs = {}, tag = "input") {
  const id = attrs.id || uid("f");
  const input = el(tag, { ...attrs, id });
  const wrap = el("div", { class: "field" }, el("label", { for: id, "data-i18n": labelKey }, t(labelKey)), input);
  return [wrap, input];
}

/** A labelled select of `options` ([value, labelKey]). */
export function select(labelKey, options, attrs = {}) {
  const [wrap, input] = field(labelKey, attrs, "select");
  for (const [value, key] of options) {
    input.append(el("option", { value, "data-i18n": key || undefined }, key ? t(key) : value));
  }
  return [wrap, input];
}

/** Re-applies translations to every `[data-i18n]` element under `root`. */
export function translate(root = document) {
  for (const node of root.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
  for (const node of root.querySelectorAll("[data-i18n-placeholder]")) node.placeholder = t(node.dataset.i18nPlaceholder);
  for (const node of root.querySelectorAll("[data-i18n-label]")) node.setAttribute("aria-label", t(node.dataset.i18nLabel));
}

/** Downloads nothing, fetches nothing: debounce for live checks. */
export function debounce(fn, ms) {
  let timer;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}
