/*
 * Approval records (cavra.approval.v1): building one from a decision,
 * routing it to an approver group, changing its state, and storing it.
 * See cv_approval.h and record-contracts.md 5.
 *
 * The routing rules are loaded once, in the parent, before workers fork;
 * afterwards they are read-only, so cv_approval_route() is safe from
 * several threads at once.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "cv_approval.h"
#include "cv_conf.h"
#include "cv_db.h"
#include "cv_http.h"
#include "cv_json.h"
#include "cv_limits.h"
#include "cv_resource.h"
#include "cv_store.h"
#include "cv_util.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

#define ROUTING_ENV	"CAVRA_APPROVAL_ROUTING_FILE"
#define COLL		0	/* the one collection of cv_store_approvals */

const char *const cv_approval_states[] = {
	"pending", "approved", "denied", "expired", "break_glass", NULL
};

/* The conditions of a routing rule; a rule matches when every condition
 * it has holds. */
enum rcond {
	RC_RULE_ID = 0,		/* decision.rule_id equals */
	RC_ACTION_TYPE,		/* decision.action_type equals */
	RC_SEVERITY,		/* decision.severity equals */
	RC_POLICY_PACK,		/* decision.policy_pack equals */
	RC_RULE_ID_PREFIX,	/* decision.rule_id starts with */
	RC_TARGET_CONTAINS,	/* decision.target contains */
	RC__MAX
};

static const char *const rcond_name[] = {
	"rule_id",		/* RC_RULE_ID */
	"action_type",		/* RC_ACTION_TYPE */
	"severity",		/* RC_SEVERITY */
	"policy_pack",		/* RC_POLICY_PACK */
	"rule_id_prefix",	/* RC_RULE_ID_PREFIX */
	"target_contains",	/* RC_TARGET_CONTAINS */
};
_Static_assert(nitems(rcond_name) == RC__MAX, "rcond_name");

/* The decision field each condition reads. */
static const char *const rcond_field[] = {
	"rule_id",		/* RC_RULE_ID */
	"action_type",		/* RC_ACTION_TYPE */
	"severity",		/* RC_SEVERITY */
	"policy_pack",		/* RC_POLICY_PACK */
	"rule_id",		/* RC_RULE_ID_PREFIX */
	"target",		/* RC_TARGET_CONTAINS */
};
_Static_assert(nitems(rcond_field) == RC__MAX, "rcond_field");

struct route_rule {
	const char	*cond[RC__MAX];	/* NULL: no such condition */
	const char	*group;
};

/* The five built-in rules (record-contracts.md 5.4), in order. */
static const struct route_rule builtin_rules[] = {
	{ { [RC_RULE_ID_PREFIX] = "filesystem.write",
	    [RC_TARGET_CONTAINS] = "iam/" }, "IAM" },
	{ { [RC_RULE_ID_PREFIX] = "filesystem.write",
	    [RC_TARGET_CONTAINS] = ".github/workflows" },
	    "Platform Security" },
	{ { [RC_RULE_ID_PREFIX] = "commands.default",
	    [RC_SEVERITY] = "medium" }, "Repository Owners" },
	{ { [RC_RULE_ID_PREFIX] = "commands.block",
	    [RC_TARGET_CONTAINS] = "terraform" }, "Cloud Security" },
	{ { [RC_RULE_ID_PREFIX] = "mcp." }, "AI Governance" },
};

/* The rules of the routing file (malloc'ed), when one is loaded. */
static struct route_rule	*file_rules;
static size_t			 nfile_rules;
static int			 have_file;

void
cv_approval_routing_fini(void)
{
	size_t	 i, j;

	for (i = 0; i < nfile_rules; i++) {
		for (j = 0; j < RC__MAX; j++)
			free((char *)file_rules[i].cond[j]);
		free((char *)file_rules[i].group);
	}
	free(file_rules);
	file_rules = NULL;
	nfile_rules = 0;
	have_file = 0;
}

/*
 * Reads rule number i (0-based), the object o, into *r (strings
 * malloc'ed).  0, or -1 with a sentence in err.
 */
static int
rule_load(struct json_object *o, size_t i, struct route_rule *r, char *err,
    size_t errlen)
{
	const char	*s;
	size_t		 j;

	memset(r, 0, sizeof(*r));
	if (!json_object_is_type(o, json_type_object)) {
		snprintf(err, errlen, "approval routing rule %zu is not an "
		    "object", i + 1);
		return -1;
	}
	switch (cv_json_str(o, "approver_group", &s)) {
	case CV_JGET_OK:
		if (*s != '\0')
			break;
		/* FALLTHROUGH */
	case CV_JGET_ABSENT:
		snprintf(err, errlen, "each approval routing rule must "
		    "include approver_group (rule %zu)", i + 1);
		return -1;
	default:
		snprintf(err, errlen, "approval routing rule %zu: "
		    "approver_group must be a string", i + 1);
		return -1;
	}
	r->group = cv_xstrdup(s);
	for (j = 0; j < RC__MAX; j++) {
		switch (cv_json_str(o, rcond_name[j], &s)) {
		case CV_JGET_OK:
			if (*s != '\0')
				r->cond[j] = cv_xstrdup(s);
			break;
		case CV_JGET_ABSENT:
			break;
		default:
			snprintf(err, errlen, "approval routing rule %zu: %s "
			    "must be a string", i + 1, rcond_name[j]);
			return -1;
		}
	}
	return 0;
}

enum cv_err
cv_approval_routing_init(void)
{
	struct json_object	*doc = NULL, *list = NULL, *v;
	struct route_rule	*rules = NULL;
	char			 err[256];
	size_t			 i, n = 0;
	enum cv_err		 rc = CV_EINVAL;

	cv_approval_routing_fini();
	if (cv_conf_load(ROUTING_ENV, &doc) != CV_OK)
		return CV_EINVAL;	/* logged */
	if (doc == NULL)
		return CV_OK;
	err[0] = '\0';
	if (json_object_is_type(doc, json_type_array))
		list = doc;
	else if ((json_object_object_get_ex(doc, "approval_routing", &v) &&
	    v != NULL) || (json_object_object_get_ex(doc, "routing_rules",
	    &v) && v != NULL))
		list = v;
	if (list == NULL || !json_object_is_type(list, json_type_array)) {
		snprintf(err, sizeof(err), "must be a list of rules, or an "
		    "object whose approval_routing or routing_rules is one");
		goto out;
	}
	n = json_object_array_length(list);
	if (n > CV_APPROVAL_RULES_MAX) {
		snprintf(err, sizeof(err), "more than %d approval routing "
		    "rules", CV_APPROVAL_RULES_MAX);
		n = 0;
		goto out;
	}
	rules = cv_xcalloc(n > 0 ? n : 1, sizeof(*rules));
	for (i = 0; i < n; i++)
		if (rule_load(json_object_array_get_idx(list, i), i, &rules[i],
		    err, sizeof(err)) == -1) {
			n = i + 1;	/* free the partial rule too */
			goto out;
		}
	file_rules = rules;
	nfile_rules = n;
	have_file = 1;
	rules = NULL;
	rc = CV_OK;
out:
	if (rc != CV_OK)
		cv_log("%s: %s: %s", ROUTING_ENV, cv_env(ROUTING_ENV), err);
	if (rules != NULL) {
		file_rules = rules;
		nfile_rules = n;
		cv_approval_routing_fini();
	}
	json_object_put(doc);
	return rc;
}

/* Whether rule r matches the decision. */
static int
rule_match(const struct route_rule *r, struct json_object *decision)
{
	const char	*v;
	size_t		 j;

	for (j = 0; j < RC__MAX; j++) {
		if (r->cond[j] == NULL)
			continue;
		v = cv_json_str_or(decision, rcond_field[j], NULL);
		if (v == NULL)
			return 0;
		switch (j) {
		case RC_RULE_ID_PREFIX:
			if (strncmp(v, r->cond[j], strlen(r->cond[j])) != 0)
				return 0;
			break;
		case RC_TARGET_CONTAINS:
			if (strstr(v, r->cond[j]) == NULL)
				return 0;
			break;
		default:
			if (strcmp(v, r->cond[j]) != 0)
				return 0;
			break;
		}
	}
	return 1;
}

const char *
cv_approval_route(struct json_object *decision)
{
	const struct route_rule	*rules;
	const char		*g;
	size_t			 i, n;

	if (have_file) {
		rules = file_rules;
		n = nfile_rules;
	} else {
		rules = builtin_rules;
		n = nitems(builtin_rules);
	}
	for (i = 0; i < n; i++)
		if (rule_match(&rules[i], decision))
			return rules[i].group;
	g = cv_json_str_or(decision, "approver_group", NULL);
	return g != NULL && *g != '\0' ? g : NULL;
}

/* A string of a decision usable in a record: at most CV_FIELD_MAX bytes,
 * no NUL.  NULL when absent or null; *bad set when of another kind. */
static const char *
decision_str(struct json_object *decision, const char *key, int *bad)
{
	struct json_object	*v;
	size_t			 len;

	if (!json_object_object_get_ex(decision, key, &v) || v == NULL)
		return NULL;
	if (!json_object_is_type(v, json_type_string)) {
		*bad = 1;
		return NULL;
	}
	len = (size_t)json_object_get_string_len(v);
	if (len > CV_FIELD_MAX || strlen(json_object_get_string(v)) != len) {
		*bad = 1;
		return NULL;
	}
	return json_object_get_string(v);
}

/* A history entry; new reference.  reason is kept as it is (any JSON
 * value, borrowed), or a string when sreason is not NULL. */
static struct json_object *
history_entry(const char *event, const char *actor, const char *ts,
    struct json_object *reason, const char *sreason, int with_ref,
    const char *external_ref)
{
	struct json_object	*h;

	h = json_object_new_object();
	cv_json_add_str(h, "event", event);
	cv_json_add_str(h, "actor", actor);
	cv_json_add_str(h, "timestamp", ts);
	if (sreason != NULL)
		cv_json_add_str(h, "reason", sreason);
	else
		json_object_object_add(h, "reason", json_object_get(reason));
	if (with_ref)
		cv_json_add_str(h, "external_ref", external_ref);
	return h;
}

/*
 * The evidence refs of a new approval: approval://id, then those of the
 * decision (absent or null: none).  *out is a new array; 400 when the
 * decision's are not a list of strings.
 */
static enum cv_err
new_refs(struct cv_req *req, const char *id, struct json_object *decision,
    struct json_object **out)
{
	struct json_object	*refs, *v, *it;
	size_t			 i, n;

	*out = NULL;
	if (json_object_object_get_ex(decision, "evidence_refs", &v) &&
	    v != NULL && !json_object_is_type(v, json_type_array))
		return cv_fail_field(req, CV_EINVAL, "decision.evidence_refs",
		    "decision evidence_refs must be a list of strings");
	n = v != NULL ? json_object_array_length(v) : 0;
	for (i = 0; i < n; i++) {
		it = json_object_array_get_idx(v, i);
		if (!json_object_is_type(it, json_type_string))
			return cv_fail_field(req, CV_EINVAL,
			    "decision.evidence_refs", "decision evidence_refs "
			    "must be a list of strings");
	}
	refs = json_object_new_array();
	json_object_array_add(refs, json_object_new_string(
	    cv_arena_printf(req->arena, "approval://%s", id)));
	for (i = 0; i < n; i++)
		json_object_array_add(refs, json_object_get(
		    json_object_array_get_idx(v, i)));
	*out = refs;
	return CV_OK;
}

enum cv_err
cv_approval_new(struct cv_req *req, struct json_object *decision,
    const char *group, const char *requested_by, long long ttl_hours,
    struct json_object **out)
{
	struct json_object	*rec, *hist, *refs, *reason = NULL;
	struct timespec		 now, exp;
	const char		*decision_id, *session_id, *correlation_id, *id;
	char			 ts[CV_TS_LEN], ets[CV_TS_LEN];
	int			 bad = 0;
	enum cv_err		 rc;

	*out = NULL;
	if (decision == NULL || !json_object_is_type(decision,
	    json_type_object))
		return cv_fail(req, CV_EINVAL, "decision must be an object");
	decision_id = decision_str(decision, "decision_id", &bad);
	if (bad)
		return cv_fail_field(req, CV_EINVAL, "decision.decision_id",
		    "decision decision_id must be a string of at most %d "
		    "bytes without NUL", CV_ID_MAX);
	if (decision_id == NULL || *decision_id == '\0')
		return cv_fail(req, CV_EINVAL, "decision must include "
		    "decision_id");
	if (strlen(decision_id) > CV_ID_MAX)
		return cv_fail_field(req, CV_EINVAL, "decision.decision_id",
		    "decision decision_id must be a string of at most %d "
		    "bytes without NUL", CV_ID_MAX);
	session_id = decision_str(decision, "session_id", &bad);
	if (bad)
		return cv_fail_field(req, CV_EINVAL, "decision.session_id",
		    "decision session_id must be a string");
	correlation_id = decision_str(decision, "correlation_id", &bad);
	if (bad)
		return cv_fail_field(req, CV_EINVAL, "decision.correlation_id",
		    "decision correlation_id must be a string or null");
	if (group == NULL || *group == '\0')
		group = cv_approval_route(decision);
	if (group == NULL)
		return cv_fail(req, CV_EINVAL, "approval request must include "
		    "approver_group");
	if (requested_by == NULL)
		requested_by = "ai-agent";
	if (ttl_hours < 1)
		ttl_hours = 1;
	if (ttl_hours > CV_APPROVAL_TTL_HOURS_MAX)
		ttl_hours = CV_APPROVAL_TTL_HOURS_MAX;

	id = cv_rand_id(req->arena, "apr_", CV_ID_HEX);
	if ((rc = new_refs(req, id, decision, &refs)) != CV_OK)
		return rc;
	clock_gettime(CLOCK_REALTIME, &now);
	exp = now;
	exp.tv_sec += (time_t)ttl_hours * 3600;
	cv_ts_format(ts, sizeof(ts), &now);
	cv_ts_format(ets, sizeof(ets), &exp);
	json_object_object_get_ex(decision, "reason", &reason);

	rec = json_object_new_object();
	cv_json_add_str(rec, "schema_version", "cavra.approval.v1");
	cv_json_add_str(rec, "product", "CAVRA");
	cv_json_add_str(rec, "approval_id", id);
	cv_json_add_str(rec, "decision_id", decision_id);
	cv_json_add_str(rec, "session_id", session_id != NULL ? session_id :
	    "local");
	cv_json_add_str(rec, "correlation_id", correlation_id);
	cv_json_add_str(rec, "state", "pending");
	cv_json_add_str(rec, "approver_group", group);
	cv_json_add_str(rec, "requested_by", requested_by);
	cv_json_add_str(rec, "requested_at", ts);
	cv_json_add_str(rec, "expires_at", ets);
	json_object_object_add(rec, "decision", json_object_get(decision));
	hist = json_object_new_array();
	json_object_array_add(hist, history_entry("requested", requested_by,
	    ts, reason, NULL, 0, NULL));
	json_object_object_add(rec, "history", hist);
	json_object_object_add(rec, "evidence_refs", refs);
	*out = rec;
	return CV_OK;
}

/* Appends entry (consumed) to rec's history, making one if it has none
 * or one that is not a list. */
static void
history_add(struct json_object *rec, struct json_object *entry)
{
	struct json_object	*hist;

	if (!json_object_object_get_ex(rec, "history", &hist) ||
	    !json_object_is_type(hist, json_type_array)) {
		hist = json_object_new_array();
		json_object_object_add(rec, "history", hist);
	}
	json_object_array_add(hist, entry);
}

enum cv_err
cv_approval_decide(struct cv_req *req, struct json_object *rec,
    const char *state, const char *actor, const char *reason,
    const char *external_ref)
{
	char	 ts[CV_TS_LEN];
	int	 bg;

	if (state == NULL || strcmp(state, "pending") == 0 ||
	    !cv_strv_has(cv_approval_states, state))
		return cv_fail(req, CV_EINTERNAL, "unknown approval state %s",
		    state != NULL ? state : "(none)");
	if (strcmp(cv_json_str_or(rec, "state", ""), "pending") != 0)
		return cv_fail(req, CV_EINVAL, "only pending approvals can be "
		    "changed");
	if (actor == NULL || *actor == '\0')
		return cv_fail(req, CV_EINVAL, "actor is required");
	if (reason == NULL || *reason == '\0')
		return cv_fail(req, CV_EINVAL, "%s", strcmp(state,
		    "break_glass") == 0 ? "break-glass reason is required" :
		    "reason is required");
	if (external_ref != NULL && *external_ref == '\0')
		external_ref = NULL;
	bg = strcmp(state, "break_glass") == 0;
	cv_ts_now(ts, sizeof(ts));
	cv_json_add_str(rec, "state", bg ? "approved" : state);
	cv_json_add_str(rec, "decided_by", actor);
	cv_json_add_str(rec, "decided_at", ts);
	cv_json_add_str(rec, "decision_reason", reason);
	if (external_ref != NULL)
		cv_json_add_str(rec, "external_ref", external_ref);
	/* Break-glass is an approval, then the break-glass stamp, as the
	 * reference records it: two entries. */
	history_add(rec, history_entry(bg ? "approved" : state, actor, ts,
	    NULL, reason, 1, external_ref));
	if (bg) {
		cv_json_add_str(rec, "state", "break_glass");
		cv_json_add_bool(rec, "break_glass", 1);
		cv_json_add_str(rec, "break_glass_reason", reason);
		history_add(rec, history_entry("break_glass", actor, ts, NULL,
		    reason, 1, external_ref));
	}
	return CV_OK;
}

struct json_object *
cv_approval_summary(struct json_object *rec)
{
	static const char *const keys[] = {
		"approval_id", "decision_id", "session_id", "state",
		"approver_group", "requested_by", "requested_at",
		"expires_at", "decided_by", "decided_at", "external_ref",
		"break_glass", "evidence_refs", NULL
	};
	struct json_object	*o, *v;
	const char *const	*k;

	o = json_object_new_object();
	for (k = keys; *k != NULL; k++) {
		if (!json_object_object_get_ex(rec, *k, &v))
			v = NULL;
		if (v == NULL && strcmp(*k, "break_glass") == 0)
			json_object_object_add(o, *k,
			    json_object_new_boolean(0));
		else
			json_object_object_add(o, *k, json_object_get(v));
	}
	return o;
}

enum cv_err
cv_approval_put(struct cv_req *req, struct json_object *rec)
{
	struct cv_store	*s;
	struct cv_db	*db;
	enum cv_err	 rc;

	if ((rc = cv_rs_db(req, &cv_store_approvals, &db)) != CV_OK)
		return rc;
	if ((rc = cv_db_write(db, &s)) != CV_OK)
		return cv_rs_store_fail(req, &cv_store_approvals, rc);
	if ((rc = cv_store_put(s, COLL, rec)) != CV_OK) {
		cv_db_abort(db);
		return rc == CV_EINVAL ? cv_fail(req, rc, "invalid approval "
		    "record: it nests deeper than %d levels",
		    CV_STORE_RECORD_DEPTH) : cv_rs_store_fail(req,
		    &cv_store_approvals, rc);
	}
	if ((rc = cv_db_commit(db)) != CV_OK)
		return cv_rs_store_fail(req, &cv_store_approvals, rc);
	return CV_OK;
}

enum cv_err
cv_approval_get(struct cv_req *req, const char *id, struct json_object **out)
{
	struct cv_store	*s;
	struct cv_db	*db;
	enum cv_err	 rc;

	*out = NULL;
	if ((rc = cv_rs_db(req, &cv_store_approvals, &db)) != CV_OK)
		return rc;
	if ((rc = cv_db_read(db, &s)) != CV_OK)
		return cv_rs_store_fail(req, &cv_store_approvals, rc);
	rc = cv_store_get(s, COLL, id, out);
	cv_db_read_end(db, s);
	if (rc == CV_ENOENT)
		return cv_fail(req, rc, "approval not found");
	if (rc != CV_OK)
		return cv_rs_store_fail(req, &cv_store_approvals, rc);
	return CV_OK;
}
