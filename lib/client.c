/*
 * The outbound HTTP client, the redaction of what it sends and the
 * delivery evidence; see cv_client.h.
 *
 * libcurl's proxy environment variables (http_proxy, https_proxy, ...)
 * are not honoured: a request goes straight to its URL, so its secret
 * headers never pass through a hop the configuration did not name.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>
#include <json-c/json.h>

#include "cv_arena.h"
#include "cv_client.h"
#include "cv_json.h"
#include "cv_limits.h"
#include "cv_util.h"

#define SLACK_HOOK		"hooks.slack.com/services/"
#define SLACK_REDACTED		"https://hooks.slack.com/services/REDACTED"
#define REDACTED		"REDACTED"

const char *const cv_redact_approval[] = {
	"authorization", "x-api-key", "api-key", NULL
};
const char *const cv_redact_connector[] = {
	"authorization", "x-api-key", "api-key", "dd-api-key", NULL
};

/* The errors of a failed delivery (cv_out_result.error). */
static const char err_unreachable[] = "connector endpoint unreachable";
static const char err_failed[] = "connector delivery failed";

static pthread_once_t	 client_once = PTHREAD_ONCE_INIT;
static CURLcode		 client_init_rc = CURLE_FAILED_INIT;

static void
client_init(void)
{
	client_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

/* Whether c may appear in an HTTP token (RFC 9110 tchar). */
static int
is_tchar(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') ||
	    (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

static int
valid_token(const char *s)
{
	if (s == NULL || *s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (!is_tchar((unsigned char)*s))
			return 0;
	return 1;
}

/* A header value we may send: no line breaks (no header injection). */
static int
valid_value(const char *s)
{
	return s != NULL && strpbrk(s, "\r\n") == NULL;
}

/* Whether url parses as an absolute http or https URL. */
static int
valid_url(const char *url)
{
	CURLU	*u;
	char	*scheme = NULL;
	int	 ok = 0;

	pthread_once(&client_once, client_init);
	if (url == NULL || (u = curl_url()) == NULL)
		return 0;
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK)
		goto out;
	ok = strcasecmp(scheme, "http") == 0 ||
	    strcasecmp(scheme, "https") == 0;
out:
	curl_free(scheme);
	curl_url_cleanup(u);
	return ok;
}

/* Whether name is one of the NULL-terminated set (any case). */
static int
in_set(const char *const *set, const char *name)
{
	for (; set != NULL && *set != NULL; set++)
		if (strcasecmp(*set, name) == 0)
			return 1;
	return 0;
}

static void
sleep_ms(long ms)
{
	struct timespec	 ts;

	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		continue;
}

/* What an attempt read of the answer's body: a count, no bytes. */
struct sink {
	size_t	 len;
	int	 capped;	/* stopped at CV_CLIENT_BODY_MAX */
};

/*
 * libcurl's write callback: takes up to CV_CLIENT_BODY_MAX bytes of the
 * answer and drops them; past that it stops the transfer (libcurl fails
 * it with CURLE_WRITE_ERROR, the status is known by then).
 */
static size_t
sink_write(char *p, size_t size, size_t nmemb, void *arg)
{
	struct sink	*s = arg;
	size_t		 len = size * nmemb;

	(void)p;
	if (len > CV_CLIENT_BODY_MAX - s->len) {
		s->capped = 1;
		return 0;
	}
	s->len += len;
	return len;
}

/* Whether a libcurl error is the library's own, not the network's. */
static int
internal_error(CURLcode rc)
{
	switch (rc) {
	case CURLE_FAILED_INIT:
	case CURLE_OUT_OF_MEMORY:
	case CURLE_BAD_FUNCTION_ARGUMENT:
	case CURLE_UNKNOWN_OPTION:
	case CURLE_NOT_BUILT_IN:
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_URL_MALFORMAT:
		return 1;
	default:
		return 0;
	}
}

/*
 * Makes one attempt of `out` with the header list `hdrs` and a total
 * timeout of timeout_ms.  Returns the HTTP status (the answer's, even
 * when its body was cut at CV_CLIENT_BODY_MAX), or 0 with *error set to
 * err_unreachable (network, TLS, timeout) or err_failed (libcurl
 * itself).
 */
static long
attempt(const struct cv_out *out, const char *method,
    struct curl_slist *hdrs, long timeout_ms, const char **error)
{
	struct sink	 sink = { 0, 0 };
	CURL		*h;
	CURLcode	 rc;
	long		 status = 0;

	*error = err_failed;
	if ((h = curl_easy_init()) == NULL)
		return 0;
	rc = curl_easy_setopt(h, CURLOPT_URL, out->url);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR,
		    "http,https");
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(h, CURLOPT_PROXY, "");
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
		    timeout_ms < CV_CLIENT_CONNECT_MS ? timeout_ms :
		    (long)CV_CLIENT_CONNECT_MS);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(h, CURLOPT_USERAGENT,
		    "CAVRA/" PACKAGE_VERSION);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, sink_write);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(h, CURLOPT_WRITEDATA, &sink);

	/* GET and HEAD carry no body; any other method sends out->body. */
	if (rc != CURLE_OK)
		goto done;
	if (strcmp(method, "GET") == 0)
		rc = curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
	else if (strcmp(method, "HEAD") == 0)
		rc = curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
	else {
		rc = curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)(out->body != NULL ? out->bodylen : 0));
		if (rc == CURLE_OK)
			rc = curl_easy_setopt(h, CURLOPT_POSTFIELDS,
			    out->body != NULL ? out->body : "");
		if (rc == CURLE_OK && strcmp(method, "POST") != 0)
			rc = curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST,
			    method);
	}
	if (rc != CURLE_OK)
		goto done;

	rc = curl_easy_perform(h);
	if (rc == CURLE_OK || (rc == CURLE_WRITE_ERROR && sink.capped)) {
		if (curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status) !=
		    CURLE_OK)
			status = 0;
		if (status > 0)
			*error = NULL;
		else
			*error = err_unreachable;
	} else if (!internal_error(rc))
		*error = err_unreachable;
done:
	curl_easy_cleanup(h);
	return *error == NULL ? status : 0;
}

/*
 * The request headers of `out` as a libcurl list: the caller's, then
 * Content-Type unless given, and an empty Expect (no 100-continue
 * wait).  NULL when out of memory; the caller frees the list.
 */
static struct curl_slist *
header_list(struct cv_arena *a, const struct cv_out *out)
{
	struct curl_slist	*l = NULL, *n;
	const char		*line;
	int			 has_ctype = 0;
	size_t			 i;

	for (i = 0; i < out->nheaders; i++) {
		if (strcasecmp(out->headers[i].name, "content-type") == 0)
			has_ctype = 1;
		/* "name;" is libcurl's form of a header with an empty value. */
		if (*out->headers[i].value == '\0')
			line = cv_arena_printf(a, "%s;", out->headers[i].name);
		else
			line = cv_arena_printf(a, "%s: %s",
			    out->headers[i].name, out->headers[i].value);
		if ((n = curl_slist_append(l, line)) == NULL)
			goto fail;
		l = n;
	}
	if (!has_ctype) {
		line = cv_arena_printf(a, "Content-Type: %s",
		    out->ctype != NULL ? out->ctype : "application/json");
		if ((n = curl_slist_append(l, line)) == NULL)
			goto fail;
		l = n;
	}
	if ((n = curl_slist_append(l, "Expect:")) == NULL)
		goto fail;
	return n;
fail:
	curl_slist_free_all(l);
	return NULL;
}

/*
 * Sends `out` up to retries+1 times (see cv_client.h) and fills *res,
 * whose error string is static or from the arena.  CV_EINVAL, with *res
 * zeroed and nothing sent, for a URL that is not an absolute http(s) URL,
 * a method that is not an HTTP token, or a header whose name is not a
 * token or whose value holds a line break.
 */
enum cv_err
cv_client_send(struct cv_arena *a, const struct cv_out *out,
    struct cv_out_result *res)
{
	struct curl_slist	*hdrs = NULL;
	const char		*method, *error = err_failed;
	long			 timeout_ms, status = 0, wait;
	int			 tries, i;
	size_t			 k;

	memset(res, 0, sizeof(*res));
	pthread_once(&client_once, client_init);
	method = out->method != NULL ? out->method : "POST";
	if (!valid_url(out->url) || !valid_token(method))
		return CV_EINVAL;
	if (out->ctype != NULL && !valid_value(out->ctype))
		return CV_EINVAL;
	for (k = 0; k < out->nheaders; k++)
		if (!valid_token(out->headers[k].name) ||
		    !valid_value(out->headers[k].value))
			return CV_EINVAL;

	/* Per attempt: at least CV_CLIENT_TIMEOUT_MIN_MS (NaN too), at most
	 * CV_CLIENT_TIMEOUT_MAX s. */
	if (!(out->timeout_s * 1000.0 >= CV_CLIENT_TIMEOUT_MIN_MS))
		timeout_ms = CV_CLIENT_TIMEOUT_MIN_MS;
	else if (out->timeout_s >= CV_CLIENT_TIMEOUT_MAX)
		timeout_ms = CV_CLIENT_TIMEOUT_MAX * 1000L;
	else
		timeout_ms = (long)(out->timeout_s * 1000.0);
	tries = out->retries < 0 ? 1 : out->retries > CV_CLIENT_RETRIES_MAX ?
	    CV_CLIENT_RETRIES_MAX + 1 : out->retries + 1;

	cv_ts_now(res->started_at, sizeof(res->started_at));
	if (client_init_rc != CURLE_OK ||
	    (hdrs = header_list(a, out)) == NULL) {
		res->attempts = 1;
		goto done;
	}
	for (i = 1; i <= tries; i++) {
		if (i > 1) {
			wait = (long)(i - 1) * CV_CLIENT_BACKOFF_MS;
			sleep_ms(wait < CV_CLIENT_BACKOFF_MAX_MS ? wait :
			    CV_CLIENT_BACKOFF_MAX_MS);
		}
		res->attempts = i;
		status = attempt(out, method, hdrs, timeout_ms, &error);
		if (error == NULL && status >= 200 && status < 300)
			break;
	}
done:
	cv_ts_now(res->completed_at, sizeof(res->completed_at));
	curl_slist_free_all(hdrs);
	res->status = status;
	if (error == NULL && status >= 200 && status < 300)
		res->success = 1;
	else if (error == NULL)
		res->error = cv_arena_printf(a, "HTTP %ld", status);
	else
		res->error = error;
	return CV_OK;
}

/*
 * The URL as it may be shown (see cv_client.h): a Slack webhook becomes
 * SLACK_REDACTED; otherwise the user:password@ of the authority goes,
 * the query string becomes "?REDACTED", and a fragment goes.  Arena;
 * NULL for NULL.
 */
char *
cv_redact_url(struct cv_arena *a, const char *url)
{
	const char	*cut, *auth, *end, *host, *p;

	if (url == NULL)
		return NULL;
	if (strcasestr(url, SLACK_HOOK) != NULL)
		return cv_arena_strdup(a, SLACK_REDACTED);
	cut = url + strcspn(url, "?#");

	/* The authority is what follows "://" up to the path, query or
	 * fragment; its userinfo ends at its last '@'. */
	auth = host = NULL;
	if ((p = strstr(url, "://")) != NULL && p < cut) {
		auth = p + 3;
		end = auth + strcspn(auth, "/?#");
		host = auth;
		for (p = auth; p < end; p++)
			if (*p == '@')
				host = p + 1;
	}
	return cv_arena_printf(a, "%.*s%.*s%s",
	    (int)(auth != NULL ? auth - url : 0), url,
	    (int)(cut - (host != NULL ? host : url)),
	    host != NULL ? host : url,
	    strchr(url, '?') != NULL ? "?" REDACTED : "");
}

/*
 * {name: value} of the headers with names lower-cased, the value
 * "REDACTED" for a name in `secret` or equal to `extra` (any case);
 * NULL values are JSON null.  New reference.
 */
static struct json_object *
redact_headers(const struct cv_kv *h, size_t n, const char *const *secret,
    const char *extra)
{
	struct json_object	*o;
	char			*name, *p;
	size_t			 i;

	o = json_object_new_object();
	for (i = 0; i < n; i++) {
		name = cv_xstrdup(h[i].name);
		for (p = name; *p != '\0'; p++)
			*p = (char)tolower((unsigned char)*p);
		if (in_set(secret, name) ||
		    (extra != NULL && strcasecmp(extra, name) == 0))
			cv_json_add_str(o, name, REDACTED);
		else
			cv_json_add_str(o, name, h[i].value);
		free(name);
	}
	return o;
}

/*
 * {name: value or "REDACTED"} of the headers (names lower-cased); a
 * NULL `secret` is cv_redact_connector.  New reference.
 */
struct json_object *
cv_redact_headers(const struct cv_kv *h, size_t n, const char *const *secret)
{
	return redact_headers(h, n, secret != NULL ? secret :
	    cv_redact_connector, NULL);
}

/*
 * Reads string key `key` of provider entry `conf`, or of the environment
 * variable named by key_env when `key` is absent or empty.  *out is NULL
 * when neither is set.  CV_EINVAL with a sentence in err when one is not
 * a string, or key_env names a variable that is unset or empty.
 */
static enum cv_err
conf_str_env(const char *name, struct json_object *conf, const char *key,
    const char **out, char *err, size_t errlen)
{
	char		 key_env[64];
	const char	*v = NULL, *var = NULL;

	*out = NULL;
	snprintf(key_env, sizeof(key_env), "%s_env", key);
	if (cv_json_str(conf, key, &v) == CV_JGET_TYPE) {
		snprintf(err, errlen, "connector %s %s must be a string", name,
		    key);
		return CV_EINVAL;
	}
	if (v != NULL && *v != '\0') {
		*out = v;
		return CV_OK;
	}
	if (cv_json_str(conf, key_env, &var) == CV_JGET_TYPE) {
		snprintf(err, errlen, "connector %s %s must be a string", name,
		    key_env);
		return CV_EINVAL;
	}
	if (var == NULL || *var == '\0')
		return CV_OK;
	if ((*out = cv_env(var)) == NULL) {
		snprintf(err, errlen,
		    "environment variable %s is required for connector %s",
		    var, key);
		return CV_EINVAL;
	}
	return CV_OK;
}

/* Reads optional string key `key` of conf into *out (dflt when absent
 * or empty).  CV_EINVAL with a sentence when it is not a string. */
static enum cv_err
conf_str(const char *name, struct json_object *conf, const char *key,
    const char *dflt, const char **out, char *err, size_t errlen)
{
	const char	*v = NULL;

	if (cv_json_str(conf, key, &v) == CV_JGET_TYPE) {
		snprintf(err, errlen, "connector %s %s must be a string", name,
		    key);
		return CV_EINVAL;
	}
	*out = v != NULL && *v != '\0' ? v : dflt;
	return CV_OK;
}

/*
 * Sets header `name` (lower-cased into the arena) of p to value,
 * replacing one of the same name.  CV_EINVAL with a sentence when the
 * name is not a token, the value holds a line break, or p already has
 * CV_CLIENT_HEADERS_MAX headers.
 */
static enum cv_err
provider_set(struct cv_arena *a, struct cv_provider *p, const char *name,
    const char *value, char *err, size_t errlen)
{
	char	*lower, *c;
	size_t	 i;

	if (!valid_token(name) || !valid_value(value)) {
		snprintf(err, errlen, "connector %s header %s is not a valid "
		    "HTTP header", p->name, name);
		return CV_EINVAL;
	}
	lower = cv_arena_strdup(a, name);
	for (c = lower; *c != '\0'; c++)
		*c = (char)tolower((unsigned char)*c);
	for (i = 0; i < p->nheaders; i++)
		if (strcmp(p->headers[i].name, lower) == 0) {
			p->headers[i].value = cv_arena_strdup(a, value);
			return CV_OK;
		}
	if (p->nheaders == CV_CLIENT_HEADERS_MAX) {
		snprintf(err, errlen, "connector %s has more than %d headers",
		    p->name, CV_CLIENT_HEADERS_MAX);
		return CV_EINVAL;
	}
	p->headers[p->nheaders].name = lower;
	p->headers[p->nheaders++].value = cv_arena_strdup(a, value);
	return CV_OK;
}

static int
provider_has(const struct cv_provider *p, const char *name)
{
	size_t	 i;

	for (i = 0; i < p->nheaders; i++)
		if (strcmp(p->headers[i].name, name) == 0)
			return 1;
	return 0;
}

/*
 * Reads entry `conf` of provider `name` into *p, every string in the
 * arena except p->conf (borrowed).  A disabled entry is read no further
 * than its `enabled`.  CV_EINVAL with a sentence in err for a key of the
 * wrong type, an *_env variable that is unset, a missing or non-http(s)
 * url, a bad method or header, or more than CV_CLIENT_HEADERS_MAX
 * headers.
 */
enum cv_err
cv_provider_load(struct cv_arena *a, const char *name,
    struct json_object *conf, struct cv_provider *p, char *err,
    size_t errlen)
{
	struct json_object	*hdrs = NULL;
	const char		*v, *scheme, *keyhdr;
	char			*m;
	enum cv_err		 e = CV_EINVAL;

	memset(p, 0, sizeof(*p));
	p->name = cv_arena_strdup(a, name);
	p->conf = conf;
	p->headers = cv_arena_alloc(a, CV_CLIENT_HEADERS_MAX *
	    sizeof(*p->headers));
	if (!json_object_is_type(conf, json_type_object)) {
		snprintf(err, errlen, "connector %s must be an object", name);
		goto out;
	}
	switch (cv_json_bool(conf, "enabled", &p->enabled)) {
	case CV_JGET_ABSENT:
		p->enabled = 1;
		break;
	case CV_JGET_TYPE:
		snprintf(err, errlen, "connector %s enabled must be true or "
		    "false", name);
		goto out;
	default:
		break;
	}
	if (!p->enabled) {
		e = CV_OK;
		goto out;
	}

	/* The endpoint. */
	if ((e = conf_str_env(name, conf, "url", &v, err, errlen)) != CV_OK)
		goto out;
	e = CV_EINVAL;
	if (v == NULL) {
		snprintf(err, errlen, "connector %s must configure url or "
		    "url_env", name);
		goto out;
	}
	if (!valid_url(v)) {
		snprintf(err, errlen, "connector %s url must be an http or "
		    "https URL", name);
		goto out;
	}
	p->url = cv_arena_strdup(a, v);
	if (conf_str(name, conf, "method", "POST", &v, err, errlen) != CV_OK)
		goto out;
	if (!valid_token(v)) {
		snprintf(err, errlen, "connector %s method is not an HTTP "
		    "method", name);
		goto out;
	}
	p->method = m = cv_arena_strdup(a, v);
	for (; *m != '\0'; m++)
		*m = (char)toupper((unsigned char)*m);

	/* The headers, then the ones the auth keys make. */
	if (cv_json_obj(conf, "headers", &hdrs) == CV_JGET_TYPE) {
		snprintf(err, errlen, "connector %s headers must be an object",
		    name);
		goto out;
	}
	if (hdrs != NULL) {
		json_object_object_foreach(hdrs, k, hv) {
			if (!json_object_is_type(hv, json_type_string)) {
				snprintf(err, errlen, "connector %s header %s "
				    "must be a string", name, k);
				goto out;
			}
			if (provider_set(a, p, k, json_object_get_string(hv),
			    err, errlen) != CV_OK)
				goto out;
		}
	}
	if (conf_str_env(name, conf, "authorization", &v, err, errlen) !=
	    CV_OK)
		goto out;
	if (v != NULL) {
		if (provider_set(a, p, "authorization", v, err, errlen) !=
		    CV_OK)
			goto out;
	} else {
		if (conf_str_env(name, conf, "token", &v, err, errlen) !=
		    CV_OK || conf_str(name, conf, "authorization_scheme",
		    "Bearer", &scheme, err, errlen) != CV_OK)
			goto out;
		if (v != NULL && provider_set(a, p, "authorization",
		    cv_arena_printf(a, "%s %s", scheme, v), err, errlen) !=
		    CV_OK)
			goto out;
	}
	if (conf_str_env(name, conf, "api_key", &v, err, errlen) != CV_OK ||
	    conf_str(name, conf, "api_key_header", "x-api-key", &keyhdr, err,
	    errlen) != CV_OK)
		goto out;
	if (v != NULL) {
		if (provider_set(a, p, keyhdr, v, err, errlen) != CV_OK)
			goto out;
		p->has_auth = 1;
	}
	p->has_auth = p->has_auth || provider_has(p, "authorization") ||
	    provider_has(p, "x-api-key") || provider_has(p, "dd-api-key");
	e = CV_OK;
out:
	return e;
}

/*
 * The evidence of one delivery (see cv_client.h).  Besides the names in
 * `secret` (NULL: cv_redact_connector), the provider's own api_key_header
 * is redacted.  status_code is null when no request went out (the error
 * is "connector delivery failed"); timestamps never taken are null.
 * New reference.
 */
struct json_object *
cv_delivery_json(struct cv_arena *a, const struct cv_provider *p,
    const struct cv_out_result *res, const char *const *secret)
{
	struct json_object	*o, *req;
	const char		*keyhdr = NULL;

	if (p->conf != NULL)
		keyhdr = cv_json_str_or(p->conf, "api_key_header", NULL);
	o = json_object_new_object();
	cv_json_add_str(o, "provider", p->name);
	cv_json_add_bool(o, "success", res->success);
	if (res->error != NULL && strcmp(res->error, err_failed) == 0)
		json_object_object_add(o, "status_code", NULL);
	else
		cv_json_add_int(o, "status_code", res->status);
	cv_json_add_int(o, "attempt_count", res->attempts);
	cv_json_add_str(o, "started_at", res->started_at[0] != '\0' ?
	    res->started_at : NULL);
	cv_json_add_str(o, "completed_at", res->completed_at[0] != '\0' ?
	    res->completed_at : NULL);
	cv_json_add_str(o, "error", res->success ? NULL : res->error);
	req = json_object_new_object();
	cv_json_add_str(req, "method", p->method != NULL ? p->method : "POST");
	cv_json_add_str(req, "url", cv_redact_url(a, p->url));
	json_object_object_add(req, "headers", redact_headers(p->headers,
	    p->nheaders, secret != NULL ? secret : cv_redact_connector,
	    keyhdr));
	json_object_object_add(o, "request", req);
	return o;
}
