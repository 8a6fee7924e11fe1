/*
 * Unit tests of lib/db.c: connections shared by threads, reader
 * connections, and write-behind (journal mode and the group commit), over
 * both store backends.
 */
#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <json-c/json.h>

#include "cavra.h"
#include "tmpdir.h"

#define NTHREADS	8	/* submitting threads */
#define NPER		50	/* records each submits */

static const char *const kinds[] = { "json", "sqlite" };
static char	 tmpdir[1024];
static char	 path[1200];

static const struct cv_store_def *const defs[] = { &cv_store_activity,
    NULL };

/*
 * fdatasync(2) as the library linked into this test sees it: the real one,
 * or a failure with EIO while fail_sync is set (the journal's sync of a
 * record cannot be made to fail otherwise).
 */
static volatile int	 fail_sync;

int
fdatasync(int fd)
{
	int	(*real)(int);

	if (fail_sync) {
		errno = EIO;
		return -1;
	}
	real = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
	return real != NULL ? real(fd) : 0;
}

static void
setup(void)
{
	tmpdir_make(tmpdir, sizeof(tmpdir), "db");
	unsetenv("CAVRA_ACTIVITY_DB");
	unsetenv("CAVRA_ACTIVITY_STORE");
}

static void
teardown(void)
{
	cv_db_close_all();
	tmpdir_remove(tmpdir);
}

TestSuite(db, .init = setup, .fini = teardown, .timeout = 120);

/* Points the activity store at backend be in the test directory and
 * opens it for `threads` threads. */
static struct cv_db *
open_db(int be, int threads)
{
	snprintf(path, sizeof(path), "%s/%s/activity.%s", tmpdir, kinds[be],
	    be ? "db" : "json");
	setenv(be ? "CAVRA_ACTIVITY_DB" : "CAVRA_ACTIVITY_STORE", path, 1);
	cr_assert_eq(cv_db_open_all(defs, threads), CV_OK);
	cr_assert_not_null(cv_db(&cv_store_activity));
	return cv_db(&cv_store_activity);
}

/* The write-behind apply(): inserts each record. */
static enum cv_err
apply(struct cv_store *s, struct json_object *const *recs, size_t n)
{
	enum cv_err	 rc;
	size_t		 i;

	for (i = 0; i < n; i++)
		if ((rc = cv_store_insert(s, CV_COLL_DECISIONS, recs[i])) !=
		    CV_OK)
			return rc;
	return CV_OK;
}

/* The write-behind stored(): the id is stored. */
static enum cv_err
stored(struct cv_store *s, struct json_object *rec, int *yes)
{
	struct json_object	*o = NULL;
	enum cv_err		 rc;

	rc = cv_store_get(s, CV_COLL_DECISIONS, cv_json_str_or(rec,
	    "decision_id", ""), &o);
	json_object_put(o);
	*yes = rc == CV_OK;
	return rc == CV_ENOENT ? CV_OK : rc;
}

static const struct cv_behind kind = {
	.what = "test record",
	.id_field = "decision_id",
	.apply = apply,
	.stored = stored,
};

/* Submits the record {decision_id: id, session_id: sid}. */
static enum cv_err
submit(struct cv_db *db, const char *id, const char *sid)
{
	struct json_object	*o;
	const char		*text;
	char			*copy;
	enum cv_err		 rc;

	o = json_object_new_object();
	cv_json_add_str(o, "decision_id", id);
	cv_json_add_str(o, "session_id", sid);
	cv_json_add_str(o, "timestamp", id);
	copy = strdup(json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PLAIN));
	cr_assert_not_null(copy);
	text = copy;
	rc = cv_db_submit(db, o, text, strlen(text));
	free(copy);
	return rc;
}

/* Stored records of session sid, through a read. */
static size_t
count_session(struct cv_db *db, const char *sid)
{
	struct cv_filter	 f = { "session_id", sid };
	struct cv_store		*s;
	size_t			 n = 0;

	cr_assert_eq(cv_db_read(db, &s), CV_OK);
	cr_assert_eq(cv_store_count(s, CV_COLL_DECISIONS, &f, 1, &n), CV_OK);
	cv_db_read_end(db, s);
	return n;
}

struct worker {
	struct cv_db	*db;
	int		 n;
	int		 failed;
};

static void *
worker_main(void *arg)
{
	struct worker	*w = arg;
	char		 id[64];
	int		 i;

	for (i = 0; i < NPER; i++) {
		snprintf(id, sizeof(id), "w%d-%03d", w->n, i);
		if (submit(w->db, id, "many") != CV_OK)
			w->failed++;
	}
	return NULL;
}

/* Several threads submit at once; every record is stored once. */
static void
many_threads(struct cv_db *db)
{
	struct worker	 w[NTHREADS];
	pthread_t	 t[NTHREADS];
	int		 i;

	for (i = 0; i < NTHREADS; i++) {
		w[i].db = db;
		w[i].n = i;
		w[i].failed = 0;
		cr_assert_eq(pthread_create(&t[i], NULL, worker_main, &w[i]),
		    0);
	}
	for (i = 0; i < NTHREADS; i++) {
		pthread_join(t[i], NULL);
		cr_assert_eq(w[i].failed, 0);
	}
	cr_assert_eq(count_session(db, "many"), NTHREADS * NPER);
}

/*
 * Journal mode with a long delay: a record is acknowledged before it is
 * stored, found by cv_db_pending(), stored by the first read (which
 * waits for it) and by a write transaction; cv_db_close_all() stores
 * what is left, and the journal is empty after.
 */
Test(db, journal_read_your_writes)
{
	struct cv_db	*db;
	struct cv_store	*s;
	struct cv_arena	 a;
	const char	*text;
	size_t		 len;
	int		 be;

	cv_arena_init(&a);
	for (be = 0; be < 2; be++) {
		db = open_db(be, 4);
		cr_assert_eq(cv_db_behind(db, &kind, 60000, 0), CV_OK);
		cr_assert_eq(submit(db, "d1", "s1"), CV_OK);
		cr_assert_eq(cv_db_queued(db), 1);
		cr_assert(cv_db_pending(db, "d1", &a, &text, &len));
		cr_assert(strstr(text, "\"d1\"") != NULL, "%s", text);
		cr_assert_not(cv_db_pending(db, "d2", &a, &text, &len));
		/* The read waits for d1 to be stored. */
		cr_assert_eq(count_session(db, "s1"), 1);
		cr_assert_eq(cv_db_queued(db), 0);
		cr_assert_not(cv_db_pending(db, "d1", &a, &text, &len));
		/* A write transaction stores the queue first. */
		cr_assert_eq(submit(db, "d2", "s1"), CV_OK);
		cr_assert_eq(cv_db_write(db, &s), CV_OK);
		cr_assert_eq(cv_db_queued(db), 0);
		cv_db_abort(db);
		many_threads(db);
		cr_assert_eq(submit(db, "d3", "s1"), CV_OK);
		cv_db_close_all();
		db = open_db(be, 4);
		cr_assert_eq(count_session(db, "s1"), 3);
		cv_db_close_all();
	}
	cv_arena_free(&a);
}

/*
 * Records stored after their submitting thread's last submit wait in its
 * home: cv_db_reclaim() frees them (at least the last record of each
 * thread, which no later submit of that thread freed), and then none are
 * left.
 */
Test(db, reclaim_frees_what_idle_threads_hold)
{
	struct cv_db	*db;
	struct cv_store	*s;
	int		 be;

	for (be = 0; be < 2; be++) {
		db = open_db(be, 4);
		cr_assert_eq(cv_db_behind(db, &kind, 60000, 0), CV_OK);
		many_threads(db);
		/* The indexer hands a batch home before it lets go of the
		 * write lock: once this thread has it, every batch is home. */
		cr_assert_eq(cv_db_write(db, &s), CV_OK);
		cv_db_abort(db);
		cr_assert_geq(cv_db_reclaim(), NTHREADS);
		cr_assert_eq(cv_db_reclaim(), 0);
		cv_db_close_all();
	}
}

/*
 * A journal left by a process that did not stop: its records are stored
 * at the next start, those stored already are skipped, the journal is
 * emptied.
 */
Test(db, journal_replay)
{
	struct cv_db	*db;
	char		 jpath[1300];
	FILE		*f;
	int		 be;

	for (be = 0; be < 2; be++) {
		db = open_db(be, 1);
		cr_assert_eq(cv_db_behind(db, &kind, 60000, 0), CV_OK);
		cr_assert_eq(submit(db, "r1", "rs"), CV_OK);
		cv_db_close_all();
		snprintf(jpath, sizeof(jpath), "%s.journal.1", path);
		f = fopen(jpath, "r+");
		cr_assert_not_null(f);
		fputs("{\"decision_id\":\"r1\",\"session_id\":\"rs\"}\n"
		    "{\"decision_id\":\"r2\",\"session_id\":\"rs\"}\n"
		    "not a record\n", f);
		fclose(f);
		db = open_db(be, 1);
		cr_assert_eq(cv_db_behind(db, &kind, 60000, 0), CV_OK);
		cr_assert_eq(count_session(db, "rs"), 2);
		cv_db_close_all();
		f = fopen(jpath, "r");
		cr_assert_not_null(f);
		cr_assert_eq(fgetc(f), 0, "journal not emptied");
		fclose(f);
	}
}

/* Direct mode: the group commit stores every record, acknowledged once
 * committed (visible to a read at once). */
Test(db, group_commit)
{
	struct cv_db	*db;
	int		 be;

	for (be = 0; be < 2; be++) {
		db = open_db(be, 4);
		cr_assert_eq(cv_db_behind(db, &kind, 20, 1), CV_OK);
		cr_assert_eq(submit(db, "g1", "gs"), CV_OK);
		cr_assert_eq(cv_db_queued(db), 0);
		cr_assert_eq(count_session(db, "gs"), 1);
		/* The same id twice: the second is refused, not stored. */
		cr_assert_eq(submit(db, "g1", "gs"), CV_ECONFLICT);
		many_threads(db);
		cr_assert_eq(count_session(db, "gs"), 1);
		cv_db_close_all();
	}
}

/* A record whose text holds a newline is refused and not stored. */
Test(db, bad_text_refused)
{
	struct cv_db		*db;
	struct json_object	*o;

	db = open_db(1, 1);
	cr_assert_eq(cv_db_behind(db, &kind, 60000, 0), CV_OK);
	o = json_object_new_object();
	cv_json_add_str(o, "decision_id", "x");
	cr_assert_eq(cv_db_submit(db, o, "{\n}", 3), CV_EINVAL);
	cr_assert_eq(cv_db_queued(db), 0);
}

/* Reads of a threaded SQLite db use reader connections: a read does not
 * wait for an open write transaction, and sees only what it committed. */
Test(db, readers_do_not_wait_for_writes)
{
	struct cv_db		*db;
	struct cv_store		*w, *r;
	struct json_object	*o = NULL;

	db = open_db(1, 4);
	cr_assert_eq(cv_db_write(db, &w), CV_OK);
	o = json_object_new_object();
	cv_json_add_str(o, "decision_id", "x1");
	cr_assert_eq(cv_store_put(w, CV_COLL_DECISIONS, o), CV_OK);
	json_object_put(o);
	o = NULL;
	cr_assert_eq(cv_db_read(db, &r), CV_OK);
	cr_assert_neq(r, w);
	cr_assert_eq(cv_store_get(r, CV_COLL_DECISIONS, "x1", &o), CV_ENOENT);
	cv_db_read_end(db, r);
	cr_assert_eq(cv_db_commit(db), CV_OK);
	cr_assert_eq(cv_db_read(db, &r), CV_OK);
	cr_assert_eq(cv_store_get(r, CV_COLL_DECISIONS, "x1", &o), CV_OK);
	json_object_put(o);
	cv_db_read_end(db, r);
}

/*
 * JSON store: a record whose journal sync fails is not acknowledged and
 * not stored, now or after a restart (it is blanked in the journal); the
 * records around it are.
 */
Test(db, failed_sync_is_not_stored)
{
	struct cv_db	*db;

	db = open_db(0, 4);
	cr_assert_eq(cv_db_behind(db, &kind, 60000, 0), CV_OK);
	cr_assert_eq(submit(db, "f1", "fs"), CV_OK);
	fail_sync = 1;
	cr_assert_eq(submit(db, "f2", "fs"), CV_EIO);
	fail_sync = 0;
	cr_assert_eq(cv_db_queued(db), 1);
	cr_assert_eq(submit(db, "f3", "fs"), CV_OK);
	cv_db_close_all();	/* stores f1 and f3 */
	db = open_db(0, 4);
	cr_assert_eq(cv_db_behind(db, &kind, 60000, 0), CV_OK);
	cr_assert_eq(count_session(db, "fs"), 2);
	cv_db_close_all();

	/* After a crash, the journal holds f4 and blanks where f5 was. */
	db = open_db(0, 4);
	cr_assert_eq(cv_db_behind(db, &kind, 60000, 0), CV_OK);
	cr_assert_eq(submit(db, "f4", "fs"), CV_OK);
	fail_sync = 1;
	cr_assert_eq(submit(db, "f5", "fs"), CV_EIO);
	fail_sync = 0;
	/* A copy of the journal as it is now stands for a crash. */
	{
		char	 jpath[1300], cmd[6000];

		snprintf(jpath, sizeof(jpath), "%s.journal", path);
		snprintf(cmd, sizeof(cmd), "cp %s.0 %s.crash0 && cp %s.1 "
		    "%s.crash1", jpath, jpath, jpath, jpath);
		cr_assert_eq(system(cmd), 0);
		cv_db_close_all();
		snprintf(cmd, sizeof(cmd), "cp %s.crash0 %s.0 && cp %s.crash1 "
		    "%s.1", jpath, jpath, jpath, jpath);
		cr_assert_eq(system(cmd), 0);
	}
	/* The journal as the crash left it: f4 is stored again (skipped,
	 * stored already), f5 never. */
	db = open_db(0, 4);
	cr_assert_eq(cv_db_behind(db, &kind, 60000, 0), CV_OK);
	cr_assert_eq(count_session(db, "fs"), 3);
}
