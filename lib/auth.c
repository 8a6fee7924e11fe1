/*
 * Actors and their rights: the repository RBAC file
 * (CAVRA_APPROVAL_RBAC_FILE), actor contexts from token claims, actor
 * resolution for console mutations (record-contracts.md 0.8, with the
 * deliberate difference of cv_auth.h) and the approval checks (5.5,
 * 5.6).  OIDC tokens are verified by lib/jwt.c.
 *
 * The RBAC file is parsed once by cv_auth_init(), in the parent, into
 * the tables below; afterwards they are only read.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <json-c/json.h>

#include "auth_int.h"
#include "cv_arena.h"
#include "cv_auth.h"
#include "cv_conf.h"
#include "cv_http.h"
#include "cv_json.h"
#include "cv_util.h"

#ifndef nitems
#define nitems(a)	(sizeof(a) / sizeof((a)[0]))
#endif

#define RBAC_ENV	"CAVRA_APPROVAL_RBAC_FILE"
#define CAB_GROUP	"Change Advisory Board"	/* break-glass group */

/* The approval actions of RBAC rules, as bits. */
#define ACT_APPROVED	0x01
#define ACT_DENIED	0x02
#define ACT_EXPIRED	0x04

static const struct {
	const char	*name;
	unsigned	 bit;
} action_names[] = {
	{ "approved", ACT_APPROVED },
	{ "denied", ACT_DENIED },
	{ "expired", ACT_EXPIRED },
	{ "approve", ACT_APPROVED },	/* aliases */
	{ "deny", ACT_DENIED },
	{ "expire", ACT_EXPIRED },
};

/* The first three action_names are the canonical ones. */
#define ACT_CANONICAL	3

/* A repository_permissions rule.  NULL repository or approver_group
 * matches any; groups are sorted. */
struct rule {
	char		*repository;
	char		*approver_group;
	unsigned	 actions;	/* ACT_* */
	char		**groups;
	size_t		 ngroups;
};

/* A group_mappings entry: an actor in `from` is also in `to`. */
struct mapping {
	char	*from;
	char	*to;
};

static struct {
	int		 configured;	/* the file is a non-empty object */
	struct mapping	*maps;
	size_t		 nmaps;
	struct rule	*rules;
	size_t		 nrules;
} rbac;

static int
strp_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Whether the JSON value is a non-empty string without a NUL. */
static int
plain_str(struct json_object *v)
{
	return json_object_is_type(v, json_type_string) &&
	    json_object_get_string_len(v) > 0 &&
	    strlen(json_object_get_string(v)) ==
	    (size_t)json_object_get_string_len(v);
}

static void
rbac_free(void)
{
	size_t	 i, j;

	for (i = 0; i < rbac.nmaps; i++) {
		free(rbac.maps[i].from);
		free(rbac.maps[i].to);
	}
	for (i = 0; i < rbac.nrules; i++) {
		free(rbac.rules[i].repository);
		free(rbac.rules[i].approver_group);
		for (j = 0; j < rbac.rules[i].ngroups; j++)
			free(rbac.rules[i].groups[j]);
		free(rbac.rules[i].groups);
	}
	free(rbac.maps);
	free(rbac.rules);
	memset(&rbac, 0, sizeof(rbac));
}

/* The ACT_* bit of an action name or alias, or 0. */
static unsigned
action_bit(const char *s)
{
	size_t	 i;

	for (i = 0; i < nitems(action_names); i++)
		if (strcmp(action_names[i].name, s) == 0)
			return action_names[i].bit;
	return 0;
}

/*
 * Optional string member `key` of rule object r into *out (malloc'ed, or
 * NULL when absent or null).  -1 when present and not a non-empty
 * string.
 */
static int
rule_str(struct json_object *r, const char *key, char **out)
{
	struct json_object	*v;

	*out = NULL;
	if (!json_object_object_get_ex(r, key, &v) || v == NULL)
		return 0;
	if (!plain_str(v))
		return -1;
	*out = cv_xstrdup(json_object_get_string(v));
	return 0;
}

/*
 * Parses rule object o into rule *r (whose fields the caller frees with
 * rbac_free() whatever happens).  -1 with a sentence in err.
 */
static int
parse_rule(struct json_object *o, size_t i, struct rule *r, char *err,
    size_t errlen)
{
	struct json_object	*v, *g;
	size_t			 j, n;
	unsigned		 bit;

	if (!json_object_is_type(o, json_type_object)) {
		snprintf(err, errlen, "repository_permissions[%zu] must be an "
		    "object", i);
		return -1;
	}
	if (rule_str(o, "repository", &r->repository) != 0 ||
	    rule_str(o, "approver_group", &r->approver_group) != 0) {
		snprintf(err, errlen, "repository_permissions[%zu]: repository "
		    "and approver_group must be non-empty strings when "
		    "present", i);
		return -1;
	}
	if (cv_json_arr(o, "groups", &v) != CV_JGET_OK ||
	    (n = json_object_array_length(v)) == 0) {
		snprintf(err, errlen, "repository_permissions[%zu].groups must "
		    "be a non-empty list of group names", i);
		return -1;
	}
	r->groups = cv_xcalloc(n, sizeof(*r->groups));
	for (j = 0; j < n; j++) {
		if (!plain_str(g = json_object_array_get_idx(v, j))) {
			snprintf(err, errlen, "repository_permissions[%zu]."
			    "groups[%zu] must be a non-empty string", i, j);
			return -1;
		}
		r->groups[r->ngroups++] = cv_xstrdup(json_object_get_string(g));
	}
	qsort(r->groups, r->ngroups, sizeof(*r->groups), strp_cmp);
	switch (cv_json_arr(o, "actions", &v)) {
	case CV_JGET_ABSENT:
		r->actions = ACT_APPROVED | ACT_DENIED;
		return 0;
	case CV_JGET_TYPE:
		goto bad_actions;
	case CV_JGET_OK:
		break;
	}
	if ((n = json_object_array_length(v)) == 0)
		goto bad_actions;
	for (j = 0; j < n; j++) {
		g = json_object_array_get_idx(v, j);
		if (!json_object_is_type(g, json_type_string) ||
		    (bit = action_bit(json_object_get_string(g))) == 0)
			goto bad_actions;
		r->actions |= bit;
	}
	return 0;
bad_actions:
	snprintf(err, errlen, "repository_permissions[%zu].actions must be a "
	    "non-empty list of approve(d), deny/denied or expire(d)", i);
	return -1;
}

/*
 * Parses the RBAC policy object pol into rbac.  -1 with a sentence in
 * err.
 */
static int
parse_rbac(struct json_object *pol, char *err, size_t errlen)
{
	struct json_object	*maps, *rules;
	struct json_object_iterator it, end;
	const char		*key;
	size_t			 i, n;

	switch (cv_json_obj(pol, "group_mappings", &maps)) {
	case CV_JGET_TYPE:
		snprintf(err, errlen, "group_mappings must be an object of "
		    "group -> group");
		return -1;
	case CV_JGET_ABSENT:
		maps = NULL;
		break;
	case CV_JGET_OK:
		break;
	}
	if (maps != NULL && (n = (size_t)json_object_object_length(maps)) > 0) {
		rbac.maps = cv_xcalloc(n, sizeof(*rbac.maps));
		it = json_object_iter_begin(maps);
		end = json_object_iter_end(maps);
		for (; !json_object_iter_equal(&it, &end);
		    json_object_iter_next(&it)) {
			if (!plain_str(json_object_iter_peek_value(&it)) ||
			    *json_object_iter_peek_name(&it) == '\0') {
				snprintf(err, errlen, "group_mappings: %s must "
				    "name a group (a non-empty string)",
				    json_object_iter_peek_name(&it));
				return -1;
			}
			rbac.maps[rbac.nmaps].from = cv_xstrdup(
			    json_object_iter_peek_name(&it));
			rbac.maps[rbac.nmaps++].to = cv_xstrdup(
			    json_object_get_string(
			    json_object_iter_peek_value(&it)));
		}
	}
	key = "repository_permissions";
	if (!json_object_object_get_ex(pol, key, &rules) || rules == NULL) {
		key = "repositories";
		if (!json_object_object_get_ex(pol, key, &rules) ||
		    rules == NULL)
			return 0;
	}
	if (!json_object_is_type(rules, json_type_array)) {
		snprintf(err, errlen, "%s must be a list", key);
		return -1;
	}
	n = json_object_array_length(rules);
	rbac.rules = cv_xcalloc(n > 0 ? n : 1, sizeof(*rbac.rules));
	for (i = 0; i < n; i++)
		if (parse_rule(json_object_array_get_idx(rules, i), i,
		    &rbac.rules[rbac.nrules++], err, errlen) != 0)
			return -1;
	return 0;
}

/* Loads CAVRA_APPROVAL_RBAC_FILE into rbac.  CV_EINVAL after a log line. */
static enum cv_err
rbac_load(void)
{
	struct json_object	*doc = NULL, *pol;
	char			 err[512];
	enum cv_err		 rc = CV_EINVAL;

	rbac_free();
	if (cv_conf_load(RBAC_ENV, &doc) != CV_OK)
		return CV_EINVAL;
	if (doc == NULL)
		return CV_OK;
	switch (cv_json_obj(doc, "approval_rbac", &pol)) {
	case CV_JGET_TYPE:
		snprintf(err, sizeof(err), "approval_rbac must be an object");
		goto fail;
	case CV_JGET_ABSENT:
		pol = doc;
		break;
	case CV_JGET_OK:
		break;
	}
	if (parse_rbac(pol, err, sizeof(err)) != 0)
		goto fail;
	rbac.configured = json_object_object_length(doc) > 0;
	rc = CV_OK;
	goto out;
fail:
	cv_log("%s: %s: %s", RBAC_ENV, cv_env(RBAC_ENV), err);
	rbac_free();
out:
	json_object_put(doc);
	return rc;
}

enum cv_err
cv_auth_init(void)
{
	enum cv_err	 rc;

	cv_auth_fini();
	if ((rc = cv_oidc_load()) != CV_OK || (rc = rbac_load()) != CV_OK)
		cv_auth_fini();
	return rc;
}

void
cv_auth_fini(void)
{
	cv_oidc_free();
	rbac_free();
}

int
cv_rbac_configured(void)
{
	return rbac.configured;
}

/* ---- actors -------------------------------------------------------- */

/* Member key of claims if it is a non-empty string without NUL, else
 * NULL. */
static const char *
claim_str(struct json_object *claims, const char *key)
{
	struct json_object	*v;

	if (!json_object_object_get_ex(claims, key, &v) || !plain_str(v))
		return NULL;
	return json_object_get_string(v);
}

/* Whether a claim is "truthy" as a group list: a non-empty string or a
 * non-empty list. */
static int
groups_claim(struct json_object *v)
{
	return (json_object_is_type(v, json_type_string) &&
	    json_object_get_string_len(v) > 0) ||
	    (json_object_is_type(v, json_type_array) &&
	    json_object_array_length(v) > 0);
}

/*
 * The groups of claims (record-contracts.md 5.6: `groups`, else `roles`;
 * a string is a one-item list; items that are not strings are left
 * out), plus the targets of the RBAC group_mappings whose source is
 * among them; sorted, unique, arena.
 */
static void
actor_groups(struct cv_arena *a, struct json_object *claims,
    struct cv_actor *act)
{
	struct json_object	*v = NULL, *g;
	const char		**out;
	size_t			 i, j, n = 0, nraw = 0;

	if ((!json_object_object_get_ex(claims, "groups", &v) ||
	    !groups_claim(v)) &&
	    (!json_object_object_get_ex(claims, "roles", &v) ||
	    !groups_claim(v)))
		v = NULL;
	if (json_object_is_type(v, json_type_array))
		nraw = json_object_array_length(v);
	else if (v != NULL)
		nraw = 1;
	out = cv_arena_alloc(a, (nraw + rbac.nmaps + 1) * sizeof(*out));
	for (i = 0; i < nraw; i++) {
		g = json_object_is_type(v, json_type_array) ?
		    json_object_array_get_idx(v, i) : v;
		if (plain_str(g))
			out[n++] = cv_arena_strdup(a,
			    json_object_get_string(g));
	}
	nraw = n;
	for (i = 0; i < rbac.nmaps; i++)
		for (j = 0; j < nraw; j++)
			if (strcmp(out[j], rbac.maps[i].from) == 0) {
				out[n++] = cv_arena_strdup(a, rbac.maps[i].to);
				break;
			}
	qsort(out, n, sizeof(*out), strp_cmp);
	for (i = j = 0; i < n; i++)
		if (j == 0 || strcmp(out[j - 1], out[i]) != 0)
			out[j++] = out[i];
	act->groups = out;
	act->ngroups = j;
}

struct cv_actor *
cv_actor_from_claims(struct cv_arena *a, struct json_object *claims,
    int verified)
{
	struct cv_actor	*act;
	const char	*s;

	act = cv_arena_alloc(a, sizeof(*act));
	if ((s = claim_str(claims, "email")) == NULL &&
	    (s = claim_str(claims, "preferred_username")) == NULL &&
	    (s = claim_str(claims, "sub")) == NULL)
		s = "unknown";
	act->actor = cv_arena_strdup(a, s);
	if ((s = claim_str(claims, "sub")) != NULL)
		act->subject = cv_arena_strdup(a, s);
	if ((s = claim_str(claims, "iss")) != NULL)
		act->issuer = cv_arena_strdup(a, s);
	if ((s = claim_str(claims, "repository")) != NULL ||
	    (s = claim_str(claims, "repo")) != NULL)
		act->repository = cv_arena_strdup(a, s);
	actor_groups(a, claims, act);
	act->verified = verified;
	return act;
}

struct json_object *
cv_actor_json(const struct cv_actor *act)
{
	struct json_object	*o, *g;
	size_t			 i;

	o = json_object_new_object();
	cv_json_add_str(o, "actor", act->actor);
	cv_json_add_str(o, "subject", act->subject);
	g = json_object_new_array();
	for (i = 0; i < act->ngroups; i++)
		json_object_array_add(g, json_object_new_string(
		    act->groups[i]));
	json_object_object_add(o, "groups", g);
	cv_json_add_str(o, "issuer", act->issuer);
	cv_json_add_str(o, "repository", act->repository);
	return o;
}

int
cv_actor_in_group(const struct cv_actor *act, const char *group)
{
	return act != NULL && act->ngroups > 0 && bsearch(&group, act->groups,
	    act->ngroups, sizeof(*act->groups), strp_cmp) != NULL;
}

/* Whether sorted list l (n names) and the actor's groups meet. */
static int
groups_meet(char *const *l, size_t n, const struct cv_actor *act)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (cv_actor_in_group(act, l[i]))
			return 1;
	return 0;
}

/* Whether an RBAC rule grants the action bit on the approver group and
 * repository (either NULL when unknown) to the actor. */
static int
rbac_grants(const struct cv_actor *act, unsigned bit,
    const char *approver_group, const char *repository)
{
	const struct rule	*r;
	size_t			 i;

	for (i = 0; i < rbac.nrules; i++) {
		r = &rbac.rules[i];
		if ((r->repository == NULL || (repository != NULL &&
		    strcmp(r->repository, repository) == 0)) &&
		    (r->approver_group == NULL || (approver_group != NULL &&
		    strcmp(r->approver_group, approver_group) == 0)) &&
		    (r->actions & bit) && groups_meet(r->groups, r->ngroups,
		    act))
			return 1;
	}
	return 0;
}

/*
 * The repository of an approval record: approval.repository, else
 * decision.repository, else decision.repo, the first that is set (and
 * not empty).  NULL when there is none, or it is not a string.
 */
static const char *
approval_repository(struct json_object *approval)
{
	struct json_object	*d = NULL, *v = NULL;

	if (!json_object_object_get_ex(approval, "repository", &v) ||
	    !cv_json_truthy(v)) {
		v = NULL;
		if (cv_json_obj(approval, "decision", &d) == CV_JGET_OK &&
		    (!json_object_object_get_ex(d, "repository", &v) ||
		    !cv_json_truthy(v)) &&
		    (!json_object_object_get_ex(d, "repo", &v) ||
		    !cv_json_truthy(v)))
			v = NULL;
	}
	return plain_str(v) ? json_object_get_string(v) : NULL;
}

int
cv_auth_can_decide(const struct cv_actor *act, struct json_object *approval,
    const char *action)
{
	struct json_object	*bg;
	const char		*group = NULL;
	unsigned		 bit;

	if (act == NULL || (bit = action_bit(action)) == 0)
		return 0;
	if (json_object_object_get_ex(approval, "break_glass", &bg) &&
	    cv_json_truthy(bg) && !cv_actor_in_group(act, CAB_GROUP))
		return 0;
	if (cv_json_str(approval, "approver_group", &group) != CV_JGET_OK)
		group = NULL;
	if (rbac_grants(act, bit, group, approval_repository(approval)))
		return 1;
	return group != NULL && cv_actor_in_group(act, group);
}

int
cv_auth_can_break_glass(const struct cv_actor *act,
    const char *approver_group, const char *repository)
{
	if (act == NULL || !cv_actor_in_group(act, CAB_GROUP))
		return 0;
	return rbac_grants(act, ACT_APPROVED, approver_group, repository) ||
	    (approver_group != NULL && cv_actor_in_group(act, approver_group));
}

struct json_object *
cv_auth_repo_permissions(const struct cv_actor *act)
{
	struct json_object	*list, *o, *a;
	const struct rule	*r;
	size_t			 i, j;

	list = json_object_new_array();
	for (i = 0; act != NULL && i < rbac.nrules; i++) {
		r = &rbac.rules[i];
		if (!groups_meet(r->groups, r->ngroups, act))
			continue;
		o = json_object_new_object();
		cv_json_add_str(o, "repository", r->repository != NULL ?
		    r->repository : "*");
		cv_json_add_str(o, "approver_group", r->approver_group !=
		    NULL ? r->approver_group : "*");
		/* action_names[] begins with the canonical names, sorted. */
		a = json_object_new_array();
		for (j = 0; j < ACT_CANONICAL; j++)
			if (r->actions & action_names[j].bit)
				json_object_array_add(a, json_object_new_string(
				    action_names[j].name));
		json_object_object_add(o, "actions", a);
		a = json_object_new_array();
		for (j = 0; j < r->ngroups; j++)
			json_object_array_add(a, json_object_new_string(
			    r->groups[j]));
		json_object_object_add(o, "groups", a);
		json_object_array_add(list, o);
	}
	return list;
}

/* ---- actor resolution ---------------------------------------------- */

/*
 * The context of a token: verified against the OIDC configuration,
 * *out in req's arena.  CV_EAUTH (401) with the verifier's sentence, or
 * CV_EINVAL (400) with `unconfigured` when OIDC is not configured.
 */
static enum cv_err
token_actor(struct cv_req *req, const char *token, const char *unconfigured,
    const struct cv_actor **out)
{
	struct json_object	*claims;
	char			 err[256];
	enum cv_err		 rc;

	*out = NULL;
	if (!cv_oidc_configured())
		return cv_fail(req, CV_EINVAL, "%s", unconfigured);
	rc = cv_jwt_verify(token, time(NULL), &claims, err, sizeof(err));
	if (rc != CV_OK)
		return cv_fail(req, CV_EAUTH, "%s", err);
	*out = cv_actor_from_claims(req->arena, claims, 1);
	json_object_put(claims);
	return CV_OK;
}

/*
 * The Authorization header (record-contracts.md 0.8 step 3): *out NULL
 * when there is none.  When API access control authenticated the
 * request with a static token, the header names no actor (NULL); with
 * an OIDC token it already verified, its context is reused.
 */
enum cv_err
cv_auth_bearer(struct cv_req *req, const struct cv_actor **out)
{
	const char	*h, *tok;
	size_t		 n;

	*out = NULL;
	if ((h = req->authorization) == NULL)
		return CV_OK;
	h += strspn(h, " \t");
	if (*h == '\0')
		return CV_OK;
	if (req->principal != NULL) {
		*out = req->principal->actor;
		return CV_OK;
	}
	n = strcspn(h, " \t");
	tok = h + n + strspn(h + n, " \t");
	if (n != 6 || strncasecmp(h, "bearer", 6) != 0 || *tok == '\0')
		return cv_fail(req, CV_EAUTH, "authorization header must use "
		    "Bearer token");
	n = strlen(tok);
	while (n > 0 && (tok[n - 1] == ' ' || tok[n - 1] == '\t'))
		n--;
	return token_actor(req, cv_arena_strndup(req->arena, tok, n),
	    "console OIDC config is not configured", out);
}

/*
 * Record-contracts.md 0.8, except that actor_claims are refused while
 * OIDC is configured: unsigned claims would let anyone name themselves.
 */
enum cv_err
cv_auth_actor(struct cv_req *req, struct json_object *body,
    const struct cv_actor **out)
{
	struct json_object	*v;
	enum cv_err		 rc;

	*out = NULL;
	if (body != NULL && json_object_object_get_ex(body, "actor_claims",
	    &v) && v != NULL) {
		if (!json_object_is_type(v, json_type_object))
			return cv_fail(req, CV_EINVAL, "actor_claims must be "
			    "an object");
		if (cv_oidc_configured())
			return cv_fail(req, CV_EAUTH, "actor_claims are not "
			    "accepted while OIDC is configured: send a "
			    "verified token (actor_token or Authorization: "
			    "Bearer)");
		*out = cv_actor_from_claims(req->arena, v, 0);
		return CV_OK;
	}
	if (body != NULL && json_object_object_get_ex(body, "actor_token",
	    &v) && v != NULL) {
		if (!json_object_is_type(v, json_type_string))
			return cv_fail(req, CV_EINVAL, "actor_token must be a "
			    "string");
		return token_actor(req, json_object_get_string(v),
		    "approval OIDC config is not configured", out);
	}
	if ((rc = cv_auth_bearer(req, out)) != CV_OK)
		return rc;
	if (*out == NULL && (cv_oidc_configured() || cv_rbac_configured()))
		return cv_fail(req, CV_EAUTH, "console action requires "
		    "verified actor context");
	return CV_OK;
}
