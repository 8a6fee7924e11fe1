/*
 * The PostgreSQL backend of the record store (libpq), chosen by
 * CAVRA_DATABASE_URL: every store of every host lives in one database.
 *
 * Layout, as the SQLite backend's: one table per collection, the id as
 * its text primary key, one text column per filter field holding
 * cv_json_key() of the record's field (NULL when absent), the order
 * field's key ("" when absent, NOT NULL), and the whole record as
 * sorted-key JSON text in `payload`, which reads return as stored.  Every
 * key column is COLLATE "C", so ORDER BY compares bytes as strcmp(3) does
 * and the backends agree on order.  Each filter field has an index on
 * (field, order, id), the order one on (order, id).  The unfiltered total
 * of a list is the row count kept in cavra_row_counts by the transaction
 * that adds rows; the total of a list filtered on one field's value is
 * the count of rows holding it in cavra_value_counts (tbl, col, val),
 * which statement triggers on each table keep in the transaction that
 * changes the rows (their transition tables, one aggregate per statement:
 * a batch of decisions adds to each value's count once), so that no
 * total counts index entries.  The same triggers move the table's
 * generation (gen in cavra_row_counts) on with every statement that
 * changes a row.  Totals of lists filtered on several fields, or on an
 * absent value, are counted, and kept for every connection of the
 * process at the generation they count (store_totals.c): a read that
 * sees that generation uses the total kept.
 *
 * Reads: a list is one statement (one round trip, one snapshot, no
 * transaction), which reads the table's generation and the total, and
 * the page unless the total says it is empty; a total kept at the
 * generation the statement sees is passed in and not counted again.
 *
 * Schema: created or completed when a store is opened, under an advisory
 * lock so that hosts starting together do it once (one that waited for
 * it, at most CV_PG_SCHEMA_WAIT_MS, finds it done); table
 * cavra_schema_version holds the layout version of each store
 * (CV_PG_SCHEMA_VERSION), and a store written by a newer layout is
 * refused.  Columns missing from an older table are added and filled in
 * from the payloads; a store of layout 1 gains the value counts, counted
 * from its rows; one of layout 2 the generations.
 *
 * Transactions: a write transaction (cv_store_begin(), or the one the
 * front opens around a lone put) takes a transaction-scoped advisory lock
 * on the store, so it is exclusive across processes and hosts as the
 * interface promises, and a read-modify-write (a session upsert, an
 * approval decided on two hosts at once) cannot lose an update.  A wait
 * for that lock ends after CV_STORE_BUSY_MS (lock_timeout): CV_EBUSY.
 * Upserts are INSERT ... ON CONFLICT.  A batch of inserts
 * (cv_store_insert_batch(): the journal's decisions) is one multi-row
 * INSERT ... ON CONFLICT DO NOTHING RETURNING the id per
 * CV_PG_BATCH_PARAMS parameters, the ids it did not return being the
 * conflicts.  The value counts are added in the order of their keys, so
 * that writers that meet on them take their row locks in one order.  The
 * rows a transaction added go into the row counts in the round trip of
 * its COMMIT.
 *
 * Connections: one per cv_store (the db layer opens one per thread that
 * needs one).  Statements are prepared once per connection.  When the
 * server goes away a call fails with CV_EBUSY (503 to a client) and the
 * next call after a back-off (CV_PG_RETRY_MIN_MS doubling to
 * CV_PG_RETRY_MAX_MS) connects again and prepares its statements anew.
 * Nothing here ever logs the connection string: its password stays out
 * of logs and answers (cv_store_path() is the description, see
 * cv_store_pg_describe()).
 */
#include "config.h"

#include <dlfcn.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>
#include <json-c/printbuf.h>
#include <libpq-fe.h>

#include "cv_arena.h"
#include "cv_json.h"
#include "cv_limits.h"
#include "cv_util.h"
#include "store_int.h"
#include "store_pg.h"

#define PG_PB_KEEP	65536	/* payload buffer kept between puts */
#define PG_PARAMS_MAX	(CV_STORE_FIELDS_MAX + 4)
#define PG_NAME_MAX	64	/* a prepared statement's name */

/* The list statements of one set of filters, prepared: the page alone
 * ("l"), the total and the page ("t"). */
struct pquery {
	uint32_t	 mask;		/* filtered columns */
	uint32_t	 nulls;		/* of those, filtered on NULL */
};

struct pcoll {
	const char	**cols;		/* the fields, then the order field
					   if it is not one of them */
	size_t		  ncols;
	size_t		  nfields;
	size_t		  order;	/* index of the order field in cols,
					   ncols if none */
	struct pquery	 *q;		/* prepared on this connection */
	size_t		  nq;
};

struct pstore {
	PGconn		*conn;		/* NULL while the server is away */
	char		*conninfo;
	struct pcoll	*colls;
	int64_t		*added;		/* per collection: rows inserted in
					   this transaction */
	char		 begin[128];	/* BEGIN and the store's lock */
	char		 schema_lock[256];	/* BEGIN, the schema lock and
					   the store's */
	struct cv_totals *totals;	/* totals kept (store_totals.c) */
	int		 ready;		/* the schema is made: connecting
					   prepares the statements */
	long		 backoff_ms;	/* 0: connect at the next call */
	struct timespec	 retry_at;
	struct cv_arena	 arena;
	struct printbuf	*pb;
	struct json_tokener *tok;
};

/*
 * libpq is loaded (dlopen(3)) by the first call that needs it: a
 * description, a ping or the opening of a PostgreSQL store.  It is not
 * linked: a responder whose stores are SQLite or JSON files (the default)
 * maps neither libpq nor the libraries it needs (Kerberos, LDAP, SASL,
 * GnuTLS and theirs), which would cost the parent about 3.5 MiB of
 * resident pages and each worker about 0.6 MiB.  The functions used here,
 * resolved once for every thread of the process:
 */
#define PQ_FUNCS \
	F(PQclear) \
	F(PQcmdStatus) \
	F(PQconnectdbParams) \
	F(PQconninfoFree) \
	F(PQconninfoParse) \
	F(PQerrorMessage) \
	F(PQexec) \
	F(PQexecParams) \
	F(PQexecPrepared) \
	F(PQfinish) \
	F(PQfreemem) \
	F(PQgetResult) \
	F(PQgetisnull) \
	F(PQgetlength) \
	F(PQgetvalue) \
	F(PQntuples) \
	F(PQpingParams) \
	F(PQprepare) \
	F(PQresultErrorField) \
	F(PQresultErrorMessage) \
	F(PQresultStatus) \
	F(PQsendQuery) \
	F(PQsetSingleRowMode) \
	F(PQstatus)

static struct {
#define F(f)	__typeof__(f)	*f;
	PQ_FUNCS
#undef F
} pq;
static pthread_once_t	 pq_once = PTHREAD_ONCE_INIT;
static int		 pq_loaded;

/* pthread_once() routine of pq_load(): opens CV_LIBPQ and resolves
 * PQ_FUNCS, logging what fails. */
static void
pq_open(void)
{
	void	*h, *f;

	if ((h = dlopen(CV_LIBPQ, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		cv_log("PostgreSQL: cannot load %s: %s", CV_LIBPQ, dlerror());
		return;
	}
#define F(n)								\
	if ((f = dlsym(h, #n)) == NULL) {				\
		cv_log("PostgreSQL: %s has no %s", CV_LIBPQ, #n);	\
		return;							\
	}								\
	memcpy(&pq.n, &f, sizeof(f));
	PQ_FUNCS
#undef F
	pq_loaded = 1;
}

/* Loads libpq once per process; CV_EIO (logged) when it cannot be. */
static enum cv_err
pq_load(void)
{
	(void)pthread_once(&pq_once, pq_open);
	return pq_loaded ? CV_OK : CV_EIO;
}

/* Milliseconds of the monotonic clock. */
static int64_t
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * The description of a connection string: "postgresql://HOST[:PORT]/DB"
 * (HOST as libpq resolves its default when none is given; a socket
 * directory as it is), never the user's password.  Sets *host and *db to
 * malloc'ed copies when they are not NULL.  Returns a malloc'ed string,
 * or NULL when the string does not parse (logged without the string) or
 * libpq cannot be loaded (logged).
 */
char *
cv_store_pg_describe(const char *conninfo, char **host, char **db)
{
	PQconninfoOption	*opts, *o;
	const char		*h = NULL, *p = NULL, *d = NULL, *u = NULL;
	char			*err = NULL, buf[CV_PG_DESCRIBE_MAX];

	if (pq_load() != CV_OK)
		return NULL;
	if ((opts = pq.PQconninfoParse(conninfo, &err)) == NULL) {
		cv_log("CAVRA_DATABASE_URL: %s", err != NULL ? err :
		    "out of memory");
		pq.PQfreemem(err);
		return NULL;
	}
	for (o = opts; o->keyword != NULL; o++) {
		if (o->val == NULL || *o->val == '\0')
			continue;
		if (strcmp(o->keyword, "host") == 0)
			h = o->val;
		else if (strcmp(o->keyword, "hostaddr") == 0 && h == NULL)
			h = o->val;
		else if (strcmp(o->keyword, "port") == 0)
			p = o->val;
		else if (strcmp(o->keyword, "dbname") == 0)
			d = o->val;
		else if (strcmp(o->keyword, "user") == 0)
			u = o->val;
	}
	if (h == NULL)
		h = getenv("PGHOST") != NULL ? getenv("PGHOST") : "localhost";
	if (d == NULL)
		d = getenv("PGDATABASE") != NULL ? getenv("PGDATABASE") :
		    u != NULL ? u : "postgres";
	snprintf(buf, sizeof(buf), "postgresql://%s%s%s/%s", h,
	    p != NULL ? ":" : "", p != NULL ? p : "", d);
	if (host != NULL)
		*host = cv_xstrdup(h);
	if (db != NULL)
		*db = cv_xstrdup(d);
	pq.PQconninfoFree(opts);
	return cv_xstrdup(buf);
}

int
cv_store_pg_ping(const char *conninfo)
{
	const char	*kw[] = { "connect_timeout", "dbname", NULL };
	const char	*val[3];
	char		 tmo[16];

	if (conninfo == NULL || pq_load() != CV_OK)
		return 0;
	snprintf(tmo, sizeof(tmo), "%d", CV_PG_CONNECT_TIMEOUT_S);
	val[0] = tmo;
	val[1] = conninfo;
	val[2] = NULL;
	return pq.PQpingParams(kw, val, 1) == PQPING_OK;
}

/* The server's SQLSTATE of a failed result, or "" */
static const char *
pg_state(const PGresult *res)
{
	const char	*st;

	st = res != NULL ? pq.PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	return st != NULL ? st : "";
}

/*
 * Logs a failure of `what` and maps it: CV_EBUSY when the server is away
 * or the failure has no SQLSTATE (libpq's own: the connection is dropped,
 * to be made again after the back-off), a
 * lock or statement timed out, or a transaction must be retried
 * (serialization failure, deadlock, too many connections); CV_EIO
 * otherwise.  res may be NULL.
 */
static enum cv_err
pg_fail(struct cv_store *s, const PGresult *res, const char *what)
{
	struct pstore	*ps = s->be;
	const char	*st = pg_state(res), *msg;

	msg = res != NULL && *pq.PQresultErrorMessage(res) != '\0' ?
	    pq.PQresultErrorMessage(res) : ps->conn != NULL ?
	    pq.PQerrorMessage(ps->conn) : "no connection";
	cv_log("%s: %s: %.*s", s->path, what, (int)strcspn(msg, "\n"), msg);
	/* No SQLSTATE: the failure is libpq's own, a lost connection. */
	if (ps->conn == NULL || pq.PQstatus(ps->conn) != CONNECTION_OK ||
	    *st == '\0') {
		pq.PQfinish(ps->conn);
		ps->conn = NULL;
		return CV_EBUSY;
	}
	if (strncmp(st, "08", 2) == 0 || strcmp(st, "55P03") == 0 ||
	    strcmp(st, "57014") == 0 || strcmp(st, "40001") == 0 ||
	    strcmp(st, "40P01") == 0 || strcmp(st, "53300") == 0 ||
	    strncmp(st, "57P0", 4) == 0)
		return CV_EBUSY;
	return CV_EIO;
}

/* Runs sql (no parameters, no rows wanted).  Errors as pg_fail(). */
static enum cv_err
pg_exec(struct cv_store *s, const char *sql)
{
	struct pstore	*ps = s->be;
	PGresult	*res;
	enum cv_err	 e = CV_OK;

	res = pq.PQexec(ps->conn, sql);
	if (pq.PQresultStatus(res) != PGRES_COMMAND_OK &&
	    pq.PQresultStatus(res) != PGRES_TUPLES_OK)
		e = pg_fail(s, res, sql);
	pq.PQclear(res);
	return e;
}

/*
 * Runs prepared statement `name` with n text parameters (NULL: SQL NULL).
 * *out is the result the caller clears, on success only.  Errors as
 * pg_fail().
 */
static enum cv_err
pg_run(struct cv_store *s, const char *name, int n,
    const char *const *params, PGresult **out)
{
	struct pstore	*ps = s->be;
	PGresult	*res;
	ExecStatusType	 rs;

	*out = NULL;
	if (ps->conn == NULL)
		return pg_fail(s, NULL, name);
	res = pq.PQexecPrepared(ps->conn, name, n, params, NULL, NULL, 0);
	rs = pq.PQresultStatus(res);
	if (rs != PGRES_COMMAND_OK && rs != PGRES_TUPLES_OK) {
		enum cv_err e = pg_fail(s, res, name);

		pq.PQclear(res);
		return e;
	}
	*out = res;
	return CV_OK;
}

static enum cv_err
pg_prepare(struct cv_store *s, const char *name, const char *sql)
{
	struct pstore	*ps = s->be;
	PGresult	*res;
	enum cv_err	 e = CV_OK;

	res = pq.PQprepare(ps->conn, name, sql, 0, NULL);
	if (pq.PQresultStatus(res) != PGRES_COMMAND_OK)
		e = pg_fail(s, res, sql);
	pq.PQclear(res);
	return e;
}

/* The column name of the order, or the id when the collection has none. */
static const char *
order_col(const struct cv_coll *c)
{
	return c->order_field != NULL ? c->order_field : c->id_field;
}

/*
 * The stored column keys of rec into keys[] (see the SQLite backend's
 * sq_keys()): sorted, as a caller's record is stored.  Keys live in rec
 * and the arena.
 */
static void
pg_keys(struct cv_store *s, size_t coll, struct json_object *rec,
    int sorted, const char **keys)
{
	struct pstore		*ps = s->be;
	struct pcoll		*pc = &ps->colls[coll];
	struct json_object	*v;
	size_t			 j;

	for (j = 0; j < pc->ncols; j++) {
		v = NULL;
		json_object_object_get_ex(rec, pc->cols[j], &v);
		keys[j] = sorted ? cv_json_key_sorted(&ps->arena, v) :
		    cv_json_key(&ps->arena, v);
		if (keys[j] == NULL && j == pc->order)
			keys[j] = "";
	}
}

/*
 * Appends to t the head of an INSERT into collection coll, up to VALUES:
 * the id, the stored columns and the payload, in that order.
 */
static void
insert_head(struct cv_store *s, size_t coll, struct cv_text *t)
{
	struct pstore		*ps = s->be;
	const struct cv_coll	*c = &s->def->colls[coll];
	struct pcoll		*pc = &ps->colls[coll];
	size_t			 j;

	cv_text_printf(t, "INSERT INTO \"%s\" (\"%s\"", c->table, c->id_field);
	for (j = 0; j < pc->ncols; j++)
		cv_text_printf(t, ", \"%s\"", pc->cols[j]);
	cv_text_str(t, ", payload) VALUES ");
}

/*
 * Prepares the statements of one connection: per collection get ("g"),
 * upsert ("u"), insert ("i").  The list statements are prepared on first
 * use (pg_query()).
 */
static enum cv_err
pg_prepare_all(struct cv_store *s)
{
	struct pstore		*ps = s->be;
	const struct cv_coll	*c;
	struct pcoll		*pc;
	struct cv_text		 b = { NULL, 0, 0 }, ins = { NULL, 0, 0 };
	char			 name[PG_NAME_MAX];
	size_t			 ci, j;
	enum cv_err		 e = CV_OK;

	for (ci = 0; ci < s->def->ncolls && e == CV_OK; ci++) {
		c = &s->def->colls[ci];
		pc = &ps->colls[ci];
		pc->nq = 0;
		b.len = 0;
		cv_text_printf(&b, "SELECT payload FROM \"%s\" WHERE \"%s\" = "
		    "$1", c->table, c->id_field);
		snprintf(name, sizeof(name), "g%zu", ci);
		if ((e = pg_prepare(s, name, b.p)) != CV_OK)
			break;
		ins.len = 0;
		insert_head(s, ci, &ins);
		cv_text_str(&ins, "($1");
		for (j = 0; j < pc->ncols; j++)
			cv_text_printf(&ins, ", $%zu", j + 2);
		cv_text_printf(&ins, ", $%zu)", pc->ncols + 2);
		b.len = 0;
		cv_text_printf(&b, "%s ON CONFLICT (\"%s\") DO NOTHING "
		    "RETURNING 1", ins.p, c->id_field);
		snprintf(name, sizeof(name), "i%zu", ci);
		if ((e = pg_prepare(s, name, b.p)) != CV_OK)
			break;
		b.len = 0;
		cv_text_printf(&b, "%s ON CONFLICT (\"%s\") DO UPDATE SET ",
		    ins.p, c->id_field);
		for (j = 0; j < pc->ncols; j++)
			cv_text_printf(&b, "\"%s\" = EXCLUDED.\"%s\", ",
			    pc->cols[j], pc->cols[j]);
		cv_text_printf(&b, "payload = EXCLUDED.payload RETURNING (xmax "
		    "= 0)");
		snprintf(name, sizeof(name), "u%zu", ci);
		e = pg_prepare(s, name, b.p);
	}
	free(b.p);
	free(ins.p);
	return e;
}

/*
 * Connects when there is no connection and the back-off allows it: sets
 * the session up (lock_timeout) and, once the schema is made, prepares
 * the statements.  CV_EBUSY
 * (logged when a try fails) while the server cannot be reached.
 */
static enum cv_err
pg_connect(struct cv_store *s)
{
	struct pstore	*ps = s->be;
	const char	*kw[] = { "connect_timeout", "application_name",
			    "dbname", NULL };
	const char	*val[4];
	char		 tmo[16], sql[64];
	int64_t		 at;
	enum cv_err	 e;

	if (ps->conn != NULL) {
		if (pq.PQstatus(ps->conn) == CONNECTION_OK)
			return CV_OK;
		pq.PQfinish(ps->conn);
		ps->conn = NULL;
	}
	at = (int64_t)ps->retry_at.tv_sec * 1000 + ps->retry_at.tv_nsec /
	    1000000;
	if (ps->backoff_ms > 0 && now_ms() < at)
		return CV_EBUSY;
	/* The connection string comes last: what it sets wins. */
	snprintf(tmo, sizeof(tmo), "%d", CV_PG_CONNECT_TIMEOUT_S);
	val[0] = tmo;
	val[1] = "cavra";
	val[2] = ps->conninfo;
	val[3] = NULL;
	ps->conn = pq.PQconnectdbParams(kw, val, 1);
	if (ps->conn == NULL || pq.PQstatus(ps->conn) != CONNECTION_OK)
		goto fail;
	snprintf(sql, sizeof(sql), "SET lock_timeout = %d", CV_STORE_BUSY_MS);
	if (pg_exec(s, sql) != CV_OK || pg_exec(s, "SET client_min_messages "
	    "= warning") != CV_OK)
		goto fail;
	if (ps->ready && (e = pg_prepare_all(s)) != CV_OK)
		goto fail;
	if (ps->backoff_ms > 0)
		cv_log("%s: connected again", s->path);
	ps->backoff_ms = 0;
	return CV_OK;
fail:
	ps->backoff_ms = ps->backoff_ms == 0 ? CV_PG_RETRY_MIN_MS :
	    ps->backoff_ms * 2 > CV_PG_RETRY_MAX_MS ? CV_PG_RETRY_MAX_MS :
	    ps->backoff_ms * 2;
	at = now_ms() + ps->backoff_ms;
	ps->retry_at.tv_sec = at / 1000;
	ps->retry_at.tv_nsec = (at % 1000) * 1000000;
	if (ps->conn != NULL) {
		cv_log("%s: connect: %.*s (next try in %ld ms)", s->path,
		    (int)strcspn(pq.PQerrorMessage(ps->conn), "\n"),
		    pq.PQerrorMessage(ps->conn), ps->backoff_ms);
		pq.PQfinish(ps->conn);
		ps->conn = NULL;
	}
	return CV_EBUSY;
}

/* A 64-bit advisory lock key for a, b, c (FNV-1a), as decimal text. */
static void
lock_key(const char *a, const char *b, const char *c, char *buf, size_t len)
{
	const char	*parts[3] = { a, b, c }, *p;
	uint64_t	 h = 1469598103934665603ULL;
	size_t		 i;

	for (i = 0; i < 3; i++)
		for (p = parts[i]; *p != '\0'; p++)
			h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	snprintf(buf, len, "%" PRId64, (int64_t)h);
}

/*
 * The advisory locks of the store, named after the schema the connection
 * writes to (several deployments may share a database): ps->begin, which
 * a write transaction starts with, and ps->schema_lock, which the schema
 * work takes before the store's own.
 */
static enum cv_err
pg_lock_keys(struct cv_store *s)
{
	struct pstore	*ps = s->be;
	PGresult	*res;
	const char	*schema;
	char		 key[32];
	enum cv_err	 e = CV_OK;

	res = pq.PQexec(ps->conn, "SELECT current_schema()");
	if (pq.PQresultStatus(res) != PGRES_TUPLES_OK ||
	    pq.PQntuples(res) != 1) {
		e = pg_fail(s, res, "current_schema");
		goto out;
	}
	schema = pq.PQgetisnull(res, 0, 0) ? "" : pq.PQgetvalue(res, 0, 0);
	lock_key("cavra-store:", schema, s->def->name, key, sizeof(key));
	snprintf(ps->begin, sizeof(ps->begin), "BEGIN; SELECT "
	    "pg_advisory_xact_lock(%s)", key);
	lock_key("cavra-schema:", schema, "", key, sizeof(key));
	snprintf(ps->schema_lock, sizeof(ps->schema_lock), "BEGIN; SET LOCAL "
	    "lock_timeout = %d; SELECT pg_advisory_xact_lock(%s); %s",
	    CV_PG_SCHEMA_WAIT_MS, key, ps->begin + 7);
out:
	pq.PQclear(res);
	return e;
}

/*
 * Fills in the stored columns of collection coll from the payloads,
 * after columns were added to an older table.  In the open transaction.
 */
static enum cv_err
pg_backfill(struct cv_store *s, size_t coll)
{
	struct pstore		*ps = s->be;
	const struct cv_coll	*c = &s->def->colls[coll];
	struct pcoll		*pc = &ps->colls[coll];
	struct json_object	*rec = NULL;
	struct cv_text		 b = { NULL, 0, 0 };
	const char		*keys[CV_STORE_FIELDS_MAX + 1];
	const char		*params[PG_PARAMS_MAX];
	PGresult		*all = NULL, *res;
	char			 err[256];
	int			 i, n;
	size_t			 j;
	enum cv_err		 e = CV_OK;

	cv_text_printf(&b, "SELECT \"%s\", payload FROM \"%s\"", c->id_field,
	    c->table);
	all = pq.PQexec(ps->conn, b.p);
	if (pq.PQresultStatus(all) != PGRES_TUPLES_OK) {
		e = pg_fail(s, all, "backfill");
		goto out;
	}
	b.len = 0;
	cv_text_printf(&b, "UPDATE \"%s\" SET ", c->table);
	for (j = 0; j < pc->ncols; j++)
		cv_text_printf(&b, "%s\"%s\" = $%zu", j > 0 ? ", " : "",
		    pc->cols[j], j + 2);
	cv_text_printf(&b, " WHERE \"%s\" = $1", c->id_field);
	n = pq.PQntuples(all);
	for (i = 0; i < n && e == CV_OK; i++) {
		if ((e = cv_json_parse_tok(&ps->tok, CV_STORE_PARSE_DEPTH,
		    pq.PQgetvalue(all, i, 1), (size_t)pq.PQgetlength(all, i, 1),
		    &rec, err, sizeof(err))) != CV_OK) {
			cv_log("%s: %s: stored payload: %s", s->path, c->table,
			    err);
			e = CV_EIO;
			break;
		}
		pg_keys(s, coll, rec, 0, keys);
		params[0] = pq.PQgetvalue(all, i, 0);
		for (j = 0; j < pc->ncols; j++)
			params[j + 1] = keys[j];
		res = pq.PQexecParams(ps->conn, b.p, (int)pc->ncols + 1, NULL,
		    params, NULL, NULL, 0);
		if (pq.PQresultStatus(res) != PGRES_COMMAND_OK)
			e = pg_fail(s, res, "backfill");
		pq.PQclear(res);
		json_object_put(rec);
		rec = NULL;
		cv_arena_reset(&ps->arena);
	}
out:
	pq.PQclear(all);
	free(b.p);
	return e;
}

/*
 * Appends to b "INSERT INTO cavra_value_counts ... SELECT" of the counts
 * of the values of collection coll's fields in the rows of transition
 * table (or table) old, taken away, and of new, added (either may be
 * NULL), added to the counts there in the order of their keys; a value
 * whose count does not change is left alone.
 */
static void
value_counts_add(struct cv_store *s, size_t coll, const char *old,
    const char *new, struct cv_text *b)
{
	struct pstore		*ps = s->be;
	struct pcoll		*pc = &ps->colls[coll];
	const char		*rows[2] = { old, new };
	size_t			 i, j;

	cv_text_printf(b, "INSERT INTO cavra_value_counts (tbl, col, val, n) "
	    "SELECT '%s', x.c, x.v, sum(x.d) FROM (",
	    s->def->colls[coll].table);
	for (i = 0; i < 2; i++) {
		if (rows[i] == NULL)
			continue;
		cv_text_printf(b, "%sSELECT y.c, y.v, %d AS d FROM %s r, "
		    "LATERAL (VALUES ", i == 1 && old != NULL ? " UNION ALL " :
		    "", i == 0 ? -1 : 1, rows[i]);
		for (j = 0; j < pc->nfields; j++)
			cv_text_printf(b, "%s('%s', r.\"%s\")", j > 0 ? ", " :
			    "", pc->cols[j], pc->cols[j]);
		cv_text_str(b, ") y(c, v)");
	}
	cv_text_str(b, ") x WHERE x.v IS NOT NULL GROUP BY x.c, x.v HAVING "
	    "sum(x.d) <> 0 ORDER BY x.c, x.v ON CONFLICT (tbl, col, val) DO "
	    "UPDATE SET n = cavra_value_counts.n + EXCLUDED.n;\n");
}

/*
 * Appends to b the SQL that makes the value counts and the generation of
 * collection coll: the trigger function "<table>_cavra_counts" and its
 * statement triggers (insert, update, delete, truncate), then, with
 * recount, the counts taken anew from the table's rows.  In the schema
 * transaction.
 */
static void
value_counts_sql(struct cv_store *s, size_t coll, int recount,
    struct cv_text *b)
{
	const char	*t = s->def->colls[coll].table;
	static const struct {
		const char	*suffix, *event, *referencing;
	} trg[] = {
		{ "i", "INSERT", "REFERENCING NEW TABLE AS new_rows " },
		{ "u", "UPDATE", "REFERENCING OLD TABLE AS old_rows NEW TABLE "
		    "AS new_rows " },
		{ "d", "DELETE", "REFERENCING OLD TABLE AS old_rows " },
		{ "t", "TRUNCATE", "" },
	};
	char		 rows[128], gen[160];
	size_t		 i;

	/* The generation first: writers of the table meet there before
	 * they meet on its value counts. */
	snprintf(gen, sizeof(gen), "UPDATE cavra_row_counts SET gen = gen + 1 "
	    "WHERE tbl = '%s';\n", t);
	/* Its tables are found as the store finds them, whoever writes. */
	cv_text_printf(b, "CREATE OR REPLACE FUNCTION \"%s_cavra_counts\"() "
	    "RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT "
	    "AS $cavra$\nBEGIN\n"
	    "IF TG_OP = 'TRUNCATE' THEN\n%sDELETE FROM cavra_value_counts "
	    "WHERE tbl = '%s';\nRETURN NULL;\nEND IF;\n"
	    "IF TG_OP = 'DELETE' THEN\nPERFORM 1 FROM old_rows LIMIT 1;\n"
	    "ELSE\nPERFORM 1 FROM new_rows LIMIT 1;\nEND IF;\n"
	    "IF NOT FOUND THEN\nRETURN NULL;\nEND IF;\n%s"
	    "IF TG_OP = 'INSERT' THEN\n", t, gen, t, gen);
	value_counts_add(s, coll, NULL, "new_rows", b);
	cv_text_str(b, "ELSIF TG_OP = 'UPDATE' THEN\n");
	value_counts_add(s, coll, "old_rows", "new_rows", b);
	cv_text_str(b, "ELSE\n");
	value_counts_add(s, coll, "old_rows", NULL, b);
	cv_text_str(b, "END IF;\nRETURN NULL;\nEND\n$cavra$;\n");
	for (i = 0; i < sizeof(trg) / sizeof(trg[0]); i++)
		cv_text_printf(b, "DROP TRIGGER IF EXISTS \"%s_counts_%s\" ON "
		    "\"%s\";\nCREATE TRIGGER \"%s_counts_%s\" AFTER %s ON "
		    "\"%s\" %sFOR EACH STATEMENT EXECUTE FUNCTION "
		    "\"%s_cavra_counts\"();\n", t, trg[i].suffix, t, t,
		    trg[i].suffix, trg[i].event, t, trg[i].referencing, t);
	if (!recount)
		return;
	cv_text_printf(b, "DELETE FROM cavra_value_counts WHERE tbl = '%s';\n",
	    t);
	snprintf(rows, sizeof(rows), "\"%s\"", t);
	value_counts_add(s, coll, NULL, rows, b);
}

/*
 * Sets *ok when the schema of the store needs no change: its version row
 * is this build's, every table has every column, index and row count.
 * Checked without locks, so that a store being written (whose tables a
 * CREATE INDEX would wait for) opens at once.  A failed check (no version
 * table yet) leaves *ok 0 and is not an error.
 */
static void
pg_uptodate(struct cv_store *s, int *ok)
{
	struct pstore		*ps = s->be;
	const struct cv_coll	*c;
	struct pcoll		*pc;
	struct cv_text		 b = { NULL, 0, 0 };
	PGresult		*res;
	size_t			 ci, j, nf, want = 0;
	char			 ver[16];

	*ok = 0;
	snprintf(ver, sizeof(ver), "%d", CV_PG_SCHEMA_VERSION);
	cv_text_str(&b, "SELECT (SELECT count(*) FROM cavra_schema_version "
	    "WHERE store = $1 AND version = $2::integer)");
	for (ci = 0; ci < s->def->ncolls; ci++) {
		c = &s->def->colls[ci];
		pc = &ps->colls[ci];
		nf = cv_coll_nfields(c);
		cv_text_printf(&b, " + (SELECT count(*) FROM cavra_row_counts "
		    "WHERE tbl = '%s')", c->table);
		want++;
		for (j = 0; j < pc->ncols; j++, want++)
			cv_text_printf(&b, " + (SELECT count(*) FROM "
			    "information_schema.columns WHERE table_schema = "
			    "current_schema() AND table_name = '%s' AND "
			    "column_name = '%s')", c->table, pc->cols[j]);
		for (j = 0; j < nf; j++) {
			if (cv_coll_is_order(c, c->fields[j]))
				continue;
			cv_text_printf(&b, " + (to_regclass('\"%s_by_%s\"') IS "
			    "NOT NULL)::int", c->table, c->fields[j]);
			want++;
		}
		if (c->order_field != NULL) {
			cv_text_printf(&b, " + (to_regclass('\"%s_order\"') IS "
			    "NOT NULL)::int", c->table);
			want++;
		}
		cv_text_printf(&b, " + (to_regproc('\"%s_cavra_counts\"') IS "
		    "NOT NULL)::int", c->table);
		want++;
	}
	{
		const char	*params[2] = { s->def->name, ver };

		res = pq.PQexecParams(ps->conn, b.p, 2, NULL, params, NULL,
		    NULL, 0);
	}
	if (pq.PQresultStatus(res) == PGRES_TUPLES_OK && pq.PQntuples(res) == 1)
		*ok = strtoull(pq.PQgetvalue(res, 0, 0), NULL, 10) == want + 1;
	pq.PQclear(res);
	free(b.p);
}

/*
 * Creates or completes the schema of the store in one transaction under
 * an advisory lock: the version table, each collection's table, columns
 * an older table lacks (filled in from the payloads), indexes and row
 * count.  CV_EIO (logged) when the store was written by a newer layout.
 */
static enum cv_err
pg_schema(struct cv_store *s)
{
	struct pstore		*ps = s->be;
	const struct cv_store_def *def = s->def;
	const struct cv_coll	*c;
	struct pcoll		*pc;
	struct cv_text		 b = { NULL, 0, 0 };
	PGresult		*res = NULL;
	const char		*params[2];
	char			 name[256], ver[16];
	size_t			 ci, j, nf;
	int			 txn = 0, added, ok, old = 0;
	enum cv_err		 e;

	pg_uptodate(s, &ok);
	if (ok)
		return CV_OK;
	/* The schema lock, then the store's: no write runs meanwhile.
	 * Another host may have brought the schema up to date while this
	 * one waited (checked in a savepoint: the tables may not exist). */
	if ((e = pg_exec(s, ps->schema_lock)) != CV_OK)
		goto out;
	txn = 1;
	if ((e = pg_exec(s, "SAVEPOINT cavra_uptodate")) != CV_OK)
		goto out;
	pg_uptodate(s, &ok);
	if (ok) {
		e = pg_exec(s, "COMMIT");
		txn = 0;
		goto out;
	}
	if ((e = pg_exec(s, "ROLLBACK TO SAVEPOINT cavra_uptodate")) != CV_OK)
		goto out;
	if ((e = pg_exec(s, "CREATE TABLE IF NOT EXISTS cavra_schema_version "
	    "(store text PRIMARY KEY, version integer NOT NULL);\n"
	    "CREATE TABLE IF NOT EXISTS cavra_row_counts (tbl text PRIMARY "
	    "KEY, n bigint NOT NULL);\n"
	    /* A generation starts at the clock's microseconds, so that a
	     * table made again does not repeat the generations that
	     * totals were kept at. */
	    "ALTER TABLE cavra_row_counts ADD COLUMN IF NOT EXISTS gen bigint "
	    "NOT NULL DEFAULT (extract(epoch FROM clock_timestamp()) * "
	    "1000000)::bigint;\n"
	    "CREATE TABLE IF NOT EXISTS cavra_value_counts (tbl text, col "
	    "text, val text COLLATE \"C\", n bigint NOT NULL, PRIMARY KEY "
	    "(tbl, col, val))")) != CV_OK)
		goto out;
	params[0] = def->name;
	res = pq.PQexecParams(ps->conn, "SELECT version FROM "
	    "cavra_schema_version WHERE store = $1", 1, NULL, params, NULL,
	    NULL, 0);
	if (pq.PQresultStatus(res) != PGRES_TUPLES_OK) {
		e = pg_fail(s, res, "schema version");
		goto out;
	}
	if (pq.PQntuples(res) > 0 && atoi(pq.PQgetvalue(res, 0, 0)) >
	    CV_PG_SCHEMA_VERSION) {
		cv_log("%s: store %s has schema version %s, this build knows "
		    "%d", s->path, def->name, pq.PQgetvalue(res, 0, 0),
		    CV_PG_SCHEMA_VERSION);
		e = CV_EIO;
		goto out;
	}
	if (pq.PQntuples(res) > 0)
		old = atoi(pq.PQgetvalue(res, 0, 0));
	pq.PQclear(res);
	res = NULL;
	for (ci = 0; ci < def->ncolls; ci++) {
		c = &def->colls[ci];
		pc = &ps->colls[ci];
		nf = cv_coll_nfields(c);
		b.len = 0;
		cv_text_printf(&b, "CREATE TABLE IF NOT EXISTS \"%s\" (\"%s\" "
		    "text COLLATE \"C\" PRIMARY KEY, payload text NOT NULL)",
		    c->table, c->id_field);
		if ((e = pg_exec(s, b.p)) != CV_OK)
			goto out;
		/* Columns an older table lacks. */
		params[0] = c->table;
		res = pq.PQexecParams(ps->conn, "SELECT column_name FROM "
		    "information_schema.columns WHERE table_schema = "
		    "current_schema() AND table_name = $1", 1, NULL, params,
		    NULL, NULL, 0);
		if (pq.PQresultStatus(res) != PGRES_TUPLES_OK) {
			e = pg_fail(s, res, "columns");
			goto out;
		}
		b.len = 0;
		added = 0;
		for (j = 0; j < pc->ncols; j++) {
			int	 i, have = 0;

			for (i = 0; i < pq.PQntuples(res) && !have; i++)
				have = strcmp(pq.PQgetvalue(res, i, 0),
				    pc->cols[j]) == 0;
			if (have)
				continue;
			cv_text_printf(&b, "ALTER TABLE \"%s\" ADD COLUMN "
			    "\"%s\" text COLLATE \"C\"%s;\n", c->table,
			    pc->cols[j],
			    j == pc->order ? " NOT NULL DEFAULT ''" : "");
			added = 1;
		}
		pq.PQclear(res);
		res = NULL;
		if (added && ((e = pg_exec(s, b.p)) != CV_OK ||
		    (e = pg_backfill(s, ci)) != CV_OK))
			goto out;
		/* An index per filter field, and the order's. */
		b.len = 0;
		for (j = 0; j < nf; j++) {
			if (cv_coll_is_order(c, c->fields[j]))
				continue;
			snprintf(name, sizeof(name), "%s_by_%s", c->table,
			    c->fields[j]);
			if (c->order_field != NULL && !c->order_moves)
				cv_text_printf(&b, "CREATE INDEX IF NOT EXISTS \"%s\" "
				    "ON \"%s\" (\"%s\", \"%s\", \"%s\");\n", name,
				    c->table, c->fields[j], c->order_field,
				    c->id_field);
			else
				cv_text_printf(&b, "CREATE INDEX IF NOT EXISTS "
				    "\"%s\" ON \"%s\" (\"%s\", \"%s\");\n", name,
				    c->table, c->fields[j], c->id_field);
		}
		if (c->order_field != NULL)
			cv_text_printf(&b, "CREATE INDEX IF NOT EXISTS "
			    "\"%s_order\" ON \"%s\" (\"%s\", \"%s\");\n",
			    c->table, c->table, order_col(c), c->id_field);
		cv_text_printf(&b, "INSERT INTO cavra_row_counts (tbl, n) "
		    "SELECT '%s', count(*) FROM \"%s\" ON CONFLICT (tbl) DO "
		    "NOTHING;\n", c->table, c->table);
		/* Layout 2 kept the value counts already. */
		value_counts_sql(s, ci, old < 2, &b);
		if ((e = pg_exec(s, b.p)) != CV_OK)
			goto out;
	}
	snprintf(ver, sizeof(ver), "%d", CV_PG_SCHEMA_VERSION);
	params[0] = def->name;
	params[1] = ver;
	res = pq.PQexecParams(ps->conn, "INSERT INTO cavra_schema_version "
	    "VALUES ($1, $2::integer) ON CONFLICT (store) DO UPDATE SET "
	    "version = EXCLUDED.version", 2, NULL, params, NULL, NULL, 0);
	if (pq.PQresultStatus(res) != PGRES_COMMAND_OK) {
		e = pg_fail(s, res, "schema version");
		goto out;
	}
	e = pg_exec(s, "COMMIT");
	txn = 0;
out:
	pq.PQclear(res);
	if (txn && ps->conn != NULL)
		pq.PQclear(pq.PQexec(ps->conn, "ROLLBACK"));
	free(b.p);
	return e;
}

static void
pg_close(struct cv_store *s)
{
	struct pstore	*ps = s->be;
	size_t		 ci;

	if (ps == NULL)
		return;
	pq.PQfinish(ps->conn);
	for (ci = 0; ps->colls != NULL && ci < s->def->ncolls; ci++) {
		free(ps->colls[ci].cols);
		free(ps->colls[ci].q);
	}
	free(ps->colls);
	free(ps->added);
	free(ps->conninfo);
	cv_totals_release(ps->totals);
	cv_arena_free(&ps->arena);
	if (ps->pb != NULL)
		printbuf_free(ps->pb);
	if (ps->tok != NULL)
		json_tokener_free(ps->tok);
	free(ps);
	s->be = NULL;
}

/*
 * Opens a connection to the database of s->conninfo, brings the schema up
 * to date and prepares the statements.  CV_EIO (logged) when the server
 * cannot be reached or refuses the schema, or libpq cannot be loaded: a
 * responder does not start without its store.
 */
static enum cv_err
pg_open(struct cv_store *s)
{
	const struct cv_store_def *def = s->def;
	const struct cv_coll	*c;
	struct pstore		*ps;
	struct pcoll		*pc;
	struct cv_text		 key = { NULL, 0, 0 };
	size_t			 ci, j, nf;
	enum cv_err		 e;

	if (pq_load() != CV_OK)
		return CV_EIO;
	ps = cv_xcalloc(1, sizeof(*ps));
	cv_arena_init(&ps->arena);
	s->be = ps;
	ps->conninfo = cv_xstrdup(s->conninfo);
	ps->colls = cv_xcalloc(def->ncolls, sizeof(*ps->colls));
	ps->added = cv_xcalloc(def->ncolls, sizeof(*ps->added));
	for (ci = 0; ci < def->ncolls; ci++) {
		c = &def->colls[ci];
		pc = &ps->colls[ci];
		nf = cv_coll_nfields(c);
		pc->cols = cv_xcalloc(nf + 1, sizeof(*pc->cols));
		for (j = 0; j < nf; j++)
			pc->cols[pc->ncols++] = c->fields[j];
		pc->nfields = nf;
		for (j = 0; c->order_field != NULL && j < nf; j++)
			if (cv_coll_is_order(c, c->fields[j]))
				break;
		if (c->order_field != NULL && j == nf)
			pc->cols[pc->ncols++] = c->order_field;
		pc->order = c->order_field != NULL ? j : pc->ncols;
	}
	if ((e = pg_connect(s)) != CV_OK || (e = pg_lock_keys(s)) != CV_OK ||
	    (e = pg_schema(s)) != CV_OK)
		goto out;
	/* Kept per store of the database. */
	key.len = 0;
	cv_text_printf(&key, "%s\n%s", def->name, ps->conninfo);
	ps->totals = cv_totals_get(key.p);
	ps->ready = 1;
	e = pg_prepare_all(s);
out:
	free(key.p);
	if (e != CV_OK) {
		pg_close(s);
		e = CV_EIO;
	}
	return e;
}

static enum cv_err
pg_begin(struct cv_store *s)
{
	struct pstore	*ps = s->be;
	enum cv_err	 e;

	memset(ps->added, 0, s->def->ncolls * sizeof(*ps->added));
	if ((e = pg_connect(s)) != CV_OK)
		return e;
	if ((e = pg_exec(s, ps->begin)) != CV_OK && ps->conn != NULL)
		pq.PQclear(pq.PQexec(ps->conn, "ROLLBACK"));
	return e;
}

/*
 * Commits, in one round trip with adding the rows this transaction
 * inserted to the row counts; on failure what is left is rolled back.
 * CV_EBUSY, CV_EIO.
 */
static enum cv_err
pg_commit(struct cv_store *s)
{
	struct pstore	*ps = s->be;
	struct cv_text	 sql = { NULL, 0, 0 };
	PGresult	*res;
	size_t		 ci;
	enum cv_err	 e = CV_OK;

	cv_text_str(&sql, "");
	for (ci = 0; ci < s->def->ncolls; ci++)
		if (ps->added[ci] != 0)
			cv_text_printf(&sql, "UPDATE cavra_row_counts SET n = "
			    "n + %" PRId64 " WHERE tbl = '%s';\n",
			    ps->added[ci], s->def->colls[ci].table);
	cv_text_str(&sql, "COMMIT");
	/* The result of the last statement run: an UPDATE that failed
	 * leaves the transaction open, to be rolled back. */
	res = pq.PQexec(ps->conn, sql.p);
	if (pq.PQresultStatus(res) != PGRES_COMMAND_OK) {
		e = pg_fail(s, res, "COMMIT");
		if (ps->conn != NULL)
			pq.PQclear(pq.PQexec(ps->conn, "ROLLBACK"));
	} else if (strcmp(pq.PQcmdStatus(res), "COMMIT") != 0) {
		/* A transaction that failed earlier answers with ROLLBACK. */
		cv_log("%s: COMMIT: the transaction was rolled back", s->path);
		e = CV_EIO;
	}
	pq.PQclear(res);
	free(sql.p);
	memset(ps->added, 0, s->def->ncolls * sizeof(*ps->added));
	return e;
}

static void
pg_rollback(struct cv_store *s)
{
	struct pstore	*ps = s->be;

	if (ps->conn != NULL)
		(void)pg_exec(s, "ROLLBACK");
	memset(ps->added, 0, s->def->ncolls * sizeof(*ps->added));
}

/* A read outside a write transaction: a connection is needed. */
static enum cv_err
pg_rbegin(struct cv_store *s)
{
	return pg_connect(s);
}

static void
pg_rend(struct cv_store *s)
{
	struct pstore	*ps = s->be;

	cv_arena_reset(&ps->arena);
}

/* After a put: the payload buffer let go when it grew large, the keys'
 * arena emptied. */
static void
pg_put_end(struct pstore *ps)
{
	if (ps->pb != NULL && ps->pb->size > PG_PB_KEEP) {
		printbuf_free(ps->pb);
		ps->pb = NULL;
	}
	cv_arena_reset(&ps->arena);
}

/*
 * Upserts rec (the caller's) by id, stored with sorted keys; with insert,
 * an existing id is CV_ECONFLICT and nothing is written.  In the write
 * transaction.  CV_EBUSY, CV_EIO, CV_ENOMEM.
 */
static enum cv_err
pg_put(struct cv_store *s, size_t coll, const char *id,
    struct json_object *rec, int insert)
{
	struct pstore	*ps = s->be;
	struct pcoll	*pc = &ps->colls[coll];
	const char	*keys[CV_STORE_FIELDS_MAX + 1];
	const char	*params[PG_PARAMS_MAX];
	char		 name[PG_NAME_MAX];
	PGresult	*res = NULL;
	size_t		 j;
	enum cv_err	 e;

	pg_keys(s, coll, rec, 1, keys);
	if (ps->pb == NULL && (ps->pb = printbuf_new()) == NULL) {
		e = CV_ENOMEM;
		goto out;
	}
	printbuf_reset(ps->pb);
	if (cv_json_print_sorted(ps->pb, rec) < 0) {
		e = CV_ENOMEM;
		goto out;
	}
	params[0] = id;
	for (j = 0; j < pc->ncols; j++)
		params[j + 1] = keys[j];
	params[pc->ncols + 1] = ps->pb->buf;
	snprintf(name, sizeof(name), "%c%zu", insert ? 'i' : 'u', coll);
	if ((e = pg_run(s, name, (int)pc->ncols + 2, params, &res)) != CV_OK)
		goto out;
	if (insert && pq.PQntuples(res) == 0)
		e = CV_ECONFLICT;
	else if (insert || (pq.PQntuples(res) == 1 &&
	    strcmp(pq.PQgetvalue(res, 0, 0), "t") == 0))
		ps->added[coll]++;
out:
	pq.PQclear(res);
	pg_put_end(ps);
	return e;
}

/* An id an INSERT returned, and whether a record of the batch took it. */
struct pg_got {
	const char	*id;
	int		 taken;
};

static int
got_cmp(const void *a, const void *b)
{
	return strcmp(((const struct pg_got *)a)->id,
	    ((const struct pg_got *)b)->id);
}

/*
 * Inserts the m records recs (ids in ids) into collection coll with one
 * INSERT ... VALUES (...), ... ON CONFLICT DO NOTHING RETURNING the id:
 * conflict[i] is set to 1 for a record the statement left out (its id
 * was stored already, or taken by an earlier record of recs).  m times
 * the columns + 2 is at most CV_PG_BATCH_PARAMS.  In the write
 * transaction.  CV_EBUSY, CV_EIO, CV_ENOMEM.
 */
static enum cv_err
pg_insert_rows(struct cv_store *s, size_t coll, const char *const *ids,
    struct json_object *const *recs, size_t m, int *conflict)
{
	struct pstore	*ps = s->be;
	struct pcoll	*pc = &ps->colls[coll];
	struct cv_text	 sql = { NULL, 0, 0 };
	struct pg_got	*got = NULL, key, *g;
	const char	**params;
	PGresult	*res = NULL;
	size_t		 np = pc->ncols + 2, i, j, *off, ngot;
	enum cv_err	 e = CV_OK;

	params = cv_xcalloc(m * np, sizeof(*params));
	off = cv_xcalloc(m, sizeof(*off));
	if (ps->pb == NULL && (ps->pb = printbuf_new()) == NULL) {
		e = CV_ENOMEM;
		goto out;
	}
	printbuf_reset(ps->pb);
	insert_head(s, coll, &sql);
	for (i = 0; i < m; i++) {
		params[i * np] = ids[i];
		pg_keys(s, coll, recs[i], 1, params + i * np + 1);
		off[i] = (size_t)ps->pb->bpos;
		if (cv_json_print_sorted(ps->pb, recs[i]) < 0 ||
		    printbuf_memappend(ps->pb, "", 1) < 0) {
			e = CV_ENOMEM;
			goto out;
		}
		cv_text_printf(&sql, "%s($%zu", i > 0 ? ", " : "", i * np + 1);
		for (j = 1; j < np; j++)
			cv_text_printf(&sql, ", $%zu", i * np + j + 1);
		cv_text_str(&sql, ")");
	}
	/* The payloads once the buffer stopped moving. */
	for (i = 0; i < m; i++)
		params[i * np + np - 1] = ps->pb->buf + off[i];
	cv_text_printf(&sql, " ON CONFLICT (\"%s\") DO NOTHING RETURNING "
	    "\"%s\"", s->def->colls[coll].id_field,
	    s->def->colls[coll].id_field);
	if (ps->conn == NULL) {
		e = pg_fail(s, NULL, "batch insert");
		goto out;
	}
	res = pq.PQexecParams(ps->conn, sql.p, (int)(m * np), NULL, params,
	    NULL, NULL, 0);
	if (pq.PQresultStatus(res) != PGRES_TUPLES_OK) {
		e = pg_fail(s, res, "batch insert");
		goto out;
	}
	ngot = (size_t)pq.PQntuples(res);
	got = cv_xcalloc(ngot + 1, sizeof(*got));
	for (i = 0; i < ngot; i++)
		got[i].id = pq.PQgetvalue(res, (int)i, 0);
	qsort(got, ngot, sizeof(*got), got_cmp);
	for (i = 0; i < m; i++) {
		key.id = ids[i];
		g = bsearch(&key, got, ngot, sizeof(*got), got_cmp);
		conflict[i] = g == NULL || g->taken;
		if (g != NULL)
			g->taken = 1;
	}
	ps->added[coll] += (int64_t)ngot;
out:
	pq.PQclear(res);
	free(got);
	free(off);
	free(params);
	free(sql.p);
	pg_put_end(ps);
	return e;
}

/*
 * The batched insert of the store interface: the n records in statements
 * of at most CV_PG_BATCH_PARAMS parameters (pg_insert_rows()), in order.
 */
static enum cv_err
pg_insert_batch(struct cv_store *s, size_t coll, const char *const *ids,
    struct json_object *const *recs, size_t n, int *conflict)
{
	struct pstore	*ps = s->be;
	size_t		 per, at, m;
	enum cv_err	 e = CV_OK;

	per = CV_PG_BATCH_PARAMS / (ps->colls[coll].ncols + 2);
	for (at = 0; at < n && e == CV_OK; at += m) {
		m = n - at < per ? n - at : per;
		e = pg_insert_rows(s, coll, ids + at, recs + at, m,
		    conflict + at);
	}
	return e;
}

/* Parses a payload into a new reference.  CV_EIO (logged) if not JSON. */
static enum cv_err
pg_payload(struct cv_store *s, size_t coll, const char *text, size_t len,
    struct json_object **out)
{
	struct pstore	*ps = s->be;
	char		 err[256];
	enum cv_err	 rc;

	rc = cv_json_parse_tok(&ps->tok, CV_STORE_PARSE_DEPTH, text, len, out,
	    err, sizeof(err));
	if (rc == CV_EINVAL) {
		cv_log("%s: %s: stored payload: %s", s->path,
		    s->def->colls[coll].table, err);
		rc = CV_EIO;
	}
	return rc;
}

static enum cv_err
pg_get(struct cv_store *s, size_t coll, const char *id,
    struct json_object **out)
{
	PGresult	*res;
	char		 name[PG_NAME_MAX];
	enum cv_err	 e;

	*out = NULL;
	snprintf(name, sizeof(name), "g%zu", coll);
	if ((e = pg_run(s, name, 1, &id, &res)) != CV_OK)
		return e;
	if (pq.PQntuples(res) == 0)
		e = CV_ENOENT;
	else
		e = pg_payload(s, coll, pq.PQgetvalue(res, 0, 0),
		    (size_t)pq.PQgetlength(res, 0, 0), out);
	pq.PQclear(res);
	return e;
}

/* Where the total of a list comes from. */
enum ptotal {
	PT_ROWS,	/* no filter: the table's row count */
	PT_VALUE,	/* one field's value: its count */
	PT_COUNT	/* counted, unless kept at the generation read */
};

static enum ptotal
pg_total(const struct pstore *ps, size_t coll, const struct cv_query *q)
{
	if (q->nf == 0)
		return PT_ROWS;
	if (q->nf == 1 && q->f[0].value != NULL &&
	    q->f[0].col < ps->colls[coll].nfields)
		return PT_VALUE;
	return PT_COUNT;
}

/*
 * The names of the statements of query q of collection coll, prepared on
 * this connection on first use: the page alone ("l": the filters' values,
 * LIMIT, OFFSET), and the total with the page ("t": the same parameters,
 * then for PT_ROWS the rows this transaction added, for PT_COUNT the
 * generation of a kept total and that total).  "t" answers rows of the
 * table's generation, the total and a payload of the page (NULL, on one
 * row, when the page is empty); it reads the page only when the total
 * passes the offset.  A filter on NULL is "IS NULL" and on a value "=",
 * so that the indexes serve both.
 */
static enum cv_err
pg_query(struct cv_store *s, size_t coll, const struct cv_query *q,
    char (*lname)[PG_NAME_MAX], char (*tname)[PG_NAME_MAX])
{
	struct pstore		*ps = s->be;
	const struct cv_coll	*c = &s->def->colls[coll];
	struct pcoll		*pc = &ps->colls[coll];
	struct pquery		*p;
	struct cv_text		 w = { NULL, 0, 0 }, b = { NULL, 0, 0 };
	struct cv_text		 ord = { NULL, 0, 0 };
	uint32_t		 nulls = 0;
	size_t			 i;
	int			 n = 0;
	enum cv_err		 e = CV_OK;

	for (i = 0; i < q->nf; i++)
		if (q->f[i].value == NULL)
			nulls |= UINT32_C(1) << q->f[i].col;
	snprintf(*lname, sizeof(*lname), "l%zu_%" PRIx32 "_%" PRIx32, coll,
	    q->mask, nulls);
	snprintf(*tname, sizeof(*tname), "t%zu_%" PRIx32 "_%" PRIx32, coll,
	    q->mask, nulls);
	for (i = 0; i < pc->nq; i++)
		if (pc->q[i].mask == q->mask && pc->q[i].nulls == nulls)
			return CV_OK;
	cv_text_str(&w, "");
	for (i = 0; i < q->nf; i++) {
		if (q->f[i].value == NULL)
			cv_text_printf(&w, "%s\"%s\" IS NULL",
			    i == 0 ? " WHERE " : " AND ",
			    cv_coll_colname(c, q->f[i].col));
		else
			cv_text_printf(&w, "%s\"%s\" = $%d",
			    i == 0 ? " WHERE " : " AND ",
			    cv_coll_colname(c, q->f[i].col), ++n);
	}
	cv_text_str(&ord, " ORDER BY ");
	if (c->order_field != NULL)
		cv_text_printf(&ord, "\"%s\" %s, ", c->order_field,
		    c->order_desc ? "DESC" : "ASC");
	cv_text_printf(&ord, "\"%s\" %s LIMIT $%d::bigint OFFSET $%d::bigint",
	    c->id_field, c->order_desc ? "DESC" : "ASC", n + 1, n + 2);
	cv_text_printf(&b, "SELECT payload FROM \"%s\"%s%s", c->table, w.p,
	    ord.p);
	if ((e = pg_prepare(s, *lname, b.p)) != CV_OK)
		goto out;
	/* The total once (MATERIALIZED), then the page behind it. */
	b.len = 0;
	cv_text_str(&b, "WITH t AS MATERIALIZED (SELECT r.gen, ");
	switch (pg_total(ps, coll, q)) {
	case PT_ROWS:
		cv_text_printf(&b, "r.n + $%d::bigint", n + 3);
		break;
	case PT_VALUE:
		cv_text_printf(&b, "COALESCE((SELECT v.n FROM "
		    "cavra_value_counts v WHERE v.tbl = '%s' AND v.col = '%s' "
		    "AND v.val = $1), 0)", c->table, pc->cols[q->f[0].col]);
		break;
	case PT_COUNT:
		cv_text_printf(&b, "CASE WHEN r.gen = $%d::bigint THEN "
		    "$%d::bigint ELSE (SELECT count(*) FROM \"%s\"%s) END",
		    n + 3, n + 4, c->table, w.p);
		break;
	}
	cv_text_printf(&b, " AS total FROM cavra_row_counts r WHERE r.tbl = "
	    "'%s') SELECT t.gen, t.total, p.payload FROM t LEFT JOIN LATERAL "
	    "(SELECT payload FROM \"%s\"%s%st.total > $%d::bigint%s) p ON true",
	    c->table, c->table, w.p, q->nf > 0 ? " AND " : " WHERE ", n + 2,
	    ord.p);
	if ((e = pg_prepare(s, *tname, b.p)) != CV_OK)
		goto out;
	if ((p = reallocarray(pc->q, pc->nq + 1, sizeof(*p))) == NULL) {
		e = CV_ENOMEM;
		goto out;
	}
	pc->q = p;
	pc->q[pc->nq].mask = q->mask;
	pc->q[pc->nq].nulls = nulls;
	pc->nq++;
out:
	free(w.p);
	free(b.p);
	free(ord.p);
	return e;
}

/*
 * Reads the total (unless total is NULL) and the page (when it is not
 * empty) in one statement, appending the page's records to items, or
 * their stored text, comma-separated, to text.  Outside a write
 * transaction a total counted on several filters is kept at the
 * generation the statement saw, and passed to the next one.  CV_EBUSY,
 * CV_EIO, CV_ENOMEM.
 */
static enum cv_err
pg_page(struct cv_store *s, size_t coll, const struct cv_query *q,
    struct json_object *items, struct cv_text *text, size_t *total)
{
	struct pstore		*ps = s->be;
	struct json_object	*rec;
	const char		*params[PG_PARAMS_MAX], *name;
	char			 lname[PG_NAME_MAX], tname[PG_NAME_MAX];
	char			 lim[32], off[32], kgen[32], kn[32];
	PGresult		*res = NULL;
	enum ptotal		 kind = PT_VALUE;
	int64_t			 gen = -1, n = 0, kg = -1, kc = 0;
	size_t			 i, np = 0, got = 0;
	int			 r, col, nparams, page;
	enum cv_err		 e;

	if (ps->conn == NULL && (e = pg_connect(s)) != CV_OK)
		return e;
	if ((e = pg_query(s, coll, q, &lname, &tname)) != CV_OK)
		return e;
	for (i = 0; i < q->nf; i++)
		if (q->f[i].value != NULL)
			params[np++] = q->f[i].value;
	page = (items != NULL || text != NULL) && q->limit > 0;
	if (!page)
		params[np] = "0";
	else if (q->limit > INT64_MAX)
		params[np] = NULL;	/* LIMIT NULL: all */
	else {
		snprintf(lim, sizeof(lim), "%zu", q->limit);
		params[np] = lim;
	}
	/* Past INT64_MAX rows no page holds anything either. */
	snprintf(off, sizeof(off), "%zu", q->offset > INT64_MAX ?
	    (size_t)INT64_MAX : q->offset);
	params[np + 1] = off;
	nparams = (int)np + 2;
	if (total == NULL) {
		if (!page)
			return CV_OK;
		name = lname;
		col = 0;
	} else {
		kind = pg_total(ps, coll, q);
		if (kind == PT_ROWS) {
			snprintf(kn, sizeof(kn), "%" PRId64, s->in_txn ?
			    ps->added[coll] : 0);
			params[nparams++] = kn;
		} else if (kind == PT_COUNT) {
			/* Inside a write transaction the count is its own. */
			if (s->in_txn || !cv_totals_last(ps->totals, coll, q,
			    &kg, &kc))
				kg = -1;
			snprintf(kgen, sizeof(kgen), "%" PRId64, kg);
			snprintf(kn, sizeof(kn), "%" PRId64, kc);
			params[nparams++] = kgen;
			params[nparams++] = kn;
		}
		name = tname;
		col = 2;
	}
	if ((e = pg_run(s, name, nparams, params, &res)) != CV_OK)
		return e;
	if (total != NULL) {
		if (pq.PQntuples(res) < 1) {
			cv_log("%s: %s: no row count", s->path,
			    s->def->colls[coll].table);
			e = CV_EIO;
			goto out;
		}
		gen = strtoll(pq.PQgetvalue(res, 0, 0), NULL, 10);
		n = strtoll(pq.PQgetvalue(res, 0, 1), NULL, 10);
		*total = n > 0 ? (size_t)n : 0;
		if (kind == PT_COUNT && !s->in_txn && gen != kg)
			cv_totals_add(ps->totals, coll, q, gen, n);
	}
	for (r = 0; r < pq.PQntuples(res); r++) {
		if (pq.PQgetisnull(res, r, col))
			continue;	/* the empty page */
		if (text != NULL) {
			if (got++ > 0)
				cv_text_add(text, ",", 1);
			cv_text_add(text, pq.PQgetvalue(res, r, col),
			    (size_t)pq.PQgetlength(res, r, col));
			continue;
		}
		if ((e = pg_payload(s, coll, pq.PQgetvalue(res, r, col),
		    (size_t)pq.PQgetlength(res, r, col), &rec)) != CV_OK)
			break;
		if (json_object_array_add(items, rec) != 0) {
			json_object_put(rec);
			e = CV_ENOMEM;
			break;
		}
	}
out:
	pq.PQclear(res);
	return e;
}

static enum cv_err
pg_list(struct cv_store *s, size_t coll, const struct cv_query *q,
    struct json_object *items, size_t *total)
{
	return pg_page(s, coll, q, items, NULL, total);
}

static enum cv_err
pg_list_text(struct cv_store *s, size_t coll, const struct cv_query *q,
    struct cv_text *text, size_t *total)
{
	return pg_page(s, coll, q, NULL, text, total);
}

/*
 * Streams the payloads of "SELECT payload FROM <coll> ORDER BY id" to fn
 * row by row (libpq's single-row mode), in the snapshot open on s.
 * CV_EIO when fn stops (what is left of the result is read and dropped),
 * else as pg_fail().
 */
static enum cv_err
pg_dump_coll(struct cv_store *s, size_t coll, cv_store_pg_dump_fn fn,
    void *arg)
{
	struct pstore		*ps = s->be;
	const struct cv_coll	*c = &s->def->colls[coll];
	struct cv_text		 sql = { NULL, 0, 0 };
	PGresult		*res;
	enum cv_err		 e = CV_OK;
	int			 stopped = 0;

	cv_text_printf(&sql, "SELECT payload FROM \"%s\" ORDER BY \"%s\"",
	    c->table, c->id_field);
	if (!pq.PQsendQuery(ps->conn, sql.p) ||
	    !pq.PQsetSingleRowMode(ps->conn)) {
		e = pg_fail(s, NULL, "dump");
		goto out;
	}
	while ((res = pq.PQgetResult(ps->conn)) != NULL) {
		switch (pq.PQresultStatus(res)) {
		case PGRES_SINGLE_TUPLE:
			if (!stopped && fn(arg, coll, pq.PQgetvalue(res, 0, 0),
			    (size_t)pq.PQgetlength(res, 0, 0)) == -1) {
				stopped = 1;
				e = CV_EIO;
			}
			break;
		case PGRES_TUPLES_OK:
			break;
		default:
			if (e == CV_OK)
				e = pg_fail(s, res, "dump");
			break;
		}
		pq.PQclear(res);
		if (ps->conn == NULL)
			break;
	}
out:
	free(sql.p);
	return e;
}

enum cv_err
cv_store_pg_dump(struct cv_store *s, cv_store_pg_dump_fn fn, void *arg)
{
	struct pstore	*ps = s->be;
	size_t		 ci;
	enum cv_err	 e;

	if (s->ops != &cv_store_pg_ops || s->in_txn)
		return CV_EINVAL;
	if ((e = pg_connect(s)) != CV_OK || (e = pg_exec(s, "BEGIN "
	    "ISOLATION LEVEL REPEATABLE READ, READ ONLY")) != CV_OK)
		return e;
	for (ci = 0; ci < s->def->ncolls && e == CV_OK; ci++)
		e = pg_dump_coll(s, ci, fn, arg);
	if (ps->conn != NULL)
		pq.PQclear(pq.PQexec(ps->conn, e == CV_OK ? "COMMIT" :
		    "ROLLBACK"));
	return e;
}

enum cv_err
cv_store_pg_clear(struct cv_store *s)
{
	struct pstore	*ps = s->be;
	struct cv_text	 sql = { NULL, 0, 0 };
	size_t		 ci;
	enum cv_err	 e;

	if (s->ops != &cv_store_pg_ops || !s->in_txn)
		return CV_EINVAL;
	for (ci = 0; ci < s->def->ncolls; ci++) {
		cv_text_printf(&sql, "TRUNCATE \"%s\";\n"
		    "UPDATE cavra_row_counts SET n = 0 WHERE tbl = '%s';\n",
		    s->def->colls[ci].table, s->def->colls[ci].table);
		ps->added[ci] = 0;
	}
	e = pg_exec(s, sql.p);
	free(sql.p);
	return e;
}

const struct cv_store_ops cv_store_pg_ops = {
	"postgresql",
	pg_open,
	pg_close,
	pg_begin,
	pg_commit,
	pg_rollback,
	pg_rbegin,
	pg_rend,
	pg_put,
	pg_get,
	pg_list,
	pg_list_text,
	pg_insert_batch,
};
