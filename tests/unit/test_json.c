/*
 * Unit tests of the JSON helpers: strict parsing, typed getters,
 * canonical text and store keys.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "cavra.h"

static struct json_object *
parse_ok(const char *s)
{
	struct json_object	*o;
	char			 err[256];

	cr_assert_eq(cv_json_parse(s, strlen(s), CV_JSON_DEPTH_MAX, &o, err,
	    sizeof(err)), CV_OK, "%s: %s", s, err);
	return o;
}

static void
parse_bad(const char *s, size_t len)
{
	struct json_object	*o;
	char			 err[256];

	cr_assert_eq(cv_json_parse(s, len, CV_JSON_DEPTH_MAX, &o, err,
	    sizeof(err)), CV_EINVAL, "accepted %s", s);
	cr_assert_null(o);
	cr_assert_gt(strlen(err), 0);
}

Test(json, accepts_valid_documents)
{
	static const char *const ok[] = { "{}", "[]", "1", "-2.5", "\"x\"",
	    "true", "null", " {\"a\": [1, 2, {\"b\": null}]} \n",
	    "{\"u\":\"\\u00e9\\ud83d\\ude00\"}", NULL };
	const char *const	*p;

	for (p = ok; *p != NULL; p++)
		json_object_put(parse_ok(*p));
}

Test(json, rejects_malformed_documents)
{
	static const char *const bad[] = { "", "{", "{\"a\":1}xyz", "[1,2,]",
	    "{'a':1}", "{\"a\":NaN}", "{\"a\":Infinity}", "01", "True",
	    "/* c */ {}", "{\"a\":1} {}", "\"\xff\"", "[-Infinity]", NULL };
	const char *const	*p;

	for (p = bad; *p != NULL; p++)
		parse_bad(*p, strlen(*p));
	parse_bad("{\"a\":1}\0{}", 10);
}

/* What json-c's own checks let through (found by fuzz/fuzz_json.c). */
Test(json, rejects_ill_formed_utf8_and_raw_controls)
{
	static const char *const bad[] = {
	    "\"\xc0\x80\"",			/* overlong NUL */
	    "\"\xe0\x80\x80\"",		/* overlong */
	    "\"\xf0\x80\x80\x80\"",		/* overlong */
	    "\"\xed\xa0\x80\"",		/* U+D800 */
	    "{\"\xed\xbf\xbf\":1}",		/* U+DFFF, in a key */
	    "\"\xf4\x90\x80\x80\"",		/* U+110000 */
	    "\"\xf5\x80\x80\x80\"",
	    "\"\xe2\x82\"",			/* truncated */
	    "\"a\x01" "b\"",			/* raw control characters */
	    "\"a\tb\"",
	    "{\"k\x1f\":1}",
	    NULL };
	static const char *const ok[] = {
	    "\"\xed\x9f\xbf\xee\x80\x80\"",	/* U+D7FF U+E000 */
	    "\"\xf0\x90\x80\x80\xf4\x8f\xbf\xbf\"", /* U+10000 U+10FFFF */
	    "\"a\\tb\\u0001\"",
	    NULL };
	const char *const	*p;

	for (p = bad; *p != NULL; p++)
		parse_bad(*p, strlen(*p));
	for (p = ok; *p != NULL; p++)
		json_object_put(parse_ok(*p));
	/* A NUL is not white space after the value. */
	parse_bad("{}\0", 3);
	parse_bad("1\0", 2);
}

Test(json, depth_is_limited)
{
	char	 buf[200];
	int	 i;

	for (i = 0; i < 40; i++)
		buf[i] = '[';
	for (i = 0; i < 40; i++)
		buf[40 + i] = ']';
	parse_bad(buf, 80);
	for (i = 0; i < 10; i++)
		buf[i] = '[';
	for (i = 0; i < 10; i++)
		buf[10 + i] = ']';
	buf[20] = '\0';
	json_object_put(parse_ok(buf));
}

/*
 * A kept tokener gives what a fresh one gives, call after call, whatever
 * the calls before it did; it is dropped after a failed parse.
 */
Test(json, parse_with_a_kept_tokener_is_parse)
{
	static const char *const docs[] = {
	    "{\"a\":[1,2,{\"b\":null}]}", "1", " 2 ", "\"x\"",
	    "\"\\ud83d", "\"\\ud83d\\ude00\"",	/* cut in a surrogate pair */
	    "{\"a\":", "{\"a\":1}", "[1,2", "[1,2]", "{\"a\":1}x", "nan",
	    "\"\\u00e9\"", "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]"
	    "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]", "[[[]]]", "\"\xff\"", "true",
	    "-0.5e3", "{\"k\":\"\\n\"}",
	};
	struct cv_arena		 a;
	struct json_tokener	*tok = NULL, *before;
	struct json_object	*o1, *o2;
	char			 e1[256], e2[256];
	enum cv_err		 r1, r2;
	size_t			 i, round;

	cv_arena_init(&a);
	for (round = 0; round < 2; round++)
		for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
			e1[0] = e2[0] = '\0';
			before = tok;
			r1 = cv_json_parse(docs[i], strlen(docs[i]),
			    CV_JSON_DEPTH_MAX, &o1, e1, sizeof(e1));
			r2 = cv_json_parse_tok(&tok, CV_JSON_DEPTH_MAX, docs[i],
			    strlen(docs[i]), &o2, e2, sizeof(e2));
			cr_assert_eq(r1, r2, "%s: %d, kept %d", docs[i], r1, r2);
			if (r1 != CV_OK) {
				cr_assert_str_eq(e1, e2, "%s", docs[i]);
				cr_assert_null(o2);
				/* Refused before parsing (UTF-8): the tokener
				 * was not used, and is kept. */
				if (strstr(e1, "utf-8") != NULL)
					cr_assert_eq(tok, before, "%s", docs[i]);
				else
					cr_assert_null(tok, "%s", docs[i]);
				continue;
			}
			cr_assert_not_null(tok);
			cr_assert_str_eq(cv_json_canonical(&a, o1),
			    cv_json_canonical(&a, o2), "%s", docs[i]);
			json_object_put(o1);
			json_object_put(o2);
		}
	if (tok != NULL)
		json_tokener_free(tok);
	cv_arena_free(&a);
}

Test(json, typed_getters_tell_absent_from_mistyped)
{
	struct json_object	*o, *v;
	const char		*s;
	int64_t			 i;
	int			 b;

	o = parse_ok("{\"s\":\"x\",\"i\":7,\"b\":true,\"n\":null,"
	    "\"o\":{},\"a\":[],\"si\":\"123\"}");
	cr_assert_eq(cv_json_str(o, "s", &s), CV_JGET_OK);
	cr_assert_str_eq(s, "x");
	cr_assert_eq(cv_json_str(o, "i", &s), CV_JGET_TYPE);
	cr_assert_eq(cv_json_str(o, "missing", &s), CV_JGET_ABSENT);
	cr_assert_eq(cv_json_str(o, "n", &s), CV_JGET_ABSENT);
	cr_assert_eq(cv_json_int(o, "i", &i), CV_JGET_OK);
	cr_assert_eq(i, 7);
	cr_assert_eq(cv_json_int(o, "si", &i), CV_JGET_TYPE);
	cr_assert_eq(cv_json_bool(o, "b", &b), CV_JGET_OK);
	cr_assert_eq(b, 1);
	cr_assert_eq(cv_json_obj(o, "o", &v), CV_JGET_OK);
	cr_assert_eq(cv_json_arr(o, "a", &v), CV_JGET_OK);
	cr_assert_eq(cv_json_arr(o, "o", &v), CV_JGET_TYPE);
	cr_assert_str_eq(cv_json_str_or(o, "i", "dflt"), "dflt");
	json_object_put(o);
}

/* Members copied in the order named, shared with the source (a new
 * reference each), null where the source has none; deep copies own
 * their members. */
Test(json, copies_of_members_and_documents)
{
	struct cv_arena		 a;
	struct json_object	*src, *dst, *c;

	cv_arena_init(&a);
	src = parse_ok("{\"a\":1,\"b\":{\"x\":[2]},\"n\":null}");
	dst = json_object_new_object();
	cv_json_copy_keys(dst, src, "b", "a", "missing", "n", NULL);
	cr_assert_str_eq(cv_json_compact(&a, dst),
	    "{\"b\":{\"x\":[2]},\"a\":1,\"missing\":null,\"n\":null}");
	cr_assert_eq(json_object_object_get(dst, "b"),
	    json_object_object_get(src, "b"));
	c = cv_json_copy(src);
	cr_assert_neq(json_object_object_get(c, "b"),
	    json_object_object_get(src, "b"));
	json_object_object_del(src, "b");
	json_object_put(src);
	cr_assert_str_eq(cv_json_compact(&a, dst),
	    "{\"b\":{\"x\":[2]},\"a\":1,\"missing\":null,\"n\":null}");
	cr_assert_str_eq(cv_json_compact(&a, c),
	    "{\"a\":1,\"b\":{\"x\":[2]},\"n\":null}");
	cr_assert_null(cv_json_copy(NULL));
	json_object_put(dst);
	json_object_put(c);
	cv_arena_free(&a);
}

Test(json, truthiness_follows_python)
{
	static const char *const falsy[] = { "null", "false", "0", "0.0",
	    "\"\"", "[]", "{}", NULL };
	static const char *const truthy[] = { "true", "1", "-1", "0.5",
	    "\"0\"", "[0]", "{\"a\":null}", NULL };
	const char *const	*p;
	struct json_object	*o;

	for (p = falsy; *p != NULL; p++) {
		o = parse_ok(*p);
		cr_assert_not(cv_json_truthy(o), "%s", *p);
		json_object_put(o);
	}
	for (p = truthy; *p != NULL; p++) {
		o = parse_ok(*p);
		cr_assert(cv_json_truthy(o), "%s", *p);
		json_object_put(o);
	}
}

Test(json, canonical_is_sorted_compact_ascii)
{
	struct cv_arena		 a;
	struct json_object	*o;

	cv_arena_init(&a);
	o = parse_ok("{\"b\":1,\"a\":{\"z\":[true,null,\"\\u00e9\"],\"c\":"
	    "\"\\ud83d\\ude00\\n\\\"\"},\"A\":-3}");
	cr_assert_str_eq(cv_json_canonical(&a, o),
	    "{\"A\":-3,\"a\":{\"c\":\"\\ud83d\\ude00\\n\\\"\",\"z\":[true,null,"
	    "\"\\u00e9\"]},\"b\":1}");
	cr_assert_str_eq(cv_json_compact(&a, o),
	    "{\"b\":1,\"a\":{\"z\":[true,null,\"\xc3\xa9\"],\"c\":"
	    "\"\xf0\x9f\x98\x80\\n\\\"\"},\"A\":-3}");
	json_object_put(o);
	cv_arena_free(&a);
}

Test(json, sorted_copy_orders_keys_at_every_level)
{
	struct cv_arena		 a;
	struct json_object	*o, *c;

	cv_arena_init(&a);
	o = parse_ok("{\"b\":[{\"y\":1,\"x\":2}],\"a\":null}");
	c = cv_json_sorted_new(o);
	cr_assert_str_eq(cv_json_compact(&a, c),
	    "{\"a\":null,\"b\":[{\"x\":2,\"y\":1}]}");
	json_object_put(o);
	json_object_put(c);
	cv_arena_free(&a);
}

Test(json, keys_of_values)
{
	struct cv_arena		 a;
	struct json_object	*o;

	cv_arena_init(&a);
	o = parse_ok("{\"s\":\"x\",\"i\":42,\"b\":false,\"n\":null,"
	    "\"o\":{\"k\":\"v\"}}");
	cr_assert_str_eq(cv_json_key(&a, json_object_object_get(o, "s")), "x");
	cr_assert_str_eq(cv_json_key(&a, json_object_object_get(o, "i")), "42");
	cr_assert_str_eq(cv_json_key(&a, json_object_object_get(o, "b")),
	    "false");
	cr_assert_null(cv_json_key(&a, json_object_object_get(o, "n")));
	cr_assert_null(cv_json_key(&a, json_object_object_get(o, "zz")));
	cr_assert_str_eq(cv_json_key(&a, json_object_object_get(o, "o")),
	    "{\"k\":\"v\"}");
	json_object_put(o);
	cv_arena_free(&a);
}

/*
 * cv_json_print_sorted() of o must be byte for byte what json-c prints
 * for cv_json_sorted_new(o) with the store's flags, appended after what
 * the buffer held; and cv_json_key_sorted() of o what cv_json_key() gives
 * for the copy.
 */
static void
same_as_sorted_copy(struct json_object *o, const char *what)
{
	struct cv_arena		 a;
	struct printbuf		*pb;
	struct json_object	*c;
	const char		*want, *k1, *k2;
	size_t			 wlen;

	cv_arena_init(&a);
	c = cv_json_sorted_new(o);
	want = json_object_to_json_string_length(c, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE, &wlen);
	cr_assert_not_null(want);
	pb = printbuf_new();
	cr_assert_not_null(pb);
	printbuf_memappend(pb, "<>", 2);
	cr_assert_eq(cv_json_print_sorted(pb, o), 0, "%s", what);
	cr_assert_eq((size_t)pb->bpos, wlen + 2, "%s: %d bytes, want %zu: "
	    "%s\nwant %s", what, pb->bpos - 2, wlen, pb->buf + 2, want);
	cr_assert(memcmp(pb->buf, "<>", 2) == 0 &&
	    memcmp(pb->buf + 2, want, wlen) == 0, "%s: %s\nwant %s", what,
	    pb->buf + 2, want);
	cr_assert_eq(pb->buf[pb->bpos], '\0');
	k1 = cv_json_key(&a, c);
	k2 = cv_json_key_sorted(&a, o);
	cr_assert((k1 == NULL && k2 == NULL) ||
	    (k1 != NULL && k2 != NULL && strcmp(k1, k2) == 0),
	    "%s: key %s, want %s", what, k2 ? k2 : "NULL", k1 ? k1 : "NULL");
	printbuf_free(pb);
	json_object_put(c);
	cv_arena_free(&a);
}

Test(json, print_sorted_is_the_sorted_copy_printed)
{
	static const char *const docs[] = {
		"{}", "[]", "null", "true", "false", "0", "\"\"",
		"{\"a\":{},\"b\":[],\"c\":[[],{},[[]],[{}]]}",
		"{\"z\":{\"y\":{\"x\":[1,{\"b\":2,\"a\":[{\"d\":4,\"c\":3}]}]}},"
		    "\"a\":0}",
		/* Unicode, raw and escaped (surrogate pairs too). */
		"{\"\xc3\xa9\":\"\xc3\xbc\",\"\xe6\x97\xa5\xe6\x9c\xac\":"
		    "\"\xe8\xaa\x9e\",\"a\":\"\xf0\x9f\x98\x80\",\"\\u00e9x\":"
		    "\"\\ud83d\\ude00\",\"\\u2028\":\"\\uffff\\u0080\"}",
		/* Escapes in values and keys; '/' is not escaped. */
		"{\"s\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u0001\\u001f\\u007f "
		    "\\u0000end\",\"k\\\"ey\\n\\t\":\"v/w</script>\","
		    "\"\\u0000\":\"nul key\"}",
		/* Integers: int64 limits, past them (uint64), past that
		 * (double). */
		"{\"i\":[0,-0,1,-1,42,-42,9223372036854775807,"
		    "-9223372036854775808,9223372036854775808,"
		    "18446744073709551615,18446744073709551616,"
		    "123456789012345678901234567890]}",
		/* Doubles as parsed (json-c keeps their text). */
		"{\"d\":[0.0,-0.0,1.5,1.50,1e10,1E-7,-2.5e+300,0.1,"
		    "3.141592653589793238462643,1.0e0,100.0,5e-324,"
		    "1.7976931348623157e308]}",
		"{\"t\":true,\"f\":false,\"n\":null,\"a\":[null,true,false,"
		    "null],\"o\":{\"n\":null}}",
		/* Key order: bytes, not locale. */
		"{\"b\":1,\"a\":2,\"A\":3,\"aa\":4,\"\":5,\"a b\":6,\"~\":7,"
		    "\"\xc3\xa9\":8,\"_\":9,\"0\":10,\"a\\u0000b\":11}",
		"{\"schema_version\":\"cavra.decision.v1\",\"session_id\":"
		    "\"s-1\",\"agent_id\":\"codex\",\"repository\":"
		    "\"payments/api\",\"action_type\":\"execute_command\","
		    "\"target\":\"terraform plan -out=tfplan\",\"evidence_refs\":"
		    "[\"evidence://s-1/x\"],\"approver_group\":\"\","
		    "\"decision_id\":\"dec_1\",\"timestamp\":"
		    "\"2024-05-01T10:00:00.123456+00:00\",\"decision_count\":7}",
	};
	struct json_object	*o, *a, *deep, *big;
	char			 bytes[256], key[32], *longstr;
	size_t			 i, n;

	for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		o = json_tokener_parse(docs[i]);
		cr_assert(o != NULL || strcmp(docs[i], "null") == 0,
		    "bad test JSON %s", docs[i]);
		same_as_sorted_copy(o, docs[i]);
		/* Also as a member and an element. */
		a = json_object_new_array();
		json_object_array_add(a, json_object_get(o));
		json_object_array_add(a, NULL);
		deep = json_object_new_object();
		json_object_object_add(deep, "v", a);
		json_object_object_add(deep, "0", json_object_get(o));
		same_as_sorted_copy(deep, docs[i]);
		json_object_put(deep);
		json_object_put(o);
	}

	/* Numbers built, not parsed: json-c's own formatting. */
	o = json_object_new_object();
	json_object_object_add(o, "third", json_object_new_double(1.0 / 3));
	json_object_object_add(o, "huge", json_object_new_double(1e300));
	json_object_object_add(o, "negzero", json_object_new_double(-0.0));
	json_object_object_add(o, "whole", json_object_new_double(100.0));
	json_object_object_add(o, "tiny", json_object_new_double(5e-324));
	json_object_object_add(o, "text", json_object_new_double_s(1.5,
	    "1.50"));
	json_object_object_add(o, "min", json_object_new_int64(INT64_MIN));
	json_object_object_add(o, "max", json_object_new_int64(INT64_MAX));
	json_object_object_add(o, "umax", json_object_new_uint64(UINT64_MAX));
	json_object_object_add(o, "upast", json_object_new_uint64(
	    (uint64_t)INT64_MAX + 1));
	json_object_object_add(o, "uedge", json_object_new_uint64(INT64_MAX));
	json_object_object_add(o, "usmall", json_object_new_uint64(7));
	json_object_object_add(o, "int", json_object_new_int(-2147483647 - 1));
	json_object_object_add(o, "nul", NULL);
	/* Every byte value, NUL and invalid UTF-8 included. */
	for (i = 0; i < sizeof(bytes); i++)
		bytes[i] = (char)(255 - i);
	json_object_object_add(o, "bytes", json_object_new_string_len(bytes,
	    (int)sizeof(bytes)));
	same_as_sorted_copy(o, "built numbers and bytes");
	json_object_put(o);

	/* Objects larger than the stack sort, at and past its size. */
	for (n = 31; n <= 100; n += n < 34 ? 1 : 66) {
		big = json_object_new_object();
		for (i = 0; i < n; i++) {
			snprintf(key, sizeof(key), "k%03zu", (i * 37) % n);
			json_object_object_add(big, key, json_object_new_int64(
			    (int64_t)i));
		}
		same_as_sorted_copy(big, "many keys");
		json_object_put(big);
	}

	/* Nesting as deep as a stored record may. */
	deep = json_object_new_string("leaf");
	for (i = 0; i < CV_STORE_RECORD_DEPTH; i++) {
		o = json_object_new_object();
		json_object_object_add(o, i % 2 ? "b" : "a", deep);
		json_object_object_add(o, "c", json_object_new_int64(
		    (int64_t)i));
		if (i % 3 == 0) {
			a = json_object_new_array();
			json_object_array_add(a, o);
			o = a;
		}
		deep = o;
	}
	same_as_sorted_copy(deep, "deep");
	json_object_put(deep);

	/* A long string: the buffer grows. */
	longstr = malloc(100001);
	cr_assert_not_null(longstr);
	for (i = 0; i < 100000; i++)
		longstr[i] = i % 1000 == 999 ? '\n' : (char)('a' + i % 26);
	longstr[100000] = '\0';
	o = json_object_new_object();
	json_object_object_add(o, "z", json_object_new_string(longstr));
	json_object_object_add(o, "a", json_object_new_string("short"));
	same_as_sorted_copy(o, "long string");
	json_object_put(o);
	free(longstr);
}
