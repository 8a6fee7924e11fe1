/*
 * API test harness over libcurl.  See harness.h.
 */
#include "config.h"

#include <sys/file.h>

#include <ctype.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "flow.h"
#include "harness.h"

static const char	*mode = "json";
static int		 lockfd = -1;

static const char *modevar(const char *);

/*
 * Selects the stack and takes a shared lock on it for the rest of this
 * test process, so that api_restart() in a test running alongside (it
 * takes the lock exclusively) never stops the stack under this one.
 */
void
api_use(const char *m)
{
	char	 path[4096];

	mode = m;
	snprintf(path, sizeof(path), "%s/stack.lock", modevar("RUN"));
	lockfd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	cr_assert_geq(lockfd, 0, "open %s", path);
	cr_assert_eq(flock(lockfd, LOCK_SH), 0);
}

const char *
api_mode(void)
{
	return mode;
}

static const char *
modevar(const char *what)
{
	char		 name[64];
	const char	*v;

	snprintf(name, sizeof(name), "CAVRA_TEST_%s_%s",
	    strcmp(mode, "sqlite") == 0 ? "SQLITE" : "JSON", what);
	v = getenv(name);
	cr_assert_not_null(v, "%s is not set: run under tests/run-test", name);
	return v;
}

const char *
api_run_dir(void)
{
	return modevar("RUN");
}

struct sink {
	char	*p;
	size_t	 len;
};

static size_t
collect(char *data, size_t size, size_t n, void *arg)
{
	struct sink	*s = arg;
	size_t		 len = size * n;

	s->p = realloc(s->p, s->len + len + 1);
	cr_assert_not_null(s->p);
	memcpy(s->p + s->len, data, len);
	s->len += len;
	s->p[s->len] = '\0';
	return len;
}

static char	 source[64];	/* "host!ADDR" for CURLOPT_INTERFACE */

void
api_source(const char *addr)
{
	if (addr == NULL)
		source[0] = '\0';
	else
		snprintf(source, sizeof(source), "host!%s", addr);
}

void
api_req_len(const char *method, const char *path, const char *body,
    size_t len, const char *const *headers, struct api_resp *r)
{
	struct curl_slist	*hl = NULL;
	struct sink		 b = { NULL, 0 }, h = { NULL, 0 };
	const char *const	*h_ct;
	CURL			*c;
	CURLcode		 rc;
	char			 url[8192];

	memset(r, 0, sizeof(*r));
	snprintf(url, sizeof(url), "%s%s", modevar("BASE"), path);
	c = curl_easy_init();
	cr_assert_not_null(c);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	if (strcmp(method, "HEAD") == 0)
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	curl_easy_setopt(c, CURLOPT_PATH_AS_IS, 1L);
	if (body != NULL) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)len);
		/* JSON unless the test names a type ("Content-Type:" alone
		 * sends none). */
		for (h_ct = headers; h_ct != NULL && *h_ct != NULL; h_ct++)
			if (strncasecmp(*h_ct, "Content-Type:", 13) == 0)
				break;
		if (h_ct == NULL || *h_ct == NULL)
			hl = curl_slist_append(hl,
			    "Content-Type: application/json");
	}
	hl = curl_slist_append(hl, "Expect:");
	for (; headers != NULL && *headers != NULL; headers++)
		hl = curl_slist_append(hl, *headers);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &h);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
	if (source[0] != '\0')
		curl_easy_setopt(c, CURLOPT_INTERFACE, source);
	rc = curl_easy_perform(c);
	cr_assert_eq(rc, CURLE_OK, "%s %s: %s", method, url,
	    curl_easy_strerror(rc));
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
	curl_easy_cleanup(c);
	curl_slist_free_all(hl);
	r->body = b.p != NULL ? b.p : strdup("");
	r->len = b.len;
	r->headers = h.p != NULL ? h.p : strdup("");
	r->json = r->len > 0 ? json_tokener_parse(r->body) : NULL;
}

void
api_req(const char *method, const char *path, const char *body,
    const char *const *headers, struct api_resp *r)
{
	api_req_len(method, path, body, body != NULL ? strlen(body) : 0,
	    headers, r);
}

void
api_free(struct api_resp *r)
{
	free(r->body);
	free(r->headers);
	json_object_put(r->json);
	memset(r, 0, sizeof(*r));
}

char *
api_header(const struct api_resp *r, const char *name)
{
	const char	*p, *e, *v;
	size_t		 n = strlen(name);

	for (p = r->headers; *p != '\0'; p = *e != '\0' ? e + 1 : e) {
		e = strchr(p, '\n');
		if (e == NULL)
			e = p + strlen(p);
		if ((size_t)(e - p) > n && strncasecmp(p, name, n) == 0 &&
		    p[n] == ':') {
			for (v = p + n + 1; *v == ' '; v++)
				;
			while (e > v && isspace((unsigned char)e[-1]))
				e--;
			return strndup(v, (size_t)(e - v));
		}
		if (*e == '\0')
			break;
	}
	return NULL;
}

/*
 * Copies the end of this stack's restart.log into buf (size n), so that a
 * failed restart says why.
 */
static void
restart_log(char *buf, size_t n)
{
	char	 path[4096];
	FILE	*f;
	long	 len;
	size_t	 got;

	snprintf(path, sizeof(path), "%s/restart.log", api_run_dir());
	if ((f = fopen(path, "r")) == NULL)
		return;
	if (fseek(f, 0, SEEK_END) == 0 && (len = ftell(f)) > (long)n - 1)
		fseek(f, len - (long)n + 1, SEEK_SET);
	else
		rewind(f);
	got = fread(buf, 1, n - 1, f);
	buf[got] = '\0';
	fclose(f);
}

void
api_restart(void)
{
	char		 cmd[4096], var[128], val[4096], log[2048] = "";
	const char	*stores, *p, *e;
	int		 rc;

	/* Wait until no other test uses this stack. */
	cr_assert_eq(flock(lockfd, LOCK_EX), 0);
	if (strcmp(mode, "sqlite") == 0) {
		stores = getenv("CAVRA_TEST_STORES");
		cr_assert_not_null(stores);
		for (p = stores; *p != '\0'; p = *e ? e + 1 : e) {
			e = strchr(p, ' ');
			if (e == NULL)
				e = p + strlen(p);
			snprintf(var, sizeof(var), "CAVRA_%.*s_DB",
			    (int)(e - p), p);
			snprintf(val, sizeof(val), "%s/%.*s.db", api_run_dir(),
			    (int)(e - p), p);
			for (char *q = strrchr(val, '/') + 1; *q; q++)
				*q = *q == '_' ? '-' : (char)tolower(*q);
			setenv(var, val, 1);
		}
	}
	snprintf(cmd, sizeof(cmd), "\"%s/tests/stack\" restart \"%s\" "
	    ">\"%s/restart.log\" 2>&1", getenv("top_srcdir"), api_run_dir(),
	    api_run_dir());
	rc = system(cmd);
	if (rc != 0)
		restart_log(log, sizeof(log));
	cr_assert_eq(rc, 0, "stack restart failed: %s", log);
}

struct json_object *
api_get(struct json_object *o, const char *key)
{
	struct json_object	*v = NULL;

	cr_assert(o != NULL && json_object_object_get_ex(o, key, &v),
	    "missing key %s in %s", key, o != NULL ?
	    json_object_to_json_string(o) : "(no JSON body)");
	return v;
}

const char *
api_str(struct json_object *o, const char *key)
{
	struct json_object	*v = api_get(o, key);

	cr_assert(json_object_is_type(v, json_type_string),
	    "%s is not a string", key);
	return json_object_get_string(v);
}

long long
api_int(struct json_object *o, const char *key)
{
	struct json_object	*v = api_get(o, key);

	cr_assert(json_object_is_type(v, json_type_int), "%s is not an int",
	    key);
	return (long long)json_object_get_int64(v);
}

void
api_assert_problem(const struct api_resp *r, long status)
{
	char	*ct;

	cr_assert_eq(r->status, status, "status %ld, want %ld: %s", r->status,
	    status, r->body);
	ct = api_header(r, "Content-Type");
	cr_assert(ct != NULL && strcmp(ct, "application/problem+json") == 0,
	    "content type %s: %s", ct != NULL ? ct : "(none)", r->body);
	free(ct);
	cr_assert_not_null(r->json, "problem body is not JSON: %s", r->body);
	cr_assert(json_object_is_type(api_get(r->json, "detail"),
	    json_type_string), "detail must be a string: %s", r->body);
	cr_assert_eq(api_int(r->json, "status"), status);
}

void
api_uid(char *buf, size_t len, const char *prefix)
{
	static int	 n;
	struct timespec	 ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	snprintf(buf, len, "%s-%ld-%ld%09ld-%d", prefix, (long)getpid(),
	    (long)ts.tv_sec, ts.tv_nsec, n++);
}

/* The environment variable CAVRA_TEST_RECV_<NAME><suffix> of receiver
 * name (upper case, '-' as '_'), into buf. */
static void
recv_var(char *buf, size_t len, const char *name, const char *suffix)
{
	size_t	 i, n;

	n = (size_t)snprintf(buf, len, "CAVRA_TEST_RECV_");
	for (i = 0; name[i] != '\0' && n + 1 < len; i++, n++)
		buf[n] = name[i] == '-' ? '_' : (char)toupper(
		    (unsigned char)name[i]);
	buf[n] = '\0';
	snprintf(buf + n, len - n, "%s", suffix);
}

long
api_recv_port(const char *name)
{
	char		 var[128];
	const char	*v;

	recv_var(var, sizeof(var), name, "");
	v = getenv(var);
	cr_assert(v != NULL && atol(v) > 0, "no receiver %s (%s): list it in "
	    "tests/data/<test>.recv", name, var);
	return atol(v);
}

char *
api_recv_log(const char *name)
{
	char		 var[128], *buf;
	const char	*path;

	recv_var(var, sizeof(var), name, "_LOG");
	path = getenv(var);
	cr_assert(path != NULL, "no receiver %s (%s)", name, var);
	if ((buf = flow_read_file(path)) == NULL)
		buf = strdup("");
	return buf;
}

int
api_received(const char *name, const char *method)
{
	char	*log;
	int	 n;

	log = api_recv_log(name);
	n = flow_requests(log, method);
	free(log);
	return n;
}
