/*
 * Route tables compiled into segment lists, and matching of a request's
 * decoded segments against them.  Literal segments beat parameters, and
 * parameters beat a trailing rest parameter ("{name...}"), position by
 * position from the left.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cv_http.h"
#include "cv_util.h"

enum segkind {
	SEG_LIT = 0,
	SEG_PARAM = 1,
	SEG_REST = 2
};

struct rseg {
	enum segkind	 kind;
	char		*text;	/* literal text or parameter name */
};

struct rroute {
	const struct cv_route	*route;
	struct rseg		 segs[CV_ROUTE_SEGS_MAX];
	size_t			 nsegs;
};

struct cv_router {
	struct rroute	*routes;
	size_t		 n;
};

/*
 * Compiles one pattern.  A malformed pattern is a programming error in a
 * route table, so it is fatal at start-up, never at request time.
 */
static void
compile(struct rroute *rr, const struct cv_route *r)
{
	const char	*p, *e;
	size_t		 len, nparams = 0;

	rr->route = r;
	rr->nsegs = 0;
	if (r->pattern[0] != '/')
		cv_fatal("route %s: pattern must start with /", r->pattern);
	for (p = r->pattern; *p != '\0'; p = e) {
		while (*p == '/')
			p++;
		if (*p == '\0')
			break;
		for (e = p; *e != '\0' && *e != '/'; e++)
			;
		if (rr->nsegs == CV_ROUTE_SEGS_MAX)
			cv_fatal("route %s: too many segments", r->pattern);
		len = (size_t)(e - p);
		if (p[0] == '{' && p[len - 1] == '}') {
			if (++nparams > CV_ROUTE_PARAMS_MAX)
				cv_fatal("route %s: too many parameters",
				    r->pattern);
			if (len > 5 && memcmp(p + len - 4, "...}", 4) == 0) {
				if (*e != '\0')
					cv_fatal("route %s: {name...} must be "
					    "last", r->pattern);
				rr->segs[rr->nsegs].kind = SEG_REST;
				len -= 3;
			} else
				rr->segs[rr->nsegs].kind = SEG_PARAM;
			rr->segs[rr->nsegs].text = strndup(p + 1, len - 2);
		} else {
			rr->segs[rr->nsegs].kind = SEG_LIT;
			rr->segs[rr->nsegs].text = strndup(p, len);
		}
		if (rr->segs[rr->nsegs].text == NULL)
			cv_fatal("out of memory");
		rr->nsegs++;
	}
}

/*
 * The roles route rt admits (CV_RIGHT_*, cv_http.h): its row's right, or
 * for 0 what its method implies (GET and HEAD: CV_RIGHT_READ, any other:
 * CV_RIGHT_ADMIN).
 */
unsigned
cv_route_right(const struct cv_route *rt)
{
	if (rt->right != 0)
		return rt->right;
	return rt->method == CV_GET || rt->method == CV_HEAD ?
	    CV_RIGHT_READ : CV_RIGHT_ADMIN;
}

struct cv_router *
cv_router_new(const struct cv_route *routes, size_t n)
{
	struct cv_router	*rt;
	size_t			 i;

	rt = cv_xcalloc(1, sizeof(*rt));
	rt->routes = cv_xcalloc(n, sizeof(*rt->routes));
	rt->n = n;
	for (i = 0; i < n; i++)
		compile(&rt->routes[i], &routes[i]);
	return rt;
}

void
cv_router_free(struct cv_router *rt)
{
	size_t	 i, j;

	if (rt == NULL)
		return;
	for (i = 0; i < rt->n; i++)
		for (j = 0; j < rt->routes[i].nsegs; j++)
			free(rt->routes[i].segs[j].text);
	free(rt->routes);
	free(rt);
}

/* Does rr match segs?  Parameters are not captured here. */
static int
matches(const struct rroute *rr, char *const *segs, size_t n)
{
	size_t	 i;

	for (i = 0; i < rr->nsegs; i++) {
		if (rr->segs[i].kind == SEG_REST)
			return n > i;
		if (i >= n)
			return 0;
		if (rr->segs[i].kind == SEG_LIT &&
		    strcmp(rr->segs[i].text, segs[i]) != 0)
			return 0;
	}
	return i == n;
}

/* < 0 when a is more specific than b. */
static int
specificity(const struct rroute *a, const struct rroute *b)
{
	size_t	 i;

	for (i = 0; i < a->nsegs && i < b->nsegs; i++)
		if (a->segs[i].kind != b->segs[i].kind)
			return (int)a->segs[i].kind - (int)b->segs[i].kind;
	return (int)b->nsegs - (int)a->nsegs;
}

/* Fills req->params from the matched route. */
static void
capture(const struct rroute *rr, struct cv_req *req)
{
	size_t	 i, j, len;
	char	*v, *p;

	req->nparams = 0;
	for (i = 0; i < rr->nsegs; i++) {
		if (rr->segs[i].kind == SEG_LIT)
			continue;
		if (rr->segs[i].kind == SEG_PARAM)
			v = req->segs[i];
		else {
			for (len = 0, j = i; j < req->nsegs; j++)
				len += strlen(req->segs[j]) + 1;
			p = v = cv_arena_alloc(req->arena, len);
			for (j = i; j < req->nsegs; j++) {
				if (j > i)
					*p++ = '/';
				len = strlen(req->segs[j]);
				memcpy(p, req->segs[j], len);
				p += len;
			}
			*p = '\0';
		}
		req->params[req->nparams].name = rr->segs[i].text;
		req->params[req->nparams].value = v;
		req->nparams++;
	}
}

/*
 * Finds the most specific route for req's segments and method (HEAD
 * falls back to GET).  CV_ENOENT when no route has the path; CV_EMETHOD
 * when it exists with other methods, with *allow listing them.
 */
enum cv_err
cv_router_match(const struct cv_router *rt, struct cv_req *req,
    const struct cv_route **out, const char **allow)
{
	const struct rroute	*best = NULL, *bestpath = NULL;
	enum cv_method		 want;
	unsigned		 seen = 0;
	size_t			 i, len;
	char			*p;
	int			 m;

	*out = NULL;
	*allow = NULL;
	want = req->method == CV_HEAD ? CV_GET : req->method;
	for (i = 0; i < rt->n; i++) {
		if (!matches(&rt->routes[i], req->segs, req->nsegs))
			continue;
		if (bestpath == NULL ||
		    specificity(&rt->routes[i], bestpath) < 0)
			bestpath = &rt->routes[i];
		if (rt->routes[i].route->method == want &&
		    (best == NULL || specificity(&rt->routes[i], best) < 0))
			best = &rt->routes[i];
	}
	if (bestpath == NULL)
		return CV_ENOENT;
	if (best != NULL && specificity(best, bestpath) == 0) {
		capture(best, req);
		*out = best->route;
		return CV_OK;
	}
	/* The path's most specific pattern lacks this method: collect the
	 * methods of every route with that same pattern shape. */
	for (i = 0; i < rt->n; i++)
		if (matches(&rt->routes[i], req->segs, req->nsegs) &&
		    specificity(&rt->routes[i], bestpath) == 0)
			seen |= 1u << rt->routes[i].route->method;
	len = 0;
	for (m = 0; m < CV_METHOD__MAX; m++)
		if (seen & (1u << m))
			len += strlen(cv_method_name(m)) + 2;
	p = cv_arena_alloc(req->arena, len + 1);
	*allow = p;
	for (m = 0; m < CV_METHOD__MAX; m++)
		if (seen & (1u << m)) {
			if (p != *allow) {
				memcpy(p, ", ", 2);
				p += 2;
			}
			len = strlen(cv_method_name(m));
			memcpy(p, cv_method_name(m), len);
			p += len;
		}
	*p = '\0';
	return CV_EMETHOD;
}
