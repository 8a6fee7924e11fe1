/*
 * Fuzzes the YAML reader of policy packs and configuration files
 * (cv_yaml_parse(), lib/policy_load.c): libyaml events turned into
 * json-c values with bounded depth, no aliases and YAML 1.1 scalar
 * resolution.
 *
 * Besides crashes, leaks and UB it checks that what the reader returns
 * is JSON the strict parser accepts: its canonical text parses again
 * (with room for the YAML nesting limit) to the same canonical text (but
 * for a json-c bug, see fuzz.h).
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cavra.h"
#include "cv_policy.h"
#include "policy_int.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cv_arena		 a;
	struct json_object	*doc, *again;
	char			*canon, *canon2, err[256];

	err[0] = '\0';
	if (cv_yaml_parse((const char *)data, size, &doc, err,
	    sizeof(err)) != 0) {
		if (doc != NULL || err[0] == '\0') {
			fprintf(stderr, "fuzz_yaml: failed parse without a "
			    "message or with a value\n");
			abort();
		}
		return 0;
	}
	cv_arena_init(&a);
	canon = cv_json_canonical(&a, doc);
	if (cv_json_parse(canon, strlen(canon), CV_YAML_DEPTH_MAX + 2,
	    &again, err, sizeof(err)) != CV_OK) {
		fprintf(stderr, "fuzz_yaml: canonical text does not parse: "
		    "%s\n  %s\n", err, canon);
		abort();
	}
	canon2 = cv_json_canonical(&a, again);
	if (strcmp(canon, canon2) != 0 && !fuzz_jsonc_pair_bug(canon)) {
		fprintf(stderr, "fuzz_yaml: canonical text is not stable\n"
		    "  first:  %s\n  second: %s\n", canon, canon2);
		abort();
	}
	json_object_put(again);
	json_object_put(doc);
	cv_arena_free(&a);
	return 0;
}
