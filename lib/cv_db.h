/*
 * A store as the threads of one worker process share it.
 *
 * The serve loop opens every store a responder declares (cv_app.stores)
 * in each worker process after fork, before worker_init(), and closes
 * them after worker_fini(); cv_db() finds one.  A db holds:
 *
 *  - the store's main connection, for writes: one write transaction at a
 *    time in the process (cv_db_write() ... cv_db_commit() or
 *    cv_db_abort() hold a mutex);
 *  - for reads (cv_db_read() ... cv_db_read_end()): in a worker of several
 *    threads over SQLite, a pool of CV_DB_READERS reader connections, each
 *    read on its own snapshot, so that reads wait neither for writes nor
 *    for each other (over PostgreSQL, one per thread up to CV_DB_READERS);
 *    otherwise the main connection under the mutex;
 *  - optionally, write-behind for one kind of record (cv_db_behind()).
 *
 * Write-behind.  cv_db_submit() acknowledges a record once it is durable
 * and stores records in batches, through the kind's apply() callback, in
 * one of two modes chosen when write-behind starts:
 *
 *  - journal mode (the responder runs one worker process): the record is
 *    written to the journal "<store>.journal.0"/".1" (cv_journal.h; with
 *    the JSON or PostgreSQL store also synced to disk; with PostgreSQL
 *    "<store>" is the local path of cv_store_local_path()) and queued;
 *    one indexer thread stores what the queue holds
 *    CAVRA_JOURNAL_DELAY_MS after the first of it arrived, in one
 *    transaction, and only then takes it out of the journal.  A start
 *    stores what a crashed process left in the journal (skipping what
 *    stored() says is stored already).  Reads keep
 *    read-your-writes: cv_db_pending() finds a record acknowledged and not
 *    yet stored by its id, and cv_db_read() first waits until every record
 *    acknowledged before it is stored (asking the indexer to store them at
 *    once; no wait when nothing is queued).  A write transaction
 *    (cv_db_write()) stores the queue first.  The queue holds at most
 *    CV_JOURNAL_QUEUE_MAX records; past that a submitter waits for the
 *    indexer, for CV_STORE_BUSY_MS at most.  A record whose journal sync
 *    fails is not acknowledged and not stored: it is taken out of the
 *    queue and blanked in the journal, unless a batch holding it was
 *    already being stored, in which case the caller learns whether that
 *    batch committed (acknowledged after all) or not (taken out).
 *  - direct mode (several worker processes, or the journal is held by
 *    another process): group commit.  Records submitted at the same time
 *    by several threads are stored in one transaction (CV_COMMIT_BATCH_MAX
 *    at most) by whichever thread comes first; each is acknowledged once
 *    that transaction committed.  A leftover journal is stored first.
 *
 * Stored records are handed back to the thread that submitted them, which
 * frees them at its next submit (freed by the indexer, their json-c
 * objects would fill the fast bins of the submitter's malloc arena).
 */
#ifndef CV_DB_H
#define CV_DB_H

#include <stddef.h>

#include "cv_err.h"
#include "cv_store.h"

struct cv_arena;
struct cv_db;
struct json_object;

/* A kind of record stored behind (see above). */
struct cv_behind {
	const char	*what;		/* "decision", for log lines */
	const char	*id_field;	/* "decision_id": cv_db_pending() */
	/* Stores the n records (in submission order) in the write
	 * transaction open on s; may change them (a fresh id when one is
	 * taken).  Returns a store error to roll the batch back. */
	enum cv_err	(*apply)(struct cv_store *s,
			    struct json_object *const *recs, size_t n);
	/* At start: sets *yes when rec, read back from a journal, is
	 * stored already.  Store errors are returned. */
	enum cv_err	(*stored)(struct cv_store *s, struct json_object *rec,
			    int *yes);
};

/* Opens the store of each def (NULL-terminated) for this process, for
 * `threads` request threads.  CV_EBUSY when one cannot be reached now (a
 * database server down), CV_EIO (logged) when it cannot be opened; those
 * opened stay open until cv_db_close_all(). */
enum cv_err	 cv_db_open_all(const struct cv_store_def *const *defs,
		    int threads);
/* Stops write-behind (storing the queue), closes every store. */
void		 cv_db_close_all(void);
/* Frees the stored records that write-behind handed back to their
 * submitting threads and that those threads have not freed yet (a thread
 * frees its own at its next store call; an idle one would keep them).
 * Returns how many it freed. */
size_t		 cv_db_reclaim(void);
/* The db of def opened by cv_db_open_all(), or NULL. */
struct cv_db	*cv_db(const struct cv_store_def *def);
const struct cv_store_def *cv_db_def(const struct cv_db *);
const char	*cv_db_kind(const struct cv_db *);	/* json|sqlite */
const char	*cv_db_path(const struct cv_db *);

/* A connection for reads until cv_db_read_end(): see above.  CV_EBUSY
 * when records acknowledged before it stay unstored past
 * CV_STORE_BUSY_MS (the store failing). */
enum cv_err	 cv_db_read(struct cv_db *, struct cv_store **);
void		 cv_db_read_end(struct cv_db *, struct cv_store *);

/* The main connection inside a write transaction (everything acknowledged
 * is stored first), until cv_db_commit() or cv_db_abort().  Store errors:
 * nothing is held then. */
enum cv_err	 cv_db_write(struct cv_db *, struct cv_store **);
/* Commits and releases: CV_OK, or the store's error (rolled back). */
enum cv_err	 cv_db_commit(struct cv_db *);
/* Rolls back and releases. */
void		 cv_db_abort(struct cv_db *);

/* Starts write-behind of records of kind k (its table and callbacks
 * live as long as the db); delay_ms as CAVRA_JOURNAL_DELAY_MS; direct: the
 * group commit (the responder runs several worker processes), else the
 * journal unless another process holds it.  Call in
 * worker_init(), before the request threads start.  Stores what a
 * journal holds first; CV_EIO (logged) when that fails (nothing lost:
 * the journal is kept). */
enum cv_err	 cv_db_behind(struct cv_db *, const struct cv_behind *k,
		    long delay_ms, int direct);
/* Submits record rec (consumed) whose text is the len bytes of text (no
 * newline; what the caller answers).  CV_OK once acknowledged (see
 * above); otherwise the record is not stored and the error says why:
 * CV_EBUSY (the queue stayed full), CV_EIO (journal or store failure),
 * CV_EINVAL (text holds a newline or NUL). */
enum cv_err	 cv_db_submit(struct cv_db *, struct json_object *rec,
		    const char *text, size_t len);
/* Whether a record with this id was acknowledged and not yet stored:
 * then *text (its text, copied into the arena) and *len are set. */
int		 cv_db_pending(struct cv_db *, const char *id,
		    struct cv_arena *, const char **text, size_t *len);
/* Records acknowledged and not yet stored (journal mode), for metrics. */
size_t		 cv_db_queued(struct cv_db *);

/* CAVRA_JOURNAL_DELAY_MS, or CV_JOURNAL_DELAY_MS (checked at start by
 * cv_store_config_check()). */
long		 cv_journal_delay_ms(void);

#endif /* !CV_DB_H */
