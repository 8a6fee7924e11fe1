/*
 * The OpenAPI fragment of a responder, from its route table and the
 * field tables of its resources.  See cv_openapi.h.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cv_auth.h"
#include "cv_http.h"
#include "cv_json.h"
#include "cv_limits.h"
#include "cv_openapi.h"
#include "cv_resource.h"
#include "cv_util.h"

#define PROBLEM_REF	"#/components/responses/Problem"
#define SCHEMA_REFS	"#/components/schemas/"
#define NAME_MAX_LEN	64	/* a component name */
#define OPID_MAX_LEN	256	/* an operationId */
#define DOC_MAX		256	/* a generated description */

/* The list route's query parameter of field f (as lib/resource.c). */
#define PARAM(f)	((f)->param != NULL ? (f)->param : (f)->name)

/* The problems an operation may answer, in this order. */
enum problem {
	P_400 = 0,
	P_401,
	P_403,
	P_404,
	P_413,
	P_415,
	P_422,
	P__MAX
};

static const char *const problem_status[] = {
	"400",	/* P_400 */
	"401",	/* P_401 */
	"403",	/* P_403 */
	"404",	/* P_404 */
	"413",	/* P_413 */
	"415",	/* P_415 */
	"422",	/* P_422 */
};
_Static_assert(sizeof(problem_status) / sizeof(problem_status[0]) ==
    P__MAX, "problem_status");

static const char *const ptype_name[] = {
	"string",	/* CV_P_STRING */
	"integer",	/* CV_P_INT */
	"boolean",	/* CV_P_BOOL */
};
_Static_assert(sizeof(ptype_name) / sizeof(ptype_name[0]) == CV_P__MAX,
    "ptype_name");

/* A new array of the NULL-terminated strings, then JSON null if `null`. */
static struct json_object *
str_array(const char *const *v, int null)
{
	struct json_object	*a;

	a = json_object_new_array();
	for (; v != NULL && *v != NULL; v++)
		json_object_array_add(a, json_object_new_string(*v));
	if (null)
		json_object_array_add(a, NULL);
	return a;
}

/* {"type": [t..., "null"]} with the types of a space-separated list. */
static struct json_object *
types(const char *list, int null)
{
	struct json_object	*o, *a;
	const char		*p, *e;

	o = json_object_new_object();
	a = json_object_new_array();
	for (p = list; *p != '\0'; p = e) {
		e = strchr(p, ' ');
		if (e == NULL)
			e = p + strlen(p);
		json_object_array_add(a, json_object_new_string_len(p,
		    (int)(e - p)));
		while (*e == ' ')
			e++;
	}
	if (null)
		json_object_array_add(a, json_object_new_string("null"));
	if (json_object_array_length(a) == 1) {
		json_object_object_add(o, "type", json_object_get(
		    json_object_array_get_idx(a, 0)));
		json_object_put(a);
	} else
		json_object_object_add(o, "type", a);
	return o;
}

/* {"$ref": "#/components/schemas/<name>"} */
static struct json_object *
schema_ref(const char *name)
{
	struct json_object	*o;
	char			 ref[sizeof(SCHEMA_REFS) + NAME_MAX_LEN];

	snprintf(ref, sizeof(ref), "%s%s", SCHEMA_REFS, name);
	o = json_object_new_object();
	cv_json_add_str(o, "$ref", ref);
	return o;
}

/*
 * The component name of resource r in buf: its `what` with each word's
 * first letter upper-cased and the spaces left out ("MCP server" is
 * "MCPServer").
 */
static const char *
component_name(const struct cv_resource *r, char *buf, size_t size)
{
	const char	*p;
	size_t		 n = 0;
	int		 up = 1;

	for (p = r->what; *p != '\0' && n + 1 < size; p++) {
		if (!isalnum((unsigned char)*p)) {
			up = 1;
			continue;
		}
		buf[n++] = up ? (char)toupper((unsigned char)*p) : *p;
		up = 0;
	}
	buf[n] = '\0';
	return buf;
}

/*
 * Adds r's record schema to the fragment's components under its name
 * (name: room for NAME_MAX_LEN).  -1 when another resource already
 * holds the name with another schema.
 */
static int
add_component(struct json_object *schemas, const struct cv_resource *r,
    char *name)
{
	struct json_object	*s, *old;

	component_name(r, name, NAME_MAX_LEN);
	s = cv_rs_schema(r);
	if (json_object_object_get_ex(schemas, name, &old)) {
		if (!json_object_equal(old, s)) {
			json_object_put(s);
			cv_log("--openapi: two resources named %s with "
			    "different fields", name);
			return -1;
		}
		json_object_put(s);
		return 0;
	}
	json_object_object_add(schemas, name, s);
	return 0;
}

/* The schema of what the upsert builder accepts for field f (null is
 * absent for every field but a required one). */
static struct json_object *
input_field(const struct cv_field *f)
{
	struct json_object	*o, *items;
	int			 null = !(f->flags & CV_FF_REQUIRED);
	int			 scalars = (f->flags & CV_FF_SCALARS) != 0;

	if (f->flags & CV_FF_TOUCH) {
		o = json_object_new_object();
		json_object_object_add(o, "readOnly",
		    json_object_new_boolean(1));
		cv_json_add_str(o, "description", "set by the server; any "
		    "value given is ignored");
		return o;
	}
	switch (f->type) {
	case CV_F_ENUM:
		o = types("string", null);
		json_object_object_add(o, "enum", str_array(f->values, null));
		break;
	case CV_F_STRLIST:
		o = types(scalars ? "array string number boolean" :
		    "array string", null);
		items = types(scalars ? "string number boolean" : "string", 1);
		json_object_object_add(o, "items", items);
		break;
	case CV_F_INT:
		o = types("integer", null);
		cv_json_add_int(o, "minimum", 0);
		break;
	case CV_F_BOOL:
		o = types("boolean", null);
		break;
	case CV_F_OBJECT:
		o = types("object", null);
		break;
	case CV_F_ANY:
		o = json_object_new_object();
		break;
	default:
		o = types("string", null);
		if (f->flags & CV_FF_REQUIRED)
			cv_json_add_int(o, "minLength", 1);
		break;
	}
	if (f->doc != NULL)
		cv_json_add_str(o, "description", f->doc);
	else if ((f->flags & CV_FF_NOW) && (f->flags & CV_FF_KEEP))
		cv_json_add_str(o, "description", "absent, null or empty: the "
		    "stored value, else now");
	else if (f->flags & CV_FF_NOW)
		cv_json_add_str(o, "description", "absent, null or empty: "
		    "now");
	else if (f->flags & CV_FF_KEEP)
		cv_json_add_str(o, "description", "absent or null: the stored "
		    "value, else the default");
	if (f->dflt != NULL && f->dfltfn == NULL && !(f->flags &
	    (CV_FF_NOW | CV_FF_OPTIONAL | CV_FF_REQUIRED)) &&
	    f->type != CV_F_STRLIST)
		json_object_object_add(o, "default", f->type == CV_F_INT ?
		    json_object_new_int64(strtoll(f->dflt, NULL, 10)) :
		    f->type == CV_F_BOOL ? json_object_new_boolean(
		    strcmp(f->dflt, "true") == 0) :
		    json_object_new_string(f->dflt));
	return o;
}

/*
 * The request body schema of r's upsert: its fields with the types the
 * builder accepts, other keys allowed (the store keeps them).  The id
 * is required when r neither generates nor derives one: its only key,
 * or one of its keys.
 */
static struct json_object *
input_schema(const struct cv_resource *r)
{
	static const char	*only[2];
	const char *const	*keys;
	const struct cv_field	*f;
	struct json_object	*o, *props, *req, *any, *alt, *p, *v;
	char			 doc[DOC_MAX];
	size_t			 i, nkeys;
	int			 made;

	only[0] = r->id_field;
	keys = r->id_keys != NULL ? r->id_keys : only;
	made = r->id_prefix != NULL || r->id_fn != NULL;
	for (nkeys = 0; keys[nkeys] != NULL; nkeys++)
		;
	o = json_object_new_object();
	cv_json_add_str(o, "type", "object");
	if (r->doc != NULL)
		cv_json_add_str(o, "description", r->doc);
	props = json_object_new_object();
	req = json_object_new_array();
	for (i = 0; i < nkeys; i++) {
		if (!made && nkeys == 1) {
			v = types("string", 0);
			cv_json_add_int(v, "minLength", 1);
			json_object_array_add(req,
			    json_object_new_string(keys[i]));
		} else
			v = types("string", 1);
		cv_json_add_str(v, "description", r->id_prefix != NULL ?
		    "the record's id (absent: generated)" : made ?
		    "the record's id (absent: derived from the record)" :
		    nkeys > 1 ?
		    "the record's id: the first of the id keys holding a "
		    "non-empty string" : "the record's id");
		json_object_object_add(props, keys[i], v);
	}
	for (i = 0; i < r->nfields; i++) {
		f = &r->fields[i];
		if (json_object_object_get_ex(props, f->name, NULL))
			continue;
		json_object_object_add(props, f->name, input_field(f));
		if (f->alias != NULL) {
			v = input_field(f);
			json_object_object_del(v, "default");
			snprintf(doc, sizeof(doc), "read when %s is absent",
			    f->name);
			cv_json_add_str(v, "description", doc);
			json_object_object_add(props, f->alias, v);
		} else if (f->flags & CV_FF_REQUIRED)
			json_object_array_add(req,
			    json_object_new_string(f->name));
	}
	json_object_object_add(o, "properties", props);
	if (json_object_array_length(req) > 0)
		json_object_object_add(o, "required", req);
	else
		json_object_put(req);
	if (!made && nkeys > 1) {
		any = json_object_new_array();
		for (i = 0; i < nkeys; i++) {
			alt = json_object_new_object();
			v = json_object_new_array();
			json_object_array_add(v,
			    json_object_new_string(keys[i]));
			json_object_object_add(alt, "required", v);
			p = json_object_new_object();
			v = types("string", 0);
			cv_json_add_int(v, "minLength", 1);
			json_object_object_add(p, keys[i], v);
			json_object_object_add(alt, "properties", p);
			json_object_array_add(any, alt);
		}
		json_object_object_add(o, "anyOf", any);
	}
	return o;
}

/* The list envelope of records `name` (r paged or not). */
static struct json_object *
envelope(const struct cv_resource *r, const char *name)
{
	struct json_object	*o, *props, *items, *v;

	o = json_object_new_object();
	cv_json_add_str(o, "type", "object");
	props = json_object_new_object();
	items = json_object_new_object();
	cv_json_add_str(items, "type", "array");
	json_object_object_add(items, "items", schema_ref(name));
	json_object_object_add(props, "items", items);
	v = types("integer", 0);
	cv_json_add_int(v, "minimum", 0);
	json_object_object_add(props, "total", v);
	if (r->flags & CV_RS_PAGED) {
		v = types("integer", 0);
		cv_json_add_int(v, "minimum", CV_PAGE_LIMIT_MIN);
		cv_json_add_int(v, "maximum", CV_PAGE_LIMIT_MAX);
		json_object_object_add(props, "limit", v);
		v = types("integer", 0);
		cv_json_add_int(v, "minimum", 0);
		json_object_object_add(props, "offset", v);
	}
	json_object_object_add(o, "properties", props);
	json_object_object_add(o, "required", (r->flags & CV_RS_PAGED) ?
	    str_array((const char *const[]){ "items", "total", "limit",
	    "offset", NULL }, 0) : str_array((const char *const[]){ "items",
	    "total", NULL }, 0));
	json_object_object_add(o, "additionalProperties",
	    json_object_new_boolean(0));
	return o;
}

/* Whether the parameter list already holds a parameter `name`. */
static int
has_param(struct json_object *params, const char *name)
{
	size_t	 i, n;

	n = json_object_array_length(params);
	for (i = 0; i < n; i++)
		if (strcmp(cv_json_str_or(json_object_array_get_idx(params, i),
		    "name", ""), name) == 0)
			return 1;
	return 0;
}

/* Appends parameter {name, in, required, description, schema} (schema
 * consumed) unless the list has one of that name. */
static void
add_param(struct json_object *params, const char *name, const char *in,
    int required, const char *doc, struct json_object *schema)
{
	struct json_object	*p;

	if (has_param(params, name)) {
		json_object_put(schema);
		return;
	}
	p = json_object_new_object();
	cv_json_add_str(p, "name", name);
	cv_json_add_str(p, "in", in);
	json_object_object_add(p, "required",
	    json_object_new_boolean(required));
	if (doc != NULL)
		cv_json_add_str(p, "description", doc);
	json_object_object_add(p, "schema", schema);
	json_object_array_add(params, p);
}

/*
 * The path parameters of pattern into params, and the OpenAPI path
 * ({name...} as {name}) into path (size bytes).
 */
static void
path_params(const char *pattern, char *path, size_t size,
    struct json_object *params)
{
	const char	*p, *e;
	char		 name[NAME_MAX_LEN];
	size_t		 n = 0, len;
	int		 rest;

	for (p = pattern; *p != '\0' && n + 1 < size; p++) {
		if (*p != '{' || (e = strchr(p, '}')) == NULL) {
			path[n++] = *p;
			continue;
		}
		len = (size_t)(e - p - 1);
		rest = len > 3 && strncmp(e - 3, "...", 3) == 0;
		if (rest)
			len -= 3;
		if (len >= sizeof(name))
			len = sizeof(name) - 1;
		memcpy(name, p + 1, len);
		name[len] = '\0';
		n += (size_t)snprintf(path + n, size - n, "{%s}", name);
		if (n >= size)
			n = size - 1;
		add_param(params, name, "path", 1, rest ? "the rest of the "
		    "path: may contain /" : NULL, types("string", 0));
		p = e;
	}
	path[n] = '\0';
}

/* The route's declared query parameters into params; sets *p422 when
 * one of them can be refused. */
static void
declared_params(const struct cv_route *rt, struct json_object *params,
    int *p422)
{
	const struct cv_qparam	*q;
	struct json_object	*s;

	for (q = rt->params; q != NULL && q->name != NULL; q++) {
		s = types(q->type < CV_P__MAX ? ptype_name[q->type] :
		    "string", 0);
		if (q->values != NULL)
			json_object_object_add(s, "enum", str_array(q->values,
			    0));
		if ((q->flags & CV_QP_REQUIRED) || q->type != CV_P_STRING ||
		    q->values != NULL)
			*p422 = 1;
		add_param(params, q->name, "query", (q->flags &
		    CV_QP_REQUIRED) != 0, q->doc, s);
	}
}

/* The list parameters of resource r into params: its filters, then
 * limit and offset when paged; sets *p422 when one can be refused. */
static void
list_params(const struct cv_resource *r, struct json_object *params,
    int *p422)
{
	const struct cv_field	*f;
	struct json_object	*s;
	char			 doc[DOC_MAX];
	size_t			 i;

	for (i = 0; i < r->nfields; i++) {
		f = &r->fields[i];
		if (!(f->flags & CV_FF_FILTER))
			continue;
		s = types("string", 0);
		if (f->type == CV_F_ENUM) {
			json_object_object_add(s, "enum", str_array(f->values,
			    0));
			*p422 = 1;
		}
		snprintf(doc, sizeof(doc), (f->flags & CV_FF_MEMBER) ?
		    "records whose %s holds this value (empty: no filter)" :
		    "records whose %s is this value (empty: no filter)",
		    f->name);
		add_param(params, PARAM(f), "query", 0, doc, s);
	}
	if (!(r->flags & CV_RS_PAGED))
		return;
	*p422 = 1;
	s = types("integer", 0);
	cv_json_add_int(s, "default", CV_PAGE_LIMIT_DEFAULT);
	add_param(params, "limit", "query", 0, "records per page, clamped "
	    "to 1..500", s);
	s = types("integer", 0);
	cv_json_add_int(s, "default", 0);
	add_param(params, "offset", "query", 0, "records skipped, clamped to "
	    "0 or more", s);
}

/* "{"description": "OK", "content": {ctype: {"schema": s}}}" (s
 * consumed). */
static struct json_object *
response(const char *ctype, struct json_object *s)
{
	struct json_object	*o, *c, *m;

	o = json_object_new_object();
	cv_json_add_str(o, "description", "OK");
	c = json_object_new_object();
	m = json_object_new_object();
	json_object_object_add(m, "schema", s);
	json_object_object_add(c, ctype, m);
	json_object_object_add(o, "content", c);
	return o;
}

/* operationId of (method, OpenAPI path) into buf: the lower-case method
 * and the path with each run of other characters than letters and
 * digits as one "_", without a trailing "_". */
static const char *
operation_id(enum cv_method m, const char *path, char *buf, size_t size)
{
	const char	*p;
	size_t		 n = 0;

	for (p = cv_method_name(m); *p != '\0' && n + 1 < size; p++)
		buf[n++] = (char)tolower((unsigned char)*p);
	for (p = path; *p != '\0' && n + 1 < size; p++) {
		if (isalnum((unsigned char)*p))
			buf[n++] = *p;
		else if (n > 0 && buf[n - 1] != '_')
			buf[n++] = '_';
	}
	while (n > 0 && buf[n - 1] == '_')
		n--;
	buf[n] = '\0';
	return buf;
}

/*
 * The 200 schema of a route that is not a resource handler: its schema
 * text parsed, or {} when it has none.  NULL (logged) when the text is
 * not a JSON object.
 */
static struct json_object *
route_schema(const struct cv_route *rt)
{
	struct json_object	*s;
	enum json_tokener_error	 jerr;

	if (rt->schema == NULL)
		return json_object_new_object();
	s = json_tokener_parse_verbose(rt->schema, &jerr);
	if (s == NULL || !json_object_is_type(s, json_type_object)) {
		cv_log("--openapi: %s %s: the route's schema is not a JSON "
		    "object (%s)", cv_method_name(rt->method), rt->pattern,
		    s == NULL ? json_tokener_error_desc(jerr) : "other type");
		json_object_put(s);
		return NULL;
	}
	return s;
}

/*
 * With API access control on (CAVRA_API_ACCESS_FILE), route rt needs a
 * bearer of one of the roles its right admits; without it, nothing.  So
 * op gets security [{}, {bearerAuth: []}] (either) and x-cavra-roles,
 * the role names.
 */
static void
access_info(const struct cv_route *rt, struct json_object *op)
{
	static const unsigned	 roles[] = { CV_ROLE_AGENT, CV_ROLE_READER,
	    CV_ROLE_OPERATOR, CV_ROLE_ADMIN };
	struct json_object	*sec, *bearer, *names;
	unsigned		 right = cv_route_right(rt);
	size_t			 i;

	sec = json_object_new_array();
	json_object_array_add(sec, json_object_new_object());
	bearer = json_object_new_object();
	json_object_object_add(bearer, "bearerAuth", json_object_new_array());
	json_object_array_add(sec, bearer);
	json_object_object_add(op, "security", sec);
	names = json_object_new_array();
	for (i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
		if (right & roles[i])
			json_object_array_add(names, json_object_new_string(
			    cv_role_name(roles[i])));
	json_object_object_add(op, "x-cavra-roles", names);
}

/* Builds the operation of route rt into op; adds its path to *path.
 * -1 when it cannot (logged). */
static int
operation(const struct cv_route *rt, struct json_object *schemas,
    struct json_object *op, char *path, size_t pathsize)
{
	const struct cv_resource *r = NULL;
	struct json_object	*params, *body, *c, *m, *resps, *ok, *ref;
	char			 name[NAME_MAX_LEN] = "", opid[OPID_MAX_LEN];
	int			 prob[P__MAX] = { 0 }, i;

	if (rt->handler == cv_rs_list || rt->handler == cv_rs_get ||
	    rt->handler == cv_rs_upsert) {
		r = rt->data;
		if (add_component(schemas, r, name) == -1)
			return -1;
	}
	params = json_object_new_array();
	path_params(rt->pattern, path, pathsize, params);
	if (json_object_array_length(params) > 0)
		prob[P_404] = 1;
	declared_params(rt, params, &prob[P_422]);
	if (r != NULL && rt->handler == cv_rs_list)
		list_params(r, params, &prob[P_422]);

	if (rt->summary != NULL)
		cv_json_add_str(op, "summary", rt->summary);
	cv_json_add_str(op, "operationId", operation_id(rt->method, path,
	    opid, sizeof(opid)));
	if (!(cv_route_right(rt) & CV_RIGHT_OPEN)) {
		access_info(rt, op);
		prob[P_401] = prob[P_403] = 1;
	}
	if (json_object_array_length(params) > 0)
		json_object_object_add(op, "parameters", params);
	else
		json_object_put(params);

	if ((rt->flags & CV_BODY_JSON) || rt->handler == cv_rs_upsert) {
		body = json_object_new_object();
		json_object_object_add(body, "required",
		    json_object_new_boolean(!(rt->flags & CV_BODY_OPT)));
		c = json_object_new_object();
		m = json_object_new_object();
		if (rt->handler == cv_rs_upsert)
			json_object_object_add(m, "schema", input_schema(r));
		else
			json_object_object_add(m, "schema", types("object",
			    0));
		json_object_object_add(c, "application/json", m);
		json_object_object_add(body, "content", c);
		json_object_object_add(op, "requestBody", body);
		prob[P_400] = prob[P_413] = prob[P_415] = prob[P_422] = 1;
	}

	if (r != NULL && rt->handler == cv_rs_list)
		ok = envelope(r, name);
	else if (r != NULL)
		ok = schema_ref(name);
	else if ((ok = route_schema(rt)) == NULL)
		return -1;
	resps = json_object_new_object();
	json_object_object_add(resps, "200", response("application/json", ok));
	for (i = 0; i < P__MAX; i++) {
		if (!prob[i])
			continue;
		ref = json_object_new_object();
		cv_json_add_str(ref, "$ref", PROBLEM_REF);
		json_object_object_add(resps, problem_status[i], ref);
	}
	ref = json_object_new_object();
	cv_json_add_str(ref, "$ref", PROBLEM_REF);
	json_object_object_add(resps, "default", ref);
	json_object_object_add(op, "responses", resps);
	if (r != NULL)
		cv_json_add_str(op, "x-cavra-resource", name);
	return 0;
}

struct json_object *
cv_openapi_fragment_new(const struct cv_app *app)
{
	struct json_object	*frag, *paths, *comps, *schemas, *item, *op;
	const char		*method;
	char			 path[CV_PATH_MAX + 1];
	char			 lower[16];
	size_t			 i, j;

	frag = json_object_new_object();
	paths = json_object_new_object();
	comps = json_object_new_object();
	schemas = json_object_new_object();
	json_object_object_add(frag, "paths", paths);
	json_object_object_add(comps, "schemas", schemas);
	json_object_object_add(frag, "components", comps);
	for (i = 0; i < app->nroutes; i++) {
		op = json_object_new_object();
		if (operation(&app->routes[i], schemas, op, path,
		    sizeof(path)) == -1) {
			json_object_put(op);
			json_object_put(frag);
			return NULL;
		}
		method = cv_method_name(app->routes[i].method);
		for (j = 0; method[j] != '\0' && j + 1 < sizeof(lower); j++)
			lower[j] = (char)tolower((unsigned char)method[j]);
		lower[j] = '\0';
		if (!json_object_object_get_ex(paths, path, &item)) {
			item = json_object_new_object();
			json_object_object_add(paths, path, item);
		}
		json_object_object_add(item, lower, op);
	}
	return frag;
}

int
cv_openapi_print(const struct cv_app *app)
{
	struct json_object	*frag;
	int			 rc = 1;

	if ((frag = cv_openapi_fragment_new(app)) == NULL)
		goto out;
	if (fputs(json_object_to_json_string_ext(frag,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE),
	    stdout) == EOF || putchar('\n') == EOF || fflush(stdout) == EOF) {
		cv_log("%s --openapi: cannot write: standard output",
		    app->name);
		goto out;
	}
	rc = 0;
out:
	json_object_put(frag);
	return rc;
}
