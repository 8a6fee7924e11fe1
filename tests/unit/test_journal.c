/*
 * Unit tests of the journal (cv_journal.h): two files of JSON records,
 * one per line, then zeros, in a fresh temporary directory per test.
 * What the journal claims is checked against the files on disk.
 */
#include "config.h"

#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <json-c/json.h>

#include "cavra.h"
#include "tmpdir.h"
#include "cv_journal.h"

static char			 tmpdir[1024];
static char			 base[1100];
static struct cv_journal	*jr;		/* the journal under test */

static void
setup(void)
{
	tmpdir_make(tmpdir, sizeof(tmpdir), "journal");
	snprintf(base, sizeof(base), "%s/activity.journal", tmpdir);
}

static void
teardown(void)
{
	cv_journal_close(jr);
	jr = NULL;
	tmpdir_remove(tmpdir);
}

TestSuite(journal, .init = setup, .fini = teardown, .timeout = 60);

/* The path of journal file i (static buffer per file). */
static const char *
file_of(int i)
{
	static char	 path[2][1200];

	snprintf(path[i], sizeof(path[i]), "%s.%d", base, i);
	return path[i];
}

/*
 * Bytes of records journal file i holds on disk: those before its first
 * NUL byte.  -1 when the file does not exist.
 */
static long
disk_size(int i)
{
	FILE	*f;
	long	 n = 0;
	int	 c;

	if ((f = fopen(file_of(i), "r")) == NULL)
		return -1;
	while ((c = getc(f)) != EOF && c != '\0')
		n++;
	fclose(f);
	return n;
}

/* The length of journal file i; -1 when it does not exist. */
static long
file_len(int i)
{
	struct stat	 st;

	if (stat(file_of(i), &st) == -1)
		return -1;
	return (long)st.st_size;
}

/* Opens the journal under test (closing the one open), syncing or not. */
static void
reopen(int sync)
{
	enum cv_err	 rc;

	cv_journal_close(jr);
	jr = NULL;
	rc = cv_journal_open(base, sync, &jr);
	cr_assert_eq(rc, CV_OK, "open %s: %d", base, rc);
	cr_assert_not_null(jr);
}

/* Appends text (a NUL-terminated record) and requires success. */
static void
append(const char *text)
{
	enum cv_err	 rc;

	rc = cv_journal_append(jr, text, strlen(text));
	cr_assert_eq(rc, CV_OK, "append %s: %d", text, rc);
}

/*
 * Writes text as it is right after the records of file i (at its first
 * NUL byte), past the journal: what a torn copy or a stray writer leaves.
 */
static void
write_raw(int i, const char *text)
{
	long	 off = disk_size(i);
	int	 fd;

	cr_assert_geq(off, 0);
	fd = open(file_of(i), O_WRONLY);
	cr_assert_neq(fd, -1, "%s: %s", file_of(i), strerror(errno));
	cr_assert_eq(pwrite(fd, text, strlen(text), (off_t)off),
	    (ssize_t)strlen(text));
	close(fd);
}

/*
 * The "n" fields of the records the journal reads back, comma-separated
 * (static buffer); every record must be an object with an integer "n".
 */
static const char *
read_ns(void)
{
	static char		 buf[1024];
	struct json_object	*arr = NULL, *r, *v;
	size_t			 i, n;
	enum cv_err		 rc;

	rc = cv_journal_read(jr, &arr);
	cr_assert_eq(rc, CV_OK, "read: %d", rc);
	cr_assert(json_object_is_type(arr, json_type_array));
	buf[0] = '\0';
	n = json_object_array_length(arr);
	for (i = 0; i < n; i++) {
		r = json_object_array_get_idx(arr, i);
		cr_assert(json_object_is_type(r, json_type_object));
		cr_assert(json_object_object_get_ex(r, "n", &v),
		    "record %zu has no n: %s", i,
		    json_object_to_json_string(r));
		cr_assert(json_object_is_type(v, json_type_int));
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s%d",
		    i > 0 ? "," : "", json_object_get_int(v));
	}
	json_object_put(arr);
	return buf;
}

Test(journal, open_creates_both_files_empty)
{
	cr_assert_eq(disk_size(0), -1);
	cr_assert_eq(disk_size(1), -1);
	reopen(0);
	cr_assert_eq(disk_size(0), 0);
	cr_assert_eq(disk_size(1), 0);
	/* Made at their working size up front, zeros. */
	cr_assert_eq(file_len(0), CV_JOURNAL_MAP_MIN);
	cr_assert_eq(file_len(1), CV_JOURNAL_MAP_MIN);
	cr_assert_eq(cv_journal_size(jr, 0), 0);
	cr_assert_eq(cv_journal_size(jr, 1), 0);
	cr_assert_str_eq(read_ns(), "");
}

Test(journal, open_fails_without_directory)
{
	enum cv_err	 rc;

	snprintf(base, sizeof(base), "%s/none/activity.journal", tmpdir);
	rc = cv_journal_open(base, 0, &jr);
	cr_assert_eq(rc, CV_EIO, "open in a missing directory: %d", rc);
	cr_assert_null(jr);
}

Test(journal, append_then_read_gives_file_0_then_file_1)
{
	reopen(0);
	append("{\"n\":1}");
	append("{\"n\":2}");
	cr_assert_eq(cv_journal_switch(jr), 0);
	append("{\"n\":3}");
	cr_assert_eq(cv_journal_switch(jr), 1);
	append("{\"n\":4}");
	/* File 0 holds 1, 2, 4 and file 1 holds 3. */
	cr_assert_str_eq(read_ns(), "1,2,4,3");
	/* Reading leaves the records where they are. */
	cr_assert_str_eq(read_ns(), "1,2,4,3");
}

Test(journal, records_survive_close_and_reopen)
{
	reopen(0);
	append("{\"n\":1}");
	(void)cv_journal_switch(jr);
	append("{\"n\":2}");
	reopen(0);
	cr_assert_str_eq(read_ns(), "1,2");
	cr_assert_eq(cv_journal_size(jr, 0), strlen("{\"n\":1}\n"));
	cr_assert_eq(cv_journal_size(jr, 1), strlen("{\"n\":2}\n"));
	/* A new journal starts on file 0: appends go after record 1. */
	append("{\"n\":3}");
	cr_assert_str_eq(read_ns(), "1,3,2");
}

Test(journal, switch_moves_appends_to_the_other_file)
{
	const char	*r = "{\"n\":7,\"decision_id\":\"dec_x\"}";
	long		 len = (long)strlen(r) + 1;

	reopen(0);
	append(r);
	cr_assert_eq(disk_size(0), len);
	cr_assert_eq(disk_size(1), 0);
	cr_assert_eq(cv_journal_switch(jr), 0);
	append(r);
	append(r);
	cr_assert_eq(disk_size(0), len);
	cr_assert_eq(disk_size(1), 2 * len);
	cr_assert_eq(cv_journal_switch(jr), 1);
	append(r);
	cr_assert_eq(disk_size(0), 2 * len);
	cr_assert_eq(disk_size(1), 2 * len);
}

Test(journal, clear_empties_one_file_and_keeps_the_other)
{
	reopen(0);
	append("{\"n\":1}");
	append("{\"n\":2}");
	(void)cv_journal_switch(jr);
	append("{\"n\":3}");
	cr_assert_eq(cv_journal_clear(jr, 0), CV_OK);
	cr_assert_eq(disk_size(0), 0);
	cr_assert_eq(disk_size(1), (long)strlen("{\"n\":3}\n"));
	cr_assert_str_eq(read_ns(), "3");
	/* The active file (1) still takes appends after its records. */
	append("{\"n\":4}");
	cr_assert_str_eq(read_ns(), "3,4");
	cr_assert_eq(cv_journal_clear(jr, 1), CV_OK);
	cr_assert_eq(disk_size(1), 0);
	cr_assert_str_eq(read_ns(), "");
	/* Clearing an empty file is no error. */
	cr_assert_eq(cv_journal_clear(jr, 1), CV_OK);
	cr_assert_eq(disk_size(1), 0);
	/* A cleared file takes appends from its start. */
	append("{\"n\":5}");
	cr_assert_eq(disk_size(1), (long)strlen("{\"n\":5}\n"));
	cr_assert_str_eq(read_ns(), "5");
}

Test(journal, torn_and_non_object_lines_are_skipped)
{
	reopen(0);
	append("{\"n\":1}");
	(void)cv_journal_switch(jr);
	append("{\"n\":3}");
	cv_journal_close(jr);
	jr = NULL;
	/* What a crash or a stray writer can leave: lines that are JSON but
	 * not an object, lines that are not JSON, blank lines, and a last
	 * line cut short with no newline. */
	write_raw(0, "[1,2]\n42\nnot json\n\n");
	reopen(0);
	append("{\"n\":2}");
	cv_journal_close(jr);
	jr = NULL;
	write_raw(0, "{\"n\":9,\"decision_id\":\"dec_");
	write_raw(1, "\"a string\"\n{\"n\":4}\n{\"n\":8,");
	reopen(0);
	cr_assert_str_eq(read_ns(), "1,2,3,4");
	/* A record appended after a torn line is a line of its own. */
	append("{\"n\":5}");
	cr_assert_str_eq(read_ns(), "1,2,5,3,4");
	/* Clearing both files gets rid of the bad lines too. */
	cr_assert_eq(cv_journal_clear(jr, 0), CV_OK);
	cr_assert_eq(cv_journal_clear(jr, 1), CV_OK);
	cr_assert_eq(disk_size(0), 0);
	cr_assert_eq(disk_size(1), 0);
	cr_assert_str_eq(read_ns(), "");
}

Test(journal, text_with_a_newline_is_refused_and_not_written)
{
	const char	*bad[] = { "{\"n\":1,\n\"m\":2}", "{\"n\":1}\n", "\n" };
	size_t		 i;
	enum cv_err	 rc;

	reopen(0);
	for (i = 0; i < nitems(bad); i++) {
		rc = cv_journal_append(jr, bad[i], strlen(bad[i]));
		cr_assert_eq(rc, CV_EINVAL, "append \"%s\": %d", bad[i], rc);
	}
	cr_assert_eq(disk_size(0), 0);
	cr_assert_eq(disk_size(1), 0);
	cr_assert_eq(cv_journal_size(jr, 0), 0);
	cr_assert_str_eq(read_ns(), "");
	/* Only the len bytes count: a newline past them is not the text. */
	rc = cv_journal_append(jr, "{\"n\":1}\n", strlen("{\"n\":1}"));
	cr_assert_eq(rc, CV_OK);
	cr_assert_eq(disk_size(0), (long)strlen("{\"n\":1}\n"));
	cr_assert_str_eq(read_ns(), "1");
}

Test(journal, second_open_is_busy_until_close)
{
	struct cv_journal	*other = NULL;
	enum cv_err		 rc;

	reopen(0);
	rc = cv_journal_open(base, 0, &other);
	cr_assert_eq(rc, CV_EBUSY, "second open: %d", rc);
	cr_assert_null(other);
	/* The first one is not disturbed. */
	append("{\"n\":1}");
	cr_assert_str_eq(read_ns(), "1");
	cv_journal_close(jr);
	jr = NULL;
	rc = cv_journal_open(base, 0, &other);
	cr_assert_eq(rc, CV_OK, "open after close: %d", rc);
	cr_assert_not_null(other);
	jr = other;
	cr_assert_str_eq(read_ns(), "1");
}

Test(journal, size_follows_appends_and_clears)
{
	const char	*a = "{\"n\":1}", *b = "{\"n\":22,\"x\":\"yz\"}";
	size_t		 la = strlen(a) + 1, lb = strlen(b) + 1;

	reopen(0);
	append(a);
	cr_assert_eq(cv_journal_size(jr, 0), la);
	append(b);
	cr_assert_eq(cv_journal_size(jr, 0), la + lb);
	cr_assert_eq(cv_journal_size(jr, 1), 0);
	(void)cv_journal_switch(jr);
	append(b);
	cr_assert_eq(cv_journal_size(jr, 0), la + lb);
	cr_assert_eq(cv_journal_size(jr, 1), lb);
	/* A refused record changes nothing. */
	cr_assert_eq(cv_journal_append(jr, "{\n}", 3), CV_EINVAL);
	cr_assert_eq(cv_journal_size(jr, 1), lb);
	cr_assert_eq(cv_journal_clear(jr, 0), CV_OK);
	cr_assert_eq(cv_journal_size(jr, 0), 0);
	cr_assert_eq(cv_journal_size(jr, 1), lb);
	cr_assert_eq((long)cv_journal_size(jr, 1), disk_size(1));
	cr_assert_eq(cv_journal_clear(jr, 1), CV_OK);
	cr_assert_eq(cv_journal_size(jr, 1), 0);
}

Test(journal, sync_appends_are_written_and_read_back)
{
	char	 rec[64];
	int	 i;

	reopen(1);
	cr_assert_eq(cv_journal_active(jr), 0);
	for (i = 1; i <= 3; i++) {
		snprintf(rec, sizeof(rec), "{\"n\":%d}", i);
		append(rec);
		cr_assert_eq(cv_journal_sync(jr, 0), CV_OK);
	}
	(void)cv_journal_switch(jr);
	cr_assert_eq(cv_journal_active(jr), 1);
	append("{\"n\":4}");
	cr_assert_eq(cv_journal_sync(jr, 1), CV_OK);
	cr_assert_eq(disk_size(0), 3 * (long)strlen("{\"n\":1}\n"));
	cr_assert_eq(disk_size(1), (long)strlen("{\"n\":4}\n"));
	cr_assert_eq((long)cv_journal_size(jr, 0), disk_size(0));
	cr_assert_str_eq(read_ns(), "1,2,3,4");
	reopen(1);
	cr_assert_str_eq(read_ns(), "1,2,3,4");
}

/* A record of n bytes (n >= 20): {"n":k,"pad":"xxx..."}, malloc'ed. */
static char *
big_record(int k, size_t n)
{
	char	*r;
	int	 h;

	r = malloc(n + 1);
	cr_assert_not_null(r);
	memset(r, 'x', n);
	h = snprintf(r, n, "{\"n\":%d,\"pad\":\"", k);
	cr_assert(h > 0 && (size_t)h < n - 2);
	r[h] = 'x';	/* snprintf's NUL */
	memcpy(r + n - 2, "\"}", 2);
	r[n] = '\0';
	return r;
}

Test(journal, a_record_larger_than_the_file_grows_it)
{
	char	*big;
	size_t	 n = CV_JOURNAL_MAP_MIN + 1000;

	reopen(0);
	append("{\"n\":1}");
	big = big_record(2, n);
	append(big);
	free(big);
	append("{\"n\":3}");
	cr_assert_gt(file_len(0), CV_JOURNAL_MAP_MIN);
	cr_assert_eq(disk_size(0), (long)(strlen("{\"n\":1}\n") + n + 1 +
	    strlen("{\"n\":3}\n")));
	cr_assert_str_eq(read_ns(), "1,2,3");
	/* Cleared, it gives the space back and takes records again. */
	cr_assert_eq(cv_journal_clear(jr, 0), CV_OK);
	cr_assert_eq(file_len(0), CV_JOURNAL_MAP_MIN);
	cr_assert_eq(disk_size(0), 0);
	append("{\"n\":4}");
	cr_assert_str_eq(read_ns(), "4");
}

Test(journal, an_append_the_file_cannot_grow_for_changes_nothing)
{
	struct rlimit	 rl;
	rlim_t		 max;
	char		*big;

	reopen(0);
	append("{\"n\":1}");
	/* Files may not grow past their working size: a record that does
	 * not fit cannot be taken. */
	signal(SIGXFSZ, SIG_IGN);
	cr_assert_eq(getrlimit(RLIMIT_FSIZE, &rl), 0);
	max = rl.rlim_cur;
	rl.rlim_cur = (rlim_t)CV_JOURNAL_MAP_MIN;
	cr_assert_eq(setrlimit(RLIMIT_FSIZE, &rl), 0, "setrlimit: %s",
	    strerror(errno));
	big = big_record(2, CV_JOURNAL_MAP_MIN);
	cr_assert_eq(cv_journal_append(jr, big, strlen(big)), CV_EIO);
	free(big);
	cr_assert_eq(file_len(0), CV_JOURNAL_MAP_MIN);
	cr_assert_eq(disk_size(0), (long)strlen("{\"n\":1}\n"));
	cr_assert_eq(cv_journal_size(jr, 0), strlen("{\"n\":1}\n"));
	cr_assert_str_eq(read_ns(), "1");
	/* Records that fit still go in, each on a line of its own. */
	append("{\"n\":3}");
	rl.rlim_cur = max;
	cr_assert_eq(setrlimit(RLIMIT_FSIZE, &rl), 0);
	cr_assert_str_eq(read_ns(), "1,3");
}
