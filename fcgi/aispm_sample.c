/*
 * cavra-aispm: the deterministic sample dashboard (GET
 * /aispm/dashboard/sample).  Three decisions and two sessions of
 * 2026-06-09, evaluated at 00:03 of that day by the same builders as the
 * live posture, so the answer is the same bytes on every call and after
 * every restart (the policy draft's version is the sample's date).
 */
#include "config.h"

#include <string.h>

#include "cavra.h"
#include "aispm.h"

#define SAMPLE_NOW	"2026-06-09T00:03:00+00:00"
#define SAMPLE_SCOPE	"sample-session-001"

/* The sample records, oldest first (as the reference lists them). */
static const char sample_decisions[] = "["
    "{\"decision_id\":\"sample-dec-001\","
    "\"session_id\":\"sample-session-001\","
    "\"agent_id\":\"codex-agent\",\"actor\":\"codex-agent\","
    "\"repository\":\"payments/api\",\"action_type\":\"execute_command\","
    "\"target\":\"terraform apply\","
    "\"declared_intent\":\"Apply approved production infrastructure "
    "change\","
    "\"policy_pack\":\"cloud-iam-prod\","
    "\"rule_id\":\"iac.production-change\",\"tool\":\"shell\","
    "\"tool_capability\":\"runtime_execution\","
    "\"decision\":\"require_approval\",\"severity\":\"high\","
    "\"reason\":\"Production-impacting infrastructure action requires "
    "approval.\","
    "\"timestamp\":\"2026-06-09T00:00:00+00:00\","
    "\"evidence_refs\":[\"sample://evidence/iac-production-change\"]},"
    "{\"decision_id\":\"sample-dec-002\","
    "\"session_id\":\"sample-session-001\","
    "\"agent_id\":\"codex-agent\",\"actor\":\"codex-agent\","
    "\"repository\":\"payments/api\",\"action_type\":\"read_file\","
    "\"target\":\".env.production\","
    "\"declared_intent\":\"Inspect deployment configuration\","
    "\"policy_pack\":\"cavra-ai-agent-baseline\","
    "\"rule_id\":\"secrets.block-sensitive-read\",\"tool\":\"filesystem\","
    "\"tool_capability\":\"file_read\","
    "\"decision\":\"block\",\"severity\":\"critical\","
    "\"reason\":\"Sensitive production secret file access is blocked.\","
    "\"timestamp\":\"2026-06-09T00:01:00+00:00\","
    "\"evidence_refs\":[\"sample://evidence/secret-read-block\"]},"
    "{\"decision_id\":\"sample-dec-003\","
    "\"session_id\":\"sample-session-002\","
    "\"agent_id\":\"claude-code-agent\",\"actor\":\"claude-code-agent\","
    "\"repository\":\"platform/infra\",\"action_type\":\"mcp_tool_call\","
    "\"target\":\"filesystem.write\","
    "\"declared_intent\":\"Write generated infrastructure documentation\","
    "\"policy_pack\":\"mcp-enterprise\","
    "\"rule_id\":\"mcp.untrusted-tool\",\"tool\":\"filesystem.write\","
    "\"server\":\"filesystem-mcp\","
    "\"tool_capability\":\"workspace_write\","
    "\"decision\":\"warn\",\"severity\":\"medium\","
    "\"reason\":\"MCP tool requires registration before broad rollout.\","
    "\"timestamp\":\"2026-06-09T00:02:00+00:00\","
    "\"evidence_refs\":[\"sample://evidence/mcp-warning\"]}"
    "]";

static const char sample_sessions[] = "["
    "{\"session_id\":\"sample-session-001\","
    "\"agent_id\":\"codex-agent\",\"actor\":\"codex-agent\","
    "\"repository\":\"payments/api\",\"policy_pack\":\"cloud-iam-prod\","
    "\"state\":\"completed\","
    "\"started_at\":\"2026-06-09T00:00:00+00:00\","
    "\"updated_at\":\"2026-06-09T00:01:00+00:00\","
    "\"decision_count\":2,\"blocked_count\":1,"
    "\"approval_required_count\":1,"
    "\"evidence_refs\":[\"sample://evidence/iac-production-change\","
    "\"sample://evidence/secret-read-block\"]},"
    "{\"session_id\":\"sample-session-002\","
    "\"agent_id\":\"claude-code-agent\",\"actor\":\"claude-code-agent\","
    "\"repository\":\"platform/infra\",\"policy_pack\":\"mcp-enterprise\","
    "\"state\":\"active\","
    "\"started_at\":\"2026-06-09T00:02:00+00:00\","
    "\"updated_at\":\"2026-06-09T00:02:00+00:00\","
    "\"decision_count\":1,\"blocked_count\":0,"
    "\"approval_required_count\":0,"
    "\"evidence_refs\":[\"sample://evidence/mcp-warning\"]}"
    "]";

/*
 * The sample's one approval lineage item, made from its first decision
 * that required approval (none: no item).
 */
static struct json_object *
sample_lineage(const struct aispm_set *s)
{
	struct json_object	*out, *o, *dec, *refs;
	const struct cv_aispm_dec *d = NULL;
	size_t			 i;

	out = json_object_new_array();
	for (i = 0; i < s->ndec && d == NULL; i++)
		if (s->dec[i].outcome == CV_OUT_APPROVAL)
			d = &s->dec[i];
	if (d == NULL)
		return out;
	o = json_object_new_object();
	cv_json_add_str(o, "lineage_id", "lineage-sample-apr-001");
	cv_json_add_str(o, "approval_id", "sample-apr-001");
	cv_json_add_str(o, "decision_id", d->decision_id);
	cv_json_add_str(o, "session_id", d->session_id);
	cv_json_add_str(o, "state", "approved");
	cv_json_add_str(o, "approver_group", "Cloud Security");
	cv_json_add_str(o, "requested_by", cv_aispm_actor_label(s->a,
	    d->agent_id));
	cv_json_add_str(o, "decided_by", "role:approver");
	cv_json_add_str(o, "requested_at", "2026-06-09T00:00:10+00:00");
	cv_json_add_str(o, "decided_at", "2026-06-09T00:00:40+00:00");
	cv_json_add_str(o, "external_ref", "ticket://sample-change-42");
	cv_json_add_bool(o, "break_glass", 0);
	dec = json_object_new_object();
	cv_json_add_str(dec, "action_type", d->action_type);
	cv_json_add_str(dec, "target_summary", d->tgt.summary);
	cv_json_add_str(dec, "risk_classification",
	    cv_aispm_risk_name(d->risk));
	cv_json_add_str(dec, "severity", d->severity);
	cv_json_add_str(dec, "repository", d->repository);
	cv_json_add_str(dec, "policy_pack", d->policy_pack);
	cv_json_add_str(dec, "rule_id", d->rule_id);
	json_object_object_add(o, "decision", dec);
	refs = json_object_new_array();
	json_object_array_add(refs, json_object_new_string(
	    "approval://sample-apr-001"));
	for (i = 0; i < d->nrefs; i++)
		json_object_array_add(refs, json_object_new_string(d->refs[i]));
	json_object_object_add(o, "evidence_refs", refs);
	refs = json_object_new_array();
	json_object_array_add(refs, json_object_new_string(
	    "identity_provider_claims"));
	json_object_array_add(refs, json_object_new_string(
	    "raw_rbac_context"));
	json_object_object_add(o, "redacted_fields", refs);
	json_object_array_add(out, o);
	return out;
}

struct json_object *
aispm_sample(struct cv_arena *a)
{
	struct aispm_set	 s;
	struct json_object	*dec, *sess, *filters, *out;

	dec = json_tokener_parse(sample_decisions);
	sess = json_tokener_parse(sample_sessions);
	aispm_set_init(&s, a, dec, sess, SAMPLE_NOW);
	filters = json_object_new_object();
	json_object_object_add(filters, "repository", NULL);
	json_object_object_add(filters, "agent_id", NULL);
	json_object_object_add(filters, "policy_pack", NULL);
	cv_json_add_int(filters, "limit", AISPM_LIMIT_DEFAULT);
	out = aispm_posture(&s, "sample", "sample_data", filters,
	    sample_lineage(&s), SAMPLE_SCOPE);
	json_object_put(dec);
	json_object_put(sess);
	return out;
}
