/*
 * The stores of a worker process: connections shared by its threads,
 * reader connections, and write-behind through a journal or a group
 * commit.  See cv_db.h.
 *
 * Locks, in the order they are taken: db->wmu (the main connection and
 * its transaction), then b->mu (the write-behind queue and counters), or
 * db->rmu (the reader pool) or b->smu (the journal's syncs) alone.  The
 * journal is touched under b->mu, except by drain(), which holds
 * db->wmu: it switches the active file under b->mu, and then owns the
 * file it switched away from.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "cv_arena.h"
#include "cv_db.h"
#include "cv_journal.h"
#include "cv_json.h"
#include "cv_limits.h"
#include "cv_metrics.h"
#include "cv_park.h"
#include "cv_util.h"

/* The stores of this process (cv_db_open_all()). */
#define DB_MAX	8

/*
 * A record submitted for write-behind: owned by the queue from its
 * acknowledgement until it is stored, then by its home (the submitting
 * thread), which frees it.
 */
struct entry {
	struct json_object	*rec;
	char			*text;	/* NUL-terminated copy of the text */
	size_t			 len;
	char			*id;	/* copy of the record's id, or NULL */
	struct home		*home;
	uint64_t		 seq;	/* journal mode: acknowledgement
					   number */
	int			 file;	/* journal file and offset */
	size_t			 off;
	atomic_int		 state;	/* direct mode: enum pstate */
	enum cv_err		 rc;	/* direct mode: the result */
	struct entry		*next;	/* direct mode: the queue */
};

/* Direct mode: a submitter waits (P_WAIT) until its record's batch is
 * done (P_DONE) or it is handed the committer's role (P_LEAD). */
enum pstate { P_WAIT, P_DONE, P_LEAD };

/* The records a thread submitted that were stored, to free. */
struct home {
	pthread_mutex_t		 mu;
	struct entry		**e;
	size_t			 n, cap;
	struct home		*next;	/* every home, under homes_mu */
};

static __thread struct home	*my_home;
static struct home		*homes;
static pthread_mutex_t		 homes_mu = PTHREAD_MUTEX_INITIALIZER;

struct behind {
	const struct cv_behind	*k;
	struct cv_journal	*j;		/* NULL: direct mode */
	long			 delay_ms;
	pthread_mutex_t		 mu;
	pthread_cond_t		 wake;		/* the indexer: work, stop */
	pthread_cond_t		 room;		/* submitters: queue room */
	pthread_cond_t		 done;		/* readers, cancels: stored
						   moved on */
	struct entry		**q;		/* acknowledged, not stored */
	size_t			 qlen, qcap;
	struct entry		**fly;		/* being stored by drain() */
	size_t			 nfly;
	uint64_t		 acked;		/* records acknowledged */
	uint64_t		 stored;	/* every record acknowledged up
						   to this number is stored or
						   taken back */
	int			 unsynced[2];	/* journal mode: a record went
						   to file i since its last
						   sync began */
	/* Journal mode: the syncs of the journal (sync_to()), apart from
	 * mu so that the threads waiting for one keep out of the way of
	 * those that append. */
	pthread_mutex_t		 smu;
	pthread_cond_t		 synced_cv;	/* a sync ended */
	uint64_t		 synced;	/* records up to this number
						   are synced */
	int			 syncing;	/* a thread syncs */
	int			 urgent;	/* a reader waits: store now */
	int			 stop;
	pthread_t		 tid;
	int			 running;
	/* Direct mode: the group commit's queue. */
	pthread_mutex_t		 gmu;
	struct entry		*ghead, **gtail;
	int			 committing;
};

struct cv_db {
	const struct cv_store_def	*def;
	struct cv_store			*main;
	pthread_mutex_t			 wmu;
	struct cv_store			**readers;	/* all of them */
	size_t				 nreaders;
	struct cv_store			**idle;		/* free ones */
	size_t				 nidle;
	pthread_mutex_t			 rmu;
	pthread_cond_t			 rcv;
	struct behind			*b;
};

static struct cv_db	*dbs[DB_MAX];
static size_t		 ndbs;

/* Frees entry e and its record. */
static void
entry_free(struct entry *e)
{
	if (e == NULL)
		return;
	json_object_put(e->rec);
	free(e->text);
	free(e->id);
	free(e);
}

/* This thread's home, made on first use. */
static struct home *
home_get(void)
{
	struct home	*h;

	if ((h = my_home) != NULL)
		return h;
	h = cv_xcalloc(1, sizeof(*h));
	pthread_mutex_init(&h->mu, NULL);
	pthread_mutex_lock(&homes_mu);
	h->next = homes;
	homes = h;
	pthread_mutex_unlock(&homes_mu);
	return my_home = h;
}

/* Hands stored entry e back to home h to be freed there. */
static void
home_give(struct home *h, struct entry *e)
{
	struct entry	**a;

	pthread_mutex_lock(&h->mu);
	if (h->n == h->cap) {
		h->cap = h->cap == 0 ? 64 : h->cap * 2;
		if ((a = reallocarray(h->e, h->cap, sizeof(*a))) == NULL)
			cv_fatal("out of memory");
		h->e = a;
	}
	h->e[h->n++] = e;
	pthread_mutex_unlock(&h->mu);
}

/* Frees what home h was given: by h's thread, or by anyone at the end.
 * Returns how many records that was. */
static size_t
home_free(struct home *h)
{
	struct entry	**a;
	size_t		 n, i;

	pthread_mutex_lock(&h->mu);
	a = h->e;
	n = h->n;
	h->e = NULL;
	h->n = h->cap = 0;
	pthread_mutex_unlock(&h->mu);
	for (i = 0; i < n; i++)
		entry_free(a[i]);
	free(a);
	return n;
}

/* Frees the stored records this thread submitted. */
static void
home_reclaim(void)
{
	if (my_home != NULL)
		(void)home_free(my_home);
}

/*
 * A new entry for record rec (consumed) with a copy of text; *out is the
 * caller's.  CV_EINVAL (rec freed) when text holds a newline or NUL.
 */
static enum cv_err
entry_new(const struct behind *b, struct json_object *rec, const char *text,
    size_t len, struct entry **out)
{
	struct entry	*e;
	const char	*id;

	*out = NULL;
	if (memchr(text, '\n', len) != NULL || memchr(text, '\0', len) !=
	    NULL) {
		json_object_put(rec);
		return CV_EINVAL;
	}
	e = cv_xcalloc(1, sizeof(*e));
	e->rec = rec;
	e->text = cv_xmalloc(len + 1);
	memcpy(e->text, text, len);
	e->text[len] = '\0';
	e->len = len;
	if (cv_json_str(rec, b->k->id_field, &id) == CV_JGET_OK)
		e->id = cv_xstrdup(id);
	e->home = home_get();
	atomic_init(&e->state, P_WAIT);
	*out = e;
	return CV_OK;
}

/*
 * Stores the n records recs through k->apply() in one transaction on the
 * main connection (db->wmu held).  CV_OK, or the store's error with the
 * transaction rolled back.
 */
static enum cv_err
commit_batch(struct cv_db *db, struct json_object *const *recs, size_t n)
{
	enum cv_err	 rc;

	if (n == 0)
		return CV_OK;
	if ((rc = cv_store_begin(db->main)) != CV_OK)
		return rc;
	if ((rc = db->b->k->apply(db->main, recs, n)) != CV_OK) {
		cv_store_rollback(db->main);
		return rc;
	}
	if ((rc = cv_store_commit(db->main)) == CV_OK)
		cv_metrics_commit(n);
	return rc;
}

/*
 * Journal mode, with db->wmu held: stores every queued record in one
 * transaction, then empties the journal file they were written to and
 * hands them home.  When the commit fails they go back to the head of the
 * queue (still in their file) and the store's error is returned.
 */
static enum cv_err
drain(struct cv_db *db)
{
	struct behind		*b = db->b;
	struct entry		**batch, **q;
	struct json_object	**recs;
	uint64_t		 top;
	size_t			 i, n, cap;
	enum cv_err		 rc;
	int			 was;

	pthread_mutex_lock(&b->mu);
	batch = b->q;
	n = b->qlen;
	cap = b->qcap;
	top = b->acked;
	if (n == 0) {
		b->stored = top;
		pthread_cond_broadcast(&b->done);
		pthread_mutex_unlock(&b->mu);
		return CV_OK;
	}
	b->q = NULL;
	b->qlen = b->qcap = 0;
	b->fly = batch;
	b->nfly = n;
	was = cv_journal_switch(b->j);
	cv_metrics_journal_depth(0);
	pthread_cond_broadcast(&b->room);
	pthread_mutex_unlock(&b->mu);

	recs = cv_xcalloc(n, sizeof(*recs));
	for (i = 0; i < n; i++)
		recs[i] = batch[i]->rec;
	rc = commit_batch(db, recs, n);
	free(recs);
	if (rc == CV_OK)
		(void)cv_journal_clear(b->j, was);

	pthread_mutex_lock(&b->mu);
	b->fly = NULL;
	b->nfly = 0;
	if (rc == CV_OK) {
		b->stored = top;
		pthread_cond_broadcast(&b->done);
		pthread_mutex_unlock(&b->mu);
		for (i = 0; i < n; i++)
			home_give(batch[i]->home, batch[i]);
		free(batch);
		return CV_OK;
	}
	/* Back to the head of the queue, before what came meanwhile. */
	if (n + b->qlen > cap) {
		cap = n + b->qlen;
		if ((q = reallocarray(batch, cap, sizeof(*q))) == NULL)
			cv_fatal("out of memory");
		batch = q;
	}
	if (b->qlen > 0)
		memcpy(batch + n, b->q, b->qlen * sizeof(*batch));
	free(b->q);
	b->q = batch;
	b->qlen += n;
	b->qcap = cap;
	cv_metrics_journal_depth((long)b->qlen);
	pthread_cond_broadcast(&b->done);
	pthread_mutex_unlock(&b->mu);
	cv_log("%s: storing %zu journalled %ss failed (%s); they stay queued",
	    cv_store_path(db->main), n, b->k->what, cv_err_title(rc));
	return rc;
}

/*
 * The indexer thread: sleeps until a record is queued, waits delay_ms
 * more (less when the queue fills or a reader asks), stores the queue;
 * after a failed drain it waits twice as long, up to a second.  Returns
 * on stop; cv_db_close_all() stores what is left.
 */
static void *
indexer_main(void *arg)
{
	struct cv_db	*db = arg;
	struct behind	*b = db->b;
	struct timespec	 ts;
	long		 wait = b->delay_ms;
	enum cv_err	 rc;

	pthread_mutex_lock(&b->mu);
	for (;;) {
		while (b->qlen == 0 && !b->stop)
			pthread_cond_wait(&b->wake, &b->mu);
		if (b->stop)
			break;
		cv_deadline(&ts, CLOCK_MONOTONIC, wait);
		while (!b->stop && !b->urgent &&
		    b->qlen < CV_JOURNAL_QUEUE_MAX &&
		    pthread_cond_timedwait(&b->wake, &b->mu, &ts) == 0)
			;
		if (b->stop)
			break;
		b->urgent = 0;
		pthread_mutex_unlock(&b->mu);
		pthread_mutex_lock(&db->wmu);
		rc = drain(db);
		pthread_mutex_unlock(&db->wmu);
		wait = rc == CV_OK ? b->delay_ms : wait * 2 > 1000 ? 1000 :
		    wait * 2 + 1;
		pthread_mutex_lock(&b->mu);
	}
	pthread_mutex_unlock(&b->mu);
	return NULL;
}

/*
 * Journal mode: waits until every record acknowledged so far is stored,
 * asking the indexer to store them at once.  CV_EBUSY past
 * CV_STORE_BUSY_MS.
 */
static enum cv_err
barrier(struct behind *b)
{
	struct timespec	 ts;
	uint64_t	 target;
	enum cv_err	 rc = CV_OK;

	pthread_mutex_lock(&b->mu);
	target = b->acked;
	if (b->stored < target) {
		b->urgent = 1;
		pthread_cond_signal(&b->wake);
		cv_deadline(&ts, CLOCK_MONOTONIC, CV_STORE_BUSY_MS);
		while (b->stored < target)
			if (pthread_cond_timedwait(&b->done, &b->mu, &ts) ==
			    ETIMEDOUT) {
				rc = b->stored < target ? CV_EBUSY : CV_OK;
				break;
			}
	}
	pthread_mutex_unlock(&b->mu);
	return rc;
}

/* Index of e in the n entries of a, or n. */
static size_t
find_entry(struct entry *const *a, size_t n, const struct entry *e)
{
	size_t	 i;

	for (i = 0; i < n && a[i] != e; i++)
		;
	return i;
}

/*
 * Journal mode, after the journal sync of entry e failed: takes e back
 * (out of the queue, blanked in the journal, freed) and returns CV_EIO;
 * or, when a batch holding it is being stored, waits for that batch: if
 * it committed, e is stored and CV_OK is returned (the record was
 * acknowledged after all), else e is back in the queue and taken back.
 */
static enum cv_err
take_back(struct behind *b, struct entry *e)
{
	size_t	 i;

	pthread_mutex_lock(&b->mu);
	for (;;) {
		if ((i = find_entry(b->q, b->qlen, e)) < b->qlen) {
			memmove(b->q + i, b->q + i + 1, (b->qlen - i - 1) *
			    sizeof(*b->q));
			b->qlen--;
			(void)cv_journal_blank(b->j, e->file, e->off, e->len);
			if (b->qlen == 0 && b->nfly == 0) {
				b->stored = b->acked;
				pthread_cond_broadcast(&b->done);
			}
			cv_metrics_journal_depth((long)b->qlen);
			pthread_mutex_unlock(&b->mu);
			entry_free(e);
			return CV_EIO;
		}
		if (find_entry(b->fly, b->nfly, e) == b->nfly)
			break;
		pthread_cond_wait(&b->done, &b->mu);
	}
	pthread_mutex_unlock(&b->mu);
	cv_log("a %s whose journal sync failed was stored", b->k->what);
	return CV_OK;
}

/*
 * Journal mode: returns once the journal file of entry e is synced past
 * it.  One thread at a time syncs, every file appended to since the last
 * sync began, for every record appended so far: the threads that waited
 * meanwhile find theirs synced, so that a sync serves many records.
 * CV_EIO when the sync fails (each waiter then tries its own).
 */
static enum cv_err
sync_to(struct behind *b, const struct entry *e)
{
	uint64_t	 target;
	enum cv_err	 rc = CV_OK;
	int		 files[2], i;

	pthread_mutex_lock(&b->smu);
	while (b->synced < e->seq && b->syncing)
		pthread_cond_wait(&b->synced_cv, &b->smu);
	if (b->synced >= e->seq) {
		pthread_mutex_unlock(&b->smu);
		return CV_OK;
	}
	b->syncing = 1;
	pthread_mutex_unlock(&b->smu);
	pthread_mutex_lock(&b->mu);
	target = b->acked;
	for (i = 0; i < 2; i++) {
		files[i] = b->unsynced[i];
		b->unsynced[i] = 0;
	}
	pthread_mutex_unlock(&b->mu);
	for (i = 0; i < 2; i++)
		if (files[i] && cv_journal_sync(b->j, i) != CV_OK)
			rc = CV_EIO;
	if (rc != CV_OK) {
		pthread_mutex_lock(&b->mu);
		for (i = 0; i < 2; i++)
			b->unsynced[i] |= files[i];
		pthread_mutex_unlock(&b->mu);
	}
	pthread_mutex_lock(&b->smu);
	b->syncing = 0;
	if (rc == CV_OK)
		b->synced = target;
	pthread_cond_broadcast(&b->synced_cv);
	pthread_mutex_unlock(&b->smu);
	return rc;
}

/* Journal mode: see cv_db_submit(). */
static enum cv_err
submit_journal(struct behind *b, struct entry *e)
{
	struct timespec	 ts;
	struct entry	**q;
	enum cv_err	 rc = CV_OK;

	pthread_mutex_lock(&b->mu);
	if (b->qlen >= CV_JOURNAL_QUEUE_MAX) {
		pthread_cond_signal(&b->wake);
		cv_deadline(&ts, CLOCK_MONOTONIC, CV_STORE_BUSY_MS);
		while (b->qlen >= CV_JOURNAL_QUEUE_MAX && rc == CV_OK)
			if (pthread_cond_timedwait(&b->room, &b->mu, &ts) ==
			    ETIMEDOUT && b->qlen >= CV_JOURNAL_QUEUE_MAX)
				rc = CV_EBUSY;
	}
	if (rc == CV_OK) {
		e->file = cv_journal_active(b->j);
		e->off = cv_journal_size(b->j, e->file);
		rc = cv_journal_append(b->j, e->text, e->len);
	}
	if (rc == CV_OK) {
		if (b->qlen == b->qcap) {
			b->qcap = b->qcap == 0 ? 64 : b->qcap * 2;
			if ((q = reallocarray(b->q, b->qcap, sizeof(*q))) ==
			    NULL)
				cv_fatal("out of memory");
			b->q = q;
		}
		b->q[b->qlen++] = e;
		e->seq = ++b->acked;
		b->unsynced[e->file] = 1;
		cv_metrics_journal_depth((long)b->qlen);
		if (b->qlen == 1)
			pthread_cond_signal(&b->wake);
	}
	pthread_mutex_unlock(&b->mu);
	if (rc != CV_OK) {
		entry_free(e);
		return rc;
	}
	/* Unless the store is SQLite, the record is on disk before the
	 * answer. */
	if (sync_to(b, e) != CV_OK)
		return take_back(b, e);
	return CV_OK;
}

/*
 * Direct mode: stores the entries from head on (at most
 * CV_COMMIT_BATCH_MAX, linked by next) in one transaction, setting each
 * one's rc; when the batch fails as a whole each is tried alone, so one
 * that cannot be stored does not take the others with it.
 */
static void
store_group(struct cv_db *db, struct entry *head)
{
	struct entry		*batch[CV_COMMIT_BATCH_MAX], *p;
	struct json_object	*recs[CV_COMMIT_BATCH_MAX];
	size_t			 i, n = 0;
	enum cv_err		 rc;

	for (p = head; p != NULL && n < CV_COMMIT_BATCH_MAX; p = p->next) {
		recs[n] = p->rec;
		batch[n++] = p;
	}
	pthread_mutex_lock(&db->wmu);
	rc = commit_batch(db, recs, n);
	for (i = 0; i < n; i++)
		batch[i]->rc = rc != CV_OK && n > 1 ?
		    commit_batch(db, &recs[i], 1) : rc;
	pthread_mutex_unlock(&db->wmu);
}

/*
 * Direct mode: queues e and returns once the transaction holding it
 * committed or failed.  The first thread to find no commit running
 * becomes the committer: it takes up to CV_COMMIT_BATCH_MAX queued
 * entries (its own first), stores them, wakes their threads and hands
 * its role to the thread at the head of the queue, if any.  Invariant:
 * the queue is not empty only while a committer runs (or has just been
 * handed the role).  e is freed here.
 */
static enum cv_err
submit_direct(struct behind *b, struct cv_db *db, struct entry *e)
{
	struct entry	*head, *p, *next, *lead;
	enum cv_err	 rc;
	size_t		 n;
	int		 mine;

	pthread_mutex_lock(&b->gmu);
	*b->gtail = e;
	b->gtail = &e->next;
	if ((mine = !b->committing))
		b->committing = 1;
	pthread_mutex_unlock(&b->gmu);
	if (mine || cv_park(&e->state, P_WAIT) == P_LEAD) {
		/* The committer: e is at the head of the queue. */
		pthread_mutex_lock(&b->gmu);
		head = b->ghead;
		for (p = head, n = 1; p->next != NULL &&
		    n < CV_COMMIT_BATCH_MAX; p = p->next, n++)
			;
		b->ghead = p->next;
		if (b->ghead == NULL)
			b->gtail = &b->ghead;
		p->next = NULL;
		pthread_mutex_unlock(&b->gmu);
		store_group(db, head);
		pthread_mutex_lock(&b->gmu);
		if ((lead = b->ghead) == NULL)
			b->committing = 0;
		pthread_mutex_unlock(&b->gmu);
		for (p = head; p != NULL; p = next) {
			next = p->next;
			if (p != e)
				cv_unpark(&p->state, P_DONE);
		}
		if (lead != NULL)
			cv_unpark(&lead->state, P_LEAD);
	}
	rc = e->rc;
	entry_free(e);
	return rc;
}

enum cv_err
cv_db_submit(struct cv_db *db, struct json_object *rec, const char *text,
    size_t len)
{
	struct behind	*b = db->b;
	struct entry	*e;
	enum cv_err	 rc;

	if (b == NULL) {
		json_object_put(rec);
		cv_log("%s: no write-behind started", db->def->name);
		return CV_EINTERNAL;
	}
	home_reclaim();
	if ((rc = entry_new(b, rec, text, len, &e)) != CV_OK)
		return rc;
	if (b->j != NULL)
		return submit_journal(b, e);
	return submit_direct(b, db, e);
}

int
cv_db_pending(struct cv_db *db, const char *id, struct cv_arena *a,
    const char **text, size_t *len)
{
	struct behind		*b = db->b;
	struct entry *const	*v[2];
	size_t			 n[2], i, k;
	int			 found = 0;

	*text = NULL;
	*len = 0;
	if (b == NULL || b->j == NULL || id == NULL)
		return 0;
	pthread_mutex_lock(&b->mu);
	v[0] = b->q;
	n[0] = b->qlen;
	v[1] = b->fly;
	n[1] = b->nfly;
	for (k = 0; k < 2 && !found; k++)
		for (i = n[k]; i > 0 && !found; i--)
			if (v[k][i - 1]->id != NULL &&
			    strcmp(v[k][i - 1]->id, id) == 0) {
				*text = cv_arena_strndup(a, v[k][i - 1]->text,
				    v[k][i - 1]->len);
				*len = v[k][i - 1]->len;
				found = 1;
			}
	pthread_mutex_unlock(&b->mu);
	return found;
}

size_t
cv_db_queued(struct cv_db *db)
{
	size_t	 n = 0;

	if (db->b != NULL && db->b->j != NULL) {
		pthread_mutex_lock(&db->b->mu);
		n = db->b->qlen + db->b->nfly;
		pthread_mutex_unlock(&db->b->mu);
	}
	return n;
}

enum cv_err
cv_db_read(struct cv_db *db, struct cv_store **out)
{
	enum cv_err	 rc;

	*out = NULL;
	home_reclaim();
	if (db->b != NULL && db->b->j != NULL &&
	    (rc = barrier(db->b)) != CV_OK)
		return rc;
	if (db->nreaders == 0) {
		pthread_mutex_lock(&db->wmu);
		*out = db->main;
		return CV_OK;
	}
	pthread_mutex_lock(&db->rmu);
	while (db->nidle == 0)
		pthread_cond_wait(&db->rcv, &db->rmu);
	*out = db->idle[--db->nidle];
	pthread_mutex_unlock(&db->rmu);
	return CV_OK;
}

void
cv_db_read_end(struct cv_db *db, struct cv_store *s)
{
	if (s == NULL)
		return;
	if (s == db->main) {
		pthread_mutex_unlock(&db->wmu);
		return;
	}
	pthread_mutex_lock(&db->rmu);
	db->idle[db->nidle++] = s;
	pthread_cond_signal(&db->rcv);
	pthread_mutex_unlock(&db->rmu);
}

enum cv_err
cv_db_write(struct cv_db *db, struct cv_store **out)
{
	enum cv_err	 rc;

	*out = NULL;
	home_reclaim();
	pthread_mutex_lock(&db->wmu);
	if ((db->b != NULL && db->b->j != NULL && (rc = drain(db)) !=
	    CV_OK) || (rc = cv_store_begin(db->main)) != CV_OK) {
		pthread_mutex_unlock(&db->wmu);
		return rc;
	}
	*out = db->main;
	return CV_OK;
}

enum cv_err
cv_db_commit(struct cv_db *db)
{
	enum cv_err	 rc;

	if ((rc = cv_store_commit(db->main)) == CV_OK)
		cv_metrics_commit(1);
	pthread_mutex_unlock(&db->wmu);
	return rc;
}

void
cv_db_abort(struct cv_db *db)
{
	cv_store_rollback(db->main);
	pthread_mutex_unlock(&db->wmu);
}

/*
 * Whether the journal at base may hold records: a file of it exists and
 * is not empty (a used journal keeps its files, zeros after the records;
 * cv_journal_read() tells).  A file that cannot be examined counts, so
 * that cv_journal_open() says what is wrong with it.
 */
static int
journal_left(const char *base)
{
	struct stat	 st;
	char		*path;
	size_t		 n;
	int		 i, left = 0;

	n = strlen(base) + 3;
	path = cv_xmalloc(n);
	for (i = 0; i < 2 && !left; i++) {
		snprintf(path, n, "%s.%d", base, i);
		if (stat(path, &st) == -1)
			left = errno != ENOENT;
		else
			left = st.st_size > 0;
	}
	free(path);
	return left;
}

/*
 * Stores the records journal j holds (left by a process that did not
 * stop cleanly), skipping those k->stored() says are stored, then
 * empties it.  Store errors are returned and leave the journal as it is.
 */
static enum cv_err
replay(struct cv_db *db, struct cv_journal *j)
{
	const struct cv_behind	*k = db->b->k;
	struct json_object	*recs = NULL, *r, **todo = NULL;
	size_t			 i, n, m = 0, skipped = 0;
	enum cv_err		 rc;
	int			 yes;

	if ((rc = cv_journal_read(j, &recs)) != CV_OK)
		return rc;
	n = json_object_array_length(recs);
	todo = cv_xcalloc(n + 1, sizeof(*todo));
	for (i = 0; i < n; i++) {
		r = json_object_array_get_idx(recs, i);
		yes = 0;
		if ((rc = k->stored(db->main, r, &yes)) != CV_OK)
			goto out;
		if (yes)
			skipped++;
		else
			todo[m++] = r;
	}
	if ((rc = commit_batch(db, todo, m)) != CV_OK)
		goto out;
	if (n > 0)
		cv_log("%s: journal: %zu %ss stored, %zu were stored already",
		    cv_store_path(db->main), m, k->what, skipped);
	if ((rc = cv_journal_clear(j, 0)) == CV_OK)
		rc = cv_journal_clear(j, 1);
out:
	free(todo);
	json_object_put(recs);
	return rc;
}

enum cv_err
cv_db_behind(struct cv_db *db, const struct cv_behind *k, long delay_ms,
    int direct)
{
	struct behind		*b;
	pthread_condattr_t	 ca;
	struct cv_journal	*j = NULL;
	const char		*local;
	char			*base;
	size_t			 n;
	enum cv_err		 rc;
	int			 pg;

	if (db->b != NULL)
		return CV_EINTERNAL;
	pg = strcmp(cv_store_kind(db->main), "postgresql") == 0;
	b = cv_xcalloc(1, sizeof(*b));
	b->k = k;
	b->delay_ms = delay_ms;
	b->gtail = &b->ghead;
	pthread_mutex_init(&b->mu, NULL);
	pthread_mutex_init(&b->gmu, NULL);
	pthread_mutex_init(&b->smu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&b->wake, &ca);
	pthread_cond_init(&b->room, &ca);
	pthread_cond_init(&b->done, &ca);
	pthread_cond_init(&b->synced_cv, &ca);
	pthread_condattr_destroy(&ca);
	db->b = b;

	/* The journal stays on this host: beside the store's file, or with
	 * PostgreSQL where the file would be (cv_store_local_path()). */
	local = pg ? cv_store_local_path(db->def) : cv_store_path(db->main);
	n = strlen(local) + sizeof(".journal");
	base = cv_xmalloc(n);
	snprintf(base, n, "%s.journal", local);
	if (direct && !journal_left(base)) {
		free(base);
		return CV_OK;
	}
	/* Synced to disk but with SQLite, whose commits (synchronous=NORMAL)
	 * survive a crash of the process, not of the machine, either. */
	rc = cv_journal_open(base, strcmp(cv_store_kind(db->main), "sqlite") !=
	    0, &j);
	free(base);
	if (rc != CV_OK) {
		if (!direct || rc != CV_EBUSY)
			cv_log("%s: %s; %ss are committed as they come",
			    cv_store_path(db->main), rc == CV_EBUSY ?
			    "another process has the journal" : "no journal",
			    k->what);
		return CV_OK;
	}
	pthread_mutex_lock(&db->wmu);
	rc = replay(db, j);
	pthread_mutex_unlock(&db->wmu);
	if (rc != CV_OK) {
		cv_log("%s: journal: cannot store its %ss (%s)",
		    cv_store_path(db->main), k->what, cv_err_title(rc));
		cv_journal_close(j);
		return CV_EIO;
	}
	if (direct) {
		/* Stored: from here the workers commit as records come. */
		cv_journal_close(j);
		return CV_OK;
	}
	b->j = j;
	if ((errno = pthread_create(&b->tid, NULL, indexer_main, db)) != 0) {
		cv_log("%s: indexer thread: %s", cv_store_path(db->main),
		    strerror(errno));
		b->j = NULL;
		cv_journal_close(j);
		return CV_EIO;
	}
	b->running = 1;
	return CV_OK;
}

/* Stops write-behind: the indexer, then stores what is queued; what
 * cannot be stored stays in the journal for the next start. */
static void
behind_stop(struct cv_db *db)
{
	struct behind	*b = db->b;
	size_t		 i;

	if (b == NULL)
		return;
	if (b->running) {
		pthread_mutex_lock(&b->mu);
		b->stop = 1;
		pthread_cond_signal(&b->wake);
		pthread_mutex_unlock(&b->mu);
		pthread_join(b->tid, NULL);
	}
	if (b->j != NULL) {
		pthread_mutex_lock(&db->wmu);
		if (drain(db) != CV_OK)
			cv_log("%s: %zu %ss stay in the journal",
			    cv_store_path(db->main), b->qlen, b->k->what);
		pthread_mutex_unlock(&db->wmu);
		for (i = 0; i < b->qlen; i++)
			entry_free(b->q[i]);
		free(b->q);
		cv_journal_close(b->j);
	}
	pthread_cond_destroy(&b->wake);
	pthread_cond_destroy(&b->room);
	pthread_cond_destroy(&b->done);
	pthread_cond_destroy(&b->synced_cv);
	pthread_mutex_destroy(&b->mu);
	pthread_mutex_destroy(&b->gmu);
	pthread_mutex_destroy(&b->smu);
	free(b);
	db->b = NULL;
}

/* Closes db and its connections. */
static void
db_close(struct cv_db *db)
{
	size_t	 i;

	if (db == NULL)
		return;
	behind_stop(db);
	for (i = 0; i < db->nreaders; i++)
		cv_store_close(db->readers[i]);
	free(db->readers);
	free(db->idle);
	cv_store_close(db->main);
	pthread_mutex_destroy(&db->wmu);
	pthread_mutex_destroy(&db->rmu);
	pthread_cond_destroy(&db->rcv);
	free(db);
}

/*
 * Opens def's store: the main connection and, for several threads over
 * SQLite, CV_DB_READERS readers and background checkpoints; over
 * PostgreSQL, a reader per thread up to CV_DB_READERS.  CV_EBUSY when
 * the store cannot be reached now (a database server down), else CV_EIO
 * (logged) on failure.
 */
static enum cv_err
db_open(const struct cv_store_def *def, int threads, struct cv_db **out)
{
	struct cv_db	*db;
	enum cv_err	 rc;
	size_t		 i, nr;
	int		 pg;

	*out = NULL;
	db = cv_xcalloc(1, sizeof(*db));
	db->def = def;
	pthread_mutex_init(&db->wmu, NULL);
	pthread_mutex_init(&db->rmu, NULL);
	pthread_cond_init(&db->rcv, NULL);
	if ((rc = cv_store_open(def, &db->main)) != CV_OK)
		goto fail;
	pg = strcmp(cv_store_kind(db->main), "postgresql") == 0;
	if (threads > 1 && (pg || strcmp(cv_store_kind(db->main), "sqlite") ==
	    0)) {
		/* PostgreSQL: a connection per request thread, up to
		 * CV_DB_READERS. */
		nr = pg && threads < CV_DB_READERS ? (size_t)threads :
		    CV_DB_READERS;
		db->readers = cv_xcalloc(nr, sizeof(*db->readers));
		db->idle = cv_xcalloc(nr, sizeof(*db->idle));
		for (i = 0; i < nr; i++) {
			if ((rc = cv_store_open_reader(db->main,
			    &db->readers[i])) != CV_OK)
				goto fail;
			db->idle[db->nidle++] = db->readers[i];
			db->nreaders++;
		}
		/* Commits do not wait for checkpoints (a failure to start
		 * the thread is logged; commits then checkpoint). */
		(void)cv_store_background_checkpoints(db->main, &db->wmu);
	}
	*out = db;
	return CV_OK;
fail:
	db_close(db);
	return rc == CV_EBUSY ? CV_EBUSY : CV_EIO;
}

enum cv_err
cv_db_open_all(const struct cv_store_def *const *defs, int threads)
{
	enum cv_err	 rc;
	size_t		 i;

	for (i = 0; defs != NULL && defs[i] != NULL; i++) {
		if (ndbs == DB_MAX) {
			cv_log("more than %d stores in one responder", DB_MAX);
			return CV_EINTERNAL;
		}
		if ((rc = db_open(defs[i], threads, &dbs[ndbs])) != CV_OK)
			return rc;
		ndbs++;
	}
	return CV_OK;
}

size_t
cv_db_reclaim(void)
{
	struct home	*h;
	size_t		 n = 0;

	pthread_mutex_lock(&homes_mu);
	for (h = homes; h != NULL; h = h->next)
		n += home_free(h);
	pthread_mutex_unlock(&homes_mu);
	return n;
}

void
cv_db_close_all(void)
{
	struct home	*h;

	while (ndbs > 0) {
		db_close(dbs[--ndbs]);
		dbs[ndbs] = NULL;
	}
	/* The request threads are gone: free what they were given. */
	pthread_mutex_lock(&homes_mu);
	while ((h = homes) != NULL) {
		homes = h->next;
		(void)home_free(h);
		pthread_mutex_destroy(&h->mu);
		free(h);
	}
	pthread_mutex_unlock(&homes_mu);
	my_home = NULL;
}

struct cv_db *
cv_db(const struct cv_store_def *def)
{
	size_t	 i;

	for (i = 0; i < ndbs; i++)
		if (dbs[i]->def == def)
			return dbs[i];
	return NULL;
}

const struct cv_store_def *
cv_db_def(const struct cv_db *db)
{
	return db->def;
}

const char *
cv_db_kind(const struct cv_db *db)
{
	return cv_store_kind(db->main);
}

const char *
cv_db_path(const struct cv_db *db)
{
	return cv_store_path(db->main);
}
