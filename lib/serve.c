/*
 * The responder's process model: a parent that checks configuration,
 * opens the listening socket (-s PATH, or fd 0 as FastCGI process managers
 * hand it over), maps the shared metrics (cv_metrics.h), forks N workers
 * and restarts any that die, after a back-off; workers that accept
 * FastCGI requests (on a unix socket with lib/fcgi.c, over TCP with
 * libfcgi's FCGX_Accept_r) and run each through cv_dispatch(),
 * in one thread or, for a responder that declares itself thread-safe, in
 * several.  SIGTERM or SIGINT stops the parent, which stops the workers
 * (each finishes its current request) and removes its socket.
 */
#include "config.h"

#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <fcgiapp.h>
#include <json-c/json.h>

#include "cv_auth.h"
#include "cv_conf.h"
#include "cv_db.h"
#include "cv_fcgi.h"
#include "cv_http.h"
#include "cv_metrics.h"
#include "cv_policy.h"
#include "cv_openapi.h"
#include "cv_util.h"

#define EXIT_CONFIG	78	/* EX_CONFIG: bad configuration */
#define CV_UMASK	027	/* at least: stores come out 0640 */

/* Set by SIGTERM/SIGINT, read by every request thread: a lock-free
 * atomic, which a signal handler may store to. */
static atomic_int		stopping;
static long			nworkers = 1;
/* The signal mask the responder started with; the parent blocks the
 * signals it waits for with sigtimedwait(2), and a worker restores it. */
static sigset_t			start_mask;
_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "atomic_int must be lock-free "
    "to be set from a signal handler");

static void
on_stop(int sig)
{
	(void)sig;
	atomic_store(&stopping, 1);
}

/* SIGUSR1: only interrupts a request thread's accept(2). */
static void
on_wake(int sig)
{
	(void)sig;
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

static long long
elapsed_us(const struct timespec *t0)
{
	struct timespec	 t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (long long)(t1.tv_sec - t0->tv_sec) * 1000000 +
	    (t1.tv_nsec - t0->tv_nsec) / 1000;
}

/* What every request thread of a worker shares. */
struct worker {
	const struct cv_app	*app;
	const struct cv_router	*router;
	int			 fd;
	int			 own_io;	/* fd is a unix socket: the
						   worker speaks FastCGI on its
						   connections itself (fcgi.c) */
};

/*
 * Whether fd is a listening AF_UNIX stream socket, whose connections the
 * worker may accept and close without libfcgi (lib/fcgi.c).  Over TCP
 * libfcgi keeps them, with its FCGI_WEB_SERVER_ADDRS check.
 */
static int
is_unix_listener(int fd)
{
	struct sockaddr_storage	 ss;
	socklen_t		 len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0)
		return 0;
	return ss.ss_family == AF_UNIX;
}

/* A request thread's connection: its own FastCGI (own_io) or libfcgi's. */
struct conn {
	const struct worker	*w;
	FCGX_Request		 fr;
	struct cv_fcgi		 own;
};

/* The request's parameter name, or NULL (dispatch's environment). */
static const char *
conn_env(void *ctx, const char *name)
{
	struct conn	*k = ctx;

	if (k->w->own_io)
		return cv_fcgi_param(&k->own, name);
	return FCGX_GetParam(name, k->fr.envp);
}

/*
 * Waits for the next request; its parameters go to arena a.  0, or -1
 * when none could be read (a signal, a dropped connection).
 */
static int
conn_next(struct conn *k, struct cv_arena *a)
{
	if (k->w->own_io)
		return cv_fcgi_next(&k->own, k->w->fd, a);
	return FCGX_Accept_r(&k->fr) < 0 ? -1 : 0;
}

/* Reads up to n bytes of the body to dst; how many arrived. */
static size_t
conn_read(struct conn *k, char *dst, size_t n)
{
	int	 got;

	if (k->w->own_io)
		return cv_fcgi_read(&k->own, dst, n);
	got = FCGX_GetStr(dst, (int)n, k->fr.in);
	return got > 0 ? (size_t)got : 0;
}

/* Sends the answer (len bytes) and ends the request.  0, or -1 when the
 * peer went away. */
static int
conn_answer(struct conn *k, const char *out, size_t len)
{
	if (k->w->own_io)
		return cv_fcgi_answer(&k->own, out, len);
	return FCGX_PutStr(out, (int)len, k->fr.out) < 0 ? -1 : 0;
}

/* Ends the request: the connection is kept for the next or closed. */
static void
conn_end(struct conn *k)
{
	if (k->w->own_io)
		cv_fcgi_end(&k->own);
	else
		FCGX_Finish_r(&k->fr);
}

/*
 * Reads the request body when CONTENT_LENGTH is a number no larger than
 * CV_BODY_MAX; otherwise leaves *body NULL (dispatch answers 400/413).
 * *len is what arrived: less than CONTENT_LENGTH when the connection ended
 * or went silent first (dispatch answers 400).
 */
static void
read_body(struct conn *k, struct cv_arena *a, char **body, size_t *len)
{
	const char	*cl;
	char		*end;
	long long	 n;

	*body = NULL;
	*len = 0;
	cl = conn_env(k, "CONTENT_LENGTH");
	if (cl == NULL || *cl == '\0')
		return;
	if (strspn(cl, "0123456789") != strlen(cl) || strlen(cl) > 18)
		return;
	n = strtoll(cl, &end, 10);
	if (n <= 0 || n > CV_BODY_MAX)
		return;
	*body = cv_arena_alloc(a, (size_t)n + 1);
	*len = conn_read(k, *body, (size_t)n);
	(*body)[*len] = '\0';
}

/* A request thread's slot: its id and whether it has returned. */
struct rthread {
	pthread_t		 tid;
	const struct worker	*w;
	atomic_int		 done;
};

/*
 * Accepts and answers requests on w->fd until the worker is told to stop.
 * Runs in every request thread, the worker's main thread included; each
 * has its own connection and arena.
 */
static void
serve_requests(const struct worker *w)
{
	struct cv_dispatch	 d = { w->app, w->router };
	struct conn		*k;
	struct json_tokener	*tok = NULL;
	struct cv_arena		 arena;
	struct cv_req		 req;
	struct cv_resp		 resp;
	struct timespec		 t0;
	char			*body, *out;
	size_t			 blen, olen;

	if ((k = calloc(1, sizeof(*k))) == NULL)
		cv_fatal("%s: out of memory", w->app->name);
	k->w = w;
	cv_fcgi_init(&k->own);
	cv_arena_init(&arena);
	if (!w->own_io &&
	    FCGX_InitRequest(&k->fr, w->fd, FCGI_FAIL_ACCEPT_ON_INTR) != 0)
		cv_fatal("%s: FCGX_InitRequest failed", w->app->name);
	while (!atomic_load(&stopping)) {
		if (conn_next(k, &arena) < 0) {
			cv_arena_reset(&arena);
			if (atomic_load(&stopping))
				break;
			continue;
		}
		clock_gettime(CLOCK_MONOTONIC, &t0);
		cv_metrics_begin();
		memset(&req, 0, sizeof(req));
		memset(&resp, 0, sizeof(resp));
		req.arena = &arena;
		req.tok = &tok;
		read_body(k, &arena, &body, &blen);
		cv_dispatch(&d, &req, &resp, conn_env, k, body, blen);
		out = cv_resp_render(&arena, &req, &resp, &olen);
		/* Counted before the answer leaves: a client that has it
		 * finds it in /metrics. */
		cv_metrics_end(&req, resp.status, elapsed_us(&t0));
		if (conn_answer(k, out, olen) < 0)
			cv_log("%s: client went away", w->app->name);
		/* Log before conn_end(): libfcgi frees the parameters that
		 * req.method_name points into. */
		cv_log_request("%s %s %s %d %lldus", w->app->name,
		    req.method_name,
		    req.path != NULL ? req.path : "-", resp.status,
		    elapsed_us(&t0));
		conn_end(k);
		json_object_put(resp.json);
		json_object_put(req.json);
		json_object_put(req.field_errors);
		cv_arena_reset(&arena);
	}
	if (!w->own_io)
		FCGX_Free(&k->fr, 0);
	cv_fcgi_free(&k->own);
	if (tok != NULL)
		json_tokener_free(tok);
	cv_arena_free(&arena);
	free(k);
}

/* Thread entry: serve, then say so. */
static void *
rthread_main(void *arg)
{
	struct rthread	*t = arg;

	serve_requests(t->w);
	atomic_store(&t->done, 1);
	return NULL;
}

static pthread_mutex_t	flush_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t	flush_cv = PTHREAD_COND_INITIALIZER;
static int		flush_stop;

/*
 * The request-line flusher of a threaded worker: writes what
 * cv_log_request() gathered every CV_LOG_FLUSH_MS until flush_stop.
 */
static void *
flusher_main(void *arg)
{
	struct timespec	 ts, last, now;

	(void)arg;
	clock_gettime(CLOCK_MONOTONIC, &last);
	pthread_mutex_lock(&flush_mu);
	while (!flush_stop) {
		cv_deadline(&ts, CLOCK_REALTIME, CV_LOG_FLUSH_MS);
		(void)pthread_cond_timedwait(&flush_cv, &flush_mu, &ts);
		pthread_mutex_unlock(&flush_mu);
		cv_log_flush();
		/* Give back what the threads' malloc arenas hold free: each
		 * request thread has an arena of its own, which otherwise
		 * keeps its high-water mark.  First free the stored records
		 * that wait for an idle thread to free them. */
		clock_gettime(CLOCK_MONOTONIC, &now);
		if ((now.tv_sec - last.tv_sec) * 1000 + (now.tv_nsec -
		    last.tv_nsec) / 1000000 >= CV_MALLOC_TRIM_MS) {
			(void)cv_db_reclaim();
			malloc_trim(0);
			last = now;
		}
		pthread_mutex_lock(&flush_mu);
	}
	pthread_mutex_unlock(&flush_mu);
	return NULL;
}

/*
 * One worker process, counted in metrics slot `slot`: worker_init(), then
 * `nthreads` request threads (the main thread is one of them) until
 * SIGTERM/SIGINT.  Only the main thread takes those signals; on stop it
 * wakes the others out of accept(2) with SIGUSR1 (resent every
 * CV_THREAD_WAKE_MS, since one can arrive just before a thread blocks)
 * and joins them, each finishing its request.
 * The request lines of several threads are written in groups, at least
 * every CV_LOG_FLUSH_MS (a flusher thread) and at the stop.
 */
static void
worker(const struct cv_app *app, const struct cv_router *router, int fd,
    int nthreads, int slot)
{
	struct worker		 w = { app, router, fd, is_unix_listener(fd) };
	struct rthread		*ts = NULL;
	struct timespec		 nap = { 0, CV_THREAD_WAKE_MS * 1000000L };
	pthread_t		 flusher;
	sigset_t		 stop, old;
	enum cv_err		 rc;
	int			 i, n = 0, left, flushing = 0;

	set_handler(SIGTERM, on_stop);
	set_handler(SIGINT, on_stop);
	set_handler(SIGUSR1, on_wake);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGCHLD, SIG_DFL);
	/* A stop sent since the fork was held; it is taken now. */
	sigprocmask(SIG_SETMASK, &start_mask, NULL);
	cv_metrics_worker(slot);
	/* A store that cannot be reached now (its database server down)
	 * is no configuration error: the parent starts another worker
	 * after its back-off. */
	if ((rc = cv_db_open_all(app->stores, nthreads)) == CV_EBUSY) {
		cv_log("%s: a store cannot be reached; the worker ends",
		    app->name);
		exit(1);
	}
	if (rc != CV_OK ||
	    (app->worker_init != NULL && app->worker_init() != CV_OK))
		exit(EXIT_CONFIG);
	if (nthreads > 1) {
		/* Each request thread has a malloc arena of its own, which
		 * would hand its free top back to the kernel after nearly
		 * every request and fault it in again on the next: let it
		 * keep CV_MALLOC_KEEP; the flusher trims them all every
		 * CV_MALLOC_TRIM_MS. */
		(void)mallopt(M_TRIM_THRESHOLD, CV_MALLOC_KEEP);
		(void)mallopt(M_MMAP_THRESHOLD, CV_MALLOC_KEEP);
		ts = cv_xcalloc((size_t)nthreads - 1, sizeof(*ts));
		sigemptyset(&stop);
		sigaddset(&stop, SIGTERM);
		sigaddset(&stop, SIGINT);
		pthread_sigmask(SIG_BLOCK, &stop, &old);
		cv_log_buffer(1);
		if (pthread_create(&flusher, NULL, flusher_main, NULL) == 0)
			flushing = 1;
		else
			cv_log_buffer(0);
		for (n = 0; n < nthreads - 1; n++) {
			ts[n].w = &w;
			if (pthread_create(&ts[n].tid, NULL, rthread_main,
			    &ts[n]) != 0) {
				cv_log("%s: pthread_create failed; %d threads",
				    app->name, n + 1);
				break;
			}
		}
		pthread_sigmask(SIG_SETMASK, &old, NULL);
	}
	serve_requests(&w);
	do {
		left = 0;
		for (i = 0; i < n; i++)
			if (!atomic_load(&ts[i].done)) {
				pthread_kill(ts[i].tid, SIGUSR1);
				left++;
			}
		if (left > 0)
			nanosleep(&nap, NULL);
	} while (left > 0);
	for (i = 0; i < n; i++)
		pthread_join(ts[i].tid, NULL);
	free(ts);
	if (flushing) {
		pthread_mutex_lock(&flush_mu);
		flush_stop = 1;
		pthread_cond_signal(&flush_cv);
		pthread_mutex_unlock(&flush_mu);
		pthread_join(flusher, NULL);
	}
	if (app->worker_fini != NULL)
		app->worker_fini();
	/* Packs cached by any responder: a worker exits without live
	 * allocations. */
	cv_policy_cache_clear();
	cv_db_close_all();
	cv_log_flush();
	exit(0);
}

/* What the parent supervises: the workers, and how to start one. */
struct super {
	const struct cv_app	*app;
	const struct cv_router	*router;
	int			 fd;
	int			 nthreads;
	struct wslot		*ws;
	int			 n;
};

/* One worker slot of the parent. */
struct wslot {
	pid_t			 pid;		/* <= 0: not running */
	struct timespec		 started;	/* CLOCK_MONOTONIC */
	struct timespec		 due;		/* restart, when pending */
	long			 delay_ms;	/* last back-off; 0: none */
	int			 pending;	/* a restart is due at `due` */
};

/* Milliseconds from a to b (negative when b is earlier). */
static long long
ms_between(const struct timespec *a, const struct timespec *b)
{
	return (long long)(b->tv_sec - a->tv_sec) * 1000 +
	    (b->tv_nsec - a->tv_nsec) / 1000000;
}

/* Milliseconds from now until due, rounded up: 0 once due has come. */
static long long
ms_left(const struct timespec *now, const struct timespec *due)
{
	long long	 ns;

	ns = (long long)(due->tv_sec - now->tv_sec) * 1000000000LL +
	    (due->tv_nsec - now->tv_nsec);
	return ns <= 0 ? 0 : (ns + 999999) / 1000000;
}

/* Forks the worker of slot i; -1 (logged) when fork(2) fails. */
static pid_t
spawn(const struct super *sv, int i)
{
	pid_t	 pid, parent = getpid();

	if ((pid = fork()) == -1) {
		cv_log("%s: fork: %s", sv->app->name, strerror(errno));
		return -1;
	}
	if (pid == 0) {
		/* A worker does not outlive its parent (killed with
		 * SIGKILL, say): it is told to stop, as by the parent's
		 * own stop, and finishes what it has acknowledged.  Left
		 * running it would hold its journal's lock against the
		 * workers of a new parent, and be restarted by no one. */
		if (prctl(PR_SET_PDEATHSIG, SIGTERM) == -1 ||
		    getppid() != parent)
			_exit(0);
		worker(sv->app, sv->router, sv->fd, sv->nthreads, i);
	}
	clock_gettime(CLOCK_MONOTONIC, &sv->ws[i].started);
	sv->ws[i].pid = pid;
	return pid;
}

/*
 * Schedules the restart of slot i, whose worker lived since `started`:
 * after CV_RESTART_DELAY_MIN_MS when it lived CV_RESTART_RESET_MS or
 * more (or never died before), else after twice the last delay, at most
 * CV_RESTART_DELAY_MAX_MS.  Returns the delay.
 */
static long
schedule(struct wslot *w, const struct timespec *now)
{
	if (w->delay_ms == 0 ||
	    ms_between(&w->started, now) >= CV_RESTART_RESET_MS)
		w->delay_ms = CV_RESTART_DELAY_MIN_MS;
	else if ((w->delay_ms *= 2) > CV_RESTART_DELAY_MAX_MS)
		w->delay_ms = CV_RESTART_DELAY_MAX_MS;
	cv_deadline(&w->due, CLOCK_MONOTONIC, w->delay_ms);
	w->pending = 1;
	return w->delay_ms;
}

/*
 * Reaps every worker that ended: one that ended with EXIT_CONFIG stops
 * the responder (*rc = EXIT_CONFIG), since a new one would fail the same
 * way; any other gets a restart with back-off (schedule()), unless the
 * responder is stopping.  Returns the number of workers reaped.
 */
static int
reap(struct super *sv, int *rc)
{
	struct timespec	 now;
	struct wslot	*w;
	pid_t		 pid;
	long		 delay;
	int		 i, status, n = 0, restart;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		for (i = 0; i < sv->n && sv->ws[i].pid != pid; i++)
			;
		if (i == sv->n)
			continue;
		w = &sv->ws[i];
		w->pid = -1;
		n++;
		restart = !atomic_load(&stopping) && !(WIFEXITED(status) &&
		    WEXITSTATUS(status) == EXIT_CONFIG);
		cv_metrics_worker_gone(i, restart);
		if (atomic_load(&stopping))
			continue;
		if (!restart) {
			cv_log("%s: worker configuration failed; stopping",
			    sv->app->name);
			atomic_store(&stopping, 1);
			*rc = EXIT_CONFIG;
			continue;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		delay = schedule(w, &now);
		cv_log("%s: worker %d (slot %d) %s %d after %lld ms; "
		    "restarting in %ld ms", sv->app->name, (int)pid, i,
		    WIFSIGNALED(status) ? "killed by signal" : "exited",
		    WIFSIGNALED(status) ? WTERMSIG(status) :
		    WEXITSTATUS(status), ms_between(&w->started, &now), delay);
	}
	return n;
}

/*
 * Parses a count option: `s` (NULL: leave *out) must be a decimal
 * 1..max.  Otherwise one line names `what` and CV_EINVAL is returned.
 */
static enum cv_err
count(const struct cv_app *app, const char *what, const char *s, long max,
    long *out)
{
	char	*end;
	long	 v;

	if (s == NULL)
		return CV_OK;
	errno = 0;
	v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 || v < 1 || v > max) {
		cv_log("%s: %s must be 1..%ld", app->name, what, max);
		return CV_EINVAL;
	}
	*out = v;
	return CV_OK;
}

static void
usage(const char *name)
{
	fprintf(stderr, "usage: %s [-n workers] [-t threads] [-s socket] | "
	    "--routes | --openapi\n", name);
	exit(2);
}

/*
 * --routes: one line per route, "METHOD<TAB>pattern<TAB>body<TAB>summary",
 * where body is "-", "json" or "json-optional".  fcgi/gen-served-routes,
 * tests/unit/test_openapi and tests/api/test_openapi_responses read it
 * (--openapi: lib/openapi.c).
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
 * Supervises the workers until SIGTERM/SIGINT, which the caller has
 * blocked along with SIGCHLD: the parent takes them with sigtimedwait(2),
 * so a stop or a death that arrives at any moment is seen, and a stop
 * never waits for a pending restart.  A worker that dies is restarted
 * after a back-off (schedule()); a fork that fails is retried the same
 * way.  On a stop every worker is sent SIGTERM once, and the parent
 * returns when all have ended.
 */
static int
supervise(struct super *sv, const sigset_t *waitset)
{
	struct timespec	 now, tmo;
	long long	 wait_ms, left;
	int		 i, sig, rc = 0, alive = 0, told = 0;

	for (i = 0; i < sv->n; i++)
		if (sv->ws[i].pid > 0)
			alive++;
	for (;;) {
		alive -= reap(sv, &rc);
		clock_gettime(CLOCK_MONOTONIC, &now);
		wait_ms = -1;
		for (i = 0; i < sv->n; i++) {
			if (!sv->ws[i].pending)
				continue;
			if (atomic_load(&stopping)) {
				sv->ws[i].pending = 0;
				continue;
			}
			if ((left = ms_left(&now, &sv->ws[i].due)) > 0) {
				if (wait_ms < 0 || left < wait_ms)
					wait_ms = left;
				continue;
			}
			sv->ws[i].pending = 0;
			if (spawn(sv, i) > 0)
				alive++;
			else if ((left = schedule(&sv->ws[i], &now)) > 0 &&
			    (wait_ms < 0 || left < wait_ms))
				wait_ms = left;
		}
		if (atomic_load(&stopping)) {
			if (alive == 0)
				break;
			for (i = 0; !told && i < sv->n; i++)
				if (sv->ws[i].pid > 0)
					kill(sv->ws[i].pid, SIGTERM);
			told = 1;
			wait_ms = -1;
		}
		tmo.tv_sec = wait_ms / 1000;
		tmo.tv_nsec = (wait_ms % 1000) * 1000000L;
		sig = sigtimedwait(waitset, NULL, wait_ms >= 0 ? &tmo : NULL);
		if (sig == SIGTERM || sig == SIGINT)
			atomic_store(&stopping, 1);
	}
	return rc;
}

long
cv_serve_workers(void)
{
	return nworkers;
}

/*
 * Concatenates the route sets into one table owned by the process (it
 * lives as long as the responder) and serves it.  Returns the exit
 * status of cv_serve_main().
 */
int
cv_serve_sets(struct cv_app *app, const struct cv_route_set *sets,
    int argc, char **argv)
{
	const struct cv_route_set	*s;
	struct cv_route			*all;
	size_t				 n = 0;

	for (s = sets; s->routes != NULL; s++)
		n += *s->nroutes;
	all = cv_xcalloc(n, sizeof(*all));
	n = 0;
	for (s = sets; s->routes != NULL; s++) {
		memcpy(all + n, s->routes, *s->nroutes * sizeof(*all));
		n += *s->nroutes;
	}
	app->routes = all;
	app->nroutes = n;
	return cv_serve_main(app, argc, argv);
}

int
cv_serve_main(const struct cv_app *app, int argc, char **argv)
{
	struct cv_router	*router;
	struct wslot		 ws[CV_WORKERS_MAX];
	struct super		 sv;
	struct timespec		 now;
	const char		*sock = NULL;
	sigset_t		 waitset;
	long			 n, t;
	int			 i, fd, rc, ch;
	mode_t			 old;

	if (argc == 2 && strcmp(argv[1], "--routes") == 0) {
		print_routes(app);
		return 0;
	}
	if (argc == 2 && strcmp(argv[1], "--openapi") == 0)
		return cv_openapi_print(app);
	/* Files the responder creates (SQLite stores, journals) are not
	 * world-readable, as the JSON stores are not; a stricter mask that
	 * was inherited is kept. */
	umask(umask(0) | CV_UMASK);
	n = app->workers > 0 ? app->workers : CV_WORKERS_DEFAULT;
	t = app->threads > 1 ? app->threads : 1;
	if (count(app, "CAVRA_WORKERS", cv_env("CAVRA_WORKERS"),
	    CV_WORKERS_MAX, &n) != CV_OK || (t > 1 && count(app,
	    "CAVRA_THREADS", cv_env("CAVRA_THREADS"), CV_THREADS_MAX, &t) !=
	    CV_OK))
		return EXIT_CONFIG;
	while ((ch = getopt(argc, argv, "n:s:t:")) != -1) {
		switch (ch) {
		case 'n':
			if (count(app, "-n", optarg, CV_WORKERS_MAX, &n) !=
			    CV_OK)
				return EXIT_CONFIG;
			break;
		case 's':
			sock = optarg;
			break;
		case 't':
			if (app->threads <= 1) {
				cv_log("%s: -t: this responder runs one "
				    "thread per worker", app->name);
				return EXIT_CONFIG;
			}
			if (count(app, "-t", optarg, CV_THREADS_MAX, &t) !=
			    CV_OK)
				return EXIT_CONFIG;
			break;
		default:
			usage(argv[0]);
		}
	}
	if (optind != argc)
		usage(argv[0]);

	if (cv_cors_init() != CV_OK || cv_conf_check() != CV_OK ||
	    cv_auth_init() != CV_OK || cv_access_init() != CV_OK)
		return EXIT_CONFIG;
	if (app->init != NULL && app->init() != CV_OK)
		return EXIT_CONFIG;
	router = cv_router_new(app->routes, app->nroutes);
	nworkers = n;

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

	if (cv_metrics_init(app, (int)n) != CV_OK) {
		if (sock != NULL)
			unlink(sock);
		return 1;
	}
	set_handler(SIGTERM, on_stop);
	set_handler(SIGINT, on_stop);
	set_handler(SIGCHLD, on_wake);
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&waitset);
	sigaddset(&waitset, SIGTERM);
	sigaddset(&waitset, SIGINT);
	sigaddset(&waitset, SIGCHLD);
	sigprocmask(SIG_BLOCK, &waitset, &start_mask);
	memset(ws, 0, sizeof(ws));
	sv = (struct super){ app, router, fd, (int)t, ws, (int)n };
	clock_gettime(CLOCK_MONOTONIC, &now);
	for (i = 0; i < n; i++)
		if (spawn(&sv, i) < 0)
			schedule(&ws[i], &now);
	cv_log("%s: %ld workers x %ld threads on %s", app->name, n, t,
	    sock != NULL ? sock : "fd 0");
	rc = supervise(&sv, &waitset);
	if (sock != NULL)
		unlink(sock);
	cv_metrics_fini();
	cv_router_free(router);
	cv_auth_fini();
	cv_access_fini();
	cv_log("%s: stopped", app->name);
	return rc;
}
