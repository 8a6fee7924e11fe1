/*
 * The routes of every responder of this build, as their --routes print
 * them, for the tests that compare something with the route tables.
 */
#ifndef TESTS_ROUTES_H
#define TESTS_ROUTES_H

#include <stddef.h>

struct built_route {
	char	responder[256];	/* "cavra-activity" */
	char	method[16];	/* "GET" */
	char	pattern[1024];	/* "/decisions/{decision_id}" */
};

/* Every route of every responder in BUILDDIR/fcgi: a new array of *n
 * routes (the caller frees it).  Fails the test when no responder is
 * built, one fails, or a line is not "METHOD<TAB>pattern<TAB>...". */
struct built_route *built_routes(size_t *n);

#endif /* !TESTS_ROUTES_H */
