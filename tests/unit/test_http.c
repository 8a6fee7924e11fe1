/*
 * Unit tests of path and query parsing, the router and the dispatch
 * pipeline, driven with a fake CGI environment (no FastCGI, no nginx).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

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

static const struct cv_route routes[] = {
	{ CV_GET, "/health", h_echo, 0, NULL, NULL },
	{ CV_GET, "/agents/profiles", h_echo, 0, NULL, NULL },
	{ CV_GET, "/agents/{agent_id}", h_echo, 0, NULL, NULL },
	{ CV_POST, "/agents", h_echo, CV_BODY_JSON, NULL, NULL },
	{ CV_GET, "/agents", h_page, 0, NULL, NULL },
	{ CV_GET, "/repositories/{repository_id...}", h_echo, 0, NULL, NULL },
	{ CV_GET, "/repositories/{repository_id}/x", h_echo, 0, NULL, NULL },
	{ CV_POST, "/approvals/{approval_id}/expire", h_echo,
	    CV_BODY_JSON | CV_BODY_OPT, NULL, NULL },
	{ CV_POST, "/fail", h_fail, CV_BODY_JSON, NULL, NULL },
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

/* Runs a request through cv_dispatch and renders it. */
static struct result
run(const char *method, const char *uri, const char *qs, const char *body,
    const char *clen)
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
	r = run("GET", "/agents", "limit=ten", NULL, NULL);
	cr_assert_eq(r.status, 400);
	cr_assert(strstr(field(&r, "detail"), "limit") != NULL);
	done(&r);
	r = run("GET", "/agents", "offset=1.5", NULL, NULL);
	cr_assert_eq(r.status, 400);
	done(&r);
}
