/*
 * API tests of cavra-sandbox: the scenario list, the flagship run and its
 * seven real decisions, their persistence in the activity store (listed
 * by cavra-activity) and the evidence store (across a restart), the
 * events, evidence, attestation and compliance downloads, the metrics,
 * replay, and bad input.  Every test runs against the JSON and the SQLite
 * stores.  Only the flagship test makes runs, so its metrics deltas are
 * exact while the other tests run alongside.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cavra.h"
#include "harness.h"

#define SCENARIO	"before-the-agent-acts"
#define RUNS		"/api/sandbox/runs/"

/* The flagship under the baseline pack, in event order. */
static const struct {
	const char	*action_type;
	const char	*target;
	const char	*operation;
	const char	*decision;
	const char	*severity;
	const char	*rule_id;
	const char	*approver;	/* NULL: JSON null */
} flagship[] = {
	{ "read_file", ".env", "read", "block", "high",
	    "filesystem.read.block", NULL },
	{ "write_file", "iam/admin-role.tf", "write", "require_approval",
	    "high", "filesystem.write.require_approval", "Platform Security" },
	{ "execute_command", "terraform plan", "terraform plan", "allow",
	    "low", "commands.allow", NULL },
	{ "execute_command", "terraform apply -auto-approve",
	    "terraform apply -auto-approve", "block", "critical",
	    "commands.block", NULL },
	{ "mcp_tool_call", "unknown filesystem MCP server:read_file",
	    "filesystem", "block", "high", "mcp.server.trust.block_unknown",
	    NULL },
	{ "git_operation", "origin/main", "push", "block", "high",
	    "git.protected_branch.block_direct_push", NULL },
	{ "pull_request", "create PR", "create", "allow_with_attestation",
	    "medium", "git.pull_request.allow_with_attestation", NULL },
};

/* GET path, asserting the status; the answer is the caller's. */
static void
get(const char *path, long status, struct api_resp *r)
{
	api_req("GET", path, NULL, NULL, r);
	cr_assert_eq(r->status, status, "GET %s: %ld %s", path, r->status,
	    r->body);
}

/* GET of a printf-built path; the parsed answer, a new reference. */
static struct json_object *
get_json(const char *fmt, ...)
{
	struct api_resp		 r;
	struct json_object	*o;
	char			 path[2048];
	va_list			 ap;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	get(path, 200, &r);
	cr_assert_not_null(r.json, "GET %s: not JSON", path);
	o = json_object_get(r.json);
	api_free(&r);
	return o;
}

static long long
total(const char *fmt, ...)
{
	struct json_object	*o;
	char			 path[2048];
	long long		 t;
	va_list			 ap;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	o = get_json("%s", path);
	t = api_int(o, "total");
	json_object_put(o);
	return t;
}

/* POST path with body (NULL: none); the run answered, a new reference. */
static struct json_object *
post_run(const char *path, const char *body)
{
	struct api_resp		 r;
	struct json_object	*o;

	api_req("POST", path, body, NULL, &r);
	cr_assert_eq(r.status, 200, "POST %s %s: %ld %s", path,
	    body != NULL ? body : "", r.status, r.body);
	o = json_object_get(r.json);
	api_free(&r);
	return o;
}

/* Asserts a bad request's problem: status and a detail holding want. */
static void
assert_refused(const char *method, const char *path, const char *body,
    long status, const char *want)
{
	struct api_resp	 r;
	const char	*detail;

	api_req(method, path, body, NULL, &r);
	api_assert_problem(&r, status);
	detail = api_str(r.json, "detail");
	cr_assert(strstr(detail, want) != NULL, "%s %s %s: detail \"%s\" "
	    "lacks \"%s\"", method, path, body != NULL ? body : "", detail,
	    want);
	api_free(&r);
}

static void
assert_str(struct json_object *o, const char *key, const char *want)
{
	struct json_object	*v = api_get(o, key);

	if (want == NULL) {
		cr_assert(v == NULL, "%s: want null, got %s", key,
		    json_object_to_json_string(v));
		return;
	}
	cr_assert_str_eq(api_str(o, key), want, "%s", key);
}

/* The body of a text download: status 200, content type ctype; the
 * caller frees it. */
static char *
download(const char *id, const char *what, const char *ctype)
{
	struct api_resp	 r;
	char		 path[512], *ct, *body;

	snprintf(path, sizeof(path), RUNS "%s/%s", id, what);
	get(path, 200, &r);
	ct = api_header(&r, "Content-Type");
	cr_assert(ct != NULL && strcmp(ct, ctype) == 0, "%s: Content-Type %s",
	    path, ct != NULL ? ct : "(none)");
	free(ct);
	body = strdup(r.body);
	api_free(&r);
	return body;
}

static void
assert_has(const char *text, const char *want)
{
	cr_assert(strstr(text, want) != NULL, "\"%s\" not in:\n%s", want,
	    text);
}

/*
 * The metrics now: total_runs, total_decisions, blocked_actions,
 * approval_required_actions, checking the fixed fields.
 */
static void
metrics(long long m[4])
{
	static const char *const keys[] = { "total_runs", "total_decisions",
	    "blocked_actions", "approval_required_actions" };
	struct json_object	*o;
	size_t			 i;

	o = get_json("/api/sandbox/metrics");
	assert_str(o, "schema_version", "cavra.sandbox.metrics.v1");
	assert_str(o, "product", "CAVRA");
	assert_str(o, "source", "activity_store");
	assert_str(o, "tracking", "none");
	assert_str(o, "telemetry", "disabled");
	assert_str(o, "scenario", SCENARIO);
	assert_str(o, "repository", "sandbox/" SCENARIO);
	api_str(o, "generated_at");
	for (i = 0; i < 4; i++)
		m[i] = api_int(o, keys[i]);
	if (m[0] > 0)
		api_str(o, "latest_run_at");
	json_object_put(o);
}

/*
 * Checks run object r: the labels, the counts of the baseline pack, the
 * artifacts and the seven events field by field.
 */
static void
check_run(struct json_object *r, const char *persona, const char *mode)
{
	struct json_object	*ev, *e, *a, *refs;
	const char		*id, *did;
	char			 want[256];
	size_t			 i;

	id = api_str(r, "run_id");
	cr_assert(strncmp(id, "run_", 4) == 0 && strlen(id) == 14, "run_id %s",
	    id);
	assert_str(r, "schema_version", "cavra.sandbox.run.v1");
	assert_str(r, "product", "CAVRA");
	assert_str(r, "scenario", SCENARIO);
	assert_str(r, "persona", persona);
	assert_str(r, "policy_mode", mode);
	assert_str(r, "policy_pack", "cavra-ai-agent-baseline");
	assert_str(r, "tagline", "Before the agent acts, CAVRA decides.");
	assert_str(r, "source", "cavra-api");
	api_str(r, "created_at");
	cr_assert_eq(api_int(r, "decision_count"), 7);
	cr_assert_eq(api_int(r, "blocked_count"), 4);
	cr_assert_eq(api_int(r, "approval_required_count"), 1);
	a = api_get(r, "artifacts");
	cr_assert_eq(json_object_array_length(a), 3);
	assert_str(json_object_array_get_idx(a, 0), "artifact",
	    "evidence.json");
	assert_str(json_object_array_get_idx(a, 1), "media_type",
	    "text/markdown");
	snprintf(want, sizeof(want), RUNS "%s/compliance", id);
	assert_str(json_object_array_get_idx(a, 2), "download_url", want);
	ev = api_get(r, "events");
	cr_assert_eq(json_object_array_length(ev), 7);
	for (i = 0; i < 7; i++) {
		e = json_object_array_get_idx(ev, i);
		snprintf(want, sizeof(want), "evt_%zu", i + 1);
		assert_str(e, "event_id", want);
		assert_str(e, "session_id", id);
		assert_str(e, "agent_id", "sandbox-agent");
		assert_str(e, "actor", "simulated-ai-agent");
		assert_str(e, "repository", "sandbox/" SCENARIO);
		assert_str(e, "policy_pack", "cavra-ai-agent-baseline");
		assert_str(e, "policy_id", "cavra-ai-agent-baseline");
		assert_str(e, "persona", persona);
		assert_str(e, "policy_mode", mode);
		assert_str(e, "action_type", flagship[i].action_type);
		assert_str(e, "target", flagship[i].target);
		assert_str(e, "requested_operation", flagship[i].operation);
		assert_str(e, "decision", flagship[i].decision);
		assert_str(e, "severity", flagship[i].severity);
		assert_str(e, "rule_id", flagship[i].rule_id);
		assert_str(e, "approver_group", flagship[i].approver);
		api_str(e, "reason");
		api_str(e, "timestamp");
		cr_assert(strncmp(api_str(e, "correlation_id"), "corr_", 5) ==
		    0);
		did = api_str(e, "decision_id");
		refs = api_get(e, "evidence_refs");
		snprintf(want, sizeof(want), "evidence://%s/%s", id, did);
		cr_assert_eq(json_object_array_length(refs), 1);
		cr_assert_str_eq(json_object_get_string(
		    json_object_array_get_idx(refs, 0)), want);
		cr_assert(json_object_equal(refs, api_get(e,
		    "evidence_generated")));
		cr_assert_str_eq(api_str(e, "agent"), "Simulated AI-agent "
		    "scenario using real CAVRA policy decisions.");
		api_str(e, "business_impact");
		api_str(e, "remediation");
	}
	assert_str(json_object_array_get_idx(ev, 0), "business_impact",
	    "Prevents secret exposure into AI-agent context.");
	assert_str(json_object_array_get_idx(ev, 0), "remediation",
	    "Use an approved workflow or request policy exception with "
	    "evidence.");
	assert_str(json_object_array_get_idx(ev, 6), "remediation",
	    "Attach the generated CAVRA attestation to the PR.");
}

/*
 * The decisions and session of run r as cavra-activity lists them: 7
 * decisions (4 block, 1 require_approval, 1 allow, 1
 * allow_with_attestation) with the events' ids, and a completed session.
 */
static void
check_persisted(struct json_object *r)
{
	struct json_object	*l, *s, *ev, *d;
	const char		*id = api_str(r, "run_id");
	size_t			 i, j;
	int			 found;

	cr_assert_eq(total("/decisions?session_id=%s", id), 7);
	cr_assert_eq(total("/decisions?session_id=%s&decision=block", id), 4);
	cr_assert_eq(total("/decisions?session_id=%s&decision="
	    "require_approval", id), 1);
	cr_assert_eq(total("/decisions?session_id=%s&decision=allow", id), 1);
	cr_assert_eq(total("/decisions?session_id=%s&decision="
	    "allow_with_attestation", id), 1);
	l = get_json("/decisions?session_id=%s", id);
	ev = api_get(r, "events");
	for (i = 0; i < 7; i++) {
		found = 0;
		for (j = 0; j < 7 && !found; j++) {
			d = json_object_array_get_idx(api_get(l, "items"), j);
			if (strcmp(api_str(d, "decision_id"), api_str(
			    json_object_array_get_idx(ev, i),
			    "decision_id")) != 0)
				continue;
			found = 1;
			assert_str(d, "schema_version", "cavra.decision.v1");
			assert_str(d, "rule_id", flagship[i].rule_id);
			assert_str(d, "decision", flagship[i].decision);
			assert_str(d, "requested_operation",
			    flagship[i].operation);
			assert_str(d, "agent_id", "sandbox-agent");
		}
		cr_assert(found, "event %zu's decision is not listed", i + 1);
	}
	json_object_put(l);
	s = get_json("/sessions/%s", id);
	assert_str(s, "state", "completed");
	assert_str(s, "agent_id", "sandbox-agent");
	assert_str(s, "repository", "sandbox/" SCENARIO);
	cr_assert_eq(api_int(s, "decision_count"), 7);
	cr_assert_eq(api_int(s, "blocked_count"), 4);
	cr_assert_eq(api_int(s, "approval_required_count"), 1);
	json_object_put(s);
}

/* The downloads of run r: events, evidence, attestation, compliance. */
static void
check_downloads(struct json_object *r)
{
	struct json_object	*o;
	const char		*id = api_str(r, "run_id");
	char			*t, want[1024];
	size_t			 i;

	o = get_json(RUNS "%s/events", id);
	cr_assert(json_object_equal(o, api_get(r, "events")),
	    "events differ from the run's");
	json_object_put(o);

	t = download(id, "evidence", "application/json");
	cr_assert(strncmp(t, "{\n  \"product\": \"CAVRA\",\n  \"run\": {",
	    strlen("{\n  \"product\": \"CAVRA\",\n  \"run\": {")) == 0,
	    "evidence.json: %s", t);
	o = json_tokener_parse(t);
	cr_assert_not_null(o);
	cr_assert(json_object_equal(api_get(o, "run"), r),
	    "evidence.json's run differs from the run");
	json_object_put(o);
	free(t);

	t = download(id, "attestation", "text/markdown; charset=utf-8");
	snprintf(want, sizeof(want), "# CAVRA PR Attestation\n\nBefore the "
	    "agent acts, CAVRA decides.\n\nRun: %s\nBlocked actions: 4\n"
	    "Approval-required actions: 1\n\nThis PR is allowed only with "
	    "CAVRA evidence and reviewer guidance.", id);
	cr_assert(strncmp(t, want, strlen(want)) == 0, "attestation:\n%s", t);
	assert_has(t, "Policy pack: `cavra-ai-agent-baseline`");
	for (i = 0; i < 7; i++) {
		snprintf(want, sizeof(want), "| evt_%zu | %s | `%s` | %s | %s "
		    "| `%s` |", i + 1, flagship[i].action_type,
		    flagship[i].target, flagship[i].decision,
		    flagship[i].severity, flagship[i].rule_id);
		assert_has(t, want);
	}
	free(t);

	t = download(id, "compliance", "text/markdown; charset=utf-8");
	snprintf(want, sizeof(want), "# CAVRA Compliance Mapping\n\n"
	    "- Secret exposure: blocked `.env` read.\n"
	    "- Change control: approval required for IAM modification.\n"
	    "- Production safety: autonomous `terraform apply "
	    "-auto-approve` blocked.\n"
	    "- Tool governance: unknown filesystem MCP server blocked.\n"
	    "- Source control: direct push to `main` blocked.\n"
	    "- Evidence run: `%s`.", id);
	cr_assert(strncmp(t, want, strlen(want)) == 0, "compliance:\n%s", t);
	for (i = 0; i < 7; i++)
		assert_has(t, flagship[i].rule_id);
	assert_has(t, "## Policy pack `cavra-ai-agent-baseline`\n\nThe pack "
	    "declares no compliance mapping.");
	free(t);
}

API_TEST(sandbox, scenarios)
{
	struct json_object	*a, *s, *p;

	a = get_json("/api/sandbox/scenarios");
	cr_assert(json_object_is_type(a, json_type_array));
	cr_assert_eq(json_object_array_length(a), 1);
	s = json_object_array_get_idx(a, 0);
	assert_str(s, "id", SCENARIO);
	assert_str(s, "title", "Before the Agent Acts");
	assert_str(s, "description", "Run representative AI-agent actions "
	    "through real CAVRA policy decisions.");
	assert_str(s, "default_policy_pack", "cavra-ai-agent-baseline");
	p = api_get(s, "personas");
	cr_assert_eq(json_object_array_length(p), 4);
	cr_assert_str_eq(json_object_get_string(json_object_array_get_idx(p,
	    2)), "Platform Engineer");
	p = api_get(s, "policy_modes");
	cr_assert_eq(json_object_array_length(p), 3);
	cr_assert_str_eq(json_object_get_string(json_object_array_get_idx(p,
	    1)), "audit_only");
	json_object_put(a);
}

/*
 * Bad runs are refused before anything is stored (the flagship test
 * counts runs exactly while this one runs alongside); unknown runs are
 * 404 on every run route.
 */
API_TEST(sandbox, bad_requests)
{
	static const char *const sub[] = { "", "/events", "/evidence",
	    "/attestation", "/compliance" };
	char		 path[256];
	size_t		 i;

	assert_refused("POST", "/api/sandbox/run", "{\"scenario\":\"other\"}",
	    400, "unknown sandbox scenario: other");
	assert_refused("POST", "/api/sandbox/run", "{\"persona\":\"CISO\","
	    "\"speed\":\"fast\"}", 400, "unknown sandbox run key: speed");
	assert_refused("POST", "/api/sandbox/run", "{\"policy_pack\":"
	    "\"no-such-pack\"}", 400, "no-such-pack");
	assert_refused("POST", "/api/sandbox/run", "{\"policy_pack\":"
	    "\"../etc\"}", 400, "policy");
	assert_refused("POST", "/api/sandbox/run", "{\"policy_mode\":7}", 400,
	    "policy_mode must be a string");
	assert_refused("POST", "/api/sandbox/run", "{\"policy_mode\":"
	    "\"yolo\"}", 400, "unknown policy mode: yolo");
	assert_refused("POST", "/api/sandbox/run", "{\"persona\":\"a\\nb\"}",
	    400, "persona holds a control character");
	assert_refused("POST", "/api/sandbox/run", "[]", 422, "");
	for (i = 0; i < sizeof(sub) / sizeof(sub[0]); i++) {
		snprintf(path, sizeof(path), RUNS "run_nonexistent%s", sub[i]);
		assert_refused("GET", path, NULL, 404, "sandbox run not found");
	}
	assert_refused("POST", RUNS "run_nonexistent/replay", NULL, 404,
	    "sandbox run not found");
}

/*
 * Evidence metadata of another kind under a run-like id is not a run:
 * 404 on every run route (written straight into the stack's evidence
 * store, as cavra-evidence would keep it).
 */
API_TEST(sandbox, other_metadata_is_not_a_run)
{
	struct json_object	*m;
	struct cv_store		*s;
	char			 id[128], path[4096];
	int			 sqlite = strcmp(api_mode(), "sqlite") == 0;

	api_uid(id, sizeof(id), "run_other");
	if (sqlite)
		snprintf(path, sizeof(path), "%s/evidence-metadata.db",
		    api_run_dir());
	else
		snprintf(path, sizeof(path), "%s/%s", api_run_dir(),
		    cv_store_evidence.default_path);
	cr_assert_eq(cv_store_open_path(&cv_store_evidence, sqlite, path, &s),
	    CV_OK, "open %s", path);
	m = json_object_new_object();
	cv_json_add_str(m, "session_id", id);
	cv_json_add_str(m, "metadata_kind", "managed-endpoint-rollout");
	cv_json_add_str(m, "created_at", "2026-01-01T00:00:00+00:00");
	cv_json_add_int(m, "decision_count", 0);
	cv_json_add_int(m, "blocked_count", 0);
	cv_json_add_int(m, "approval_required_count", 0);
	cr_assert_eq(cv_store_begin(s), CV_OK);
	cr_assert_eq(cv_store_put(s, 0, m), CV_OK);
	cr_assert_eq(cv_store_commit(s), CV_OK);
	cv_store_close(s);
	json_object_put(m);
	snprintf(path, sizeof(path), RUNS "%s", id);
	assert_refused("GET", path, NULL, 404, "sandbox run not found");
	snprintf(path, sizeof(path), RUNS "%s/replay", id);
	assert_refused("POST", path, NULL, 404, "sandbox run not found");
}

/*
 * The flagship end to end: run, what is persisted and listed, the
 * downloads, the metrics, replay, another pack, and a restart.
 */
API_TEST(sandbox, flagship)
{
	struct json_object	*r, *rp, *d, *o, *ev;
	long long		 m0[4], m1[4], m2[4];
	char			 id[64], path[128], *t;

	metrics(m0);
	r = post_run("/api/sandbox/run", "{\"policy_mode\":\"Strict "
	    "regulated repository\",\"persona\":\"CISO\"}");
	check_run(r, "CISO", "strict");
	snprintf(id, sizeof(id), "%s", api_str(r, "run_id"));
	check_persisted(r);
	o = get_json(RUNS "%s", id);
	cr_assert(json_object_equal(o, r), "GET run differs from POST: %s",
	    json_object_to_json_string(o));
	json_object_put(o);
	check_downloads(r);
	o = get_json("/evidence/%s", id);
	assert_str(o, "schema_version", "cavra.evidence.metadata.v1");
	assert_str(o, "metadata_kind", "sandbox-run");
	assert_str(o, "signer", "sandbox-api");
	cr_assert_eq(api_int(o, "decision_count"), 7);
	cr_assert_eq(api_int(o, "blocked_count"), 4);
	cr_assert_eq(api_int(o, "approval_required_count"), 1);
	cr_assert_eq(api_int(o, "artifact_count"), 3);
	cr_assert_eq(json_object_array_length(api_get(o,
	    "attestation_targets")), 7);
	cr_assert(json_object_equal(api_get(o, "decisions"), api_get(r,
	    "events")), "the metadata's decisions are not the events");
	json_object_put(o);
	metrics(m1);
	cr_assert_eq(m1[0] - m0[0], 1);
	cr_assert_eq(m1[1] - m0[1], 7);
	cr_assert_eq(m1[2] - m0[2], 4);
	cr_assert_eq(m1[3] - m0[3], 1);

	/* Replay: a new run with the same labels, persisted too. */
	snprintf(path, sizeof(path), RUNS "%s/replay", id);
	rp = post_run(path, NULL);
	check_run(rp, "CISO", "strict");
	cr_assert_str_neq(api_str(rp, "run_id"), id);
	check_persisted(rp);
	metrics(m2);
	cr_assert_eq(m2[0] - m0[0], 2);
	cr_assert_eq(m2[1] - m0[1], 14);

	/* No body: the defaults. */
	d = post_run("/api/sandbox/run", NULL);
	check_run(d, "Developer", "enforce");
	json_object_put(d);

	/* A pack with a compliance section: its mapping, and an objective
	 * its decision does not bear out. */
	o = post_run("/api/sandbox/run", "{\"policy_pack\":"
	    "\"cavra-owasp-llm-agentic\",\"policy_mode\":\"audit-only\"}");
	assert_str(o, "policy_pack", "cavra-owasp-llm-agentic");
	assert_str(o, "policy_mode", "audit_only");
	ev = api_get(o, "events");
	t = download(api_str(o, "run_id"), "compliance",
	    "text/markdown; charset=utf-8");
	assert_has(t, "## Policy pack `cavra-owasp-llm-agentic`");
	assert_has(t, "- OWASP LLM excessive agency");
	assert_has(t, "| OWASP Top 10 for LLM Applications 2025 | LLM02:2025 "
	    "| Sensitive Information Disclosure | `filesystem.read.block` | "
	    "yes |");
	assert_str(json_object_array_get_idx(ev, 1), "decision", "allow");
	assert_has(t, "- Change control: write_file `iam/admin-role.tf` was "
	    "decided allow (rule `filesystem.write.allow`).\n");
	assert_has(t, "- Production safety: autonomous `terraform apply "
	    "-auto-approve` blocked.\n");
	free(t);
	json_object_put(o);

	/* A restart: the runs and their decisions are still there. */
	api_restart();
	o = get_json(RUNS "%s", id);
	cr_assert(json_object_equal(o, r), "run after restart: %s",
	    json_object_to_json_string(o));
	json_object_put(o);
	check_persisted(r);
	check_downloads(r);
	json_object_put(rp);
	json_object_put(r);
}
