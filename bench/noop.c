/*
 * noop.c: a FastCGI responder that does nothing.
 *
 * It answers every request with "200 OK" and the JSON body "{}", after
 * reading and discarding the request body.  bench/run.sh puts it behind
 * the same nginx as the CAVRA responders, so the difference between the
 * two is what a CAVRA endpoint costs on top of the FastCGI round trip.
 *
 * It handles its socket the way the responders do: with -s it creates a
 * unix socket of mode 0660 and listens on it; without -s the listening
 * socket is expected on fd 0 (spawn-fcgi, systemd socket activation,
 * mod_fcgid).  With -n it preforks that many workers, each looping on
 * FCGX_Accept_r(), and restarts any that die.  SIGTERM or SIGINT stops
 * the workers and exits 0.
 *
 * It depends on libfcgi only.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <fcgiapp.h>

#define NOOP_BACKLOG 1024
#define NOOP_MAXWORKERS 256
#define NOOP_EX_USAGE 64  /* sysexits(3) EX_USAGE */
#define NOOP_EX_CONFIG 78 /* sysexits(3) EX_CONFIG */

static const char reply[] = "Status: 200 OK\r\n"
                            "Content-Type: application/json\r\n"
                            "Content-Length: 2\r\n"
                            "\r\n"
                            "{}";

static volatile sig_atomic_t quit;
static volatile sig_atomic_t reap;

static void usage(void);
static void on_quit(int);
static void on_child(int);
static int parse_workers(const char *, int *);
static int open_socket(const char *);
static void worker(int) __attribute__((noreturn));
static pid_t spawn(int, const sigset_t *);
static void stop_workers(pid_t *, int);

static void
usage(void)
{
	fprintf(stderr, "usage: cavra-noop [-n workers] [-s socket]\n");
	exit(NOOP_EX_USAGE);
}

static void
on_quit(int sig)
{
	(void)sig;
	quit = 1;
}

static void
on_child(int sig)
{
	(void)sig;
	reap = 1;
}

/*
 * Parse a worker count between 1 and NOOP_MAXWORKERS into *out.
 * Returns 0 on success, -1 if the string is not such a number.
 */
static int
parse_workers(const char *s, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < 1 ||
	    v > NOOP_MAXWORKERS)
		return -1;
	*out = (int)v;
	return 0;
}

/*
 * Create a unix socket of mode 0660 at path (replacing a stale one) and
 * listen on it, as FCGX_OpenSocket() does, but report failure instead
 * of exiting.  Returns the descriptor, or -1 with errno set.
 */
static int
open_socket(const char *path)
{
	struct sockaddr_un sun;
	mode_t um;
	int fd, rc, saved;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(sun.sun_path, path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1)
		return -1;
	if (unlink(path) == -1 && errno != ENOENT)
		goto fail;
	um = umask(0117);
	rc = bind(fd, (struct sockaddr *)&sun, sizeof(sun));
	umask(um);
	if (rc == -1 || listen(fd, NOOP_BACKLOG) == -1)
		goto fail;
	return fd;
fail:
	saved = errno;
	close(fd);
	errno = saved;
	return -1;
}

/*
 * The worker loop: accept a request on the listening socket sock, drain
 * its body, write the fixed reply, finish.  A SIGTERM or SIGINT makes
 * FCGX_Accept_r() fail with EINTR (FCGI_FAIL_ACCEPT_ON_INTR), or ends
 * the loop after the request in progress.  Never returns.
 */
static void
worker(int sock)
{
	FCGX_Request req;
	char buf[8192];

	if (FCGX_InitRequest(&req, sock, FCGI_FAIL_ACCEPT_ON_INTR) != 0) {
		fprintf(stderr, "cavra-noop: FCGX_InitRequest failed\n");
		_exit(1);
	}
	while (!quit && FCGX_Accept_r(&req) >= 0) {
		while (FCGX_GetStr(buf, sizeof(buf), req.in) > 0)
			continue;
		FCGX_PutStr(reply, (int)(sizeof(reply) - 1), req.out);
		FCGX_Finish_r(&req);
	}
	FCGX_Free(&req, 1);
	_exit(0);
}

/*
 * Fork one worker on socket sock.  The parent runs with the signals in
 * *mask blocked; the child unblocks them after installing its own
 * handlers.  Returns the child's pid, or -1 if fork(2) failed.
 */
static pid_t
spawn(int sock, const sigset_t *mask)
{
	struct sigaction sa;
	pid_t pid;

	if ((pid = fork()) != 0)
		return pid;

	/* Child: no SA_RESTART, so a signal interrupts accept(2). */
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_quit;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = SIG_DFL;
	sigaction(SIGCHLD, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigprocmask(SIG_UNBLOCK, mask, NULL);
	worker(sock);
}

/*
 * Send SIGTERM to every live worker in pids[0..n-1] and wait for them,
 * for at most five seconds; whatever is left then gets SIGKILL.
 */
static void
stop_workers(pid_t *pids, int n)
{
	struct timespec tick = {0, 50 * 1000 * 1000};
	pid_t pid;
	int i, live, tries;

	for (i = 0; i < n; i++)
		if (pids[i] > 0)
			kill(pids[i], SIGTERM);

	for (tries = 0; tries < 100; tries++) {
		while ((pid = waitpid(-1, NULL, WNOHANG)) > 0)
			for (i = 0; i < n; i++)
				if (pids[i] == pid)
					pids[i] = 0;
		for (live = 0, i = 0; i < n; i++)
			if (pids[i] > 0)
				live++;
		if (live == 0)
			return;
		nanosleep(&tick, NULL);
	}
	for (i = 0; i < n; i++)
		if (pids[i] > 0)
			kill(pids[i], SIGKILL);
	while (wait(NULL) > 0 || errno == EINTR)
		continue;
}

int
main(int argc, char *argv[])
{
	struct sigaction sa;
	sigset_t mask, oldmask;
	const char *path = NULL;
	pid_t *pids, pid;
	time_t *born;
	int c, i, n = 2, sock = 0, status;

	while ((c = getopt(argc, argv, "n:s:")) != -1) {
		switch (c) {
		case 'n':
			if (parse_workers(optarg, &n) == -1) {
				fprintf(stderr, "cavra-noop: -n: want 1..%d\n",
				    NOOP_MAXWORKERS);
				return NOOP_EX_USAGE;
			}
			break;
		case 's':
			path = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();

	if (FCGX_Init() != 0) {
		fprintf(stderr, "cavra-noop: FCGX_Init failed\n");
		return 1;
	}

	/* Our own socket (mode 0660), or the one we were given on fd 0. */
	if (path != NULL) {
		if ((sock = open_socket(path)) == -1) {
			fprintf(stderr, "cavra-noop: %s: %s\n", path,
			    strerror(errno));
			return NOOP_EX_CONFIG;
		}
	} else if (FCGX_IsCGI()) {
		fprintf(stderr, "cavra-noop: no -s and fd 0 is not a "
		                "listening socket\n");
		return NOOP_EX_CONFIG;
	}

	if ((pids = calloc(n, sizeof(*pids))) == NULL ||
	    (born = calloc(n, sizeof(*born))) == NULL) {
		fprintf(stderr, "cavra-noop: out of memory\n");
		return 1;
	}

	/*
	 * The parent only waits for signals: they stay blocked except
	 * inside sigsuspend(2), so none is lost between checks.
	 */
	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, &oldmask);
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_quit;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = on_child;
	sigaction(SIGCHLD, &sa, NULL);

	for (i = 0; i < n; i++) {
		if ((pids[i] = spawn(sock, &mask)) == -1) {
			fprintf(
			    stderr, "cavra-noop: fork: %s\n", strerror(errno));
			quit = 1;
			break;
		}
		born[i] = time(NULL);
	}

	while (!quit) {
		sigsuspend(&oldmask);
		if (!reap)
			continue;
		reap = 0;
		while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
			for (i = 0; i < n; i++)
				if (pids[i] == pid)
					break;
			if (i == n)
				continue;
			pids[i] = 0;
			if (quit)
				continue;
			/* A worker that dies at once must not fork-loop. */
			if (time(NULL) - born[i] < 1)
				sleep(1);
			fprintf(stderr,
			    "cavra-noop: worker %d exited (status "
			    "%d), restarting\n",
			    (int)pid, status);
			if ((pids[i] = spawn(sock, &mask)) == -1)
				pids[i] = 0;
			born[i] = time(NULL);
		}
	}

	stop_workers(pids, n);
	if (path != NULL)
		unlink(path);
	free(pids);
	free(born);
	return 0;
}
