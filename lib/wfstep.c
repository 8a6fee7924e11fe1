/*
 * Workflow steps as route data (cv_wfstep.h): the request context, the
 * loaders and body readers builders use, and the step handlers every
 * workflow responder shares (build, retry plan, acknowledgement,
 * history).
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "cavra.h"
#include "cv_auth.h"
#include "cv_connector.h"
#include "cv_crypto.h"
#include "cv_wfstep.h"
#include "wfstep_int.h"

static const char *const retry_index[] = { "retry_plan_id", "alert_level",
	"retryable_count", "waiting_count", "suppressed_count", NULL };

/* ---- context -------------------------------------------------------- */

/*
 * Sets up ctx for req: the step, the clock, the store, the actor (when
 * st->actor: cv_auth_actor(), which answers 401 when OIDC or RBAC is
 * configured and none is verified) and the acting name.  Fails with
 * the problem set.
 */
enum cv_err
cv_wf_ctx_open(struct cv_wf_ctx *ctx, struct cv_req *req)
{
	struct timespec	 ts;
	const char	*by = NULL, *field;
	enum cv_err	 rc;
	int		 p = 1;

	memset(ctx, 0, sizeof(*ctx));
	ctx->req = req;
	ctx->st = req->route->data;
	ctx->persist = 1;
	clock_gettime(CLOCK_REALTIME, &ts);
	ctx->ts = ts;
	ctx->t = ts.tv_sec;
	cv_wf_ts(ctx->now, sizeof(ctx->now), ts.tv_sec, ts.tv_nsec / 1000);
	if (req->route->method == CV_GET && cv_query(req, "persist") !=
	    NULL) {
		if ((rc = cv_query_bool(req, "persist", 1, &p)) != CV_OK)
			return rc;
		ctx->persist = p;
	}
	if (ctx->st->actor && (rc = cv_auth_actor(req, req->json,
	    &ctx->actor)) != CV_OK)
		return rc;
	field = ctx->st->by_field != NULL ? ctx->st->by_field :
	    "generated_by";
	if (req->json != NULL && (rc = cv_wf_str(ctx, field, &by)) != CV_OK)
		return rc;
	if ((by == NULL || *by == '\0') && ctx->st->by_alt != NULL &&
	    req->json != NULL && (rc = cv_wf_str(ctx, ctx->st->by_alt,
	    &by)) != CV_OK)
		return rc;
	if (ctx->actor != NULL)
		by = ctx->actor->actor;
	ctx->by = by != NULL && *by != '\0' ? by : "console";
	if ((rc = cv_rs_db(req, &cv_store_evidence, &ctx->db)) != CV_OK)
		return rc;
	ctx->queue = json_object_new_array();
	return CV_OK;
}

/* Stores the queued records in one transaction.  Fails with the
 * problem set. */
static enum cv_err
ctx_flush(struct cv_wf_ctx *ctx)
{
	struct cv_store	*s;
	size_t		 i, n;
	enum cv_err	 rc;

	n = json_object_array_length(ctx->queue);
	if (n == 0)
		return CV_OK;
	if ((rc = cv_db_write(ctx->db, &s)) != CV_OK)
		return cv_rs_store_fail(ctx->req, &cv_store_evidence, rc);
	for (i = 0; i < n; i++)
		if ((rc = cv_store_put(s, 0, json_object_array_get_idx(
		    ctx->queue, i))) != CV_OK) {
			cv_db_abort(ctx->db);
			return cv_rs_store_fail(ctx->req, &cv_store_evidence,
			    rc);
		}
	if ((rc = cv_db_commit(ctx->db)) != CV_OK)
		return cv_rs_store_fail(ctx->req, &cv_store_evidence, rc);
	return CV_OK;
}

void
cv_wf_ctx_close(struct cv_wf_ctx *ctx)
{
	json_object_put(ctx->queue);
	ctx->queue = NULL;
}

/*
 * Answers o (consumed) after storing the queue (when ctx.persist), with
 * "actor" added for go family steps.
 */
enum cv_err
cv_wf_ctx_answer(struct cv_wf_ctx *ctx, struct cv_resp *resp,
    struct json_object *o)
{
	enum cv_err	 rc;

	if (ctx->persist && (rc = ctx_flush(ctx)) != CV_OK) {
		json_object_put(o);
		return rc;
	}
	if (ctx->st->actor && json_object_is_type(o, json_type_object))
		json_object_object_add(o, "actor", ctx->actor != NULL ?
		    cv_actor_json(ctx->actor) : NULL);
	cv_resp_json(resp, 200, o);
	return CV_OK;
}

/* ---- loaders -------------------------------------------------------- */

enum cv_err
cv_wf_load(struct cv_wf_ctx *ctx, const char *kind, struct json_object **out)
{
	struct cv_filter	 f = { "metadata_kind", kind };
	struct cv_store		*s;
	enum cv_err		 rc;

	*out = NULL;
	if ((rc = cv_db_read(ctx->db, &s)) != CV_OK)
		return cv_rs_store_fail(ctx->req, &cv_store_evidence, rc);
	rc = cv_store_list(s, 0, &f, 1, SIZE_MAX, 0, out, NULL);
	cv_db_read_end(ctx->db, s);
	if (rc != CV_OK)
		return cv_rs_store_fail(ctx->req, &cv_store_evidence, rc);
	return CV_OK;
}

struct json_object *
cv_wf_payload_or_null(struct json_object *rec, const char *key)
{
	struct json_object	*p;

	return rec != NULL && json_object_object_get_ex(rec, key, &p) &&
	    json_object_is_type(p, json_type_object) ? p : NULL;
}

struct json_object *
cv_wf_payload(struct json_object *rec, const char *key)
{
	struct json_object	*p = cv_wf_payload_or_null(rec, key);

	return p != NULL ? p : rec;
}

enum cv_err
cv_wf_get(struct cv_wf_ctx *ctx, const char *id, const char *kind,
    struct json_object **out)
{
	struct cv_store		*s;
	enum cv_err		 rc;

	*out = NULL;
	if (id == NULL || *id == '\0')
		return CV_ENOENT;
	if ((rc = cv_db_read(ctx->db, &s)) != CV_OK)
		return cv_rs_store_fail(ctx->req, &cv_store_evidence, rc);
	rc = cv_store_get(s, 0, id, out);
	cv_db_read_end(ctx->db, s);
	if (rc == CV_ENOENT)
		return CV_ENOENT;
	if (rc != CV_OK)
		return cv_rs_store_fail(ctx->req, &cv_store_evidence, rc);
	if (kind != NULL && strcmp(cv_json_str_or(*out, "metadata_kind", ""),
	    kind) != 0) {
		json_object_put(*out);
		*out = NULL;
		return CV_ENOENT;
	}
	return CV_OK;
}

void
cv_wf_put(struct cv_wf_ctx *ctx, struct json_object *rec)
{
	const char	*id;
	size_t		 i;

	id = cv_json_str_or(rec, "session_id", "");
	for (i = 0; i < json_object_array_length(ctx->queue); i++)
		if (strcmp(cv_json_str_or(json_object_array_get_idx(
		    ctx->queue, i), "session_id", ""), id) == 0) {
			json_object_array_put_idx(ctx->queue, i, rec);
			return;
		}
	json_object_array_add(ctx->queue, rec);
}

/* ---- body readers --------------------------------------------------- */

enum cv_err
cv_wf_str(struct cv_wf_ctx *ctx, const char *key, const char **out)
{
	*out = NULL;
	if (cv_json_str(ctx->req->json, key, out) == CV_JGET_TYPE)
		return cv_fail_field(ctx->req, CV_EINVAL, key,
		    "%s must be a string", key);
	return CV_OK;
}

enum cv_err
cv_wf_int(struct cv_wf_ctx *ctx, const char *key, int64_t dflt, int64_t min,
    int64_t max, int64_t *out)
{
	*out = dflt;
	if (cv_json_int(ctx->req->json, key, out) == CV_JGET_TYPE)
		return cv_fail_field(ctx->req, CV_EINVAL, key,
		    "%s must be an integer", key);
	if (*out < min || *out > max)
		return cv_fail_field(ctx->req, CV_EINVAL, key,
		    "%s must be %lld..%lld", key, (long long)min,
		    (long long)max);
	return CV_OK;
}

enum cv_err
cv_wf_num(struct cv_wf_ctx *ctx, const char *key, double dflt, double min,
    double max, double *out)
{
	struct json_object	*v;

	*out = dflt;
	if (ctx->req->json == NULL || !json_object_object_get_ex(
	    ctx->req->json, key, &v) || v == NULL)
		return CV_OK;
	if (!json_object_is_type(v, json_type_int) &&
	    !json_object_is_type(v, json_type_double))
		return cv_fail_field(ctx->req, CV_EINVAL, key,
		    "%s must be a number", key);
	*out = json_object_get_double(v);
	if (*out < min || *out > max)
		return cv_fail_field(ctx->req, CV_EINVAL, key,
		    "%s must be %g..%g", key, min, max);
	return CV_OK;
}

enum cv_err
cv_wf_bool(struct cv_wf_ctx *ctx, const char *key, int dflt, int *out)
{
	*out = dflt;
	if (cv_json_bool(ctx->req->json, key, out) == CV_JGET_TYPE)
		return cv_fail_field(ctx->req, CV_EINVAL, key,
		    "%s must be a boolean", key);
	return CV_OK;
}

enum cv_err
cv_wf_obj(struct cv_wf_ctx *ctx, const char *key, struct json_object **out)
{
	*out = NULL;
	if (cv_json_obj(ctx->req->json, key, out) == CV_JGET_TYPE)
		return cv_fail_field(ctx->req, CV_EINVAL, key,
		    "%s must be an object", key);
	return CV_OK;
}

enum cv_err
cv_wf_arr(struct cv_wf_ctx *ctx, const char *key, struct json_object **out)
{
	*out = NULL;
	if (cv_json_arr(ctx->req->json, key, out) == CV_JGET_TYPE)
		return cv_fail_field(ctx->req, CV_EINVAL, key,
		    "%s must be an array", key);
	return CV_OK;
}

enum cv_err
cv_wf_param_int(struct cv_wf_ctx *ctx, const char *key, int64_t dflt,
    int64_t min, int64_t max, int64_t *out)
{
	if (ctx->req->route->method == CV_GET)
		return cv_query_int(ctx->req, key, dflt, min, max, 0, out);
	return cv_wf_int(ctx, key, dflt, min, max, out);
}

enum cv_err
cv_wf_param_bool(struct cv_wf_ctx *ctx, const char *key, int dflt, int *out)
{
	if (ctx->req->route->method == CV_GET)
		return cv_query_bool(ctx->req, key, dflt, out);
	return cv_wf_bool(ctx, key, dflt, out);
}

enum cv_err
cv_wf_param_str(struct cv_wf_ctx *ctx, const char *key, const char **out)
{
	if (ctx->req->route->method == CV_GET) {
		*out = cv_query(ctx->req, key);
		return CV_OK;
	}
	return cv_wf_str(ctx, key, out);
}

/* ---- delivery and records ------------------------------------------- */

enum cv_err
cv_wf_need_connector(struct cv_wf_ctx *ctx)
{
	if (!cv_connector_configured())
		return cv_fail(ctx->req, CV_EINVAL, "connector config is not "
		    "configured");
	return CV_OK;
}

enum cv_err
cv_wf_deliver(struct cv_wf_ctx *ctx, struct json_object *event,
    const char *providers, const char *src, struct json_object *links,
    struct json_object **result, struct json_object **rcd)
{
	char		 err[1024];
	double		 timeout;
	int		 retries;
	enum cv_err	 rc;

	*result = *rcd = NULL;
	if ((rc = cv_wf_need_connector(ctx)) != CV_OK ||
	    (rc = cv_connector_opts(ctx->req, ctx->req->json, &retries,
	    &timeout)) != CV_OK)
		return rc;
	err[0] = '\0';
	if (cv_connector_deliver(ctx->req->arena, event, providers != NULL &&
	    *providers != '\0' ? providers : "all", retries, timeout, result,
	    err, sizeof(err)) != CV_OK)
		return cv_fail(ctx->req, CV_EINVAL, "%s", err);
	*rcd = cv_wf_rcd_new(ctx->req->arena, *result, src);
	if (links != NULL) {
		json_object_object_foreach(links, key, val)
			json_object_object_add(*rcd, key,
			    json_object_get(val));
	}
	cv_wf_put(ctx, *rcd);
	return CV_OK;
}

struct json_object *
cv_wf_keep(struct cv_wf_ctx *ctx, const struct cv_wf_kind *k,
    struct json_object *payload, int64_t decisions, int64_t blocked,
    int64_t approvals, const char *const *index)
{
	struct json_object	*rec;
	int64_t			 counts[3];

	counts[0] = decisions;
	counts[1] = blocked;
	counts[2] = approvals;
	rec = cv_wf_record_new(k, payload, ctx->now, ctx->by, counts, index);
	cv_wf_put(ctx, rec);
	return rec;
}

struct json_object *
cv_wf_answer(const char *key, struct json_object *payload,
    struct json_object *record)
{
	struct json_object	*o = json_object_new_object();

	json_object_object_add(o, key, json_object_get(payload));
	json_object_object_add(o, "metadata", json_object_get(record));
	return o;
}

struct json_object *
cv_wf_doc(struct cv_wf_ctx *ctx, const char *schema)
{
	struct json_object	*o = json_object_new_object();

	if (schema != NULL)
		cv_json_add_str(o, "schema_version", schema);
	cv_json_add_str(o, "product", CV_PRODUCT);
	cv_json_add_str(o, "generated_at", ctx->now);
	return o;
}

const char *
cv_wf_joined(struct cv_arena *a, struct json_object *arr)
{
	const char	*out = "";
	size_t		 i;

	for (i = 0; i < json_object_array_length(arr); i++)
		out = cv_arena_printf(a, "%s%s%s", out, i > 0 ? "," : "",
		    json_object_get_string(json_object_array_get_idx(arr,
		    i)));
	return out;
}

/* "<prefix><sep>" and nhex digits of hex (64 digits). */
static const char *
id_of(struct cv_arena *a, const char *prefix, char sep, int nhex,
    const char *hex)
{
	if (nhex < 1 || nhex > 64)
		nhex = CV_WF_ID_HEX;
	return cv_arena_printf(a, "%s%c%.*s", prefix, sep, nhex, hex);
}

const char *
cv_wf_id_text_n(struct cv_arena *a, const char *prefix, char sep, int nhex,
    const char *text, const char **hash)
{
	const char	*hex;

	hex = cv_sha256_hex(a, text, strlen(text));
	if (hash != NULL)
		*hash = hex;
	return id_of(a, prefix, sep, nhex, hex);
}

const char *
cv_wf_id_n(struct cv_arena *a, const char *prefix, char sep, int nhex,
    struct json_object *material, const char **hash)
{
	const char	*h;

	(void)cv_wf_id(a, prefix, material, &h);
	if (hash != NULL)
		*hash = h;
	return id_of(a, prefix, sep, nhex, h);
}

/* ---- step handlers -------------------------------------------------- */

enum cv_err
cv_wf_run(struct cv_req *req, struct cv_resp *resp, cv_wf_build_fn build)
{
	struct cv_wf_ctx	 ctx;
	struct json_object	*o = NULL;
	enum cv_err		 rc;

	if ((rc = cv_wf_ctx_open(&ctx, req)) == CV_OK &&
	    (rc = (build != NULL ? build : ctx.st->build)(&ctx, &o)) ==
	    CV_OK) {
		rc = cv_wf_ctx_answer(&ctx, resp, o);
		o = NULL;
	}
	json_object_put(o);
	cv_wf_ctx_close(&ctx);
	return rc;
}

enum cv_err
cv_wf_h_build(struct cv_req *req, struct cv_resp *resp)
{
	return cv_wf_run(req, resp, NULL);
}

enum cv_err
cv_wf_retry_keep(struct cv_wf_ctx *ctx, const struct cv_wf_chain *c,
    cv_wf_retry_extra_fn extra, struct json_object **plan,
    struct json_object **rec)
{
	struct json_object	*rcds = NULL, *pol;
	struct cv_wf_policy	 p;
	char			 err[256];
	enum cv_err		 rc;

	*plan = *rec = NULL;
	if ((rc = cv_wf_obj(ctx, "retry_policy", &pol)) != CV_OK)
		return rc;
	if (cv_wf_policy_read(c, pol, &p, err, sizeof(err)) != CV_OK)
		return cv_fail_field(ctx->req, CV_EINVAL, "retry_policy", "%s",
		    err);
	if ((rc = cv_wf_load(ctx, CV_WF_RCD_KIND, &rcds)) != CV_OK)
		return rc;
	*plan = cv_wf_retry_plan(ctx->req->arena, c, rcds, &p, ctx->ts,
	    ctx->by);
	json_object_put(rcds);
	if (extra != NULL && (rc = extra(ctx, *plan)) != CV_OK) {
		json_object_put(*plan);
		*plan = NULL;
		return rc;
	}
	*rec = cv_wf_keep(ctx, &c->retry, *plan, json_object_get_int64(
	    json_object_object_get(*plan, "decision_count")),
	    json_object_get_int64(json_object_object_get(*plan,
	    "suppressed_count")), json_object_get_int64(
	    json_object_object_get(*plan, "retryable_count")), retry_index);
	return CV_OK;
}

/*
 * RETRY_PLAN (POST): the chain's retry plan (cv_wf_retry_keep()).
 * Answers {<out_key>, metadata, actor}.
 */
static enum cv_err
build_retry_plan(struct cv_wf_ctx *ctx, struct json_object **answer)
{
	struct json_object	*plan, *rec;
	enum cv_err		 rc;

	if ((rc = cv_wf_retry_keep(ctx, ctx->st->chain, ctx->st->retry_extra,
	    &plan, &rec)) != CV_OK)
		return rc;
	*answer = cv_wf_answer(ctx->st->out_key != NULL ? ctx->st->out_key :
	    "retry_plan", plan, rec);
	json_object_put(plan);
	return CV_OK;
}

enum cv_err
cv_wf_h_retry_plan(struct cv_req *req, struct cv_resp *resp)
{
	return cv_wf_run(req, resp, build_retry_plan);
}

/*
 * Whether the parent named pid exists: a record of st->parent_kind
 * whose id (or, with st->parent_field, whose field of that name) is
 * pid.  CV_ENOENT with the 404 problem set when not.
 */
static enum cv_err
parent_check(struct cv_wf_ctx *ctx, const char *pid)
{
	const struct cv_wf_step	*st = ctx->st;
	struct json_object	*all = NULL, *r;
	size_t			 i;
	enum cv_err		 rc;
	int			 found = 0;

	if (st->parent_kind == NULL)
		return CV_OK;
	if (st->parent_field == NULL) {
		rc = cv_wf_get(ctx, pid, st->parent_kind, &r);
		json_object_put(r);
		found = rc == CV_OK;
		if (rc != CV_OK && rc != CV_ENOENT)
			return rc;
	} else {
		if ((rc = cv_wf_load(ctx, st->parent_kind, &all)) != CV_OK)
			return rc;
		for (i = 0; !found && i < json_object_array_length(all);
		    i++) {
			r = json_object_array_get_idx(all, i);
			found = strcmp(cv_json_str_or(r, st->parent_field, ""),
			    pid) == 0;
		}
		json_object_put(all);
	}
	if (!found)
		return cv_fail(ctx->req, CV_ENOENT, "%s not found",
		    st->parent_what != NULL ? st->parent_what : "parent");
	return CV_OK;
}

/*
 * ACK / DECIDE (POST .../{parent}/<acts>): provider (unless the step
 * has none: keep_provider 2) and the acting name required, the state
 * one of the step's vocabulary, the parent checked; stored.  Answers
 * {<out_key>, metadata, actor}.
 */
static enum cv_err
build_ack(struct cv_wf_ctx *ctx, struct json_object **answer)
{
	const struct cv_wf_step	*st = ctx->st;
	struct cv_req		*req = ctx->req;
	struct json_object	*ack, *rec;
	const char *const	*k;
	const char		*pid, *prov = NULL, *state, *ref, *notes, *v,
				*id, *by = NULL, *byf;
	char			 err[512];
	enum cv_err		 rc;

	pid = cv_param(req, st->parent_param);
	byf = st->by_field != NULL ? st->by_field : "acknowledged_by";
	if ((st->keep_provider != 2 && (rc = cv_wf_str(ctx, "provider",
	    &prov)) != CV_OK) ||
	    (rc = cv_wf_str(ctx, byf, &by)) != CV_OK ||
	    (rc = cv_wf_str(ctx, st->vocab->field, &state)) != CV_OK ||
	    (rc = cv_wf_str(ctx, "external_ref", &ref)) != CV_OK ||
	    (rc = cv_wf_str(ctx, "notes", &notes)) != CV_OK)
		return rc;
	if ((by == NULL || *by == '\0') && st->by_alt != NULL &&
	    (rc = cv_wf_str(ctx, st->by_alt, &by)) != CV_OK)
		return rc;
	if (ctx->actor != NULL)
		by = ctx->actor->actor;
	if (st->keep_provider != 2 && (prov == NULL || *prov == '\0'))
		return cv_fail_field(req, CV_EINVAL, "provider",
		    "provider is required");
	if (by == NULL || *by == '\0')
		return cv_fail_field(req, CV_EINVAL, byf, "%s is required",
		    byf);
	if (cv_wf_state(req->arena, st->vocab, state, &state, err,
	    sizeof(err)) != CV_OK)
		return cv_fail_field(req, CV_EINVAL, st->vocab->field, "%s",
		    err);
	if (prov != NULL && st->keep_provider == 0)
		prov = cv_wf_norm(req->arena, prov);
	if ((rc = parent_check(ctx, pid)) != CV_OK)
		return rc;
	ctx->by = by;
	id = cv_wf_id_text(req->arena, st->kind->prefix, cv_arena_printf(
	    req->arena, "%s|%s|%s|%s|%s", pid, prov != NULL ? prov : "", state,
	    by, ctx->now));
	ack = json_object_new_object();
	cv_json_add_str(ack, "schema_version", st->kind->schema);
	cv_json_add_str(ack, st->kind->id_field, id);
	cv_json_add_str(ack, st->parent_param, pid);
	for (k = st->extra; k != NULL && *k != NULL; k++) {
		if ((rc = cv_wf_str(ctx, *k, &v)) != CV_OK) {
			json_object_put(ack);
			return rc;
		}
		cv_json_add_str(ack, *k, v != NULL ? v : "");
	}
	if (prov != NULL)
		cv_json_add_str(ack, "provider", prov);
	cv_json_add_str(ack, st->vocab->field, state);
	cv_json_add_str(ack, byf, by);
	cv_json_add_str(ack, st->at_field != NULL ? st->at_field :
	    "acknowledged_at", ctx->now);
	cv_json_add_str(ack, "external_ref", ref != NULL ? ref : "");
	cv_json_add_str(ack, "notes", notes != NULL ? notes : "");
	rec = cv_wf_keep(ctx, st->kind, ack, 1, st->block_undone &&
	    !cv_wf_done(st->vocab, state) ? 1 : 0, 0, st->index);
	*answer = cv_wf_answer(st->out_key != NULL ? st->out_key :
	    "acknowledgement", ack, rec);
	json_object_put(ack);
	return CV_OK;
}

enum cv_err
cv_wf_h_ack(struct cv_req *req, struct cv_resp *resp)
{
	return cv_wf_run(req, resp, build_ack);
}

/* Whether field value v (any JSON) matches the query text q under m. */
static int
match_value(struct cv_arena *a, enum cv_wf_match m, struct json_object *v,
    const char *q, int qb, int64_t qi)
{
	size_t		 i;

	/* A record without the field has nothing: it passes "=false". */
	if (v == NULL)
		return m == CV_WF_NONZERO && !qb;
	switch (m) {
	case CV_WF_HAS:
		if (json_object_is_type(v, json_type_array)) {
			for (i = 0; i < json_object_array_length(v); i++)
				if (match_value(a, CV_WF_EQ,
				    json_object_array_get_idx(v, i), q, qb,
				    qi))
					return 1;
			return 0;
		}
		return match_value(a, CV_WF_EQ, v, q, qb, qi);
	case CV_WF_EQ:
		return json_object_is_type(v, json_type_string) &&
		    strcmp(json_object_get_string(v), q) == 0;
	case CV_WF_NORM:
		return json_object_is_type(v, json_type_string) &&
		    strcmp(cv_wf_norm(a, json_object_get_string(v)),
		    cv_wf_norm(a, q)) == 0;
	case CV_WF_SUB:
		return json_object_is_type(v, json_type_string) &&
		    strstr(json_object_get_string(v), q) != NULL;
	case CV_WF_BOOL:
		return json_object_is_type(v, json_type_boolean) &&
		    json_object_get_boolean(v) == qb;
	case CV_WF_MIN:
		return (json_object_is_type(v, json_type_int) ||
		    json_object_is_type(v, json_type_double)) &&
		    json_object_get_int64(v) >= qi;
	case CV_WF_NONZERO:
		if (json_object_is_type(v, json_type_array))
			return (json_object_array_length(v) > 0) == qb;
		return (json_object_get_int64(v) != 0) == qb;
	}
	return 0;
}

/* Whether record r passes every filter the query names.  Fails (query
 * of the wrong type) with the problem set. */
static enum cv_err
admits(struct cv_req *req, const struct cv_wf_filter *fs,
    struct json_object *r, int *ok)
{
	const struct cv_wf_filter	*f;
	const char *const		*fld;
	const char			*q;
	int64_t				 qi = 0;
	int				 qb = 0, hit, all;
	enum cv_err			 rc;

	*ok = 1;
	for (f = fs; f != NULL && f->param != NULL; f++) {
		if ((q = cv_query(req, f->param)) == NULL)
			continue;
		if ((f->match == CV_WF_BOOL || f->match == CV_WF_NONZERO) &&
		    (rc = cv_query_bool(req,
		    f->param, 0, &qb)) != CV_OK)
			return rc;
		if (f->match == CV_WF_MIN && (rc = cv_query_int(req, f->param,
		    0, INT64_MIN, INT64_MAX, 0, &qi)) != CV_OK)
			return rc;
		/* Any field matches; "=false" of NONZERO wants all empty. */
		all = f->match == CV_WF_NONZERO && !qb;
		hit = all;
		for (fld = f->fields; hit == all && *fld != NULL; fld++)
			hit = match_value(req->arena, f->match,
			    json_object_object_get(r, *fld), q, qb, qi);
		if (!hit) {
			*ok = 0;
			return CV_OK;
		}
	}
	return CV_OK;
}

/* qsort context: the evidence collection order. */
static struct cv_arena *sort_arena;

static int
order_cmp(const void *a, const void *b)
{
	struct json_object *const *x = a, *const *y = b;

	return cv_store_order_cmp(sort_arena, &cv_store_evidence.colls[0],
	    (struct json_object *)*x, (struct json_object *)*y);
}

/*
 * The records of the step's kinds (st->kinds, else st->kind) and the
 * RCDs of its sources, in store order (newest first, id ties); new.
 */
static enum cv_err
load_step_kinds(struct cv_wf_ctx *ctx, struct json_object **out)
{
	const struct cv_wf_step	*st = ctx->st;
	const char *const	*k, *const *src;
	const char		*one[2] = { NULL, NULL };
	struct json_object	*all, *part, *r;
	size_t			 i;
	enum cv_err		 rc;

	*out = NULL;
	all = json_object_new_array();
	one[0] = st->kind != NULL ? st->kind->kind : NULL;
	for (k = st->kinds != NULL ? st->kinds : one; *k != NULL; k++) {
		if ((rc = cv_wf_load(ctx, *k, &part)) != CV_OK)
			goto fail;
		for (i = 0; i < json_object_array_length(part); i++)
			json_object_array_add(all, json_object_get(
			    json_object_array_get_idx(part, i)));
		json_object_put(part);
	}
	if (st->srcs != NULL) {
		if ((rc = cv_wf_load(ctx, CV_WF_RCD_KIND, &part)) != CV_OK)
			goto fail;
		for (i = 0; i < json_object_array_length(part); i++) {
			r = json_object_array_get_idx(part, i);
			for (src = st->srcs; *src != NULL; src++)
				if (strcmp(cv_json_str_or(r,
				    "connector_delivery_source", ""), *src) ==
				    0) {
					json_object_array_add(all,
					    json_object_get(r));
					break;
				}
		}
		json_object_put(part);
	}
	sort_arena = ctx->req->arena;
	json_object_array_sort(all, order_cmp);
	*out = all;
	return CV_OK;
fail:
	json_object_put(all);
	return rc;
}

/*
 * HISTORY (GET): the step's records, filtered, newest first, paged:
 * {schema_version (when the step has one), product, items, total,
 * limit, offset}.
 */
static enum cv_err
build_history(struct cv_wf_ctx *ctx, struct json_object **answer)
{
	struct json_object	*all = NULL, *items, *r, *o;
	size_t			 limit, offset, i, total = 0;
	int			 ok;
	enum cv_err		 rc;

	if ((rc = cv_query_page(ctx->req, &limit, &offset)) != CV_OK)
		return rc;
	if ((rc = load_step_kinds(ctx, &all)) != CV_OK)
		return rc;
	items = json_object_new_array();
	for (i = 0; i < json_object_array_length(all); i++) {
		r = json_object_array_get_idx(all, i);
		if ((rc = admits(ctx->req, ctx->st->filters, r, &ok)) !=
		    CV_OK) {
			json_object_put(items);
			json_object_put(all);
			return rc;
		}
		if (!ok)
			continue;
		if (total++ >= offset && json_object_array_length(items) <
		    limit)
			json_object_array_add(items, json_object_get(r));
	}
	json_object_put(all);
	o = json_object_new_object();
	if (ctx->st->schema != NULL) {
		cv_json_add_str(o, "schema_version", ctx->st->schema);
		cv_json_add_str(o, "product", CV_PRODUCT);
	}
	json_object_object_add(o, "items", items);
	cv_json_add_int(o, "total", (int64_t)total);
	cv_json_add_int(o, "limit", (int64_t)limit);
	cv_json_add_int(o, "offset", (int64_t)offset);
	*answer = o;
	return CV_OK;
}

enum cv_err
cv_wf_h_history(struct cv_req *req, struct cv_resp *resp)
{
	return cv_wf_run(req, resp, build_history);
}
