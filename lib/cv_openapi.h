/*
 * The OpenAPI description of a responder, built from its route table:
 * `cavra-<name> --openapi` prints it, and tests/gen-openapi merges the
 * fragments of every responder into www/openapi.json.
 *
 * A fragment is one JSON object:
 *
 *   { "paths": { "/agents": { "get": {...}, "post": {...} }, ... },
 *     "components": { "schemas": { "Agent": {...}, ... } } }
 *
 * Each operation has its summary, an operationId (method and path with
 * every run of other characters than letters and digits as "_"), its
 * path parameters (`{name...}` is `{name}`), its query parameters, its
 * request body and its responses:
 *
 *  - Query parameters: the route's declared ones (cv_route.params); for
 *    the list handler of a resource (cv_rs_list) also the filter fields
 *    (CV_FF_FILTER, under their `param` name, enumerations with their
 *    values) and, for a CV_RS_PAGED resource, limit and offset.
 *  - Request body: for the upsert handler (cv_rs_upsert), the fields of
 *    the table with the types the builder accepts (null is the same as
 *    absent); the id is required only when the resource has no id
 *    prefix, as one of its id keys.  Other JSON routes: an object.
 *  - The 200 answer: a resource's record schema (cv_rs_schema(), as
 *    the component named after the resource's `what`, "MCP server" is
 *    "MCPServer") for get and upsert, the envelope {items, total[,
 *    limit, offset]} of records for list; the route's own schema text
 *    (cv_route.schema) for other routes, or {} when it has none.
 *  - The problems the library raises for the route (400, 404, 413,
 *    415, 422 as they apply) and "default", each a reference to
 *    #/components/responses/Problem, which the merged document defines.
 *
 * Operations of a resource handler carry "x-cavra-resource" (the
 * component's name), so tests can find them.
 */
#ifndef CV_OPENAPI_H
#define CV_OPENAPI_H

struct cv_app;
struct json_object;

/* The fragment of app (a new reference), or NULL when a route's schema
 * text is not a JSON object or two resources share a component name
 * with different schemas (logged, naming the route). */
struct json_object *cv_openapi_fragment_new(const struct cv_app *);
/* --openapi: prints app's fragment on standard output.  Returns the
 * process's exit status: 0, or 1 when the fragment cannot be built or
 * written. */
int		 cv_openapi_print(const struct cv_app *);

#endif /* !CV_OPENAPI_H */
