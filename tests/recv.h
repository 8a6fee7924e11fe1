/*
 * Loopback HTTP receivers (tests/http-recv) for unit tests: started per
 * test in the test's temporary directory, stopped by its teardown.
 */
#ifndef RECV_H
#define RECV_H

#include <sys/types.h>

#define RECV_MAX	4	/* receivers one test may start */

struct recv {
	pid_t	 pid;
	int	 port;
	char	 log[1200];
};

struct recv_set {
	struct recv	 rx[RECV_MAX];
	int		 n;
};

/* Starts BUILDDIR/tests/http-recv with its port file and log in dir and
 * the extra arguments of args (NULL-terminated, at most 6), and waits
 * for its port; fails the test when it has none in 10 s.  The receiver
 * belongs to set. */
struct recv	*recv_run(struct recv_set *set, const char *dir,
		    const char *const *args);
/* Stops every receiver of set. */
void		 recv_stop_all(struct recv_set *set);
/* A loopback port nothing listens on (bound, then closed). */
int		 recv_dead_port(void);
/* CLOCK_MONOTONIC in seconds. */
double		 recv_now(void);

#endif /* !RECV_H */
