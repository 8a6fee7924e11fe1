/*
 * Connectors: CAVRA_CONNECTOR_CONFIG read and checked once, the request
 * body of each provider built from an event, and the delivery with its
 * cavra.connector.delivery.v1 answer; see cv_connector.h.
 *
 * Where a body puts an event value into text (Slack fields, Teams facts,
 * CI variables, the Datadog message), the value is written as the
 * reference writes it: a string as it is, null as "None", a boolean as
 * "True" or "False", a number as its JSON text.
 */
#include "config.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "cavra.h"
#include "cv_arena.h"
#include "cv_client.h"
#include "cv_conf.h"
#include "cv_connector.h"
#include "cv_http.h"
#include "cv_json.h"
#include "cv_limits.h"
#include "cv_util.h"

#define NPROVIDERS	16
#define DELIVERY_SCHEMA	"cavra.connector.delivery.v1"
#define WEBHOOK_SCHEMA	"cavra.webhook.evidence.v1"
#define RETRIES_DEFAULT	2
#define TIMEOUT_DEFAULT	10.0

const char *const cv_connector_providers[] = {
	"azure_repos", "datadog", "github", "github_actions", "gitlab",
	"intune", "jamf", "jenkins", "jira", "linux", "sentinel",
	"servicenow", "slack", "splunk", "teams", "webhook", NULL
};

const char *const cv_connector_auth_required[] = {
	"azure_repos", "datadog", "github", "github_actions", "gitlab",
	"jenkins", "jira", "sentinel", "servicenow", "splunk", NULL
};

/* The keys an event's identity is taken from, in order. */
static const char *const identity_keys[] = {
	"session_id", "execution_id", "rollback_id", "publication_id",
	"export_id", "approval_id", "request_id", "event_id", NULL
};

/* One enabled connector as read at start. */
struct connector {
	struct cv_provider	 p;
	const char		*title;		/* NULL: "CAVRA <event_type>" */
	const char		*index;		/* splunk */
	const char		*service;	/* datadog */
	const char		*event_type;	/* github */
	const char		*ref;		/* gitlab, github_actions */
};

/* What cv_connector_init() read: long-lived, read-only afterwards. */
static struct {
	int			 configured;
	struct json_object	*doc;		/* the file; entries borrowed */
	struct cv_arena		 arena;		/* the providers' strings */
	struct connector	 c[NPROVIDERS];	/* in name order */
	size_t			 n;
} conn;

void
cv_connector_fini(void)
{
	if (conn.configured)
		cv_arena_free(&conn.arena);
	json_object_put(conn.doc);
	memset(&conn, 0, sizeof(conn));
}

int
cv_connector_configured(void)
{
	return conn.configured;
}

size_t
cv_connector_names(const char **names, size_t max)
{
	size_t	 i;

	for (i = 0; i < conn.n && i < max; i++)
		names[i] = conn.c[i].p.name;
	return i;
}

/*
 * String key `key` of entry `conf` of connector `name` into *out: dflt
 * when absent or null (and, with empty_dflt, when ""), the entry's
 * string otherwise (borrowed from the entry).  CV_EINVAL with a
 * sentence for another type.
 */
static enum cv_err
extra_str(const char *name, struct json_object *conf, const char *key,
    const char *dflt, int empty_dflt, const char **out, char *err,
    size_t errlen)
{
	const char	*v = NULL;

	if (cv_json_str(conf, key, &v) == CV_JGET_TYPE) {
		snprintf(err, errlen, "connector %s %s must be a string", name,
		    key);
		return CV_EINVAL;
	}
	*out = v == NULL || (empty_dflt && *v == '\0') ? dflt : v;
	return CV_OK;
}

/* Whether provider p has header `name` (lower case). */
static int
has_header(const struct cv_provider *p, const char *name)
{
	size_t	 i;

	for (i = 0; i < p->nheaders; i++)
		if (strcmp(p->headers[i].name, name) == 0)
			return 1;
	return 0;
}

/*
 * Reads entry `entry` of connector `name` into c (strings in conn.arena,
 * the extras borrowed from the entry): its spec, the credentials its
 * provider needs, its extras, and a content-type header unless it has
 * one (the request evidence shows it).  *enabled is 0 for a disabled
 * entry, read no further.  CV_EINVAL with a sentence in err.
 */
static enum cv_err
load_one(const char *name, struct json_object *entry, struct connector *c,
    int *enabled, char *err, size_t errlen)
{
	struct cv_provider	*p = &c->p;

	memset(c, 0, sizeof(*c));
	*enabled = 0;
	if (cv_provider_load(&conn.arena, name, entry, p, err, errlen) !=
	    CV_OK)
		return CV_EINVAL;
	if (!p->enabled)
		return CV_OK;
	if (cv_strv_has(cv_connector_auth_required, name) && !p->has_auth) {
		snprintf(err, errlen, "connector %s must configure token_env, "
		    "authorization_env, api_key_env, or authorization header",
		    name);
		return CV_EINVAL;
	}
	if (extra_str(name, entry, "title", NULL, 1, &c->title, err,
	    errlen) != CV_OK ||
	    extra_str(name, entry, "index", "cavra", 0, &c->index, err,
	    errlen) != CV_OK ||
	    extra_str(name, entry, "service", "cavra", 0, &c->service, err,
	    errlen) != CV_OK ||
	    extra_str(name, entry, "event_type", "cavra_runtime_event", 0,
	    &c->event_type, err, errlen) != CV_OK ||
	    extra_str(name, entry, "ref", "main", 0, &c->ref, err, errlen) !=
	    CV_OK)
		return CV_EINVAL;
	if (!has_header(p, "content-type")) {
		if (p->nheaders == CV_CLIENT_HEADERS_MAX) {
			snprintf(err, errlen, "connector %s has more than %d "
			    "headers", name, CV_CLIENT_HEADERS_MAX - 1);
			return CV_EINVAL;
		}
		p->headers[p->nheaders].name = "content-type";
		p->headers[p->nheaders++].value = "application/json";
	}
	*enabled = 1;
	return CV_OK;
}

/*
 * Reads the connector map of doc into conn.c (see cv_connector.h).
 * CV_EINVAL with a sentence in err.
 */
static enum cv_err
load(struct json_object *doc, char *err, size_t errlen)
{
	const char *const	*name;
	struct json_object	*map, *entry;
	int			 enabled;

	if (!json_object_object_get_ex(doc, "connectors", &map) &&
	    !json_object_object_get_ex(doc, "providers", &map))
		map = doc;
	if (!json_object_is_type(map, json_type_object)) {
		snprintf(err, errlen, "connector config must contain "
		    "connector objects");
		return CV_EINVAL;
	}
	json_object_object_foreach(map, key, val) {
		if (!json_object_is_type(val, json_type_object)) {
			snprintf(err, errlen, "connector %s config must be an "
			    "object", key);
			return CV_EINVAL;
		}
	}
	for (name = cv_connector_providers; *name != NULL; name++) {
		if (!json_object_object_get_ex(map, *name, &entry))
			continue;
		if (load_one(*name, entry, &conn.c[conn.n], &enabled, err,
		    errlen) != CV_OK)
			return CV_EINVAL;
		if (enabled)
			conn.n++;
	}
	return CV_OK;
}

enum cv_err
cv_connector_init(void)
{
	struct json_object	*doc = NULL;
	char			 err[512];

	cv_connector_fini();
	if (cv_conf_load(CV_CONNECTOR_ENV, &doc) != CV_OK)
		return CV_EINVAL;
	if (doc == NULL)
		return CV_OK;
	conn.configured = 1;
	conn.doc = doc;
	cv_arena_init(&conn.arena);
	err[0] = '\0';
	if (load(doc, err, sizeof(err)) != CV_OK) {
		cv_log("%s: %s: %s", CV_CONNECTOR_ENV, cv_env(CV_CONNECTOR_ENV),
		    err);
		cv_connector_fini();
		return CV_EINVAL;
	}
	return CV_OK;
}

/* ---- event values ---------------------------------------------------- */

/* The value of key in event as text (see the top of this file); dflt
 * when the key is absent.  Arena or borrowed. */
static const char *
ev_text(struct cv_arena *a, struct json_object *event, const char *key,
    const char *dflt)
{
	struct json_object	*v;

	if (!json_object_object_get_ex(event, key, &v))
		return dflt;
	switch (json_object_get_type(v)) {
	case json_type_null:
		return "None";
	case json_type_boolean:
		return json_object_get_boolean(v) ? "True" : "False";
	default:
		return cv_json_key(a, v);
	}
}

/* The value of key in event (new reference, NULL for null), or dflt
 * (consumed) when the key is absent. */
static struct json_object *
ev_val(struct json_object *event, const char *key, struct json_object *dflt)
{
	struct json_object	*v;

	if (!json_object_object_get_ex(event, key, &v))
		return dflt;
	json_object_put(dflt);
	return json_object_get(v);
}

/* The event's identity (see cv_connector.h) as text, or NULL. */
static const char *
identity(struct cv_arena *a, struct json_object *event)
{
	const char *const	*k;
	struct json_object	*v;

	for (k = identity_keys; *k != NULL; k++)
		if (json_object_object_get_ex(event, *k, &v) &&
		    cv_json_truthy(v))
			return ev_text(a, event, *k, NULL);
	if (json_object_object_get_ex(event, "event_type", &v) &&
	    cv_json_truthy(v))
		return ev_text(a, event, "event_type", NULL);
	return NULL;
}

/* The event's max_severity (default low) in lower case; arena. */
static char *
severity(struct cv_arena *a, struct json_object *event)
{
	char	*s, *p;

	s = cv_arena_strdup(a, ev_text(a, event, "max_severity", "low"));
	for (p = s; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	return s;
}

static const char *
sentinel_severity(const char *sev)
{
	if (strcmp(sev, "critical") == 0 || strcmp(sev, "high") == 0)
		return "High";
	if (strcmp(sev, "medium") == 0)
		return "Medium";
	if (strcmp(sev, "low") == 0)
		return "Low";
	return "Informational";
}

static const char *
datadog_status(const char *sev)
{
	if (strcmp(sev, "critical") == 0 || strcmp(sev, "high") == 0)
		return "error";
	if (strcmp(sev, "medium") == 0)
		return "warning";
	return "info";
}

/* Seconds since the epoch as the shortest decimal text that reads back
 * as the same number, with at least one decimal (as Python prints a
 * float of that size). */
static struct json_object *
float_json(double v)
{
	char	 buf[64];
	int	 prec;

	for (prec = 1; prec < 9; prec++) {
		snprintf(buf, sizeof(buf), "%.*f", prec, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	return json_object_new_double_s(v, buf);
}

/* ---- bodies ------------------------------------------------------------ */

static struct json_object *
str_json(const char *s)
{
	return s != NULL ? json_object_new_string(s) : NULL;
}

/* The event summary of the CI and repository providers; new reference. */
static struct json_object *
summary(struct cv_arena *a, struct json_object *event)
{
	struct json_object	*o;

	o = json_object_new_object();
	json_object_object_add(o, "product", ev_val(event, "product",
	    json_object_new_string(CV_PRODUCT)));
	json_object_object_add(o, "event_type", ev_val(event, "event_type",
	    json_object_new_string("cavra.connector.event")));
	json_object_object_add(o, "event_id", str_json(identity(a, event)));
	json_object_object_add(o, "session_id", ev_val(event, "session_id",
	    NULL));
	json_object_object_add(o, "decision_count", ev_val(event,
	    "decision_count", json_object_new_int(0)));
	json_object_object_add(o, "blocked_count", ev_val(event,
	    "blocked_count", json_object_new_int(0)));
	json_object_object_add(o, "approval_required_count", ev_val(event,
	    "approval_required_count", json_object_new_int(0)));
	json_object_object_add(o, "max_severity", ev_val(event,
	    "max_severity", json_object_new_string("low")));
	return o;
}

/*
 * The CI variables of the event: <prefix>_EVENT_TYPE, _EVENT_ID,
 * _SESSION_ID, _BLOCKED_COUNT, _MAX_SEVERITY, as name/value pairs into
 * n[5] and v[5] (arena).
 */
static void
ci_vars(struct cv_arena *a, struct json_object *event, const char *prefix,
    const char **n, const char **v)
{
	struct json_object	*s;
	const char		*id;

	n[0] = cv_arena_printf(a, "%s_EVENT_TYPE", prefix);
	v[0] = ev_text(a, event, "event_type", "cavra.connector.event");
	n[1] = cv_arena_printf(a, "%s_EVENT_ID", prefix);
	v[1] = (id = identity(a, event)) != NULL ? id : "None";
	n[2] = cv_arena_printf(a, "%s_SESSION_ID", prefix);
	v[2] = json_object_object_get_ex(event, "session_id", &s) &&
	    cv_json_truthy(s) ? ev_text(a, event, "session_id", "") : "";
	n[3] = cv_arena_printf(a, "%s_BLOCKED_COUNT", prefix);
	v[3] = ev_text(a, event, "blocked_count", "0");
	n[4] = cv_arena_printf(a, "%s_MAX_SEVERITY", prefix);
	v[4] = ev_text(a, event, "max_severity", "low");
}

/* {name: value} of the CI variables; new reference. */
static struct json_object *
ci_object(struct cv_arena *a, struct json_object *event, const char *prefix)
{
	struct json_object	*o;
	const char		*n[5], *v[5];
	size_t			 i;

	ci_vars(a, event, prefix, n, v);
	o = json_object_new_object();
	for (i = 0; i < 5; i++)
		cv_json_add_str(o, n[i], v[i]);
	return o;
}

/* Jenkins' [{name, value}] of the CI variables; new reference. */
static struct json_object *
ci_params(struct cv_arena *a, struct json_object *event)
{
	struct json_object	*l, *o;
	const char		*n[5], *v[5];
	size_t			 i;

	ci_vars(a, event, "CAVRA", n, v);
	l = json_object_new_array();
	for (i = 0; i < 5; i++) {
		o = json_object_new_object();
		cv_json_add_str(o, "name", n[i]);
		cv_json_add_str(o, "value", v[i]);
		json_object_array_add(l, o);
	}
	return l;
}

struct json_object *
cv_connector_mrkdwn(const char *text)
{
	struct json_object	*o;

	o = json_object_new_object();
	cv_json_add_str(o, "type", "mrkdwn");
	cv_json_add_str(o, "text", text);
	return o;
}

/* The Slack field "*label:* value"; new reference. */
static struct json_object *
mrkdwn(struct cv_arena *a, const char *label, const char *value)
{
	return cv_connector_mrkdwn(cv_arena_printf(a, "*%s:* %s", label,
	    value));
}

static struct json_object *
slack_body(struct cv_arena *a, struct json_object *event, const char *title)
{
	struct json_object	*o, *blocks, *b, *t, *f;

	o = json_object_new_object();
	cv_json_add_str(o, "text", title);
	blocks = json_object_new_array();
	b = json_object_new_object();
	cv_json_add_str(b, "type", "header");
	t = json_object_new_object();
	cv_json_add_str(t, "type", "plain_text");
	cv_json_add_str(t, "text", title);
	json_object_object_add(b, "text", t);
	json_object_array_add(blocks, b);
	b = json_object_new_object();
	cv_json_add_str(b, "type", "section");
	f = json_object_new_array();
	json_object_array_add(f, mrkdwn(a, "Event", ev_text(a, event,
	    "event_type", "cavra.event")));
	json_object_array_add(f, mrkdwn(a, "Session", ev_text(a, event,
	    "session_id", "n/a")));
	json_object_array_add(f, mrkdwn(a, "Blocked", ev_text(a, event,
	    "blocked_count", "0")));
	json_object_array_add(f, mrkdwn(a, "Severity", ev_text(a, event,
	    "max_severity", "low")));
	json_object_object_add(b, "fields", f);
	json_object_array_add(blocks, b);
	json_object_object_add(o, "blocks", blocks);
	return o;
}

struct json_object *
cv_connector_fact(const char *name, const char *value)
{
	struct json_object	*o;

	o = json_object_new_object();
	cv_json_add_str(o, "name", name);
	cv_json_add_str(o, "value", value);
	return o;
}

static struct json_object *
teams_body(struct cv_arena *a, struct json_object *event, const char *title)
{
	struct json_object	*o, *secs, *sec, *f, *v;
	int			 blocked;

	blocked = json_object_object_get_ex(event, "blocked_count", &v) &&
	    cv_json_truthy(v);
	o = json_object_new_object();
	cv_json_add_str(o, "@type", "MessageCard");
	cv_json_add_str(o, "@context", "https://schema.org/extensions");
	cv_json_add_str(o, "summary", title);
	cv_json_add_str(o, "themeColor", blocked ? "C62828" : "2E7D32");
	secs = json_object_new_array();
	sec = json_object_new_object();
	cv_json_add_str(sec, "activityTitle", title);
	f = json_object_new_array();
	json_object_array_add(f, cv_connector_fact("Event", ev_text(a, event,
	    "event_type", "cavra.event")));
	json_object_array_add(f, cv_connector_fact("Session", ev_text(a,
	    event, "session_id", "n/a")));
	json_object_array_add(f, cv_connector_fact("Blocked", ev_text(a,
	    event, "blocked_count", "0")));
	json_object_array_add(f, cv_connector_fact("Severity", ev_text(a,
	    event, "max_severity", "low")));
	json_object_object_add(sec, "facts", f);
	json_object_array_add(secs, sec);
	json_object_object_add(o, "sections", secs);
	return o;
}

static struct json_object *
jira_body(struct cv_arena *a, struct json_object *event, const char *title)
{
	struct json_object	*o, *f, *l;
	char			*label, *p;

	label = cv_arena_strdup(a, ev_text(a, event, "event_type", "event"));
	for (p = label; *p != '\0'; p++)
		if (*p == '.')
			*p = '-';
	f = json_object_new_object();
	cv_json_add_str(f, "summary", title);
	cv_json_add_str(f, "description", cv_json_pretty_sorted(a, event));
	l = json_object_new_array();
	json_object_array_add(l, json_object_new_string("cavra"));
	json_object_array_add(l, json_object_new_string("ai-agent-governance"));
	json_object_array_add(l, json_object_new_string(label));
	json_object_object_add(f, "labels", l);
	o = json_object_new_object();
	json_object_object_add(o, "fields", f);
	return o;
}

static struct json_object *
servicenow_body(struct cv_arena *a, struct json_object *event,
    const char *title)
{
	struct json_object	*o, *v;

	o = json_object_new_object();
	cv_json_add_str(o, "short_description", title);
	cv_json_add_str(o, "description", cv_json_pretty_sorted(a, event));
	cv_json_add_str(o, "category", "software");
	if (json_object_object_get_ex(event, "session_id", &v) &&
	    cv_json_truthy(v))
		json_object_object_add(o, "correlation_id",
		    json_object_get(v));
	else
		json_object_object_add(o, "correlation_id", ev_val(event,
		    "event_type", NULL));
	return o;
}

/* Splunk HEC's event; CV_EINVAL when the event's timestamp is set and
 * not an ISO 8601 time. */
static enum cv_err
splunk_body(struct json_object *event, const struct connector *c,
    struct json_object **out)
{
	struct json_object	*o, *v;
	struct timespec		 ts;
	double			 t;
	int64_t			 us;

	*out = NULL;
	if (json_object_object_get_ex(event, "timestamp", &v) &&
	    cv_json_truthy(v)) {
		if (!json_object_is_type(v, json_type_string) ||
		    cv_iso_time(json_object_get_string(v), &us) == -1)
			return CV_EINVAL;
		t = (double)(us / 1000000) + (double)(us % 1000000) / 1e6;
	} else {
		clock_gettime(CLOCK_REALTIME, &ts);
		t = (double)ts.tv_sec + (double)(ts.tv_nsec / 1000) / 1e6;
	}
	o = json_object_new_object();
	json_object_object_add(o, "time", float_json(t));
	cv_json_add_str(o, "host", "cavra");
	cv_json_add_str(o, "source", "cavra:evidence");
	cv_json_add_str(o, "sourcetype", "cavra:evidence:json");
	cv_json_add_str(o, "index", c->index);
	json_object_object_add(o, "event", json_object_get(event));
	*out = o;
	return CV_OK;
}

static struct json_object *
sentinel_body(struct cv_arena *a, struct json_object *event)
{
	struct json_object	*o, *r, *l;

	r = json_object_new_object();
	json_object_object_add(r, "TimeGenerated", ev_val(event, "timestamp",
	    NULL));
	cv_json_add_str(r, "SourceSystem", CV_PRODUCT);
	json_object_object_add(r, "EventName", ev_val(event, "event_type",
	    NULL));
	json_object_object_add(r, "ProductName", ev_val(event, "product",
	    NULL));
	json_object_object_add(r, "SessionId", ev_val(event, "session_id",
	    NULL));
	json_object_object_add(r, "DecisionCount", ev_val(event,
	    "decision_count", json_object_new_int(0)));
	json_object_object_add(r, "BlockedCount", ev_val(event,
	    "blocked_count", json_object_new_int(0)));
	json_object_object_add(r, "ApprovalRequiredCount", ev_val(event,
	    "approval_required_count", json_object_new_int(0)));
	cv_json_add_str(r, "Severity", sentinel_severity(severity(a, event)));
	json_object_object_add(r, "RawEvent", json_object_get(event));
	l = json_object_new_array();
	json_object_array_add(l, r);
	o = json_object_new_object();
	json_object_object_add(o, "records", l);
	return o;
}

static struct json_object *
datadog_body(struct cv_arena *a, struct json_object *event,
    const struct connector *c)
{
	struct json_object	*o, *e, *l, *tags;
	const char		*session;

	session = ev_text(a, event, "session_id", "None");
	e = json_object_new_object();
	cv_json_add_str(e, "ddsource", "cavra");
	cv_json_add_str(e, "service", c->service);
	cv_json_add_str(e, "status", datadog_status(severity(a, event)));
	cv_json_add_str(e, "message", cv_arena_printf(a, "CAVRA evidence "
	    "bundle %s recorded %s decisions, %s blocked, %s "
	    "approval-required.", session, ev_text(a, event, "decision_count",
	    "0"), ev_text(a, event, "blocked_count", "0"), ev_text(a, event,
	    "approval_required_count", "0")));
	tags = json_object_new_array();
	json_object_array_add(tags, json_object_new_string("product:cavra"));
	json_object_array_add(tags, json_object_new_string(cv_arena_printf(a,
	    "session_id:%s", session)));
	json_object_array_add(tags, json_object_new_string(cv_arena_printf(a,
	    "max_severity:%s", ev_text(a, event, "max_severity", "low"))));
	json_object_object_add(e, "tags", tags);
	json_object_object_add(e, "attributes", json_object_get(event));
	l = json_object_new_array();
	json_object_array_add(l, e);
	o = json_object_new_object();
	json_object_object_add(o, "events", l);
	return o;
}

static struct json_object *
webhook_body(struct json_object *event)
{
	struct json_object	*o;

	o = json_object_new_object();
	cv_json_add_str(o, "schema_version", WEBHOOK_SCHEMA);
	cv_json_add_str(o, "product", CV_PRODUCT);
	json_object_object_add(o, "event_type", ev_val(event, "event_type",
	    NULL));
	json_object_object_add(o, "timestamp", ev_val(event, "timestamp",
	    NULL));
	json_object_object_add(o, "payload", json_object_get(event));
	return o;
}

/*
 * The request body of connector c for event (record-contracts.md 3.2):
 * *out a new reference.  CV_EINVAL with a sentence in err when the event
 * does not fit the provider (splunk: a bad timestamp).
 */
static enum cv_err
body(struct cv_arena *a, const struct connector *c, struct json_object *event,
    struct json_object **out, char *err, size_t errlen)
{
	struct json_object	*pp, *v;
	const char		*name = c->p.name, *title;

	*out = NULL;
	if (json_object_object_get_ex(event, "provider_payloads", &pp) &&
	    json_object_is_type(pp, json_type_object) &&
	    json_object_object_get_ex(pp, name, &v) &&
	    json_object_is_type(v, json_type_object)) {
		*out = json_object_get(v);
		return CV_OK;
	}
	title = c->title != NULL ? c->title : cv_arena_printf(a, "CAVRA %s",
	    ev_text(a, event, "event_type", "event"));
	if (strcmp(name, "splunk") == 0) {
		if (splunk_body(event, c, out) == CV_OK)
			return CV_OK;
		snprintf(err, errlen, "event timestamp must be an ISO 8601 "
		    "time for connector splunk");
		return CV_EINVAL;
	}
	if (strcmp(name, "sentinel") == 0)
		*out = sentinel_body(a, event);
	else if (strcmp(name, "datadog") == 0)
		*out = datadog_body(a, event, c);
	else if (strcmp(name, "github") == 0) {
		*out = json_object_new_object();
		cv_json_add_str(*out, "event_type", c->event_type);
		json_object_object_add(*out, "client_payload", summary(a,
		    event));
	} else if (strcmp(name, "gitlab") == 0) {
		*out = json_object_new_object();
		cv_json_add_str(*out, "ref", c->ref);
		json_object_object_add(*out, "variables", ci_object(a, event,
		    "CAVRA"));
	} else if (strcmp(name, "azure_repos") == 0) {
		*out = json_object_new_object();
		cv_json_add_str(*out, "eventType", ev_text(a, event,
		    "event_type", "cavra.runtime.decision"));
		cv_json_add_str(*out, "publisherId", "cavra");
		json_object_object_add(*out, "resource", summary(a, event));
	} else if (strcmp(name, "github_actions") == 0) {
		*out = json_object_new_object();
		cv_json_add_str(*out, "ref", c->ref);
		json_object_object_add(*out, "inputs", ci_object(a, event,
		    "cavra"));
	} else if (strcmp(name, "jenkins") == 0) {
		*out = json_object_new_object();
		json_object_object_add(*out, "parameters", ci_params(a, event));
	} else if (strcmp(name, "slack") == 0)
		*out = slack_body(a, event, title);
	else if (strcmp(name, "teams") == 0)
		*out = teams_body(a, event, title);
	else if (strcmp(name, "jira") == 0)
		*out = jira_body(a, event, title);
	else if (strcmp(name, "servicenow") == 0)
		*out = servicenow_body(a, event, title);
	else	/* webhook, jamf, intune, linux */
		*out = webhook_body(event);
	return CV_OK;
}

/* ---- delivery ---------------------------------------------------------- */

static int
cmp_str(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/*
 * Marks in sel[] the connectors `which` names (see cv_connector_deliver).
 * CV_EINVAL with "connector provider is not configured: a, b" (sorted,
 * each once) when a name is not an enabled connector.
 */
static enum cv_err
select_connectors(struct cv_arena *a, const char *which, int *sel, char *err,
    size_t errlen)
{
	const char	**unknown, *s, *e;
	char		 *name, *list;
	size_t		  i, nu = 0, len, max;
	int		  found;

	if (strcmp(which, "all") == 0) {
		for (i = 0; i < conn.n; i++)
			sel[i] = 1;
		return CV_OK;
	}
	max = strlen(which) / 2 + 1;
	unknown = cv_arena_alloc(a, (max + 1) * sizeof(*unknown));
	for (s = which; *s != '\0'; s = *e == ',' ? e + 1 : e) {
		e = s + strcspn(s, ",");
		while (s < e && isspace((unsigned char)*s))
			s++;
		len = (size_t)(e - s);
		while (len > 0 && isspace((unsigned char)s[len - 1]))
			len--;
		if (len == 0)
			continue;
		name = cv_arena_strndup(a, s, len);
		found = 0;
		for (i = 0; i < conn.n; i++)
			if (strcmp(conn.c[i].p.name, name) == 0)
				found = sel[i] = 1;
		if (!found && nu < max)
			unknown[nu++] = name;
	}
	if (nu == 0)
		return CV_OK;
	qsort(unknown, nu, sizeof(*unknown), cmp_str);
	for (i = 1, len = 1; i < nu; i++)
		if (strcmp(unknown[i], unknown[len - 1]) != 0)
			unknown[len++] = unknown[i];
	unknown[len] = NULL;
	list = cv_arena_join(a, unknown);
	snprintf(err, errlen, "connector provider is not configured: %s",
	    list);
	return CV_EINVAL;
}

/* Sends body b to connector c and adds the evidence to dl; whether it
 * succeeded. */
static int
send_one(struct cv_arena *a, const struct connector *c, struct json_object *b,
    int retries, double timeout_s, struct json_object *dl)
{
	struct cv_out_result	 res;
	struct cv_out		 out;

	memset(&out, 0, sizeof(out));
	out.method = c->p.method;
	out.url = c->p.url;
	out.headers = c->p.headers;
	out.nheaders = c->p.nheaders;
	out.body = cv_json_compact(a, b);
	out.bodylen = strlen(out.body);
	out.timeout_s = timeout_s;
	out.retries = retries;
	if (cv_client_send(a, &out, &res) != CV_OK) {
		/* The entry was checked at start: not reached. */
		memset(&res, 0, sizeof(res));
		res.attempts = 1;
		res.error = "connector delivery failed";
		cv_ts_now(res.started_at, sizeof(res.started_at));
		cv_ts_now(res.completed_at, sizeof(res.completed_at));
	}
	json_object_array_add(dl, cv_delivery_json(a, &c->p, &res,
	    cv_redact_connector));
	return res.success;
}

enum cv_err
cv_connector_deliver(struct cv_arena *a, struct json_object *event,
    const char *providers, int retries, double timeout_s,
    struct json_object **out, char *err, size_t errlen)
{
	struct json_object	*bodies[NPROVIDERS], *o, *dl, *v;
	char			 ts[CV_TS_LEN];
	int			 sel[NPROVIDERS], ok = 1;
	size_t			 i;
	enum cv_err		 rc = CV_EINVAL;

	*out = NULL;
	memset(sel, 0, sizeof(sel));
	memset(bodies, 0, sizeof(bodies));
	if (!conn.configured) {
		snprintf(err, errlen, "connector config is not configured");
		return CV_EINVAL;
	}
	if (select_connectors(a, providers != NULL ? providers : "all", sel,
	    err, errlen) != CV_OK)
		return CV_EINVAL;

	/* Every body first: a bad event sends nothing. */
	for (i = 0; i < conn.n; i++)
		if (sel[i] && body(a, &conn.c[i], event, &bodies[i], err,
		    errlen) != CV_OK)
			goto out;
	dl = json_object_new_array();
	for (i = 0; i < conn.n; i++)
		if (sel[i] && !send_one(a, &conn.c[i], bodies[i], retries,
		    timeout_s, dl))
			ok = 0;
	cv_ts_now(ts, sizeof(ts));
	o = json_object_new_object();
	cv_json_add_str(o, "schema_version", DELIVERY_SCHEMA);
	cv_json_add_str(o, "product", CV_PRODUCT);
	json_object_object_add(o, "event_type", ev_val(event, "event_type",
	    json_object_new_string("cavra.connector.event")));
	cv_json_add_str(o, "event_id", identity(a, event));
	json_object_object_add(o, "session_id", json_object_object_get_ex(
	    event, "session_id", &v) ? json_object_get(v) : NULL);
	cv_json_add_str(o, "generated_at", ts);
	cv_json_add_bool(o, "success", ok);
	json_object_object_add(o, "deliveries", dl);
	*out = o;
	rc = CV_OK;
out:
	for (i = 0; i < conn.n; i++)
		json_object_put(bodies[i]);
	return rc;
}

enum cv_err
cv_connector_opts(struct cv_req *req, struct json_object *body,
    int *retries, double *timeout_s)
{
	struct json_object	*v;
	int64_t			 r;
	double			 t;

	*retries = RETRIES_DEFAULT;
	*timeout_s = TIMEOUT_DEFAULT;
	switch (cv_json_int(body, "retries", &r)) {
	case CV_JGET_OK:
		*retries = r < 0 ? 0 : r > CV_CLIENT_RETRIES_MAX ?
		    CV_CLIENT_RETRIES_MAX : (int)r;
		break;
	case CV_JGET_TYPE:
		return cv_fail_field(req, CV_EINVAL, "retries", "retries must "
		    "be an integer");
	default:
		break;
	}
	if (!json_object_object_get_ex(body, "timeout_seconds", &v) ||
	    v == NULL)
		return CV_OK;
	if (!json_object_is_type(v, json_type_int) &&
	    !json_object_is_type(v, json_type_double))
		return cv_fail_field(req, CV_EINVAL, "timeout_seconds",
		    "timeout_seconds must be a number");
	t = json_object_get_double(v);
	if (!(t >= CV_CLIENT_TIMEOUT_MIN_MS / 1000.0))
		t = CV_CLIENT_TIMEOUT_MIN_MS / 1000.0;
	if (t > CV_CLIENT_TIMEOUT_MAX)
		t = CV_CLIENT_TIMEOUT_MAX;
	*timeout_s = t;
	return CV_OK;
}
