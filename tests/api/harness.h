/*
 * API test harness: HTTP to the stacks that tests/run-test started (one
 * with JSON stores, one with SQLite stores), with libcurl.
 */
#ifndef HARNESS_H
#define HARNESS_H

#include <stddef.h>

#include <criterion/criterion.h>
#include <json-c/json.h>

/* The go-pilot metadata_kind prefixes, spelt out here (not taken from
 * fcgi/runtime.h) so that the tests check the responder's names. */
#define GBRD		"go-backend-rollback-drill-"
#define GBRD_AAD	"go-backend-rollback-drill-acknowledgement-audit-" \
			"delivery-"

struct api_resp {
	long			 status;
	char			*body;		/* NUL-terminated */
	size_t			 len;
	char			*headers;	/* raw header block */
	struct json_object	*json;		/* parsed body, or NULL */
};

/* The local address requests come from (NULL: the default). */
void		 api_source(const char *addr);
/* Selects the stack: "json" or "sqlite". */
void		 api_use(const char *mode);
const char	*api_mode(void);
/* Sends a request; extra headers are "Name: value" strings, NULL-ended.
 * A body goes as application/json unless a Content-Type header is among
 * them ("Content-Type:" with no value sends none).
 * Fails the test when the request cannot be sent. */
void		 api_req(const char *method, const char *path, const char *body,
		    const char *const *headers, struct api_resp *);
/* As api_req() with a body of `len` bytes (may contain anything). */
void		 api_req_len(const char *method, const char *path,
		    const char *body, size_t len, const char *const *headers,
		    struct api_resp *);
void		 api_free(struct api_resp *);
/* A response header's value (case-insensitive name), malloc'ed, or NULL. */
char		*api_header(const struct api_resp *, const char *);
/* Restarts the selected stack (same port, same stores). */
void		 api_restart(void);
/* Run directory of the selected stack. */
const char	*api_run_dir(void);
/* Member of the JSON body (borrowed), failing the test when absent. */
struct json_object *api_get(struct json_object *, const char *key);
const char	*api_str(struct json_object *, const char *key);
long long	 api_int(struct json_object *, const char *key);

/* "prefix-<pid>-<nanoseconds>-<n>" into buf (len bytes): an id unique
 * across tests and runs. */
void		 api_uid(char *buf, size_t len, const char *prefix);

/* The port of receiver `name` of tests/data/<test>.recv (started by
 * tests/run-test), failing the test when there is none. */
long		 api_recv_port(const char *name);
/* The requests receiver `name` logged so far ("POST " lines count
 * when method is "POST"; NULL: every request). */
int		 api_received(const char *name, const char *method);
/* The receiver's log as text (malloc'ed; "" when empty). */
char		*api_recv_log(const char *name);

/* Asserts a problem+json error with the given status and a string detail. */
void		 api_assert_problem(const struct api_resp *, long status);

/* Defines a test that runs once against each store backend. */
#define API_TEST(suite, name)						\
	static void suite##_##name##_body(void);			\
	Test(suite##_json, name) {					\
		api_use("json");					\
		suite##_##name##_body();				\
	}								\
	Test(suite##_sqlite, name) {					\
		api_use("sqlite");					\
		suite##_##name##_body();				\
	}								\
	static void suite##_##name##_body(void)

#endif /* !HARNESS_H */
