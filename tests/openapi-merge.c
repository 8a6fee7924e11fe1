/*
 * openapi-merge [-V version] FRAGMENT...
 *
 * Merges the OpenAPI fragments that the responders print with --openapi
 * (lib/cv_openapi.h), one file each, into the OpenAPI 3.1 document of
 * the suite on standard output: the info block, the /openapi.json path
 * (served by the web server), every fragment's paths, and the components
 * (the Problem response and schema, and the fragments' schemas).  Paths,
 * the methods of a path and component names are sorted, so the output
 * does not depend on the order of the arguments.  tests/gen-openapi
 * runs it; `make openapi` writes www/openapi.json with it.
 *
 * Fails (exit 1, one line on stderr) when a fragment is not JSON, when
 * two fragments define the same operation or the same component with
 * different schemas, when two operations share an operationId, or when a
 * "$ref" of the document points nowhere.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cv_json.h"

#define KEYS_MAX	4096	/* paths, or component names, in one object */
#define REF_MAX		1024	/* bytes of one "$ref" */

static const char *const description = "Controlled Agentic Verification & "
    "Runtime Authority API for AI-agent runtime governance.";

static const char *const problem_text = "An RFC 9457 problem: 400 "
    "malformed input, 404 unknown route or record, 405 wrong method (Allow "
    "lists the methods), 413 body over 1 MiB, 414 path or query too long, "
    "415 body not JSON, 422 invalid fields or query parameters, 500 "
    "storage or internal failure, 503 store busy or responder not "
    "available.";

static const char *const problem_schema = "{"
    "\"type\": \"object\","
    "\"required\": [\"type\", \"title\", \"status\", \"detail\"],"
    "\"properties\": {"
    "  \"type\": {\"type\": \"string\"},"
    "  \"title\": {\"type\": \"string\"},"
    "  \"status\": {\"type\": \"integer\", \"minimum\": 400,"
    "    \"maximum\": 599},"
    "  \"detail\": {\"type\": \"string\"},"
    "  \"instance\": {\"type\": \"string\"},"
    "  \"errors\": {\"type\": \"array\", \"items\": {\"type\": \"object\","
    "    \"required\": [\"path\", \"message\"], \"properties\": {"
    "    \"path\": {\"type\": \"string\"},"
    "    \"message\": {\"type\": \"string\"}}}}"
    "}}";

static const char *const openapi_path = "{\"get\": {"
    "\"summary\": \"This document (served by the web server)\","
    "\"operationId\": \"get_openapi_json\","
    "\"responses\": {\"200\": {\"description\": \"OK\", \"content\": {"
    "\"application/json\": {\"schema\": {\"type\": \"object\", "
    "\"required\": [\"openapi\", \"info\", \"paths\"]}}}}}}}";

static int
fail(const char *what, const char *detail)
{
	fprintf(stderr, "openapi-merge: %s: %s\n", what, detail);
	return -1;
}

static int
cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A copy of object o whose keys are sorted (values shared).  NULL when
 * it has more than KEYS_MAX keys. */
static struct json_object *
sorted(struct json_object *o)
{
	const char		*keys[KEYS_MAX];
	struct json_object	*s;
	size_t			 n = 0, i;

	json_object_object_foreach(o, k, v) {
		(void)v;
		if (n == KEYS_MAX)
			return NULL;
		keys[n++] = k;
	}
	qsort(keys, n, sizeof(keys[0]), cmp);
	s = json_object_new_object();
	for (i = 0; i < n; i++)
		json_object_object_add(s, keys[i], json_object_get(
		    json_object_object_get(o, keys[i])));
	return s;
}

/* Adds fragment frag (from file) to paths and schemas. */
static int
merge(const char *file, struct json_object *frag, struct json_object *paths,
    struct json_object *schemas)
{
	struct json_object	*fp, *fc, *fs, *item, *old;
	char			 what[REF_MAX];

	if (!json_object_is_type(frag, json_type_object) ||
	    !json_object_object_get_ex(frag, "paths", &fp) ||
	    !json_object_is_type(fp, json_type_object))
		return fail(file, "not an OpenAPI fragment (no paths)");
	json_object_object_foreach(fp, path, ops) {
		if (!json_object_is_type(ops, json_type_object))
			return fail(file, "a path item is not an object");
		if (!json_object_object_get_ex(paths, path, &item)) {
			item = json_object_new_object();
			json_object_object_add(paths, path, item);
		}
		json_object_object_foreach(ops, method, op) {
			if (json_object_object_get_ex(item, method, NULL)) {
				snprintf(what, sizeof(what), "%s %s is "
				    "defined twice", method, path);
				return fail(file, what);
			}
			json_object_object_add(item, method,
			    json_object_get(op));
		}
	}
	if (!json_object_object_get_ex(frag, "components", &fc))
		return 0;
	if (!json_object_object_get_ex(fc, "schemas", &fs))
		return 0;
	json_object_object_foreach(fs, name, schema) {
		if (json_object_object_get_ex(schemas, name, &old)) {
			if (json_object_equal(old, schema))
				continue;
			snprintf(what, sizeof(what), "component %s is defined "
			    "twice with different schemas", name);
			return fail(file, what);
		}
		json_object_object_add(schemas, name, json_object_get(schema));
	}
	return 0;
}

/* Checks every "$ref" under o against doc, and that the operationIds
 * (collected in ids) are unique. */
static int
check(struct json_object *doc, struct json_object *o, struct json_object *ids)
{
	struct json_object	*v;
	size_t			 i, n;

	if (json_object_is_type(o, json_type_array)) {
		n = json_object_array_length(o);
		for (i = 0; i < n; i++)
			if (check(doc, json_object_array_get_idx(o, i), ids) ==
			    -1)
				return -1;
		return 0;
	}
	if (!json_object_is_type(o, json_type_object))
		return 0;
	if (json_object_object_get_ex(o, "$ref", &v) && (!json_object_is_type(v,
	    json_type_string) || cv_json_pointer(doc, json_object_get_string(v)) ==
	    NULL))
		return fail("$ref points nowhere", json_object_get_string(v));
	if (json_object_object_get_ex(o, "operationId", &v) &&
	    json_object_is_type(v, json_type_string)) {
		if (json_object_object_get_ex(ids, json_object_get_string(v),
		    NULL))
			return fail("operationId used twice",
			    json_object_get_string(v));
		json_object_object_add(ids, json_object_get_string(v), NULL);
	}
	json_object_object_foreach(o, k, val) {
		(void)k;
		if (check(doc, val, ids) == -1)
			return -1;
	}
	return 0;
}

/* The bearer of API access control (cavra-access(7)), which operations
 * name in their security when CAVRA_API_ACCESS_FILE is set. */
static const char security_schemes[] =
    "{\"bearerAuth\":{\"type\":\"http\",\"scheme\":\"bearer\","
    "\"description\":\"With CAVRA_API_ACCESS_FILE: a static API token "
    "or a verified OIDC token (cavra-access(7)); the roles an operation "
    "admits are its x-cavra-roles.  Without the file no token is "
    "needed.\"}}";

/* The document of the fragment files (new reference), or NULL. */
static struct json_object *
document(const char *version, char **files, int nfiles)
{
	struct json_object	*doc = NULL, *info, *paths, *spaths = NULL;
	struct json_object	*schemas, *sschemas = NULL, *comps, *resps;
	struct json_object	*prob, *content, *media, *ref, *frag, *ids;
	struct json_object	*item;
	int			 i, ok = 0;

	paths = json_object_new_object();
	schemas = json_object_new_object();
	json_object_object_add(paths, "/openapi.json",
	    json_tokener_parse(openapi_path));
	json_object_object_add(schemas, "Problem",
	    json_tokener_parse(problem_schema));
	for (i = 0; i < nfiles; i++) {
		if ((frag = json_object_from_file(files[i])) == NULL) {
			fail(files[i], json_util_get_last_err());
			goto out;
		}
		if (merge(files[i], frag, paths, schemas) == -1) {
			json_object_put(frag);
			goto out;
		}
		json_object_put(frag);
	}
	if ((spaths = sorted(paths)) == NULL ||
	    (sschemas = sorted(schemas)) == NULL) {
		fail("too many paths or components", "see KEYS_MAX");
		goto out;
	}
	json_object_object_foreach(spaths, path, ops) {
		if ((item = sorted(ops)) == NULL) {
			fail(path, "too many methods");
			goto out;
		}
		json_object_object_add(spaths, path, item);
	}

	doc = json_object_new_object();
	json_object_object_add(doc, "openapi",
	    json_object_new_string("3.1.0"));
	info = json_object_new_object();
	json_object_object_add(info, "title",
	    json_object_new_string("CAVRA API"));
	json_object_object_add(info, "version",
	    json_object_new_string(version));
	json_object_object_add(info, "description",
	    json_object_new_string(description));
	json_object_object_add(doc, "info", info);
	json_object_object_add(doc, "paths", spaths);
	spaths = NULL;
	comps = json_object_new_object();
	resps = json_object_new_object();
	prob = json_object_new_object();
	json_object_object_add(prob, "description",
	    json_object_new_string(problem_text));
	content = json_object_new_object();
	media = json_object_new_object();
	ref = json_object_new_object();
	json_object_object_add(ref, "$ref",
	    json_object_new_string("#/components/schemas/Problem"));
	json_object_object_add(media, "schema", ref);
	json_object_object_add(content, "application/problem+json", media);
	json_object_object_add(prob, "content", content);
	json_object_object_add(resps, "Problem", prob);
	json_object_object_add(comps, "responses", resps);
	json_object_object_add(comps, "securitySchemes",
	    json_tokener_parse(security_schemes));
	json_object_object_add(comps, "schemas", sschemas);
	sschemas = NULL;
	json_object_object_add(doc, "components", comps);

	ids = json_object_new_object();
	ok = check(doc, doc, ids) == 0;
	json_object_put(ids);
out:
	json_object_put(paths);
	json_object_put(schemas);
	json_object_put(spaths);
	json_object_put(sschemas);
	if (!ok) {
		json_object_put(doc);
		doc = NULL;
	}
	return doc;
}

int
main(int argc, char **argv)
{
	struct json_object	*doc;
	const char		*version = PACKAGE_VERSION;
	int			 ch, rc = 1;

	while ((ch = getopt(argc, argv, "V:")) != -1) {
		switch (ch) {
		case 'V':
			version = optarg;
			break;
		default:
			fprintf(stderr, "usage: openapi-merge [-V version] "
			    "fragment...\n");
			return 2;
		}
	}
	if ((doc = document(version, argv + optind, argc - optind)) == NULL)
		return 1;
	if (puts(json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PRETTY |
	    JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE)) !=
	    EOF && fflush(stdout) != EOF)
		rc = 0;
	else
		fprintf(stderr, "openapi-merge: cannot write the document\n");
	json_object_put(doc);
	return rc;
}
