/*
 * API tests of what the library does for every responder, through the
 * stacks that tests/run-test starts: JSON routes refuse bodies of other
 * media types (415) before anything is stored; no response header carries
 * CR or LF; GET /metrics counts requests across worker processes; a
 * worker that dies is restarted with back-off, and a stop does not wait
 * for the back-off; stores are created without world access (umask).
 */
#include "config.h"

#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

#define ID_LEN		96
#define WAIT_MS		10000	/* longest wait for a worker or a stop */
#define KIDS_MAX	64

#define uid(buf, prefix)	api_uid(buf, ID_LEN, prefix)

static long long
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
nap_ms(long ms)
{
	struct timespec	 ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* The whole of a small file, malloc'ed and NUL-terminated ("" if
 * missing). */
static char *
slurp(const char *path)
{
	FILE	*f;
	char	*p = NULL;
	size_t	 len = 0, cap = 0, n;

	if ((f = fopen(path, "r")) != NULL) {
		do {
			if (cap - len < 4096) {
				cap = cap * 2 + 8192;
				cr_assert_not_null(p = realloc(p, cap));
			}
			n = fread(p + len, 1, cap - len - 1, f);
			len += n;
		} while (n > 0);
		fclose(f);
	}
	if (p == NULL)
		cr_assert_not_null(p = malloc(1));
	p[len] = '\0';
	return p;
}

/*
 * Runs tests/fcgi-client SOCKET req METHOD URI PARAMS... against the
 * socket of responder `name` of the selected stack; returns its standard
 * output (malloc'ed), failing the test when it fails.
 */
static char *
fcgi_req(const char *name, const char *method, const char *uri,
    const char *const *params)
{
	char		 sock[4096], client[4096], *argv[24], *out = NULL;
	size_t		 len = 0, cap = 0;
	ssize_t		 n;
	pid_t		 pid;
	int		 p[2], i = 0, status;

	snprintf(sock, sizeof(sock), "%s/%s.sock", api_run_dir(), name);
	snprintf(client, sizeof(client), "%s/tests/fcgi-client", BUILDDIR);
	argv[i++] = client;
	argv[i++] = sock;
	argv[i++] = (char *)"req";
	argv[i++] = (char *)method;
	argv[i++] = (char *)uri;
	for (; params != NULL && *params != NULL && i < 23; params++)
		argv[i++] = (char *)*params;
	argv[i] = NULL;
	cr_assert_eq(pipe(p), 0);
	cr_assert_geq(pid = fork(), 0);
	if (pid == 0) {
		dup2(p[1], STDOUT_FILENO);
		close(p[0]);
		close(p[1]);
		execv(client, argv);
		_exit(127);
	}
	close(p[1]);
	for (;;) {
		if (cap - len < 4096) {
			cap = cap * 2 + 65536;
			cr_assert_not_null(out = realloc(out, cap));
		}
		if ((n = read(p[0], out + len, cap - len - 1)) < 0 &&
		    errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	out[len] = '\0';
	close(p[0]);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "fcgi-client %s %s %s failed: %s", name, method, uri, out);
	return out;
}

/* The value of sample `name` (with its labels) in a /metrics body, 0 when
 * absent (a series appears with its first count). */
static long long
metric(const char *body, const char *name)
{
	const char	*p;
	size_t		 n = strlen(name);

	for (p = body; (p = strstr(p, name)) != NULL; p += n)
		if ((p == body || p[-1] == '\n') && p[n] == ' ')
			return strtoll(p + n + 1, NULL, 10);
	return 0;
}

/* Whether sample `name` is in a /metrics body. */
static int
has_metric(const char *body, const char *name)
{
	char	 line[512];

	snprintf(line, sizeof(line), "\n%s ", name);
	return strstr(body, line) != NULL;
}

/* GET /metrics/NAME through nginx: the text, malloc'ed. */
static char *
metrics_of(const char *name)
{
	struct api_resp	 r;
	char		 path[128], *ct, *body;

	snprintf(path, sizeof(path), "/metrics/%s", name);
	api_req("GET", path, NULL, NULL, &r);
	cr_assert_eq(r.status, 200, "GET %s: %ld %s", path, r.status, r.body);
	ct = api_header(&r, "Content-Type");
	cr_assert(ct != NULL && strcmp(ct, "text/plain; version=0.0.4; "
	    "charset=utf-8") == 0, "GET %s: content type %s", path,
	    ct != NULL ? ct : "(none)");
	free(ct);
	body = r.body;
	r.body = NULL;
	api_free(&r);
	return body;
}

/* The pid in run directory file cavra-NAME.pid. */
static pid_t
responder_pid(const char *name)
{
	char	 path[4096], *s;
	long	 pid;

	snprintf(path, sizeof(path), "%s/cavra-%s.pid", api_run_dir(), name);
	s = slurp(path);
	pid = strtol(s, NULL, 10);
	free(s);
	cr_assert_gt(pid, 1, "no pid in %s", path);
	return (pid_t)pid;
}

/* The live children of ppid (from /proc/PID/stat), at most KIDS_MAX;
 * returns how many. */
static int
children(pid_t ppid, pid_t *kids)
{
	DIR		*d;
	struct dirent	*e;
	char		 path[300], *s, *rp;
	char		 state;
	long		 pp;
	int		 n = 0;

	cr_assert_not_null(d = opendir("/proc"));
	while ((e = readdir(d)) != NULL && n < KIDS_MAX) {
		if (strspn(e->d_name, "0123456789") != strlen(e->d_name))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", e->d_name);
		s = slurp(path);
		/* "pid (comm) state ppid ...": comm may hold anything. */
		if ((rp = strrchr(s, ')')) != NULL &&
		    sscanf(rp + 1, " %c %ld", &state, &pp) == 2 &&
		    pp == (long)ppid && state != 'Z')
			kids[n++] = (pid_t)strtol(e->d_name, NULL, 10);
		free(s);
	}
	closedir(d);
	return n;
}

static int
in_set(pid_t pid, const pid_t *set, int n)
{
	int	 i;

	for (i = 0; i < n; i++)
		if (set[i] == pid)
			return 1;
	return 0;
}

/*
 * Kills `victim`, a worker of ppid, and waits (up to WAIT_MS) for its
 * replacement: a child of ppid that was not one before.  Returns its pid;
 * *ms is the time from the kill to the moment the replacement was seen.
 */
static pid_t
kill_and_wait(pid_t ppid, pid_t victim, long long *ms)
{
	pid_t		 before[KIDS_MAX], kids[KIDS_MAX];
	long long	 t0;
	int		 nb, n, i;

	nb = children(ppid, before);
	cr_assert(in_set(victim, before, nb), "%d is not a worker of %d",
	    (int)victim, (int)ppid);
	/* Before the kill: this process may lose the CPU right after it. */
	t0 = now_ms();
	cr_assert_eq(kill(victim, SIGKILL), 0);
	while (now_ms() - t0 < WAIT_MS) {
		n = children(ppid, kids);
		for (i = 0; i < n; i++)
			if (!in_set(kids[i], before, nb)) {
				*ms = now_ms() - t0;
				return kids[i];
			}
		nap_ms(2);
	}
	cr_assert_fail("no worker replaced %d within %d ms", (int)victim,
	    WAIT_MS);
	return -1;
}

/*
 * A JSON route (POST /mcp/servers) refuses a body sent as text/plain or
 * as a form with 415, and stores nothing: a cross-site page cannot mark an
 * MCP server trusted.  application/json with parameters, a +json type
 * and no Content-Type at all are read as JSON.
 */
API_TEST(library, json_routes_refuse_other_media_types)
{
	static const char *const refused[] = { "Content-Type: text/plain",
	    "Content-Type: application/x-www-form-urlencoded",
	    "Content-Type: multipart/form-data; boundary=x" };
	static const char *const taken[] = {
	    "Content-Type: application/json; charset=utf-8",
	    "Content-Type: application/merge-patch+json", "Content-Type:" };
	const char	*hdr[2] = { NULL, NULL };
	struct api_resp	 r;
	char		 id[ID_LEN], body[512], path[256];
	size_t		 i;

	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		uid(id, "mcp-415");
		snprintf(body, sizeof(body), "{\"server_id\":\"%s\","
		    "\"trust_tier\":\"trusted\",\"approval_state\":"
		    "\"approved\"}", id);
		hdr[0] = refused[i];
		api_req("POST", "/mcp/servers", body, hdr, &r);
		api_assert_problem(&r, 415);
		cr_assert(strstr(api_str(r.json, "detail"), "Content-Type") !=
		    NULL, "%s", r.body);
		api_free(&r);
		snprintf(path, sizeof(path), "/mcp/servers/%s", id);
		api_req("GET", path, NULL, NULL, &r);
		cr_assert_eq(r.status, 404, "%s was stored: %s", refused[i],
		    r.body);
		api_free(&r);
	}
	for (i = 0; i < sizeof(taken) / sizeof(taken[0]); i++) {
		uid(id, "mcp-json");
		snprintf(body, sizeof(body), "{\"server_id\":\"%s\","
		    "\"trust_tier\":\"trusted\"}", id);
		hdr[0] = taken[i];
		api_req("POST", "/mcp/servers", body, hdr, &r);
		cr_assert_eq(r.status, 200, "%s: %ld %s", taken[i], r.status,
		    r.body);
		api_free(&r);
		snprintf(path, sizeof(path), "/mcp/servers/%s", id);
		api_req("GET", path, NULL, NULL, &r);
		cr_assert_eq(r.status, 200, "%s: not stored", taken[i]);
		cr_assert_str_eq(api_str(r.json, "trust_tier"), "trusted");
		api_free(&r);
	}
}

/*
 * A CORS preflight reflects Access-Control-Request-Headers; a value with
 * CR or LF (which only a raw FastCGI client can send: nginx refuses it)
 * does not reach the response: the header is dropped and logged, and the
 * rest of the answer is sent.
 */
API_TEST(library, response_headers_refuse_cr_lf)
{
	static const char *const bad[] = { "x-probe\r\nSet-Cookie: cavra=1",
	    "x-probe\nSet-Cookie: cavra=1", "x-probe\rSet-Cookie: cavra=1" };
	const char	*cors, *params[4];
	char		 origin[256], acrh[256], acao[300], logpath[4096];
	char		*out, *log;
	size_t		 i, n;

	cors = getenv("CAVRA_CORS_ORIGINS");
	cr_assert(cors != NULL && *cors != '\0', "CAVRA_CORS_ORIGINS is not "
	    "set (tests/run-test sets it)");
	n = strcspn(cors, ",");
	cr_assert_lt(n, 200);
	snprintf(origin, sizeof(origin), "HTTP_ORIGIN=%.*s", (int)n, cors);
	snprintf(acao, sizeof(acao), "\r\nAccess-Control-Allow-Origin: "
	    "%.*s\r\n", (int)n, cors);
	params[0] = origin;
	params[1] = "HTTP_ACCESS_CONTROL_REQUEST_METHOD=POST";
	params[3] = NULL;

	/* A clean value is reflected: the header is there to be
	 * dropped. */
	params[2] = "HTTP_ACCESS_CONTROL_REQUEST_HEADERS=x-probe";
	out = fcgi_req("console", "OPTIONS", "/health", params);
	cr_assert(strncmp(out, "Status: 200 ", 12) == 0, "%s", out);
	cr_assert(strstr(out, "\r\nAccess-Control-Allow-Headers: x-probe\r\n")
	    != NULL, "%s", out);
	free(out);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(acrh, sizeof(acrh),
		    "HTTP_ACCESS_CONTROL_REQUEST_HEADERS=%s", bad[i]);
		params[2] = acrh;
		out = fcgi_req("console", "OPTIONS", "/health", params);
		cr_assert(strncmp(out, "Status: 200 ", 12) == 0, "%s", out);
		cr_assert(strstr(out, "Set-Cookie") == NULL,
		    "header injected: %s", out);
		cr_assert(strstr(out, "Access-Control-Allow-Headers") == NULL,
		    "%s", out);
		cr_assert(strstr(out, acao) != NULL, "%s", out);
		cr_assert(strstr(out, "\r\n\r\nOK") != NULL, "%s", out);
		free(out);
	}
	snprintf(logpath, sizeof(logpath), "%s/cavra-console.log",
	    api_run_dir());
	log = slurp(logpath);
	cr_assert(strstr(log, "/health: response header "
	    "Access-Control-Allow-Headers dropped: CR or LF") != NULL,
	    "no log line in %s", logpath);
	free(log);
}

/*
 * GET /metrics (reached through nginx as /metrics/registry) counts
 * requests of both workers by route, method and status class, with exact
 * deltas, and reports memory for the parent and each worker.  The rows
 * used are requested by no other test of this program.
 */
API_TEST(library, metrics_count_requests)
{
	static const char *const ok = "cavra_http_requests_total{route="
	    "\"/agents/profiles\",method=\"GET\",code=\"2xx\"}";
	static const char *const lat = "cavra_http_request_duration_seconds_"
	    "count{route=\"/agents/profiles\",method=\"GET\"}";
	static const char *const inf = "cavra_http_request_duration_seconds_"
	    "bucket{route=\"/agents/profiles\",method=\"GET\",le=\"+Inf\"}";
	static const char *const bad = "cavra_http_requests_total{route="
	    "\"/agents\",method=\"POST\",code=\"4xx\"}";
	static const char *const none = "cavra_http_requests_total{route="
	    "\"unmatched\",method=\"GET\",code=\"4xx\"}";
	static const char *const self = "cavra_http_requests_total{route="
	    "\"/metrics\",method=\"GET\",code=\"2xx\"}";
	const char	*text[] = { "Content-Type: text/plain", NULL };
	struct api_resp	 r;
	char		*m0, *m1, name[128];
	long long	 workers;
	int		 i;

	m0 = metrics_of("registry");
	for (i = 0; i < 3; i++) {
		api_req("GET", "/agents/profiles", NULL, NULL, &r);
		cr_assert_eq(r.status, 200);
		api_free(&r);
	}
	for (i = 0; i < 2; i++) {
		api_req("POST", "/agents", "{\"agent_id\":\"x\"}", text, &r);
		cr_assert_eq(r.status, 415);
		api_free(&r);
	}
	api_req("GET", "/agents/a/b/c", NULL, NULL, &r);
	cr_assert_eq(r.status, 404);
	api_free(&r);
	m1 = metrics_of("registry");

	cr_assert_eq(metric(m1, ok) - metric(m0, ok), 3, "%s", m1);
	cr_assert_eq(metric(m1, lat) - metric(m0, lat), 3);
	cr_assert_eq(metric(m1, inf), metric(m1, lat));
	cr_assert_eq(metric(m1, bad) - metric(m0, bad), 2);
	cr_assert_eq(metric(m1, none) - metric(m0, none), 1);
	cr_assert_eq(metric(m1, self) - metric(m0, self), 1);
	cr_assert_geq(metric(m1, "cavra_http_requests_in_flight"), 1);
	cr_assert(strstr(m1, "\n# TYPE cavra_http_request_duration_seconds "
	    "histogram\n") != NULL);
	cr_assert(has_metric(m1, "cavra_store_commits_total"));
	cr_assert(has_metric(m1, "cavra_journal_depth"));
	cr_assert_gt(metric(m1, "cavra_resident_memory_bytes{process="
	    "\"parent\"}"), 0, "%s", m1);
	workers = metric(m1, "cavra_workers");
	cr_assert_geq(workers, 1);
	for (i = 0; i < workers; i++) {
		snprintf(name, sizeof(name), "cavra_resident_memory_bytes"
		    "{process=\"worker\",worker=\"%d\"}", i);
		cr_assert_gt(metric(m1, name), 0, "no %s", name);
	}
	free(m0);
	free(m1);

	/* The responder's own socket answers /metrics too. */
	m0 = fcgi_req("registry", "GET", "/metrics", NULL);
	cr_assert(strncmp(m0, "Status: 200 ", 12) == 0, "%s", m0);
	cr_assert(strstr(m0, "\n# TYPE cavra_http_requests_total counter\n")
	    != NULL);
	free(m0);
}

/* Whether the log has the restart line of `pid` with delay `ms`. */
static int
restart_logged(const char *log, pid_t pid, long ms)
{
	char		 head[64], tail[64];
	const char	*p, *e;

	snprintf(head, sizeof(head), ": worker %d (slot ", (int)pid);
	snprintf(tail, sizeof(tail), "restarting in %ld ms\n", ms);
	if ((p = strstr(log, head)) == NULL || (e = strchr(p, '\n')) == NULL)
		return 0;
	p = strstr(p, tail);
	return p != NULL && p + strlen(tail) - 1 == e;
}

/*
 * A worker killed three times in a row (each time the one that replaced
 * it) is restarted after 100, 200 and 400 ms, as its log says; the
 * responder then still serves, its counts did not go down, and it
 * counted three restarts.
 */
API_TEST(library, killed_worker_restarts_with_backoff)
{
	static const char *const ok = "cavra_http_requests_total{route="
	    "\"/policy-pack-catalog\",method=\"GET\",code=\"2xx\"}";
	static const char *const restarts = "cavra_worker_restarts_total";
	struct api_resp	 r;
	pid_t		 ppid, kids[KIDS_MAX], victim, dead[3];
	long long	 ms, expect;
	char		*m0, *m1, *log, logpath[4096];
	int		 i, n;

	api_req("GET", "/policy-pack-catalog", NULL, NULL, &r);
	cr_assert_eq(r.status, 200);
	api_free(&r);
	m0 = metrics_of("policy");
	ppid = responder_pid("policy");
	n = children(ppid, kids);
	cr_assert_geq(n, 1, "cavra-policy (%d) has no workers", (int)ppid);
	victim = kids[0];
	for (i = 0; i < 3; i++) {
		dead[i] = victim;
		expect = 100LL << i;
		victim = kill_and_wait(ppid, victim, &ms);
		cr_assert_geq(ms, expect, "restart %d came after %lld ms, "
		    "before its back-off of %lld ms", i + 1, ms, expect);
		cr_assert_lt(ms, expect + 5000, "restart %d took %lld ms",
		    i + 1, ms);
	}
	snprintf(logpath, sizeof(logpath), "%s/cavra-policy.log",
	    api_run_dir());
	log = slurp(logpath);
	for (i = 0; i < 3; i++)
		cr_assert(restart_logged(log, dead[i], 100L << i),
		    "no restart of %d after %ld ms in %s", (int)dead[i],
		    100L << i, logpath);
	free(log);

	for (i = 0; i < 4; i++) {
		api_req("GET", "/policy-pack-catalog", NULL, NULL, &r);
		cr_assert_eq(r.status, 200, "after the restarts: %ld %s",
		    r.status, r.body);
		api_free(&r);
	}
	m1 = metrics_of("policy");
	cr_assert_eq(metric(m1, ok) - metric(m0, ok), 4, "%s", m1);
	cr_assert_eq(metric(m1, restarts) - metric(m0, restarts), 3);
	free(m0);
	free(m1);
}

/*
 * The stores a responder creates have no world access: the JSON store is
 * 0640 (it sets that itself), a SQLite store 0644 less the responder's
 * umask, which is the inherited one plus 027.
 */
API_TEST(library, stores_are_not_world_readable)
{
	struct api_resp	 r;
	struct stat	 st;
	char		 path[4096], id[ID_LEN], body[256];
	mode_t		 mask, want;

	uid(id, "agent-mode");
	snprintf(body, sizeof(body), "{\"agent_id\":\"%s\"}", id);
	api_req("POST", "/agents", body, NULL, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	api_free(&r);
	mask = umask(0);
	umask(mask);
	if (strcmp(api_mode(), "sqlite") == 0) {
		snprintf(path, sizeof(path), "%s/registry.db", api_run_dir());
		want = 0644 & ~(mask | 027);
	} else {
		snprintf(path, sizeof(path), "%s/.cavra/api/registry.json",
		    api_run_dir());
		want = 0640;
	}
	cr_assert_eq(stat(path, &st), 0, "%s: %s", path, strerror(errno));
	cr_assert_eq(st.st_mode & 0777, want, "%s is %o, want %o", path,
	    (unsigned)(st.st_mode & 0777), (unsigned)want);
	if (strcmp(api_mode(), "sqlite") == 0) {
		strncat(path, "-wal", sizeof(path) - strlen(path) - 1);
		if (stat(path, &st) == 0)
			cr_assert_eq(st.st_mode & 0777, want, "%s is %o", path,
			    (unsigned)(st.st_mode & 0777));
	}
}

/*
 * A private cavra-console with one worker: killed five times in a row,
 * its restart waits 1600 ms; a SIGTERM sent meanwhile stops the responder
 * at once (exit 0), without the restart.
 */
Test(library, stop_does_not_wait_for_a_restart)
{
	char		 dir[] = "/tmp/cavra-library-XXXXXX", sock[256];
	char		 logpath[256], bin[4096], *log;
	pid_t		 pid, kids[KIDS_MAX], victim;
	long long	 ms, t0;
	int		 i, n, fd, status;

	cr_assert_not_null(mkdtemp(dir));
	snprintf(sock, sizeof(sock), "%s/console.sock", dir);
	snprintf(logpath, sizeof(logpath), "%s/console.log", dir);
	snprintf(bin, sizeof(bin), "%s/fcgi/cavra-console", BUILDDIR);
	cr_assert_geq(pid = fork(), 0);
	if (pid == 0) {
		/* Stopped with this test, whatever happens to it. */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if ((fd = open(logpath, O_WRONLY | O_CREAT | O_TRUNC,
		    0600)) >= 0)
			dup2(fd, STDERR_FILENO);
		execl(bin, bin, "-n", "1", "-s", sock, (char *)NULL);
		_exit(127);
	}
	for (t0 = now_ms(); access(sock, F_OK) != 0 &&
	    now_ms() - t0 < WAIT_MS; )
		nap_ms(10);
	for (t0 = now_ms(); (n = children(pid, kids)) < 1 &&
	    now_ms() - t0 < WAIT_MS; )
		nap_ms(10);
	cr_assert_eq(n, 1, "cavra-console did not start its worker");
	victim = kids[0];
	for (i = 0; i < 4; i++)
		victim = kill_and_wait(pid, victim, &ms);
	/* The fifth death: its restart is due in 1600 ms. */
	cr_assert_eq(kill(victim, SIGKILL), 0);
	for (t0 = now_ms(), log = NULL; now_ms() - t0 < WAIT_MS; nap_ms(10)) {
		free(log);
		log = slurp(logpath);
		if (restart_logged(log, victim, 1600))
			break;
	}
	cr_assert(restart_logged(log, victim, 1600), "%s", log);
	free(log);
	t0 = now_ms();
	cr_assert_eq(kill(pid, SIGTERM), 0);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	ms = now_ms() - t0;
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "status %#x", status);
	cr_assert_lt(ms, 1000, "the stop took %lld ms", ms);
	log = slurp(logpath);
	cr_assert(strstr(log, "cavra-console: stopped\n") != NULL, "%s", log);
	free(log);
	unlink(logpath);
	unlink(sock);
	rmdir(dir);
}
