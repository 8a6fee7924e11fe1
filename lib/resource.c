/*
 * Resources as data: records built and checked by their field tables, and
 * the standard list, get and upsert handlers.  See cv_resource.h.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cv_auth.h"
#include "cv_db.h"
#include "cv_http.h"
#include "cv_json.h"
#include "cv_limits.h"
#include "cv_resource.h"
#include "cv_util.h"

/* The list route's query parameter of field f. */
#define PARAM(f)	((f)->param != NULL ? (f)->param : (f)->name)

/* A JSON string usable as stored text: no NUL inside, at most max bytes. */
static int
str_ok(struct json_object *v, size_t max)
{
	size_t	 len;

	len = (size_t)json_object_get_string_len(v);
	return len <= max && strlen(json_object_get_string(v)) == len;
}

/* A 400 problem about field `path` of a record of r. */
static enum cv_err
bad(struct cv_req *req, const struct cv_resource *r, const char *path,
    const char *msg)
{
	return cv_fail_field(req, CV_EINVAL, path, "invalid %s record: %s %s",
	    r->what, path, msg);
}

enum cv_err
cv_rs_id(struct cv_req *req, const struct cv_resource *r,
    struct json_object *body, const char **id)
{
	static const char	*only[2];
	const char *const	*key;
	struct json_object	*v;

	*id = NULL;
	only[0] = r->id_field;
	for (key = r->id_keys != NULL ? r->id_keys : only; *key != NULL;
	    key++) {
		if (!json_object_object_get_ex(body, *key, &v) || v == NULL)
			continue;
		if (!json_object_is_type(v, json_type_string))
			return bad(req, r, *key, "must be a string");
		if (json_object_get_string_len(v) == 0)
			continue;
		if (!str_ok(v, CV_ID_MAX))
			return cv_fail_field(req, CV_EINVAL, *key,
			    "invalid %s record: %s must be at most %d bytes "
			    "without NUL", r->what, *key, CV_ID_MAX);
		*id = json_object_get_string(v);
		return CV_OK;
	}
	if (r->id_prefix != NULL) {
		*id = cv_rand_id(req->arena, r->id_prefix, CV_ID_HEX);
		return CV_OK;
	}
	if (r->id_fn != NULL)
		return r->id_fn(req, body, id);
	return bad(req, r, r->id_field, "is required");
}

/*
 * A list-of-strings value: absent or null gives [], a string a one-item
 * list, an array its items with nulls dropped.  Items must be strings
 * (with CV_FF_SCALARS numbers and booleans become their JSON text).
 * *out is a new array.  400 otherwise.
 */
static enum cv_err
strlist(struct cv_req *req, const struct cv_resource *r,
    const struct cv_field *f, struct json_object *v, struct json_object **out)
{
	struct json_object	*a, *it;
	size_t			 i, n;
	int			 ok = 1;

	*out = NULL;
	a = json_object_new_array();
	if (v == NULL)
		n = 0;
	else if (json_object_is_type(v, json_type_array))
		n = json_object_array_length(v);
	else
		n = 1;
	for (i = 0; ok && i < n; i++) {
		it = json_object_is_type(v, json_type_array) ?
		    json_object_array_get_idx(v, i) : v;
		if (it == NULL)
			continue;
		if (json_object_is_type(it, json_type_string) &&
		    str_ok(it, CV_FIELD_MAX))
			json_object_array_add(a, json_object_get(it));
		else if ((f->flags & CV_FF_SCALARS) &&
		    (json_object_is_type(it, json_type_int) ||
		    json_object_is_type(it, json_type_double) ||
		    json_object_is_type(it, json_type_boolean)))
			json_object_array_add(a, json_object_new_string(
			    cv_json_key(req->arena, it)));
		else
			ok = 0;
	}
	if (!ok) {
		json_object_put(a);
		return bad(req, r, f->name, (f->flags & CV_FF_SCALARS) ?
		    "must be a string or a list of strings" :
		    "must be a list of strings");
	}
	*out = a;
	return CV_OK;
}

/*
 * The value of field f when the input has none (absent or null): *out is
 * a new reference, or NULL to leave the field out.  400 for a required
 * field.
 */
static enum cv_err
dflt_value(struct cv_req *req, const struct cv_resource *r,
    const struct cv_field *f, struct json_object *rec, struct json_object *old,
    const char *now, struct json_object **out)
{
	struct json_object	*v;
	const char		*s;

	*out = NULL;
	if ((f->flags & CV_FF_KEEP) && old != NULL &&
	    json_object_object_get_ex(old, f->name, &v) && v != NULL &&
	    !(json_object_is_type(v, json_type_string) &&
	    json_object_get_string_len(v) == 0)) {
		*out = json_object_get(v);
		return CV_OK;
	}
	if (f->flags & CV_FF_NOW) {
		*out = json_object_new_string(now);
		return CV_OK;
	}
	if (f->flags & CV_FF_REQUIRED)
		return bad(req, r, f->name, "is required");
	if (f->flags & CV_FF_OPTIONAL)
		return CV_OK;
	if (f->type == CV_F_STRLIST) {
		*out = json_object_new_array();
		return CV_OK;
	}
	s = f->dfltfn != NULL ? f->dfltfn(rec) : f->dflt;
	if (s == NULL)
		*out = NULL;
	else if (f->type == CV_F_INT)
		*out = json_object_new_int64(strtoll(s, NULL, 10));
	else if (f->type == CV_F_BOOL)
		*out = json_object_new_boolean(strcmp(s, "true") == 0);
	else
		*out = json_object_new_string(s);
	/* A JSON null is kept (as the reference keeps a null reason). */
	if (*out == NULL && !(f->flags & CV_FF_OPTIONAL))
		json_object_object_add(rec, f->name, NULL);
	return CV_OK;
}

/*
 * Checks value v (present, not null) of field f; *out is what the record
 * holds (new reference).  400 when it breaks the table.
 */
static enum cv_err
check_value(struct cv_req *req, const struct cv_resource *r,
    const struct cv_field *f, struct json_object *v, const char *now,
    struct json_object **out)
{
	*out = NULL;
	switch (f->type) {
	case CV_F_STRING:
	case CV_F_ENUM:
	case CV_F_TIME:
		if (!json_object_is_type(v, json_type_string))
			return bad(req, r, f->name, "must be a string");
		if (!str_ok(v, CV_FIELD_MAX))
			return cv_fail_field(req, CV_EINVAL, f->name,
			    "invalid %s record: %s must be a string of at "
			    "most %d bytes without NUL", r->what, f->name,
			    CV_FIELD_MAX);
		if (json_object_get_string_len(v) == 0 &&
		    (f->flags & CV_FF_REQUIRED))
			return bad(req, r, f->name, "is required");
		if (json_object_get_string_len(v) == 0 &&
		    (f->flags & CV_FF_NOW)) {
			*out = json_object_new_string(now);
			return CV_OK;
		}
		if (f->type == CV_F_ENUM &&
		    !cv_strv_has(f->values, json_object_get_string(v)))
			return cv_fail_field(req, CV_EINVAL, f->name,
			    "invalid %s record: %s must be one of: %s",
			    r->what, f->name, cv_arena_join(req->arena,
			    f->values));
		break;
	case CV_F_STRLIST:
		return strlist(req, r, f, v, out);
	case CV_F_INT:
		if (!json_object_is_type(v, json_type_int) ||
		    json_object_get_int64(v) < 0)
			return bad(req, r, f->name,
			    "must be a non-negative integer");
		break;
	case CV_F_BOOL:
		if (!json_object_is_type(v, json_type_boolean))
			return bad(req, r, f->name, "must be a boolean");
		break;
	case CV_F_OBJECT:
		if (!json_object_is_type(v, json_type_object))
			return bad(req, r, f->name, "must be an object");
		break;
	default:
		break;
	}
	*out = json_object_get(v);
	return CV_OK;
}

/*
 * The input value of field f: the body's (by name, else by alias), else
 * with CV_RS_MERGE the stored record's.  NULL when absent or null.
 */
static struct json_object *
input(const struct cv_resource *r, const struct cv_field *f,
    struct json_object *body, struct json_object *old)
{
	struct json_object	*v;

	if (json_object_object_get_ex(body, f->name, &v))
		return v;
	if (f->alias != NULL && json_object_object_get_ex(body, f->alias, &v))
		return v;
	if ((r->flags & CV_RS_MERGE) && old != NULL &&
	    json_object_object_get_ex(old, f->name, &v))
		return v;
	return NULL;
}

/* Whether key is a field's alias of r (not copied as an extra key). */
static int
is_alias(const struct cv_resource *r, const char *key)
{
	size_t	 i;

	for (i = 0; i < r->nfields; i++)
		if (r->fields[i].alias != NULL &&
		    strcmp(r->fields[i].alias, key) == 0)
			return 1;
	return 0;
}

/* Adds to rec the keys of src it does not hold yet (aliases and, when r
 * sets one, schema_version left out). */
static void
add_extras(const struct cv_resource *r, struct json_object *rec,
    struct json_object *src)
{
	if (src == NULL)
		return;
	json_object_object_foreach(src, key, val) {
		if (json_object_object_get_ex(rec, key, NULL) ||
		    is_alias(r, key) || (r->schema_version != NULL &&
		    strcmp(key, "schema_version") == 0))
			continue;
		json_object_object_add(rec, key, json_object_get(val));
	}
}

enum cv_err
cv_rs_build(struct cv_req *req, const struct cv_resource *r,
    struct json_object *body, struct json_object *old, const char *id,
    struct json_object **out)
{
	const struct cv_field	*f;
	struct json_object	*rec, *v, *val;
	char			 now[CV_TS_LEN];
	size_t			 i;
	enum cv_err		 rc = CV_OK;

	*out = NULL;
	cv_ts_now(now, sizeof(now));
	rec = json_object_new_object();
	if (r->schema_version != NULL)
		cv_json_add_str(rec, "schema_version", r->schema_version);
	cv_json_add_str(rec, r->id_field, id);
	for (i = 0; i < r->nfields; i++) {
		f = &r->fields[i];
		val = NULL;
		if (f->flags & CV_FF_TOUCH)
			val = json_object_new_string(now);
		else if ((v = input(r, f, body, old)) == NULL ||
		    (f->type == CV_F_TIME && (f->flags & CV_FF_KEEP) &&
		    json_object_is_type(v, json_type_string) &&
		    json_object_get_string_len(v) == 0))
			rc = dflt_value(req, r, f, rec, old, now, &val);
		else
			rc = check_value(req, r, f, v, now, &val);
		if (rc != CV_OK)
			goto out;
		if (val != NULL)
			json_object_object_add(rec, f->name, val);
	}
	if (r->flags & CV_RS_MERGE) {
		/* Stored keys first, each overridden by the body's. */
		if (old != NULL) {
			json_object_object_foreach(old, key, oval) {
				if (json_object_object_get_ex(rec, key,
				    NULL) || is_alias(r, key))
					continue;
				if (!json_object_object_get_ex(body, key, &v))
					v = oval;
				json_object_object_add(rec, key,
				    json_object_get(v));
			}
		}
	}
	add_extras(r, rec, body);
	*out = rec;
	rec = NULL;
out:
	json_object_put(rec);
	return rc;
}

enum cv_err
cv_rs_store_fail(struct cv_req *req, const struct cv_store_def *def,
    enum cv_err rc)
{
	if (rc == CV_OK || rc == CV_ENOENT || rc == CV_EINVAL)
		rc = CV_EINTERNAL;
	if (rc == CV_EBUSY)
		return cv_fail(req, rc, "%s store is busy; retry", def->name);
	return cv_fail(req, rc, "%s store failed: %s", def->name,
	    cv_err_title(rc));
}

enum cv_err
cv_rs_db(struct cv_req *req, const struct cv_store_def *def,
    struct cv_db **db)
{
	if ((*db = cv_db(def)) != NULL)
		return CV_OK;
	cv_log("%s store is not open in this responder", def->name);
	return cv_fail(req, CV_EINTERNAL, "%s store is not available",
	    def->name);
}

enum cv_err
cv_rs_filters(struct cv_req *req, const struct cv_resource *r,
    struct cv_filter *f, size_t *n)
{
	const struct cv_field	*fd;
	const char		*v;
	size_t			 i;

	*n = 0;
	for (i = 0; i < r->nfields; i++) {
		fd = &r->fields[i];
		if (!(fd->flags & CV_FF_FILTER) || (fd->flags & CV_FF_MEMBER))
			continue;
		if ((v = cv_query(req, PARAM(fd))) == NULL || *v == '\0')
			continue;
		if (fd->type == CV_F_ENUM && !cv_strv_has(fd->values, v))
			return cv_fail_field(req, CV_EUNPROC, PARAM(fd),
			    "query parameter '%s' must be one of: %s",
			    PARAM(fd), cv_arena_join(req->arena,
			    fd->values));
		f[*n].field = fd->name;
		f[*n].value = v;
		(*n)++;
	}
	return CV_OK;
}

/*
 * The page of the list with membership filters: every record that
 * passes the store filters is read and tested here.  *text is the page
 * as JSON text (arena).
 */
static enum cv_err
list_members(struct cv_req *req, const struct cv_resource *r,
    struct cv_store *s, const struct cv_filter *f, size_t nf, size_t limit,
    size_t offset, const char **text, size_t *total)
{
	const struct cv_field	*fd;
	struct json_object	*items, *page, *it;
	const char		*v;
	size_t			 i, j, n, seen = 0;
	enum cv_err		 rc;
	int			 keep;

	if ((rc = cv_store_list(s, r->coll, f, nf, SIZE_MAX, 0, &items,
	    NULL)) != CV_OK)
		return rc;
	page = json_object_new_array();
	n = json_object_array_length(items);
	for (i = 0; i < n; i++) {
		it = json_object_array_get_idx(items, i);
		keep = 1;
		for (j = 0; keep && j < r->nfields; j++) {
			fd = &r->fields[j];
			if (!(fd->flags & CV_FF_MEMBER) ||
			    (v = cv_query(req, PARAM(fd))) == NULL ||
			    *v == '\0')
				continue;
			keep = cv_json_has_str(json_object_object_get(it,
			    fd->name), v);
		}
		if (!keep)
			continue;
		if (seen >= offset && seen - offset < limit)
			json_object_array_add(page, json_object_get(it));
		seen++;
	}
	*total = seen;
	*text = cv_json_compact(req->arena, page);
	json_object_put(page);
	json_object_put(items);
	return CV_OK;
}

/* Whether a membership filter of r is in the query. */
static int
member_query(struct cv_req *req, const struct cv_resource *r)
{
	const char	*v;
	size_t		 i;

	for (i = 0; i < r->nfields; i++)
		if ((r->fields[i].flags & CV_FF_MEMBER) &&
		    (v = cv_query(req, PARAM(&r->fields[i]))) != NULL &&
		    *v != '\0')
			return 1;
	return 0;
}

/*
 * The list envelope {items,total[,limit,offset]} around the JSON array
 * text items, in the arena (copied, not printed: a page is tens of KiB);
 * limit SIZE_MAX leaves out limit and offset.  *len is its length.
 */
static char *
envelope(struct cv_arena *a, const char *items, size_t total, size_t limit,
    size_t offset, size_t *len)
{
	char	 tail[128];
	char	*p;
	size_t	 n;
	int	 t;

	if (limit == SIZE_MAX)
		t = snprintf(tail, sizeof(tail), ",\"total\":%zu}", total);
	else
		t = snprintf(tail, sizeof(tail), ",\"total\":%zu,\"limit\":%zu,"
		    "\"offset\":%zu}", total, limit, offset);
	n = strlen(items);
	p = cv_arena_alloc(a, sizeof("{\"items\":") - 1 + n + (size_t)t + 1);
	memcpy(p, "{\"items\":", sizeof("{\"items\":") - 1);
	memcpy(p + sizeof("{\"items\":") - 1, items, n);
	memcpy(p + sizeof("{\"items\":") - 1 + n, tail, (size_t)t + 1);
	*len = sizeof("{\"items\":") - 1 + n + (size_t)t;
	return p;
}

enum cv_err
cv_rs_list(struct cv_req *req, struct cv_resp *resp)
{
	const struct cv_resource *r = req->route->data;
	struct cv_filter	 f[CV_STORE_FIELDS_MAX];
	struct cv_store		*s = NULL;
	struct cv_db		*db;
	const char		*items;
	char			*text = NULL, *body;
	size_t			 nf, limit = SIZE_MAX, offset = 0, total, len;
	enum cv_err		 rc;

	if (r->nfields > CV_STORE_FIELDS_MAX)
		return cv_fail(req, CV_EINTERNAL, "too many fields");
	if ((r->flags & CV_RS_AGENT_OWNED) &&
	    (rc = cv_access_agent_query(req, r->what)) != CV_OK)
		return rc;
	if ((rc = cv_rs_filters(req, r, f, &nf)) != CV_OK)
		return rc;
	if ((r->flags & CV_RS_PAGED) &&
	    (rc = cv_query_page(req, &limit, &offset)) != CV_OK)
		return rc;
	if ((rc = cv_rs_db(req, r->store, &db)) != CV_OK)
		return rc;
	if ((rc = cv_db_read(db, &s)) != CV_OK)
		return cv_rs_store_fail(req, r->store, rc);
	if (member_query(req, r))
		rc = list_members(req, r, s, f, nf, limit, offset, &items,
		    &total);
	else if ((rc = cv_store_list_json(s, r->coll, f, nf, limit, offset,
	    &text, &len, &total)) == CV_OK)
		items = text;
	cv_db_read_end(db, s);
	if (rc != CV_OK) {
		free(text);
		return cv_rs_store_fail(req, r->store, rc);
	}
	body = envelope(req->arena, items, total, (r->flags & CV_RS_PAGED) ?
	    limit : SIZE_MAX, offset, &len);
	free(text);
	cv_resp_bytes(resp, 200, "application/json", body, len);
	return CV_OK;
}

enum cv_err
cv_rs_lookup(struct cv_store *s, const struct cv_resource *r, const char *key,
    struct json_object **out)
{
	struct cv_filter	 f;
	struct json_object	*items;
	enum cv_err		 rc;

	*out = NULL;
	rc = cv_store_get(s, r->coll, key, out);
	if (rc != CV_ENOENT || r->alt_key == NULL)
		return rc;
	f.field = r->alt_key;
	f.value = key;
	if ((rc = cv_store_list(s, r->coll, &f, 1, 1, 0, &items, NULL)) !=
	    CV_OK)
		return rc;
	if (json_object_array_length(items) > 0)
		*out = json_object_get(json_object_array_get_idx(items, 0));
	else
		rc = CV_ENOENT;
	json_object_put(items);
	return rc;
}

enum cv_err
cv_rs_find(struct cv_req *req, const struct cv_resource *r, const char *key,
    struct json_object **out)
{
	struct cv_store	*s;
	struct cv_db	*db;
	enum cv_err	 rc;

	*out = NULL;
	if ((rc = cv_rs_db(req, r->store, &db)) != CV_OK)
		return rc;
	if ((rc = cv_db_read(db, &s)) != CV_OK)
		return cv_rs_store_fail(req, r->store, rc);
	rc = cv_rs_lookup(s, r, key, out);
	cv_db_read_end(db, s);
	if (rc != CV_OK && rc != CV_ENOENT)
		return cv_rs_store_fail(req, r->store, rc);
	return CV_OK;
}

enum cv_err
cv_rs_get(struct cv_req *req, struct cv_resp *resp)
{
	const struct cv_resource *r = req->route->data;
	struct json_object	*rec = NULL;
	struct cv_store		*s = NULL;
	struct cv_db		*db;
	const char		*id, *text;
	size_t			 len;
	enum cv_err		 rc;

	id = req->nparams > 0 ? req->params[0].value : NULL;
	if (id == NULL)
		return cv_fail(req, CV_EINTERNAL, "route has no id parameter");
	if ((rc = cv_rs_db(req, r->store, &db)) != CV_OK)
		return rc;
	if (cv_db_pending(db, id, req->arena, &text, &len)) {
		if ((r->flags & CV_RS_AGENT_OWNED) &&
		    (rc = cv_access_agent_record(req, r->what, NULL, text,
		    len)) != CV_OK)
			return rc;
		cv_resp_bytes(resp, 200, "application/json", text, len);
		return CV_OK;
	}
	if ((rc = cv_db_read(db, &s)) != CV_OK)
		return cv_rs_store_fail(req, r->store, rc);
	rc = cv_rs_lookup(s, r, id, &rec);
	cv_db_read_end(db, s);
	if (rc == CV_ENOENT)
		return cv_fail(req, rc, "%s not found", r->what);
	if (rc != CV_OK)
		return cv_rs_store_fail(req, r->store, rc);
	if ((r->flags & CV_RS_AGENT_OWNED) && (rc = cv_access_agent_record(req,
	    r->what, rec, NULL, 0)) != CV_OK) {
		json_object_put(rec);
		return rc;
	}
	cv_resp_json(resp, 200, rec);
	return CV_OK;
}

enum cv_err
cv_rs_upsert(struct cv_req *req, struct cv_resp *resp)
{
	const struct cv_resource *r = req->route->data;
	struct json_object	*rec = NULL, *old = NULL;
	struct cv_store		*s = NULL;
	struct cv_db		*db;
	const char		*id;
	enum cv_err		 rc;
	int			 intx = 0;

	if ((rc = cv_rs_id(req, r, req->json, &id)) != CV_OK)
		goto out;
	if ((rc = cv_rs_db(req, r->store, &db)) != CV_OK)
		goto out;
	if ((rc = cv_db_write(db, &s)) != CV_OK) {
		rc = cv_rs_store_fail(req, r->store, rc);
		goto out;
	}
	intx = 1;
	rc = cv_store_get(s, r->coll, id, &old);
	if (rc != CV_OK && rc != CV_ENOENT) {
		rc = cv_rs_store_fail(req, r->store, rc);
		goto out;
	}
	if ((rc = cv_rs_build(req, r, req->json, old, id, &rec)) != CV_OK)
		goto out;
	if (r->finish != NULL && (rc = r->finish(req, s, rec, old)) != CV_OK)
		goto out;
	if ((rc = cv_store_put(s, r->coll, rec)) != CV_OK) {
		rc = rc == CV_EINVAL ? cv_fail(req, rc, "invalid %s record: "
		    "it nests deeper than %d levels", r->what,
		    CV_STORE_RECORD_DEPTH) : cv_rs_store_fail(req, r->store,
		    rc);
		goto out;
	}
	intx = 0;
	if ((rc = cv_db_commit(db)) != CV_OK) {
		rc = cv_rs_store_fail(req, r->store, rc);
		goto out;
	}
	cv_resp_json(resp, 200, rec);
	rec = NULL;
out:
	if (intx)
		cv_db_abort(db);
	json_object_put(rec);
	json_object_put(old);
	return rc;
}

/* The JSON Schema of one field's value (new reference). */
static struct json_object *
field_schema(const struct cv_field *f)
{
	struct json_object	*o, *t, *e;
	const char *const	*v;

	o = json_object_new_object();
	switch (f->type) {
	case CV_F_ENUM:
		cv_json_add_str(o, "type", "string");
		e = json_object_new_array();
		for (v = f->values; v != NULL && *v != NULL; v++)
			json_object_array_add(e, json_object_new_string(*v));
		json_object_object_add(o, "enum", e);
		break;
	case CV_F_STRLIST:
		cv_json_add_str(o, "type", "array");
		t = json_object_new_object();
		cv_json_add_str(t, "type", "string");
		json_object_object_add(o, "items", t);
		break;
	case CV_F_INT:
		cv_json_add_str(o, "type", "integer");
		cv_json_add_int(o, "minimum", 0);
		break;
	case CV_F_BOOL:
		cv_json_add_str(o, "type", "boolean");
		break;
	case CV_F_OBJECT:
		cv_json_add_str(o, "type", "object");
		break;
	case CV_F_ANY:
		break;
	default:
		cv_json_add_str(o, "type", "string");
		break;
	}
	/* A field whose default is JSON null may hold null. */
	if (f->type != CV_F_ANY && f->type != CV_F_STRLIST &&
	    !(f->flags & (CV_FF_NOW | CV_FF_TOUCH | CV_FF_REQUIRED |
	    CV_FF_OPTIONAL)) && f->dflt == NULL && f->dfltfn == NULL) {
		t = json_object_new_array();
		json_object_array_add(t, json_object_get(json_object_object_get(
		    o, "type")));
		json_object_array_add(t, json_object_new_string("null"));
		json_object_object_add(o, "type", t);
		if ((e = json_object_object_get(o, "enum")) != NULL)
			json_object_array_add(e, NULL);
	}
	if (f->doc != NULL)
		cv_json_add_str(o, "description", f->doc);
	return o;
}

struct json_object *
cv_rs_schema(const struct cv_resource *r)
{
	struct json_object	*o, *props, *req, *v;
	size_t			 i;

	o = json_object_new_object();
	cv_json_add_str(o, "type", "object");
	if (r->doc != NULL)
		cv_json_add_str(o, "description", r->doc);
	props = json_object_new_object();
	req = json_object_new_array();
	if (r->schema_version != NULL) {
		v = json_object_new_object();
		cv_json_add_str(v, "type", "string");
		cv_json_add_str(v, "const", r->schema_version);
		json_object_object_add(props, "schema_version", v);
		json_object_array_add(req, json_object_new_string(
		    "schema_version"));
	}
	v = json_object_new_object();
	cv_json_add_str(v, "type", "string");
	json_object_object_add(props, r->id_field, v);
	json_object_array_add(req, json_object_new_string(r->id_field));
	for (i = 0; i < r->nfields; i++) {
		json_object_object_add(props, r->fields[i].name,
		    field_schema(&r->fields[i]));
		if (!(r->fields[i].flags & CV_FF_OPTIONAL))
			json_object_array_add(req, json_object_new_string(
			    r->fields[i].name));
	}
	json_object_object_add(o, "properties", props);
	json_object_object_add(o, "required", req);
	return o;
}
