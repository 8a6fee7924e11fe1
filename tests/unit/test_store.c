/*
 * Unit tests of the record store.  Every behaviour is checked against
 * every backend (JSON file and SQLite in a fresh temporary directory, and
 * PostgreSQL in a fresh schema when CAVRA_TEST_PG holds a connection
 * string, as tests/pg.sh sets it), and they must give the same answers to
 * the same calls.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <json-c/json.h>
#include <libpq-fe.h>
#include <sqlite3.h>

#include "cavra.h"
#include "cv_policy.h"
#include "store_pg.h"
#include "tmpdir.h"

#define NPROCS		4	/* writers in the multi-process test */
#define NPERPROC	200	/* records each writes */
#define TXN_EVERY	4	/* every 4th write also bumps the counter */

static const char *const kinds[] = { "json", "sqlite", "postgresql" };

static char			 tmpdir[1024];
static char			 pathbuf[3][1200];
static char			 schema[64];	/* PostgreSQL: the test's */
static struct cv_store		*st;		/* the store under test */
static const struct cv_store_def *def;
static struct cv_arena		 arena;

/* Every backend under test: PostgreSQL only with CAVRA_TEST_PG. */
#define BOTH(be)	for (int be = 0; be < nbackends(); be++)

static int
nbackends(void)
{
	const char	*pg = getenv("CAVRA_TEST_PG");

	return pg != NULL && *pg != '\0' ? 3 : 2;
}

/* Runs sql on the test cluster's database (CAVRA_TEST_PG). */
static void
pg_sql(const char *sql)
{
	PGconn		*c;
	PGresult	*r;

	c = PQconnectdb(getenv("CAVRA_TEST_PG"));
	cr_assert_eq(PQstatus(c), CONNECTION_OK, "%s", PQerrorMessage(c));
	PQclear(PQexec(c, "SET client_min_messages = warning"));
	r = PQexec(c, sql);
	cr_assert_eq(PQresultStatus(r), PGRES_COMMAND_OK, "%s: %s", sql,
	    PQresultErrorMessage(r));
	PQclear(r);
	PQfinish(c);
}

/*
 * The connection string of schema "<the test's schema>_<tag>", made here
 * (call before forking), or of the test's own for tag "" (made by
 * setup()); all are dropped at teardown.  Static buffer.
 */
static const char *
pg_path(const char *tag)
{
	static char	 buf[1400];
	char		 sql[256], name[128];

	snprintf(name, sizeof(name), "%s%s%s", schema, *tag ? "_" : "", tag);
	if (*tag != '\0') {
		snprintf(sql, sizeof(sql), "CREATE SCHEMA %s", name);
		pg_sql(sql);
	}
	snprintf(buf, sizeof(buf), "%s options='-csearch_path=%s'",
	    getenv("CAVRA_TEST_PG"), name);
	return buf;
}

static void
setup(void)
{
	const char	*p;
	char		*q;

	tmpdir_make(tmpdir, sizeof(tmpdir), "store");
	cv_arena_init(&arena);
	unsetenv("CAVRA_ACTIVITY_DB");
	unsetenv("CAVRA_ACTIVITY_STORE");
	unsetenv("CAVRA_DATABASE_URL");
	/* The schema is named after the test's directory: unique. */
	p = strrchr(tmpdir, '/') != NULL ? strrchr(tmpdir, '/') + 1 : tmpdir;
	snprintf(schema, sizeof(schema), "t_%.40s", p);
	for (q = schema; *q != '\0'; q++)
		if (*q >= 'A' && *q <= 'Z')
			*q = (char)(*q - 'A' + 'a');
		else if (!((*q >= 'a' && *q <= 'z') || (*q >= '0' && *q <= '9')))
			*q = '_';
	if (nbackends() == 3) {
		char	 sql[128];

		snprintf(sql, sizeof(sql), "CREATE SCHEMA %s", schema);
		pg_sql(sql);
	}
}

static void
teardown(void)
{
	char	 sql[512];
	PGconn	*c;

	cv_store_close(st);
	st = NULL;
	cv_arena_free(&arena);
	tmpdir_remove(tmpdir);
	if (nbackends() < 3)
		return;
	/* Every schema of this test: its own and the tagged ones. */
	snprintf(sql, sizeof(sql), "DO $$DECLARE n text; BEGIN FOR n IN "
	    "SELECT nspname FROM pg_namespace WHERE nspname = '%s' OR "
	    "nspname LIKE '%s\\_%%' LOOP EXECUTE 'DROP SCHEMA ' || n || "
	    "' CASCADE'; END LOOP; END$$", schema, schema);
	c = PQconnectdb(getenv("CAVRA_TEST_PG"));
	if (PQstatus(c) == CONNECTION_OK) {
		PQclear(PQexec(c, "SET client_min_messages = warning"));
		PQclear(PQexec(c, sql));
	}
	PQfinish(c);
}

TestSuite(store, .init = setup, .fini = teardown, .timeout = 120);

/* The store file of backend be in the test's directory (not created). */
static const char *
path_of(int be)
{
	if (be == CV_STORE_PG)
		snprintf(pathbuf[be], sizeof(pathbuf[be]), "%s", pg_path(""));
	else
		snprintf(pathbuf[be], sizeof(pathbuf[be]), "%s/%s/sub/store.%s",
		    tmpdir, kinds[be], be ? "db" : "json");
	return pathbuf[be];
}

static void
open_store(int be, const struct cv_store_def *d)
{
	enum cv_err	 rc;

	cv_store_close(st);
	st = NULL;
	def = d;
	rc = cv_store_open_path(d, be, path_of(be), &st);
	cr_assert_eq(rc, CV_OK, "%s: open %s: %d", kinds[be], path_of(be), rc);
	cr_assert_str_eq(cv_store_kind(st), kinds[be]);
}

/* Test JSON written with ' for ". */
static struct json_object *
J(const char *text)
{
	struct json_object	*o;
	char			*s, *p;

	s = strdup(text);
	cr_assert_not_null(s);
	for (p = s; *p != '\0'; p++)
		if (*p == '\'')
			*p = '"';
	o = json_tokener_parse(s);
	cr_assert_not_null(o, "bad test JSON: %s", s);
	free(s);
	return o;
}

static void
put(size_t coll, const char *text)
{
	struct json_object	*o = J(text);
	enum cv_err		 rc;

	rc = cv_store_put(st, coll, o);
	json_object_put(o);
	cr_assert_eq(rc, CV_OK, "%s: put %s: %d", cv_store_kind(st), text,
	    rc);
}

static enum cv_err
put_rc(size_t coll, const char *text)
{
	struct json_object	*o = J(text);
	enum cv_err		 rc;

	rc = cv_store_put(st, coll, o);
	json_object_put(o);
	return rc;
}

/* cv_store_insert() of a decision written as J() text; the record is put. */
static enum cv_err
insert_rc(const char *text)
{
	struct json_object	*o = J(text);
	enum cv_err		 rc;

	rc = cv_store_insert(st, CV_COLL_DECISIONS, o);
	json_object_put(o);
	return rc;
}

/* The ids of a list call, comma-separated (static buffer). */
static const char *
ids(size_t coll, const struct cv_filter *f, size_t nf, size_t limit,
    size_t offset, size_t *total)
{
	static char		 buf[16384];
	struct json_object	*items = NULL, *v;
	size_t			 i, n, t = 0;
	enum cv_err		 rc;

	rc = cv_store_list(st, coll, f, nf, limit, offset, &items, &t);
	cr_assert_eq(rc, CV_OK, "%s: list: %d", cv_store_kind(st), rc);
	cr_assert(json_object_is_type(items, json_type_array));
	buf[0] = '\0';
	n = json_object_array_length(items);
	cr_assert_leq(n, limit);
	for (i = 0; i < n; i++) {
		cr_assert(json_object_object_get_ex(json_object_array_get_idx(
		    items, i), def->colls[coll].id_field, &v));
		if (i > 0)
			strncat(buf, ",", sizeof(buf) - strlen(buf) - 1);
		strncat(buf, json_object_get_string(v),
		    sizeof(buf) - strlen(buf) - 1);
	}
	json_object_put(items);
	if (total != NULL)
		*total = t;
	return buf;
}

static size_t
count(size_t coll, const struct cv_filter *f, size_t nf)
{
	size_t		 n = 0;
	enum cv_err	 rc;

	rc = cv_store_count(st, coll, f, nf, &n);
	cr_assert_eq(rc, CV_OK, "%s: count: %d", cv_store_kind(st), rc);
	return n;
}

/* The whole file at path, NUL-terminated (caller frees); NULL if none. */
static char *
slurp(const char *path, size_t *lenp)
{
	FILE	*f;
	char	*p;
	long	 n;

	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	p = malloc((size_t)n + 1);
	cr_assert_not_null(p);
	cr_assert_eq(fread(p, 1, (size_t)n, f), (size_t)n);
	p[n] = '\0';
	fclose(f);
	if (lenp != NULL)
		*lenp = (size_t)n;
	return p;
}

static void
spew(const char *path, const char *text)
{
	FILE	*f;

	f = fopen(path, "wb");
	cr_assert_not_null(f, "%s: %s", path, strerror(errno));
	cr_assert_eq(fwrite(text, 1, strlen(text), f), strlen(text));
	cr_assert_eq(fclose(f), 0);
}

Test(store, locate)
{
	const char	*kind, *path, *by;

	cv_store_locate(&cv_store_activity, &kind, &path, &by);
	cr_assert_str_eq(kind, "json");
	cr_assert_str_eq(path, ".cavra/api/activity.json");
	cr_assert_str_eq(by, "default");

	setenv("CAVRA_ACTIVITY_STORE", "/x/a.json", 1);
	setenv("CAVRA_ACTIVITY_DB", "", 1);
	cv_store_locate(&cv_store_activity, &kind, &path, &by);
	cr_assert_str_eq(kind, "json");
	cr_assert_str_eq(path, "/x/a.json");
	cr_assert_str_eq(by, "CAVRA_ACTIVITY_STORE");

	setenv("CAVRA_ACTIVITY_DB", "/x/a.db", 1);
	cv_store_locate(&cv_store_activity, &kind, &path, &by);
	cr_assert_str_eq(kind, "sqlite");
	cr_assert_str_eq(path, "/x/a.db");
	cr_assert_str_eq(by, "CAVRA_ACTIVITY_DB");

	/* CAVRA_DATABASE_URL wins; its password is never shown. */
	setenv("CAVRA_DATABASE_URL", "postgresql://u:s3cret@db.example:6543/"
	    "cavra?sslmode=require", 1);
	cv_store_locate(&cv_store_activity, &kind, &path, &by);
	cr_assert_str_eq(kind, "postgresql");
	cr_assert_str_eq(path, "postgresql://db.example:6543/cavra");
	cr_assert_str_eq(by, "CAVRA_DATABASE_URL");
	cr_assert_str_eq(cv_store_local_path(&cv_store_activity), "/x/a.db");
	setenv("CAVRA_DATABASE_URL", "host=/run/pg dbname=c password=s3cret",
	    1);
	cv_store_locate(&cv_store_activity, &kind, &path, &by);
	cr_assert_str_eq(path, "postgresql:///run/pg/c");
	cr_assert_eq(cv_store_config_check(), CV_OK);
	setenv("CAVRA_DATABASE_URL", "host='unterminated", 1);
	cr_assert_eq(cv_store_config_check(), CV_EINVAL);
	unsetenv("CAVRA_DATABASE_URL");
}

Test(store, defs)
{
	size_t	 n;

	for (n = 0; cv_store_defs[n] != NULL; n++)
		continue;
	cr_assert_eq(n, 6);
	cr_assert_eq(cv_store_defs[0], &cv_store_evidence);
	cr_assert_eq(cv_store_defs[5], &cv_store_integrations);
	cr_assert_str_eq(cv_store_activity.colls[CV_COLL_DECISIONS].name,
	    "decisions");
	cr_assert_str_eq(cv_store_activity.colls[CV_COLL_SESSIONS].name,
	    "sessions");
	cr_assert_str_eq(cv_store_registry.colls[CV_COLL_MCP_SERVERS].name,
	    "mcp_servers");
	cr_assert_str_eq(cv_store_inventory.colls[CV_COLL_ROLLOUTS].name,
	    "policy_rollouts");
	/* Every definition opens with both backends. */
	for (n = 0; cv_store_defs[n] != NULL; n++)
		BOTH(be)
			open_store(be, cv_store_defs[n]);
}

Test(store, open_from_environment)
{
	struct stat	 sb;

	cr_assert_eq(chdir(tmpdir), 0);
	cr_assert_eq(cv_store_open(&cv_store_activity, &st), CV_OK);
	def = &cv_store_activity;
	cr_assert_str_eq(cv_store_kind(st), "json");
	cr_assert_str_eq(cv_store_path(st), ".cavra/api/activity.json");
	cr_assert_eq(stat(".cavra/api", &sb), 0, "parent not created");
	cr_assert(S_ISDIR(sb.st_mode));
	cr_assert_neq(stat(".cavra/api/activity.json", &sb), 0,
	    "opening must not create the file");
	put(CV_COLL_DECISIONS, "{'decision_id':'d1'}");
	cr_assert_eq(stat(".cavra/api/activity.json", &sb), 0);
	cv_store_close(st);
	st = NULL;

	setenv("CAVRA_ACTIVITY_STORE", "other/act.json", 1);
	cr_assert_eq(cv_store_open(&cv_store_activity, &st), CV_OK);
	cr_assert_str_eq(cv_store_path(st), "other/act.json");
	cr_assert_eq(count(CV_COLL_DECISIONS, NULL, 0), 0);
	cv_store_close(st);
	st = NULL;

	setenv("CAVRA_ACTIVITY_DB", "db/deep/act.db", 1);
	cr_assert_eq(cv_store_open(&cv_store_activity, &st), CV_OK);
	cr_assert_str_eq(cv_store_kind(st), "sqlite");
	cr_assert_str_eq(cv_store_path(st), "db/deep/act.db");
	cr_assert_eq(stat("db/deep/act.db", &sb), 0);
}

Test(store, put_get)
{
	struct json_object	*in, *out = NULL, *v;

	BOTH(be) {
		open_store(be, &cv_store_activity);
		in = J("{'decision_id':'d1','session_id':'s1',"
		    "'timestamp':'2024-01-01T00:00:00+00:00','decision':"
		    "'allow','n':3,'x':{'b':[1,2,{'c':null}],'a':true}}");
		cr_assert_eq(cv_store_put(st, CV_COLL_DECISIONS, in), CV_OK);
		/* The store keeps a copy: changing ours changes nothing. */
		json_object_object_add(in, "decision", json_object_new_string(
		    "block"));
		cr_assert_eq(cv_store_get(st, CV_COLL_DECISIONS, "d1", &out),
		    CV_OK);
		cr_assert(json_object_object_get_ex(out, "decision", &v));
		cr_assert_str_eq(json_object_get_string(v), "allow",
		    "%s", kinds[be]);
		json_object_object_add(in, "decision", json_object_new_string(
		    "allow"));
		cr_assert(json_object_equal(in, out), "%s: %s", kinds[be],
		    json_object_to_json_string(out));
		/* And changing what we got back changes nothing either. */
		json_object_object_add(out, "decision", json_object_new_string(
		    "block"));
		json_object_put(out);
		cr_assert_eq(cv_store_get(st, CV_COLL_DECISIONS, "d1", &out),
		    CV_OK);
		cr_assert(json_object_equal(in, out));
		json_object_put(out);
		json_object_put(in);
		/* Collections are separate. */
		cr_assert_eq(cv_store_get(st, CV_COLL_SESSIONS, "d1", &out),
		    CV_ENOENT);
		cr_assert_null(out);
	}
}

Test(store, put_replaces)
{
	struct json_object	*out, *v;
	size_t			 total;

	BOTH(be) {
		open_store(be, &cv_store_activity);
		put(CV_COLL_DECISIONS, "{'decision_id':'d1','timestamp':'1',"
		    "'repository':'r1','old':1}");
		put(CV_COLL_DECISIONS, "{'decision_id':'d2','timestamp':'2'}");
		put(CV_COLL_DECISIONS, "{'decision_id':'d1','timestamp':'3',"
		    "'repository':'r2'}");
		cr_assert_str_eq(ids(CV_COLL_DECISIONS, NULL, 0, SIZE_MAX, 0,
		    &total), "d1,d2", "%s", kinds[be]);
		cr_assert_eq(total, 2);
		cr_assert_eq(cv_store_get(st, CV_COLL_DECISIONS, "d1", &out),
		    CV_OK);
		cr_assert_not(json_object_object_get_ex(out, "old", &v),
		    "a replaced record keeps nothing of the old one");
		json_object_put(out);
		/* The filter columns follow the new record. */
		cr_assert_eq(count(CV_COLL_DECISIONS, (struct cv_filter[]){
		    { "repository", "r1" } }, 1), 0, "%s", kinds[be]);
		cr_assert_eq(count(CV_COLL_DECISIONS, (struct cv_filter[]){
		    { "repository", "r2" } }, 1), 1);
	}
}

Test(store, unknown_fields_kept)
{
	const char		*text = "{'session_id':'s1','updated_at':'u',"
				    "'zz_future':{'nested':[1,2.5,'x',null,"
				    "false,{'deep':{'er':'é/ü'}}]},"
				    "'aispm_extra':-9007199254740993,"
				    "'empty':{},'list':[]}";
	struct json_object	*in, *out;

	BOTH(be) {
		open_store(be, &cv_store_activity);
		put(CV_COLL_SESSIONS, text);
		open_store(be, &cv_store_activity);	/* reopen */
		in = J(text);
		cr_assert_eq(cv_store_get(st, CV_COLL_SESSIONS, "s1", &out),
		    CV_OK);
		cr_assert(json_object_equal(in, out), "%s: %s", kinds[be],
		    json_object_to_json_string(out));
		json_object_put(in);
		json_object_put(out);
	}
}

/* Records of the filter and order tests. */
static void
seed_decisions(void)
{
	put(CV_COLL_DECISIONS, "{'decision_id':'d1','timestamp':'t2',"
	    "'repository':'r1','decision':'allow','severity':3,"
	    "'session_id':'s1'}");
	put(CV_COLL_DECISIONS, "{'decision_id':'d2','timestamp':'t1',"
	    "'repository':'r2','decision':'block','severity':'3',"
	    "'session_id':'s1'}");
	put(CV_COLL_DECISIONS, "{'decision_id':'d3','timestamp':'t3',"
	    "'repository':{'name':'r1','provider':'github'},"
	    "'decision':'block','session_id':'s2','action_type':true}");
	put(CV_COLL_DECISIONS, "{'decision_id':'d4','timestamp':'t2',"
	    "'repository':'r1','decision':'block','session_id':null}");
	put(CV_COLL_DECISIONS, "{'decision_id':'d5',"
	    "'repository':'r1','decision':'allow'}");
}

Test(store, filters)
{
	struct json_object	*repo, *o;
	const char		*k;

	/* An object's key is taken over its sorted form, as stored. */
	o = J("{'provider':'github','name':'r1'}");
	repo = cv_json_sorted_new(o);
	json_object_put(o);
	BOTH(be) {
		open_store(be, &cv_store_activity);
		seed_decisions();
		k = cv_json_key(&arena, repo);
		cr_assert_str_eq(ids(CV_COLL_DECISIONS, (struct cv_filter[]){
		    { "repository", "r1" } }, 1, SIZE_MAX, 0, NULL),
		    "d4,d1,d5", "%s", kinds[be]);
		cr_assert_str_eq(ids(CV_COLL_DECISIONS, (struct cv_filter[]){
		    { "repository", "r1" }, { "decision", "block" } }, 2,
		    SIZE_MAX, 0, NULL), "d4", "%s", kinds[be]);
		cr_assert_str_eq(ids(CV_COLL_DECISIONS, (struct cv_filter[]){
		    { "decision", "block" }, { "repository", "r1" } }, 2,
		    SIZE_MAX, 0, NULL), "d4");
		cr_assert_str_eq(ids(CV_COLL_DECISIONS, (struct cv_filter[]){
		    { "repository", "nope" } }, 1, SIZE_MAX, 0, NULL), "");
		/* Non-string values match their key. */
		cr_assert_str_eq(ids(CV_COLL_DECISIONS, (struct cv_filter[]){
		    { "repository", k } }, 1, SIZE_MAX, 0, NULL), "d3",
		    "%s: key %s", kinds[be], k);
		cr_assert_str_eq(ids(CV_COLL_DECISIONS, (struct cv_filter[]){
		    { "severity", "3" } }, 1, SIZE_MAX, 0, NULL), "d1,d2");
		cr_assert_str_eq(ids(CV_COLL_DECISIONS, (struct cv_filter[]){
		    { "action_type", "true" } }, 1, SIZE_MAX, 0, NULL), "d3");
		/* The id field is a filter too. */
		cr_assert_str_eq(ids(CV_COLL_DECISIONS, (struct cv_filter[]){
		    { "decision_id", "d2" } }, 1, SIZE_MAX, 0, NULL), "d2");
		/* NULL matches absent and null. */
		cr_assert_str_eq(ids(CV_COLL_DECISIONS, (struct cv_filter[]){
		    { "session_id", NULL } }, 1, SIZE_MAX, 0, NULL), "d4,d5",
		    "%s", kinds[be]);
		/* Repeating a field: same value is one filter, two values
		 * match nothing. */
		cr_assert_str_eq(ids(CV_COLL_DECISIONS, (struct cv_filter[]){
		    { "session_id", "s1" }, { "session_id", "s1" } }, 2,
		    SIZE_MAX, 0, NULL), "d1,d2");
		cr_assert_str_eq(ids(CV_COLL_DECISIONS, (struct cv_filter[]){
		    { "session_id", "s1" }, { "session_id", "s2" } }, 2,
		    SIZE_MAX, 0, NULL), "");
		cr_assert_eq(count(CV_COLL_DECISIONS, (struct cv_filter[]){
		    { "session_id", "s1" }, { "session_id", NULL } }, 2), 0);
		/* Nothing is a substring or case-insensitive match. */
		cr_assert_eq(count(CV_COLL_DECISIONS, (struct cv_filter[]){
		    { "decision", "BLOCK" } }, 1), 0);
		cr_assert_eq(count(CV_COLL_DECISIONS, (struct cv_filter[]){
		    { "decision", "bl" } }, 1), 0);
		cv_arena_reset(&arena);
	}
	json_object_put(repo);
}

Test(store, filter_invalid)
{
	struct json_object	*items = (struct json_object *)1;
	size_t			 n = 7;

	BOTH(be) {
		open_store(be, &cv_store_activity);
		seed_decisions();
		cr_assert_eq(cv_store_list(st, CV_COLL_DECISIONS,
		    (struct cv_filter[]){ { "no_such_field", "x" } }, 1,
		    SIZE_MAX, 0, &items, &n), CV_EINVAL);
		cr_assert_null(items);
		/* The order field is not a filter field of decisions. */
		cr_assert_eq(cv_store_count(st, CV_COLL_DECISIONS,
		    (struct cv_filter[]){ { "timestamp", "t1" } }, 1, &n),
		    CV_EINVAL);
		/* A sessions field is not a decisions field. */
		cr_assert_eq(cv_store_count(st, CV_COLL_DECISIONS,
		    (struct cv_filter[]){ { "state", "open" } }, 1, &n),
		    CV_EINVAL);
		cr_assert_eq(cv_store_count(st, CV_COLL_DECISIONS,
		    (struct cv_filter[]){ { NULL, "x" } }, 1, &n), CV_EINVAL);
		cr_assert_eq(cv_store_count(st, CV_COLL_DECISIONS,
		    (struct cv_filter[]){ { "repository", "r1" },
		    { "payload", "x" } }, 2, &n), CV_EINVAL);
	}
}

Test(store, order)
{
	BOTH(be) {
		open_store(be, &cv_store_activity);
		seed_decisions();
		/* Descending timestamp, ties by descending id, absent last. */
		cr_assert_str_eq(ids(CV_COLL_DECISIONS, NULL, 0, SIZE_MAX, 0,
		    NULL), "d3,d4,d1,d2,d5", "%s", kinds[be]);
		/* Ascending by id when the collection has no order field. */
		open_store(be, &cv_store_registry);
		put(CV_COLL_AGENTS, "{'agent_id':'b','status':'active'}");
		put(CV_COLL_AGENTS, "{'agent_id':'B','status':'active'}");
		put(CV_COLL_AGENTS, "{'agent_id':'a','status':'retired'}");
		put(CV_COLL_AGENTS, "{'agent_id':'a/b','status':'active'}");
		put(CV_COLL_AGENTS, "{'agent_id':'é','status':'active'}");
		put(CV_COLL_AGENTS, "{'agent_id':'aa','status':'active'}");
		cr_assert_str_eq(ids(CV_COLL_AGENTS, NULL, 0, SIZE_MAX, 0,
		    NULL), "B,a,a/b,aa,b,é", "%s", kinds[be]);
		cr_assert_str_eq(ids(CV_COLL_AGENTS, (struct cv_filter[]){
		    { "status", "active" } }, 1, SIZE_MAX, 0, NULL),
		    "B,a/b,aa,b,é");
		/* Order field values that are not strings sort by key. */
		open_store(be, &cv_store_approvals);
		put(0, "{'approval_id':'a1','requested_at':10}");
		put(0, "{'approval_id':'a2','requested_at':9}");
		put(0, "{'approval_id':'a3','requested_at':'10'}");
		put(0, "{'approval_id':'a4','requested_at':null}");
		put(0, "{'approval_id':'a5','requested_at':''}");
		cr_assert_str_eq(ids(0, NULL, 0, SIZE_MAX, 0, NULL),
		    "a2,a3,a1,a5,a4", "%s", kinds[be]);
	}
}

Test(store, paging)
{
	char	 rec[128];
	size_t	 total, i;

	BOTH(be) {
		open_store(be, &cv_store_activity);
		for (i = 0; i < 10; i++) {
			snprintf(rec, sizeof(rec), "{'decision_id':'d%zu',"
			    "'timestamp':'t%zu','decision':'%s'}", i, i,
			    i % 2 ? "allow" : "block");
			put(CV_COLL_DECISIONS, rec);
		}
		cr_assert_str_eq(ids(CV_COLL_DECISIONS, NULL, 0, 3, 0, &total),
		    "d9,d8,d7", "%s", kinds[be]);
		cr_assert_eq(total, 10);
		cr_assert_str_eq(ids(CV_COLL_DECISIONS, NULL, 0, 3, 8, &total),
		    "d1,d0");
		cr_assert_eq(total, 10);
		cr_assert_str_eq(ids(CV_COLL_DECISIONS, NULL, 0, 3, 10,
		    &total), "");
		cr_assert_eq(total, 10);
		cr_assert_str_eq(ids(CV_COLL_DECISIONS, NULL, 0, 3, SIZE_MAX,
		    &total), "");
		cr_assert_eq(total, 10);
		cr_assert_str_eq(ids(CV_COLL_DECISIONS, NULL, 0, 0, 0, &total),
		    "");
		cr_assert_eq(total, 10);
		cr_assert_str_eq(ids(CV_COLL_DECISIONS, (struct cv_filter[]){
		    { "decision", "allow" } }, 1, 2, 1, &total), "d7,d5",
		    "%s", kinds[be]);
		cr_assert_eq(total, 5);
		cr_assert_str_eq(ids(CV_COLL_DECISIONS, (struct cv_filter[]){
		    { "decision", "allow" } }, 1, SIZE_MAX, 4, &total), "d1");
		cr_assert_eq(total, 5);
		cr_assert_str_eq(ids(CV_COLL_DECISIONS, (struct cv_filter[]){
		    { "decision", "allow" } }, 1, 1, 5, &total), "");
		cr_assert_eq(total, 5);
		cr_assert_eq(count(CV_COLL_DECISIONS, NULL, 0), 10);
		cr_assert_eq(count(CV_COLL_DECISIONS, (struct cv_filter[]){
		    { "decision", "block" } }, 1), 5);
		cr_assert_eq(count(CV_COLL_SESSIONS, NULL, 0), 0);
	}
}

Test(store, get_errors)
{
	struct json_object	*out = (struct json_object *)1;

	BOTH(be) {
		open_store(be, &cv_store_activity);
		cr_assert_eq(cv_store_get(st, CV_COLL_DECISIONS, "nope", &out),
		    CV_ENOENT);
		cr_assert_null(out);
		put(CV_COLL_DECISIONS, "{'decision_id':'d1'}");
		cr_assert_eq(cv_store_get(st, CV_COLL_DECISIONS, "d", &out),
		    CV_ENOENT);
		cr_assert_eq(cv_store_get(st, CV_COLL_DECISIONS, "d1 ", &out),
		    CV_ENOENT);
		cr_assert_eq(cv_store_get(st, CV_COLL_DECISIONS, "", &out),
		    CV_ENOENT);
		cr_assert_eq(cv_store_get(st, CV_COLL_DECISIONS, NULL, &out),
		    CV_EINVAL);
	}
}

Test(store, put_invalid)
{
	struct json_object	*o, *deep;
	char			 big[CV_ID_MAX + 64];
	int			 i;

	BOTH(be) {
		open_store(be, &cv_store_activity);
		cr_assert_eq(put_rc(CV_COLL_DECISIONS, "{'timestamp':'t'}"),
		    CV_EINVAL, "%s", kinds[be]);
		cr_assert_eq(put_rc(CV_COLL_DECISIONS, "{'decision_id':''}"),
		    CV_EINVAL);
		cr_assert_eq(put_rc(CV_COLL_DECISIONS, "{'decision_id':null}"),
		    CV_EINVAL);
		cr_assert_eq(put_rc(CV_COLL_DECISIONS, "{'decision_id':7}"),
		    CV_EINVAL);
		cr_assert_eq(put_rc(CV_COLL_DECISIONS,
		    "{'decision_id':'a\\u0000b'}"), CV_EINVAL);
		/* The id of the other collection does not count. */
		cr_assert_eq(put_rc(CV_COLL_DECISIONS, "{'session_id':'s'}"),
		    CV_EINVAL);
		cr_assert_eq(put_rc(CV_COLL_DECISIONS, "['decision_id']"),
		    CV_EINVAL);
		cr_assert_eq(cv_store_put(st, CV_COLL_DECISIONS, NULL),
		    CV_EINVAL);
		memset(big, 'x', sizeof(big));
		memcpy(big, "{'decision_id':'", 16);
		memcpy(big + 16 + CV_ID_MAX + 1, "'}", 3);
		cr_assert_eq(put_rc(CV_COLL_DECISIONS, big), CV_EINVAL);
		memcpy(big + 16 + CV_ID_MAX, "'}", 3);
		cr_assert_eq(put_rc(CV_COLL_DECISIONS, big), CV_OK);
		/* Too deep to be read back: refused. */
		deep = json_object_new_array();
		for (i = 0; i < CV_STORE_RECORD_DEPTH; i++) {
			o = json_object_new_array();
			json_object_array_add(o, deep);
			deep = o;
		}
		o = J("{'decision_id':'deep'}");
		json_object_object_add(o, "x", deep);
		cr_assert_eq(cv_store_put(st, CV_COLL_DECISIONS, o), CV_EINVAL);
		json_object_put(o);
		/* Nothing but the valid record was stored. */
		cr_assert_eq(count(CV_COLL_DECISIONS, NULL, 0), 1);
		cr_assert_eq(count(CV_COLL_SESSIONS, NULL, 0), 0);
	}
}

Test(store, transactions)
{
	struct json_object	*out;

	BOTH(be) {
		open_store(be, &cv_store_activity);
		put(CV_COLL_SESSIONS, "{'session_id':'s0','updated_at':'u'}");
		cr_assert_eq(cv_store_begin(st), CV_OK);
		put(CV_COLL_SESSIONS, "{'session_id':'s1','updated_at':'u'}");
		put(CV_COLL_SESSIONS, "{'session_id':'s0','updated_at':'v'}");
		/* Reads inside see the writes. */
		cr_assert_eq(cv_store_get(st, CV_COLL_SESSIONS, "s1", &out),
		    CV_OK);
		json_object_put(out);
		cr_assert_str_eq(ids(CV_COLL_SESSIONS, NULL, 0, SIZE_MAX, 0,
		    NULL), "s0,s1", "%s", kinds[be]);
		cv_store_rollback(st);
		cr_assert_eq(cv_store_get(st, CV_COLL_SESSIONS, "s1", &out),
		    CV_ENOENT, "%s: rollback kept a write", kinds[be]);
		cr_assert_str_eq(ids(CV_COLL_SESSIONS, NULL, 0, SIZE_MAX, 0,
		    NULL), "s0");
		cr_assert_eq(count(CV_COLL_SESSIONS, (struct cv_filter[]){
		    { "session_id", "s0" } }, 1), 1);

		cr_assert_eq(cv_store_begin(st), CV_OK);
		put(CV_COLL_SESSIONS, "{'session_id':'s2','updated_at':'w'}");
		put(CV_COLL_DECISIONS, "{'decision_id':'d2','session_id':"
		    "'s2'}");
		cr_assert_eq(cv_store_commit(st), CV_OK);
		open_store(be, &cv_store_activity);
		cr_assert_str_eq(ids(CV_COLL_SESSIONS, NULL, 0, SIZE_MAX, 0,
		    NULL), "s2,s0", "%s", kinds[be]);
		cr_assert_eq(count(CV_COLL_DECISIONS, NULL, 0), 1);

		/* Misuse is reported, and leaves the store usable. */
		cr_assert_eq(cv_store_commit(st), CV_EINTERNAL);
		cv_store_rollback(st);
		cr_assert_eq(cv_store_begin(st), CV_OK);
		cr_assert_eq(cv_store_begin(st), CV_EINTERNAL);
		cr_assert_eq(cv_store_commit(st), CV_OK);
		/* Closing with an open transaction rolls it back. */
		cr_assert_eq(cv_store_begin(st), CV_OK);
		put(CV_COLL_SESSIONS, "{'session_id':'s9'}");
		open_store(be, &cv_store_activity);
		cr_assert_eq(count(CV_COLL_SESSIONS, NULL, 0), 2, "%s",
		    kinds[be]);
		put(CV_COLL_SESSIONS, "{'session_id':'s9'}");
		cr_assert_eq(count(CV_COLL_SESSIONS, NULL, 0), 3);
	}
}

Test(store, reopen_persists)
{
	const char	*a;
	char		*first;

	BOTH(be) {
		open_store(be, &cv_store_activity);
		seed_decisions();
		put(CV_COLL_SESSIONS, "{'session_id':'s1','state':'open'}");
		a = ids(CV_COLL_DECISIONS, NULL, 0, SIZE_MAX, 0, NULL);
		first = strdup(a);
		open_store(be, &cv_store_activity);
		cr_assert_str_eq(ids(CV_COLL_DECISIONS, NULL, 0, SIZE_MAX, 0,
		    NULL), first, "%s", kinds[be]);
		cr_assert_eq(count(CV_COLL_SESSIONS, (struct cv_filter[]){
		    { "state", "open" } }, 1), 1);
		free(first);
	}
}

/* Two handles in one process: each sees the other's writes. */
Test(store, two_handles)
{
	struct cv_store		*other = NULL;
	struct json_object	*o, *out;

	BOTH(be) {
		open_store(be, &cv_store_activity);
		cr_assert_eq(cv_store_open_path(&cv_store_activity, be,
		    path_of(be), &other), CV_OK);
		put(CV_COLL_DECISIONS, "{'decision_id':'d1'}");
		cr_assert_eq(cv_store_get(other, CV_COLL_DECISIONS, "d1",
		    &out), CV_OK, "%s", kinds[be]);
		json_object_put(out);
		o = J("{'decision_id':'d2'}");
		cr_assert_eq(cv_store_put(other, CV_COLL_DECISIONS, o), CV_OK);
		json_object_put(o);
		cr_assert_str_eq(ids(CV_COLL_DECISIONS, NULL, 0, SIZE_MAX, 0,
		    NULL), "d2,d1", "%s", kinds[be]);
		cv_store_close(other);
		other = NULL;
	}
}

Test(store, json_file_format)
{
	struct json_object	*doc, *arr, *rec;
	const char		*prev;
	char			*text;
	size_t			 len;

	open_store(0, &cv_store_activity);
	put(CV_COLL_DECISIONS, "{'zeta':1,'decision_id':'d1','alpha':"
	    "{'z':1,'a':2},'path':'a/b','timestamp':'t1'}");
	put(CV_COLL_DECISIONS, "{'decision_id':'d2','timestamp':'t2'}");
	text = slurp(path_of(0), &len);
	cr_assert_not_null(text);
	cr_assert(len > 2 && text[len - 1] == '\n' && text[len - 2] == '}',
	    "no trailing newline");
	cr_assert_eq(strncmp(text, "{\n  \"decisions\": [\n    {\n", 25), 0,
	    "not two-space indented: %.40s", text);
	cr_assert_not_null(strstr(text, "\"a/b\""), "slash escaped");
	doc = json_tokener_parse(text);
	cr_assert_not_null(doc);
	cr_assert(json_object_object_get_ex(doc, "sessions", &arr));
	cr_assert_eq(json_object_array_length(arr), 0);
	cr_assert(json_object_object_get_ex(doc, "decisions", &arr));
	cr_assert_eq(json_object_array_length(arr), 2);
	rec = json_object_array_get_idx(arr, 1);
	prev = "";
	json_object_object_foreach(rec, k, v) {
		(void)v;
		cr_assert_gt(strcmp(k, prev), 0, "keys not sorted: %s", k);
		prev = k;
	}
	prev = "";
	json_object_object_foreach(doc, k2, v2) {
		(void)v2;
		cr_assert_gt(strcmp(k2, prev), 0, "keys not sorted: %s", k2);
		prev = k2;
	}
	json_object_put(doc);
	free(text);
}

Test(store, json_missing_and_empty)
{
	struct stat	 sb;

	open_store(0, &cv_store_activity);
	cr_assert_eq(count(CV_COLL_DECISIONS, NULL, 0), 0);
	cr_assert_neq(stat(path_of(0), &sb), 0);
	cv_store_close(st);
	st = NULL;
	spew(path_of(0), "");
	open_store(0, &cv_store_activity);
	cr_assert_eq(count(CV_COLL_DECISIONS, NULL, 0), 0);
	put(CV_COLL_DECISIONS, "{'decision_id':'d1'}");
	cr_assert_eq(count(CV_COLL_DECISIONS, NULL, 0), 1);
	/* The file removed behind our back: empty again. */
	cr_assert_eq(unlink(path_of(0)), 0);
	cr_assert_eq(count(CV_COLL_DECISIONS, NULL, 0), 0);
}

Test(store, json_other_members_kept)
{
	struct json_object	*doc, *v;
	char			*text;

	open_store(0, &cv_store_activity);
	cv_store_close(st);
	st = NULL;
	spew(path_of(0), "{\"version\": 2, \"decisions\": [{\"decision_id\":"
	    " \"d0\", \"z\": 1, \"a\": 2}], \"x_note\": {\"k\": [1]}}");
	open_store(0, &cv_store_activity);
	put(CV_COLL_DECISIONS, "{'decision_id':'d1'}");
	text = slurp(path_of(0), NULL);
	doc = json_tokener_parse(text);
	cr_assert_not_null(doc);
	cr_assert(json_object_object_get_ex(doc, "version", &v));
	cr_assert_eq(json_object_get_int(v), 2);
	cr_assert(json_object_object_get_ex(doc, "x_note", &v));
	cr_assert(json_object_object_get_ex(doc, "sessions", &v));
	cr_assert_eq(count(CV_COLL_DECISIONS, NULL, 0), 2);
	json_object_put(doc);
	free(text);
}

Test(store, json_repeated_id)
{
	struct json_object	*out, *v;

	open_store(0, &cv_store_activity);
	cv_store_close(st);
	st = NULL;
	spew(path_of(0), "{\"decisions\": [{\"decision_id\": \"d1\", \"n\": 1},"
	    " {\"decision_id\": \"d2\"}, {\"decision_id\": \"d1\", \"n\": 2}]}");
	open_store(0, &cv_store_activity);
	cr_assert_eq(count(CV_COLL_DECISIONS, NULL, 0), 2);
	cr_assert_eq(cv_store_get(st, CV_COLL_DECISIONS, "d1", &out), CV_OK);
	cr_assert(json_object_object_get_ex(out, "n", &v));
	cr_assert_eq(json_object_get_int(v), 2, "the last one wins");
	json_object_put(out);
}

static void
check_corrupt(const char *text)
{
	struct json_object	*out = NULL, *items = NULL;
	char			*after;
	size_t			 n;

	cv_store_close(st);
	st = NULL;
	spew(path_of(0), text);
	cr_assert_eq(cv_store_open_path(&cv_store_activity, 0, path_of(0),
	    &st), CV_EIO, "accepted %s", text);
	cr_assert_null(st);

	/* Corrupted while open: every call fails, nothing is written. */
	spew(path_of(0), "{}");
	open_store(0, &cv_store_activity);
	spew(path_of(0), text);
	cr_assert_eq(put_rc(CV_COLL_DECISIONS, "{'decision_id':'d1'}"),
	    CV_EIO);
	cr_assert_eq(cv_store_get(st, CV_COLL_DECISIONS, "d1", &out), CV_EIO);
	cr_assert_eq(cv_store_list(st, CV_COLL_DECISIONS, NULL, 0, SIZE_MAX, 0,
	    &items, &n), CV_EIO);
	cr_assert_null(items);
	cr_assert_eq(cv_store_begin(st), CV_EIO);
	after = slurp(path_of(0), NULL);
	cr_assert_str_eq(after, text, "the corrupt file was changed");
	free(after);
	/* Repaired: back to work. */
	spew(path_of(0), "{\"decisions\": []}");
	put(CV_COLL_DECISIONS, "{'decision_id':'d1'}");
	cr_assert_eq(count(CV_COLL_DECISIONS, NULL, 0), 1);
}

Test(store, json_corrupt)
{
	open_store(0, &cv_store_activity);
	check_corrupt("{\"decisions\": [");
	check_corrupt("not json at all\n");
	check_corrupt("[]\n");
	check_corrupt("{\"decisions\": {}}");
	check_corrupt("{\"decisions\": [{\"no_id\": 1}]}");
	check_corrupt("{\"decisions\": [\"d1\"]}");
	check_corrupt("{\"decisions\": [{\"decision_id\": 1}]}");
	check_corrupt("{\"decisions\": []} trailing");
	check_corrupt("\n");
}

Test(store, json_too_large)
{
	struct stat	 sb;
	int		 fd;

	open_store(0, &cv_store_activity);
	cv_store_close(st);
	st = NULL;
	fd = open(path_of(0), O_WRONLY | O_CREAT | O_TRUNC, 0600);
	cr_assert_neq(fd, -1);
	cr_assert_eq(ftruncate(fd, CV_STORE_FILE_MAX + 1), 0);
	close(fd);
	cr_assert_eq(cv_store_open_path(&cv_store_activity, 0, path_of(0),
	    &st), CV_EIO);
	cr_assert_eq(stat(path_of(0), &sb), 0);
	cr_assert_eq(sb.st_size, CV_STORE_FILE_MAX + 1);
}

Test(store, json_symlink_refused)
{
	char	 target[1300];

	open_store(0, &cv_store_activity);
	put(CV_COLL_DECISIONS, "{'decision_id':'d1'}");
	cv_store_close(st);
	st = NULL;
	snprintf(target, sizeof(target), "%s.real", path_of(0));
	cr_assert_eq(rename(path_of(0), target), 0);
	cr_assert_eq(symlink(target, path_of(0)), 0);
	cr_assert_eq(cv_store_open_path(&cv_store_activity, 0, path_of(0),
	    &st), CV_EIO);
}

Test(store, sqlite_corrupt)
{
	const char	*junk = "this is not an SQLite database, only text "
			    "that is long enough to have a header\n";
	char		*after;

	open_store(1, &cv_store_activity);
	cv_store_close(st);
	st = NULL;
	unlink(path_of(1));
	spew(path_of(1), junk);
	cr_assert_eq(cv_store_open_path(&cv_store_activity, 1, path_of(1),
	    &st), CV_EIO);
	cr_assert_null(st);
	after = slurp(path_of(1), NULL);
	cr_assert_str_eq(after, junk);
	free(after);
}

Test(store, sqlite_schema)
{
	sqlite3		*db;
	sqlite3_stmt	*q;
	const char	*plan;
	int		 n = 0, temp = 0, idx = 0;

	open_store(1, &cv_store_activity);
	put(CV_COLL_DECISIONS, "{'decision_id':'d1','timestamp':'t',"
	    "'repository':{'b':1,'a':2},'z':null,'decision':'allow'}");
	cr_assert_eq(sqlite3_open_v2(path_of(1), &db, SQLITE_OPEN_READONLY,
	    NULL), SQLITE_OK);
	cr_assert_eq(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &q,
	    NULL), SQLITE_OK);
	cr_assert_eq(sqlite3_step(q), SQLITE_ROW);
	cr_assert_str_eq((const char *)sqlite3_column_text(q, 0), "wal");
	sqlite3_finalize(q);

	cr_assert_eq(sqlite3_prepare_v2(db, "SELECT repository, decision, "
	    "timestamp, action_type, payload FROM activity_decisions", -1, &q,
	    NULL),
	    SQLITE_OK);
	cr_assert_eq(sqlite3_step(q), SQLITE_ROW);
	cr_assert_str_eq((const char *)sqlite3_column_text(q, 0),
	    "{\"a\":2,\"b\":1}");
	cr_assert_str_eq((const char *)sqlite3_column_text(q, 1), "allow");
	cr_assert_str_eq((const char *)sqlite3_column_text(q, 2), "t");
	cr_assert_eq(sqlite3_column_type(q, 3), SQLITE_NULL);
	cr_assert_str_eq((const char *)sqlite3_column_text(q, 4),
	    "{\"decision\":\"allow\",\"decision_id\":\"d1\",\"repository\":"
	    "{\"a\":2,\"b\":1},\"timestamp\":\"t\",\"z\":null}");
	sqlite3_finalize(q);

	cr_assert_eq(sqlite3_prepare_v2(db, "SELECT count(*) FROM "
	    "sqlite_schema WHERE type = 'index' AND name IN "
	    "('activity_decisions_by_session_id', "
	    "'activity_decisions_by_action_type', 'activity_decisions_order', "
	    "'activity_sessions_by_state', 'activity_sessions_order')", -1,
	    &q, NULL), SQLITE_OK);
	cr_assert_eq(sqlite3_step(q), SQLITE_ROW);
	cr_assert_eq(sqlite3_column_int(q, 0), 5);
	sqlite3_finalize(q);

	/* A filtered page is read from an index in order, not sorted. */
	cr_assert_eq(sqlite3_prepare_v2(db, "EXPLAIN QUERY PLAN SELECT "
	    "payload FROM activity_decisions WHERE repository IS ?1 "
	    "ORDER BY timestamp DESC, decision_id DESC LIMIT 10", -1, &q,
	    NULL), SQLITE_OK);
	while (sqlite3_step(q) == SQLITE_ROW) {
		plan = (const char *)sqlite3_column_text(q, 3);
		n++;
		if (strstr(plan, "TEMP B-TREE") != NULL)
			temp = 1;
		if (strstr(plan, "activity_decisions_by_repository") != NULL)
			idx = 1;
	}
	cr_assert(n > 0 && idx && !temp);
	sqlite3_finalize(q);
	sqlite3_close(db);
}

/*
 * SQLite stores a record as the text json-c prints for its sorted copy
 * (cv_json_sorted_new()), byte for byte, and keys each column by the
 * copy's field, on insert and on update.
 */
Test(store, sqlite_payload_is_the_sorted_copy)
{
	static const char *const recs[] = {
		"{\"decision_id\":\"d1\",\"timestamp\":\"t1\",\"repository\":"
		    "{\"b\":[{\"y\":1,\"x\":2.50}],\"a\":\"\\u00e9/\\n\"},"
		    "\"z\":[1e3,-0.0,18446744073709551615,-9223372036854775808,"
		    "true,false,null,{},[]],\"a\":\"\\\"\\\\\\u0000\\u001f\\u007f"
		    "\xf0\x9f\x98\x80\",\"severity\":0.1}",
		/* The same id: an update, with columns that change. */
		"{\"severity\":3,\"repository\":[{\"k\":null,\"c\":1}],"
		    "\"decision_id\":\"d1\",\"session_id\":\"s\","
		    "\"\\u00e9\":{\"\\u00e8\":1,\"e\":2}}",
		/* No order field: its column is "". */
		"{\"decision_id\":\"d2\",\"decision\":false,\"agent_id\":12}",
	};
	static const char *const cols[] = {
		"repository", "session_id", "decision", "agent_id", "timestamp",
	};
	struct json_object	*o, *c, *v;
	sqlite3			*db;
	sqlite3_stmt		*q;
	const char		*want, *id, *got, *k;
	size_t			 i, j, wlen;

	open_store(1, &cv_store_activity);
	cr_assert_eq(sqlite3_open_v2(path_of(1), &db, SQLITE_OPEN_READONLY,
	    NULL), SQLITE_OK);
	cr_assert_eq(sqlite3_prepare_v2(db, "SELECT payload, repository, "
	    "session_id, decision, agent_id, timestamp FROM "
	    "activity_decisions WHERE decision_id = ?1", -1, &q, NULL),
	    SQLITE_OK);
	for (i = 0; i < sizeof(recs) / sizeof(recs[0]); i++) {
		o = json_tokener_parse(recs[i]);
		cr_assert_not_null(o, "bad test JSON %s", recs[i]);
		cr_assert_eq(cv_store_put(st, CV_COLL_DECISIONS, o), CV_OK);
		c = cv_json_sorted_new(o);
		want = json_object_to_json_string_length(c,
		    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE,
		    &wlen);
		id = json_object_get_string(json_object_object_get(o,
		    "decision_id"));
		sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
		cr_assert_eq(sqlite3_step(q), SQLITE_ROW);
		cr_assert_eq((size_t)sqlite3_column_bytes(q, 0), wlen,
		    "%zu: %s\nwant %s", i, sqlite3_column_text(q, 0), want);
		cr_assert(memcmp(sqlite3_column_text(q, 0), want, wlen) == 0,
		    "%zu: %s\nwant %s", i, sqlite3_column_text(q, 0), want);
		for (j = 0; j < sizeof(cols) / sizeof(cols[0]); j++) {
			v = NULL;
			json_object_object_get_ex(c, cols[j], &v);
			k = cv_json_key(&arena, v);
			if (k == NULL && strcmp(cols[j], "timestamp") == 0)
				k = "";
			got = (const char *)sqlite3_column_text(q, (int)j + 1);
			cr_assert((k == NULL && got == NULL) || (k != NULL &&
			    got != NULL && strcmp(k, got) == 0),
			    "%zu: %s is %s, want %s", i, cols[j],
			    got ? got : "NULL", k ? k : "NULL");
		}
		sqlite3_reset(q);
		json_object_put(c);
		json_object_put(o);
	}
	sqlite3_finalize(q);
	sqlite3_close(db);
}

/*
 * A stored payload that is not JSON fails its read with CV_EIO; reads of
 * good payloads after it (the connection keeps its parser) still work.
 */
Test(store, sqlite_bad_payload_then_good)
{
	static const char *const bad[] = {
		"{\"decision_id\":\"bad\",\"x\":\"\\ud83d",	/* cut */
		"{\"decision_id\":\"bad\",\"x\":[1,2",
		"{\"decision_id\":\"bad\"} trailing",
	};
	struct json_object	*out;
	sqlite3			*db;
	sqlite3_stmt		*q;
	size_t			 i;

	open_store(1, &cv_store_activity);
	put(CV_COLL_DECISIONS, "{'decision_id':'good','timestamp':'t',"
	    "'x':'\\u00e9\\ud83d\\ude00'}");
	put(CV_COLL_DECISIONS, "{'decision_id':'bad','timestamp':'t'}");
	cr_assert_eq(sqlite3_open_v2(path_of(1), &db, SQLITE_OPEN_READWRITE,
	    NULL), SQLITE_OK);
	cr_assert_eq(sqlite3_prepare_v2(db, "UPDATE activity_decisions SET "
	    "payload = ?1 WHERE decision_id = 'bad'", -1, &q, NULL),
	    SQLITE_OK);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		sqlite3_bind_text(q, 1, bad[i], -1, SQLITE_STATIC);
		cr_assert_eq(sqlite3_step(q), SQLITE_DONE);
		sqlite3_reset(q);
		cr_assert_eq(cv_store_get(st, CV_COLL_DECISIONS, "bad", &out),
		    CV_EIO, "%s", bad[i]);
		cr_assert_null(out);
		cr_assert_eq(cv_store_get(st, CV_COLL_DECISIONS, "good", &out),
		    CV_OK);
		cr_assert_str_eq(json_object_to_json_string_ext(out,
		    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE),
		    "{\"decision_id\":\"good\",\"timestamp\":\"t\",\"x\":"
		    "\"\xc3\xa9\xf0\x9f\x98\x80\"}");
		json_object_put(out);
	}
	sqlite3_finalize(q);
	sqlite3_close(db);
}

Test(store, sqlite_adds_missing_columns)
{
	sqlite3		*db;

	open_store(1, &cv_store_activity);
	cv_store_close(st);
	st = NULL;
	unlink(path_of(1));
	cr_assert_eq(sqlite3_open(path_of(1), &db), SQLITE_OK);
	cr_assert_eq(sqlite3_exec(db, "CREATE TABLE activity_sessions ("
	    "session_id TEXT PRIMARY KEY, state TEXT, payload TEXT NOT NULL);"
	    "INSERT INTO activity_sessions VALUES ('s1', 'open', "
	    "'{\"session_id\":\"s1\",\"state\":\"open\",\"agent_id\":\"bob\","
	    "\"updated_at\":\"u1\"}');"
	    "INSERT INTO activity_sessions VALUES ('s2', 'open', "
	    "'{\"session_id\":\"s2\",\"state\":\"open\",\"agent_id\":\"amy\","
	    "\"updated_at\":\"u2\"}');", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	open_store(1, &cv_store_activity);
	cr_assert_str_eq(ids(CV_COLL_SESSIONS, (struct cv_filter[]){
	    { "agent_id", "bob" } }, 1, SIZE_MAX, 0, NULL), "s1");
	cr_assert_str_eq(ids(CV_COLL_SESSIONS, NULL, 0, SIZE_MAX, 0, NULL),
	    "s2,s1");
	/* And the second open finds nothing to do. */
	open_store(1, &cv_store_activity);
	cr_assert_eq(count(CV_COLL_SESSIONS, (struct cv_filter[]){
	    { "agent_id", "amy" } }, 1), 1);
}

/* A store used in a process forked after it was opened refuses. */
Test(store, fork_guard)
{
	struct json_object	*out;
	size_t			 n;
	pid_t			 pid;
	int			 status;

	BOTH(be) {
		open_store(be, &cv_store_activity);
		put(CV_COLL_DECISIONS, "{'decision_id':'d1'}");
		fflush(NULL);
		if ((pid = fork()) == 0) {
			status = cv_store_count(st, CV_COLL_DECISIONS, NULL, 0,
			    &n) == CV_EINTERNAL ? 0 : 1;
			cv_store_close(st);
			_exit(status);
		}
		cr_assert_gt(pid, 0);
		cr_assert_eq(waitpid(pid, &status, 0), pid);
		cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		    "%s: child used the parent's store", kinds[be]);
		put(CV_COLL_DECISIONS, "{'decision_id':'d2'}");
		cr_assert_eq(cv_store_get(st, CV_COLL_DECISIONS, "d1", &out),
		    CV_OK);
		json_object_put(out);
	}
}

/*
 * In a child: opens the store and checks what it sees.  Exit status 0
 * when the count of decisions is want and d_new is present iff want_new.
 */
static int
child_sees(int be, size_t want, int want_new)
{
	struct cv_store		*s;
	struct json_object	*out = NULL;
	size_t			 n = 0;
	enum cv_err		 rc;
	int			 ret = 0;

	if (cv_store_open_path(&cv_store_activity, be, path_of(be), &s) !=
	    CV_OK)
		return 2;
	if (cv_store_count(s, CV_COLL_DECISIONS, NULL, 0, &n) != CV_OK ||
	    n != want)
		ret = 3;
	rc = cv_store_get(s, CV_COLL_DECISIONS, "d_new", &out);
	if (rc != (want_new ? CV_OK : CV_ENOENT))
		ret = 4;
	json_object_put(out);
	cv_store_close(s);
	return ret;
}

static int
run_child(int be, size_t want, int want_new)
{
	pid_t	 pid;
	int	 status;

	fflush(NULL);
	if ((pid = fork()) == 0)
		_exit(child_sees(be, want, want_new));
	cr_assert_gt(pid, 0);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 99;
}

/* Other processes see a transaction's writes only after commit. */
Test(store, transaction_isolation)
{
	BOTH(be) {
		open_store(be, &cv_store_activity);
		put(CV_COLL_DECISIONS, "{'decision_id':'d_old'}");
		cr_assert_eq(cv_store_begin(st), CV_OK);
		put(CV_COLL_DECISIONS, "{'decision_id':'d_new'}");
		cr_assert_eq(run_child(be, 1, 0), 0, "%s: saw uncommitted",
		    kinds[be]);
		cr_assert_eq(cv_store_commit(st), CV_OK);
		cr_assert_eq(run_child(be, 2, 1), 0, "%s: missed committed",
		    kinds[be]);
	}
}

/* A writer blocked past CV_STORE_BUSY_MS gets CV_EBUSY, then recovers. */
Test(store, busy)
{
	struct cv_store		*s;
	struct json_object	*o;
	pid_t			 pid;
	int			 status, ret;

	BOTH(be) {
		open_store(be, &cv_store_activity);
		cr_assert_eq(cv_store_begin(st), CV_OK);
		fflush(NULL);
		if ((pid = fork()) == 0) {
			if (cv_store_open_path(&cv_store_activity, be,
			    path_of(be), &s) != CV_OK)
				_exit(2);
			o = json_tokener_parse("{\"decision_id\":\"d1\"}");
			ret = cv_store_put(s, CV_COLL_DECISIONS, o) ==
			    CV_EBUSY ? 0 : 3;
			json_object_put(o);
			cv_store_close(s);
			_exit(ret);
		}
		cr_assert_eq(waitpid(pid, &status, 0), pid);
		cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		    "%s: status %d", kinds[be], WEXITSTATUS(status));
		cr_assert_eq(cv_store_commit(st), CV_OK);
		put(CV_COLL_DECISIONS, "{'decision_id':'d2'}");
	}
}

/*
 * One of the concurrent writers: NPERPROC decisions, every TXN_EVERY-th
 * in a transaction that also increments the shared counter session.
 * Returns an exit status, 0 when all went well.
 */
static int
writer(int be, int me)
{
	struct cv_store		*s;
	struct json_object	*o, *ctr, *v;
	char			 id[64], ts[64];
	int64_t			 n;
	enum cv_err		 rc;
	int			 i, tries;

	if (cv_store_open_path(&cv_store_activity, be, path_of(be), &s) !=
	    CV_OK)
		return 10;
	for (i = 0; i < NPERPROC; i++) {
		snprintf(id, sizeof(id), "p%d-%03d", me, i);
		snprintf(ts, sizeof(ts), "2024-01-01T00:%02d:%02d", i / 60,
		    i % 60);
		o = json_object_new_object();
		json_object_object_add(o, "decision_id",
		    json_object_new_string(id));
		json_object_object_add(o, "timestamp",
		    json_object_new_string(ts));
		json_object_object_add(o, "session_id",
		    json_object_new_string(me % 2 ? "odd" : "even"));
		/* Busy past CV_STORE_BUSY_MS is a right answer under this
		 * contention (a loaded machine, a sanitizer build): a busy
		 * put or begin stored nothing, and is asked again.  What is
		 * checked is that no update is lost. */
		tries = 0;
		if (i % TXN_EVERY != 0) {
			while ((rc = cv_store_put(s, CV_COLL_DECISIONS, o)) ==
			    CV_EBUSY && ++tries < 5)
				;
			json_object_put(o);
			if (rc != CV_OK)
				return 11;
			continue;
		}
		while ((rc = cv_store_begin(s)) == CV_EBUSY && ++tries < 5)
			;
		if (rc != CV_OK)
			return 12;
		ctr = NULL;
		rc = cv_store_get(s, CV_COLL_SESSIONS, "counter", &ctr);
		if (rc == CV_ENOENT) {
			ctr = json_object_new_object();
			json_object_object_add(ctr, "session_id",
			    json_object_new_string("counter"));
			n = 0;
		} else if (rc == CV_OK &&
		    json_object_object_get_ex(ctr, "n", &v))
			n = json_object_get_int64(v);
		else
			return 13;
		json_object_object_add(ctr, "n", json_object_new_int64(n + 1));
		if (cv_store_put(s, CV_COLL_SESSIONS, ctr) != CV_OK ||
		    cv_store_put(s, CV_COLL_DECISIONS, o) != CV_OK)
			return 14;
		json_object_put(ctr);
		json_object_put(o);
		if (cv_store_commit(s) != CV_OK)
			return 15;
	}
	cv_store_close(s);
	return 0;
}

Test(store, many_processes)
{
	struct json_object	*out, *v;
	pid_t			 pid[NPROCS];
	char			 id[64];
	int			 i, j, status;

	BOTH(be) {
		/* The writers also race to create the file and schema. */
		fflush(NULL);
		for (i = 0; i < NPROCS; i++) {
			if ((pid[i] = fork()) == 0)
				_exit(writer(be, i));
			cr_assert_gt(pid[i], 0);
		}
		for (i = 0; i < NPROCS; i++) {
			cr_assert_eq(waitpid(pid[i], &status, 0), pid[i]);
			cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0,
			    "%s: writer %d failed with %d", kinds[be], i,
			    WEXITSTATUS(status));
		}
		open_store(be, &cv_store_activity);
		cr_assert_eq(count(CV_COLL_DECISIONS, NULL, 0),
		    NPROCS * NPERPROC, "%s: lost writes", kinds[be]);
		for (i = 0; i < NPROCS; i++)
			for (j = 0; j < NPERPROC; j++) {
				snprintf(id, sizeof(id), "p%d-%03d", i, j);
				cr_assert_eq(cv_store_get(st,
				    CV_COLL_DECISIONS, id, &out), CV_OK,
				    "%s: %s lost", kinds[be], id);
				json_object_put(out);
			}
		cr_assert_eq(count(CV_COLL_DECISIONS, (struct cv_filter[]){
		    { "session_id", "odd" } }, 1), NPROCS / 2 * NPERPROC);
		cr_assert_eq(cv_store_get(st, CV_COLL_SESSIONS, "counter",
		    &out), CV_OK);
		cr_assert(json_object_object_get_ex(out, "n", &v));
		cr_assert_eq(json_object_get_int64(v),
		    NPROCS * ((NPERPROC + TXN_EVERY - 1) / TXN_EVERY),
		    "%s: lost increments", kinds[be]);
		json_object_put(out);
	}
}

/* Workers starting together all open a store that does not exist yet. */
Test(store, concurrent_first_open)
{
	struct cv_store		*s;
	struct json_object	*o;
	pid_t			 pid;
	char			 path[1300], id[32];
	size_t			 n;
	int			 round, i, status, ret;

	BOTH(be) {
		for (round = 0; round < 5; round++) {
			snprintf(path, sizeof(path), "%s/race%d/%d/store",
			    tmpdir, be, round);
			if (be == CV_STORE_PG) {
				char	 tag[16];

				snprintf(tag, sizeof(tag), "race%d", round);
				snprintf(path, sizeof(path), "%s",
				    pg_path(tag));
			}
			fflush(NULL);
			for (i = 0; i < 8; i++) {
				if ((pid = fork()) != 0) {
					cr_assert_gt(pid, 0);
					continue;
				}
				if (cv_store_open_path(&cv_store_activity, be,
				    path, &s) != CV_OK)
					_exit(1);
				snprintf(id, sizeof(id), "d%d", i);
				o = json_object_new_object();
				json_object_object_add(o, "decision_id",
				    json_object_new_string(id));
				ret = cv_store_put(s, CV_COLL_DECISIONS, o) ==
				    CV_OK ? 0 : 2;
				json_object_put(o);
				cv_store_close(s);
				_exit(ret);
			}
			while ((pid = wait(&status)) > 0)
				cr_assert(WIFEXITED(status) &&
				    WEXITSTATUS(status) == 0, "%s: status %d",
				    kinds[be], WEXITSTATUS(status));
			cr_assert_eq(cv_store_open_path(&cv_store_activity, be,
			    path, &s), CV_OK);
			cr_assert_eq(cv_store_count(s, CV_COLL_DECISIONS, NULL,
			    0, &n), CV_OK);
			cv_store_close(s);
			cr_assert_eq(n, 8, "%s: lost writes", kinds[be]);
		}
	}
}

/* A larger store: lookups by id and filtered pages stay right. */
Test(store, many_records)
{
	struct json_object	*o, *out;
	char			 id[32], ts[32];
	size_t			 total, i, n = 20000;

	BOTH(be) {
		open_store(be, &cv_store_activity);
		cr_assert_eq(cv_store_begin(st), CV_OK);
		for (i = 0; i < n; i++) {
			snprintf(id, sizeof(id), "d%06zu", i);
			snprintf(ts, sizeof(ts), "t%06zu", i / 3);
			o = json_object_new_object();
			json_object_object_add(o, "decision_id",
			    json_object_new_string(id));
			json_object_object_add(o, "timestamp",
			    json_object_new_string(ts));
			json_object_object_add(o, "repository",
			    json_object_new_string(i % 10 ? "common" : "rare"));
			cr_assert_eq(cv_store_put(st, CV_COLL_DECISIONS, o),
			    CV_OK);
			json_object_put(o);
		}
		cr_assert_eq(cv_store_commit(st), CV_OK);
		open_store(be, &cv_store_activity);
		put(CV_COLL_DECISIONS, "{'decision_id':'d000005',"
		    "'timestamp':'zz','repository':'rare'}");
		cr_assert_eq(cv_store_get(st, CV_COLL_DECISIONS, "d012345",
		    &out), CV_OK);
		json_object_put(out);
		cr_assert_str_eq(ids(CV_COLL_DECISIONS, (struct cv_filter[]){
		    { "repository", "rare" } }, 1, 3, 0, &total),
		    "d000005,d019990,d019980", "%s", kinds[be]);
		cr_assert_eq(total, n / 10 + 1);
		cr_assert_str_eq(ids(CV_COLL_DECISIONS, NULL, 0, 4, 1, &total),
		    "d019999,d019998,d019997,d019996", "%s", kinds[be]);
		cr_assert_eq(total, n);
	}
}

/* The same calls give byte-identical answers from both backends. */
Test(store, backends_agree)
{
	static const char *const recs[] = {
		"{'decision_id':'a','timestamp':'2024-05-01T10:00:00+00:00',"
		    "'repository':'org/one','decision':'allow','severity':1.5}",
		"{'decision_id':'b','timestamp':'2024-05-01T10:00:00+00:00',"
		    "'repository':'org/two','decision':'block','policy_pack':"
		    "'strict','x':{'z':[3,2,1],'a':'ü'}}",
		"{'decision_id':'c','repository':'org/one','decision':"
		    "'require_approval','action_type':null}",
		"{'decision_id':'d','timestamp':'2024-04-30T23:59:59.5+00:00',"
		    "'repository':{'name':'org/one'},'decision':'allow',"
		    "'severity':2,'big':123456789012345}",
		"{'decision_id':'e','timestamp':'','decision':'block',"
		    "'agent_id':'codex','severity':false}",
		"{'decision_id':'a','timestamp':'2024-05-02T00:00:00+00:00',"
		    "'repository':'org/two','decision':'allow','v':2}",
	};
	static const struct cv_filter fs[][2] = {
		{ { NULL, NULL } },
		{ { "repository", "org/one" } },
		{ { "repository", "org/two" }, { "decision", "allow" } },
		{ { "decision", "block" } },
		{ { "severity", "2" } },
		{ { "severity", "false" } },
		{ { "action_type", NULL } },
	};
	static const size_t nfs[] = { 0, 1, 2, 1, 1, 1, 1 };
	static const size_t pages[][2] = { { SIZE_MAX, 0 }, { 2, 0 }, { 2, 1 },
	    { 1, 3 }, { 10, 10 } };
	char			*out[3][64];
	struct json_object	*items;
	size_t			 i, j, k = 0, total;

	BOTH(be) {
		open_store(be, &cv_store_activity);
		for (i = 0; i < sizeof(recs) / sizeof(recs[0]); i++)
			put(CV_COLL_DECISIONS, recs[i]);
		k = 0;
		for (i = 0; i < sizeof(nfs) / sizeof(nfs[0]); i++)
			for (j = 0; j < sizeof(pages) / sizeof(pages[0]); j++) {
				cr_assert_eq(cv_store_list(st,
				    CV_COLL_DECISIONS, fs[i], nfs[i],
				    pages[j][0], pages[j][1], &items, &total),
				    CV_OK);
				cr_assert_lt(k, 64);
				if (asprintf(&out[be][k++], "%zu %s", total,
				    json_object_to_json_string_ext(items,
				    JSON_C_TO_STRING_PLAIN)) == -1)
					cr_assert_fail("asprintf");
				json_object_put(items);
			}
	}
	for (i = 0; i < k; i++) {
		BOTH(be) {
			cr_assert_str_eq(out[0][i], out[be][i],
			    "query %zu differs (%s)", i, kinds[be]);
		}
		BOTH(be)
			free(out[be][i]);
	}
}

/* Stores decision number i ("d%08zu", timestamp "t%08zu") of session
 * sid (NULL: none) with cv_store_put(). */
static void
put_numbered(size_t i, const char *sid)
{
	struct json_object	*o;
	char			 id[32], ts[32];

	snprintf(id, sizeof(id), "d%08zu", i);
	snprintf(ts, sizeof(ts), "t%08zu", i);
	o = json_object_new_object();
	json_object_object_add(o, "decision_id", json_object_new_string(id));
	json_object_object_add(o, "timestamp", json_object_new_string(ts));
	if (sid != NULL)
		json_object_object_add(o, "session_id",
		    json_object_new_string(sid));
	cr_assert_eq(cv_store_put(st, CV_COLL_DECISIONS, o), CV_OK);
	json_object_put(o);
}

/*
 * The SQLite stores write their WAL through the gathering VFS
 * (lib/store_vfs.c): every commit must be in the file when it returns, so
 * that a second connection (another process in production) counts it at
 * once; a transaction larger than the page cache, whose frames spill and
 * are rewritten before the commit, must come out whole.
 */
Test(store, wal_commits_are_visible_when_they_return)
{
	sqlite3			*db;
	sqlite3_stmt		*q;
	size_t			 i;

	open_store(1, &cv_store_activity);
	cr_assert_eq(sqlite3_open_v2(path_of(1), &db, SQLITE_OPEN_READONLY,
	    NULL), SQLITE_OK);
	cr_assert_eq(sqlite3_prepare_v2(db, "SELECT count(*) FROM "
	    "activity_decisions", -1, &q, NULL), SQLITE_OK);
	for (i = 0; i < 300; i++) {
		put_numbered(i, i % 2 ? "s1" : "s2");
		cr_assert_eq(sqlite3_step(q), SQLITE_ROW);
		cr_assert_eq(sqlite3_column_int64(q, 0), (sqlite3_int64)i + 1,
		    "commit %zu not visible to a second connection", i);
		sqlite3_reset(q);
	}
	/* One transaction of 30,000 records: frames spill and are
	 * rewritten, and the gathered writes exceed one real write. */
	cr_assert_eq(cv_store_begin(st), CV_OK);
	for (i = 300; i < 30300; i++)
		put_numbered(i, NULL);
	cr_assert_eq(cv_store_commit(st), CV_OK);
	cr_assert_eq(sqlite3_step(q), SQLITE_ROW);
	cr_assert_eq(sqlite3_column_int64(q, 0), 30300);
	sqlite3_finalize(q);
	cr_assert_eq(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &q,
	    NULL), SQLITE_OK);
	cr_assert_eq(sqlite3_step(q), SQLITE_ROW);
	cr_assert_str_eq((const char *)sqlite3_column_text(q, 0), "ok");
	sqlite3_finalize(q);
	sqlite3_close(db);
}

/* cv_store_insert() never replaces: a taken id is CV_ECONFLICT and the
 * stored record stays as it was, inside a transaction or not. */
Test(store, insert_does_not_replace)
{
	struct json_object	*out;

	BOTH(be) {
		open_store(be, &cv_store_activity);
		cr_assert_eq(insert_rc(
		    "{'decision_id':'d1','timestamp':'t1','decision':'allow'}"),
		    CV_OK);
		cr_assert_eq(insert_rc(
		    "{'decision_id':'d1','timestamp':'t2','decision':'block'}"),
		    CV_ECONFLICT, "%s", kinds[be]);
		cr_assert_eq(cv_store_begin(st), CV_OK);
		cr_assert_eq(insert_rc(
		    "{'decision_id':'d2','timestamp':'t3'}"), CV_OK);
		cr_assert_eq(insert_rc(
		    "{'decision_id':'d1','timestamp':'t4'}"), CV_ECONFLICT);
		cr_assert_eq(cv_store_commit(st), CV_OK);
		open_store(be, &cv_store_activity);
		cr_assert_eq(cv_store_get(st, CV_COLL_DECISIONS, "d1", &out),
		    CV_OK);
		cr_assert_str_eq(cv_json_str_or(out, "decision", ""), "allow",
		    "%s: the first record was replaced", kinds[be]);
		json_object_put(out);
		cr_assert_eq(cv_store_get(st, CV_COLL_DECISIONS, "d2", &out),
		    CV_OK);
		json_object_put(out);
		/* cv_store_put() still replaces. */
		put(CV_COLL_DECISIONS, "{'decision_id':'d1','timestamp':'t5',"
		    "'decision':'block'}");
		cr_assert_eq(cv_store_get(st, CV_COLL_DECISIONS, "d1", &out),
		    CV_OK);
		cr_assert_str_eq(cv_json_str_or(out, "decision", ""), "block");
		json_object_put(out);
	}
}

/*
 * cv_store_insert_batch() stores each record of a batch whose id is new,
 * in order, and flags the others: an id stored before, or one an earlier
 * record of the batch took.  A batch larger than one PostgreSQL statement
 * takes (each record is at least its id and payload) is stored whole,
 * and the totals count it once.
 */
Test(store, insert_batch)
{
	struct cv_filter	 f = { "decision", "block" };
	struct json_object	*recs[4], **big, *out;
	size_t			 i, n = CV_PG_BATCH_PARAMS / 2 + 1, total;
	int			 conflict[4], *bigc;
	char			 id[32];

	big = calloc(n, sizeof(*big));
	bigc = calloc(n, sizeof(*bigc));
	cr_assert(big != NULL && bigc != NULL);
	BOTH(be) {
		open_store(be, &cv_store_activity);
		put(CV_COLL_DECISIONS, "{'decision_id':'a','timestamp':'t0',"
		    "'decision':'allow'}");
		recs[0] = J("{'decision_id':'b','timestamp':'t1',"
		    "'decision':'block'}");
		recs[1] = J("{'decision_id':'a','timestamp':'t2',"
		    "'decision':'block'}");
		recs[2] = J("{'decision_id':'c','timestamp':'t3',"
		    "'decision':'block'}");
		recs[3] = J("{'decision_id':'b','timestamp':'t4',"
		    "'decision':'allow'}");
		cr_assert_eq(cv_store_begin(st), CV_OK);
		cr_assert_eq(cv_store_insert_batch(st, CV_COLL_DECISIONS, recs,
		    4, conflict), CV_OK);
		cr_assert_eq(count(CV_COLL_DECISIONS, NULL, 0), 3,
		    "%s: inside the transaction", kinds[be]);
		cr_assert_eq(cv_store_commit(st), CV_OK);
		cr_assert(conflict[0] == 0 && conflict[1] == 1 &&
		    conflict[2] == 0 && conflict[3] == 1,
		    "%s: conflicts %d %d %d %d", kinds[be], conflict[0],
		    conflict[1], conflict[2], conflict[3]);
		for (i = 0; i < 4; i++)
			json_object_put(recs[i]);
		cr_assert_str_eq(ids(CV_COLL_DECISIONS, NULL, 0, SIZE_MAX, 0,
		    &total), "c,b,a", "%s", kinds[be]);
		cr_assert_eq(total, 3);
		cr_assert_eq(cv_store_get(st, CV_COLL_DECISIONS, "a", &out),
		    CV_OK);
		cr_assert_str_eq(cv_json_str_or(out, "decision", ""), "allow",
		    "%s: a stored record was replaced", kinds[be]);
		json_object_put(out);
		cr_assert_eq(cv_store_get(st, CV_COLL_DECISIONS, "b", &out),
		    CV_OK);
		cr_assert_str_eq(cv_json_str_or(out, "timestamp", ""), "t1",
		    "%s: the later copy of b won", kinds[be]);
		json_object_put(out);

		/* Outside a transaction, more than one statement's worth. */
		for (i = 0; i < n; i++) {
			snprintf(id, sizeof(id), "big%06zu", i);
			big[i] = json_object_new_object();
			cv_json_add_str(big[i], "decision_id", id);
			cv_json_add_str(big[i], "timestamp", "t9");
			cv_json_add_str(big[i], "decision", i % 2 ? "block" :
			    "allow");
		}
		cr_assert_eq(cv_store_insert_batch(st, CV_COLL_DECISIONS, big,
		    n, bigc), CV_OK);
		for (i = 0; i < n; i++) {
			cr_assert_eq(bigc[i], 0, "%s: record %zu", kinds[be],
			    i);
			json_object_put(big[i]);
		}
		open_store(be, &cv_store_activity);
		cr_assert_eq(count(CV_COLL_DECISIONS, NULL, 0), n + 3,
		    "%s", kinds[be]);
		cr_assert_eq(count(CV_COLL_DECISIONS, &f, 1), n / 2 + 2,
		    "%s", kinds[be]);
		snprintf(id, sizeof(id), "big%06zu", n - 1);
		cr_assert_str_eq(ids(CV_COLL_DECISIONS, NULL, 0, 1, 0, &total),
		    id, "%s", kinds[be]);
		cr_assert_eq(total, n + 3);
		cr_assert_eq(cv_store_get(st, CV_COLL_DECISIONS, "big000000",
		    &out), CV_OK);
		json_object_put(out);
		/* An invalid record: nothing of the batch is written. */
		recs[0] = J("{'decision_id':'d','timestamp':'t5'}");
		recs[1] = J("{'decision_id':7}");
		cr_assert_eq(cv_store_insert_batch(st, CV_COLL_DECISIONS, recs,
		    2, conflict), CV_EINVAL);
		json_object_put(recs[0]);
		json_object_put(recs[1]);
		cr_assert_eq(cv_store_get(st, CV_COLL_DECISIONS, "d", &out),
		    CV_ENOENT, "%s", kinds[be]);
	}
	free(big);
	free(bigc);
}

/*
 * cv_decision_insert_all(): a decision whose id is stored, or taken by an
 * earlier one of the batch, is stored under a fresh id with its evidence
 * reference, not dropped and not replacing the other.
 */
Test(store, decision_insert_all_renames_taken_ids)
{
	struct json_object	*ds[3], *out;
	const char		*id;
	char			 ref[64];
	size_t			 i, total;

	BOTH(be) {
		open_store(be, &cv_store_activity);
		put(CV_COLL_DECISIONS, "{'decision_id':'dec_x','session_id':"
		    "'s','timestamp':'t0','decision':'allow'}");
		ds[0] = J("{'decision_id':'dec_x','session_id':'s','timestamp':"
		    "'t1','evidence_refs':['evidence://s/dec_x']}");
		ds[1] = J("{'decision_id':'dec_y','session_id':'s','timestamp':"
		    "'t2','evidence_refs':['evidence://s/dec_y']}");
		ds[2] = J("{'decision_id':'dec_y','session_id':'s','timestamp':"
		    "'t3','evidence_refs':['evidence://s/dec_y']}");
		cr_assert_eq(cv_decision_insert_all(st, ds, 3), CV_OK);
		cr_assert_str_eq(cv_json_str_or(ds[1], "decision_id", ""),
		    "dec_y");
		for (i = 0; i < 3; i += 2) {
			id = cv_json_str_or(ds[i], "decision_id", "");
			cr_assert(strncmp(id, "dec_", 4) == 0 &&
			    strcmp(id, "dec_x") != 0 &&
			    strcmp(id, "dec_y") != 0,
			    "%s: decision %zu kept id %s", kinds[be], i, id);
			snprintf(ref, sizeof(ref), "evidence://s/%s", id);
			cr_assert_str_eq(json_object_get_string(
			    json_object_array_get_idx(json_object_object_get(
			    ds[i], "evidence_refs"), 0)), ref);
			cr_assert_eq(cv_store_get(st, CV_COLL_DECISIONS, id,
			    &out), CV_OK);
			json_object_put(out);
		}
		(void)ids(CV_COLL_DECISIONS, NULL, 0, SIZE_MAX, 0, &total);
		cr_assert_eq(total, 4, "%s", kinds[be]);
		cr_assert_eq(cv_store_get(st, CV_COLL_DECISIONS, "dec_x", &out),
		    CV_OK);
		cr_assert_str_eq(cv_json_str_or(out, "decision", ""), "allow");
		json_object_put(out);
		for (i = 0; i < 3; i++)
			json_object_put(ds[i]);
	}
}

/* The total of decisions filtered on field = value. */
static size_t
total_of(const char *field, const char *value)
{
	struct cv_filter	 f = { field, value };

	return count(CV_COLL_DECISIONS, &f, 1);
}

/*
 * PostgreSQL: the total of a list filtered on one field's value comes
 * from cavra_value_counts, which the tables' triggers keep through
 * inserts, upserts that move values, batches and cv_store_pg_clear(),
 * inside the transaction too; a store of layout 1 gains the counts of its
 * rows when it is opened.
 */
Test(store, pg_value_counts)
{
	struct json_object	*recs[2];
	int			 conflict[2];
	char			 sql[512];

	if (nbackends() < 3)
		cr_skip_test("CAVRA_TEST_PG is not set");
	open_store(CV_STORE_PG, &cv_store_activity);
	put(CV_COLL_DECISIONS, "{'decision_id':'d1','session_id':'s1',"
	    "'decision':'block','timestamp':'1'}");
	put(CV_COLL_DECISIONS, "{'decision_id':'d2','session_id':'s1',"
	    "'decision':'allow','timestamp':'2'}");
	recs[0] = J("{'decision_id':'d3','session_id':'s2','decision':'block',"
	    "'timestamp':'3'}");
	recs[1] = J("{'decision_id':'d4','session_id':'s1','decision':'allow',"
	    "'timestamp':'4'}");
	cr_assert_eq(cv_store_insert_batch(st, CV_COLL_DECISIONS, recs, 2,
	    conflict), CV_OK);
	json_object_put(recs[0]);
	json_object_put(recs[1]);
	cr_assert_eq(total_of("session_id", "s1"), 3);
	cr_assert_eq(total_of("decision", "block"), 2);
	cr_assert_eq(total_of("decision", "deny"), 0);
	/* An upsert moves its values, seen inside its transaction. */
	cr_assert_eq(cv_store_begin(st), CV_OK);
	put(CV_COLL_DECISIONS, "{'decision_id':'d1','session_id':'s2',"
	    "'decision':'allow','timestamp':'1'}");
	cr_assert_eq(total_of("decision", "block"), 1);
	cr_assert_eq(total_of("session_id", "s2"), 2);
	cr_assert_eq(cv_store_commit(st), CV_OK);
	cr_assert_eq(total_of("decision", "allow"), 3);
	cr_assert_eq(total_of("session_id", "s1"), 2);

	/* Layout 1: no counts, no triggers.  Opened, they are made. */
	cv_store_close(st);
	st = NULL;
	snprintf(sql, sizeof(sql), "SET search_path = %s; DROP FUNCTION "
	    "\"activity_decisions_cavra_counts\" CASCADE; DELETE FROM "
	    "cavra_value_counts; UPDATE cavra_schema_version SET version = 1",
	    schema);
	pg_sql(sql);
	open_store(CV_STORE_PG, &cv_store_activity);
	cr_assert_eq(total_of("decision", "allow"), 3);
	cr_assert_eq(total_of("session_id", "s2"), 2);
	/* The total is the count, not counted rows. */
	snprintf(sql, sizeof(sql), "UPDATE %s.cavra_value_counts SET n = 42 "
	    "WHERE col = 'decision' AND val = 'block'", schema);
	pg_sql(sql);
	cr_assert_eq(total_of("decision", "block"), 42);

	/* Emptied: every count 0, rolled back: as before. */
	cr_assert_eq(cv_store_begin(st), CV_OK);
	cr_assert_eq(cv_store_pg_clear(st), CV_OK);
	cr_assert_eq(total_of("decision", "allow"), 0);
	cv_store_rollback(st);
	cr_assert_eq(total_of("decision", "allow"), 3);
	cr_assert_eq(cv_store_begin(st), CV_OK);
	cr_assert_eq(cv_store_pg_clear(st), CV_OK);
	cr_assert_eq(cv_store_commit(st), CV_OK);
	cr_assert_eq(total_of("decision", "allow"), 0);
	cr_assert_eq(count(CV_COLL_DECISIONS, NULL, 0), 0);
}

/* Reads the checkpoint sequence number of path's WAL (bumped each time
 * the WAL starts over), or -1. */
static long
wal_seq(const char *path)
{
	char		 wal[1300];
	unsigned char	 h[16];
	FILE		*f;
	long		 v = -1;

	snprintf(wal, sizeof(wal), "%s-wal", path);
	if ((f = fopen(wal, "rb")) == NULL)
		return -1;
	if (fread(h, 1, sizeof(h), f) == sizeof(h))
		v = (long)h[12] << 24 | (long)h[13] << 16 | (long)h[14] << 8 |
		    (long)h[15];
	fclose(f);
	return v;
}

/*
 * With background checkpoints the committing connection never
 * checkpoints below CV_WAL_CKPT_STALL pages; the thread copies the WAL
 * back and the WAL starts over, and nothing is lost.
 */
Test(store, background_checkpoints_restart_the_wal)
{
	pthread_mutex_t		 mu = PTHREAD_MUTEX_INITIALIZER;
	struct stat		 sb;
	char			 wal[1300];
	long			 seq0;
	size_t			 i, total;
	int			 waited;

	open_store(1, &cv_store_activity);
	cr_assert_eq(cv_store_background_checkpoints(st, &mu), CV_OK);
	seq0 = wal_seq(path_of(1));
	/* Well past CV_WAL_AUTOCHECKPOINT pages, below the stall point. */
	for (i = 0, waited = 0; ; i++) {
		pthread_mutex_lock(&mu);
		put_numbered(i, i % 2 ? "a" : "b");
		pthread_mutex_unlock(&mu);
		usleep(100);	/* requests come with gaps */
		if (wal_seq(path_of(1)) != seq0 && i > 100)
			break;
		if (i > 20000) {
			cr_assert_lt(waited, 200,
			    "the WAL never started over (sequence %ld)", seq0);
			usleep(50000);
			waited++;
		}
	}
	/* The WAL file keeps its largest size: it started over long before
	 * the committer would have had to checkpoint. */
	snprintf(wal, sizeof(wal), "%s-wal", path_of(1));
	cr_assert_eq(stat(wal, &sb), 0);
	cr_assert_lt(sb.st_size, (off_t)(CV_WAL_CKPT_STALL / 4 * 3) *
	    (4096 + 24),
	    "WAL grew to %lld bytes", (long long)sb.st_size);
	pthread_mutex_lock(&mu);
	cr_assert_eq(cv_store_count(st, CV_COLL_DECISIONS, NULL, 0, &total),
	    CV_OK);
	pthread_mutex_unlock(&mu);
	cr_assert_eq(total, i + 1);
	cv_store_close(st);
	st = NULL;
	open_store(1, &cv_store_activity);
	cr_assert_eq(cv_store_count(st, CV_COLL_DECISIONS, NULL, 0, &total),
	    CV_OK);
	cr_assert_eq(total, i + 1);
}

/* The SQL statement sql on the SQLite file of the test, run by a
 * connection of its own (as another program would). */
static void
raw_sql(const char *sql)
{
	sqlite3	*db;
	char	*err = NULL;

	cr_assert_eq(sqlite3_open(path_of(1), &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	cr_assert_eq(sqlite3_exec(db, sql, NULL, NULL, &err), SQLITE_OK,
	    "%s: %s", sql, err != NULL ? err : "");
	sqlite3_close(db);
}

/* An integer the SQL query sql returns from the test's SQLite file. */
static long
raw_int(const char *sql)
{
	sqlite3		*db;
	sqlite3_stmt	*q;
	long		 n;

	cr_assert_eq(sqlite3_open(path_of(1), &db), SQLITE_OK);
	cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &q, NULL), SQLITE_OK,
	    "%s", sql);
	cr_assert_eq(sqlite3_step(q), SQLITE_ROW);
	n = (long)sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	sqlite3_close(db);
	return n;
}

#define OLD_TRIGGER	"CREATE TRIGGER activity_decisions_rows_ins AFTER " \
	"INSERT ON activity_decisions BEGIN UPDATE cavra_row_counts SET " \
	"n = n + 1 WHERE tbl = 'activity_decisions'; END;"
#define ROWS		"SELECT count(*) FROM activity_decisions"
#define COUNTED		"SELECT n FROM cavra_row_counts WHERE " \
	"tbl = 'activity_decisions'"
#define TRIGGERS	"SELECT count(*) FROM sqlite_schema WHERE " \
	"type = 'trigger'"

/*
 * SQLite: the unfiltered total is the row count the store keeps in
 * cavra_row_counts, exact through upserts, conflicts, reads inside a
 * transaction, rollbacks and commits; a store of an earlier version,
 * which kept it with triggers, loses them at the next open and keeps its
 * count; a trigger made again while the store is open (an earlier
 * version still running) counts the rows instead, never twice.
 */
Test(store, sqlite_row_count)
{
	open_store(1, &cv_store_activity);
	put(CV_COLL_DECISIONS, "{'decision_id':'d1','timestamp':'t1'}");
	put(CV_COLL_DECISIONS, "{'decision_id':'d2','timestamp':'t2'}");
	put(CV_COLL_DECISIONS, "{'decision_id':'d1','timestamp':'t3'}");
	cr_assert_eq(insert_rc("{'decision_id':'d2'}"), CV_ECONFLICT);
	cr_assert_eq(count(CV_COLL_DECISIONS, NULL, 0), 2);
	cr_assert_eq(raw_int(TRIGGERS), 0);

	cr_assert_eq(cv_store_begin(st), CV_OK);
	put(CV_COLL_DECISIONS, "{'decision_id':'d3'}");
	cr_assert_eq(count(CV_COLL_DECISIONS, NULL, 0), 3);
	put(CV_COLL_DECISIONS, "{'decision_id':'d4'}");
	cv_store_rollback(st);
	cr_assert_eq(count(CV_COLL_DECISIONS, NULL, 0), 2);
	cr_assert_eq(cv_store_begin(st), CV_OK);
	put(CV_COLL_DECISIONS, "{'decision_id':'d3'}");
	cr_assert_eq(insert_rc("{'decision_id':'d5'}"), CV_OK);
	cr_assert_eq(cv_store_commit(st), CV_OK);
	cr_assert_eq(count(CV_COLL_DECISIONS, NULL, 0), 4);
	cr_assert_eq(raw_int(COUNTED), 4);

	/* An earlier version's store: its trigger counts a row added. */
	cv_store_close(st);
	st = NULL;
	raw_sql(OLD_TRIGGER "INSERT INTO activity_decisions (decision_id, "
	    "payload) VALUES ('d6', '{\"decision_id\":\"d6\"}');");
	cr_assert_eq(raw_int(COUNTED), 5);
	open_store(1, &cv_store_activity);
	cr_assert_eq(raw_int(TRIGGERS), 0);
	cr_assert_eq(count(CV_COLL_DECISIONS, NULL, 0), 5);
	put(CV_COLL_DECISIONS, "{'decision_id':'d7'}");
	cr_assert_eq(count(CV_COLL_DECISIONS, NULL, 0), 6);

	/* The trigger made again under the open store. */
	raw_sql(OLD_TRIGGER);
	put(CV_COLL_DECISIONS, "{'decision_id':'d8'}");
	cr_assert_eq(cv_store_begin(st), CV_OK);
	put(CV_COLL_DECISIONS, "{'decision_id':'d9'}");
	cr_assert_eq(count(CV_COLL_DECISIONS, NULL, 0), 8);
	cr_assert_eq(cv_store_commit(st), CV_OK);
	cr_assert_eq(count(CV_COLL_DECISIONS, NULL, 0), 8);
	cr_assert_eq(raw_int(ROWS), 8);
	cr_assert_eq(raw_int(COUNTED), 8);
}

/* The count of value v of column c of activity_decisions, as stored. */
static long
vcount(const char *c, const char *v)
{
	char	 sql[512];

	snprintf(sql, sizeof(sql), "SELECT coalesce(sum(n), 0) FROM "
	    "cavra_value_counts WHERE tbl = 'activity_decisions' AND col = "
	    "'%s' AND val = '%s'", c, v);
	return raw_int(sql);
}

/* Every filtered total of the store equals a count over the rows. */
static void
totals_match_rows(void)
{
	static const char *const sids[] = { "s1", "s2", "s3", NULL };
	static const char *const decs[] = { "allow", "block", NULL };
	struct cv_filter	 f[2];
	const char *const	*s, *const *d;
	char			 sql[512];

	for (s = sids; *s != NULL; s++) {
		f[0].field = "session_id";
		f[0].value = *s;
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM "
		    "activity_decisions WHERE session_id = '%s'", *s);
		cr_assert_eq((long)count(CV_COLL_DECISIONS, f, 1),
		    raw_int(sql), "%s", *s);
		for (d = decs; *d != NULL; d++) {
			f[1].field = "decision";
			f[1].value = *d;
			snprintf(sql, sizeof(sql), "SELECT count(*) FROM "
			    "activity_decisions WHERE session_id = '%s' AND "
			    "decision = '%s'", *s, *d);
			cr_assert_eq((long)count(CV_COLL_DECISIONS, f, 2),
			    raw_int(sql), "%s %s", *s, *d);
			snprintf(sql, sizeof(sql), "SELECT count(*) FROM "
			    "activity_decisions WHERE decision = '%s'", *d);
			cr_assert_eq(vcount("decision", *d), raw_int(sql),
			    "%s", *d);
		}
	}
}

/*
 * SQLite keeps a count per value of every filter column, in the
 * transaction that changes the rows: inserts add, an upsert that changes
 * a value moves it, a rollback forgets; a store without the counts gets
 * them from its rows when opened.  Totals of one and two filters follow
 * them.
 */
Test(store, sqlite_value_counts)
{
	struct cv_filter	 f[2] = { { "session_id", "s1" },
	    { "decision", "block" } };
	size_t			 total;

	open_store(1, &cv_store_activity);
	put(CV_COLL_DECISIONS, "{'decision_id':'d1','session_id':'s1',"
	    "'decision':'block','timestamp':'1'}");
	put(CV_COLL_DECISIONS, "{'decision_id':'d2','session_id':'s1',"
	    "'decision':'allow','timestamp':'2'}");
	put(CV_COLL_DECISIONS, "{'decision_id':'d3','session_id':'s2',"
	    "'decision':'block','timestamp':'3'}");
	cr_assert_eq(insert_rc("{'decision_id':'d4','session_id':'s1',"
	    "'decision':'block','timestamp':'4'}"), CV_OK);
	cr_assert_eq(vcount("session_id", "s1"), 3);
	cr_assert_eq(vcount("decision", "block"), 3);
	totals_match_rows();
	cr_assert_str_eq(ids(CV_COLL_DECISIONS, f, 2, 10, 0, &total),
	    "d4,d1");
	cr_assert_eq(total, 2);

	/* An upsert moves its values; the same values change nothing. */
	put(CV_COLL_DECISIONS, "{'decision_id':'d1','session_id':'s2',"
	    "'decision':'allow','timestamp':'1'}");
	put(CV_COLL_DECISIONS, "{'decision_id':'d2','session_id':'s1',"
	    "'decision':'allow','timestamp':'2'}");
	cr_assert_eq(vcount("session_id", "s1"), 2);
	cr_assert_eq(vcount("session_id", "s2"), 2);
	cr_assert_eq(vcount("decision", "block"), 2);
	totals_match_rows();

	/* Counted inside a transaction; forgotten by its rollback. */
	cr_assert_eq(cv_store_begin(st), CV_OK);
	put(CV_COLL_DECISIONS, "{'decision_id':'d5','session_id':'s3',"
	    "'decision':'block'}");
	f[0].value = "s3";
	cr_assert_eq(count(CV_COLL_DECISIONS, f, 1), 1);
	cr_assert_eq(count(CV_COLL_DECISIONS, f, 2), 1);
	cv_store_rollback(st);
	cr_assert_eq(count(CV_COLL_DECISIONS, f, 1), 0);
	cr_assert_eq(vcount("session_id", "s3"), 0);
	totals_match_rows();

	/* A value with no rows: an empty page at once. */
	f[0].value = "nobody";
	cr_assert_str_eq(ids(CV_COLL_DECISIONS, f, 2, 10, 0, &total), "");
	cr_assert_eq(total, 0);

	/* A store of an earlier version (no counts) is counted at open. */
	cv_store_close(st);
	st = NULL;
	raw_sql("DROP TABLE cavra_value_counts; DROP TABLE cavra_counted;");
	open_store(1, &cv_store_activity);
	cr_assert_eq(vcount("session_id", "s1"), 2);
	cr_assert_eq(vcount("decision", "allow"), 2);
	totals_match_rows();
	/* One column forgotten: only it is counted again. */
	cv_store_close(st);
	st = NULL;
	raw_sql("DELETE FROM cavra_counted WHERE col = 'decision'; "
	    "UPDATE cavra_value_counts SET n = 99 WHERE col = 'decision';");
	open_store(1, &cv_store_activity);
	cr_assert_eq(vcount("decision", "allow"), 2);
	cr_assert_eq(vcount("decision", "block"), 2);
	totals_match_rows();
}

/*
 * A filter that every row matches (its value's count is the row count)
 * is left out of the query; the answers do not change.
 */
Test(store, sqlite_filter_matching_every_row)
{
	struct cv_filter	 f[2] = { { "agent_id", "A" },
	    { "session_id", "s1" } };
	size_t			 total;

	open_store(1, &cv_store_activity);
	put(CV_COLL_DECISIONS, "{'decision_id':'d1','agent_id':'A',"
	    "'session_id':'s1','timestamp':'1'}");
	put(CV_COLL_DECISIONS, "{'decision_id':'d2','agent_id':'A',"
	    "'session_id':'s2','timestamp':'2'}");
	put(CV_COLL_DECISIONS, "{'decision_id':'d3','agent_id':'A',"
	    "'session_id':'s1','timestamp':'3'}");
	cr_assert_str_eq(ids(CV_COLL_DECISIONS, f, 2, 10, 0, &total),
	    "d3,d1");
	cr_assert_eq(total, 2);
	cr_assert_str_eq(ids(CV_COLL_DECISIONS, f, 1, 10, 1, &total),
	    "d2,d1");
	cr_assert_eq(total, 3);
	/* One row of another agent: the filter counts again. */
	put(CV_COLL_DECISIONS, "{'decision_id':'d4','agent_id':'B',"
	    "'session_id':'s1','timestamp':'4'}");
	cr_assert_str_eq(ids(CV_COLL_DECISIONS, f, 2, 10, 0, &total),
	    "d3,d1");
	cr_assert_eq(total, 2);
	f[0].value = "B";
	cr_assert_str_eq(ids(CV_COLL_DECISIONS, f, 2, 10, 0, &total), "d4");
	cr_assert_eq(total, 1);
}

/* Total of agent_id=a AND session_id=s through store h. */
static size_t
total2(struct cv_store *h, const char *a, const char *sid)
{
	struct cv_filter	 f[2] = { { "agent_id", a },
	    { "session_id", sid } };
	size_t			 n = 0;

	cr_assert_eq(cv_store_count(h, CV_COLL_DECISIONS, f, 2, &n), CV_OK);
	return n;
}

static long	pg_int(const char *);

/* The same total counted over the rows of the store of backend be
 * (SQLite or PostgreSQL). */
static long
rows2(int be, const char *a, const char *sid)
{
	char	 sql[256];

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM activity_decisions "
	    "WHERE agent_id = '%s' AND session_id = '%s'", a, sid);
	return be == CV_STORE_PG ? pg_int(sql) : raw_int(sql);
}

/* Opens the activity store of backend be with 20 decisions of agents A
 * and B over sessions s0 and s1. */
static void
open_twenty(int be)
{
	char	 rec[256];
	int	 i;

	open_store(be, &cv_store_activity);
	for (i = 0; i < 20; i++) {
		snprintf(rec, sizeof(rec), "{'decision_id':'d%02d','agent_id':"
		    "'%s','session_id':'s%d','timestamp':'%02d'}", i,
		    i % 3 ? "A" : "B", i % 2, i);
		put(CV_COLL_DECISIONS, rec);
	}
}

/*
 * Totals of lists filtered on several columns are kept per process and
 * stay exact: through this process's writes (inserts, updates that move
 * a row out of the match, rollbacks, an entry made while a write
 * transaction was open) and another process's (which leaves the kept
 * totals behind and makes them counted again).
 */
Test(store, sqlite_cached_totals)
{
	struct cv_store	*r = NULL;
	pid_t		 pid;
	int		 status;

	open_twenty(1);
	cr_assert_eq(cv_store_open_reader(st, &r), CV_OK);
	cr_assert_eq((long)total2(r, "A", "s1"), rows2(1, "A", "s1"));
	/* Kept, and moved on by this process's commits. */
	put(CV_COLL_DECISIONS, "{'decision_id':'n1','agent_id':'A',"
	    "'session_id':'s1','timestamp':'30'}");
	cr_assert_eq((long)total2(r, "A", "s1"), rows2(1, "A", "s1"));
	put(CV_COLL_DECISIONS, "{'decision_id':'d01','agent_id':'A',"
	    "'session_id':'s0','timestamp':'01'}");
	cr_assert_eq((long)total2(r, "A", "s1"), rows2(1, "A", "s1"));
	cr_assert_eq((long)total2(r, "A", "s0"), rows2(1, "A", "s0"));
	/* A rollback changes nothing. */
	cr_assert_eq(cv_store_begin(st), CV_OK);
	put(CV_COLL_DECISIONS, "{'decision_id':'n2','agent_id':'A',"
	    "'session_id':'s1','timestamp':'31'}");
	cv_store_rollback(st);
	cr_assert_eq((long)total2(r, "A", "s1"), rows2(1, "A", "s1"));
	/* An entry made while a write transaction is open. */
	cr_assert_eq((long)total2(r, "B", "s1"), rows2(1, "B", "s1"));
	cr_assert_eq(cv_store_begin(st), CV_OK);
	put(CV_COLL_DECISIONS, "{'decision_id':'n3','agent_id':'B',"
	    "'session_id':'s0','timestamp':'32'}");
	cr_assert_eq((long)total2(r, "B", "s0"), rows2(1, "B", "s0"));
	put(CV_COLL_DECISIONS, "{'decision_id':'n4','agent_id':'B',"
	    "'session_id':'s0','timestamp':'33'}");
	cr_assert_eq(cv_store_commit(st), CV_OK);
	cr_assert_eq((long)total2(r, "B", "s0"), rows2(1, "B", "s0"));
	cr_assert_eq((long)total2(r, "B", "s1"), rows2(1, "B", "s1"));
	/* Another process's write. */
	cr_assert_eq((long)total2(r, "A", "s1"), rows2(1, "A", "s1"));
	if ((pid = fork()) == 0) {
		struct cv_store		*o = NULL;
		struct json_object	*j;

		if (cv_store_open_path(&cv_store_activity, 1, path_of(1),
		    &o) != CV_OK)
			_exit(1);
		j = json_tokener_parse("{\"decision_id\":\"p1\",\"agent_id\":"
		    "\"A\",\"session_id\":\"s1\",\"timestamp\":\"40\"}");
		_exit(cv_store_put(o, CV_COLL_DECISIONS, j) != CV_OK);
	}
	cr_assert_gt(pid, 0);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	cr_assert_eq((long)total2(r, "A", "s1"), rows2(1, "A", "s1"));
	cr_assert_eq((long)total2(st, "A", "s1"), rows2(1, "A", "s1"));
	cv_store_close(r);
}

/* The integer sql answers on the test's PostgreSQL schema. */
static long
pg_int(const char *sql)
{
	PGconn		*c;
	PGresult	*r;
	long		 v;

	c = PQconnectdb(pg_path(""));
	cr_assert_eq(PQstatus(c), CONNECTION_OK, "%s", PQerrorMessage(c));
	r = PQexec(c, sql);
	cr_assert_eq(PQresultStatus(r), PGRES_TUPLES_OK, "%s: %s", sql,
	    PQresultErrorMessage(r));
	v = atol(PQgetvalue(r, 0, 0));
	PQclear(r);
	PQfinish(c);
	return v;
}

/*
 * PostgreSQL: totals of lists filtered on several columns are kept per
 * process at the table's generation, and stay exact through this
 * process's writes on another connection, rollbacks, a count inside a
 * write transaction (its own rows), writes by another client of the
 * database (which the triggers count as they do any), and a table
 * emptied; a kept total is not counted again while the generation
 * stays.
 */
Test(store, pg_cached_totals)
{
	struct cv_store	*r = NULL;
	char		 sql[512];

	if (nbackends() < 3)
		cr_skip_test("CAVRA_TEST_PG is not set");
	open_twenty(CV_STORE_PG);
	cr_assert_eq(cv_store_open_reader(st, &r), CV_OK);
	cr_assert_eq((long)total2(r, "A", "s1"), rows2(CV_STORE_PG, "A", "s1"));
	/* Kept: a row slipped in without moving the generation is not
	 * counted; the next write moves it, and the total is counted. */
	snprintf(sql, sizeof(sql), "SET search_path = %s; ALTER TABLE "
	    "activity_decisions DISABLE TRIGGER USER; INSERT INTO "
	    "activity_decisions (decision_id, agent_id, session_id, "
	    "\"timestamp\", payload) VALUES ('x1', 'A', 's1', '50', '{}'); "
	    "ALTER TABLE activity_decisions ENABLE TRIGGER USER", schema);
	pg_sql(sql);
	cr_assert_eq((long)total2(r, "A", "s1"),
	    rows2(CV_STORE_PG, "A", "s1") - 1);
	put(CV_COLL_DECISIONS, "{'decision_id':'n1','agent_id':'B',"
	    "'session_id':'s0','timestamp':'30'}");
	cr_assert_eq((long)total2(r, "A", "s1"), rows2(CV_STORE_PG, "A", "s1"));
	/* An update that moves a row out of the match. */
	put(CV_COLL_DECISIONS, "{'decision_id':'d01','agent_id':'A',"
	    "'session_id':'s0','timestamp':'01'}");
	cr_assert_eq((long)total2(r, "A", "s1"), rows2(CV_STORE_PG, "A", "s1"));
	cr_assert_eq((long)total2(r, "A", "s0"), rows2(CV_STORE_PG, "A", "s0"));
	/* Inside a write transaction: its own rows; rolled back: as
	 * before. */
	cr_assert_eq(cv_store_begin(st), CV_OK);
	put(CV_COLL_DECISIONS, "{'decision_id':'n2','agent_id':'A',"
	    "'session_id':'s1','timestamp':'31'}");
	cr_assert_eq((long)total2(st, "A", "s1"),
	    rows2(CV_STORE_PG, "A", "s1") + 1);
	cv_store_rollback(st);
	cr_assert_eq((long)total2(r, "A", "s1"), rows2(CV_STORE_PG, "A", "s1"));
	cr_assert_eq((long)total2(st, "A", "s1"),
	    rows2(CV_STORE_PG, "A", "s1"));
	/* Another client of the database. */
	snprintf(sql, sizeof(sql), "INSERT INTO %s.activity_decisions "
	    "(decision_id, agent_id, session_id, \"timestamp\", payload) "
	    "VALUES ('p1', 'A', 's1', '40', '{}')", schema);
	pg_sql(sql);
	cr_assert_eq((long)total2(r, "A", "s1"), rows2(CV_STORE_PG, "A", "s1"));
	/* Emptied. */
	cr_assert_eq(cv_store_begin(st), CV_OK);
	cr_assert_eq(cv_store_pg_clear(st), CV_OK);
	cr_assert_eq(cv_store_commit(st), CV_OK);
	cr_assert_eq(total2(r, "A", "s1"), 0);
	cv_store_close(r);
}
