/*
 * Policy packs on disk: the two policy layers (the writable root over
 * the bundled packs), reading policy.yaml with libyaml into json-c,
 * merging metadata.inherits, normalising, and the process's cache of
 * compiled packs, shared by its threads.
 *
 * The YAML reader is deliberately small: block and flow collections,
 * scalars resolved the YAML 1.1 way PyYAML's safe loader does for the
 * common cases (null, booleans, decimal integers, floats with a dot), no
 * aliases (refused, so no expansion bombs), bounded size and depth.  See
 * cavra-policy(5) for the exact rules.
 */
#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>
#include <json-c/linkhash.h>
#include <yaml.h>

#include "cv_err.h"
#include "cv_json.h"
#include "cv_limits.h"
#include "cv_policy.h"
#include "cv_util.h"
#include "policy_int.h"

/*
 * What one thread keeps: the policy roots it last worked out and the pack
 * cv_policy_get() last gave it, with one reference (see "the process's
 * cache" below).
 */
struct pthr {
	char		*root;		/* writable root */
	char		*broot;		/* bundled root */
	struct cv_pack	*held;		/* or NULL */
	unsigned long	 gen;		/* cache.gen when held was found */
};

static pthread_key_t	 pthr_key;
static pthread_once_t	 pthr_once = PTHREAD_ONCE_INIT;
static struct pthr	*pthr(void);

#ifndef CAVRA_PKGDATADIR
#define CAVRA_PKGDATADIR	"/usr/local/share/cavra"
#endif

#define POLICY_FILE	"policy.yaml"
#define POLICY_LAYERS	2	/* the writable root, the bundled packs */
#define YAML_TAG_PREFIX	"tag:yaml.org,2002:"

/* Where each evaluated list lives: section and key. */
static const struct {
	const char	*section;
	const char	*key;
} plist_keys[] = {
	{ "filesystem", "block_read" },			/* CV_PL_BLOCK_READ */
	{ "filesystem", "block_write" },		/* CV_PL_BLOCK_WRITE */
	{ "filesystem", "require_approval_write" },	/* CV_PL_APPROVAL_WRITE */
	{ "commands", "block" },			/* CV_PL_CMD_BLOCK */
	{ "commands", "allow" },			/* CV_PL_CMD_ALLOW */
	{ "mcp", "allowed_servers" },			/* CV_PL_MCP_ALLOWED */
	{ "mcp", "blocked_servers" },			/* CV_PL_MCP_BLOCKED */
};
_Static_assert(sizeof(plist_keys) / sizeof(plist_keys[0]) == CV_PL__MAX,
    "plist_keys must cover enum cv_plist");

/* Sections whose summary rule counts the catalog reports, in order. */
static const char *const count_sections[] = {
	"filesystem", "commands", "git", "mcp", "approvals", "evidence",
	"compliance", NULL
};

/*
 * Keeps a copy of want in *slot (replaced only when it changed) and
 * returns it.
 */
static const char *
keep(char **slot, const char *want)
{
	if (*slot == NULL || strcmp(*slot, want) != 0) {
		free(*slot);
		*slot = cv_xstrdup(want);
	}
	return *slot;
}

/*
 * The writable policy root: CAVRA_POLICY_DIR when set, else ./policies.
 * Computed on every call (tests and operators may change the
 * environment); the returned string belongs to the calling thread and
 * is valid until its next call or cv_policy_cache_clear().
 */
const char *
cv_policy_root(void)
{
	const char	*env;

	env = cv_env("CAVRA_POLICY_DIR");
	return keep(&pthr()->root, env != NULL ? env : "policies");
}

/*
 * The bundled packs: CAVRA_BUNDLED_POLICY_DIR when set, else the
 * installed data directory.  Same lifetime as cv_policy_root().
 */
/*
 * For a responder's init(): the default pack must load, so that a broken
 * policy directory is one line on stderr (naming `who` and both policy
 * roots), not a 400 on every request.  CV_OK, or CV_EINVAL logged.
 */
enum cv_err
cv_policy_check_default(const char *who)
{
	const struct cv_pack	*pack;
	char			 errbuf[512];

	if (cv_policy_get(CV_POLICY_DEFAULT, &pack, errbuf, sizeof(errbuf)) ==
	    CV_OK)
		return CV_OK;
	cv_log("%s: %s (policy roots %s, then %s)", who, errbuf,
	    cv_policy_root(), cv_policy_bundled_root());
	return CV_EINVAL;
}

const char *
cv_policy_bundled_root(void)
{
	const char	*env;

	env = cv_env("CAVRA_BUNDLED_POLICY_DIR");
	return keep(&pthr()->broot, env != NULL ? env :
	    CAVRA_PKGDATADIR "/policies");
}

/*
 * A pack id is a plain directory name: 1..CV_POLICY_ID_MAX bytes, not
 * "." or "..", no '/'.  Returns 1 when valid.
 */
int
cv_policy_id_valid(const char *id)
{
	size_t	 n;

	if (id == NULL)
		return 0;
	n = strnlen(id, CV_POLICY_ID_MAX + 1);
	if (n == 0 || n > CV_POLICY_ID_MAX)
		return 0;
	if (strcmp(id, ".") == 0 || strcmp(id, "..") == 0)
		return 0;
	return strchr(id, '/') == NULL;
}

/*
 * Reads a whole regular file of at most CV_CONFIG_FILE_MAX bytes into a
 * new NUL-terminated buffer (*out, freed by the caller) and reports its
 * stat.  Returns 0, or an errno value (EFBIG when too large, EISDIR /
 * EINVAL when not a regular file).
 */
int
cv_policy_slurp(const char *path, char **out, size_t *outlen, struct stat *st)
{
	char	*buf = NULL;
	size_t	 len = 0, cap;
	ssize_t	 r;
	int	 fd, rc = 0;

	*out = NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return errno;
	if (fstat(fd, st) == -1) {
		rc = errno;
		goto out;
	}
	if (!S_ISREG(st->st_mode)) {
		rc = S_ISDIR(st->st_mode) ? EISDIR : EINVAL;
		goto out;
	}
	if (st->st_size > CV_CONFIG_FILE_MAX) {
		rc = EFBIG;
		goto out;
	}
	cap = (size_t)st->st_size + 1;
	buf = cv_xmalloc(cap);
	for (;;) {
		if (len + 1 == cap) {
			if (cap > CV_CONFIG_FILE_MAX) {
				rc = EFBIG;
				goto out;
			}
			cap *= 2;
			if ((buf = realloc(buf, cap)) == NULL)
				cv_fatal("%s: out of memory", __func__);
		}
		r = read(fd, buf + len, cap - 1 - len);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			rc = errno;
			goto out;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	buf[len] = '\0';
	*out = buf;
	*outlen = len;
	buf = NULL;
out:
	free(buf);
	close(fd);
	return rc;
}

/* ---- YAML to json-c ---------------------------------------------- */

struct yctx {
	yaml_parser_t	 parser;
	char		 err[256];
};

static void
yerr_parser(struct yctx *y)
{
	yaml_parser_t	*p = &y->parser;

	if (p->problem == NULL) {
		snprintf(y->err, sizeof(y->err), "YAML error");
		return;
	}
	if (p->context != NULL)
		snprintf(y->err, sizeof(y->err),
		    "%s %s at line %zu, column %zu", p->context, p->problem,
		    p->problem_mark.line + 1, p->problem_mark.column + 1);
	else
		snprintf(y->err, sizeof(y->err), "%s at line %zu, column %zu",
		    p->problem, p->problem_mark.line + 1,
		    p->problem_mark.column + 1);
}

static void
yerr_at(struct yctx *y, const yaml_event_t *ev, const char *what)
{
	snprintf(y->err, sizeof(y->err), "%s at line %zu, column %zu", what,
	    ev->start_mark.line + 1, ev->start_mark.column + 1);
}

/* Next event; 0 on success, -1 with y->err set. */
static int
ynext(struct yctx *y, yaml_event_t *ev)
{
	if (!yaml_parser_parse(&y->parser, ev)) {
		yerr_parser(y);
		return -1;
	}
	return 0;
}

/*
 * Checks an explicit tag: none, the non-specific "!", or one of the core
 * tags !!str !!int !!bool !!null !!float !!map !!seq.  Returns 0, or -1
 * with y->err set.
 */
static int
ytag_ok(struct yctx *y, const yaml_event_t *ev, const yaml_char_t *tag)
{
	static const char *const core[] = { "str", "int", "bool", "null",
	    "float", "map", "seq", NULL };
	const char	*t = (const char *)tag;
	size_t		 i, plen = sizeof(YAML_TAG_PREFIX) - 1;

	if (t == NULL || strcmp(t, "!") == 0)
		return 0;
	if (strncmp(t, YAML_TAG_PREFIX, plen) == 0)
		for (i = 0; core[i] != NULL; i++)
			if (strcmp(t + plen, core[i]) == 0)
				return 0;
	yerr_at(y, ev, "unsupported YAML tag");
	return -1;
}

static int
is_one_of(const char *s, const char *const *set)
{
	for (; *set != NULL; set++)
		if (strcmp(s, *set) == 0)
			return 1;
	return 0;
}

/*
 * Resolves a plain scalar: null, boolean, decimal integer or float with a
 * dot (YAML 1.1 as PyYAML's safe loader reads them); anything else is a
 * string.  Returns a new json-c value (NULL for null).
 */
static struct json_object *
resolve_plain(const char *s, size_t n)
{
	static const char *const nulls[] = { "~", "null", "Null", "NULL",
	    NULL };
	static const char *const trues[] = { "true", "True", "TRUE", "yes",
	    "Yes", "YES", "on", "On", "ON", NULL };
	static const char *const falses[] = { "false", "False", "FALSE",
	    "no", "No", "NO", "off", "Off", "OFF", NULL };
	const char	*p, *q;
	char		*end;
	long long	 ll;
	double		 d;
	int		 digits, dot;

	if (n == 0 || is_one_of(s, nulls))
		return NULL;
	if (strlen(s) != n)
		return json_object_new_string_len(s, (int)n);
	if (is_one_of(s, trues))
		return json_object_new_boolean(1);
	if (is_one_of(s, falses))
		return json_object_new_boolean(0);
	p = s;
	if (*p == '-' || *p == '+')
		p++;
	q = p;
	digits = dot = 0;
	while ((*p >= '0' && *p <= '9') || (*p == '.' && !dot)) {
		if (*p == '.')
			dot = 1;
		else
			digits++;
		p++;
	}
	if (digits == 0)
		return json_object_new_string_len(s, (int)n);
	if (!dot && *p == '\0') {
		/* A leading zero would be YAML 1.1 octal: kept as text. */
		if (q[0] == '0' && q[1] != '\0')
			return json_object_new_string_len(s, (int)n);
		errno = 0;
		ll = strtoll(s, &end, 10);
		if (errno == 0 && *end == '\0')
			return json_object_new_int64(ll);
		return json_object_new_string_len(s, (int)n);
	}
	if (dot && (*p == '\0' || *p == 'e' || *p == 'E')) {
		if (*p != '\0') {
			p++;
			if (*p == '-' || *p == '+')
				p++;
			if (*p < '0' || *p > '9')
				return json_object_new_string_len(s, (int)n);
			while (*p >= '0' && *p <= '9')
				p++;
			if (*p != '\0')
				return json_object_new_string_len(s, (int)n);
		}
		errno = 0;
		d = strtod(s, &end);
		if (errno == 0 && *end == '\0')
			return json_object_new_double(d);
	}
	return json_object_new_string_len(s, (int)n);
}

/*
 * Turns a scalar event into a json-c value (NULL for null).
 */
static struct json_object *
yscalar(const yaml_event_t *ev)
{
	const char	*s = (const char *)ev->data.scalar.value;
	size_t		 n = ev->data.scalar.length;
	const char	*tag = (const char *)ev->data.scalar.tag;

	if (tag != NULL && strcmp(tag, YAML_TAG_PREFIX "str") == 0)
		return json_object_new_string_len(s, (int)n);
	if (tag != NULL && strcmp(tag, "!") == 0)
		return json_object_new_string_len(s, (int)n);
	if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE && tag == NULL)
		return json_object_new_string_len(s, (int)n);
	return resolve_plain(s, n);
}

/*
 * Reads the node that starts with event *ev (consumed here) into *out (a
 * new json-c value, NULL for null).  depth counts enclosing collections.
 * Returns 0, or -1 with y->err set.
 */
static int
ynode(struct yctx *y, yaml_event_t *ev, int depth, struct json_object **out)
{
	struct json_object	*coll = NULL, *val;
	yaml_event_t		 kev, vev;
	char			*key;
	int			 rc = -1;

	*out = NULL;
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		if (ytag_ok(y, ev, ev->data.scalar.tag) == -1)
			goto out;
		*out = yscalar(ev);
		rc = 0;
		goto out;
	case YAML_ALIAS_EVENT:
		yerr_at(y, ev, "YAML aliases are not supported");
		goto out;
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		break;
	default:
		yerr_at(y, ev, "unexpected YAML event");
		goto out;
	}
	if (depth >= CV_YAML_DEPTH_MAX) {
		yerr_at(y, ev, "YAML nesting too deep");
		goto out;
	}
	if (ev->type == YAML_SEQUENCE_START_EVENT) {
		if (ytag_ok(y, ev, ev->data.sequence_start.tag) == -1)
			goto out;
		coll = json_object_new_array();
		for (;;) {
			if (ynext(y, &vev) == -1)
				goto out;
			if (vev.type == YAML_SEQUENCE_END_EVENT) {
				yaml_event_delete(&vev);
				break;
			}
			if (ynode(y, &vev, depth + 1, &val) == -1)
				goto out;
			json_object_array_add(coll, val);
		}
	} else {
		if (ytag_ok(y, ev, ev->data.mapping_start.tag) == -1)
			goto out;
		coll = json_object_new_object();
		for (;;) {
			if (ynext(y, &kev) == -1)
				goto out;
			if (kev.type == YAML_MAPPING_END_EVENT) {
				yaml_event_delete(&kev);
				break;
			}
			if (kev.type != YAML_SCALAR_EVENT) {
				yerr_at(y, &kev, kev.type == YAML_ALIAS_EVENT ?
				    "YAML aliases are not supported" :
				    "mapping keys must be scalars");
				yaml_event_delete(&kev);
				goto out;
			}
			if (strlen((char *)kev.data.scalar.value) !=
			    kev.data.scalar.length) {
				yerr_at(y, &kev, "NUL byte in a mapping key");
				yaml_event_delete(&kev);
				goto out;
			}
			key = strdup((char *)kev.data.scalar.value);
			yaml_event_delete(&kev);
			if (key == NULL)
				cv_fatal("%s: out of memory", __func__);
			if (ynext(y, &vev) == -1) {
				free(key);
				goto out;
			}
			if (ynode(y, &vev, depth + 1, &val) == -1) {
				free(key);
				goto out;
			}
			json_object_object_add(coll, key, val);
			free(key);
		}
	}
	*out = coll;
	coll = NULL;
	rc = 0;
out:
	json_object_put(coll);
	yaml_event_delete(ev);
	return rc;
}

/*
 * Parses one YAML document from buf[0..len) into *out (new reference;
 * NULL for an empty or null document).  Returns 0, or -1 with a sentence
 * in err.  Also the entry point of the YAML fuzz target.
 */
int
cv_yaml_parse(const char *buf, size_t len, struct json_object **out,
    char *err, size_t errlen)
{
	struct yctx		 y;
	yaml_event_t		 ev;
	struct json_object	*doc = NULL;
	int			 rc = -1;

	*out = NULL;
	memset(&y, 0, sizeof(y));
	if (!yaml_parser_initialize(&y.parser))
		cv_fatal("%s: out of memory", __func__);
	yaml_parser_set_input_string(&y.parser, (const unsigned char *)buf,
	    len);
	if (ynext(&y, &ev) == -1)
		goto out;
	yaml_event_delete(&ev);		/* STREAM-START */
	if (ynext(&y, &ev) == -1)
		goto out;
	if (ev.type == YAML_STREAM_END_EVENT) {
		yaml_event_delete(&ev);
		rc = 0;
		goto out;
	}
	yaml_event_delete(&ev);		/* DOCUMENT-START */
	if (ynext(&y, &ev) == -1)
		goto out;
	if (ynode(&y, &ev, 0, &doc) == -1)
		goto out;
	if (ynext(&y, &ev) == -1)	/* DOCUMENT-END */
		goto out;
	yaml_event_delete(&ev);
	if (ynext(&y, &ev) == -1)
		goto out;
	if (ev.type != YAML_STREAM_END_EVENT) {
		yerr_at(&y, &ev, "more than one YAML document");
		yaml_event_delete(&ev);
		goto out;
	}
	yaml_event_delete(&ev);
	*out = doc;
	doc = NULL;
	rc = 0;
out:
	if (rc == -1)
		cv_seterr(err, errlen, "%s", y.err);
	json_object_put(doc);
	yaml_parser_delete(&y.parser);
	return rc;
}

/*
 * Reads and parses a YAML file.  *doc is a new reference (NULL for an
 * empty document).  Returns 0; or an errno value from reading (err then
 * empty), or -1 for a parse error with the problem in err.
 */
int
cv_yaml_load_file(const char *path, struct json_object **doc,
    struct stat *st, char *err, size_t errlen)
{
	char	*buf;
	size_t	 len = 0;
	int	 rc;

	*doc = NULL;
	cv_seterr(err, errlen, "%s", "");
	if ((rc = cv_policy_slurp(path, &buf, &len, st)) != 0)
		return rc;
	rc = cv_yaml_parse(buf, len, doc, err, errlen);
	free(buf);
	return rc;
}

/* ---- merge and normalise (cavra-policy(5) INHERITANCE) ------------- */

/*
 * The text a list item stands for: a string as it is, true/false as
 * Python writes them, other scalars and collections as JSON text; NULL
 * for null.  Borrowed from the item.
 */
static const char *
item_text(struct json_object *o, size_t *len)
{
	const char	*s;

	switch (json_object_get_type(o)) {
	case json_type_null:
		return NULL;
	case json_type_string:
		*len = (size_t)json_object_get_string_len(o);
		return json_object_get_string(o);
	case json_type_boolean:
		s = json_object_get_boolean(o) ? "True" : "False";
		break;
	default:
		s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
		break;
	}
	*len = strlen(s);
	return s;
}

/*
 * Concatenates two lists, dropping exact duplicates (first occurrence
 * kept).  Strings are checked through a hash table so long lists stay
 * linear; other items are compared with json_object_equal().  Returns a
 * new array.
 */
static struct json_object *
list_union(struct json_object *a, struct json_object *b)
{
	struct json_object	*res, *it, *src[2] = { a, b };
	struct lh_table		*seen;
	const char		*s;
	size_t			 i, j, k, n, total;
	int			 dup;

	res = json_object_new_array();
	total = json_object_array_length(a) + json_object_array_length(b);
	if ((seen = lh_kchar_table_new(total > 16 ? (int)total * 2 : 32,
	    NULL)) == NULL)
		cv_fatal("%s: out of memory", __func__);
	for (k = 0; k < 2; k++) {
		n = json_object_array_length(src[k]);
		for (i = 0; i < n; i++) {
			it = json_object_array_get_idx(src[k], i);
			dup = 0;
			if (json_object_is_type(it, json_type_string) &&
			    strlen(s = json_object_get_string(it)) ==
			    (size_t)json_object_get_string_len(it)) {
				if (lh_table_lookup_entry(seen, s) != NULL)
					dup = 1;
				else
					lh_table_insert(seen, s, NULL);
			} else {
				for (j = 0; j < json_object_array_length(res) &&
				    !dup; j++)
					dup = json_object_equal(it,
					    json_object_array_get_idx(res, j));
			}
			if (!dup)
				json_object_array_add(res, cv_json_copy(it));
		}
	}
	lh_table_free(seen);
	return res;
}

/*
 * Merges override into a copy of base, key by key: list + list is a
 * union, mapping + mapping recurses, anything else is replaced.  Returns
 * a new object.
 */
static struct json_object *
merge_section(struct json_object *base, struct json_object *over)
{
	struct json_object	*res, *cur;

	res = cv_json_copy(base);
	json_object_object_foreach(over, key, val) {
		cur = json_object_object_get(res, key);
		if (json_object_is_type(val, json_type_array) &&
		    json_object_is_type(cur, json_type_array))
			json_object_object_add(res, key, list_union(cur, val));
		else if (json_object_is_type(val, json_type_object) &&
		    json_object_is_type(cur, json_type_object))
			json_object_object_add(res, key,
			    merge_section(cur, val));
		else
			json_object_object_add(res, key, cv_json_copy(val));
	}
	return res;
}

/*
 * metadata: the override's keys overlay the base's; a null value does not
 * override, except for inherits, which always does.  Returns a new
 * object (a copy of over when either side is not a mapping).
 */
static struct json_object *
merge_metadata(struct json_object *base, struct json_object *over)
{
	struct json_object	*res;

	if (!json_object_is_type(over, json_type_object))
		return cv_json_copy(over);
	res = json_object_is_type(base, json_type_object) ? cv_json_copy(base) :
	    json_object_new_object();
	json_object_object_foreach(over, key, val) {
		if (val == NULL && strcmp(key, "inherits") != 0)
			continue;
		json_object_object_add(res, key, cv_json_copy(val));
	}
	return res;
}

/*
 * The pack-level merge of cavra-policy(5): returns a new object.
 */
static struct json_object *
merge_pack(struct json_object *base, struct json_object *over)
{
	struct json_object	*res, *cur;

	res = cv_json_copy(base);
	json_object_object_foreach(over, key, val) {
		cur = json_object_object_get(res, key);
		if (strcmp(key, "metadata") == 0)
			json_object_object_add(res, key,
			    merge_metadata(cur, val));
		else if (json_object_is_type(val, json_type_object) &&
		    json_object_is_type(cur, json_type_object))
			json_object_object_add(res, key,
			    merge_section(cur, val));
		else
			json_object_object_add(res, key, cv_json_copy(val));
	}
	return res;
}

static int
strobj_cmp(const void *a, const void *b)
{
	struct json_object	*x = *(struct json_object *const *)a;
	struct json_object	*y = *(struct json_object *const *)b;
	size_t			 xl, yl;
	int			 c;

	xl = (size_t)json_object_get_string_len(x);
	yl = (size_t)json_object_get_string_len(y);
	c = memcmp(json_object_get_string(x), json_object_get_string(y),
	    xl < yl ? xl : yl);
	if (c != 0)
		return c;
	return xl < yl ? -1 : xl > yl;
}

/*
 * Replaces list obj[key] with its items as strings (nulls dropped),
 * sorted in code-point order.
 */
static void
sort_list(struct json_object *obj, const char *key)
{
	struct json_object	*arr, *res, *it;
	const char		*s;
	size_t			 i, n, len;

	arr = json_object_object_get(obj, key);
	if (!json_object_is_type(arr, json_type_array))
		return;
	res = json_object_new_array();
	n = json_object_array_length(arr);
	for (i = 0; i < n; i++) {
		it = json_object_array_get_idx(arr, i);
		if ((s = item_text(it, &len)) == NULL)
			continue;
		json_object_array_add(res,
		    json_object_new_string_len(s, (int)len));
	}
	json_object_array_sort(res, strobj_cmp);
	json_object_object_add(obj, key, res);
}

/*
 * Normalisation of an inheriting pack after the merge: every list under
 * filesystem and commands, and mcp.allowed_servers / blocked_servers,
 * becomes sorted strings.
 */
static void
normalise_pack(struct json_object *pack)
{
	struct json_object	*sec;
	const char		*name;
	size_t			 i;
	static const char *const sorted_sections[] = { "filesystem",
	    "commands", NULL };

	for (i = 0; (name = sorted_sections[i]) != NULL; i++) {
		sec = json_object_object_get(pack, name);
		if (!json_object_is_type(sec, json_type_object))
			continue;
		json_object_object_foreach(sec, key, val) {
			(void)val;
			sort_list(sec, key);
		}
	}
	sec = json_object_object_get(pack, "mcp");
	if (json_object_is_type(sec, json_type_object)) {
		sort_list(sec, "allowed_servers");
		sort_list(sec, "blocked_servers");
	}
}

/* ---- loading one pack with its ancestors ------------------------- */

struct memo {
	char			*id;
	struct json_object	*compiled;	/* owned */
};

/*
 * One load.  roots[] are the layers, highest first: a pack id is the
 * <root>/<id>/policy.yaml of the first layer that has one.  src[] holds
 * each file read and, before it, each higher layer's file found absent;
 * nfiles counts the files read (at most CV_POLICY_SOURCES_MAX).
 */
struct lctx {
	const char		*roots[POLICY_LAYERS];
	size_t			 nroots;
	struct cv_src		 src[POLICY_LAYERS *
				     CV_POLICY_SOURCES_MAX];
	size_t			 nsrc;
	size_t			 nfiles;
	struct memo		 memo[CV_POLICY_SOURCES_MAX];
	size_t			 nmemo;
	const char		*stack[CV_POLICY_INHERIT_MAX + 1];
	size_t			 depth;
	char			*err;
	size_t			 errlen;
};

static void
lctx_free(struct lctx *c)
{
	size_t	 i;

	for (i = 0; i < c->nsrc; i++)
		free(c->src[i].path);
	for (i = 0; i < c->nmemo; i++) {
		free(c->memo[i].id);
		json_object_put(c->memo[i].compiled);
	}
	c->nsrc = c->nmemo = 0;
}

static int
mkpath(char *buf, size_t len, const char *root, const char *id,
    const char *file)
{
	int	 n;

	if (file != NULL)
		n = snprintf(buf, len, "%s/%s/%s", root, id, file);
	else
		n = snprintf(buf, len, "%s/%s", root, id);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

/* 1 when stat(2) failed because path does not exist. */
static int
path_absent(const char *path)
{
	struct stat	 st;

	return stat(path, &st) == -1 && (errno == ENOENT || errno == ENOTDIR);
}

/*
 * Reads the policy.yaml of pack id from the first layer that has one,
 * noting the higher layers' absent files.  *raw is a new reference to a
 * non-empty mapping.  CV_ENOENT when no layer has the file, CV_EINVAL for
 * an unreadable, unparsable or non-mapping file.
 */
static enum cv_err
load_raw(struct lctx *c, const char *id, struct json_object **raw)
{
	char		 path[PATH_MAX], yerr[256];
	struct stat	 st;
	struct cv_src	*s;
	size_t		 i;
	int		 rc;

	*raw = NULL;
	if (c->nfiles == CV_POLICY_SOURCES_MAX) {
		cv_seterr(c->err, c->errlen, "Policy pack '%s' is invalid: "
		    "it inherits from more than %d packs.", c->stack[0],
		    CV_POLICY_SOURCES_MAX - 1);
		return CV_EINVAL;
	}
	for (i = 0; i < c->nroots; i++) {
		if (mkpath(path, sizeof(path), c->roots[i], id,
		    POLICY_FILE) == -1)
			continue;
		if (!path_absent(path))
			break;
		s = &c->src[c->nsrc++];
		s->path = cv_xstrdup(path);
		s->absent = 1;
	}
	if (i == c->nroots) {
		cv_seterr(c->err, c->errlen, "Policy pack '%s' not found.", id);
		return CV_ENOENT;
	}
	rc = cv_yaml_load_file(path, raw, &st, yerr, sizeof(yerr));
	if (rc == -1) {
		cv_seterr(c->err, c->errlen, "Policy pack '%s' is invalid: %s",
		    id, yerr);
		return CV_EINVAL;
	}
	if (rc != 0) {
		cv_seterr(c->err, c->errlen, "Policy pack '%s' is invalid: %s",
		    id, rc == ENOENT ? "it has no " POLICY_FILE :
		    rc == EFBIG ? POLICY_FILE " is too large" :
		    strerror(rc));
		return CV_EINVAL;
	}
	if (!json_object_is_type(*raw, json_type_object)) {
		json_object_put(*raw);
		*raw = NULL;
		cv_seterr(c->err, c->errlen, "Policy pack '%s' is invalid: "
		    POLICY_FILE " is not a mapping.", id);
		return CV_EINVAL;
	}
	if (json_object_object_length(*raw) == 0) {
		json_object_put(*raw);
		*raw = NULL;
		cv_seterr(c->err, c->errlen,
		    "Policy pack '%s' contains no policy data.", id);
		return CV_EINVAL;
	}
	c->nfiles++;
	s = &c->src[c->nsrc++];
	s->path = cv_xstrdup(path);
	s->mtime = st.st_mtim;
	s->size = st.st_size;
	s->ino = st.st_ino;
	s->dev = st.st_dev;
	return CV_OK;
}

/*
 * The parent ids of a raw pack: metadata.inherits as a string or a list
 * of scalars.  *parents is a new array of strings (empty when the pack
 * does not inherit).  CV_EINVAL for any other shape or a bad id.
 */
static enum cv_err
parents_of(struct lctx *c, const char *id, struct json_object *raw,
    struct json_object **parents)
{
	struct json_object	*md, *inh, *it;
	const char		*s;
	size_t			 i, n, len;

	*parents = json_object_new_array();
	md = json_object_object_get(raw, "metadata");
	if (!json_object_is_type(md, json_type_object))
		return CV_OK;
	inh = json_object_object_get(md, "inherits");
	if (!cv_json_truthy(inh))
		return CV_OK;
	if (json_object_is_type(inh, json_type_string)) {
		json_object_array_add(*parents, json_object_get(inh));
	} else if (json_object_is_type(inh, json_type_array)) {
		n = json_object_array_length(inh);
		for (i = 0; i < n; i++) {
			it = json_object_array_get_idx(inh, i);
			if (json_object_is_type(it, json_type_object) ||
			    json_object_is_type(it, json_type_array) ||
			    (s = item_text(it, &len)) == NULL)
				goto bad;
			json_object_array_add(*parents,
			    json_object_new_string_len(s, (int)len));
		}
	} else
		goto bad;
	n = json_object_array_length(*parents);
	for (i = 0; i < n; i++) {
		s = json_object_get_string(json_object_array_get_idx(*parents,
		    i));
		if (!cv_policy_id_valid(s)) {
			cv_seterr(c->err, c->errlen, "Policy pack '%s' is "
			    "invalid: metadata.inherits names an invalid "
			    "pack id.", id);
			return CV_EINVAL;
		}
	}
	return CV_OK;
bad:
	cv_seterr(c->err, c->errlen, "Policy pack '%s' is invalid: "
	    "metadata.inherits must be a pack id or a list of pack ids.", id);
	return CV_EINVAL;
}

/*
 * Compiles pack id: its parents first (each compiled the same way, once
 * per load), merged in order, the pack itself on top, then normalised.
 * *out is a new reference.  Fails on a missing or invalid pack anywhere
 * in the chain, a cycle, or a chain deeper than CV_POLICY_INHERIT_MAX.
 */
static enum cv_err
compile(struct lctx *c, const char *id, struct json_object **out)
{
	struct json_object	*raw = NULL, *parents = NULL, *acc = NULL;
	struct json_object	*p, *next;
	const char		*pid;
	enum cv_err		 rc;
	size_t			 i, n;

	*out = NULL;
	for (i = 0; i < c->depth; i++)
		if (strcmp(c->stack[i], id) == 0) {
			cv_seterr(c->err, c->errlen, "Policy pack '%s' is "
			    "invalid: metadata.inherits forms a cycle "
			    "through '%s'.", c->stack[0], id);
			return CV_EINVAL;
		}
	for (i = 0; i < c->nmemo; i++)
		if (strcmp(c->memo[i].id, id) == 0) {
			*out = json_object_get(c->memo[i].compiled);
			return CV_OK;
		}
	if (c->depth > CV_POLICY_INHERIT_MAX) {
		cv_seterr(c->err, c->errlen, "Policy pack '%s' is invalid: "
		    "metadata.inherits is nested deeper than %d.",
		    c->stack[0], CV_POLICY_INHERIT_MAX);
		return CV_EINVAL;
	}
	c->stack[c->depth++] = id;
	if ((rc = load_raw(c, id, &raw)) != CV_OK)
		goto out;
	if ((rc = parents_of(c, id, raw, &parents)) != CV_OK)
		goto out;
	n = json_object_array_length(parents);
	if (n == 0) {
		acc = json_object_get(raw);
	} else {
		for (i = 0; i < n; i++) {
			pid = json_object_get_string(
			    json_object_array_get_idx(parents, i));
			if ((rc = compile(c, pid, &p)) != CV_OK) {
				if (rc == CV_ENOENT) {
					cv_seterr(c->err, c->errlen, "Policy "
					    "pack '%s' is invalid: inherited "
					    "pack '%s' not found.", id, pid);
					rc = CV_EINVAL;
				}
				goto out;
			}
			next = acc == NULL ? cv_json_copy(p) :
			    merge_pack(acc, p);
			json_object_put(p);
			json_object_put(acc);
			acc = next;
		}
		next = merge_pack(acc, raw);
		json_object_put(acc);
		acc = next;
		normalise_pack(acc);
	}
	if (c->nmemo < CV_POLICY_SOURCES_MAX) {
		c->memo[c->nmemo].id = cv_xstrdup(id);
		c->memo[c->nmemo++].compiled = json_object_get(acc);
	}
	*out = acc;
	acc = NULL;
	rc = CV_OK;
out:
	c->depth--;
	json_object_put(acc);
	json_object_put(parents);
	json_object_put(raw);
	return rc;
}

/* ---- compiled packs ---------------------------------------------- */

/* Compiled packs not yet freed (cv_policy_cache_live()). */
static atomic_size_t	 live;

static void
pack_free(struct cv_pack *pk)
{
	size_t	 i, j;

	if (pk == NULL)
		return;
	for (i = 0; i < CV_PL__MAX; i++) {
		for (j = 0; j < pk->lists[i].n; j++)
			free(pk->lists[i].v[j].own);
		free(pk->lists[i].v);
	}
	for (i = 0; i < pk->nsrc; i++)
		free(pk->src[i].path);
	free(pk->src);
	json_object_put(pk->json);
	free(pk->id);
	free(pk->root);
	free(pk->broot);
	free(pk);
	atomic_fetch_sub_explicit(&live, 1, memory_order_relaxed);
}

/*
 * Flattens json[section][key] into (pointer, length) patterns.  A
 * section or key of the wrong type is an empty list; null items are
 * dropped; other non-string items are kept as their text (owned copy).
 */
static void
compile_list(struct json_object *json, enum cv_plist which,
    struct cv_patlist *out)
{
	struct json_object	*sec, *arr, *it;
	struct cv_pat		*pt;
	const char		*s;
	size_t			 i, n, len;

	out->v = NULL;
	out->n = 0;
	sec = json_object_object_get(json, plist_keys[which].section);
	if (!json_object_is_type(sec, json_type_object))
		return;
	arr = json_object_object_get(sec, plist_keys[which].key);
	if (!json_object_is_type(arr, json_type_array))
		return;
	n = json_object_array_length(arr);
	if (n == 0)
		return;
	out->v = cv_xcalloc(n, sizeof(*out->v));
	for (i = 0; i < n; i++) {
		it = json_object_array_get_idx(arr, i);
		if ((s = item_text(it, &len)) == NULL)
			continue;
		pt = &out->v[out->n++];
		if (!json_object_is_type(it, json_type_string)) {
			pt->own = cv_xmalloc(len + 1);
			memcpy(pt->own, s, len + 1);
			s = pt->own;
		}
		cv_pat_init(pt, s, len);
	}
}

/*
 * Sets up c to look packs up in root over broot (one layer when they are
 * the same directory name).
 */
static void
lctx_init(struct lctx *c, const char *root, const char *broot, char *err,
    size_t errlen)
{
	memset(c, 0, sizeof(*c));
	c->roots[c->nroots++] = root;
	if (strcmp(root, broot) != 0)
		c->roots[c->nroots++] = broot;
	c->err = err;
	c->errlen = errlen;
}

/*
 * Builds the compiled pack of id under root over broot from scratch.
 * *out is new, with one reference (drop it with pack_unref()).  Errors
 * as cv_policy_get().
 */
static enum cv_err
pack_load(const char *root, const char *broot, const char *id,
    struct cv_pack **out, char *err, size_t errlen)
{
	struct lctx		 c;
	struct json_object	*json = NULL, *mcp, *bu;
	struct cv_pack		*pk;
	enum cv_err		 rc;
	size_t			 i;

	*out = NULL;
	lctx_init(&c, root, broot, err, errlen);
	if ((rc = compile(&c, id, &json)) != CV_OK)
		goto out;
	pk = cv_xcalloc(1, sizeof(*pk));
	atomic_init(&pk->refs, 1);
	atomic_fetch_add_explicit(&live, 1, memory_order_relaxed);
	pk->id = cv_xstrdup(id);
	pk->root = cv_xstrdup(root);
	pk->broot = cv_xstrdup(broot);
	pk->json = json;
	json = NULL;
	for (i = 0; i < CV_PL__MAX; i++)
		compile_list(pk->json, (enum cv_plist)i, &pk->lists[i]);
	pk->block_unknown = 1;
	mcp = json_object_object_get(pk->json, "mcp");
	if (json_object_is_type(mcp, json_type_object) &&
	    json_object_object_get_ex(mcp, "block_unknown_servers", &bu) &&
	    bu != NULL)
		pk->block_unknown = cv_json_truthy(bu);
	pk->src = cv_xcalloc(c.nsrc, sizeof(*pk->src));
	pk->nsrc = c.nsrc;
	for (i = 0; i < c.nsrc; i++) {
		pk->src[i] = c.src[i];
		c.src[i].path = NULL;
	}
	*out = pk;
out:
	json_object_put(json);
	lctx_free(&c);
	return rc;
}

/* ---- the process's cache of compiled packs ------------------------- */

/*
 * One cache per process, shared by all its threads.  A compiled pack is
 * read-only once it is in the cache, and counts its references: one for
 * the cache, one for each thread that holds it.  A thread holds the pack
 * cv_policy_get() last gave it (struct pthr), so that pack stays valid
 * until the thread's next call even when another thread has meanwhile
 * swapped a newer version in; the last release frees it.
 *
 * The lookup of a thread that asks again for the pack it holds, while
 * the cache has not changed since (cache.gen), takes no lock at all: one
 * atomic load.  Otherwise it searches the cache under the read lock.
 * Every change to the cache (a pack added, swapped, evicted or dropped)
 * is made under the write lock and bumps cache.gen, so holders look
 * again.  Compiling a pack (reading YAML) runs under the load mutex and
 * no other lock: readers of the cache never wait for a parse, and when a
 * pack changes on disk one thread compiles it while the others that
 * found it stale wait for that one load rather than each parsing it.
 * Lock order: load, then lock.
 */
static struct {
	pthread_rwlock_t	 lock;		/* packs, n */
	pthread_mutex_t		 load;
	struct cv_pack		*packs[CV_POLICY_CACHE_MAX];
	size_t			 n;
	atomic_ulong		 gen;		/* changes so far */
	atomic_ulong		 clock;		/* for cv_pack.used */
} cache = {
	.lock = PTHREAD_RWLOCK_INITIALIZER,
	.load = PTHREAD_MUTEX_INITIALIZER,
};

/* 1 when every file the pack was built from is as it was, and no higher
 * layer has gained a file of its chain. */
static int
pack_fresh(const struct cv_pack *pk)
{
	struct stat	 st;
	size_t		 i;

	for (i = 0; i < pk->nsrc; i++) {
		if (pk->src[i].absent) {
			if (!path_absent(pk->src[i].path))
				return 0;
			continue;
		}
		if (stat(pk->src[i].path, &st) == -1 ||
		    st.st_mtim.tv_sec != pk->src[i].mtime.tv_sec ||
		    st.st_mtim.tv_nsec != pk->src[i].mtime.tv_nsec ||
		    st.st_size != pk->src[i].size ||
		    st.st_ino != pk->src[i].ino ||
		    st.st_dev != pk->src[i].dev)
			return 0;
	}
	return 1;
}

static int
pack_is(const struct cv_pack *pk, const char *root, const char *broot,
    const char *id)
{
	return strcmp(pk->id, id) == 0 && strcmp(pk->root, root) == 0 &&
	    strcmp(pk->broot, broot) == 0;
}

/* Drops one reference to pk (NULL: nothing); the last one frees it. */
static void
pack_unref(struct cv_pack *pk)
{
	if (pk != NULL && atomic_fetch_sub_explicit(&pk->refs, 1,
	    memory_order_acq_rel) == 1)
		pack_free(pk);
}

/*
 * Makes pk (NULL: none) the pack thread t holds, taking over the
 * reference the caller got for it; the pack held before is released.
 */
static void
hold(struct pthr *t, struct cv_pack *pk)
{
	struct cv_pack	*old = t->held;

	t->held = pk;
	pack_unref(old);
}

/*
 * Looks pack id of root over broot up in the cache under the read lock.
 * When it is there, thread t holds it afterwards and it is returned;
 * otherwise t holds nothing and NULL is returned.  Either way t->gen is
 * the generation the search saw.
 */
static struct cv_pack *
cache_find(struct pthr *t, const char *root, const char *broot,
    const char *id)
{
	struct cv_pack	*pk = NULL;
	size_t		 i;

	pthread_rwlock_rdlock(&cache.lock);
	t->gen = atomic_load_explicit(&cache.gen, memory_order_relaxed);
	for (i = 0; i < cache.n; i++)
		if (pack_is(cache.packs[i], root, broot, id)) {
			pk = cache.packs[i];
			break;
		}
	if (pk != NULL) {
		atomic_store_explicit(&pk->used, atomic_fetch_add_explicit(
		    &cache.clock, 1, memory_order_relaxed) + 1,
		    memory_order_relaxed);
		if (pk != t->held)
			atomic_fetch_add_explicit(&pk->refs, 1,
			    memory_order_relaxed);
	}
	pthread_rwlock_unlock(&cache.lock);
	if (pk != t->held)
		hold(t, pk);
	return pk;
}

/*
 * Compiles pack id of root over broot and puts it in the cache in place
 * of the version there (which its holders keep until they let it go),
 * evicting the least recently found pack when the cache is full.  When
 * another thread has just done so, its fresh pack is taken instead.
 * Thread t holds the pack afterwards.  On failure the version in the
 * cache, if any, is dropped from it, and t holds nothing.  Errors as
 * cv_policy_get().
 */
static enum cv_err
cache_load(struct pthr *t, const char *root, const char *broot,
    const char *id, char *errbuf, size_t errlen)
{
	struct cv_pack	*pk, *drop = NULL;
	enum cv_err	 rc;
	size_t		 i, j;

	pthread_mutex_lock(&cache.load);
	if ((pk = cache_find(t, root, broot, id)) != NULL &&
	    pack_fresh(pk)) {
		rc = CV_OK;
		goto out;
	}
	hold(t, NULL);
	rc = pack_load(root, broot, id, &pk, errbuf, errlen);
	pthread_rwlock_wrlock(&cache.lock);
	for (i = 0; i < cache.n; i++)
		if (pack_is(cache.packs[i], root, broot, id))
			break;
	if (rc != CV_OK) {
		if (i < cache.n) {
			drop = cache.packs[i];
			memmove(&cache.packs[i], &cache.packs[i + 1],
			    (cache.n - i - 1) * sizeof(*cache.packs));
			cache.n--;
			atomic_fetch_add_explicit(&cache.gen, 1,
			    memory_order_relaxed);
		}
		pthread_rwlock_unlock(&cache.lock);
		goto out;
	}
	if (i == cache.n && cache.n == CV_POLICY_CACHE_MAX) {
		for (i = 0, j = 1; j < cache.n; j++)
			if (atomic_load_explicit(&cache.packs[j]->used,
			    memory_order_relaxed) < atomic_load_explicit(
			    &cache.packs[i]->used, memory_order_relaxed))
				i = j;
	}
	if (i < cache.n)
		drop = cache.packs[i];
	else
		cache.n++;
	cache.packs[i] = pk;
	atomic_fetch_add_explicit(&pk->refs, 1, memory_order_relaxed);
	atomic_store_explicit(&pk->used, atomic_fetch_add_explicit(
	    &cache.clock, 1, memory_order_relaxed) + 1, memory_order_relaxed);
	t->gen = atomic_fetch_add_explicit(&cache.gen, 1,
	    memory_order_relaxed) + 1;
	pthread_rwlock_unlock(&cache.lock);
	hold(t, pk);
out:
	pthread_mutex_unlock(&cache.load);
	pack_unref(drop);
	return rc;
}

/* Thread exit (and cv_policy_cache_clear()): the thread's pack and root
 * go. */
static void
pthr_free(void *arg)
{
	struct pthr	*t = arg;

	hold(t, NULL);
	free(t->root);
	free(t->broot);
	free(t);
}

static void
pthr_key_init(void)
{
	if (pthread_key_create(&pthr_key, pthr_free) != 0)
		cv_fatal("pthread_key_create failed");
}

/* The calling thread's state, created on first use. */
static struct pthr *
pthr(void)
{
	struct pthr	*t;

	pthread_once(&pthr_once, pthr_key_init);
	if ((t = pthread_getspecific(pthr_key)) == NULL) {
		t = cv_xcalloc(1, sizeof(*t));
		if (pthread_setspecific(pthr_key, t) != 0)
			cv_fatal("pthread_setspecific failed");
	}
	return t;
}

/*
 * Empties the cache and frees the calling thread's pack and root (tests,
 * and a clean exit under a leak checker).  A pack another thread holds is
 * freed when that thread lets it go (its next cv_policy_get(), or its
 * exit).
 */
void
cv_policy_cache_clear(void)
{
	struct cv_pack	*drop[CV_POLICY_CACHE_MAX];
	struct pthr	*t;
	size_t		 i, n;

	pthread_once(&pthr_once, pthr_key_init);
	pthread_mutex_lock(&cache.load);
	pthread_rwlock_wrlock(&cache.lock);
	n = cache.n;
	memcpy(drop, cache.packs, n * sizeof(*drop));
	cache.n = 0;
	atomic_fetch_add_explicit(&cache.gen, 1, memory_order_relaxed);
	pthread_rwlock_unlock(&cache.lock);
	pthread_mutex_unlock(&cache.load);
	for (i = 0; i < n; i++)
		pack_unref(drop[i]);
	if ((t = pthread_getspecific(pthr_key)) != NULL) {
		pthr_free(t);
		if (pthread_setspecific(pthr_key, NULL) != 0)
			cv_fatal("pthread_setspecific failed");
	}
}

size_t
cv_policy_cache_live(void)
{
	return atomic_load(&live);
}

/*
 * The compiled pack for id under the current roots: the one the calling
 * thread holds or the cache's, when none of its source files changed and
 * no higher layer gained one (one stat(2) per file and per absent file),
 * else compiled afresh and swapped into the cache.  The calling thread
 * holds the result until its next call.
 * Errors: CV_EINVAL for an id that is not a plain name or a broken pack,
 * CV_ENOENT for a missing one; errbuf gets a sentence.
 */
enum cv_err
cv_policy_get(const char *id, const struct cv_pack **out, char *errbuf,
    size_t errlen)
{
	struct pthr	*t = pthr();
	const char	*root, *broot;
	struct cv_pack	*pk;
	enum cv_err	 rc;

	*out = NULL;
	cv_seterr(errbuf, errlen, "%s", "");
	if (!cv_policy_id_valid(id)) {
		cv_seterr(errbuf, errlen, "invalid policy pack id");
		return CV_EINVAL;
	}
	root = cv_policy_root();
	broot = cv_policy_bundled_root();
	pk = t->held;
	if (pk == NULL || t->gen != atomic_load_explicit(&cache.gen,
	    memory_order_acquire) || !pack_is(pk, root, broot, id))
		pk = cache_find(t, root, broot, id);
	if (pk == NULL || !pack_fresh(pk)) {
		if ((rc = cache_load(t, root, broot, id, errbuf, errlen)) !=
		    CV_OK)
			return rc;
		pk = t->held;
	}
	*out = pk;
	return CV_OK;
}

const char *
cv_pack_id(const struct cv_pack *pk)
{
	return pk->id;
}

struct json_object *
cv_pack_json(const struct cv_pack *pk)
{
	return pk->json;
}

/* ---- catalog ----------------------------------------------------- */

/*
 * The catalog's rule count of a value: a list counts its length, a
 * mapping the sum over its values, any other truthy value 1.
 */
static int64_t
count_rules(struct json_object *o)
{
	int64_t	 n = 0;

	if (json_object_is_type(o, json_type_array))
		return (int64_t)json_object_array_length(o);
	if (json_object_is_type(o, json_type_object)) {
		json_object_object_foreach(o, key, val) {
			(void)key;
			n += count_rules(val);
		}
		return n;
	}
	return cv_json_truthy(o) ? 1 : 0;
}

static struct json_object *
md_get(struct json_object *md, const char *key)
{
	return cv_json_copy(json_object_object_get(md, key));
}

/*
 * The summary of a raw (not inheritance-merged) pack.  New object.
 */
struct json_object *
cv_policy_summary(struct json_object *doc)
{
	struct json_object	*sum, *md, *counts, *mode;
	size_t			 i;

	md = json_object_object_get(doc, "metadata");
	if (!json_object_is_type(md, json_type_object))
		md = NULL;
	sum = json_object_new_object();
	json_object_object_add(sum, "policy_id", md_get(md, "id"));
	json_object_object_add(sum, "title", md_get(md, "title"));
	json_object_object_add(sum, "version", md_get(md, "version"));
	json_object_object_add(sum, "inherits", md_get(md, "inherits"));
	if (md != NULL && json_object_object_get_ex(md, "mode", &mode))
		json_object_object_add(sum, "mode", cv_json_copy(mode));
	else
		json_object_object_add(sum, "mode",
		    json_object_new_string("enforce"));
	counts = json_object_new_object();
	for (i = 0; count_sections[i] != NULL; i++)
		json_object_object_add(counts, count_sections[i],
		    json_object_new_int64(count_rules(json_object_object_get(
		    doc, count_sections[i]))));
	json_object_object_add(sum, "rule_counts", counts);
	return sum;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * One catalog entry for directory name with raw document doc, read from
 * the given layer.  New object.
 */
static struct json_object *
catalog_entry(const char *name, struct json_object *doc, int raw,
    const char *source)
{
	struct json_object	*e, *md, *id;

	md = json_object_object_get(doc, "metadata");
	if (!json_object_is_type(md, json_type_object))
		md = NULL;
	e = json_object_new_object();
	id = json_object_object_get(md, "id");
	if (json_object_is_type(id, json_type_string))
		json_object_object_add(e, "id", json_object_get(id));
	else
		json_object_object_add(e, "id", json_object_new_string(name));
	json_object_object_add(e, "title", md_get(md, "title"));
	json_object_object_add(e, "description", md_get(md, "description"));
	json_object_object_add(e, "version", md_get(md, "version"));
	if (raw)
		json_object_object_add(e, "policy", json_object_get(doc));
	else
		json_object_object_add(e, "summary", cv_policy_summary(doc));
	json_object_object_add(e, "source", json_object_new_string(source));
	return e;
}

/*
 * Adds the plain names of the directory root's entries to names (n of
 * cap, grown).  A root that does not exist adds nothing.  CV_EIO when it
 * exists but cannot be read.
 */
static enum cv_err
list_names(const char *root, char ***names, size_t *n, size_t *cap)
{
	DIR		*d;
	struct dirent	*de;

	if ((d = opendir(root)) == NULL) {
		if (errno == ENOENT || errno == ENOTDIR)
			return CV_OK;
		cv_log("%s: %s: %s", __func__, root, strerror(errno));
		return CV_EIO;
	}
	while ((de = readdir(d)) != NULL) {
		if (!cv_policy_id_valid(de->d_name))
			continue;
		if (*n == *cap) {
			*cap = *cap == 0 ? 32 : *cap * 2;
			if ((*names = reallocarray(*names, *cap,
			    sizeof(**names))) == NULL)
				cv_fatal("%s: out of memory", __func__);
		}
		(*names)[(*n)++] = cv_xstrdup(de->d_name);
	}
	closedir(d);
	return CV_OK;
}

/*
 * The raw document of pack id (a directory name) from the first layer
 * whose <root>/<id>/policy.yaml exists.  *doc is a new reference to a
 * mapping; *source (may be NULL) is CV_POLICY_SOURCE_PUBLISHED or
 * CV_POLICY_SOURCE_BUNDLED.  CV_ENOENT when no layer has the file (or
 * the id is not a plain name); CV_EINVAL for an unreadable or broken
 * file, logged.
 */
enum cv_err
cv_policy_raw(const char *id, struct json_object **doc, const char **source)
{
	struct lctx	 c;
	char		 path[PATH_MAX], yerr[256];
	struct stat	 st;
	size_t		 i;
	int		 e;

	*doc = NULL;
	if (!cv_policy_id_valid(id))
		return CV_ENOENT;
	lctx_init(&c, cv_policy_root(), cv_policy_bundled_root(), NULL, 0);
	for (i = 0; i < c.nroots; i++)
		if (mkpath(path, sizeof(path), c.roots[i], id,
		    POLICY_FILE) == 0 && !path_absent(path))
			break;
	if (i == c.nroots)
		return CV_ENOENT;
	if (source != NULL)
		*source = i == 0 ? CV_POLICY_SOURCE_PUBLISHED :
		    CV_POLICY_SOURCE_BUNDLED;
	e = cv_yaml_load_file(path, doc, &st, yerr, sizeof(yerr));
	if (e != 0 || !json_object_is_type(*doc, json_type_object)) {
		cv_log("%s: %s: %s", __func__, path, e == -1 ? yerr :
		    e != 0 ? strerror(e) : "not a mapping");
		json_object_put(*doc);
		*doc = NULL;
		return e == ENOENT ? CV_ENOENT : CV_EINVAL;
	}
	return CV_OK;
}

/*
 * Lists every pack of both layers: each directory name found in either
 * root, sorted (code-point order), read from the first layer that has its
 * policy.yaml (so the writable root shadows a bundled pack of the same
 * name).  Files that do not parse to a mapping are skipped and logged.
 * *out is a new array.  CV_EIO when a root exists but cannot be read.
 */
enum cv_err
cv_policy_catalog(int raw, struct json_object **out)
{
	struct json_object	*arr, *doc;
	const char		*source;
	char			**names = NULL;
	size_t			 i, n = 0, cap = 0;
	enum cv_err		 rc;

	*out = NULL;
	arr = json_object_new_array();
	if ((rc = list_names(cv_policy_root(), &names, &n, &cap)) != CV_OK ||
	    (rc = list_names(cv_policy_bundled_root(), &names, &n,
	    &cap)) != CV_OK)
		goto out;
	if (n > 1)
		qsort(names, n, sizeof(*names), name_cmp);
	for (i = 0; i < n; i++) {
		if (i > 0 && strcmp(names[i], names[i - 1]) == 0)
			continue;
		if (cv_policy_raw(names[i], &doc, &source) != CV_OK)
			continue;
		json_object_array_add(arr, catalog_entry(names[i], doc, raw,
		    source));
		json_object_put(doc);
	}
out:
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	if (rc != CV_OK) {
		json_object_put(arr);
		return rc;
	}
	*out = arr;
	return CV_OK;
}
