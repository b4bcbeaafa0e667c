// Command centre: one operation live — counters refreshed every few seconds and bumped by the
// hit stream, searches per port per hour (an SVG chart drawn here), hits by database, the
// latest hits, overdue follow-ups, leads opened from confirmed hits, and the report.
import {
  api, t, el, code, status, problemText, agencyName, number, has, kind, isMissing, when,
  deadlineNode, announce, syncClock, serverNow,
} from "./ui.js";
import { actionText } from "./checkpoint.js";

const REFRESH_MS = 4000;
const CATEGORIES = ["terrorism", "human_trafficking", "migrant_smuggling", "firearms", "narcotics", "stolen_vehicles", "document_fraud"];
const COUNTERS = ["searches", "hits", "confirmed_hits", "leads", "overdue_follow_ups"];
const SVGNS = "http://www.w3.org/2000/svg";

let root, picker, msg, timer, unsubscribe;
let operations = [];
let current = null;
let counters = {};
let lastFigures = null;

export function mount(section, ctx) {
  root = section;
  picker = el("select", { id: "op-picker" });
  msg = el("p", { class: "status", role: "status" });
  picker.addEventListener("change", () => choose(picker.value));
  counters = Object.fromEntries(COUNTERS.map((k) => [k, el("span", { class: "count", "data-counter": k }, "—")]));
  section.append(
    el("h1", { id: "command-title", "data-i18n": "cc.title" }, t("cc.title")),
    el("div", { class: "op-bar" },
      el("label", { for: "op-picker", "data-i18n": "cc.operation" }, t("cc.operation")), picker,
      el("span", { id: "op-period", class: "hint" }),
      el("span", { class: "exports", id: "op-exports" })),
    msg,
    el("ul", { class: "counters", "aria-label": t("cc.counters") }, COUNTERS.map((k) => el("li", { class: `counter counter-${k}` },
      counters[k], el("span", { class: "label", "data-i18n": `cc.${k}` }, t(`cc.${k}`))))),
    el("div", { class: "grid two" },
      el("section", { class: "card", "aria-labelledby": "cc-chart-title" },
        el("h2", { id: "cc-chart-title", "data-i18n": "cc.per_hour" }, t("cc.per_hour")), el("div", { id: "cc-chart" })),
      el("section", { class: "card", "aria-labelledby": "cc-db-title" },
        el("h2", { id: "cc-db-title", "data-i18n": "cc.by_db" }, t("cc.by_db")), el("div", { id: "cc-db" }),
        el("h2", { "data-i18n": "cc.headlines" }, t("cc.headlines")), el("ul", { id: "cc-headlines", class: "headlines" }))),
    el("div", { class: "grid two" },
      el("section", { class: "card", "aria-labelledby": "cc-latest-title" },
        el("h2", { id: "cc-latest-title", "data-i18n": "cc.latest" }, t("cc.latest")), el("ol", { id: "cc-latest", class: "mini-hits" })),
      el("section", { class: "card", "aria-labelledby": "cc-overdue-title" },
        el("h2", { id: "cc-overdue-title", "data-i18n": "cc.overdue" }, t("cc.overdue")), el("ol", { id: "cc-overdue", class: "mini-hits" }))),
    leadCard());
  unsubscribe = ctx.onHit((hit) => {
    if (!current || hit.operation !== current.id) return;
    bump("hits");
    refresh();
  });
  load();
}

export function unmount() {
  clearInterval(timer);
  if (unsubscribe) unsubscribe();
}


async function load() {
  try {
    operations = await api("GET", "/v1/operations");
    if (!Array.isArray(operations)) operations = operations.items || [];
  } catch (err) {
    operations = [];
    if (isMissing(err)) { fallbackStats("cc.ops_unavailable"); return; }
    status(msg, problemText(err), "error");
    return;
  }
  if (!operations.length) { fallbackStats("cc.no_ops"); return; }
  picker.replaceChildren(...operations.map((o) => el("option", { value: o.code }, `${o.code} — ${o.name}`)));
  const running = operations.find((o) => isRunning(o)) || operations[operations.length - 1];
  picker.value = running.code;
  choose(running.code);
}

function isRunning(o) {
  const today = new Date(serverNow()).toISOString().slice(0, 10);
  return o.starts_on <= today && today <= o.ends_on;
}

/** Without operations, the hit counter comes from the network statistics. */
async function fallbackStats(why) {
  picker.disabled = true;
  status(msg, `${t(why)} ${t("cc.network_totals")}`, "warn");
  clearInterval(timer);
  const tick = async () => {
    try {
      const stats = await api("GET", "/v1/stats");
      const searches = stats.searches ?? stats.audit?.searches ?? stats.total_searches;
      if (searches !== undefined) counters.searches.textContent = number(searches);
      if (stats.hits !== undefined) counters.hits.textContent = number(stats.hits);
    } catch (_) { /* keep the last values */ }
  };
  tick();
  timer = setInterval(tick, REFRESH_MS);
}

function choose(codeValue) {
  current = operations.find((o) => o.code === codeValue) || null;
  if (!current) return;
  root.querySelector("#op-period").textContent = `${current.starts_on} → ${current.ends_on}`;
  root.querySelector("#op-exports").replaceChildren(el("span", {}, t("cc.report")), " ",
    ...["html", "csv", "json"].map((f) => el("a", {
      class: "button-link", href: `/v1/operations/${encodeURIComponent(current.code)}/report?format=${f}`,
      download: f === "html" ? undefined : `${current.code}.${f}`, target: f === "html" ? "_blank" : undefined, rel: "noopener",
    }, f.toUpperCase())));
  clearInterval(timer);
  refresh();
  timer = setInterval(refresh, REFRESH_MS);
}

function bump(k) {
  const node = counters[k];
  const n = Number((node.dataset.value || "0")) + 1;
  node.dataset.value = String(n);
  node.textContent = number(n);
  node.classList.remove("bumped");
  void node.offsetWidth;
  node.classList.add("bumped");
}

async function refresh() {
  if (!current) return;
  try {
    const f = await api("GET", `/v1/operations/${encodeURIComponent(current.code)}/figures`);
    lastFigures = f;
    syncClock(f.as_of);
    status(msg, t("cc.as_of", { when: when(f.as_of || new Date().toISOString()) }));
    for (const k of COUNTERS) {
      const node = counters[k];
      const value = f[k] ?? 0;
      if (node.dataset.value !== String(value)) {
        if (node.dataset.value !== undefined) { node.classList.remove("bumped"); void node.offsetWidth; node.classList.add("bumped"); }
        node.dataset.value = String(value);
      }
      node.textContent = number(value);
    }
    drawChart(root.querySelector("#cc-chart"), f.by_site_hour || [], f.by_site || []);
    drawBars(root.querySelector("#cc-db"), f.hits_by_database || {});
    root.querySelector("#cc-headlines").replaceChildren(...(f.headlines || []).map((h) => el("li", {}, h)));
  } catch (err) {
    status(msg, problemText(err), "error");
  }
  hitLists(lastFigures);
}

/** Hits of the chosen operation the lists need, read incrementally: new hits page on from the
 * last cursor (the list is in creation order), the latest ones are kept; overdue and
 * confirmed hits are read again only when their counts move. */
const lists = { op: null, cursor: null, latest: [], known: new Map(), counts: "" };
const PAGE = 500;
const MAX_PAGES = 40;

async function hitPages(params, from) {
  const items = [];
  let cursor = from;
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const q = new URLSearchParams({ ...params, limit: String(PAGE) });
    if (cursor) q.set("cursor", cursor);
    const answer = await api("GET", `/v1/hits?${q}`);
    items.push(...(answer.items || []));
    if (!answer.next_cursor) return { items, cursor: items.length ? items[items.length - 1].id : cursor };
    cursor = answer.next_cursor;
  }
  return { items, cursor };
}

async function hitLists(f) {
  if (kind() === "partner" || !current) return;
  const base = { scope: kind() === "general_secretariat" ? "all" : "owned", operation: current.id };
  if (lists.op !== current.id) Object.assign(lists, { op: current.id, cursor: null, latest: [], known: new Map(), counts: "" });
  try {
    const fresh = await hitPages(base, lists.cursor);
    lists.cursor = fresh.cursor;
    lists.latest = [...lists.latest, ...fresh.items].slice(-8);
    for (const h of fresh.items) lists.known.delete(h.id);
    fill("#cc-latest", lists.latest.map((h) => lists.known.get(h.id) || h).reverse());
    const counts = `${f?.overdue_follow_ups}/${f?.confirmed_hits}/${f?.pending_hits}`;
    if (counts !== lists.counts || !f) {
      lists.counts = counts;
      const overdue = f && !f.overdue_follow_ups ? [] : (await hitPages({ ...base, overdue: "true" })).items;
      fill("#cc-overdue", overdue.slice(0, 20));
      const confirmed = f && !f.confirmed_hits ? [] : (await hitPages({ ...base, state: "confirmed" })).items;
      for (const h of [...overdue, ...confirmed]) lists.known.set(h.id, h);
      fillLeadChoices(confirmed.slice(-50).reverse());
      // States move (pending → confirmed): the latest list shows them as they are now.
      fill("#cc-latest", lists.latest.map((h) => lists.known.get(h.id) || h).reverse());
    }
  } catch (_) { /* the figures above still show */ }
}

function fill(selector, hits) {
  root.querySelector(selector).replaceChildren(...(hits.length ? hits.map(miniHit) : [el("li", { class: "empty" }, t("cc.none"))]));
}

function miniHit(h) {
  return el("li", { class: `state-${h.state}${h.overdue ? " overdue" : ""}` },
    el("span", { class: "hit-icon small", "aria-hidden": "true" }, "⚠"), " ",
    el("strong", {}, actionText(h.action, h.owner)), " · ", agencyName(h.agency), h.site ? [" · ", code(h.site)] : "",
    " · ", when(h.at), " · ", t(`state.${h.state}`), h.state === "pending" ? [" · ", deadlineNode(h.deadline)] : "");
}

/** Hours the chart shows at most: the latest ones, which a command centre watches. */
const WINDOW_HOURS = 48;

/** A line per site of searches hour by hour (gaps are zeros) over the latest
 * [`WINDOW_HOURS`], as inline SVG; the legend totals the whole operation. */
export function drawChart(box, allSeries, sites) {
  const totals = new Map(allSeries.map((s) => [s.site, (s.hours || []).reduce((a, h) => a + h.searches, 0)]));
  let latest = -Infinity;
  for (const s of allSeries) for (const h of s.hours || []) latest = Math.max(latest, Date.parse(h.hour));
  const from = latest - (WINDOW_HOURS - 1) * 3600000;
  const series = allSeries.map((s) => ({ site: s.site, hours: (s.hours || []).filter((h) => Date.parse(h.hour) >= from) }));
  const hours = new Set();
  for (const s of series) for (const h of s.hours) hours.add(h.hour);
  const axis = [...hours].sort();
  if (!axis.length) { box.replaceChildren(el("p", { class: "hint" }, t("cc.no_searches"))); return; }
  const first = Date.parse(axis[0]);
  const last = Date.parse(axis[axis.length - 1]);
  const lastIndex = Math.round((last - first) / 3600000);
  const span = Math.max(1, lastIndex);
  const max = Math.max(1, ...series.flatMap((s) => (s.hours || []).map((h) => h.searches)));
  const W = 560, H = 220, L = 44, B = 28, T = 10, R = 10;
  const x = (iso) => L + ((Date.parse(iso) - first) / 3600000 / span) * (W - L - R);
  const y = (n) => H - B - (n / max) * (H - B - T);
  const svg = document.createElementNS(SVGNS, "svg");
  svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", t("cc.per_hour"));
  svg.setAttribute("class", "chart");
  svg.setAttribute("direction", "ltr");
  const add = (tag, attrs, text) => {
    const n = document.createElementNS(SVGNS, tag);
    for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, v);
    if (text !== undefined) n.textContent = text;
    svg.append(n);
    return n;
  };
  add("line", { x1: L, y1: H - B, x2: W - R, y2: H - B, class: "axis" });
  add("line", { x1: L, y1: T, x2: L, y2: H - B, class: "axis" });
  add("text", { x: L - 6, y: T + 8, "text-anchor": "end", class: "tick" }, number(max));
  add("text", { x: L - 6, y: H - B, "text-anchor": "end", class: "tick" }, "0");
  add("text", { x: L, y: H - 8, class: "tick" }, axis[0].slice(5, 13).replace("T", " ") + "h");
  const end = new Date(first + span * 3600000).toISOString();
  add("text", { x: W - R, y: H - 8, "text-anchor": "end", class: "tick" }, end.slice(5, 13).replace("T", " ") + "h");
  const legend = el("ul", { class: "legend" });
  const names = Object.fromEntries(sites.map((s) => [s.locode, s.name]));
  series.forEach((s, i) => {
    const byHour = new Map((s.hours || []).map((h) => [Date.parse(h.hour), h.searches]));
    const points = [];
    for (let k = 0; k <= lastIndex; k += 1) {
      const at = first + k * 3600000;
      const px = x(new Date(at).toISOString()).toFixed(1);
      const py = y(byHour.get(at) || 0).toFixed(1);
      points.push(`${px},${py}`);
      if (byHour.get(at) && lastIndex <= 24) add("circle", { cx: px, cy: py, r: 3.5, class: `dot s${i % 8}` });
    }
    add("polyline", { points: points.join(" "), class: `series s${i % 8}`, fill: "none" });
    legend.append(el("li", { class: `s${i % 8}` }, el("span", { class: "swatch", "aria-hidden": "true" }),
      " ", code(s.site), names[s.site] ? ` ${names[s.site]}` : "", ` — ${number(totals.get(s.site))}`));
  });
  const windowed = lastIndex + 1 >= WINDOW_HOURS;
  box.replaceChildren(windowed ? el("p", { class: "hint" }, t("cc.window", { n: WINDOW_HOURS })) : "", svg, legend);
}

function drawBars(box, byDb) {
  const entries = ["persons", "documents", "vehicles"].map((k) => [k, byDb[k] || 0]);
  const max = Math.max(1, ...entries.map(([, n]) => n));
  box.replaceChildren(el("ul", { class: "bars" }, entries.map(([k, n]) => {
    const bar = el("span", { class: `bar bar-${k}` });
    bar.style.inlineSize = `${Math.round((n / max) * 100)}%`;
    return el("li", {}, el("span", { class: "bar-label" }, t(`db.${k}`)), el("span", { class: "bar-track" }, bar), el("span", { class: "bar-value" }, number(n)));
  })));
}

// ---------------------------------------------------------------------------------------------
// Leads

let leadChoices;

function leadCard() {
  leadChoices = el("fieldset", { class: "choices" }, el("legend", {}, t("cc.lead_hits")));
  const category = el("select", { id: "lead-category" }, CATEGORIES.map((c) => el("option", { value: c }, t(`cat.${c}`))));
  const notes = el("textarea", { id: "lead-notes", rows: 2 });
  const out = el("p", { class: "status", role: "status" });
  const allowed = has("records_editor") || has("admin");
  const form = el("form", { class: "card", "aria-labelledby": "cc-lead-title" },
    el("h2", { id: "cc-lead-title", "data-i18n": "cc.lead" }, t("cc.lead")),
    el("p", { class: "hint" }, t(allowed ? "cc.lead_help" : "cc.lead_not_allowed")),
    leadChoices,
    el("div", { class: "fields" },
      el("div", { class: "field" }, el("label", { for: "lead-category" }, t("cc.category")), category),
      el("div", { class: "field" }, el("label", { for: "lead-notes" }, t("cc.notes")), notes)),
    el("button", { type: "submit", disabled: !allowed }, t("cc.open_lead")), out);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const hits = [...leadChoices.querySelectorAll("input:checked")].map((i) => i.value);
    if (!hits.length) { status(out, t("cc.lead_pick"), "error"); return; }
    try {
      const body = { operation: current?.code, category: category.value, hits };
      if (notes.value.trim()) body.notes = [notes.value.trim()];
      await api("POST", "/v1/investigations", body);
      status(out, t("cc.lead_opened"), "ok");
      announce(t("cc.lead_opened"));
      notes.value = "";
      refresh();
    } catch (err) {
      status(out, isMissing(err) ? t("cc.leads_unavailable") : problemText(err), "error");
    }
  });
  return form;
}

function fillLeadChoices(confirmed) {
  const checked = new Set([...leadChoices.querySelectorAll("input:checked")].map((i) => i.value));
  const legend = leadChoices.querySelector("legend");
  leadChoices.replaceChildren(legend, ...(confirmed.length ? confirmed.map((h) => el("label", { class: "choice" },
    el("input", { type: "checkbox", value: h.id, checked: checked.has(h.id) }), " ",
    actionText(h.action, h.owner), " · ", agencyName(h.agency), " · ", when(h.at))) : [el("p", { class: "hint" }, t("cc.no_confirmed"))]));
}
