/*
 * cavra-aispm: AI security posture over the decisions, sessions and
 * approvals the other responders stored.  Every /aispm answer is derived
 * on request from at most `limit` decisions and `limit` sessions (newest
 * first), read from the store with the request's filters, so a request
 * costs the same however large the store grows.  Nothing is written.
 *
 * The routes are data: each row names an endpoint (struct endpoint: its
 * schema version, which piece it builds, its redaction map and the
 * Enterprise capabilities it names), and one handler serves all the
 * posture pieces.  The builders are in aispm_build.c and aispm_draft.c,
 * the classifiers they share in lib/aispm.c.  Risk events and compliance
 * mappings (aispm_risk.c) are served here too.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "cavra.h"
#include "cv_policy.h"
#include "aispm.h"

#define STRV(...)	((const char *const[]){ __VA_ARGS__, NULL })

/* The piece of the posture an endpoint answers with. */
enum piece {
	P_AGENTS,
	P_FINDINGS,
	P_TIMELINE,
	P_COVERAGE,
	P_NEAR_MISSES,
	P_FINGERPRINTS,
	P_CONTEXT_GAPS,
	P_FORECASTS,
	P_DRIFT,
	P_TOOL_CHAIN,
	P_BLAST_RADIUS,
	P_HEATMAP,
	P_CONFIDENCE,
	P_FRESHNESS,
	P_NARRATIVE,
	P_DRAFT,
	P_TESTS,
};

struct endpoint {
	const char		*schema_version;
	enum piece		 piece;
	const char *const	*redaction;	/* keys, each LOCKED */
	const char *const	*unlocks;	/* Enterprise capabilities */
};

/* Filters a request pushes to the store. */
struct filters {
	const char	*agent_id;
	const char	*repository;
	const char	*policy_pack;
	const char	*session_id;
	int64_t		 limit;
};

/* A query value, or NULL when absent or empty (no filter). */
static const char *
qval(struct cv_req *req, const char *key)
{
	const char	*v;

	v = cv_query(req, key);
	return v != NULL && *v != '\0' ? v : NULL;
}

static enum cv_err
read_filters(struct cv_req *req, struct filters *f)
{
	f->agent_id = qval(req, "agent_id");
	f->repository = qval(req, "repository");
	f->policy_pack = qval(req, "policy_pack");
	f->session_id = qval(req, "session_id");
	return cv_query_int(req, "limit", AISPM_LIMIT_DEFAULT,
	    CV_PAGE_LIMIT_MIN, CV_PAGE_LIMIT_MAX, 1, &f->limit);
}

/* The echo of the filters: repository, agent_id, policy_pack, limit
 * (and session_id first when with_session). */
static struct json_object *
filters_json(const struct filters *f, int with_session)
{
	struct json_object	*o;

	o = json_object_new_object();
	if (with_session)
		cv_json_add_str(o, "session_id", f->session_id);
	cv_json_add_str(o, "repository", f->repository);
	cv_json_add_str(o, "agent_id", f->agent_id);
	cv_json_add_str(o, "policy_pack", f->policy_pack);
	cv_json_add_int(o, "limit", f->limit);
	return o;
}

/*
 * The decisions and sessions of a request: at most f->limit of each,
 * newest first, filtered in the store.  With session_id (replay-to-policy
 * routes) the decisions of that session and the session itself only.
 * *dec and *sess are new arrays.  Store errors as problems.
 */
static enum cv_err
load(struct cv_req *req, const struct filters *f, int by_session,
    struct json_object **dec, struct json_object **sess)
{
	struct cv_filter	 fl[3];
	struct json_object	*one = NULL;
	struct cv_store		*s = NULL;
	struct cv_db		*db;
	size_t			 n = 0;
	enum cv_err		 rc;

	*dec = *sess = NULL;
	if ((rc = cv_rs_db(req, &cv_store_activity, &db)) != CV_OK)
		return rc;
	if ((rc = cv_db_read(db, &s)) != CV_OK)
		return cv_rs_store_fail(req, &cv_store_activity, rc);
	if (by_session && f->session_id != NULL) {
		fl[0].field = "session_id";
		fl[0].value = f->session_id;
		n = 1;
	} else {
		if (f->agent_id != NULL) {
			fl[n].field = "agent_id";
			fl[n++].value = f->agent_id;
		}
		if (f->repository != NULL) {
			fl[n].field = "repository";
			fl[n++].value = f->repository;
		}
		if (f->policy_pack != NULL) {
			fl[n].field = "policy_pack";
			fl[n++].value = f->policy_pack;
		}
	}
	if ((rc = cv_store_list(s, CV_COLL_DECISIONS, fl, n, (size_t)f->limit,
	    0, dec, NULL)) != CV_OK)
		goto out;
	if (by_session && f->session_id != NULL) {
		*sess = json_object_new_array();
		rc = cv_store_get(s, CV_COLL_SESSIONS, f->session_id, &one);
		if (rc == CV_OK)
			json_object_array_add(*sess, one);
		else if (rc == CV_ENOENT)
			rc = CV_OK;
	} else
		rc = cv_store_list(s, CV_COLL_SESSIONS, fl, n,
		    (size_t)f->limit, 0, sess, NULL);
out:
	cv_db_read_end(db, s);
	if (rc != CV_OK) {
		json_object_put(*dec);
		json_object_put(*sess);
		*dec = *sess = NULL;
		return cv_rs_store_fail(req, &cv_store_activity, rc);
	}
	return CV_OK;
}

/* The envelope of a live answer, up to generated_at. */
static struct json_object *
envelope(const char *schema_version, const char *provenance, const char *now)
{
	return aispm_envelope(schema_version, "local_activity", provenance,
	    now);
}

/* {status, capabilities, private_package} of an endpoint's unlocks. */
static struct json_object *
unlocks(const char *const *caps)
{
	struct json_object	*o, *a;

	o = json_object_new_object();
	cv_json_add_str(o, "status", AISPM_LOCKED);
	a = json_object_new_array();
	for (; *caps != NULL; caps++)
		json_object_array_add(a, json_object_new_string(*caps));
	json_object_object_add(o, "capabilities", a);
	cv_json_add_str(o, "private_package", AISPM_PACKAGE);
	return o;
}

/* Moves every key of src (consumed) to the end of dst. */
static void
splice(struct json_object *dst, struct json_object *src)
{
	json_object_object_foreach(src, k, v)
		json_object_object_add(dst, k, json_object_get(v));
	json_object_put(src);
}

/* {schema_version, data_provenance, items, total}: the list wrappers. */
static struct json_object *
wrapper(const char *schema_version, struct json_object *items)
{
	struct json_object	*o;

	o = json_object_new_object();
	cv_json_add_str(o, "schema_version", schema_version);
	cv_json_add_str(o, "data_provenance", "local_activity_store");
	cv_json_add_int(o, "total", (int64_t)json_object_array_length(items));
	json_object_object_add(o, "items", items);
	return o;
}

/* The source scope of a replay draft: what narrowed it, or the window. */
static const char *
scope_of(const struct filters *f)
{
	if (f->session_id != NULL)
		return f->session_id;
	if (f->repository != NULL)
		return f->repository;
	if (f->agent_id != NULL)
		return f->agent_id;
	if (f->policy_pack != NULL)
		return f->policy_pack;
	return "local_activity_window";
}

/*
 * The replay-to-policy draft packet of a set: envelope, draft, redaction
 * and unlocks of endpoint ep.
 */
static struct json_object *
draft_packet(const struct aispm_set *s, const struct filters *f,
    const struct endpoint *ep)
{
	struct json_object	*o;

	o = envelope(ep->schema_version, "local_activity_store", s->now);
	json_object_object_add(o, "filters", filters_json(f, 1));
	splice(o, aispm_draft(s, scope_of(f)));
	aispm_redaction(o, ep->redaction);
	json_object_object_add(o, "enterprise_unlocks", unlocks(ep->unlocks));
	return o;
}

static const struct endpoint ep_draft;

/*
 * The replay-to-policy tests packet: the draft of the same filters and
 * its test fixture, with an export suggestion.
 */
static struct json_object *
tests_packet(const struct aispm_set *s, const struct filters *f,
    const struct endpoint *ep)
{
	struct json_object	*draft, *fx, *o, *sum, *ex;
	const char		*scope, *policy_id;

	draft = draft_packet(s, f, &ep_draft);
	scope = scope_of(f);
	fx = aispm_test_fixture(s->a, draft, scope);
	policy_id = json_object_get_string(json_object_object_get(fx,
	    "policy_id"));
	o = envelope(ep->schema_version, "local_activity_store", s->now);
	json_object_object_add(o, "filters", json_object_get(
	    json_object_object_get(draft, "filters")));
	sum = json_object_new_object();
	json_object_object_add(sum, "source_decisions", json_object_get(
	    json_object_object_get(json_object_object_get(draft, "summary"),
	    "source_decisions")));
	json_object_object_add(sum, "recommended_rules", json_object_get(
	    json_object_object_get(json_object_object_get(draft, "summary"),
	    "recommended_rules")));
	json_object_object_add(sum, "test_cases", json_object_get(
	    json_object_object_get(fx, "case_count")));
	cv_json_add_bool(sum, "fixture_valid", 1);
	cv_json_add_str(sum, "source_scope", scope);
	cv_json_add_str(sum, "policy_id", policy_id);
	json_object_object_add(o, "summary", sum);
	json_object_object_add(o, "test_fixture", fx);
	ex = json_object_new_object();
	cv_json_add_str(ex, "status", "read_only_preview");
	cv_json_add_str(ex, "suggested_path", cv_arena_printf(s->a,
	    "tests/fixtures/replay-to-policy/%s.json", policy_id));
	cv_json_add_str(ex, "next_step", "Review the fixture, commit it with "
	    "the policy draft, and validate through repository CI before "
	    "rollout.");
	cv_json_add_bool(ex, "approval_required", 1);
	json_object_object_add(o, "export", ex);
	aispm_redaction(o, ep->redaction);
	json_object_object_add(o, "enterprise_unlocks", unlocks(ep->unlocks));
	json_object_put(draft);
	return o;
}

/*
 * GET /aispm/<piece>: the piece of route->data over the request's
 * decisions and sessions (filters agent_id, repository, policy_pack,
 * limit; session_id for the replay-to-policy routes).  The store's error
 * (500/503) when it cannot be read.
 */
static enum cv_err
h_piece(struct cv_req *req, struct cv_resp *resp)
{
	const struct endpoint	*ep = req->route->data;
	struct aispm_set	 s;
	struct filters		 f;
	struct json_object	*dec, *sess, *o, *sum = NULL, *core, *fresh;
	struct json_object	*findings, *overview;
	char			 now[CV_TS_LEN];
	enum cv_err		 rc;

	if ((rc = read_filters(req, &f)) != CV_OK)
		return rc;
	if ((rc = load(req, &f, ep->piece == P_DRAFT || ep->piece == P_TESTS,
	    &dec, &sess)) != CV_OK)
		return rc;
	cv_ts_now(now, sizeof(now));
	aispm_set_init(&s, req->arena, dec, sess, now);
	switch (ep->piece) {
	case P_AGENTS:
		o = wrapper(ep->schema_version, aispm_agents(&s));
		goto done;
	case P_FINDINGS:
		o = wrapper(ep->schema_version, aispm_findings(&s));
		goto done;
	case P_TIMELINE:
		o = wrapper(ep->schema_version, aispm_timeline(&s));
		goto done;
	case P_COVERAGE:
		o = wrapper(ep->schema_version, aispm_coverage(&s));
		goto done;
	case P_NEAR_MISSES:
		o = wrapper(ep->schema_version, aispm_near_misses(&s));
		goto done;
	case P_DRAFT:
		o = draft_packet(&s, &f, ep);
		goto done;
	case P_TESTS:
		o = tests_packet(&s, &f, ep);
		goto done;
	default:
		break;
	}
	o = envelope(ep->schema_version, "local_activity_store", now);
	json_object_object_add(o, "filters", filters_json(&f, 0));
	switch (ep->piece) {
	case P_FINGERPRINTS:
		core = aispm_fingerprints(&s, &sum);
		break;
	case P_CONTEXT_GAPS:
		core = aispm_context_gaps(&s, &sum);
		break;
	case P_FORECASTS:
		core = aispm_forecasts(&s, &sum);
		break;
	case P_DRIFT:
		core = aispm_drift(&s, &sum);
		break;
	case P_BLAST_RADIUS:
		core = aispm_blast_radius(&s, &sum);
		break;
	case P_TOOL_CHAIN:
		core = aispm_tool_chain(&s, &sum);
		break;
	case P_HEATMAP:
		core = aispm_heatmap(&s, &sum);
		json_object_object_del(core, "coverage_score");
		break;
	case P_CONFIDENCE:
		core = aispm_confidence(&s);
		break;
	case P_FRESHNESS:
		core = aispm_freshness(&s);
		break;
	default:	/* P_NARRATIVE */
		fresh = aispm_freshness(&s);
		findings = aispm_findings(&s);
		overview = aispm_overview(&s);
		json_object_object_add(o, "narrative", aispm_narrative(&s,
		    findings, overview, fresh));
		json_object_put(fresh);
		json_object_put(findings);
		json_object_put(overview);
		core = NULL;
		break;
	}
	if (sum != NULL)
		json_object_object_add(o, "summary", sum);
	if (core != NULL) {
		if (json_object_is_type(core, json_type_array))
			json_object_object_add(o, "items", core);
		else
			splice(o, core);
	}
	aispm_redaction(o, ep->redaction);
	json_object_object_add(o, "enterprise_unlocks", unlocks(ep->unlocks));
done:
	json_object_put(dec);
	json_object_put(sess);
	cv_resp_json(resp, 200, o);
	return CV_OK;
}

/*
 * GET /aispm/posture: every piece over one read of the store, with the
 * control plane and the whole Enterprise boundary.
 */
static enum cv_err
h_posture(struct cv_req *req, struct cv_resp *resp)
{
	struct aispm_set	 s;
	struct filters		 f;
	struct json_object	*dec, *sess, *o;
	char			 now[CV_TS_LEN];
	enum cv_err		 rc;

	if ((rc = read_filters(req, &f)) != CV_OK)
		return rc;
	if ((rc = load(req, &f, 0, &dec, &sess)) != CV_OK)
		return rc;
	cv_ts_now(now, sizeof(now));
	aispm_set_init(&s, req->arena, dec, sess, now);
	o = aispm_posture(&s, "local_activity", "local_activity_store",
	    filters_json(&f, 0), NULL, "local_activity_window");
	json_object_put(dec);
	json_object_put(sess);
	cv_resp_json(resp, 200, o);
	return CV_OK;
}

/* GET /aispm/dashboard/contract: what Community serves and what it only
 * names. */
static enum cv_err
h_contract(struct cv_req *req, struct cv_resp *resp)
{
	(void)req;
	cv_resp_json(resp, 200, aispm_contract());
	return CV_OK;
}

/* GET /aispm/dashboard/sample: the deterministic sample. */
static enum cv_err
h_sample(struct cv_req *req, struct cv_resp *resp)
{
	cv_resp_json(resp, 200, aispm_sample(req->arena));
	return CV_OK;
}

static const struct endpoint ep_trace = {
	"cavra.aispm.trace_replay.v1", 0,
	STRV("prompt_capture", "reasoning_trace", "raw_tool_output",
	    "full_trace_replay", "customer_context"),
	STRV("raw prompt and response replay",
	    "model reasoning trace capture",
	    "tool-call graph with raw tool results",
	    "approval lineage with identity-provider context",
	    "immutable multi-tenant replay retention"),
};

/*
 * GET /aispm/trace-replay/{session_id}: the session's decisions (the
 * limit newest) replayed oldest first.  404 when neither the session nor
 * a decision of it is stored.
 */
static enum cv_err
h_trace(struct cv_req *req, struct cv_resp *resp)
{
	struct aispm_set	 s;
	struct cv_aispm_sess	 ss;
	struct filters		 f;
	struct json_object	*dec, *sess, *none, *o, *red;
	const char *const	*k;
	char			 now[CV_TS_LEN];
	enum cv_err		 rc;

	memset(&f, 0, sizeof(f));
	if ((rc = cv_query_int(req, "limit", AISPM_LIMIT_DEFAULT,
	    CV_PAGE_LIMIT_MIN, CV_PAGE_LIMIT_MAX, 1, &f.limit)) != CV_OK)
		return rc;
	f.session_id = cv_param(req, "session_id");
	if ((rc = load(req, &f, 1, &dec, &sess)) != CV_OK)
		return rc;
	if (json_object_array_length(dec) == 0 &&
	    json_object_array_length(sess) == 0) {
		json_object_put(dec);
		json_object_put(sess);
		return cv_fail(req, CV_ENOENT, "trace replay session not "
		    "found");
	}
	cv_ts_now(now, sizeof(now));
	none = json_object_new_array();
	aispm_set_init(&s, req->arena, dec, none, now);
	if (json_object_array_length(sess) > 0)
		cv_aispm_sess_read(req->arena, json_object_array_get_idx(sess,
		    0), &ss);
	o = envelope(ep_trace.schema_version, "local_activity_store", now);
	splice(o, aispm_trace(&s, f.session_id, json_object_array_length(
	    sess) > 0 ? &ss : NULL));
	red = json_object_new_object();
	cv_json_add_str(red, "target_redaction",
	    "sensitive targets are summarized");
	for (k = ep_trace.redaction; *k != NULL; k++)
		cv_json_add_str(red, *k, AISPM_LOCKED);
	json_object_object_add(o, "redaction", red);
	json_object_object_add(o, "enterprise_unlocks",
	    unlocks(ep_trace.unlocks));
	json_object_put(none);
	json_object_put(dec);
	json_object_put(sess);
	cv_resp_json(resp, 200, o);
	return CV_OK;
}

static const char *const approval_states[] = { "pending", "approved",
    "denied", "expired", "break_glass", NULL };

/*
 * GET /aispm/approval-lineage: the approvals (filters state,
 * approver_group, session_id pushed to the store; the limit newest) with
 * the public view of the decision each was asked for, read by id.
 */
static enum cv_err
h_lineage(struct cv_req *req, struct cv_resp *resp)
{
	struct cv_filter	 fl[3];
	struct json_object	*aprs = NULL, *items, *o, *f, *sum, *red, *d;
	struct cv_store		*as = NULL, *ds = NULL;
	struct cv_db		*adb, *ddb;
	const char		*state, *group, *sid, *did, *st;
	char			 now[CV_TS_LEN];
	size_t			 i, n = 0, cnt[5] = { 0, 0, 0, 0, 0 }, k;
	int64_t			 limit;
	int			 all_refs = 1;
	enum cv_err		 rc;

	if ((rc = cv_query_int(req, "limit", AISPM_LIMIT_DEFAULT,
	    CV_PAGE_LIMIT_MIN, CV_PAGE_LIMIT_MAX, 1, &limit)) != CV_OK)
		return rc;
	state = qval(req, "state");
	group = qval(req, "approver_group");
	sid = qval(req, "session_id");
	if (state != NULL) {
		fl[n].field = "state";
		fl[n++].value = state;
	}
	if (group != NULL) {
		fl[n].field = "approver_group";
		fl[n++].value = group;
	}
	if (sid != NULL) {
		fl[n].field = "session_id";
		fl[n++].value = sid;
	}
	if ((rc = cv_rs_db(req, &cv_store_approvals, &adb)) != CV_OK ||
	    (rc = cv_rs_db(req, &cv_store_activity, &ddb)) != CV_OK)
		return rc;
	if ((rc = cv_db_read(adb, &as)) != CV_OK)
		return cv_rs_store_fail(req, &cv_store_approvals, rc);
	rc = cv_store_list(as, 0, fl, n, (size_t)limit, 0, &aprs, NULL);
	cv_db_read_end(adb, as);
	if (rc != CV_OK)
		return cv_rs_store_fail(req, &cv_store_approvals, rc);
	if ((rc = cv_db_read(ddb, &ds)) != CV_OK) {
		json_object_put(aprs);
		return cv_rs_store_fail(req, &cv_store_activity, rc);
	}
	items = json_object_new_array();
	for (i = 0; i < json_object_array_length(aprs); i++) {
		o = json_object_array_get_idx(aprs, i);
		did = cv_aispm_str(req->arena, o, "decision_id");
		d = NULL;
		if (did != NULL && *did != '\0' && (rc = cv_store_get(ds,
		    CV_COLL_DECISIONS, did, &d)) != CV_OK && rc != CV_ENOENT)
			break;
		rc = CV_OK;
		o = aispm_lineage_item(req->arena, o, d);
		json_object_put(d);
		st = json_object_get_string(json_object_object_get(o,
		    "state"));
		for (k = 0; approval_states[k] != NULL; k++)
			if (strcmp(st, approval_states[k]) == 0)
				cnt[k]++;
		if (json_object_array_length(json_object_object_get(o,
		    "evidence_refs")) == 0)
			all_refs = 0;
		json_object_array_add(items, o);
	}
	cv_db_read_end(ddb, ds);
	json_object_put(aprs);
	if (rc != CV_OK) {
		json_object_put(items);
		return cv_rs_store_fail(req, &cv_store_activity, rc);
	}
	cv_ts_now(now, sizeof(now));
	o = envelope("cavra.aispm.approval_lineage.v1", "local_approval_store",
	    now);
	f = json_object_new_object();
	cv_json_add_str(f, "state", state);
	cv_json_add_str(f, "approver_group", group);
	cv_json_add_str(f, "session_id", sid);
	cv_json_add_int(f, "limit", limit);
	json_object_object_add(o, "filters", f);
	sum = json_object_new_object();
	cv_json_add_int(sum, "total", (int64_t)json_object_array_length(items));
	for (k = 0; approval_states[k] != NULL; k++)
		cv_json_add_int(sum, approval_states[k], (int64_t)cnt[k]);
	cv_json_add_str(sum, "evidence_confidence",
	    json_object_array_length(items) == 0 ? "no_approval_records" :
	    all_refs ? "approval_evidence_refs" : "approval_metadata_only");
	json_object_object_add(o, "summary", sum);
	json_object_object_add(o, "items", items);
	aispm_redaction(o, STRV("identity_provider_claims", "raw_rbac_policy",
	    "private_routing_rules", "connector_payloads"));
	red = json_object_object_get(o, "redaction");
	cv_json_add_str(red, "human_actor_identifiers", "role labels only");
	json_object_object_add(o, "enterprise_unlocks", unlocks(STRV(
	    "identity-provider backed approver context",
	    "RBAC-scoped lineage by role and tenant",
	    "approval latency SLOs and escalations",
	    "immutable multi-tenant approval audit retention",
	    "SIEM and ITSM approval workflow exports")));
	cv_resp_json(resp, 200, o);
	return CV_OK;
}

/*
 * POST /aispm/replay-to-policy-review-packet/validate and
 * .../ci-gate-readiness/validate: 200 with the validation report when
 * the packet is valid; 400 naming each {path, message} when it is not.
 */
struct validator {
	const char	*schema_version;
	const char	*packet_schema_version;
	const char	*schema_file;
	const char	*what;		/* for the messages */
	struct json_object *(*check)(struct cv_arena *, struct json_object *);
};

static const struct validator v_review = {
	"cavra.aispm.review_packet_validation.v1",
	"cavra.aispm.replay_to_policy_review_packet.v1",
	"src/cavra/schemas/aispm-replay-to-policy-review-packet.schema.json",
	"AISPM replay-to-policy review packet",
	aispm_check_review_packet,
};

static const struct validator v_ci_gate = {
	"cavra.aispm.ci_gate_readiness_validation.v1",
	"cavra.aispm.replay_to_policy_ci_gate_readiness.v1",
	"src/cavra/schemas/aispm-replay-to-policy-ci-gate-readiness.schema.json",
	"AISPM replay-to-policy CI gate readiness packet",
	aispm_check_ci_gate,
};

static enum cv_err
h_validate(struct cv_req *req, struct cv_resp *resp)
{
	const struct validator	*v = req->route->data;
	struct json_object	*errs, *o, *checks, *e;
	size_t			 i, n;
	enum cv_err		 rc;

	errs = v->check(req->arena, req->json);
	n = json_object_array_length(errs);
	if (n > 0) {
		rc = cv_fail(req, CV_EINVAL, "%s failed validation.", v->what);
		for (i = 0; i < n; i++) {
			e = json_object_array_get_idx(errs, i);
			cv_fail_field(req, CV_EINVAL, json_object_get_string(
			    json_object_object_get(e, "path")), "%s",
			    json_object_get_string(json_object_object_get(e,
			    "message")));
		}
		json_object_put(errs);
		return rc;
	}
	o = json_object_new_object();
	cv_json_add_str(o, "schema_version", v->schema_version);
	cv_json_add_str(o, "status", "valid");
	cv_json_add_bool(o, "valid", 1);
	cv_json_add_str(o, "source", "api");
	cv_json_add_str(o, "packet_schema_version", v->packet_schema_version);
	cv_json_add_str(o, "schema_file", v->schema_file);
	checks = json_object_new_object();
	cv_json_add_str(checks, "json_schema", "pass");
	cv_json_add_str(checks, "semantic_consistency", "pass");
	cv_json_add_str(checks, "enterprise_boundary",
	    "public_safe_metadata_only");
	json_object_object_add(o, "checks", checks);
	json_object_object_add(o, "errors", errs);
	cv_json_add_str(o, "message", cv_arena_printf(req->arena,
	    "%s is valid.", v->what));
	cv_resp_json(resp, 200, o);
	return CV_OK;
}

/* The endpoints of the pieces. */
static const struct endpoint ep_agents = { "cavra.aispm.agents.v1",
    P_AGENTS, NULL, NULL };
static const struct endpoint ep_findings = { "cavra.aispm.findings.v1",
    P_FINDINGS, NULL, NULL };
static const struct endpoint ep_timeline = { "cavra.aispm.timeline.v1",
    P_TIMELINE, NULL, NULL };
static const struct endpoint ep_coverage = {
    "cavra.aispm.control_coverage.v1", P_COVERAGE, NULL, NULL };
static const struct endpoint ep_near = { "cavra.aispm.near_misses.v1",
    P_NEAR_MISSES, NULL, NULL };
static const struct endpoint ep_fingerprints = {
	"cavra.aispm.behavior_fingerprints.v1", P_FINGERPRINTS,
	STRV("prompt_capture", "reasoning_trace", "raw_tool_output",
	    "tool_call_graph", "customer_context",
	    "private_behavior_baselines"),
	STRV("organization-specific behavior baselines",
	    "cross-repository anomaly detection",
	    "live streaming behavior drift alerts",
	    "identity and RBAC-aware agent owner mapping",
	    "SIEM export for behavior drift events"),
};
static const struct endpoint ep_gaps = {
	"cavra.aispm.policy_context_gaps.v1", P_CONTEXT_GAPS,
	STRV("private_cmdb_records", "data_catalog_records",
	    "identity_provider_claims", "cloud_inventory", "change_calendar",
	    "ticketing_metadata"),
	STRV("CMDB and service catalog enrichment",
	    "data-owner and data-classification lookup",
	    "cloud account and environment-tier enrichment",
	    "change-window and ticket correlation",
	    "policy decisions that require private context before execution"),
};
static const struct endpoint ep_forecasts = {
	"cavra.aispm.pre_action_risk_forecasts.v1", P_FORECASTS,
	STRV("private_asset_graph", "dependency_graph",
	    "cloud_resource_inventory", "identity_blast_radius",
	    "runtime_state", "prompt_intent_context"),
	STRV("asset graph blast-radius forecasting",
	    "identity and permission blast-radius analysis",
	    "live dependency graph forecasting",
	    "cost, performance, and SLO impact forecasts",
	    "pre-action simulation against the private SaaS control plane"),
};
static const struct endpoint ep_drift = {
	"cavra.aispm.intent_action_drift.v1", P_DRIFT,
	STRV("raw_prompt", "reasoning_trace", "conversation_history",
	    "private_ticket_context", "full_tool_payload",
	    "semantic_intent_model"),
	STRV("prompt-derived semantic intent extraction",
	    "task, ticket, and pull-request intent correlation",
	    "private workflow and change-management context comparison",
	    "live drift alerts for tool and target changes",
	    "SIEM export for intent-to-action drift events"),
};
static const struct endpoint ep_tool_chain = {
	"cavra.aispm.tool_chain_graph.v1", P_TOOL_CHAIN,
	STRV("raw_tool_payload", "tool_result_body", "prompt_context",
	    "connector_spans", "cross_system_call_graph",
	    "private_network_targets"),
	STRV("raw tool request and response graphing",
	    "cross-system call graph from MCP, shell, Git, CI, cloud, and "
	    "SaaS connectors",
	    "latency and execution span correlation",
	    "private network and identity-aware target mapping",
	    "live tool-chain alerts and SIEM export"),
};
static const struct endpoint ep_blast = {
	"cavra.aispm.agent_blast_radius.v1", P_BLAST_RADIUS,
	STRV("private_asset_graph", "identity_permission_graph",
	    "cloud_account_inventory", "dependency_graph", "secret_names",
	    "customer_topology"),
	STRV("identity and permission-aware blast-radius analysis",
	    "cloud account, Kubernetes, SaaS, and repository dependency "
	    "graphing",
	    "private asset criticality and owner enrichment",
	    "secret and data classification mapping without public "
	    "disclosure",
	    "live blast-radius alerts and executive risk narrative export"),
};
static const struct endpoint ep_heatmap = {
	"cavra.aispm.control_coverage_heatmap.v1", P_HEATMAP,
	STRV("private_repository_owner_graph", "identity_provider_claims",
	    "repository_permission_matrix", "environment_criticality",
	    "cmdb_service_mapping", "live_org_baselines"),
	STRV("organization-wide live control coverage baselines",
	    "repository owner, service criticality, and environment-tier "
	    "enrichment",
	    "identity and permission-scoped heatmap filtering",
	    "policy pack rollout coverage by business unit",
	    "coverage SLO alerts and executive compliance exports"),
};
static const struct endpoint ep_confidence = {
	"cavra.aispm.evidence_confidence.v1", P_CONFIDENCE,
	STRV("raw_evidence_payload", "private_artifact_contents",
	    "signature_trust_chain", "identity_provider_claims",
	    "external_ticket_payloads", "customer_data",
	    "tenant_evidence_store"),
	STRV("immutable evidence store verification",
	    "signed artifact and provenance validation",
	    "SIEM, GRC, and ticket correlation",
	    "evidence freshness SLO alerts",
	    "long-term retention and auditor export workflows"),
};
static const struct endpoint ep_freshness = {
	"cavra.aispm.evidence_freshness.v1", P_FRESHNESS,
	STRV("tenant_evidence_store", "immutable_archive_probe",
	    "object_lock_status", "kms_key_health",
	    "retention_lifecycle_policy", "external_archive_metadata",
	    "auditor_export_manifest"),
	STRV("immutable evidence archive health validation",
	    "object-lock, KMS, and lifecycle policy readiness checks",
	    "tenant retention SLO alerts and breach escalation",
	    "archive restore drills and auditor export manifests",
	    "cross-system evidence freshness correlation"),
};
static const struct endpoint ep_narrative = {
	"cavra.aispm.executive_risk_narrative.v1", P_NARRATIVE,
	STRV("raw_prompts", "model_reasoning", "private_business_context",
	    "customer_impact_analysis", "trend_history",
	    "ai_generated_board_summary", "tenant_benchmarking"),
	STRV("AI-assisted board and CSO narrative generation",
	    "private trend history and tenant benchmarking",
	    "business owner, service criticality, and customer-impact "
	    "enrichment",
	    "scheduled executive brief delivery",
	    "GRC and incident packet export"),
};
static const struct endpoint ep_draft = {
	"cavra.aispm.replay_to_policy_draft.v1", P_DRAFT,
	STRV("raw_prompts", "model_reasoning", "raw_tool_payloads",
	    "ticket_or_change_context", "private_asset_graph",
	    "customer_context", "private_approval_policy"),
	STRV("AI-assisted rule authoring from prompts, reasoning traces, and "
	    "tool payloads",
	    "private ticket, CMDB, asset, identity, and service criticality "
	    "enrichment",
	    "approval-bound policy publish workflow automation",
	    "policy simulation against tenant history before rollout",
	    "organization-wide policy-pack recommendation campaigns"),
};
static const struct endpoint ep_tests = {
	"cavra.aispm.replay_to_policy_tests.v1", P_TESTS,
	STRV("raw_prompts", "model_reasoning", "raw_tool_payloads",
	    "private_simulation_history", "ticket_or_change_context",
	    "customer_context"),
	STRV("policy test generation from prompts, reasoning traces, and raw "
	    "tool payloads",
	    "tenant-history simulation before policy rollout",
	    "private ticket, asset, identity, and service criticality "
	    "enrichment",
	    "CI write-back for approved policy tests",
	    "organization-wide regression campaigns for generated policy "
	    "packs"),
};

#define LIMIT_DOC	"decisions and sessions read, newest first: 1 to 500 " \
			"(default 200; clamped)"

static const struct cv_qparam window_params[] = {
	{ "agent_id", CV_P_STRING, 0, NULL, "exact agent" },
	{ "repository", CV_P_STRING, 0, NULL, "exact repository" },
	{ "policy_pack", CV_P_STRING, 0, NULL, "exact policy pack" },
	{ "limit", CV_P_INT, 0, NULL, LIMIT_DOC },
	{ NULL }
};

static const struct cv_qparam draft_params[] = {
	{ "session_id", CV_P_STRING, 0, NULL,
	    "one session (the other filters are then not applied)" },
	{ "agent_id", CV_P_STRING, 0, NULL, "exact agent" },
	{ "repository", CV_P_STRING, 0, NULL, "exact repository" },
	{ "policy_pack", CV_P_STRING, 0, NULL, "exact policy pack" },
	{ "limit", CV_P_INT, 0, NULL, LIMIT_DOC },
	{ NULL }
};

static const struct cv_qparam trace_params[] = {
	{ "limit", CV_P_INT, 0, NULL, "newest decisions of the session "
	    "replayed: 1 to 500 (default 200; clamped)" },
	{ NULL }
};

static const struct cv_qparam lineage_params[] = {
	{ "state", CV_P_STRING, 0, approval_states, "approval state" },
	{ "approver_group", CV_P_STRING, 0, NULL, "exact approver group" },
	{ "session_id", CV_P_STRING, 0, NULL, "exact session" },
	{ "limit", CV_P_INT, 0, NULL, "newest approvals read: 1 to 500 "
	    "(default 200; clamped)" },
	{ NULL }
};

/* The 200 answers, for openapi.json: an object with its schema version
 * and the envelope; the validators' report. */
#define SCHEMA_OBJ(v)	"{\"type\":\"object\",\"required\":"		\
	"[\"schema_version\"],\"properties\":{\"schema_version\":"	\
	"{\"const\":\"" v "\"}}}"
#define SCHEMA_LIST(v)	"{\"type\":\"object\",\"required\":"		\
	"[\"schema_version\",\"data_provenance\",\"total\",\"items\"],"	\
	"\"properties\":{\"schema_version\":{\"const\":\"" v "\"},"	\
	"\"data_provenance\":{\"type\":\"string\"},"			\
	"\"total\":{\"type\":\"integer\",\"minimum\":0},"		\
	"\"items\":{\"type\":\"array\",\"items\":{\"type\":\"object\"}}}}"
#define SCHEMA_PACKET(v)	"{\"type\":\"object\",\"required\":"	\
	"[\"schema_version\",\"product\",\"edition\",\"mode\","		\
	"\"data_provenance\",\"tracking\",\"telemetry\","		\
	"\"generated_at\",\"redaction\",\"enterprise_unlocks\"],"	\
	"\"properties\":{\"schema_version\":{\"const\":\"" v "\"},"	\
	"\"product\":{\"type\":\"string\"},"				\
	"\"edition\":{\"const\":\"community\"},"			\
	"\"mode\":{\"type\":\"string\"},"				\
	"\"data_provenance\":{\"type\":\"string\"},"			\
	"\"tracking\":{\"const\":\"none\"},"				\
	"\"telemetry\":{\"const\":\"disabled\"},"			\
	"\"generated_at\":{\"type\":\"string\"},"			\
	"\"redaction\":{\"type\":\"object\"},"				\
	"\"enterprise_unlocks\":{\"type\":\"object\",\"required\":"	\
	"[\"status\",\"capabilities\",\"private_package\"],"		\
	"\"properties\":{\"status\":{\"const\":\"" AISPM_LOCKED "\"},"	\
	"\"capabilities\":{\"type\":\"array\",\"items\":"		\
	"{\"type\":\"string\"}}}}}}"
#define SCHEMA_DASHBOARD	"{\"type\":\"object\",\"required\":"	\
	"[\"schema_version\",\"mode\",\"data_provenance\","		\
	"\"generated_at\",\"filters\",\"overview\",\"agents\","		\
	"\"findings\",\"timeline\",\"control_coverage\","		\
	"\"near_misses\",\"approval_lineage\",\"control_plane\","	\
	"\"enterprise_unlocks\"],"					\
	"\"properties\":{\"schema_version\":"				\
	"{\"const\":\"cavra.aispm.dashboard.v1\"},"			\
	"\"overview\":{\"type\":\"object\",\"required\":"		\
	"[\"posture_score\",\"risk_level\"],\"properties\":"		\
	"{\"posture_score\":{\"type\":\"integer\",\"minimum\":0,"	\
	"\"maximum\":100},\"risk_level\":{\"enum\":[\"low\","		\
	"\"medium\",\"high\",\"critical\"]}}},"				\
	"\"agents\":{\"type\":\"array\"},"				\
	"\"findings\":{\"type\":\"array\"},"				\
	"\"approval_lineage\":{\"type\":\"array\"}}}"
#define SCHEMA_VALIDATION(v)	"{\"type\":\"object\",\"required\":"	\
	"[\"schema_version\",\"status\",\"valid\",\"checks\","		\
	"\"errors\",\"message\"],\"properties\":{\"schema_version\":"	\
	"{\"const\":\"" v "\"},\"status\":{\"const\":\"valid\"},"	\
	"\"valid\":{\"const\":true},\"checks\":{\"type\":\"object\"},"	\
	"\"errors\":{\"type\":\"array\",\"maxItems\":0},"		\
	"\"message\":{\"type\":\"string\"}}}"

static const struct cv_route routes[] = {
	{ CV_GET, "/aispm/dashboard/contract", h_contract, 0,
	    "AISPM dashboard contract: what Community serves, what only "
	    "Enterprise does", NULL, NULL,
	    SCHEMA_OBJ("cavra.aispm.contract.v1") },
	{ CV_GET, "/aispm/dashboard/sample", h_sample, 0,
	    "Deterministic sample posture dashboard", NULL, NULL,
	    SCHEMA_DASHBOARD },
	{ CV_GET, "/aispm/posture", h_posture, 0,
	    "Posture dashboard over the newest stored decisions and sessions",
	    NULL, window_params, SCHEMA_DASHBOARD },
	{ CV_GET, "/aispm/agents", h_piece, 0,
	    "Agents seen in decisions and sessions", &ep_agents,
	    window_params, SCHEMA_LIST("cavra.aispm.agents.v1") },
	{ CV_GET, "/aispm/findings", h_piece, 0,
	    "Risk findings: blocked, approval-gated, warned, critical or "
	    "high decisions", &ep_findings, window_params,
	    SCHEMA_LIST("cavra.aispm.findings.v1") },
	{ CV_GET, "/aispm/timeline", h_piece, 0,
	    "Session and decision events, newest first", &ep_timeline,
	    window_params, SCHEMA_LIST("cavra.aispm.timeline.v1") },
	{ CV_GET, "/aispm/control-coverage", h_piece, 0,
	    "Coverage of the six control surfaces", &ep_coverage,
	    window_params, SCHEMA_LIST("cavra.aispm.control_coverage.v1") },
	{ CV_GET, "/aispm/near-misses", h_piece, 0,
	    "Near misses: risky actions allowed with warning, approval or "
	    "attestation", &ep_near, window_params,
	    SCHEMA_LIST("cavra.aispm.near_misses.v1") },
	{ CV_GET, "/aispm/trace-replay/{session_id}", h_trace, 0,
	    "Public-safe replay of one session's decisions", NULL,
	    trace_params, SCHEMA_PACKET("cavra.aispm.trace_replay.v1") },
	{ CV_GET, "/aispm/approval-lineage", h_lineage, 0,
	    "Approvals with their decisions; people as role labels", NULL,
	    lineage_params, SCHEMA_PACKET("cavra.aispm.approval_lineage.v1") },
	{ CV_GET, "/aispm/behavior-fingerprints", h_piece, 0,
	    "Per-agent behaviour profiles and drift signals",
	    &ep_fingerprints, window_params,
	    SCHEMA_PACKET("cavra.aispm.behavior_fingerprints.v1") },
	{ CV_GET, "/aispm/policy-context-gaps", h_piece, 0,
	    "Decisions missing the business context their surface needs",
	    &ep_gaps, window_params,
	    SCHEMA_PACKET("cavra.aispm.policy_context_gaps.v1") },
	{ CV_GET, "/aispm/pre-action-risk-forecasts", h_piece, 0,
	    "Pre-action risk forecasts per decision", &ep_forecasts,
	    window_params,
	    SCHEMA_PACKET("cavra.aispm.pre_action_risk_forecasts.v1") },
	{ CV_GET, "/aispm/intent-action-drift", h_piece, 0,
	    "Declared intent against the requested action", &ep_drift,
	    window_params,
	    SCHEMA_PACKET("cavra.aispm.intent_action_drift.v1") },
	{ CV_GET, "/aispm/tool-chain-graph", h_piece, 0,
	    "Agent, tool, target and policy graph with hotspots",
	    &ep_tool_chain, window_params,
	    SCHEMA_PACKET("cavra.aispm.tool_chain_graph.v1") },
	{ CV_GET, "/aispm/agent-blast-radius", h_piece, 0,
	    "What each agent reached, scored", &ep_blast, window_params,
	    SCHEMA_PACKET("cavra.aispm.agent_blast_radius.v1") },
	{ CV_GET, "/aispm/control-coverage-heatmap", h_piece, 0,
	    "Coverage by agent, repository and control surface", &ep_heatmap,
	    window_params,
	    SCHEMA_PACKET("cavra.aispm.control_coverage_heatmap.v1") },
	{ CV_GET, "/aispm/evidence-confidence", h_piece, 0,
	    "Evidence confidence per decision and session", &ep_confidence,
	    window_params,
	    SCHEMA_PACKET("cavra.aispm.evidence_confidence.v1") },
	{ CV_GET, "/aispm/evidence-freshness", h_piece, 0,
	    "Evidence freshness and retention SLO", &ep_freshness,
	    window_params, SCHEMA_PACKET("cavra.aispm.evidence_freshness.v1") },
	{ CV_GET, "/aispm/executive-risk-narrative", h_piece, 0,
	    "Deterministic executive risk narrative", &ep_narrative,
	    window_params,
	    SCHEMA_PACKET("cavra.aispm.executive_risk_narrative.v1") },
	{ CV_GET, "/aispm/replay-to-policy-draft", h_piece, 0,
	    "Read-only policy pack draft from risky decisions", &ep_draft,
	    draft_params,
	    SCHEMA_PACKET("cavra.aispm.replay_to_policy_draft.v1") },
	{ CV_GET, "/aispm/replay-to-policy-tests", h_piece, 0,
	    "Test fixture for the replay-to-policy draft", &ep_tests,
	    draft_params,
	    SCHEMA_PACKET("cavra.aispm.replay_to_policy_tests.v1") },
	{ CV_POST, "/aispm/replay-to-policy-review-packet/validate",
	    h_validate, CV_BODY_JSON,
	    "Validate a replay-to-policy review packet (400 with "
	    "{path, message} errors when invalid)", &v_review, NULL,
	    SCHEMA_VALIDATION("cavra.aispm.review_packet_validation.v1"),
	    CV_RIGHT_READ },
	{ CV_POST, "/aispm/replay-to-policy-ci-gate-readiness/validate",
	    h_validate, CV_BODY_JSON,
	    "Validate a replay-to-policy CI gate readiness packet (400 with "
	    "{path, message} errors when invalid)", &v_ci_gate, NULL,
	    SCHEMA_VALIDATION("cavra.aispm.ci_gate_readiness_validation.v1"),
	    CV_RIGHT_READ },
	{ CV_GET, "/risk/events", aispm_risk_events, 0,
	    "Risk events: stored decisions other than allow, newest first "
	    "(filters, limit, offset)", NULL, aispm_risk_params,
	    aispm_schema_risk_events },
	{ CV_GET, "/compliance/mappings", aispm_compliance, 0,
	    "Compliance mappings declared by the policy packs "
	    "(compliance.maps_to and compliance.controls)", NULL, NULL,
	    aispm_schema_compliance },
};

static const struct cv_store_def *const stores[] = { &cv_store_activity,
    &cv_store_approvals, NULL };

CV_RESPONDER(
	.name = "cavra-aispm",
	.stores = stores);
