/*
 * Unit tests of the AISPM module (lib/aispm.c: classifiers, scores,
 * public-safe views) and of the cavra-aispm builders (fcgi/aispm_*.c) on
 * fixed data sets: the reference's deterministic sample, whose outputs
 * aispm.md section 6 computes by hand, and small sets made for one rule
 * each.  Expected values are written out, not recomputed.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "cavra.h"
#include "cv_aispm.h"
#include "aispm.h"

static struct cv_arena	 A;

static void
setup(void)
{
	cv_arena_init(&A);
}

static void
teardown(void)
{
	cv_arena_free(&A);
}

TestSuite(aispm, .init = setup, .fini = teardown);
TestSuite(aispm_build, .init = setup, .fini = teardown);
TestSuite(aispm_validate, .init = setup, .fini = teardown);

/* ---- classifiers ------------------------------------------------- */

Test(aispm, control_surface_first_rule_wins)
{
	static const struct {
		const char		*action, *target, *rule;
		enum cv_aispm_surface	 want;
	} cases[] = {
		{ "read_file", "config/SECRET.txt", NULL, CV_SURF_SENSITIVE },
		{ "read_file", ".env.production", "x", CV_SURF_SENSITIVE },
		{ "write_file", "a", "creds.Credential-check",
		    CV_SURF_SENSITIVE },
		/* sensitive beats infrastructure */
		{ "execute_command", "terraform apply secret.tfvars", NULL,
		    CV_SURF_SENSITIVE },
		{ "execute_command", "terraform apply", NULL, CV_SURF_INFRA },
		{ "execute_command", "Tofu plan", NULL, CV_SURF_INFRA },
		{ "read_file", "kubernetes/deploy.yaml", NULL, CV_SURF_INFRA },
		{ "read_file", "x", "iac.production-change", CV_SURF_INFRA },
		{ "mcp_tool_call", "x", NULL, CV_SURF_MCP },
		{ "run_tool", "x", NULL, CV_SURF_MCP },
		{ "read_file", "x", "mcp.untrusted", CV_SURF_MCP },
		{ "git_operation", "main", NULL, CV_SURF_SCM },
		{ "open_pull_request", "x", NULL, CV_SURF_SCM },
		{ "read_file", "feature-branch.txt", NULL, CV_SURF_SCM },
		{ "execute_command", "kubectl apply", NULL, CV_SURF_RUNTIME },
		{ "shell", "ls", NULL, CV_SURF_RUNTIME },
		{ "run_script", "x", NULL, CV_SURF_RUNTIME },
		{ "read_file", "README.md", "filesystem.read.allow",
		    CV_SURF_GENERAL },
		{ NULL, NULL, NULL, CV_SURF_GENERAL },
	};
	size_t	 i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		cr_expect_eq(cv_aispm_surface(cases[i].action, cases[i].target,
		    cases[i].rule), cases[i].want, "case %zu (%s %s %s)", i,
		    cases[i].action, cases[i].target, cases[i].rule);
	cr_assert_str_eq(cv_aispm_surfaces[CV_SURF_INFRA].id,
	    "infrastructure_iac");
	cr_assert_str_eq(cv_aispm_surfaces[CV_SURF_GENERAL].label,
	    "General policy");
}

Test(aispm, risk_class_differs_from_surface_on_credentials)
{
	/* a credential rule id makes the surface sensitive, not the risk */
	cr_assert_eq(cv_aispm_surface("read_file", "a.txt",
	    "credential.scan"), CV_SURF_SENSITIVE);
	cr_assert_str_eq(cv_aispm_risk_name(cv_aispm_risk("read_file",
	    "a.txt", "credential.scan")), "policy_violation");
	cr_assert_str_eq(cv_aispm_risk_name(cv_aispm_risk("read_file",
	    ".env", NULL)), "credential_or_sensitive_data_exposure");
	cr_assert_str_eq(cv_aispm_risk_name(cv_aispm_risk("x", "y",
	    "secrets.read")), "credential_or_sensitive_data_exposure");
	cr_assert_str_eq(cv_aispm_risk_name(cv_aispm_risk("execute_command",
	    "terraform apply", NULL)), "infrastructure_change_risk");
	/* kubernetes is infrastructure for the surface only */
	cr_assert_str_eq(cv_aispm_risk_name(cv_aispm_risk("read_file",
	    "kubernetes/x", NULL)), "policy_violation");
	cr_assert_str_eq(cv_aispm_risk_name(cv_aispm_risk("mcp_tool_call",
	    "x", NULL)), "tool_or_mcp_governance_risk");
	cr_assert_str_eq(cv_aispm_risk_name(cv_aispm_risk("git_operation",
	    "main", NULL)), "source_control_risk");
	cr_assert_str_eq(cv_aispm_risk_name(cv_aispm_risk("execute_command",
	    "ls", NULL)), "runtime_command_risk");
}

Test(aispm, safe_target_summary_redacts_and_cuts)
{
	struct cv_aispm_target	 t;
	char			 longt[200], want[200];

	cv_aispm_target(&A, "cat .ENV.local", NULL, NULL, &t);
	cr_assert_str_eq(t.summary, CV_AISPM_REDACTED);
	cr_assert(t.redacted);
	cr_assert_str_eq(t.mark, ".env");
	cv_aispm_target(&A, "echo $GITHUB_TOKEN", NULL, NULL, &t);
	cr_assert_str_eq(t.summary, CV_AISPM_REDACTED);
	cr_assert_str_eq(t.mark, "token");
	cv_aispm_target(&A, "vault/secret/db", NULL, NULL, &t);
	cr_assert_str_eq(t.mark, "secret");
	/* beyond the reference: passwords and private keys */
	cv_aispm_target(&A, "cat ~/.ssh/id_rsa", NULL, NULL, &t);
	cr_assert(t.redacted);
	cv_aispm_target(&A, "export DB_PASSWORD=x", NULL, NULL, &t);
	cr_assert(t.redacted);
	/* a rule id naming a credential hides any target */
	cv_aispm_target(&A, "notes.txt", NULL, "scan.Credential", &t);
	cr_assert_str_eq(t.summary, CV_AISPM_REDACTED);
	cr_assert_str_eq(t.mark, "credential");
	/* requested_operation when the target is empty */
	cv_aispm_target(&A, "", "push main", NULL, &t);
	cr_assert_str_eq(t.summary, "push main");
	cr_assert(!t.redacted);
	cv_aispm_target(&A, NULL, NULL, NULL, &t);
	cr_assert_str_eq(t.summary, CV_AISPM_NO_TARGET);
	cr_assert(!t.redacted);
	cr_assert_null(t.mark);
	memset(longt, 'a', 121);
	longt[121] = '\0';
	cv_aispm_target(&A, longt, NULL, NULL, &t);
	memset(want, 'a', 117);
	strcpy(want + 117, "...");
	cr_assert_str_eq(t.summary, want);
	cr_assert(t.redacted);
	cr_assert_null(t.mark);
	longt[120] = '\0';
	cv_aispm_target(&A, longt, NULL, NULL, &t);
	cr_assert_str_eq(t.summary, longt);
	cr_assert(!t.redacted);
}

Test(aispm, safe_target_counts_characters_not_bytes)
{
	struct cv_aispm_target	 t;
	char			 s[512] = "";
	size_t			 i;

	/* 121 two-byte characters: cut after 117 characters */
	for (i = 0; i < 121; i++)
		strcat(s, "\xc3\xa9");
	cv_aispm_target(&A, s, NULL, NULL, &t);
	cr_assert(t.redacted);
	cr_assert_eq(cv_aispm_chars(t.summary), 120);
	cr_assert_eq(strlen(t.summary), 117 * 2 + 3);
	s[120 * 2] = '\0';
	cv_aispm_target(&A, s, NULL, NULL, &t);
	cr_assert(!t.redacted);
}

Test(aispm, redact_text_hides_what_may_quote_a_secret)
{
	struct cv_aispm_target	 t;
	const char		*r;

	cv_aispm_target(&A, "config/prod.secrets", NULL, NULL, &t);
	r = cv_aispm_redact_text(&A, "Read of config/prod.secrets blocked.",
	    "config/prod.secrets", &t);
	cr_assert_str_eq(r, "Read of [redacted] blocked.");
	r = cv_aispm_redact_text(&A, "Command set API_TOKEN=abc123; denied",
	    "x", NULL);
	cr_assert_str_eq(r, "Command set [redacted]; denied");
	r = cv_aispm_redact_text(&A, "header \"Bearer abc.def\" seen", NULL,
	    NULL);
	cr_assert_str_eq(r, "header \"Bearer [redacted]\" seen");
	r = cv_aispm_redact_text(&A, "Reading (~/.env) is blocked", NULL, NULL);
	cr_assert_str_eq(r, "Reading ([redacted]) is blocked");
	/* plain words stay: the sample's reason is unchanged */
	r = cv_aispm_redact_text(&A, "Sensitive production secret file access "
	    "is blocked.", NULL, NULL);
	cr_assert_str_eq(r, "Sensitive production secret file access is "
	    "blocked.");
	cr_assert_null(cv_aispm_redact_text(&A, NULL, NULL, NULL));
}

Test(aispm, weights_posture_and_levels)
{
	cr_assert_eq(cv_aispm_severity_weight(CV_SEV_CRITICAL), 30);
	cr_assert_eq(cv_aispm_severity_weight(CV_SEV_HIGH), 18);
	cr_assert_eq(cv_aispm_severity_weight(CV_SEV_MEDIUM), 9);
	cr_assert_eq(cv_aispm_severity_weight(CV_SEV_LOW), 3);
	cr_assert_eq(cv_aispm_severity_weight(cv_aispm_severity("info")), -1);
	cr_assert_eq(cv_aispm_severity(NULL), CV_SEV_LOW);
	cr_assert_eq(cv_aispm_outcome_weight(cv_aispm_outcome("block")), 16);
	cr_assert_eq(cv_aispm_outcome_weight(cv_aispm_outcome(
	    "require_approval")), 10);
	cr_assert_eq(cv_aispm_outcome_weight(cv_aispm_outcome("warn")), 5);
	cr_assert_eq(cv_aispm_outcome_weight(cv_aispm_outcome("audit_only")),
	    2);
	cr_assert_eq(cv_aispm_outcome_weight(cv_aispm_outcome(
	    "allow_with_attestation")), 1);
	cr_assert_eq(cv_aispm_outcome_weight(cv_aispm_outcome("allow")), 0);
	cr_assert_eq(cv_aispm_outcome_weight(cv_aispm_outcome("bogus")), 0);
	cr_assert_eq(cv_aispm_posture_score(88), 12);
	cr_assert_eq(cv_aispm_posture_score(150), 0);
	cr_assert_eq(cv_aispm_posture_score(0), 100);
	cr_assert_str_eq(cv_aispm_risk_level(100), "low");
	cr_assert_str_eq(cv_aispm_risk_level(85), "low");
	cr_assert_str_eq(cv_aispm_risk_level(84), "medium");
	cr_assert_str_eq(cv_aispm_risk_level(65), "medium");
	cr_assert_str_eq(cv_aispm_risk_level(64), "high");
	cr_assert_str_eq(cv_aispm_risk_level(40), "high");
	cr_assert_str_eq(cv_aispm_risk_level(39), "critical");
}

Test(aispm, findings_and_near_misses)
{
	/* an allow of high severity is a finding and a near miss */
	cr_assert(cv_aispm_is_finding(CV_OUT_ALLOW, CV_SEV_HIGH));
	cr_assert(cv_aispm_is_near_miss(CV_OUT_ALLOW, CV_SEV_HIGH));
	/* a block is a finding and never a near miss */
	cr_assert(cv_aispm_is_finding(CV_OUT_BLOCK, CV_SEV_LOW));
	cr_assert(!cv_aispm_is_near_miss(CV_OUT_BLOCK, CV_SEV_CRITICAL));
	/* attestation is a near miss, not a finding */
	cr_assert(!cv_aispm_is_finding(CV_OUT_ATTEST, CV_SEV_MEDIUM));
	cr_assert(cv_aispm_is_near_miss(CV_OUT_ATTEST, CV_SEV_LOW));
	cr_assert(!cv_aispm_is_finding(CV_OUT_AUDIT, CV_SEV_MEDIUM));
	cr_assert(!cv_aispm_is_near_miss(CV_OUT_ALLOW, CV_SEV_MEDIUM));
}

/* A decision view read from JSON text (its record kept alive in recs). */
static struct json_object *recs;

static void
dec_of(const char *json, struct cv_aispm_dec *d)
{
	struct json_object	*o;

	if (recs == NULL)
		recs = json_object_new_array();
	o = json_tokener_parse(json);
	cr_assert_not_null(o, "bad test JSON %s", json);
	json_object_array_add(recs, o);
	cv_aispm_dec_read(&A, o, d);
}

static void
recs_free(void)
{
	json_object_put(recs);
	recs = NULL;
}

Test(aispm, coverage_and_summary_confidence, .fini = recs_free)
{
	struct cv_aispm_tally	 t;
	struct cv_aispm_dec	 d;

	memset(&t, 0, sizeof(t));
	cr_assert_str_eq(cv_aispm_coverage_name(cv_aispm_coverage(&t)),
	    "not_observed_locally");
	cr_assert_str_eq(cv_aispm_confidence(&t), "sample_or_empty");
	dec_of("{\"decision\":\"allow\"}", &d);
	cv_aispm_tally_add(&t, &d);
	cr_assert_str_eq(cv_aispm_coverage_name(cv_aispm_coverage(&t)),
	    "observed");
	cr_assert_str_eq(cv_aispm_confidence(&t), "activity_metadata_only");
	dec_of("{\"decision\":\"allow_with_attestation\","
	    "\"evidence_refs\":\"evidence://x\"}", &d);
	cv_aispm_tally_add(&t, &d);
	cr_assert_str_eq(cv_aispm_coverage_name(cv_aispm_coverage(&t)),
	    "attested");
	cr_assert_str_eq(cv_aispm_confidence(&t), "activity_evidence_refs");
	dec_of("{\"decision\":\"warn\",\"evidence_refs\":[\"a-Signature\"]}",
	    &d);
	cv_aispm_tally_add(&t, &d);
	cr_assert_str_eq(cv_aispm_coverage_name(cv_aispm_coverage(&t)),
	    "warning_only");
	/* the summary rule is case-sensitive */
	cr_assert_str_eq(cv_aispm_confidence(&t), "activity_evidence_refs");
	dec_of("{\"decision\":\"require_approval\",\"evidence_refs\":"
	    "[\"signed://x\"]}", &d);
	cv_aispm_tally_add(&t, &d);
	cr_assert_str_eq(cv_aispm_coverage_name(cv_aispm_coverage(&t)),
	    "approval_gated");
	cr_assert_str_eq(cv_aispm_confidence(&t), "signed_evidence");
	dec_of("{\"decision\":\"block\"}", &d);
	cv_aispm_tally_add(&t, &d);
	cr_assert_str_eq(cv_aispm_coverage_name(cv_aispm_coverage(&t)),
	    "enforced");
	cr_assert_eq(cv_aispm_coverage_score(CV_COV_ENFORCED), 100);
	cr_assert_eq(cv_aispm_coverage_score(CV_COV_APPROVAL), 82);
	cr_assert_eq(cv_aispm_coverage_score(CV_COV_ATTESTED), 72);
	cr_assert_eq(cv_aispm_coverage_score(CV_COV_OBSERVED), 58);
	cr_assert_eq(cv_aispm_coverage_score(CV_COV_WARNING), 38);
	cr_assert_eq(cv_aispm_coverage_score(CV_COV_NONE), 0);
	cr_assert_eq(t.n, 5);
}

Test(aispm, fact_confidence_levels)
{
	static const char *const sig[] = { "evidence://x", "ARTIFACT.SIG" };
	static const char *const store[] = { "https://x/sigstore/1" };
	static const char *const sample[] = { "evidence://x", "sample://y" };
	static const char *const plain[] = { "evidence://x" };

	cr_assert_eq(cv_aispm_level(sig, 2), CV_LVL_SIGNED);
	cr_assert_eq(cv_aispm_level(store, 1), CV_LVL_SIGNED);
	cr_assert_eq(cv_aispm_level(sample, 2), CV_LVL_SAMPLE);
	cr_assert_eq(cv_aispm_level(plain, 1), CV_LVL_ACTIVITY);
	cr_assert_eq(cv_aispm_level(NULL, 0), CV_LVL_METADATA);
	cr_assert_eq(cv_aispm_level_score(CV_LVL_SIGNED), 100);
	cr_assert_eq(cv_aispm_level_score(CV_LVL_ACTIVITY), 74);
	cr_assert_eq(cv_aispm_level_score(CV_LVL_SAMPLE), 45);
	cr_assert_eq(cv_aispm_level_score(CV_LVL_METADATA), 28);
	cr_assert_str_eq(cv_aispm_level_name(CV_LVL_NONE),
	    "no_local_activity");
}

Test(aispm, refs_are_normalised, .fini = recs_free)
{
	struct cv_aispm_dec	 d;

	dec_of("{\"evidence_refs\":[\"a\",null,\"\",\"b\",\"a\",3]}", &d);
	cr_assert_eq(d.nrefs, 3);
	cr_assert_str_eq(d.refs[0], "a");
	cr_assert_str_eq(d.refs[1], "b");
	cr_assert_str_eq(d.refs[2], "3");
	dec_of("{\"evidence_refs\":\"only\"}", &d);
	cr_assert_eq(d.nrefs, 1);
	dec_of("{\"evidence_refs\":null}", &d);
	cr_assert_eq(d.nrefs, 0);
}

Test(aispm, labels_from_record_and_containers, .fini = recs_free)
{
	struct cv_aispm_dec	 d;

	dec_of("{\"action_type\":\"mcp_tool_call\",\"target\":\"fs.write\"}",
	    &d);
	cr_assert_str_eq(cv_aispm_tool_label(&A, &d), "fs.write");
	cr_assert_str_eq(cv_aispm_tool_capability(&A, &d), "mcp_tools");
	/* a raw target as the tool label only when it may be shown */
	dec_of("{\"action_type\":\"mcp_tool_call\",\"target\":"
	    "\"vault.read_secret\"}", &d);
	cr_assert_str_eq(cv_aispm_tool_label(&A, &d), CV_AISPM_REDACTED);
	dec_of("{\"action_type\":\"execute_command\",\"target\":\"ls\"}", &d);
	cr_assert_str_eq(cv_aispm_tool_label(&A, &d), "shell");
	dec_of("{\"action_type\":\"execute_command\"}", &d);
	cr_assert_str_eq(cv_aispm_tool_label(&A, &d), "execute_command");
	dec_of("{\"action_type\":\"write_file\",\"target\":\"a\"}", &d);
	cr_assert_str_eq(cv_aispm_tool_label(&A, &d), "filesystem");
	dec_of("{\"action_type\":\"git_operation\",\"target\":\"main\"}", &d);
	cr_assert_str_eq(cv_aispm_tool_label(&A, &d), "git");
	dec_of("{}", &d);
	cr_assert_str_eq(cv_aispm_tool_label(&A, &d), "unknown");
	dec_of("{\"action_type\":\"\"}", &d);
	cr_assert_str_eq(cv_aispm_tool_label(&A, &d), "unknown-tool");
	dec_of("{\"action_type\":\"x\",\"metadata\":{\"server\":\"s1\","
	    "\"capability\":\"net\"},\"labels\":{\"tool\":\"t2\"}}", &d);
	cr_assert_str_eq(cv_aispm_tool_label(&A, &d), "s1");
	cr_assert_str_eq(cv_aispm_tool_capability(&A, &d), "net");
	dec_of("{\"context\":{\"intent\":\"update docs\"},"
	    "\"labels\":{\"declared_intent\":\"other\"}}", &d);
	cr_assert_str_eq(cv_aispm_intent(&A, &d), "update docs");
	dec_of("{\"declared_intent\":\"\"}", &d);
	cr_assert_null(cv_aispm_intent(&A, &d));
	dec_of("{\"decision\":\"require_approval\"}", &d);
	cr_assert_str_eq(cv_aispm_approval_path(&A, &d),
	    "approval_required_unassigned");
	dec_of("{\"decision\":\"block\"}", &d);
	cr_assert_null(cv_aispm_approval_path(&A, &d));
	/* labels do not give an approval path */
	dec_of("{\"decision\":\"allow\",\"labels\":{\"approval_route\":"
	    "\"x\"},\"metadata\":{\"approval_path\":\"Sec\"}}", &d);
	cr_assert_str_eq(cv_aispm_approval_path(&A, &d), "Sec");
}

Test(aispm, actor_labels)
{
	cr_assert_null(cv_aispm_actor_label(&A, NULL));
	cr_assert_null(cv_aispm_actor_label(&A, ""));
	cr_assert_str_eq(cv_aispm_actor_label(&A, "codex-agent"),
	    "automation:codex-agent");
	cr_assert_str_eq(cv_aispm_actor_label(&A, "Deploy-BOT"),
	    "automation:Deploy-BOT");
	/* an automation label is not prefixed twice */
	cr_assert_str_eq(cv_aispm_actor_label(&A, "automation:ci"),
	    "automation:ci");
	cr_assert_str_eq(cv_aispm_actor_label(&A, "alice@example.com"),
	    "role:approver");
}

Test(aispm, identifiers_and_rounding)
{
	char	 longs[300];

	cr_assert_str_eq(cv_aispm_slug(&A, "Payments/API"), "payments-api");
	cr_assert_str_eq(cv_aispm_slug(&A, "--a__b--"), "a-b");
	cr_assert_str_eq(cv_aispm_slug(&A, "///"), "local");
	cr_assert_str_eq(cv_aispm_slug(&A, NULL), "local");
	memset(longs, 'x', 200);
	longs[200] = '\0';
	cr_assert_eq(strlen(cv_aispm_slug(&A, longs)), 80);
	cr_assert_str_eq(cv_aispm_node_id(&A, "target",
	    "sensitive_data:sensitive target redacted"),
	    "target-sensitive-data-sensitive-target-redacted");
	cr_assert_str_eq(cv_aispm_node_id(&A, "tool", "!!"), "tool-unknown");
	cr_assert_eq(strlen(cv_aispm_node_id(&A, "agent", longs)), 120);
	cr_assert_str_eq(cv_aispm_title(&A, "tool_or_mcp_governance_risk"),
	    "Tool Or Mcp Governance Risk");
	/* half to even, as Python's round() */
	cr_assert_eq(cv_aispm_round_div(220, 12), 18);
	cr_assert_eq(cv_aispm_round_div(5, 2), 2);
	cr_assert_eq(cv_aispm_round_div(7, 2), 4);
	cr_assert_eq(cv_aispm_round_div(11, 4), 3);
	cr_assert_eq(cv_aispm_round_div(-7, 2), -4);
	cr_assert_eq(cv_aispm_round_div(3, 0), 0);
}

/* ---- builders on fixed data sets ---------------------------------- */

/* The sample dashboard (the reference's data set, section 5). */
static struct json_object *sample;

static void
sample_load(void)
{
	setup();
	sample = aispm_sample(&A);
}

static void
sample_free(void)
{
	json_object_put(sample);
	teardown();
}

static struct json_object *
at(struct json_object *o, const char *path)
{
	char			 key[128];
	const char		*p, *e;
	size_t			 n;

	for (p = path; o != NULL && *p != '\0'; p = *e != '\0' ? e + 1 : e) {
		e = strchr(p, '.');
		if (e == NULL)
			e = p + strlen(p);
		n = (size_t)(e - p);
		cr_assert_lt(n, sizeof(key));
		memcpy(key, p, n);
		key[n] = '\0';
		if (json_object_is_type(o, json_type_array))
			o = json_object_array_get_idx(o, (size_t)atoi(key));
		else
			o = json_object_object_get(o, key);
	}
	cr_assert_not_null(o, "no %s", path);
	return o;
}

static const char *
sat(struct json_object *o, const char *path)
{
	return json_object_get_string(at(o, path));
}

static int64_t
iat(struct json_object *o, const char *path)
{
	return json_object_get_int64(at(o, path));
}

/* The strings of array a joined with ",". */
static const char *
joined(struct json_object *a)
{
	const char	**v;
	size_t		 i, n;

	n = json_object_array_length(a);
	v = cv_arena_alloc(&A, (n + 1) * sizeof(*v));
	for (i = 0; i < n; i++)
		v[i] = json_object_get_string(json_object_array_get_idx(a, i));
	return cv_arena_join(&A, v);
}

/* The values of member key of the items of array a, joined. */
static const char *
column(struct json_object *a, const char *key)
{
	struct json_object	*c;
	size_t			 i;
	const char		*s;

	c = json_object_new_array();
	for (i = 0; i < json_object_array_length(a); i++)
		json_object_array_add(c, json_object_get(json_object_object_get(
		    json_object_array_get_idx(a, i), key)));
	s = cv_arena_strdup(&A, joined(c));
	json_object_put(c);
	return s;
}

Test(aispm_build, sample_overview_and_agents, .init = sample_load,
    .fini = sample_free)
{
	cr_assert_eq(iat(sample, "overview.posture_score"), 12);
	cr_assert_str_eq(sat(sample, "overview.risk_level"), "critical");
	cr_assert_eq(iat(sample, "overview.total_sessions"), 2);
	cr_assert_eq(iat(sample, "overview.total_decisions"), 3);
	cr_assert_eq(iat(sample, "overview.blocked_actions"), 1);
	cr_assert_eq(iat(sample, "overview.approval_required_actions"), 1);
	cr_assert_eq(iat(sample, "overview.warned_actions"), 1);
	cr_assert_eq(iat(sample, "overview.risk_findings"), 3);
	cr_assert_eq(iat(sample, "overview.critical_findings"), 1);
	cr_assert_eq(iat(sample, "overview.high_findings"), 1);
	cr_assert_str_eq(sat(sample, "overview.latest_activity_at"),
	    "2026-06-09T00:02:00+00:00");
	cr_assert_str_eq(sat(sample, "overview.evidence_confidence"),
	    "activity_evidence_refs");
	cr_assert_str_eq(column(at(sample, "agents"), "agent_id"),
	    "claude-code-agent, codex-agent");
	cr_assert_eq(iat(sample, "agents.1.decision_count"), 2);
	cr_assert_eq(iat(sample, "agents.1.blocked_actions"), 1);
	cr_assert_str_eq(sat(sample, "agents.1.last_seen_at"),
	    "2026-06-09T00:01:00+00:00");
	cr_assert_str_eq(column(at(sample, "agents"), "drift_status"),
	    "baseline, review_required");
	cr_assert_str_eq(sat(sample, "control_plane.trace_replay"),
	    "local_timeline_available");
	cr_assert_eq(json_object_array_length(at(sample,
	    "enterprise_unlocks.capabilities")), 17);
}

Test(aispm_build, sample_findings_timeline_coverage, .init = sample_load,
    .fini = sample_free)
{
	cr_assert_str_eq(column(at(sample, "findings"), "decision_id"),
	    "sample-dec-003, sample-dec-002, sample-dec-001");
	cr_assert_str_eq(column(at(sample, "findings"), "risk_classification"),
	    "tool_or_mcp_governance_risk, "
	    "credential_or_sensitive_data_exposure, "
	    "infrastructure_change_risk");
	cr_assert_str_eq(column(at(sample, "near_misses"), "decision_id"),
	    "sample-dec-003, sample-dec-001");
	cr_assert_str_eq(column(at(sample, "near_misses"), "operator_signal"),
	    "warning_allowed_with_operator_visibility, "
	    "approval_prevented_unreviewed_execution");
	cr_assert_str_eq(column(at(sample, "timeline"), "title"),
	    "Session active, warn mcp_tool_call, Session completed, "
	    "block read_file, require_approval execute_command");
	/* the timeline summarises the .env target (the reference shows it) */
	cr_assert_str_eq(sat(sample, "timeline.3.target"), CV_AISPM_REDACTED);
	cr_assert_str_eq(column(at(sample, "control_coverage"),
	    "coverage_status"), "enforced, approval_gated, warning_only, "
	    "not_observed_locally, not_observed_locally, "
	    "not_observed_locally");
	cr_assert_str_eq(sat(sample, "control_coverage.5.evidence_confidence"),
	    "sample_or_empty");
	cr_assert_str_eq(joined(at(sample, "approval_lineage.0.evidence_refs")),
	    "approval://sample-apr-001, sample://evidence/iac-production-change");
	cr_assert_str_eq(sat(sample, "approval_lineage.0.requested_by"),
	    "automation:codex-agent");
}

Test(aispm_build, sample_fingerprints_gaps_forecasts_drift,
    .init = sample_load, .fini = sample_free)
{
	cr_assert_str_eq(column(at(sample, "behavior_fingerprints"),
	    "drift_score"), "71, 12");
	cr_assert_str_eq(joined(at(sample,
	    "behavior_fingerprints.0.risk_signals")), "blocked_action, "
	    "approval_gate, critical_or_high_decision, sensitive_data_access, "
	    "infrastructure_change, multiple_policy_packs");
	cr_assert_str_eq(sat(sample, "behavior_fingerprints.1.drift_status"),
	    "unusual_behavior");
	cr_assert_str_eq(column(at(sample, "policy_context_gaps"),
	    "decision_id"), "sample-dec-001, sample-dec-002, sample-dec-003");
	cr_assert_str_eq(joined(at(sample,
	    "policy_context_gaps.2.missing_context")), "environment_tier, "
	    "system_criticality, tool_owner, tool_trust_tier");
	cr_assert_str_eq(joined(at(sample,
	    "policy_context_gaps.2.present_context")),
	    "business_justification");
	cr_assert_eq(json_object_array_length(at(sample,
	    "policy_context_gaps.1.missing_context")), 6);
	cr_assert_str_eq(column(at(sample, "pre_action_risk_forecasts"),
	    "forecast_status"), "block_recommended, approval_recommended, "
	    "warn_recommended");
	cr_assert_str_eq(column(at(sample, "pre_action_risk_forecasts"),
	    "projected_blast_radius"), "secret_scope, "
	    "production_infrastructure, tooling_surface");
	cr_assert_str_eq(column(at(sample, "intent_action_drift"),
	    "drift_score"), "81, 35, 6");
	cr_assert_str_eq(column(at(sample, "intent_action_drift"),
	    "drift_status"), "high_drift, needs_review, aligned");
	cr_assert_str_eq(joined(at(sample, "intent_action_drift.0."
	    "drift_signals")), "sensitive_target_not_declared, "
	    "blocked_after_declared_intent, critical_or_high_intent_drift, "
	    "action_type_not_explicit_in_intent");
}

Test(aispm_build, sample_graph_blast_heatmap, .init = sample_load,
    .fini = sample_free)
{
	struct json_object	*g = at(sample, "tool_chain_graph");

	cr_assert_str_eq(column(at(g, "nodes"), "node_id"),
	    "agent-claude-code-agent, agent-codex-agent, "
	    "policy-cavra-ai-agent-baseline, policy-cloud-iam-prod, "
	    "policy-mcp-enterprise, target-mcp-tools-filesystem-write, "
	    "target-sensitive-data-sensitive-target-redacted, "
	    "target-infrastructure-iac-terraform-apply, tool-filesystem, "
	    "tool-filesystem-write, tool-shell");
	cr_assert_str_eq(sat(g, "nodes.1.risk_band"), "low");
	cr_assert_eq(iat(g, "nodes.1.decision_count"), 2);
	cr_assert_eq(json_object_array_length(at(g, "edges")), 9);
	cr_assert_eq(iat(g, "edges.0.risk_score"), 98);
	cr_assert_eq(iat(g, "edges.3.risk_score"), 52);
	cr_assert_eq(iat(g, "edges.6.risk_score"), 32);
	cr_assert_str_eq(column(at(g, "hotspots"), "hotspot_id"),
	    "hotspot-codex-agent-payments-api, "
	    "hotspot-claude-code-agent-platform-infra");
	cr_assert_str_eq(sat(g, "hotspots.0.dominant_surface"),
	    "sensitive_data");
	cr_assert_str_eq(column(at(sample, "agent_blast_radius"),
	    "blast_radius_score"), "71, 10");
	cr_assert_str_eq(joined(at(sample,
	    "agent_blast_radius.0.target_classes")),
	    "production_infrastructure, sensitive_data:redacted");
	cr_assert_str_eq(joined(at(sample,
	    "agent_blast_radius.1.recommended_controls")),
	    "capture_signed_evidence, review_agent_scope, "
	    "bind_explicit_approval_route, verify_tool_trust_tier");
	cr_assert_eq(iat(sample, "control_coverage_heatmap.coverage_score"),
	    18);
	cr_assert_eq(json_object_array_length(at(sample,
	    "control_coverage_heatmap.top_gaps")), 8);
	cr_assert_str_eq(sat(sample, "control_coverage_heatmap.top_gaps.7."
	    "gap_id"), "coverage-gap-codex-agent-payments-api-source_control");
}

Test(aispm_build, sample_evidence_narrative_draft, .init = sample_load,
    .fini = sample_free)
{
	cr_assert_eq(iat(sample, "evidence_confidence_drilldown.summary."
	    "evidence_score"), 45);
	cr_assert_eq(iat(sample, "evidence_confidence_drilldown.summary."
	    "total_facts"), 3);
	cr_assert_eq(iat(sample, "evidence_freshness_slo.summary."
	    "freshness_score"), 100);
	cr_assert_eq(iat(sample, "evidence_freshness_slo.summary."
	    "retention_score"), 45);
	cr_assert_eq(iat(sample, "evidence_freshness_slo.summary."
	    "slo_monitor_items"), 3);
	cr_assert_str_eq(sat(sample, "executive_risk_narrative.headline"),
	    "CAVRA Community reports critical AI-agent posture from 3 local "
	    "decision(s), including 1 blocked action(s) and 1 approval-gated "
	    "action(s), with 0 evidence SLO breach(es) requiring operator "
	    "review.");
	cr_assert_str_eq(column(at(sample, "executive_risk_narrative."
	    "recommended_actions"), "action_id"), "review-top-ai-agent-risks, "
	    "validate-approval-latency, plan-enterprise-live-posture");
	cr_assert_str_eq(column(at(sample, "replay_to_policy_draft."
	    "recommendations"), "recommendation_id"),
	    "policy-rec-1-sample-dec-001, policy-rec-2-sample-dec-002, "
	    "policy-rec-3-sample-dec-003");
	cr_assert_str_eq(sat(sample, "replay_to_policy_draft.policy_draft."
	    "policy_pack.metadata.id"),
	    "cavra-replay-derived-sample-session-001");
	/* the sample's draft is dated the sample's day: deterministic */
	cr_assert_str_eq(sat(sample, "replay_to_policy_draft.policy_draft."
	    "policy_pack.metadata.version"), "2026.06.09");
	cr_assert_eq(iat(sample, "replay_to_policy_draft.summary.rule_counts."
	    "approvals"), 2);
	cr_assert_eq(iat(sample, "replay_to_policy_draft.summary.rule_counts."
	    "compliance"), 3);
}

Test(aispm_build, sample_is_the_same_bytes_every_time)
{
	struct json_object	*a, *b;
	char			*ta, *tb;

	a = aispm_sample(&A);
	b = aispm_sample(&A);
	ta = strdup(json_object_to_json_string(a));
	tb = strdup(json_object_to_json_string(b));
	cr_assert_str_eq(ta, tb);
	free(ta);
	free(tb);
	json_object_put(a);
	json_object_put(b);
}

/* A set of decisions and sessions from JSON text, evaluated at now. */
struct fx {
	struct json_object	*dec;
	struct json_object	*sess;
	struct aispm_set	 s;
};

static void
fx_load(struct fx *f, const char *dec, const char *sess, const char *now)
{
	f->dec = json_tokener_parse(dec);
	f->sess = json_tokener_parse(sess != NULL ? sess : "[]");
	cr_assert_not_null(f->dec);
	cr_assert_not_null(f->sess);
	aispm_set_init(&f->s, &A, f->dec, f->sess, now);
}

static void
fx_free(struct fx *f)
{
	json_object_put(f->dec);
	json_object_put(f->sess);
}

Test(aispm_build, freshness_ages_and_retention)
{
	struct fx		 f;
	struct json_object	*o, *items;

	/* 1 h with an archive ref; 10 days; 2 days without refs; none */
	fx_load(&f, "[{\"decision_id\":\"d1\",\"timestamp\":"
	    "\"2026-06-10T11:00:00+00:00\",\"evidence_refs\":"
	    "[\"archive://a\"]},"
	    "{\"decision_id\":\"d2\",\"timestamp\":\"2026-05-31T12:00:00Z\","
	    "\"evidence_refs\":[\"evidence://b\"]},"
	    "{\"decision_id\":\"d3\",\"timestamp\":\"2026-06-08T12:00:00\"},"
	    "{\"decision_id\":\"d4\",\"evidence_refs\":[\"sample://c\"]}]",
	    NULL, "2026-06-10T12:00:00+00:00");
	o = aispm_freshness(&f.s);
	cr_assert_eq(iat(o, "summary.fresh_items"), 1);
	cr_assert_eq(iat(o, "summary.review_soon_items"), 1);
	cr_assert_eq(iat(o, "summary.stale_items"), 1);
	cr_assert_eq(iat(o, "summary.missing_timestamp_items"), 1);
	cr_assert_eq(iat(o, "summary.retention_ready_items"), 1);
	cr_assert_eq(iat(o, "summary.retention_gap_items"), 2);
	cr_assert_eq(iat(o, "summary.slo_breached_items"), 3);
	cr_assert_eq(iat(o, "summary.slo_met_items"), 1);
	cr_assert_eq(iat(o, "summary.oldest_age_hours"), 240);
	/* (100 + 68 + 18 + 0) / 4 = 46.5: half to even */
	cr_assert_eq(iat(o, "summary.freshness_score"), 46);
	items = at(o, "items");
	/* breached first, oldest first; no time stamp last among them */
	cr_assert_str_eq(column(items, "source_id"), "d2, d3, d4, d1");
	cr_assert_str_eq(column(items, "freshness_status"), "stale, "
	    "review_soon, timestamp_missing, fresh");
	cr_assert_null(json_object_object_get(json_object_array_get_idx(items,
	    2), "age_hours"));
	json_object_put(o);
	fx_free(&f);
}

Test(aispm_build, replay_draft_of_a_session)
{
	struct fx		 f;
	struct json_object	*o, *fx;

	fx_load(&f, "[{\"decision_id\":\"d2\",\"session_id\":\"session-1\","
	    "\"action_type\":\"execute_command\",\"target\":"
	    "\"terraform apply\",\"decision\":\"require_approval\","
	    "\"severity\":\"high\",\"timestamp\":\"2026-06-10T00:01:00Z\"},"
	    "{\"decision_id\":\"d1\",\"session_id\":\"session-1\","
	    "\"action_type\":\"read_file\",\"target\":\".env.production\","
	    "\"decision\":\"block\",\"severity\":\"critical\","
	    "\"timestamp\":\"2026-06-10T00:00:00Z\"},"
	    "{\"decision_id\":\"d0\",\"session_id\":\"session-1\","
	    "\"action_type\":\"read_file\",\"target\":\"README.md\","
	    "\"decision\":\"allow\",\"severity\":\"low\","
	    "\"timestamp\":\"2026-06-09T00:00:00Z\"}]",
	    NULL, "2026-06-10T12:00:00+00:00");
	o = aispm_draft(&f.s, "session-1");
	cr_assert_str_eq(sat(o, "policy_draft.policy_pack.metadata.id"),
	    "cavra-replay-derived-session-1");
	cr_assert_str_eq(joined(at(o, "policy_draft.policy_pack.filesystem."
	    "block_read")), ".env*");
	cr_assert_str_eq(joined(at(o, "policy_draft.policy_pack.commands."
	    "require_approval")), "terraform apply*");
	cr_assert_eq(iat(o, "summary.recommended_rules"), 2);
	cr_assert_eq(iat(o, "summary.authorable_decisions"), 2);
	cr_assert_eq(iat(o, "summary.source_decisions"), 3);
	cr_assert_str_eq(column(at(o, "recommendations"), "recommendation_id"),
	    "policy-rec-1-d1, policy-rec-2-d2");
	cr_assert(json_object_get_boolean(at(o, "summary.draft_valid")));
	cr_assert_str_eq(sat(o, "policy_draft.policy_pack.metadata.version"),
	    "2026.06.10");
	fx = aispm_test_fixture(&A, o, "session-1");
	cr_assert_eq(iat(fx, "case_count"), 2);
	cr_assert_str_eq(sat(fx, "cases.0.case_id"), "replay-policy-test-1-d1");
	cr_assert_str_eq(sat(fx, "cases.0.input.target"), ".env*");
	cr_assert_str_eq(sat(fx, "cases.0.input.policy_pack"),
	    "cavra-replay-derived-session-1");
	json_object_put(fx);
	json_object_put(o);
	fx_free(&f);
}

Test(aispm_build, replay_draft_dedupes_and_keeps_indexes)
{
	struct fx		 f;
	struct json_object	*o;

	fx_load(&f, "[{\"decision_id\":\"c\",\"action_type\":"
	    "\"execute_command\",\"target\":\"npm   install  \","
	    "\"decision\":\"block\",\"timestamp\":\"3\"},"
	    "{\"decision_id\":\"b\",\"action_type\":\"mcp_tool_call\","
	    "\"decision\":\"warn\",\"timestamp\":\"2\"},"
	    "{\"decision_id\":\"a\",\"action_type\":\"mcp_tool_call\","
	    "\"decision\":\"warn\",\"timestamp\":\"1\"}]", NULL,
	    "2026-06-10T00:00:00Z");
	o = aispm_draft(&f.s, "Payments/API");
	/* the second MCP warning proposes the same rule: dropped, and the
	 * next keeps its number */
	cr_assert_str_eq(column(at(o, "recommendations"), "recommendation_id"),
	    "policy-rec-1-a, policy-rec-3-c");
	cr_assert_str_eq(joined(at(o, "policy_draft.policy_pack.commands."
	    "block")), "npm   install*");
	cr_assert_str_eq(sat(o, "policy_draft.policy_pack.metadata.id"),
	    "cavra-replay-derived-payments-api");
	json_object_put(o);
	fx_free(&f);
}

/* Whether text t shows s anywhere. */
static int
shows(struct json_object *o, const char *s)
{
	return strstr(json_object_to_json_string(o), s) != NULL;
}

/*
 * What the reference shows of a secret (the timeline target, finding
 * and near-miss reasons, declared intent, a raw MCP target as a tool,
 * replay-draft patterns and test inputs) is not shown by any piece.
 */
Test(aispm_build, no_piece_shows_a_secret)
{
	struct fx		 f;
	struct json_object	*o, *draft;

	fx_load(&f, "[{\"decision_id\":\"t1\",\"session_id\":\"s1\","
	    "\"agent_id\":\"bot\",\"action_type\":\"execute_command\","
	    "\"target\":\"curl -H x$GH_TOKEN_abc99\",\"decision\":\"block\","
	    "\"severity\":\"high\",\"reason\":\"Blocked curl -H "
	    "x$GH_TOKEN_abc99 exfiltration\",\"declared_intent\":\"use "
	    "GH_TOKEN_abc99 to call api\",\"timestamp\":\"2026-06-10T00:00:00Z\","
	    "\"evidence_refs\":[\"evidence://s1/t1\"]},"
	    "{\"decision_id\":\"t2\",\"session_id\":\"s1\",\"agent_id\":\"bot\","
	    "\"action_type\":\"mcp_tool_call\",\"target\":"
	    "\"vault.read_secret_abc99\",\"decision\":\"warn\","
	    "\"reason\":\"vault.read_secret_abc99 needs review\","
	    "\"timestamp\":\"2026-06-10T00:01:00Z\"}]",
	    "[{\"session_id\":\"s1\",\"agent_id\":\"bot\"}]",
	    "2026-06-10T12:00:00+00:00");
	o = aispm_posture(&f.s, "local_activity", "local_activity_store",
	    json_object_new_object(), NULL, "local_activity_window");
	cr_assert(!shows(o, "abc99"), "a secret shows: %s",
	    json_object_to_json_string(o));
	cr_assert(shows(o, CV_AISPM_REDACTED));
	draft = aispm_draft(&f.s, "s1");
	cr_assert_str_eq(joined(at(draft, "policy_draft.policy_pack.commands."
	    "block")), "*token*");
	json_object_put(draft);
	json_object_put(o);
	o = aispm_trace(&f.s, "s1", NULL);
	cr_assert(!shows(o, "abc99"));
	cr_assert_str_eq(sat(o, "steps.0.decision_id"), "t1");
	cr_assert_str_eq(sat(o, "session.state"), "decision_only");
	json_object_put(o);
	fx_free(&f);
}

Test(aispm_build, heatmap_rows_from_sessions_alone)
{
	struct fx		 f;
	struct json_object	*sum, *o;

	fx_load(&f, "[]", "[{\"session_id\":\"s\",\"agent_id\":\"z\","
	    "\"repository\":\"r\"},{\"session_id\":\"t\",\"agent_id\":\"a\"}]",
	    "2026-06-10T12:00:00+00:00");
	o = aispm_heatmap(&f.s, &sum);
	cr_assert_str_eq(column(at(o, "rows"), "row_id"),
	    "coverage-a-local, coverage-z-r");
	cr_assert_eq(iat(sum, "cell_count"), 12);
	cr_assert_eq(iat(sum, "not_observed_cells"), 12);
	cr_assert_eq(iat(sum, "coverage_score"), 0);
	json_object_put(o);
	json_object_put(sum);
	o = aispm_confidence(&f.s);
	/* sessions no decision belongs to are facts of their own */
	cr_assert_eq(iat(o, "summary.total_facts"), 2);
	cr_assert_str_eq(sat(o, "facts.0.fact_type"), "agent_session");
	cr_assert_str_eq(sat(o, "summary.lowest_confidence_level"),
	    "activity_metadata_only");
	json_object_put(o);
	fx_free(&f);
}

Test(aispm_build, empty_window)
{
	struct fx		 f;
	struct json_object	*o, *fr;

	fx_load(&f, "[]", "[]", "2026-06-10T12:00:00+00:00");
	o = aispm_overview(&f.s);
	cr_assert_eq(iat(o, "posture_score"), 100);
	cr_assert_str_eq(sat(o, "risk_level"), "low");
	cr_assert(json_object_is_type(json_object_object_get(o,
	    "latest_activity_at"), json_type_null));
	fr = aispm_freshness(&f.s);
	cr_assert(json_object_is_type(json_object_object_get(at(fr, "summary"),
	    "oldest_age_hours"), json_type_null));
	json_object_put(fr);
	json_object_put(o);
	o = aispm_control_plane(&f.s);
	cr_assert_str_eq(sat(o, "trace_replay"),
	    "sample_or_enterprise_required");
	json_object_put(o);
	fx_free(&f);
}

Test(aispm_build, lineage_item_reduces_people_to_roles, .fini = recs_free)
{
	struct json_object	*apr, *o;

	apr = json_tokener_parse("{\"approval_id\":\"apr_1\","
	    "\"decision_id\":\"d9\",\"state\":\"approved\","
	    "\"requested_by\":\"codex\",\"decided_by\":\"jane.doe\","
	    "\"decision\":{\"decision_id\":\"d9\",\"session_id\":\"s9\","
	    "\"action_type\":\"read_file\",\"target\":\"prod.secret\","
	    "\"severity\":\"critical\"},\"evidence_refs\":[\"approval://apr_1\"]"
	    "}");
	o = aispm_lineage_item(&A, apr, NULL);
	cr_assert_str_eq(sat(o, "lineage_id"), "lineage-apr_1");
	cr_assert_str_eq(sat(o, "session_id"), "s9");
	cr_assert_str_eq(sat(o, "requested_by"), "automation:codex");
	cr_assert_str_eq(sat(o, "decided_by"), "role:approver");
	cr_assert_str_eq(sat(o, "approver_group"), "unassigned");
	cr_assert_str_eq(sat(o, "decision.target_summary"), CV_AISPM_REDACTED);
	cr_assert_str_eq(sat(o, "decision.control_surface"), "sensitive_data");
	cr_assert(!shows(o, "jane"));
	json_object_put(o);
	json_object_put(apr);
}

/* ---- validators --------------------------------------------------- */

/* A valid review packet, as the console builds them. */
static const char review_ok[] = "{"
    "\"schema_version\":\"cavra.aispm.replay_to_policy_review_packet.v1\","
    "\"product\":\"CAVRA\",\"edition\":\"community\","
    "\"mode\":\"review_packet_export\","
    "\"data_provenance\":{\"draft\":\"sample_data\",\"tests\":"
    "\"sample_data\"},"
    "\"source\":{\"session_id\":null,\"draft_schema_version\":"
    "\"cavra.aispm.replay_to_policy_draft.v1\",\"test_schema_version\":"
    "\"cavra.aispm.replay_to_policy_tests.v1\"},"
    "\"review_summary\":{\"status\":\"ready_for_review\",\"checks_passed\":1,"
    "\"checks_total\":1,\"ci_adoption\":\"requires_human_review\","
    "\"approval_required\":true},"
    "\"review_checklist\":[{\"label\":\"Human approval\",\"status\":\"pass\","
    "\"detail\":\"d\"}],"
    "\"policy_draft\":{},"
    "\"test_fixture\":{\"schema_version\":"
    "\"cavra.policy_tests.replay_to_policy.v1\",\"policy_id\":\"p\","
    "\"source_scope\":\"s\",\"case_count\":0,\"cases\":[],"
    "\"validation\":{}},"
    "\"export\":{\"status\":\"review_only_packet\",\"filename\":"
    "\"cavra-replay-policy-review-packet.json\",\"intended_use\":\"x\"},"
    "\"redaction\":{}}";

/* "path: message" of each error, joined. */
static const char *
errs(struct json_object *e)
{
	const char	**v;
	size_t		 i, n;

	n = json_object_array_length(e);
	v = cv_arena_alloc(&A, (n + 1) * sizeof(*v));
	for (i = 0; i < n; i++)
		v[i] = cv_arena_printf(&A, "%s: %s", sat(e, cv_arena_printf(&A,
		    "%zu.path", i)), sat(e, cv_arena_printf(&A, "%zu.message",
		    i)));
	return cv_arena_join(&A, v);
}

Test(aispm_validate, review_packet_valid)
{
	struct json_object	*p, *e;

	p = json_tokener_parse(review_ok);
	e = aispm_check_review_packet(&A, p);
	cr_assert_eq(json_object_array_length(e), 0, "%s", errs(e));
	json_object_put(e);
	json_object_put(p);
}

Test(aispm_validate, review_packet_errors_name_paths)
{
	struct json_object	*p, *e;

	p = json_tokener_parse(review_ok);
	json_object_object_del(p, "redaction");
	json_object_object_add(at(p, "review_checklist.0"), "status",
	    json_object_new_string("done"));
	json_object_object_add(at(p, "review_summary"), "checks_total",
	    json_object_new_int(-1));
	json_object_object_add(at(p, "review_summary"), "approval_required",
	    json_object_new_boolean(0));
	json_object_object_add(at(p, "test_fixture"), "case_count",
	    json_object_new_int(2));
	json_object_object_add(at(p, "export"), "filename",
	    json_object_new_string("x.json"));
	e = aispm_check_review_packet(&A, p);
	cr_assert_str_eq(errs(e),
	    "$: 'redaction' is a required property, "
	    "$.export.filename: 'cavra-replay-policy-review-packet.json' was "
	    "expected, "
	    "$.review_checklist.0.status: 'done' is not one of ['pass', "
	    "'review_required', 'not_ready'], "
	    "$.review_summary.approval_required: True was expected, "
	    "$.review_summary.checks_total: -1 is less than the minimum of 0, "
	    "$.test_fixture.case_count: case_count must match the number of "
	    "test_fixture.cases, "
	    "$.review_summary.checks_total: checks_total must match "
	    "review_checklist length, "
	    "$.review_summary.checks_passed: checks_passed must match "
	    "checklist pass count, "
	    "$.export.filename: review packet filename must remain "
	    "cavra-replay-policy-review-packet.json, "
	    "$.review_summary.approval_required: review packets must require "
	    "human approval");
	json_object_put(e);
	json_object_put(p);
	p = json_tokener_parse("{\"review_checklist\":[]}");
	e = aispm_check_review_packet(&A, p);
	cr_assert(strstr(errs(e), "$.review_checklist: [] should be "
	    "non-empty") != NULL, "%s", errs(e));
	json_object_put(e);
	json_object_put(p);
}

static const char ci_ok[] = "{"
    "\"schema_version\":\"cavra.aispm.replay_to_policy_ci_gate_readiness.v1\","
    "\"product\":\"CAVRA\",\"edition\":\"community\","
    "\"mode\":\"ci_gate_readiness_export\","
    "\"source\":{\"review_packet\":\"cavra-replay-policy-review-packet.json\","
    "\"review_packet_status\":\"review_only_packet\","
    "\"review_summary_status\":\"Reviewer Action Required\","
    "\"checks_passed\":4,\"checks_total\":6},"
    "\"required_packet\":{\"filename\":"
    "\"cavra-replay-policy-review-packet.json\",\"purpose\":\"p\"},"
    "\"gates\":["
    "{\"platform\":\"GitHub Actions\",\"required_check\":"
    "\"cavra-aispm-review-packet\",\"template_path\":\"examples/"
    "github-actions/cavra-aispm-review-packet-validation.yml\","
    "\"setup\":\"s\",\"enforcement\":\"e\"},"
    "{\"platform\":\"GitLab CI\",\"required_check\":"
    "\"cavra-aispm-review-packet\",\"template_path\":\"examples/gitlab-ci/"
    "cavra-aispm-review-packet-validation.gitlab-ci.yml\","
    "\"setup\":\"s\",\"enforcement\":\"e\"},"
    "{\"platform\":\"Azure Pipelines\",\"required_check\":"
    "\"cavra-aispm-review-packet\",\"template_path\":\"examples/"
    "azure-pipelines/cavra-aispm-review-packet-validation."
    "azure-pipelines.yml\",\"setup\":\"s\",\"enforcement\":\"e\"}],"
    "\"validation\":{\"cli_command\":\"cavra aispm "
    "validate-ci-gate-readiness cavra-replay-policy-ci-gate-readiness.json "
    "--repo-root .\",\"api_endpoint\":"
    "\"/aispm/replay-to-policy-ci-gate-readiness/validate\"},"
    "\"readiness_checklist\":[\"x\"],"
    "\"enterprise_boundaries\":{\"automated_ci_write_back\":"
    "\"requires_cavra_enterprise\"}}";

Test(aispm_validate, ci_gate_valid_and_not)
{
	struct json_object	*p, *e;

	p = json_tokener_parse(ci_ok);
	e = aispm_check_ci_gate(&A, p);
	cr_assert_eq(json_object_array_length(e), 0, "%s", errs(e));
	json_object_put(e);
	json_object_array_del_idx(at(p, "gates"), 1, 1);
	json_object_object_add(at(p, "gates.0"), "required_check",
	    json_object_new_string("other"));
	json_object_object_add(at(p, "source"), "checks_passed",
	    json_object_new_int(7));
	json_object_object_add(at(p, "enterprise_boundaries"),
	    "automated_ci_write_back", json_object_new_string("available"));
	e = aispm_check_ci_gate(&A, p);
	cr_assert_str_eq(errs(e),
	    "$.enterprise_boundaries.automated_ci_write_back: "
	    "'requires_cavra_enterprise' was expected, "
	    "$.gates.0.required_check: 'cavra-aispm-review-packet' was "
	    "expected, "
	    "$.source.checks_passed: checks_passed cannot exceed checks_total, "
	    "$.enterprise_boundaries.automated_ci_write_back: Enterprise "
	    "boundary values must remain requires_cavra_enterprise, "
	    "$.gates.GitHub Actions.required_check: required_check must be "
	    "cavra-aispm-review-packet, "
	    "$.gates: missing CI gate platform: GitLab CI");
	json_object_put(e);
	json_object_put(p);
}
