/*
 * Connectors: live delivery of a CAVRA event to the SIEM, ITSM, chat,
 * CI and device-management tools of CAVRA_CONNECTOR_CONFIG, answered as
 * a cavra.connector.delivery.v1 record (record-contracts.md 3.2, 3.3).
 * Used by cavra-integrations (POST /integrations/{id}/deliver) and by
 * any responder that delivers workflow events: the event is any JSON
 * object.
 *
 * - The config file (JSON, or YAML by its name) holds a map of
 *   connectors: its "connectors" member, else its "providers" member,
 *   else the file's object itself.  Every value must be an object.  Of
 *   the names, the sixteen of cv_connector_providers[] are connectors;
 *   other names are ignored, as are entries with "enabled": false.
 * - cv_connector_init() reads and checks the whole file once, at start:
 *   every enabled entry's url, method, headers, authorization, token,
 *   api key and *_env variables (read then, not per delivery), and that
 *   the providers which need credentials have them.  A broken file or
 *   entry is one log line and CV_EINVAL (the responder exits 78), so no
 *   delivery ever meets a broken entry: the reference instead fails
 *   every delivery, to any provider, while one entry is broken.
 * - A delivery builds each selected provider's body from the event
 *   (the event's provider_payloads.<provider> object, when there is one,
 *   is sent as it is), sends it with the HTTP client of cv_client.h
 *   (timeout per attempt, retries, redirects refused) one provider after
 *   the other in name order, and answers with the redacted evidence of
 *   each: no answer, record or log line holds an authorization or API
 *   key header value, a Slack webhook path or a URL's query string.
 *
 * The state read at start is read-only afterwards: deliveries may run
 * on several threads at once.
 */
#ifndef CV_CONNECTOR_H
#define CV_CONNECTOR_H

#include <stddef.h>

#include "cv_err.h"

struct cv_arena;
struct cv_req;
struct json_object;

#define CV_CONNECTOR_ENV	"CAVRA_CONNECTOR_CONFIG"

/* The sixteen connector names, sorted, NULL-terminated. */
extern const char *const cv_connector_providers[];
/* Those that must have credentials (an authorization, x-api-key or
 * dd-api-key header, a token or an api key), NULL-terminated. */
extern const char *const cv_connector_auth_required[];

/*
 * Reads CAVRA_CONNECTOR_CONFIG (unset or empty: no connectors are
 * configured, which is not an error) and checks every enabled entry as
 * above.  On failure logs one line naming the variable, the file and
 * the problem ("connector jira must configure token_env,
 * authorization_env, api_key_env, or authorization header") and returns
 * CV_EINVAL.  Called once in the parent, from a responder's init();
 * calling it again re-reads (cv_connector_fini() first).
 */
enum cv_err	 cv_connector_init(void);
void		 cv_connector_fini(void);
/* Whether a connector config was read (it may hold no connector). */
int		 cv_connector_configured(void);
/* The enabled connectors' names, in name order, into names (at most
 * max; the strings live until cv_connector_fini()); their count. */
size_t		 cv_connector_names(const char **names, size_t max);

/*
 * Delivers `event` (borrowed, not changed) to `providers`: "all" (every
 * enabled connector), or a comma-separated list of names (spaces around
 * a name ignored; an empty list delivers to none), each of which must
 * be configured and enabled.  `retries` extra attempts per provider
 * (clamped to 0..CV_CLIENT_RETRIES_MAX), `timeout_s` per attempt
 * (clamped to the client's bounds).
 *
 * *out (new reference) is {schema_version "cavra.connector.delivery.v1",
 * product, event_type (the event's, else "cavra.connector.event"),
 * event_id (the first non-empty of the event's session_id,
 * execution_id, rollback_id, publication_id, export_id, approval_id,
 * request_id, event_id, else its event_type, else null), session_id
 * (the event's or null), generated_at, success (every delivery
 * succeeded; true for none), deliveries (sorted by provider)}.  A failed
 * delivery is in the answer, not an error.
 *
 * CV_EINVAL with a sentence in err (a 400 for the caller) when no config
 * was read ("connector config is not configured"), a name is not
 * configured ("connector provider is not configured: github, jenkins"),
 * or splunk is selected and the event's timestamp is not an ISO 8601
 * time.  *out may hold references to values of the event.
 */
enum cv_err	 cv_connector_deliver(struct cv_arena *,
		    struct json_object *event, const char *providers,
		    int retries, double timeout_s, struct json_object **out,
		    char *err, size_t errlen);

/*
 * The delivery settings of a request body (absent or null: the
 * defaults): retries, an integer (default 2, clamped to
 * 0..CV_CLIENT_RETRIES_MAX), and timeout_seconds, a number (default 10,
 * clamped to the client's bounds).  A 400 problem on req for another
 * type.
 */
enum cv_err	 cv_connector_opts(struct cv_req *, struct json_object *body,
		    int *retries, double *timeout_s);

/* A Teams fact {"name": name, "value": value}, and a Slack text
 * {"type": "mrkdwn", "text": text}.  New references. */
struct json_object *cv_connector_fact(const char *name, const char *value);
struct json_object *cv_connector_mrkdwn(const char *text);

#endif /* !CV_CONNECTOR_H */
