/*
 * cavra-console: health, version, console configuration and security
 * boundary, persistent-store operations, risk events and compliance
 * mappings.
 */
#include "config.h"

#include <sys/stat.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cavra.h"

#define VERSION_NAME	"CAVRA Runtime Server"

/* Console endpoint map of GET /console/config: name -> path template. */
static const struct cv_kv endpoints[] = {
	{ "health", "/health" },
	{ "version", "/version" },
	{ "evidence", "/evidence" },
	{ "evidence_item", "/evidence/{session_id}" },
	{ "evidence_artifacts", "/evidence/{session_id}/artifacts" },
	{ "evidence_artifact", "/evidence/{session_id}/artifacts/{artifact_name}" },
	{ "evidence_artifact_bundle", "/evidence/{session_id}/artifact-bundle" },
	{ "evidence_rollout_promotion_request", "/evidence/{session_id}/promotion-request" },
	{ "evidence_rollout_promotion_execution", "/evidence/{session_id}/promotion-execution" },
	{ "promotion_executions", "/promotion-executions" },
	{ "promotion_execution", "/promotion-executions/{execution_id}" },
	{ "promotion_execution_audit_export", "/promotion-executions/{execution_id}/audit-export" },
	{ "promotion_execution_audit_deliver", "/promotion-executions/{execution_id}/audit-export/deliver" },
	{ "promotion_execution_rollback", "/promotion-executions/{execution_id}/rollback-execution" },
	{ "rollback_execution", "/rollback-executions/{rollback_id}" },
	{ "rollback_execution_deliver", "/rollback-executions/{execution_id}/deliver" },
	{ "release_channel_promotions", "/release-channel-promotions" },
	{ "release_channel_promotion", "/release-channel-promotions/{request_id}" },
	{ "console_session", "/console/session" },
	{ "console_security_boundary", "/console/security-boundary" },
	{ "deployment_readiness", "/deployment/production-readiness" },
	{ "operations_stores", "/operations/stores" },
	{ "operations_retention_plan", "/operations/retention-plan" },
	{ "policy_pack_catalog", "/policy-pack-catalog" },
	{ "policy_pack_draft", "/policy-packs/draft" },
	{ "policy_pack_publish_plan", "/policy-packs/publish-plan" },
	{ "policy_pack_publish_request", "/policy-packs/publish-request" },
	{ "policy_pack_publish", "/policy-packs/publish" },
	{ "approvals", "/approvals" },
	{ "sessions", "/sessions" },
	{ "decisions", "/decisions" },
	{ "repositories", "/repositories" },
	{ "policy_rollouts", "/policy-rollouts" },
	{ "policy_rollout_change_plan", "/policy-rollouts/change-plan" },
	{ "policy_rollout_apply_change", "/policy-rollouts/apply-change" },
	{ "policy_rollout_detail", "/policy-rollouts/{rollout_id}/detail" },
	{ "integrations", "/integrations" },
	{ "integration_deliver", "/integrations/{integration_id}/deliver" },
	{ "agents", "/agents" },
	{ "agent_profiles", "/agents/profiles" },
	{ "mcp_servers", "/mcp/servers" },
	{ "mcp_trust", "/mcp/trust" },
	{ "mcp_tool_classifications", "/mcp/tool-classifications" },
	{ "aispm_posture", "/aispm/posture" },
	{ "aispm_dashboard_contract", "/aispm/dashboard/contract" },
	{ "aispm_dashboard_sample", "/aispm/dashboard/sample" },
	{ "sandbox_scenarios", "/api/sandbox/scenarios" },
	{ "sandbox_metrics", "/api/sandbox/metrics" },
	{ "sandbox_run", "/api/sandbox/run" },
	{ "sandbox_run_item", "/api/sandbox/runs/{run_id}" },
	{ "sandbox_run_events", "/api/sandbox/runs/{run_id}/events" },
	{ "sandbox_run_evidence", "/api/sandbox/runs/{run_id}/evidence" },
	{ "sandbox_run_attestation", "/api/sandbox/runs/{run_id}/attestation" },
	{ "sandbox_run_compliance", "/api/sandbox/runs/{run_id}/compliance" },
};

/* The *_mode keys of GET /console/config, one per store. */
static const struct {
	const char			*key;
	const struct cv_store_def	*def;
} modes[] = {
	{ "metadata_mode", &cv_store_evidence },
	{ "approval_mode", &cv_store_approvals },
	{ "registry_mode", &cv_store_registry },
	{ "activity_mode", &cv_store_activity },
	{ "inventory_mode", &cv_store_inventory },
	{ "integration_mode", &cv_store_integrations },
};

/* Configured/disabled switches of GET /console/config. */
static const struct cv_kv switches[] = {
	{ "approval_provider_delivery", "CAVRA_APPROVAL_PROVIDER_CONFIG" },
	{ "connector_delivery", "CAVRA_CONNECTOR_CONFIG" },
	{ "approval_oidc", "CAVRA_APPROVAL_OIDC_CONFIG" },
	{ "approval_rbac", "CAVRA_APPROVAL_RBAC_FILE" },
	{ "evidence_artifacts", "CAVRA_EVIDENCE_ARTIFACT_ROOT" },
};

static struct json_object *
cors_list(void)
{
	const char *const	*list;
	struct json_object	*a;
	size_t			 i, n;

	a = json_object_new_array();
	n = cv_cors_origins(&list);
	for (i = 0; i < n; i++)
		json_object_array_add(a, json_object_new_string(list[i]));
	return a;
}

static enum cv_err
h_health(struct cv_req *req, struct cv_resp *resp)
{
	struct json_object	*o;

	(void)req;
	o = json_object_new_object();
	cv_json_add_str(o, "status", "ok");
	cv_json_add_str(o, "product", CV_PRODUCT);
	cv_resp_json(resp, 200, o);
	return CV_OK;
}

static enum cv_err
h_version(struct cv_req *req, struct cv_resp *resp)
{
	struct json_object	*o;

	(void)req;
	o = json_object_new_object();
	cv_json_add_str(o, "version", PACKAGE_VERSION);
	cv_json_add_str(o, "name", VERSION_NAME);
	cv_resp_json(resp, 200, o);
	return CV_OK;
}

static enum cv_err
h_config(struct cv_req *req, struct cv_resp *resp)
{
	struct json_object	*o, *ep;
	const char		*kind, *path, *by, *base;
	size_t			 i;

	(void)req;
	o = json_object_new_object();
	cv_json_add_str(o, "product", CV_PRODUCT);
	base = cv_env("CAVRA_PUBLIC_API_BASE_URL");
	cv_json_add_str(o, "api_base_url", base != NULL ? base : "");
	for (i = 0; i < nitems(modes); i++) {
		cv_store_locate(modes[i].def, &kind, &path, &by);
		cv_json_add_str(o, modes[i].key, kind);
	}
	cv_json_add_str(o, "pilot_intake_mode", "json");
	for (i = 0; i < nitems(switches); i++)
		cv_json_add_str(o, switches[i].name,
		    cv_env(switches[i].value) != NULL ? "configured" :
		    "disabled");
	cv_store_locate(&cv_store_registry, &kind, &path, &by);
	cv_json_add_str(o, "registry_store", path);
	json_object_object_add(o, "cors_origins", cors_list());
	ep = json_object_new_object();
	for (i = 0; i < nitems(endpoints); i++)
		cv_json_add_str(ep, endpoints[i].name, endpoints[i].value);
	json_object_object_add(o, "endpoints", ep);
	cv_resp_json(resp, 200, o);
	return CV_OK;
}

static enum cv_err
h_boundary(struct cv_req *req, struct cv_resp *resp)
{
	static const char *const algs[] = { "RS256", NULL };
	static const char *const claims[] = { "iss", "aud", "exp", "nbf",
	    "groups", "roles", "email", "sub", NULL };
	static const char *const bounds[] = { "approval_group",
	    "repository_permissions", "group_mappings", NULL };
	static const char *const perms[] = { "read_activity",
	    "read_inventory", "read_integrations", "read_evidence_metadata",
	    "read_console_session",
	    "acknowledge_drill_notifications_requires_oidc_context_when_configured",
	    "policy_publish_requires_digest_bound_approval",
	    "approval_decision_requires_oidc_context_when_configured",
	    "break_glass_requires_oidc_context_when_configured", NULL };
	static const char *const notes[] = {
	    "The console is a static client: every permission is enforced by "
	    "the API, not by the browser.",
	    "Configure CAVRA_APPROVAL_OIDC_CONFIG and CAVRA_APPROVAL_RBAC_FILE "
	    "before exposing approval or break-glass actions beyond a local "
	    "demo.",
	    "Set CAVRA_CORS_ORIGINS to the exact console origins; leave it "
	    "unset when the console is served from the API's own origin.",
	    NULL };
	struct json_object	*o, *s;
	int			 oidc, rbac, ncors;
	const char *const	*list;

	(void)req;
	oidc = cv_env("CAVRA_APPROVAL_OIDC_CONFIG") != NULL;
	rbac = cv_env("CAVRA_APPROVAL_RBAC_FILE") != NULL;
	ncors = cv_cors_origins(&list) > 0;
	o = json_object_new_object();
	cv_json_add_str(o, "schema_version",
	    "cavra.console.security_boundary.v1");
	cv_json_add_str(o, "product", CV_PRODUCT);
	cv_json_add_str(o, "mode", oidc && rbac ? "oidc_rbac_ready" :
	    "local_or_demo");
	s = json_object_new_object();
	cv_json_add_bool(s, "configured", oidc);
	cv_json_add_str(s, "config_env", "CAVRA_APPROVAL_OIDC_CONFIG");
	cv_json_add_strv(s, "supported_algorithms", algs);
	cv_json_add_strv(s, "validated_claims", claims);
	json_object_object_add(o, "oidc", s);
	s = json_object_new_object();
	cv_json_add_bool(s, "configured", rbac);
	cv_json_add_str(s, "config_env", "CAVRA_APPROVAL_RBAC_FILE");
	cv_json_add_strv(s, "boundaries", bounds);
	json_object_object_add(o, "rbac", s);
	s = json_object_new_object();
	cv_json_add_bool(s, "configured", ncors);
	json_object_object_add(s, "origins", cors_list());
	json_object_object_add(o, "cors", s);
	cv_json_add_strv(o, "console_permissions", perms);
	cv_json_add_strv(o, "operator_notes", notes);
	cv_resp_json(resp, 200, o);
	return CV_OK;
}

/* The six store items of /operations/stores. */
static struct json_object *
store_items(void)
{
	struct json_object	*items, *it;
	struct stat		 st;
	const char		*kind, *path, *by;
	size_t			 i;
	int			 exists;

	items = json_object_new_array();
	for (i = 0; cv_store_defs[i] != NULL; i++) {
		cv_store_locate(cv_store_defs[i], &kind, &path, &by);
		exists = stat(path, &st) == 0 && S_ISREG(st.st_mode);
		it = json_object_new_object();
		cv_json_add_str(it, "name", cv_store_defs[i]->name);
		cv_json_add_str(it, "kind", kind);
		cv_json_add_str(it, "path", path);
		cv_json_add_str(it, "configured_by", by);
		cv_json_add_bool(it, "exists", exists);
		cv_json_add_int(it, "size_bytes", exists ? st.st_size : 0);
		json_object_array_add(items, it);
	}
	return items;
}

static enum cv_err
h_stores(struct cv_req *req, struct cv_resp *resp)
{
	struct json_object	*o, *items;

	(void)req;
	items = store_items();
	o = json_object_new_object();
	cv_json_add_str(o, "schema_version", "cavra.persistent_api.stores.v1");
	cv_json_add_str(o, "product", CV_PRODUCT);
	cv_json_add_int(o, "total", (int64_t)json_object_array_length(items));
	json_object_object_add(o, "items", items);
	cv_resp_json(resp, 200, o);
	return CV_OK;
}

/*
 * GET /operations/retention-plan?retention_days=&classification=&legal_hold=
 * 400 "invalid retention plan request" for a retention_days that is not
 * an integer >= 1 (at most 100 years), a legal_hold that is not a
 * boolean, or an empty classification.
 */
static enum cv_err
h_retention(struct cv_req *req, struct cv_resp *resp)
{
	struct json_object	*o, *items, *it;
	struct timespec		 now, until;
	const char		*cls;
	char			 created[CV_TS_LEN], retain[CV_TS_LEN];
	int64_t			 days;
	int			 hold;
	size_t			 i;

	if (cv_query_int(req, "retention_days", 2555, 1, 36500, 0, &days) !=
	    CV_OK || cv_query_bool(req, "legal_hold", 0, &hold) != CV_OK)
		return cv_fail(req, CV_EINVAL, "invalid retention plan request: "
		    "%s", req->detail != NULL ? req->detail : "bad value");
	cls = cv_query(req, "classification");
	if (cls == NULL)
		cls = "regulated-sdlc";
	else if (*cls == '\0' || strlen(cls) > 128)
		return cv_fail_field(req, CV_EINVAL, "classification",
		    "invalid retention plan request: classification must be "
		    "1 to 128 characters");
	clock_gettime(CLOCK_REALTIME, &now);
	until = now;
	until.tv_sec += (time_t)days * 86400;
	cv_ts_format(created, sizeof(created), &now);
	cv_ts_format(retain, sizeof(retain), &until);
	items = store_items();
	for (i = 0; i < json_object_array_length(items); i++) {
		it = json_object_array_get_idx(items, i);
		cv_json_add_int(it, "minimum_retention_days", days);
		cv_json_add_bool(it, "backup_required", 1);
		cv_json_add_bool(it, "restore_test_required", 1);
	}
	o = json_object_new_object();
	cv_json_add_str(o, "schema_version",
	    "cavra.persistent_api.retention.v1");
	cv_json_add_str(o, "product", CV_PRODUCT);
	cv_json_add_str(o, "created_at", created);
	cv_json_add_str(o, "classification", cls);
	cv_json_add_int(o, "retention_days", days);
	cv_json_add_str(o, "retain_until", retain);
	cv_json_add_bool(o, "legal_hold", hold);
	cv_json_add_bool(o, "delete_protection", hold || days >= 365);
	cv_json_add_str(o, "backup_frequency", "daily for production, before "
	    "every migration, and before every release");
	cv_json_add_str(o, "restore_test_frequency", "monthly for production "
	    "pilots and before enterprise release candidates");
	json_object_object_add(o, "stores", items);
	cv_resp_json(resp, 200, o);
	return CV_OK;
}

/* GET /risk/events and /compliance/mappings: always an empty array, as in
 * the reference (nothing feeds them). */
static enum cv_err
h_empty_list(struct cv_req *req, struct cv_resp *resp)
{
	(void)req;
	cv_resp_json(resp, 200, json_object_new_array());
	return CV_OK;
}

static const struct cv_route routes[] = {
	{ CV_GET, "/health", h_health, 0, "Liveness check", NULL },
	{ CV_GET, "/version", h_version, 0, "Server version", NULL },
	{ CV_GET, "/console/config", h_config, 0,
	    "Console configuration: store modes, CORS, endpoint map", NULL },
	{ CV_GET, "/console/security-boundary", h_boundary, 0,
	    "OIDC, RBAC and CORS deployment boundary status", NULL },
	{ CV_GET, "/operations/stores", h_stores, 0,
	    "Persistent API stores: kind, path, existence, size", NULL },
	{ CV_GET, "/operations/retention-plan", h_retention, 0,
	    "Retention, backup and restore-test plan for the stores", NULL },
	{ CV_GET, "/risk/events", h_empty_list, 0, "Risk events (empty list)",
	    NULL },
	{ CV_GET, "/compliance/mappings", h_empty_list, 0,
	    "Compliance mappings (empty list)", NULL },
};

static const struct cv_app app = {
	.name = "cavra-console",
	.routes = routes,
	.nroutes = nitems(routes),
};

int
main(int argc, char **argv)
{
	return cv_serve_main(&app, argc, argv);
}
