// Forms that change records: the registry, inventory and integration
// records (create or update through their POST routes, described as data
// in RECORDS) and the acts of the endpoint and go-pilot views.  Each is
// offered only when the console may write (state.canWrite); the API
// checks every request again.  Errors show the problem's detail, and
// each entry of its errors[] marks the field its path names.
import { post, served, state } from "./api.js";
import { h, field, errorBox, notice } from "./ui.js";

const LEVELS = ["", "low", "medium", "high", "critical"];
const DEFAULT = "(the API's default)";

// The record forms: POST path, title, the field naming a record, and the
// fields (name, label, required, options whose "" is the API's default,
// list: comma-separated into an array, type, hint).  The vocabularies
// are the ones the responders accept.
export const RECORDS = {
  agent: { path: "/agents", title: "Register or update an agent", id: "agent_id",
    fields: [
      { name: "agent_id", label: "Agent id", required: true },
      { name: "vendor", label: "Vendor" },
      { name: "type", label: "Type", placeholder: "coding-agent" },
      { name: "version", label: "Version" },
      { name: "owner", label: "Owner" },
      { name: "status", label: "Status", options: ["", "active", "disabled", "retired"] },
      { name: "risk_tier", label: "Risk tier", options: LEVELS },
      { name: "capabilities", label: "Capabilities", list: true },
      { name: "scopes", label: "Scopes", list: true },
      { name: "allowed_repositories", label: "Allowed repositories", list: true },
      { name: "allowed_tools", label: "Allowed tools", list: true },
    ] },
  mcp: { path: "/mcp/servers", title: "Register or update an MCP server", id: "server_id",
    fields: [
      { name: "server_id", label: "Server id", required: true },
      { name: "name", label: "Name" },
      { name: "trust_tier", label: "Trust tier",
        options: ["", "trusted", "approved", "experimental", "blocked", "unknown"] },
      { name: "approval_state", label: "Approval state",
        options: ["", "approved", "pending", "denied", "not_required"] },
      { name: "owner", label: "Owner" },
      { name: "capabilities", label: "Capabilities", list: true,
        hint: "e.g. filesystem, repository" },
      { name: "allowed_tools", label: "Allowed tools", list: true },
    ] },
  repository: { path: "/repositories", title: "Register or update a repository",
    id: "repository_id", fields: [
      { name: "repository_id", label: "Repository", required: true,
        hint: "owner/name, e.g. payments/api" },
      { name: "provider", label: "Provider", placeholder: "github" },
      { name: "owner", label: "Owner" },
      { name: "business_unit", label: "Business unit" },
      { name: "environment", label: "Environment", placeholder: "development" },
      { name: "default_branch", label: "Default branch", placeholder: "main" },
      { name: "policy_pack", label: "Policy pack", placeholder: "cavra-ai-agent-baseline" },
      { name: "risk_tier", label: "Risk tier", options: LEVELS },
      { name: "status", label: "Status", options: ["", "active", "archived", "disabled"] },
      { name: "protected_branches", label: "Protected branches", list: true },
      { name: "required_checks", label: "Required checks", list: true },
    ] },
  integration: { path: "/integrations", title: "Register or update an integration",
    id: "integration_id", fields: [
      { name: "provider", label: "Provider", required: true,
        hint: "deliveries go to the connector of this name, e.g. splunk" },
      { name: "integration_id", label: "Integration id", hint: "empty: provider-environment" },
      { name: "name", label: "Name" },
      { name: "category", label: "Category", options: ["", "source_control", "ci_cd", "siem",
        "itsm", "chatops", "identity", "cloud", "storage", "security", "observability"] },
      { name: "status", label: "Status",
        options: ["", "planned", "configured", "active", "paused", "disabled"] },
      { name: "health_status", label: "Health",
        options: ["", "unknown", "healthy", "degraded", "failed", "not_checked"] },
      { name: "owner", label: "Owner" },
      { name: "environment", label: "Environment", placeholder: "global" },
      { name: "auth_mode", label: "Auth mode", placeholder: "not_configured" },
      { name: "endpoint_ref", label: "Endpoint reference", hint: "a reference, never a secret" },
      { name: "capabilities", label: "Capabilities", list: true },
      { name: "repositories", label: "Repositories", list: true },
    ] },
  rollout: { path: "/policy-rollouts", title: "Create or update a policy rollout",
    id: "rollout_id", fields: [
      { name: "repository", label: "Repository", required: true },
      { name: "policy_pack", label: "Policy pack", required: true },
      { name: "rollout_id", label: "Rollout id", hint: "empty: repository:policy_pack" },
      { name: "policy_version", label: "Policy version", placeholder: "latest" },
      { name: "mode", label: "Mode", options: ["", "audit_only", "enforce", "strict", "break_glass"] },
      { name: "state", label: "State", options: ["", "planned", "active", "paused", "retired"] },
      { name: "owner", label: "Owner" },
      { name: "coverage_percent", label: "Coverage (%)", type: "number", min: 0, max: 100 },
    ] },
};

// What the console shows in place of a write it may not offer.
export function writeOff(what) {
  return h("p.write-off", {}, `${what}: not offered, this token may not change records ` +
    `(access control: its role is ${state.role || "unknown"}; writes need operator or admin).`);
}

// The JSON body of a form: its fields' non-empty values, lists split on
// commas, numbers as numbers, checkboxes as booleans.
function bodyOf(form, fields) {
  const o = {};
  for (const f of fields) {
    const el = form.elements[f.name];
    if (!el) continue;
    if (f.type === "checkbox") { o[f.name] = el.checked; continue; }
    const v = el.value.trim();
    if (v === "") continue;
    if (f.list) o[f.name] = v.split(/[,\n]/).map((x) => x.trim()).filter(Boolean);
    else if (f.type === "number" && !Number.isNaN(Number(v))) o[f.name] = Number(v);
    else o[f.name] = v;
  }
  return o;
}

// Marks the fields that the problem's errors[] name (a path's first
// segment is the field), and focuses the first; returns how many.
function markErrors(form, err) {
  const list = err && err.problem && Array.isArray(err.problem.errors) ? err.problem.errors : [];
  let first = null;
  for (const x of list) {
    const name = String((x && x.path) || "").split(/[./[]/)[0];
    const el = name && form.elements[name];
    if (!el || !el.closest) continue;
    const box = el.closest(".field");
    const msg = h("span.field-error", { id: el.id + "-error" }, String(x.message || "invalid"));
    el.setAttribute("aria-invalid", "true");
    el.setAttribute("aria-describedby",
      [el.getAttribute("aria-describedby"), msg.id].filter(Boolean).join(" "));
    if (box) box.append(msg);
    first = first || el;
  }
  if (first) first.focus();
  return first ? 1 : 0;
}

function clearErrors(form) {
  for (const m of form.querySelectorAll(".field-error")) m.remove();
  for (const el of form.querySelectorAll("[aria-invalid]")) {
    el.removeAttribute("aria-invalid");
    const rest = (el.getAttribute("aria-describedby") || "").split(" ")
      .filter((x) => x && x !== el.id + "-error");
    if (rest.length) el.setAttribute("aria-describedby", rest.join(" "));
    else el.removeAttribute("aria-describedby");
  }
}

// A form that writes.  opts: label (the form's accessible name), fields
// (as field() takes them, plus list), submitText, submit(body) -> the
// answer (throws ApiError), done(answer) -> what to show.  Returns {el,
// form, fill(values)}: el is a note instead when the console may not
// write; fill sets the fields from a record and moves the focus there.
export function writeForm(opts) {
  if (!state.canWrite) return { el: writeOff(opts.label), form: null, fill() {} };
  const form = h("form.record", { "aria-label": opts.label, novalidate: true });
  for (const f of opts.fields)
    form.append(f.type === "checkbox" ? h("div.field", {}, h("label", {},
      h("input", { type: "checkbox", name: f.name, checked: f.checked }), " ", f.label)) :
      field(f.name, { ...f, blank: f.options ? DEFAULT : undefined }));
  const btn = h("button", { type: "submit" }, opts.submitText || "Save");
  form.append(h("div.actions", {}, btn,
    h("button.secondary", { type: "reset" }, "Clear")));
  const out = h("div", { "aria-live": "polite" });
  form.addEventListener("reset", () => { clearErrors(form); out.replaceChildren(); });
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    clearErrors(form);
    btn.disabled = true;
    out.replaceChildren(h("p.muted", {}, "Saving…"));
    try {
      const ans = await opts.submit(bodyOf(form, opts.fields));
      out.replaceChildren(opts.done ? opts.done(ans) : notice("Saved."));
    } catch (err) {
      out.replaceChildren(errorBox(err));
      markErrors(form, err);
    } finally {
      btn.disabled = false;
    }
  });
  return {
    el: h("div", {}, form, out), form,
    fill(rec) {
      clearErrors(form);
      out.replaceChildren();
      for (const f of opts.fields) {
        const el = form.elements[f.name];
        if (!el || !(f.name in (rec || {}))) continue;
        const v = rec[f.name];
        if (f.type === "checkbox") el.checked = !!v;
        else el.value = Array.isArray(v) ? v.join(", ") : v === null || v === undefined ?
          "" : String(v);
      }
      form.scrollIntoView({ block: "nearest" });
      form.elements[0].focus();
    },
  };
}

// The panel of a record form of RECORDS (nothing when the build does not
// serve its path): onSaved(record) after a create or update.  Returns
// {el, edit(record)}; edit fills the form with a stored record.
export function recordEditor(key, onSaved) {
  const spec = RECORDS[key];
  if (!served(spec.path)) return { el: null, edit() {} };
  const wf = writeForm({ label: spec.title, fields: spec.fields, submitText: "Save",
    submit: (body) => post(spec.path, body),
    done: (rec) => {
      if (onSaved) onSaved(rec);
      return notice(`Saved ${spec.id} ${rec[spec.id]} (POST ${spec.path}).`);
    } });
  return {
    el: h("section.panel.editor", { "aria-label": spec.title }, h("h3", {}, spec.title),
      state.canWrite ? h("p.muted", {}, "POST " + spec.path + " creates the record, or " +
        "replaces the one of the same id: fields left empty take the API's defaults.") : null,
      wf.el),
    edit: wf.fill,
  };
}

// An "Edit" button for a record shown in a detail panel (none when the
// console may not write).
export function editButton(editor, rec) {
  if (!state.canWrite || !editor.el) return null;
  return h("button.secondary", { type: "button", onclick: () => editor.edit(rec) },
    "Edit this record");
}
