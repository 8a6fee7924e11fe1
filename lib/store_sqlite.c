/*
 * The SQLite backend of the record store.
 *
 * One table per collection: the id as TEXT PRIMARY KEY, one TEXT column per
 * filter field holding cv_json_key() of the record's field (NULL when
 * absent), the order field's key ("" when absent, NOT NULL so the order
 * index serves ORDER BY), and the whole record as sorted-key JSON in
 * `payload`, which is what reads return.  Every filter field has an index
 * on (field, order, id) and the order has one on (order, id).
 *
 * A connection belongs to the process that opened it (open after fork):
 * WAL, synchronous=NORMAL, busy_timeout CV_STORE_BUSY_MS, defensive mode,
 * untrusted schema.  Statements are prepared once per connection; list and
 * count statements once per (collection, set of filtered columns).  Writes
 * run in BEGIN IMMEDIATE so the busy timeout applies to them.
 *
 * Tables, columns missing from an older table, and indexes are created on
 * open; added columns are filled in from the payloads.  PRAGMA optimize
 * runs every CV_STORE_OPTIMIZE_EVERY calls and at close, so the planner
 * gets the statistics it needs to pick the most selective filter index.
 */
#include "config.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>
#include <json-c/printbuf.h>
#include <sqlite3.h>

#include "cv_arena.h"
#include "cv_json.h"
#include "cv_limits.h"
#include "cv_util.h"
#include "store_int.h"

#define SQ_OPEN_FLAGS	(SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | \
			    SQLITE_OPEN_NOFOLLOW | SQLITE_OPEN_EXRESCODE)
#define SQ_JSON_FLAGS	(JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)
#define SQ_PB_KEEP	65536	/* payload buffer kept between puts */

/* The list and count statements of one set of filtered columns. */
struct squery {
	uint32_t	 mask;
	size_t		 pick;		/* column whose index the statements
					   use (INDEXED BY), or SIZE_MAX:
					   the planner's choice */
	sqlite3_stmt	*list;
	sqlite3_stmt	*count;
};

/*
 * A change to the count of one value of one filter column in this write
 * transaction, not yet in cavra_value_counts (see sq_vc_add()).
 */
struct vdelta {
	size_t		 coll;
	size_t		 col;
	char		*val;		/* malloc'ed; NULL: free slot */
	int64_t		 n;
};

struct scoll {
	const char	**cols;		/* stored columns but id and payload:
					 * the fields, then the order field
					 * if it is not one of them */
	size_t		  ncols;
	size_t		  nfields;	/* the filter fields: cols[0..n) */
	size_t		  order;	/* index of the order field in cols,
					 * ncols if none */
	sqlite3_stmt	 *get;
	sqlite3_stmt	 *put;		/* upsert (backfill) */
	sqlite3_stmt	 *old;		/* the stored columns of one id */
	sqlite3_stmt	 *ins;		/* plain insert */
	struct supd	 *upd;		/* updates, one per changed-set */
	size_t		  nupd;
	struct squery	 *q;
	size_t		  nq;
};

/* An UPDATE that sets only the columns in mask (and the payload). */
struct supd {
	uint32_t	  mask;
	sqlite3_stmt	 *st;
};

struct sstore {
	sqlite3		*db;
	sqlite3_stmt	*begin;		/* BEGIN IMMEDIATE */
	sqlite3_stmt	*rbegin;	/* BEGIN */
	sqlite3_stmt	*commit;
	sqlite3_stmt	*rollback;
	struct scoll	*colls;
	unsigned long	 calls;		/* reads and commits, for optimize */
	struct cv_arena	 arena;
	struct printbuf	*pb;		/* a put's payload text, or NULL */
	sqlite3_stmt	*bump;		/* adds to a table's row count */
	int64_t		*added;		/* per collection: rows inserted in
					   this transaction, not yet in
					   cavra_row_counts */
	struct json_tokener *tok;	/* parses payloads, or NULL */
	struct ckpt	*ckpt;		/* background checkpoints, or NULL */
	sqlite3_stmt	*vcbump;	/* adds to a value's count */
	sqlite3_stmt	*vcget;		/* one value's count */
	sqlite3_stmt	*rcget;		/* one table's row count */
	sqlite3_stmt	*gget;		/* the generation */
	sqlite3_stmt	*gbump;		/* the next generation */
	struct cv_totals *cs;		/* the cached totals of the file
					   (store_totals.c) */
	int64_t		 txn_gen;	/* the generation a write transaction
					   began at */
	uint64_t	 txn_seq;	/* cv_totals_seq(cs) then */
	int		 dirty;		/* it wrote a row */
	struct vdelta	*vd;		/* value count changes of this write
					   transaction: open addressing */
	size_t		 vdcap;		/* 0 or a power of two */
	size_t		 vdn;		/* slots used */
};

/*
 * Background checkpoints (cv_store_sqlite_background()).  The committing
 * connection's WAL hook only wakes a thread once the WAL holds
 * CV_WAL_AUTOCHECKPOINT pages.  That thread copies the WAL back on a
 * connection of its own while commits go on, then takes the caller's
 * lock (so no commit runs) and copies the few frames added meanwhile:
 * the WAL is then wholly copied and the next commit starts it over.  The
 * fsync(2) of the long pass thus happens outside the lock.  Past
 * CV_WAL_CKPT_STALL pages the committer checkpoints itself.
 */
struct ckpt {
	pthread_t	 tid;
	pthread_mutex_t	 mu;		/* due, stop */
	pthread_cond_t	 cv;
	pthread_mutex_t	*lock;		/* the caller's: no commit runs */
	int		 due;
	int		 stop;
	sqlite3		*db;		/* the thread's connection */
	char		*path;
};

/*
 * Logs the connection's last error for `what` and maps rc: CV_EBUSY for
 * SQLITE_BUSY or SQLITE_LOCKED (past the busy timeout), CV_EIO otherwise.
 */
static enum cv_err
sq_fail(struct cv_store *s, int rc, const char *what)
{
	struct sstore	*ss = s->be;
	const char	*msg;

	msg = ss->db != NULL ? sqlite3_errmsg(ss->db) : sqlite3_errstr(rc);
	cv_log("%s: %s: %s", s->path, what, msg);
	if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
		return CV_EBUSY;
	return CV_EIO;
}

static enum cv_err
sq_prepare(struct cv_store *s, const char *sql, sqlite3_stmt **st)
{
	struct sstore	*ss = s->be;
	int		 rc;

	rc = sqlite3_prepare_v3(ss->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
	    st, NULL);
	return rc == SQLITE_OK ? CV_OK : sq_fail(s, rc, sql);
}

/* Runs a statement that returns no rows we need, then resets it. */
static enum cv_err
sq_run(struct cv_store *s, sqlite3_stmt *st, const char *what)
{
	enum cv_err	 e = CV_OK;
	int		 rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		continue;
	if (rc != SQLITE_DONE)
		e = sq_fail(s, rc, what);
	sqlite3_reset(st);
	return e;
}

static enum cv_err
sq_exec(struct cv_store *s, const char *sql)
{
	struct sstore	*ss = s->be;
	int		 rc;

	rc = sqlite3_exec(ss->db, sql, NULL, NULL, NULL);
	return rc == SQLITE_OK ? CV_OK : sq_fail(s, rc, sql);
}

static void
sq_done(sqlite3_stmt *st)
{
	if (st == NULL)
		return;
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

/* The column name of the order, or the id when the collection has none. */
static const char *
order_col(const struct cv_coll *c)
{
	return c->order_field != NULL ? c->order_field : c->id_field;
}

static enum cv_err
sq_bind_text(struct cv_store *s, sqlite3_stmt *st, int i, const char *v)
{
	int	 rc;

	rc = sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
	return rc == SQLITE_OK ? CV_OK : sq_fail(s, rc, "bind");
}

/*
 * The stored column keys of rec into keys[] (room for the collection's
 * ncols): cv_json_key() of each column's field, NULL when absent or null,
 * "" for an absent order field.  sorted: an object or array field is
 * keyed as if its keys were sorted (rec as a caller gave it), else as rec
 * lists them (a stored payload).  Keys live in rec and the arena.
 */
static void
sq_keys(struct cv_store *s, size_t coll, struct json_object *rec,
    int sorted, const char **keys)
{
	struct sstore		*ss = s->be;
	struct scoll		*sc = &ss->colls[coll];
	struct json_object	*v;
	size_t			 j;

	for (j = 0; j < sc->ncols; j++) {
		v = NULL;
		json_object_object_get_ex(rec, sc->cols[j], &v);
		keys[j] = sorted ? cv_json_key_sorted(&ss->arena, v) :
		    cv_json_key(&ss->arena, v);
		if (keys[j] == NULL && j == sc->order)
			keys[j] = "";
	}
}

/*
 * Binds a record to an upsert, insert or update statement: ?1 the id,
 * then the key of each stored column in mask (see sq_keys(); an UPDATE
 * of sq_update() uses no other), then the payload text of len bytes.  The
 * bound text must live until the statement is reset.
 */
static enum cv_err
sq_bind_rec(struct cv_store *s, size_t coll, sqlite3_stmt *st,
    const char *id, const char *const *keys, uint32_t mask,
    const char *payload, size_t len)
{
	struct sstore		*ss = s->be;
	struct scoll		*sc = &ss->colls[coll];
	size_t			 j;
	int			 rc;

	if (len > INT32_MAX)
		return CV_EINVAL;
	rc = sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	for (j = 0; rc == SQLITE_OK && j < sc->ncols; j++)
		if (mask & (UINT32_C(1) << j))
			rc = keys[j] == NULL ?
			    sqlite3_bind_null(st, (int)j + 2) :
			    sqlite3_bind_text(st, (int)j + 2, keys[j], -1,
			    SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, (int)sc->ncols + 2, payload,
		    (int)len, SQLITE_STATIC);
	return rc == SQLITE_OK ? CV_OK : sq_fail(s, rc, "bind");
}

/*
 * Parses a payload column into a new reference, with the connection's
 * tokener.  CV_EIO (logged) when the stored text is not JSON.
 */
static enum cv_err
sq_payload(struct cv_store *s, size_t coll, sqlite3_stmt *st, int col,
    struct json_object **out)
{
	struct sstore	*ss = s->be;
	const char	*text;
	char		 err[256];
	enum cv_err	 rc;
	int		 n;

	*out = NULL;
	text = (const char *)sqlite3_column_text(st, col);
	n = sqlite3_column_bytes(st, col);
	if (text == NULL) {
		cv_log("%s: %s: a row without payload", s->path,
		    s->def->colls[coll].table);
		return CV_EIO;
	}
	rc = cv_json_parse_tok(&ss->tok, CV_STORE_PARSE_DEPTH, text, (size_t)n,
	    out, err, sizeof(err));
	if (rc == CV_EINVAL) {
		cv_log("%s: %s: stored payload: %s", s->path,
		    s->def->colls[coll].table, err);
		rc = CV_EIO;
	}
	return rc;
}

/*
 * Fills present[j] for each stored column of collection coll that the
 * table has; *ok is 0 when the table lacks its id or payload column.
 * *exists is 0 when there is no table.
 */
static enum cv_err
sq_columns(struct cv_store *s, size_t coll, int *present, int *exists,
    int *ok)
{
	struct sstore		*ss = s->be;
	const struct cv_coll	*c = &s->def->colls[coll];
	struct scoll		*sc = &ss->colls[coll];
	sqlite3_stmt		*st = NULL;
	const char		*name;
	size_t			 j;
	int			 rc, id = 0, payload = 0;
	enum cv_err		 e;

	*exists = 0;
	memset(present, 0, sc->ncols * sizeof(*present));
	if ((e = sq_prepare(s, "SELECT name FROM pragma_table_info(?1)",
	    &st)) != CV_OK)
		goto out;
	sqlite3_bind_text(st, 1, c->table, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*exists = 1;
		if ((name = (const char *)sqlite3_column_text(st, 0)) == NULL)
			continue;
		if (strcmp(name, c->id_field) == 0)
			id = 1;
		else if (strcmp(name, "payload") == 0)
			payload = 1;
		for (j = 0; j < sc->ncols; j++)
			if (strcmp(name, sc->cols[j]) == 0)
				present[j] = 1;
	}
	if (rc != SQLITE_DONE) {
		e = sq_fail(s, rc, "table_info");
		goto out;
	}
	*ok = !*exists || (id && payload);
out:
	sqlite3_finalize(st);
	return e;
}

/*
 * The integer the one-row query sql returns, with arg (if not NULL) bound
 * to ?1: a statement prepared, run and finalized, for the schema checks.
 * CV_EIO or CV_EBUSY (logged) when it fails or returns no row.
 */
static enum cv_err
sq_int(struct cv_store *s, const char *sql, const char *arg, int *out)
{
	sqlite3_stmt	*st = NULL;
	enum cv_err	 e;
	int		 rc;

	if ((e = sq_prepare(s, sql, &st)) != CV_OK)
		goto out;
	if (arg != NULL && (e = sq_bind_text(s, st, 1, arg)) != CV_OK)
		goto out;
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		e = sq_fail(s, rc, sql);
		goto out;
	}
	*out = sqlite3_column_int(st, 0);
out:
	sqlite3_finalize(st);
	return e;
}

/*
 * The index names of collection coll, in creation order: one per filter
 * field that is not the order field, then the order's.  Appends each
 * CREATE INDEX to sql when sql is not NULL, and counts in *missing those
 * that do not exist yet; the same for the table's row in
 * cavra_row_counts, which this process keeps (sq_put(), sq_bump()), and
 * for the value counts of each filter column (sq_vc_add()).
 */
static enum cv_err
sq_indexes(struct cv_store *s, size_t coll, struct cv_text *sql, int *missing)
{
	const struct cv_coll	*c = &s->def->colls[coll];
	sqlite3_stmt		*st = NULL;
	const char		*oc = order_col(c);
	char			 name[256];
	size_t			 j, nf;
	int			 rc, triggers, counted, have;
	enum cv_err		 e;

	*missing = 0;
	nf = cv_coll_nfields(c);
	if ((e = sq_prepare(s, "SELECT 1 FROM sqlite_schema "
	    "WHERE type = 'index' AND name = ?1", &st)) != CV_OK)
		goto out;
	for (j = 0; j <= nf; j++) {
		if (j < nf && cv_coll_is_order(c, c->fields[j]))
			continue;
		if (j == nf && c->order_field == NULL)
			break;
		snprintf(name, sizeof(name), "%s_%s%s", c->table,
		    j < nf ? "by_" : "order", j < nf ? c->fields[j] : "");
		if (sql != NULL && j < nf && c->order_field != NULL &&
		    !c->order_moves)
			cv_text_printf(sql, "CREATE INDEX IF NOT EXISTS \"%s\" "
			    "ON \"%s\" (\"%s\", \"%s\", \"%s\");\n", name,
			    c->table, c->fields[j], oc, c->id_field);
		else if (sql != NULL)
			cv_text_printf(sql, "CREATE INDEX IF NOT EXISTS \"%s\" "
			    "ON \"%s\" (\"%s\", \"%s\");\n", name, c->table,
			    j < nf ? c->fields[j] : oc, c->id_field);
		sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
		rc = sqlite3_step(st);
		if (rc == SQLITE_DONE)
			(*missing)++;
		else if (rc != SQLITE_ROW) {
			e = sq_fail(s, rc, "sqlite_schema");
			goto out;
		}
		sqlite3_reset(st);
	}
	/* The row count (see sq_query()): its row in cavra_row_counts,
	 * kept by sq_put() and sq_bump(); a store of an earlier version
	 * kept it with triggers, which are dropped. */
	if ((e = sq_int(s, "SELECT count(*) FROM sqlite_schema WHERE type = "
	    "'trigger' AND name IN (?1 || '_rows_ins', ?1 || '_rows_del')",
	    c->table, &triggers)) != CV_OK ||
	    (e = sq_int(s, "SELECT count(*) FROM sqlite_schema WHERE type = "
	    "'table' AND name = 'cavra_row_counts'", NULL, &counted)) !=
	    CV_OK)
		goto out;
	if (counted && (e = sq_int(s, "SELECT count(*) FROM cavra_row_counts "
	    "WHERE tbl = ?1", c->table, &counted)) != CV_OK)
		goto out;
	if (triggers > 0 || !counted) {
		(*missing)++;
		if (sql != NULL && !counted)
			cv_text_printf(sql, "CREATE TABLE IF NOT EXISTS cavra_row_counts "
			    "(tbl TEXT PRIMARY KEY NOT NULL, n INTEGER NOT "
			    "NULL);\n"
			    "INSERT OR REPLACE INTO cavra_row_counts VALUES "
			    "('%s', (SELECT count(*) FROM \"%s\"));\n",
			    c->table, c->table);
		if (sql != NULL)
			cv_text_printf(sql, "DROP TRIGGER IF EXISTS "
			    "\"%s_rows_ins\";\n"
			    "DROP TRIGGER IF EXISTS \"%s_rows_del\";\n",
			    c->table, c->table);
	}
	/* The value counts of each filter column (see sq_vc_add()):
	 * counted from the rows when cavra_counted does not list it. */
	if ((e = sq_int(s, "SELECT count(*) FROM sqlite_schema WHERE type = "
	    "'table' AND name = 'cavra_counted'", NULL, &have)) != CV_OK)
		goto out;
	for (j = 0; j < nf; j++) {
		snprintf(name, sizeof(name), "%s.%s", c->table, c->fields[j]);
		counted = 0;
		if (have && (e = sq_int(s, "SELECT count(*) FROM cavra_counted "
		    "WHERE tbl || '.' || col = ?1", name, &counted)) != CV_OK)
			goto out;
		if (counted)
			continue;
		(*missing)++;
		if (sql == NULL)
			continue;
		cv_text_printf(sql, "CREATE TABLE IF NOT EXISTS cavra_value_counts (tbl "
		    "TEXT NOT NULL, col TEXT NOT NULL, val TEXT NOT NULL, n "
		    "INTEGER NOT NULL, PRIMARY KEY (tbl, col, val)) WITHOUT "
		    "ROWID;\n"
		    "CREATE TABLE IF NOT EXISTS cavra_counted (tbl TEXT NOT "
		    "NULL, col TEXT NOT NULL, PRIMARY KEY (tbl, col)) WITHOUT "
		    "ROWID;\n"
		    "DELETE FROM cavra_value_counts WHERE tbl = '%s' AND col = "
		    "'%s';\n"
		    "INSERT INTO cavra_value_counts SELECT '%s', '%s', \"%s\", "
		    "count(*) FROM \"%s\" WHERE \"%s\" IS NOT NULL GROUP BY "
		    "\"%s\";\n"
		    "INSERT INTO cavra_counted VALUES ('%s', '%s');\n",
		    c->table, c->fields[j], c->table, c->fields[j],
		    c->fields[j], c->table, c->fields[j], c->fields[j],
		    c->table, c->fields[j]);
	}
out:
	sqlite3_finalize(st);
	return e;
}

/*
 * Prepares collection coll's get and upsert statements.
 */
static enum cv_err
sq_coll_prepare(struct cv_store *s, size_t coll)
{
	struct sstore		*ss = s->be;
	const struct cv_coll	*c = &s->def->colls[coll];
	struct scoll		*sc = &ss->colls[coll];
	struct cv_text		 b = { NULL, 0, 0 };
	size_t			 j;
	enum cv_err		 e;

	if (sc->put != NULL)
		return CV_OK;
	cv_text_printf(&b, "SELECT payload FROM \"%s\" WHERE \"%s\" = ?1",
	    c->table, c->id_field);
	e = sq_prepare(s, b.p, &sc->get);
	b.len = 0;
	if (e != CV_OK)
		goto out;
	cv_text_printf(&b, "INSERT INTO \"%s\" (\"%s\"", c->table, c->id_field);
	for (j = 0; j < sc->ncols; j++)
		cv_text_printf(&b, ", \"%s\"", sc->cols[j]);
	cv_text_printf(&b, ", payload) VALUES (?1");
	for (j = 0; j < sc->ncols; j++)
		cv_text_printf(&b, ", ?%zu", j + 2);
	cv_text_printf(&b, ", ?%zu) ON CONFLICT (\"%s\") DO UPDATE SET ",
	    sc->ncols + 2, c->id_field);
	for (j = 0; j < sc->ncols; j++)
		cv_text_printf(&b, "\"%s\" = excluded.\"%s\", ", sc->cols[j],
		    sc->cols[j]);
	cv_text_printf(&b, "payload = excluded.payload");
	if ((e = sq_prepare(s, b.p, &sc->put)) != CV_OK)
		goto out;
	b.len = 0;
	cv_text_printf(&b, "SELECT \"%s\"", c->id_field);
	for (j = 0; j < sc->ncols; j++)
		cv_text_printf(&b, ", \"%s\"", sc->cols[j]);
	cv_text_printf(&b, " FROM \"%s\" WHERE \"%s\" = ?1", c->table,
	    c->id_field);
	if ((e = sq_prepare(s, b.p, &sc->old)) != CV_OK)
		goto out;
	b.len = 0;
	cv_text_printf(&b, "INSERT INTO \"%s\" (\"%s\"", c->table, c->id_field);
	for (j = 0; j < sc->ncols; j++)
		cv_text_printf(&b, ", \"%s\"", sc->cols[j]);
	cv_text_printf(&b, ", payload) VALUES (?1");
	for (j = 0; j < sc->ncols; j++)
		cv_text_printf(&b, ", ?%zu", j + 2);
	cv_text_printf(&b, ", ?%zu)", sc->ncols + 2);
	e = sq_prepare(s, b.p, &sc->ins);
out:
	free(b.p);
	return e;
}

/*
 * The cached UPDATE of collection coll that sets the columns in mask and
 * the payload, with the parameter numbers of the upsert (?1 the id, ?2..
 * the columns, the payload last), so sq_bind_rec() binds it too.
 */
static enum cv_err
sq_update(struct cv_store *s, size_t coll, uint32_t mask, sqlite3_stmt **out)
{
	struct sstore		*ss = s->be;
	const struct cv_coll	*c = &s->def->colls[coll];
	struct scoll		*sc = &ss->colls[coll];
	struct supd		*p;
	struct cv_text		 b = { NULL, 0, 0 };
	size_t			 i, j;
	enum cv_err		 e;

	for (i = 0; i < sc->nupd; i++)
		if (sc->upd[i].mask == mask) {
			*out = sc->upd[i].st;
			return CV_OK;
		}
	if ((p = reallocarray(sc->upd, sc->nupd + 1, sizeof(*p))) == NULL)
		return CV_ENOMEM;
	sc->upd = p;
	cv_text_printf(&b, "UPDATE \"%s\" SET ", c->table);
	for (j = 0; j < sc->ncols; j++)
		if (mask & (UINT32_C(1) << j))
			cv_text_printf(&b, "\"%s\" = ?%zu, ", sc->cols[j],
			    j + 2);
	cv_text_printf(&b, "payload = ?%zu WHERE \"%s\" = ?1", sc->ncols + 2,
	    c->id_field);
	if ((e = sq_prepare(s, b.p, &sc->upd[sc->nupd].st)) == CV_OK) {
		sc->upd[sc->nupd].mask = mask;
		*out = sc->upd[sc->nupd++].st;
	}
	free(b.p);
	return e;
}

/*
 * Recomputes every stored column of collection coll from the payloads,
 * after columns were added to an older table.  In the open transaction.
 */
static enum cv_err
sq_backfill(struct cv_store *s, size_t coll)
{
	struct sstore		*ss = s->be;
	const struct cv_coll	*c = &s->def->colls[coll];
	struct scoll		*sc = &ss->colls[coll];
	struct json_object	*rec = NULL, *v;
	sqlite3_stmt		*st = NULL;
	struct cv_text		 b = { NULL, 0, 0 };
	const char		*keys[CV_STORE_FIELDS_MAX + 1], *text;
	size_t			 len;
	int			 rc;
	enum cv_err		 e;

	if ((e = sq_coll_prepare(s, coll)) != CV_OK)
		goto out;
	cv_text_printf(&b, "SELECT payload FROM \"%s\"", c->table);
	if ((e = sq_prepare(s, b.p, &st)) != CV_OK)
		goto out;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((e = sq_payload(s, coll, st, 0, &rec)) != CV_OK)
			goto out;
		if (!json_object_object_get_ex(rec, c->id_field, &v) ||
		    !json_object_is_type(v, json_type_string)) {
			cv_log("%s: %s: a payload without %s", s->path,
			    c->table, c->id_field);
			e = CV_EIO;
			goto out;
		}
		/* The payload is rewritten as stored, in its key order. */
		sq_keys(s, coll, rec, 0, keys);
		if ((text = json_object_to_json_string_length(rec,
		    SQ_JSON_FLAGS, &len)) == NULL)
			e = CV_ENOMEM;
		else if ((e = sq_bind_rec(s, coll, sc->put,
		    json_object_get_string(v), keys, UINT32_MAX, text,
		    len)) == CV_OK)
			e = sq_run(s, sc->put, "backfill");
		sqlite3_clear_bindings(sc->put);
		json_object_put(rec);
		rec = NULL;
		cv_arena_reset(&ss->arena);
		if (e != CV_OK)
			goto out;
	}
	if (rc != SQLITE_DONE)
		e = sq_fail(s, rc, "backfill");
out:
	json_object_put(rec);
	sqlite3_finalize(st);
	free(b.p);
	return e;
}

/*
 * Brings the schema up to date: checks it without locking first, and only
 * when something is missing takes the write lock to create tables, add
 * columns (filled in from the payloads) and create indexes.
 */
static enum cv_err
sq_schema(struct cv_store *s)
{
	struct sstore		*ss = s->be;
	const struct cv_store_def *def = s->def;
	const struct cv_coll	*c;
	struct scoll		*sc;
	struct cv_text		 b = { NULL, 0, 0 };
	size_t			 ci, j;
	int			*present = NULL, exists, ok, missing, need = 0;
	int			 txn = 0, added, gen;
	enum cv_err		 e = CV_OK;

	present = cv_xcalloc(CV_STORE_FIELDS_MAX + 1, sizeof(*present));
	if ((e = sq_int(s, "SELECT count(*) FROM sqlite_schema WHERE type = "
	    "'table' AND name = 'cavra_generation'", NULL, &gen)) != CV_OK)
		goto out;
	need = !gen;
	for (ci = 0; ci < def->ncolls && !need; ci++) {
		sc = &ss->colls[ci];
		if ((e = sq_columns(s, ci, present, &exists, &ok)) != CV_OK ||
		    (e = sq_indexes(s, ci, NULL, &missing)) != CV_OK)
			goto out;
		need = !exists || missing > 0;
		for (j = 0; j < sc->ncols; j++)
			need |= !present[j];
	}
	if (!need)
		goto out;

	if ((e = sq_exec(s, "BEGIN IMMEDIATE")) != CV_OK)
		goto out;
	txn = 1;
	for (ci = 0; ci < def->ncolls; ci++) {
		c = &def->colls[ci];
		sc = &ss->colls[ci];
		if ((e = sq_columns(s, ci, present, &exists, &ok)) != CV_OK)
			goto out;
		if (!ok) {
			cv_log("%s: table %s lacks its %s or payload column",
			    s->path, c->table, c->id_field);
			e = CV_EIO;
			goto out;
		}
		b.len = 0;
		added = 0;
		if (!exists) {
			cv_text_printf(&b, "CREATE TABLE \"%s\" (\"%s\" TEXT "
			    "PRIMARY KEY NOT NULL", c->table, c->id_field);
			for (j = 0; j < sc->ncols; j++)
				cv_text_printf(&b, ", \"%s\" TEXT%s",
				    sc->cols[j],
				    cv_coll_is_order(c, sc->cols[j]) ?
				    " NOT NULL DEFAULT ''" : "");
			cv_text_printf(&b, ", payload TEXT NOT NULL);\n");
		} else
			for (j = 0; j < sc->ncols; j++) {
				if (present[j])
					continue;
				cv_text_printf(&b, "ALTER TABLE \"%s\" ADD COLUMN "
				    "\"%s\" TEXT%s;\n", c->table, sc->cols[j],
				    cv_coll_is_order(c, sc->cols[j]) ?
				    " NOT NULL DEFAULT ''" : "");
				added = 1;
			}
		if (b.len > 0 && (e = sq_exec(s, b.p)) != CV_OK)
			goto out;
		if (added && (e = sq_backfill(s, ci)) != CV_OK)
			goto out;
		b.len = 0;
		if ((e = sq_indexes(s, ci, &b, &missing)) != CV_OK)
			goto out;
		if (missing > 0 && (e = sq_exec(s, b.p)) != CV_OK)
			goto out;
	}
	/* The generation (see store_totals.c): a change of the schema may
	 * change what a cached total counts. */
	if ((e = sq_exec(s, "CREATE TABLE IF NOT EXISTS cavra_generation (id "
	    "INTEGER PRIMARY KEY CHECK (id = 0), gen INTEGER NOT NULL);\n"
	    "INSERT OR IGNORE INTO cavra_generation VALUES (0, 0);\n"
	    "UPDATE cavra_generation SET gen = gen + 1;")) != CV_OK)
		goto out;
	e = sq_exec(s, "COMMIT");
	txn = 0;
out:
	if (txn)
		sqlite3_exec(ss->db, "ROLLBACK", NULL, NULL, NULL);
	free(present);
	free(b.p);
	return e;
}

/*
 * Busy handler: sqlite3_busy_timeout() sleeps 1, 2, 5, 10 ... 100 ms
 * between tries, which under a steady stream of short write transactions
 * from several workers leaves the lock free most of the time a waiter
 * sleeps.  This one retries after 50 us, doubling to at most 2 ms, until
 * CV_STORE_BUSY_MS have passed since the first try of this wait.
 * Returns non-zero to retry.
 */
static int
sq_busy(void *arg, int count)
{
	static struct timespec	 start;
	struct timespec		 now;
	long long		 waited_ms;
	useconds_t		 us;

	(void)arg;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (count == 0)
		start = now;
	waited_ms = (long long)(now.tv_sec - start.tv_sec) * 1000 +
	    (now.tv_nsec - start.tv_nsec) / 1000000;
	if (waited_ms >= CV_STORE_BUSY_MS)
		return 0;
	us = count >= 6 ? 2000 : (useconds_t)50 << count;
	usleep(us);
	return 1;
}

static void
sq_busy_wait(sqlite3 *db, int wait)
{
	if (wait)
		sqlite3_busy_handler(db, sq_busy, NULL);
	else
		sqlite3_busy_timeout(db, 0);
}

/* One PASSIVE checkpoint on the thread's connection; errors are logged. */
static void
ckpt_run(struct ckpt *c)
{
	int	 rc;

	rc = sqlite3_wal_checkpoint_v2(c->db, NULL, SQLITE_CHECKPOINT_PASSIVE,
	    NULL, NULL);
	if (rc != SQLITE_OK && rc != SQLITE_BUSY)
		cv_log("%s: checkpoint: %s", c->path, sqlite3_errmsg(c->db));
}

/* The checkpoint thread: two passes per wake-up, the second locked. */
static void *
ckpt_main(void *arg)
{
	struct ckpt	*c = arg;

	pthread_mutex_lock(&c->mu);
	for (;;) {
		while (!c->due && !c->stop)
			pthread_cond_wait(&c->cv, &c->mu);
		if (c->stop)
			break;
		c->due = 0;
		pthread_mutex_unlock(&c->mu);
		ckpt_run(c);
		pthread_mutex_lock(c->lock);
		ckpt_run(c);
		pthread_mutex_unlock(c->lock);
		pthread_mutex_lock(&c->mu);
		/* Commits during the passes asked again; the WAL is copied
		 * now and the next commit starts it over. */
		c->due = 0;
	}
	pthread_mutex_unlock(&c->mu);
	return NULL;
}

/*
 * WAL hook of a store with background checkpoints, run by the committer
 * (which holds the caller's lock) with the WAL's size in pages.
 */
static int
ckpt_hook(void *arg, sqlite3 *db, const char *name, int pages)
{
	struct ckpt	*c = arg;

	if (pages >= CV_WAL_CKPT_STALL) {
		(void)sqlite3_wal_checkpoint_v2(db, name,
		    SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
		return SQLITE_OK;
	}
	if (pages >= CV_WAL_AUTOCHECKPOINT) {
		pthread_mutex_lock(&c->mu);
		c->due = 1;
		pthread_cond_signal(&c->cv);
		pthread_mutex_unlock(&c->mu);
	}
	return SQLITE_OK;
}

/* Stops and joins the checkpoint thread, if any, and frees its state. */
static void
ckpt_stop(struct sstore *ss)
{
	struct ckpt	*c = ss->ckpt;

	if (c == NULL)
		return;
	if (ss->db != NULL)
		sqlite3_wal_hook(ss->db, NULL, NULL);
	pthread_mutex_lock(&c->mu);
	c->stop = 1;
	pthread_cond_signal(&c->cv);
	pthread_mutex_unlock(&c->mu);
	pthread_join(c->tid, NULL);
	sqlite3_close(c->db);
	pthread_cond_destroy(&c->cv);
	pthread_mutex_destroy(&c->mu);
	free(c->path);
	free(c);
	ss->ckpt = NULL;
}

/*
 * Moves the WAL checkpoints of store s (SQLite) to a thread with its own
 * connection; lock is the caller's lock around every use of s, taken by
 * that thread for its short second pass.  Call after fork, never with
 * lock held.  CV_EIO (logged) when the connection or the thread cannot be
 * made; the store then keeps checkpointing as it commits.
 */
enum cv_err
cv_store_sqlite_background(struct cv_store *s, pthread_mutex_t *lock)
{
	struct sstore	*ss = s->be;
	struct ckpt	*c;

	if (ss->ckpt != NULL)
		return CV_OK;
	c = cv_xcalloc(1, sizeof(*c));
	c->path = cv_xstrdup(s->path);
	c->lock = lock;
	pthread_mutex_init(&c->mu, NULL);
	pthread_cond_init(&c->cv, NULL);
	if (sqlite3_open_v2(s->path, &c->db, SQLITE_OPEN_READWRITE,
	    cv_store_vfs()) != SQLITE_OK) {
		cv_log("%s: checkpoint connection: %s", s->path,
		    c->db != NULL ? sqlite3_errmsg(c->db) : "out of memory");
		goto fail;
	}
	sq_busy_wait(c->db, 1);
	/* A connection learns that the database is in WAL mode (and can
	 * checkpoint it) on its first read. */
	if (sqlite3_exec(c->db, "PRAGMA journal_mode", NULL, NULL, NULL) !=
	    SQLITE_OK) {
		cv_log("%s: checkpoint connection: %s", s->path,
		    sqlite3_errmsg(c->db));
		goto fail;
	}
	if (pthread_create(&c->tid, NULL, ckpt_main, c) != 0) {
		cv_log("%s: cannot start the checkpoint thread", s->path);
		goto fail;
	}
	ss->ckpt = c;
	sqlite3_wal_hook(ss->db, ckpt_hook, c);
	return CV_OK;
fail:
	sqlite3_close(c->db);
	pthread_cond_destroy(&c->cv);
	pthread_mutex_destroy(&c->mu);
	free(c->path);
	free(c);
	return CV_EIO;
}

/*
 * Lets SQLite gather the statistics its planner asked for (bounded by
 * analysis_limit).  Never waits for the write lock: when another process
 * holds it, the next turn will do.
 */
static void
sq_optimize(struct cv_store *s)
{
	struct sstore	*ss = s->be;
	int		 rc;

	if (!sqlite3_get_autocommit(ss->db))
		return;
	sq_busy_wait(ss->db, 0);
	rc = sqlite3_exec(ss->db, "PRAGMA optimize", NULL, NULL, NULL);
	if (rc != SQLITE_OK && (rc & 0xff) != SQLITE_BUSY &&
	    (rc & 0xff) != SQLITE_LOCKED)
		sq_fail(s, rc, "PRAGMA optimize");
	sq_busy_wait(ss->db, 1);
}

static void
sq_tick(struct cv_store *s)
{
	struct sstore	*ss = s->be;

	if (++ss->calls % CV_STORE_OPTIMIZE_EVERY == 0)
		sq_optimize(s);
}

static void
sq_close(struct cv_store *s)
{
	struct sstore	*ss = s->be;
	struct scoll	*sc;
	size_t		 ci, i, j;

	if (ss == NULL)
		return;
	if (ss->db != NULL && ss->commit != NULL)
		sq_optimize(s);
	for (ci = 0; ss->colls != NULL && ci < s->def->ncolls; ci++) {
		sc = &ss->colls[ci];
		sqlite3_finalize(sc->get);
		sqlite3_finalize(sc->put);
		sqlite3_finalize(sc->old);
		sqlite3_finalize(sc->ins);
		for (j = 0; j < sc->nupd; j++)
			sqlite3_finalize(sc->upd[j].st);
		free(sc->upd);
		for (i = 0; i < sc->nq; i++) {
			sqlite3_finalize(sc->q[i].list);
			sqlite3_finalize(sc->q[i].count);
		}
		free(sc->q);
		free(sc->cols);
	}
	free(ss->colls);
	free(ss->added);
	ckpt_stop(ss);
	sqlite3_finalize(ss->bump);
	sqlite3_finalize(ss->vcbump);
	sqlite3_finalize(ss->vcget);
	sqlite3_finalize(ss->rcget);
	sqlite3_finalize(ss->gget);
	sqlite3_finalize(ss->gbump);
	cv_totals_release(ss->cs);
	for (i = 0; i < ss->vdcap; i++)
		free(ss->vd[i].val);
	free(ss->vd);
	sqlite3_finalize(ss->begin);
	sqlite3_finalize(ss->rbegin);
	sqlite3_finalize(ss->commit);
	sqlite3_finalize(ss->rollback);
	if (ss->db != NULL && sqlite3_close(ss->db) != SQLITE_OK)
		cv_log("%s: close: %s", s->path, sqlite3_errmsg(ss->db));
	cv_arena_free(&ss->arena);
	if (ss->pb != NULL)
		printbuf_free(ss->pb);
	if (ss->tok != NULL)
		json_tokener_free(ss->tok);
	free(ss);
	s->be = NULL;
}

/*
 * Puts the database in WAL mode (persistent, so usually already so).
 * Switching needs the file to itself for a moment and SQLite does not
 * wait for that on its own, so SQLITE_BUSY is retried for up to
 * CV_STORE_BUSY_MS.  CV_EIO when WAL cannot be used (logged), CV_EBUSY
 * past the timeout.
 */
static enum cv_err
sq_wal(struct cv_store *s)
{
	sqlite3_stmt	*st = NULL;
	const char	*mode;
	int		 rc, waited = 0, delay = 1;
	enum cv_err	 e;

	if ((e = sq_prepare(s, "PRAGMA journal_mode = WAL", &st)) != CV_OK)
		goto out;
	while ((rc = sqlite3_step(st)) != SQLITE_ROW &&
	    (rc & 0xff) == SQLITE_BUSY && waited < CV_STORE_BUSY_MS) {
		sqlite3_reset(st);
		sqlite3_sleep(delay);
		waited += delay;
		if (delay < 32)
			delay *= 2;
	}
	if (rc != SQLITE_ROW) {
		e = sq_fail(s, rc, "journal_mode");
		goto out;
	}
	mode = (const char *)sqlite3_column_text(st, 0);
	if (mode == NULL || strcmp(mode, "wal") != 0) {
		cv_log("%s: cannot use WAL (journal mode %s)", s->path,
		    mode == NULL ? "unknown" : mode);
		e = CV_EIO;
	}
out:
	sqlite3_finalize(st);
	return e;
}

static pthread_once_t	sq_once = PTHREAD_ONCE_INIT;

/*
 * Process-wide SQLite setup, run once before the first connection: no
 * memory statistics (SQLITE_CONFIG_MEMSTATUS off, as SQLite recommends
 * for speed).  With them every sqlite3_malloc() and sqlite3_free() takes
 * a global mutex and updates counters, about 9% of the instructions of a
 * decision's writes.  The store is the only SQLite user of the process
 * and reads neither the statistics nor a heap limit.  When SQLite was
 * initialised before (another user), sqlite3_config() refuses with
 * SQLITE_MISUSE and nothing changes.
 */
static void
sq_init(void)
{
	(void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

/*
 * Opens the connection, sets it up (WAL, busy timeout, defensive),
 * brings the schema up to date and prepares the fixed statements.
 * CV_EIO (logged) when the file is not a usable database, CV_EBUSY when
 * it stays locked past the timeout.
 */
static enum cv_err
sq_open(struct cv_store *s)
{
	const struct cv_store_def *def = s->def;
	const struct cv_coll	*c;
	struct sstore		*ss;
	struct scoll		*sc;
	size_t			 ci, j, nf;
	char			 sql[64];
	int			 rc;
	enum cv_err		 e;

	if ((rc = pthread_once(&sq_once, sq_init)) != 0)
		cv_fatal("store: pthread_once: %s", strerror(rc));
	ss = cv_xcalloc(1, sizeof(*ss));
	cv_arena_init(&ss->arena);
	s->be = ss;
	ss->colls = cv_xcalloc(def->ncolls, sizeof(*ss->colls));
	ss->added = cv_xcalloc(def->ncolls, sizeof(*ss->added));
	for (ci = 0; ci < def->ncolls; ci++) {
		c = &def->colls[ci];
		sc = &ss->colls[ci];
		nf = cv_coll_nfields(c);
		sc->cols = cv_xcalloc(nf + 1, sizeof(*sc->cols));
		for (j = 0; j < nf; j++)
			sc->cols[sc->ncols++] = c->fields[j];
		sc->nfields = nf;
		for (j = 0; c->order_field != NULL && j < nf; j++)
			if (cv_coll_is_order(c, c->fields[j]))
				break;
		if (c->order_field != NULL && j == nf)
			sc->cols[sc->ncols++] = c->order_field;
		sc->order = c->order_field != NULL ? j : sc->ncols;
	}

	if ((rc = sqlite3_open_v2(s->path, &ss->db, SQ_OPEN_FLAGS,
	    cv_store_vfs())) !=
	    SQLITE_OK) {
		e = sq_fail(s, rc, "open");
		goto out;
	}
	sq_busy_wait(ss->db, 1);
	sqlite3_db_config(ss->db, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)NULL);
	if ((e = sq_exec(s, "PRAGMA trusted_schema = OFF")) != CV_OK ||
	    (e = sq_exec(s, "PRAGMA synchronous = NORMAL")) != CV_OK ||
	    (e = sq_exec(s, "PRAGMA temp_store = MEMORY")) != CV_OK ||
	    (e = sq_exec(s, "PRAGMA analysis_limit = 400")) != CV_OK)
		goto out;
	/* The page cache: the writer's holds the indexes a write touches
	 * (with 2 MiB, each insert into a store of 100,000 decisions read
	 * its random id index leaf back from the file); a reader's only the
	 * upper levels of the trees it walks. */
	snprintf(sql, sizeof(sql), "PRAGMA cache_size = -%ld", s->reader ?
	    (long)CV_SQLITE_READ_CACHE_KIB : cv_store_cache_kib());
	if ((e = sq_exec(s, sql)) != CV_OK)
		goto out;
	if ((e = sq_wal(s)) != CV_OK)
		goto out;
	/* Fewer, larger checkpoints: a page changed by many commits (an
	 * index's right edge, a session) is copied back once per
	 * checkpoint, not once per commit. */
	snprintf(sql, sizeof(sql), "PRAGMA wal_autocheckpoint = %d",
	    CV_WAL_AUTOCHECKPOINT);
	if ((e = sq_exec(s, sql)) != CV_OK)
		goto out;
	if ((e = sq_schema(s)) != CV_OK)
		goto out;
	for (ci = 0; ci < def->ncolls; ci++)
		if ((e = sq_coll_prepare(s, ci)) != CV_OK)
			goto out;
	if ((e = sq_prepare(s, "BEGIN IMMEDIATE", &ss->begin)) != CV_OK ||
	    (e = sq_prepare(s, "BEGIN", &ss->rbegin)) != CV_OK ||
	    (e = sq_prepare(s, "COMMIT", &ss->commit)) != CV_OK ||
	    (e = sq_prepare(s, "ROLLBACK", &ss->rollback)) != CV_OK)
		goto out;
	/* Not when a store of an earlier version, still running, made the
	 * table's trigger again: that trigger counts the rows then. */
	if ((e = sq_prepare(s, "UPDATE cavra_row_counts SET n = n + ?1 WHERE "
	    "tbl = ?2 AND NOT EXISTS (SELECT 1 FROM sqlite_schema WHERE "
	    "type = 'trigger' AND name = ?2 || '_rows_ins')", &ss->bump)) !=
	    CV_OK ||
	    (e = sq_prepare(s, "INSERT INTO cavra_value_counts (tbl, col, val, "
	    "n) VALUES (?1, ?2, ?3, ?4) ON CONFLICT (tbl, col, val) DO UPDATE "
	    "SET n = n + excluded.n", &ss->vcbump)) != CV_OK)
		goto out;
	if ((e = sq_prepare(s, "SELECT n FROM cavra_value_counts WHERE tbl = "
	    "?1 AND col = ?2 AND val = ?3", &ss->vcget)) != CV_OK)
		goto out;
	if ((e = sq_prepare(s, "SELECT n FROM cavra_row_counts WHERE tbl = ?1",
	    &ss->rcget)) != CV_OK ||
	    (e = sq_prepare(s, "SELECT gen FROM cavra_generation WHERE id = 0",
	    &ss->gget)) != CV_OK)
		goto out;
	e = sq_prepare(s, "UPDATE cavra_generation SET gen = gen + 1 WHERE "
	    "id = 0", &ss->gbump);
	ss->cs = cv_totals_get(s->path);
out:
	if (e != CV_OK)
		sq_close(s);
	return e;
}

/*
 * Value counts.  cavra_value_counts holds, for every filter column of
 * every table, how many rows hold each value (NULL is not counted), so
 * that the total of a list filtered on one column is one lookup and, for
 * several, the most selective column's index is known (sq_plan()).  A
 * write transaction gathers its changes in memory (sq_vc_add()) and
 * writes them, one row per value, before its commit or before a count
 * read inside it (sq_bump()); a rollback forgets them.  Table
 * cavra_counted lists the columns whose counts are kept: a column
 * missing there (a new store, a new filter field, a store of an earlier
 * version) is counted from its rows when the store is opened.
 */

static uint64_t
vd_hash(size_t coll, size_t col, const char *val)
{
	uint64_t	 h = 1469598103934665603ULL;

	h = (h ^ coll) * 1099511628211ULL;
	h = (h ^ col) * 1099511628211ULL;
	for (; *val != '\0'; val++)
		h = (h ^ (unsigned char)*val) * 1099511628211ULL;
	return h;
}

/* Forgets the gathered value count changes. */
static void
sq_vc_clear(struct sstore *ss)
{
	size_t	 i;

	for (i = 0; i < ss->vdcap; i++) {
		free(ss->vd[i].val);
		ss->vd[i].val = NULL;
		ss->vd[i].n = 0;
	}
	ss->vdn = 0;
}

/* The slot of (coll, col, val) in tab (cap a power of two): its entry,
 * or the free slot where it goes. */
static struct vdelta *
vd_slot(struct vdelta *tab, size_t cap, size_t coll, size_t col,
    const char *val)
{
	size_t	 i;

	i = (size_t)vd_hash(coll, col, val) & (cap - 1);
	while (tab[i].val != NULL && (tab[i].coll != coll ||
	    tab[i].col != col || strcmp(tab[i].val, val) != 0))
		i = (i + 1) & (cap - 1);
	return &tab[i];
}

/* Adds n to the count of value val of column col of collection coll. */
static void
sq_vc_add(struct sstore *ss, size_t coll, size_t col, const char *val,
    int64_t n)
{
	struct vdelta	*tab, *d;
	size_t		 cap, i;

	if (val == NULL)
		return;
	if (2 * (ss->vdn + 1) > ss->vdcap) {
		cap = ss->vdcap == 0 ? 64 : 2 * ss->vdcap;
		tab = cv_xcalloc(cap, sizeof(*tab));
		for (i = 0; i < ss->vdcap; i++)
			if (ss->vd[i].val != NULL)
				*vd_slot(tab, cap, ss->vd[i].coll,
				    ss->vd[i].col, ss->vd[i].val) = ss->vd[i];
		free(ss->vd);
		ss->vd = tab;
		ss->vdcap = cap;
	}
	d = vd_slot(ss->vd, ss->vdcap, coll, col, val);
	if (d->val == NULL) {
		d->val = cv_xstrdup(val);
		d->coll = coll;
		d->col = col;
		d->n = 0;
		ss->vdn++;
	}
	d->n += n;
}

/*
 * Writes the gathered value count changes into cavra_value_counts (in the
 * open write transaction) and forgets them.  CV_EBUSY, CV_EIO.
 */
static enum cv_err
sq_vc_flush(struct cv_store *s)
{
	struct sstore		*ss = s->be;
	const struct cv_coll	*c;
	struct vdelta		*d;
	size_t			 i;
	enum cv_err		 e = CV_OK;

	for (i = 0; i < ss->vdcap && e == CV_OK; i++) {
		d = &ss->vd[i];
		if (d->val == NULL || d->n == 0)
			continue;
		c = &s->def->colls[d->coll];
		if ((e = sq_bind_text(s, ss->vcbump, 1, c->table)) == CV_OK &&
		    (e = sq_bind_text(s, ss->vcbump, 2, c->fields[d->col])) ==
		    CV_OK && (e = sq_bind_text(s, ss->vcbump, 3, d->val)) ==
		    CV_OK) {
			sqlite3_bind_int64(ss->vcbump, 4, d->n);
			e = sq_run(s, ss->vcbump, "value count");
		}
		sqlite3_clear_bindings(ss->vcbump);
	}
	if (e == CV_OK)
		sq_vc_clear(ss);
	return e;
}

/*
 * The stored count of value val of filter column col of collection coll
 * into *n (0 when none).  Inside a write transaction the caller has
 * flushed its changes (sq_bump()).  CV_EBUSY, CV_EIO.
 */
static enum cv_err
sq_vc_get(struct cv_store *s, size_t coll, size_t col, const char *val,
    int64_t *n)
{
	struct sstore		*ss = s->be;
	const struct cv_coll	*c = &s->def->colls[coll];
	enum cv_err		 e;
	int			 rc;

	*n = 0;
	if ((e = sq_bind_text(s, ss->vcget, 1, c->table)) != CV_OK ||
	    (e = sq_bind_text(s, ss->vcget, 2, c->fields[col])) != CV_OK ||
	    (e = sq_bind_text(s, ss->vcget, 3, val)) != CV_OK)
		goto out;
	rc = sqlite3_step(ss->vcget);
	if (rc == SQLITE_ROW)
		*n = sqlite3_column_int64(ss->vcget, 0);
	else if (rc != SQLITE_DONE)
		e = sq_fail(s, rc, "value count");
out:
	sq_done(ss->vcget);
	return e;
}

/*
 * Cached totals.  The total of a list filtered on several columns takes a
 * walk over the most selective column's rows (sq_plan()); a process keeps
 * the last CV_COUNT_CACHE_MAX such totals per database file
 * (store_totals.c), each at the generation of the database it counts:
 * table cavra_generation holds a
 * number every write transaction that changes a row adds one to, in any
 * process.  A read whose snapshot is at the entry's generation uses it.
 * This process's own writes keep the entries current: each put adds to an
 * entry's pending change whether the row leaves or joins its match, and
 * the commit moves the entries of the generation it began at to the next
 * one.  An entry made after a write transaction began is dropped at its
 * commit (its count may miss some of that transaction's puts); a commit
 * by another process leaves the entries behind its generation, and they
 * are counted again.
 */

/* The generation of the database as this connection sees it. */
static enum cv_err
sq_gen(struct cv_store *s, int64_t *gen)
{
	struct sstore	*ss = s->be;
	enum cv_err	 e = CV_OK;
	int		 rc;

	*gen = -1;
	if ((rc = sqlite3_step(ss->gget)) == SQLITE_ROW)
		*gen = sqlite3_column_int64(ss->gget, 0);
	else if (rc != SQLITE_DONE)
		e = sq_fail(s, rc, "generation");
	sq_done(ss->gget);
	return e;
}

/*
 * A put in the open write transaction: a row of collection coll now has
 * the filter keys keys and had oldkeys (NULL: new); the cached totals at
 * the transaction's generation count it as pending.
 */
static void
sq_cc_put(struct sstore *ss, size_t coll, const char *const *keys,
    const char *const *oldkeys)
{
	ss->dirty = 1;
	cv_totals_put(ss->cs, coll, ss->txn_gen, keys, oldkeys);
}

/*
 * Adds the rows inserted in this write transaction to their tables' row
 * counts, and its value count changes to theirs, for a commit or a count
 * read inside the transaction.  CV_EBUSY, CV_EIO; the transaction should
 * then be rolled back.
 */
static enum cv_err
sq_bump(struct cv_store *s)
{
	struct sstore	*ss = s->be;
	size_t		 ci;
	enum cv_err	 e = CV_OK;

	for (ci = 0; ci < s->def->ncolls && e == CV_OK; ci++) {
		if (ss->added[ci] == 0)
			continue;
		sqlite3_bind_int64(ss->bump, 1, ss->added[ci]);
		if ((e = sq_bind_text(s, ss->bump, 2,
		    s->def->colls[ci].table)) == CV_OK &&
		    (e = sq_run(s, ss->bump, "row count")) == CV_OK)
			ss->added[ci] = 0;
		sqlite3_clear_bindings(ss->bump);
	}
	if (e == CV_OK && ss->vdn > 0)
		e = sq_vc_flush(s);
	return e;
}

static enum cv_err
sq_begin(struct cv_store *s)
{
	struct sstore	*ss = s->be;
	enum cv_err	 e;

	if ((e = sq_run(s, ss->begin, "BEGIN IMMEDIATE")) != CV_OK)
		return e;
	if ((e = sq_gen(s, &ss->txn_gen)) != CV_OK) {
		sq_run(s, ss->rollback, "ROLLBACK");
		return e;
	}
	ss->txn_seq = cv_totals_seq(ss->cs);
	ss->dirty = 0;
	return CV_OK;
}

/* Commits; on failure rolls back what is left.  CV_EBUSY, CV_EIO. */
static enum cv_err
sq_commit(struct cv_store *s)
{
	struct sstore	*ss = s->be;
	enum cv_err	 e;

	if ((e = sq_bump(s)) != CV_OK ||
	    (ss->dirty && (e = sq_run(s, ss->gbump, "generation")) !=
	    CV_OK) ||
	    (e = sq_run(s, ss->commit, "COMMIT")) != CV_OK) {
		if (!sqlite3_get_autocommit(ss->db))
			sq_run(s, ss->rollback, "ROLLBACK");
	} else
		sq_tick(s);
	cv_totals_end(ss->cs, e == CV_OK && ss->dirty, ss->txn_gen,
	    ss->txn_seq);
	ss->dirty = 0;
	memset(ss->added, 0, s->def->ncolls * sizeof(*ss->added));
	sq_vc_clear(ss);
	return e;
}

static void
sq_rollback(struct cv_store *s)
{
	struct sstore	*ss = s->be;

	if (!sqlite3_get_autocommit(ss->db))
		sq_run(s, ss->rollback, "ROLLBACK");
	cv_totals_end(ss->cs, 0, ss->txn_gen, ss->txn_seq);
	ss->dirty = 0;
	memset(ss->added, 0, s->def->ncolls * sizeof(*ss->added));
	sq_vc_clear(ss);
}

static enum cv_err
sq_rbegin(struct cv_store *s)
{
	struct sstore	*ss = s->be;

	return sq_run(s, ss->rbegin, "BEGIN");
}

static void
sq_rend(struct cv_store *s)
{
	struct sstore	*ss = s->be;

	if (!sqlite3_get_autocommit(ss->db))
		sq_run(s, ss->commit, "COMMIT");
	cv_arena_reset(&ss->arena);
	sq_tick(s);
}

/*
 * Upserts rec (the caller's, keys in any order) by id, stored with sorted
 * keys; with insert, an existing id is CV_ECONFLICT.  CV_EBUSY, CV_EIO,
 * CV_ENOMEM.
 */
static enum cv_err
sq_put(struct cv_store *s, size_t coll, const char *id,
    struct json_object *rec, int insert)
{
	struct sstore		*ss = s->be;
	struct scoll		*sc = &ss->colls[coll];
	sqlite3_stmt		*st = NULL;
	const char		*keys[CV_STORE_FIELDS_MAX + 1], *o;
	const char		*okeys[CV_STORE_FIELDS_MAX + 1];
	uint32_t		 mask = 0;
	size_t			 j;
	enum cv_err		 e;
	int			 rc;

	sq_keys(s, coll, rec, 1, keys);
	if (ss->pb == NULL && (ss->pb = printbuf_new()) == NULL) {
		e = CV_ENOMEM;
		goto out;
	}
	printbuf_reset(ss->pb);
	if (cv_json_print_sorted(ss->pb, rec) < 0) {
		e = CV_ENOMEM;
		goto out;
	}
	if (insert) {
		/* The INSERT's own check of the id finds a stored one; no
		 * lookup before it. */
		if ((e = sq_bind_rec(s, coll, sc->ins, id, keys, UINT32_MAX,
		    ss->pb->buf, (size_t)ss->pb->bpos)) == CV_OK &&
		    (rc = sqlite3_step(sc->ins)) != SQLITE_DONE) {
			rc = sqlite3_extended_errcode(ss->db);
			e = rc == SQLITE_CONSTRAINT_PRIMARYKEY ||
			    rc == SQLITE_CONSTRAINT_UNIQUE ? CV_ECONFLICT :
			    sq_fail(s, rc, "insert");
		}
		sq_done(sc->ins);
		if (e == CV_OK) {
			ss->added[coll]++;
			for (j = 0; j < sc->nfields; j++)
				sq_vc_add(ss, coll, j, keys[j], 1);
			sq_cc_put(ss, coll, keys, NULL);
		}
		goto out;
	}
	/* An existing row is updated in the columns that changed only:
	 * SQLite rewrites the index entries of every column an UPDATE
	 * sets, changed or not. */
	if ((e = sq_bind_text(s, sc->old, 1, id)) != CV_OK)
		goto out;
	rc = sqlite3_step(sc->old);
	if (rc == SQLITE_ROW) {
		for (j = 0; j < sc->ncols; j++) {
			o = (const char *)sqlite3_column_text(sc->old,
			    (int)j + 1);
			okeys[j] = o;
			if ((keys[j] == NULL) == (o == NULL) &&
			    (keys[j] == NULL || strcmp(keys[j], o) == 0))
				continue;
			mask |= UINT32_C(1) << j;
			if (j < sc->nfields) {
				sq_vc_add(ss, coll, j, o, -1);
				sq_vc_add(ss, coll, j, keys[j], 1);
			}
		}
		if (mask != 0)
			sq_cc_put(ss, coll, keys, okeys);
		sq_done(sc->old);
		if ((e = sq_update(s, coll, mask, &st)) != CV_OK)
			goto out;
	} else if (rc == SQLITE_DONE) {
		sq_done(sc->old);
		st = sc->ins;
		mask = UINT32_MAX;
	} else {
		e = sq_fail(s, rc, "select");
		sq_done(sc->old);
		goto out;
	}
	if ((e = sq_bind_rec(s, coll, st, id, keys, mask, ss->pb->buf,
	    (size_t)ss->pb->bpos)) == CV_OK &&
	    (e = sq_run(s, st, rc == SQLITE_ROW ? "update" : "insert")) ==
	    CV_OK && rc != SQLITE_ROW) {
		ss->added[coll]++;
		for (j = 0; j < sc->nfields; j++)
			sq_vc_add(ss, coll, j, keys[j], 1);
		sq_cc_put(ss, coll, keys, NULL);
	} else if (e == CV_OK)
		ss->dirty = 1;
	sq_done(st);
out:
	if (ss->pb != NULL && ss->pb->size > SQ_PB_KEEP) {
		printbuf_free(ss->pb);
		ss->pb = NULL;
	}
	cv_arena_reset(&ss->arena);
	return e;
}

static enum cv_err
sq_get(struct cv_store *s, size_t coll, const char *id,
    struct json_object **out)
{
	struct sstore	*ss = s->be;
	sqlite3_stmt	*st = ss->colls[coll].get;
	enum cv_err	 e;
	int		 rc;

	*out = NULL;
	if ((rc = sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC)) !=
	    SQLITE_OK) {
		e = sq_fail(s, rc, "bind");
		goto out;
	}
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		e = sq_payload(s, coll, st, 0, out);
	else if (rc == SQLITE_DONE)
		e = CV_ENOENT;
	else
		e = sq_fail(s, rc, "get");
out:
	sq_done(st);
	return e;
}

/*
 * The name of the index that serves equality on field `field` of c, into
 * buf (room for 256 bytes): the order index for the order field, else
 * the field's own (see sq_indexes()).
 */
static const char *
sq_index_name(const struct cv_coll *c, const char *field, char (*buf)[256])
{
	if (cv_coll_is_order(c, field))
		snprintf(*buf, sizeof(*buf), "%s_order", c->table);
	else
		snprintf(*buf, sizeof(*buf), "%s_by_%s", c->table, field);
	return *buf;
}

/*
 * The list and count statements for the columns in q->mask, using the
 * index of column pick (INDEXED BY; SIZE_MAX: the planner chooses),
 * prepared on first use and kept for the connection.
 */
static enum cv_err
sq_query(struct cv_store *s, size_t coll, const struct cv_query *q,
    size_t pick, struct squery **out)
{
	struct sstore		*ss = s->be;
	const struct cv_coll	*c = &s->def->colls[coll];
	struct scoll		*sc = &ss->colls[coll];
	struct squery		*p, *nq = NULL;
	struct cv_text		 w = { NULL, 0, 0 }, b = { NULL, 0, 0 };
	struct cv_text		 ix = { NULL, 0, 0 }, pw = { NULL, 0, 0 };
	char			 idx[256];
	size_t			 i;
	enum cv_err		 e;

	for (i = 0; i < sc->nq; i++)
		if (sc->q[i].mask == q->mask && sc->q[i].pick == pick) {
			*out = &sc->q[i];
			return CV_OK;
		}
	if ((p = reallocarray(sc->q, sc->nq + 1, sizeof(*p))) == NULL)
		return CV_ENOMEM;
	sc->q = p;
	nq = &sc->q[sc->nq];
	memset(nq, 0, sizeof(*nq));
	nq->mask = q->mask;
	nq->pick = pick;

	cv_text_printf(&ix, " AS a");
	/* The page reads its rows anyway: it tests every filter on them. */
	cv_text_printf(&w, "%s", "");
	cv_text_printf(&pw, "%s", "");
	for (i = 0; i < q->nf; i++)
		cv_text_printf(&pw, "%sa.\"%s\" IS ?%zu", i == 0 ? " WHERE " :
		    " AND ", cv_coll_colname(c, q->f[i].col), i + 1);
	if (pick == SIZE_MAX)
		cv_text_printf(&w, "%s", pw.p);
	else {
		/* The picked column's index gives the candidate rows; for
		 * the count, each other filter is a point lookup in its own
		 * index by the candidate's (order,) id, so no row is read. */
		cv_text_printf(&ix, " INDEXED BY \"%s\"", sq_index_name(c,
		    c->fields[pick], &idx));
		for (i = 0; i < q->nf; i++) {
			if (q->f[i].col == pick) {
				cv_text_printf(&w, "%sa.\"%s\" IS ?%zu",
				    w.len == 0 ? " WHERE " : " AND ",
				    c->fields[pick], i + 1);
				continue;
			}
			cv_text_printf(&w, "%sEXISTS (SELECT 1 FROM \"%s\" INDEXED BY "
			    "\"%s\" WHERE \"%s\" IS ?%zu AND \"%s\" = "
			    "a.\"%s\"", w.len == 0 ? " WHERE " : " AND ",
			    c->table, sq_index_name(c, c->fields[q->f[i].col],
			    &idx), c->fields[q->f[i].col], i + 1, c->id_field,
			    c->id_field);
			if (c->order_field != NULL && !c->order_moves)
				cv_text_printf(&w, " AND \"%s\" = a.\"%s\"",
				    c->order_field, c->order_field);
			cv_text_printf(&w, ")");
		}
	}
	/* An unfiltered total is the row count kept in cavra_row_counts
	 * (see sq_indexes()), not a scan of the whole table. */
	if (q->nf == 0)
		cv_text_printf(&b, "SELECT n FROM cavra_row_counts WHERE tbl = "
		    "'%s'", c->table);
	else
		cv_text_printf(&b, "SELECT count(*) FROM \"%s\"%s%s", c->table,
		    ix.p, w.p);
	if ((e = sq_prepare(s, b.p, &nq->count)) != CV_OK)
		goto out;
	b.len = 0;
	cv_text_printf(&b, "SELECT a.payload FROM \"%s\"%s%s ORDER BY ",
	    c->table, ix.p, pw.p);
	if (c->order_field != NULL)
		cv_text_printf(&b, "a.\"%s\" %s, ", c->order_field,
		    c->order_desc ? "DESC" : "ASC");
	cv_text_printf(&b, "a.\"%s\" %s LIMIT ?%zu OFFSET ?%zu", c->id_field,
	    c->order_desc ? "DESC" : "ASC", q->nf + 1, q->nf + 2);
	if ((e = sq_prepare(s, b.p, &nq->list)) != CV_OK)
		goto out;
	sc->nq++;
	*out = nq;
out:
	if (e != CV_OK) {
		sqlite3_finalize(nq->count);
		sqlite3_finalize(nq->list);
	}
	free(ix.p);
	free(pw.p);
	free(w.p);
	free(b.p);
	return e;
}

/*
 * Plans a filtered query q from the value counts into *out (its filters
 * in fbuf, room for q->nf): a filter that every row of the table
 * matches (its value's count is the row count) is left out; *pick is the
 * remaining filter column with the fewest rows (its index serves the
 * query), or SIZE_MAX when the planner may choose (at most one filter
 * left, a filter on the id, or no count known); *known is set to 1 with
 * *total the exact total when the counts answer it (one filter left, or a
 * filter that matches no row).  Inside a write transaction the gathered
 * counts are written first.  CV_EBUSY, CV_EIO.
 */
static enum cv_err
sq_plan(struct cv_store *s, size_t coll, const struct cv_query *q,
    struct cv_query *out, struct cv_qfilter *fbuf, size_t *pick, int *known,
    size_t *total)
{
	struct sstore	*ss = s->be;
	struct scoll	*sc = &ss->colls[coll];
	int64_t		 n, rows = -1, best = -1;
	size_t		 i, col;
	enum cv_err	 e;
	int		 rc;

	*out = *q;
	*pick = SIZE_MAX;
	*known = 0;
	*total = 0;
	if (q->nf == 0)
		return CV_OK;
	for (i = 0; i < q->nf; i++)
		if (q->f[i].col >= sc->nfields)
			return CV_OK;	/* the id: its own index */
	if (s->in_txn && (e = sq_bump(s)) != CV_OK)
		return e;
	if ((e = sq_bind_text(s, ss->rcget, 1, s->def->colls[coll].table)) !=
	    CV_OK)
		return e;
	if ((rc = sqlite3_step(ss->rcget)) == SQLITE_ROW)
		rows = sqlite3_column_int64(ss->rcget, 0);
	else if (rc != SQLITE_DONE)
		e = sq_fail(s, rc, "row count");
	sq_done(ss->rcget);
	if (e != CV_OK)
		return e;
	out->f = fbuf;
	out->nf = 0;
	out->mask = 0;
	for (i = 0; i < q->nf; i++) {
		col = q->f[i].col;
		n = -1;
		if (q->f[i].value != NULL &&
		    (e = sq_vc_get(s, coll, col, q->f[i].value, &n)) != CV_OK)
			return e;
		if (n >= 0 && n == rows && rows > 0)
			continue;	/* every row matches */
		fbuf[out->nf++] = q->f[i];
		out->mask |= UINT32_C(1) << col;
		if (n >= 0 && (best < 0 || n < best)) {
			best = n;
			*pick = col;
		}
	}
	if (out->nf == 0) {
		*known = rows >= 0;
		*total = rows >= 0 ? (size_t)rows : 0;
	} else if (best == 0 || (best > 0 && out->nf == 1)) {
		*known = 1;
		*total = (size_t)best;
	}
	if (out->nf <= 1)
		*pick = SIZE_MAX;
	return CV_OK;
}

static enum cv_err
sq_bind_filters(struct cv_store *s, sqlite3_stmt *st,
    const struct cv_query *q)
{
	size_t	 i;
	int	 rc = SQLITE_OK;

	for (i = 0; rc == SQLITE_OK && i < q->nf; i++)
		rc = q->f[i].value == NULL ?
		    sqlite3_bind_null(st, (int)i + 1) :
		    sqlite3_bind_text(st, (int)i + 1, q->f[i].value, -1,
		    SQLITE_STATIC);
	return rc == SQLITE_OK ? CV_OK : sq_fail(s, rc, "bind");
}

/*
 * Counts the matches (unless total is NULL), then (when the page is not
 * empty) appends the page's records to items, or their stored text,
 * comma-separated, to text.  CV_EBUSY, CV_EIO.
 */
static enum cv_err
sq_page(struct cv_store *s, size_t coll, const struct cv_query *q,
    struct json_object *items, struct cv_text *text, size_t *total)
{
	struct sstore		*ss = s->be;
	struct cv_qfilter	 fbuf[CV_STORE_FIELDS_MAX + 1];
	struct cv_query		 pq;
	struct squery		*sq = NULL;
	struct json_object	*rec;
	sqlite3_stmt		*st = NULL;
	const char		*p;
	size_t			 pick, known_total;
	int64_t			 n = 0, gen = -1;
	int			 rc, first = 1, known, cached = 0;
	enum cv_err		 e;

	if ((e = sq_plan(s, coll, q, &pq, fbuf, &pick, &known,
	    &known_total)) != CV_OK)
		return e;
	q = &pq;
	if (known && known_total == 0) {
		if (total != NULL)
			*total = 0;
		return CV_OK;
	}
	if ((e = sq_query(s, coll, q, pick, &sq)) != CV_OK)
		return e;
	if (total != NULL && known) {
		*total = known_total;
		if (q->offset >= known_total)
			goto out;
	} else if (total != NULL) {
		*total = 0;
		if (q->nf == 0 && s->in_txn && (e = sq_bump(s)) != CV_OK)
			goto out;
		cached = pick != SIZE_MAX && !s->in_txn;
		if (cached && (e = sq_gen(s, &gen)) != CV_OK)
			goto out;
		if (cached && cv_totals_find(ss->cs, coll, q, gen, &n)) {
			*total = (size_t)n;
			if (q->offset >= (size_t)n)
				goto out;
			goto page;
		}
		st = sq->count;
		if ((e = sq_bind_filters(s, st, q)) != CV_OK)
			goto out;
		if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
			e = sq_fail(s, rc, "count");
			goto out;
		}
		n = sqlite3_column_int64(st, 0);
		*total = (size_t)n;
		sq_done(st);
		if (cached)
			cv_totals_add(ss->cs, coll, q, gen, n);
		if (q->offset >= (size_t)n)
			goto out;
	}
page:
	if ((items == NULL && text == NULL) || q->limit == 0)
		goto out;
	st = sq->list;
	if ((e = sq_bind_filters(s, st, q)) != CV_OK)
		goto out;
	if ((rc = sqlite3_bind_int64(st, (int)q->nf + 1,
	    q->limit > INT64_MAX ? -1 : (int64_t)q->limit)) != SQLITE_OK ||
	    (rc = sqlite3_bind_int64(st, (int)q->nf + 2,
	    (int64_t)q->offset)) != SQLITE_OK) {
		e = sq_fail(s, rc, "bind");
		goto out;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (text != NULL) {
			/* The stored text as it is: no parse. */
			if ((p = (const char *)sqlite3_column_text(st, 0)) ==
			    NULL)
				continue;
			if (!first)
				cv_text_add(text, ",", 1);
			first = 0;
			cv_text_add(text, p, (size_t)sqlite3_column_bytes(st,
			    0));
			continue;
		}
		if ((e = sq_payload(s, coll, st, 0, &rec)) != CV_OK)
			goto out;
		if (json_object_array_add(items, rec) != 0) {
			json_object_put(rec);
			e = CV_ENOMEM;
			goto out;
		}
	}
	if (rc != SQLITE_DONE)
		e = sq_fail(s, rc, "list");
out:
	sq_done(st);
	return e;
}

static enum cv_err
sq_list(struct cv_store *s, size_t coll, const struct cv_query *q,
    struct json_object *items, size_t *total)
{
	return sq_page(s, coll, q, items, NULL, total);
}

static enum cv_err
sq_list_text(struct cv_store *s, size_t coll, const struct cv_query *q,
    struct cv_text *text, size_t *total)
{
	return sq_page(s, coll, q, NULL, text, total);
}

const struct cv_store_ops cv_store_sqlite_ops = {
	"sqlite",
	sq_open,
	sq_close,
	sq_begin,
	sq_commit,
	sq_rollback,
	sq_rbegin,
	sq_rend,
	sq_put,
	sq_get,
	sq_list,
	sq_list_text,	NULL,
};
