/*
 * Request parsing: path segments, query parameters, typed query getters,
 * and the problem details a handler records with cv_fail().
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "cv_http.h"
#include "cv_util.h"

static const char *const methods[] = {
	"GET",		/* CV_GET */
	"POST",		/* CV_POST */
	"PUT",		/* CV_PUT */
	"PATCH",	/* CV_PATCH */
	"DELETE",	/* CV_DELETE */
	"HEAD",		/* CV_HEAD */
	"OPTIONS",	/* CV_OPTIONS */
};

_Static_assert(sizeof(methods) / sizeof(methods[0]) == CV_METHOD__MAX,
    "methods[] must have one entry per enum cv_method");

const char *
cv_method_name(enum cv_method m)
{
	return (unsigned)m < CV_METHOD__MAX ? methods[m] : "?";
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Percent-decodes s[0..n) into the arena.  plus != 0 turns '+' into a
 * space (query strings).  Returns NULL on a malformed escape or an
 * encoded NUL.
 */
static char *
decode(struct cv_arena *a, const char *s, size_t n, int plus)
{
	char	*out, *p;
	size_t	 i;
	int	 hi, lo;

	p = out = cv_arena_alloc(a, n + 1);
	for (i = 0; i < n; i++) {
		if (s[i] == '%') {
			if (i + 2 >= n)
				return NULL;
			hi = hexval((unsigned char)s[i + 1]);
			lo = hexval((unsigned char)s[i + 2]);
			if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
				return NULL;
			*p++ = (char)(hi << 4 | lo);
			i += 2;
		} else if (plus && s[i] == '+')
			*p++ = ' ';
		else
			*p++ = s[i];
	}
	*p = '\0';
	return out;
}

/*
 * Splits an absolute raw path into decoded segments.  Empty segments
 * (from "//" or a trailing "/") and "." are dropped, ".." removes the
 * previous segment (never going above the root).  Escapes are decoded
 * after that, so "%2e%2e" and "%2F" are data, not structure.
 */
enum cv_err
cv_path_split(struct cv_arena *a, const char *path, char ***segsp,
    size_t *nsegsp)
{
	char		**segs;
	const char	 *p, *e;
	size_t		  n = 0, len;

	*segsp = NULL;
	*nsegsp = 0;
	len = strlen(path);
	if (len > CV_PATH_MAX)
		return CV_EURITOOLONG;
	if (path[0] != '/')
		return CV_EINVAL;
	segs = cv_arena_alloc(a, sizeof(*segs) * CV_PATH_SEGS_MAX);
	for (p = path; *p != '\0'; p = e) {
		while (*p == '/')
			p++;
		if (*p == '\0')
			break;
		for (e = p; *e != '\0' && *e != '/'; e++)
			;
		if (e - p == 1 && p[0] == '.')
			continue;
		if (e - p == 2 && p[0] == '.' && p[1] == '.') {
			if (n > 0)
				n--;
			continue;
		}
		if (n == CV_PATH_SEGS_MAX)
			return CV_EURITOOLONG;
		if ((segs[n] = decode(a, p, (size_t)(e - p), 0)) == NULL)
			return CV_EINVAL;
		n++;
	}
	*segsp = segs;
	*nsegsp = n;
	return CV_OK;
}

/*
 * Parses "a=1&b=x+y" into decoded pairs, in order.  A key without '='
 * has the value "".  Empty pieces ("a=1&&b=2") are skipped.
 */
enum cv_err
cv_query_parse(struct cv_arena *a, const char *qs, struct cv_kv **kvp,
    size_t *np)
{
	struct cv_kv	*kv;
	const char	*p, *e, *eq;
	size_t		 n = 0;

	*kvp = NULL;
	*np = 0;
	if (qs == NULL || *qs == '\0')
		return CV_OK;
	if (strlen(qs) > CV_QUERY_MAX)
		return CV_EURITOOLONG;
	kv = cv_arena_alloc(a, sizeof(*kv) * CV_QUERY_PARAMS_MAX);
	for (p = qs; *p != '\0'; p = *e == '&' ? e + 1 : e) {
		for (e = p; *e != '\0' && *e != '&'; e++)
			;
		if (e == p)
			continue;
		if (n == CV_QUERY_PARAMS_MAX)
			return CV_EINVAL;
		for (eq = p; eq < e && *eq != '='; eq++)
			;
		kv[n].name = decode(a, p, (size_t)(eq - p), 1);
		kv[n].value = eq < e ? decode(a, eq + 1,
		    (size_t)(e - eq - 1), 1) : "";
		if (kv[n].name == NULL || kv[n].value == NULL)
			return CV_EINVAL;
		n++;
	}
	*kvp = kv;
	*np = n;
	return CV_OK;
}

const char *
cv_param(const struct cv_req *req, const char *name)
{
	size_t	 i;

	for (i = 0; i < req->nparams; i++)
		if (strcmp(req->params[i].name, name) == 0)
			return req->params[i].value;
	return NULL;
}

const char *
cv_query(const struct cv_req *req, const char *name)
{
	size_t	 i;

	for (i = req->nquery; i > 0; i--)
		if (strcmp(req->query[i - 1].name, name) == 0)
			return req->query[i - 1].value;
	return NULL;
}

/*
 * Reads query parameter `name` as a decimal integer.  Absent: dflt.
 * Not an integer: CV_EUNPROC (422, as FastAPI answers for a typed
 * parameter) with a detail.  Outside [min,max]: clamped when clamp != 0,
 * else CV_EINVAL (400, a rule of the route).
 */
enum cv_err
cv_query_int(struct cv_req *req, const char *name, int64_t dflt, int64_t min,
    int64_t max, int clamp, int64_t *out)
{
	const char	*s;
	char		*end;
	long long	 v;

	*out = dflt;
	if ((s = cv_query(req, name)) == NULL)
		return CV_OK;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno == ERANGE ||
	    strchr(" \t\n\r\f\v", *s) != NULL)
		return cv_fail_field(req, CV_EUNPROC, name,
		    "query parameter '%s' must be an integer", name);
	if (v < min || v > max) {
		if (!clamp)
			return cv_fail_field(req, CV_EINVAL, name,
			    "query parameter '%s' must be between %" PRId64
			    " and %" PRId64, name, min, max);
		v = v < min ? min : max;
	}
	*out = v;
	return CV_OK;
}

enum cv_err
cv_query_bool(struct cv_req *req, const char *name, int dflt, int *out)
{
	static const char *const yes[] = { "true", "1", "yes", "on" };
	static const char *const no[] = { "false", "0", "no", "off" };
	const char	*s;
	size_t		 i;

	*out = dflt;
	if ((s = cv_query(req, name)) == NULL)
		return CV_OK;
	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*out = 1;
			return CV_OK;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*out = 0;
			return CV_OK;
		}
	}
	return cv_fail_field(req, CV_EUNPROC, name,
	    "query parameter '%s' must be a boolean", name);
}

enum cv_err
cv_params_check(struct cv_req *req)
{
	const struct cv_qparam	*p;
	const char		*s;
	int64_t			 n;
	int			 b;
	enum cv_err		 rc;

	if (req->route == NULL || req->route->params == NULL)
		return CV_OK;
	for (p = req->route->params; p->name != NULL; p++) {
		s = cv_query(req, p->name);
		if (s == NULL || *s == '\0') {
			if (p->flags & CV_QP_REQUIRED)
				return cv_fail_field(req, CV_EUNPROC, p->name,
				    "query parameter '%s' is required",
				    p->name);
			continue;
		}
		switch (p->type) {
		case CV_P_INT:
			rc = cv_query_int(req, p->name, 0, INT64_MIN,
			    INT64_MAX, 1, &n);
			break;
		case CV_P_BOOL:
			rc = cv_query_bool(req, p->name, 0, &b);
			break;
		default:
			rc = CV_OK;
			break;
		}
		if (rc != CV_OK)
			return rc;
		if (p->values != NULL && !cv_strv_has(p->values, s))
			return cv_fail_field(req, CV_EUNPROC, p->name,
			    "query parameter '%s' must be one of: %s", p->name,
			    cv_arena_join(req->arena, p->values));
	}
	return CV_OK;
}

enum cv_err
cv_query_page(struct cv_req *req, size_t *limit, size_t *offset)
{
	int64_t		 l, o;
	enum cv_err	 rc;

	if ((rc = cv_query_int(req, "limit", CV_PAGE_LIMIT_DEFAULT,
	    CV_PAGE_LIMIT_MIN, CV_PAGE_LIMIT_MAX, 1, &l)) != CV_OK)
		return rc;
	if ((rc = cv_query_int(req, "offset", 0, 0, INT64_MAX, 1, &o)) !=
	    CV_OK)
		return rc;
	*limit = (size_t)l;
	*offset = (size_t)o;
	return CV_OK;
}

enum cv_err
cv_fail(struct cv_req *req, enum cv_err e, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	req->detail = cv_arena_vprintf(req->arena, fmt, ap);
	va_end(ap);
	return e;
}

enum cv_err
cv_fail_field(struct cv_req *req, enum cv_err e, const char *path,
    const char *fmt, ...)
{
	struct json_object	*item;
	va_list			 ap;
	char			*msg;

	va_start(ap, fmt);
	msg = cv_arena_vprintf(req->arena, fmt, ap);
	va_end(ap);
	if (req->field_errors == NULL)
		req->field_errors = json_object_new_array();
	item = json_object_new_object();
	json_object_object_add(item, "path", json_object_new_string(path));
	json_object_object_add(item, "message", json_object_new_string(msg));
	json_object_array_add(req->field_errors, item);
	if (req->detail == NULL)
		req->detail = msg;
	return e;
}

/*
 * Fail with e and a detail that joins the strings of errors (a JSON array
 * of strings) with "; ", after "head: " when head is not NULL.  With a
 * path, each string is also a {path, message} of the problem's errors.
 * The detail is arena memory of req.  Returns e.
 */
enum cv_err
cv_fail_strings(struct cv_req *req, enum cv_err e, const char *head,
    const char *path, struct json_object *errors)
{
	struct cv_text	 t = { NULL, 0, 0 };
	const char	*s;
	size_t		 i, n;

	n = json_object_array_length(errors);
	if (head != NULL)
		cv_text_str(&t, head);
	for (i = 0; i < n; i++) {
		s = json_object_get_string(json_object_array_get_idx(errors,
		    i));
		cv_text_str(&t, i > 0 ? "; " : head != NULL ? ": " : "");
		cv_text_str(&t, s);
		if (path != NULL)
			cv_fail_field(req, e, path, "%s", s);
	}
	cv_fail(req, e, "%s", t.p != NULL ? t.p : "");
	free(t.p);
	return e;
}
