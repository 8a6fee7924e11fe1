/*
 * cavra-activity: POST /decisions (evaluate an agent's action against a
 * policy pack, persist the decision and refresh its session), and the
 * decision and session resources (lists, lookups, session upserts).
 *
 * Decisions are stored behind (cv_db.h): acknowledged once journalled,
 * stored in batches whose sessions are refreshed together (apply_batch()).
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cavra.h"
#include "cv_auth.h"
#include "cv_policy.h"

#define DEFAULT_PACK	"cavra-ai-agent-baseline"

/* Values a stored decision may carry (reference store validator). */
static const char *const decisions[] = { "allow", "allow_with_attestation",
    "audit_only", "block", "require_approval", "warn", NULL };
static const char *const severities[] = { "low", "medium", "high",
    "critical", NULL };
static const char *const states[] = { "active", "completed", "failed",
    "archived", NULL };

/* The record's own keys, in response order; anything else a client sends
 * with POST /decisions is kept after them. */
static const char *const decision_keys[] = { "schema_version",
    "decision_id", "session_id", "agent_id", "actor", "repository",
    "action_type", "target", "requested_operation", "policy_pack",
    "policy_id", "rule_id", "decision", "severity", "reason",
    "evidence_refs", "approver_group", "timestamp", "correlation_id", NULL };

/*
 * Reads an optional scalar field as a string: a string as is, a number or
 * boolean as its JSON text (as the reference stringifies them); absent,
 * null or "" gives dflt.  An object or array fails with 422.
 */
static enum cv_err
scalar(struct cv_req *req, struct json_object *o, const char *key,
    const char *dflt, const char **out)
{
	struct json_object	*v;

	*out = dflt;
	if (!json_object_object_get_ex(o, key, &v) || v == NULL)
		return CV_OK;
	switch (json_object_get_type(v)) {
	case json_type_object:
	case json_type_array:
		return cv_fail_field(req, CV_EUNPROC, key,
		    "%s must be a string", key);
	case json_type_string:
		if (json_object_get_string_len(v) > CV_FIELD_MAX)
			return cv_fail_field(req, CV_EUNPROC, key,
			    "%s is longer than %d bytes", key, CV_FIELD_MAX);
		if (json_object_get_string_len(v) > 0)
			*out = json_object_get_string(v);
		return CV_OK;
	default:
		*out = cv_json_key(req->arena, v);
		return CV_OK;
	}
}

/* Optional string field: absent or null gives dflt; anything but a
 * string fails with 422. */
static enum cv_err
string(struct cv_req *req, struct json_object *o, const char *key,
    const char *dflt, const char **out)
{
	switch (cv_json_str(o, key, out)) {
	case CV_JGET_ABSENT:
		*out = dflt;
		return CV_OK;
	case CV_JGET_TYPE:
		return cv_fail_field(req, CV_EUNPROC, key,
		    "%s must be a string", key);
	default:
		if (strlen(*out) > CV_FIELD_MAX)
			return cv_fail_field(req, CV_EUNPROC, key,
			    "%s is longer than %d bytes", key, CV_FIELD_MAX);
		return CV_OK;
	}
}

/*
 * Appends the strings of `add` that `dst` does not hold yet, then drops
 * the oldest entries past CV_SESSION_REFS_MAX: a session keeps the
 * references of its latest decisions (GET /decisions?session_id= lists
 * them all), so its record stays small however long it runs.
 */
static void
union_refs(struct json_object *dst, struct json_object *add)
{
	const char	*s;
	size_t		 i, j, n, len;
	int		 seen;

	n = json_object_array_length(add);
	for (i = 0; i < n; i++) {
		s = json_object_get_string(json_object_array_get_idx(add, i));
		if (s == NULL)
			continue;
		seen = 0;
		len = json_object_array_length(dst);
		for (j = 0; j < len && !seen; j++)
			seen = strcmp(s, json_object_get_string(
			    json_object_array_get_idx(dst, j))) == 0;
		if (!seen)
			json_object_array_add(dst, json_object_new_string(s));
	}
	len = json_object_array_length(dst);
	if (len > CV_SESSION_REFS_MAX)
		json_object_array_del_idx(dst, 0, len - CV_SESSION_REFS_MAX);
}

/*
 * Counts the session's decisions into sess: decision_count,
 * blocked_count, approval_required_count.  Inside the caller's
 * transaction, so the counts match what is stored.
 */
static enum cv_err
count_into(struct cv_store *s, const char *sid, struct json_object *sess)
{
	static const struct {
		const char	*key;
		const char	*decision;
	} counts[] = {
		{ "decision_count", NULL },
		{ "blocked_count", "block" },
		{ "approval_required_count", "require_approval" },
	};
	struct cv_filter	 f[2] = { { "session_id", sid },
	    { "decision", NULL } };
	enum cv_err		 rc;
	size_t			 i, n;

	for (i = 0; i < nitems(counts); i++) {
		f[1].value = counts[i].decision;
		if ((rc = cv_store_count(s, CV_COLL_DECISIONS, f,
		    counts[i].decision != NULL ? 2 : 1, &n)) != CV_OK)
			return rc;
		cv_json_add_int(sess, counts[i].key, (int64_t)n);
	}
	return CV_OK;
}

/*
 * Adds the n decisions ds to the counts of the stored session `old`,
 * whose counts already cover the session's earlier decisions.  Returns 0
 * when old lacks a count (then the caller recounts).
 */
static int
add_counts(struct json_object *old, struct json_object *const *ds,
    size_t n, struct json_object *s)
{
	const char	*dec;
	int64_t		 c, b, a;
	size_t		 i;

	if (cv_json_int(old, "decision_count", &c) != CV_JGET_OK ||
	    cv_json_int(old, "blocked_count", &b) != CV_JGET_OK ||
	    cv_json_int(old, "approval_required_count", &a) != CV_JGET_OK)
		return 0;
	for (i = 0; i < n; i++) {
		dec = cv_json_str_or(ds[i], "decision", "");
		c++;
		b += strcmp(dec, "block") == 0;
		a += strcmp(dec, "require_approval") == 0;
	}
	cv_json_add_int(s, "decision_count", c);
	cv_json_add_int(s, "blocked_count", b);
	cv_json_add_int(s, "approval_required_count", a);
	return 1;
}

/*
 * Refreshes session sid after its n decisions ds (just stored, in the
 * same transaction) were added.  The session takes the identity fields
 * of the latest of them, its state becomes active, updated_at becomes
 * that decision's timestamp, their evidence refs are added, and the
 * counts move on: the session follows its latest decision (a deliberate
 * difference from the reference, which freezes updated_at and
 * evidence_refs at the first decision).  prior says whether the session
 * had decisions before ds: then its stored counts are derived from them
 * and ds are added; otherwise they are recounted, so a summary made by
 * POST /sessions before any decision gives way to the real counts, as in
 * the reference.  Inside the transaction open on st; store errors are
 * returned as they are.
 */
static enum cv_err
refresh_session(struct cv_store *st, struct cv_arena *ar, const char *sid,
    struct json_object *const *ds, size_t n, int prior)
{
	static const char *const ident[] = { "agent_id", "actor",
	    "repository", "policy_pack", NULL };
	struct json_object	*old = NULL, *s, *refs, *v, *last = ds[0];
	const char		*const *k;
	enum cv_err		 rc;
	size_t			 i;

	/* The latest: the first in the store's order (newest first). */
	for (i = 1; i < n; i++)
		if (cv_store_order_cmp(ar, &cv_store_activity.colls[
		    CV_COLL_DECISIONS], ds[i], last) < 0)
			last = ds[i];
	rc = cv_store_get(st, CV_COLL_SESSIONS, sid, &old);
	if (rc != CV_OK && rc != CV_ENOENT)
		return rc;
	s = json_object_new_object();
	cv_json_add_str(s, "schema_version", "cavra.session.v1");
	cv_json_add_str(s, "session_id", sid);
	for (k = ident; *k != NULL; k++)
		json_object_object_add(s, *k,
		    json_object_get(json_object_object_get(last, *k)));
	cv_json_add_str(s, "state", "active");
	cv_json_add_str(s, "started_at", cv_json_str_or(old, "started_at",
	    cv_json_str_or(ds[0], "timestamp", "")));
	cv_json_add_str(s, "updated_at", cv_json_str_or(last, "timestamp",
	    ""));
	if ((old == NULL || !prior || !add_counts(old, ds, n, s)) &&
	    (rc = count_into(st, sid, s)) != CV_OK)
		goto out;
	refs = json_object_new_array();
	if (cv_json_arr(old, "evidence_refs", &v) == CV_JGET_OK)
		union_refs(refs, v);
	for (i = 0; i < n; i++)
		union_refs(refs, json_object_object_get(ds[i],
		    "evidence_refs"));
	json_object_object_add(s, "evidence_refs", refs);
	/* Fields of the old record this function does not own stay. */
	if (old != NULL) {
		json_object_object_foreach(old, key, val) {
			if (!json_object_object_get_ex(s, key, NULL))
				json_object_object_add(s, key,
				    json_object_get(val));
		}
	}
	rc = cv_store_put(st, CV_COLL_SESSIONS, s);
out:
	json_object_put(s);
	json_object_put(old);
	return rc;
}

/* A decision of a batch with its session, for grouping by session. */
struct dref {
	struct json_object	*d;
	const char		*sid;
	size_t			 pos;
};

/* By session id, then by position in the batch. */
static int
dref_cmp(const void *a, const void *b)
{
	const struct dref	*x = a, *y = b;
	int			 c;

	if ((c = strcmp(x->sid, y->sid)) != 0)
		return c;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/*
 * The write-behind apply() of decisions: stores the n decisions ds (any
 * number) and refreshes each of their sessions once, inside the
 * transaction open on s.  Store errors are returned.
 */
static enum cv_err
apply_batch(struct cv_store *s, struct json_object *const *ds, size_t n)
{
	struct cv_filter	 f = { "session_id", NULL };
	struct cv_arena		 ar;
	struct json_object	**grp;
	struct dref		*r;
	char			*text;
	size_t			 i, j, k, len;
	int			*prior;
	enum cv_err		 rc = CV_OK;

	if (n == 0)
		return CV_OK;
	cv_arena_init(&ar);
	r = cv_xcalloc(n, sizeof(*r));
	grp = cv_xcalloc(n, sizeof(*grp));
	prior = cv_xcalloc(n, sizeof(*prior));
	for (i = 0; i < n; i++) {
		r[i].d = ds[i];
		r[i].sid = cv_json_str_or(ds[i], "session_id", "");
		r[i].pos = i;
	}
	qsort(r, n, sizeof(*r), dref_cmp);
	/* Whether each session had decisions before this batch (one row
	 * as stored text, uncounted and unparsed: cheap however long the
	 * session is). */
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && strcmp(r[j].sid, r[i].sid) == 0; j++)
			;
		f.value = r[i].sid;
		if ((rc = cv_store_list_json(s, CV_COLL_DECISIONS, &f,
		    1, 1, 0, &text, &len, NULL)) != CV_OK)
			goto out;
		free(text);
		prior[i] = len > 2;
	}
	if ((rc = cv_decision_insert_all(s, ds, n)) != CV_OK)
		goto out;
	for (i = 0; i < n; i = j) {
		for (j = i, k = 0; j < n && strcmp(r[j].sid, r[i].sid) == 0;
		    j++)
			grp[k++] = r[j].d;
		if ((rc = refresh_session(s, &ar, r[i].sid, grp, k,
		    prior[i])) != CV_OK)
			goto out;
	}
out:
	cv_arena_free(&ar);
	free(prior);
	free(grp);
	free(r);
	return rc;
}

/*
 * The write-behind stored() of decisions: a decision read back from a
 * journal is stored already when a decision with its decision_id and
 * correlation_id is.  Store errors are returned.
 */
static enum cv_err
decision_stored(struct cv_store *s, struct json_object *d, int *yes)
{
	struct json_object	*old = NULL;
	const char		*id;
	enum cv_err		 rc;

	*yes = 0;
	if (cv_json_str(d, "decision_id", &id) != CV_JGET_OK) {
		cv_log("cavra-activity: journal: a record without decision_id; "
		    "skipped");
		*yes = 1;
		return CV_OK;
	}
	rc = cv_store_get(s, CV_COLL_DECISIONS, id, &old);
	if (rc == CV_OK)
		*yes = strcmp(cv_json_str_or(old, "correlation_id", ""),
		    cv_json_str_or(d, "correlation_id", "-")) == 0;
	json_object_put(old);
	return rc == CV_ENOENT ? CV_OK : rc;
}

static const struct cv_behind decision_behind = {
	.what = "decision",
	.id_field = "decision_id",
	.apply = apply_batch,
	.stored = decision_stored,
};

/*
 * The agent_id of a decision (*agent, from the body or its default) for
 * a bearer bound to an agent (CAVRA_API_ACCESS_FILE): a body without
 * agent_id decides as the bound agent; one that names another agent is
 * 403.
 */
static enum cv_err
decide_as(struct cv_req *req, struct json_object *b, const char **agent)
{
	const char	*bound, *named;
	enum cv_err	 rc;

	if ((bound = cv_access_bound_agent(req)) == NULL || *bound == '\0')
		return CV_OK;
	if ((rc = scalar(req, b, "agent_id", NULL, &named)) != CV_OK)
		return rc;
	if (named != NULL && strcmp(named, bound) != 0)
		return cv_fail_field(req, CV_EPERM, "agent_id", "this token "
		    "decides only as agent_id %s", bound);
	*agent = bound;
	return CV_OK;
}

/*
 * POST /decisions: validates the action, evaluates it against the pack,
 * and stores the `cavra.decision.v1` record with the request's other
 * fields, refreshing its session, by write-behind (cv_db_submit(): the
 * journal, or a transaction shared with the decisions of other threads).
 * 404 unknown pack; 422 missing or invalid action_type or target, a
 * non-scalar identity field; 400 a pack that does not load.
 */
static enum cv_err
h_decide(struct cv_req *req, struct cv_resp *resp)
{
	struct json_object	*b = req->json, *d, *server = NULL;
	struct json_object	*repo, *local;
	const struct cv_pack	*pack;
	struct cv_action	 act;
	struct cv_verdict	 v;
	struct cv_decision_ids	 ids;
	const char		*pack_id, *sid, *agent, *actor, *text;
	char			*body = NULL, ts[CV_TS_LEN], errbuf[512];
	const char *const	*k;
	size_t			 len = 0;
	enum cv_err		 rc;

	memset(&act, 0, sizeof(act));
	if ((rc = string(req, b, "policy_pack", DEFAULT_PACK, &pack_id)) !=
	    CV_OK || (rc = scalar(req, b, "session_id", "local", &sid)) !=
	    CV_OK || (rc = scalar(req, b, "agent_id", "unknown-agent",
	    &agent)) != CV_OK || (rc = scalar(req, b, "actor", "ai-agent",
	    &actor)) != CV_OK || (rc = decide_as(req, b, &agent)) != CV_OK)
		return rc;
	if (*pack_id == '\0')
		pack_id = DEFAULT_PACK;
	switch (cv_json_str(b, "action_type", &act.action_type)) {
	case CV_JGET_OK:
		if (cv_action_type_valid(act.action_type))
			break;
		/* FALLTHROUGH */
	default:
		return cv_fail_field(req, CV_EUNPROC, "action_type",
		    "action_type must be one of: %s",
		    cv_arena_join(req->arena, cv_action_types));
	}
	if ((rc = string(req, b, "target", NULL, &act.target)) != CV_OK)
		return rc;
	if (act.target == NULL && strcmp(act.action_type, "git_operation") &&
	    strcmp(act.action_type, "mcp_tool_call"))
		return cv_fail_field(req, CV_EUNPROC, "target",
		    "target is required for %s and must be a string",
		    act.action_type);
	if ((rc = string(req, b, "operation", "push", &act.operation)) !=
	    CV_OK || (rc = scalar(req, b, "server", "unknown", &act.server)) !=
	    CV_OK || (rc = scalar(req, b, "tool", "unknown", &act.tool)) !=
	    CV_OK || (rc = string(req, b, "capability", NULL,
	    &act.capability)) != CV_OK)
		return rc;
	if (act.operation == NULL || *act.operation == '\0')
		act.operation = "push";

	if ((rc = cv_policy_get(pack_id, &pack, errbuf, sizeof(errbuf))) !=
	    CV_OK)
		return cv_fail_field(req, rc == CV_ENOENT ? CV_ENOENT :
		    CV_EINVAL, "policy_pack", "%s", errbuf);
	if (strcmp(act.action_type, "mcp_tool_call") == 0) {
		if ((rc = cv_rs_find(req, &cv_rs_mcp_servers, act.server,
		    &server)) != CV_OK)
			return rc;
		cv_policy_eval_mcp_registry(server, &act, req->arena, &v);
		json_object_put(server);
	} else if ((rc = cv_policy_eval(pack, &act, req->arena, &v)) !=
	    CV_OK)
		return cv_fail(req, rc, "cannot evaluate %s", act.action_type);

	repo = json_object_object_get(b, "repository");
	cv_ts_now(ts, sizeof(ts));
	ids.decision_id = cv_time_id(req->arena, "dec_", CV_ID_HEX);
	ids.session_id = sid;
	ids.agent_id = agent;
	ids.actor = actor;
	ids.policy_pack = pack_id;
	ids.timestamp = ts;
	ids.correlation_id = cv_rand_id(req->arena, "corr_", CV_ID_HEX);
	local = json_object_new_string("local");
	ids.repository = cv_json_truthy(repo) ? repo : local;
	d = cv_decision_new(&v, &ids);
	json_object_put(local);
	/* The request's other fields (intent, tool, context, labels, ...)
	 * are kept for the posture analytics. */
	{
		json_object_object_foreach(b, key, val) {
			for (k = decision_keys; *k != NULL; k++)
				if (strcmp(*k, key) == 0)
					break;
			if (*k == NULL)
				json_object_object_add(d, key,
				    json_object_get(val));
		}
	}

	/* The answer is the stored text; d goes to the store. */
	text = json_object_to_json_string_length(d, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE, &len);
	body = cv_arena_alloc(req->arena, len + 1);
	memcpy(body, text, len + 1);
	if ((rc = cv_db_submit(cv_db(&cv_store_activity), d, body, len)) !=
	    CV_OK)
		return cv_rs_store_fail(req, &cv_store_activity, rc);
	cv_resp_bytes(resp, 200, "application/json", body, len);
	return CV_OK;
}

/*
 * The finish() of POST /sessions, inside its write transaction on st:
 * fills the fields of session s that the request (merged over the stored
 * record) left out from the session's stored decisions: identity fields
 * (first non-empty value), started_at/updated_at (min/max timestamp),
 * evidence_refs (union in first-seen order); then the defaults.  Counts
 * always come from the decisions when there are any.  Store errors are
 * 500/503 problems.
 */
static enum cv_err
derive_session(struct cv_req *req, struct cv_store *st, struct json_object *s,
    struct json_object *old)
{
	static const struct cv_kv ident[] = { { "agent_id", "unknown-agent" },
	    { "actor", "ai-agent" }, { "repository", "local" },
	    { "policy_pack", DEFAULT_PACK } };
	const char		*sid = cv_json_str_or(s, "session_id", "");
	struct cv_filter	 f = { "session_id", sid };
	struct json_object	*ds = NULL, *first = NULL, *d, *v, *refs;
	const char		*ts, *lo = NULL, *hi = NULL;
	char			 now[CV_TS_LEN];
	enum cv_err		 rc;
	size_t			 i, j, n, total;

	(void)old;
	/* The latest decisions (newest first) and the very first one. */
	if ((rc = cv_store_list(st, CV_COLL_DECISIONS, &f, 1,
	    CV_SESSION_REFS_MAX, 0, &ds, &total)) != CV_OK)
		return cv_rs_store_fail(req, &cv_store_activity, rc);
	if (total > CV_SESSION_REFS_MAX) {
		if ((rc = cv_store_list(st, CV_COLL_DECISIONS, &f, 1, 1,
		    total - 1, &first, NULL)) != CV_OK) {
			json_object_put(ds);
			return cv_rs_store_fail(req, &cv_store_activity, rc);
		}
		json_object_array_add(ds, json_object_get(
		    json_object_array_get_idx(first, 0)));
		json_object_put(first);
	}
	n = json_object_array_length(ds);
	/* Store order is newest first: walk oldest first. */
	for (i = 0; i < nitems(ident); i++) {
		v = json_object_object_get(s, ident[i].name);
		if (cv_json_truthy(v))
			continue;
		for (j = n; j > 0; j--) {
			d = json_object_array_get_idx(ds, j - 1);
			v = json_object_object_get(d, ident[i].name);
			if (cv_json_truthy(v))
				break;
		}
		json_object_object_add(s, ident[i].name, j > 0 ?
		    json_object_get(v) : json_object_new_string(
		    ident[i].value));
	}
	for (j = 0; j < n; j++) {
		ts = cv_json_str_or(json_object_array_get_idx(ds, j),
		    "timestamp", NULL);
		if (ts == NULL)
			continue;
		if (lo == NULL || strcmp(ts, lo) < 0)
			lo = ts;
		if (hi == NULL || strcmp(ts, hi) > 0)
			hi = ts;
	}
	cv_ts_now(now, sizeof(now));
	if (!json_object_object_get_ex(s, "started_at", &v) || v == NULL)
		cv_json_add_str(s, "started_at", lo != NULL ? lo : now);
	if (!json_object_object_get_ex(s, "updated_at", &v) || v == NULL)
		cv_json_add_str(s, "updated_at", hi != NULL ? hi : now);
	if (!json_object_object_get_ex(s, "evidence_refs", &v) || v == NULL) {
		refs = json_object_new_array();
		for (j = n; j > 0; j--)
			union_refs(refs, json_object_object_get(
			    json_object_array_get_idx(ds, j - 1),
			    "evidence_refs"));
		json_object_object_add(s, "evidence_refs", refs);
	}
	json_object_put(ds);
	if (n > 0 && (rc = count_into(st, sid, s)) != CV_OK)
		return cv_rs_store_fail(req, &cv_store_activity, rc);
	return CV_OK;
}

/* The decision record (cavra.decision.v1): lists, lookups, schemas. */
static const struct cv_field decision_fields[] = {
	{ "session_id", CV_F_STRING, CV_FF_FILTER, "local" },
	{ "agent_id", CV_F_STRING, CV_FF_FILTER, "unknown-agent" },
	{ "actor", CV_F_STRING, 0, "ai-agent" },
	{ "repository", CV_F_ANY, CV_FF_FILTER, "local" },
	{ "action_type", CV_F_STRING, CV_FF_FILTER, "unknown" },
	{ "target", CV_F_STRING, 0, "" },
	{ "requested_operation", CV_F_STRING, 0, "" },
	{ "policy_pack", CV_F_STRING, CV_FF_FILTER, DEFAULT_PACK },
	{ "policy_id", CV_F_STRING, 0, DEFAULT_PACK },
	{ "rule_id", CV_F_STRING, 0, "runtime.default" },
	{ "decision", CV_F_ENUM, CV_FF_FILTER, "audit_only", decisions },
	{ "severity", CV_F_ENUM, CV_FF_FILTER, "low", severities },
	{ "reason", CV_F_STRING, 0, NULL },
	{ "evidence_refs", CV_F_STRLIST },
	{ "approver_group", CV_F_STRING, 0, NULL },
	{ "timestamp", CV_F_TIME, CV_FF_NOW },
	{ "correlation_id", CV_F_STRING, 0, "" },
};

static const struct cv_resource decision_rs = {
	.what = "decision",
	.schema_version = "cavra.decision.v1",
	.store = &cv_store_activity,
	.coll = CV_COLL_DECISIONS,
	.id_field = "decision_id",
	.fields = decision_fields,
	.nfields = nitems(decision_fields),
	.flags = CV_RS_PAGED | CV_RS_AGENT_OWNED,
	.doc = "A decision of the policy engine on one agent action",
};

/* The session summary (cavra.session.v1): POST merges the body over the
 * stored record; derive_session() fills in the rest. */
static const struct cv_field session_fields[] = {
	{ "agent_id", CV_F_STRING, CV_FF_FILTER | CV_FF_OPTIONAL },
	{ "actor", CV_F_STRING, CV_FF_OPTIONAL },
	{ "repository", CV_F_ANY, CV_FF_FILTER | CV_FF_OPTIONAL },
	{ "policy_pack", CV_F_STRING, CV_FF_FILTER | CV_FF_OPTIONAL },
	{ "state", CV_F_ENUM, CV_FF_FILTER, "active", states, NULL,
	    "status" },
	{ "started_at", CV_F_TIME, CV_FF_OPTIONAL },
	{ "updated_at", CV_F_TIME, CV_FF_OPTIONAL },
	{ "decision_count", CV_F_INT, 0, "0" },
	{ "blocked_count", CV_F_INT, 0, "0" },
	{ "approval_required_count", CV_F_INT, 0, "0" },
	{ "evidence_refs", CV_F_STRLIST, CV_FF_SCALARS | CV_FF_OPTIONAL },
};

static const struct cv_resource session_rs = {
	.what = "session",
	.schema_version = "cavra.session.v1",
	.store = &cv_store_activity,
	.coll = CV_COLL_SESSIONS,
	.id_field = "session_id",
	.fields = session_fields,
	.nfields = nitems(session_fields),
	.flags = CV_RS_PAGED | CV_RS_MERGE | CV_RS_AGENT_OWNED,
	.finish = derive_session,
	.doc = "A session summary: the agent's run and its decision counts",
};

/*
 * Starts write-behind of decisions (journal, or group commit with
 * several workers), storing what a crashed process left first.
 */
static enum cv_err
worker_init(void)
{
	return cv_db_behind(cv_db(&cv_store_activity), &decision_behind,
	    cv_journal_delay_ms(), cv_serve_workers() > 1);
}

/* At start: the default pack must load. */
static enum cv_err
init(void)
{
	return cv_policy_check_default("cavra-activity");
}

static const struct cv_route routes[] = {
	{ CV_POST, "/decisions", h_decide, CV_BODY_JSON,
	    "Evaluate an agent action and persist the decision", &decision_rs,
	    NULL, "{\"$ref\":\"#/components/schemas/Decision\"}",
	    CV_RIGHT_DECIDE },
	{ CV_GET, "/decisions", cv_rs_list, 0,
	    "List decisions (filters, limit, offset)", &decision_rs,
	    .right = CV_RIGHT_AGENT_READ },
	{ CV_GET, "/decisions/{decision_id}", cv_rs_get, 0,
	    "Fetch one decision", &decision_rs,
	    .right = CV_RIGHT_AGENT_READ },
	{ CV_POST, "/sessions", cv_rs_upsert, CV_BODY_JSON,
	    "Create or update a session summary", &session_rs },
	{ CV_GET, "/sessions", cv_rs_list, 0,
	    "List sessions (filters, limit, offset)", &session_rs,
	    .right = CV_RIGHT_AGENT_READ },
	{ CV_GET, "/sessions/{session_id}", cv_rs_get, 0,
	    "Fetch one session summary", &session_rs,
	    .right = CV_RIGHT_AGENT_READ },
};

static const struct cv_store_def *const stores[] = { &cv_store_activity,
    &cv_store_registry, NULL };

CV_RESPONDER(
	.name = "cavra-activity",
	.stores = stores,
	.init = init,
	.worker_init = worker_init,
	/* One process whose threads share the store: decisions go through
	 * the journal and are stored in bulk, and no other process's
	 * commits invalidate its page cache. */
	.workers = 1,
	.threads = CV_ACTIVITY_THREADS);
