/*
 * Unit tests of the JSON helpers: strict parsing, typed getters,
 * canonical text and store keys.
 */
#include "config.h"

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
