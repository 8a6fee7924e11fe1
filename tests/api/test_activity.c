/*
 * API tests of cavra-activity: POST /decisions end to end (pack
 * evaluation, persistence, session refresh), decision and session lists
 * and lookups, bad input, persistence across a restart, and concurrent
 * writers.  Every test runs against the JSON and the SQLite stores.
 */
#include "config.h"

#include <sys/wait.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cv_limits.h"
#include "harness.h"

/* A session id no other test (or earlier run) uses. */
static const char *
uniq(const char *prefix)
{
	static char	 buf[8][96];
	static int	 n;
	struct timespec	 ts;
	char		*p = buf[n++ % 8];

	clock_gettime(CLOCK_REALTIME, &ts);
	snprintf(p, 96, "%s-%ld-%ld-%d", prefix, (long)getpid(),
	    (long)ts.tv_nsec, n);
	return p;
}

/* POST /decisions with a printf-built body; asserts the status. */
static void
decide(struct api_resp *r, long status, const char *fmt, ...)
{
	char	 body[4096];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(body, sizeof(body), fmt, ap);
	va_end(ap);
	api_req("POST", "/decisions", body, NULL, r);
	cr_assert_eq(r->status, status, "POST /decisions %s: %ld %s", body,
	    r->status, r->body);
}

static long long
total(const char *fmt, ...)
{
	struct api_resp	 r;
	char		 path[2048];
	long long	 t;
	va_list		 ap;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	api_req("GET", path, NULL, NULL, &r);
	cr_assert_eq(r.status, 200, "GET %s: %s", path, r.body);
	t = api_int(r.json, "total");
	api_free(&r);
	return t;
}

static struct json_object *
get_json(const char *path)
{
	struct api_resp		 r;
	struct json_object	*o;

	api_req("GET", path, NULL, NULL, &r);
	cr_assert_eq(r.status, 200, "GET %s: %s", path, r.body);
	o = json_object_get(r.json);
	api_free(&r);
	return o;
}

API_TEST(activity, blocked_command_is_stored_with_its_session)
{
	struct api_resp		 r;
	struct json_object	*s, *refs;
	const char		*sid = uniq("api-session");
	char			 path[512], ref[256];

	decide(&r, 200, "{\"session_id\":\"%s\",\"agent_id\":\"codex-agent\","
	    "\"actor\":\"codex-agent\",\"repository\":\"payments/api\","
	    "\"action_type\":\"execute_command\","
	    "\"target\":\"terraform apply -auto-approve\"}", sid);
	cr_assert_str_eq(api_str(r.json, "schema_version"), "cavra.decision.v1");
	cr_assert_str_eq(api_str(r.json, "decision"), "block");
	cr_assert_str_eq(api_str(r.json, "severity"), "critical");
	cr_assert_str_eq(api_str(r.json, "rule_id"), "commands.block");
	cr_assert_str_eq(api_str(r.json, "reason"),
	    "Matched blocked command policy: terraform apply*");
	cr_assert_str_eq(api_str(r.json, "policy_pack"),
	    "cavra-ai-agent-baseline");
	cr_assert_str_eq(api_str(r.json, "policy_id"),
	    "cavra-ai-agent-baseline");
	cr_assert_str_eq(api_str(r.json, "repository"), "payments/api");
	cr_assert(json_object_is_type(api_get(r.json, "approver_group"),
	    json_type_null));
	cr_assert_eq(strncmp(api_str(r.json, "decision_id"), "dec_", 4), 0);
	cr_assert_eq(strlen(api_str(r.json, "decision_id")), 16);
	cr_assert_eq(strncmp(api_str(r.json, "correlation_id"), "corr_", 5),
	    0);
	cr_assert(strstr(api_str(r.json, "timestamp"), "+00:00") != NULL);
	snprintf(ref, sizeof(ref), "evidence://%s/%s", sid,
	    api_str(r.json, "decision_id"));
	refs = api_get(r.json, "evidence_refs");
	cr_assert_eq(json_object_array_length(refs), 1);
	cr_assert_str_eq(json_object_get_string(json_object_array_get_idx(refs,
	    0)), ref);

	snprintf(path, sizeof(path), "/decisions/%s",
	    api_str(r.json, "decision_id"));
	s = get_json(path);
	cr_assert_str_eq(api_str(s, "repository"), "payments/api");
	cr_assert_str_eq(api_str(s, "decision"), "block");
	json_object_put(s);
	api_free(&r);

	cr_assert_eq(total("/decisions?session_id=%s&decision=block", sid), 1);
	snprintf(path, sizeof(path), "/sessions/%s", sid);
	s = get_json(path);
	cr_assert_eq(api_int(s, "decision_count"), 1);
	cr_assert_eq(api_int(s, "blocked_count"), 1);
	cr_assert_eq(api_int(s, "approval_required_count"), 0);
	cr_assert_str_eq(api_str(s, "state"), "active");
	cr_assert_str_eq(api_str(s, "agent_id"), "codex-agent");
	cr_assert_str_eq(api_str(s, "schema_version"), "cavra.session.v1");
	json_object_put(s);
}

API_TEST(activity, approval_required_write_and_filters)
{
	struct api_resp		 r;
	struct json_object	*s;
	const char		*sid = uniq("sqlite-session");
	const char		*agent = uniq("claude-code");
	char			 path[512];

	decide(&r, 200, "{\"session_id\":\"%s\",\"agent_id\":\"%s\","
	    "\"action_type\":\"write_file\",\"target\":\"iam/admin-role.tf\"}",
	    sid, agent);
	cr_assert_str_eq(api_str(r.json, "decision"), "require_approval");
	cr_assert_str_eq(api_str(r.json, "severity"), "high");
	cr_assert_str_eq(api_str(r.json, "approver_group"),
	    "Platform Security");
	cr_assert_str_eq(api_str(r.json, "rule_id"),
	    "filesystem.write.require_approval");
	cr_assert_str_eq(api_str(r.json, "repository"), "local");
	api_free(&r);
	cr_assert_eq(total("/decisions?agent_id=%s&severity=high", agent), 1);
	cr_assert_eq(total("/decisions?agent_id=%s&severity=low", agent), 0);
	cr_assert_eq(total("/decisions?agent_id=%s&action_type=write_file"
	    "&decision=require_approval&policy_pack=cavra-ai-agent-baseline",
	    agent), 1);
	cr_assert_eq(total("/decisions?agent_id=%s&session_id=", agent), 1);
	snprintf(path, sizeof(path), "/sessions/%s", sid);
	s = get_json(path);
	cr_assert_eq(api_int(s, "approval_required_count"), 1);
	json_object_put(s);
	cr_assert_eq(total("/sessions?agent_id=%s&state=active", agent), 1);
	cr_assert_eq(total("/sessions?agent_id=%s&state=archived", agent), 0);
}

API_TEST(activity, every_action_type_and_normalisation)
{
	static const struct {
		const char	*body;
		const char	*decision, *rule, *target;
	} cases[] = {
		{ "\"action_type\":\"read_file\",\"target\":\"./.env\"",
		    "block", "filesystem.read.block", ".env" },
		{ "\"action_type\":\"read_file\",\"target\":\"foo/../.env\"",
		    "block", "filesystem.read.block", ".env" },
		{ "\"action_type\":\"read_file\",\"target\":\"src/app.py\"",
		    "allow", "filesystem.read.allow", "src/app.py" },
		{ "\"action_type\":\"write_file\",\"target\":"
		    "\".github/workflows/ci.yml\"", "block",
		    "filesystem.write.block", ".github/workflows/ci.yml" },
		{ "\"action_type\":\"execute_command\",\"target\":\"  pytest -q "
		    "\"", "allow", "commands.allow", "pytest -q" },
		{ "\"action_type\":\"execute_command\",\"target\":\"ls -la\"",
		    "require_approval", "commands.default.require_approval",
		    "ls -la" },
		{ "\"action_type\":\"git_operation\",\"operation\":\"push\","
		    "\"target\":\"origin/main\"", "block",
		    "git.protected_branch.block_direct_push", "origin/main" },
		{ "\"action_type\":\"git_operation\",\"target\":\"domain\"",
		    "allow", "git.allow", "domain" },
		{ "\"action_type\":\"git_operation\"", "allow", "git.allow",
		    "push" },
		{ "\"action_type\":\"mcp_tool_call\",\"server\":"
		    "\"never-registered-mcp\",\"tool\":\"read_file\"", "block",
		    "mcp.registry.unknown", "never-registered-mcp:read_file" },
		{ "\"action_type\":\"execute_command\",\"target\":\"cat .env\","
		    "\"policy_pack\":\"cavra-terraform-prod\"", "allow",
		    "commands.allow", "cat .env" },
	};
	struct api_resp	 r;
	size_t		 i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		decide(&r, 200, "{\"session_id\":\"%s\",%s}", uniq("norm"),
		    cases[i].body);
		cr_assert_str_eq(api_str(r.json, "decision"), cases[i].decision,
		    "%s", cases[i].body);
		cr_assert_str_eq(api_str(r.json, "rule_id"), cases[i].rule,
		    "%s", cases[i].body);
		cr_assert_str_eq(api_str(r.json, "target"), cases[i].target,
		    "%s", cases[i].body);
		api_free(&r);
	}
}

API_TEST(activity, registered_mcp_server_is_allowed)
{
	struct api_resp	 r;
	const char	*server = uniq("github-mcp");
	char		 body[1024];

	snprintf(body, sizeof(body), "{\"server_id\":\"%s\",\"trust_tier\":"
	    "\"approved\",\"approval_state\":\"approved\",\"capabilities\":"
	    "[\"repository\"],\"allowed_tools\":[\"create_pull_request\"]}",
	    server);
	/* cavra-registry is part of every build: a missing one fails. */
	api_req("POST", "/mcp/servers", body, NULL, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	api_free(&r);
	decide(&r, 200, "{\"action_type\":\"mcp_tool_call\",\"server\":\"%s\","
	    "\"tool\":\"create_pull_request\",\"capability\":\"repository\"}",
	    server);
	cr_assert_str_eq(api_str(r.json, "rule_id"), "mcp.registry.allow");
	cr_assert_str_eq(api_str(r.json, "decision"), "allow");
	cr_assert_str_eq(api_str(r.json, "requested_operation"), "repository");
	api_free(&r);
	decide(&r, 200, "{\"action_type\":\"mcp_tool_call\",\"server\":\"%s\","
	    "\"tool\":\"delete_repository\"}", server);
	cr_assert_str_eq(api_str(r.json, "rule_id"), "mcp.registry.tool_scope");
	cr_assert_str_eq(api_str(r.json, "approver_group"), "AI Governance");
	api_free(&r);
}

API_TEST(activity, extra_request_fields_are_kept)
{
	struct api_resp		 r;
	struct json_object	*d;
	char			 path[256];

	decide(&r, 200, "{\"action_type\":\"read_file\",\"target\":\"a.txt\","
	    "\"declared_intent\":\"fix tests\",\"environment\":\"prod\","
	    "\"context\":{\"ticket\":\"OPS-1\"},\"labels\":[\"x\"],"
	    "\"decision\":\"allow\",\"severity\":\"none\"}");
	cr_assert_str_eq(api_str(r.json, "severity"), "low");
	snprintf(path, sizeof(path), "/decisions/%s",
	    api_str(r.json, "decision_id"));
	api_free(&r);
	d = get_json(path);
	cr_assert_str_eq(api_str(d, "declared_intent"), "fix tests");
	cr_assert_str_eq(api_str(d, "environment"), "prod");
	cr_assert_str_eq(api_str(api_get(d, "context"), "ticket"), "OPS-1");
	cr_assert_str_eq(api_str(d, "session_id"), "local");
	json_object_put(d);
}

API_TEST(activity, session_follows_latest_decision)
{
	struct api_resp		 r;
	struct json_object	*s;
	const char		*sid = uniq("follow");
	char			 path[256], ts2[64];

	decide(&r, 200, "{\"session_id\":\"%s\",\"action_type\":\"read_file\","
	    "\"target\":\"a\"}", sid);
	api_free(&r);
	usleep(2000);
	decide(&r, 200, "{\"session_id\":\"%s\",\"action_type\":\"read_file\","
	    "\"target\":\".env\",\"agent_id\":\"later\"}", sid);
	snprintf(ts2, sizeof(ts2), "%s", api_str(r.json, "timestamp"));
	api_free(&r);
	snprintf(path, sizeof(path), "/sessions/%s", sid);
	s = get_json(path);
	cr_assert_str_eq(api_str(s, "updated_at"), ts2);
	cr_assert_str_neq(api_str(s, "started_at"), ts2);
	cr_assert_eq(json_object_array_length(api_get(s, "evidence_refs")), 2);
	cr_assert_eq(api_int(s, "decision_count"), 2);
	cr_assert_eq(api_int(s, "blocked_count"), 1);
	cr_assert_str_eq(api_str(s, "agent_id"), "later");
	json_object_put(s);
	cr_assert_eq(total("/decisions?session_id=%s", sid), 2);
}

API_TEST(activity, bad_input_is_4xx_and_stores_nothing)
{
	static const struct {
		const char	*body;
		long		 status;
		const char	*detail;
	} cases[] = {
		{ "{\"policy_pack\":\"no-such-pack\",\"action_type\":\"read_file\","
		    "\"target\":\"a\"}", 404, "no-such-pack" },
		{ "{\"policy_pack\":\"../etc\",\"action_type\":\"read_file\","
		    "\"target\":\"a\"}", 400, NULL },
		{ "{\"policy_pack\":7,\"action_type\":\"read_file\","
		    "\"target\":\"a\"}", 422, "policy_pack" },
		{ "{\"action_type\":\"read_file\"}", 422, "target" },
		{ "{\"action_type\":\"read_file\",\"target\":null}", 422,
		    "target" },
		{ "{\"action_type\":\"execute_command\",\"target\":[\"ls\"]}",
		    422, "target" },
		{ "{\"action_type\":\"write_file\",\"target\":5}", 422,
		    "target" },
		{ "{\"action_type\":\"shell_command\",\"target\":\"ls\"}", 422,
		    "read_file, write_file, execute_command" },
		{ "{\"target\":\"ls\"}", 422, "action_type" },
		{ "{\"action_type\":\"read_file\",\"target\":\"a\","
		    "\"session_id\":{}}", 422, "session_id" },
		{ "{\"action_type\":\"read_file\",", 400, "malformed JSON" },
		{ "[1,2,3]", 422, NULL },
		{ "\"text\"", 422, NULL },
		{ "{\"a\":NaN}", 400, NULL },
	};
	struct api_resp	 r;
	const char	*sid = uniq("rejected");
	char		 body[1024];
	size_t		 i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		/* Each object body also names this test's session, so that
		 * nothing may be stored under it. */
		if (cases[i].body[0] == '{' && cases[i].body[1] == '"')
			snprintf(body, sizeof(body), "{\"session_id\":\"%s\",%s",
			    sid, cases[i].body + 1);
		else
			snprintf(body, sizeof(body), "%s", cases[i].body);
		api_req("POST", "/decisions", body, NULL, &r);
		api_assert_problem(&r, cases[i].status);
		if (cases[i].detail != NULL)
			cr_assert(strstr(api_str(r.json, "detail"),
			    cases[i].detail) != NULL, "%s: %s", cases[i].body,
			    r.body);
		api_free(&r);
	}
	api_req("POST", "/decisions", NULL, NULL, &r);
	api_assert_problem(&r, 422);
	api_free(&r);
	cr_assert_eq(total("/decisions?session_id=%s", sid), 0,
	    "a rejected request stored a decision");
	api_req("GET", "/sessions/rejected-none", NULL, NULL, &r);
	cr_assert_eq(r.status, 404);
	api_free(&r);
}

API_TEST(activity, body_over_one_mebibyte_is_413)
{
	struct api_resp	 r;
	size_t		 n = 1536 * 1024;
	char		*big;

	big = malloc(n + 1);
	cr_assert_not_null(big);
	memset(big, ' ', n);
	memcpy(big, "{\"action_type\":\"read_file\",\"target\":\"a\"}", 40);
	big[n] = '\0';
	api_req("POST", "/decisions", big, NULL, &r);
	api_assert_problem(&r, 413);
	api_free(&r);
	free(big);
}

API_TEST(activity, list_queries_are_checked_and_paged)
{
	static const char *const bad[] = { "/decisions?limit=ten",
	    "/decisions?offset=x", "/decisions?decision=maybe",
	    "/decisions?severity=extreme", "/sessions?state=paused",
	    "/sessions?limit=1.5", NULL };
	const char *const	*p;
	struct api_resp		 r;
	const char		*sid = uniq("page");
	int			 i;

	/* Query values not of their type or enumeration: 422. */
	for (p = bad; *p != NULL; p++) {
		api_req("GET", *p, NULL, NULL, &r);
		api_assert_problem(&r, 422);
		api_free(&r);
	}
	for (i = 0; i < 3; i++) {
		decide(&r, 200, "{\"session_id\":\"%s\",\"action_type\":"
		    "\"read_file\",\"target\":\"f%d\"}", sid, i);
		api_free(&r);
	}
	api_req("GET", "/decisions?limit=2&offset=1&session_id=", NULL, NULL,
	    &r);
	cr_assert_eq(api_int(r.json, "limit"), 2);
	cr_assert_eq(api_int(r.json, "offset"), 1);
	api_free(&r);
	{
		char	 path[256];

		snprintf(path, sizeof(path), "/decisions?session_id=%s&limit=2",
		    sid);
		api_req("GET", path, NULL, NULL, &r);
		cr_assert_eq(api_int(r.json, "total"), 3);
		cr_assert_eq(json_object_array_length(api_get(r.json,
		    "items")), 2);
		/* Newest first. */
		cr_assert_str_eq(api_str(json_object_array_get_idx(
		    api_get(r.json, "items"), 0), "target"), "f2");
		api_free(&r);
		snprintf(path, sizeof(path), "/decisions?session_id=%s&limit=0"
		    "&offset=-3", sid);
		api_req("GET", path, NULL, NULL, &r);
		cr_assert_eq(api_int(r.json, "limit"), 1);
		cr_assert_eq(api_int(r.json, "offset"), 0);
		api_free(&r);
	}
}

API_TEST(activity, lookups_of_unknown_ids_are_404)
{
	struct api_resp	 r;

	api_req("GET", "/decisions/dec_doesnotexist", NULL, NULL, &r);
	api_assert_problem(&r, 404);
	cr_assert_str_eq(api_str(r.json, "detail"), "decision not found");
	api_free(&r);
	api_req("GET", "/sessions/no-such-session", NULL, NULL, &r);
	api_assert_problem(&r, 404);
	cr_assert_str_eq(api_str(r.json, "detail"), "session not found");
	api_free(&r);
	api_req("DELETE", "/decisions", NULL, NULL, &r);
	api_assert_problem(&r, 405);
	api_free(&r);
}

API_TEST(activity, sessions_upsert_merge_and_validate)
{
	struct api_resp		 r;
	struct json_object	*s;
	const char		*sid = uniq("manual");
	char			 body[512], path[256];

	snprintf(body, sizeof(body), "{\"session_id\":\"%s\",\"agent_id\":"
	    "\"cursor\",\"status\":\"completed\",\"decision_count\":4,"
	    "\"owner\":\"team-a\"}", sid);
	api_req("POST", "/sessions", body, NULL, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	cr_assert_str_eq(api_str(r.json, "state"), "completed");
	cr_assert_eq(api_int(r.json, "decision_count"), 4);
	cr_assert_eq(api_int(r.json, "blocked_count"), 0);
	cr_assert_str_eq(api_str(r.json, "repository"), "local");
	api_free(&r);

	snprintf(body, sizeof(body), "{\"session_id\":\"%s\",\"state\":"
	    "\"archived\"}", sid);
	api_req("POST", "/sessions", body, NULL, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	api_free(&r);
	snprintf(path, sizeof(path), "/sessions/%s", sid);
	s = get_json(path);
	cr_assert_str_eq(api_str(s, "state"), "archived");
	cr_assert_str_eq(api_str(s, "agent_id"), "cursor");
	cr_assert_str_eq(api_str(s, "owner"), "team-a");
	json_object_put(s);

	/* A decision for the session recounts it and reactivates it. */
	decide(&r, 200, "{\"session_id\":\"%s\",\"action_type\":\"read_file\","
	    "\"target\":\".env\"}", sid);
	api_free(&r);
	s = get_json(path);
	cr_assert_eq(api_int(s, "decision_count"), 1);
	cr_assert_eq(api_int(s, "blocked_count"), 1);
	cr_assert_str_eq(api_str(s, "state"), "active");
	json_object_put(s);

	api_req("POST", "/sessions", "{\"agent_id\":\"x\"}", NULL, &r);
	api_assert_problem(&r, 400);
	cr_assert(strstr(api_str(r.json, "detail"), "invalid session record")
	    != NULL);
	api_free(&r);
	snprintf(body, sizeof(body), "{\"session_id\":\"%s\",\"state\":"
	    "\"paused\"}", sid);
	api_req("POST", "/sessions", body, NULL, &r);
	api_assert_problem(&r, 400);
	api_free(&r);
	snprintf(body, sizeof(body), "{\"session_id\":\"%s\",\"evidence_refs\":"
	    "{\"a\":1}}", sid);
	api_req("POST", "/sessions", body, NULL, &r);
	api_assert_problem(&r, 400);
	api_free(&r);
	snprintf(body, sizeof(body), "{\"session_id\":\"%s\","
	    "\"decision_count\":\"many\"}", uniq("counts"));
	api_req("POST", "/sessions", body, NULL, &r);
	api_assert_problem(&r, 400);
	api_free(&r);
}

API_TEST(activity, decisions_survive_a_restart)
{
	struct api_resp		 r;
	struct json_object	*d;
	char			 path[256];

	decide(&r, 200, "{\"session_id\":\"%s\",\"action_type\":"
	    "\"execute_command\",\"target\":\"kubectl delete pod x\"}",
	    uniq("restart"));
	snprintf(path, sizeof(path), "/decisions/%s",
	    api_str(r.json, "decision_id"));
	api_free(&r);
	api_restart();
	d = get_json(path);
	cr_assert_str_eq(api_str(d, "decision"), "block");
	cr_assert_str_eq(api_str(d, "severity"), "critical");
	json_object_put(d);
}

/*
 * Runs n writer processes of the shell script `script` at once, each with
 * its number ($1) and this stack's base URL ($2), and waits for them; the
 * exec keeps Criterion out of the children.  Every writer must exit 0.
 */
static void
run_writers(const char *script, int n)
{
	pid_t	 pids[16];
	char	 num[8];
	int	 i, st;

	cr_assert_leq(n, 16);
	for (i = 0; i < n; i++) {
		snprintf(num, sizeof(num), "%d", i);
		if ((pids[i] = fork()) == 0) {
			execl("/bin/sh", "sh", "-c", script, "sh", num,
			    getenv(strcmp(api_mode(), "sqlite") == 0 ?
			    "CAVRA_TEST_SQLITE_BASE" : "CAVRA_TEST_JSON_BASE"),
			    (char *)NULL);
			_exit(127);
		}
		cr_assert_gt(pids[i], 0);
	}
	for (i = 0; i < n; i++) {
		cr_assert_eq(waitpid(pids[i], &st, 0), pids[i]);
		cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		    "writer %d failed", i);
	}
}

API_TEST(activity, four_writers_lose_nothing)
{
	struct json_object	*s;
	const char		*sid = uniq("concurrent");
	char			 path[256], script[2048];

	/* Four separate processes (curl loops), each posting 25 decisions
	 * to one session. */
	snprintf(script, sizeof(script), "i=0; while [ $i -lt 25 ]; do "
	    "code=$(curl -s -o /dev/null -w '%%{http_code}' -X POST "
	    "-H 'Content-Type: application/json' --data "
	    "\"{\\\"session_id\\\":\\\"%s\\\",\\\"action_type\\\":"
	    "\\\"write_file\\\",\\\"target\\\":\\\"iam/w$1-$i\\\"}\" "
	    "\"$2/decisions\"); [ \"$code\" = 200 ] || exit 1; "
	    "i=$((i + 1)); done", sid);
	run_writers(script, 4);
	cr_assert_eq(total("/decisions?session_id=%s", sid), 100);
	snprintf(path, sizeof(path), "/sessions/%s", sid);
	s = get_json(path);
	cr_assert_eq(api_int(s, "decision_count"), 100);
	cr_assert_eq(api_int(s, "approval_required_count"), 100);
	/* The session keeps the references of its latest decisions. */
	cr_assert_eq(json_object_array_length(api_get(s, "evidence_refs")),
	    CV_SESSION_REFS_MAX);
	json_object_put(s);
}

/*
 * Eight writers over three sessions, blocked and allowed reads mixed:
 * decisions committed together (cavra-activity's group commit) refresh
 * each of their sessions once, and every session's counts still equal
 * what is stored for it.
 */
API_TEST(activity, concurrent_sessions_keep_exact_counts)
{
	struct json_object	*s;
	const char		*base = uniq("many");
	char			 script[2048], path[256], sid[128];
	long long		 blocked = 0;
	int			 i;

	snprintf(script, sizeof(script), "i=0; while [ $i -lt 20 ]; do "
	    "t=src/w$1-$i.c; [ $((i %% 2)) = 0 ] && t=.env; "
	    "code=$(curl -s -o /dev/null -w '%%{http_code}' -X POST "
	    "-H 'Content-Type: application/json' --data "
	    "\"{\\\"session_id\\\":\\\"%s-$((($1 + i) %% 3))\\\","
	    "\\\"action_type\\\":\\\"read_file\\\",\\\"target\\\":"
	    "\\\"$t\\\"}\" \"$2/decisions\"); [ \"$code\" = 200 ] || exit 1; "
	    "i=$((i + 1)); done", base);
	run_writers(script, 8);
	cr_assert_eq(total("/decisions?session_id=%s-0", base) +
	    total("/decisions?session_id=%s-1", base) +
	    total("/decisions?session_id=%s-2", base), 160);
	for (i = 0; i < 3; i++) {
		snprintf(sid, sizeof(sid), "%s-%d", base, i);
		snprintf(path, sizeof(path), "/sessions/%s", sid);
		s = get_json(path);
		cr_assert_eq(api_int(s, "decision_count"),
		    total("/decisions?session_id=%s", sid), "%s", sid);
		cr_assert_eq(api_int(s, "blocked_count"),
		    total("/decisions?session_id=%s&decision=block", sid),
		    "%s", sid);
		cr_assert_eq(api_int(s, "approval_required_count"),
		    total("/decisions?session_id=%s&decision=require_approval",
		    sid), "%s", sid);
		blocked += api_int(s, "blocked_count");
		json_object_put(s);
	}
	cr_assert_eq(blocked, 80, "every .env read is blocked");
}
