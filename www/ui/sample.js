// Built-in sample records for the standalone demo (no API answered).
// The shapes are the API's; the values are made up.  Actions (runs,
// approvals, break-glass, the record forms) change these records in this
// page only.

const T0 = Date.parse("2026-11-30T09:00:00Z");
const iso = (min) => new Date(T0 + min * 60e3).toISOString();

const SCENARIO = "before-the-agent-acts";
const REPO = "sandbox/" + SCENARIO;
const PACK = "cavra-ai-agent-baseline";

const FLAGSHIP = [
  ["read_file", ".env", "read", "filesystem.read.block", "block", "high",
    "Matched sensitive path policy: .env", null],
  ["write_file", "iam/admin-role.tf", "write", "filesystem.write.require_approval",
    "require_approval", "high", "Matched approval-required path policy: iam/**",
    "Platform Security"],
  ["execute_command", "terraform plan", "terraform plan", "commands.allow", "allow",
    "low", "Matched allowed command policy: terraform plan*", null],
  ["execute_command", "terraform apply -auto-approve", "terraform apply -auto-approve",
    "commands.block", "block", "critical", "Matched blocked command policy: terraform apply*", null],
  ["mcp_tool_call", "unknown filesystem MCP server:read_file", "filesystem",
    "mcp.server.trust.block_unknown", "block", "high",
    "Untrusted MCP server with filesystem/tool capability is not approved.", null],
  ["git_operation", "origin/main", "push", "git.protected_branch.block_direct_push",
    "block", "high", "Direct push to protected branch is prohibited.", null],
  ["pull_request", "create PR", "create", "git.pull_request.allow_with_attestation",
    "allow_with_attestation", "medium",
    "PR is allowed with CAVRA evidence and reviewer guidance.", null],
];

const db = { runs: [], sessions: [], decisions: [], evidence: [], approvals: [] };
let seq = 0;
const hex = () => (++seq * 2654435761 >>> 0).toString(16).padStart(8, "0").slice(0, 8);

function makeRun(opts, at) {
  const run_id = "run_demo" + hex();
  const events = FLAGSHIP.map((f, i) => {
    const decision_id = "dec_demo" + hex();
    return {
      event_id: "evt_" + (i + 1), decision_id, session_id: run_id,
      agent_id: "sandbox-agent", actor: "simulated-ai-agent", repository: REPO,
      action_type: f[0], target: f[1], requested_operation: f[2],
      policy_pack: opts.policy_pack || PACK, policy_id: opts.policy_pack || PACK,
      rule_id: f[3], decision: f[4], severity: f[5], reason: f[6], approver_group: f[7],
      evidence_refs: [`evidence://${run_id}/${decision_id}`], timestamp: iso(at + i),
      persona: opts.persona || "Developer", policy_mode: opts.policy_mode || "enforce",
    };
  });
  const count = (d) => events.filter((e) => e.decision === d).length;
  const run = {
    schema_version: "cavra.sandbox.run.v1", product: "CAVRA", run_id,
    scenario: SCENARIO, persona: opts.persona || "Developer",
    policy_mode: opts.policy_mode || "enforce", policy_pack: opts.policy_pack || PACK,
    tagline: "Before the agent acts, CAVRA decides.", created_at: iso(at),
    decision_count: events.length, blocked_count: count("block"),
    approval_required_count: count("require_approval"), source: "sample",
    artifacts: [["evidence.json", "evidence", "application/json", "evidence"],
      ["pr-attestation.md", "attestation", "text/markdown", "attestation"],
      ["compliance-mapping.md", "compliance", "text/markdown", "compliance"]]
      .map(([artifact, kind, media_type, p]) => ({ artifact, kind, media_type,
        download_url: `/api/sandbox/runs/${run_id}/${p}` })),
    events,
  };
  db.runs.unshift(run);
  db.sessions.unshift({ schema_version: "cavra.session.v1", session_id: run_id,
    agent_id: "sandbox-agent", actor: "simulated-ai-agent", repository: REPO,
    policy_pack: run.policy_pack, state: "completed", started_at: run.created_at,
    updated_at: events[6].timestamp, decision_count: 7, blocked_count: run.blocked_count,
    approval_required_count: run.approval_required_count,
    evidence_refs: ["sandbox://runs/" + run_id] });
  db.decisions.unshift(...events.map((e) => ({ schema_version: "cavra.decision.v1",
    ...Object.fromEntries(Object.entries(e).filter(([k]) =>
      !["event_id", "persona", "policy_mode"].includes(k))) })).reverse());
  db.evidence.unshift({ schema_version: "cavra.evidence.metadata.v1", session_id: run_id,
    metadata_kind: "sandbox-run", signer: "cavra-sandbox", created_at: run.created_at,
    decision_count: 7, blocked_count: run.blocked_count,
    approval_required_count: run.approval_required_count, artifact_count: 3,
    scenario: SCENARIO, persona: run.persona, policy_pack: run.policy_pack });
  return run;
}

makeRun({}, 0);
makeRun({ persona: "CISO", policy_mode: "strict" }, 60 * 24);
makeRun({ persona: "Auditor" }, 60 * 24 * 3);
db.evidence.push({ schema_version: "cavra.evidence.metadata.v1", session_id: "demo-session",
  metadata_kind: "session", signer: "ci@example.com", created_at: iso(30), decision_count: 3,
  blocked_count: 1, approval_required_count: 1, artifact_count: 2 });

function approval(id, state, group, reason, at) {
  return { schema_version: "cavra.approval.v1", product: "CAVRA", approval_id: id,
    decision_id: "dec_" + id.slice(4), session_id: "run_demo", correlation_id: null,
    state, approver_group: group, requested_by: "ai-agent", requested_at: iso(at),
    expires_at: iso(at + 1440), decision: { decision_id: "dec_" + id.slice(4),
      action_type: "write_file", target: "iam/admin-role.tf", reason },
    history: [{ event: "requested", actor: "ai-agent", timestamp: iso(at), reason }],
    evidence_refs: ["approval://" + id] };
}
db.approvals.push(approval("apr_demo0001", "pending", "Platform Security",
  "Matched approval-required path policy: iam/**", 10),
approval("apr_demo0002", "pending", "Change Advisory Board",
  "Production deploy needs a change window", 20));
const done = approval("apr_demo0003", "approved", "Platform Security",
  "Matched approval-required path policy: iam/**", 5);
done.history.push({ event: "approved", actor: "security-lead@example.com",
  timestamp: iso(8), reason: "Reviewed the IAM diff", external_ref: "SEC-42" });
Object.assign(done, { decided_by: "security-lead@example.com", decided_at: iso(8),
  decision_reason: "Reviewed the IAM diff" });
db.approvals.push(done);

const repositories = [
  { repository_id: "payments/api", provider: "github", owner: "payments-team",
    business_unit: "payments", environment: "production", policy_pack: PACK,
    risk_tier: "high", status: "active", protected_branches: ["main"],
    required_checks: ["cavra/attestation"], evidence_refs: [] },
  { repository_id: "platform/infra", provider: "gitlab", owner: "platform-team",
    business_unit: "platform", environment: "production", policy_pack: "cavra-terraform",
    risk_tier: "critical", status: "active", protected_branches: ["main", "release/*"],
    required_checks: ["cavra/attestation", "plan"], evidence_refs: [] },
];
const rollouts = [
  { rollout_id: "rollout-payments-api", repository: "payments/api", policy_pack: PACK,
    policy_version: "0.1.0", mode: "enforce", state: "active", owner: "payments-team",
    coverage_percent: 100, last_evaluated_at: iso(90), evidence_refs: [] },
  { rollout_id: "rollout-platform-infra", repository: "platform/infra",
    policy_pack: "cavra-terraform", policy_version: "0.1.0", mode: "audit_only",
    state: "planned", owner: "platform-team", coverage_percent: 40,
    last_evaluated_at: null, evidence_refs: [] },
];
const integrations = [
  { integration_id: "splunk-production", name: "Splunk", provider: "splunk", category: "siem",
    status: "active", health_status: "healthy", owner: "secops", environment: "production",
    auth_mode: "token", capabilities: ["decision_events"], repositories: [],
    last_checked_at: iso(100) },
  { integration_id: "slack-global", name: "Slack", provider: "slack", category: "chatops",
    status: "configured", health_status: "not_checked", owner: "platform-security",
    environment: "global", auth_mode: "webhook", capabilities: ["approval_notifications"],
    repositories: [], last_checked_at: null },
];
const agents = [
  { agent_id: "claude-code-payments", type: "coding-agent", vendor: "Anthropic",
    version: "unknown", owner: "payments-team", status: "active", risk_tier: "high",
    last_seen: iso(50) },
  { agent_id: "codex-platform", type: "coding-agent", vendor: "OpenAI", version: "unknown",
    owner: "platform-team", status: "active", risk_tier: "high", last_seen: iso(70) },
];
const profiles = [
  ["claude-code", "Claude Code", "Anthropic"], ["codex", "OpenAI Codex", "OpenAI"],
  ["copilot", "GitHub Copilot", "GitHub"], ["cursor", "Cursor", "Anysphere"],
  ["gemini-cli", "Gemini CLI", "Google"], ["aws-q-developer", "AWS Q Developer", "AWS"],
].map(([profile_id, display_name, vendor]) => ({ profile_id, display_name, vendor,
  type: "coding-agent", risk_tier: "high",
  default_capabilities: ["code_edit", "test", "shell"],
  default_scopes: ["repository", "filesystem", "shell"],
  enterprise_controls: ["evidence_attestation", "approval_router"] }));
const servers = [
  { server_id: "github-mcp", name: "GitHub MCP", trust_tier: "trusted",
    approval_state: "approved", capabilities: ["repository"], owner: "platform-team",
    allowed_tools: ["create_pull_request"], last_seen: iso(40) },
  { server_id: "fs-scratch", name: "Scratch filesystem", trust_tier: "experimental",
    approval_state: "pending", capabilities: ["filesystem"], owner: "payments-team",
    allowed_tools: [], last_seen: iso(45) },
];
const classifications = [
  ["cloud", "infrastructure", "critical", "require_approval"],
  ["database", "data_access", "high", "require_approval"],
  ["filesystem", "local_resource", "high", "block_unknown"],
  ["network", "egress", "high", "require_approval"],
  ["repository", "source_control", "medium", "allow_with_attestation"],
  ["saas", "business_system", "medium", "require_approval"],
  ["shell", "execution", "critical", "require_approval"],
].map(([capability, category, risk_tier, default_decision]) => ({ capability, category,
  risk_tier, default_decision, approval_required_for: [], example_tools: [],
  control_objective: "Sample classification." }));

// Routes the demo answers; the recurrence family is left out on purpose
// (the navigation shows what "not available" looks like).
const SERVED = ["/health", "/version", "/console/config", "/console/session",
  "/console/security-boundary", "/aispm/posture", "/api/sandbox/scenarios",
  "/api/sandbox/run", "/api/sandbox/runs/{run_id}", "/api/sandbox/runs/{run_id}/evidence",
  "/api/sandbox/runs/{run_id}/attestation", "/api/sandbox/runs/{run_id}/compliance",
  "/api/sandbox/metrics", "/policy-pack-catalog", "/sessions", "/sessions/{session_id}",
  "/decisions", "/decisions/{decision_id}", "/repositories", "/repositories/{repository_id}",
  "/policy-rollouts", "/policy-rollouts/{rollout_id}", "/policy-rollout-details/{rollout_id}",
  "/integrations", "/integrations/{integration_id}", "/evidence", "/evidence/{session_id}",
  "/evidence/{session_id}/artifacts", "/evidence/{session_id}/artifacts/{artifact_name}",
  "/approvals", "/approvals/{approval_id}", "/approvals/{approval_id}/approve",
  "/approvals/{approval_id}/deny", "/approvals/{approval_id}/expire",
  "/approvals/break-glass", "/agents", "/agents/profiles", "/agents/{agent_id}",
  "/mcp/servers", "/mcp/servers/{server_id}", "/mcp/tool-classifications", "/mcp/trust",
  "/release-channel-promotions", "/promotion-executions",
  "/endpoint-management-exports", "/endpoint-management-exports/dashboard",
  "/endpoint-inventory-freshness", "/endpoint-inventory-freshness/dashboard",
  "/endpoint-reconciliations", "/endpoint-reconciliations/dashboard",
  "/endpoint-remediations", "/endpoint-remediations/dashboard",
  "/endpoint-remediation-sla-reports", "/endpoint-remediation-sla-reports/dashboard",
  "/endpoint-remediation-sla-escalations", "/endpoint-remediation-sla-escalations/dashboard",
  "/runtime/go-pilot/rollback-drill-schedule", "/runtime/go-pilot/rollback-drill-notifications",
  "/runtime/go-pilot/rollback-drill-notifications/dashboard"];
const UNSERVED = ["/endpoint-remediation-sla-escalation-recurrences",
  "/endpoint-remediation-sla-escalation-recurrences/dashboard"];

function config() {
  const name = (p) => p.replace(/^\//, "").replace(/[^a-z0-9]+/gi, "_").replace(/_$/, "");
  return { product: "CAVRA", api_base_url: "", metadata_mode: "sample",
    approval_mode: "sample", registry_mode: "sample", activity_mode: "sample",
    inventory_mode: "sample", integration_mode: "sample", approval_oidc: "disabled",
    approval_rbac: "disabled", evidence_artifacts: "sample", cors_origins: [],
    endpoints: Object.fromEntries(SERVED.map((p) => [name(p), p])),
    endpoint_catalog: SERVED.map((p) => ({ name: name(p), path: p, available: true,
      responder: "sample", methods: [] })).concat(UNSERVED.map((p) => ({ name: name(p),
      path: p, available: false, responder: null, methods: [] }))) };
}

function posture() {
  const d = db.decisions;
  const n = (k) => d.filter((x) => x.decision === k).length;
  return { schema_version: "cavra.aispm.dashboard.v1", product: "CAVRA",
    edition: "community", mode: "sample", data_provenance: "console_sample_data",
    generated_at: new Date().toISOString(),
    overview: { posture_score: 42, risk_level: "high", total_sessions: db.sessions.length,
      total_decisions: d.length, blocked_actions: n("block"),
      approval_required_actions: n("require_approval"), warned_actions: n("warn"),
      risk_findings: n("block") + n("require_approval"), critical_findings: 3,
      high_findings: 9 },
    agents: [{ agent_id: "sandbox-agent", session_count: db.sessions.length,
      decision_count: d.length, blocked_actions: n("block"),
      approval_required_actions: n("require_approval"), coverage_status: "observed",
      drift_status: "review_required", last_seen_at: d[0] && d[0].timestamp }],
    findings: d.filter((x) => x.decision === "block").slice(0, 5).map((x) => ({
      severity: x.severity, risk_classification: "policy_violation", decision: x.decision,
      agent_id: x.agent_id, repository: x.repository, rule_id: x.rule_id, reason: x.reason,
      timestamp: x.timestamp })),
    timeline: d.map((x) => ({ event_type: "policy_decision", outcome: x.decision,
      timestamp: x.timestamp, decision_id: x.decision_id })),
    control_coverage: [{ label: "Secrets and sensitive data", coverage_status: "enforced",
      decision_count: 3, blocked_actions: 3, approval_required_actions: 0, warned_actions: 0 }],
    executive_risk_narrative: { headline: "Sample data: blocked and approval-gated agent " +
      "actions from three demo sandbox runs." } };
}

function problem(ApiError, status, detail) {
  return new ApiError(status, { type: "about:blank", status, detail });
}

function page(items, q) {
  let rows = items;
  for (const [k, v] of Object.entries(q))
    if (!["limit", "offset"].includes(k) && v !== "")
      rows = rows.filter((r) => k === "min_blocked" ? (r.blocked_count || 0) >= +v :
        k === "has_approvals" ? ((r.approval_required_count || 0) > 0) === (v === "true") :
          String(r[k]) === String(v));
  const limit = +q.limit || 50, offset = +q.offset || 0;
  return { items: rows.slice(offset, offset + limit), total: rows.length, limit, offset };
}

const text = (body, type) => new Response(body, { headers: { "content-type": type } });

// The record forms' POST routes: the list, the id field, the id of a
// body (null: the body lacks what the API requires) and that field.
const UPSERTS = {
  "/agents": [agents, "agent_id", (b) => b.agent_id || b.id, "agent_id"],
  "/mcp/servers": [servers, "server_id", (b) => b.server_id || b.id || b.name, "server_id"],
  "/repositories": [repositories, "repository_id",
    (b) => b.repository_id || b.repository || b.name, "repository"],
  "/integrations": [integrations, "integration_id", (b) => !b.provider ? null :
    b.integration_id || b.id || `${b.provider}-${b.environment || "global"}`, "provider"],
  "/policy-rollouts": [rollouts, "rollout_id", (b) => !b.repository || !b.policy_pack ? null :
    b.rollout_id || `${b.repository}:${b.policy_pack}`, "repository"],
};

// POST of a record form: created or replaced in the page's list.  Throws
// a 400 of the API's problem shape when the naming field is missing.
function upsert(path, body, ApiError) {
  const [list, key, idOf, need] = UPSERTS[path];
  const b = body && typeof body === "object" && !Array.isArray(body) ? body : {};
  const id = idOf(b);
  if (!id) {
    const detail = `invalid record: ${need} is required`;
    throw new ApiError(400, { type: "about:blank", status: 400, detail,
      errors: [{ path: need, message: detail }] });
  }
  const now = new Date().toISOString();
  const old = list.findIndex((x) => x[key] === id);
  const rec = { ...b, [key]: id, created_at: old >= 0 ? list[old].created_at : now,
    updated_at: now };
  if (path === "/repositories") rec.repository = b.repository || id;
  if (old >= 0) list.splice(old, 1);
  list.unshift(rec);
  return rec;
}

// One answer of the demo API (raw: a Response, for downloads).
export async function sampleAnswer(method, path, q, body, ApiError, raw) {
  const m = (re) => path.match(re);
  let r;
  const GET = method === "GET";
  if (GET && path === "/console/config") return config();
  if (GET && path === "/health") return { status: "ok", product: "CAVRA" };
  if (GET && path === "/version") return { version: "demo", name: "CAVRA sample data" };
  if (GET && path === "/aispm/posture") return posture();
  if (GET && path === "/api/sandbox/scenarios")
    return [{ id: SCENARIO, title: "Before the Agent Acts", default_policy_pack: PACK,
      personas: ["Developer", "CISO", "Platform Engineer", "Auditor"],
      policy_modes: ["enforce", "audit_only", "strict"] }];
  if (GET && path === "/policy-pack-catalog")
    return { total: 2, items: [{ id: PACK }, { id: "cavra-terraform" }] };
  if (method === "POST" && path === "/api/sandbox/run")
    return makeRun(body || {}, (Date.now() - T0) / 60e3);
  if (GET && path === "/api/sandbox/metrics")
    return { schema_version: "cavra.sandbox.metrics.v1", source: "sample",
      total_runs: db.runs.length, total_decisions: db.runs.length * 7,
      blocked_actions: db.runs.length * 4, approval_required_actions: db.runs.length };
  if (GET && (r = m(/^\/api\/sandbox\/runs\/([^/]+)(?:\/(\w+))?$/))) {
    const run = db.runs.find((x) => x.run_id === decodeURIComponent(r[1]));
    if (!run) throw problem(ApiError, 404, "sandbox run not found");
    if (!r[2]) return run;
    const body2 = r[2] === "evidence" ? JSON.stringify({ run_id: run.run_id,
      decisions: run.events }, null, 2) : `# CAVRA ${r[2]} (sample)\n\nRun ${run.run_id}: ` +
      `${run.decision_count} decisions, ${run.blocked_count} blocked.\n`;
    return text(body2, r[2] === "evidence" ? "application/json" : "text/markdown");
  }
  const lists = { "/sessions": db.sessions, "/decisions": db.decisions,
    "/repositories": repositories, "/policy-rollouts": rollouts,
    "/integrations": integrations, "/evidence": db.evidence, "/approvals": db.approvals,
    "/agents": agents, "/mcp/servers": servers };
  if (GET && lists[path]) return page(lists[path], q);
  if (GET && path === "/agents/profiles") return { items: profiles, total: profiles.length };
  if (GET && path === "/mcp/tool-classifications")
    return { items: classifications, total: classifications.length };
  if (GET && path === "/mcp/trust") {
    if (!q.server) throw problem(ApiError, 422, "query parameter 'server' is required");
    const s = servers.find((x) => x.server_id === q.server);
    return { server: q.server, tool: q.tool || "unknown", capability: q.capability || null,
      decision: s && s.approval_state === "approved" ? "allow" : "block",
      reason: s ? `server is ${s.trust_tier}` : "unknown MCP server" };
  }
  const ids = { sessions: [db.sessions, "session_id"], decisions: [db.decisions, "decision_id"],
    repositories: [repositories, "repository_id"], "policy-rollouts": [rollouts, "rollout_id"],
    integrations: [integrations, "integration_id"], evidence: [db.evidence, "session_id"],
    approvals: [db.approvals, "approval_id"], agents: [agents, "agent_id"],
    "mcp/servers": [servers, "server_id"] };
  if (GET && (r = m(/^\/policy-rollout-details\/(.+)$/))) {
    const ro = rollouts.find((x) => x.rollout_id === decodeURIComponent(r[1]));
    if (!ro) throw problem(ApiError, 404, "policy rollout not found");
    return { rollout: ro, repository: repositories.find((x) => x.repository_id === ro.repository),
      readiness: [{ check: "repository_registered", status: "pass" }] };
  }
  if ((r = m(/^\/evidence\/([^/]+)\/artifacts(?:\/([^/]+))?$/)) && GET) {
    const id = decodeURIComponent(r[1]);
    if (!db.evidence.find((x) => x.session_id === id))
      throw problem(ApiError, 404, "evidence metadata not found");
    const arts = ["evidence.json", "pr-attestation.md"].map((a) => ({ artifact: a,
      kind: a.startsWith("pr-") ? "attestation" : "evidence", description: "Sample artifact",
      media_type: a.endsWith(".md") ? "text/markdown" : "application/json", bytes: 64,
      download_url: `/evidence/${encodeURIComponent(id)}/artifacts/${a}` }));
    if (!r[2]) return { session_id: id, artifact_root_configured: true,
      artifact_count: arts.length, artifacts: arts };
    if (!arts.find((a) => a.artifact === r[2]))
      throw problem(ApiError, 404, "artifact not found");
    return text(r[2].endsWith(".md") ? `# CAVRA PR attestation (sample)\n\nSession ${id}.\n` :
      JSON.stringify({ session_id: id, sample: true }, null, 2), "text/plain");
  }
  if (method === "POST" && UPSERTS[path]) return upsert(path, body, ApiError);
  if (method === "POST" && path === "/approvals/break-glass") {
    if (!body || !body.reason) throw problem(ApiError, 400, "break-glass reason is required");
    if (!body.actor) throw problem(ApiError, 400, "actor is required");
    const a = approval("apr_demo" + hex(), "break_glass", "Change Advisory Board",
      body.reason, (Date.now() - T0) / 60e3);
    Object.assign(a, { break_glass: true, break_glass_reason: body.reason,
      decided_by: body.actor, decision: { decision_id: body.decision.decision_id } });
    db.approvals.unshift(a);
    return a;
  }
  if (method === "POST" && (r = m(/^\/approvals\/([^/]+)\/(approve|deny|expire)$/))) {
    const a = db.approvals.find((x) => x.approval_id === decodeURIComponent(r[1]));
    if (!a) throw problem(ApiError, 404, "approval not found");
    if (a.state !== "pending") throw problem(ApiError, 409, `approval is ${a.state}`);
    if (r[2] !== "expire" && !(body && body.actor))
      throw problem(ApiError, 400, "actor is required");
    const st = { approve: "approved", deny: "denied", expire: "expired" }[r[2]];
    const actor = (body && body.actor) || "system";
    a.state = st;
    a.history.push({ event: st, actor, timestamp: new Date().toISOString(),
      reason: (body && body.reason) || null, external_ref: (body && body.external_ref) || null });
    Object.assign(a, { decided_by: actor, decided_at: new Date().toISOString(),
      decision_reason: (body && body.reason) || null });
    return a;
  }
  if (GET && (r = m(/^\/(sessions|decisions|repositories|policy-rollouts|integrations|evidence|approvals|agents|mcp\/servers)\/(.+)$/))) {
    const [arr, key] = ids[r[1]];
    const rec = arr.find((x) => x[key] === decodeURIComponent(r[2]));
    if (!rec) throw problem(ApiError, 404, "not found");
    return rec;
  }
  if (GET && path === "/console/session")
    return { schema_version: "cavra.console.session.v1", mode: "local_or_demo",
      authenticated: false, auth_required: false, actor: null, repository_permissions: [],
      permissions: { read_activity: true, read_inventory: true, decide_approvals: false,
        create_break_glass: false },
      operator_notes: ["Sample data: no API answered."] };
  if (GET && path === "/console/security-boundary")
    return { mode: "local_or_demo", oidc: { status: "disabled" }, rbac: { status: "disabled" },
      cors: { origins: [] }, api_access: { configured: false },
      operator_notes: ["Sample data: no API answered."] };
  if (GET && path.endsWith("/dashboard"))
    return { generated_at: iso(0), alert_level: "healthy", sample: true, latest: [] };
  if (GET && SERVED.includes(path)) {
    if (path.endsWith("rollback-drill-schedule"))
      return { status: "ready", mode: "sample", checks: [] };
    return { items: [], total: 0, limit: +q.limit || 50, offset: +q.offset || 0 };
  }
  throw problem(ApiError, 404, `the demo has no sample answer for ${method} ${path}`);
}
