/*
 * Real answers against www/openapi.json, as the stack serves it: every
 * route of every built responder (their --routes) is called at least
 * once with a valid request through nginx, and each answer is checked
 * against the document: a 200 against the operation's 200 schema, an
 * error against the Problem schema of its status, which the operation
 * must list when the library raises it (400, 413, 415 and 422 for a
 * JSON body, 404 for a path parameter, every 4xx of a resource
 * handler); other statuses may fall to "default".  The request bodies
 * and query parameters of the valid calls must fit the document too.
 *
 * calls[] says how to call each route.  A route that no call reaches
 * with a 200, and a call whose route no responder serves, fail the
 * test: a new route cannot go untested.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "routes.h"
#include "schema.h"

#define ROUTES_MAX	1024	/* routes of all built responders */
#define VARS_MAX	8	/* values saved from answers */
#define TEXT_MAX	4096	/* an expanded path or body */
#define ERR_MAX		2048	/* a validation message */

#ifndef nitems
#define nitems(a)	(sizeof(a) / sizeof((a)[0]))
#endif

/*
 * One request.  In path and body, "$u" is this run's unique suffix and
 * "$<name>" a value saved from an earlier answer (save: "name=key", the
 * answer's member key).  ctype NULL sends application/json.
 */
struct call {
	const char	*route;		/* "GET /agents/{agent_id}" */
	const char	*path;
	const char	*body;
	const char	*ctype;
	long		 status;
	const char	*save;
};

static const struct call calls[] = {
	/* cavra-activity */
	{ "POST /decisions", "/decisions", "{\"action_type\":\"read_file\","
	    "\"target\":\"README.md\",\"session_id\":\"s-$u\","
	    "\"agent_id\":\"a-$u\"}", NULL, 200, "dec=decision_id" },
	{ "POST /decisions", "/decisions", "{\"action_type\":"
	    "\"execute_command\",\"target\":\"rm -rf /\",\"session_id\":"
	    "\"s-$u\",\"repository\":{\"name\":\"r\"}}", NULL, 200 },
	{ "POST /decisions", "/decisions", "{\"action_type\":\"no_such\","
	    "\"target\":\"x\"}", NULL, 422 },
	{ "POST /decisions", "/decisions", "{\"action_type\":", NULL, 400 },
	{ "POST /decisions", "/decisions", "[]", NULL, 422 },
	{ "POST /decisions", "/decisions", "{}", "text/plain", 415 },
	{ "POST /decisions", "/decisions", "{\"action_type\":\"read_file\","
	    "\"target\":\"x\",\"policy_pack\":\"no-such-pack-$u\"}", NULL,
	    404 },
	{ "GET /decisions", "/decisions", NULL, NULL, 200 },
	{ "GET /decisions", "/decisions?agent_id=a-$u&session_id=s-$u&"
	    "limit=1&offset=0", NULL, NULL, 200 },
	{ "GET /decisions", "/decisions?decision=block&severity=high",
	    NULL, NULL, 200 },
	{ "GET /decisions", "/decisions?decision=bogus", NULL, NULL, 422 },
	{ "GET /decisions", "/decisions?limit=x", NULL, NULL, 422 },
	{ "GET /decisions/{decision_id}", "/decisions/$dec", NULL, NULL,
	    200 },
	{ "GET /decisions/{decision_id}", "/decisions/dec_none$u", NULL,
	    NULL, 404 },
	{ "POST /sessions", "/sessions", "{\"session_id\":\"s-$u\"}", NULL,
	    200 },
	{ "POST /sessions", "/sessions", "{\"session_id\":\"t-$u\","
	    "\"status\":\"completed\",\"agent_id\":\"a-$u\","
	    "\"evidence_refs\":[\"e1\",2,true]}", NULL, 200 },
	{ "POST /sessions", "/sessions", "{}", NULL, 400 },
	{ "POST /sessions", "/sessions", "{\"session_id\":\"u-$u\","
	    "\"state\":\"bogus\"}", NULL, 400 },
	{ "GET /sessions", "/sessions", NULL, NULL, 200 },
	{ "GET /sessions", "/sessions?state=active&agent_id=a-$u&limit=5",
	    NULL, NULL, 200 },
	{ "GET /sessions", "/sessions?state=bogus", NULL, NULL, 422 },
	{ "GET /sessions/{session_id}", "/sessions/s-$u", NULL, NULL, 200 },
	{ "GET /sessions/{session_id}", "/sessions/none-$u", NULL, NULL,
	    404 },

	/* cavra-registry */
	{ "POST /agents", "/agents", "{\"agent_id\":\"a-$u\"}", NULL, 200 },
	{ "POST /agents", "/agents", "{\"id\":\"b-$u\",\"capabilities\":"
	    "\"shell\",\"risk_tier\":\"high\",\"status\":\"disabled\","
	    "\"vendor\":null}", NULL, 200 },
	{ "POST /agents", "/agents", "{\"agent_id\":\"c-$u\","
	    "\"risk_tier\":\"extreme\"}", NULL, 400 },
	{ "POST /agents", "/agents", "{\"agent_id\":5}", NULL, 400 },
	{ "POST /agents", "/agents", "{}", NULL, 400 },
	{ "GET /agents", "/agents", NULL, NULL, 200 },
	{ "GET /agents", "/agents?status=active&owner=unassigned", NULL, NULL,
	    200 },
	{ "GET /agents", "/agents?status=bogus", NULL, NULL, 422 },
	{ "GET /agents/profiles", "/agents/profiles", NULL, NULL, 200 },
	{ "GET /agents/{agent_id}", "/agents/a-$u", NULL, NULL, 200 },
	{ "GET /agents/{agent_id}", "/agents/none-$u", NULL, NULL, 404 },
	{ "POST /mcp/servers", "/mcp/servers", "{\"server_id\":\"m-$u\","
	    "\"capabilities\":[\"filesystem\"],\"trust_tier\":\"trusted\"}",
	    NULL, 200 },
	{ "POST /mcp/servers", "/mcp/servers", "{\"name\":\"n-$u\"}", NULL,
	    200 },
	{ "POST /mcp/servers", "/mcp/servers", "{\"server_id\":\"x-$u\","
	    "\"trust_tier\":\"bogus\"}", NULL, 400 },
	{ "GET /mcp/servers", "/mcp/servers", NULL, NULL, 200 },
	{ "GET /mcp/servers", "/mcp/servers?capability=filesystem&"
	    "trust_tier=trusted&approval_state=approved", NULL, NULL, 200 },
	{ "GET /mcp/servers", "/mcp/servers?trust_tier=bogus", NULL, NULL,
	    422 },
	{ "GET /mcp/servers/{server_id}", "/mcp/servers/m-$u", NULL, NULL,
	    200 },
	{ "GET /mcp/servers/{server_id}", "/mcp/servers/n-$u", NULL, NULL,
	    200 },
	{ "GET /mcp/servers/{server_id}", "/mcp/servers/none-$u", NULL, NULL,
	    404 },
	{ "GET /mcp/tool-classifications", "/mcp/tool-classifications", NULL,
	    NULL, 200 },
	{ "GET /mcp/tool-classifications",
	    "/mcp/tool-classifications?capability=Shell", NULL, NULL, 200 },
	{ "GET /mcp/tool-classifications",
	    "/mcp/tool-classifications?capability=none", NULL, NULL, 404 },
	{ "GET /mcp/trust", "/mcp/trust?server=m-$u&tool=read_file&"
	    "capability=filesystem", NULL, NULL, 200 },
	{ "GET /mcp/trust", "/mcp/trust?server=none-$u", NULL, NULL, 200 },
	{ "GET /mcp/trust", "/mcp/trust", NULL, NULL, 422 },

	/* cavra-console */
	{ "GET /health", "/health", NULL, NULL, 200 },
	{ "GET /version", "/version", NULL, NULL, 200 },
	{ "GET /console/config", "/console/config", NULL, NULL, 200 },
	{ "GET /console/security-boundary", "/console/security-boundary",
	    NULL, NULL, 200 },
	{ "GET /operations/stores", "/operations/stores", NULL, NULL, 200 },
	{ "GET /operations/retention-plan", "/operations/retention-plan",
	    NULL, NULL, 200 },
	{ "GET /operations/retention-plan", "/operations/retention-plan?"
	    "retention_days=30&legal_hold=true&classification=internal", NULL,
	    NULL, 200 },
	{ "GET /operations/retention-plan",
	    "/operations/retention-plan?retention_days=x", NULL, NULL, 422 },
	{ "GET /operations/retention-plan",
	    "/operations/retention-plan?retention_days=0", NULL, NULL, 400 },
	{ "GET /risk/events", "/risk/events", NULL, NULL, 200 },
	{ "GET /risk/events", "/risk/events?decision=require_approval&"
	    "session_id=s-$u&limit=5&offset=0", NULL, NULL, 200 },
	{ "GET /risk/events", "/risk/events?decision=allow", NULL, NULL,
	    422 },
	{ "GET /risk/events", "/risk/events?limit=x", NULL, NULL, 422 },
	{ "GET /compliance/mappings", "/compliance/mappings", NULL, NULL,
	    200 },

	/* cavra-policy */
	{ "GET /policy-pack-catalog", "/policy-pack-catalog", NULL, NULL,
	    200 },
};

struct routes {
	char	*r[ROUTES_MAX];		/* "GET /agents/{agent_id}" */
	int	 called[ROUTES_MAX];	/* answered 200 at least once */
	size_t	 n;
};

struct var {
	char	 name[32];
	char	*value;
};

struct run {
	struct json_object	*doc;	/* the served openapi.json */
	struct var		 vars[VARS_MAX];
	size_t			 nvars;
	char			 u[64];
};

/* The routes of every built responder, from their --routes. */
static void
load_routes(struct routes *rs)
{
	struct built_route	*br;
	size_t			 i, n;

	br = built_routes(&n);
	cr_assert_leq(n, ROUTES_MAX);
	for (i = 0; i < n; i++) {
		cr_assert_neq(asprintf(&rs->r[i], "%s %s", br[i].method,
		    br[i].pattern), -1);
		rs->called[i] = 0;
	}
	rs->n = n;
	free(br);
}

static ssize_t
route_index(const struct routes *rs, const char *route)
{
	size_t	 i;

	for (i = 0; i < rs->n; i++)
		if (strcmp(rs->r[i], route) == 0)
			return (ssize_t)i;
	return -1;
}

/* Expands "$u" and "$<saved name>" in t into out (TEXT_MAX bytes). */
static void
expand(const struct run *run, const char *t, char *out)
{
	const char	*v;
	size_t		 n = 0, i, len;

	while (*t != '\0') {
		v = NULL;
		len = 0;
		if (*t == '$' && t[1] == 'u' && !(t[2] >= 'a' && t[2] <= 'z')) {
			v = run->u;
			len = 2;
		}
		for (i = 0; v == NULL && *t == '$' && i < run->nvars; i++) {
			len = strlen(run->vars[i].name);
			if (strncmp(t + 1, run->vars[i].name, len) == 0) {
				v = run->vars[i].value;
				len++;
			}
		}
		cr_assert(*t != '$' || v != NULL, "unknown variable in %s", t);
		if (v == NULL) {
			v = t;
			len = 1;
			cr_assert_lt(n + 1, TEXT_MAX);
			out[n++] = *t;
		} else {
			cr_assert_lt(n + strlen(v), TEXT_MAX);
			memcpy(out + n, v, strlen(v));
			n += strlen(v);
		}
		t += len;
	}
	out[n] = '\0';
}

/* The operation of route "METHOD /pattern" in the document: fails the
 * test when it has none. */
static struct json_object *
operation(struct json_object *doc, const char *route)
{
	struct json_object	*paths, *item, *op;
	char			 method[16], path[TEXT_MAX], *p;
	size_t			 i;

	for (i = 0; route[i] != ' ' && i + 1 < sizeof(method); i++)
		method[i] = (char)(route[i] >= 'A' && route[i] <= 'Z' ?
		    route[i] + 32 : route[i]);
	method[i] = '\0';
	snprintf(path, sizeof(path), "%s", route + i + 1);
	while ((p = strstr(path, "...}")) != NULL)
		memmove(p, p + 3, strlen(p + 3) + 1);
	cr_assert(json_object_object_get_ex(doc, "paths", &paths));
	cr_assert(json_object_object_get_ex(paths, path, &item) &&
	    json_object_object_get_ex(item, method, &op),
	    "openapi.json has no operation for %s", route);
	return op;
}

/* op.<a>.<b>.<c>... (NULL-terminated keys), resolving a "$ref" met on
 * the way; NULL when absent. */
static struct json_object *
dig(struct json_object *doc, struct json_object *o, ...)
{
	struct json_object	*ref;
	const char		*k;
	va_list			 ap;

	va_start(ap, o);
	while (o != NULL && (k = va_arg(ap, const char *)) != NULL) {
		if (json_object_object_get_ex(o, "$ref", &ref))
			o = cv_json_pointer(doc, json_object_get_string(ref));
		if (o == NULL || !json_object_object_get_ex(o, k, &o))
			o = NULL;
	}
	va_end(ap);
	return o;
}

/* Asserts that every query parameter of path is a documented query
 * parameter of op. */
static void
assert_query_documented(struct json_object *op, const char *route,
    const char *path)
{
	struct json_object	*params, *p;
	const char		*q, *e;
	size_t			 i, n, len;
	int			 found;

	if ((q = strchr(path, '?')) == NULL)
		return;
	if (!json_object_object_get_ex(op, "parameters", &params))
		params = NULL;
	n = params != NULL ? json_object_array_length(params) : 0;
	for (q++; *q != '\0'; q = *e == '&' ? e + 1 : e) {
		e = q + strcspn(q, "&");
		len = strcspn(q, "=&");
		found = 0;
		for (i = 0; !found && i < n; i++) {
			p = json_object_array_get_idx(params, i);
			found = strcmp(api_str(p, "in"), "query") == 0 &&
			    strlen(api_str(p, "name")) == len &&
			    strncmp(api_str(p, "name"), q, len) == 0;
		}
		cr_assert(found, "%s: query parameter %.*s is not in "
		    "openapi.json", route, (int)len, q);
	}
}

/* Validates inst against schema, failing the test with what and the
 * body when it does not fit. */
static void
assert_fits(struct json_object *doc, struct json_object *schema,
    struct json_object *inst, const char *what, const char *body)
{
	char	 err[ERR_MAX];

	cr_assert_not_null(schema, "%s: no schema in openapi.json", what);
	cr_assert_eq(schema_check(doc, schema, inst, err, sizeof(err)), 0,
	    "%s does not fit openapi.json: %s\n%s", what, err, body);
}

/*
 * Whether op must list error status st (else "default" covers it): the
 * library's statuses for a JSON body (400, 413, 415, 422) and a path
 * parameter (404), and every 4xx of a resource handler.
 */
static int
must_list(struct json_object *op, long st)
{
	struct json_object	*params;
	size_t			 i, n = 0;
	int			 path = 0;

	if (json_object_object_get_ex(op, "x-cavra-resource", NULL) &&
	    st < 500)
		return 1;
	if (json_object_object_get_ex(op, "requestBody", NULL) &&
	    (st == 400 || st == 413 || st == 415 || st == 422))
		return 1;
	if (json_object_object_get_ex(op, "parameters", &params))
		n = json_object_array_length(params);
	for (i = 0; i < n; i++)
		if (strcmp(api_str(json_object_array_get_idx(params, i), "in"),
		    "path") == 0)
			path = 1;
	return path && st == 404;
}

/* Checks answer r of route to the call against the document. */
static void
check_answer(struct run *run, const char *route, const char *path,
    const char *body, const struct api_resp *r)
{
	struct json_object	*op, *schema, *req;
	const char		*key;
	char			 status[8], what[TEXT_MAX + 64], *ct;

	op = operation(run->doc, route);
	snprintf(status, sizeof(status), "%ld", r->status);
	snprintf(what, sizeof(what), "%s (%s) answer %ld", route, path,
	    r->status);
	ct = api_header(r, "Content-Type");
	if (r->status == 200) {
		cr_assert(ct != NULL && strcmp(ct, "application/json") == 0,
		    "%s: Content-Type %s", what, ct != NULL ? ct : "(none)");
		schema = dig(run->doc, op, "responses", "200", "content",
		    "application/json", "schema", NULL);
		cr_assert_not_null(r->json, "%s is not JSON: %s", what,
		    r->body);
		assert_fits(run->doc, schema, r->json, what, r->body);
		if (body != NULL) {
			req = json_tokener_parse(body);
			snprintf(what, sizeof(what), "%s request body",
			    route);
			assert_fits(run->doc, dig(run->doc, op, "requestBody",
			    "content", "application/json", "schema", NULL),
			    req, what, body);
			json_object_put(req);
		}
		assert_query_documented(op, route, path);
	} else {
		cr_assert(ct != NULL && strcmp(ct, "application/problem+json") ==
		    0, "%s: Content-Type %s: %s", what, ct != NULL ? ct :
		    "(none)", r->body);
		if (must_list(op, r->status))
			cr_assert(dig(run->doc, op, "responses", status,
			    NULL) != NULL, "%s: openapi.json does not list "
			    "status %s for %s", what, status, route);
		key = dig(run->doc, op, "responses", status, NULL) != NULL ?
		    status : "default";
		cr_assert_not_null(dig(run->doc, op, "responses", key, NULL),
		    "%s: no response %s nor default", what, status);
		schema = dig(run->doc, op, "responses", key, "content",
		    "application/problem+json", "schema", NULL);
		cr_assert_not_null(r->json, "%s is not JSON: %s", what,
		    r->body);
		assert_fits(run->doc, schema, r->json, what, r->body);
	}
	free(ct);
}

/* Saves member key of the answer as variable name ("name=key"). */
static void
save(struct run *run, const char *spec, struct json_object *answer)
{
	const char	*eq;
	struct var	*v;

	cr_assert_lt(run->nvars, VARS_MAX);
	v = &run->vars[run->nvars++];
	eq = strchr(spec, '=');
	cr_assert_not_null(eq);
	snprintf(v->name, sizeof(v->name), "%.*s", (int)(eq - spec), spec);
	v->value = strdup(api_str(answer, eq + 1));
}

/* The served openapi.json (GET /openapi.json through nginx), itself
 * checked against its own operation's 200 schema. */
static struct json_object *
served_document(void)
{
	struct json_object	*doc;
	struct api_resp		 r;

	api_req("GET", "/openapi.json", NULL, NULL, &r);
	cr_assert_eq(r.status, 200, "GET /openapi.json: %ld", r.status);
	cr_assert_not_null(r.json, "openapi.json is not JSON");
	doc = json_object_get(r.json);
	api_free(&r);
	assert_fits(doc, dig(doc, operation(doc, "GET /openapi.json"),
	    "responses", "200", "content", "application/json", "schema",
	    NULL), doc, "GET /openapi.json", "");
	return doc;
}

API_TEST(openapi, every_route_answers_as_documented)
{
	struct routes	 rs;
	struct run	 run;
	struct api_resp	 r;
	const char	*hdr[2] = { NULL, NULL };
	char		 method[16], path[TEXT_MAX], body[TEXT_MAX], ct[128];
	struct timespec	 ts;
	ssize_t		 ri;
	size_t		 i;

	memset(&run, 0, sizeof(run));
	clock_gettime(CLOCK_REALTIME, &ts);
	snprintf(run.u, sizeof(run.u), "oa%s%ld-%ld%09ld", api_mode(),
	    (long)getpid(), (long)ts.tv_sec, ts.tv_nsec);
	run.doc = served_document();
	load_routes(&rs);
	for (i = 0; i < nitems(calls); i++) {
		ri = route_index(&rs, calls[i].route);
		cr_assert_geq(ri, 0, "calls[] has %s, which no built responder "
		    "serves", calls[i].route);
		snprintf(method, sizeof(method), "%.*s",
		    (int)strcspn(calls[i].route, " "), calls[i].route);
		expand(&run, calls[i].path, path);
		if (calls[i].body != NULL)
			expand(&run, calls[i].body, body);
		hdr[0] = NULL;
		if (calls[i].ctype != NULL) {
			snprintf(ct, sizeof(ct), "Content-Type: %s",
			    calls[i].ctype);
			hdr[0] = ct;
		}
		api_req(method, path, calls[i].body != NULL ? body : NULL, hdr,
		    &r);
		cr_assert_eq(r.status, calls[i].status, "%s %s %s: %ld, want "
		    "%ld: %s", method, path, calls[i].body != NULL ? body : "",
		    r.status, calls[i].status, r.body);
		check_answer(&run, calls[i].route, path, calls[i].body != NULL ?
		    body : NULL, &r);
		if (r.status == 200) {
			rs.called[ri] = 1;
			if (calls[i].save != NULL)
				save(&run, calls[i].save, r.json);
		}
		api_free(&r);
	}
	for (i = 0; i < rs.n; i++)
		cr_expect(rs.called[i], "no call answers %s with 200: add one "
		    "to calls[] in tests/api/test_openapi_responses.c",
		    rs.r[i]);
	for (i = 0; i < rs.n; i++)
		free(rs.r[i]);
	for (i = 0; i < run.nvars; i++)
		free(run.vars[i].value);
	json_object_put(run.doc);
}

/*
 * Answers the library gives before any handler: an unknown path (404)
 * and a known path with another method (405, with Allow) are problems
 * that fit the document's Problem schema.
 */
API_TEST(openapi, library_problems_fit)
{
	struct json_object	*doc, *schema;
	struct api_resp		 r;
	char			*allow;

	doc = served_document();
	schema = cv_json_pointer(doc, "#/components/schemas/Problem");
	cr_assert_not_null(schema);
	api_req("GET", "/agents/x/y/z", NULL, NULL, &r);
	api_assert_problem(&r, 404);
	assert_fits(doc, schema, r.json, "404 of an unknown path", r.body);
	api_free(&r);
	api_req("DELETE", "/agents", NULL, NULL, &r);
	api_assert_problem(&r, 405);
	assert_fits(doc, schema, r.json, "405", r.body);
	allow = api_header(&r, "Allow");
	cr_assert(allow != NULL && strstr(allow, "GET") != NULL, "Allow %s",
	    allow != NULL ? allow : "(none)");
	free(allow);
	api_free(&r);
	json_object_put(doc);
}

/*
 * The validator finds what it must: each keyword refuses an instance
 * that breaks it (so a schema check that passes means something).
 */
static void
assert_refused(const char *schema, const char *inst, const char *want)
{
	struct json_object	*s, *i;
	char			 err[ERR_MAX];

	s = json_tokener_parse(schema);
	cr_assert_not_null(s, "%s", schema);
	i = json_tokener_parse(inst);
	cr_assert(i != NULL || strcmp(inst, "null") == 0, "%s", inst);
	cr_assert_eq(schema_check(s, s, i, err, sizeof(err)), -1,
	    "%s accepted %s", schema, inst);
	cr_assert(strstr(err, want) != NULL, "%s on %s: \"%s\" lacks \"%s\"",
	    schema, inst, err, want);
	json_object_put(s);
	json_object_put(i);
}

static void
assert_accepted(const char *schema, const char *inst)
{
	struct json_object	*s, *i;
	char			 err[ERR_MAX];

	s = json_tokener_parse(schema);
	cr_assert_not_null(s, "%s", schema);
	i = json_tokener_parse(inst);
	cr_assert_eq(schema_check(s, s, i, err, sizeof(err)), 0,
	    "%s refused %s: %s", schema, inst, err);
	json_object_put(s);
	json_object_put(i);
}

Test(schema, keywords_refuse)
{
	assert_refused("{\"type\":\"string\"}", "1", "not of type");
	assert_refused("{\"type\":\"integer\"}", "1.5", "not of type");
	assert_refused("{\"type\":[\"string\",\"null\"]}", "true",
	    "not of type");
	assert_refused("{\"type\":\"string\"}", "null", "not of type");
	assert_refused("{\"type\":\"object\",\"required\":[\"a\"]}", "{}",
	    "required member a");
	assert_refused("{\"properties\":{\"a\":{\"type\":\"integer\"}}}",
	    "{\"a\":\"x\"}", "/a: ");
	assert_refused("{\"items\":{\"type\":\"string\"}}", "[\"a\",2]",
	    "/1: ");
	assert_refused("{\"enum\":[\"a\",null]}", "\"b\"", "not one of");
	assert_refused("{\"const\":\"v1\"}", "\"v2\"", "is not");
	assert_refused("{\"minimum\":0}", "-1", "below the minimum");
	assert_refused("{\"maximum\":500}", "501", "above the maximum");
	assert_refused("{\"minLength\":1}", "\"\"", "shorter");
	assert_refused("{\"maxLength\":1}", "\"\\u00e9\\u00e9\"", "longer");
	assert_refused("{\"properties\":{\"a\":{}},"
	    "\"additionalProperties\":false}", "{\"a\":1,\"b\":2}",
	    "/b: no value");
	assert_refused("{\"anyOf\":[{\"required\":[\"a\"]},"
	    "{\"required\":[\"b\"]}]}", "{\"c\":1}", "none of anyOf");
	assert_refused("{\"$defs\":{\"x\":{\"type\":\"string\"}},"
	    "\"$ref\":\"#/$defs/x\"}", "1", "not supported");
	assert_refused("{\"properties\":{\"a\":{\"$ref\":\"#/nowhere\"}}}",
	    "{\"a\":1}", "points nowhere");
	assert_refused("{\"pattern\":\"^a\"}", "\"b\"", "not supported");
	assert_refused("false", "1", "no value");
}

/* A "$ref" is resolved in the document the schema comes from. */
Test(schema, ref_resolves_in_root)
{
	struct json_object	*root, *s, *ok, *bad;
	char			 err[ERR_MAX];

	root = json_tokener_parse("{\"components\":{\"schemas\":{\"X\":"
	    "{\"type\":\"string\"}}}}");
	s = json_tokener_parse("{\"properties\":{\"a\":{\"$ref\":"
	    "\"#/components/schemas/X\"}},\"required\":[\"a\"]}");
	ok = json_tokener_parse("{\"a\":\"s\",\"b\":1}");
	bad = json_tokener_parse("{\"a\":1}");
	cr_assert_eq(schema_check(root, s, ok, err, sizeof(err)), 0, "%s",
	    err);
	cr_assert_eq(schema_check(root, s, bad, err, sizeof(err)), -1);
	cr_assert(strstr(err, "/a: ") != NULL, "%s", err);
	json_object_put(root);
	json_object_put(s);
	json_object_put(ok);
	json_object_put(bad);
}

Test(schema, keywords_accept)
{
	assert_accepted("{\"type\":[\"string\",\"null\"],"
	    "\"enum\":[\"a\",null]}", "null");
	assert_accepted("{\"type\":\"integer\",\"minimum\":0}", "0");
	assert_accepted("{\"type\":\"number\"}", "1");
	assert_accepted("{\"anyOf\":[{\"required\":[\"a\"]},"
	    "{\"required\":[\"b\"]}]}", "{\"b\":1}");
	assert_accepted("{\"maxLength\":2}", "\"\\u00e9\\u00e9\"");
	assert_accepted("{}", "[1,\"x\",null]");
	assert_accepted("{\"description\":\"d\",\"default\":1,"
	    "\"readOnly\":true}", "2");
}
