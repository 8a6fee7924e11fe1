/*
 * Helpers the API tests share (tests/api/flow.c): workflow timestamps,
 * requests that assert their status, records stored through POST
 * /evidence, problem answers, receiver logs, files.  Every function
 * fails the running test (Criterion) when what it asserts does not hold.
 */
#ifndef FLOW_H
#define FLOW_H

#include <stddef.h>

#include "harness.h"

/* The actor of the RBAC stacks' POSTs (flow_post_as). */
#define FLOW_ACTOR	"ana@example.com"

/* Monotonic milliseconds. */
long long	 flow_now_ms(void);
/* Now plus off seconds as a workflow timestamp
 * ("YYYY-MM-DDTHH:MM:SS.000000+00:00") into buf (len bytes); buf. */
const char	*flow_stamp(char *buf, size_t len, long off);

/* POSTs body as it is into r (the caller frees r); asserts the status. */
void		 flow_post(const char *path, const char *body, long status,
		    struct api_resp *r);
/* As flow_post() with body (a JSON object, "{...}") given actor_claims
 * naming actor in group okta-release as its first member. */
void		 flow_post_as(const char *actor, const char *path,
		    const char *body, long status, struct api_resp *r);
/* POSTs the body printf(fmt, ...) makes into r (the caller frees r);
 * asserts the status unless status is 0. */
void		 flow_postf(const char *path, long status, struct api_resp *r,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* GETs path into r (the caller frees r); asserts the status. */
void		 flow_get(const char *path, long status, struct api_resp *r);
/* The "total" of the page GET path answers; asserts 200. */
long long	 flow_total(const char *path);
/* Stores record body through POST /evidence; asserts 200. */
void		 flow_seed(const char *body);
/* Whether GET /evidence/{id} finds the record; asserts 200 or 404. */
int		 flow_stored(const char *id);

/* Asserts r is a problem answer of status whose detail holds needle. */
void		 flow_problem(const struct api_resp *r, long status,
		    const char *needle);
/* Asserts r is a problem answer of status whose detail is detail. */
void		 flow_problem_is(const struct api_resp *r, long status,
		    const char *detail);
/* GET path (POST body to path): asserts the status and a problem
 * answer whose detail holds needle; frees the answer. */
void		 flow_get_fails(const char *path, long status,
		    const char *needle);
void		 flow_post_fails(const char *path, const char *body,
		    long status, const char *needle);
/* As flow_post_fails() with a detail that is exactly detail. */
void		 flow_post_refused(const char *path, const char *body,
		    long status, const char *detail);

/* Asserts member key of o is a timestamp in UTC ("...+00:00"). */
void		 flow_assert_ts(struct json_object *o, const char *key);
/* Asserts arr is an array of exactly the strings of want (NULL-ended),
 * in that order. */
void		 flow_assert_strv(struct json_object *arr,
		    const char *const *want);
/* Whether the array of strings arr (borrowed) holds s. */
int		 flow_has(struct json_object *arr, const char *s);
/* The element (borrowed) of array member key of o (of o itself when key
 * is NULL) whose string member k1 is v1 and, when k2 is not NULL, whose
 * k2 is v2: flow_find() returns NULL when there is none, flow_row()
 * fails the test. */
struct json_object *flow_find(struct json_object *o, const char *key,
		    const char *k1, const char *v1, const char *k2,
		    const char *v2);
struct json_object *flow_row(struct json_object *o, const char *key,
		    const char *k1, const char *v1, const char *k2,
		    const char *v2);
/* The element of r's "deliveries" whose provider is name (borrowed);
 * fails the test when there is none. */
struct json_object *flow_delivery(const struct api_resp *r,
		    const char *name);

/* POSTs a dry run of the retry worker at path as actor (retry_policy
 * allow_immediate_retry) into r (the caller frees r); asserts 200, a dry
 * run that selected `selected` retries and a first retry result skipped
 * as "dry_run": that result (borrowed). */
struct json_object *flow_worker_dry(const char *actor, const char *path,
		    long long selected, struct api_resp *r);
/* As flow_worker_dry() for a live run (execute, retries 0): asserts it
 * is not a dry run and that its first retry result was not skipped. */
struct json_object *flow_worker_live(const char *actor, const char *path,
		    struct api_resp *r);

/* Asserts that s starts with prefix. */
void		 flow_assert_prefix(const char *s, const char *prefix);
/* How often needle stands in text (occurrences that do not overlap). */
int		 flow_count(const char *text, const char *needle);
/* The request lines of method (any method when NULL) in receiver log
 * text log, which this cuts into lines (strtok_r). */
int		 flow_requests(char *log, const char *method);
/* How often needle stands in the log of receiver `name` of
 * tests/data/<test>.recv (api_recv_log). */
int		 flow_logged(const char *name, const char *needle);
/* The requests receiver `name` (tests/data/<test>.recv) logged, each
 * from a line starting with start to the next, that hold needle and,
 * when not NULL, also. */
int		 flow_posts(const char *name, const char *start,
		    const char *needle, const char *also);
/* The contents of file path (malloc'ed), or NULL when it cannot be
 * read. */
char		*flow_read_file(const char *path);
/* Writes text to file dir/name, failing the test when it cannot. */
void		 flow_write_in(const char *dir, const char *name,
		    const char *text);
/* mkdir -p path; asserts it worked. */
void		 flow_mkdir_p(const char *path);
/* The SHA-256 of p (len bytes) in lowercase hex into out (65 bytes). */
void		 flow_sha_hex(const void *p, size_t len, char *out);

/* A new Ed25519 key: its private key as PEM (malloc'ed), and its public
 * key as PEM (malloc'ed) in *pub when pub is not NULL. */
char		*flow_ed25519(char **pub);

#endif /* !FLOW_H */
