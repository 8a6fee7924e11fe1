/*
 * cavra-seed N: stores N synthetic decisions (and their sessions, 100
 * decisions each) in the activity store chosen by the environment, as
 * the responders would find it, in transactions of 1000.  Used by
 * bench/run.sh (SEED=N) to measure list queries over a large store.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cavra.h"

#define BATCH		1000
#define PER_SESSION	100

static const char *const actions[][3] = {
	{ "read_file", "src/app.py", "allow" },
	{ "write_file", "iam/role.json", "require_approval" },
	{ "execute_command", "terraform apply -auto-approve", "block" },
	{ "execute_command", "pytest -q", "allow" },
	{ "git_operation", "origin/main", "block" },
};

/* One decision record like POST /decisions stores. */
static struct json_object *
decision(long i)
{
	struct json_object	*d;
	const char *const	*a = actions[i % 5];
	char			 id[32], sid[32], ts[40], ref[96];

	snprintf(id, sizeof(id), "dec_seed%08lx", i);
	snprintf(sid, sizeof(sid), "seed-session-%ld", i / PER_SESSION);
	snprintf(ts, sizeof(ts), "2025-%02ld-%02ldT%02ld:%02ld:%02ld.%06ld+00:00",
	    1 + i / 2678400 % 12, 1 + i / 86400 % 28, i / 3600 % 24,
	    i / 60 % 60, i % 60, i % 1000000);
	snprintf(ref, sizeof(ref), "evidence://%s/%s", sid, id);
	d = json_object_new_object();
	cv_json_add_str(d, "schema_version", "cavra.decision.v1");
	cv_json_add_str(d, "decision_id", id);
	cv_json_add_str(d, "session_id", sid);
	cv_json_add_str(d, "agent_id", i % 3 ? "codex" : "claude-code");
	cv_json_add_str(d, "actor", "ai-agent");
	cv_json_add_str(d, "repository", i % 2 ? "payments/api" : "web/app");
	cv_json_add_str(d, "action_type", a[0]);
	cv_json_add_str(d, "target", a[1]);
	cv_json_add_str(d, "requested_operation", a[1]);
	cv_json_add_str(d, "policy_pack", "cavra-ai-agent-baseline");
	cv_json_add_str(d, "policy_id", "cavra-ai-agent-baseline");
	cv_json_add_str(d, "rule_id", "seed.rule");
	cv_json_add_str(d, "decision", a[2]);
	cv_json_add_str(d, "severity", "low");
	cv_json_add_str(d, "reason", "seeded for the benchmark");
	cv_json_add_strv(d, "evidence_refs", (const char *const[]){ ref,
	    NULL });
	cv_json_add_str(d, "approver_group", NULL);
	cv_json_add_str(d, "timestamp", ts);
	cv_json_add_str(d, "correlation_id", "corr_seed");
	return d;
}

int
main(int argc, char **argv)
{
	struct cv_store		*st;
	struct json_object	*d;
	char			*end;
	long			 n, i;

	if (argc != 2 || (n = strtol(argv[1], &end, 10)) < 0 || *end != '\0') {
		fprintf(stderr, "usage: cavra-seed N\n");
		return 2;
	}
	if (cv_store_open(&cv_store_activity, &st) != CV_OK)
		return 1;
	for (i = 0; i < n; i++) {
		if (i % BATCH == 0 && cv_store_begin(st) != CV_OK)
			return 1;
		d = decision(i);
		if (cv_store_put(st, CV_COLL_DECISIONS, d) != CV_OK)
			return 1;
		json_object_put(d);
		if ((i % BATCH == BATCH - 1 || i == n - 1) &&
		    cv_store_commit(st) != CV_OK)
			return 1;
	}
	fprintf(stderr, "cavra-seed: %ld decisions in %s (%s)\n", n,
	    cv_store_path(st), cv_store_kind(st));
	cv_store_close(st);
	return 0;
}
