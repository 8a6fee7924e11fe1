/*
 * cavra-approvals through the real stack: create, route, approve, deny,
 * expire, break-glass, attach-decision, list and get on both store
 * backends; actor contexts under RBAC alone and under OIDC with RBAC;
 * provider delivery to loopback receivers with redacted evidence.
 *
 * The configured cases run on two extra stacks (JSON stores) this
 * program starts once, before its tests, and stops after them (report
 * hooks run in the runner process; the tests, in processes of their own,
 * find the stacks by their run directories, next to the default stacks'
 * in RUN_DIR, where tests/run-test looks for sanitizer reports):
 *
 *  - "rbac": CAVRA_APPROVAL_RBAC_FILE alone (bare actor_claims accepted),
 *    a YAML routing file (a top-level list), and the five providers on
 *    two http-recv receivers, the webhook's answering after 3 s; every
 *    responder with one worker process, so a delivery waiting on the
 *    slow receiver shows whether the request threads go on.
 *  - "oidc": OIDC (a throw-away RSA key and its JWKS) with RBAC
 *    (github-team:payments-owners -> Payments Owners, who may approve
 *    IAM requests of payments/api), a JSON routing file (an object with
 *    routing_rules), and providers: a webhook on a dead port, a jira
 *    entry without authorization, a disabled servicenow.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <netinet/in.h>

#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <criterion/hooks.h>
#include <openssl/pem.h>

#include "cv_limits.h"
#include "extra.h"
#include "flow.h"
#include "harness.h"
#include "jwt-mint.h"

#ifndef nitems
#define nitems(a)	(sizeof(a) / sizeof((a)[0]))
#endif

#define RUN_DIR		BUILDDIR "/tests/api/run-test_approvals"
#define RECV_DIR	RUN_DIR "/recv"	/* the receivers' ports and logs */
#define SLOW_MS		3000	/* the slow receiver's delay */
#define FAST_MS		1000	/* a GET answers within this meanwhile */
#define ISSUER		"https://idp.example"
#define AUDIENCE	"cavra"
#define KID		"test-key"

/* POST with a JSON body and optional headers. */
static void
post(const char *path, const char *body, const char *const *hdrs,
    struct api_resp *r)
{
	api_req("POST", path, body, hdrs, r);
}

/*
 * Opens an approval: tmpl is the POST /approvals body with "%s" where
 * the unique decision id goes (written to dec, decsize bytes).  Returns
 * the approval_id (malloc'ed); the answer stays in *r (free it).
 */
static char *
open_approval(const char *tmpl, char *dec, size_t decsize,
    struct api_resp *r)
{
	const char	*p;
	char		 body[4096];

	api_uid(dec, decsize, "dec");
	cr_assert_not_null(p = strstr(tmpl, "%s"));
	snprintf(body, sizeof(body), "%.*s%s%s", (int)(p - tmpl), tmpl, dec,
	    p + 2);
	post("/approvals", body, NULL, r);
	cr_assert_eq(r->status, 200, "%s: %s", body, r->body);
	cr_assert_str_eq(api_str(r->json, "decision_id"), dec);
	return strdup(api_str(r->json, "approval_id"));
}

/* As open_approval() with a given approver group, answer freed. */
static char *
open_for(const char *group, const char *decision_extra)
{
	struct api_resp	 r;
	char		 fmt[2048], dec[128], *id;

	snprintf(fmt, sizeof(fmt), "{\"decision\": {\"decision_id\": \"%%s\", "
	    "\"session_id\": \"s-approvals\", \"reason\": \"needs a human\"%s"
	    "%s}, \"approver_group\": \"%s\"}", decision_extra != NULL ?
	    ", " : "", decision_extra != NULL ? decision_extra : "", group);
	id = open_approval(fmt, dec, sizeof(dec), &r);
	api_free(&r);
	return id;
}

/* POST /approvals/ID/ACT with body; the answer in *r. */
static void
act(const char *id, const char *what, const char *body,
    const char *const *hdrs, struct api_resp *r)
{
	char	 path[512];

	snprintf(path, sizeof(path), "/approvals/%s/%s", id, what);
	post(path, body, hdrs, r);
}

/* The group a decision is routed to by POST /approvals (no explicit
 * group), or NULL when the answer is a 400. */
static char *
routed(const char *decision_fields)
{
	struct api_resp	 r;
	char		 body[2048], dec[128], *g = NULL;

	api_uid(dec, sizeof(dec), "dec");
	snprintf(body, sizeof(body), "{\"decision\": {\"decision_id\": "
	    "\"%s\", %s}}", dec, decision_fields);
	post("/approvals", body, NULL, &r);
	if (r.status == 200)
		g = strdup(api_str(r.json, "approver_group"));
	else
		flow_problem(&r, 400, "approval request must include "
		    "approver_group");
	api_free(&r);
	return g;
}

static void
assert_routed(const char *decision_fields, const char *group)
{
	char	*g = routed(decision_fields);

	if (group == NULL)
		cr_assert_null(g, "%s routed to %s", decision_fields, g);
	else {
		cr_assert_not_null(g, "%s not routed", decision_fields);
		cr_assert_str_eq(g, group, "%s", decision_fields);
	}
	free(g);
}

/* The history of an answer's approval. */
static struct json_object *
history(const struct api_resp *r, size_t want)
{
	struct json_object	*h = api_get(r->json, "history");

	cr_assert_eq(json_object_array_length(h), want, "history %s",
	    json_object_to_json_string(h));
	return h;
}

static const char *
hist_str(struct json_object *h, size_t i, const char *key)
{
	return api_str(json_object_array_get_idx(h, i), key);
}

/*
 * Seconds from ISO 8601 time a to b, both in the same form (the same
 * length and the same fraction and offset digits' places); the test
 * fails when either does not read.  Whatever the time of day, so a TTL
 * that crosses midnight compares as well as one that does not.
 */
static long
iso_diff(const char *a, const char *b)
{
	struct tm	 ta, tb;
	const char	*ea, *eb;

	memset(&ta, 0, sizeof(ta));
	memset(&tb, 0, sizeof(tb));
	ea = strptime(a, "%Y-%m-%dT%H:%M:%S", &ta);
	eb = strptime(b, "%Y-%m-%dT%H:%M:%S", &tb);
	cr_assert(ea != NULL && eb != NULL, "%s, %s", a, b);
	cr_assert_eq(strlen(ea), strlen(eb), "%s, %s", a, b);
	cr_assert_str_eq(ea + strspn(ea, ".0123456789"),
	    eb + strspn(eb, ".0123456789"), "%s, %s", a, b);
	return (long)(timegm(&tb) - timegm(&ta));
}

/* ---- the extra stacks ----------------------------------------------- */

static const char *const secret_env[] = {
	"CAVRA_TEST_JIRA_TOKEN", "JIRATOKENSECRET",
	NULL
};

/* The throw-away OIDC key (runner process only). */
static EVP_PKEY	*oidc_key;

/* Starts the receivers and both stacks once, before any test. */
ReportHook(PRE_ALL)(struct criterion_test_set *set)
{
	char		 cmd[4096], providers[4096], path[1200], *jwk;
	const char	*files[16];
	FILE		*f;
	long		 fast, slow;
	int		 dead;

	(void)set;
	extra_init("test_approvals");
	fast = extra_recv("fast", "");
	snprintf(cmd, sizeof(cmd), "-d %d", SLOW_MS);
	slow = extra_recv("slow", cmd);
	if (fast < 0 || slow < 0) {
		fprintf(stderr, "http-recv did not start: see %s\n",
		    RECV_DIR);
		return;
	}

	/* rbac: RBAC alone, YAML routing, five providers. */
	snprintf(providers, sizeof(providers), "{\"approval_providers\": {"
	    "\"slack\": {\"url\": \"http://127.0.0.1:%ld/hooks.slack.com/"
	    "services/T0/B0/SLACKPATHSECRET\"},"
	    "\"teams\": {\"url\": \"http://127.0.0.1:%ld/teams?code="
	    "TEAMSQUERYSECRET\", \"headers\": {\"X-Api-Key\": "
	    "\"TEAMSAPIKEYSECRET\"}},"
	    "\"jira\": {\"url\": \"http://127.0.0.1:%ld/jira/rest/api/2/"
	    "issue\", \"token_env\": \"CAVRA_TEST_JIRA_TOKEN\"},"
	    "\"servicenow\": {\"url\": \"http://127.0.0.1:%ld/servicenow\", "
	    "\"authorization\": \"Basic SNOWAUTHSECRET\", \"headers\": "
	    "{\"api-key\": \"SNOWAPIKEYSECRET\"}},"
	    "\"webhook\": {\"url\": \"http://127.0.0.1:%ld/webhook?sig="
	    "HOOKQUERYSECRET\"}}}", fast, fast, fast, fast, slow);
	files[0] = "CAVRA_APPROVAL_RBAC_FILE";
	files[1] = "rbac.json";
	files[2] = "{\"approval_rbac\": {\"group_mappings\": {}}}";
	files[3] = "CAVRA_APPROVAL_ROUTING_FILE";
	files[4] = "routing.yaml";
	files[5] = "- rule_id_prefix: filesystem.write\n"
	    "  target_contains: iam/\n"
	    "  approver_group: Cloud IAM Owners\n"
	    "- action_type: mcp_tool_call\n"
	    "  severity: high\n"
	    "  approver_group: MCP Owners\n";
	files[6] = "CAVRA_APPROVAL_PROVIDER_CONFIG";
	files[7] = "providers.json";
	files[8] = providers;
	files[9] = NULL;
	setenv(secret_env[0], secret_env[1], 1);
	setenv("CAVRA_WORKERS", "1", 1);
	extra_stack("rbac", files);
	unsetenv("CAVRA_WORKERS");
	unsetenv(secret_env[0]);

	/* oidc: OIDC + RBAC, JSON routing, failing providers. */
	oidc_key = jwt_key_new(2048);
	snprintf(path, sizeof(path), "%s", extra_run("oidc"));
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/key.pem", extra_run("oidc"));
	if ((f = fopen(path, "w")) == NULL ||
	    PEM_write_PrivateKey(f, oidc_key, NULL, NULL, 0, NULL, NULL) != 1 ||
	    fclose(f) != 0) {
		fprintf(stderr, "%s: cannot write the OIDC key\n", path);
		return;
	}
	jwk = jwt_jwk(oidc_key, KID);
	snprintf(cmd, sizeof(cmd), "{\"issuer\": \"" ISSUER "\", "
	    "\"audience\": \"" AUDIENCE "\", \"jwks\": {\"keys\": [%s]}}",
	    jwk);
	free(jwk);
	dead = extra_dead_port();
	snprintf(providers, sizeof(providers), "{\"providers\": {"
	    "\"webhook\": {\"url\": \"http://127.0.0.1:%d/dead?token="
	    "DEADQUERYSECRET\"},"
	    "\"jira\": {\"url\": \"http://127.0.0.1:%d/jira\"},"
	    "\"servicenow\": {\"url\": \"http://127.0.0.1:%d/snow\", "
	    "\"enabled\": false}}}", dead, dead, dead);
	files[0] = "CAVRA_APPROVAL_OIDC_CONFIG";
	files[1] = "oidc.json";
	files[2] = cmd;
	files[3] = "CAVRA_APPROVAL_RBAC_FILE";
	files[4] = "rbac.json";
	files[5] = "{\"group_mappings\": {\"github-team:payments-owners\": "
	    "\"Payments Owners\"}, \"repository_permissions\": [{"
	    "\"repository\": \"payments/api\", \"approver_group\": \"IAM\", "
	    "\"groups\": [\"Payments Owners\"], \"actions\": [\"approved\"]}]}";
	files[6] = "CAVRA_APPROVAL_ROUTING_FILE";
	files[7] = "routing.json";
	files[8] = "{\"routing_rules\": [{\"policy_pack\": \"payments-pack\", "
	    "\"approver_group\": \"Payments Owners\"}]}";
	files[9] = "CAVRA_APPROVAL_PROVIDER_CONFIG";
	files[10] = "providers.json";
	files[11] = providers;
	files[12] = NULL;
	extra_stack("oidc", files);
}

ReportHook(POST_ALL)(struct criterion_global_stats *stats)
{
	(void)stats;
	extra_stop_all();
	EVP_PKEY_free(oidc_key);
}

/*
 * A token of the OIDC stack's key (which the runner wrote to key.pem)
 * for these claims (members of a JSON object, without braces), valid
 * for an hour.  Malloc'ed.
 */
static char *
token(const char *claims)
{
	EVP_PKEY	*k;
	FILE		*f;
	char		 payload[2048], path[1200], *tok;
	long		 now = (long)time(NULL);

	snprintf(path, sizeof(path), "%s/key.pem", extra_run("oidc"));
	cr_assert_not_null(f = fopen(path, "r"), "%s: %s", path,
	    strerror(errno));
	k = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	cr_assert_not_null(k, "%s: not a private key", path);
	snprintf(payload, sizeof(payload), "{\"iss\": \"" ISSUER "\", "
	    "\"aud\": \"" AUDIENCE "\", \"iat\": %ld, \"exp\": %ld, %s}",
	    now, now + 3600, claims);
	tok = jwt_mint(k, KID, "RS256", payload);
	EVP_PKEY_free(k);
	return tok;
}

/* "Authorization: Bearer <token(claims)>", malloc'ed. */
static char *
bearer(const char *claims)
{
	char	*tok, *h;

	tok = token(claims);
	cr_assert_neq(asprintf(&h, "Authorization: Bearer %s", tok), -1);
	free(tok);
	return h;
}

/* ---- records, routing and states (both store backends) -------------- */

API_TEST(approvals, create_from_decision)
{
	struct api_resp		 r, g;
	struct json_object	*refs, *h;
	char			 dec[128], path[256], *id;

	id = open_approval("{\"decision\": {\"decision_id\": \"%s\", "
	    "\"session_id\": \"s-create\", \"correlation_id\": \"corr_1\", "
	    "\"reason\": \"writes IAM\", \"evidence_refs\": "
	    "[\"evidence://s-create/d1\"]}, \"approver_group\": \"Owners\", "
	    "\"requested_by\": \"codex\", \"ttl_hours\": 2}", dec, sizeof(dec),
	    &r);
	cr_assert_str_eq(api_str(r.json, "schema_version"),
	    "cavra.approval.v1");
	cr_assert_str_eq(api_str(r.json, "product"), "CAVRA");
	cr_assert_eq(strncmp(id, "apr_", 4), 0);
	cr_assert_eq(strlen(id), 16);
	cr_assert_eq(strspn(id + 4, "0123456789abcdef"), 12);
	cr_assert_str_eq(api_str(r.json, "state"), "pending");
	cr_assert_str_eq(api_str(r.json, "session_id"), "s-create");
	cr_assert_str_eq(api_str(r.json, "correlation_id"), "corr_1");
	cr_assert_str_eq(api_str(r.json, "approver_group"), "Owners");
	cr_assert_str_eq(api_str(r.json, "requested_by"), "codex");
	cr_assert_str_eq(api_str(api_get(r.json, "decision"), "reason"),
	    "writes IAM");
	/* Two hours later, to the second: the same clock, the same form. */
	cr_assert_eq(iso_diff(api_str(r.json, "requested_at"),
	    api_str(r.json, "expires_at")), 2 * 3600);
	h = history(&r, 1);
	cr_assert_str_eq(hist_str(h, 0, "event"), "requested");
	cr_assert_str_eq(hist_str(h, 0, "actor"), "codex");
	cr_assert_str_eq(hist_str(h, 0, "reason"), "writes IAM");
	cr_assert_str_eq(hist_str(h, 0, "timestamp"),
	    api_str(r.json, "requested_at"));
	refs = api_get(r.json, "evidence_refs");
	cr_assert_eq(json_object_array_length(refs), 2);
	snprintf(path, sizeof(path), "approval://%s", id);
	cr_assert_str_eq(json_object_get_string(json_object_array_get_idx(
	    refs, 0)), path);
	cr_assert_str_eq(json_object_get_string(json_object_array_get_idx(
	    refs, 1)), "evidence://s-create/d1");
	api_free(&r);

	snprintf(path, sizeof(path), "/approvals/%s", id);
	api_req("GET", path, NULL, NULL, &g);
	cr_assert_eq(g.status, 200, "%s", g.body);
	cr_assert_str_eq(api_str(g.json, "approval_id"), id);
	cr_assert_str_eq(api_str(g.json, "decision_id"), dec);
	api_free(&g);
	free(id);
}

/* A raw decision is taken whole; session_id defaults to local, the
 * requester to ai-agent, correlation_id to null. */
API_TEST(approvals, create_from_raw_decision)
{
	struct api_resp	 r;
	char		 dec[128], *id;

	id = open_approval("{\"decision_id\": \"%s\", \"decision\": "
	    "\"require_approval\", \"approver_group\": \"Raw Group\", "
	    "\"evidence_refs\": null}", dec, sizeof(dec), &r);
	cr_assert_str_eq(api_str(r.json, "approver_group"), "Raw Group");
	cr_assert_str_eq(api_str(r.json, "session_id"), "local");
	cr_assert_str_eq(api_str(r.json, "requested_by"), "ai-agent");
	cr_assert(json_object_is_type(api_get(r.json, "correlation_id"),
	    json_type_null));
	cr_assert_str_eq(api_str(api_get(r.json, "decision"), "decision"),
	    "require_approval");
	/* null evidence_refs in the decision: no refs of its own, no 500. */
	cr_assert_eq(json_object_array_length(api_get(r.json,
	    "evidence_refs")), 1);
	api_free(&r);
	free(id);
}

API_TEST(approvals, create_refuses_bad_input)
{
	static const struct {
		const char	*body;
		long		 status;
		const char	*detail;
	} cases[] = {
		{ "{\"decision\": {\"session_id\": \"s\"}, \"approver_group\": "
		    "\"G\"}", 400, "decision must include decision_id" },
		{ "{\"decision\": {\"decision_id\": \"\"}, \"approver_group\": "
		    "\"G\"}", 400, "decision must include decision_id" },
		{ "{\"decision\": {\"decision_id\": 5}, \"approver_group\": "
		    "\"G\"}", 400, "decision_id must be a string" },
		{ "{\"decision\": {\"decision_id\": \"d-nogroup\"}}", 400,
		    "approval request must include approver_group" },
		{ "{\"decision\": {\"decision_id\": \"d\"}, "
		    "\"approver_group\": "
		    "[\"G\"]}", 400, "approver_group must be a string" },
		{ "{\"decision\": {\"decision_id\": \"d\"}, "
		    "\"approver_group\": "
		    "\"G\", \"requested_by\": 7}", 400,
		    "requested_by must be a string" },
		{ "{\"decision\": {\"decision_id\": \"d\"}, "
		    "\"approver_group\": "
		    "\"G\", \"ttl_hours\": \"24\"}", 400,
		    "ttl_hours must be an integer from 1 to 8760" },
		{ "{\"decision\": {\"decision_id\": \"d\"}, "
		    "\"approver_group\": "
		    "\"G\", \"ttl_hours\": 0}", 400,
		    "ttl_hours must be an integer from 1 to 8760" },
		{ "{\"decision\": {\"decision_id\": \"d\"}, "
		    "\"approver_group\": "
		    "\"G\", \"ttl_hours\": 8761}", 400,
		    "ttl_hours must be an integer from 1 to 8760" },
		{ "{\"decision\": {\"decision_id\": \"d\"}, "
		    "\"approver_group\": "
		    "\"G\", \"ttl_hours\": 1.5}", 400,
		    "ttl_hours must be an integer" },
		{ "{\"decision\": {\"decision_id\": \"d\", \"evidence_refs\": "
		    "\"e\"}, \"approver_group\": \"G\"}", 400,
		    "evidence_refs must be a list of strings" },
		{ "{\"decision\": {\"decision_id\": \"d\", \"evidence_refs\": "
		    "[null]}, \"approver_group\": \"G\"}", 400,
		    "evidence_refs must be a list of strings" },
		{ "{\"decision\": {\"decision_id\": \"d\", \"session_id\": "
		    "[]}, \"approver_group\": \"G\"}", 400,
		    "session_id must be a string" },
		{ "[]", 422, "JSON object" },
		{ "{\"decision\": ", 400, "" },
	};
	struct api_resp	 r;
	size_t		 i;

	for (i = 0; i < nitems(cases); i++) {
		post("/approvals", cases[i].body, NULL, &r);
		flow_problem(&r, cases[i].status, cases[i].detail);
		api_free(&r);
	}
}

/* The five built-in rules, decision.approver_group after them, the
 * explicit group before them. */
API_TEST(approvals, builtin_routing)
{
	struct api_resp	 r;
	char		 dec[128], *id;

	assert_routed("\"rule_id\": \"filesystem.write.sensitive\", "
	    "\"target\": \"iam/admin-role.tf\"", "IAM");
	assert_routed("\"rule_id\": \"filesystem.write.sensitive\", "
	    "\"target\": \".github/workflows/ci.yml\"", "Platform Security");
	assert_routed("\"rule_id\": \"commands.default\", \"severity\": "
	    "\"medium\"", "Repository Owners");
	assert_routed("\"rule_id\": \"commands.block.destructive\", "
	    "\"target\": \"terraform apply -auto-approve\"", "Cloud Security");
	assert_routed("\"rule_id\": \"mcp.registry.unknown\"",
	    "AI Governance");
	/* Half a rule is no rule. */
	assert_routed("\"rule_id\": \"commands.default\", \"severity\": "
	    "\"high\", \"approver_group\": \"From Decision\"",
	    "From Decision");
	assert_routed("\"rule_id\": \"filesystem.read\", \"target\": "
	    "\"iam/x\"", NULL);
	assert_routed("\"rule_id\": \"filesystem.write\", \"target\": 5",
	    NULL);
	/* A matching rule wins over the decision's own group ... */
	assert_routed("\"rule_id\": \"mcp.x\", \"approver_group\": \"Mine\"",
	    "AI Governance");
	/* ... and the body's group over both. */
	id = open_approval("{\"decision\": {\"decision_id\": \"%s\", "
	    "\"rule_id\": \"mcp.x\"}, \"approver_group\": \"Explicit\"}", dec,
	    sizeof(dec), &r);
	cr_assert_str_eq(api_str(r.json, "approver_group"), "Explicit");
	api_free(&r);
	free(id);
}

API_TEST(approvals, approve_then_terminal)
{
	struct api_resp		 r;
	struct json_object	*h;
	char			*id;
	static const char *const acts[] = { "approve", "deny", "expire" };
	size_t			 i;

	id = open_for("Approvers", NULL);
	act(id, "approve", "{\"actor\": \"alice\"}", NULL, &r);
	flow_problem(&r, 400, "reason is required");
	api_free(&r);
	act(id, "approve", "{\"reason\": \"ok\"}", NULL, &r);
	flow_problem(&r, 400, "actor is required");
	api_free(&r);
	act(id, "approve", "{\"actor\": 5, \"reason\": \"ok\"}", NULL, &r);
	flow_problem(&r, 400, "actor must be a string");
	api_free(&r);
	act(id, "approve", "{\"actor\": \"alice\", \"reason\": \"ok\", "
	    "\"external_ref\": \"CHG-1\"}", NULL, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	cr_assert_str_eq(api_str(r.json, "state"), "approved");
	cr_assert_str_eq(api_str(r.json, "decided_by"), "alice");
	cr_assert_str_eq(api_str(r.json, "decision_reason"), "ok");
	cr_assert_str_eq(api_str(r.json, "external_ref"), "CHG-1");
	api_str(r.json, "decided_at");
	h = history(&r, 2);
	cr_assert_str_eq(hist_str(h, 1, "event"), "approved");
	cr_assert_str_eq(hist_str(h, 1, "actor"), "alice");
	cr_assert_str_eq(hist_str(h, 1, "reason"), "ok");
	cr_assert_str_eq(hist_str(h, 1, "external_ref"), "CHG-1");
	cr_assert_str_eq(hist_str(h, 1, "timestamp"),
	    api_str(r.json, "decided_at"));
	api_free(&r);
	/* Terminal: no act changes it, and the record stays as it was. */
	for (i = 0; i < nitems(acts); i++) {
		act(id, acts[i], "{\"actor\": \"bob\", \"reason\": \"again\"}",
		    NULL, &r);
		flow_problem(&r, 400, "only pending approvals can be "
		    "changed");
		api_free(&r);
	}
	act(id, "expire", NULL, NULL, &r);
	flow_problem(&r, 400, "only pending approvals can be changed");
	api_free(&r);
	free(id);
}

API_TEST(approvals, deny_then_terminal)
{
	struct api_resp		 r, g;
	struct json_object	*h;
	char			 path[256], *id;

	id = open_for("Approvers", NULL);
	act(id, "deny", "{\"actor\": \"carol\", \"reason\": \"too risky\"}",
	    NULL, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	cr_assert_str_eq(api_str(r.json, "state"), "denied");
	cr_assert_str_eq(api_str(r.json, "decided_by"), "carol");
	/* No external_ref given: none in the record, null in history. */
	cr_assert_not(json_object_object_get_ex(r.json, "external_ref",
	    NULL));
	h = history(&r, 2);
	cr_assert_str_eq(hist_str(h, 1, "event"), "denied");
	cr_assert(json_object_is_type(api_get(json_object_array_get_idx(h,
	    1), "external_ref"), json_type_null));
	api_free(&r);
	act(id, "approve", "{\"actor\": \"carol\", \"reason\": \"changed my "
	    "mind\"}", NULL, &r);
	flow_problem(&r, 400, "only pending approvals can be changed");
	api_free(&r);
	snprintf(path, sizeof(path), "/approvals/%s", id);
	api_req("GET", path, NULL, NULL, &g);
	cr_assert_eq(g.status, 200);
	cr_assert_str_eq(api_str(g.json, "state"), "denied");
	history(&g, 2);
	api_free(&g);
	free(id);
}

/* expire: no body, or {}, is the system expiring it; a body of its own
 * needs actor and reason. */
API_TEST(approvals, expire)
{
	static const char *const bodies[] = { NULL, "{}" };
	struct api_resp		 r;
	struct json_object	*h;
	char			*id;
	size_t			 i;

	for (i = 0; i < nitems(bodies); i++) {
		id = open_for("Approvers", NULL);
		act(id, "expire", bodies[i], NULL, &r);
		cr_assert_eq(r.status, 200, "%s", r.body);
		cr_assert_str_eq(api_str(r.json, "state"), "expired");
		cr_assert_str_eq(api_str(r.json, "decided_by"), "system");
		cr_assert_str_eq(api_str(r.json, "decision_reason"),
		    "approval expired");
		h = history(&r, 2);
		cr_assert_str_eq(hist_str(h, 1, "event"), "expired");
		api_free(&r);
		act(id, "expire", bodies[i], NULL, &r);
		flow_problem(&r, 400, "only pending approvals can be "
		    "changed");
		api_free(&r);
		free(id);
	}
	id = open_for("Approvers", NULL);
	act(id, "expire", "{\"actor\": \"dave\"}", NULL, &r);
	flow_problem(&r, 400, "reason is required");
	api_free(&r);
	act(id, "expire", "{\"actor\": \"dave\", \"reason\": \"stale\"}", NULL,
	    &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	cr_assert_str_eq(api_str(r.json, "decided_by"), "dave");
	api_free(&r);
	free(id);
}

API_TEST(approvals, unknown_id)
{
	static const char *const acts[] = { "approve", "deny", "expire",
	    "deliver", "attach-decision" };
	struct api_resp	 r;
	size_t		 i;

	api_req("GET", "/approvals/apr_000000000000", NULL, NULL, &r);
	flow_problem(&r, 404, "approval not found");
	api_free(&r);
	for (i = 0; i < nitems(acts); i++) {
		act("apr_000000000000", acts[i], "{\"actor\": \"a\", "
		    "\"reason\": \"r\"}", NULL, &r);
		flow_problem(&r, 404, "approval not found");
		api_free(&r);
	}
}

API_TEST(approvals, break_glass)
{
	struct api_resp		 r, d;
	struct json_object	*h;
	char			 body[1024], dec[128];

	api_uid(dec, sizeof(dec), "dec");
	snprintf(body, sizeof(body), "{\"decision\": {\"decision_id\": "
	    "\"%s\"}, \"actor\": \"oncall@example.com\"}", dec);
	post("/approvals/break-glass", body, NULL, &r);
	flow_problem(&r, 400, "break-glass reason is required");
	api_free(&r);
	snprintf(body, sizeof(body), "{\"decision\": {\"decision_id\": "
	    "\"%s\"}, \"reason\": \"outage\"}", dec);
	post("/approvals/break-glass", body, NULL, &r);
	flow_problem(&r, 400, "actor is required");
	api_free(&r);
	post("/approvals/break-glass", "{\"decision\": {}, \"actor\": \"a\", "
	    "\"reason\": \"outage\"}", NULL, &r);
	flow_problem(&r, 400, "decision must include decision_id");
	api_free(&r);

	snprintf(body, sizeof(body), "{\"decision\": {\"decision_id\": "
	    "\"%s\"}, \"actor\": \"oncall@example.com\", \"reason\": "
	    "\"outage\", \"external_ref\": \"INC-9\"}", dec);
	post("/approvals/break-glass", body, NULL, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	cr_assert_str_eq(api_str(r.json, "state"), "break_glass");
	cr_assert(json_object_get_boolean(api_get(r.json, "break_glass")));
	cr_assert_str_eq(api_str(r.json, "break_glass_reason"), "outage");
	cr_assert_str_eq(api_str(r.json, "external_ref"), "INC-9");
	cr_assert_str_eq(api_str(r.json, "approver_group"),
	    "Change Advisory Board");
	cr_assert_str_eq(api_str(r.json, "requested_by"),
	    "oncall@example.com");
	cr_assert_str_eq(api_str(r.json, "decided_by"), "oncall@example.com");
	h = history(&r, 3);
	cr_assert_str_eq(hist_str(h, 0, "event"), "requested");
	cr_assert_str_eq(hist_str(h, 1, "event"), "approved");
	cr_assert_str_eq(hist_str(h, 2, "event"), "break_glass");
	cr_assert_str_eq(hist_str(h, 2, "reason"), "outage");
	/* Terminal like the others. */
	act(api_str(r.json, "approval_id"), "deny", "{\"actor\": \"a\", "
	    "\"reason\": \"r\"}", NULL, &d);
	flow_problem(&d, 400, "only pending approvals can be changed");
	api_free(&d);
	api_free(&r);
}

/* state and approver_group filters, paging, newest request first. */
API_TEST(approvals, list_filters_and_paging)
{
	struct api_resp		 r;
	struct json_object	*items;
	char			 group[128], q[512], *ids[3];
	size_t			 i;

	api_uid(group, sizeof(group), "Group");
	for (i = 0; i < 3; i++) {
		ids[i] = open_for(group, NULL);
		usleep(2000);
	}
	act(ids[0], "deny", "{\"actor\": \"a\", \"reason\": \"r\"}", NULL, &r);
	cr_assert_eq(r.status, 200);
	api_free(&r);

	snprintf(q, sizeof(q), "/approvals?approver_group=%s", group);
	api_req("GET", q, NULL, NULL, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	cr_assert_eq(api_int(r.json, "total"), 3);
	cr_assert_eq(api_int(r.json, "limit"), 50);
	cr_assert_eq(api_int(r.json, "offset"), 0);
	items = api_get(r.json, "items");
	for (i = 0; i < 3; i++)
		cr_assert_str_eq(api_str(json_object_array_get_idx(items, i),
		    "approval_id"), ids[2 - i]);
	api_free(&r);

	snprintf(q, sizeof(q), "/approvals?approver_group=%s&state=pending&"
	    "limit=1&offset=1", group);
	api_req("GET", q, NULL, NULL, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	cr_assert_eq(api_int(r.json, "total"), 2);
	cr_assert_eq(api_int(r.json, "limit"), 1);
	cr_assert_eq(api_int(r.json, "offset"), 1);
	items = api_get(r.json, "items");
	cr_assert_eq(json_object_array_length(items), 1);
	cr_assert_str_eq(api_str(json_object_array_get_idx(items, 0),
	    "approval_id"), ids[1]);
	api_free(&r);

	snprintf(q, sizeof(q), "/approvals?approver_group=%s&state=denied",
	    group);
	api_req("GET", q, NULL, NULL, &r);
	cr_assert_eq(api_int(r.json, "total"), 1);
	cr_assert_str_eq(api_str(json_object_array_get_idx(api_get(r.json,
	    "items"), 0), "approval_id"), ids[0]);
	api_free(&r);

	/* Out of range pages are clamped; bad values are 422. */
	snprintf(q, sizeof(q), "/approvals?approver_group=%s&limit=9999&"
	    "offset=-3", group);
	api_req("GET", q, NULL, NULL, &r);
	cr_assert_eq(r.status, 200);
	cr_assert_eq(api_int(r.json, "limit"), 500);
	cr_assert_eq(api_int(r.json, "offset"), 0);
	api_free(&r);
	api_req("GET", "/approvals?state=bogus", NULL, NULL, &r);
	flow_problem(&r, 422, "state");
	api_free(&r);
	api_req("GET", "/approvals?limit=x", NULL, NULL, &r);
	flow_problem(&r, 422, "limit");
	api_free(&r);
	for (i = 0; i < 3; i++)
		free(ids[i]);
}

API_TEST(approvals, attach_decision)
{
	struct api_resp		 r;
	struct json_object	*sum, *refs;
	char			 body[1024], ref[256], *id;

	id = open_for("Attach Group",
	    "\"evidence_refs\": [\"evidence://s/d\"]");
	snprintf(ref, sizeof(ref), "approval://%s", id);
	snprintf(body, sizeof(body), "{\"decision_id\": \"other\", "
	    "\"decision\": \"require_approval\", \"evidence_refs\": "
	    "[\"evidence://mine\", \"%s\"]}", ref);
	act(id, "attach-decision", body, NULL, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	cr_assert_str_eq(api_str(r.json, "decision_id"), "other");
	cr_assert_str_eq(api_str(r.json, "decision"), "require_approval");
	sum = api_get(r.json, "approval");
	cr_assert_str_eq(api_str(sum, "approval_id"), id);
	cr_assert_str_eq(api_str(sum, "state"), "pending");
	cr_assert_str_eq(api_str(sum, "approver_group"), "Attach Group");
	cr_assert_eq(json_object_get_boolean(api_get(sum, "break_glass")), 0);
	cr_assert(json_object_is_type(api_get(sum, "decided_by"),
	    json_type_null));
	refs = api_get(r.json, "evidence_refs");
	cr_assert_eq(json_object_array_length(refs), 3, "%s",
	    json_object_to_json_string(refs));
	cr_assert_str_eq(json_object_get_string(json_object_array_get_idx(
	    refs, 0)), "evidence://mine");
	cr_assert_str_eq(json_object_get_string(json_object_array_get_idx(
	    refs, 1)), ref);
	cr_assert_str_eq(json_object_get_string(json_object_array_get_idx(
	    refs, 2)), "evidence://s/d");
	api_free(&r);
	act(id, "attach-decision", "{\"evidence_refs\": null}", NULL, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	cr_assert_eq(json_object_array_length(api_get(r.json,
	    "evidence_refs")), 2);
	api_free(&r);
	act(id, "attach-decision", "{\"evidence_refs\": \"x\"}", NULL, &r);
	flow_problem(&r, 400, "evidence_refs must be a list of strings");
	api_free(&r);
	free(id);
}

/* The default stacks configure no provider, OIDC or RBAC. */
API_TEST(approvals, unconfigured)
{
	struct api_resp	 r;
	char		*id;

	id = open_for("Approvers", NULL);
	act(id, "deliver", NULL, NULL, &r);
	flow_problem(&r, 400, "approval provider config is not configured");
	api_free(&r);
	act(id, "approve", "{\"actor_token\": \"a.b.c\", \"reason\": \"r\"}",
	    NULL, &r);
	flow_problem(&r, 400, "OIDC config is not configured");
	api_free(&r);
	/* Bare claims without RBAC or OIDC: the group check still holds. */
	act(id, "approve", "{\"actor_claims\": {\"email\": \"e@x\", "
	    "\"groups\": [\"Others\"]}, \"reason\": \"r\"}", NULL, &r);
	flow_problem(&r, 400, "actor is not authorized for approval group");
	api_free(&r);
	act(id, "approve", "{\"actor_claims\": {\"email\": \"e@x\", "
	    "\"groups\": [\"Approvers\"]}, \"actor\": \"ignored\", "
	    "\"reason\": \"r\"}", NULL, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	cr_assert_str_eq(api_str(r.json, "decided_by"), "e@x");
	api_free(&r);
	free(id);
}

/* ---- RBAC alone: bare actor_claims, YAML routing -------------------- */

Test(approvals_rbac, yaml_routing_replaces_builtin)
{
	struct api_resp	 r;
	char		 dec[128], *id;

	extra_use("rbac", "json");
	assert_routed("\"rule_id\": \"filesystem.write.sensitive\", "
	    "\"target\": \"iam/admin.tf\"", "Cloud IAM Owners");
	assert_routed("\"action_type\": \"mcp_tool_call\", \"severity\": "
	    "\"high\"", "MCP Owners");
	/* The built-in rules are gone. */
	assert_routed("\"rule_id\": \"mcp.registry.unknown\"", NULL);
	assert_routed("\"rule_id\": \"commands.default\", \"severity\": "
	    "\"medium\", \"approver_group\": \"Fallback\"", "Fallback");
	id = open_approval("{\"decision\": {\"decision_id\": \"%s\", "
	    "\"rule_id\": \"filesystem.write\", \"target\": \"iam/x\"}, "
	    "\"approver_group\": \"Explicit\"}", dec, sizeof(dec), &r);
	cr_assert_str_eq(api_str(r.json, "approver_group"), "Explicit");
	api_free(&r);
	free(id);
}

Test(approvals_rbac, claims_decide_by_group)
{
	struct api_resp	 r;
	char		*id;

	extra_use("rbac", "json");
	id = open_for("IAM", NULL);
	/* RBAC configured: some actor context is required, before the
	 * lookup. */
	act(id, "approve", "{\"actor\": \"alice\", \"reason\": \"ok\"}", NULL,
	    &r);
	flow_problem(&r, 401, "verified actor context");
	api_free(&r);
	act("apr_000000000000", "approve", "{\"actor\": \"alice\", "
	    "\"reason\": \"ok\"}", NULL, &r);
	flow_problem(&r, 401, "verified actor context");
	api_free(&r);
	act(id, "expire", NULL, NULL, &r);
	flow_problem(&r, 401, "verified actor context");
	api_free(&r);
	act("apr_000000000000", "approve", "{\"actor_claims\": {\"email\": "
	    "\"dev@example.com\", \"groups\": [\"IAM\"]}, \"reason\": \"ok\"}",
	    NULL, &r);
	flow_problem(&r, 404, "approval not found");
	api_free(&r);

	act(id, "approve", "{\"actor_claims\": {\"email\": "
	    "\"dev@example.com\", \"groups\": [\"Developers\"]}, \"reason\": "
	    "\"ok\"}", NULL, &r);
	flow_problem(&r, 400, "actor is not authorized for approval group");
	api_free(&r);
	act(id, "expire", "{\"actor_claims\": {\"email\": "
	    "\"dev@example.com\", \"groups\": [\"Developers\"]}, \"reason\": "
	    "\"stale\"}", NULL, &r);
	flow_problem(&r, 400, "actor is not authorized for approval group");
	api_free(&r);
	act(id, "approve", "{\"actor_claims\": {\"email\": "
	    "\"iam@example.com\", \"groups\": [\"IAM\"]}, \"actor\": "
	    "\"someone-else\", \"reason\": \"reviewed\"}", NULL, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	cr_assert_str_eq(api_str(r.json, "state"), "approved");
	cr_assert_str_eq(api_str(r.json, "decided_by"), "iam@example.com");
	cr_assert_str_eq(hist_str(history(&r, 2), 1, "actor"),
	    "iam@example.com");
	api_free(&r);
	/* Authorised or not, a decided approval stays decided. */
	act(id, "deny", "{\"actor_claims\": {\"email\": \"dev@example.com\", "
	    "\"groups\": [\"Developers\"]}, \"reason\": \"no\"}", NULL, &r);
	flow_problem(&r, 400, "only pending approvals can be changed");
	api_free(&r);
	free(id);
}

Test(approvals_rbac, break_glass_needs_cab)
{
	struct api_resp	 r;
	char		 body[1024], dec[128];

	extra_use("rbac", "json");
	api_uid(dec, sizeof(dec), "dec");
	snprintf(body, sizeof(body), "{\"decision\": {\"decision_id\": "
	    "\"%s\"}, \"actor\": \"a\", \"reason\": \"outage\"}", dec);
	post("/approvals/break-glass", body, NULL, &r);
	flow_problem(&r, 401, "verified actor context");
	api_free(&r);
	snprintf(body, sizeof(body), "{\"decision\": {\"decision_id\": "
	    "\"%s\"}, \"actor_claims\": {\"email\": \"dev@example.com\", "
	    "\"groups\": [\"Developers\"]}, \"reason\": \"outage\"}", dec);
	post("/approvals/break-glass", body, NULL, &r);
	flow_problem(&r, 403, "actor is not authorized for break-glass");
	api_free(&r);
	/* CAB, but the group asked for is not theirs. */
	snprintf(body, sizeof(body), "{\"decision\": {\"decision_id\": "
	    "\"%s\"}, \"actor_claims\": {\"email\": \"cab@example.com\", "
	    "\"groups\": [\"Change Advisory Board\"]}, \"approver_group\": "
	    "\"IAM\", \"reason\": \"outage\"}", dec);
	post("/approvals/break-glass", body, NULL, &r);
	flow_problem(&r, 403, "actor is not authorized for break-glass");
	api_free(&r);
	snprintf(body, sizeof(body), "{\"decision\": {\"decision_id\": "
	    "\"%s\"}, \"actor_claims\": {\"email\": \"cab@example.com\", "
	    "\"groups\": [\"Change Advisory Board\"]}, \"actor\": \"x\", "
	    "\"reason\": \"outage\", \"external_ref\": \"INC-9\"}", dec);
	post("/approvals/break-glass", body, NULL, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	cr_assert_str_eq(api_str(r.json, "state"), "break_glass");
	cr_assert_str_eq(api_str(r.json, "requested_by"), "cab@example.com");
	cr_assert_str_eq(api_str(r.json, "decided_by"), "cab@example.com");
	api_free(&r);
}

/* ---- delivery to the loopback receivers ----------------------------- */

/* Asserts no secret of the provider config shows in text. */
static void
assert_no_secret(const char *what, const char *text)
{
	cr_assert_null(strstr(text, "SECRET"), "a secret in %s: %s", what,
	    text);
}

static const char *
header(struct json_object *d, const char *name)
{
	return api_str(api_get(api_get(d, "request"), "headers"), name);
}

/* Delivers approval id to one provider; the answer in *r, checked for
 * the envelope and for secrets. */
static void
deliver_one(const char *id, const char *provider, struct api_resp *r)
{
	char	 body[256];

	snprintf(body, sizeof(body), "{\"provider\": \"%s\", \"retries\": 0}",
	    provider);
	act(id, "deliver", body, NULL, r);
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert_str_eq(api_str(r->json, "schema_version"),
	    "cavra.approval.delivery.v1");
	cr_assert_str_eq(api_str(r->json, "approval_id"), id);
	cr_assert_eq(json_object_array_length(api_get(r->json,
	    "deliveries")), 1);
	assert_no_secret("the answer", r->body);
}

Test(approvals_rbac, deliver_each_provider)
{
	struct api_resp		 r, a;
	struct json_object	*d, *b, *f;
	char			 dec[128], title[256], *id, *head, *body;

	extra_use("rbac", "json");
	id = open_approval("{\"decision\": {\"decision_id\": \"%s\", "
	    "\"reason\": \"writes iam\"}, \"approver_group\": \"IAM\"}", dec,
	    sizeof(dec), &a);
	snprintf(title, sizeof(title), "CAVRA approval pending for %s", dec);

	deliver_one(id, "slack", &r);
	cr_assert(json_object_get_boolean(api_get(r.json, "success")));
	d = flow_delivery(&r, "slack");
	cr_assert_eq(api_int(d, "status_code"), 200);
	cr_assert_eq(api_int(d, "attempt_count"), 1);
	cr_assert_str_eq(api_str(api_get(d, "request"), "url"),
	    "https://hooks.slack.com/services/REDACTED");
	extra_request("fast", "POST", dec, "/hooks.slack.com/", &head, &body);
	cr_assert_not_null(b = json_tokener_parse(body), "%s", body);
	cr_assert_str_eq(api_str(b, "text"), title);
	f = api_get(b, "blocks");
	cr_assert_str_eq(api_str(json_object_array_get_idx(f, 0), "type"),
	    "header");
	f = api_get(json_object_array_get_idx(f, 1), "fields");
	cr_assert_eq(json_object_array_length(f), 4);
	cr_assert_str_eq(api_str(json_object_array_get_idx(f, 0), "text"),
	    "*Approver group*\nIAM");
	cr_assert_str_eq(api_str(json_object_array_get_idx(f, 3), "text"),
	    "*External ref*\nn/a");
	json_object_put(b);
	free(head);
	free(body);
	api_free(&r);

	deliver_one(id, "teams", &r);
	d = flow_delivery(&r, "teams");
	cr_assert(strstr(api_str(api_get(d, "request"), "url"), "/teams"
	    "?REDACTED") != NULL, "%s", r.body);
	cr_assert_str_eq(header(d, "x-api-key"), "REDACTED");
	extra_request("fast", "POST", dec, "/teams", &head, &body);
	cr_assert(strstr(head, "TEAMSAPIKEYSECRET") != NULL, "%s", head);
	cr_assert_not_null(b = json_tokener_parse(body), "%s", body);
	cr_assert_str_eq(api_str(b, "@type"), "MessageCard");
	cr_assert_str_eq(api_str(b, "themeColor"), "E0A800");
	f = api_get(json_object_array_get_idx(api_get(b, "sections"), 0),
	    "facts");
	cr_assert_str_eq(api_str(json_object_array_get_idx(f, 2), "value"),
	    "writes iam");
	json_object_put(b);
	free(head);
	free(body);
	api_free(&r);

	deliver_one(id, "jira", &r);
	d = flow_delivery(&r, "jira");
	cr_assert_str_eq(header(d, "authorization"), "REDACTED");
	extra_request("fast", "POST", dec, "/jira/", &head, &body);
	cr_assert(strstr(head, "Bearer JIRATOKENSECRET") != NULL, "%s", head);
	cr_assert_not_null(b = json_tokener_parse(body), "%s", body);
	f = api_get(b, "fields");
	cr_assert_str_eq(api_str(f, "summary"), title);
	cr_assert_str_eq(json_object_to_json_string_ext(api_get(f, "labels"),
	    JSON_C_TO_STRING_PLAIN), "[\"cavra\",\"ai-agent-approval\","
	    "\"pending\"]");
	cr_assert(strstr(api_str(f, "description"), id) != NULL);
	json_object_put(b);
	free(head);
	free(body);
	api_free(&r);

	deliver_one(id, "servicenow", &r);
	d = flow_delivery(&r, "servicenow");
	cr_assert_str_eq(header(d, "authorization"), "REDACTED");
	cr_assert_str_eq(header(d, "api-key"), "REDACTED");
	extra_request("fast", "POST", dec, "/servicenow", &head, &body);
	cr_assert(strstr(head, "SNOWAUTHSECRET") != NULL, "%s", head);
	cr_assert_not_null(b = json_tokener_parse(body), "%s", body);
	cr_assert_str_eq(api_str(b, "short_description"), title);
	cr_assert_str_eq(api_str(b, "assignment_group"), "IAM");
	json_object_put(b);
	free(head);
	free(body);
	api_free(&r);

	act(id, "deliver", "{\"provider\": \"pagerduty\"}", NULL, &r);
	flow_problem(&r, 400, "approval provider is not configured: "
	    "pagerduty");
	api_free(&r);
	act(id, "deliver", "{\"retries\": \"2\"}", NULL, &r);
	flow_problem(&r, 400, "retries must be an integer");
	api_free(&r);
	act(id, "deliver", "{\"timeout_seconds\": \"fast\"}", NULL, &r);
	flow_problem(&r, 400, "timeout_seconds must be a number");
	api_free(&r);
	api_free(&a);
	free(id);
}

struct slow_call {
	const char	*id;
	struct api_resp	 r;
	long		 ms;
};

static void *
slow_deliver(void *arg)
{
	struct slow_call	*c = arg;
	long			 t0 = flow_now_ms();

	act(c->id, "deliver", "{\"retries\": 0}", NULL, &c->r);
	c->ms = flow_now_ms() - t0;
	return NULL;
}

/*
 * Every provider at once ("all"), the webhook's receiver answering after
 * SLOW_MS.  Meanwhile, with one worker process, the list answers within
 * FAST_MS: the delivery waits in a request thread of its own.  The
 * answer lists the five providers in name order, with no secret.
 */
Test(approvals_rbac, deliver_all_while_serving, .timeout = 60)
{
	static const char *const names[] = { "jira", "servicenow", "slack",
	    "teams", "webhook" };
	struct slow_call	 c;
	struct api_resp		 r;
	struct json_object	*b, *dl;
	pthread_t		 t;
	char			 dec[128], *id, *head, *body, *log;
	char			 path[1200];
	size_t			 i;
	long			 t0, ms;

	extra_use("rbac", "json");
	memset(&c, 0, sizeof(c));
	id = open_approval("{\"decision\": {\"decision_id\": \"%s\"}, "
	    "\"approver_group\": \"Slow Group\"}", dec, sizeof(dec), &r);
	api_free(&r);
	c.id = id;
	cr_assert_eq(pthread_create(&t, NULL, slow_deliver, &c), 0);
	/* The webhook is waiting once the slow receiver logged it. */
	extra_request("slow", "POST", dec, "/webhook", &head, &body);
	cr_assert(strstr(head, "HOOKQUERYSECRET") != NULL, "%s", head);
	cr_assert_not_null(b = json_tokener_parse(body), "%s", body);
	cr_assert_str_eq(api_str(b, "schema_version"),
	    "cavra.approval.notification.v1");
	cr_assert_str_eq(api_str(b, "event_type"), "cavra.approval.pending");
	cr_assert_str_eq(api_str(api_get(b, "payload"), "approval_id"), id);
	json_object_put(b);
	free(head);
	free(body);

	t0 = flow_now_ms();
	api_req("GET", "/approvals?approver_group=Slow%20Group", NULL, NULL,
	    &r);
	ms = flow_now_ms() - t0;
	cr_assert_eq(r.status, 200, "%s", r.body);
	cr_assert_eq(api_int(r.json, "total"), 1);
	api_free(&r);
	cr_assert_lt(ms, FAST_MS, "GET /approvals took %ld ms while a "
	    "delivery waited", ms);

	cr_assert_eq(pthread_join(t, NULL), 0);
	cr_assert_eq(c.r.status, 200, "%s", c.r.body);
	cr_assert_geq(c.ms, SLOW_MS - 100);
	assert_no_secret("the answer", c.r.body);
	cr_assert(json_object_get_boolean(api_get(c.r.json, "success")),
	    "%s", c.r.body);
	dl = api_get(c.r.json, "deliveries");
	cr_assert_eq(json_object_array_length(dl), nitems(names));
	for (i = 0; i < nitems(names); i++)
		cr_assert_str_eq(api_str(json_object_array_get_idx(dl, i),
		    "provider"), names[i]);
	cr_assert(strstr(api_str(api_get(flow_delivery(&c.r, "webhook"),
	    "request"), "url"), "/webhook?REDACTED") != NULL);
	api_free(&c.r);

	/* Nor in the responder's log. */
	snprintf(path, sizeof(path), "%s/cavra-approvals.log",
	    extra_run("rbac"));
	cr_assert_not_null(log = flow_read_file(path), "%s", path);
	assert_no_secret(path, log);
	free(log);
	free(id);
}

/* ---- OIDC with RBAC: verified tokens only --------------------------- */

/* The repository rule: a payments-owners token approves an IAM request
 * of payments/api; decided_by comes from the token. */
Test(approvals_oidc, bearer_decides)
{
	struct api_resp	 r;
	const char	*hdrs[2] = { NULL, NULL };
	char		*id, *other, *owner, *dev, *www;

	extra_use("oidc", "json");
	owner = bearer("\"sub\": \"u1\", \"email\": \"owner@example.com\", "
	    "\"groups\": [\"github-team:payments-owners\"]");
	dev = bearer("\"sub\": \"u2\", \"email\": \"dev@example.com\", "
	    "\"groups\": [\"Developers\"]");
	id = open_for("IAM", "\"repository\": \"payments/api\"");
	other = open_for("IAM", "\"repository\": \"billing/api\"");

	/* No context: 401 before the lookup, even for an unknown id. */
	act(id, "approve", "{\"actor\": \"a\", \"reason\": \"ok\"}", NULL, &r);
	flow_problem(&r, 401, "verified actor context");
	www = api_header(&r, "WWW-Authenticate");
	cr_assert(www != NULL && strcmp(www, "Bearer") == 0, "%s", www);
	free(www);
	api_free(&r);
	act("apr_000000000000", "deny", "{\"actor\": \"a\", \"reason\": "
	    "\"no\"}", NULL, &r);
	flow_problem(&r, 401, "verified actor context");
	api_free(&r);
	/* Bare claims are not trusted when OIDC is configured. */
	act(id, "approve", "{\"actor_claims\": {\"email\": \"x@example.com\", "
	    "\"groups\": [\"IAM\"]}, \"reason\": \"ok\"}", NULL, &r);
	api_assert_problem(&r, 401);
	api_free(&r);

	hdrs[0] = owner;
	act("apr_000000000000", "approve", "{\"reason\": \"ok\"}", hdrs, &r);
	flow_problem(&r, 404, "approval not found");
	api_free(&r);
	/* The rule is for payments/api and for approving only. */
	act(other, "approve", "{\"reason\": \"ok\"}", hdrs, &r);
	flow_problem(&r, 400, "actor is not authorized for approval group");
	api_free(&r);
	act(id, "deny", "{\"reason\": \"no\"}", hdrs, &r);
	flow_problem(&r, 400, "actor is not authorized for approval group");
	api_free(&r);
	hdrs[0] = dev;
	act(id, "approve", "{\"reason\": \"ok\"}", hdrs, &r);
	flow_problem(&r, 400, "actor is not authorized for approval group");
	api_free(&r);
	hdrs[0] = owner;
	act(id, "approve", "{\"actor\": \"someone-else\", \"reason\": "
	    "\"reviewed\"}", hdrs, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	cr_assert_str_eq(api_str(r.json, "state"), "approved");
	cr_assert_str_eq(api_str(r.json, "decided_by"), "owner@example.com");
	api_free(&r);
	free(owner);
	free(dev);
	free(id);
	free(other);
}

Test(approvals_oidc, break_glass_needs_cab_token)
{
	struct api_resp	 r;
	const char	*hdrs[2] = { NULL, NULL };
	char		 body[1024], dec[128], *cab, *dev;

	extra_use("oidc", "json");
	cab = bearer("\"sub\": \"u3\", \"email\": \"cab@example.com\", "
	    "\"groups\": [\"Change Advisory Board\"]");
	dev = bearer("\"sub\": \"u2\", \"email\": \"dev@example.com\", "
	    "\"groups\": [\"Developers\"]");
	api_uid(dec, sizeof(dec), "dec");
	snprintf(body, sizeof(body), "{\"decision\": {\"decision_id\": "
	    "\"%s\"}, \"actor\": \"x\", \"reason\": \"outage\"}", dec);
	post("/approvals/break-glass", body, NULL, &r);
	flow_problem(&r, 401, "verified actor context");
	api_free(&r);
	hdrs[0] = dev;
	post("/approvals/break-glass", body, hdrs, &r);
	flow_problem(&r, 403, "actor is not authorized for break-glass");
	api_free(&r);
	hdrs[0] = cab;
	post("/approvals/break-glass", body, hdrs, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	cr_assert_str_eq(api_str(r.json, "state"), "break_glass");
	cr_assert_str_eq(api_str(r.json, "requested_by"), "cab@example.com");
	api_free(&r);
	free(cab);
	free(dev);
}

Test(approvals_oidc, json_routing_file)
{
	extra_use("oidc", "json");
	assert_routed("\"policy_pack\": \"payments-pack\"", "Payments Owners");
	assert_routed("\"policy_pack\": \"other-pack\", \"rule_id\": "
	    "\"mcp.x\"", NULL);
}

/* A webhook on a dead port, tried retries+1 times; a jira entry without
 * authorization; a disabled servicenow. */
Test(approvals_oidc, deliver_failures, .timeout = 60)
{
	struct api_resp		 r;
	struct json_object	*d;
	char			*id;

	extra_use("oidc", "json");
	id = open_for("Ops", NULL);
	act(id, "deliver", "{\"provider\": \"webhook\", \"retries\": 1, "
	    "\"timeout_seconds\": 2}", NULL, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	assert_no_secret("the answer", r.body);
	cr_assert_eq(json_object_get_boolean(api_get(r.json, "success")), 0);
	d = flow_delivery(&r, "webhook");
	cr_assert_eq(api_int(d, "attempt_count"), 2);
	cr_assert_eq(api_int(d, "status_code"), 0);
	cr_assert_eq(json_object_get_boolean(api_get(d, "success")), 0);
	api_str(d, "error");
	cr_assert(strstr(api_str(api_get(d, "request"), "url"),
	    "/dead?REDACTED") != NULL, "%s", r.body);
	api_free(&r);
	/* Retries are clamped to CV_CLIENT_RETRIES_MAX, and below at 0. */
	act(id, "deliver", "{\"provider\": \"webhook\", \"retries\": 1000, "
	    "\"timeout_seconds\": 1}", NULL, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	cr_assert_eq(api_int(flow_delivery(&r, "webhook"), "attempt_count"),
	    CV_CLIENT_RETRIES_MAX + 1);
	api_free(&r);
	act(id, "deliver", "{\"provider\": \"webhook\", \"retries\": -4}",
	    NULL, &r);
	cr_assert_eq(api_int(flow_delivery(&r, "webhook"), "attempt_count"), 1);
	api_free(&r);

	act(id, "deliver", "{\"provider\": \"jira\"}", NULL, &r);
	flow_problem(&r, 400, "approval provider jira must configure "
	    "token_env, authorization_env, or authorization header");
	api_free(&r);
	act(id, "deliver", NULL, NULL, &r);
	flow_problem(&r, 400, "approval provider jira must configure");
	api_free(&r);
	act(id, "deliver", "{\"provider\": \"servicenow\"}", NULL, &r);
	flow_problem(&r, 400, "approval provider is not configured: "
	    "servicenow");
	api_free(&r);
	act(id, "deliver", "{\"provider\": \"slack\"}", NULL, &r);
	flow_problem(&r, 400, "approval provider is not configured: slack");
	api_free(&r);
	free(id);
}

/* ---- configuration refused at start ---------------------------------- */

/*
 * cavra-approvals started with the file `text` as variable env: exits 78
 * with one line on stderr that holds `word`.
 */
static void
assert_refused_config(const char *env, const char *name, const char *text,
    const char *word)
{
	char	 dir[512], path[1024], cmd[4096], *err;
	int	 rc;

	snprintf(dir, sizeof(dir), "%s/config-%ld", RUN_DIR, (long)getpid());
	snprintf(cmd, sizeof(cmd), "mkdir -p '%s'", dir);
	cr_assert_eq(system(cmd), 0);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	extra_write(path, text);
	snprintf(cmd, sizeof(cmd), "env %s='%s' timeout 10 '%s/fcgi/"
	    "cavra-approvals' -s '%s/x.sock' </dev/null >/dev/null "
	    "2>'%s/err'", env, path, BUILDDIR, dir, dir);
	rc = system(cmd);
	snprintf(path, sizeof(path), "%s/err", dir);
	err = flow_read_file(path);
	cr_assert_not_null(err);
	cr_assert(WIFEXITED(rc) && WEXITSTATUS(rc) == 78, "%s: exit %d: %s",
	    text, WIFEXITED(rc) ? WEXITSTATUS(rc) : -1, err);
	cr_assert(strstr(err, word) != NULL && strchr(err, '\n') ==
	    err + strlen(err) - 1, "%s: want one line with \"%s\": %s", text,
	    word, err);
	free(err);
}

Test(approvals_config, bad_files_refused)
{
	assert_refused_config("CAVRA_APPROVAL_ROUTING_FILE", "r.yaml",
	    "- target_contains: iam/\n", "each approval routing rule must "
	    "include approver_group (rule 1)");
	assert_refused_config("CAVRA_APPROVAL_ROUTING_FILE", "r.json",
	    "[{\"approver_group\": \"A\"}, {\"approver_group\": \"B\", "
	    "\"severity\": 3}]", "approval routing rule 2: severity must be "
	    "a string");
	assert_refused_config("CAVRA_APPROVAL_ROUTING_FILE", "r.json",
	    "{\"rules\": []}", "approval_routing or routing_rules");
	assert_refused_config("CAVRA_APPROVAL_ROUTING_FILE", "r.json",
	    "[\"IAM\"]", "approval routing rule 1 is not an object");
	assert_refused_config("CAVRA_APPROVAL_ROUTING_FILE", "r.json",
	    "\"IAM\"", "or a list");
	assert_refused_config("CAVRA_APPROVAL_PROVIDER_CONFIG", "p.json",
	    "{\"providers\": [\"slack\"]}", "the provider map is not an "
	    "object");
	assert_refused_config("CAVRA_APPROVAL_PROVIDER_CONFIG", "p.json",
	    "{\"slack\": \"https://hooks.slack.com/services/x\"}",
	    "provider slack is not an object");
}
