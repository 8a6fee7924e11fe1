/*
 * evalbench: what one policy decision costs inside the library.
 *
 * Loads a pack once (default cavra-ai-agent-baseline; CAVRA_POLICY_DIR
 * or ./policies as usual), then evaluates a fixed mix of ten actions N
 * times (default 1000000), resetting the arena after each decision as
 * the serve loop does after each request.  Prints nanoseconds per
 * decision, without and with the per-request cache check
 * (cv_policy_get, one stat(2) per source file).
 *
 * usage: evalbench [-n iterations] [-p pack]
 */
#include "config.h"

#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "cv_arena.h"
#include "cv_policy.h"

static const struct cv_action mix[] = {
	{ .action_type = "read_file", .target = ".env" },
	{ .action_type = "read_file", .target = "src/app/main.py" },
	{ .action_type = "read_file", .target = "./config/../certs/server.pem" },
	{ .action_type = "write_file", .target = ".github/workflows/ci.yml" },
	{ .action_type = "write_file", .target = "iam/role.json" },
	{ .action_type = "write_file", .target = "docs/guide/README.md" },
	{ .action_type = "execute_command",
	    .target = "terraform apply -auto-approve" },
	{ .action_type = "execute_command", .target = "  pytest -q tests/ " },
	{ .action_type = "execute_command", .target = "ls -la /tmp" },
	{ .action_type = "git_operation", .target = "origin/main",
	    .operation = "push" },
};
#define NMIX	(sizeof(mix) / sizeof(mix[0]))

static double
now_ns(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

int
main(int argc, char *argv[])
{
	const struct cv_pack	*pk;
	struct cv_arena		 ar;
	struct cv_verdict	 v;
	const char		*pack = CV_POLICY_DEFAULT;
	char			 errbuf[256];
	long			 n = 1000000, i;
	unsigned long		 blocks = 0;
	double			 t0, t1, t2;
	int			 ch;

	while ((ch = getopt(argc, argv, "n:p:")) != -1) {
		switch (ch) {
		case 'n':
			n = strtol(optarg, NULL, 10);
			break;
		case 'p':
			pack = optarg;
			break;
		default:
			fprintf(stderr, "usage: evalbench [-n iterations] "
			    "[-p pack]\n");
			return 2;
		}
	}
	if (n <= 0)
		errx(2, "iterations must be positive");
	if (cv_policy_get(pack, &pk, errbuf, sizeof(errbuf)) != CV_OK)
		errx(1, "%s (policy root %s)", errbuf, cv_policy_root());
	cv_arena_init(&ar);

	t0 = now_ns();
	for (i = 0; i < n; i++) {
		if (cv_policy_eval(pk, &mix[i % NMIX], &ar, &v) != CV_OK)
			errx(1, "evaluation failed");
		blocks += v.decision[0] == 'b';
		cv_arena_reset(&ar);
	}
	t1 = now_ns();
	for (i = 0; i < n; i++) {
		if (cv_policy_get(pack, &pk, errbuf, sizeof(errbuf)) != CV_OK)
			errx(1, "%s", errbuf);
		if (cv_policy_eval(pk, &mix[i % NMIX], &ar, &v) != CV_OK)
			errx(1, "evaluation failed");
		blocks += v.decision[0] == 'b';
		cv_arena_reset(&ar);
	}
	t2 = now_ns();

	printf("pack %s, %zu-action mix, %ld decisions per loop\n", pack,
	    NMIX, n);
	printf("eval only:  %8.1f ns/decision\n", (t1 - t0) / (double)n);
	printf("get + eval: %8.1f ns/decision (cache check: stat(2) of each "
	    "source file)\n", (t2 - t1) / (double)n);
	printf("blocked:    %lu of %ld\n", blocks, 2 * n);
	cv_arena_free(&ar);
	cv_policy_cache_clear();
	return 0;
}
