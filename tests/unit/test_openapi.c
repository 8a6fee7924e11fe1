/*
 * www/openapi.json and the responders' route tables must agree: every
 * route of every built responder (`--routes`) is in openapi.json with
 * its method, and every operation of openapi.json but /openapi.json
 * itself (served by the web server) is in some route table.
 */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "cavra.h"

#define MAXOPS	1024

struct ops {
	char	*op[MAXOPS];	/* "get /path/{x}" */
	size_t	 n;
};

static void
add(struct ops *o, const char *method, const char *path)
{
	char	 buf[1024], *p;
	size_t	 i;

	snprintf(buf, sizeof(buf), "%s %s", method, path);
	for (p = buf; *p != ' '; p++)
		*p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
	/* {name...} is {name} in OpenAPI. */
	while ((p = strstr(buf, "...}")) != NULL)
		memmove(p, p + 3, strlen(p + 3) + 1);
	for (i = 0; i < o->n; i++)
		if (strcmp(o->op[i], buf) == 0)
			return;
	cr_assert_lt(o->n, MAXOPS);
	o->op[o->n++] = strdup(buf);
}

static int
has(const struct ops *o, const char *op)
{
	size_t	 i;

	for (i = 0; i < o->n; i++)
		if (strcmp(o->op[i], op) == 0)
			return 1;
	return 0;
}

static void
from_tables(struct ops *o)
{
	DIR		*d;
	struct dirent	*de;
	FILE		*f;
	char		 cmd[2048], line[2048], *m, *p;
	size_t		 nbin = 0;

	d = opendir(BUILDDIR "/fcgi");
	cr_assert_not_null(d, "no %s/fcgi", BUILDDIR);
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, "cavra-", 6) != 0 ||
		    strchr(de->d_name, '.') != NULL)
			continue;
		snprintf(cmd, sizeof(cmd), "%s/fcgi/%s --routes", BUILDDIR,
		    de->d_name);
		f = popen(cmd, "r");
		cr_assert_not_null(f);
		while (fgets(line, sizeof(line), f) != NULL) {
			m = strtok(line, "\t");
			p = strtok(NULL, "\t");
			cr_assert(m != NULL && p != NULL, "bad line from %s",
			    cmd);
			add(o, m, p);
		}
		cr_assert_eq(pclose(f), 0, "%s failed", cmd);
		nbin++;
	}
	closedir(d);
	cr_assert_gt(nbin, 0, "no responders built");
}

static void
from_openapi(struct ops *o)
{
	struct json_object	*doc, *paths;

	doc = json_object_from_file(SRCDIR "/www/openapi.json");
	cr_assert_not_null(doc, "www/openapi.json is not valid JSON");
	cr_assert_str_eq(json_object_get_string(json_object_object_get(doc,
	    "openapi")), "3.1.0");
	cr_assert(json_object_object_get_ex(doc, "paths", &paths));
	{
		json_object_object_foreach(paths, path, item) {
			json_object_object_foreach(item, method, op) {
				(void)op;
				add(o, method, path);
			}
		}
	}
	json_object_put(doc);
}

Test(openapi, agrees_with_route_tables)
{
	struct ops	 tables = { { 0 }, 0 }, doc = { { 0 }, 0 };
	size_t		 i;

	from_tables(&tables);
	from_openapi(&doc);
	for (i = 0; i < tables.n; i++)
		cr_expect(has(&doc, tables.op[i]),
		    "route %s missing from www/openapi.json (run make openapi)",
		    tables.op[i]);
	for (i = 0; i < doc.n; i++)
		cr_expect(strcmp(doc.op[i], "get /openapi.json") == 0 ||
		    has(&tables, doc.op[i]),
		    "www/openapi.json has %s, which no responder serves",
		    doc.op[i]);
	for (i = 0; i < tables.n; i++)
		free(tables.op[i]);
	for (i = 0; i < doc.n; i++)
		free(doc.op[i]);
}
