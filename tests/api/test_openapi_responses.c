/*
 * Real answers against www/openapi.json, as the stack serves it: every
 * route of every built responder (their --routes) is called at least
 * once with a valid request through nginx, and each answer is checked
 * against the document: a 200 against the operation's 200 schema, an
 * error against the Problem schema of its status, which the operation
 * must list when the library raises it (400, 413, 415 and 422 for a
 * JSON body, 404 for a path parameter, every 4xx of a resource
 * handler); other statuses may fall to "default".  The request bodies
 * and query parameters of the valid calls must fit the document too.
 *
 * calls[] says how to call each route.  A route that no call reaches
 * with a 200, and a call whose route no responder serves, fail the
 * test: a new route cannot go untested.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "routes.h"
#include "schema.h"

#define ROUTES_MAX	1024	/* routes of all built responders */
#define VARS_MAX	64	/* values saved from answers */
#define TEXT_MAX	16384	/* an expanded path or body */
#define ERR_MAX		2048	/* a validation message */

#ifndef nitems
#define nitems(a)	(sizeof(a) / sizeof((a)[0]))
#endif

/*
 * One request.  In path and body, "$u" is this run's unique suffix and
 * "$<name>" a value saved from an earlier answer (save: "name=key", the
 * answer's member key).  ctype NULL sends application/json.
 */
struct call {
	const char	*route;		/* "GET /agents/{agent_id}" */
	const char	*path;
	const char	*body;
	const char	*ctype;
	long		 status;
	const char	*save;
};

/* A valid policy draft, new in each run. */
#define OA_DRAFT	"{\"id\":\"cavra-oa-$u\",\"title\":\"OpenAPI\","	\
	"\"description\":\"D\",\"commands\":{\"allow\":[\"make\"]}}"

static const struct call calls[] = {
	/* cavra-activity */
	{ "POST /decisions", "/decisions", "{\"action_type\":\"read_file\","
	    "\"target\":\"README.md\",\"session_id\":\"s-$u\","
	    "\"agent_id\":\"a-$u\"}", NULL, 200, "dec=decision_id" },
	{ "POST /decisions", "/decisions", "{\"action_type\":"
	    "\"execute_command\",\"target\":\"rm -rf /\",\"session_id\":"
	    "\"s-$u\",\"repository\":{\"name\":\"r\"}}", NULL, 200 },
	{ "POST /decisions", "/decisions", "{\"action_type\":\"no_such\","
	    "\"target\":\"x\"}", NULL, 422 },
	{ "POST /decisions", "/decisions", "{\"action_type\":", NULL, 400 },
	{ "POST /decisions", "/decisions", "[]", NULL, 422 },
	{ "POST /decisions", "/decisions", "{}", "text/plain", 415 },
	{ "POST /decisions", "/decisions", "{\"action_type\":\"read_file\","
	    "\"target\":\"x\",\"policy_pack\":\"no-such-pack-$u\"}", NULL,
	    404 },
	{ "GET /decisions", "/decisions", NULL, NULL, 200 },
	{ "GET /decisions", "/decisions?agent_id=a-$u&session_id=s-$u&"
	    "limit=1&offset=0", NULL, NULL, 200 },
	{ "GET /decisions", "/decisions?decision=block&severity=high",
	    NULL, NULL, 200 },
	{ "GET /decisions", "/decisions?decision=bogus", NULL, NULL, 422 },
	{ "GET /decisions", "/decisions?limit=x", NULL, NULL, 422 },
	{ "GET /decisions/{decision_id}", "/decisions/$dec", NULL, NULL,
	    200 },
	{ "GET /decisions/{decision_id}", "/decisions/dec_none$u", NULL,
	    NULL, 404 },
	{ "POST /sessions", "/sessions", "{\"session_id\":\"s-$u\"}", NULL,
	    200 },
	{ "POST /sessions", "/sessions", "{\"session_id\":\"t-$u\","
	    "\"status\":\"completed\",\"agent_id\":\"a-$u\","
	    "\"evidence_refs\":[\"e1\",2,true]}", NULL, 200 },
	{ "POST /sessions", "/sessions", "{}", NULL, 400 },
	{ "POST /sessions", "/sessions", "{\"session_id\":\"u-$u\","
	    "\"state\":\"bogus\"}", NULL, 400 },
	{ "GET /sessions", "/sessions", NULL, NULL, 200 },
	{ "GET /sessions", "/sessions?state=active&agent_id=a-$u&limit=5",
	    NULL, NULL, 200 },
	{ "GET /sessions", "/sessions?state=bogus", NULL, NULL, 422 },
	{ "GET /sessions/{session_id}", "/sessions/s-$u", NULL, NULL, 200 },
	{ "GET /sessions/{session_id}", "/sessions/none-$u", NULL, NULL,
	    404 },

	/* cavra-registry */
	{ "POST /agents", "/agents", "{\"agent_id\":\"a-$u\"}", NULL, 200 },
	{ "POST /agents", "/agents", "{\"id\":\"b-$u\",\"capabilities\":"
	    "\"shell\",\"risk_tier\":\"high\",\"status\":\"disabled\","
	    "\"vendor\":null}", NULL, 200 },
	{ "POST /agents", "/agents", "{\"agent_id\":\"c-$u\","
	    "\"risk_tier\":\"extreme\"}", NULL, 400 },
	{ "POST /agents", "/agents", "{\"agent_id\":5}", NULL, 400 },
	{ "POST /agents", "/agents", "{}", NULL, 400 },
	{ "GET /agents", "/agents", NULL, NULL, 200 },
	{ "GET /agents", "/agents?status=active&owner=unassigned", NULL, NULL,
	    200 },
	{ "GET /agents", "/agents?status=bogus", NULL, NULL, 422 },
	{ "GET /agents/profiles", "/agents/profiles", NULL, NULL, 200 },
	{ "GET /agents/{agent_id}", "/agents/a-$u", NULL, NULL, 200 },
	{ "GET /agents/{agent_id}", "/agents/none-$u", NULL, NULL, 404 },
	{ "POST /mcp/servers", "/mcp/servers", "{\"server_id\":\"m-$u\","
	    "\"capabilities\":[\"filesystem\"],\"trust_tier\":\"trusted\"}",
	    NULL, 200 },
	{ "POST /mcp/servers", "/mcp/servers", "{\"name\":\"n-$u\"}", NULL,
	    200 },
	{ "POST /mcp/servers", "/mcp/servers", "{\"server_id\":\"x-$u\","
	    "\"trust_tier\":\"bogus\"}", NULL, 400 },
	{ "GET /mcp/servers", "/mcp/servers", NULL, NULL, 200 },
	{ "GET /mcp/servers", "/mcp/servers?capability=filesystem&"
	    "trust_tier=trusted&approval_state=approved", NULL, NULL, 200 },
	{ "GET /mcp/servers", "/mcp/servers?trust_tier=bogus", NULL, NULL,
	    422 },
	{ "GET /mcp/servers/{server_id}", "/mcp/servers/m-$u", NULL, NULL,
	    200 },
	{ "GET /mcp/servers/{server_id}", "/mcp/servers/n-$u", NULL, NULL,
	    200 },
	{ "GET /mcp/servers/{server_id}", "/mcp/servers/none-$u", NULL, NULL,
	    404 },
	{ "GET /mcp/tool-classifications", "/mcp/tool-classifications", NULL,
	    NULL, 200 },
	{ "GET /mcp/tool-classifications",
	    "/mcp/tool-classifications?capability=Shell", NULL, NULL, 200 },
	{ "GET /mcp/tool-classifications",
	    "/mcp/tool-classifications?capability=none", NULL, NULL, 404 },
	{ "GET /mcp/trust", "/mcp/trust?server=m-$u&tool=read_file&"
	    "capability=filesystem", NULL, NULL, 200 },
	{ "GET /mcp/trust", "/mcp/trust?server=none-$u", NULL, NULL, 200 },
	{ "GET /mcp/trust", "/mcp/trust", NULL, NULL, 422 },

	/* cavra-aispm (s-$u has the decisions posted above) */
	{ "GET /aispm/dashboard/contract", "/aispm/dashboard/contract", NULL,
	    NULL, 200 },
	{ "GET /aispm/dashboard/sample", "/aispm/dashboard/sample", NULL,
	    NULL, 200 },
	{ "GET /aispm/posture", "/aispm/posture", NULL, NULL, 200 },
	{ "GET /aispm/posture", "/aispm/posture?agent_id=a-$u&repository=r&"
	    "policy_pack=cavra-ai-agent-baseline&limit=5", NULL, NULL, 200 },
	{ "GET /aispm/posture", "/aispm/posture?limit=x", NULL, NULL, 422 },
	{ "GET /aispm/agents", "/aispm/agents?agent_id=a-$u", NULL, NULL,
	    200 },
	{ "GET /aispm/findings", "/aispm/findings", NULL, NULL, 200 },
	{ "GET /aispm/timeline", "/aispm/timeline?limit=3", NULL, NULL, 200 },
	{ "GET /aispm/control-coverage", "/aispm/control-coverage", NULL,
	    NULL, 200 },
	{ "GET /aispm/near-misses", "/aispm/near-misses", NULL, NULL, 200 },
	{ "GET /aispm/trace-replay/{session_id}", "/aispm/trace-replay/s-$u",
	    NULL, NULL, 200 },
	{ "GET /aispm/trace-replay/{session_id}",
	    "/aispm/trace-replay/none-$u", NULL, NULL, 404 },
	{ "GET /aispm/approval-lineage", "/aispm/approval-lineage?"
	    "state=pending&approver_group=g&session_id=s-$u&limit=5", NULL,
	    NULL, 200 },
	{ "GET /aispm/approval-lineage", "/aispm/approval-lineage?state=x",
	    NULL, NULL, 422 },
	{ "GET /aispm/behavior-fingerprints", "/aispm/behavior-fingerprints",
	    NULL, NULL, 200 },
	{ "GET /aispm/policy-context-gaps", "/aispm/policy-context-gaps",
	    NULL, NULL, 200 },
	{ "GET /aispm/pre-action-risk-forecasts",
	    "/aispm/pre-action-risk-forecasts", NULL, NULL, 200 },
	{ "GET /aispm/intent-action-drift", "/aispm/intent-action-drift",
	    NULL, NULL, 200 },
	{ "GET /aispm/tool-chain-graph", "/aispm/tool-chain-graph", NULL,
	    NULL, 200 },
	{ "GET /aispm/agent-blast-radius", "/aispm/agent-blast-radius", NULL,
	    NULL, 200 },
	{ "GET /aispm/control-coverage-heatmap",
	    "/aispm/control-coverage-heatmap", NULL, NULL, 200 },
	{ "GET /aispm/evidence-confidence", "/aispm/evidence-confidence", NULL,
	    NULL, 200 },
	{ "GET /aispm/evidence-freshness", "/aispm/evidence-freshness", NULL,
	    NULL, 200 },
	{ "GET /aispm/executive-risk-narrative",
	    "/aispm/executive-risk-narrative", NULL, NULL, 200 },
	{ "GET /aispm/replay-to-policy-draft", "/aispm/replay-to-policy-draft?"
	    "session_id=s-$u", NULL, NULL, 200 },
	{ "GET /aispm/replay-to-policy-tests", "/aispm/replay-to-policy-tests",
	    NULL, NULL, 200 },
	{ "POST /aispm/replay-to-policy-review-packet/validate",
	    "/aispm/replay-to-policy-review-packet/validate", "{"
	    "\"schema_version\":\"cavra.aispm.replay_to_policy_review_packet."
	    "v1\",\"product\":\"CAVRA\",\"edition\":\"community\",\"mode\":"
	    "\"review_packet_export\",\"data_provenance\":{\"draft\":"
	    "\"sample_data\",\"tests\":\"sample_data\"},\"source\":"
	    "{\"session_id\":null,\"draft_schema_version\":"
	    "\"cavra.aispm.replay_to_policy_draft.v1\",\"test_schema_version\":"
	    "\"cavra.aispm.replay_to_policy_tests.v1\"},\"review_summary\":"
	    "{\"status\":\"ready_for_review\",\"checks_passed\":1,"
	    "\"checks_total\":1,\"ci_adoption\":\"requires_human_review\","
	    "\"approval_required\":true},\"review_checklist\":[{\"label\":"
	    "\"l\",\"status\":\"pass\",\"detail\":\"d\"}],\"policy_draft\":{},"
	    "\"test_fixture\":{\"schema_version\":"
	    "\"cavra.policy_tests.replay_to_policy.v1\",\"policy_id\":\"p\","
	    "\"source_scope\":\"s\",\"case_count\":0,\"cases\":[],"
	    "\"validation\":{}},\"export\":{\"status\":\"review_only_packet\","
	    "\"filename\":\"cavra-replay-policy-review-packet.json\","
	    "\"intended_use\":\"x\"},\"redaction\":{}}", NULL, 200 },
	{ "POST /aispm/replay-to-policy-review-packet/validate",
	    "/aispm/replay-to-policy-review-packet/validate", "{}", NULL,
	    400 },
	{ "POST /aispm/replay-to-policy-review-packet/validate",
	    "/aispm/replay-to-policy-review-packet/validate", "[]", NULL,
	    422 },
	{ "POST /aispm/replay-to-policy-ci-gate-readiness/validate",
	    "/aispm/replay-to-policy-ci-gate-readiness/validate", "{"
	    "\"schema_version\":\"cavra.aispm.replay_to_policy_ci_gate_"
	    "readiness.v1\",\"product\":\"CAVRA\",\"edition\":\"community\","
	    "\"mode\":\"ci_gate_readiness_export\",\"source\":{"
	    "\"review_packet\":\"cavra-replay-policy-review-packet.json\","
	    "\"review_packet_status\":\"review_only_packet\","
	    "\"review_summary_status\":\"x\",\"checks_passed\":1,"
	    "\"checks_total\":1},\"required_packet\":{\"filename\":"
	    "\"cavra-replay-policy-review-packet.json\",\"purpose\":\"p\"},"
	    "\"gates\":[{\"platform\":\"GitHub Actions\",\"required_check\":"
	    "\"cavra-aispm-review-packet\",\"template_path\":\"examples/"
	    "github-actions/cavra-aispm-review-packet-validation.yml\","
	    "\"setup\":\"s\",\"enforcement\":\"e\"},{\"platform\":\"GitLab CI\","
	    "\"required_check\":\"cavra-aispm-review-packet\","
	    "\"template_path\":\"examples/gitlab-ci/cavra-aispm-review-packet-"
	    "validation.gitlab-ci.yml\",\"setup\":\"s\",\"enforcement\":\"e\"},"
	    "{\"platform\":\"Azure Pipelines\",\"required_check\":"
	    "\"cavra-aispm-review-packet\",\"template_path\":\"examples/"
	    "azure-pipelines/cavra-aispm-review-packet-validation.azure-"
	    "pipelines.yml\",\"setup\":\"s\",\"enforcement\":\"e\"}],"
	    "\"validation\":{\"cli_command\":\"cavra aispm validate-ci-gate-"
	    "readiness cavra-replay-policy-ci-gate-readiness.json --repo-root "
	    ".\",\"api_endpoint\":\"/aispm/replay-to-policy-ci-gate-readiness/"
	    "validate\"},\"readiness_checklist\":[\"x\"],"
	    "\"enterprise_boundaries\":{}}", NULL, 200 },
	{ "POST /aispm/replay-to-policy-ci-gate-readiness/validate",
	    "/aispm/replay-to-policy-ci-gate-readiness/validate", "{\"gates\":"
	    "[]}", NULL, 400 },

	/* cavra-console */
	{ "GET /health", "/health", NULL, NULL, 200 },
	{ "GET /version", "/version", NULL, NULL, 200 },
	{ "GET /console/config", "/console/config", NULL, NULL, 200 },
	{ "GET /console/security-boundary", "/console/security-boundary",
	    NULL, NULL, 200 },
	{ "GET /console/session", "/console/session", NULL, NULL, 200 },
	{ "GET /operations/stores", "/operations/stores", NULL, NULL, 200 },
	{ "GET /deployment/production-readiness",
	    "/deployment/production-readiness", NULL, NULL, 200 },
	{ "GET /operations/retention-plan", "/operations/retention-plan",
	    NULL, NULL, 200 },
	{ "GET /operations/retention-plan", "/operations/retention-plan?"
	    "retention_days=30&legal_hold=true&classification=internal", NULL,
	    NULL, 200 },
	{ "GET /operations/retention-plan",
	    "/operations/retention-plan?retention_days=x", NULL, NULL, 422 },
	{ "GET /operations/retention-plan",
	    "/operations/retention-plan?retention_days=0", NULL, NULL, 400 },
	{ "GET /risk/events", "/risk/events", NULL, NULL, 200 },
	{ "GET /risk/events", "/risk/events?decision=require_approval&"
	    "session_id=s-$u&limit=5&offset=0", NULL, NULL, 200 },
	{ "GET /risk/events", "/risk/events?decision=allow", NULL, NULL,
	    422 },
	{ "GET /risk/events", "/risk/events?limit=x", NULL, NULL, 422 },
	{ "GET /compliance/mappings", "/compliance/mappings", NULL, NULL,
	    200 },

	/* cavra-policy: a draft's whole way to publication */
	{ "GET /policy-pack-catalog", "/policy-pack-catalog", NULL, NULL,
	    200 },
	{ "POST /policy-packs/draft", "/policy-packs/draft", OA_DRAFT, NULL,
	    200 },
	{ "POST /policy-packs/draft", "/policy-packs/draft",
	    "{\"id\":\"Bad\",\"title\":\"T\",\"description\":\"D\"}", NULL,
	    200 },
	{ "POST /policy-packs/draft", "/policy-packs/draft",
	    "{\"id\":\"cavra-x\"}", NULL, 400 },
	{ "POST /policy-packs/draft", "/policy-packs/draft", "[]", NULL, 422 },
	{ "POST /policy-packs/publish-plan", "/policy-packs/publish-plan",
	    "{\"draft\":" OA_DRAFT "}", NULL, 200 },
	{ "POST /policy-packs/publish-plan", "/policy-packs/publish-plan",
	    "{}", NULL, 400 },
	{ "POST /policy-packs/publish-request",
	    "/policy-packs/publish-request", "{\"draft\":" OA_DRAFT "}", NULL,
	    200, "apd=approval.approval_id" },
	{ "POST /policy-packs/publish-request",
	    "/policy-packs/publish-request", "{\"id\":\"x\",\"title\":\"T\","
	    "\"description\":\"D\"}", NULL, 400 },
	{ "POST /policy-packs/publish", "/policy-packs/publish",
	    "{\"draft\":" OA_DRAFT ",\"approval_id\":\"$apd\"}", NULL, 400 },
	{ "POST /policy-packs/publish", "/policy-packs/publish",
	    "{\"approval_id\":\"apr_none$u\"}", NULL, 404 },
	{ "POST /approvals/{approval_id}/approve", "/approvals/$apd/approve",
	    "{\"actor\":\"alice\",\"reason\":\"ok\"}", NULL, 200 },
	{ "POST /policy-packs/publish", "/policy-packs/publish",
	    "{\"draft\":" OA_DRAFT ",\"approval_id\":\"$apd\"}", NULL, 200 },

	/* cavra-approvals */
	{ "POST /approvals", "/approvals", "{\"decision\":{\"decision_id\":"
	    "\"d-$u\",\"session_id\":\"s-$u\",\"evidence_refs\":"
	    "[\"evidence://s-$u/d-$u\"]},\"approver_group\":\"G-$u\","
	    "\"requested_by\":\"codex\",\"ttl_hours\":2}", NULL, 200,
	    "apa=approval_id" },
	{ "POST /approvals", "/approvals", "{\"decision_id\":\"e-$u\","
	    "\"rule_id\":\"mcp.registry.unknown\"}", NULL, 200,
	    "apb=approval_id" },
	{ "POST /approvals", "/approvals", "{\"decision\":{}}", NULL, 400 },
	{ "POST /approvals", "/approvals", "{\"decision_id\":\"f-$u\","
	    "\"approver_group\":\"G\",\"ttl_hours\":0}", NULL, 400 },
	{ "POST /approvals", "/approvals", "[]", NULL, 422 },
	{ "GET /approvals", "/approvals", NULL, NULL, 200 },
	{ "GET /approvals", "/approvals?state=pending&approver_group=G-$u&"
	    "limit=1&offset=0", NULL, NULL, 200 },
	{ "GET /approvals", "/approvals?state=bogus", NULL, NULL, 422 },
	{ "GET /approvals/{approval_id}", "/approvals/$apa", NULL, NULL,
	    200 },
	{ "GET /approvals/{approval_id}", "/approvals/apr_none$u", NULL, NULL,
	    404 },
	{ "POST /approvals/{approval_id}/attach-decision",
	    "/approvals/$apa/attach-decision", "{\"decision_id\":\"d-$u\","
	    "\"evidence_refs\":[\"evidence://s-$u/d-$u\"]}", NULL, 200 },
	{ "POST /approvals/{approval_id}/attach-decision",
	    "/approvals/apr_none$u/attach-decision", "{}", NULL, 404 },
	{ "POST /approvals/{approval_id}/deliver",
	    "/approvals/$apa/deliver", "{\"retries\":0}", NULL, 200 },
	{ "POST /approvals/{approval_id}/deliver",
	    "/approvals/$apa/deliver", "{\"provider\":\"nope\"}", NULL,
	    400 },
	{ "POST /approvals/{approval_id}/deliver",
	    "/approvals/apr_none$u/deliver", NULL, NULL, 404 },
	{ "POST /approvals/{approval_id}/approve", "/approvals/$apa/approve",
	    "{\"actor\":\"alice\"}", NULL, 400 },
	{ "POST /approvals/{approval_id}/approve", "/approvals/$apa/approve",
	    "{\"actor\":\"alice\",\"reason\":\"ok\",\"external_ref\":"
	    "\"CHG-$u\"}", NULL, 200 },
	{ "POST /approvals/{approval_id}/deny", "/approvals/$apa/deny",
	    "{\"actor\":\"bob\",\"reason\":\"no\"}", NULL, 400 },
	{ "POST /approvals/{approval_id}/deny", "/approvals/$apb/deny",
	    "{\"actor\":\"bob\",\"reason\":\"no\"}", NULL, 200 },
	{ "POST /approvals/{approval_id}/expire",
	    "/approvals/apr_none$u/expire", NULL, NULL, 404 },
	{ "POST /approvals", "/approvals", "{\"decision_id\":\"g-$u\","
	    "\"approver_group\":\"G-$u\"}", NULL, 200, "apc=approval_id" },
	{ "POST /approvals/{approval_id}/expire", "/approvals/$apc/expire",
	    NULL, NULL, 200 },
	{ "POST /approvals/break-glass", "/approvals/break-glass",
	    "{\"decision\":{\"decision_id\":\"h-$u\"},\"actor\":"
	    "\"oncall\"}", NULL, 400 },
	{ "POST /approvals/break-glass", "/approvals/break-glass",
	    "{\"decision\":{\"decision_id\":\"h-$u\"},\"actor\":"
	    "\"oncall\",\"reason\":\"outage\",\"external_ref\":"
	    "\"INC-9\"}", NULL, 200 },

	/* cavra-evidence (tests/data/test_openapi_responses.env gives these
	 * stacks an artifact root, tests/data/artifacts, and a promotion
	 * signing key; "$root" is that root) */
	{ "POST /evidence", "/evidence", "{\"session_id\":\"ev-$u\","
	    "\"signer\":\"oa\",\"blocked_count\":1,\"deployment_targets\":"
	    "[\"t\"]}", NULL, 200 },
	{ "POST /evidence", "/evidence", "{}", NULL, 400 },
	{ "GET /evidence", "/evidence?session_id=ev-$u&signer=oa&"
	    "min_blocked=1&has_approvals=false&deployment_target=t&limit=5&"
	    "offset=0", NULL, NULL, 200 },
	{ "GET /evidence", "/evidence?min_blocked=x", NULL, NULL, 422 },
	{ "GET /evidence/{session_id}", "/evidence/ev-$u", NULL, NULL, 200 },
	{ "GET /evidence/{session_id}", "/evidence/none-$u", NULL, NULL, 404 },
	{ "POST /evidence", "/evidence", "{\"session_id\":\"oa-session\","
	    "\"signer\":\"oa\",\"decision_count\":0}", NULL, 200 },
	{ "GET /evidence/{session_id}/artifacts",
	    "/evidence/oa-session/artifacts", NULL, NULL, 200 },
	{ "GET /evidence/{session_id}/artifacts", "/evidence/none-$u/artifacts",
	    NULL, NULL, 404 },
	{ "GET /evidence/{session_id}/artifacts/{artifact_name}",
	    "/evidence/oa-session/artifacts/manifest.json", NULL, NULL, 200 },
	{ "GET /evidence/{session_id}/artifacts/{artifact_name}",
	    "/evidence/oa-session/artifacts/compliance-mapping.md", NULL, NULL,
	    404 },
	{ "GET /evidence/{session_id}/artifacts/{artifact_name}",
	    "/evidence/oa-session/artifacts/passwd", NULL, NULL, 400 },
	{ "GET /evidence/{session_id}/artifact-bundle",
	    "/evidence/oa-session/artifact-bundle", NULL, NULL, 200 },
	{ "GET /evidence/{session_id}/artifact-bundle",
	    "/evidence/none-$u/artifact-bundle", NULL, NULL, 404 },
	{ "POST /evidence", "/evidence", "{\"session_id\":\"oa-rollout\","
	    "\"metadata_kind\":\"managed-endpoint-rollout\",\"bundle_dir\":"
	    "\"$root/oa-rollout\",\"rollout_status\":\"staged\","
	    "\"decision_count\":0}", NULL, 200 },
	{ "POST /evidence/{session_id}/promotion-request",
	    "/evidence/oa-rollout/promotion-request", "{\"requested_by\":"
	    "\"oa-$u\",\"require_package_verification\":false,"
	    "\"require_signatures\":false,\"require_provenance\":false}",
	    NULL, 200 },
	{ "POST /evidence/{session_id}/promotion-request",
	    "/evidence/ev-$u/promotion-request", "{}", NULL, 400 },
	/* cavra-evidence: release governance (fcgi/evidence_release.c) */
	{ "POST /evidence/{session_id}/promotion-request",
	    "/evidence/oa-rollout/promotion-request", "{\"requested_by\":"
	    "\"oa-$u\",\"approver_group\":\"OA-$u\","
	    "\"require_package_verification\":false}", NULL, 200,
	    "oareq=request oaapr=approval.approval_id" },
	{ "POST /evidence/{session_id}/promotion-execution",
	    "/evidence/oa-rollout/promotion-execution", "{\"request\":$oareq}",
	    NULL, 400 },
	{ "POST /approvals/{approval_id}/approve", "/approvals/$oaapr/approve",
	    "{\"actor\":\"oa\",\"reason\":\"ok\"}", NULL, 200 },
	{ "POST /evidence/{session_id}/promotion-execution",
	    "/evidence/oa-rollout/promotion-execution", "{\"request\":$oareq}",
	    NULL, 200, "oapex=execution.execution_id" },
	{ "POST /evidence/{session_id}/promotion-execution",
	    "/evidence/none-$u/promotion-execution", "{\"request\":{}}", NULL,
	    404 },
	{ "GET /promotion-executions", "/promotion-executions?rollout_id="
	    "oa-rollout&target_ring=production&approval_state=approved&"
	    "deployment_target=t-a&promotion_execution_status=executed", NULL,
	    NULL, 200 },
	{ "GET /promotion-executions/{execution_id}",
	    "/promotion-executions/$oapex", NULL, NULL, 200 },
	{ "GET /promotion-executions/{execution_id}",
	    "/promotion-executions/none-$u", NULL, NULL, 404 },
	{ "GET /promotion-executions/{execution_id}/audit-export",
	    "/promotion-executions/$oapex/audit-export", NULL, NULL, 200 },
	{ "POST /promotion-executions/{execution_id}/audit-export/deliver",
	    "/promotion-executions/$oapex/audit-export/deliver",
	    "{\"retries\":0}", NULL, 200 },
	{ "POST /approvals", "/approvals", "{\"decision\":{\"decision_id\":"
	    "\"oa-rb-$u\",\"session_id\":\"oa-rollout\",\"action_type\":"
	    "\"release_rollback_endpoint_rollout\"},\"approver_group\":"
	    "\"OA-$u\",\"requested_by\":\"oa\"}", NULL, 200,
	    "oarbapr=approval_id" },
	{ "POST /approvals/{approval_id}/approve",
	    "/approvals/$oarbapr/approve", "{\"actor\":\"oa\",\"reason\":"
	    "\"ok\"}", NULL, 200 },
	{ "POST /promotion-executions/{execution_id}/rollback-execution",
	    "/promotion-executions/$oapex/rollback-execution", "{}", NULL,
	    400 },
	{ "POST /promotion-executions/{execution_id}/rollback-execution",
	    "/promotion-executions/$oapex/rollback-execution",
	    "{\"approval_id\":\"$oarbapr\"}", NULL, 200,
	    "oarbid=rollback.rollback_id" },
	{ "GET /rollback-executions/{rollback_id}",
	    "/rollback-executions/$oarbid", NULL, NULL, 200 },
	{ "GET /rollback-executions/{rollback_id}",
	    "/rollback-executions/none-$u", NULL, NULL, 404 },
	{ "POST /rollback-executions/{execution_id}/deliver",
	    "/rollback-executions/$oarbid/deliver", "{\"retries\":0}", NULL,
	    200 },
	{ "POST /evidence", "/evidence", "{\"session_id\":\"rcp_oa-$u\","
	    "\"metadata_kind\":\"release-channel-promotion-request\","
	    "\"channel\":\"oa-$u\",\"target_ring\":\"production\"}", NULL,
	    200 },
	{ "GET /release-channel-promotions", "/release-channel-promotions?"
	    "channel=oa-$u&target_ring=production&approval_state=pending&"
	    "approval_id=a", NULL, NULL, 200 },
	{ "GET /release-channel-promotions/{request_id}",
	    "/release-channel-promotions/rcp_oa-$u", NULL, NULL, 200 },
	{ "GET /release-channel-promotions/{request_id}",
	    "/release-channel-promotions/none-$u", NULL, NULL, 404 },
	/* cavra-endpoints: exports (fcgi/endpoints_export.c; the files of
	 * tests/data/artifacts/oa-export) */
	{ "POST /evidence", "/evidence", "{\"session_id\":\"oa-export\","
	    "\"metadata_kind\":\"endpoint-management-export\",\"export_id\":"
	    "\"oa-export\",\"channel\":\"oa\",\"providers\":[\"jamf\"],"
	    "\"bundle_dir\":\"$root/oa-export\",\"files\":["
	    "\"endpoint-management-export-manifest.json\","
	    "\"endpoint-management-export-manifest.md\",\"jamf-policy.json\"],"
	    "\"manifest\":{\"schema_version\":"
	    "\"cavra.endpoint-management-export.v1\",\"channel\":\"oa\","
	    "\"providers\":[\"jamf\"],\"release\":{\"version\":"
	    "\"1.2.3\"}}}", NULL, 200 },
	{ "GET /endpoint-management-exports", "/endpoint-management-exports?"
	    "channel=oa&provider=jamf&approval_id=a&request_id=r", NULL, NULL,
	    200 },
	{ "GET /endpoint-management-exports/dashboard",
	    "/endpoint-management-exports/dashboard", NULL, NULL, 200 },
	{ "GET /endpoint-management-exports/{export_id}",
	    "/endpoint-management-exports/oa-export", NULL, NULL, 200 },
	{ "GET /endpoint-management-exports/{export_id}",
	    "/endpoint-management-exports/none-$u", NULL, NULL, 404 },
	{ "GET /endpoint-management-exports/{export_id}/artifacts",
	    "/endpoint-management-exports/oa-export/artifacts", NULL, NULL,
	    200 },
	{ "GET /endpoint-management-exports/{export_id}/artifacts/"
	    "{artifact_name}", "/endpoint-management-exports/oa-export/"
	    "artifacts/jamf-policy.json", NULL, NULL, 200 },
	{ "GET /endpoint-management-exports/{export_id}/artifacts/"
	    "{artifact_name}", "/endpoint-management-exports/oa-export/"
	    "artifacts/passwd", NULL, NULL, 400 },
	{ "GET /endpoint-management-exports/{export_id}/artifact-bundle",
	    "/endpoint-management-exports/oa-export/artifact-bundle", NULL,
	    NULL, 200 },
	{ "POST /endpoint-management-exports/{export_id}/publish",
	    "/endpoint-management-exports/oa-export/publish",
	    "{\"provider\":\"jamf\",\"retries\":0}", NULL, 200 },
	{ "POST /endpoint-management-exports/{export_id}/publish",
	    "/endpoint-management-exports/oa-export/publish",
	    "{\"provider\":\"intune\"}", NULL, 400 },
	{ "GET /endpoint-management-publications",
	    "/endpoint-management-publications?provider=jamf&export_id="
	    "oa-export&channel=oa&success=false", NULL, NULL, 200 },
	{ "GET /endpoint-management-publications/dashboard",
	    "/endpoint-management-publications/dashboard", NULL, NULL, 200 },
	/* cavra-endpoints: endpoint remediation SLA reports, notifications
	 * (E1) and escalations (E2) */
#define OA_SLA	"/endpoint-remediation-sla"
	{ "POST " OA_SLA "/report", OA_SLA "/report", "{\"generated_by\":"
	    "\"oa\"}", NULL, 200, "slar=report_id" },
	{ "POST " OA_SLA "/report", OA_SLA "/report", "{\"warning_hours\":50,"
	    "\"critical_hours\":48}", NULL, 400 },
	{ "GET " OA_SLA "-reports", OA_SLA "-reports?alert_level=healthy&"
	    "min_breached=0&limit=5&offset=0", NULL, NULL, 200 },
	{ "GET " OA_SLA "-reports/dashboard", OA_SLA "-reports/dashboard", NULL,
	    NULL, 200 },
	{ "POST " OA_SLA "-reports/{report_id}/deliver", OA_SLA "-reports/"
	    "$slar/deliver", "{\"provider\":\"webhook\",\"retries\":0}", NULL,
	    200, "slap=plan.plan_id" },
	{ "POST " OA_SLA "-reports/{report_id}/deliver", OA_SLA "-reports/"
	    "none-$u/deliver", "{}", NULL, 404 },
	{ "POST " OA_SLA "-reports/{report_id}/acknowledgements", OA_SLA
	    "-reports/$slar/acknowledgements", "{\"provider\":\"webhook\","
	    "\"acknowledged_by\":\"oa\",\"plan_id\":\"$slap\"}", NULL, 200 },
	{ "POST " OA_SLA "-reports/{report_id}/acknowledgements", OA_SLA
	    "-reports/none-$u/acknowledgements", "{\"provider\":\"webhook\","
	    "\"acknowledged_by\":\"oa\"}", NULL, 404 },
	{ "GET " OA_SLA "-notifications", OA_SLA "-notifications?report_id="
	    "$slar&provider=webhook&suppressed=false&limit=5", NULL, NULL, 200 },
	{ "GET " OA_SLA "-notifications/dashboard", OA_SLA
	    "-notifications/dashboard", NULL, NULL, 200 },
	{ "POST " OA_SLA "-notifications/escalation-plan", OA_SLA
	    "-notifications/escalation-plan", "{\"slo_policy\":{\"ladders\":"
	    "[{\"after_minutes\":0,\"providers\":[\"webhook\"]}]}}", NULL, 200,
	    "slae=plan.plan_id" },
	{ "POST " OA_SLA "-escalations/{plan_id}/deliver", OA_SLA
	    "-escalations/$slae/deliver", "{\"retries\":0}", NULL, 200 },
	{ "POST " OA_SLA "-escalations/{plan_id}/deliver", OA_SLA
	    "-escalations/none-$u/deliver", "{}", NULL, 404 },
	{ "POST " OA_SLA "-escalations/{plan_id}/reviews", OA_SLA
	    "-escalations/$slae/reviews", "{\"report_id\":\"$slar\","
	    "\"provider\":\"webhook\",\"owner\":\"oa\",\"reviewed_by\":"
	    "\"oa\"}", NULL, 200 },
	{ "POST " OA_SLA "-escalations/{plan_id}/reviews", OA_SLA
	    "-escalations/$slae/reviews", "{\"report_id\":\"$slar\"}", NULL,
	    400 },
	{ "GET " OA_SLA "-escalations", OA_SLA "-escalations?active_only=true&"
	    "owner=release-governance&provider=webhook&alert_level=critical",
	    NULL, NULL, 200 },
	{ "GET " OA_SLA "-escalations/dashboard", OA_SLA "-escalations/"
	    "dashboard", NULL, NULL, 200 },
	{ "GET " OA_SLA "-escalation-actions", OA_SLA "-escalation-actions?"
	    "plan_id=$slae&owner=oa&provider=webhook&review_state=accepted&"
	    "metadata_kind=endpoint-remediation-sla-escalation-review", NULL,
	    NULL, 200 },
	{ "GET " OA_SLA "-escalation-actions/dashboard", OA_SLA
	    "-escalation-actions/dashboard", NULL, NULL, 200 },
	/* cavra-endpoints: SLA escalation recurrences (E3), owner digests
	 * (E4), the recurrence automation and its health alerts (E5) */
#define OA_ESE	"/endpoint-remediation-sla-escalation"
	{ "POST " OA_ESE "s/recurrence-plan", OA_ESE "s/recurrence-plan",
	    "{\"recurrence_policy\":{\"recurrence_interval_minutes\":30}}",
	    NULL, 200, "rcp=plan.recurrence_plan_id" },
	{ "POST " OA_ESE "s/recurrence-plan", OA_ESE "s/recurrence-plan",
	    "{\"recurrence_policy\":{\"max_recurrences\":0}}", NULL, 400 },
	{ "GET " OA_ESE "-recurrences", OA_ESE "-recurrences?plan_id=$slae&"
	    "owner=oa&provider=webhook&action=wait&limit=5&offset=0", NULL,
	    NULL, 200 },
	{ "GET " OA_ESE "-recurrences", OA_ESE "-recurrences?action=bogus",
	    NULL, NULL, 400 },
	{ "GET " OA_ESE "-recurrences/dashboard", OA_ESE
	    "-recurrences/dashboard", NULL, NULL, 200 },
	{ "POST " OA_ESE "-recurrences/{recurrence_plan_id}/deliver", OA_ESE
	    "-recurrences/$rcp/deliver", "{\"retries\":0}", NULL, 200 },
	{ "POST " OA_ESE "-recurrences/{recurrence_plan_id}/deliver", OA_ESE
	    "-recurrences/none-$u/deliver", "{}", NULL, 404 },
	{ "GET " OA_ESE "-recurrences/{recurrence_plan_id}/suppression-audit",
	    OA_ESE "-recurrences/$rcp/suppression-audit?persist=true", NULL,
	    NULL, 200 },
	{ "GET " OA_ESE "-recurrences/{recurrence_plan_id}/suppression-audit",
	    OA_ESE "-recurrences/none-$u/suppression-audit", NULL, NULL, 404 },
	{ "POST " OA_ESE "-recurrences/retry-plan", OA_ESE
	    "-recurrences/retry-plan", "{\"retry_policy\":"
	    "{\"max_retry_attempts\":2}}", NULL, 200, "rct=plan."
	    "retry_plan_id" },
	{ "POST " OA_ESE "-recurrences/retry-plan", OA_ESE
	    "-recurrences/retry-plan", "{\"retry_policy\":[]}", NULL, 400 },
	{ "POST " OA_ESE "-recurrences/{recurrence_plan_id}/owner-digest",
	    OA_ESE "-recurrences/$rcp/owner-digest", "{\"retry_plan_id\":"
	    "\"$rct\",\"retries\":0}", NULL, 200 },
	{ "POST " OA_ESE "-recurrences/{recurrence_plan_id}/owner-digest",
	    OA_ESE "-recurrences/none-$u/owner-digest", "{}", NULL, 404 },
	{ "GET " OA_ESE "-recurrences/suppression-trends", OA_ESE
	    "-recurrences/suppression-trends", NULL, NULL, 200 },
	{ "GET " OA_ESE "-recurrences/suppression-trends", OA_ESE
	    "-recurrences/suppression-trends?persist=maybe", NULL, NULL, 422 },
	{ "POST " OA_ESE "-recurrences/automation-run", OA_ESE
	    "-recurrences/automation-run", "{\"generated_by\":\"oa\"}", NULL,
	    200 },
	{ "POST " OA_ESE "-recurrences/automation-run", OA_ESE
	    "-recurrences/automation-run", "{\"schedule\":"
	    "{\"interval_minutes\":0}}", NULL, 400 },
	{ "GET " OA_ESE "-recurrence-automations", OA_ESE
	    "-recurrence-automations?dry_run=true&limit=5", NULL, NULL, 200 },
	{ "GET " OA_ESE "-recurrence-automations", OA_ESE
	    "-recurrence-automations?dry_run=maybe", NULL, NULL, 422 },
	{ "GET " OA_ESE "-recurrence-automations/dashboard", OA_ESE
	    "-recurrence-automations/dashboard", NULL, NULL, 200 },
	{ "GET " OA_ESE "-recurrence-automations/health", OA_ESE
	    "-recurrence-automations/health?expected_interval_minutes=30&"
	    "stale_metadata_minutes=120", NULL, NULL, 200 },
	{ "GET " OA_ESE "-recurrence-automations/health", OA_ESE
	    "-recurrence-automations/health?expected_interval_minutes=x",
	    NULL, NULL, 422 },
	{ "POST " OA_ESE "-recurrence-automation-health-alerts/deliver",
	    OA_ESE "-recurrence-automation-health-alerts/deliver",
	    "{\"retries\":0}", NULL, 200, "rch=event_id" },
	{ "POST " OA_ESE "-recurrence-automation-health-alerts/deliver",
	    OA_ESE "-recurrence-automation-health-alerts/deliver",
	    "{\"max_alerts\":\"x\"}", NULL, 400 },
	{ "POST " OA_ESE "-recurrence-automation-health-alerts/{health_id}/"
	    "acknowledgements", OA_ESE "-recurrence-automation-health-alerts/"
	    "$rch/acknowledgements", "{\"provider\":\"webhook\","
	    "\"acknowledged_by\":\"oa\"}", NULL, 200 },
	{ "POST " OA_ESE "-recurrence-automation-health-alerts/{health_id}/"
	    "acknowledgements", OA_ESE "-recurrence-automation-health-alerts/"
	    "$rch/acknowledgements", "{\"provider\":\"webhook\"}", NULL,
	    400 },
	{ "GET " OA_ESE "-recurrence-automation-health-alerts", OA_ESE
	    "-recurrence-automation-health-alerts?health_id=$rch&provider="
	    "webhook&metadata_kind=x&acknowledgement_state=acknowledged&"
	    "suppressed=false&limit=5", NULL, NULL, 200 },
	{ "GET " OA_ESE "-recurrence-automation-health-alerts", OA_ESE
	    "-recurrence-automation-health-alerts?suppressed=maybe", NULL,
	    NULL, 422 },
	{ "GET " OA_ESE "-recurrence-automation-health-alerts/dashboard",
	    OA_ESE "-recurrence-automation-health-alerts/dashboard", NULL,
	    NULL, 200 },
	/* cavra-inventory */
	{ "POST /repositories", "/repositories", "{\"repository\":"
	    "\"r$u/api\",\"risk_tier\":\"high\"}", NULL, 200 },
	{ "POST /repositories", "/repositories", "{\"repository\":"
	    "\"r$u/x\",\"status\":\"gone\"}", NULL, 400 },
	{ "GET /repositories", "/repositories", NULL, NULL, 200 },
	{ "GET /repositories", "/repositories?provider=github&owner="
	    "unassigned&policy_pack=p&status=active&risk_tier=high", NULL,
	    NULL, 200 },
	{ "GET /repositories", "/repositories?status=gone", NULL, NULL,
	    422 },
	{ "GET /repositories/{repository_id...}", "/repositories/r$u/api",
	    NULL, NULL, 200 },
	{ "GET /repositories/{repository_id...}",
	    "/repositories/r$u%2Fapi", NULL, NULL, 200 },
	{ "GET /repositories/{repository_id...}", "/repositories/none$u",
	    NULL, NULL, 404 },
	{ "POST /policy-rollouts", "/policy-rollouts", "{\"repository\":"
	    "\"r$u/api\",\"policy_pack\":\"cavra-ai-agent-baseline\","
	    "\"coverage_percent\":90}", NULL, 200 },
	{ "POST /policy-rollouts", "/policy-rollouts", "{\"repository\":"
	    "\"r$u/api\"}", NULL, 400 },
	{ "GET /policy-rollouts", "/policy-rollouts", NULL, NULL, 200 },
	{ "GET /policy-rollouts", "/policy-rollouts?repository=r$u/api&"
	    "policy_pack=p&state=planned&mode=enforce&owner=o", NULL, NULL,
	    200 },
	{ "GET /policy-rollouts", "/policy-rollouts?mode=loud", NULL, NULL,
	    422 },
	{ "GET /policy-rollouts/{rollout_id...}",
	    "/policy-rollouts/r$u/api:cavra-ai-agent-baseline", NULL, NULL,
	    200 },
	{ "GET /policy-rollouts/{rollout_id...}", "/policy-rollouts/none$u",
	    NULL, NULL, 404 },
	{ "POST /policy-rollouts/change-plan", "/policy-rollouts/change-plan",
	    "{\"rollout_id\":\"r$u/api:cavra-ai-agent-baseline\","
	    "\"changes\":{\"mode\":\"strict\"}}", NULL, 200 },
	{ "POST /policy-rollouts/change-plan", "/policy-rollouts/change-plan",
	    "{\"repository\":\"n$u\",\"policy_pack\":\"p\"}", NULL,
	    200 },
	{ "POST /policy-rollouts/change-plan", "/policy-rollouts/change-plan",
	    "{\"changes\":[]}", NULL, 400 },
	{ "POST /policy-rollouts/apply-change", "/policy-rollouts/apply-change",
	    "{\"repository\":\"t$u\",\"policy_pack\":\"p\","
	    "\"state\":\"active\"}", NULL, 200 },
	{ "POST /policy-rollouts/apply-change", "/policy-rollouts/apply-change",
	    "{\"repository\":\"t$u\"}", NULL, 400 },
	{ "GET /policy-rollouts/{rollout_id}/detail",
	    "/policy-rollouts/t$u:p/detail", NULL, NULL, 200 },
	{ "GET /policy-rollouts/{rollout_id}/detail",
	    "/policy-rollouts/none$u/detail", NULL, NULL, 404 },
	{ "GET /policy-rollout-details/{rollout_id...}",
	    "/policy-rollout-details/r$u/api:cavra-ai-agent-baseline", NULL,
	    NULL, 200 },
	{ "GET /policy-rollout-details/{rollout_id...}",
	    "/policy-rollout-details/none$u", NULL, NULL, 404 },

	/* cavra-sandbox */
	{ "GET /api/sandbox/scenarios", "/api/sandbox/scenarios", NULL, NULL,
	    200 },
	{ "POST /api/sandbox/run", "/api/sandbox/run", "{\"persona\":"
	    "\"Auditor\",\"policy_mode\":\"strict\"}", NULL, 200,
	    "run=run_id" },
	{ "POST /api/sandbox/run", "/api/sandbox/run", "{\"scenario\":"
	    "\"x$u\"}", NULL, 400 },
	{ "POST /api/sandbox/run", "/api/sandbox/run", "[]", NULL, 422 },
	{ "GET /api/sandbox/runs/{run_id}", "/api/sandbox/runs/$run", NULL,
	    NULL, 200 },
	{ "GET /api/sandbox/runs/{run_id}", "/api/sandbox/runs/none$u", NULL,
	    NULL, 404 },
	{ "GET /api/sandbox/runs/{run_id}/events",
	    "/api/sandbox/runs/$run/events", NULL, NULL, 200 },
	{ "GET /api/sandbox/runs/{run_id}/evidence",
	    "/api/sandbox/runs/$run/evidence", NULL, NULL, 200 },
	{ "GET /api/sandbox/runs/{run_id}/attestation",
	    "/api/sandbox/runs/$run/attestation", NULL, NULL, 200 },
	{ "GET /api/sandbox/runs/{run_id}/compliance",
	    "/api/sandbox/runs/$run/compliance", NULL, NULL, 200 },
	{ "GET /api/sandbox/metrics", "/api/sandbox/metrics", NULL, NULL,
	    200 },
	{ "POST /api/sandbox/runs/{run_id}/replay",
	    "/api/sandbox/runs/$run/replay", NULL, NULL, 200 },
	{ "POST /api/sandbox/runs/{run_id}/replay",
	    "/api/sandbox/runs/none$u/replay", NULL, NULL, 404 },

	/* cavra-integrations (tests/data/test_openapi_responses.env: one
	 * webhook connector on a dead port) */
	{ "POST /integrations", "/integrations", "{\"provider\":"
	    "\"splunk-$u\",\"environment\":\"prod\",\"category\":"
	    "\"siem\",\"capabilities\":[\"export\"]}", NULL, 200,
	    "int=integration_id" },
	{ "POST /integrations", "/integrations", "{\"integration_id\":"
	    "\"i-$u\",\"provider\":\"jira\",\"tenant_id\":\"t1\"}", NULL,
	    200 },
	{ "POST /integrations", "/integrations", "{\"provider\":\"x\","
	    "\"category\":\"bogus\"}", NULL, 400 },
	{ "POST /integrations", "/integrations", "{}", NULL, 400 },
	{ "POST /integrations", "/integrations", "[]", NULL, 422 },
	{ "GET /integrations", "/integrations", NULL, NULL, 200 },
	{ "GET /integrations", "/integrations?provider=jira&category=security&"
	    "status=planned&owner=platform-security&environment=global&"
	    "health_status=not_checked", NULL, NULL, 200 },
	{ "GET /integrations", "/integrations?status=bogus", NULL, NULL,
	    422 },
	{ "GET /integrations/{integration_id}", "/integrations/$int", NULL,
	    NULL, 200 },
	{ "GET /integrations/{integration_id}", "/integrations/splunk-$u",
	    NULL, NULL, 200 },
	{ "GET /integrations/{integration_id}", "/integrations/none-$u", NULL,
	    NULL, 404 },
	{ "POST /integrations/{integration_id}/deliver",
	    "/integrations/$int/deliver", "{\"provider\":\"webhook\","
	    "\"retries\":0,\"timeout_seconds\":0.5,\"event\":"
	    "{\"session_id\":\"s-$u\"}}", NULL, 200 },
	{ "POST /integrations/{integration_id}/deliver",
	    "/integrations/$int/deliver", "{}", NULL, 400 },
	{ "POST /integrations/{integration_id}/deliver",
	    "/integrations/none-$u/deliver", "{}", NULL, 404 },
	{ "POST /integrations/{integration_id}/deliver",
	    "/integrations/$int/deliver", "[]", NULL, 422 },
	/* cavra-endpoints: inventory, reconciliation, remediation (no
	 * manifest key configured here: manifests go unsigned) */
#define OA_EPM	"{\"schema_version\":\"cavra.go-runtime.endpoint-"	\
	"deployment.v1\",\"version\":\"1.0.1\",\"deployment_targets\":"	\
	"[{\"id\":\"t-$u\",\"binary_sha256\":\"aa\"}]}"
	{ "POST /endpoint-inventory/ingest", "/endpoint-inventory/ingest",
	    "{\"provider\":\"linux\",\"channel\":\"c-$u\",\"inventory\":"
	    "{\"hosts\":[{\"hostname\":\"h-$u\",\"target\":\"t-$u\","
	    "\"version\":\"1.0.0\",\"checksum\":\"aa\"}]}}", NULL, 200,
	    "eii=inventory_id" },
	{ "POST /endpoint-inventory/ingest", "/endpoint-inventory/ingest",
	    "{}", NULL, 400 },
	{ "GET /endpoint-inventory-ingestions",
	    "/endpoint-inventory-ingestions?provider=linux&channel=c-$u&"
	    "deployment_target=t-$u&limit=5&offset=0", NULL, NULL, 200 },
	{ "GET /endpoint-inventory-ingestions/dashboard",
	    "/endpoint-inventory-ingestions/dashboard", NULL, NULL, 200 },
	{ "POST /endpoint-inventory/freshness-report",
	    "/endpoint-inventory/freshness-report", "{\"channel\":\"c-$u\"}",
	    NULL, 200 },
	{ "POST /endpoint-inventory/freshness-report",
	    "/endpoint-inventory/freshness-report", "{\"max_age_hours\":\"x\"}",
	    NULL, 400 },
	{ "GET /endpoint-inventory-freshness",
	    "/endpoint-inventory-freshness?alert_level=healthy&provider=linux&"
	    "channel=c-$u&deployment_target=t-$u", NULL, NULL, 200 },
	{ "GET /endpoint-inventory-freshness/dashboard",
	    "/endpoint-inventory-freshness/dashboard", NULL, NULL, 200 },
	{ "POST /endpoint-deployment/reconcile",
	    "/endpoint-deployment/reconcile", "{\"desired_manifest\":" OA_EPM
	    ",\"observed_inventory\":{\"schema_version\":\"cavra.endpoint-"
	    "observations.v1\",\"endpoints\":[{\"endpoint_id\":\"h-$u\","
	    "\"deployment_target\":\"t-$u\",\"installed_version\":\"1.0.0\","
	    "\"binary_sha256\":\"aa\"}]}}", NULL, 200,
	    "mer=reconciliation_id" },
	{ "POST /endpoint-deployment/reconcile",
	    "/endpoint-deployment/reconcile", "{}", NULL, 400 },
	{ "GET /endpoint-reconciliations", "/endpoint-reconciliations?"
	    "drift_status=drift_detected&alert_level=critical&"
	    "deployment_target=t-$u", NULL, NULL, 200 },
	{ "GET /endpoint-reconciliations/dashboard",
	    "/endpoint-reconciliations/dashboard", NULL, NULL, 200 },
	{ "POST /endpoint-inventory-ingestions/{inventory_id}/reconcile",
	    "/endpoint-inventory-ingestions/$eii/reconcile",
	    "{\"desired_manifest\":" OA_EPM "}", NULL, 200 },
	{ "POST /endpoint-inventory-ingestions/{inventory_id}/reconcile",
	    "/endpoint-inventory-ingestions/$eii/reconcile", "{}", NULL, 400 },
	{ "POST /endpoint-inventory-ingestions/{inventory_id}/reconcile",
	    "/endpoint-inventory-ingestions/none-$u/reconcile",
	    "{\"desired_manifest\":" OA_EPM "}", NULL, 404 },
	{ "GET /endpoint-reconciliation-automations",
	    "/endpoint-reconciliation-automations?drift_status=drift_detected&"
	    "alert_level=critical&approval_state=pending&provider=linux", NULL,
	    NULL, 200 },
	{ "GET /endpoint-reconciliation-automations/dashboard",
	    "/endpoint-reconciliation-automations/dashboard", NULL, NULL, 200 },
	{ "POST /endpoint-reconciliations/{reconciliation_id}/"
	    "remediation-request", "/endpoint-reconciliations/$mer/"
	    "remediation-request", "{\"strategy\":\"republish\"}", NULL, 200,
	    "err=request.request_id" },
	/* the same request again (same id): it now names a new approval */
	{ "POST /endpoint-reconciliations/{reconciliation_id}/"
	    "remediation-request", "/endpoint-reconciliations/$mer/"
	    "remediation-request", "{\"strategy\":\"republish\"}", NULL,
	    200, "erapr=approval.approval_id" },
	{ "POST /endpoint-reconciliations/{reconciliation_id}/"
	    "remediation-request", "/endpoint-reconciliations/none-$u/"
	    "remediation-request", "{}", NULL, 404 },
	{ "POST /endpoint-remediations/{request_id}/execute",
	    "/endpoint-remediations/$err/execute", "{}", NULL, 400 },
	{ "POST /approvals/{approval_id}/approve", "/approvals/$erapr/approve",
	    "{\"actor\":\"oa\",\"reason\":\"drift confirmed\"}", NULL, 200 },
	{ "POST /endpoint-remediations/{request_id}/execute",
	    "/endpoint-remediations/$err/execute", "{}", NULL, 200 },
	{ "POST /endpoint-remediations/{request_id}/execute",
	    "/endpoint-remediations/none-$u/execute", "{}", NULL, 404 },
	{ "POST /endpoint-remediations/{request_id}/handoff",
	    "/endpoint-remediations/$err/handoff", "{\"provider\":\"all\"}",
	    NULL, 200, "erh=handoff_id" },
	{ "POST /endpoint-remediations/{request_id}/handoff",
	    "/endpoint-remediations/$err/handoff", "{\"provider\":\"x\"}",
	    NULL, 400 },
	{ "GET /endpoint-remediations", "/endpoint-remediations?"
	    "metadata_kind=endpoint-drift-remediation-request&"
	    "reconciliation_id=$mer&approval_state=pending&"
	    "execution_status=recorded", NULL, NULL, 200 },
	{ "GET /endpoint-remediations/dashboard",
	    "/endpoint-remediations/dashboard", NULL, NULL, 200 },
	{ "GET /endpoint-remediation-handoffs",
	    "/endpoint-remediation-handoffs?provider=jira&approval_state="
	    "pending&request_id=$err&reconciliation_id=$mer", NULL, NULL, 200 },
	{ "GET /endpoint-remediation-handoffs/dashboard",
	    "/endpoint-remediation-handoffs/dashboard", NULL, NULL, 200 },
	{ "POST /endpoint-remediation-handoffs/{handoff_id}/status",
	    "/endpoint-remediation-handoffs/$erh/status", "{\"provider\":"
	    "\"jira\",\"status\":\"completed\",\"external_ref\":\"J-1\"}",
	    NULL, 200 },
	{ "POST /endpoint-remediation-handoffs/{handoff_id}/status",
	    "/endpoint-remediation-handoffs/$erh/status", "{}", NULL, 400 },
	{ "POST /endpoint-remediation-handoffs/{handoff_id}/status",
	    "/endpoint-remediation-handoffs/none-$u/status", "{\"provider\":"
	    "\"jira\",\"status\":\"queued\"}", NULL, 404 },
	{ "GET /endpoint-remediation-handoff-statuses",
	    "/endpoint-remediation-handoff-statuses?provider=jira&"
	    "handoff_status=completed&handoff_id=$erh&request_id=$err&"
	    "external_ref=J-1", NULL, NULL, 200 },
	{ "GET /endpoint-remediation-handoff-statuses/dashboard",
	    "/endpoint-remediation-handoff-statuses/dashboard", NULL, NULL,
	    200 },
	/* cavra-runtime */
#define OA_AD	"/runtime/go-pilot/rollback-drill-notifications/"	\
	"acknowledgements/audit-delivery"
	{ "POST /runtime/go-pilot/rollback-drill-notifications/"
	    "acknowledgements/audit-package", "/runtime/go-pilot/"
	    "rollback-drill-notifications/acknowledgements/audit-package",
	    "{\"schedule_id\":\"s-$u\"}", NULL, 200 },
	{ "POST /runtime/go-pilot/rollback-drill-notifications/"
	    "acknowledgements/audit-package", "/runtime/go-pilot/"
	    "rollback-drill-notifications/acknowledgements/audit-package",
	    "{\"owner\":1}", NULL, 400 },
	{ "POST " OA_AD, OA_AD, "{\"retries\":0}", NULL, 200 },
	{ "POST " OA_AD, OA_AD, "{\"cadence\":[]}", NULL, 400 },
	{ "POST " OA_AD "/worker-run", OA_AD "/worker-run", "{}", NULL, 200 },
	{ "POST " OA_AD "/worker-run", OA_AD "/worker-run",
	    "{\"execute\":true,\"max_retry_deliveries\":100}", NULL, 200 },
	{ "POST " OA_AD "/worker-run", OA_AD "/worker-run",
	    "{\"execute\":\"yes\"}", NULL, 400 },
	{ "POST " OA_AD "/retry-plan", OA_AD "/retry-plan", "{}", NULL, 200,
	    "rtp=retry_plan.retry_plan_id" },
	{ "POST " OA_AD "/retry-plan", OA_AD "/retry-plan",
	    "{\"retry_policy\":{\"max_retries\":\"x\"}}", NULL, 400 },
	{ "POST " OA_AD "/retry-plan", OA_AD "/retry-plan", "[]", NULL, 422 },
	{ "POST " OA_AD "/retry-plans/{retry_plan_id}/acknowledgements",
	    OA_AD "/retry-plans/$rtp/acknowledgements", "{\"provider\":"
	    "\"webhook\",\"acknowledged_by\":\"oa\"}", NULL, 200 },
	{ "POST " OA_AD "/retry-plans/{retry_plan_id}/acknowledgements",
	    OA_AD "/retry-plans/none-$u/acknowledgements", "{\"provider\":"
	    "\"webhook\",\"acknowledged_by\":\"oa\"}", NULL, 404 },
	{ "POST " OA_AD "/retry-plans/{retry_plan_id}/acknowledgements",
	    OA_AD "/retry-plans/$rtp/acknowledgements", "{}", NULL, 400 },
	{ "POST " OA_AD "/retry-execution-approval-plan",
	    OA_AD "/retry-execution-approval-plan", "{\"approval_policy\":"
	    "{\"require_retry_ack\":false}}", NULL, 200,
	    "apl=approval_plan.approval_plan_id" },
	{ "POST " OA_AD "/retry-execution-approval-plan",
	    OA_AD "/retry-execution-approval-plan", "{\"approval_policy\":"
	    "{\"require_retry_ack\":1}}", NULL, 400 },
	{ "POST " OA_AD "/retry-execution-approval-plans/{approval_plan_id}/"
	    "decisions", OA_AD "/retry-execution-approval-plans/$apl/"
	    "decisions", "{\"provider\":\"webhook\",\"decided_by\":"
	    "\"oa\"}", NULL, 200 },
	{ "POST " OA_AD "/retry-execution-approval-plans/{approval_plan_id}/"
	    "decisions", OA_AD "/retry-execution-approval-plans/none-$u/"
	    "decisions", "{\"provider\":\"webhook\",\"decided_by\":"
	    "\"oa\"}", NULL, 404 },
	{ "POST " OA_AD "/retry-execution-approval-plans/{approval_plan_id}/"
	    "decisions", OA_AD "/retry-execution-approval-plans/$apl/"
	    "decisions", "{\"provider\":\"webhook\",\"decided_by\":"
	    "\"oa\",\"approval_state\":\"x\"}", NULL, 400 },
	{ "GET " OA_AD "/worker-runs", OA_AD "/worker-runs?dry_run=true&"
	    "limit=5&offset=0", NULL, NULL, 200 },
	{ "GET " OA_AD "/worker-runs", OA_AD "/worker-runs?dry_run=x", NULL,
	    NULL, 422 },
	{ "GET " OA_AD "/worker-dashboard", OA_AD "/worker-dashboard", NULL,
	    NULL, 200 },
	{ "GET " OA_AD "/worker-health", OA_AD "/worker-health?"
	    "expected_interval_minutes=30&stale_metadata_minutes=120", NULL,
	    NULL, 200 },
	{ "GET " OA_AD "/worker-health", OA_AD "/worker-health?"
	    "expected_interval_minutes=0", NULL, NULL, 400 },
	/* cavra-runtime: the drill schedule and notifications (C0) and the
	 * umbrella views (tests/data/go-drill-schedule.json) */
#define OA_RDN	"/runtime/go-pilot/rollback-drill-notifications"
	{ "GET /runtime/go-pilot/rollback-drill-schedule",
	    "/runtime/go-pilot/rollback-drill-schedule", NULL, NULL, 200 },
	{ "POST " OA_RDN "/deliver", OA_RDN "/deliver", "{\"force\":true,"
	    "\"retries\":0}", NULL, 200 },
	{ "POST " OA_RDN "/deliver", OA_RDN "/deliver",
	    "{\"routing_policy\":[]}", NULL, 400 },
	{ "POST " OA_RDN "/{schedule_id}/acknowledgements",
	    OA_RDN "/go-drill-openapi/acknowledgements", "{\"provider\":"
	    "\"webhook\",\"acknowledged_by\":\"oa\"}", NULL, 200 },
	{ "POST " OA_RDN "/{schedule_id}/acknowledgements",
	    OA_RDN "/none-$u/acknowledgements", "{\"provider\":"
	    "\"webhook\",\"acknowledged_by\":\"oa\"}", NULL, 404 },
	{ "POST " OA_RDN "/{schedule_id}/acknowledgements",
	    OA_RDN "/go-drill-openapi/acknowledgements", "{}", NULL, 400 },
	{ "POST " OA_RDN "/acknowledgements/bulk",
	    OA_RDN "/acknowledgements/bulk", "{\"acknowledged_by\":\"oa\","
	    "\"routes\":[{\"schedule_id\":\"go-drill-openapi\","
	    "\"provider\":\"webhook\"}]}", NULL, 200 },
	{ "POST " OA_RDN "/acknowledgements/bulk",
	    OA_RDN "/acknowledgements/bulk", "{\"routes\":[]}", NULL, 400 },
	{ "GET " OA_RDN, OA_RDN "?schedule_id=go-drill-openapi&provider="
	    "webhook&delivery_success=false&limit=5&offset=0", NULL, NULL,
	    200 },
	{ "GET " OA_RDN, OA_RDN "?delivery_success=x", NULL, NULL, 422 },
	{ "GET " OA_RDN "/dashboard", OA_RDN "/dashboard", NULL, NULL, 200 },
	{ "GET " OA_RDN "/routes", OA_RDN "/routes?owner=release&action="
	    "suppress&limit=5", NULL, NULL, 200 },
	{ "GET " OA_RDN "/suppression-trends", OA_RDN "/suppression-trends?"
	    "persist=false&owner=release", NULL, NULL, 200 },
	{ "POST " OA_RDN "/escalation-plan", OA_RDN "/escalation-plan", "{}",
	    NULL, 200 },
	{ "POST " OA_RDN "/escalation-plan", OA_RDN "/escalation-plan",
	    "{\"policy\":1}", NULL, 400 },
	/* cavra-runtime: connector recovery, recovery escalations (C3) and
	 * their retry health alerts (C4) */
#define OA_RE	OA_AD "/recovery-escalations"
	{ "POST " OA_AD "/connector-recovery-playbook",
	    OA_AD "/connector-recovery-playbook", "{\"min_failure_count\":1}",
	    NULL, 200, "pbk=playbook.playbook_id" },
	{ "POST " OA_AD "/connector-recovery-playbook",
	    OA_AD "/connector-recovery-playbook", "{\"lookback_hours\":0}",
	    NULL, 400 },
	{ "POST " OA_AD "/connector-recovery-playbooks/{playbook_id}/closures",
	    OA_AD "/connector-recovery-playbooks/$pbk/closures",
	    "{\"provider\":\"webhook\",\"closed_by\":\"oa\","
	    "\"verification_refs\":[\"x\"]}", NULL, 200 },
	{ "POST " OA_AD "/connector-recovery-playbooks/{playbook_id}/closures",
	    OA_AD "/connector-recovery-playbooks/none-$u/closures",
	    "{\"provider\":\"webhook\",\"closed_by\":\"oa\"}", NULL, 404 },
	{ "POST " OA_AD "/connector-recovery-playbooks/{playbook_id}/closures",
	    OA_AD "/connector-recovery-playbooks/$pbk/closures",
	    "{\"provider\":\"webhook\",\"closed_by\":\"oa\","
	    "\"closure_state\":\"x\"}", NULL, 400 },
	{ "GET " OA_AD "/retry-recovery-report", OA_AD "/retry-recovery-report"
	    "?recovery_slo_minutes=60&generated_by=oa&persist=true", NULL,
	    NULL, 200 },
	{ "GET " OA_AD "/retry-recovery-report", OA_AD "/retry-recovery-report"
	    "?recovery_slo_minutes=0", NULL, NULL, 400 },
	{ "POST " OA_AD "/recovery-escalation-plan",
	    OA_AD "/recovery-escalation-plan", "{}", NULL, 200,
	    "rep=plan.plan_id" },
	{ "POST " OA_RE "/{plan_id}/deliver", OA_RE "/$rep/deliver",
	    "{\"retries\":0,\"provider\":\"webhook\"}", NULL, 200 },
	{ "POST " OA_RE "/{plan_id}/deliver", OA_RE "/latest/deliver",
	    "{\"retries\":0,\"max_routes\":1}", NULL, 200 },
	{ "POST " OA_RE "/{plan_id}/deliver", OA_RE "/none-$u/deliver", "{}",
	    NULL, 404 },
	{ "POST " OA_RE "/{plan_id}/acknowledgements",
	    OA_RE "/$rep/acknowledgements", "{\"provider\":\"webhook\","
	    "\"acknowledged_by\":\"oa\",\"acknowledgement_state\":"
	    "\"accepted\"}", NULL, 200 },
	{ "POST " OA_RE "/{plan_id}/acknowledgements",
	    OA_RE "/none-$u/acknowledgements", "{\"provider\":\"webhook\","
	    "\"acknowledged_by\":\"oa\"}", NULL, 404 },
	{ "POST " OA_RE "/{plan_id}/acknowledgements",
	    OA_RE "/$rep/acknowledgements", "{\"provider\":\"webhook\","
	    "\"acknowledged_by\":\"oa\",\"acknowledgement_state\":\"x\"}",
	    NULL, 400 },
	{ "POST " OA_RE "/retry-plan", OA_RE "/retry-plan", "{}", NULL, 200 },
	{ "POST " OA_RE "/retry-worker-run", OA_RE "/retry-worker-run",
	    "{\"execute\":true,\"retries\":0}", NULL, 200 },
	{ "GET " OA_RE "/retry-health", OA_RE "/retry-health?"
	    "expected_interval_minutes=30&stale_metadata_minutes=120", NULL,
	    NULL, 200 },
	{ "POST " OA_RE "/retry-health-alerts/deliver",
	    OA_RE "/retry-health-alerts/deliver", "{\"retries\":0,"
	    "\"force\":true}", NULL, 200, "rhh=health.health_id" },
	{ "POST " OA_RE "/retry-health-alerts/{health_id}/acknowledgements",
	    OA_RE "/retry-health-alerts/$rhh/acknowledgements",
	    "{\"provider\":\"webhook\",\"acknowledged_by\":\"oa\"}", NULL,
	    200 },
	{ "POST " OA_RE "/retry-health-alerts/{health_id}/acknowledgements",
	    OA_RE "/retry-health-alerts/none-$u/acknowledgements",
	    "{\"provider\":\"webhook\",\"acknowledged_by\":\"oa\"}", NULL,
	    404 },
	{ "GET " OA_RE "/retry-health-alerts", OA_RE "/retry-health-alerts?"
	    "provider=webhook&suppressed=false&limit=5&offset=0", NULL, NULL,
	    200 },
	{ "GET " OA_RE "/retry-health-alert-dashboard",
	    OA_RE "/retry-health-alert-dashboard", NULL, NULL, 200 },
	{ "POST " OA_RE "/retry-health-alerts/retry-plan",
	    OA_RE "/retry-health-alerts/retry-plan", "{}", NULL, 200 },
	{ "POST " OA_RE "/retry-health-alerts/retry-worker-run",
	    OA_RE "/retry-health-alerts/retry-worker-run",
	    "{\"execute\":true,\"retries\":0}", NULL, 200 },
#undef OA_RE
	/* cavra-runtime: the recovery executive report (C5), its retry
	 * health alerts (C6) and the audit worker health alerts (C2) */
#define OA_ER	OA_AD "/recovery-executive-report"
#define OA_EA	OA_ER "/delivery-retry-health-alerts"
	{ "GET " OA_ER, OA_ER "?recovery_slo_minutes=60&generated_by=oa",
	    NULL, NULL, 200 },
	{ "GET " OA_ER, OA_ER "?recovery_slo_minutes=0", NULL, NULL, 400 },
	{ "POST " OA_ER "/schedule-run", OA_ER "/schedule-run",
	    "{\"schedule\":{\"interval_minutes\":60}}", NULL, 200,
	    "ers=run.run_id" },
	{ "POST " OA_ER "/schedule-run", OA_ER "/schedule-run",
	    "{\"schedule\":{\"enabled\":1}}", NULL, 400 },
	{ "POST " OA_ER "/schedule-runs/{run_id}/deliver",
	    OA_ER "/schedule-runs/$ers/deliver", "{\"retries\":0}", NULL,
	    200 },
	{ "POST " OA_ER "/schedule-runs/{run_id}/deliver",
	    OA_ER "/schedule-runs/none-$u/deliver", "{}", NULL, 404 },
	{ "POST " OA_ER "/delivery-retry-plan", OA_ER "/delivery-retry-plan",
	    "{}", NULL, 200 },
	{ "POST " OA_ER "/delivery-retry-worker-run",
	    OA_ER "/delivery-retry-worker-run", "{\"execute\":true,"
	    "\"retries\":0}", NULL, 200 },
	{ "GET " OA_ER "/delivery-retry-health", OA_ER "/delivery-retry-health?"
	    "expected_interval_minutes=60&persist=false", NULL, NULL, 200 },
	{ "POST " OA_EA "/deliver", OA_EA "/deliver", "{\"retries\":0}", NULL,
	    200, "xrh=event_id" },
	{ "POST " OA_EA "/{health_id}/acknowledgements",
	    OA_EA "/$xrh/acknowledgements", "{\"provider\":\"webhook\","
	    "\"acknowledged_by\":\"oa\"}", NULL, 200 },
	{ "POST " OA_EA "/{health_id}/acknowledgements",
	    OA_EA "/none-$u/acknowledgements", "{\"provider\":\"webhook\","
	    "\"acknowledged_by\":\"oa\"}", NULL, 404 },
	{ "GET " OA_EA, OA_EA "?provider=webhook&suppressed=false&limit=5",
	    NULL, NULL, 200 },
	{ "GET " OA_ER "/delivery-retry-health-alert-dashboard",
	    OA_ER "/delivery-retry-health-alert-dashboard", NULL, NULL, 200 },
	{ "POST " OA_EA "/retry-plan", OA_EA "/retry-plan", "{}", NULL, 200 },
	{ "POST " OA_EA "/retry-worker-run", OA_EA "/retry-worker-run",
	    "{\"execute\":true,\"retries\":0}", NULL, 200 },
	{ "POST " OA_AD "/worker-health-alerts/deliver",
	    OA_AD "/worker-health-alerts/deliver", "{\"retries\":0}", NULL,
	    200, "wha=event_id" },
	{ "POST " OA_AD "/worker-health-alerts/{health_id}/acknowledgements",
	    OA_AD "/worker-health-alerts/$wha/acknowledgements",
	    "{\"provider\":\"webhook\",\"acknowledged_by\":\"oa\"}", NULL,
	    200 },
	{ "POST " OA_AD "/worker-health-alerts/{health_id}/acknowledgements",
	    OA_AD "/worker-health-alerts/none-$u/acknowledgements",
	    "{\"provider\":\"webhook\",\"acknowledged_by\":\"oa\"}", NULL,
	    404 },
	{ "GET " OA_AD "/worker-health-alerts", OA_AD "/worker-health-alerts?"
	    "acknowledgement_state=acknowledged&offset=0", NULL, NULL, 200 },
	{ "GET " OA_AD "/worker-health-alert-dashboard",
	    OA_AD "/worker-health-alert-dashboard", NULL, NULL, 200 },
#undef OA_EA
#undef OA_ER
	/* cavra-runtime: the closeout end of final reporting, on records of
	 * release oa-$u seeded as evidence so that its summary closes */
#define OA_FR	"/runtime/go-pilot/rollback-drill-notifications/"	\
	"acknowledgements/audit-delivery/final-reporting-"
#define OA_FRK	GBRD_AAD "final-reporting-"
	{ "POST /evidence", "/evidence", "{\"session_id\":\"oa-apr-$u\","
	    "\"metadata_kind\":\"" OA_FRK "release-readiness-approval-"
	    "decision\",\"approval_state\":\"approved\","
	    "\"release_record_ref\":\"oa-$u\"}", NULL, 200 },
	{ "POST /evidence", "/evidence", "{\"session_id\":\"oa-att-$u\","
	    "\"metadata_kind\":\"" OA_FRK "release-record-attachment\","
	    "\"attachment_state\":\"attached\",\"release_record_ref\":"
	    "\"oa-$u\"}", NULL, 200 },
	{ "POST /evidence", "/evidence", "{\"session_id\":\"oa-ver-$u\","
	    "\"metadata_kind\":\"" OA_FRK "release-closure-packet-"
	    "verification\",\"verification_state\":\"verified\","
	    "\"release_record_ref\":\"oa-$u\"}", NULL, 200 },
	{ "POST /evidence", "/evidence", "{\"session_id\":\"oa-exp-$u\","
	    "\"metadata_kind\":\"" OA_FRK "auditor-export\",\"export_id\":"
	    "\"oa-exp-$u\",\"release_record_ref\":\"oa-$u\"}", NULL,
	    200 },
	{ "POST /evidence", "/evidence", "{\"session_id\":\"oa-arc-$u\","
	    "\"metadata_kind\":\"" OA_FRK "immutable-archive-reference\","
	    "\"reference_id\":\"oa-arc-$u\",\"archive_ref\":\"s3://a/$u\","
	    "\"release_record_ref\":\"oa-$u\"}", NULL, 200 },
	{ "POST /evidence", "/evidence", "{\"session_id\":\"oa-arh-$u\","
	    "\"metadata_kind\":\"" OA_FRK "archive-reference-health\","
	    "\"health_id\":\"oa-arh-$u\",\"alert_level\":\"healthy\","
	    "\"release_record_ref\":\"oa-$u\"}", NULL, 200 },
	{ "POST " OA_FR "readiness-bundle", OA_FR "readiness-bundle",
	    "{\"release_record_ref\":\"oa-$u\"}", NULL, 200 },
	{ "POST " OA_FR "readiness-bundle", OA_FR "readiness-bundle",
	    "{\"release_record_ref\":1}", NULL, 400 },
	{ "POST " OA_FR "signed-archive-manifest", OA_FR "signed-archive-"
	    "manifest", "{\"release_record_ref\":\"oa-$u\",\"signature\":"
	    "\"oa-sig\",\"signature_key_id\":\"oa\"}", NULL, 200 },
	{ "POST " OA_FR "signed-archive-manifest", OA_FR "signed-archive-"
	    "manifest", "{\"signature\":1}", NULL, 400 },
	{ "GET " OA_FR "release-closeout-summary", OA_FR "release-closeout-"
	    "summary?release_record_ref=oa-$u&generated_by=oa&persist=true",
	    NULL, NULL, 200 },
	{ "GET " OA_FR "release-closeout-summary", OA_FR "release-closeout-"
	    "summary?persist=x", NULL, NULL, 422 },
	{ "POST " OA_FR "release-closeout-summary/deliver", OA_FR "release-"
	    "closeout-summary/deliver", "{\"release_record_ref\":\"oa-$u\","
	    "\"retries\":0,\"timeout_seconds\":0.5}", NULL, 200 },
	{ "POST " OA_FR "release-closeout-summary/deliver", OA_FR "release-"
	    "closeout-summary/deliver", "{\"release_record_ref\":"
	    "\"none-$u\"}", NULL, 400 },
	{ "POST " OA_FR "release-closeout-summary/delivery-retry-plan",
	    OA_FR "release-closeout-summary/delivery-retry-plan",
	    "{\"retry_policy\":{\"allow_immediate_retry\":true}}", NULL,
	    200 },
	{ "POST " OA_FR "release-closeout-summary/delivery-retry-plan",
	    OA_FR "release-closeout-summary/delivery-retry-plan",
	    "{\"max_retries\":\"x\"}", NULL, 400 },
	{ "POST " OA_FR "release-closeout-summary/delivery-retry-worker-run",
	    OA_FR "release-closeout-summary/delivery-retry-worker-run",
	    "{\"execute\":true,\"retries\":0,\"timeout_seconds\":0.5,"
	    "\"retry_policy\":{\"allow_immediate_retry\":true}}", NULL,
	    200 },
	{ "POST " OA_FR "release-closeout-summary/delivery-retry-worker-run",
	    OA_FR "release-closeout-summary/delivery-retry-worker-run",
	    "{\"execute\":\"yes\"}", NULL, 400 },
	{ "POST " OA_FR "closeout-retention-review", OA_FR "closeout-"
	    "retention-review", "{\"release_record_ref\":\"oa-$u\","
	    "\"retention_until\":\"2030-01-01T00:00:00+00:00\","
	    "\"legal_hold\":false,\"review_reason\":\"oa\"}", NULL, 200 },
	{ "POST " OA_FR "closeout-retention-review", OA_FR "closeout-"
	    "retention-review", "{\"release_record_ref\":\"none-$u\"}", NULL,
	    400 },
	{ "POST " OA_FR "closeout-retention-review/{review_id}/decisions",
	    OA_FR "closeout-retention-review/latest/decisions",
	    "{\"decision_state\":\"approved\",\"decided_by\":\"oa\"}",
	    NULL, 200 },
	{ "POST " OA_FR "closeout-retention-review/{review_id}/decisions",
	    OA_FR "closeout-retention-review/none-$u/decisions", "{}", NULL,
	    404 },
	{ "POST " OA_FR "closeout-retention-review/{review_id}/decisions",
	    OA_FR "closeout-retention-review/latest/decisions",
	    "{\"decision\":\"x\"}", NULL, 400 },
	{ "POST " OA_FR "closeout-artifact-bundle", OA_FR "closeout-artifact-"
	    "bundle", "{\"release_record_ref\":\"oa-$u\"}", NULL, 200 },
	{ "POST " OA_FR "closeout-artifact-bundle", OA_FR "closeout-artifact-"
	    "bundle", "{\"release_record_ref\":\"none-$u\"}", NULL, 400 },
	{ "GET " OA_FR "closeout-retention-health", OA_FR "closeout-retention-"
	    "health?expiry_warning_days=30&generated_by=oa&persist=false", NULL,
	    NULL, 200 },
	{ "GET " OA_FR "closeout-retention-health", OA_FR "closeout-retention-"
	    "health?expiry_warning_days=x", NULL, NULL, 422 },
	/* cavra-runtime: final reporting up to the archive health alerts
	 * (fcgi/runtime_final.c), on release oa-fr-$u */
	{ "GET " OA_FR "closure-dashboard", OA_FR "closure-dashboard", NULL,
	    NULL, 200 },
	{ "GET " OA_FR "release-readiness", OA_FR "release-readiness?"
	    "generated_by=oa&persist=true", NULL, NULL, 200,
	    "frs=summary.summary_id" },
	{ "GET " OA_FR "release-readiness", OA_FR "release-readiness?"
	    "persist=x", NULL, NULL, 422 },
	{ "POST " OA_FR "operator-runbook-export", OA_FR "operator-runbook-"
	    "export", "{\"generated_by\":\"oa\"}", NULL, 200 },
	{ "POST " OA_FR "operator-runbook-export", OA_FR "operator-runbook-"
	    "export", "{\"generated_by\":1}", NULL, 400 },
	{ "POST " OA_FR "release-readiness/{summary_id}/approval-decisions",
	    OA_FR "release-readiness/$frs/approval-decisions",
	    "{\"decided_by\":\"oa\",\"override_blockers\":true}", NULL,
	    200, "frd=decision.decision_id" },
	{ "POST " OA_FR "release-readiness/{summary_id}/approval-decisions",
	    OA_FR "release-readiness/none-$u/approval-decisions",
	    "{\"decided_by\":\"oa\"}", NULL, 404 },
	{ "POST " OA_FR "release-record-attachment", OA_FR "release-record-"
	    "attachment", "{\"attached_by\":\"oa\",\"release_record_ref\":"
	    "\"oa-fr-$u\",\"approval_decision_id\":\"$frd\"}", NULL, 200 },
	{ "POST " OA_FR "release-record-attachment", OA_FR "release-record-"
	    "attachment", "{\"attached_by\":\"oa\"}", NULL, 400 },
	{ "GET " OA_FR "release-closure-packet-verification", OA_FR "release-"
	    "closure-packet-verification?release_record_ref=oa-fr-$u&"
	    "generated_by=oa&persist=true", NULL, NULL, 200 },
	{ "POST " OA_FR "auditor-export", OA_FR "auditor-export",
	    "{\"release_record_ref\":\"oa-fr-$u\"}", NULL, 200 },
	{ "POST " OA_FR "auditor-export/deliver", OA_FR "auditor-export/"
	    "deliver", "{\"release_record_ref\":\"oa-fr-$u\",\"retries\":0,"
	    "\"timeout_seconds\":0.5}", NULL, 200 },
	{ "POST " OA_FR "auditor-export/deliver", OA_FR "auditor-export/"
	    "deliver", "{\"release_record_ref\":\"none-$u\"}", NULL, 400 },
	{ "POST " OA_FR "auditor-export/delivery-retry-plan", OA_FR "auditor-"
	    "export/delivery-retry-plan", "{\"retry_policy\":"
	    "{\"allow_immediate_retry\":true}}", NULL, 200 },
	{ "POST " OA_FR "auditor-export/delivery-retry-worker-run", OA_FR
	    "auditor-export/delivery-retry-worker-run", "{\"execute\":true,"
	    "\"retries\":0,\"timeout_seconds\":0.5,\"retry_policy\":"
	    "{\"allow_immediate_retry\":true}}", NULL, 200 },
	{ "POST " OA_FR "auditor-export/delivery-retry-worker-run", OA_FR
	    "auditor-export/delivery-retry-worker-run", "{\"execute\":1}",
	    NULL, 400 },
	{ "POST " OA_FR "immutable-archive-reference", OA_FR "immutable-"
	    "archive-reference", "{\"release_record_ref\":\"oa-fr-$u\","
	    "\"archive_ref\":\"s3://oa/$u\",\"legal_hold\":true}", NULL,
	    200 },
	{ "POST " OA_FR "immutable-archive-reference", OA_FR "immutable-"
	    "archive-reference", "{\"release_record_ref\":\"none-$u\","
	    "\"archive_ref\":\"s3://oa\"}", NULL, 400 },
	{ "GET " OA_FR "archive-reference-health", OA_FR "archive-reference-"
	    "health?generated_by=oa&require_archive_hash=true&"
	    "require_retention_until=false&persist=false", NULL, NULL, 200 },
	{ "POST " OA_FR "archive-reference-health-alerts/deliver", OA_FR
	    "archive-reference-health-alerts/deliver", "{\"retries\":0,"
	    "\"timeout_seconds\":0.5}", NULL, 200, "frh=event_id" },
	{ "POST " OA_FR "archive-reference-health-alerts/{health_id}/"
	    "acknowledgements", OA_FR "archive-reference-health-alerts/$frh/"
	    "acknowledgements", "{\"provider\":\"webhook\","
	    "\"acknowledged_by\":\"oa\"}", NULL, 200 },
	{ "POST " OA_FR "archive-reference-health-alerts/{health_id}/"
	    "acknowledgements", OA_FR "archive-reference-health-alerts/"
	    "none-$u/acknowledgements", "{\"provider\":\"webhook\","
	    "\"acknowledged_by\":\"oa\"}", NULL, 404 },
	{ "GET " OA_FR "archive-reference-health-alerts", OA_FR "archive-"
	    "reference-health-alerts?health_id=$frh&provider=webhook&"
	    "suppressed=false&limit=5&offset=0", NULL, NULL, 200 },
	{ "GET " OA_FR "archive-reference-health-alert-dashboard", OA_FR
	    "archive-reference-health-alert-dashboard", NULL, NULL, 200 },
	{ "POST " OA_FR "closeout-retention-health-alerts/deliver",
	    OA_FR "closeout-retention-health-alerts/deliver", "{\"retries\":0,"
	    "\"timeout_seconds\":0.5,\"force\":true}", NULL, 200 },
	{ "POST " OA_FR "closeout-retention-health-alerts/deliver",
	    OA_FR "closeout-retention-health-alerts/deliver",
	    "{\"force\":\"yes\"}", NULL, 400 },
#undef OA_FRK
#undef OA_FR
#undef OA_AD
};

struct routes {
	char	*r[ROUTES_MAX];		/* "GET /agents/{agent_id}" */
	int	 called[ROUTES_MAX];	/* answered 200 at least once */
	size_t	 n;
};

struct var {
	char	 name[32];
	char	*value;
};

struct run {
	struct json_object	*doc;	/* the served openapi.json */
	struct var		 vars[VARS_MAX];
	size_t			 nvars;
	char			 u[64];
};

/* The routes of every built responder, from their --routes. */
static void
load_routes(struct routes *rs)
{
	struct built_route	*br;
	size_t			 i, n;

	br = built_routes(&n);
	cr_assert_leq(n, ROUTES_MAX);
	for (i = 0; i < n; i++) {
		cr_assert_neq(asprintf(&rs->r[i], "%s %s", br[i].method,
		    br[i].pattern), -1);
		rs->called[i] = 0;
	}
	rs->n = n;
	free(br);
}

static ssize_t
route_index(const struct routes *rs, const char *route)
{
	size_t	 i;

	for (i = 0; i < rs->n; i++)
		if (strcmp(rs->r[i], route) == 0)
			return (ssize_t)i;
	return -1;
}

/* Expands "$u" and "$<saved name>" in t into out (TEXT_MAX bytes). */
static void
expand(const struct run *run, const char *t, char *out)
{
	const char	*v;
	size_t		 n = 0, i, len;

	while (*t != '\0') {
		v = NULL;
		len = 0;
		if (*t == '$' && t[1] == 'u' && !(t[2] >= 'a' && t[2] <= 'z')) {
			v = run->u;
			len = 2;
		}
		for (i = 0; v == NULL && *t == '$' && i < run->nvars; i++) {
			len = strlen(run->vars[i].name);
			if (strncmp(t + 1, run->vars[i].name, len) == 0) {
				v = run->vars[i].value;
				len++;
			}
		}
		cr_assert(*t != '$' || v != NULL, "unknown variable in %s", t);
		if (v == NULL) {
			v = t;
			len = 1;
			cr_assert_lt(n + 1, TEXT_MAX);
			out[n++] = *t;
		} else {
			cr_assert_lt(n + strlen(v), TEXT_MAX);
			memcpy(out + n, v, strlen(v));
			n += strlen(v);
		}
		t += len;
	}
	out[n] = '\0';
}

/* The operation of route "METHOD /pattern" in the document: fails the
 * test when it has none. */
static struct json_object *
operation(struct json_object *doc, const char *route)
{
	struct json_object	*paths, *item, *op;
	char			 method[16], path[TEXT_MAX], *p;
	size_t			 i;

	for (i = 0; route[i] != ' ' && i + 1 < sizeof(method); i++)
		method[i] = (char)(route[i] >= 'A' && route[i] <= 'Z' ?
		    route[i] + 32 : route[i]);
	method[i] = '\0';
	snprintf(path, sizeof(path), "%s", route + i + 1);
	while ((p = strstr(path, "...}")) != NULL)
		memmove(p, p + 3, strlen(p + 3) + 1);
	cr_assert(json_object_object_get_ex(doc, "paths", &paths));
	cr_assert(json_object_object_get_ex(paths, path, &item) &&
	    json_object_object_get_ex(item, method, &op),
	    "openapi.json has no operation for %s", route);
	return op;
}

/* op.<a>.<b>.<c>... (NULL-terminated keys), resolving a "$ref" met on
 * the way; NULL when absent. */
static struct json_object *
dig(struct json_object *doc, struct json_object *o, ...)
{
	struct json_object	*ref;
	const char		*k;
	va_list			 ap;

	va_start(ap, o);
	while (o != NULL && (k = va_arg(ap, const char *)) != NULL) {
		if (json_object_object_get_ex(o, "$ref", &ref))
			o = cv_json_pointer(doc, json_object_get_string(ref));
		if (o == NULL || !json_object_object_get_ex(o, k, &o))
			o = NULL;
	}
	va_end(ap);
	return o;
}

/* Asserts that every query parameter of path is a documented query
 * parameter of op. */
static void
assert_query_documented(struct json_object *op, const char *route,
    const char *path)
{
	struct json_object	*params, *p;
	const char		*q, *e;
	size_t			 i, n, len;
	int			 found;

	if ((q = strchr(path, '?')) == NULL)
		return;
	if (!json_object_object_get_ex(op, "parameters", &params))
		params = NULL;
	n = params != NULL ? json_object_array_length(params) : 0;
	for (q++; *q != '\0'; q = *e == '&' ? e + 1 : e) {
		e = q + strcspn(q, "&");
		len = strcspn(q, "=&");
		found = 0;
		for (i = 0; !found && i < n; i++) {
			p = json_object_array_get_idx(params, i);
			found = strcmp(api_str(p, "in"), "query") == 0 &&
			    strlen(api_str(p, "name")) == len &&
			    strncmp(api_str(p, "name"), q, len) == 0;
		}
		cr_assert(found, "%s: query parameter %.*s is not in "
		    "openapi.json", route, (int)len, q);
	}
}

/* Validates inst against schema, failing the test with what and the
 * body when it does not fit. */
static void
assert_fits(struct json_object *doc, struct json_object *schema,
    struct json_object *inst, const char *what, const char *body)
{
	char	 err[ERR_MAX];

	cr_assert_not_null(schema, "%s: no schema in openapi.json", what);
	cr_assert_eq(schema_check(doc, schema, inst, err, sizeof(err)), 0,
	    "%s does not fit openapi.json: %s\n%s", what, err, body);
}

/*
 * Whether op must list error status st (else "default" covers it): the
 * library's statuses for a JSON body (400, 413, 415, 422) and a path
 * parameter (404), and every 4xx of a resource handler.
 */
static int
must_list(struct json_object *op, long st)
{
	struct json_object	*params;
	size_t			 i, n = 0;
	int			 path = 0;

	if (json_object_object_get_ex(op, "x-cavra-resource", NULL) &&
	    st < 500)
		return 1;
	if (json_object_object_get_ex(op, "requestBody", NULL) &&
	    (st == 400 || st == 413 || st == 415 || st == 422))
		return 1;
	if (json_object_object_get_ex(op, "parameters", &params))
		n = json_object_array_length(params);
	for (i = 0; i < n; i++)
		if (strcmp(api_str(json_object_array_get_idx(params, i), "in"),
		    "path") == 0)
			path = 1;
	return path && st == 404;
}

/* Checks answer r of route to the call against the document. */
static void
check_answer(struct run *run, const char *route, const char *path,
    const char *body, const struct api_resp *r)
{
	struct json_object	*op, *schema, *req;
	const char		*key;
	char			 status[8], what[TEXT_MAX + 64], *ct;

	op = operation(run->doc, route);
	snprintf(status, sizeof(status), "%ld", r->status);
	snprintf(what, sizeof(what), "%s (%s) answer %ld", route, path,
	    r->status);
	ct = api_header(r, "Content-Type");
	schema = dig(run->doc, op, "responses", "200", "content",
	    "application/json", "schema", NULL);
	/* A string 200 schema documents a download (markdown, bytes): its
	 * body is of its own type, not JSON. */
	if (r->status == 200 && schema != NULL &&
	    strcmp(cv_json_str_or(schema, "type", ""), "string") == 0) {
		cr_assert(ct != NULL, "%s: no Content-Type", what);
		assert_query_documented(op, route, path);
		free(ct);
		return;
	}
	if (r->status == 200) {
		cr_assert(ct != NULL && strcmp(ct, "application/json") == 0,
		    "%s: Content-Type %s", what, ct != NULL ? ct : "(none)");
		cr_assert_not_null(r->json, "%s is not JSON: %s", what,
		    r->body);
		assert_fits(run->doc, schema, r->json, what, r->body);
		if (body != NULL) {
			req = json_tokener_parse(body);
			snprintf(what, sizeof(what), "%s request body",
			    route);
			assert_fits(run->doc, dig(run->doc, op, "requestBody",
			    "content", "application/json", "schema", NULL),
			    req, what, body);
			json_object_put(req);
		}
		assert_query_documented(op, route, path);
	} else {
		cr_assert(ct != NULL && strcmp(ct, "application/problem+json") ==
		    0, "%s: Content-Type %s: %s", what, ct != NULL ? ct :
		    "(none)", r->body);
		if (must_list(op, r->status))
			cr_assert(dig(run->doc, op, "responses", status,
			    NULL) != NULL, "%s: openapi.json does not list "
			    "status %s for %s", what, status, route);
		key = dig(run->doc, op, "responses", status, NULL) != NULL ?
		    status : "default";
		cr_assert_not_null(dig(run->doc, op, "responses", key, NULL),
		    "%s: no response %s nor default", what, status);
		schema = dig(run->doc, op, "responses", key, "content",
		    "application/problem+json", "schema", NULL);
		cr_assert_not_null(r->json, "%s is not JSON: %s", what,
		    r->body);
		assert_fits(run->doc, schema, r->json, what, r->body);
	}
	free(ct);
}

/* Saves member key of the answer as variable name ("name=key"; a key
 * "a.b" is member b of member a; several specs separated by spaces; a
 * value that is not a string is saved as its JSON text). */
static void
save(struct run *run, const char *spec, struct json_object *answer)
{
	const char	*eq, *k, *dot, *sp;
	struct var	*v;
	char		 part[64];
	size_t		 i, len;

	while ((sp = strchr(spec, ' ')) != NULL) {
		snprintf(part, sizeof(part), "%.*s", (int)(sp - spec), spec);
		save(run, part, answer);
		spec = sp + 1;
	}
	cr_assert_lt(run->nvars, VARS_MAX);
	eq = strchr(spec, '=');
	cr_assert_not_null(eq);
	/* A name that begins another would shadow it in expand(). */
	for (i = 0; i < run->nvars; i++) {
		len = strlen(run->vars[i].name);
		if (len > (size_t)(eq - spec))
			len = (size_t)(eq - spec);
		cr_assert(strncmp(spec, run->vars[i].name, len) != 0,
		    "variable %.*s clashes with $%s", (int)(eq - spec), spec,
		    run->vars[i].name);
	}
	v = &run->vars[run->nvars++];
	snprintf(v->name, sizeof(v->name), "%.*s", (int)(eq - spec), spec);
	for (k = eq + 1; (dot = strchr(k, '.')) != NULL; k = dot + 1) {
		snprintf(part, sizeof(part), "%.*s", (int)(dot - k), k);
		answer = api_get(answer, part);
	}
	answer = api_get(answer, k);
	v->value = strdup(json_object_is_type(answer, json_type_string) ?
	    json_object_get_string(answer) : json_object_to_json_string_ext(
	    answer, JSON_C_TO_STRING_PLAIN));
}

/* The served openapi.json (GET /openapi.json through nginx), itself
 * checked against its own operation's 200 schema. */
static struct json_object *
served_document(void)
{
	struct json_object	*doc;
	struct api_resp		 r;

	api_req("GET", "/openapi.json", NULL, NULL, &r);
	cr_assert_eq(r.status, 200, "GET /openapi.json: %ld", r.status);
	cr_assert_not_null(r.json, "openapi.json is not JSON");
	doc = json_object_get(r.json);
	api_free(&r);
	assert_fits(doc, dig(doc, operation(doc, "GET /openapi.json"),
	    "responses", "200", "content", "application/json", "schema",
	    NULL), doc, "GET /openapi.json", "");
	return doc;
}

API_TEST(openapi, every_route_answers_as_documented)
{
	struct routes	 rs;
	struct run	 run;
	struct api_resp	 r;
	const char	*hdr[2] = { NULL, NULL }, *root;
	char		 method[16], path[TEXT_MAX], body[TEXT_MAX], ct[128];
	struct timespec	 ts;
	ssize_t		 ri;
	size_t		 i;

	memset(&run, 0, sizeof(run));
	clock_gettime(CLOCK_REALTIME, &ts);
	snprintf(run.u, sizeof(run.u), "oa%s%ld-%ld%09ld", api_mode(),
	    (long)getpid(), (long)ts.tv_sec, ts.tv_nsec);
	run.doc = served_document();
	root = getenv("CAVRA_EVIDENCE_ARTIFACT_ROOT");
	cr_assert_not_null(root, "no CAVRA_EVIDENCE_ARTIFACT_ROOT: see "
	    "tests/data/test_openapi_responses.env");
	snprintf(run.vars[0].name, sizeof(run.vars[0].name), "root");
	cr_assert_not_null(run.vars[0].value = strdup(root));
	run.nvars = 1;
	load_routes(&rs);
	for (i = 0; i < nitems(calls); i++) {
		ri = route_index(&rs, calls[i].route);
		cr_assert_geq(ri, 0, "calls[] has %s, which no built responder "
		    "serves", calls[i].route);
		snprintf(method, sizeof(method), "%.*s",
		    (int)strcspn(calls[i].route, " "), calls[i].route);
		expand(&run, calls[i].path, path);
		if (calls[i].body != NULL)
			expand(&run, calls[i].body, body);
		hdr[0] = NULL;
		if (calls[i].ctype != NULL) {
			snprintf(ct, sizeof(ct), "Content-Type: %s",
			    calls[i].ctype);
			hdr[0] = ct;
		}
		api_req(method, path, calls[i].body != NULL ? body : NULL, hdr,
		    &r);
		cr_assert_eq(r.status, calls[i].status, "%s %s %s: %ld, want "
		    "%ld: %s", method, path, calls[i].body != NULL ? body : "",
		    r.status, calls[i].status, r.body);
		check_answer(&run, calls[i].route, path, calls[i].body != NULL ?
		    body : NULL, &r);
		if (r.status == 200) {
			rs.called[ri] = 1;
			if (calls[i].save != NULL)
				save(&run, calls[i].save, r.json);
		}
		api_free(&r);
	}
	for (i = 0; i < rs.n; i++)
		cr_expect(rs.called[i], "no call answers %s with 200: add one "
		    "to calls[] in tests/api/test_openapi_responses.c",
		    rs.r[i]);
	for (i = 0; i < rs.n; i++)
		free(rs.r[i]);
	for (i = 0; i < run.nvars; i++)
		free(run.vars[i].value);
	json_object_put(run.doc);
}

/*
 * Answers the library gives before any handler: an unknown path (404)
 * and a known path with another method (405, with Allow) are problems
 * that fit the document's Problem schema.
 */
API_TEST(openapi, library_problems_fit)
{
	struct json_object	*doc, *schema;
	struct api_resp		 r;
	char			*allow;

	doc = served_document();
	schema = cv_json_pointer(doc, "#/components/schemas/Problem");
	cr_assert_not_null(schema);
	api_req("GET", "/agents/x/y/z", NULL, NULL, &r);
	api_assert_problem(&r, 404);
	assert_fits(doc, schema, r.json, "404 of an unknown path", r.body);
	api_free(&r);
	api_req("DELETE", "/agents", NULL, NULL, &r);
	api_assert_problem(&r, 405);
	assert_fits(doc, schema, r.json, "405", r.body);
	allow = api_header(&r, "Allow");
	cr_assert(allow != NULL && strstr(allow, "GET") != NULL, "Allow %s",
	    allow != NULL ? allow : "(none)");
	free(allow);
	api_free(&r);
	json_object_put(doc);
}

/*
 * The validator finds what it must: each keyword refuses an instance
 * that breaks it (so a schema check that passes means something).
 */
static void
assert_refused(const char *schema, const char *inst, const char *want)
{
	struct json_object	*s, *i;
	char			 err[ERR_MAX];

	s = json_tokener_parse(schema);
	cr_assert_not_null(s, "%s", schema);
	i = json_tokener_parse(inst);
	cr_assert(i != NULL || strcmp(inst, "null") == 0, "%s", inst);
	cr_assert_eq(schema_check(s, s, i, err, sizeof(err)), -1,
	    "%s accepted %s", schema, inst);
	cr_assert(strstr(err, want) != NULL, "%s on %s: \"%s\" lacks \"%s\"",
	    schema, inst, err, want);
	json_object_put(s);
	json_object_put(i);
}

static void
assert_accepted(const char *schema, const char *inst)
{
	struct json_object	*s, *i;
	char			 err[ERR_MAX];

	s = json_tokener_parse(schema);
	cr_assert_not_null(s, "%s", schema);
	i = json_tokener_parse(inst);
	cr_assert_eq(schema_check(s, s, i, err, sizeof(err)), 0,
	    "%s refused %s: %s", schema, inst, err);
	json_object_put(s);
	json_object_put(i);
}

Test(schema, keywords_refuse)
{
	assert_refused("{\"type\":\"string\"}", "1", "not of type");
	assert_refused("{\"type\":\"integer\"}", "1.5", "not of type");
	assert_refused("{\"type\":[\"string\",\"null\"]}", "true",
	    "not of type");
	assert_refused("{\"type\":\"string\"}", "null", "not of type");
	assert_refused("{\"type\":\"object\",\"required\":[\"a\"]}", "{}",
	    "required member a");
	assert_refused("{\"properties\":{\"a\":{\"type\":\"integer\"}}}",
	    "{\"a\":\"x\"}", "/a: ");
	assert_refused("{\"items\":{\"type\":\"string\"}}", "[\"a\",2]",
	    "/1: ");
	assert_refused("{\"enum\":[\"a\",null]}", "\"b\"", "not one of");
	assert_refused("{\"const\":\"v1\"}", "\"v2\"", "is not");
	assert_refused("{\"minimum\":0}", "-1", "below the minimum");
	assert_refused("{\"maximum\":500}", "501", "above the maximum");
	assert_refused("{\"minLength\":1}", "\"\"", "shorter");
	assert_refused("{\"maxLength\":1}", "\"\\u00e9\\u00e9\"", "longer");
	assert_refused("{\"properties\":{\"a\":{}},"
	    "\"additionalProperties\":false}", "{\"a\":1,\"b\":2}",
	    "/b: no value");
	assert_refused("{\"anyOf\":[{\"required\":[\"a\"]},"
	    "{\"required\":[\"b\"]}]}", "{\"c\":1}", "none of anyOf");
	assert_refused("{\"$defs\":{\"x\":{\"type\":\"string\"}},"
	    "\"$ref\":\"#/$defs/x\"}", "1", "not supported");
	assert_refused("{\"properties\":{\"a\":{\"$ref\":\"#/nowhere\"}}}",
	    "{\"a\":1}", "points nowhere");
	assert_refused("{\"pattern\":\"^a\"}", "\"b\"", "not supported");
	assert_refused("false", "1", "no value");
}

/* A "$ref" is resolved in the document the schema comes from. */
Test(schema, ref_resolves_in_root)
{
	struct json_object	*root, *s, *ok, *bad;
	char			 err[ERR_MAX];

	root = json_tokener_parse("{\"components\":{\"schemas\":{\"X\":"
	    "{\"type\":\"string\"}}}}");
	s = json_tokener_parse("{\"properties\":{\"a\":{\"$ref\":"
	    "\"#/components/schemas/X\"}},\"required\":[\"a\"]}");
	ok = json_tokener_parse("{\"a\":\"s\",\"b\":1}");
	bad = json_tokener_parse("{\"a\":1}");
	cr_assert_eq(schema_check(root, s, ok, err, sizeof(err)), 0, "%s",
	    err);
	cr_assert_eq(schema_check(root, s, bad, err, sizeof(err)), -1);
	cr_assert(strstr(err, "/a: ") != NULL, "%s", err);
	json_object_put(root);
	json_object_put(s);
	json_object_put(ok);
	json_object_put(bad);
}

Test(schema, keywords_accept)
{
	assert_accepted("{\"type\":[\"string\",\"null\"],"
	    "\"enum\":[\"a\",null]}", "null");
	assert_accepted("{\"type\":\"integer\",\"minimum\":0}", "0");
	assert_accepted("{\"type\":\"number\"}", "1");
	assert_accepted("{\"anyOf\":[{\"required\":[\"a\"]},"
	    "{\"required\":[\"b\"]}]}", "{\"b\":1}");
	assert_accepted("{\"maxLength\":2}", "\"\\u00e9\\u00e9\"");
	assert_accepted("{}", "[1,\"x\",null]");
	assert_accepted("{\"description\":\"d\",\"default\":1,"
	    "\"readOnly\":true}", "2");
}
