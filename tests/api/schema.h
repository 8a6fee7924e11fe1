/*
 * A small JSON Schema (2020-12) validator for the tests: enough for the
 * schemas of www/openapi.json.  Assertions: type (a name or a list of
 * names, "null" and "integer" included), properties, required, items,
 * additionalProperties, enum, const, minimum, maximum, minLength,
 * maxLength, anyOf, and "$ref" to a JSON pointer in the same document
 * ("#/components/schemas/Agent").  Annotations (description, default,
 * readOnly, ...) are ignored.  Any other keyword is a failure, so a
 * schema is never checked by half without the test saying so.
 */
#ifndef SCHEMA_H
#define SCHEMA_H

#include <stddef.h>

#include <json-c/json.h>

#include "cv_json.h"	/* cv_json_pointer(): "$ref" resolution */

/* Checks instance inst against schema (an object, or the booleans true
 * and false), resolving references in root.  0 when it is valid; -1 with
 * the first failure, "<instance path>: <reason>", in err. */
int		 schema_check(struct json_object *root,
		    struct json_object *schema, struct json_object *inst,
		    char *err, size_t errlen);

#endif /* !SCHEMA_H */
