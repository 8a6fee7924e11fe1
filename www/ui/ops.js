// Release and endpoint governance views: promotions and rollbacks,
// endpoint exports, inventory freshness, drift and remediation, SLA and
// escalations, recurrences, and the go-pilot rollback drills: dashboards
// and paged lists of the API's own answers, and the operator's acts where
// the API has them (acknowledge an SLA notification or a drill
// notification, decide a retry execution).
import { get, post, served, fill, api, state } from "./api.js";
import { h, errorBox, pagedList, dashboard, actionForm, saveResponse, table, cards,
  badge, notice, field, formValues } from "./ui.js";
import { renderDoc } from "./views.js";
import { writeForm, writeOff } from "./forms.js";

// The acknowledgement vocabulary of the SLA and drill notification routes.
const ACK_STATES = ["", "acknowledged", "dismissed", "escalated", "resolved"];
const ackFields = (providers) => [
  providers ? { name: "provider", label: "Provider", required: true, options: ["", ...providers] } :
    { name: "provider", label: "Provider", required: true, placeholder: "webhook" },
  { name: "acknowledged_by", label: "Acknowledged by", required: true,
    placeholder: "you@example.com" },
  { name: "acknowledgement_state", label: "State", options: ACK_STATES },
  { name: "external_ref", label: "External reference" },
  { name: "notes", label: "Notes" },
];

function detailPanel(title) {
  return h("section.panel.detail", { "aria-label": title, tabindex: "-1" });
}

async function showDetail(panel, title, path, after) {
  panel.replaceChildren(h("h3", {}, title), h("p.muted", {}, "Loading…"));
  try {
    const d = await get(path);
    panel.replaceChildren(h("h3", {}, title), renderDoc(d));
    if (after) after(d);
  } catch (e) {
    panel.replaceChildren(h("h3", {}, title), errorBox(e));
  }
  panel.focus();
}

const list = (path, title, columns, extra) =>
  pagedList({ path, title, columns, ...(extra || {}) });

export async function releases(main) {
  main.append(h("h2", {}, "Release promotions and rollbacks"));
  const detail = detailPanel("Release record");
  main.append(
    list("/release-channel-promotions", "Release channel promotion requests", undefined, {
      onSelect: (r) => showDetail(detail, "Promotion request " + r.request_id,
        fill("/release-channel-promotions/{request_id}", r)) }).el,
    list("/promotion-executions", "Promotion executions", undefined, {
      onSelect: (r) => showDetail(detail, "Promotion execution " + r.execution_id,
        fill("/promotion-executions/{execution_id}", r), () => {
          if (!served("/promotion-executions/{execution_id}/audit-export")) return;
          detail.append(h("button", { type: "button", onclick: async (e) => {
            try {
              await saveResponse(await api("GET", fill(
                "/promotion-executions/{execution_id}/audit-export", r), { raw: true }),
              r.execution_id + "-audit-export.json");
            } catch (err) { e.target.after(errorBox(err)); }
          } }, "Download the audit export"));
        }) }).el);
  if (served("/rollback-executions/{rollback_id}"))
    main.append(h("section.panel", { "aria-label": "Rollback lookup" },
      h("h3", {}, "Rollback execution"),
      actionForm("Look up rollback", [{ name: "rollback_id", label: "Rollback id", required: true }],
        (v) => get(fill("/rollback-executions/{rollback_id}", v)), renderDoc)));
  main.append(detail);
}

export async function exports(main) {
  main.append(h("h2", {}, "Endpoint management exports"));
  const detail = detailPanel("Export");
  main.append(dashboard("/endpoint-management-exports/dashboard", "Export dashboard"),
    list("/endpoint-management-exports", "Exports", undefined, {
      onSelect: (r) => showDetail(detail, "Export " + r.export_id,
        fill("/endpoint-management-exports/{export_id}", r), async () => {
          if (!served("/endpoint-management-exports/{export_id}/artifacts")) return;
          try {
            const a = await get(fill("/endpoint-management-exports/{export_id}/artifacts", r));
            const viewer = h("pre", { hidden: true, tabindex: "0" });
            detail.append(h("h4", {}, "Artifacts"), table(["artifact", "kind", "media_type", "bytes"],
              a.artifacts || [], { onSelect: async (x) => {
                try {
                  viewer.textContent = await (await api("GET", x.download_url, { raw: true })).text();
                  viewer.hidden = false;
                } catch (err) { viewer.after(errorBox(err)); }
              } }), viewer);
          } catch (err) { detail.append(errorBox(err)); }
        }) }).el,
    detail,
    dashboard("/endpoint-management-publications/dashboard", "Publication dashboard"),
    list("/endpoint-management-publications", "Publications").el);
}

export async function freshness(main) {
  main.append(h("h2", {}, "Endpoint inventory freshness"),
    dashboard("/endpoint-inventory-freshness/dashboard", "Freshness dashboard"),
    list("/endpoint-inventory-freshness", "Freshness reports").el,
    dashboard("/endpoint-inventory-ingestions/dashboard", "Ingestion dashboard"),
    list("/endpoint-inventory-ingestions", "Inventory ingestions").el);
}

export async function drift(main) {
  main.append(h("h2", {}, "Drift and remediation"),
    dashboard("/endpoint-reconciliations/dashboard", "Drift (reconciliation) dashboard"),
    list("/endpoint-reconciliations", "Reconciliations").el,
    dashboard("/endpoint-reconciliation-automations/dashboard", "Reconciliation automation"),
    dashboard("/endpoint-remediations/dashboard", "Remediation dashboard"),
    list("/endpoint-remediations", "Remediation requests").el,
    dashboard("/endpoint-remediation-handoffs/dashboard", "Remediation handoffs"),
    list("/endpoint-remediation-handoffs", "Handoffs").el,
    dashboard("/endpoint-remediation-handoff-statuses/dashboard", "Handoff status reconciliation"));
}

const SLA_ACK = "/endpoint-remediation-sla-reports/{report_id}/acknowledgements";

// An SLA report (its stored record: the API has no GET of one report),
// and the form acknowledging its notification for one provider (POST
// .../{report_id}/acknowledgements).
function slaReport(detail, r, notes) {
  detail.replaceChildren(h("h3", {}, "SLA report " + r.report_id), renderDoc(r));
  detail.focus();
  if (!served(SLA_ACK)) return;
  const wf = writeForm({ label: "Acknowledge SLA notification " + r.report_id,
    fields: [...ackFields(["webhook", "slack", "teams", "jira", "servicenow"]),
      { name: "plan_id", label: "Notification plan id" }],
    submitText: "Acknowledge",
    submit: (body) => post(fill(SLA_ACK, r), body),
    done: (a) => {
      notes.reload();
      const ack = a.acknowledgement || {};
      return notice(`Acknowledged: ${ack.acknowledgement_id} (${ack.provider}, ` +
        `${ack.acknowledgement_state}, by ${ack.acknowledged_by}).`);
    } });
  detail.append(h("h4", {}, "Acknowledge the notification"), wf.el);
}

export async function sla(main) {
  const detail = detailPanel("SLA report");
  const notes = list("/endpoint-remediation-sla-notifications",
    "Notification plans, deliveries and acknowledgements", ["metadata_kind", "report_id",
      "provider", "acknowledgement_state", "signer", "created_at"],
    { filters: ["report_id", { name: "metadata_kind", options: ["",
      "endpoint-remediation-sla-notification-plan",
      "endpoint-remediation-sla-notification-ack"] }] });
  main.append(h("h2", {}, "Remediation SLA and escalations"),
    dashboard("/endpoint-remediation-sla-reports/dashboard", "SLA report dashboard"),
    list("/endpoint-remediation-sla-reports", "SLA reports", ["report_id", "alert_level",
      "tracked_work_item_count", "breached_count", "at_risk_count", "escalation_count",
      "signer", "created_at"], { onSelect: (r) => slaReport(detail, r, notes) }).el,
    detail,
    dashboard("/endpoint-remediation-sla-notifications/dashboard", "SLA notifications"),
    notes.el,
    dashboard("/endpoint-remediation-sla-escalations/dashboard", "Escalation dashboard"),
    list("/endpoint-remediation-sla-escalations", "Escalation plans").el,
    dashboard("/endpoint-remediation-sla-escalation-actions/dashboard", "Escalation actions"),
    list("/endpoint-remediation-sla-escalation-actions", "Escalation action records").el);
}

export async function recurrence(main) {
  main.append(h("h2", {}, "Escalation recurrences"),
    dashboard("/endpoint-remediation-sla-escalation-recurrences/dashboard", "Recurrence dashboard"),
    list("/endpoint-remediation-sla-escalation-recurrences", "Recurrence plans").el,
    dashboard("/endpoint-remediation-sla-escalation-recurrence-automations/dashboard",
      "Recurrence automation"),
    dashboard("/endpoint-remediation-sla-escalation-recurrence-automation-health-alerts/dashboard",
      "Automation health alerts"));
}

const GP = "/runtime/go-pilot/rollback-drill-notifications";
const AD = GP + "/acknowledgements/audit-delivery";
const GP_ACK = GP + "/{schedule_id}/acknowledgements";
const RX_PLAN = AD + "/retry-execution-approval-plan";
const RX_DECIDE = AD + "/retry-execution-approval-plans/{approval_plan_id}/decisions";

// The acknowledgement of a drill notification route (POST
// .../{schedule_id}/acknowledgements); a notification plan picked in the
// history fills its schedule, plan and provider.
function drillAck(history) {
  const box = h("section.panel", { "aria-label": "Acknowledge a drill notification" },
    h("h3", {}, "Acknowledge a drill notification"));
  if (!served(GP_ACK)) {
    box.append(h("p.section-na", {}, `${GP_ACK}: not available in this build`));
    return { el: box, pick() {} };
  }
  const wf = writeForm({ label: "Acknowledge a drill notification",
    fields: [{ name: "schedule_id", label: "Schedule id", required: true },
      { name: "plan_id", label: "Notification plan id" }, ...ackFields(null)],
    submitText: "Acknowledge",
    submit: (body) => {
      const { schedule_id: sid, ...rest } = body;
      return post(fill(GP_ACK, { schedule_id: sid || "" }), rest);
    },
    done: (a) => {
      history.reload();
      const ack = a.acknowledgement || {};
      return notice(`Acknowledged: ${ack.acknowledgement_id} (schedule ${ack.schedule_id}, ` +
        `${ack.provider}, ${ack.acknowledgement_state}, by ${ack.acknowledged_by}).`);
    } });
  box.append(h("p.muted", {}, "Pick a notification plan in the history to fill its schedule."),
    wf.el);
  return { el: box, pick: (r) => {
    if (!r.schedule_id) return;
    const p = r.plan || {};
    wf.fill({ schedule_id: r.schedule_id, plan_id: r.plan_id || "",
      provider: r.provider || (p.eligible_providers || [])[0] || "" });
  } };
}

// One decision of a retry execution approval plan row (approved or
// denied by the named actor); returns the stored decision.
function decideRetry(plan, row, st, v) {
  return post(fill(RX_DECIDE, plan), { provider: row.provider, decided_by: v.decided_by,
    approval_state: st, retry_plan_id: row.retry_plan_id, delivery_id: row.delivery_id,
    audit_id: row.audit_id, external_ref: v.external_ref });
}

// A retry execution approval plan: its counts and rows, each row that
// asks for approval with Approve and Deny (decided_by from the form).
function retryPlan(plan) {
  const who = h("form.row", { "aria-label": "Retry decision actor" },
    field("decided_by", { label: "Decided by", required: true, placeholder: "you@example.com" }),
    field("external_ref", { label: "External reference" }));
  who.addEventListener("submit", (e) => e.preventDefault());
  const out = h("div", { "aria-live": "polite" });
  const act = (row, st) => async (e) => {
    const cell = e.target.closest("td");
    try {
      const d = (await decideRetry(plan, row, st, formValues(who))).decision || {};
      out.replaceChildren();
      cell.replaceChildren(badge(d.approval_state), ` by ${d.decided_by} (${d.decision_id})`);
    } catch (err) {
      out.replaceChildren(errorBox(err));
    }
  };
  return h("div.retry-plan", { "data-plan-id": plan.approval_plan_id },
    h("p", {}, "Approval plan ", h("code", {}, plan.approval_plan_id), " ",
      h("span.muted", {}, plan.generated_at)),
    cards(plan, ["alert_level", "decision_count", "approval_required_count",
      "approved_count", "waiting_count"]),
    served(RX_DECIDE) ? who : null, out,
    table(["delivery_id", "provider", "audit_id", "retry_plan_id", "retry_count",
      { key: "approval_action", render: (r) => badge(r.approval_action) },
      { key: "decide", label: "decision", render: (r) => r.approval_action !==
        "request_approval" || !served(RX_DECIDE) ? r.approval_decision_id || "—" :
        h("span.row", {}, h("button", { type: "button", "data-act": "approve",
          onclick: act(r, "approved") }, "Approve"), h("button.secondary",
        { type: "button", "data-act": "deny", onclick: act(r, "denied") }, "Deny")) }],
    plan.approval_decisions || [], { empty: "No failed audit deliveries to retry." }));
}

// Retry execution approvals: plan them (POST .../retry-execution-
// approval-plan), then approve or deny each retry that asks for it.
function retryApprovals() {
  const box = h("section.panel", { "aria-label": "Retry execution approvals" },
    h("h3", {}, "Retry execution approvals"));
  if (!served(RX_PLAN)) {
    box.append(h("p.section-na", {}, `${RX_PLAN}: not available in this build`));
    return box;
  }
  box.append(h("p.muted", {}, "A retry of a failed audit delivery runs once it is approved; " +
    "the plan lists each retry and what it waits for."),
  writeForm({ label: "Plan retry execution approvals",
    fields: [{ name: "require_retry_ack", label: "Require a retry acknowledgement first",
      type: "checkbox", checked: true }],
    submitText: "Plan approvals",
    submit: (b) => post(RX_PLAN, { approval_policy: { require_retry_ack: b.require_retry_ack } }),
    done: (a) => retryPlan(a.approval_plan || {}) }).el);
  return box;
}

export async function drills(main) {
  let ack = null;
  const history = pagedList({ path: GP, title: "Notification and connector delivery history",
    filters: ["connector_delivery_source", { name: "delivery_success", options: ["", "true", "false"] },
      { name: "alert_level", options: ["", "healthy", "warning", "critical"] },
      "audit_id", "delivery_id", "cadence"],
    columns: ["metadata_kind", "schedule_id", "plan_id", "provider", "acknowledgement_state",
      "alert_level", "delivery_id", "created_at"],
    onSelect: state.canWrite ? (r) => ack.pick(r) : undefined });
  ack = drillAck(history);
  main.append(h("h2", {}, "Go pilot rollback drills"),
    dashboard("/runtime/go-pilot/rollback-drill-schedule", "Drill schedule"),
    dashboard(GP + "/dashboard", "Drill notification dashboard"),
    history.el, ack.el, retryApprovals(),
    pagedList({ path: GP + "/routes", title: "Notification routes",
      filters: ["schedule_id", "provider", "owner", "action", "category"] }).el,
    dashboard(AD + "/worker-dashboard", "Audit delivery worker"),
    dashboard(AD + "/worker-health-alert-dashboard", "Worker health alerts"),
    dashboard(AD + "/recovery-escalations/retry-health-alert-dashboard", "Recovery retry health alerts"),
    dashboard(AD + "/recovery-executive-report/delivery-retry-health-alert-dashboard",
      "Executive report retry health alerts"),
    dashboard(AD + "/final-reporting-closure-dashboard", "Final reporting closure"),
    dashboard(AD + "/final-reporting-archive-reference-health-alert-dashboard",
      "Archive reference health alerts"));
}
