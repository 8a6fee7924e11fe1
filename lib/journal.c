/*
 * The journal of acknowledged records not yet stored: see cv_journal.h.
 *
 * Each file is opened with O_APPEND, so a record is one write(2) at the
 * end of the active file.  A write cut short (a full disk) is undone with
 * ftruncate(2) so that the next record starts on a line of its own; a
 * crash in the middle of a write can leave a torn last line, which
 * cv_journal_read() skips.
 */
#include "config.h"

#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
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
	int	 sync;		/* fdatasync(2) after each append */
	int	 active;
	off_t	 size[2];
};

/*
 * Opens the journal "<base>.0"/"<base>.1", creating the files (mode 0640
 * before the umask), and takes the exclusive lock on the first.  With
 * sync set, each append is on disk (fdatasync) before it returns.
 * *out is the caller's, released with cv_journal_close().
 */
enum cv_err
cv_journal_open(const char *base, int sync, struct cv_journal **out)
{
	struct cv_journal	*j;
	struct stat		 st;
	size_t			 n;
	int			 i;
	enum cv_err		 e = CV_EIO;

	*out = NULL;
	j = cv_xcalloc(1, sizeof(*j));
	j->fd[0] = j->fd[1] = -1;
	j->sync = sync;
	n = strlen(base) + 3;
	for (i = 0; i < 2; i++) {
		j->path[i] = cv_xmalloc(n);
		snprintf(j->path[i], n, "%s.%d", base, i);
		j->fd[i] = open(j->path[i], O_RDWR | O_CREAT | O_APPEND |
		    O_CLOEXEC, 0640);
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
		j->size[i] = st.st_size;
	}
	*out = j;
	j = NULL;
	e = CV_OK;
out:
	cv_journal_close(j);
	return e;
}

/*
 * Appends the records of file i to arr.  CV_EIO when the file cannot be
 * read or is larger than CV_JOURNAL_FILE_MAX.
 */
static enum cv_err
read_file(struct cv_journal *j, int i, struct json_object *arr)
{
	struct json_object	*o;
	struct stat		 st;
	char			*buf = NULL, *p, *nl, errbuf[128];
	size_t			 len, off = 0;
	ssize_t			 r;
	enum cv_err		 e = CV_EIO;

	if (fstat(j->fd[i], &st) == -1) {
		cv_log("journal: %s: %s", j->path[i], strerror(errno));
		goto out;
	}
	if (st.st_size > CV_JOURNAL_FILE_MAX) {
		cv_log("journal: %s: larger than %ld bytes", j->path[i],
		    (long)CV_JOURNAL_FILE_MAX);
		goto out;
	}
	len = (size_t)st.st_size;
	buf = cv_xmalloc(len + 1);
	while (off < len) {
		r = pread(j->fd[i], buf + off, len - off, (off_t)off);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0) {
			cv_log("journal: read %s: %s", j->path[i], r == 0 ?
			    "file shrank" : strerror(errno));
			goto out;
		}
		off += (size_t)r;
	}
	buf[len] = '\0';
	for (p = buf; p < buf + len; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(buf + len - p))) == NULL)
			nl = buf + len;
		if (nl == p)
			continue;
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
	e = CV_OK;
out:
	free(buf);
	return e;
}

/* The records of both files, file 0 first.  *out is a new array. */
enum cv_err
cv_journal_read(struct cv_journal *j, struct json_object **out)
{
	struct json_object	*arr;
	enum cv_err		 e;

	*out = NULL;
	arr = json_object_new_array();
	if ((e = read_file(j, 0, arr)) != CV_OK ||
	    (e = read_file(j, 1, arr)) != CV_OK) {
		json_object_put(arr);
		return e;
	}
	*out = arr;
	return CV_OK;
}

/*
 * Writes text and a newline at the end of the active file in one
 * writev(2) (then fdatasync(2) when the journal syncs).  A failed or
 * short write is cut back off the file.  CV_EINVAL: text holds a
 * newline; CV_EIO: the write failed.
 */
enum cv_err
cv_journal_append(struct cv_journal *j, const char *text, size_t len)
{
	struct iovec	 iov[2];
	ssize_t		 w;
	int		 a = j->active;

	if (memchr(text, '\n', len) != NULL)
		return CV_EINVAL;
	iov[0].iov_base = (void *)(uintptr_t)text;
	iov[0].iov_len = len;
	iov[1].iov_base = (void *)(uintptr_t)"\n";
	iov[1].iov_len = 1;
	do
		w = writev(j->fd[a], iov, 2);
	while (w == -1 && errno == EINTR);
	if (w != (ssize_t)(len + 1) || (j->sync && fdatasync(j->fd[a]) ==
	    -1)) {
		cv_log("journal: write %s: %s", j->path[a], w == -1 ||
		    w == (ssize_t)(len + 1) ? strerror(errno) : "short write");
		if (ftruncate(j->fd[a], j->size[a]) == -1)
			cv_log("journal: cannot cut %s back: %s", j->path[a],
			    strerror(errno));
		return CV_EIO;
	}
	j->size[a] += (off_t)len + 1;
	return CV_OK;
}

int
cv_journal_switch(struct cv_journal *j)
{
	int	 was = j->active;

	j->active = !was;
	return was;
}

enum cv_err
cv_journal_clear(struct cv_journal *j, int which)
{
	if (j->size[which] == 0)
		return CV_OK;
	if (ftruncate(j->fd[which], 0) == -1) {
		cv_log("journal: cannot empty %s: %s", j->path[which],
		    strerror(errno));
		return CV_EIO;
	}
	j->size[which] = 0;
	return CV_OK;
}

size_t
cv_journal_size(const struct cv_journal *j, int which)
{
	return (size_t)j->size[which];
}

void
cv_journal_close(struct cv_journal *j)
{
	int	 i;

	if (j == NULL)
		return;
	for (i = 0; i < 2; i++) {
		if (j->fd[i] != -1)
			close(j->fd[i]);
		free(j->path[i]);
	}
	free(j);
}
