/*
 * API tests of the endpoint remediation SLA routes of cavra-endpoints
 * (fcgi/endpoints_sla.c): hand-offs and their statuses are seeded as
 * evidence metadata records; the SLA report finds the breached and
 * at-risk work items; its notification goes to a receiver answering 200
 * (webhook) and one answering 500 (slack, tests/data/
 * test_endpoints_sla.recv), a second delivery of the same report is
 * suppressed, an acknowledgement is stored; the notification history
 * and dashboard, the escalation plan (an escalation ladder makes one
 * route active), its delivery, an owner review and the escalation and
 * action lists and dashboards are then counted exactly.  Errors: the
 * thresholds, unknown parents (404) and state words (the allowed list).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "flow.h"
#include "harness.h"

#define ESR	"/endpoint-remediation-sla"

/* A hand-off record: id, created off seconds from now, providers (a
 * JSON array text), channel. */
static void
seed_handoff(const char *id, long off, const char *providers,
    const char *channel)
{
	char		 body[1024], at[64];

	flow_stamp(at, sizeof(at), off);
	snprintf(body, sizeof(body), "{\"session_id\": \"%s\", \"created_at\": "
	    "\"%s\", \"metadata_kind\": \"endpoint-remediation-handoff\", "
	    "\"handoff_id\": \"%s\", \"request_id\": \"req-%s\", "
	    "\"providers\": %s, \"channel\": \"%s\", \"action_count\": 2}", id,
	    at, id, id, providers, channel);
	flow_seed(body);
}

/* A hand-off status record of handoff/provider, off seconds from now. */
static void
seed_status(const char *id, const char *handoff, const char *provider,
    const char *status, long off)
{
	char		 body[1024], at[64];

	flow_stamp(at, sizeof(at), off);
	snprintf(body, sizeof(body), "{\"session_id\": \"%s\", \"created_at\": "
	    "\"%s\", \"metadata_kind\": \"endpoint-remediation-handoff-"
	    "status\", \"status_id\": \"%s\", \"handoff_id\": \"%s\", "
	    "\"provider\": \"%s\", \"handoff_status\": \"%s\"}", id, at, id,
	    handoff, provider, status);
	flow_seed(body);
}

/* The work item of handoff/provider in a report. */
static struct json_object *
work_item(struct json_object *report, const char *handoff,
    const char *provider)
{
	return flow_row(report, "work_items", "handoff_id", handoff,
	    "provider", provider);
}

/* How many requests receiver name logged with text in them (a request
 * starts with a "POST " line). */
static int
received_with(const char *name, const char *text)
{
	char		*log = api_recv_log(name), *p, *next;
	int		 n = 0;

	for (p = strncmp(log, "POST ", 5) == 0 ? log : strstr(log,
	    "\nPOST "); p != NULL; p = next) {
		if ((next = strstr(p + 1, "\nPOST ")) != NULL)
			*next = '\0';
		n += strstr(p, text) != NULL;
		if (next != NULL)
			*next = '\n';
	}
	free(log);
	return n;
}

/* The whole chain on one store, with exact counts. */
API_TEST(sla, report_notify_escalate)
{
	struct api_resp		 r;
	struct json_object	*rep, *sum, *w, *plan, *m, *rt, *items;
	char			 u[96], h1[128], h2[128], h3[128], id[160],
				 rid[128], pid[128], eid[128], path[512],
				 body[1024];
	int			 ok0, bad0;

	api_uid(u, sizeof(u), "sla");
	snprintf(h1, sizeof(h1), "erh_%s_1", u);
	snprintf(h2, sizeof(h2), "erh_%s_2", u);
	snprintf(h3, sizeof(h3), "erh_%s_3", u);
	/* h1: jira in progress for 72 h (breached), slack completed after
	 * 12 h; h2: servicenow without a status for 30 h (at risk); h3:
	 * teams queued, then blocked (the latest status wins: breached). */
	seed_handoff(h1, -72 * 3600, "[\"jira\", \"slack\"]", "stable");
	seed_handoff(h2, -30 * 3600, "[\"servicenow\"]", "beta");
	seed_handoff(h3, -3600, "[\"teams\"]", "stable");
	snprintf(id, sizeof(id), "erhs_%s_1", u);
	seed_status(id, h1, "jira", "in_progress", -50 * 3600);
	snprintf(id, sizeof(id), "erhs_%s_2", u);
	seed_status(id, h1, "slack", "completed", -60 * 3600);
	snprintf(id, sizeof(id), "erhs_%s_3", u);
	seed_status(id, h3, "teams", "queued", -3000);
	snprintf(id, sizeof(id), "erhs_%s_4", u);
	seed_status(id, h3, "teams", "blocked", -600);

	flow_post(ESR "/report",
	    "{\"warning_hours\": 24, \"critical_hours\": 48, "
	    "\"generated_by\": \"sla-test\"}", 200, &r);
	rep = api_get(r.json, "report");
	snprintf(rid, sizeof(rid), "%s", api_str(rep, "report_id"));
	cr_assert_eq(strncmp(rid, "ersla_", 6), 0, "%s", rid);
	cr_assert_eq(strlen(rid), 6 + 16);
	cr_assert_str_eq(api_str(r.json, "report_id"), rid);
	cr_assert_str_eq(api_str(rep, "alert_level"), "critical");
	cr_assert_str_eq(api_str(rep, "generated_by"), "sla-test");
	sum = api_get(rep, "executive_summary");
	cr_assert_eq(api_int(sum, "tracked_work_item_count"), 4);
	cr_assert_eq(api_int(sum, "completed_count"), 1);
	cr_assert_eq(api_int(sum, "at_risk_count"), 1);
	cr_assert_eq(api_int(sum, "breached_count"), 2);
	cr_assert_eq(api_int(sum, "critical_provider_count"), 2);
	cr_assert_float_eq(json_object_get_double(api_get(sum,
	    "completion_rate")), 0.25, 1e-9);
	cr_assert_eq(json_object_array_length(api_get(sum,
	    "release_channels")), 2);
	w = work_item(rep, h1, "jira");
	cr_assert_str_eq(api_str(w, "sla_state"), "breached");
	cr_assert_str_eq(api_str(w, "status"), "in_progress");
	cr_assert_float_eq(json_object_get_double(api_get(w,
	    "overdue_hours")), 24.0, 0.1);
	w = work_item(rep, h1, "slack");
	cr_assert_str_eq(api_str(w, "sla_state"), "met");
	cr_assert_float_eq(json_object_get_double(api_get(w, "age_hours")),
	    12.0, 0.1);
	w = work_item(rep, h2, "servicenow");
	cr_assert_str_eq(api_str(w, "status"), "not_started");
	cr_assert_str_eq(api_str(w, "sla_state"), "at_risk");
	cr_assert_str_eq(api_str(w, "severity"), "warning");
	w = work_item(rep, h3, "teams");
	cr_assert_str_eq(api_str(w, "status"), "blocked");
	cr_assert_str_eq(api_str(w, "sla_state"), "breached");
	/* severity order as the reference sorts it: warning first */
	cr_assert_str_eq(api_str(json_object_array_get_idx(api_get(rep,
	    "work_items"), 0), "severity"), "warning");
	cr_assert_eq(json_object_array_length(api_get(rep, "escalations")), 3);
	m = api_get(r.json, "metadata");
	cr_assert_str_eq(api_str(m, "metadata_kind"),
	    "endpoint-remediation-sla-report");
	cr_assert_str_eq(api_str(m, "session_id"), rid);
	cr_assert_eq(api_int(m, "decision_count"), 4);
	cr_assert_eq(api_int(m, "blocked_count"), 2);
	cr_assert_eq(api_int(m, "approval_required_count"), 1);
	cr_assert_eq(api_int(m, "breached_count"), 2);
	cr_assert_eq(api_int(m, "escalation_count"), 3);
	api_free(&r);

	/* E1: routed by rule to webhook (200) and slack (500) */
	ok0 = received_with("ok", rid);
	bad0 = received_with("bad", rid);
	snprintf(path, sizeof(path), ESR "-reports/%s/deliver", rid);
	snprintf(body, sizeof(body), "{\"retries\": 0, \"routing_policy\": "
	    "{\"rules\": [{\"rule_id\": \"crit\", \"alert_levels\": "
	    "[\"critical\"], \"providers\": [\"webhook\", \"Slack\"], "
	    "\"owner\": \"endpoint-ops\"}, {\"rule_id\": \"never\", "
	    "\"min_breached\": 9, \"providers\": [\"jira\"]}]}}");
	flow_post(path, body, 200, &r);
	plan = api_get(r.json, "plan");
	snprintf(pid, sizeof(pid), "%s", api_str(plan, "plan_id"));
	cr_assert_eq(strncmp(pid, "erslan-", 7), 0, "%s", pid);
	cr_assert_eq(json_object_array_length(api_get(plan,
	    "selected_providers")), 2, "%s", r.body);
	cr_assert_eq(json_object_array_length(api_get(plan,
	    "matched_rule_ids")), 1);
	cr_assert_eq(json_object_array_length(api_get(plan,
	    "acknowledgement_required_providers")), 2);
	rt = json_object_array_get_idx(api_get(plan, "routes"), 0);
	cr_assert_str_eq(api_str(rt, "owner"), "endpoint-ops");
	cr_assert_str_eq(api_str(api_get(r.json, "plan_metadata"),
	    "metadata_kind"), "endpoint-remediation-sla-notification-plan");
	m = api_get(r.json, "metadata");
	cr_assert_str_eq(api_str(m, "connector_delivery_source"),
	    "endpoint_remediation_sla_notification");
	cr_assert_str_eq(api_str(m, "event_id"), rid);
	cr_assert_str_eq(api_str(api_get(r.json, "delivery"), "event_type"),
	    "cavra.endpoint_remediation_sla.notification");
	cr_assert_not(json_object_get_boolean(api_get(r.json, "success")));
	cr_assert_str_eq(api_str(r.json, "event_id"), rid);
	api_free(&r);
	cr_assert_eq(received_with("ok", rid), ok0 + 1);
	cr_assert_eq(received_with("bad", rid), bad0 + 1);

	/* the same report again, within the window: nothing is sent */
	flow_post(path, body, 200, &r);
	plan = api_get(r.json, "plan");
	cr_assert_eq(json_object_array_length(api_get(plan,
	    "selected_providers")), 0, "%s", r.body);
	cr_assert_eq(json_object_array_length(api_get(plan,
	    "suppressed_providers")), 2);
	cr_assert_str_eq(api_str(json_object_array_get_idx(api_get(plan,
	    "suppressed_providers"), 0), "provider"), "slack");
	cr_assert(json_object_is_type(json_object_object_get(r.json,
	    "delivery"), json_type_null));
	cr_assert(json_object_get_boolean(api_get(r.json, "success")));
	api_free(&r);
	cr_assert_eq(received_with("ok", rid), ok0 + 1);
	cr_assert_eq(received_with("bad", rid), bad0 + 1);

	/* acknowledgements: the report must exist, provider and state
	 * from their lists */
	snprintf(path, sizeof(path), ESR "-reports/%s/acknowledgements", rid);
	flow_post_refused(path,
	    "{\"provider\": \"webhook\", \"acknowledged_by\": "
	    "\"ops\", \"acknowledgement_state\": \"done\"}", 400,
	    "acknowledgement_state must be one of: acknowledged, dismissed, "
	    "escalated, resolved");
	flow_post_refused(path,
	    "{\"provider\": \"pagerduty\", \"acknowledged_by\": "
	    "\"ops\"}", 400, "provider must be one of: webhook, slack, teams, "
	    "jira, servicenow");
	flow_post_refused(ESR "-reports/ersla_none/acknowledgements",
	    "{\"provider\": "
	    "\"webhook\", \"acknowledged_by\": \"ops\"}", 404,
	    "endpoint remediation SLA report not found");
	snprintf(body, sizeof(body), "{\"provider\": \"WebHook\", "
	    "\"acknowledged_by\": \"ops\", \"plan_id\": \"%s\"}", pid);
	flow_post(path, body, 200, &r);
	m = api_get(r.json, "metadata");
	cr_assert_str_eq(api_str(m, "metadata_kind"),
	    "endpoint-remediation-sla-notification-ack");
	cr_assert_str_eq(api_str(m, "provider"), "webhook");
	cr_assert_str_eq(api_str(m, "acknowledgement_state"), "acknowledged");
	cr_assert_str_eq(api_str(m, "plan_id"), pid);
	cr_assert_eq(strncmp(api_str(m, "session_id"), "erslaack-", 9), 0);
	api_free(&r);

	/* notification history: 2 plans, 1 acknowledgement, 1 delivery */
	cr_assert_eq(flow_total(ESR "-notifications"), 4);
	snprintf(path, sizeof(path), ESR "-notifications?report_id=%s", rid);
	cr_assert_eq(flow_total(path), 4);
	cr_assert_eq(flow_total(ESR "-notifications?suppressed=true"), 1);
	cr_assert_eq(flow_total(ESR "-notifications?suppressed=false"), 3);
	cr_assert_eq(flow_total(ESR "-notifications?provider=Slack"), 3);
	cr_assert_eq(flow_total(ESR "-notifications?metadata_kind="
	    "endpoint-remediation-sla-notification-ack"), 1);
	cr_assert_eq(flow_total(ESR "-notifications?acknowledgement_state="
	    "Acknowledged"), 1);
	flow_get(ESR "-notifications/dashboard", 200, &r);
	cr_assert_str_eq(api_str(r.json, "alert_level"), "critical");
	cr_assert_eq(api_int(r.json, "plan_count"), 2);
	cr_assert_eq(api_int(r.json, "delivery_count"), 1);
	cr_assert_eq(api_int(r.json, "failed_delivery_count"), 1);
	cr_assert_eq(api_int(r.json, "acknowledgement_count"), 1);
	cr_assert_eq(api_int(r.json, "suppressed_provider_count"), 2);
	cr_assert_eq(api_int(r.json, "outstanding_acknowledgement_count"), 1);
	cr_assert_str_eq(api_str(json_object_array_get_idx(api_get(r.json,
	    "outstanding_acknowledgements"), 0), "provider"), "slack");
	api_free(&r);

	/* E2: the latest plan selected nobody, so the delivery stands for
	 * it (both providers, owner release-governance); the ladder's rung
	 * at 0 minutes is on slack routes only */
	flow_post(ESR "-notifications/escalation-plan", "{\"slo_policy\": "
	    "{\"ladders\": [{\"level\": \"owner\", \"after_minutes\": 0, "
	    "\"route_providers\": [\"slack\"], \"providers\": [\"jira\"], "
	    "\"action\": \"Page the owner.\"}], \"owner_slos\": "
	    "{\"release-governance\": {\"acknowledgement_minutes\": 30}}}, "
	    "\"generated_by\": \"sla-test\"}", 200, &r);
	plan = api_get(r.json, "plan");
	snprintf(eid, sizeof(eid), "%s", api_str(plan, "plan_id"));
	cr_assert_eq(strncmp(eid, "erslaesc-", 9), 0, "%s", eid);
	cr_assert_eq(api_int(plan, "route_count"), 2, "%s", r.body);
	cr_assert_eq(api_int(plan, "active_escalation_count"), 1);
	cr_assert_eq(api_int(plan, "owner_count"), 1);
	cr_assert_str_eq(api_str(plan, "alert_level"), "critical");
	rt = json_object_array_get_idx(api_get(plan, "route_statuses"), 0);
	cr_assert_str_eq(api_str(rt, "provider"), "slack");
	cr_assert(json_object_get_boolean(api_get(rt, "active_escalation")));
	cr_assert_str_eq(api_str(rt, "escalation_level"), "owner");
	cr_assert_str_eq(api_str(rt, "recommended_action"), "Page the owner.");
	cr_assert_str_eq(api_str(rt, "owner"), "release-governance");
	cr_assert_eq(api_int(rt, "acknowledgement_minutes"), 30);
	cr_assert_str_eq(api_str(rt, "acknowledgement_state"), "pending");
	rt = json_object_array_get_idx(api_get(plan, "route_statuses"), 1);
	cr_assert_str_eq(api_str(rt, "provider"), "webhook");
	cr_assert_str_eq(api_str(rt, "acknowledgement_slo_state"), "met");
	cr_assert_not(json_object_get_boolean(api_get(rt,
	    "active_escalation")));
	cr_assert_str_eq(api_str(api_get(r.json, "metadata"),
	    "metadata_kind"), "endpoint-remediation-sla-escalation-plan");
	api_free(&r);

	ok0 = received_with("ok", eid);
	snprintf(path, sizeof(path), ESR "-escalations/%s/deliver", eid);
	flow_post(path, "{\"provider\": \"webhook\", \"retries\": 0}", 200, &r);
	cr_assert_str_eq(api_str(api_get(r.json, "event"), "event_type"),
	    "cavra.endpoint_remediation_sla.escalation_delivery");
	cr_assert_eq(json_object_array_length(api_get(api_get(r.json,
	    "event"), "routes")), 1);
	cr_assert_str_eq(api_str(api_get(r.json, "metadata"),
	    "connector_delivery_source"),
	    "endpoint_remediation_sla_escalation_delivery");
	cr_assert(json_object_get_boolean(api_get(r.json, "success")));
	cr_assert_str_eq(api_str(r.json, "event_id"), eid);
	api_free(&r);
	cr_assert_eq(received_with("ok", eid), ok0 + 1);
	flow_post_refused(ESR "-escalations/erslaesc-none/deliver", "{}", 404,
	    "endpoint remediation SLA escalation plan not found");

	/* an owner review of the slack route */
	snprintf(path, sizeof(path), ESR "-escalations/%s/reviews", eid);
	snprintf(body, sizeof(body), "{\"report_id\": \"%s\", \"provider\": "
	    "\"slack\", \"owner\": \"release-governance\", \"reviewed_by\": "
	    "\"owner-1\", \"review_state\": \"bogus\"}", rid);
	flow_post_refused(path, body, 400,
	    "review_state must be one of: accepted, "
	    "deferred, resolved, false_positive, escalated");
	snprintf(body, sizeof(body), "{\"report_id\": \"%s\", \"provider\": "
	    "\"slack\", \"reviewed_by\": \"owner-1\"}", rid);
	flow_post_refused(path, body, 400, "owner is required");
	snprintf(body, sizeof(body), "{\"report_id\": \"%s\", \"provider\": "
	    "\"slack\", \"owner\": \"release-governance\", \"reviewed_by\": "
	    "\"owner-1\"}", rid);
	flow_post_refused(ESR "-escalations/erslaesc-none/reviews", body, 404,
	    "endpoint remediation SLA escalation plan not found");
	snprintf(body, sizeof(body), "{\"report_id\": \"%s\", \"provider\": "
	    "\"slack\", \"owner\": \"release-governance\", \"reviewed_by\": "
	    "\"owner-1\", \"review_state\": \"Deferred\"}", rid);
	flow_post(path, body, 200, &r);
	m = api_get(r.json, "metadata");
	cr_assert_str_eq(api_str(m, "metadata_kind"),
	    "endpoint-remediation-sla-escalation-review");
	cr_assert_str_eq(api_str(m, "review_state"), "deferred");
	cr_assert_str_eq(api_str(m, "signer"), "owner-1");
	cr_assert_eq(api_int(m, "blocked_count"), 0);
	cr_assert_eq(api_int(m, "approval_required_count"), 1);
	cr_assert_eq(strncmp(api_str(m, "session_id"), "erslaescr-", 10), 0);
	api_free(&r);

	/* escalation history and dashboard */
	cr_assert_eq(flow_total(ESR "-escalations"), 1);
	flow_get(ESR "-escalations?active_only=true", 200, &r);
	items = api_get(r.json, "items");
	cr_assert_eq(json_object_array_length(items), 1);
	cr_assert_eq(json_object_array_length(api_get(
	    json_object_array_get_idx(items, 0), "matched_route_statuses")), 1);
	api_free(&r);
	cr_assert_eq(flow_total(ESR "-escalations?active_only=true&provider="
	    "webhook"), 0);
	flow_get(ESR "-escalations?owner=RELEASE-Governance", 200, &r);
	cr_assert_eq(json_object_array_length(api_get(
	    json_object_array_get_idx(api_get(r.json, "items"), 0),
	    "matched_route_statuses")), 2);
	api_free(&r);
	cr_assert_eq(flow_total(ESR "-escalations?alert_level=healthy"), 0);
	flow_get(ESR "-escalations/dashboard", 200, &r);
	cr_assert_str_eq(api_str(r.json, "alert_level"), "critical");
	cr_assert_eq(api_int(r.json, "plan_count"), 1);
	cr_assert_eq(api_int(r.json, "route_count"), 2);
	cr_assert_eq(api_int(r.json, "active_escalation_count"), 1);
	cr_assert_eq(api_int(r.json, "acknowledgement_breach_count"), 0);
	cr_assert_eq(api_int(r.json, "owner_count"), 1);
	cr_assert_eq(json_object_array_length(api_get(r.json,
	    "active_escalations")), 1);
	api_free(&r);

	/* escalation actions: the plan, the review, the delivery */
	cr_assert_eq(flow_total(ESR "-escalation-actions"), 3);
	snprintf(path, sizeof(path), ESR "-escalation-actions?plan_id=%s",
	    eid);
	cr_assert_eq(flow_total(path), 3);
	cr_assert_eq(flow_total(ESR "-escalation-actions?provider=slack"), 2);
	cr_assert_eq(flow_total(ESR
	    "-escalation-actions?review_state=deferred"),
	    1);
	cr_assert_eq(flow_total(ESR "-escalation-actions?owner=nobody"), 0);
	flow_get(ESR "-escalation-actions/dashboard", 200, &r);
	cr_assert_str_eq(api_str(r.json, "alert_level"), "critical");
	cr_assert_eq(api_int(r.json, "plan_count"), 1);
	cr_assert_eq(api_int(r.json, "delivery_count"), 1);
	cr_assert_eq(api_int(r.json, "failed_delivery_count"), 0);
	cr_assert_eq(api_int(r.json, "owner_review_count"), 1);
	cr_assert_eq(api_int(r.json, "unresolved_review_count"), 1);
	cr_assert_eq(api_int(r.json, "active_escalation_count"), 1);
	cr_assert_eq(api_int(r.json, "owner_count"), 1);
	api_free(&r);

	/* reports */
	cr_assert_eq(flow_total(ESR "-reports"), 1);
	cr_assert_eq(flow_total(ESR "-reports?alert_level=critical"), 1);
	cr_assert_eq(flow_total(ESR "-reports?min_breached=3"), 0);
	flow_get(ESR "-reports/dashboard", 200, &r);
	cr_assert_str_eq(api_str(r.json, "alert_level"), "critical");
	cr_assert_eq(api_int(r.json, "report_count"), 1);
	cr_assert_eq(api_int(r.json, "critical_report_count"), 1);
	cr_assert_eq(api_int(r.json, "tracked_work_item_count"), 4);
	cr_assert_eq(api_int(r.json, "breached_count"), 2);
	cr_assert_str_eq(api_str(r.json, "latest_report_id"), rid);
	api_free(&r);
}

/* Errors that store nothing: thresholds, unknown reports. */
API_TEST(sla, errors)
{
	flow_post_refused(ESR "/report",
	    "{\"warning_hours\": 50, \"critical_hours\": "
	    "48}", 400, "warning_hours must be less than or equal to "
	    "critical_hours");
	flow_post_refused(ESR "/report", "{\"warning_hours\": \"x\"}", 400,
	    "warning_hours must be an integer");
	flow_post_refused(ESR "-reports/ersla_none/deliver", "{}", 404,
	    "endpoint remediation SLA report not found");
	flow_post_refused(ESR "-reports/ersla_none/deliver",
	    "{\"routing_policy\": []}",
	    400, "routing_policy must be an object");
}
