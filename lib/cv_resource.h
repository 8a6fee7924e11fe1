/*
 * Resources as data: a collection of records declared as a table of
 * fields, from which the library serves the standard routes and builds
 * the OpenAPI schemas.
 *
 * A responder declares a struct cv_resource (which store and collection,
 * the id rule, the fields) and points route rows at it through
 * cv_route.data with one of the three standard handlers:
 *
 *   { CV_GET,  "/agents",            cv_rs_list,   0,            ..., &agents },
 *   { CV_POST, "/agents",            cv_rs_upsert, CV_BODY_JSON, ..., &agents },
 *   { CV_GET,  "/agents/{agent_id}", cv_rs_get,    0,            ..., &agents },
 *
 *  - list: equality filters from the query for every CV_FF_FILTER field
 *    (empty values ignored; a value outside an enumeration is 422), and
 *    for a CV_RS_PAGED resource limit and offset (default 50, clamped to
 *    1..500; offset >= 0; not integers: 422).  The answer is
 *    {items,total,limit,offset} (paged) or {items,total}, in store order.
 *  - get: the record whose id is the route's parameter (or, failing
 *    that, whose alt_key field is), or a 404 problem "<what> not found".
 *  - upsert: builds the record from the JSON body by the table
 *    (cv_rs_build()), calls finish() when set, and stores it in one write
 *    transaction; 200 with the stored record.
 *
 * Status codes (the rule of cavra-fcgi(8)): a body that is not JSON is
 * 400; a missing body or one that is not an object, a query parameter not
 * of its type or enumeration, a missing required parameter: 422 (the
 * library, before the handler); a record that breaks its table: 400
 * "invalid <what> record: <reason>" with errors [{path, message}], as the
 * reference's record validators answer.
 *
 * A record is built in this order: schema_version (when set), the id,
 * the table's fields in table order, then every other key of the input
 * unchanged (the store keeps fields it does not know).  With
 * CV_RS_MERGE, the input is the stored record with the body over it;
 * otherwise the body alone.
 */
#ifndef CV_RESOURCE_H
#define CV_RESOURCE_H

#include <stddef.h>

#include "cv_err.h"
#include "cv_store.h"

struct cv_arena;
struct cv_db;
struct cv_req;
struct cv_resp;
struct json_object;

enum cv_ftype {
	CV_F_STRING = 0,	/* a string */
	CV_F_ENUM,		/* one of `values` */
	CV_F_STRLIST,		/* list of strings: a string is a one-item
				   list, null items are dropped, absent or
				   null is [] */
	CV_F_INT,		/* integer >= 0 */
	CV_F_BOOL,
	CV_F_TIME,		/* time stamp string (see CV_FF_NOW...) */
	CV_F_OBJECT,		/* a JSON object, kept as it is */
	CV_F_ANY,		/* any JSON value, kept as it is */
	CV_F__MAX
};

/* Field flags. */
#define CV_FF_FILTER	0x0001	/* the list route filters on it (exact) */
#define CV_FF_MEMBER	0x0002	/* a CV_F_STRLIST filter: matches records
				   whose list holds the value */
#define CV_FF_NOW	0x0004	/* CV_F_TIME: absent or "": now */
#define CV_FF_KEEP	0x0008	/* absent: the stored record's value, else
				   the default (or now with CV_FF_NOW) */
#define CV_FF_TOUCH	0x0010	/* CV_F_TIME: always now (input ignored) */
#define CV_FF_SCALARS	0x0020	/* CV_F_STRLIST: numbers and booleans are
				   kept as their JSON text */
#define CV_FF_OPTIONAL	0x0040	/* absent stays absent (finish() may fill
				   it in); no default */
#define CV_FF_REQUIRED	0x0080	/* absent, null or "": 400 */

struct cv_field {
	const char		*name;
	enum cv_ftype		 type;
	unsigned		 flags;		/* CV_FF_* */
	const char		*dflt;		/* absent or null: this string
						   (CV_F_INT: its number); NULL:
						   JSON null */
	const char *const	*values;	/* CV_F_ENUM: NULL-terminated */
	/* Absent or null: the default computed from the record built so
	 * far (wins over dflt); the string is borrowed from the record or
	 * static. */
	const char		*(*dfltfn)(struct json_object *rec);
	const char		*alias;		/* input key read when `name`
						   is absent ("status" for
						   state) */
	const char		*param;		/* the list route's query
						   parameter, when not `name`
						   ("capability") */
	const char		*doc;		/* one line, for openapi.json */
};

/* Resource flags. */
#define CV_RS_PAGED	0x01	/* list: limit/offset, {items,total,limit,
				   offset} */
#define CV_RS_MERGE	0x02	/* upsert: the body over the stored record */
#define CV_RS_AGENT_OWNED 0x04	/* records belong to their agent_id: a
				   bearer bound to an agent lists and gets
				   only its own (cv_access_agent_query()) */

struct cv_resource {
	const char		*what;		/* "agent", "MCP server" */
	const char		*schema_version; /* "cavra.agent.v1", or NULL */
	const struct cv_store_def *store;
	size_t			 coll;		/* collection in the store */
	const char		*id_field;	/* "agent_id" */
	/* Input keys tried for the id, in order (NULL: id_field alone);
	 * the first holding a non-empty string gives it. */
	const char *const	*id_keys;
	/* With no id in the input: prefix + CV_ID_HEX random hex digits
	 * ("apr_"); NULL: the id is required (400). */
	const char		*id_prefix;
	/* With no id in the input and no id_prefix: derives the id from
	 * the body (*id borrowed from it or in the arena), or fails with
	 * a cv_fail() error; NULL: the id is required (400). */
	enum cv_err		(*id_fn)(struct cv_req *,
				    struct json_object *body, const char **id);
	const struct cv_field	*fields;
	size_t			 nfields;
	unsigned		 flags;		/* CV_RS_* */
	const char		*alt_key;	/* get: also by this field */
	/* Upsert, after the table, inside the write transaction on s:
	 * derives or checks more fields of rec (old: the stored record or
	 * NULL).  CV_OK or a cv_fail() error. */
	enum cv_err		(*finish)(struct cv_req *, struct cv_store *s,
				    struct json_object *rec,
				    struct json_object *old);
	const char		*doc;		/* one line, for openapi.json */
};

/* The standard handlers: route->data is the resource. */
enum cv_err	 cv_rs_list(struct cv_req *, struct cv_resp *);
enum cv_err	 cv_rs_get(struct cv_req *, struct cv_resp *);
enum cv_err	 cv_rs_upsert(struct cv_req *, struct cv_resp *);

/*
 * For action routes that keep handlers of their own.
 */

/* The id of a body by r's id rule: borrowed from the body, generated
 * (arena) when r has an id_prefix, or r->id_fn's.  400 problem
 * otherwise. */
enum cv_err	 cv_rs_id(struct cv_req *, const struct cv_resource *,
		    struct json_object *body, const char **id);
/* Builds the record of r from body (and, with CV_RS_MERGE or CV_FF_KEEP,
 * the stored record old, or NULL) with the given id.  *out is a new
 * reference.  400 problem "invalid <what> record: ..." otherwise. */
enum cv_err	 cv_rs_build(struct cv_req *, const struct cv_resource *,
		    struct json_object *body, struct json_object *old,
		    const char *id, struct json_object **out);
/* The list filters of r from the query into f (room for r->nfields):
 * *n of them; membership filters are left out (see cv_rs_list()).  422
 * problem for a value outside its enumeration. */
enum cv_err	 cv_rs_filters(struct cv_req *, const struct cv_resource *,
		    struct cv_filter *f, size_t *n);
/* The problem for a store failure of r's store: 503 when busy, else
 * 500, with a detail naming the store. */
enum cv_err	 cv_rs_store_fail(struct cv_req *, const struct cv_store_def *,
		    enum cv_err);
/* The db of r's store in this process (cv_db()): a 500 problem when the
 * responder did not declare the store. */
enum cv_err	 cv_rs_db(struct cv_req *, const struct cv_store_def *,
		    struct cv_db **);
/* The record of r whose id is key, else (with r->alt_key) the first in
 * store order whose alt_key field is key.  *out is a new reference.
 * CV_ENOENT when none; store errors. */
enum cv_err	 cv_rs_lookup(struct cv_store *, const struct cv_resource *,
		    const char *key, struct json_object **out);
/* As cv_rs_lookup() through the db of r's store in this process (one
 * read): *out is a new reference, or NULL when there is no such record
 * (CV_OK all the same).  A 500/503 problem when the store fails. */
enum cv_err	 cv_rs_find(struct cv_req *, const struct cv_resource *,
		    const char *key, struct json_object **out);
/* The JSON Schema of r's record (new reference): for openapi.json. */
struct json_object *cv_rs_schema(const struct cv_resource *);

/* The shared tables (lib/resources.c). */
extern const struct cv_resource cv_rs_agents;		/* registry */
extern const struct cv_resource cv_rs_mcp_servers;	/* registry */

#endif /* !CV_RESOURCE_H */
