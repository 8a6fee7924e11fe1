/*
 * cavra-endpoints: the recurrence of endpoint remediation SLA
 * escalations (E3), owner digests (E4) and the recurrence automation,
 * its health and its health alerts (E5) (workflows.md §9 rows 57-72,
 * §11.9, §12).
 *
 * A recurrence plan reads the newest escalation plan (fcgi/
 * endpoints_sla.c), the deliveries of that plan (E2) and the owner
 * reviews of its routes, and decides for each active route: deliver it
 * again, wait for the recurrence interval, or suppress it (a resolved
 * or false positive review, a maintenance window, an owner calendar
 * that says the owner is away, the maximum number of recurrences).
 * Deliverable routes are sent as one batch (E3); the suppressed and
 * waiting ones are audited and counted into suppression trends.  Failed
 * batches get a retry plan (the generic RETRY_PLAN step over chain E3);
 * owners get a digest of their unresolved routes (E4).  The automation
 * run does retry plan, trend and digests in one pass, dry by default;
 * its health (missed runs, stale metadata, failed digest deliveries) is
 * delivered as a health alert (E5), routed by the rules of a routing
 * policy as the SLA notification is (struct ep_routing, fcgi/
 * endpoints_sla.c), and acknowledged.  Answers have the reference's
 * shapes ({plan, metadata}, {audit, metadata}, {trend, metadata}, the
 * run's owner_digests, ...).
 *
 * Every route is a step of lib/cv_wfstep.h; none checks an actor.  Two
 * deliberate differences from the reference: a review suppresses the
 * route it names (the reference keys reviews by the escalation plan but
 * routes by the notification plan, so none ever matched), and the
 * automation health id leaves out the time of the reading, so that the
 * health alert suppression window can work (§5.2 ALERT_DELIVER).
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <json-c/json.h>

#include "cavra.h"
#include "cv_connector.h"
#include "cv_wfstep.h"

#include "endpoints.h"

#define ESE "/endpoint-remediation-sla-escalation"
#define SLA(x) "cavra.endpoint_remediation_sla." x ".v1"

#define K_EPLAN "endpoint-remediation-sla-escalation-plan"
#define K_REVIEW "endpoint-remediation-sla-escalation-review"
#define K_RPLAN "endpoint-remediation-sla-escalation-recurrence-plan"
#define K_AUDIT "endpoint-remediation-sla-escalation-suppression-audit"
#define K_RETRY "endpoint-remediation-sla-escalation-recurrence-retry-plan"
#define K_DIGEST "endpoint-remediation-sla-escalation-owner-digest"
#define K_TREND "endpoint-remediation-sla-escalation-suppression-trend"
#define K_RUN "endpoint-remediation-sla-escalation-recurrence-automation-run"
#define K_HPLAN                                                                \
	"endpoint-remediation-sla-escalation-recurrence-automation-health-"    \
	"alert-plan"
#define K_HACK                                                                 \
	"endpoint-remediation-sla-escalation-recurrence-automation-health-"    \
	"alert-ack"
#define SRC_ESCALATE "endpoint_remediation_sla_escalation_delivery"
#define SRC_RECUR "endpoint_remediation_sla_escalation_recurrence_delivery"
#define SRC_DIGEST "endpoint_remediation_sla_escalation_owner_digest"
#define SRC_HALERT                                                             \
	"endpoint_remediation_sla_escalation_recurrence_automation_health_"    \
	"alert"
#define OWNER_DEFAULT "release-governance"
#define ACTION_WORDS "deliver, wait, suppress"
#define RPLAN_WHAT "endpoint remediation SLA escalation recurrence plan"

static const struct cv_wf_kind k_rplan = {K_RPLAN, "recurrence_plan_id",
    "erslaescrp", "recurrence_plan", SLA("escalation_recurrence_plan")};
static const struct cv_wf_kind k_audit = {K_AUDIT, "audit_id", "erslaescaudit",
    "suppression_audit", SLA("escalation_suppression_audit")};
static const struct cv_wf_kind k_digest = {K_DIGEST, "digest_id",
    "erslaescdigest", "owner_digest", SLA("escalation_owner_digest")};
static const struct cv_wf_kind k_trend = {K_TREND, "trend_id", "erslaesctrend",
    "suppression_trend", SLA("escalation_suppression_trend")};

/* E3: failed recurrence batches, grouped by recurrence plan (the RCD's
 * link, else its event id) and escalation plan; the automation run is
 * the chain's worker kind. */
static const struct cv_wf_chain e3 = {
    .name = "E3",
    .src = SRC_RECUR,
    .keys = {{"recurrence_plan_id", {"event_id", "session_id"}},
        {"plan_id", {NULL, NULL}}},
    .retry = {K_RETRY, "retry_plan_id", "erslaescrtry", "retry_plan",
        SLA("escalation_recurrence_retry_plan")},
    .worker = {K_RUN, "run_id", "erslaescauto", "automation_run",
        SLA("escalation_recurrence_automation_run")},
    .retry_delay = 15,
    .worker_interval = 60,
    .health_interval = 30,
    .health_stale = 120,
};

/* E5: the recurrence automation health alerts. */
static const struct cv_wf_alert e5 = {"E5", SRC_HALERT,
    {K_HPLAN, "plan_id", "erslahalert", "health_alert_plan",
        SLA("escalation_recurrence_automation_health_alert_plan")},
    {K_HACK, "acknowledgement_id", "erslahack", "acknowledgement",
        SLA("escalation_recurrence_automation_health_alert_ack")},
    "erslah",
    "cavra.endpoint_remediation_sla.escalation_recurrence_automation_"
    "health_alert",
    SLA("escalation_recurrence_automation_health_alert")};

static const char *const rplan_index[] = {"recurrence_plan_id", "plan_id",
    "alert_level", "route_count", "deliverable_route_count",
    "waiting_route_count", "suppressed_route_count",
    "maintenance_suppressed_count", "calendar_suppressed_count", NULL};
static const char *const audit_index[] = {
    "audit_id", "recurrence_plan_id", "plan_id", "alert_level", NULL};
static const char *const digest_index[] = {
    "digest_id", "recurrence_plan_id", "retry_plan_id", "plan_id", NULL};
static const char *const trend_index[] = {"trend_id", "alert_level",
    "suppression_event_count", "category_counts", NULL};
static const char *const run_index[] = {"run_id", "dry_run", NULL};
static const char *const hack_extra[] = {"plan_id", NULL};
static const char *const rplan_kinds[] = {K_RPLAN, NULL};
static const char *const trend_kinds[] = {K_RPLAN, K_AUDIT, NULL};
static const char *const halert_kinds[] = {K_HPLAN, K_HACK, NULL};
static const char *const halert_srcs[] = {SRC_HALERT, NULL};
static const char *const actions[] = {"deliver", "wait", "suppress", NULL};

/* ---- helpers -------------------------------------------------------- */

/* The first non-empty string of members k1, k2 (may be NULL), else
 * NULL. */
static const char *
either_str(struct json_object *o, const char *k1, const char *k2)
{
	const char *s;

	if ((s = cv_json_str_or(o, k1, NULL)) != NULL && *s != '\0')
		return s;
	if (k2 != NULL && (s = cv_json_str_or(o, k2, NULL)) != NULL &&
	    *s != '\0')
		return s;
	return NULL;
}

/* Member k1 when present (even null), else k2, else NULL (borrowed). */
static struct json_object *
member(struct json_object *o, const char *k1, const char *k2)
{
	struct json_object *v;

	if (json_object_object_get_ex(o, k1, &v))
		return v;
	if (json_object_object_get_ex(o, k2, &v))
		return v;
	return NULL;
}

/* The array member key of o, or NULL. */
static struct json_object *
array_of(struct json_object *o, const char *key)
{
	struct json_object *v = json_object_object_get(o, key);

	return json_object_is_type(v, json_type_array) ? v : NULL;
}

/* The length of the array member key of o (0 when not one). */
static size_t
count_of(struct json_object *o, const char *key)
{
	struct json_object *v = array_of(o, key);

	return v != NULL ? json_object_array_length(v) : 0;
}

/* An integer member (0 when absent or not a number). */
static int64_t
int_of(struct json_object *o, const char *key)
{
	return json_object_get_int64(json_object_object_get(o, key));
}

/* Adds 1 to counter key of map o. */
static void
bump(struct json_object *o, const char *key, int64_t by)
{
	cv_json_add_int(o, key, int_of(o, key) + by);
}

/* The start and end of a window (start_at | starts_at, end_at |
 * ends_at); -1 when one is missing or not a time. */
static int
window_times(struct json_object *w, time_t *start, time_t *end)
{
	const char *s, *e;

	s = either_str(w, "start_at", "starts_at");
	e = either_str(w, "end_at", "ends_at");
	if (s == NULL || e == NULL || cv_wf_ts_parse(s, start) != 0 ||
	    cv_wf_ts_parse(e, end) != 0)
		return -1;
	return 0;
}

/* Minutes of the day of "HH:MM" (hours 0..23, minutes 0..59 clamped)
 * into *out; -1 when s is not of that form. */
static int
hhmm(const char *s, int *out)
{
	int h = 0, m = 0, n = 0;

	while (*s == ' ')
		s++;
	for (; *s >= '0' && *s <= '9' && n < 2; s++, n++)
		h = h * 10 + (*s - '0');
	if (n == 0 || *s++ != ':')
		return -1;
	for (n = 0; *s >= '0' && *s <= '9' && n < 2; s++, n++)
		m = m * 10 + (*s - '0');
	while (*s == ' ')
		s++;
	if (n != 2 || *s != '\0')
		return -1;
	*out = (h > 23 ? 23 : h) * 60 + (m > 59 ? 59 : m);
	return 0;
}

/* The decisions of a recurrence plan whose action is act (NULL: every
 * one); new array of shared references. */
static struct json_object *
decisions_of(struct json_object *plan, const char *act)
{
	struct json_object *all, *d, *out;
	size_t i;

	out = json_object_new_array();
	all = array_of(plan, "route_decisions");
	for (i = 0; all != NULL && i < json_object_array_length(all); i++) {
		d = json_object_array_get_idx(all, i);
		if (json_object_is_type(d, json_type_object) &&
		    (act == NULL ||
		        strcmp(cv_json_str_or(d, "action", ""), act) == 0))
			json_object_array_add(out, json_object_get(d));
	}
	return out;
}

/* The counts of a recurrence plan's decisions. */
struct tally {
	int64_t routes;
	int64_t deliver;
	int64_t wait;
	int64_t suppress;
	int64_t maintenance; /* suppressed by a maintenance window */
	int64_t calendar;    /* ... by an owner calendar */
	int64_t maxrec;      /* ... by the maximum recurrence count */
};

/* Whether an owner availability object says the owner is away. */
static int
away(struct json_object *d)
{
	struct json_object *av, *v;

	av = json_object_object_get(d, "owner_availability");
	return json_object_is_type(av, json_type_object) &&
	       json_object_object_get_ex(av, "available", &v) &&
	       !cv_json_truthy(v);
}

/* Counts decisions (the route_decisions of a plan, or an array). */
static void
tally_of(struct json_object *decs, struct tally *t)
{
	struct json_object *d;
	const char *act;
	size_t i;

	memset(t, 0, sizeof(*t));
	for (i = 0; decs != NULL && i < json_object_array_length(decs); i++) {
		d = json_object_array_get_idx(decs, i);
		if (!json_object_is_type(d, json_type_object))
			continue;
		t->routes++;
		act = cv_json_str_or(d, "action", "");
		if (strcmp(act, "deliver") == 0)
			t->deliver++;
		else if (strcmp(act, "wait") == 0)
			t->wait++;
		else if (strcmp(act, "suppress") == 0) {
			t->suppress++;
			t->maintenance += cv_json_truthy(
			    json_object_object_get(d, "maintenance_window"));
			t->calendar += away(d);
			t->maxrec += strstr(cv_json_str_or(d, "reason", ""),
			                 "maximum recurrence count") != NULL;
		}
	}
}

/* Adds the route counts of t to o. */
static void
tally_add(struct json_object *o, const struct tally *t)
{
	cv_json_add_int(o, "route_count", t->routes);
	cv_json_add_int(o, "deliverable_route_count", t->deliver);
	cv_json_add_int(o, "waiting_route_count", t->wait);
	cv_json_add_int(o, "suppressed_route_count", t->suppress);
	cv_json_add_int(o, "maintenance_suppressed_count", t->maintenance);
	cv_json_add_int(o, "calendar_suppressed_count", t->calendar);
}

/*
 * The stored recurrence plan of the path's recurrence_plan_id into *rec
 * (new).  CV_ENOENT with the 404 problem set when there is none.
 */
static enum cv_err
rplan_get(struct cv_wf_ctx *ctx, struct json_object **rec)
{
	enum cv_err rc;

	rc = cv_wf_get(
	    ctx, cv_param(ctx->req, "recurrence_plan_id"), K_RPLAN, rec);
	if (rc == CV_ENOENT)
		return cv_fail(ctx->req, CV_ENOENT, RPLAN_WHAT " not found");
	return rc;
}

/* The int body member key clamped to 1..max (default dflt); 400 when it
 * is not an integer. */
static enum cv_err
clamped(struct cv_wf_ctx *ctx, const char *key, int64_t dflt, int64_t max,
    int64_t *out)
{
	enum cv_err rc;

	if ((rc = cv_wf_int(ctx, key, dflt, INT64_MIN, INT64_MAX, out)) !=
	    CV_OK)
		return rc;
	*out = *out < 1 ? 1 : *out > max ? max : *out;
	return CV_OK;
}

/* A Teams fact {name, value}; new. */
static struct json_object *
fact(const char *name, const char *value)
{
	struct json_object *o = json_object_new_object();

	cv_json_add_str(o, "name", name);
	cv_json_add_str(o, "value", value);
	return o;
}

/* The theme color of a card for an alert level. */
static const char *
color_of(const char *level)
{
	return strcmp(level, "critical") == 0  ? "DC2626"
	       : strcmp(level, "warning") == 0 ? "D97706"
	                                       : "2E7D32";
}

/* ---- recurrence policy ---------------------------------------------- */

/* A recurrence policy read from the body. */
struct rpolicy {
	struct json_object *p; /* borrowed, or NULL */
	int64_t interval;      /* minutes */
	int64_t max;           /* recurrences per route */
};

/* An integer of the policy (k1, else k2), 1..max, default dflt; 400
 * naming the member otherwise. */
static enum cv_err
policy_int(struct cv_req *req, struct json_object *p, const char *k1,
    const char *k2, int64_t dflt, int64_t max, int64_t *out)
{
	const char *k = k1;

	*out = dflt;
	if (!json_object_object_get_ex(p, k1, NULL))
		k = k2;
	if (!json_object_object_get_ex(p, k, NULL) ||
	    json_object_object_get(p, k) == NULL)
		return CV_OK;
	if (cv_json_int(p, k, out) != CV_JGET_OK)
		return cv_fail_field(req, CV_EINVAL, k,
		    "recurrence_policy.%s "
		    "must be an integer",
		    k);
	if (*out < 1 || *out > max)
		return cv_fail_field(req, CV_EINVAL, k,
		    "recurrence_policy.%s "
		    "must be 1..%lld",
		    k, (long long)max);
	return CV_OK;
}

/* Checks a list of windows (arr, named what): objects with start and
 * end times.  400 otherwise. */
static enum cv_err
windows_check(struct cv_req *req, struct json_object *arr, const char *what)
{
	struct json_object *w;
	time_t s, e;
	size_t i;

	if (arr == NULL)
		return CV_OK;
	if (!json_object_is_type(arr, json_type_array))
		return cv_fail_field(req, CV_EINVAL, what,
		    "recurrence_policy "
		    "%s must be an array",
		    what);
	for (i = 0; i < json_object_array_length(arr); i++) {
		w = json_object_array_get_idx(arr, i);
		if (!json_object_is_type(w, json_type_object) ||
		    window_times(w, &s, &e) != 0)
			return cv_fail_field(req, CV_EINVAL, what,
			    "recurrence_policy %s[%zu] needs start_at and "
			    "end_at times",
			    what, i);
	}
	return CV_OK;
}

/* Checks one owner calendar: its unavailable windows and its business
 * hours ({days, start, end} with HH:MM times).  400 otherwise. */
static enum cv_err
calendar_check(struct cv_req *req, struct json_object *cal)
{
	struct json_object *bh, *w;
	const char *t;
	size_t i;
	int m;
	enum cv_err rc;

	if (!json_object_is_type(cal, json_type_object))
		return CV_OK;
	if ((rc = windows_check(req,
	         member(cal, "unavailable_windows", "out_of_office"),
	         "unavailable_windows")) != CV_OK)
		return rc;
	bh = member(cal, "business_hours", "availability_windows");
	if (bh != NULL && !json_object_is_type(bh, json_type_array))
		return cv_fail_field(req, CV_EINVAL, "business_hours",
		    "recurrence_policy business_hours must be an array");
	for (i = 0; bh != NULL && i < json_object_array_length(bh); i++) {
		w = json_object_array_get_idx(bh, i);
		if (!json_object_is_type(w, json_type_object))
			return cv_fail_field(req, CV_EINVAL, "business_hours",
			    "recurrence_policy business_hours[%zu] must be an "
			    "object",
			    i);
		if (((t = either_str(w, "start", "start_time")) != NULL &&
		        hhmm(t, &m) != 0) ||
		    ((t = either_str(w, "end", "end_time")) != NULL &&
		        hhmm(t, &m) != 0))
			return cv_fail_field(req, CV_EINVAL, "business_hours",
			    "recurrence_policy business_hours[%zu] times must "
			    "be HH:MM",
			    i);
	}
	return CV_OK;
}

/*
 * The body's recurrence_policy: recurrence_interval_minutes |
 * default_recurrence_minutes (60), max_recurrences_per_route |
 * max_recurrences (3), maintenance_windows | suppression_windows and
 * owner_calendars | calendars checked.  400 for what does not fit.
 */
static enum cv_err
policy_read(struct cv_wf_ctx *ctx, struct rpolicy *rp)
{
	struct cv_req *req = ctx->req;
	struct json_object *cals;
	size_t i;
	enum cv_err rc;

	memset(rp, 0, sizeof(*rp));
	if ((rc = cv_wf_obj(ctx, "recurrence_policy", &rp->p)) != CV_OK ||
	    (rc = policy_int(req, rp->p, "recurrence_interval_minutes",
	         "default_recurrence_minutes", CV_WF_RECUR_INTERVAL_DEFAULT,
	         CV_WF_MINUTES_MAX, &rp->interval)) != CV_OK ||
	    (rc = policy_int(req, rp->p, "max_recurrences_per_route",
	         "max_recurrences", CV_WF_RECURRENCES_DEFAULT,
	         CV_WF_RECURRENCES_MAX, &rp->max)) != CV_OK ||
	    (rc = windows_check(req,
	         member(rp->p, "maintenance_windows", "suppression_windows"),
	         "maintenance_windows")) != CV_OK)
		return rc;
	cals = member(rp->p, "owner_calendars", "calendars");
	if (json_object_is_type(cals, json_type_object)) {
		json_object_object_foreach(cals, k, cal)
		{
			(void)k;
			if ((rc = calendar_check(req, cal)) != CV_OK)
				return rc;
		}
	} else if (json_object_is_type(cals, json_type_array)) {
		for (i = 0; i < json_object_array_length(cals); i++)
			if ((rc = calendar_check(req,
			         json_object_array_get_idx(cals, i))) != CV_OK)
				return rc;
	} else if (cals != NULL)
		return cv_fail_field(req, CV_EINVAL, "owner_calendars",
		    "recurrence_policy owner_calendars must be an object or "
		    "an array");
	return CV_OK;
}

/* Whether window w's matchers (plan_ids, report_ids, providers, owners:
 * lists compared without case; empty: any) admit the route vals. */
static int
window_admits(struct json_object *w, const char *const vals[4])
{
	static const char *const keys[] = {
	    "plan_ids", "report_ids", "providers", "owners"};
	struct json_object *arr, *e;
	size_t i, j;
	int hit;

	for (i = 0; i < nitems(keys); i++) {
		if ((arr = array_of(w, keys[i])) == NULL ||
		    json_object_array_length(arr) == 0)
			continue;
		for (hit = 0, j = 0; !hit && j < json_object_array_length(arr);
		     j++) {
			e = json_object_array_get_idx(arr, j);
			hit =
			    json_object_is_type(e, json_type_string) &&
			    strcasecmp(json_object_get_string(e), vals[i]) == 0;
		}
		if (!hit)
			return 0;
	}
	return 1;
}

/* The first window of arr active at now (and admitting vals, when
 * given) as {window_id, start_at, end_at, reason}; new, or NULL. */
static struct json_object *
window_active(struct json_object *arr, time_t now, const char *const *vals,
    const char *dflt_id, const char *dflt_reason)
{
	struct json_object *w, *o;
	time_t s, e;
	size_t i;

	for (i = 0; arr != NULL && json_object_is_type(arr, json_type_array) &&
	            i < json_object_array_length(arr);
	     i++) {
		w = json_object_array_get_idx(arr, i);
		if (window_times(w, &s, &e) != 0 || now < s || now > e ||
		    (vals != NULL && !window_admits(w, vals)))
			continue;
		o = json_object_new_object();
		cv_json_add_str(o, "window_id",
		    either_str(w, "window_id", "id") != NULL
		        ? either_str(w, "window_id", "id")
		        : dflt_id);
		cv_json_add_str(
		    o, "start_at", either_str(w, "start_at", "starts_at"));
		cv_json_add_str(
		    o, "end_at", either_str(w, "end_at", "ends_at"));
		cv_json_add_str(o, "reason",
		    either_str(w, "reason", "description") != NULL
		        ? either_str(w, "reason", "description")
		        : dflt_reason);
		return o;
	}
	return NULL;
}

/* The calendar of owner in the policy (a map by owner, or a list whose
 * owners name it or are empty); borrowed, or NULL. */
static struct json_object *
owner_calendar(struct cv_arena *a, struct json_object *p, const char *owner)
{
	struct json_object *cals, *c, *owners;
	const char *low = ep_lower(a, owner);
	size_t i;

	cals = member(p, "owner_calendars", "calendars");
	if (json_object_is_type(cals, json_type_object)) {
		c = json_object_object_get(cals, owner);
		if (!cv_json_truthy(c))
			c = json_object_object_get(cals, low);
		return json_object_is_type(c, json_type_object) ? c : NULL;
	}
	for (i = 0; json_object_is_type(cals, json_type_array) &&
	            i < json_object_array_length(cals);
	     i++) {
		c = json_object_array_get_idx(cals, i);
		if (!json_object_is_type(c, json_type_object))
			continue;
		owners = array_of(c, "owners");
		if (owners == NULL || json_object_array_length(owners) == 0)
			return c;
		if (!window_admits(c, (const char *const[4]){"", "", "", low}))
			continue;
		return c;
	}
	return NULL;
}

/* Whether now (UTC) is inside one of the business-hours windows. */
static int
in_hours(struct json_object *bh, time_t now)
{
	static const char *const wd[] = {
	    "sun", "mon", "tue", "wed", "thu", "fri", "sat"};
	struct json_object *w, *days, *d;
	struct tm tm;
	const char *t;
	size_t i, j;
	int cur, s, e, hit;

	gmtime_r(&now, &tm);
	cur = tm.tm_hour * 60 + tm.tm_min;
	for (i = 0; i < json_object_array_length(bh); i++) {
		w = json_object_array_get_idx(bh, i);
		days = member(w, "days", "weekdays");
		if (json_object_is_type(days, json_type_array) &&
		    json_object_array_length(days) > 0) {
			for (hit = 0, j = 0;
			     !hit && j < json_object_array_length(days); j++) {
				d = json_object_array_get_idx(days, j);
				hit =
				    json_object_is_type(d, json_type_string) &&
				    strncasecmp(json_object_get_string(d),
				        wd[tm.tm_wday], 3) == 0;
			}
			if (!hit)
				continue;
		}
		s = 0;
		e = 23 * 60 + 59;
		if ((t = either_str(w, "start", "start_time")) != NULL)
			(void)hhmm(t, &s);
		if ((t = either_str(w, "end", "end_time")) != NULL)
			(void)hhmm(t, &e);
		if (s <= cur && cur <= e)
			return 1;
	}
	return 0;
}

/* The availability of owner at now: {available, reason[, window]};
 * new. */
static struct json_object *
availability(
    struct cv_arena *a, struct json_object *p, const char *owner, time_t now)
{
	struct json_object *cal, *w, *bh, *o;
	const char *why;
	int ok;

	o = json_object_new_object();
	if ((cal = owner_calendar(a, p, owner)) == NULL) {
		ok = 1;
		why = "no owner calendar configured";
	} else if ((w = window_active(
	                member(cal, "unavailable_windows", "out_of_office"),
	                now, NULL, "owner-unavailable", "owner unavailable")) !=
	           NULL) {
		cv_json_add_bool(o, "available", 0);
		cv_json_add_str(o, "reason",
		    "owner unavailable window is "
		    "active");
		json_object_object_add(o, "window", w);
		return o;
	} else if ((bh = member(cal, "business_hours",
	                "availability_windows")) == NULL ||
	           !json_object_is_type(bh, json_type_array) ||
	           json_object_array_length(bh) == 0) {
		ok = 1;
		why = "no business-hours restriction configured";
	} else if (in_hours(bh, now)) {
		ok = 1;
		why = "owner calendar is available";
	} else {
		ok = 0;
		why = "owner calendar is outside business hours";
	}
	cv_json_add_bool(o, "available", ok);
	cv_json_add_str(o, "reason", why);
	return o;
}

/* ---- E3: recurrence plan -------------------------------------------- */

/* The route key of an escalation route: plan, report, provider and
 * owner ("erslaroute-" and 16 hex digits); arena. */
static const char *
route_key(struct cv_arena *a, const char *plan, const char *report,
    const char *prov, const char *owner)
{
	return cv_wf_id_text(a, "erslaroute",
	    cv_arena_printf(a, "%s|%s|%s|%s", plan, report, prov, owner));
}

/* What recurs: the escalation plan, its deliveries and reviews. */
struct recur_in {
	const char *plan_id;   /* the escalation plan */
	int64_t count;         /* its deliveries */
	const char *latest_at; /* the newest one, or NULL */
	time_t latest_t;
	struct json_object *reviews; /* route key -> latest review */
};

/*
 * The decision about one active route rt at now: suppress (a resolved
 * or false positive review, a maintenance window, an owner away, the
 * maximum recurrences), wait (the interval since the latest delivery)
 * or deliver.  New object.
 */
static struct json_object *
route_decision(struct cv_wf_ctx *ctx, const struct rpolicy *rp,
    const struct recur_in *in, struct json_object *rt)
{
	struct cv_arena *a = ctx->req->arena;
	struct json_object *d, *rv, *mw, *av;
	const char *owner, *prov, *rid, *rpid, *key, *state, *act = "deliver",
	                                                     *why;
	const char *vals[4];
	char next[CV_WF_TS_LEN];

	owner = either_str(rt, "owner", NULL) != NULL
	            ? either_str(rt, "owner", NULL)
	            : OWNER_DEFAULT;
	prov = cv_json_str_or(rt, "provider", "");
	rid = cv_json_str_or(rt, "report_id", "");
	rpid = either_str(rt, "plan_id", NULL) != NULL
	           ? either_str(rt, "plan_id", NULL)
	           : in->plan_id;
	key = route_key(a, in->plan_id, rid, prov, owner);
	rv = json_object_object_get(in->reviews, key);
	state = cv_json_str_or(rv, "review_state", "");
	vals[0] = rpid;
	vals[1] = rid;
	vals[2] = prov;
	vals[3] = owner;
	mw = window_active(
	    member(rp->p, "maintenance_windows", "suppression_windows"), ctx->t,
	    vals, "maintenance-window", "maintenance window");
	if (mw == NULL && strcmp(rpid, in->plan_id) != 0) {
		vals[0] = in->plan_id;
		mw = window_active(
		    member(rp->p, "maintenance_windows", "suppression_windows"),
		    ctx->t, vals, "maintenance-window", "maintenance window");
	}
	av = availability(a, rp->p, owner, ctx->t);
	if (in->latest_at != NULL)
		cv_wf_ts(
		    next, sizeof(next), in->latest_t + rp->interval * 60, 0);
	else
		snprintf(next, sizeof(next), "%s", ctx->now);
	why = "active escalation is ready for recurring delivery";
	if (strcmp(state, "resolved") == 0 ||
	    strcmp(state, "false_positive") == 0) {
		act = "suppress";
		why = cv_arena_printf(a, "owner review state is %s", state);
	} else if (mw != NULL) {
		act = "suppress";
		why = "matching maintenance window is active";
	} else if (!cv_json_truthy(json_object_object_get(av, "available"))) {
		act = "suppress";
		why = cv_json_str_or(av, "reason", "owner unavailable");
	} else if (in->count >= rp->max) {
		act = "suppress";
		why =
		    cv_arena_printf(a, "maximum recurrence count %lld reached",
		        (long long)rp->max);
	} else if (in->latest_at != NULL &&
	           ctx->t < in->latest_t + rp->interval * 60) {
		act = "wait";
		why = cv_arena_printf(a,
		    "recurrence interval %lld minutes has "
		    "not elapsed",
		    (long long)rp->interval);
	}
	d = json_object_new_object();
	cv_json_add_str(d, "route_key", key);
	cv_json_add_str(d, "plan_id", rpid);
	cv_json_add_str(d, "escalation_plan_id", in->plan_id);
	cv_json_add_str(d, "report_id", rid);
	cv_json_add_str(d, "provider", prov);
	cv_json_add_str(d, "owner", owner);
	cv_json_add_str(d, "action", act);
	cv_json_add_str(d, "reason", why);
	cv_json_add_str(d, "review_state", *state != '\0' ? state : NULL);
	cv_json_add_str(
	    d, "latest_review_id", cv_json_str_or(rv, "review_id", NULL));
	cv_json_add_int(d, "recurrence_count", in->count);
	cv_json_add_int(d, "max_recurrences", rp->max);
	cv_json_add_int(d, "recurrence_interval_minutes", rp->interval);
	cv_json_add_str(d, "latest_delivery_at", in->latest_at);
	cv_json_add_str(d, "next_delivery_at", next);
	json_object_object_add(d, "maintenance_window", mw);
	json_object_object_add(d, "owner_availability", av);
	json_object_object_add(d, "recommended_action",
	    json_object_get(json_object_object_get(rt, "recommended_action")));
	return d;
}

/*
 * The escalation plan side of a recurrence: the newest escalation plan
 * (*plan: its payload, borrowed from *eplans, new), its deliveries and
 * the latest review of each route.  in->reviews is new.
 */
static enum cv_err
recur_in_load(struct cv_wf_ctx *ctx, struct json_object **eplans,
    struct json_object **plan, struct recur_in *in)
{
	struct cv_arena *a = ctx->req->arena;
	struct json_object *rcds = NULL, *revs = NULL, *r;
	size_t i;
	enum cv_err rc;

	memset(in, 0, sizeof(*in));
	*plan = NULL;
	if ((rc = cv_wf_load(ctx, K_EPLAN, eplans)) != CV_OK)
		return rc;
	if ((rc = cv_wf_load(ctx, CV_WF_RCD_KIND, &rcds)) != CV_OK ||
	    (rc = cv_wf_load(ctx, K_REVIEW, &revs)) != CV_OK)
		goto out;
	if (json_object_array_length(*eplans) > 0) {
		r = json_object_array_get_idx(*eplans, 0);
		*plan = ep_inner(r, "escalation_plan");
		in->plan_id = either_str(*plan, "plan_id", NULL);
		if (in->plan_id == NULL)
			in->plan_id = either_str(r, "plan_id", NULL);
	}
	if (in->plan_id == NULL)
		in->plan_id = "endpoint-remediation-sla-escalation";
	for (i = 0; i < json_object_array_length(rcds); i++) {
		r = json_object_array_get_idx(rcds, i);
		if (strcmp(cv_json_str_or(r, "connector_delivery_source", ""),
		        SRC_ESCALATE) != 0 ||
		    strcmp(cv_json_str_or(r, "event_id", ""), in->plan_id) != 0)
			continue;
		in->count++;
		if (cv_wf_ts_parse(cv_json_str_or(r, "created_at", NULL),
		        &in->latest_t) != 0)
			continue;
		if (in->latest_at == NULL ||
		    strcmp(cv_json_str_or(r, "created_at", ""), in->latest_at) >
		        0)
			in->latest_at = cv_arena_strdup(
			    a, cv_json_str_or(r, "created_at", ""));
	}
	if (in->latest_at != NULL)
		(void)cv_wf_ts_parse(in->latest_at, &in->latest_t);
	in->reviews = json_object_new_object();
	for (i = 0; i < json_object_array_length(revs); i++) {
		r = json_object_array_get_idx(revs, i);
		ep_latest_put(in->reviews,
		    route_key(a, cv_json_str_or(r, "plan_id", ""),
		        cv_json_str_or(r, "report_id", ""),
		        cv_json_str_or(r, "provider", ""),
		        cv_json_str_or(r, "owner", "")),
		    r);
	}
out:
	json_object_put(rcds);
	json_object_put(revs);
	return rc;
}

/*
 * POST /endpoint-remediation-sla-escalations/recurrence-plan: the
 * recurrence decision of every active route of the newest escalation
 * plan under the body's recurrence_policy; stored.  Answers {plan,
 * metadata}.  400 for a policy that does not fit.
 */
static enum cv_err
build_rplan(struct cv_wf_ctx *ctx, struct json_object **answer)
{
	struct cv_arena *a = ctx->req->arena;
	struct json_object *eplans = NULL, *eplan, *routes, *rt, *decs, *m,
	                   *plan, *rec;
	struct rpolicy rp;
	struct recur_in in;
	struct tally t;
	const char *id;
	size_t i;
	enum cv_err rc;

	if ((rc = policy_read(ctx, &rp)) != CV_OK)
		return rc;
	if ((rc = recur_in_load(ctx, &eplans, &eplan, &in)) != CV_OK)
		goto out;
	decs = json_object_new_array();
	routes = array_of(eplan, "route_statuses");
	for (i = 0; routes != NULL && i < json_object_array_length(routes);
	     i++) {
		rt = json_object_array_get_idx(routes, i);
		if (json_object_is_type(rt, json_type_object) &&
		    cv_json_truthy(
		        json_object_object_get(rt, "active_escalation")))
			json_object_array_add(
			    decs, route_decision(ctx, &rp, &in, rt));
	}
	tally_of(decs, &t);
	m = json_object_new_object();
	cv_json_add_str(m, "generated_at", ctx->now);
	cv_json_add_str(m, "plan_id", in.plan_id);
	json_object_object_add(m, "route_decisions", json_object_get(decs));
	id = cv_wf_id(a, k_rplan.prefix, m, NULL);
	json_object_put(m);
	plan = cv_wf_doc(ctx, k_rplan.schema);
	cv_json_add_str(plan, "recurrence_plan_id", id);
	cv_json_add_str(plan, "plan_id", in.plan_id);
	cv_json_add_str(plan, "generated_by", ctx->by);
	cv_json_add_str(plan, "alert_level",
	    t.deliver > 0 ? "critical"
	    : t.wait > 0  ? "warning"
	                  : "healthy");
	tally_add(plan, &t);
	cv_json_add_int(plan, "recurrence_interval_minutes", rp.interval);
	cv_json_add_int(plan, "max_recurrences_per_route", rp.max);
	json_object_object_add(plan, "route_decisions", decs);
	cv_json_add_strv(plan, "controls",
	    (const char *const[]){"recurrence-plan-derived-from-public-"
	                          "escalation-action-metadata",
	        "maintenance-windows-contain-no-provider-credentials",
	        "owner-calendars-are-public-safe-availability-metadata",
	        "suppression-decisions-do-not-perform-endpoint-mutation",
	        NULL});
	rec = cv_wf_keep(
	    ctx, &k_rplan, plan, t.routes, t.suppress, t.deliver, rplan_index);
	*answer = cv_wf_answer("plan", plan, rec);
	json_object_put(plan);
out:
	json_object_put(in.reviews);
	json_object_put(eplans);
	return rc;
}

/* ---- E3: delivery and suppression audit ----------------------------- */

/* The delivery event of a recurrence plan's deliverable routes, at most
 * max of them; new. */
static struct json_object *
recur_event(struct cv_wf_ctx *ctx, struct json_object *plan, int64_t max)
{
	struct cv_arena *a = ctx->req->arena;
	struct json_object *deliv, *sel, *owners, *provs, *fields, *facts, *ev,
	    *rt, *sum;
	struct tally t;
	const char *rpid, *title, *msg, *desc, *level;
	int64_t omitted;
	size_t i;

	tally_of(array_of(plan, "route_decisions"), &t);
	deliv = decisions_of(plan, "deliver");
	sel = ep_head(deliv, (size_t)max);
	omitted = (int64_t)(json_object_array_length(deliv) -
	                    json_object_array_length(sel));
	rpid = either_str(plan, "recurrence_plan_id", NULL) != NULL
	           ? either_str(plan, "recurrence_plan_id", NULL)
	           : "endpoint-remediation-sla-recurrence";
	owners = json_object_new_array();
	provs = json_object_new_array();
	fields = json_object_new_array();
	facts = json_object_new_array();
	desc = cv_arena_printf(a,
	    "CAVRA endpoint remediation SLA recurrence "
	    "plan %s has deliverable routes.\n\nDeliverable routes:",
	    rpid);
	if (json_object_array_length(sel) == 0)
		desc = cv_arena_printf(a,
		    "%s\n- No deliverable recurrence "
		    "routes.",
		    desc);
	for (i = 0; i < json_object_array_length(sel); i++) {
		rt = json_object_array_get_idx(sel, i);
		if (!cv_json_has_str(owners, cv_json_str_or(rt, "owner", "")))
			json_object_array_add(
			    owners, json_object_new_string(
			                cv_json_str_or(rt, "owner", "")));
		if (!cv_json_has_str(provs, cv_json_str_or(rt, "provider", "")))
			json_object_array_add(
			    provs, json_object_new_string(
			               cv_json_str_or(rt, "provider", "")));
		desc = cv_arena_printf(a,
		    "%s\n- owner=%s provider=%s "
		    "report=%s recurrences=%lld/%lld next=%s action=%s",
		    desc, cv_json_str_or(rt, "owner", ""),
		    cv_json_str_or(rt, "provider", ""),
		    cv_json_str_or(rt, "report_id", ""),
		    (long long)int_of(rt, "recurrence_count"),
		    (long long)int_of(rt, "max_recurrences"),
		    cv_json_str_or(rt, "next_delivery_at", ""),
		    cv_json_str_or(rt, "recommended_action", ""));
		if (i >= CV_WF_CARD_ITEMS_MAX)
			continue;
		json_object_array_add(
		    fields, json_object_new_string(
		                cv_arena_printf(a, "*%s* `%s` `%s` %lld/%lld",
		                    cv_json_str_or(rt, "owner", "owner"),
		                    cv_json_str_or(rt, "provider", ""),
		                    cv_json_str_or(rt, "report_id", ""),
		                    (long long)int_of(rt, "recurrence_count"),
		                    (long long)int_of(rt, "max_recurrences"))));
		json_object_array_add(facts,
		    fact(cv_json_str_or(rt, "owner", "owner"),
		        cv_arena_printf(a, "%s %s %s",
		            cv_json_str_or(rt, "provider", ""),
		            cv_json_str_or(rt, "report_id", ""),
		            cv_json_str_or(rt, "recommended_action", ""))));
	}
	if (omitted > 0)
		desc = cv_arena_printf(a,
		    "%s\n- %lld additional deliverable "
		    "routes omitted from connector payload.",
		    desc, (long long)omitted);
	desc = cv_arena_printf(a,
	    "%s\n\nThis recurrence batch is generated "
	    "from public CAVRA recurrence metadata. Suppressed routes are "
	    "excluded from delivery and explained in the suppression audit "
	    "export.",
	    desc);
	level = json_object_array_length(sel) > 0 ? "critical" : "healthy";
	title = cv_arena_printf(a,
	    "CAVRA endpoint remediation recurrence "
	    "batch: %s",
	    rpid);
	msg = cv_arena_printf(a,
	    "%zu deliverable recurrence routes across %zu "
	    "owners and %zu providers.",
	    json_object_array_length(sel), json_object_array_length(owners),
	    json_object_array_length(provs));
	ev = cv_wf_doc(ctx, SLA("escalation_recurrence_delivery"));
	cv_json_add_str(ev, "event_type",
	    "cavra.endpoint_remediation_sla.escalation_recurrence_delivery");
	cv_json_add_str(ev, "session_id", rpid);
	cv_json_add_str(ev, "recurrence_plan_id", rpid);
	cv_json_add_str(ev, "plan_id", cv_json_str_or(plan, "plan_id", ""));
	cv_json_add_str(ev, "generated_by", ctx->by);
	json_object_object_add(ev, "source_plan_generated_at",
	    json_object_get(json_object_object_get(plan, "generated_at")));
	cv_json_add_str(ev, "alert_level", level);
	cv_json_add_str(ev, "max_severity",
	    json_object_array_length(sel) > 0 ? "critical" : "low");
	cv_json_add_int(
	    ev, "blocked_count", (int64_t)json_object_array_length(sel));
	cv_json_add_int(ev, "approval_required_count",
	    (int64_t)json_object_array_length(sel));
	cv_json_add_int(ev, "decision_count", t.routes);
	sum = json_object_new_object();
	cv_json_add_int(sum, "deliverable_route_count", t.deliver);
	cv_json_add_int(sum, "selected_route_count",
	    (int64_t)json_object_array_length(sel));
	cv_json_add_int(sum, "suppressed_route_count", t.suppress);
	cv_json_add_int(sum, "waiting_route_count", t.wait);
	cv_json_add_int(
	    sum, "owner_count", (int64_t)json_object_array_length(owners));
	cv_json_add_int(
	    sum, "provider_count", (int64_t)json_object_array_length(provs));
	cv_json_add_int(sum, "omitted_route_count", omitted);
	json_object_object_add(ev, "summary", sum);
	json_object_object_add(ev, "routes", sel);
	cv_json_add_int(ev, "omitted_route_count", omitted);
	cv_json_add_strv(ev, "controls",
	    (const char *const[]){
	        "recurrence-delivery-derived-from-public-recurrence-plan",
	        "only-deliverable-routes-included",
	        "suppressed-and-waiting-routes-excluded-from-delivery-batch",
	        "connector-delivery-evidence-redacts-secrets",
	        "no-endpoint-mutation-performed-by-public-recurrence-event",
	        NULL});
	ep_add_payloads(ev,
	    ep_slack_card(title, msg, fields,
	        "Generated from "
	        "public CAVRA endpoint remediation recurrence evidence."),
	    ep_teams_card(title, msg, color_of(level), facts), title, desc,
	    rpid, level);
	json_object_put(deliv);
	json_object_put(owners);
	json_object_put(provs);
	return ev;
}

/*
 * POST /endpoint-remediation-sla-escalation-recurrences/
 * {recurrence_plan_id}/deliver: the stored plan's deliverable routes
 * (max_routes, clamped 1..200) delivered to provider (all); nothing is
 * sent without one.  Answers {event, delivery, metadata, success,
 * event_id}.  400 without a connector config, 404 for an unknown
 * plan.
 */
static enum cv_err
build_deliver(struct cv_wf_ctx *ctx, struct json_object **answer)
{
	struct json_object *rec = NULL, *plan, *ev, *res = NULL, *rcd = NULL,
	                   *links, *o;
	const char *prov, *rpid;
	int64_t max;
	enum cv_err rc;

	if ((rc = cv_wf_need_connector(ctx)) != CV_OK ||
	    (rc = cv_wf_str(ctx, "provider", &prov)) != CV_OK ||
	    (rc = clamped(ctx, "max_routes", CV_WF_RECUR_ROUTES_DEFAULT,
	         CV_WF_RECUR_ROUTES_MAX, &max)) != CV_OK ||
	    (rc = rplan_get(ctx, &rec)) != CV_OK)
		return rc;
	plan = ep_inner(rec, k_rplan.payload_key);
	ev = recur_event(ctx, plan, max);
	rpid = cv_json_str_or(ev, "recurrence_plan_id", "");
	if (count_of(ev, "routes") > 0) {
		links = json_object_new_object();
		cv_json_add_str(links, "recurrence_plan_id", rpid);
		cv_json_add_str(
		    links, "plan_id", cv_json_str_or(ev, "plan_id", ""));
		rc = cv_wf_deliver(ctx, ev, prov, SRC_RECUR, links, &res, &rcd);
		json_object_put(links);
	}
	if (rc == CV_OK) {
		o = json_object_new_object();
		json_object_object_add(o, "event", json_object_get(ev));
		json_object_object_add(o, "delivery", res);
		json_object_object_add(o, "metadata", json_object_get(rcd));
		cv_json_add_bool(o, "success",
		    res == NULL || json_object_get_boolean(
		                       json_object_object_get(res, "success")));
		cv_json_add_str(o, "event_id", rpid);
		*answer = o;
	} else
		json_object_put(res);
	json_object_put(ev);
	json_object_put(rec);
	return rc;
}

/*
 * GET /endpoint-remediation-sla-escalation-recurrences/
 * {recurrence_plan_id}/suppression-audit: the suppressed, waiting and
 * deliverable routes of a stored plan with their counts; stored (unless
 * ?persist=false).  Answers {audit, metadata}.  404 for an unknown
 * plan.
 */
static enum cv_err
build_audit(struct cv_wf_ctx *ctx, struct json_object **answer)
{
	struct json_object *rec = NULL, *plan, *supp, *wait, *m, *audit, *sum,
	                   *arec;
	struct tally t;
	const char *rpid, *id;
	enum cv_err rc;

	if ((rc = rplan_get(ctx, &rec)) != CV_OK)
		return rc;
	plan = ep_inner(rec, k_rplan.payload_key);
	rpid = either_str(plan, "recurrence_plan_id", NULL) != NULL
	           ? either_str(plan, "recurrence_plan_id", NULL)
	           : cv_json_str_or(rec, "session_id", "");
	tally_of(array_of(plan, "route_decisions"), &t);
	supp = decisions_of(plan, "suppress");
	wait = decisions_of(plan, "wait");
	m = json_object_new_object();
	cv_json_add_str(m, "recurrence_plan_id", rpid);
	cv_json_add_str(m, "generated_at", ctx->now);
	json_object_object_add(m, "suppressed", json_object_get(supp));
	json_object_object_add(m, "waiting", json_object_get(wait));
	id = cv_wf_id(ctx->req->arena, k_audit.prefix, m, NULL);
	json_object_put(m);
	audit = cv_wf_doc(ctx, k_audit.schema);
	cv_json_add_str(audit, "audit_id", id);
	cv_json_add_str(audit, "recurrence_plan_id", rpid);
	json_object_object_add(audit, "plan_id",
	    json_object_get(json_object_object_get(plan, "plan_id")));
	cv_json_add_str(audit, "generated_by", ctx->by);
	cv_json_add_str(audit, "alert_level",
	    t.suppress > 0 || t.wait > 0 ? "warning" : "healthy");
	sum = json_object_new_object();
	tally_add(sum, &t);
	cv_json_add_int(sum, "max_recurrence_suppressed_count", t.maxrec);
	cv_json_add_int(sum, "interval_wait_count", t.wait);
	json_object_object_add(audit, "summary", sum);
	json_object_object_add(audit, "suppressed_routes", supp);
	json_object_object_add(audit, "waiting_routes", wait);
	json_object_object_add(
	    audit, "deliverable_routes", decisions_of(plan, "deliver"));
	cv_json_add_strv(audit, "controls",
	    (const char *const[]){
	        "suppression-audit-derived-from-public-recurrence-plan",
	        "maintenance-and-calendar-suppression-reasons-recorded",
	        "connector-secrets-not-included",
	        "audit-export-does-not-perform-delivery-or-endpoint-mutation",
	        NULL});
	arec = cv_wf_keep(
	    ctx, &k_audit, audit, t.routes, t.suppress, t.wait, audit_index);
	cv_json_add_int(arec, "suppressed_route_count", t.suppress);
	cv_json_add_int(arec, "waiting_route_count", t.wait);
	cv_json_add_int(arec, "maintenance_suppressed_count", t.maintenance);
	cv_json_add_int(arec, "calendar_suppressed_count", t.calendar);
	*answer = cv_wf_answer("audit", audit, arec);
	json_object_put(audit);
	json_object_put(rec);
	return CV_OK;
}

/* ---- E3: retry decisions ------------------------------------------- */

/*
 * A cv_wf_retry_extra_fn of chain E3 (§11.9): each retry decision gets
 * the deliverable routes of its recurrence plan for its provider
 * (routes, route_count) and that plan's escalation plan as plan_id,
 * as the reference's decision record carries them.  Fails (store) with
 * the problem set.
 */
static enum cv_err
retry_routes(struct cv_wf_ctx *ctx, struct json_object *retry)
{
	struct cv_arena *a = ctx->req->arena;
	struct json_object *rplans = NULL, *decs, *d, *r, *p, *src, *deliv,
	                   *rts, *rt;
	const char *prov, *rpid;
	size_t i, j;
	enum cv_err rc;

	if ((rc = cv_wf_load(ctx, K_RPLAN, &rplans)) != CV_OK)
		return rc;
	decs = array_of(retry, "retry_decisions");
	for (i = 0; decs != NULL && i < json_object_array_length(decs); i++) {
		d = json_object_array_get_idx(decs, i);
		rpid = cv_json_str_or(d, "recurrence_plan_id", "");
		src = NULL;
		for (j = 0; src == NULL && j < json_object_array_length(rplans);
		     j++) {
			r = json_object_array_get_idx(rplans, j);
			p = ep_inner(r, k_rplan.payload_key);
			if (strcmp(cv_json_str_or(p, "recurrence_plan_id",
			               cv_json_str_or(r, "session_id", "")),
			        rpid) == 0)
				src = p;
		}
		prov = cv_wf_norm(a, cv_json_str_or(d, "provider", ""));
		deliv = decisions_of(src, "deliver");
		rts = json_object_new_array();
		for (j = 0; j < json_object_array_length(deliv); j++) {
			rt = json_object_array_get_idx(deliv, j);
			if (strcmp(cv_wf_norm(
			               a, cv_json_str_or(rt, "provider", "")),
			        prov) == 0)
				json_object_array_add(rts, json_object_get(rt));
		}
		json_object_put(deliv);
		if (either_str(src, "plan_id", NULL) != NULL)
			cv_json_add_str(
			    d, "plan_id", either_str(src, "plan_id", NULL));
		cv_json_add_int(
		    d, "route_count", (int64_t)json_object_array_length(rts));
		json_object_object_add(d, "routes", rts);
	}
	json_object_put(rplans);
	return CV_OK;
}

/* ---- E4: owner digest ----------------------------------------------- */

/* The owner entry of owner in map owners (created empty); borrowed. */
static struct json_object *
owner_entry(struct json_object *owners, const char *owner)
{
	struct json_object *e;

	if (json_object_object_get_ex(owners, owner, &e))
		return e;
	e = json_object_new_object();
	cv_json_add_str(e, "owner", owner);
	cv_json_add_int(e, "route_count", 0);
	cv_json_add_int(e, "retry_count", 0);
	json_object_object_add(e, "providers", json_object_new_object());
	json_object_object_add(e, "routes", json_object_new_array());
	json_object_object_add(owners, owner, e);
	return e;
}

/* JSON strings by text. */
static int
text_order(const void *x, const void *y)
{
	struct json_object *const *a = x, *const *b = y;

	return strcmp(json_object_get_string(*a), json_object_get_string(*b));
}

/*
 * The owner digest event of a recurrence plan (§11.9): its deliver and
 * wait routes by owner, plus the routes of the retry plan's retry and
 * wait decisions (retry_routes()); owners in name order, routes[:25].
 * retry may be NULL.  New.
 */
static struct json_object *
digest_new(
    struct cv_wf_ctx *ctx, struct json_object *plan, struct json_object *retry)
{
	struct cv_arena *a = ctx->req->arena;
	struct json_object *decs, *owners, *e, *d, *rts, *rt, *names, *list, *x,
	    *ev, *sum, *fields, *facts, *provs;
	const char *rpid, *owner, *prov, *id, *level, *title, *msg, *desc,
	    *plist;
	int64_t unresolved = 0;
	size_t i, j;

	owners = json_object_new_object();
	decs = decisions_of(plan, NULL);
	for (i = 0; i < json_object_array_length(decs); i++) {
		d = json_object_array_get_idx(decs, i);
		if (strcmp(cv_json_str_or(d, "action", ""), "deliver") != 0 &&
		    strcmp(cv_json_str_or(d, "action", ""), "wait") != 0)
			continue;
		unresolved++;
		owner = either_str(d, "owner", NULL) != NULL
		            ? either_str(d, "owner", NULL)
		            : OWNER_DEFAULT;
		prov = either_str(d, "provider", NULL) != NULL
		           ? either_str(d, "provider", NULL)
		           : "unknown";
		e = owner_entry(owners, owner);
		bump(e, "route_count", 1);
		bump(json_object_object_get(e, "providers"), prov, 1);
		json_object_array_add(
		    json_object_object_get(e, "routes"), json_object_get(d));
	}
	json_object_put(decs);
	decs = array_of(retry, "retry_decisions");
	for (i = 0; decs != NULL && i < json_object_array_length(decs); i++) {
		d = json_object_array_get_idx(decs, i);
		if (strcmp(cv_json_str_or(d, "action", ""), "retry") != 0 &&
		    strcmp(cv_json_str_or(d, "action", ""), "wait") != 0)
			continue;
		rts = array_of(d, "routes");
		for (j = 0; rts != NULL && j < json_object_array_length(rts);
		     j++) {
			rt = json_object_array_get_idx(rts, j);
			owner = either_str(rt, "owner", NULL) != NULL
			            ? either_str(rt, "owner", NULL)
			            : OWNER_DEFAULT;
			prov = either_str(d, "provider", NULL) != NULL
			           ? either_str(d, "provider", NULL)
			           : "unknown";
			e = owner_entry(owners, owner);
			bump(e, "retry_count", 1);
			bump(json_object_object_get(e, "providers"), prov, 1);
		}
	}
	names = json_object_new_array();
	json_object_object_foreach(owners, k, v)
	{
		(void)v;
		json_object_array_add(names, json_object_new_string(k));
	}
	json_object_array_sort(names, text_order);
	list = json_object_new_array();
	fields = json_object_new_array();
	facts = json_object_new_array();
	rpid = either_str(plan, "recurrence_plan_id", NULL) != NULL
	           ? either_str(plan, "recurrence_plan_id", NULL)
	           : "endpoint-remediation-sla-recurrence";
	desc = cv_arena_printf(a,
	    "CAVRA endpoint remediation owner digest for "
	    "recurrence plan %s.\n\nOwner summaries:",
	    rpid);
	if (json_object_array_length(names) == 0)
		desc = cv_arena_printf(a,
		    "%s\n- No unresolved recurrence "
		    "routes.",
		    desc);
	for (i = 0; i < json_object_array_length(names); i++) {
		e = json_object_object_get(
		    owners, json_object_get_string(
		                json_object_array_get_idx(names, i)));
		x = json_object_new_object();
		json_object_object_add(x, "owner",
		    json_object_get(json_object_object_get(e, "owner")));
		cv_json_add_int(x, "route_count", int_of(e, "route_count"));
		cv_json_add_int(x, "retry_count", int_of(e, "retry_count"));
		provs =
		    cv_json_sorted_new(json_object_object_get(e, "providers"));
		json_object_object_add(x, "providers", provs);
		json_object_object_add(x, "routes",
		    ep_head(json_object_object_get(e, "routes"),
		        CV_WF_DIGEST_ROUTES_MAX));
		json_object_array_add(list, x);
		plist = "";
		json_object_object_foreach(provs, pk, pv) plist =
		    cv_arena_printf(a, "%s%s%s=%lld", plist,
		        *plist != '\0' ? ", " : "", pk,
		        (long long)json_object_get_int64(pv));
		desc = cv_arena_printf(a,
		    "%s\n- owner=%s unresolved_routes=%lld "
		    "retry_routes=%lld providers=%s",
		    desc, cv_json_str_or(x, "owner", ""),
		    (long long)int_of(x, "route_count"),
		    (long long)int_of(x, "retry_count"),
		    *plist != '\0' ? plist : "none");
		if (i < CV_WF_DIGEST_CARD_MAX)
			json_object_array_add(fields,
			    json_object_new_string(cv_arena_printf(a,
			        "*%s*\nRoutes: %lld\nRetries: "
			        "%lld\n%s",
			        cv_json_str_or(x, "owner", ""),
			        (long long)int_of(x, "route_count"),
			        (long long)int_of(x, "retry_count"), plist)));
		if (i < CV_WF_DIGEST_FACTS_MAX)
			json_object_array_add(facts,
			    fact(cv_json_str_or(x, "owner", ""),
			        cv_arena_printf(a,
			            "routes=%lld "
			            "retries=%lld",
			            (long long)int_of(x, "route_count"),
			            (long long)int_of(x, "retry_count"))));
	}
	desc = cv_arena_printf(a,
	    "%s\n\nThis digest is generated from public "
	    "CAVRA recurrence and retry metadata. Connector credentials and "
	    "private endpoint mutation logic are not included.",
	    desc);
	id = cv_wf_id_text(
	    a, k_digest.prefix, cv_arena_printf(a, "%s|%s", rpid, ctx->now));
	level = unresolved > 0 ? "critical" : "healthy";
	title = cv_arena_printf(a,
	    "CAVRA endpoint remediation owner digest: "
	    "%s",
	    rpid);
	msg = cv_arena_printf(a,
	    "%lld unresolved recurrence routes across %zu "
	    "owners.",
	    (long long)unresolved, json_object_array_length(list));
	ev = cv_wf_doc(ctx, k_digest.schema);
	cv_json_add_str(ev, "event_type",
	    "cavra.endpoint_remediation_sla.escalation_owner_digest");
	cv_json_add_str(ev, "session_id", id);
	cv_json_add_str(ev, "digest_id", id);
	cv_json_add_str(ev, "recurrence_plan_id", rpid);
	cv_json_add_str(
	    ev, "retry_plan_id", cv_json_str_or(retry, "retry_plan_id", NULL));
	json_object_object_add(ev, "plan_id",
	    json_object_get(json_object_object_get(plan, "plan_id")));
	cv_json_add_str(ev, "generated_by", ctx->by);
	cv_json_add_str(ev, "alert_level", level);
	cv_json_add_int(ev, "blocked_count", unresolved);
	cv_json_add_int(ev, "approval_required_count", unresolved);
	sum = json_object_new_object();
	cv_json_add_int(
	    sum, "owner_count", (int64_t)json_object_array_length(list));
	cv_json_add_int(sum, "unresolved_route_count", unresolved);
	cv_json_add_int(
	    sum, "retryable_count", int_of(retry, "retryable_count"));
	cv_json_add_int(
	    sum, "waiting_retry_count", int_of(retry, "waiting_count"));
	json_object_object_add(ev, "summary", sum);
	json_object_object_add(ev, "owners", list);
	cv_json_add_strv(ev, "controls",
	    (const char *const[]){"owner-digest-derived-from-public-recurrence-"
	                          "and-retry-metadata",
	        "digest-notification-contains-no-provider-credentials",
	        "digest-routes-are-summary-only-and-do-not-mutate-endpoints",
	        NULL});
	ep_add_payloads(ev,
	    ep_slack_card(title, msg, fields,
	        "Generated from "
	        "public CAVRA recurrence and retry metadata."),
	    ep_teams_card(title, msg, color_of(level), facts), title, desc, id,
	    level);
	json_object_put(names);
	json_object_put(owners);
	return ev;
}

/* Stores a digest event ev (its record returned borrowed). */
static struct json_object *
digest_keep(struct cv_wf_ctx *ctx, struct json_object *ev)
{
	struct json_object *rec, *sum;
	int64_t n;

	sum = json_object_object_get(ev, "summary");
	n = int_of(sum, "unresolved_route_count");
	rec = cv_wf_keep(ctx, &k_digest, ev, n, n, n, digest_index);
	cv_json_add_int(rec, "owner_count", int_of(sum, "owner_count"));
	cv_json_add_int(rec, "unresolved_route_count", n);
	return rec;
}

/* Delivers digest ev (owners only) to prov with its RCD; *res, *rcd as
 * cv_wf_deliver() (NULL when nothing was sent). */
static enum cv_err
digest_send(struct cv_wf_ctx *ctx, struct json_object *ev, const char *prov,
    struct json_object **res, struct json_object **rcd)
{
	static const char *const link_keys[] = {
	    "digest_id", "recurrence_plan_id", "retry_plan_id", "plan_id"};
	struct json_object *links;
	size_t i;
	enum cv_err rc;

	*res = *rcd = NULL;
	if (count_of(ev, "owners") == 0)
		return CV_OK;
	links = json_object_new_object();
	for (i = 0; i < nitems(link_keys); i++)
		json_object_object_add(links, link_keys[i],
		    json_object_get(json_object_object_get(ev, link_keys[i])));
	rc = cv_wf_deliver(ctx, ev, prov, SRC_DIGEST, links, res, rcd);
	json_object_put(links);
	return rc;
}

/*
 * POST /endpoint-remediation-sla-escalation-recurrences/
 * {recurrence_plan_id}/owner-digest: the digest of a stored plan (with
 * the retry plan retry_plan_id, when given), stored even when nothing is
 * sent, and delivered to provider (all) when it names an owner.
 * Answers {event, digest_metadata, delivery, metadata, success} (the
 * reference's shape).  400 without a connector config, 404 for an
 * unknown recurrence or retry plan.
 */
static enum cv_err
build_digest(struct cv_wf_ctx *ctx, struct json_object **answer)
{
	struct json_object *rec = NULL, *rrec = NULL, *ev = NULL, *res = NULL,
	                   *rcd = NULL, *drec, *o;
	const char *prov, *rtid;
	enum cv_err rc;

	if ((rc = cv_wf_need_connector(ctx)) != CV_OK ||
	    (rc = cv_wf_str(ctx, "provider", &prov)) != CV_OK ||
	    (rc = cv_wf_str(ctx, "retry_plan_id", &rtid)) != CV_OK ||
	    (rc = rplan_get(ctx, &rec)) != CV_OK)
		return rc;
	if (rtid != NULL && *rtid != '\0' &&
	    (rc = cv_wf_get(ctx, rtid, K_RETRY, &rrec)) != CV_OK) {
		if (rc == CV_ENOENT)
			rc = cv_fail(ctx->req, CV_ENOENT,
			    "endpoint remediation "
			    "SLA escalation recurrence retry plan not found");
		goto out;
	}
	ev = digest_new(ctx, ep_inner(rec, k_rplan.payload_key),
	    rrec != NULL ? ep_inner(rrec, e3.retry.payload_key) : NULL);
	drec = digest_keep(ctx, ev);
	if ((rc = digest_send(ctx, ev, prov, &res, &rcd)) != CV_OK)
		goto out;
	o = json_object_new_object();
	json_object_object_add(o, "event", json_object_get(ev));
	json_object_object_add(o, "digest_metadata", json_object_get(drec));
	json_object_object_add(o, "delivery", res);
	res = NULL;
	json_object_object_add(o, "metadata", json_object_get(rcd));
	cv_json_add_bool(o, "success",
	    rcd == NULL || json_object_get_boolean(json_object_object_get(
	                       rcd, "delivery_success")));
	*answer = o;
out:
	json_object_put(res);
	json_object_put(ev);
	json_object_put(rrec);
	json_object_put(rec);
	return rc;
}

/* ---- suppression trends --------------------------------------------- */

/* The suppression category of a decision (§11.9). */
static const char *
category(struct cv_arena *a, struct json_object *d)
{
	const char *why;

	why = ep_lower(a, cv_json_str_or(d, "reason", ""));
	if (cv_json_truthy(json_object_object_get(d, "maintenance_window")))
		return "maintenance_window";
	if (away(d))
		return "owner_calendar";
	if (strstr(why, "maximum recurrence") != NULL)
		return "maximum_recurrence";
	if (strstr(why, "retry") != NULL && strstr(why, "maximum") != NULL)
		return "maximum_retry";
	if (strstr(why, "interval") != NULL)
		return "recurrence_interval_wait";
	if (strstr(why, "review state") != NULL ||
	    strstr(why, "resolved") != NULL ||
	    strstr(why, "false_positive") != NULL)
		return "owner_review";
	if (strcmp(cv_json_str_or(d, "action", ""), "wait") == 0)
		return "wait";
	return "other";
}

/* A trend row of decision d (action act) of a record made at; new. */
static struct json_object *
trend_row(
    struct cv_arena *a, struct json_object *d, const char *act, const char *at)
{
	struct json_object *o = json_object_new_object();
	static const char *const keys[] = {"route_key", "plan_id", "report_id"};
	size_t i;

	cv_json_add_str(o, "created_at", at);
	for (i = 0; i < nitems(keys); i++)
		json_object_object_add(o, keys[i],
		    json_object_get(json_object_object_get(d, keys[i])));
	cv_json_add_str(o, "owner",
	    either_str(d, "owner", NULL) != NULL ? either_str(d, "owner", NULL)
	                                         : "unknown");
	cv_json_add_str(o, "provider",
	    either_str(d, "provider", NULL) != NULL
	        ? either_str(d, "provider", NULL)
	        : "unknown");
	cv_json_add_str(o, "action", act);
	cv_json_add_str(o, "category", category(a, d));
	cv_json_add_str(o, "reason", cv_json_str_or(d, "reason", ""));
	return o;
}

/* Trend rows: newest first, then by route key and action. */
static int
row_order(const void *x, const void *y)
{
	struct json_object *const *a = x, *const *b = y;
	int c;

	if ((c = strcmp(cv_json_str_or(*b, "created_at", ""),
	         cv_json_str_or(*a, "created_at", ""))) != 0)
		return c;
	if ((c = strcmp(cv_json_str_or(*a, "route_key", ""),
	         cv_json_str_or(*b, "route_key", ""))) != 0)
		return c;
	return strcmp(
	    cv_json_str_or(*a, "action", ""), cv_json_str_or(*b, "action", ""));
}

/* Adds the rows of decisions decs (action act, or each one's own when
 * NULL) of record r, skipping those seen. */
static void
trend_rows(struct cv_arena *a, struct json_object *r, struct json_object *decs,
    const char *act, struct json_object *seen, struct json_object *rows)
{
	struct json_object *d;
	const char *key, *at, *da;
	size_t i;

	at = cv_json_str_or(r, "created_at", "");
	for (i = 0; decs != NULL && i < json_object_array_length(decs); i++) {
		d = json_object_array_get_idx(decs, i);
		if (!json_object_is_type(d, json_type_object))
			continue;
		da = act != NULL ? act : cv_json_str_or(d, "action", "");
		if (strcmp(da, "suppress") != 0 && strcmp(da, "wait") != 0)
			continue;
		key = cv_arena_printf(a, "%s|%s|%s",
		    cv_json_str_or(r, "session_id", ""),
		    cv_json_str_or(d, "route_key", ""), da);
		if (json_object_object_get_ex(seen, key, NULL))
			continue;
		json_object_object_add(seen, key, NULL);
		json_object_array_add(rows, trend_row(a, d, da, at));
	}
}

/*
 * The suppression trend of every recurrence plan and suppression audit
 * (§11.9): suppress and wait rows deduplicated by record, route and
 * action, counted by category, owner and provider; stored.  *rec
 * (borrowed) the record, *trend new.
 */
static enum cv_err
trend_make(
    struct cv_wf_ctx *ctx, struct json_object **trend, struct json_object **rec)
{
	struct cv_arena *a = ctx->req->arena;
	struct json_object *all = NULL, *rows, *seen, *r, *p, *cats, *owners,
	                   *provs, *row, *m, *t, *x;
	const char *id;
	int64_t n;
	size_t i;
	enum cv_err rc;

	*trend = *rec = NULL;
	if ((rc = ep_load_set(ctx, trend_kinds, NULL, &all)) != CV_OK)
		return rc;
	rows = json_object_new_array();
	seen = json_object_new_object();
	for (i = 0; i < json_object_array_length(all); i++) {
		r = json_object_array_get_idx(all, i);
		if (strcmp(cv_json_str_or(r, "metadata_kind", ""), K_RPLAN) ==
		    0)
			trend_rows(a, r,
			    array_of(ep_inner(r, k_rplan.payload_key),
			        "route_decisions"),
			    NULL, seen, rows);
		else {
			p = ep_inner(r, k_audit.payload_key);
			trend_rows(a, r, array_of(p, "suppressed_routes"),
			    "suppress", seen, rows);
			trend_rows(a, r, array_of(p, "waiting_routes"), "wait",
			    seen, rows);
		}
	}
	json_object_put(seen);
	json_object_put(all);
	cats = json_object_new_object();
	owners = json_object_new_object();
	provs = json_object_new_object();
	for (i = 0; i < json_object_array_length(rows); i++) {
		row = json_object_array_get_idx(rows, i);
		bump(cats, cv_json_str_or(row, "category", ""), 1);
		bump(owners, cv_json_str_or(row, "owner", ""), 1);
		bump(provs, cv_json_str_or(row, "provider", ""), 1);
	}
	m = json_object_new_object();
	cv_json_add_str(m, "generated_at", ctx->now);
	json_object_object_add(m, "rows", json_object_get(rows));
	id = cv_wf_id(a, k_trend.prefix, m, NULL);
	json_object_put(m);
	n = (int64_t)json_object_array_length(rows);
	json_object_array_sort(rows, row_order);
	t = cv_wf_doc(ctx, k_trend.schema);
	cv_json_add_str(t, "trend_id", id);
	cv_json_add_str(t, "generated_by", ctx->by);
	cv_json_add_str(t, "alert_level", n > 0 ? "warning" : "healthy");
	cv_json_add_int(t, "suppression_event_count", n);
	json_object_object_add(t, "category_counts", cv_json_sorted_new(cats));
	json_object_object_add(t, "owner_counts", cv_json_sorted_new(owners));
	json_object_object_add(t, "provider_counts", cv_json_sorted_new(provs));
	x = ep_head(rows, CV_WF_TREND_LATEST_MAX);
	json_object_object_add(t, "latest_events", x);
	cv_json_add_strv(t, "controls",
	    (const char *const[]){
	        "suppression-trends-derived-from-public-recurrence-and-audit-"
	        "metadata",
	        "trend-report-contains-no-connector-credentials",
	        "trend-report-does-not-perform-delivery-or-endpoint-mutation",
	        NULL});
	json_object_put(cats);
	json_object_put(owners);
	json_object_put(provs);
	json_object_put(rows);
	*rec = cv_wf_keep(ctx, &k_trend, t, n, n, 0, trend_index);
	*trend = t;
	return CV_OK;
}

/*
 * GET /endpoint-remediation-sla-escalation-recurrences/
 * suppression-trends: the suppression trend, stored (unless
 * ?persist=false).  Answers {trend, metadata}.
 */
static enum cv_err
build_trends(struct cv_wf_ctx *ctx, struct json_object **answer)
{
	struct json_object *t, *rec;
	enum cv_err rc;

	if ((rc = trend_make(ctx, &t, &rec)) != CV_OK)
		return rc;
	*answer = cv_wf_answer("trend", t, rec);
	json_object_put(t);
	return CV_OK;
}

/* ---- automation run ------------------------------------------------- */

/* The run's schedule: interval_minutes | schedule_interval_minutes
 * (60, 1..CV_WF_MINUTES_MAX), enabled, and the window of now; new in
 * *out.  400 for values that do not fit. */
static enum cv_err
run_schedule(struct cv_wf_ctx *ctx, struct json_object **out)
{
	struct json_object *sch, *o;
	const char *k = "interval_minutes";
	int64_t iv = e3.worker_interval;
	char b[CV_WF_TS_LEN];
	time_t ws, we;
	int en = 1;
	enum cv_err rc;

	*out = NULL;
	if ((rc = cv_wf_obj(ctx, "schedule", &sch)) != CV_OK)
		return rc;
	if (sch != NULL && !json_object_object_get_ex(sch, k, NULL))
		k = "schedule_interval_minutes";
	if (sch != NULL && json_object_object_get(sch, k) != NULL &&
	    (cv_json_int(sch, k, &iv) != CV_JGET_OK || iv < 1 ||
	        iv > CV_WF_MINUTES_MAX))
		return cv_fail_field(ctx->req, CV_EINVAL, "schedule",
		    "schedule "
		    "%s must be an integer 1..%d",
		    k, CV_WF_MINUTES_MAX);
	if (cv_json_bool(sch, "enabled", &en) == CV_JGET_TYPE)
		return cv_fail_field(ctx->req, CV_EINVAL, "schedule",
		    "schedule "
		    "enabled must be a boolean");
	ws = ctx->t - ctx->t % (iv * 60);
	we = ws + iv * 60;
	o = json_object_new_object();
	cv_json_add_int(o, "interval_minutes", iv);
	cv_wf_ts(b, sizeof(b), ws, 0);
	cv_json_add_str(o, "window_start", b);
	cv_wf_ts(b, sizeof(b), we, 0);
	cv_json_add_str(o, "window_end", b);
	cv_json_add_bool(o, "enabled", en);
	*out = o;
	return CV_OK;
}

/* The follow-up actions of a run (§11.9): one per retry decision, one
 * per digest, one per trend event; new array. */
static struct json_object *
follow_ups(struct json_object *retry, struct json_object *digests,
    struct json_object *trend)
{
	struct json_object *out, *d, *o, *arr;
	size_t i;

	out = json_object_new_array();
	arr = array_of(retry, "retry_decisions");
	for (i = 0; arr != NULL && i < json_object_array_length(arr); i++) {
		d = json_object_array_get_idx(arr, i);
		o = json_object_new_object();
		cv_json_add_str(o, "kind", "recurrence_retry");
		cv_json_add_str(
		    o, "action", cv_json_str_or(d, "action", "wait"));
		json_object_object_add(o, "recurrence_plan_id",
		    json_object_get(
		        json_object_object_get(d, "recurrence_plan_id")));
		json_object_object_add(o, "provider",
		    json_object_get(json_object_object_get(d, "provider")));
		json_object_object_add(o, "reason",
		    json_object_get(json_object_object_get(d, "reason")));
		json_object_object_add(o, "next_retry_at",
		    json_object_get(
		        json_object_object_get(d, "next_retry_at")));
		json_object_object_add(o, "delivery_id",
		    json_object_get(
		        json_object_object_get(d, "latest_delivery_id")));
		json_object_array_add(out, o);
	}
	for (i = 0; i < json_object_array_length(digests); i++) {
		d = json_object_array_get_idx(digests, i);
		o = json_object_new_object();
		cv_json_add_str(o, "kind", "owner_digest");
		cv_json_add_str(o, "action", "deliver");
		json_object_object_add(o, "digest_id",
		    json_object_get(json_object_object_get(d, "digest_id")));
		json_object_object_add(o, "recurrence_plan_id",
		    json_object_get(
		        json_object_object_get(d, "recurrence_plan_id")));
		cv_json_add_int(o, "owner_count",
		    int_of(
		        json_object_object_get(d, "summary"), "owner_count"));
		cv_json_add_int(o, "unresolved_route_count",
		    int_of(json_object_object_get(d, "summary"),
		        "unresolved_route_count"));
		json_object_array_add(out, o);
	}
	arr = array_of(trend, "latest_events");
	for (i = 0; arr != NULL && i < json_object_array_length(arr); i++) {
		d = json_object_array_get_idx(arr, i);
		o = json_object_new_object();
		cv_json_add_str(o, "kind", "suppression_trend");
		cv_json_add_str(o, "action", "review");
		json_object_object_add(o, "category",
		    json_object_get(json_object_object_get(d, "category")));
		json_object_object_add(o, "owner",
		    json_object_get(json_object_object_get(d, "owner")));
		json_object_object_add(o, "provider",
		    json_object_get(json_object_object_get(d, "provider")));
		json_object_object_add(o, "reason",
		    json_object_get(json_object_object_get(d, "reason")));
		json_object_array_add(out, o);
	}
	return out;
}

/* The run id: stable within a schedule window for the same inputs
 * (recurrence plans and failed recurrence batches); arena. */
static const char *
run_id_of(struct cv_wf_ctx *ctx, struct json_object *sched, int dry,
    struct json_object *rplans, struct json_object *rcds)
{
	struct json_object *m, *ids, *failed, *r;
	const char *id;
	size_t i;

	ids = json_object_new_array();
	for (i = 0; i < json_object_array_length(rplans); i++)
		json_object_array_add(ids,
		    json_object_get(json_object_object_get(
		        json_object_array_get_idx(rplans, i), "session_id")));
	failed = json_object_new_array();
	for (i = 0; i < json_object_array_length(rcds); i++) {
		r = json_object_array_get_idx(rcds, i);
		if (strcmp(cv_json_str_or(r, "connector_delivery_source", ""),
		        SRC_RECUR) == 0 &&
		    !cv_json_truthy(
		        json_object_object_get(r, "delivery_success")))
			json_object_array_add(failed,
			    json_object_get(
			        json_object_object_get(r, "session_id")));
	}
	m = json_object_new_object();
	json_object_object_add(m, "window_start",
	    json_object_get(json_object_object_get(sched, "window_start")));
	cv_json_add_str(m, "generated_by", ctx->by);
	cv_json_add_bool(m, "dry_run", dry);
	json_object_object_add(m, "recurrence_plan_ids", ids);
	json_object_object_add(m, "failed_delivery_ids", failed);
	id = cv_wf_id(ctx->req->arena, e3.worker.prefix, m, NULL);
	json_object_put(m);
	return id;
}

/*
 * POST /endpoint-remediation-sla-escalation-recurrences/automation-run:
 * one recurrence worker pass, dry unless execute=true (or dry_run=
 * false): a retry plan and a suppression trend stored, the owner digest
 * of each of the max_digest_plans (5, clamped 1..25) newest recurrence
 * plans that names an owner stored, and (live, with a connector config)
 * sent to provider (all); the run stored.  Answers {run, metadata,
 * retry_metadata, trend_metadata, owner_digests: [{event,
 * digest_metadata, delivery, delivery_metadata, skipped}]} (the
 * reference's shape; skipped: "dry_run", "connector_config_not_
 * configured" or null).
 */
static enum cv_err
build_run(struct cv_wf_ctx *ctx, struct json_object **answer)
{
	struct json_object *sched = NULL, *retry = NULL, *trend = NULL,
	                   *rplans = NULL, *rcds = NULL, *digests = NULL,
	                   *results = NULL, *fol, *run, *sum, *rrec, *trec,
	                   *rec, *ev, *res, *rcd, *o, *x;
	const char *prov, *skipped;
	int64_t maxp, routes = 0, sent = 0;
	int exe, dry;
	size_t i;
	enum cv_err rc;

	if ((rc = cv_wf_bool(ctx, "execute", 0, &exe)) != CV_OK ||
	    (rc = cv_wf_bool(ctx, "dry_run", !exe, &dry)) != CV_OK ||
	    (rc = cv_wf_str(ctx, "provider", &prov)) != CV_OK ||
	    (rc = clamped(ctx, "max_digest_plans", CV_WF_DIGEST_PLANS_DEFAULT,
	         CV_WF_DIGEST_PLANS_MAX, &maxp)) != CV_OK ||
	    (rc = run_schedule(ctx, &sched)) != CV_OK)
		return rc;
	if ((rc = cv_wf_retry_keep(ctx, &e3, retry_routes, &retry, &rrec)) !=
	        CV_OK ||
	    (rc = trend_make(ctx, &trend, &trec)) != CV_OK ||
	    (rc = cv_wf_load(ctx, K_RPLAN, &rplans)) != CV_OK ||
	    (rc = cv_wf_load(ctx, CV_WF_RCD_KIND, &rcds)) != CV_OK)
		goto out;
	digests = json_object_new_array();
	results = json_object_new_array();
	for (i = 0; i < json_object_array_length(rplans) && (int64_t)i < maxp;
	     i++) {
		ev = digest_new(ctx,
		    ep_inner(json_object_array_get_idx(rplans, i),
		        k_rplan.payload_key),
		    retry);
		if (count_of(ev, "owners") == 0) {
			json_object_put(ev);
			continue;
		}
		json_object_array_add(digests, ev);
		routes += int_of(json_object_object_get(ev, "summary"),
		    "unresolved_route_count");
		x = json_object_new_object();
		json_object_object_add(x, "event", json_object_get(ev));
		json_object_object_add(x, "digest_metadata",
		    json_object_get(digest_keep(ctx, ev)));
		json_object_array_add(results, x);
		res = rcd = NULL;
		skipped = dry                          ? "dry_run"
		          : !cv_connector_configured() ? "connector_config_not_"
		                                         "configured"
		                                       : NULL;
		if (skipped == NULL &&
		    (rc = digest_send(ctx, ev, prov, &res, &rcd)) != CV_OK)
			goto out;
		sent += rcd != NULL;
		json_object_object_add(x, "delivery", res);
		json_object_object_add(
		    x, "delivery_metadata", json_object_get(rcd));
		cv_json_add_str(x, "skipped", skipped);
	}
	fol = follow_ups(retry, digests, trend);
	run = cv_wf_doc(ctx, e3.worker.schema);
	cv_json_add_str(
	    run, "run_id", run_id_of(ctx, sched, dry, rplans, rcds));
	cv_json_add_str(run, "generated_by", ctx->by);
	cv_json_add_bool(run, "dry_run", dry);
	json_object_object_add(run, "schedule", json_object_get(sched));
	sum = json_object_new_object();
	cv_json_add_int(sum, "recurrence_plan_count",
	    (int64_t)json_object_array_length(rplans));
	cv_json_add_int(sum, "retry_plan_count", 1);
	cv_json_add_int(
	    sum, "retryable_count", int_of(retry, "retryable_count"));
	cv_json_add_int(
	    sum, "waiting_retry_count", int_of(retry, "waiting_count"));
	cv_json_add_int(
	    sum, "suppressed_retry_count", int_of(retry, "suppressed_count"));
	cv_json_add_int(sum, "owner_digest_count",
	    (int64_t)json_object_array_length(digests));
	cv_json_add_int(sum, "owner_digest_route_count", routes);
	cv_json_add_int(sum, "owner_digest_delivery_count", sent);
	cv_json_add_int(sum, "suppression_event_count",
	    int_of(trend, "suppression_event_count"));
	cv_json_add_int(sum, "follow_up_action_count",
	    (int64_t)json_object_array_length(fol));
	json_object_object_add(run, "summary", sum);
	json_object_object_add(run, "retry_plan", json_object_get(retry));
	json_object_object_add(
	    run, "owner_digest_events", json_object_get(digests));
	json_object_object_add(
	    run, "suppression_trend", json_object_get(trend));
	json_object_object_add(run, "follow_up_actions", fol);
	cv_json_add_strv(run, "controls",
	    (const char *const[]){
	        "automation-run-derived-from-public-recurrence-metadata",
	        "scheduled-worker-run-contains-no-connector-secrets",
	        "dry-run-default-prevents-accidental-notification-delivery",
	        "idempotency-key-derived-from-schedule-window-and-input-"
	        "metadata",
	        NULL});
	rec = cv_wf_keep(ctx, &e3.worker, run,
	    (int64_t)json_object_array_length(fol),
	    int_of(retry, "suppressed_count"),
	    (int64_t)json_object_array_length(digests), run_index);
	cv_json_add_int(
	    rec, "retryable_count", int_of(retry, "retryable_count"));
	cv_json_add_int(rec, "owner_digest_count",
	    (int64_t)json_object_array_length(digests));
	cv_json_add_int(rec, "suppression_event_count",
	    int_of(trend, "suppression_event_count"));
	o = cv_wf_answer("run", run, rec);
	json_object_put(run);
	json_object_object_add(o, "retry_metadata", json_object_get(rrec));
	json_object_object_add(o, "trend_metadata", json_object_get(trec));
	json_object_object_add(o, "owner_digests", results);
	results = NULL;
	*answer = o;
out:
	json_object_put(sched);
	json_object_put(retry);
	json_object_put(trend);
	json_object_put(rplans);
	json_object_put(rcds);
	json_object_put(digests);
	json_object_put(results);
	return rc;
}

/* ---- lists and dashboards ------------------------------------------- */

/*
 * GET /endpoint-remediation-sla-escalation-recurrences: plan_id (the
 * escalation plan's, or the record's id), and owner, provider, action
 * on the plan's route decisions, which the item lists as
 * matched_route_decisions (the action is checked by build_recurrences).
 */
static enum cv_err
admit_recurrence(
    struct cv_wf_ctx *ctx, struct json_object *r, struct json_object **item)
{
	struct cv_arena *a = ctx->req->arena;
	struct json_object *decs, *d, *m;
	const char *q, *owner = NULL, *prov = NULL, *act = NULL;
	size_t i;

	*item = NULL;
	if ((q = cv_query(ctx->req, "action")) != NULL && *q != '\0')
		act = ep_lower(a, q);
	if ((q = cv_query(ctx->req, "plan_id")) != NULL && *q != '\0' &&
	    strcmp(cv_json_str_or(r, "plan_id", ""), q) != 0 &&
	    strcmp(cv_json_str_or(r, "session_id", ""), q) != 0)
		return CV_OK;
	if ((q = cv_query(ctx->req, "owner")) != NULL && *q != '\0')
		owner = ep_lower(a, q);
	if ((q = cv_query(ctx->req, "provider")) != NULL && *q != '\0')
		prov = cv_wf_norm(a, q);
	if (owner == NULL && prov == NULL && act == NULL) {
		*item = json_object_get(r);
		return CV_OK;
	}
	decs = decisions_of(ep_inner(r, k_rplan.payload_key), NULL);
	m = json_object_new_array();
	for (i = 0; i < json_object_array_length(decs); i++) {
		d = json_object_array_get_idx(decs, i);
		if ((owner != NULL &&
		        strcmp(ep_lower(a, cv_json_str_or(d, "owner", "")),
		            owner) != 0) ||
		    (prov != NULL &&
		        strcmp(ep_lower(a, cv_json_str_or(d, "provider", "")),
		            prov) != 0) ||
		    (act != NULL &&
		        strcmp(ep_lower(a, cv_json_str_or(d, "action", "")),
		            act) != 0))
			continue;
		json_object_array_add(m, json_object_get(d));
	}
	json_object_put(decs);
	if (json_object_array_length(m) == 0)
		json_object_put(m);
	else
		*item = ep_copy_with(r, "matched_route_decisions", m);
	return CV_OK;
}

/*
 * GET /endpoint-remediation-sla-escalation-recurrences: the action
 * checked (400 for a word not in the vocabulary, even with no plan to
 * filter), then the list (ep_build_list with admit_recurrence).
 */
static enum cv_err
build_recurrences(struct cv_wf_ctx *ctx, struct json_object **answer)
{
	const char *q;

	if ((q = cv_query(ctx->req, "action")) != NULL && *q != '\0' &&
	    !cv_strv_has(actions, ep_lower(ctx->req->arena, q)))
		return cv_fail_field(ctx->req, CV_EINVAL, "action",
		    "action must be one of: " ACTION_WORDS);
	return ep_build_list(ctx, answer);
}

/*
 * GET /endpoint-remediation-sla-escalation-recurrences/dashboard: the
 * newest recurrence plan's deliver, wait and suppress counts and owners
 * (critical with a deliverable route, warning with a waiting one).
 */
static enum cv_err
build_rdashboard(struct cv_wf_ctx *ctx, struct json_object **answer)
{
	struct json_object *all = NULL, *decs, *owners, *d, *o;
	struct tally t;
	size_t i;
	enum cv_err rc;

	if ((rc = cv_wf_load(ctx, K_RPLAN, &all)) != CV_OK)
		return rc;
	decs = json_object_array_length(all) > 0
	           ? array_of(ep_inner(json_object_array_get_idx(all, 0),
	                          k_rplan.payload_key),
	                 "route_decisions")
	           : NULL;
	tally_of(decs, &t);
	owners = json_object_new_array();
	for (i = 0; decs != NULL && i < json_object_array_length(decs); i++) {
		d = json_object_array_get_idx(decs, i);
		if (either_str(d, "owner", NULL) != NULL &&
		    !cv_json_has_str(owners, either_str(d, "owner", NULL)))
			json_object_array_add(
			    owners, json_object_new_string(
			                either_str(d, "owner", NULL)));
	}
	json_object_array_sort(owners, text_order);
	o = cv_wf_doc(ctx, ctx->st->schema);
	cv_json_add_str(o, "alert_level",
	    t.deliver > 0 ? "critical"
	    : t.wait > 0  ? "warning"
	                  : "healthy");
	cv_json_add_int(
	    o, "plan_count", (int64_t)json_object_array_length(all));
	tally_add(o, &t);
	json_object_object_add(o, "owners", owners);
	json_object_object_add(o, "latest", ep_head(all, CV_WF_LATEST_MAX));
	json_object_put(all);
	*answer = o;
	return CV_OK;
}

/*
 * GET /endpoint-remediation-sla-escalation-recurrence-automations/
 * dashboard: run, dry-run and executed counts and the sums of retryable
 * decisions, digests and suppression events (critical with a retryable
 * decision, warning with a digest or a suppression event).
 */
static enum cv_err
build_adashboard(struct cv_wf_ctx *ctx, struct json_object **answer)
{
	struct json_object *runs = NULL, *r, *sum, *o;
	int64_t retry = 0, dig = 0, supp = 0, dry = 0;
	size_t i, n;
	enum cv_err rc;

	if ((rc = cv_wf_load(ctx, K_RUN, &runs)) != CV_OK)
		return rc;
	n = json_object_array_length(runs);
	for (i = 0; i < n; i++) {
		r = json_object_array_get_idx(runs, i);
		sum = json_object_object_get(
		    ep_inner(r, e3.worker.payload_key), "summary");
		retry += int_of(sum, "retryable_count");
		dig += int_of(sum, "owner_digest_count");
		supp += int_of(sum, "suppression_event_count");
		dry += !json_object_object_get_ex(r, "dry_run", NULL) ||
		       cv_json_truthy(json_object_object_get(r, "dry_run"));
	}
	o = cv_wf_doc(ctx, ctx->st->schema);
	cv_json_add_str(o, "alert_level",
	    retry > 0             ? "critical"
	    : dig > 0 || supp > 0 ? "warning"
	                          : "healthy");
	cv_json_add_int(o, "run_count", (int64_t)n);
	cv_json_add_int(o, "dry_run_count", dry);
	cv_json_add_int(o, "executed_count", (int64_t)n - dry);
	cv_json_add_int(o, "retryable_count", retry);
	cv_json_add_int(o, "owner_digest_count", dig);
	cv_json_add_int(o, "suppression_event_count", supp);
	json_object_object_add(o, "latest", ep_head(runs, CV_WF_LATEST_MAX));
	json_object_put(runs);
	*answer = o;
	return CV_OK;
}

/* ---- E5: automation health ------------------------------------------ */

/* Minutes from the time text at to now, or -1 when at is no time or
 * later than now. */
static int64_t
age_minutes(const char *at, time_t now)
{
	time_t t;

	if (at == NULL || cv_wf_ts_parse(at, &t) != 0 || now < t)
		return -1;
	return (int64_t)(now - t) / 60;
}

/*
 * A cv_wf_health_fn: the recurrence automation health (§11.9) at now
 * with expected_interval_minutes (30) and stale_metadata_minutes (120,
 * at least the interval): missed runs, failed jobs and failed owner
 * digest deliveries (critical), missing or stale recurrence metadata
 * and disabled schedules (warning).  Its id ("erslah-") leaves out the
 * time of the reading.  Not stored.
 */
static enum cv_err
automation_health(struct cv_wf_ctx *ctx, struct json_object **health)
{
	static const struct {
		const char *kind;
		const char *label;
	} watched[] = {
	    {K_RPLAN, "recurrence_plan"},
	    {K_RETRY, "retry_plan"},
	    {K_DIGEST, "owner_digest"},
	    {K_TREND, "suppression_trend"},
	};
	struct cv_arena *a = ctx->req->arena;
	struct json_object *runs = NULL, *rcds = NULL, *part = NULL, *stale,
	                   *failed, *alerts, *r, *latest, *run, *s, *m, *h,
	                   *recs;
	const char *level, *st;
	int64_t iv, sm, age, missed, failedn = 0, dis = 0, nfail = 0;
	size_t i;
	enum cv_err rc;

	*health = NULL;
	if ((rc = cv_wf_param_int(ctx, "expected_interval_minutes",
	         e3.health_interval, 1, CV_WF_MINUTES_MAX, &iv)) != CV_OK ||
	    (rc = cv_wf_param_int(ctx, "stale_metadata_minutes",
	         e3.health_stale, 1, CV_WF_MINUTES_MAX, &sm)) != CV_OK)
		return rc;
	if (sm < iv)
		sm = iv;
	if ((rc = cv_wf_load(ctx, K_RUN, &runs)) != CV_OK ||
	    (rc = cv_wf_load(ctx, CV_WF_RCD_KIND, &rcds)) != CV_OK)
		goto out;
	latest = json_object_array_length(runs) > 0
	             ? json_object_array_get_idx(runs, 0)
	             : NULL;
	age = latest != NULL
	          ? age_minutes(
	                cv_json_str_or(latest, "created_at", NULL), ctx->t)
	          : -1;
	missed = latest == NULL ||
	         cv_wf_ts_parse(cv_json_str_or(latest, "created_at", NULL),
	             &(time_t){0}) != 0 ||
	         age > iv * 2;
	for (i = 0; i < json_object_array_length(runs); i++) {
		r = json_object_array_get_idx(runs, i);
		run = ep_inner(r, e3.worker.payload_key);
		s = json_object_object_get(run, "schedule");
		if (json_object_is_type(json_object_object_get(s, "enabled"),
		        json_type_boolean) &&
		    !json_object_get_boolean(
		        json_object_object_get(s, "enabled")))
			dis++;
		st = ep_lower(a, either_str(run, "status", NULL) != NULL
		                     ? either_str(run, "status", NULL)
		                     : cv_json_str_or(r, "status", ""));
		failedn +=
		    strcmp(st, "failed") == 0 || strcmp(st, "error") == 0 ||
		    strcmp(st, "timeout") == 0 || strcmp(st, "cancelled") == 0;
	}
	stale = json_object_new_array();
	for (i = 0; i < nitems(watched); i++) {
		if ((rc = cv_wf_load(ctx, watched[i].kind, &part)) != CV_OK) {
			json_object_put(stale);
			goto out;
		}
		r = json_object_array_length(part) > 0
		        ? json_object_array_get_idx(part, 0)
		        : NULL;
		m = NULL;
		if (r == NULL ||
		    cv_wf_ts_parse(cv_json_str_or(r, "created_at", NULL),
		        &(time_t){0}) != 0) {
			m = json_object_new_object();
			cv_json_add_str(m, "state", "missing");
			json_object_object_add(m, "age_minutes", NULL);
		} else if ((age_minutes(cv_json_str_or(r, "created_at", NULL),
		               ctx->t)) > sm) {
			m = json_object_new_object();
			cv_json_add_str(m, "state", "stale");
			cv_json_add_int(m, "age_minutes",
			    age_minutes(
			        cv_json_str_or(r, "created_at", NULL), ctx->t));
			cv_json_add_str(m, "latest_id",
			    cv_json_str_or(r, "session_id", NULL));
		}
		if (m != NULL) {
			cv_json_add_str(m, "kind", watched[i].label);
			cv_json_add_str(m, "metadata_kind", watched[i].kind);
			json_object_array_add(stale, m);
		}
		json_object_put(part);
		part = NULL;
	}
	failed = json_object_new_array();
	for (i = 0; i < json_object_array_length(rcds); i++) {
		r = json_object_array_get_idx(rcds, i);
		if (strcmp(cv_json_str_or(r, "connector_delivery_source", ""),
		        SRC_DIGEST) != 0 ||
		    cv_json_truthy(
		        json_object_object_get(r, "delivery_success")))
			continue;
		if (nfail++ < CV_WF_FAILED_SHOWN_MAX)
			json_object_array_add(failed, json_object_get(r));
	}
	alerts = json_object_new_array();
	cv_wf_alert_if(alerts, missed, "critical", "missed_run",
	    "No recurrence automation worker run has completed inside the "
	    "expected schedule window.");
	cv_wf_alert_if(alerts, failedn > 0, "critical", "failed_job",
	    cv_arena_printf(a, "%lld recurrence automation worker runs "
	    "reported a failed status.", (long long)failedn));
	cv_wf_alert_if(alerts, nfail > 0, "critical", "connector_failure",
	    cv_arena_printf(a, "%lld owner digest connector deliveries "
	    "failed.", (long long)nfail));
	cv_wf_alert_if(alerts, json_object_array_length(stale) > 0, "warning",
	    "stale_metadata", cv_arena_printf(a, "%zu recurrence metadata "
	    "categories are missing or stale.",
	    json_object_array_length(stale)));
	cv_wf_alert_if(alerts, dis > 0, "warning", "disabled_schedule",
	    cv_arena_printf(a, "%lld recurrence automation runs reported "
	    "disabled schedules.", (long long)dis));
	level = cv_wf_alert_level(alerts);
	m = json_object_new_object();
	cv_json_add_str(
	    m, "latest_run_id", cv_json_str_or(latest, "session_id", NULL));
	cv_json_add_str(m, "alert_level", level);
	cv_json_add_int(m, "missed_run_count", missed);
	cv_json_add_int(m, "failed_job_count", failedn);
	cv_json_add_int(m, "connector_delivery_failure_count", nfail);
	h = cv_wf_doc(ctx, NULL);
	cv_json_add_str(h, "health_id",
	    cv_wf_id(a,
	        ctx->st->health_prefix != NULL ? ctx->st->health_prefix
	                                       : e5.health_prefix,
	        m, NULL));
	json_object_put(m);
	cv_json_add_str(h, "alert_level", level);
	cv_json_add_int(h, "expected_interval_minutes", iv);
	cv_json_add_int(h, "missed_after_minutes", iv * 2);
	cv_json_add_int(h, "stale_metadata_minutes", sm);
	cv_json_add_int(
	    h, "run_count", (int64_t)json_object_array_length(runs));
	cv_json_add_int(h, "missed_run_count", missed);
	cv_json_add_int(h, "failed_job_count", failedn);
	cv_json_add_int(h, "disabled_schedule_count", dis);
	cv_json_add_int(h, "stale_metadata_count",
	    (int64_t)json_object_array_length(stale));
	cv_json_add_int(h, "connector_delivery_failure_count", nfail);
	cv_json_add_str(
	    h, "latest_run_id", cv_json_str_or(latest, "session_id", NULL));
	cv_json_add_str(h, "latest_run_at",
	    age >= 0 ? cv_json_str_or(latest, "created_at", NULL) : NULL);
	if (age >= 0)
		cv_json_add_int(h, "latest_run_age_minutes", age);
	else
		json_object_object_add(h, "latest_run_age_minutes", NULL);
	json_object_object_add(h, "stale_metadata", stale);
	json_object_object_add(h, "failed_deliveries", failed);
	json_object_object_add(h, "alerts", alerts);
	recs = json_object_new_array();
	json_object_array_add(recs,
	    json_object_new_string(
	        "Verify the "
	        "scheduler is enabled and running at the expected interval."));
	json_object_array_add(
	    recs, json_object_new_string(
	              "Review the latest "
	              "dry-run payload before enabling guarded execute mode."));
	json_object_array_add(recs,
	    json_object_new_string(
	        "Check connector "
	        "delivery evidence when owner digest delivery failures are "
	        "reported."));
	json_object_array_add(
	    recs, json_object_new_string("Refresh recurrence "
	                                 "plans, retry plans, owner digests, "
	                                 "and suppression trends when "
	                                 "metadata is stale."));
	json_object_object_add(h, "recommendations", recs);
	json_object_object_add(h, "latest", ep_head(runs, CV_WF_LATEST_MAX));
	*health = h;
out:
	json_object_put(part);
	json_object_put(runs);
	json_object_put(rcds);
	return rc;
}

/* ---- E5: health alert delivery -------------------------------------- */

/* E5 rules (§11.9): by alert level, alert category and the numbers of
 * missed runs, failed jobs, stale metadata kinds and failed digest
 * deliveries; a critical health without rule, default or configured
 * provider goes to jira, slack and teams, any other to slack and teams;
 * a healthy one to nobody. */
static const char *const categories[] = {"missed_run", "failed_job",
    "connector_failure", "stale_metadata", "disabled_schedule", NULL};
static const struct ep_match halert_match[] = {
    {"alert_levels", NULL, EP_MATCH_ONE, "alert_level", ep_alert_levels,
        EP_ALERT_LEVEL_WORDS},
    {"categories", "alert_categories", EP_MATCH_SOME, "alert_categories",
        categories,
        "missed_run, failed_job, connector_failure, stale_metadata, "
        "disabled_schedule"},
    {"min_missed_runs", NULL, EP_MATCH_MIN, "missed_run_count", NULL, NULL},
    {"min_failed_jobs", NULL, EP_MATCH_MIN, "failed_job_count", NULL, NULL},
    {"min_stale_metadata", NULL, EP_MATCH_MIN, "stale_metadata_count", NULL,
        NULL},
    {"min_connector_failures", NULL, EP_MATCH_MIN,
        "connector_delivery_failure_count", NULL, NULL},
    {NULL, NULL, EP_MATCH_ONE, NULL, NULL, NULL}};
static const char *const halert_rule_keys[] = {
    "rules", "health_alert_routing", "notification_routing", NULL};
static const char *const halert_index[] = {"plan_id", "health_id",
    "alert_level", "selected_providers", "acknowledgement_required_providers",
    "suppression_window_minutes", NULL};
static const char *const halert_controls[] = {
    "health-alert-routing-derived-from-public-health-metadata",
    "duplicate-suppression-uses-redacted-delivery-metadata",
    "acknowledgements-record-human-or-automation-review",
    "no-connector-credentials-stored-in-health-alert-plan", NULL};
static const struct ep_routing halert_routing = {halert_rule_keys, halert_match,
    EP_P_JIRA | EP_P_SLACK | EP_P_TEAMS, EP_P_SLACK | EP_P_TEAMS, 1, SRC_HALERT,
    "health_id", &e5.plan, halert_index, halert_controls};

/* The counts of a health reading (run, missed, failed, disabled, stale,
 * failed deliveries) as a new summary object. */
static struct json_object *
health_counts(struct json_object *h)
{
	static const char *const keys[] = {"run_count", "missed_run_count",
	    "failed_job_count", "disabled_schedule_count",
	    "stale_metadata_count", "connector_delivery_failure_count"};
	struct json_object *o = json_object_new_object();
	size_t i;

	for (i = 0; i < nitems(keys); i++)
		cv_json_add_int(o, keys[i], int_of(h, keys[i]));
	return o;
}

/* What E5 rules match in a health reading: its id, level, counts and
 * the categories of its alerts; new. */
static struct json_object *
health_subject(struct json_object *h)
{
	struct json_object *o, *cats, *alerts;
	const char *c;
	size_t i;

	o = health_counts(h);
	cv_json_add_str(o, "health_id", cv_json_str_or(h, "health_id", ""));
	cv_json_add_str(
	    o, "alert_level", cv_json_str_or(h, "alert_level", "healthy"));
	cats = json_object_new_array();
	alerts = array_of(h, "alerts");
	for (i = 0; alerts != NULL && i < json_object_array_length(alerts);
	     i++) {
		c = cv_json_str_or(
		    json_object_array_get_idx(alerts, i), "category", "");
		if (*c != '\0' && !cv_json_has_str(cats, c))
			json_object_array_add(cats, json_object_new_string(c));
	}
	json_object_object_add(o, "alert_categories", cats);
	return o;
}

/* The health alert event of health h (§11.9), at most max alerts;
 * new. */
static struct json_object *
halert_event(struct cv_wf_ctx *ctx, struct json_object *h, int64_t max)
{
	struct cv_arena *a = ctx->req->arena;
	struct json_object *all, *sel, *al, *ev, *sum, *fields, *facts, *x;
	const char *hid, *level, *title, *msg, *desc, *age;
	int64_t omitted;
	size_t i;

	hid = cv_json_str_or(h, "health_id", "");
	level = cv_json_str_or(h, "alert_level", "healthy");
	all = array_of(h, "alerts");
	sel = ep_head(all, (size_t)max);
	omitted =
	    (int64_t)(count_of(h, "alerts") - json_object_array_length(sel));
	title = cv_arena_printf(
	    a, "CAVRA recurrence automation health %s: %s", level, hid);
	msg = cv_arena_printf(a,
	    "%lld missed runs, %lld failed jobs, %lld stale metadata "
	    "categories, and %lld connector delivery failures.",
	    (long long)int_of(h, "missed_run_count"),
	    (long long)int_of(h, "failed_job_count"),
	    (long long)int_of(h, "stale_metadata_count"),
	    (long long)int_of(h, "connector_delivery_failure_count"));
	x = json_object_object_get(h, "latest_run_age_minutes");
	age = x != NULL ? json_object_get_string(x) : "none";
	desc = cv_arena_printf(a,
	    "CAVRA recurrence automation health alert %s is %s.\n\n"
	    "Expected interval minutes: %lld\nMissed runs: %lld\nFailed "
	    "jobs: %lld\nStale metadata categories: %lld\nConnector "
	    "delivery failures: %lld\nLatest run age minutes: %s\n\nAlerts:",
	    hid, level, (long long)int_of(h, "expected_interval_minutes"),
	    (long long)int_of(h, "missed_run_count"),
	    (long long)int_of(h, "failed_job_count"),
	    (long long)int_of(h, "stale_metadata_count"),
	    (long long)int_of(h, "connector_delivery_failure_count"), age);
	if (json_object_array_length(sel) == 0)
		desc = cv_arena_printf(a,
		    "%s\n- No active recurrence automation health alerts.",
		    desc);
	fields = json_object_new_array();
	facts = json_object_new_array();
	for (i = 0; i < json_object_array_length(sel); i++) {
		al = json_object_array_get_idx(sel, i);
		desc = cv_arena_printf(a, "%s\n- %s %s: %s", desc,
		    cv_json_str_or(al, "severity", ""),
		    cv_json_str_or(al, "category", ""),
		    cv_json_str_or(al, "message", ""));
		if (i >= CV_WF_CARD_ITEMS_MAX)
			continue;
		json_object_array_add(fields,
		    json_object_new_string(cv_arena_printf(a, "*%s* `%s` %s",
		        ep_title_case(a, cv_json_str_or(al, "severity", "")),
		        cv_json_str_or(al, "category", ""),
		        cv_json_str_or(al, "message", ""))));
		json_object_array_add(
		    facts, fact(cv_json_str_or(al, "category", "alert"),
		               cv_arena_printf(a, "%s %s",
		                   cv_json_str_or(al, "severity", ""),
		                   cv_json_str_or(al, "message", ""))));
	}
	if (omitted > 0)
		desc = cv_arena_printf(a,
		    "%s\n- %lld additional alerts omitted from this delivery "
		    "payload.",
		    desc, (long long)omitted);
	desc = cv_arena_printf(a,
	    "%s\n\nThis alert is generated from public CAVRA recurrence "
	    "automation health metadata. Scheduler recovery, ticket "
	    "creation, and private queue execution remain outside the "
	    "Community Edition repository.",
	    desc);
	ev = cv_wf_doc(ctx, e5.event_schema);
	cv_json_add_str(ev, "event_type", e5.event_type);
	cv_json_add_str(ev, "session_id", hid);
	cv_json_add_str(ev, "health_id", hid);
	cv_json_add_str(ev, "generated_by", ctx->by);
	json_object_object_add(ev, "source_health_generated_at",
	    json_object_get(json_object_object_get(h, "generated_at")));
	cv_json_add_str(ev, "alert_level", level);
	cv_json_add_str(ev, "max_severity",
	    strcmp(level, "critical") == 0  ? "critical"
	    : strcmp(level, "warning") == 0 ? "warning"
	                                    : "low");
	cv_json_add_int(ev, "blocked_count",
	    int_of(h, "missed_run_count") + int_of(h, "failed_job_count") +
	        int_of(h, "connector_delivery_failure_count"));
	cv_json_add_int(ev, "approval_required_count",
	    (int64_t)json_object_array_length(sel));
	cv_json_add_int(ev, "decision_count", int_of(h, "run_count"));
	sum = health_counts(h);
	json_object_object_add(sum, "latest_run_id",
	    json_object_get(json_object_object_get(h, "latest_run_id")));
	json_object_object_add(
	    sum, "latest_run_age_minutes", json_object_get(x));
	cv_json_add_int(sum, "omitted_alert_count", omitted);
	json_object_object_add(ev, "summary", sum);
	json_object_object_add(ev, "alerts", sel);
	cv_json_add_int(ev, "omitted_alert_count", omitted);
	json_object_object_add(ev, "recommendations",
	    json_object_get(json_object_object_get(h, "recommendations")));
	cv_json_add_strv(ev, "controls",
	    (const char *const[]){
	        "health-alert-derived-from-public-recurrence-automation-health",
	        "connector-delivery-evidence-redacts-secrets",
	        "acknowledgements-record-review-only",
	        "private-connectors-remain-responsible-for-ticket-or-chat-"
	        "side-effects",
	        NULL});
	ep_add_payloads(ev,
	    ep_slack_card(title, msg, fields,
	        "Generated from public CAVRA recurrence automation health "
	        "evidence."),
	    ep_teams_card(title, msg, color_of(level), facts), title, desc, hid,
	    level);
	return ev;
}

/*
 * POST /endpoint-remediation-sla-escalation-recurrence-automation-
 * health-alerts/deliver: the automation health (the body's
 * expected_interval_minutes and stale_metadata_minutes), its alert plan
 * routed by halert_routing (routing_policy, provider,
 * suppression_window_minutes, force), stored, and its event (max_alerts
 * 1..100, default 20) delivered to the selected providers (none, or a
 * healthy reading: nothing sent).  Answers {health, plan, delivery,
 * plan_metadata, metadata, success, event_id}.  400 without a connector
 * config or for a policy that does not fit; the connector's 400 when a
 * selected provider is not configured.
 */
static enum cv_err
build_halert(struct cv_wf_ctx *ctx, struct json_object **answer)
{
	struct json_object *h = NULL, *subj, *extra, *sum, *ev;
	struct ep_route_in in;
	int64_t max;
	enum cv_err rc;

	if ((rc = cv_wf_need_connector(ctx)) != CV_OK ||
	    (rc = ep_route_read(ctx, &halert_routing, &in)) != CV_OK ||
	    (rc = clamped(ctx, "max_alerts", CV_WF_ALERTS_DEFAULT,
	         CV_WF_ALERTS_MAX, &max)) != CV_OK ||
	    (rc = automation_health(ctx, &h)) != CV_OK)
		return rc;
	subj = health_subject(h);
	sum = health_counts(h);
	json_object_object_del(sum, "disabled_schedule_count");
	cv_json_add_int(sum, "alert_count", (int64_t)count_of(h, "alerts"));
	extra = json_object_new_object();
	json_object_object_add(extra, "source_health_generated_at",
	    json_object_get(json_object_object_get(h, "generated_at")));
	json_object_object_add(extra, "summary", sum);
	ev = halert_event(ctx, h, max);
	rc = ep_route_deliver(
	    ctx, &halert_routing, &in, subj, extra, ev, answer);
	if (rc == CV_OK)
		json_object_object_add(*answer, "health", json_object_get(h));
	json_object_put(ev);
	json_object_put(subj);
	json_object_put(h);
	return rc;
}

/* ---- route table ---------------------------------------------------- */

static const struct ep_list l_recurrences = {
    rplan_kinds, NULL, admit_recurrence};

static const struct cv_wf_filter run_filters[] = {
    {"dry_run", CV_WF_BOOL, {"dry_run", NULL}}, {NULL, CV_WF_EQ, {NULL}}};

static const struct cv_wf_step s_rplan = {
    .build = build_rplan,
};
static const struct cv_wf_step s_recurrences = {
    .build = build_recurrences,
    .opt = &l_recurrences,
    .schema = SLA("escalation_recurrence_history"),
};
static const struct cv_wf_step s_rdashboard = {
    .build = build_rdashboard,
    .schema = SLA("escalation_recurrence_dashboard"),
};
static const struct cv_wf_step s_deliver = {
    .build = build_deliver,
};
static const struct cv_wf_step s_audit = {
    .build = build_audit,
};
static const struct cv_wf_step s_retry = {
    .chain = &e3,
    .out_key = "plan",
    .retry_extra = retry_routes,
};
static const struct cv_wf_step s_digest = {
    .build = build_digest,
};
static const struct cv_wf_step s_trends = {
    .build = build_trends,
};
static const struct cv_wf_step s_run = {
    .build = build_run,
};
static const struct cv_wf_step s_runs = {
    .kind = &e3.worker,
    .filters = run_filters,
    .clamp = 1,
    .schema = SLA("escalation_recurrence_automation_history"),
};
static const struct cv_wf_step s_adashboard = {
    .build = build_adashboard,
    .schema = SLA("escalation_recurrence_automation_dashboard"),
};
static const struct cv_wf_step s_health = {
    .chain = &e3,
    .health = automation_health,
    .health_prefix = "erslah",
    .schema = SLA("escalation_recurrence_automation_health"),
};
static const struct cv_wf_step s_alert_deliver = {
    .build = build_halert,
    .chain = &e3,
    .health_prefix = "erslah",
};
static const struct cv_wf_step s_alert_ack = {
    .kind = &e5.ack,
    .out_key = "acknowledgement",
    .vocab = &cv_wf_alert_ack_vocab,
    .parent_param = "health_id",
    .by_field = "acknowledged_by",
    .at_field = "acknowledged_at",
    .extra = hack_extra,
    .index = cv_wf_alert_ack_index,
};
static const struct cv_wf_step s_alerts = {
    .kinds = halert_kinds,
    .srcs = halert_srcs,
    .filters = cv_wf_alert_filters,
    .clamp = 1,
    .schema = SLA("escalation_recurrence_automation_health_alert_"
                  "history"),
};
static const struct cv_wf_step s_alert_dashboard = {
    .alert = &e5,
    .schema = SLA("escalation_recurrence_automation_health_alert_"
                  "dashboard"),
};

static const struct cv_qparam p_recurrences[] = {
    {"plan_id", CV_P_STRING, 0, NULL,
        "plans of this escalation plan "
        "(or this recurrence plan)"},
    {"owner", CV_P_STRING, 0, NULL, "plans with a route of this owner"},
    {"provider", CV_P_STRING, 0, NULL,
        "plans with a route of this "
        "provider"},
    {"action", CV_P_STRING, 0, NULL,
        "plans with a route decided so "
        "(deliver, wait, suppress)"},
    CV_QPARAMS_PAGE, {NULL}};
static const struct cv_qparam p_persist[] = {
    {"persist", CV_P_BOOL, 0, NULL, "store the record (default true)"}, {NULL}};
static const struct cv_qparam p_runs[] = {
    {"dry_run", CV_P_BOOL, 0, NULL,
        "dry runs (true) or executed ones "
        "(false)"},
    CV_QPARAMS_PAGE, {NULL}};
static const struct cv_qparam p_health[] = {
    {"expected_interval_minutes", CV_P_INT, 0, NULL,
        "expected worker "
        "interval (default 30)"},
    {"stale_metadata_minutes", CV_P_INT, 0, NULL,
        "age after which "
        "recurrence metadata is stale (default 120)"},
    {NULL}};
static const struct cv_qparam p_alerts[] = {
    {"health_id", CV_P_STRING, 0, NULL, "records of this health"},
    {"provider", CV_P_STRING, 0, NULL, "records naming this provider"},
    {"metadata_kind", CV_P_STRING, 0, NULL, "records of this kind"},
    {"acknowledgement_state", CV_P_STRING, 0, NULL,
        "acknowledgements in "
        "this state"},
    {"suppressed", CV_P_BOOL, 0, NULL,
        "plans that suppressed a "
        "provider (true) or none (false)"},
    CV_QPARAMS_PAGE, {NULL}};

#define POST_JSON (CV_BODY_JSON | CV_BODY_OPT)
#define ESR_ ESE "-recurrences"
#define ESA_ ESE "-recurrence-automations"
#define ESH_ ESE "-recurrence-automation-health-alerts"

const struct cv_route ep_recur_routes[] = {
    {CV_POST, "/endpoint-remediation-sla-escalations/recurrence-plan",
        cv_wf_h_build, POST_JSON,
        "Build and store the recurrence plan of "
        "the newest SLA escalation plan's active routes",
        &s_rplan, .right = CV_RIGHT_OPERATE},
    {CV_GET, ESR_, cv_wf_h_build, 0,
        "SLA escalation recurrence plans, "
        "newest first",
        &s_recurrences, p_recurrences},
    {CV_GET, ESR_ "/dashboard", cv_wf_h_build, 0,
        "Counts of the newest "
        "SLA escalation recurrence plan",
        &s_rdashboard},
    {CV_POST, ESR_ "/{recurrence_plan_id}/deliver", cv_wf_h_build, POST_JSON,
        "Deliver the deliverable routes of a stored "
        "recurrence plan",
        &s_deliver, .right = CV_RIGHT_OPERATE},
    {CV_GET, ESR_ "/{recurrence_plan_id}/suppression-audit", cv_wf_h_build, 0,
        "Audit (and store) the suppressed and waiting "
        "routes of a stored recurrence plan",
        &s_audit, p_persist},
    {CV_POST, ESR_ "/retry-plan", cv_wf_h_retry_plan, POST_JSON,
        "Build "
        "and store the retry plan of the failed recurrence deliveries",
        &s_retry, .right = CV_RIGHT_OPERATE},
    {CV_POST, ESR_ "/{recurrence_plan_id}/owner-digest", cv_wf_h_build,
        POST_JSON,
        "Store and deliver the owner digest of a stored "
        "recurrence plan",
        &s_digest, .right = CV_RIGHT_OPERATE},
    {CV_GET, ESR_ "/suppression-trends", cv_wf_h_build, 0,
        "Count (and "
        "store) the suppression trend of the recurrence plans and "
        "audits",
        &s_trends, p_persist},
    {CV_POST, ESR_ "/automation-run", cv_wf_h_build, POST_JSON,
        "Run "
        "one recurrence automation pass (dry unless execute is true)",
        &s_run, .right = CV_RIGHT_OPERATE},
    {CV_GET, ESA_, cv_wf_h_history, 0,
        "Recurrence automation runs, "
        "newest first",
        &s_runs, p_runs},
    {CV_GET, ESA_ "/dashboard", cv_wf_h_build, 0,
        "Counts of the "
        "recurrence automation runs",
        &s_adashboard},
    {CV_GET, ESA_ "/health", cv_wf_h_health, 0,
        "Health of the "
        "recurrence automation",
        &s_health, p_health},
    {CV_POST, ESH_ "/deliver", cv_wf_h_build, POST_JSON,
        "Deliver the recurrence automation health as an alert, "
        "suppressing duplicates",
        &s_alert_deliver, .right = CV_RIGHT_OPERATE},
    {CV_POST, ESH_ "/{health_id}/acknowledgements", ep_provider_ack,
        CV_BODY_JSON, "Acknowledge a recurrence automation health alert",
        &s_alert_ack, .right = CV_RIGHT_OPERATE},
    {CV_GET, ESH_, cv_wf_h_history, 0,
        "Recurrence automation health "
        "alert plans, acknowledgements and deliveries, newest first",
        &s_alerts, p_alerts},
    {CV_GET, ESH_ "/dashboard", cv_wf_h_alert_dashboard, 0,
        "Counts of "
        "the recurrence automation health alerts and their outstanding "
        "acknowledgements",
        &s_alert_dashboard},
};

const size_t ep_recur_nroutes = nitems(ep_recur_routes);
