/*
 * The cavra command (cavra(1)): one function per subcommand and what
 * they share.  A subcommand gets argc/argv from its own name on
 * (argv[0] is "evaluate", "policy", ...), writes its results to stdout
 * and its errors, one line each starting "cavra: ", to stderr, and
 * returns the process's exit status.
 */
#ifndef CLI_H
#define CLI_H

#include <stddef.h>

#include "cv_err.h"
#include "cv_util.h"

struct cv_action;
struct cv_arena;
struct json_object;
struct cv_verdict;

/* Exit statuses (cavra(1) EXIT STATUS). */
#define CLI_EXIT_ALLOW		0	/* allow, allow_with_attestation;
					   policy test: every case passed */
#define CLI_EXIT_BLOCK		1	/* block; policy test: a case failed */
#define CLI_EXIT_APPROVAL	2	/* require_approval */
#define CLI_EXIT_USAGE		3	/* bad options or arguments */
#define CLI_EXIT_ERROR		4	/* a pack, fixture or answer that
					   cannot be used; an HTTP error */
#define CLI_EXIT_UNREACHABLE	5	/* the API cannot be reached */

#define CLI_URL_ENV		"CAVRA_URL"
#define CLI_URL_DEFAULT		"http://127.0.0.1:8080"
#define CLI_TOKEN_ENV		"CAVRA_TOKEN"

int		 cli_evaluate(int, char **);
int		 cli_policy(int, char **);
int		 cli_hook(int, char **);
int		 cli_evidence(int, char **);
int		 cli_ops(int, char **);

/* An answer of the API (cli_post()); free with cli_answer_free(). */
struct cli_answer {
	char			*url;		/* what was asked */
	long			 status;	/* HTTP status */
	struct cv_text		 body;		/* as it came */
	struct json_object	*json;		/* the body parsed, or NULL */
	int			 too_big;
	char			 err[512];	/* why it failed */
};

/*
 * POSTs the JSON text body to base (its trailing slashes dropped) +
 * path, with the bearer token of CLI_TOKEN_ENV when set, giving up after
 * timeout_ms.  Returns 0 when an answer came, whatever its status;
 * CLI_EXIT_UNREACHABLE when the API cannot be reached or does not answer
 * in time; CLI_EXIT_ERROR for an answer longer than CV_CLI_ANSWER_MAX.
 * a->err says why, starting with the URL.  *a is filled in any case.
 */
int		 cli_post(const char *base, const char *path,
		    const char *body, long timeout_ms, struct cli_answer *a);
void		 cli_answer_free(struct cli_answer *);

/* Who asks POST /decisions, beside the action: each NULL when not given. */
struct cli_asker {
	const char	*pack;
	const char	*session_id;
	const char	*agent_id;
	const char	*actor;
	const char	*repository;
};
/* The request body of POST /decisions for action a asked by who: the
 * fields given and no member for a NULL one.  New reference. */
struct json_object *cli_decision_body(const struct cli_asker *who,
		    const struct cv_action *a);

/* "cavra: <message>" and a newline on stderr. */
void		 cli_warnx(const char *, ...)
		    __attribute__((format(printf, 1, 2)));
/* The exit status of a decision: CLI_EXIT_ALLOW, _BLOCK or _APPROVAL;
 * -1 for a value the engine does not produce. */
int		 cli_exit_of(const char *decision);
/* 1 when t is one of cv_action_types[]; else 0, and a line on stderr
 * that lists them. */
int		 cli_action_type_ok(const char *);
/*
 * Evaluates action a against pack id (CV_POLICY_DEFAULT when NULL or
 * empty) in this process, as POST /decisions does except for
 * mcp_tool_call, which is judged by the pack's mcp: section
 * (cv_policy_eval_mcp_pack()).  Strings of *v are static, the pack's or
 * in the arena.  CV_ENOENT or CV_EINVAL (cv_policy_get()) with a
 * sentence in errbuf.
 */
enum cv_err	 cli_decide(const char *id, const struct cv_action *a,
		    struct cv_arena *, struct cv_verdict *v, char *errbuf,
		    size_t errlen);

#endif /* !CLI_H */
