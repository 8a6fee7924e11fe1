/*
 * Unit tests of path and query parsing, the router and the dispatch
 * pipeline, driven with a fake CGI environment (no FastCGI, no nginx).
 */
#include "config.h"

#include <sys/wait.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "cavra.h"

static enum cv_err
h_echo(struct cv_req *req, struct cv_resp *resp)
{
	struct json_object	*o;
	size_t			 i;

	o = json_object_new_object();
	cv_json_add_str(o, "route", req->route->pattern);
	for (i = 0; i < req->nparams; i++)
		cv_json_add_str(o, req->params[i].name, req->params[i].value);
	if (req->json != NULL)
		json_object_object_add(o, "body", json_object_get(req->json));
	cv_resp_json(resp, 200, o);
	return CV_OK;
}

static enum cv_err
h_fail(struct cv_req *req, struct cv_resp *resp)
{
	(void)resp;
	return cv_fail_field(req, CV_EUNPROC, "target", "target must be a %s",
	    "string");
}

static enum cv_err
h_page(struct cv_req *req, struct cv_resp *resp)
{
	struct json_object	*o;
	size_t			 limit, offset;
	enum cv_err		 rc;

	if ((rc = cv_query_page(req, &limit, &offset)) != CV_OK)
		return rc;
	o = json_object_new_object();
	cv_json_add_int(o, "limit", (int64_t)limit);
	cv_json_add_int(o, "offset", (int64_t)offset);
	cv_resp_json(resp, 200, o);
	return CV_OK;
}

#define R(m, p, h, f)	{ .method = (m), .pattern = (p), .handler = (h), \
			    .flags = (f) }
static const struct cv_route routes[] = {
	R(CV_GET, "/health", h_echo, 0),
	R(CV_GET, "/agents/profiles", h_echo, 0),
	R(CV_GET, "/agents/{agent_id}", h_echo, 0),
	R(CV_POST, "/agents", h_echo, CV_BODY_JSON),
	R(CV_GET, "/agents", h_page, 0),
	R(CV_GET, "/repositories/{repository_id...}", h_echo, 0),
	R(CV_GET, "/repositories/{repository_id}/x", h_echo, 0),
	R(CV_POST, "/approvals/{approval_id}/expire", h_echo,
	    CV_BODY_JSON | CV_BODY_OPT),
	R(CV_POST, "/fail", h_fail, CV_BODY_JSON),
};

static const struct cv_app app = { .name = "test", .routes = routes,
    .nroutes = nitems(routes) };

struct env {
	const char	*kv[16][2];
};

static const char *
getv(void *ctx, const char *name)
{
	struct env	*e = ctx;
	int		 i;

	for (i = 0; i < 16 && e->kv[i][0] != NULL; i++)
		if (strcmp(e->kv[i][0], name) == 0)
			return e->kv[i][1];
	return NULL;
}

struct result {
	int			 status;
	struct json_object	*json;
	char			*out;
};

/*
 * Runs a request through cv_dispatch and renders it; `extra` is NULL or
 * NAME, VALUE, ..., NULL: more CGI variables.
 */
static struct result
run_env(const char *method, const char *uri, const char *qs,
    const char *body, const char *clen, const char *const *extra)
{
	static struct cv_arena	 arena;
	struct cv_router	*rt;
	struct cv_dispatch	 d;
	struct env		 e = { { { "REQUEST_METHOD", method },
	    { "REQUEST_URI", uri }, { "QUERY_STRING", qs },
	    { "CONTENT_LENGTH", clen }, { NULL, NULL } } };
	struct cv_req		 req;
	struct cv_resp		 resp;
	struct result		 res;
	size_t			 len;
	int			 i;

	for (i = 4; extra != NULL && extra[0] != NULL && i < 15; i++) {
		e.kv[i][0] = extra[0];
		e.kv[i][1] = extra[1];
		extra += 2;
	}
	cv_arena_init(&arena);
	rt = cv_router_new(routes, nitems(routes));
	d.app = &app;
	d.router = rt;
	memset(&req, 0, sizeof(req));
	memset(&resp, 0, sizeof(resp));
	req.arena = &arena;
	cv_dispatch(&d, &req, &resp, getv, &e, body,
	    body != NULL ? strlen(body) : 0);
	res.out = strdup(cv_resp_render(&arena, &req, &resp, &len));
	res.status = resp.status;
	res.json = json_object_get(resp.json);
	json_object_put(resp.json);
	json_object_put(req.json);
	json_object_put(req.field_errors);
	cv_router_free(rt);
	cv_arena_free(&arena);
	return res;
}

static struct result
run(const char *method, const char *uri, const char *qs, const char *body,
    const char *clen)
{
	return run_env(method, uri, qs, body, clen, NULL);
}

static void
done(struct result *r)
{
	json_object_put(r->json);
	free(r->out);
}

static const char *
field(struct result *r, const char *k)
{
	struct json_object	*v;

	cr_assert(json_object_object_get_ex(r->json, k, &v), "no %s in %s", k,
	    r->out);
	return json_object_get_string(v);
}

Test(path, split_decodes_and_resolves_dots)
{
	struct cv_arena	  a;
	char		**segs;
	size_t		  n;

	cv_arena_init(&a);
	cr_assert_eq(cv_path_split(&a, "/a//b/./c/../d/", &segs, &n), CV_OK);
	cr_assert_eq(n, 3);
	cr_assert_str_eq(segs[0], "a");
	cr_assert_str_eq(segs[1], "b");
	cr_assert_str_eq(segs[2], "d");
	cr_assert_eq(cv_path_split(&a, "/../../x", &segs, &n), CV_OK);
	cr_assert_eq(n, 1);
	cr_assert_eq(cv_path_split(&a, "/repositories/payments%2Fapi",
	    &segs, &n), CV_OK);
	cr_assert_str_eq(segs[1], "payments/api");
	cr_assert_eq(cv_path_split(&a, "/%2e%2e", &segs, &n), CV_OK);
	cr_assert_str_eq(segs[0], "..");
	cr_assert_eq(cv_path_split(&a, "/", &segs, &n), CV_OK);
	cr_assert_eq(n, 0);
	cr_assert_eq(cv_path_split(&a, "/a%zz", &segs, &n), CV_EINVAL);
	cr_assert_eq(cv_path_split(&a, "/a%00b", &segs, &n), CV_EINVAL);
	cr_assert_eq(cv_path_split(&a, "/a%4", &segs, &n), CV_EINVAL);
	cr_assert_eq(cv_path_split(&a, "relative", &segs, &n), CV_EINVAL);
	cv_arena_free(&a);
}

Test(path, segment_limit)
{
	struct cv_arena	  a;
	char		**segs, buf[4 * (CV_PATH_SEGS_MAX + 2)];
	size_t		  n, i;

	cv_arena_init(&a);
	for (i = 0; i < CV_PATH_SEGS_MAX + 1; i++)
		memcpy(buf + 2 * i, "/a", 2);
	buf[2 * i] = '\0';
	cr_assert_eq(cv_path_split(&a, buf, &segs, &n), CV_EURITOOLONG);
	cv_arena_free(&a);
}

Test(query, parse_decodes_pairs)
{
	struct cv_arena	 a;
	struct cv_kv	*kv;
	size_t		 n;

	cv_arena_init(&a);
	cr_assert_eq(cv_query_parse(&a, "a=1&b=x+y%21&&c&d=", &kv, &n), CV_OK);
	cr_assert_eq(n, 4);
	cr_assert_str_eq(kv[1].value, "x y!");
	cr_assert_str_eq(kv[2].name, "c");
	cr_assert_str_eq(kv[2].value, "");
	cr_assert_str_eq(kv[3].value, "");
	cr_assert_eq(cv_query_parse(&a, "a=%g1", &kv, &n), CV_EINVAL);
	cr_assert_eq(cv_query_parse(&a, "a=%00", &kv, &n), CV_EINVAL);
	cr_assert_eq(cv_query_parse(&a, NULL, &kv, &n), CV_OK);
	cr_assert_eq(n, 0);
	cv_arena_free(&a);
}

Test(router, literal_beats_parameter)
{
	struct result	 r;

	r = run("GET", "/agents/profiles", "", NULL, NULL);
	cr_assert_eq(r.status, 200);
	cr_assert_str_eq(field(&r, "route"), "/agents/profiles");
	done(&r);
	r = run("GET", "/agents/codex", "", NULL, NULL);
	cr_assert_str_eq(field(&r, "route"), "/agents/{agent_id}");
	cr_assert_str_eq(field(&r, "agent_id"), "codex");
	done(&r);
}

Test(router, rest_parameter_takes_slash_ids)
{
	struct result	 r;

	r = run("GET", "/repositories/payments/api", "", NULL, NULL);
	cr_assert_str_eq(field(&r, "repository_id"), "payments/api");
	done(&r);
	r = run("GET", "/repositories/payments%2Fapi", "", NULL, NULL);
	cr_assert_str_eq(field(&r, "repository_id"), "payments/api");
	done(&r);
	r = run("GET", "/repositories/payments/x", "", NULL, NULL);
	cr_assert_str_eq(field(&r, "route"), "/repositories/{repository_id}/x");
	done(&r);
	r = run("GET", "/repositories", "", NULL, NULL);
	cr_assert_eq(r.status, 404);
	done(&r);
}

Test(router, unknown_path_and_wrong_method)
{
	struct result	 r;

	r = run("GET", "/nope", "", NULL, NULL);
	cr_assert_eq(r.status, 404);
	cr_assert(strstr(r.out, "application/problem+json") != NULL);
	cr_assert(strstr(field(&r, "detail"), "/nope") != NULL);
	done(&r);
	r = run("DELETE", "/health", "", NULL, NULL);
	cr_assert_eq(r.status, 405);
	cr_assert(strstr(r.out, "\r\nAllow: GET\r\n") != NULL, "%s", r.out);
	done(&r);
	r = run("PUT", "/agents", "", NULL, NULL);
	cr_assert(strstr(r.out, "\r\nAllow: GET, POST\r\n") != NULL, "%s",
	    r.out);
	done(&r);
	r = run("BREW", "/health", "", NULL, NULL);
	cr_assert_eq(r.status, 405);
	done(&r);
	r = run("HEAD", "/health", "", NULL, NULL);
	cr_assert_eq(r.status, 200);
	cr_assert(strstr(r.out, "\r\n\r\n")[4] == '\0', "HEAD had a body");
	done(&r);
}

Test(dispatch, json_body_checks)
{
	struct result	 r;

	r = run("POST", "/agents", "", "{\"agent_id\":\"a\"}", "16");
	cr_assert_eq(r.status, 200, "%s", r.out);
	done(&r);
	r = run("POST", "/agents", "", "{\"agent_id\":", "12");
	cr_assert_eq(r.status, 400);
	cr_assert(strstr(field(&r, "detail"), "malformed JSON") != NULL);
	done(&r);
	r = run("POST", "/agents", "", "[1,2]", "5");
	cr_assert_eq(r.status, 422);
	done(&r);
	r = run("POST", "/agents", "", NULL, NULL);
	cr_assert_eq(r.status, 422);
	done(&r);
	r = run("POST", "/agents", "", NULL, "2000000");
	cr_assert_eq(r.status, 413);
	done(&r);
	r = run("POST", "/agents", "", "{}", "-1");
	cr_assert_eq(r.status, 400);
	done(&r);
	r = run("POST", "/agents", "", "{}", "2x");
	cr_assert_eq(r.status, 400);
	done(&r);
	r = run("POST", "/approvals/apr_1/expire", "", NULL, NULL);
	cr_assert_eq(r.status, 200, "%s", r.out);
	cr_assert_str_eq(field(&r, "approval_id"), "apr_1");
	done(&r);
}

Test(dispatch, handler_errors_become_problems)
{
	struct result		 r;
	struct json_object	*errs;

	r = run("POST", "/fail", "", "{}", "2");
	cr_assert_eq(r.status, 422);
	cr_assert_str_eq(field(&r, "detail"), "target must be a string");
	cr_assert_str_eq(field(&r, "title"), "Unprocessable Content");
	cr_assert(json_object_object_get_ex(r.json, "errors", &errs));
	cr_assert_eq(json_object_array_length(errs), 1);
	done(&r);
}

Test(dispatch, paging_is_clamped_and_typed)
{
	struct result	 r;

	r = run("GET", "/agents", "limit=1000&offset=-4", NULL, NULL);
	cr_assert_eq(r.status, 200);
	cr_assert_str_eq(field(&r, "limit"), "500");
	cr_assert_str_eq(field(&r, "offset"), "0");
	done(&r);
	r = run("GET", "/agents", "limit=0", NULL, NULL);
	cr_assert_str_eq(field(&r, "limit"), "1");
	done(&r);
	r = run("GET", "/agents", "", NULL, NULL);
	cr_assert_str_eq(field(&r, "limit"), "50");
	done(&r);
	/* Not an integer: 422, as FastAPI answers for a typed parameter. */
	r = run("GET", "/agents", "limit=ten", NULL, NULL);
	cr_assert_eq(r.status, 422);
	cr_assert(strstr(field(&r, "detail"), "limit") != NULL);
	done(&r);
	r = run("GET", "/agents", "offset=1.5", NULL, NULL);
	cr_assert_eq(r.status, 422);
	done(&r);
}

/* POST /agents with body {} and the given CONTENT_TYPE (NULL: none). */
static struct result
post_typed(const char *uri, const char *ctype, const char *body)
{
	const char	*extra[] = { "CONTENT_TYPE", ctype, NULL };
	char		 clen[32];

	snprintf(clen, sizeof(clen), "%zu", strlen(body));
	return run_env("POST", uri, "", body, clen, ctype != NULL ? extra :
	    NULL);
}

Test(dispatch, json_routes_refuse_other_media_types)
{
	static const char *const json[] = { "application/json",
	    "application/json; charset=utf-8", "APPLICATION/JSON",
	    " application/json ;charset=UTF-8", "application/problem+json",
	    "application/merge-patch+JSON", "" };
	static const char *const other[] = { "text/plain",
	    "text/plain; charset=utf-8", "application/x-www-form-urlencoded",
	    "multipart/form-data; boundary=x", "application/jsonx",
	    "text/json", "application/+json", "application/json/x",
	    "application", "application/json x", "/json" };
	struct result	 r;
	size_t		 i;

	for (i = 0; i < nitems(json); i++) {
		r = post_typed("/agents", json[i], "{\"a\":1}");
		cr_assert_eq(r.status, 200, "%s: %s", json[i], r.out);
		done(&r);
	}
	r = post_typed("/agents", NULL, "{\"a\":1}");
	cr_assert_eq(r.status, 200, "no Content-Type: %s", r.out);
	done(&r);
	for (i = 0; i < nitems(other); i++) {
		/* h_echo would answer 200: the handler did not run. */
		r = post_typed("/agents", other[i], "{\"a\":1}");
		cr_assert_eq(r.status, 415, "%s: %s", other[i], r.out);
		cr_assert(strstr(r.out, "application/problem+json") != NULL);
		cr_assert(strstr(field(&r, "detail"), "Content-Type") != NULL,
		    "%s", r.out);
		done(&r);
	}
	/* An empty body on an optional-body route needs no type; a body
	 * does. */
	r = post_typed("/approvals/apr_1/expire", "text/plain", "");
	cr_assert_eq(r.status, 200, "%s", r.out);
	done(&r);
	r = post_typed("/approvals/apr_1/expire", "text/plain", "{}");
	cr_assert_eq(r.status, 415, "%s", r.out);
	done(&r);
	r = post_typed("/agents", "text/plain", "");
	cr_assert_eq(r.status, 415, "%s", r.out);
	done(&r);
}

/* Renders a response with the given extra headers (pairs, NULL-ended). */
static char *
render_headers(const char *const *h, const char *ctype)
{
	struct cv_arena	 a;
	struct cv_resp	 resp;
	char		*out;
	size_t		 len;

	cv_arena_init(&a);
	memset(&resp, 0, sizeof(resp));
	cv_resp_bytes(&resp, 200, ctype, "ok", 2);
	for (; *h != NULL; h += 2)
		cv_resp_header(&resp, h[0], h[1]);
	out = strdup(cv_resp_render(&a, NULL, &resp, &len));
	cr_assert_eq(strlen(out), len);
	cv_arena_free(&a);
	return out;
}

Test(resp, headers_with_cr_or_lf_are_dropped)
{
	static const char *const h[] = {
	    "X-Good", "a, b",
	    "X-Crlf", "x\r\nSet-Cookie: s=1",
	    "X-Lf", "x\nSet-Cookie: s=2",
	    "X-Cr", "x\rSet-Cookie: s=3",
	    "X-Bad\r\nSet-Cookie", "s=4",
	    "X Bad", "v",
	    "", "v",
	    "X-Last", "z",
	    NULL };
	char	*out;

	out = render_headers(h, "text/plain");
	cr_assert(strstr(out, "\r\nX-Good: a, b\r\n") != NULL, "%s", out);
	cr_assert(strstr(out, "\r\nX-Last: z\r\n") != NULL, "%s", out);
	cr_assert(strstr(out, "Set-Cookie") == NULL, "%s", out);
	cr_assert(strstr(out, "X-Crlf") == NULL && strstr(out, "X-Lf") ==
	    NULL && strstr(out, "X-Cr:") == NULL && strstr(out, "Bad") ==
	    NULL, "%s", out);
	/* Every line of the header block ends in CRLF, and the only bare
	 * CR or LF is in the body. */
	cr_assert(strstr(out, "\r\n\r\nok") != NULL, "%s", out);
	free(out);
	out = render_headers(h + 16, "text/plain\r\nSet-Cookie: s=5");
	cr_assert(strstr(out, "Set-Cookie") == NULL, "%s", out);
	cr_assert(strstr(out, "\r\nContent-Type") == NULL, "%s", out);
	free(out);
}

Test(dispatch, preflight_does_not_reflect_cr_or_lf)
{
	const char	*bad[] = { "HTTP_ORIGIN", "http://a.example",
	    "HTTP_ACCESS_CONTROL_REQUEST_METHOD", "POST",
	    "HTTP_ACCESS_CONTROL_REQUEST_HEADERS",
	    "content-type\r\nSet-Cookie: s=1", NULL };
	const char	*good[] = { "HTTP_ORIGIN", "http://a.example",
	    "HTTP_ACCESS_CONTROL_REQUEST_METHOD", "POST",
	    "HTTP_ACCESS_CONTROL_REQUEST_HEADERS", "content-type", NULL };
	struct result	 r;

	cr_assert_eq(setenv("CAVRA_CORS_ORIGINS", "http://a.example", 1), 0);
	cr_assert_eq(cv_cors_init(), CV_OK);
	r = run_env("OPTIONS", "/agents", "", NULL, NULL, good);
	cr_assert_eq(r.status, 200, "%s", r.out);
	cr_assert(strstr(r.out, "\r\nAccess-Control-Allow-Headers: "
	    "content-type\r\n") != NULL, "%s", r.out);
	done(&r);
	r = run_env("OPTIONS", "/agents", "", NULL, NULL, bad);
	cr_assert_eq(r.status, 200, "%s", r.out);
	cr_assert(strstr(r.out, "Set-Cookie") == NULL, "%s", r.out);
	cr_assert(strstr(r.out, "Access-Control-Allow-Headers") == NULL,
	    "%s", r.out);
	cr_assert(strstr(r.out, "\r\nAccess-Control-Allow-Origin: "
	    "http://a.example\r\n") != NULL, "%s", r.out);
	done(&r);
}

/* The value of the sample `name` (labels included) in a /metrics body;
 * -1 when absent. */
static long long
sample(const char *body, const char *name)
{
	const char	*p;
	size_t		 n = strlen(name);

	for (p = body; (p = strstr(p, name)) != NULL; p += n)
		if ((p == body || p[-1] == '\n') && p[n] == ' ')
			return strtoll(p + n + 1, NULL, 10);
	return -1;
}

/* A fake request on route r (NULL: unmatched) with method m. */
static void
count_req(const struct cv_route *r, enum cv_method m, int status,
    long long us)
{
	struct cv_req	 req;

	memset(&req, 0, sizeof(req));
	req.route = r;
	req.method = m;
	cv_metrics_begin();
	cv_metrics_end(&req, status, us);
}

Test(metrics, counted_over_slots_and_rendered)
{
	struct result	 r;

	/* Before a slot: counted in the process's own, not reported. */
	cv_metrics_commit(7);
	count_req(&routes[0], CV_GET, 200, 10);
	cr_assert_eq(cv_metrics_init(&app, 2), CV_OK);
	cv_metrics_worker(0);
	count_req(&routes[0], CV_GET, 200, 300);
	count_req(&routes[0], CV_GET, 503, 2000000);
	count_req(NULL, CV_POST, 404, 50);
	count_req(&cv_metrics_route, CV_GET, 200, 50);
	cv_metrics_commit(3);
	cv_metrics_journal_depth(5);
	cv_metrics_begin();
	cv_metrics_worker(1);
	count_req(&routes[0], CV_GET, 204, 100);
	cv_metrics_commit(64);
	cv_metrics_journal_depth(2);

	r = run("GET", "/metrics", "", NULL, NULL);
	cr_assert_eq(r.status, 200, "%s", r.out);
	cr_assert(strstr(r.out, "\r\nContent-Type: text/plain; version=0.0.4;"
	    " charset=utf-8\r\n") != NULL, "%s", r.out);
	cr_assert_eq(sample(r.out, "cavra_http_requests_total{route="
	    "\"/health\",method=\"GET\",code=\"2xx\"}"), 2, "%s", r.out);
	cr_assert_eq(sample(r.out, "cavra_http_requests_total{route="
	    "\"/health\",method=\"GET\",code=\"5xx\"}"), 1);
	cr_assert_eq(sample(r.out, "cavra_http_requests_total{route="
	    "\"unmatched\",method=\"POST\",code=\"4xx\"}"), 1);
	cr_assert_eq(sample(r.out, "cavra_http_requests_total{route="
	    "\"/metrics\",method=\"GET\",code=\"2xx\"}"), 1);
	cr_assert_eq(sample(r.out, "cavra_http_requests_total{route="
	    "\"/agents\",method=\"GET\",code=\"2xx\"}"), -1);
	/* 100 us falls in le=0.0001, 300 us in le=0.0005, 2 s in le=2.5. */
	cr_assert_eq(sample(r.out, "cavra_http_request_duration_seconds_bucket"
	    "{route=\"/health\",method=\"GET\",le=\"0.0001\"}"), 1);
	cr_assert_eq(sample(r.out, "cavra_http_request_duration_seconds_bucket"
	    "{route=\"/health\",method=\"GET\",le=\"0.00025\"}"), 1);
	cr_assert_eq(sample(r.out, "cavra_http_request_duration_seconds_bucket"
	    "{route=\"/health\",method=\"GET\",le=\"0.0005\"}"), 2);
	cr_assert_eq(sample(r.out, "cavra_http_request_duration_seconds_bucket"
	    "{route=\"/health\",method=\"GET\",le=\"1\"}"), 2);
	cr_assert_eq(sample(r.out, "cavra_http_request_duration_seconds_bucket"
	    "{route=\"/health\",method=\"GET\",le=\"+Inf\"}"), 3);
	cr_assert_eq(sample(r.out, "cavra_http_request_duration_seconds_count"
	    "{route=\"/health\",method=\"GET\"}"), 3);
	cr_assert(strstr(r.out, "\ncavra_http_request_duration_seconds_sum"
	    "{route=\"/health\",method=\"GET\"} 2.000400\n") != NULL, "%s",
	    r.out);
	cr_assert_eq(sample(r.out, "cavra_http_requests_in_flight"), 1);
	cr_assert_eq(sample(r.out, "cavra_store_commits_total"), 2);
	cr_assert_eq(sample(r.out, "cavra_store_commit_records_bucket"
	    "{le=\"2\"}"), 0);
	cr_assert_eq(sample(r.out, "cavra_store_commit_records_bucket"
	    "{le=\"4\"}"), 1);
	cr_assert_eq(sample(r.out, "cavra_store_commit_records_bucket"
	    "{le=\"64\"}"), 2);
	cr_assert_eq(sample(r.out, "cavra_store_commit_records_sum"), 67);
	cr_assert_eq(sample(r.out, "cavra_journal_depth"), 7);
	cr_assert_eq(sample(r.out, "cavra_workers"), 2);
	cr_assert_eq(sample(r.out, "cavra_worker_restarts_total"), 0);
	cr_assert_gt(sample(r.out, "cavra_resident_memory_bytes{process="
	    "\"worker\",worker=\"1\"}"), 0);
	done(&r);

	/* The worker of slot 0 dies: its gauges go, its counts stay. */
	cv_metrics_worker_gone(0, 1);
	r = run("GET", "/metrics", "", NULL, NULL);
	cr_assert_eq(sample(r.out, "cavra_http_requests_total{route="
	    "\"/health\",method=\"GET\",code=\"2xx\"}"), 2);
	cr_assert_eq(sample(r.out, "cavra_http_requests_in_flight"), 0);
	cr_assert_eq(sample(r.out, "cavra_journal_depth"), 2);
	cr_assert_eq(sample(r.out, "cavra_worker_restarts_total"), 1);
	cr_assert_eq(sample(r.out, "cavra_resident_memory_bytes{process="
	    "\"worker\",worker=\"0\"}"), -1);
	done(&r);
	cv_metrics_fini();
}

Test(metrics, builtin_route)
{
	struct result	 r;

	r = run("HEAD", "/metrics", "", NULL, NULL);
	cr_assert_eq(r.status, 200, "%s", r.out);
	done(&r);
	r = run("POST", "/metrics", "", "{}", "2");
	cr_assert_eq(r.status, 405, "%s", r.out);
	cr_assert(strstr(r.out, "\r\nAllow: GET\r\n") != NULL, "%s", r.out);
	done(&r);
}

static int	 atexit_fd = -1;

static void
atexit_mark(void)
{
	(void)write(atexit_fd, "x", 1);
}

Test(util, fatal_runs_no_atexit_handler)
{
	int	 p[2], status;
	pid_t	 pid;
	char	 c;

	cr_assert_eq(pipe(p), 0);
	if ((pid = fork()) == 0) {
		close(p[0]);
		atexit_fd = p[1];
		atexit(atexit_mark);
		cv_fatal("test: fatal");
	}
	cr_assert_gt(pid, 0);
	close(p[1]);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 1);
	cr_assert_eq(read(p[0], &c, 1), 0, "an atexit handler ran");
	close(p[0]);
}
