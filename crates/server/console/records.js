// Records management for the agency that owns them: find, view with history, create, update
// and cancel (the API refuses anything but the owner's own records).
import {
  api, t, el, name, code, status, problemText, has, field, select, isMissing, state,
  when,
} from "./ui.js";
import { describeRecord } from "./inbox.js";

let root, results, detail, findMsg;

export function mount(section) {
  root = section;
  const [dbWrap, db] = select("rec.database", [["persons", "db.persons"], ["documents", "db.documents"], ["vehicles", "db.vehicles"]]);
  const [qWrap, q] = field("rec.query", { type: "search", dir: "auto" });
  findMsg = el("p", { class: "status", role: "status" });
  results = el("ul", { class: "record-list" });
  detail = el("div", { id: "record-detail" });
  const find = el("form", { class: "card", role: "search", "aria-labelledby": "rec-find-title" },
    el("h2", { id: "rec-find-title", "data-i18n": "rec.find" }, t("rec.find")),
    el("div", { class: "fields" }, dbWrap, qWrap),
    el("button", { type: "submit", "data-i18n": "rec.search" }, t("rec.search")), findMsg, results);
  find.addEventListener("submit", (e) => { e.preventDefault(); search(db.value, q.value.trim()); });
  const [idWrap, idInput] = field("rec.by_id", { dir: "ltr", class: "code" });
  const open = el("form", { class: "card" }, el("div", { class: "fields" }, idWrap),
    el("button", { type: "submit", class: "secondary", "data-i18n": "rec.open" }, t("rec.open")));
  open.addEventListener("submit", (e) => { e.preventDefault(); view(idInput.value.trim()); });
  const createButtons = has("records_editor") ? el("div", { class: "card" },
    el("h2", { "data-i18n": "rec.create" }, t("rec.create")),
    el("div", { class: "buttons" }, ["person", "document", "vehicle"].map((k) => el("button", {
      type: "button", class: "secondary", "data-create": k, onclick: () => editor(k, null),
    }, t(`rec.new_${k}`))))) : "";
  section.append(el("h1", { id: "records-title", "data-i18n": "rec.title" }, t("rec.title")),
    el("div", { class: "grid two" }, el("div", {}, find, open, createButtons), detail));
}

export function shown() {
  const m = location.hash.match(/^#records\/([0-9a-f-]{36})$/);
  if (m) view(m[1]);
}


/** One page of the caller's own records; `after` continues a list already shown. */
async function search(database, q, after) {
  status(findMsg, t("loading"));
  try {
    const params = new URLSearchParams({ database, limit: "50" });
    if (q) params.set("q", q);
    if (after) params.set("after", after);
    const page = await api("GET", `/v1/records?${params}`);
    const items = page.items || page;
    if (!after) results.replaceChildren();
    results.querySelector(".more")?.remove();
    status(findMsg, items.length || after ? "" : t("rec.none"));
    results.append(...items.map((r) => el("li", {},
      el("button", { type: "button", class: "link", onclick: () => view(r.id) }, describeRecord(r)),
      r.status === "cancelled" ? el("span", { class: "tag" }, t("rec.cancelled")) : "")));
    if (page.next_after) {
      results.append(el("li", { class: "more" }, el("button", {
        type: "button", class: "secondary", onclick: () => search(database, q, page.next_after),
      }, t("rec.more"))));
    }
  } catch (err) {
    results.replaceChildren();
    status(findMsg, isMissing(err) ? t("rec.search_unavailable") : problemText(err), isMissing(err) ? "warn" : "error");
  }
}

async function view(id) {
  if (!id) return;
  detail.replaceChildren(el("p", { class: "status" }, t("loading")));
  try {
    const record = await api("GET", `/v1/records/${id}`);
    const history = el("div", {});
    const mine = record.owner === state.session.agency.id;
    const msg = el("p", { class: "status", role: "status" });
    detail.replaceChildren(el("article", { class: "card", "aria-labelledby": "rec-view-title" },
      el("h2", { id: "rec-view-title" }, describeRecord(record)),
      record.status === "cancelled" ? el("p", { class: "tag" }, t("rec.cancelled")) : "",
      el("dl", { class: "facts" },
        fact("rec.id", code(record.id)), fact("rec.version", String(record.version)),
        fact("hit.owner", record.owner), fact("rec.visibility", record.visibility),
        fact("rec.recorded_at", when(record.recorded_at)), fact("rec.review_date", record.review_date || "—")),
      el("pre", { class: "code json", dir: "ltr" }, JSON.stringify(record.person || record.document || record.vehicle, null, 2)),
      mine && has("records_editor") && record.status !== "cancelled" ? el("div", { class: "buttons" },
        el("button", { type: "button", onclick: () => editor(kindOf(record), record) }, t("rec.edit")),
        el("button", {
          type: "button", class: "danger",
          onclick: async () => {
            if (!confirm(t("rec.cancel_confirm"))) return;
            try { await api("POST", `/v1/records/${record.id}/cancel`); view(record.id); } catch (err) { status(msg, problemText(err), "error"); }
          },
        }, t("rec.cancel"))) : "",
      msg,
      el("h3", {}, t("rec.history")), history));
    detail.querySelector("h2").setAttribute("tabindex", "-1");
    detail.querySelector("h2").focus();
    try {
      const h = await api("GET", `/v1/records/${id}/history`);
      history.replaceChildren(el("ol", { class: "history" }, (h.versions || []).map((v) => el("li", {},
        `v${v.version} · ${t(`rec.status_${v.status}`)} · ${when(v.recorded_at)}`))));
    } catch (err) {
      history.replaceChildren(el("p", { class: "hint" }, problemText(err)));
    }
  } catch (err) {
    detail.replaceChildren(el("p", { class: "status error" }, problemText(err)));
  }
}

function fact(key, value) {
  return el("div", {}, el("dt", {}, t(key)), el("dd", {}, value));
}

function kindOf(r) {
  return r.person ? "person" : r.document ? "document" : "vehicle";
}

const FORMS = {
  document: [
    ["number", "f.document_number", "ltr"], ["issuing_state", "f.issuing_state", "ltr"],
    ["type", "rec.doc_type", "select", [["passport", "doctype.passport"], ["id_card", "doctype.id_card"], ["visa", "doctype.visa"], ["other", "doctype.other"]]],
    ["status", "rec.doc_status", "select", [["stolen_blank", "docstatus.stolen_blank"], ["stolen_issued", "docstatus.stolen_issued"], ["lost", "docstatus.lost"], ["revoked", "docstatus.revoked"], ["invalidated", "docstatus.invalidated"]]],
    ["reported_on", "rec.reported_on", "ltr"], ["reported_place", "rec.reported_place", "auto"],
  ],
  person: [
    ["owner_ref", "rec.owner_ref", "ltr"], ["primary", "rec.primary_name", "auto"], ["aliases", "rec.aliases", "auto"],
    ["birth_dates", "rec.birth_dates", "ltr"], ["nationalities", "rec.nationalities", "ltr"],
    ["sex", "f.sex", "select", [["", "f.sex.unknown"], ["M", "f.sex.m"], ["F", "f.sex.f"]]],
    ["passport", "rec.passport", "ltr"],
    ["notice", "rec.notice", "select", [["", "rec.notice_none"], ["red", "notice.red"], ["blue", "notice.blue"], ["yellow", "notice.yellow"], ["green", "notice.green"], ["orange", "notice.orange"], ["purple", "notice.purple"], ["black", "notice.black"]]],
    ["notice_ref", "rec.notice_ref", "ltr"],
  ],
  vehicle: [
    ["vin", "f.vin", "ltr"], ["plate", "f.plate", "ltr"], ["plate_country", "f.plate_country", "ltr"],
    ["make", "rec.make", "auto"], ["model", "rec.model", "auto"], ["colour", "rec.colour", "auto"],
    ["year", "rec.year", "ltr"], ["stolen_on", "rec.stolen_on", "ltr"],
  ],
};

/** Reads the form's values out of a record (for editing). */
function valuesOf(kind, r) {
  if (!r) return {};
  if (kind === "document") return { ...r.document };
  if (kind === "vehicle") {
    const v = r.vehicle;
    return { ...v, plate: v.plate?.number, plate_country: v.plate?.country, year: v.year ?? "" };
  }
  const p = r.person;
  const names = p.names || [];
  const notice = (p.notices || [])[0] || {};
  return {
    owner_ref: p.owner_ref,
    primary: (names.find((n) => n.kind === "primary") || {}).full,
    aliases: names.filter((n) => n.kind === "alias").map((n) => n.full).join("; "),
    birth_dates: (p.birth_dates || []).join(", "),
    nationalities: (p.nationalities || []).join(", "),
    sex: p.sex || "",
    passport: ((p.identifiers || []).find((i) => i.kind === "passport") || {}).number,
    notice: notice.kind || "",
    notice_ref: notice.reference,
  };
}

const list = (s) => (s || "").split(/[;,]/).map((x) => x.trim()).filter(Boolean);

/** The record's content from the form, keeping fields the form does not show. */
function contentOf(kind, v, previous) {
  const keep = previous ? structuredClone(previous[kind]) : {};
  if (kind === "document") {
    return { ...keep, number: v.number, issuing_state: v.issuing_state.toUpperCase(), type: v.type, status: v.status,
      reported_on: v.reported_on || undefined, reported_place: v.reported_place || undefined };
  }
  if (kind === "vehicle") {
    const out = { ...keep, vin: v.vin || undefined, make: v.make || undefined, model: v.model || undefined,
      colour: v.colour || undefined, year: v.year ? Number(v.year) : undefined, stolen_on: v.stolen_on || undefined };
    out.plate = v.plate ? { number: v.plate, country: v.plate_country.toUpperCase() } : undefined;
    return out;
  }
  const others = (keep.names || []).filter((n) => n.kind !== "primary" && n.kind !== "alias");
  const identifiers = (keep.identifiers || []).filter((i) => i.kind !== "passport");
  const nationalities = list(v.nationalities).map((c) => c.toUpperCase());
  if (v.passport) identifiers.unshift({ kind: "passport", number: v.passport, country: nationalities[0] });
  const notices = (keep.notices || []).slice(1);
  if (v.notice) notices.unshift({ kind: v.notice, diffusion: false, reference: v.notice_ref || undefined });
  return { ...keep, owner_ref: v.owner_ref,
    names: [{ full: v.primary, kind: "primary" }, ...list(v.aliases).map((full) => ({ full, kind: "alias" })), ...others],
    birth_dates: list(v.birth_dates), nationalities, sex: v.sex || undefined, identifiers, notices };
}

function editor(kind, record) {
  const values = valuesOf(kind, record);
  const inputs = {};
  const fields = FORMS[kind].map(([k, label, how, options]) => {
    const [wrap, input] = how === "select"
      ? select(label, options)
      : field(label, { dir: how, class: how === "ltr" ? "code" : "" });
    if (values[k] !== undefined && values[k] !== null) input.value = values[k];
    inputs[k] = input;
    return wrap;
  });
  const [visWrap, vis] = field("rec.visibility", { dir: "ltr", class: "code", value: record ? record.visibility : "all" });
  const [revWrap, rev] = field("rec.review_date", { dir: "ltr", class: "code", placeholder: "2027-12-31", value: record?.review_date || "" });
  const msg = el("p", { class: "status", role: "status" });
  const form = el("form", { class: "card", "aria-labelledby": "rec-edit-title" },
    el("h2", { id: "rec-edit-title", tabindex: "-1" }, record ? t("rec.editing") : t(`rec.new_${kind}`)),
    el("div", { class: "fields" }, fields, visWrap, revWrap),
    el("p", { class: "hint" }, t("rec.visibility_help")),
    el("div", { class: "buttons" }, el("button", { type: "submit" }, t("rec.save")),
      el("button", { type: "button", class: "secondary", onclick: () => (record ? view(record.id) : detail.replaceChildren()) }, t("rec.discard"))),
    msg);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const v = Object.fromEntries(Object.entries(inputs).map(([k, i]) => [k, i.value.trim()]));
    const body = { owner: state.session.agency.id, visibility: vis.value.trim() || "all",
      review_date: rev.value.trim() || undefined, source_id: record?.source_id || undefined };
    body[kind] = contentOf(kind, v, record);
    try {
      const saved = record
        ? await api("PUT", `/v1/records/${record.id}?expected_version=${record.version}`, body)
        : await api("POST", "/v1/records", body);
      view(saved.id);
    } catch (err) {
      status(msg, problemText(err), "error");
    }
  });
  detail.replaceChildren(form);
  form.querySelector("h2").focus();
}

export { name };
