/*
 * cavra-runtime: the /runtime/go-pilot rollback-drill workflow routes,
 * served from tables (workflows.md §5-8).  Each route row's data is a
 * struct step naming its step type, chain and options; one handler per
 * step type (lib/workflow.c does the computing).  Records live in the
 * evidence metadata store, read by metadata_kind through the store's
 * filter, newest first with id ties.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>
#include <time.h>

#include "cavra.h"
#include "cv_auth.h"
#include "cv_connector.h"
#include "cv_workflow.h"

#include "runtime.h"

#define AD	"/runtime/go-pilot/rollback-drill-notifications/" \
		"acknowledgements/audit-delivery"
#define GO_SCHEMA(x)	"cavra.go-backend-pilot.rollback-drill-" x ".v1"
#define AAD		"acknowledgement-audit-delivery-"

enum step_type {
	STEP_RETRY_PLAN = 0,
	STEP_ACK,
	STEP_HISTORY,
	STEP_DASHBOARD,
	STEP_HEALTH,
	STEP_APPROVAL_PLAN,
	STEP_AUDIT_PACKAGE,
	STEP_DELIVER,
	STEP_WORKER,
};

/* A route's step: type, chain and the options of its type. */
struct step {
	enum step_type			 type;
	const struct cv_wf_chain	*chain;
	const struct cv_wf_kind		*kind;		/* record written or
							   listed */
	const char			*out_key;	/* answer key */
	const char			*schema;	/* answer schema_version */
	/* ACK */
	const struct cv_wf_vocab	*vocab;
	const char			*parent_param;	/* path parameter */
	const char			*parent_kind;
	const char			*parent_what;	/* "retry plan" */
	const char			*by_field;	/* "acknowledged_by" */
	const char			*by_alt;	/* also accepted, or NULL */
	const char			*at_field;	/* "acknowledged_at" */
	int				 block_undone;	/* blocked_count 1 unless
							   the state is done */
	const char *const		*extra;		/* optional strings */
	const char *const		*index;		/* index fields */
	const char			*health_prefix;
};

/* ---- chain C1: acknowledgement audit delivery --------------------- */

static const char *const c1_gate_states[] = { "approved", NULL };
static const char *const c1_gate_keys[] = { "provider", "delivery_id",
	"audit_id", NULL };

static const struct cv_wf_gate c1_gate = {
	"gbrd-aad-retry-execution-approval-decision", "approval_state",
	c1_gate_states, c1_gate_keys, "decision_id", "approval_state",
	"approved", "approval_required", "approval_pending_count"
};

static const struct cv_wf_chain c1 = {
	.name = "C1",
	.src = "go_backend_rollback_drill_acknowledgement_audit",
	.keys = { { "delivery_id", { "event_id", "session_id" } },
	    { "audit_id", { NULL, NULL } } },
	.retry = { "gbrd-aad-retry-plan", "retry_plan_id", "gordackretry",
	    "acknowledgement_audit_delivery_retry_plan",
	    GO_SCHEMA(AAD "retry-plan") },
	.worker = { "gbrd-aad-worker-run", "run_id", "gordackworker",
	    "acknowledgement_audit_delivery_worker_run",
	    GO_SCHEMA(AAD "worker-run") },
	.exec = { "gbrd-aad-retry-execution-record", "execution_id",
	    "gordackretryexec", "retry_execution_record",
	    GO_SCHEMA(AAD "retry-execution-record") },
	.gate = &c1_gate,
	.retry_delay = 15,
	.worker_interval = 60,
	.health_interval = 30,
	.health_stale = 120,
	.exec_ref = "go-rollback-drill-retry-worker",
};

static const struct cv_wf_kind c1_retry_ack = {
	"gbrd-aad-retry-ack", "acknowledgement_id", "gordackretryack",
	"acknowledgement", GO_SCHEMA(AAD "retry-acknowledgement")
};

static const char *const retry_ack_states[] = { "accepted", "deferred",
	"escalated", "resolved", "dismissed", NULL };
static const char *const retry_ack_done[] = { "accepted", "resolved",
	NULL };
static const struct cv_wf_vocab retry_ack_vocab = {
	"acknowledgement_state", retry_ack_states, "accepted", retry_ack_done
};

static const struct cv_wf_kind c0_plan = {
	"gbrd-notification-plan", "plan_id", "gordn", "plan",
	GO_SCHEMA("notification-plan")
};
static const struct cv_wf_kind c0_ack = {
	"gbrd-notification-ack", "acknowledgement_id", "gordack",
	"acknowledgement", GO_SCHEMA("notification-acknowledgement")
};
static const struct cv_wf_kind c1_package = {
	"gbrd-acknowledgement-audit-package", "audit_id", "gordackaudit",
	"acknowledgement_audit_package",
	GO_SCHEMA("acknowledgement-audit-package")
};
static const struct cv_wf_kind c1_delivery_plan = {
	"gbrd-aad-plan", "delivery_id", "gordackdelivery",
	"acknowledgement_audit_delivery_plan",
	GO_SCHEMA("acknowledgement-audit-delivery-plan")
};

static const char *const package_index[] = { "audit_id", "alert_level",
	"route_count", "acknowledgement_count", "outstanding_count", NULL };
static const char *const dplan_index[] = { "delivery_id", "audit_id",
	"alert_level", "selected_providers", "destination_count",
	"route_count", "outstanding_count", NULL };
static const char *const run_index[] = { "run_id", "dry_run",
	"retryable_count", "selected_retry_count", NULL };
static const char *const exec_index[] = { "execution_id",
	"execution_hash", "execution_status", "provider", "delivery_success",
	"run_id", "retry_plan_id", "approval_decision_id", "delivery_id",
	"audit_id", NULL };
static const char *const package_controls[] = {
	"operator notes stay out of connector events",
	"connector configuration and secrets are never copied into records",
	NULL
};
static const char *const ack_done_words[] = { "acknowledged", "resolved",
	NULL };

static const char *const approval_states[] = { "approved", "denied",
	"deferred", "expired", NULL };
static const char *const approval_done[] = { "approved", NULL };
static const struct cv_wf_vocab approval_vocab = {
	"approval_state", approval_states, "approved", approval_done
};

/* A retry acknowledgement that lets a retry ask for approval. */
static const struct cv_wf_gate c1_ack_gate = {
	"gbrd-aad-retry-ack", "acknowledgement_state", retry_ack_done,
	c1_gate_keys, "acknowledgement_id", NULL, NULL, NULL, NULL
};

static const struct cv_wf_kind c1_approval_plan = {
	"gbrd-aad-retry-execution-approval-plan", "approval_plan_id",
	"gordackretryapproval", "retry_execution_approval_plan",
	GO_SCHEMA(AAD "retry-execution-approval-plan")
};
static const struct cv_wf_kind c1_approval_decision = {
	"gbrd-aad-retry-execution-approval-decision", "decision_id",
	"gordackretryapprovaldecision", "retry_execution_approval_decision",
	GO_SCHEMA(AAD "retry-execution-approval-decision")
};

static const char *const approval_plan_index[] = { "approval_plan_id",
	"alert_level", "approved_count", "waiting_count", NULL };
static const char *const decision_extra[] = { "retry_plan_id",
	"delivery_id", "audit_id", NULL };
static const char *const decision_index[] = { "decision_id",
	"approval_plan_id", "retry_plan_id", "delivery_id", "audit_id",
	"provider", "approval_state", "external_ref", NULL };

static const char *const retry_index[] = { "retry_plan_id", "alert_level",
	"retryable_count", "waiting_count", "suppressed_count", NULL };
static const char *const retry_ack_extra[] = { "delivery_id", "audit_id",
	NULL };
static const char *const ack_index[] = { "acknowledgement_id",
	"retry_plan_id", "delivery_id", "audit_id", "provider",
	"acknowledgement_state", "external_ref", NULL };

/* ---- helpers -------------------------------------------------------- */

/* Now, as a time and as a workflow timestamp. */
static time_t
now_ts(char *buf, size_t len)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	cv_wf_ts(buf, len, ts.tv_sec, ts.tv_nsec / 1000);
	return ts.tv_sec;
}

/* Every record of kind, newest first (id ties), into *out (new). */
static enum cv_err
load_kind(struct cv_req *req, struct cv_store *s, const char *kind,
    struct json_object **out)
{
	struct cv_filter	 f = { "metadata_kind", kind };
	enum cv_err		 rc;

	if ((rc = cv_store_list(s, 0, &f, 1, SIZE_MAX, 0, out, NULL)) !=
	    CV_OK)
		return cv_rs_store_fail(req, &cv_store_evidence, rc);
	return CV_OK;
}

/* An optional string member of the body: NULL when absent, 400 for
 * another type. */
static enum cv_err
body_str(struct cv_req *req, const char *key, const char **out)
{
	*out = NULL;
	if (cv_json_str(req->json, key, out) == CV_JGET_TYPE)
		return cv_fail_field(req, CV_EINVAL, key, "%s must be a string",
		    key);
	return CV_OK;
}

/* The answer {<key>: payload, metadata, actor}. */
static void
answer(struct cv_resp *resp, const char *key, struct json_object *payload,
    struct json_object *meta, const struct cv_actor *actor)
{
	struct json_object	*o = json_object_new_object();

	json_object_object_add(o, key, payload);
	json_object_object_add(o, "metadata", meta);
	json_object_object_add(o, "actor", actor != NULL ?
	    cv_actor_json(actor) : NULL);
	cv_resp_json(resp, 200, o);
}

/* Stores rec in its own write transaction. */
static enum cv_err
store_put(struct cv_req *req, struct cv_db *db, struct json_object *rec)
{
	struct cv_store	*s;
	enum cv_err	 rc;

	if ((rc = cv_db_write(db, &s)) != CV_OK)
		return cv_rs_store_fail(req, &cv_store_evidence, rc);
	if ((rc = cv_store_put(s, 0, rec)) != CV_OK) {
		cv_db_abort(db);
		return cv_rs_store_fail(req, &cv_store_evidence, rc);
	}
	if ((rc = cv_db_commit(db)) != CV_OK)
		return cv_rs_store_fail(req, &cv_store_evidence, rc);
	return CV_OK;
}

/* ---- step types ----------------------------------------------------- */

/*
 * RETRY_PLAN (POST): the chain's retry plan over its failed deliveries,
 * with body.retry_policy; stored.  Answers {retry_plan, metadata,
 * actor}.  401 without a verified actor when OIDC or RBAC is
 * configured; 400 for a bad policy.
 */
static enum cv_err
h_retry_plan(struct cv_req *req, struct cv_resp *resp)
{
	const struct step	*st = req->route->data;
	const struct cv_actor	*actor;
	struct json_object	*rcds = NULL, *plan = NULL, *rec = NULL, *pol;
	struct cv_wf_policy	 p;
	struct cv_store		*s;
	struct cv_db		*db;
	const char		*by;
	char			 now[CV_WF_TS_LEN], err[256];
	int64_t			 counts[3];
	time_t			 t;
	enum cv_err		 rc;

	if ((rc = cv_auth_actor(req, req->json, &actor)) != CV_OK)
		return rc;
	if ((rc = body_str(req, "generated_by", &by)) != CV_OK)
		return rc;
	if (actor != NULL)
		by = actor->actor;
	if (cv_json_obj(req->json, "retry_policy", &pol) == CV_JGET_TYPE)
		return cv_fail_field(req, CV_EINVAL, "retry_policy",
		    "retry_policy must be an object");
	if (cv_wf_policy_read(st->chain, pol, &p, err, sizeof(err)) != CV_OK)
		return cv_fail(req, CV_EINVAL, "%s", err);
	if ((rc = cv_rs_db(req, &cv_store_evidence, &db)) != CV_OK)
		return rc;
	if ((rc = cv_db_read(db, &s)) != CV_OK)
		return cv_rs_store_fail(req, &cv_store_evidence, rc);
	rc = load_kind(req, s, CV_WF_RCD_KIND, &rcds);
	cv_db_read_end(db, s);
	if (rc != CV_OK)
		return rc;
	t = now_ts(now, sizeof(now));
	plan = cv_wf_retry_plan(req->arena, st->chain, rcds, &p, t,
	    by != NULL && *by != '\0' ? by : "console");
	counts[0] = json_object_get_int64(json_object_object_get(plan,
	    "decision_count"));
	counts[1] = json_object_get_int64(json_object_object_get(plan,
	    "suppressed_count"));
	counts[2] = json_object_get_int64(json_object_object_get(plan,
	    "retryable_count"));
	rec = cv_wf_record_new(&st->chain->retry, plan, cv_json_str_or(plan,
	    "generated_at", now), cv_json_str_or(plan, "generated_by", ""),
	    counts, retry_index);
	if ((rc = store_put(req, db, rec)) == CV_OK) {
		answer(resp, st->out_key, plan, rec, actor);
		plan = rec = NULL;
	}
	json_object_put(rcds);
	json_object_put(plan);
	json_object_put(rec);
	return rc;
}

/*
 * ACK / DECIDE (POST .../{parent}/acknowledgements or decisions):
 * provider and the step's actor field (acknowledged_by, decided_by; the
 * verified actor replaces it) required, the state one of the step's
 * vocabulary; the parent must be a stored record of
 * the step's parent kind (404 otherwise: a deliberate difference from
 * the reference, which stores orphans).  Stored; answers
 * {<out_key>, metadata, actor}.
 */
static enum cv_err
h_ack(struct cv_req *req, struct cv_resp *resp)
{
	const struct step	*st = req->route->data;
	const struct cv_actor	*actor;
	struct json_object	*parent = NULL, *ack = NULL, *rec = NULL;
	const char *const	*k;
	const char		*pid, *prov, *by, *state, *ref, *notes, *v, *id;
	char			 now[CV_WF_TS_LEN], err[512];
	struct cv_store		*s;
	struct cv_db		*db;
	int64_t			 counts[3] = { 1, 0, 0 };
	enum cv_err		 rc;

	pid = cv_param(req, st->parent_param);
	if ((rc = cv_auth_actor(req, req->json, &actor)) != CV_OK)
		return rc;
	if ((rc = body_str(req, "provider", &prov)) != CV_OK ||
	    (rc = body_str(req, st->by_field, &by)) != CV_OK ||
	    (rc = body_str(req, st->vocab->field, &state)) != CV_OK ||
	    (rc = body_str(req, "external_ref", &ref)) != CV_OK ||
	    (rc = body_str(req, "notes", &notes)) != CV_OK)
		return rc;
	if ((by == NULL || *by == '\0') && st->by_alt != NULL &&
	    (rc = body_str(req, st->by_alt, &by)) != CV_OK)
		return rc;
	if (actor != NULL)
		by = actor->actor;
	if (prov == NULL || *prov == '\0')
		return cv_fail_field(req, CV_EINVAL, "provider",
		    "provider is required");
	if (by == NULL || *by == '\0')
		return cv_fail_field(req, CV_EINVAL, st->by_field,
		    "%s is required", st->by_field);
	if (cv_wf_state(req->arena, st->vocab, state, &state, err,
	    sizeof(err)) != CV_OK)
		return cv_fail_field(req, CV_EINVAL, st->vocab->field, "%s",
		    err);
	prov = cv_wf_norm(req->arena, prov);
	if ((rc = cv_rs_db(req, &cv_store_evidence, &db)) != CV_OK)
		return rc;
	if ((rc = cv_db_read(db, &s)) != CV_OK)
		return cv_rs_store_fail(req, &cv_store_evidence, rc);
	rc = cv_store_get(s, 0, pid, &parent);
	cv_db_read_end(db, s);
	if (rc == CV_ENOENT || (rc == CV_OK && strcmp(cv_json_str_or(parent,
	    "metadata_kind", ""), st->parent_kind) != 0)) {
		json_object_put(parent);
		return cv_fail(req, CV_ENOENT, "%s not found", st->parent_what);
	}
	json_object_put(parent);
	if (rc != CV_OK)
		return cv_rs_store_fail(req, &cv_store_evidence, rc);
	now_ts(now, sizeof(now));
	id = cv_wf_id_text(req->arena, st->kind->prefix, cv_arena_printf(
	    req->arena, "%s|%s|%s|%s|%s", pid, prov, state, by, now));
	ack = json_object_new_object();
	cv_json_add_str(ack, "schema_version", st->kind->schema);
	cv_json_add_str(ack, st->kind->id_field, id);
	cv_json_add_str(ack, st->parent_param, pid);
	for (k = st->extra; k != NULL && *k != NULL; k++) {
		if ((rc = body_str(req, *k, &v)) != CV_OK)
			goto out;
		cv_json_add_str(ack, *k, v != NULL ? v : "");
	}
	cv_json_add_str(ack, "provider", prov);
	cv_json_add_str(ack, st->vocab->field, state);
	cv_json_add_str(ack, st->by_field, by);
	cv_json_add_str(ack, st->at_field, now);
	cv_json_add_str(ack, "external_ref", ref != NULL ? ref : "");
	cv_json_add_str(ack, "notes", notes != NULL ? notes : "");
	if (st->block_undone && !cv_wf_done(st->vocab, state))
		counts[1] = 1;
	rec = cv_wf_record_new(st->kind, ack, now, by, counts, st->index);
	if ((rc = store_put(req, db, rec)) == CV_OK) {
		answer(resp, st->out_key, ack, rec, actor);
		ack = rec = NULL;
	}
out:
	json_object_put(ack);
	json_object_put(rec);
	return rc;
}

/*
 * HISTORY (GET): the step kind's records, newest first, filtered by
 * dry_run when given, paged ({schema_version, product, items, total,
 * limit, offset}).
 */
static enum cv_err
h_history(struct cv_req *req, struct cv_resp *resp)
{
	const struct step	*st = req->route->data;
	struct json_object	*all = NULL, *items, *r, *o;
	struct cv_store		*s;
	struct cv_db		*db;
	size_t			 limit, offset, i, total = 0;
	int			 dry = -1, v;
	enum cv_err		 rc;

	if ((rc = cv_query_page(req, &limit, &offset)) != CV_OK)
		return rc;
	if (cv_query(req, "dry_run") != NULL &&
	    (rc = cv_query_bool(req, "dry_run", 0, &dry)) != CV_OK)
		return rc;
	if ((rc = cv_rs_db(req, &cv_store_evidence, &db)) != CV_OK)
		return rc;
	if ((rc = cv_db_read(db, &s)) != CV_OK)
		return cv_rs_store_fail(req, &cv_store_evidence, rc);
	rc = load_kind(req, s, st->kind->kind, &all);
	cv_db_read_end(db, s);
	if (rc != CV_OK)
		return rc;
	items = json_object_new_array();
	for (i = 0; i < json_object_array_length(all); i++) {
		r = json_object_array_get_idx(all, i);
		if (dry != -1 && (cv_json_bool(r, "dry_run", &v) !=
		    CV_JGET_OK || v != dry))
			continue;
		if (total++ >= offset && json_object_array_length(items) <
		    limit)
			json_object_array_add(items, json_object_get(r));
	}
	json_object_put(all);
	o = json_object_new_object();
	cv_json_add_str(o, "schema_version", st->schema);
	cv_json_add_str(o, "product", CV_PRODUCT);
	json_object_object_add(o, "items", items);
	cv_json_add_int(o, "total", (int64_t)total);
	cv_json_add_int(o, "limit", (int64_t)limit);
	cv_json_add_int(o, "offset", (int64_t)offset);
	cv_resp_json(resp, 200, o);
	return CV_OK;
}

/*
 * DASHBOARD (GET) of worker runs: run, dry-run and executed counts,
 * retryable and selected sums; critical when any run found retryable
 * deliveries.  Writes nothing.
 */
static enum cv_err
h_dashboard(struct cv_req *req, struct cv_resp *resp)
{
	const struct step	*st = req->route->data;
	struct json_object	*all = NULL, *r, *o, *latest;
	struct cv_store		*s;
	struct cv_db		*db;
	int64_t			 dry = 0, retryable = 0, sel = 0;
	char			 now[CV_WF_TS_LEN];
	size_t			 i, n;
	int			 v;
	enum cv_err		 rc;

	if ((rc = cv_rs_db(req, &cv_store_evidence, &db)) != CV_OK)
		return rc;
	if ((rc = cv_db_read(db, &s)) != CV_OK)
		return cv_rs_store_fail(req, &cv_store_evidence, rc);
	rc = load_kind(req, s, st->kind->kind, &all);
	cv_db_read_end(db, s);
	if (rc != CV_OK)
		return rc;
	n = json_object_array_length(all);
	latest = json_object_new_array();
	for (i = 0; i < n; i++) {
		r = json_object_array_get_idx(all, i);
		if (cv_json_bool(r, "dry_run", &v) == CV_JGET_OK && v)
			dry++;
		retryable += json_object_get_int64(json_object_object_get(r,
		    "retryable_count"));
		sel += json_object_get_int64(json_object_object_get(r,
		    "selected_retry_count"));
		if (i < CV_WF_LATEST_MAX)
			json_object_array_add(latest, json_object_get(r));
	}
	json_object_put(all);
	now_ts(now, sizeof(now));
	o = json_object_new_object();
	cv_json_add_str(o, "schema_version", st->schema);
	cv_json_add_str(o, "product", CV_PRODUCT);
	cv_json_add_str(o, "generated_at", now);
	cv_json_add_str(o, "alert_level", retryable > 0 ? "critical" :
	    "healthy");
	cv_json_add_int(o, "run_count", (int64_t)n);
	cv_json_add_int(o, "dry_run_count", dry);
	cv_json_add_int(o, "executed_count", (int64_t)n - dry);
	cv_json_add_int(o, "retryable_count", retryable);
	cv_json_add_int(o, "selected_retry_count", sel);
	json_object_object_add(o, "latest", latest);
	cv_resp_json(resp, 200, o);
	return CV_OK;
}

/*
 * HEALTH (GET) of a chain's worker: expected_interval_minutes and
 * stale_metadata_minutes (the chain's defaults) over its worker runs,
 * retry plans and failed deliveries.  Not persisted.
 */
static enum cv_err
h_health(struct cv_req *req, struct cv_resp *resp)
{
	const struct step	*st = req->route->data;
	struct json_object	*runs = NULL, *plans = NULL, *rcds = NULL, *h;
	struct cv_store		*s;
	struct cv_db		*db;
	int64_t			 iv, stale;
	char			 now[CV_WF_TS_LEN];
	time_t			 t;
	enum cv_err		 rc;

	if ((rc = cv_query_int(req, "expected_interval_minutes",
	    st->chain->health_interval, 1, CV_WF_MINUTES_MAX, 0, &iv)) !=
	    CV_OK || (rc = cv_query_int(req, "stale_metadata_minutes",
	    st->chain->health_stale, 1, CV_WF_MINUTES_MAX, 0, &stale)) !=
	    CV_OK)
		return rc;
	if ((rc = cv_rs_db(req, &cv_store_evidence, &db)) != CV_OK)
		return rc;
	if ((rc = cv_db_read(db, &s)) != CV_OK)
		return cv_rs_store_fail(req, &cv_store_evidence, rc);
	if ((rc = load_kind(req, s, st->chain->worker.kind, &runs)) ==
	    CV_OK && (rc = load_kind(req, s, st->chain->retry.kind,
	    &plans)) == CV_OK)
		rc = load_kind(req, s, CV_WF_RCD_KIND, &rcds);
	cv_db_read_end(db, s);
	if (rc == CV_OK) {
		t = now_ts(now, sizeof(now));
		h = cv_wf_worker_health(req->arena, st->chain,
		    st->health_prefix, runs, plans, rcds, (int)iv, (int)stale,
		    t);
		cv_json_add_str(h, "schema_version", st->schema);
		cv_json_add_str(h, "product", CV_PRODUCT);
		cv_resp_json(resp, 200, h);
	}
	json_object_put(runs);
	json_object_put(plans);
	json_object_put(rcds);
	return rc;
}

/* Whether rows holds a row whose gate keys equal d's. */
static int
seen_key(const struct cv_wf_gate *g, struct json_object *rows,
    struct json_object *d)
{
	struct json_object	*r;
	const char *const	*k;
	size_t			 i;

	for (i = 0; i < json_object_array_length(rows); i++) {
		r = json_object_array_get_idx(rows, i);
		for (k = g->keys; *k != NULL && strcmp(cv_json_str_or(r, *k,
		    ""), cv_json_str_or(d, *k, "")) == 0; k++)
			continue;
		if (*k == NULL)
			return 1;
	}
	return 0;
}

/*
 * The approval plan of a gated chain (§10.7): every retry or wait
 * decision of its stored retry plans (newest plan first, once per gate
 * key) is already_approved (an approved decision exists),
 * wait_for_retry_ack (approval_policy.require_retry_ack, default true,
 * and no accepted or resolved retry acknowledgement), or
 * request_approval.  New object.
 */
static struct json_object *
approval_plan(struct cv_req *req, const struct step *st,
    struct json_object *plans, struct json_object *acks,
    struct json_object *decisions, int need_ack, const char *now,
    const char *by)
{
	const struct cv_wf_gate	*g = st->chain->gate;
	struct json_object	*rows, *row, *p, *ds, *d, *hit, *m, *plan;
	const char		*action, *act;
	int64_t			 req_n = 0, ok_n = 0, wait_n = 0;
	size_t			 i, j;

	rows = json_object_new_array();
	for (i = 0; i < json_object_array_length(plans); i++) {
		if (cv_json_obj(json_object_array_get_idx(plans, i),
		    st->chain->retry.payload_key, &p) != CV_JGET_OK ||
		    cv_json_arr(p, "retry_decisions", &ds) != CV_JGET_OK)
			continue;
		for (j = 0; j < json_object_array_length(ds); j++) {
			d = json_object_array_get_idx(ds, j);
			act = cv_json_str_or(d, "action", "");
			if ((strcmp(act, "retry") != 0 && strcmp(act, "wait") !=
			    0) || seen_key(g, rows, d))
				continue;
			row = json_object_new_object();
			cv_json_add_str(row, "provider", cv_json_str_or(d,
			    "provider", ""));
			cv_json_add_str(row, "delivery_id", cv_json_str_or(d,
			    "delivery_id", ""));
			cv_json_add_str(row, "audit_id", cv_json_str_or(d,
			    "audit_id", ""));
			cv_json_add_str(row, "retry_plan_id", cv_json_str_or(p,
			    "retry_plan_id", ""));
			cv_json_add_str(row, "retry_action", act);
			json_object_object_add(row, "retry_count",
			    json_object_get(json_object_object_get(d,
			    "retry_count")));
			cv_json_add_str(row, "next_retry_at", cv_json_str_or(d,
			    "next_retry_at", ""));
			json_object_object_add(row, "failed_status_codes",
			    json_object_get(json_object_object_get(d,
			    "failed_status_codes")));
			if ((hit = cv_wf_gate_match(g, decisions, d)) != NULL) {
				action = "already_approved";
				ok_n++;
			} else if (need_ack && cv_wf_gate_match(&c1_ack_gate,
			    acks, d) == NULL) {
				action = "wait_for_retry_ack";
				wait_n++;
			} else {
				action = "request_approval";
				req_n++;
			}
			cv_json_add_str(row, "approval_action", action);
			cv_json_add_bool(row, "approval_required",
			    strcmp(action, "request_approval") == 0);
			cv_json_add_str(row, "approval_decision_id", hit !=
			    NULL ? cv_json_str_or(hit, "session_id", "") : "");
			json_object_array_add(rows, row);
		}
	}
	m = json_object_new_object();
	cv_json_add_str(m, "generated_at", now);
	json_object_object_add(m, "approval_decisions", json_object_get(rows));
	plan = json_object_new_object();
	cv_json_add_str(plan, "schema_version", st->kind->schema);
	cv_json_add_str(plan, "approval_plan_id", cv_wf_id(req->arena,
	    st->kind->prefix, m, NULL));
	json_object_put(m);
	cv_json_add_str(plan, "generated_at", now);
	cv_json_add_str(plan, "generated_by", by);
	cv_json_add_bool(plan, "require_retry_ack", need_ack);
	cv_json_add_str(plan, "alert_level", req_n > 0 ? "critical" : wait_n >
	    0 ? "warning" : "healthy");
	cv_json_add_int(plan, "decision_count", (int64_t)
	    json_object_array_length(rows));
	cv_json_add_int(plan, "approval_required_count", req_n);
	cv_json_add_int(plan, "approved_count", ok_n);
	cv_json_add_int(plan, "waiting_count", wait_n);
	json_object_object_add(plan, "approval_decisions", rows);
	return plan;
}

/*
 * PLAN (POST) of retry-execution approvals: approval_policy
 * {require_retry_ack}; stored.  Answers {approval_plan, metadata,
 * actor}.
 */
static enum cv_err
h_approval_plan(struct cv_req *req, struct cv_resp *resp)
{
	const struct step	*st = req->route->data;
	const struct cv_actor	*actor;
	struct json_object	*plans = NULL, *acks = NULL, *decs = NULL;
	struct json_object	*pol = NULL, *plan = NULL, *rec = NULL;
	struct cv_store		*s;
	struct cv_db		*db;
	const char		*by;
	char			 now[CV_WF_TS_LEN];
	int64_t			 counts[3];
	int			 need = 1;
	enum cv_err		 rc;

	if ((rc = cv_auth_actor(req, req->json, &actor)) != CV_OK)
		return rc;
	if ((rc = body_str(req, "generated_by", &by)) != CV_OK)
		return rc;
	if (actor != NULL)
		by = actor->actor;
	if (cv_json_obj(req->json, "approval_policy", &pol) == CV_JGET_TYPE ||
	    (pol != NULL && cv_json_bool(pol, "require_retry_ack", &need) ==
	    CV_JGET_TYPE))
		return cv_fail_field(req, CV_EINVAL, "approval_policy",
		    "approval_policy must be an object whose "
		    "require_retry_ack is a boolean");
	if ((rc = cv_rs_db(req, &cv_store_evidence, &db)) != CV_OK)
		return rc;
	if ((rc = cv_db_read(db, &s)) != CV_OK)
		return cv_rs_store_fail(req, &cv_store_evidence, rc);
	if ((rc = load_kind(req, s, st->chain->retry.kind, &plans)) == CV_OK &&
	    (rc = load_kind(req, s, c1_ack_gate.kind, &acks)) == CV_OK)
		rc = load_kind(req, s, st->chain->gate->kind, &decs);
	cv_db_read_end(db, s);
	if (rc != CV_OK)
		goto out;
	now_ts(now, sizeof(now));
	plan = approval_plan(req, st, plans, acks, decs, need, now, by !=
	    NULL && *by != '\0' ? by : "console");
	counts[0] = json_object_get_int64(json_object_object_get(plan,
	    "decision_count"));
	counts[1] = json_object_get_int64(json_object_object_get(plan,
	    "waiting_count"));
	counts[2] = json_object_get_int64(json_object_object_get(plan,
	    "approval_required_count"));
	rec = cv_wf_record_new(st->kind, plan, now, cv_json_str_or(plan,
	    "generated_by", ""), counts, approval_plan_index);
	if ((rc = store_put(req, db, rec)) == CV_OK) {
		answer(resp, st->out_key, plan, rec, actor);
		plan = rec = NULL;
	}
out:
	json_object_put(plans);
	json_object_put(acks);
	json_object_put(decs);
	json_object_put(plan);
	json_object_put(rec);
	return rc;
}

/* ---- chain C1: audit package, delivery plan, delivery, worker ------ */

/* Whether filter f (NULL or "": any) admits value v. */
static int
admits(const char *f, const char *v)
{
	return f == NULL || *f == '\0' || strcmp(f, v != NULL ? v : "") == 0;
}

/*
 * The acknowledgement audit package (§10.3): the deliver routes of the
 * stored notification plans and the latest drill acknowledgement of
 * each (schedule_id, provider), filtered by schedule_id, provider and
 * owner.  New object.
 */
static struct json_object *
audit_package(struct cv_req *req, struct json_object *plans,
    struct json_object *acks, const char *sid, const char *prov,
    const char *owner, const char *now, const char *by)
{
	struct json_object	*routes, *rt, *p, *ds, *d, *a, *latest, *m, *pk,
				*filters;
	const char		*state, *rsid, *rprov;
	int64_t			 n[5] = { 0 };	/* ack'd, resolved, escalated,
						   dismissed, outstanding */
	size_t			 i, j, k;

	routes = json_object_new_array();
	for (i = 0; i < json_object_array_length(plans); i++) {
		if (cv_json_obj(json_object_array_get_idx(plans, i),
		    c0_plan.payload_key, &p) != CV_JGET_OK ||
		    cv_json_arr(p, "route_decisions", &ds) != CV_JGET_OK)
			continue;
		rsid = cv_json_str_or(p, "schedule_id", "");
		for (j = 0; j < json_object_array_length(ds); j++) {
			d = json_object_array_get_idx(ds, j);
			rprov = cv_json_str_or(d, "provider", "");
			if (strcmp(cv_json_str_or(d, "action", ""), "deliver") !=
			    0 || !admits(sid, rsid) || !admits(prov, rprov) ||
			    !admits(owner, cv_json_str_or(d, "owner", "")))
				continue;
			latest = NULL;
			for (k = 0; k < json_object_array_length(acks); k++) {
				a = json_object_array_get_idx(acks, k);
				if (strcmp(cv_json_str_or(a, "schedule_id", ""),
				    rsid) == 0 && strcmp(cv_json_str_or(a,
				    "provider", ""), rprov) == 0) {
					latest = a;	/* newest first */
					break;
				}
			}
			state = latest != NULL ? cv_json_str_or(latest,
			    "acknowledgement_state", "") : "outstanding";
			rt = json_object_new_object();
			cv_json_add_str(rt, "route_id", cv_json_str_or(d,
			    "route_key", ""));
			cv_json_add_str(rt, "schedule_id", rsid);
			cv_json_add_str(rt, "plan_id", cv_json_str_or(p,
			    "plan_id", ""));
			cv_json_add_str(rt, "provider", rprov);
			cv_json_add_str(rt, "owner", cv_json_str_or(d, "owner",
			    ""));
			cv_json_add_str(rt, "route_action", "deliver");
			cv_json_add_str(rt, "acknowledgement_state", state);
			cv_json_add_bool(rt, "acknowledged", cv_strv_has(
			    ack_done_words, state));
			cv_json_add_str(rt, "acknowledgement_id", latest !=
			    NULL ? cv_json_str_or(latest, "session_id", "") :
			    "");
			n[strcmp(state, "acknowledged") == 0 ? 0 :
			    strcmp(state, "resolved") == 0 ? 1 :
			    strcmp(state, "escalated") == 0 ? 2 :
			    strcmp(state, "dismissed") == 0 ? 3 : 4]++;
			json_object_array_add(routes, rt);
		}
	}
	filters = json_object_new_object();
	cv_json_add_str(filters, "schedule_id", sid != NULL ? sid : "");
	cv_json_add_str(filters, "provider", prov != NULL ? prov : "");
	cv_json_add_str(filters, "owner", owner != NULL ? owner : "");
	m = json_object_new_object();
	json_object_object_add(m, "filters", json_object_get(filters));
	json_object_object_add(m, "routes", json_object_get(routes));
	pk = json_object_new_object();
	cv_json_add_str(pk, "schema_version", c1_package.schema);
	cv_json_add_str(pk, "audit_id", cv_wf_id(req->arena,
	    c1_package.prefix, m, NULL));
	json_object_put(m);
	cv_json_add_str(pk, "generated_at", now);
	cv_json_add_str(pk, "generated_by", by);
	json_object_object_add(pk, "filters", filters);
	cv_json_add_int(pk, "route_count", (int64_t)
	    json_object_array_length(routes));
	cv_json_add_int(pk, "acknowledgement_count", n[0] + n[1] + n[2] +
	    n[3]);
	cv_json_add_int(pk, "acknowledged_count", n[0]);
	cv_json_add_int(pk, "resolved_count", n[1]);
	cv_json_add_int(pk, "escalated_count", n[2]);
	cv_json_add_int(pk, "dismissed_count", n[3]);
	cv_json_add_int(pk, "outstanding_count", n[4]);
	cv_json_add_str(pk, "alert_level", n[2] + n[4] > 0 ? "critical" :
	    "healthy");
	json_object_object_add(pk, "routes", routes);
	cv_json_add_strv(pk, "controls", package_controls);
	return pk;
}

/* The package's record. */
static struct json_object *
package_record(struct json_object *pk)
{
	int64_t	 out = json_object_get_int64(json_object_object_get(pk,
	    "outstanding_count"));
	int64_t	 counts[3];

	counts[0] = json_object_get_int64(json_object_object_get(pk,
	    "route_count"));
	counts[1] = out + json_object_get_int64(json_object_object_get(pk,
	    "escalated_count"));
	counts[2] = out;
	return cv_wf_record_new(&c1_package, pk, cv_json_str_or(pk,
	    "generated_at", ""), cv_json_str_or(pk, "generated_by", ""),
	    counts, package_index);
}

/*
 * The delivery plan of a package (§10.4): the configured connectors
 * (else webhook) narrowed by the requested comma list unless "all".
 * New object.
 */
static struct json_object *
delivery_plan(struct cv_req *req, struct json_object *pk,
    const char *requested, const char *cadence, const char *schedule_ref,
    const char *next_at, const char *now, const char *by)
{
	const char		*names[32], *p;
	struct json_object	*sel, *reqs, *m, *plan;
	char			*copy, *tok, *save;
	size_t			 n, i;
	int			 all;

	n = cv_connector_names(names, nitems(names));
	if (n == 0) {
		names[0] = "webhook";
		n = 1;
	}
	all = requested == NULL || *requested == '\0' ||
	    strcmp(requested, "all") == 0;
	reqs = json_object_new_array();
	if (!all) {
		copy = cv_arena_strdup(req->arena, requested);
		for (tok = strtok_r(copy, ",", &save); tok != NULL;
		    tok = strtok_r(NULL, ",", &save)) {
			while (*tok == ' ')
				tok++;
			p = tok + strlen(tok);
			while (p > tok && p[-1] == ' ')
				p--;
			if (p > tok)
				json_object_array_add(reqs,
				    json_object_new_string_len(tok,
				    (int)(p - tok)));
		}
	}
	sel = json_object_new_array();
	for (i = 0; i < n; i++)
		if (all || cv_json_has_str(reqs, names[i]))
			json_object_array_add(sel,
			    json_object_new_string(names[i]));
	m = json_object_new_object();
	cv_json_add_str(m, "audit_id", cv_json_str_or(pk, "audit_id", ""));
	json_object_object_add(m, "selected_providers", json_object_get(sel));
	cv_json_add_str(m, "cadence", cadence);
	cv_json_add_str(m, "schedule_ref", schedule_ref);
	cv_json_add_str(m, "generated_at", now);
	plan = json_object_new_object();
	cv_json_add_str(plan, "schema_version", c1_delivery_plan.schema);
	cv_json_add_str(plan, "delivery_id", cv_wf_id(req->arena,
	    c1_delivery_plan.prefix, m, NULL));
	json_object_put(m);
	cv_json_add_str(plan, "audit_id", cv_json_str_or(pk, "audit_id", ""));
	cv_json_add_str(plan, "generated_at", now);
	cv_json_add_str(plan, "generated_by", by);
	cv_json_add_str(plan, "cadence", cadence);
	cv_json_add_str(plan, "schedule_ref", schedule_ref);
	cv_json_add_str(plan, "next_delivery_at", next_at);
	cv_json_add_str(plan, "requested_provider", all ? "all" : requested);
	json_object_object_add(plan, "requested_providers", reqs);
	cv_json_add_int(plan, "destination_count", (int64_t)
	    json_object_array_length(sel));
	json_object_object_add(plan, "selected_providers", sel);
	json_object_object_add(plan, "route_count", json_object_get(
	    json_object_object_get(pk, "route_count")));
	json_object_object_add(plan, "outstanding_count", json_object_get(
	    json_object_object_get(pk, "outstanding_count")));
	json_object_object_add(plan, "escalated_count", json_object_get(
	    json_object_object_get(pk, "escalated_count")));
	json_object_object_add(plan, "alert_level", json_object_get(
	    json_object_object_get(pk, "alert_level")));
	json_object_object_add(plan, "filters", json_object_get(
	    json_object_object_get(pk, "filters")));
	cv_json_add_strv(plan, "controls", package_controls);
	return plan;
}

static struct json_object *
dplan_record(struct json_object *plan)
{
	int64_t	 out = json_object_get_int64(json_object_object_get(plan,
	    "outstanding_count"));
	int64_t	 counts[3];

	counts[0] = json_object_get_int64(json_object_object_get(plan,
	    "destination_count"));
	counts[1] = out + json_object_get_int64(json_object_object_get(plan,
	    "escalated_count"));
	counts[2] = out;
	return cv_wf_record_new(&c1_delivery_plan, plan, cv_json_str_or(plan,
	    "generated_at", ""), cv_json_str_or(plan, "generated_by", ""),
	    counts, dplan_index);
}

/* The audit delivery event of a package and plan (notes left out). */
static struct json_object *
delivery_event(struct json_object *pk, struct json_object *plan)
{
	struct json_object	*ev, *sum, *routes, *r, *src;
	const char *const	 keys[] = { "route_count", "acknowledgement_count",
	    "outstanding_count", "escalated_count", "alert_level", NULL };
	const char *const	*k;
	int64_t			 blocked;
	size_t			 i;

	ev = json_object_new_object();
	cv_json_add_str(ev, "schema_version",
	    GO_SCHEMA("acknowledgement-audit-delivery"));
	cv_json_add_str(ev, "product", CV_PRODUCT);
	cv_json_add_str(ev, "event_type",
	    "cavra.go_backend.rollback_drill.acknowledgement_audit_delivery");
	cv_json_add_str(ev, "session_id", cv_json_str_or(plan, "delivery_id",
	    ""));
	cv_json_add_str(ev, "timestamp", cv_json_str_or(plan, "generated_at",
	    ""));
	blocked = json_object_get_int64(json_object_object_get(pk,
	    "outstanding_count")) + json_object_get_int64(
	    json_object_object_get(pk, "escalated_count"));
	cv_json_add_int(ev, "blocked_count", blocked);
	cv_json_add_str(ev, "max_severity", strcmp(cv_json_str_or(pk,
	    "alert_level", ""), "critical") == 0 ? "high" : "low");
	sum = json_object_new_object();
	cv_json_add_str(sum, "audit_id", cv_json_str_or(pk, "audit_id", ""));
	for (k = keys; *k != NULL; k++)
		json_object_object_add(sum, *k, json_object_get(
		    json_object_object_get(pk, *k)));
	json_object_object_add(ev, "audit_package_summary", sum);
	json_object_object_add(ev, "delivery_plan", json_object_get(plan));
	routes = json_object_new_array();
	src = json_object_object_get(pk, "routes");
	for (i = 0; i < json_object_array_length(src); i++) {
		r = cv_json_sorted_new(json_object_array_get_idx(src, i));
		json_object_object_del(r, "notes");
		json_object_array_add(routes, r);
	}
	json_object_object_add(ev, "routes", routes);
	return ev;
}

/* Comma-joined strings of arr; arena. */
static const char *
joined(struct cv_arena *a, struct json_object *arr)
{
	const char	*out = "";
	size_t		 i;

	for (i = 0; i < json_object_array_length(arr); i++)
		out = cv_arena_printf(a, "%s%s%s", out, i > 0 ? "," : "",
		    json_object_get_string(json_object_array_get_idx(arr,
		    i)));
	return out;
}

/*
 * Delivers the event to the plan's selected providers (none: *rcd
 * NULL) and builds the RCD record with the linking fields of `links`
 * (an object whose members are copied).  CV_EINVAL with the problem
 * recorded when the connector refuses (a provider not configured).
 */
static enum cv_err
deliver_plan(struct cv_req *req, struct json_object *ev,
    struct json_object *plan, int retries, double timeout,
    struct json_object *links, struct json_object **result,
    struct json_object **rcd)
{
	struct json_object	*sel;
	char			 err[1024];

	*result = *rcd = NULL;
	sel = json_object_object_get(plan, "selected_providers");
	if (json_object_array_length(sel) == 0)
		return CV_OK;
	err[0] = '\0';
	if (cv_connector_deliver(req->arena, ev, joined(req->arena, sel),
	    retries, timeout, result, err, sizeof(err)) != CV_OK)
		return cv_fail(req, CV_EINVAL, "%s", err);
	*rcd = cv_wf_rcd_new(req->arena, *result, c1.src);
	json_object_object_foreach(links, key, val)
		json_object_object_add(*rcd, key, json_object_get(val));
	return CV_OK;
}

/* Loads notification plans and drill acks and builds the package from
 * the body's filters. */
static enum cv_err
package_from_store(struct cv_req *req, struct cv_db *db, const char *now,
    const char *by, struct json_object **pk)
{
	struct json_object	*plans = NULL, *acks = NULL;
	const char		*sid, *prov, *owner;
	struct cv_store		*s;
	enum cv_err		 rc;

	*pk = NULL;
	if ((rc = body_str(req, "schedule_id", &sid)) != CV_OK ||
	    (rc = body_str(req, "provider", &prov)) != CV_OK ||
	    (rc = body_str(req, "owner", &owner)) != CV_OK)
		return rc;
	if ((rc = cv_db_read(db, &s)) != CV_OK)
		return cv_rs_store_fail(req, &cv_store_evidence, rc);
	if ((rc = load_kind(req, s, c0_plan.kind, &plans)) == CV_OK)
		rc = load_kind(req, s, c0_ack.kind, &acks);
	cv_db_read_end(db, s);
	if (rc == CV_OK)
		*pk = audit_package(req, plans, acks, sid, prov, owner, now,
		    by);
	json_object_put(plans);
	json_object_put(acks);
	return rc;
}

/* generated_by of the body, replaced by the actor; "console" if none. */
static enum cv_err
generated_by(struct cv_req *req, const struct cv_actor *actor,
    const char **by)
{
	enum cv_err	 rc;

	if ((rc = body_str(req, "generated_by", by)) != CV_OK)
		return rc;
	if (actor != NULL)
		*by = actor->actor;
	if (*by == NULL || **by == '\0')
		*by = "console";
	return CV_OK;
}

/*
 * PLAN (POST) of the acknowledgement audit package: filters
 * schedule_id, provider, owner; stored.  Answers
 * {acknowledgement_audit_package, metadata, actor}.
 */
static enum cv_err
h_audit_package(struct cv_req *req, struct cv_resp *resp)
{
	const struct step	*st = req->route->data;
	const struct cv_actor	*actor;
	struct json_object	*pk = NULL, *rec = NULL;
	struct cv_db		*db;
	const char		*by;
	char			 now[CV_WF_TS_LEN];
	enum cv_err		 rc;

	if ((rc = cv_auth_actor(req, req->json, &actor)) != CV_OK ||
	    (rc = generated_by(req, actor, &by)) != CV_OK ||
	    (rc = cv_rs_db(req, &cv_store_evidence, &db)) != CV_OK)
		return rc;
	now_ts(now, sizeof(now));
	if ((rc = package_from_store(req, db, now, by, &pk)) != CV_OK)
		return rc;
	rec = package_record(pk);
	if ((rc = store_put(req, db, rec)) == CV_OK) {
		answer(resp, st->out_key, pk, rec, actor);
		pk = rec = NULL;
	}
	json_object_put(pk);
	json_object_put(rec);
	return rc;
}

/*
 * DELIVER (POST) of the audit package (C1): 400 without a connector
 * config; package and delivery plan (delivery_provider, else provider,
 * else all; cadence, schedule_ref, next_delivery_at) stored; the event
 * delivered to the plan's providers (retries, timeout_seconds) and the
 * redacted delivery record stored with audit_id and delivery_id.
 * success is false when no provider was selected.
 */
static enum cv_err
h_deliver(struct cv_req *req, struct cv_resp *resp)
{
	const struct cv_actor	*actor;
	struct json_object	*pk = NULL, *prec = NULL, *plan = NULL,
				*drec = NULL, *ev = NULL, *res = NULL,
				*rcd = NULL, *links = NULL, *o;
	struct cv_store		*s;
	struct cv_db		*db;
	const char		*by, *dp, *cad, *sref, *next;
	char			 now[CV_WF_TS_LEN];
	double			 timeout;
	int			 retries;
	enum cv_err		 rc;

	if (!cv_connector_configured())
		return cv_fail(req, CV_EINVAL, "connector config is not "
		    "configured");
	if ((rc = cv_auth_actor(req, req->json, &actor)) != CV_OK ||
	    (rc = generated_by(req, actor, &by)) != CV_OK ||
	    (rc = body_str(req, "delivery_provider", &dp)) != CV_OK ||
	    (rc = body_str(req, "cadence", &cad)) != CV_OK ||
	    (rc = body_str(req, "schedule_ref", &sref)) != CV_OK ||
	    (rc = body_str(req, "next_delivery_at", &next)) != CV_OK ||
	    (rc = cv_connector_opts(req, req->json, &retries, &timeout)) !=
	    CV_OK)
		return rc;
	if (dp == NULL || *dp == '\0')
		dp = cv_json_str_or(req->json, "provider", "all");
	if ((rc = cv_rs_db(req, &cv_store_evidence, &db)) != CV_OK)
		return rc;
	now_ts(now, sizeof(now));
	if ((rc = package_from_store(req, db, now, by, &pk)) != CV_OK)
		return rc;
	prec = package_record(pk);
	plan = delivery_plan(req, pk, dp, cad != NULL && *cad != '\0' ? cad :
	    "on_demand", sref != NULL ? sref : "", next != NULL ? next : "",
	    now, by);
	drec = dplan_record(plan);
	ev = delivery_event(pk, plan);
	links = json_object_new_object();
	cv_json_add_str(links, "audit_id", cv_json_str_or(pk, "audit_id",
	    ""));
	cv_json_add_str(links, "delivery_id", cv_json_str_or(plan,
	    "delivery_id", ""));
	if ((rc = deliver_plan(req, ev, plan, retries, timeout, links, &res,
	    &rcd)) != CV_OK)
		goto out;
	if ((rc = cv_db_write(db, &s)) != CV_OK) {
		rc = cv_rs_store_fail(req, &cv_store_evidence, rc);
		goto out;
	}
	if ((rc = cv_store_put(s, 0, prec)) != CV_OK ||
	    (rc = cv_store_put(s, 0, drec)) != CV_OK ||
	    (rcd != NULL && (rc = cv_store_put(s, 0, rcd)) != CV_OK)) {
		cv_db_abort(db);
		rc = cv_rs_store_fail(req, &cv_store_evidence, rc);
		goto out;
	}
	if ((rc = cv_db_commit(db)) != CV_OK) {
		rc = cv_rs_store_fail(req, &cv_store_evidence, rc);
		goto out;
	}
	o = json_object_new_object();
	json_object_object_add(o, "acknowledgement_audit_package", pk);
	json_object_object_add(o, "plan", plan);
	json_object_object_add(o, "delivery", res);
	json_object_object_add(o, "package_metadata", prec);
	json_object_object_add(o, "plan_metadata", drec);
	json_object_object_add(o, "metadata", rcd);
	cv_json_add_bool(o, "success", res != NULL &&
	    json_object_get_boolean(json_object_object_get(res, "success")));
	cv_json_add_str(o, "event_id", cv_json_str_or(plan, "delivery_id",
	    ""));
	json_object_object_add(o, "actor", actor != NULL ?
	    cv_actor_json(actor) : NULL);
	cv_resp_json(resp, 200, o);
	pk = prec = plan = drec = res = rcd = NULL;
out:
	json_object_put(pk);
	json_object_put(prec);
	json_object_put(plan);
	json_object_put(drec);
	json_object_put(ev);
	json_object_put(res);
	json_object_put(rcd);
	json_object_put(links);
	return rc;
}

/* The worker's schedule of the body: interval_minutes (or
 * schedule_interval_minutes), enabled, cadence; 400 for wrong types. */
static enum cv_err
worker_schedule(struct cv_req *req, const struct cv_wf_chain *c,
    time_t now, struct json_object **out)
{
	struct json_object	*sch = NULL, *o;
	int64_t			 iv = c->worker_interval;
	const char		*cad = NULL;
	char			 b[CV_WF_TS_LEN];
	time_t			 ws, we;
	int			 en = 1;

	*out = NULL;
	if (cv_json_obj(req->json, "schedule", &sch) == CV_JGET_TYPE)
		return cv_fail_field(req, CV_EINVAL, "schedule",
		    "schedule must be an object");
	if (sch != NULL && ((cv_json_int(sch, "interval_minutes", &iv) ==
	    CV_JGET_TYPE || (!json_object_object_get_ex(sch,
	    "interval_minutes", NULL) && cv_json_int(sch,
	    "schedule_interval_minutes", &iv) == CV_JGET_TYPE)) ||
	    cv_json_bool(sch, "enabled", &en) == CV_JGET_TYPE ||
	    cv_json_str(sch, "cadence", &cad) == CV_JGET_TYPE))
		return cv_fail_field(req, CV_EINVAL, "schedule", "schedule "
		    "interval_minutes must be an integer, enabled a boolean "
		    "and cadence a string");
	if (iv < 1 || iv > CV_WF_MINUTES_MAX)
		return cv_fail_field(req, CV_EINVAL, "schedule", "schedule "
		    "interval_minutes must be 1..%d", CV_WF_MINUTES_MAX);
	cv_wf_window(now, (int)iv, &ws, &we);
	o = json_object_new_object();
	cv_json_add_int(o, "interval_minutes", iv);
	cv_json_add_bool(o, "enabled", en);
	cv_json_add_str(o, "cadence", cad != NULL ? cad : cv_arena_printf(
	    req->arena, "every_%d_minutes", (int)iv));
	cv_wf_ts(b, sizeof(b), ws, 0);
	cv_json_add_str(o, "window_start", b);
	cv_wf_ts(b, sizeof(b), we, 0);
	cv_json_add_str(o, "window_end", b);
	*out = o;
	return CV_OK;
}

/*
 * The execution record of one live redelivery (§5.2 EXECUTION).  New.
 */
static struct json_object *
execution(struct cv_req *req, const struct cv_wf_chain *c,
    struct json_object *run, struct json_object *d, struct json_object *gate,
    struct json_object *plan, struct json_object *rcd, const char *skipped,
    const char *now, const char *by)
{
	struct json_object	*m, *x, *refs, *rec;
	const char		*status, *hash, *id, *rcd_id;
	int64_t			 counts[3] = { 1, 0, 0 };
	int			 ok;

	ok = rcd != NULL && json_object_get_boolean(json_object_object_get(
	    rcd, "delivery_success"));
	status = *skipped != '\0' ? "skipped" : ok ? "delivered" : "failed";
	rcd_id = rcd != NULL ? cv_json_str_or(rcd, "session_id", "") : "";
	m = json_object_new_object();
	cv_json_add_str(m, "run_id", cv_json_str_or(run, "run_id", ""));
	cv_json_add_str(m, "delivery_id", cv_json_str_or(d, "delivery_id",
	    ""));
	cv_json_add_str(m, "audit_id", cv_json_str_or(d, "audit_id", ""));
	cv_json_add_str(m, "retry_plan_id", cv_json_str_or(run,
	    "retry_plan_id", ""));
	cv_json_add_str(m, "provider", cv_json_str_or(d, "provider", ""));
	cv_json_add_str(m, "delivery_metadata_id", rcd_id);
	cv_json_add_str(m, "execution_status", status);
	cv_json_add_str(m, "executed_at", now);
	cv_json_add_str(m, "approval_decision_id", gate != NULL ?
	    cv_json_str_or(gate, "session_id", "") : "");
	id = cv_wf_id(req->arena, c->exec.prefix, m, &hash);
	x = m;
	cv_json_add_str(x, "schema_version", c->exec.schema);
	cv_json_add_str(x, "execution_id", id);
	cv_json_add_str(x, "execution_hash", hash);
	cv_json_add_str(x, "executed_by", by);
	cv_json_add_str(x, "latest_delivery_id", cv_json_str_or(d,
	    "latest_delivery_id", ""));
	cv_json_add_str(x, "skipped", skipped);
	cv_json_add_bool(x, "delivery_success", ok);
	cv_json_add_str(x, "delivery_plan_id", plan != NULL ?
	    cv_json_str_or(plan, "delivery_id", "") : "");
	json_object_object_add(x, "selected_providers", plan != NULL ?
	    json_object_get(json_object_object_get(plan,
	    "selected_providers")) : json_object_new_array());
	refs = json_object_new_array();
	json_object_array_add(refs, json_object_new_string(cv_arena_printf(
	    req->arena, "%s://%s", c->exec_ref, cv_json_str_or(run, "run_id",
	    ""))));
	if (gate != NULL)
		json_object_array_add(refs, json_object_new_string(
		    cv_arena_printf(req->arena, "go-rollback-drill-retry-"
		    "approval://%s", cv_json_str_or(gate, "session_id", ""))));
	if (*cv_json_str_or(d, "delivery_id", "") != '\0')
		json_object_array_add(refs, json_object_new_string(
		    cv_arena_printf(req->arena, "go-rollback-drill-audit-"
		    "delivery://%s", cv_json_str_or(d, "delivery_id", ""))));
	if (*rcd_id != '\0')
		json_object_array_add(refs, json_object_new_string(
		    cv_arena_printf(req->arena, "connector-delivery://%s",
		    rcd_id)));
	json_object_object_add(x, "public_evidence_refs", refs);
	counts[1] = strcmp(status, "delivered") == 0 ? 0 : 1;
	rec = cv_wf_record_new(&c->exec, x, now, by, counts, exec_index);
	json_object_put(x);
	return rec;
}

/* Stores rec (consumed) in its own transaction; CV_OK or the problem. */
static enum cv_err
store_take(struct cv_req *req, struct cv_db *db, struct json_object *rec)
{
	enum cv_err	 rc;

	rc = rec != NULL ? store_put(req, db, rec) : CV_OK;
	json_object_put(rec);
	return rc;
}

/*
 * WORKER (POST) of C1: a fresh retry plan (stored on every call), its
 * retry decisions selected (live runs: only those with an approved
 * retry-execution decision), at most max_retry_deliveries (1..25,
 * default 5).  Dry run unless execute=true (or dry_run=false).  Each
 * selected decision whose audit package exists gets a new delivery plan
 * (cadence "retry", stored even when dry); a live run with a connector
 * config redelivers the package to the decision's provider and stores
 * the delivery record and an execution record.  The run is stored.
 */
static enum cv_err
h_worker(struct cv_req *req, struct cv_resp *resp)
{
	const struct step	*st = req->route->data;
	const struct cv_wf_chain *c = st->chain;
	const struct cv_actor	*actor;
	struct json_object	*rcds = NULL, *gates = NULL, *plan = NULL,
				*prec = NULL, *sched = NULL, *sel = NULL,
				*fol = NULL, *run = NULL, *rrec = NULL,
				*results = NULL, *m, *pol, *d, *pk, *dplan,
				*res, *rcd, *gate, *links, *item, *x, *o, *summ;
	struct cv_wf_policy	 p;
	struct cv_store		*s;
	struct cv_db		*db;
	const char		*by, *skipped, *run_id;
	char			 now[CV_WF_TS_LEN], err[256];
	int64_t			 max = CV_WF_REDELIVERIES_DEFAULT, counts[3];
	int			 dry, exe = 0, pending, retries;
	double			 timeout;
	size_t			 i;
	time_t			 t;
	enum cv_err		 rc;

	if ((rc = cv_auth_actor(req, req->json, &actor)) != CV_OK ||
	    (rc = generated_by(req, actor, &by)) != CV_OK ||
	    (rc = cv_connector_opts(req, req->json, &retries, &timeout)) !=
	    CV_OK)
		return rc;
	if (cv_json_bool(req->json, "execute", &exe) == CV_JGET_TYPE ||
	    cv_json_bool(req->json, "dry_run", &dry) == CV_JGET_TYPE)
		return cv_fail(req, CV_EINVAL, "execute and dry_run must be "
		    "booleans");
	if (cv_json_bool(req->json, "dry_run", &dry) != CV_JGET_OK)
		dry = !exe;
	if (cv_json_int(req->json, "max_retry_deliveries", &max) ==
	    CV_JGET_TYPE)
		return cv_fail_field(req, CV_EINVAL, "max_retry_deliveries",
		    "max_retry_deliveries must be an integer");
	max = max < 1 ? 1 : max > CV_WF_REDELIVERIES_MAX ?
	    CV_WF_REDELIVERIES_MAX : max;
	if (cv_json_obj(req->json, "retry_policy", &pol) == CV_JGET_TYPE)
		return cv_fail_field(req, CV_EINVAL, "retry_policy",
		    "retry_policy must be an object");
	if (cv_wf_policy_read(c, pol, &p, err, sizeof(err)) != CV_OK)
		return cv_fail(req, CV_EINVAL, "%s", err);
	t = now_ts(now, sizeof(now));
	if ((rc = worker_schedule(req, c, t, &sched)) != CV_OK)
		return rc;
	if ((rc = cv_rs_db(req, &cv_store_evidence, &db)) != CV_OK)
		goto out;
	if ((rc = cv_db_read(db, &s)) != CV_OK) {
		rc = cv_rs_store_fail(req, &cv_store_evidence, rc);
		goto out;
	}
	if ((rc = load_kind(req, s, CV_WF_RCD_KIND, &rcds)) == CV_OK &&
	    c->gate != NULL)
		rc = load_kind(req, s, c->gate->kind, &gates);
	cv_db_read_end(db, s);
	if (rc != CV_OK)
		goto out;
	plan = cv_wf_retry_plan(req->arena, c, rcds, &p, t, by);
	counts[0] = json_object_get_int64(json_object_object_get(plan,
	    "decision_count"));
	counts[1] = json_object_get_int64(json_object_object_get(plan,
	    "suppressed_count"));
	counts[2] = json_object_get_int64(json_object_object_get(plan,
	    "retryable_count"));
	prec = cv_wf_record_new(&c->retry, plan, now, by, counts,
	    retry_index);
	if ((rc = store_put(req, db, prec)) != CV_OK)
		goto out;
	cv_wf_select(c, plan, gates, dry, (int)max, &sel, &fol, &pending);
	m = json_object_new_object();
	json_object_object_add(m, "window_start", json_object_get(
	    json_object_object_get(sched, "window_start")));
	cv_json_add_str(m, "generated_by", by);
	cv_json_add_bool(m, "dry_run", dry);
	cv_json_add_str(m, "retry_plan_id", cv_json_str_or(plan,
	    "retry_plan_id", ""));
	json_object_object_add(m, "selected", json_object_get(sel));
	run_id = cv_wf_id(req->arena, c->worker.prefix, m, NULL);
	json_object_put(m);
	run = json_object_new_object();
	cv_json_add_str(run, "schema_version", c->worker.schema);
	cv_json_add_str(run, "run_id", run_id);
	cv_json_add_str(run, "generated_at", now);
	cv_json_add_str(run, "generated_by", by);
	cv_json_add_bool(run, "dry_run", dry);
	cv_json_add_bool(run, "execute", !dry);
	json_object_object_add(run, "schedule", json_object_get(sched));
	cv_json_add_str(run, "retry_plan_id", cv_json_str_or(plan,
	    "retry_plan_id", ""));
	json_object_object_add(run, "retryable_count", json_object_get(
	    json_object_object_get(plan, "retryable_count")));
	cv_json_add_int(run, "selected_retry_count", (int64_t)
	    json_object_array_length(sel));
	results = json_object_new_array();
	for (i = 0; i < json_object_array_length(sel); i++) {
		d = json_object_array_get_idx(sel, i);
		pk = dplan = res = rcd = NULL;
		gate = dry || c->gate == NULL ? NULL :
		    cv_wf_gate_match(c->gate, gates, d);
		skipped = "";
		if ((rc = cv_db_read(db, &s)) != CV_OK) {
			rc = cv_rs_store_fail(req, &cv_store_evidence, rc);
			goto out;
		}
		rc = cv_store_get(s, 0, cv_json_str_or(d, "audit_id", ""), &pk);
		cv_db_read_end(db, s);
		if (rc == CV_OK && strcmp(cv_json_str_or(pk, "metadata_kind",
		    ""), c1_package.kind) != 0) {
			json_object_put(pk);
			pk = NULL;
		} else if (rc != CV_OK && rc != CV_ENOENT) {
			rc = cv_rs_store_fail(req, &cv_store_evidence, rc);
			goto out;
		}
		rc = CV_OK;
		if (pk == NULL)
			skipped = "audit_package_not_found";
		else {
			x = json_object_object_get(pk, c1_package.payload_key);
			dplan = delivery_plan(req, x, cv_json_str_or(d,
			    "provider", ""), "retry", cv_arena_printf(
			    req->arena, "retry:%s", run_id), "", now, by);
			if ((rc = store_take(req, db, dplan_record(dplan))) !=
			    CV_OK)
				goto item_out;
			if (dry)
				skipped = "dry_run";
			else if (!cv_connector_configured())
				skipped = "connector_config_not_configured";
			else {
				o = delivery_event(x, dplan);
				links = json_object_new_object();
				cv_json_add_str(links, "audit_id",
				    cv_json_str_or(x, "audit_id", ""));
				cv_json_add_str(links, "delivery_id",
				    cv_json_str_or(dplan, "delivery_id", ""));
				cv_json_add_str(links, "retry_plan_id",
				    cv_json_str_or(plan, "retry_plan_id", ""));
				cv_json_add_str(links, "worker_run_id", run_id);
				rc = deliver_plan(req, o, dplan, retries,
				    timeout, links, &res, &rcd);
				json_object_put(o);
				json_object_put(links);
				if (rc != CV_OK)
					goto item_out;
				if (rcd == NULL)
					skipped = "provider_not_configured";
				else if ((rc = store_put(req, db, rcd)) !=
				    CV_OK)
					goto item_out;
			}
		}
		item = json_object_new_object();
		json_object_object_add(item, "decision", json_object_get(d));
		json_object_object_add(item, "delivery_plan",
		    json_object_get(dplan));
		json_object_object_add(item, "delivery", json_object_get(res));
		json_object_object_add(item, "delivery_metadata",
		    json_object_get(rcd));
		cv_json_add_str(item, "skipped", skipped);
		if (!dry) {
			x = execution(req, c, run, d, gate, dplan, rcd, skipped,
			    now, by);
			rc = store_put(req, db, x);
			json_object_object_add(item, "execution_record",
			    json_object_get(json_object_object_get(x,
			    c->exec.payload_key)));
			json_object_object_add(item, "execution_metadata", x);
		}
		json_object_array_add(results, item);
item_out:
		json_object_put(pk);
		json_object_put(dplan);
		json_object_put(res);
		json_object_put(rcd);
		if (rc != CV_OK)
			goto out;
	}
	summ = json_object_new_object();
	cv_json_add_int(summ, "retry_plan_count", 1);
	json_object_object_add(summ, "retryable_count", json_object_get(
	    json_object_object_get(plan, "retryable_count")));
	json_object_object_add(summ, "waiting_retry_count", json_object_get(
	    json_object_object_get(plan, "waiting_count")));
	json_object_object_add(summ, "suppressed_retry_count", json_object_get(
	    json_object_object_get(plan, "suppressed_count")));
	cv_json_add_int(summ, "selected_retry_count", (int64_t)
	    json_object_array_length(sel));
	if (c->gate != NULL)
		cv_json_add_int(summ, c->gate->pending_count, pending);
	cv_json_add_int(summ, "follow_up_action_count", (int64_t)
	    json_object_array_length(fol));
	json_object_object_add(run, "summary", summ);
	json_object_object_add(run, "follow_up_actions", json_object_get(fol));
	json_object_object_add(run, "selected_retries", json_object_get(sel));
	counts[0] = (int64_t)json_object_array_length(fol);
	counts[1] = json_object_get_int64(json_object_object_get(plan,
	    "suppressed_count"));
	counts[2] = (int64_t)json_object_array_length(sel);
	rrec = cv_wf_record_new(&c->worker, run, now, by, counts, run_index);
	if ((rc = store_put(req, db, rrec)) != CV_OK)
		goto out;
	o = json_object_new_object();
	json_object_object_add(o, "run", run);
	json_object_object_add(o, "metadata", rrec);
	json_object_object_add(o, "retry_metadata", prec);
	json_object_object_add(o, "retry_results", results);
	json_object_object_add(o, "actor", actor != NULL ?
	    cv_actor_json(actor) : NULL);
	cv_resp_json(resp, 200, o);
	run = rrec = prec = results = NULL;
out:
	json_object_put(rcds);
	json_object_put(gates);
	json_object_put(plan);
	json_object_put(prec);
	json_object_put(sched);
	json_object_put(sel);
	json_object_put(fol);
	json_object_put(run);
	json_object_put(rrec);
	json_object_put(results);
	return rc;
}

/* ---- the route table ------------------------------------------------ */

static const struct step s_c1_retry_plan = {
	.type = STEP_RETRY_PLAN, .chain = &c1, .kind = &c1.retry,
	.out_key = "retry_plan",
};
static const struct step s_c1_retry_ack = {
	.type = STEP_ACK, .chain = &c1, .kind = &c1_retry_ack,
	.out_key = "acknowledgement", .vocab = &retry_ack_vocab,
	.parent_param = "retry_plan_id", .parent_kind = "gbrd-aad-retry-plan",
	.parent_what = "retry plan", .extra = retry_ack_extra,
	.index = ack_index, .by_field = "acknowledged_by",
	.at_field = "acknowledged_at",
};
static const struct step s_c1_approval_plan = {
	.type = STEP_APPROVAL_PLAN, .chain = &c1, .kind = &c1_approval_plan,
	.out_key = "approval_plan",
};
static const struct step s_c1_decision = {
	.type = STEP_ACK, .chain = &c1, .kind = &c1_approval_decision,
	.out_key = "decision", .vocab = &approval_vocab,
	.parent_param = "approval_plan_id",
	.parent_kind = "gbrd-aad-retry-execution-approval-plan",
	.parent_what = "retry execution approval plan",
	.extra = decision_extra, .index = decision_index,
	.by_field = "decided_by", .by_alt = "approved_by",
	.at_field = "decided_at", .block_undone = 1,
};
static const struct step s_c1_package = {
	.type = STEP_AUDIT_PACKAGE, .chain = &c1, .kind = &c1_package,
	.out_key = "acknowledgement_audit_package",
};
static const struct step s_c1_deliver = {
	.type = STEP_DELIVER, .chain = &c1, .kind = &c1_delivery_plan,
};
static const struct step s_c1_worker = {
	.type = STEP_WORKER, .chain = &c1, .kind = &c1.worker,
};
static const struct step s_c1_runs = {
	.type = STEP_HISTORY, .chain = &c1, .kind = &c1.worker,
	.schema = GO_SCHEMA(AAD "worker-history"),
};
static const struct step s_c1_dashboard = {
	.type = STEP_DASHBOARD, .chain = &c1, .kind = &c1.worker,
	.schema = GO_SCHEMA(AAD "worker-dashboard"),
};
static const struct step s_c1_health = {
	.type = STEP_HEALTH, .chain = &c1, .kind = &c1.worker,
	.schema = GO_SCHEMA(AAD "worker-health"),
	.health_prefix = "gordackhealth",
};

static const struct cv_qparam p_history[] = {
	{ "dry_run", CV_P_BOOL, 0, NULL, "only dry runs (true) or live runs "
	    "(false)" },
	{ "limit", CV_P_INT, 0, NULL, "page size (default 50, 1..500)" },
	{ "offset", CV_P_INT, 0, NULL, "records skipped" },
	{ NULL }
};
static const struct cv_qparam p_health[] = {
	{ "expected_interval_minutes", CV_P_INT, 0, NULL, "expected worker "
	    "interval (default 30)" },
	{ "stale_metadata_minutes", CV_P_INT, 0, NULL, "retry plan age "
	    "counted as stale (default 120)" },
	{ NULL }
};

static const cv_handler handlers[] = {
	[STEP_RETRY_PLAN] = h_retry_plan,
	[STEP_ACK] = h_ack,
	[STEP_HISTORY] = h_history,
	[STEP_DASHBOARD] = h_dashboard,
	[STEP_HEALTH] = h_health,
	[STEP_APPROVAL_PLAN] = h_approval_plan,
	[STEP_AUDIT_PACKAGE] = h_audit_package,
	[STEP_DELIVER] = h_deliver,
	[STEP_WORKER] = h_worker,
};

const struct cv_route rt_c1_routes[] = {
	{ CV_POST, "/runtime/go-pilot/rollback-drill-notifications/"
	    "acknowledgements/audit-package", h_audit_package,
	    CV_BODY_JSON | CV_BODY_OPT, "Build and store the drill "
	    "acknowledgement audit package", &s_c1_package,
	    .right = CV_RIGHT_OPERATE },
	{ CV_POST, AD, h_deliver, CV_BODY_JSON | CV_BODY_OPT, "Deliver the "
	    "acknowledgement audit package through the connectors",
	    &s_c1_deliver, .right = CV_RIGHT_OPERATE },
	{ CV_POST, AD "/worker-run", h_worker, CV_BODY_JSON | CV_BODY_OPT,
	    "One pass of the audit delivery retry worker (dry run unless "
	    "execute is true)", &s_c1_worker, .right = CV_RIGHT_OPERATE },
	{ CV_POST, AD "/retry-plan", h_retry_plan, CV_BODY_JSON | CV_BODY_OPT,
	    "Plan retries of failed acknowledgement audit deliveries",
	    &s_c1_retry_plan, .right = CV_RIGHT_OPERATE },
	{ CV_POST, AD "/retry-plans/{retry_plan_id}/acknowledgements", h_ack,
	    CV_BODY_JSON, "Acknowledge a stored audit delivery retry plan",
	    &s_c1_retry_ack, .right = CV_RIGHT_OPERATE },
	{ CV_POST, AD "/retry-execution-approval-plan", h_approval_plan,
	    CV_BODY_JSON | CV_BODY_OPT, "Plan approvals of live audit "
	    "delivery retries", &s_c1_approval_plan,
	    .right = CV_RIGHT_OPERATE },
	{ CV_POST, AD "/retry-execution-approval-plans/{approval_plan_id}/"
	    "decisions", h_ack, CV_BODY_JSON, "Decide on a stored retry "
	    "execution approval plan", &s_c1_decision,
	    .right = CV_RIGHT_OPERATE },
	{ CV_GET, AD "/worker-runs", h_history, 0,
	    "Audit delivery retry worker runs, newest first", &s_c1_runs,
	    p_history },
	{ CV_GET, AD "/worker-dashboard", h_dashboard, 0,
	    "Counts of audit delivery retry worker runs", &s_c1_dashboard },
	{ CV_GET, AD "/worker-health", h_health, 0,
	    "Health of the audit delivery retry worker (not stored)",
	    &s_c1_health, p_health },
};

const size_t rt_c1_nroutes = nitems(rt_c1_routes);

static const struct cv_route_set sets[] = {
	{ rt_c1_routes, &rt_c1_nroutes },
	{ rt_alert_routes, &rt_alert_nroutes },
	{ rt_c0_routes, &rt_c0_nroutes },
	{ rt_recovery_routes, &rt_recovery_nroutes },
	{ rt_final_routes, &rt_final_nroutes },
	{ NULL, NULL }
};

static const struct cv_store_def *const stores[] = {
	&cv_store_evidence, NULL
};

/* At start: every route's handler is its step type's. */
static enum cv_err
init(void)
{
	const struct step	*st;
	size_t			 i;

	for (i = 0; i < rt_c1_nroutes; i++) {
		st = rt_c1_routes[i].data;
		if (rt_c1_routes[i].handler != handlers[st->type]) {
			cv_log("cavra-runtime: route %s has the handler of "
			    "another step type", rt_c1_routes[i].pattern);
			return CV_EINVAL;
		}
	}
	return cv_connector_init();
}

static struct cv_app app = {
	.name = "cavra-runtime",
	.init = init,
	.stores = stores,
};

int
main(int argc, char **argv)
{
	return cv_serve_sets(&app, sets, argc, argv);
}
