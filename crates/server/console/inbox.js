// NCB inbox: hits on my records as they happen (live over SSE), overdue ones first then by
// deadline, each with its countdown; the owner confirms or rejects with instructions.
import {
  api, t, el, name, code, announce, status, problemText, deadlineNode, agencyName, has, serverNow,
  translate as applyI18n, when,
} from "./ui.js";
import { actionText } from "./checkpoint.js";

let root, list, unsubscribe;
const hits = new Map();
const recordCache = new Map();

export function mount(section, ctx) {
  root = section;
  list = el("ol", { class: "inbox", "aria-live": "polite", "aria-relevant": "additions" });
  const msg = el("p", { class: "status", id: "inbox-status" });
  const [showWrap, show] = [el("label", { class: "inline" }), el("input", { type: "checkbox", id: "inbox-answered" })];
  showWrap.append(show, " ", el("span", { "data-i18n": "in.show_answered" }, t("in.show_answered")));
  show.addEventListener("change", () => {
    if (show.checked && !answeredLoaded) { answeredLoaded = true; load(msg, {}); } else render();
  });
  section.append(
    el("h1", { id: "inbox-title", "data-i18n": "in.title" }, t("in.title")),
    el("p", { class: "hint" }, el("span", { class: "live-dot", "aria-hidden": "true" }), " ",
      el("span", { "data-i18n": "in.help" }, t("in.help"))),
    showWrap, msg, list);
  unsubscribe = ctx.onHit((hit) => {
    const fresh = !hits.has(hit.id);
    hits.set(hit.id, hit);
    render();
    if (fresh) {
      announce(`${t("in.new")}: ${actionText(hit.action, hit.owner)} — ${agencyName(hit.agency)}`);
      root.querySelector(`[data-hit="${hit.id}"]`)?.classList.add("fresh");
    }
  });
  load(msg, { state: "pending" });
}

/** Shown at most: the most urgent first; the rest wait their turn. */
const SHOWN = 100;
let answeredLoaded = false;

export function unmount() {
  if (unsubscribe) unsubscribe();
  hits.clear();
  answeredLoaded = false;
}

export function shown() { render(); }

export function translate() { if (root) { applyI18n(root); render(); } }

/** Reads the hits on our records (`filter`: e.g. only pending ones), every page. */
async function load(msg, filter) {
  status(msg, t("loading"));
  try {
    let cursor = null;
    do {
      const q = new URLSearchParams({ scope: "owned", limit: "500", ...filter });
      if (cursor) q.set("cursor", cursor);
      const page = await api("GET", `/v1/hits?${q}`);
      for (const hit of page.items) hits.set(hit.id, hit);
      cursor = page.next_cursor;
    } while (cursor);
    status(msg, "");
    render();
  } catch (err) {
    status(msg, problemText(err), "error");
  }
}

/** Overdue first, then pending by deadline, then answered ones newest first. */
function order(a, b) {
  const rank = (h) => (h.state === "pending" ? (isOverdue(h) ? 0 : 1) : 2);
  if (rank(a) !== rank(b)) return rank(a) - rank(b);
  if (rank(a) < 2) return Date.parse(a.deadline) - Date.parse(b.deadline);
  return Date.parse(b.at) - Date.parse(a.at);
}

function isOverdue(h) {
  return h.state === "pending" && Date.parse(h.deadline) < serverNow();
}

function render() {
  if (!list) return;
  const showAnswered = root.querySelector("#inbox-answered")?.checked;
  const items = [...hits.values()].filter((h) => showAnswered || h.state === "pending").sort(order);
  const focused = document.activeElement && list.contains(document.activeElement) ? document.activeElement.id : null;
  list.replaceChildren(...items.slice(0, SHOWN).map(item));
  if (!items.length) list.append(el("li", { class: "empty" }, t("in.empty")));
  if (items.length > SHOWN) list.append(el("li", { class: "empty" }, t("in.more", { shown: SHOWN, total: items.length })));
  if (focused) document.getElementById(focused)?.focus();
}

function item(hit) {
  const overdue = isOverdue(hit);
  const urgent = hit.action === "detain_and_contact_owner";
  const li = el("li", {
    class: `inbox-item state-${hit.state}${overdue ? " overdue" : ""}${urgent ? " urgent" : ""}`,
    "data-hit": hit.id,
  });
  const badge = hit.state === "pending"
    ? (overdue ? el("span", { class: "tag bad" }, "⏰ ", t("in.overdue")) : el("span", { class: "tag warn" }, "● ", t("in.pending")))
    : el("span", { class: `tag ${hit.state === "confirmed" ? "hit" : "ok"}` }, t(`state.${hit.state}`));
  const summary = el("div", { class: "record-summary" });
  li.append(
    el("header", {},
      el("span", { class: "hit-icon small", "aria-hidden": "true" }, "⚠"),
      el("h2", {}, actionText(hit.action, hit.owner)),
      badge),
    el("dl", { class: "facts" },
      el("div", {}, el("dt", {}, t("in.where")), el("dd", {}, agencyName(hit.agency), hit.site ? [" · ", code(hit.site)] : "")),
      el("div", {}, el("dt", {}, t("in.when")), el("dd", {}, when(hit.at))),
      el("div", {}, el("dt", {}, t("hit.database")), el("dd", {}, t(`db.${hit.database}`))),
      el("div", {}, el("dt", {}, t("hit.match")), el("dd", {}, `${t(`match.${hit.match_kind}`)} (${Math.round((hit.score || 0) * 100)} %)`)),
      el("div", {}, el("dt", {}, t("hit.deadline")), el("dd", {}, hit.state === "pending" ? deadlineNode(hit.deadline) : when(hit.deadline))),
      hit.action_taken ? el("div", {}, el("dt", {}, t("hit.taken")), el("dd", {}, t(`taken.${hit.action_taken}`))) : "",
      hit.instructions ? el("div", { class: "wide" }, el("dt", {}, t("in.instructions")), el("dd", {}, hit.instructions)) : ""),
    summary);
  recordSummary(hit.record_id, summary);
  if (hit.state === "pending" && has("records_editor")) li.append(answerForm(hit));
  return li;
}

async function recordSummary(id, node) {
  if (!id) return;
  try {
    if (!recordCache.has(id)) recordCache.set(id, api("GET", `/v1/records/${id}`));
    const r = await recordCache.get(id);
    node.replaceChildren(el("span", { class: "hint" }, t("in.record")), " ", describeRecord(r), " ",
      el("a", { href: `#records/${id}` }, t("in.open_record")));
  } catch (_) {
    recordCache.delete(id);
  }
}

/** One line that names a record: the person's name, the document or the vehicle. */
export function describeRecord(r) {
  if (r.person) {
    const primary = (r.person.names || []).find((n) => n.kind === "primary") || (r.person.names || [])[0] || {};
    return el("span", {}, name(primary.full), r.person.birth_dates?.length ? [" · ", code(r.person.birth_dates[0])] : "",
      (r.person.notices || []).map((n) => el("span", { class: `notice notice-${n.kind}` }, t(`notice.${n.kind}`))));
  }
  if (r.document) return el("span", {}, t(`doctype.${r.document.type}`), " ", code(r.document.number), " ", code(r.document.issuing_state));
  if (r.vehicle) {
    const v = r.vehicle;
    return el("span", {}, [v.make, v.model].filter(Boolean).join(" "), " ", code(v.vin || (v.plate && v.plate.number)));
  }
  return el("span", {}, r.id);
}

function answerForm(hit) {
  const id = `instr-${hit.id}`;
  const area = el("textarea", { id, rows: 2, required: true });
  const msg = el("p", { class: "status", role: "status" });
  const decide = async (decision) => {
    if (decision === "confirmed" && !area.value.trim()) {
      status(msg, t("in.need_instructions"), "error");
      area.focus();
      return;
    }
    try {
      const body = { decision };
      if (area.value.trim()) body.instructions = area.value.trim();
      const answered = await api("POST", `/v1/hits/${hit.id}/follow-up`, body);
      hits.set(hit.id, answered.hit || { ...hit, state: decision, instructions: body.instructions });
      announce(t(decision === "confirmed" ? "in.confirmed" : "in.rejected"));
      render();
    } catch (err) {
      status(msg, problemText(err), "error");
    }
  };
  return el("div", { class: "answer" },
    el("label", { for: id }, t("in.instructions_label")), area,
    el("div", { class: "buttons" },
      el("button", { type: "button", class: "danger", "data-decision": "confirmed", onclick: () => decide("confirmed") }, "✔ ", t("in.confirm")),
      el("button", { type: "button", class: "secondary", "data-decision": "rejected", onclick: () => decide("rejected") }, "✘ ", t("in.reject"))),
    msg);
}
