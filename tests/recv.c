/*
 * Loopback HTTP receivers for unit tests (recv.h).
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <netinet/in.h>

#include <arpa/inet.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "recv.h"

struct recv *
recv_run(struct recv_set *set, const char *dir, const char *const *args)
{
	struct recv	*r;
	char		 portfile[1200], prog[1200];
	const char	*argv[12];
	FILE		*f;
	int		 i, n = 0, status;

	cr_assert_lt(set->n, RECV_MAX);
	r = &set->rx[set->n];
	snprintf(portfile, sizeof(portfile), "%s/port.%d", dir, set->n);
	snprintf(r->log, sizeof(r->log), "%s/recv.%d.log", dir, set->n);
	snprintf(prog, sizeof(prog), "%s/tests/http-recv", BUILDDIR);
	argv[n++] = prog;
	argv[n++] = "-p";
	argv[n++] = portfile;
	argv[n++] = "-l";
	argv[n++] = r->log;
	for (i = 0; args != NULL && args[i] != NULL && n < 11; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	r->pid = fork();
	cr_assert_neq(r->pid, -1);
	if (r->pid == 0) {
		execv(prog, (char *const *)argv);
		_exit(127);
	}
	set->n++;
	for (i = 0; i < 1000; i++) {
		if ((f = fopen(portfile, "r")) != NULL) {
			n = fscanf(f, "%d", &r->port);
			fclose(f);
			if (n == 1)
				return r;
		}
		cr_assert_eq(waitpid(r->pid, &status, WNOHANG), 0,
		    "http-recv exited (%s)", prog);
		usleep(10000);
	}
	cr_assert_fail("http-recv wrote no port in 10 s");
	return NULL;
}

void
recv_stop_all(struct recv_set *set)
{
	int	 i;

	for (i = 0; i < set->n; i++) {
		kill(set->rx[i].pid, SIGTERM);
		waitpid(set->rx[i].pid, NULL, 0);
	}
	set->n = 0;
}

int
recv_dead_port(void)
{
	struct sockaddr_in	 sin;
	socklen_t		 len = sizeof(sin);
	int			 s;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	s = socket(AF_INET, SOCK_STREAM, 0);
	cr_assert_neq(s, -1);
	cr_assert_eq(bind(s, (struct sockaddr *)&sin, sizeof(sin)), 0);
	cr_assert_eq(getsockname(s, (struct sockaddr *)&sin, &len), 0);
	close(s);
	return ntohs(sin.sin_port);
}

double
recv_now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
