/*
 * cavra-inventory: the repository inventory and the policy rollouts that
 * put packs on repositories, the change plan of a rollout and its
 * application by a verified actor, and the detail view of a rollout
 * (its repository, pack, decisions, integrations and readiness).
 *
 * Repositories and rollouts are resources (lib/cv_resource.h): their
 * list, get and upsert routes are the library's, driven by the field
 * tables below.  Ids may hold '/' ("payments/api",
 * "payments/api:cavra-banking"): the item routes take the rest of the
 * path, so a raw slash and %2F name the same record.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "cavra.h"
#include "cv_auth.h"
#include "cv_policy.h"

#define COVERAGE_READY		80	/* policy_coverage passes from this
					   coverage_percent on */
#define CHANGES_MEDIUM		3	/* a plan of more changes is at least
					   medium risk */
#define UNKNOWN_PACK_DETAIL	"Policy pack metadata is not available in " \
				"this deployment."

static const char *const repo_statuses[] = {
	"active", "archived", "disabled", NULL
};
/* Sorted: the reference's error messages list them in this order. */
static const char *const rollout_modes[] = {
	"audit_only", "break_glass", "enforce", "strict", NULL
};
static const char *const rollout_states[] = {
	"active", "paused", "planned", "retired", NULL
};

/*
 * *id = the string of body[key] when it is a non-empty string; left
 * alone when absent, null or "".  A 400 problem of record `what` when it
 * is of another type, too long or holds a NUL.
 */
static enum cv_err
id_part(struct cv_req *req, const char *what, struct json_object *body,
    const char *key, const char **id)
{
	struct json_object	*v;

	if (!json_object_object_get_ex(body, key, &v) || v == NULL)
		return CV_OK;
	if (!json_object_is_type(v, json_type_string))
		return cv_fail_field(req, CV_EINVAL, key, "invalid %s record: "
		    "%s must be a string", what, key);
	if (json_object_get_string_len(v) == 0)
		return CV_OK;
	if ((size_t)json_object_get_string_len(v) > CV_ID_MAX ||
	    strlen(json_object_get_string(v)) !=
	    (size_t)json_object_get_string_len(v))
		return cv_fail_field(req, CV_EINVAL, key, "invalid %s record: "
		    "%s must be at most %d bytes without NUL", what, key,
		    CV_ID_MAX);
	*id = json_object_get_string(v);
	return CV_OK;
}

/*
 * The id of a repository without repository_id: its name, `repository`
 * else `name` (borrowed from body).  400 when it has neither.
 */
static enum cv_err
repo_id(struct cv_req *req, struct json_object *body, const char **id)
{
	enum cv_err	 rc;

	*id = NULL;
	if ((rc = id_part(req, "repository", body, "repository", id)) !=
	    CV_OK)
		return rc;
	if (*id == NULL && (rc = id_part(req, "repository", body, "name",
	    id)) != CV_OK)
		return rc;
	if (*id == NULL)
		return cv_fail_field(req, CV_EINVAL, "repository", "invalid "
		    "repository record: repository (or name, or "
		    "repository_id) is required");
	return CV_OK;
}

/* The name of a repository record given only its repository_id. */
static const char *
dflt_repo_name(struct json_object *rec)
{
	return cv_json_str_or(rec, "repository_id", "");
}

/* Without "main" or another protected branch the record protects
 * main, as the reference does for an absent or empty list. */
static enum cv_err
repo_finish(struct cv_req *req, struct cv_store *s, struct json_object *rec,
    struct json_object *old)
{
	struct json_object	*pb;

	(void)req;
	(void)s;
	(void)old;
	if (json_object_object_get_ex(rec, "protected_branches", &pb) &&
	    json_object_array_length(pb) > 0)
		return CV_OK;
	pb = json_object_new_array();
	json_object_array_add(pb, json_object_new_string("main"));
	json_object_object_add(rec, "protected_branches", pb);
	return CV_OK;
}

static const char *const repo_id_keys[] = { "repository_id", NULL };

static const struct cv_field repo_fields[] = {
	{ "repository", CV_F_STRING, 0, NULL, NULL, dflt_repo_name, "name",
	    NULL, "Repository name (input repository, else name, else the "
	    "id)" },
	{ "provider", CV_F_STRING, CV_FF_FILTER, "github" },
	{ "default_branch", CV_F_STRING, 0, "main" },
	{ "owner", CV_F_STRING, CV_FF_FILTER, "unassigned" },
	{ "business_unit", CV_F_ANY, 0, "engineering" },
	{ "environment", CV_F_ANY, 0, "development" },
	{ "policy_pack", CV_F_STRING, CV_FF_FILTER, CV_POLICY_DEFAULT },
	{ "risk_tier", CV_F_STRING, CV_FF_FILTER, "medium" },
	{ "status", CV_F_ENUM, CV_FF_FILTER, "active", repo_statuses },
	{ "protected_branches", CV_F_STRLIST, 0, NULL, NULL, NULL, NULL, NULL,
	    "Absent or empty: [\"main\"]" },
	{ "required_checks", CV_F_STRLIST },
	{ "created_at", CV_F_TIME, CV_FF_KEEP | CV_FF_NOW },
	{ "updated_at", CV_F_TIME, CV_FF_TOUCH },
	{ "evidence_refs", CV_F_STRLIST },
};

static const struct cv_resource repos_rs = {
	.what = "repository",
	.schema_version = "cavra.repository.v1",
	.store = &cv_store_inventory,
	.coll = CV_COLL_REPOSITORIES,
	.id_field = "repository_id",
	.id_keys = repo_id_keys,
	.id_fn = repo_id,
	.fields = repo_fields,
	.nfields = nitems(repo_fields),
	.alt_key = "repository",
	.finish = repo_finish,
	.doc = "A governed repository in the inventory",
};

/*
 * The id of a rollout without rollout_id: "<repository>:<policy_pack>",
 * the repository being `repository` else `repository_id` (arena).  400
 * when the body lacks either.
 */
static enum cv_err
rollout_id(struct cv_req *req, struct json_object *body, const char **id)
{
	const char	*repo = NULL, *pack = NULL;
	enum cv_err	 rc;

	*id = NULL;
	if ((rc = id_part(req, "policy rollout", body, "repository",
	    &repo)) != CV_OK)
		return rc;
	if (repo == NULL && (rc = id_part(req, "policy rollout", body,
	    "repository_id", &repo)) != CV_OK)
		return rc;
	if (repo == NULL)
		return cv_fail_field(req, CV_EINVAL, "repository", "invalid "
		    "policy rollout record: repository is required");
	if ((rc = id_part(req, "policy rollout", body, "policy_pack",
	    &pack)) != CV_OK)
		return rc;
	if (pack == NULL)
		return cv_fail_field(req, CV_EINVAL, "policy_pack", "invalid "
		    "policy rollout record: policy_pack is required");
	if (strlen(repo) + 1 + strlen(pack) > CV_ID_MAX)
		return cv_fail_field(req, CV_EINVAL, "rollout_id", "invalid "
		    "policy rollout record: rollout_id "
		    "(repository:policy_pack) must be at most %d bytes",
		    CV_ID_MAX);
	*id = cv_arena_printf(req->arena, "%s:%s", repo, pack);
	return CV_OK;
}

static const struct cv_field rollout_fields[] = {
	{ "repository", CV_F_STRING, CV_FF_REQUIRED | CV_FF_FILTER, NULL,
	    NULL, NULL, "repository_id" },
	{ "policy_pack", CV_F_STRING, CV_FF_REQUIRED | CV_FF_FILTER },
	{ "policy_version", CV_F_STRING, 0, "latest" },
	{ "mode", CV_F_ENUM, CV_FF_FILTER, "enforce", rollout_modes },
	{ "state", CV_F_ENUM, CV_FF_FILTER, "planned", rollout_states },
	{ "owner", CV_F_STRING, CV_FF_FILTER, "platform-security" },
	{ "coverage_percent", CV_F_INT, 0, "0" },
	{ "last_evaluated_at", CV_F_TIME, 0, NULL },
	{ "created_at", CV_F_TIME, CV_FF_KEEP | CV_FF_NOW },
	{ "updated_at", CV_F_TIME, CV_FF_TOUCH },
	{ "evidence_refs", CV_F_STRLIST },
};

static const char *const rollout_id_keys[] = { "rollout_id", NULL };

static const struct cv_resource rollouts_rs = {
	.what = "policy rollout",
	.schema_version = "cavra.policy_rollout.v1",
	.store = &cv_store_inventory,
	.coll = CV_COLL_ROLLOUTS,
	.id_field = "rollout_id",
	.id_keys = rollout_id_keys,
	.id_fn = rollout_id,
	.fields = rollout_fields,
	.nfields = nitems(rollout_fields),
	.doc = "A policy pack rolled out to a repository",
};

/* ---- change plans --------------------------------------------------- */

/* Keys of a whole-body change that say who asks, not what changes. */
static const char *const request_keys[] = {
	"actor", "actor_claims", "actor_token", "changes", NULL
};

/*
 * The input of a changed rollout: the members of cur (may be NULL), then
 * those of req_fields over them (request_keys left out when the whole
 * body is the change), with rollout_id sel when set.  New object.
 */
static struct json_object *
change_input(struct json_object *cur, struct json_object *req_fields,
    int whole, const char *sel)
{
	struct json_object	*in;

	in = json_object_new_object();
	if (cur != NULL) {
		json_object_object_foreach(cur, k, v)
			json_object_object_add(in, k, json_object_get(v));
	}
	json_object_object_foreach(req_fields, key, val) {
		if (whole && cv_strv_has(request_keys, key))
			continue;
		json_object_object_add(in, key, json_object_get(val));
	}
	if (sel != NULL)
		cv_json_add_str(in, "rollout_id", sel);
	return in;
}

/*
 * The field-level changes from before (NULL: a new record, every field
 * of after) to after: [{field, before, after}] in after's key order, then
 * the fields only before has.  New array.
 */
static struct json_object *
changes_new(struct json_object *before, struct json_object *after)
{
	struct json_object	*arr, *c, *b;

	arr = json_object_new_array();
	json_object_object_foreach(after, key, val) {
		b = NULL;
		if (before != NULL && json_object_object_get_ex(before, key,
		    &b) && json_object_equal(b, val))
			continue;
		c = json_object_new_object();
		cv_json_add_str(c, "field", key);
		json_object_object_add(c, "before", json_object_get(b));
		json_object_object_add(c, "after", json_object_get(val));
		json_object_array_add(arr, c);
	}
	if (before == NULL)
		return arr;
	json_object_object_foreach(before, bkey, bval) {
		if (json_object_object_get_ex(after, bkey, NULL))
			continue;
		c = json_object_new_object();
		cv_json_add_str(c, "field", bkey);
		json_object_object_add(c, "before", json_object_get(bval));
		json_object_object_add(c, "after", NULL);
		json_object_array_add(arr, c);
	}
	return arr;
}

/* Whether o (may be NULL) has the string want at key. */
static int
str_is(struct json_object *o, const char *key, const char *want)
{
	return o != NULL && strcmp(cv_json_str_or(o, key, ""), want) == 0;
}

/*
 * The risk of changing before (or NULL) into after with n field
 * changes: critical for break-glass, high when audit-only starts to
 * enforce, medium for strict, an active rollout or more than
 * CHANGES_MEDIUM changes, else low.
 */
static const char *
plan_risk(struct json_object *before, struct json_object *after, size_t n)
{
	if (str_is(after, "mode", "break_glass"))
		return "critical";
	if (str_is(before, "mode", "audit_only") &&
	    (str_is(after, "mode", "enforce") ||
	    str_is(after, "mode", "strict")))
		return "high";
	if (str_is(after, "mode", "strict") || str_is(after, "state",
	    "active") || n > CHANGES_MEDIUM)
		return "medium";
	return "low";
}

/*
 * The cavra.policy_rollout.change_plan.v1 answer for before (stored
 * record or NULL) and after (the record the change makes).  Takes new
 * references to both.  New object.
 */
static struct json_object *
plan_new(struct json_object *before, struct json_object *after)
{
	struct json_object	*o, *changes, *notes;
	const char		*risk;
	char			 now[CV_TS_LEN];
	int			 approval;

	changes = changes_new(before, after);
	risk = plan_risk(before, after, json_object_array_length(changes));
	approval = strcmp(risk, "high") == 0 || strcmp(risk, "critical") ==
	    0 || str_is(after, "mode", "strict") || str_is(after, "mode",
	    "break_glass");
	notes = json_object_new_array();
	json_object_array_add(notes, json_object_new_string("Review policy "
	    "diff, evidence references, and repository owner before "
	    "applying."));
	if (strcmp(risk, "high") == 0 || strcmp(risk, "critical") == 0)
		json_object_array_add(notes, json_object_new_string("Route "
		    "this rollout change through security approval before "
		    "enforcement."));
	cv_ts_now(now, sizeof(now));
	o = json_object_new_object();
	cv_json_add_str(o, "schema_version",
	    "cavra.policy_rollout.change_plan.v1");
	cv_json_add_str(o, "product", CV_PRODUCT);
	cv_json_add_str(o, "generated_at", now);
	cv_json_add_str(o, "operation", before != NULL ? "update" : "create");
	cv_json_add_str(o, "risk", risk);
	cv_json_add_bool(o, "approval_required", approval);
	json_object_object_add(o, "before", json_object_get(before));
	json_object_object_add(o, "after", json_object_get(after));
	json_object_object_add(o, "changes", changes);
	json_object_object_add(o, "operator_notes", notes);
	return o;
}

/*
 * The plan of a change request body read on s (inside a read or write
 * transaction).  The change is body.changes when that is an object, else
 * the body (without actor and changes keys); the current record is the
 * one body.rollout_id (else the change's rollout_id, else the id the
 * changed record gets) names.  *plan and *after (the record to store)
 * are new references.  400 problem for a bad change, 500/503 when the
 * store fails.
 */
static enum cv_err
plan_build(struct cv_req *req, struct cv_store *s, struct json_object *body,
    struct json_object **plan, struct json_object **after)
{
	struct json_object	*fields, *cur = NULL, *in = NULL;
	const char		*sel = NULL, *id;
	enum cv_err		 rc;
	int			 whole = 0;

	*plan = *after = NULL;
	switch (cv_json_obj(body, "changes", &fields)) {
	case CV_JGET_OK:
		break;
	case CV_JGET_ABSENT:
		fields = body;
		whole = 1;
		break;
	default:
		return cv_fail_field(req, CV_EINVAL, "changes", "invalid "
		    "policy rollout change: changes must be an object");
	}
	if ((rc = id_part(req, "policy rollout", body, "rollout_id",
	    &sel)) != CV_OK || (sel == NULL && (rc = id_part(req,
	    "policy rollout", fields, "rollout_id", &sel)) != CV_OK))
		return rc;
	if (sel != NULL) {
		rc = cv_store_get(s, CV_COLL_ROLLOUTS, sel, &cur);
		if (rc != CV_OK && rc != CV_ENOENT)
			return cv_rs_store_fail(req, &cv_store_inventory, rc);
	}
	in = change_input(cur, fields, whole, sel);
	if ((rc = cv_rs_id(req, &rollouts_rs, in, &id)) != CV_OK)
		goto out;
	id = cv_arena_strdup(req->arena, id);
	if (sel == NULL) {
		rc = cv_store_get(s, CV_COLL_ROLLOUTS, id, &cur);
		if (rc != CV_OK && rc != CV_ENOENT) {
			rc = cv_rs_store_fail(req, &cv_store_inventory, rc);
			goto out;
		}
		if (cur != NULL) {
			json_object_put(in);
			in = change_input(cur, fields, whole, NULL);
		}
	}
	if ((rc = cv_rs_build(req, &rollouts_rs, in, cur, id, after)) !=
	    CV_OK)
		goto out;
	*plan = plan_new(cur, *after);
out:
	json_object_put(in);
	json_object_put(cur);
	return rc;
}

/*
 * POST /policy-rollouts/change-plan: what a change would do, read only.
 * 400 for a bad change.
 */
static enum cv_err
h_change_plan(struct cv_req *req, struct cv_resp *resp)
{
	struct json_object	*plan = NULL, *after = NULL;
	struct cv_store		*s;
	struct cv_db		*db;
	enum cv_err		 rc;

	if ((rc = cv_rs_db(req, &cv_store_inventory, &db)) != CV_OK)
		return rc;
	if ((rc = cv_db_read(db, &s)) != CV_OK)
		return cv_rs_store_fail(req, &cv_store_inventory, rc);
	rc = plan_build(req, s, req->json, &plan, &after);
	cv_db_read_end(db, s);
	json_object_put(after);
	if (rc == CV_OK)
		cv_resp_json(resp, 200, plan);
	return rc;
}

/*
 * POST /policy-rollouts/apply-change: builds the plan as change-plan
 * does and stores its `after` record, in one write transaction.  The
 * actor comes from actor_claims, actor_token or the bearer (cv_auth.h):
 * required (401) when OIDC or RBAC is configured.  approval_required is
 * reported, not enforced, as in the reference.  400 for a bad change.
 */
static enum cv_err
h_apply_change(struct cv_req *req, struct cv_resp *resp)
{
	struct json_object	*plan = NULL, *after = NULL, *o;
	const struct cv_actor	*actor;
	struct cv_store		*s;
	struct cv_db		*db;
	enum cv_err		 rc;
	int			 intx = 0;

	if ((rc = cv_auth_actor(req, req->json, &actor)) != CV_OK)
		return rc;
	if ((rc = cv_rs_db(req, &cv_store_inventory, &db)) != CV_OK)
		return rc;
	if ((rc = cv_db_write(db, &s)) != CV_OK)
		return cv_rs_store_fail(req, &cv_store_inventory, rc);
	intx = 1;
	if ((rc = plan_build(req, s, req->json, &plan, &after)) != CV_OK)
		goto out;
	if ((rc = cv_store_put(s, CV_COLL_ROLLOUTS, after)) != CV_OK) {
		rc = rc == CV_EINVAL ? cv_fail(req, rc, "invalid policy "
		    "rollout record: it nests deeper than %d levels",
		    CV_STORE_RECORD_DEPTH) : cv_rs_store_fail(req,
		    &cv_store_inventory, rc);
		goto out;
	}
	intx = 0;
	if ((rc = cv_db_commit(db)) != CV_OK) {
		rc = cv_rs_store_fail(req, &cv_store_inventory, rc);
		goto out;
	}
	o = json_object_new_object();
	cv_json_add_str(o, "schema_version",
	    "cavra.policy_rollout.change_result.v1");
	cv_json_add_str(o, "product", CV_PRODUCT);
	json_object_object_add(o, "actor", actor != NULL ?
	    cv_actor_json(actor) : NULL);
	json_object_object_add(o, "plan", plan);
	json_object_object_add(o, "rollout", after);
	plan = after = NULL;
	cv_resp_json(resp, 200, o);
out:
	if (intx)
		cv_db_abort(db);
	json_object_put(plan);
	json_object_put(after);
	return rc;
}

/* ---- rollout detail ------------------------------------------------- */

/* Adds one to tally[key of v] ("unknown" for absent or null). */
static void
tally(struct cv_arena *a, struct json_object *t, struct json_object *v)
{
	struct json_object	*n;
	const char		*key;

	if ((key = cv_json_key(a, v)) == NULL)
		key = "unknown";
	if (json_object_object_get_ex(t, key, &n))
		json_object_int_inc(n, 1);
	else
		json_object_object_add(t, key, json_object_new_int64(1));
}

/*
 * {id, title, description, version, rule_summary} of the rollout's pack
 * (the catalog's view of it); for a pack this deployment lacks, its id
 * and version with a note.  New object.
 */
static struct json_object *
pack_new(struct json_object *rollout)
{
	struct json_object	*o, *doc = NULL, *md, *v, *sum;
	const char		*id;

	id = cv_json_str_or(rollout, "policy_pack", "");
	o = json_object_new_object();
	if (cv_policy_raw(id, &doc, NULL) == CV_OK) {
		if (cv_json_obj(doc, "metadata", &md) != CV_JGET_OK)
			md = NULL;
		if (cv_json_str(md, "id", &id) != CV_JGET_OK)
			id = cv_json_str_or(rollout, "policy_pack", "");
		cv_json_add_str(o, "id", id);
		json_object_object_add(o, "title", json_object_get(
		    json_object_object_get(md, "title")));
		json_object_object_add(o, "description", json_object_get(
		    json_object_object_get(md, "description")));
		json_object_object_add(o, "version", json_object_get(
		    json_object_object_get(md, "version")));
		sum = cv_policy_summary(doc);
	} else {
		cv_json_add_str(o, "id", id);
		cv_json_add_str(o, "title", *id != '\0' ? id : "unknown");
		cv_json_add_str(o, "description", UNKNOWN_PACK_DETAIL);
		json_object_object_add(o, "version", json_object_get(
		    json_object_object_get(rollout, "policy_version")));
		v = json_object_new_object();
		sum = cv_policy_summary(v);
		json_object_put(v);
	}
	json_object_object_add(o, "rule_summary", json_object_get(
	    json_object_object_get(sum, "rule_counts")));
	json_object_put(sum);
	json_object_put(doc);
	return o;
}

/*
 * The decisions of the rollout's repository under its pack: total
 * (counted by the store), and over the newest CV_ROLLOUT_SAMPLE_MAX of
 * them their outcomes and severities, the newest CV_ROLLOUT_RECENT_MAX
 * in full.  *out is a new object.  500/503 problem when the store fails.
 */
static enum cv_err
activity_new(struct cv_req *req, struct json_object *rollout,
    struct json_object **out)
{
	struct cv_filter	 f[2];
	struct json_object	*items = NULL, *o, *outcomes, *sevs, *recent;
	struct json_object	*d;
	struct cv_store		*s;
	struct cv_db		*db;
	size_t			 total = 0, i, n = 0;
	enum cv_err		 rc;

	*out = NULL;
	f[0].field = "repository";
	f[0].value = cv_json_str_or(rollout, "repository", NULL);
	f[1].field = "policy_pack";
	f[1].value = cv_json_str_or(rollout, "policy_pack", NULL);
	if (f[0].value != NULL && f[1].value != NULL) {
		if ((rc = cv_rs_db(req, &cv_store_activity, &db)) != CV_OK)
			return rc;
		if ((rc = cv_db_read(db, &s)) != CV_OK)
			return cv_rs_store_fail(req, &cv_store_activity, rc);
		if ((rc = cv_store_count(s, CV_COLL_DECISIONS, f, nitems(f),
		    &total)) == CV_OK)
			rc = cv_store_list(s, CV_COLL_DECISIONS, f, nitems(f),
			    CV_ROLLOUT_SAMPLE_MAX, 0, &items, NULL);
		cv_db_read_end(db, s);
		if (rc != CV_OK)
			return cv_rs_store_fail(req, &cv_store_activity, rc);
		n = json_object_array_length(items);
	}
	outcomes = json_object_new_object();
	sevs = json_object_new_object();
	recent = json_object_new_array();
	for (i = 0; i < n; i++) {
		d = json_object_array_get_idx(items, i);
		tally(req->arena, outcomes, json_object_object_get(d,
		    "decision"));
		tally(req->arena, sevs, json_object_object_get(d, "severity"));
		if (i < CV_ROLLOUT_RECENT_MAX)
			json_object_array_add(recent, json_object_get(d));
	}
	json_object_put(items);
	o = json_object_new_object();
	cv_json_add_int(o, "total", (int64_t)total);
	cv_json_add_int(o, "sample_size", (int64_t)n);
	json_object_object_add(o, "outcomes", outcomes);
	json_object_object_add(o, "severities", sevs);
	json_object_object_add(o, "recent_decisions", recent);
	*out = o;
	return CV_OK;
}

/*
 * Every integration record: total, counts by category and by
 * health_status, the first CV_ROLLOUT_INTEGRATIONS_MAX active or
 * configured ones.  *scm and *siem say whether a source_control, and a
 * siem or storage, integration exists.  *out is a new object.  500/503
 * problem when the store fails.
 */
static enum cv_err
integrations_new(struct cv_req *req, struct json_object **out, int *scm,
    int *siem)
{
	struct json_object	*items = NULL, *o, *cats, *health, *live, *it;
	struct cv_store		*s;
	struct cv_db		*db;
	size_t			 i, n;
	enum cv_err		 rc;

	*out = NULL;
	*scm = *siem = 0;
	if ((rc = cv_rs_db(req, &cv_store_integrations, &db)) != CV_OK)
		return rc;
	if ((rc = cv_db_read(db, &s)) != CV_OK)
		return cv_rs_store_fail(req, &cv_store_integrations, rc);
	rc = cv_store_list(s, CV_COLL_INTEGRATIONS, NULL, 0, SIZE_MAX, 0,
	    &items, NULL);
	cv_db_read_end(db, s);
	if (rc != CV_OK)
		return cv_rs_store_fail(req, &cv_store_integrations, rc);
	cats = json_object_new_object();
	health = json_object_new_object();
	live = json_object_new_array();
	n = json_object_array_length(items);
	for (i = 0; i < n; i++) {
		it = json_object_array_get_idx(items, i);
		tally(req->arena, cats, json_object_object_get(it,
		    "category"));
		tally(req->arena, health, json_object_object_get(it,
		    "health_status"));
		if (str_is(it, "category", "source_control"))
			*scm = 1;
		if (str_is(it, "category", "siem") ||
		    str_is(it, "category", "storage"))
			*siem = 1;
		if ((str_is(it, "status", "active") ||
		    str_is(it, "status", "configured")) &&
		    json_object_array_length(live) <
		    CV_ROLLOUT_INTEGRATIONS_MAX)
			json_object_array_add(live, json_object_get(it));
	}
	json_object_put(items);
	o = json_object_new_object();
	cv_json_add_int(o, "total", (int64_t)n);
	json_object_object_add(o, "by_category", cats);
	json_object_object_add(o, "by_health", health);
	json_object_object_add(o, "active_or_configured", live);
	*out = o;
	return CV_OK;
}

/* Adds check {id, status pass|warn, message} to checks; returns pass. */
static int
check(struct json_object *checks, const char *id, int pass,
    const char *message)
{
	struct json_object	*c;

	c = json_object_new_object();
	cv_json_add_str(c, "id", id);
	cv_json_add_str(c, "status", pass ? "pass" : "warn");
	cv_json_add_str(c, "message", message);
	json_object_array_add(checks, c);
	return pass;
}

/*
 * {status ready|needs_attention, checks}: the repository is in the
 * inventory, coverage reaches COVERAGE_READY%, and source control and
 * SIEM or storage integrations exist.  New object.
 */
static struct json_object *
readiness_new(struct cv_req *req, struct json_object *rollout, int repo,
    int scm, int siem)
{
	struct json_object	*o, *checks;
	int64_t			 cov;
	int			 ok = 1;

	if (cv_json_int(rollout, "coverage_percent", &cov) != CV_JGET_OK)
		cov = 0;
	checks = json_object_new_array();
	ok &= check(checks, "repository_registered", repo, repo ?
	    "Repository inventory record is present." :
	    "Repository inventory record is missing.");
	ok &= check(checks, "policy_coverage", cov >= COVERAGE_READY,
	    cv_arena_printf(req->arena, "Coverage is %lld%%.",
	    (long long)cov));
	ok &= check(checks, "source_control_integration", scm, scm ?
	    "A source control integration is registered." :
	    "No source control integration is registered.");
	ok &= check(checks, "siem_or_storage_integration", siem, siem ?
	    "A SIEM or storage integration is registered." :
	    "No SIEM or storage integration is registered.");
	o = json_object_new_object();
	cv_json_add_str(o, "status", ok ? "ready" : "needs_attention");
	json_object_object_add(o, "checks", checks);
	return o;
}

/*
 * GET /policy-rollout-details/{rollout_id...} and
 * GET /policy-rollouts/{rollout_id}/detail: the rollout with its
 * repository record (or null), pack metadata, activity and integration
 * summaries and readiness checks.  404 "policy rollout not found".
 */
static enum cv_err
h_detail(struct cv_req *req, struct cv_resp *resp)
{
	struct json_object	*rollout = NULL, *repo = NULL, *act = NULL;
	struct json_object	*integ = NULL, *o;
	struct cv_store		*s;
	struct cv_db		*db;
	const char		*name;
	enum cv_err		 rc;
	int			 scm, siem;

	if ((rc = cv_rs_db(req, &cv_store_inventory, &db)) != CV_OK)
		return rc;
	if ((rc = cv_db_read(db, &s)) != CV_OK)
		return cv_rs_store_fail(req, &cv_store_inventory, rc);
	rc = cv_rs_lookup(s, &rollouts_rs, req->params[0].value, &rollout);
	if (rc == CV_OK && (name = cv_json_str_or(rollout, "repository",
	    NULL)) != NULL && (rc = cv_rs_lookup(s, &repos_rs, name,
	    &repo)) == CV_ENOENT)
		rc = CV_OK;
	cv_db_read_end(db, s);
	if (rc == CV_ENOENT) {
		rc = cv_fail(req, rc, "policy rollout not found");
		goto out;
	}
	if (rc != CV_OK) {
		rc = cv_rs_store_fail(req, &cv_store_inventory, rc);
		goto out;
	}
	if ((rc = activity_new(req, rollout, &act)) != CV_OK ||
	    (rc = integrations_new(req, &integ, &scm, &siem)) != CV_OK)
		goto out;
	o = json_object_new_object();
	cv_json_add_str(o, "schema_version", "cavra.policy_rollout.detail.v1");
	cv_json_add_str(o, "product", CV_PRODUCT);
	json_object_object_add(o, "rollout", json_object_get(rollout));
	json_object_object_add(o, "repository", json_object_get(repo));
	json_object_object_add(o, "policy_pack", pack_new(rollout));
	json_object_object_add(o, "activity_summary", act);
	json_object_object_add(o, "integration_summary", integ);
	json_object_object_add(o, "readiness", readiness_new(req, rollout,
	    repo != NULL, scm, siem));
	act = integ = NULL;
	cv_resp_json(resp, 200, o);
out:
	json_object_put(rollout);
	json_object_put(repo);
	json_object_put(act);
	json_object_put(integ);
	return rc;
}

/* ---- routes --------------------------------------------------------- */

#define SCHEMA_ROLLOUT	"{\"$ref\":\"#/components/schemas/PolicyRollout\"}"
#define SCHEMA_REPO	"{\"$ref\":\"#/components/schemas/Repository\"}"
#define SCHEMA_STRLIST	"{\"type\":\"array\",\"items\":{\"type\":\"string\"}}"
#define SCHEMA_COUNTS							\
	"{\"type\":\"object\",\"additionalProperties\":{\"type\":"	\
	"\"integer\",\"minimum\":1}}"

#define SCHEMA_PLAN							\
	"{\"type\":\"object\",\"required\":[\"schema_version\","	\
	"\"product\",\"generated_at\",\"operation\",\"risk\","		\
	"\"approval_required\",\"before\",\"after\",\"changes\","	\
	"\"operator_notes\"],\"properties\":{\"schema_version\":{"	\
	"\"const\":\"cavra.policy_rollout.change_plan.v1\"},"		\
	"\"product\":{\"type\":\"string\"},"				\
	"\"generated_at\":{\"type\":\"string\"},"			\
	"\"operation\":{\"enum\":[\"create\",\"update\"]},"		\
	"\"risk\":{\"enum\":[\"low\",\"medium\",\"high\","		\
	"\"critical\"]},\"approval_required\":{\"type\":\"boolean\"},"	\
	"\"before\":{\"anyOf\":[" SCHEMA_ROLLOUT ",{\"type\":"		\
	"\"null\"}]},\"after\":" SCHEMA_ROLLOUT ","			\
	"\"changes\":{\"type\":\"array\",\"items\":{\"type\":"		\
	"\"object\",\"required\":[\"field\",\"before\",\"after\"],"	\
	"\"properties\":{\"field\":{\"type\":\"string\"}}}},"		\
	"\"operator_notes\":" SCHEMA_STRLIST "}}"

#define SCHEMA_ACTOR							\
	"{\"anyOf\":[{\"type\":\"null\"},{\"type\":\"object\","		\
	"\"required\":[\"actor\",\"subject\",\"groups\",\"issuer\","	\
	"\"repository\"],\"properties\":{\"actor\":{\"type\":"		\
	"\"string\"},\"groups\":" SCHEMA_STRLIST "}}]}"

#define SCHEMA_RESULT							\
	"{\"type\":\"object\",\"required\":[\"schema_version\","	\
	"\"product\",\"actor\",\"plan\",\"rollout\"],\"properties\":{"	\
	"\"schema_version\":{\"const\":"				\
	"\"cavra.policy_rollout.change_result.v1\"},"			\
	"\"product\":{\"type\":\"string\"},\"actor\":" SCHEMA_ACTOR ","	\
	"\"plan\":" SCHEMA_PLAN ",\"rollout\":" SCHEMA_ROLLOUT "}}"

#define SCHEMA_PACK							\
	"{\"type\":\"object\",\"required\":[\"id\",\"title\","		\
	"\"description\",\"version\",\"rule_summary\"],\"properties\":{"\
	"\"id\":{\"type\":\"string\"},\"rule_summary\":{\"type\":"	\
	"\"object\",\"additionalProperties\":{\"type\":\"integer\","	\
	"\"minimum\":0}}}}"

#define SCHEMA_ACTIVITY							\
	"{\"type\":\"object\",\"required\":[\"total\",\"sample_size\","	\
	"\"outcomes\",\"severities\",\"recent_decisions\"],"		\
	"\"properties\":{\"total\":{\"type\":\"integer\",\"minimum\":0},"\
	"\"sample_size\":{\"type\":\"integer\",\"minimum\":0},"	\
	"\"outcomes\":" SCHEMA_COUNTS ",\"severities\":" SCHEMA_COUNTS	\
	",\"recent_decisions\":{\"type\":\"array\",\"items\":{"	\
	"\"type\":\"object\"}}}}"

#define SCHEMA_INTEGRATIONS						\
	"{\"type\":\"object\",\"required\":[\"total\",\"by_category\","	\
	"\"by_health\",\"active_or_configured\"],\"properties\":{"	\
	"\"total\":{\"type\":\"integer\",\"minimum\":0},"		\
	"\"by_category\":" SCHEMA_COUNTS ",\"by_health\":"		\
	SCHEMA_COUNTS ",\"active_or_configured\":{\"type\":\"array\","	\
	"\"items\":{\"type\":\"object\"}}}}"

#define SCHEMA_READINESS						\
	"{\"type\":\"object\",\"required\":[\"status\",\"checks\"],"	\
	"\"properties\":{\"status\":{\"enum\":[\"ready\","		\
	"\"needs_attention\"]},\"checks\":{\"type\":\"array\","		\
	"\"items\":{\"type\":\"object\",\"required\":[\"id\","		\
	"\"status\",\"message\"],\"properties\":{\"id\":{\"enum\":["	\
	"\"repository_registered\",\"policy_coverage\","		\
	"\"source_control_integration\","				\
	"\"siem_or_storage_integration\"]},\"status\":{\"enum\":["	\
	"\"pass\",\"warn\"]},\"message\":{\"type\":\"string\"}}}}}}"

#define SCHEMA_DETAIL							\
	"{\"type\":\"object\",\"required\":[\"schema_version\","	\
	"\"product\",\"rollout\",\"repository\",\"policy_pack\","	\
	"\"activity_summary\",\"integration_summary\",\"readiness\"],"	\
	"\"properties\":{\"schema_version\":{\"const\":"		\
	"\"cavra.policy_rollout.detail.v1\"},"				\
	"\"product\":{\"type\":\"string\"},\"rollout\":"		\
	SCHEMA_ROLLOUT ",\"repository\":{\"anyOf\":[" SCHEMA_REPO	\
	",{\"type\":\"null\"}]},\"policy_pack\":" SCHEMA_PACK ","	\
	"\"activity_summary\":" SCHEMA_ACTIVITY ","			\
	"\"integration_summary\":" SCHEMA_INTEGRATIONS ","		\
	"\"readiness\":" SCHEMA_READINESS "}}"

/*
 * Writes need an operator.  A change plan writes nothing and shows no
 * more than the records a reader may list already, so any reader may
 * ask for one (as for a policy publish plan).
 */
static const struct cv_route routes[] = {
	{ CV_GET, "/repositories", cv_rs_list, 0,
	    "List governed repositories, filtered by provider, owner, "
	    "policy pack, status and risk tier", &repos_rs },
	{ CV_POST, "/repositories", cv_rs_upsert, CV_BODY_JSON,
	    "Create or update a repository inventory record", &repos_rs,
	    .right = CV_RIGHT_OPERATE },
	{ CV_GET, "/repositories/{repository_id...}", cv_rs_get, 0,
	    "One repository, by repository_id or name (slashes allowed, "
	    "raw or %2F)", &repos_rs },
	{ CV_GET, "/policy-rollouts", cv_rs_list, 0,
	    "List policy rollouts, filtered by repository, policy pack, "
	    "state, mode and owner", &rollouts_rs },
	{ CV_POST, "/policy-rollouts", cv_rs_upsert, CV_BODY_JSON,
	    "Create or update a policy rollout (id: rollout_id, else "
	    "repository:policy_pack)", &rollouts_rs,
	    .right = CV_RIGHT_OPERATE },
	{ CV_POST, "/policy-rollouts/change-plan", h_change_plan,
	    CV_BODY_JSON, "Preview a rollout change: before, after, "
	    "field changes, risk and approval requirement (writes nothing)",
	    NULL, NULL, SCHEMA_PLAN, CV_RIGHT_READ },
	{ CV_POST, "/policy-rollouts/apply-change", h_apply_change,
	    CV_BODY_JSON, "Apply a rollout change (a verified actor when "
	    "OIDC or RBAC is configured)", NULL, NULL, SCHEMA_RESULT,
	    CV_RIGHT_OPERATE },
	{ CV_GET, "/policy-rollouts/{rollout_id...}", cv_rs_get, 0,
	    "One policy rollout (slashes allowed)", &rollouts_rs },
	{ CV_GET, "/policy-rollouts/{rollout_id}/detail", h_detail, 0,
	    "A rollout with its repository, pack, activity, integrations "
	    "and readiness (ids without a slash)", NULL, NULL,
	    SCHEMA_DETAIL },
	{ CV_GET, "/policy-rollout-details/{rollout_id...}", h_detail, 0,
	    "A rollout with its repository, pack, activity, integrations "
	    "and readiness (slashes allowed)", NULL, NULL, SCHEMA_DETAIL },
};

static const struct cv_store_def *const stores[] = { &cv_store_inventory,
    &cv_store_activity, &cv_store_integrations, NULL };

CV_RESPONDER(
	.name = "cavra-inventory",
	.stores = stores);
