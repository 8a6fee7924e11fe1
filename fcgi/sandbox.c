/*
 * cavra-sandbox: the public sandbox.  POST /api/sandbox/run puts the
 * flagship scenario "before-the-agent-acts" (seven representative agent
 * actions) through the policy engine with a chosen pack, labels the run
 * with a persona and a policy mode, and persists it: the decisions and a
 * completed session in the activity store (written here, in one
 * transaction, so GET /decisions?session_id=<run_id> lists them), then
 * the run as evidence metadata (metadata_kind "sandbox-run") in the
 * evidence store.  Every read route rebuilds the run from that record, so
 * runs survive a restart.
 *
 * Deliberate differences from the reference: a stored decision keeps the
 * engine's requested_operation (the reference overwrites it with the
 * action type) and its evidence reference names the run
 * (evidence://<run_id>/<decision_id>, not evidence://local/...); an
 * unknown body key, pack or policy mode is 400 (the reference answers
 * 500 to the first two and accepts any mode).
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cavra.h"
#include "cv_policy.h"

#define SCENARIO	"before-the-agent-acts"
#define SB_REPOSITORY	"sandbox/" SCENARIO
#define SB_AGENT	"sandbox-agent"
#define SB_ACTOR	"simulated-ai-agent"
#define SB_KIND		"sandbox-run"
#define SB_SIGNER	"sandbox-api"
#define SB_TAGLINE	"Before the agent acts, CAVRA decides."
#define SB_AGENT_TEXT	"Simulated AI-agent scenario using real CAVRA " \
			    "policy decisions."
#define SB_RETENTION_DAYS 30	/* retention of a run's evidence metadata */
#define RUN_ID_HEX	10	/* hex digits of a run id (reference) */
#define COLL_EVIDENCE	0	/* the one collection of cv_store_evidence */

static const char *const personas[] = { "Developer", "CISO",
    "Platform Engineer", "Auditor", NULL };
static const char *const modes[] = { "enforce", "audit_only", "strict",
    NULL };
static const char *const body_keys[] = { "policy_mode", "persona",
    "scenario", "policy_pack", NULL };

/* The flagship actions, in event order.  kind: what judges it. */
enum sb_judge {
	SB_ENGINE = 0,	/* cv_policy_eval() */
	SB_MCP,		/* cv_policy_eval_mcp_pack(): the sandbox has no
			   registry */
	SB_PR		/* the PR attestation step */
};

static const struct sb_step {
	enum sb_judge	 judge;
	struct cv_action act;
} steps[] = {
	{ SB_ENGINE, { "read_file", ".env", NULL, NULL, NULL, NULL } },
	{ SB_ENGINE, { "write_file", "iam/admin-role.tf", NULL, NULL, NULL,
	    NULL } },
	{ SB_ENGINE, { "execute_command", "terraform plan", NULL, NULL, NULL,
	    NULL } },
	{ SB_ENGINE, { "execute_command", "terraform apply -auto-approve",
	    NULL, NULL, NULL, NULL } },
	{ SB_MCP, { "mcp_tool_call", NULL, NULL,
	    "unknown filesystem MCP server", "read_file", "filesystem" } },
	{ SB_ENGINE, { "git_operation", "origin/main", "push", NULL, NULL,
	    NULL } },
	{ SB_PR, { "pull_request", "create PR", "create", NULL, NULL,
	    NULL } },
};

/* The PR step's verdict: allowed with the run's evidence attached. */
static const struct cv_verdict pr_verdict = {
	"pull_request", "create PR", "create",
	"git.pull_request.allow_with_attestation", "allow_with_attestation",
	"medium", "PR is allowed with CAVRA evidence and reviewer guidance.",
	NULL
};

static const struct cv_kv impacts[] = {
	{ "read_file", "Prevents secret exposure into AI-agent context." },
	{ "write_file", "Routes privilege-impacting infrastructure changes "
	    "to security reviewers." },
	{ "execute_command", "Separates read-only planning from "
	    "production-impacting execution." },
	{ "mcp_tool_call", "Prevents untrusted tool expansion through "
	    "unknown MCP servers." },
	{ "git_operation", "Preserves protected-branch and review "
	    "controls." },
	{ "pull_request", "Allows collaboration with audit-ready evidence." },
};

static const struct cv_kv remediations[] = {
	{ "block", "Use an approved workflow or request policy exception "
	    "with evidence." },
	{ "require_approval", "Open an approval request for the mapped "
	    "approver group." },
	{ "allow", "Continue; decision is recorded for audit." },
	{ "allow_with_attestation", "Attach the generated CAVRA attestation "
	    "to the PR." },
};

/*
 * The compliance objectives the flagship demonstrates: the event that
 * shows each, the outcome that makes the claim true, and the claim.
 */
static const struct {
	size_t		 evt;		/* index in steps[] */
	const char	*decision;
	const char	*objective;
	const char	*claim;
} objectives[] = {
	{ 0, "block", "Secret exposure", "blocked `.env` read." },
	{ 1, "require_approval", "Change control",
	    "approval required for IAM modification." },
	{ 3, "block", "Production safety",
	    "autonomous `terraform apply -auto-approve` blocked." },
	{ 4, "block", "Tool governance",
	    "unknown filesystem MCP server blocked." },
	{ 5, "block", "Source control", "direct push to `main` blocked." },
};

/* The text of key in table t, or dflt. */
static const char *
lookup(const struct cv_kv *t, size_t n, const char *key, const char *dflt)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (strcmp(t[i].name, key) == 0)
			return t[i].value;
	return dflt;
}

/* The scenario list entry (GET /api/sandbox/scenarios).  New reference. */
static struct json_object *
scenario_new(void)
{
	struct json_object	*o;

	o = json_object_new_object();
	cv_json_add_str(o, "id", SCENARIO);
	cv_json_add_str(o, "title", "Before the Agent Acts");
	cv_json_add_str(o, "description", "Run representative AI-agent "
	    "actions through real CAVRA policy decisions.");
	cv_json_add_str(o, "default_policy_pack", CV_POLICY_DEFAULT);
	cv_json_add_strv(o, "personas", personas);
	cv_json_add_strv(o, "policy_modes", modes);
	return o;
}

/* GET /api/sandbox/scenarios: the runnable scenarios (one). */
static enum cv_err
h_scenarios(struct cv_req *req, struct cv_resp *resp)
{
	struct json_object	*a;

	(void)req;
	a = json_object_new_array();
	json_object_array_add(a, scenario_new());
	cv_resp_json(resp, 200, a);
	return CV_OK;
}

/* What a run is asked to be. */
struct sb_opts {
	const char	*scenario;
	const char	*persona;
	const char	*mode;		/* normalised */
	const char	*pack;
};

/*
 * The policy mode as the reference normalises it: trimmed, lower case,
 * '-' and ' ' as '_', "strict_regulated_repository" as "strict", empty
 * as "enforce".  Arena.
 */
static const char *
mode_normalise(struct cv_arena *a, const char *s)
{
	char	*m, *p;
	size_t	 len;

	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	len = strlen(s);
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t' ||
	    s[len - 1] == '\n' || s[len - 1] == '\r'))
		len--;
	m = cv_arena_strndup(a, s, len);
	for (p = m; *p != '\0'; p++) {
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
		else if (*p == '-' || *p == ' ')
			*p = '_';
	}
	if (strcmp(m, "strict_regulated_repository") == 0)
		return "strict";
	return *m == '\0' ? "enforce" : m;
}

/*
 * Optional string option key of body b: absent or null gives dflt.  400
 * for another type, a string over CV_FIELD_MAX bytes or one holding a
 * control character (the labels go into markdown, one per line).
 */
static enum cv_err
opt_str(struct cv_req *req, struct json_object *b, const char *key,
    const char *dflt, const char **out)
{
	const unsigned char	*p;

	switch (cv_json_str(b, key, out)) {
	case CV_JGET_ABSENT:
		*out = dflt;
		return CV_OK;
	case CV_JGET_TYPE:
		return cv_fail_field(req, CV_EINVAL, key, "%s must be a string",
		    key);
	default:
		break;
	}
	if (strlen(*out) > CV_FIELD_MAX)
		return cv_fail_field(req, CV_EINVAL, key,
		    "%s is longer than %d bytes", key, CV_FIELD_MAX);
	for (p = (const unsigned char *)*out; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f)
			return cv_fail_field(req, CV_EINVAL, key,
			    "%s holds a control character", key);
	return CV_OK;
}

/*
 * The options of a run request body b: only the keys of body_keys; the
 * scenario must be the flagship, the mode one of modes[] once
 * normalised.  400 problems otherwise.
 */
static enum cv_err
read_opts(struct cv_req *req, struct json_object *b, struct sb_opts *o)
{
	const char	*mode;
	enum cv_err	 rc;

	{
		json_object_object_foreach(b, key, val) {
			(void)val;
			if (!cv_strv_has(body_keys, key))
				return cv_fail_field(req, CV_EINVAL, key,
				    "unknown sandbox run key: %s (known: %s)",
				    key, cv_arena_join(req->arena, body_keys));
		}
	}
	if ((rc = opt_str(req, b, "scenario", SCENARIO, &o->scenario)) !=
	    CV_OK || (rc = opt_str(req, b, "persona", "Developer",
	    &o->persona)) != CV_OK || (rc = opt_str(req, b, "policy_mode",
	    "enforce", &mode)) != CV_OK || (rc = opt_str(req, b,
	    "policy_pack", CV_POLICY_DEFAULT, &o->pack)) != CV_OK)
		return rc;
	if (strcmp(o->scenario, SCENARIO) != 0)
		return cv_fail_field(req, CV_EINVAL, "scenario",
		    "unknown sandbox scenario: %s", o->scenario);
	o->mode = mode_normalise(req->arena, mode);
	if (!cv_strv_has(modes, o->mode))
		return cv_fail_field(req, CV_EINVAL, "policy_mode",
		    "unknown policy mode: %s (known: %s)", o->mode,
		    cv_arena_join(req->arena, modes));
	if (*o->pack == '\0')
		o->pack = CV_POLICY_DEFAULT;
	return CV_OK;
}

/*
 * The seven decision records of the flagship under pack, for session
 * run_id, into ds (new references; the caller puts them, also after a
 * failure).  400 when the pack does not exist or does not load.
 */
static enum cv_err
decide_all(struct cv_req *req, const char *run_id, const char *pack_id,
    struct json_object **ds)
{
	const struct cv_pack	*pack;
	struct cv_decision_ids	 ids;
	struct cv_verdict	 v;
	struct json_object	*repo;
	char			 ts[CV_TS_LEN], errbuf[512];
	enum cv_err		 rc;
	size_t			 i;

	if ((rc = cv_policy_get(pack_id, &pack, errbuf, sizeof(errbuf))) !=
	    CV_OK)
		return cv_fail_field(req, CV_EINVAL, "policy_pack", "%s",
		    errbuf);
	repo = json_object_new_string(SB_REPOSITORY);
	for (i = 0; i < nitems(steps); i++) {
		switch (steps[i].judge) {
		case SB_ENGINE:
			if ((rc = cv_policy_eval(pack, &steps[i].act,
			    req->arena, &v)) != CV_OK) {
				json_object_put(repo);
				return cv_fail(req, CV_EINTERNAL, "cannot "
				    "evaluate %s", steps[i].act.action_type);
			}
			break;
		case SB_MCP:
			cv_policy_eval_mcp_pack(pack, &steps[i].act,
			    req->arena, &v);
			break;
		default:
			v = pr_verdict;
			break;
		}
		cv_ts_now(ts, sizeof(ts));
		ids.decision_id = cv_rand_id(req->arena, "dec_", CV_ID_HEX);
		ids.session_id = run_id;
		ids.agent_id = SB_AGENT;
		ids.actor = SB_ACTOR;
		ids.repository = repo;
		ids.policy_pack = pack_id;
		ids.timestamp = ts;
		ids.correlation_id = cv_rand_id(req->arena, "corr_",
		    CV_ID_HEX);
		ds[i] = cv_decision_new(&v, &ids);
	}
	json_object_put(repo);
	return CV_OK;
}

/* Counts of a run's decisions. */
struct sb_counts {
	int64_t	 total;
	int64_t	 blocked;
	int64_t	 approval;
};

static void
count(struct json_object *const *ds, size_t n, struct sb_counts *c)
{
	const char	*dec;
	size_t		 i;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < n; i++) {
		dec = cv_json_str_or(ds[i], "decision", "");
		c->total++;
		c->blocked += strcmp(dec, "block") == 0;
		c->approval += strcmp(dec, "require_approval") == 0;
	}
}

/*
 * Writes the run's decisions ds and its completed session (counts,
 * started at created_at, updated at its last decision, evidence refs
 * "sandbox://runs/<run_id>" and the decisions') into the activity store,
 * in one transaction of this process.  A 500/503 problem on failure.
 */
static enum cv_err
store_activity(struct cv_req *req, const struct sb_opts *o,
    const char *run_id, const char *created_at, struct json_object **ds,
    size_t n)
{
	struct cv_db		*db;
	struct cv_store		*st;
	struct json_object	*s = NULL, *refs, *r;
	struct sb_counts	 c;
	enum cv_err		 rc;
	size_t			 i, j;

	if ((rc = cv_rs_db(req, &cv_store_activity, &db)) != CV_OK)
		return rc;
	if ((rc = cv_db_write(db, &st)) != CV_OK)
		return cv_rs_store_fail(req, &cv_store_activity, rc);
	if ((rc = cv_decision_insert_all(st, ds, n)) != CV_OK)
		goto fail;
	count(ds, n, &c);
	s = json_object_new_object();
	cv_json_add_str(s, "schema_version", "cavra.session.v1");
	cv_json_add_str(s, "session_id", run_id);
	cv_json_add_str(s, "agent_id", SB_AGENT);
	cv_json_add_str(s, "actor", SB_ACTOR);
	cv_json_add_str(s, "repository", SB_REPOSITORY);
	cv_json_add_str(s, "policy_pack", o->pack);
	cv_json_add_str(s, "state", "completed");
	cv_json_add_str(s, "started_at", created_at);
	cv_json_add_str(s, "updated_at", cv_json_str_or(ds[n - 1],
	    "timestamp", created_at));
	cv_json_add_int(s, "decision_count", c.total);
	cv_json_add_int(s, "blocked_count", c.blocked);
	cv_json_add_int(s, "approval_required_count", c.approval);
	refs = json_object_new_array();
	json_object_array_add(refs, json_object_new_string(cv_arena_printf(
	    req->arena, "sandbox://runs/%s", run_id)));
	for (i = 0; i < n; i++) {
		r = json_object_object_get(ds[i], "evidence_refs");
		for (j = 0; j < json_object_array_length(r); j++)
			json_object_array_add(refs, json_object_get(
			    json_object_array_get_idx(r, j)));
	}
	json_object_object_add(s, "evidence_refs", refs);
	if ((rc = cv_store_put(st, CV_COLL_SESSIONS, s)) != CV_OK)
		goto fail;
	json_object_put(s);
	if ((rc = cv_db_commit(db)) != CV_OK)
		return cv_rs_store_fail(req, &cv_store_activity, rc);
	return CV_OK;
fail:
	json_object_put(s);
	cv_db_abort(db);
	return cv_rs_store_fail(req, &cv_store_activity, rc);
}

/*
 * The event of stored decision d, the (i+1)th of a run: event_id, the
 * decision's fields (but schema_version), then the sandbox's labels and
 * texts.  New reference.
 */
static struct json_object *
event_new(struct json_object *d, size_t i, const struct sb_opts *o,
    struct cv_arena *a)
{
	struct json_object	*e;
	const char		*dec;

	e = json_object_new_object();
	cv_json_add_str(e, "event_id", cv_arena_printf(a, "evt_%zu", i + 1));
	{
		json_object_object_foreach(d, key, val) {
			if (strcmp(key, "schema_version") != 0)
				json_object_object_add(e, key,
				    json_object_get(val));
		}
	}
	cv_json_add_str(e, "agent", SB_AGENT_TEXT);
	cv_json_add_str(e, "persona", o->persona);
	cv_json_add_str(e, "policy_mode", o->mode);
	cv_json_add_str(e, "business_impact", lookup(impacts, nitems(impacts),
	    cv_json_str_or(d, "action_type", ""), "Decision recorded."));
	json_object_object_add(e, "evidence_generated", json_object_get(
	    json_object_object_get(d, "evidence_refs")));
	dec = cv_json_str_or(d, "decision", "");
	cv_json_add_str(e, "remediation", lookup(remediations,
	    nitems(remediations), dec, "Review decision."));
	return e;
}

/*
 * The evidence metadata of a run (cavra.evidence.metadata.v1, the
 * record the reference stores, plus metadata_kind and the run's labels
 * so the run can be rebuilt from it).  New reference.
 */
static struct json_object *
metadata_new(const struct sb_opts *o, const char *run_id,
    const char *created_at, struct json_object *events,
    const struct sb_counts *c)
{
	struct json_object	*m, *targets, *ret;
	size_t			 i;

	m = json_object_new_object();
	cv_json_add_str(m, "schema_version", "cavra.evidence.metadata.v1");
	cv_json_add_str(m, "product", CV_PRODUCT);
	cv_json_add_str(m, "session_id", run_id);
	cv_json_add_str(m, "created_at", created_at);
	cv_json_add_str(m, "signer", SB_SIGNER);
	cv_json_add_str(m, "metadata_kind", SB_KIND);
	cv_json_add_str(m, "repository", SB_REPOSITORY);
	cv_json_add_str(m, "scenario", o->scenario);
	cv_json_add_str(m, "persona", o->persona);
	cv_json_add_str(m, "policy_mode", o->mode);
	cv_json_add_str(m, "policy_pack", o->pack);
	cv_json_add_int(m, "decision_count", c->total);
	cv_json_add_int(m, "blocked_count", c->blocked);
	cv_json_add_int(m, "approval_required_count", c->approval);
	json_object_object_add(m, "decisions", json_object_get(events));
	targets = json_object_new_array();
	for (i = 0; i < json_object_array_length(events); i++)
		json_object_array_add(targets, json_object_get(
		    json_object_object_get(json_object_array_get_idx(events,
		    i), "target")));
	json_object_object_add(m, "attestation_targets", targets);
	cv_json_add_int(m, "artifact_count", 3);
	ret = json_object_new_object();
	cv_json_add_int(ret, "retention_days", SB_RETENTION_DAYS);
	json_object_object_add(m, "retention", ret);
	return m;
}

/* {artifact, kind, media_type, download_url}.  New reference. */
static struct json_object *
artifact_new(struct cv_arena *a, const char *run_id, const char *name,
    const char *kind, const char *media, const char *sub)
{
	struct json_object	*o;

	o = json_object_new_object();
	cv_json_add_str(o, "artifact", name);
	cv_json_add_str(o, "kind", kind);
	cv_json_add_str(o, "media_type", media);
	cv_json_add_str(o, "download_url", cv_arena_printf(a,
	    "/api/sandbox/runs/%s/%s", run_id, sub));
	return o;
}

/*
 * The run object (cavra.sandbox.run.v1) of evidence metadata m, as POST
 * /api/sandbox/run answers it.  New reference.
 */
static struct json_object *
run_new(struct cv_arena *a, struct json_object *m)
{
	static const char *const copy[] = { "scenario", "persona",
	    "policy_mode", "policy_pack" };
	static const char *const counts[] = { "decision_count",
	    "blocked_count", "approval_required_count" };
	struct json_object	*r, *arts;
	const char		*id = cv_json_str_or(m, "session_id", "");
	size_t			 i;

	r = json_object_new_object();
	cv_json_add_str(r, "schema_version", "cavra.sandbox.run.v1");
	cv_json_add_str(r, "product", CV_PRODUCT);
	cv_json_add_str(r, "run_id", id);
	for (i = 0; i < nitems(copy); i++)
		json_object_object_add(r, copy[i], json_object_get(
		    json_object_object_get(m, copy[i])));
	cv_json_add_str(r, "tagline", SB_TAGLINE);
	json_object_object_add(r, "created_at", json_object_get(
	    json_object_object_get(m, "created_at")));
	for (i = 0; i < nitems(counts); i++)
		json_object_object_add(r, counts[i], json_object_get(
		    json_object_object_get(m, counts[i])));
	cv_json_add_str(r, "source", "cavra-api");
	arts = json_object_new_array();
	json_object_array_add(arts, artifact_new(a, id, "evidence.json",
	    "evidence", "application/json", "evidence"));
	json_object_array_add(arts, artifact_new(a, id, "pr-attestation.md",
	    "attestation", "text/markdown", "attestation"));
	json_object_array_add(arts, artifact_new(a, id,
	    "compliance-mapping.md", "compliance", "text/markdown",
	    "compliance"));
	json_object_object_add(r, "artifacts", arts);
	json_object_object_add(r, "events", json_object_get(
	    json_object_object_get(m, "decisions")));
	return r;
}

/*
 * Runs the flagship with options o and persists it (activity, then the
 * evidence metadata, so a run that can be read has its decisions).  *out
 * is the run object, a new reference.  400/500/503 problems.
 */
static enum cv_err
run(struct cv_req *req, const struct sb_opts *o, struct json_object **out)
{
	struct json_object	*ds[nitems(steps)] = { NULL };
	struct json_object	*events = NULL, *m = NULL;
	struct cv_db		*db;
	struct cv_store		*st;
	struct sb_counts	 c;
	const char		*run_id;
	char			 created[CV_TS_LEN];
	enum cv_err		 rc;
	size_t			 i;

	*out = NULL;
	run_id = cv_rand_id(req->arena, "run_", RUN_ID_HEX);
	cv_ts_now(created, sizeof(created));
	if ((rc = decide_all(req, run_id, o->pack, ds)) != CV_OK ||
	    (rc = cv_rs_db(req, &cv_store_evidence, &db)) != CV_OK ||
	    (rc = store_activity(req, o, run_id, created, ds,
	    nitems(steps))) != CV_OK)
		goto out;
	count(ds, nitems(steps), &c);
	events = json_object_new_array();
	for (i = 0; i < nitems(steps); i++)
		json_object_array_add(events, event_new(ds[i], i, o,
		    req->arena));
	m = metadata_new(o, run_id, created, events, &c);
	if ((rc = cv_db_write(db, &st)) != CV_OK) {
		rc = cv_rs_store_fail(req, &cv_store_evidence, rc);
		goto out;
	}
	if ((rc = cv_store_put(st, COLL_EVIDENCE, m)) != CV_OK) {
		cv_db_abort(db);
		rc = cv_rs_store_fail(req, &cv_store_evidence, rc);
		goto out;
	}
	if ((rc = cv_db_commit(db)) != CV_OK) {
		rc = cv_rs_store_fail(req, &cv_store_evidence, rc);
		goto out;
	}
	*out = run_new(req->arena, m);
out:
	for (i = 0; i < nitems(steps); i++)
		json_object_put(ds[i]);
	json_object_put(events);
	json_object_put(m);
	return rc;
}

/* POST /api/sandbox/run: runs the flagship (400 for bad options). */
static enum cv_err
h_run(struct cv_req *req, struct cv_resp *resp)
{
	struct sb_opts		 o;
	struct json_object	*r;
	enum cv_err		 rc;

	if ((rc = read_opts(req, req->json, &o)) != CV_OK ||
	    (rc = run(req, &o, &r)) != CV_OK)
		return rc;
	cv_resp_json(resp, 200, r);
	return CV_OK;
}

/*
 * The evidence metadata of the run named by the route's run_id: *m a new
 * reference.  404 "sandbox run not found" when there is none or the
 * record is not a sandbox run's; 500/503 on a store failure.
 */
static enum cv_err
find_run(struct cv_req *req, struct json_object **m)
{
	struct cv_db	*db;
	struct cv_store	*st;
	const char	*id = cv_param(req, "run_id");
	enum cv_err	 rc;

	*m = NULL;
	if ((rc = cv_rs_db(req, &cv_store_evidence, &db)) != CV_OK)
		return rc;
	if ((rc = cv_db_read(db, &st)) != CV_OK)
		return cv_rs_store_fail(req, &cv_store_evidence, rc);
	rc = cv_store_get(st, COLL_EVIDENCE, id, m);
	cv_db_read_end(db, st);
	if (rc == CV_OK && strcmp(cv_json_str_or(*m, "metadata_kind", ""),
	    SB_KIND) != 0) {
		json_object_put(*m);
		*m = NULL;
		rc = CV_ENOENT;
	}
	if (rc == CV_ENOENT)
		return cv_fail(req, CV_ENOENT, "sandbox run not found");
	if (rc != CV_OK)
		return cv_rs_store_fail(req, &cv_store_evidence, rc);
	return CV_OK;
}

/* GET /api/sandbox/runs/{run_id}: the run object. */
static enum cv_err
h_run_get(struct cv_req *req, struct cv_resp *resp)
{
	struct json_object	*m;
	enum cv_err		 rc;

	if ((rc = find_run(req, &m)) != CV_OK)
		return rc;
	cv_resp_json(resp, 200, run_new(req->arena, m));
	json_object_put(m);
	return CV_OK;
}

/* GET /api/sandbox/runs/{run_id}/events: the run's events. */
static enum cv_err
h_events(struct cv_req *req, struct cv_resp *resp)
{
	struct json_object	*m, *ev;
	enum cv_err		 rc;

	if ((rc = find_run(req, &m)) != CV_OK)
		return rc;
	if (cv_json_arr(m, "decisions", &ev) != CV_JGET_OK)
		ev = NULL;
	cv_resp_json(resp, 200, ev != NULL ? json_object_get(ev) :
	    json_object_new_array());
	json_object_put(m);
	return CV_OK;
}

/* Sets text t (malloc'ed; freed here) as the body, of type ctype. */
static void
text_body(struct cv_req *req, struct cv_resp *resp, const char *ctype,
    struct cv_text *t)
{
	char	*b;

	b = cv_arena_strndup(req->arena, t->p != NULL ? t->p : "", t->len);
	cv_resp_bytes(resp, 200, ctype, b, t->len);
	free(t->p);
}

/*
 * GET /api/sandbox/runs/{run_id}/evidence: evidence.json, {"product",
 * "run"} pretty-printed with two-space indent.
 */
static enum cv_err
h_evidence(struct cv_req *req, struct cv_resp *resp)
{
	struct json_object	*m, *o;
	struct cv_text		 t = { NULL, 0, 0 };
	enum cv_err		 rc;

	if ((rc = find_run(req, &m)) != CV_OK)
		return rc;
	o = json_object_new_object();
	cv_json_add_str(o, "product", CV_PRODUCT);
	json_object_object_add(o, "run", run_new(req->arena, m));
	cv_text_str(&t, json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
	    JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	json_object_put(m);
	text_body(req, resp, "application/json", &t);
	return CV_OK;
}

/* Appends the decisions table of the events ev to t. */
static void
decisions_md(struct cv_text *t, struct json_object *ev)
{
	struct json_object	*e;
	size_t			 i;

	cv_text_str(t, "\n\n## Decisions\n\n"
	    "| Event | Action | Target | Decision | Severity | Rule |\n"
	    "|---|---|---|---|---|---|");
	for (i = 0; i < json_object_array_length(ev); i++) {
		e = json_object_array_get_idx(ev, i);
		cv_text_printf(t, "\n| %s | %s | `%s` | %s | %s | `%s` |",
		    cv_json_str_or(e, "event_id", ""),
		    cv_json_str_or(e, "action_type", ""),
		    cv_json_str_or(e, "target", ""),
		    cv_json_str_or(e, "decision", ""),
		    cv_json_str_or(e, "severity", ""),
		    cv_json_str_or(e, "rule_id", ""));
	}
}

/*
 * GET /api/sandbox/runs/{run_id}/attestation: the PR attestation in
 * markdown: the reference's summary, then the run's pack, mode and
 * persona and its decisions with their rules.
 */
static enum cv_err
h_attestation(struct cv_req *req, struct cv_resp *resp)
{
	struct json_object	*m, *ev;
	struct cv_text		 t = { NULL, 0, 0 };
	int64_t			 b = 0, a = 0;
	enum cv_err		 rc;

	if ((rc = find_run(req, &m)) != CV_OK)
		return rc;
	cv_json_int(m, "blocked_count", &b);
	cv_json_int(m, "approval_required_count", &a);
	cv_text_printf(&t, "# CAVRA PR Attestation\n\n%s\n\nRun: %s\n"
	    "Blocked actions: %lld\nApproval-required actions: %lld\n\n"
	    "This PR is allowed only with CAVRA evidence and reviewer "
	    "guidance.\n\nPolicy pack: `%s`\nPolicy mode: %s\nPersona: %s",
	    SB_TAGLINE, cv_json_str_or(m, "session_id", ""), (long long)b,
	    (long long)a, cv_json_str_or(m, "policy_pack", ""),
	    cv_json_str_or(m, "policy_mode", ""),
	    cv_json_str_or(m, "persona", ""));
	if (cv_json_arr(m, "decisions", &ev) == CV_JGET_OK)
		decisions_md(&t, ev);
	json_object_put(m);
	text_body(req, resp, "text/markdown; charset=utf-8", &t);
	return CV_OK;
}

/*
 * Appends the compliance section of pack id (cv_policy_compliance()) to
 * t: its labels and its framework controls with the rules that cover
 * them, marking the rules this run's events ev hit.  Nothing when the
 * pack declares none.
 */
static enum cv_err
pack_compliance_md(struct cv_text *t, const char *id, struct json_object *ev)
{
	struct json_object	*all, *p = NULL, *maps, *ctl, *c, *rules;
	const char		*rule;
	enum cv_err		 rc;
	size_t			 i, j, k;
	int			 hit;

	if ((rc = cv_policy_compliance(&all)) != CV_OK)
		return rc;
	for (i = 0; i < json_object_array_length(all) && p == NULL; i++)
		if (strcmp(cv_json_str_or(json_object_array_get_idx(all, i),
		    "policy_pack", ""), id) == 0)
			p = json_object_array_get_idx(all, i);
	cv_text_printf(t, "\n\n## Policy pack `%s`", id);
	if (p == NULL) {
		cv_text_str(t, "\n\nThe pack declares no compliance mapping.");
		goto out;
	}
	if (cv_json_arr(p, "maps_to", &maps) == CV_JGET_OK &&
	    json_object_array_length(maps) > 0) {
		cv_text_str(t, "\n\nMaps to:\n");
		for (i = 0; i < json_object_array_length(maps); i++)
			cv_text_printf(t, "\n- %s", json_object_get_string(
			    json_object_array_get_idx(maps, i)));
	}
	if (cv_json_arr(p, "controls", &ctl) != CV_JGET_OK ||
	    json_object_array_length(ctl) == 0)
		goto out;
	cv_text_str(t, "\n\n| Framework | Control | Title | Rules | "
	    "Exercised by this run |\n|---|---|---|---|---|");
	for (i = 0; i < json_object_array_length(ctl); i++) {
		c = json_object_array_get_idx(ctl, i);
		cv_text_printf(t, "\n| %s | %s | %s | ",
		    cv_json_str_or(c, "framework", ""),
		    cv_json_str_or(c, "control_id", ""),
		    cv_json_str_or(c, "title", ""));
		hit = 0;
		if (cv_json_arr(c, "rules", &rules) != CV_JGET_OK)
			rules = NULL;
		for (j = 0; rules != NULL &&
		    j < json_object_array_length(rules); j++) {
			rule = json_object_get_string(
			    json_object_array_get_idx(rules, j));
			cv_text_printf(t, "%s`%s`", j > 0 ? ", " : "", rule);
			for (k = 0; k < json_object_array_length(ev); k++)
				hit |= strcmp(rule, cv_json_str_or(
				    json_object_array_get_idx(ev, k),
				    "rule_id", "")) == 0;
		}
		cv_text_printf(t, " | %s |", hit ? "yes" : "no");
	}
out:
	json_object_put(all);
	return CV_OK;
}

/*
 * GET /api/sandbox/runs/{run_id}/compliance: the compliance mapping in
 * markdown: each control objective the flagship demonstrates, in the
 * reference's words when the run's decision bears it out (else what was
 * decided), the evidence run, the decisions with their rules, and the
 * compliance mapping of the run's pack.  500 when the packs cannot be
 * listed.
 */
static enum cv_err
h_compliance(struct cv_req *req, struct cv_resp *resp)
{
	struct json_object	*m, *ev = NULL, *e;
	struct cv_text		 t = { NULL, 0, 0 };
	const char		*dec;
	enum cv_err		 rc;
	size_t			 i;

	if ((rc = find_run(req, &m)) != CV_OK)
		return rc;
	if (cv_json_arr(m, "decisions", &ev) != CV_JGET_OK)
		ev = json_object_new_array();
	else
		json_object_get(ev);
	cv_text_str(&t, "# CAVRA Compliance Mapping\n");
	for (i = 0; i < nitems(objectives); i++) {
		e = json_object_array_get_idx(ev, objectives[i].evt);
		dec = cv_json_str_or(e, "decision", "none");
		if (strcmp(dec, objectives[i].decision) == 0)
			cv_text_printf(&t, "\n- %s: %s",
			    objectives[i].objective, objectives[i].claim);
		else
			cv_text_printf(&t, "\n- %s: %s `%s` was decided %s "
			    "(rule `%s`).", objectives[i].objective,
			    cv_json_str_or(e, "action_type", ""),
			    cv_json_str_or(e, "target", ""), dec,
			    cv_json_str_or(e, "rule_id", ""));
	}
	cv_text_printf(&t, "\n- Evidence run: `%s`.",
	    cv_json_str_or(m, "session_id", ""));
	decisions_md(&t, ev);
	rc = pack_compliance_md(&t, cv_json_str_or(m, "policy_pack", ""), ev);
	json_object_put(ev);
	json_object_put(m);
	if (rc != CV_OK) {
		free(t.p);
		return cv_fail(req, rc, "cannot list the policy packs' "
		    "compliance mappings");
	}
	text_body(req, resp, "text/markdown; charset=utf-8", &t);
	return CV_OK;
}

/*
 * GET /api/sandbox/metrics: totals over the stored sandbox sessions
 * (repository and agent of the flagship).  No tracking, no telemetry.
 */
static enum cv_err
h_metrics(struct cv_req *req, struct cv_resp *resp)
{
	const struct cv_filter f[] = { { "repository", SB_REPOSITORY },
	    { "agent_id", SB_AGENT } };
	struct json_object	*items = NULL, *o, *s;
	struct cv_db		*db;
	struct cv_store		*st;
	const char		*latest = NULL, *u;
	char			 now[CV_TS_LEN];
	int64_t			 d = 0, b = 0, a = 0, v;
	size_t			 i, n;
	enum cv_err		 rc;

	if ((rc = cv_rs_db(req, &cv_store_activity, &db)) != CV_OK)
		return rc;
	if ((rc = cv_db_read(db, &st)) != CV_OK)
		return cv_rs_store_fail(req, &cv_store_activity, rc);
	rc = cv_store_list(st, CV_COLL_SESSIONS, f, nitems(f), SIZE_MAX, 0,
	    &items, NULL);
	cv_db_read_end(db, st);
	if (rc != CV_OK)
		return cv_rs_store_fail(req, &cv_store_activity, rc);
	n = json_object_array_length(items);
	for (i = 0; i < n; i++) {
		s = json_object_array_get_idx(items, i);
		if (cv_json_int(s, "decision_count", &v) == CV_JGET_OK)
			d += v;
		if (cv_json_int(s, "blocked_count", &v) == CV_JGET_OK)
			b += v;
		if (cv_json_int(s, "approval_required_count", &v) ==
		    CV_JGET_OK)
			a += v;
		if ((u = cv_json_str_or(s, "updated_at", NULL)) != NULL &&
		    (latest == NULL || strcmp(u, latest) > 0))
			latest = u;
	}
	cv_ts_now(now, sizeof(now));
	o = json_object_new_object();
	cv_json_add_str(o, "schema_version", "cavra.sandbox.metrics.v1");
	cv_json_add_str(o, "product", CV_PRODUCT);
	cv_json_add_str(o, "source", "activity_store");
	cv_json_add_str(o, "tracking", "none");
	cv_json_add_str(o, "telemetry", "disabled");
	cv_json_add_str(o, "scenario", SCENARIO);
	cv_json_add_str(o, "repository", SB_REPOSITORY);
	cv_json_add_int(o, "total_runs", (int64_t)n);
	cv_json_add_int(o, "total_decisions", d);
	cv_json_add_int(o, "blocked_actions", b);
	cv_json_add_int(o, "approval_required_actions", a);
	cv_json_add_str(o, "latest_run_at", latest);
	cv_json_add_str(o, "generated_at", now);
	json_object_put(items);
	cv_resp_json(resp, 200, o);
	return CV_OK;
}

/*
 * POST /api/sandbox/runs/{run_id}/replay: a new run with the scenario,
 * persona, mode and pack of the stored one.  404 unknown run; 400 when
 * its pack no longer loads.
 */
static enum cv_err
h_replay(struct cv_req *req, struct cv_resp *resp)
{
	struct json_object	*m, *r;
	struct sb_opts		 o;
	enum cv_err		 rc;

	if ((rc = find_run(req, &m)) != CV_OK)
		return rc;
	o.scenario = cv_arena_strdup(req->arena, cv_json_str_or(m, "scenario",
	    SCENARIO));
	o.persona = cv_arena_strdup(req->arena, cv_json_str_or(m, "persona",
	    "Developer"));
	o.mode = cv_arena_strdup(req->arena, cv_json_str_or(m, "policy_mode",
	    "enforce"));
	o.pack = cv_arena_strdup(req->arena, cv_json_str_or(m, "policy_pack",
	    CV_POLICY_DEFAULT));
	json_object_put(m);
	if ((rc = run(req, &o, &r)) != CV_OK)
		return rc;
	cv_resp_json(resp, 200, r);
	return CV_OK;
}

#define S_RUN	"{\"type\":\"object\",\"required\":[\"schema_version\"," \
	"\"run_id\",\"scenario\",\"persona\",\"policy_mode\",\"policy_pack\"," \
	"\"decision_count\",\"blocked_count\",\"approval_required_count\"," \
	"\"artifacts\",\"events\"],\"properties\":{\"run_id\":{\"type\":" \
	"\"string\"},\"decision_count\":{\"type\":\"integer\"},\"events\":" \
	"{\"type\":\"array\",\"items\":{\"type\":\"object\"}},\"artifacts\":" \
	"{\"type\":\"array\",\"items\":{\"type\":\"object\",\"required\":" \
	"[\"artifact\",\"kind\",\"media_type\",\"download_url\"]}}}}"

/* A download (text/markdown), not JSON. */
#define S_MARKDOWN	"{\"type\":\"string\"}"

static const struct cv_route routes[] = {
	{ CV_GET, "/api/sandbox/scenarios", h_scenarios, 0,
	    "List the runnable sandbox scenarios", NULL, NULL,
	    "{\"type\":\"array\",\"items\":{\"type\":\"object\",\"required\":"
	    "[\"id\",\"title\",\"default_policy_pack\",\"personas\","
	    "\"policy_modes\"]}}" },
	{ CV_POST, "/api/sandbox/run", h_run, CV_BODY_JSON | CV_BODY_OPT,
	    "Run the flagship scenario through the policy engine and persist "
	    "it", NULL, NULL, S_RUN, CV_RIGHT_OPERATE },
	{ CV_GET, "/api/sandbox/runs/{run_id}", h_run_get, 0,
	    "Fetch a sandbox run", NULL, NULL, S_RUN },
	{ CV_GET, "/api/sandbox/runs/{run_id}/events", h_events, 0,
	    "The decision events of a sandbox run", NULL, NULL,
	    "{\"type\":\"array\",\"items\":{\"type\":\"object\",\"required\":"
	    "[\"event_id\",\"decision_id\",\"rule_id\",\"decision\"]}}" },
	{ CV_GET, "/api/sandbox/runs/{run_id}/evidence", h_evidence, 0,
	    "Download the evidence JSON of a sandbox run", NULL, NULL,
	    "{\"type\":\"object\",\"required\":[\"product\",\"run\"]}" },
	{ CV_GET, "/api/sandbox/runs/{run_id}/attestation", h_attestation, 0,
	    "Download the PR attestation (markdown) of a sandbox run", NULL,
	    NULL, S_MARKDOWN },
	{ CV_GET, "/api/sandbox/runs/{run_id}/compliance", h_compliance, 0,
	    "Download the compliance mapping (markdown) of a sandbox run",
	    NULL, NULL, S_MARKDOWN },
	{ CV_GET, "/api/sandbox/metrics", h_metrics, 0,
	    "Totals over the stored sandbox runs", NULL, NULL,
	    "{\"type\":\"object\",\"required\":[\"total_runs\","
	    "\"total_decisions\",\"blocked_actions\","
	    "\"approval_required_actions\"]}" },
	{ CV_POST, "/api/sandbox/runs/{run_id}/replay", h_replay, 0,
	    "Run a stored sandbox run again as a new run", NULL, NULL, S_RUN,
	    CV_RIGHT_OPERATE },
};

/* At start: the default pack must load. */
static enum cv_err
init(void)
{
	return cv_policy_check_default("cavra-sandbox");
}

static const struct cv_store_def *const stores[] = { &cv_store_activity,
    &cv_store_evidence, NULL };

CV_RESPONDER(
	.name = "cavra-sandbox",
	.stores = stores,
	.init = init);
