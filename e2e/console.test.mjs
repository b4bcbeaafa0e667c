// End-to-end test of the portwatch web console in a real headless Chromium.
//
// Starts the real binary (PORTWATCH_BIN) on a fresh data directory set up through the CLI
// (agencies, API keys, a red-notice person), serves plain HTTP on 127.0.0.1, and drives three
// people at once: a border post screens an MRZ that hits, the owner NCB sees the hit arrive
// live and confirms it, the General Secretariat watches the command centre's counters move.
// Also: a border post cannot open records management (hidden, and the API says 403), and the
// Arabic console is laid out right to left. Screenshots go to target/e2e-screenshots/.
//
//   PORTWATCH_BIN=target/debug/portwatch node e2e/console.test.mjs

import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const HERE = dirname(fileURLToPath(import.meta.url));
const BIN = process.env.PORTWATCH_BIN || resolve(HERE, "../target/debug/portwatch");
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const SHOTS = resolve(HERE, "../target/e2e-screenshots");

// A TD3 passport MRZ of Karim BENALI (red notice, owned by NCB Rabat); every check digit right.
const MRZ = ["P<MARBENALI<<KARIM<<<<<<<<<<<<<<<<<<<<<<<<<<", "UX123456<0MAR7904129M3001019<<<<<<<<<<<<<<00"];
// The same with a misread O for 0 in the date of birth: a check digit fails, a repair is offered.
const MRZ_MISREAD = [MRZ[0], "UX123456<0MAR79O4129M3001019<<<<<<<<<<<<<<00"];

const RECORDS = [
  { owner: "ncb-rabat", visibility: "all", person: {
    owner_ref: "P-2019-0042",
    names: [{ full: "Karim BENALI", kind: "primary" }, { full: "كريم بن علي", kind: "original_script" }],
    birth_dates: ["1979-04-12"], nationalities: ["MAR"], sex: "M",
    identifiers: [{ kind: "passport", number: "UX123456", country: "MAR" }],
    notices: [{ kind: "red", diffusion: false, reference: "A-1234/5-2019", issued_on: "2019-05-02" }],
    flags: ["possibly_armed"] } },
  { owner: "ncb-rabat", visibility: "all", document: {
    number: "AB1234567", issuing_state: "MAR", type: "passport", status: "stolen_issued", reported_on: "2024-03-02" } },
  { owner: "ncb-madrid", visibility: "countries:ESP,FRA", vehicle: {
    vin: "WVWZZZ1JZXW000001", plate: { country: "ESP", number: "1234BCD" }, make: "Volkswagen", model: "Golf", year: 2019 } },
];

const step = (text) => console.log(`• ${text}`);

function cli(data, ...args) {
  return execFileSync(BIN, ["--data", data, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

function keyFrom(output) {
  const key = output.split(/\s+/).find((w) => w.startsWith("pwk_"));
  assert.ok(key, `no key in: ${output}`);
  return key;
}

function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once("error", fail);
    srv.listen(0, "127.0.0.1", () => { const { port } = srv.address(); srv.close(() => ok(port)); });
  });
}

async function waitReady(base, server) {
  for (let i = 0; i < 600; i += 1) {
    if (server.exitCode !== null) throw new Error(`portwatch serve exited with ${server.exitCode}`);
    try { if ((await fetch(`${base}/readyz`)).ok) return; } catch (_) { /* not yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("the server did not become ready");
}

function setUp() {
  const data = mkdtempSync(join(tmpdir(), "portwatch-e2e-"));
  cli(data, "init");
  const agencies = [
    ["gs", "General Secretariat", "general_secretariat"],
    ["ncb-rabat", "NCB Rabat", "ncb", "MAR"],
    ["ncb-madrid", "NCB Madrid", "ncb", "ESP"],
    ["bp-algeciras", "Algeciras port", "border_post", "ESP", "ncb-madrid"],
    ["bp-tanger-med", "Tanger Med port", "border_post", "MAR", "ncb-rabat"],
  ];
  for (const [id, name, kind, country, parent] of agencies) {
    const args = ["ca", "agency", "--id", id, "--name", name, "--kind", kind];
    if (country) args.push("--country", country);
    if (parent) args.push("--parent", parent);
    cli(data, ...args);
  }
  const key = (agency, name, ...roles) =>
    keyFrom(cli(data, "ca", "key", "create", "--agency", agency, "--name", name, ...roles.flatMap((r) => ["--role", r])));
  const keys = {
    border: key("bp-algeciras", "console: officer Algeciras", "screener"),
    ncb: key("ncb-rabat", "console: duty officer Rabat", "records_editor", "analyst"),
    gs: key("gs", "console: command centre", "analyst", "admin", "records_editor"),
  };
  const file = join(data, "records.jsonl");
  writeFileSync(file, RECORDS.map((r) => JSON.stringify(r)).join("\n") + "\n");
  cli(data, "import", file);
  return { data, keys };
}

async function planOperation(base, gsKey) {
  const day = (offset) => new Date(Date.now() + offset * 86400000).toISOString().slice(0, 10);
  const res = await fetch(`${base}/v1/operations`, {
    method: "POST",
    headers: { Authorization: `Bearer ${gsKey}`, "Content-Type": "application/json" },
    body: JSON.stringify({
      code: "NEPTUNE-II", name: "Neptune II", starts_on: day(-1), ends_on: day(30),
      countries: ["ESP", "MAR"], coordinator: "gs", focus: ["terrorism", "migrant_smuggling"],
      sites: [
        { locode: "ESALG", name: "Algeciras", country: "ESP", agency: "bp-algeciras" },
        { locode: "MAPTM", name: "Tanger Med", country: "MAR", agency: "bp-tanger-med" },
      ],
    }),
  });
  assert.equal(res.status, 201, await res.text());
}

async function shot(page, name) {
  const path = join(SHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  console.log(`  screenshot ${path}`);
}

async function signIn(page, base, apiKey) {
  await page.goto(`${base}/`);
  await page.locator("#api-key").fill(apiKey);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.locator("#nav").waitFor({ state: "visible" });
}

async function main() {
  mkdirSync(SHOTS, { recursive: true });
  const { data, keys } = setUp();
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const server = spawn(BIN, ["--data", data, "serve", "--listen", `127.0.0.1:${port}`], { stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  server.stderr.on("data", (d) => { log += d; });
  let browser;
  try {
    await waitReady(base, server);
    await planOperation(base, keys.gs);

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    const viewport = { width: 1280, height: 900 };
    const border = await browser.newContext({ viewport });
    const ncb = await browser.newContext({ viewport });
    const gs = await browser.newContext({ viewport });
    const cspViolations = [];
    for (const ctx of [border, ncb, gs]) {
      // Generous: under `cargo test --workspace` the machine is busy with other tests.
      ctx.setDefaultTimeout(60000);
      ctx.on("console", (m) => { if (/Content Security Policy|Refused to/i.test(m.text())) cspViolations.push(m.text()); });
      ctx.on("weberror", (e) => cspViolations.push(`page error: ${e.error().message}`));
      // Nothing may leave the machine: any request to another origin fails the test.
      await ctx.route((url) => !url.href.startsWith(base), (route) => { cspViolations.push(`outside request ${route.request().url()}`); route.abort(); });
    }

    step("the sign-in page");
    const bp = await border.newPage();
    await bp.goto(`${base}/`);
    await bp.locator("#api-key").waitFor();
    await shot(bp, "01-sign-in");
    await bp.locator("#api-key").fill("pwk_0000_wrong");
    await bp.getByRole("button", { name: "Sign in" }).click();
    await bp.getByText("This API key is unknown or revoked.").waitFor();

    step("the border post signs in: checkpoint only");
    await signIn(bp, base, keys.border);
    assert.equal(await bp.locator('#nav a[data-screen="checkpoint"]').isVisible(), true);
    for (const hidden of ["inbox", "records", "command"]) {
      assert.equal(await bp.locator(`#nav a[data-screen="${hidden}"]`).isVisible(), false, `${hidden} is hidden from a border post`);
    }
    step("keyboard: the first Tab reaches the skip link, which leads to the content");
    await bp.reload();
    await bp.locator("#checkpoint-title").waitFor();
    await bp.keyboard.press("Tab");
    assert.equal(await bp.evaluate(() => document.activeElement.className), "skip-link");
    assert.ok(await bp.locator(".skip-link").isVisible(), "the skip link shows when focused");
    await bp.keyboard.press("Enter");
    assert.equal(await bp.evaluate(() => document.activeElement.id), "main");
    const cookies = await border.cookies(base);
    const session = cookies.find((c) => c.name === "pw_session");
    assert.ok(session && session.httpOnly && session.sameSite === "Strict", "HttpOnly, SameSite=Strict session cookie");

    step("the NCB signs in and opens its inbox (before the hit)");
    const np = await ncb.newPage();
    await signIn(np, base, keys.ncb);
    await np.goto(`${base}/#inbox`);
    await np.locator("#inbox-title").waitFor();
    await np.locator("body.live-on").waitFor({ timeout: 10000 });

    step("the General Secretariat opens the command centre (before the hit)");
    const gp = await gs.newPage();
    await signIn(gp, base, keys.gs);
    await gp.goto(`${base}/#command`);
    await gp.locator("#command-title").waitFor();
    const counter = (k) => gp.locator(`[data-counter="${k}"]`);
    await gp.waitForFunction(() => document.querySelector('[data-counter="searches"]')?.dataset.value !== undefined);
    const before = { searches: Number(await counter("searches").getAttribute("data-value")), hits: Number(await counter("hits").getAttribute("data-value")) };

    step("MRZ: a misread character is caught by its check digit and a repair is offered");
    const mrz = bp.locator("textarea.mrz");
    assert.equal(await mrz.getAttribute("dir"), "ltr");
    await mrz.fill(MRZ_MISREAD.join("\n"));
    const repair = bp.locator("button.repair").first();
    await repair.waitFor({ timeout: 10000 });
    await bp.locator(".checks li.bad").first().waitFor();
    await shot(bp, "02-checkpoint-mrz-repair");
    await repair.click();
    await bp.getByText("Every check digit is correct.").waitFor();
    assert.equal((await mrz.inputValue()).split("\n")[1], MRZ[1]);

    step("the border post screens the MRZ: the hit card");
    await bp.getByRole("button", { name: "Screen this document holder" }).click();
    const card = bp.locator(".hit-card").first();
    await card.waitFor();
    const action = (await card.locator(".hit-action").textContent()).trim();
    assert.equal(action, "Detain — contact NCB Rabat at once");
    const cardText = await card.textContent();
    assert.match(cardText, /HIT/);
    assert.match(cardText, /UX123456/, "why it matched: the passport number on record");
    assert.match(cardText, /NCB Rabat/, "whose record");
    await card.locator("[data-deadline]").waitFor();
    assert.match(await card.locator("[data-deadline]").textContent(), /left/);
    assert.match(await bp.locator("#live").textContent(), /HIT: Detain/);
    await shot(bp, "03-checkpoint-hit-card");

    step("the border post records what it did");
    await card.getByRole("button", { name: "Detained" }).click();
    await card.getByText("Recorded: Detained.").waitFor();

    step("the NCB sees the hit arrive live and confirms it");
    const item = np.locator(".inbox-item").filter({ hasText: "Detain — contact NCB Rabat at once" }).first();
    await item.waitFor({ timeout: 15000 });
    assert.match(await item.textContent(), /Algeciras port/);
    await item.locator("[data-deadline]").waitFor();
    await item.getByText("Karim BENALI").waitFor();
    await shot(np, "04-ncb-inbox-live-hit");
    await item.locator("textarea").fill("Hold him; officers from NCB Madrid are on their way. Reference A-1234/5-2019.");
    await item.getByRole("button", { name: "Confirm" }).click();
    await np.getByText("Hit confirmed; the checkpoint has your instructions.").waitFor();
    await np.locator("#inbox-answered").check();
    await np.locator(".inbox-item.state-confirmed").first().waitFor();
    await shot(np, "05-ncb-inbox-confirmed");

    step("the checkpoint's hit card shows the owner's answer and instructions");
    await card.locator(".hit-answer .instructions").getByText(/Hold him/).waitFor();
    assert.match(await card.locator(".hit-answer").textContent(), /Answer from NCB Rabat/);
    await shot(bp, "05b-checkpoint-owner-answer");

    step("the command centre's counters move");
    await gp.waitForFunction(([s, h]) => {
      const v = (k) => Number(document.querySelector(`[data-counter="${k}"]`)?.dataset.value || 0);
      return v("searches") > s && v("hits") > h && v("confirmed_hits") >= 1;
    }, [before.searches, before.hits], { timeout: 20000 });
    await gp.locator("#cc-chart svg circle.dot").first().waitFor();
    await gp.locator("#cc-latest li").filter({ hasText: "Detain" }).first().waitFor();
    await gp.locator("#lead-category").waitFor();
    await gp.locator(".choices input[type=checkbox]").first().waitFor({ timeout: 10000 });
    await gp.locator(".choices input[type=checkbox]").first().check();
    await gp.locator("#lead-notes").fill("Red notice subject detained at Algeciras.");
    await gp.getByRole("button", { name: "Open the lead" }).click();
    await gp.getByText("Lead opened.").first().waitFor();
    await gp.waitForFunction(() => Number(document.querySelector('[data-counter="leads"]')?.dataset.value || 0) >= 1, null, { timeout: 15000 });
    await shot(gp, "06-command-centre");

    step("the border post screens a ferry manifest: results stream into a filterable table");
    const csv = [
      "reference,surname,given_names,birth_date,sex,nationality,document_number,issuing_state,vin,plate,plate_country",
      "cabin 12,BENALI,KARIM,1979-04-12,M,MAR,,,,,",
      "cabin 14,DUPONT,Marie,1990-01-01,F,FRA,,,,,",
      "car deck 3,,,,,,,,,1234BCD,ESP",
      "cabin 20,,,,,,AB1234567,,,,",
    ].join("\n");
    await bp.locator("input[type=file]").setInputFiles({ name: "ferry.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
    await bp.getByRole("button", { name: "Screen the manifest" }).click();
    await bp.getByText("4 entries screened: 2 hits, 1 errors.").or(bp.getByText(/entries screened: 2 hits/)).first().waitFor();
    assert.equal(await bp.locator("table.manifest tbody tr").count(), 4);
    assert.equal(await bp.locator("table.manifest tr.row-hits").count(), 2);
    assert.equal(await bp.locator("table.manifest tr.row-errors").count(), 1);
    await bp.locator("table.manifest").getByText("Seize the vehicle — check the driver; inform NCB Madrid").waitFor();
    await bp.getByLabel("Show").selectOption("hits");
    assert.equal(await bp.locator("table.manifest tbody tr:visible").count(), 2);
    await bp.locator("table.manifest tr.row-hits").first().getByRole("button", { name: "Details" }).click();
    await bp.locator("#man-detail .hit-card").waitFor();
    assert.match(await bp.locator("#man-detail .hit-card").textContent(), /BENALI/i);
    await shot(bp, "06b-checkpoint-manifest");
    const json = JSON.stringify([
      { reference: "cabin 30", surname: "GARCIA", given_names: "Ana", birth_date: "1990-02-01" },
      { reference: "car deck 9", vin: "WVWZZZ1JZXW000001" },
    ]);
    await bp.getByLabel("Show").selectOption("all");
    await bp.locator("input[type=file]").setInputFiles({ name: "ferry.json", mimeType: "application/json", buffer: Buffer.from(json) });
    await bp.getByRole("button", { name: "Screen the manifest" }).click();
    await bp.getByText("2 entries screened: 1 hits, 0 errors.").waitFor();
    assert.equal(await bp.locator("table.manifest tbody tr").count(), 2);

    step("a border post cannot open records management");
    await bp.goto(`${base}/#records`);
    await bp.locator("#checkpoint-title").waitFor();
    assert.equal(await bp.locator("#screen-records").isVisible(), false);
    const { csrf_token: csrf } = await (await border.request.get(`${base}/session`)).json();
    const write = await border.request.post(`${base}/v1/records`, {
      headers: { "X-CSRF-Token": csrf },
      data: { owner: "bp-algeciras", visibility: "all", document: { number: "X1234567", issuing_state: "ESP", type: "passport", status: "lost" } },
    });
    assert.equal(write.status(), 403, "the API refuses a border post's record write");
    const list = await border.request.get(`${base}/v1/records?database=persons`);
    assert.equal(list.status(), 403, "the API refuses a border post's record search");
    const noCsrf = await border.request.post(`${base}/v1/screen/document`, { data: { number: "AB1234567", issuing_state: "MAR" } });
    assert.equal(noCsrf.status(), 403, "a change without the CSRF token is refused");

    step("the NCB's records screen: find and view with history");
    await np.goto(`${base}/#records`);
    await np.locator("#records-title").waitFor();
    await np.getByRole("button", { name: "Search" }).click();
    await np.locator("#rec-find-title ~ .status").filter({ hasText: /./ }).or(np.locator(".record-list li").first()).first().waitFor();
    const persons = await np.request.get(`${base}/v1/hits?scope=owned`);
    const recordId = (await persons.json()).items.find((h) => h.database === "persons").record_id;
    await np.goto(`${base}/#records/${recordId}`);
    await np.locator("#rec-view-title").waitFor();
    await np.locator(".history li").first().waitFor();
    await shot(np, "07-ncb-record");

    step("the NCB creates, updates and cancels a record of its own");
    np.on("dialog", (dialog) => dialog.accept());
    await np.getByRole("button", { name: "New person" }).click();
    const form = np.locator("#record-detail form");
    await form.getByLabel("Our reference").fill("P-2026-0007");
    await form.getByLabel("Full name").fill("Youssef EL AMRANI");
    await form.getByLabel("Aliases (separated by ;)").fill("Youssef AMRANI");
    await form.getByLabel("Dates of birth").fill("1985-07-14");
    await form.getByLabel("Nationalities").fill("MAR");
    await form.getByLabel("Notice", { exact: true }).selectOption("blue");
    await form.getByRole("button", { name: "Save" }).click();
    await np.locator("#rec-view-title").getByText("Youssef EL AMRANI").waitFor();
    await np.locator("#rec-view-title").getByText("Blue notice").waitFor();
    await np.getByRole("button", { name: "Edit" }).click();
    await np.locator("#record-detail form").getByLabel("Dates of birth").fill("1985-07-14, 1985-07");
    await np.locator("#record-detail form").getByRole("button", { name: "Save" }).click();
    await np.locator(".history li").nth(1).waitFor();
    await np.getByRole("button", { name: "Cancel the record" }).click();
    await np.locator(".history li").nth(2).waitFor();
    assert.match(await np.locator(".history").textContent(), /v3 · cancelled/);
    await shot(np, "07b-ncb-record-history");
    await np.getByRole("button", { name: "New vehicle" }).click();
    const vehicle = np.locator("#record-detail form");
    await vehicle.getByLabel("VIN").fill("VF1RFB00X56000007");
    await vehicle.getByLabel("Plate", { exact: true }).fill("12345-A-6");
    await vehicle.getByLabel("Plate country").fill("MAR");
    await vehicle.getByLabel("Make").fill("Renault");
    await vehicle.getByLabel("Year").fill("2021");
    await vehicle.getByRole("button", { name: "Save" }).click();
    await np.locator("#rec-view-title").getByText("VF1RFB00X56000007").waitFor();
    await np.getByRole("button", { name: "New travel document" }).click();
    const doc = np.locator("#record-detail form");
    await doc.getByLabel("Document number").fill("MA7654321");
    await doc.getByLabel("Issuing state").fill("MAR");
    await doc.getByLabel("Status").selectOption("lost");
    await doc.getByRole("button", { name: "Save" }).click();
    await np.locator("#rec-view-title").getByText("MA7654321").waitFor();
    const screened = await border.request.post(`${base}/v1/screen/document`, {
      headers: { "X-CSRF-Token": (await (await border.request.get(`${base}/session`)).json()).csrf_token },
      data: { number: "MA7654321", issuing_state: "MAR" },
    });
    assert.equal((await screened.json()).hit, true, "a document recorded through the console is screened at once");
    const found = await np.request.get(`${base}/v1/records?database=persons&q=AMRANI`);
    if (found.ok()) {
      await np.getByLabel("Name, number or reference").fill("BENALI");
      await np.getByRole("button", { name: "Search" }).click();
      await np.locator(".record-list li").getByText("Karim BENALI").waitFor();
    }

    step("the Arabic console is laid out right to left and remembered");
    await bp.goto(`${base}/#checkpoint`);
    await bp.locator("#lang").selectOption("ar");
    assert.equal(await bp.evaluate(() => document.documentElement.dir), "rtl");
    assert.equal(await bp.evaluate(() => document.documentElement.lang), "ar");
    const brand = await bp.locator(".brand").boundingBox();
    assert.ok(brand.x > viewport.width / 2, `the brand sits on the right in Arabic (x=${brand.x})`);
    const title = await bp.locator("#checkpoint-title").boundingBox();
    assert.ok(title.x + title.width > viewport.width - 100, "headings start on the right");
    assert.equal(await bp.locator("#checkpoint-title").textContent(), "نقطة التفتيش");
    assert.equal(await bp.locator("textarea.mrz").getAttribute("dir"), "ltr", "the MRZ stays left to right");
    await bp.locator("textarea.mrz").fill(MRZ.join("\n"));
    await bp.locator(".checks").waitFor();
    await Promise.all([
      bp.waitForResponse((r) => r.url().endsWith("/v1/screen/traveller")),
      bp.locator("#mrz-title").locator("..").locator("button[type=submit]").click(),
    ]);
    const arCard = bp.locator("#cp-results .hit-card").first();
    await arCard.locator(".hit-action").getByText("احتجز الشخص — اتصل بـ NCB Rabat فورًا").waitFor();
    const cardBox = await arCard.boundingBox();
    const iconBox = await arCard.locator(".hit-icon").boundingBox();
    assert.ok(iconBox.x > cardBox.x + cardBox.width / 2, "the hit icon leads on the right");
    await shot(bp, "08-checkpoint-arabic-rtl");
    await bp.reload();
    await bp.locator("#checkpoint-title").waitFor();
    assert.equal(await bp.evaluate(() => document.documentElement.dir), "rtl", "the language survives a reload");
    await bp.locator("#signout").click();
    await bp.evaluate(() => localStorage.clear());
    await bp.reload();
    await bp.locator("#api-key").fill(keys.border);
    await bp.locator("#signin-form button[type=submit]").click();
    await bp.locator("#nav").waitFor({ state: "visible" });
    assert.equal(await bp.evaluate(() => document.documentElement.dir), "rtl", "the language is remembered for the next sign-in");

    step("French, for the officers at Tanger Med");
    await np.locator("#lang").selectOption("fr");
    await np.goto(`${base}/#inbox`);
    await np.getByText("Concordances sur nos fiches").waitFor();
    await shot(np, "09-ncb-inbox-french");

    assert.deepEqual(cspViolations, [], "no CSP violation, page error or outside request");
    console.log("console e2e: all checks passed");
  } catch (err) {
    console.error(log.split("\n").slice(-20).join("\n"));
    throw err;
  } finally {
    if (browser) await browser.close();
    server.kill("SIGINT");
    rmSync(data, { recursive: true, force: true });
  }
}

await main();
