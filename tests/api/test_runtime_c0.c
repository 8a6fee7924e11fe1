/*
 * cavra-runtime's rollback drill notification chain (C0) and the
 * umbrella views of the go-pilot family, through the real stack
 * (tests/data/test_runtime_c0.env: RBAC, the Go pilot promoted with a
 * drill history and a YAML drill schedule due in three days, connectors
 * slack, teams and webhook on the "ok" receiver).
 *
 * The chain is walked on the JSON stack, then on the SQLite stack, in
 * one test (the two stacks share the receiver, so its counts are only
 * exact one stack at a time): schedule report, delivery (a maintenance
 * window suppresses one owner), acknowledgement, bulk acknowledgements
 * (all or none stored), the audit package, the umbrella history and its
 * filters, the route rows, the suppression trend, the escalation plan
 * (breached and outstanding routes) and the dashboard, counted exactly.
 * The other tests check the error answers, which store nothing.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "flow.h"
#include "harness.h"

#define RDN	"/runtime/go-pilot/rollback-drill-notifications"
#define SRC_C0	"go_backend_rollback_drill_notification"
#define SID	"go-drill-monthly"
#define LEGACY	"go-drill-legacy"
#define ACTOR	"ana@example.com"

/* The row of arr whose key is value. */
static struct json_object *
row(struct json_object *arr, const char *key, const char *value)
{
	return flow_row(arr, NULL, key, value, NULL, NULL);
}

/* The route decision of owner and provider in arr. */
static struct json_object *
decision(struct json_object *arr, const char *owner, const char *provider)
{
	return flow_row(arr, NULL, "owner", owner, "provider", provider);
}

/* The strings of a JSON array joined by commas, into buf. */
static const char *
joined(struct json_object *arr, char *buf, size_t len)
{
	size_t	 i;

	buf[0] = '\0';
	for (i = 0; i < json_object_array_length(arr); i++)
		snprintf(buf + strlen(buf), len - strlen(buf), "%s%s",
		    i > 0 ? "," : "", json_object_get_string(
		    json_object_array_get_idx(arr, i)));
	return buf;
}

/* A notification plan of LEGACY two hours old, delivered to webhook
 * for legacy-owner with 30 acknowledgement minutes, through POST
 * /evidence. */
static void
seed_legacy(void)
{
	char		 at[64], body[2048];

	flow_stamp(at, sizeof(at), -7200);
	snprintf(body, sizeof(body), "{\"session_id\": "
	    "\"gordn-legacy-%s\", \"created_at\": \"%s\", \"signer\": "
	    "\"ops\", \"metadata_kind\": \"" GBRD "notification-plan\", "
	    "\"plan_id\": \"gordn-legacy-%s\", \"schedule_id\": \"" LEGACY
	    "\", \"alert_level\": \"critical\", \"selected_providers\": "
	    "[\"webhook\"], \"acknowledgement_required_providers\": "
	    "[\"webhook\"], \"plan\": {\"plan_id\": \"gordn-legacy-%s\", "
	    "\"schedule_id\": \"" LEGACY "\", \"alert_level\": \"critical\", "
	    "\"acknowledgement_required_providers\": [\"webhook\"], "
	    "\"route_decisions\": [{\"provider\": \"webhook\", \"owner\": "
	    "\"legacy-owner\", \"acknowledgement_minutes\": 30, \"action\": "
	    "\"deliver\", \"reason\": \"rollback drill is stale or due "
	    "soon\"}]}}", api_mode(), at, api_mode(), api_mode());
	flow_seed(body);
}

/* The whole chain on the selected stack. */
static void
walk(void)
{
	struct api_resp		 r;
	struct json_object	*o, *p, *d;
	char			 body[4096], from[64], to[64], buf[256];
	int			 sent;

	/* the schedule: due soon, from the YAML file */
	flow_get("/runtime/go-pilot/rollback-drill-schedule", 200, &r);
	cr_assert_str_eq(api_str(r.json, "status"), "due_soon", "%s", r.body);
	o = api_get(r.json, "schedule");
	cr_assert_str_eq(api_str(o, "schedule_id"), SID);
	cr_assert(json_object_get_boolean(api_get(o, "due_soon")));
	cr_assert_str_eq(api_str(api_get(r.json, "history"),
	    "latest_drill_id"), "drill-1");
	api_free(&r);
	cr_assert_eq(flow_total(RDN), 0);

	seed_legacy();
	sent = api_received("ok", "POST");

	/* delivery: no actor needed; platform-ops in a maintenance window */
	flow_stamp(from, sizeof(from), -600);
	flow_stamp(to, sizeof(to), 3600);
	snprintf(body, sizeof(body), "{\"generated_by\": \"ops\", "
	    "\"retries\": 0, \"routing_policy\": {\"maintenance_windows\": "
	    "[{\"window_id\": \"change-freeze\", \"start_at\": \"%s\", "
	    "\"end_at\": \"%s\", \"owners\": [\"Platform-Ops\"], \"reason\": "
	    "\"production change freeze\"}]}}", from, to);
	flow_post(RDN "/deliver", body, 200, &r);
	p = api_get(r.json, "plan");
	cr_assert_str_eq(joined(api_get(p, "selected_providers"), buf,
	    sizeof(buf)), "slack,teams");
	cr_assert_eq(api_int(p, "deliverable_route_count"), 2);
	cr_assert_eq(api_int(p, "suppressed_route_count"), 2);
	cr_assert_eq(api_int(p, "maintenance_suppressed_count"), 2);
	cr_assert_eq(api_int(p, "calendar_suppressed_count"), 0);
	cr_assert_str_eq(api_str(p, "alert_level"), "warning");
	cr_assert_eq(strncmp(api_str(p, "plan_id"), "gordn-", 6), 0);
	d = decision(api_get(p, "route_decisions"), "platform-ops", "slack");
	cr_assert_str_eq(api_str(d, "action"), "suppress");
	cr_assert_str_eq(api_str(d, "reason"), "matching maintenance window "
	    "is active");
	cr_assert_str_eq(api_str(api_get(d, "maintenance_window"),
	    "window_id"), "change-freeze");
	d = decision(api_get(p, "route_decisions"), "release-governance",
	    "teams");
	cr_assert_str_eq(api_str(d, "action"), "deliver");
	cr_assert_eq(api_int(d, "acknowledgement_minutes"), 30);
	cr_assert_str_eq(api_str(d, "escalation_owner"), "platform-lead");
	cr_assert(json_object_get_boolean(api_get(r.json, "success")));
	cr_assert_str_eq(api_str(r.json, "event_id"), SID);
	o = api_get(r.json, "metadata");
	cr_assert_str_eq(api_str(o, "connector_delivery_source"), SRC_C0);
	cr_assert_str_eq(api_str(api_get(r.json, "plan_metadata"),
	    "metadata_kind"), GBRD "notification-plan");
	cr_assert_str_eq(api_str(api_get(r.json, "plan_metadata"), "signer"),
	    "ops");
	api_free(&r);
	cr_assert_eq(api_received("ok", "POST"), sent + 2);

	/* one acknowledgement: the actor replaces acknowledged_by, the
	 * provider is kept as given */
	flow_post_as(ACTOR, RDN "/" SID "/acknowledgements",
	    "{\"provider\": \"slack\", "
	    "\"acknowledged_by\": \"someone\", \"external_ref\": \"CHG-1\"}",
	    200, &r);
	o = api_get(r.json, "acknowledgement");
	cr_assert_str_eq(api_str(o, "acknowledged_by"), ACTOR);
	cr_assert_str_eq(api_str(o, "acknowledgement_state"), "acknowledged");
	cr_assert_str_eq(api_str(o, "schedule_id"), SID);
	cr_assert_str_eq(api_str(api_get(r.json, "metadata"),
	    "metadata_kind"), GBRD "notification-ack");
	cr_assert_str_eq(api_str(api_get(r.json, "actor"), "actor"), ACTOR);
	api_free(&r);

	/* bulk: a route of an unknown schedule stores none of them */
	flow_post_as(ACTOR, RDN "/acknowledgements/bulk",
	    "{\"routes\": [{\"schedule_id\": "
	    "\"" SID "\", \"provider\": \"teams\"}, {\"schedule_id\": "
	    "\"no-such-schedule\", \"provider\": \"slack\"}]}", 404, &r);
	cr_assert_str_eq(api_str(r.json, "detail"),
	    "rollback drill schedule not found");
	api_free(&r);
	cr_assert_eq(flow_total(RDN "?metadata_kind=" GBRD "notification-ack"), 1);
	flow_post_as(ACTOR, RDN "/acknowledgements/bulk",
	    "{\"acknowledgement_state\": "
	    "\"Escalated\", \"external_ref\": \"CHG-2\", \"routes\": "
	    "[{\"schedule_id\": \"" SID "\", \"provider\": \"teams\"}, "
	    "{\"schedule_id\": \"" LEGACY "\", \"provider\": \"webhook\", "
	    "\"external_ref\": \"CHG-3\"}]}", 200, &r);
	cr_assert_eq(api_int(r.json, "acknowledgement_count"), 2);
	cr_assert_str_eq(api_str(r.json, "acknowledgement_state"),
	    "escalated");
	cr_assert_eq(strncmp(api_str(r.json, "bulk_id"), "gordbulkack-2-"
	    "gordack-", 22), 0);
	o = api_get(r.json, "acknowledgements");
	cr_assert_str_eq(api_str(json_object_array_get_idx(o, 0),
	    "external_ref"), "CHG-2");
	cr_assert_str_eq(api_str(json_object_array_get_idx(o, 1),
	    "external_ref"), "CHG-3");
	cr_assert_eq(json_object_array_length(api_get(r.json, "metadata")),
	    2);
	api_free(&r);

	/* the audit package (C1) reads the plans and acknowledgements */
	flow_post_as(ACTOR, RDN "/acknowledgements/audit-package", "{}", 200,
	    &r);
	o = api_get(r.json, "acknowledgement_audit_package");
	cr_assert_eq(api_int(o, "route_count"), 3, "%s", r.body);
	cr_assert_eq(api_int(o, "acknowledged_count"), 1);
	cr_assert_eq(api_int(o, "escalated_count"), 2);
	cr_assert_eq(api_int(o, "outstanding_count"), 0);
	api_free(&r);

	/* the umbrella history: 2 plans, 3 acks, 1 delivery, 1 package */
	cr_assert_eq(flow_total(RDN), 7);
	cr_assert_eq(flow_total(RDN "?schedule_id=" SID), 4);
	cr_assert_eq(flow_total(RDN "?acknowledgement_state=ESCALATED"), 2);
	cr_assert_eq(flow_total(RDN "?connector_delivery_source=" SRC_C0), 1);
	cr_assert_eq(flow_total(RDN "?connector_delivery_source="
	    "go_backend_rollback_drill_acknowledgement_audit"), 1);
	cr_assert_eq(flow_total(RDN "?provider=webhook"), 3);
	cr_assert_eq(flow_total(RDN "?delivery_success=true"), 1);
	cr_assert_eq(flow_total(RDN "?delivery_success=false"), 0);
	cr_assert_eq(flow_total(RDN "?alert_level=warning"), 1);
	flow_get(RDN "?limit=2&offset=1", 200, &r);
	cr_assert_eq(json_object_array_length(api_get(r.json, "items")), 2);
	cr_assert_eq(api_int(r.json, "total"), 7);
	api_free(&r);

	/* the route rows */
	cr_assert_eq(flow_total(RDN "/routes"), 5);
	cr_assert_eq(flow_total(RDN "/routes?action=deliver"), 3);
	cr_assert_eq(flow_total(RDN "/routes?owner=PLATFORM-LEAD"), 2);
	cr_assert_eq(flow_total(RDN "/routes?schedule_id=" LEGACY), 1);
	flow_get(RDN "/routes?category=maintenance_window", 200, &r);
	cr_assert_eq(api_int(r.json, "total"), 2);
	o = json_object_array_get_idx(api_get(r.json, "items"), 0);
	cr_assert_str_eq(api_str(o, "maintenance_window_id"),
	    "change-freeze");
	cr_assert_str_eq(api_str(o, "owner"), "platform-ops");
	api_free(&r);

	/* the suppression trend: stored unless persist=false */
	flow_get(RDN "/suppression-trends?persist=false", 200, &r);
	api_free(&r);
	flow_get(RDN "/suppression-trends?generated_by=auditor", 200, &r);
	o = api_get(r.json, "routing_suppression_trend");
	cr_assert_eq(api_int(o, "suppression_event_count"), 2);
	cr_assert_eq(api_int(o, "maintenance_suppressed_count"), 2);
	cr_assert_eq(api_int(api_get(o, "category_counts"),
	    "maintenance_window"), 2);
	cr_assert_eq(api_int(api_get(o, "owner_counts"), "platform-ops"), 2);
	cr_assert_str_eq(api_str(o, "alert_level"), "warning");
	cr_assert_str_eq(api_str(api_get(r.json, "metadata"), "signer"),
	    "auditor");
	api_free(&r);
	cr_assert_eq(flow_total(RDN "?metadata_kind=" GBRD "routing-suppression-"
	    "trend"), 1);

	/* the escalation plan: no actor needed; legacy breached, teams
	 * outstanding, slack acknowledged */
	flow_post(RDN "/escalation-plan", "{}", 200, &r);
	o = api_get(r.json, "escalation_plan");
	cr_assert_eq(api_int(o, "route_count"), 3, "%s", r.body);
	cr_assert_eq(api_int(o, "breached_count"), 1);
	cr_assert_eq(api_int(o, "outstanding_count"), 1);
	cr_assert_eq(api_int(o, "acknowledged_count"), 1);
	cr_assert_str_eq(api_str(o, "alert_level"), "critical");
	cr_assert_str_eq(api_str(row(api_get(o, "routes"), "provider",
	    "webhook"), "recommended_action"),
	    "escalate_missed_drill_notification");
	cr_assert_str_eq(api_str(row(api_get(o, "routes"), "provider",
	    "teams"), "recommended_action"), "wait_for_acknowledgement");
	cr_assert_str_eq(api_str(row(api_get(o, "routes"), "provider",
	    "slack"), "recommended_action"), "no_action");
	p = api_get(r.json, "metadata");
	cr_assert_str_eq(api_str(p, "metadata_kind"),
	    GBRD "notification-escalation-plan");
	cr_assert_eq(api_int(p, "decision_count"), 3);
	cr_assert_eq(api_int(p, "blocked_count"), 1);
	cr_assert_eq(api_int(p, "approval_required_count"), 1);
	api_free(&r);

	/* the dashboard counts what was done */
	flow_get(RDN "/dashboard", 200, &r);
	cr_assert_str_eq(api_str(r.json, "alert_level"), "critical");
	cr_assert_eq(api_int(r.json, "plan_count"), 2, "%s", r.body);
	cr_assert_eq(api_int(r.json, "delivery_count"), 1);
	cr_assert_eq(api_int(r.json, "notification_delivery_count"), 1);
	cr_assert_eq(api_int(r.json, "failed_delivery_count"), 0);
	cr_assert_eq(api_int(r.json, "acknowledgement_count"), 3);
	cr_assert_eq(api_int(r.json, "acknowledgement_audit_package_count"),
	    1);
	cr_assert_eq(api_int(r.json, "escalation_plan_count"), 1);
	cr_assert_eq(api_int(r.json, "routing_suppression_trend_count"), 1);
	cr_assert_eq(api_int(r.json, "acknowledgement_audit_delivery_count"),
	    0);
	cr_assert_eq(api_int(r.json,
	    "acknowledgement_audit_delivery_retry_plan_count"), 0);
	cr_assert_eq(api_int(r.json, "outstanding_acknowledgement_count"), 2);
	o = api_get(r.json, "outstanding_acknowledgements");
	cr_assert_str_eq(api_str(row(o, "schedule_id", LEGACY), "provider"),
	    "webhook");
	cr_assert_str_eq(api_str(row(o, "schedule_id", SID), "provider"),
	    "teams");
	cr_assert_eq(json_object_array_length(api_get(r.json, "latest")), 9);
	api_free(&r);
}

Test(runtime_c0, walk)
{
	api_use("json");
	walk();
	api_use("sqlite");
	walk();
}

/* The schedule report: promoted and requested, its checks passing. */
API_TEST(runtime_c0, schedule_report)
{
	struct api_resp		 r;
	struct json_object	*c;
	size_t			 i;

	flow_get("/runtime/go-pilot/rollback-drill-schedule", 200, &r);
	cr_assert_str_eq(api_str(r.json, "schema_version"),
	    "cavra.go-backend-pilot.rollback-drill-schedule.v1");
	cr_assert_str_eq(api_str(r.json, "mode"), "promoted");
	c = api_get(r.json, "checks");
	cr_assert_eq(json_object_array_length(c), 7);
	for (i = 0; i < json_object_array_length(c); i++)
		cr_assert_str_eq(api_str(json_object_array_get_idx(c, i),
		    "status"), "pass", "%s", r.body);
	c = api_get(r.json, "schedule");
	cr_assert(json_object_get_double(api_get(c, "days_until_due")) > 2.9);
	cr_assert(json_object_get_double(api_get(c, "days_until_due")) < 3.1);
	cr_assert_str_eq(api_str(api_get(r.json, "history"), "latest_status"),
	    "pass");
	api_free(&r);

	/* the readiness of cavra-console takes due_soon as ready */
	flow_get("/deployment/production-readiness", 200, &r);
	c = row(api_get(r.json, "checks"), "id",
	    "go_backend_rollback_drill_schedule");
	cr_assert_str_eq(api_str(c, "status"), "pass", "%s", r.body);
	cr_assert_str_eq(api_str(c, "go_rollback_drill_schedule_status"),
	    "due_soon");
	c = row(api_get(r.json, "checks"), "id",
	    "go_backend_rollback_drill_history");
	cr_assert_str_eq(api_str(c, "status"), "pass", "%s", r.body);
	c = row(api_get(r.json, "checks"), "id", "go_backend_promotion_gate");
	cr_assert_str_eq(api_str(c, "status"), "warn");
	cr_assert_str_eq(api_str(api_get(r.json,
	    "go_backend_rollback_drill_schedule"), "status"), "due_soon");
	api_free(&r);
}

/* Bulk limits and shapes, state words, unknown schedules: 400 and 404
 * with the reference's texts, nothing stored. */
API_TEST(runtime_c0, errors)
{
	struct api_resp	 r;
	char		*body;
	size_t		 i, n;

	flow_post_as(ACTOR, RDN "/acknowledgements/bulk", "{}", 400, &r);
	cr_assert_str_eq(api_str(r.json, "detail"), "routes are required");
	api_free(&r);
	flow_post_as(ACTOR, RDN "/acknowledgements/bulk", "{\"routes\": []}",
	    400, &r);
	cr_assert_str_eq(api_str(r.json, "detail"), "routes are required");
	api_free(&r);
	n = 101 * 48 + 64;
	body = malloc(n);
	cr_assert_not_null(body);
	strcpy(body, "{\"routes\": [");
	for (i = 0; i < 101; i++)
		snprintf(body + strlen(body), n - strlen(body), "%s{\"schedule_"
		    "id\": \"s\", \"provider\": \"slack\"}", i > 0 ? "," : "");
	strcat(body, "]}");
	flow_post_as(ACTOR, RDN "/acknowledgements/bulk", body, 400, &r);
	cr_assert_str_eq(api_str(r.json, "detail"),
	    "bulk acknowledgement is limited to 100 routes");
	api_free(&r);
	free(body);
	flow_post_as(ACTOR, RDN "/acknowledgements/bulk",
	    "{\"routes\": [\"x\"]}", 400, &r);
	cr_assert_str_eq(api_str(r.json, "detail"),
	    "each route must be an object");
	api_free(&r);
	flow_post_as(ACTOR, RDN "/acknowledgements/bulk",
	    "{\"routes\": [{\"schedule_id\": "
	    "\"" SID "\"}]}", 400, &r);
	cr_assert_str_eq(api_str(r.json, "detail"),
	    "each route requires schedule_id and provider");
	api_free(&r);
	flow_post_as(ACTOR, RDN "/acknowledgements/bulk",
	    "{\"acknowledgement_state\": "
	    "\"done\", \"routes\": [{\"schedule_id\": \"" SID "\", "
	    "\"provider\": \"slack\"}]}", 400, &r);
	cr_assert_str_eq(api_str(r.json, "detail"), "acknowledgement_state "
	    "must be one of: acknowledged, dismissed, escalated, resolved");
	api_free(&r);
	flow_post_as(ACTOR, RDN "/" SID "/acknowledgements",
	    "{\"provider\": \"slack\", "
	    "\"acknowledgement_state\": \"seen\"}", 400, &r);
	cr_assert_str_eq(api_str(r.json, "detail"), "acknowledgement_state "
	    "must be one of: acknowledged, dismissed, escalated, resolved");
	api_free(&r);
	flow_post_as(ACTOR, RDN "/" SID "/acknowledgements", "{}", 400, &r);
	cr_assert_str_eq(api_str(r.json, "detail"), "provider is required");
	api_free(&r);
	flow_post_as(ACTOR, RDN "/no-such-schedule/acknowledgements",
	    "{\"provider\": "
	    "\"slack\"}", 404, &r);
	cr_assert_str_eq(api_str(r.json, "detail"),
	    "rollback drill schedule not found");
	api_free(&r);

	/* without an actor under RBAC */
	flow_post(RDN "/" SID "/acknowledgements", "{\"provider\": "
	    "\"slack\", \"acknowledged_by\": \"x\"}", 401, &r);
	api_free(&r);
	flow_post(RDN "/acknowledgements/bulk", "{\"acknowledged_by\": \"x\", "
	    "\"routes\": [{\"schedule_id\": \"" SID "\", \"provider\": "
	    "\"slack\"}]}", 401, &r);
	api_free(&r);

	/* wrong types */
	flow_post(RDN "/deliver", "{\"routing_policy\": []}", 400, &r);
	cr_assert_str_eq(api_str(r.json, "detail"),
	    "routing_policy must be an object");
	api_free(&r);
	flow_post(RDN "/escalation-plan", "{\"policy\": 1}", 400, &r);
	api_free(&r);
	api_req("GET", RDN "?delivery_success=maybe", NULL, NULL, &r);
	cr_assert_eq(r.status, 422);
	api_free(&r);
}
