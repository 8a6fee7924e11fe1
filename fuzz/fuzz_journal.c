/*
 * Fuzzes reading a journal back (lib/journal.c): what a crash, a full
 * disk or a stray writer can leave in a journal file.  The input is the
 * content of "<base>.0" up to the first 0xFF byte, and of "<base>.1"
 * after it (0xFF never occurs in UTF-8 text, so either part may hold
 * any record).
 *
 * Besides crashes, leaks and undefined behaviour, it checks what
 * cavra-activity relies on after a crash: every record read back is a
 * JSON object; a record appended after whatever file 0 held is read back
 * whole, as the last record of file 0, and the records before it are
 * unchanged; once both files are cleared nothing is read back.  A
 * disagreement aborts.
 */
#include "config.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cavra.h"
#include "cv_journal.h"
#include "fuzz.h"

static char	 dir[64];
static char	 base[96], path[2][112];

static void
cleanup(void)
{
	unlink(path[0]);
	unlink(path[1]);
	rmdir(dir);
}

static void
setup(void)
{
	int	 i;

	if (dir[0] != '\0')
		return;
	fuzz_tmpdir(dir, sizeof(dir), "fuzz_journal");
	snprintf(base, sizeof(base), "%s/journal", dir);
	for (i = 0; i < 2; i++)
		snprintf(path[i], sizeof(path[i]), "%s.%d", base, i);
	atexit(cleanup);
}

static void
fail(const char *what)
{
	fprintf(stderr, "fuzz_journal: %s\n", what);
	abort();
}

/* Replaces file i with the n bytes at p. */
static void
put_file(int i, const uint8_t *p, size_t n)
{
	int	 fd;

	if ((fd = open(path[i], O_WRONLY | O_CREAT | O_TRUNC, 0600)) == -1)
		fail("cannot write a journal file");
	if (n > 0 && write(fd, p, n) != (ssize_t)n)
		fail("short write of a journal file");
	close(fd);
}

/* The records the journal reads back; each must be an object. */
static struct json_object *
read_all(struct cv_journal *j)
{
	struct json_object	*arr;
	size_t			 i, n;

	if (cv_journal_read(j, &arr) != CV_OK)
		fail("read failed");
	n = json_object_array_length(arr);
	for (i = 0; i < n; i++)
		if (!json_object_is_type(json_object_array_get_idx(arr, i),
		    json_type_object))
			fail("a record read back is not an object");
	return arr;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char	 rec[] = "{\"fuzz\":\"appended\"}";
	struct cv_journal	*j = NULL;
	struct json_object	*before, *after, *last;
	const uint8_t		*ff;
	size_t			 n0, nb, i, k;

	setup();
	ff = memchr(data, 0xff, size);
	n0 = ff != NULL ? (size_t)(ff - data) : size;
	put_file(0, data, n0);
	put_file(1, ff != NULL ? ff + 1 : data, ff != NULL ? size - n0 - 1 :
	    0);
	if (cv_journal_open(base, 0, &j) != CV_OK)
		fail("open failed");
	before = read_all(j);
	nb = json_object_array_length(before);

	/* A new journal appends to file 0, after whatever it held. */
	if (cv_journal_append(j, rec, strlen(rec)) != CV_OK)
		fail("append failed");
	after = read_all(j);
	if (json_object_array_length(after) != nb + 1)
		fail("the appended record is not read back once");
	/* The records read back are those of before with the appended one
	 * inserted once (after file 0's), whole. */
	for (i = 0; i < nb && json_object_equal(json_object_array_get_idx(
	    after, i), json_object_array_get_idx(before, i)); i++)
		;
	last = json_object_array_get_idx(after, i);
	if (strcmp(json_object_to_json_string_ext(last,
	    JSON_C_TO_STRING_PLAIN), rec) != 0)
		fail("the appended record is not read back whole");
	for (k = i; k < nb; k++)
		if (!json_object_equal(json_object_array_get_idx(after, k + 1),
		    json_object_array_get_idx(before, k)))
			fail("a record read before the append changed");
	json_object_put(before);
	json_object_put(after);

	if (cv_journal_clear(j, 0) != CV_OK || cv_journal_clear(j, 1) !=
	    CV_OK)
		fail("clear failed");
	after = read_all(j);
	if (json_object_array_length(after) != 0)
		fail("records are read back after both files were cleared");
	json_object_put(after);
	cv_journal_close(j);
	return 0;
}
