// Release and endpoint governance views: promotions and rollbacks,
// endpoint exports, inventory freshness, drift and remediation, SLA and
// escalations, recurrences, and the go-pilot rollback drills.  Mostly
// dashboards and paged lists of the API's own answers.
import { get, served, fill, api } from "./api.js";
import { h, errorBox, pagedList, dashboard, actionForm, saveResponse, table }
  from "./ui.js";
import { renderDoc } from "./views.js";

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

export async function sla(main) {
  main.append(h("h2", {}, "Remediation SLA and escalations"),
    dashboard("/endpoint-remediation-sla-reports/dashboard", "SLA report dashboard"),
    list("/endpoint-remediation-sla-reports", "SLA reports").el,
    dashboard("/endpoint-remediation-sla-notifications/dashboard", "SLA notifications"),
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

export async function drills(main) {
  main.append(h("h2", {}, "Go pilot rollback drills"),
    dashboard("/runtime/go-pilot/rollback-drill-schedule", "Drill schedule"),
    dashboard(GP + "/dashboard", "Drill notification dashboard"),
    pagedList({ path: GP, title: "Notification and connector delivery history",
      filters: ["connector_delivery_source", { name: "delivery_success", options: ["", "true", "false"] },
        { name: "alert_level", options: ["", "healthy", "warning", "critical"] },
        "audit_id", "delivery_id", "cadence"] }).el,
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
