/*
 * API tests of the optional API access control (CAVRA_API_ACCESS_FILE,
 * cavra-access(7)).
 *
 * The file starts one stack of its own, once for all its tests (a
 * report hook before the first test): an access file in YAML with a
 * static token for each role (the reader's hash in upper case), an agent
 * token bound to an agent_id and one bound to none, and oidc_roles, plus
 * an OIDC config whose JWKS holds a throw-away RSA key (tests/jwt-mint).
 * The tokens are random for each run and reach the tests, which run in
 * processes of their own, through the environment.
 *
 * Each role meets a read, a registry write, an approval act and a
 * policy publish; bearers that are missing, malformed or unknown get 401
 * with WWW-Authenticate; an agent token decides and reads only as its
 * agent; no token and no hash reaches a log of the stack.  Files that
 * must be refused are run through a responder directly (exit 78).
 */
#include "config.h"

#include <sys/wait.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <criterion/hooks.h>
#include <openssl/pem.h>

#include "cv_crypto.h"
#include "cv_util.h"
#include "harness.h"
#include "jwt-mint.h"

#ifndef nitems
#define nitems(a)	(sizeof(a) / sizeof((a)[0]))
#endif

#define TOKEN_HEX	32	/* random hex digits of a test token */

/* The static tokens of the access file: environment variable, name,
 * role, agent_id. */
static const struct {
	const char	*env;
	const char	*name;
	const char	*role;
	int		 bound;		/* agent_id: the AGENT_A agent */
} toks[] = {
	{ "ACCESS_TOKEN_AGENT", "ci-agent", "agent", 1 },
	{ "ACCESS_TOKEN_AGENT_FREE", "shared-agent", "agent", 0 },
	{ "ACCESS_TOKEN_READER", "dashboards", "reader", 0 },
	{ "ACCESS_TOKEN_OPERATOR", "sec-ops", "operator", 0 },
	{ "ACCESS_TOKEN_ADMIN", "platform", "admin", 0 },
};

#define ISSUER		"https://idp.access.example"
#define AUDIENCE	"cavra-access"

static char	 run[1100];

/* The token of environment variable env (set by the hook). */
static const char *
tok(const char *env)
{
	const char	*v = getenv(env);

	cr_assert_not_null(v, "%s is not set: the access stack did not "
	    "start (see %s/start.log)", env, run);
	return v;
}

/* "Authorization: Bearer <token of env>" in buf. */
static const char *
bearer(char *buf, size_t len, const char *env)
{
	snprintf(buf, len, "Authorization: Bearer %s", tok(env));
	return buf;
}

/* One request with the token of env (NULL: none). */
static void
req_as(const char *env, const char *method, const char *path,
    const char *body, struct api_resp *r)
{
	char		 h[512];
	const char	*hs[] = { NULL, NULL };

	if (env != NULL)
		hs[0] = bearer(h, sizeof(h), env);
	api_req(method, path, body, hs, r);
}

/* A 401 with WWW-Authenticate: Bearer. */
static void
assert_401(const struct api_resp *r)
{
	char	*wa;

	api_assert_problem(r, 401);
	wa = api_header(r, "WWW-Authenticate");
	cr_assert(wa != NULL && strncmp(wa, "Bearer", 6) == 0,
	    "WWW-Authenticate: %s", wa != NULL ? wa : "(none)");
	free(wa);
}

static void
write_file(const char *path, const char *text)
{
	FILE	*f;

	cr_assert_not_null(f = fopen(path, "w"), "%s", path);
	fputs(text, f);
	cr_assert_eq(fclose(f), 0);
}

/*
 * Starts the access stack in the runner process, before any test: the
 * tokens, the access file, the OIDC key and config, then tests/stack.
 * It cannot fail a test itself: when something goes wrong, the token
 * variables stay unset and every test fails on them (tok()).
 */
ReportHook(PRE_ALL)(struct criterion_test_set *set)
{
	struct cv_text	 y = { NULL, 0, 0 };
	unsigned char	 h[CV_SHA256_LEN];
	char		 cmd[4096], path[1200], t[TOKEN_HEX + 8], hex[65];
	char		 agent[64];
	EVP_PKEY	*key = NULL;
	size_t		 i, j;
	FILE		*f;
	int		 port, ok;

	(void)set;
	snprintf(run, sizeof(run), "%s/tests/api/run-test_access/access",
	    BUILDDIR);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s' && mkdir -p '%s'", run, run);
	if (system(cmd) != 0)
		return;
	snprintf(agent, sizeof(agent), "agent-a-%d", (int)getpid());
	setenv("ACCESS_AGENT_A", agent, 1);
	cv_text_str(&y, "# API access control of the test stack\ntokens:\n");
	for (i = 0; i < nitems(toks); i++) {
		memcpy(t, "cvt_", 4);
		cv_rand_hex(t + 4, TOKEN_HEX);
		cv_sha256(t, strlen(t), h);
		cv_hex(hex, h, sizeof(h));
		/* Hashes may be written in upper case. */
		if (strcmp(toks[i].role, "reader") == 0)
			for (j = 0; hex[j] != '\0'; j++)
				hex[j] = (char)toupper((unsigned char)hex[j]);
		cv_text_printf(&y, "  - name: %s\n    sha256: \"%s\"\n"
		    "    role: %s\n", toks[i].name, hex, toks[i].role);
		if (toks[i].bound)
			cv_text_printf(&y, "    agent_id: %s\n", agent);
		setenv(toks[i].env, t, 1);
	}
	cv_text_str(&y, "oidc_roles:\n  \"Security Reviewers\": operator\n"
	    "  \"Platform Admins\": admin\n  \"Observers\": reader\n");
	snprintf(path, sizeof(path), "%s/access.yaml", run);
	if ((f = fopen(path, "w")) == NULL)
		goto out;
	fputs(y.p, f);
	fclose(f);
	setenv("CAVRA_API_ACCESS_FILE", path, 1);

	/* The OIDC issuer: a throw-away key (kept in a file for the test
	 * processes), its JWKS, the config. */
	key = jwt_key_new(2048);
	snprintf(path, sizeof(path), "%s/oidc-key.pem", run);
	if ((f = fopen(path, "w")) == NULL)
		goto out;
	ok = PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL);
	fclose(f);
	setenv("ACCESS_OIDC_KEY", path, 1);
	snprintf(path, sizeof(path), "%s/jwks.json", run);
	if (!ok || jwt_write_jwks(path, key, "access-kid") != 0)
		goto out;
	snprintf(path, sizeof(path), "%s/oidc.json", run);
	if ((f = fopen(path, "w")) == NULL)
		goto out;
	fprintf(f, "{\"issuer\": \"%s\", \"audience\": \"%s\", "
	    "\"jwks_path\": \"jwks.json\"}\n", ISSUER, AUDIENCE);
	fclose(f);
	setenv("CAVRA_APPROVAL_OIDC_CONFIG", path, 1);

	snprintf(cmd, sizeof(cmd), "'%s/tests/stack' start '%s' > '%s/start."
	    "log' 2>&1", SRCDIR, run, run);
	if (system(cmd) != 0)
		goto out;
	snprintf(path, sizeof(path), "%s/port", run);
	if ((f = fopen(path, "r")) == NULL)
		goto out;
	if (fscanf(f, "%d", &port) == 1) {
		snprintf(cmd, sizeof(cmd), "http://127.0.0.1:%d", port);
		setenv("CAVRA_TEST_JSON_BASE", cmd, 1);
		setenv("CAVRA_TEST_JSON_RUN", run, 1);
		setenv("ACCESS_STACK_UP", "1", 1);
	}
	fclose(f);
out:
	EVP_PKEY_free(key);
	free(y.p);
}

ReportHook(POST_ALL)(struct criterion_global_stats *stats)
{
	char	 cmd[4096];

	(void)stats;
	snprintf(cmd, sizeof(cmd), "'%s/tests/stack' stop '%s' >/dev/null "
	    "2>&1", SRCDIR, run);
	if (system(cmd) != 0)
		fprintf(stderr, "could not stop the stack in %s\n", run);
}

/* Every test: the access stack is up. */
static void
use_stack(void)
{
	snprintf(run, sizeof(run), "%s/tests/api/run-test_access/access",
	    BUILDDIR);
	cr_assert_not_null(getenv("ACCESS_STACK_UP"), "the access stack did "
	    "not start: see %s/start.log", run);
	api_use("json");
}

TestSuite(access, .init = use_stack, .timeout = 120);

/*
 * A JWT for the stack's issuer, signed with its key (another key when
 * `stranger`), whose groups claim is `groups` (a JSON array) and which
 * expires `exp_in` seconds from now.  Malloc'ed.
 */
static char *
oidc_token(const char *email, const char *groups, long exp_in, int stranger)
{
	EVP_PKEY	*key = NULL;
	FILE		*f;
	char		 claims[1024];
	char		*t;

	if (stranger)
		key = jwt_key_new(2048);
	else {
		cr_assert_not_null(f = fopen(tok("ACCESS_OIDC_KEY"), "r"));
		key = PEM_read_PrivateKey(f, NULL, NULL, NULL);
		fclose(f);
	}
	cr_assert_not_null(key);
	snprintf(claims, sizeof(claims), "{\"iss\": \"%s\", \"aud\": \"%s\", "
	    "\"sub\": \"%s\", \"email\": \"%s\", \"groups\": %s, "
	    "\"exp\": %lld, \"iat\": %lld}", ISSUER, AUDIENCE, email, email,
	    groups, (long long)time(NULL) + exp_in, (long long)time(NULL));
	t = jwt_mint(key, "access-kid", "RS256", claims);
	EVP_PKEY_free(key);
	return t;
}

Test(access, health_and_version_are_open)
{
	struct api_resp	 r;

	api_req("GET", "/health", NULL, NULL, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	api_free(&r);
	api_req("GET", "/version", NULL, NULL, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	api_free(&r);
	/* A bad bearer on an open route is not looked at. */
	api_req("GET", "/health", NULL, (const char *[]){ "Authorization: "
	    "Bearer not-a-token", NULL }, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	api_free(&r);
}

/* No bearer, another scheme, an empty one, an unknown token: 401 with
 * WWW-Authenticate, whose detail does not repeat what was sent. */
Test(access, missing_or_bad_bearer_is_401)
{
	static const char *const bad[] = {
		"Authorization: Bearer cvt_0123456789abcdef0123456789abcdef",
		"Authorization: Basic Y3Z0X3NlY3JldDpzZWNyZXQ=",
		"Authorization: Bearer",
		"Authorization: cvt_0123456789abcdef0123456789abcdef",
		"Authorization: Bearer a.b.c",
	};
	struct api_resp	 r;
	char		 h[512];
	size_t		 i;

	api_req("GET", "/agents", NULL, NULL, &r);
	assert_401(&r);
	api_free(&r);
	api_req("POST", "/decisions", "{\"action_type\": \"read_file\", "
	    "\"target\": \"README.md\"}", NULL, &r);
	assert_401(&r);
	api_free(&r);
	for (i = 0; i < nitems(bad); i++) {
		api_req("GET", "/agents", NULL, (const char *[]){ bad[i],
		    NULL }, &r);
		assert_401(&r);
		cr_assert_null(strstr(r.body, "0123456789abcdef"), "%s",
		    r.body);
		cr_assert_null(strstr(r.body, "Y3Z0X3NlY3JldDpzZWNyZXQ"),
		    "%s", r.body);
		api_free(&r);
	}
	/* A known token with one character changed. */
	snprintf(h, sizeof(h), "Authorization: Bearer %sx",
	    tok("ACCESS_TOKEN_ADMIN"));
	api_req("GET", "/agents", NULL, (const char *[]){ h, NULL }, &r);
	assert_401(&r);
	cr_assert_null(strstr(r.body, tok("ACCESS_TOKEN_ADMIN")), "%s",
	    r.body);
	api_free(&r);
	/* The scheme is case-insensitive. */
	snprintf(h, sizeof(h), "Authorization: bEaReR %s",
	    tok("ACCESS_TOKEN_READER"));
	api_req("GET", "/agents", NULL, (const char *[]){ h, NULL }, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	api_free(&r);
}

/*
 * Each role against a read (GET /agents), a registry write (POST
 * /agents) and a policy publish: what it may do is answered by the
 * route, what it may not is 403 without WWW-Authenticate, before the
 * body is looked at.
 */
Test(access, roles_read_write_publish)
{
	static const struct {
		const char	*env;
		int		 read, write, publish;
	} m[] = {
		{ "ACCESS_TOKEN_AGENT", 0, 0, 0 },
		{ "ACCESS_TOKEN_AGENT_FREE", 0, 0, 0 },
		{ "ACCESS_TOKEN_READER", 1, 0, 0 },
		{ "ACCESS_TOKEN_OPERATOR", 1, 1, 0 },
		{ "ACCESS_TOKEN_ADMIN", 1, 1, 1 },
	};
	struct api_resp	 r;
	char		 body[256], id[64], *wa, *t, *pub;
	size_t		 i;

	/* A static token names no actor: the publisher's identity is a
	 * verified token in the body. */
	t = oidc_token("publisher@example.com", "[\"Platform Security\"]",
	    600, 0);
	cr_assert_gt(asprintf(&pub, "{\"actor_token\": \"%s\"}", t), 0);
	for (i = 0; i < nitems(m); i++) {
		req_as(m[i].env, "GET", "/agents", NULL, &r);
		if (m[i].read)
			cr_assert_eq(r.status, 200, "%s: %s", m[i].env, r.body);
		else
			api_assert_problem(&r, 403);
		wa = api_header(&r, "WWW-Authenticate");
		cr_assert_null(wa, "%s: WWW-Authenticate on %ld", m[i].env,
		    r.status);
		api_free(&r);

		api_uid(id, sizeof(id), "access-agent");
		snprintf(body, sizeof(body), "{\"agent_id\": \"%s\", "
		    "\"owner\": \"security\"}", id);
		req_as(m[i].env, "POST", "/agents", body, &r);
		if (m[i].write) {
			cr_assert_eq(r.status, 200, "%s: %s", m[i].env, r.body);
			cr_assert_str_eq(api_str(r.json, "agent_id"), id);
		} else
			api_assert_problem(&r, 403);
		api_free(&r);
		/* Refused before the body is read: a body that is not
		 * JSON is 403, not 400 or 415. */
		if (!m[i].write) {
			api_req("POST", "/agents", "not json", (const char *[]){
			    bearer(body, sizeof(body), m[i].env),
			    "Content-Type: text/plain", NULL }, &r);
			api_assert_problem(&r, 403);
			api_free(&r);
		}

		/* No draft and no approval: admin gets an answer of the
		 * route (400), the others 403 before any validation. */
		req_as(m[i].env, "POST", "/policy-packs/publish", pub, &r);
		if (m[i].publish)
			cr_assert(r.status != 401 && r.status != 403 &&
			    r.status != 404 && r.status != 405, "%s: %ld %s",
			    m[i].env, r.status, r.body);
		else
			api_assert_problem(&r, 403);
		api_free(&r);
	}
	free(pub);
	free(t);
}

/* The detail of a 403 names the role and what the route needs. */
Test(access, forbidden_detail_names_role)
{
	struct api_resp	 r;

	req_as("ACCESS_TOKEN_READER", "POST", "/mcp/servers",
	    "{\"server_id\": \"x\"}", &r);
	api_assert_problem(&r, 403);
	cr_assert_str_eq(api_str(r.json, "detail"), "role reader may not "
	    "POST /mcp/servers: it needs operator or admin");
	api_free(&r);
}

/* POST /decisions as env with body; the decision's id into id. */
static void
decide(const char *env, const char *body, long want, char *id, size_t len)
{
	struct api_resp	 r;

	req_as(env, "POST", "/decisions", body, &r);
	if (want != 200) {
		api_assert_problem(&r, want);
		api_free(&r);
		return;
	}
	cr_assert_eq(r.status, 200, "%s", r.body);
	if (id != NULL)
		snprintf(id, len, "%s", api_str(r.json, "decision_id"));
	api_free(&r);
}

/* Waits until session sid is stored (sessions follow their decisions
 * through the journal). */
static void
wait_session(const char *sid)
{
	struct api_resp	 r;
	char		 path[256];
	int		 i;

	snprintf(path, sizeof(path), "/sessions/%s", sid);
	for (i = 0; i < 100; i++) {
		req_as("ACCESS_TOKEN_ADMIN", "GET", path, NULL, &r);
		if (r.status == 200) {
			api_free(&r);
			return;
		}
		api_free(&r);
		usleep(50000);
	}
	cr_assert_fail("session %s was not stored", sid);
}

/* Every item of a list answer belongs to agent. */
static void
assert_all_of(const struct api_resp *r, const char *agent, long min)
{
	struct json_object	*items;
	size_t			 i, n;

	cr_assert_eq(r->status, 200, "%s", r->body);
	items = api_get(r->json, "items");
	n = json_object_array_length(items);
	cr_assert_geq((long)n, min, "%s", r->body);
	cr_assert_eq(api_int(r->json, "total"), (long long)n, "%s", r->body);
	for (i = 0; i < n; i++)
		cr_assert_str_eq(api_str(json_object_array_get_idx(items, i),
		    "agent_id"), agent);
}

/*
 * An agent token bound to an agent_id decides only as that agent (a body
 * without agent_id gets it, one naming another is 403) and reads only
 * its agent's decisions and sessions: another agent's record is 404 as a
 * missing one, a list is filtered to its agent, a list asking for
 * another agent is 403.
 */
Test(access, agent_token_is_bound_to_its_agent)
{
	struct api_resp	 r;
	const char	*agent;
	char		 sa[64], sb[64], da[64], da2[64], db[64], body[512];
	char		 path[256];

	agent = getenv("ACCESS_AGENT_A");
	cr_assert_not_null(agent);
	api_uid(sa, sizeof(sa), "access-sess-a");
	api_uid(sb, sizeof(sb), "access-sess-b");

	snprintf(body, sizeof(body), "{\"session_id\": \"%s\", \"agent_id\": "
	    "\"agent-b\", \"action_type\": \"read_file\", \"target\": "
	    "\"README.md\"}", sa);
	decide("ACCESS_TOKEN_AGENT", body, 403, NULL, 0);
	snprintf(body, sizeof(body), "{\"session_id\": \"%s\", \"agent_id\": "
	    "42, \"action_type\": \"read_file\", \"target\": \"README.md\"}",
	    sa);
	decide("ACCESS_TOKEN_AGENT", body, 403, NULL, 0);

	snprintf(body, sizeof(body), "{\"session_id\": \"%s\", \"action_type\": "
	    "\"read_file\", \"target\": \"README.md\"}", sa);
	req_as("ACCESS_TOKEN_AGENT", "POST", "/decisions", body, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	cr_assert_str_eq(api_str(r.json, "agent_id"), agent);
	snprintf(da, sizeof(da), "%s", api_str(r.json, "decision_id"));
	api_free(&r);
	snprintf(body, sizeof(body), "{\"session_id\": \"%s\", \"agent_id\": "
	    "\"%s\", \"action_type\": \"read_file\", \"target\": \".env\"}",
	    sa, agent);
	decide("ACCESS_TOKEN_AGENT", body, 200, da2, sizeof(da2));

	/* Another agent's decision, by admin (who decides as anyone). */
	snprintf(body, sizeof(body), "{\"session_id\": \"%s\", \"agent_id\": "
	    "\"agent-b\", \"action_type\": \"read_file\", \"target\": "
	    "\"README.md\"}", sb);
	decide("ACCESS_TOKEN_ADMIN", body, 200, db, sizeof(db));

	/* One record: its own, not another's (as a missing one). */
	snprintf(path, sizeof(path), "/decisions/%s", da);
	req_as("ACCESS_TOKEN_AGENT", "GET", path, NULL, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	api_free(&r);
	snprintf(path, sizeof(path), "/decisions/%s", db);
	req_as("ACCESS_TOKEN_AGENT", "GET", path, NULL, &r);
	api_assert_problem(&r, 404);
	cr_assert_str_eq(api_str(r.json, "detail"), "decision not found");
	api_free(&r);
	req_as("ACCESS_TOKEN_READER", "GET", path, NULL, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	api_free(&r);

	/* Lists: filtered to its agent; another agent_id is 403. */
	req_as("ACCESS_TOKEN_AGENT", "GET", "/decisions?agent_id=agent-b",
	    NULL, &r);
	api_assert_problem(&r, 403);
	api_free(&r);
	snprintf(path, sizeof(path), "/decisions?agent_id=%s&agent_id="
	    "agent-b", agent);
	req_as("ACCESS_TOKEN_AGENT", "GET", path, NULL, &r);
	api_assert_problem(&r, 403);
	api_free(&r);
	snprintf(path, sizeof(path), "/decisions?session_id=%s", sb);
	req_as("ACCESS_TOKEN_AGENT", "GET", path, NULL, &r);
	assert_all_of(&r, agent, 0);
	cr_assert_eq(api_int(r.json, "total"), 0, "%s", r.body);
	api_free(&r);
	snprintf(path, sizeof(path), "/decisions?session_id=%s", sa);
	req_as("ACCESS_TOKEN_AGENT", "GET", path, NULL, &r);
	assert_all_of(&r, agent, 2);
	api_free(&r);
	req_as("ACCESS_TOKEN_AGENT", "GET", "/decisions?limit=500", NULL, &r);
	assert_all_of(&r, agent, 2);
	api_free(&r);
	snprintf(path, sizeof(path), "/decisions?agent_id=%s", agent);
	req_as("ACCESS_TOKEN_AGENT", "GET", path, NULL, &r);
	assert_all_of(&r, agent, 2);
	api_free(&r);

	/* Sessions alike. */
	wait_session(sa);
	wait_session(sb);
	snprintf(path, sizeof(path), "/sessions/%s", sa);
	req_as("ACCESS_TOKEN_AGENT", "GET", path, NULL, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	api_free(&r);
	snprintf(path, sizeof(path), "/sessions/%s", sb);
	req_as("ACCESS_TOKEN_AGENT", "GET", path, NULL, &r);
	api_assert_problem(&r, 404);
	cr_assert_str_eq(api_str(r.json, "detail"), "session not found");
	api_free(&r);
	req_as("ACCESS_TOKEN_AGENT", "GET", "/sessions?agent_id=agent-b",
	    NULL, &r);
	api_assert_problem(&r, 403);
	api_free(&r);
	req_as("ACCESS_TOKEN_AGENT", "GET", "/sessions?limit=500", NULL, &r);
	assert_all_of(&r, agent, 1);
	api_free(&r);
	/* Writing a session summary is not an agent's. */
	snprintf(body, sizeof(body), "{\"session_id\": \"%s\"}", sa);
	req_as("ACCESS_TOKEN_AGENT", "POST", "/sessions", body, &r);
	api_assert_problem(&r, 403);
	api_free(&r);

	/* The MCP trust check is an agent's read. */
	req_as("ACCESS_TOKEN_AGENT", "GET", "/mcp/trust?server=github&tool="
	    "create_issue", NULL, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	api_free(&r);
}

/* An agent token bound to no agent decides as any agent and reads no
 * decisions or sessions. */
Test(access, unbound_agent_token)
{
	struct api_resp	 r;
	char		 sid[64], id[64], body[512], path[256];

	api_uid(sid, sizeof(sid), "access-sess-free");
	snprintf(body, sizeof(body), "{\"session_id\": \"%s\", \"agent_id\": "
	    "\"agent-c\", \"action_type\": \"read_file\", \"target\": "
	    "\"README.md\"}", sid);
	req_as("ACCESS_TOKEN_AGENT_FREE", "POST", "/decisions", body, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	cr_assert_str_eq(api_str(r.json, "agent_id"), "agent-c");
	snprintf(id, sizeof(id), "%s", api_str(r.json, "decision_id"));
	api_free(&r);
	snprintf(path, sizeof(path), "/decisions/%s", id);
	req_as("ACCESS_TOKEN_AGENT_FREE", "GET", path, NULL, &r);
	api_assert_problem(&r, 403);
	api_free(&r);
	req_as("ACCESS_TOKEN_AGENT_FREE", "GET", "/decisions", NULL, &r);
	api_assert_problem(&r, 403);
	api_free(&r);
	req_as("ACCESS_TOKEN_AGENT_FREE", "GET", "/sessions", NULL, &r);
	api_assert_problem(&r, 403);
	api_free(&r);
	/* Deciding is not for readers or operators. */
	req_as("ACCESS_TOKEN_OPERATOR", "POST", "/decisions", body, &r);
	api_assert_problem(&r, 403);
	api_free(&r);
	req_as("ACCESS_TOKEN_READER", "POST", "/decisions", body, &r);
	api_assert_problem(&r, 403);
	api_free(&r);
}

/* /console/security-boundary says that access control is on. */
Test(access, security_boundary_reports_access)
{
	struct api_resp		 r;
	struct json_object	*a, *roles;

	req_as("ACCESS_TOKEN_READER", "GET", "/console/security-boundary",
	    NULL, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	a = api_get(r.json, "api_access");
	cr_assert(json_object_get_boolean(api_get(a, "configured")));
	cr_assert_str_eq(api_str(a, "config_env"), "CAVRA_API_ACCESS_FILE");
	cr_assert_eq(api_int(a, "token_count"), (long long)nitems(toks));
	roles = api_get(a, "roles");
	cr_assert_eq(json_object_array_length(roles), 4);
	cr_assert_str_eq(json_object_get_string(json_object_array_get_idx(
	    roles, 0)), "agent");
	cr_assert_str_eq(json_object_get_string(json_object_array_get_idx(
	    roles, 3)), "admin");
	cr_assert_null(strstr(json_object_to_json_string(api_get(r.json,
	    "operator_notes")), "API access control is off"), "%s", r.body);
	api_free(&r);
	req_as(NULL, "GET", "/console/security-boundary", NULL, &r);
	assert_401(&r);
	api_free(&r);
}

/* One request with a raw bearer token (an OIDC JWT). */
static void
req_jwt(const char *jwt, const char *method, const char *path,
    const char *body, struct api_resp *r)
{
	char	*h;

	cr_assert_not_null(jwt);
	cr_assert_gt(asprintf(&h, "Authorization: Bearer %s", jwt), 0);
	api_req(method, path, body, (const char *[]){ h, NULL }, r);
	free(h);
}

/*
 * An OIDC bearer: verified against the config's JWKS, its groups mapped
 * to roles by oidc_roles (the highest wins); a group with no role is
 * 403; a token that does not verify is 401.
 */
Test(access, oidc_bearer_roles)
{
	struct api_resp	 r;
	char		 id[64], body[256], *t;

	/* Security Reviewers: operator. */
	t = oidc_token("reviewer@example.com", "[\"Developers\", "
	    "\"Security Reviewers\"]", 600, 0);
	req_jwt(t, "GET", "/agents", NULL, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	api_free(&r);
	api_uid(id, sizeof(id), "access-oidc-agent");
	snprintf(body, sizeof(body), "{\"agent_id\": \"%s\"}", id);
	req_jwt(t, "POST", "/agents", body, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	api_free(&r);
	req_jwt(t, "POST", "/policy-packs/publish", "{}", &r);
	api_assert_problem(&r, 403);
	cr_assert_str_eq(api_str(r.json, "detail"), "role operator may not "
	    "POST /policy-packs/publish: it needs admin");
	api_free(&r);
	free(t);

	/* Observers and Platform Admins: the higher, admin. */
	t = oidc_token("admin@example.com", "[\"Observers\", "
	    "\"Platform Admins\"]", 600, 0);
	req_jwt(t, "POST", "/policy-packs/publish", "{}", &r);
	cr_assert(r.status != 401 && r.status != 403 && r.status != 404,
	    "%ld %s", r.status, r.body);
	api_free(&r);
	free(t);

	/* Observers alone: reader. */
	t = oidc_token("observer@example.com", "[\"Observers\"]", 600, 0);
	req_jwt(t, "GET", "/agents", NULL, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	api_free(&r);
	req_jwt(t, "POST", "/agents", body, &r);
	api_assert_problem(&r, 403);
	api_free(&r);
	free(t);

	/* No mapped group: 403. */
	t = oidc_token("dev@example.com", "[\"Developers\"]", 600, 0);
	req_jwt(t, "GET", "/agents", NULL, &r);
	api_assert_problem(&r, 403);
	cr_assert_str_eq(api_str(r.json, "detail"), "OIDC actor "
	    "dev@example.com is in no group that CAVRA_API_ACCESS_FILE maps "
	    "to a role");
	api_free(&r);
	free(t);

	/* Expired, or signed by another key: 401. */
	t = oidc_token("reviewer@example.com", "[\"Security Reviewers\"]",
	    -3600, 0);
	req_jwt(t, "GET", "/agents", NULL, &r);
	assert_401(&r);
	cr_assert_str_eq(api_str(r.json, "detail"), "OIDC token is expired");
	api_free(&r);
	free(t);
	t = oidc_token("reviewer@example.com", "[\"Security Reviewers\"]",
	    600, 1);
	req_jwt(t, "GET", "/agents", NULL, &r);
	assert_401(&r);
	cr_assert_str_eq(api_str(r.json, "detail"),
	    "OIDC token signature is invalid");
	api_free(&r);
	free(t);
}

/* A pending approval routed to IAM, opened by admin; its id in id. */
static void
open_approval(char *id, size_t len)
{
	struct api_resp	 r;
	char		 did[64], body[512];

	api_uid(did, sizeof(did), "dec_access");
	snprintf(body, sizeof(body), "{\"decision\": {\"decision_id\": \"%s\", "
	    "\"session_id\": \"access\", \"decision\": \"require_approval\", "
	    "\"reason\": \"test\"}, \"approver_group\": \"IAM\"}", did);
	req_as("ACCESS_TOKEN_ADMIN", "POST", "/approvals", body, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	snprintf(id, len, "%s", api_str(r.json, "approval_id"));
	api_free(&r);
}

/*
 * An approval act (POST /approvals/{id}/approve) for each role: agent
 * and reader 403 before the approval is looked at, operator and admin
 * reach the route.  The approver's identity is a verified OIDC token:
 * in the body (actor_token) beside a static bearer, or the bearer
 * itself.
 */
Test(access, roles_approval_act)
{
	static const struct {
		const char	*env;
		int		 allowed;
	} m[] = {
		{ "ACCESS_TOKEN_AGENT", 0 },
		{ "ACCESS_TOKEN_AGENT_FREE", 0 },
		{ "ACCESS_TOKEN_READER", 0 },
		{ "ACCESS_TOKEN_OPERATOR", 1 },
		{ "ACCESS_TOKEN_ADMIN", 1 },
	};
	struct api_resp	 r;
	char		 id[64], path[256], *body, *t;
	size_t		 i;

	t = oidc_token("iam@example.com", "[\"IAM\"]", 600, 0);
	cr_assert_gt(asprintf(&body, "{\"reason\": \"reviewed\", "
	    "\"actor\": \"iam@example.com\", \"actor_token\": \"%s\"}", t), 0);
	for (i = 0; i < nitems(m); i++) {
		open_approval(id, sizeof(id));
		snprintf(path, sizeof(path), "/approvals/%s/approve", id);
		req_as(m[i].env, "POST", path, body, &r);
		if (!m[i].allowed) {
			api_assert_problem(&r, 403);
			api_free(&r);
			continue;
		}
		cr_assert_eq(r.status, 200, "%s: %s", m[i].env, r.body);
		cr_assert_str_eq(api_str(r.json, "state"), "approved");
		cr_assert_str_eq(api_str(r.json, "decided_by"),
		    "iam@example.com");
		api_free(&r);
	}
	/* An unknown approval: 403 for a reader, 404 for an operator. */
	req_as("ACCESS_TOKEN_READER", "POST", "/approvals/apr_000000000000/"
	    "approve", body, &r);
	api_assert_problem(&r, 403);
	api_free(&r);
	req_as("ACCESS_TOKEN_OPERATOR", "POST", "/approvals/apr_000000000000/"
	    "approve", body, &r);
	api_assert_problem(&r, 404);
	api_free(&r);
	free(body);
	free(t);

	/* The OIDC bearer is both the access and the approver. */
	t = oidc_token("lead@example.com", "[\"IAM\", \"Security Reviewers\"]",
	    600, 0);
	open_approval(id, sizeof(id));
	snprintf(path, sizeof(path), "/approvals/%s/approve", id);
	req_jwt(t, "POST", path, "{\"reason\": \"fine\", \"actor\": "
	    "\"someone-else\"}", &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	cr_assert_str_eq(api_str(r.json, "decided_by"), "lead@example.com");
	api_free(&r);
	free(t);
}

/*
 * Requests with every token, good and bad, then: no token text and no
 * hash (either case) in any log of the stack (responders, nginx).
 */
Test(access, no_token_or_hash_in_logs)
{
	struct api_resp	 r;
	unsigned char	 h[CV_SHA256_LEN];
	char		 hex[65], up[65], bad[128], cmd[4096];
	const char	*t;
	size_t		 i, j;

	for (i = 0; i < nitems(toks); i++) {
		t = tok(toks[i].env);
		req_as(toks[i].env, "GET", "/agents", NULL, &r);
		api_free(&r);
		req_as(toks[i].env, "POST", "/policy-packs/publish", "{}", &r);
		api_free(&r);
		snprintf(bad, sizeof(bad), "Authorization: Bearer %s0", t);
		api_req("GET", "/sessions", NULL, (const char *[]){ bad,
		    NULL }, &r);
		assert_401(&r);
		api_free(&r);
	}
	/* Request lines are written at least every 100 ms. */
	usleep(500000);
	for (i = 0; i < nitems(toks); i++) {
		t = tok(toks[i].env);
		cv_sha256(t, strlen(t), h);
		cv_hex(hex, h, sizeof(h));
		for (j = 0; hex[j] != '\0'; j++)
			up[j] = (char)toupper((unsigned char)hex[j]);
		up[j] = '\0';
		snprintf(cmd, sizeof(cmd), "test -s '%s/nginx-access.log' && "
		    "! grep -rIl -F -e '%s' -e '%s' -e '%s' --include='*.log' "
		    "'%s'", run, t, hex, up, run);
		cr_assert_eq(system(cmd), 0, "a log of %s holds the token or "
		    "hash of %s", run, toks[i].name);
	}
}

/*
 * Runs cavra-registry with CAVRA_API_ACCESS_FILE naming a file of `text`
 * (name ending as `ext`), OIDC configured or not: it must exit 78 with
 * one line on stderr that holds `want` and no sha256 of the file.
 */
static void
refused(const char *ext, const char *text, int oidc, const char *want)
{
	char	 path[1200], cmd[8192], out[2048];
	FILE	*p;
	size_t	 n;
	int	 st, lines = 0;

	snprintf(path, sizeof(path), "%s/bad-access%s", run, ext);
	write_file(path, text);
	snprintf(cmd, sizeof(cmd), "cd '%s' && %s CAVRA_API_ACCESS_FILE='%s' "
	    "timeout 10 '%s/fcgi/cavra-registry' -s '%s/bad.sock' 2>&1 "
	    ">/dev/null", run, oidc ? "" : "env -u CAVRA_APPROVAL_OIDC_CONFIG",
	    path, BUILDDIR, run);
	cr_assert_not_null(p = popen(cmd, "r"));
	n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = '\0';
	st = pclose(p);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 78, "status %d for "
	    "%s: %s", st, text, out);
	for (n = 0; out[n] != '\0'; n++)
		lines += out[n] == '\n';
	cr_assert_eq(lines, 1, "%s", out);
	cr_assert_not_null(strstr(out, "CAVRA_API_ACCESS_FILE"), "%s", out);
	cr_assert_not_null(strstr(out, want), "want \"%s\": %s", want, out);
	cr_assert_null(strstr(out, "9f86d081884c7d65"), "%s", out);
	cr_assert_null(strstr(out, "9F86D081884C7D65"), "%s", out);
}

#define HASH	"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

/* Files that must not start a responder: one clear line, exit 78. */
Test(access, bad_files_are_refused)
{
	refused(".yaml", "tokens:\n  - {name: a, sha256: \"" HASH "\", "
	    "role: root}\n", 1, "tokens[0] (a): role must be one of agent, "
	    "reader, operator, admin");
	refused(".yaml", "tokens:\n  - {name: a, sha256: \"9f86d081884c7d65"
	    "xx\", role: admin}\n", 1, "sha256 must be a string of 64 hex");
	refused(".json", "{\"tokens\": [{\"name\": \"a\", \"sha256\": \""
	    HASH "0\", \"role\": \"admin\"}]}", 1, "sha256 must be a string "
	    "of 64 hex");
	refused(".json", "{\"tokens\": [{\"name\": \"a\", \"sha256\": \""
	    HASH "\", \"role\": \"admin\"}, {\"name\": \"a\", \"sha256\": "
	    "\"" "0f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f0"
	    "0a08" "\", \"role\": \"reader\"}]}", 1, "tokens[1]: name \"a\" is "
	    "used twice");
	refused(".json", "{\"tokens\": [{\"name\": \"a\", \"sha256\": \""
	    HASH "\", \"role\": \"admin\"}, {\"name\": \"b\", \"sha256\": \""
	    HASH "\", \"role\": \"reader\"}]}", 1, "tokens[1] (b) has the "
	    "sha256 of a");
	refused(".json", "{}", 1, "has no tokens and no oidc_roles");
	refused(".yml", "tokens: []\noidc_roles: {}\n", 1,
	    "has no tokens and no oidc_roles");
	refused(".yaml", "token:\n  - {name: a, sha256: \"" HASH "\", "
	    "role: admin}\n", 1, "unknown key \"token\"");
	refused(".yaml", "tokens:\n  - {name: a, sha256: \"" HASH "\", "
	    "role: admin, agentid: x}\n", 1, "unknown key \"agentid\"");
	refused(".yaml", "tokens:\n  - {name: a, sha256: \"" HASH "\", "
	    "role: admin, agent_id: x}\n", 1, "agent_id is only for role "
	    "agent");
	refused(".yaml", "oidc_roles:\n  Admins: superuser\n", 1,
	    "oidc_roles[\"Admins\"]: role must be one of");
	refused(".yaml", "oidc_roles:\n  Admins: admin\n", 0,
	    "oidc_roles needs CAVRA_APPROVAL_OIDC_CONFIG");
	refused(".json", "[1, 2]", 1, "must be a JSON mapping");
	refused(".json", "{\"tokens\": ", 1, "CAVRA_API_ACCESS_FILE");
}

/*
 * Without the file (the SQLite stack of tests/run-test): the API is open
 * and /console/security-boundary says so.
 */
Test(access, without_the_file_the_api_is_open)
{
	struct api_resp		 r;
	struct json_object	*a, *notes;
	size_t			 i, n;
	int			 said = 0;

	api_use("sqlite");
	api_req("GET", "/agents", NULL, NULL, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	api_free(&r);
	api_req("GET", "/console/security-boundary", NULL, NULL, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	a = api_get(r.json, "api_access");
	cr_assert(!json_object_get_boolean(api_get(a, "configured")));
	cr_assert_eq(api_int(a, "token_count"), 0);
	notes = api_get(r.json, "operator_notes");
	n = json_object_array_length(notes);
	for (i = 0; i < n; i++)
		said |= strstr(json_object_get_string(json_object_array_get_idx(
		    notes, i)), "API access control is off") != NULL;
	cr_assert(said, "%s", r.body);
	api_free(&r);
}
