/*
 * A small JSON Schema validator for the tests.  See schema.h.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "schema.h"

#define PATH_MAX_LEN	1024	/* bytes of an instance path */
#define REF_DEPTH	64	/* nested references and subschemas */

/* Keywords that only annotate. */
static const char *const annotations[] = {
	"description", "default", "readOnly", "writeOnly", "title",
	"examples", "deprecated", "$comment", NULL
};

struct ctx {
	struct json_object	*root;
	char			*err;
	size_t			 errlen;
	int			 depth;
};

static int check(struct ctx *, struct json_object *, struct json_object *,
    const char *);

static int
failf(struct ctx *c, const char *path, const char *fmt, ...)
{
	va_list	 ap;
	size_t	 n;

	n = (size_t)snprintf(c->err, c->errlen, "%s: ", *path != '\0' ? path :
	    "(top)");
	if (n < c->errlen) {
		va_start(ap, fmt);
		vsnprintf(c->err + n, c->errlen - n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* Whether inst is of JSON Schema type name. */
static int
is_type(struct json_object *inst, const char *name)
{
	double	 d;

	switch (json_object_get_type(inst)) {
	case json_type_null:
		return strcmp(name, "null") == 0;
	case json_type_boolean:
		return strcmp(name, "boolean") == 0;
	case json_type_int:
		return strcmp(name, "integer") == 0 ||
		    strcmp(name, "number") == 0;
	case json_type_double:
		d = json_object_get_double(inst);
		return strcmp(name, "number") == 0 ||
		    (strcmp(name, "integer") == 0 && d >= -9e15 &&
		    d <= 9e15 && d == (double)(long long)d);
	case json_type_string:
		return strcmp(name, "string") == 0;
	case json_type_array:
		return strcmp(name, "array") == 0;
	case json_type_object:
		return strcmp(name, "object") == 0;
	}
	return 0;
}

static int
check_type(struct ctx *c, struct json_object *t, struct json_object *inst,
    const char *path)
{
	size_t	 i, n;

	if (json_object_is_type(t, json_type_string)) {
		if (is_type(inst, json_object_get_string(t)))
			return 0;
	} else if (json_object_is_type(t, json_type_array)) {
		n = json_object_array_length(t);
		for (i = 0; i < n; i++)
			if (is_type(inst, json_object_get_string(
			    json_object_array_get_idx(t, i))))
				return 0;
	} else
		return failf(c, path, "schema: type is neither a name nor a "
		    "list");
	return failf(c, path, "%s is not of type %s",
	    json_object_to_json_string(inst), json_object_to_json_string(t));
}

/* Characters (UTF-8 code points) of a string. */
static size_t
chars(const char *s, size_t len)
{
	size_t	 i, n = 0;

	for (i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			n++;
	return n;
}

/* The number of a numeric instance into *d; 0 when it is not one. */
static int
number(struct json_object *inst, double *d)
{
	if (!json_object_is_type(inst, json_type_int) &&
	    !json_object_is_type(inst, json_type_double))
		return 0;
	*d = json_object_get_double(inst);
	return 1;
}

static int
check_object(struct ctx *c, struct json_object *schema,
    struct json_object *inst, const char *path)
{
	struct json_object	*props = NULL, *req, *addl, *sub;
	char			 sp[PATH_MAX_LEN];
	size_t			 i, n;

	json_object_object_get_ex(schema, "properties", &props);
	if (json_object_object_get_ex(schema, "required", &req)) {
		n = json_object_array_length(req);
		for (i = 0; i < n; i++)
			if (!json_object_object_get_ex(inst,
			    json_object_get_string(json_object_array_get_idx(
			    req, i)), NULL))
				return failf(c, path, "required member %s is "
				    "missing", json_object_get_string(
				    json_object_array_get_idx(req, i)));
	}
	if (!json_object_object_get_ex(schema, "additionalProperties", &addl))
		addl = NULL;
	json_object_object_foreach(inst, key, val) {
		snprintf(sp, sizeof(sp), "%s/%s", path, key);
		if (props != NULL && json_object_object_get_ex(props, key,
		    &sub)) {
			if (check(c, sub, val, sp) == -1)
				return -1;
		} else if (addl != NULL && check(c, addl, val, sp) == -1)
			return -1;
	}
	return 0;
}

static int
check_array(struct ctx *c, struct json_object *items,
    struct json_object *inst, const char *path)
{
	char	 sp[PATH_MAX_LEN];
	size_t	 i, n;

	n = json_object_array_length(inst);
	for (i = 0; i < n; i++) {
		snprintf(sp, sizeof(sp), "%s/%zu", path, i);
		if (check(c, items, json_object_array_get_idx(inst, i), sp) ==
		    -1)
			return -1;
	}
	return 0;
}

/* Whether v equals one of the array's members. */
static int
member(struct json_object *arr, struct json_object *v)
{
	size_t	 i, n;

	n = json_object_array_length(arr);
	for (i = 0; i < n; i++)
		if (json_object_equal(json_object_array_get_idx(arr, i), v))
			return 1;
	return 0;
}

static int
check_anyof(struct ctx *c, struct json_object *any, struct json_object *inst,
    const char *path)
{
	char	 first[512];
	size_t	 i, n;

	n = json_object_array_length(any);
	first[0] = '\0';
	for (i = 0; i < n; i++) {
		if (check(c, json_object_array_get_idx(any, i), inst, path) ==
		    0)
			return 0;
		if (i == 0)
			snprintf(first, sizeof(first), "%s", c->err);
	}
	return failf(c, path, "matches none of anyOf (first: %s)", first);
}

/* Whether key is a keyword this validator knows. */
static int
known(const char *key)
{
	static const char *const kw[] = {
		"$ref", "type", "properties", "required", "items",
		"additionalProperties", "enum", "const", "minimum", "maximum",
		"minLength", "maxLength", "minItems", "maxItems", "anyOf",
		NULL
	};
	const char *const	*k;

	for (k = kw; *k != NULL; k++)
		if (strcmp(*k, key) == 0)
			return 1;
	for (k = annotations; *k != NULL; k++)
		if (strcmp(*k, key) == 0)
			return 1;
	return 0;
}

static int
check(struct ctx *c, struct json_object *schema, struct json_object *inst,
    const char *path)
{
	struct json_object	*v, *target;
	double			 d;
	int			 rc = -1;

	if (json_object_is_type(schema, json_type_boolean))
		return json_object_get_boolean(schema) ? 0 : failf(c, path,
		    "no value is allowed here");
	if (!json_object_is_type(schema, json_type_object))
		return failf(c, path, "schema is not an object");
	if (++c->depth > REF_DEPTH) {
		failf(c, path, "schema nests deeper than %d", REF_DEPTH);
		goto out;
	}
	json_object_object_foreach(schema, key, val) {
		(void)val;
		if (!known(key)) {
			failf(c, path, "schema keyword %s is not supported by "
			    "tests/api/schema.c", key);
			goto out;
		}
	}
	if (json_object_object_get_ex(schema, "$ref", &v)) {
		if ((target = cv_json_pointer(c->root,
		    json_object_get_string(v))) == NULL) {
			failf(c, path, "$ref %s points nowhere",
			    json_object_get_string(v));
			goto out;
		}
		if (check(c, target, inst, path) == -1)
			goto out;
	}
	if (json_object_object_get_ex(schema, "type", &v) &&
	    check_type(c, v, inst, path) == -1)
		goto out;
	if (json_object_object_get_ex(schema, "enum", &v) && !member(v, inst)) {
		failf(c, path, "%s is not one of %s",
		    json_object_to_json_string(inst),
		    json_object_to_json_string(v));
		goto out;
	}
	if (json_object_object_get_ex(schema, "const", &v) &&
	    !json_object_equal(v, inst)) {
		failf(c, path, "%s is not %s", json_object_to_json_string(inst),
		    json_object_to_json_string(v));
		goto out;
	}
	if (number(inst, &d)) {
		if (json_object_object_get_ex(schema, "minimum", &v) &&
		    d < json_object_get_double(v)) {
			failf(c, path, "%g is below the minimum %g", d,
			    json_object_get_double(v));
			goto out;
		}
		if (json_object_object_get_ex(schema, "maximum", &v) &&
		    d > json_object_get_double(v)) {
			failf(c, path, "%g is above the maximum %g", d,
			    json_object_get_double(v));
			goto out;
		}
	}
	if (json_object_is_type(inst, json_type_string)) {
		if (json_object_object_get_ex(schema, "minLength", &v) &&
		    chars(json_object_get_string(inst),
		    (size_t)json_object_get_string_len(inst)) <
		    (size_t)json_object_get_int64(v)) {
			failf(c, path, "string shorter than %lld characters",
			    (long long)json_object_get_int64(v));
			goto out;
		}
		if (json_object_object_get_ex(schema, "maxLength", &v) &&
		    chars(json_object_get_string(inst),
		    (size_t)json_object_get_string_len(inst)) >
		    (size_t)json_object_get_int64(v)) {
			failf(c, path, "string longer than %lld characters",
			    (long long)json_object_get_int64(v));
			goto out;
		}
	}
	if (json_object_is_type(inst, json_type_array)) {
		if (json_object_object_get_ex(schema, "minItems", &v) &&
		    json_object_array_length(inst) <
		    (size_t)json_object_get_int64(v)) {
			failf(c, path, "array shorter than %lld items",
			    (long long)json_object_get_int64(v));
			goto out;
		}
		if (json_object_object_get_ex(schema, "maxItems", &v) &&
		    json_object_array_length(inst) >
		    (size_t)json_object_get_int64(v)) {
			failf(c, path, "array longer than %lld items",
			    (long long)json_object_get_int64(v));
			goto out;
		}
	}
	if (json_object_is_type(inst, json_type_object) &&
	    check_object(c, schema, inst, path) == -1)
		goto out;
	if (json_object_is_type(inst, json_type_array) &&
	    json_object_object_get_ex(schema, "items", &v) &&
	    check_array(c, v, inst, path) == -1)
		goto out;
	if (json_object_object_get_ex(schema, "anyOf", &v) &&
	    check_anyof(c, v, inst, path) == -1)
		goto out;
	rc = 0;
out:
	c->depth--;
	return rc;
}

int
schema_check(struct json_object *root, struct json_object *schema,
    struct json_object *inst, char *err, size_t errlen)
{
	struct ctx	 c = { root, err, errlen, 0 };

	if (errlen > 0)
		err[0] = '\0';
	return check(&c, schema, inst, "");
}
