/*
 * Unit tests of the outbound HTTP client (cv_client.h) against
 * tests/http-recv, a receiver on loopback started per test: attempts,
 * retries and their waits, timeouts, the answer body cap, what is sent,
 * the redaction of the evidence, and the provider spec reader.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <netinet/in.h>

#include <arpa/inet.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <json-c/json.h>

#include "cavra.h"
#include "cv_client.h"
#include "recv.h"
#include "tmpdir.h"

#define SLACK_REDACTED	"https://hooks.slack.com/services/REDACTED"

static char		 tmpdir[1024];
static struct cv_arena	 arena;
static struct recv_set	 rs;

static void
setup(void)
{
	tmpdir_make(tmpdir, sizeof(tmpdir), "client");
	cv_arena_init(&arena);
}

static void
teardown(void)
{
	recv_stop_all(&rs);
	cv_arena_free(&arena);
	tmpdir_remove(tmpdir);
}

TestSuite(client, .init = setup, .fini = teardown, .timeout = 60);

/*
 * Starts BUILDDIR/tests/http-recv with up to three extra arguments (the
 * first NULL ends them) and waits for its port file.
 */
/* Starts a receiver with up to three extra arguments (the first NULL
 * ends them). */
static struct recv *
recv_start(const char *a1, const char *a2, const char *a3)
{
	const char	*args[4] = { a1, a2, a3, NULL };

	return recv_run(&rs, tmpdir, a1 == NULL ? NULL : args);
}

/* The receiver's log so far (arena; "" when empty). */
static const char *
recv_log(const struct recv *r)
{
	char	*buf;
	FILE	*f;
	size_t	 n;

	buf = cv_arena_alloc(&arena, 1024 * 1024);
	if ((f = fopen(r->log, "r")) == NULL)
		return "";
	n = fread(buf, 1, 1024 * 1024 - 1, f);
	fclose(f);
	buf[n] = '\0';
	return buf;
}

/* Requests the receiver logged: one request line each. */
static int
recv_count(const struct recv *r)
{
	const char	*p = recv_log(r);
	int		 n = 0;

	while ((p = strstr(p, " HTTP/1.1\n")) != NULL) {
		n++;
		p++;
	}
	return n;
}

static char *
url_of(const struct recv *r, const char *path)
{
	return cv_arena_printf(&arena, "http://127.0.0.1:%d%s", r->port,
	    path);
}

static struct json_object *
conf_of(const char *text)
{
	struct json_object	*o = json_tokener_parse(text);

	cr_assert_not_null(o, "bad test JSON: %s", text);
	return o;
}

/* Header `name` of provider p, or NULL. */
static const char *
prov_header(const struct cv_provider *p, const char *name)
{
	size_t	 i;

	for (i = 0; i < p->nheaders; i++)
		if (strcmp(p->headers[i].name, name) == 0)
			return p->headers[i].value;
	return NULL;
}

static const struct cv_kv secret_headers[] = {
	{ "authorization", "Bearer tok-secret" },
	{ "x-api-key", "key-secret" },
	{ "x-trace", "trace-1" },
};

Test(client, success_is_one_attempt)
{
	struct cv_out_result	 res;
	struct cv_out		 out = { 0 };
	struct recv		*r = recv_start(NULL, NULL, NULL);
	const char		*log;

	out.url = url_of(r, "/hook");
	out.headers = secret_headers;
	out.nheaders = nitems(secret_headers);
	out.body = "{\"a\":1}";
	out.bodylen = strlen(out.body);
	out.timeout_s = 5;
	out.retries = 2;
	cr_assert_eq(cv_client_send(&arena, &out, &res), CV_OK);
	cr_assert_eq(res.success, 1);
	cr_assert_eq(res.status, 200);
	cr_assert_eq(res.attempts, 1);
	cr_assert_null(res.error);
	cr_assert_neq(res.started_at[0], '\0');
	cr_assert_leq(strcmp(res.started_at, res.completed_at), 0);
	cr_assert_eq(recv_count(r), 1);

	/* The real headers went out: redaction is only in the evidence. */
	log = recv_log(r);
	cr_assert_not_null(strstr(log, "POST /hook HTTP/1.1\n"), "%s", log);
	cr_assert_not_null(strstr(log, "\nauthorization: Bearer tok-secret\n"),
	    "%s", log);
	cr_assert_not_null(strstr(log, "\nx-api-key: key-secret\n"), "%s",
	    log);
	cr_assert_not_null(strstr(log, "\nContent-Type: application/json\n"),
	    "%s", log);
	cr_assert_not_null(strstr(log, "\n\n{\"a\":1}\n"), "%s", log);
}

/* A proxy named by the environment is not used (cv_client.h). */
Test(client, proxy_environment_is_ignored)
{
	struct cv_out_result	 res;
	struct cv_out		 out = { 0 };
	struct recv		*r = recv_start(NULL, NULL, NULL);
	char			*proxy;

	proxy = cv_arena_printf(&arena, "http://127.0.0.1:%d", recv_dead_port());
	setenv("http_proxy", proxy, 1);
	setenv("HTTPS_PROXY", proxy, 1);
	setenv("ALL_PROXY", proxy, 1);
	out.url = url_of(r, "/hook");
	out.timeout_s = 5;
	cr_assert_eq(cv_client_send(&arena, &out, &res), CV_OK);
	cr_assert_eq(res.success, 1, "%s", res.error);
	cr_assert_eq(recv_count(r), 1);
}

Test(client, http_error_retries_then_reports_status)
{
	struct cv_out_result	 res;
	struct cv_out		 out = { 0 };
	struct recv		*r = recv_start("-s", "500", NULL);
	double			 t0, dt;

	out.url = url_of(r, "/hook");
	out.timeout_s = 5;
	out.retries = 2;
	t0 = recv_now();
	cr_assert_eq(cv_client_send(&arena, &out, &res), CV_OK);
	dt = recv_now() - t0;
	cr_assert_eq(res.success, 0);
	cr_assert_eq(res.status, 500);
	cr_assert_eq(res.attempts, 3);
	cr_assert_str_eq(res.error, "HTTP 500");
	cr_assert_eq(recv_count(r), 3);
	/* Waits of 0.25 s and 0.5 s between the attempts. */
	cr_assert_geq(dt, 0.74, "%.3f s", dt);
	cr_assert_lt(dt, 5.0, "%.3f s", dt);
}

/* The milliseconds between the receiver's requests i and i+1 (-t). */
static long
recv_gap(const struct recv *r, int i)
{
	const char	*log = recv_log(r), *p;
	long		 t[2] = { 0, 0 };
	int		 n = 0;

	for (p = log; (p = strchr(p, '@')) != NULL; p++) {
		if (p != log && p[-1] != '\n')
			continue;
		if (n == i || n == i + 1)
			t[n - i] = strtol(p + 1, NULL, 10);
		if (++n > i + 1)
			return t[1] - t[0];
	}
	cr_assert_fail("fewer than %d requests", i + 2);
	return 0;
}

Test(client, retries_are_clamped)
{
	struct cv_out_result	 res;
	struct cv_out		 out = { 0 };
	struct recv		*r = recv_start("-s", "503", "-t");
	double			 t0, dt;
	long			 gap;

	out.url = url_of(r, "/hook");
	out.timeout_s = 5;
	out.retries = 1000;
	t0 = recv_now();
	cr_assert_eq(cv_client_send(&arena, &out, &res), CV_OK);
	dt = recv_now() - t0;
	cr_assert_eq(res.attempts, CV_CLIENT_RETRIES_MAX + 1);
	cr_assert_eq(recv_count(r), CV_CLIENT_RETRIES_MAX + 1);
	cr_assert_str_eq(res.error, "HTTP 503");
	/* 0.25 + 0.5 + 0.75 + 1 + 1: each wait is capped at 1 s (else the
	 * last would be 1.25 s). */
	cr_assert_geq(dt, 3.49, "%.3f s", dt);
	cr_assert_lt(dt, 5.5, "%.3f s", dt);
	gap = recv_gap(r, 4);
	cr_assert_geq(gap, 995, "%ld ms", gap);
	cr_assert_lt(gap, 1200, "%ld ms", gap);

	out.retries = -3;
	cr_assert_eq(cv_client_send(&arena, &out, &res), CV_OK);
	cr_assert_eq(res.attempts, 1);
	cr_assert_eq(recv_count(r), CV_CLIENT_RETRIES_MAX + 2);
}

Test(client, dead_port_is_unreachable)
{
	struct cv_out_result	 res;
	struct cv_out		 out = { 0 };

	out.url = cv_arena_printf(&arena, "http://127.0.0.1:%d/hook",
	    recv_dead_port());
	out.timeout_s = 2;
	out.retries = 1;
	cr_assert_eq(cv_client_send(&arena, &out, &res), CV_OK);
	cr_assert_eq(res.success, 0);
	cr_assert_eq(res.status, 0);
	cr_assert_eq(res.attempts, 2);
	cr_assert_str_eq(res.error, "connector endpoint unreachable");
}

Test(client, timeout_bounds_an_attempt)
{
	struct cv_out_result	 res;
	struct cv_out		 out = { 0 };
	struct recv		*r = recv_start("-d", "3000", NULL);
	double			 t0, dt;

	out.url = url_of(r, "/slow");
	out.timeout_s = 0.5;
	out.retries = 1;
	t0 = recv_now();
	cr_assert_eq(cv_client_send(&arena, &out, &res), CV_OK);
	dt = recv_now() - t0;
	cr_assert_eq(res.status, 0);
	cr_assert_eq(res.attempts, 2);
	cr_assert_str_eq(res.error, "connector endpoint unreachable");
	/* Two attempts of 0.5 s and a wait of 0.25 s. */
	cr_assert_geq(dt, 1.2, "%.3f s", dt);
	cr_assert_lt(dt, 2.2, "%.3f s", dt);
}

Test(client, timeout_has_a_floor)
{
	struct cv_out_result	 res;
	struct cv_out		 out = { 0 };
	struct recv		*r = recv_start("-d", "2000", NULL);
	double			 t0, dt;
	int			 i;

	out.url = url_of(r, "/slow");
	for (i = 0; i < 2; i++) {
		out.timeout_s = i == 0 ? 0.001 : NAN;
		t0 = recv_now();
		cr_assert_eq(cv_client_send(&arena, &out, &res), CV_OK);
		dt = recv_now() - t0;
		cr_assert_str_eq(res.error, "connector endpoint unreachable");
		cr_assert_geq(dt, 0.095, "%.3f s", dt);
		cr_assert_lt(dt, 1.0, "%.3f s", dt);
	}
}

Test(client, answer_body_is_capped)
{
	struct cv_out_result	 res;
	struct cv_out		 out = { 0 };
	struct recv		*r = recv_start("-B", NULL, NULL);
	double			 t0, dt;

	out.url = url_of(r, "/endless");
	out.timeout_s = 10;
	t0 = recv_now();
	cr_assert_eq(cv_client_send(&arena, &out, &res), CV_OK);
	dt = recv_now() - t0;
	cr_assert_eq(res.success, 1);
	cr_assert_eq(res.status, 200);
	cr_assert_null(res.error);
	cr_assert_lt(dt, 3.0, "%.3f s", dt);
}

Test(client, redirects_are_not_followed)
{
	struct cv_out_result	 res;
	struct cv_out		 out = { 0 };
	struct recv		*r = recv_start("-s", "302", NULL);

	out.url = url_of(r, "/hook");
	out.timeout_s = 5;
	cr_assert_eq(cv_client_send(&arena, &out, &res), CV_OK);
	cr_assert_eq(res.status, 302);
	cr_assert_str_eq(res.error, "HTTP 302");
	cr_assert_eq(recv_count(r), 1);
	cr_assert_null(strstr(recv_log(r), "/redirected"));
}

Test(client, method_content_type_and_body)
{
	static const struct cv_kv ctype[] = { { "content-type", "text/csv" } };
	struct cv_out_result	 res;
	struct cv_out		 out = { 0 };
	struct recv		*r = recv_start(NULL, NULL, NULL);
	const char		*log;

	out.url = url_of(r, "/put");
	out.method = "PUT";
	out.ctype = "text/plain";
	out.body = "hello";
	out.bodylen = 5;
	out.timeout_s = 5;
	cr_assert_eq(cv_client_send(&arena, &out, &res), CV_OK);
	cr_assert_eq(res.success, 1);

	/* A content-type header wins over ctype; GET sends no body. */
	out.method = "GET";
	out.url = url_of(r, "/get");
	out.headers = ctype;
	out.nheaders = 1;
	cr_assert_eq(cv_client_send(&arena, &out, &res), CV_OK);
	log = recv_log(r);
	cr_assert_not_null(strstr(log, "PUT /put HTTP/1.1\n"), "%s", log);
	cr_assert_not_null(strstr(log, "\nContent-Type: text/plain\n"), "%s",
	    log);
	cr_assert_not_null(strstr(log, "\n\nhello\n"), "%s", log);
	log = strstr(log, "GET /get HTTP/1.1\n");
	cr_assert_not_null(log);
	cr_assert_not_null(strstr(log, "\ncontent-type: text/csv\n"), "%s",
	    log);
	cr_assert_null(strstr(log, "text/plain"), "%s", log);
	cr_assert_null(strstr(log, "hello"), "%s", log);
}

Test(client, bad_requests_are_refused)
{
	static const struct cv_kv inject[] = {
		{ "x-a", "ok\r\nx-evil: 1" }
	};
	static const struct cv_kv badname[] = { { "x a", "v" } };
	static const char *const urls[] = {
		"ftp://127.0.0.1/x", "file:///etc/passwd",
		"gopher://127.0.0.1/", "127.0.0.1:80/x", "", "http://",
	};
	struct cv_out_result	 res;
	struct cv_out		 out = { 0 };
	size_t			 i;

	for (i = 0; i < nitems(urls); i++) {
		out.url = urls[i];
		cr_assert_eq(cv_client_send(&arena, &out, &res), CV_EINVAL,
		    "%s", urls[i]);
		cr_assert_eq(res.attempts, 0);
	}
	out.url = NULL;
	cr_assert_eq(cv_client_send(&arena, &out, &res), CV_EINVAL);
	out.url = "http://127.0.0.1:9/";
	out.method = "PO ST";
	cr_assert_eq(cv_client_send(&arena, &out, &res), CV_EINVAL);
	out.method = NULL;
	out.headers = inject;
	out.nheaders = 1;
	cr_assert_eq(cv_client_send(&arena, &out, &res), CV_EINVAL);
	out.headers = badname;
	cr_assert_eq(cv_client_send(&arena, &out, &res), CV_EINVAL);
	out.headers = NULL;
	out.nheaders = 0;
	out.ctype = "text/plain\r\nx-evil: 1";
	cr_assert_eq(cv_client_send(&arena, &out, &res), CV_EINVAL);
}

Test(client, redact_url)
{
	static const char *const cases[][2] = {
		{ "https://hooks.slack.com/services/T000/B000/XXXX",
		    SLACK_REDACTED },
		{ "http://HOOKS.SLACK.COM/services/a?b=c", SLACK_REDACTED },
		{ "https://example.com/hook?token=abc&x=1",
		    "https://example.com/hook?REDACTED" },
		{ "https://user:pass@example.com/hook",
		    "https://example.com/hook" },
		{ "https://user:p@ss@example.com:8443/h?k=v#f",
		    "https://example.com:8443/h?REDACTED" },
		{ "https://u@example.com?x", "https://example.com?REDACTED" },
		{ "https://example.com/path", "https://example.com/path" },
		{ "https://example.com/a@b/c", "https://example.com/a@b/c" },
		{ "https://example.com/p#frag", "https://example.com/p" },
		{ "https://example.com/p#f?q",
		    "https://example.com/p?REDACTED" },
	};
	size_t	 i;

	for (i = 0; i < nitems(cases); i++)
		cr_assert_str_eq(cv_redact_url(&arena, cases[i][0]),
		    cases[i][1], "%s", cases[i][0]);
	cr_assert_null(cv_redact_url(&arena, NULL));
}

Test(client, redact_headers)
{
	static const struct cv_kv h[] = {
		{ "Authorization", "Bearer a" },
		{ "X-API-Key", "k1" },
		{ "api-key", "k2" },
		{ "dd-api-key", "k3" },
		{ "X-Trace", "t" },
	};
	struct json_object	*o;
	const char		*s;

	o = cv_redact_headers(h, nitems(h), cv_redact_approval);
	s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	cr_assert_str_eq(s, "{\"authorization\":\"REDACTED\","
	    "\"x-api-key\":\"REDACTED\",\"api-key\":\"REDACTED\","
	    "\"dd-api-key\":\"k3\",\"x-trace\":\"t\"}");
	json_object_put(o);
	o = cv_redact_headers(h, nitems(h), cv_redact_connector);
	s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	cr_assert_str_eq(s, "{\"authorization\":\"REDACTED\","
	    "\"x-api-key\":\"REDACTED\",\"api-key\":\"REDACTED\","
	    "\"dd-api-key\":\"REDACTED\",\"x-trace\":\"t\"}");
	json_object_put(o);
}

/*
 * A delivery from a provider entry: the receiver sees the real URL and
 * headers, the evidence shows none of the secrets.
 */
Test(client, delivery_evidence_is_redacted)
{
	struct cv_out_result	 res;
	struct cv_provider	 p;
	struct cv_out		 out = { 0 };
	struct json_object	*conf, *ev, *req, *h;
	struct recv		*r = recv_start(NULL, NULL, NULL);
	const char		*s, *log, *url;
	char			 err[256];

	conf = conf_of(cv_arena_printf(&arena, "{\"url\":"
	    "\"http://127.0.0.1:%d/hook?token=qs-secret\",\"token\":"
	    "\"tok-secret\",\"api_key\":\"key-secret\",\"headers\":"
	    "{\"api-key\":\"ak-secret\",\"X-Trace\":\"t1\"}}", r->port));
	cr_assert_eq(cv_provider_load(&arena, "webhook", conf, &p, err,
	    sizeof(err)), CV_OK, "%s", err);
	out.method = p.method;
	out.url = p.url;
	out.headers = p.headers;
	out.nheaders = p.nheaders;
	out.body = "{\"secret_body\":1}";
	out.bodylen = strlen(out.body);
	out.timeout_s = 5;
	cr_assert_eq(cv_client_send(&arena, &out, &res), CV_OK);
	cr_assert_eq(res.success, 1);

	log = recv_log(r);
	cr_assert_not_null(strstr(log, "POST /hook?token=qs-secret "), "%s",
	    log);
	cr_assert_not_null(strstr(log, "\nauthorization: Bearer tok-secret\n"),
	    "%s", log);
	cr_assert_not_null(strstr(log, "\nx-api-key: key-secret\n"), "%s",
	    log);
	cr_assert_not_null(strstr(log, "\napi-key: ak-secret\n"), "%s", log);

	ev = cv_delivery_json(&arena, &p, &res, cv_redact_approval);
	s = json_object_to_json_string_ext(ev, JSON_C_TO_STRING_PLAIN);
	cr_assert_null(strstr(s, "secret"), "%s", s);
	cr_assert_str_eq(json_object_get_string(json_object_object_get(ev,
	    "provider")), "webhook");
	cr_assert(json_object_get_boolean(json_object_object_get(ev,
	    "success")));
	cr_assert_eq(json_object_get_int(json_object_object_get(ev,
	    "status_code")), 200);
	cr_assert_eq(json_object_get_int(json_object_object_get(ev,
	    "attempt_count")), 1);
	cr_assert(json_object_object_get_ex(ev, "error", &h) && h == NULL);
	cr_assert_not_null(json_object_object_get(ev, "started_at"));
	cr_assert_not_null(json_object_object_get(ev, "completed_at"));
	req = json_object_object_get(ev, "request");
	cr_assert_eq(json_object_object_length(req), 3, "%s", s);
	cr_assert_str_eq(json_object_get_string(json_object_object_get(req,
	    "method")), "POST");
	url = json_object_get_string(json_object_object_get(req, "url"));
	cr_assert_str_eq(url, cv_arena_printf(&arena,
	    "http://127.0.0.1:%d/hook?REDACTED", r->port));
	h = json_object_object_get(req, "headers");
	cr_assert_str_eq(json_object_get_string(json_object_object_get(h,
	    "authorization")), "REDACTED");
	cr_assert_str_eq(json_object_get_string(json_object_object_get(h,
	    "x-api-key")), "REDACTED");
	cr_assert_str_eq(json_object_get_string(json_object_object_get(h,
	    "api-key")), "REDACTED");
	cr_assert_str_eq(json_object_get_string(json_object_object_get(h,
	    "x-trace")), "t1");
	json_object_put(ev);
	json_object_put(conf);
}

Test(client, delivery_evidence_of_a_failure)
{
	struct cv_out_result	 res = { 0 };
	struct cv_provider	 p;
	struct json_object	*conf, *ev, *req, *h;
	const char		*s;
	char			 err[256];

	conf = conf_of("{\"url\":\"https://hooks.slack.com/services/T1/B2/"
	    "sekrit\",\"api_key\":\"k-sekrit\",\"api_key_header\":"
	    "\"X-Splunk-Key\",\"headers\":{\"dd-api-key\":\"dd-sekrit\"}}");
	cr_assert_eq(cv_provider_load(&arena, "slack", conf, &p, err,
	    sizeof(err)), CV_OK, "%s", err);
	res.status = 0;
	res.attempts = 2;
	res.error = "connector endpoint unreachable";
	ev = cv_delivery_json(&arena, &p, &res, cv_redact_connector);
	s = json_object_to_json_string_ext(ev, JSON_C_TO_STRING_PLAIN);
	cr_assert_null(strstr(s, "sekrit"), "%s", s);
	cr_assert_eq(json_object_get_int(json_object_object_get(ev,
	    "status_code")), 0);
	cr_assert_str_eq(json_object_get_string(json_object_object_get(ev,
	    "error")), "connector endpoint unreachable");
	cr_assert(!json_object_get_boolean(json_object_object_get(ev,
	    "success")));
	req = json_object_object_get(ev, "request");
	cr_assert_str_eq(json_object_get_string(json_object_object_get(req,
	    "url")), SLACK_REDACTED);
	h = json_object_object_get(req, "headers");
	cr_assert_str_eq(json_object_get_string(json_object_object_get(h,
	    "x-splunk-key")), "REDACTED");
	cr_assert_str_eq(json_object_get_string(json_object_object_get(h,
	    "dd-api-key")), "REDACTED");
	json_object_put(ev);

	/* No request went out: no status. */
	res.error = "connector delivery failed";
	ev = cv_delivery_json(&arena, &p, &res, cv_redact_connector);
	cr_assert(json_object_object_get_ex(ev, "status_code", &h) &&
	    h == NULL);
	json_object_put(ev);

	/* Approvals do not redact dd-api-key (record-contracts 5.8). */
	ev = cv_delivery_json(&arena, &p, &res, cv_redact_approval);
	h = json_object_object_get(json_object_object_get(ev, "request"),
	    "headers");
	cr_assert_str_eq(json_object_get_string(json_object_object_get(h,
	    "dd-api-key")), "dd-sekrit");
	cr_assert_str_eq(json_object_get_string(json_object_object_get(h,
	    "x-splunk-key")), "REDACTED");
	json_object_put(ev);
	json_object_put(conf);
}

/* Loads `text` as provider "webhook"; returns the result, err filled. */
static enum cv_err
load(const char *text, struct cv_provider *p, char *err, size_t errlen)
{
	struct json_object	*conf = conf_of(text);
	enum cv_err		 e;

	err[0] = '\0';
	e = cv_provider_load(&arena, "webhook", conf, p, err, errlen);
	/* p->conf is borrowed: the tests below only read p->headers. */
	json_object_put(conf);
	p->conf = NULL;
	return e;
}

Test(client, provider_errors)
{
	static const char *const cases[][2] = {
		{ "{\"url_env\":\"CV_TEST_NO_SUCH_URL\"}",
		    "environment variable CV_TEST_NO_SUCH_URL is required for "
		    "connector url" },
		{ "{}", "connector webhook must configure url or url_env" },
		{ "{\"url\":42}", "connector webhook url must be a string" },
		{ "{\"url_env\":[]}",
		    "connector webhook url_env must be a string" },
		{ "{\"url\":\"ftp://x/\"}",
		    "connector webhook url must be an http or https URL" },
		{ "{\"url\":\"http://x/\",\"headers\":[]}",
		    "connector webhook headers must be an object" },
		{ "{\"url\":\"http://x/\",\"headers\":{\"X-N\":1}}",
		    "connector webhook header X-N must be a string" },
		{ "{\"url\":\"http://x/\",\"headers\":"
		    "{\"X-N\":\"a\\r\\nb: c\"}}",
		    "connector webhook header X-N is not a valid HTTP header" },
		{ "{\"url\":\"http://x/\",\"headers\":{\"X N\":\"a\"}}",
		    "connector webhook header X N is not a valid HTTP header" },
		{ "{\"url\":\"http://x/\",\"enabled\":\"no\"}",
		    "connector webhook enabled must be true or false" },
		{ "{\"url\":\"http://x/\",\"method\":\"PO ST\"}",
		    "connector webhook method is not an HTTP method" },
		{ "{\"url\":\"http://x/\",\"method\":1}",
		    "connector webhook method must be a string" },
		{ "{\"url\":\"http://x/\",\"authorization_env\":"
		    "\"CV_TEST_NO_SUCH_AUTH\"}",
		    "environment variable CV_TEST_NO_SUCH_AUTH is required for "
		    "connector authorization" },
		{ "{\"url\":\"http://x/\",\"token_env\":"
		    "\"CV_TEST_NO_SUCH_TOK\"}",
		    "environment variable CV_TEST_NO_SUCH_TOK is required for "
		    "connector token" },
		{ "{\"url\":\"http://x/\",\"api_key_env\":"
		    "\"CV_TEST_NO_SUCH_KEY\"}",
		    "environment variable CV_TEST_NO_SUCH_KEY is required for "
		    "connector api_key" },
		{ "{\"url\":\"http://x/\",\"token\":\"t\","
		    "\"authorization_scheme\":true}",
		    "connector webhook authorization_scheme must be a string" },
		{ "[]", "connector webhook must be an object" },
	};
	struct cv_provider	 p;
	char			 err[256];
	size_t			 i;

	unsetenv("CV_TEST_NO_SUCH_URL");
	unsetenv("CV_TEST_NO_SUCH_AUTH");
	unsetenv("CV_TEST_NO_SUCH_TOK");
	unsetenv("CV_TEST_NO_SUCH_KEY");
	for (i = 0; i < nitems(cases); i++) {
		cr_assert_eq(load(cases[i][0], &p, err, sizeof(err)),
		    CV_EINVAL, "%s", cases[i][0]);
		cr_assert_str_eq(err, cases[i][1], "%s", cases[i][0]);
	}
}

Test(client, provider_too_many_headers)
{
	struct cv_provider	 p;
	struct cv_text		 t = { 0 };
	char			 err[256];
	int			 i;

	cv_text_str(&t, "{\"url\":\"http://x/\",\"headers\":{");
	for (i = 0; i <= CV_CLIENT_HEADERS_MAX; i++)
		cv_text_printf(&t, "%s\"x-h%d\":\"v\"", i > 0 ? "," : "", i);
	cv_text_str(&t, "}}");
	cr_assert_eq(load(t.p, &p, err, sizeof(err)), CV_EINVAL);
	cr_assert_str_eq(err, "connector webhook has more than 32 headers");
	free(t.p);
}

Test(client, provider_reads_entry)
{
	struct cv_provider	 p;
	char			 err[256];

	/* Defaults; header names lower-cased; url from the environment. */
	setenv("CV_TEST_URL", "https://example.com/in?k=v", 1);
	cr_assert_eq(load("{\"url_env\":\"CV_TEST_URL\",\"headers\":"
	    "{\"X-Trace\":\"t\"}}", &p, err, sizeof(err)), CV_OK, "%s", err);
	cr_assert_str_eq(p.name, "webhook");
	cr_assert_str_eq(p.url, "https://example.com/in?k=v");
	cr_assert_str_eq(p.method, "POST");
	cr_assert_eq(p.enabled, 1);
	cr_assert_eq(p.has_auth, 0);
	cr_assert_eq(p.nheaders, 1);
	cr_assert_str_eq(prov_header(&p, "x-trace"), "t");

	/* token with a scheme; the method upper-cased. */
	cr_assert_eq(load("{\"url\":\"http://x/\",\"method\":\"put\","
	    "\"token\":\"abc\",\"authorization_scheme\":\"Token\"}", &p, err,
	    sizeof(err)), CV_OK, "%s", err);
	cr_assert_str_eq(p.method, "PUT");
	cr_assert_str_eq(prov_header(&p, "authorization"), "Token abc");
	cr_assert_eq(p.has_auth, 1);

	/* token_env, Bearer by default. */
	setenv("CV_TEST_TOKEN", "envtok", 1);
	cr_assert_eq(load("{\"url\":\"http://x/\",\"token_env\":"
	    "\"CV_TEST_TOKEN\"}", &p, err, sizeof(err)), CV_OK, "%s", err);
	cr_assert_str_eq(prov_header(&p, "authorization"), "Bearer envtok");

	/* authorization wins over token, and over a header of that name. */
	cr_assert_eq(load("{\"url\":\"http://x/\",\"token\":\"abc\","
	    "\"authorization\":\"Basic Zm9v\",\"headers\":{\"Authorization\":"
	    "\"old\"}}", &p, err, sizeof(err)), CV_OK, "%s", err);
	cr_assert_str_eq(prov_header(&p, "authorization"), "Basic Zm9v");
	cr_assert_eq(p.nheaders, 1);

	/* api_key: x-api-key by default, or its own header. */
	cr_assert_eq(load("{\"url\":\"http://x/\",\"api_key\":\"k\"}", &p, err,
	    sizeof(err)), CV_OK, "%s", err);
	cr_assert_str_eq(prov_header(&p, "x-api-key"), "k");
	cr_assert_eq(p.has_auth, 1);
	setenv("CV_TEST_KEY", "envkey", 1);
	cr_assert_eq(load("{\"url\":\"http://x/\",\"api_key_env\":"
	    "\"CV_TEST_KEY\",\"api_key_header\":\"DD-API-KEY\"}", &p, err,
	    sizeof(err)), CV_OK, "%s", err);
	cr_assert_str_eq(prov_header(&p, "dd-api-key"), "envkey");
	cr_assert_null(prov_header(&p, "x-api-key"));
	cr_assert_eq(p.has_auth, 1);

	/* has_auth from configured headers. */
	cr_assert_eq(load("{\"url\":\"http://x/\",\"headers\":"
	    "{\"DD-API-KEY\":\"d\"}}", &p, err, sizeof(err)), CV_OK);
	cr_assert_eq(p.has_auth, 1);
	cr_assert_eq(load("{\"url\":\"http://x/\",\"headers\":"
	    "{\"X-Other\":\"d\"}}", &p, err, sizeof(err)), CV_OK);
	cr_assert_eq(p.has_auth, 0);

	/* A disabled entry is not read further. */
	cr_assert_eq(load("{\"enabled\":false,\"url_env\":"
	    "\"CV_TEST_NO_SUCH_URL\"}", &p, err, sizeof(err)), CV_OK, "%s",
	    err);
	cr_assert_eq(p.enabled, 0);
}
