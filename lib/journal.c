/*
 * The journal of acknowledged records not yet stored: see cv_journal.h.
 *
 * A file is mapped whole; `used` bytes of records come first, zeros
 * after them.  Growing a file (ftruncate, then posix_fallocate so that a
 * write into the mapping never meets a full disk, then mremap) happens
 * under the caller's lock like every other call.  A crash in the middle
 * of a copy can leave a torn last line, which cv_journal_read() skips;
 * cv_journal_open() ends such a line with a newline so that the next
 * record starts on a line of its own.
 */
#include "config.h"

#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cv_journal.h"
#include "cv_json.h"
#include "cv_limits.h"
#include "cv_util.h"

struct cv_journal {
	char	*path[2];
	int	 fd[2];
	char	*map[2];	/* MAP_FAILED when unmapped */
	size_t	 cap[2];	/* bytes mapped (the file's size) */
	size_t	 used[2];	/* bytes of records */
	int	 sync;		/* cv_journal_sync() syncs */
	int	 active;
};

/*
 * Makes file i hold (and map) cap bytes, the new ones zero and allocated
 * on disk.  CV_EIO with a log line on failure; the file and its mapping
 * are then as they were.
 */
static enum cv_err
resize(struct cv_journal *j, int i, size_t cap)
{
	char	*m;
	int	 rc;

	if (cap == j->cap[i])
		return CV_OK;
	if (ftruncate(j->fd[i], (off_t)cap) == -1) {
		cv_log("journal: cannot size %s: %s", j->path[i],
		    strerror(errno));
		return CV_EIO;
	}
	if (cap > j->cap[i] && (rc = posix_fallocate(j->fd[i],
	    (off_t)j->cap[i], (off_t)(cap - j->cap[i]))) != 0) {
		cv_log("journal: cannot grow %s to %zu bytes: %s", j->path[i],
		    cap, strerror(rc));
		(void)ftruncate(j->fd[i], (off_t)j->cap[i]);
		return CV_EIO;
	}
	if (j->map[i] == MAP_FAILED)
		m = mmap(NULL, cap, PROT_READ | PROT_WRITE, MAP_SHARED,
		    j->fd[i], 0);
	else
		m = mremap(j->map[i], j->cap[i], cap, MREMAP_MAYMOVE);
	if (m == MAP_FAILED) {
		cv_log("journal: cannot map %s: %s", j->path[i],
		    strerror(errno));
		(void)ftruncate(j->fd[i], (off_t)j->cap[i]);
		return CV_EIO;
	}
	j->map[i] = m;
	j->cap[i] = cap;
	return CV_OK;
}

/*
 * Opens the journal "<base>.0"/"<base>.1", creating the files (mode 0640
 * before the umask), takes the exclusive lock on the first and maps
 * both, at least CV_JOURNAL_MAP_MIN bytes each.  With sync set,
 * cv_journal_sync() writes a file out.  *out is the caller's, released
 * with cv_journal_close().
 */
enum cv_err
cv_journal_open(const char *base, int sync, struct cv_journal **out)
{
	struct cv_journal	*j;
	struct stat		 st;
	char			*nul;
	size_t			 n, size;
	int			 i;
	enum cv_err		 e = CV_EIO;

	*out = NULL;
	j = cv_xcalloc(1, sizeof(*j));
	j->fd[0] = j->fd[1] = -1;
	j->map[0] = j->map[1] = MAP_FAILED;
	j->sync = sync;
	n = strlen(base) + 3;
	for (i = 0; i < 2; i++) {
		j->path[i] = cv_xmalloc(n);
		snprintf(j->path[i], n, "%s.%d", base, i);
		j->fd[i] = open(j->path[i], O_RDWR | O_CREAT | O_CLOEXEC,
		    0640);
		if (j->fd[i] == -1) {
			cv_log("journal: %s: %s", j->path[i], strerror(errno));
			goto out;
		}
		if (i == 0 && flock(j->fd[0], LOCK_EX | LOCK_NB) == -1) {
			if (errno == EWOULDBLOCK)
				e = CV_EBUSY;
			else
				cv_log("journal: flock %s: %s", j->path[0],
				    strerror(errno));
			goto out;
		}
		if (fstat(j->fd[i], &st) == -1) {
			cv_log("journal: %s: %s", j->path[i], strerror(errno));
			goto out;
		}
		if (st.st_size > CV_JOURNAL_FILE_MAX) {
			cv_log("journal: %s: larger than %ld bytes",
			    j->path[i], (long)CV_JOURNAL_FILE_MAX);
			goto out;
		}
		size = (size_t)st.st_size;
		j->cap[i] = size;
		if ((e = resize(j, i, size < CV_JOURNAL_MAP_MIN ?
		    CV_JOURNAL_MAP_MIN : size + 1)) != CV_OK)
			goto out;
		e = CV_EIO;
		nul = memchr(j->map[i], '\0', j->cap[i]);
		j->used[i] = (size_t)(nul - j->map[i]);
		if (j->used[i] > 0 && j->map[i][j->used[i] - 1] != '\n')
			j->map[i][j->used[i]++] = '\n';
	}
	*out = j;
	j = NULL;
	e = CV_OK;
out:
	cv_journal_close(j);
	return e;
}

/* Appends the records of file i to arr; other lines are logged. */
static void
read_file(struct cv_journal *j, int i, struct json_object *arr)
{
	struct json_object	*o;
	const char		*buf = j->map[i], *end = buf + j->used[i];
	const char		*p, *nl;
	char			 errbuf[128];

	for (p = buf; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		if (nl == p || strspn(p, " ") >= (size_t)(nl - p))
			continue;	/* empty, or blanked (cv_journal_blank()) */
		o = NULL;
		if (cv_json_parse(p, (size_t)(nl - p), CV_STORE_PARSE_DEPTH,
		    &o, errbuf, sizeof(errbuf)) != CV_OK ||
		    !json_object_is_type(o, json_type_object)) {
			cv_log("journal: %s: skipping %zu bytes at offset %zu: "
			    "not a record", j->path[i], (size_t)(nl - p),
			    (size_t)(p - buf));
			json_object_put(o);
			continue;
		}
		json_object_array_add(arr, o);
	}
}

/* The records of both files, file 0 first.  *out is a new array. */
enum cv_err
cv_journal_read(struct cv_journal *j, struct json_object **out)
{
	*out = json_object_new_array();
	read_file(j, 0, *out);
	read_file(j, 1, *out);
	return CV_OK;
}

/*
 * Copies text and a newline after the records of the active file,
 * growing it first when they do not fit (to twice its size, or more).
 */
enum cv_err
cv_journal_append(struct cv_journal *j, const char *text, size_t len)
{
	size_t		 need, cap;
	int		 a = j->active;
	enum cv_err	 e;

	if (memchr(text, '\n', len) != NULL || memchr(text, '\0', len) !=
	    NULL)
		return CV_EINVAL;
	need = j->used[a] + len + 2;	/* the record, '\n', a NUL after */
	if (need > j->cap[a]) {
		if (need > CV_JOURNAL_FILE_MAX) {
			cv_log("journal: %s: would pass %ld bytes", j->path[a],
			    (long)CV_JOURNAL_FILE_MAX);
			return CV_EIO;
		}
		cap = j->cap[a] * 2 > need ? j->cap[a] * 2 : need;
		if (cap > CV_JOURNAL_FILE_MAX)
			cap = CV_JOURNAL_FILE_MAX;
		if ((e = resize(j, a, cap)) != CV_OK)
			return e;
	}
	memcpy(j->map[a] + j->used[a], text, len);
	j->map[a][j->used[a] + len] = '\n';
	j->used[a] += len + 1;
	return CV_OK;
}

/*
 * With sync set at open, writes file `which` out (fdatasync(2)); the
 * caller need not hold the lock of appends for it, so the syncs of
 * several threads overlap.  CV_EIO when the sync fails.
 */
enum cv_err
cv_journal_sync(struct cv_journal *j, int which)
{
	if (!j->sync)
		return CV_OK;
	if (fdatasync(j->fd[which]) == -1) {
		cv_log("journal: sync %s: %s", j->path[which],
		    strerror(errno));
		return CV_EIO;
	}
	return CV_OK;
}

/*
 * Overwrites the len bytes at offset off of file `which` with spaces, so
 * that the record written there is no longer read back.  CV_EINVAL when
 * the range is not inside the file's records.
 */
enum cv_err
cv_journal_blank(struct cv_journal *j, int which, size_t off, size_t len)
{
	if (off > j->used[which] || len > j->used[which] - off)
		return CV_EINVAL;
	memset(j->map[which] + off, ' ', len);
	return CV_OK;
}

int
cv_journal_active(const struct cv_journal *j)
{
	return j->active;
}

int
cv_journal_switch(struct cv_journal *j)
{
	int	 was = j->active;

	j->active = !was;
	return was;
}

/*
 * Zeroes the records of file `which`, unmaps their pages from the process
 * (not from the file), and gives back the space of a file that grew past
 * CV_JOURNAL_MAP_MIN.  A file that cannot shrink keeps
 * its size (CV_OK all the same: it is empty).
 */
enum cv_err
cv_journal_clear(struct cv_journal *j, int which)
{
	size_t	 pg = (size_t)sysconf(_SC_PAGESIZE);

	memset(j->map[which], 0, j->used[which]);
	/* The zeros stay in the page cache (and reach the file).  The
	 * first CV_JOURNAL_KEEP_MAPPED bytes stay mapped for the next
	 * appends (unmapping them costs a page fault per page refilled);
	 * the process need not keep the rest. */
	if (j->used[which] > CV_JOURNAL_KEEP_MAPPED)
		(void)madvise(j->map[which] + CV_JOURNAL_KEEP_MAPPED,
		    (j->used[which] - CV_JOURNAL_KEEP_MAPPED + pg - 1) / pg *
		    pg, MADV_DONTNEED);
	j->used[which] = 0;
	if (j->cap[which] > CV_JOURNAL_MAP_MIN)
		(void)resize(j, which, CV_JOURNAL_MAP_MIN);
	return CV_OK;
}

size_t
cv_journal_size(const struct cv_journal *j, int which)
{
	return j->used[which];
}

void
cv_journal_close(struct cv_journal *j)
{
	int	 i;

	if (j == NULL)
		return;
	for (i = 0; i < 2; i++) {
		if (j->map[i] != MAP_FAILED)
			munmap(j->map[i], j->cap[i]);
		if (j->fd[i] != -1)
			close(j->fd[i]);
		free(j->path[i]);
	}
	free(j);
}
