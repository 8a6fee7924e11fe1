// The CAVRA console (www/) in Debian's Chromium, driven by playwright-core.
// Prints TAP.  Run by tests/browser.sh, which starts a stack (nginx and
// every responder) and passes:
//   CAVRA_TEST_BASE  the stack's base URL (the console at /)
//   CAVRA_TEST_WWW   the www/ directory (served alone for the demo test;
//                    ../conf beside it holds the shipped CSP)
//   CAVRA_TEST_OUT   where the screenshots go
// Every page fails its test on a page error or a console error (a CSP
// violation is one); the only console errors let through are the failed
// loads a test itself causes (an API error it asks for, the role probe
// of a token, the missing API of the demo).
import { chromium } from "playwright-core";
import http from "node:http";
import fs from "node:fs";
import path from "node:path";

const BASE = process.env.CAVRA_TEST_BASE;
// Resolved: the static server below compares resolved file names with
// it, and a build configured as ../configure passes "<build>/../www".
const WWW = process.env.CAVRA_TEST_WWW && path.resolve(process.env.CAVRA_TEST_WWW);
const OUT = process.env.CAVRA_TEST_OUT;
const SLOW = process.env.CAVRA_TEST_TIMEOUT ? +process.env.CAVRA_TEST_TIMEOUT : 20000;
if (!BASE || !WWW || !OUT) {
  console.log("Bail out! CAVRA_TEST_BASE, CAVRA_TEST_WWW and CAVRA_TEST_OUT are needed");
  process.exit(0);
}
fs.mkdirSync(OUT, { recursive: true });

// The console's Content-Security-Policy as shipped: the nginx site the
// stack runs (tests/stack copies conf/nginx-cavra.conf), which the demo's
// static server below sends too.
const CONF = path.resolve(WWW, "..", "conf");
function shippedCsp(file, re) {
  const m = fs.readFileSync(path.join(CONF, file), "utf8").match(re);
  return m ? m[1] : null;
}
const CSP = shippedCsp("nginx-cavra.conf", /add_header Content-Security-Policy "([^"]+)"/);
const CSP_APACHE = shippedCsp("apache-cavra.conf", /Header always set Content-Security-Policy "([^"]+)"/);

let n = 0;
let failed = 0;
const tests = [];
const test = (name, fn) => tests.push([name, fn]);

function assert(cond, what) {
  if (!cond) throw new Error("assertion failed: " + what);
}

async function api(method, p, body) {
  const r = await fetch(BASE + p, { method, headers: body ?
    { "content-type": "application/json" } : {}, body: body ? JSON.stringify(body) : undefined });
  const t = await r.text();
  let j = null;
  try { j = JSON.parse(t); } catch (e) { j = null; }
  if (!r.ok) throw new Error(`${method} ${p}: ${r.status} ${t}`);
  return j;
}

const browser = await chromium.launch({ executablePath: "/usr/bin/chromium",
  headless: true, args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"] });
const context = await browser.newContext({ viewport: { width: 1366, height: 800 },
  acceptDownloads: true });
context.setDefaultTimeout(SLOW);

// A page whose console errors and page errors are collected; allow(re)
// lets a test expect some failed loads.
async function open(url) {
  const page = await context.newPage();
  page.errors = [];
  page.allowed = [];
  page.on("console", (m) => {
    if (m.type() !== "error") return;
    const text = m.text() + " " + (m.location().url || "");
    if (!page.allowed.some((re) => re.test(text))) page.errors.push("console: " + text);
  });
  page.on("pageerror", (e) => page.errors.push("page error: " + e.message));
  page.doc = await page.goto(url);
  await page.waitForSelector("body[data-booted]");
  return page;
}

async function view(page, id) {
  await page.evaluate((v) => { location.hash = "#/" + v; }, id);
  await page.waitForSelector(`main[data-view="${id}"][data-ready="1"]`);
  // The view's first loads settle.
  await page.waitForFunction(() => !document.querySelector("main").textContent.includes("Loading…"));
}

async function shot(page, name) {
  const t0 = Date.now();
  // The whole page, up to 3000 pixels (long tables make slow shots).
  const height = Math.min(3000, await page.evaluate(() => document.documentElement.scrollHeight));
  await page.screenshot({ path: path.join(OUT, name + ".png"), fullPage: true,
    clip: { x: 0, y: 0, width: 1366, height } });
  if (process.env.CAVRA_TEST_VERBOSE) console.log(`# screenshot ${name}: ${Date.now() - t0} ms`);
}

// A screenshot of one part of a page (a panel below the whole-page cut).
async function shotOf(locator, name) {
  await locator.screenshot({ path: path.join(OUT, name + ".png") });
}

// Fails on the errors logged since the last check, and forgets them (a
// failure is reported by the test it happens in, not by every later one).
function clean(page) {
  const errs = page.errors.splice(0);
  assert(errs.length === 0, "no console or page errors:\n  " + errs.join("\n  "));
}

// ---- set up through the API ----
const stamp = Date.now().toString(36);
const decisionId = "dec_browser_" + stamp;
let approvalId;
let page;
let runId;

test("the console boots against the live API (no demo banner, health ok)", async () => {
  page = await open(BASE + "/");
  assert(await page.getAttribute("body", "data-booted") === "live", "booted live");
  // The page came with the shipped policy: scripts and styles from files
  // only, the same in the Apache site.
  const csp = page.doc.headers()["content-security-policy"];
  assert(CSP && csp === CSP, `the shipped CSP header: ${csp}`);
  const src = (d) => (csp.split(";").map((x) => x.trim()).find((x) => x.startsWith(d + " ")) || "");
  assert(src("script-src") === "script-src 'self'", src("script-src"));
  assert(src("style-src") === "style-src 'self'", src("style-src"));
  assert(CSP_APACHE === CSP, "the Apache site sends the same policy: " + CSP_APACHE);
  assert(await page.isHidden("#banner"), "no demo banner");
  await page.waitForFunction(() => document.getElementById("api-status").textContent === "ok");
  const cfg = await api("GET", "/console/config");
  // Each navigation entry is "not available" exactly when this build
  // serves none of its routes.
  const served = new Map(cfg.endpoint_catalog.map((e) => [e.path, e.available]));
  const nav = await page.$$eval("#nav-list a", (as) => as.map((a) => ({ id: a.dataset.view,
    paths: a.dataset.paths.split(" "), na: a.classList.contains("unavailable"),
    text: a.textContent })));
  assert(nav.length >= 17, "navigation entries: " + nav.length);
  for (const e of nav) {
    const any = e.paths.some((p) => served.get(p) === true);
    assert(e.na === !any, `${e.id}: not-available mark ${e.na}, served ${any}`);
    assert(e.na === e.text.includes("not available"), `${e.id}: label says so`);
  }
  clean(page);
});

test("CSP: an inline script or style is refused and shows as a console error", async () => {
  await page.evaluate(() => {
    const sc = document.createElement("script");
    sc.textContent = "window.cspProbe = 1;";
    document.head.append(sc);
    document.body.setAttribute("style", "outline: 1px solid red");
  });
  // The reports arrive as console events: wait for both (up to 5 s).
  const both = () => ["script-src", "style-src"].every((d) =>
    page.errors.some((e) => e.includes("Content Security Policy") && e.includes(d)));
  for (let i = 0; i < 100 && !both(); i++) await page.waitForTimeout(50);
  const errs = page.errors.splice(0);
  assert(await page.evaluate(() => window.cspProbe === undefined), "the inline script did not run");
  assert(errs.some((e) => /Content Security Policy.*script-src/.test(e)),
    "a refused inline script is a console error (so it fails its test): " + errs.join("; "));
  assert(errs.some((e) => /Content Security Policy.*style-src/.test(e)),
    "a refused inline style is a console error: " + errs.join("; "));
  await page.evaluate(() => document.body.removeAttribute("style"));
  clean(page);
});

test("overview: /aispm/posture with the decision mix and posture-over-time charts", async () => {
  await api("POST", "/api/sandbox/run", {});   // some activity to chart
  await page.reload();
  await page.waitForSelector("body[data-booted]");
  await view(page, "overview");
  const p = await api("GET", "/aispm/posture");
  const total = await page.textContent("figure:first-of-type svg text");
  assert(+total === p.overview.total_decisions, `donut total ${total} = ${p.overview.total_decisions}`);
  assert(await page.locator("figure svg rect").count() > 0, "bars over time");
  assert(await page.locator("figure svg circle[r='3.5']").count() > 0, "posture line over time");
  assert((await page.textContent("main")).includes(String(p.overview.risk_level)), "risk level shown");
  await shot(page, "overview");
  clean(page);
});

test("sandbox: start a run and see its 7 decisions, view and download evidence", async () => {
  await view(page, "sandbox");
  await page.click("#start-run");
  await page.waitForSelector(".run .run-id");
  runId = await page.textContent(".run .run-id");
  const rows = await page.locator(".run table tbody tr").count();
  assert(rows === 7, "7 decision rows, got " + rows);
  const run = await api("GET", "/api/sandbox/runs/" + runId);
  assert(run.events.length === 7, "the API has the run with 7 events");
  const shown = await page.$$eval(".run table tbody tr td:nth-child(4)", (t) => t.map((x) => x.textContent));
  assert(JSON.stringify(shown) === JSON.stringify(run.events.map((e) => e.decision)),
    "the decisions shown are the run's: " + shown.join(","));
  await page.click("text=View pr-attestation.md");
  await page.waitForSelector("pre.artifact:not([hidden])");
  assert((await page.textContent("pre.artifact")).length > 0, "attestation previewed");
  const [dl] = await Promise.all([page.waitForEvent("download"),
    page.click("text=Download evidence (evidence.json)")]);
  assert(dl.suggestedFilename() === "evidence.json", "download name " + dl.suggestedFilename());
  const file = path.join(OUT, "sandbox-evidence.json");
  await dl.saveAs(file);
  const ev = JSON.parse(fs.readFileSync(file, "utf8"));
  assert(JSON.stringify(ev).includes(runId), "evidence.json names the run");
  await shot(page, "sandbox");
  clean(page);
});

test("activity: filter decisions by session and outcome, open a decision", async () => {
  await view(page, "activity");
  const form = page.locator('form[aria-label="Decisions filters"]');
  await form.locator('input[name="session_id"]').fill(runId);
  await form.locator('select[name="decision"]').selectOption("block");
  await form.locator('button[type="submit"]').click();
  const want = (await api("GET", `/decisions?session_id=${runId}&decision=block`)).total;
  assert(want > 0, "the run has blocked decisions");
  const list = page.locator('section[aria-label="Decisions"]');
  await list.locator(".count", { hasText: `of ${want}` }).waitFor();
  const outcomes = await list.locator("tbody tr td:nth-child(4)").allTextContents();
  assert(outcomes.length === want && outcomes.every((d) => d === "block"),
    `only ${want} blocked decisions: ${outcomes.join(",")}`);
  await list.locator("tbody tr button").first().click();
  await page.waitForSelector("section.detail dl.kv");
  const detail = await page.textContent("section.detail");
  assert(detail.includes(runId) && detail.includes("rule_id"), "decision detail");
  await shot(page, "activity");
  clean(page);
});

test("approvals: approve a pending approval; the API records actor and reason", async () => {
  const a = await api("POST", "/approvals", { decision: { decision_id: decisionId,
    session_id: "browser", reason: "needs a human", action_type: "execute_command",
    target: "terraform apply" }, approver_group: "Browser Testers" });
  approvalId = a.approval_id;
  await view(page, "approvals");
  const form = page.locator('form[aria-label="Approvals filters"]');
  await form.locator('input[name="approver_group"]').fill("Browser Testers");
  await form.locator('button[type="submit"]').click();
  const list = page.locator('section[aria-label="Approvals"]');
  await list.locator("button", { hasText: approvalId }).click();
  const decide = page.locator("form.decide");
  await decide.locator('input[name="actor"]').fill("reviewer@example.com");
  await decide.locator('input[name="reason"]').fill("checked in the browser");
  await decide.locator('button[data-act="approve"]').click();
  await page.locator("section.detail .d-approved").first().waitFor();
  const got = await api("GET", "/approvals/" + approvalId);
  assert(got.state === "approved", "state " + got.state);
  assert(got.decided_by === "reviewer@example.com", "decided_by " + got.decided_by);
  assert(got.decision_reason === "checked in the browser", "reason " + got.decision_reason);
  const hist = await page.textContent("section.detail");
  assert(hist.includes("reviewer@example.com"), "audit history shows the actor");
  await shot(page, "approvals");
  clean(page);
});

test("approvals: an API error is shown with its problem detail", async () => {
  page.allowed.push(/status of 400/);
  const bg = page.locator('form[aria-label="Create break-glass"]');
  await bg.locator('input[name="decision_id"]').fill(decisionId + "-bg");
  await bg.locator('input[name="reason"]').fill("outage");
  await bg.locator('button[type="submit"]').click();
  const err = page.locator('section[aria-label="Break-glass"] .error');
  await err.waitFor();
  assert((await err.textContent()).includes("actor is required"), await err.textContent());
  page.allowed.pop();
  clean(page);
});

test("evidence: search metadata and open an artifact", async () => {
  await api("POST", "/evidence", { session_id: "oa-session", signer: "ci@example.com",
    decision_count: 3, blocked_count: 1 });
  const want = (await fetch(BASE + "/evidence/oa-session/artifacts/pr-attestation.md")
    .then((r) => r.text())).trim();
  await view(page, "evidence");
  const form = page.locator('form[aria-label="Evidence metadata filters"]');
  await form.locator('input[name="session_id"]').fill("oa-session");
  await form.locator('button[type="submit"]').click();
  const list = page.locator('section[aria-label="Evidence metadata"]');
  await list.locator(".count", { hasText: "of 1" }).waitFor();
  await list.locator("button", { hasText: "oa-session" }).click();
  await page.locator("section.detail button", { hasText: "pr-attestation.md" }).click();
  const body = page.locator("pre.artifact-body");
  await body.waitFor();
  assert((await body.textContent()).trim() === want, "artifact content is the API's");
  assert((await page.textContent("section.detail")).includes("sha256"), "checksum shown");
  await shot(page, "evidence");
  clean(page);
});

test("inventory: a repository and its policy rollout, with the rollout detail", async () => {
  const repo = "browser/" + stamp;
  await api("POST", "/repositories", { repository_id: repo, provider: "github",
    owner: "browser-team", policy_pack: "cavra-ai-agent-baseline" });
  const ro = await api("POST", "/policy-rollouts", { repository: repo,
    policy_pack: "cavra-ai-agent-baseline", owner: "browser-team" });
  await view(page, "inventory");
  const form = page.locator('form[aria-label="Policy rollouts filters"]');
  await form.locator('input[name="repository"]').fill(repo);
  await form.locator('button[type="submit"]').click();
  const list = page.locator('section[aria-label="Policy rollouts"]');
  await list.locator(".count", { hasText: "of 1" }).waitFor();
  await list.locator("button", { hasText: ro.rollout_id }).click();
  await page.locator("section.detail h4", { hasText: "policy_pack" }).waitFor();
  const detail = await page.textContent("section.detail");
  assert(detail.includes(repo) && detail.includes("browser-team"), "rollout detail with its repository");
  await shot(page, "inventory-rollout");
  clean(page);
});

// Fills the named fields of a form (selects by value, the rest typed).
async function fillForm(form, values) {
  for (const [k, v] of Object.entries(values)) {
    const el = form.locator(`[name="${k}"]`);
    if (await el.evaluate((x) => x.tagName) === "SELECT") await el.selectOption(v);
    else await el.fill(v);
  }
}

// Every control of a form has a label.
async function labelled(form) {
  const bare = await form.locator("input, select, textarea").evaluateAll((els) =>
    els.filter((e) => !e.labels || e.labels.length === 0).map((e) => e.name));
  assert(bare.length === 0, "controls without a label: " + bare.join(", "));
}

// The list fields of the forms (comma-separated in the page, arrays in
// the API).
const LISTS = ["capabilities", "protected_branches"];

// The record forms: view, form title, values, list title, a filter that
// finds the record alone, the record's id, how the API returns it.
const owner = "browser-owner-" + stamp;
const RECORDS = [
  ["agents", "Register or update an agent", { agent_id: "browser-agent-" + stamp,
    vendor: "Anthropic", owner, status: "active", risk_tier: "high",
    capabilities: "code_edit, test" }, "Agents", { owner }, "browser-agent-" + stamp,
  (id) => api("GET", "/agents/" + id)],
  ["mcp", "Register or update an MCP server", { server_id: "browser-mcp-" + stamp,
    name: "Browser MCP", trust_tier: "approved", approval_state: "approved", owner,
    capabilities: "repository, cap-" + stamp }, "MCP servers",
  { capability: "cap-" + stamp }, "browser-mcp-" + stamp,
  (id) => api("GET", "/mcp/servers/" + id)],
  ["inventory", "Register or update a repository", { repository_id: "browser-form/" + stamp,
    provider: "gitlab", owner, environment: "production", risk_tier: "critical",
    protected_branches: "main, release/*" }, "Repositories", { owner },
  "browser-form/" + stamp, (id) => api("GET", "/repositories/" + id)],
  ["integrations", "Register or update an integration", { provider: "splunk",
    integration_id: "browser-int-" + stamp, name: "Splunk (browser)", category: "siem",
    status: "active", owner, capabilities: "decision_events" }, "Integrations", { owner },
  "browser-int-" + stamp, (id) => api("GET", "/integrations/" + id)],
  ["inventory", "Create or update a policy rollout", { repository: "browser-form/" + stamp,
    policy_pack: "cavra-ai-agent-baseline", mode: "audit_only", state: "active", owner,
    coverage_percent: "60" }, "Policy rollouts", { repository: "browser-form/" + stamp },
  "browser-form/" + stamp + ":cavra-ai-agent-baseline",
  (id) => api("GET", "/policy-rollouts/" + encodeURIComponent(id))],
];

test("authoring: an agent, MCP server, repository, integration and policy rollout " +
    "created through their forms are listed and stored", async () => {
  for (const [id, title, values, listTitle, filter, recId, fetchRec] of RECORDS) {
    await view(page, id);
    const form = page.locator(`form.record[aria-label="${title}"]`);
    await labelled(form);
    await fillForm(form, values);
    // The MCP server from the keyboard: Enter in a field submits.
    if (id === "mcp") await form.locator('[name="name"]').press("Enter");
    else await form.locator('button[type="submit"]').click();
    const panel = page.locator(`section[aria-label="${title}"]`);
    await panel.locator(".notice", { hasText: "Saved" }).waitFor();
    assert((await panel.textContent(".notice")).includes(recId), await panel.textContent(".notice"));
    const list = page.locator(`section[aria-label="${listTitle}"]`);
    const filters = list.locator("form.filters");
    await fillForm(filters, filter);
    await filters.locator('button[type="submit"]').click();
    await list.locator(".count", { hasText: "of 1" }).waitFor();
    assert(await list.locator("tbody tr button", { hasText: recId }).count() === 1,
      `${listTitle} lists ${recId}`);
    const rec = await fetchRec(recId);
    for (const [k, v] of Object.entries(values)) {
      const want = LISTS.includes(k) ? v.split(",").map((x) => x.trim()) :
        k === "coverage_percent" ? +v : v;
      assert(JSON.stringify(rec[k]) === JSON.stringify(want),
        `${recId}: ${k} ${JSON.stringify(rec[k])}, want ${JSON.stringify(want)}`);
    }
    await shot(page, "form-" + title.split(" ").pop());
  }
  clean(page);
});

test("authoring: a stored agent opens in its form and is updated", async () => {
  const id = RECORDS[0][5];
  await view(page, "agents");
  const list = page.locator('section[aria-label="Agents"]');
  await fillForm(list.locator("form.filters"), { owner });
  await list.locator('form.filters button[type="submit"]').click();
  await list.locator("tbody tr button", { hasText: id }).click();
  await page.locator("section.detail button", { hasText: "Edit this record" }).click();
  const form = page.locator('form.record[aria-label="Register or update an agent"]');
  assert(await form.locator('[name="agent_id"]').inputValue() === id, "the form holds the record");
  assert(await form.locator('[name="capabilities"]').inputValue() === "code_edit, test",
    "lists joined with commas");
  assert(await page.evaluate(() => document.activeElement.name) === "agent_id", "focus in the form");
  await form.locator('[name="status"]').selectOption("disabled");
  await form.locator('button[type="submit"]').click();
  await page.locator('section[aria-label="Register or update an agent"] .notice').waitFor();
  await page.locator("section.detail dd", { hasText: "disabled" }).waitFor();
  const rec = await api("GET", "/agents/" + id);
  assert(rec.status === "disabled" && rec.vendor === "Anthropic" &&
    rec.capabilities.join() === "code_edit,test", "updated, the rest kept: " + JSON.stringify(rec));
  clean(page);
});

test("authoring: a validation error shows the API's detail and marks its field", async () => {
  page.allowed.push(/status of 400/);
  await view(page, "agents");
  const form = page.locator('form.record[aria-label="Register or update an agent"]');
  await form.locator('button[type="reset"]').click();
  await form.locator('[name="vendor"]').fill("Nobody");
  await form.locator('button[type="submit"]').click();
  const err = page.locator('section[aria-label="Register or update an agent"] .error');
  await err.waitFor();
  const want = (await fetch(BASE + "/agents", { method: "POST", headers:
    { "content-type": "application/json" }, body: '{"vendor": "Nobody"}' }).then((r) => r.json()));
  assert((await err.textContent()).includes(want.detail), `detail ${want.detail}: ` +
    await err.textContent());
  const input = form.locator('[name="agent_id"]');
  assert(await input.getAttribute("aria-invalid") === "true", "agent_id marked invalid");
  const msg = form.locator(".field-error");
  assert(await msg.textContent() === want.errors[0].message, "errors[] message at its field");
  assert((await input.getAttribute("aria-describedby")).includes(await msg.getAttribute("id")),
    "the field's description is its error");
  assert(await page.evaluate(() => document.activeElement.name) === "agent_id",
    "focus moved to the invalid field");
  await shot(page, "form-error");
  page.allowed.pop();
  clean(page);
});

test("SLA: acknowledge a remediation SLA report's notification", async () => {
  const rep = await api("POST", "/endpoint-remediation-sla/report", { generated_by: "browser" });
  const rid = rep.report_id;
  await view(page, "sla");
  const list = page.locator('section[aria-label="SLA reports"]');
  await list.locator("tbody tr button", { hasText: rid }).click();
  const form = page.locator(`form.record[aria-label="Acknowledge SLA notification ${rid}"]`);
  await labelled(form);
  await fillForm(form, { provider: "webhook", acknowledged_by: "sla-" + stamp + "@example.com",
    acknowledgement_state: "resolved", notes: "fixed in the browser" });
  await form.locator('button[type="submit"]').click();
  await page.locator("section.detail .notice", { hasText: "Acknowledged" }).waitFor();
  const acks = await api("GET", "/endpoint-remediation-sla-notifications?report_id=" + rid +
    "&metadata_kind=endpoint-remediation-sla-notification-ack");
  assert(acks.total === 1, "one acknowledgement stored: " + acks.total);
  const a = acks.items[0];
  assert(a.acknowledgement_state === "resolved" && a.provider === "webhook" &&
    JSON.stringify(a).includes("sla-" + stamp + "@example.com"), JSON.stringify(a));
  const notes = page.locator('section[aria-label="Notification plans, deliveries and acknowledgements"]');
  await notes.locator("tbody tr td", { hasText: "endpoint-remediation-sla-notification-ack" })
    .first().waitFor();
  await shotOf(page.locator("section.detail"), "sla-acknowledged");
  clean(page);
});

const GP = "/runtime/go-pilot/rollback-drill-notifications";
const AD = GP + "/acknowledgements/audit-delivery";
test("drills: acknowledge a rollback drill notification picked in the history", async () => {
  const d = await api("POST", GP + "/deliver", {});
  const planId = d.plan.plan_id;
  await view(page, "drills");
  const hist = page.locator('section[aria-label="Notification and connector delivery history"]');
  await hist.locator("tbody tr", { has: page.locator("td", { hasText: planId }) })
    .locator("button").click();
  const form = page.locator('form.record[aria-label="Acknowledge a drill notification"]');
  assert(await form.locator('[name="schedule_id"]').inputValue() === d.plan.schedule_id,
    "the schedule of the picked plan");
  assert(await form.locator('[name="plan_id"]').inputValue() === planId, "the picked plan");
  await labelled(form);
  const who = "drill-" + stamp + "@example.com";
  await fillForm(form, { provider: "webhook", acknowledged_by: who,
    acknowledgement_state: "acknowledged" });
  await form.locator('button[type="submit"]').click();
  await page.locator('section[aria-label="Acknowledge a drill notification"] .notice').waitFor();
  const h = await api("GET", GP + "?limit=50");
  const ack = h.items.find((x) => x.metadata_kind === "go-backend-rollback-drill-notification-ack" &&
    x.plan_id === planId);
  assert(ack && ack.signer === who && ack.schedule_id === d.plan.schedule_id,
    "the acknowledgement is stored: " + JSON.stringify(ack));
  await shotOf(page.locator('section[aria-label="Acknowledge a drill notification"]'),
    "drills-acknowledged");
  clean(page);
});

test("drills: approve a retry execution of a failed audit delivery", async () => {
  const dl = "browser-dl-" + stamp;
  await api("POST", "/evidence", { session_id: "rcd-" + dl,
    created_at: "2020-01-01T00:00:00.000000+00:00", metadata_kind: "release-connector-delivery",
    connector_delivery_source: "go_backend_rollback_drill_acknowledgement_audit", event_id: dl,
    delivery_id: dl, audit_id: "audit-" + dl, delivery_success: false, providers: ["webhook"],
    failed_providers: ["webhook"], status_codes: [500] });
  await api("POST", AD + "/retry-plan", {});
  await view(page, "drills");
  const box = page.locator('section[aria-label="Retry execution approvals"]');
  await box.locator('[name="require_retry_ack"]').uncheck();
  await box.locator('button[type="submit"]').click();
  const row = box.locator(".retry-plan tbody tr", { has: page.locator("td", { hasText: dl }) });
  await row.waitFor();
  // Without an actor the API refuses, and says why.
  page.allowed.push(/status of 400/);
  await row.locator('button[data-act="approve"]').click();
  await box.locator(".error", { hasText: "decided_by" }).waitFor();
  page.allowed.pop();
  const who = "cab-" + stamp + "@example.com";
  await box.locator('form[aria-label="Retry decision actor"] [name="decided_by"]').fill(who);
  await row.locator('button[data-act="approve"]').click();
  await row.locator(".d-approved").waitFor();
  assert((await row.textContent()).includes(who), "the decision shows its actor");
  const plan = await api("POST", AD + "/retry-execution-approval-plan",
    { approval_policy: { require_retry_ack: false } });
  const r = plan.approval_plan.approval_decisions.find((x) => x.delivery_id === dl);
  assert(r && r.approval_action === "already_approved", "the API has the approval: " +
    JSON.stringify(r));
  await shotOf(box, "drills-retry-approved");
  clean(page);
});

const OTHER = ["inventory", "integrations", "agents", "mcp", "releases", "exports",
  "freshness", "drift", "sla", "recurrence", "drills", "session", "config"];
test("every other view renders without an error: " + OTHER.join(", "), async () => {
  for (const id of OTHER) {
    await view(page, id);
    const errs = await page.locator("main .error").allTextContents();
    assert(errs.length === 0, `${id}: ${errs.join("; ")}`);
    const text = await page.textContent("main");
    assert(!/\[object |undefined|NaN/.test(text), `${id}: no unrendered values`);
    await shot(page, id);
  }
  // The profiles and classifications are the API's.
  await view(page, "agents");
  const prof = await api("GET", "/agents/profiles");
  const rows = await page.locator('section[aria-label="Predefined agent profiles"] tbody tr').count();
  assert(rows === prof.items.length, `profiles ${rows} = ${prof.items.length}`);
  await view(page, "config");
  assert((await page.textContent("main")).includes("/api/sandbox/run"), "endpoint catalog");
  clean(page);
});

test("keyboard: the navigation is reachable with Tab and opens a view with Enter", async () => {
  await page.goto(BASE + "/#/overview");
  await page.waitForSelector("main[data-ready]");
  let found = false;
  for (let i = 0; i < 40 && !found; i++) {
    await page.keyboard.press("Tab");
    found = await page.evaluate(() => document.activeElement &&
      document.activeElement.dataset.view === "approvals");
  }
  assert(found, "Tab reaches the Approvals link");
  await page.keyboard.press("Enter");
  await page.waitForSelector('main[data-view="approvals"][data-ready="1"]');
  clean(page);
});

const ACCESS = process.env.CAVRA_TEST_ACCESS_BASE;
const TOKEN = process.env.CAVRA_TEST_ACCESS_TOKEN;
test("access control on: the console asks for a token, then shows the role's rights", async () => {
  assert(ACCESS && TOKEN, "CAVRA_TEST_ACCESS_BASE and CAVRA_TEST_ACCESS_TOKEN are set");
  const acc = await context.newPage();
  acc.errors = [];
  // Expected failed loads: /console/config without a token (401), the
  // role probe's refused write (403).
  let expect = /status of 401/;
  acc.on("console", (m) => {
    if (m.type() === "error" && !expect.test(m.text())) acc.errors.push("console: " + m.text());
  });
  acc.on("pageerror", (e) => acc.errors.push("page error: " + e.message));
  await acc.goto(ACCESS + "/");
  await acc.waitForSelector("body[data-booted]");
  assert((await acc.textContent("#banner")).includes("needs a bearer token"), "asks for a token");
  await acc.evaluate(() => { location.hash = "#/session"; });
  await acc.waitForSelector('main[data-view="session"][data-ready="1"]');
  expect = /status of 40[13]/;
  await acc.fill("#token", TOKEN);
  await acc.click("text=Use token");
  await acc.waitForSelector('body[data-booted="live"]');
  assert(await acc.isHidden("#banner"), "no banner once the token is accepted");
  assert(await acc.evaluate(() => sessionStorage.getItem("cavra.console.token")) === TOKEN,
    "the token is kept in sessionStorage");
  await acc.waitForSelector('main[data-view="session"][data-ready="1"]');
  await acc.click("text=What may this token do?");
  await acc.locator("p.role strong").waitFor();
  assert(await acc.textContent("p.role strong") === "reader", "the role: " +
    await acc.textContent("p.role"));
  await shot(acc, "session-access");
  // The token reaches the API: a read answers.
  await acc.evaluate(() => { location.hash = "#/activity"; });
  await acc.waitForSelector('main[data-view="activity"][data-ready="1"]');
  await acc.locator('section[aria-label="Decisions"] .count').waitFor();
  assert(await acc.locator("main .error").count() === 0, "reads work with the token");
  // A reader is offered no writes: the record forms, the approval acts
  // and the drill acts are notes instead.
  for (const [id, what] of [["agents", "Register or update an agent"],
    ["inventory", "Create or update a policy rollout"], ["approvals", "Create break-glass"],
    ["drills", "Plan retry execution approvals"], ["sandbox", "Start a run"]]) {
    await acc.evaluate((v) => { location.hash = "#/" + v; }, id);
    await acc.waitForSelector(`main[data-view="${id}"][data-ready="1"]`);
    assert(await acc.locator("main form.record").count() === 0, id + ": no record form");
    assert(await acc.locator("main .write-off", { hasText: what }).count() === 1,
      `${id}: "${what}" is not offered: ${await acc.textContent("main")}`);
  }
  assert(await acc.locator("#start-run").count() === 0, "no Start run button");
  await shot(acc, "reader-sandbox");
  clean(acc);
  await acc.close();
});

test("standalone demo: www/ served without an API shows sample data and says so", async () => {
  const srv = http.createServer((req, res) => {
    const u = new URL(req.url, "http://x").pathname;
    const f = path.resolve(WWW, "." + (u === "/" ? "/index.html" : u));
    const types = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css" };
    if (!f.startsWith(WWW + path.sep) || !fs.existsSync(f) || !fs.statSync(f).isFile()) {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("not found");
      return;
    }
    res.writeHead(200, { "content-type": types[path.extname(f)] || "application/octet-stream",
      "content-security-policy": CSP });
    fs.createReadStream(f).pipe(res);
  });
  await new Promise((r) => srv.listen(0, "127.0.0.1", r));
  try {
    const url = `http://127.0.0.1:${srv.address().port}/`;
    const demo = await context.newPage();
    demo.errors = [];
    demo.on("console", (m) => {
      // The one failed load: the console's probe of /console/config.
      if (m.type() === "error" && !/status of 404/.test(m.text()))
        demo.errors.push("console: " + m.text());
    });
    demo.on("pageerror", (e) => demo.errors.push("page error: " + e.message));
    const doc = await demo.goto(url);
    assert(doc.ok(), `the static server serves index.html: ${doc.status()}`);
    await demo.waitForSelector('body[data-booted="demo"]');
    assert((await demo.textContent("#banner")).includes("Demo mode"), "demo banner");
    await demo.waitForSelector('main[data-ready="1"]');
    assert(+(await demo.textContent("figure svg text")) > 0, "sample posture chart");
    const na = await demo.textContent('#nav-list a[data-view="recurrence"]');
    assert(na.includes("not available"), "an unserved family is marked: " + na);
    await shot(demo, "demo-overview");
    await demo.evaluate(() => { location.hash = "#/sandbox"; });
    await demo.waitForSelector('main[data-view="sandbox"][data-ready="1"]');
    await demo.click("#start-run");
    await demo.waitForSelector(".run .run-id");
    assert(await demo.locator(".run table tbody tr").count() === 7, "7 sample decisions");
    await shot(demo, "demo-sandbox");
    // The record forms work on the sample data.
    await demo.evaluate(() => { location.hash = "#/agents"; });
    await demo.waitForSelector('main[data-view="agents"][data-ready="1"]');
    const form = demo.locator('form.record[aria-label="Register or update an agent"]');
    await form.locator('[name="agent_id"]').fill("demo-agent");
    await form.locator('button[type="submit"]').click();
    await demo.locator('section[aria-label="Agents"] tbody tr button', { hasText: "demo-agent" })
      .waitFor();
    clean(demo);
  } finally {
    srv.close();
  }
});

console.log("1.." + tests.length);
for (const [name, fn] of tests) {
  n++;
  const t0 = Date.now();
  if (page) page.errors.splice(0);
  try {
    await fn();
    console.log(`ok ${n} - ${name} (${Date.now() - t0} ms)`);
  } catch (e) {
    failed = 1;
    console.log(`not ok ${n} - ${name}`);
    for (const l of String(e && e.stack || e).split("\n").slice(0, 12)) console.log("# " + l);
    if (page) {
      try { await shot(page, `failed-${n}`); } catch (e2) { /* none */ }
    }
  }
}
await browser.close();
process.exit(0);
