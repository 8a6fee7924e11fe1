/*
 * The record store front: picks the backend from the environment, checks
 * arguments, resolves filters and gives every call outside an explicit
 * transaction a transaction of its own.  The backends (store_json.c,
 * store_sqlite.c, store_pg.c) see only checked input.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cv_db.h"
#include "cv_json.h"
#include "cv_limits.h"
#include "cv_util.h"
#include "store_int.h"

size_t
cv_coll_nfields(const struct cv_coll *c)
{
	size_t	 n = 0;

	while (c->fields != NULL && c->fields[n] != NULL)
		n++;
	return n;
}

const char *
cv_coll_colname(const struct cv_coll *c, size_t col)
{
	return col < cv_coll_nfields(c) ? c->fields[col] : c->id_field;
}

int
cv_coll_is_order(const struct cv_coll *c, const char *name)
{
	return c->order_field != NULL && strcmp(c->order_field, name) == 0;
}

/* The key of field f of rec as the store orders on it ("" when absent). */
static const char *
order_key(struct cv_arena *a, struct json_object *rec, const char *f)
{
	struct json_object	*v = NULL;
	const char		*k;

	json_object_object_get_ex(rec, f, &v);
	k = cv_json_key(a, v);
	return k != NULL ? k : "";
}

int
cv_store_order_cmp(struct cv_arena *ar, const struct cv_coll *c,
    struct json_object *a, struct json_object *b)
{
	int	 d = 0;

	if (c->order_field != NULL)
		d = strcmp(order_key(ar, a, c->order_field), order_key(ar, b,
		    c->order_field));
	if (d == 0)
		d = strcmp(order_key(ar, a, c->id_field), order_key(ar, b,
		    c->id_field));
	return c->order_desc ? -d : d;
}

/* The environment variable that puts every store in PostgreSQL. */
#define DATABASE_URL	"CAVRA_DATABASE_URL"

char *
cv_store_describe(const char *conninfo, char **host, char **db)
{
	return cv_store_pg_describe(conninfo, host, db);
}

int
cv_store_db_ping(void)
{
	return cv_store_pg_ping(cv_env(DATABASE_URL));
}

const char *
cv_store_local_path(const struct cv_store_def *def)
{
	const char	*p;

	if ((p = cv_env(def->db_env)) != NULL)
		return p;
	if ((p = cv_env(def->json_env)) != NULL)
		return p;
	return def->default_path;
}

/*
 * With CAVRA_DATABASE_URL, the path cv_store_locate() reports is the
 * description of the URL (see cv_store_describe()), in a buffer of the
 * calling thread until its next call (no heap memory a thread leaves
 * behind when it exits).
 */
static const char *
describe_env(const char *url)
{
	static __thread char	 buf[CV_PG_DESCRIBE_MAX];
	char			*d;

	if ((d = cv_store_pg_describe(url, NULL, NULL)) == NULL)
		snprintf(buf, sizeof(buf), "postgresql://(unparsable "
		    "CAVRA_DATABASE_URL)");
	else
		snprintf(buf, sizeof(buf), "%s", d);
	free(d);
	return buf;
}

void
cv_store_locate(const struct cv_store_def *def, const char **kind,
    const char **path, const char **by)
{
	const char	*k, *p, *b;

	if ((p = cv_env(DATABASE_URL)) != NULL) {
		k = "postgresql";
		p = describe_env(p);
		b = DATABASE_URL;
	} else if ((p = cv_env(def->db_env)) != NULL) {
		k = "sqlite";
		b = def->db_env;
	} else if ((p = cv_env(def->json_env)) != NULL) {
		k = "json";
		b = def->json_env;
	} else {
		k = "json";
		p = def->default_path;
		b = "default";
	}
	if (kind != NULL)
		*kind = k;
	if (path != NULL)
		*path = p;
	if (by != NULL)
		*by = b;
}

/*
 * Fork generation: bumped in the child of every fork(2) by a
 * pthread_atfork() handler, so a store can tell it was opened by its
 * parent without a getpid() system call per store call.  Written only by
 * that handler, which runs while the child has a single thread, before
 * any other thread of the child exists; every later read is ordered after
 * that write, so a plain int is race-free.  A child made by a raw clone(2)
 * or _Fork() runs no handler and is not told apart: exec or _exit there.
 */
static unsigned int	fork_gen;
static pthread_once_t	fork_once = PTHREAD_ONCE_INIT;

static void
fork_child(void)
{
	fork_gen++;
}

/* Registers fork_child(), once per process (pthread_once). */
static void
fork_init(void)
{
	if (pthread_atfork(NULL, NULL, fork_child) != 0)
		cv_fatal("store: pthread_atfork failed");
}

/* A name we may put between double quotes in SQL: [a-z_][a-z0-9_]*. */
static int
ident_ok(const char *s)
{
	const char	*p;

	if (s == NULL || *s == '\0' || (*s >= '0' && *s <= '9'))
		return 0;
	for (p = s; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    *p == '_'))
			return 0;
	return 1;
}

/*
 * Checks that a store definition is one both backends can serve: SQL-safe
 * names, at most CV_STORE_FIELDS_MAX distinct filter fields, none of them
 * the id or "payload".  Logs and returns CV_EINTERNAL otherwise.
 */
static enum cv_err
def_check(const struct cv_store_def *def)
{
	const struct cv_coll	*c;
	size_t			 i, j, k, n;

	if (def->ncolls == 0 || def->colls == NULL)
		goto bad;
	for (i = 0; i < def->ncolls; i++) {
		c = &def->colls[i];
		if (c->name == NULL || !ident_ok(c->table) ||
		    !ident_ok(c->id_field) ||
		    strcmp(c->id_field, "payload") == 0)
			goto bad;
		if (c->order_field != NULL && (!ident_ok(c->order_field) ||
		    strcmp(c->order_field, c->id_field) == 0 ||
		    strcmp(c->order_field, "payload") == 0))
			goto bad;
		if ((n = cv_coll_nfields(c)) > CV_STORE_FIELDS_MAX)
			goto bad;
		for (j = 0; j < n; j++) {
			if (!ident_ok(c->fields[j]) ||
			    strcmp(c->fields[j], c->id_field) == 0 ||
			    strcmp(c->fields[j], "payload") == 0)
				goto bad;
			for (k = 0; k < j; k++)
				if (strcmp(c->fields[j], c->fields[k]) == 0)
					goto bad;
		}
		for (j = 0; j < i; j++)
			if (strcmp(c->name, def->colls[j].name) == 0 ||
			    strcmp(c->table, def->colls[j].table) == 0)
				goto bad;
	}
	return CV_OK;
bad:
	cv_log("store %s: invalid store definition", def->name);
	return CV_EINTERNAL;
}

/*
 * Creates every missing directory above the file at path (mode 0750).
 * Logs and returns CV_EIO when one cannot be made.
 */
static enum cv_err
make_parent(const char *path)
{
	char		*buf, *p, c;
	enum cv_err	 rc = CV_OK;

	buf = cv_xstrdup(path);
	if ((p = strrchr(buf, '/')) == NULL || p == buf)
		goto out;
	*p = '\0';
	for (p = buf + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		c = *p;
		*p = '\0';
		if (mkdir(buf, 0750) == -1 && errno != EEXIST) {
			cv_log("%s: mkdir: %s", buf, strerror(errno));
			rc = CV_EIO;
			goto out;
		}
		if (c == '\0')
			break;
		*p = c;
	}
out:
	free(buf);
	return rc;
}

/*
 * Opens the store of def with the given backend (CV_STORE_*) at path,
 * creating the parent directory; for PostgreSQL path is the connection
 * string.  *out is the caller's, closed with cv_store_close().  CV_EIO
 * (logged) when the file or database cannot be used, CV_EBUSY when
 * SQLite stays locked past its timeout.
 */
static enum cv_err
open_store(const struct cv_store_def *def, int backend, const char *path,
    int reader, struct cv_store **out)
{
	struct cv_store	*s = NULL;
	enum cv_err	 rc;

	*out = NULL;
	if ((rc = def_check(def)) != CV_OK)
		goto out;
	if (path == NULL || *path == '\0') {
		cv_log("store %s: empty path", def->name);
		rc = CV_EIO;
		goto out;
	}
	s = cv_xcalloc(1, sizeof(*s));
	s->def = def;
	s->reader = reader;
	if ((errno = pthread_once(&fork_once, fork_init)) != 0)
		cv_fatal("store: pthread_once: %s", strerror(errno));
	s->gen = fork_gen;
	if (backend == CV_STORE_PG) {
		s->ops = &cv_store_pg_ops;
		s->conninfo = cv_xstrdup(path);
		if ((s->path = cv_store_pg_describe(path, NULL, NULL)) ==
		    NULL) {
			rc = CV_EIO;
			goto out;
		}
	} else {
		s->ops = backend == CV_STORE_SQLITE ? &cv_store_sqlite_ops :
		    &cv_store_json_ops;
		s->path = cv_xstrdup(path);
		if ((rc = make_parent(path)) != CV_OK)
			goto out;
	}
	if ((rc = s->ops->open(s)) != CV_OK)
		goto out;
	*out = s;
	s = NULL;
out:
	if (s != NULL) {
		free(s->path);
		free(s->conninfo);
		free(s);
	}
	return rc;
}

enum cv_err
cv_store_open_path(const struct cv_store_def *def, int backend,
    const char *path, struct cv_store **out)
{
	return open_store(def, backend, path, 0, out);
}

/* A numeric setting of the environment. */
struct setting {
	const char	*env;
	long		 min, max, dflt;
	const char	*unit;
};

static const struct setting cache_mib = { "CAVRA_SQLITE_CACHE_MIB", 1,
    CV_SQLITE_CACHE_MIB_MAX, CV_SQLITE_CACHE_MIB, "MiB" };
static const struct setting delay_ms = { "CAVRA_JOURNAL_DELAY_MS", 0,
    CV_JOURNAL_DELAY_MAX_MS, CV_JOURNAL_DELAY_MS, "milliseconds" };

/*
 * The value of setting t: its variable as a decimal number from min to
 * max, or the default when unset.  *ok is 0 (and the default returned)
 * when the variable holds anything else.
 */
static long
setting(const struct setting *t, int *ok)
{
	const char	*v;
	char		*end;
	long		 n;

	*ok = 1;
	if ((v = cv_env(t->env)) == NULL)
		return t->dflt;
	errno = 0;
	n = strtol(v, &end, 10);
	if (*end != '\0' || errno != 0 || n < t->min || n > t->max) {
		*ok = 0;
		return t->dflt;
	}
	return n;
}

long
cv_store_cache_kib(void)
{
	int	 ok;

	return setting(&cache_mib, &ok) * 1024;
}

long
cv_journal_delay_ms(void)
{
	int	 ok;

	return setting(&delay_ms, &ok);
}

enum cv_err
cv_store_config_check(void)
{
	static const struct setting *const all[] = { &cache_mib, &delay_ms };
	enum cv_err	 rc = CV_OK;
	const char	*url;
	char		*d;
	size_t		 i;
	int		 ok;

	if ((url = cv_env(DATABASE_URL)) != NULL) {
		if ((d = cv_store_pg_describe(url, NULL, NULL)) == NULL)
			rc = CV_EINVAL;
		free(d);
	}
	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		(void)setting(all[i], &ok);
		if (ok)
			continue;
		cv_log("%s: expected %s from %ld to %ld, got \"%s\"",
		    all[i]->env, all[i]->unit, all[i]->min, all[i]->max,
		    cv_env(all[i]->env));
		rc = CV_EINVAL;
	}
	return rc;
}

/*
 * Opens another connection to the store src uses, for reads only: same
 * definition, backend and path, with a small SQLite page cache.  Writes
 * through it are a programming error.  *out is the caller's.  Errors as
 * cv_store_open_path().
 */
enum cv_err
cv_store_open_reader(const struct cv_store *src, struct cv_store **out)
{
	if (src->ops == &cv_store_pg_ops)
		return open_store(src->def, CV_STORE_PG, src->conninfo, 1,
		    out);
	return open_store(src->def, src->ops == &cv_store_sqlite_ops ?
	    CV_STORE_SQLITE : CV_STORE_JSON, src->path, 1, out);
}

enum cv_err
cv_store_open(const struct cv_store_def *def, struct cv_store **out)
{
	const char	*kind, *path;

	if ((path = cv_env(DATABASE_URL)) != NULL) {
		/* The directory of the local journal (see cv_db_behind()). */
		if (make_parent(cv_store_local_path(def)) != CV_OK)
			return CV_EIO;
		return cv_store_open_path(def, CV_STORE_PG, path, out);
	}
	cv_store_locate(def, &kind, &path, NULL);
	return cv_store_open_path(def, strcmp(kind, "sqlite") == 0 ?
	    CV_STORE_SQLITE : CV_STORE_JSON, path, out);
}

/*
 * Closes s, rolling back an open transaction.  In a process forked after
 * the open, only memory is released: the backend state belongs to the
 * parent (closing an inherited SQLite connection can damage the WAL).
 */
void
cv_store_close(struct cv_store *s)
{
	if (s == NULL)
		return;
	if (s->gen == fork_gen) {
		if (s->in_txn)
			s->ops->rollback(s);
		s->ops->close(s);
	}
	free(s->path);
	free(s->conninfo);
	free(s);
}

const char *
cv_store_kind(const struct cv_store *s)
{
	return s->ops->kind;
}

const char *
cv_store_path(const struct cv_store *s)
{
	return s->path;
}

/*
 * CV_EINTERNAL (logged) when s was opened by another process: one forked
 * since (see fork_gen).
 */
static enum cv_err
same_process(const struct cv_store *s)
{
	if (s->gen == fork_gen)
		return CV_OK;
	cv_log("store %s: used in a process forked after it was opened",
	    s->def->name);
	return CV_EINTERNAL;
}

enum cv_err
cv_store_background_checkpoints(struct cv_store *s, pthread_mutex_t *lock)
{
	enum cv_err	 rc;

	if ((rc = same_process(s)) != CV_OK)
		return rc;
	if (s->ops != &cv_store_sqlite_ops)
		return CV_OK;
	return cv_store_sqlite_background(s, lock);
}

enum cv_err
cv_store_begin(struct cv_store *s)
{
	enum cv_err	 rc;

	if ((rc = same_process(s)) != CV_OK)
		return rc;
	if (s->in_txn) {
		cv_log("store %s: transaction already open", s->def->name);
		return CV_EINTERNAL;
	}
	if ((rc = s->ops->begin(s)) == CV_OK)
		s->in_txn = 1;
	return rc;
}

enum cv_err
cv_store_commit(struct cv_store *s)
{
	enum cv_err	 rc;

	if ((rc = same_process(s)) != CV_OK)
		return rc;
	if (!s->in_txn) {
		cv_log("store %s: commit without a transaction", s->def->name);
		return CV_EINTERNAL;
	}
	s->in_txn = 0;
	return s->ops->commit(s);
}

void
cv_store_rollback(struct cv_store *s)
{
	if (same_process(s) != CV_OK || !s->in_txn)
		return;
	s->in_txn = 0;
	s->ops->rollback(s);
}

/* Nesting of arrays and objects in o, counted up to max + 1. */
static int
depth_of(struct json_object *o, int max)
{
	size_t	 i, n;
	int	 d, m = 0;

	if (max < 0)
		return 1;
	switch (json_object_get_type(o)) {
	case json_type_array:
		n = json_object_array_length(o);
		for (i = 0; i < n && m <= max; i++)
			if ((d = depth_of(json_object_array_get_idx(o, i),
			    max - 1)) > m)
				m = d;
		return m + 1;
	case json_type_object: {
		json_object_object_foreach(o, k, v) {
			(void)k;
			if ((d = depth_of(v, max - 1)) > m)
				m = d;
			if (m > max)
				break;
		}
		return m + 1;
	}
	default:
		return 0;
	}
}

/*
 * Checks record rec for collection coll of s: sets *id (pointing into
 * rec) when rec is an object whose id field is a non-empty string of at
 * most CV_ID_MAX bytes without NUL and it nests at most
 * CV_STORE_RECORD_DEPTH deep.  CV_EINVAL otherwise, CV_EINTERNAL for a
 * collection s does not have.
 */
static enum cv_err
record_check(const struct cv_store *s, size_t coll, struct json_object *rec,
    const char **id)
{
	const struct cv_coll	*c;
	struct json_object	*v;
	size_t			 len;

	if (coll >= s->def->ncolls)
		return CV_EINTERNAL;
	c = &s->def->colls[coll];
	if (!json_object_is_type(rec, json_type_object) ||
	    !json_object_object_get_ex(rec, c->id_field, &v) ||
	    !json_object_is_type(v, json_type_string))
		return CV_EINVAL;
	len = (size_t)json_object_get_string_len(v);
	*id = json_object_get_string(v);
	if (len == 0 || len > CV_ID_MAX || strlen(*id) != len)
		return CV_EINVAL;
	if (depth_of(rec, CV_STORE_RECORD_DEPTH) > CV_STORE_RECORD_DEPTH)
		return CV_EINVAL;
	return CV_OK;
}

/*
 * Inserts (insert) or upserts the n checked records recs with ids ids
 * into coll inside the write transaction: one put() each, or the
 * backend's insert_batch() when it has one.  conflict[i] as
 * cv_store_insert_batch(); NULL for a single upsert or insert, whose
 * conflict is CV_ECONFLICT.  Backend errors.
 */
static enum cv_err
store_puts(struct cv_store *s, size_t coll, const char *const *ids,
    struct json_object *const *recs, size_t n, int insert, int *conflict)
{
	size_t		 i;
	enum cv_err	 rc = CV_OK;

	if (conflict == NULL)
		return s->ops->put(s, coll, ids[0], recs[0], insert);
	if (s->ops->insert_batch != NULL)
		return s->ops->insert_batch(s, coll, ids, recs, n, conflict);
	for (i = 0; i < n && rc == CV_OK; i++) {
		rc = s->ops->put(s, coll, ids[i], recs[i], 1);
		conflict[i] = rc == CV_ECONFLICT;
		if (rc == CV_ECONFLICT)
			rc = CV_OK;
	}
	return rc;
}

/*
 * Writes copies of the n records recs (keys sorted) under their id
 * fields; recs stay the caller's.  CV_EINVAL when one fails
 * record_check(), before anything is written.  conflict NULL: one
 * record, an upsert, or with insert CV_ECONFLICT instead of replacing a
 * record with its id; else an insert of each (cv_store_insert_batch()).
 * Outside a transaction the write is one.  CV_EBUSY, CV_EIO, CV_ENOMEM
 * from the backend.
 */
static enum cv_err
store_write(struct cv_store *s, size_t coll, struct json_object *const *recs,
    size_t n, int insert, int *conflict)
{
	const char	**ids = NULL, *one;
	size_t		  i;
	enum cv_err	  rc;

	if ((rc = same_process(s)) != CV_OK || n == 0)
		goto out;
	ids = n == 1 ? &one : cv_xcalloc(n, sizeof(*ids));
	for (i = 0; i < n; i++)
		if ((rc = record_check(s, coll, recs[i], &ids[i])) != CV_OK)
			goto out;
	if (s->in_txn) {
		rc = store_puts(s, coll, ids, recs, n, insert, conflict);
		goto out;
	}
	if ((rc = s->ops->begin(s)) != CV_OK)
		goto out;
	if ((rc = store_puts(s, coll, ids, recs, n, insert, conflict)) !=
	    CV_OK) {
		s->ops->rollback(s);
		goto out;
	}
	rc = s->ops->commit(s);
out:
	if (ids != &one)
		free(ids);
	return rc;
}

enum cv_err
cv_store_put(struct cv_store *s, size_t coll, struct json_object *rec)
{
	return store_write(s, coll, &rec, 1, 0, NULL);
}

enum cv_err
cv_store_insert(struct cv_store *s, size_t coll, struct json_object *rec)
{
	return store_write(s, coll, &rec, 1, 1, NULL);
}

enum cv_err
cv_store_insert_batch(struct cv_store *s, size_t coll,
    struct json_object *const *recs, size_t n, int *conflict)
{
	return store_write(s, coll, recs, n, 1, conflict);
}

/*
 * One record by id; *out is a new reference the caller puts.  CV_ENOENT
 * when there is none (an empty id names none), CV_EINVAL for a NULL id.
 */
enum cv_err
cv_store_get(struct cv_store *s, size_t coll, const char *id,
    struct json_object **out)
{
	enum cv_err	 rc;

	*out = NULL;
	if ((rc = same_process(s)) != CV_OK)
		return rc;
	if (coll >= s->def->ncolls)
		return CV_EINTERNAL;
	if (id == NULL)
		return CV_EINVAL;
	if (*id == '\0' || strlen(id) > CV_ID_MAX)
		return CV_ENOENT;
	if (s->in_txn)
		return s->ops->get(s, coll, id, out);
	if ((rc = s->ops->rbegin(s)) != CV_OK)
		return rc;
	rc = s->ops->get(s, coll, id, out);
	s->ops->rend(s);
	return rc;
}

/* Equal filter values: both NULL or the same string. */
static int
value_eq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/*
 * Resolves filters against collection c into q->f (room for
 * CV_STORE_FIELDS_MAX + 1), sorted by column, one per column.  Sets
 * *never when two filters on one field ask for different values.
 * CV_EINVAL for a field that is neither filterable nor the id.
 */
static enum cv_err
resolve(const struct cv_coll *c, const struct cv_filter *in, size_t nin,
    struct cv_qfilter *f, struct cv_query *q, int *never)
{
	size_t	 i, col, nf, j;

	nf = cv_coll_nfields(c);
	*never = 0;
	q->f = f;
	q->nf = 0;
	q->mask = 0;
	if (nin > 0 && in == NULL)
		return CV_EINVAL;
	for (i = 0; i < nin; i++) {
		if (in[i].field == NULL)
			return CV_EINVAL;
		if (strcmp(in[i].field, c->id_field) == 0)
			col = nf;
		else {
			for (col = 0; col < nf; col++)
				if (strcmp(c->fields[col], in[i].field) == 0)
					break;
			if (col == nf)
				return CV_EINVAL;
		}
		if (q->mask & (UINT32_C(1) << col)) {
			for (j = 0; f[j].col != col; j++)
				continue;
			if (!value_eq(f[j].value, in[i].value))
				*never = 1;
			continue;
		}
		/* Insert sorted by column. */
		for (j = q->nf; j > 0 && f[j - 1].col > col; j--)
			f[j] = f[j - 1];
		f[j].col = col;
		f[j].value = in[i].value;
		q->nf++;
		q->mask |= UINT32_C(1) << col;
	}
	return CV_OK;
}

/*
 * The list and count work: resolves filters, brackets the backend's read
 * and fills items (when not NULL) and total.
 */
static enum cv_err
query(struct cv_store *s, size_t coll, const struct cv_filter *filters,
    size_t nfilters, size_t limit, size_t offset, struct json_object *items,
    struct cv_text *text, size_t *total)
{
	struct cv_qfilter	 f[CV_STORE_FIELDS_MAX + 1];
	struct cv_query		 q;
	enum cv_err		 rc;
	int			 never;

	if (total != NULL)
		*total = 0;
	if ((rc = same_process(s)) != CV_OK)
		return rc;
	if (coll >= s->def->ncolls)
		return CV_EINTERNAL;
	rc = resolve(&s->def->colls[coll], filters, nfilters, f, &q, &never);
	if (rc != CV_OK || never)
		return rc;
	q.limit = limit;
	q.offset = offset;
	if (!s->in_txn && (rc = s->ops->rbegin(s)) != CV_OK)
		return rc;
	if (text != NULL)
		rc = s->ops->list_text(s, coll, &q, text, total);
	else
		rc = s->ops->list(s, coll, &q, items, total);
	if (!s->in_txn)
		s->ops->rend(s);
	return rc;
}

/*
 * The page as JSON text: "[" records "]" in one malloc'ed string the
 * caller frees.  Records are the stored text when the backend can give it
 * (SQLite's payload column: no parse, no serialisation), else serialised
 * from cv_store_list().  Errors as cv_store_list().
 */
enum cv_err
cv_store_list_json(struct cv_store *s, size_t coll,
    const struct cv_filter *filters, size_t nfilters, size_t limit,
    size_t offset, char **out, size_t *len, size_t *total)
{
	struct cv_text		 t = { NULL, 0, 0 };
	struct json_object	*items = NULL;
	const char		*rec;
	size_t			 i, n, rlen;
	enum cv_err		 rc;

	*out = NULL;
	*len = 0;
	cv_text_add(&t, "[", 1);
	if (s->ops->list_text != NULL)
		rc = query(s, coll, filters, nfilters, limit, offset, NULL, &t,
		    total);
	else {
		rc = cv_store_list(s, coll, filters, nfilters, limit, offset,
		    &items, total);
		n = rc == CV_OK ? json_object_array_length(items) : 0;
		for (i = 0; i < n; i++) {
			rec = json_object_to_json_string_length(
			    json_object_array_get_idx(items, i),
			    JSON_C_TO_STRING_PLAIN |
			    JSON_C_TO_STRING_NOSLASHESCAPE, &rlen);
			if (i > 0)
				cv_text_add(&t, ",", 1);
			cv_text_add(&t, rec, rlen);
		}
		json_object_put(items);
	}
	if (rc != CV_OK) {
		free(t.p);
		return rc;
	}
	cv_text_add(&t, "]", 1);
	*out = t.p;
	*len = t.len;
	return CV_OK;
}

/*
 * Records matching every filter in store order; see cv_store.h.  *items is
 * a new array the caller puts (NULL on failure).
 */
enum cv_err
cv_store_list(struct cv_store *s, size_t coll, const struct cv_filter *filters,
    size_t nfilters, size_t limit, size_t offset, struct json_object **items,
    size_t *total)
{
	struct json_object	*arr;
	size_t			 n;
	enum cv_err		 rc;

	*items = NULL;
	if ((arr = json_object_new_array()) == NULL)
		return CV_ENOMEM;
	rc = query(s, coll, filters, nfilters, limit, offset, arr, NULL,
	    total != NULL ? &n : NULL);
	if (rc != CV_OK) {
		json_object_put(arr);
		return rc;
	}
	if (total != NULL)
		*total = n;
	*items = arr;
	return CV_OK;
}

enum cv_err
cv_store_count(struct cv_store *s, size_t coll, const struct cv_filter *filters,
    size_t nfilters, size_t *count)
{
	return query(s, coll, filters, nfilters, 0, 0, NULL, NULL, count);
}
