/*
 * cavra-evidence: release governance (workflows.md 9 rows 2-9, 12-13,
 * 11.1, 13.1).  A signed promotion request (POST /evidence/{id}/
 * promotion-request, fcgi/evidence.c) and its approved approval become a
 * promotion execution; an approved rollback approval turns that into a
 * rollback execution; both give audit events delivered through the
 * connectors (connector delivery records of sources
 * release_governance_promotion and release_governance_rollback).
 * Release channel promotion requests, written by the CLI, are listed and
 * read.
 *
 * Every route is a workflow step (lib/cv_wfstep.h) of the release
 * family: no actor check, ids "<prefix>_" and 12 hex digits.  The
 * execution verifies the request's Ed25519 signature and that the
 * signed payload is the one presented (ev_promo_verify()).
 */
#include "config.h"

#include <stdint.h>
#include <string.h>
#include <time.h>

#include "cavra.h"
#include "cv_approval.h"
#include "cv_crypto.h"
#include "cv_wfstep.h"

#include "artifact.h"
#include "evidence.h"

#define EXEC_SCHEMA	"cavra.go-runtime.endpoint-rollout-promotion-execution.v1"
#define ROLLBACK_SCHEMA	"cavra.go-runtime.endpoint-rollout-rollback-execution.v1"
#define REQUEST_SCHEMA	"cavra.go-runtime.endpoint-rollout-promotion-request.v1"

static const struct cv_wf_kind k_exec = { "rollout-promotion-execution",
	"execution_id", "rpe", "execution", EXEC_SCHEMA };
static const struct cv_wf_kind k_rollback = { "rollout-rollback-execution",
	"rollback_id", "rre", "rollback", ROLLBACK_SCHEMA };
static const struct cv_wf_kind k_channel = {
	"release-channel-promotion-request", "request_id", "rcp", "request",
	NULL };

/* The text of member key (a string, or a scalar's JSON), else dflt when
 * absent; "None" for null, as the reference formats it. */
static const char *
text_of(struct cv_arena *a, struct json_object *o, const char *key,
    const char *dflt)
{
	struct json_object	*v;
	const char		*s;

	if (!json_object_object_get_ex(o, key, &v))
		return dflt;
	s = cv_json_key(a, v);
	return s != NULL ? s : "None";
}

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(json_object_get_string(*(struct json_object *const *)a),
	    json_object_get_string(*(struct json_object *const *)b));
}

/* Member key of o (a list) as sorted strings; new. */
static struct json_object *
sorted_strings(struct cv_arena *a, struct json_object *o, const char *key)
{
	struct json_object	*arr, *out;
	const char		*s;
	size_t			 i;

	out = json_object_new_array();
	if (cv_json_arr(o, key, &arr) != CV_JGET_OK)
		return out;
	for (i = 0; i < json_object_array_length(arr); i++)
		if ((s = cv_json_key(a, json_object_array_get_idx(arr, i))) !=
		    NULL)
			art_push(out, s);
	json_object_array_sort(out, str_cmp);
	return out;
}

/* The approval summary of an execution: who approved, when, why. */
static struct json_object *
approval_summary(const char *id, struct json_object *approval)
{
	struct json_object	*o;

	o = json_object_new_object();
	cv_json_add_str(o, "approval_id", id);
	cv_json_copy_keys(o, approval, "state", "approver_group", "decided_by",
	    "decided_at", "decision_reason", NULL);
	return o;
}

/* A new metadata record envelope: session_id, created_at, signer, zero
 * counts, metadata_kind. */
static struct json_object *
record_new(const char *id, const char *created_at, const char *signer,
    const char *kind)
{
	struct json_object	*r;

	r = json_object_new_object();
	cv_json_add_str(r, "schema_version", "cavra.evidence.metadata.v1");
	cv_json_add_str(r, "product", CV_PRODUCT);
	cv_json_add_str(r, "session_id", id);
	cv_json_add_str(r, "created_at", created_at);
	cv_json_add_str(r, "signer", signer);
	cv_json_add_int(r, "decision_count", 0);
	cv_json_add_int(r, "blocked_count", 0);
	cv_json_add_int(r, "approval_required_count", 0);
	cv_json_add_str(r, "metadata_kind", kind);
	return r;
}

/* {valid, errors [], warnings [], rollout_id, <key>: payload, files [],
 * metadata}: the answer of an execution (new). */
static struct json_object *
exec_answer(const char *rollout, const char *key, struct json_object *payload,
    struct json_object *rec)
{
	struct json_object	*o;

	o = json_object_new_object();
	cv_json_add_bool(o, "valid", 1);
	json_object_object_add(o, "errors", json_object_new_array());
	json_object_object_add(o, "warnings", json_object_new_array());
	cv_json_add_str(o, "rollout_id", rollout);
	json_object_object_add(o, key, json_object_get(payload));
	json_object_object_add(o, "files", json_object_new_array());
	json_object_object_add(o, "metadata", json_object_get(rec));
	return o;
}

/*
 * The record of the route's path parameter (st->parent_param) of kind
 * st->kind into *out (new): 404 "<st->parent_what> not found" when there
 * is none of that kind.  Candidate for lib/wfstep.c: every lookup of
 * the release and endpoint family answers this way.
 */
static enum cv_err
lookup(struct cv_wf_ctx *ctx, struct json_object **out)
{
	const struct cv_wf_step	*st = ctx->st;
	enum cv_err		 rc;

	rc = cv_wf_get(ctx, cv_param(ctx->req, st->parent_param),
	    st->kind->kind, out);
	if (rc == CV_ENOENT)
		return cv_fail(ctx->req, CV_ENOENT, "%s not found",
		    st->parent_what);
	return rc;
}

/* LOOKUP (GET): the stored record itself. */
static enum cv_err
build_lookup(struct cv_wf_ctx *ctx, struct json_object **answer)
{
	return lookup(ctx, answer);
}

/*
 * The payload of a looked-up record (st->kind's payload key) into *out
 * (borrowed from *rec, new): 400 "<what> metadata is missing <key>
 * payload" when it is not an object.
 */
static enum cv_err
lookup_payload(struct cv_wf_ctx *ctx, struct json_object **rec,
    struct json_object **out)
{
	const struct cv_wf_step	*st = ctx->st;
	enum cv_err		 rc;

	*out = NULL;
	if ((rc = lookup(ctx, rec)) != CV_OK)
		return rc;
	if ((*out = cv_json_objv(*rec, st->kind->payload_key)) == NULL)
		return cv_fail(ctx->req, CV_EINVAL, "%s metadata is missing %s "
		    "payload", st->parent_what, st->kind->payload_key);
	return CV_OK;
}

/*
 * The audit event of a promotion execution (cavra.rollout-promotion.
 * audit-event.v1, severity high), or of a rollback execution
 * (cavra.rollout-rollback.audit-event.v1, severity critical): new.  No
 * session_id, so a delivery's event_id is the execution or rollback id.
 */
static struct json_object *
audit_event(struct cv_arena *a, struct json_object *x, int rollback)
{
	struct json_object	*e, *ring, *appr, *refs, *links;
	const char		*id, *rollout, *exec_id, *ts;

	ring = cv_json_objv(x, rollback ? "ring_rollback" : "ring_advancement");
	appr = cv_json_objv(x, "approval");
	rollout = text_of(a, x, "rollout_id", "None");
	id = text_of(a, x, rollback ? "rollback_id" : "execution_id", "None");
	exec_id = rollback ? text_of(a, x, "promotion_execution_id", "None") :
	    id;
	e = json_object_new_object();
	cv_json_add_str(e, "schema_version", rollback ?
	    "cavra.rollout-rollback.audit-event.v1" :
	    "cavra.rollout-promotion.audit-event.v1");
	cv_json_add_str(e, "event_type", rollback ?
	    "cavra.rollout_rollback_execution" :
	    "cavra.rollout_promotion_execution");
	cv_json_add_str(e, "product", CV_PRODUCT);
	ts = cv_json_str_or(x, "created_at", "");
	if (*ts == '\0') {
		ts = cv_arena_alloc(a, CV_WF_TS_LEN);
		cv_wf_ts((char *)ts, CV_WF_TS_LEN, time(NULL), 0);
	}
	cv_json_add_str(e, "timestamp", ts);
	cv_json_add_str(e, "severity", rollback ? "critical" : "high");
	if (rollback) {
		cv_json_copy_keys(e, x, "rollback_id", "promotion_execution_id",
		    NULL);
	} else
		cv_json_copy_keys(e, x, "execution_id", "rollout_id", NULL);
	if (!rollback)
		cv_json_copy_keys(e, x, "request_id", "approval_id", NULL);
	json_object_object_add(e, "approval_state", cv_json_ref(appr, "state"));
	json_object_object_add(e, "change_record",
	    cv_json_ref(x, "change_record"));
	if (rollback) {
		cv_json_copy_keys(e, x, "rollback_status", "rollback_reason",
		    NULL);
	} else
		json_object_object_add(e, "execution_status",
		    cv_json_ref(x, "execution_status"));
	json_object_object_add(e, "environment",
	    cv_json_ref(x, "execution_environment"));
	json_object_object_add(e, "current_ring", cv_json_ref(ring, "from"));
	json_object_object_add(e, "target_ring", cv_json_ref(ring, "to"));
	json_object_object_add(e, "release", cv_json_objv(x,
	    "release") != NULL ?
	    cv_json_ref(x, "release") : json_object_new_object());
	json_object_object_add(e, "deployment_targets",
	    json_object_object_get_ex(x, "deployment_targets", NULL) ?
	    cv_json_ref(x, "deployment_targets") : json_object_new_array());
	refs = json_object_object_get(x, "rollback_evidence_refs");
	json_object_object_add(e, "rollback_evidence_refs", refs != NULL ?
	    json_object_get(refs) : json_object_new_array());
	cv_json_add_int(e, "rollback_reference_count",
	    json_object_is_type(refs, json_type_array) ?
	    (int64_t)json_object_array_length(refs) : 0);
	links = json_object_new_object();
	cv_json_add_str(links, "rollout", cv_arena_printf(a, "rollout://%s",
	    rollout));
	if (!rollback)
		cv_json_add_str(links, "promotion_request", cv_arena_printf(a,
		    "promotion-request://%s", text_of(a, x, "request_id",
		    "None")));
	cv_json_add_str(links, "promotion_execution", cv_arena_printf(a,
	    "promotion-execution://%s", exec_id));
	if (rollback)
		cv_json_add_str(links, "rollback_execution", cv_arena_printf(a,
		    "rollback-execution://%s", id));
	cv_json_add_str(links, "approval", cv_arena_printf(a, "approval://%s",
	    text_of(a, x, "approval_id", "None")));
	cv_json_add_str(links, "change", cv_arena_printf(a, "change://%s",
	    text_of(a, x, "change_record", "unassigned")));
	json_object_object_add(e, "audit_links", links);
	json_object_object_add(e, "controls", json_object_object_get_ex(x,
	    "controls", NULL) ? cv_json_ref(x, "controls") :
	    json_object_new_array());
	json_object_object_add(e, rollback ? "raw_rollback" : "raw_execution",
	    json_object_get(x));
	return e;
}

/* GET /promotion-executions/{execution_id}/audit-export. */
static enum cv_err
build_audit_export(struct cv_wf_ctx *ctx, struct json_object **answer)
{
	struct json_object	*rec = NULL, *x, *o;
	enum cv_err		 rc;

	if ((rc = lookup_payload(ctx, &rec, &x)) == CV_OK) {
		o = json_object_new_object();
		cv_json_add_str(o, "schema_version",
		    "cavra.rollout-promotion.audit-export.v1");
		json_object_object_add(o, "event", audit_event(ctx->req->arena,
		    x, 0));
		*answer = o;
	}
	json_object_put(rec);
	return rc;
}

/* The connector delivery source of a deliver step (its opt). */
struct deliver_opt {
	const char	*src;
	int		 rollback;
};

static const struct deliver_opt d_promotion = {
	"release_governance_promotion", 0 };
static const struct deliver_opt d_rollback = {
	"release_governance_rollback", 1 };

/*
 * DELIVER (E6, E7): the audit event of the execution in the path through
 * the connectors (body provider, default all; retries;
 * timeout_seconds), its delivery record stored.  400 without a
 * connector config, before the lookup (404).  Answers the connector
 * result with "metadata" (the record).
 */
static enum cv_err
build_deliver(struct cv_wf_ctx *ctx, struct json_object **answer)
{
	const struct deliver_opt *d = ctx->st->opt;
	struct json_object	*rec = NULL, *x, *event = NULL, *res, *rcd;
	const char		*prov;
	enum cv_err		 rc;

	if ((rc = cv_wf_need_connector(ctx)) != CV_OK ||
	    (rc = lookup_payload(ctx, &rec, &x)) != CV_OK ||
	    (rc = cv_wf_str(ctx, "provider", &prov)) != CV_OK)
		goto out;
	event = audit_event(ctx->req->arena, x, d->rollback);
	if ((rc = cv_wf_deliver(ctx, event, prov, d->src, NULL, &res,
	    &rcd)) != CV_OK)
		goto out;
	/* The record holds the result: the answer is a new object. */
	*answer = json_object_new_object();
	json_object_object_foreach(res, key, val)
		json_object_object_add(*answer, key, json_object_get(val));
	json_object_object_add(*answer, "metadata", json_object_get(rcd));
	json_object_put(res);
out:
	json_object_put(event);
	json_object_put(rec);
	return rc;
}

/* The approval named by id into *out (new): 404 "approval not found". */
static enum cv_err
approval_of(struct cv_wf_ctx *ctx, const char *id, struct json_object **out)
{
	return cv_approval_get(ctx->req, id, out);
}

/*
 * Checks a promotion request and its approval as workflows.md 11.1
 * lists, appending what fails to errs: schema, signature and signed
 * payload (ev_promo_verify()), the approval bound to this request and
 * rollout, approved, for a promotion, for these rings.
 */
static void
promo_check(struct cv_wf_ctx *ctx, struct json_object *request,
    const char *approval_id, struct json_object *appr,
    struct json_object *errs)
{
	struct cv_arena		*a = ctx->req->arena;
	struct json_object	*dec, *meta, *rapp;
	const char		*why, *rid, *s;

	if (!art_str_is(request, "schema_version", REQUEST_SCHEMA))
		art_push(errs, "promotion request has an invalid "
		    "schema_version");
	if ((why = ev_promo_verify(ctx->req, request)) != NULL)
		art_push(errs, why);
	rapp = cv_json_objv(request, "approval");
	rid = rapp != NULL ? cv_json_str_or(rapp, "approval_id", "") : "";
	if (*rid != '\0' && strcmp(rid, approval_id) != 0)
		art_push(errs, "approval record does not match promotion "
		    "request approval_id");
	if (!art_str_is(appr, "state", "approved"))
		art_push(errs, "rollout promotion execution requires an "
		    "approved approval record");
	if (!art_str_is(appr, "decision_id", cv_arena_printf(a, "%s:decision",
	    text_of(a, request, "request_id", "None"))))
		art_push(errs, "approval decision_id does not match promotion "
		    "request");
	s = cv_json_str_or(request, "rollout_id", "");
	if (!art_str_is(appr, "session_id", s))
		art_push(errs, "approval session_id does not match rollout_id");
	if ((dec = cv_json_objv(appr, "decision")) == NULL) {
		art_push(errs, "approval decision payload is invalid");
		dec = NULL;
	}
	if (dec == NULL || !art_str_is(dec, "action_type",
	    "release_promote_endpoint_rollout"))
		art_push(errs, "approval decision action_type does not "
		    "authorize rollout promotion");
	meta = dec != NULL ? cv_json_objv(dec, "metadata") : NULL;
	if (meta != NULL && cv_json_truthy(json_object_object_get(meta,
	    "target_ring")) && !json_object_equal(json_object_object_get(meta,
	    "target_ring"), json_object_object_get(request, "target_ring")))
		art_push(errs, "approval target ring does not match promotion "
		    "request");
	if (meta != NULL && cv_json_truthy(json_object_object_get(meta,
	    "current_ring")) && !json_object_equal(json_object_object_get(
	    meta, "current_ring"), json_object_object_get(request,
	    "current_ring")))
		art_push(errs, "approval current ring does not match promotion "
		    "request");
}

/*
 * What tells the two executions apart.  A promotion executes a signed
 * promotion request, a rollback a promotion execution: its source,
 * whose id field src_field the payload keeps as src_ref and the audit
 * links as src_link (<src_scheme>://<id>).
 */
struct exec_kind {
	const struct cv_wf_kind	*kind;		/* record kind, id field,
						   payload key, schema */
	const char		*src_field;	/* "request_id" */
	const char		*src_ref;	/* "request_id" */
	const char		*src_link;	/* "promotion_request" */
	const char		*src_scheme;	/* "promotion-request" */
	const char		*env_field;	/* the source's environment,
						   the default */
	const char		*status_field;	/* "execution_status" */
	const char		*reason;	/* default rollback_reason
						   (NULL: none is kept) */
	const char		*ring_key;	/* "ring_advancement" */
	const char *const	*controls;
	const char		*sha_key;	/* SHA-256 of the source */
	const char		*rollout_status;	/* "promoted" */
	const char		*rec_status;	/* record's status field */
};

static const char *const promotion_controls[] = {
	"promotion-request-signature-verified", "approval-state-approved",
	"approval-bound-to-rollout", "ring-advancement-recorded", NULL };
static const char *const rollback_controls[] = {
	"rollback-approval-state-approved",
	"rollback-bound-to-promotion-execution",
	"rollback-evidence-references-present", "ring-rollback-recorded",
	NULL };

static const struct exec_kind e_promotion = {
	&k_exec, "request_id", "request_id", "promotion_request",
	"promotion-request", "environment", "execution_status", NULL,
	"ring_advancement", promotion_controls, "request_sha256", "promoted",
	"promotion_execution_status"
};
static const struct exec_kind e_rollback = {
	&k_rollback, "execution_id", "promotion_execution_id",
	"promotion_execution", "promotion-execution", "execution_environment",
	"rollback_status",
	"Rollback approved from promotion execution audit.", "ring_rollback",
	rollback_controls, "promotion_execution_sha256", "rolled_back",
	"rollback_execution_status"
};

/*
 * The execution of source src (ek) in rollout with the checked approval
 * appr (appr_id): its payload (id "<prefix>_" over "<source id>:
 * <approval id>"; ring, {from, to, previous_rollout_status}, consumed,
 * gets new_rollout_status) and its record with audit_links (rollout,
 * source, approval, change; the payload's evidence_refs are the same
 * references), queued.  env, notes and reason (may be NULL) are the
 * body's.  *answer: exec_answer() (new).
 */
static void
exec_keep(struct cv_wf_ctx *ctx, const struct exec_kind *ek,
    struct json_object *src, const char *rollout, const char *appr_id,
    struct json_object *appr, struct json_object *ring, const char *env,
    const char *notes, const char *reason, struct json_object **answer)
{
	struct cv_arena		*a = ctx->req->arena;
	struct json_object	*x, *rec, *links, *refs;
	const char		*src_id, *id, *canon, *link[4];
	const char		*key[4] = { "rollout", ek->src_link, "approval",
				    "change" };
	size_t			 i;

	src_id = text_of(a, src, ek->src_field, "None");
	id = cv_wf_id_text_n(a, ek->kind->prefix, '_', 12,
	    cv_arena_printf(a, "%s:%s", src_id, appr_id), NULL);
	canon = cv_json_canonical(a, src);
	link[0] = cv_arena_printf(a, "rollout://%s", rollout);
	link[1] = cv_arena_printf(a, "%s://%s", ek->src_scheme, src_id);
	link[2] = cv_arena_printf(a, "approval://%s", appr_id);
	link[3] = cv_arena_printf(a, "change://%s", text_of(a, src,
	    "change_record", "unassigned"));
	links = json_object_new_object();
	refs = json_object_new_array();
	for (i = 0; i < nitems(link); i++) {
		cv_json_add_str(links, key[i], link[i]);
		art_push(refs, link[i]);
	}
	cv_json_add_str(ring, "new_rollout_status", ek->rollout_status);

	x = json_object_new_object();
	cv_json_add_str(x, "schema_version", ek->kind->schema);
	cv_json_add_str(x, "product", CV_PRODUCT);
	cv_json_add_str(x, ek->kind->id_field, id);
	json_object_object_add(x, ek->src_ref, cv_json_ref(src, ek->src_field));
	cv_json_add_str(x, "approval_id", appr_id);
	cv_json_add_str(x, "rollout_id", rollout);
	cv_json_add_str(x, "created_at", ctx->now);
	cv_json_add_str(x, "executed_by", ctx->by);
	json_object_object_add(x, "execution_environment", env != NULL &&
	    *env != '\0' ? json_object_new_string(env) : cv_json_ref(src,
	    ek->env_field));
	cv_json_add_str(x, ek->status_field, "executed");
	if (ek->reason != NULL)
		cv_json_add_str(x, "rollback_reason", reason != NULL ? reason :
		    ek->reason);
	json_object_object_add(x, "change_record",
	    cv_json_ref(src, "change_record"));
	json_object_object_add(x, "release", cv_json_objv(src,
	    "release") != NULL ?
	    cv_json_ref(src, "release") : json_object_new_object());
	json_object_object_add(x, "deployment_targets", sorted_strings(a, src,
	    "deployment_targets"));
	json_object_object_add(x, ek->ring_key, ring);
	json_object_object_add(x, "approval", approval_summary(appr_id,
	    appr));
	cv_json_add_strv(x, "controls", ek->controls);
	cv_json_add_str(x, ek->sha_key, cv_sha256_hex(a, canon,
	    strlen(canon)));
	json_object_object_add(x, "evidence_refs", refs);
	json_object_object_add(x, "rollback_evidence_refs",
	    json_object_object_get_ex(src, "rollback_evidence_refs", NULL) ?
	    cv_json_ref(src, "rollback_evidence_refs") :
	    json_object_new_array());
	if (notes != NULL && *notes != '\0')
		cv_json_add_str(x, "notes", notes);

	rec = record_new(id, ctx->now, ctx->by, ek->kind->kind);
	cv_json_add_str(rec, "rollout_id", rollout);
	cv_json_add_str(rec, "rollout_status", ek->rollout_status);
	cv_json_add_str(rec, ek->rec_status, "executed");
	json_object_object_add(rec, "environment",
	    cv_json_ref(x, "execution_environment"));
	json_object_object_add(rec, "deployment_targets",
	    cv_json_ref(x, "deployment_targets"));
	json_object_object_add(rec, "current_ring", cv_json_ref(ring, "from"));
	json_object_object_add(rec, "target_ring", cv_json_ref(ring, "to"));
	cv_json_add_str(rec, "approval_id", appr_id);
	json_object_object_add(rec, "approval_state",
	    cv_json_ref(appr, "state"));
	json_object_object_add(rec, ek->src_ref, cv_json_ref(x, ek->src_ref));
	cv_json_copy_keys(rec, x, "change_record", "release", "evidence_refs",
	    "rollback_evidence_refs", NULL);
	json_object_object_add(rec, "audit_links", links);
	json_object_object_add(rec, ek->kind->payload_key, x);
	cv_wf_put(ctx, rec);
	*answer = exec_answer(rollout, ek->kind->payload_key, x, rec);
}

/*
 * POST /evidence/{session_id}/promotion-execution: {request* (the signed
 * promotion request of this rollout), approval_id (else the request's),
 * executed_by (console), execution_environment, notes}.  404 without
 * the rollout metadata or the approval; 400 for another kind, a request
 * of another rollout, and a request or approval that does not check
 * (promo_check()).  Stores the rollout-promotion-execution record:
 * execution_id rpe_ over "request_id:approval_id", so the same request
 * and approval give the same record.
 */
static enum cv_err
build_promotion_exec(struct cv_wf_ctx *ctx, struct json_object **answer)
{
	struct json_object	*meta = NULL, *appr = NULL, *errs = NULL;
	struct json_object	*request, *ring, *ra;
	const char		*id, *appr_id, *env, *notes;
	enum cv_err		 rc;

	id = cv_param(ctx->req, "session_id");
	if ((rc = cv_wf_get(ctx, id, NULL, &meta)) == CV_ENOENT)
		rc = cv_fail(ctx->req, CV_ENOENT, "evidence metadata not "
		    "found");
	if (rc != CV_OK)
		goto out;
	if (!art_str_is(meta, "metadata_kind", ART_KIND_ROLLOUT)) {
		rc = cv_fail(ctx->req, CV_EINVAL, "promotion executions "
		    "require managed endpoint rollout metadata");
		goto out;
	}
	if ((rc = cv_wf_obj(ctx, "request", &request)) != CV_OK)
		goto out;
	if (request == NULL) {
		rc = cv_fail(ctx->req, CV_EINVAL, "promotion execution "
		    "requires request payload");
		goto out;
	}
	if (!art_str_is(request, "rollout_id", id)) {
		rc = cv_fail(ctx->req, CV_EINVAL, "promotion request "
		    "rollout_id does not match evidence session");
		goto out;
	}
	if ((rc = cv_wf_str(ctx, "approval_id", &appr_id)) != CV_OK ||
	    (rc = cv_wf_str(ctx, "execution_environment", &env)) != CV_OK ||
	    (rc = cv_wf_str(ctx, "notes", &notes)) != CV_OK)
		goto out;
	if ((appr_id == NULL || *appr_id == '\0') &&
	    (ra = cv_json_objv(request, "approval")) != NULL)
		appr_id = cv_json_str_or(ra, "approval_id", "");
	if (appr_id == NULL || *appr_id == '\0') {
		rc = cv_fail(ctx->req, CV_EINVAL, "promotion execution "
		    "requires approval_id");
		goto out;
	}
	if ((rc = approval_of(ctx, appr_id, &appr)) != CV_OK)
		goto out;
	errs = json_object_new_array();
	promo_check(ctx, request, appr_id, appr, errs);
	if (json_object_array_length(errs) > 0) {
		rc = cv_fail_strings(ctx->req, CV_EINVAL,
		    "rollout promotion execution is invalid", "request", errs);
		goto out;
	}

	ring = json_object_new_object();
	json_object_object_add(ring, "from",
	    cv_json_ref(request, "current_ring"));
	json_object_object_add(ring, "to", cv_json_ref(request, "target_ring"));
	json_object_object_add(ring, "previous_rollout_status",
	    cv_json_ref(request, "rollout_status"));
	exec_keep(ctx, &e_promotion, request, id, appr_id, appr, ring, env,
	    notes, NULL, answer);
out:
	json_object_put(errs);
	json_object_put(appr);
	json_object_put(meta);
	return rc;
}

/*
 * Checks a promotion execution and a rollback approval (11.1): an
 * executed promotion with rollback references, an approved approval of
 * this rollout for a rollback of this execution and ring.
 */
static void
rollback_check(struct json_object *x, struct json_object *appr,
    struct json_object *errs)
{
	struct json_object	*refs, *dec, *meta, *v, *ring;

	if (!art_str_is(x, "schema_version", EXEC_SCHEMA))
		art_push(errs, "promotion execution has an invalid "
		    "schema_version");
	if (!art_str_is(x, "execution_status", "executed"))
		art_push(errs, "rollback execution requires an executed "
		    "promotion record");
	if (cv_json_arr(x, "rollback_evidence_refs", &refs) != CV_JGET_OK ||
	    json_object_array_length(refs) == 0)
		art_push(errs, "rollback execution requires rollback evidence "
		    "references");
	if (!art_str_is(appr, "state", "approved"))
		art_push(errs, "rollout rollback execution requires an "
		    "approved approval record");
	if (!json_object_equal(json_object_object_get(appr, "session_id"),
	    json_object_object_get(x, "rollout_id")))
		art_push(errs, "approval session_id does not match rollout_id");
	if ((dec = cv_json_objv(appr, "decision")) == NULL)
		art_push(errs, "approval decision payload is invalid");
	if (dec == NULL || !art_str_is(dec, "action_type",
	    "release_rollback_endpoint_rollout"))
		art_push(errs, "approval decision action_type does not "
		    "authorize rollout rollback");
	meta = dec != NULL ? cv_json_objv(dec, "metadata") : NULL;
	v = meta != NULL ? json_object_object_get(meta,
	    "promotion_execution_id") : NULL;
	if (cv_json_truthy(v) && !json_object_equal(v,
	    json_object_object_get(x, "execution_id")))
		art_push(errs, "approval promotion_execution_id does not match "
		    "promotion execution");
	v = meta != NULL ? json_object_object_get(meta, "target_ring") : NULL;
	ring = cv_json_objv(x, "ring_advancement");
	if (cv_json_truthy(v) && (ring == NULL || !json_object_equal(v,
	    json_object_object_get(ring, "to"))))
		art_push(errs, "approval target ring does not match promoted "
		    "ring");
}

/*
 * POST /promotion-executions/{execution_id}/rollback-execution:
 * {approval_id* (a rollback approval, opened with POST /approvals),
 * executed_by (console), rollback_reason, execution_environment,
 * notes}.  404 without the execution or the approval; 400 without
 * approval_id or when rollback_check() fails.  Stores the
 * rollout-rollback-execution record (rollback_id rre_ over
 * "execution_id:approval_id").
 */
static enum cv_err
build_rollback(struct cv_wf_ctx *ctx, struct json_object **answer)
{
	struct json_object	*prec = NULL, *appr = NULL, *errs = NULL, *x;
	struct json_object	*ring, *pring;
	const char		*appr_id, *reason, *env, *notes;
	enum cv_err		 rc;

	if ((rc = lookup_payload(ctx, &prec, &x)) != CV_OK ||
	    (rc = cv_wf_str(ctx, "approval_id", &appr_id)) != CV_OK ||
	    (rc = cv_wf_str(ctx, "rollback_reason", &reason)) != CV_OK ||
	    (rc = cv_wf_str(ctx, "execution_environment", &env)) != CV_OK ||
	    (rc = cv_wf_str(ctx, "notes", &notes)) != CV_OK)
		goto out;
	if (appr_id == NULL || *appr_id == '\0') {
		rc = cv_fail(ctx->req, CV_EINVAL, "rollback execution requires "
		    "approval_id");
		goto out;
	}
	if ((rc = approval_of(ctx, appr_id, &appr)) != CV_OK)
		goto out;
	errs = json_object_new_array();
	rollback_check(x, appr, errs);
	if (json_object_array_length(errs) > 0) {
		rc = cv_fail_strings(ctx->req, CV_EINVAL,
		    "rollout rollback execution is invalid", "approval_id",
		    errs);
		goto out;
	}

	pring = cv_json_objv(x, "ring_advancement");
	ring = json_object_new_object();
	json_object_object_add(ring, "from", cv_json_ref(pring, "to"));
	json_object_object_add(ring, "to", cv_json_ref(pring, "from"));
	json_object_object_add(ring, "previous_rollout_status",
	    cv_json_ref(pring, "new_rollout_status"));
	exec_keep(ctx, &e_rollback, x, cv_json_str_or(x, "rollout_id", ""),
	    appr_id, appr, ring, env, notes, reason, answer);
out:
	json_object_put(errs);
	json_object_put(appr);
	json_object_put(prec);
	return rc;
}

/* ---- steps ---------------------------------------------------------- */

static const struct cv_wf_filter f_exec[] = {
	{ "rollout_id", CV_WF_EQ, { "rollout_id" } },
	{ "target_ring", CV_WF_EQ, { "target_ring" } },
	{ "approval_state", CV_WF_EQ, { "approval_state" } },
	{ "deployment_target", CV_WF_HAS, { "deployment_targets" } },
	{ "promotion_execution_status", CV_WF_EQ,
	    { "promotion_execution_status" } },
	{ NULL }
};
static const struct cv_wf_filter f_channel[] = {
	{ "channel", CV_WF_EQ, { "channel" } },
	{ "target_ring", CV_WF_EQ, { "target_ring" } },
	{ "approval_state", CV_WF_EQ, { "approval_state" } },
	{ "approval_id", CV_WF_EQ, { "approval_id" } },
	{ NULL }
};

static const struct cv_wf_step s_exec_post = { .kind = &k_exec,
	.by_field = "executed_by", .build = build_promotion_exec };
static const struct cv_wf_step s_exec_list = { .kind = &k_exec,
	.filters = f_exec, .clamp = 1 };
static const struct cv_wf_step s_exec_get = { .kind = &k_exec,
	.build = build_lookup, .parent_param = "execution_id",
	.parent_what = "promotion execution" };
static const struct cv_wf_step s_exec_audit = { .kind = &k_exec,
	.build = build_audit_export, .parent_param = "execution_id",
	.parent_what = "promotion execution" };
static const struct cv_wf_step s_exec_deliver = { .kind = &k_exec,
	.build = build_deliver, .opt = &d_promotion,
	.parent_param = "execution_id", .parent_what = "promotion execution" };
static const struct cv_wf_step s_rollback_post = { .kind = &k_exec,
	.by_field = "executed_by", .build = build_rollback,
	.parent_param = "execution_id", .parent_what = "promotion execution" };
static const struct cv_wf_step s_rollback_get = { .kind = &k_rollback,
	.build = build_lookup, .parent_param = "rollback_id",
	.parent_what = "rollback execution" };
static const struct cv_wf_step s_rollback_deliver = { .kind = &k_rollback,
	.build = build_deliver, .opt = &d_rollback,
	.parent_param = "execution_id", .parent_what = "rollback execution" };
static const struct cv_wf_step s_channel_list = { .kind = &k_channel,
	.filters = f_channel, .clamp = 1 };
static const struct cv_wf_step s_channel_get = { .kind = &k_channel,
	.build = build_lookup, .parent_param = "request_id",
	.parent_what = "release channel promotion request" };

static const struct cv_qparam p_exec[] = {
	{ "rollout_id", CV_P_STRING, 0, NULL, "executions of this rollout" },
	{ "target_ring", CV_P_STRING, 0, NULL, "executions to this ring" },
	{ "approval_state", CV_P_STRING, 0, NULL,
	    "executions whose approval has this state" },
	{ "deployment_target", CV_P_STRING, 0, NULL,
	    "executions whose deployment_targets hold this" },
	{ "promotion_execution_status", CV_P_STRING, 0, NULL,
	    "executions with this status" },
	CV_QPARAMS_PAGE,
	{ NULL }
};
static const struct cv_qparam p_channel[] = {
	{ "channel", CV_P_STRING, 0, NULL, "requests of this channel" },
	{ "target_ring", CV_P_STRING, 0, NULL, "requests to this ring" },
	{ "approval_state", CV_P_STRING, 0, NULL,
	    "requests whose approval has this state" },
	{ "approval_id", CV_P_STRING, 0, NULL, "requests of this approval" },
	CV_QPARAMS_PAGE,
	{ NULL }
};

#define SCHEMA_EXEC							\
	"{\"type\":\"object\",\"required\":[\"valid\",\"rollout_id\","	\
	"\"metadata\"],\"properties\":{\"valid\":{\"type\":\"boolean\"},"	\
	"\"metadata\":" ART_SCHEMA_META "}}"
#define SCHEMA_AUDIT							\
	"{\"type\":\"object\",\"required\":[\"schema_version\",\"event\"],"	\
	"\"properties\":{\"event\":{\"type\":\"object\",\"required\":"	\
	"[\"schema_version\",\"event_type\",\"execution_id\"]}}}"
#define SCHEMA_DELIVERY							\
	"{\"type\":\"object\",\"required\":[\"schema_version\",\"event_id\","	\
	"\"success\",\"deliveries\",\"metadata\"],\"properties\":"	\
	"{\"metadata\":" ART_SCHEMA_META "}}"

const struct cv_route ev_release_routes[] = {
	{ CV_POST, "/evidence/{session_id}/promotion-execution",
	    cv_wf_h_build, CV_BODY_JSON, "Execute an approved, signed "
	    "promotion request of a managed endpoint rollout",
	    &s_exec_post, NULL, SCHEMA_EXEC, CV_RIGHT_OPERATE },
	{ CV_GET, "/promotion-executions", cv_wf_h_history, 0,
	    "Promotion executions, newest first", &s_exec_list, p_exec,
	    ART_SCHEMA_META_LIST },
	{ CV_GET, "/promotion-executions/{execution_id}", cv_wf_h_build, 0,
	    "One promotion execution", &s_exec_get, NULL, ART_SCHEMA_META },
	{ CV_GET, "/promotion-executions/{execution_id}/audit-export",
	    cv_wf_h_build, 0, "The audit event of a promotion execution",
	    &s_exec_audit, NULL, SCHEMA_AUDIT },
	{ CV_POST, "/promotion-executions/{execution_id}/audit-export/deliver",
	    cv_wf_h_build, CV_BODY_JSON | CV_BODY_OPT, "Deliver the audit "
	    "event of a promotion execution through the connectors",
	    &s_exec_deliver, NULL, SCHEMA_DELIVERY, CV_RIGHT_OPERATE },
	{ CV_POST, "/promotion-executions/{execution_id}/rollback-execution",
	    cv_wf_h_build, CV_BODY_JSON, "Roll back a promotion execution "
	    "with an approved rollback approval", &s_rollback_post, NULL,
	    SCHEMA_EXEC, CV_RIGHT_OPERATE },
	{ CV_GET, "/rollback-executions/{rollback_id}", cv_wf_h_build, 0,
	    "One rollback execution", &s_rollback_get, NULL, ART_SCHEMA_META },
	{ CV_POST, "/rollback-executions/{execution_id}/deliver",
	    cv_wf_h_build, CV_BODY_JSON | CV_BODY_OPT, "Deliver the audit "
	    "event of a rollback execution through the connectors",
	    &s_rollback_deliver, NULL, SCHEMA_DELIVERY, CV_RIGHT_OPERATE },
	{ CV_GET, "/release-channel-promotions", cv_wf_h_history, 0,
	    "Release channel promotion requests, newest first",
	    &s_channel_list, p_channel, ART_SCHEMA_META_LIST },
	{ CV_GET, "/release-channel-promotions/{request_id}", cv_wf_h_build,
	    0, "One release channel promotion request", &s_channel_get, NULL,
	    ART_SCHEMA_META },
};

const size_t ev_release_nroutes = nitems(ev_release_routes);
