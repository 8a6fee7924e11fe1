/*
 * What the PostgreSQL store backend (store_pg.c) offers beside the store
 * interface, for `cavra ops backup` and `restore` (cli/ops.c), which copy
 * the other backends' files whole.
 */
#ifndef STORE_PG_H
#define STORE_PG_H

#include <stddef.h>

#include "cv_err.h"

struct cv_store;

/* Called by cv_store_pg_dump() with one record as its stored JSON text
 * (len bytes, sorted keys, no newline) of collection coll: 0 to go on,
 * -1 to stop the dump. */
typedef int	(*cv_store_pg_dump_fn)(void *arg, size_t coll,
		    const char *text, size_t len);

/*
 * Calls fn with every record of every collection of PostgreSQL store s,
 * collection by collection, each in id order, all read in one REPEATABLE
 * READ snapshot (a consistent copy while responders write) and streamed
 * row by row.  Outside a write transaction.  CV_EINVAL for a store of
 * another backend or inside a transaction, CV_EIO when fn stopped;
 * CV_EBUSY, CV_EIO (logged) from the server.
 */
enum cv_err	 cv_store_pg_dump(struct cv_store *s, cv_store_pg_dump_fn fn,
		    void *arg);

/*
 * Inside the write transaction open on PostgreSQL store s: removes every
 * record of its collections (TRUNCATE, undone by a rollback) and sets
 * their row counts to 0.  CV_EINVAL for a store of another backend or
 * outside a transaction; CV_EBUSY, CV_EIO (logged) from the server.
 */
enum cv_err	 cv_store_pg_clear(struct cv_store *s);

#endif /* !STORE_PG_H */
