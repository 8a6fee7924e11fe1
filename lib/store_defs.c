/*
 * The six persistent stores of the API: where each lives by default, the
 * variables that move it, and for each collection its table, id, order and
 * filterable fields (the fields list endpoints filter on).
 */
#include "config.h"

#include <stddef.h>

#include "cv_store.h"

static const char *const evidence_fields[] = {
	"signer", "metadata_kind", "repository", "rollout_status",
	"environment", "deployment_target", "target_ring", "approval_state",
	NULL
};

static const struct cv_coll evidence_colls[] = {
	{ "items", "evidence_metadata", "session_id", "created_at", 1,
	    evidence_fields, 0 },
};

const struct cv_store_def cv_store_evidence = {
	"evidence_metadata",
	"CAVRA_EVIDENCE_METADATA_STORE",
	"CAVRA_EVIDENCE_METADATA_DB",
	".cavra/api/evidence-metadata.json",
	evidence_colls,
	sizeof(evidence_colls) / sizeof(evidence_colls[0])
};

static const char *const approval_fields[] = {
	"state", "approver_group", "decision_id", "session_id", "repository",
	NULL
};

static const struct cv_coll approval_colls[] = {
	{ "items", "approvals", "approval_id", "requested_at", 1,
	    approval_fields, 0 },
};

const struct cv_store_def cv_store_approvals = {
	"approvals",
	"CAVRA_APPROVAL_STORE",
	"CAVRA_APPROVAL_DB",
	".cavra/api/approvals.json",
	approval_colls,
	sizeof(approval_colls) / sizeof(approval_colls[0])
};

static const char *const agent_fields[] = {
	"status", "owner", "risk_tier", "vendor", "type", NULL
};

static const char *const mcp_server_fields[] = {
	"trust_tier", "approval_state", "owner", "name", NULL
};

static const struct cv_coll registry_colls[] = {
	[CV_COLL_AGENTS] = { "agents", "registry_agents", "agent_id", NULL, 0,
	    agent_fields, 0 },
	[CV_COLL_MCP_SERVERS] = { "mcp_servers", "registry_mcp_servers",
	    "server_id", NULL, 0, mcp_server_fields, 0 },
};

const struct cv_store_def cv_store_registry = {
	"registry",
	"CAVRA_REGISTRY_STORE",
	"CAVRA_REGISTRY_DB",
	".cavra/api/registry.json",
	registry_colls,
	sizeof(registry_colls) / sizeof(registry_colls[0])
};

static const char *const decision_fields[] = {
	"session_id", "agent_id", "repository", "policy_pack", "decision",
	"severity", "action_type", NULL
};

static const char *const session_fields[] = {
	"agent_id", "repository", "policy_pack", "state", NULL
};

static const struct cv_coll activity_colls[] = {
	[CV_COLL_DECISIONS] = { "decisions", "activity_decisions",
	    "decision_id", "timestamp", 1, decision_fields, 0 },
	[CV_COLL_SESSIONS] = { "sessions", "activity_sessions", "session_id",
	    "updated_at", 1, session_fields, 1 },
};

const struct cv_store_def cv_store_activity = {
	"activity",
	"CAVRA_ACTIVITY_STORE",
	"CAVRA_ACTIVITY_DB",
	".cavra/api/activity.json",
	activity_colls,
	sizeof(activity_colls) / sizeof(activity_colls[0])
};

/* repository: a repository is also found by its name, and listed in
 * name order. */
static const char *const repository_fields[] = {
	"provider", "owner", "policy_pack", "status", "risk_tier",
	"repository", NULL
};

static const char *const rollout_fields[] = {
	"repository", "policy_pack", "state", "mode", "owner", NULL
};

static const struct cv_coll inventory_colls[] = {
	[CV_COLL_REPOSITORIES] = { "repositories", "inventory_repositories",
	    "repository_id", "repository", 0, repository_fields, 0 },
	[CV_COLL_ROLLOUTS] = { "policy_rollouts", "inventory_policy_rollouts",
	    "rollout_id", NULL, 0, rollout_fields, 0 },
};

const struct cv_store_def cv_store_inventory = {
	"inventory",
	"CAVRA_INVENTORY_STORE",
	"CAVRA_INVENTORY_DB",
	".cavra/api/inventory.json",
	inventory_colls,
	sizeof(inventory_colls) / sizeof(inventory_colls[0])
};

static const char *const integration_fields[] = {
	"provider", "category", "status", "owner", "environment",
	"health_status", "tenant_id", "workspace_id", NULL
};

static const struct cv_coll integration_colls[] = {
	{ "integrations", "integrations", "integration_id", NULL, 0,
	    integration_fields, 0 },
};

const struct cv_store_def cv_store_integrations = {
	"integrations",
	"CAVRA_INTEGRATION_STORE",
	"CAVRA_INTEGRATION_DB",
	".cavra/api/integrations.json",
	integration_colls,
	sizeof(integration_colls) / sizeof(integration_colls[0])
};

const struct cv_store_def *const cv_store_defs[] = {
	&cv_store_evidence,
	&cv_store_approvals,
	&cv_store_registry,
	&cv_store_activity,
	&cv_store_inventory,
	&cv_store_integrations,
	NULL
};
