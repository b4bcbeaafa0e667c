// Checkpoint: read an MRZ (live check digits and OCR repairs), screen a traveller, a vehicle or
// a whole manifest; a hit is a card that says what to do first, why it matched, whose record
// it is and the deadline, with buttons to record what was done.
import {
  api, t, el, name, code, announce, status, problemText, deadlineNode, agencyName, debounce,
  field, select, translate as applyI18n, isMissing, when,
} from "./ui.js";

let root;

const ACTIONS_TAKEN = ["detained", "document_seized", "vehicle_seized", "refused_entry", "discreet_check", "released"];

export function mount(section) {
  root = section;
  section.append(
    el("h1", { id: "checkpoint-title", "data-i18n": "cp.title" }, t("cp.title")),
    el("div", { id: "cp-results", class: "results" }),
    el("div", { class: "grid" }, mrzCard(), travellerCard(), vehicleCard()),
    manifestCard(),
  );
}

/** Re-renders everything shown in the new language (answers, manifest lines, MRZ checks). */
export function translate() {
  if (!root) return;
  applyI18n(root);
  if (lastAnswer) showAnswer(lastAnswer, true);
  if (lastMrz && mrzView) mrzView.feedback.replaceChildren(renderMrz(lastMrz, mrzView.area, mrzView.feedback));
  if (manifest) {
    manifest.body.replaceChildren(...manifest.items.map(manifestRow));
    manifest.apply();
    if (manifest.summary) showSummary(manifest.summary, manifest.msg);
    const box = root.querySelector("#man-detail");
    if (manifest.detail) box.replaceChildren(...manifest.detail.map(hitCard));
  }
}

let lastAnswer = null;
let mrzView = null;
let manifest = null;

// ---------------------------------------------------------------------------------------------
// MRZ

let lastMrz = null;

function mrzCard() {
  const [wrap, area] = field("cp.mrz.label", {
    rows: 3, dir: "ltr", class: "code mrz", spellcheck: "false", autocomplete: "off",
    "aria-describedby": "mrz-help",
  }, "textarea");
  const help = el("p", { id: "mrz-help", class: "hint", "data-i18n": "cp.mrz.help" }, t("cp.mrz.help"));
  const feedback = el("div", { id: "mrz-feedback", class: "mrz-feedback", "aria-live": "polite" });
  const msg = el("p", { class: "status" });
  const go = el("button", { type: "submit", "data-i18n": "cp.mrz.screen" }, t("cp.mrz.screen"));
  mrzView = { area, feedback };
  const check = debounce(() => checkMrz(area, feedback), 250);
  area.addEventListener("input", () => {
    const pos = area.selectionStart;
    area.value = area.value.toUpperCase();
    area.setSelectionRange(pos, pos);
    check();
  });
  const form = el("form", { class: "card wide", "aria-labelledby": "mrz-title" },
    el("h2", { id: "mrz-title", "data-i18n": "cp.mrz.title" }, t("cp.mrz.title")),
    wrap, help, feedback, go, msg);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    await checkMrz(area, feedback);
    if (!lastMrz) { status(msg, t("cp.mrz.unreadable"), "error"); return; }
    await screen("/v1/screen/traveller", travellerFromMrz(lastMrz), msg);
  });
  return form;
}

function mrzLines(text) {
  return text.split(/\r?\n/).map((l) => l.trim().replace(/\s+/g, "")).filter(Boolean);
}

async function checkMrz(area, feedback) {
  const lines = mrzLines(area.value);
  lastMrz = null;
  if (lines.length < 2 || lines.length > 3) {
    feedback.replaceChildren(lines.length ? el("p", { class: "hint" }, t("cp.mrz.lines")) : "");
    return;
  }
  try {
    const parsed = await api("POST", "/v1/ident/mrz", { lines });
    lastMrz = parsed;
    feedback.replaceChildren(renderMrz(parsed, area, feedback));
  } catch (err) {
    if (isMissing(err)) {
      feedback.replaceChildren(el("p", { class: "status warn" }, t("cp.mrz.unavailable")));
    } else {
      feedback.replaceChildren(el("p", { class: "status error" }, problemText(err)));
    }
  }
}

function renderMrz(p, area, feedback) {
  const checks = el("ul", { class: "checks" }, (p.checks || []).map((c) => el("li",
    { class: c.valid ? "ok" : "bad" },
    el("span", { class: "mark", "aria-hidden": "true" }, c.valid ? "✓" : "✗"),
    ` ${t(`mrz.field.${c.field}`)} — `,
    c.valid ? t("cp.mrz.check_ok") : t("cp.mrz.check_bad", { expected: c.expected, found: c.found }),
  )));
  const fields = el("dl", { class: "facts" },
    fact("f.surname", name(p.surname)), fact("f.given_names", name(p.given_names)),
    fact("f.document_number", code(p.document_number)), fact("f.issuing_state", code(p.issuing_state_iso || p.issuing_state)),
    fact("f.birth_date", code(p.birth_date || "—")), fact("f.sex", p.sex || "—"),
    fact("f.nationality", code(p.nationality_iso || p.nationality)), fact("f.expiry_date", code(p.expiry_date || "—")),
  );
  const repairs = (p.repairs || []).map((r) => el("button", {
    type: "button", class: "secondary repair",
    onclick: () => { area.value = r.lines.join("\n"); checkMrz(area, feedback); area.focus(); },
  }, t("cp.mrz.repair", {
    changes: r.changes.map((c) => `${t("cp.mrz.line")} ${c.line}:${c.position} ${c.from}→${c.to}`).join(", "),
  })));
  const verdict = p.valid
    ? el("p", { class: "status ok" }, "✓ ", t("cp.mrz.valid"))
    : el("p", { class: "status error" }, "✗ ", t("cp.mrz.invalid"));
  return el("div", {}, verdict, checks,
    (p.errors || []).length ? el("ul", { class: "errors" }, p.errors.map((e) => el("li", { dir: "ltr" }, e))) : "",
    repairs.length ? el("div", { class: "repairs" }, el("p", {}, t("cp.mrz.repairs")), repairs) : "",
    fields);
}

function fact(key, value) {
  return el("div", {}, el("dt", { "data-i18n": key }, t(key)), el("dd", {}, value));
}

function travellerFromMrz(p) {
  const body = {
    surname: p.surname || undefined,
    given_names: p.given_names || undefined,
    birth_date: p.birth_date || undefined,
    sex: p.sex === "M" || p.sex === "F" ? p.sex : undefined,
    nationality: p.nationality_iso || undefined,
    document_number: p.document_number || undefined,
    issuing_state: p.issuing_state_iso || undefined,
  };
  if (!body.issuing_state) delete body.document_number;
  return body;
}

// ---------------------------------------------------------------------------------------------
// Traveller and vehicle forms

function travellerCard() {
  const inputs = {};
  const rows = [
    ["surname", "f.surname"], ["given_names", "f.given_names"], ["birth_date", "f.birth_date"],
    ["nationality", "f.nationality"], ["document_number", "f.document_number"], ["issuing_state", "f.issuing_state"],
  ].map(([k, label]) => {
    const ltr = ["birth_date", "nationality", "document_number", "issuing_state"].includes(k);
    const [wrap, input] = field(label, { name: k, dir: ltr ? "ltr" : "auto", class: ltr ? "code" : "", placeholder: k === "birth_date" ? "1980-05-17" : undefined });
    inputs[k] = input;
    return wrap;
  });
  const [sexWrap, sex] = select("f.sex", [["", "f.sex.unknown"], ["M", "f.sex.m"], ["F", "f.sex.f"]]);
  inputs.sex = sex;
  const msg = el("p", { class: "status" });
  const form = el("form", { class: "card", "aria-labelledby": "trav-title" },
    el("h2", { id: "trav-title", "data-i18n": "cp.trav.title" }, t("cp.trav.title")),
    el("div", { class: "fields" }, rows, sexWrap),
    el("button", { type: "submit", "data-i18n": "cp.screen" }, t("cp.screen")), msg);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const body = {};
    for (const [k, input] of Object.entries(inputs)) if (input.value.trim()) body[k] = input.value.trim();
    if (!body.surname && !body.given_names) { status(msg, t("cp.trav.need"), "error"); return; }
    await screen("/v1/screen/traveller", body, msg);
  });
  return form;
}

function vehicleCard() {
  const [vinWrap, vin] = field("f.vin", { dir: "ltr", class: "code", maxlength: 17 });
  const [plateWrap, plate] = field("f.plate", { dir: "ltr", class: "code" });
  const [ctyWrap, cty] = field("f.plate_country", { dir: "ltr", class: "code", maxlength: 3, placeholder: "ESP" });
  const msg = el("p", { class: "status" });
  const form = el("form", { class: "card", "aria-labelledby": "veh-title" },
    el("h2", { id: "veh-title", "data-i18n": "cp.veh.title" }, t("cp.veh.title")),
    el("div", { class: "fields" }, vinWrap, plateWrap, ctyWrap),
    el("button", { type: "submit", "data-i18n": "cp.screen" }, t("cp.screen")), msg);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const body = {};
    if (vin.value.trim()) body.vin = vin.value.trim().toUpperCase();
    if (plate.value.trim()) { body.plate = plate.value.trim(); body.plate_country = cty.value.trim().toUpperCase(); }
    if (!body.vin && !body.plate) { status(msg, t("cp.veh.need"), "error"); return; }
    await screen("/v1/screen/vehicle", body, msg);
  });
  return form;
}

/** Screens one request and shows the answer on top. */
async function screen(path, body, msg) {
  status(msg, t("cp.screening"));
  try {
    const answer = await api("POST", path, body);
    status(msg, "");
    showAnswer(answer);
  } catch (err) {
    status(msg, problemText(err), "error");
  }
}

function showAnswer(answer, quietly = false) {
  lastAnswer = answer;
  const results = root.querySelector("#cp-results");
  results.replaceChildren();
  if (!answer.hit) {
    results.append(el("div", { class: "nohit", role: "status" },
      el("span", { class: "icon", "aria-hidden": "true" }, "✓"), " ", t("cp.nohit")));
    if (!quietly) announce(t("cp.nohit"));
    return;
  }
  for (const hit of answer.hits) results.append(hitCard(hit));
  if (quietly) return;
  const first = answer.hits[0];
  announce(`${t("hit.word")}: ${actionText(first.action, first.owner)}`);
  results.querySelector(".hit-card")?.focus();
}

// ---------------------------------------------------------------------------------------------
// The hit card

/** What the checkpoint must do first, in words. */
export function actionText(action, owner) {
  return t(`action.${action || "contact_owner"}`, { owner: agencyName(owner) });
}

/** A hit as the searcher sees it (`hit` is an item of a screening answer's `hits`). */
export function hitCard(hit) {
  const urgent = hit.action === "detain_and_contact_owner" || hit.action === "discreet_check";
  const card = el("article", {
    class: `hit-card${urgent ? " urgent" : ""}`, tabindex: "-1", "aria-labelledby": `hit-${hit.hit_id}`,
  });
  const deadline = el("span", {});
  const answer = el("section", { class: "hit-answer", "aria-live": "polite" });
  card.append(
    el("header", {},
      el("span", { class: "hit-icon", "aria-hidden": "true" }, "⚠"),
      el("div", {},
        el("p", { class: "hit-word" }, t("hit.word")),
        el("h2", { id: `hit-${hit.hit_id}`, class: "hit-action" }, actionText(hit.action, hit.owner)))),
    el("section", { class: "hit-why" }, el("h3", {}, t("hit.why")), reasonNode(hit)),
    el("dl", { class: "facts" },
      fact("hit.owner", agencyName(hit.owner)),
      hit.database ? fact("hit.database", t(`db.${hit.database}`)) : "",
      hit.match_kind ? fact("hit.match", `${t(`match.${hit.match_kind}`)} (${Math.round((hit.score || 0) * 100)} %)`) : "",
      hit.source_id ? fact("hit.source", code(hit.source_id)) : "",
      hit.record_id ? fact("hit.record", code(hit.record_id)) : "",
      el("div", {}, el("dt", {}, t("hit.deadline")), el("dd", {}, deadline)),
    ),
    answer,
    takenButtons(hit),
  );
  followOwnerAnswer(hit, card, deadline, answer);
  return card;
}

/** Shows the stored hit's deadline, then the owner's answer as soon as it comes (polled while
 * the card is on screen: a checkpoint does not receive the owners' alert stream). */
function followOwnerAnswer(hit, card, deadline, answer) {
  let timer = null;
  const check = async () => {
    if (timer && !card.isConnected) { clearInterval(timer); return; }
    let stored;
    try { stored = await api("GET", `/v1/hits/${hit.hit_id}`); } catch (_) { deadline.textContent ||= "—"; return; }
    if (!deadline.firstChild) {
      if (stored.deadline) deadline.replaceChildren(deadlineNode(stored.deadline));
      else deadline.textContent = t("hit.ask_owner");
    }
    if (stored.state === "pending") {
      answer.replaceChildren(el("p", { class: "hint" }, t("hit.answer_wait", { owner: agencyName(hit.owner) })));
      return;
    }
    clearInterval(timer);
    deadline.replaceChildren(t("hit.answered", { state: t(`state.${stored.state}`) }));
    const confirmed = stored.state === "confirmed";
    answer.replaceChildren(el("h3", {}, t("hit.answer", { owner: agencyName(hit.owner) })),
      el("p", { class: `tag ${confirmed ? "hit" : "ok"}` }, confirmed ? "✔ " : "✘ ", t(`state.${stored.state}`)),
      confirmed ? "" : el("p", {}, t("hit.rejected_help")),
      stored.instructions ? el("p", { class: "instructions" }, stored.instructions) : "");
    if (card.isConnected) announce(`${t("hit.answer", { owner: agencyName(hit.owner) })}: ${t(`state.${stored.state}`)}`);
  };
  check();
  timer = setInterval(check, 5000);
}

function reasonNode(hit) {
  if (hit.disclosure !== "full" || !hit.reason) {
    return el("p", {}, t("hit.redacted", { owner: agencyName(hit.owner) }));
  }
  const r = hit.reason;
  switch (r.on) {
    case "person":
      return el("div", {},
        el("p", {}, t("why.names"), " ", name(r.query_name), " ↔ ", name(r.matched_name),
          ` (${t(`namekind.${r.matched_name_kind}`)}, ${Math.round(r.name_score * 100)} %)`),
        el("table", { class: "align" },
          el("caption", { class: "sr-only" }, t("why.alignment")),
          el("thead", {}, el("tr", {}, el("th", { scope: "col" }, t("why.query")), el("th", { scope: "col" }, t("why.record")), el("th", { scope: "col" }, t("why.how")))),
          el("tbody", {}, (r.alignment || []).map((a) => el("tr", {},
            el("td", {}, name(a.query)), el("td", {}, name(a.record)),
            el("td", {}, `${t(`how.${a.how}`)} ${Math.round(a.similarity * 100)} %`))))),
        el("ul", { class: "agree" },
          ["birth_date", "sex", "nationality"].map((k) => el("li", { class: `agree-${r[k]}` },
            `${t(`f.${k}`)}: ${t(`agree.${r[k]}`)}`))));
    case "person_identifier":
      return el("p", {}, t("why.identifier"), " ", code(r.number));
    case "document_number":
      return el("p", {}, t("why.document"), " ", code(r.number), " ", code(r.issuing_state));
    case "vin":
      return el("p", {}, t("why.vin"), " ", code(r.vin));
    case "plate":
      return el("p", {}, t("why.plate"), " ", code(r.plate), " ", code(r.country));
    default:
      return el("pre", { dir: "ltr", class: "code" }, JSON.stringify(r, null, 1));
  }
}

function takenButtons(hit) {
  const msg = el("p", { class: "status", role: "status" });
  const group = el("div", { class: "taken", role: "group", "aria-label": t("hit.taken") },
    el("p", {}, t("hit.taken")),
    ACTIONS_TAKEN.map((a) => el("button", {
      type: "button", class: "secondary", "data-taken": a,
      onclick: async (e) => {
        try {
          await api("POST", `/v1/hits/${hit.hit_id}/action-taken`, { action_taken: a });
          for (const b of group.querySelectorAll("button")) b.setAttribute("aria-pressed", "false");
          e.target.setAttribute("aria-pressed", "true");
          status(msg, t("hit.taken_done", { what: t(`taken.${a}`) }), "ok");
        } catch (err) {
          status(msg, problemText(err), "error");
        }
      },
    }, t(`taken.${a}`))),
    msg);
  return group;
}

// ---------------------------------------------------------------------------------------------
// Manifests

const CSV_COLUMNS = ["reference", "surname", "given_names", "birth_date", "sex", "nationality", "document_number", "issuing_state", "vin", "plate", "plate_country"];

function manifestCard() {
  const [fileWrap, file] = field("cp.man.file", { type: "file", accept: ".csv,.json,.ndjson,.jsonl,text/csv,application/json" });
  const [filterWrap, filter] = select("cp.man.filter", [["all", "cp.man.all"], ["hits", "cp.man.hits"], ["errors", "cp.man.errors"], ["clear", "cp.man.clear"]]);
  const [textWrap, text] = field("cp.man.search", { type: "search" });
  const msg = el("p", { class: "status", role: "status" });
  const table = el("table", { class: "manifest" },
    el("caption", { class: "sr-only" }, t("cp.man.title")),
    el("thead", {}, el("tr", {}, ["cp.man.line", "cp.man.ref", "cp.man.result", "cp.man.action", "hit.owner"].map((k) => el("th", { scope: "col", "data-i18n": k }, t(k))))),
    el("tbody", {}));
  const apply = () => filterRows(table, filter.value, text.value.trim().toLowerCase());
  filter.addEventListener("change", apply);
  text.addEventListener("input", apply);
  const form = el("form", { class: "card", "aria-labelledby": "man-title" },
    el("h2", { id: "man-title", "data-i18n": "cp.man.title" }, t("cp.man.title")),
    el("p", { class: "hint", "data-i18n": "cp.man.help" }, t("cp.man.help")),
    el("p", { class: "hint code", dir: "ltr" }, CSV_COLUMNS.join(",")),
    fileWrap,
    el("button", { type: "submit", "data-i18n": "cp.man.upload" }, t("cp.man.upload")), msg,
    el("div", { class: "fields" }, filterWrap, textWrap),
    el("div", { class: "table-wrap" }, table),
    el("div", { id: "man-detail" }));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    if (!file.files.length) { status(msg, t("cp.man.choose"), "error"); return; }
    try {
      const lines = toNdjson(file.files[0].name, await file.files[0].text());
      await streamManifest(lines, table, msg, apply);
    } catch (err) {
      status(msg, err.message || problemText(err), "error");
    }
  });
  return form;
}

/** The NDJSON lines the manifest endpoint takes, from a CSV, JSON array or NDJSON file. */
export function toNdjson(filename, text) {
  const trimmed = text.replace(/^\uFEFF/, "").trim();
  let rows;
  if (/\.csv$/i.test(filename) || (!trimmed.startsWith("{") && !trimmed.startsWith("["))) {
    rows = parseCsv(trimmed);
  } else if (trimmed.startsWith("[")) {
    rows = JSON.parse(trimmed);
  } else {
    rows = trimmed.split(/\r?\n/).filter((l) => l.trim()).map((l, i) => {
      try { return JSON.parse(l); } catch (_) { throw new Error(t("cp.man.badjson", { line: i + 1 })); }
    });
  }
  const out = [];
  for (const row of rows) {
    if (row.traveller || row.document || row.vehicle) { out.push(JSON.stringify(row)); continue; }
    out.push(...entriesOf(row).map((e) => JSON.stringify(e)));
  }
  return out;
}

function entriesOf(row) {
  const v = (k) => (row[k] === undefined || row[k] === null ? "" : String(row[k]).trim());
  const reference = v("reference") || undefined;
  const entries = [];
  if (v("surname") || v("given_names")) {
    const traveller = {};
    for (const k of ["surname", "given_names", "birth_date", "sex", "nationality", "document_number", "issuing_state"]) {
      if (v(k)) traveller[k] = v(k);
    }
    if (traveller.document_number && !traveller.issuing_state) delete traveller.document_number;
    entries.push({ reference, traveller });
  } else if (v("document_number")) {
    entries.push({ reference, document: { number: v("document_number"), issuing_state: v("issuing_state") } });
  }
  if (v("vin") || v("plate")) {
    const vehicle = {};
    if (v("vin")) vehicle.vin = v("vin");
    if (v("plate")) { vehicle.plate = v("plate"); vehicle.plate_country = v("plate_country"); }
    entries.push({ reference, vehicle });
  }
  return entries;
}

/** RFC 4180 CSV (quotes, doubled quotes, CRLF) into objects keyed by the header. */
export function parseCsv(text) {
  const rows = [];
  let row = [], cell = "", quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i += 1; } else if (c === '"') quoted = false; else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") { row.push(cell); cell = ""; }
    else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i += 1;
      row.push(cell); rows.push(row); row = []; cell = "";
    } else cell += c;
  }
  row.push(cell); rows.push(row);
  const header = rows.shift().map((h) => h.trim().toLowerCase());
  const unknown = header.filter((h) => !CSV_COLUMNS.includes(h));
  if (unknown.length) throw new Error(t("cp.man.badcols", { cols: unknown.join(", "), all: CSV_COLUMNS.join(",") }));
  return rows.filter((r) => r.some((c) => c.trim())).map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ""])));
}

/** Sends the manifest and adds each answer line to the table as it arrives. */
async function streamManifest(lines, table, msg, apply) {
  const body = table.querySelector("tbody");
  body.replaceChildren();
  manifest = { body, msg, apply, items: [], summary: null, detail: null };
  status(msg, t("cp.man.sending", { n: lines.length }));
  const res = await api("POST", "/v1/screen/manifest", lines.join("\n") + "\n", {
    raw: true, headers: { "Content-Type": "application/x-ndjson", Accept: "application/x-ndjson" },
  });
  if (!res.ok) {
    const problem = await res.json().catch(() => ({}));
    throw new Error(problem.detail || `HTTP ${res.status}`);
  }
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "", hits = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (value) buffer += decoder.decode(value, { stream: true });
    let nl;
    while ((nl = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, nl).trim();
      buffer = buffer.slice(nl + 1);
      if (!line) continue;
      const item = JSON.parse(line);
      if (item.summary) {
        manifest.summary = item.summary;
        showSummary(item.summary, msg);
        continue;
      }
      manifest.items.push(item);
      hits += (item.hits || []).length;
      body.append(manifestRow(item));
      apply();
    }
    if (done) break;
  }
  if (hits) announce(t("cp.man.announce", { hits }));
}

function showSummary(s, msg) {
  status(msg, t("cp.man.summary", { entries: s.entries, hits: s.hits, errors: s.errors }) + (s.stopped ? ` — ${s.stopped}` : ""), s.hits ? "error" : "ok");
}

function manifestRow(item) {
  const hits = item.hits || [];
  const kind = item.error ? "errors" : hits.length ? "hits" : "clear";
  const first = hits[0];
  const result = item.error
    ? el("span", { class: "tag bad" }, "✗ ", t("cp.man.error"), ": ", item.error.field ? `${item.error.field} — ` : "", item.error.detail)
    : hits.length ? el("span", { class: "tag hit" }, "⚠ ", t("hit.word"), hits.length > 1 ? ` ×${hits.length}` : "")
      : el("span", { class: "tag ok" }, "✓ ", t("cp.man.clearone"));
  const details = first ? el("button", {
    type: "button", class: "secondary small",
    onclick: () => {
      const box = root.querySelector("#man-detail");
      manifest.detail = hits;
      box.replaceChildren(...hits.map(hitCard));
      box.querySelector(".hit-card")?.focus();
    },
  }, t("cp.man.details")) : "";
  return el("tr", { "data-kind": kind, class: `row-${kind}` },
    el("td", {}, String(item.line)),
    el("td", {}, name(item.reference || "")),
    el("td", {}, result),
    el("td", {}, first ? actionText(first.action, first.owner) : "", " ", details),
    el("td", {}, first ? agencyName(first.owner) : ""));
}

function filterRows(table, kind, text) {
  for (const row of table.querySelectorAll("tbody tr")) {
    const kindOk = kind === "all" || row.dataset.kind === kind;
    const textOk = !text || row.textContent.toLowerCase().includes(text);
    row.hidden = !(kindOk && textOk);
  }
}

export { when };
