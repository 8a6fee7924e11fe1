/*
 * The error enum's one mapping to HTTP status and RFC 9457 title.
 */
#include "config.h"

#include <stddef.h>

#include "cv_err.h"

static const struct {
	int		 status;
	const char	*title;
} errs[] = {
	{ 200, "OK" },				/* CV_OK */
	{ 400, "Bad Request" },			/* CV_EINVAL */
	{ 401, "Unauthorized" },		/* CV_EAUTH */
	{ 403, "Forbidden" },			/* CV_EPERM */
	{ 404, "Not Found" },			/* CV_ENOENT */
	{ 405, "Method Not Allowed" },		/* CV_EMETHOD */
	{ 409, "Conflict" },			/* CV_ECONFLICT */
	{ 413, "Content Too Large" },		/* CV_ETOOBIG */
	{ 414, "URI Too Long" },		/* CV_EURITOOLONG */
	{ 415, "Unsupported Media Type" },	/* CV_EMEDIA */
	{ 422, "Unprocessable Content" },	/* CV_EUNPROC */
	{ 500, "Internal Server Error" },	/* CV_EIO */
	{ 500, "Internal Server Error" },	/* CV_ENOMEM */
	{ 500, "Internal Server Error" },	/* CV_EINTERNAL */
	{ 502, "Bad Gateway" },			/* CV_EUPSTREAM */
	{ 503, "Service Unavailable" },		/* CV_EBUSY */
};

_Static_assert(sizeof(errs) / sizeof(errs[0]) == CV_ERR__MAX,
    "errs[] must have one entry per enum cv_err");

int
cv_err_status(enum cv_err e)
{
	if ((unsigned)e >= CV_ERR__MAX)
		return 500;
	return errs[e].status;
}

const char *
cv_err_title(enum cv_err e)
{
	if ((unsigned)e >= CV_ERR__MAX)
		return "Internal Server Error";
	return errs[e].title;
}

const char *
cv_status_reason(int status)
{
	static const struct {
		int		 status;
		const char	*reason;
	} extra[] = {
		{ 201, "Created" },
		{ 204, "No Content" },
		{ 500, "Internal Server Error" },
	};
	size_t	 i;

	for (i = 0; i < sizeof(errs) / sizeof(errs[0]); i++)
		if (errs[i].status == status)
			return errs[i].title;
	for (i = 0; i < sizeof(extra) / sizeof(extra[0]); i++)
		if (extra[i].status == status)
			return extra[i].reason;
	return "Unknown";
}
