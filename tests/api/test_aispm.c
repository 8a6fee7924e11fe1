/*
 * API tests of cavra-aispm: all 24 /aispm routes through nginx, on both
 * store backends.
 *
 * The live routes are checked against a fixture each test writes into
 * the stores of its stack (the records cavra-activity and cavra-approvals
 * keep, with the extra keys AISPM reads), under ids of its own, and reads
 * back through the filters; the expected counts, scores, classes and
 * orders below are worked out by hand from the rules (aispm.md).  The
 * sample is checked against the reference's hand-computed outputs and
 * byte for byte across calls and a restart.
 *
 * Risk events (against decisions posted through cavra-activity) and
 * compliance mappings (against the pack files) are served by cavra-aispm
 * too; their tests came from test_console.c with them.
 */
#include "config.h"

#include <sys/types.h>

#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cavra.h"
#include "harness.h"

#ifndef nitems
#define nitems(a)	(sizeof(a) / sizeof((a)[0]))
#endif

#define SECRET	"s3cr3tQz9"	/* must never appear in an answer */
#define PERSON	"alice.approver@example.com"

/*
 * The fixture: agent A in repository R, sessions s1 (two blocks), s2 (a
 * warning, an approval, an allow) and s3 (no decision), and two
 * approvals of approver group G.
 *
 *   d1 s1 execute_command "terraform apply -auto-approve"  block/critical
 *   d2 s1 read_file       "deploy/.env.<SECRET>"           block/high
 *   d3 s2 mcp_tool_call   "github.create_issue"            warn/medium
 *   d4 s2 git_operation   "main"                           require_approval/high
 *   d5 s2 read_file       "README.md"                      allow/low
 *
 * Ages: d1 300 h, d2 48 h, d3 2 h, d4 1 h, d5 0 h; s3 400 h.
 */
struct fx {
	char	 u[80];
	char	 agent[128];
	char	 repo[128];
	char	 group[128];
	char	 s[3][128];
	char	 d[5][128];
	char	 apr[2][128];
	char	 ts[6][CV_TS_LEN];	/* d1..d5, s3 */
};

/* Where the selected stack keeps store def (sqlite: its .db file). */
static void
store_path(const struct cv_store_def *def, const char *dbname, char *buf,
    size_t len, int *sqlite)
{
	*sqlite = strcmp(api_mode(), "sqlite") == 0;
	if (*sqlite)
		snprintf(buf, len, "%s/%s.db", api_run_dir(), dbname);
	else
		snprintf(buf, len, "%s/%s", api_run_dir(), def->default_path);
}

/* Stores the records of JSON array text in collection coll of def. */
static void
put_all(const struct cv_store_def *def, const char *dbname, size_t coll,
    const char *text)
{
	struct json_object	*a;
	struct cv_store		*s;
	char			 path[4096];
	size_t			 i;
	int			 sqlite;

	a = json_tokener_parse(text);
	cr_assert_not_null(a, "bad fixture JSON: %s", text);
	store_path(def, dbname, path, sizeof(path), &sqlite);
	cr_assert_eq(cv_store_open_path(def, sqlite, path, &s), CV_OK,
	    "open %s", path);
	cr_assert_eq(cv_store_begin(s), CV_OK);
	for (i = 0; i < json_object_array_length(a); i++)
		cr_assert_eq(cv_store_put(s, coll, json_object_array_get_idx(a,
		    i)), CV_OK);
	cr_assert_eq(cv_store_commit(s), CV_OK);
	cv_store_close(s);
	json_object_put(a);
}

/* now - hours, as the stores write time stamps. */
static void
ago(char *buf, double hours)
{
	struct timespec	 t;

	clock_gettime(CLOCK_REALTIME, &t);
	t.tv_sec -= (time_t)(hours * 3600);
	t.tv_nsec = 0;
	cv_ts_format(buf, CV_TS_LEN, &t);
}

static void
fx_write(struct fx *f)
{
	char	 dec[8192], sess[4096], apr[4096];
	int	 i;

	api_uid(f->u, sizeof(f->u), "ai");
	snprintf(f->agent, sizeof(f->agent), "agent-%s", f->u);
	snprintf(f->repo, sizeof(f->repo), "org/%s", f->u);
	snprintf(f->group, sizeof(f->group), "group-%s", f->u);
	for (i = 0; i < 3; i++)
		snprintf(f->s[i], sizeof(f->s[i]), "s%d-%s", i + 1, f->u);
	for (i = 0; i < 5; i++)
		snprintf(f->d[i], sizeof(f->d[i]), "d%d-%s", i + 1, f->u);
	for (i = 0; i < 2; i++)
		snprintf(f->apr[i], sizeof(f->apr[i]), "apr%d-%s", i + 1,
		    f->u);
	ago(f->ts[0], 300);
	ago(f->ts[1], 48);
	ago(f->ts[2], 2);
	ago(f->ts[3], 1);
	ago(f->ts[4], 0);
	ago(f->ts[5], 400);
#define DEC(n, sid, act, tgt, rule, dec, sev, extra)			\
	"{\"schema_version\":\"cavra.decision.v1\",\"decision_id\":\"%s\","\
	"\"session_id\":\"%s\",\"agent_id\":\"%s\",\"actor\":\"ai-agent\","\
	"\"repository\":\"%s\",\"action_type\":\"" act "\","		\
	"\"target\":\"" tgt "\",\"requested_operation\":\"\","		\
	"\"policy_pack\":\"cavra-ai-agent-baseline\","			\
	"\"rule_id\":\"" rule "\",\"decision\":\"" dec "\","		\
	"\"severity\":\"" sev "\",\"timestamp\":\"%s\"" extra "}"
	snprintf(dec, sizeof(dec), "["
	    DEC(1, 0, "execute_command", "terraform apply -auto-approve",
		"commands.block", "block", "critical",
		",\"reason\":\"Command is blocked.\",\"declared_intent\":"
		"\"apply with API_TOKEN=" SECRET "\",\"evidence_refs\":"
		"[\"evidence://s1/d1\"]") ","
	    DEC(2, 0, "read_file", "deploy/.env." SECRET,
		"filesystem.read.block", "block", "high",
		",\"reason\":\"Read of deploy/.env." SECRET " blocked\","
		"\"evidence_refs\":[\"signed://bundle/d2\"]") ","
	    DEC(3, 1, "mcp_tool_call", "github.create_issue",
		"mcp.registry.unregistered", "warn", "medium",
		",\"reason\":\"MCP server is not registered.\","
		"\"declared_intent\":\"create issue with tool\","
		"\"evidence_refs\":[]") ","
	    DEC(4, 1, "git_operation", "main",
		"git.protected_branch.block_direct_push", "require_approval",
		"high", ",\"reason\":null,\"approver_group\":"
		"\"Repository Owners\",\"evidence_refs\":[]") ","
	    DEC(5, 1, "read_file", "README.md", "filesystem.read.allow",
		"allow", "low", ",\"evidence_refs\":[]")
	    "]",
	    f->d[0], f->s[0], f->agent, f->repo, f->ts[0],
	    f->d[1], f->s[0], f->agent, f->repo, f->ts[1],
	    f->d[2], f->s[1], f->agent, f->repo, f->ts[2],
	    f->d[3], f->s[1], f->agent, f->repo, f->ts[3],
	    f->d[4], f->s[1], f->agent, f->repo, f->ts[4]);
#undef DEC
#define SESS(state, upd)						\
	"{\"schema_version\":\"cavra.session.v1\",\"session_id\":\"%s\","\
	"\"agent_id\":\"%s\",\"actor\":\"ai-agent\",\"repository\":\"%s\","\
	"\"policy_pack\":\"cavra-ai-agent-baseline\",\"state\":\"" state \
	"\",\"started_at\":\"%s\",\"updated_at\":\"%s\","		\
	"\"evidence_refs\":[]}"
	snprintf(sess, sizeof(sess), "[" SESS("completed", 1) ","
	    SESS("active", 4) "," SESS("archived", 5) "]",
	    f->s[0], f->agent, f->repo, f->ts[0], f->ts[1],
	    f->s[1], f->agent, f->repo, f->ts[2], f->ts[4],
	    f->s[2], f->agent, f->repo, f->ts[5], f->ts[5]);
#undef SESS
	snprintf(apr, sizeof(apr), "["
	    "{\"schema_version\":\"cavra.approval.v1\",\"approval_id\":\"%s\","
	    "\"decision_id\":\"%s\",\"session_id\":\"%s\","
	    "\"state\":\"approved\",\"approver_group\":\"%s\","
	    "\"requested_by\":\"codex-agent\",\"decided_by\":\"" PERSON "\","
	    "\"requested_at\":\"%s\",\"decided_at\":\"%s\","
	    "\"expires_at\":\"%s\",\"external_ref\":\"CHG-1\","
	    "\"decision\":{},\"evidence_refs\":[\"approval://%s\"]},"
	    "{\"schema_version\":\"cavra.approval.v1\",\"approval_id\":\"%s\","
	    "\"decision_id\":\"none-%s\",\"session_id\":\"%s\","
	    "\"state\":\"pending\",\"approver_group\":\"%s\","
	    "\"requested_by\":\"" PERSON "\",\"requested_at\":\"%s\","
	    "\"expires_at\":\"%s\",\"decision\":{\"action_type\":"
	    "\"read_file\",\"target\":\"ops/" SECRET ".secret\"},"
	    "\"evidence_refs\":[]}]",
	    f->apr[0], f->d[3], f->s[1], f->group, f->ts[3], f->ts[4],
	    f->ts[4], f->apr[0],
	    f->apr[1], f->u, f->s[0], f->group, f->ts[2], f->ts[4]);
	put_all(&cv_store_activity, "activity", CV_COLL_DECISIONS, dec);
	put_all(&cv_store_activity, "activity", CV_COLL_SESSIONS, sess);
	put_all(&cv_store_approvals, "approval", 0, apr);
}

/* GET path (printf format); the answer must be 200 JSON. */
static struct json_object *
get200(struct api_resp *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static struct json_object *
get200(struct api_resp *r, const char *fmt, ...)
{
	char	 path[4096];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	api_req("GET", path, NULL, NULL, r);
	cr_assert_eq(r->status, 200, "GET %s: %ld %s", path, r->status,
	    r->body);
	cr_assert_not_null(r->json, "GET %s: not JSON", path);
	cr_assert(strstr(r->body, SECRET) == NULL, "GET %s shows a secret: "
	    "%s", path, r->body);
	cr_assert(strstr(r->body, PERSON) == NULL, "GET %s shows a person: "
	    "%s", path, r->body);
	return r->json;
}

/* The value at a dotted path ("items.0.agent_id"). */
static struct json_object *
at(struct json_object *o, const char *path)
{
	char		 key[128];
	const char	*p, *e;
	size_t		 n;

	for (p = path; *p != '\0'; p = *e != '\0' ? e + 1 : e) {
		e = strchr(p, '.');
		if (e == NULL)
			e = p + strlen(p);
		n = (size_t)(e - p);
		cr_assert_lt(n, sizeof(key));
		memcpy(key, p, n);
		key[n] = '\0';
		cr_assert_not_null(o, "no %s", path);
		if (json_object_is_type(o, json_type_array))
			o = json_object_array_get_idx(o, (size_t)atoi(key));
		else
			cr_assert(json_object_object_get_ex(o, key, &o),
			    "no %s in %s", path, json_object_to_json_string(o));
	}
	return o;
}

static const char *
sat(struct json_object *o, const char *path)
{
	return json_object_get_string(at(o, path));
}

static long long
iat(struct json_object *o, const char *path)
{
	return (long long)json_object_get_int64(at(o, path));
}

static size_t
nat(struct json_object *o, const char *path)
{
	return json_object_array_length(at(o, path));
}

/* Member key of every item of array a, joined by ","; static buffer. */
static const char *
column(struct json_object *a, const char *key)
{
	static char	 buf[8192];
	size_t		 i;

	buf[0] = '\0';
	for (i = 0; i < json_object_array_length(a); i++) {
		if (i > 0)
			strncat(buf, ",", sizeof(buf) - strlen(buf) - 1);
		strncat(buf, json_object_get_string(json_object_object_get(
		    json_object_array_get_idx(a, i), key)),
		    sizeof(buf) - strlen(buf) - 1);
	}
	return buf;
}

/* "<prefix>d<i>-<u>,..." of the fixture's decisions, by number
 * (1-based). */
static const char *
ids(const struct fx *f, const char *prefix, const int *which, size_t n)
{
	static char	 buf[4096];
	char		 one[256];
	size_t		 i;

	buf[0] = '\0';
	for (i = 0; i < n; i++) {
		snprintf(one, sizeof(one), "%s%s", prefix, f->d[which[i] - 1]);
		if (i > 0)
			strncat(buf, ",", sizeof(buf) - strlen(buf) - 1);
		strncat(buf, one, sizeof(buf) - strlen(buf) - 1);
	}
	return buf;
}

#define IDS(f, pfx, ...)	ids((f), (pfx), (const int[]){ __VA_ARGS__ }, \
				    sizeof((const int[]){ __VA_ARGS__ }) / \
				    sizeof(int))

/* The 22 GET routes (trace replay: a session id follows). */
static const char *const get_routes[] = {
	"/aispm/dashboard/contract", "/aispm/dashboard/sample",
	"/aispm/posture", "/aispm/agents", "/aispm/findings",
	"/aispm/timeline", "/aispm/control-coverage", "/aispm/near-misses",
	"/aispm/trace-replay/", "/aispm/approval-lineage",
	"/aispm/behavior-fingerprints", "/aispm/policy-context-gaps",
	"/aispm/pre-action-risk-forecasts", "/aispm/intent-action-drift",
	"/aispm/tool-chain-graph", "/aispm/agent-blast-radius",
	"/aispm/control-coverage-heatmap", "/aispm/evidence-confidence",
	"/aispm/evidence-freshness", "/aispm/executive-risk-narrative",
	"/aispm/replay-to-policy-draft", "/aispm/replay-to-policy-tests",
};

/*
 * The contract names what Community serves and what only Enterprise
 * does; every endpoint it maps is served, the Enterprise capabilities
 * are not.
 */
API_TEST(aispm, contract_endpoints_are_served)
{
	struct api_resp		 r, q;
	struct json_object	*c, *ep;
	struct fx		 f;
	char			 path[512], *p;

	fx_write(&f);
	c = get200(&r, "/aispm/dashboard/contract");
	cr_assert_str_eq(sat(c, "schema_version"), "cavra.aispm.contract.v1");
	cr_assert_eq(nat(c, "community_boundary.capabilities"), 21);
	cr_assert_str_eq(sat(c, "enterprise_boundary.status"),
	    "requires_cavra_enterprise");
	cr_assert_eq(nat(c, "enterprise_boundary.capabilities"), 17);
	cr_assert_str_eq(sat(c, "enterprise_boundary.capabilities.5"),
	    "kill switch and runtime overrides");
	cr_assert_eq(nat(c, "objects"), 21);
	ep = at(c, "endpoints");
	cr_assert_eq(json_object_object_length(ep), 20);
	cr_assert_str_eq(sat(ep, "trace_replay"),
	    "/aispm/trace-replay/{session_id}");
	json_object_object_foreach(ep, k, v) {
		snprintf(path, sizeof(path), "%s", json_object_get_string(v));
		if ((p = strstr(path, "{session_id}")) != NULL)
			snprintf(p, sizeof(path) - (size_t)(p - path), "%s",
			    f.s[0]);
		get200(&q, "%s?agent_id=%s", path, f.agent);
		cr_assert(json_object_is_type(q.json, json_type_object), "%s",
		    k);
		api_free(&q);
	}
	api_req("GET", "/aispm/kill-switch", NULL, NULL, &q);
	api_assert_problem(&q, 404);
	api_free(&q);
	api_free(&r);
}

/* The sample is the reference's hand-computed dashboard, and the same
 * bytes on every call and after a restart. */
API_TEST(aispm, sample_is_deterministic)
{
	struct api_resp		 r1, r2, r3;
	struct json_object	*s;

	s = get200(&r1, "/aispm/dashboard/sample");
	cr_assert_str_eq(sat(s, "mode"), "sample");
	cr_assert_str_eq(sat(s, "data_provenance"), "sample_data");
	cr_assert_str_eq(sat(s, "generated_at"), "2026-06-09T00:03:00+00:00");
	cr_assert_eq(iat(s, "overview.posture_score"), 12);
	cr_assert_str_eq(sat(s, "overview.risk_level"), "critical");
	cr_assert_str_eq(column(at(s, "findings"), "decision_id"),
	    "sample-dec-003,sample-dec-002,sample-dec-001");
	cr_assert_str_eq(column(at(s, "behavior_fingerprints"), "drift_score"),
	    "71,12");
	cr_assert_str_eq(column(at(s, "intent_action_drift"), "drift_status"),
	    "high_drift,needs_review,aligned");
	cr_assert_eq(iat(s, "control_coverage_heatmap.coverage_score"), 18);
	cr_assert_eq(nat(s, "tool_chain_graph.nodes"), 11);
	cr_assert_eq(nat(s, "approval_lineage"), 1);
	cr_assert_str_eq(sat(s, "replay_to_policy_draft.policy_draft."
	    "policy_pack.metadata.version"), "2026.06.09");
	api_req("GET", "/aispm/dashboard/sample", NULL, NULL, &r2);
	cr_assert_eq(r2.len, r1.len);
	cr_assert(memcmp(r1.body, r2.body, r1.len) == 0);
	api_restart();
	api_req("GET", "/aispm/dashboard/sample", NULL, NULL, &r3);
	cr_assert_eq(r3.status, 200);
	cr_assert_eq(r3.len, r1.len);
	cr_assert(memcmp(r1.body, r3.body, r1.len) == 0);
	api_free(&r1);
	api_free(&r2);
	api_free(&r3);
}

/* The posture of the fixture: score, counts, pieces, control plane. */
API_TEST(aispm, posture_over_stored_decisions)
{
	struct api_resp		 r;
	struct json_object	*p;
	struct fx		 f;

	fx_write(&f);
	p = get200(&r, "/aispm/posture?agent_id=%s", f.agent);
	cr_assert_str_eq(sat(p, "schema_version"), "cavra.aispm.dashboard.v1");
	cr_assert_str_eq(sat(p, "mode"), "local_activity");
	cr_assert_str_eq(sat(p, "data_provenance"), "local_activity_store");
	cr_assert_str_eq(sat(p, "filters.agent_id"), f.agent);
	cr_assert_eq(iat(p, "filters.limit"), 200);
	/* 16+16+5+10+0 for the decisions, 30+18+9+18 for the findings */
	cr_assert_eq(iat(p, "overview.posture_score"), 0);
	cr_assert_str_eq(sat(p, "overview.risk_level"), "critical");
	cr_assert_eq(iat(p, "overview.total_decisions"), 5);
	cr_assert_eq(iat(p, "overview.total_sessions"), 3);
	cr_assert_eq(iat(p, "overview.blocked_actions"), 2);
	cr_assert_eq(iat(p, "overview.approval_required_actions"), 1);
	cr_assert_eq(iat(p, "overview.warned_actions"), 1);
	cr_assert_eq(iat(p, "overview.risk_findings"), 4);
	cr_assert_eq(iat(p, "overview.critical_findings"), 1);
	cr_assert_eq(iat(p, "overview.high_findings"), 2);
	cr_assert_str_eq(sat(p, "overview.latest_activity_at"), f.ts[4]);
	cr_assert_str_eq(sat(p, "overview.evidence_confidence"),
	    "signed_evidence");
	cr_assert_eq(nat(p, "agents"), 1);
	cr_assert_eq(nat(p, "timeline"), 8);
	cr_assert_eq(nat(p, "approval_lineage"), 0);
	cr_assert_str_eq(sat(p, "control_plane.trace_replay"),
	    "local_timeline_available");
	cr_assert_str_eq(sat(p, "control_plane.kill_switch"),
	    "requires_cavra_enterprise");
	cr_assert_eq(nat(p, "enterprise_unlocks.capabilities"), 17);
	cr_assert_str_eq(sat(p, "replay_to_policy_draft.summary.source_scope"),
	    "local_activity_window");
	api_free(&r);
}

/* The five list wrappers: {schema_version, data_provenance, total,
 * items} in the orders of their rules. */
API_TEST(aispm, list_wrappers)
{
	struct api_resp		 r;
	struct json_object	*o;
	struct fx		 f;

	fx_write(&f);
	o = get200(&r, "/aispm/agents?agent_id=%s", f.agent);
	cr_assert_str_eq(sat(o, "schema_version"), "cavra.aispm.agents.v1");
	cr_assert_eq(iat(o, "total"), 1);
	cr_assert_eq(iat(o, "items.0.repository_count"), 1);
	cr_assert_eq(iat(o, "items.0.session_count"), 3);
	cr_assert_eq(iat(o, "items.0.decision_count"), 5);
	cr_assert_str_eq(sat(o, "items.0.drift_status"), "review_required");
	cr_assert_str_eq(sat(o, "items.0.last_seen_at"), f.ts[4]);
	api_free(&r);

	o = get200(&r, "/aispm/findings?agent_id=%s", f.agent);
	cr_assert_eq(iat(o, "total"), 4);
	cr_assert_str_eq(column(at(o, "items"), "finding_id"),
	    IDS(&f, "finding-", 4, 3, 2, 1));
	cr_assert_str_eq(column(at(o, "items"), "risk_classification"),
	    "source_control_risk,tool_or_mcp_governance_risk,"
	    "credential_or_sensitive_data_exposure,infrastructure_change_risk");
	cr_assert_str_eq(sat(o, "items.0.reason"),
	    "CAVRA policy decision requires operator review.");
	/* the quoted secret target is taken out of the reason */
	cr_assert_str_eq(sat(o, "items.2.reason"), "Read of [redacted] "
	    "blocked");
	api_free(&r);

	o = get200(&r, "/aispm/timeline?agent_id=%s", f.agent);
	cr_assert_eq(iat(o, "total"), 8);
	cr_assert_str_eq(sat(o, "items.0.event_type"), "session");
	cr_assert_str_eq(sat(o, "items.0.title"), "Session active");
	cr_assert_str_eq(sat(o, "items.1.title"), "allow read_file");
	cr_assert_str_eq(sat(o, "items.7.title"), "Session archived");
	cr_assert_str_eq(sat(o, "items.5.target"),
	    "sensitive target redacted");
	api_free(&r);

	o = get200(&r, "/aispm/control-coverage?agent_id=%s", f.agent);
	cr_assert_eq(iat(o, "total"), 6);
	cr_assert_str_eq(column(at(o, "items"), "coverage_status"),
	    "enforced,enforced,warning_only,approval_gated,"
	    "not_observed_locally,observed");
	cr_assert_str_eq(sat(o, "items.0.evidence_confidence"),
	    "signed_evidence");
	cr_assert_str_eq(sat(o, "items.4.evidence_confidence"),
	    "sample_or_empty");
	api_free(&r);

	o = get200(&r, "/aispm/near-misses?agent_id=%s", f.agent);
	cr_assert_eq(iat(o, "total"), 2);
	cr_assert_str_eq(column(at(o, "items"), "operator_signal"),
	    "approval_prevented_unreviewed_execution,"
	    "warning_allowed_with_operator_visibility");
	cr_assert_str_eq(column(at(o, "items"), "surface_id"),
	    "source_control,mcp_tools");
	api_free(&r);
}

/*
 * Filters reach the store: another agent's or repository's records never
 * count, limit takes the newest (clamped to 1..500), and a limit that is
 * not a number is a 422.
 */
API_TEST(aispm, filters_and_limit)
{
	struct api_resp		 r;
	struct json_object	*o;
	struct fx		 f, g;

	fx_write(&f);
	fx_write(&g);
	o = get200(&r, "/aispm/posture?repository=%s", f.repo);
	cr_assert_eq(iat(o, "overview.total_decisions"), 5);
	cr_assert_str_eq(sat(o, "agents.0.agent_id"), f.agent);
	api_free(&r);
	o = get200(&r, "/aispm/findings?agent_id=%s&limit=2", f.agent);
	cr_assert_str_eq(column(at(o, "items"), "finding_id"),
	    IDS(&f, "finding-", 4));
	api_free(&r);
	o = get200(&r, "/aispm/posture?agent_id=%s&limit=0", f.agent);
	cr_assert_eq(iat(o, "filters.limit"), 1);
	cr_assert_eq(iat(o, "overview.total_decisions"), 1);
	cr_assert_eq(iat(o, "overview.total_sessions"), 1);
	api_free(&r);
	o = get200(&r, "/aispm/agents?agent_id=%s&limit=99999", f.agent);
	cr_assert_eq(iat(o, "items.0.decision_count"), 5);
	api_free(&r);
	o = get200(&r, "/aispm/posture?agent_id=%s&policy_pack=other-pack",
	    f.agent);
	cr_assert_eq(iat(o, "overview.total_decisions"), 0);
	cr_assert_str_eq(sat(o, "overview.evidence_confidence"),
	    "sample_or_empty");
	api_free(&r);
	o = get200(&r, "/aispm/posture?agent_id=%s&repository=%s", f.agent,
	    g.repo);
	cr_assert_eq(iat(o, "overview.total_decisions"), 0);
	api_free(&r);
	api_req("GET", "/aispm/posture?limit=ten", NULL, NULL, &r);
	api_assert_problem(&r, 422);
	api_free(&r);
	api_req("GET", "/aispm/tool-chain-graph?limit=1.5", NULL, NULL, &r);
	api_assert_problem(&r, 422);
	api_free(&r);
}

/* Trace replay: oldest first, targets summarised; a session without
 * decisions replays empty; an unknown one is 404. */
API_TEST(aispm, trace_replay)
{
	struct api_resp		 r;
	struct json_object	*o;
	struct fx		 f;
	char			 path[512];

	fx_write(&f);
	o = get200(&r, "/aispm/trace-replay/%s", f.s[0]);
	cr_assert_str_eq(sat(o, "schema_version"),
	    "cavra.aispm.trace_replay.v1");
	cr_assert_null(json_object_object_get(o, "filters"));
	cr_assert_str_eq(sat(o, "session.state"), "completed");
	cr_assert_str_eq(sat(o, "session.agent_id"), f.agent);
	cr_assert_eq(iat(o, "summary.step_count"), 2);
	cr_assert_eq(iat(o, "summary.blocked_actions"), 2);
	cr_assert_eq(iat(o, "summary.critical_or_high_steps"), 2);
	cr_assert_str_eq(sat(o, "summary.evidence_confidence"),
	    "signed_evidence");
	cr_assert_str_eq(column(at(o, "steps"), "decision_id"),
	    IDS(&f, "", 1, 2));
	cr_assert_str_eq(sat(o, "steps.1.target_summary"),
	    "sensitive target redacted");
	cr_assert(json_object_get_boolean(at(o, "steps.1.target_redacted")));
	cr_assert_str_eq(sat(o, "steps.0.control_surface"),
	    "infrastructure_iac");
	cr_assert_str_eq(sat(o, "redaction.target_redaction"),
	    "sensitive targets are summarized");
	cr_assert_str_eq(sat(o, "evidence_refs.0"), "evidence://s1/d1");
	api_free(&r);
	o = get200(&r, "/aispm/trace-replay/%s?limit=1", f.s[1]);
	cr_assert_str_eq(column(at(o, "steps"), "decision_id"),
	    IDS(&f, "", 5));
	api_free(&r);
	o = get200(&r, "/aispm/trace-replay/%s", f.s[2]);
	cr_assert_eq(iat(o, "summary.step_count"), 0);
	cr_assert_str_eq(sat(o, "session.state"), "archived");
	api_free(&r);
	snprintf(path, sizeof(path), "/aispm/trace-replay/none-%s", f.u);
	api_req("GET", path, NULL, NULL, &r);
	api_assert_problem(&r, 404);
	cr_assert_str_eq(api_str(r.json, "detail"),
	    "trace replay session not found");
	api_free(&r);
}

/* Approval lineage: filters pushed to the approvals store, decisions read
 * by id, people reduced to role labels. */
API_TEST(aispm, approval_lineage)
{
	struct api_resp		 r;
	struct json_object	*o;
	struct fx		 f;
	const char		*g;
	char			 want[256];

	fx_write(&f);
	g = f.group;
	o = get200(&r, "/aispm/approval-lineage?approver_group=%s", g);
	cr_assert_str_eq(sat(o, "data_provenance"), "local_approval_store");
	cr_assert_str_eq(sat(o, "filters.approver_group"), f.group);
	cr_assert_eq(iat(o, "summary.total"), 2);
	cr_assert_eq(iat(o, "summary.approved"), 1);
	cr_assert_eq(iat(o, "summary.pending"), 1);
	cr_assert_str_eq(sat(o, "summary.evidence_confidence"),
	    "approval_metadata_only");
	/* newest request first: the approved one */
	cr_assert_str_eq(sat(o, "items.0.state"), "approved");
	cr_assert_str_eq(sat(o, "items.0.requested_by"),
	    "automation:codex-agent");
	cr_assert_str_eq(sat(o, "items.0.decided_by"), "role:approver");
	/* the stored decision, not the approval's (empty) copy */
	cr_assert_str_eq(sat(o, "items.0.decision.control_surface"),
	    "source_control");
	cr_assert_str_eq(sat(o, "items.0.decision.rule_id"),
	    "git.protected_branch.block_direct_push");
	cr_assert_str_eq(sat(o, "items.1.state"), "pending");
	cr_assert_str_eq(sat(o, "items.1.requested_by"), "role:approver");
	cr_assert_null(at(o, "items.1.decided_by"));
	/* no stored decision: the approval's copy, summarised */
	cr_assert_str_eq(sat(o, "items.1.decision.target_summary"),
	    "sensitive target redacted");
	cr_assert_str_eq(sat(o, "redaction.human_actor_identifiers"),
	    "role labels only");
	api_free(&r);
	o = get200(&r, "/aispm/approval-lineage?approver_group=%s&"
	    "state=approved", g);
	cr_assert_eq(iat(o, "summary.total"), 1);
	cr_assert_str_eq(sat(o, "summary.evidence_confidence"),
	    "approval_evidence_refs");
	api_free(&r);
	o = get200(&r, "/aispm/approval-lineage?approver_group=%s&"
	    "session_id=%s&limit=5", g, f.s[0]);
	cr_assert_eq(iat(o, "summary.total"), 1);
	snprintf(want, sizeof(want), "lineage-%s", f.apr[1]);
	cr_assert_str_eq(sat(o, "items.0.lineage_id"), want);
	api_free(&r);
	o = get200(&r, "/aispm/approval-lineage?approver_group=none-%s",
	    f.u);
	cr_assert_str_eq(sat(o, "summary.evidence_confidence"),
	    "no_approval_records");
	api_free(&r);
	api_req("GET", "/aispm/approval-lineage?state=granted", NULL, NULL,
	    &r);
	api_assert_problem(&r, 422);
	api_free(&r);
}

/* Fingerprints, context gaps, forecasts and drift of the fixture. */
API_TEST(aispm, behaviour_context_forecasts_drift)
{
	struct api_resp		 r;
	struct json_object	*o;
	struct fx		 f;

	fx_write(&f);
	o = get200(&r, "/aispm/behavior-fingerprints?agent_id=%s", f.agent);
	cr_assert_eq(iat(o, "summary.total_agents"), 1);
	cr_assert_eq(iat(o, "summary.review_required"), 1);
	cr_assert_eq(iat(o, "items.0.drift_score"), 100);
	cr_assert_str_eq(column(at(o, "items.0.action_profile"), "name"),
	    "read_file,git_operation,mcp_tool_call,execute_command");
	cr_assert_str_eq(column(at(o, "items.0.decision_profile"), "name"),
	    "block,allow,require_approval,warn");
	cr_assert_eq(nat(o, "items.0.control_surfaces"), 5);
	cr_assert_str_eq(sat(o, "items.0.control_surfaces.0"),
	    "general_policy");
	cr_assert_str_eq(sat(o, "items.0.risk_signals.7"),
	    "broad_action_profile");
	cr_assert_eq(nat(o, "items.0.risk_signals"), 8);
	cr_assert_str_eq(sat(o, "redaction.private_behavior_baselines"),
	    "requires_cavra_enterprise");
	cr_assert_eq(nat(o, "enterprise_unlocks.capabilities"), 5);
	api_free(&r);

	o = get200(&r, "/aispm/policy-context-gaps?agent_id=%s", f.agent);
	cr_assert_eq(iat(o, "summary.total_gaps"), 25);
	cr_assert_eq(iat(o, "summary.decisions_with_gaps"), 5);
	cr_assert_eq(iat(o, "summary.requires_context_review"), 5);
	cr_assert_eq(iat(o, "summary.monitor"), 0);
	cr_assert_str_eq(column(at(o, "items"), "decision_id"),
	    IDS(&f, "", 1, 2, 3, 4, 5));
	/* approver_group gives the approval route, reason the
	 * justification */
	cr_assert_str_eq(sat(o, "items.3.present_context.0"),
	    "approval_route");
	cr_assert_str_eq(sat(o, "items.2.present_context.0"),
	    "business_justification");
	api_free(&r);

	o = get200(&r, "/aispm/pre-action-risk-forecasts?agent_id=%s",
	    f.agent);
	cr_assert_str_eq(column(at(o, "items"), "decision_id"),
	    IDS(&f, "", 2, 1, 4, 3, 5));
	cr_assert_str_eq(column(at(o, "items"), "forecast_status"),
	    "block_recommended,block_recommended,approval_recommended,"
	    "warn_recommended,monitor");
	cr_assert_eq(iat(o, "summary.critical_or_high_forecasts"), 3);
	cr_assert_eq(iat(o, "summary.block_recommended"), 2);
	cr_assert_eq(iat(o, "summary.approval_recommended"), 1);
	cr_assert_eq(iat(o, "summary.warn_recommended"), 1);
	cr_assert_str_eq(sat(o, "items.0.target_summary"),
	    "sensitive target redacted");
	api_free(&r);

	o = get200(&r, "/aispm/intent-action-drift?agent_id=%s", f.agent);
	cr_assert_str_eq(column(at(o, "items"), "decision_id"),
	    IDS(&f, "", 2, 4, 1, 5, 3));
	cr_assert_str_eq(column(at(o, "items"), "drift_score"),
	    "100,84,46,35,6");
	cr_assert_str_eq(column(at(o, "items"), "drift_status"),
	    "unknown_intent,unknown_intent,needs_review,unknown_intent,"
	    "aligned");
	cr_assert_eq(iat(o, "summary.unknown_intent"), 3);
	cr_assert_eq(iat(o, "summary.needs_review"), 1);
	cr_assert_eq(iat(o, "summary.aligned"), 1);
	/* declared intent is shown without the token it quoted */
	cr_assert_str_eq(sat(o, "items.2.declared_intent"),
	    "apply with [redacted]");
	cr_assert_str_eq(sat(o, "items.0.declared_intent"),
	    "intent not recorded");
	api_free(&r);
}

/* Tool-chain graph, blast radius and heatmap of the fixture. */
API_TEST(aispm, graph_blast_heatmap)
{
	struct api_resp		 r;
	struct json_object	*o;
	struct fx		 f;

	fx_write(&f);
	o = get200(&r, "/aispm/tool-chain-graph?agent_id=%s", f.agent);
	cr_assert_eq(iat(o, "summary.node_count"), 11);
	cr_assert_eq(iat(o, "summary.edge_count"), 15);
	cr_assert_eq(iat(o, "summary.tool_nodes"), 4);
	cr_assert_eq(iat(o, "summary.target_nodes"), 5);
	cr_assert_eq(iat(o, "summary.high_risk_edges"), 6);
	cr_assert_eq(iat(o, "summary.blocked_edges"), 6);
	cr_assert_eq(iat(o, "edges.0.risk_score"), 86);
	cr_assert_eq(iat(o, "edges.3.risk_score"), 78);
	cr_assert_eq(iat(o, "edges.6.risk_score"), 42);
	cr_assert_eq(iat(o, "edges.14.risk_score"), 3);
	cr_assert_eq(nat(o, "hotspots"), 1);
	cr_assert_eq(iat(o, "hotspots.0.risk_score"), 86);
	cr_assert_str_eq(sat(o, "hotspots.0.dominant_surface"),
	    "sensitive_data");
	cr_assert_str_eq(column(at(o, "nodes"), "node_type"), "agent,policy,"
	    "target,target,target,target,target,tool,tool,tool,tool");
	api_free(&r);

	o = get200(&r, "/aispm/agent-blast-radius?agent_id=%s", f.agent);
	cr_assert_eq(iat(o, "items.0.blast_radius_score"), 100);
	cr_assert_str_eq(sat(o, "items.0.blast_radius_level"), "critical");
	cr_assert_str_eq(column(at(o, "items"), "agent_id"), f.agent);
	cr_assert_eq(nat(o, "items.0.tool_labels"), 4);
	cr_assert_eq(nat(o, "items.0.target_classes"), 5);
	cr_assert_str_eq(sat(o, "items.0.approval_paths.0"),
	    "Repository Owners");
	cr_assert_eq(nat(o, "items.0.top_risks"), 6);
	cr_assert_eq(nat(o, "items.0.recommended_controls"), 7);
	cr_assert_eq(iat(o, "summary.critical_agents"), 1);
	cr_assert_eq(iat(o, "summary.affected_repositories"), 1);
	cr_assert_eq(iat(o, "summary.approval_paths"), 1);
	api_free(&r);

	o = get200(&r, "/aispm/control-coverage-heatmap?agent_id=%s",
	    f.agent);
	cr_assert_eq(iat(o, "summary.row_count"), 1);
	cr_assert_eq(iat(o, "summary.cell_count"), 6);
	/* (100 + 100 + 38 + 82 + 0 + 58) / 6 = 63 */
	cr_assert_eq(iat(o, "summary.coverage_score"), 63);
	cr_assert_eq(iat(o, "summary.enforced_cells"), 2);
	cr_assert_eq(iat(o, "summary.not_observed_cells"), 1);
	cr_assert_str_eq(column(at(o, "top_gaps"), "surface_id"),
	    "mcp_tools,runtime_commands");
	cr_assert_null(json_object_object_get(o, "coverage_score"));
	cr_assert_eq(nat(o, "surfaces"), 6);
	api_free(&r);
}

/* Evidence confidence, freshness and the narrative of the fixture. */
API_TEST(aispm, evidence_and_narrative)
{
	struct api_resp		 r;
	struct json_object	*o;
	struct fx		 f;
	char			 want[512];

	fx_write(&f);
	o = get200(&r, "/aispm/evidence-confidence?agent_id=%s", f.agent);
	cr_assert_eq(iat(o, "summary.total_facts"), 6);
	cr_assert_eq(iat(o, "summary.signed_evidence_items"), 1);
	cr_assert_eq(iat(o, "summary.activity_evidence_items"), 1);
	cr_assert_eq(iat(o, "summary.metadata_only_items"), 4);
	cr_assert_eq(iat(o, "summary.evidence_score"), 48);
	cr_assert_str_eq(sat(o, "summary.highest_confidence_level"),
	    "signed_evidence");
	snprintf(want, sizeof(want), "evidence-session-%s", f.s[2]);
	cr_assert_str_eq(sat(o, "facts.0.fact_id"), want);
	cr_assert_str_eq(sat(o, "facts.5.confidence_level"),
	    "signed_evidence");
	api_free(&r);

	o = get200(&r, "/aispm/evidence-freshness?agent_id=%s", f.agent);
	cr_assert_eq(iat(o, "summary.total_items"), 6);
	cr_assert_eq(iat(o, "summary.fresh_items"), 3);
	cr_assert_eq(iat(o, "summary.review_soon_items"), 1);
	cr_assert_eq(iat(o, "summary.stale_items"), 2);
	cr_assert_eq(iat(o, "summary.retention_gap_items"), 6);
	cr_assert_eq(iat(o, "summary.slo_breached_items"), 5);
	cr_assert_eq(iat(o, "summary.slo_monitor_items"), 1);
	cr_assert_eq(iat(o, "summary.freshness_score"), 67);
	cr_assert_eq(iat(o, "summary.retention_score"), 13);
	cr_assert_eq(iat(o, "summary.oldest_age_hours"), 400);
	cr_assert_str_eq(sat(o, "items.0.source_id"), f.s[2]);
	cr_assert_str_eq(sat(o, "items.1.source_id"), f.d[0]);
	cr_assert_str_eq(sat(o, "items.5.slo_status"), "monitor");
	api_free(&r);

	o = get200(&r, "/aispm/executive-risk-narrative?agent_id=%s",
	    f.agent);
	cr_assert_str_eq(sat(o, "narrative.headline"), "CAVRA Community "
	    "reports critical AI-agent posture from 5 local decision(s), "
	    "including 2 blocked action(s) and 1 approval-gated action(s), "
	    "with 5 evidence SLO breach(es) requiring operator review.");
	cr_assert_eq(nat(o, "narrative.top_risks"), 6);
	snprintf(want, sizeof(want), "evidence-slo-%s", f.s[2]);
	cr_assert_str_eq(sat(o, "narrative.top_risks.4.risk_id"), want);
	cr_assert_str_eq(column(at(o, "narrative.recommended_actions"),
	    "action_id"), "review-top-ai-agent-risks,"
	    "validate-approval-latency,close-evidence-slo-gaps,"
	    "plan-enterprise-live-posture");
	cr_assert_eq(iat(o, "narrative.key_metrics.evidence_slo_breaches"), 5);
	api_free(&r);
}

/* The replay-to-policy draft and its tests, by agent and by session. */
API_TEST(aispm, replay_to_policy)
{
	struct api_resp		 r;
	struct json_object	*o;
	struct fx		 f;
	char			 want[512];

	fx_write(&f);
	o = get200(&r, "/aispm/replay-to-policy-draft?agent_id=%s", f.agent);
	cr_assert_str_eq(sat(o, "summary.source_scope"), f.agent);
	snprintf(want, sizeof(want), "cavra-replay-derived-%s", f.agent);
	cr_assert_str_eq(sat(o, "policy_draft.policy_pack.metadata.id"), want);
	cr_assert_eq(iat(o, "summary.source_decisions"), 5);
	cr_assert_eq(iat(o, "summary.authorable_decisions"), 4);
	cr_assert_eq(iat(o, "summary.recommended_rules"), 4);
	cr_assert_eq(nat(o, "summary.source_sessions"), 3);
	cr_assert_str_eq(sat(o, "summary.source_repositories.0"), f.repo);
	cr_assert_str_eq(column(at(o, "recommendations"), "policy_section"),
	    "commands,filesystem,mcp,git");
	cr_assert_str_eq(sat(o, "policy_draft.policy_pack.commands.block.0"),
	    "terraform apply*");
	cr_assert_str_eq(sat(o, "policy_draft.policy_pack.filesystem."
	    "block_read.0"), ".env*");
	cr_assert(json_object_get_boolean(at(o, "policy_draft.policy_pack."
	    "git.require_pull_request")));
	cr_assert_eq(iat(o, "summary.rule_counts.approvals"), 2);
	cr_assert(json_object_get_boolean(at(o, "summary.draft_valid")));
	cr_assert_str_eq(sat(o, "write_back.status"), "read_only_preview");
	cr_assert_null(at(o, "filters.session_id"));
	api_free(&r);

	o = get200(&r, "/aispm/replay-to-policy-draft?session_id=%s&"
	    "agent_id=other", f.s[0]);
	cr_assert_str_eq(sat(o, "summary.source_scope"), f.s[0]);
	cr_assert_str_eq(sat(o, "filters.session_id"), f.s[0]);
	cr_assert_eq(iat(o, "summary.recommended_rules"), 2);
	cr_assert_eq(nat(o, "summary.source_sessions"), 1);
	api_free(&r);

	o = get200(&r, "/aispm/replay-to-policy-tests?agent_id=%s", f.agent);
	cr_assert_str_eq(sat(o, "schema_version"),
	    "cavra.aispm.replay_to_policy_tests.v1");
	cr_assert_eq(iat(o, "summary.test_cases"), 4);
	cr_assert(json_object_get_boolean(at(o, "summary.fixture_valid")));
	snprintf(want, sizeof(want), "cavra-replay-derived-%s", f.agent);
	cr_assert_str_eq(sat(o, "test_fixture.policy_id"), want);
	cr_assert_eq(iat(o, "test_fixture.case_count"), 4);
	cr_assert_str_eq(sat(o, "test_fixture.cases.1.input.target"), ".env*");
	cr_assert_str_eq(sat(o, "test_fixture.cases.1.input.policy_pack"),
	    want);
	snprintf(want, sizeof(want), "tests/fixtures/replay-to-policy/"
	    "cavra-replay-derived-%s.json", f.agent);
	cr_assert_str_eq(sat(o, "export.suggested_path"), want);
	api_free(&r);
}

/* No route shows the fixture's secret or its approver's name (get200
 * checks every answer), whatever the filters. */
API_TEST(aispm, nothing_secret_is_shown)
{
	struct api_resp		 r;
	struct fx		 f;
	char			 path[512];
	size_t			 i;

	fx_write(&f);
	for (i = 0; i < nitems(get_routes); i++) {
		snprintf(path, sizeof(path), "%s%s", get_routes[i],
		    strcmp(get_routes[i], "/aispm/trace-replay/") == 0 ?
		    f.s[0] : "");
		get200(&r, "%s?agent_id=%s&approver_group=%s&session_id=%s",
		    path, f.agent, f.group, f.s[0]);
		api_free(&r);
		get200(&r, "%s", path);
		api_free(&r);
	}
}

/* A decision made through cavra-activity keeps the keys AISPM reads. */
API_TEST(aispm, decisions_from_activity)
{
	struct api_resp		 r;
	char			 agent[128], body[1024];
	int			 tries;

	api_uid(agent, sizeof(agent), "live");
	snprintf(body, sizeof(body), "{\"action_type\":\"read_file\","
	    "\"target\":\"README.md\",\"agent_id\":\"%s\",\"session_id\":"
	    "\"sess-%s\",\"declared_intent\":\"read file README.md\","
	    "\"context\":{\"environment\":\"dev\"}}", agent, agent);
	api_req("POST", "/decisions", body, NULL, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	api_free(&r);
	/* stored behind: wait until the store has it */
	for (tries = 0; tries < 100; tries++) {
		get200(&r, "/aispm/intent-action-drift?agent_id=%s", agent);
		if (iat(r.json, "summary.total_items") == 1)
			break;
		api_free(&r);
		usleep(50000);
	}
	cr_assert_lt(tries, 100, "decision never reached the store");
	cr_assert_str_eq(sat(r.json, "items.0.declared_intent"),
	    "read file README.md");
	cr_assert_str_eq(sat(r.json, "items.0.drift_status"), "aligned");
	api_free(&r);
	get200(&r, "/aispm/policy-context-gaps?agent_id=%s", agent);
	cr_assert_str_eq(sat(r.json, "items.0.present_context.0"),
	    "environment_tier");
	api_free(&r);
	get200(&r, "/aispm/trace-replay/sess-%s", agent);
	cr_assert_eq(iat(r.json, "summary.step_count"), 1);
	api_free(&r);
}

/* A valid review packet (as the console exports them). */
static const char review_ok[] = "{"
    "\"schema_version\":\"cavra.aispm.replay_to_policy_review_packet.v1\","
    "\"product\":\"CAVRA\",\"edition\":\"community\","
    "\"mode\":\"review_packet_export\",\"tracking\":\"none\","
    "\"data_provenance\":{\"draft\":\"local_activity_store\",\"tests\":"
    "\"local_activity_store\"},"
    "\"source\":{\"session_id\":\"s1\",\"draft_schema_version\":"
    "\"cavra.aispm.replay_to_policy_draft.v1\",\"test_schema_version\":"
    "\"cavra.aispm.replay_to_policy_tests.v1\"},"
    "\"review_summary\":{\"status\":\"ready_for_review\",\"checks_passed\":2,"
    "\"checks_total\":2,\"ci_adoption\":\"requires_human_review\","
    "\"approval_required\":true},"
    "\"review_checklist\":[{\"label\":\"Policy draft generated\","
    "\"status\":\"pass\",\"detail\":\"d\"},{\"label\":\"Human approval\","
    "\"status\":\"pass\",\"detail\":\"d\"}],"
    "\"policy_draft\":{\"valid\":true},"
    "\"test_fixture\":{\"schema_version\":"
    "\"cavra.policy_tests.replay_to_policy.v1\",\"policy_id\":\"p\","
    "\"source_scope\":\"s1\",\"case_count\":1,\"cases\":[{\"case_id\":"
    "\"c1\",\"recommendation_id\":null,\"decision_id\":\"d1\","
    "\"description\":\"x\",\"input\":{},\"expected\":{},\"assertion_type\":"
    "\"metadata_derived_policy_expectation\",\"public_safe\":true,"
    "\"evidence_refs\":[\"e\"]}],\"validation\":{}},"
    "\"export\":{\"status\":\"review_only_packet\",\"filename\":"
    "\"cavra-replay-policy-review-packet.json\",\"intended_use\":\"x\"},"
    "\"redaction\":{}}";

/* The validators: 200 for a valid packet, 400 naming each problem's path
 * for a malformed one, 422 for a body that is not an object. */
API_TEST(aispm, validators)
{
	static const char *const ct[] = { "Content-Type: text/plain", NULL };
	struct api_resp		 r;
	struct json_object	*p, *e;
	char			*bad;

	api_req("POST", "/aispm/replay-to-policy-review-packet/validate",
	    review_ok, NULL, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	cr_assert_str_eq(api_str(r.json, "status"), "valid");
	cr_assert_str_eq(api_str(r.json, "schema_version"),
	    "cavra.aispm.review_packet_validation.v1");
	cr_assert_str_eq(sat(r.json, "checks.json_schema"), "pass");
	cr_assert_eq(nat(r.json, "errors"), 0);
	api_free(&r);

	p = json_tokener_parse(review_ok);
	json_object_object_add(at(p, "review_summary"), "approval_required",
	    json_object_new_string("yes"));
	json_object_object_add(at(p, "test_fixture.cases.0"), "public_safe",
	    json_object_new_boolean(0));
	json_object_object_del(p, "source");
	bad = strdup(json_object_to_json_string(p));
	json_object_put(p);
	api_req("POST", "/aispm/replay-to-policy-review-packet/validate", bad,
	    NULL, &r);
	free(bad);
	api_assert_problem(&r, 400);
	cr_assert_str_eq(api_str(r.json, "detail"), "AISPM replay-to-policy "
	    "review packet failed validation.");
	e = api_get(r.json, "errors");
	cr_assert_str_eq(column(e, "path"), "$,$.review_summary."
	    "approval_required,$.test_fixture.cases.0.public_safe,"
	    "$.review_summary.approval_required");
	cr_assert_str_eq(sat(e, "0.message"), "'source' is a required "
	    "property");
	cr_assert_str_eq(sat(e, "3.message"), "review packets must require "
	    "human approval");
	api_free(&r);

	api_req("POST", "/aispm/replay-to-policy-ci-gate-readiness/validate",
	    "{\"schema_version\":\"x\",\"gates\":[],\"enterprise_boundaries\":"
	    "{\"a\":\"open\"}}", NULL, &r);
	api_assert_problem(&r, 400);
	e = api_get(r.json, "errors");
	cr_assert(strstr(r.body, "\"path\":\"$.gates\",\"message\":\"[] "
	    "should be non-empty\"") != NULL, "%s", r.body);
	cr_assert(strstr(r.body, "missing CI gate platform: Azure "
	    "Pipelines") != NULL, "%s", r.body);
	cr_assert(strstr(r.body, "\"path\":\"$.enterprise_boundaries.a\"") !=
	    NULL, "%s", r.body);
	api_free(&r);

	api_req("POST", "/aispm/replay-to-policy-review-packet/validate", "[1]",
	    NULL, &r);
	api_assert_problem(&r, 422);
	api_free(&r);
	api_req("POST", "/aispm/replay-to-policy-ci-gate-readiness/validate",
	    "{", NULL, &r);
	api_assert_problem(&r, 400);
	api_free(&r);
	api_req("POST", "/aispm/replay-to-policy-ci-gate-readiness/validate",
	    "{}", ct, &r);
	api_assert_problem(&r, 415);
	api_free(&r);
	api_req("GET", "/aispm/replay-to-policy-review-packet/validate", NULL,
	    NULL, &r);
	api_assert_problem(&r, 405);
	api_free(&r);
}

/* ---- risk events and compliance mappings (moved from cavra-console) */

/* The fields a risk event copies from its decision. */
static const char *const risk_fields[] = { "decision_id", "timestamp",
    "decision", "severity", "action_type", "target", "requested_operation",
    "rule_id", "reason", "approver_group", "policy_pack", "session_id",
    "agent_id", "actor", "repository", "correlation_id", "evidence_refs",
    NULL };

/* POST /decisions of action type and target in session sid: the
 * decision (a new reference). */
static struct json_object *
decide(const char *sid, const char *type, const char *target)
{
	struct api_resp		 r;
	struct json_object	*d;
	char			 body[1024];

	snprintf(body, sizeof(body), "{\"session_id\": \"%s\", "
	    "\"agent_id\": \"claude-code\", \"repository\": \"payments/api\", "
	    "\"action_type\": \"%s\", \"target\": \"%s\"}", sid, type, target);
	api_req("POST", "/decisions", body, NULL, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	d = json_object_get(r.json);
	api_free(&r);
	return d;
}

/* GET path until its array has n items (a decision is in the store
 * shortly after cavra-activity answers it), for 5 s at most. */
static void
events_wait(const char *path, size_t n, struct api_resp *r)
{
	int	 tries;

	for (tries = 0; ; tries++) {
		api_req("GET", path, NULL, NULL, r);
		cr_assert_eq(r->status, 200, "%s: %s", path, r->body);
		cr_assert(json_object_is_type(r->json, json_type_array));
		if (json_object_array_length(r->json) >= n || tries == 100)
			return;
		api_free(r);
		usleep(50 * 1000);
	}
}

/* Risk event ev carries decision d's fields. */
static void
assert_event_of(struct json_object *ev, struct json_object *d)
{
	const char *const	*k;
	struct json_object	*a, *b;

	cr_assert_str_eq(api_str(ev, "schema_version"), "cavra.risk_event.v1");
	for (k = risk_fields; *k != NULL; k++) {
		cr_assert(json_object_object_get_ex(ev, *k, &a), "%s", *k);
		b = json_object_object_get(d, *k);
		cr_assert(json_object_equal(a, b), "%s: %s != %s", *k,
		    json_object_to_json_string(a),
		    json_object_to_json_string(b));
	}
}

/*
 * A blocked and an approval-required decision become risk events, newest
 * first, with their decisions' fields; an allowed one does not.  The
 * filters, limit and offset of GET /decisions apply.
 */
API_TEST(aispm, risk_events_follow_decisions)
{
	struct json_object	*blocked, *allowed, *gated, *ev;
	struct api_resp		 r;
	char			 sid[64], path[256];
	size_t			 i;
	int			 seen;

	snprintf(sid, sizeof(sid), "risk-%s-%ld-%d", api_mode(),
	    (long)time(NULL), (int)getpid());
	blocked = decide(sid, "read_file", ".env");
	cr_assert_str_eq(api_str(blocked, "decision"), "block");
	allowed = decide(sid, "read_file", "README.md");
	cr_assert_str_eq(api_str(allowed, "decision"), "allow");
	gated = decide(sid, "write_file", "iam/admin-role.tf");
	cr_assert_str_eq(api_str(gated, "decision"), "require_approval");

	snprintf(path, sizeof(path), "/risk/events?session_id=%s", sid);
	events_wait(path, 2, &r);
	cr_assert_eq(json_object_array_length(r.json), 2, "%s", r.body);
	assert_event_of(json_object_array_get_idx(r.json, 0), gated);
	assert_event_of(json_object_array_get_idx(r.json, 1), blocked);
	api_free(&r);

	/* Unfiltered, they are among the newest; the allow is not. */
	events_wait("/risk/events?limit=500", 2, &r);
	seen = 0;
	for (i = 0; i < json_object_array_length(r.json); i++) {
		ev = json_object_array_get_idx(r.json, i);
		cr_assert_str_neq(api_str(ev, "decision"), "allow");
		cr_assert_str_neq(api_str(ev, "decision_id"),
		    api_str(allowed, "decision_id"));
		if (strcmp(api_str(ev, "decision_id"), api_str(blocked,
		    "decision_id")) == 0)
			seen |= 1;
		if (strcmp(api_str(ev, "decision_id"), api_str(gated,
		    "decision_id")) == 0)
			seen |= 2;
	}
	cr_assert_eq(seen, 3);
	api_free(&r);

	snprintf(path, sizeof(path), "/risk/events?session_id=%s"
	    "&decision=block", sid);
	api_req("GET", path, NULL, NULL, &r);
	cr_assert_eq(json_object_array_length(r.json), 1);
	assert_event_of(json_object_array_get_idx(r.json, 0), blocked);
	api_free(&r);

	snprintf(path, sizeof(path), "/risk/events?session_id=%s&limit=1"
	    "&offset=1", sid);
	api_req("GET", path, NULL, NULL, &r);
	cr_assert_eq(json_object_array_length(r.json), 1);
	assert_event_of(json_object_array_get_idx(r.json, 0), blocked);
	api_free(&r);

	snprintf(path, sizeof(path), "/risk/events?session_id=%s"
	    "&severity=low", sid);
	api_req("GET", path, NULL, NULL, &r);
	cr_assert_eq(json_object_array_length(r.json), 0, "%s", r.body);
	api_free(&r);

	json_object_put(blocked);
	json_object_put(allowed);
	json_object_put(gated);
}

/*
 * A decision that is no risk and a page past the window are 400s; a bad
 * limit or offset is refused as GET /decisions refuses it.
 */
API_TEST(aispm, risk_events_reject_bad_queries)
{
	static const char *const bad[] = {
	    "/risk/events?offset=9990&limit=20",
	    NULL };
	static const char *const mistyped[] = {
	    "/risk/events?decision=allow",
	    "/risk/events?decision=nope",
	    NULL };
	static const char *const paging[] = { "limit=abc", "offset=-",
	    "limit=1.5", NULL };
	const char *const	*p;
	struct api_resp		 r, d;
	char			 path[128];

	for (p = bad; *p != NULL; p++) {
		api_req("GET", *p, NULL, NULL, &r);
		api_assert_problem(&r, 400);
		api_free(&r);
	}
	for (p = mistyped; *p != NULL; p++) {
		api_req("GET", *p, NULL, NULL, &r);
		api_assert_problem(&r, 422);
		api_free(&r);
	}
	for (p = paging; *p != NULL; p++) {
		snprintf(path, sizeof(path), "/decisions?%s", *p);
		api_req("GET", path, NULL, NULL, &d);
		cr_assert(d.status >= 400 && d.status < 500, "%s", path);
		snprintf(path, sizeof(path), "/risk/events?%s", *p);
		api_req("GET", path, NULL, NULL, &r);
		api_assert_problem(&r, d.status);
		api_free(&r);
		api_free(&d);
	}
	api_req("GET", "/risk/events?offset=9900&limit=100", NULL, NULL, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	api_free(&r);
}

/* One pack's compliance mapping as its policy.yaml writes it. */
struct mapping {
	char	 id[256], title[256], version[64];
	char	 maps_to[32][256];
	size_t	 n;
};

/* The value that starts at v (after `key:` or `- `), unquoted, into
 * buf. */
static void
yaml_value(const char *v, char *buf, size_t n)
{
	size_t	 len;

	while (*v == ' ')
		v++;
	len = strcspn(v, "\n");
	if (len >= 2 && *v == '"' && v[len - 1] == '"') {
		v++;
		len -= 2;
	}
	snprintf(buf, n, "%.*s", (int)len, v);
}

/*
 * Reads the pack file of the shipped layout (metadata: with two-space
 * keys, and a top-level compliance: whose maps_to: lists "    - "
 * items) into m.  0 when it has no compliance.maps_to.
 */
static int
read_mapping(const char *path, struct mapping *m)
{
	FILE	*f;
	char	 line[1024];
	int	 section = 0, in_maps = 0;	/* 1 metadata, 2 compliance */

	memset(m, 0, sizeof(*m));
	cr_assert_not_null(f = fopen(path, "r"), "%s", path);
	while (fgets(line, sizeof(line), f) != NULL) {
		if (line[0] != ' ' && line[0] != '#' && line[0] != '\n') {
			section = strncmp(line, "metadata:", 9) == 0 ? 1 :
			    strncmp(line, "compliance:", 11) == 0 ? 2 : 0;
			in_maps = 0;
		} else if (section == 1 && strncmp(line, "  id:", 5) == 0)
			yaml_value(line + 5, m->id, sizeof(m->id));
		else if (section == 1 && strncmp(line, "  title:", 8) == 0)
			yaml_value(line + 8, m->title, sizeof(m->title));
		else if (section == 1 && strncmp(line, "  version:", 10) == 0)
			yaml_value(line + 10, m->version,
			    sizeof(m->version));
		else if (section == 2 && strncmp(line, "  maps_to:", 10) == 0)
			in_maps = 1;
		else if (in_maps && strncmp(line, "    - ", 6) == 0) {
			cr_assert_lt(m->n, nitems(m->maps_to));
			yaml_value(line + 6, m->maps_to[m->n],
			    sizeof(m->maps_to[0]));
			m->n++;
		} else if (in_maps && strncmp(line, "  ", 2) == 0 &&
		    line[2] != ' ')
			in_maps = 0;
	}
	fclose(f);
	return m->n > 0;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * The mappings are the compliance.maps_to lists of the pack files under
 * CAVRA_BUNDLED_POLICY_DIR (the stack's writable root, CAVRA_POLICY_DIR,
 * starts empty), one entry per pack that has one, in directory order, as
 * a bare array.
 */
API_TEST(aispm, compliance_mappings_match_the_packs)
{
	struct api_resp		 r;
	struct json_object	*e, *maps;
	struct mapping		 m;
	const char		*root;
	DIR			*d;
	struct dirent		*de;
	char			*names[256], path[4096];
	size_t			 n = 0, i, j, k = 0;

	root = getenv("CAVRA_BUNDLED_POLICY_DIR");
	cr_assert_not_null(root);
	cr_assert_not_null(d = opendir(root));
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.' && n < nitems(names))
			names[n++] = strdup(de->d_name);
	closedir(d);
	qsort(names, n, sizeof(names[0]), name_cmp);

	api_req("GET", "/compliance/mappings", NULL, NULL, &r);
	cr_assert_eq(r.status, 200);
	cr_assert(json_object_is_type(r.json, json_type_array));
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s/policy.yaml", root,
		    names[i]);
		if (access(path, R_OK) != 0 || !read_mapping(path, &m))
			continue;
		cr_assert_lt(k, json_object_array_length(r.json), "%s",
		    names[i]);
		e = json_object_array_get_idx(r.json, k++);
		cr_assert_str_eq(api_str(e, "policy_pack"), m.id);
		cr_assert_str_eq(api_str(e, "title"), m.title);
		cr_assert_str_eq(api_str(e, "version"), m.version);
		maps = api_get(e, "maps_to");
		cr_assert_eq(json_object_array_length(maps), m.n, "%s", m.id);
		for (j = 0; j < m.n; j++)
			cr_assert_str_eq(json_object_get_string(
			    json_object_array_get_idx(maps, j)), m.maps_to[j]);
	}
	cr_assert_eq(json_object_array_length(r.json), k);
	cr_assert_geq(k, 10, "the shipped packs map at least ten");
	for (i = 0; i < n; i++)
		free(names[i]);
	api_free(&r);
}
