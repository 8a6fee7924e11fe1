/*
 * Requests, responses, route tables and the serve loop.
 *
 * A responder declares its routes as data and ends with CV_RESPONDER(),
 * whose main() calls cv_serve_main().  The library checks method, path,
 * size and JSON before a handler runs; a handler reads the request, fills
 * the response and returns CV_OK, or returns an error (see cv_fail()) that
 * the library turns into an application/problem+json body.  Nothing but
 * lib/resp.c writes to the FastCGI stream.
 */
#ifndef CV_HTTP_H
#define CV_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "cv_arena.h"
#include "cv_err.h"
#include "cv_limits.h"

struct json_object;
struct cv_store_def;
struct cv_principal;

enum cv_method {
	CV_GET = 0,
	CV_POST,
	CV_PUT,
	CV_PATCH,
	CV_DELETE,
	CV_HEAD,
	CV_OPTIONS,
	CV_METHOD__MAX
};

const char	*cv_method_name(enum cv_method);

struct cv_kv {
	const char	*name;
	const char	*value;
};

/* Route flags. */
#define CV_BODY_JSON	0x01	/* body must be a JSON object (422 if not),
				   of a JSON media type or none (415 if not) */
#define CV_BODY_OPT	0x02	/* with CV_BODY_JSON: an empty body is {},
				   of any type */

struct cv_req;
struct cv_resp;

typedef enum cv_err (*cv_handler)(struct cv_req *, struct cv_resp *);

/*
 * A query parameter a route declares: checked by the library before the
 * handler runs and listed in openapi.json.  A value that is not of its
 * type or not one of `values`, or a required parameter that is absent or
 * empty, is a 422 problem naming it (as FastAPI answers for typed
 * parameters).  Undeclared parameters are ignored.
 */
enum cv_ptype {
	CV_P_STRING = 0,
	CV_P_INT,	/* decimal integer */
	CV_P_BOOL,	/* true/false/1/0/yes/no/on/off, any case */
	CV_P__MAX
};

#define CV_QP_REQUIRED	0x01

struct cv_qparam {
	const char		*name;		/* NULL ends a list */
	enum cv_ptype		 type;
	unsigned		 flags;		/* CV_QP_* */
	const char *const	*values;	/* allowed values, or NULL */
	const char		*doc;		/* one line, for openapi.json */
};

/* The limit and offset parameters of a paged list (cv_page()), as the
 * rows of a cv_qparam list. */
#define CV_QPARAMS_PAGE							\
	{ "limit", CV_P_INT, 0, NULL, "page size (default 50, 1..500)" },	\
	{ "offset", CV_P_INT, 0, NULL, "records skipped (default 0)" }

/*
 * API access control (cv_auth.h): the roles of CAVRA_API_ACCESS_FILE and
 * the sets of them a route admits (its row's `right`).  A right of 0
 * admits what its method implies: GET and HEAD CV_RIGHT_READ, any other
 * method CV_RIGHT_ADMIN.  CV_RIGHT_OPEN needs no bearer at all.
 */
#define CV_ROLE_AGENT		0x01
#define CV_ROLE_READER		0x02
#define CV_ROLE_OPERATOR	0x04
#define CV_ROLE_ADMIN		0x08
#define CV_RIGHT_OPEN		0x100
#define CV_RIGHT_READ		(CV_ROLE_READER | CV_ROLE_OPERATOR | CV_ROLE_ADMIN)
#define CV_RIGHT_AGENT_READ	(CV_ROLE_AGENT | CV_RIGHT_READ)	/* an agent
						   reads its own records */
#define CV_RIGHT_DECIDE		(CV_ROLE_AGENT | CV_ROLE_ADMIN)
#define CV_RIGHT_OPERATE	(CV_ROLE_OPERATOR | CV_ROLE_ADMIN)
#define CV_RIGHT_ADMIN		CV_ROLE_ADMIN

struct cv_route {
	enum cv_method	 method;
	const char	*pattern;	/* "/decisions/{decision_id}" */
	cv_handler	 handler;
	unsigned	 flags;		/* CV_BODY_* */
	const char	*summary;	/* one line, for openapi.json */
	const void	*data;		/* handler-specific table entry: the
					   struct cv_resource of a resource
					   handler (cv_resource.h) */
	const struct cv_qparam *params;	/* declared query parameters */
	const char	*schema;	/* JSON Schema text of the 200 answer
					   (routes that are not resource
					   handlers), or NULL */
	unsigned	 right;		/* CV_RIGHT_* (0: by method) */
};

struct cv_app {
	const char		*name;		/* "cavra-console" */
	const struct cv_route	*routes;
	size_t			 nroutes;
	/* Called once in the parent before workers start: read and check
	 * configuration.  A non-CV_OK return exits with status 78 after the
	 * function has logged one line saying what is wrong. */
	enum cv_err		(*init)(void);
	/* The stores the responder uses, NULL-terminated (or NULL): the
	 * library opens them in each worker after fork, before
	 * worker_init(), and closes them after worker_fini() (cv_db.h). */
	const struct cv_store_def *const *stores;
	/* Called in each worker after fork, before its threads start. */
	enum cv_err		(*worker_init)(void);
	void			(*worker_fini)(void);
	/* Worker processes (0: CV_WORKERS_DEFAULT) and request threads per
	 * worker (0 or 1: one).  More than one thread means every handler
	 * and everything worker_init() opens is safe to use from several
	 * threads at once; CAVRA_THREADS (-t) then overrides the count.
	 * CAVRA_WORKERS (-n) overrides the processes of every responder. */
	int			 workers;
	int			 threads;
};

struct cv_req {
	struct cv_arena		*arena;
	enum cv_method		 method;
	const char		*method_name;
	const char		*path;		/* raw path, without the query */
	char			**segs;		/* decoded segments */
	size_t			 nsegs;
	struct cv_kv		*query;		/* decoded, in order */
	size_t			 nquery;
	struct cv_kv		 params[CV_ROUTE_PARAMS_MAX];	/* from route */
	size_t			 nparams;
	const char		*authorization;	/* HTTP_AUTHORIZATION or NULL */
	const char		*origin;	/* HTTP_ORIGIN or NULL */
	const char		*content_type;
	const char		*body;		/* NUL-terminated copy, or NULL */
	size_t			 bodylen;
	struct json_object	*json;		/* parsed body (CV_BODY_JSON) */
	/* The caller's tokener for the body, kept between its requests
	 * (cv_json_parse_tok()), or NULL: one for this request. */
	struct json_tokener	**tok;
	const struct cv_route	*route;
	/* The bearer's identity when API access control is on (cv_auth.h),
	 * else NULL. */
	const struct cv_principal *principal;
	/* Set by cv_fail(): the problem detail and field errors. */
	const char		*detail;
	struct json_object	*field_errors;	/* array of {path,message} */
};

struct cv_resp {
	int			 status;	/* 200 unless set */
	struct json_object	*json;		/* owned; freed after write */
	const char		*ctype;		/* for raw bodies */
	const char		*body;		/* raw body (arena) */
	size_t			 bodylen;
	struct cv_kv		 headers[CV_RESP_HEADERS_MAX];
	size_t			 nheaders;
};

/* Path parameter by name, or NULL. */
const char	*cv_param(const struct cv_req *, const char *);
/* Last query value by name, or NULL. */
const char	*cv_query(const struct cv_req *, const char *);
/* Query value as an integer in [min,max]; absent gives dflt.  A value that
 * is not an integer fails with CV_EUNPROC (422) and a detail naming the
 * key.  Out of range: clamp != 0 clamps, else CV_EINVAL (400). */
enum cv_err	 cv_query_int(struct cv_req *, const char *, int64_t dflt,
		    int64_t min, int64_t max, int clamp, int64_t *);
/* Query boolean: true/false/1/0/yes/no/on/off, any case. */
enum cv_err	 cv_query_bool(struct cv_req *, const char *, int dflt, int *);
/* limit (default 50, clamped 1..500) and offset (clamped >= 0). */
enum cv_err	 cv_query_page(struct cv_req *, size_t *limit, size_t *offset);

/* Checks req's query against the route's declared parameters (see struct
 * cv_qparam): CV_OK, or CV_EUNPROC with the problem recorded. */
enum cv_err	 cv_params_check(struct cv_req *);

/* Record the problem detail (printf format) and return the error, so a
 * handler can write `return cv_fail(req, CV_ENOENT, "session not found");`. */
enum cv_err	 cv_fail(struct cv_req *, enum cv_err, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
/* As cv_fail(), also adding {path, message} to the problem's errors. */
enum cv_err	 cv_fail_field(struct cv_req *, enum cv_err, const char *path,
		    const char *, ...) __attribute__((format(printf, 4, 5)));
/* Fail with a detail joining the strings of a JSON array with "; ",
 * after "head: " (head may be NULL); with a path, each string is also a
 * {path, message} of the problem's errors. */
enum cv_err	 cv_fail_strings(struct cv_req *, enum cv_err,
		    const char *head, const char *path, struct json_object *);

/* Response helpers.  cv_resp_json() takes ownership of the object.  A
 * header (or content type) whose name is not a token or whose value holds
 * CR or LF is left out by cv_resp_render(), with a log line. */
void		 cv_resp_json(struct cv_resp *, int status,
		    struct json_object *);
void		 cv_resp_bytes(struct cv_resp *, int status, const char *ctype,
		    const char *, size_t);
void		 cv_resp_header(struct cv_resp *, const char *, const char *);

/* The roles a route admits: its right, or by method when 0. */
unsigned	 cv_route_right(const struct cv_route *);

/* Router.  A table is compiled once; matching fills req->params. */
struct cv_router;
struct cv_router *cv_router_new(const struct cv_route *, size_t);
void		 cv_router_free(struct cv_router *);
/* Finds the route for (method, segments).  CV_ENOENT: no route has this
 * path.  CV_EMETHOD: the path exists with other methods, listed in
 * *allow (", "-separated, arena). */
enum cv_err	 cv_router_match(const struct cv_router *, struct cv_req *,
		    const struct cv_route **, const char **allow);

/* Split a raw path into decoded segments ("." dropped, ".." resolved).
 * CV_EINVAL on a bad escape or NUL, CV_EURITOOLONG past the limits. */
enum cv_err	 cv_path_split(struct cv_arena *, const char *, char ***,
		    size_t *);
/* Decode a query string into pairs ('+' is a space). */
enum cv_err	 cv_query_parse(struct cv_arena *, const char *,
		    struct cv_kv **, size_t *);

/* Runs one request through the whole pipeline without FastCGI: used by
 * the serve loop and by unit tests.  `env` is a CGI environment
 * (REQUEST_METHOD, REQUEST_URI, QUERY_STRING, CONTENT_LENGTH, HTTP_*). */
struct cv_dispatch {
	const struct cv_app	*app;
	const struct cv_router	*router;
};
void		 cv_dispatch(const struct cv_dispatch *, struct cv_req *,
		    struct cv_resp *,
		    const char *(*getenv)(void *, const char *), void *envctx,
		    const char *body, size_t bodylen);
/* Serialise a response as CGI output (Status:, headers, body) into the
 * arena; used by the serve loop and tests. */
char		*cv_resp_render(struct cv_arena *, const struct cv_req *,
		    struct cv_resp *, size_t *len);

/* CORS (CAVRA_CORS_ORIGINS), read once by cv_serve_main(). */
enum cv_err	 cv_cors_init(void);
size_t		 cv_cors_origins(const char *const **);
/* Allow-Origin value for an Origin header, or NULL if not allowed. */
const char	*cv_cors_allow(const char *origin);

/* The responder's main(): options -s SOCKET, -n WORKERS, -t THREADS,
 * --routes (the route table), --openapi (its OpenAPI fragment). */
int		 cv_serve_main(const struct cv_app *, int, char **);
/* A responder whose routes come from several files: each file's table
 * and its length; a {NULL, NULL} row ends the list. */
struct cv_route_set {
	const struct cv_route	*routes;
	const size_t		*nroutes;
};
/* Sets app->routes to the concatenation of the sets (allocated once,
 * for the life of the process), then cv_serve_main(). */
int		 cv_serve_sets(struct cv_app *, const struct cv_route_set *,
		    int, char **);
/* The number of worker processes cv_serve_main() runs (1 before it). */
long		 cv_serve_workers(void);

/*
 * The end of a responder's file: its struct cv_app, named app, of the
 * file's route table `routes` and the designated initializers given
 * (.name, .stores, .init, ...), and the main() that serves it with
 * cv_serve_main().  Written as a declaration: a semicolon follows.
 */
#define CV_RESPONDER(...)						\
	static const struct cv_app app;					\
	int								\
	main(int argc, char **argv)					\
	{								\
		return cv_serve_main(&app, argc, argv);			\
	}								\
	static const struct cv_app app = { .routes = routes,		\
	    .nroutes = nitems(routes), __VA_ARGS__ }

/* The same for a responder whose routes are the route sets `sets`
 * (cv_serve_sets()). */
#define CV_RESPONDER_SETS(sets, ...)					\
	static struct cv_app app;					\
	int								\
	main(int argc, char **argv)					\
	{								\
		return cv_serve_sets(&app, (sets), argc, argv);		\
	}								\
	static struct cv_app app = { __VA_ARGS__ }

#endif /* !CV_HTTP_H */
