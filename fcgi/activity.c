/*
 * cavra-activity: POST /decisions (evaluate an agent's action against a
 * policy pack, persist the decision and refresh its session), decision
 * and session lookups and lists, and session upserts.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cavra.h"
#include "cv_policy.h"

#define DEFAULT_PACK	"cavra-ai-agent-baseline"

static struct cv_store	*activity;	/* per worker */
static struct cv_store	*registry;	/* per worker: MCP trust registry */

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

static int
in_list(const char *const *list, const char *s)
{
	for (; *list != NULL; list++)
		if (strcmp(*list, s) == 0)
			return 1;
	return 0;
}

/* "a, b, c" of a NULL-terminated list, in the arena. */
static char *
join(struct cv_arena *a, const char *const *list)
{
	char	*s = cv_arena_strdup(a, "");

	for (; *list != NULL; list++)
		s = cv_arena_printf(a, "%s%s%s", s, *s ? ", " : "", *list);
	return s;
}

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
 * Normalises evidence references: a string is a one-item list, a list
 * keeps its non-null items as strings, null or absent is [].  Returns a
 * new array, or NULL (with a 400 recorded) for any other type.
 */
static struct json_object *
evidence_refs(struct cv_req *req, struct json_object *v, const char *what)
{
	struct json_object	*a, *it;
	size_t			 i, n;

	a = json_object_new_array();
	if (v == NULL)
		return a;
	if (json_object_is_type(v, json_type_string)) {
		json_object_array_add(a, json_object_get(v));
		return a;
	}
	if (!json_object_is_type(v, json_type_array)) {
		json_object_put(a);
		cv_fail_field(req, CV_EINVAL, "evidence_refs", "invalid %s: "
		    "evidence_refs must be a string or a list", what);
		return NULL;
	}
	n = json_object_array_length(v);
	for (i = 0; i < n; i++) {
		it = json_object_array_get_idx(v, i);
		if (it == NULL)
			continue;
		if (json_object_is_type(it, json_type_object) ||
		    json_object_is_type(it, json_type_array)) {
			json_object_put(a);
			cv_fail_field(req, CV_EINVAL, "evidence_refs",
			    "invalid %s: evidence_refs items must be strings",
			    what);
			return NULL;
		}
		json_object_array_add(a, json_object_is_type(it,
		    json_type_string) ? json_object_get(it) :
		    json_object_new_string(cv_json_key(req->arena, it)));
	}
	return a;
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

static enum cv_err
store_err(struct cv_req *req, enum cv_err rc)
{
	return cv_fail(req, rc, rc == CV_EBUSY ? "activity store is busy; "
	    "retry" : "activity store failed");
}

/*
 * Counts the session's decisions into sess: decision_count,
 * blocked_count, approval_required_count.  Inside the caller's
 * transaction, so the counts match what is stored.
 */
static enum cv_err
count_into(struct cv_req *req, const char *sid, struct json_object *sess,
    size_t *total)
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
		if ((rc = cv_store_count(activity, CV_COLL_DECISIONS, f,
		    counts[i].decision != NULL ? 2 : 1, &n)) != CV_OK)
			return store_err(req, rc);
		if (i == 0)
			*total = n;
		cv_json_add_int(sess, counts[i].key, (int64_t)n);
	}
	return CV_OK;
}

/*
 * Adds decision d to the counts of the stored session `old`, whose counts
 * already cover the session's earlier decisions.  Returns 0 when old
 * lacks a count (then the caller recounts).
 */
static int
add_counts(struct json_object *old, struct json_object *d,
    struct json_object *s)
{
	const char	*dec;
	int64_t		 n, b, a;

	if (cv_json_int(old, "decision_count", &n) != CV_JGET_OK ||
	    cv_json_int(old, "blocked_count", &b) != CV_JGET_OK ||
	    cv_json_int(old, "approval_required_count", &a) != CV_JGET_OK)
		return 0;
	dec = cv_json_str_or(d, "decision", "");
	cv_json_add_int(s, "decision_count", n + 1);
	cv_json_add_int(s, "blocked_count", b + (strcmp(dec, "block") == 0));
	cv_json_add_int(s, "approval_required_count", a +
	    (strcmp(dec, "require_approval") == 0));
	return 1;
}

/*
 * Refreshes the session of decision d after d was stored (within the
 * same transaction).  The session takes d's identity fields, its state
 * becomes active, updated_at becomes d's timestamp, d's evidence refs
 * are added, and the counts move on: the session follows its latest
 * decision (a deliberate difference from the reference, which freezes
 * updated_at and evidence_refs at the first decision).  prior says
 * whether the session had decisions before d: then its stored counts are
 * derived from them and d is added; otherwise they are recounted, so a
 * summary made by POST /sessions before any decision gives way to the
 * real counts, as in the reference.
 */
static enum cv_err
refresh_session(struct cv_req *req, struct json_object *d, int prior)
{
	static const char *const ident[] = { "agent_id", "actor",
	    "repository", "policy_pack", NULL };
	struct json_object	*old = NULL, *s, *refs, *v;
	const char		*sid, *ts, *const *k;
	enum cv_err		 rc;
	size_t			 total;

	sid = json_object_get_string(json_object_object_get(d, "session_id"));
	ts = json_object_get_string(json_object_object_get(d, "timestamp"));
	rc = cv_store_get(activity, CV_COLL_SESSIONS, sid, &old);
	if (rc != CV_OK && rc != CV_ENOENT)
		return store_err(req, rc);
	s = json_object_new_object();
	cv_json_add_str(s, "schema_version", "cavra.session.v1");
	cv_json_add_str(s, "session_id", sid);
	for (k = ident; *k != NULL; k++)
		json_object_object_add(s, *k,
		    json_object_get(json_object_object_get(d, *k)));
	cv_json_add_str(s, "state", "active");
	cv_json_add_str(s, "started_at", cv_json_str_or(old, "started_at",
	    ts));
	cv_json_add_str(s, "updated_at", ts);
	if ((old == NULL || !prior || !add_counts(old, d, s)) &&
	    (rc = count_into(req, sid, s, &total)) != CV_OK)
		goto out;
	refs = json_object_new_array();
	if (cv_json_arr(old, "evidence_refs", &v) == CV_JGET_OK)
		union_refs(refs, v);
	union_refs(refs, json_object_object_get(d, "evidence_refs"));
	json_object_object_add(s, "evidence_refs", refs);
	/* Fields of the old record this function does not own stay. */
	if (old != NULL) {
		json_object_object_foreach(old, key, val) {
			if (!json_object_object_get_ex(s, key, NULL))
				json_object_object_add(s, key,
				    json_object_get(val));
		}
	}
	if ((rc = cv_store_put(activity, CV_COLL_SESSIONS, s)) != CV_OK)
		rc = store_err(req, rc);
out:
	json_object_put(s);
	json_object_put(old);
	return rc;
}

/*
 * Looks up the MCP trust registry record of `server` (by server_id, else
 * by name).  *out is a new reference or NULL when unregistered.
 */
static enum cv_err
mcp_lookup(struct cv_req *req, const char *server, struct json_object **out)
{
	struct cv_filter	 f = { "name", server };
	struct json_object	*items = NULL;
	enum cv_err		 rc;
	size_t			 total;

	*out = NULL;
	rc = cv_store_get(registry, CV_COLL_MCP_SERVERS, server, out);
	if (rc == CV_ENOENT) {
		rc = cv_store_list(registry, CV_COLL_MCP_SERVERS, &f, 1, 1, 0,
		    &items, &total);
		if (rc == CV_OK && json_object_array_length(items) > 0)
			*out = json_object_get(json_object_array_get_idx(items,
			    0));
	}
	json_object_put(items);
	if (rc != CV_OK)
		return cv_fail(req, rc, "MCP trust registry failed");
	return CV_OK;
}

/*
 * POST /decisions: validates the action, evaluates it against the pack,
 * stores the `cavra.decision.v1` record with the request's other fields,
 * and refreshes the session, in one store transaction.
 * 404 unknown pack; 422 missing or invalid action_type or target, a
 * non-scalar identity field; 400 a pack that does not load.
 */
static enum cv_err
h_decide(struct cv_req *req, struct cv_resp *resp)
{
	struct json_object	*b = req->json, *d = NULL, *server = NULL;
	struct json_object	*repo;
	struct cv_filter	 prior_f = { "session_id", NULL };
	char			*prior = NULL;	/* "[]" or one record */
	size_t			 priorlen = 0;
	const struct cv_pack	*pack;
	struct cv_action	 act;
	struct cv_verdict	 v;
	const char		*pack_id, *sid, *agent, *actor;
	char			*did, ts[CV_TS_LEN], errbuf[512];
	const char *const	*k;
	enum cv_err		 rc;
	int			 intx = 0;

	memset(&act, 0, sizeof(act));
	if ((rc = string(req, b, "policy_pack", DEFAULT_PACK, &pack_id)) !=
	    CV_OK || (rc = scalar(req, b, "session_id", "local", &sid)) !=
	    CV_OK || (rc = scalar(req, b, "agent_id", "unknown-agent",
	    &agent)) != CV_OK || (rc = scalar(req, b, "actor", "ai-agent",
	    &actor)) != CV_OK)
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
		    "action_type must be one of: %s", join(req->arena,
		    cv_action_types));
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
		if ((rc = mcp_lookup(req, act.server, &server)) != CV_OK)
			return rc;
		cv_policy_eval_mcp_registry(server, &act, req->arena, &v);
		json_object_put(server);
	} else if ((rc = cv_policy_eval(pack, &act, req->arena, &v)) !=
	    CV_OK)
		return cv_fail(req, rc, "cannot evaluate %s", act.action_type);

	did = cv_rand_id(req->arena, "dec_", 12);
	cv_ts_now(ts, sizeof(ts));
	d = json_object_new_object();
	cv_json_add_str(d, "schema_version", "cavra.decision.v1");
	cv_json_add_str(d, "decision_id", did);
	cv_json_add_str(d, "session_id", sid);
	cv_json_add_str(d, "agent_id", agent);
	cv_json_add_str(d, "actor", actor);
	repo = json_object_object_get(b, "repository");
	json_object_object_add(d, "repository", cv_json_truthy(repo) ?
	    json_object_get(repo) : json_object_new_string("local"));
	cv_json_add_str(d, "action_type", v.action_type);
	cv_json_add_str(d, "target", v.target);
	cv_json_add_str(d, "requested_operation", v.requested_operation);
	cv_json_add_str(d, "policy_pack", pack_id);
	cv_json_add_str(d, "policy_id", pack_id);
	cv_json_add_str(d, "rule_id", v.rule_id);
	cv_json_add_str(d, "decision", v.decision);
	cv_json_add_str(d, "severity", v.severity);
	cv_json_add_str(d, "reason", v.reason);
	cv_json_add_strv(d, "evidence_refs", (const char *const[]){
	    cv_arena_printf(req->arena, "evidence://%s/%s", sid, did), NULL });
	cv_json_add_str(d, "approver_group", v.approver_group);
	cv_json_add_str(d, "timestamp", ts);
	cv_json_add_str(d, "correlation_id", cv_rand_id(req->arena, "corr_",
	    12));
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

	prior_f.value = sid;
	if ((rc = cv_store_begin(activity)) != CV_OK) {
		rc = store_err(req, rc);
		goto out;
	}
	intx = 1;
	/* Did the session have decisions before this one?  (One row as
	 * stored text, uncounted and unparsed: cheap however long the
	 * session is.) */
	if ((rc = cv_store_list_json(activity, CV_COLL_DECISIONS, &prior_f, 1,
	    1, 0, &prior, &priorlen, NULL)) != CV_OK) {
		rc = store_err(req, rc);
		goto out;
	}
	if ((rc = cv_store_put(activity, CV_COLL_DECISIONS, d)) != CV_OK) {
		rc = store_err(req, rc);
		goto out;
	}
	if ((rc = refresh_session(req, d, priorlen > 2)) != CV_OK)
		goto out;
	if ((rc = cv_store_commit(activity)) != CV_OK) {
		rc = store_err(req, rc);
		intx = 0;
		goto out;
	}
	intx = 0;
	cv_resp_json(resp, 200, d);
	d = NULL;
out:
	if (intx)
		cv_store_rollback(activity);
	free(prior);
	json_object_put(d);
	return rc;
}

/*
 * Collects the equality filters named in `keys` from the query (empty
 * values are ignored, as the reference's JSON store does), checking the
 * enumerated ones.  Returns the count in *n.
 */
static enum cv_err
filters(struct cv_req *req, const char *const *keys, struct cv_filter *f,
    size_t *n)
{
	const char	*v;

	*n = 0;
	for (; *keys != NULL; keys++) {
		if ((v = cv_query(req, *keys)) == NULL || *v == '\0')
			continue;
		if (strcmp(*keys, "decision") == 0 && !in_list(decisions, v))
			return cv_fail_field(req, CV_EINVAL, *keys,
			    "decision must be one of: %s", join(req->arena,
			    decisions));
		if (strcmp(*keys, "severity") == 0 && !in_list(severities, v))
			return cv_fail_field(req, CV_EINVAL, *keys,
			    "severity must be one of: %s", join(req->arena,
			    severities));
		if (strcmp(*keys, "state") == 0 && !in_list(states, v))
			return cv_fail_field(req, CV_EINVAL, *keys,
			    "state must be one of: %s", join(req->arena,
			    states));
		f[*n].field = *keys;
		f[*n].value = v;
		(*n)++;
	}
	return CV_OK;
}

/*
 * A paged list of one collection: {items,total,limit,offset}.  The items
 * are the stored records' text, spliced in without parsing them.
 */
static enum cv_err
list(struct cv_req *req, struct cv_resp *resp, size_t coll,
    const char *const *keys)
{
	struct cv_filter	 f[16];
	size_t			 nf, limit, offset, total, len;
	char			*items, *body;
	enum cv_err		 rc;

	if ((rc = filters(req, keys, f, &nf)) != CV_OK ||
	    (rc = cv_query_page(req, &limit, &offset)) != CV_OK)
		return rc;
	if ((rc = cv_store_list_json(activity, coll, f, nf, limit, offset,
	    &items, &len, &total)) != CV_OK)
		return store_err(req, rc);
	body = cv_arena_printf(req->arena, "{\"items\":%s,\"total\":%zu,"
	    "\"limit\":%zu,\"offset\":%zu}", items, total, limit, offset);
	free(items);
	cv_resp_bytes(resp, 200, "application/json", body, strlen(body));
	return CV_OK;
}

static enum cv_err
h_decisions(struct cv_req *req, struct cv_resp *resp)
{
	static const char *const keys[] = { "session_id", "agent_id",
	    "repository", "policy_pack", "decision", "severity",
	    "action_type", NULL };

	return list(req, resp, CV_COLL_DECISIONS, keys);
}

static enum cv_err
h_sessions(struct cv_req *req, struct cv_resp *resp)
{
	static const char *const keys[] = { "agent_id", "repository",
	    "policy_pack", "state", NULL };

	return list(req, resp, CV_COLL_SESSIONS, keys);
}

/* One record by the route's id parameter, or 404 with `missing`. */
static enum cv_err
get_one(struct cv_req *req, struct cv_resp *resp, size_t coll,
    const char *param, const char *missing)
{
	struct json_object	*o;
	enum cv_err		 rc;

	rc = cv_store_get(activity, coll, cv_param(req, param), &o);
	if (rc == CV_ENOENT)
		return cv_fail(req, rc, "%s", missing);
	if (rc != CV_OK)
		return store_err(req, rc);
	cv_resp_json(resp, 200, o);
	return CV_OK;
}

static enum cv_err
h_decision(struct cv_req *req, struct cv_resp *resp)
{
	return get_one(req, resp, CV_COLL_DECISIONS, "decision_id",
	    "decision not found");
}

static enum cv_err
h_session(struct cv_req *req, struct cv_resp *resp)
{
	return get_one(req, resp, CV_COLL_SESSIONS, "session_id",
	    "session not found");
}

/*
 * Fills the fields of session s that the request left out from the
 * session's stored decisions: identity fields (first non-empty value),
 * started_at/updated_at (min/max timestamp), evidence_refs (union in
 * first-seen order); then the defaults.  Counts always come from the
 * decisions when there are any.
 */
static enum cv_err
derive_session(struct cv_req *req, struct json_object *s, const char *sid)
{
	static const struct cv_kv ident[] = { { "agent_id", "unknown-agent" },
	    { "actor", "ai-agent" }, { "repository", "local" },
	    { "policy_pack", DEFAULT_PACK } };
	struct cv_filter	 f = { "session_id", sid };
	struct json_object	*ds = NULL, *first = NULL, *d, *v, *refs;
	const char		*ts, *lo = NULL, *hi = NULL;
	char			 now[CV_TS_LEN];
	enum cv_err		 rc;
	size_t			 i, j, n, total;

	/* The latest decisions (newest first) and the very first one. */
	if ((rc = cv_store_list(activity, CV_COLL_DECISIONS, &f, 1,
	    CV_SESSION_REFS_MAX, 0, &ds, &total)) != CV_OK)
		return store_err(req, rc);
	if (total > CV_SESSION_REFS_MAX) {
		if ((rc = cv_store_list(activity, CV_COLL_DECISIONS, &f, 1, 1,
		    total - 1, &first, NULL)) != CV_OK) {
			json_object_put(ds);
			return store_err(req, rc);
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
	if (n > 0)
		return count_into(req, sid, s, &total);
	return CV_OK;
}

/*
 * Checks an input count: absent is 0; otherwise a non-negative integer.
 */
static enum cv_err
input_count(struct cv_req *req, struct json_object *s, const char *key)
{
	struct json_object	*v;

	if (!json_object_object_get_ex(s, key, &v) || v == NULL) {
		cv_json_add_int(s, key, 0);
		return CV_OK;
	}
	if (!json_object_is_type(v, json_type_int) ||
	    json_object_get_int64(v) < 0)
		return cv_fail_field(req, CV_EINVAL, key, "invalid session "
		    "record: %s must be a non-negative integer", key);
	return CV_OK;
}

/*
 * POST /sessions: creates or updates a session summary.  The body is
 * merged over the stored record (request wins, in both store modes);
 * counts come from the stored decisions when there are any.  400
 * "invalid session record: ..." for a missing session_id, a state
 * outside active/completed/failed/archived, bad counts or bad
 * evidence_refs.
 */
static enum cv_err
h_session_put(struct cv_req *req, struct cv_resp *resp)
{
	static const char *const strs[] = { "started_at", "updated_at",
	    "agent_id", "actor", "policy_pack", NULL };
	static const char *const counts[] = { "decision_count",
	    "blocked_count", "approval_required_count", NULL };
	struct json_object	*b = req->json, *s = NULL, *old = NULL, *v;
	const char		*sid, *state, *const *k;
	enum cv_err		 rc;
	int			 intx = 0;

	if (cv_json_str(b, "session_id", &sid) != CV_JGET_OK || *sid == '\0')
		return cv_fail_field(req, CV_EINVAL, "session_id",
		    "invalid session record: session_id must be a non-empty "
		    "string");
	if (strlen(sid) > CV_ID_MAX)
		return cv_fail_field(req, CV_EINVAL, "session_id",
		    "invalid session record: session_id is longer than %d "
		    "bytes", CV_ID_MAX);
	for (k = strs; *k != NULL; k++)
		if (cv_json_str(b, *k, &state) == CV_JGET_TYPE)
			return cv_fail_field(req, CV_EINVAL, *k,
			    "invalid session record: %s must be a string", *k);

	if ((rc = cv_store_begin(activity)) != CV_OK)
		return store_err(req, rc);
	intx = 1;
	rc = cv_store_get(activity, CV_COLL_SESSIONS, sid, &old);
	if (rc != CV_OK && rc != CV_ENOENT) {
		rc = store_err(req, rc);
		goto out;
	}
	s = json_object_new_object();
	cv_json_add_str(s, "schema_version", "cavra.session.v1");
	cv_json_add_str(s, "session_id", sid);
	if (old != NULL) {
		json_object_object_foreach(old, key, val)
			if (!json_object_object_get_ex(s, key, NULL))
				json_object_object_add(s, key,
				    json_object_get(val));
	}
	{
		json_object_object_foreach(b, key, val)
			if (strcmp(key, "schema_version") != 0 &&
			    strcmp(key, "status") != 0)
				json_object_object_add(s, key,
				    json_object_get(val));
	}
	/* state, or its alias status. */
	state = NULL;
	if (cv_json_str(b, "state", &state) != CV_JGET_OK &&
	    cv_json_str(b, "status", &state) != CV_JGET_OK)
		state = cv_json_str_or(old, "state", "active");
	if ((json_object_object_get_ex(b, "state", &v) && v != NULL &&
	    !json_object_is_type(v, json_type_string)) ||
	    !in_list(states, state)) {
		rc = cv_fail_field(req, CV_EINVAL, "state", "invalid session "
		    "record: state must be one of: %s", join(req->arena,
		    states));
		goto out;
	}
	cv_json_add_str(s, "state", state);
	if (json_object_object_get_ex(b, "evidence_refs", &v)) {
		if ((v = evidence_refs(req, v, "session record")) == NULL) {
			rc = CV_EINVAL;
			goto out;
		}
		json_object_object_add(s, "evidence_refs", v);
	}
	for (k = counts; *k != NULL; k++)
		if ((rc = input_count(req, s, *k)) != CV_OK)
			goto out;
	if ((rc = derive_session(req, s, sid)) != CV_OK)
		goto out;
	if ((rc = cv_store_put(activity, CV_COLL_SESSIONS, s)) != CV_OK ||
	    (rc = cv_store_commit(activity)) != CV_OK) {
		rc = store_err(req, rc);
		goto out;
	}
	intx = 0;
	cv_resp_json(resp, 200, s);
	s = NULL;
out:
	if (intx)
		cv_store_rollback(activity);
	json_object_put(s);
	json_object_put(old);
	return rc;
}

static enum cv_err
worker_init(void)
{
	if (cv_store_open(&cv_store_activity, &activity) != CV_OK ||
	    cv_store_open(&cv_store_registry, &registry) != CV_OK)
		return CV_EIO;
	return CV_OK;
}

static void
worker_fini(void)
{
	cv_store_close(activity);
	cv_store_close(registry);
}

/*
 * At start: the default pack must load, so a broken policy directory is
 * one line on stderr, not a 400 on every request.
 */
static enum cv_err
init(void)
{
	const struct cv_pack	*pack;
	char			 errbuf[512];

	if (cv_policy_get(DEFAULT_PACK, &pack, errbuf, sizeof(errbuf)) !=
	    CV_OK) {
		cv_log("cavra-activity: %s (policy root %s)", errbuf,
		    cv_policy_root());
		return CV_EINVAL;
	}
	return CV_OK;
}

static const struct cv_route routes[] = {
	{ CV_POST, "/decisions", h_decide, CV_BODY_JSON,
	    "Evaluate an agent action and persist the decision", NULL },
	{ CV_GET, "/decisions", h_decisions, 0,
	    "List decisions (filters, limit, offset)", NULL },
	{ CV_GET, "/decisions/{decision_id}", h_decision, 0,
	    "Fetch one decision", NULL },
	{ CV_POST, "/sessions", h_session_put, CV_BODY_JSON,
	    "Create or update a session summary", NULL },
	{ CV_GET, "/sessions", h_sessions, 0,
	    "List sessions (filters, limit, offset)", NULL },
	{ CV_GET, "/sessions/{session_id}", h_session, 0,
	    "Fetch one session summary", NULL },
};

static const struct cv_app app = {
	"cavra-activity", routes, nitems(routes), init, worker_init,
	worker_fini
};

int
main(int argc, char **argv)
{
	return cv_serve_main(&app, argc, argv);
}
