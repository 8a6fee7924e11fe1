/*
 * www/openapi.json and the responders' tables must agree:
 *  - every route of every built responder (`--routes`) is in
 *    openapi.json with its method, and every operation of openapi.json
 *    but /openapi.json itself (served by the web server) is in some
 *    route table;
 *  - the committed document is what tests/gen-openapi makes of the
 *    built responders now (a stale document fails: run make openapi);
 *  - every operation of a resource handler has a record schema and, for
 *    upserts, a request body schema;
 *  - the generator (lib/openapi.c) turns a route table into what
 *    cv_openapi.h promises: every declared query parameter, every list
 *    filter and paging parameter, the record and body schemas, the
 *    problems; and tests/openapi-merge refuses what it must.
 */
#include "config.h"

#include <sys/wait.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "cavra.h"
#include "cv_openapi.h"
#include "routes.h"
#include "tmpdir.h"

#define MAXOPS	1024

struct ops {
	char	*op[MAXOPS];	/* "get /path/{x}" */
	size_t	 n;
};

static void
add(struct ops *o, const char *method, const char *path)
{
	char	 buf[1024], *p;
	size_t	 i;

	snprintf(buf, sizeof(buf), "%s %s", method, path);
	for (p = buf; *p != ' '; p++)
		*p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
	/* {name...} is {name} in OpenAPI. */
	while ((p = strstr(buf, "...}")) != NULL)
		memmove(p, p + 3, strlen(p + 3) + 1);
	for (i = 0; i < o->n; i++)
		if (strcmp(o->op[i], buf) == 0)
			return;
	cr_assert_lt(o->n, MAXOPS);
	o->op[o->n++] = strdup(buf);
}

static int
has(const struct ops *o, const char *op)
{
	size_t	 i;

	for (i = 0; i < o->n; i++)
		if (strcmp(o->op[i], op) == 0)
			return 1;
	return 0;
}

static void
from_tables(struct ops *o)
{
	struct built_route	*br;
	size_t			 i, n;

	br = built_routes(&n);
	for (i = 0; i < n; i++)
		add(o, br[i].method, br[i].pattern);
	free(br);
}

static void
from_openapi(struct ops *o)
{
	struct json_object	*doc, *paths;

	doc = json_object_from_file(SRCDIR "/www/openapi.json");
	cr_assert_not_null(doc, "www/openapi.json is not valid JSON");
	cr_assert_str_eq(json_object_get_string(json_object_object_get(doc,
	    "openapi")), "3.1.0");
	cr_assert(json_object_object_get_ex(doc, "paths", &paths));
	{
		json_object_object_foreach(paths, path, item) {
			json_object_object_foreach(item, method, op) {
				(void)op;
				add(o, method, path);
			}
		}
	}
	json_object_put(doc);
}

Test(openapi, agrees_with_route_tables)
{
	struct ops	 tables = { { 0 }, 0 }, doc = { { 0 }, 0 };
	size_t		 i;

	from_tables(&tables);
	from_openapi(&doc);
	for (i = 0; i < tables.n; i++)
		cr_expect(has(&doc, tables.op[i]),
		    "route %s missing from www/openapi.json (run make openapi)",
		    tables.op[i]);
	for (i = 0; i < doc.n; i++)
		cr_expect(strcmp(doc.op[i], "get /openapi.json") == 0 ||
		    has(&tables, doc.op[i]),
		    "www/openapi.json has %s, which no responder serves",
		    doc.op[i]);
	for (i = 0; i < tables.n; i++)
		free(tables.op[i]);
	for (i = 0; i < doc.n; i++)
		free(doc.op[i]);
}

/* Everything a command writes on standard output (malloc'ed); fails the
 * test when it exits non-zero. */
static char *
run_output(const char *cmd)
{
	FILE	*f;
	char	*buf = NULL;
	size_t	 len = 0, n;
	char	 chunk[8192];

	f = popen(cmd, "r");
	cr_assert_not_null(f, "%s", cmd);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		buf = realloc(buf, len + n + 1);
		cr_assert_not_null(buf);
		memcpy(buf + len, chunk, n);
		len += n;
	}
	cr_assert_eq(pclose(f), 0, "%s failed", cmd);
	if (buf == NULL)
		buf = strdup("");
	else
		buf[len] = '\0';
	return buf;
}

/* The whole file (malloc'ed, NUL-terminated). */
static char *
slurp(const char *path)
{
	FILE	*f;
	char	*buf;
	long	 len;

	f = fopen(path, "r");
	cr_assert_not_null(f, "%s", path);
	cr_assert_eq(fseek(f, 0, SEEK_END), 0);
	len = ftell(f);
	cr_assert_geq(len, 0);
	rewind(f);
	buf = malloc((size_t)len + 1);
	cr_assert_not_null(buf);
	cr_assert_eq(fread(buf, 1, (size_t)len, f), (size_t)len);
	buf[len] = '\0';
	fclose(f);
	return buf;
}

/* "OPENAPI_MERGE=... sh tests/gen-openapi <built responders>" */
#define GEN_OPENAPI							\
	"OPENAPI_MERGE='" BUILDDIR "/tests/openapi-merge' sh '" SRCDIR	\
	"/tests/gen-openapi' '" BUILDDIR "'/fcgi/cavra-*"

Test(openapi, committed_document_is_current)
{
	char	*now, *committed;
	size_t	 i;

	now = run_output(GEN_OPENAPI);
	committed = slurp(SRCDIR "/www/openapi.json");
	for (i = 0; now[i] != '\0' && now[i] == committed[i]; i++)
		;
	cr_expect(now[i] == committed[i], "www/openapi.json differs from "
	    "what the build generates at byte %zu (run make openapi): "
	    "...%.80s... instead of ...%.80s...", i, committed + (i > 40 ?
	    i - 40 : 0), now + (i > 40 ? i - 40 : 0));
	free(now);
	free(committed);
}

/* doc's value at "#/..." pointer ref, or NULL. */
static struct json_object *
at(struct json_object *doc, const char *ref)
{
	struct json_object	*o = doc;
	char			 buf[512], *tok, *save;

	cr_assert_eq(strncmp(ref, "#/", 2), 0, "%s", ref);
	snprintf(buf, sizeof(buf), "%s", ref + 2);
	for (tok = strtok_r(buf, "/", &save); tok != NULL && o != NULL;
	    tok = strtok_r(NULL, "/", &save))
		if (!json_object_object_get_ex(o, tok, &o))
			o = NULL;
	return o;
}

/* The schema s, or what its $ref points at. */
static struct json_object *
deref(struct json_object *doc, struct json_object *s)
{
	struct json_object	*r;

	if (s != NULL && json_object_object_get_ex(s, "$ref", &r))
		return at(doc, json_object_get_string(r));
	return s;
}

/* o.k1.k2... or NULL. */
static struct json_object *
member(struct json_object *o, const char *const *keys)
{
	for (; o != NULL && *keys != NULL; keys++)
		if (!json_object_object_get_ex(o, *keys, &o))
			o = NULL;
	return o;
}

#define MEMBER(o, ...)	member((o), (const char *const[]){ __VA_ARGS__, NULL })

/* Whether schema s has at least one property. */
static int
has_properties(struct json_object *s)
{
	struct json_object	*p;

	return s != NULL && json_object_object_get_ex(s, "properties", &p) &&
	    json_object_object_length(p) > 0;
}

Test(openapi, resource_operations_have_schemas)
{
	struct json_object	*doc, *paths, *ok, *rec, *body;
	size_t			 nres = 0;

	doc = json_object_from_file(SRCDIR "/www/openapi.json");
	cr_assert_not_null(doc);
	cr_assert(json_object_object_get_ex(doc, "paths", &paths));
	json_object_object_foreach(paths, path, item) {
		json_object_object_foreach(item, method, op) {
			if (!json_object_object_get_ex(op, "x-cavra-resource",
			    NULL))
				continue;
			nres++;
			ok = deref(doc, MEMBER(op, "responses", "200",
			    "content", "application/json", "schema"));
			cr_assert(has_properties(ok), "%s %s: empty 200 schema",
			    method, path);
			rec = ok;
			if (json_object_object_get_ex(ok, "properties", NULL) &&
			    MEMBER(ok, "properties", "items", "items") != NULL)
				rec = deref(doc, MEMBER(ok, "properties",
				    "items", "items"));
			cr_assert(has_properties(rec), "%s %s: empty record "
			    "schema", method, path);
			if (strcmp(method, "post") != 0)
				continue;
			body = MEMBER(op, "requestBody", "content",
			    "application/json", "schema");
			cr_assert(has_properties(body), "%s %s: empty request "
			    "body schema", method, path);
		}
	}
	cr_assert_gt(nres, 0, "no operation of a resource handler in "
	    "www/openapi.json");
	json_object_put(doc);
}

/*
 * The generator on a table that uses every feature: a paged resource
 * with every field type, an enumerated filter, a membership filter
 * under its own parameter name, a required field and an alias; the
 * shared registry resources; declared query parameters of each type;
 * a route's own schema; a rest-of-path parameter.
 */
static const char *const colours[] = { "red", "green", NULL };

static const struct cv_field thing_fields[] = {
	{ "name", CV_F_STRING, CV_FF_REQUIRED | CV_FF_FILTER },
	{ "colour", CV_F_ENUM, CV_FF_FILTER, "red", colours, NULL, "color" },
	{ "tags", CV_F_STRLIST, CV_FF_FILTER | CV_FF_MEMBER | CV_FF_SCALARS,
	    NULL, NULL, NULL, NULL, "tag" },
	{ "count", CV_F_INT, 0, "0" },
	{ "on", CV_F_BOOL, 0, "true" },
	{ "meta", CV_F_OBJECT, CV_FF_OPTIONAL },
	{ "any", CV_F_ANY, 0, "x" },
	{ "seen", CV_F_TIME, CV_FF_NOW },
	{ "touched", CV_F_TIME, CV_FF_TOUCH },
	{ "note", CV_F_STRING, 0, NULL, NULL, NULL, NULL, NULL, "a note" },
};

static const struct cv_resource thing_rs = {
	.what = "test thing",
	.schema_version = "cavra.thing.v1",
	.store = &cv_store_registry,
	.coll = 0,
	.id_field = "thing_id",
	.fields = thing_fields,
	.nfields = nitems(thing_fields),
	.flags = CV_RS_PAGED,
	.id_prefix = "thg_",
};

static const char *const modes[] = { "fast", "slow", NULL };

static const struct cv_qparam probe_params[] = {
	{ "q", CV_P_STRING, CV_QP_REQUIRED, NULL, "what to look for" },
	{ "n", CV_P_INT, 0, NULL, "how many" },
	{ "deep", CV_P_BOOL, 0, NULL, "whether to look deep" },
	{ "mode", CV_P_STRING, 0, modes, NULL },
	{ NULL }
};

static enum cv_err
h_none(struct cv_req *req, struct cv_resp *resp)
{
	(void)req;
	(void)resp;
	return CV_OK;
}

static const struct cv_route gen_routes[] = {
	{ CV_GET, "/things", cv_rs_list, 0, "List things", &thing_rs },
	{ CV_POST, "/things", cv_rs_upsert, CV_BODY_JSON, "Put a thing",
	    &thing_rs },
	{ CV_GET, "/things/{thing_id}", cv_rs_get, 0, "One thing",
	    &thing_rs },
	{ CV_GET, "/agents", cv_rs_list, 0, "Agents", &cv_rs_agents },
	{ CV_POST, "/agents", cv_rs_upsert, CV_BODY_JSON, "Agent",
	    &cv_rs_agents },
	{ CV_GET, "/mcp/servers", cv_rs_list, 0, "Servers",
	    &cv_rs_mcp_servers },
	{ CV_GET, "/probe", h_none, 0, "Probe", NULL, probe_params,
	    "{\"type\":\"object\",\"required\":[\"found\"]}" },
	{ CV_POST, "/files/{path...}", h_none, CV_BODY_JSON | CV_BODY_OPT,
	    "A file", NULL },
	{ CV_GET, "/open", h_none, 0, "Open to all", NULL, NULL,
	    "{\"type\":\"object\"}", CV_RIGHT_OPEN },
};

static const struct cv_app gen_app = {
	.name = "cavra-test",
	.routes = gen_routes,
	.nroutes = nitems(gen_routes),
};

static struct json_object *
gen_op(struct json_object *frag, const char *path, const char *method)
{
	struct json_object	*op;

	op = MEMBER(frag, "paths", path, method);
	cr_assert_not_null(op, "no %s %s in the fragment", method, path);
	return op;
}

/* The parameter `name` of op, in `in`; fails when absent. */
static struct json_object *
gen_param(struct json_object *op, const char *name, const char *in)
{
	struct json_object	*params, *p;
	size_t			 i;

	cr_assert(json_object_object_get_ex(op, "parameters", &params),
	    "no parameters");
	for (i = 0; i < json_object_array_length(params); i++) {
		p = json_object_array_get_idx(params, i);
		if (strcmp(json_object_get_string(json_object_object_get(p,
		    "name")), name) == 0 &&
		    strcmp(json_object_get_string(json_object_object_get(p,
		    "in")), in) == 0)
			return p;
	}
	cr_assert_fail("no %s parameter %s in %s", in, name,
	    json_object_to_json_string(params));
	return NULL;
}

static const char *
str(struct json_object *o, const char *const *keys)
{
	struct json_object	*v;

	v = member(o, keys);
	cr_assert(json_object_is_type(v, json_type_string), "%s",
	    json_object_to_json_string(o));
	return json_object_get_string(v);
}

#define STR(o, ...)	str((o), (const char *const[]){ __VA_ARGS__, NULL })

/* Whether the JSON array a holds the string s. */
static int
holds(struct json_object *a, const char *s)
{
	size_t	 i;

	for (i = 0; a != NULL && i < json_object_array_length(a); i++)
		if (json_object_is_type(json_object_array_get_idx(a, i),
		    json_type_string) && strcmp(json_object_get_string(
		    json_object_array_get_idx(a, i)), s) == 0)
			return 1;
	return 0;
}

/* The response statuses of op, "200 400 ... default". */
static void
statuses(struct json_object *op, char *buf, size_t size)
{
	size_t	 n = 0;

	buf[0] = '\0';
	json_object_object_foreach(MEMBER(op, "responses"), k, v) {
		(void)v;
		n += (size_t)snprintf(buf + n, size - n, "%s%s", n ? " " : "",
		    k);
	}
}

Test(openapi, generator_declared_query_parameters)
{
	struct json_object	*frag, *op, *p;
	const struct cv_qparam	*q;
	static const char *const type[] = { "string", "integer", "boolean" };

	frag = cv_openapi_fragment_new(&gen_app);
	cr_assert_not_null(frag);
	op = gen_op(frag, "/probe", "get");
	for (q = probe_params; q->name != NULL; q++) {
		p = gen_param(op, q->name, "query");
		cr_assert_eq(json_object_get_boolean(MEMBER(p, "required")),
		    (q->flags & CV_QP_REQUIRED) != 0, "%s", q->name);
		cr_assert_str_eq(STR(p, "schema", "type"), type[q->type]);
		if (q->values != NULL)
			cr_assert(holds(MEMBER(p, "schema", "enum"),
			    q->values[0]) && holds(MEMBER(p, "schema",
			    "enum"), q->values[1]), "%s",
			    json_object_to_json_string(p));
		if (q->doc != NULL)
			cr_assert_str_eq(STR(p, "description"), q->doc);
	}
	/* Its own schema is the 200 answer; 422 for the checked ones. */
	cr_assert(holds(MEMBER(op, "responses", "200", "content",
	    "application/json", "schema", "required"), "found"));
	cr_assert_not_null(MEMBER(op, "responses", "422"));
	cr_assert_null(MEMBER(op, "x-cavra-resource"));
	json_object_put(frag);
}

Test(openapi, generator_list_parameters)
{
	struct json_object	*frag, *op, *p, *env;
	const struct cv_resource *const rs[] = { &thing_rs, &cv_rs_agents,
	    &cv_rs_mcp_servers };
	const char *const	 paths[] = { "/things", "/agents",
	    "/mcp/servers" };
	const struct cv_field	*f;
	size_t			 i, j;

	frag = cv_openapi_fragment_new(&gen_app);
	cr_assert_not_null(frag);
	for (i = 0; i < nitems(rs); i++) {
		op = gen_op(frag, paths[i], "get");
		for (j = 0; j < rs[i]->nfields; j++) {
			f = &rs[i]->fields[j];
			if (!(f->flags & CV_FF_FILTER))
				continue;
			p = gen_param(op, f->param != NULL ? f->param :
			    f->name, "query");
			if (f->type == CV_F_ENUM)
				cr_assert(holds(MEMBER(p, "schema", "enum"),
				    f->values[0]), "%s: %s", f->name,
				    json_object_to_json_string(p));
		}
		env = MEMBER(op, "responses", "200", "content",
		    "application/json", "schema");
		cr_assert(holds(MEMBER(env, "required"), "items") &&
		    holds(MEMBER(env, "required"), "total"), "%s",
		    json_object_to_json_string(env));
		if (rs[i]->flags & CV_RS_PAGED) {
			gen_param(op, "limit", "query");
			gen_param(op, "offset", "query");
			cr_assert(holds(MEMBER(env, "required"), "limit") &&
			    holds(MEMBER(env, "required"), "offset"));
		} else
			cr_assert_null(MEMBER(env, "properties", "limit"));
		cr_assert_not_null(MEMBER(op, "x-cavra-resource"));
	}
	/* The member filter goes by its parameter name only. */
	op = gen_op(frag, "/things", "get");
	gen_param(op, "tag", "query");
	cr_assert_null(strstr(json_object_to_json_string(MEMBER(op,
	    "parameters")), "\"tags\""));
	gen_param(op, "colour", "query");
	cr_assert_not_null(MEMBER(op, "responses", "422"));
	json_object_put(frag);
}

Test(openapi, generator_record_and_body_schemas)
{
	struct json_object	*frag, *op, *rec, *body, *want, *any;
	size_t			 i;

	frag = cv_openapi_fragment_new(&gen_app);
	cr_assert_not_null(frag);
	/* The record is cv_rs_schema()'s, as a component. */
	want = cv_rs_schema(&thing_rs);
	rec = MEMBER(frag, "components", "schemas", "TestThing");
	cr_assert(json_object_equal(rec, want), "%s",
	    json_object_to_json_string(rec));
	json_object_put(want);
	op = gen_op(frag, "/things/{thing_id}", "get");
	cr_assert_str_eq(STR(op, "responses", "200", "content",
	    "application/json", "schema", "$ref"),
	    "#/components/schemas/TestThing");
	cr_assert_str_eq(STR(gen_param(op, "thing_id", "path"), "schema",
	    "type"), "string");
	cr_assert_not_null(MEMBER(op, "responses", "404"));
	cr_assert_str_eq(STR(op, "x-cavra-resource"), "TestThing");

	/* The body: every field (and the alias) with its input types. */
	op = gen_op(frag, "/things", "post");
	cr_assert_str_eq(STR(op, "responses", "200", "content",
	    "application/json", "schema", "$ref"),
	    "#/components/schemas/TestThing");
	body = MEMBER(op, "requestBody", "content", "application/json",
	    "schema");
	for (i = 0; i < thing_rs.nfields; i++)
		cr_assert_not_null(MEMBER(body, "properties",
		    thing_fields[i].name), "%s", thing_fields[i].name);
	cr_assert_not_null(MEMBER(body, "properties", "thing_id"));
	cr_assert_not_null(MEMBER(body, "properties", "color"));
	/* Only the required field is required: the id is generated. */
	cr_assert_eq(json_object_array_length(MEMBER(body, "required")), 1);
	cr_assert(holds(MEMBER(body, "required"), "name"));
	cr_assert_null(MEMBER(body, "anyOf"));
	/* A list of strings takes a string too, null items and (with
	 * CV_FF_SCALARS) numbers and booleans. */
	cr_assert(holds(MEMBER(body, "properties", "tags", "type"),
	    "string") && holds(MEMBER(body, "properties", "tags", "type"),
	    "number") && holds(MEMBER(body, "properties", "tags", "items",
	    "type"), "null"));
	cr_assert(holds(MEMBER(body, "properties", "count", "type"), "null"));
	cr_assert_eq(json_object_get_boolean(MEMBER(body, "properties",
	    "touched", "readOnly")), 1);
	for (i = 0; i < 5; i++)
		cr_assert_not_null(MEMBER(op, "responses", i == 0 ? "400" :
		    i == 1 ? "413" : i == 2 ? "415" : i == 3 ? "422" :
		    "default"));

	/* Agents: the id from agent_id or id, one of them required. */
	op = gen_op(frag, "/agents", "post");
	body = MEMBER(op, "requestBody", "content", "application/json",
	    "schema");
	any = MEMBER(body, "anyOf");
	cr_assert_eq(json_object_array_length(any), 2, "%s",
	    json_object_to_json_string(body));
	cr_assert(holds(MEMBER(json_object_array_get_idx(any, 0),
	    "required"), "agent_id"));
	cr_assert(holds(MEMBER(json_object_array_get_idx(any, 1),
	    "required"), "id"));
	cr_assert_null(MEMBER(body, "required"));
	json_object_put(frag);
}

Test(openapi, generator_paths_and_problems)
{
	struct json_object	*frag, *op;
	char			 st[256];

	frag = cv_openapi_fragment_new(&gen_app);
	cr_assert_not_null(frag);
	op = gen_op(frag, "/files/{path}", "post");
	cr_assert_str_eq(STR(op, "operationId"), "post_files_path");
	gen_param(op, "path", "path");
	cr_assert_eq(json_object_get_boolean(MEMBER(op, "requestBody",
	    "required")), 0);
	cr_assert_str_eq(STR(op, "requestBody", "content",
	    "application/json", "schema", "type"), "object");
	/* No schema of its own: {}. */
	cr_assert_eq(json_object_object_length(MEMBER(op, "responses", "200",
	    "content", "application/json", "schema")), 0);
	statuses(op, st, sizeof(st));
	cr_assert_str_eq(st, "200 400 401 403 404 413 415 422 default");
	statuses(gen_op(frag, "/mcp/servers", "get"), st, sizeof(st));
	cr_assert_str_eq(st, "200 401 403 422 default");
	/* The route's roles, and a bearer that is needed only with API
	 * access control on. */
	cr_assert_str_eq(json_object_to_json_string_ext(MEMBER(op,
	    "x-cavra-roles"), JSON_C_TO_STRING_PLAIN), "[\"admin\"]");
	cr_assert_str_eq(json_object_to_json_string_ext(MEMBER(op,
	    "security"), JSON_C_TO_STRING_PLAIN), "[{},{\"bearerAuth\":[]}]");
	cr_assert_str_eq(json_object_to_json_string_ext(MEMBER(gen_op(frag,
	    "/mcp/servers", "get"), "x-cavra-roles"), JSON_C_TO_STRING_PLAIN),
	    "[\"reader\",\"operator\",\"admin\"]");
	op = gen_op(frag, "/open", "get");
	statuses(op, st, sizeof(st));
	cr_assert_str_eq(st, "200 default");
	cr_assert_null(MEMBER(op, "security"));
	cr_assert_null(MEMBER(op, "x-cavra-roles"));
	json_object_put(frag);
}

/* A route whose schema text is not a JSON object makes no fragment. */
Test(openapi, generator_refuses_bad_schema_text)
{
	static const struct cv_route bad[] = {
		{ CV_GET, "/x", h_none, 0, "X", NULL, NULL, "{\"type\":" },
	};
	static const struct cv_route arr[] = {
		{ CV_GET, "/x", h_none, 0, "X", NULL, NULL, "[]" },
	};
	struct cv_app	 app = { .name = "cavra-bad", .routes = bad,
	    .nroutes = 1 };

	cr_assert_null(cv_openapi_fragment_new(&app));
	app.routes = arr;
	cr_assert_null(cv_openapi_fragment_new(&app));
}

/* Writes text to dir/name. */
static void
put_file(const char *dir, const char *name, const char *text)
{
	char	 path[1024];
	FILE	*f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	cr_assert_not_null(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
}

/* Exit status of openapi-merge over the files of dir (names). */
static int
merge_status(const char *dir, const char *names)
{
	char	 cmd[4096];
	int	 st;

	snprintf(cmd, sizeof(cmd), "cd '%s' && '%s/tests/openapi-merge' %s "
	    ">/dev/null 2>&1", dir, BUILDDIR, names);
	st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

#define FRAG(path, opid, ref)						\
	"{\"paths\":{\"" path "\":{\"get\":{\"operationId\":\"" opid	\
	"\",\"responses\":{\"200\":{\"description\":\"OK\",\"content\":"	\
	"{\"application/json\":{\"schema\":{\"$ref\":\"" ref "\"}}}}}}}},"	\
	"\"components\":{\"schemas\":{\"A\":{\"type\":\"object\"}}}}"

Test(openapi, merge_refuses_and_sorts)
{
	char	 dir[512], *ab, *ba, cmd[2048];

	tmpdir_make(dir, sizeof(dir), "openapi");
	put_file(dir, "a.json", FRAG("/a", "get_a", "#/components/schemas/A"));
	put_file(dir, "b.json", FRAG("/b", "get_b", "#/components/schemas/A"));
	cr_assert_eq(merge_status(dir, "a.json b.json"), 0);
	/* The same operation twice. */
	cr_assert_eq(merge_status(dir, "a.json a.json"), 1);
	/* One operationId for two operations. */
	put_file(dir, "c.json", FRAG("/c", "get_a", "#/components/schemas/A"));
	cr_assert_eq(merge_status(dir, "a.json c.json"), 1);
	/* A reference to nothing. */
	put_file(dir, "d.json", FRAG("/d", "get_d", "#/components/schemas/Z"));
	cr_assert_eq(merge_status(dir, "d.json"), 1);
	/* One component name, two schemas. */
	put_file(dir, "e.json", "{\"paths\":{},\"components\":{\"schemas\":"
	    "{\"A\":{\"type\":\"string\"}}}}");
	cr_assert_eq(merge_status(dir, "a.json e.json"), 1);
	/* Not JSON, or not a fragment. */
	put_file(dir, "f.json", "{\"paths\":");
	cr_assert_eq(merge_status(dir, "f.json"), 1);
	put_file(dir, "g.json", "[]");
	cr_assert_eq(merge_status(dir, "g.json"), 1);
	/* The order of the fragments does not matter. */
	snprintf(cmd, sizeof(cmd), "cd '%s' && '%s/tests/openapi-merge' "
	    "a.json b.json", dir, BUILDDIR);
	ab = run_output(cmd);
	snprintf(cmd, sizeof(cmd), "cd '%s' && '%s/tests/openapi-merge' "
	    "b.json a.json", dir, BUILDDIR);
	ba = run_output(cmd);
	cr_assert_str_eq(ab, ba);
	cr_assert_lt(strstr(ab, "\"/a\""), strstr(ab, "\"/b\""));
	free(ab);
	free(ba);
	tmpdir_remove(dir);
}
