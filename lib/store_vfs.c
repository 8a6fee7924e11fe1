/*
 * "cavra": a thin SQLite VFS over the default one that writes the WAL
 * frames of a commit with one system call (or one per 124 KiB).
 *
 * SQLite appends each WAL frame as two writes, its 24-byte header and the
 * page, so a commit that changes 20 pages costs 40 pwrite(2) calls; on a
 * virtual machine, where a system call costs microseconds, that is most
 * of what storing a decision costs.  This VFS gathers consecutive writes
 * to a WAL file in memory and writes them out together:
 *
 *  - right after the page of a commit frame (a frame header whose
 *    "database size after commit" field is not zero), that is before
 *    SQLite publishes the commit in the WAL index, so no reader, in this
 *    process or another, can see a frame that is not in the file yet;
 *  - before any other operation on the WAL file (read, sync, truncate,
 *    size, file control, close), before a write that does not continue the
 *    gathered bytes, and when CV_WAL_GATHER_MAX bytes are gathered.
 *
 * Durability is unchanged: the bytes reach the file before the commit
 * returns, and a crash before that loses only frames of a transaction
 * that had not committed, which WAL recovery ignores anyway.  Every other
 * file (the database, journals, temporary files) is passed through.
 */
#include "config.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "cv_limits.h"
#include "cv_util.h"
#include "store_int.h"

#define WAL_FRAME_HDR	24	/* bytes of a WAL frame header */
#define WAL_WRITE_MAX	(124 * 1024)	/* bytes per real write */

struct wfile {
	sqlite3_file		 base;	/* pMethods: ours */
	sqlite3_file		*real;	/* the default VFS's file, after us */
	int			 wal;	/* a WAL file: writes are gathered */
	int			 commit;	/* the gathered frame header
						   is a commit's */
	unsigned char		*buf;	/* gathered bytes ... */
	size_t			 len, cap;
	sqlite3_int64		 off;	/* ... from this file offset */
};

static sqlite3_vfs	 vfs;
static pthread_once_t	 vfs_once = PTHREAD_ONCE_INIT;
static int		 vfs_ok;

#define REAL(f)		(((struct wfile *)(f))->real)
#define RM(f)		(REAL(f)->pMethods)
#define PARENT(v)	((sqlite3_vfs *)(v)->pAppData)

/*
 * Writes out the gathered bytes, in pieces of at most WAL_WRITE_MAX: the
 * unix VFS writes only the low 17 bits of a larger length at a time and
 * takes a remainder of exactly 128 KiB for a full disk.  SQLITE_OK or the
 * real write's error.
 */
static int
flush(struct wfile *w)
{
	size_t	 done, n;
	int	 rc = SQLITE_OK;

	for (done = 0; done < w->len && rc == SQLITE_OK; done += n) {
		n = w->len - done;
		if (n > WAL_WRITE_MAX)
			n = WAL_WRITE_MAX;
		rc = w->real->pMethods->xWrite(w->real, w->buf + done, (int)n,
		    w->off + (sqlite3_int64)done);
	}
	w->len = 0;
	w->commit = 0;
	return rc;
}

static int
f_close(sqlite3_file *f)
{
	struct wfile	*w = (struct wfile *)f;
	int		 rc, rc2;

	rc = flush(w);
	rc2 = RM(f)->xClose(REAL(f));
	free(w->buf);
	w->buf = NULL;
	w->cap = 0;
	return rc != SQLITE_OK ? rc : rc2;
}

static int
f_read(sqlite3_file *f, void *p, int n, sqlite3_int64 off)
{
	int	 rc;

	if ((rc = flush((struct wfile *)f)) != SQLITE_OK)
		return rc;
	return RM(f)->xRead(REAL(f), p, n, off);
}

/*
 * A write to a WAL file joins the gathered bytes when it continues them;
 * the page that follows a commit frame's header sends everything out.
 */
static int
f_write(sqlite3_file *f, const void *p, int n, sqlite3_int64 off)
{
	struct wfile	*w = (struct wfile *)f;
	const unsigned char *h = p;
	unsigned char	*nb;
	size_t		 want;
	int		 rc, flushnow;

	if (!w->wal || n <= 0)
		return RM(f)->xWrite(REAL(f), p, n, off);
	if (w->len > 0 && (off != w->off + (sqlite3_int64)w->len ||
	    w->len + (size_t)n > CV_WAL_GATHER_MAX))
		if ((rc = flush(w)) != SQLITE_OK)
			return rc;
	if ((size_t)n > CV_WAL_GATHER_MAX)
		return RM(f)->xWrite(REAL(f), p, n, off);
	if (w->len + (size_t)n > w->cap) {
		want = w->cap == 0 ? 65536 : w->cap;
		while (want < w->len + (size_t)n)
			want *= 2;
		if ((nb = realloc(w->buf, want)) == NULL) {
			if ((rc = flush(w)) != SQLITE_OK)
				return rc;
			return RM(f)->xWrite(REAL(f), p, n, off);
		}
		w->buf = nb;
		w->cap = want;
	}
	if (w->len == 0)
		w->off = off;
	memcpy(w->buf + w->len, p, (size_t)n);
	w->len += (size_t)n;
	flushnow = 0;
	if (n == WAL_FRAME_HDR)
		w->commit = (h[4] | h[5] | h[6] | h[7]) != 0;
	else if (w->commit)
		flushnow = 1;
	return flushnow ? flush(w) : SQLITE_OK;
}

static int
f_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	int	 rc;

	if ((rc = flush((struct wfile *)f)) != SQLITE_OK)
		return rc;
	return RM(f)->xTruncate(REAL(f), size);
}

static int
f_sync(sqlite3_file *f, int flags)
{
	int	 rc;

	if ((rc = flush((struct wfile *)f)) != SQLITE_OK)
		return rc;
	return RM(f)->xSync(REAL(f), flags);
}

static int
f_size(sqlite3_file *f, sqlite3_int64 *size)
{
	int	 rc;

	if ((rc = flush((struct wfile *)f)) != SQLITE_OK)
		return rc;
	return RM(f)->xFileSize(REAL(f), size);
}

static int
f_lock(sqlite3_file *f, int lock)
{
	return RM(f)->xLock(REAL(f), lock);
}

static int
f_unlock(sqlite3_file *f, int lock)
{
	return RM(f)->xUnlock(REAL(f), lock);
}

static int
f_reserved(sqlite3_file *f, int *out)
{
	return RM(f)->xCheckReservedLock(REAL(f), out);
}

static int
f_control(sqlite3_file *f, int op, void *arg)
{
	int	 rc;

	if ((rc = flush((struct wfile *)f)) != SQLITE_OK)
		return rc;
	return RM(f)->xFileControl(REAL(f), op, arg);
}

static int
f_sector(sqlite3_file *f)
{
	return RM(f)->xSectorSize(REAL(f));
}

static int
f_device(sqlite3_file *f)
{
	return RM(f)->xDeviceCharacteristics(REAL(f));
}

/* Shared memory and memory-mapped pages exist when the real file's
 * methods are recent enough (unix's are version 3). */
static int
f_shmmap(sqlite3_file *f, int pg, int pgsz, int extend, void volatile **pp)
{
	if (RM(f)->iVersion < 2)
		return SQLITE_IOERR_SHMMAP;
	return RM(f)->xShmMap(REAL(f), pg, pgsz, extend, pp);
}

static int
f_shmlock(sqlite3_file *f, int offset, int n, int flags)
{
	if (RM(f)->iVersion < 2)
		return SQLITE_IOERR_SHMLOCK;
	return RM(f)->xShmLock(REAL(f), offset, n, flags);
}

static void
f_shmbarrier(sqlite3_file *f)
{
	if (RM(f)->iVersion >= 2)
		RM(f)->xShmBarrier(REAL(f));
}

static int
f_shmunmap(sqlite3_file *f, int del)
{
	if (RM(f)->iVersion < 2)
		return SQLITE_OK;
	return RM(f)->xShmUnmap(REAL(f), del);
}

static int
f_fetch(sqlite3_file *f, sqlite3_int64 off, int n, void **pp)
{
	if (RM(f)->iVersion < 3) {
		*pp = NULL;
		return SQLITE_OK;
	}
	return RM(f)->xFetch(REAL(f), off, n, pp);
}

static int
f_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p)
{
	if (RM(f)->iVersion < 3)
		return SQLITE_OK;
	return RM(f)->xUnfetch(REAL(f), off, p);
}

static const sqlite3_io_methods methods = {
	3, f_close, f_read, f_write, f_truncate, f_sync, f_size, f_lock,
	f_unlock, f_reserved, f_control, f_sector, f_device, f_shmmap,
	f_shmlock, f_shmbarrier, f_shmunmap, f_fetch, f_unfetch
};

/*
 * Opens through the default VFS; WAL files gather their writes.  As the
 * VFS contract asks, our methods are set whenever the real open set its
 * own, even on failure, so that xClose follows.
 */
static int
v_open(sqlite3_vfs *v, sqlite3_filename name, sqlite3_file *f, int flags,
    int *outflags)
{
	struct wfile	*w = (struct wfile *)f;
	int		 rc;

	memset(w, 0, sizeof(*w));
	w->real = (sqlite3_file *)&w[1];
	rc = PARENT(v)->xOpen(PARENT(v), name, w->real, flags, outflags);
	if (w->real->pMethods != NULL)
		w->base.pMethods = &methods;
	w->wal = (flags & SQLITE_OPEN_WAL) != 0;
	return rc;
}

static int
v_delete(sqlite3_vfs *v, const char *name, int sync)
{
	return PARENT(v)->xDelete(PARENT(v), name, sync);
}

static int
v_access(sqlite3_vfs *v, const char *name, int flags, int *out)
{
	return PARENT(v)->xAccess(PARENT(v), name, flags, out);
}

static int
v_fullpath(sqlite3_vfs *v, const char *name, int n, char *out)
{
	return PARENT(v)->xFullPathname(PARENT(v), name, n, out);
}

static void *
v_dlopen(sqlite3_vfs *v, const char *name)
{
	return PARENT(v)->xDlOpen(PARENT(v), name);
}

static void
v_dlerror(sqlite3_vfs *v, int n, char *out)
{
	PARENT(v)->xDlError(PARENT(v), n, out);
}

static void
(*v_dlsym(sqlite3_vfs *v, void *h, const char *sym))(void)
{
	return PARENT(v)->xDlSym(PARENT(v), h, sym);
}

static void
v_dlclose(sqlite3_vfs *v, void *h)
{
	PARENT(v)->xDlClose(PARENT(v), h);
}

static int
v_random(sqlite3_vfs *v, int n, char *out)
{
	return PARENT(v)->xRandomness(PARENT(v), n, out);
}

static int
v_sleep(sqlite3_vfs *v, int us)
{
	return PARENT(v)->xSleep(PARENT(v), us);
}

static int
v_time(sqlite3_vfs *v, double *out)
{
	return PARENT(v)->xCurrentTime(PARENT(v), out);
}

static int
v_lasterror(sqlite3_vfs *v, int n, char *out)
{
	return PARENT(v)->xGetLastError(PARENT(v), n, out);
}

static int
v_time64(sqlite3_vfs *v, sqlite3_int64 *out)
{
	return PARENT(v)->xCurrentTimeInt64(PARENT(v), out);
}

/* Registers "cavra" over the default VFS when that one is a version 2
 * or later VFS whose files have version 3 methods (unix is). */
static void
vfs_init(void)
{
	sqlite3_vfs	*p;

	if ((p = sqlite3_vfs_find(NULL)) == NULL || p->iVersion < 2)
		return;
	vfs.iVersion = 2;
	vfs.szOsFile = (int)sizeof(struct wfile) + p->szOsFile;
	vfs.mxPathname = p->mxPathname;
	vfs.zName = "cavra";
	vfs.pAppData = p;
	vfs.xOpen = v_open;
	vfs.xDelete = v_delete;
	vfs.xAccess = v_access;
	vfs.xFullPathname = v_fullpath;
	vfs.xDlOpen = v_dlopen;
	vfs.xDlError = v_dlerror;
	vfs.xDlSym = v_dlsym;
	vfs.xDlClose = v_dlclose;
	vfs.xRandomness = v_random;
	vfs.xSleep = v_sleep;
	vfs.xCurrentTime = v_time;
	vfs.xGetLastError = v_lasterror;
	vfs.xCurrentTimeInt64 = v_time64;
	vfs_ok = sqlite3_vfs_register(&vfs, 0) == SQLITE_OK;
}

/*
 * The name of the gathering VFS to open SQLite stores with, registered on
 * first use; NULL (the default VFS) when it cannot be.
 */
const char *
cv_store_vfs(void)
{
	if (pthread_once(&vfs_once, vfs_init) != 0 || !vfs_ok)
		return NULL;
	return vfs.zName;
}
