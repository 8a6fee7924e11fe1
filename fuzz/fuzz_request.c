/*
 * Fuzzes the request pipeline without FastCGI: path splitting and
 * percent-decoding, query parsing, CORS preflight, routing with
 * parameters and a rest parameter, Content-Length and JSON body checks,
 * typed query getters, problem bodies and the CGI rendering
 * (cv_dispatch() and cv_resp_render(), lib/dispatch.c, req.c, route.c,
 * resp.c, cors.c).
 *
 * The input is a CGI request, one variable per line, an empty line
 * leaving the variable unset:
 *
 *	REQUEST_METHOD
 *	REQUEST_URI
 *	QUERY_STRING
 *	CONTENT_LENGTH
 *	HTTP_ORIGIN
 *	HTTP_ACCESS_CONTROL_REQUEST_METHOD
 *	HTTP_ACCESS_CONTROL_REQUEST_HEADERS
 *	body...
 *
 * The body is read the way lib/serve.c reads it (only for a plain decimal
 * CONTENT_LENGTH of 1..CV_BODY_MAX bytes, at most that many) and
 * everything is freed per request as its worker loop does.  The whole
 * input is also given to cv_path_split() and cv_query_parse() directly.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cavra.h"
#include "cv_policy.h"
#include "fuzz.h"

enum {
	V_METHOD = 0,
	V_URI,
	V_QUERY,
	V_CLEN,
	V_ORIGIN,
	V_ACRM,
	V_ACRH,
	V__MAX
};

static const char *const names[V__MAX] = {
	"REQUEST_METHOD", "REQUEST_URI", "QUERY_STRING", "CONTENT_LENGTH",
	"HTTP_ORIGIN", "HTTP_ACCESS_CONTROL_REQUEST_METHOD",
	"HTTP_ACCESS_CONTROL_REQUEST_HEADERS"
};

struct env {
	const char	*v[V__MAX];
};

static const char *
getv(void *ctx, const char *name)
{
	struct env	*e = ctx;
	size_t		 i;

	for (i = 0; i < V__MAX; i++)
		if (strcmp(names[i], name) == 0)
			return e->v[i];
	return NULL;
}

/* Echoes the route, its parameters and the query as the handler sees
 * them. */
static struct json_object *
echo(struct cv_req *req)
{
	struct json_object	*o, *q;
	size_t			 i;

	o = json_object_new_object();
	cv_json_add_str(o, "route", req->route->pattern);
	cv_json_add_str(o, "method", req->method_name);
	for (i = 0; i < req->nparams; i++)
		cv_json_add_str(o, req->params[i].name, req->params[i].value);
	q = json_object_new_object();
	for (i = 0; i < req->nquery; i++)
		cv_json_add_str(q, req->query[i].name, req->query[i].value);
	json_object_object_add(o, "query", q);
	return o;
}

/* GET /items: a list endpoint. */
static enum cv_err
h_list(struct cv_req *req, struct cv_resp *resp)
{
	struct json_object	*o;
	size_t			 limit, offset;
	int64_t			 min;
	int			 verbose;
	enum cv_err		 rc;

	if ((rc = cv_query_page(req, &limit, &offset)) != CV_OK)
		return rc;
	if ((rc = cv_query_bool(req, "verbose", 0, &verbose)) != CV_OK)
		return rc;
	if ((rc = cv_query_int(req, "min", -1, -100, 100, 0, &min)) != CV_OK)
		return rc;
	o = echo(req);
	cv_json_add_int(o, "limit", (int64_t)limit);
	cv_json_add_int(o, "offset", (int64_t)offset);
	cv_json_add_bool(o, "verbose", verbose);
	cv_json_add_int(o, "min", min);
	cv_resp_json(resp, 200, o);
	return CV_OK;
}

/* GET /items/{item_id} */
static enum cv_err
h_get(struct cv_req *req, struct cv_resp *resp)
{
	const char	*id;

	if ((id = cv_param(req, "item_id")) == NULL)
		return cv_fail(req, CV_EINTERNAL, "no item_id");
	if (strcmp(id, "missing") == 0)
		return cv_fail(req, CV_ENOENT, "item %s not found", id);
	cv_resp_json(resp, 200, echo(req));
	return CV_OK;
}

/* GET /files/{path...}: a rest parameter, normalised and matched. */
static enum cv_err
h_files(struct cv_req *req, struct cv_resp *resp)
{
	struct json_object	*o;
	const char		*path, *pat;

	if ((path = cv_param(req, "path")) == NULL)
		return cv_fail(req, CV_EINTERNAL, "no path");
	o = echo(req);
	cv_json_add_str(o, "normalised", cv_path_normalise(req->arena, path));
	if ((pat = cv_query(req, "match")) != NULL)
		cv_json_add_bool(o, "matches", cv_glob_match(pat, path));
	cv_resp_json(resp, 200, o);
	return CV_OK;
}

/* POST /items, PUT /items/{item_id}: a JSON object body with typed
 * fields. */
static enum cv_err
h_put(struct cv_req *req, struct cv_resp *resp)
{
	struct json_object	*o, *tags, *meta;
	const char		*name;
	int64_t			 n;
	int			 b;

	switch (cv_json_str(req->json, "name", &name)) {
	case CV_JGET_ABSENT:
		return cv_fail_field(req, CV_EUNPROC, "name",
		    "name is required");
	case CV_JGET_TYPE:
		return cv_fail_field(req, CV_EUNPROC, "name",
		    "name must be a string");
	case CV_JGET_OK:
		break;
	}
	if (cv_json_int(req->json, "count", &n) == CV_JGET_TYPE)
		cv_fail_field(req, CV_EUNPROC, "count", "count must be an "
		    "integer");
	if (cv_json_bool(req->json, "enabled", &b) == CV_JGET_TYPE)
		cv_fail_field(req, CV_EUNPROC, "enabled", "enabled must be a "
		    "boolean");
	if (cv_json_arr(req->json, "tags", &tags) == CV_JGET_TYPE)
		cv_fail_field(req, CV_EUNPROC, "tags", "tags must be an "
		    "array");
	if (cv_json_obj(req->json, "meta", &meta) == CV_JGET_TYPE)
		cv_fail_field(req, CV_EUNPROC, "meta", "meta must be an "
		    "object");
	if (req->field_errors != NULL)
		return CV_EUNPROC;
	o = echo(req);
	cv_json_add_str(o, "name", name);
	cv_json_add_str(o, "digest", cv_json_canonical(req->arena,
	    req->json));
	json_object_object_add(o, "record", cv_json_sorted_new(req->json));
	cv_resp_json(resp, req->method == CV_POST ? 201 : 200, o);
	return CV_OK;
}

/* POST /items/{item_id}/expire: the body may be empty. */
static enum cv_err
h_expire(struct cv_req *req, struct cv_resp *resp)
{
	struct json_object	*o;

	o = echo(req);
	cv_json_add_str(o, "reason", cv_json_str_or(req->json, "reason",
	    NULL));
	cv_json_add_bool(o, "truthy", cv_json_truthy(req->json));
	cv_resp_json(resp, 200, o);
	return CV_OK;
}

/* DELETE /items/{item_id}: always a conflict. */
static enum cv_err
h_delete(struct cv_req *req, struct cv_resp *resp)
{
	(void)resp;
	return cv_fail(req, CV_ECONFLICT, "item %s cannot be deleted",
	    cv_param(req, "item_id"));
}

/* GET /raw: a raw body in the arena with extra headers. */
static enum cv_err
h_raw(struct cv_req *req, struct cv_resp *resp)
{
	char	*body;

	body = cv_arena_printf(req->arena, "%s %s\n", req->method_name,
	    req->path);
	cv_resp_bytes(resp, 200, "text/plain", body, strlen(body));
	cv_resp_header(resp, "X-Query-Count", cv_arena_printf(req->arena,
	    "%zu", req->nquery));
	return CV_OK;
}

static const struct cv_route routes[] = {
	{ CV_GET, "/health", h_raw, 0, NULL, NULL },
	{ CV_GET, "/raw", h_raw, 0, NULL, NULL },
	{ CV_GET, "/items", h_list, 0, NULL, NULL },
	{ CV_POST, "/items", h_put, CV_BODY_JSON, NULL, NULL },
	{ CV_GET, "/items/{item_id}", h_get, 0, NULL, NULL },
	{ CV_PUT, "/items/{item_id}", h_put, CV_BODY_JSON, NULL, NULL },
	{ CV_DELETE, "/items/{item_id}", h_delete, 0, NULL, NULL },
	{ CV_GET, "/items/special", h_get, 0, NULL, NULL },
	{ CV_POST, "/items/{item_id}/expire", h_expire,
	    CV_BODY_JSON | CV_BODY_OPT, NULL, NULL },
	{ CV_GET, "/files/{path...}", h_files, 0, NULL, NULL },
	{ CV_GET, "/files/{path}/meta", h_get, 0, NULL, NULL },
};

static const struct cv_app app = { .name = "fuzz", .routes = routes,
    .nroutes = nitems(routes) };

/*
 * Per-process state, as a worker has it: the router and one arena that
 * is reset after every request.  Both stay reachable, so the leak checker
 * does not count them.
 */
static struct cv_router	*router;
static struct cv_arena	 arena;

static void
setup(void)
{
	if (router != NULL)
		return;
	setenv("CAVRA_CORS_ORIGINS", "http://127.0.0.1:5173, https://a.test",
	    1);
	if (cv_cors_init() != CV_OK)
		abort();
	router = cv_router_new(routes, nitems(routes));
	cv_arena_init(&arena);
}

/* The body as lib/serve.c's read_body() gives it to cv_dispatch(). */
static void
read_body(const char *cl, const char *in, size_t avail, char **body,
    size_t *len)
{
	long long	 n;

	*body = NULL;
	*len = 0;
	if (cl == NULL || *cl == '\0')
		return;
	if (strspn(cl, "0123456789") != strlen(cl) || strlen(cl) > 18)
		return;
	n = strtoll(cl, NULL, 10);
	if (n <= 0 || n > CV_BODY_MAX)
		return;
	*body = cv_arena_alloc(&arena, (size_t)n + 1);
	*len = avail < (size_t)n ? avail : (size_t)n;
	memcpy(*body, in, *len);
	(*body)[*len] = '\0';
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct json_tokener	*tok;
	struct cv_dispatch	 d;
	struct env		 e;
	struct cv_req		 req;
	struct cv_resp		 resp;
	struct cv_kv		*kv;
	const char		*in = (const char *)data, *end = in + size;
	const char		*nl;
	char			*whole, **segs, *out, *body;
	size_t			 i, n, olen, blen;

	setup();

	/* The whole input as a path and as a query string. */
	whole = cv_arena_strndup(&arena, in, size);
	(void)cv_path_split(&arena, whole, &segs, &n);
	(void)cv_query_parse(&arena, whole, &kv, &n);
	cv_arena_reset(&arena);

	memset(&e, 0, sizeof(e));
	for (i = 0; i < V__MAX && in < end; i++) {
		if ((nl = memchr(in, '\n', (size_t)(end - in))) == NULL)
			nl = end;
		if (nl > in)
			e.v[i] = cv_arena_strndup(&arena, in, (size_t)(nl - in));
		in = nl < end ? nl + 1 : end;
	}
	read_body(e.v[V_CLEN], in, (size_t)(end - in), &body, &blen);

	d.app = &app;
	d.router = router;
	memset(&req, 0, sizeof(req));
	memset(&resp, 0, sizeof(resp));
	req.arena = &arena;
	/* A tokener kept between inputs, as a request thread keeps one,
	 * for every other input. */
	req.tok = size % 2 ? &tok : NULL;
	cv_dispatch(&d, &req, &resp, getv, &e, body, blen);
	out = cv_resp_render(&arena, &req, &resp, &olen);
	if (out == NULL || olen < 8 || memcmp(out, "Status: ", 8) != 0 ||
	    resp.status < 200 || resp.status > 599) {
		fprintf(stderr, "fuzz_request: bad response (status %d)\n",
		    resp.status);
		abort();
	}
	json_object_put(resp.json);
	json_object_put(req.json);
	json_object_put(req.field_errors);
	cv_arena_reset(&arena);
	return 0;
}
