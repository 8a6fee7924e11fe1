/*
 * JSON helpers over json-c.  Parsing is strict (no trailing garbage, no
 * comments, valid UTF-8, bounded depth, no NaN/Infinity).  Typed getters
 * tell an absent key from a key of the wrong type.  Canonical output
 * (sorted keys, compact, ASCII-escaped) is what digests are taken over.
 */
#ifndef CV_JSON_H
#define CV_JSON_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "cv_err.h"

struct cv_arena;

/* Result of a typed lookup. */
enum cv_jget {
	CV_JGET_OK = 0,		/* present with the asked type */
	CV_JGET_ABSENT,		/* key missing or value null */
	CV_JGET_TYPE		/* present with another type */
};

enum cv_err	 cv_json_parse(const char *, size_t, int depth,
		    struct json_object **, char *errbuf, size_t errlen);
/* As cv_json_parse(), reusing *tok between calls (NULL: made here, of
 * the given depth; freed and NULL after a failed parse). */
enum cv_err	 cv_json_parse_tok(struct json_tokener **tok, int depth,
		    const char *, size_t, struct json_object **, char *errbuf,
		    size_t errlen);
enum cv_jget	 cv_json_str(struct json_object *, const char *key,
		    const char **);
enum cv_jget	 cv_json_int(struct json_object *, const char *key,
		    int64_t *);
enum cv_jget	 cv_json_bool(struct json_object *, const char *key, int *);
enum cv_jget	 cv_json_obj(struct json_object *, const char *key,
		    struct json_object **);
enum cv_jget	 cv_json_arr(struct json_object *, const char *key,
		    struct json_object **);
const char	*cv_json_str_or(struct json_object *, const char *key,
		    const char *dflt);
/* Member key of o as a new reference: NULL (JSON null) when absent or
 * null. */
struct json_object *cv_json_ref(struct json_object *o, const char *key);
/* Member key of o when it is an object (borrowed), else NULL. */
struct json_object *cv_json_objv(struct json_object *o, const char *key);
/* Adds to dst each key of the NULL-terminated list with a new reference
 * to src's member of that name (JSON null when absent or null). */
void		 cv_json_copy_keys(struct json_object *dst,
		    struct json_object *src, ...) __attribute__((sentinel));
/* A deep copy of o (NULL for NULL).  New reference; exits when out of
 * memory. */
struct json_object *cv_json_copy(struct json_object *o);
int		 cv_json_truthy(struct json_object *);
/* The value at JSON pointer ref of doc ("#" is doc, "#/a/b" with ~0 and
 * ~1 escapes, as "$ref" names it), borrowed from doc; NULL when there is
 * none, or a token is longer than CV_JSON_PTR_TOKEN_MAX bytes. */
struct json_object *cv_json_pointer(struct json_object *doc, const char *ref);
/* Whether arr is an array holding the string s. */
int		 cv_json_has_str(struct json_object *arr, const char *s);

/* Canonical text: sorted keys, compact, non-ASCII as \uXXXX.  Arena. */
char		*cv_json_canonical(struct cv_arena *, struct json_object *);
/* Compact text in json-c's object order.  Arena. */
char		*cv_json_compact(struct cv_arena *, struct json_object *);
/* Indented text with sorted keys and ": " after each key, for ticket
 * and message bodies.  Arena. */
char		*cv_json_pretty_sorted(struct cv_arena *, struct json_object *);
/* Deep copy whose objects have sorted keys.  New reference. */
struct json_object *cv_json_sorted_new(struct json_object *);
/* Value as a filter/sort key: string as is, scalars as JSON text,
 * NULL for absent or null.  Arena. */
const char	*cv_json_key(struct cv_arena *, struct json_object *);
/* The key of cv_json_sorted_new(o), without the copy.  Arena. */
const char	*cv_json_key_sorted(struct cv_arena *, struct json_object *);
/* Appends what json-c prints for cv_json_sorted_new(o) with
 * JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, without the
 * copy.  0, or -1 when out of memory. */
int		 cv_json_print_sorted(struct printbuf *, struct json_object *);

/* Shorthands that add to an object; NULL string adds JSON null. */
void		 cv_json_add_str(struct json_object *, const char *,
		    const char *);
void		 cv_json_add_int(struct json_object *, const char *, int64_t);
void		 cv_json_add_bool(struct json_object *, const char *, int);
void		 cv_json_add_strv(struct json_object *, const char *,
		    const char *const *);	/* NULL-terminated list */

/* Appends Python's repr() of a JSON value to t (None, True, 5, 1.5,
 * 'x', ['a'], {'k': 1}), as messages in the reference's wording quote
 * values.  (lib/policy_author.c) */
struct cv_text;
void		 cv_json_pyrepr(struct cv_text *, struct json_object *);

#endif /* !CV_JSON_H */
