/*
 * API tests of the shipped nginx site (conf/nginx-cavra.conf, which
 * tests/stack runs): what a client meets when a responder is not built or
 * not running (a 503 problem naming it, never a bare 502), /metrics/NAME
 * (loopback clients only), and the methods of the static files.
 *
 * These are properties of the web server, not of a store backend: every
 * test runs against the JSON stack.  Only stopped_responder_is_503 stops a
 * responder (cavra-registry), and no other test here uses it.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

#ifndef nitems
#define nitems(a)	(sizeof(a) / sizeof((a)[0]))
#endif

/* Each responder and a path of its family (spec/routes.tsv). */
static const struct family {
	const char	*name;
	const char	*path;
} families[] = {
	{ "console",		"/health" },
	{ "activity",		"/decisions" },
	{ "aispm",		"/aispm/agent-blast-radius" },
	{ "policy",		"/policy-pack-catalog" },
	{ "inventory",		"/repositories" },
	{ "integrations",	"/integrations" },
	{ "registry",		"/agents" },
	{ "approvals",		"/approvals" },
	{ "evidence",		"/evidence" },
	{ "endpoints",		"/endpoint-inventory-freshness" },
	{ "runtime",
	    "/runtime/go-pilot/rollback-drill-notifications" },
	{ "sandbox",		"/api/sandbox/metrics" },
};

/* Whether this build made responder cavra-NAME. */
static int
built(const char *name)
{
	char	 bin[4096];

	snprintf(bin, sizeof(bin), "%s/fcgi/cavra-%s", BUILDDIR, name);
	return access(bin, X_OK) == 0;
}

/*
 * Asserts that r is the web server's 503 problem for responder cavra-NAME:
 * its detail names the responder and says it is not available.
 */
static void
assert_unavailable(const struct api_resp *r, const char *name)
{
	char		 want[128];
	const char	*detail;

	api_assert_problem(r, 503);
	detail = api_str(r->json, "detail");
	snprintf(want, sizeof(want), "cavra-%s is not available in this "
	    "build, or is not running", name);
	cr_assert_str_eq(detail, want);
}

/*
 * A family whose responder this build does not make: its paths, and its
 * /metrics/NAME, are a 503 problem that names the responder, for every
 * method.
 */
Test(deploy, unbuilt_family_is_503)
{
	struct api_resp	 r;
	char		 path[128];
	size_t		 i, missing = 0;

	api_use("json");
	for (i = 0; i < nitems(families); i++) {
		if (built(families[i].name))
			continue;
		missing++;
		api_req("GET", families[i].path, NULL, NULL, &r);
		assert_unavailable(&r, families[i].name);
		api_free(&r);
		api_req("POST", families[i].path, "{}", NULL, &r);
		assert_unavailable(&r, families[i].name);
		api_free(&r);
		api_req("HEAD", families[i].path, NULL, NULL, &r);
		cr_assert_eq(r.status, 503, "HEAD %s: %ld", families[i].path,
		    r.status);
		api_free(&r);
		snprintf(path, sizeof(path), "/metrics/%s", families[i].name);
		api_req("GET", path, NULL, NULL, &r);
		assert_unavailable(&r, families[i].name);
		api_free(&r);
	}
	/* The four responders of today leave eight families unbuilt; once
	 * all twelve exist, stopped_responder_is_503 covers the 503. */
	cr_log_info("%zu families without a responder", missing);
}

/*
 * A responder that was running and stopped (its socket is gone): its paths
 * are a 503 problem, the other responders still answer, and a restart
 * brings it back.
 */
Test(deploy, stopped_responder_is_503)
{
	struct api_resp	 r;
	char		 cmd[8192];

	api_use("json");
	api_req("GET", "/agents", NULL, NULL, &r);
	cr_assert_eq(r.status, 200, "GET /agents: %ld %s", r.status, r.body);
	api_free(&r);

	snprintf(cmd, sizeof(cmd), "\"%s/tests/stack\" stop-one \"%s\" "
	    "registry", SRCDIR, api_run_dir());
	cr_assert_eq(system(cmd), 0, "%s", cmd);

	api_req("GET", "/agents", NULL, NULL, &r);
	assert_unavailable(&r, "registry");
	api_free(&r);
	api_req("POST", "/mcp/servers", "{\"name\":\"x\"}", NULL, &r);
	assert_unavailable(&r, "registry");
	api_free(&r);
	api_req("GET", "/metrics/registry", NULL, NULL, &r);
	assert_unavailable(&r, "registry");
	api_free(&r);
	api_req("GET", "/health", NULL, NULL, &r);
	cr_assert_eq(r.status, 200, "GET /health: %ld %s", r.status, r.body);
	api_free(&r);

	api_restart();
	api_req("GET", "/agents", NULL, NULL, &r);
	cr_assert_eq(r.status, 200, "GET /agents after the restart: %ld %s",
	    r.status, r.body);
	api_free(&r);
}

/*
 * /metrics/NAME from loopback is GET /metrics of cavra-NAME: the
 * Prometheus text, not the responder's 404 for /metrics/NAME.
 */
Test(deploy, metrics_from_loopback)
{
	static const char *const names[] = { "console", "activity" };
	struct api_resp	 r;
	char		 path[64], *ct;
	size_t		 i;

	api_use("json");
	for (i = 0; i < nitems(names); i++) {
		snprintf(path, sizeof(path), "/metrics/%s", names[i]);
		api_req("GET", path, NULL, NULL, &r);
		cr_assert_eq(r.status, 200, "GET %s: %ld %s", path, r.status,
		    r.body);
		ct = api_header(&r, "Content-Type");
		cr_assert(ct != NULL && strncmp(ct, "text/plain;", 11) == 0,
		    "GET %s: content type %s", path,
		    ct != NULL ? ct : "(none)");
		free(ct);
		cr_assert(strstr(r.body, "# TYPE ") != NULL, "GET %s: %s",
		    path, r.body);
		api_free(&r);
	}
	/* Only the twelve responder names. */
	api_req("GET", "/metrics/nginx", NULL, NULL, &r);
	api_assert_problem(&r, 404);
	api_free(&r);
}

/*
 * /metrics/NAME from any other address is a 403 problem, while the API
 * answers that address as usual.  The requests come from 127.0.0.2: a
 * loopback address that is neither 127.0.0.1 nor ::1, as a client that is
 * not on the host would be.
 */
Test(deploy, metrics_refused_to_others)
{
	struct api_resp	 r;
	char		*ct;

	api_use("json");
	api_source("127.0.0.2");
	api_req("GET", "/metrics/console", NULL, NULL, &r);
	api_assert_problem(&r, 403);
	ct = api_header(&r, "Content-Type");
	cr_assert(ct != NULL && strcmp(ct, "application/problem+json") == 0,
	    "content type %s", ct != NULL ? ct : "(none)");
	free(ct);
	cr_assert(strstr(api_str(r.json, "detail"), "loopback") != NULL, "%s",
	    r.body);
	api_free(&r);
	api_req("GET", "/health", NULL, NULL, &r);
	cr_assert_eq(r.status, 200, "GET /health from 127.0.0.2: %ld %s",
	    r.status, r.body);
	api_free(&r);
	api_source(NULL);
}

/*
 * The console and openapi.json answer GET and HEAD; any other method on a
 * static file is a 405 problem with Allow: GET, HEAD (Apache agrees, see
 * conf/apache-cavra.conf).
 */
Test(deploy, static_files_get_and_head_only)
{
	static const char *const paths[] = { "/", "/index.html",
	    "/openapi.json" };
	static const char *const methods[] = { "POST", "PUT", "DELETE" };
	struct api_resp	 r;
	char		*allow;
	size_t		 i, k;

	api_use("json");
	for (i = 0; i < nitems(paths); i++) {
		api_req("GET", paths[i], NULL, NULL, &r);
		cr_assert_eq(r.status, 200, "GET %s: %ld", paths[i], r.status);
		api_free(&r);
		api_req("HEAD", paths[i], NULL, NULL, &r);
		cr_assert_eq(r.status, 200, "HEAD %s: %ld", paths[i],
		    r.status);
		api_free(&r);
		for (k = 0; k < nitems(methods); k++) {
			api_req(methods[k], paths[i], "{}", NULL, &r);
			api_assert_problem(&r, 405);
			allow = api_header(&r, "Allow");
			cr_assert(allow != NULL && strcmp(allow, "GET, HEAD") ==
			    0, "%s %s: Allow %s", methods[k], paths[i],
			    allow != NULL ? allow : "(none)");
			free(allow);
			api_free(&r);
		}
	}
}
