/*
 * cavra-seed N: stores N synthetic decisions, and the sessions they
 * belong to, in the activity store the environment names
 * (CAVRA_DATABASE_URL: PostgreSQL; CAVRA_ACTIVITY_DB: SQLite; else the
 * JSON file), as POST /decisions would have left them.  Everything goes
 * through the store API (cv_store_open, then cv_store_begin /
 * cv_store_insert_batch of INSERT_BATCH decisions / cv_store_commit in
 * transactions of BATCH decisions; over PostgreSQL each insert batch is
 * multi-row INSERTs), so what the store keeps besides the rows (counts,
 * statistics) stays right.  The store should be new: a decision id that
 * is already there stops the seed.
 *
 * The shape is that of the store in issue 8: nearly all decisions from
 * one agent (SEED_AGENT; one session in SESSION_OTHER_EVERY belongs to
 * another), in sessions of SESSION_MEAN +- SESSION_SPREAD decisions, each
 * session working in one repository of a dozen.  Actions of every type
 * with varied targets are judged by the default pack, so decision,
 * severity, rule and reason are what the evaluator gives: about 80%
 * allow, the rest block and require_approval.  Ids look like real ones
 * (48 bits that a bijection of the index spreads over the whole space,
 * so the id index takes its inserts everywhere); timestamps are
 * STEP_US apart from 2026-01-01.  Session SEED_SESSION, the third, has
 * exactly SESSION_MEAN decisions, and it is old: its page cannot come
 * from the newest rows of the order index.
 *
 * On stdout, one line for bench/run.sh (read, not parsed blindly: it
 * names the classes' filters):
 *	agent_id=SEED_AGENT session_id=SEED_SESSION session_decisions=K
 * On stderr, the store, the time taken and the mix of decisions.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cavra.h"
#include "cv_policy.h"

#define BATCH			20000	/* decisions per transaction (SQLite,
					   PostgreSQL) */
#define INSERT_BATCH		5000	/* decisions per cv_store_insert_batch() */
#define SESSION_MEAN		3700
#define SESSION_SPREAD		600
#define SESSION_OTHER_EVERY	25	/* one session in 25: another agent */
#define SEED_AGENT		"claude-code"
#define SEED_SESSION_NO		2
#define STEP_US			2500000LL
#define EPOCH_2026		1767225600LL
#define SEED_CACHE_MIB		"256"	/* page cache of the seed's connection */

static const char *const repos[] = {
	"payments/api", "payments/ledger", "web/app", "web/admin",
	"platform/infra", "platform/k8s", "mobile/ios", "mobile/android",
	"data/pipeline", "data/warehouse", "identity/sso", "docs/site",
};

static const char *const others[] = {
	"codex", "cursor", "copilot", "gemini-cli", "q-developer",
};

static const char *const modules[] = {
	"billing", "auth", "api", "models", "utils", "handlers", "jobs",
	"storage", "ui", "config",
};

/*
 * The action mix: per mille weight, action type, and a target pattern
 * where %s is a module name and %u a small number (a branch for git, a
 * server for mcp_tool_call, whose tool is "run").
 */
static const struct act {
	int		 w;
	const char	*type;
	const char	*target;
} acts[] = {
	{ 300, "read_file", "src/%s/file_%u.py" },
	{ 60, "read_file", "tests/%s/test_%u.py" },
	{ 40, "read_file", "docs/%s/notes_%u.md" },
	{ 12, "read_file", ".env" },
	{ 6, "read_file", "config/%s/secrets.%u.yaml" },
	{ 4, "read_file", "deploy/kubeconfig" },
	{ 150, "write_file", "src/%s/file_%u.py" },
	{ 30, "write_file", "tests/%s/test_%u.py" },
	{ 15, "write_file", "iam/%s-role-%u.json" },
	{ 8, "write_file", "security/%s-%u.yaml" },
	{ 6, "write_file", ".github/workflows/ci.yml" },
	{ 6, "write_file", "infra/%s/main.tf" },
	{ 120, "execute_command", "pytest -q tests/%s" },
	{ 50, "execute_command", "npm test -- %s" },
	{ 20, "execute_command", "terraform plan -target=module.%s" },
	{ 40, "execute_command", "make build-%s" },
	{ 20, "execute_command", "go build ./%s/..." },
	{ 8, "execute_command", "terraform apply -auto-approve" },
	{ 5, "execute_command", "kubectl delete pod %s-%u" },
	{ 50, "git_operation", "feature/%s-%u" },
	{ 10, "git_operation", "main" },
	{ 15, "mcp_tool_call", "github" },
	{ 10, "mcp_tool_call", "filesystem" },
	{ 15, "mcp_tool_call", "unknown-server-%u" },
};

/* A bijection of 48-bit numbers: distinct indexes give distinct,
 * random-looking values. */
static uint64_t
mix48(uint64_t x, uint64_t k)
{
	const uint64_t	 m = (1ULL << 48) - 1;

	x = (x * (k | 1)) & m;
	x ^= x >> 23;
	x = (x * 0x5851f42d4c95ULL) & m;
	x ^= x >> 19;
	return x;
}

/* pat with each "%s" replaced by mod and each "%u" by num, into buf. */
static void
expand(char *buf, size_t len, const char *pat, const char *mod,
    unsigned num)
{
	size_t	 o = 0;
	int	 w;

	for (; *pat != '\0' && o + 1 < len; pat++) {
		w = 0;
		if (pat[0] == '%' && pat[1] == 's')
			w = snprintf(buf + o, len - o, "%s", mod);
		else if (pat[0] == '%' && pat[1] == 'u')
			w = snprintf(buf + o, len - o, "%u", num);
		else
			buf[o++] = *pat;
		if (w > 0) {
			o += (size_t)w < len - o ? (size_t)w : len - o - 1;
			pat++;
		}
	}
	buf[o] = '\0';
}

static const struct act *
pick(uint64_t h)
{
	size_t	 i;
	int	 total = 0, r;

	for (i = 0; i < nitems(acts); i++)
		total += acts[i].w;
	r = (int)(h % (uint64_t)total);
	for (i = 0; i < nitems(acts); i++) {
		if (r < acts[i].w)
			return &acts[i];
		r -= acts[i].w;
	}
	return &acts[0];
}

/* Decisions in session k (before N cuts the last one short). */
static long
session_len(long k)
{
	if (k == SEED_SESSION_NO)
		return SESSION_MEAN;
	return SESSION_MEAN - SESSION_SPREAD + (long)(mix48((uint64_t)k,
	    0x2545f4914f6cdd1dULL) % (2 * SESSION_SPREAD + 1));
}

static const char *
session_agent(long k)
{
	if (k % SESSION_OTHER_EVERY != SESSION_OTHER_EVERY - 1)
		return SEED_AGENT;
	return others[(k / SESSION_OTHER_EVERY) % nitems(others)];
}

/*
 * Decision i of session k (sid), judged by pack pk, as POST /decisions
 * stores it.  New object; ts receives its timestamp.
 */
static struct json_object *
decision(const struct cv_pack *pk, struct cv_arena *ar, long i, long k,
    const char *sid, char *ts, size_t tslen)
{
	const struct act	*a;
	struct cv_action	 act;
	struct cv_verdict	 v;
	struct cv_decision_ids	 ids;
	struct json_object	*d;
	struct timespec		 tv;
	char			 id[32], corr[32], target[128];
	uint64_t		 h;
	long long		 us;

	h = mix48((uint64_t)i + 1, 0x9e3779b97f4a7c15ULL);
	a = pick(h >> 8);
	expand(target, sizeof(target), a->target,
	    modules[(h >> 20) % nitems(modules)], (unsigned)(h >> 32) % 40);
	memset(&act, 0, sizeof(act));
	act.action_type = a->type;
	act.target = target;
	act.operation = "push";
	if (strcmp(a->type, "mcp_tool_call") == 0) {
		act.server = target;
		act.tool = "run";
		cv_policy_eval_mcp_pack(pk, &act, ar, &v);
	} else if (cv_policy_eval(pk, &act, ar, &v) != CV_OK)
		return NULL;

	snprintf(id, sizeof(id), "dec_%012llx", (unsigned long long)h);
	snprintf(corr, sizeof(corr), "corr_%012llx", (unsigned long long)
	    mix48((uint64_t)i + 1, 0xd1342543de82ef95ULL));
	us = EPOCH_2026 * 1000000LL + i * STEP_US + (long long)(h % STEP_US);
	tv.tv_sec = (time_t)(us / 1000000);
	tv.tv_nsec = (long)(us % 1000000) * 1000;
	cv_ts_format(ts, tslen, &tv);
	ids.decision_id = id;
	ids.session_id = sid;
	ids.agent_id = session_agent(k);
	ids.actor = "ai-agent";
	ids.repository = json_object_new_string(repos[mix48((uint64_t)k, 7) %
	    nitems(repos)]);
	ids.policy_pack = CV_POLICY_DEFAULT;
	ids.timestamp = ts;
	ids.correlation_id = corr;
	d = cv_decision_new(&v, &ids);
	json_object_put(ids.repository);
	return d;
}

/* What a session record needs from its decisions so far. */
struct sess {
	char			 sid[40];
	char			 started[CV_TS_LEN], updated[CV_TS_LEN];
	int64_t			 n, blocked, approval;
	struct json_object	*last;		/* latest decision */
	struct json_object	*refs;		/* last CV_SESSION_REFS_MAX */
};

/* Counts decision d (stored, timestamp ts) into session s. */
static void
sess_add(struct sess *s, struct json_object *d, const char *ts)
{
	const char	*dec = cv_json_str_or(d, "decision", "");
	size_t		 len;

	if (s->n++ == 0)
		snprintf(s->started, sizeof(s->started), "%s", ts);
	snprintf(s->updated, sizeof(s->updated), "%s", ts);
	s->blocked += strcmp(dec, "block") == 0;
	s->approval += strcmp(dec, "require_approval") == 0;
	json_object_put(s->last);
	s->last = json_object_get(d);
	json_object_array_add(s->refs, json_object_get(
	    json_object_array_get_idx(json_object_object_get(d,
	    "evidence_refs"), 0)));
	len = json_object_array_length(s->refs);
	if (len > CV_SESSION_REFS_MAX)
		json_object_array_del_idx(s->refs, 0, len - CV_SESSION_REFS_MAX);
}

/*
 * The session record of s, as cavra-activity's refresh leaves it after
 * the session's last decision.  New object.
 */
static struct json_object *
sess_record(const struct sess *s)
{
	static const char *const ident[] = { "agent_id", "actor",
	    "repository", "policy_pack", NULL };
	struct json_object	*o;
	const char *const	*k;

	o = json_object_new_object();
	cv_json_add_str(o, "schema_version", "cavra.session.v1");
	cv_json_add_str(o, "session_id", s->sid);
	for (k = ident; *k != NULL; k++)
		json_object_object_add(o, *k, json_object_get(
		    json_object_object_get(s->last, *k)));
	cv_json_add_str(o, "state", "active");
	cv_json_add_str(o, "started_at", s->started);
	cv_json_add_str(o, "updated_at", s->updated);
	cv_json_add_int(o, "decision_count", s->n);
	cv_json_add_int(o, "blocked_count", s->blocked);
	cv_json_add_int(o, "approval_required_count", s->approval);
	json_object_object_add(o, "evidence_refs", json_object_get(s->refs));
	return o;
}

/* Frees what s holds and starts session number k afresh. */
static void
sess_reset(struct sess *s, long k)
{
	json_object_put(s->last);
	json_object_put(s->refs);
	memset(s, 0, sizeof(*s));
	snprintf(s->sid, sizeof(s->sid), "seed-session-%06ld", k);
	s->refs = json_object_new_array();
}

/*
 * Stores the *np decisions of ds (decision numbers from first) with one
 * cv_store_insert_batch() and drops them; *np becomes 0.  0, or -1 (said
 * on stderr) when one is not stored.
 */
static int
flush(struct cv_store *st, struct json_object **ds, size_t *np,
    int *conflict, long first)
{
	size_t	 i;
	int	 rc = 0;

	if (*np > 0 && cv_store_insert_batch(st, CV_COLL_DECISIONS, ds, *np,
	    conflict) != CV_OK) {
		fprintf(stderr, "cavra-seed: cannot store decisions %ld-%ld\n",
		    first, first + (long)*np - 1);
		rc = -1;
	}
	for (i = 0; i < *np; i++) {
		if (rc == 0 && conflict[i]) {
			fprintf(stderr, "cavra-seed: decision %ld is stored "
			    "already (is the store new?)\n", first + (long)i);
			rc = -1;
		}
		json_object_put(ds[i]);
	}
	*np = 0;
	return rc;
}

static double
now_s(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	const struct cv_pack	*pk;
	struct cv_store		*st = NULL;
	struct json_object	*d, *o, *ds[INSERT_BATCH];
	struct cv_arena		 ar;
	struct sess		 s;
	const char		*kind, *path, *by;
	char			*end, ts[CV_TS_LEN], err[512];
	long			 n, i, k, left, batch, target_len = 0;
	long			 nallow = 0, nblock = 0, nappr = 0;
	size_t			 np = 0;
	double			 t0, t1;
	int			 rc = 1, intx = 0, conflict[INSERT_BATCH];

	if (argc != 2 || (n = strtol(argv[1], &end, 10)) < 0 || *end != '\0') {
		fprintf(stderr, "usage: cavra-seed N\n");
		return 2;
	}
	if (cv_policy_get(CV_POLICY_DEFAULT, &pk, err, sizeof(err)) != CV_OK) {
		fprintf(stderr, "cavra-seed: %s (policy root %s)\n", err,
		    cv_policy_root());
		return 1;
	}
	/* The seed's own connection: a page cache large enough for the
	 * id index, whatever the responders are given. */
	setenv("CAVRA_SQLITE_CACHE_MIB", SEED_CACHE_MIB, 1);
	cv_store_locate(&cv_store_activity, &kind, &path, &by);
	if (cv_store_open(&cv_store_activity, &st) != CV_OK)
		return 1;
	/* The JSON file is rewritten whole at each commit: one commit. */
	batch = strcmp(kind, "json") != 0 ? BATCH : (n > 0 ? n : 1);
	cv_arena_init(&ar);
	memset(&s, 0, sizeof(s));
	sess_reset(&s, 0);
	k = 0;
	left = session_len(0);
	t0 = now_s();
	for (i = 0; i < n; i++) {
		if (!intx) {
			if (cv_store_begin(st) != CV_OK)
				goto out;
			intx = 1;
		}
		cv_arena_reset(&ar);
		if ((d = decision(pk, &ar, i, k, s.sid, ts, sizeof(ts))) ==
		    NULL) {
			fprintf(stderr, "cavra-seed: cannot evaluate decision "
			    "%ld\n", i);
			goto out;
		}
		sess_add(&s, d, ts);
		nallow += strcmp(cv_json_str_or(d, "decision", ""), "allow") ==
		    0;
		nblock += strcmp(cv_json_str_or(d, "decision", ""), "block") ==
		    0;
		nappr += strcmp(cv_json_str_or(d, "decision", ""),
		    "require_approval") == 0;
		ds[np++] = d;
		if ((np == INSERT_BATCH || (i + 1) % batch == 0 ||
		    i == n - 1) && flush(st, ds, &np, conflict,
		    i + 1 - (long)np) == -1)
			goto out;
		if (--left == 0 || i == n - 1) {
			if (k == SEED_SESSION_NO)
				target_len = s.n;
			o = sess_record(&s);
			if (cv_store_put(st, CV_COLL_SESSIONS, o) != CV_OK) {
				json_object_put(o);
				goto out;
			}
			json_object_put(o);
			sess_reset(&s, ++k);
			left = session_len(k);
		}
		if ((i + 1) % batch == 0 || i == n - 1) {
			intx = 0;
			if (cv_store_commit(st) != CV_OK)
				goto out;
		}
	}
	t1 = now_s();
	fprintf(stderr, "cavra-seed: %ld decisions in %ld sessions into %s "
	    "(%s) in %.1f s (%.0f/s): allow %ld, block %ld, "
	    "require_approval %ld\n", n, k, path, kind, t1 - t0,
	    t1 > t0 ? n / (t1 - t0) : 0.0, nallow, nblock, nappr);
	printf("agent_id=%s session_id=seed-session-%06d "
	    "session_decisions=%ld\n", SEED_AGENT, SEED_SESSION_NO, target_len);
	rc = 0;
out:
	while (np > 0)
		json_object_put(ds[--np]);
	if (intx)
		cv_store_rollback(st);
	cv_store_close(st);
	sess_reset(&s, 0);
	json_object_put(s.refs);
	cv_arena_free(&ar);
	cv_policy_cache_clear();
	return rc;
}
