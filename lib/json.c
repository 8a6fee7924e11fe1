/*
 * JSON helpers over json-c: strict bounded parsing, typed getters that
 * tell absent from mistyped, canonical text for digests, and the key form
 * of a value used by the store for filtering and ordering.
 */
#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/printbuf.h>

#include "cv_arena.h"
#include "cv_json.h"
#include "cv_limits.h"
#include "cv_util.h"

/*
 * Checks that no number in the tree is NaN or infinite (json-c accepts
 * both even in strict mode).  Returns 0 when one is found.
 */
static int
all_finite(struct json_object *o)
{
	size_t	 i, n;

	switch (json_object_get_type(o)) {
	case json_type_double:
		return isfinite(json_object_get_double(o));
	case json_type_array:
		n = json_object_array_length(o);
		for (i = 0; i < n; i++)
			if (!all_finite(json_object_array_get_idx(o, i)))
				return 0;
		return 1;
	case json_type_object: {
		json_object_object_foreach(o, k, v) {
			(void)k;
			if (!all_finite(v))
				return 0;
		}
		return 1;
	}
	default:
		return 1;
	}
}

/*
 * What json-c takes even in strict mode and JSON does not: a quote
 * outside a double-quoted string ('single-quoted' strings), and a raw
 * control character (U+0000..U+001F) inside one.  One pass over text
 * json-c accepted, so double quotes pair up.  Returns NULL when the text
 * has neither, else the sentence for the first found.
 */
static const char *
string_problem(const char *s, size_t len)
{
	size_t	 i;
	int	 in = 0;

	for (i = 0; i < len; i++) {
		if (in && s[i] == '\\')
			i++;
		else if (s[i] == '"')
			in = !in;
		else if (!in && s[i] == '\'')
			return "strings must use double quotes";
		else if (in && (unsigned char)s[i] < 0x20)
			return "control character in a string";
	}
	return NULL;
}

/*
 * JSON_TOKENER_VALIDATE_UTF8 checks only the shape of each sequence: it
 * takes overlong forms (C0 80 for NUL), UTF-16 surrogates (ED A0 80) and
 * code points past U+10FFFF, which the canonical writer then turns into
 * escapes of other text.  Returns the offset of the first byte that is not
 * part of well-formed UTF-8 (RFC 3629; Unicode table 3-7), or len.
 */
static size_t
utf8_check(const char *buf, size_t len)
{
	const unsigned char	*s = (const unsigned char *)buf;
	unsigned char		 lo, hi;
	size_t			 i, j, n;

	for (i = 0; i < len; i += n + 1) {
		lo = 0x80;
		hi = 0xbf;
		if (s[i] < 0x80)
			n = 0;
		else if (s[i] >= 0xc2 && s[i] <= 0xdf)
			n = 1;
		else if (s[i] >= 0xe0 && s[i] <= 0xef) {
			n = 2;
			if (s[i] == 0xe0)
				lo = 0xa0;	/* overlong */
			else if (s[i] == 0xed)
				hi = 0x9f;	/* surrogates */
		} else if (s[i] >= 0xf0 && s[i] <= 0xf4) {
			n = 3;
			if (s[i] == 0xf0)
				lo = 0x90;	/* overlong */
			else if (s[i] == 0xf4)
				hi = 0x8f;	/* past U+10FFFF */
		} else
			return i;
		if (n == 0)
			continue;
		if (len - i <= n || s[i + 1] < lo || s[i + 1] > hi)
			return i;
		for (j = 2; j <= n; j++)
			if ((s[i + j] & 0xc0) != 0x80)
				return i;
	}
	return len;
}

/*
 * Parses exactly len bytes of buf as one strict JSON value (no trailing
 * bytes but white space, valid UTF-8, nesting at most depth, finite
 * numbers).  On success *out is a new reference.  On failure returns
 * CV_EINVAL and writes a sentence to errbuf.
 */
enum cv_err
cv_json_parse(const char *buf, size_t len, int depth, struct json_object **out,
    char *errbuf, size_t errlen)
{
	struct json_tokener	*tok = NULL;
	enum cv_err		 rc;

	rc = cv_json_parse_tok(&tok, depth, buf, len, out, errbuf, errlen);
	if (tok != NULL)
		json_tokener_free(tok);
	return rc;
}

/*
 * As cv_json_parse(), with a tokener kept by the caller between calls
 * (one per thread at a time).  NULL *tokp gets a new tokener of the given
 * depth, which a later call reuses (then depth is ignored): after a
 * successful parse it is reset, after a failed one it is freed and *tokp
 * set to NULL, so no state of a failed parse reaches the next.  The caller
 * frees *tokp with json_tokener_free() when not NULL.
 */
enum cv_err
cv_json_parse_tok(struct json_tokener **tokp, int depth, const char *buf,
    size_t len, struct json_object **out, char *errbuf, size_t errlen)
{
	struct json_tokener	*tok = *tokp;
	struct json_object	*o = NULL;
	enum json_tokener_error	 jerr;
	enum cv_err		 rc = CV_EINVAL;
	const char		*problem;
	size_t			 end;

	*out = NULL;
	if (len > INT32_MAX) {
		snprintf(errbuf, errlen, "JSON text too large");
		return CV_EINVAL;
	}
	if ((end = utf8_check(buf, len)) != len) {
		snprintf(errbuf, errlen, "malformed JSON at byte %zu: invalid "
		    "utf-8 string", end);
		return CV_EINVAL;
	}
	if (tok == NULL && (tok = json_tokener_new_ex(depth)) == NULL) {
		snprintf(errbuf, errlen, "out of memory");
		return CV_ENOMEM;
	}
	*tokp = tok;
	json_tokener_set_flags(tok,
	    JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	o = json_tokener_parse_ex(tok, buf, (int)len);
	jerr = json_tokener_get_error(tok);
	if (o == NULL && jerr == json_tokener_continue) {
		/* A bare number or literal at the very end: a NUL ends it. */
		o = json_tokener_parse_ex(tok, "", 1);
		jerr = json_tokener_get_error(tok);
		end = len;
	} else
		end = json_tokener_get_parse_end(tok);
	if (jerr != json_tokener_success) {
		if (jerr == json_tokener_continue)
			snprintf(errbuf, errlen, "malformed JSON: unexpected "
			    "end of input");
		else
			snprintf(errbuf, errlen, "malformed JSON at byte %zu: "
			    "%s", json_tokener_get_parse_end(tok),
			    json_tokener_error_desc(jerr));
		goto out;
	}
	for (; end < len; end++)
		if (buf[end] == '\0' || strchr(" \t\r\n", buf[end]) == NULL) {
			snprintf(errbuf, errlen, "malformed JSON: trailing "
			    "data at byte %zu", end);
			goto out;
		}
	if ((problem = string_problem(buf, len)) != NULL) {
		snprintf(errbuf, errlen, "malformed JSON: %s", problem);
		goto out;
	}
	if (!all_finite(o)) {
		snprintf(errbuf, errlen, "malformed JSON: NaN and Infinity "
		    "are not numbers");
		goto out;
	}
	*out = o;
	o = NULL;
	rc = CV_OK;
out:
	json_object_put(o);
	if (rc == CV_OK)
		json_tokener_reset(tok);
	else {
		json_tokener_free(tok);
		*tokp = NULL;
	}
	return rc;
}

static enum cv_jget
get(struct json_object *o, const char *key, enum json_type t,
    struct json_object **v)
{
	if (o == NULL || !json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, key, v) || *v == NULL)
		return CV_JGET_ABSENT;
	return json_object_is_type(*v, t) ? CV_JGET_OK : CV_JGET_TYPE;
}

enum cv_jget
cv_json_str(struct json_object *o, const char *key, const char **out)
{
	struct json_object	*v;
	enum cv_jget		 r;

	if ((r = get(o, key, json_type_string, &v)) == CV_JGET_OK)
		*out = json_object_get_string(v);
	return r;
}

enum cv_jget
cv_json_int(struct json_object *o, const char *key, int64_t *out)
{
	struct json_object	*v;
	enum cv_jget		 r;

	if ((r = get(o, key, json_type_int, &v)) == CV_JGET_OK)
		*out = json_object_get_int64(v);
	return r;
}

enum cv_jget
cv_json_bool(struct json_object *o, const char *key, int *out)
{
	struct json_object	*v;
	enum cv_jget		 r;

	if ((r = get(o, key, json_type_boolean, &v)) == CV_JGET_OK)
		*out = json_object_get_boolean(v);
	return r;
}

enum cv_jget
cv_json_obj(struct json_object *o, const char *key, struct json_object **out)
{
	return get(o, key, json_type_object, out);
}

enum cv_jget
cv_json_arr(struct json_object *o, const char *key, struct json_object **out)
{
	return get(o, key, json_type_array, out);
}

const char *
cv_json_str_or(struct json_object *o, const char *key, const char *dflt)
{
	const char	*s;

	return cv_json_str(o, key, &s) == CV_JGET_OK ? s : dflt;
}

struct json_object *
cv_json_ref(struct json_object *o, const char *key)
{
	return json_object_get(json_object_object_get(o, key));
}

struct json_object *
cv_json_objv(struct json_object *o, const char *key)
{
	struct json_object	*v;

	return cv_json_obj(o, key, &v) == CV_JGET_OK ? v : NULL;
}

void
cv_json_copy_keys(struct json_object *dst, struct json_object *src, ...)
{
	va_list		 ap;
	const char	*k;

	va_start(ap, src);
	while ((k = va_arg(ap, const char *)) != NULL)
		json_object_object_add(dst, k, cv_json_ref(src, k));
	va_end(ap);
}

struct json_object *
cv_json_copy(struct json_object *o)
{
	struct json_object	*c = NULL;

	if (o != NULL && json_object_deep_copy(o, &c, NULL) != 0)
		cv_fatal("json: out of memory");
	return c;
}

/*
 * Python truthiness: null, false, 0, 0.0, "", [] and {} are false.
 */
int
cv_json_truthy(struct json_object *o)
{
	switch (json_object_get_type(o)) {
	case json_type_null:
		return 0;
	case json_type_boolean:
		return json_object_get_boolean(o);
	case json_type_int:
		return json_object_get_int64(o) != 0;
	case json_type_double:
		return json_object_get_double(o) != 0.0;
	case json_type_string:
		return json_object_get_string_len(o) != 0;
	case json_type_array:
		return json_object_array_length(o) != 0;
	case json_type_object:
		return json_object_object_length(o) != 0;
	}
	return 0;
}

/*
 * Appends s as a JSON string.  ascii != 0 escapes every non-ASCII code
 * point as \uXXXX (surrogate pairs above U+FFFF), as Python's
 * json.dumps(ensure_ascii=True) does.  Input is valid UTF-8 (the parser
 * checks it); a malformed byte is written as U+FFFD.
 */
static void
put_string(struct cv_text *b, const char *s, size_t n, int ascii)
{
	const unsigned char	*p = (const unsigned char *)s, *e = p + n;
	char			 tmp[16];
	unsigned		 cp;
	int			 extra;

	cv_text_add(b, "\"", 1);
	while (p < e) {
		if (*p < 0x80) {
			switch (*p) {
			case '"': cv_text_add(b, "\\\"", 2); break;
			case '\\': cv_text_add(b, "\\\\", 2); break;
			case '\n': cv_text_add(b, "\\n", 2); break;
			case '\r': cv_text_add(b, "\\r", 2); break;
			case '\t': cv_text_add(b, "\\t", 2); break;
			case '\b': cv_text_add(b, "\\b", 2); break;
			case '\f': cv_text_add(b, "\\f", 2); break;
			default:
				if (*p < 0x20 || *p == 0x7f) {
					snprintf(tmp, sizeof(tmp), "\\u%04x",
					    *p);
					cv_text_add(b, tmp, 6);
				} else
					cv_text_add(b, (const char *)p, 1);
			}
			p++;
			continue;
		}
		if (!ascii) {
			cv_text_add(b, (const char *)p, 1);
			p++;
			continue;
		}
		if ((*p & 0xe0) == 0xc0) {
			cp = *p & 0x1f;
			extra = 1;
		} else if ((*p & 0xf0) == 0xe0) {
			cp = *p & 0x0f;
			extra = 2;
		} else if ((*p & 0xf8) == 0xf0) {
			cp = *p & 0x07;
			extra = 3;
		} else {
			cp = 0xfffd;
			extra = 0;
		}
		p++;
		for (; extra > 0; extra--, p++) {
			if (p >= e || (*p & 0xc0) != 0x80) {
				cp = 0xfffd;
				break;
			}
			cp = (cp << 6) | (*p & 0x3f);
		}
		if (cp >= 0x10000) {
			cp -= 0x10000;
			snprintf(tmp, sizeof(tmp), "\\u%04x\\u%04x",
			    0xd800 + (cp >> 10), 0xdc00 + (cp & 0x3ff));
			cv_text_add(b, tmp, 12);
		} else {
			snprintf(tmp, sizeof(tmp), "\\u%04x", cp);
			cv_text_add(b, tmp, 6);
		}
	}
	cv_text_add(b, "\"", 1);
}

static int
keycmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * Appends o compactly.  sorted != 0 writes object keys in byte order
 * (which for UTF-8 is code point order, as Python sorts).
 */
static void
put_value(struct cv_text *b, struct json_object *o, int sorted, int ascii)
{
	const char	**keys;
	size_t		  i, n;
	char		  tmp[32];

	switch (json_object_get_type(o)) {
	case json_type_null:
		cv_text_str(b, "null");
		break;
	case json_type_boolean:
		cv_text_str(b, json_object_get_boolean(o) ? "true" : "false");
		break;
	case json_type_int:
		snprintf(tmp, sizeof(tmp), "%" PRId64,
		    json_object_get_int64(o));
		cv_text_str(b, tmp);
		break;
	case json_type_double:
		cv_text_str(b, json_object_to_json_string_ext(o,
		    JSON_C_TO_STRING_PLAIN));
		break;
	case json_type_string:
		put_string(b, json_object_get_string(o),
		    (size_t)json_object_get_string_len(o), ascii);
		break;
	case json_type_array:
		cv_text_add(b, "[", 1);
		n = json_object_array_length(o);
		for (i = 0; i < n; i++) {
			if (i > 0)
				cv_text_add(b, ",", 1);
			put_value(b, json_object_array_get_idx(o, i), sorted,
			    ascii);
		}
		cv_text_add(b, "]", 1);
		break;
	case json_type_object:
		n = (size_t)json_object_object_length(o);
		keys = calloc(n == 0 ? 1 : n, sizeof(*keys));
		if (keys == NULL)
			cv_fatal("json: out of memory");
		i = 0;
		{
			json_object_object_foreach(o, k, v) {
				(void)v;
				keys[i++] = k;
			}
		}
		if (sorted)
			qsort(keys, n, sizeof(*keys), keycmp);
		cv_text_add(b, "{", 1);
		for (i = 0; i < n; i++) {
			if (i > 0)
				cv_text_add(b, ",", 1);
			put_string(b, keys[i], strlen(keys[i]), ascii);
			cv_text_add(b, ":", 1);
			put_value(b, json_object_object_get(o, keys[i]), sorted,
			    ascii);
		}
		cv_text_add(b, "}", 1);
		free(keys);
		break;
	}
}

static char *
render(struct cv_arena *a, struct json_object *o, int sorted, int ascii)
{
	struct cv_text	 b = { NULL, 0, 0 };
	char		*p;

	put_value(&b, o, sorted, ascii);
	p = cv_arena_strndup(a, b.p, b.len);
	free(b.p);
	return p;
}

char *
cv_json_canonical(struct cv_arena *a, struct json_object *o)
{
	return render(a, o, 1, 1);
}

char *
cv_json_compact(struct cv_arena *a, struct json_object *o)
{
	return render(a, o, 0, 0);
}

char *
cv_json_pretty_sorted(struct cv_arena *a, struct json_object *o)
{
	struct json_object	*sorted;
	char			*s;

	sorted = cv_json_sorted_new(o);
	s = cv_arena_strdup(a, json_object_to_json_string_ext(sorted,
	    JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
	    JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(sorted);
	return s;
}

/*
 * Returns a deep copy of o whose objects list their keys in sorted order.
 * New reference; the caller puts it.
 */
struct json_object *
cv_json_sorted_new(struct json_object *o)
{
	struct json_object	 *c;
	const char		**keys;
	size_t			  i, n;

	switch (json_object_get_type(o)) {
	case json_type_array:
		n = json_object_array_length(o);
		c = json_object_new_array_ext((int)n);
		for (i = 0; i < n; i++)
			json_object_array_add(c, cv_json_sorted_new(
			    json_object_array_get_idx(o, i)));
		return c;
	case json_type_object:
		n = (size_t)json_object_object_length(o);
		if ((keys = calloc(n == 0 ? 1 : n, sizeof(*keys))) == NULL)
			cv_fatal("json: out of memory");
		i = 0;
		{
			json_object_object_foreach(o, k, v) {
				(void)v;
				keys[i++] = k;
			}
		}
		qsort(keys, n, sizeof(*keys), keycmp);
		c = json_object_new_object();
		for (i = 0; i < n; i++)
			json_object_object_add(c, keys[i], cv_json_sorted_new(
			    json_object_object_get(o, keys[i])));
		free(keys);
		return c;
	default:
		return cv_json_copy(o);
	}
}

/* One member of an object: its key and value, for sorting. */
struct member {
	const char		*k;
	struct json_object	*v;
};

#define SORT_STACK	32	/* members sorted without a malloc */

static int
member_cmp(const void *a, const void *b)
{
	return strcmp(((const struct member *)a)->k,
	    ((const struct member *)b)->k);
}

/*
 * Appends n bytes to pb, in place when they fit (as json-c's
 * printbuf_memappend_fast() does), else through printbuf_memappend().
 * -1 when pb cannot grow.
 */
static inline int
pb_add(struct printbuf *pb, const char *s, size_t n)
{
	if (n < (size_t)(pb->size - pb->bpos)) {
		memcpy(pb->buf + pb->bpos, s, n);
		pb->bpos += (int)n;
		pb->buf[pb->bpos] = '\0';
		return 0;
	}
	if (n > INT32_MAX)
		return -1;
	return printbuf_memappend(pb, s, (int)n) < 0 ? -1 : 0;
}

/* Bytes json-c escapes in a string (with JSON_C_TO_STRING_NOSLASHESCAPE):
 * below 0x20, '"' and '\\'. */
static const unsigned char escaped[256] = {
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

/*
 * Appends s[0..n) to pb between double quotes, escaped as json-c's
 * json_escape_str() does with JSON_C_TO_STRING_NOSLASHESCAPE: \b \n \r
 * \t \f \" \\ short, other bytes below 0x20 (NUL too) as \u00xx in
 * lower-case hex, every other byte ('/' too) as it is.  -1 when pb cannot
 * grow.
 */
static int
print_string(struct printbuf *pb, const char *s, size_t n)
{
	static const char	 hex[] = "0123456789abcdef";
	const unsigned char	*p = (const unsigned char *)s;
	char			 esc[6];
	size_t			 i, start = 0, elen;

	if (pb_add(pb, "\"", 1) < 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (!escaped[p[i]])
			continue;
		elen = 2;
		esc[0] = '\\';
		switch (p[i]) {
		case '\b': esc[1] = 'b'; break;
		case '\n': esc[1] = 'n'; break;
		case '\r': esc[1] = 'r'; break;
		case '\t': esc[1] = 't'; break;
		case '\f': esc[1] = 'f'; break;
		case '"': esc[1] = '"'; break;
		case '\\': esc[1] = '\\'; break;
		default:
			esc[1] = 'u';
			esc[2] = '0';
			esc[3] = '0';
			esc[4] = hex[p[i] >> 4];
			esc[5] = hex[p[i] & 0xf];
			elen = 6;
		}
		if (pb_add(pb, s + start, i - start) < 0 ||
		    pb_add(pb, esc, elen) < 0)
			return -1;
		start = i + 1;
	}
	if (pb_add(pb, s + start, i - start) < 0)
		return -1;
	return pb_add(pb, "\"", 1);
}

/*
 * Appends an integer as json-c does: signed, or unsigned for a value
 * json-c holds as uint64 (json_object_get_int64() clamps those to
 * INT64_MAX).  -1 when pb cannot grow.
 */
static int
print_int(struct printbuf *pb, struct json_object *o)
{
	char		 tmp[24], *p = tmp + sizeof(tmp);
	int64_t		 i;
	uint64_t	 u;
	int		 neg;

	i = json_object_get_int64(o);
	neg = i < 0;
	if (i == INT64_MAX)
		u = json_object_get_uint64(o);
	else
		u = neg ? (uint64_t)0 - (uint64_t)i : (uint64_t)i;
	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (neg)
		*--p = '-';
	return pb_add(pb, p, (size_t)(tmp + sizeof(tmp) - p));
}

/*
 * Appends o to pb with the keys of every object in byte order, compact:
 * byte for byte what json_object_to_json_string_length() gives with
 * JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE for
 * cv_json_sorted_new(o), without building that copy.  Strings, integers,
 * booleans and null are written as json-c's default serialisers write
 * them; a double is copied as cv_json_sorted_new() copies it and printed
 * by json-c (which keeps the text a parsed number came from, and applies
 * its own formatting otherwise), so o is only read.  Objects that carry
 * other custom serialisers are not supported (cv_json_sorted_new()
 * cannot copy them either).  Returns 0, or -1 when out of memory.
 */
int
cv_json_print_sorted(struct printbuf *pb, struct json_object *o)
{
	struct member		 stack[SORT_STACK], *m = stack, tmp;
	struct json_object_iter	 it;
	struct json_object	*d = NULL;
	const char		*text;
	size_t			 i, j, n, len;
	int			 rc = -1;

	switch (json_object_get_type(o)) {
	case json_type_null:
		return pb_add(pb, "null", 4);
	case json_type_boolean:
		if (json_object_get_boolean(o))
			return pb_add(pb, "true", 4);
		return pb_add(pb, "false", 5);
	case json_type_int:
		return print_int(pb, o);
	case json_type_double:
		if (json_object_deep_copy(o, &d, NULL) != 0)
			return -1;
		text = json_object_to_json_string_length(d,
		    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE,
		    &len);
		rc = text == NULL ? -1 : pb_add(pb, text, len);
		json_object_put(d);
		return rc;
	case json_type_string:
		return print_string(pb, json_object_get_string(o),
		    (size_t)json_object_get_string_len(o));
	case json_type_array:
		if (pb_add(pb, "[", 1) < 0)
			return -1;
		n = json_object_array_length(o);
		for (i = 0; i < n; i++)
			if ((i > 0 && pb_add(pb, ",", 1) < 0) ||
			    cv_json_print_sorted(pb,
			    json_object_array_get_idx(o, i)) < 0)
				return -1;
		return pb_add(pb, "]", 1);
	case json_type_object:
		break;
	}

	n = (size_t)json_object_object_length(o);
	if (n > SORT_STACK && (m = calloc(n, sizeof(*m))) == NULL)
		return -1;
	i = 0;
	json_object_object_foreachC(o, it) {
		m[i].k = it.key;
		m[i].v = it.val;
		i++;
	}
	if (n <= SORT_STACK) {
		/* Insertion sort: no call per comparison for small objects. */
		for (i = 1; i < n; i++) {
			tmp = m[i];
			for (j = i; j > 0 && strcmp(m[j - 1].k, tmp.k) > 0; j--)
				m[j] = m[j - 1];
			m[j] = tmp;
		}
	} else
		qsort(m, n, sizeof(*m), member_cmp);
	if (pb_add(pb, "{", 1) < 0)
		goto out;
	for (i = 0; i < n; i++)
		if ((i > 0 && pb_add(pb, ",", 1) < 0) ||
		    print_string(pb, m[i].k, strlen(m[i].k)) < 0 ||
		    pb_add(pb, ":", 1) < 0 ||
		    cv_json_print_sorted(pb, m[i].v) < 0)
			goto out;
	if (pb_add(pb, "}", 1) < 0)
		goto out;
	rc = 0;
out:
	if (m != stack)
		free(m);
	return rc;
}

/*
 * The key form of a value: a string is itself (borrowed from o), any other
 * value is its compact JSON text in the arena; NULL for absent or null.
 */
const char *
cv_json_key(struct cv_arena *a, struct json_object *o)
{
	char	 tmp[32];

	switch (json_object_get_type(o)) {
	case json_type_null:
		return NULL;
	case json_type_string:
		return json_object_get_string(o);
	case json_type_boolean:
		return json_object_get_boolean(o) ? "true" : "false";
	case json_type_int:
		snprintf(tmp, sizeof(tmp), "%" PRId64,
		    json_object_get_int64(o));
		return cv_arena_strdup(a, tmp);
	default:
		return cv_json_compact(a, o);
	}
}

/*
 * As cv_json_key(), but an object or array is keyed as if its objects had
 * their keys sorted: the key cv_json_key() gives for
 * cv_json_sorted_new(o), without the copy.  Arena (or borrowed from o).
 */
const char *
cv_json_key_sorted(struct cv_arena *a, struct json_object *o)
{
	switch (json_object_get_type(o)) {
	case json_type_array:
	case json_type_object:
		return render(a, o, 1, 0);
	default:
		return cv_json_key(a, o);
	}
}

void
cv_json_add_str(struct json_object *o, const char *k, const char *v)
{
	json_object_object_add(o, k, v == NULL ? NULL :
	    json_object_new_string(v));
}

void
cv_json_add_int(struct json_object *o, const char *k, int64_t v)
{
	json_object_object_add(o, k, json_object_new_int64(v));
}

void
cv_json_add_bool(struct json_object *o, const char *k, int v)
{
	json_object_object_add(o, k, json_object_new_boolean(v));
}

void
cv_json_add_strv(struct json_object *o, const char *k,
    const char *const *v)
{
	struct json_object	*a;

	a = json_object_new_array();
	for (; v != NULL && *v != NULL; v++)
		json_object_array_add(a, json_object_new_string(*v));
	json_object_object_add(o, k, a);
}

int
cv_json_has_str(struct json_object *arr, const char *s)
{
	struct json_object	*it;
	size_t			 i, n;

	if (!json_object_is_type(arr, json_type_array))
		return 0;
	n = json_object_array_length(arr);
	for (i = 0; i < n; i++) {
		it = json_object_array_get_idx(arr, i);
		if (json_object_is_type(it, json_type_string) &&
		    strcmp(json_object_get_string(it), s) == 0)
			return 1;
	}
	return 0;
}

struct json_object *
cv_json_pointer(struct json_object *doc, const char *ref)
{
	struct json_object	*o = doc;
	char			 tok[CV_JSON_PTR_TOKEN_MAX];
	const char		*p;
	size_t			 n;

	if (strcmp(ref, "#") == 0)
		return doc;
	if (strncmp(ref, "#/", 2) != 0)
		return NULL;
	for (p = ref + 2;; p++) {
		for (n = 0; *p != '\0' && *p != '/'; p++) {
			if (n + 1 == sizeof(tok))
				return NULL;
			if (p[0] == '~' && (p[1] == '0' || p[1] == '1'))
				tok[n++] = *++p == '0' ? '~' : '/';
			else
				tok[n++] = *p;
		}
		tok[n] = '\0';
		if (!json_object_is_type(o, json_type_object) ||
		    !json_object_object_get_ex(o, tok, &o))
			return NULL;
		if (*p == '\0')
			return o;
	}
}
