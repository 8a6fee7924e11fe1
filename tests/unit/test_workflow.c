/*
 * Unit tests of lib/workflow.c on a synthetic chain "T": content ids,
 * state vocabularies, the retry plan's grouping and back-off, dry-run
 * against live selection through a gate, the worker window, health
 * thresholds, the alert plan's suppression window, and the connector
 * delivery record.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>
#include <time.h>

#include <criterion/criterion.h>

#include "cavra.h"
#include "cv_workflow.h"

static struct cv_arena	 arena;

static void
setup(void)
{
	cv_arena_init(&arena);
}

static void
teardown(void)
{
	cv_arena_free(&arena);
}

TestSuite(workflow, .init = setup, .fini = teardown);

static const char *const gate_states[] = { "approved", NULL };
static const char *const gate_keys[] = { "provider", "parent_id", NULL };

static const struct cv_wf_gate gate = {
	"t-decision", "approval_state", gate_states, gate_keys,
	"decision_id", "approval_state", "approved", "approval_required",
	"approval_pending_count"
};

static const struct cv_wf_chain chain = {
	.name = "T",
	.src = "t_src",
	.keys = { { "parent_id", { "event_id", "session_id" } } },
	.retry = { "t-retry", "retry_plan_id", "tretry", "retry_plan",
	    "t.retry.v1" },
	.worker = { "t-run", "run_id", "trun", "run", "t.run.v1" },
	.exec = { "t-exec", "execution_id", "texec", "exec", "t.exec.v1" },
	.gate = &gate,
	.retry_delay = 15,
	.worker_interval = 60,
	.health_interval = 30,
	.health_stale = 120,
};

static const struct cv_wf_alert alert = {
	.name = "TA",
	.src = "t_alert",
	.plan = { "t-alert-plan", "plan_id", "talert", "plan", "t.plan.v1" },
	.ack = { "t-alert-ack", "acknowledgement_id", "tack",
	    "acknowledgement", "t.ack.v1" },
	.health_prefix = "thealth",
};

static time_t
ts(const char *s)
{
	time_t	 t;

	cr_assert_eq(cv_wf_ts_parse(s, &t), 0, "%s", s);
	return t;
}

/* The instant t, on the second. */
static struct timespec
at(time_t t)
{
	struct timespec	 when = { .tv_sec = t, .tv_nsec = 0 };

	return when;
}

/* A failed RCD of src for parent, provider, at time `at`. */
static struct json_object *
rcd(const char *src, const char *parent, const char *prov, const char *at,
    int ok)
{
	struct json_object	*r = json_object_new_object();
	struct json_object	*p = json_object_new_array();

	json_object_array_add(p, json_object_new_string(prov));
	cv_json_add_str(r, "session_id", cv_arena_printf(&arena, "rcd-%s-%s",
	    parent, at));
	cv_json_add_str(r, "connector_delivery_source", src);
	cv_json_add_str(r, "event_id", parent);
	cv_json_add_str(r, "created_at", at);
	cv_json_add_bool(r, "delivery_success", ok);
	json_object_object_add(r, "failed_providers", ok ?
	    json_object_new_array() : json_object_get(p));
	json_object_object_add(r, "providers", p);
	return r;
}

static struct json_object *
row(struct json_object *plan, const char *parent, const char *prov)
{
	struct json_object	*rows, *d;
	size_t			 i;

	rows = json_object_object_get(plan, "retry_decisions");
	for (i = 0; i < json_object_array_length(rows); i++) {
		d = json_object_array_get_idx(rows, i);
		if (strcmp(cv_json_str_or(d, "parent_id", ""), parent) == 0 &&
		    strcmp(cv_json_str_or(d, "provider", ""), prov) == 0)
			return d;
	}
	cr_assert_fail("no row %s/%s", parent, prov);
	return NULL;
}

Test(workflow, ids_are_content_addressed)
{
	struct json_object	*m = json_object_new_object();
	const char		*a, *b, *hash;

	cv_json_add_str(m, "b", "2");
	cv_json_add_str(m, "a", "1");
	a = cv_wf_id(&arena, "gordx", m, &hash);
	cr_assert_eq(strlen(a), strlen("gordx-") + CV_WF_ID_HEX);
	cr_assert_eq(strncmp(a, "gordx-", 6), 0);
	cr_assert_eq(strlen(hash), 64);
	cr_assert_eq(strncmp(a + 6, hash, 16), 0);
	/* sha256('{"a":"1","b":"2"}') */
	b = cv_wf_id_text(&arena, "gordx", "{\"a\":\"1\",\"b\":\"2\"}");
	cr_assert_str_eq(a, b);
	cv_json_add_str(m, "c", "3");
	cr_assert_str_neq(cv_wf_id(&arena, "gordx", m, NULL), a);
	json_object_put(m);
}

Test(workflow, states_normalised_and_listed)
{
	static const char *const allowed[] = { "accepted", "in_progress",
	    NULL };
	static const char *const done[] = { "accepted", NULL };
	static const struct cv_wf_vocab v = { "acknowledgement_state",
	    allowed, "accepted", done };
	const char	*w;
	char		 err[256];

	cr_assert_eq(cv_wf_state(&arena, &v, NULL, &w, err, sizeof(err)),
	    CV_OK);
	cr_assert_str_eq(w, "accepted");
	cr_assert_eq(cv_wf_state(&arena, &v, " In-Progress ", &w, err,
	    sizeof(err)), CV_OK);
	cr_assert_str_eq(w, "in_progress");
	cr_assert_not(cv_wf_done(&v, w));
	cr_assert_eq(cv_wf_state(&arena, &v, "maybe", &w, err, sizeof(err)),
	    CV_EINVAL);
	cr_assert_str_eq(err, "acknowledgement_state must be one of: "
	    "accepted, in_progress");
}

/* Two failures of one group back off to 15*2 minutes; a third one
 * reaches the maximum of 3; other sources and successes do not count. */
Test(workflow, retry_grouping_and_backoff)
{
	struct json_object	*rcds = json_object_new_array(), *plan, *d, *again;
	struct cv_wf_policy	 pol;
	char			 err[128];
	time_t			 now = ts("2026-01-01T12:00:00Z");
	struct timespec		 when;

	cr_assert_eq(cv_wf_policy_read(&chain, NULL, &pol, err, sizeof(err)),
	    CV_OK);
	cr_assert_eq(pol.max_attempts, 3);
	cr_assert_eq(pol.delay, 15);
	json_object_array_add(rcds, rcd("t_src", "p1", "webhook",
	    "2026-01-01T11:50:00.000000+00:00", 0));
	json_object_array_add(rcds, rcd("t_src", "p1", "webhook",
	    "2026-01-01T11:00:00.000000+00:00", 0));
	json_object_array_add(rcds, rcd("t_src", "p2", "Slack",
	    "2026-01-01T11:00:00.000000+00:00", 0));
	json_object_array_add(rcds, rcd("t_src", "p3", "jira",
	    "2026-01-01T09:00:00.000000+00:00", 0));
	json_object_array_add(rcds, rcd("t_src", "p3", "jira",
	    "2026-01-01T08:00:00.000000+00:00", 0));
	json_object_array_add(rcds, rcd("t_src", "p3", "jira",
	    "2026-01-01T07:00:00.000000+00:00", 0));
	json_object_array_add(rcds, rcd("t_src", "p4", "jira",
	    "2026-01-01T07:00:00.000000+00:00", 1));
	json_object_array_add(rcds, rcd("other", "p5", "jira",
	    "2026-01-01T07:00:00.000000+00:00", 0));
	plan = cv_wf_retry_plan(&arena, &chain, rcds, &pol, at(now), "tester");
	cr_assert_eq(strncmp(cv_json_str_or(plan, "retry_plan_id", ""),
	    "tretry-", 7), 0);
	cr_assert_eq(json_object_get_int(json_object_object_get(plan,
	    "decision_count")), 3);
	d = row(plan, "p1", "webhook");
	cr_assert_str_eq(cv_json_str_or(d, "action", ""), "wait");
	cr_assert_eq(json_object_get_int(json_object_object_get(d,
	    "retry_count")), 2);
	cr_assert_eq(json_object_get_int(json_object_object_get(d,
	    "retry_delay_minutes")), 30);
	cr_assert_str_eq(cv_json_str_or(d, "next_retry_at", ""),
	    "2026-01-01T12:20:00.000000+00:00");
	cr_assert_str_eq(cv_json_str_or(d, "latest_delivery_id", ""),
	    "rcd-p1-2026-01-01T11:50:00.000000+00:00");
	d = row(plan, "p2", "slack");
	cr_assert_str_eq(cv_json_str_or(d, "action", ""), "retry");
	d = row(plan, "p3", "jira");
	cr_assert_str_eq(cv_json_str_or(d, "action", ""), "suppress");
	cr_assert_str_eq(cv_json_str_or(d, "reason", ""),
	    "maximum retry attempts 3 reached");
	cr_assert_str_eq(cv_json_str_or(plan, "alert_level", ""), "critical");
	cr_assert_eq(json_object_get_int(json_object_object_get(plan,
	    "retryable_count")), 1);
	cr_assert_eq(json_object_get_int(json_object_object_get(plan,
	    "waiting_count")), 1);
	cr_assert_eq(json_object_get_int(json_object_object_get(plan,
	    "suppressed_count")), 1);
	/* The same plan a microsecond later is another plan. */
	when = at(now);
	when.tv_nsec = 1000;
	again = cv_wf_retry_plan(&arena, &chain, rcds, &pol, when, "tester");
	cr_assert_str_eq(cv_json_str_or(again, "generated_at", ""),
	    "2026-01-01T12:00:00.000001+00:00");
	cr_assert_str_neq(cv_json_str_or(again, "retry_plan_id", ""),
	    cv_json_str_or(plan, "retry_plan_id", ""));
	json_object_put(again);
	json_object_put(plan);
	json_object_put(rcds);
}

/* allow_immediate_retry drops the delay; a multiplier below 1 is 1. */
Test(workflow, retry_policy_immediate)
{
	struct json_object	*rcds = json_object_new_array(), *plan, *p;
	struct cv_wf_policy	 pol;
	char			 err[128];

	p = json_tokener_parse("{\"allow_immediate_retry\": true, "
	    "\"multiplier\": 0.5, \"max_retries\": 0}");
	cr_assert_eq(cv_wf_policy_read(&chain, p, &pol, err, sizeof(err)),
	    CV_OK);
	cr_assert_eq(pol.delay, 0);
	cr_assert_eq(pol.multiplier, 1);
	cr_assert_eq(pol.max_attempts, 1);
	json_object_put(p);
	p = json_tokener_parse("{\"allow_immediate_retry\": true}");
	cr_assert_eq(cv_wf_policy_read(&chain, p, &pol, err, sizeof(err)),
	    CV_OK);
	json_object_array_add(rcds, rcd("t_src", "p1", "webhook",
	    "2026-01-01T11:59:59.000000+00:00", 0));
	plan = cv_wf_retry_plan(&arena, &chain, rcds, &pol,
	    at(ts("2026-01-01T12:00:00Z")), "tester");
	cr_assert_str_eq(cv_json_str_or(row(plan, "p1", "webhook"), "action",
	    ""), "retry");
	json_object_put(plan);
	json_object_put(p);
	p = json_tokener_parse("{\"max_retries\": \"x\"}");
	cr_assert_eq(cv_wf_policy_read(&chain, p, &pol, err, sizeof(err)),
	    CV_EINVAL);
	json_object_put(p);
	json_object_put(rcds);
}

/* Dry runs select every retry; live runs only those the gate admits. */
Test(workflow, dry_run_and_gate)
{
	struct json_object	*plan, *gates, *sel, *fol, *g;
	int			 pending;

	plan = json_tokener_parse("{\"retry_decisions\": ["
	    "{\"parent_id\": \"p1\", \"provider\": \"webhook\", \"action\": "
	    "\"retry\"},"
	    "{\"parent_id\": \"p2\", \"provider\": \"slack\", \"action\": "
	    "\"retry\"},"
	    "{\"parent_id\": \"p3\", \"provider\": \"jira\", \"action\": "
	    "\"wait\"}]}");
	gates = json_object_new_array();
	g = json_tokener_parse("{\"metadata_kind\": \"t-decision\", "
	    "\"approval_state\": \"approved\", \"provider\": \"Webhook\", "
	    "\"parent_id\": \"p1\"}");
	json_object_array_add(gates, g);
	json_object_array_add(gates, json_tokener_parse("{\"metadata_kind\": "
	    "\"t-decision\", \"approval_state\": \"denied\", \"provider\": "
	    "\"slack\", \"parent_id\": \"p2\"}"));
	cv_wf_select(&chain, plan, gates, 1, 5, &sel, &fol, &pending);
	cr_assert_eq(json_object_array_length(sel), 2);
	cr_assert_eq(json_object_array_length(fol), 3);
	cr_assert_eq(pending, 0);
	cr_assert_str_eq(cv_json_str_or(json_object_array_get_idx(fol, 0),
	    "approval_state", ""), "dry_run_not_required");
	json_object_put(sel);
	json_object_put(fol);
	cv_wf_select(&chain, plan, gates, 0, 5, &sel, &fol, &pending);
	cr_assert_eq(json_object_array_length(sel), 1);
	cr_assert_str_eq(cv_json_str_or(json_object_array_get_idx(sel, 0),
	    "parent_id", ""), "p1");
	cr_assert_eq(pending, 1);
	cr_assert_str_eq(cv_json_str_or(json_object_array_get_idx(fol, 0),
	    "approval_state", ""), "approved");
	cr_assert_str_eq(cv_json_str_or(json_object_array_get_idx(fol, 1),
	    "approval_state", ""), "approval_required");
	cr_assert_eq(cv_wf_gate_match(&gate, gates,
	    json_object_array_get_idx(sel, 0)), g);
	json_object_put(sel);
	json_object_put(fol);
	/* at most max */
	cv_wf_select(&chain, plan, gates, 1, 1, &sel, &fol, &pending);
	cr_assert_eq(json_object_array_length(sel), 1);
	json_object_put(sel);
	json_object_put(fol);
	json_object_put(plan);
	json_object_put(gates);
}

Test(workflow, window)
{
	time_t	 s, e;
	char	 b[CV_WF_TS_LEN];

	cv_wf_window(ts("2026-01-01T12:47:31Z"), 15, &s, &e);
	cv_wf_ts(b, sizeof(b), s, 0);
	cr_assert_str_eq(b, "2026-01-01T12:45:00.000000+00:00");
	cr_assert_eq(e - s, 15 * 60);
	cv_wf_window(ts("2026-01-01T12:47:31Z"), 120, &s, &e);
	cv_wf_ts(b, sizeof(b), s, 0);
	cr_assert_str_eq(b, "2026-01-01T12:00:00.000000+00:00");
}

static int
has_alert(struct json_object *h, const char *cat)
{
	struct json_object	*a = json_object_object_get(h, "alerts");
	size_t			 i;

	for (i = 0; i < json_object_array_length(a); i++)
		if (strcmp(cv_json_str_or(json_object_array_get_idx(a, i),
		    "category", ""), cat) == 0)
			return 1;
	return 0;
}

/* A run older than twice the interval is missed; a plan older than the
 * stale window is stale; a fresh run and plan are healthy. */
Test(workflow, health_thresholds)
{
	struct json_object	*runs, *plans, *rcds, *h;
	time_t			 now = ts("2026-01-01T12:00:00Z");

	runs = json_tokener_parse("[{\"session_id\": \"trun-1\", "
	    "\"created_at\": \"2026-01-01T11:01:00.000000+00:00\", "
	    "\"retryable_count\": 0}]");
	plans = json_tokener_parse("[{\"session_id\": \"tretry-1\", "
	    "\"created_at\": \"2026-01-01T10:01:00.000000+00:00\"}]");
	rcds = json_object_new_array();
	h = cv_wf_worker_health(&arena, &chain, "thealth", runs, plans, rcds,
	    30, 120, at(now));
	cr_assert_str_eq(cv_json_str_or(h, "alert_level", ""), "healthy",
	    "%s", json_object_to_json_string(h));
	cr_assert_eq(strncmp(cv_json_str_or(h, "health_id", ""), "thealth-",
	    8), 0);
	json_object_put(h);
	h = cv_wf_worker_health(&arena, &chain, "thealth", runs, plans, rcds,
	    29, 118, at(now));
	cr_assert(has_alert(h, "missed_worker_run"));
	cr_assert(has_alert(h, "stale_retry_plan"));
	cr_assert_str_eq(cv_json_str_or(h, "alert_level", ""), "critical");
	json_object_put(h);
	json_object_array_add(rcds, rcd("t_src", "p1", "webhook",
	    "2026-01-01T11:00:00.000000+00:00", 0));
	h = cv_wf_worker_health(&arena, &chain, "thealth", runs, plans, rcds,
	    30, 120, at(now));
	cr_assert(has_alert(h, "connector_failure"));
	cr_assert_str_eq(cv_json_str_or(h, "alert_level", ""), "warning");
	json_object_put(h);
	json_object_put(runs);
	json_object_put(plans);
	json_object_put(rcds);
}

/* An alert to a provider within the window is suppressed (not with
 * force); a healthy reading selects none. */
Test(workflow, alert_suppression_window)
{
	static const char *const avail[] = { "slack", "webhook", NULL };
	struct json_object	*h, *rcds, *p;
	time_t			 now = ts("2026-01-01T12:00:00Z");

	h = json_tokener_parse("{\"health_id\": \"thealth-1\", "
	    "\"alert_level\": \"warning\"}");
	rcds = json_object_new_array();
	json_object_array_add(rcds, rcd("t_alert", "thealth-1", "slack",
	    "2026-01-01T11:30:00.000000+00:00", 1));
	p = cv_wf_alert_plan(&arena, &alert, h, rcds, avail, "all", 60, 0, at(now),
	    "t");
	cr_assert_eq(json_object_array_length(json_object_object_get(p,
	    "selected_providers")), 1);
	cr_assert(cv_json_has_str(json_object_object_get(p,
	    "suppressed_providers"), "slack"));
	json_object_put(p);
	p = cv_wf_alert_plan(&arena, &alert, h, rcds, avail, "all", 29, 0, at(now),
	    "t");
	cr_assert_eq(json_object_array_length(json_object_object_get(p,
	    "selected_providers")), 2);
	json_object_put(p);
	p = cv_wf_alert_plan(&arena, &alert, h, rcds, avail, "Slack", 60, 1,
	    at(now), "t");
	cr_assert_eq(json_object_array_length(json_object_object_get(p,
	    "selected_providers")), 1);
	cr_assert_eq(strncmp(cv_json_str_or(p, "plan_id", ""), "talert-", 7),
	    0);
	json_object_put(p);
	json_object_object_add(h, "alert_level",
	    json_object_new_string("healthy"));
	p = cv_wf_alert_plan(&arena, &alert, h, rcds, NULL, "all", 60, 1, at(now),
	    "t");
	cr_assert_eq(json_object_array_length(json_object_object_get(p,
	    "selected_providers")), 0);
	cr_assert(cv_json_has_str(json_object_object_get(p,
	    "eligible_providers"), "webhook"));
	json_object_put(p);
	json_object_put(h);
	json_object_put(rcds);
}

Test(workflow, rcd_record)
{
	struct json_object	*res, *r;

	res = json_tokener_parse("{\"event_id\": \"Gord Delivery/1\", "
	    "\"event_type\": \"e\", \"generated_at\": "
	    "\"2026-01-01T12:00:00.000000+00:00\", \"success\": false, "
	    "\"deliveries\": [{\"provider\": \"linux\", \"success\": false, "
	    "\"status_code\": 500, \"attempt_count\": 3}, {\"provider\": "
	    "\"webhook\", \"success\": true, \"status_code\": 200, "
	    "\"attempt_count\": 1}]}");
	r = cv_wf_rcd_new(&arena, res, "t_src");
	cr_assert_eq(strncmp(cv_json_str_or(r, "session_id", ""),
	    "rcd-gord-delivery-1-", 20), 0);
	cr_assert_eq(strlen(cv_json_str_or(r, "session_id", "")), 20 + 12);
	cr_assert_str_eq(cv_json_str_or(r, "metadata_kind", ""),
	    CV_WF_RCD_KIND);
	cr_assert_eq(json_object_get_int(json_object_object_get(r,
	    "blocked_count")), 1);
	cr_assert_eq(json_object_get_int(json_object_object_get(r,
	    "attempt_count")), 4);
	cr_assert_eq(json_object_get_int(json_object_object_get(r,
	    "max_attempt_count")), 3);
	cr_assert(cv_json_has_str(json_object_object_get(r,
	    "failed_providers"), "linux"));
	json_object_put(r);
	json_object_put(res);
}
