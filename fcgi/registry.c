/*
 * cavra-registry: the agent registry, the MCP server trust registry, the
 * predefined agent profiles, the MCP capability classifications and the
 * trust check of an MCP call against the registry.
 *
 * Agents and MCP servers are resources (lib/resources.c): their list,
 * get and upsert routes are the library's, driven by the field tables.
 */
#include "config.h"

#include <ctype.h>
#include <stdint.h>
#include <string.h>

#include "cavra.h"
#include "cv_policy.h"

/* The predefined agent profiles of GET /agents/profiles, kept sorted by
 * profile_id (the response order). */
#define STRV(...)	((const char *const[]){ __VA_ARGS__, NULL })

static const struct profile {
	const char		*id;
	const char		*display_name;
	const char		*vendor;
	const char		*risk_tier;
	const char *const	*capabilities;
	const char *const	*scopes;
	const char *const	*tools;
	const char *const	*controls;
} profiles[] = {
	{ "aws-q-developer", "AWS Q Developer", "AWS", "high",
	    STRV("code_edit", "test", "shell", "cloud_assistance",
		"iam_review"),
	    STRV("repository", "filesystem", "shell", "aws"),
	    STRV("cavra", "aws", "terraform"),
	    STRV("cloud_iam_policy", "terraform_policy", "approval_router",
		"evidence_attestation") },
	{ "claude-code", "Claude Code", "Anthropic", "high",
	    STRV("code_edit", "test", "shell", "mcp_tool_call",
		"pull_request_attestation"),
	    STRV("repository", "filesystem", "shell", "mcp"),
	    STRV("cavra-mcp-server", "git", "pytest", "ruff"),
	    STRV("mcp_trust_registry", "command_policy",
		"evidence_attestation", "approval_router") },
	{ "codex", "OpenAI Codex", "OpenAI", "high",
	    STRV("code_edit", "test", "shell", "git_operation",
		"pull_request_attestation"),
	    STRV("repository", "filesystem", "shell", "git"),
	    STRV("cavra", "git", "pytest", "node"),
	    STRV("agent_registry", "protected_branch_policy",
		"evidence_attestation", "approval_router") },
	{ "cursor", "Cursor Agent", "Cursor", "medium",
	    STRV("code_edit", "test", "shell", "repository_search"),
	    STRV("repository", "filesystem", "shell"),
	    STRV("cavra", "git", "test_runner"),
	    STRV("filesystem_policy", "command_policy",
		"evidence_attestation") },
	{ "gemini-cli", "Gemini CLI", "Google", "high",
	    STRV("code_edit", "test", "shell", "cloud_assistance"),
	    STRV("repository", "filesystem", "shell", "cloud"),
	    STRV("cavra", "gcloud", "pytest"),
	    STRV("cloud_iam_policy", "command_policy", "approval_router",
		"evidence_attestation") },
	{ "github-copilot", "GitHub Copilot Agent", "GitHub", "medium",
	    STRV("code_edit", "test", "pull_request", "workflow_assistance"),
	    STRV("repository", "git", "ci"),
	    STRV("github-actions", "cavra-pr-attestation"),
	    STRV("protected_branch_policy", "workflow_change_approval",
		"pr_attestation") },
};

/* The MCP capability classifications of GET /mcp/tool-classifications,
 * kept sorted by capability (the response order). */
static const struct classification {
	const char		*capability;
	const char		*category;
	const char		*risk_tier;
	const char		*default_decision;
	const char *const	*approval_required_for;
	const char *const	*example_tools;
	const char		*control_objective;
} classifications[] = {
	{ "cloud", "infrastructure", "critical", "require_approval",
	    STRV("iam_change", "production_deploy", "resource_delete"),
	    STRV("apply_terraform", "update_iam_policy", "delete_resource"),
	    "Prevent unapproved production, IAM, and cloud control-plane "
	    "changes." },
	{ "database", "data_access", "high", "require_approval",
	    STRV("write_query", "schema_change", "export_table"),
	    STRV("query", "execute_sql", "inspect_schema"),
	    "Protect regulated data stores from autonomous reads and "
	    "writes." },
	{ "filesystem", "local_resource", "high", "block_unknown",
	    STRV("write_file", "delete_file", "read_secret"),
	    STRV("read_file", "write_file", "list_directory"),
	    "Prevent unapproved file and secret access from tool-expanded "
	    "agents." },
	{ "network", "egress", "medium", "require_approval",
	    STRV("external_post", "download_binary", "webhook_call"),
	    STRV("fetch_url", "http_request"),
	    "Control data egress and supply-chain download paths." },
	{ "repository", "source_control", "medium", "approved_server_scope",
	    STRV("delete_repository", "change_branch_protection",
		"workflow_write"),
	    STRV("create_pull_request", "create_issue", "list_branches"),
	    "Govern source-control automation with protected-branch and "
	    "workflow controls." },
	{ "saas", "enterprise_workflow", "medium", "approved_server_scope",
	    STRV("ticket_transition", "user_permission_change",
		"bulk_export"),
	    STRV("create_issue", "update_ticket", "post_message"),
	    "Keep workflow automation scoped to approved tools and owners." },
	{ "shell", "execution", "critical", "require_approval",
	    STRV("execute_command", "install_package", "spawn_process"),
	    STRV("run_command", "shell_exec"),
	    "Route command execution through policy, evidence, and approval "
	    "gates." },
};

/* {items, total} of items (consumed) as the answer. */
static void
resp_items(struct cv_resp *resp, struct json_object *items)
{
	struct json_object	*o;

	o = json_object_new_object();
	json_object_object_add(o, "items", items);
	cv_json_add_int(o, "total", (int64_t)json_object_array_length(items));
	cv_resp_json(resp, 200, o);
}

/* GET /agents/profiles */
static enum cv_err
h_profiles(struct cv_req *req, struct cv_resp *resp)
{
	const struct profile	*p;
	struct json_object	*items, *o;
	size_t			 i;

	(void)req;
	items = json_object_new_array();
	for (i = 0; i < nitems(profiles); i++) {
		p = &profiles[i];
		o = json_object_new_object();
		cv_json_add_str(o, "profile_id", p->id);
		cv_json_add_str(o, "display_name", p->display_name);
		cv_json_add_str(o, "vendor", p->vendor);
		cv_json_add_str(o, "type", "coding-agent");
		cv_json_add_strv(o, "default_capabilities", p->capabilities);
		cv_json_add_strv(o, "default_scopes", p->scopes);
		cv_json_add_strv(o, "recommended_tools", p->tools);
		cv_json_add_str(o, "risk_tier", p->risk_tier);
		cv_json_add_strv(o, "enterprise_controls", p->controls);
		json_object_array_add(items, o);
	}
	resp_items(resp, items);
	return CV_OK;
}

static struct json_object *
classification_json(const struct classification *c)
{
	struct json_object	*o;

	o = json_object_new_object();
	cv_json_add_str(o, "capability", c->capability);
	cv_json_add_str(o, "category", c->category);
	cv_json_add_str(o, "risk_tier", c->risk_tier);
	cv_json_add_str(o, "default_decision", c->default_decision);
	cv_json_add_strv(o, "approval_required_for", c->approval_required_for);
	cv_json_add_strv(o, "example_tools", c->example_tools);
	cv_json_add_str(o, "control_objective", c->control_objective);
	return o;
}

/*
 * GET /mcp/tool-classifications[?capability=X]
 * Without X (or with an empty one): {items,total}.  With X, trimmed and
 * lower-cased: that item alone, or 404.
 */
static enum cv_err
h_classifications(struct cv_req *req, struct cv_resp *resp)
{
	struct json_object	*items;
	const char		*q, *e;
	char			*cap, *p;
	size_t			 i;

	q = cv_query(req, "capability");
	if (q == NULL || *q == '\0') {
		items = json_object_new_array();
		for (i = 0; i < nitems(classifications); i++)
			json_object_array_add(items,
			    classification_json(&classifications[i]));
		resp_items(resp, items);
		return CV_OK;
	}
	while (isspace((unsigned char)*q))
		q++;
	for (e = q + strlen(q); e > q && isspace((unsigned char)e[-1]); e--)
		;
	cap = cv_arena_strndup(req->arena, q, (size_t)(e - q));
	for (p = cap; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	for (i = 0; i < nitems(classifications); i++)
		if (strcmp(classifications[i].capability, cap) == 0) {
			cv_resp_json(resp, 200,
			    classification_json(&classifications[i]));
			return CV_OK;
		}
	return cv_fail(req, CV_ENOENT, "MCP capability classification not "
	    "found");
}

/*
 * GET /mcp/trust?server=&tool=&capability=
 * The registry's verdict on one MCP call: {decision, reason, rule_id,
 * severity, approver_group}.  Persists nothing.  422 without a server
 * (a declared required parameter).
 */
static enum cv_err
h_trust(struct cv_req *req, struct cv_resp *resp)
{
	struct cv_action	 a;
	struct cv_verdict	 v;
	struct json_object	*rec = NULL, *o;
	enum cv_err		 rc;

	memset(&a, 0, sizeof(a));
	a.action_type = "mcp_tool_call";
	a.server = cv_query(req, "server");
	if ((a.tool = cv_query(req, "tool")) == NULL)
		a.tool = "unknown";
	a.capability = cv_query(req, "capability");
	if ((rc = cv_rs_find(req, &cv_rs_mcp_servers, a.server, &rec)) !=
	    CV_OK)
		return rc;
	memset(&v, 0, sizeof(v));
	cv_policy_eval_mcp_registry(rec, &a, req->arena, &v);
	json_object_put(rec);
	o = json_object_new_object();
	cv_json_add_str(o, "decision", v.decision);
	cv_json_add_str(o, "reason", v.reason);
	cv_json_add_str(o, "rule_id", v.rule_id);
	cv_json_add_str(o, "severity", v.severity);
	cv_json_add_str(o, "approver_group", v.approver_group);
	cv_resp_json(resp, 200, o);
	return CV_OK;
}

static const struct cv_qparam trust_params[] = {
	{ "server", CV_P_STRING, CV_QP_REQUIRED, NULL,
	    "server_id or name of the MCP server" },
	{ "tool", CV_P_STRING, 0, NULL, "tool called (default unknown)" },
	{ "capability", CV_P_STRING, 0, NULL, "capability used" },
	{ NULL }
};

static const struct cv_qparam classification_params[] = {
	{ "capability", CV_P_STRING, 0, NULL,
	    "one capability (trimmed, any case)" },
	{ NULL }
};

#define SCHEMA_ITEMS(item)						\
	"{\"type\":\"object\",\"required\":[\"items\",\"total\"],"	\
	"\"properties\":{\"items\":{\"type\":\"array\",\"items\":"	\
	item "},\"total\":{\"type\":\"integer\"}}}"

#define SCHEMA_PROFILE							\
	"{\"type\":\"object\",\"required\":[\"profile_id\","		\
	"\"display_name\",\"vendor\",\"type\",\"default_capabilities\","	\
	"\"default_scopes\",\"recommended_tools\",\"risk_tier\","		\
	"\"enterprise_controls\"]}"

#define SCHEMA_CLASSIFICATION						\
	"{\"type\":\"object\",\"required\":[\"capability\",\"category\","	\
	"\"risk_tier\",\"default_decision\",\"approval_required_for\","	\
	"\"example_tools\",\"control_objective\"]}"

#define SCHEMA_TRUST							\
	"{\"type\":\"object\",\"required\":[\"decision\",\"reason\","	\
	"\"rule_id\",\"severity\",\"approver_group\"],\"properties\":{"	\
	"\"decision\":{\"type\":\"string\",\"enum\":[\"allow\","		\
	"\"block\",\"require_approval\"]},\"reason\":{\"type\":"		\
	"\"string\"},\"rule_id\":{\"type\":\"string\"},\"severity\":"	\
	"{\"type\":\"string\"},\"approver_group\":{\"type\":"		\
	"[\"string\",\"null\"]}}}"

static const struct cv_route routes[] = {
	{ CV_GET, "/agents", cv_rs_list, 0,
	    "List registered agents, filtered by status and owner",
	    &cv_rs_agents },
	{ CV_POST, "/agents", cv_rs_upsert, CV_BODY_JSON,
	    "Create or update an agent identity", &cv_rs_agents,
	    .right = CV_RIGHT_OPERATE },
	{ CV_GET, "/agents/profiles", h_profiles, 0,
	    "Predefined coding-agent profiles", NULL, NULL,
	    SCHEMA_ITEMS(SCHEMA_PROFILE) },
	{ CV_GET, "/agents/{agent_id}", cv_rs_get, 0,
	    "One registered agent", &cv_rs_agents },
	{ CV_GET, "/mcp/servers", cv_rs_list, 0,
	    "List MCP server trust records, filtered by tier, approval "
	    "state and capability", &cv_rs_mcp_servers },
	{ CV_POST, "/mcp/servers", cv_rs_upsert, CV_BODY_JSON,
	    "Create or update an MCP server trust record",
	    &cv_rs_mcp_servers, .right = CV_RIGHT_OPERATE },
	{ CV_GET, "/mcp/servers/{server_id}", cv_rs_get, 0,
	    "One MCP server trust record, by server_id or name",
	    &cv_rs_mcp_servers },
	{ CV_GET, "/mcp/tool-classifications", h_classifications, 0,
	    "MCP capability classifications, or one by capability", NULL,
	    classification_params, "{\"anyOf\":["
	    SCHEMA_ITEMS(SCHEMA_CLASSIFICATION) "," SCHEMA_CLASSIFICATION
	    "]}" },
	{ CV_GET, "/mcp/trust", h_trust, 0,
	    "Check a server, tool and capability against the MCP trust "
	    "registry", NULL, trust_params, SCHEMA_TRUST,
	    CV_RIGHT_AGENT_READ },
};

static const struct cv_store_def *const stores[] = { &cv_store_registry,
    NULL };

CV_RESPONDER(
	.name = "cavra-registry",
	.stores = stores);
