/*
 * Fuzzes the strict JSON parser (cv_json_parse(), lib/json.c) and the
 * serialisers that digests and the store key rely on: every input is
 * parsed with the request body's depth limit, and a value that parses is
 * written canonically and compactly, deep-copied with sorted keys and
 * turned into a store key, and written with sorted keys as the SQLite
 * store writes a payload.
 *
 * Besides crashes, leaks and UB it checks five properties and aborts
 * when one fails: a tokener kept from input to input
 * (cv_json_parse_tok()) gives what a fresh one gives, an accepted input
 * has no raw control byte but white space, the sorted copy has the same
 * canonical text as the value,
 * cv_json_print_sorted() and cv_json_key_sorted() give what json-c and
 * cv_json_key() give for the sorted copy, byte for byte, and canonical
 * text (pure ASCII, same nesting) parses again to the same canonical text
 * (but for a json-c bug, see fuzz.h).
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cavra.h"
#include "fuzz.h"

static struct json_tokener	*kept;	/* cv_json_parse_tok()'s, across inputs */

static void
check(int ok, const char *what, const char *a, const char *b)
{
	if (ok)
		return;
	fprintf(stderr, "fuzz_json: %s\n  first:  %s\n  second: %s\n", what,
	    a, b != NULL ? b : "(none)");
	abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cv_arena		 a;
	struct printbuf		*pb;
	struct json_object	*o, *o2, *sorted, *again;
	const char		*s, *text, *k1, *k2;
	char			*canon, *canon2, *compact, err[256], err2[256];
	enum cv_err		 rc, rc2;
	int64_t			 i64;
	size_t			 i, len;
	int			 b, in;

	rc2 = cv_json_parse_tok(&kept, CV_JSON_DEPTH_MAX, (const char *)data,
	    size, &o2, err2, sizeof(err2));
	if ((rc = cv_json_parse((const char *)data, size, CV_JSON_DEPTH_MAX,
	    &o, err, sizeof(err))) != CV_OK) {
		check(rc2 == rc && o2 == NULL && strcmp(err, err2) == 0,
		    "a kept tokener fails otherwise", err, err2);
		check(o == NULL, "failed parse returned a value", err, NULL);
		check(memchr(err, '\0', sizeof(err)) != NULL && err[0] != '\0',
		    "failed parse left no message", "", NULL);
		return 0;
	}
	/* JSON has no raw control bytes but white space between tokens. */
	for (i = 0, in = 0; i < size; i++) {
		if (in && data[i] == '\\')
			i++;
		else if (data[i] == '"')
			in = !in;
		else if (data[i] < 0x20 && (in || (data[i] != '\t' &&
		    data[i] != '\r' && data[i] != '\n')))
			check(0, "a control byte was accepted", "", NULL);
	}
	cv_arena_init(&a);
	canon = cv_json_canonical(&a, o);
	check(rc2 == CV_OK && strcmp(canon, cv_json_canonical(&a, o2)) == 0,
	    "a kept tokener parses otherwise", canon, rc2 == CV_OK ?
	    cv_json_canonical(&a, o2) : err2);
	json_object_put(o2);
	compact = cv_json_compact(&a, o);
	check(canon != NULL && compact != NULL, "no text", "", NULL);
	(void)cv_json_key(&a, o);
	(void)cv_json_truthy(o);
	(void)cv_json_str(o, "id", &s);
	(void)cv_json_int(o, "limit", &i64);
	(void)cv_json_bool(o, "enabled", &b);

	sorted = cv_json_sorted_new(o);
	canon2 = cv_json_canonical(&a, sorted);
	check(strcmp(canon, canon2) == 0, "sorted copy differs", canon,
	    canon2);
	text = json_object_to_json_string_length(sorted,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
	if ((pb = printbuf_new()) == NULL || text == NULL)
		check(0, "out of memory", "", NULL);
	check(cv_json_print_sorted(pb, o) == 0 && (size_t)pb->bpos == len &&
	    memcmp(pb->buf, text, len) == 0,
	    "sorted print differs from the sorted copy printed", pb->buf,
	    text);
	printbuf_free(pb);
	k1 = cv_json_key(&a, sorted);
	k2 = cv_json_key_sorted(&a, o);
	check((k1 == NULL && k2 == NULL) || (k1 != NULL && k2 != NULL &&
	    strcmp(k1, k2) == 0), "sorted key differs from the copy's key",
	    k2 != NULL ? k2 : "(null)", k1);
	json_object_put(sorted);

	if (cv_json_parse(canon, strlen(canon), CV_JSON_DEPTH_MAX, &again,
	    err, sizeof(err)) != CV_OK)
		check(0, "canonical text does not parse", canon, err);
	canon2 = cv_json_canonical(&a, again);
	check(strcmp(canon, canon2) == 0 || fuzz_jsonc_pair_bug(canon),
	    "canonical text is not stable", canon, canon2);
	json_object_put(again);

	json_object_put(o);
	cv_arena_free(&a);
	return 0;
}
