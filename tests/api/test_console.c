/*
 * API tests of cavra-console and of what the library and nginx do for
 * every responder: 404, 405, 413, bad query strings, CORS, HEAD.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "harness.h"

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

API_TEST(console, config_reports_modes_and_endpoints)
{
	static const char *const modekeys[] = { "metadata_mode",
	    "approval_mode", "registry_mode", "activity_mode",
	    "inventory_mode", "integration_mode", NULL };
	struct api_resp		 r;
	struct json_object	*ep, *cors;
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
	ep = api_get(r.json, "endpoints");
	cr_assert_str_eq(api_str(ep, "decisions"), "/decisions");
	cr_assert_str_eq(api_str(ep, "policy_rollout_detail"),
	    "/policy-rollouts/{rollout_id}/detail");
	cr_assert_str_eq(api_str(ep, "operations_retention_plan"),
	    "/operations/retention-plan");
	api_free(&r);
}

API_TEST(console, security_boundary)
{
	struct api_resp	 r;

	api_req("GET", "/console/security-boundary", NULL, NULL, &r);
	cr_assert_eq(r.status, 200);
	cr_assert_str_eq(api_str(r.json, "mode"), "local_or_demo");
	cr_assert_eq(json_object_get_boolean(api_get(api_get(r.json, "oidc"),
	    "configured")), 0);
	cr_assert_eq(json_object_get_boolean(api_get(api_get(r.json, "cors"),
	    "configured")), 1);
	cr_assert_eq(json_object_array_length(api_get(r.json,
	    "console_permissions")), 9);
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

API_TEST(console, retention_plan_rejects_bad_values)
{
	static const char *const bad[] = {
	    "/operations/retention-plan?retention_days=0",
	    "/operations/retention-plan?retention_days=-5",
	    "/operations/retention-plan?retention_days=abc",
	    "/operations/retention-plan?retention_days=1e3",
	    "/operations/retention-plan?retention_days=99999999999999999999",
	    "/operations/retention-plan?legal_hold=maybe",
	    "/operations/retention-plan?classification=",
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
}

API_TEST(console, empty_lists)
{
	struct api_resp	 r;

	api_req("GET", "/risk/events", NULL, NULL, &r);
	cr_assert_eq(r.status, 200);
	cr_assert_str_eq(r.body, "[]");
	api_free(&r);
	api_req("GET", "/compliance/mappings", NULL, NULL, &r);
	cr_assert_eq(r.status, 200);
	cr_assert_str_eq(r.body, "[]");
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
