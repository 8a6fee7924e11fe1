/*
 * Fuzzes loading a JSON store file (lib/store_json.c js_load() and the
 * list, count and get paths over what it loaded).  The input is written
 * to a file in a private temporary directory, which is opened as each of
 * the six stores of the API in turn; every collection is listed whole,
 * in a page and as text (cv_store_list_json()), counted, filtered and
 * read back by id.
 *
 * A malformed file must give CV_EIO and nothing else.  For a store that
 * opens it checks that the total equals the listed records, that the text
 * listing parses to the same records, that every listed record is found
 * again by its id, and that filtering on a listed record's own field
 * value finds at least that record; a failure aborts.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cavra.h"
#include "fuzz.h"

static char	 dir[64];
static char	 path[96];

static void
cleanup(void)
{
	char	 lock[128];

	snprintf(lock, sizeof(lock), "%s.lock", path);
	unlink(lock);
	unlink(path);
	rmdir(dir);
}

static void
setup(void)
{
	if (dir[0] != '\0')
		return;
	fuzz_tmpdir(dir, sizeof(dir), "fuzz_store_json");
	snprintf(path, sizeof(path), "%s/store.json", dir);
	atexit(cleanup);
}

static void
fail(const struct cv_store_def *def, const struct cv_coll *c,
    const char *what)
{
	fprintf(stderr, "fuzz_store_json: %s.%s: %s\n", def->name, c->name,
	    what);
	abort();
}

/* Lists, counts, filters and reads back collection ci of an open store. */
static void
walk(struct cv_store *st, const struct cv_store_def *def, size_t ci)
{
	const struct cv_coll	*c = &def->colls[ci];
	struct cv_arena		 a;
	struct cv_filter	 f[2];
	struct json_object	*items, *page, *rec, *got, *v;
	const char		*id, *canon;
	char			*text, err[256];
	size_t			 i, n, total, count, len;
	enum cv_err		 rc;

	if ((rc = cv_store_list(st, ci, NULL, 0, SIZE_MAX, 0, &items,
	    &total)) != CV_OK)
		fail(def, c, "listing an open store failed");
	n = json_object_array_length(items);
	if (n != total)
		fail(def, c, "total differs from the records listed");
	if (cv_store_count(st, ci, NULL, 0, &count) != CV_OK || count != n)
		fail(def, c, "count differs from the records listed");
	if (cv_store_list(st, ci, NULL, 0, 2, 1, &page, NULL) != CV_OK ||
	    json_object_array_length(page) != (n > 3 ? 2 : n > 0 ? n - 1 : 0))
		fail(def, c, "a page has the wrong length");
	json_object_put(page);

	/* The same listing as text: it must parse to the same records. */
	cv_arena_init(&a);
	if (cv_store_list_json(st, ci, NULL, 0, SIZE_MAX, 0, &text, &len,
	    &count) != CV_OK || count != n || strlen(text) != len)
		fail(def, c, "the text listing differs");
	if (cv_json_parse(text, len, CV_STORE_PARSE_DEPTH, &page, err,
	    sizeof(err)) != CV_OK)
		fail(def, c, "the text listing does not parse");
	canon = cv_json_canonical(&a, items);
	if (strcmp(canon, cv_json_canonical(&a, page)) != 0 &&
	    !fuzz_jsonc_pair_bug(canon))
		fail(def, c, "the text listing has other records");
	json_object_put(page);
	free(text);
	cv_arena_reset(&a);

	for (i = 0; i < n && i < 8; i++) {
		rec = json_object_array_get_idx(items, i);
		if (cv_json_str(rec, c->id_field, &id) != CV_JGET_OK)
			fail(def, c, "a listed record has no string id");
		if (strlen(id) <= CV_ID_MAX) {
			if (cv_store_get(st, ci, id, &got) != CV_OK)
				fail(def, c, "a listed id is not found");
			json_object_put(got);
		}
		f[0].field = c->id_field;
		f[0].value = id;
		if (c->fields != NULL && c->fields[0] != NULL) {
			v = NULL;
			json_object_object_get_ex(rec, c->fields[0], &v);
			f[1].field = c->fields[0];
			f[1].value = cv_json_key(&a, v);
			if (f[1].value == NULL &&
			    c->order_field != NULL &&
			    strcmp(c->order_field, c->fields[0]) == 0)
				f[1].value = "";
		} else
			f[1] = f[0];
		if (cv_store_count(st, ci, f, 2, &count) != CV_OK ||
		    count == 0)
			fail(def, c, "filtering on a record's own values "
			    "finds nothing");
		cv_arena_reset(&a);
	}
	cv_arena_free(&a);
	json_object_put(items);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct cv_store_def	*const *def;
	struct cv_store			*st;
	size_t				 off, ci;
	ssize_t				 w;
	int				 fd;
	enum cv_err			 rc;

	setup();
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600)) == -1) {
		perror("fuzz_store_json: open");
		abort();
	}
	for (off = 0; off < size; off += (size_t)w)
		if ((w = write(fd, data + off, size - off)) <= 0) {
			if (w == -1 && errno == EINTR) {
				w = 0;
				continue;
			}
			perror("fuzz_store_json: write");
			abort();
		}
	close(fd);

	for (def = cv_store_defs; *def != NULL; def++) {
		rc = cv_store_open_path(*def, 0, path, &st);
		if (rc == CV_EIO)
			continue;
		if (rc != CV_OK) {
			fprintf(stderr, "fuzz_store_json: %s: open returned "
			    "%d\n", (*def)->name, rc);
			abort();
		}
		for (ci = 0; ci < (*def)->ncolls; ci++)
			walk(st, *def, ci);
		cv_store_close(st);
	}
	return 0;
}
