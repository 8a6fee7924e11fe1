/*
 * cavra-runtime through the real stack, on both store backends: the
 * audit delivery retry chain (C1) from failed connector deliveries
 * (seeded as evidence metadata records) to a retry plan, its
 * acknowledgements with the parent check, the retry-execution approval
 * plan and its decisions, the worker history, its dashboard and its
 * health, whose counts must match what was stored.  The stacks run with
 * repository RBAC (tests/data/test_runtime.env): POSTs carry
 * actor_claims, whose actor is recorded in place of the body's.
 *
 * The chain is then walked end to end on two stacks of its own (JSON
 * and SQLite evidence store), each with a CAVRA_CONNECTOR_CONFIG whose
 * webhook goes to an http-recv receiver answering 200 and whose linux
 * connector goes to one answering 500 and then 200: audit delivery (one
 * receiver failing), retry plan, worker dry run, a live run the gate
 * holds back, acknowledgement, approval plan and decision, a live run
 * that redelivers, then the dashboard and health, counted exactly.
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <criterion/hooks.h>

#include "extra.h"
#include "flow.h"
#include "harness.h"

#define AD	"/runtime/go-pilot/rollback-drill-notifications/" \
		"acknowledgements/audit-delivery"
#define SRC	"go_backend_rollback_drill_acknowledgement_audit"

#define ACTOR	"ana@example.com"

/* A failed C1 delivery of delivery_id/audit_id to provider at `at`. */
static void
seed_failure(const char *id, const char *delivery, const char *provider,
    const char *at, const char *src)
{
	char	 body[2048];

	snprintf(body, sizeof(body), "{\"session_id\": \"%s\", "
	    "\"created_at\": \"%s\", \"metadata_kind\": "
	    "\"release-connector-delivery\", \"connector_delivery_source\": "
	    "\"%s\", \"event_id\": \"%s\", \"delivery_id\": \"%s\", "
	    "\"audit_id\": \"audit-%s\", \"delivery_success\": false, "
	    "\"providers\": [\"%s\"], \"failed_providers\": [\"%s\"], "
	    "\"status_codes\": [500]}", id, at, src, delivery, delivery,
	    delivery, provider, provider);
	flow_seed(body);
}

/* The decision row of delivery_id in a retry plan answer. */
static struct json_object *
decision(struct json_object *plan, const char *delivery)
{
	return flow_row(plan, "retry_decisions", "delivery_id", delivery,
	    NULL, NULL);
}

/* Failures grouped per (delivery, audit, provider): an old single one is
 * retried, a fresh one waits, three reach the maximum; failures of
 * another source do not count.  The plan is stored. */
API_TEST(runtime, retry_plan_groups_failures)
{
	struct api_resp		 r, g;
	struct json_object	*plan, *d;
	char			 u[96], id[256], dl[160], at[64];
	int			 i;

	api_uid(u, sizeof(u), "rt");
	snprintf(dl, sizeof(dl), "%s-old", u);
	snprintf(id, sizeof(id), "rcd-%s-old", u);
	seed_failure(id, dl, "webhook", "2020-01-01T00:00:00.000000+00:00",
	    SRC);
	snprintf(dl, sizeof(dl), "%s-new", u);
	snprintf(id, sizeof(id), "rcd-%s-new", u);
	flow_stamp(at, sizeof(at), -60);
	seed_failure(id, dl, "Slack", at, SRC);
	snprintf(dl, sizeof(dl), "%s-max", u);
	for (i = 0; i < 3; i++) {
		snprintf(id, sizeof(id), "rcd-%s-max-%d", u, i);
		snprintf(at, sizeof(at), "2020-01-0%dT00:00:00.000000+00:00",
		    i + 1);
		seed_failure(id, dl, "jira", at, SRC);
	}
	snprintf(dl, sizeof(dl), "%s-other", u);
	snprintf(id, sizeof(id), "rcd-%s-other", u);
	seed_failure(id, dl, "webhook", "2020-01-01T00:00:00.000000+00:00",
	    "some_other_source");

	flow_post_as(ACTOR, AD "/retry-plan", "{\"generated_by\": \"ops\"}",
	    200, &r);
	plan = api_get(r.json, "retry_plan");
	cr_assert_eq(strncmp(api_str(plan, "retry_plan_id"), "gordackretry-",
	    13), 0);
	cr_assert_str_eq(api_str(plan, "generated_by"), ACTOR);
	cr_assert_str_eq(api_str(api_get(r.json, "metadata"), "metadata_kind"),
	    GBRD_AAD "retry-plan");
	snprintf(dl, sizeof(dl), "%s-old", u);
	d = decision(plan, dl);
	cr_assert_str_eq(api_str(d, "action"), "retry");
	snprintf(id, sizeof(id), "audit-%s", dl);
	cr_assert_str_eq(api_str(d, "audit_id"), id);
	cr_assert_eq(api_int(d, "retry_count"), 1);
	snprintf(dl, sizeof(dl), "%s-new", u);
	d = decision(plan, dl);
	cr_assert_str_eq(api_str(d, "action"), "wait");
	cr_assert_str_eq(api_str(d, "provider"), "slack");
	snprintf(dl, sizeof(dl), "%s-max", u);
	d = decision(plan, dl);
	cr_assert_str_eq(api_str(d, "action"), "suppress");
	cr_assert_eq(api_int(d, "retry_count"), 3);
	snprintf(id, sizeof(id), "rcd-%s-max-2", u);
	cr_assert_str_eq(api_str(d, "latest_delivery_id"), id);
	snprintf(dl, sizeof(dl), "%s-other", u);
	cr_assert_null(strstr(r.body, dl), "%s", r.body);
	snprintf(id, sizeof(id), "/evidence/%s", api_str(plan,
	    "retry_plan_id"));
	api_req("GET", id, NULL, NULL, &g);
	cr_assert_eq(g.status, 200, "%s", g.body);
	cr_assert_str_eq(api_str(g.json, "metadata_kind"),
	    GBRD_AAD "retry-plan");
	api_free(&g);
	api_free(&r);
	flow_post_as(ACTOR, AD "/retry-plan", "{\"retry_policy\": []}", 400,
	    &r);
	api_free(&r);
}

/* An acknowledgement of a stored retry plan is stored with its state;
 * an unknown plan is a 404; bad states list the allowed words. */
API_TEST(runtime, retry_plan_acknowledgements)
{
	struct api_resp		 r;
	struct json_object	*ack;
	char			 path[512], plan[128];

	flow_post_as(ACTOR, AD "/retry-plan", "{}", 200, &r);
	snprintf(plan, sizeof(plan), "%s", api_str(api_get(r.json,
	    "retry_plan"), "retry_plan_id"));
	api_free(&r);
	snprintf(path, sizeof(path), AD "/retry-plans/%s/acknowledgements",
	    plan);
	flow_post_as(ACTOR, path,
	    "{\"provider\": \"Web-Hook\", \"acknowledged_by\": "
	    "\"ana\", \"acknowledgement_state\": \"Resolved\", "
	    "\"delivery_id\": \"d1\", \"audit_id\": \"a1\"}", 200, &r);
	ack = api_get(r.json, "acknowledgement");
	cr_assert_eq(strncmp(api_str(ack, "acknowledgement_id"),
	    "gordackretryack-", 16), 0);
	cr_assert_str_eq(api_str(ack, "retry_plan_id"), plan);
	cr_assert_str_eq(api_str(ack, "provider"), "web_hook");
	cr_assert_str_eq(api_str(ack, "acknowledgement_state"), "resolved");
	cr_assert_str_eq(api_str(ack, "acknowledged_by"), ACTOR);
	cr_assert_str_eq(api_str(api_get(r.json, "actor"), "actor"), ACTOR);
	cr_assert_str_eq(api_str(ack, "delivery_id"), "d1");
	cr_assert_str_eq(api_str(api_get(r.json, "metadata"), "metadata_kind"),
	    GBRD_AAD "retry-ack");
	api_free(&r);
	flow_post_as(ACTOR, path,
	    "{\"provider\": \"webhook\", \"acknowledged_by\": \"ana\"}",
	    200, &r);
	cr_assert_str_eq(api_str(api_get(r.json, "acknowledgement"),
	    "acknowledgement_state"), "accepted");
	api_free(&r);
	flow_post_as(ACTOR, path,
	    "{\"provider\": \"webhook\", \"acknowledged_by\": \"ana\", "
	    "\"acknowledgement_state\": \"maybe\"}", 400, &r);
	cr_assert_str_eq(api_str(r.json, "detail"), "acknowledgement_state "
	    "must be one of: accepted, deferred, escalated, resolved, "
	    "dismissed");
	api_free(&r);
	flow_post_as(ACTOR, path, "{\"acknowledged_by\": \"ana\"}", 400, &r);
	cr_assert_str_eq(api_str(r.json, "detail"), "provider is required");
	api_free(&r);
	flow_post(path, "{\"provider\": \"webhook\", \"acknowledged_by\": "
	    "\"ana\"}", 401, &r);
	cr_assert_str_eq(api_str(r.json, "detail"),
	    "console action requires verified actor context");
	api_free(&r);
	flow_post_as(ACTOR, AD "/retry-plans/no-such-plan/acknowledgements",
	    "{\"provider\": "
	    "\"webhook\", \"acknowledged_by\": \"ana\"}", 404, &r);
	cr_assert_str_eq(api_str(r.json, "detail"), "retry plan not found");
	api_free(&r);
	/* a record of another kind is not a retry plan */
	flow_seed("{\"session_id\": \"rt-not-a-plan\", \"metadata_kind\": "
	    "\"" GBRD_AAD "worker-run\"}");
	flow_post_as(ACTOR, AD "/retry-plans/rt-not-a-plan/acknowledgements",
	    "{\"provider\": "
	    "\"webhook\", \"acknowledged_by\": \"ana\"}", 404, &r);
	api_free(&r);
}

/* Worker runs: the history (dry_run filter, paging), the dashboard's
 * counts and the health read them; nothing is written by the GETs. */
API_TEST(runtime, worker_history_dashboard_health)
{
	struct api_resp		 r, d0, d1;
	struct json_object	*h;
	char			 body[1024], u[96], at[64];
	long long		 runs, dry, retryable, total;
	int			 i;

	api_req("GET", AD "/worker-dashboard", NULL, NULL, &d0);
	cr_assert_eq(d0.status, 200, "%s", d0.body);
	api_uid(u, sizeof(u), "rtw");
	/* A minute apart, so that a slow (sanitizer) run keeps the order. */
	for (i = 0; i < 3; i++) {
		flow_stamp(at, sizeof(at), -60L * i);
		snprintf(body, sizeof(body), "{\"session_id\": \"%s-%d\", "
		    "\"created_at\": \"%s\", \"metadata_kind\": "
		    "\"" GBRD_AAD "worker-run\", \"dry_run\": %s, "
		    "\"retryable_count\": %d, \"selected_retry_count\": 1}", u,
		    i, at, i == 0 ? "false" : "true", i + 1);
		flow_seed(body);
	}
	api_req("GET", AD "/worker-dashboard", NULL, NULL, &d1);
	cr_assert_eq(d1.status, 200, "%s", d1.body);
	runs = api_int(d1.json, "run_count") - api_int(d0.json, "run_count");
	dry = api_int(d1.json, "dry_run_count") - api_int(d0.json,
	    "dry_run_count");
	retryable = api_int(d1.json, "retryable_count") - api_int(d0.json,
	    "retryable_count");
	cr_assert_eq(runs, 3);
	cr_assert_eq(dry, 2);
	cr_assert_eq(api_int(d1.json, "executed_count") - api_int(d0.json,
	    "executed_count"), 1);
	cr_assert_eq(retryable, 6);
	cr_assert_eq(api_int(d1.json, "selected_retry_count") -
	    api_int(d0.json, "selected_retry_count"), 3);
	cr_assert_str_eq(api_str(d1.json, "alert_level"), "critical");
	api_free(&d0);
	api_free(&d1);

	api_req("GET", AD "/worker-runs?dry_run=true", NULL, NULL, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	total = api_int(r.json, "total");
	cr_assert_geq(total, 2);
	cr_assert_str_eq(api_str(json_object_array_get_idx(api_get(r.json,
	    "items"), 0), "session_id"), strcat(strcpy(body, u), "-1"));
	api_free(&r);
	api_req("GET", AD "/worker-runs?limit=1&offset=0", NULL, NULL, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	cr_assert_eq(json_object_array_length(api_get(r.json, "items")), 1);
	cr_assert_eq(api_int(r.json, "limit"), 1);
	snprintf(body, sizeof(body), "%s-0", u);
	cr_assert_str_eq(api_str(json_object_array_get_idx(api_get(r.json,
	    "items"), 0), "session_id"), body);
	api_free(&r);

	/* a fresh run and plan: no missed run, no stale plan */
	flow_post_as(ACTOR, AD "/retry-plan", "{}", 200, &r);
	api_free(&r);
	api_req("GET", AD "/worker-health", NULL, NULL, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	h = r.json;
	cr_assert_eq(strncmp(api_str(h, "health_id"), "gordackhealth-", 14),
	    0);
	cr_assert_eq(api_int(h, "missed_run_count"), 0, "%s", r.body);
	cr_assert_eq(api_int(h, "stale_retry_plan_count"), 0);
	snprintf(body, sizeof(body), "%s-0", u);
	cr_assert_str_eq(api_str(h, "latest_run_id"), body);
	cr_assert_geq(api_int(h, "run_count"), 3);
	api_free(&r);
	api_req("GET", AD "/worker-health?expected_interval_minutes=x", NULL,
	    NULL, &r);
	cr_assert_eq(r.status, 422, "%s", r.body);
	api_free(&r);
}

/* The approval row of delivery dl in an approval plan answer, or NULL. */
static struct json_object *
approval_row(struct json_object *plan, const char *dl)
{
	return flow_find(plan, "approval_decisions", "delivery_id", dl,
	    NULL, NULL);
}

/* A retry waits for its acknowledgement, then asks for approval, then
 * is already approved once an approved decision names it; decisions
 * need a stored approval plan and a decided_by. */
API_TEST(runtime, retry_execution_approval)
{
	struct api_resp		 r;
	struct json_object	*row;
	char			 u[96], dl[160], id[256], path[512], body[1024],
				 rp[128], ap[128];

	api_uid(u, sizeof(u), "rta");
	snprintf(dl, sizeof(dl), "%s-d", u);
	snprintf(id, sizeof(id), "rcd-%s", u);
	seed_failure(id, dl, "webhook", "2020-01-01T00:00:00.000000+00:00",
	    SRC);
	flow_post_as(ACTOR, AD "/retry-plan", "{}", 200, &r);
	snprintf(rp, sizeof(rp), "%s", api_str(api_get(r.json, "retry_plan"),
	    "retry_plan_id"));
	api_free(&r);

	flow_post_as(ACTOR, AD "/retry-execution-approval-plan", "{}", 200, &r);
	row = approval_row(api_get(r.json, "approval_plan"), dl);
	cr_assert_not_null(row, "%s", r.body);
	cr_assert_str_eq(api_str(row, "approval_action"),
	    "wait_for_retry_ack");
	/* The newest plan naming the retry: this test's, or one that a
	 * test running alongside stored since. */
	cr_assert_eq(strncmp(api_str(row, "retry_plan_id"), "gordackretry-",
	    13), 0, "%s (this test's plan: %s)", r.body, rp);
	api_free(&r);
	flow_post_as(ACTOR, AD "/retry-execution-approval-plan",
	    "{\"approval_policy\": "
	    "{\"require_retry_ack\": false}}", 200, &r);
	row = approval_row(api_get(r.json, "approval_plan"), dl);
	cr_assert_str_eq(api_str(row, "approval_action"), "request_approval");
	api_free(&r);

	snprintf(path, sizeof(path), AD "/retry-plans/%s/acknowledgements",
	    rp);
	snprintf(body, sizeof(body), "{\"provider\": \"webhook\", "
	    "\"acknowledged_by\": \"ana\", \"delivery_id\": \"%s\", "
	    "\"audit_id\": \"audit-%s\"}", dl, dl);
	flow_post_as(ACTOR, path, body, 200, &r);
	api_free(&r);
	flow_post_as(ACTOR, AD "/retry-execution-approval-plan", "{}", 200, &r);
	row = approval_row(api_get(r.json, "approval_plan"), dl);
	cr_assert_str_eq(api_str(row, "approval_action"), "request_approval");
	cr_assert(json_object_get_boolean(api_get(row, "approval_required")));
	cr_assert_str_eq(api_str(api_get(r.json, "approval_plan"),
	    "alert_level"), "critical");
	snprintf(ap, sizeof(ap), "%s", api_str(api_get(r.json,
	    "approval_plan"), "approval_plan_id"));
	cr_assert_eq(strncmp(ap, "gordackretryapproval-", 21), 0);
	api_free(&r);

	snprintf(path, sizeof(path), AD "/retry-execution-approval-plans/%s/"
	    "decisions", ap);
	snprintf(body, sizeof(body), "{\"provider\": \"webhook\", "
	    "\"approved_by\": \"cab\", \"approval_state\": \"Denied\", "
	    "\"retry_plan_id\": \"%s\", \"delivery_id\": \"%s\", "
	    "\"audit_id\": \"audit-%s\"}", rp, dl, dl);
	flow_post_as(ACTOR, path, body, 200, &r);
	cr_assert_str_eq(api_str(api_get(r.json, "decision"), "decided_by"),
	    ACTOR);
	cr_assert_str_eq(api_str(api_get(r.json, "decision"),
	    "approval_state"), "denied");
	cr_assert_eq(api_int(api_get(r.json, "metadata"), "blocked_count"), 1);
	api_free(&r);
	flow_post_as(ACTOR, AD "/retry-execution-approval-plan", "{}", 200, &r);
	row = approval_row(api_get(r.json, "approval_plan"), dl);
	cr_assert_str_eq(api_str(row, "approval_action"), "request_approval");
	api_free(&r);
	snprintf(body, sizeof(body), "{\"provider\": \"webhook\", "
	    "\"decided_by\": \"cab\", \"retry_plan_id\": \"%s\", "
	    "\"delivery_id\": \"%s\", \"audit_id\": \"audit-%s\"}", rp, dl,
	    dl);
	flow_post_as(ACTOR, path, body, 200, &r);
	cr_assert_eq(strncmp(api_str(api_get(r.json, "decision"),
	    "decision_id"), "gordackretryapprovaldecision-", 29), 0);
	cr_assert_str_eq(api_str(api_get(r.json, "decision"),
	    "approval_state"), "approved");
	cr_assert_eq(api_int(api_get(r.json, "metadata"), "blocked_count"), 0);
	api_free(&r);
	flow_post_as(ACTOR, AD "/retry-execution-approval-plan", "{}", 200, &r);
	row = approval_row(api_get(r.json, "approval_plan"), dl);
	cr_assert_str_eq(api_str(row, "approval_action"), "already_approved");
	cr_assert_eq(strncmp(api_str(row, "approval_decision_id"),
	    "gordackretryapprovaldecision-", 29), 0);
	api_free(&r);

	flow_post(path, "{\"provider\": \"webhook\", \"decided_by\": "
	    "\"cab\"}", 401, &r);
	api_free(&r);
	flow_post(AD "/retry-plan", "{}", 401, &r);
	api_free(&r);
	flow_post(AD "/retry-execution-approval-plan", "{}", 401, &r);
	api_free(&r);
	flow_post_as(ACTOR, path,
	    "{\"provider\": \"webhook\", \"decided_by\": \"x\", "
	    "\"approval_state\": \"ok\"}", 400, &r);
	cr_assert_str_eq(api_str(r.json, "detail"), "approval_state must be "
	    "one of: approved, denied, deferred, expired");
	api_free(&r);
	snprintf(path, sizeof(path), AD "/retry-execution-approval-plans/%s/"
	    "decisions", rp);
	flow_post_as(ACTOR, path,
	    "{\"provider\": \"webhook\", \"decided_by\": \"x\"}", 404,
	    &r);
	cr_assert_str_eq(api_str(r.json, "detail"),
	    "retry execution approval plan not found");
	api_free(&r);
}

/* ---- end to end on stacks with connectors --------------------------- */

static const char *const modes[] = { "json", "sqlite", NULL };

/* Receivers and a stack per backend (extra.h), once, before any test. */
ReportHook(PRE_ALL)(struct criterion_test_set *set)
{
	char		 name[64], text[1024], db[1100];
	const char	*files[] = { "CAVRA_CONNECTOR_CONFIG",
	    "connectors.yaml",
	    text, NULL };
	const char	*const *m;
	long		 ok, bad;

	(void)set;
	extra_init("test_runtime");
	for (m = modes; *m != NULL; m++) {
		snprintf(name, sizeof(name), "ok-%s", *m);
		ok = extra_recv(name, "");
		snprintf(name, sizeof(name), "bad-%s", *m);
		bad = extra_recv(name, "-s 500,200");
		if (ok < 0 || bad < 0)
			return;
		snprintf(text, sizeof(text), "connectors:\n"
		    "  webhook:\n    url: http://127.0.0.1:%ld/hook\n"
		    "  linux:\n    url: http://127.0.0.1:%ld/linux\n"
		    "    headers:\n      X-Api-Key: k\n", ok, bad);
		snprintf(db, sizeof(db), "%s/evidence.db", extra_run(*m));
		if (strcmp(*m, "sqlite") == 0)
			setenv("CAVRA_EVIDENCE_METADATA_DB", db, 1);
		extra_stack(*m, files);
		unsetenv("CAVRA_EVIDENCE_METADATA_DB");
	}
}

ReportHook(POST_ALL)(struct criterion_global_stats *stats)
{
	(void)stats;
	extra_stop_all();
}

#define IMMEDIATE	"\"retry_policy\": {\"allow_immediate_retry\": true}"

static void
walk_chain(const char *mode)
{
	struct api_resp		 r;
	struct json_object	*o, *res;
	char			 audit[128], dl[128], rp[128], ap[128],
				 path[512], body[1024], name[64], run[128];

	extra_use(mode, mode);
	flow_post_as(ACTOR, AD, "{\"retries\": 0, \"generated_by\": \"ops\"}",
	    200, &r);
	cr_assert(!json_object_get_boolean(api_get(r.json, "success")));
	o = api_get(r.json, "metadata");
	cr_assert_str_eq(api_str(o, "metadata_kind"),
	    "release-connector-delivery");
	cr_assert_str_eq(api_str(o, "connector_delivery_source"), SRC);
	cr_assert_eq(json_object_array_length(api_get(o, "failed_providers")),
	    1);
	snprintf(audit, sizeof(audit), "%s", api_str(o, "audit_id"));
	snprintf(dl, sizeof(dl), "%s", api_str(o, "delivery_id"));
	cr_assert_eq(strncmp(audit, "gordackaudit-", 13), 0);
	cr_assert_eq(strncmp(dl, "gordackdelivery-", 16), 0);
	cr_assert_str_eq(api_str(api_get(r.json, "plan_metadata"),
	    "metadata_kind"), GBRD_AAD "plan");
	api_free(&r);
	snprintf(name, sizeof(name), "ok-%s", mode);
	cr_assert_eq(extra_received(name, "POST"), 1);
	snprintf(name, sizeof(name), "bad-%s", mode);
	cr_assert_eq(extra_received(name, "POST"), 1);

	flow_post_as(ACTOR, AD "/retry-plan", "{" IMMEDIATE "}", 200, &r);
	o = decision(api_get(r.json, "retry_plan"), dl);
	cr_assert_str_eq(api_str(o, "provider"), "linux");
	cr_assert_str_eq(api_str(o, "action"), "retry");
	cr_assert_str_eq(api_str(o, "audit_id"), audit);
	snprintf(rp, sizeof(rp), "%s", api_str(api_get(r.json, "retry_plan"),
	    "retry_plan_id"));
	api_free(&r);

	/* dry run: selected, nothing sent, no execution */
	flow_post_as(ACTOR, AD "/worker-run", "{" IMMEDIATE "}", 200, &r);
	cr_assert(json_object_get_boolean(api_get(api_get(r.json, "run"),
	    "dry_run")));
	res = json_object_array_get_idx(api_get(r.json, "retry_results"), 0);
	cr_assert_str_eq(api_str(res, "skipped"), "dry_run", "%s", r.body);
	cr_assert(!json_object_object_get_ex(res, "execution_record", NULL));
	api_free(&r);
	cr_assert_eq(extra_received(name, "POST"), 1);

	/* live without an approval: held back by the gate */
	flow_post_as(ACTOR, AD "/worker-run",
	    "{\"execute\": true, " IMMEDIATE "}", 200, &r);
	o = api_get(api_get(r.json, "run"), "summary");
	cr_assert_eq(api_int(o, "selected_retry_count"), 0);
	cr_assert_eq(api_int(o, "approval_pending_count"), 1);
	api_free(&r);
	cr_assert_eq(extra_received(name, "POST"), 1);

	snprintf(path, sizeof(path), AD "/retry-plans/%s/acknowledgements",
	    rp);
	snprintf(body, sizeof(body), "{\"provider\": \"linux\", "
	    "\"delivery_id\": \"%s\", \"audit_id\": \"%s\"}", dl, audit);
	flow_post_as(ACTOR, path, body, 200, &r);
	api_free(&r);
	flow_post_as(ACTOR, AD "/retry-execution-approval-plan", "{}", 200, &r);
	o = approval_row(api_get(r.json, "approval_plan"), dl);
	cr_assert_str_eq(api_str(o, "approval_action"), "request_approval");
	snprintf(ap, sizeof(ap), "%s", api_str(api_get(r.json,
	    "approval_plan"), "approval_plan_id"));
	api_free(&r);
	snprintf(path, sizeof(path), AD "/retry-execution-approval-plans/%s/"
	    "decisions", ap);
	snprintf(body, sizeof(body), "{\"provider\": \"linux\", "
	    "\"retry_plan_id\": \"%s\", \"delivery_id\": \"%s\", "
	    "\"audit_id\": \"%s\"}", rp, dl, audit);
	flow_post_as(ACTOR, path, body, 200, &r);
	api_free(&r);

	/* live with the approval: redelivered to linux, which answers 200 */
	flow_post_as(ACTOR, AD "/worker-run",
	    "{\"execute\": true, \"retries\": 0, "
	    IMMEDIATE "}", 200, &r);
	o = api_get(api_get(r.json, "run"), "summary");
	cr_assert_eq(api_int(o, "selected_retry_count"), 1, "%s", r.body);
	snprintf(run, sizeof(run), "%s", api_str(api_get(r.json, "run"),
	    "run_id"));
	res = json_object_array_get_idx(api_get(r.json, "retry_results"), 0);
	cr_assert_str_eq(api_str(res, "skipped"), "");
	o = api_get(res, "execution_record");
	cr_assert_str_eq(api_str(o, "execution_status"), "delivered");
	cr_assert_eq(strncmp(api_str(o, "execution_id"), "gordackretryexec-",
	    17), 0);
	cr_assert_eq(strncmp(api_str(o, "approval_decision_id"),
	    "gordackretryapprovaldecision-", 29), 0);
	o = api_get(res, "delivery_metadata");
	cr_assert_str_eq(api_str(o, "worker_run_id"), run);
	cr_assert_str_eq(api_str(o, "retry_plan_id"), api_str(api_get(r.json,
	    "retry_metadata"), "session_id"));
	cr_assert(json_object_get_boolean(api_get(o, "delivery_success")));
	api_free(&r);
	cr_assert_eq(extra_received(name, "POST"), 2);
	snprintf(name, sizeof(name), "ok-%s", mode);
	cr_assert_eq(extra_received(name, "POST"), 1);

	api_req("GET", AD "/worker-dashboard", NULL, NULL, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	cr_assert_eq(api_int(r.json, "run_count"), 3);
	cr_assert_eq(api_int(r.json, "dry_run_count"), 1);
	cr_assert_eq(api_int(r.json, "executed_count"), 2);
	cr_assert_eq(api_int(r.json, "selected_retry_count"), 2);
	cr_assert_eq(api_int(r.json, "retryable_count"), 3);
	api_free(&r);
	api_req("GET", AD "/worker-runs?dry_run=false", NULL, NULL, &r);
	cr_assert_eq(api_int(r.json, "total"), 2);
	cr_assert_str_eq(api_str(json_object_array_get_idx(api_get(r.json,
	    "items"), 0), "session_id"), run);
	api_free(&r);
	api_req("GET", AD "/worker-health", NULL, NULL, &r);
	cr_assert_str_eq(api_str(r.json, "latest_run_id"), run);
	cr_assert_eq(api_int(r.json, "run_count"), 3);
	cr_assert_eq(api_int(r.json, "connector_delivery_failure_count"), 1);
	cr_assert_eq(api_int(r.json, "missed_run_count"), 0);
	api_free(&r);
}

Test(runtime_chain, walk_json)
{
	walk_chain("json");
}

Test(runtime_chain, walk_sqlite)
{
	walk_chain("sqlite");
}
