// The console's one way to the API: same origin (or the api_base_url of
// GET /console/config), the bearer token of this browser tab, problem+json
// errors, and the built-in sample data when no API answers.
import { sampleAnswer } from "./sample.js";

const TOKEN_KEY = "cavra.console.token";

export const state = {
  demo: false,        // no API answered: sample data
  base: "",           // API base URL ("" = this origin)
  config: null,       // GET /console/config
  served: new Map(),  // path template -> available (endpoint_catalog)
  authNeeded: false,  // the API answered 401 without a token
  role: null,         // the token's role under API access control, if probed
  canWrite: true,     // whether to offer the forms and acts that change records
};

export class ApiError extends Error {
  constructor(status, problem) {
    const detail = (problem && (problem.detail || problem.title)) ||
      `HTTP ${status}`;
    super(detail);
    this.status = status;
    this.problem = problem || null;
    this.detail = detail;
  }
}

export function getToken() {
  return sessionStorage.getItem(TOKEN_KEY) || "";
}

export function setToken(t) {
  if (t) sessionStorage.setItem(TOKEN_KEY, t);
  else sessionStorage.removeItem(TOKEN_KEY);
}

export function qs(query) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(query || {}))
    if (v !== undefined && v !== null && v !== "") p.set(k, String(v));
  const s = p.toString();
  return s ? "?" + s : "";
}

// Path template of the catalog with {params} filled in, each encoded.
export function fill(tmpl, params) {
  return tmpl.replace(/\{(\w+)\}/g, (_, k) => encodeURIComponent(params[k]));
}

// Whether this build serves the route template (GET /console/config's
// endpoint_catalog); unknown templates count as not served.
export function served(tmpl) {
  return state.served.get(tmpl) === true;
}

function headers(body) {
  const h = { Accept: "application/json" };
  const t = getToken();
  if (t) h.Authorization = "Bearer " + t;
  if (body !== undefined) h["Content-Type"] = "application/json";
  return h;
}

// api(method, path, {query, body, raw}): the parsed JSON answer, or the
// Response itself with raw (downloads).  Throws ApiError with the
// problem's detail on an error status.
export async function api(method, path, opts = {}) {
  const { query, body, raw } = opts;
  if (state.demo)
    return sampleAnswer(method, path, query || {}, body, ApiError, raw);
  const r = await fetch(state.base + path + qs(query), {
    method, headers: headers(body),
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!r.ok) {
    let problem = null;
    try { problem = await r.json(); } catch (e) { problem = null; }
    throw new ApiError(r.status, problem);
  }
  if (raw) return r;
  return r.json();
}

export const get = (path, query) => api("GET", path, { query });
export const post = (path, body) => api("POST", path, { body });

// Starts the console: the configuration, or demo mode when nothing
// answers as the API would (a fetch that fails, or an answer that is not
// the console configuration, as from a plain static file server).
export async function boot() {
  let cfg = null;
  try {
    const r = await fetch("/console/config", { headers: headers() });
    if (r.status === 401) {
      state.authNeeded = true;
      let problem = null;
      try { problem = await r.json(); } catch (e) { problem = null; }
      return { auth: new ApiError(401, problem) };
    }
    if (r.ok && (r.headers.get("content-type") || "").includes("json"))
      cfg = await r.json();
    if (cfg && !cfg.endpoints) cfg = null;
  } catch (e) {
    cfg = null;
  }
  if (!cfg) {
    state.demo = true;
    cfg = await sampleAnswer("GET", "/console/config", {}, undefined,
      ApiError);
  }
  useConfig(cfg);
  return { config: cfg };
}

export function useConfig(cfg) {
  state.config = cfg;
  state.base = (!state.demo && cfg.api_base_url) ?
    cfg.api_base_url.replace(/\/$/, "") : "";
  state.served.clear();
  for (const e of cfg.endpoint_catalog || [])
    state.served.set(e.path, !!e.available);
  // An older answer without the catalog: its endpoint map.
  if (!cfg.endpoint_catalog)
    for (const p of Object.values(cfg.endpoints || {}))
      state.served.set(p, true);
}

// The role of the token, from answers that need no write: the API checks
// access before it reads a body, so an invalid body answers 403 to a role
// without the right and a 4xx validation error to one with it (each probe
// shows in the browser log as a failed load).  Throws ApiError on 401.
export async function probeRole() {
  const can = async (method, path) => {
    try {
      await api(method, path, { body: method === "POST" ? [] : undefined });
      return true;
    } catch (e) {
      if (e.status === 401) throw e;
      return e.status !== 403;
    }
  };
  if (!await can("GET", "/console/config")) return "agent";
  if (!await can("POST", "/agents")) return "reader";
  if (!await can("POST", "/policy-packs/publish")) return "operator";
  return "admin";
}

// Whether the console offers writes (state.canWrite): always in the demo
// and without API access control; under it (a token, and GET
// /console/security-boundary says api_access is configured) only to a
// token whose role may write the registry, inventory and integrations
// (operator or admin: one probe, a refused POST /agents).
export async function findRole() {
  state.role = null;
  state.canWrite = true;
  if (state.demo || !getToken() || !served("/console/security-boundary")) return;
  const b = await get("/console/security-boundary");
  if (!(b.api_access && b.api_access.configured)) return;
  let write = true;
  try {
    await api("POST", "/agents", { body: [] });
  } catch (e) {
    if (e.status === 401) throw e;
    write = e.status !== 403;
  }
  state.role = write ? "operator or admin" : "reader or agent";
  state.canWrite = write;
}
