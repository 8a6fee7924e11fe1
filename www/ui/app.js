// The console: navigation (hash routes), the API status and the demo
// banner.  A view whose routes this build does not serve (GET
// /console/config's endpoint_catalog) is marked "not available".
import { boot, state, served, get, getToken, findRole } from "./api.js";
import { h, errorBox } from "./ui.js";
import * as v from "./views.js";
import * as ops from "./ops.js";

// id, label, the routes of the family (any one served makes it
// available), view.
export const VIEWS = [
  ["overview", "Posture overview", ["/aispm/posture"], v.overview],
  ["sandbox", "Sandbox runs", ["/api/sandbox/run"], v.sandbox],
  ["activity", "Sessions and decisions", ["/sessions", "/decisions"], v.activity],
  ["inventory", "Repositories and rollouts", ["/repositories", "/policy-rollouts"], v.inventory],
  ["integrations", "Integrations", ["/integrations"], v.integrations],
  ["evidence", "Evidence", ["/evidence"], v.evidence],
  ["approvals", "Approvals", ["/approvals"], v.approvals],
  ["agents", "Agent registry", ["/agents", "/agents/profiles"], v.agents],
  ["mcp", "MCP trust", ["/mcp/servers", "/mcp/tool-classifications"], v.mcp],
  ["releases", "Promotions and rollbacks", ["/release-channel-promotions",
    "/promotion-executions"], ops.releases],
  ["exports", "Endpoint exports", ["/endpoint-management-exports"], ops.exports],
  ["freshness", "Inventory freshness", ["/endpoint-inventory-freshness"], ops.freshness],
  ["drift", "Drift and remediation", ["/endpoint-reconciliations",
    "/endpoint-remediations"], ops.drift],
  ["sla", "SLA and escalations", ["/endpoint-remediation-sla-reports",
    "/endpoint-remediation-sla-escalations"], ops.sla],
  ["recurrence", "Escalation recurrences",
    ["/endpoint-remediation-sla-escalation-recurrences"], ops.recurrence],
  ["drills", "Rollback drills", ["/runtime/go-pilot/rollback-drill-schedule",
    "/runtime/go-pilot/rollback-drill-notifications"], ops.drills],
  ["session", "Console session", ["/console/session"], v.session],
  ["config", "Configuration", ["/console/config"], v.config],
];

const available = (paths) => paths.some((p) => served(p));

function banner(text, cls) {
  const b = document.getElementById("banner");
  b.textContent = text;
  b.className = cls || "";
  b.hidden = false;
}

function drawNav(current) {
  const ul = document.getElementById("nav-list");
  ul.replaceChildren(...VIEWS.map(([id, label, paths]) => {
    const ok = bootError ? true : available(paths);
    const a = h("a", { href: "#/" + id, "data-view": id, "data-paths": paths.join(" "),
      class: ok ? null : "unavailable",
      "aria-current": id === current ? "page" : null }, label,
      ok ? null : h("span.na", {}, "not available"));
    return h("li", {}, a);
  }));
}

let bootError = null;

let routes = 0;   // the latest route(): an older one's view no longer marks main

// Draws the view of location.hash into main, and marks main data-ready
// (what tests wait for) once the view has drawn, or said why it cannot.
async function route() {
  const gen = ++routes;
  const id = (location.hash.replace(/^#\/?/, "").split("?")[0]) ||
    (bootError ? "session" : "overview");
  const view = VIEWS.find((x) => x[0] === id) || VIEWS[0];
  drawNav(view[0]);
  const main = document.getElementById("main");
  main.replaceChildren();
  delete main.dataset.ready;
  main.dataset.view = view[0];
  document.title = view[1] + " · CAVRA console";
  if (bootError && view[0] !== "session") {
    main.append(h("h2", {}, view[1]), errorBox(bootError),
      h("p", {}, "Paste a token in ", h("a", { href: "#/session" }, "Console session"), "."));
  } else if (!bootError && !available(view[2])) {
    main.append(h("h2", {}, view[1]),
      h("p.section-na", {}, "Not available: this build serves none of " +
        view[2].join(", ") + " (GET /console/config)."));
  } else {
    try {
      await view[3](main);
    } catch (e) {
      main.append(errorBox(e));
    }
  }
  if (gen === routes) main.dataset.ready = "1";
}

async function status() {
  const s = document.getElementById("api-status");
  if (state.demo) {
    s.textContent = "not reachable (demo data)";
    s.className = "d-warn";
    return;
  }
  try {
    const hh = await get("/health");
    s.textContent = hh.status === "ok" ? "ok" : "unexpected answer";
    s.className = hh.status === "ok" ? "d-ok" : "d-block";
    const ver = await get("/version");
    document.getElementById("api-version").textContent = `${ver.name} ${ver.version}`;
  } catch (e) {
    s.textContent = "error: " + (e.detail || e.message);
    s.className = "d-block";
  }
}

// Boots, and always marks the body as booted ("live", "demo" or
// "failed", with the error shown): a page that cannot start says so
// instead of staying on "Loading…".
async function start() {
  try {
    await begin();
    document.body.dataset.booted = state.demo ? "demo" : "live";
  } catch (e) {
    document.getElementById("main").replaceChildren(errorBox(e));
    document.body.dataset.booted = "failed";
  }
}

async function begin() {
  const b = await boot();
  if (b.auth) {
    bootError = b.auth;
    banner(getToken() ? "The API refused this token: " + b.auth.detail :
      "This API needs a bearer token (access control is on): paste one in Console session.",
    "auth");
    // Every route is offered until the token is known.
    state.served.set("/console/session", true);
  } else if (state.demo) {
    banner("Demo mode: no CAVRA API answered, so the console shows built-in sample " +
      "data. Actions change only this page.");
  } else {
    try {
      await findRole();
    } catch (e) {
      // Unknown rights: offer no writes (the API would check them anyway).
      state.canWrite = false;
    }
  }
  window.addEventListener("hashchange", route);
  await Promise.all([status(), route()]);
}

start();
