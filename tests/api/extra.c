/*
 * A test's own stacks and receivers (extra.h).
 */
#include "config.h"

#include <sys/socket.h>

#include <netinet/in.h>

#include <arpa/inet.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "extra.h"
#include "flow.h"
#include "harness.h"

#define WAIT_MS		20000
#define DIR_ENV		"CAVRA_TEST_EXTRA_DIR"

static char	 dir[512];
static char	 runbuf[1024];

/* The integer in file path, or -1. */
static long
read_number(const char *path)
{
	FILE	*f;
	long	 v = -1;

	if ((f = fopen(path, "r")) == NULL)
		return -1;
	if (fscanf(f, "%ld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

long
extra_number(const char *path)
{
	long		 v;
	long long	 until = flow_now_ms() + WAIT_MS;

	while ((v = read_number(path)) == -1 && flow_now_ms() < until)
		usleep(20000);
	return v;
}

void
extra_write(const char *path, const char *text)
{
	FILE	*f;

	cr_assert_not_null(f = fopen(path, "w"), "%s", path);
	fputs(text, f);
	cr_assert_eq(fclose(f), 0, "%s", path);
}

int
extra_dead_port(void)
{
	struct sockaddr_in	 sa;
	socklen_t		 len = sizeof(sa);
	int			 fd, port;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return 9;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == -1 ||
	    getsockname(fd, (struct sockaddr *)&sa, &len) == -1)
		port = 9;
	else
		port = ntohs(sa.sin_port);
	close(fd);
	return port;
}

/*
 * Criterion runs each test in a worker process of its own, which does
 * not share the runner's memory: extra_init() leaves the directory in
 * the environment the workers inherit, and every entry point reads it
 * from there when this process has not set it.
 */
const char *
extra_dir(void)
{
	const char	*env;

	if (dir[0] == '\0' && (env = getenv(DIR_ENV)) != NULL)
		snprintf(dir, sizeof(dir), "%s", env);
	return dir;
}

const char *
extra_run(const char *name)
{
	snprintf(runbuf, sizeof(runbuf), "%s/x-%s", extra_dir(), name);
	return runbuf;
}

/* Stops the stacks and receivers found in dir (this run's or an
 * interrupted earlier one's). */
static void
stop_found(void)
{
	char	 cmd[8192];

	snprintf(cmd, sizeof(cmd), "for d in '%s'/x-*/; do [ -f \"$d/port\" ] "
	    "&& '%s/tests/stack' stop \"$d\" >/dev/null 2>&1; done; "
	    "for p in '%s'/recv/*.pid; do [ -f \"$p\" ] && "
	    "kill \"$(cat \"$p\")\" 2>/dev/null; rm -f \"$p\"; done; true",
	    extra_dir(), SRCDIR, extra_dir());
	if (system(cmd) != 0)
		fprintf(stderr, "could not stop what %s holds\n", extra_dir());
}

void
extra_init(const char *test)
{
	char	 cmd[8192];

	snprintf(dir, sizeof(dir), "%s/tests/api/run-%s", BUILDDIR, test);
	setenv(DIR_ENV, dir, 1);
	stop_found();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'/x-* '%s/recv' && mkdir -p "
	    "'%s/recv'", dir, dir, dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot make %s\n", dir);
}

long
extra_recv(const char *name, const char *args)
{
	char	 cmd[8192], path[2048];

	snprintf(cmd, sizeof(cmd), "'%s/tests/http-recv' -p '%s/recv/%s.port' "
	    "-l '%s/recv/%s.log' %s >'%s/recv/%s.err' 2>&1 & "
	    "echo $! >'%s/recv/%s.pid'", BUILDDIR, dir, name, dir, name, args,
	    dir, name, dir, name);
	if (system(cmd) != 0)
		return -1;
	snprintf(path, sizeof(path), "%s/recv/%s.port", dir, name);
	return extra_number(path);
}

char *
extra_recv_log(const char *name)
{
	char	 path[2048], *buf;

	snprintf(path, sizeof(path), "%s/recv/%s.log", extra_dir(), name);
	if ((buf = flow_read_file(path)) == NULL)
		buf = strdup("");
	return buf;
}

/* Takes a receiver name, a method (or NULL), marker and path_prefix;
 * polls the receiver's log every 50 ms for up to WAIT_MS and stores the
 * matching request's head and body in *head and *body (malloc'ed: the
 * caller's).  Asserts that one came in time. */
void
extra_request(const char *name, const char *method, const char *marker,
    const char *path_prefix, char **head, char **body)
{
	char		*log, *p, *e, *b, *be, *sp;
	long long	 until = flow_now_ms() + WAIT_MS;

	for (;;) {
		log = extra_recv_log(name);
		for (p = log; *p != '\0'; p = be + 1) {
			if ((e = strstr(p, "\n\n")) == NULL)
				break;
			b = e + 2;
			if ((be = strchr(b, '\n')) == NULL)
				break;
			if ((method == NULL || (strncmp(p, method,
			    strlen(method)) == 0 && p[strlen(method)] ==
			    ' ')) && (sp = strchr(p, ' ')) != NULL && sp < e &&
			    strncmp(sp + 1, path_prefix, strlen(path_prefix)) ==
			    0 && memmem(b, (size_t)(be - b), marker,
			    strlen(marker)) != NULL) {
				*head = strndup(p, (size_t)(e - p));
				*body = strndup(b, (size_t)(be - b));
				free(log);
				return;
			}
		}
		free(log);
		cr_assert_lt(flow_now_ms(), until, "%s received nothing for %s "
		    "at %s", name, marker, path_prefix);
		usleep(50000);
	}
}

int
extra_received(const char *name, const char *method)
{
	char	*log;
	int	 n;

	log = extra_recv_log(name);
	n = flow_requests(log, method);
	free(log);
	return n;
}

int
extra_stack(const char *name, const char *const *files)
{
	char	 cmd[8192], path[2048], run[1024];
	size_t	 i;
	int	 rc;

	snprintf(run, sizeof(run), "%s/x-%s", extra_dir(), name);
	snprintf(cmd, sizeof(cmd), "mkdir -p '%s'", run);
	if (system(cmd) != 0)
		return -1;
	for (i = 0; files != NULL && files[i] != NULL; i += 3) {
		snprintf(path, sizeof(path), "%s/%s", run, files[i + 1]);
		extra_write(path, files[i + 2]);
		setenv(files[i], path, 1);
	}
	snprintf(cmd, sizeof(cmd), "'%s/tests/stack' start '%s' "
	    ">'%s/start.log' 2>&1", SRCDIR, run, run);
	rc = system(cmd);
	for (i = 0; files != NULL && files[i] != NULL; i += 3)
		unsetenv(files[i]);
	if (rc != 0)
		fprintf(stderr, "stack %s did not start: see %s/start.log\n",
		    name, run);
	return rc == 0 ? 0 : -1;
}

void
extra_use(const char *name, const char *mode)
{
	char	 path[2048], base[64], var[64], run[1024];
	long	 port;
	int	 json = strcmp(mode, "json") == 0;

	snprintf(run, sizeof(run), "%s/x-%s", extra_dir(), name);
	snprintf(path, sizeof(path), "%s/port", run);
	port = extra_number(path);
	cr_assert_gt(port, 0, "stack %s did not start: see %s/start.log",
	    name, run);
	snprintf(base, sizeof(base), "http://127.0.0.1:%ld", port);
	snprintf(var, sizeof(var), "CAVRA_TEST_%s_BASE", json ? "JSON" :
	    "SQLITE");
	setenv(var, base, 1);
	snprintf(var, sizeof(var), "CAVRA_TEST_%s_RUN", json ? "JSON" :
	    "SQLITE");
	setenv(var, run, 1);
	api_use(mode);
}

void
extra_stop(const char *name)
{
	char	 cmd[4096];

	snprintf(cmd, sizeof(cmd), "'%s/tests/stack' stop '%s' >/dev/null "
	    "2>&1", SRCDIR, extra_run(name));
	if (system(cmd) != 0)
		fprintf(stderr, "could not stop the stack in %s\n",
		    extra_run(name));
}

void
extra_own(const char *name, const char *const *files)
{
	cr_assert_eq(extra_stack(name, files), 0, "stack did not start: see "
	    "%s/start.log", extra_run(name));
	extra_use(name, "json");
}

void
extra_stop_all(void)
{
	stop_found();
}
