/*
 * built_routes(): see routes.h.
 */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "routes.h"

struct built_route *
built_routes(size_t *n)
{
	struct built_route	*r = NULL;
	struct dirent		*de;
	DIR			*d;
	FILE			*f;
	char			 cmd[2048], line[2048], *m, *p;
	size_t			 cap = 0, nbin = 0;

	*n = 0;
	d = opendir(BUILDDIR "/fcgi");
	cr_assert_not_null(d, "no %s/fcgi", BUILDDIR);
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, "cavra-", 6) != 0 ||
		    strchr(de->d_name, '.') != NULL)
			continue;
		snprintf(cmd, sizeof(cmd), "%s/fcgi/%s --routes", BUILDDIR,
		    de->d_name);
		cr_assert_not_null(f = popen(cmd, "r"));
		while (fgets(line, sizeof(line), f) != NULL) {
			m = strtok(line, "\t");
			p = strtok(NULL, "\t\n");
			cr_assert(m != NULL && p != NULL, "bad line from %s",
			    cmd);
			if (*n == cap) {
				cap = cap == 0 ? 64 : 2 * cap;
				r = realloc(r, cap * sizeof(*r));
				cr_assert_not_null(r);
			}
			snprintf(r[*n].responder, sizeof(r[*n].responder),
			    "%s", de->d_name);
			snprintf(r[*n].method, sizeof(r[*n].method), "%s", m);
			snprintf(r[*n].pattern, sizeof(r[*n].pattern), "%s",
			    p);
			(*n)++;
		}
		cr_assert_eq(pclose(f), 0, "%s failed", cmd);
		nbin++;
	}
	closedir(d);
	cr_assert_gt(nbin, 0, "no responders built");
	return r;
}
