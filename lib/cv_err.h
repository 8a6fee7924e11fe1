/*
 * The one error enum of the suite and its mapping to HTTP.  Library
 * functions that can fail return enum cv_err; handlers return it too, and
 * the serve loop turns a non-CV_OK return into an RFC 9457 problem.
 */
#ifndef CV_ERR_H
#define CV_ERR_H

enum cv_err {
	CV_OK = 0,
	CV_EINVAL,	/* 400 bad input: malformed JSON, bad query value */
	CV_EAUTH,	/* 401 missing or invalid credentials */
	CV_EPERM,	/* 403 authenticated but not allowed */
	CV_ENOENT,	/* 404 no such record or route */
	CV_EMETHOD,	/* 405 route exists, method does not */
	CV_ECONFLICT,	/* 409 state does not allow the change */
	CV_ETOOBIG,	/* 413 body over CV_BODY_MAX */
	CV_EURITOOLONG,	/* 414 path or query over its limit */
	CV_EMEDIA,	/* 415 body is not JSON */
	CV_EUNPROC,	/* 422 well-formed but invalid fields */
	CV_EIO,		/* 500 storage or file system failure */
	CV_ENOMEM,	/* 500 allocation failure */
	CV_EINTERNAL,	/* 500 a bug: should not happen */
	CV_EUPSTREAM,	/* 502 a connector or identity provider failed */
	CV_EBUSY,	/* 503 store busy past its timeout */
	CV_ERR__MAX
};

int		 cv_err_status(enum cv_err);	/* HTTP status */
const char	*cv_err_title(enum cv_err);	/* RFC 9457 title */
const char	*cv_status_reason(int status);	/* "Not Found" */

#endif /* !CV_ERR_H */
