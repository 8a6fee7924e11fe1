/*
 * cavra-runtime through the real stack, on both store backends: the
 * recovery executive report and its two delivery loops (C5, C6), and the
 * worker health alerts of the audit delivery chain (C2).
 *
 * The stacks (tests/data/test_runtime_exec.env) run with repository RBAC,
 * so every POST carries actor_claims, and with a connector config whose
 * webhook goes to the receiver "ok" (200) and whose linux connector goes
 * to the receiver "bad" (500), both shared by the two stacks: a test
 * counts the receivers' requests that carry its own ids.  Each walk is
 * the only test of its file that writes records of its chain's kinds, so
 * its dashboards and histories are counted exactly.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow.h"
#include "harness.h"

#define AD	"/runtime/go-pilot/rollback-drill-notifications/" \
		"acknowledgements/audit-delivery"
#define ER	AD "/recovery-executive-report"
#define C2_SRC	"go_backend_rollback_drill_acknowledgement_audit_" \
		"worker_health_alert"
#define C5_SRC	"go_backend_rollback_drill_acknowledgement_audit_" \
		"recovery_executive_report"
#define C6_SRC	C5_SRC "_delivery_retry_health_alert"
#define HOOK	"POST /hook HTTP/1."	/* a delivery's request line */
#define EXK	GBRD_AAD "recovery-executive-report"
#define ACTOR	actor()
#define ACK_STATES "acknowledgement_state must be one of: acknowledged, " \
		"dismissed, escalated, resolved"

/* The actor of this stack's POSTs: its own per store backend, so that
 * what the two stacks send the shared receivers can be told apart. */
static const char *
actor(void)
{
	static char	 buf[64];

	snprintf(buf, sizeof(buf), "ana.%s@example.com", api_mode());
	return buf;
}

/* The retry plans a walk stored: an id repeats when two plans with the
 * same decisions were made within the same second (their ids are
 * content addressed), and the later one replaces the earlier. */
struct plans {
	char		 id[8][128];
	long long	 retryable[8];
	int		 n;
};

/* Notes the retry plan of an answer (its member key). */
static void
plan_seen(struct plans *ps, struct json_object *answer, const char *key)
{
	struct json_object	*p = api_get(answer, key);
	const char		*id = api_str(p, "retry_plan_id");
	int			 i;

	for (i = 0; i < ps->n && strcmp(ps->id[i], id) != 0; i++)
		continue;
	if (i == ps->n) {
		cr_assert_lt(ps->n, 8);
		snprintf(ps->id[ps->n++], sizeof(ps->id[0]), "%s", id);
	}
	ps->retryable[i] = api_int(p, "retryable_count");
}

/*
 * Seeds what the retry recovery report reads: three audit retry
 * executions for jira (failed, skipped, delivered) and a playbook of
 * long ago for jira (still open: its SLO is breached) and slack
 * (resolved since).
 */
static void
seed_recovery(const char *u)
{
	static const char *const status[] = { "failed", "skipped",
		"delivered" };
	char	 body[2048];
	int	 i;

	for (i = 0; i < 3; i++) {
		snprintf(body, sizeof(body), "{\"session_id\": \"rex-%s-%d\", "
		    "\"metadata_kind\": \"" GBRD_AAD "retry-execution-record\", "
		    "\"provider\": \"jira\", \"execution_status\": \"%s\"}", u,
		    i, status[i]);
		flow_seed(body);
	}
	snprintf(body, sizeof(body), "{\"session_id\": \"rpb-%s\", "
	    "\"created_at\": \"2020-01-01T00:00:00.000000+00:00\", "
	    "\"metadata_kind\": \"" GBRD_AAD "connector-recovery-playbook\", "
	    "\"connector_recovery_playbook\": {\"playbook_id\": \"rpb-%s\", "
	    "\"provider_playbooks\": [{\"provider\": \"jira\", "
	    "\"failure_count\": 2}, {\"provider\": \"slack\", "
	    "\"failure_count\": 1}]}}", u, u);
	flow_seed(body);
	snprintf(body, sizeof(body), "{\"session_id\": \"rcl-%s\", "
	    "\"metadata_kind\": \"" GBRD_AAD "connector-recovery-closure\", "
	    "\"playbook_id\": \"rpb-%s\", \"provider\": \"slack\", "
	    "\"closure_state\": \"resolved\"}", u, u);
	flow_seed(body);
}

/*
 * C5 and C6 end to end: executive report, schedule run, its delivery
 * (linux failing), `latest`, retry plans, the worker dry and live, the
 * health, then the C6 alert delivery, its acknowledgement, history,
 * dashboard, retry plan and worker, counted exactly.
 */
API_TEST(exec, walk)
{
	struct api_resp		 r;
	struct json_object	*o, *p, *d, *x;
	char			 u[96], path[1024], rid[128], rep[128],
				 hid[128], pid[128], want[512];
	struct plans		 ps;
	long long		 sum;
	int			 ok0, bad0, i;

	memset(&ps, 0, sizeof(ps));
	api_uid(u, sizeof(u), "ex");
	seed_recovery(u);

	/* the report summarises the newest recovery records; stored */
	flow_get(ER "?recovery_slo_minutes=120&generated_by=exec-test", 200,
	    &r);
	o = api_get(r.json, "report");
	flow_assert_prefix(api_str(o, "executive_report_id"),
	    "gordackexecreport-");
	flow_assert_prefix(api_str(o, "recovery_report_id"),
	    "gordackretryreport-");
	flow_assert_prefix(api_str(o, "escalation_plan_id"),
	    "gordackrecoveryesc-");
	cr_assert_str_eq(api_str(o, "alert_level"), "critical");
	cr_assert_str_eq(api_str(o, "generated_by"), "exec-test");
	cr_assert_eq(api_int(o, "recovery_slo_minutes"), 120);
	cr_assert_eq(json_object_array_length(api_get(o, "provider_summary")),
	    2);
	p = api_get(o, "executive_summary");
	cr_assert_eq(api_int(p, "execution_count"), 3);
	cr_assert_eq(api_int(p, "escalation_count"), 1);
	cr_assert_eq(api_int(p, "failed_execution_count"), 2);
	cr_assert_eq(api_int(p, "open_recovery_count"), 1);
	cr_assert_eq(api_int(p, "slo_breached_count"), 1);
	cr_assert_str_eq(api_str(p, "business_impact"), "Connector recovery "
	    "requires leadership attention");
	cr_assert_eq(json_object_array_length(api_get(o, "key_risks")), 3);
	p = api_get(r.json, "metadata");
	cr_assert_str_eq(api_str(p, "metadata_kind"), EXK);
	cr_assert_str_eq(api_str(p, "signer"), "exec-test");
	cr_assert_eq(api_int(p, "escalation_count"), 1);
	cr_assert_eq(api_int(p, "blocked_count"), 3);
	cr_assert_eq(api_int(p, "approval_required_count"), 1);
	cr_assert(flow_stored(api_str(o, "executive_report_id")));
	api_free(&r);

	/* a schedule run with its report, both stored */
	flow_post_as(ACTOR, ER "/schedule-run",
	    "{\"schedule\": {\"cadence\": \"daily\"}}",
	    200, &r);
	o = api_get(r.json, "run");
	snprintf(rid, sizeof(rid), "%s", api_str(o, "run_id"));
	flow_assert_prefix(rid, "gordackexecsched-");
	cr_assert_str_eq(api_str(o, "generated_by"), ACTOR);
	p = api_get(o, "schedule");
	cr_assert_eq(api_int(p, "interval_minutes"), 1440);
	cr_assert_str_eq(api_str(p, "cadence"), "daily");
	cr_assert_not_null(strstr(api_str(p, "window_start"), ":00:00."));
	p = api_get(o, "summary");
	cr_assert_eq(api_int(p, "executive_report_count"), 1);
	cr_assert_eq(api_int(p, "escalation_count"), 1);
	snprintf(rep, sizeof(rep), "%s", api_str(api_get(o,
	    "executive_report"), "executive_report_id"));
	cr_assert_str_eq(api_str(api_get(r.json, "metadata"),
	    "metadata_kind"), EXK "-schedule-run");
	cr_assert_str_eq(api_str(api_get(r.json, "report_metadata"),
	    "session_id"), rep);
	cr_assert_str_eq(api_str(api_get(r.json, "actor"), "actor"), ACTOR);
	cr_assert(flow_stored(rid));
	cr_assert(flow_stored(rep));
	api_free(&r);

	/* its delivery: the webhook takes it, linux fails */
	ok0 = flow_posts("ok", HOOK, rid, ACTOR);
	bad0 = flow_posts("bad", HOOK, rid, ACTOR);
	snprintf(path, sizeof(path), ER "/schedule-runs/%s/deliver", rid);
	flow_post_as(ACTOR, path,
	    "{\"provider\": \"webhook,linux\", \"retries\": 0}", 200,
	    &r);
	cr_assert_eq(json_object_get_boolean(api_get(r.json, "success")), 0);
	cr_assert_str_eq(api_str(r.json, "event_id"), rid);
	p = api_get(r.json, "metadata");
	cr_assert_str_eq(api_str(p, "connector_delivery_source"), C5_SRC);
	cr_assert_str_eq(api_str(p, "run_id"), rid);
	cr_assert_str_eq(api_str(p, "executive_report_id"), rep);
	x = api_get(p, "failed_providers");
	cr_assert_eq(json_object_array_length(x), 1);
	cr_assert_str_eq(json_object_get_string(json_object_array_get_idx(x,
	    0)), "linux");
	cr_assert_str_eq(api_str(api_get(r.json, "run_metadata"),
	    "session_id"), rid);
	api_free(&r);
	cr_assert_eq(flow_posts("ok", HOOK, rid, ACTOR) - ok0, 1);
	cr_assert_eq(flow_posts("bad", HOOK, rid, ACTOR) - bad0, 1);

	/* `latest` builds and stores a new run */
	flow_post_as(ACTOR, ER "/schedule-runs/latest/deliver",
	    "{\"retries\": 0}", 200, &r);
	o = api_get(r.json, "run");
	cr_assert_str_neq(api_str(o, "run_id"), rid);
	cr_assert_str_eq(api_str(r.json, "event_id"), api_str(o, "run_id"));
	cr_assert(json_object_get_boolean(api_get(r.json, "success")));
	cr_assert_str_eq(api_str(api_get(r.json, "run_metadata"),
	    "metadata_kind"), EXK "-schedule-run");
	cr_assert(flow_stored(api_str(o, "run_id")));
	cr_assert_eq(flow_posts("ok", HOOK, api_str(o, "run_id"), ACTOR),
	    1);
	api_free(&r);

	/* the failure waits 30 minutes, unless retried at once */
	flow_post_as(ACTOR, ER "/delivery-retry-plan", "{}", 200, &r);
	o = api_get(r.json, "plan");
	flow_assert_prefix(api_str(o, "retry_plan_id"),
	    "gordackexecdeliveryretry-");
	cr_assert_eq(api_int(o, "decision_count"), 1);
	cr_assert_eq(api_int(o, "waiting_count"), 1);
	d = json_object_array_get_idx(api_get(o, "retry_decisions"), 0);
	cr_assert_str_eq(api_str(d, "run_id"), rid);
	cr_assert_str_eq(api_str(d, "executive_report_id"), rep);
	cr_assert_str_eq(api_str(d, "provider"), "linux");
	cr_assert_str_eq(api_str(d, "action"), "wait");
	cr_assert_eq(api_int(d, "retry_delay_minutes"), 30);
	cr_assert_str_eq(api_str(api_get(r.json, "metadata"),
	    "metadata_kind"), EXK "-delivery-retry-plan");
	plan_seen(&ps, r.json, "plan");
	api_free(&r);
	flow_post_as(ACTOR, ER "/delivery-retry-plan", "{\"retry_policy\": "
	    "{\"allow_immediate_retry\": true}}", 200, &r);
	cr_assert_eq(api_int(api_get(r.json, "plan"), "retryable_count"), 1);
	plan_seen(&ps, r.json, "plan");
	api_free(&r);

	/* the worker: a dry run selects, a live run redelivers (and fails
	 * again) with an execution record */
	d = flow_worker_dry(ACTOR, ER "/delivery-retry-worker-run", 1, &r);
	cr_assert_str_eq(api_str(api_get(d, "parent"), "run_id"), rid);
	cr_assert_null(json_object_object_get(d, "execution_record"));
	plan_seen(&ps, api_get(r.json, "retry_metadata"),
	    "recovery_executive_report_delivery_retry_plan");
	api_free(&r);
	bad0 = flow_posts("bad", HOOK, rid, ACTOR);
	d = flow_worker_live(ACTOR, ER "/delivery-retry-worker-run", &r);
	o = api_get(r.json, "run");
	p = api_get(d, "delivery_metadata");
	cr_assert_eq(json_object_get_boolean(api_get(p, "delivery_success")),
	    0);
	cr_assert_str_eq(api_str(p, "run_id"), rid);
	cr_assert_str_eq(api_str(p, "worker_run_id"), api_str(o, "run_id"));
	p = api_get(d, "execution_record");
	flow_assert_prefix(api_str(p, "execution_id"),
	    "gordackexecdeliveryexec-");
	cr_assert_str_eq(api_str(p, "execution_status"), "failed");
	cr_assert_str_eq(api_str(p, "run_id"), rid);
	cr_assert_str_eq(api_str(p, "worker_run_id"), api_str(o, "run_id"));
	cr_assert_str_eq(api_str(p, "executive_report_id"), rep);
	cr_assert_str_eq(api_str(api_get(d, "execution_metadata"),
	    "metadata_kind"), EXK "-delivery-retry-execution-record");
	plan_seen(&ps, api_get(r.json, "retry_metadata"),
	    "recovery_executive_report_delivery_retry_plan");
	api_free(&r);
	cr_assert_eq(flow_posts("bad", HOOK, rid, ACTOR) - bad0, 1);

	/* the health counts all of it; stored unless persist=false */
	flow_get(ER "/delivery-retry-health", 200, &r);
	o = api_get(r.json, "health");
	snprintf(hid, sizeof(hid), "%s", api_str(o, "health_id"));
	flow_assert_prefix(hid, "gordackexecdeliveryhealth-");
	cr_assert_eq(api_int(o, "worker_run_count"), 2);
	cr_assert_eq(api_int(o, "dry_run_count"), 1);
	for (i = 0, sum = 0; i < ps.n; i++)
		sum += ps.retryable[i];
	cr_assert_eq(api_int(o, "retry_plan_count"), ps.n);
	cr_assert_eq(api_int(o, "retryable_count"), sum);
	cr_assert_eq(api_int(o, "execution_record_count"), 1);
	cr_assert_eq(api_int(o, "failed_execution_count"), 1);
	cr_assert_eq(api_int(o, "delivered_execution_count"), 0);
	cr_assert_eq(api_int(o, "failed_executive_report_delivery_count"), 2);
	cr_assert_eq(api_int(o, "missed_worker_count"), 0);
	cr_assert_eq(api_int(o, "stale_retry_plan_count"), 0);
	cr_assert_eq(api_int(o, "alert_count"), 2);
	cr_assert_str_eq(api_str(o, "alert_level"), "critical");
	cr_assert_str_eq(api_str(json_object_array_get_idx(api_get(o,
	    "alerts"), 0), "category"), "failed_executive_report_delivery");
	p = api_get(r.json, "metadata");
	cr_assert_str_eq(api_str(p, "metadata_kind"), EXK
	    "-delivery-retry-health");
	cr_assert_eq(api_int(p, "blocked_count"), 3);
	cr_assert(flow_stored(hid));
	api_free(&r);
	flow_get(ER "/delivery-retry-health?persist=false&"
	    "expected_interval_minutes=1", 200, &r);
	cr_assert(!flow_stored(api_str(api_get(r.json, "health"),
	    "health_id")));
	api_free(&r);

	/* C6: the alert goes to both connectors, linux fails */
	flow_post_as(ACTOR, ER "/delivery-retry-health-alerts/deliver",
	    "{\"retries\": 0}",
	    200, &r);
	snprintf(hid, sizeof(hid), "%s", api_str(r.json, "event_id"));
	flow_assert_prefix(hid, "gordackexecdeliveryhealth-");
	o = api_get(r.json, "plan");
	snprintf(pid, sizeof(pid), "%s", api_str(o, "plan_id"));
	flow_assert_prefix(pid, "gordackexechealthalert-");
	cr_assert_eq(json_object_array_length(api_get(o,
	    "selected_providers")), 2);
	cr_assert_eq(json_object_get_boolean(api_get(r.json, "success")), 0);
	p = api_get(r.json, "metadata");
	cr_assert_str_eq(api_str(p, "connector_delivery_source"), C6_SRC);
	cr_assert_str_eq(api_str(p, "health_id"), hid);
	cr_assert_str_eq(api_str(p, "plan_id"), pid);
	cr_assert_str_eq(api_str(api_get(r.json, "plan_metadata"),
	    "metadata_kind"), EXK "-delivery-retry-health-alert-plan");
	cr_assert(!flow_stored(hid));
	api_free(&r);
	cr_assert_eq(flow_posts("ok", HOOK, hid, ACTOR), 1);
	cr_assert_eq(flow_posts("bad", HOOK, hid, ACTOR), 1);

	/* acknowledged for the webhook; an alert needs a stored plan */
	snprintf(path, sizeof(path), ER "/delivery-retry-health-alerts/%s/"
	    "acknowledgements", hid);
	flow_post_as(ACTOR, path,
	    "{\"provider\": \"webhook\", \"acknowledgement_state\": "
	    "\"maybe\"}", 400, &r);
	cr_assert_str_eq(api_str(r.json, "detail"), ACK_STATES);
	api_free(&r);
	snprintf(want, sizeof(want), "{\"provider\": \" WebHook\", "
	    "\"plan_id\": \"%s\", \"acknowledged_by\": \"someone\"}", pid);
	flow_post_as(ACTOR, path, want, 200, &r);
	o = api_get(r.json, "acknowledgement");
	flow_assert_prefix(api_str(o, "acknowledgement_id"),
	    "gordackexechealthack-");
	cr_assert_str_eq(api_str(o, "health_id"), hid);
	cr_assert_str_eq(api_str(o, "plan_id"), pid);
	cr_assert_str_eq(api_str(o, "provider"), "webhook");
	cr_assert_str_eq(api_str(o, "acknowledgement_state"), "acknowledged");
	cr_assert_str_eq(api_str(o, "acknowledged_by"), ACTOR);
	cr_assert_str_eq(api_str(api_get(r.json, "metadata"),
	    "metadata_kind"), EXK "-delivery-retry-health-alert-ack");
	api_free(&r);
	snprintf(path, sizeof(path), ER "/delivery-retry-health-alerts/"
	    "none-%s/acknowledgements", u);
	flow_post_as(ACTOR, path, "{\"provider\": \"webhook\"}", 404, &r);
	cr_assert_str_eq(api_str(r.json, "detail"), "executive report "
	    "delivery retry health alert not found");
	api_free(&r);

	/* the history: plan, acknowledgement, delivery */
	cr_assert_eq(flow_total(ER "/delivery-retry-health-alerts"), 3);
	snprintf(path, sizeof(path), ER "/delivery-retry-health-alerts?"
	    "health_id=%s", hid);
	cr_assert_eq(flow_total(path), 3);
	cr_assert_eq(flow_total(ER
	    "/delivery-retry-health-alerts?metadata_kind="
	    EXK "-delivery-retry-health-alert-ack"), 1);
	cr_assert_eq(flow_total(ER
	    "/delivery-retry-health-alerts?provider=linux"),
	    2);
	cr_assert_eq(flow_total(ER "/delivery-retry-health-alerts?"
	    "acknowledgement_state=Acknowledged"), 1);
	cr_assert_eq(flow_total(ER
	    "/delivery-retry-health-alerts?suppressed=true"),
	    0);
	flow_get(ER "/delivery-retry-health-alerts?limit=1&offset=1", 200, &r);
	cr_assert_eq(json_object_array_length(api_get(r.json, "items")), 1);
	cr_assert_eq(api_int(r.json, "total"), 3);
	api_free(&r);

	/* the dashboard: linux still owes an acknowledgement */
	flow_get(ER "/delivery-retry-health-alert-dashboard", 200, &r);
	o = r.json;
	cr_assert_eq(api_int(o, "plan_count"), 1);
	cr_assert_eq(api_int(o, "delivery_count"), 1);
	cr_assert_eq(api_int(o, "delivery_success_count"), 0);
	cr_assert_eq(api_int(o, "delivery_failed_count"), 1);
	cr_assert_eq(api_int(o, "selected_provider_count"), 2);
	cr_assert_eq(api_int(o, "acknowledgement_count"), 1);
	cr_assert_eq(api_int(o, "outstanding_acknowledgement_count"), 1);
	cr_assert_eq(api_int(o, "suppressed_provider_count"), 0);
	cr_assert_str_eq(api_str(json_object_array_get_idx(api_get(o,
	    "outstanding_acknowledgements"), 0), "provider"), "linux");
	cr_assert_str_eq(api_str(o, "alert_level"), "critical");
	api_free(&r);

	/* its failure retried: the health it alerted on was not stored,
	 * so the live worker skips it (an execution record says so) */
	flow_post_as(ACTOR, ER "/delivery-retry-health-alerts/retry-plan",
	    "{\"retry_policy\":"
	    " {\"allow_immediate_retry\": true}}", 200, &r);
	o = api_get(r.json, "plan");
	flow_assert_prefix(api_str(o, "retry_plan_id"),
	    "gordackexechealthalertretry-");
	cr_assert_eq(api_int(o, "retryable_count"), 1);
	d = json_object_array_get_idx(api_get(o, "retry_decisions"), 0);
	cr_assert_str_eq(api_str(d, "health_id"), hid);
	cr_assert_str_eq(api_str(d, "plan_id"), pid);
	cr_assert_str_eq(api_str(d, "provider"), "linux");
	memset(&ps, 0, sizeof(ps));
	plan_seen(&ps, r.json, "plan");
	api_free(&r);
	flow_post_as(ACTOR,
	    ER "/delivery-retry-health-alerts/retry-worker-run", "{\"execute\":"
	    " true, \"retry_policy\": {\"allow_immediate_retry\": true}}", 200,
	    &r);
	d = json_object_array_get_idx(api_get(r.json, "retry_results"), 0);
	cr_assert_str_eq(api_str(d, "skipped"), "recovery_executive_report_"
	    "delivery_retry_health_not_found");
	p = api_get(d, "execution_record");
	cr_assert_str_eq(api_str(p, "execution_status"), "skipped");
	cr_assert_str_eq(api_str(p, "health_id"), hid);
	cr_assert_str_eq(api_str(p, "plan_id"), pid);
	plan_seen(&ps, api_get(r.json, "retry_metadata"), "recovery_"
	    "executive_report_delivery_retry_health_alert_delivery_retry_plan");
	api_free(&r);
	cr_assert_eq(flow_posts("bad", HOOK, hid, ACTOR), 1);
	/* plan, acknowledgement, delivery, the retry plans, the run and its
	 * execution record */
	cr_assert_eq(flow_total(ER "/delivery-retry-health-alerts"), 5 + ps.n);
	flow_get(ER "/delivery-retry-health-alert-dashboard", 200, &r);
	cr_assert_eq(api_int(r.json, "plan_count"), 1);
	cr_assert_eq(api_int(r.json, "delivery_count"), 1);
	api_free(&r);
}

/*
 * C2: the health of the audit delivery retry worker, which has never run
 * on these stacks (missed, critical), alerted to both connectors (linux
 * fails), acknowledged for the webhook, listed and counted.
 */
API_TEST(exec, worker_health_alerts)
{
	struct api_resp		 r;
	struct json_object	*o, *p;
	char			 path[1024], hid[128], pid[128], body[512];

	flow_post_as(ACTOR, AD "/worker-health-alerts/deliver",
	    "{\"provider\": "
	    "\"webhook,linux\", \"retries\": 0}", 200, &r);
	o = api_get(r.json, "health");
	snprintf(hid, sizeof(hid), "%s", api_str(o, "health_id"));
	flow_assert_prefix(hid, "gordackhealth-");
	cr_assert_eq(api_int(o, "run_count"), 0);
	cr_assert_eq(api_int(o, "missed_run_count"), 1);
	cr_assert_str_eq(api_str(o, "alert_level"), "critical");
	o = api_get(r.json, "plan");
	snprintf(pid, sizeof(pid), "%s", api_str(o, "plan_id"));
	flow_assert_prefix(pid, "gordackhealthalert-");
	cr_assert_eq(json_object_array_length(api_get(o,
	    "selected_providers")), 2);
	cr_assert_eq(json_object_get_boolean(api_get(r.json, "success")), 0);
	cr_assert_str_eq(api_str(r.json, "event_id"), hid);
	p = api_get(r.json, "metadata");
	cr_assert_str_eq(api_str(p, "connector_delivery_source"), C2_SRC);
	cr_assert_str_eq(api_str(p, "health_id"), hid);
	cr_assert_str_eq(api_str(p, "plan_id"), pid);
	cr_assert_str_eq(api_str(api_get(r.json, "plan_metadata"),
	    "metadata_kind"), GBRD_AAD "worker-health-alert-plan");
	api_free(&r);
	cr_assert_eq(flow_posts("ok", HOOK, hid, ACTOR), 1);
	cr_assert_eq(flow_posts("bad", HOOK, hid, ACTOR), 1);

	snprintf(path, sizeof(path), AD "/worker-health-alerts/%s/"
	    "acknowledgements", hid);
	flow_post_as(ACTOR, path, "{\"acknowledgement_state\": \"resolved\"}",
	    400, &r);
	cr_assert_str_eq(api_str(r.json, "detail"), "provider is required");
	api_free(&r);
	snprintf(body, sizeof(body), "{\"provider\": \"webhook\", "
	    "\"plan_id\": \"%s\"}", pid);
	flow_post_as(ACTOR, path, body, 200, &r);
	o = api_get(r.json, "acknowledgement");
	flow_assert_prefix(api_str(o, "acknowledgement_id"),
	    "gordackhealthack-");
	cr_assert_str_eq(api_str(o, "health_id"), hid);
	cr_assert_str_eq(api_str(o, "acknowledged_by"), ACTOR);
	cr_assert_str_eq(api_str(api_get(r.json, "metadata"),
	    "metadata_kind"), GBRD_AAD "worker-health-alert-ack");
	api_free(&r);
	flow_post_as(ACTOR,
	    AD "/worker-health-alerts/gordackhealth-0/acknowledgements",
	    "{\"provider\": \"webhook\"}", 404, &r);
	cr_assert_str_eq(api_str(r.json, "detail"),
	    "worker health alert not found");
	api_free(&r);

	cr_assert_eq(flow_total(AD "/worker-health-alerts"), 3);
	snprintf(path, sizeof(path), AD "/worker-health-alerts?health_id=%s",
	    hid);
	cr_assert_eq(flow_total(path), 3);
	cr_assert_eq(flow_total(AD "/worker-health-alerts?provider=webhook"),
	    3);
	cr_assert_eq(flow_total(AD "/worker-health-alerts?provider=linux"), 2);
	cr_assert_eq(flow_total(AD "/worker-health-alerts?metadata_kind="
	    GBRD_AAD "worker-health-alert-plan"), 1);
	cr_assert_eq(flow_total(AD
	    "/worker-health-alerts?acknowledgement_state="
	    "acknowledged"), 1);

	flow_get(AD "/worker-health-alert-dashboard", 200, &r);
	o = r.json;
	cr_assert_eq(api_int(o, "plan_count"), 1);
	cr_assert_eq(api_int(o, "delivery_count"), 1);
	cr_assert_eq(api_int(o, "failed_delivery_count"), 1);
	cr_assert_eq(api_int(o, "acknowledgement_count"), 1);
	cr_assert_eq(api_int(o, "outstanding_acknowledgement_count"), 1);
	cr_assert_eq(api_int(o, "suppressed_provider_count"), 0);
	cr_assert_str_eq(api_str(o, "alert_level"), "critical");
	cr_assert_null(json_object_object_get(o, "delivery_success_count"));
	api_free(&r);
}

/* Bad input, unknown parents and, under RBAC, POSTs without an actor:
 * none of them writes a record. */
API_TEST(exec, errors)
{
	struct api_resp		 r;
	char			*h;
	char			 path[512], u[96];
	static const char *const actor_posts[] = {
		ER "/schedule-run",
		ER "/schedule-runs/latest/deliver",
		ER "/delivery-retry-plan",
		ER "/delivery-retry-worker-run",
		ER "/delivery-retry-health-alerts/deliver",
		ER "/delivery-retry-health-alerts/retry-plan",
		ER "/delivery-retry-health-alerts/retry-worker-run",
		AD "/worker-health-alerts/deliver",
		NULL
	};
	const char *const	*p;

	api_uid(u, sizeof(u), "exe");
	for (p = actor_posts; *p != NULL; p++) {
		flow_post(*p, "{}", 401, &r);
		cr_assert_str_eq(api_str(r.json, "detail"),
		    "console action requires verified actor context");
		h = api_header(&r, "WWW-Authenticate");
		cr_assert(h != NULL && strncmp(h, "Bearer", 6) == 0, "%s", *p);
		free(h);
		api_free(&r);
	}
	snprintf(path, sizeof(path), ER "/schedule-runs/none-%s/deliver", u);
	flow_post_as(ACTOR, path, "{}", 404, &r);
	cr_assert_str_eq(api_str(r.json, "detail"), "recovery executive "
	    "report schedule run not found");
	api_free(&r);
	flow_post_as(ACTOR, ER "/schedule-run",
	    "{\"schedule\": {\"interval_minutes\": "
	    "\"x\"}}", 400, &r);
	api_free(&r);
	flow_post_as(ACTOR, ER "/schedule-run",
	    "{\"schedule\": {\"interval_minutes\": 0}}",
	    400, &r);
	api_free(&r);
	flow_post_as(ACTOR, ER "/schedule-run",
	    "{\"recovery_slo_minutes\": \"x\"}", 400, &r);
	api_free(&r);
	flow_post_as(ACTOR, ER "/delivery-retry-worker-run",
	    "{\"execute\": \"yes\"}", 400,
	    &r);
	api_free(&r);
	flow_post_as(ACTOR, ER "/delivery-retry-plan",
	    "{\"retry_policy\": []}", 400, &r);
	api_free(&r);
	flow_post_as(ACTOR, ER "/delivery-retry-health-alerts/deliver",
	    "{\"suppression_window_minutes\": 0}", 400, &r);
	api_free(&r);
	flow_get(ER "?recovery_slo_minutes=0", 400, &r);
	api_free(&r);
	flow_get(ER "/delivery-retry-health?expected_interval_minutes=0", 400,
	    &r);
	api_free(&r);
	flow_get(ER "/delivery-retry-health-alerts?suppressed=maybe", 422, &r);
	api_free(&r);
	snprintf(path, sizeof(path), ER "/delivery-retry-health-alerts/"
	    "none-%s/acknowledgements", u);
	flow_post_as(ACTOR, path, "{}", 400, &r);
	cr_assert_str_eq(api_str(r.json, "detail"), "provider is required");
	api_free(&r);
	/* a record of another kind with that health_id is no alert plan */
	snprintf(path, sizeof(path), "{\"session_id\": \"exe-%s\", "
	    "\"metadata_kind\": \"" EXK "-delivery-retry-health\", "
	    "\"health_id\": \"h-%s\"}", u, u);
	flow_seed(path);
	snprintf(path, sizeof(path), ER "/delivery-retry-health-alerts/h-%s/"
	    "acknowledgements", u);
	flow_post_as(ACTOR, path, "{\"provider\": \"webhook\"}", 404, &r);
	api_free(&r);
}
