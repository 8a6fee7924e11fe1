/*
 * cavra ops backup DIR, cavra ops restore DIR: every store of
 * cv_store_defs[] where the environment puts it (cv_store_locate()).
 *
 * Backup copies each store that exists to DIR/stores/<name>.json,
 * <name>.db or <name>.jsonl: a JSON store by reading its file (writers
 * rename a whole new file into place, so one open(2) sees one consistent
 * state), an SQLite store through the online backup API (one consistent
 * snapshot, taken while responders keep writing), left in rollback-journal
 * mode so the copy is one self-contained file, a PostgreSQL store
 * (CAVRA_DATABASE_URL) as its records, one JSON line each, read in one
 * snapshot (cv_store_pg_dump()); the copy never holds the connection
 * string, the manifest only its description.  Each copy is written to a
 * temporary file, fsynced and renamed.  DIR/manifest.json (store, kind, paths,
 * bytes, sha256, records per collection) is written last, the same way;
 * an older one is removed first, so a backup that stops half way has
 * none.
 *
 * Restore reads DIR/manifest.json, checks every copy's sha256, kind and
 * destination before it writes anything, refuses a destination that
 * exists (PostgreSQL: holds records) unless --force is given, then
 * restores store by store: a JSON store by temporary file, fsync and
 * rename; an SQLite store by the backup API into the destination
 * database, one transaction; a PostgreSQL store through the store
 * interface in one transaction that empties it and inserts the copy's
 * records in batches, so that the database, the same or an empty one,
 * holds what the backup does.  Responders should be stopped while a
 * restore runs (cavra(1)).
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>
#include <openssl/evp.h>
#include <sqlite3.h>

#include "cavra.h"
#include "cv_conf.h"
#include "cv_crypto.h"
#include "cv_store.h"
#include "store_pg.h"
#include "cli.h"

#define OPS_BACKUP_SCHEMA	"cavra.persistent_api.backup.v1"
#define OPS_RESTORE_SCHEMA	"cavra.persistent_api.restore.v1"
#define OPS_MANIFEST		"manifest.json"
#define OPS_PATH_MAX		4096

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: cavra ops backup DIR\n"
	    "       cavra ops restore [-f] DIR\n"
	    "\n"
	    "backup copies every configured store (JSON, SQLite or\n"
	    "PostgreSQL, per the responders' variables) to DIR/stores and\n"
	    "writes DIR/manifest.json last.  restore checks the manifest's\n"
	    "hashes, then puts each store back where the environment\n"
	    "configures it; stop the responders first.\n"
	    "\n"
	    "  -f, --force   restore over stores that exist\n"
	    "  -h, --help    this text\n");
}

/* fsync(2) of directory dir.  0, or -1 with a line on stderr. */
static int
sync_dir(const char *dir)
{
	int	 fd, rc = -1;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1 ||
	    fsync(fd) == -1)
		cli_warnx("%s: %s", dir, strerror(errno));
	else
		rc = 0;
	if (fd != -1)
		close(fd);
	return rc;
}

/* mkdir -p of dir (at most OPS_PATH_MAX bytes).  0, or -1 with a line on
 * stderr. */
static int
make_dirs(const char *dir)
{
	char	 p[OPS_PATH_MAX], *s;

	if ((size_t)snprintf(p, sizeof(p), "%s", dir) >= sizeof(p)) {
		cli_warnx("%s: path too long", dir);
		return -1;
	}
	for (s = p + 1; *s != '\0'; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0755) == -1 && errno != EEXIST) {
			cli_warnx("%s: %s", p, strerror(errno));
			return -1;
		}
		*s = '/';
	}
	if (mkdir(p, 0755) == -1 && errno != EEXIST) {
		cli_warnx("%s: %s", p, strerror(errno));
		return -1;
	}
	return 0;
}

/* The directory part of path, in buf. */
static const char *
dir_of(const char *path, char *buf, size_t len)
{
	snprintf(buf, len, "%s", path);
	return dirname(buf);
}

/*
 * Writes len bytes of p to path atomically: "<dir>/.<name>.XXXXXX",
 * fsync, rename, fsync of the directory.  0, or -1 with a line on stderr
 * (the temporary file removed).
 */
static int
write_atomic(const char *path, const void *p, size_t len)
{
	char		 tmp[OPS_PATH_MAX], dbuf[OPS_PATH_MAX], nbuf[OPS_PATH_MAX];
	const char	*dir;
	size_t		 off = 0;
	ssize_t		 w;
	int		 fd = -1, rc = -1;

	dir = dir_of(path, dbuf, sizeof(dbuf));
	snprintf(nbuf, sizeof(nbuf), "%s", path);
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s/.%s.XXXXXX", dir,
	    basename(nbuf)) >= sizeof(tmp)) {
		cli_warnx("%s: path too long", path);
		return -1;
	}
	if ((fd = mkstemp(tmp)) == -1) {
		cli_warnx("%s: %s", tmp, strerror(errno));
		return -1;
	}
	while (off < len) {
		if ((w = write(fd, (const char *)p + off, len - off)) == -1) {
			if (errno == EINTR)
				continue;
			cli_warnx("%s: %s", tmp, strerror(errno));
			goto out;
		}
		off += (size_t)w;
	}
	if (fchmod(fd, 0644) == -1 || fsync(fd) == -1 || close(fd) == -1) {
		fd = -1;
		cli_warnx("%s: %s", tmp, strerror(errno));
		goto out;
	}
	fd = -1;
	if (rename(tmp, path) == -1) {
		cli_warnx("%s: %s", path, strerror(errno));
		goto out;
	}
	rc = sync_dir(dir);
out:
	if (fd != -1)
		close(fd);
	if (rc == -1)
		unlink(tmp);
	return rc;
}

/*
 * Reads file path (at most CV_STORE_FILE_MAX bytes) into *p (malloc'ed,
 * NUL-terminated; caller frees) and *len.  0, or -1 with a line on
 * stderr.
 */
static int
read_all(const char *path, char **p, size_t *len)
{
	struct stat	 st;
	size_t		 off = 0;
	ssize_t		 r;
	int		 fd, rc = -1;

	*p = NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1 ||
	    fstat(fd, &st) == -1) {
		cli_warnx("%s: %s", path, strerror(errno));
		goto out;
	}
	if (st.st_size > CV_STORE_FILE_MAX) {
		cli_warnx("%s: longer than %ld bytes", path,
		    (long)CV_STORE_FILE_MAX);
		goto out;
	}
	*p = cv_xmalloc((size_t)st.st_size + 1);
	while (off < (size_t)st.st_size) {
		if ((r = read(fd, *p + off, (size_t)st.st_size - off)) <= 0) {
			if (r == -1 && errno == EINTR)
				continue;
			cli_warnx("%s: %s", path, r == 0 ? "shorter than "
			    "its size" : strerror(errno));
			goto out;
		}
		off += (size_t)r;
	}
	(*p)[off] = '\0';
	*len = off;
	rc = 0;
out:
	if (fd != -1)
		close(fd);
	if (rc == -1) {
		free(*p);
		*p = NULL;
	}
	return rc;
}

/* Lower-case hex SHA-256 of file path into hex (65 bytes) and its size
 * into *size.  0, or -1 with a line on stderr. */
static int
file_sha256(const char *path, char hex[2 * CV_SHA256_LEN + 1],
    int64_t *size)
{
	EVP_MD_CTX	*md = NULL;
	unsigned char	 buf[CV_CLI_COPY_BUF], dig[CV_SHA256_LEN];
	ssize_t		 r;
	int		 fd, rc = -1;

	*size = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		cli_warnx("%s: %s", path, strerror(errno));
		return -1;
	}
	if ((md = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1) {
		cli_warnx("%s: cannot hash", path);
		goto out;
	}
	while ((r = read(fd, buf, sizeof(buf))) != 0) {
		if (r == -1) {
			if (errno == EINTR)
				continue;
			cli_warnx("%s: %s", path, strerror(errno));
			goto out;
		}
		EVP_DigestUpdate(md, buf, (size_t)r);
		*size += r;
	}
	EVP_DigestFinal_ex(md, dig, NULL);
	cv_hex(hex, dig, sizeof(dig));
	rc = 0;
out:
	EVP_MD_CTX_free(md);
	close(fd);
	return rc;
}

/*
 * Copies SQLite database src into dst (an open connection) with the
 * online backup API, retrying while the source is busy.  0, or -1 with a
 * line on stderr.
 */
static int
sqlite_copy(sqlite3 *dst, sqlite3 *src, const char *what)
{
	sqlite3_backup	*b;
	int		 rc;

	if ((b = sqlite3_backup_init(dst, "main", src, "main")) == NULL) {
		cli_warnx("%s: %s", what, sqlite3_errmsg(dst));
		return -1;
	}
	while ((rc = sqlite3_backup_step(b, -1)) == SQLITE_BUSY ||
	    rc == SQLITE_LOCKED || rc == SQLITE_OK)
		sqlite3_sleep(CV_CLI_BUSY_WAIT_MS);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE || sqlite3_errcode(dst) != SQLITE_OK) {
		cli_warnx("%s: %s", what, rc != SQLITE_DONE ?
		    sqlite3_errstr(rc) : sqlite3_errmsg(dst));
		return -1;
	}
	return 0;
}

/*
 * Backs up SQLite store d at src into file dst (temporary file, then
 * renamed) and adds its records per collection to counts.  0, or -1 with
 * a line on stderr.
 */
static int
backup_sqlite(const struct cv_store_def *d, const char *src,
    const char *dst, struct json_object *counts)
{
	sqlite3		*in = NULL, *out = NULL;
	sqlite3_stmt	*st = NULL;
	char		 tmp[OPS_PATH_MAX], sql[256];
	size_t		 i;
	int		 fd, rc = -1;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.XXXXXX", dst) >=
	    sizeof(tmp)) {
		cli_warnx("%s: path too long", dst);
		return -1;
	}
	if ((fd = mkstemp(tmp)) == -1) {
		cli_warnx("%s: %s", tmp, strerror(errno));
		return -1;
	}
	close(fd);
	if (sqlite3_open_v2(src, &in, SQLITE_OPEN_READWRITE, NULL) !=
	    SQLITE_OK || sqlite3_open_v2(tmp, &out, SQLITE_OPEN_READWRITE,
	    NULL) != SQLITE_OK) {
		cli_warnx("%s: %s", in == NULL || sqlite3_errcode(in) !=
		    SQLITE_OK ? src : tmp, sqlite3_errmsg(
		    sqlite3_errcode(in) != SQLITE_OK ? in : out));
		goto out;
	}
	sqlite3_busy_timeout(in, CV_CLI_BUSY_WAIT_MS);
	if (sqlite_copy(out, in, src) == -1)
		goto out;
	if (sqlite3_exec(out, "PRAGMA journal_mode=DELETE", NULL, NULL,
	    NULL) != SQLITE_OK) {
		cli_warnx("%s: %s", tmp, sqlite3_errmsg(out));
		goto out;
	}
	for (i = 0; i < d->ncolls; i++) {
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM \"%s\"",
		    d->colls[i].table);
		if (sqlite3_prepare_v2(out, sql, -1, &st, NULL) != SQLITE_OK ||
		    sqlite3_step(st) != SQLITE_ROW) {
			cli_warnx("%s: %s: %s", src, d->colls[i].table,
			    sqlite3_errmsg(out));
			goto out;
		}
		cv_json_add_int(counts, d->colls[i].name,
		    sqlite3_column_int64(st, 0));
		sqlite3_finalize(st);
		st = NULL;
	}
	if (sqlite3_close(out) != SQLITE_OK) {
		cli_warnx("%s: cannot close", tmp);
		goto out;
	}
	out = NULL;
	if ((fd = open(tmp, O_RDONLY | O_CLOEXEC)) == -1 || fsync(fd) == -1) {
		cli_warnx("%s: %s", tmp, strerror(errno));
		if (fd != -1)
			close(fd);
		goto out;
	}
	close(fd);
	if (rename(tmp, dst) == -1) {
		cli_warnx("%s: %s", dst, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	sqlite3_close(out);
	sqlite3_close(in);
	if (rc == -1)
		unlink(tmp);
	return rc;
}

/*
 * Backs up JSON store d at src into file dst (write_atomic()) and adds
 * its records per collection to counts.  0, or -1 with a line on stderr.
 */
static int
backup_json(const struct cv_store_def *d, const char *src, const char *dst,
    struct json_object *counts)
{
	struct json_object	*doc = NULL, *a;
	char			*p = NULL, err[256];
	size_t			 len, i;
	int			 rc = -1;

	if (read_all(src, &p, &len) == -1)
		goto out;
	if (len > 0 && (cv_json_parse(p, len, CV_JSON_DEPTH_MAX, &doc, err,
	    sizeof(err)) != CV_OK || !json_object_is_type(doc,
	    json_type_object))) {
		cli_warnx("%s: not a JSON store", src);
		goto out;
	}
	for (i = 0; i < d->ncolls; i++)
		cv_json_add_int(counts, d->colls[i].name, doc != NULL &&
		    cv_json_arr(doc, d->colls[i].name, &a) == CV_JGET_OK ?
		    (int64_t)json_object_array_length(a) : 0);
	rc = write_atomic(dst, p, len);
out:
	json_object_put(doc);
	free(p);
	return rc;
}

/* The name ending of the copy of a store of kind: "db" (SQLite), "jsonl"
 * (PostgreSQL: a record a line), else "json". */
static const char *
copy_ext(const char *kind)
{
	if (strcmp(kind, "sqlite") == 0)
		return "db";
	return strcmp(kind, "postgresql") == 0 ? "jsonl" : "json";
}

/* A PostgreSQL copy being written: the file, records per collection. */
struct pg_copy {
	FILE				*f;
	const struct cv_store_def	*def;
	int64_t				*n;
};

/* cv_store_pg_dump() callback: the line {"collection":NAME,"record":TEXT}. */
static int
copy_line(void *arg, size_t coll, const char *text, size_t len)
{
	struct pg_copy	*o = arg;

	if (fprintf(o->f, "{\"collection\":\"%s\",\"record\":",
	    o->def->colls[coll].name) < 0 || fwrite(text, 1, len, o->f) !=
	    len || fputs("}\n", o->f) == EOF)
		return -1;
	o->n[coll]++;
	return 0;
}

/*
 * Backs up PostgreSQL store d into file dst (a temporary file, synced and
 * renamed): its records, one line each, read in one snapshot while
 * responders may write, and adds its records per collection to counts.
 * 0, or -1 with a line on stderr.
 */
static int
backup_pg(const struct cv_store_def *d, const char *dst,
    struct json_object *counts)
{
	struct cv_store	*s = NULL;
	struct pg_copy	 o = { NULL, d, NULL };
	char		 tmp[OPS_PATH_MAX];
	size_t		 i;
	int		 fd, rc = -1;
	enum cv_err	 e;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.XXXXXX", dst) >=
	    sizeof(tmp)) {
		cli_warnx("%s: path too long", dst);
		return -1;
	}
	if ((fd = mkstemp(tmp)) == -1 || (o.f = fdopen(fd, "w")) == NULL) {
		cli_warnx("%s: %s", tmp, strerror(errno));
		if (fd != -1) {
			close(fd);
			unlink(tmp);
		}
		return -1;
	}
	o.n = cv_xcalloc(d->ncolls, sizeof(*o.n));
	if (cv_store_open(d, &s) != CV_OK) {
		cli_warnx("%s: cannot open the store", d->name);
		goto out;
	}
	if ((e = cv_store_pg_dump(s, copy_line, &o)) != CV_OK) {
		cli_warnx("%s: %s", e == CV_EIO && ferror(o.f) ? tmp : d->name,
		    e == CV_EIO && ferror(o.f) ? strerror(errno) :
		    cv_err_title(e));
		goto out;
	}
	if (fflush(o.f) == EOF || fsync(fileno(o.f)) == -1) {
		cli_warnx("%s: %s", tmp, strerror(errno));
		goto out;
	}
	fd = fclose(o.f);
	o.f = NULL;
	if (fd == EOF || rename(tmp, dst) == -1) {
		cli_warnx("%s: %s", dst, strerror(errno));
		goto out;
	}
	for (i = 0; i < d->ncolls; i++)
		cv_json_add_int(counts, d->colls[i].name, o.n[i]);
	rc = 0;
out:
	if (o.f != NULL)
		fclose(o.f);
	cv_store_close(s);
	free(o.n);
	if (rc == -1)
		unlink(tmp);
	return rc;
}

/* cavra ops backup DIR: prints the manifest. */
static int
ops_backup(const char *dir)
{
	const struct cv_store_def *const *d;
	struct json_object	*man, *stores, *e, *counts;
	struct stat		 st;
	const char		*kind, *path, *by, *text;
	char			 sdir[OPS_PATH_MAX], dst[OPS_PATH_MAX];
	char			 mpath[OPS_PATH_MAX], rel[256], ts[CV_TS_LEN];
	char			 hex[2 * CV_SHA256_LEN + 1];
	int64_t			 size;
	int			 sqlite, pg, exists, r, rc = CLI_EXIT_ERROR;

	man = json_object_new_object();
	stores = json_object_new_array();
	if ((size_t)snprintf(sdir, sizeof(sdir), "%s/stores", dir) >=
	    sizeof(sdir) - 64 || (size_t)snprintf(mpath, sizeof(mpath),
	    "%s/" OPS_MANIFEST, dir) >= sizeof(mpath)) {
		cli_warnx("%s: path too long", dir);
		goto out;
	}
	if (make_dirs(sdir) == -1)
		goto out;
	if (unlink(mpath) == -1 && errno != ENOENT) {
		cli_warnx("%s: %s", mpath, strerror(errno));
		goto out;
	}
	for (d = cv_store_defs; *d != NULL; d++) {
		cv_store_locate(*d, &kind, &path, &by);
		sqlite = strcmp(kind, "sqlite") == 0;
		pg = strcmp(kind, "postgresql") == 0;
		/* PostgreSQL: the database holds every store (a store's
		 * tables are made when it is opened). */
		exists = pg || stat(path, &st) == 0;
		e = json_object_new_object();
		json_object_array_add(stores, e);
		cv_json_add_str(e, "name", (*d)->name);
		cv_json_add_str(e, "kind", kind);
		cv_json_add_str(e, "source_path", path);
		cv_json_add_str(e, "configured_by", by);
		cv_json_add_bool(e, "exists", exists);
		if (!exists) {
			json_object_object_add(e, "backup_path", NULL);
			continue;
		}
		snprintf(rel, sizeof(rel), "stores/%s.%s", (*d)->name,
		    copy_ext(kind));
		snprintf(dst, sizeof(dst), "%s/%s", dir, rel);
		counts = json_object_new_object();
		json_object_object_add(e, "records", counts);
		if (sqlite)
			r = backup_sqlite(*d, path, dst, counts);
		else if (pg)
			r = backup_pg(*d, dst, counts);
		else
			r = backup_json(*d, path, dst, counts);
		if (r == -1 || file_sha256(dst, hex, &size) == -1)
			goto out;
		cv_json_add_str(e, "backup_path", rel);
		cv_json_add_int(e, "size_bytes", size);
		cv_json_add_str(e, "sha256", hex);
	}
	if (sync_dir(sdir) == -1)
		goto out;
	cv_ts_now(ts, sizeof(ts));
	cv_json_add_str(man, "schema_version", OPS_BACKUP_SCHEMA);
	cv_json_add_str(man, "product", "CAVRA");
	cv_json_add_str(man, "created_at", ts);
	json_object_object_add(man, "stores", json_object_get(stores));
	text = json_object_to_json_string_ext(man, JSON_C_TO_STRING_PRETTY |
	    JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE);
	if (write_atomic(mpath, text, strlen(text)) == -1)
		goto out;
	printf("%s\n", text);
	rc = 0;
out:
	json_object_put(stores);
	json_object_put(man);
	return rc;
}

/* The store definition named name, or NULL. */
static const struct cv_store_def *
def_named(const char *name)
{
	const struct cv_store_def *const *d;

	for (d = cv_store_defs; *d != NULL; d++)
		if (strcmp((*d)->name, name) == 0)
			return *d;
	return NULL;
}

/* One store to restore, checked. */
struct rs_item {
	const struct cv_store_def	*def;
	const char			*kind;
	const char			*dest;
	char				 src[OPS_PATH_MAX];
};

/* Sets *n to the records PostgreSQL store d holds.  0, or -1 with a line
 * on stderr. */
static int
pg_records(const struct cv_store_def *d, size_t *n)
{
	struct cv_store	*s = NULL;
	size_t		 i, c;
	enum cv_err	 e = CV_OK;

	*n = 0;
	if (cv_store_open(d, &s) != CV_OK) {
		cli_warnx("%s: cannot open the store", d->name);
		return -1;
	}
	for (i = 0; i < d->ncolls && e == CV_OK; i++)
		if ((e = cv_store_count(s, i, NULL, 0, &c)) == CV_OK)
			*n += c;
	cv_store_close(s);
	if (e != CV_OK)
		cli_warnx("%s: %s", d->name, cv_err_title(e));
	return e == CV_OK ? 0 : -1;
}

/*
 * Checks manifest entry e of backup dir into *it: a known store, a
 * backup_path of its own name, the kind configured now, the sha256 and
 * size of the copy, and (without force) no store at the destination.
 * Returns 1 when it is to be restored, 0 when the backup holds no copy,
 * -1 with a line on stderr when the restore must not go on.
 */
static int
restore_check(const char *dir, struct json_object *e, int force,
    struct rs_item *it)
{
	struct stat	 st;
	const char	*name, *kind, *rel, *sum, *by;
	char		 want[256], hex[2 * CV_SHA256_LEN + 1];
	int64_t		 size, msize;
	size_t		 n;

	if (cv_json_str(e, "name", &name) != CV_JGET_OK ||
	    (it->def = def_named(name)) == NULL) {
		cli_warnx("%s: the manifest names an unknown store", dir);
		return -1;
	}
	if (cv_json_str(e, "backup_path", &rel) != CV_JGET_OK)
		return 0;
	kind = cv_json_str_or(e, "kind", "");
	snprintf(want, sizeof(want), "stores/%s.%s", name, copy_ext(kind));
	if (strcmp(rel, want) != 0) {
		cli_warnx("%s: backup path of store %s is not %s", dir, name,
		    want);
		return -1;
	}
	cv_store_locate(it->def, &it->kind, &it->dest, &by);
	if (strcmp(kind, it->kind) != 0) {
		cli_warnx("store %s was backed up as %s but is configured as "
		    "%s (%s)", name, kind, it->kind, by);
		return -1;
	}
	snprintf(it->src, sizeof(it->src), "%s/%s", dir, rel);
	if (file_sha256(it->src, hex, &size) == -1)
		return -1;
	if (cv_json_str(e, "sha256", &sum) != CV_JGET_OK ||
	    strcmp(sum, hex) != 0 || cv_json_int(e, "size_bytes", &msize) !=
	    CV_JGET_OK || msize != size) {
		cli_warnx("backup checksum mismatch for %s: %s", name,
		    it->src);
		return -1;
	}
	if (force)
		return 1;
	if (strcmp(it->kind, "postgresql") == 0) {
		if (pg_records(it->def, &n) == -1)
			return -1;
		if (n > 0) {
			cli_warnx("store %s holds %zu records at %s: not "
			    "overwritten without --force", name, n, it->dest);
			return -1;
		}
	} else if (stat(it->dest, &st) == 0) {
		cli_warnx("store %s exists at %s: not overwritten without "
		    "--force", name, it->dest);
		return -1;
	}
	return 1;
}

/* The collection of d named name, or d->ncolls. */
static size_t
coll_named(const struct cv_store_def *d, const char *name)
{
	size_t	 i;

	for (i = 0; i < d->ncolls; i++)
		if (strcmp(d->colls[i].name, name) == 0)
			break;
	return i;
}

/*
 * Inserts the *nb records of batch into collection coll of store s of
 * definition d (in its transaction) and drops them; *nb becomes 0.  0,
 * or -1 with a line on stderr when the insert fails or an id was there
 * already (twice in the copy src).
 */
static int
restore_batch(struct cv_store *s, const struct cv_store_def *d, size_t coll,
    struct json_object **batch, size_t *nb, int *conflict, const char *src)
{
	const struct cv_coll	*c = &d->colls[coll];
	size_t			 i;
	enum cv_err		 e;
	int			 rc = 0;

	if ((e = cv_store_insert_batch(s, coll, batch, *nb, conflict)) !=
	    CV_OK) {
		cli_warnx("%s: %s: %s", src, c->name, cv_err_title(e));
		rc = -1;
	}
	for (i = 0; i < *nb; i++) {
		if (rc == 0 && conflict[i]) {
			cli_warnx("%s: %s %s is there twice", src, c->name,
			    cv_json_str_or(batch[i], c->id_field, ""));
			rc = -1;
		}
		json_object_put(batch[i]);
	}
	*nb = 0;
	return rc;
}

/*
 * Restores PostgreSQL store it from its copy (backup_pg()) in one write
 * transaction: every record of the store removed (cv_store_pg_clear()),
 * then the copy's records inserted, CV_CLI_RESTORE_BATCH at a time.
 * Nothing changes when the copy holds a line that is not a record of the
 * store or an id twice.  0, or -1 with a line on stderr.
 */
static int
restore_pg(const struct rs_item *it)
{
	const struct cv_store_def *d = it->def;
	struct cv_store		*s = NULL;
	struct json_object	*line = NULL, *rec, **batch;
	const char		*name;
	FILE			*f;
	char			*buf = NULL, err[256];
	size_t			 cap = 0, nb = 0, no = 0, coll = 0, ci;
	ssize_t			 len;
	int			*conflict, rc = -1;
	enum cv_err		 e;

	batch = cv_xcalloc(CV_CLI_RESTORE_BATCH, sizeof(*batch));
	conflict = cv_xcalloc(CV_CLI_RESTORE_BATCH, sizeof(*conflict));
	if ((f = fopen(it->src, "re")) == NULL) {
		cli_warnx("%s: %s", it->src, strerror(errno));
		goto out;
	}
	if (cv_store_open(d, &s) != CV_OK) {
		cli_warnx("%s: cannot open the store", d->name);
		goto out;
	}
	if ((e = cv_store_begin(s)) != CV_OK ||
	    (e = cv_store_pg_clear(s)) != CV_OK) {
		cli_warnx("%s: %s", d->name, cv_err_title(e));
		goto out;
	}
	while ((len = getline(&buf, &cap, f)) != -1) {
		no++;
		if (cv_json_parse(buf, (size_t)len, CV_STORE_PARSE_DEPTH, &line,
		    err, sizeof(err)) != CV_OK ||
		    cv_json_str(line, "collection", &name) != CV_JGET_OK ||
		    (ci = coll_named(d, name)) == d->ncolls ||
		    !json_object_object_get_ex(line, "record", &rec) ||
		    !json_object_is_type(rec, json_type_object)) {
			cli_warnx("%s:%zu: not a record of store %s", it->src,
			    no, d->name);
			goto out;
		}
		if (nb > 0 && (ci != coll || nb == CV_CLI_RESTORE_BATCH) &&
		    restore_batch(s, d, coll, batch, &nb, conflict,
		    it->src) == -1)
			goto out;
		coll = ci;
		batch[nb++] = json_object_get(rec);
		json_object_put(line);
		line = NULL;
	}
	if (ferror(f)) {
		cli_warnx("%s: %s", it->src, strerror(errno));
		goto out;
	}
	if (nb > 0 && restore_batch(s, d, coll, batch, &nb, conflict,
	    it->src) == -1)
		goto out;
	if ((e = cv_store_commit(s)) != CV_OK) {
		cli_warnx("%s: %s", d->name, cv_err_title(e));
		goto out;
	}
	rc = 0;
out:
	while (nb > 0)
		json_object_put(batch[--nb]);
	json_object_put(line);
	if (s != NULL)
		cv_store_rollback(s);
	cv_store_close(s);
	if (f != NULL)
		fclose(f);
	free(buf);
	free(conflict);
	free(batch);
	return rc;
}

/* Restores the checked store it.  0, or -1 with a line on stderr. */
static int
restore_one(const struct rs_item *it)
{
	sqlite3		*in = NULL, *out = NULL;
	char		*p = NULL, dbuf[OPS_PATH_MAX];
	size_t		 len;
	int		 rc = -1;

	if (strcmp(it->kind, "postgresql") == 0)
		return restore_pg(it);
	if (make_dirs(dir_of(it->dest, dbuf, sizeof(dbuf))) == -1)
		goto out;
	if (strcmp(it->kind, "sqlite") != 0) {
		if (read_all(it->src, &p, &len) == 0)
			rc = write_atomic(it->dest, p, len);
		goto out;
	}
	if (sqlite3_open_v2(it->src, &in, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK || sqlite3_open_v2(it->dest, &out,
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		cli_warnx("%s: cannot open: %s", it->def->name,
		    sqlite3_errmsg(out != NULL ? out : in));
		goto out;
	}
	sqlite3_busy_timeout(out, CV_CLI_BUSY_WAIT_MS);
	rc = sqlite_copy(out, in, it->dest);
out:
	if (out != NULL && sqlite3_close(out) != SQLITE_OK && rc == 0) {
		cli_warnx("%s: cannot close", it->dest);
		rc = -1;
	}
	sqlite3_close(in);
	free(p);
	return rc;
}

/* cavra ops restore [-f] DIR: prints what it restored. */
static int
ops_restore(const char *dir, int force)
{
	struct json_object	*man = NULL, *stores, *res, *items, *o;
	struct rs_item		*its = NULL;
	const char		*schema;
	char			 mpath[OPS_PATH_MAX], ts[CV_TS_LEN];
	size_t			 i, n = 0, done = 0;
	int			 k, rc = CLI_EXIT_ERROR;

	res = json_object_new_object();
	items = json_object_new_array();
	snprintf(mpath, sizeof(mpath), "%s/" OPS_MANIFEST, dir);
	if (access(mpath, F_OK) == -1) {
		cli_warnx("%s is not a backup: no " OPS_MANIFEST, dir);
		goto out;
	}
	if (cv_conf_load_path("cavra: ops restore", mpath, &man) != CV_OK)
		goto out;
	schema = cv_json_str_or(man, "schema_version", "");
	if (strcmp(schema, OPS_BACKUP_SCHEMA) != 0 ||
	    cv_json_arr(man, "stores", &stores) != CV_JGET_OK) {
		cli_warnx("%s is not a " OPS_BACKUP_SCHEMA " manifest", mpath);
		goto out;
	}
	its = cv_xcalloc(json_object_array_length(stores) + 1, sizeof(*its));
	for (i = 0; i < json_object_array_length(stores); i++) {
		k = restore_check(dir, json_object_array_get_idx(stores, i),
		    force, &its[n]);
		if (k == -1)
			goto out;
		n += (size_t)k;
	}
	for (i = 0; i < n; i++) {
		if (restore_one(&its[i]) == -1)
			goto out;
		o = json_object_new_object();
		cv_json_add_str(o, "name", its[i].def->name);
		cv_json_add_str(o, "kind", its[i].kind);
		cv_json_add_bool(o, "restored", 1);
		cv_json_add_str(o, "path", its[i].dest);
		json_object_array_add(items, o);
		done++;
	}
	cv_ts_now(ts, sizeof(ts));
	cv_json_add_str(res, "schema_version", OPS_RESTORE_SCHEMA);
	cv_json_add_str(res, "product", "CAVRA");
	cv_json_add_str(res, "created_at", ts);
	cv_json_add_str(res, "source_manifest", mpath);
	json_object_object_add(res, "items", json_object_get(items));
	cv_json_add_int(res, "restored_count", (int64_t)done);
	printf("%s\n", json_object_to_json_string_ext(res,
	    JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
	    JSON_C_TO_STRING_NOSLASHESCAPE));
	rc = 0;
out:
	if (rc != 0 && done > 0)
		cli_warnx("restore stopped after %zu of %zu stores", done, n);
	free(its);
	json_object_put(items);
	json_object_put(res);
	json_object_put(man);
	return rc;
}

int
cli_ops(int argc, char *argv[])
{
	static const struct option	 opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "force", no_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 }
	};
	const char			*cmd;
	int				 ch, force = 0;

	if (argc < 2) {
		cli_warnx("ops: no command");
		usage(stderr);
		return CLI_EXIT_USAGE;
	}
	cmd = argv[1];
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(cmd, "backup") != 0 && strcmp(cmd, "restore") != 0) {
		cli_warnx("ops: unknown command \"%s\"", cmd);
		usage(stderr);
		return CLI_EXIT_USAGE;
	}
	argc--;
	argv++;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "hf", opts, NULL)) != -1)
		switch (ch) {
		case 'h':
			usage(stdout);
			return 0;
		case 'f':
			if (strcmp(cmd, "restore") == 0) {
				force = 1;
				break;
			}
			/* FALLTHROUGH */
		default:
			usage(stderr);
			return CLI_EXIT_USAGE;
		}
	if (argc - optind != 1) {
		cli_warnx("ops %s: one DIR expected", cmd);
		usage(stderr);
		return CLI_EXIT_USAGE;
	}
	return strcmp(cmd, "backup") == 0 ? ops_backup(argv[optind]) :
	    ops_restore(argv[optind], force);
}
