/*
 * cavra-endpoints: endpoint remediation SLA reporting, its notification
 * chain (E1) and its escalation chain (E2) (workflows.md §9 rows 43-56,
 * §11.7, §11.8, §12).
 *
 * The SLA report reads the hand-off and hand-off status records
 * (metadata kinds endpoint-remediation-handoff and -handoff-status) and
 * tracks one work item per hand-off and provider.  A stored report is
 * delivered through the providers its routing policy names; a provider
 * that was sent the same report within the suppression window is left
 * out (the duplicate suppression keys on the delivery's event_id, the
 * report id).  That policy routing is shared with the recurrence
 * automation health alerts (E5, fcgi/endpoints_recur.c): ep_route_read()
 * and ep_route_deliver() over a struct ep_routing of each chain.  Acknowledgements name their report, which must exist.
 * The escalation plan reads the latest notification plan of each
 * report and the latest acknowledgement of each of its providers and
 * measures them against the owners' SLOs and escalation ladders; its
 * active routes are delivered, and owners review them.
 *
 * Every route is a step of lib/cv_wfstep.h; none checks an actor (the
 * acting names are the body's, "console" when absent).  Ids are
 * "<prefix>-" and 16 hex digits (the report: "ersla_").
 */
#include "config.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "cavra.h"
#include "cv_connector.h"
#include "cv_wfstep.h"

#include "endpoints.h"

#define ESR		"/endpoint-remediation-sla"
#define SLA(x)		"cavra.endpoint_remediation_sla." x ".v1"

#define K_HANDOFF	"endpoint-remediation-handoff"
#define K_STATUS	"endpoint-remediation-handoff-status"
#define SRC_NOTIFY	"endpoint_remediation_sla_notification"
#define SRC_ESCALATE	"endpoint_remediation_sla_escalation_delivery"
#define OWNER_DEFAULT	"release-governance"

static const struct cv_wf_kind k_report = {
	"endpoint-remediation-sla-report", "report_id", "ersla", "report",
	"cavra.endpoint-remediation-sla-report.v1"
};
static const struct cv_wf_kind k_nplan = {
	"endpoint-remediation-sla-notification-plan", "plan_id", "erslan",
	"notification_plan", SLA("notification_plan")
};
static const struct cv_wf_kind k_nack = {
	"endpoint-remediation-sla-notification-ack", "acknowledgement_id",
	"erslaack", "acknowledgement", SLA("notification_ack")
};
static const struct cv_wf_kind k_eplan = {
	"endpoint-remediation-sla-escalation-plan", "plan_id", "erslaesc",
	"escalation_plan", SLA("escalation_plan")
};
static const struct cv_wf_kind k_review = {
	"endpoint-remediation-sla-escalation-review", "review_id",
	"erslaescr", "review", SLA("escalation_review")
};

/* The notification providers in name order: a set of them is a bit
 * mask over this list. */
static const char *const nprov[] = { "jira", "servicenow", "slack",
	"teams", "webhook", NULL };
#define PROVIDER_WORDS	"webhook, slack, teams, jira, servicenow"

static const char *const ack_states[] = { "acknowledged", "dismissed",
	"escalated", "resolved", NULL };
static const char *const ack_done[] = { "acknowledged", "resolved", NULL };
static const struct cv_wf_vocab ack_vocab = {
	"acknowledgement_state", ack_states, "acknowledged", ack_done
};
static const char *const review_states[] = { "accepted", "deferred",
	"resolved", "false_positive", "escalated", NULL };
static const char *const review_done[] = { "resolved", "false_positive",
	NULL };
static const struct cv_wf_vocab review_vocab = {
	"review_state", review_states, "accepted", review_done
};

static const char *const notify_kinds[] = {
	"endpoint-remediation-sla-notification-plan",
	"endpoint-remediation-sla-notification-ack", NULL
};
static const char *const notify_srcs[] = { SRC_NOTIFY, NULL };
static const char *const action_kinds[] = {
	"endpoint-remediation-sla-escalation-plan",
	"endpoint-remediation-sla-escalation-review",
	"endpoint-remediation-sla-escalation-recurrence-plan",
	"endpoint-remediation-sla-escalation-suppression-audit",
	"endpoint-remediation-sla-escalation-recurrence-retry-plan",
	"endpoint-remediation-sla-escalation-owner-digest",
	"endpoint-remediation-sla-escalation-suppression-trend",
	"endpoint-remediation-sla-escalation-recurrence-automation-run", NULL
};
static const char *const action_srcs[] = { SRC_ESCALATE,
	"endpoint_remediation_sla_escalation_recurrence_delivery",
	"endpoint_remediation_sla_escalation_owner_digest", NULL };
static const char *const report_kinds[] = {
	"endpoint-remediation-sla-report", NULL
};
static const char *const eplan_kinds[] = {
	"endpoint-remediation-sla-escalation-plan", NULL
};

static const char *const report_index[] = { "report_id", "alert_level",
	"warning_hours", "critical_hours", "evidence_refs", NULL };
static const char *const nplan_index[] = { "plan_id", "report_id",
	"alert_level", "selected_providers",
	"acknowledgement_required_providers", "suppression_window_minutes",
	NULL };
static const char *const nack_extra[] = { "plan_id", NULL };
static const char *const nack_index[] = { "acknowledgement_id",
	"report_id", "plan_id", "provider", "acknowledgement_state",
	"external_ref", NULL };
static const char *const eplan_index[] = { "plan_id", "alert_level",
	"route_count", "active_escalation_count",
	"acknowledgement_breach_count", "resolution_breach_count",
	"owner_count", NULL };
static const char *const review_index[] = { "review_id", "plan_id",
	"report_id", "provider", "owner", "review_state", "external_ref",
	NULL };

/* ---- small helpers -------------------------------------------------- */

/* A string member, "" when absent or not a string. */
static const char *
str(struct json_object *o, const char *key)
{
	return cv_json_str_or(o, key, "");
}

/* The first non-empty of two string members, else dflt. */
static const char *
str2(struct json_object *a, struct json_object *b, const char *key,
    const char *dflt)
{
	if (*str(a, key) != '\0')
		return str(a, key);
	if (*str(b, key) != '\0')
		return str(b, key);
	return dflt;
}

/* An integer member (0 when absent). */
static int64_t
num(struct json_object *o, const char *key)
{
	return json_object_get_int64(json_object_object_get(o, key));
}

/* The length of an array member (0 when it is not one). */
static size_t
alen(struct json_object *o, const char *key)
{
	struct json_object	*v = json_object_object_get(o, key);

	return json_object_is_type(v, json_type_array) ?
	    json_object_array_length(v) : 0;
}

/* A new string, or JSON null for NULL. */
static struct json_object *
jstr(const char *s)
{
	return s != NULL ? json_object_new_string(s) : NULL;
}

/* A new object of key/value pairs (values consumed), NULL key ending. */
static struct json_object *
obj(const char *key, ...)
{
	struct json_object	*o = json_object_new_object();
	va_list			 ap;

	va_start(ap, key);
	for (; key != NULL; key = va_arg(ap, const char *))
		json_object_object_add(o, key, va_arg(ap,
		    struct json_object *));
	va_end(ap);
	return o;
}

/* A new array of the values (consumed), NULL ending. */
static struct json_object *
arr(struct json_object *v, ...)
{
	struct json_object	*a = json_object_new_array();
	va_list			 ap;

	va_start(ap, v);
	for (; v != NULL; v = va_arg(ap, struct json_object *))
		json_object_array_add(a, v);
	va_end(ap);
	return a;
}

/* The payload of a stored record under key, else the record itself
 * (borrowed). */
struct json_object *
ep_inner(struct json_object *rec, const char *key)
{
	struct json_object	*v;

	if (json_object_object_get_ex(rec, key, &v) &&
	    json_object_is_type(v, json_type_object))
		return v;
	return rec;
}

/* The time of a member, dflt when absent or not a time. */
static time_t
time_of(struct json_object *o, const char *key, time_t dflt)
{
	time_t	 t;

	if (cv_wf_ts_parse(cv_json_str_or(o, key, NULL), &t) != 0)
		return dflt;
	return t;
}

/* A time as the workflow writes it; arena. */
static const char *
ts_text(struct cv_arena *a, time_t t)
{
	char	 buf[CV_WF_TS_LEN];

	cv_wf_ts(buf, sizeof(buf), t, 0);
	return cv_arena_strdup(a, buf);
}

/* v rounded to dp (2 or 4) decimals, as the shortest decimal text that
 * reads back as that number (as Python prints round(v, dp)). */
static struct json_object *
dec(double v, int dp)
{
	char	 buf[64];
	double	 scale = dp == 4 ? 10000.0 : 100.0;
	int	 prec;

	v = (double)(int64_t)(v * scale + 0.5) / scale;
	for (prec = 1; prec < dp; prec++) {
		snprintf(buf, sizeof(buf), "%.*f", prec, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	snprintf(buf, sizeof(buf), "%.*f", prec, v);
	return json_object_new_double_s(v, buf);
}

/* Lower-cased and trimmed; arena. */
char *
ep_lower(struct cv_arena *a, const char *s)
{
	char	*out, *p;
	size_t	 n;

	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	out = cv_arena_strndup(a, s, n);
	for (p = out; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return out;
}

/* A shallow copy of r with key set to v (consumed). */
struct json_object *
ep_copy_with(struct json_object *r, const char *key, struct json_object *v)
{
	struct json_object	*o = json_object_new_object();

	json_object_object_foreach(r, k, val)
		json_object_object_add(o, k, json_object_get(val));
	json_object_object_add(o, key, v);
	return o;
}

/* Sets map[key] to rec unless the record there is newer (created_at
 * as text, as every "latest" of the reference). */
void
ep_latest_put(struct json_object *map, const char *key, struct json_object *rec)
{
	struct json_object	*cur;

	if (json_object_object_get_ex(map, key, &cur) && strcmp(str(rec,
	    "created_at"), str(cur, "created_at")) <= 0)
		return;
	json_object_object_add(map, key, json_object_get(rec));
}

/* Whether arr is a non-empty array none of whose strings is s (after
 * cv_wf_norm() of both when norm): a rule matcher that excludes. */
static int
excludes(struct cv_arena *a, struct json_object *arr, const char *s,
    int norm)
{
	struct json_object	*e;
	size_t			 i, n;

	if (!json_object_is_type(arr, json_type_array) ||
	    (n = json_object_array_length(arr)) == 0)
		return 0;
	for (i = 0; i < n; i++) {
		e = json_object_array_get_idx(arr, i);
		if (!json_object_is_type(e, json_type_string))
			continue;
		if (norm ? strcmp(cv_wf_norm(a, json_object_get_string(e)),
		    cv_wf_norm(a, s)) == 0 : strcmp(json_object_get_string(e),
		    s) == 0)
			return 0;
	}
	return 1;
}

/* The member k1 if present, else k2 (may be NULL), else NULL. */
static struct json_object *
either(struct json_object *o, const char *k1, const char *k2)
{
	struct json_object	*v;

	if (json_object_object_get_ex(o, k1, &v))
		return v;
	if (k2 != NULL && json_object_object_get_ex(o, k2, &v))
		return v;
	return NULL;
}

/* As Python's int(o.get(k1, o.get(k2, dflt)) or dflt). */
static int64_t
pick_int(struct json_object *o, const char *k1, const char *k2,
    int64_t dflt)
{
	struct json_object	*v;
	int64_t			 n;

	if (!json_object_object_get_ex(o, k1, &v) && (k2 == NULL ||
	    !json_object_object_get_ex(o, k2, &v)))
		return dflt;
	n = json_object_get_int64(v);
	return n != 0 ? n : dflt;
}

/* JSON strings in text order. */
static int
text_cmp(const void *a, const void *b)
{
	struct json_object *const	*x = a, *const *y = b;

	return strcmp(json_object_get_string(*x), json_object_get_string(*y));
}

/* Newest first (created_at as text), then by id. */
static int
newest_first(const void *a, const void *b)
{
	struct json_object *const	*x = a, *const *y = b;
	int				 c;

	c = strcmp(str(*y, "created_at"), str(*x, "created_at"));
	return c != 0 ? c : strcmp(str(*x, "session_id"), str(*y,
	    "session_id"));
}

/*
 * The records of kinds and the RCDs of srcs (either may be NULL),
 * newest first, into *out (new).  Fails with the problem set.
 */
enum cv_err
ep_load_set(struct cv_wf_ctx *ctx, const char *const *kinds,
    const char *const *srcs, struct json_object **out)
{
	struct json_object	*all, *part, *r;
	const char *const	*k;
	size_t			 i;
	enum cv_err		 rc = CV_OK;

	all = json_object_new_array();
	for (k = kinds; k != NULL && *k != NULL && rc == CV_OK; k++) {
		if ((rc = cv_wf_load(ctx, *k, &part)) != CV_OK)
			break;
		for (i = 0; i < json_object_array_length(part); i++)
			json_object_array_add(all, json_object_get(
			    json_object_array_get_idx(part, i)));
		json_object_put(part);
	}
	if (rc == CV_OK && srcs != NULL &&
	    (rc = cv_wf_load(ctx, CV_WF_RCD_KIND, &part)) == CV_OK) {
		for (i = 0; i < json_object_array_length(part); i++) {
			r = json_object_array_get_idx(part, i);
			if (cv_strv_has(srcs, str(r,
			    "connector_delivery_source")))
				json_object_array_add(all, json_object_get(r));
		}
		json_object_put(part);
	}
	if (rc != CV_OK) {
		json_object_put(all);
		*out = NULL;
		return rc;
	}
	json_object_array_sort(all, newest_first);
	*out = all;
	return CV_OK;
}

/* The first n records of all (new array of shared references). */
struct json_object *
ep_head(struct json_object *all, size_t n)
{
	struct json_object	*a = json_object_new_array();
	size_t			 i;

	for (i = 0; i < n && i < json_object_array_length(all); i++)
		json_object_array_add(a, json_object_get(
		    json_object_array_get_idx(all, i)));
	return a;
}

/* ---- providers ------------------------------------------------------ */

/* The notification providers a comma list names (others ignored). */
static unsigned
prov_bits(struct cv_arena *a, const char *raw)
{
	const char	*p, *e;
	const char	*w;
	unsigned	 bits = 0;
	size_t		 i;

	for (p = raw; p != NULL && *p != '\0'; p = *e != '\0' ? e + 1 : e) {
		if ((e = strchr(p, ',')) == NULL)
			e = p + strlen(p);
		w = cv_wf_norm(a, cv_arena_strndup(a, p, (size_t)(e - p)));
		for (i = 0; nprov[i] != NULL; i++)
			if (strcmp(w, nprov[i]) == 0)
				bits |= 1u << i;
	}
	return bits;
}

/* As prov_bits() over a JSON string or array of strings. */
static unsigned
prov_bits_json(struct cv_arena *a, struct json_object *v)
{
	struct json_object	*e;
	unsigned		 bits = 0;
	size_t			 i;

	if (json_object_is_type(v, json_type_string))
		return prov_bits(a, json_object_get_string(v));
	if (!json_object_is_type(v, json_type_array))
		return 0;
	for (i = 0; i < json_object_array_length(v); i++) {
		e = json_object_array_get_idx(v, i);
		if (json_object_is_type(e, json_type_string))
			bits |= prov_bits(a, json_object_get_string(e));
	}
	return bits;
}

/* The providers of a set, in name order (new array). */
static struct json_object *
prov_array(unsigned bits)
{
	struct json_object	*a = json_object_new_array();
	size_t			 i;

	for (i = 0; nprov[i] != NULL; i++)
		if (bits & (1u << i))
			json_object_array_add(a, json_object_new_string(
			    nprov[i]));
	return a;
}

/* The number of providers in a set. */
static int64_t
nbits(unsigned bits)
{
	int64_t	 n = 0;

	for (; bits != 0; bits >>= 1)
		n += bits & 1u;
	return n;
}

/* The configured connectors that are notification providers. */
static unsigned
prov_available(struct cv_arena *a)
{
	const char	*names[64];
	unsigned	 bits = 0;
	size_t		 i, n;

	n = cv_connector_names(names, nitems(names));
	for (i = 0; i < n; i++)
		bits |= prov_bits(a, names[i]);
	return bits;
}

/*
 * The handler of a step whose provider must be a notification provider
 * (400 "provider must be one of: ..." otherwise); then the step's own
 * handler, cv_wf_h_ack().  Candidate for lib/wfstep.c: a provider
 * vocabulary in the ACK step.
 */
enum cv_err
ep_provider_ack(struct cv_req *req, struct cv_resp *resp)
{
	const char	*p;

	if (cv_json_str(req->json, "provider", &p) == CV_JGET_OK &&
	    *p != '\0' && prov_bits(req->arena, p) == 0)
		return cv_fail_field(req, CV_EINVAL, "provider",
		    "provider must be one of: " PROVIDER_WORDS);
	return cv_wf_h_ack(req, resp);
}

/* ---- connector payloads --------------------------------------------- */

/* A Slack message: header, text, fields (array of mrkdwn strings,
 * consumed; none: no fields block) and a context line. */
struct json_object *
ep_slack_card(const char *title, const char *text, struct json_object *fields,
    const char *context)
{
	struct json_object	*blocks, *f;
	size_t			 i;

	blocks = arr(obj("type", jstr("header"), "text", obj("type",
	    jstr("plain_text"), "text", json_object_new_string_len(title,
	    strlen(title) > 150 ? 150 : (int)strlen(title)), NULL), NULL),
	    obj("type", jstr("section"), "text", obj("type", jstr("mrkdwn"),
	    "text", jstr(text), NULL), NULL), NULL);
	if (json_object_array_length(fields) > 0) {
		f = json_object_new_array();
		for (i = 0; i < json_object_array_length(fields); i++)
			json_object_array_add(f, obj("type", jstr("mrkdwn"),
			    "text", json_object_get(json_object_array_get_idx(
			    fields, i)), NULL));
		json_object_array_add(blocks, obj("type", jstr("section"),
		    "fields", f, NULL));
	}
	json_object_put(fields);
	json_object_array_add(blocks, obj("type", jstr("context"),
	    "elements", arr(obj("type", jstr("mrkdwn"), "text",
	    jstr(context), NULL), NULL), NULL));
	return obj("text", jstr(title), "blocks", blocks, NULL);
}

/* A Teams MessageCard with facts (array, consumed). */
struct json_object *
ep_teams_card(const char *title, const char *text, const char *color,
    struct json_object *facts)
{
	return obj("@type", jstr("MessageCard"), "@context",
	    jstr("https://schema.org/extensions"), "summary", jstr(title),
	    "themeColor", jstr(color), "sections", arr(obj("activityTitle",
	    jstr(title), "activitySubtitle", jstr(text), "facts", facts,
	    NULL), NULL), NULL);
}

/* Jira and ServiceNow bodies of an SLA event. */
static struct json_object *
jira_body(const char *title, const char *desc, const char *level)
{
	return obj("fields", obj("summary", jstr(title), "description",
	    jstr(desc), "labels", arr(jstr("cavra"),
	    jstr("endpoint-remediation"), jstr("sla"), jstr(level), NULL),
	    NULL), NULL);
}

static struct json_object *
servicenow_body(const char *title, const char *desc, const char *id,
    const char *level)
{
	int	 crit = strcmp(level, "critical") == 0;

	return obj("short_description", jstr(title), "description",
	    jstr(desc), "category", jstr("software"), "subcategory",
	    jstr("endpoint_runtime"), "impact", jstr(crit ? "1" :
	    strcmp(level, "warning") == 0 ? "2" : "3"), "urgency",
	    jstr(crit ? "1" : "2"), "correlation_id", jstr(id), NULL);
}

/* Adds provider_payloads to event: webhook (the event and its
 * provider), slack, teams (consumed), jira and servicenow. */
void
ep_add_payloads(struct json_object *event, struct json_object *slack,
    struct json_object *teams, const char *title, const char *desc,
    const char *id, const char *level)
{
	struct json_object	*hook;

	hook = ep_copy_with(event, "provider", jstr("webhook"));
	json_object_object_add(event, "provider_payloads", obj("webhook",
	    hook, "slack", slack, "teams", teams, "jira", jira_body(title,
	    desc, level), "servicenow", servicenow_body(title, desc, id,
	    level), NULL));
}

const char *
ep_title_case(struct cv_arena *a, const char *s)
{
	char	*t = cv_arena_strdup(a, *s != '\0' ? s : "unknown");

	if (*t >= 'a' && *t <= 'z')
		*t = (char)(*t - 'a' + 'A');
	return t;
}

/* ---- SLA report ------------------------------------------------------ */

/* What to do about a work item in status st of severity sev. */
static const char *
recommended(const char *st, const char *sev)
{
	if (strcmp(st, "not_started") == 0)
		return "Confirm that the handoff was accepted by the provider "
		    "or private connector queue.";
	if (strcmp(st, "failed") == 0 || strcmp(st, "blocked") == 0)
		return "Escalate to endpoint operations and release "
		    "governance for manual recovery review.";
	if (strcmp(sev, "critical") == 0)
		return "Escalate overdue remediation to the release owner and "
		    "change advisory board.";
	if (strcmp(sev, "warning") == 0)
		return "Notify provider owner before the remediation handoff "
		    "breaches SLA.";
	if (strcmp(st, "completed") == 0)
		return "Retain completion evidence with the release governance "
		    "record.";
	return "Continue monitoring provider callback status.";
}

/* Work items by (severity, age_hours), descending. */
static int
work_cmp(const void *a, const void *b)
{
	struct json_object *const	*x = a, *const *y = b;
	double				 ax, ay;
	int				 c;

	if ((c = strcmp(str(*y, "severity"), str(*x, "severity"))) != 0)
		return c;
	ax = json_object_get_double(json_object_object_get(*x, "age_hours"));
	ay = json_object_get_double(json_object_object_get(*y, "age_hours"));
	if (ax != ay)
		return ax < ay ? 1 : -1;
	if ((c = strcmp(str(*x, "handoff_id"), str(*y, "handoff_id"))) != 0)
		return c;
	return strcmp(str(*x, "provider"), str(*y, "provider"));
}

/*
 * One work item of hand-off h for provider p with its latest status st
 * (or NULL) at now, under the thresholds (hours).  New object.
 */
static struct json_object *
work_item(struct json_object *h, const char *hid, const char *p,
    struct json_object *st, time_t now, int64_t warn, int64_t crit)
{
	const char	*state, *sev = "healthy", *sla = "met";
	time_t		 created, end = now;
	double		 age, over = 0;
	int		 terminal;

	state = st != NULL ? str(st, "handoff_status") : "not_started";
	created = time_of(h, "created_at", now);
	terminal = strcmp(state, "completed") == 0 ||
	    strcmp(state, "cancelled") == 0;
	if (terminal && st != NULL)
		end = time_of(st, "created_at", now);
	age = (double)(end - created) / 3600.0;
	if (age < 0)
		age = 0;
	if (strcmp(state, "failed") == 0 || strcmp(state, "blocked") == 0) {
		sev = "critical";
		sla = "breached";
	} else if (!terminal && age >= (double)crit) {
		sev = "critical";
		sla = "breached";
	} else if (!terminal && age >= (double)warn) {
		sev = "warning";
		sla = "at_risk";
	}
	if (strcmp(sla, "breached") == 0 && age > (double)crit)
		over = age - (double)crit;
	else if (strcmp(sla, "at_risk") == 0 && age > (double)warn)
		over = age - (double)warn;
	return obj("handoff_id", jstr(hid), "request_id", cv_json_ref(h,
	    "request_id"), "reconciliation_id", cv_json_ref(h,
	    "reconciliation_id"),
	    "provider", jstr(p), "status", jstr(state), "severity", jstr(sev),
	    "sla_state", jstr(sla), "age_hours", dec(age, 2),
	    "overdue_hours", dec(over, 2), "warning_hours",
	    json_object_new_int64(warn), "critical_hours",
	    json_object_new_int64(crit), "created_at", cv_json_ref(h,
	    "created_at"),
	    "latest_status_at", cv_json_ref(st, "created_at"), "external_ref",
	    cv_json_ref(st, "external_ref"), "external_url", cv_json_ref(st,
	    "external_url"), "approval_id", cv_json_ref(h, "approval_id"),
	    "approval_state", cv_json_ref(h, "approval_state"), "action_count",
	    json_object_new_int64(num(h, "action_count")), "release",
	    json_object_object_get(h, "release") != NULL ? cv_json_ref(h,
	    "release") : json_object_new_object(), "channel", cv_json_ref(h,
	    "channel"), "recommended_action", jstr(recommended(state, sev)),
	    NULL);
}

/* The escalation row of a work item. */
static struct json_object *
escalation_of(struct json_object *w)
{
	static const char *const keys[] = { "severity", "handoff_id",
		"request_id", "provider", "status", "age_hours",
		"overdue_hours", "external_ref", "external_url",
		"recommended_action", NULL };
	struct json_object	*o = json_object_new_object();
	const char *const	*k;

	for (k = keys; *k != NULL; k++)
		json_object_object_add(o, *k, cv_json_ref(w, *k));
	return o;
}

/* The report's escalation payloads (Slack, Teams, Jira, summary). */
static struct json_object *
escalation_payloads(struct cv_arena *a, const char *rid,
    struct json_object *escalations)
{
	const char	*title, *text;
	int64_t		 crit = 0, warn = 0;
	size_t		 i;

	for (i = 0; i < json_object_array_length(escalations); i++) {
		const char *s = str(json_object_array_get_idx(escalations, i),
		    "severity");

		crit += strcmp(s, "critical") == 0;
		warn += strcmp(s, "warning") == 0;
	}
	title = cv_arena_printf(a, "CAVRA endpoint remediation SLA report %s",
	    rid);
	text = cv_arena_printf(a, "%lld breached and %lld at-risk endpoint "
	    "remediation handoffs require review.", (long long)crit,
	    (long long)warn);
	return obj("slack", obj("text", jstr(title), "blocks", arr(obj("type",
	    jstr("section"), "text", obj("type", jstr("mrkdwn"), "text",
	    jstr(cv_arena_printf(a, "*%s*\n%s", title, text)), NULL), NULL),
	    obj("type", jstr("context"), "elements", arr(obj("type",
	    jstr("mrkdwn"), "text", jstr("Generated from public CAVRA "
	    "evidence metadata."), NULL), NULL), NULL), NULL), NULL),
	    "teams", obj("@type", jstr("MessageCard"), "@context",
	    jstr("https://schema.org/extensions"), "summary", jstr(title),
	    "themeColor", jstr(crit > 0 ? "DC2626" : "D97706"), "title",
	    jstr(title), "text", jstr(text), NULL),
	    "jira", obj("issue", obj("project", obj("key", jstr("CAVRA"),
	    NULL), "issuetype", obj("name", jstr("Task"), NULL), "summary",
	    jstr(title), "description", jstr(text), "labels", arr(
	    jstr("cavra"), jstr("endpoint-remediation"), jstr("sla"), NULL),
	    NULL), NULL),
	    "executive_summary", obj("report_id", jstr(rid), "critical_count",
	    json_object_new_int64(crit), "warning_count",
	    json_object_new_int64(warn), "message", jstr(text), NULL), NULL);
}

/* An hours threshold of the body: an integer, clamped to
 * 1..CV_WF_HOURS_MAX as the reference clamps it below. */
static enum cv_err
hours(struct cv_wf_ctx *ctx, const char *key, int64_t dflt, int64_t *out)
{
	enum cv_err	 rc;

	if ((rc = cv_wf_int(ctx, key, dflt, INT64_MIN, INT64_MAX, out)) !=
	    CV_OK)
		return rc;
	if (*out < 1)
		*out = 1;
	if (*out > CV_WF_HOURS_MAX)
		*out = CV_WF_HOURS_MAX;
	return CV_OK;
}

/*
 * POST /endpoint-remediation-sla/report: the SLA report over every
 * hand-off and its providers' latest statuses; stored.  Answers {valid,
 * report_id, warnings, report, metadata}.  400 when warning_hours is
 * over critical_hours.
 */
static enum cv_err
build_report(struct cv_wf_ctx *ctx, struct json_object **answer)
{
	struct cv_arena		*a = ctx->req->arena;
	struct json_object	*hs = NULL, *ss = NULL, *latest = NULL,
				*items,
				*h, *s, *st, *provs, *esc, *chans, *refs,
				*summary, *report, *rec, *warns, *sorted, *m;
	const char		*hid, *p, *rid, *level;
	int64_t			 warn, crit, breached = 0, risk = 0,
				 done = 0,
				 critprov = 0;
	size_t			 i, j;
	enum cv_err		 rc;

	if ((rc = hours(ctx, "warning_hours", 24, &warn)) != CV_OK ||
	    (rc = hours(ctx, "critical_hours", 48, &crit)) != CV_OK)
		return rc;
	if (warn > crit)
		return cv_fail_field(ctx->req, CV_EINVAL, "warning_hours",
		    "warning_hours must be less than or equal to "
		    "critical_hours");
	if ((rc = cv_wf_load(ctx, K_HANDOFF, &hs)) != CV_OK ||
	    (rc = cv_wf_load(ctx, K_STATUS, &ss)) != CV_OK)
		goto out;
	json_object_array_sort(hs, newest_first);
	latest = json_object_new_object();
	for (i = 0; i < json_object_array_length(ss); i++) {
		s = json_object_array_get_idx(ss, i);
		if (*str(s, "handoff_id") == '\0' || *str(s, "provider") ==
		    '\0')
			continue;
		ep_latest_put(latest, cv_arena_printf(a, "%s\n%s", str(s,
		    "handoff_id"), str(s, "provider")), s);
	}
	items = json_object_new_array();
	refs = json_object_new_array();
	for (i = 0; i < json_object_array_length(hs); i++) {
		h = json_object_array_get_idx(hs, i);
		hid = *str(h, "handoff_id") != '\0' ? str(h, "handoff_id") :
		    str(h, "session_id");
		if (*str(h, "handoff_id") != '\0')
			json_object_array_add(refs, jstr(cv_arena_printf(a,
			    "endpoint-remediation-handoff://%s", hid)));
		provs = json_object_object_get(h, "providers");
		for (j = 0; j < alen(h, "providers"); j++) {
			p = json_object_get_string(json_object_array_get_idx(
			    provs, j));
			st = json_object_object_get(latest, cv_arena_printf(a,
			    "%s\n%s", hid, p));
			json_object_array_add(items, work_item(h, hid, p, st,
			    ctx->t, warn, crit));
		}
	}
	for (i = 0; i < json_object_array_length(ss); i++)
		if (*str(json_object_array_get_idx(ss, i), "status_id") != '\0')
			json_object_array_add(refs, jstr(cv_arena_printf(a,
			    "endpoint-remediation-handoff-status://%s",
			    str(json_object_array_get_idx(ss, i),
			    "status_id"))));
	esc = json_object_new_array();
	chans = json_object_new_array();
	for (i = 0; i < json_object_array_length(items); i++) {
		struct json_object *w = json_object_array_get_idx(items, i);

		if (strcmp(str(w, "sla_state"), "breached") == 0) {
			breached++;
			json_object_array_add(esc, escalation_of(w));
		}
		done += strcmp(str(w, "status"), "completed") == 0;
		if (*str(w, "channel") != '\0' && !cv_json_has_str(chans,
		    str(w, "channel")))
			json_object_array_add(chans, jstr(str(w, "channel")));
	}
	for (i = 0; i < json_object_array_length(items); i++) {
		struct json_object *w = json_object_array_get_idx(items, i);

		if (strcmp(str(w, "sla_state"), "at_risk") == 0) {
			risk++;
			json_object_array_add(esc, escalation_of(w));
		}
	}
	json_object_array_sort(chans, text_cmp);
	for (i = 0; i < json_object_array_length(items); i++) {
		struct json_object *w = json_object_array_get_idx(items, i),
		    *x;

		if (strcmp(str(w, "sla_state"), "breached") != 0)
			continue;
		for (j = 0; j < i; j++) {
			x = json_object_array_get_idx(items, j);
			if (strcmp(str(x, "sla_state"), "breached") == 0 &&
			    strcmp(str(x, "provider"), str(w, "provider")) ==
			    0)
				break;
		}
		critprov += j == i;
	}
	level = breached > 0 ? "critical" : risk > 0 ? "warning" : "healthy";
	m = obj("generated_at", jstr(ctx->now), "warning_hours",
	    json_object_new_int64(warn), "critical_hours",
	    json_object_new_int64(crit), "work_items", json_object_get(items),
	    NULL);
	rid = cv_wf_id_n(a, k_report.prefix, '_', CV_WF_ID_HEX, m, NULL);
	json_object_put(m);
	summary = obj("tracked_work_item_count", json_object_new_int64(
	    (int64_t)json_object_array_length(items)), "completed_count",
	    json_object_new_int64(done), "at_risk_count",
	    json_object_new_int64(risk), "breached_count",
	    json_object_new_int64(breached), "completion_rate",
	    dec(json_object_array_length(items) > 0 ? (double)done /
	    (double)json_object_array_length(items) : 0.0, 4),
	    "critical_provider_count", json_object_new_int64(critprov),
	    "release_channels", chans, NULL);
	sorted = items;
	json_object_array_sort(sorted, work_cmp);
	report = obj("schema_version", jstr(k_report.schema), "product",
	    jstr(CV_PRODUCT), "report_id", jstr(rid), "generated_at",
	    jstr(ctx->now), "generated_by", jstr(ctx->by), "warning_hours",
	    json_object_new_int64(warn), "critical_hours",
	    json_object_new_int64(crit), "alert_level", jstr(level),
	    "executive_summary", summary, "work_items", sorted,
	    "escalations", esc, "escalation_payloads",
	    escalation_payloads(a, rid, esc),
	    "controls", arr(
	    jstr("sla-report-derived-from-public-handoff-and-status-metadata"),
	    jstr("escalation-payloads-contain-no-connector-credentials"),
	    jstr("executive-summary-avoids-private-endpoint-mutation-details"),
	    jstr("private-connectors-remain-responsible-for-endpoint-changes"),
	    NULL), "evidence_refs", refs, NULL);
	rec = cv_wf_keep(ctx, &k_report, report,
	    (int64_t)json_object_array_length(sorted), breached, risk,
	    report_index);
	json_object_object_foreach(summary, key, val)
		json_object_object_add(rec, key, json_object_get(val));
	json_object_object_add(rec, "escalation_count", json_object_new_int64(
	    (int64_t)json_object_array_length(esc)));
	warns = json_object_new_array();
	if (json_object_array_length(hs) == 0)
		json_object_array_add(warns, jstr("no endpoint remediation "
		    "handoff metadata found"));
	*answer = obj("valid", json_object_new_boolean(1), "report_id",
	    jstr(rid), "warnings", warns, NULL);
	json_object_object_add(*answer, "report", report);
	json_object_object_add(*answer, "metadata", json_object_get(rec));
out:
	json_object_put(latest);
	json_object_put(hs);
	json_object_put(ss);
	return rc;
}

/* ---- policy routing (E1, E5) ---------------------------------------- */

/* A 400 about member path of the routing policy. */
static enum cv_err
policy_fail(struct cv_req *req, const char *path, const char *what)
{
	return cv_fail_field(req, CV_EINVAL, "routing_policy", "%s %s", path,
	    what);
}

/* Whether a comma list names a word that is no notification provider. */
static int
prov_unknown(struct cv_arena *a, const char *raw)
{
	const char	*p, *e, *w;

	for (p = raw; *p != '\0'; p = *e != '\0' ? e + 1 : e) {
		if ((e = strchr(p, ',')) == NULL)
			e = p + strlen(p);
		w = cv_wf_norm(a, cv_arena_strndup(a, p, (size_t)(e - p)));
		if (*w != '\0' && prov_bits(a, w) == 0)
			return 1;
	}
	return 0;
}

/* Checks a provider list of the policy (a comma list or an array of
 * them; absent or null: none).  400 otherwise. */
static enum cv_err
providers_check(struct cv_req *req, struct json_object *v, const char *path)
{
	struct json_object	*e;
	size_t			 i;

	if (v == NULL)
		return CV_OK;
	if (json_object_is_type(v, json_type_string))
		return prov_unknown(req->arena, json_object_get_string(v)) ?
		    policy_fail(req, path, "must list only: " PROVIDER_WORDS) :
		    CV_OK;
	if (!json_object_is_type(v, json_type_array))
		return policy_fail(req, path, "must be an array of provider "
		    "names");
	for (i = 0; i < json_object_array_length(v); i++) {
		e = json_object_array_get_idx(v, i);
		if (!json_object_is_type(e, json_type_string) ||
		    prov_unknown(req->arena, json_object_get_string(e)))
			return policy_fail(req, path, "must list only: "
			    PROVIDER_WORDS);
	}
	return CV_OK;
}

/* Checks a word list of a rule (an array of strings, each one of
 * allowed unless that is NULL; absent or null: none).  400 otherwise. */
static enum cv_err
words_check(struct cv_req *req, struct json_object *v, const char *path,
    const struct ep_match *m)
{
	struct json_object	*e;
	size_t			 i;

	if (v == NULL)
		return CV_OK;
	if (!json_object_is_type(v, json_type_array))
		return policy_fail(req, path, "must be an array of strings");
	for (i = 0; i < json_object_array_length(v); i++) {
		e = json_object_array_get_idx(v, i);
		if (!json_object_is_type(e, json_type_string))
			return policy_fail(req, path, "must be an array of "
			    "strings");
		if (m->allowed != NULL && !cv_strv_has(m->allowed,
		    json_object_get_string(e)))
			return policy_fail(req, path, cv_arena_printf(
			    req->arena, "must list only: %s", m->words));
	}
	return CV_OK;
}

/* Checks a count or a window (an integer >= 0; absent or null: none).
 * 400 otherwise. */
static enum cv_err
count_check(struct cv_req *req, struct json_object *v, const char *path)
{
	if (v == NULL || (json_object_is_type(v, json_type_int) &&
	    json_object_get_int64(v) >= 0))
		return CV_OK;
	return policy_fail(req, path, "must be an integer >= 0");
}

/* The member of o named k1 (else k2) and its name, into *name. */
static struct json_object *
named(struct json_object *o, const char *k1, const char *k2,
    const char **name)
{
	struct json_object	*v;

	*name = k1;
	if (json_object_object_get_ex(o, k1, &v))
		return v;
	if (k2 != NULL && json_object_object_get_ex(o, k2, &v)) {
		*name = k2;
		return v;
	}
	return NULL;
}

/* The rules of policy: the first of rt's rule members that is not empty
 * (borrowed, NULL: none) and its name into *key. */
static struct json_object *
rules_of(const struct ep_routing *rt, struct json_object *policy,
    const char **key)
{
	const char *const	*k;
	struct json_object	*v;

	for (k = rt->rule_keys; *k != NULL; k++)
		if (cv_json_truthy(v = json_object_object_get(policy, *k))) {
			*key = *k;
			return v;
		}
	return NULL;
}

/*
 * Checks the routing policy against rt: rules an array of objects whose
 * matchers hold rt's words or counts, providers and default_providers
 * notification providers, suppression windows counts, owners, ids and
 * names strings, acknowledgement flags booleans.  400 naming the member
 * otherwise.
 */
static enum cv_err
policy_check(struct cv_req *req, const struct ep_routing *rt,
    struct json_object *policy)
{
	static const char *const strs[] = { "rule_id", "name", "owner",
	    NULL };
	const struct ep_match	*m;
	const char *const	*s;
	struct json_object	*rules, *r, *v;
	const char		*key, *path, *name;
	size_t			 i;
	enum cv_err		 rc;

	if (policy == NULL)
		return CV_OK;
	if ((rc = providers_check(req, json_object_object_get(policy,
	    "default_providers"), "routing_policy.default_providers")) !=
	    CV_OK || (rc = count_check(req, json_object_object_get(policy,
	    "suppression_window_minutes"),
	    "routing_policy.suppression_window_minutes")) != CV_OK)
		return rc;
	if ((v = json_object_object_get(policy, "owner")) != NULL &&
	    !json_object_is_type(v, json_type_string))
		return policy_fail(req, "routing_policy.owner",
		    "must be a string");
	if ((rules = rules_of(rt, policy, &key)) == NULL)
		return CV_OK;
	if (!json_object_is_type(rules, json_type_array))
		return policy_fail(req, cv_arena_printf(req->arena,
		    "routing_policy.%s", key), "must be an array of rule "
		    "objects");
	for (i = 0; i < json_object_array_length(rules); i++) {
		r = json_object_array_get_idx(rules, i);
		path = cv_arena_printf(req->arena, "routing_policy.%s[%zu]",
		    key, i);
		if (!json_object_is_type(r, json_type_object))
			return policy_fail(req, path, "must be an object");
		for (s = strs; *s != NULL; s++)
			if ((v = json_object_object_get(r, *s)) != NULL &&
			    !json_object_is_type(v, json_type_string))
				return policy_fail(req, cv_arena_printf(
				    req->arena, "%s.%s", path, *s),
				    "must be a string");
		v = named(r, "acknowledgement_required", "ack_required",
		    &name);
		if (v != NULL && !json_object_is_type(v, json_type_boolean))
			return policy_fail(req, cv_arena_printf(req->arena,
			    "%s.%s", path, name), "must be a boolean");
		if ((rc = providers_check(req, json_object_object_get(r,
		    "providers"), cv_arena_printf(req->arena, "%s.providers",
		    path))) != CV_OK || (rc = count_check(req,
		    json_object_object_get(r, "suppression_window_minutes"),
		    cv_arena_printf(req->arena,
		    "%s.suppression_window_minutes", path))) != CV_OK)
			return rc;
		for (m = rt->match; m->key != NULL; m++) {
			v = named(r, m->key, m->alt, &name);
			name = cv_arena_printf(req->arena, "%s.%s", path, name);
			if ((rc = m->how == EP_MATCH_MIN ? count_check(req, v,
			    name) : words_check(req, v, name, m)) != CV_OK)
				return rc;
		}
	}
	return CV_OK;
}

enum cv_err
ep_route_read(struct cv_wf_ctx *ctx, const struct ep_routing *rt,
    struct ep_route_in *in)
{
	struct cv_req	*req = ctx->req;
	enum cv_err	 rc;

	memset(in, 0, sizeof(*in));
	if ((rc = cv_wf_obj(ctx, "routing_policy", &in->policy)) != CV_OK ||
	    (rc = cv_wf_str(ctx, "provider", &in->requested)) != CV_OK ||
	    (rc = cv_wf_bool(ctx, "force", 0, &in->force)) != CV_OK)
		return rc;
	in->have_window = json_object_object_get(req->json,
	    "suppression_window_minutes") != NULL;
	if (in->have_window && (rc = cv_wf_int(ctx,
	    "suppression_window_minutes", 0, 0, CV_WF_MINUTES_MAX,
	    &in->window)) != CV_OK)
		return rc;
	if (in->requested == NULL || *in->requested == '\0')
		in->requested = "all";
	if (strcmp(cv_wf_norm(req->arena, in->requested), "all") != 0 &&
	    prov_unknown(req->arena, in->requested))
		return cv_fail_field(req, CV_EINVAL, "provider", "provider "
		    "must be all or a comma list of: " PROVIDER_WORDS);
	return policy_check(req, rt, in->policy);
}

/* Whether rule r matches subject subj under rt's matchers. */
static int
rule_matches(struct cv_arena *a, const struct ep_routing *rt,
    struct json_object *r, struct json_object *subj)
{
	const struct ep_match	*m;
	struct json_object	*v, *have;
	const char		*name;
	size_t			 i;
	int			 hit;

	for (m = rt->match; m->key != NULL; m++) {
		v = named(r, m->key, m->alt, &name);
		switch (m->how) {
		case EP_MATCH_ONE:
			if (excludes(a, v, str(subj, m->field), 0))
				return 0;
			break;
		case EP_MATCH_SOME:
		case EP_MATCH_SOME_IF:
			if (!json_object_is_type(v, json_type_array) ||
			    json_object_array_length(v) == 0)
				break;
			have = json_object_object_get(subj, m->field);
			if (m->how == EP_MATCH_SOME_IF && alen(subj,
			    m->field) == 0)
				break;
			for (hit = 0, i = 0; !hit &&
			    i < json_object_array_length(v); i++)
				hit = cv_json_has_str(have,
				    json_object_get_string(
				    json_object_array_get_idx(v, i)));
			if (!hit)
				return 0;
			break;
		case EP_MATCH_MIN:
			if (num(subj, m->field) < pick_int(r, name, NULL, 0))
				return 0;
			break;
		}
	}
	return 1;
}

/* The rules of policy that match subj (new array). */
static struct json_object *
matching_rules(struct cv_arena *a, const struct ep_routing *rt,
    struct json_object *subj, struct json_object *policy)
{
	struct json_object	*rules, *r, *out;
	const char		*key;
	size_t			 i;

	out = json_object_new_array();
	rules = rules_of(rt, policy, &key);
	if (!json_object_is_type(rules, json_type_array))
		return out;
	for (i = 0; i < json_object_array_length(rules); i++) {
		r = json_object_array_get_idx(rules, i);
		if (json_object_is_type(r, json_type_object) &&
		    rule_matches(a, rt, r, subj))
			json_object_array_add(out, json_object_get(r));
	}
	return out;
}

/*
 * The eligible providers: the requested one(s) unless "all"; else the
 * matched rules' providers, else the policy's default_providers, else
 * the configured ones, else rt's defaults for the alert level; none
 * left: the configured ones, else webhook.
 */
static unsigned
eligible_of(struct cv_arena *a, const struct ep_routing *rt,
    const char *level, struct json_object *policy, struct json_object *rules,
    const char *requested, unsigned avail)
{
	unsigned	 bits = 0;
	size_t		 i;

	if (strcmp(cv_wf_norm(a, requested), "all") != 0)
		bits = prov_bits(a, requested);
	else {
		for (i = 0; i < json_object_array_length(rules); i++)
			bits |= prov_bits_json(a, json_object_object_get(
			    json_object_array_get_idx(rules, i), "providers"));
		if (bits == 0)
			bits = prov_bits_json(a, json_object_object_get(policy,
			    "default_providers"));
		if (bits == 0)
			bits = avail;
		if (bits == 0)
			bits = strcmp(level, "critical") == 0 ? rt->critical :
			    rt->other;
	}
	if (bits == 0)
		bits = avail != 0 ? avail : EP_P_WEBHOOK;
	return bits;
}

/* The suppression window: the body's (have), else the largest of the
 * matched rules', else the policy's (default 60); never negative. */
static int64_t
window_of(struct json_object *policy, struct json_object *rules, int have,
    int64_t given)
{
	struct json_object	*v;
	int64_t			 w = -1, n;
	size_t			 i;

	if (have)
		return given > 0 ? given : 0;
	for (i = 0; i < json_object_array_length(rules); i++) {
		v = json_object_object_get(json_object_array_get_idx(rules, i),
		    "suppression_window_minutes");
		if (v != NULL && (n = json_object_get_int64(v)) > w)
			w = n;
	}
	if (w < 0 && json_object_object_get_ex(policy,
	    "suppression_window_minutes", &v))
		w = json_object_get_int64(v);
	else if (w < 0)
		w = 60;
	return w > 0 ? w : 0;
}

/*
 * The providers of elig to suppress: those sent subject id (an RCD of
 * source src whose event_id is id) within the window before now, with
 * their latest such delivery.  New array.
 */
static struct json_object *
suppressed_of(struct cv_arena *a, const char *src, const char *id,
    unsigned elig, struct json_object *rcds, time_t now, int64_t window)
{
	struct json_object	*out, *r, *last;
	time_t			 t;
	size_t			 i, j;

	out = json_object_new_array();
	if (window <= 0)
		return out;
	for (i = 0; nprov[i] != NULL; i++) {
		if (!(elig & (1u << i)))
			continue;
		last = NULL;
		for (j = 0; j < json_object_array_length(rcds); j++) {
			r = json_object_array_get_idx(rcds, j);
			if (strcmp(str(r, "connector_delivery_source"),
			    src) != 0 || strcmp(str(r, "event_id"),
			    id) != 0 || !cv_json_has_str(
			    json_object_object_get(r, "providers"), nprov[i]))
				continue;
			if (cv_wf_ts_parse(cv_json_str_or(r, "created_at",
			    NULL), &t) != 0 || t < now - window * 60)
				continue;
			if (last == NULL || strcmp(str(r, "created_at"),
			    str(last, "created_at")) > 0)
				last = r;
		}
		if (last != NULL)
			json_object_array_add(out, obj("provider",
			    jstr(nprov[i]), "last_delivery_at",
			    cv_json_ref(last,
			    "created_at"), "last_delivery_id", cv_json_ref(last,
			    "session_id"), "reason", jstr(cv_arena_printf(a,
			    "delivery exists within %lld minute suppression "
			    "window", (long long)window)), NULL));
	}
	return out;
}

/* A provider's route of the matched rules. */
struct route {
	struct json_object	*rule_ids;	/* NULL: no rule names it */
	const char		*owner;
	int			 ack;
};

/*
 * The plan's routes, one per eligible provider (selected: in sel,
 * suppressed: in supp), and the providers that need an acknowledgement
 * (*ackbits).  New array.
 */
static struct json_object *
routes_of(struct cv_arena *a, struct json_object *rules,
    struct json_object *policy, const char *level, unsigned elig,
    unsigned sel, unsigned supp, int64_t window, unsigned *ackbits)
{
	struct route		 rt[5];
	struct json_object	*r, *routes, *v;
	const char		*id, *owner;
	unsigned		 bits;
	size_t			 i, j;
	int			 ack;

	memset(rt, 0, sizeof(rt));
	for (i = 0; i < json_object_array_length(rules); i++) {
		r = json_object_array_get_idx(rules, i);
		id = str2(r, NULL, "rule_id", str2(r, NULL, "name", "unnamed"));
		owner = *str(r, "owner") != '\0' ? str(r, "owner") : NULL;
		if (json_object_object_get_ex(r, "acknowledgement_required",
		    &v) || json_object_object_get_ex(r, "ack_required", &v))
			ack = cv_json_truthy(v);
		else
			ack = 1;
		bits = prov_bits_json(a, json_object_object_get(r,
		    "providers"));
		for (j = 0; nprov[j] != NULL; j++) {
			if (!(bits & (1u << j)))
				continue;
			if (rt[j].rule_ids == NULL) {
				rt[j].rule_ids = json_object_new_array();
				rt[j].owner = owner;
				rt[j].ack = ack;
			}
			json_object_array_add(rt[j].rule_ids, jstr(id));
			if (owner != NULL)
				rt[j].owner = owner;
			rt[j].ack = rt[j].ack || ack;
		}
	}
	routes = json_object_new_array();
	*ackbits = 0;
	for (j = 0; nprov[j] != NULL; j++) {
		if (!(elig & (1u << j))) {
			json_object_put(rt[j].rule_ids);
			continue;
		}
		ack = rt[j].rule_ids != NULL ? rt[j].ack :
		    strcmp(level, "critical") == 0 || strcmp(level, "warning")
		    == 0;
		owner = rt[j].owner != NULL ? rt[j].owner : str2(policy, NULL,
		    "owner", OWNER_DEFAULT);
		if ((sel & (1u << j)) && ack)
			*ackbits |= 1u << j;
		json_object_array_add(routes, obj("provider", jstr(nprov[j]),
		    "selected", json_object_new_boolean(sel & (1u << j)),
		    "suppressed", json_object_new_boolean(supp & (1u << j)),
		    "rule_ids", rt[j].rule_ids != NULL ? rt[j].rule_ids :
		    json_object_new_array(), "owner", jstr(owner),
		    "acknowledgement_required", json_object_new_boolean(ack),
		    "suppression_window_minutes", json_object_new_int64(window),
		    NULL));
	}
	return routes;
}

enum cv_err
ep_route_deliver(struct cv_wf_ctx *ctx, const struct ep_routing *rt,
    const struct ep_route_in *in, struct json_object *subj,
    struct json_object *extra, struct json_object *event,
    struct json_object **answer)
{
	struct cv_arena		*a = ctx->req->arena;
	struct json_object	*rcds = NULL, *rules, *supp, *routes, *plan,
				*prec, *m, *ids, *r, *result = NULL,
				*rcd = NULL, *links;
	const char		*id, *level, *pid;
	const char *const	*c;
	int64_t			 window;
	unsigned		 avail, elig, sel, sbits, ackbits;
	size_t			 i;
	enum cv_err		 rc;

	*answer = NULL;
	if ((rc = cv_wf_load(ctx, CV_WF_RCD_KIND, &rcds)) != CV_OK) {
		json_object_put(extra);
		return rc;
	}
	id = str(subj, rt->id_field);
	level = str2(subj, NULL, "alert_level", "healthy");
	avail = prov_available(a);
	rules = matching_rules(a, rt, subj, in->policy);
	elig = eligible_of(a, rt, level, in->policy, rules, in->requested,
	    avail);
	window = window_of(in->policy, rules, in->have_window, in->window);
	supp = in->force ? json_object_new_array() : suppressed_of(a, rt->src,
	    id, elig, rcds, ctx->t, window);
	json_object_put(rcds);
	sbits = 0;
	for (i = 0; i < json_object_array_length(supp); i++)
		sbits |= prov_bits(a, str(json_object_array_get_idx(supp, i),
		    "provider"));
	sel = elig & ~sbits;
	if (rt->quiet_healthy && strcmp(level, "healthy") == 0)
		sel = 0;
	routes = routes_of(a, rules, in->policy, level, elig, sel, sbits,
	    window, &ackbits);
	m = obj(rt->id_field, jstr(id), "generated_at", jstr(ctx->now),
	    "eligible", prov_array(elig), "selected", prov_array(sel),
	    "suppressed", json_object_get(supp), NULL);
	pid = cv_wf_id(a, rt->plan->prefix, m, NULL);
	json_object_put(m);
	ids = json_object_new_array();
	for (i = 0; i < json_object_array_length(rules); i++) {
		r = json_object_array_get_idx(rules, i);
		json_object_array_add(ids, jstr(str2(r, NULL, "rule_id",
		    str2(r, NULL, "name", "None"))));
	}
	json_object_put(rules);
	plan = obj("schema_version", jstr(rt->plan->schema), "product",
	    jstr(CV_PRODUCT), "plan_id", jstr(pid), rt->id_field, jstr(id),
	    "generated_at", jstr(ctx->now), "generated_by", jstr(ctx->by),
	    "alert_level", jstr(level), NULL);
	if (extra != NULL) {
		json_object_object_foreach(extra, k, v)
			json_object_object_add(plan, k, json_object_get(v));
		json_object_put(extra);
	}
	m = json_object_new_array();
	for (c = rt->controls; *c != NULL; c++)
		json_object_array_add(m, jstr(*c));
	json_object_object_add(plan, "requested_provider",
	    jstr(in->requested));
	json_object_object_add(plan, "eligible_providers", prov_array(elig));
	json_object_object_add(plan, "selected_providers", prov_array(sel));
	json_object_object_add(plan, "suppressed_providers", supp);
	json_object_object_add(plan, "suppression_window_minutes",
	    json_object_new_int64(window));
	json_object_object_add(plan, "force",
	    json_object_new_boolean(in->force));
	json_object_object_add(plan, "routes", routes);
	json_object_object_add(plan, "matched_rule_ids", ids);
	json_object_object_add(plan, "acknowledgement_required_providers",
	    prov_array(ackbits));
	json_object_object_add(plan, "controls", m);
	prec = cv_wf_keep(ctx, rt->plan, plan, nbits(elig),
	    (int64_t)json_object_array_length(supp), nbits(ackbits),
	    rt->index);
	json_object_object_add(prec, "suppressed_providers", prov_array(
	    sbits & elig));
	json_object_object_add(prec, "suppressed_provider_count",
	    json_object_new_int64((int64_t)json_object_array_length(supp)));
	json_object_object_add(event, rt->plan->payload_key,
	    json_object_get(plan));
	if (sel != 0) {
		links = obj(rt->id_field, jstr(id), "plan_id", jstr(pid), NULL);
		m = prov_array(sel);
		rc = cv_wf_deliver(ctx, event, cv_wf_joined(a, m), rt->src,
		    links, &result, &rcd);
		json_object_put(m);
		json_object_put(links);
	}
	if (rc == CV_OK)
		*answer = obj("plan", json_object_get(plan), "delivery", result,
		    "plan_metadata", json_object_get(prec), "metadata",
		    json_object_get(rcd), "success", json_object_new_boolean(
		    result == NULL || json_object_get_boolean(
		    json_object_object_get(result, "success"))), "event_id",
		    jstr(id), NULL);
	else
		json_object_put(result);
	json_object_put(plan);
	return rc;
}

/* ---- E1: notification ------------------------------------------------ */

/* The notification event of a report, at most maxesc escalations. */
static struct json_object *
notify_event(struct cv_wf_ctx *ctx, struct json_object *report,
    int64_t maxesc)
{
	struct cv_arena		*a = ctx->req->arena;
	struct json_object	*sum, *all, *esc, *e, *fields, *facts, *ev;
	const char		*rid, *level, *title, *msg, *desc;
	int64_t			 br, risk, tracked;
	size_t			 i, n;

	sum = json_object_object_get(report, "executive_summary");
	rid = str2(report, NULL, "report_id", "endpoint-remediation-sla");
	level = str2(report, NULL, "alert_level", "healthy");
	br = num(sum, "breached_count");
	risk = num(sum, "at_risk_count");
	tracked = num(sum, "tracked_work_item_count");
	all = json_object_object_get(report, "escalations");
	n = alen(report, "escalations");
	esc = ep_head(all, (size_t)maxesc);
	title = cv_arena_printf(a, "CAVRA endpoint remediation SLA %s: %s",
	    level, rid);
	msg = cv_arena_printf(a, "%lld breached and %lld at-risk endpoint "
	    "remediation handoffs across %lld tracked work items.",
	    (long long)br, (long long)risk, (long long)tracked);
	desc = cv_arena_printf(a, "CAVRA endpoint remediation SLA report %s "
	    "is %s.\n\nTracked work items: %lld\nCompleted: %lld\nAt risk: "
	    "%lld\nBreached: %lld\nCritical providers: %lld\n\nEscalations:",
	    rid, level, (long long)tracked, (long long)num(sum,
	    "completed_count"), (long long)risk, (long long)br,
	    (long long)num(sum, "critical_provider_count"));
	if (json_object_array_length(esc) == 0)
		desc = cv_arena_printf(a, "%s\n- No active SLA escalations.",
		    desc);
	fields = json_object_new_array();
	facts = json_object_new_array();
	for (i = 0; i < json_object_array_length(esc); i++) {
		e = json_object_array_get_idx(esc, i);
		desc = cv_arena_printf(a, "%s\n- %s provider=%s handoff=%s "
		    "status=%s action=%s", desc, str(e, "severity"), str(e,
		    "provider"), str(e, "handoff_id"), str(e, "status"),
		    str(e, "recommended_action"));
		if (i >= CV_WF_CARD_ITEMS_MAX)
			continue;
		json_object_array_add(fields, jstr(cv_arena_printf(a,
		    "*%s* `%s` `%s`", ep_title_case(a, str(e, "severity")),
		    str(e, "provider"), str(e, "handoff_id"))));
		json_object_array_add(facts, obj("name", jstr(str2(e, NULL,
		    "provider", "provider")), "value", jstr(cv_arena_printf(a,
		    "%s %s %s", str(e, "severity"), str(e, "handoff_id"),
		    str(e, "status"))), NULL));
	}
	desc = cv_arena_printf(a, "%s\n\nThis notification is generated from "
	    "public CAVRA SLA metadata. Endpoint mutation and private "
	    "connector execution remain outside the Community Edition "
	    "repository.", desc);
	ev = obj("schema_version", jstr(SLA("notification")), "product",
	    jstr(CV_PRODUCT), "event_type",
	    jstr("cavra.endpoint_remediation_sla.notification"), "session_id",
	    jstr(rid), "report_id", jstr(rid), "generated_at", jstr(ctx->now),
	    "generated_by", jstr(ctx->by), "source_report_generated_at",
	    cv_json_ref(report, "generated_at"), "alert_level", jstr(level),
	    "max_severity", jstr(br > 0 ? "critical" : risk > 0 ? "warning" :
	    "low"), "blocked_count", json_object_new_int64(br),
	    "approval_required_count", json_object_new_int64(risk),
	    "decision_count", json_object_new_int64(tracked),
	    "completion_rate", json_object_object_get(sum, "completion_rate")
	    != NULL ? cv_json_ref(sum, "completion_rate") :
	    json_object_new_int(0), "summary", obj("tracked_work_item_count",
	    json_object_new_int64(tracked), "completed_count",
	    json_object_new_int64(num(sum, "completed_count")),
	    "at_risk_count", json_object_new_int64(risk), "breached_count",
	    json_object_new_int64(br), "critical_provider_count",
	    json_object_new_int64(num(sum, "critical_provider_count")),
	    "release_channels", alen(sum, "release_channels") > 0 ?
	    cv_json_ref(sum,
	    "release_channels") : json_object_new_array(), NULL),
	    "escalations", esc, "omitted_escalation_count",
	    json_object_new_int64((int64_t)(n - json_object_array_length(
	    esc))), "controls", arr(
	    jstr("notification-derived-from-public-sla-report"),
	    jstr("connector-delivery-evidence-redacts-secrets"),
	    jstr("no-endpoint-mutation-performed-by-public-notification-"
	    "event"),
	    jstr("private-connectors-remain-responsible-for-ticket-or-chat-"
	    "side-effects"), NULL),
	    "evidence_refs", alen(report, "evidence_refs") > 0 ?
	    cv_json_ref(report,
	    "evidence_refs") : json_object_new_array(), NULL);
	ep_add_payloads(ev, ep_slack_card(title, msg, fields, "Generated from "
	    "public CAVRA endpoint remediation SLA evidence."),
	    ep_teams_card(title, msg, strcmp(level, "critical") == 0 ?
	    "DC2626" :
	    strcmp(level, "warning") == 0 ? "D97706" : "2E7D32", facts),
	    title, desc, rid, level);
	return ev;
}

/* E1 rules: by alert level, release channel (when both name some) and
 * the numbers of breached and at-risk work items. */
const char *const ep_alert_levels[] = { "critical", "warning", "healthy",
	NULL };
static const struct ep_match notify_match[] = {
	{ "alert_levels", NULL, EP_MATCH_ONE, "alert_level", ep_alert_levels,
	    EP_ALERT_LEVEL_WORDS },
	{ "channels", NULL, EP_MATCH_SOME_IF, "release_channels", NULL,
	    NULL },
	{ "min_breached", NULL, EP_MATCH_MIN, "breached_count", NULL, NULL },
	{ "min_at_risk", NULL, EP_MATCH_MIN, "at_risk_count", NULL, NULL },
	{ NULL, NULL, EP_MATCH_ONE, NULL, NULL, NULL }
};
static const char *const notify_rule_keys[] = { "rules",
	"notification_routing", NULL };
static const char *const notify_controls[] = {
	"routing-derived-from-public-sla-policy",
	"duplicate-suppression-uses-redacted-delivery-metadata",
	"acknowledgements-record-human-or-automation-review",
	"no-connector-credentials-stored-in-plan", NULL
};
static const struct ep_routing notify_routing = {
	notify_rule_keys, notify_match,
	EP_P_JIRA | EP_P_SERVICENOW | EP_P_SLACK | EP_P_TEAMS,
	EP_P_SLACK | EP_P_TEAMS, 0, SRC_NOTIFY, "report_id", &k_nplan,
	nplan_index, notify_controls
};

/*
 * POST /endpoint-remediation-sla-reports/{report_id}/deliver: the
 * notification plan of a stored report routed by notify_routing
 * (routing_policy, provider, suppression_window_minutes, force), stored,
 * and its event delivered to the selected providers (none: nothing
 * sent).  Answers {report_id, plan, delivery, plan_metadata, metadata,
 * success, event_id}.  400 without a connector config or for a policy
 * that does not fit, 404 for an unknown report.
 */
static enum cv_err
build_notify(struct cv_wf_ctx *ctx, struct json_object **answer)
{
	struct cv_req		*req = ctx->req;
	struct json_object	*rec = NULL, *report, *sum, *subj, *extra, *ev;
	struct ep_route_in	 in;
	const char		*rid;
	int64_t			 maxesc;
	enum cv_err		 rc;

	if ((rc = cv_wf_need_connector(ctx)) != CV_OK ||
	    (rc = ep_route_read(ctx, &notify_routing, &in)) != CV_OK ||
	    (rc = cv_wf_int(ctx, "max_escalations", CV_WF_ESCALATIONS_DEFAULT,
	    INT64_MIN, INT64_MAX, &maxesc)) != CV_OK)
		return rc;
	maxesc = maxesc < 1 ? 1 : maxesc > CV_WF_ESCALATIONS_MAX ?
	    CV_WF_ESCALATIONS_MAX : maxesc;
	rid = cv_param(req, "report_id");
	if ((rc = cv_wf_get(ctx, rid, k_report.kind, &rec)) == CV_ENOENT)
		return cv_fail(req, CV_ENOENT,
		    "endpoint remediation SLA report not found");
	if (rc != CV_OK)
		return rc;
	report = ep_inner(rec, "report");
	rid = str2(report, NULL, "report_id", rid);
	sum = json_object_object_get(report, "executive_summary");
	subj = obj("report_id", jstr(rid), "alert_level", jstr(str2(report,
	    NULL, "alert_level", "healthy")), "release_channels",
	    cv_json_ref(sum,
	    "release_channels"), "breached_count", json_object_new_int64(
	    num(sum, "breached_count")), "at_risk_count",
	    json_object_new_int64(num(sum, "at_risk_count")), NULL);
	extra = obj("summary", obj("tracked_work_item_count",
	    json_object_new_int64(num(sum, "tracked_work_item_count")),
	    "completed_count", json_object_new_int64(num(sum,
	    "completed_count")), "at_risk_count", json_object_new_int64(num(
	    sum, "at_risk_count")), "breached_count", json_object_new_int64(
	    num(sum, "breached_count")), "release_channels", alen(sum,
	    "release_channels") > 0 ? cv_json_ref(sum, "release_channels") :
	    json_object_new_array(), NULL), NULL);
	ev = notify_event(ctx, report, maxesc);
	rc = ep_route_deliver(ctx, &notify_routing, &in, subj, extra, ev,
	    answer);
	if (rc == CV_OK)
		json_object_object_add(*answer, "report_id", jstr(rid));
	json_object_put(ev);
	json_object_put(subj);
	json_object_put(rec);
	return rc;
}

/* ---- lists ---------------------------------------------------------- */


/*
 * GET lists whose filters look inside records (escalation routes, the
 * suppressed providers of a plan): the step's records admitted by its
 * list's filter, newest first, paged: {schema_version, product, items,
 * total, limit, offset}.  Candidate for lib/wfstep.c: a record filter
 * callback in the HISTORY step.
 */
enum cv_err
ep_build_list(struct cv_wf_ctx *ctx, struct json_object **answer)
{
	const struct ep_list	*l = ctx->st->opt;
	struct json_object	*all = NULL, *items, *it;
	size_t			 limit, offset, i, total = 0;
	enum cv_err		 rc;

	if ((rc = cv_query_page(ctx->req, &limit, &offset)) != CV_OK ||
	    (rc = ep_load_set(ctx, l->kinds, l->srcs, &all)) != CV_OK)
		return rc;
	items = json_object_new_array();
	for (i = 0; i < json_object_array_length(all); i++) {
		if ((rc = l->admit(ctx, json_object_array_get_idx(all, i),
		    &it)) != CV_OK)
			break;
		if (it == NULL)
			continue;
		if (total++ >= offset && json_object_array_length(items) <
		    limit)
			json_object_array_add(items, it);
		else
			json_object_put(it);
	}
	json_object_put(all);
	if (rc != CV_OK) {
		json_object_put(items);
		return rc;
	}
	*answer = obj("schema_version", jstr(ctx->st->schema), "product",
	    jstr(CV_PRODUCT), "items", items, "total",
	    json_object_new_int64((int64_t)total), "limit",
	    json_object_new_int64((int64_t)limit), "offset",
	    json_object_new_int64((int64_t)offset), NULL);
	return CV_OK;
}

/* A non-empty query value, or NULL. */
static const char *
qval(struct cv_wf_ctx *ctx, const char *key)
{
	const char	*q = cv_query(ctx->req, key);

	return q != NULL && *q != '\0' ? q : NULL;
}

/* Whether r's field is q or one of arrays k1, k2, k3 (may be NULL)
 * holds it. */
static int
field_or_member(struct json_object *r, const char *field, const char *q,
    const char *k1, const char *k2, const char *k3)
{
	return strcmp(str(r, field), q) == 0 ||
	    cv_json_has_str(json_object_object_get(r, k1), q) ||
	    (k2 != NULL && cv_json_has_str(json_object_object_get(r, k2),
	    q)) || (k3 != NULL && cv_json_has_str(json_object_object_get(r,
	    k3), q));
}

/* GET /endpoint-remediation-sla-notifications: report_id (or the
 * delivery's event_id), provider, metadata_kind, acknowledgement_state,
 * suppressed (plans with a suppressed provider). */
static enum cv_err
admit_notification(struct cv_wf_ctx *ctx, struct json_object *r,
    struct json_object **item)
{
	struct cv_arena	*a = ctx->req->arena;
	const char	*q;
	int		 sup;
	enum cv_err	 rc;

	*item = NULL;
	if ((q = qval(ctx, "metadata_kind")) != NULL &&
	    strcmp(str(r, "metadata_kind"), q) != 0)
		return CV_OK;
	if ((q = qval(ctx, "report_id")) != NULL && strcmp(str(r,
	    "report_id"), q) != 0 && strcmp(str(r, "event_id"), q) != 0)
		return CV_OK;
	if ((q = qval(ctx, "provider")) != NULL && !field_or_member(r,
	    "provider", cv_wf_norm(a, q), "providers", "selected_providers",
	    "suppressed_providers"))
		return CV_OK;
	if ((q = qval(ctx, "acknowledgement_state")) != NULL &&
	    strcmp(str(r, "acknowledgement_state"), cv_wf_norm(a, q)) != 0)
		return CV_OK;
	if (cv_query(ctx->req, "suppressed") != NULL) {
		if ((rc = cv_query_bool(ctx->req, "suppressed", 0, &sup)) !=
		    CV_OK)
			return rc;
		if ((alen(r, "suppressed_providers") > 0) != (sup != 0))
			return CV_OK;
	}
	*item = json_object_get(r);
	return CV_OK;
}

/* The routes of a record's escalation plan of owner and provider
 * (lower-cased; NULL: any), active ones only when active.  New array. */
static struct json_object *
plan_routes(struct cv_arena *a, struct json_object *r, const char *owner,
    const char *provider, int active)
{
	struct json_object	*routes, *rt, *out;
	size_t			 i;

	out = json_object_new_array();
	routes = json_object_object_get(ep_inner(r, "escalation_plan"),
	    "route_statuses");
	for (i = 0; i < alen(ep_inner(r, "escalation_plan"), "route_statuses");
	    i++) {
		rt = json_object_array_get_idx(routes, i);
		if (!json_object_is_type(rt, json_type_object) ||
		    (owner != NULL && strcmp(ep_lower(a, str(rt, "owner")),
		    owner) != 0) || (provider != NULL && strcmp(ep_lower(a,
		    str(rt, "provider")), provider) != 0) || (active &&
		    !cv_json_truthy(json_object_object_get(rt,
		    "active_escalation"))))
			continue;
		json_object_array_add(out, json_object_get(rt));
	}
	return out;
}

/* GET /endpoint-remediation-sla-escalations: alert_level, and owner,
 * provider, active_only on the plan's routes, which the item lists as
 * matched_route_statuses. */
static enum cv_err
admit_escalation(struct cv_wf_ctx *ctx, struct json_object *r,
    struct json_object **item)
{
	struct cv_arena		*a = ctx->req->arena;
	struct json_object	*m;
	const char		*q, *owner, *prov;
	int			 active;
	enum cv_err		 rc;

	*item = NULL;
	if ((rc = cv_query_bool(ctx->req, "active_only", 0, &active)) !=
	    CV_OK)
		return rc;
	if ((q = qval(ctx, "alert_level")) != NULL && strcmp(str(r,
	    "alert_level"), q) != 0)
		return CV_OK;
	owner = (q = qval(ctx, "owner")) != NULL ? ep_lower(a, q) : NULL;
	prov = (q = qval(ctx, "provider")) != NULL ? cv_wf_norm(a, q) : NULL;
	if (owner == NULL && prov == NULL && !active) {
		*item = json_object_get(r);
		return CV_OK;
	}
	m = plan_routes(a, r, owner, prov, active);
	if (json_object_array_length(m) == 0)
		json_object_put(m);
	else
		*item = ep_copy_with(r, "matched_route_statuses", m);
	return CV_OK;
}

/* GET /endpoint-remediation-sla-escalation-actions: metadata_kind,
 * plan_id (or event or record id), provider, owner (the record's or a
 * route's of its plan), review_state. */
static enum cv_err
admit_action(struct cv_wf_ctx *ctx, struct json_object *r,
    struct json_object **item)
{
	struct cv_arena		*a = ctx->req->arena;
	struct json_object	*m;
	const char		*q;
	int			 hit;

	*item = NULL;
	if ((q = qval(ctx, "metadata_kind")) != NULL &&
	    strcmp(str(r, "metadata_kind"), q) != 0)
		return CV_OK;
	if ((q = qval(ctx, "plan_id")) != NULL && strcmp(str(r, "plan_id"),
	    q) != 0 && strcmp(str(r, "event_id"), q) != 0 &&
	    strcmp(str(r, "session_id"), q) != 0)
		return CV_OK;
	if ((q = qval(ctx, "provider")) != NULL) {
		q = cv_wf_norm(a, q);
		if (!(hit = field_or_member(r, "provider", q, "providers",
		    NULL, NULL))) {
			m = plan_routes(a, r, NULL, q, 0);
			hit = json_object_array_length(m) > 0;
			json_object_put(m);
		}
		if (!hit)
			return CV_OK;
	}
	if ((q = qval(ctx, "owner")) != NULL) {
		q = ep_lower(a, q);
		if (!(hit = strcmp(ep_lower(a, str(r, "owner")), q) == 0)) {
			m = plan_routes(a, r, q, NULL, 0);
			hit = json_object_array_length(m) > 0;
			json_object_put(m);
		}
		if (!hit)
			return CV_OK;
	}
	if ((q = qval(ctx, "review_state")) != NULL &&
	    strcmp(str(r, "review_state"), cv_wf_norm(a, q)) != 0)
		return CV_OK;
	*item = json_object_get(r);
	return CV_OK;
}

/* ---- dashboards ----------------------------------------------------- */

/*
 * GET /endpoint-remediation-sla-reports/dashboard: the newest report's
 * values, the report count and the counts of critical and warning
 * reports.
 */
static enum cv_err
build_report_dashboard(struct cv_wf_ctx *ctx, struct json_object **answer)
{
	static const char *const keys[] = { "tracked_work_item_count",
		"completed_count", "at_risk_count", "breached_count",
		"critical_provider_count", "escalation_count", NULL };
	struct json_object	*all, *r, *newest, *o;
	const char *const	*k;
	int64_t			 crit = 0, warn = 0;
	size_t			 i, n;
	enum cv_err		 rc;

	if ((rc = ep_load_set(ctx, report_kinds, NULL, &all)) != CV_OK)
		return rc;
	n = json_object_array_length(all);
	for (i = 0; i < n; i++) {
		r = json_object_array_get_idx(all, i);
		crit += strcmp(str(r, "alert_level"), "critical") == 0;
		warn += strcmp(str(r, "alert_level"), "warning") == 0;
	}
	newest = n > 0 ? json_object_array_get_idx(all, 0) : NULL;
	o = cv_wf_doc(ctx, ctx->st->schema);
	cv_json_add_str(o, "alert_level", str2(newest, NULL, "alert_level",
	    "healthy"));
	cv_json_add_int(o, "report_count", (int64_t)n);
	cv_json_add_int(o, "critical_report_count", crit);
	cv_json_add_int(o, "warning_report_count", warn);
	json_object_object_add(o, "latest_report_id",
	    cv_json_ref(newest, "report_id"));
	for (k = keys; *k != NULL; k++)
		cv_json_add_int(o, *k, num(newest, *k));
	json_object_object_add(o, "completion_rate", newest != NULL &&
	    json_object_object_get(newest, "completion_rate") != NULL ?
	    cv_json_ref(newest, "completion_rate") : json_object_new_int(0));
	json_object_object_add(o, "release_channels", alen(newest,
	    "release_channels") > 0 ? cv_json_ref(newest, "release_channels") :
	    json_object_new_array());
	json_object_object_add(o, "latest", ep_head(all, CV_WF_LATEST_MAX));
	json_object_put(all);
	*answer = o;
	return CV_OK;
}

/* Whether a notification plan record has a selected provider (its own
 * list, its plan's, or a selected route). */
static int
plan_selected(struct json_object *p)
{
	struct json_object	*pl = ep_inner(p, "notification_plan"), *rts;
	size_t			 i;

	if (alen(p, "selected_providers") > 0 || alen(pl,
	    "selected_providers") > 0)
		return 1;
	rts = json_object_object_get(pl, "routes");
	for (i = 0; i < alen(pl, "routes"); i++)
		if (cv_json_truthy(json_object_object_get(
		    json_object_array_get_idx(rts, i), "selected")))
			return 1;
	return 0;
}

/*
 * GET /endpoint-remediation-sla-notifications/dashboard: plans,
 * deliveries and acknowledgements of E1; outstanding = the providers
 * the latest plan of each report (one needing acknowledgements or with
 * selected providers preferred) needs an acknowledged or resolved
 * acknowledgement from and has none.  Critical with a failed delivery or
 * an outstanding acknowledgement, warning with a suppressed provider.
 */
static enum cv_err
build_notify_dashboard(struct cv_wf_ctx *ctx, struct json_object **answer)
{
	struct cv_arena		*a = ctx->req->arena;
	struct json_object	*all, *r, *cur, *latest, *acked, *outst, *o,
				*req;
	const char		*kind, *rid, *p;
	int64_t			 plans = 0, dels = 0, failed = 0,
				 acks = 0,
				 supp = 0;
	size_t			 i;
	int			 cr, cs, nr, ns;
	enum cv_err		 rc;

	if ((rc = ep_load_set(ctx, notify_kinds, notify_srcs, &all)) != CV_OK)
		return rc;
	latest = json_object_new_object();
	acked = json_object_new_object();
	for (i = 0; i < json_object_array_length(all); i++) {
		r = json_object_array_get_idx(all, i);
		kind = str(r, "metadata_kind");
		if (strcmp(kind, CV_WF_RCD_KIND) == 0) {
			dels++;
			failed += !cv_json_truthy(json_object_object_get(r,
			    "delivery_success"));
		} else if (strcmp(kind, k_nack.kind) == 0) {
			acks++;
			if (cv_wf_done(&ack_vocab, str(r,
			    "acknowledgement_state")))
				json_object_object_add(acked, cv_arena_printf(
				    a, "%s\n%s", str(r, "report_id"), str(r,
				    "provider")), json_object_new_boolean(1));
		} else {
			plans++;
			supp += (int64_t)alen(r, "suppressed_providers");
			if (*(rid = str(r, "report_id")) == '\0')
				continue;
			cur = json_object_object_get(latest, rid);
			nr = alen(r, "acknowledgement_required_providers") > 0;
			ns = plan_selected(r);
			cr = cur != NULL && alen(cur,
			    "acknowledgement_required_providers") > 0;
			cs = cur != NULL && plan_selected(cur);
			if (cur == NULL || (nr && !cr) || (ns && !cs) ||
			    (nr == cr && ns == cs && strcmp(str(r,
			    "created_at"), str(cur, "created_at")) > 0))
				json_object_object_add(latest, rid,
				    json_object_get(r));
		}
	}
	outst = json_object_new_array();
	json_object_object_foreach(latest, key, plan) {
		req = json_object_object_get(plan,
		    "acknowledgement_required_providers");
		for (i = 0; i < alen(plan,
		    "acknowledgement_required_providers"); i++) {
			p = json_object_get_string(json_object_array_get_idx(
			    req, i));
			if (json_object_object_get(acked, cv_arena_printf(a,
			    "%s\n%s", key, p)) == NULL)
				json_object_array_add(outst, obj("report_id",
				    jstr(key), "provider", jstr(p), "plan_id",
				    cv_json_ref(plan, "plan_id"), NULL));
		}
	}
	o = cv_wf_doc(ctx, ctx->st->schema);
	cv_json_add_str(o, "alert_level", failed > 0 ||
	    json_object_array_length(outst) > 0 ? "critical" : supp > 0 ?
	    "warning" : "healthy");
	cv_json_add_int(o, "plan_count", plans);
	cv_json_add_int(o, "delivery_count", dels);
	cv_json_add_int(o, "failed_delivery_count", failed);
	cv_json_add_int(o, "acknowledgement_count", acks);
	cv_json_add_int(o, "outstanding_acknowledgement_count",
	    (int64_t)json_object_array_length(outst));
	cv_json_add_int(o, "suppressed_provider_count", supp);
	json_object_object_add(o, "outstanding_acknowledgements", ep_head(outst,
	    CV_WF_OUTSTANDING_MAX));
	json_object_object_add(o, "latest", ep_head(all, CV_WF_LATEST_MAX));
	json_object_put(outst);
	json_object_put(latest);
	json_object_put(acked);
	json_object_put(all);
	*answer = o;
	return CV_OK;
}

/* The routes of the newest escalation plan of all (borrowed), or
 * NULL. */
static struct json_object *
newest_routes(struct json_object *all)
{
	struct json_object	*r;

	if (json_object_array_length(all) == 0)
		return NULL;
	r = ep_inner(json_object_array_get_idx(all, 0), "escalation_plan");
	return json_object_object_get(r, "route_statuses");
}

/* The number of routes whose field is word (word NULL: truthy). */
static int64_t
count_routes(struct json_object *routes, const char *field,
    const char *word)
{
	struct json_object	*v;
	int64_t			 n = 0;
	size_t			 i;

	for (i = 0; json_object_is_type(routes, json_type_array) &&
	    i < json_object_array_length(routes); i++) {
		v = json_object_object_get(json_object_array_get_idx(routes,
		    i), field);
		n += word == NULL ? cv_json_truthy(v) :
		    json_object_is_type(v, json_type_string) &&
		    strcmp(json_object_get_string(v), word) == 0;
	}
	return n;
}

/*
 * GET /endpoint-remediation-sla-escalations/dashboard: the newest
 * escalation plan's routes (critical with an active escalation).
 */
static enum cv_err
build_escalation_dashboard(struct cv_wf_ctx *ctx, struct json_object **answer)
{
	struct json_object	*all, *routes, *o, *owners, *active, *rt;
	int64_t			 act;
	size_t			 i;
	enum cv_err		 rc;

	if ((rc = ep_load_set(ctx, eplan_kinds, NULL, &all)) != CV_OK)
		return rc;
	routes = newest_routes(all);
	act = count_routes(routes, "active_escalation", NULL);
	owners = json_object_new_array();
	active = json_object_new_array();
	for (i = 0; json_object_is_type(routes, json_type_array) &&
	    i < json_object_array_length(routes); i++) {
		rt = json_object_array_get_idx(routes, i);
		if (*str(rt, "owner") != '\0' && !cv_json_has_str(owners,
		    str(rt, "owner")))
			json_object_array_add(owners, jstr(str(rt, "owner")));
		if (cv_json_truthy(json_object_object_get(rt,
		    "active_escalation")) && json_object_array_length(active) <
		    CV_WF_ACTIVE_SHOWN_MAX)
			json_object_array_add(active, json_object_get(rt));
	}
	o = cv_wf_doc(ctx, ctx->st->schema);
	cv_json_add_str(o, "alert_level", act > 0 ? "critical" : "healthy");
	cv_json_add_int(o, "plan_count", (int64_t)json_object_array_length(
	    all));
	cv_json_add_int(o, "route_count", json_object_is_type(routes,
	    json_type_array) ? (int64_t)json_object_array_length(routes) : 0);
	cv_json_add_int(o, "active_escalation_count", act);
	cv_json_add_int(o, "acknowledgement_breach_count", count_routes(
	    routes, "acknowledgement_slo_state", "breached"));
	cv_json_add_int(o, "resolution_breach_count", count_routes(routes,
	    "resolution_slo_state", "breached"));
	cv_json_add_int(o, "owner_count", (int64_t)json_object_array_length(
	    owners));
	json_object_put(owners);
	json_object_object_add(o, "owners", json_object_array_length(all) > 0
	    && alen(ep_inner(json_object_array_get_idx(all, 0),
	    "escalation_plan"), "owners") > 0 ? cv_json_ref(ep_inner(
	    json_object_array_get_idx(all, 0), "escalation_plan"), "owners") :
	    json_object_new_array());
	json_object_object_add(o, "active_escalations", active);
	json_object_object_add(o, "latest", ep_head(all, CV_WF_LATEST_MAX));
	json_object_put(all);
	*answer = o;
	return CV_OK;
}

/*
 * GET /endpoint-remediation-sla-escalation-actions/dashboard: counts of
 * every escalation action kind and its deliveries, unresolved reviews
 * and the active escalations of every plan.  Critical with a failed
 * delivery or an active escalation, warning with an unresolved review.
 */
static enum cv_err
build_action_dashboard(struct cv_wf_ctx *ctx, struct json_object **answer)
{
	static const struct {
		const char	*key;
		const char	*kind;
	} counts[] = {
		{ "plan_count", "endpoint-remediation-sla-escalation-plan" },
		{ "delivery_count", CV_WF_RCD_KIND },
		{ "owner_review_count",
		    "endpoint-remediation-sla-escalation-review" },
		{ "recurrence_plan_count",
		    "endpoint-remediation-sla-escalation-recurrence-plan" },
		{ "suppression_audit_count",
		    "endpoint-remediation-sla-escalation-suppression-audit" },
		{ "recurrence_retry_plan_count",
		    "endpoint-remediation-sla-escalation-recurrence-retry-"
		    "plan" },
		{ "owner_digest_count",
		    "endpoint-remediation-sla-escalation-owner-digest" },
		{ "suppression_trend_count",
		    "endpoint-remediation-sla-escalation-suppression-trend" },
		{ "recurrence_automation_run_count",
		    "endpoint-remediation-sla-escalation-recurrence-"
		    "automation-run" },
	};
	struct json_object	*all, *r, *o, *owners, *routes;
	int64_t			 n[nitems(counts)], failed = 0,
				 unresolved = 0,
				 active = 0, supp = 0;
	const char		*kind;
	size_t			 i, j;
	enum cv_err		 rc;

	if ((rc = ep_load_set(ctx, action_kinds, action_srcs, &all)) != CV_OK)
		return rc;
	memset(n, 0, sizeof(n));
	owners = json_object_new_array();
	for (i = 0; i < json_object_array_length(all); i++) {
		r = json_object_array_get_idx(all, i);
		kind = str(r, "metadata_kind");
		for (j = 0; j < nitems(counts); j++)
			n[j] += strcmp(kind, counts[j].kind) == 0;
		if (strcmp(kind, CV_WF_RCD_KIND) == 0)
			failed += !cv_json_truthy(json_object_object_get(r,
			    "delivery_success"));
		else if (strcmp(kind, k_review.kind) == 0)
			unresolved += !cv_wf_done(&review_vocab, str(r,
			    "review_state"));
		else if (strcmp(kind, counts[3].kind) == 0)
			supp += num(r, "suppressed_route_count");
		else if (strcmp(kind, k_eplan.kind) == 0) {
			routes = json_object_object_get(ep_inner(r,
			    "escalation_plan"), "route_statuses");
			active += count_routes(routes, "active_escalation",
			    NULL);
			for (j = 0; json_object_is_type(routes,
			    json_type_array) && j <
			    json_object_array_length(routes); j++) {
				const char *ow = str(json_object_array_get_idx(
				    routes, j), "owner");

				if (*ow != '\0' && !cv_json_has_str(owners, ow))
					json_object_array_add(owners, jstr(ow));
			}
		}
	}
	o = cv_wf_doc(ctx, ctx->st->schema);
	cv_json_add_str(o, "alert_level", failed > 0 || active > 0 ?
	    "critical" : unresolved > 0 ? "warning" : "healthy");
	cv_json_add_int(o, "plan_count", n[0]);
	cv_json_add_int(o, "delivery_count", n[1]);
	cv_json_add_int(o, "failed_delivery_count", failed);
	cv_json_add_int(o, "owner_review_count", n[2]);
	cv_json_add_int(o, "unresolved_review_count", unresolved);
	cv_json_add_int(o, "recurrence_plan_count", n[3]);
	cv_json_add_int(o, "recurrence_suppressed_count", supp);
	for (j = 4; j < nitems(counts); j++)
		cv_json_add_int(o, counts[j].key, n[j]);
	cv_json_add_int(o, "active_escalation_count", active);
	cv_json_add_int(o, "owner_count", (int64_t)json_object_array_length(
	    owners));
	json_object_object_add(o, "latest", ep_head(all, CV_WF_LATEST_MAX));
	json_object_put(owners);
	json_object_put(all);
	*answer = o;
	return CV_OK;
}

/* ---- E2: escalation -------------------------------------------------- */

/* An owner's SLO targets, minutes. */
struct slo {
	int64_t	 ack;
	int64_t	 res;
};

/*
 * The SLO of a route: the policy's default_slo (acknowledgement 60,
 * resolution 240 minutes), overridden by owner_slos |
 * service_level_objectives: a map by owner, or a list of rules
 * matching owners, providers and alert_levels (the last match wins).
 */
static void
owner_slo(struct cv_arena *a, struct json_object *policy, const char *owner,
    const char *level, const char *prov, struct slo *s)
{
	struct json_object	*d, *rules, *c;
	size_t			 i, n = 0;

	d = json_object_object_get(policy, "default_slo");
	if (!json_object_is_type(d, json_type_object))
		d = NULL;
	s->ack = pick_int(d, "acknowledgement_minutes", "ack_minutes", 60);
	s->res = pick_int(d, "resolution_minutes", NULL, 240);
	rules = either(policy, "owner_slos", "service_level_objectives");
	if (json_object_is_type(rules, json_type_object)) {
		c = json_object_object_get(rules, owner);
		if (json_object_is_type(c, json_type_object)) {
			s->ack = pick_int(c, "acknowledgement_minutes",
			    "ack_minutes", s->ack);
			s->res = pick_int(c, "resolution_minutes", NULL,
			    s->res);
		}
	} else if (json_object_is_type(rules, json_type_array))
		n = json_object_array_length(rules);
	for (i = 0; i < n; i++) {
		c = json_object_array_get_idx(rules, i);
		if (!json_object_is_type(c, json_type_object) ||
		    excludes(a, json_object_object_get(c, "owners"), owner,
		    0) || excludes(a, json_object_object_get(c, "providers"),
		    prov, 1) || excludes(a, json_object_object_get(c,
		    "alert_levels"), level, 0))
			continue;
		s->ack = pick_int(c, "acknowledgement_minutes", "ack_minutes",
		    s->ack);
		s->res = pick_int(c, "resolution_minutes", NULL, s->res);
	}
	if (s->ack < 1)
		s->ack = 1;
	if (s->res < 1)
		s->res = 1;
}

/* breached past the target, at_risk from 80% of it, else within_slo. */
static const char *
slo_state(double age, int64_t target)
{
	if (age > (double)target)
		return "breached";
	if (age >= (double)target * 0.8)
		return "at_risk";
	return "within_slo";
}

/* The ladder used when a policy names one that is not a list. */
#define LADDER_BUILTIN							\
	"[{\"level\": \"owner\", \"after_minutes\": 60, "		\
	"\"providers\": [\"slack\"], \"action\": \"Notify remediation "	\
	"owner.\"}, "							\
	"{\"level\": \"release-governance\", \"after_minutes\": 240, "	\
	"\"providers\": [\"jira\"], \"action\": \"Escalate to release "	\
	"governance.\"}]"

/*
 * The rung of the policy's escalation ladder (ladders |
 * escalation_ladders) a route has reached: of those matching owners,
 * route_providers | match_providers and alert_levels whose after_minutes
 * is reached, the latest.  New object, or NULL for none.
 */
static struct json_object *
ladder_rung(struct cv_arena *a, struct json_object *policy, double age,
    const char *owner, const char *level, const char *prov)
{
	struct json_object	*lad, *own = NULL, *r, *sel = NULL;
	int64_t			 after, best = 0;
	size_t			 i;

	lad = either(policy, "ladders", "escalation_ladders");
	if (lad == NULL && !json_object_object_get_ex(policy, "ladders",
	    NULL) && !json_object_object_get_ex(policy,
	    "escalation_ladders", NULL))
		return NULL;
	if (!json_object_is_type(lad, json_type_array))
		lad = own = json_tokener_parse(LADDER_BUILTIN);
	for (i = 0; i < json_object_array_length(lad); i++) {
		r = json_object_array_get_idx(lad, i);
		if (!json_object_is_type(r, json_type_object) ||
		    excludes(a, json_object_object_get(r, "owners"), owner,
		    0) || excludes(a, either(r, "route_providers",
		    "match_providers"), prov, 1) || excludes(a,
		    json_object_object_get(r, "alert_levels"), level, 0))
			continue;
		after = pick_int(r, "after_minutes", "after", 0);
		if (age < (double)after || (sel != NULL && after < best))
			continue;
		json_object_put(sel);
		best = after;
		sel = obj("level", jstr(str2(r, NULL, "level", str2(r, NULL,
		    "name", "owner"))), "after_minutes",
		    json_object_new_int64(after), "providers", prov_array(
		    prov_bits_json(a, json_object_object_get(r, "providers"))),
		    "action", jstr(str2(r, NULL, "action", "Escalate "
		    "unacknowledged endpoint remediation SLA notification.")),
		    NULL);
	}
	json_object_put(own);
	return sel;
}

/* What to do about a route. */
static const char *
ladder_action(struct cv_arena *a, const char *owner, const char *prov,
    const char *ack, const char *res, struct json_object *rung)
{
	if (rung != NULL)
		return str2(rung, NULL, "action", cv_arena_printf(a,
		    "Escalate %s route to %s.", prov, owner));
	if (strcmp(ack, "breached") == 0)
		return cv_arena_printf(a, "Escalate unacknowledged %s "
		    "notification to %s.", prov, owner);
	if (strcmp(res, "breached") == 0)
		return cv_arena_printf(a, "Escalate unresolved %s notification "
		    "to %s.", prov, owner);
	if (strcmp(ack, "at_risk") == 0 || strcmp(res, "at_risk") == 0)
		return cv_arena_printf(a, "Warn %s that %s remediation "
		    "notification is approaching SLO.", owner, prov);
	return "No escalation required.";
}

/* Route statuses: active first, then by owner, provider, report. */
static int
route_cmp(const void *x, const void *y)
{
	struct json_object *const	*a = x, *const *b = y;
	int				 c, aa, ab;

	aa = cv_json_truthy(json_object_object_get(*a, "active_escalation"));
	ab = cv_json_truthy(json_object_object_get(*b, "active_escalation"));
	if (aa != ab)
		return ab - aa;
	if ((c = strcmp(str(*a, "owner"), str(*b, "owner"))) != 0 ||
	    (c = strcmp(str(*a, "provider"), str(*b, "provider"))) != 0)
		return c;
	return strcmp(str(*a, "report_id"), str(*b, "report_id"));
}

/* Owners: most active escalations first, then by name. */
static int
owner_cmp(const void *x, const void *y)
{
	struct json_object *const	*a = x, *const *b = y;
	int64_t				 na, nb;

	na = num(*a, "active_escalation_count");
	nb = num(*b, "active_escalation_count");
	if (na != nb)
		return na < nb ? 1 : -1;
	return strcmp(str(*a, "owner"), str(*b, "owner"));
}

/*
 * The latest notification plan of each report (map by report id) and
 * latest acknowledgement of each report and provider, from the E1
 * records; a report with deliveries and no plan with a selected
 * provider gets a plan made from its latest delivery.
 */
static void
notify_state(struct cv_arena *a, struct json_object *all,
    struct json_object *policy, int has_policy, struct json_object *plans,
    struct json_object *acks)
{
	struct json_object	*r, *cur, *provs, *p, *routes;
	const char		*kind, *rid, *owner;
	size_t			 i, j;

	for (i = 0; i < json_object_array_length(all); i++) {
		r = json_object_array_get_idx(all, i);
		kind = str(r, "metadata_kind");
		if (strcmp(kind, k_nplan.kind) == 0 && *str(r, "report_id") !=
		    '\0')
			ep_latest_put(plans, str(r, "report_id"), r);
		else if (strcmp(kind, k_nack.kind) == 0 && *str(r,
		    "report_id") != '\0' && *str(r, "provider") != '\0')
			ep_latest_put(acks, cv_arena_printf(a, "%s\n%s", str(r,
			    "report_id"), str(r, "provider")), r);
	}
	owner = str2(policy, NULL, "owner", OWNER_DEFAULT);
	for (i = 0; i < json_object_array_length(all); i++) {
		r = json_object_array_get_idx(all, i);
		if (strcmp(str(r, "metadata_kind"), CV_WF_RCD_KIND) != 0)
			continue;
		rid = str2(r, NULL, "event_id", str(r, "report_id"));
		provs = json_object_new_array();
		for (j = 0; j < alen(r, "providers"); j++) {
			p = json_object_array_get_idx(json_object_object_get(r,
			    "providers"), j);
			if (json_object_is_type(p, json_type_string) &&
			    *json_object_get_string(p) != '\0')
				json_object_array_add(provs,
				    json_object_get(p));
		}
		cur = json_object_object_get(plans, rid);
		if (*rid == '\0' || json_object_array_length(provs) == 0 ||
		    (cur != NULL && plan_selected(cur))) {
			json_object_put(provs);
			continue;
		}
		routes = json_object_new_array();
		for (j = 0; j < json_object_array_length(provs); j++)
			json_object_array_add(routes, obj("provider",
			    json_object_get(json_object_array_get_idx(provs,
			    j)), "selected", json_object_new_boolean(1),
			    "owner", jstr(owner), "acknowledgement_required",
			    json_object_new_boolean(has_policy), NULL));
		json_object_object_add(plans, rid, obj("metadata_kind",
		    jstr(k_nplan.kind), "session_id", jstr(cv_arena_printf(a,
		    "synthetic-%s", str2(r, NULL, "session_id", rid))),
		    "created_at", cv_json_ref(r, "created_at"), "report_id",
		    jstr(rid), "plan_id", cv_json_ref(r, "session_id"),
		    "selected_providers", json_object_get(provs),
		    "acknowledgement_required_providers", has_policy ?
		    json_object_get(provs) : json_object_new_array(),
		    "notification_plan", obj("report_id", jstr(rid),
		    "generated_at", cv_json_ref(r, "created_at"), "plan_id",
		    cv_json_ref(r,
		    "session_id"), "alert_level", jstr(str2(r, NULL,
		    "alert_level", "unknown")), "selected_providers",
		    json_object_get(provs),
		    "acknowledgement_required_providers", has_policy ?
		    json_object_get(provs) : json_object_new_array(),
		    "routes", routes, NULL), NULL));
		json_object_put(provs);
	}
}

/*
 * The status of one selected route of a notification plan at now: its
 * owner's SLOs against the plan's age and the route's latest
 * acknowledgement, and the ladder rung reached.  New object.
 */
static struct json_object *
route_status(struct cv_wf_ctx *ctx, struct json_object *policy,
    struct json_object *pm, struct json_object *pl, struct json_object *rt,
    struct json_object *ack, time_t created)
{
	struct cv_arena		*a = ctx->req->arena;
	struct json_object	*rung, *row;
	struct slo		 s;
	const char		*rid, *prov, *owner, *level, *state, *acks,
				*ress, *act;
	double			 age;
	int			 active;

	rid = str2(pl, pm, "report_id", "");
	prov = str(rt, "provider");
	level = str2(pl, pm, "alert_level", "healthy");
	owner = str2(rt, NULL, "owner", str2(policy, NULL, "owner",
	    OWNER_DEFAULT));
	age = (double)(ctx->t - created) / 60.0;
	if (age < 0)
		age = 0;
	owner_slo(a, policy, owner, level, prov, &s);
	state = str2(ack, NULL, "acknowledgement_state", "pending");
	acks = cv_wf_done(&ack_vocab, state) ? "met" : slo_state(age, s.ack);
	ress = strcmp(state, "resolved") == 0 ? "met" : slo_state(age, s.res);
	rung = ladder_rung(a, policy, age, owner, level, prov);
	active = strcmp(acks, "breached") == 0 || strcmp(ress, "breached") ==
	    0 || rung != NULL;
	act = ladder_action(a, owner, prov, acks, ress, rung);
	row = obj("report_id", jstr(rid), "plan_id", jstr(str2(pl, pm,
	    "plan_id", NULL)), "provider", jstr(prov), "owner", jstr(owner),
	    "alert_level", jstr(level), "age_minutes", dec(age, 2),
	    "acknowledgement_state", jstr(state),
	    "acknowledgement_slo_state", jstr(acks), "resolution_slo_state",
	    jstr(ress), "acknowledgement_minutes",
	    json_object_new_int64(s.ack), "resolution_minutes",
	    json_object_new_int64(s.res), "acknowledgement_due_at",
	    jstr(ts_text(a, created + s.ack * 60)), "resolution_due_at",
	    jstr(ts_text(a, created + s.res * 60)), "acknowledgement_id",
	    cv_json_ref(ack, "acknowledgement_id"), "escalation_level",
	    cv_json_ref(rung,
	    "level"), "escalation_after_minutes", cv_json_ref(rung,
	    "after_minutes"), "escalation_action", cv_json_ref(rung, "action"),
	    "escalation_providers", rung != NULL ? cv_json_ref(rung,
	    "providers") : json_object_new_array(), "active_escalation",
	    json_object_new_boolean(active), "recommended_action", jstr(act),
	    NULL);
	json_object_put(rung);
	return row;
}

/* Adds route status rs to its owner's summary in owners (map). */
static void
owner_add(struct json_object *owners, struct json_object *rs)
{
	struct json_object	*o;
	const char		*ow = str(rs, "owner");

	if (!json_object_object_get_ex(owners, ow, &o)) {
		o = obj("owner", jstr(ow), "route_count",
		    json_object_new_int64(0), "active_escalation_count",
		    json_object_new_int64(0), "acknowledgement_breach_count",
		    json_object_new_int64(0), "resolution_breach_count",
		    json_object_new_int64(0), "providers",
		    json_object_new_array(), NULL);
		json_object_object_add(owners, ow, o);
	}
	cv_json_add_int(o, "route_count", num(o, "route_count") + 1);
	cv_json_add_int(o, "active_escalation_count", num(o,
	    "active_escalation_count") + cv_json_truthy(
	    json_object_object_get(rs, "active_escalation")));
	cv_json_add_int(o, "acknowledgement_breach_count", num(o,
	    "acknowledgement_breach_count") + (strcmp(str(rs,
	    "acknowledgement_slo_state"), "breached") == 0));
	cv_json_add_int(o, "resolution_breach_count", num(o,
	    "resolution_breach_count") + (strcmp(str(rs,
	    "resolution_slo_state"), "breached") == 0));
	if (!cv_json_has_str(json_object_object_get(o, "providers"), str(rs,
	    "provider")))
		json_object_array_add(json_object_object_get(o, "providers"),
		    jstr(str(rs, "provider")));
}

/*
 * POST /endpoint-remediation-sla-notifications/escalation-plan: the
 * owner SLO and ladder status of every selected route of each report's
 * latest notification plan (routes needing no acknowledgement only
 * when slo_policy is given), stored.  Answers {plan, metadata}.
 */
static enum cv_err
build_escalation_plan(struct cv_wf_ctx *ctx, struct json_object **answer)
{
	struct cv_arena		*a = ctx->req->arena;
	struct json_object	*policy, *all = NULL, *plans, *acks, *rows,
				*owners, *olist, *names, *pl, *routes, *rt,
				*req, *m, *plan, *rec, *own = NULL;
	const char		*rid, *pid;
	int64_t			 act, ackb, resb;
	time_t			 created;
	size_t			 i;
	int			 has;
	enum cv_err		 rc;

	if ((rc = cv_wf_obj(ctx, "slo_policy", &policy)) != CV_OK ||
	    (rc = ep_load_set(ctx, notify_kinds, notify_srcs, &all)) != CV_OK)
		return rc;
	has = policy != NULL && json_object_object_length(policy) > 0;
	plans = json_object_new_object();
	acks = json_object_new_object();
	notify_state(a, all, policy, has, plans, acks);
	rows = json_object_new_array();
	json_object_object_foreach(plans, key, pm) {
		(void)key;
		pl = ep_inner(pm, "notification_plan");
		rid = str2(pl, pm, "report_id", "");
		created = time_of(pl, "generated_at", time_of(pm,
		    "created_at", ctx->t));
		req = json_object_object_get(pl,
		    "acknowledgement_required_providers");
		routes = json_object_object_get(pl, "routes");
		own = NULL;
		if (alen(pl, "routes") == 0) {
			m = alen(pl, "selected_providers") > 0 ?
			    json_object_object_get(pl, "selected_providers") :
			    json_object_object_get(pm, "selected_providers");
			routes = own = json_object_new_array();
			for (i = 0; json_object_is_type(m, json_type_array) &&
			    i < json_object_array_length(m); i++)
				json_object_array_add(own, obj("provider",
				    json_object_get(json_object_array_get_idx(
				    m, i)), "selected",
				    json_object_new_boolean(1), NULL));
		}
		for (i = 0; i < json_object_array_length(routes); i++) {
			rt = json_object_array_get_idx(routes, i);
			if (*str(rt, "provider") == '\0' || !cv_json_truthy(
			    json_object_object_get(rt, "selected")))
				continue;
			if (!cv_json_has_str(req, str(rt, "provider")) && !has)
				continue;
			json_object_array_add(rows, route_status(ctx, policy,
			    pm, pl, rt, json_object_object_get(acks,
			    cv_arena_printf(a, "%s\n%s", rid, str(rt,
			    "provider"))), created));
		}
		json_object_put(own);
	}
	m = obj("generated_at", jstr(ctx->now), "route_statuses",
	    json_object_get(rows), NULL);
	pid = cv_wf_id(a, k_eplan.prefix, m, NULL);
	json_object_put(m);
	owners = json_object_new_object();
	for (i = 0; i < json_object_array_length(rows); i++)
		owner_add(owners, json_object_array_get_idx(rows, i));
	olist = json_object_new_array();
	names = json_object_new_array();
	json_object_object_foreach(owners, okey, o) {
		(void)okey;
		json_object_array_sort(json_object_object_get(o, "providers"),
		    text_cmp);
		json_object_array_add(olist, json_object_get(o));
	}
	json_object_array_sort(olist, owner_cmp);
	for (i = 0; i < json_object_array_length(olist); i++)
		json_object_array_add(names, jstr(str(
		    json_object_array_get_idx(olist, i), "owner")));
	act = count_routes(rows, "active_escalation", NULL);
	ackb = count_routes(rows, "acknowledgement_slo_state", "breached");
	resb = count_routes(rows, "resolution_slo_state", "breached");
	json_object_array_sort(rows, route_cmp);
	plan = obj("schema_version", jstr(k_eplan.schema), "product",
	    jstr(CV_PRODUCT), "plan_id", jstr(pid), "generated_at",
	    jstr(ctx->now), "generated_by", jstr(ctx->by), "alert_level",
	    jstr(act > 0 ? "critical" : "healthy"), "route_count",
	    json_object_new_int64((int64_t)json_object_array_length(rows)),
	    "active_escalation_count", json_object_new_int64(act),
	    "acknowledgement_breach_count", json_object_new_int64(ackb),
	    "resolution_breach_count", json_object_new_int64(resb),
	    "owner_count", json_object_new_int64((int64_t)
	    json_object_array_length(olist)), "owners", olist,
	    "route_statuses", rows, "controls", arr(
	    jstr("escalation-plan-derived-from-public-notification-metadata"),
	    jstr("owner-slos-contain-no-connector-secrets"),
	    jstr("private-connectors-remain-responsible-for-ticket-chat-or-"
	    "pager-side-effects"),
	    jstr("acknowledgement-and-resolution-slo-states-are-audit-"
	    "metadata-only"), NULL), NULL);
	rec = cv_wf_keep(ctx, &k_eplan, plan, (int64_t)
	    json_object_array_length(rows), act, ackb, eplan_index);
	json_object_object_add(rec, "owners", names);
	*answer = cv_wf_answer("plan", plan, rec);
	json_object_put(plan);
	json_object_put(owners);
	json_object_put(plans);
	json_object_put(acks);
	json_object_put(all);
	return CV_OK;
}

/* The escalation delivery event of a plan: its active routes, at most
 * max of them. */
static struct json_object *
escalation_event(struct cv_wf_ctx *ctx, struct json_object *plan,
    int64_t max)
{
	struct cv_arena		*a = ctx->req->arena;
	struct json_object	*routes, *active, *sel, *rt, *owners, *provs,
				*fields, *facts, *ev;
	const char		*pid, *title, *msg, *desc, *level;
	int64_t			 ackb, resb, total, omitted;
	size_t			 i;

	routes = json_object_object_get(plan, "route_statuses");
	active = json_object_new_array();
	for (i = 0; i < alen(plan, "route_statuses"); i++) {
		rt = json_object_array_get_idx(routes, i);
		if (json_object_is_type(rt, json_type_object) &&
		    cv_json_truthy(json_object_object_get(rt,
		    "active_escalation")))
			json_object_array_add(active, json_object_get(rt));
	}
	sel = ep_head(active, (size_t)max);
	omitted = (int64_t)(json_object_array_length(active) -
	    json_object_array_length(sel));
	pid = str2(plan, NULL, "plan_id",
	    "endpoint-remediation-sla-escalation");
	owners = json_object_new_array();
	provs = json_object_new_array();
	fields = json_object_new_array();
	facts = json_object_new_array();
	desc = cv_arena_printf(a, "CAVRA endpoint remediation SLA escalation "
	    "plan %s has active owner review routes.\n\nRoutes:", pid);
	if (json_object_array_length(sel) == 0)
		desc = cv_arena_printf(a, "%s\n- No active escalation routes.",
		    desc);
	for (i = 0; i < json_object_array_length(sel); i++) {
		rt = json_object_array_get_idx(sel, i);
		if (*str(rt, "owner") != '\0' && !cv_json_has_str(owners,
		    str(rt, "owner")))
			json_object_array_add(owners, jstr(str(rt, "owner")));
		if (*str(rt, "provider") != '\0' && !cv_json_has_str(provs,
		    str(rt, "provider")))
			json_object_array_add(provs, jstr(str(rt,
			    "provider")));
		desc = cv_arena_printf(a, "%s\n- owner=%s provider=%s "
		    "report=%s ack=%s resolution=%s action=%s", desc,
		    str(rt, "owner"),
		    str(rt, "provider"), str(rt, "report_id"), str(rt,
		    "acknowledgement_slo_state"), str(rt,
		    "resolution_slo_state"), str(rt, "recommended_action"));
		if (i >= CV_WF_CARD_ITEMS_MAX)
			continue;
		json_object_array_add(fields, jstr(cv_arena_printf(a,
		    "*%s* `%s` `%s` %s/%s", str2(rt, NULL, "owner", "owner"),
		    str(rt, "provider"), str(rt, "report_id"), str(rt,
		    "acknowledgement_slo_state"), str(rt,
		    "resolution_slo_state"))));
		json_object_array_add(facts, obj("name", jstr(str2(rt, NULL,
		    "owner", "owner")), "value", jstr(cv_arena_printf(a,
		    "%s %s %s", str(rt, "provider"), str(rt, "report_id"),
		    str(rt, "recommended_action"))), NULL));
	}
	if (omitted > 0)
		desc = cv_arena_printf(a, "%s\n- %lld additional routes "
		    "omitted from connector payload.", desc,
		    (long long)omitted);
	desc = cv_arena_printf(a, "%s\n\nThis escalation is generated from "
	    "public CAVRA evidence metadata. Endpoint mutation and private "
	    "connector execution remain outside the Community Edition "
	    "repository.", desc);
	ackb = count_routes(sel, "acknowledgement_slo_state", "breached");
	resb = count_routes(sel, "resolution_slo_state", "breached");
	total = num(plan, "route_count") != 0 ? num(plan, "route_count") :
	    (int64_t)alen(plan, "route_statuses");
	level = json_object_array_length(sel) > 0 ? "critical" : "healthy";
	title = cv_arena_printf(a, "CAVRA endpoint remediation SLA "
	    "escalation: %s", pid);
	msg = cv_arena_printf(a, "%zu active escalation routes across %zu "
	    "owners and %zu providers require review.",
	    json_object_array_length(sel), json_object_array_length(owners),
	    json_object_array_length(provs));
	ev = obj("schema_version", jstr(SLA("escalation_delivery")), "product",
	    jstr(CV_PRODUCT), "event_type",
	    jstr("cavra.endpoint_remediation_sla.escalation_delivery"),
	    "session_id", jstr(pid), "plan_id", jstr(pid), "generated_at",
	    jstr(ctx->now), "generated_by", jstr(ctx->by),
	    "source_plan_generated_at", cv_json_ref(plan, "generated_at"),
	    "alert_level", jstr(level), "max_severity", jstr(
	    json_object_array_length(sel) > 0 ? "critical" : "low"),
	    "blocked_count", json_object_new_int64((int64_t)
	    json_object_array_length(sel)), "approval_required_count",
	    json_object_new_int64(ackb + resb), "decision_count",
	    json_object_new_int64(total), "summary", obj("route_count",
	    json_object_new_int64(total), "active_escalation_count",
	    json_object_new_int64((int64_t)json_object_array_length(active)),
	    "selected_route_count", json_object_new_int64((int64_t)
	    json_object_array_length(sel)), "owner_count",
	    json_object_new_int64((int64_t)json_object_array_length(owners)),
	    "provider_count", json_object_new_int64((int64_t)
	    json_object_array_length(provs)), "acknowledgement_breach_count",
	    json_object_new_int64(ackb), "resolution_breach_count",
	    json_object_new_int64(resb), "omitted_route_count",
	    json_object_new_int64(omitted), NULL), "routes", sel,
	    "omitted_route_count", json_object_new_int64(omitted), "controls",
	    arr(jstr("escalation-delivery-derived-from-public-escalation-plan"),
	    jstr("connector-delivery-evidence-redacts-secrets"),
	    jstr("owner-review-records-close-the-loop-before-private-"
	    "remediation"),
	    jstr("no-endpoint-mutation-performed-by-public-escalation-event"),
	    NULL), NULL);
	ep_add_payloads(ev, ep_slack_card(title, msg, fields, "Generated from "
	    "public CAVRA endpoint remediation escalation evidence."),
	    ep_teams_card(title, msg, strcmp(level, "critical") == 0 ?
	    "DC2626" :
	    "2E7D32", facts), title, desc, pid, level);
	json_object_put(owners);
	json_object_put(provs);
	json_object_put(active);
	return ev;
}

/*
 * POST /endpoint-remediation-sla-escalations/{plan_id}/deliver: the
 * stored plan's active routes (max_routes) delivered to provider (all);
 * nothing is sent without an active route.  Answers {plan_id, event,
 * delivery, metadata, success, event_id}.  400 without a connector
 * config, 404 for an unknown plan.
 */
static enum cv_err
build_escalation_deliver(struct cv_wf_ctx *ctx, struct json_object **answer)
{
	struct cv_req		*req = ctx->req;
	struct json_object	*rec = NULL, *ev, *result = NULL, *rcd = NULL,
				*links;
	const char		*pid, *prov;
	int64_t			 max;
	enum cv_err		 rc;

	if ((rc = cv_wf_need_connector(ctx)) != CV_OK ||
	    (rc = cv_wf_str(ctx, "provider", &prov)) != CV_OK ||
	    (rc = cv_wf_int(ctx, "max_routes", CV_WF_ROUTES_DEFAULT,
	    INT64_MIN, INT64_MAX, &max)) != CV_OK)
		return rc;
	max = max < 1 ? 1 : max > CV_WF_ROUTES_MAX ? CV_WF_ROUTES_MAX : max;
	pid = cv_param(req, "plan_id");
	if ((rc = cv_wf_get(ctx, pid, k_eplan.kind, &rec)) == CV_ENOENT)
		return cv_fail(req, CV_ENOENT, "endpoint remediation SLA "
		    "escalation plan not found");
	if (rc != CV_OK)
		return rc;
	ev = escalation_event(ctx, ep_inner(rec, "escalation_plan"), max);
	pid = str2(ev, NULL, "plan_id", pid);
	if (alen(ev, "routes") > 0) {
		links = obj("plan_id", jstr(pid), NULL);
		rc = cv_wf_deliver(ctx, ev, prov, SRC_ESCALATE, links, &result,
		    &rcd);
		json_object_put(links);
	}
	if (rc == CV_OK)
		*answer = obj("plan_id", jstr(pid), "event",
		    json_object_get(ev),
		    "delivery", result, "metadata", json_object_get(rcd),
		    "success", json_object_new_boolean(result == NULL ||
		    json_object_get_boolean(json_object_object_get(result,
		    "success"))), "event_id", jstr(pid), NULL);
	json_object_put(ev);
	json_object_put(rec);
	return rc;
}

/*
 * POST /endpoint-remediation-sla-escalations/{plan_id}/reviews: an
 * owner's review of one route (report_id, provider, owner, reviewed_by
 * required; review_state accepted by default) of a stored plan; stored.
 * Answers {review, metadata}.  400 for a missing field, a state or a
 * provider not allowed; 404 for an unknown plan.
 */
static enum cv_err
build_review(struct cv_wf_ctx *ctx, struct json_object **answer)
{
	static const char *const need[] = { "report_id", "provider", "owner",
		"reviewed_by", NULL };
	struct cv_req		*req = ctx->req;
	struct cv_arena		*a = req->arena;
	struct json_object	*parent = NULL, *rv, *rec;
	const char		*v[4], *state, *ref, *notes, *pid, *prov, *id;
	const char *const	*k;
	char			 err[256];
	unsigned		 bits;
	size_t			 i;
	enum cv_err		 rc;

	for (k = need, i = 0; *k != NULL; k++, i++) {
		if ((rc = cv_wf_str(ctx, *k, &v[i])) != CV_OK)
			return rc;
		if (v[i] == NULL || *v[i] == '\0')
			return cv_fail_field(req, CV_EINVAL, *k,
			    "%s is required", *k);
	}
	if ((rc = cv_wf_str(ctx, "review_state", &state)) != CV_OK ||
	    (rc = cv_wf_str(ctx, "external_ref", &ref)) != CV_OK ||
	    (rc = cv_wf_str(ctx, "notes", &notes)) != CV_OK)
		return rc;
	if (cv_wf_state(a, &review_vocab, state, &state, err, sizeof(err)) !=
	    CV_OK)
		return cv_fail_field(req, CV_EINVAL, "review_state", "%s", err);
	if ((bits = prov_bits(a, v[1])) == 0)
		return cv_fail_field(req, CV_EINVAL, "provider",
		    "provider must be one of: " PROVIDER_WORDS);
	for (i = 0; !(bits & (1u << i)); i++)
		continue;
	prov = nprov[i];
	pid = cv_param(req, "plan_id");
	if ((rc = cv_wf_get(ctx, pid, k_eplan.kind, &parent)) == CV_ENOENT)
		return cv_fail(req, CV_ENOENT, "endpoint remediation SLA "
		    "escalation plan not found");
	if (rc != CV_OK)
		return rc;
	json_object_put(parent);
	ctx->by = v[3];
	id = cv_wf_id_text(a, k_review.prefix, cv_arena_printf(a,
	    "%s|%s|%s|%s|%s|%s|%s", pid, v[0], prov, v[2], state, v[3],
	    ctx->now));
	rv = obj("schema_version", jstr(k_review.schema), "product",
	    jstr(CV_PRODUCT), "review_id", jstr(id), "plan_id", jstr(pid),
	    "report_id", jstr(v[0]), "provider", jstr(prov), "owner",
	    jstr(v[2]), "reviewed_by", jstr(v[3]), "review_state",
	    jstr(state), "reviewed_at", jstr(ctx->now), "external_ref",
	    jstr(ref), "notes", jstr(notes), "controls", arr(
	    jstr("owner-review-records-audit-closure-only"),
	    jstr("no-provider-token-or-secret-stored"),
	    jstr("private-connectors-remain-responsible-for-ticket-chat-or-"
	    "pager-side-effects"), NULL), NULL);
	rec = cv_wf_keep(ctx, &k_review, rv, 1, strcmp(state, "escalated") ==
	    0, !cv_wf_done(&review_vocab, state), review_index);
	*answer = cv_wf_answer("review", rv, rec);
	json_object_put(rv);
	return CV_OK;
}

/* ---- route table ---------------------------------------------------- */

static const struct ep_list l_notify = {
	notify_kinds, notify_srcs, admit_notification
};
static const struct ep_list l_escalations = {
	eplan_kinds, NULL, admit_escalation
};
static const struct ep_list l_actions = {
	action_kinds, action_srcs, admit_action
};

static const struct cv_wf_filter report_filters[] = {
	{ "alert_level", CV_WF_EQ, { "alert_level", NULL } },
	{ "min_breached", CV_WF_MIN, { "breached_count", NULL } },
	{ NULL, CV_WF_EQ, { NULL } }
};

static const struct cv_wf_step s_report = {
	.build = build_report,
};
static const struct cv_wf_step s_reports = {
	.kind = &k_report, .filters = report_filters, .clamp = 1,
	.schema = "cavra.endpoint_remediation_sla_report.history.v1",
};
static const struct cv_wf_step s_report_dashboard = {
	.build = build_report_dashboard,
	.schema = "cavra.endpoint_remediation_sla_report.dashboard.v1",
};
static const struct cv_wf_step s_notify = {
	.build = build_notify,
};
static const struct cv_wf_step s_ack = {
	.kind = &k_nack, .out_key = "acknowledgement", .vocab = &ack_vocab,
	.parent_param = "report_id", .parent_kind =
	"endpoint-remediation-sla-report", .parent_what =
	"endpoint remediation SLA report", .by_field = "acknowledged_by",
	.at_field = "acknowledged_at", .extra = nack_extra,
	.index = nack_index,
};
static const struct cv_wf_step s_notifications = {
	.build = ep_build_list, .opt = &l_notify,
	.schema = SLA("notification_history"),
};
static const struct cv_wf_step s_notify_dashboard = {
	.build = build_notify_dashboard,
	.schema = SLA("notification_dashboard"),
};
static const struct cv_wf_step s_escalation_plan = {
	.build = build_escalation_plan,
};
static const struct cv_wf_step s_escalation_deliver = {
	.build = build_escalation_deliver,
};
static const struct cv_wf_step s_review = {
	.build = build_review, .by_field = "reviewed_by",
};
static const struct cv_wf_step s_escalations = {
	.build = ep_build_list, .opt = &l_escalations,
	.schema = SLA("escalation_history"),
};
static const struct cv_wf_step s_escalation_dashboard = {
	.build = build_escalation_dashboard,
	.schema = SLA("escalation_dashboard"),
};
static const struct cv_wf_step s_actions = {
	.build = ep_build_list, .opt = &l_actions,
	.schema = SLA("escalation_action_history"),
};
static const struct cv_wf_step s_action_dashboard = {
	.build = build_action_dashboard,
	.schema = SLA("escalation_action_dashboard"),
};

static const struct cv_qparam p_reports[] = {
	{ "alert_level", CV_P_STRING, 0, NULL, "only reports of this alert "
	    "level" },
	{ "min_breached", CV_P_INT, 0, NULL, "only reports with at least "
	    "this many breached work items" },
	CV_QPARAMS_PAGE,
	{ NULL }
};
static const struct cv_qparam p_notifications[] = {
	{ "report_id", CV_P_STRING, 0, NULL, "records of this report" },
	{ "provider", CV_P_STRING, 0, NULL, "records naming this provider" },
	{ "metadata_kind", CV_P_STRING, 0, NULL, "records of this kind" },
	{ "acknowledgement_state", CV_P_STRING, 0, NULL, "acknowledgements in "
	    "this state" },
	{ "suppressed", CV_P_BOOL, 0, NULL, "plans that suppressed a "
	    "provider (true) or none (false)" },
	CV_QPARAMS_PAGE,
	{ NULL }
};
static const struct cv_qparam p_escalations[] = {
	{ "owner", CV_P_STRING, 0, NULL, "plans with a route of this owner" },
	{ "provider", CV_P_STRING, 0, NULL, "plans with a route of this "
	    "provider" },
	{ "alert_level", CV_P_STRING, 0, NULL, "plans of this alert level" },
	{ "active_only", CV_P_BOOL, 0, NULL, "plans with an active "
	    "escalation route" },
	CV_QPARAMS_PAGE,
	{ NULL }
};
static const struct cv_qparam p_actions[] = {
	{ "plan_id", CV_P_STRING, 0, NULL, "records of this escalation plan" },
	{ "owner", CV_P_STRING, 0, NULL, "records of this owner" },
	{ "provider", CV_P_STRING, 0, NULL, "records of this provider" },
	{ "metadata_kind", CV_P_STRING, 0, NULL, "records of this kind" },
	{ "review_state", CV_P_STRING, 0, NULL, "reviews in this state" },
	CV_QPARAMS_PAGE,
	{ NULL }
};

#define POST_JSON	(CV_BODY_JSON | CV_BODY_OPT)

const struct cv_route ep_sla_routes[] = {
	{ CV_POST, ESR "/report", cv_wf_h_build, POST_JSON, "Build and store "
	    "the endpoint remediation SLA report of the hand-offs and their "
	    "statuses", &s_report, .right = CV_RIGHT_OPERATE },
	{ CV_GET, ESR "-reports", cv_wf_h_history, 0, "Endpoint remediation "
	    "SLA reports, newest first", &s_reports, p_reports },
	{ CV_GET, ESR "-reports/dashboard", cv_wf_h_build, 0, "Counts of "
	    "the endpoint remediation SLA reports", &s_report_dashboard },
	{ CV_POST, ESR "-reports/{report_id}/deliver", cv_wf_h_build,
	    POST_JSON, "Route a stored SLA report's notification to the "
	    "connectors, suppressing duplicates", &s_notify,
	    .right = CV_RIGHT_OPERATE },
	{ CV_POST, ESR "-reports/{report_id}/acknowledgements",
	    ep_provider_ack, CV_BODY_JSON, "Acknowledge the notification of a "
	    "stored SLA report", &s_ack, .right = CV_RIGHT_OPERATE },
	{ CV_GET, ESR "-notifications", cv_wf_h_build, 0, "SLA notification "
	    "plans, acknowledgements and deliveries, newest first",
	    &s_notifications, p_notifications },
	{ CV_GET, ESR "-notifications/dashboard", cv_wf_h_build, 0, "Counts "
	    "of the SLA notifications and their outstanding "
	    "acknowledgements", &s_notify_dashboard },
	{ CV_POST, ESR "-notifications/escalation-plan", cv_wf_h_build,
	    POST_JSON, "Build and store the owner escalation plan of the SLA "
	    "notifications", &s_escalation_plan, .right = CV_RIGHT_OPERATE },
	{ CV_POST, ESR "-escalations/{plan_id}/deliver", cv_wf_h_build,
	    POST_JSON, "Deliver the active routes of a stored SLA escalation "
	    "plan", &s_escalation_deliver, .right = CV_RIGHT_OPERATE },
	{ CV_POST, ESR "-escalations/{plan_id}/reviews", cv_wf_h_build,
	    CV_BODY_JSON, "Record an owner's review of a stored SLA "
	    "escalation plan's route", &s_review, .right = CV_RIGHT_OPERATE },
	{ CV_GET, ESR "-escalations", cv_wf_h_build, 0, "SLA escalation "
	    "plans, newest first", &s_escalations, p_escalations },
	{ CV_GET, ESR "-escalations/dashboard", cv_wf_h_build, 0, "Counts "
	    "of the newest SLA escalation plan's routes",
	    &s_escalation_dashboard },
	{ CV_GET, ESR "-escalation-actions", cv_wf_h_build, 0, "SLA "
	    "escalation plans, reviews, recurrences and their deliveries, "
	    "newest first", &s_actions, p_actions },
	{ CV_GET, ESR "-escalation-actions/dashboard", cv_wf_h_build, 0,
	    "Counts of the SLA escalation actions", &s_action_dashboard },
};

const size_t ep_sla_nroutes = nitems(ep_sla_routes);
