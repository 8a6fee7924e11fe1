/*
 * The run steps of the workflow engine (cv_wfstep.h): the retry worker,
 * health, health alert delivery and the alert dashboard, each one
 * function over a chain's data.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "cavra.h"
#include "cv_connector.h"
#include "cv_wfstep.h"
#include "wfstep_int.h"

static const char *const retry_index[] = { "retry_plan_id", "alert_level",
	"retryable_count", "waiting_count", "suppressed_count", NULL };
static const char *const run_index[] = { "run_id", "dry_run",
	"retryable_count", "selected_retry_count", NULL };
static const char *const exec_std_index[] = { "execution_id",
	"execution_hash", "execution_status", "provider", "delivery_success",
	"run_id", "retry_plan_id", NULL };

const char *const cv_wf_alert_plan_index[] = { "plan_id", "health_id",
	"alert_level", "selected_providers", "suppressed_providers",
	"suppressed_provider_count", "acknowledgement_required_providers",
	"suppression_window_minutes", NULL };
const char *const cv_wf_alert_ack_index[] = { "acknowledgement_id",
	"health_id", "plan_id", "provider", "acknowledgement_state",
	"external_ref", NULL };

static const char *const alert_ack_states[] = { "acknowledged", "dismissed",
	"escalated", "resolved", NULL };
static const char *const alert_ack_done[] = { "acknowledged", "resolved",
	NULL };
const struct cv_wf_vocab cv_wf_alert_ack_vocab = {
	"acknowledgement_state", alert_ack_states, "acknowledged",
	alert_ack_done
};

const struct cv_wf_filter cv_wf_alert_filters[] = {
	{ "health_id", CV_WF_EQ, { "health_id", "event_id", "session_id" } },
	{ "provider", CV_WF_HAS, { "provider", "providers",
	    "selected_providers", "suppressed_providers",
	    "failed_providers" } },
	{ "metadata_kind", CV_WF_EQ, { "metadata_kind" } },
	{ "acknowledgement_state", CV_WF_NORM, { "acknowledgement_state" } },
	{ "suppressed", CV_WF_NONZERO, { "suppressed_provider_count" } },
	{ NULL }
};

const struct cv_qparam cv_wf_alert_params[] = {
	{ "health_id", CV_P_STRING, 0, NULL, "records of this health reading" },
	{ "provider", CV_P_STRING, 0, NULL, "records naming this provider" },
	{ "metadata_kind", CV_P_STRING, 0, NULL, "records of this kind" },
	{ "acknowledgement_state", CV_P_STRING, 0, NULL, "acknowledgements in "
	    "this state" },
	{ "suppressed", CV_P_BOOL, 0, NULL, "alert plans that suppressed a "
	    "provider (true) or the other records (false)" },
	{ "limit", CV_P_INT, 0, NULL, "page size (default 50, 1..500)" },
	{ "offset", CV_P_INT, 0, NULL, "records skipped" },
	{ NULL }
};

/* ---- worker --------------------------------------------------------- */

/* The worker's schedule from body.schedule: interval_minutes (or
 * schedule_interval_minutes; default the chain's), enabled, cadence,
 * and the window of now.  New in *out; 400 for wrong types. */
static enum cv_err
worker_schedule(struct cv_wf_ctx *ctx, struct json_object **out)
{
	const struct cv_wf_chain *c = ctx->st->chain;
	struct cv_req		*req = ctx->req;
	struct json_object	*sch = NULL, *o;
	int64_t			 iv = c->worker_interval > 0 ?
				    c->worker_interval : 60;
	const char		*cad = NULL;
	char			 b[CV_WF_TS_LEN];
	time_t			 ws, we;
	int			 en = 1;
	enum cv_err		 rc;

	*out = NULL;
	if ((rc = cv_wf_obj(ctx, "schedule", &sch)) != CV_OK)
		return rc;
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
	cv_wf_window(ctx->t, (int)iv, &ws, &we);
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

/* Appends "<scheme>://<id>" to refs when both are set. */
static void
ref_add(struct cv_arena *a, struct json_object *refs, const char *scheme,
    const char *id)
{
	if (scheme != NULL && id != NULL && *id != '\0')
		json_object_array_add(refs, json_object_new_string(
		    cv_arena_printf(a, "%s://%s", scheme, id)));
}

/*
 * The execution record of one selected decision d of a live run
 * (§5.2 EXECUTION): status skipped, delivered or failed; the chain keys
 * of d, the gate record id, the links the redelivery gave; queued, and
 * the record returned borrowed.
 */
static struct json_object *
execution(struct cv_wf_ctx *ctx, struct json_object *run,
    struct json_object *d, struct json_object *gate, struct json_object *links,
    struct json_object *rcd, const char *skipped)
{
	const struct cv_wf_chain *c = ctx->st->chain;
	const struct cv_wf_worker *w = ctx->st->worker;
	struct cv_arena		*a = ctx->req->arena;
	struct json_object	*m, *refs, *rec, *sel;
	const char		*status, *hash, *id, *rcd_id, *gid;
	const char *const	*k;
	const char		*idx[32];
	size_t			 i, n = 0;
	int			 ok;

	ok = rcd != NULL && json_object_get_boolean(json_object_object_get(
	    rcd, "delivery_success"));
	status = *skipped != '\0' ? "skipped" : ok ? "delivered" : "failed";
	rcd_id = rcd != NULL ? cv_json_str_or(rcd, "session_id", "") : "";
	gid = gate != NULL ? cv_json_str_or(gate, "session_id", "") : "";
	m = json_object_new_object();
	cv_json_add_str(m, "run_id", cv_json_str_or(run, "run_id", ""));
	for (i = 0; i < CV_WF_KEYS_MAX && c->keys[i].field != NULL; i++)
		cv_json_add_str(m, c->keys[i].field, cv_json_str_or(d,
		    c->keys[i].field, ""));
	cv_json_add_str(m, "retry_plan_id", cv_json_str_or(run,
	    "retry_plan_id", ""));
	cv_json_add_str(m, "provider", cv_json_str_or(d, "provider", ""));
	cv_json_add_str(m, "delivery_metadata_id", rcd_id);
	cv_json_add_str(m, "execution_status", status);
	cv_json_add_str(m, "executed_at", ctx->now);
	if (c->gate != NULL && c->gate->id_field != NULL)
		cv_json_add_str(m, c->gate->id_field, gid);
	id = cv_wf_id(a, c->exec.prefix, m, &hash);
	cv_json_add_str(m, "schema_version", c->exec.schema);
	cv_json_add_str(m, "execution_id", id);
	cv_json_add_str(m, "execution_hash", hash);
	cv_json_add_str(m, "executed_by", ctx->by);
	cv_json_add_str(m, "worker_run_id", cv_json_str_or(run, "run_id",
	    ""));
	cv_json_add_str(m, "latest_delivery_id", cv_json_str_or(d,
	    "latest_delivery_id", ""));
	cv_json_add_str(m, "skipped", skipped);
	cv_json_add_bool(m, "delivery_success", ok);
	if (links != NULL) {
		json_object_object_foreach(links, key, val)
			if (!json_object_object_get_ex(m, key, NULL))
				json_object_object_add(m, key,
				    json_object_get(val));
	}
	sel = rcd != NULL ? json_object_object_get(rcd, "providers") : NULL;
	if (sel == NULL) {
		sel = json_object_new_array();
		if (rcd != NULL || *skipped == '\0')
			json_object_array_add(sel, json_object_new_string(
			    cv_json_str_or(d, "provider", "")));
	} else
		json_object_get(sel);
	json_object_object_add(m, "selected_providers", sel);
	refs = json_object_new_array();
	ref_add(a, refs, c->exec_ref, cv_json_str_or(run, "run_id", ""));
	ref_add(a, refs, w->gate_ref, gid);
	if (c->keys[0].field != NULL)
		ref_add(a, refs, w->parent_ref, cv_json_str_or(d,
		    c->keys[0].field, ""));
	ref_add(a, refs, "connector-delivery", rcd_id);
	json_object_object_add(m, "public_evidence_refs", refs);
	for (k = exec_std_index; *k != NULL && n < nitems(idx) - 1; k++)
		idx[n++] = *k;
	for (i = 0; i < CV_WF_KEYS_MAX && c->keys[i].field != NULL &&
	    n < nitems(idx) - 1; i++)
		idx[n++] = c->keys[i].field;
	if (c->gate != NULL && c->gate->id_field != NULL && n < nitems(idx) -
	    1)
		idx[n++] = c->gate->id_field;
	for (k = w->exec_index; k != NULL && *k != NULL && n < nitems(idx) -
	    1; k++)
		idx[n++] = *k;
	idx[n] = NULL;
	rec = cv_wf_keep(ctx, &c->exec, m, 1, strcmp(status, "delivered") ==
	    0 ? 0 : 1, 0, idx);
	json_object_put(m);
	return rec;
}

/* The run object of a pass (without its summary); new. */
static struct json_object *
run_new(struct cv_wf_ctx *ctx, struct json_object *plan,
    struct json_object *sched, struct json_object *sel, int dry,
    const char **run_id)
{
	const struct cv_wf_chain *c = ctx->st->chain;
	struct json_object	*m, *run;

	m = json_object_new_object();
	json_object_object_add(m, "window_start", json_object_get(
	    json_object_object_get(sched, "window_start")));
	cv_json_add_str(m, "generated_by", ctx->by);
	cv_json_add_bool(m, "dry_run", dry);
	cv_json_add_str(m, "retry_plan_id", cv_json_str_or(plan,
	    "retry_plan_id", ""));
	json_object_object_add(m, "selected", json_object_get(sel));
	*run_id = cv_wf_id(ctx->req->arena, c->worker.prefix, m, NULL);
	json_object_put(m);
	run = json_object_new_object();
	cv_json_add_str(run, "schema_version", c->worker.schema);
	cv_json_add_str(run, "run_id", *run_id);
	cv_json_add_str(run, "generated_at", ctx->now);
	cv_json_add_str(run, "generated_by", ctx->by);
	cv_json_add_bool(run, "dry_run", dry);
	cv_json_add_bool(run, "execute", !dry);
	json_object_object_add(run, "schedule", json_object_get(sched));
	cv_json_add_str(run, "retry_plan_id", cv_json_str_or(plan,
	    "retry_plan_id", ""));
	json_object_object_add(run, "retryable_count", json_object_get(
	    json_object_object_get(plan, "retryable_count")));
	cv_json_add_int(run, "selected_retry_count", (int64_t)
	    json_object_array_length(sel));
	return run;
}

/*
 * The generic redelivery of decision d (a cv_wf_redeliver_fn over the
 * worker's parent, parent_field, skip, event and max_param).
 */
static enum cv_err
redeliver_parent(struct cv_wf_ctx *ctx, struct json_object *d,
    struct json_object **parent, struct json_object **event,
    struct json_object **links, const char **skipped)
{
	const struct cv_wf_worker *w = ctx->st->worker;
	struct json_object	*rec = NULL;
	int64_t			 max = 0;
	enum cv_err		 rc;

	*parent = *event = *links = NULL;
	if (w->max_param != NULL) {
		if ((rc = cv_wf_int(ctx, w->max_param, w->max_default,
		    INT64_MIN, INT64_MAX, &max)) != CV_OK)
			return rc;
		if (max < 1)
			max = 1;
		if (w->max_limit > 0 && max > w->max_limit)
			max = w->max_limit;
	}
	rc = cv_wf_get(ctx, cv_json_str_or(d, w->parent_field, ""),
	    w->parent->kind, &rec);
	if (rc == CV_ENOENT) {
		*skipped = w->skip;
		return CV_OK;
	}
	if (rc != CV_OK)
		return rc;
	*parent = json_object_get(cv_wf_payload(rec, w->parent->payload_key));
	json_object_put(rec);
	return w->event(ctx, d, *parent, max, event, links);
}

/*
 * Redelivers selected decision d of run: the chain's redelivery, then
 * (live, configured, parent found) the connector; the result row
 * {decision, parent, delivery, delivery_metadata, skipped,
 * execution_record, execution_metadata} appended to results.
 */
static enum cv_err
redeliver_one(struct cv_wf_ctx *ctx, struct json_object *run,
    struct json_object *plan, struct json_object *d, struct json_object *gates,
    int dry, struct json_object *results)
{
	const struct cv_wf_chain *c = ctx->st->chain;
	const struct cv_wf_worker *w = ctx->st->worker;
	struct json_object	*parent = NULL, *ev = NULL, *links = NULL,
				*res = NULL, *rcd = NULL, *gate, *item, *x;
	const char		*skipped = "", *run_id;
	enum cv_err		 rc;

	run_id = cv_json_str_or(run, "run_id", "");
	gate = dry || c->gate == NULL ? NULL : cv_wf_gate_match(c->gate,
	    gates, d);
	rc = w->redeliver != NULL ? w->redeliver(ctx, d, run_id, &parent,
	    &ev, &links, &skipped) : redeliver_parent(ctx, d, &parent, &ev,
	    &links, &skipped);
	if (rc != CV_OK)
		goto out;
	if (skipped == NULL)
		skipped = "";
	if (*skipped == '\0') {
		if (dry)
			skipped = "dry_run";
		else if (!cv_connector_configured())
			skipped = "connector_config_not_configured";
		else {
			if (links == NULL)
				links = json_object_new_object();
			cv_json_add_str(links, "retry_plan_id", cv_json_str_or(
			    plan, "retry_plan_id", ""));
			cv_json_add_str(links, "worker_run_id", run_id);
			if ((rc = cv_wf_deliver(ctx, ev, cv_json_str_or(d,
			    "provider", ""), c->src, links, &res, &rcd)) !=
			    CV_OK)
				goto out;
		}
	}
	item = json_object_new_object();
	json_object_object_add(item, "decision", json_object_get(d));
	json_object_object_add(item, "parent", json_object_get(parent));
	json_object_object_add(item, "delivery", json_object_get(res));
	json_object_object_add(item, "delivery_metadata",
	    json_object_get(rcd));
	cv_json_add_str(item, "skipped", skipped);
	if (!dry) {
		x = execution(ctx, run, d, gate, links, rcd, skipped);
		json_object_object_add(item, "execution_record",
		    json_object_get(json_object_object_get(x,
		    c->exec.payload_key)));
		json_object_object_add(item, "execution_metadata",
		    json_object_get(x));
	}
	json_object_array_add(results, item);
out:
	json_object_put(parent);
	json_object_put(ev);
	json_object_put(links);
	json_object_put(res);
	return rc;
}

/* WORKER (cv_wf_h_worker). */
static enum cv_err
build_worker(struct cv_wf_ctx *ctx, struct json_object **answer)
{
	const struct cv_wf_chain *c = ctx->st->chain;
	struct json_object	*rcds = NULL, *gates = NULL, *plan = NULL,
				*sched = NULL, *sel = NULL, *fol = NULL,
				*run = NULL, *results = NULL, *pol, *prec,
				*rrec, *summ, *o;
	struct cv_wf_policy	 p;
	const char		*run_id;
	char			 err[256];
	int64_t			 max;
	int			 dry, exe, pending;
	size_t			 i;
	enum cv_err		 rc;

	if ((rc = cv_wf_bool(ctx, "execute", 0, &exe)) != CV_OK ||
	    (rc = cv_wf_bool(ctx, "dry_run", !exe, &dry)) != CV_OK)
		return rc;
	if (cv_json_int(ctx->req->json, "max_retry_deliveries", &max) ==
	    CV_JGET_TYPE)
		return cv_fail_field(ctx->req, CV_EINVAL,
		    "max_retry_deliveries", "max_retry_deliveries must be an "
		    "integer");
	if (cv_json_int(ctx->req->json, "max_retry_deliveries", &max) !=
	    CV_JGET_OK)
		max = CV_WF_REDELIVERIES_DEFAULT;
	max = max < 1 ? 1 : max > CV_WF_REDELIVERIES_MAX ?
	    CV_WF_REDELIVERIES_MAX : max;
	if ((rc = cv_wf_obj(ctx, "retry_policy", &pol)) != CV_OK)
		return rc;
	if (cv_wf_policy_read(c, pol, &p, err, sizeof(err)) != CV_OK)
		return cv_fail(ctx->req, CV_EINVAL, "%s", err);
	if (!dry && ctx->st->worker->live_needs_config &&
	    (rc = cv_wf_need_connector(ctx)) != CV_OK)
		return rc;
	if ((rc = worker_schedule(ctx, &sched)) != CV_OK)
		return rc;
	if ((rc = cv_wf_load(ctx, CV_WF_RCD_KIND, &rcds)) != CV_OK ||
	    (c->gate != NULL && (rc = cv_wf_load(ctx, c->gate->kind,
	    &gates)) != CV_OK))
		goto out;
	plan = cv_wf_retry_plan(ctx->req->arena, c, rcds, &p, ctx->ts,
	    ctx->by);
	prec = cv_wf_keep(ctx, &c->retry, plan, json_object_get_int64(
	    json_object_object_get(plan, "decision_count")),
	    json_object_get_int64(json_object_object_get(plan,
	    "suppressed_count")), json_object_get_int64(
	    json_object_object_get(plan, "retryable_count")), retry_index);
	cv_wf_select(c, plan, gates, dry, (int)max, &sel, &fol, &pending);
	run = run_new(ctx, plan, sched, sel, dry, &run_id);
	results = json_object_new_array();
	for (i = 0; i < json_object_array_length(sel); i++)
		if ((rc = redeliver_one(ctx, run, plan,
		    json_object_array_get_idx(sel, i), gates, dry, results)) !=
		    CV_OK)
			goto out;
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
	rrec = cv_wf_keep(ctx, &c->worker, run, (int64_t)
	    json_object_array_length(fol), json_object_get_int64(
	    json_object_object_get(plan, "suppressed_count")), (int64_t)
	    json_object_array_length(sel), run_index);
	o = cv_wf_answer("run", run, rrec);
	json_object_object_add(o, "retry_metadata", json_object_get(prec));
	json_object_object_add(o, "retry_results", results);
	results = NULL;
	*answer = o;
out:
	json_object_put(rcds);
	json_object_put(gates);
	json_object_put(plan);
	json_object_put(sched);
	json_object_put(sel);
	json_object_put(fol);
	json_object_put(run);
	json_object_put(results);
	return rc;
}

enum cv_err
cv_wf_h_worker(struct cv_req *req, struct cv_resp *resp)
{
	return cv_wf_run(req, resp, build_worker);
}

/* ---- health --------------------------------------------------------- */

enum cv_err
cv_wf_health_worker(struct cv_wf_ctx *ctx, struct json_object **health)
{
	const struct cv_wf_chain *c = ctx->st->chain;
	struct json_object	*runs = NULL, *plans = NULL, *rcds = NULL;
	int64_t			 iv, stale;
	enum cv_err		 rc;

	*health = NULL;
	if ((rc = cv_wf_param_int(ctx, "expected_interval_minutes",
	    c->health_interval > 0 ? c->health_interval : 30, 1,
	    CV_WF_MINUTES_MAX, &iv)) != CV_OK ||
	    (rc = cv_wf_param_int(ctx, "stale_metadata_minutes",
	    c->health_stale > 0 ? c->health_stale : 120, 1, CV_WF_MINUTES_MAX,
	    &stale)) != CV_OK)
		return rc;
	if ((rc = cv_wf_load(ctx, c->worker.kind, &runs)) == CV_OK &&
	    (rc = cv_wf_load(ctx, c->retry.kind, &plans)) == CV_OK &&
	    (rc = cv_wf_load(ctx, CV_WF_RCD_KIND, &rcds)) == CV_OK)
		*health = cv_wf_worker_health(ctx->req->arena, c,
		    ctx->st->health_prefix, runs, plans, rcds, (int)iv,
		    (int)stale, ctx->ts);
	json_object_put(runs);
	json_object_put(plans);
	json_object_put(rcds);
	return rc;
}

/* HEALTH (cv_wf_h_health). */
static enum cv_err
build_health(struct cv_wf_ctx *ctx, struct json_object **answer)
{
	struct json_object	*h = NULL;
	enum cv_err		 rc;

	rc = (ctx->st->health != NULL ? ctx->st->health :
	    cv_wf_health_worker)(ctx, &h);
	if (rc != CV_OK) {
		json_object_put(h);
		return rc;
	}
	if (ctx->st->schema != NULL)
		cv_json_add_str(h, "schema_version", ctx->st->schema);
	if (!json_object_object_get_ex(h, "product", NULL))
		cv_json_add_str(h, "product", CV_PRODUCT);
	*answer = h;
	return CV_OK;
}

enum cv_err
cv_wf_h_health(struct cv_req *req, struct cv_resp *resp)
{
	return cv_wf_run(req, resp, build_health);
}

/* ---- stored health (st->reading) ------------------------------------ */

void
cv_wf_alert_if(struct json_object *alerts, int on, const char *severity,
    const char *category, const char *message)
{
	struct json_object	*o;

	if (!on)
		return;
	o = json_object_new_object();
	cv_json_add_str(o, "severity", severity);
	cv_json_add_str(o, "category", category);
	cv_json_add_str(o, "message", message);
	json_object_array_add(alerts, o);
}

/* Seconds from the created_at of record r to now; -1 when r is NULL,
 * its created_at is not a time or lies ahead. */
static int64_t
age_seconds(struct json_object *r, time_t now)
{
	time_t	 t;

	if (r == NULL || cv_wf_ts_parse(cv_json_str_or(r, "created_at", ""),
	    &t) != 0 || t > now)
		return -1;
	return (int64_t)(now - t);
}

/* Counts what the records of r hold (struct cv_wf_reading). */
static void
reading_count(const struct cv_wf_chain *c, struct cv_wf_reading *r,
    time_t now)
{
	struct json_object	*x, *p, *o;
	const char		*st;
	size_t			 i;
	int			 v;

	for (i = 0; i < json_object_array_length(r->plans); i++)
		r->retryable += json_object_get_int64(json_object_object_get(
		    json_object_array_get_idx(r->plans, i),
		    "retryable_count"));
	for (i = 0; i < json_object_array_length(r->runs); i++) {
		x = json_object_array_get_idx(r->runs, i);
		r->selected += json_object_get_int64(json_object_object_get(x,
		    "selected_retry_count"));
		if (cv_json_bool(x, "dry_run", &v) == CV_JGET_OK)
			*(v ? &r->dry : &r->live) += 1;
		p = cv_wf_payload_or_null(x, c->worker.payload_key);
		if (cv_json_obj(p, "schedule", &o) == CV_JGET_OK &&
		    cv_json_bool(o, "enabled", &v) == CV_JGET_OK && !v)
			r->disabled++;
		if (c->gate != NULL && c->gate->pending_count != NULL &&
		    cv_json_obj(p, "summary", &o) == CV_JGET_OK)
			r->pending += json_object_get_int64(
			    json_object_object_get(o, c->gate->pending_count));
	}
	for (i = 0; i < json_object_array_length(r->execs); i++) {
		st = cv_json_str_or(json_object_array_get_idx(r->execs, i),
		    "execution_status", "");
		if (strcmp(st, "delivered") == 0)
			r->delivered++;
		else if (strcmp(st, "failed") == 0 || strcmp(st, "skipped") ==
		    0)
			r->failed++;
	}
	for (i = 0; i < json_object_array_length(r->rcds); i++) {
		x = json_object_array_get_idx(r->rcds, i);
		if (strcmp(cv_json_str_or(x, "connector_delivery_source", ""),
		    c->src) == 0 && !json_object_get_boolean(
		    json_object_object_get(x, "delivery_success")))
			r->failed_rcd++;
	}
	r->run = json_object_array_length(r->runs) > 0 ?
	    json_object_array_get_idx(r->runs, 0) : NULL;
	r->plan = json_object_array_length(r->plans) > 0 ?
	    json_object_array_get_idx(r->plans, 0) : NULL;
	r->run_age = age_seconds(r->run, now);
	r->plan_age = age_seconds(r->plan, now);
}

/*
 * The reading of ctx->st->chain by ctx->st->reading (cv_wf_health_read)
 * into *h (new); its record queued into *rec (borrowed) when keep, else
 * NULL.  Fails with the problem set.
 */
static enum cv_err
reading_take(struct cv_wf_ctx *ctx, int keep, struct json_object **h,
    struct json_object **rec)
{
	const struct cv_wf_chain *c = ctx->st->chain;
	const struct cv_wf_health *hd = ctx->st->reading;
	struct cv_wf_reading	 r;
	const char		*by;
	int64_t			 n[3];
	enum cv_err		 rc;

	*h = *rec = NULL;
	memset(&r, 0, sizeof(r));
	if ((rc = cv_wf_param_int(ctx, "expected_interval_minutes",
	    c->health_interval, 1, CV_WF_MINUTES_MAX, &r.interval)) != CV_OK ||
	    (rc = cv_wf_param_int(ctx, "stale_metadata_minutes",
	    c->health_stale, 1, CV_WF_MINUTES_MAX, &r.stale)) != CV_OK)
		return rc;
	if (ctx->req->route->method == CV_GET && (by = cv_query(ctx->req,
	    "generated_by")) != NULL && *by != '\0')
		ctx->by = by;
	if ((rc = cv_wf_load(ctx, c->worker.kind, &r.runs)) == CV_OK &&
	    (rc = cv_wf_load(ctx, c->retry.kind, &r.plans)) == CV_OK &&
	    (rc = cv_wf_load(ctx, c->exec.kind, &r.execs)) == CV_OK &&
	    (rc = cv_wf_load(ctx, CV_WF_RCD_KIND, &r.rcds)) == CV_OK) {
		reading_count(c, &r, ctx->t);
		*h = hd->doc(ctx, &r, n);
		if (keep)
			*rec = cv_wf_keep(ctx, hd->kind, *h, n[0], n[1], n[2],
			    hd->index);
	}
	json_object_put(r.runs);
	json_object_put(r.plans);
	json_object_put(r.execs);
	json_object_put(r.rcds);
	return rc;
}

enum cv_err
cv_wf_health_read(struct cv_wf_ctx *ctx, struct json_object **health)
{
	struct json_object	*rec;

	return reading_take(ctx, ctx->st->reading->keep_for_alerts, health,
	    &rec);
}

/* HEALTH of a stored health (cv_wf_h_health_kept). */
static enum cv_err
build_health_kept(struct cv_wf_ctx *ctx, struct json_object **answer)
{
	struct json_object	*h, *rec;
	enum cv_err		 rc;

	if ((rc = reading_take(ctx, 1, &h, &rec)) != CV_OK)
		return rc;
	*answer = cv_wf_answer("health", h, rec);
	json_object_put(h);
	return CV_OK;
}

enum cv_err
cv_wf_h_health_kept(struct cv_req *req, struct cv_resp *resp)
{
	return cv_wf_run(req, resp, build_health_kept);
}

/* ---- health alerts -------------------------------------------------- */

struct json_object *
cv_wf_alert_event(struct cv_wf_ctx *ctx, const struct cv_wf_alert *al,
    struct json_object *h, int64_t max)
{
	struct json_object	*ev, *alerts, *some;
	const char		*level;
	size_t			 i, n;

	level = cv_json_str_or(h, "alert_level", "healthy");
	ev = json_object_new_object();
	cv_json_add_str(ev, "schema_version", al->event_schema);
	cv_json_add_str(ev, "product", CV_PRODUCT);
	cv_json_add_str(ev, "event_type", al->event_type);
	cv_json_add_str(ev, "session_id", cv_json_str_or(h, "health_id", ""));
	cv_json_add_str(ev, "health_id", cv_json_str_or(h, "health_id", ""));
	cv_json_add_str(ev, "generated_at", ctx->now);
	cv_json_add_str(ev, "generated_by", ctx->by);
	cv_json_add_str(ev, "alert_level", level);
	cv_json_add_str(ev, "max_severity", strcmp(level, "critical") == 0 ?
	    "high" : strcmp(level, "warning") == 0 ? "medium" : "low");
	alerts = json_object_object_get(h, "alerts");
	n = json_object_array_length(alerts);
	some = json_object_new_array();
	for (i = 0; i < n && (int64_t)i < max; i++)
		json_object_array_add(some, json_object_get(
		    json_object_array_get_idx(alerts, i)));
	json_object_object_add(ev, "alerts", some);
	cv_json_add_int(ev, "alert_count", (int64_t)n);
	cv_json_add_int(ev, "omitted_alert_count", (int64_t)n > max ?
	    (int64_t)n - max : 0);
	return ev;
}

/* The alert event of a health and its plan (§5.2 ALERT_DELIVER); new. */
static struct json_object *
alert_event(struct cv_wf_ctx *ctx, struct json_object *h,
    struct json_object *plan, int64_t max_alerts)
{
	const struct cv_wf_alert *al = ctx->st->alert;
	struct json_object	*ev, *x;

	ev = cv_wf_alert_event(ctx, al, h, max_alerts);
	x = json_object_object_get(h, "recommendations");
	if (x != NULL)
		json_object_object_add(ev, "recommendations",
		    json_object_get(x));
	json_object_object_add(ev, al->plan.payload_key, json_object_get(plan));
	return ev;
}

/* ALERT_DELIVER (cv_wf_h_alert_deliver). */
static enum cv_err
build_alert_deliver(struct cv_wf_ctx *ctx, struct json_object **answer)
{
	const struct cv_wf_alert *al = ctx->st->alert;
	struct json_object	*h = NULL, *rcds = NULL, *plan = NULL,
				*ev = NULL, *links = NULL, *res = NULL,
				*rcd = NULL, *prec, *sel, *o;
	const char		*names[32], *prov;
	int64_t			 win, max_alerts;
	int			 force;
	size_t			 n;
	enum cv_err		 rc;

	if ((rc = cv_wf_need_connector(ctx)) != CV_OK ||
	    (rc = cv_wf_str(ctx, "provider", &prov)) != CV_OK ||
	    (rc = cv_wf_int(ctx, "suppression_window_minutes", 60, 1,
	    CV_WF_MINUTES_MAX, &win)) != CV_OK ||
	    (rc = cv_wf_bool(ctx, "force", 0, &force)) != CV_OK)
		return rc;
	if (cv_json_int(ctx->req->json, "max_alerts", &max_alerts) ==
	    CV_JGET_TYPE)
		return cv_fail_field(ctx->req, CV_EINVAL, "max_alerts",
		    "max_alerts must be an integer");
	if (cv_json_int(ctx->req->json, "max_alerts", &max_alerts) !=
	    CV_JGET_OK)
		max_alerts = CV_WF_ALERTS_DEFAULT;
	max_alerts = max_alerts < 1 ? 1 : max_alerts > CV_WF_ALERTS_MAX ?
	    CV_WF_ALERTS_MAX : max_alerts;
	if ((rc = (ctx->st->health != NULL ? ctx->st->health :
	    cv_wf_health_worker)(ctx, &h)) != CV_OK)
		goto out;
	if ((rc = cv_wf_load(ctx, CV_WF_RCD_KIND, &rcds)) != CV_OK)
		goto out;
	n = cv_connector_names(names, nitems(names) - 1);
	names[n] = NULL;
	plan = cv_wf_alert_plan(ctx->req->arena, al, h, rcds, names, prov !=
	    NULL && *prov != '\0' ? prov : "all", (int)win, force, ctx->ts,
	    ctx->by);
	sel = json_object_object_get(plan, "selected_providers");
	prec = cv_wf_keep(ctx, &al->plan, plan, (int64_t)
	    json_object_array_length(json_object_object_get(plan,
	    "eligible_providers")), json_object_get_int64(
	    json_object_object_get(plan, "suppressed_provider_count")),
	    (int64_t)json_object_array_length(json_object_object_get(plan,
	    "acknowledgement_required_providers")), cv_wf_alert_plan_index);
	ev = alert_event(ctx, h, plan, max_alerts);
	if (json_object_array_length(sel) > 0) {
		links = json_object_new_object();
		cv_json_add_str(links, "health_id", cv_json_str_or(h,
		    "health_id", ""));
		cv_json_add_str(links, "plan_id", cv_json_str_or(plan,
		    "plan_id", ""));
		if ((rc = cv_wf_deliver(ctx, ev, cv_wf_joined(ctx->req->arena,
		    sel), al->src, links, &res, &rcd)) != CV_OK)
			goto out;
	}
	o = json_object_new_object();
	json_object_object_add(o, "health", json_object_get(h));
	json_object_object_add(o, "plan", json_object_get(plan));
	json_object_object_add(o, "delivery", json_object_get(res));
	json_object_object_add(o, "plan_metadata", json_object_get(prec));
	json_object_object_add(o, "metadata", json_object_get(rcd));
	cv_json_add_bool(o, "success", res == NULL ? 1 :
	    json_object_get_boolean(json_object_object_get(res, "success")));
	cv_json_add_str(o, "event_id", cv_json_str_or(h, "health_id", ""));
	*answer = o;
out:
	json_object_put(h);
	json_object_put(rcds);
	json_object_put(plan);
	json_object_put(ev);
	json_object_put(links);
	json_object_put(res);
	return rc;
}

enum cv_err
cv_wf_h_alert_deliver(struct cv_req *req, struct cv_resp *resp)
{
	return cv_wf_run(req, resp, build_alert_deliver);
}

/* Whether acks hold a done acknowledgement of (health_id, provider). */
static int
acked(struct json_object *acks, const char *hid, const char *prov)
{
	struct json_object	*a;
	size_t			 i;

	for (i = 0; i < json_object_array_length(acks); i++) {
		a = json_object_array_get_idx(acks, i);
		if (strcmp(cv_json_str_or(a, "health_id", ""), hid) == 0 &&
		    strcmp(cv_json_str_or(a, "provider", ""), prov) == 0 &&
		    cv_wf_done(&cv_wf_alert_ack_vocab, cv_json_str_or(a,
		    "acknowledgement_state", "")))
			return 1;
	}
	return 0;
}

/* ALERT_DASHBOARD (cv_wf_h_alert_dashboard). */
static enum cv_err
build_alert_dashboard(struct cv_wf_ctx *ctx, struct json_object **answer)
{
	const struct cv_wf_alert *al = ctx->st->alert;
	struct json_object	*plans = NULL, *acks = NULL, *all = NULL,
				*seen, *out, *latest, *p, *r, *req, *o, *x;
	const char		*hid, *prov;
	int64_t			 deliv = 0, failed = 0, supp = 0, selected = 0,
				 outn = 0;
	size_t			 i, j;
	enum cv_err		 rc;

	if ((rc = cv_wf_load(ctx, al->plan.kind, &plans)) != CV_OK ||
	    (rc = cv_wf_load(ctx, al->ack.kind, &acks)) != CV_OK ||
	    (rc = cv_wf_load(ctx, CV_WF_RCD_KIND, &all)) != CV_OK)
		goto out;
	for (i = 0; i < json_object_array_length(all); i++) {
		r = json_object_array_get_idx(all, i);
		if (strcmp(cv_json_str_or(r, "connector_delivery_source", ""),
		    al->src) != 0)
			continue;
		deliv++;
		if (!json_object_get_boolean(json_object_object_get(r,
		    "delivery_success")))
			failed++;
	}
	seen = json_object_new_object();
	out = json_object_new_array();
	for (i = 0; i < json_object_array_length(plans); i++) {
		p = json_object_array_get_idx(plans, i);
		supp += json_object_get_int64(json_object_object_get(p,
		    "suppressed_provider_count"));
		selected += (int64_t)json_object_array_length(
		    json_object_object_get(p, "selected_providers"));
		hid = cv_json_str_or(p, "health_id", "");
		if (json_object_object_get_ex(seen, hid, NULL))
			continue;
		json_object_object_add(seen, hid, NULL);
		req = json_object_object_get(p,
		    "acknowledgement_required_providers");
		for (j = 0; j < json_object_array_length(req); j++) {
			prov = json_object_get_string(
			    json_object_array_get_idx(req, j));
			if (acked(acks, hid, prov))
				continue;
			outn++;
			if (json_object_array_length(out) >=
			    CV_WF_OUTSTANDING_MAX)
				continue;
			x = json_object_new_object();
			cv_json_add_str(x, "health_id", hid);
			cv_json_add_str(x, "plan_id", cv_json_str_or(p,
			    "plan_id", ""));
			cv_json_add_str(x, "provider", prov);
			cv_json_add_str(x, "alert_level", cv_json_str_or(p,
			    "alert_level", ""));
			cv_json_add_str(x, "created_at", cv_json_str_or(p,
			    "created_at", ""));
			json_object_array_add(out, x);
		}
	}
	json_object_put(seen);
	latest = json_object_new_array();
	for (i = 0; i < json_object_array_length(plans) &&
	    json_object_array_length(latest) < CV_WF_LATEST_MAX; i++)
		json_object_array_add(latest, json_object_get(
		    json_object_array_get_idx(plans, i)));
	o = cv_wf_doc(ctx, ctx->st->schema);
	cv_json_add_str(o, "alert_level", failed > 0 || outn > 0 ?
	    "critical" : supp > 0 && !ctx->st->variant ? "warning" :
	    "healthy");
	cv_json_add_int(o, "plan_count", (int64_t)json_object_array_length(
	    plans));
	cv_json_add_int(o, "delivery_count", deliv);
	cv_json_add_int(o, "failed_delivery_count", failed);
	if (ctx->st->variant) {
		cv_json_add_int(o, "delivery_success_count", deliv - failed);
		cv_json_add_int(o, "delivery_failed_count", failed);
		cv_json_add_int(o, "selected_provider_count", selected);
	}
	cv_json_add_int(o, "acknowledgement_count", (int64_t)
	    json_object_array_length(acks));
	cv_json_add_int(o, "outstanding_acknowledgement_count", outn);
	cv_json_add_int(o, "suppressed_provider_count", supp);
	json_object_object_add(o, "outstanding_acknowledgements", out);
	json_object_object_add(o, "latest", latest);
	*answer = o;
out:
	json_object_put(plans);
	json_object_put(acks);
	json_object_put(all);
	return rc;
}

enum cv_err
cv_wf_h_alert_dashboard(struct cv_req *req, struct cv_resp *resp)
{
	return cv_wf_run(req, resp, build_alert_dashboard);
}
