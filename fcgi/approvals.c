/*
 * cavra-approvals: human approval of what the decision engine marks
 * require_approval (record-contracts.md 5).  An approval is opened from a
 * decision and routed to an approver group (lib/approval.c), then
 * approved, denied or expired by an actor the auth module resolves and
 * checks (lib/auth.c), or opened already decided by break-glass.  Only a
 * pending approval changes state; every change adds a history entry.
 *
 * List and get are the library's resource handlers over the approvals
 * store.  A change reads, checks and writes the record in one write
 * transaction, so two actors deciding at once cannot both win.
 *
 * Delivery (POST /approvals/{id}/deliver) sends a notification to the
 * providers of CAVRA_APPROVAL_PROVIDER_CONFIG with the library's HTTP
 * client and answers with redacted evidence.  It waits on the receivers
 * in its own request thread: the responder runs CV_APPROVAL_THREADS of
 * them per worker, so other requests go on meanwhile.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "cavra.h"
#include "cv_approval.h"
#include "cv_auth.h"
#include "cv_client.h"
#include "cv_connector.h"

#define TTL_HOURS_DEFAULT	24	/* POST /approvals */
#define BREAK_GLASS_TTL_HOURS	4	/* POST /approvals/break-glass */
#define CAB_GROUP		"Change Advisory Board"
#define PROVIDER_ENV		"CAVRA_APPROVAL_PROVIDER_CONFIG"

/* The providers a delivery knows, in the order of its answer. */
static const char *const provider_names[] = {
	"jira", "servicenow", "slack", "teams", "webhook", NULL
};

/* Providers that must end up with an authorization header. */
static const char *const provider_auth[] = { "jira", "servicenow", NULL };

/* The provider config file and its provider map (approval_providers,
 * else providers, else the file's object), or NULL.  Read in init(),
 * read-only afterwards. */
static struct json_object	*provider_doc;
static struct json_object	*provider_map;

static const struct cv_field approval_fields[] = {
	{ "product", CV_F_STRING, 0, "CAVRA" },
	{ "decision_id", CV_F_STRING, CV_FF_REQUIRED, NULL, NULL, NULL, NULL,
	    NULL, "decision this approval is for" },
	{ "session_id", CV_F_STRING, 0, "local" },
	{ "correlation_id", CV_F_STRING },
	{ "state", CV_F_ENUM, CV_FF_FILTER, "pending", cv_approval_states,
	    NULL, NULL, NULL, "only pending changes" },
	{ "approver_group", CV_F_STRING, CV_FF_FILTER | CV_FF_REQUIRED, NULL,
	    NULL, NULL, NULL, NULL, "who may decide (exact filter)" },
	{ "requested_by", CV_F_STRING, 0, "ai-agent" },
	{ "requested_at", CV_F_TIME, CV_FF_NOW },
	{ "expires_at", CV_F_TIME, CV_FF_REQUIRED, NULL, NULL, NULL, NULL,
	    NULL, "informational: nothing expires by itself" },
	{ "decision", CV_F_OBJECT, CV_FF_REQUIRED, NULL, NULL, NULL, NULL,
	    NULL, "the decision as it was submitted" },
	{ "history", CV_F_ANY, 0, NULL, NULL, NULL, NULL, NULL,
	    "[{event, actor, timestamp, reason, external_ref}]" },
	{ "evidence_refs", CV_F_STRLIST },
	{ "decided_by", CV_F_STRING, CV_FF_OPTIONAL },
	{ "decided_at", CV_F_TIME, CV_FF_OPTIONAL },
	{ "decision_reason", CV_F_STRING, CV_FF_OPTIONAL },
	{ "external_ref", CV_F_STRING, CV_FF_OPTIONAL },
	{ "break_glass", CV_F_BOOL, CV_FF_OPTIONAL },
	{ "break_glass_reason", CV_F_STRING, CV_FF_OPTIONAL },
};

static const struct cv_resource approvals_rs = {
	.what = "approval",
	.schema_version = "cavra.approval.v1",
	.store = &cv_store_approvals,
	.coll = 0,
	.id_field = "approval_id",
	.id_prefix = "apr_",
	.fields = approval_fields,
	.nfields = nitems(approval_fields),
	.flags = CV_RS_PAGED,
	.doc = "A request for a human decision on an agent action",
};

/*
 * Body member key as a string: *out NULL when absent or null.  400 when
 * it is not a string of at most CV_FIELD_MAX bytes without NUL.
 */
static enum cv_err
body_str(struct cv_req *req, struct json_object *body, const char *key,
    const char **out)
{
	struct json_object	*v;
	size_t			 len;

	*out = NULL;
	if (!json_object_object_get_ex(body, key, &v) || v == NULL)
		return CV_OK;
	len = json_object_is_type(v, json_type_string) ?
	    (size_t)json_object_get_string_len(v) : 0;
	if (!json_object_is_type(v, json_type_string) || len > CV_FIELD_MAX ||
	    strlen(json_object_get_string(v)) != len)
		return cv_fail_field(req, CV_EINVAL, key, "%s must be a string "
		    "of at most %d bytes without NUL", key, CV_FIELD_MAX);
	*out = json_object_get_string(v);
	return CV_OK;
}

/* As body_str(), an empty string counting as absent. */
static enum cv_err
body_nonempty(struct cv_req *req, struct json_object *body, const char *key,
    const char **out)
{
	enum cv_err	 rc;

	if ((rc = body_str(req, body, key, out)) == CV_OK && *out != NULL &&
	    **out == '\0')
		*out = NULL;
	return rc;
}

/* ttl_hours of the body: dflt when absent or null; 400 unless an integer
 * from 1 to CV_APPROVAL_TTL_HOURS_MAX. */
static enum cv_err
body_ttl(struct cv_req *req, struct json_object *body, long long dflt,
    long long *out)
{
	int64_t	 v;

	*out = dflt;
	switch (cv_json_int(body, "ttl_hours", &v)) {
	case CV_JGET_ABSENT:
		return CV_OK;
	case CV_JGET_OK:
		if (v >= 1 && v <= CV_APPROVAL_TTL_HOURS_MAX) {
			*out = (long long)v;
			return CV_OK;
		}
		break;
	default:
		break;
	}
	return cv_fail_field(req, CV_EINVAL, "ttl_hours", "ttl_hours must be "
	    "an integer from 1 to %d", CV_APPROVAL_TTL_HOURS_MAX);
}

/* The decision of a create or break-glass body: its `decision` member
 * when that is an object, else the whole body (as the reference takes
 * a raw decision).  Borrowed. */
static struct json_object *
body_decision(struct json_object *body)
{
	struct json_object	*d;

	if (json_object_object_get_ex(body, "decision", &d) && d != NULL &&
	    json_object_is_type(d, json_type_object))
		return d;
	return body;
}

/* The approval id of the route. */
static const char *
route_id(struct cv_req *req)
{
	return cv_param(req, "approval_id");
}

/*
 * POST /approvals: {decision, approver_group, requested_by, ttl_hours}
 * or a raw decision.  200 with the stored pending approval; 400 when the
 * decision has no decision_id, no group routes it, or a field is of the
 * wrong type.
 */
static enum cv_err
h_create(struct cv_req *req, struct cv_resp *resp)
{
	struct json_object	*rec = NULL;
	const char		*group, *by;
	long long		 ttl;
	enum cv_err		 rc;

	if ((rc = body_nonempty(req, req->json, "approver_group", &group)) !=
	    CV_OK || (rc = body_nonempty(req, req->json, "requested_by",
	    &by)) != CV_OK || (rc = body_ttl(req, req->json,
	    TTL_HOURS_DEFAULT, &ttl)) != CV_OK)
		return rc;
	if ((rc = cv_approval_new(req, body_decision(req->json), group, by,
	    ttl, &rec)) != CV_OK)
		return rc;
	if ((rc = cv_approval_put(req, rec)) != CV_OK) {
		json_object_put(rec);
		return rc;
	}
	cv_resp_json(resp, 200, rec);
	return CV_OK;
}

/*
 * Moves the route's approval to `state` ("approved", "denied",
 * "expired") for the body {actor, reason, external_ref} and its actor
 * context.  The context is resolved before the lookup (401 even for an
 * unknown id when OIDC or RBAC wants one); then 404, then the record's
 * own checks (pending, actor, reason), then the approver group (400, as
 * the reference answers).  With a context, decided_by is its actor.
 */
static enum cv_err
decide(struct cv_req *req, struct cv_resp *resp, const char *state,
    const char *dflt_actor, const char *dflt_reason)
{
	const struct cv_actor	*ctx = NULL;
	struct json_object	*body = req->json, *rec = NULL;
	struct cv_store		*s;
	struct cv_db		*db = NULL;
	const char		*actor, *reason, *ref;
	enum cv_err		 rc;
	int			 intx = 0;

	if ((rc = cv_auth_actor(req, body, &ctx)) != CV_OK)
		return rc;
	if ((rc = body_str(req, body, "actor", &actor)) != CV_OK ||
	    (rc = body_str(req, body, "reason", &reason)) != CV_OK ||
	    (rc = body_str(req, body, "external_ref", &ref)) != CV_OK)
		return rc;
	if (json_object_object_length(body) == 0) {
		actor = dflt_actor;
		reason = dflt_reason;
	}
	if (ctx != NULL)
		actor = ctx->actor;
	if ((rc = cv_rs_db(req, &cv_store_approvals, &db)) != CV_OK)
		return rc;
	if ((rc = cv_db_write(db, &s)) != CV_OK)
		return cv_rs_store_fail(req, &cv_store_approvals, rc);
	intx = 1;
	if ((rc = cv_store_get(s, approvals_rs.coll, route_id(req), &rec)) !=
	    CV_OK) {
		rc = rc == CV_ENOENT ? cv_fail(req, rc, "approval not found") :
		    cv_rs_store_fail(req, &cv_store_approvals, rc);
		goto out;
	}
	/* The group check comes after the record's own checks, which
	 * cv_approval_decide() makes: only a change it would make is
	 * refused for the actor. */
	if (ctx != NULL && strcmp(cv_json_str_or(rec, "state", ""),
	    "pending") == 0 && actor != NULL && *actor != '\0' &&
	    reason != NULL && *reason != '\0' &&
	    !cv_auth_can_decide(ctx, rec, state)) {
		rc = cv_fail(req, CV_EINVAL, "actor is not authorized for "
		    "approval group");
		goto out;
	}
	if ((rc = cv_approval_decide(req, rec, state, actor, reason, ref)) !=
	    CV_OK)
		goto out;
	if ((rc = cv_store_put(s, approvals_rs.coll, rec)) != CV_OK) {
		rc = cv_rs_store_fail(req, &cv_store_approvals, rc);
		goto out;
	}
	intx = 0;
	if ((rc = cv_db_commit(db)) != CV_OK) {
		rc = cv_rs_store_fail(req, &cv_store_approvals, rc);
		goto out;
	}
	cv_resp_json(resp, 200, rec);
	rec = NULL;
out:
	if (intx)
		cv_db_abort(db);
	json_object_put(rec);
	return rc;
}

/* POST /approvals/{approval_id}/approve */
static enum cv_err
h_approve(struct cv_req *req, struct cv_resp *resp)
{
	return decide(req, resp, "approved", NULL, NULL);
}

/* POST /approvals/{approval_id}/deny */
static enum cv_err
h_deny(struct cv_req *req, struct cv_resp *resp)
{
	return decide(req, resp, "denied", NULL, NULL);
}

/* POST /approvals/{approval_id}/expire: no body or {} is actor
 * "system", reason "approval expired". */
static enum cv_err
h_expire(struct cv_req *req, struct cv_resp *resp)
{
	return decide(req, resp, "expired", "system", "approval expired");
}

/*
 * POST /approvals/break-glass: {decision (or a raw decision), actor,
 * reason, approver_group (Change Advisory Board), external_ref,
 * ttl_hours (4)}.  An approval opened and decided at once, in state
 * break_glass.  With an actor context (401 when OIDC or RBAC wants one
 * and there is none) the actor must be in the Change Advisory Board and
 * may approve for the group (403 otherwise), and is requested_by and
 * decided_by.
 */
static enum cv_err
h_break_glass(struct cv_req *req, struct cv_resp *resp)
{
	const struct cv_actor	*ctx = NULL;
	struct json_object	*body = req->json, *decision, *rec = NULL;
	const char		*group, *actor, *reason, *ref, *repo;
	long long		 ttl;
	enum cv_err		 rc;

	if ((rc = cv_auth_actor(req, body, &ctx)) != CV_OK)
		return rc;
	if ((rc = body_nonempty(req, body, "approver_group", &group)) !=
	    CV_OK || (rc = body_str(req, body, "actor", &actor)) != CV_OK ||
	    (rc = body_str(req, body, "reason", &reason)) != CV_OK ||
	    (rc = body_str(req, body, "external_ref", &ref)) != CV_OK ||
	    (rc = body_ttl(req, body, BREAK_GLASS_TTL_HOURS, &ttl)) != CV_OK)
		return rc;
	if (group == NULL)
		group = CAB_GROUP;
	decision = body_decision(body);
	if (ctx != NULL) {
		repo = cv_json_str_or(decision, "repository", NULL);
		if (repo == NULL)
			repo = cv_json_str_or(decision, "repo", NULL);
		if (!cv_auth_can_break_glass(ctx, group, repo))
			return cv_fail(req, CV_EPERM, "actor is not authorized "
			    "for break-glass");
		actor = ctx->actor;
	}
	if (actor == NULL || *actor == '\0')
		return cv_fail(req, CV_EINVAL, "actor is required");
	if (reason == NULL || *reason == '\0')
		return cv_fail(req, CV_EINVAL, "break-glass reason is "
		    "required");
	if ((rc = cv_approval_new(req, decision, group, actor, ttl, &rec)) !=
	    CV_OK)
		return rc;
	if ((rc = cv_approval_decide(req, rec, "break_glass", actor, reason,
	    ref)) != CV_OK || (rc = cv_approval_put(req, rec)) != CV_OK) {
		json_object_put(rec);
		return rc;
	}
	cv_resp_json(resp, 200, rec);
	return CV_OK;
}

/*
 * POST /approvals/{approval_id}/attach-decision: the body (a decision)
 * with `approval`, the approval's summary, and `evidence_refs`, the
 * body's refs followed by the approval's not among them.  Nothing is
 * stored.  404 for an unknown approval; 400 when the body's
 * evidence_refs are not a list of strings.
 */
static enum cv_err
h_attach(struct cv_req *req, struct cv_resp *resp)
{
	struct json_object	*rec = NULL, *out, *refs, *mine, *v, *it;
	size_t			 i, n;
	enum cv_err		 rc;

	if (json_object_object_get_ex(req->json, "evidence_refs", &v) &&
	    v != NULL) {
		n = json_object_is_type(v, json_type_array) ?
		    json_object_array_length(v) : 0;
		for (i = 0; i < n; i++)
			if (!json_object_is_type(json_object_array_get_idx(v,
			    i), json_type_string))
				break;
		if (!json_object_is_type(v, json_type_array) || i < n)
			return cv_fail_field(req, CV_EINVAL, "evidence_refs",
			    "evidence_refs must be a list of strings");
	} else
		v = NULL;
	if ((rc = cv_approval_get(req, route_id(req), &rec)) != CV_OK)
		return rc;
	refs = json_object_new_array();
	n = v != NULL ? json_object_array_length(v) : 0;
	for (i = 0; i < n; i++)
		json_object_array_add(refs, json_object_get(
		    json_object_array_get_idx(v, i)));
	if (cv_json_arr(rec, "evidence_refs", &mine) != CV_JGET_OK)
		mine = NULL;
	n = mine != NULL ? json_object_array_length(mine) : 0;
	for (i = 0; i < n; i++) {
		it = json_object_array_get_idx(mine, i);
		if (json_object_is_type(it, json_type_string) &&
		    !cv_json_has_str(refs, json_object_get_string(it)))
			json_object_array_add(refs, json_object_get(it));
	}
	out = json_object_new_object();
	json_object_object_foreach(req->json, key, val)
		json_object_object_add(out, key, json_object_get(val));
	json_object_object_add(out, "approval", cv_approval_summary(rec));
	json_object_object_add(out, "evidence_refs", refs);
	json_object_put(rec);
	cv_resp_json(resp, 200, out);
	return CV_OK;
}

/* A Slack mrkdwn field "*label*\nvalue"; new reference. */
static struct json_object *
slack_field(struct cv_arena *a, const char *label, const char *value)
{
	return cv_connector_mrkdwn(cv_arena_printf(a, "*%s*\n%s", label,
	    value));
}

/* The approval summary as indented JSON with sorted keys (arena), for
 * ticket descriptions. */
static const char *
pretty_summary(struct cv_arena *a, struct json_object *rec)
{
	struct json_object	*sum;
	const char		*s;

	sum = cv_approval_summary(rec);
	s = cv_json_pretty_sorted(a, sum);
	json_object_put(sum);
	return s;
}

/*
 * The notification body of approval rec for provider `name`
 * (record-contracts.md 5.8); new reference.
 */
static struct json_object *
provider_body(struct cv_arena *a, const char *name, struct json_object *rec)
{
	struct json_object	*o, *f, *l, *blocks, *b, *t, *secs, *sec;
	const char		*state, *group, *title, *reason;
	char			 ts[CV_TS_LEN];

	state = cv_json_str_or(rec, "state", "pending");
	group = cv_json_str_or(rec, "approver_group", "");
	title = cv_arena_printf(a, "CAVRA approval %s for %s", state,
	    cv_json_str_or(rec, "decision_id", ""));
	o = json_object_new_object();
	if (strcmp(name, "slack") == 0) {
		cv_json_add_str(o, "text", title);
		blocks = json_object_new_array();
		b = json_object_new_object();
		cv_json_add_str(b, "type", "header");
		t = json_object_new_object();
		cv_json_add_str(t, "type", "plain_text");
		cv_json_add_str(t, "text", title);
		json_object_object_add(b, "text", t);
		json_object_array_add(blocks, b);
		b = json_object_new_object();
		cv_json_add_str(b, "type", "section");
		f = json_object_new_array();
		json_object_array_add(f, slack_field(a, "Approver group",
		    group));
		json_object_array_add(f, slack_field(a, "State", state));
		json_object_array_add(f, slack_field(a, "Requested by",
		    cv_json_str_or(rec, "requested_by", "")));
		json_object_array_add(f, slack_field(a, "External ref",
		    cv_json_str_or(rec, "external_ref", "n/a")));
		json_object_object_add(b, "fields", f);
		json_object_array_add(blocks, b);
		json_object_object_add(o, "blocks", blocks);
	} else if (strcmp(name, "teams") == 0) {
		reason = cv_json_str_or(rec, "decision_reason", NULL);
		if (reason == NULL)
			reason = cv_json_str_or(json_object_object_get(rec,
			    "decision"), "reason", "");
		cv_json_add_str(o, "@type", "MessageCard");
		cv_json_add_str(o, "@context", "https://schema.org/extensions");
		cv_json_add_str(o, "summary", title);
		cv_json_add_str(o, "themeColor", strcmp(state, "pending") == 0 ?
		    "E0A800" : "2E7D32");
		secs = json_object_new_array();
		sec = json_object_new_object();
		cv_json_add_str(sec, "activityTitle", title);
		f = json_object_new_array();
		json_object_array_add(f, cv_connector_fact("Approver group",
		    group));
		json_object_array_add(f, cv_connector_fact("State", state));
		json_object_array_add(f, cv_connector_fact("Reason", reason));
		json_object_object_add(sec, "facts", f);
		json_object_array_add(secs, sec);
		json_object_object_add(o, "sections", secs);
	} else if (strcmp(name, "jira") == 0) {
		f = json_object_new_object();
		cv_json_add_str(f, "summary", title);
		cv_json_add_str(f, "description", pretty_summary(a, rec));
		l = json_object_new_array();
		json_object_array_add(l, json_object_new_string("cavra"));
		json_object_array_add(l, json_object_new_string(
		    "ai-agent-approval"));
		json_object_array_add(l, json_object_new_string(state));
		json_object_object_add(f, "labels", l);
		json_object_object_add(o, "fields", f);
	} else if (strcmp(name, "servicenow") == 0) {
		cv_json_add_str(o, "short_description", title);
		cv_json_add_str(o, "description", pretty_summary(a, rec));
		cv_json_add_str(o, "assignment_group", group);
		cv_json_add_str(o, "correlation_id", cv_json_str_or(rec,
		    "correlation_id", cv_json_str_or(rec, "approval_id", "")));
	} else {
		cv_ts_now(ts, sizeof(ts));
		cv_json_add_str(o, "schema_version",
		    "cavra.approval.notification.v1");
		cv_json_add_str(o, "product", CV_PRODUCT);
		cv_json_add_str(o, "event_type", cv_arena_printf(a,
		    "cavra.approval.%s", state));
		cv_json_add_str(o, "timestamp", ts);
		json_object_object_add(o, "payload", json_object_get(rec));
	}
	return o;
}

/* One provider of a delivery: its spec and its own copy of its config
 * entry (the shared one is never touched by a request thread). */
struct target {
	struct cv_provider	 p;
	struct json_object	*conf;
};

/* Whether provider p sends an Authorization header (an API key is not
 * one: approval providers authenticate with a token). */
static int
has_authorization(const struct cv_provider *p)
{
	size_t	 i;

	for (i = 0; i < p->nheaders; i++)
		if (strcmp(p->headers[i].name, "authorization") == 0)
			return 1;
	return 0;
}

/*
 * The providers a delivery goes to: `which` ("all", or one name) among
 * the enabled entries of the provider map, in provider_names order, read
 * into t (room for every provider name).  *n of them.  400 for a name not
 * configured or an entry that does not load.  The caller puts each
 * t[i].conf.
 */
static enum cv_err
targets(struct cv_req *req, const char *which, struct target *t, size_t *n)
{
	const char *const	*name;
	struct json_object	*conf;
	struct target		*tp;
	char			 err[256];
	int			 all;

	*n = 0;
	all = strcmp(which, "all") == 0;
	if (!all && !cv_strv_has(provider_names, which))
		return cv_fail(req, CV_EINVAL, "approval provider is not "
		    "configured: %s", which);
	for (name = provider_names; *name != NULL; name++) {
		if (!all && strcmp(*name, which) != 0)
			continue;
		if (!json_object_object_get_ex(provider_map, *name, &conf) ||
		    conf == NULL)
			continue;
		tp = &t[(*n)++];
		tp->conf = NULL;
		if (json_object_deep_copy(conf, &tp->conf, NULL) != 0)
			return cv_fail(req, CV_ENOMEM, "out of memory");
		err[0] = '\0';
		if (cv_provider_load(req->arena, *name, tp->conf, &tp->p, err,
		    sizeof(err)) != CV_OK)
			return cv_fail(req, CV_EINVAL, "%s", err[0] != '\0' ?
			    err : "approval provider config is invalid");
		if (!tp->p.enabled) {
			json_object_put(tp->conf);
			(*n)--;
			continue;
		}
		if (cv_strv_has(provider_auth, *name) && !has_authorization(
		    &tp->p))
			return cv_fail(req, CV_EINVAL, "approval provider %s "
			    "must configure token_env, authorization_env, or "
			    "authorization header", *name);
	}
	if (!all && *n == 0)
		return cv_fail(req, CV_EINVAL, "approval provider is not "
		    "configured: %s", which);
	return CV_OK;
}

/*
 * POST /approvals/{approval_id}/deliver: {provider ("all" or one name),
 * retries, timeout_seconds}, all optional.  Sends the approval's
 * notification to each provider and answers cavra.approval.delivery.v1
 * with the redacted evidence of each delivery; a failed delivery is in
 * the answer, not an error.  404 for an unknown approval, then 400
 * without a provider config, for a provider not configured, or an entry
 * that does not load.
 */
static enum cv_err
h_deliver(struct cv_req *req, struct cv_resp *resp)
{
	struct target		 t[nitems(provider_names)];
	struct cv_out_result	 res;
	struct cv_out		 out;
	struct json_object	*rec = NULL, *o = NULL, *dl, *b;
	const char		*which;
	char			 ts[CV_TS_LEN];
	size_t			 i, n = 0;
	double			 timeout;
	int			 retries, ok = 1;
	enum cv_err		 rc;

	if ((rc = cv_approval_get(req, route_id(req), &rec)) != CV_OK)
		return rc;
	if (provider_map == NULL) {
		rc = cv_fail(req, CV_EINVAL, "approval provider config is not "
		    "configured");
		goto out;
	}
	if ((rc = body_nonempty(req, req->json, "provider", &which)) != CV_OK ||
	    (rc = cv_connector_opts(req, req->json, &retries, &timeout)) !=
	    CV_OK)
		goto out;
	if ((rc = targets(req, which != NULL ? which : "all", t, &n)) != CV_OK)
		goto out;
	cv_ts_now(ts, sizeof(ts));
	dl = json_object_new_array();
	o = json_object_new_object();
	cv_json_add_str(o, "schema_version", "cavra.approval.delivery.v1");
	cv_json_add_str(o, "product", CV_PRODUCT);
	cv_json_add_str(o, "approval_id", cv_json_str_or(rec, "approval_id",
	    ""));
	cv_json_add_str(o, "decision_id", cv_json_str_or(rec, "decision_id",
	    ""));
	cv_json_add_str(o, "generated_at", ts);
	for (i = 0; i < n; i++) {
		b = provider_body(req->arena, t[i].p.name, rec);
		memset(&out, 0, sizeof(out));
		out.method = t[i].p.method;
		out.url = t[i].p.url;
		out.headers = t[i].p.headers;
		out.nheaders = t[i].p.nheaders;
		out.body = cv_json_compact(req->arena, b);
		out.bodylen = strlen(out.body);
		out.timeout_s = timeout;
		out.retries = retries;
		json_object_put(b);
		memset(&res, 0, sizeof(res));
		if ((rc = cv_client_send(req->arena, &out, &res)) != CV_OK) {
			rc = cv_fail(req, CV_EINVAL, "approval provider %s url "
			    "must be an http or https URL", t[i].p.name);
			json_object_put(dl);
			goto out;
		}
		ok = ok && res.success;
		json_object_array_add(dl, cv_delivery_json(req->arena, &t[i].p,
		    &res, cv_redact_approval));
	}
	cv_json_add_bool(o, "success", ok);
	json_object_object_add(o, "deliveries", dl);
	cv_resp_json(resp, 200, o);
	o = NULL;
out:
	for (i = 0; i < n; i++)
		json_object_put(t[i].conf);
	json_object_put(o);
	json_object_put(rec);
	return rc;
}

/*
 * At start: the routing file (its rules replace the built-in ones) and
 * the provider config, whose provider map must be an object of objects.
 * One line on stderr and CV_EINVAL otherwise.
 */
static enum cv_err
init(void)
{
	const char *const	*name;
	struct json_object	*v;

	if (cv_approval_routing_init() != CV_OK)
		return CV_EINVAL;
	if (cv_conf_load(PROVIDER_ENV, &provider_doc) != CV_OK)
		return CV_EINVAL;
	if (provider_doc == NULL)
		return CV_OK;
	if ((json_object_object_get_ex(provider_doc, "approval_providers",
	    &v) && v != NULL) || (json_object_object_get_ex(provider_doc,
	    "providers", &v) && v != NULL))
		provider_map = v;
	else
		provider_map = provider_doc;
	if (!json_object_is_type(provider_map, json_type_object)) {
		cv_log("%s: %s: the provider map is not an object",
		    PROVIDER_ENV, cv_env(PROVIDER_ENV));
		return CV_EINVAL;
	}
	for (name = provider_names; *name != NULL; name++)
		if (json_object_object_get_ex(provider_map, *name, &v) &&
		    v != NULL && !json_object_is_type(v, json_type_object)) {
			cv_log("%s: %s: provider %s is not an object",
			    PROVIDER_ENV, cv_env(PROVIDER_ENV), *name);
			return CV_EINVAL;
		}
	return CV_OK;
}

#define SCHEMA_APPROVAL	"{\"$ref\":\"#/components/schemas/Approval\"}"

#define SCHEMA_ATTACH							\
	"{\"type\":\"object\",\"required\":[\"approval\","		\
	"\"evidence_refs\"],\"properties\":{\"approval\":{\"type\":"	\
	"\"object\",\"required\":[\"approval_id\",\"decision_id\","	\
	"\"session_id\",\"state\",\"approver_group\",\"requested_by\","	\
	"\"requested_at\",\"expires_at\",\"decided_by\",\"decided_at\","	\
	"\"external_ref\",\"break_glass\",\"evidence_refs\"],"		\
	"\"properties\":{\"approval_id\":{\"type\":\"string\"},"		\
	"\"state\":{\"type\":\"string\",\"enum\":[\"pending\","		\
	"\"approved\",\"denied\",\"expired\",\"break_glass\"]},"		\
	"\"break_glass\":{\"type\":\"boolean\"},\"evidence_refs\":"	\
	"{\"type\":\"array\",\"items\":{\"type\":\"string\"}}}},"	\
	"\"evidence_refs\":{\"type\":\"array\",\"items\":{\"type\":"	\
	"\"string\"}}}}"

#define SCHEMA_DELIVERY							\
	"{\"type\":\"object\",\"required\":[\"schema_version\","		\
	"\"product\",\"approval_id\",\"decision_id\",\"generated_at\","	\
	"\"success\",\"deliveries\"],\"properties\":{\"schema_version\":"	\
	"{\"const\":\"cavra.approval.delivery.v1\"},\"product\":"		\
	"{\"type\":\"string\"},\"approval_id\":{\"type\":\"string\"},"	\
	"\"decision_id\":{\"type\":\"string\"},\"generated_at\":"		\
	"{\"type\":\"string\"},\"success\":{\"type\":\"boolean\"},"		\
	"\"deliveries\":{\"type\":\"array\",\"items\":{\"type\":"	\
	"\"object\",\"required\":[\"provider\",\"success\","		\
	"\"status_code\",\"attempt_count\",\"started_at\","		\
	"\"completed_at\",\"error\",\"request\"],\"properties\":{"	\
	"\"provider\":{\"type\":\"string\"},\"success\":{\"type\":"	\
	"\"boolean\"},\"status_code\":{\"type\":[\"integer\","		\
	"\"null\"]},\"attempt_count\":{\"type\":\"integer\","		\
	"\"minimum\":1},\"error\":{\"type\":[\"string\",\"null\"]},"	\
	"\"request\":{\"type\":\"object\",\"required\":[\"method\","	\
	"\"url\",\"headers\"]}}}}}}"

static const struct cv_route routes[] = {
	{ CV_GET, "/approvals", cv_rs_list, 0,
	    "List approvals, newest request first (filters, limit, offset)",
	    &approvals_rs },
	{ CV_POST, "/approvals", h_create, CV_BODY_JSON,
	    "Open a pending approval for a decision, routed to an approver "
	    "group", NULL, NULL, SCHEMA_APPROVAL, CV_RIGHT_OPERATE },
	{ CV_POST, "/approvals/break-glass", h_break_glass, CV_BODY_JSON,
	    "Open an approval already decided by break-glass", NULL, NULL,
	    SCHEMA_APPROVAL, CV_RIGHT_OPERATE },
	{ CV_GET, "/approvals/{approval_id}", cv_rs_get, 0,
	    "One approval", &approvals_rs },
	{ CV_POST, "/approvals/{approval_id}/approve", h_approve,
	    CV_BODY_JSON, "Approve a pending approval", NULL, NULL,
	    SCHEMA_APPROVAL, CV_RIGHT_OPERATE },
	{ CV_POST, "/approvals/{approval_id}/deny", h_deny, CV_BODY_JSON,
	    "Deny a pending approval", NULL, NULL, SCHEMA_APPROVAL,
	    CV_RIGHT_OPERATE },
	{ CV_POST, "/approvals/{approval_id}/expire", h_expire,
	    CV_BODY_JSON | CV_BODY_OPT, "Expire a pending approval", NULL,
	    NULL, SCHEMA_APPROVAL, CV_RIGHT_OPERATE },
	{ CV_POST, "/approvals/{approval_id}/deliver", h_deliver,
	    CV_BODY_JSON | CV_BODY_OPT, "Notify the approval providers of "
	    "an approval", NULL, NULL, SCHEMA_DELIVERY, CV_RIGHT_OPERATE },
	{ CV_POST, "/approvals/{approval_id}/attach-decision", h_attach,
	    CV_BODY_JSON, "A decision with the approval's summary and "
	    "evidence refs attached (not stored)", NULL, NULL, SCHEMA_ATTACH,
	    CV_RIGHT_OPERATE },
};

static const struct cv_store_def *const stores[] = { &cv_store_approvals,
    NULL };

CV_RESPONDER(
	.name = "cavra-approvals",
	.init = init,
	.stores = stores,
	.threads = CV_APPROVAL_THREADS);
