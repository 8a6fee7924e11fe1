/*
 * The request pipeline, independent of FastCGI: method, path, query,
 * CORS, route (the library's own GET /metrics first), access control
 * (cv_auth.h), body size, media type and JSON checks, the handler, and
 * the problem body for any error (a 401 with WWW-Authenticate: Bearer).
 * The serve loop and the unit tests both drive it.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "cv_auth.h"
#include "cv_http.h"
#include "cv_json.h"
#include "cv_metrics.h"
#include "cv_util.h"

/*
 * Builds the RFC 9457 body for error e.  The detail is the handler's
 * (req->detail) or the error's title; field errors are added as
 * `errors`.
 */
static void
problem(struct cv_req *req, struct cv_resp *resp, enum cv_err e)
{
	struct json_object	*o;
	int			 status;

	status = cv_err_status(e);
	o = json_object_new_object();
	cv_json_add_str(o, "type", "about:blank");
	cv_json_add_str(o, "title", cv_err_title(e));
	cv_json_add_int(o, "status", status);
	cv_json_add_str(o, "detail", req->detail != NULL ? req->detail :
	    cv_err_title(e));
	if (req->path != NULL)
		cv_json_add_str(o, "instance", req->path);
	if (req->field_errors != NULL) {
		json_object_object_add(o, "errors", req->field_errors);
		req->field_errors = NULL;
	}
	cv_resp_json(resp, status, o);
	resp->ctype = "application/problem+json";
}

static enum cv_method
parse_method(const char *m)
{
	int	 i;

	for (i = 0; i < CV_METHOD__MAX; i++)
		if (strcmp(m, cv_method_name(i)) == 0)
			return i;
	return CV_METHOD__MAX;
}

/*
 * A CORS preflight (OPTIONS with Origin and Access-Control-Request-Method
 * while CAVRA_CORS_ORIGINS is set).  Returns 1 when it was one and resp
 * is filled.
 */
static int
preflight(struct cv_req *req, struct cv_resp *resp,
    const char *(*env)(void *, const char *), void *ctx)
{
	const char	*const *list;
	const char	*allow, *method, *hdrs;

	if (req->method != CV_OPTIONS || req->origin == NULL ||
	    cv_cors_origins(&list) == 0 ||
	    (method = env(ctx, "HTTP_ACCESS_CONTROL_REQUEST_METHOD")) == NULL)
		return 0;
	if ((allow = cv_cors_allow(req->origin)) == NULL) {
		cv_fail(req, CV_EINVAL, "Disallowed CORS origin");
		problem(req, resp, CV_EINVAL);
		return 1;
	}
	if (strcmp(method, "GET") != 0 && strcmp(method, "POST") != 0 &&
	    strcmp(method, "OPTIONS") != 0) {
		cv_fail(req, CV_EINVAL, "Disallowed CORS method");
		problem(req, resp, CV_EINVAL);
		return 1;
	}
	cv_resp_bytes(resp, 200, "text/plain", "OK", 2);
	cv_resp_header(resp, "Access-Control-Allow-Methods",
	    "GET, POST, OPTIONS");
	/* Reflected as sent: cv_resp_render() drops a value with CR or
	 * LF. */
	hdrs = env(ctx, "HTTP_ACCESS_CONTROL_REQUEST_HEADERS");
	if (hdrs != NULL && strlen(hdrs) <= CV_HEADER_VALUE_MAX)
		cv_resp_header(resp, "Access-Control-Allow-Headers", hdrs);
	cv_resp_header(resp, "Access-Control-Max-Age", "600");
	return 1;
}

/*
 * Reads CONTENT_LENGTH: absent or empty is 0.  Returns -1 when it is not
 * a plain decimal number.
 */
static long long
content_length(const char *s)
{
	char		*end;
	long long	 v;

	if (s == NULL || *s == '\0')
		return 0;
	if (strspn(s, "0123456789") != strlen(s) || strlen(s) > 18)
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	return errno != 0 ? -1 : v;
}

/* RFC 9110 tchar: the characters of a media type's type and subtype. */
static int
tchar(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || (c != '\0' &&
	    strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

/*
 * Whether a CONTENT_TYPE names JSON: "application/json", or any type
 * whose subtype ends in "+json" ("application/problem+json"), in any
 * case, with or without parameters ("; charset=utf-8").  NULL or empty
 * counts as JSON: a request without the header is read as JSON, as the
 * reference does (nginx passes an absent header as an empty value).
 */
static int
json_media_type(const char *ct)
{
	const char	*p, *slash = NULL;
	size_t		 n;

	if (ct == NULL)
		return 1;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	if (*ct == '\0')
		return 1;
	for (p = ct; tchar((unsigned char)*p) || *p == '/'; p++)
		if (*p == '/') {
			if (slash != NULL)
				return 0;
			slash = p;
		}
	n = (size_t)(p - ct);
	while (*p == ' ' || *p == '\t')
		p++;
	if ((*p != '\0' && *p != ';') || slash == NULL || slash == ct)
		return 0;
	if (n == sizeof("application/json") - 1 &&
	    strncasecmp(ct, "application/json", n) == 0)
		return 1;
	return ct + n - (slash + 1) > 5 &&
	    strncasecmp(ct + n - 5, "+json", 5) == 0;
}

/*
 * The library's own routes, answered on every responder and listed in
 * no route table: GET (and HEAD) /metrics.  CV_ENOENT when the path is
 * not one of them; CV_EMETHOD with *allow for another method.
 */
static enum cv_err
builtin_match(struct cv_req *req, const struct cv_route **out,
    const char **allow)
{
	*out = NULL;
	if (req->nsegs != 1 || strcmp(req->segs[0], "metrics") != 0)
		return CV_ENOENT;
	if (req->method != CV_GET && req->method != CV_HEAD) {
		*allow = "GET";
		return CV_EMETHOD;
	}
	*out = &cv_metrics_route;
	return CV_OK;
}

/*
 * Runs one request.  env(ctx, NAME) returns a CGI variable or NULL.
 * body/bodylen is the request body already read by the caller; body may
 * be NULL when CONTENT_LENGTH is over CV_BODY_MAX (the caller does not
 * read it; the answer is 413).  resp is filled; the caller renders it.
 */
void
cv_dispatch(const struct cv_dispatch *d, struct cv_req *req,
    struct cv_resp *resp, const char *(*env)(void *, const char *),
    void *ctx, const char *body, size_t bodylen)
{
	const char		*m, *uri, *allow, *q, *acao;
	char			*path, errbuf[256];
	long long		 clen;
	enum cv_err		 rc;
	size_t			 n;

	resp->status = 200;
	m = env(ctx, "REQUEST_METHOD");
	req->method_name = m != NULL ? m : "GET";
	req->method = parse_method(req->method_name);
	req->origin = env(ctx, "HTTP_ORIGIN");
	req->authorization = env(ctx, "HTTP_AUTHORIZATION");
	req->content_type = env(ctx, "CONTENT_TYPE");

	if ((uri = env(ctx, "REQUEST_URI")) == NULL &&
	    (uri = env(ctx, "DOCUMENT_URI")) == NULL)
		uri = "/";
	n = strcspn(uri, "?#");
	if (n > CV_PATH_MAX) {
		rc = cv_fail(req, CV_EURITOOLONG, "request path longer than "
		    "%d bytes", CV_PATH_MAX);
		goto fail;
	}
	req->path = path = cv_arena_strndup(req->arena, uri, n);
	if ((rc = cv_path_split(req->arena, path, &req->segs,
	    &req->nsegs)) != CV_OK) {
		rc = cv_fail(req, rc, rc == CV_EURITOOLONG ?
		    "request path has too many segments" :
		    "malformed percent-encoding in request path");
		goto fail;
	}
	q = env(ctx, "QUERY_STRING");
	if ((rc = cv_query_parse(req->arena, q, &req->query,
	    &req->nquery)) != CV_OK) {
		rc = cv_fail(req, rc, rc == CV_EURITOOLONG ?
		    "query string longer than %d bytes" :
		    "malformed query string (bad escape, NUL, or more than "
		    "%d parameters)", rc == CV_EURITOOLONG ? CV_QUERY_MAX :
		    CV_QUERY_PARAMS_MAX);
		goto fail;
	}
	if (preflight(req, resp, env, ctx))
		goto cors;

	if (req->method == CV_METHOD__MAX)
		rc = CV_EMETHOD;
	else if ((rc = builtin_match(req, &req->route, &allow)) == CV_ENOENT)
		rc = cv_router_match(d->router, req, &req->route, &allow);
	if (rc == CV_ENOENT) {
		rc = cv_fail(req, rc, "no route for %s %s", req->method_name,
		    req->path);
		goto fail;
	}
	if (rc == CV_EMETHOD) {
		if (req->method == CV_METHOD__MAX) {
			rc = cv_fail(req, rc, "method %s is not supported",
			    req->method_name);
			goto fail;
		}
		rc = cv_fail(req, rc, "method %s is not allowed for %s",
		    req->method_name, req->path);
		problem(req, resp, rc);
		cv_resp_header(resp, "Allow", allow);
		goto cors;
	}
	/* Who asks, before anything of the body is looked at
	 * (CAVRA_API_ACCESS_FILE). */
	if ((rc = cv_access_check(req)) != CV_OK)
		goto fail;

	clen = content_length(env(ctx, "CONTENT_LENGTH"));
	if (clen < 0) {
		rc = cv_fail(req, CV_EINVAL, "malformed Content-Length");
		goto fail;
	}
	if (clen > CV_BODY_MAX || (body == NULL && clen > 0)) {
		rc = cv_fail(req, CV_ETOOBIG, "request body larger than %d "
		    "bytes", CV_BODY_MAX);
		goto fail;
	}
	if (body != NULL && bodylen != (size_t)clen) {
		rc = cv_fail(req, CV_EINVAL, "request body ended after %zu of "
		    "its %lld bytes (Content-Length)", bodylen,
		    (long long)clen);
		goto fail;
	}
	req->body = body;
	req->bodylen = bodylen;
	if (req->route->flags & CV_BODY_JSON) {
		/* Before the handler: a cross-site form or text/plain POST
		 * changes nothing. */
		if ((bodylen > 0 || !(req->route->flags & CV_BODY_OPT)) &&
		    !json_media_type(req->content_type)) {
			rc = cv_fail(req, CV_EMEDIA, "request body must be "
			    "JSON: Content-Type %.100s is not application/json "
			    "or a +json type", req->content_type);
			goto fail;
		}
		if (bodylen == 0 && (req->route->flags & CV_BODY_OPT))
			req->json = json_object_new_object();
		else if (bodylen == 0) {
			rc = cv_fail_field(req, CV_EUNPROC, "body",
			    "request body must be a JSON object");
			goto fail;
		} else if ((rc = req->tok != NULL ?
		    cv_json_parse_tok(req->tok, CV_JSON_DEPTH_MAX, body,
		    bodylen, &req->json, errbuf, sizeof(errbuf)) :
		    cv_json_parse(body, bodylen, CV_JSON_DEPTH_MAX,
		    &req->json, errbuf, sizeof(errbuf))) != CV_OK) {
			rc = cv_fail(req, rc, "%s", errbuf);
			goto fail;
		} else if (!json_object_is_type(req->json, json_type_object)) {
			rc = cv_fail_field(req, CV_EUNPROC, "body",
			    "request body must be a JSON object");
			goto fail;
		}
	}
	if ((rc = cv_params_check(req)) != CV_OK ||
	    (rc = req->route->handler(req, resp)) != CV_OK)
		goto fail;
	goto cors;
fail:
	problem(req, resp, rc);
	if (rc == CV_EAUTH)
		cv_resp_header(resp, "WWW-Authenticate", "Bearer");
cors:
	if ((acao = cv_cors_allow(req->origin)) != NULL) {
		cv_resp_header(resp, "Access-Control-Allow-Origin", acao);
		cv_resp_header(resp, "Vary", "Origin");
	}
}
