/*
 * The outbound HTTP client and the delivery evidence: one piece for
 * approval provider delivery, the integration connectors and workflow
 * deliveries.
 *
 * - Requests go out with libcurl (an easy handle per attempt, no signals,
 *   connect and total timeouts, HTTP(S) only, no redirects, the answer's
 *   body read up to CV_CLIENT_BODY_MAX and dropped).  Attempts are
 *   retries+1 at most (CV_CLIENT_RETRIES_MAX), stop at the first 2xx, and
 *   wait min(0.25 s x attempt, 1 s) between them.  A call blocks only the
 *   thread that makes it.
 * - Redaction: a header named authorization, x-api-key, api-key (and
 *   dd-api-key for connectors) is "REDACTED"; a Slack webhook URL becomes
 *   https://hooks.slack.com/services/REDACTED; any other URL loses its
 *   query string to "?REDACTED" (and its user:password@).  Every answer,
 *   record and log line about a delivery uses the redacted forms only.
 * - A provider spec is read from one entry of a provider/connector config
 *   file (url/url_env, method, headers, authorization/authorization_env,
 *   token/token_env with authorization_scheme, api_key/api_key_env with
 *   api_key_header, enabled).
 */
#ifndef CV_CLIENT_H
#define CV_CLIENT_H

#include <stddef.h>

#include "cv_err.h"
#include "cv_http.h"

struct cv_arena;
struct json_object;

/* One request to send. */
struct cv_out {
	const char		*method;	/* "POST" unless set */
	const char		*url;
	const struct cv_kv	*headers;	/* names lower-case */
	size_t			 nheaders;
	const char		*body;		/* sent as is */
	size_t			 bodylen;
	const char		*ctype;		/* "application/json" unless
						   set */
	double			 timeout_s;	/* per attempt; floor 0.1 */
	int			 retries;	/* extra attempts, clamped to
						   0..CV_CLIENT_RETRIES_MAX */
};

/* What happened to it. */
struct cv_out_result {
	int			 success;	/* a 2xx answer */
	long			 status;	/* last HTTP status; 0 when
						   unreachable */
	int			 attempts;
	char			 started_at[40];	/* first attempt */
	char			 completed_at[40];	/* last attempt */
	const char		*error;		/* NULL on success; else "HTTP
						   <code>", "connector endpoint
						   unreachable", ... (static or
						   arena) */
};

/* Sends `out`, retrying as above, and fills *res.  Never fails for a
 * network or HTTP error (they are in *res); CV_EINVAL for a URL that is
 * not http(s). */
enum cv_err	 cv_client_send(struct cv_arena *, const struct cv_out *,
		    struct cv_out_result *);

/* Redaction sets for cv_redact_headers(), NULL-terminated. */
extern const char *const cv_redact_approval[];	/* authorization,
						   x-api-key, api-key */
extern const char *const cv_redact_connector[];	/* and dd-api-key */
/* The URL as it may be shown; arena. */
char		*cv_redact_url(struct cv_arena *, const char *url);
/* {name: value or "REDACTED"} of the headers; new reference. */
struct json_object *cv_redact_headers(const struct cv_kv *, size_t,
		    const char *const *secret);

/* A provider (connector) as read from its config entry. */
struct cv_provider {
	const char	*name;		/* "slack" */
	const char	*method;	/* default POST */
	const char	*url;
	struct cv_kv	*headers;	/* lower-case names, including the
					   authorization and api key ones */
	size_t		 nheaders;
	int		 has_auth;	/* an authorization or api key header */
	int		 enabled;
	struct json_object *conf;	/* the entry (borrowed): extras such
					   as title, index, service */
};

/* Reads entry `conf` of provider `name` into *p (arena; *_env variables
 * are read now).  CV_EINVAL with a sentence in err (the reference's
 * wording: "environment variable X is required for connector url", ...). */
enum cv_err	 cv_provider_load(struct cv_arena *, const char *name,
		    struct json_object *conf, struct cv_provider *,
		    char *err, size_t errlen);

/*
 * The evidence of one delivery: {provider, success, status_code,
 * attempt_count, started_at, completed_at, error, request {method, url
 * (redacted), headers (redacted with `secret`)}}.  The request body is
 * never included.  New reference.
 */
struct json_object *cv_delivery_json(struct cv_arena *,
		    const struct cv_provider *, const struct cv_out_result *,
		    const char *const *secret);

#endif /* !CV_CLIENT_H */
