/*
 * API tests of cavra-console and of what the library and nginx do for
 * every responder: 404, 405, 413, bad query strings, CORS, HEAD.
 *
 * What the console says is checked against what is true elsewhere: the
 * endpoint map against requests through the stack and the responders'
 * --routes, the security boundary against the library's verification
 * capability (cv_conf.h).
 */
#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <criterion/hooks.h>

#include "cv_conf.h"
#include "extra.h"
#include "flow.h"
#include "harness.h"
#include "jwt-mint.h"
#include "routes.h"

#ifndef nitems
#define nitems(a)	(sizeof(a) / sizeof((a)[0]))
#endif

API_TEST(console, health)
{
	struct api_resp	 r;
	char		*ct;

	api_req("GET", "/health", NULL, NULL, &r);
	cr_assert_eq(r.status, 200);
	ct = api_header(&r, "Content-Type");
	cr_assert_str_eq(ct, "application/json");
	free(ct);
	cr_assert_str_eq(api_str(r.json, "status"), "ok");
	cr_assert_str_eq(api_str(r.json, "product"), "CAVRA");
	cr_assert_eq(json_object_object_length(r.json), 2);
	api_free(&r);
}

API_TEST(console, head_health_has_no_body)
{
	struct api_resp	 r;

	api_req("HEAD", "/health", NULL, NULL, &r);
	cr_assert_eq(r.status, 200);
	cr_assert_eq(r.len, 0);
	api_free(&r);
}

API_TEST(console, version)
{
	struct api_resp	 r;

	api_req("GET", "/version", NULL, NULL, &r);
	cr_assert_eq(r.status, 200);
	cr_assert_str_eq(api_str(r.json, "version"), PACKAGE_VERSION);
	cr_assert_str_eq(api_str(r.json, "name"), "CAVRA Runtime Server");
	api_free(&r);
}

API_TEST(console, config_reports_modes)
{
	static const char *const modekeys[] = { "metadata_mode",
	    "approval_mode", "registry_mode", "activity_mode",
	    "inventory_mode", "integration_mode", NULL };
	struct api_resp		 r;
	struct json_object	*cors;
	const char *const	*k;
	const char		*want;

	api_req("GET", "/console/config", NULL, NULL, &r);
	cr_assert_eq(r.status, 200);
	cr_assert_str_eq(api_str(r.json, "product"), "CAVRA");
	cr_assert_str_eq(api_str(r.json, "api_base_url"), "");
	want = strcmp(api_mode(), "sqlite") == 0 ? "sqlite" : "json";
	for (k = modekeys; *k != NULL; k++)
		cr_assert_str_eq(api_str(r.json, *k), want, "%s", *k);
	cr_assert_str_eq(api_str(r.json, "pilot_intake_mode"), "json");
	cr_assert_str_eq(api_str(r.json, "approval_oidc"), "disabled");
	cr_assert_str_eq(api_str(r.json, "connector_delivery"), "disabled");
	cors = api_get(r.json, "cors_origins");
	cr_assert_eq(json_object_array_length(cors), 1);
	cr_assert_str_eq(json_object_get_string(
	    json_object_array_get_idx(cors, 0)), "http://127.0.0.1:5173");
	api_free(&r);
}

/* A catalog entry of /console/config by name, or NULL. */
static struct json_object *
catalog_entry(struct json_object *config, const char *name)
{
	return flow_find(config, "endpoint_catalog", "name", name, NULL,
	    NULL);
}

static int
available(struct json_object *e)
{
	return json_object_get_boolean(api_get(e, "available"));
}

/*
 * `endpoints` (the reference's name -> path map) holds exactly the
 * catalog entries that are available, with their paths; catalog names are
 * unique; an entry says which responder serves it with which methods.
 */
API_TEST(console, endpoint_map_lists_served_endpoints)
{
	struct api_resp		 r;
	struct json_object	*ep, *cat, *e, *m;
	const char		*name;
	size_t			 i, j, navail = 0;

	api_req("GET", "/console/config", NULL, NULL, &r);
	cr_assert_eq(r.status, 200);
	ep = api_get(r.json, "endpoints");
	cat = api_get(r.json, "endpoint_catalog");
	cr_assert_gt(json_object_array_length(cat), 200);
	for (i = 0; i < json_object_array_length(cat); i++) {
		e = json_object_array_get_idx(cat, i);
		name = api_str(e, "name");
		for (j = 0; j < i; j++)
			cr_assert_str_neq(api_str(json_object_array_get_idx(
			    cat, j), "name"), name);
		m = api_get(e, "methods");
		if (available(e)) {
			navail++;
			cr_assert_str_eq(api_str(ep, name), api_str(e, "path"),
			    "%s", name);
			cr_assert_gt(json_object_array_length(m), 0, "%s",
			    name);
			cr_assert(json_object_is_type(api_get(e, "responder"),
			    json_type_string), "%s", name);
		} else {
			cr_assert_not(json_object_object_get_ex(ep, name,
			    NULL), "%s is unavailable but in endpoints", name);
			cr_assert_eq(json_object_array_length(m), 0, "%s", name);
			cr_assert_null(api_get(e, "responder"), "%s", name);
		}
	}
	cr_assert_eq(json_object_object_length(ep), (int)navail);

	e = catalog_entry(r.json, "decisions");
	cr_assert_not_null(e);
	cr_assert(available(e));
	cr_assert_str_eq(api_str(e, "responder"), "cavra-activity");
	m = api_get(e, "methods");
	cr_assert_eq(json_object_array_length(m), 2);
	cr_assert_str_eq(json_object_get_string(json_object_array_get_idx(m,
	    0)), "GET");
	cr_assert_str_eq(json_object_get_string(json_object_array_get_idx(m,
	    1)), "POST");
	e = catalog_entry(r.json, "policy_rollout_detail");
	cr_assert_not_null(e);
	cr_assert_str_eq(api_str(e, "path"),
	    "/policy-rollouts/{rollout_id}/detail");
	api_free(&r);
}

/* path with every {parameter} replaced by "x", in buf. */
static void
fill(const char *path, char *buf, size_t n)
{
	size_t	 o = 0;

	for (; *path != '\0' && o + 2 < n; path++) {
		if (*path == '{') {
			buf[o++] = 'x';
			while (*path != '\0' && *path != '}')
				path++;
			if (*path == '\0')
				break;
		} else
			buf[o++] = *path;
	}
	buf[o] = '\0';
}

/* A response of the stack that says nothing serves the path: a route
 * 404 (nginx's or a responder's "no route for ...") or a responder that
 * is not there. */
static int
unserved(const struct api_resp *r)
{
	struct json_object	*d;

	if (r->status == 502 || r->status == 503)
		return 1;
	return r->status == 404 && json_object_object_get_ex(r->json,
	    "detail", &d) && strncmp(json_object_get_string(d), "no route",
	    8) == 0;
}

/*
 * Through the stack: a GET to every available endpoint reaches a
 * responder that has the route (a record may still be missing: 404
 * "... not found"), and a GET to every unavailable one gets a 404 or the
 * 502/503 of a responder that is not there.
 */
API_TEST(console, endpoint_map_matches_the_stack)
{
	struct api_resp		 r, q;
	struct json_object	*cat, *e;
	char			 path[1024];
	size_t			 i, nun = 0;

	api_req("GET", "/console/config", NULL, NULL, &r);
	cr_assert_eq(r.status, 200);
	cat = api_get(r.json, "endpoint_catalog");
	for (i = 0; i < json_object_array_length(cat); i++) {
		e = json_object_array_get_idx(cat, i);
		fill(api_str(e, "path"), path, sizeof(path));
		api_req("GET", path, NULL, NULL, &q);
		if (available(e))
			cr_assert_not(unserved(&q), "%s: available, but GET "
			    "%s gives %ld %s", api_str(e, "name"), path,
			    q.status, q.body);
		else {
			nun++;
			cr_assert(q.status == 404 || q.status == 502 ||
			    q.status == 503, "%s: unavailable, but GET %s "
			    "gives %ld %s", api_str(e, "name"), path, q.status,
			    q.body);
		}
		api_free(&q);
	}
	cr_assert_gt(nun, 0);
	e = catalog_entry(r.json, "approvals");
	cr_assert_not_null(e);
	cr_assert(available(e), "approvals is served by cavra-approvals");
	api_free(&r);
}

/* 1 when route pattern pat and path template tpl have the same
 * segments, any parameter matching any other. */
static int
same_shape(const char *pat, const char *tpl)
{
	while (*pat != '\0' && *tpl != '\0') {
		if (*pat == '{' && *tpl == '{') {
			pat = strchr(pat, '}');
			tpl = strchr(tpl, '}');
			if (pat == NULL || tpl == NULL)
				return 0;
		} else if (*pat != *tpl)
			return 0;
		pat++;
		tpl++;
	}
	return *pat == *tpl;
}

/*
 * Every route of every responder built here (their --routes) makes the
 * catalog entries of its path available, with its responder and method:
 * the console knows the route tables of the whole build.
 */
API_TEST(console, endpoint_map_covers_the_route_tables)
{
	struct api_resp		 r;
	struct json_object	*cat, *e, *m;
	struct built_route	*br;
	size_t			 i, j, k, nroutes, nmatched = 0;
	int			 found;

	api_req("GET", "/console/config", NULL, NULL, &r);
	cr_assert_eq(r.status, 200);
	cat = api_get(r.json, "endpoint_catalog");
	br = built_routes(&nroutes);
	for (i = 0; i < nroutes; i++) {
		for (j = 0; j < json_object_array_length(cat); j++) {
			e = json_object_array_get_idx(cat, j);
			if (!same_shape(br[i].pattern, api_str(e, "path")))
				continue;
			nmatched++;
			cr_assert(available(e), "%s %s of %s: %s is not "
			    "available", br[i].method, br[i].pattern,
			    br[i].responder, api_str(e, "name"));
			cr_assert_str_eq(api_str(e, "responder"),
			    br[i].responder);
			m = api_get(e, "methods");
			found = 0;
			for (k = 0; k < json_object_array_length(m); k++)
				found |= strcmp(json_object_get_string(
				    json_object_array_get_idx(m, k)),
				    br[i].method) == 0;
			cr_assert(found, "%s %s of %s: method missing",
			    br[i].method, br[i].pattern, br[i].responder);
		}
	}
	free(br);
	cr_assert_gt(nroutes, 20);
	cr_assert_gt(nmatched, 20);
	api_free(&r);
}

/* The strings of JSON array a equal the NULL-terminated list l. */
static void
assert_strv(struct json_object *a, const char *const *l, const char *what)
{
	size_t	 i;

	for (i = 0; l[i] != NULL; i++) {
		cr_assert_lt(i, json_object_array_length(a), "%s", what);
		cr_assert_str_eq(json_object_get_string(
		    json_object_array_get_idx(a, i)), l[i], "%s", what);
	}
	cr_assert_eq(json_object_array_length(a), i, "%s", what);
}

/*
 * The security boundary holds what the library and the route tables do
 * (GET /console/config must be the one of the same stack): the checks
 * listed are cv_conf.h's, and a console permission is listed only when
 * its endpoint is available and, for those that need a verified OIDC
 * actor, this build verifies tokens.  The reference's nine permission
 * names are all in the catalog.
 */
static void
assert_boundary(struct json_object *b, struct json_object *config)
{
	static const char *const names[] = { "read_activity",
	    "read_inventory", "read_integrations", "read_evidence_metadata",
	    "read_console_session",
	    "acknowledge_drill_notifications_requires_oidc_context_when_configured",
	    "policy_publish_requires_digest_bound_approval",
	    "approval_decision_requires_oidc_context_when_configured",
	    "break_glass_requires_oidc_context_when_configured", NULL };
	struct json_object	*oidc, *rbac, *cat, *perms, *p, *ep;
	size_t			 i, j, nperm = 0;
	int			 verifies, applies, want, needs;

	verifies = cv_oidc_algorithms[0] != NULL;
	applies = cv_rbac_boundaries[0] != NULL;
	oidc = api_get(b, "oidc");
	rbac = api_get(b, "rbac");
	cr_assert_eq(json_object_get_boolean(api_get(oidc,
	    "verification_available")), verifies);
	cr_assert_eq(json_object_get_boolean(api_get(rbac,
	    "enforcement_available")), applies);
	assert_strv(api_get(oidc, "supported_algorithms"), cv_oidc_algorithms,
	    "supported_algorithms");
	assert_strv(api_get(oidc, "validated_claims"), cv_oidc_claims,
	    "validated_claims");
	assert_strv(api_get(rbac, "boundaries"), cv_rbac_boundaries,
	    "boundaries");
	if (!verifies || !applies)
		cr_assert_str_eq(api_str(b, "mode"), "local_or_demo");

	cat = api_get(b, "console_permission_catalog");
	perms = api_get(b, "console_permissions");
	cr_assert_eq(json_object_array_length(cat), nitems(names) - 1);
	for (i = 0; i < json_object_array_length(cat); i++) {
		p = json_object_array_get_idx(cat, i);
		cr_assert_str_eq(api_str(p, "name"), names[i]);
		ep = NULL;
		for (j = 0; j < json_object_array_length(api_get(config,
		    "endpoint_catalog")); j++) {
			ep = json_object_array_get_idx(api_get(config,
			    "endpoint_catalog"), j);
			if (strcmp(api_str(ep, "path"), api_str(p, "path")) ==
			    0)
				break;
			ep = NULL;
		}
		cr_assert_not_null(ep, "%s: path not in the endpoint map",
		    names[i]);
		needs = strstr(names[i], "requires_oidc_context") != NULL;
		want = available(ep) && (!needs || verifies);
		cr_assert_eq(available(p), want, "%s", names[i]);
		if (want) {
			cr_assert_lt(nperm, json_object_array_length(perms));
			cr_assert_str_eq(json_object_get_string(
			    json_object_array_get_idx(perms, nperm)),
			    names[i]);
			nperm++;
		}
	}
	cr_assert_eq(json_object_array_length(perms), nperm);
}

API_TEST(console, security_boundary)
{
	struct api_resp	 r, c;

	api_req("GET", "/console/security-boundary", NULL, NULL, &r);
	cr_assert_eq(r.status, 200);
	api_req("GET", "/console/config", NULL, NULL, &c);
	cr_assert_eq(c.status, 200);
	assert_boundary(r.json, c.json);
	cr_assert_str_eq(api_str(r.json, "mode"), "local_or_demo");
	cr_assert_str_eq(api_str(api_get(r.json, "oidc"), "status"),
	    "disabled");
	cr_assert_eq(json_object_get_boolean(api_get(api_get(r.json, "oidc"),
	    "configured")), 0);
	cr_assert_eq(json_object_get_boolean(api_get(api_get(r.json, "cors"),
	    "configured")), 1);
	/* /decisions is served: reading activity is a permission. */
	cr_assert_str_eq(json_object_get_string(json_object_array_get_idx(
	    api_get(r.json, "console_permissions"), 0)), "read_activity");
	api_free(&c);
	api_free(&r);
}

/*
 * A stack of its own with OIDC and RBAC configured (files in its run
 * directory, the JWKS of a throw-away RSA key beside the OIDC file, named
 * by a relative jwks_path), made the "json" stack of this test process.
 * Each test that starts one names its own directory (tests run two at a
 * time).
 */
static char	 oidc_run[1024];
static const char *oidc_name;	/* its stack (extra.h) */
static EVP_PKEY	*oidc_key;

#define OIDC_ISS	"https://idp.example"
#define OIDC_AUD	"cavra"

static void
oidc_put(const char *name, const char *text)
{
	char	 path[1200];

	snprintf(path, sizeof(path), "%s/%s", oidc_run, name);
	extra_write(path, text);
}

/* Stack `name` of this test's own (extra.h) with OIDC (a new key in its
 * JWKS) and RBAC, made the "json" stack of this process. */
static void
oidc_stack_start(const char *name)
{
	char	 path[1200];

	oidc_name = name;
	snprintf(oidc_run, sizeof(oidc_run), "%s", extra_run(name));
	flow_mkdir_p(oidc_run);
	oidc_key = jwt_key_new(2048);
	snprintf(path, sizeof(path), "%s/jwks.json", oidc_run);
	cr_assert_eq(jwt_write_jwks(path, oidc_key, "k1"), 0);
	oidc_put("oidc.json", "{\"issuer\": \"" OIDC_ISS "\", \"audience\": "
	    "\"" OIDC_AUD "\", \"jwks_path\": \"jwks.json\"}");
	oidc_put("rbac.json", "{\"group_mappings\": {\"okta-iam\": \"IAM\"}, "
	    "\"repository_permissions\": [{\"repository\": \"payments/api\", "
	    "\"groups\": [\"IAM\"], \"actions\": [\"deny\", \"approve\"]}, "
	    "{\"approver_group\": \"SRE\", \"groups\": [\"Oncall\"]}]}");
	snprintf(path, sizeof(path), "%s/oidc.json", oidc_run);
	setenv("CAVRA_APPROVAL_OIDC_CONFIG", path, 1);
	snprintf(path, sizeof(path), "%s/rbac.json", oidc_run);
	setenv("CAVRA_APPROVAL_RBAC_FILE", path, 1);
	extra_own(name, NULL);
}

static void
oidc_boundary_start(void)
{
	oidc_stack_start("oidc-boundary");
}

static void
oidc_session_start(void)
{
	oidc_stack_start("oidc-session");
}

static void
oidc_stack_stop(void)
{
	EVP_PKEY_free(oidc_key);
	if (oidc_name != NULL)
		extra_stop(oidc_name);
}

EXTRA_INIT_HOOK("test_console")
EXTRA_STOP_HOOK

/*
 * With both files loaded, OIDC able to verify (an RSA key in the JWKS)
 * and RBAC rules applied, the mode is "oidc_rbac_ready".  A JWKS without
 * an RSA key loads, but OIDC is then "invalid_config" with the reason,
 * and the mode "local_or_demo".
 */
Test(console_oidc, boundary_ready_and_invalid_config,
    .init = oidc_boundary_start, .fini = oidc_stack_stop)
{
	struct api_resp		 r, c;
	struct json_object	*oidc, *rbac, *errs;

	api_req("GET", "/console/security-boundary", NULL, NULL, &r);
	cr_assert_eq(r.status, 200);
	api_req("GET", "/console/config", NULL, NULL, &c);
	cr_assert_eq(c.status, 200);
	cr_assert_str_eq(api_str(c.json, "approval_oidc"), "configured");
	cr_assert_str_eq(api_str(c.json, "approval_rbac"), "configured");
	assert_boundary(r.json, c.json);
	oidc = api_get(r.json, "oidc");
	rbac = api_get(r.json, "rbac");
	cr_assert(json_object_get_boolean(api_get(oidc, "configured")));
	cr_assert(json_object_get_boolean(api_get(rbac, "configured")));
	cr_assert_eq(json_object_array_length(api_get(oidc,
	    "config_errors")), 0);
	cr_assert_str_eq(api_str(oidc, "status"), "ready");
	cr_assert_str_eq(api_str(rbac, "status"), "ready");
	cr_assert_str_eq(api_str(r.json, "mode"), "oidc_rbac_ready");
	api_free(&c);
	api_free(&r);

	/* Loaded at start: only a restart reads the new JWKS. */
	oidc_put("jwks.json", "{\"keys\": [{\"kty\": \"EC\", \"kid\": \"k1\", "
	    "\"crv\": \"P-256\"}]}");
	api_restart();
	api_req("GET", "/console/security-boundary", NULL, NULL, &r);
	cr_assert_eq(r.status, 200);
	oidc = api_get(r.json, "oidc");
	cr_assert_str_eq(api_str(oidc, "status"), "invalid_config");
	errs = api_get(oidc, "config_errors");
	cr_assert_eq(json_object_array_length(errs), 1);
	cr_assert(strstr(json_object_get_string(json_object_array_get_idx(
	    errs, 0)), "no RSA key") != NULL, "%s", json_object_get_string(
	    errs));
	cr_assert_str_eq(api_str(r.json, "mode"), "local_or_demo");
	api_free(&r);
}

/* A token of the stack's key (or `key`), expiring in `exp` seconds, as
 * an "Authorization: Bearer" header in buf. */
static const char *
bearer(char *buf, size_t len, EVP_PKEY *key, long exp, const char *more)
{
	char	 payload[1024], *tok;

	snprintf(payload, sizeof(payload), "{\"iss\": \"" OIDC_ISS "\", "
	    "\"aud\": \"" OIDC_AUD "\", \"exp\": %lld%s}",
	    (long long)time(NULL) + exp, more);
	tok = jwt_mint(key != NULL ? key : oidc_key, "k1", "RS256", payload);
	snprintf(buf, len, "Authorization: Bearer %s", tok);
	free(tok);
	return buf;
}

/* Whether the console's endpoint catalog says path is served. */
static int
served(struct json_object *config, const char *path)
{
	struct json_object	*e;

	e = flow_find(config, "endpoint_catalog", "path", path, NULL, NULL);
	cr_assert_not_null(e, "%s is not in the endpoint catalog", path);
	return available(e);
}

/* A 401 problem with the detail and WWW-Authenticate: Bearer. */
static void
assert_401(struct api_resp *r, const char *detail)
{
	char	*h;

	api_assert_problem(r, 401);
	cr_assert_str_eq(api_str(r->json, "detail"), detail);
	h = api_header(r, "WWW-Authenticate");
	cr_assert(h != NULL && strcmp(h, "Bearer") == 0, "WWW-Authenticate: "
	    "%s", h != NULL ? h : "(none)");
	free(h);
}

/*
 * GET /console/session with OIDC and RBAC: no header asks for one; a
 * verified token gives the actor (groups mapped through the RBAC file),
 * the rules of its groups and the flags; another scheme and a token
 * that does not verify are 401 with WWW-Authenticate: Bearer.
 */
Test(console_oidc, session, .init = oidc_session_start,
    .fini = oidc_stack_stop)
{
	struct api_resp		 r, c;
	struct json_object	*p, *a, *rp;
	EVP_PKEY		*other;
	char			 hbuf[4096];
	const char		*hdr[2] = { NULL, NULL };

	api_req("GET", "/console/config", NULL, NULL, &c);
	cr_assert_eq(c.status, 200);

	api_req("GET", "/console/session", NULL, NULL, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	cr_assert_str_eq(api_str(r.json, "schema_version"),
	    "cavra.console.session.v1");
	cr_assert_str_eq(api_str(r.json, "mode"), "auth_required");
	cr_assert_not(json_object_get_boolean(api_get(r.json,
	    "authenticated")));
	cr_assert(json_object_get_boolean(api_get(r.json, "auth_required")));
	cr_assert_null(api_get(r.json, "actor"));
	cr_assert_eq(json_object_array_length(api_get(r.json,
	    "repository_permissions")), 0);
	p = api_get(r.json, "permissions");
	cr_assert_eq(json_object_get_boolean(api_get(p, "read_activity")),
	    served(c.json, "/decisions"));
	cr_assert_not(json_object_get_boolean(api_get(p,
	    "decide_approvals")));
	cr_assert_not(json_object_get_boolean(api_get(p,
	    "create_break_glass")));
	api_free(&r);

	hdr[0] = bearer(hbuf, sizeof(hbuf), NULL, 300, ", \"email\": "
	    "\"ada@example.com\", \"sub\": \"u-1\", \"groups\": [\"okta-iam\", "
	    "\"Change Advisory Board\"]");
	api_req("GET", "/console/session", NULL, hdr, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	cr_assert_str_eq(api_str(r.json, "mode"), "authenticated");
	cr_assert(json_object_get_boolean(api_get(r.json, "authenticated")));
	a = api_get(r.json, "actor");
	cr_assert_str_eq(api_str(a, "actor"), "ada@example.com");
	cr_assert_str_eq(api_str(a, "subject"), "u-1");
	cr_assert_str_eq(api_str(a, "issuer"), OIDC_ISS);
	cr_assert_str_eq(json_object_to_json_string_ext(api_get(a, "groups"),
	    JSON_C_TO_STRING_PLAIN), "[\"Change Advisory Board\",\"IAM\","
	    "\"okta-iam\"]");
	rp = api_get(r.json, "repository_permissions");
	cr_assert_eq(json_object_array_length(rp), 1);
	cr_assert_str_eq(json_object_to_json_string_ext(
	    json_object_array_get_idx(rp, 0), JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE), "{\"repository\":\"payments/api\","
	    "\"approver_group\":\"*\",\"actions\":[\"approved\",\"denied\"],"
	    "\"groups\":[\"IAM\"]}");
	p = api_get(r.json, "permissions");
	cr_assert_eq(json_object_get_boolean(api_get(p, "decide_approvals")),
	    served(c.json, "/approvals/{approval_id}/approve"));
	cr_assert_eq(json_object_get_boolean(api_get(p,
	    "create_break_glass")), served(c.json, "/approvals/break-glass"));
	api_free(&r);

	hdr[0] = "Authorization: Basic dXNlcjpwdw==";
	api_req("GET", "/console/session", NULL, hdr, &r);
	assert_401(&r, "authorization header must use Bearer token");
	api_free(&r);

	other = jwt_key_new(2048);
	hdr[0] = bearer(hbuf, sizeof(hbuf), other, 300, "");
	api_req("GET", "/console/session", NULL, hdr, &r);
	assert_401(&r, "OIDC token signature is invalid");
	api_free(&r);
	EVP_PKEY_free(other);

	hdr[0] = bearer(hbuf, sizeof(hbuf), NULL, -3600, "");
	api_req("GET", "/console/session", NULL, hdr, &r);
	assert_401(&r, "OIDC token is expired");
	api_free(&r);
	api_free(&c);
}

/* The check `id` of a production-readiness answer. */
static struct json_object *
ready_check(struct json_object *o, const char *id)
{
	return flow_row(o, "checks", "id", id, NULL, NULL);
}

/* Asserts the status of check id, and that a warn has a remedy. */
static void
assert_check(struct json_object *o, const char *id, const char *status)
{
	struct json_object	*c;

	c = ready_check(o, id);
	cr_assert_str_eq(api_str(c, "status"), status, "%s: %s", id,
	    api_str(c, "message"));
	if (strcmp(status, "warn") == 0)
		cr_assert_not_null(api_str(c, "remedy"), "%s", id);
	else
		cr_assert_null(api_get(c, "remedy"), "%s", id);
}

/*
 * GET /deployment/production-readiness on the default stacks: no OIDC,
 * RBAC, artifact root, access file, providers or connectors (warn),
 * explicit CORS origins, the bundled packs and the Go pilot's items, not
 * requested (pass), the stores as /operations/stores finds them; so
 * "needs_attention".
 */
API_TEST(console, production_readiness_default)
{
	static const char *const order[] = { "oidc_configured",
	    "rbac_configured", "cors_restricted", "evidence_artifacts",
	    "policy_catalog", "persistent_stores",
	    "go_backend_promotion_gate", "go_backend_rollback_controls",
	    "go_backend_rollback_drill_history",
	    "go_backend_rollback_drill_schedule", "api_access_control",
	    "approval_providers", "connectors" };
	struct api_resp		 r, s, p;
	struct json_object	*checks, *items;
	char			 msg[128];
	size_t			 i, missing = 0;

	api_req("GET", "/operations/stores", NULL, NULL, &s);
	cr_assert_eq(s.status, 200);
	api_req("GET", "/deployment/production-readiness", NULL, NULL, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	cr_assert_str_eq(api_str(r.json, "schema_version"),
	    "cavra.deployment.production_readiness.v1");
	cr_assert_str_eq(api_str(r.json, "status"), "needs_attention");
	checks = api_get(r.json, "checks");
	cr_assert_eq(json_object_array_length(checks), nitems(order));
	for (i = 0; i < nitems(order); i++)
		cr_assert_str_eq(api_str(json_object_array_get_idx(checks, i),
		    "id"), order[i]);
	assert_check(r.json, "oidc_configured", "warn");
	cr_assert_str_eq(api_str(ready_check(r.json, "oidc_configured"),
	    "oidc_status"), "disabled");
	assert_check(r.json, "rbac_configured", "warn");
	assert_check(r.json, "cors_restricted", "pass");
	assert_check(r.json, "evidence_artifacts", "warn");
	assert_check(r.json, "api_access_control", "warn");
	assert_check(r.json, "approval_providers", "warn");
	assert_check(r.json, "connectors", "warn");
	for (i = 6; i < 10; i++)	/* the Go pilot is not requested */
		assert_check(r.json, order[i], "pass");
	cr_assert_str_eq(api_str(api_get(r.json,
	    "go_backend_rollback_drill_schedule"), "status"), "not_requested");

	api_req("GET", "/policy-pack-catalog", NULL, NULL, &p);
	cr_assert_eq(p.status, 200);
	cr_assert_gt(api_int(p.json, "total"), 0);
	assert_check(r.json, "policy_catalog", "pass");
	snprintf(msg, sizeof(msg), "%lld policy packs are discoverable.",
	    (long long)api_int(p.json, "total"));
	cr_assert_str_eq(api_str(ready_check(r.json, "policy_catalog"),
	    "message"), msg);

	items = api_get(s.json, "items");
	for (i = 0; i < json_object_array_length(items); i++)
		if (!json_object_get_boolean(api_get(
		    json_object_array_get_idx(items, i), "exists")))
			missing++;
	assert_check(r.json, "persistent_stores", missing == 0 ? "pass" :
	    "warn");
	cr_assert_eq(json_object_array_length(api_get(ready_check(r.json,
	    "persistent_stores"), "missing")), missing);
	cr_assert_eq(api_int(api_get(r.json, "store_summary"), "missing"),
	    (long long)missing);
	cr_assert_eq(api_int(api_get(r.json, "store_summary"), "total"), 6);
	api_free(&p);
	api_free(&s);
	api_free(&r);
}

/* The OIDC stack, plus an artifact root, approval providers, connectors
 * and a CORS list that admits every origin. */
static void
oidc_readiness_start(void)
{
	setenv("CAVRA_CORS_ORIGINS", "http://127.0.0.1:5173, *", 1);
	setenv("CAVRA_EVIDENCE_ARTIFACT_ROOT", SRCDIR "/tests/data/artifacts",
	    1);
	setenv("CAVRA_APPROVAL_PROVIDER_CONFIG", SRCDIR
	    "/tests/data/providers-unreachable.json", 1);
	setenv("CAVRA_CONNECTOR_CONFIG", SRCDIR
	    "/tests/data/connectors-unreachable.json", 1);
	oidc_stack_start("oidc-readiness");
}

/*
 * Production readiness with OIDC and RBAC ready and the optional files
 * set: those checks pass; "*" among the CORS origins does not, nor does
 * the absent access file.
 */
Test(console_oidc, production_readiness, .init = oidc_readiness_start,
    .fini = oidc_stack_stop)
{
	struct api_resp	 r;

	api_req("GET", "/deployment/production-readiness", NULL, NULL, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	assert_check(r.json, "oidc_configured", "pass");
	cr_assert_str_eq(api_str(ready_check(r.json, "oidc_configured"),
	    "oidc_status"), "ready");
	assert_check(r.json, "rbac_configured", "pass");
	assert_check(r.json, "cors_restricted", "warn");
	assert_check(r.json, "evidence_artifacts", "pass");
	assert_check(r.json, "policy_catalog", "pass");
	assert_check(r.json, "api_access_control", "warn");
	assert_check(r.json, "approval_providers", "pass");
	assert_check(r.json, "connectors", "pass");
	cr_assert_str_eq(api_str(r.json, "status"), "needs_attention");
	api_free(&r);
}

/* Without OIDC or RBAC: demo mode, and a token cannot be checked. */
API_TEST(console, session_without_oidc)
{
	static const char *const hdr[] = { "Authorization: Bearer a.b.c",
	    NULL };
	struct api_resp	 r;

	api_req("GET", "/console/session", NULL, NULL, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	cr_assert_str_eq(api_str(r.json, "mode"), "local_or_demo");
	cr_assert_not(json_object_get_boolean(api_get(r.json,
	    "auth_required")));
	cr_assert_null(api_get(r.json, "actor"));
	api_free(&r);
	api_req("GET", "/console/session", NULL, hdr, &r);
	api_assert_problem(&r, 400);
	cr_assert_str_eq(api_str(r.json, "detail"), "console OIDC config is "
	    "not configured");
	api_free(&r);
}

API_TEST(console, operations_stores)
{
	static const char *const names[] = { "evidence_metadata", "approvals",
	    "registry", "activity", "inventory", "integrations" };
	struct api_resp		 r;
	struct json_object	*items, *it;
	size_t			 i;

	api_req("GET", "/operations/stores", NULL, NULL, &r);
	cr_assert_eq(r.status, 200);
	cr_assert_eq(api_int(r.json, "total"), 6);
	items = api_get(r.json, "items");
	for (i = 0; i < 6; i++) {
		it = json_object_array_get_idx(items, i);
		cr_assert_str_eq(api_str(it, "name"), names[i]);
		cr_assert_str_eq(api_str(it, "kind"),
		    strcmp(api_mode(), "sqlite") == 0 ? "sqlite" : "json");
		if (strcmp(api_mode(), "sqlite") == 0)
			cr_assert(strstr(api_str(it, "configured_by"), "_DB") !=
			    NULL, "%s", api_str(it, "configured_by"));
		else
			cr_assert_str_eq(api_str(it, "configured_by"),
			    "default");
	}
	api_free(&r);
}

API_TEST(console, retention_plan)
{
	struct api_resp	 r;

	api_req("GET", "/operations/retention-plan?retention_days=365"
	    "&legal_hold=true", NULL, NULL, &r);
	cr_assert_eq(r.status, 200);
	cr_assert_eq(api_int(r.json, "retention_days"), 365);
	cr_assert(json_object_get_boolean(api_get(r.json, "legal_hold")));
	cr_assert(json_object_get_boolean(api_get(r.json,
	    "delete_protection")));
	cr_assert_str_eq(api_str(r.json, "classification"), "regulated-sdlc");
	cr_assert_eq(json_object_array_length(api_get(r.json, "stores")), 6);
	api_free(&r);

	api_req("GET", "/operations/retention-plan", NULL, NULL, &r);
	cr_assert_eq(api_int(r.json, "retention_days"), 2555);
	cr_assert_not(json_object_get_boolean(api_get(r.json, "legal_hold")));
	api_free(&r);

	api_req("GET", "/operations/retention-plan?retention_days=30"
	    "&classification=internal", NULL, NULL, &r);
	cr_assert_not(json_object_get_boolean(api_get(r.json,
	    "delete_protection")));
	cr_assert_str_eq(api_str(r.json, "classification"), "internal");
	api_free(&r);
}

/* Values of the wrong type are 422 (cavra-fcgi(8)); values the plan's
 * rules refuse are 400, as the reference answers. */
API_TEST(console, retention_plan_rejects_bad_values)
{
	static const char *const bad[] = {
	    "/operations/retention-plan?retention_days=0",
	    "/operations/retention-plan?retention_days=-5",
	    "/operations/retention-plan?retention_days=99999999",
	    "/operations/retention-plan?classification=",
	    NULL };
	static const char *const mistyped[] = {
	    "/operations/retention-plan?retention_days=abc",
	    "/operations/retention-plan?retention_days=1e3",
	    "/operations/retention-plan?retention_days=99999999999999999999",
	    "/operations/retention-plan?legal_hold=maybe",
	    NULL };
	const char *const	*p;
	struct api_resp		 r;

	for (p = bad; *p != NULL; p++) {
		api_req("GET", *p, NULL, NULL, &r);
		api_assert_problem(&r, 400);
		cr_assert(strstr(api_str(r.json, "detail"),
		    "invalid retention plan request") != NULL, "%s", *p);
		api_free(&r);
	}
	for (p = mistyped; *p != NULL; p++) {
		api_req("GET", *p, NULL, NULL, &r);
		api_assert_problem(&r, 422);
		api_free(&r);
	}
}

API_TEST(console, unknown_route_is_404_problem)
{
	static const char *const paths[] = { "/no/such/route",
	    "/console/nope", "/operations/stores/extra", "/healthz",
	    "/console", NULL };
	const char *const	*p;
	struct api_resp		 r;

	for (p = paths; *p != NULL; p++) {
		api_req("GET", *p, NULL, NULL, &r);
		api_assert_problem(&r, 404);
		api_free(&r);
	}
}

API_TEST(console, wrong_method_is_405_with_allow)
{
	struct api_resp	 r;
	char		*allow;

	api_req("DELETE", "/health", NULL, NULL, &r);
	api_assert_problem(&r, 405);
	allow = api_header(&r, "Allow");
	cr_assert_str_eq(allow, "GET");
	free(allow);
	api_free(&r);

	api_req("POST", "/console/config", "{}", NULL, &r);
	api_assert_problem(&r, 405);
	api_free(&r);
}

API_TEST(console, huge_body_is_413_problem)
{
	struct api_resp	 r;
	size_t		 n = 12 * 1024 * 1024;
	char		*big;

	big = malloc(n);
	cr_assert_not_null(big);
	memset(big, 'a', n);
	api_req_len("POST", "/health", big, n, NULL, &r);
	api_assert_problem(&r, 413);
	api_free(&r);
	free(big);
}

API_TEST(console, malformed_query_is_400)
{
	struct api_resp	 r;

	api_req("GET", "/operations/stores?x=%zz", NULL, NULL, &r);
	api_assert_problem(&r, 400);
	api_free(&r);
	api_req("GET", "/operations/stores?x=%00", NULL, NULL, &r);
	api_assert_problem(&r, 400);
	api_free(&r);
}

API_TEST(console, dot_segments_are_resolved)
{
	struct api_resp	 r;

	api_req("GET", "/console/../health", NULL, NULL, &r);
	cr_assert_eq(r.status, 200);
	cr_assert_str_eq(api_str(r.json, "status"), "ok");
	api_free(&r);
}

API_TEST(console, cors_preflight_and_simple_requests)
{
	static const char *const ok[] = { "Origin: http://127.0.0.1:5173",
	    "Access-Control-Request-Method: POST",
	    "Access-Control-Request-Headers: content-type", NULL };
	static const char *const bad[] = { "Origin: http://evil.example",
	    "Access-Control-Request-Method: POST", NULL };
	static const char *const simple[] = {
	    "Origin: http://127.0.0.1:5173", NULL };
	static const char *const other[] = { "Origin: http://evil.example",
	    NULL };
	struct api_resp	 r;
	char		*h;

	api_req("OPTIONS", "/console/config", NULL, ok, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	h = api_header(&r, "Access-Control-Allow-Origin");
	cr_assert_str_eq(h, "http://127.0.0.1:5173");
	free(h);
	h = api_header(&r, "Access-Control-Allow-Methods");
	cr_assert_not_null(h);
	cr_assert(strstr(h, "POST") != NULL);
	free(h);
	api_free(&r);

	api_req("OPTIONS", "/console/config", NULL, bad, &r);
	api_assert_problem(&r, 400);
	cr_assert_null(api_header(&r, "Access-Control-Allow-Origin"));
	api_free(&r);

	api_req("GET", "/health", NULL, simple, &r);
	h = api_header(&r, "Access-Control-Allow-Origin");
	cr_assert_str_eq(h, "http://127.0.0.1:5173");
	free(h);
	api_free(&r);

	api_req("GET", "/health", NULL, other, &r);
	cr_assert_eq(r.status, 200);
	cr_assert_null(api_header(&r, "Access-Control-Allow-Origin"));
	api_free(&r);
}

API_TEST(console, openapi_is_served)
{
	struct api_resp	 r;

	api_req("GET", "/openapi.json", NULL, NULL, &r);
	cr_assert_eq(r.status, 200);
	cr_assert_not_null(r.json);
	cr_assert_str_eq(api_str(r.json, "openapi"), "3.1.0");
	api_free(&r);
}
