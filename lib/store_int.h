/*
 * Private to the record store: the handle shared by the front (store.c)
 * and the three backends (store_json.c, store_sqlite.c, store_pg.c), and
 * the table of operations a backend provides.
 *
 * The front checks every argument, resolves filters to column numbers and
 * turns a write outside a transaction into begin + put + commit, so a
 * backend's put always runs inside a write transaction and its reads are
 * bracketed either by that transaction or by rbegin/rend.
 */
#ifndef STORE_INT_H
#define STORE_INT_H

#include <pthread.h>

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "cv_store.h"
#include "cv_util.h"

struct json_object;

/*
 * A filter resolved by the front: col is an index into the collection's
 * fields, or the number of fields for the id field.  value NULL matches a
 * record whose field is absent or null.
 */
struct cv_qfilter {
	size_t		 col;
	const char	*value;
};

/* A list or count query: filters sorted by col, one per col. */
struct cv_query {
	const struct cv_qfilter	*f;
	size_t			 nf;
	uint32_t		 mask;		/* bit col set for each filter */
	size_t			 limit;		/* SIZE_MAX: all */
	size_t			 offset;
};

struct cv_store_ops {
	const char	*kind;
	/* Sets s->be; the parent directory exists.  CV_EIO logged. */
	enum cv_err	(*open)(struct cv_store *);
	void		(*close)(struct cv_store *);
	enum cv_err	(*begin)(struct cv_store *);
	/* Ends the transaction even when it fails. */
	enum cv_err	(*commit)(struct cv_store *);
	void		(*rollback)(struct cv_store *);
	/* Brackets a read outside a write transaction. */
	enum cv_err	(*rbegin)(struct cv_store *);
	void		(*rend)(struct cv_store *);
	/* Upsert inside a write transaction (insert: CV_ECONFLICT when the
	 * id exists, nothing written).  rec stays the caller's, its keys
	 * in any order: the backend stores it with sorted keys.  id points
	 * into rec. */
	enum cv_err	(*put)(struct cv_store *, size_t coll, const char *id,
			    struct json_object *rec, int insert);
	enum cv_err	(*get)(struct cv_store *, size_t coll, const char *id,
			    struct json_object **);
	/* Appends the page to items (NULL: count only), sets *total. */
	enum cv_err	(*list)(struct cv_store *, size_t coll,
			    const struct cv_query *, struct json_object *items,
			    size_t *total);
	/* Optional: as list, but appends each record of the page to out as
	 * its stored JSON text, comma-separated, without parsing it.  NULL:
	 * the front end serialises what list returns. */
	enum cv_err	(*list_text)(struct cv_store *, size_t coll,
			    const struct cv_query *, struct cv_text *out,
			    size_t *total);
	/* Optional: put() with insert of each of the n records recs, in
	 * order, setting conflict[i] for each (1: its id was stored,
	 * nothing written); ids[i] points into recs[i].  In a write
	 * transaction.  NULL: the front end calls put() for each. */
	enum cv_err	(*insert_batch)(struct cv_store *, size_t coll,
			    const char *const *ids,
			    struct json_object *const *recs, size_t n,
			    int *conflict);
};

struct cv_store {
	const struct cv_store_def	*def;
	const struct cv_store_ops	*ops;
	char				*path;		/* PostgreSQL: the
							   description (no
							   password) */
	char				*conninfo;	/* PostgreSQL: the
							   connection string,
							   else NULL */
	unsigned int			 gen;		/* fork_gen when opened
							   (store.c) */
	int				 in_txn;
	int				 reader;	/* opened for reads only
							   (cv_store_open_reader()) */
	void				*be;		/* backend state */
};

extern const struct cv_store_ops	cv_store_json_ops;
extern const struct cv_store_ops	cv_store_sqlite_ops;
extern const struct cv_store_ops	cv_store_pg_ops;

size_t		 cv_coll_nfields(const struct cv_coll *);
/* Field name of a resolved filter column (the id field past the end). */
const char	*cv_coll_colname(const struct cv_coll *, size_t col);
/* 1 if name is the collection's order field. */
int		 cv_coll_is_order(const struct cv_coll *, const char *name);

/* store_sqlite.c: see cv_store_background_checkpoints(). */
enum cv_err	 cv_store_sqlite_background(struct cv_store *,
		    pthread_mutex_t *);

/* The SQLite page cache of a store's main connection, in KiB
 * (CAVRA_SQLITE_CACHE_MIB, checked by cv_store_config_check()). */
long		 cv_store_cache_kib(void);

/* store_pg.c: see cv_store_describe(). */
char		*cv_store_pg_describe(const char *conninfo, char **host,
		    char **db);
/* store_pg.c: see cv_store_db_ping(); 0 for a NULL conninfo. */
int		 cv_store_pg_ping(const char *conninfo);

/*
 * store_totals.c: cached totals of lists filtered on several columns,
 * kept per database (key: a path or connection string) for every
 * connection of the process, each at the generation of the database it
 * counts.
 */
struct cv_totals;

/* The totals of database key, made on first use; a reference that
 * cv_totals_release() gives back. */
struct cv_totals *cv_totals_get(const char *key);
void		 cv_totals_release(struct cv_totals *);
/* The number of the last entry made or used, for cv_totals_end(). */
uint64_t	 cv_totals_seq(struct cv_totals *);
/* 1 and the total of query q of collection coll counted at generation
 * gen into *n, if there is one; else 0. */
int		 cv_totals_find(struct cv_totals *, size_t coll,
		    const struct cv_query *q, int64_t gen, int64_t *n);
/* As cv_totals_find(), at whatever generation (>= 0) the total was kept
 * (into *gen): a backend that reads the generation with the total. */
int		 cv_totals_last(struct cv_totals *, size_t coll,
		    const struct cv_query *q, int64_t *gen, int64_t *n);
/* Keeps total n of query q counted at generation gen (>= 0), in place of
 * the same query's entry, else of a stale one, else of the least used. */
void		 cv_totals_add(struct cv_totals *, size_t coll,
		    const struct cv_query *q, int64_t gen, int64_t n);
/* A write in a transaction that began at generation gen: a row of
 * collection coll now has the filter column keys keys (NULL: deleted)
 * and had oldkeys (NULL: new); the entries at gen count it as pending. */
void		 cv_totals_put(struct cv_totals *, size_t coll, int64_t gen,
		    const char *const *keys, const char *const *oldkeys);
/* That transaction ended.  moved: it committed a change, and the
 * generation is now gen + 1: the entries at gen take their pending
 * changes and move on, but those made after cv_totals_seq() was seq
 * (they may miss some of its writes), which are dropped.  Pending
 * changes are forgotten either way. */
void		 cv_totals_end(struct cv_totals *, int moved, int64_t gen,
		    uint64_t seq);

/* store_vfs.c: the SQLite VFS name stores open with (NULL: default). */
const char	*cv_store_vfs(void);

#endif /* !STORE_INT_H */
