/*
 * Helpers the API tests share (flow.h).
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "cv_crypto.h"
#include "extra.h"
#include "flow.h"
#include "harness.h"

/* Takes nothing; returns CLOCK_MONOTONIC in milliseconds. */
long long
flow_now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Takes buf (len bytes, the caller's) and an offset in seconds; writes
 * now plus off as a workflow timestamp in UTC and returns buf. */
const char *
flow_stamp(char *buf, size_t len, long off)
{
	time_t		 t = time(NULL) + off;
	struct tm	 tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%S.000000+00:00", &tm);
	return buf;
}

/* Takes path and body (sent as they are) and the caller's r, which the
 * caller frees; asserts the answer's status is status. */
void
flow_post(const char *path, const char *body, long status,
    struct api_resp *r)
{
	api_req("POST", path, body, NULL, r);
	cr_assert_eq(r->status, status, "POST %s %s: %ld %s", path, body,
	    r->status, r->body);
}

/* Takes actor, path, body (a JSON object: asserted to start with '{')
 * and the caller's r; POSTs body with "actor_claims" (actor's email,
 * group okta-release) as its first member, asserting the status, as
 * flow_post().  The body built is this function's (freed here). */
void
flow_post_as(const char *actor, const char *path, const char *body,
    long status, struct api_resp *r)
{
	char	*buf;
	int	 empty = strcmp(body, "{}") == 0;

	cr_assert_eq(body[0], '{');
	cr_assert_neq(asprintf(&buf, "{\"actor_claims\": {\"email\": \"%s\", "
	    "\"groups\": [\"okta-release\"]}%s%s", actor, empty ? "" : ", ",
	    empty ? "}" : body + 1), -1);
	flow_post(path, buf, status, r);
	free(buf);
}

/* Takes path, a printf format and its arguments and the caller's r;
 * POSTs the body they make (built and freed here), asserting the
 * answer's status is status unless status is 0. */
void
flow_postf(const char *path, long status, struct api_resp *r,
    const char *fmt, ...)
{
	va_list	 ap;
	char	*body;

	va_start(ap, fmt);
	cr_assert_neq(vasprintf(&body, fmt, ap), -1);
	va_end(ap);
	api_req("POST", path, body, NULL, r);
	if (status != 0)
		cr_assert_eq(r->status, status, "POST %s %s: %ld %s", path,
		    body, r->status, r->body);
	free(body);
}

/* Takes path and the caller's r, which the caller frees; asserts the
 * answer's status is status. */
void
flow_get(const char *path, long status, struct api_resp *r)
{
	api_req("GET", path, NULL, NULL, r);
	cr_assert_eq(r->status, status, "GET %s: %ld %s", path, r->status,
	    r->body);
}

/* Takes path; GETs it, asserting 200, and returns the answer's "total"
 * (asserted present).  Owns and frees the answer. */
long long
flow_total(const char *path)
{
	struct api_resp	 r;
	long long	 n;

	flow_get(path, 200, &r);
	n = api_int(r.json, "total");
	api_free(&r);
	return n;
}

/* Takes a record (JSON text); POSTs it to /evidence, asserting 200.
 * Owns and frees the answer. */
void
flow_seed(const char *body)
{
	struct api_resp	 r;

	flow_post("/evidence", body, 200, &r);
	api_free(&r);
}

/* Takes a record id; GETs /evidence/{id}, asserting 200 or 404, and
 * returns whether it was 200.  Owns and frees the answer. */
int
flow_stored(const char *id)
{
	struct api_resp	 r;
	char		 path[512];
	int		 found;

	snprintf(path, sizeof(path), "/evidence/%s", id);
	api_req("GET", path, NULL, NULL, &r);
	cr_assert(r.status == 200 || r.status == 404, "%s", r.body);
	found = r.status == 200;
	api_free(&r);
	return found;
}

/* Takes an answer (the caller's); asserts a problem+json of status
 * (api_assert_problem) whose detail contains needle. */
void
flow_problem(const struct api_resp *r, long status, const char *needle)
{
	api_assert_problem(r, status);
	cr_assert(strstr(api_str(r->json, "detail"), needle) != NULL,
	    "detail %s lacks \"%s\"", api_str(r->json, "detail"), needle);
}

/* Takes an answer (the caller's); asserts a problem+json of status
 * whose detail is exactly detail. */
void
flow_problem_is(const struct api_resp *r, long status, const char *detail)
{
	api_assert_problem(r, status);
	cr_assert_str_eq(api_str(r->json, "detail"), detail, "%s", r->body);
}

/* Takes a method, path and body (NULL: none), the status and the text
 * of the detail wanted; sends the request and asserts that status and a
 * problem whose detail holds want (is want when exact).  Owns and frees
 * the answer. */
static void
fails(const char *method, const char *path, const char *body, long status,
    const char *want, int exact)
{
	struct api_resp	 r;

	api_req(method, path, body, NULL, &r);
	cr_assert_eq(r.status, status, "%s %s %s: %ld %s", method, path,
	    body != NULL ? body : "", r.status, r.body);
	if (exact)
		flow_problem_is(&r, status, want);
	else
		flow_problem(&r, status, want);
	api_free(&r);
}

/* Takes path; GETs it, asserting status and a problem whose detail
 * contains needle (flow_problem).  Owns and frees the answer. */
void
flow_get_fails(const char *path, long status, const char *needle)
{
	fails("GET", path, NULL, status, needle, 0);
}

/* Takes path and body (sent as it is); POSTs, asserting status and a
 * problem whose detail contains needle.  Owns and frees the answer. */
void
flow_post_fails(const char *path, const char *body, long status,
    const char *needle)
{
	fails("POST", path, body, status, needle, 0);
}

/* Takes path and body (sent as it is); POSTs, asserting status and a
 * problem whose detail is exactly detail.  Owns and frees the answer. */
void
flow_post_refused(const char *path, const char *body, long status,
    const char *detail)
{
	fails("POST", path, body, status, detail, 1);
}

/* Takes a directory, a file name and text (the caller's); writes the
 * text to dir/name, asserting it could (extra_write). */
void
flow_write_in(const char *dir, const char *name, const char *text)
{
	char	 path[4096];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	extra_write(path, text);
}

/* Takes an object (borrowed) and a key; asserts the member is a string
 * of 25 or more characters ending "+00:00". */
void
flow_assert_ts(struct json_object *o, const char *key)
{
	const char	*s = api_str(o, key);

	cr_assert(strlen(s) >= 25 && strcmp(s + strlen(s) - 6, "+00:00") == 0,
	    "%s: %s", key, s);
}

/* Takes an array (borrowed) and NULL-ended strings; asserts arr is an
 * array holding exactly those strings in that order. */
void
flow_assert_strv(struct json_object *arr, const char *const *want)
{
	size_t	 i;

	cr_assert(json_object_is_type(arr, json_type_array), "%s",
	    json_object_to_json_string(arr));
	for (i = 0; want[i] != NULL; i++) {
		cr_assert(i < json_object_array_length(arr), "%s is short",
		    json_object_to_json_string(arr));
		cr_assert_str_eq(json_object_get_string(
		    json_object_array_get_idx(arr, i)), want[i]);
	}
	cr_assert_eq(json_object_array_length(arr), i, "%s",
	    json_object_to_json_string(arr));
}

/* Takes an array (borrowed) and a string; returns whether an element
 * of arr is the string s.  Asserts nothing. */
int
flow_has(struct json_object *arr, const char *s)
{
	size_t	 i;

	for (i = 0; i < json_object_array_length(arr); i++)
		if (strcmp(json_object_get_string(json_object_array_get_idx(
		    arr, i)), s) == 0)
			return 1;
	return 0;
}

/* Takes an object (borrowed), the name of its array member (NULL: o is
 * the array) and one or two (k2 NULL) member names with the strings
 * they must hold; returns the first element that matches (borrowed from
 * o), or NULL.  Asserts that the member and the compared members of
 * each element visited are there (api_get, api_str). */
struct json_object *
flow_find(struct json_object *o, const char *key, const char *k1,
    const char *v1, const char *k2, const char *v2)
{
	struct json_object	*arr, *e;
	size_t			 i;

	arr = key != NULL ? api_get(o, key) : o;
	for (i = 0; i < json_object_array_length(arr); i++) {
		e = json_object_array_get_idx(arr, i);
		if (strcmp(api_str(e, k1), v1) == 0 && (k2 == NULL ||
		    strcmp(api_str(e, k2), v2) == 0))
			return e;
	}
	return NULL;
}

/* As flow_find(), asserting that an element matches. */
struct json_object *
flow_row(struct json_object *o, const char *key, const char *k1,
    const char *v1, const char *k2, const char *v2)
{
	struct json_object	*e;

	e = flow_find(o, key, k1, v1, k2, v2);
	cr_assert_not_null(e, "no %s with %s %s%s%s%s%s", key != NULL ? key :
	    "element", k1, v1, k2 != NULL ? " and " : "", k2 != NULL ? k2 :
	    "", k2 != NULL ? " " : "", k2 != NULL ? v2 : "");
	return e;
}

/* Takes an answer (the caller's) and a provider name; returns the
 * element of its "deliveries" array whose provider is name (borrowed
 * from r), asserting there is one. */
struct json_object *
flow_delivery(const struct api_resp *r, const char *name)
{
	struct json_object	*dl, *d;
	size_t			 i;

	dl = api_get(r->json, "deliveries");
	for (i = 0; i < json_object_array_length(dl); i++) {
		d = json_object_array_get_idx(dl, i);
		if (strcmp(api_str(d, "provider"), name) == 0)
			return d;
	}
	cr_assert_fail("no %s delivery in %s", name, r->body);
	return NULL;
}

/* The retry policy of the worker runs below: no wait before a retry. */
#define FLOW_IMMEDIATE	"\"retry_policy\": {\"allow_immediate_retry\": true}"

/* Takes an actor, the path of a retry worker, the count of retries the
 * run must select and the caller's r; POSTs a dry run (retry_policy
 * allow_immediate_retry) as actor and asserts 200, a dry run that
 * selected that many retries, and a first retry result skipped as
 * "dry_run", which it returns (borrowed from r; the caller frees r). */
struct json_object *
flow_worker_dry(const char *actor, const char *path, long long selected,
    struct api_resp *r)
{
	struct json_object	*run, *d;

	flow_post_as(actor, path, "{" FLOW_IMMEDIATE "}", 200, r);
	run = api_get(r->json, "run");
	cr_assert(json_object_get_boolean(api_get(run, "dry_run")));
	cr_assert_eq(api_int(api_get(run, "summary"), "selected_retry_count"),
	    selected);
	d = json_object_array_get_idx(api_get(r->json, "retry_results"), 0);
	cr_assert_str_eq(api_str(d, "skipped"), "dry_run");
	return d;
}

/* Takes an actor, the path of a retry worker and the caller's r; POSTs
 * a live run (execute, retries 0, retry_policy allow_immediate_retry)
 * as actor and asserts 200, a run that is not a dry run, and a first
 * retry result that was not skipped, which it returns (borrowed from r;
 * the caller frees r). */
struct json_object *
flow_worker_live(const char *actor, const char *path, struct api_resp *r)
{
	struct json_object	*d;

	flow_post_as(actor, path, "{\"execute\": true, \"retries\": 0, "
	    FLOW_IMMEDIATE "}", 200, r);
	cr_assert_not(json_object_get_boolean(api_get(api_get(r->json, "run"),
	    "dry_run")));
	d = json_object_array_get_idx(api_get(r->json, "retry_results"), 0);
	cr_assert_str_eq(api_str(d, "skipped"), "");
	return d;
}

/* Takes two strings (the caller's); asserts that s starts with
 * prefix. */
void
flow_assert_prefix(const char *s, const char *prefix)
{
	cr_assert_eq(strncmp(s, prefix, strlen(prefix)), 0, "%s is not %s...",
	    s, prefix);
}

/* Takes a text and a non-empty needle (both the caller's); returns how
 * often needle stands in text, not overlapping.  Asserts nothing. */
int
flow_count(const char *text, const char *needle)
{
	const char	*p;
	int		 n = 0;

	for (p = text; (p = strstr(p, needle)) != NULL; p += strlen(needle))
		n++;
	return n;
}

/* Takes a receiver log (the caller's, cut into lines here: strtok_r)
 * and a method (or NULL); returns how many request lines ("METHOD path
 * HTTP/1.x") of that method (of any method when NULL) it holds. */
int
flow_requests(char *log, const char *method)
{
	static const char *const methods[] = { "GET ", "POST ", "PUT ",
		"PATCH ", "DELETE ", "HEAD ", NULL };
	const char *const	*m;
	char			*line, *save;
	int			 n = 0;

	for (line = strtok_r(log, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if (method != NULL) {
			if (strncmp(line, method, strlen(method)) == 0 &&
			    line[strlen(method)] == ' ' && strstr(line,
			    " HTTP/1.") != NULL)
				n++;
			continue;
		}
		for (m = methods; *m != NULL; m++)
			if (strncmp(line, *m, strlen(*m)) == 0 &&
			    strstr(line, " HTTP/1.") != NULL) {
				n++;
				break;
			}
	}
	return n;
}

/* Takes a receiver name (tests/data/<test>.recv) and a string; returns
 * how often needle stands in the receiver's log.  Asserts nothing; owns
 * and frees the log. */
int
flow_logged(const char *name, const char *needle)
{
	char	*log;
	int	 n;

	log = api_recv_log(name);
	n = flow_count(log, needle);
	free(log);
	return n;
}

/* Takes a receiver name, the start of a request's first line, needle
 * and also (or NULL); returns how many of the requests in the receiver's
 * log (each from a line that starts with start to the next such line)
 * hold needle, and also when it is not NULL.  Owns and frees the log;
 * asserts nothing. */
int
flow_posts(const char *name, const char *start, const char *needle,
    const char *also)
{
	char	*log, *p, *next;
	int	 n = 0;

	log = api_recv_log(name);
	for (p = log; p != NULL && strncmp(p, start, strlen(start)) != 0; )
		if ((p = strchr(p, '\n')) != NULL)
			p++;
	for (; p != NULL; p = next) {
		for (next = strchr(p, '\n'); next != NULL && strncmp(next + 1,
		    start, strlen(start)) != 0; next = strchr(next + 1, '\n'))
			;
		if (next != NULL)
			*next++ = '\0';
		if (strstr(p, needle) != NULL && (also == NULL ||
		    strstr(p, also) != NULL))
			n++;
	}
	free(log);
	return n;
}

/* Takes a path; returns the file's contents, NUL-terminated, malloc'ed
 * (the caller frees them), or NULL when it cannot be opened.  Asserts
 * the memory was had. */
char *
flow_read_file(const char *path)
{
	FILE	*f;
	char	*buf;
	long	 n;

	if ((f = fopen(path, "r")) == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)(n > 0 ? n : 0) + 1);
	cr_assert_not_null(buf);
	n = (long)fread(buf, 1, (size_t)(n > 0 ? n : 0), f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* Takes a directory path; makes it and its parents, asserting that
 * mkdir -p succeeded. */
void
flow_mkdir_p(const char *path)
{
	char	 cmd[4096];

	snprintf(cmd, sizeof(cmd), "mkdir -p '%s'", path);
	cr_assert_eq(system(cmd), 0, "%s", cmd);
}

/* Takes len bytes at p and out (2 * CV_SHA256_LEN + 1 bytes, the
 * caller's); writes the lowercase hex SHA-256 of the bytes.  Asserts
 * nothing. */
void
flow_sha_hex(const void *p, size_t len, char *out)
{
	unsigned char	 md[CV_SHA256_LEN];

	cv_sha256(p, len, md);
	cv_hex(out, md, CV_SHA256_LEN);
}

/* Takes pub (or NULL); makes a new Ed25519 key and returns its private
 * key as PEM (malloc'ed: the caller's), its public key as PEM in *pub
 * (malloc'ed: the caller's) when pub is not NULL.  Asserts every step. */
char *
flow_ed25519(char **pub)
{
	EVP_PKEY	*k;
	BIO		*b;
	char		*p, *priv;
	long		 n;

	cr_assert_not_null(k = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519"));
	cr_assert_not_null(b = BIO_new(BIO_s_mem()));
	cr_assert_eq(PEM_write_bio_PrivateKey(b, k, NULL, NULL, 0, NULL,
	    NULL), 1);
	n = BIO_get_mem_data(b, &p);
	cr_assert_gt(n, 0);
	cr_assert_not_null(priv = strndup(p, (size_t)n));
	BIO_free(b);
	if (pub != NULL) {
		cr_assert_not_null(b = BIO_new(BIO_s_mem()));
		cr_assert_eq(PEM_write_bio_PUBKEY(b, k), 1);
		n = BIO_get_mem_data(b, &p);
		cr_assert_not_null(*pub = strndup(p, (size_t)n));
		BIO_free(b);
	}
	EVP_PKEY_free(k);
	return priv;
}
