/*
 * Policy pack authoring: drafts, the policy schema, diffs, digests, the
 * YAML writer and the signed write-back (cv_policy_author.h).
 *
 * Messages of the schema check are built the way the reference's
 * validator words them, which quotes values as Python's repr() does
 * ('x', 5, True, None, ['a', 'b'], {'k': 1}); cv_json_pyrepr() below produces
 * that form.
 */
#include "config.h"

#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>
#include <json-c/linkhash.h>
#include <yaml.h>

#include "cv_arena.h"
#include "cv_crypto.h"
#include "cv_err.h"
#include "cv_json.h"
#include "cv_limits.h"
#include "cv_policy.h"
#include "cv_policy_author.h"
#include "cv_util.h"
#include "policy_int.h"

#define POLICY_FILE	"policy.yaml"
#define SIG_FILE	"policy.yaml.sig.json"
#define SIG_SCHEMA	"cavra.policy-signature.v1"
#define ID_PREFIX	"cavra-"

/* The sections a draft may carry, in the order a built policy has them. */
static const char *const sections[] = {
	"filesystem", "commands", "git", "mcp", "approvals", "evidence",
	"compliance", NULL
};

/* The values and keys the schema names. */
static const char *const modes[] = {
	"audit_only", "enforce", "strict_regulated", "break_glass", NULL
};
static const char *const severities[] = {
	"low", "medium", "high", "critical", NULL
};
static const char *const fs_lists[] = {
	"block_read", "block_write", "require_approval_write", NULL
};
static const char *const cmd_lists[] = {
	"block", "allow", "require_approval", NULL
};
static const char *const git_bools[] = {
	"require_pull_request", "block_direct_push_to_protected_branch",
	"require_human_reviewer", "require_ai_attestation", NULL
};
static const char *const mcp_bools[] = {
	"allowlist_enabled", "block_unknown_servers", NULL
};
static const char *const mcp_lists[] = {
	"allowed_servers", "blocked_servers", NULL
};
/* Diff keys under these prefixes make a change "high" risk. */
static const char *const sensitive[] = {
	"approvals.", "git.", "mcp.", "evidence.", "compliance.", NULL
};

/* ---- Python's repr() and str() of a JSON value -------------------- */

/*
 * Appends a double the way Python's repr() writes a float: the shortest
 * digits that read back to the same value, in positional notation when
 * the exponent is in [-4, 16), else as d.ddde+XX; ".0" on whole numbers.
 */
static void
pyfloat(struct cv_text *t, double d)
{
	char	 buf[64], digits[32];
	char	*e;
	int	 p, exp, nd, i;

	for (p = 1; p <= 17; p++) {
		snprintf(buf, sizeof(buf), "%.*e", p - 1, d);
		if (strtod(buf, NULL) == d)
			break;
	}
	if (buf[0] == '-') {
		cv_text_str(t, "-");
		memmove(buf, buf + 1, strlen(buf));
	}
	if ((e = strchr(buf, 'e')) == NULL) {
		cv_text_str(t, buf);
		return;
	}
	exp = atoi(e + 1);
	*e = '\0';
	for (nd = 0, i = 0; buf[i] != '\0' && nd < (int)sizeof(digits) - 1;
	    i++)
		if (buf[i] != '.')
			digits[nd++] = buf[i];
	digits[nd] = '\0';
	if (exp >= -4 && exp < 16) {
		if (exp < 0) {
			cv_text_str(t, "0.");
			for (i = exp + 1; i < 0; i++)
				cv_text_str(t, "0");
			cv_text_str(t, digits);
		} else if (nd <= exp + 1) {
			cv_text_str(t, digits);
			for (i = nd; i < exp + 1; i++)
				cv_text_str(t, "0");
			cv_text_str(t, ".0");
		} else {
			cv_text_add(t, digits, (size_t)exp + 1);
			cv_text_str(t, ".");
			cv_text_str(t, digits + exp + 1);
		}
		return;
	}
	cv_text_add(t, digits, 1);
	if (nd > 1) {
		cv_text_str(t, ".");
		cv_text_str(t, digits + 1);
	}
	cv_text_printf(t, "e%c%02d", exp < 0 ? '-' : '+', exp < 0 ? -exp :
	    exp);
}

/*
 * Appends a string as Python's repr() quotes it: single quotes unless it
 * holds a single quote and no double quote; backslash, the quote, \n,
 * \r, \t and other control characters escaped.
 */
static void
pystr(struct cv_text *t, const char *s, size_t n)
{
	char	 q = '\'';
	size_t	 i;
	unsigned char c;

	if (memchr(s, '\'', n) != NULL && memchr(s, '"', n) == NULL)
		q = '"';
	cv_text_add(t, &q, 1);
	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (c == '\\' || c == (unsigned char)q)
			cv_text_printf(t, "\\%c", c);
		else if (c == '\n')
			cv_text_str(t, "\\n");
		else if (c == '\r')
			cv_text_str(t, "\\r");
		else if (c == '\t')
			cv_text_str(t, "\\t");
		else if (c < 0x20 || c == 0x7f)
			cv_text_printf(t, "\\x%02x", c);
		else if (c == 0xc2 && i + 1 < n &&
		    (unsigned char)s[i + 1] >= 0x80 &&
		    (unsigned char)s[i + 1] <= 0x9f)
			cv_text_printf(t, "\\x%02x", (unsigned char)s[++i]);
		else
			cv_text_add(t, s + i, 1);
	}
	cv_text_add(t, &q, 1);
}

/* Appends Python's repr() of a JSON value (None, True, 5, 'x', [...],
 * {...}); see cv_json.h. */
void
cv_json_pyrepr(struct cv_text *t, struct json_object *o)
{
	size_t	 i, n;
	int	 first = 1;

	switch (json_object_get_type(o)) {
	case json_type_null:
		cv_text_str(t, "None");
		break;
	case json_type_boolean:
		cv_text_str(t, json_object_get_boolean(o) ? "True" : "False");
		break;
	case json_type_int:
		cv_text_printf(t, "%" PRId64, json_object_get_int64(o));
		break;
	case json_type_double:
		pyfloat(t, json_object_get_double(o));
		break;
	case json_type_string:
		pystr(t, json_object_get_string(o),
		    (size_t)json_object_get_string_len(o));
		break;
	case json_type_array:
		cv_text_str(t, "[");
		n = json_object_array_length(o);
		for (i = 0; i < n; i++) {
			if (i > 0)
				cv_text_str(t, ", ");
			cv_json_pyrepr(t, json_object_array_get_idx(o, i));
		}
		cv_text_str(t, "]");
		break;
	case json_type_object:
		cv_text_str(t, "{");
		json_object_object_foreach(o, k, v) {
			if (!first)
				cv_text_str(t, ", ");
			first = 0;
			pystr(t, k, strlen(k));
			cv_text_str(t, ": ");
			cv_json_pyrepr(t, v);
		}
		cv_text_str(t, "}");
		break;
	}
}

/* A new JSON string of Python's str() of o: a string as it is, anything
 * else as its repr(). */
static struct json_object *
pystr_new(struct json_object *o)
{
	struct cv_text		 t = { 0 };
	struct json_object	*s;

	if (json_object_is_type(o, json_type_string))
		return json_object_get(o);
	cv_json_pyrepr(&t, o);
	s = json_object_new_string_len(t.p, (int)t.len);
	free(t.p);
	return s;
}

/*
 * Python's == on two JSON values: numbers by value, and, when bool_num
 * is set, booleans as the numbers 0 and 1 (otherwise a boolean equals
 * only a boolean); lists item by item, objects key by key.
 */
static int
pyequal(struct json_object *a, struct json_object *b, int bool_num)
{
	enum json_type	 ta = json_object_get_type(a);
	enum json_type	 tb = json_object_get_type(b);
	struct json_object *bv;
	size_t		 i, n;
	int		 na, nb;

	na = ta == json_type_int || ta == json_type_double ||
	    (bool_num && ta == json_type_boolean);
	nb = tb == json_type_int || tb == json_type_double ||
	    (bool_num && tb == json_type_boolean);
	if (na && nb) {
		if (ta != json_type_double && tb != json_type_double)
			return json_object_get_int64(a) ==
			    json_object_get_int64(b);
		return json_object_get_double(a) == json_object_get_double(b);
	}
	if (ta != tb)
		return 0;
	switch (ta) {
	case json_type_null:
		return 1;
	case json_type_boolean:
		return json_object_get_boolean(a) == json_object_get_boolean(b);
	case json_type_string:
		return json_object_get_string_len(a) ==
		    json_object_get_string_len(b) &&
		    memcmp(json_object_get_string(a), json_object_get_string(b),
		    (size_t)json_object_get_string_len(a)) == 0;
	case json_type_array:
		n = json_object_array_length(a);
		if (n != json_object_array_length(b))
			return 0;
		for (i = 0; i < n; i++)
			if (!pyequal(json_object_array_get_idx(a, i),
			    json_object_array_get_idx(b, i), bool_num))
				return 0;
		return 1;
	case json_type_object:
		if (json_object_object_length(a) !=
		    json_object_object_length(b))
			return 0;
		json_object_object_foreach(a, k, v) {
			if (!json_object_object_get_ex(b, k, &bv) ||
			    !pyequal(v, bv, bool_num))
				return 0;
		}
		return 1;
	default:
		return 0;
	}
}

/* ---- building a draft --------------------------------------------- */

/* body.metadata[key] when truthy, else body[key] when truthy, else NULL;
 * borrowed. */
static struct json_object *
md_pick(struct json_object *md, struct json_object *body, const char *key)
{
	struct json_object	*v;

	v = json_object_object_get(md, key);
	if (cv_json_truthy(v))
		return v;
	v = json_object_object_get(body, key);
	return cv_json_truthy(v) ? v : NULL;
}

/* body.metadata[key] when the key is there (even null), else body[key];
 * borrowed. */
static struct json_object *
md_get_or(struct json_object *md, struct json_object *body, const char *key)
{
	struct json_object	*v;

	if (json_object_object_get_ex(md, key, &v))
		return v;
	return json_object_object_get(body, key);
}

enum cv_err
cv_draft_build(struct json_object *body, const char *today,
    struct json_object **policy, char *err, size_t errlen)
{
	struct json_object	*md, *id, *title, *desc, *ver, *v, *p, *m;
	size_t			 i;

	*policy = NULL;
	md = json_object_object_get(body, "metadata");
	if (!json_object_is_type(md, json_type_object))
		md = NULL;
	id = md_pick(md, body, "id");
	title = md_pick(md, body, "title");
	desc = md_pick(md, body, "description");
	ver = md_pick(md, body, "version");
	if (id == NULL || title == NULL || desc == NULL) {
		cv_seterr(err, errlen, "policy draft requires id, title, and "
		    "description");
		return CV_EINVAL;
	}
	p = json_object_new_object();
	m = json_object_new_object();
	json_object_object_add(m, "id", pystr_new(id));
	json_object_object_add(m, "title", pystr_new(title));
	json_object_object_add(m, "description", pystr_new(desc));
	json_object_object_add(m, "version", ver != NULL ? pystr_new(ver) :
	    json_object_new_string(today));
	if (cv_json_truthy(v = md_get_or(md, body, "inherits")))
		json_object_object_add(m, "inherits", cv_json_copy(v));
	if (cv_json_truthy(v = md_get_or(md, body, "mode")))
		json_object_object_add(m, "mode", cv_json_copy(v));
	json_object_object_add(p, "metadata", m);
	for (i = 0; sections[i] != NULL; i++) {
		v = json_object_object_get(body, sections[i]);
		if (json_object_is_type(v, json_type_object))
			json_object_object_add(p, sections[i], cv_json_copy(v));
	}
	*policy = p;
	return CV_OK;
}

/* ---- the schema check --------------------------------------------- */

#define VPATH_MAX	4	/* deepest schema path: section.key.item */

/* One step of a path: an object key or an array index. */
struct vstep {
	const char	*key;		/* NULL: idx */
	size_t		 idx;
};

/* One error: its path (keys copied) and message, in finding order. */
struct verr {
	struct vstep	 path[VPATH_MAX];
	size_t		 depth;
	char		*msg;
	size_t		 seq;
};

struct vctx {
	struct vstep	 path[VPATH_MAX];
	size_t		 depth;
	struct verr	*v;
	size_t		 n, cap;
};

static void
vpush_key(struct vctx *c, const char *key)
{
	if (c->depth < VPATH_MAX)
		c->path[c->depth].key = key;
	c->depth++;
}

static void
vpush_idx(struct vctx *c, size_t idx)
{
	if (c->depth < VPATH_MAX) {
		c->path[c->depth].key = NULL;
		c->path[c->depth].idx = idx;
	}
	c->depth++;
}

static void
vpop(struct vctx *c)
{
	c->depth--;
}

/* Records an error at the current path; takes the text of t. */
static void
verror(struct vctx *c, struct cv_text *t)
{
	struct verr	*e;
	size_t		 i;

	if (c->n == c->cap) {
		c->cap = c->cap == 0 ? 8 : c->cap * 2;
		if ((c->v = reallocarray(c->v, c->cap, sizeof(*c->v))) == NULL)
			cv_fatal("%s: out of memory", __func__);
	}
	e = &c->v[c->n];
	e->depth = c->depth < VPATH_MAX ? c->depth : VPATH_MAX;
	for (i = 0; i < e->depth; i++) {
		e->path[i].key = c->path[i].key != NULL ?
		    cv_xstrdup(c->path[i].key) : NULL;
		e->path[i].idx = c->path[i].idx;
	}
	e->msg = t->p != NULL ? t->p : cv_xstrdup("");
	e->seq = c->n++;
	t->p = NULL;
	t->len = t->cap = 0;
}

/* "<repr> is not of type '<type>'" */
static void
v_type(struct vctx *c, struct json_object *o, const char *type)
{
	struct cv_text	 t = { 0 };

	cv_json_pyrepr(&t, o);
	cv_text_printf(&t, " is not of type '%s'", type);
	verror(c, &t);
}

/* "<repr> is not one of [...]" */
static void
v_enum(struct vctx *c, struct json_object *o, const char *const *set)
{
	struct cv_text	 t = { 0 };
	size_t		 i;

	cv_json_pyrepr(&t, o);
	cv_text_str(&t, " is not one of [");
	for (i = 0; set[i] != NULL; i++) {
		if (i > 0)
			cv_text_str(&t, ", ");
		pystr(&t, set[i], strlen(set[i]));
	}
	cv_text_str(&t, "]");
	verror(c, &t);
}

/* "<repr> should be non-empty" */
static void
v_empty(struct vctx *c, struct json_object *o)
{
	struct cv_text	 t = { 0 };

	cv_json_pyrepr(&t, o);
	cv_text_str(&t, " should be non-empty");
	verror(c, &t);
}

static int
is_bool(struct json_object *o)
{
	return json_object_is_type(o, json_type_boolean);
}

static int
is_str(struct json_object *o)
{
	return json_object_is_type(o, json_type_string);
}

/* A non-empty string; an error otherwise. */
static void
v_nonempty_str(struct vctx *c, struct json_object *o)
{
	if (!is_str(o))
		v_type(c, o, "string");
	else if (json_object_get_string_len(o) == 0)
		v_empty(c, o);
}

/*
 * Appends to t, NUL-terminated, a text that two items share exactly when
 * they are equal as the schema's uniqueItems compares them: numbers by
 * value (1 and 1.0 alike), booleans apart from numbers, collections by
 * their sorted JSON text.
 */
static void
item_key(struct cv_text *t, struct json_object *o)
{
	struct json_object	*sorted;
	const char		*p;
	size_t			 i, n;
	double			 d;

	switch (json_object_get_type(o)) {
	case json_type_string:
		cv_text_add(t, "s", 1);
		p = json_object_get_string(o);
		n = (size_t)json_object_get_string_len(o);
		for (i = 0; i < n; i++) {
			if (p[i] == '\0')
				cv_text_add(t, "\\0", 2);
			else if (p[i] == '\\')
				cv_text_add(t, "\\\\", 2);
			else
				cv_text_add(t, p + i, 1);
		}
		break;
	case json_type_int:
		cv_text_printf(t, "n%" PRId64, json_object_get_int64(o));
		break;
	case json_type_double:
		d = json_object_get_double(o);
		if (d > -9.2e18 && d < 9.2e18 && d == (double)(int64_t)d)
			cv_text_printf(t, "n%" PRId64, (int64_t)d);
		else
			cv_text_printf(t, "n%.17g", d);
		break;
	case json_type_boolean:
		cv_text_add(t, json_object_get_boolean(o) ? "bt" : "bf", 2);
		break;
	case json_type_null:
		cv_text_add(t, "z", 1);
		break;
	default:
		sorted = cv_json_sorted_new(o);
		cv_text_add(t, "j", 1);
		cv_text_str(t, json_object_to_json_string_ext(sorted,
		    JSON_C_TO_STRING_PLAIN));
		json_object_put(sorted);
		break;
	}
	cv_text_add(t, "", 1);
}

/* 1 when some two items of arr are equal (see item_key()); linear in
 * the items, so that a long list in a draft costs little. */
static int
has_dups(struct json_object *arr)
{
	struct lh_table	*seen;
	struct cv_text	 t = { 0 };
	size_t		*off, i, n;
	int		 dup = 0;

	n = json_object_array_length(arr);
	if (n < 2)
		return 0;
	off = cv_xcalloc(n, sizeof(*off));
	for (i = 0; i < n; i++) {
		off[i] = t.len;
		item_key(&t, json_object_array_get_idx(arr, i));
	}
	if ((seen = lh_kchar_table_new(n > 16 ? (int)n * 2 : 32, NULL)) ==
	    NULL)
		cv_fatal("%s: out of memory", __func__);
	for (i = 0; i < n && !dup; i++) {
		if (lh_table_lookup_entry(seen, t.p + off[i]) != NULL)
			dup = 1;
		else
			lh_table_insert(seen, t.p + off[i], NULL);
	}
	lh_table_free(seen);
	free(off);
	free(t.p);
	return dup;
}

/* The string list of the schema: an array of unique non-empty
 * strings. */
static void
v_strlist(struct vctx *c, struct json_object *o)
{
	struct cv_text	 t = { 0 };
	size_t		 i, n;

	if (!json_object_is_type(o, json_type_array)) {
		v_type(c, o, "array");
		return;
	}
	n = json_object_array_length(o);
	for (i = 0; i < n; i++) {
		vpush_idx(c, i);
		v_nonempty_str(c, json_object_array_get_idx(o, i));
		vpop(c);
	}
	if (has_dups(o)) {
		cv_json_pyrepr(&t, o);
		cv_text_str(&t, " has non-unique elements");
		verror(c, &t);
	}
}

/* metadata.id: a string matching ^cavra-[a-z0-9-]+$ (no trailing
 * newline either). */
static void
v_id(struct vctx *c, struct json_object *o)
{
	struct cv_text	 t = { 0 };
	const char	*s;
	size_t		 i, n, plen = sizeof(ID_PREFIX) - 1;
	int		 ok;

	v_nonempty_str(c, o);
	if (!is_str(o))
		return;
	s = json_object_get_string(o);
	n = (size_t)json_object_get_string_len(o);
	ok = n > plen && memcmp(s, ID_PREFIX, plen) == 0;
	for (i = plen; ok && i < n; i++)
		ok = (s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '-';
	if (ok)
		return;
	cv_json_pyrepr(&t, o);
	cv_text_str(&t, " does not match '^" ID_PREFIX "[a-z0-9-]+$'");
	verror(c, &t);
}

/* metadata.inherits: a non-empty string, or a non-empty list of unique
 * non-empty strings. */
static void
v_inherits(struct vctx *c, struct json_object *o)
{
	struct cv_text	 t = { 0 };
	size_t		 i, n;
	int		 ok;

	if (is_str(o))
		ok = json_object_get_string_len(o) > 0;
	else if (json_object_is_type(o, json_type_array)) {
		n = json_object_array_length(o);
		ok = n > 0 && !has_dups(o);
		for (i = 0; ok && i < n; i++)
			ok = is_str(json_object_array_get_idx(o, i)) &&
			    json_object_get_string_len(
			    json_object_array_get_idx(o, i)) > 0;
	} else
		ok = 0;
	if (ok)
		return;
	cv_json_pyrepr(&t, o);
	cv_text_str(&t, " is not valid under any of the given schemas");
	verror(c, &t);
}

/* Checks the keys of obj named in `keys` (in that order) with fn. */
static void
v_keys(struct vctx *c, struct json_object *obj, const char *const *keys,
    void (*fn)(struct vctx *, struct json_object *))
{
	struct json_object	*v;
	size_t			 i;

	for (i = 0; keys[i] != NULL; i++) {
		if (!json_object_object_get_ex(obj, keys[i], &v))
			continue;
		vpush_key(c, keys[i]);
		fn(c, v);
		vpop(c);
	}
}

static void
v_bool(struct vctx *c, struct json_object *o)
{
	if (!is_bool(o))
		v_type(c, o, "boolean");
}

static int
strp_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* "Additional properties are not allowed ('a', 'b' were unexpected)" for
 * the keys of obj outside `known`. */
static void
v_closed(struct vctx *c, struct json_object *obj, const char *const *known)
{
	struct cv_text	 t = { 0 };
	const char	**extra;
	size_t		 i, n = 0;

	extra = cv_xcalloc((size_t)json_object_object_length(obj) + 1,
	    sizeof(*extra));
	json_object_object_foreach(obj, k, v) {
		(void)v;
		if (!cv_strv_has(known, k))
			extra[n++] = k;
	}
	if (n > 0) {
		qsort(extra, n, sizeof(*extra), strp_cmp);
		cv_text_str(&t, "Additional properties are not allowed (");
		for (i = 0; i < n; i++) {
			if (i > 0)
				cv_text_str(&t, ", ");
			pystr(&t, extra[i], strlen(extra[i]));
		}
		cv_text_printf(&t, " %s unexpected)", n == 1 ? "was" : "were");
		verror(c, &t);
	}
	free(extra);
}

static void
v_metadata(struct vctx *c, struct json_object *md)
{
	static const char *const strs[] = { "title", "description",
	    "version", NULL };
	static const char *const required[] = { "id", "title",
	    "description", "version", NULL };
	struct cv_text		 t = { 0 };
	struct json_object	*v;
	size_t			 i;

	if (!json_object_is_type(md, json_type_object)) {
		v_type(c, md, "object");
		return;
	}
	for (i = 0; required[i] != NULL; i++)
		if (!json_object_object_get_ex(md, required[i], NULL)) {
			pystr(&t, required[i], strlen(required[i]));
			cv_text_str(&t, " is a required property");
			verror(c, &t);
		}
	if (json_object_object_get_ex(md, "id", &v)) {
		vpush_key(c, "id");
		v_id(c, v);
		vpop(c);
	}
	v_keys(c, md, strs, v_nonempty_str);
	if (json_object_object_get_ex(md, "inherits", &v)) {
		vpush_key(c, "inherits");
		v_inherits(c, v);
		vpop(c);
	}
	if (json_object_object_get_ex(md, "mode", &v) &&
	    !(is_str(v) && cv_strv_has(modes, json_object_get_string(v)))) {
		vpush_key(c, "mode");
		v_enum(c, v, modes);
		vpop(c);
	}
}

static void
v_mcp(struct vctx *c, struct json_object *mcp)
{
	struct json_object	*rs;

	v_keys(c, mcp, mcp_bools, v_bool);
	v_keys(c, mcp, mcp_lists, v_strlist);
	if (!json_object_object_get_ex(mcp, "risk_scoring", &rs))
		return;
	vpush_key(c, "risk_scoring");
	if (!json_object_is_type(rs, json_type_object))
		v_type(c, rs, "object");
	else {
		json_object_object_foreach(rs, k, v) {
			if (is_str(v) && cv_strv_has(severities,
			    json_object_get_string(v)))
				continue;
			vpush_key(c, k);
			v_enum(c, v, severities);
			vpop(c);
		}
	}
	vpop(c);
}

/* Python's ordering of two error paths: step by step, a shorter prefix
 * first; ties keep the finding order. */
static int
verr_cmp(const void *pa, const void *pb)
{
	const struct verr	*a = pa, *b = pb;
	size_t			 i;
	int			 r;

	for (i = 0; i < a->depth && i < b->depth; i++) {
		if (a->path[i].key != NULL && b->path[i].key != NULL) {
			if ((r = strcmp(a->path[i].key, b->path[i].key)) != 0)
				return r;
		} else if (a->path[i].key == NULL && b->path[i].key == NULL) {
			if (a->path[i].idx != b->path[i].idx)
				return a->path[i].idx < b->path[i].idx ? -1 : 1;
		} else
			return a->path[i].key == NULL ? -1 : 1;
	}
	if (a->depth != b->depth)
		return a->depth < b->depth ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

struct json_object *
cv_draft_validate(struct json_object *policy)
{
	static const char *const known_sections[] = { "metadata",
	    "filesystem", "commands", "git", "mcp", "compliance", "approvals",
	    "evidence", NULL };
	static const char *const maps_to[] = { "maps_to", NULL };
	struct vctx		 c;
	struct json_object	*out, *sec;
	struct cv_text		 t = { 0 };
	size_t			 i, j;

	memset(&c, 0, sizeof(c));
	if (!json_object_is_type(policy, json_type_object)) {
		v_type(&c, policy, "object");
		goto done;
	}
	if (!json_object_object_get_ex(policy, "metadata", NULL)) {
		cv_text_str(&t, "'metadata' is a required property");
		verror(&c, &t);
	}
	for (i = 0; known_sections[i] != NULL; i++) {
		if (!json_object_object_get_ex(policy, known_sections[i],
		    &sec))
			continue;
		vpush_key(&c, known_sections[i]);
		if (i == 0)
			v_metadata(&c, sec);
		else if (!json_object_is_type(sec, json_type_object))
			v_type(&c, sec, "object");
		else if (strcmp(known_sections[i], "filesystem") == 0) {
			v_closed(&c, sec, fs_lists);
			v_keys(&c, sec, fs_lists, v_strlist);
		} else if (strcmp(known_sections[i], "commands") == 0) {
			v_closed(&c, sec, cmd_lists);
			v_keys(&c, sec, cmd_lists, v_strlist);
		} else if (strcmp(known_sections[i], "git") == 0)
			v_keys(&c, sec, git_bools, v_bool);
		else if (strcmp(known_sections[i], "mcp") == 0)
			v_mcp(&c, sec);
		else if (strcmp(known_sections[i], "compliance") == 0)
			v_keys(&c, sec, maps_to, v_strlist);
		vpop(&c);
	}
done:
	if (c.n > 1)
		qsort(c.v, c.n, sizeof(*c.v), verr_cmp);
	out = json_object_new_array();
	for (i = 0; i < c.n; i++) {
		for (j = 0; j < c.v[i].depth; j++) {
			if (j > 0)
				cv_text_str(&t, ".");
			if (c.v[i].path[j].key != NULL)
				cv_text_str(&t, c.v[i].path[j].key);
			else
				cv_text_printf(&t, "%zu", c.v[i].path[j].idx);
			free((char *)c.v[i].path[j].key);
		}
		if (c.v[i].depth == 0)
			cv_text_str(&t, "<root>");
		cv_text_printf(&t, ": %s", c.v[i].msg);
		json_object_array_add(out, json_object_new_string_len(t.p,
		    (int)t.len));
		t.len = 0;
		free(c.v[i].msg);
	}
	free(t.p);
	free(c.v);
	return out;
}

/* ---- diff and risk ------------------------------------------------ */

static int
jstr_cmp(const void *a, const void *b)
{
	struct json_object	*x = *(struct json_object *const *)a;
	struct json_object	*y = *(struct json_object *const *)b;

	return strcmp(json_object_get_string(x), json_object_get_string(y));
}

/* Replaces list obj[key] with the str() of its items, sorted. */
static void
sort_strs(struct json_object *obj, const char *key)
{
	struct json_object	*arr, *res;
	size_t			 i, n;

	arr = json_object_object_get(obj, key);
	if (!json_object_is_type(arr, json_type_array))
		return;
	res = json_object_new_array();
	n = json_object_array_length(arr);
	for (i = 0; i < n; i++)
		json_object_array_add(res,
		    pystr_new(json_object_array_get_idx(arr, i)));
	json_object_array_sort(res, jstr_cmp);
	json_object_object_add(obj, key, res);
}

/* A copy of a policy whose filesystem and commands lists, and mcp's
 * server lists, are sorted strings (as the reference normalises before a
 * diff).  New reference. */
static struct json_object *
diff_normalise(struct json_object *p)
{
	static const char *const sorted[] = { "filesystem", "commands",
	    NULL };
	struct json_object	*c, *sec;
	size_t			 i;

	c = cv_json_copy(p);
	for (i = 0; sorted[i] != NULL; i++) {
		sec = json_object_object_get(c, sorted[i]);
		if (!json_object_is_type(sec, json_type_object))
			continue;
		json_object_object_foreach(sec, k, v) {
			(void)v;
			sort_strs(sec, k);
		}
	}
	sec = json_object_object_get(c, "mcp");
	if (json_object_is_type(sec, json_type_object)) {
		sort_strs(sec, "allowed_servers");
		sort_strs(sec, "blocked_servers");
	}
	return c;
}

/* 1 when every item of arr is a string. */
static int
all_strings(struct json_object *arr)
{
	size_t	 i, n;

	n = json_object_array_length(arr);
	for (i = 0; i < n; i++)
		if (!is_str(json_object_array_get_idx(arr, i)))
			return 0;
	return 1;
}

/*
 * Adds the leaves of o under prefix to flat: objects recurse by sorted
 * key ("a.b"), a list is one leaf (sorted when it holds only strings),
 * anything else is a leaf.
 */
static void
flatten(struct json_object *o, const char *prefix, struct json_object *flat)
{
	struct json_object	*s, *l;
	struct cv_text		 child = { 0 };

	if (json_object_is_type(o, json_type_object)) {
		s = cv_json_sorted_new(o);
		json_object_object_foreach(s, k, v) {
			child.len = 0;
			if (*prefix != '\0')
				cv_text_printf(&child, "%s.", prefix);
			cv_text_str(&child, k);
			flatten(v, child.p, flat);
		}
		free(child.p);
		json_object_put(s);
		return;
	}
	if (json_object_is_type(o, json_type_array) && all_strings(o)) {
		l = cv_json_copy(o);
		json_object_array_sort(l, jstr_cmp);
		json_object_object_add(flat, prefix, l);
		return;
	}
	json_object_object_add(flat, prefix, cv_json_copy(o));
}

/* The keys of object a that object b lacks, sorted, as a new array. */
static struct json_object *
keys_only(struct json_object *a, struct json_object *b)
{
	struct json_object	*out;

	out = json_object_new_array();
	json_object_object_foreach(a, k, v) {
		(void)v;
		if (!json_object_object_get_ex(b, k, NULL))
			json_object_array_add(out, json_object_new_string(k));
	}
	json_object_array_sort(out, jstr_cmp);
	return out;
}

struct json_object *
cv_draft_diff(struct json_object *cur, struct json_object *next)
{
	struct json_object	*d, *l, *r, *fl, *fr, *changed, *rv;

	d = json_object_new_object();
	if (cur == NULL) {
		json_object_object_add(d, "added", json_object_new_array());
		json_object_object_add(d, "removed", json_object_new_array());
		json_object_object_add(d, "changed", json_object_new_array());
		return d;
	}
	l = diff_normalise(cur);
	r = diff_normalise(next);
	fl = json_object_new_object();
	fr = json_object_new_object();
	flatten(l, "", fl);
	flatten(r, "", fr);
	changed = json_object_new_array();
	json_object_object_foreach(fl, k, v) {
		if (json_object_object_get_ex(fr, k, &rv) &&
		    !pyequal(v, rv, 1))
			json_object_array_add(changed,
			    json_object_new_string(k));
	}
	json_object_array_sort(changed, jstr_cmp);
	json_object_object_add(d, "added", keys_only(fr, fl));
	json_object_object_add(d, "removed", keys_only(fl, fr));
	json_object_object_add(d, "changed", changed);
	json_object_put(l);
	json_object_put(r);
	json_object_put(fl);
	json_object_put(fr);
	return d;
}

/* 1 when an item of list starts with one of the sensitive prefixes. */
static int
touches_sensitive(struct json_object *list)
{
	const char	*s;
	size_t		 i, j, n;

	n = json_object_array_length(list);
	for (i = 0; i < n; i++) {
		s = json_object_get_string(json_object_array_get_idx(list, i));
		for (j = 0; sensitive[j] != NULL; j++)
			if (strncmp(s, sensitive[j], strlen(sensitive[j])) == 0)
				return 1;
	}
	return 0;
}

const char *
cv_draft_risk(struct json_object *cur, struct json_object *diff)
{
	struct json_object	*added, *removed, *changed;

	if (cur == NULL)
		return "high";
	added = json_object_object_get(diff, "added");
	removed = json_object_object_get(diff, "removed");
	changed = json_object_object_get(diff, "changed");
	if (json_object_array_length(removed) > 0)
		return "critical";
	if (touches_sensitive(added) || touches_sensitive(changed))
		return "high";
	if (json_object_array_length(added) > 0 ||
	    json_object_array_length(changed) > 0)
		return "medium";
	return "low";
}

char *
cv_draft_digest(struct cv_arena *a, struct json_object *policy)
{
	const char	*canon;

	canon = cv_json_canonical(a, policy);
	return cv_arena_printf(a, "sha256:%s", cv_sha256_hex(a, canon,
	    strlen(canon)));
}

int
cv_draft_id_safe(const char *id, size_t len)
{
	if (id == NULL || len == 0 || len > CV_POLICY_ID_MAX ||
	    strnlen(id, len) != len || id[len] != '\0')
		return 0;
	return cv_policy_id_valid(id);
}

/* ---- the YAML writer ---------------------------------------------- */

static int
yaml_out(void *data, unsigned char *buf, size_t len)
{
	cv_text_add(data, (const char *)buf, len);
	return 1;
}

/*
 * 1 when a YAML reader could take the plain scalar s for something other
 * than a string: empty, a null or boolean word, or starting like a
 * number (digit, sign or dot), or a merge key or "=".
 */
static int
looks_typed(const char *s, size_t n)
{
	static const char *const words[] = { "~", "null", "true", "false",
	    "yes", "no", "on", "off", "y", "n", "=", "<<", NULL };
	char	 low[8];
	size_t	 i;

	if (n == 0 || strchr("0123456789+-.", s[0]) != NULL)
		return 1;
	if (n >= sizeof(low))
		return 0;
	for (i = 0; i < n; i++)
		low[i] = (s[i] >= 'A' && s[i] <= 'Z') ? (char)(s[i] + 32) :
		    s[i];
	low[n] = '\0';
	return cv_strv_has(words, low);
}

/* 1 when s holds a control character (written double-quoted). */
static int
has_control(const char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 1;
	return 0;
}

/* Emits one scalar: plain for numbers, booleans and null; a string plain
 * when that reads back as the same string, else quoted.  0, or -1. */
static int
emit_scalar(yaml_emitter_t *em, const char *s, size_t n, int string)
{
	yaml_event_t		 ev;
	yaml_scalar_style_t	 style = YAML_PLAIN_SCALAR_STYLE;

	if (string && has_control(s, n))
		style = YAML_DOUBLE_QUOTED_SCALAR_STYLE;
	else if (string && looks_typed(s, n))
		style = YAML_SINGLE_QUOTED_SCALAR_STYLE;
	if (!yaml_scalar_event_initialize(&ev, NULL, NULL,
	    (yaml_char_t *)(uintptr_t)s, (int)n,
	    style == YAML_PLAIN_SCALAR_STYLE, string, style))
		return -1;
	return yaml_emitter_emit(em, &ev) ? 0 : -1;
}

/* Emits a JSON value whose objects have sorted keys.  0, or -1. */
static int
emit_node(yaml_emitter_t *em, struct json_object *o)
{
	yaml_event_t	 ev;
	struct cv_text	 t = { 0 };
	char		 buf[32];
	size_t		 i, n;
	int		 rc = -1;

	switch (json_object_get_type(o)) {
	case json_type_null:
		return emit_scalar(em, "null", 4, 0);
	case json_type_boolean:
		return json_object_get_boolean(o) ?
		    emit_scalar(em, "true", 4, 0) :
		    emit_scalar(em, "false", 5, 0);
	case json_type_int:
		snprintf(buf, sizeof(buf), "%" PRId64,
		    json_object_get_int64(o));
		return emit_scalar(em, buf, strlen(buf), 0);
	case json_type_double:
		/* A dot before any exponent, so that the loader reads a
		 * float back. */
		pyfloat(&t, json_object_get_double(o));
		if (strchr(t.p, '.') == NULL && strchr(t.p, 'e') != NULL) {
			n = (size_t)(strchr(t.p, 'e') - t.p);
			snprintf(buf, sizeof(buf), "%.*s.0%s", (int)n, t.p,
			    t.p + n);
			rc = emit_scalar(em, buf, strlen(buf), 0);
		} else
			rc = emit_scalar(em, t.p, t.len, 0);
		free(t.p);
		return rc;
	case json_type_string:
		return emit_scalar(em, json_object_get_string(o),
		    (size_t)json_object_get_string_len(o), 1);
	case json_type_array:
		if (!yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
		    YAML_BLOCK_SEQUENCE_STYLE) || !yaml_emitter_emit(em, &ev))
			return -1;
		n = json_object_array_length(o);
		for (i = 0; i < n; i++)
			if (emit_node(em, json_object_array_get_idx(o, i)) ==
			    -1)
				return -1;
		if (!yaml_sequence_end_event_initialize(&ev) ||
		    !yaml_emitter_emit(em, &ev))
			return -1;
		return 0;
	case json_type_object:
		if (!yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1,
		    YAML_BLOCK_MAPPING_STYLE) || !yaml_emitter_emit(em, &ev))
			return -1;
		json_object_object_foreach(o, k, v) {
			if (emit_scalar(em, k, strlen(k), 1) == -1 ||
			    emit_node(em, v) == -1)
				return -1;
		}
		if (!yaml_mapping_end_event_initialize(&ev) ||
		    !yaml_emitter_emit(em, &ev))
			return -1;
		return 0;
	}
	return -1;
}

int
cv_policy_yaml(struct json_object *policy, struct cv_text *out)
{
	yaml_emitter_t		 em;
	yaml_event_t		 ev;
	struct json_object	*sorted;
	int			 rc = -1;

	sorted = cv_json_sorted_new(policy);
	if (!yaml_emitter_initialize(&em))
		cv_fatal("%s: out of memory", __func__);
	yaml_emitter_set_output(&em, yaml_out, out);
	yaml_emitter_set_unicode(&em, 1);
	yaml_emitter_set_indent(&em, 2);
	yaml_emitter_set_width(&em, -1);
	if (!yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING) ||
	    !yaml_emitter_emit(&em, &ev) ||
	    !yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1) ||
	    !yaml_emitter_emit(&em, &ev) ||
	    emit_node(&em, sorted) == -1 ||
	    !yaml_document_end_event_initialize(&ev, 1) ||
	    !yaml_emitter_emit(&em, &ev) ||
	    !yaml_stream_end_event_initialize(&ev) ||
	    !yaml_emitter_emit(&em, &ev) || !yaml_emitter_flush(&em)) {
		cv_log("%s: %s", __func__, em.problem != NULL ? em.problem :
		    "YAML emitter failed");
		goto out;
	}
	rc = 0;
out:
	yaml_emitter_delete(&em);
	json_object_put(sorted);
	return rc;
}

/* ---- write-back and signature ------------------------------------- */

/*
 * Creates directory path and its missing parents with mode 0750.
 * 0, or -1 with errno.
 */
static int
mkdir_p(const char *path)
{
	char	 buf[PATH_MAX];
	char	*p;
	size_t	 n;

	n = strlen(path);
	if (n == 0 || n >= sizeof(buf)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(buf, path, n + 1);
	for (p = buf + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0750) == -1 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(buf, 0750) == -1 && errno != EEXIST)
		return -1;
	return 0;
}

/*
 * Writes len bytes as file `name` of directory dfd: a new temporary file
 * (mode 0640) written, synced and renamed over name.  0, or -1 with
 * errno.
 */
static int
write_replace(int dfd, const char *name, const char *p, size_t len)
{
	char	 tmp[64], hex[17];
	ssize_t	 w;
	size_t	 off = 0;
	int	 fd, e;

	cv_rand_hex(hex, 16);
	snprintf(tmp, sizeof(tmp), ".%s.%s", name, hex);
	if ((fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC |
	    O_NOFOLLOW, 0640)) == -1)
		return -1;
	while (off < len) {
		if ((w = write(fd, p + off, len - off)) == -1) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		off += (size_t)w;
	}
	if (fsync(fd) == -1 || close(fd) == -1) {
		fd = -1;
		goto fail;
	}
	if (renameat(dfd, tmp, dfd, name) == -1) {
		fd = -1;
		goto fail;
	}
	return 0;
fail:
	e = errno;
	if (fd != -1)
		close(fd);
	unlinkat(dfd, tmp, 0);
	errno = e;
	return -1;
}

/* The JSON text of string s, ASCII-escaped (arena). */
static const char *
jstring(struct cv_arena *a, const char *s)
{
	struct json_object	*o;
	const char		*r;

	o = json_object_new_string(s);
	r = cv_json_canonical(a, o);
	json_object_put(o);
	return r;
}

/* base64 of the HMAC-SHA256 of len bytes of p under key (arena). */
static char *
hmac_b64(struct cv_arena *a, const char *key, const char *p, size_t len)
{
	unsigned char	 mac[CV_SHA256_LEN];

	cv_hmac_sha256(key, strlen(key), p, len, mac);
	return cv_b64_encode(a, mac, sizeof(mac));
}

/*
 * The signature file of policy bytes p (7.6), pretty-printed in the
 * reference's key order, with a final newline.  Arena.
 */
static char *
sig_text(struct cv_arena *a, const char *p, size_t len, const char *signer,
    const char *key, const char **alg)
{
	char	*hex, ts[CV_TS_LEN];

	hex = cv_sha256_hex(a, p, len);
	*alg = key != NULL ? "HS256" : "SHA256";
	cv_ts_now(ts, sizeof(ts));
	return cv_arena_printf(a, "{\n"
	    "  \"schema_version\": \"" SIG_SCHEMA "\",\n"
	    "  \"algorithm\": \"%s\",\n"
	    "  \"digest\": \"sha256:%s\",\n"
	    "  \"signature\": \"%s\",\n"
	    "  \"signed_at\": \"%s\",\n"
	    "  \"signer\": %s,\n"
	    "  \"policy_file\": \"" POLICY_FILE "\"\n"
	    "}\n", *alg, hex, hmac_b64(a, key != NULL ? key : hex, p, len),
	    ts, jstring(a, signer));
}

int
cv_policy_sig_verify(struct cv_arena *a, const char *policy_path,
    const char *sig_path, const char *key, const char **msg)
{
	struct json_object	*sig = NULL;
	struct stat		 st;
	const char		*alg, *digest, *given;
	char			*pbuf = NULL, *sbuf = NULL, *hex, err[128];
	size_t			 plen, slen;
	int			 e, ok = 0;

	if ((e = cv_policy_slurp(policy_path, &pbuf, &plen, &st)) != 0) {
		*msg = cv_arena_printf(a, "policy file cannot be read: %s",
		    strerror(e));
		goto out;
	}
	if ((e = cv_policy_slurp(sig_path, &sbuf, &slen, &st)) != 0) {
		*msg = cv_arena_printf(a, "signature file not found: %s",
		    sig_path);
		goto out;
	}
	if (cv_json_parse(sbuf, slen, CV_JSON_DEPTH_MAX, &sig, err,
	    sizeof(err)) != CV_OK || !json_object_is_type(sig,
	    json_type_object)) {
		*msg = "signature file is not a JSON object";
		goto out;
	}
	hex = cv_sha256_hex(a, pbuf, plen);
	digest = cv_json_str_or(sig, "digest", "");
	if (strncmp(digest, "sha256:", 7) != 0 || strcmp(digest + 7, hex)) {
		*msg = "policy digest mismatch";
		goto out;
	}
	alg = cv_json_str_or(sig, "algorithm", "");
	given = cv_json_str_or(sig, "signature", "");
	if (strcmp(alg, key != NULL ? "HS256" : "SHA256") != 0) {
		*msg = key != NULL ? "policy signature is not HS256 under the "
		    "configured signing key" : "HS256 policy signature needs "
		    "the signing key (CAVRA_POLICY_SIGNING_KEY)";
		goto out;
	}
	if (strcmp(given, hmac_b64(a, key != NULL ? key : hex, pbuf,
	    plen)) != 0) {
		*msg = "HMAC signature mismatch";
		goto out;
	}
	*msg = cv_arena_printf(a, "verified %s signature", alg);
	ok = 1;
out:
	json_object_put(sig);
	free(pbuf);
	free(sbuf);
	return ok;
}

enum cv_err
cv_policy_publish(struct cv_arena *a, const char *root, const char *id,
    struct json_object *policy, const char *signer, const char *key,
    struct cv_published *out, char *err, size_t errlen)
{
	struct cv_text	 yaml = { 0 };
	struct json_object *back = NULL;
	char		 abs[PATH_MAX], yerr[256];
	const char	*sig, *what = NULL;
	int		 rfd = -1, dfd = -1, created = 0, e;
	enum cv_err	 rc = CV_EIO;

	memset(out, 0, sizeof(*out));
	if (!cv_draft_id_safe(id, strlen(id))) {
		cv_seterr(err, errlen, "policy id is not safe for write-back");
		return CV_EINVAL;
	}
	if (cv_policy_yaml(policy, &yaml) == -1) {
		cv_seterr(err, errlen, "policy could not be written as YAML");
		goto out;
	}
	/* What is written must load back as this very policy. */
	if (yaml.len > CV_CONFIG_FILE_MAX) {
		cv_seterr(err, errlen, "policy is too large for a pack: %zu "
		    "bytes of YAML, at most %d", yaml.len, CV_CONFIG_FILE_MAX);
		rc = CV_EINVAL;
		goto out;
	}
	if (cv_yaml_parse(yaml.p, yaml.len, &back, yerr, sizeof(yerr)) == -1 ||
	    !json_object_equal(back, policy)) {
		cv_seterr(err, errlen, "policy cannot be read back as a pack: "
		    "%s", back == NULL ? yerr : "it reads differently");
		rc = CV_EINVAL;
		goto out;
	}
	if (mkdir_p(root) == -1 || realpath(root, abs) == NULL) {
		what = "policy root";
		goto fail;
	}
	if ((rfd = open(abs, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		what = "policy root";
		goto fail;
	}
	if (mkdirat(rfd, id, 0750) == 0)
		created = 1;
	else if (errno != EEXIST) {
		what = "pack directory";
		goto fail;
	}
	if ((dfd = openat(rfd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1) {
		what = "pack directory";
		goto fail;
	}
	if (created && fsync(rfd) == -1) {
		what = "policy root";
		goto fail;
	}
	if (flock(dfd, LOCK_EX) == -1) {
		what = "pack directory lock";
		goto fail;
	}
	if (write_replace(dfd, POLICY_FILE, yaml.p, yaml.len) == -1) {
		what = POLICY_FILE;
		goto fail;
	}
	sig = sig_text(a, yaml.p, yaml.len, signer, key, &out->algorithm);
	if (write_replace(dfd, SIG_FILE, sig, strlen(sig)) == -1) {
		what = SIG_FILE;
		goto fail;
	}
	if (fsync(dfd) == -1) {
		what = "pack directory";
		goto fail;
	}
	out->policy_path = cv_arena_printf(a, "%s/%s/" POLICY_FILE, abs, id);
	out->sig_path = cv_arena_printf(a, "%s/%s/" SIG_FILE, abs, id);
	out->verified = cv_policy_sig_verify(a, out->policy_path,
	    out->sig_path, key, &out->message);
	rc = CV_OK;
	goto out;
fail:
	e = errno;
	cv_seterr(err, errlen, "%s of policy pack '%s' could not be written: "
	    "%s", what, id, strerror(e));
	cv_log("%s: %s of pack '%s' under %s: %s", __func__, what, id, root,
	    strerror(e));
out:
	if (dfd != -1)
		close(dfd);
	if (rfd != -1)
		close(rfd);
	json_object_put(back);
	free(yaml.p);
	return rc;
}
