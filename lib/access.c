/*
 * API access control (CAVRA_API_ACCESS_FILE): who may call which route.
 *
 * The file (JSON, or YAML when its path ends in .yaml or .yml) lists
 * static tokens, each kept only as the SHA-256 of the token, with a role
 * and optionally the agent it is bound to, and maps OIDC groups to roles:
 *
 *	tokens:
 *	  - {name: ci-agent, sha256: "<64 hex>", role: agent, agent_id: codex}
 *	oidc_roles:
 *	  "Platform Admins": admin
 *
 * It is read once in the parent; afterwards it is read-only, so
 * cv_access_check() runs in every request thread without a lock.  No
 * token and no hash is ever written to a log line or an answer.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <json-c/json.h>

#include "cv_auth.h"
#include "cv_conf.h"
#include "cv_crypto.h"
#include "cv_http.h"
#include "cv_json.h"
#include "cv_util.h"

#define ACCESS_ENV	"CAVRA_API_ACCESS_FILE"

#ifndef nitems
#define nitems(a)	(sizeof(a) / sizeof((a)[0]))
#endif

/* A static token of the file. */
struct token {
	char		*name;
	unsigned char	 hash[CV_SHA256_LEN];
	unsigned	 role;		/* one CV_ROLE_* */
	char		*agent_id;	/* or NULL */
};

/* An OIDC group and the role it gives. */
struct group_role {
	char		*group;
	unsigned	 role;
};

static struct token	*tokens;
static size_t		 ntokens;
static struct group_role *groups;
static size_t		 ngroups;
static int		 configured;

/* The roles, from the lowest to the highest: an OIDC actor in several
 * mapped groups gets the highest. */
static const struct {
	const char	*name;
	unsigned	 role;
} roles[] = {
	{ "agent", CV_ROLE_AGENT },
	{ "reader", CV_ROLE_READER },
	{ "operator", CV_ROLE_OPERATOR },
	{ "admin", CV_ROLE_ADMIN },
};

const char *
cv_role_name(unsigned role)
{
	size_t	 i;

	for (i = 0; i < nitems(roles); i++)
		if (roles[i].role == role)
			return roles[i].name;
	return NULL;
}

/* The role named s, or 0. */
static unsigned
role_of(const char *s)
{
	size_t	 i;

	for (i = 0; i < nitems(roles); i++)
		if (strcmp(roles[i].name, s) == 0)
			return roles[i].role;
	return 0;
}

int
cv_access_configured(void)
{
	return configured;
}

size_t
cv_access_token_count(void)
{
	return ntokens;
}

void
cv_access_fini(void)
{
	size_t	 i;

	for (i = 0; i < ntokens; i++) {
		free(tokens[i].name);
		free(tokens[i].agent_id);
	}
	free(tokens);
	for (i = 0; i < ngroups; i++)
		free(groups[i].group);
	free(groups);
	tokens = NULL;
	groups = NULL;
	ntokens = ngroups = 0;
	configured = 0;
}

/* Decodes 64 hex digits (either case) into out; -1 if s is not that. */
static int
unhex(const char *s, unsigned char out[CV_SHA256_LEN])
{
	size_t	 i;
	int	 hi, lo;

	if (strlen(s) != 2 * CV_SHA256_LEN)
		return -1;
	for (i = 0; i < CV_SHA256_LEN; i++) {
		if (!isxdigit((unsigned char)s[2 * i]) ||
		    !isxdigit((unsigned char)s[2 * i + 1]))
			return -1;
		hi = tolower((unsigned char)s[2 * i]);
		lo = tolower((unsigned char)s[2 * i + 1]);
		hi = hi <= '9' ? hi - '0' : hi - 'a' + 10;
		lo = lo <= '9' ? lo - '0' : lo - 'a' + 10;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

/*
 * Reads tokens[i] of the file into t.  Returns 0, or -1 with the problem
 * in err (which names the entry by index and name, never its hash).
 */
static int
read_token(struct json_object *o, size_t i, struct token *t, char *err,
    size_t errlen)
{
	const char	*name = NULL, *hash = NULL, *role = NULL, *agent = NULL;

	if (!json_object_is_type(o, json_type_object)) {
		snprintf(err, errlen, "tokens[%zu] must be an object", i);
		return -1;
	}
	{
		json_object_object_foreach(o, key, val) {
			if (strcmp(key, "name") != 0 &&
			    strcmp(key, "sha256") != 0 &&
			    strcmp(key, "role") != 0 &&
			    strcmp(key, "agent_id") != 0) {
				snprintf(err, errlen, "tokens[%zu]: unknown "
				    "key \"%.64s\" (name, sha256, role, "
				    "agent_id)", i, key);
				return -1;
			}
			(void)val;
		}
	}
	if (cv_json_str(o, "name", &name) != CV_JGET_OK || *name == '\0') {
		snprintf(err, errlen, "tokens[%zu].name must be a non-empty "
		    "string", i);
		return -1;
	}
	if (strlen(name) > CV_ID_MAX) {
		snprintf(err, errlen, "tokens[%zu].name is longer than %d "
		    "bytes", i, CV_ID_MAX);
		return -1;
	}
	if (cv_json_str(o, "sha256", &hash) != CV_JGET_OK ||
	    unhex(hash, t->hash) != 0) {
		snprintf(err, errlen, "tokens[%zu] (%.64s): sha256 must be a "
		    "string of 64 hex digits", i, name);
		return -1;
	}
	if (cv_json_str(o, "role", &role) != CV_JGET_OK ||
	    (t->role = role_of(role)) == 0) {
		snprintf(err, errlen, "tokens[%zu] (%.64s): role must be one "
		    "of agent, reader, operator, admin", i, name);
		return -1;
	}
	switch (cv_json_str(o, "agent_id", &agent)) {
	case CV_JGET_ABSENT:
		agent = NULL;
		break;
	case CV_JGET_OK:
		if (*agent != '\0' && strlen(agent) <= CV_ID_MAX)
			break;
		/* FALLTHROUGH */
	default:
		snprintf(err, errlen, "tokens[%zu] (%.64s): agent_id must be "
		    "a non-empty string", i, name);
		return -1;
	}
	if (agent != NULL && t->role != CV_ROLE_AGENT) {
		snprintf(err, errlen, "tokens[%zu] (%.64s): agent_id is only "
		    "for role agent", i, name);
		return -1;
	}
	t->name = cv_xstrdup(name);
	t->agent_id = agent != NULL ? cv_xstrdup(agent) : NULL;
	return 0;
}

/*
 * Checks and keeps the file's document.  Returns 0, or -1 with the
 * problem in err; what was kept so far is freed by the caller
 * (cv_access_fini()).
 */
static int
load(struct json_object *doc, char *err, size_t errlen)
{
	struct json_object	*list = NULL, *map = NULL;
	const char		*r;
	size_t			 i, j, n;
	unsigned		 role;

	{
		json_object_object_foreach(doc, key, val) {
			if (strcmp(key, "tokens") != 0 &&
			    strcmp(key, "oidc_roles") != 0) {
				snprintf(err, errlen, "unknown key \"%.64s\" "
				    "(tokens, oidc_roles)", key);
				return -1;
			}
			(void)val;
		}
	}
	if (cv_json_arr(doc, "tokens", &list) == CV_JGET_TYPE) {
		snprintf(err, errlen, "tokens must be a list");
		return -1;
	}
	if (cv_json_obj(doc, "oidc_roles", &map) == CV_JGET_TYPE) {
		snprintf(err, errlen, "oidc_roles must be a mapping of OIDC "
		    "group to role");
		return -1;
	}
	n = list != NULL ? json_object_array_length(list) : 0;
	tokens = cv_xcalloc(n > 0 ? n : 1, sizeof(*tokens));
	for (i = 0; i < n; i++) {
		if (read_token(json_object_array_get_idx(list, i), i,
		    &tokens[i], err, errlen) != 0)
			return -1;
		ntokens++;
		for (j = 0; j < i; j++) {
			if (strcmp(tokens[j].name, tokens[i].name) == 0) {
				snprintf(err, errlen, "tokens[%zu]: name "
				    "\"%.64s\" is used twice", i,
				    tokens[i].name);
				return -1;
			}
			if (memcmp(tokens[j].hash, tokens[i].hash,
			    CV_SHA256_LEN) == 0) {
				snprintf(err, errlen, "tokens[%zu] (%.64s) has "
				    "the sha256 of %.64s", i, tokens[i].name,
				    tokens[j].name);
				return -1;
			}
		}
	}
	n = map != NULL ? (size_t)json_object_object_length(map) : 0;
	groups = cv_xcalloc(n > 0 ? n : 1, sizeof(*groups));
	if (map != NULL) {
		json_object_object_foreach(map, key, val) {
			r = json_object_is_type(val, json_type_string) ?
			    json_object_get_string(val) : "";
			if (*key == '\0' || (role = role_of(r)) == 0) {
				snprintf(err, errlen, "oidc_roles[\"%.64s\"]: "
				    "role must be one of agent, reader, "
				    "operator, admin", key);
				return -1;
			}
			groups[ngroups].group = cv_xstrdup(key);
			groups[ngroups++].role = role;
		}
	}
	if (ntokens == 0 && ngroups == 0) {
		snprintf(err, errlen, "has no tokens and no oidc_roles: "
		    "nobody could call the API");
		return -1;
	}
	if (ngroups > 0 && cv_env("CAVRA_APPROVAL_OIDC_CONFIG") == NULL) {
		snprintf(err, errlen, "oidc_roles needs "
		    "CAVRA_APPROVAL_OIDC_CONFIG to verify OIDC tokens");
		return -1;
	}
	return 0;
}

enum cv_err
cv_access_init(void)
{
	struct json_object	*doc = NULL;
	char			 err[512];
	enum cv_err		 rc = CV_OK;

	cv_access_fini();
	if (cv_conf_load(ACCESS_ENV, &doc) != CV_OK)
		return CV_EINVAL;
	if (doc == NULL)
		return CV_OK;
	if (load(doc, err, sizeof(err)) != 0) {
		cv_log("%s: %s: %s", ACCESS_ENV, cv_env(ACCESS_ENV), err);
		cv_access_fini();
		rc = CV_EINVAL;
		goto out;
	}
	configured = 1;
out:
	json_object_put(doc);
	return rc;
}

/*
 * The static token whose hash is the SHA-256 of token, or NULL.  Every
 * hash of the file is compared, each in constant time.
 */
static const struct token *
static_token(const char *token, size_t len)
{
	const struct token	*found = NULL;
	unsigned char		 h[CV_SHA256_LEN];
	size_t			 i;
	int			 eq;

	cv_sha256(token, len, h);
	for (i = 0; i < ntokens; i++) {
		eq = cv_ct_equal(h, tokens[i].hash, CV_SHA256_LEN);
		if (eq && found == NULL)
			found = &tokens[i];
	}
	explicit_bzero(h, sizeof(h));
	return found;
}

/* Whether token has the shape of a compact JWT: three parts. */
static int
jwt_shaped(const char *token)
{
	const char	*p;
	int		 dots = 0;

	for (p = token; *p != '\0'; p++)
		dots += *p == '.';
	return dots == 2;
}

/*
 * The principal of a verified OIDC token: the highest role that
 * oidc_roles gives one of its groups.  CV_EAUTH when the token does not
 * verify (the verifier's sentence), CV_EPERM when no group has a role;
 * the problem recorded on req.
 */
static enum cv_err
oidc_principal(struct cv_req *req, const char *token,
    struct cv_principal *p)
{
	struct json_object	*claims = NULL;
	const struct cv_actor	*a;
	char			 err[256];
	size_t			 i, j;

	err[0] = '\0';
	if (cv_jwt_verify(token, time(NULL), &claims, err, sizeof(err)) !=
	    CV_OK)
		return cv_fail(req, CV_EAUTH, "%s", err[0] != '\0' ? err :
		    "bearer token is not valid");
	a = cv_actor_from_claims(req->arena, claims, 1);
	json_object_put(claims);
	p->actor = a;
	p->name = a->actor;
	p->role = 0;
	for (i = 0; i < a->ngroups; i++)
		for (j = 0; j < ngroups; j++)
			/* The higher a role, the higher its bit. */
			if (strcmp(a->groups[i], groups[j].group) == 0 &&
			    groups[j].role > p->role)
				p->role = groups[j].role;
	if (p->role == 0)
		return cv_fail(req, CV_EPERM, "OIDC actor %.200s is in no "
		    "group that %s maps to a role", a->actor, ACCESS_ENV);
	return CV_OK;
}

/* The roles that right r admits, as "operator or admin" (arena). */
static const char *
admitted(struct cv_arena *ar, unsigned r)
{
	const char	*names[nitems(roles)];
	const char	*s;
	size_t		 i, n = 0;

	for (i = 0; i < nitems(roles); i++)
		if (r & roles[i].role)
			names[n++] = roles[i].name;
	if (n == 0)
		return "no role";
	s = names[0];
	for (i = 1; i < n; i++)
		s = cv_arena_printf(ar, "%s%s%s", s, i + 1 < n ? ", " : " or ",
		    names[i]);
	return s;
}

/*
 * With access control on: the bearer of req's Authorization header (a
 * static token of the file, else a verified OIDC token), then the route's
 * right.  Details never hold the token.
 */
enum cv_err
cv_access_check(struct cv_req *req)
{
	struct cv_principal	*p;
	const struct token	*t;
	const char		*h, *tok;
	size_t			 len;
	unsigned		 right;
	enum cv_err		 rc;

	if (!configured || req->route == NULL)
		return CV_OK;
	right = cv_route_right(req->route);
	if (right & CV_RIGHT_OPEN)
		return CV_OK;

	if ((h = req->authorization) == NULL || *h == '\0')
		return cv_fail(req, CV_EAUTH, "this API requires a bearer "
		    "token (Authorization: Bearer)");
	if (strlen(h) > CV_HEADER_VALUE_MAX)
		return cv_fail(req, CV_EAUTH, "bearer token is not valid");
	if (strncasecmp(h, "bearer", 6) != 0 || (h[6] != ' ' && h[6] != '\t'))
		return cv_fail(req, CV_EAUTH, "authorization header must use "
		    "Bearer token");
	for (tok = h + 6; *tok == ' ' || *tok == '\t'; tok++)
		;
	for (len = strlen(tok); len > 0 && (tok[len - 1] == ' ' ||
	    tok[len - 1] == '\t'); len--)
		;
	if (len == 0)
		return cv_fail(req, CV_EAUTH, "authorization header must use "
		    "Bearer token");

	p = cv_arena_alloc(req->arena, sizeof(*p));
	memset(p, 0, sizeof(*p));
	if ((t = static_token(tok, len)) != NULL) {
		p->name = t->name;
		p->role = t->role;
		p->agent_id = t->agent_id;
	} else if (ngroups > 0 && cv_oidc_configured() &&
	    len == strlen(tok) && jwt_shaped(tok)) {
		if ((rc = oidc_principal(req, tok, p)) != CV_OK)
			return rc;
	} else
		return cv_fail(req, CV_EAUTH, "bearer token is not valid");
	req->principal = p;
	if (!(p->role & right))
		return cv_fail(req, CV_EPERM, "role %s may not %s %.200s: it "
		    "needs %s", cv_role_name(p->role), req->method_name,
		    req->path, admitted(req->arena, right));
	return CV_OK;
}

const char *
cv_access_bound_agent(const struct cv_req *req)
{
	const struct cv_principal *p = req->principal;

	if (p == NULL || p->role != CV_ROLE_AGENT)
		return NULL;
	return p->agent_id != NULL ? p->agent_id : "";
}

/*
 * A bound bearer's list: every agent_id of the query must be its own
 * (or empty), and its own is appended, so that the list's filter
 * (cv_query(), the last value) is it.
 */
enum cv_err
cv_access_agent_query(struct cv_req *req, const char *what)
{
	const char	*agent;
	struct cv_kv	*q;
	size_t		 i;

	if ((agent = cv_access_bound_agent(req)) == NULL)
		return CV_OK;
	if (*agent == '\0')
		return cv_fail(req, CV_EPERM, "an agent token without agent_id "
		    "reads no %ss", what);
	for (i = 0; i < req->nquery; i++)
		if (strcmp(req->query[i].name, "agent_id") == 0 &&
		    req->query[i].value != NULL &&
		    *req->query[i].value != '\0' &&
		    strcmp(req->query[i].value, agent) != 0)
			return cv_fail_field(req, CV_EPERM, "agent_id", "this "
			    "token reads only the %ss of agent_id %s", what,
			    agent);
	q = cv_arena_alloc(req->arena, (req->nquery + 1) * sizeof(*q));
	for (i = 0; i < req->nquery; i++)
		q[i] = req->query[i];
	q[i].name = "agent_id";
	q[i].value = agent;
	req->query = q;
	req->nquery++;
	return CV_OK;
}

enum cv_err
cv_access_agent_record(struct cv_req *req, const char *what,
    struct json_object *rec, const char *text, size_t len)
{
	struct json_object	*own = NULL;
	const char		*agent, *owner;
	char			 err[128];
	int			 mine;

	if ((agent = cv_access_bound_agent(req)) == NULL)
		return CV_OK;
	if (*agent == '\0')
		return cv_fail(req, CV_EPERM, "an agent token without agent_id "
		    "reads no %ss", what);
	if (rec == NULL && cv_json_parse(text, len, CV_STORE_PARSE_DEPTH,
	    &own, err, sizeof(err)) == CV_OK)
		rec = own;
	mine = rec != NULL && cv_json_str(rec, "agent_id", &owner) ==
	    CV_JGET_OK && strcmp(owner, agent) == 0;
	json_object_put(own);
	if (!mine)
		return cv_fail(req, CV_ENOENT, "%s not found", what);
	return CV_OK;
}
