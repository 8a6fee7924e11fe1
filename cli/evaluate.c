/*
 * cavra evaluate: one decision from the command line, by the engine in
 * this process or by POST /decisions of a running API (cli_post()).
 * Prints the decision record; the exit status tells the outcome (cli.h).
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cavra.h"
#include "cv_policy.h"
#include "cli.h"

/* What the command line asks. */
struct ev_args {
	struct cv_action	 act;
	const char		*pack;
	const char		*session_id;
	const char		*agent_id;
	const char		*actor;
	const char		*repository;
	const char		*url;		/* NULL: in this process */
};

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: cavra evaluate [-r] [-u url] [-p pack] [-d policy-dir]\n"
	    "           [--session-id id] [--agent-id id] [--actor name]\n"
	    "           [--repository name] [--operation op] [--server name]\n"
	    "           [--tool name] [--capability name]\n"
	    "           action-type [target]\n"
	    "\n"
	    "Decides one action (read_file, write_file, execute_command,\n"
	    "git_operation, mcp_tool_call) and prints the decision record.\n"
	    "Exit status: 0 allow, 1 block, 2 require_approval, 3 usage,\n"
	    "4 error, 5 API unreachable.\n"
	    "\n"
	    "  -r, --remote          ask POST /decisions at $" CLI_URL_ENV
	    " (default\n"
	    "                        " CLI_URL_DEFAULT ")\n"
	    "  -u, --url URL         ask POST /decisions at URL\n"
	    "  -p, --policy-pack ID  the pack (default " CV_POLICY_DEFAULT
	    ")\n"
	    "  -d, --policy-dir DIR  the writable policy root (in process)\n"
	    "  -h, --help            this text\n");
}

/*
 * The record the API would store for verdict v (cv_decision_new()) with
 * the ids of args, fresh ids and the time now.  New reference.
 */
static struct json_object *
record_new(const struct ev_args *args, const struct cv_verdict *v,
    struct cv_arena *ar)
{
	struct cv_decision_ids	 ids;
	struct json_object	*repo, *d;
	char			 ts[CV_TS_LEN];

	cv_ts_now(ts, sizeof(ts));
	repo = json_object_new_string(args->repository != NULL &&
	    *args->repository != '\0' ? args->repository : "local");
	memset(&ids, 0, sizeof(ids));
	ids.decision_id = cv_rand_id(ar, "dec_", CV_ID_HEX);
	ids.session_id = args->session_id != NULL ? args->session_id :
	    "local";
	ids.agent_id = args->agent_id != NULL ? args->agent_id :
	    "unknown-agent";
	ids.actor = args->actor != NULL ? args->actor : "ai-agent";
	ids.repository = repo;
	ids.policy_pack = args->pack != NULL && *args->pack != '\0' ?
	    args->pack : CV_POLICY_DEFAULT;
	ids.timestamp = ts;
	ids.correlation_id = cv_rand_id(ar, "corr_", CV_ID_HEX);
	d = cv_decision_new(v, &ids);
	json_object_put(repo);
	return d;
}

/* Decides in this process and prints the record.  Returns the exit
 * status. */
static int
local_eval(const struct ev_args *args)
{
	struct cv_arena		 ar;
	struct cv_verdict	 v;
	struct json_object	*d;
	char			 err[512];
	int			 rc;

	cv_arena_init(&ar);
	memset(&v, 0, sizeof(v));
	if (cli_decide(args->pack, &args->act, &ar, &v, err, sizeof(err)) !=
	    CV_OK) {
		cli_warnx("%s", err);
		rc = CLI_EXIT_ERROR;
		goto out;
	}
	d = record_new(args, &v, &ar);
	printf("%s\n", json_object_to_json_string_ext(d,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(d);
	rc = cli_exit_of(v.decision);
out:
	cv_arena_free(&ar);
	cv_policy_cache_clear();
	return rc;
}

/*
 * Asks POST <base>/decisions, prints the answered record and returns the
 * exit status: that of its decision; CLI_EXIT_UNREACHABLE when the API
 * cannot be reached; CLI_EXIT_ERROR for an HTTP error (its detail on
 * stderr) or an answer that is not a decision record.
 */
static int
remote_eval(const struct ev_args *args)
{
	struct cli_answer	 a;
	struct json_object	*req;
	const char		*dec, *detail;
	int			 rc;

	req = cli_decision_body(&(const struct cli_asker){ args->pack,
	    args->session_id, args->agent_id, args->actor, args->repository },
	    &args->act);
	rc = cli_post(args->url, "/decisions", json_object_to_json_string_ext(
	    req, JSON_C_TO_STRING_PLAIN), CV_CLI_TIMEOUT_S * 1000L, &a);
	json_object_put(req);
	if (rc != 0) {
		cli_warnx("%s", a.err);
		goto out;
	}
	rc = CLI_EXIT_ERROR;
	if (a.status != 200) {
		detail = a.json != NULL ? cv_json_str_or(a.json, "detail",
		    NULL) : NULL;
		cli_warnx("%s: HTTP %ld%s%s", a.url, a.status, detail != NULL ?
		    ": " : "", detail != NULL ? detail : "");
		goto out;
	}
	if (a.json == NULL || cv_json_str(a.json, "decision", &dec) !=
	    CV_JGET_OK || cli_exit_of(dec) < 0) {
		cli_warnx("%s: the answer is not a decision record", a.url);
		goto out;
	}
	printf("%.*s\n", (int)a.body.len, a.body.p);
	rc = cli_exit_of(dec);
out:
	cli_answer_free(&a);
	return rc;
}

int
cli_evaluate(int argc, char *argv[])
{
	static const struct option	 opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "remote", no_argument, NULL, 'r' },
		{ "url", required_argument, NULL, 'u' },
		{ "policy-pack", required_argument, NULL, 'p' },
		{ "policy-dir", required_argument, NULL, 'd' },
		{ "session-id", required_argument, NULL, 'S' },
		{ "agent-id", required_argument, NULL, 'A' },
		{ "actor", required_argument, NULL, 'a' },
		{ "repository", required_argument, NULL, 'R' },
		{ "operation", required_argument, NULL, 'o' },
		{ "server", required_argument, NULL, 's' },
		{ "tool", required_argument, NULL, 't' },
		{ "capability", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 }
	};
	struct ev_args			 args;
	const char			*policy_dir = NULL;
	int				 ch, remote = 0;

	memset(&args, 0, sizeof(args));
	optind = 1;
	while ((ch = getopt_long(argc, argv, "hru:p:d:", opts, NULL)) != -1)
		switch (ch) {
		case 'h':
			usage(stdout);
			return 0;
		case 'r':
			remote = 1;
			break;
		case 'u':
			args.url = optarg;
			break;
		case 'p':
			args.pack = optarg;
			break;
		case 'd':
			policy_dir = optarg;
			break;
		case 'S':
			args.session_id = optarg;
			break;
		case 'A':
			args.agent_id = optarg;
			break;
		case 'a':
			args.actor = optarg;
			break;
		case 'R':
			args.repository = optarg;
			break;
		case 'o':
			args.act.operation = optarg;
			break;
		case 's':
			args.act.server = optarg;
			break;
		case 't':
			args.act.tool = optarg;
			break;
		case 'c':
			args.act.capability = optarg;
			break;
		default:
			usage(stderr);
			return CLI_EXIT_USAGE;
		}
	argc -= optind;
	argv += optind;
	if (argc < 1 || argc > 2) {
		cli_warnx(argc < 1 ? "evaluate: no action type" :
		    "evaluate: too many arguments");
		usage(stderr);
		return CLI_EXIT_USAGE;
	}
	if (!cli_action_type_ok(argv[0]))
		return CLI_EXIT_USAGE;
	args.act.action_type = argv[0];
	args.act.target = argc == 2 ? argv[1] : NULL;
	if (args.act.target == NULL &&
	    strcmp(args.act.action_type, "git_operation") != 0 &&
	    strcmp(args.act.action_type, "mcp_tool_call") != 0) {
		cli_warnx("evaluate: %s needs a target", args.act.action_type);
		return CLI_EXIT_USAGE;
	}
	if (remote && args.url == NULL &&
	    (args.url = cv_env(CLI_URL_ENV)) == NULL)
		args.url = CLI_URL_DEFAULT;
	if (args.url != NULL) {
		if (policy_dir != NULL) {
			cli_warnx("evaluate: --policy-dir is for decisions in "
			    "this process, not with --url or --remote");
			return CLI_EXIT_USAGE;
		}
		return remote_eval(&args);
	}
	if (policy_dir != NULL && setenv("CAVRA_POLICY_DIR", policy_dir, 1)
	    == -1) {
		cli_warnx("evaluate: cannot set CAVRA_POLICY_DIR");
		return CLI_EXIT_ERROR;
	}
	return local_eval(&args);
}
