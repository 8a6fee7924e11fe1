/*
 * The JSON-file backend of the record store.
 *
 * The file is one object with an array per collection (and any other
 * members, which are kept), written with sorted keys, two-space indent and
 * a trailing newline.  A missing (or zero-length) file is an empty store.
 *
 * Each process keeps the parsed file in memory: per collection an array of
 * records in ascending (order key, id) order and a hash table by id, so a
 * lookup or an upsert does not scan.  The cache is reread when the file's
 * device, inode, size, mtime or ctime change; the parsed file stays open
 * so its inode cannot be reused by a later file.
 *
 * Writers serialise on flock(2) of "<path>.lock" (waiting at most
 * CV_STORE_BUSY_MS), reread the file if it changed, and replace it with a
 * temporary file in the same directory that is fsynced and renamed over it,
 * then fsync the directory.  Readers take no lock: rename makes them see
 * the old or the new file, never a mix.
 *
 * A file that is too large, not JSON, or not shaped like a store is never
 * treated as empty: every call fails with CV_EIO and a logged line naming
 * the file, and the file is left as it is.
 */
#include "config.h"

#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cv_arena.h"
#include "cv_json.h"
#include "cv_limits.h"
#include "cv_util.h"
#include "store_int.h"

#define JS_WRITE_FLAGS	(JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | \
			    JSON_C_TO_STRING_NOSLASHESCAPE)

struct jrec {
	struct json_object	*obj;	/* the record, sorted keys; owned */
	const char		*id;	/* its id, inside obj */
	char			*okey;	/* order key, "" when absent; NULL
					 * when the collection orders by id */
};

struct jcoll {
	struct jrec	**recs;		/* ascending (okey, id) */
	size_t		  n;
	size_t		  cap;
	struct jrec	**tab;		/* by id, linear probing */
	size_t		  tabcap;	/* 0 or a power of two > 2 * n */
};

struct jstore {
	struct jcoll		*colls;
	struct json_object	*extra;		/* other top-level members */
	int			 loaded;	/* colls, extra reflect st */
	int			 present;	/* the file existed */
	int			 pinfd;		/* the file parsed, or -1 */
	struct stat		 st;
	int			 lockfd;	/* -1 unless locked */
	int			 dirty;		/* changed in this transaction */
	char			*lockpath;
	char			*dir;
	char			*base;
	struct cv_arena		 arena;		/* keys, reset after each call */
};

static void
colls_free(struct jcoll *jc, size_t ncolls)
{
	size_t	 i, j;

	if (jc == NULL)
		return;
	for (i = 0; i < ncolls; i++) {
		for (j = 0; j < jc[i].n; j++) {
			json_object_put(jc[i].recs[j]->obj);
			free(jc[i].recs[j]->okey);
			free(jc[i].recs[j]);
		}
		free(jc[i].recs);
		free(jc[i].tab);
	}
	free(jc);
}

/* Forgets the cached file; the next call reads it again. */
static void
js_drop(struct cv_store *s)
{
	struct jstore	*js = s->be;

	colls_free(js->colls, s->def->ncolls);
	js->colls = NULL;
	json_object_put(js->extra);
	js->extra = NULL;
	if (js->pinfd != -1)
		close(js->pinfd);
	js->pinfd = -1;
	js->loaded = 0;
	js->present = 0;
}

static int
rec_cmp(const struct jrec *a, const struct jrec *b)
{
	int	 c;

	if (a->okey != NULL && (c = strcmp(a->okey, b->okey)) != 0)
		return c;
	return strcmp(a->id, b->id);
}

static int
rec_qcmp(const void *a, const void *b)
{
	return rec_cmp(*(struct jrec *const *)a, *(struct jrec *const *)b);
}

/* First position in jc whose record does not sort before r. */
static size_t
lower_bound(const struct jcoll *jc, const struct jrec *r)
{
	size_t	 lo = 0, hi = jc->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (rec_cmp(jc->recs[mid], r) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static size_t
hash_id(const char *s)
{
	uint64_t	 h = UINT64_C(14695981039346656037);

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= UINT64_C(1099511628211);
	}
	return (size_t)h;
}

static struct jrec *
tab_find(const struct jcoll *jc, const char *id)
{
	size_t	 i, m;

	if (jc->tabcap == 0)
		return NULL;
	m = jc->tabcap - 1;
	for (i = hash_id(id) & m; jc->tab[i] != NULL; i = (i + 1) & m)
		if (strcmp(jc->tab[i]->id, id) == 0)
			return jc->tab[i];
	return NULL;
}

/* Adds r to a table that has room for it. */
static void
tab_add(struct jcoll *jc, struct jrec *r)
{
	size_t	 i, m;

	m = jc->tabcap - 1;
	for (i = hash_id(r->id) & m; jc->tab[i] != NULL; i = (i + 1) & m)
		continue;
	jc->tab[i] = r;
}

/*
 * Makes room for n records in jc's array and table; the table is rebuilt
 * from the array when it grows.  CV_ENOMEM leaves jc as it was.
 */
static enum cv_err
jc_reserve(struct jcoll *jc, size_t n)
{
	struct jrec	**p;
	size_t		  cap, i;

	if (n > jc->cap) {
		cap = jc->cap < 16 ? 16 : jc->cap;
		while (cap < n)
			cap *= 2;
		if ((p = reallocarray(jc->recs, cap, sizeof(*p))) == NULL)
			return CV_ENOMEM;
		jc->recs = p;
		jc->cap = cap;
	}
	if (n * 2 >= jc->tabcap) {
		cap = jc->tabcap < 32 ? 32 : jc->tabcap;
		while (cap <= n * 2)
			cap *= 2;
		if ((p = calloc(cap, sizeof(*p))) == NULL)
			return CV_ENOMEM;
		free(jc->tab);
		jc->tab = p;
		jc->tabcap = cap;
		for (i = 0; i < jc->n; i++)
			tab_add(jc, jc->recs[i]);
	}
	return CV_OK;
}

/*
 * The order key of obj in collection c: its order field's key, "" when
 * absent or null, NULL when c orders by id.  Heap; the caller frees.
 */
static char *
okey_new(struct jstore *js, const struct cv_coll *c, struct json_object *obj)
{
	struct json_object	*v = NULL;
	const char		*k;

	if (c->order_field == NULL)
		return NULL;
	json_object_object_get_ex(obj, c->order_field, &v);
	k = cv_json_key(&js->arena, v);
	return cv_xstrdup(k == NULL ? "" : k);
}

/*
 * Reads and parses the file into a fresh cache, replacing the old one
 * only on success.  CV_EIO (logged) for an unreadable, oversized or
 * malformed file, which is then not cached.
 */
static enum cv_err
js_load(struct cv_store *s)
{
	struct jstore		*js = s->be;
	const struct cv_store_def *def = s->def;
	const struct cv_coll	*c;
	struct jcoll		*nc = NULL, *jc;
	struct json_object	*doc = NULL, *extra = NULL, *el, *v;
	struct jrec		*r, *e, t;
	struct stat		 st;
	char			*buf = NULL, err[256];
	size_t			 len = 0, ci, i, n, dups = 0;
	ssize_t			 nr;
	int			 fd, present = 0;
	enum cv_err		 rc = CV_EIO;

	memset(&st, 0, sizeof(st));
	fd = open(s->path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd == -1) {
		if (errno != ENOENT) {
			cv_log("%s: open: %s", s->path, strerror(errno));
			goto out;
		}
	} else {
		present = 1;
		if (fstat(fd, &st) == -1) {
			cv_log("%s: fstat: %s", s->path, strerror(errno));
			goto out;
		}
		if (!S_ISREG(st.st_mode)) {
			cv_log("%s: not a regular file", s->path);
			goto out;
		}
		if (st.st_size > CV_STORE_FILE_MAX) {
			cv_log("%s: store file larger than %ld bytes",
			    s->path, (long)CV_STORE_FILE_MAX);
			goto out;
		}
		if ((buf = malloc((size_t)st.st_size + 1)) == NULL) {
			rc = CV_ENOMEM;
			goto out;
		}
		while (len < (size_t)st.st_size) {
			nr = read(fd, buf + len, (size_t)st.st_size - len);
			if (nr == -1 && errno == EINTR)
				continue;
			if (nr == -1) {
				cv_log("%s: read: %s", s->path,
				    strerror(errno));
				goto out;
			}
			if (nr == 0)
				break;
			len += (size_t)nr;
		}
	}

	nc = cv_xcalloc(def->ncolls, sizeof(*nc));
	if ((extra = json_object_new_object()) == NULL) {
		rc = CV_ENOMEM;
		goto out;
	}
	if (len > 0) {
		if (cv_json_parse(buf, len, CV_STORE_PARSE_DEPTH, &doc, err,
		    sizeof(err)) != CV_OK) {
			cv_log("%s: %s", s->path, err);
			goto out;
		}
		if (!json_object_is_type(doc, json_type_object)) {
			cv_log("%s: not a JSON object", s->path);
			goto out;
		}
	}
	if (doc == NULL)
		goto done;
	json_object_object_foreach(doc, key, val) {
		for (ci = 0; ci < def->ncolls; ci++)
			if (strcmp(def->colls[ci].name, key) == 0)
				break;
		if (ci == def->ncolls) {
			json_object_object_add(extra, key,
			    json_object_get(val));
			continue;
		}
		c = &def->colls[ci];
		jc = &nc[ci];
		if (!json_object_is_type(val, json_type_array)) {
			cv_log("%s: \"%s\" is not an array", s->path, key);
			goto out;
		}
		n = json_object_array_length(val);
		if (jc_reserve(jc, n) != CV_OK) {
			rc = CV_ENOMEM;
			goto out;
		}
		for (i = 0; i < n; i++) {
			el = json_object_array_get_idx(val, i);
			if (!json_object_is_type(el, json_type_object) ||
			    !json_object_object_get_ex(el, c->id_field, &v) ||
			    !json_object_is_type(v, json_type_string) ||
			    json_object_get_string_len(v) == 0 ||
			    strlen(json_object_get_string(v)) !=
			    (size_t)json_object_get_string_len(v)) {
				cv_log("%s: %s[%zu] is not a record with a "
				    "string %s", s->path, key, i, c->id_field);
				goto out;
			}
			r = cv_xcalloc(1, sizeof(*r));
			r->obj = json_object_get(el);
			r->id = json_object_get_string(v);
			r->okey = okey_new(js, c, el);
			if ((e = tab_find(jc, r->id)) != NULL) {
				/* A repeated id: the later record wins. */
				t = *e;
				*e = *r;
				*r = t;
				json_object_put(r->obj);
				free(r->okey);
				free(r);
				dups++;
				continue;
			}
			tab_add(jc, r);
			jc->recs[jc->n++] = r;
		}
		for (i = 1; i < jc->n; i++)
			if (rec_cmp(jc->recs[i - 1], jc->recs[i]) > 0)
				break;
		if (i < jc->n)
			qsort(jc->recs, jc->n, sizeof(*jc->recs), rec_qcmp);
	}
done:
	if (dups > 0)
		cv_log("%s: %zu records repeat an id; the last of each is kept",
		    s->path, dups);

	js_drop(s);
	js->colls = nc;
	nc = NULL;
	js->extra = extra;
	extra = NULL;
	js->pinfd = fd;
	fd = -1;
	js->st = st;
	js->present = present;
	js->loaded = 1;
	rc = CV_OK;
out:
	if (rc != CV_OK)
		js_drop(s);
	colls_free(nc, def->ncolls);
	json_object_put(extra);
	json_object_put(doc);
	free(buf);
	if (fd != -1)
		close(fd);
	cv_arena_reset(&js->arena);
	return rc;
}

static int
same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino &&
	    a->st_size == b->st_size &&
	    a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	    a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
	    a->st_ctim.tv_sec == b->st_ctim.tv_sec &&
	    a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

/* Rereads the file if it is not the one cached.  CV_EIO as js_load(). */
static enum cv_err
js_refresh(struct cv_store *s)
{
	struct jstore	*js = s->be;
	struct stat	 st;

	if (js->loaded) {
		if (lstat(s->path, &st) == 0) {
			if (js->present && same_file(&st, &js->st))
				return CV_OK;
		} else if (errno == ENOENT) {
			if (!js->present)
				return CV_OK;
		} else {
			cv_log("%s: lstat: %s", s->path, strerror(errno));
			return CV_EIO;
		}
	}
	return js_load(s);
}

/*
 * Takes the exclusive lock on "<path>.lock", waiting up to
 * CV_STORE_BUSY_MS.  CV_EBUSY past that, CV_EIO (logged) when the lock
 * file cannot be opened or locked.
 */
static enum cv_err
js_lock(struct cv_store *s)
{
	/* Short sleeps: a writer holds the lock for one file rewrite, and a
	 * waiter that slept long would let the others take it again and
	 * again (flock(2) with LOCK_NB has no queue). */
	static const long	 delay_us[] = { 50, 100, 200, 500, 1000 };
	struct jstore		*js = s->be;
	struct timespec		 t0, t1, d;
	size_t			 i = 0;
	long			 ms;
	int			 fd;

	fd = open(js->lockpath, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
	    0640);
	if (fd == -1) {
		cv_log("%s: open: %s", js->lockpath, strerror(errno));
		return CV_EIO;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		if (errno == EINTR)
			continue;
		if (errno != EWOULDBLOCK) {
			cv_log("%s: flock: %s", js->lockpath, strerror(errno));
			close(fd);
			return CV_EIO;
		}
		clock_gettime(CLOCK_MONOTONIC, &t1);
		ms = (t1.tv_sec - t0.tv_sec) * 1000 +
		    (t1.tv_nsec - t0.tv_nsec) / 1000000;
		if (ms >= CV_STORE_BUSY_MS) {
			cv_log("%s: still locked after %ld ms", js->lockpath,
			    ms);
			close(fd);
			return CV_EBUSY;
		}
		d.tv_sec = 0;
		d.tv_nsec = delay_us[i] * 1000;
		if (i + 1 < sizeof(delay_us) / sizeof(delay_us[0]))
			i++;
		nanosleep(&d, NULL);
	}
	js->lockfd = fd;
	return CV_OK;
}

static void
js_unlock(struct jstore *js)
{
	if (js->lockfd == -1)
		return;
	flock(js->lockfd, LOCK_UN);
	close(js->lockfd);
	js->lockfd = -1;
}

static int
write_all(int fd, const char *p, size_t n)
{
	ssize_t	 w;

	while (n > 0) {
		if ((w = write(fd, p, n)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

struct member {
	const char		*key;
	struct json_object	*val;
};

static int
member_cmp(const void *a, const void *b)
{
	return strcmp(((const struct member *)a)->key,
	    ((const struct member *)b)->key);
}

/*
 * Builds the file's top-level object from the cache: members in key
 * order, each collection in store order.  New reference; NULL on
 * allocation failure.
 */
static struct json_object *
js_doc_new(struct cv_store *s)
{
	struct jstore		*js = s->be;
	const struct cv_store_def *def = s->def;
	struct json_object	*doc = NULL, *arr;
	struct member		*m;
	struct jcoll		*jc;
	size_t			 nm, k = 0, ci, i;

	nm = def->ncolls + (size_t)json_object_object_length(js->extra);
	m = cv_xcalloc(nm, sizeof(*m));
	for (ci = 0; ci < def->ncolls; ci++) {
		jc = &js->colls[ci];
		if ((arr = json_object_new_array_ext((int)jc->n)) == NULL)
			goto out;
		m[k].key = def->colls[ci].name;
		m[k++].val = arr;
		for (i = 0; i < jc->n; i++)
			json_object_array_add(arr, json_object_get(
			    jc->recs[def->colls[ci].order_desc ?
			    jc->n - 1 - i : i]->obj));
	}
	{
		json_object_object_foreach(js->extra, key, val) {
			m[k].key = key;
			m[k++].val = json_object_get(val);
		}
	}
	qsort(m, k, sizeof(*m), member_cmp);
	if ((doc = json_object_new_object()) == NULL)
		goto out;
	for (i = 0; i < k; i++) {
		json_object_object_add(doc, m[i].key, m[i].val);
		m[i].val = NULL;
	}
out:
	for (i = 0; i < k; i++)
		json_object_put(m[i].val);
	free(m);
	return doc;
}

/*
 * Writes the cache to the file: temporary file, fsync, rename, fsync of
 * the directory.  Called with the lock held.  CV_EIO (logged) on any
 * failure, with the temporary file removed and the old file intact.
 */
static enum cv_err
js_flush(struct cv_store *s)
{
	struct jstore		*js = s->be;
	struct json_object	*doc;
	struct stat		 st;
	const char		*text;
	char			*tmp = NULL;
	size_t			 len, tlen;
	int			 fd = -1, dfd = -1, pin, renamed = 0;
	enum cv_err		 rc = CV_EIO;

	if ((doc = js_doc_new(s)) == NULL)
		return CV_ENOMEM;
	if ((text = json_object_to_json_string_length(doc, JS_WRITE_FLAGS,
	    &len)) == NULL) {
		rc = CV_ENOMEM;
		goto out;
	}
	if (len + 1 > (size_t)CV_STORE_FILE_MAX) {
		cv_log("%s: store would exceed %ld bytes", s->path,
		    (long)CV_STORE_FILE_MAX);
		goto out;
	}
	tlen = strlen(js->dir) + strlen(js->base) + sizeof("/..XXXXXX");
	tmp = cv_xmalloc(tlen);
	snprintf(tmp, tlen, "%s/.%s.XXXXXX", js->dir, js->base);
	if ((fd = mkostemp(tmp, O_CLOEXEC)) == -1) {
		cv_log("%s: mkstemp: %s", tmp, strerror(errno));
		free(tmp);
		tmp = NULL;
		goto out;
	}
	if (fchmod(fd, 0640) == -1 || write_all(fd, text, len) == -1 ||
	    write_all(fd, "\n", 1) == -1 || fsync(fd) == -1) {
		cv_log("%s: write: %s", tmp, strerror(errno));
		goto out;
	}
	if (close(fd) == -1) {
		fd = -1;
		cv_log("%s: close: %s", tmp, strerror(errno));
		goto out;
	}
	fd = -1;
	if (rename(tmp, s->path) == -1) {
		cv_log("%s: rename: %s", s->path, strerror(errno));
		goto out;
	}
	renamed = 1;
	if ((dfd = open(js->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1 ||
	    fsync(dfd) == -1) {
		cv_log("%s: fsync: %s", js->dir, strerror(errno));
		goto out;
	}
	/* Cache the identity of the file just written. */
	pin = open(s->path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (pin == -1 || fstat(pin, &st) == -1) {
		if (pin != -1)
			close(pin);
		js_drop(s);
	} else {
		if (js->pinfd != -1)
			close(js->pinfd);
		js->pinfd = pin;
		js->st = st;
		js->present = 1;
	}
	rc = CV_OK;
out:
	if (fd != -1)
		close(fd);
	if (dfd != -1)
		close(dfd);
	if (tmp != NULL && !renamed)
		unlink(tmp);
	free(tmp);
	json_object_put(doc);
	return rc;
}

/*
 * Sets up the backend state and reads the file (CV_EIO, logged, when it
 * cannot be used).  The parent directory exists.
 */
static enum cv_err
js_open(struct cv_store *s)
{
	struct jstore	*js;
	const char	*slash;
	size_t		 n;
	enum cv_err	 rc;

	js = cv_xcalloc(1, sizeof(*js));
	js->pinfd = -1;
	js->lockfd = -1;
	cv_arena_init(&js->arena);
	n = strlen(s->path) + sizeof(".lock");
	js->lockpath = cv_xmalloc(n);
	snprintf(js->lockpath, n, "%s.lock", s->path);
	if ((slash = strrchr(s->path, '/')) == NULL) {
		js->dir = cv_xstrdup(".");
		js->base = cv_xstrdup(s->path);
	} else {
		n = slash == s->path ? 1 : (size_t)(slash - s->path);
		js->dir = cv_xmalloc(n + 1);
		memcpy(js->dir, s->path, n);
		js->dir[n] = '\0';
		js->base = cv_xstrdup(slash + 1);
	}
	s->be = js;
	if (*js->base == '\0') {
		cv_log("%s: not a file name", s->path);
		rc = CV_EIO;
	} else
		rc = js_load(s);
	if (rc != CV_OK) {
		s->ops->close(s);
		s->be = NULL;
	}
	return rc;
}

static void
js_close(struct cv_store *s)
{
	struct jstore	*js = s->be;

	if (js == NULL)
		return;
	js_drop(s);
	js_unlock(js);
	cv_arena_free(&js->arena);
	free(js->lockpath);
	free(js->dir);
	free(js->base);
	free(js);
	s->be = NULL;
}

/* Locks and brings the cache up to date.  CV_EBUSY, CV_EIO. */
static enum cv_err
js_begin(struct cv_store *s)
{
	struct jstore	*js = s->be;
	enum cv_err	 rc;

	if ((rc = js_lock(s)) != CV_OK)
		return rc;
	if ((rc = js_refresh(s)) != CV_OK) {
		js_unlock(js);
		return rc;
	}
	js->dirty = 0;
	return CV_OK;
}

/* Writes the changes, if any, and unlocks.  CV_EIO as js_flush(). */
static enum cv_err
js_commit(struct cv_store *s)
{
	struct jstore	*js = s->be;
	enum cv_err	 rc = CV_OK;

	if (js->dirty && (rc = js_flush(s)) != CV_OK)
		js_drop(s);
	js->dirty = 0;
	js_unlock(js);
	return rc;
}

static void
js_rollback(struct cv_store *s)
{
	struct jstore	*js = s->be;

	if (js->dirty)
		js_drop(s);
	js->dirty = 0;
	js_unlock(js);
}

static enum cv_err
js_rbegin(struct cv_store *s)
{
	return js_refresh(s);
}

static void
js_rend(struct cv_store *s)
{
	struct jstore	*js = s->be;

	cv_arena_reset(&js->arena);
}

/*
 * Upserts a copy of rec with sorted keys (rec stays the caller's) in the
 * cache, keeping the array in order.  CV_ENOMEM leaves the cache as it
 * was; with insert, an existing id is CV_ECONFLICT.
 */
static enum cv_err
js_put(struct cv_store *s, size_t coll, const char *id,
    struct json_object *orig, int insert)
{
	struct jstore		*js = s->be;
	const struct cv_coll	*c = &s->def->colls[coll];
	struct json_object	*rec = NULL, *v;
	struct jcoll		*jc;
	struct jrec		*r;
	size_t			 pos;
	enum cv_err		 rc = CV_OK;

	if (!js->loaded) {
		rc = CV_EINTERNAL;
		goto out;
	}
	if (insert && tab_find(&js->colls[coll], id) != NULL) {
		rc = CV_ECONFLICT;
		goto out;
	}
	/* The record keeps its id: point into the copy. */
	if ((rec = cv_json_sorted_new(orig)) == NULL) {
		rc = CV_ENOMEM;
		goto out;
	}
	json_object_object_get_ex(rec, c->id_field, &v);
	id = json_object_get_string(v);
	jc = &js->colls[coll];
	if ((r = tab_find(jc, id)) != NULL) {
		pos = lower_bound(jc, r);
		memmove(&jc->recs[pos], &jc->recs[pos + 1],
		    (jc->n - pos - 1) * sizeof(*jc->recs));
		jc->n--;
		json_object_put(r->obj);
		free(r->okey);
	} else {
		if ((rc = jc_reserve(jc, jc->n + 1)) != CV_OK)
			goto out;
		r = cv_xcalloc(1, sizeof(*r));
		r->id = id;
		tab_add(jc, r);
	}
	r->obj = rec;
	r->id = id;
	r->okey = okey_new(js, c, rec);
	rec = NULL;
	pos = lower_bound(jc, r);
	memmove(&jc->recs[pos + 1], &jc->recs[pos],
	    (jc->n - pos) * sizeof(*jc->recs));
	jc->recs[pos] = r;
	jc->n++;
	js->dirty = 1;
out:
	json_object_put(rec);
	cv_arena_reset(&js->arena);
	return rc;
}

static enum cv_err
js_get(struct cv_store *s, size_t coll, const char *id,
    struct json_object **out)
{
	struct jstore	*js = s->be;
	struct jrec	*r;

	if (!js->loaded)
		return CV_EINTERNAL;
	if ((r = tab_find(&js->colls[coll], id)) == NULL)
		return CV_ENOENT;
	if (json_object_deep_copy(r->obj, out, NULL) != 0) {
		*out = NULL;
		return CV_ENOMEM;
	}
	return CV_OK;
}

/* 1 if record r of collection c passes every filter of q. */
static int
matches(struct jstore *js, const struct cv_coll *c, size_t nfields,
    const struct jrec *r, const struct cv_query *q)
{
	struct json_object	*v;
	const char		*k, *want;
	size_t			 i;

	for (i = 0; i < q->nf; i++) {
		want = q->f[i].value;
		if (q->f[i].col == nfields)
			k = r->id;
		else {
			v = NULL;
			json_object_object_get_ex(r->obj,
			    c->fields[q->f[i].col], &v);
			k = cv_json_key(&js->arena, v);
			if (k == NULL && cv_coll_is_order(c,
			    c->fields[q->f[i].col]))
				k = "";
		}
		if (k == NULL || want == NULL) {
			if (k != want)
				return 0;
		} else if (strcmp(k, want) != 0)
			return 0;
	}
	return 1;
}

/* Appends a deep copy of o to items.  CV_ENOMEM. */
static enum cv_err
add_copy(struct json_object *items, struct json_object *o)
{
	struct json_object	*copy = NULL;

	if (json_object_deep_copy(o, &copy, NULL) != 0)
		return CV_ENOMEM;
	if (json_object_array_add(items, copy) != 0) {
		json_object_put(copy);
		return CV_ENOMEM;
	}
	return CV_OK;
}

/*
 * Walks the collection in store order, counting matches and copying the
 * page [offset, offset + limit) into items when items is not NULL.  With
 * total NULL the walk stops once the page is full.
 */
static enum cv_err
js_list(struct cv_store *s, size_t coll, const struct cv_query *q,
    struct json_object *items, size_t *total)
{
	struct jstore		*js = s->be;
	const struct cv_coll	*c = &s->def->colls[coll];
	struct jcoll		*jc;
	struct jrec		*r;
	size_t			 nfields, k, count = 0;
	enum cv_err		 rc = CV_OK;

	if (total != NULL)
		*total = 0;
	if (!js->loaded)
		return CV_EINTERNAL;
	jc = &js->colls[coll];
	nfields = cv_coll_nfields(c);
	if (q->nf == 0) {
		/* Every record matches: go straight to the page. */
		count = jc->n;
		for (k = q->offset; items != NULL && k < jc->n &&
		    k - q->offset < q->limit; k++) {
			r = jc->recs[c->order_desc ? jc->n - 1 - k : k];
			if ((rc = add_copy(items, r->obj)) != CV_OK)
				goto out;
		}
	}
	for (k = 0; q->nf > 0 && k < jc->n; k++) {
		r = jc->recs[c->order_desc ? jc->n - 1 - k : k];
		if (!matches(js, c, nfields, r, q))
			continue;
		if (items != NULL && count >= q->offset &&
		    count - q->offset < q->limit &&
		    (rc = add_copy(items, r->obj)) != CV_OK)
			goto out;
		count++;
		if (total == NULL && count - q->offset >= q->limit &&
		    count >= q->offset)
			break;
	}
	if (total != NULL)
		*total = count;
out:
	cv_arena_reset(&js->arena);
	return rc;
}

const struct cv_store_ops cv_store_json_ops = {
	"json",
	js_open,
	js_close,
	js_begin,
	js_commit,
	js_rollback,
	js_rbegin,
	js_rend,
	js_put,
	js_get,
	js_list,
	NULL,	NULL,
};
