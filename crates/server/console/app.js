// The console's shell: sign-in, language, the screens each person may open (the same rules the
// API enforces: the UI hides what the API would refuse), hash routing and the live hit stream.
import {
  state, api, t, translate, announce, status, problemText, startClock, loadAgencies, has, kind, syncClock,
} from "./ui.js";
import { RTL } from "./i18n.js";
import * as checkpoint from "./checkpoint.js";
import * as inbox from "./inbox.js";
import * as records from "./records.js";
import * as command from "./command.js";

const SCREENS = {
  checkpoint: { module: checkpoint, allowed: () => has("screener") },
  inbox: {
    module: inbox,
    allowed: () => kind() !== "partner" && kind() !== "border_post" && (has("records_editor") || has("analyst")),
  },
  records: {
    module: records,
    allowed: () => (kind() === "ncb" || kind() === "general_secretariat") && (has("records_editor") || has("analyst")),
  },
  command: { module: command, allowed: () => has("analyst") || (kind() === "general_secretariat" && has("admin")) },
};

const mounted = new Set();
let stream = null;
const streamListeners = new Set();

/** Subscribes to live hit alerts (one EventSource for every screen). */
export function onHit(listener) {
  streamListeners.add(listener);
  openStream();
  return () => streamListeners.delete(listener);
}

function openStream() {
  if (stream || !state.session) return;
  if (!(has("records_editor") || has("analyst")) || kind() === "partner") return;
  stream = new EventSource("/v1/hits/stream");
  stream.addEventListener("hit", (event) => {
    let hit;
    try { hit = JSON.parse(event.data); } catch (_) { return; }
    for (const listener of streamListeners) listener(hit);
  });
  stream.addEventListener("open", () => document.body.classList.add("live-on"));
  stream.addEventListener("error", () => document.body.classList.remove("live-on"));
}

function closeStream() {
  if (stream) stream.close();
  stream = null;
  document.body.classList.remove("live-on");
}

function setLanguage(lang, remember) {
  state.lang = ["en", "fr", "es", "ar"].includes(lang) ? lang : "en";
  const html = document.documentElement;
  html.lang = state.lang;
  html.dir = RTL.includes(state.lang) ? "rtl" : "ltr";
  document.getElementById("lang").value = state.lang;
  localStorage.setItem("pw_lang", state.lang);
  document.getElementById("live").textContent = "";
  translate();
  // Screens that keep what the person typed translate in place; the others are built again.
  for (const name of [...mounted]) {
    const module = SCREENS[name].module;
    if (module.translate) { module.translate(); continue; }
    module.unmount?.();
    document.getElementById(`screen-${name}`).replaceChildren();
    mounted.delete(name);
  }
  renderWho();
  if (state.session) route();
  if (remember && state.session) {
    api("PUT", "/session/language", { language: state.lang }).catch(() => {});
  }
}

function renderWho() {
  const who = document.getElementById("who");
  if (!state.session) { who.textContent = ""; return; }
  const a = state.session.agency;
  const kindName = t(`kind.${a.kind}`);
  who.textContent = a.name === kindName ? a.name : t("who", { agency: a.name, kind: kindName });
}

function allowedScreens() {
  return Object.keys(SCREENS).filter((name) => SCREENS[name].allowed());
}

function show(name) {
  for (const section of document.querySelectorAll("main > .screen")) section.hidden = true;
  for (const link of document.querySelectorAll("#nav a")) link.removeAttribute("aria-current");
  if (!state.session) {
    document.getElementById("screen-signin").hidden = false;
    document.getElementById("api-key").focus();
    return;
  }
  const allowed = allowedScreens();
  if (!allowed.length) { document.getElementById("screen-none").hidden = false; return; }
  if (!allowed.includes(name)) name = allowed[0];
  const section = document.getElementById(`screen-${name}`);
  if (!mounted.has(name)) {
    SCREENS[name].module.mount(section, { onHit });
    mounted.add(name);
  }
  SCREENS[name].module.shown?.();
  section.hidden = false;
  const link = document.querySelector(`#nav a[data-screen="${name}"]`);
  if (link) link.setAttribute("aria-current", "page");
  document.title = `${t(`nav.${name}`)} — portwatch`;
}

function route() {
  show(location.hash.replace(/^#/, "").split("/")[0]);
}

function signedIn(session) {
  state.session = session;
  syncClock(session.server_time);
  setLanguage(session.language || state.lang, false);
  const allowed = allowedScreens();
  for (const link of document.querySelectorAll("#nav a")) link.hidden = !allowed.includes(link.dataset.screen);
  document.getElementById("nav").hidden = false;
  document.getElementById("signout").hidden = false;
  renderWho();
  openStream();
  route();
}

function signedOut(reason) {
  closeStream();
  state.session = null;
  for (const name of mounted) {
    SCREENS[name].module.unmount?.();
    document.getElementById(`screen-${name}`).replaceChildren();
  }
  mounted.clear();
  document.getElementById("nav").hidden = true;
  document.getElementById("signout").hidden = true;
  renderWho();
  const msg = document.getElementById("signin-status");
  if (reason === "expired") status(msg, t("signin.expired"), "error");
  show();
}

async function boot() {
  setLanguage(localStorage.getItem("pw_lang") || "en", false);
  state.onSignedOut = signedOut;
  startClock();
  // The server's clock, again every minute (a demo's replay clock jumps forward).
  setInterval(() => {
    if (state.session) api("GET", "/session").then((s) => syncClock(s.server_time)).catch(() => {});
  }, 60000);
  document.getElementById("lang").addEventListener("change", (e) => setLanguage(e.target.value, true));
  document.getElementById("signout").addEventListener("click", async () => {
    try { await api("DELETE", "/session"); } catch (_) { /* already gone */ }
    signedOut();
  });
  document.getElementById("signin-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const input = document.getElementById("api-key");
    const msg = document.getElementById("signin-status");
    status(msg, t("signin.checking"));
    try {
      const session = await api("POST", "/session", { api_key: input.value.trim() });
      input.value = "";
      status(msg, "");
      state.session = session;
      await loadAgencies();
      signedIn(session);
      announce(t("signin.done", { agency: session.agency.name }));
    } catch (err) {
      status(msg, err.status === 401 ? t("signin.bad") : problemText(err), "error");
    }
  });
  // A screen opened from the menu takes the focus, so keyboard and screen-reader users land on it.
  window.addEventListener("hashchange", () => { route(); document.getElementById("main").focus(); });
  try {
    const session = await api("GET", "/session");
    state.session = session;
    await loadAgencies();
    signedIn(session);
  } catch (_) {
    show();
  }
}

boot();
