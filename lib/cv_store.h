/*
 * The record store: one interface for every collection of every area,
 * with two backends chosen by environment variable when the store is
 * opened.
 *
 *  - JSON file (default): the whole store is one JSON object, one array
 *    per collection, written with sorted keys and two-space indent.  A
 *    write takes flock(2) on "<path>.lock", rereads the file if it
 *    changed, writes "<dir>/.<name>.XXXXXX", fsyncs it, renames it over
 *    the file and fsyncs the directory.  Readers take no lock.  The parsed
 *    document is cached per process and reread only when the file's
 *    inode, size or mtime changes.
 *  - SQLite (when the store's *_DB variable is set): WAL, busy_timeout,
 *    one connection per process opened after fork, prepared statements,
 *    one table per collection with an indexed column per filter field and
 *    the full record in a `payload` column.  The unfiltered total of a
 *    list is a row count the store keeps in table cavra_row_counts, in
 *    the transaction that adds the rows; a program that adds rows some
 *    other way must add them to that count too.
 *
 *  - PostgreSQL (when CAVRA_DATABASE_URL is set, a libpq connection string
 *    or URI; it wins over every *_DB and *_STORE variable): every store
 *    of every host in one database, the SQLite layout in one table per
 *    collection (store_pg.c), the schema created and migrated through
 *    table cavra_schema_version when a store is opened.  A write
 *    transaction holds an advisory lock on the store, so it is exclusive
 *    across hosts too.  One connection per cv_store; when the server goes
 *    away calls fail with CV_EBUSY and a later call connects again after
 *    a back-off.
 *
 * The backends give the same answers to the same calls, order included:
 * records are ordered by the collection's order field (string compare,
 * absent = ""), then by id, both in the collection's direction.
 * Fields the store does not know are kept.
 */
#ifndef CV_STORE_H
#define CV_STORE_H

#include <pthread.h>
#include <stddef.h>

#include "cv_err.h"

struct cv_arena;
struct json_object;

struct cv_coll {
	const char		*name;		/* JSON key: "decisions" */
	const char		*table;		/* SQLite: "activity_decisions" */
	const char		*id_field;	/* "decision_id" */
	const char		*order_field;	/* "timestamp", or NULL: id */
	int			 order_desc;	/* 1: largest first */
	const char *const	*fields;	/* filterable, NULL-terminated */
	int			 order_moves;	/* 1: upserts change the order
						   field (sessions.updated_at):
						   SQLite then indexes each
						   field alone, not with the
						   order, so an upsert touches
						   only the indexes of the
						   columns that changed */
};

struct cv_store_def {
	const char		*name;		/* "activity" */
	const char		*json_env;	/* "CAVRA_ACTIVITY_STORE" */
	const char		*db_env;	/* "CAVRA_ACTIVITY_DB" */
	const char		*default_path;	/* ".cavra/api/activity.json" */
	const struct cv_coll	*colls;
	size_t			 ncolls;
};

/* Equality filter on a field's key (see cv_json_key(); an object's key is
 * taken with its keys sorted, as stored).  A NULL value matches a record
 * whose field is absent or null.  The id field may be filtered on too. */
struct cv_filter {
	const char	*field;
	const char	*value;
};

struct cv_store;

/* The six persistent stores of the API, in /operations/stores order. */
extern const struct cv_store_def cv_store_evidence;	/* evidence_metadata */
extern const struct cv_store_def cv_store_approvals;
extern const struct cv_store_def cv_store_registry;
extern const struct cv_store_def cv_store_activity;
extern const struct cv_store_def cv_store_inventory;
extern const struct cv_store_def cv_store_integrations;
extern const struct cv_store_def *const cv_store_defs[];	/* NULL-ended */

/* The backends, as the `backend` argument of cv_store_open_path(). */
#define CV_STORE_JSON		0
#define CV_STORE_SQLITE		1
#define CV_STORE_PG		2

/* Where a store lives according to the environment now: kind "sqlite",
 * "json" or "postgresql", the path (PostgreSQL: the description
 * "postgresql://host[:port]/database", never a password), and the
 * variable that chose it ("default" if none). */
void		 cv_store_locate(const struct cv_store_def *, const char **kind,
		    const char **path, const char **configured_by);

/* With CAVRA_DATABASE_URL set: 1 when the server accepts connections now
 * (PQping(), at most CV_PG_CONNECT_TIMEOUT_S unless the URL sets a
 * connect_timeout), else 0.  0 without CAVRA_DATABASE_URL. */
int		 cv_store_db_ping(void);

/* The file the store of def uses when CAVRA_DATABASE_URL is not set (its
 * *_DB, *_STORE or default path): with PostgreSQL, the local journal of
 * the store lives beside it ("<path>.journal.0"). */
const char	*cv_store_local_path(const struct cv_store_def *);

/* Open per the environment (CAVRA_DATABASE_URL, then the *_DB variable),
 * creating the parent directory and, for SQLite, the schema.  Call after
 * fork.  CV_EIO with a logged line on failure.  Caller closes. */
enum cv_err	 cv_store_open(const struct cv_store_def *, struct cv_store **);
/* Open a given backend (CV_STORE_*) and path explicitly (tests, the
 * CLI); for CV_STORE_PG the path is the connection string. */
enum cv_err	 cv_store_open_path(const struct cv_store_def *, int backend,
		    const char *path, struct cv_store **);
/* The host and database of PostgreSQL connection string conninfo, as
 * malloc'ed strings the caller frees (never the password); the
 * description "postgresql://host[:port]/database" is returned, malloc'ed,
 * or NULL (logged, *host and *db untouched) when conninfo does not
 * parse.  host and db may be NULL. */
char		*cv_store_describe(const char *conninfo, char **host,
		    char **db);
/* Another connection to the store s uses, for reads only (SQLite: its
 * own snapshot per read, a small page cache).  Caller closes. */
enum cv_err	 cv_store_open_reader(const struct cv_store *,
		    struct cv_store **);
/* Checks the store settings of the environment (CAVRA_SQLITE_CACHE_MIB,
 * CAVRA_JOURNAL_DELAY_MS, CAVRA_DATABASE_URL parses):
 * CV_EINVAL with a logged line when one is invalid. */
enum cv_err	 cv_store_config_check(void);
void		 cv_store_close(struct cv_store *);
const char	*cv_store_kind(const struct cv_store *);	/* json|sqlite|
							   postgresql */
const char	*cv_store_path(const struct cv_store *);

/* SQLite: copy the WAL back into the database (checkpoint) from a thread
 * of this process with its own connection instead of in the thread that
 * commits, so commits do not wait for the copy and its fsync(2).  For a
 * process that holds `lock` around every use of the store; the thread
 * takes it briefly to finish each checkpoint.  Call after fork, with lock
 * not held.  JSON: nothing to do.  CV_EIO (logged) when the thread cannot
 * start; commits then checkpoint as before. */
enum cv_err	 cv_store_background_checkpoints(struct cv_store *,
		    pthread_mutex_t *lock);

/* A write transaction: exclusive across processes until commit or
 * rollback.  Reads and writes inside it see and change one consistent
 * state.  Outside a transaction each call is its own. */
enum cv_err	 cv_store_begin(struct cv_store *);
enum cv_err	 cv_store_commit(struct cv_store *);
void		 cv_store_rollback(struct cv_store *);

/* Upsert by the collection's id field, which must be a non-empty string
 * (CV_EINVAL otherwise).  The record is copied, not consumed. */
enum cv_err	 cv_store_put(struct cv_store *, size_t coll,
		    struct json_object *);
/* As cv_store_put(), but a record with the same id is left alone and the
 * call fails with CV_ECONFLICT: for records that must never replace
 * another (a decision whose random id collides). */
enum cv_err	 cv_store_insert(struct cv_store *, size_t coll,
		    struct json_object *);
/* As cv_store_insert() of each of the n records recs, in order, as one
 * write (inside the transaction when one is open): conflict[i] is set to
 * 1 when a record with the id of recs[i] was stored already (before the
 * call or earlier in recs; recs[i] is left out), else 0.  An invalid
 * record is CV_EINVAL before anything is written.  PostgreSQL stores the
 * records with multi-row INSERTs of at most CV_PG_BATCH_PARAMS
 * parameters each; the other backends one by one. */
enum cv_err	 cv_store_insert_batch(struct cv_store *, size_t coll,
		    struct json_object *const *recs, size_t n, int *conflict);
/* One record by id.  CV_ENOENT if none.  *out is a new reference. */
enum cv_err	 cv_store_get(struct cv_store *, size_t coll, const char *id,
		    struct json_object **out);
/* Records matching every filter, in store order, `offset` skipped and at
 * most `limit` returned (SIZE_MAX: all).  *items is a new array; *total
 * is the count before slicing.  With total NULL nothing is counted, so a
 * small page of a large match costs only the page.  A filter on a field not in
 * the collection's `fields` is CV_EINVAL. */
enum cv_err	 cv_store_list(struct cv_store *, size_t coll,
		    const struct cv_filter *, size_t nfilters, size_t limit,
		    size_t offset, struct json_object **items, size_t *total);
/* As cv_store_list(), but the page as one JSON array text "[...]"
 * (malloc'ed, NUL-terminated; the caller frees *text).  The SQLite backend
 * passes its stored payloads through without parsing them. */
enum cv_err	 cv_store_list_json(struct cv_store *, size_t coll,
		    const struct cv_filter *, size_t nfilters, size_t limit,
		    size_t offset, char **text, size_t *len, size_t *total);
enum cv_err	 cv_store_count(struct cv_store *, size_t coll,
		    const struct cv_filter *, size_t nfilters, size_t *);

/* Negative when record a comes before record b in the store order of
 * collection c (order field, then id, each in the collection's
 * direction; see above), positive when after, 0 when they tie.  a is
 * used for keys of other than strings. */
int		 cv_store_order_cmp(struct cv_arena *, const struct cv_coll *c,
		    struct json_object *a, struct json_object *b);

/* Collection numbers within their store. */
#define CV_COLL_DECISIONS	0	/* cv_store_activity */
#define CV_COLL_SESSIONS	1
#define CV_COLL_AGENTS		0	/* cv_store_registry */
#define CV_COLL_MCP_SERVERS	1
#define CV_COLL_REPOSITORIES	0	/* cv_store_inventory */
#define CV_COLL_ROLLOUTS	1
#define CV_COLL_INTEGRATIONS	0	/* cv_store_integrations */

#endif /* !CV_STORE_H */
