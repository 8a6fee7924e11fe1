// The console's views of the core families: posture, sandbox, activity,
// inventory, integrations, evidence, approvals, registry, MCP, session and
// configuration.  Each view(main) fills main.
import { api, get, post, served, fill, state, getToken, setToken, probeRole }
  from "./api.js";
import { h, fmt, badge, errorBox, notice, table, kv, cards, field,
  formValues, saveResponse, pagedList, dashboard, actionForm, autoColumns }
  from "./ui.js";
import { donut, bars, line, bucketize, COLORS } from "./chart.js";
import { recordEditor, editButton, writeOff } from "./forms.js";

// A record of unknown shape: scalars as key/values, lists as tables.
export function renderDoc(d) {
  const scal = {};
  const parts = [];
  for (const [k, v] of Object.entries(d || {})) {
    if (Array.isArray(v) && v.length && v[0] && typeof v[0] === "object")
      parts.push(h("h4", {}, k), table(autoColumns(v, 8), v.slice(0, 50)));
    else if (v && typeof v === "object" && !Array.isArray(v))
      parts.push(h("h4", {}, k), kv(v));
    else scal[k] = v;
  }
  return h("div", {}, kv(scal), parts);
}

function detailPanel(title) {
  return h("section.panel.detail", { "aria-label": title, tabindex: "-1" });
}

// Loads path into panel with render (default renderDoc); returns the
// record, or null when the load failed (the panel shows the error).
async function showDetail(panel, title, path, render) {
  panel.replaceChildren(h("h3", {}, title), h("p.muted", {}, "Loading…"));
  let d = null;
  try {
    d = await get(path);
    panel.replaceChildren(h("h3", {}, title), (render || renderDoc)(d));
  } catch (e) {
    d = null;
    panel.replaceChildren(h("h3", {}, title), errorBox(e));
  }
  panel.focus();
  return d;
}

// A record's detail with an "Edit this record" button for its editor.
async function showEditable(panel, title, path, editor) {
  const d = await showDetail(panel, title, path);
  if (d) panel.append(editButton(editor, d) || "");
}

// What a record editor does after a save: its list loads again and the
// detail panel shows the stored record (list and editor are functions:
// both exist only once the view has made them).
const saved = (list, panel, title, editor) => (rec) => {
  list().reload();
  panel.replaceChildren(h("h3", {}, title(rec)), renderDoc(rec),
    editButton(editor(), rec) || "");
};

// Repository ids may hold slashes (payments/api): encode each segment.
const seg = (id) => String(id).split("/").map(encodeURIComponent).join("/");

/* ---- Posture overview ---- */
export async function overview(main) {
  main.append(h("h2", {}, "Posture overview"));
  const out = h("div", {}, h("p.muted", {}, "Loading…"));
  main.append(out);
  let p;
  try {
    p = await get("/aispm/posture");
  } catch (e) {
    out.replaceChildren(errorBox(e));
    return;
  }
  const o = p.overview || {};
  const allowed = Math.max(0, (o.total_decisions || 0) - (o.blocked_actions || 0) -
    (o.approval_required_actions || 0) - (o.warned_actions || 0));
  const mix = [["allowed", allowed, COLORS.allow],
    ["warned", o.warned_actions || 0, COLORS.warn],
    ["approval required", o.approval_required_actions || 0, COLORS.require_approval],
    ["blocked", o.blocked_actions || 0, COLORS.block]];
  const decisions = (p.timeline || []).filter((e) => e.event_type === "policy_decision");
  const buckets = bucketize(decisions);
  const keys = Object.keys(COLORS).filter((k) => buckets.some((b) => b.counts[k]));
  out.replaceChildren(
    h("p.muted", {}, `Edition ${fmt(p.edition)}, data from ${fmt(p.data_provenance)}, generated ${fmt(p.generated_at)}.`),
    cards(o, ["posture_score", "risk_level", "total_sessions", "total_decisions",
      "blocked_actions", "approval_required_actions", "warned_actions",
      "risk_findings", "critical_findings", "high_findings"]),
    h("div.charts", {}, donut(mix, "Decision mix"),
      buckets.length ? bars(buckets, keys, "Decisions over time, by outcome") :
        h("p.muted", {}, "No decisions in the posture timeline yet."),
      // Posture over time: the share of each period's decisions that went
      // ahead without a block or an approval gate.
      buckets.length ? line(buckets.map((b) => {
        const all = Object.values(b.counts).reduce((a, x) => a + x, 0);
        const ok = (b.counts.allow || 0) + (b.counts.allow_with_attestation || 0);
        return { label: b.label, value: all ? Math.round((100 * ok) / all) : 0 };
      }), "Posture over time: decisions allowed", "%") : ""),
    h("h3", {}, "Agents"),
    table(["agent_id", "session_count", "decision_count", "blocked_actions",
      "approval_required_actions", "coverage_status", "drift_status", "last_seen_at"],
    p.agents || []),
    h("h3", {}, "Findings"),
    table(["severity", "risk_classification", "decision", "agent_id", "repository",
      "rule_id", "reason", "timestamp"].map((k) => k === "severity" || k === "decision" ?
      { key: k, render: (r) => badge(r[k]) } : k), (p.findings || []).slice(0, 15)),
    h("h3", {}, "Control coverage"),
    table(["label", "coverage_status", "decision_count", "blocked_actions",
      "approval_required_actions", "warned_actions"], p.control_coverage || []),
    p.executive_risk_narrative ? h("div", {}, h("h3", {}, "Executive narrative"),
      h("p", {}, fmt(p.executive_risk_narrative.headline))) : "");
}

/* ---- Sandbox ---- */
function renderRun(run) {
  const arts = run.artifacts || [];
  const preview = h("pre.artifact", { hidden: true, "aria-label": "Artifact preview" });
  return h("div.run", { "data-run-id": run.run_id },
    h("p", {}, "Run ", h("code.run-id", {}, run.run_id), ` (${fmt(run.scenario)}, `,
      `${fmt(run.persona)}, ${fmt(run.policy_mode)}, pack ${fmt(run.policy_pack)}) `,
      h("span.muted", {}, fmt(run.created_at))),
    run.tagline ? h("p.muted", {}, run.tagline) : null,
    cards(run, ["decision_count", "blocked_count", "approval_required_count"]),
    h("h4", {}, "Decisions"),
    table([{ key: "event_id" }, "action_type", "target",
      { key: "decision", render: (r) => badge(r.decision) },
      { key: "severity", render: (r) => badge(r.severity) }, "rule_id", "reason",
      "approver_group"], run.events || [], { caption: "The run's decisions" }),
    h("h4", {}, "Artifacts"),
    h("div.row", {}, arts.map((a) => h("span", {},
      h("button", { type: "button", onclick: async (e) => {
        try {
          const r = await api("GET", a.download_url, { raw: true });
          await saveResponse(r, a.artifact);
        } catch (err) { e.target.after(errorBox(err)); }
      } }, `Download ${a.kind} (${a.artifact})`), " ",
      h("button.secondary", { type: "button", onclick: async (e) => {
        try {
          const r = await api("GET", a.download_url, { raw: true });
          preview.textContent = await r.text();
          preview.hidden = false;
        } catch (err) { e.target.after(errorBox(err)); }
      } }, `View ${a.artifact}`)))),
    preview);
}

export async function sandbox(main) {
  main.append(h("h2", {}, "Sandbox runs"),
    h("p.muted", {}, "Runs the flagship scenario through the real policy engine; " +
      "the run is kept as activity and evidence."));
  const runBox = h("section.panel", { "aria-label": "Run" });
  const out = h("div", { "aria-live": "polite" });
  let scen = [];
  try {
    scen = served("/api/sandbox/scenarios") ? await get("/api/sandbox/scenarios") : [];
  } catch (e) {
    runBox.append(errorBox(e));
  }
  const s0 = scen[0] || {};
  let packs = [];
  if (served("/policy-pack-catalog")) {
    try { packs = ((await get("/policy-pack-catalog")).items || []).map((p) => p.id); }
    catch (e) { packs = []; }
  }
  const def = s0.default_policy_pack || "cavra-ai-agent-baseline";
  if (!packs.includes(def)) packs.unshift(def);
  const form = h("form.row", { "aria-label": "Start a sandbox run" },
    field("scenario", { label: "Scenario", options: scen.length ? scen.map((s) => s.id) : ["before-the-agent-acts"] }),
    field("persona", { label: "Persona", options: s0.personas || ["Developer"] }),
    field("policy_mode", { label: "Policy mode", options: s0.policy_modes || ["enforce"] }),
    field("policy_pack", { label: "Policy pack", options: packs, value: def }),
    h("button", { id: "start-run", type: "submit" }, "Start run"));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    out.replaceChildren(h("p.muted", {}, "Running…"));
    try {
      const run = await post("/api/sandbox/run", formValues(form));
      out.replaceChildren(renderRun(run));
      recent.reload();
    } catch (err) {
      out.replaceChildren(errorBox(err));
    }
  });
  runBox.append(h("h3", {}, "Start a run"), state.canWrite ? form : writeOff("Start a run"),
    out);
  main.append(runBox);
  const recent = pagedList({ path: "/sessions", title: "Recent sandbox runs",
    query: { repository: "sandbox/before-the-agent-acts" },
    columns: ["session_id", "state", "decision_count", "blocked_count",
      "approval_required_count", "started_at"],
    onSelect: async (r) => {
      out.replaceChildren(h("p.muted", {}, "Loading…"));
      try {
        out.replaceChildren(renderRun(await get(fill("/api/sandbox/runs/{run_id}",
          { run_id: r.session_id }))));
      } catch (err) { out.replaceChildren(errorBox(err)); }
      runBox.scrollIntoView();
    } });
  main.append(recent.el, dashboard("/api/sandbox/metrics", "Sandbox metrics"));
}

/* ---- Activity ---- */
const DECISIONS = ["", "allow", "allow_with_attestation", "warn", "require_approval", "block"];
const SEVERITIES = ["", "low", "medium", "high", "critical"];

export async function activity(main) {
  main.append(h("h2", {}, "Activity: sessions and decisions"));
  const detail = detailPanel("Decision detail");
  let chosen = null;
  const sessions = pagedList({ path: "/sessions", title: "Sessions",
    filters: ["agent_id", "repository", "policy_pack",
      { name: "state", options: ["", "active", "completed", "blocked"] }],
    columns: ["session_id", "agent_id", "repository", "policy_pack", "state",
      "decision_count", "blocked_count", "updated_at"],
    onSelect: (r) => {
      decisions.form.elements.session_id.value = r.session_id;
      decisions.reload();
      decisions.el.scrollIntoView();
    } });
  const decisions = pagedList({ path: "/decisions", title: "Decisions",
    filters: ["session_id", "agent_id", "repository", "policy_pack",
      { name: "decision", options: DECISIONS }, { name: "severity", options: SEVERITIES },
      "action_type"],
    columns: ["decision_id", "action_type", "target",
      { key: "decision", render: (r) => badge(r.decision) },
      { key: "severity", render: (r) => badge(r.severity) }, "rule_id", "session_id", "timestamp"],
    selected: (r) => r.decision_id === chosen,
    onSelect: (r) => {
      chosen = r.decision_id;
      showDetail(detail, "Decision " + r.decision_id,
        fill("/decisions/{decision_id}", r));
    } });
  main.append(sessions.el, decisions.el, detail);
}

/* ---- Inventory and rollouts ---- */
export async function inventory(main) {
  main.append(h("h2", {}, "Repository inventory and policy rollouts"));
  const detail = detailPanel("Detail");
  const repoEd = recordEditor("repository", saved(() => repos, detail,
    (r) => "Repository " + r.repository_id, () => repoEd));
  const rollEd = recordEditor("rollout", saved(() => rollouts, detail,
    (r) => "Rollout " + r.rollout_id, () => rollEd));
  const repos = pagedList({ path: "/repositories", title: "Repositories",
    filters: ["provider", "owner", "policy_pack", "status", "risk_tier"],
    columns: ["repository_id", "provider", "owner", "environment", "policy_pack",
      "risk_tier", "status"],
    onSelect: (r) => showEditable(detail, "Repository " + r.repository_id,
      "/repositories/" + seg(r.repository_id), repoEd) });
  const rollouts = pagedList({ path: "/policy-rollouts", title: "Policy rollouts",
    filters: ["repository", "policy_pack", "state", "mode", "owner"],
    columns: ["rollout_id", "repository", "policy_pack", "policy_version", "mode",
      "state", "owner", "coverage_percent", "last_evaluated_at"],
    onSelect: async (r) => {
      await showDetail(detail, "Rollout " + r.rollout_id,
        served("/policy-rollout-details/{rollout_id}") ?
          fill("/policy-rollout-details/{rollout_id}", r) :
          fill("/policy-rollouts/{rollout_id}", r));
      detail.append(editButton(rollEd, r) || "");
    } });
  main.append(repos.el, rollouts.el, detail, repoEd.el || "", rollEd.el || "");
}

/* ---- Integrations ---- */
const sent = [];   // deliveries sent from this console (not stored by the API)

export async function integrations(main) {
  main.append(h("h2", {}, "Integrations and connector delivery"));
  const detail = detailPanel("Integration");
  const history = h("section.panel", { "aria-label": "Connector deliveries" });
  function showHistory() {
    history.replaceChildren(h("h3", {}, "Connector deliveries from this console"),
      h("p.muted", {}, "The API keeps no integration delivery record: these are the " +
        "delivery answers (cavra.connector.delivery.v1) of this browser tab."),
      table(["integration_id", "generated_at", "success", "providers"], sent));
  }
  const editor = recordEditor("integration", saved(() => list, detail,
    (r) => "Integration " + r.integration_id, () => editor));
  const list = pagedList({ path: "/integrations", title: "Integrations",
    filters: ["provider", { name: "category", options: ["", "source_control", "ci_cd",
      "siem", "itsm", "chatops", "identity", "cloud", "storage", "security", "observability"] },
    { name: "status", options: ["", "planned", "configured", "active", "paused", "disabled"] },
    "owner", "environment",
    { name: "health_status", options: ["", "unknown", "healthy", "degraded", "failed", "not_checked"] }],
    columns: ["integration_id", "name", "provider", "category", "status",
      "health_status", "owner", "environment", "last_checked_at"],
    onSelect: async (r) => {
      await showEditable(detail, "Integration " + r.integration_id,
        fill("/integrations/{integration_id}", r), editor);
      if (!served("/integrations/{integration_id}/deliver")) return;
      if (!state.canWrite) {
        detail.append(writeOff("Send a test event"));
        return;
      }
      detail.append(h("h4", {}, "Send a test event"), actionForm("Deliver",
        [{ name: "summary", label: "Event summary", value: "CAVRA console test event" }],
        async (v) => {
          const d = await post(fill("/integrations/{integration_id}/deliver", r),
            { event: { summary: v.summary || "" } });
          sent.unshift({ integration_id: r.integration_id, generated_at: d.generated_at,
            success: d.success, providers: (d.deliveries || []).map((x) => x.provider) });
          showHistory();
          return d;
        }, renderDoc));
    } });
  showHistory();
  main.append(list.el, detail, editor.el || "", history);
}

/* ---- Evidence ---- */
async function openArtifact(path, name, viewer) {
  viewer.replaceChildren(h("h4", {}, name), h("p.muted", {}, "Loading…"));
  try {
    const r = await api("GET", path, { raw: true });
    const sha = r.headers.get("x-cavra-artifact-sha256");
    const text = await r.text();
    viewer.replaceChildren(h("h4", {}, name),
      sha ? h("p.muted", {}, "sha256 ", h("code", {}, sha)) : "",
      h("pre.artifact-body", { tabindex: "0", "aria-label": "Content of " + name }, text));
  } catch (e) {
    viewer.replaceChildren(h("h4", {}, name), errorBox(e));
  }
}

function artifactTable(list, viewer) {
  return table([{ key: "artifact" }, "kind", "description", "media_type", "bytes",
    { key: "download", label: "download", render: (a) => h("button.secondary",
      { type: "button", onclick: async (e) => {
        try { await saveResponse(await api("GET", a.download_url, { raw: true }), a.artifact); }
        catch (err) { e.target.after(errorBox(err)); }
      } }, "Download") }],
  list, { onSelect: (a) => openArtifact(a.download_url, a.artifact, viewer),
    empty: "No artifacts for this record." });
}

export async function evidence(main) {
  main.append(h("h2", {}, "Evidence search and artifacts"));
  const detail = detailPanel("Evidence");
  const list = pagedList({ path: "/evidence", title: "Evidence metadata",
    filters: ["session_id", "signer", { name: "min_blocked", type: "number" },
      { name: "has_approvals", options: ["", "true", "false"] }],
    columns: ["session_id", "metadata_kind", "signer", "decision_count",
      "blocked_count", "approval_required_count", "artifact_count", "created_at"],
    onSelect: async (r) => {
      const id = r.session_id;
      await showDetail(detail, "Evidence " + id, fill("/evidence/{session_id}", r),
        (d) => renderDoc(d));
      if (!served("/evidence/{session_id}/artifacts")) return;
      const viewer = h("div.viewer", { "aria-live": "polite" });
      const box = h("div", {}, h("h4", {}, "Artifacts"), h("p.muted", {}, "Loading…"));
      detail.append(box, viewer);
      try {
        const a = await get(fill("/evidence/{session_id}/artifacts", r));
        box.replaceChildren(h("h4", {}, "Artifacts"),
          a.artifact_root_configured === false ? notice("The API has no artifact root " +
            "(CAVRA_EVIDENCE_ARTIFACT_ROOT): metadata only.") : "",
          artifactTable(a.artifacts || [], viewer),
          a.bundle_download_url && (a.artifacts || []).length ? h("button", { type: "button",
            onclick: async (e) => {
              try { await saveResponse(await api("GET", a.bundle_download_url, { raw: true }), id + ".zip"); }
              catch (err) { e.target.after(errorBox(err)); }
            } }, "Download the bundle (ZIP)") : "");
      } catch (e) {
        box.replaceChildren(h("h4", {}, "Artifacts"), errorBox(e));
      }
    } });
  main.append(list.el, detail);
}

/* ---- Approvals ---- */
function approvalDetail(panel, id, reloadList) {
  const path = fill("/approvals/{approval_id}", { approval_id: id });
  return showDetail(panel, "Approval " + id, path, (a) => {
    const parts = [
      h("p", {}, "State ", badge(a.state), " · group ", h("strong", {}, fmt(a.approver_group)),
        " · requested by ", fmt(a.requested_by), " at ", fmt(a.requested_at),
        " · expires ", fmt(a.expires_at)),
      h("h4", {}, "Decision"), kv(a.decision || {}),
      h("h4", {}, "Audit history"),
      table(["event", "actor", "timestamp", "reason", "external_ref"], a.history || []),
      kv({ decided_by: a.decided_by, decided_at: a.decided_at,
        decision_reason: a.decision_reason, break_glass: a.break_glass,
        break_glass_reason: a.break_glass_reason, evidence_refs: a.evidence_refs }),
    ];
    if (a.state === "pending" && !state.canWrite) {
      parts.splice(1, 0, writeOff("Decide"));
    } else if (a.state === "pending") {
      const form = h("form.row.decide", { "aria-label": "Decide approval " + id },
        field("actor", { label: "Actor", placeholder: "you@example.com" }),
        field("reason", { label: "Reason" }),
        field("external_ref", { label: "External reference" }));
      const out = h("div", { "aria-live": "polite" });
      for (const act of ["approve", "deny", "expire"]) {
        if (!served(`/approvals/{approval_id}/${act}`)) continue;
        form.append(h("button", { type: "button", "data-act": act, onclick: async () => {
          const v = formValues(form);
          try {
            await post(fill(`/approvals/{approval_id}/${act}`, { approval_id: id }), v);
            reloadList();
            approvalDetail(panel, id, reloadList);
          } catch (err) {
            out.replaceChildren(errorBox(err));
          }
        } }, act[0].toUpperCase() + act.slice(1)));
      }
      parts.splice(1, 0, h("h4", {}, "Decide"), form, out);
    }
    return h("div", {}, parts);
  });
}

export async function approvals(main) {
  main.append(h("h2", {}, "Approval queue"));
  const detail = detailPanel("Approval");
  const list = pagedList({ path: "/approvals", title: "Approvals",
    filters: [{ name: "state", options: ["", "pending", "approved", "denied", "expired",
      "break_glass"], value: "pending" }, "approver_group"],
    columns: ["approval_id", { key: "state", render: (r) => badge(r.state) },
      "approver_group", { key: "decision", label: "decision reason",
        render: (r) => fmt((r.decision || {}).reason) },
      "requested_by", "requested_at", "expires_at"],
    onSelect: (r) => approvalDetail(detail, r.approval_id, () => list.reload()) });
  main.append(list.el, detail);
  if (served("/approvals/break-glass")) {
    main.append(h("section.panel", { "aria-label": "Break-glass" },
      h("h3", {}, "Break-glass override"),
      h("p.muted", {}, "An emergency override of a decision, with a mandatory reason; " +
        "with OIDC or RBAC on, only the Change Advisory Board may create one."),
      !state.canWrite ? writeOff("Create break-glass") : actionForm("Create break-glass", [
        { name: "decision_id", label: "Decision id", required: true },
        { name: "actor", label: "Actor" }, { name: "reason", label: "Reason", required: true },
        { name: "external_ref", label: "External reference" }],
      async (v) => {
        const { decision_id: d, ...rest } = v;
        const a = await post("/approvals/break-glass", { decision: { decision_id: d }, ...rest });
        list.reload();
        return a;
      }, (a) => h("div", {}, notice(`Created ${a.approval_id} (${a.state})`), renderDoc(a)))));
  }
}

/* ---- Agent registry ---- */
export async function agents(main) {
  main.append(h("h2", {}, "Agent registry"));
  const detail = detailPanel("Agent");
  const editor = recordEditor("agent", saved(() => list, detail,
    (r) => "Agent " + r.agent_id, () => editor));
  const list = pagedList({ path: "/agents", title: "Agents", filters: ["status", "owner"],
    columns: ["agent_id", "type", "vendor", "version", "owner", "status", "risk_tier",
      "last_seen"],
    onSelect: (r) => showEditable(detail, "Agent " + r.agent_id,
      fill("/agents/{agent_id}", r), editor) });
  main.append(list.el, detail, editor.el || "");
  main.append(await staticTable("/agents/profiles", "Predefined agent profiles",
    ["profile_id", "display_name", "vendor", "type", "risk_tier",
      "default_capabilities", "default_scopes", "enterprise_controls"]));
}

async function staticTable(path, title, columns) {
  const box = h("section.panel", { "aria-label": title }, h("h3", {}, title));
  if (!served(path)) {
    box.append(h("p.section-na", {}, `${path}: not available in this build`));
    return box;
  }
  try {
    const d = await get(path);
    box.append(table(columns, Array.isArray(d) ? d : d.items || []));
  } catch (e) {
    box.append(errorBox(e));
  }
  return box;
}

/* ---- MCP trust ---- */
export async function mcp(main) {
  main.append(h("h2", {}, "MCP trust registry"));
  const detail = detailPanel("MCP server");
  const editor = recordEditor("mcp", saved(() => list, detail,
    (r) => "MCP server " + r.server_id, () => editor));
  const list = pagedList({ path: "/mcp/servers", title: "MCP servers",
    filters: ["trust_tier", "approval_state", "capability"],
    columns: ["server_id", "name", "trust_tier", "approval_state", "capabilities",
      "allowed_tools", "owner", "last_seen"],
    onSelect: (r) => showEditable(detail, "MCP server " + r.server_id,
      fill("/mcp/servers/{server_id}", r), editor) });
  main.append(list.el, detail, editor.el || "");
  if (served("/mcp/trust"))
    main.append(h("section.panel", { "aria-label": "Trust check" },
      h("h3", {}, "Check a tool call"),
      actionForm("Evaluate trust", [{ name: "server", label: "Server", required: true },
        { name: "tool", label: "Tool" }, { name: "capability", label: "Capability" }],
      (v) => get("/mcp/trust", v), renderDoc)));
  main.append(await staticTable("/mcp/tool-classifications", "Capability classification",
    ["capability", "category", "risk_tier", "default_decision", "approval_required_for",
      "example_tools", "control_objective"]));
}

/* ---- Console session ---- */
const ROLES = [
  ["agent", "POST /decisions; its own decisions and sessions; GET /mcp/trust."],
  ["reader", "Every GET, and the POST routes that only check or plan (policy drafts, " +
    "publish plans, rollout change plans, AISPM validation)."],
  ["operator", "What a reader may, plus approval acts and break-glass, registry, " +
    "inventory and integration writes."],
  ["admin", "Everything: also policy publishing, decisions as any agent, sessions."],
];

export async function session(main) {
  main.append(h("h2", {}, "Console session"));
  const input = h("input", { id: "token", type: "password", name: "token",
    autocomplete: "off", value: getToken() });
  const form = h("form.row", { "aria-label": "Bearer token" },
    h("label", { for: "token" }, "Bearer token", input),
    h("button", { type: "submit" }, "Use token"),
    h("button.secondary", { type: "button", onclick: () => {
      setToken("");
      location.reload();
    } }, "Forget token"));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    setToken(input.value.trim());
    location.reload();
  });
  main.append(h("section.panel", { "aria-label": "Token" },
    h("p.muted", {}, "The token stays in this tab (sessionStorage) and is sent as " +
      "Authorization: Bearer on every request; the API checks it each time."), form));
  const out = h("section.panel", { "aria-label": "Session" }, h("h3", {}, "Session"));
  main.append(out);
  try {
    const s = await get("/console/session");
    out.append(kv({ mode: s.mode, authenticated: s.authenticated,
      auth_required: s.auth_required }),
    h("h4", {}, "Actor"), s.actor ? kv(s.actor) : h("p.muted", {}, "No verified actor."),
    h("h4", {}, "Permissions"),
    table(["permission", { key: "allowed", render: (r) => r.allowed ?
      h("span.d-ok", {}, "yes") : h("span.d-block", {}, "no") }],
      Object.entries(s.permissions || {}).map(([k, v]) => ({ permission: k, allowed: v }))),
    (s.repository_permissions || []).length ? h("div", {}, h("h4", {}, "Repository permissions"),
      table(autoColumns(s.repository_permissions), s.repository_permissions)) : "",
    h("ul", {}, (s.operator_notes || []).map((n) => h("li.muted", {}, n))));
  } catch (e) {
    out.append(errorBox(e));
  }
  if (!served("/console/security-boundary")) return;
  const sb = h("section.panel", { "aria-label": "Security boundary" },
    h("h3", {}, "Security boundary"));
  main.append(sb);
  try {
    const b = await get("/console/security-boundary");
    const acc = b.api_access || {};
    sb.append(kv({ mode: b.mode, oidc: (b.oidc || {}).status, rbac: (b.rbac || {}).status,
      cors_origins: (b.cors || {}).origins, api_access: acc.configured ? "on" : "off",
      api_tokens: acc.token_count }));
    if (acc.configured) {
      const roleOut = h("p.role", { "aria-live": "polite" });
      sb.append(h("h4", {}, "What each role may do"),
        table(["role", "may"], ROLES.map(([role, may]) => ({ role, may }))),
        h("button", { type: "button", onclick: async () => {
          roleOut.textContent = "Checking…";
          try {
            const r = await probeRole();
            roleOut.replaceChildren("This token's role: ", h("strong", {}, r), " — ",
              ROLES.find((x) => x[0] === r)[1]);
          } catch (err) { roleOut.replaceChildren(errorBox(err)); }
        } }, "What may this token do?"), roleOut);
    }
    sb.append(h("ul", {}, (b.operator_notes || []).map((n) => h("li.muted", {}, n))));
  } catch (e) {
    sb.append(errorBox(e));
  }
}

/* ---- Configuration ---- */
export async function config(main) {
  const c = state.config || {};
  main.append(h("h2", {}, "Configuration"),
    h("p.muted", {}, "GET /console/config: what this build serves and how it stores."));
  const modes = {};
  for (const [k, v] of Object.entries(c))
    if (typeof v !== "object" || k === "cors_origins") modes[k] = v;
  main.append(h("section.panel", { "aria-label": "Modes" }, h("h3", {}, "Modes"), kv(modes)));
  const cat = c.endpoint_catalog || Object.entries(c.endpoints || {}).map(([name, path]) =>
    ({ name, path, available: true }));
  const sel = field("show", { label: "Show", options: ["all", "available", "not available"] });
  const out = h("div");
  const draw = () => {
    const v = sel.querySelector("select").value;
    const rows = cat.filter((e) => v === "all" || (v === "available") === !!e.available);
    out.replaceChildren(h("p.muted", {}, `${rows.length} of ${cat.length} endpoints`),
      table(["name", "path", { key: "available", render: (e) =>
        badge(e.available ? "available" : "not available") }, "responder",
      { key: "methods", render: (e) => fmt(e.methods) }], rows));
  };
  sel.querySelector("select").addEventListener("change", draw);
  draw();
  main.append(h("section.panel", { "aria-label": "Endpoints" }, h("h3", {}, "Endpoints"),
    h("form.filters", { onsubmit: (e) => e.preventDefault() }, sel), out));
}
