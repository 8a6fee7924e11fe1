/*
 * API tests of cavra-console and of what the library and nginx do for
 * every responder: 404, 405, 413, bad query strings, CORS, HEAD.
 *
 * What the console says is checked against what is true elsewhere: the
 * endpoint map against requests through the stack and the responders'
 * --routes, the security boundary against the library's verification
 * capability (cv_conf.h), risk events against decisions posted here,
 * compliance mappings against the pack files.
 */
#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cv_conf.h"
#include "harness.h"
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
	struct json_object	*cat, *e;
	size_t			 i;

	cat = api_get(config, "endpoint_catalog");
	for (i = 0; i < json_object_array_length(cat); i++) {
		e = json_object_array_get_idx(cat, i);
		if (strcmp(api_str(e, "name"), name) == 0)
			return e;
	}
	return NULL;
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
	cr_assert_not(available(e), "approvals has no responder yet");
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

/* A stack of its own with OIDC and RBAC configured (files in its run
 * directory), made the "json" stack of this test process. */
static char	oidc_run[1024];

static void
oidc_file(const char *json)
{
	char	 path[1200];
	FILE	*f;

	snprintf(path, sizeof(path), "%s/oidc.json", oidc_run);
	cr_assert_not_null(f = fopen(path, "w"));
	fputs(json, f);
	cr_assert_eq(fclose(f), 0);
}

static void
oidc_stack_start(void)
{
	char	 cmd[4096], path[1200], base[64];
	FILE	*f;
	int	 port;

	snprintf(oidc_run, sizeof(oidc_run), "%s/tests/api/run-test_console/"
	    "oidc", BUILDDIR);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s' && mkdir -p '%s'", oidc_run,
	    oidc_run);
	cr_assert_eq(system(cmd), 0);
	oidc_file("{\"issuer\": \"https://idp.example\", \"audience\": "
	    "\"cavra\", \"jwks\": {\"keys\": []}}");
	snprintf(path, sizeof(path), "%s/rbac.json", oidc_run);
	cr_assert_not_null(f = fopen(path, "w"));
	fputs("{\"group_mappings\": {}, \"repository_permissions\": []}", f);
	cr_assert_eq(fclose(f), 0);
	snprintf(path, sizeof(path), "%s/oidc.json", oidc_run);
	setenv("CAVRA_APPROVAL_OIDC_CONFIG", path, 1);
	snprintf(path, sizeof(path), "%s/rbac.json", oidc_run);
	setenv("CAVRA_APPROVAL_RBAC_FILE", path, 1);
	snprintf(cmd, sizeof(cmd), "'%s/tests/stack' start '%s' > '%s/start."
	    "log' 2>&1", SRCDIR, oidc_run, oidc_run);
	cr_assert_eq(system(cmd), 0, "stack did not start: see %s/start.log",
	    oidc_run);
	snprintf(path, sizeof(path), "%s/port", oidc_run);
	cr_assert_not_null(f = fopen(path, "r"));
	cr_assert_eq(fscanf(f, "%d", &port), 1);
	fclose(f);
	snprintf(base, sizeof(base), "http://127.0.0.1:%d", port);
	setenv("CAVRA_TEST_JSON_BASE", base, 1);
	setenv("CAVRA_TEST_JSON_RUN", oidc_run, 1);
	api_use("json");
}

static void
oidc_stack_stop(void)
{
	char	 cmd[4096];

	if (oidc_run[0] == '\0')
		return;
	snprintf(cmd, sizeof(cmd), "'%s/tests/stack' stop '%s' >/dev/null "
	    "2>&1", SRCDIR, oidc_run);
	if (system(cmd) != 0)
		fprintf(stderr, "could not stop the stack in %s\n", oidc_run);
}

/*
 * With both files configured and valid, the mode is "oidc_rbac_ready"
 * only if this build verifies tokens and applies RBAC rules: today it
 * does neither, so OIDC is "configured_unverifiable", RBAC
 * "configured_unenforced" and the mode "local_or_demo".  An OIDC file
 * without what verification needs is "invalid_config", with the reason.
 */
Test(console_oidc, configured_but_unverifiable, .init = oidc_stack_start,
    .fini = oidc_stack_stop)
{
	struct api_resp		 r, c;
	struct json_object	*oidc, *rbac, *errs;
	int			 verifies, applies;

	verifies = cv_oidc_algorithms[0] != NULL;
	applies = cv_rbac_boundaries[0] != NULL;
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
	cr_assert_str_eq(api_str(oidc, "status"), verifies ? "ready" :
	    "configured_unverifiable");
	cr_assert_str_eq(api_str(rbac, "status"), applies ? "ready" :
	    "configured_unenforced");
	cr_assert_str_eq(api_str(r.json, "mode"), verifies && applies ?
	    "oidc_rbac_ready" : "local_or_demo");
	api_free(&c);
	api_free(&r);

	/* Read at each request: an issuer without an audience. */
	oidc_file("{\"issuer\": \"https://idp.example\", \"jwks_path\": "
	    "\"/nonexistent/jwks.json\"}");
	api_req("GET", "/console/security-boundary", NULL, NULL, &r);
	cr_assert_eq(r.status, 200);
	oidc = api_get(r.json, "oidc");
	cr_assert_str_eq(api_str(oidc, "status"), "invalid_config");
	errs = api_get(oidc, "config_errors");
	cr_assert_eq(json_object_array_length(errs), 1);
	cr_assert_str_eq(json_object_get_string(json_object_array_get_idx(
	    errs, 0)), "audience is missing");
	cr_assert_str_eq(api_str(r.json, "mode"), "local_or_demo");
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

/* The fields a risk event copies from its decision. */
static const char *const risk_fields[] = { "decision_id", "timestamp",
    "decision", "severity", "action_type", "target", "requested_operation",
    "rule_id", "reason", "approver_group", "policy_pack", "session_id",
    "agent_id", "actor", "repository", "correlation_id", "evidence_refs",
    NULL };

/* POST /decisions of action type and target in session sid: the
 * decision (a new reference). */
static struct json_object *
decide(const char *sid, const char *type, const char *target)
{
	struct api_resp		 r;
	struct json_object	*d;
	char			 body[1024];

	snprintf(body, sizeof(body), "{\"session_id\": \"%s\", "
	    "\"agent_id\": \"claude-code\", \"repository\": \"payments/api\", "
	    "\"action_type\": \"%s\", \"target\": \"%s\"}", sid, type, target);
	api_req("POST", "/decisions", body, NULL, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	d = json_object_get(r.json);
	api_free(&r);
	return d;
}

/* GET path until its array has n items (a decision is in the store
 * shortly after cavra-activity answers it), for 5 s at most. */
static void
events_wait(const char *path, size_t n, struct api_resp *r)
{
	int	 tries;

	for (tries = 0; ; tries++) {
		api_req("GET", path, NULL, NULL, r);
		cr_assert_eq(r->status, 200, "%s: %s", path, r->body);
		cr_assert(json_object_is_type(r->json, json_type_array));
		if (json_object_array_length(r->json) >= n || tries == 100)
			return;
		api_free(r);
		usleep(50 * 1000);
	}
}

/* Risk event ev carries decision d's fields. */
static void
assert_event_of(struct json_object *ev, struct json_object *d)
{
	const char *const	*k;
	struct json_object	*a, *b;

	cr_assert_str_eq(api_str(ev, "schema_version"), "cavra.risk_event.v1");
	for (k = risk_fields; *k != NULL; k++) {
		cr_assert(json_object_object_get_ex(ev, *k, &a), "%s", *k);
		b = json_object_object_get(d, *k);
		cr_assert(json_object_equal(a, b), "%s: %s != %s", *k,
		    json_object_to_json_string(a),
		    json_object_to_json_string(b));
	}
}

/*
 * A blocked and an approval-required decision become risk events, newest
 * first, with their decisions' fields; an allowed one does not.  The
 * filters, limit and offset of GET /decisions apply.
 */
API_TEST(console, risk_events_follow_decisions)
{
	struct json_object	*blocked, *allowed, *gated, *ev;
	struct api_resp		 r;
	char			 sid[64], path[256];
	size_t			 i;
	int			 seen;

	snprintf(sid, sizeof(sid), "risk-%s-%ld-%d", api_mode(),
	    (long)time(NULL), (int)getpid());
	blocked = decide(sid, "read_file", ".env");
	cr_assert_str_eq(api_str(blocked, "decision"), "block");
	allowed = decide(sid, "read_file", "README.md");
	cr_assert_str_eq(api_str(allowed, "decision"), "allow");
	gated = decide(sid, "write_file", "iam/admin-role.tf");
	cr_assert_str_eq(api_str(gated, "decision"), "require_approval");

	snprintf(path, sizeof(path), "/risk/events?session_id=%s", sid);
	events_wait(path, 2, &r);
	cr_assert_eq(json_object_array_length(r.json), 2, "%s", r.body);
	assert_event_of(json_object_array_get_idx(r.json, 0), gated);
	assert_event_of(json_object_array_get_idx(r.json, 1), blocked);
	api_free(&r);

	/* Unfiltered, they are among the newest; the allow is not. */
	events_wait("/risk/events?limit=500", 2, &r);
	seen = 0;
	for (i = 0; i < json_object_array_length(r.json); i++) {
		ev = json_object_array_get_idx(r.json, i);
		cr_assert_str_neq(api_str(ev, "decision"), "allow");
		cr_assert_str_neq(api_str(ev, "decision_id"),
		    api_str(allowed, "decision_id"));
		if (strcmp(api_str(ev, "decision_id"), api_str(blocked,
		    "decision_id")) == 0)
			seen |= 1;
		if (strcmp(api_str(ev, "decision_id"), api_str(gated,
		    "decision_id")) == 0)
			seen |= 2;
	}
	cr_assert_eq(seen, 3);
	api_free(&r);

	snprintf(path, sizeof(path), "/risk/events?session_id=%s"
	    "&decision=block", sid);
	api_req("GET", path, NULL, NULL, &r);
	cr_assert_eq(json_object_array_length(r.json), 1);
	assert_event_of(json_object_array_get_idx(r.json, 0), blocked);
	api_free(&r);

	snprintf(path, sizeof(path), "/risk/events?session_id=%s&limit=1"
	    "&offset=1", sid);
	api_req("GET", path, NULL, NULL, &r);
	cr_assert_eq(json_object_array_length(r.json), 1);
	assert_event_of(json_object_array_get_idx(r.json, 0), blocked);
	api_free(&r);

	snprintf(path, sizeof(path), "/risk/events?session_id=%s"
	    "&severity=low", sid);
	api_req("GET", path, NULL, NULL, &r);
	cr_assert_eq(json_object_array_length(r.json), 0, "%s", r.body);
	api_free(&r);

	json_object_put(blocked);
	json_object_put(allowed);
	json_object_put(gated);
}

/*
 * A decision that is no risk and a page past the window are 400s; a bad
 * limit or offset is refused as GET /decisions refuses it.
 */
API_TEST(console, risk_events_reject_bad_queries)
{
	static const char *const bad[] = {
	    "/risk/events?offset=9990&limit=20",
	    NULL };
	static const char *const mistyped[] = {
	    "/risk/events?decision=allow",
	    "/risk/events?decision=nope",
	    NULL };
	static const char *const paging[] = { "limit=abc", "offset=-",
	    "limit=1.5", NULL };
	const char *const	*p;
	struct api_resp		 r, d;
	char			 path[128];

	for (p = bad; *p != NULL; p++) {
		api_req("GET", *p, NULL, NULL, &r);
		api_assert_problem(&r, 400);
		api_free(&r);
	}
	for (p = mistyped; *p != NULL; p++) {
		api_req("GET", *p, NULL, NULL, &r);
		api_assert_problem(&r, 422);
		api_free(&r);
	}
	for (p = paging; *p != NULL; p++) {
		snprintf(path, sizeof(path), "/decisions?%s", *p);
		api_req("GET", path, NULL, NULL, &d);
		cr_assert(d.status >= 400 && d.status < 500, "%s", path);
		snprintf(path, sizeof(path), "/risk/events?%s", *p);
		api_req("GET", path, NULL, NULL, &r);
		api_assert_problem(&r, d.status);
		api_free(&r);
		api_free(&d);
	}
	api_req("GET", "/risk/events?offset=9900&limit=100", NULL, NULL, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	api_free(&r);
}

/* One pack's compliance mapping as its policy.yaml writes it. */
struct mapping {
	char	 id[256], title[256], version[64];
	char	 maps_to[32][256];
	size_t	 n;
};

/* The value that starts at v (after `key:` or `- `), unquoted, into
 * buf. */
static void
yaml_value(const char *v, char *buf, size_t n)
{
	size_t	 len;

	while (*v == ' ')
		v++;
	len = strcspn(v, "\n");
	if (len >= 2 && *v == '"' && v[len - 1] == '"') {
		v++;
		len -= 2;
	}
	snprintf(buf, n, "%.*s", (int)len, v);
}

/*
 * Reads the pack file of the shipped layout (metadata: with two-space
 * keys, and a top-level compliance: whose maps_to: lists "    - "
 * items) into m.  0 when it has no compliance.maps_to.
 */
static int
read_mapping(const char *path, struct mapping *m)
{
	FILE	*f;
	char	 line[1024];
	int	 section = 0, in_maps = 0;	/* 1 metadata, 2 compliance */

	memset(m, 0, sizeof(*m));
	cr_assert_not_null(f = fopen(path, "r"), "%s", path);
	while (fgets(line, sizeof(line), f) != NULL) {
		if (line[0] != ' ' && line[0] != '#' && line[0] != '\n') {
			section = strncmp(line, "metadata:", 9) == 0 ? 1 :
			    strncmp(line, "compliance:", 11) == 0 ? 2 : 0;
			in_maps = 0;
		} else if (section == 1 && strncmp(line, "  id:", 5) == 0)
			yaml_value(line + 5, m->id, sizeof(m->id));
		else if (section == 1 && strncmp(line, "  title:", 8) == 0)
			yaml_value(line + 8, m->title, sizeof(m->title));
		else if (section == 1 && strncmp(line, "  version:", 10) == 0)
			yaml_value(line + 10, m->version,
			    sizeof(m->version));
		else if (section == 2 && strncmp(line, "  maps_to:", 10) == 0)
			in_maps = 1;
		else if (in_maps && strncmp(line, "    - ", 6) == 0) {
			cr_assert_lt(m->n, nitems(m->maps_to));
			yaml_value(line + 6, m->maps_to[m->n],
			    sizeof(m->maps_to[0]));
			m->n++;
		} else if (in_maps && strncmp(line, "  ", 2) == 0 &&
		    line[2] != ' ')
			in_maps = 0;
	}
	fclose(f);
	return m->n > 0;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * The mappings are the compliance.maps_to lists of the pack files under
 * CAVRA_POLICY_DIR (the stack's), one entry per pack that has one, in
 * directory order, as a bare array.
 */
API_TEST(console, compliance_mappings_match_the_packs)
{
	struct api_resp		 r;
	struct json_object	*e, *maps;
	struct mapping		 m;
	const char		*root;
	DIR			*d;
	struct dirent		*de;
	char			*names[256], path[4096];
	size_t			 n = 0, i, j, k = 0;

	root = getenv("CAVRA_POLICY_DIR");
	cr_assert_not_null(root);
	cr_assert_not_null(d = opendir(root));
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.' && n < nitems(names))
			names[n++] = strdup(de->d_name);
	closedir(d);
	qsort(names, n, sizeof(names[0]), name_cmp);

	api_req("GET", "/compliance/mappings", NULL, NULL, &r);
	cr_assert_eq(r.status, 200);
	cr_assert(json_object_is_type(r.json, json_type_array));
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s/policy.yaml", root,
		    names[i]);
		if (access(path, R_OK) != 0 || !read_mapping(path, &m))
			continue;
		cr_assert_lt(k, json_object_array_length(r.json), "%s",
		    names[i]);
		e = json_object_array_get_idx(r.json, k++);
		cr_assert_str_eq(api_str(e, "policy_pack"), m.id);
		cr_assert_str_eq(api_str(e, "title"), m.title);
		cr_assert_str_eq(api_str(e, "version"), m.version);
		maps = api_get(e, "maps_to");
		cr_assert_eq(json_object_array_length(maps), m.n, "%s", m.id);
		for (j = 0; j < m.n; j++)
			cr_assert_str_eq(json_object_get_string(
			    json_object_array_get_idx(maps, j)), m.maps_to[j]);
	}
	cr_assert_eq(json_object_array_length(r.json), k);
	cr_assert_geq(k, 10, "the shipped packs map at least ten");
	for (i = 0; i < n; i++)
		free(names[i]);
	api_free(&r);
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
