/*
 * cavra: the command line of CAVRA (cavra(1)), one command with
 * subcommands.  This file dispatches on the subcommand's name and holds
 * what the subcommands share: error lines, exit statuses and the
 * in-process decision.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cavra.h"
#include "cv_policy.h"
#include "cli.h"

static const struct {
	const char	*name;
	int		 (*run)(int, char **);
	const char	*what;
} commands[] = {
	{ "evaluate", cli_evaluate, "decide one agent action" },
	{ "policy", cli_policy, "test policy packs against fixtures" },
	{ "hook", cli_hook, "the pre-tool-use hook of a coding agent" },
	{ "evidence", cli_evidence, "index an evidence bundle" },
	{ "ops", cli_ops, "back up and restore the stores" },
};

static void
usage(FILE *f)
{
	size_t	 i;

	fprintf(f, "usage: cavra command [argument ...]\n"
	    "       cavra command --help\n\ncommands:\n");
	for (i = 0; i < nitems(commands); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name,
		    commands[i].what);
}

void
cli_warnx(const char *fmt, ...)
{
	va_list	 ap;

	fflush(stdout);
	fputs("cavra: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int
cli_exit_of(const char *decision)
{
	if (decision == NULL)
		return -1;
	if (strcmp(decision, "allow") == 0 ||
	    strcmp(decision, "allow_with_attestation") == 0)
		return CLI_EXIT_ALLOW;
	if (strcmp(decision, "block") == 0)
		return CLI_EXIT_BLOCK;
	if (strcmp(decision, "require_approval") == 0)
		return CLI_EXIT_APPROVAL;
	return -1;
}

int
cli_action_type_ok(const char *t)
{
	const char *const	*p;
	char			 list[256];
	size_t			 n = 0;

	if (t != NULL && cv_action_type_valid(t))
		return 1;
	list[0] = '\0';
	for (p = cv_action_types; *p != NULL && n < sizeof(list); p++)
		n += (size_t)snprintf(list + n, sizeof(list) - n, "%s%s",
		    p == cv_action_types ? "" : ", ", *p);
	cli_warnx("unknown action type \"%s\": expected one of %s",
	    t != NULL ? t : "", list);
	return 0;
}

enum cv_err
cli_decide(const char *id, const struct cv_action *a, struct cv_arena *ar,
    struct cv_verdict *v, char *errbuf, size_t errlen)
{
	const struct cv_pack	*pack;
	struct cv_action	 act = *a;
	enum cv_err		 rc;

	if (id == NULL || *id == '\0')
		id = CV_POLICY_DEFAULT;
	if ((rc = cv_policy_get(id, &pack, errbuf, errlen)) != CV_OK)
		return rc;
	if (act.operation == NULL || *act.operation == '\0')
		act.operation = "push";
	if (strcmp(act.action_type, "mcp_tool_call") == 0) {
		cv_policy_eval_mcp_pack(pack, &act, ar, v);
		return CV_OK;
	}
	if ((rc = cv_policy_eval(pack, &act, ar, v)) != CV_OK)
		snprintf(errbuf, errlen, "cannot evaluate %s",
		    act.action_type);
	return rc;
}

int
main(int argc, char *argv[])
{
	size_t	 i;

	if (argc < 2) {
		usage(stderr);
		return CLI_EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return 0;
	}
	for (i = 0; i < nitems(commands); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	cli_warnx("unknown command \"%s\"", argv[1]);
	usage(stderr);
	return CLI_EXIT_USAGE;
}
