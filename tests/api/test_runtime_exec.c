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

#include "harness.h"

#define AD	"/runtime/go-pilot/rollback-drill-notifications/" \
		"acknowledgements/audit-delivery"
#define ER	AD "/recovery-executive-report"
#define C2_SRC	"go_backend_rollback_drill_acknowledgement_audit_" \
		"worker_health_alert"
#define C5_SRC	"go_backend_rollback_drill_acknowledgement_audit_" \
		"recovery_executive_report"
#define C6_SRC	C5_SRC "_delivery_retry_health_alert"
#define EXK	"gbrd-aad-recovery-executive-report"
#define ACTOR	actor()
#define ACK_STATES "acknowledgement_state must be one of: acknowledged, " \
		"dismissed, escalated, resolved"

/* POST body as it is; asserts the status. */
static void
post_bare(const char *path, const char *body, long status,
    struct api_resp *r)
{
	api_req("POST", path, body, NULL, r);
	cr_assert_eq(r->status, status, "%s %s: %ld %s", path, body,
	    r->status, r->body);
}

/* The actor of this stack's POSTs: its own per store backend, so that
 * what the two stacks send the shared receivers can be told apart. */
static const char *
actor(void)
{
	static char	 buf[64];

	snprintf(buf, sizeof(buf), "ana.%s@example.com", api_mode());
	return buf;
}

/* POST body (an object) with actor_claims naming ACTOR added. */
static void
post(const char *path, const char *body, long status, struct api_resp *r)
{
	char	 buf[4096];

	cr_assert_eq(body[0], '{');
	snprintf(buf, sizeof(buf), "{\"actor_claims\": {\"email\": \"%s\", "
	    "\"groups\": [\"okta-release\"]}%s%s", ACTOR, strcmp(body, "{}") ==
	    0 ? "" : ", ", strcmp(body, "{}") == 0 ? "}" : body + 1);
	post_bare(path, buf, status, r);
}

/* GET path; asserts the status. */
static void
get(const char *path, long status, struct api_resp *r)
{
	api_req("GET", path, NULL, NULL, r);
	cr_assert_eq(r->status, status, "GET %s: %ld %s", path, r->status,
	    r->body);
}

/* Stores a record through POST /evidence. */
static void
seed(const char *body)
{
	struct api_resp	 r;

	post_bare("/evidence", body, 200, &r);
	api_free(&r);
}

/* The requests receiver `name` logged whose text holds needle and this
 * stack's actor. */
static int
entries(const char *name, const char *needle)
{
	static const char	 start[] = "POST /hook HTTP/1.";
	char			*log, *p, *next;
	int			 n = 0;

	log = api_recv_log(name);
	for (p = strstr(log, start); p != NULL; p = next) {
		next = strstr(p + 1, start);
		if (next != NULL)
			next[-1] = '\0';
		if (strstr(p, needle) != NULL && strstr(p, ACTOR) != NULL)
			n++;
		if (next != NULL)
			next[-1] = '\n';
	}
	free(log);
	return n;
}

/* Whether path names a stored record (GET /evidence/{id}). */
static int
stored(const char *id)
{
	struct api_resp	 r;
	char		 path[512];
	int		 found;

	snprintf(path, sizeof(path), "/evidence/%s", id);
	api_req("GET", path, NULL, NULL, &r);
	found = r.status == 200;
	api_free(&r);
	return found;
}

/* Asserts that s starts with prefix. */
static void
prefixed(const char *s, const char *prefix)
{
	cr_assert_eq(strncmp(s, prefix, strlen(prefix)), 0, "%s is not %s...",
	    s, prefix);
}

/* The total of a history answer at path. */
static long long
total(const char *path)
{
	struct api_resp	 r;
	long long	 n;

	get(path, 200, &r);
	n = api_int(r.json, "total");
	api_free(&r);
	return n;
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
		    "\"metadata_kind\": \"gbrd-aad-retry-execution-record\", "
		    "\"provider\": \"jira\", \"execution_status\": \"%s\"}", u,
		    i, status[i]);
		seed(body);
	}
	snprintf(body, sizeof(body), "{\"session_id\": \"rpb-%s\", "
	    "\"created_at\": \"2020-01-01T00:00:00.000000+00:00\", "
	    "\"metadata_kind\": \"gbrd-aad-connector-recovery-playbook\", "
	    "\"connector_recovery_playbook\": {\"playbook_id\": \"rpb-%s\", "
	    "\"provider_playbooks\": [{\"provider\": \"jira\", "
	    "\"failure_count\": 2}, {\"provider\": \"slack\", "
	    "\"failure_count\": 1}]}}", u, u);
	seed(body);
	snprintf(body, sizeof(body), "{\"session_id\": \"rcl-%s\", "
	    "\"metadata_kind\": \"gbrd-aad-connector-recovery-closure\", "
	    "\"playbook_id\": \"rpb-%s\", \"provider\": \"slack\", "
	    "\"closure_state\": \"resolved\"}", u, u);
	seed(body);
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
	get(ER "?recovery_slo_minutes=120&generated_by=exec-test", 200, &r);
	o = api_get(r.json, "report");
	prefixed(api_str(o, "executive_report_id"), "gordackexecreport-");
	prefixed(api_str(o, "recovery_report_id"), "gordackretryreport-");
	prefixed(api_str(o, "escalation_plan_id"), "gordackrecoveryesc-");
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
	cr_assert(stored(api_str(o, "executive_report_id")));
	api_free(&r);

	/* a schedule run with its report, both stored */
	post(ER "/schedule-run", "{\"schedule\": {\"cadence\": \"daily\"}}",
	    200, &r);
	o = api_get(r.json, "run");
	snprintf(rid, sizeof(rid), "%s", api_str(o, "run_id"));
	prefixed(rid, "gordackexecsched-");
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
	cr_assert(stored(rid));
	cr_assert(stored(rep));
	api_free(&r);

	/* its delivery: the webhook takes it, linux fails */
	ok0 = entries("ok", rid);
	bad0 = entries("bad", rid);
	snprintf(path, sizeof(path), ER "/schedule-runs/%s/deliver", rid);
	post(path, "{\"provider\": \"webhook,linux\", \"retries\": 0}", 200,
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
	cr_assert_eq(entries("ok", rid) - ok0, 1);
	cr_assert_eq(entries("bad", rid) - bad0, 1);

	/* `latest` builds and stores a new run */
	post(ER "/schedule-runs/latest/deliver", "{\"retries\": 0}", 200, &r);
	o = api_get(r.json, "run");
	cr_assert_str_neq(api_str(o, "run_id"), rid);
	cr_assert_str_eq(api_str(r.json, "event_id"), api_str(o, "run_id"));
	cr_assert(json_object_get_boolean(api_get(r.json, "success")));
	cr_assert_str_eq(api_str(api_get(r.json, "run_metadata"),
	    "metadata_kind"), EXK "-schedule-run");
	cr_assert(stored(api_str(o, "run_id")));
	cr_assert_eq(entries("ok", api_str(o, "run_id")), 1);
	api_free(&r);

	/* the failure waits 30 minutes, unless retried at once */
	post(ER "/delivery-retry-plan", "{}", 200, &r);
	o = api_get(r.json, "plan");
	prefixed(api_str(o, "retry_plan_id"), "gordackexecdeliveryretry-");
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
	post(ER "/delivery-retry-plan", "{\"retry_policy\": "
	    "{\"allow_immediate_retry\": true}}", 200, &r);
	cr_assert_eq(api_int(api_get(r.json, "plan"), "retryable_count"), 1);
	plan_seen(&ps, r.json, "plan");
	api_free(&r);

	/* the worker: a dry run selects, a live run redelivers (and fails
	 * again) with an execution record */
	post(ER "/delivery-retry-worker-run", "{\"retry_policy\": "
	    "{\"allow_immediate_retry\": true}}", 200, &r);
	o = api_get(r.json, "run");
	cr_assert(json_object_get_boolean(api_get(o, "dry_run")));
	cr_assert_eq(api_int(api_get(o, "summary"), "selected_retry_count"),
	    1);
	d = json_object_array_get_idx(api_get(r.json, "retry_results"), 0);
	cr_assert_str_eq(api_str(d, "skipped"), "dry_run");
	cr_assert_str_eq(api_str(api_get(d, "parent"), "run_id"), rid);
	cr_assert_null(json_object_object_get(d, "execution_record"));
	plan_seen(&ps, api_get(r.json, "retry_metadata"),
	    "recovery_executive_report_delivery_retry_plan");
	api_free(&r);
	bad0 = entries("bad", rid);
	post(ER "/delivery-retry-worker-run", "{\"execute\": true, "
	    "\"retries\": 0, \"retry_policy\": {\"allow_immediate_retry\": "
	    "true}}", 200, &r);
	o = api_get(r.json, "run");
	cr_assert_eq(json_object_get_boolean(api_get(o, "dry_run")), 0);
	d = json_object_array_get_idx(api_get(r.json, "retry_results"), 0);
	cr_assert_str_eq(api_str(d, "skipped"), "");
	p = api_get(d, "delivery_metadata");
	cr_assert_eq(json_object_get_boolean(api_get(p, "delivery_success")),
	    0);
	cr_assert_str_eq(api_str(p, "run_id"), rid);
	cr_assert_str_eq(api_str(p, "worker_run_id"), api_str(o, "run_id"));
	p = api_get(d, "execution_record");
	prefixed(api_str(p, "execution_id"), "gordackexecdeliveryexec-");
	cr_assert_str_eq(api_str(p, "execution_status"), "failed");
	cr_assert_str_eq(api_str(p, "run_id"), rid);
	cr_assert_str_eq(api_str(p, "worker_run_id"), api_str(o, "run_id"));
	cr_assert_str_eq(api_str(p, "executive_report_id"), rep);
	cr_assert_str_eq(api_str(api_get(d, "execution_metadata"),
	    "metadata_kind"), EXK "-delivery-retry-execution-record");
	plan_seen(&ps, api_get(r.json, "retry_metadata"),
	    "recovery_executive_report_delivery_retry_plan");
	api_free(&r);
	cr_assert_eq(entries("bad", rid) - bad0, 1);

	/* the health counts all of it; stored unless persist=false */
	get(ER "/delivery-retry-health", 200, &r);
	o = api_get(r.json, "health");
	snprintf(hid, sizeof(hid), "%s", api_str(o, "health_id"));
	prefixed(hid, "gordackexecdeliveryhealth-");
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
	cr_assert(stored(hid));
	api_free(&r);
	get(ER "/delivery-retry-health?persist=false&"
	    "expected_interval_minutes=1", 200, &r);
	cr_assert(!stored(api_str(api_get(r.json, "health"), "health_id")));
	api_free(&r);

	/* C6: the alert goes to both connectors, linux fails */
	post(ER "/delivery-retry-health-alerts/deliver", "{\"retries\": 0}",
	    200, &r);
	snprintf(hid, sizeof(hid), "%s", api_str(r.json, "event_id"));
	prefixed(hid, "gordackexecdeliveryhealth-");
	o = api_get(r.json, "plan");
	snprintf(pid, sizeof(pid), "%s", api_str(o, "plan_id"));
	prefixed(pid, "gordackexechealthalert-");
	cr_assert_eq(json_object_array_length(api_get(o,
	    "selected_providers")), 2);
	cr_assert_eq(json_object_get_boolean(api_get(r.json, "success")), 0);
	p = api_get(r.json, "metadata");
	cr_assert_str_eq(api_str(p, "connector_delivery_source"), C6_SRC);
	cr_assert_str_eq(api_str(p, "health_id"), hid);
	cr_assert_str_eq(api_str(p, "plan_id"), pid);
	cr_assert_str_eq(api_str(api_get(r.json, "plan_metadata"),
	    "metadata_kind"), EXK "-delivery-retry-health-alert-plan");
	cr_assert(!stored(hid));
	api_free(&r);
	cr_assert_eq(entries("ok", hid), 1);
	cr_assert_eq(entries("bad", hid), 1);

	/* acknowledged for the webhook; an alert needs a stored plan */
	snprintf(path, sizeof(path), ER "/delivery-retry-health-alerts/%s/"
	    "acknowledgements", hid);
	post(path, "{\"provider\": \"webhook\", \"acknowledgement_state\": "
	    "\"maybe\"}", 400, &r);
	cr_assert_str_eq(api_str(r.json, "detail"), ACK_STATES);
	api_free(&r);
	snprintf(want, sizeof(want), "{\"provider\": \" WebHook\", "
	    "\"plan_id\": \"%s\", \"acknowledged_by\": \"someone\"}", pid);
	post(path, want, 200, &r);
	o = api_get(r.json, "acknowledgement");
	prefixed(api_str(o, "acknowledgement_id"), "gordackexechealthack-");
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
	post(path, "{\"provider\": \"webhook\"}", 404, &r);
	cr_assert_str_eq(api_str(r.json, "detail"), "executive report "
	    "delivery retry health alert not found");
	api_free(&r);

	/* the history: plan, acknowledgement, delivery */
	cr_assert_eq(total(ER "/delivery-retry-health-alerts"), 3);
	snprintf(path, sizeof(path), ER "/delivery-retry-health-alerts?"
	    "health_id=%s", hid);
	cr_assert_eq(total(path), 3);
	cr_assert_eq(total(ER "/delivery-retry-health-alerts?metadata_kind="
	    EXK "-delivery-retry-health-alert-ack"), 1);
	cr_assert_eq(total(ER "/delivery-retry-health-alerts?provider=linux"),
	    2);
	cr_assert_eq(total(ER "/delivery-retry-health-alerts?"
	    "acknowledgement_state=Acknowledged"), 1);
	cr_assert_eq(total(ER "/delivery-retry-health-alerts?suppressed=true"),
	    0);
	get(ER "/delivery-retry-health-alerts?limit=1&offset=1", 200, &r);
	cr_assert_eq(json_object_array_length(api_get(r.json, "items")), 1);
	cr_assert_eq(api_int(r.json, "total"), 3);
	api_free(&r);

	/* the dashboard: linux still owes an acknowledgement */
	get(ER "/delivery-retry-health-alert-dashboard", 200, &r);
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
	post(ER "/delivery-retry-health-alerts/retry-plan", "{\"retry_policy\":"
	    " {\"allow_immediate_retry\": true}}", 200, &r);
	o = api_get(r.json, "plan");
	prefixed(api_str(o, "retry_plan_id"), "gordackexechealthalertretry-");
	cr_assert_eq(api_int(o, "retryable_count"), 1);
	d = json_object_array_get_idx(api_get(o, "retry_decisions"), 0);
	cr_assert_str_eq(api_str(d, "health_id"), hid);
	cr_assert_str_eq(api_str(d, "plan_id"), pid);
	cr_assert_str_eq(api_str(d, "provider"), "linux");
	memset(&ps, 0, sizeof(ps));
	plan_seen(&ps, r.json, "plan");
	api_free(&r);
	post(ER "/delivery-retry-health-alerts/retry-worker-run", "{\"execute\":"
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
	cr_assert_eq(entries("bad", hid), 1);
	/* plan, acknowledgement, delivery, the retry plans, the run and its
	 * execution record */
	cr_assert_eq(total(ER "/delivery-retry-health-alerts"), 5 + ps.n);
	get(ER "/delivery-retry-health-alert-dashboard", 200, &r);
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

	post(AD "/worker-health-alerts/deliver", "{\"provider\": "
	    "\"webhook,linux\", \"retries\": 0}", 200, &r);
	o = api_get(r.json, "health");
	snprintf(hid, sizeof(hid), "%s", api_str(o, "health_id"));
	prefixed(hid, "gordackhealth-");
	cr_assert_eq(api_int(o, "run_count"), 0);
	cr_assert_eq(api_int(o, "missed_run_count"), 1);
	cr_assert_str_eq(api_str(o, "alert_level"), "critical");
	o = api_get(r.json, "plan");
	snprintf(pid, sizeof(pid), "%s", api_str(o, "plan_id"));
	prefixed(pid, "gordackhealthalert-");
	cr_assert_eq(json_object_array_length(api_get(o,
	    "selected_providers")), 2);
	cr_assert_eq(json_object_get_boolean(api_get(r.json, "success")), 0);
	cr_assert_str_eq(api_str(r.json, "event_id"), hid);
	p = api_get(r.json, "metadata");
	cr_assert_str_eq(api_str(p, "connector_delivery_source"), C2_SRC);
	cr_assert_str_eq(api_str(p, "health_id"), hid);
	cr_assert_str_eq(api_str(p, "plan_id"), pid);
	cr_assert_str_eq(api_str(api_get(r.json, "plan_metadata"),
	    "metadata_kind"), "gbrd-aad-worker-health-alert-plan");
	api_free(&r);
	cr_assert_eq(entries("ok", hid), 1);
	cr_assert_eq(entries("bad", hid), 1);

	snprintf(path, sizeof(path), AD "/worker-health-alerts/%s/"
	    "acknowledgements", hid);
	post(path, "{\"acknowledgement_state\": \"resolved\"}", 400, &r);
	cr_assert_str_eq(api_str(r.json, "detail"), "provider is required");
	api_free(&r);
	snprintf(body, sizeof(body), "{\"provider\": \"webhook\", "
	    "\"plan_id\": \"%s\"}", pid);
	post(path, body, 200, &r);
	o = api_get(r.json, "acknowledgement");
	prefixed(api_str(o, "acknowledgement_id"), "gordackhealthack-");
	cr_assert_str_eq(api_str(o, "health_id"), hid);
	cr_assert_str_eq(api_str(o, "acknowledged_by"), ACTOR);
	cr_assert_str_eq(api_str(api_get(r.json, "metadata"),
	    "metadata_kind"), "gbrd-aad-worker-health-alert-ack");
	api_free(&r);
	post(AD "/worker-health-alerts/gordackhealth-0/acknowledgements",
	    "{\"provider\": \"webhook\"}", 404, &r);
	cr_assert_str_eq(api_str(r.json, "detail"),
	    "worker health alert not found");
	api_free(&r);

	cr_assert_eq(total(AD "/worker-health-alerts"), 3);
	snprintf(path, sizeof(path), AD "/worker-health-alerts?health_id=%s",
	    hid);
	cr_assert_eq(total(path), 3);
	cr_assert_eq(total(AD "/worker-health-alerts?provider=webhook"), 3);
	cr_assert_eq(total(AD "/worker-health-alerts?provider=linux"), 2);
	cr_assert_eq(total(AD "/worker-health-alerts?metadata_kind="
	    "gbrd-aad-worker-health-alert-plan"), 1);
	cr_assert_eq(total(AD "/worker-health-alerts?acknowledgement_state="
	    "acknowledged"), 1);

	get(AD "/worker-health-alert-dashboard", 200, &r);
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
		post_bare(*p, "{}", 401, &r);
		cr_assert_str_eq(api_str(r.json, "detail"),
		    "console action requires verified actor context");
		h = api_header(&r, "WWW-Authenticate");
		cr_assert(h != NULL && strncmp(h, "Bearer", 6) == 0, "%s", *p);
		free(h);
		api_free(&r);
	}
	snprintf(path, sizeof(path), ER "/schedule-runs/none-%s/deliver", u);
	post(path, "{}", 404, &r);
	cr_assert_str_eq(api_str(r.json, "detail"), "recovery executive "
	    "report schedule run not found");
	api_free(&r);
	post(ER "/schedule-run", "{\"schedule\": {\"interval_minutes\": "
	    "\"x\"}}", 400, &r);
	api_free(&r);
	post(ER "/schedule-run", "{\"schedule\": {\"interval_minutes\": 0}}",
	    400, &r);
	api_free(&r);
	post(ER "/schedule-run", "{\"recovery_slo_minutes\": \"x\"}", 400, &r);
	api_free(&r);
	post(ER "/delivery-retry-worker-run", "{\"execute\": \"yes\"}", 400,
	    &r);
	api_free(&r);
	post(ER "/delivery-retry-plan", "{\"retry_policy\": []}", 400, &r);
	api_free(&r);
	post(ER "/delivery-retry-health-alerts/deliver",
	    "{\"suppression_window_minutes\": 0}", 400, &r);
	api_free(&r);
	get(ER "?recovery_slo_minutes=0", 400, &r);
	api_free(&r);
	get(ER "/delivery-retry-health?expected_interval_minutes=0", 400, &r);
	api_free(&r);
	get(ER "/delivery-retry-health-alerts?suppressed=maybe", 422, &r);
	api_free(&r);
	snprintf(path, sizeof(path), ER "/delivery-retry-health-alerts/"
	    "none-%s/acknowledgements", u);
	post(path, "{}", 400, &r);
	cr_assert_str_eq(api_str(r.json, "detail"), "provider is required");
	api_free(&r);
	/* a record of another kind with that health_id is no alert plan */
	snprintf(path, sizeof(path), "{\"session_id\": \"exe-%s\", "
	    "\"metadata_kind\": \"" EXK "-delivery-retry-health\", "
	    "\"health_id\": \"h-%s\"}", u, u);
	seed(path);
	snprintf(path, sizeof(path), ER "/delivery-retry-health-alerts/h-%s/"
	    "acknowledgements", u);
	post(path, "{\"provider\": \"webhook\"}", 404, &r);
	api_free(&r);
}
