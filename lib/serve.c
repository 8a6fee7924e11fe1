/*
 * The responder's process model: a parent that checks configuration,
 * opens the listening socket (-s PATH, or fd 0 as FastCGI process managers
 * hand it over), forks N workers and restarts any that die; workers that
 * accept FastCGI requests with FCGX_Accept_r and run each through
 * cv_dispatch().  SIGTERM or SIGINT stops the parent, which stops the
 * workers (each finishes its current request) and removes its socket.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <fcgiapp.h>
#include <json-c/json.h>

#include "cv_conf.h"
#include "cv_http.h"
#include "cv_util.h"

#define EXIT_CONFIG	78	/* EX_CONFIG: bad configuration */

static volatile sig_atomic_t	stopping;

static void
on_stop(int sig)
{
	(void)sig;
	stopping = 1;
}

static void
set_handler(int sig, void (*fn)(int))
{
	struct sigaction	 sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;	/* no SA_RESTART: accept/wait return EINTR */
	sigaction(sig, &sa, NULL);
}

static const char *
fcgi_env(void *ctx, const char *name)
{
	return FCGX_GetParam(name, ((FCGX_Request *)ctx)->envp);
}

static long long
elapsed_us(const struct timespec *t0)
{
	struct timespec	 t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (long long)(t1.tv_sec - t0->tv_sec) * 1000000 +
	    (t1.tv_nsec - t0->tv_nsec) / 1000;
}

/*
 * Reads the request body when CONTENT_LENGTH is a number no larger than
 * CV_BODY_MAX; otherwise leaves *body NULL (dispatch answers 400/413).
 */
static void
read_body(FCGX_Request *fr, struct cv_arena *a, char **body, size_t *len)
{
	const char	*cl;
	char		*end;
	long long	 n;
	int		 got;

	*body = NULL;
	*len = 0;
	cl = FCGX_GetParam("CONTENT_LENGTH", fr->envp);
	if (cl == NULL || *cl == '\0')
		return;
	if (strspn(cl, "0123456789") != strlen(cl) || strlen(cl) > 18)
		return;
	n = strtoll(cl, &end, 10);
	if (n <= 0 || n > CV_BODY_MAX)
		return;
	*body = cv_arena_alloc(a, (size_t)n + 1);
	got = FCGX_GetStr(*body, (int)n, fr->in);
	if (got < 0)
		got = 0;
	(*body)[got] = '\0';
	*len = (size_t)got;
}

/*
 * One worker: accepts and answers requests until told to stop.
 */
static void
worker(const struct cv_app *app, const struct cv_router *router, int fd)
{
	struct cv_dispatch	 d = { app, router };
	FCGX_Request		 fr;
	struct cv_arena		 arena;
	struct cv_req		 req;
	struct cv_resp		 resp;
	struct timespec		 t0;
	char			*body, *out;
	size_t			 blen, olen;

	set_handler(SIGTERM, on_stop);
	set_handler(SIGINT, on_stop);
	signal(SIGPIPE, SIG_IGN);
	if (app->worker_init != NULL && app->worker_init() != CV_OK)
		exit(EXIT_CONFIG);
	cv_arena_init(&arena);
	if (FCGX_InitRequest(&fr, fd, FCGI_FAIL_ACCEPT_ON_INTR) != 0)
		cv_fatal("%s: FCGX_InitRequest failed", app->name);
	while (!stopping) {
		if (FCGX_Accept_r(&fr) < 0) {
			if (stopping)
				break;
			continue;
		}
		clock_gettime(CLOCK_MONOTONIC, &t0);
		memset(&req, 0, sizeof(req));
		memset(&resp, 0, sizeof(resp));
		req.arena = &arena;
		req.fcgi = &fr;
		read_body(&fr, &arena, &body, &blen);
		cv_dispatch(&d, &req, &resp, fcgi_env, &fr, body, blen);
		out = cv_resp_render(&arena, &req, &resp, &olen);
		if (FCGX_PutStr(out, (int)olen, fr.out) < 0)
			cv_log("%s: client went away", app->name);
		/* Log before FCGX_Finish_r(): it frees the parameters that
		 * req.method_name points into. */
		cv_log("%s %s %s %d %lldus", app->name, req.method_name,
		    req.path != NULL ? req.path : "-", resp.status,
		    elapsed_us(&t0));
		FCGX_Finish_r(&fr);
		json_object_put(resp.json);
		json_object_put(req.json);
		json_object_put(req.field_errors);
		cv_arena_reset(&arena);
	}
	FCGX_Free(&fr, 0);
	cv_arena_free(&arena);
	if (app->worker_fini != NULL)
		app->worker_fini();
	exit(0);
}

static pid_t
spawn(const struct cv_app *app, const struct cv_router *router, int fd)
{
	pid_t	 pid;

	if ((pid = fork()) == -1) {
		cv_log("%s: fork: %s", app->name, strerror(errno));
		return -1;
	}
	if (pid == 0)
		worker(app, router, fd);
	return pid;
}

static void
usage(const char *name)
{
	fprintf(stderr, "usage: %s [-n workers] [-s socket] | --routes\n",
	    name);
	exit(2);
}

/*
 * --routes: one line per route, "METHOD<TAB>pattern<TAB>body<TAB>summary",
 * where body is "-", "json" or "json-optional".  tests/gen-openapi and
 * tests/unit/test_openapi read it.
 */
static void
print_routes(const struct cv_app *app)
{
	const struct cv_route	*r;
	size_t			 i;

	for (i = 0; i < app->nroutes; i++) {
		r = &app->routes[i];
		printf("%s\t%s\t%s\t%s\n", cv_method_name(r->method),
		    r->pattern, !(r->flags & CV_BODY_JSON) ? "-" :
		    (r->flags & CV_BODY_OPT) ? "json-optional" : "json",
		    r->summary != NULL ? r->summary : "");
	}
}

/*
 * Supervises the workers until SIGTERM/SIGINT.  A worker that dies is
 * restarted; one that exits with EXIT_CONFIG stops the responder, since a
 * restart would fail the same way.
 */
static int
supervise(const struct cv_app *app, const struct cv_router *router, int fd,
    pid_t *pids, int n)
{
	pid_t	 pid;
	int	 i, status, rc = 0, alive = 0;

	for (i = 0; i < n; i++)
		if (pids[i] > 0)
			alive++;

	while (alive > 0) {
		if (stopping) {
			for (i = 0; i < n; i++)
				if (pids[i] > 0)
					kill(pids[i], SIGTERM);
		}
		pid = waitpid(-1, &status, 0);
		if (pid == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (i = 0; i < n && pids[i] != pid; i++)
			;
		if (i == n)
			continue;
		pids[i] = -1;
		alive--;
		if (stopping)
			continue;
		if (WIFEXITED(status) && WEXITSTATUS(status) == EXIT_CONFIG) {
			cv_log("%s: worker configuration failed; stopping",
			    app->name);
			stopping = 1;
			rc = EXIT_CONFIG;
			continue;
		}
		cv_log("%s: worker %d %s %d; restarting", app->name, (int)pid,
		    WIFSIGNALED(status) ? "killed by signal" : "exited",
		    WIFSIGNALED(status) ? WTERMSIG(status) :
		    WEXITSTATUS(status));
		sleep(WIFSIGNALED(status) ? 0 : 1);
		if ((pids[i] = spawn(app, router, fd)) > 0)
			alive++;
	}
	return rc;
}

int
cv_serve_main(const struct cv_app *app, int argc, char **argv)
{
	struct cv_router	*router;
	const char		*sock = NULL, *w;
	pid_t			 pids[CV_WORKERS_MAX];
	char			*end;
	long			 n = CV_WORKERS_DEFAULT;
	int			 i, fd, rc, ch;
	mode_t			 old;

	if (argc == 2 && strcmp(argv[1], "--routes") == 0) {
		print_routes(app);
		return 0;
	}
	if ((w = cv_env("CAVRA_WORKERS")) != NULL) {
		n = strtol(w, &end, 10);
		if (*end != '\0' || n < 1 || n > CV_WORKERS_MAX) {
			cv_log("%s: CAVRA_WORKERS must be 1..%d", app->name,
			    CV_WORKERS_MAX);
			return EXIT_CONFIG;
		}
	}
	while ((ch = getopt(argc, argv, "n:s:")) != -1) {
		switch (ch) {
		case 'n':
			n = strtol(optarg, &end, 10);
			if (*end != '\0' || n < 1 || n > CV_WORKERS_MAX) {
				cv_log("%s: -n must be 1..%d", app->name,
				    CV_WORKERS_MAX);
				return EXIT_CONFIG;
			}
			break;
		case 's':
			sock = optarg;
			break;
		default:
			usage(argv[0]);
		}
	}
	if (optind != argc)
		usage(argv[0]);

	if (cv_cors_init() != CV_OK || cv_conf_check() != CV_OK)
		return EXIT_CONFIG;
	if (app->init != NULL && app->init() != CV_OK)
		return EXIT_CONFIG;
	router = cv_router_new(app->routes, app->nroutes);

	if (FCGX_Init() != 0) {
		cv_log("%s: FCGX_Init failed", app->name);
		return 1;
	}
	if (sock != NULL) {
		old = umask(0117);
		fd = FCGX_OpenSocket(sock, CV_BACKLOG);
		umask(old);
		if (fd < 0) {
			cv_log("%s: cannot listen on %s: %s", app->name, sock,
			    strerror(errno));
			return 1;
		}
	} else {
		fd = 0;
		if (FCGX_IsCGI()) {
			cv_log("%s: standard input is not a FastCGI listening "
			    "socket; use -s PATH or a process manager",
			    app->name);
			return 2;
		}
	}

	set_handler(SIGTERM, on_stop);
	set_handler(SIGINT, on_stop);
	signal(SIGPIPE, SIG_IGN);
	for (i = 0; i < n; i++)
		pids[i] = spawn(app, router, fd);
	cv_log("%s: %ld workers on %s", app->name, n,
	    sock != NULL ? sock : "fd 0");
	rc = supervise(app, router, fd, pids, (int)n);
	if (sock != NULL)
		unlink(sock);
	cv_router_free(router);
	cv_log("%s: stopped", app->name);
	return rc;
}
