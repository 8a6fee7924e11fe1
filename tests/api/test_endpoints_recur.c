/*
 * API tests of the SLA escalation recurrence routes of cavra-endpoints
 * (fcgi/endpoints_recur.c: E3, E4, E5).  One walk through the real
 * routes: a Linux inventory is ingested and reconciled (drift opens a
 * remediation request), handed off to Jira and Slack, Slack reports
 * blocked; the SLA report, its notification, an escalation plan whose
 * ladder makes both routes active, its delivery and a resolved review
 * of the Slack route follow.  The first recurrence plan suppresses the
 * reviewed route and lets the other wait for the interval; a second
 * escalation plan (not yet delivered) under a maintenance window for
 * Slack gives one deliverable route.  That batch goes to a receiver
 * answering 200 (webhook) and one answering 500 (slack, tests/data/
 * test_endpoints_recur.recv); the failure gets a retry plan, the owner a
 * digest; the suppression trend, a dry and an executed automation run,
 * their list and dashboard, the automation health, its alert (a second
 * one inside the window suppressed), an acknowledgement and the alert
 * list and dashboard are counted exactly.  Errors: unknown ids (404),
 * state words (the allowed list) and numbers (400).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/hooks.h>

#include "harness.h"
#include "extra.h"
#include "flow.h"

#define ESE "/endpoint-remediation-sla-escalation"
#define ESR ESE "-recurrences"
#define ESA ESE "-recurrence-automations"
#define ESH ESE "-recurrence-automation-health-alerts"
#define SHA_C "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc"

/* The desired manifest of the drift: linux-amd64 only. */
#define DESIRED                                                                \
	"{\"schema_version\": \"cavra.go-runtime.endpoint-deployment.v1\", "   \
	"\"version\": \"1.2.3\", \"commit\": \"0123456789abcdef\", "           \
	"\"repository\": \"example/cavra\", \"source_metadata\": "             \
	"\"cavra-runtime.installers.json\", \"deployment_targets\": "          \
	"[{\"id\": \"linux-amd64\", \"binary_sha256\": \"" SHA_C "\", "        \
	"\"management_tool\": \"linux-fleet\"}]}"

/* An SLO policy whose ladder rung at 0 minutes makes every route
 * active. */
#define SLO_POLICY                                                             \
	"{\"slo_policy\": {\"ladders\": [{\"level\": \"owner\", "              \
	"\"after_minutes\": 0, \"providers\": [\"slack\"], \"action\": "       \
	"\"Page the owner.\"}]}}"

/* The string member key of r's answer into buf. */
static void
keep(char *buf, size_t len, struct json_object *o, const char *key)
{
	snprintf(buf, len, "%s", api_str(o, key));
	cr_assert(*buf != '\0', "no %s", key);
}

/* The route decision of plan for provider (borrowed). */
static struct json_object *
decision(struct json_object *plan, const char *prov)
{
	struct json_object *d = api_get(plan, "route_decisions");
	size_t i;

	for (i = 0; i < json_object_array_length(d); i++)
		if (strcmp(api_str(json_object_array_get_idx(d, i), "provider"),
		        prov) == 0)
			return json_object_array_get_idx(d, i);
	cr_assert_fail("no decision for %s", prov);
	return NULL;
}

/*
 * The automation health alert routed by routing_policy policy (forced
 * past the suppression window, no retries): its plan (borrowed from *r,
 * which the caller frees) selects provider prov alone.
 */
static struct json_object *
routed(const char *policy, const char *prov, struct api_resp *r)
{
	struct json_object *p;
	char body[2048];

	snprintf(body, sizeof(body),
	    "{\"retries\": 0, \"force\": true, "
	    "\"routing_policy\": %s}",
	    policy);
	flow_post(ESH "/deliver", body, 200, r);
	p = api_get(r->json, "plan");
	flow_assert_strv(api_get(p, "eligible_providers"),
	    (const char *const[]){prov, NULL});
	flow_assert_strv(api_get(p, "selected_providers"),
	    (const char *const[]){prov, NULL});
	return p;
}

/* From ingest to an escalation plan that was delivered and whose Slack
 * route was resolved by its owner: the escalation plan id into eid and
 * the report id into rid. */
static void
escalate(char *eid, size_t elen, char *rid, size_t rlen)
{
	struct api_resp r;
	char ch[96], inv[64], qid[64], hid[64], path[512], body[2048];

	api_uid(ch, sizeof(ch), "ch");
	snprintf(body, sizeof(body),
	    "{\"provider\": \"linux\", \"channel\": "
	    "\"%s\", \"payload\": {\"hosts\": [{\"hostname\": \"lin-1\", "
	    "\"target\": \"linux-amd64\", \"version\": \"1.2.3\", "
	    "\"checksum\": \"" SHA_C "\"}, {\"hostname\": \"lin-2\"}]}}",
	    ch);
	flow_post("/endpoint-inventory/ingest", body, 200, &r);
	keep(inv, sizeof(inv), r.json, "inventory_id");
	api_free(&r);
	snprintf(path, sizeof(path),
	    "/endpoint-inventory-ingestions/%s/"
	    "reconcile",
	    inv);
	flow_post(path,
	    "{\"desired_manifest\": " DESIRED ", "
	    "\"requested_by\": \"robot\"}",
	    200, &r);
	cr_assert_str_eq(api_str(api_get(r.json, "automation"), "drift_status"),
	    "drift_detected", "%s", r.body);
	keep(qid, sizeof(qid), r.json, "request_id");
	api_free(&r);
	snprintf(path, sizeof(path), "/endpoint-remediations/%s/handoff", qid);
	flow_post(path, "{\"providers\": [\"jira\", \"slack\"]}", 200, &r);
	keep(hid, sizeof(hid), api_get(r.json, "handoff"), "handoff_id");
	api_free(&r);
	snprintf(path, sizeof(path), "/endpoint-remediation-handoffs/%s/status",
	    hid);
	flow_post(path, "{\"provider\": \"slack\", \"status\": \"blocked\"}",
	    200, &r);
	api_free(&r);

	flow_post("/endpoint-remediation-sla/report",
	    "{\"generated_by\": "
	    "\"recur-test\"}",
	    200, &r);
	keep(rid, rlen, r.json, "report_id");
	cr_assert_str_eq(
	    api_str(api_get(r.json, "report"), "alert_level"), "critical");
	api_free(&r);
	snprintf(path, sizeof(path),
	    "/endpoint-remediation-sla-reports/%s/"
	    "deliver",
	    rid);
	flow_post(path, "{\"retries\": 0}", 200, &r);
	cr_assert_eq(json_object_array_length(api_get(
	                 api_get(r.json, "plan"), "selected_providers")),
	    2, "%s", r.body);
	api_free(&r);
	flow_post("/endpoint-remediation-sla-notifications/escalation-plan",
	    SLO_POLICY, 200, &r);
	keep(eid, elen, api_get(r.json, "plan"), "plan_id");
	cr_assert_eq(
	    api_int(api_get(r.json, "plan"), "active_escalation_count"), 2,
	    "%s", r.body);
	api_free(&r);
	snprintf(path, sizeof(path),
	    "/endpoint-remediation-sla-escalations/"
	    "%s/deliver",
	    eid);
	flow_post(path, "{\"provider\": \"webhook\", \"retries\": 0}", 200, &r);
	cr_assert(json_object_get_boolean(api_get(r.json, "success")));
	api_free(&r);
	snprintf(path, sizeof(path),
	    "/endpoint-remediation-sla-escalations/"
	    "%s/reviews",
	    eid);
	snprintf(body, sizeof(body),
	    "{\"report_id\": \"%s\", \"provider\": "
	    "\"slack\", \"owner\": \"release-governance\", \"reviewed_by\": "
	    "\"owner-1\", \"review_state\": \"resolved\"}",
	    rid);
	flow_post(path, body, 200, &r);
	api_free(&r);
}

/* The whole recurrence chain on one store, with exact counts. */
API_TEST(recur, walk)
{
	struct api_resp r;
	struct json_object *p, *m, *d, *s, *ev, *o, *it;
	char eid[128], eid2[128], rid[128], rp1[128], rp2[128], tid[128],
	    did[128], hid[128], path[512], body[2048], from[64], to[64];
	size_t i;
	int ok0, bad0;

	escalate(eid, sizeof(eid), rid, sizeof(rid));

	/* Recurrence 1: the reviewed slack route is suppressed, the webhook
	 * one waits for the 30 minute interval after the delivery. */
	flow_post(ESE "s/recurrence-plan",
	    "{\"recurrence_policy\": "
	    "{\"recurrence_interval_minutes\": 30, "
	    "\"max_recurrences_per_route\": 3}, \"generated_by\": \"rt\"}",
	    200, &r);
	p = api_get(r.json, "plan");
	keep(rp1, sizeof(rp1), p, "recurrence_plan_id");
	cr_assert_eq(strncmp(rp1, "erslaescrp-", 11), 0, "%s", rp1);
	cr_assert_eq(strlen(rp1), 11 + 16);
	cr_assert_str_eq(api_str(p, "schema_version"),
	    "cavra.endpoint_remediation_sla.escalation_recurrence_plan.v1");
	cr_assert_str_eq(api_str(p, "plan_id"), eid);
	cr_assert_eq(api_int(p, "route_count"), 2, "%s", r.body);
	cr_assert_eq(api_int(p, "suppressed_route_count"), 1);
	cr_assert_eq(api_int(p, "waiting_route_count"), 1);
	cr_assert_eq(api_int(p, "deliverable_route_count"), 0);
	cr_assert_str_eq(api_str(p, "alert_level"), "warning");
	d = decision(p, "slack");
	cr_assert_str_eq(api_str(d, "action"), "suppress");
	cr_assert_str_eq(api_str(d, "reason"), "owner review state is "
	                                       "resolved");
	cr_assert_str_eq(api_str(d, "review_state"), "resolved");
	d = decision(p, "webhook");
	cr_assert_str_eq(api_str(d, "action"), "wait");
	cr_assert_eq(api_int(d, "recurrence_count"), 1);
	cr_assert_str_eq(api_str(d, "reason"), "recurrence interval 30 "
	                                       "minutes has not elapsed");
	m = api_get(r.json, "metadata");
	cr_assert_str_eq(api_str(m, "metadata_kind"),
	    "endpoint-remediation-sla-escalation-recurrence-plan");
	cr_assert_eq(api_int(m, "decision_count"), 2);
	cr_assert_eq(api_int(m, "blocked_count"), 1);
	cr_assert_eq(api_int(m, "approval_required_count"), 0);
	cr_assert_str_eq(api_str(m, "signer"), "rt");
	api_free(&r);

	/* Nothing of plan 1 is deliverable: nothing is sent. */
	ok0 = flow_logged("ok", rp1);
	snprintf(path, sizeof(path), ESR "/%s/deliver", rp1);
	flow_post(path, "{\"retries\": 0}", 200, &r);
	cr_assert(
	    json_object_is_type(api_get(r.json, "delivery"), json_type_null));
	cr_assert(json_object_get_boolean(api_get(r.json, "success")));
	cr_assert_eq(json_object_array_length(
	                 api_get(api_get(r.json, "event"), "routes")),
	    0);
	api_free(&r);
	cr_assert_eq(flow_logged("ok", rp1), ok0);

	/* Its suppression audit (stored). */
	snprintf(path, sizeof(path), ESR "/%s/suppression-audit", rp1);
	flow_get(path, 200, &r);
	o = api_get(r.json, "audit");
	cr_assert_eq(strncmp(api_str(o, "audit_id"), "erslaescaudit-", 14), 0);
	s = api_get(o, "summary");
	cr_assert_eq(api_int(s, "suppressed_route_count"), 1);
	cr_assert_eq(api_int(s, "waiting_route_count"), 1);
	cr_assert_eq(api_int(s, "interval_wait_count"), 1);
	cr_assert_eq(api_int(s, "maintenance_suppressed_count"), 0);
	cr_assert_eq(
	    json_object_array_length(api_get(o, "suppressed_routes")), 1);
	cr_assert_str_eq(api_str(o, "generated_by"), "console");
	cr_assert_str_eq(api_str(api_get(r.json, "metadata"), "metadata_kind"),
	    "endpoint-remediation-sla-escalation-suppression-audit");
	api_free(&r);
	/* ?persist=false stores nothing: one audit counts below */
	snprintf(
	    path, sizeof(path), ESR "/%s/suppression-audit?persist=false", rp1);
	flow_get(path, 200, &r);
	api_free(&r);

	/* Recurrence 2 of a new escalation plan: webhook under a maintenance
	 * window, the owner's calendar open all day: slack deliverable. */
	flow_post("/endpoint-remediation-sla-notifications/escalation-plan",
	    SLO_POLICY, 200, &r);
	keep(eid2, sizeof(eid2), api_get(r.json, "plan"), "plan_id");
	api_free(&r);
	flow_stamp(from, sizeof(from), -300);
	flow_stamp(to, sizeof(to), 1800);
	snprintf(body, sizeof(body),
	    "{\"recurrence_policy\": "
	    "{\"maintenance_windows\": [{\"window_id\": \"hook-mw\", "
	    "\"providers\": [\"WEBHOOK\"], \"start_at\": \"%s\", \"end_at\": "
	    "\"%s\", \"reason\": \"provider maintenance\"}], "
	    "\"owner_calendars\": {\"release-governance\": "
	    "{\"business_hours\": "
	    "[{\"days\": [\"mon\", \"tue\", \"wed\", \"thu\", \"fri\", "
	    "\"sat\", "
	    "\"sun\"], \"start\": \"00:00\", \"end\": \"23:59\"}]}}}}",
	    from, to);
	flow_post(ESE "s/recurrence-plan", body, 200, &r);
	p = api_get(r.json, "plan");
	keep(rp2, sizeof(rp2), p, "recurrence_plan_id");
	cr_assert_str_eq(api_str(p, "plan_id"), eid2);
	cr_assert_eq(api_int(p, "deliverable_route_count"), 1, "%s", r.body);
	cr_assert_eq(api_int(p, "suppressed_route_count"), 1);
	cr_assert_eq(api_int(p, "maintenance_suppressed_count"), 1);
	cr_assert_eq(api_int(p, "calendar_suppressed_count"), 0);
	cr_assert_str_eq(api_str(p, "alert_level"), "critical");
	d = decision(p, "webhook");
	cr_assert_str_eq(
	    api_str(api_get(d, "maintenance_window"), "window_id"), "hook-mw");
	d = decision(p, "slack");
	cr_assert_str_eq(api_str(d, "action"), "deliver");
	cr_assert_eq(api_int(d, "recurrence_count"), 0);
	cr_assert_str_eq(api_str(api_get(d, "owner_availability"), "reason"),
	    "owner calendar is available");
	api_free(&r);

	/* Its batch (the slack route) to webhook (200) and slack (500). */
	ok0 = flow_logged("ok", rp2);
	bad0 = flow_logged("bad", rp2);
	snprintf(path, sizeof(path), ESR "/%s/deliver", rp2);
	flow_post(path, "{\"retries\": 0}", 200, &r);
	ev = api_get(r.json, "event");
	cr_assert_str_eq(api_str(ev, "event_type"),
	    "cavra.endpoint_remediation_sla.escalation_recurrence_delivery");
	cr_assert_eq(json_object_array_length(api_get(ev, "routes")), 1);
	cr_assert_eq(
	    api_int(api_get(ev, "summary"), "deliverable_route_count"), 1);
	m = api_get(r.json, "metadata");
	cr_assert_str_eq(api_str(m, "connector_delivery_source"),
	    "endpoint_remediation_sla_escalation_recurrence_delivery");
	cr_assert_str_eq(api_str(m, "event_id"), rp2);
	cr_assert_str_eq(api_str(m, "recurrence_plan_id"), rp2);
	cr_assert_not(json_object_get_boolean(api_get(m, "delivery_success")));
	cr_assert_null(json_object_object_get(r.json, "recurrence_plan_id"));
	cr_assert_not(json_object_get_boolean(api_get(r.json, "success")));
	cr_assert_str_eq(api_str(r.json, "event_id"), rp2);
	api_free(&r);
	cr_assert_gt(flow_logged("ok", rp2), ok0);
	cr_assert_gt(flow_logged("bad", rp2), bad0);

	/* The failed slack batch may be retried at once; the decision
	 * carries the slack route of plan 2 it covers. */
	flow_post(ESR "/retry-plan",
	    "{\"retry_policy\": "
	    "{\"allow_immediate_retry\": true}}",
	    200, &r);
	p = api_get(r.json, "plan");
	keep(tid, sizeof(tid), p, "retry_plan_id");
	cr_assert_eq(strncmp(tid, "erslaescrtry-", 13), 0, "%s", tid);
	cr_assert_eq(api_int(p, "decision_count"), 1, "%s", r.body);
	cr_assert_eq(api_int(p, "retryable_count"), 1);
	d = json_object_array_get_idx(api_get(p, "retry_decisions"), 0);
	cr_assert_str_eq(api_str(d, "recurrence_plan_id"), rp2);
	cr_assert_str_eq(api_str(d, "plan_id"), eid2);
	cr_assert_str_eq(api_str(d, "provider"), "slack");
	cr_assert_str_eq(api_str(d, "action"), "retry");
	cr_assert_eq(api_int(d, "route_count"), 1, "%s", r.body);
	it = json_object_array_get_idx(api_get(d, "routes"), 0);
	cr_assert_str_eq(api_str(it, "provider"), "slack");
	cr_assert_str_eq(api_str(it, "action"), "deliver");
	cr_assert_str_eq(api_str(it, "owner"), "release-governance");
	cr_assert_str_eq(api_str(it, "escalation_plan_id"), eid2);
	cr_assert_str_eq(api_str(api_get(r.json, "metadata"), "metadata_kind"),
	    "endpoint-remediation-sla-escalation-recurrence-retry-plan");
	api_free(&r);

	/* The owner digest of plan 2 with that retry plan, to webhook. */
	snprintf(path, sizeof(path), ESR "/%s/owner-digest", rp2);
	flow_post_fails(path, "{\"retry_plan_id\": \"erslaescrtry-none\"}", 404,
	    "endpoint remediation SLA escalation recurrence retry plan "
	    "not found");
	snprintf(body, sizeof(body),
	    "{\"retry_plan_id\": \"%s\", "
	    "\"provider\": \"webhook\", \"retries\": 0}",
	    tid);
	flow_post(path, body, 200, &r);
	o = api_get(r.json, "event");
	keep(did, sizeof(did), o, "digest_id");
	cr_assert_eq(strncmp(did, "erslaescdigest-", 15), 0, "%s", did);
	cr_assert_str_eq(api_str(o, "retry_plan_id"), tid);
	cr_assert_eq(api_int(api_get(o, "summary"), "owner_count"), 1);
	cr_assert_eq(
	    api_int(api_get(o, "summary"), "unresolved_route_count"), 1);
	cr_assert_eq(api_int(api_get(o, "summary"), "retryable_count"), 1);
	/* the unresolved slack route, and its retry through the
	 * decision's routes */
	it = json_object_array_get_idx(api_get(o, "owners"), 0);
	cr_assert_str_eq(api_str(it, "owner"), "release-governance");
	cr_assert_eq(api_int(it, "route_count"), 1);
	cr_assert_eq(api_int(it, "retry_count"), 1);
	cr_assert_eq(api_int(api_get(it, "providers"), "slack"), 2);
	cr_assert_str_eq(
	    api_str(api_get(r.json, "digest_metadata"), "metadata_kind"),
	    "endpoint-remediation-sla-escalation-owner-"
	    "digest");
	cr_assert_str_eq(
	    api_str(api_get(r.json, "metadata"), "connector_delivery_source"),
	    "endpoint_remediation_sla_escalation_owner_digest");
	cr_assert(json_object_get_boolean(api_get(r.json, "success")));
	api_free(&r);
	cr_assert_gt(flow_logged("ok", did), 0);

	/* Suppression trends: plan 1 (2 rows), its audit (2), plan 2 (1). */
	flow_get(ESR "/suppression-trends", 200, &r);
	o = api_get(r.json, "trend");
	cr_assert_eq(strncmp(api_str(o, "trend_id"), "erslaesctrend-", 14), 0);
	cr_assert_eq(api_int(o, "suppression_event_count"), 5, "%s", r.body);
	s = api_get(o, "category_counts");
	cr_assert_eq(api_int(s, "owner_review"), 2);
	cr_assert_eq(api_int(s, "recurrence_interval_wait"), 2);
	cr_assert_eq(api_int(s, "maintenance_window"), 1);
	cr_assert_eq(api_int(api_get(o, "provider_counts"), "slack"), 2);
	cr_assert_eq(api_int(api_get(o, "provider_counts"), "webhook"), 3);
	cr_assert_str_eq(api_str(o, "alert_level"), "warning");
	cr_assert_str_eq(api_str(api_get(r.json, "metadata"), "metadata_kind"),
	    "endpoint-remediation-sla-escalation-suppression-trend");
	api_free(&r);

	/* A dry automation run: digests of both plans stored, none sent. */
	flow_post(ESR "/automation-run",
	    "{\"retry_policy\": "
	    "{\"allow_immediate_retry\": true}, \"schedule\": "
	    "{\"interval_minutes\": 30}}",
	    200, &r);
	o = api_get(r.json, "run");
	cr_assert(json_object_get_boolean(api_get(o, "dry_run")));
	cr_assert_eq(strncmp(api_str(o, "run_id"), "erslaescauto-", 13), 0);
	s = api_get(o, "summary");
	cr_assert_eq(api_int(s, "recurrence_plan_count"), 2, "%s", r.body);
	cr_assert_eq(api_int(s, "retryable_count"), 1);
	cr_assert_eq(api_int(s, "owner_digest_count"), 2);
	cr_assert_eq(api_int(s, "owner_digest_route_count"), 2);
	cr_assert_eq(api_int(s, "owner_digest_delivery_count"), 0);
	cr_assert_eq(api_int(s, "suppression_event_count"), 5);
	cr_assert_eq(api_int(s, "follow_up_action_count"), 1 + 2 + 5);
	cr_assert_eq(api_int(api_get(o, "schedule"), "interval_minutes"), 30);
	cr_assert_eq(
	    json_object_array_length(api_get(r.json, "owner_digests")), 2);
	for (i = 0; i < 2; i++) {
		it = json_object_array_get_idx(
		    api_get(r.json, "owner_digests"), i);
		cr_assert_str_eq(api_str(it, "skipped"), "dry_run");
		cr_assert(json_object_is_type(
		    api_get(it, "delivery_metadata"), json_type_null));
		cr_assert_str_eq(
		    api_str(api_get(it, "digest_metadata"), "metadata_kind"),
		    "endpoint-remediation-sla-escalation-owner-digest");
		cr_assert_eq(flow_logged("ok",
		                 api_str(api_get(it, "event"), "digest_id")),
		    0);
	}
	cr_assert_str_eq(
	    api_str(api_get(r.json, "trend_metadata"), "metadata_kind"),
	    "endpoint-remediation-sla-escalation-suppression-trend");
	m = api_get(r.json, "metadata");
	cr_assert_str_eq(api_str(m, "metadata_kind"),
	    "endpoint-remediation-sla-escalation-recurrence-automation-run");
	cr_assert_eq(api_int(m, "owner_digest_count"), 2);
	api_free(&r);

	/* Executed: both digests sent to webhook (200) and slack (500). */
	flow_post(ESR "/automation-run",
	    "{\"execute\": true, \"retries\": 0, "
	    "\"retry_policy\": {\"allow_immediate_retry\": true}}",
	    200, &r);
	o = api_get(r.json, "run");
	cr_assert_not(json_object_get_boolean(api_get(o, "dry_run")));
	cr_assert_eq(
	    api_int(api_get(o, "summary"), "owner_digest_delivery_count"), 2,
	    "%s", r.body);
	cr_assert_eq(
	    json_object_array_length(api_get(r.json, "owner_digests")), 2);
	for (i = 0; i < 2; i++) {
		it = json_object_array_get_idx(
		    api_get(r.json, "owner_digests"), i);
		cr_assert(json_object_is_type(
		    api_get(it, "skipped"), json_type_null));
		cr_assert_not(json_object_get_boolean(
		    api_get(api_get(it, "delivery"), "success")));
		d = api_get(it, "delivery_metadata");
		cr_assert_not(
		    json_object_get_boolean(api_get(d, "delivery_success")));
		cr_assert_str_eq(api_str(d, "connector_delivery_source"),
		    "endpoint_remediation_sla_escalation_owner_digest");
		cr_assert_gt(flow_logged("ok", api_str(d, "event_id")), 0);
		cr_assert_str_eq(
		    json_object_get_string(json_object_array_get_idx(
		        api_get(d, "failed_providers"), 0)),
		    "slack");
	}
	api_free(&r);

	/* Automation runs: one dry, one executed. */
	cr_assert_eq(flow_total(ESA), 2);
	cr_assert_eq(flow_total(ESA "?dry_run=true"), 1);
	cr_assert_eq(flow_total(ESA "?dry_run=false"), 1);
	flow_get(ESA "/dashboard", 200, &r);
	cr_assert_str_eq(api_str(r.json, "alert_level"), "critical");
	cr_assert_eq(api_int(r.json, "run_count"), 2);
	cr_assert_eq(api_int(r.json, "dry_run_count"), 1);
	cr_assert_eq(api_int(r.json, "executed_count"), 1);
	cr_assert_eq(api_int(r.json, "retryable_count"), 2);
	cr_assert_eq(api_int(r.json, "owner_digest_count"), 4);
	cr_assert_eq(api_int(r.json, "suppression_event_count"), 10);
	api_free(&r);

	/* Health: the two failed digest deliveries are critical. */
	flow_get(ESA "/health", 200, &r);
	cr_assert_str_eq(api_str(r.json, "schema_version"),
	    "cavra.endpoint_remediation_sla.escalation_recurrence_automation_"
	    "health.v1");
	cr_assert_str_eq(api_str(r.json, "alert_level"), "critical");
	cr_assert_eq(api_int(r.json, "run_count"), 2);
	cr_assert_eq(api_int(r.json, "missed_run_count"), 0);
	cr_assert_eq(api_int(r.json, "stale_metadata_count"), 0, "%s", r.body);
	cr_assert_eq(api_int(r.json, "connector_delivery_failure_count"), 2);
	cr_assert_str_eq(
	    api_str(json_object_array_get_idx(api_get(r.json, "alerts"), 0),
	        "category"),
	    "connector_failure");
	keep(hid, sizeof(hid), r.json, "health_id");
	cr_assert_eq(strncmp(hid, "erslah-", 7), 0, "%s", hid);
	api_free(&r);

	/* Its alert: no rule, so the configured webhook (200) and slack
	 * (500), both to acknowledge (critical). */
	ok0 = flow_logged("ok", hid);
	bad0 = flow_logged("bad", hid);
	flow_post(ESH "/deliver", "{\"retries\": 0}", 200, &r);
	cr_assert_str_eq(api_str(r.json, "event_id"), hid, "%s", r.body);
	cr_assert_str_eq(api_str(api_get(r.json, "health"), "health_id"), hid);
	p = api_get(r.json, "plan");
	cr_assert_eq(strncmp(api_str(p, "plan_id"), "erslahalert-", 12), 0);
	cr_assert_eq(
	    json_object_array_length(api_get(p, "selected_providers")), 2);
	cr_assert_eq(
	    json_object_array_length(api_get(p, "matched_rule_ids")), 0);
	cr_assert_eq(json_object_array_length(
	                 api_get(p, "acknowledgement_required_providers")),
	    2);
	cr_assert_eq(json_object_array_length(api_get(p, "routes")), 2);
	cr_assert_eq(
	    api_int(api_get(p, "summary"), "connector_delivery_failure_count"),
	    2);
	cr_assert_str_eq(
	    api_str(api_get(r.json, "metadata"), "connector_delivery_source"),
	    "endpoint_remediation_sla_"
	    "escalation_recurrence_automation_health_alert");
	cr_assert_not(json_object_get_boolean(api_get(r.json, "success")));
	api_free(&r);
	cr_assert_gt(flow_logged("ok", hid), ok0);
	cr_assert_gt(flow_logged("bad", hid), bad0);
	cr_assert_eq(flow_posts("ok", "POST ", hid,
	                 "health-alert-derived-from-public-recurrence-"
	                 "automation-health"),
	    1);
	ok0 = flow_logged("ok", hid);
	bad0 = flow_logged("bad", hid);

	/* Acknowledgements: state and provider from their lists. */
	snprintf(path, sizeof(path), ESH "/%s/acknowledgements", hid);
	flow_post_fails(path,
	    "{\"provider\": \"webhook\", \"acknowledged_by\": "
	    "\"ops\", \"acknowledgement_state\": \"done\"}",
	    400,
	    "acknowledgement_state must be one of: acknowledged, dismissed, "
	    "escalated, resolved");
	flow_post_fails(path,
	    "{\"provider\": \"pagerduty\", "
	    "\"acknowledged_by\": \"ops\"}",
	    400,
	    "provider must be one of: "
	    "webhook, slack, teams, jira, servicenow");
	flow_post_fails(path, "{\"provider\": \"webhook\"}", 400,
	    "acknowledged_by is required");
	flow_post(path,
	    "{\"provider\": \"WebHook\", \"acknowledged_by\": "
	    "\"ops\", \"acknowledgement_state\": \"Resolved\"}",
	    200, &r);
	m = api_get(r.json, "metadata");
	cr_assert_str_eq(api_str(m, "metadata_kind"),
	    "endpoint-remediation-"
	    "sla-escalation-recurrence-automation-health-alert-ack");
	cr_assert_str_eq(api_str(m, "provider"), "webhook");
	cr_assert_str_eq(api_str(m, "acknowledgement_state"), "resolved");
	cr_assert_eq(strncmp(api_str(m, "session_id"), "erslahack-", 10), 0);
	api_free(&r);

	/* The same health again inside the window: nothing is sent. */
	flow_post(ESH "/deliver", "{\"retries\": 0}", 200, &r);
	cr_assert_str_eq(api_str(r.json, "event_id"), hid);
	p = api_get(r.json, "plan");
	cr_assert_eq(json_object_array_length(api_get(p, "selected_providers")),
	    0, "%s", r.body);
	cr_assert_eq(
	    json_object_array_length(api_get(p, "suppressed_providers")), 2);
	cr_assert(
	    json_object_is_type(api_get(r.json, "delivery"), json_type_null));
	cr_assert(json_object_get_boolean(api_get(r.json, "success")));
	api_free(&r);
	cr_assert_eq(flow_logged("ok", hid), ok0);
	cr_assert_eq(flow_logged("bad", hid), bad0);

	/* Alert history and dashboard: 2 plans, 1 ack, 1 delivery. */
	cr_assert_eq(flow_total(ESH), 4);
	snprintf(path, sizeof(path), ESH "?health_id=%s", hid);
	cr_assert_eq(flow_total(path), 4);
	cr_assert_eq(flow_total(ESH "?suppressed=true"), 1);
	cr_assert_eq(flow_total(ESH "?acknowledgement_state=resolved"), 1);
	cr_assert_eq(flow_total(ESH "?provider=slack"), 3);
	flow_get(ESH "/dashboard", 200, &r);
	cr_assert_str_eq(api_str(r.json, "alert_level"), "critical");
	cr_assert_eq(api_int(r.json, "plan_count"), 2);
	cr_assert_eq(api_int(r.json, "delivery_count"), 1);
	cr_assert_eq(api_int(r.json, "failed_delivery_count"), 1);
	cr_assert_eq(api_int(r.json, "acknowledgement_count"), 1);
	cr_assert_eq(api_int(r.json, "suppressed_provider_count"), 2);
	cr_assert_eq(api_int(r.json, "outstanding_acknowledgement_count"), 0);
	api_free(&r);

	/* Routing by rule: the connector-failure rule names webhook only,
	 * with its owner and no acknowledgement; the missed-run rule does
	 * not match (no run was missed). */
	ok0 = flow_posts("ok", "POST ", hid, NULL);
	bad0 = flow_posts("bad", "POST ", hid, NULL);
	p = routed("{\"health_alert_routing\": [{\"rule_id\": "
	           "\"digest-failures\", \"categories\": "
	           "[\"connector_failure\"], \"alert_levels\": "
	           "[\"critical\"], \"providers\": [\"WebHook\"], "
	           "\"owner\": \"ops-oncall\", "
	           "\"acknowledgement_required\": false}, {\"rule_id\": "
	           "\"missed\", \"min_missed_runs\": 1, \"providers\": "
	           "[\"slack\"]}]}",
	    "webhook", &r);
	cr_assert_str_eq(json_object_get_string(json_object_array_get_idx(
	                     api_get(p, "matched_rule_ids"), 0)),
	    "digest-failures");
	cr_assert_eq(
	    json_object_array_length(api_get(p, "matched_rule_ids")), 1);
	it = json_object_array_get_idx(api_get(p, "routes"), 0);
	cr_assert_str_eq(api_str(it, "owner"), "ops-oncall");
	cr_assert_not(
	    json_object_get_boolean(api_get(it, "acknowledgement_required")));
	cr_assert_eq(json_object_array_length(
	                 api_get(p, "acknowledgement_required_providers")),
	    0);
	cr_assert(json_object_get_boolean(api_get(r.json, "success")));
	api_free(&r);
	cr_assert_eq(flow_posts("ok", "POST ", hid, NULL), ok0 + 1);
	cr_assert_eq(flow_posts("bad", "POST ", hid, NULL), bad0);

	/* No rule matches: the policy's default providers (slack). */
	p = routed("{\"rules\": [{\"min_failed_jobs\": 1, \"providers\": "
	           "[\"webhook\"]}], \"default_providers\": [\"slack\"]}",
	    "slack", &r);
	cr_assert_eq(
	    json_object_array_length(api_get(p, "matched_rule_ids")), 0);
	cr_assert_not(json_object_get_boolean(api_get(r.json, "success")));
	api_free(&r);
	cr_assert_eq(flow_posts("ok", "POST ", hid, NULL), ok0 + 1);
	cr_assert_eq(flow_posts("bad", "POST ", hid, NULL), bad0 + 1);

	/* Recurrence history and dashboard. */
	cr_assert_eq(flow_total(ESR), 2);
	cr_assert_eq(flow_total(ESR "?action=suppress"), 2);
	cr_assert_eq(flow_total(ESR "?action=Deliver&provider=Slack"), 1);
	cr_assert_eq(flow_total(ESR "?owner=nobody"), 0);
	snprintf(path, sizeof(path), ESR "?plan_id=%s", eid);
	cr_assert_eq(flow_total(path), 1);
	flow_get(ESR "?action=wait", 200, &r);
	it = json_object_array_get_idx(api_get(r.json, "items"), 0);
	cr_assert_str_eq(api_str(it, "session_id"), rp1);
	cr_assert_eq(
	    json_object_array_length(api_get(it, "matched_route_decisions")),
	    1);
	api_free(&r);
	flow_get(ESR "/dashboard", 200, &r);
	cr_assert_str_eq(api_str(r.json, "alert_level"), "critical");
	cr_assert_eq(api_int(r.json, "plan_count"), 2);
	cr_assert_eq(api_int(r.json, "route_count"), 2);
	cr_assert_eq(api_int(r.json, "deliverable_route_count"), 1);
	cr_assert_eq(api_int(r.json, "suppressed_route_count"), 1);
	cr_assert_eq(api_int(r.json, "maintenance_suppressed_count"), 1);
	cr_assert_eq(json_object_array_length(api_get(r.json, "owners")), 1);
	api_free(&r);

	/* The escalation actions dashboard counts the new kinds too. */
	flow_get(
	    "/endpoint-remediation-sla-escalation-actions/dashboard", 200, &r);
	cr_assert_eq(api_int(r.json, "recurrence_plan_count"), 2);
	cr_assert_eq(api_int(r.json, "suppression_audit_count"), 1);
	cr_assert_eq(api_int(r.json, "recurrence_retry_plan_count"), 3);
	cr_assert_eq(api_int(r.json, "owner_digest_count"), 5);
	cr_assert_eq(api_int(r.json, "suppression_trend_count"), 3);
	cr_assert_eq(api_int(r.json, "recurrence_automation_run_count"), 2);
	api_free(&r);
}

/* Errors that store nothing: unknown plans, bad numbers and words. */
API_TEST(recur, errors)
{
	const char *nf = "endpoint remediation SLA escalation recurrence "
	                 "plan not found";

	flow_post_fails(ESR "/erslaescrp-none/deliver", "{}", 404, nf);
	flow_post_fails(ESR "/erslaescrp-none/owner-digest", "{}", 404, nf);
	flow_get_fails(ESR "/erslaescrp-none/suppression-audit", 404, nf);
	flow_post_fails(ESR "/erslaescrp-none/deliver",
	    "{\"max_routes\": "
	    "\"x\"}",
	    400, "max_routes must be an integer");
	flow_post_fails(ESE "s/recurrence-plan",
	    "{\"recurrence_policy\": "
	    "{\"recurrence_interval_minutes\": 0}}",
	    400,
	    "recurrence_policy.recurrence_interval_minutes must be 1..525600");
	flow_post_fails(ESE "s/recurrence-plan",
	    "{\"recurrence_policy\": "
	    "{\"max_recurrences\": \"x\"}}",
	    400, "recurrence_policy.max_recurrences must be an integer");
	flow_post_fails(ESE "s/recurrence-plan",
	    "{\"recurrence_policy\": "
	    "{\"maintenance_windows\": [{\"start_at\": \"soon\"}]}}",
	    400,
	    "recurrence_policy maintenance_windows[0] needs start_at and "
	    "end_at times");
	flow_post_fails(ESE "s/recurrence-plan",
	    "{\"recurrence_policy\": "
	    "{\"owner_calendars\": {\"o\": {\"business_hours\": [{\"start\": "
	    "\"9am\"}]}}}}",
	    400,
	    "recurrence_policy business_hours[0] times "
	    "must be HH:MM");
	flow_post_fails(ESE "s/recurrence-plan", "{\"recurrence_policy\": []}",
	    400, "recurrence_policy must be an object");
	flow_post_fails(ESR "/retry-plan",
	    "{\"retry_policy\": "
	    "{\"max_retries\": \"x\"}}",
	    400,
	    "retry policy values must be "
	    "numbers");
	flow_post_fails(ESR "/automation-run",
	    "{\"schedule\": "
	    "{\"interval_minutes\": 0}}",
	    400,
	    "schedule interval_minutes "
	    "must be an integer 1..525600");
	flow_post_fails(ESR "/automation-run", "{\"execute\": \"yes\"}", 400,
	    "execute must be a boolean");
	flow_get_fails(ESA "/health?expected_interval_minutes=0", 400,
	    "expected_interval_minutes");
	flow_get_fails(ESA "/health?expected_interval_minutes=x", 422,
	    "expected_interval_minutes");
	flow_get_fails(ESR "?action=bogus", 400,
	    "action must be one of: "
	    "deliver, wait, suppress");
	flow_get_fails(ESA "?dry_run=maybe", 422, "dry_run");
	/* health alert routing: the allowed words are listed */
	flow_post_fails(ESH "/deliver",
	    "{\"routing_policy\": {\"rules\": "
	    "[{\"categories\": [\"late_run\"]}]}}",
	    400,
	    "routing_policy.rules[0].categories must list only: missed_run, "
	    "failed_job, connector_failure, stale_metadata, "
	    "disabled_schedule");
	flow_post_fails(ESH "/deliver",
	    "{\"routing_policy\": {\"rules\": "
	    "[{\"alert_levels\": [\"urgent\"]}]}}",
	    400,
	    "routing_policy.rules[0].alert_levels must list only: critical, "
	    "warning, healthy");
	flow_post_fails(ESH "/deliver",
	    "{\"routing_policy\": {\"health_alert_routing\": "
	    "[{\"providers\": [\"slack\", \"pagerduty\"]}]}}",
	    400,
	    "routing_policy.health_alert_routing[0].providers must list only: "
	    "webhook, slack, teams, jira, servicenow");
	flow_post_fails(ESH "/deliver",
	    "{\"routing_policy\": {\"rules\": "
	    "[{\"min_missed_runs\": -1}]}}",
	    400,
	    "routing_policy.rules[0].min_missed_runs must be an integer >= 0");
	flow_post_fails(ESH "/deliver",
	    "{\"routing_policy\": {\"rules\": {\"providers\": []}}}", 400,
	    "routing_policy.rules must be an array of rule objects");
	flow_post_fails(ESH "/deliver",
	    "{\"routing_policy\": {\"default_providers\": [\"sms\"]}}", 400,
	    "routing_policy.default_providers must list only: webhook, slack, "
	    "teams, jira, servicenow");
	flow_post_fails(ESH "/deliver", "{\"provider\": \"pagerduty\"}", 400,
	    "provider must be all or a comma list of: webhook, slack, teams, "
	    "jira, servicenow");
	flow_post_fails(ESH "/erslah-x/acknowledgements",
	    "{\"provider\": "
	    "\"webhook\", \"acknowledged_by\": \"ops\", "
	    "\"acknowledgement_state\": \"gone\"}",
	    400,
	    "acknowledgement_state must be one of: acknowledged, dismissed, "
	    "escalated, resolved");
}

/*
 * A stack of its own whose only connector (linux) is no notification
 * provider: a health alert that no rule, default or configured provider
 * routes goes to the defaults of its level, which the connector refuses
 * by name.  Started once before the tests (extra.h).
 */
ReportHook(PRE_ALL)(struct criterion_test_set *set)
{
	char text[256];
	const char *files[] = {
	    "CAVRA_CONNECTOR_CONFIG", "connectors.json", text, NULL};

	(void)set;
	extra_init("test_endpoints_recur");
	snprintf(text, sizeof(text),
	    "{\"connectors\": {\"linux\": {\"url\": "
	    "\"http://127.0.0.1:%d/linux\"}}}\n",
	    extra_dead_port());
	extra_stack("bare", files);
}

ReportHook(POST_ALL)(struct criterion_global_stats *stats)
{
	(void)stats;
	extra_stop_all();
}

/* A critical health (no run yet) goes to jira, slack and teams; a
 * warning one (a dry run, recurrence metadata missing) to slack and
 * teams. */
Test(recur_bare, level_defaults)
{
	struct api_resp r;

	extra_use("bare", "json");
	flow_post_refused(ESH "/deliver", "{\"retries\": 0}", 400,
	    "connector provider is not configured: jira, slack, teams");
	flow_post(ESR "/automation-run", "{}", 200, &r);
	api_free(&r);
	flow_get(ESA "/health", 200, &r);
	cr_assert_str_eq(
	    api_str(r.json, "alert_level"), "warning", "%s", r.body);
	api_free(&r);
	flow_post_refused(ESH "/deliver", "{\"retries\": 0}", 400,
	    "connector provider is not configured: slack, teams");
	/* a requested provider replaces the defaults */
	flow_post_refused(ESH "/deliver",
	    "{\"retries\": 0, \"provider\": \"teams\"}", 400,
	    "connector provider is not configured: teams");
}
