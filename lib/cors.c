/*
 * CORS allow-list from CAVRA_CORS_ORIGINS (comma-separated, entries
 * trimmed, empty entries dropped), read once at start.  With no list
 * there is no CORS handling at all, as in the reference.
 */
#include "config.h"

#include <string.h>

#include "cv_http.h"
#include "cv_util.h"

static char	*origins[CV_CORS_ORIGINS_MAX];
static size_t	 norigins;

/*
 * Parses CAVRA_CORS_ORIGINS.  More than CV_CORS_ORIGINS_MAX entries is a
 * configuration error (logged, CV_EINVAL).
 */
enum cv_err
cv_cors_init(void)
{
	const char	*v, *p, *e, *s, *t;

	norigins = 0;
	if ((v = cv_env("CAVRA_CORS_ORIGINS")) == NULL)
		return CV_OK;
	for (p = v; *p != '\0'; p = *e == ',' ? e + 1 : e) {
		for (e = p; *e != '\0' && *e != ','; e++)
			;
		for (s = p; s < e && strchr(" \t", *s) != NULL; s++)
			;
		for (t = e; t > s && strchr(" \t", t[-1]) != NULL; t--)
			;
		if (t == s)
			continue;
		if (norigins == CV_CORS_ORIGINS_MAX) {
			cv_log("CAVRA_CORS_ORIGINS: more than %d origins",
			    CV_CORS_ORIGINS_MAX);
			return CV_EINVAL;
		}
		origins[norigins] = strndup(s, (size_t)(t - s));
		if (origins[norigins] == NULL)
			cv_fatal("out of memory");
		norigins++;
	}
	return CV_OK;
}

size_t
cv_cors_origins(const char *const **out)
{
	*out = (const char *const *)origins;
	return norigins;
}

/*
 * The Access-Control-Allow-Origin value for a request's Origin, or NULL
 * when the origin is not allowed (or CORS is off).
 */
const char *
cv_cors_allow(const char *origin)
{
	size_t	 i;

	if (origin == NULL)
		return NULL;
	for (i = 0; i < norigins; i++) {
		if (strcmp(origins[i], "*") == 0)
			return "*";
		if (strcmp(origins[i], origin) == 0)
			return origin;
	}
	return NULL;
}
