/*
 * cavra-runtime through the real stack, on both store backends: the
 * connector recovery loop of the audit delivery chain and its
 * escalation chains C3 and C4 (workflows.md §8 rows 27-41, §10.8).
 *
 * The walk seeds failed audit deliveries and retry executions (evidence
 * metadata records), then goes playbook -> closure -> recovery report
 * -> escalation plan -> delivery through the connectors (webhook
 * answering 200, linux 500 then 200) -> retry plan -> worker dry run ->
 * a live run the acknowledgement gate holds back (no acknowledgement,
 * then a deferred one) -> an accepted acknowledgement -> a live run
 * that redelivers -> the worker's health -> a health alert delivered to
 * teams (always 500) -> the alert dashboard, acknowledgement, history
 * -> the alert retry plan and worker, with exact counts; last, a retry
 * whose escalation plan is not stored is skipped.  It runs on
 * the JSON stack, then on the SQLite one, in one test, because both
 * share the receivers (tests/data/test_runtime_recovery.recv).
 *
 * The stacks run with repository RBAC (tests/data/test_runtime_
 * recovery.env): POSTs carry actor_claims, whose actor is recorded in
 * place of the body's; without them a POST is a 401.  The error tests
 * write nothing, so the walk's counts are its own.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "flow.h"
#include "harness.h"

#define AD	"/runtime/go-pilot/rollback-drill-notifications/" \
		"acknowledgements/audit-delivery"
#define RE	AD "/recovery-escalations"
#define GAA	"go_backend_rollback_drill_acknowledgement_audit"
#define SRC_C3	GAA "_recovery_escalation"
#define SRC_C4	GAA "_recovery_escalation_retry_health_alert"
#define ACTOR	"ana@example.com"
#define IMMEDIATE	"\"retry_policy\": {\"allow_immediate_retry\": true}"

/* A connector delivery record of src to provider at `at`. */
static void
seed_rcd(const char *id, const char *src, const char *provider,
    const char *at, int ok, int code)
{
	char	 body[2048];

	snprintf(body, sizeof(body), "{\"session_id\": \"%s\", "
	    "\"created_at\": \"%s\", \"metadata_kind\": "
	    "\"release-connector-delivery\", \"connector_delivery_source\": "
	    "\"%s\", \"event_id\": \"ev-%s\", \"delivery_success\": %s, "
	    "\"providers\": [\"%s\"], \"failed_providers\": [%s%s%s], "
	    "\"status_codes\": [%d]}", id, at, src, id, ok ? "true" : "false",
	    provider, ok ? "" : "\"", ok ? "" : provider, ok ? "" : "\"",
	    code);
	flow_seed(body);
}

/* A retry execution record of the audit retry worker. */
static void
seed_exec(const char *id, const char *provider, const char *status,
    const char *at)
{
	char	 body[1024];

	snprintf(body, sizeof(body), "{\"session_id\": \"%s\", "
	    "\"created_at\": \"%s\", \"metadata_kind\": "
	    "\"" GBRD_AAD "retry-execution-record\", \"provider\": \"%s\", "
	    "\"execution_status\": \"%s\"}", id, at, provider, status);
	flow_seed(body);
}

/* The member of array key of o whose field equals value (borrowed). */
static struct json_object *
find(struct json_object *o, const char *key, const char *field,
    const char *value)
{
	return flow_row(o, key, field, value, NULL, NULL);
}

/* Whether o's boolean member key is true. */
static int
yes(struct json_object *o, const char *key)
{
	return json_object_get_boolean(api_get(o, key));
}

/* The playbook, its closure and the retry recovery report over seeded
 * failures and executions, and a breached recovery of an old playbook.
 * The id of the new playbook goes to pb. */
static void
walk_recovery(const char *u, char *pb, size_t pblen)
{
	struct api_resp		 r;
	struct json_object	*o, *x;
	char			 id[256], at[64], path[512], body[2048];

	flow_stamp(at, sizeof(at), -120);
	snprintf(id, sizeof(id), "rcd-%s-w1", u);
	seed_rcd(id, GAA, "webhook", at, 0, 500);
	snprintf(id, sizeof(id), "rcd-%s-w2", u);
	seed_rcd(id, GAA "_worker_health_alert", "WebHook", at, 0, 503);
	snprintf(id, sizeof(id), "rcd-%s-l1", u);
	seed_rcd(id, GAA, "linux", at, 0, 500);
	snprintf(id, sizeof(id), "rcd-%s-l2", u);
	seed_rcd(id, GAA, "linux", at, 0, 500);
	snprintf(id, sizeof(id), "rcd-%s-t1", u);
	seed_rcd(id, GAA, "teams", at, 0, 502);
	/* not counted: a success, another source, outside the lookback */
	snprintf(id, sizeof(id), "rcd-%s-ok", u);
	seed_rcd(id, GAA, "linux", at, 1, 200);
	snprintf(id, sizeof(id), "rcd-%s-other", u);
	seed_rcd(id, "some_other_source", "linux", at, 0, 500);
	flow_stamp(at, sizeof(at), -48 * 3600);
	snprintf(id, sizeof(id), "rcd-%s-old", u);
	seed_rcd(id, GAA, "webhook", at, 0, 500);
	flow_stamp(at, sizeof(at), -60);
	snprintf(id, sizeof(id), "exec-%s-1", u);
	seed_exec(id, "webhook", "delivered", at);
	snprintf(id, sizeof(id), "exec-%s-2", u);
	seed_exec(id, "Linux", "failed", at);
	/* a playbook of long ago whose teams recovery is still open */
	snprintf(body, sizeof(body), "{\"session_id\": \"pb-%s-old\", "
	    "\"created_at\": \"2020-01-01T00:00:00.000000+00:00\", "
	    "\"metadata_kind\": \"" GBRD_AAD "connector-recovery-playbook\", "
	    "\"connector_recovery_playbook\": {\"playbook_id\": "
	    "\"pb-%s-old\", \"provider_playbooks\": [{\"provider\": "
	    "\"teams\", \"category\": \"chatops\", \"failure_count\": 1}]}}",
	    u, u);
	flow_seed(body);

	flow_post_as(ACTOR, AD "/connector-recovery-playbook",
	    "{\"generated_by\": \"ops\"}",
	    200, &r);
	o = api_get(r.json, "playbook");
	snprintf(pb, pblen, "%s", api_str(o, "playbook_id"));
	cr_assert_eq(strncmp(pb, "gordackrecovery-", 16), 0);
	cr_assert_str_eq(api_str(o, "generated_by"), ACTOR);
	cr_assert_eq(api_int(o, "provider_count"), 2, "%s", r.body);
	cr_assert_eq(api_int(o, "failure_count"), 4);
	cr_assert_eq(api_int(o, "failed_delivery_count"), 5);
	cr_assert_str_eq(api_str(o, "alert_level"), "critical");
	x = json_object_array_get_idx(api_get(o, "provider_playbooks"), 0);
	cr_assert_str_eq(api_str(x, "provider"), "linux");
	cr_assert_str_eq(api_str(x, "category"), "webhook");
	x = find(o, "provider_playbooks", "provider", "webhook");
	cr_assert_eq(api_int(x, "failure_count"), 2);
	cr_assert_eq(json_object_array_length(api_get(x, "status_codes")), 2);
	cr_assert_str_eq(json_object_get_string(json_object_array_get_idx(
	    api_get(x, "status_codes"), 1)), "503");
	cr_assert_eq(json_object_array_length(api_get(x, "recovery_steps")),
	    6);
	o = api_get(r.json, "metadata");
	cr_assert_str_eq(api_str(o, "metadata_kind"),
	    GBRD_AAD "connector-recovery-playbook");
	cr_assert_eq(api_int(o, "blocked_count"), 4);
	api_free(&r);
	cr_assert(flow_stored(pb));
	flow_post_as(ACTOR, AD "/connector-recovery-playbook",
	    "{\"min_failure_count\": 1, "
	    "\"lookback_hours\": 72}", 200, &r);
	cr_assert_eq(api_int(api_get(r.json, "playbook"), "provider_count"), 3);
	cr_assert_eq(api_int(api_get(r.json, "playbook"), "failure_count"), 6);
	api_free(&r);

	snprintf(path, sizeof(path), AD "/connector-recovery-playbooks/%s/"
	    "closures", pb);
	snprintf(body, sizeof(body), "{\"provider\": \"Webhook\", "
	    "\"closed_by\": \"bob\", \"closure_state\": \"Mitigated\", "
	    "\"external_ref\": \"INC-1\", \"verification_refs\": "
	    "[\"exec-%s-1\", 7]}", u);
	flow_post_as(ACTOR, path, body, 200, &r);
	o = api_get(r.json, "closure");
	cr_assert_eq(strncmp(api_str(o, "closure_id"),
	    "gordackrecoveryclosure-", 23), 0);
	cr_assert_eq(strlen(api_str(o, "closure_hash")), 64);
	cr_assert_str_eq(api_str(o, "playbook_id"), pb);
	cr_assert_str_eq(api_str(o, "provider"), "webhook");
	cr_assert_str_eq(api_str(o, "closure_state"), "mitigated");
	cr_assert_str_eq(api_str(o, "closed_by"), ACTOR);
	cr_assert_str_eq(json_object_get_string(json_object_array_get_idx(
	    api_get(o, "verification_refs"), 1)), "7");
	cr_assert_eq(api_int(api_get(r.json, "metadata"), "blocked_count"), 0);
	cr_assert_str_eq(api_str(api_get(r.json, "actor"), "actor"), ACTOR);
	api_free(&r);

	/* the last playbook (min_failure_count 1) is the newest: its three
	 * rows are open, not breached */
	flow_get(AD "/retry-recovery-report?generated_by=ops", 200, &r);
	o = api_get(r.json, "report");
	cr_assert_eq(strncmp(api_str(o, "report_id"), "gordackretryreport-",
	    19), 0);
	cr_assert_str_eq(api_str(o, "generated_by"), "ops");
	cr_assert_eq(api_int(o, "execution_count"), 2);
	cr_assert_eq(api_int(o, "execution_success_count"), 1);
	cr_assert_eq(api_int(o, "execution_failed_count"), 1);
	cr_assert(json_object_get_double(api_get(o, "execution_success_rate"))
	    == 0.5);
	cr_assert_eq(api_int(o, "recovery_playbook_count"), 3);
	cr_assert_eq(api_int(o, "recovery_row_count"), 6, "%s", r.body);
	cr_assert_eq(api_int(o, "recovery_closed_count"), 1);
	cr_assert_eq(api_int(o, "recovery_open_count"), 5);
	cr_assert_eq(api_int(o, "recovery_slo_breached_count"), 1);
	cr_assert_str_eq(api_str(o, "alert_level"), "critical");
	x = find(o, "provider_summary", "provider", "linux");
	cr_assert_eq(api_int(x, "execution_count"), 1);
	cr_assert_eq(api_int(x, "failed_count"), 1);
	cr_assert_eq(api_int(x, "recovery_playbook_count"), 2);
	cr_assert_eq(api_int(x, "open_recovery_count"), 2);
	x = find(o, "provider_summary", "provider", "teams");
	cr_assert_eq(api_int(x, "slo_breached_count"), 1);
	cr_assert_eq(api_int(x, "open_recovery_count"), 2);
	x = find(o, "provider_summary", "provider", "webhook");
	cr_assert_eq(api_int(x, "delivered_count"), 1);
	cr_assert_eq(api_int(x, "recovery_closure_count"), 1);
	x = json_object_array_get_idx(api_get(o, "closure_trends"), 0);
	cr_assert_eq(api_int(x, "closure_count"), 1);
	cr_assert_eq(api_int(x, "mitigated_count"), 1);
	cr_assert_eq(api_int(x, "resolved_count"), 0);
	cr_assert_eq(api_int(api_get(x, "provider_counts"), "webhook"), 1);
	x = find(o, "recovery_rows", "playbook_id", pb);
	cr_assert_str_eq(api_str(x, "slo_status"), "open");
	snprintf(id, sizeof(id), "pb-%s-old", u);
	x = find(o, "recovery_rows", "playbook_id", id);
	cr_assert_str_eq(api_str(x, "slo_status"), "breached");
	snprintf(id, sizeof(id), "%s", api_str(o, "report_id"));
	cr_assert_str_eq(api_str(api_get(r.json, "metadata"), "metadata_kind"),
	    GBRD_AAD "retry-recovery-report");
	api_free(&r);
	cr_assert(flow_stored(id));
	flow_get(AD "/retry-recovery-report?persist=false", 200, &r);
	snprintf(id, sizeof(id), "%s", api_str(api_get(r.json, "report"),
	    "report_id"));
	api_free(&r);
	cr_assert(!flow_stored(id));
}

/* Escalation plan, its delivery (linux failing), retry plan, the gated
 * worker, the accepted acknowledgement and the redelivery.  The plan id
 * goes to plan. */
static void
walk_escalation(char *plan, size_t planlen)
{
	struct api_resp		 r;
	struct json_object	*o, *x;
	char			 path[512], ack[128], run[128];
	int			 ok0, bad0;

	flow_post_as(ACTOR, AD "/recovery-escalation-plan", "{}", 200, &r);
	o = api_get(r.json, "plan");
	snprintf(plan, planlen, "%s", api_str(o, "plan_id"));
	cr_assert_eq(strncmp(plan, "gordackrecoveryesc-", 19), 0);
	/* rows open: linux x2, teams x2, webhook x1; breached: teams (old) */
	cr_assert_eq(api_int(o, "escalation_count"), 5, "%s", r.body);
	cr_assert_eq(api_int(o, "critical_escalation_count"), 1);
	cr_assert_eq(api_int(o, "slo_breached_count"), 1);
	cr_assert_eq(api_int(o, "failed_execution_count"), 1);
	cr_assert_str_eq(api_str(o, "alert_level"), "critical");
	x = json_object_array_get_idx(api_get(o, "escalation_routes"), 0);
	cr_assert_str_eq(api_str(x, "severity"), "critical");
	cr_assert_str_eq(api_str(x, "provider"), "teams");
	cr_assert_eq(json_object_array_length(api_get(o,
	    "selected_providers")), 3);
	cr_assert_str_eq(api_str(api_get(r.json, "metadata"), "metadata_kind"),
	    GBRD_AAD "recovery-escalation-plan");
	api_free(&r);

	ok0 = api_received("ok", "POST");
	bad0 = api_received("bad", "POST");
	snprintf(path, sizeof(path), RE "/%s/deliver", plan);
	flow_post_as(ACTOR, path,
	    "{\"provider\": \"webhook,linux\", \"retries\": 0}", 200,
	    &r);
	cr_assert(!yes(r.json, "success"));
	cr_assert_str_eq(api_str(r.json, "event_id"), plan);
	o = api_get(r.json, "metadata");
	cr_assert_str_eq(api_str(o, "connector_delivery_source"), SRC_C3);
	cr_assert_str_eq(api_str(o, "plan_id"), plan);
	cr_assert_str_eq(api_str(o, "event_id"), plan);
	cr_assert_eq(json_object_array_length(api_get(o,
	    "selected_providers")), 2);
	cr_assert_str_eq(json_object_get_string(json_object_array_get_idx(
	    api_get(o, "failed_providers"), 0)), "linux");
	cr_assert_str_eq(api_str(api_get(r.json, "plan_metadata"),
	    "session_id"), plan);
	api_free(&r);
	cr_assert_eq(api_received("ok", "POST"), ok0 + 1);
	cr_assert_eq(api_received("bad", "POST"), bad0 + 1);

	flow_post_as(ACTOR, RE "/retry-plan", "{" IMMEDIATE "}", 200, &r);
	o = api_get(r.json, "plan");
	cr_assert_eq(strncmp(api_str(o, "retry_plan_id"),
	    "gordackrecoveryescretry-", 24), 0);
	cr_assert_eq(api_int(o, "decision_count"), 1, "%s", r.body);
	x = find(o, "retry_decisions", "plan_id", plan);
	cr_assert_str_eq(api_str(x, "provider"), "linux");
	cr_assert_str_eq(api_str(x, "action"), "retry");
	api_free(&r);

	/* dry run: selected, nothing sent, no execution */
	x = flow_worker_dry(ACTOR, RE "/retry-worker-run", 1, &r);
	cr_assert(!json_object_object_get_ex(x, "execution_record", NULL));
	x = json_object_array_get_idx(api_get(api_get(r.json, "run"),
	    "follow_up_actions"), 0);
	cr_assert_str_eq(api_str(x, "acknowledgement_state"),
	    "dry_run_not_required");
	api_free(&r);

	/* live, with only a deferred acknowledgement: held back */
	snprintf(path, sizeof(path), RE "/%s/acknowledgements", plan);
	flow_post_as(ACTOR, path,
	    "{\"provider\": \"linux\", \"acknowledgement_state\": "
	    "\"Deferred\"}", 200, &r);
	api_free(&r);
	flow_post_as(ACTOR, RE "/retry-worker-run",
	    "{\"execute\": true, " IMMEDIATE "}", 200,
	    &r);
	o = api_get(api_get(r.json, "run"), "summary");
	cr_assert_eq(api_int(o, "selected_retry_count"), 0);
	cr_assert_eq(api_int(o, "acknowledgement_pending_count"), 1);
	x = json_object_array_get_idx(api_get(api_get(r.json, "run"),
	    "follow_up_actions"), 0);
	cr_assert_str_eq(api_str(x, "acknowledgement_state"),
	    "acknowledgement_required");
	api_free(&r);
	cr_assert_eq(api_received("bad", "POST"), bad0 + 1);

	flow_post_as(ACTOR, path,
	    "{\"provider\": \"Linux\", \"acknowledged_by\": \"bob\", "
	    "\"acknowledgement_state\": \"Accepted\", \"escalation_reason\": "
	    "\"SLO\"}", 200, &r);
	o = api_get(r.json, "acknowledgement");
	snprintf(ack, sizeof(ack), "%s", api_str(o, "acknowledgement_id"));
	cr_assert_eq(strncmp(ack, "gordackrecoveryescack-", 22), 0);
	cr_assert_str_eq(api_str(o, "provider"), "Linux");
	cr_assert_str_eq(api_str(o, "acknowledgement_state"), "accepted");
	cr_assert_str_eq(api_str(o, "acknowledged_by"), ACTOR);
	cr_assert_str_eq(api_str(o, "escalation_reason"), "SLO");
	cr_assert_str_eq(api_str(o, "plan_id"), plan);
	cr_assert_str_eq(api_str(api_get(r.json, "metadata"), "metadata_kind"),
	    GBRD_AAD "recovery-escalation-ack");
	api_free(&r);

	/* live with the acknowledgement: redelivered to linux (200 now) */
	flow_post_as(ACTOR, RE "/retry-worker-run",
	    "{\"execute\": true, \"retries\": 0, "
	    IMMEDIATE "}", 200, &r);
	o = api_get(r.json, "run");
	snprintf(run, sizeof(run), "%s", api_str(o, "run_id"));
	cr_assert_eq(strncmp(run, "gordackrecoveryescworker-", 25), 0);
	cr_assert_eq(api_int(api_get(o, "summary"), "selected_retry_count"),
	    1, "%s", r.body);
	cr_assert_eq(api_int(api_get(o, "summary"),
	    "acknowledgement_pending_count"), 0);
	x = json_object_array_get_idx(api_get(r.json, "retry_results"), 0);
	cr_assert_str_eq(api_str(x, "skipped"), "");
	cr_assert_str_eq(api_str(api_get(x, "parent"), "plan_id"), plan);
	o = api_get(x, "execution_record");
	cr_assert_str_eq(api_str(o, "execution_status"), "delivered");
	cr_assert_eq(strncmp(api_str(o, "execution_id"),
	    "gordackrecoveryescexec-", 23), 0);
	cr_assert_str_eq(api_str(o, "acknowledgement_id"), ack);
	cr_assert_str_eq(api_str(o, "plan_id"), plan);
	o = api_get(x, "delivery_metadata");
	cr_assert_str_eq(api_str(o, "worker_run_id"), run);
	cr_assert_str_eq(api_str(o, "plan_id"), plan);
	cr_assert_str_eq(api_str(o, "connector_delivery_source"), SRC_C3);
	cr_assert(yes(o, "delivery_success"));
	api_free(&r);
	cr_assert_eq(api_received("bad", "POST"), bad0 + 2);
	cr_assert_eq(api_received("ok", "POST"), ok0 + 1);
}

/* The C3 worker's health, the alert about it (teams failing), its
 * dashboard, acknowledgement and history, and the alert redelivery. */
static void
walk_alerts(const char *plan)
{
	struct api_resp		 r;
	struct json_object	*o, *x;
	char			 path[512], hid[128], aplan[128], body[512];
	int			 down0;

	flow_get(RE "/retry-health", 200, &r);
	o = api_get(r.json, "health");
	cr_assert_eq(strncmp(api_str(o, "health_id"),
	    "gordackrecoveryeschealth-", 25), 0);
	cr_assert_eq(api_int(o, "run_count"), 3, "%s", r.body);
	cr_assert_eq(api_int(o, "dry_run_count"), 1);
	/* retry plans of one second with the same decisions share an id */
	cr_assert_geq(api_int(o, "retry_plan_count"), 1);
	cr_assert_eq(api_int(o, "execution_count"), 1);
	cr_assert_eq(api_int(o, "delivered_execution_count"), 1);
	cr_assert_eq(api_int(o, "failed_execution_count"), 0);
	cr_assert_eq(api_int(o, "failed_recovery_escalation_delivery_count"),
	    1);
	cr_assert_eq(api_int(o, "acknowledgement_pending_count"), 1);
	cr_assert_eq(api_int(o, "missed_run_count"), 0);
	cr_assert_eq(api_int(o, "stale_retry_plan_count"), 0);
	cr_assert_eq(api_int(o, "alert_count"), 1);
	cr_assert_str_eq(api_str(o, "alert_level"), "warning");
	cr_assert_str_eq(api_str(json_object_array_get_idx(api_get(o,
	    "alerts"), 0), "category"),
	    "recovery_escalation_acknowledgement_gap");
	cr_assert_str_eq(api_str(api_get(r.json, "metadata"), "metadata_kind"),
	    GBRD_AAD "recovery-escalation-retry-health");
	cr_assert(flow_stored(api_str(o, "health_id")));
	api_free(&r);

	down0 = api_received("down", "POST");
	flow_post_as(ACTOR, RE "/retry-health-alerts/deliver",
	    "{\"provider\": \"teams\", "
	    "\"retries\": 0}", 200, &r);
	cr_assert(!yes(r.json, "success"));
	o = api_get(r.json, "health");
	snprintf(hid, sizeof(hid), "%s", api_str(o, "health_id"));
	cr_assert_str_eq(api_str(o, "alert_level"), "warning");
	cr_assert_str_eq(api_str(r.json, "event_id"), hid);
	o = api_get(r.json, "plan");
	snprintf(aplan, sizeof(aplan), "%s", api_str(o, "plan_id"));
	cr_assert_eq(strncmp(aplan, "gordackrecoveryhealthalert-", 27), 0);
	cr_assert_eq(json_object_array_length(api_get(o,
	    "selected_providers")), 1);
	o = api_get(r.json, "metadata");
	cr_assert_str_eq(api_str(o, "connector_delivery_source"), SRC_C4);
	cr_assert_str_eq(api_str(o, "health_id"), hid);
	cr_assert_str_eq(api_str(o, "plan_id"), aplan);
	api_free(&r);
	cr_assert_eq(api_received("down", "POST"), down0 + 1);
	cr_assert(flow_stored(hid));

	flow_get(RE "/retry-health-alert-dashboard", 200, &r);
	cr_assert_eq(api_int(r.json, "plan_count"), 1, "%s", r.body);
	cr_assert_eq(api_int(r.json, "delivery_count"), 1);
	cr_assert_eq(api_int(r.json, "failed_delivery_count"), 1);
	cr_assert_eq(api_int(r.json, "acknowledgement_count"), 0);
	cr_assert_eq(api_int(r.json, "outstanding_acknowledgement_count"), 1);
	cr_assert_str_eq(api_str(r.json, "alert_level"), "critical");
	api_free(&r);

	snprintf(path, sizeof(path), RE "/retry-health-alerts/%s/"
	    "acknowledgements", hid);
	snprintf(body, sizeof(body), "{\"provider\": \"Teams\", "
	    "\"acknowledged_by\": \"bob\", \"acknowledgement_state\": "
	    "\"Resolved\", \"plan_id\": \"%s\"}", aplan);
	flow_post_as(ACTOR, path, body, 200, &r);
	o = api_get(r.json, "acknowledgement");
	cr_assert_eq(strncmp(api_str(o, "acknowledgement_id"),
	    "gordackrecoveryhealthack-", 25), 0);
	cr_assert_str_eq(api_str(o, "provider"), "teams");
	cr_assert_str_eq(api_str(o, "acknowledgement_state"), "resolved");
	cr_assert_str_eq(api_str(o, "health_id"), hid);
	cr_assert_str_eq(api_str(o, "plan_id"), aplan);
	api_free(&r);

	flow_get(RE "/retry-health-alert-dashboard", 200, &r);
	cr_assert_eq(api_int(r.json, "acknowledgement_count"), 1);
	cr_assert_eq(api_int(r.json, "outstanding_acknowledgement_count"), 0);
	api_free(&r);
	cr_assert_eq(flow_total(RE "/retry-health-alerts"), 3);
	cr_assert_eq(flow_total(RE "/retry-health-alerts?provider=teams"), 3);
	cr_assert_eq(flow_total(RE "/retry-health-alerts?acknowledgement_state="
	    "RESOLVED"), 1);
	cr_assert_eq(flow_total(RE
	    "/retry-health-alerts?metadata_kind=" GBRD_AAD ""
	    "recovery-escalation-retry-health-alert-plan"), 1);
	cr_assert_eq(flow_total(RE "/retry-health-alerts?suppressed=true"), 0);
	snprintf(path, sizeof(path), RE "/retry-health-alerts?health_id=%s",
	    hid);
	cr_assert_eq(flow_total(path), 3);
	snprintf(path, sizeof(path), RE "/retry-health-alerts?health_id=%s",
	    plan);
	cr_assert_eq(flow_total(path), 0);

	flow_post_as(ACTOR, RE "/retry-health-alerts/retry-plan",
	    "{" IMMEDIATE "}", 200, &r);
	o = api_get(r.json, "plan");
	cr_assert_eq(strncmp(api_str(o, "retry_plan_id"),
	    "gordackrecoveryhealthalertretry-", 32), 0);
	x = find(o, "retry_decisions", "health_id", hid);
	cr_assert_str_eq(api_str(x, "plan_id"), aplan);
	cr_assert_str_eq(api_str(x, "provider"), "teams");
	cr_assert_str_eq(api_str(x, "action"), "retry");
	api_free(&r);

	flow_post_as(ACTOR, RE "/retry-health-alerts/retry-worker-run",
	    "{" IMMEDIATE "}",
	    200, &r);
	x = json_object_array_get_idx(api_get(r.json, "retry_results"), 0);
	cr_assert_str_eq(api_str(x, "skipped"), "dry_run");
	api_free(&r);
	cr_assert_eq(api_received("down", "POST"), down0 + 1);
	flow_post_as(ACTOR, RE "/retry-health-alerts/retry-worker-run",
	    "{\"execute\": true, "
	    "\"retries\": 0, " IMMEDIATE "}", 200, &r);
	x = json_object_array_get_idx(api_get(r.json, "retry_results"), 0);
	cr_assert_str_eq(api_str(x, "skipped"), "", "%s", r.body);
	cr_assert_str_eq(api_str(api_get(x, "parent"), "health_id"), hid);
	o = api_get(x, "execution_record");
	cr_assert_str_eq(api_str(o, "execution_status"), "failed");
	cr_assert_eq(strncmp(api_str(o, "execution_id"),
	    "gordackrecoveryhealthalertexec-", 31), 0);
	o = api_get(x, "delivery_metadata");
	cr_assert_str_eq(api_str(o, "health_id"), hid);
	cr_assert_str_eq(api_str(o, "plan_id"), aplan);
	cr_assert_str_eq(api_str(o, "connector_delivery_source"), SRC_C4);
	api_free(&r);
	cr_assert_eq(api_received("down", "POST"), down0 + 2);

	flow_get(RE "/retry-health-alert-dashboard", 200, &r);
	cr_assert_eq(api_int(r.json, "delivery_count"), 2);
	cr_assert_eq(api_int(r.json, "failed_delivery_count"), 2);
	api_free(&r);
}

/* A failed escalation delivery whose plan is not stored: its retry is
 * skipped by the worker (last: it changes the counts above). */
static void
walk_missing(const char *u)
{
	struct api_resp		 r;
	struct json_object	*x;
	char			 id[256], at[64];

	flow_stamp(at, sizeof(at), -60);
	snprintf(id, sizeof(id), "rcd-%s-c3", u);
	seed_rcd(id, SRC_C3, "webhook", at, 0, 500);
	flow_post_as(ACTOR, RE "/retry-worker-run", "{" IMMEDIATE "}", 200, &r);
	snprintf(id, sizeof(id), "ev-rcd-%s-c3", u);
	x = find(r.json, "retry_results", "skipped",
	    "recovery_escalation_plan_not_found");
	cr_assert_str_eq(api_str(api_get(x, "decision"), "plan_id"), id);
	cr_assert(json_object_is_type(api_get(x, "parent"), json_type_null));
	api_free(&r);
}

static void
walk(const char *mode)
{
	char	 u[96], pb[128], plan[128];

	api_use(mode);
	api_uid(u, sizeof(u), "rr");
	walk_recovery(u, pb, sizeof(pb));
	walk_escalation(plan, sizeof(plan));
	walk_alerts(plan);
	walk_missing(u);
}

/* Both stacks, one after the other: they share the receivers. */
Test(recovery_chain, walk)
{
	walk("json");
	walk("sqlite");
}

/* Parents are checked, state words validated with the allowed list,
 * required fields named; nothing is stored by any of these. */
API_TEST(recovery, errors)
{
	struct api_resp	 r;

	flow_post_as(ACTOR, AD "/connector-recovery-playbooks/none/closures",
	    "{\"provider\": "
	    "\"webhook\", \"closed_by\": \"bob\"}", 404, &r);
	cr_assert_str_eq(api_str(r.json, "detail"),
	    "connector recovery playbook not found");
	api_free(&r);
	flow_post_as(ACTOR, AD "/connector-recovery-playbooks/none/closures",
	    "{\"provider\": "
	    "\"webhook\", \"closure_state\": \"done\"}", 400, &r);
	cr_assert_str_eq(api_str(r.json, "detail"), "closure_state must be "
	    "one of: resolved, mitigated, deferred, escalated, reopened");
	api_free(&r);
	flow_post_as(ACTOR, AD "/connector-recovery-playbooks/none/closures",
	    "{\"closed_by\": \"bob\"}", 400, &r);
	cr_assert_str_eq(api_str(r.json, "detail"), "provider is required");
	api_free(&r);
	flow_post_as(ACTOR, AD "/connector-recovery-playbooks/none/closures",
	    "{\"provider\": "
	    "\"webhook\", \"verification_refs\": [{}]}", 400, &r);
	api_free(&r);
	flow_post_as(ACTOR, AD "/connector-recovery-playbook",
	    "{\"lookback_hours\": 0}", 400,
	    &r);
	api_free(&r);
	flow_get(AD "/retry-recovery-report?recovery_slo_minutes=0", 400, &r);
	api_free(&r);

	flow_post_as(ACTOR, RE "/none/deliver", "{}", 404, &r);
	cr_assert_str_eq(api_str(r.json, "detail"),
	    "recovery escalation plan not found");
	api_free(&r);
	flow_post_as(ACTOR, RE "/none/acknowledgements",
	    "{\"provider\": \"webhook\"}", 404,
	    &r);
	cr_assert_str_eq(api_str(r.json, "detail"),
	    "recovery escalation plan not found");
	api_free(&r);
	flow_post_as(ACTOR, RE "/none/acknowledgements",
	    "{\"provider\": \"webhook\", "
	    "\"acknowledgement_state\": \"ok\"}", 400, &r);
	cr_assert_str_eq(api_str(r.json, "detail"), "acknowledgement_state "
	    "must be one of: acknowledged, accepted, deferred, escalated, "
	    "resolved, dismissed");
	api_free(&r);
	flow_post_as(ACTOR, RE "/retry-health-alerts/none/acknowledgements",
	    "{\"provider\": "
	    "\"webhook\"}", 404, &r);
	cr_assert_str_eq(api_str(r.json, "detail"),
	    "recovery escalation retry health not found");
	api_free(&r);
	flow_post_as(ACTOR, RE "/retry-health-alerts/none/acknowledgements",
	    "{\"provider\": "
	    "\"webhook\", \"acknowledgement_state\": \"accepted\"}", 400, &r);
	cr_assert_str_eq(api_str(r.json, "detail"), "acknowledgement_state "
	    "must be one of: acknowledged, dismissed, escalated, resolved");
	api_free(&r);
	flow_post_as(ACTOR, RE "/retry-worker-run",
	    "{\"schedule\": {\"interval_minutes\": "
	    "0}}", 400, &r);
	api_free(&r);
}

/* Under RBAC every POST of the loop needs a verified actor. */
API_TEST(recovery, actor_required)
{
	static const char *const paths[] = {
		AD "/connector-recovery-playbook",
		AD "/connector-recovery-playbooks/none/closures",
		AD "/recovery-escalation-plan",
		RE "/none/deliver",
		RE "/none/acknowledgements",
		RE "/retry-plan",
		RE "/retry-worker-run",
		RE "/retry-health-alerts/deliver",
		RE "/retry-health-alerts/none/acknowledgements",
		RE "/retry-health-alerts/retry-plan",
		RE "/retry-health-alerts/retry-worker-run",
		NULL
	};
	const char *const	*p;
	struct api_resp		 r;

	for (p = paths; *p != NULL; p++) {
		flow_post(*p,
		    "{\"provider\": \"webhook\", \"acknowledged_by\": "
		    "\"bob\", \"closed_by\": \"bob\"}", 401, &r);
		cr_assert_str_eq(api_str(r.json, "detail"),
		    "console action requires verified actor context", "%s",
		    *p);
		api_free(&r);
	}
}
