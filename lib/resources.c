/*
 * The resource tables several responders share: the agent registry and
 * the MCP server trust registry (cavra-registry serves them; the decision
 * engine of cavra-activity reads the MCP registry).  Fields, defaults and
 * enumerations are the reference's record contracts.
 */
#include "config.h"

#include <stddef.h>
#include <string.h>

#include "cv_json.h"
#include "cv_resource.h"
#include "cv_store.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

static const char *const agent_statuses[] = {
	"active", "disabled", "retired", NULL
};
static const char *const risk_tiers[] = {
	"low", "medium", "high", "critical", NULL
};
static const char *const trust_tiers[] = {
	"trusted", "approved", "experimental", "blocked", "unknown", NULL
};
static const char *const approval_states[] = {
	"approved", "pending", "denied", "not_required", NULL
};

/* MCP server name: the server_id unless given. */
static const char *
dflt_server_name(struct json_object *rec)
{
	return cv_json_str_or(rec, "server_id", "");
}

/* MCP approval_state: pending for the unknown and experimental tiers,
 * approved for the others. */
static const char *
dflt_approval_state(struct json_object *rec)
{
	const char	*tier;

	tier = cv_json_str_or(rec, "trust_tier", "unknown");
	return strcmp(tier, "unknown") == 0 ||
	    strcmp(tier, "experimental") == 0 ? "pending" : "approved";
}

static const char *const agent_id_keys[] = { "agent_id", "id", NULL };

static const struct cv_field agent_fields[] = {
	{ "type", CV_F_STRING, 0, "coding-agent" },
	{ "vendor", CV_F_STRING, 0, "unknown" },
	{ "version", CV_F_STRING, 0, "unknown" },
	{ "capabilities", CV_F_STRLIST },
	{ "scopes", CV_F_STRLIST },
	{ "allowed_repositories", CV_F_STRLIST },
	{ "allowed_tools", CV_F_STRLIST },
	{ "risk_tier", CV_F_ENUM, 0, "medium", risk_tiers },
	{ "owner", CV_F_STRING, CV_FF_FILTER, "unassigned" },
	{ "status", CV_F_ENUM, CV_FF_FILTER, "active", agent_statuses },
	{ "last_seen", CV_F_TIME, CV_FF_NOW },
	{ "created_at", CV_F_TIME, CV_FF_KEEP | CV_FF_NOW },
	{ "updated_at", CV_F_TIME, CV_FF_TOUCH },
	{ "evidence_refs", CV_F_STRLIST },
};

const struct cv_resource cv_rs_agents = {
	.what = "agent",
	.schema_version = "cavra.agent.v1",
	.store = &cv_store_registry,
	.coll = CV_COLL_AGENTS,
	.id_field = "agent_id",
	.id_keys = agent_id_keys,
	.fields = agent_fields,
	.nfields = nitems(agent_fields),
	.doc = "A coding agent in the agent registry",
};

static const char *const server_id_keys[] = { "server_id", "id", "name",
	NULL };

static const struct cv_field server_fields[] = {
	{ "name", CV_F_STRING, 0, NULL, NULL, dflt_server_name },
	{ "trust_tier", CV_F_ENUM, CV_FF_FILTER, "unknown", trust_tiers },
	{ "capabilities", CV_F_STRLIST, CV_FF_FILTER | CV_FF_MEMBER, NULL,
	    NULL, NULL, NULL, "capability" },
	{ "owner", CV_F_STRING, 0, "unassigned" },
	{ "approval_state", CV_F_ENUM, CV_FF_FILTER, NULL, approval_states,
	    dflt_approval_state },
	{ "allowed_tools", CV_F_STRLIST },
	{ "last_seen", CV_F_TIME, CV_FF_NOW },
	{ "created_at", CV_F_TIME, CV_FF_KEEP | CV_FF_NOW },
	{ "updated_at", CV_F_TIME, CV_FF_TOUCH },
	{ "evidence_refs", CV_F_STRLIST },
};

const struct cv_resource cv_rs_mcp_servers = {
	.what = "MCP server",
	.schema_version = "cavra.mcp_server.v1",
	.store = &cv_store_registry,
	.coll = CV_COLL_MCP_SERVERS,
	.id_field = "server_id",
	.id_keys = server_id_keys,
	.fields = server_fields,
	.nfields = nitems(server_fields),
	.alt_key = "name",
	.doc = "An MCP server in the MCP trust registry",
};
