/*
 * cavra-runtime: the rollback drill notification chain (C0) and the
 * umbrella views of the go-pilot family (workflows.md §8 rows 8, 10-12,
 * 81-85; §10.1, §10.2, §10.10, §12).  The drill schedule report comes
 * from the environment (fcgi/go_pilot.c); a delivery routes it to the
 * schedule's owners and providers through the routing policy
 * (owner routes, maintenance windows, owner calendars), stores the
 * notification plan and delivers the notification to the selected
 * providers.  Acknowledgements name a schedule of a stored plan.  The
 * umbrella history and dashboard read every go-pilot kind of one table
 * (go_kinds[]), so the kinds that other files of this responder write
 * are listed and counted by name as they land.
 *
 * Every route is a row whose data is a struct cv_wf_step (cv_wfstep.h):
 * the single acknowledgement is the library's cv_wf_h_ack, the others
 * cv_wf_h_build with a builder of this file.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cavra.h"
#include "cv_auth.h"
#include "cv_connector.h"
#include "cv_wfstep.h"

#include "go_pilot.h"
#include "runtime.h"

#define RDN		"/runtime/go-pilot/rollback-drill-notifications"
#define GO_SCHEMA(x)	"cavra.go-backend-pilot.rollback-drill-" x ".v1"
#define SRC_C0		"go_backend_rollback_drill_notification"
#define SRC_GO		"go_backend_rollback_drill_"
#define SRC_GAA		"go_backend_rollback_drill_acknowledgement_audit"
#define SRC_EXPORT	SRC_GAA "_final_reporting_auditor_export"
#define OWNER_DEFAULT	"release-governance"
#define ACK_MINUTES	60	/* acknowledgement minutes of a route
				   when the policy names none */

/* ---- kinds and vocabularies ----------------------------------------- */

static const struct cv_wf_kind c0_plan = {
	GBRD "notification-plan", "plan_id", "gordn", "plan",
	GO_SCHEMA("notification-plan")
};
static const struct cv_wf_kind c0_ack = {
	GBRD "notification-ack", "acknowledgement_id", "gordack",
	"acknowledgement", GO_SCHEMA("notification-ack")
};
static const struct cv_wf_kind c0_esc = {
	GBRD "notification-escalation-plan", "plan_id", "gordesc",
	"escalation_plan", GO_SCHEMA("notification-escalation-plan")
};
static const struct cv_wf_kind c0_trend = {
	GBRD "routing-suppression-trend", "trend_id", "gordrtrend",
	"routing_suppression_trend", GO_SCHEMA("routing-suppression-trend")
};

static const char *const ack_states[] = { "acknowledged", "dismissed",
	"escalated", "resolved", NULL };
static const char *const ack_done[] = { "acknowledged", "resolved", NULL };
static const struct cv_wf_vocab ack_vocab = {
	"acknowledgement_state", ack_states, "acknowledged", ack_done
};

static const char *const plan_index[] = { "plan_id", "schedule_id",
	"alert_level", "selected_providers",
	"acknowledgement_required_providers", "deliverable_route_count",
	"suppressed_route_count", "maintenance_suppressed_count",
	"calendar_suppressed_count", NULL };
static const char *const ack_index[] = { "acknowledgement_id",
	"schedule_id", "plan_id", "provider", "acknowledgement_state", NULL };
static const char *const ack_extra[] = { "plan_id", NULL };
static const char *const esc_index[] = { "plan_id", "alert_level",
	"route_count", "breached_count", "outstanding_count", NULL };
static const char *const trend_index[] = { "trend_id", "alert_level",
	"suppression_event_count", "maintenance_suppressed_count",
	"calendar_suppressed_count", NULL };

static const char *const plan_controls[] = {
	"routing-policy-derived-from-public-safe-owner-metadata",
	"maintenance-windows-contain-no-provider-credentials",
	"owner-calendars-are-public-safe-availability-metadata",
	"notification-plan-does-not-mutate-runtime-mode", NULL
};
static const char *const event_controls[] = {
	"notification-derived-from-public-drill-schedule",
	"no-runtime-mode-change-performed-by-public-notification",
	"connector-delivery-evidence-redacts-secrets",
	"private-connectors-remain-responsible-for-ticket-or-chat-side-effects",
	NULL
};
static const char *const esc_controls[] = {
	"escalation-plan-derived-from-stored-notification-plans",
	"escalation-plan-does-not-notify-by-itself", NULL
};
static const char *const trend_controls[] = {
	"suppression-trend-derived-from-stored-route-decisions",
	"routing-metadata-is-public-safe", NULL
};

/*
 * The go-pilot kinds (workflows.md §7.1) the umbrella history lists and
 * the dashboard counts.  key: the dashboard's count key (NULL: derived
 * from the kind, GBRD_AAD "x-y" -> "acknowledgement_audit_delivery_x_y_
 * count", see kind_base()).  agg: what else the dashboard sums over the kind's records.
 * export: the connector_delivery_source filter value of the final
 * auditor export also admits the kind.
 */
enum agg {
	AG_NONE = 0,
	AG_RETRY,	/* agg_key: sum of retryable_count */
	AG_EXEC,	/* <base>_success_count, <base>_failed_count */
	AG_HEALTH,	/* <base>_alert_count: sum of alert_count */
	AG_RUN,		/* <base>_dry_run_count, <base>_executed_count */
	AG_STATE,	/* agg_key: records whose field is one of words */
	AG_SUM,		/* agg_key: sum of field */
};

struct go_kind {
	const char		*kind;
	const char		*key;
	enum agg		 agg;
	const char		*agg_key;
	const char		*field;
	const char *const	*words;
	int			 export;
};

#define AAD	"acknowledgement_audit_delivery_"
#define FR	GBRD_AAD "final-reporting-"

static const char *const w_approved[] = { "approved", NULL };
static const char *const w_closed_recovery[] = { "resolved", "mitigated",
	NULL };
static const char *const w_ready[] = { "ready", NULL };
static const char *const w_verified[] = { "verified", NULL };
static const char *const w_signed[] = { "external_signature_attached",
	NULL };
static const char *const w_closed[] = { "closed", NULL };

static const struct go_kind go_kinds[] = {
	{ GBRD "notification-plan", "plan_count" },
	{ GBRD "notification-ack", "acknowledgement_count" },
	{ GBRD "notification-escalation-plan", "escalation_plan_count" },
	{ GBRD "routing-suppression-trend",
	    "routing_suppression_trend_count" },
	{ GBRD "acknowledgement-audit-package",
	    "acknowledgement_audit_package_count" },
	{ GBRD_AAD "plan", NULL },
	{ GBRD_AAD "retry-plan", NULL, AG_RETRY, AAD "retryable_count" },
	{ GBRD_AAD "retry-ack", NULL },
	{ GBRD_AAD "retry-execution-approval-plan", NULL },
	{ GBRD_AAD "retry-execution-approval-decision", NULL, AG_STATE,
	    AAD "retry_execution_approved_count", "approval_state",
	    w_approved },
	{ GBRD_AAD "retry-execution-record", NULL, AG_EXEC },
	{ GBRD_AAD "worker-run", NULL, AG_RUN },
	{ GBRD_AAD "worker-health-alert-plan",
	    AAD "worker_health_alert_count" },
	{ GBRD_AAD "worker-health-alert-ack", NULL },
	{ GBRD_AAD "connector-recovery-playbook", NULL },
	{ GBRD_AAD "connector-recovery-closure", NULL, AG_STATE,
	    AAD "connector_recovery_closed_count", "closure_state",
	    w_closed_recovery },
	{ GBRD_AAD "retry-recovery-report", NULL },
	{ GBRD_AAD "recovery-escalation-plan", NULL, AG_SUM,
	    AAD "recovery_escalation_route_count", "escalation_count" },
	{ GBRD_AAD "recovery-escalation-ack", NULL },
	{ GBRD_AAD "recovery-escalation-delivery-retry-plan",
	    AAD "recovery_escalation_retry_plan_count", AG_RETRY,
	    AAD "recovery_escalation_retryable_count" },
	{ GBRD_AAD "recovery-escalation-retry-worker-run", NULL, AG_RUN },
	{ GBRD_AAD "recovery-escalation-retry-execution-record", NULL,
	    AG_EXEC },
	{ GBRD_AAD "recovery-escalation-retry-health", NULL, AG_HEALTH },
	{ GBRD_AAD "recovery-escalation-retry-health-alert-plan", NULL },
	{ GBRD_AAD "recovery-escalation-retry-health-alert-ack", NULL },
	{ GBRD_AAD "recovery-escalation-retry-health-alert-delivery-retry-"
	    "plan", NULL, AG_RETRY, AAD "recovery_escalation_retry_health_"
	    "alert_delivery_retryable_count" },
	{ GBRD_AAD "recovery-escalation-retry-health-alert-delivery-retry-"
	    "worker-run", NULL, AG_RUN },
	{ GBRD_AAD "recovery-escalation-retry-health-alert-delivery-retry-"
	    "execution-record", NULL, AG_EXEC },
	{ GBRD_AAD "recovery-executive-report", NULL },
	{ GBRD_AAD "recovery-executive-report-schedule-run", NULL },
	{ GBRD_AAD "recovery-executive-report-delivery-retry-plan", NULL,
	    AG_RETRY, AAD "recovery_executive_report_delivery_retryable_"
	    "count" },
	{ GBRD_AAD "recovery-executive-report-delivery-retry-worker-run",
	    NULL, AG_RUN },
	{ GBRD_AAD "recovery-executive-report-delivery-retry-execution-"
	    "record", NULL, AG_EXEC },
	{ GBRD_AAD "recovery-executive-report-delivery-retry-health", NULL,
	    AG_HEALTH },
	{ GBRD_AAD "recovery-executive-report-delivery-retry-health-alert-"
	    "plan", NULL },
	{ GBRD_AAD "recovery-executive-report-delivery-retry-health-alert-"
	    "ack", NULL },
	{ GBRD_AAD "recovery-executive-report-delivery-retry-health-alert-"
	    "delivery-retry-plan", NULL, AG_RETRY, AAD "recovery_executive_"
	    "report_delivery_retry_health_alert_delivery_retryable_count" },
	{ GBRD_AAD "recovery-executive-report-delivery-retry-health-alert-"
	    "delivery-retry-worker-run", NULL, AG_RUN },
	{ GBRD_AAD "recovery-executive-report-delivery-retry-health-alert-"
	    "delivery-retry-execution-record", NULL, AG_EXEC },
	{ FR "release-readiness-summary", NULL, AG_STATE,
	    "final_reporting_release_ready_count", "readiness_state",
	    w_ready },
	{ FR "operator-runbook-export", NULL },
	{ FR "release-readiness-approval-decision", NULL, AG_STATE,
	    "final_reporting_readiness_approved_count", "approval_state",
	    w_approved },
	{ FR "release-record-attachment", NULL },
	{ FR "release-closure-packet-verification", NULL, AG_STATE,
	    "final_reporting_closure_packet_verified_count",
	    "verification_state", w_verified, 1 },
	{ FR "auditor-export", NULL, AG_NONE, NULL, NULL, NULL, 1 },
	{ FR "auditor-export-delivery-retry-plan", NULL, AG_RETRY,
	    AAD "final_reporting_auditor_export_delivery_retryable_count",
	    NULL, NULL, 1 },
	{ FR "auditor-export-delivery-retry-worker-run", NULL, AG_RUN, NULL,
	    NULL, NULL, 1 },
	{ FR "auditor-export-delivery-retry-execution-record", NULL, AG_EXEC,
	    NULL, NULL, NULL, 1 },
	{ FR "immutable-archive-reference", NULL, AG_NONE, NULL, NULL, NULL,
	    1 },
	{ FR "archive-reference-health", NULL, AG_HEALTH },
	{ FR "archive-reference-health-alert-plan", NULL },
	{ FR "archive-reference-health-alert-ack", NULL },
	{ FR "readiness-bundle", NULL },
	{ FR "signed-archive-manifest", NULL, AG_STATE,
	    "final_reporting_archive_manifest_signed_count",
	    "signature_state", w_signed },
	{ FR "release-closeout-summary", NULL, AG_STATE,
	    "final_reporting_release_closeout_closed_count", "closeout_state",
	    w_closed },
	{ FR "release-closeout-delivery", NULL },
	{ FR "release-closeout-delivery-retry-plan", NULL, AG_RETRY,
	    AAD "final_reporting_release_closeout_delivery_retryable_count" },
	{ FR "release-closeout-delivery-retry-worker-run", NULL, AG_RUN },
	{ FR "release-closeout-delivery-retry-execution-record", NULL,
	    AG_EXEC },
	{ FR "closeout-retention-review-request", NULL },
	{ FR "closeout-retention-review-decision", NULL },
	{ FR "closeout-artifact-bundle", NULL },
	{ FR "closeout-retention-health", NULL, AG_HEALTH },
	{ FR "closeout-retention-health-alert-plan", NULL },
	{ FR "closeout-retention-health-alert-ack", NULL },
};

/* The connector delivery sources after SRC_GAA "_" whose deliveries the
 * dashboard counts on their own. */
static const char *const gaa_sources[] = {
	"worker_health_alert", "recovery_escalation",
	"recovery_escalation_retry_health_alert", "recovery_executive_report",
	"recovery_executive_report_delivery_retry_health_alert",
	"final_reporting_auditor_export",
	"final_reporting_archive_reference_health_alert",
	"final_reporting_release_closeout",
	"final_reporting_closeout_retention_health_alert", NULL
};

/* ---- small helpers -------------------------------------------------- */

/* The length of v when it is an array, else 0 (json-c asserts on
 * another type). */
static size_t
alen(struct json_object *v)
{
	return json_object_is_type(v, json_type_array) ?
	    json_object_array_length(v) : 0;
}

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The strings of v (an array, or one string), sorted and unique; a new
 * array. */
static struct json_object *
uniq_sorted(struct cv_arena *ar, struct json_object *v)
{
	struct json_object	*out, *e;
	const char		**s;
	size_t			 i, n = 0, len;

	out = json_object_new_array();
	if (json_object_is_type(v, json_type_string)) {
		json_object_array_add(out, json_object_get(v));
		return out;
	}
	len = alen(v);
	if (!json_object_is_type(v, json_type_array) || len == 0)
		return out;
	s = cv_arena_alloc(ar, len * sizeof(*s));
	for (i = 0; i < len; i++) {
		e = json_object_array_get_idx(v, i);
		if (json_object_is_type(e, json_type_string) &&
		    *json_object_get_string(e) != '\0')
			s[n++] = json_object_get_string(e);
	}
	qsort(s, n, sizeof(*s), str_cmp);
	for (i = 0; i < n; i++)
		if (i == 0 || strcmp(s[i], s[i - 1]) != 0)
			json_object_array_add(out,
			    json_object_new_string(s[i]));
	return out;
}

/* x rounded to 1/scale (half away from zero). */
static double
rounded(double x, double scale)
{
	long long	 n;

	n = (long long)(x < 0 ? x * scale - 0.5 : x * scale + 0.5);
	return (double)n / scale;
}

/* Member key of o, else of alt (NULL when neither is there). */
static struct json_object *
member(struct json_object *o, const char *key, const char *alt)
{
	struct json_object	*v = NULL;

	if (!json_object_is_type(o, json_type_object))
		return NULL;
	if (!json_object_object_get_ex(o, key, &v) && alt != NULL)
		json_object_object_get_ex(o, alt, &v);
	return v;
}

/* A string member (or its alternative), "" when it is not a string. */
static const char *
str_of(struct json_object *o, const char *key, const char *alt)
{
	struct json_object	*v = member(o, key, alt);

	return json_object_is_type(v, json_type_string) ?
	    json_object_get_string(v) : "";
}

/* Whether Python would call v false (None, false, 0, "", [], {}). */
static int
falsy(struct json_object *v)
{
	switch (json_object_get_type(v)) {
	case json_type_null:
		return 1;
	case json_type_boolean:
		return !json_object_get_boolean(v);
	case json_type_int:
	case json_type_double:
		return json_object_get_double(v) == 0;
	case json_type_string:
		return *json_object_get_string(v) == '\0';
	case json_type_array:
		return alen(v) == 0;
	case json_type_object:
		return json_object_object_length(v) == 0;
	}
	return 1;
}

/* v as a positive integer (number or decimal text), else dflt. */
static int64_t
positive_int(struct json_object *v, int64_t dflt)
{
	const char	*s;
	char		*end;
	long long	 n;

	if (json_object_is_type(v, json_type_int) ||
	    json_object_is_type(v, json_type_double))
		n = (long long)json_object_get_double(v);
	else if (json_object_is_type(v, json_type_string)) {
		s = json_object_get_string(v);
		n = strtoll(s, &end, 10);
		if (end == s || *end != '\0')
			return dflt;
	} else
		return dflt;
	return n > 0 ? n : dflt;
}

/* The start and end of window w (start_at|starts_at, end_at|ends_at);
 * 0 when it holds now. */
static int
window_holds(struct json_object *w, time_t now, time_t *start, time_t *end)
{
	if (cv_wf_ts_parse(str_of(w, "start_at", "starts_at"), start) != 0 ||
	    cv_wf_ts_parse(str_of(w, "end_at", "ends_at"), end) != 0)
		return -1;
	return *start <= now && now <= *end ? 0 : -1;
}

/* Adds key: the workflow timestamp of t. */
static void
add_ts(struct json_object *o, const char *key, time_t t)
{
	char	 b[CV_WF_TS_LEN];

	cv_wf_ts(b, sizeof(b), t, 0);
	cv_json_add_str(o, key, b);
}

/* Whether the list of strings list (empty or absent: any) holds s, in
 * any case. */
static int
list_admits(struct json_object *list, const char *s)
{
	struct json_object	*e;
	size_t			 i;
	int			 any = 0;

	for (i = 0; json_object_is_type(list, json_type_array) &&
	    i < alen(list); i++) {
		e = json_object_array_get_idx(list, i);
		if (!json_object_is_type(e, json_type_string))
			continue;
		any = 1;
		if (strcasecmp(json_object_get_string(e), s) == 0)
			return 1;
	}
	return !any;
}

/* ---- routing (§10.1) ------------------------------------------------ */

/*
 * The routing rule of owner in policy: owner_routes (or routing_rules)
 * as a map owner -> rule, or a list of rules merged in order when their
 * owners are none or hold owner.  A new object (empty: no rule).
 */
static struct json_object *
owner_rule(struct json_object *policy, const char *owner)
{
	struct json_object	*rules, *r, *sel, *os;
	size_t			 i;

	sel = json_object_new_object();
	rules = member(policy, "owner_routes", "routing_rules");
	if (json_object_is_type(rules, json_type_object)) {
		r = json_object_object_get(rules, owner);
		if (json_object_is_type(r, json_type_object)) {
			json_object_object_foreach(r, k, v)
				json_object_object_add(sel, k,
				    json_object_get(v));
		}
		return sel;
	}
	for (i = 0; json_object_is_type(rules, json_type_array) &&
	    i < alen(rules); i++) {
		r = json_object_array_get_idx(rules, i);
		if (!json_object_is_type(r, json_type_object))
			continue;
		os = json_object_object_get(r, "owners");
		if (json_object_is_type(os, json_type_array) &&
		    alen(os) > 0 &&
		    !cv_json_has_str(os, owner))
			continue;
		json_object_object_foreach(r, k, v)
			json_object_object_add(sel, k, json_object_get(v));
	}
	return sel;
}

/* The providers of rule (providers | notification_providers), else
 * dflt; sorted, unique, new. */
static struct json_object *
rule_providers(struct cv_arena *ar, struct json_object *rule,
    struct json_object *dflt)
{
	struct json_object	*out;

	out = uniq_sorted(ar, member(rule, "providers",
	    "notification_providers"));
	if (alen(out) == 0) {
		json_object_put(out);
		out = uniq_sorted(ar, dflt);
	}
	return out;
}

/*
 * The acknowledgement minutes of (owner, provider): the policy's
 * acknowledgement_minutes, else its default_slo's, else dflt, else 60;
 * the owner's rule (acknowledgement_minutes | ack_minutes) wins when it
 * lists no provider or this one.
 */
static int64_t
ack_minutes(struct cv_arena *ar, struct json_object *policy,
    const char *owner, const char *provider, struct json_object *dflt)
{
	struct json_object	*m, *slo, *rule, *provs, *v;
	int64_t			 out;

	m = member(policy, "acknowledgement_minutes", NULL);
	slo = member(policy, "default_slo", NULL);
	if (falsy(m))
		m = json_object_is_type(slo, json_type_object) ?
		    member(slo, "acknowledgement_minutes", NULL) : NULL;
	if (falsy(m))
		m = dflt;
	rule = owner_rule(policy, owner);
	provs = rule_providers(ar, rule, NULL);
	if (json_object_object_length(rule) > 0 &&
	    (alen(provs) == 0 ||
	    cv_json_has_str(provs, provider)) &&
	    (v = member(rule, "acknowledgement_minutes", "ack_minutes")) !=
	    NULL)
		m = v;
	out = positive_int(m, ACK_MINUTES);
	json_object_put(rule);
	json_object_put(provs);
	return out;
}

/* The first maintenance window of policy active at now that admits the
 * schedule, provider and owner: a new {window_id, start_at, end_at,
 * reason}, or NULL. */
static struct json_object *
maintenance(struct json_object *policy, time_t now, const char *sid,
    const char *prov, const char *owner)
{
	struct json_object	*ws, *w, *o;
	time_t			 s, e;
	size_t			 i;

	ws = member(policy, "maintenance_windows", "suppression_windows");
	for (i = 0; json_object_is_type(ws, json_type_array) &&
	    i < alen(ws); i++) {
		w = json_object_array_get_idx(ws, i);
		if (!json_object_is_type(w, json_type_object) ||
		    window_holds(w, now, &s, &e) != 0 ||
		    !list_admits(member(w, "schedule_ids", NULL), sid) ||
		    !list_admits(member(w, "providers", NULL), prov) ||
		    !list_admits(member(w, "owners", NULL), owner))
			continue;
		o = json_object_new_object();
		cv_json_add_str(o, "window_id", *str_of(w, "window_id", "id") !=
		    '\0' ? str_of(w, "window_id", "id") : "maintenance-window");
		add_ts(o, "start_at", s);
		add_ts(o, "end_at", e);
		cv_json_add_str(o, "reason", *str_of(w, "reason",
		    "description") != '\0' ? str_of(w, "reason",
		    "description") : "maintenance window");
		return o;
	}
	return NULL;
}

/* The availability of owner at now by its calendar in policy
 * (owner_calendars | calendars): a new {available, reason[, start_at,
 * end_at]}. */
static struct json_object *
availability(struct json_object *policy, const char *owner, time_t now)
{
	struct json_object	*cals, *c, *ws, *w, *o;
	const char		*why;
	time_t			 s, e;
	size_t			 i;
	int			 av;

	o = json_object_new_object();
	cals = member(policy, "owner_calendars", "calendars");
	c = json_object_is_type(cals, json_type_object) ?
	    json_object_object_get(cals, owner) : NULL;
	if (!json_object_is_type(c, json_type_object)) {
		cv_json_add_bool(o, "available", 1);
		cv_json_add_str(o, "reason", "no owner calendar configured");
		return o;
	}
	ws = member(c, "unavailable_windows", "blackout_windows");
	for (i = 0; json_object_is_type(ws, json_type_array) &&
	    i < alen(ws); i++) {
		w = json_object_array_get_idx(ws, i);
		if (!json_object_is_type(w, json_type_object) ||
		    window_holds(w, now, &s, &e) != 0)
			continue;
		why = str_of(w, "reason", NULL);
		cv_json_add_bool(o, "available", 0);
		cv_json_add_str(o, "reason", *why != '\0' ? why :
		    "owner calendar unavailable");
		add_ts(o, "start_at", s);
		add_ts(o, "end_at", e);
		return o;
	}
	why = str_of(c, "reason", NULL);
	av = !(cv_json_bool(c, "available", &av) == CV_JGET_OK && !av);
	cv_json_add_bool(o, "available", av);
	cv_json_add_str(o, "reason", *why != '\0' ? why : av ?
	    "owner calendar available" : "owner calendar unavailable");
	return o;
}

/*
 * The owner routes of a schedule summary under policy at now: owners
 * (none: release-governance) x their rule's providers (else eligible,
 * else the schedule's, else webhook), narrowed to requested when it
 * holds any.  New array.
 */
static struct json_object *
owner_routes(struct cv_wf_ctx *ctx, struct json_object *sched,
    struct json_object *policy, struct json_object *eligible,
    struct json_object *requested)
{
	struct cv_arena		*ar = ctx->req->arena;
	struct json_object	*routes, *owners, *base, *rule, *provs, *rt,
				*w;
	const char		*sid, *owner, *prov, *esc;
	size_t			 i, j;

	sid = str_of(sched, "schedule_id", NULL);
	owners = member(sched, "owners", NULL);
	base = eligible != NULL && alen(eligible) > 0 ?
	    json_object_get(eligible) : uniq_sorted(ar, member(sched,
	    "notification_providers", NULL));
	if (alen(base) == 0)
		json_object_array_add(base, json_object_new_string("webhook"));
	routes = json_object_new_array();
	for (i = 0; i < (alen(owners) > 0 ?
	    alen(owners) : 1); i++) {
		owner = alen(owners) > 0 ?
		    json_object_get_string(json_object_array_get_idx(owners,
		    i)) : OWNER_DEFAULT;
		rule = owner_rule(policy, owner);
		provs = rule_providers(ar, rule, base);
		esc = str_of(rule, "escalation_owner", NULL);
		if (*esc == '\0')
			esc = str_of(rule, "manager", NULL);
		for (j = 0; j < alen(provs); j++) {
			prov = json_object_get_string(
			    json_object_array_get_idx(provs, j));
			if (requested != NULL &&
			    alen(requested) > 0 &&
			    !cv_json_has_str(requested, prov))
				continue;
			rt = json_object_new_object();
			cv_json_add_str(rt, "route_key", cv_wf_id_text(ar,
			    "gordroute", cv_arena_printf(ar, "%s|%s|%s", sid,
			    prov, owner)));
			cv_json_add_str(rt, "schedule_id", sid);
			cv_json_add_str(rt, "provider", prov);
			cv_json_add_str(rt, "owner", owner);
			cv_json_add_int(rt, "acknowledgement_minutes",
			    ack_minutes(ar, policy, owner, prov, member(rule,
			    "acknowledgement_minutes", NULL)));
			cv_json_add_str(rt, "escalation_owner", *esc != '\0' ?
			    esc : owner);
			w = maintenance(policy, ctx->t, sid, prov, owner);
			json_object_object_add(rt, "maintenance_window", w);
			json_object_object_add(rt, "owner_availability",
			    availability(policy, owner, ctx->t));
			json_object_array_add(routes, rt);
		}
		json_object_put(rule);
		json_object_put(provs);
	}
	json_object_put(base);
	return routes;
}

/* The routing policy of a delivery: body (may be NULL) with the
 * schedule's owner routes, maintenance windows and owner calendars for
 * the keys it lacks.  New object. */
static struct json_object *
effective_policy(struct json_object *body, struct json_object *sched)
{
	static const char *const keys[] = { "owner_routes", "routing_rules",
		"maintenance_windows", "owner_calendars", NULL };
	struct json_object	*p, *v;
	const char *const	*k;

	p = json_object_new_object();
	if (body != NULL) {
		json_object_object_foreach(body, key, val)
			json_object_object_add(p, key, json_object_get(val));
	}
	for (k = keys; *k != NULL; k++)
		if (!json_object_object_get_ex(p, *k, NULL) &&
		    json_object_object_get_ex(sched, *k, &v))
			json_object_object_add(p, *k, json_object_get(v));
	return p;
}

/* The alert level of a schedule status. */
static const char *
level_of(const char *status)
{
	return strcmp(status, "needs_attention") == 0 ? "critical" :
	    strcmp(status, "due_soon") == 0 ? "warning" : "healthy";
}

/* A comma list (not "all") as a new array of its trimmed items, or NULL
 * for "all". */
static struct json_object *
requested_list(struct cv_arena *ar, const char *req)
{
	struct json_object	*out;
	char			*copy, *tok, *save, *e;

	if (req == NULL || strcmp(req, "all") == 0)
		return NULL;
	out = json_object_new_array();
	copy = cv_arena_strdup(ar, req);
	for (tok = strtok_r(copy, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		while (*tok == ' ' || *tok == '\t')
			tok++;
		e = tok + strlen(tok);
		while (e > tok && (e[-1] == ' ' || e[-1] == '\t'))
			*--e = '\0';
		if (*tok != '\0')
			json_object_array_add(out, json_object_new_string(tok));
	}
	return out;
}

/*
 * The notification plan of a schedule report (§10.1): eligible
 * providers (the schedule's, else the configured connectors, else
 * webhook; narrowed by the requested comma list unless "all"), one
 * route decision per owner route: deliver when the schedule needs
 * attention or is due soon (or force), unless a maintenance window or
 * the owner's calendar suppresses it.  New object.
 */
static struct json_object *
plan_new(struct cv_wf_ctx *ctx, struct json_object *report,
    const char *requested, int force, struct json_object *policy)
{
	struct cv_arena		*ar = ctx->req->arena;
	struct json_object	*sched, *elig, *req, *routes, *decs, *rt,
				*sel, *sup, *m, *p, *dl, *sl, *av, *e;
	const char		*status, *names[CV_WF_PROVIDERS_MAX], *why;
	size_t			 i, n;
	int64_t			 nd = 0, ns = 0, nm = 0, nc = 0;
	int			 notify;

	sched = json_object_object_get(report, "schedule");
	status = cv_json_str_or(report, "status", "not_requested");
	elig = json_object_new_array();
	e = member(sched, "notification_providers", NULL);
	for (i = 0; i < alen(e); i++)
		json_object_array_add(elig, json_object_get(
		    json_object_array_get_idx(e, i)));
	if (alen(elig) == 0) {
		n = cv_connector_names(names, nitems(names));
		for (i = 0; i < n; i++)
			json_object_array_add(elig,
			    json_object_new_string(names[i]));
	}
	if (alen(elig) == 0)
		json_object_array_add(elig, json_object_new_string("webhook"));
	if ((req = requested_list(ar, requested)) != NULL) {
		e = elig;
		elig = json_object_new_array();
		for (i = 0; i < alen(e); i++)
			if (cv_json_has_str(req, json_object_get_string(
			    json_object_array_get_idx(e, i))))
				json_object_array_add(elig, json_object_get(
				    json_object_array_get_idx(e, i)));
		json_object_put(e);
	}
	notify = force || strcmp(status, "needs_attention") == 0 ||
	    strcmp(status, "due_soon") == 0;
	routes = owner_routes(ctx, sched, policy, elig, req);
	decs = json_object_new_array();
	dl = json_object_new_array();
	sl = json_object_new_array();
	for (i = 0; i < alen(routes); i++) {
		rt = cv_json_sorted_new(json_object_array_get_idx(routes, i));
		av = json_object_object_get(rt, "owner_availability");
		if (!notify) {
			cv_json_add_str(rt, "action", "suppress");
			cv_json_add_str(rt, "reason", "rollback drill schedule "
			    "is healthy; notification suppressed");
		} else if (json_object_object_get(rt, "maintenance_window") !=
		    NULL) {
			cv_json_add_str(rt, "action", "suppress");
			cv_json_add_str(rt, "reason", "matching maintenance "
			    "window is active");
			nm++;
		} else if (!json_object_get_boolean(json_object_object_get(av,
		    "available"))) {
			why = str_of(av, "reason", NULL);
			cv_json_add_str(rt, "action", "suppress");
			cv_json_add_str(rt, "reason", *why != '\0' ? why :
			    "owner calendar marks route unavailable");
			nc++;
		} else
			cv_json_add_str(rt, "action", "deliver");
		if (strcmp(cv_json_str_or(rt, "action", ""), "deliver") == 0) {
			cv_json_add_str(rt, "reason", "rollback drill is stale "
			    "or due soon");
			json_object_array_add(dl, json_object_get(
			    json_object_object_get(rt, "provider")));
			nd++;
		} else {
			json_object_array_add(sl, json_object_get(
			    json_object_object_get(rt, "provider")));
			ns++;
		}
		json_object_array_add(decs, rt);
	}
	sel = uniq_sorted(ar, dl);
	sup = uniq_sorted(ar, sl);
	json_object_put(dl);
	json_object_put(sl);
	if (alen(sup) == 0)
		for (i = 0; i < alen(elig); i++) {
			e = json_object_array_get_idx(elig, i);
			if (!cv_json_has_str(sel, json_object_get_string(e)))
				json_object_array_add(sup, json_object_get(e));
		}
	m = json_object_new_object();
	cv_json_add_str(m, "schedule_id", str_of(sched, "schedule_id", NULL));
	cv_json_add_str(m, "status", status);
	json_object_object_add(m, "route_decisions", json_object_get(decs));
	cv_json_add_str(m, "generated_by", ctx->by);
	p = json_object_new_object();
	cv_json_add_str(p, "schema_version", c0_plan.schema);
	cv_json_add_str(p, "product", CV_PRODUCT);
	cv_json_add_str(p, "plan_id", cv_wf_id(ar, c0_plan.prefix, m, NULL));
	json_object_put(m);
	cv_json_add_str(p, "schedule_id", str_of(sched, "schedule_id", NULL));
	cv_json_add_str(p, "generated_at", ctx->now);
	cv_json_add_str(p, "generated_by", ctx->by);
	cv_json_add_str(p, "status", status);
	cv_json_add_str(p, "alert_level", level_of(status));
	json_object_object_add(p, "eligible_providers", elig);
	json_object_object_add(p, "selected_providers", sel);
	json_object_object_add(p, "acknowledgement_required_providers",
	    json_object_get(sel));
	json_object_object_add(p, "suppressed_providers", sup);
	json_object_object_add(p, "owners", json_object_get(member(sched,
	    "owners", NULL)));
	json_object_object_add(p, "owner_routes", routes);
	json_object_object_add(p, "route_decisions", decs);
	cv_json_add_int(p, "deliverable_route_count", nd);
	cv_json_add_int(p, "suppressed_route_count", ns);
	cv_json_add_int(p, "maintenance_suppressed_count", nm);
	cv_json_add_int(p, "calendar_suppressed_count", nc);
	cv_json_add_str(p, "next_due_at", str_of(sched, "next_due_at", NULL));
	cv_json_add_str(p, "reason", nd > 0 ? "rollback drill is stale or due "
	    "soon" : "rollback drill notification routes are suppressed");
	cv_json_add_strv(p, "controls", plan_controls);
	json_object_put(req);
	return p;
}

/* The notification event of a schedule report (§10.1).  New object. */
static struct json_object *
event_new(struct cv_wf_ctx *ctx, struct json_object *report,
    struct json_object *policy)
{
	struct cv_arena		*ar = ctx->req->arena;
	struct json_object	*sched, *hist, *ev, *sum, *pp, *o, *facts,
				*f, *sec, *lab;
	const char		*status, *level, *sid, *title, *msg, *text;
	static const char *const sum_keys[] = { "days_until_due",
		"interval_days", NULL };
	const char *const	*k;

	sched = json_object_object_get(report, "schedule");
	hist = json_object_object_get(report, "history");
	status = cv_json_str_or(report, "status", "not_requested");
	level = level_of(status);
	sid = str_of(sched, "schedule_id", NULL);
	title = cv_arena_printf(ar, "CAVRA Go rollback drill schedule %s",
	    level);
	msg = cv_arena_printf(ar, "Go backend rollback drill status is %s; "
	    "next due at %s.", status, *str_of(sched, "next_due_at", NULL) !=
	    '\0' ? str_of(sched, "next_due_at", NULL) : "unknown");
	ev = json_object_new_object();
	cv_json_add_str(ev, "schema_version", GO_SCHEMA("notification"));
	cv_json_add_str(ev, "product", CV_PRODUCT);
	cv_json_add_str(ev, "event_type",
	    "cavra.go_backend.rollback_drill.notification");
	cv_json_add_str(ev, "session_id", *sid != '\0' ? sid :
	    "go-backend-rollback-drill-schedule");
	cv_json_add_str(ev, "schedule_id", sid);
	cv_json_add_str(ev, "generated_at", ctx->now);
	cv_json_add_str(ev, "generated_by", ctx->by);
	cv_json_add_str(ev, "alert_level", level);
	cv_json_add_str(ev, "status", status);
	cv_json_add_str(ev, "mode", cv_json_str_or(report, "mode",
	    "disabled"));
	cv_json_add_str(ev, "title", title);
	sum = json_object_new_object();
	cv_json_add_str(sum, "environment", str_of(sched, "environment",
	    NULL));
	cv_json_add_str(sum, "latest_drill_id", str_of(hist,
	    "latest_drill_id", NULL));
	cv_json_add_str(sum, "latest_executed_at", str_of(hist,
	    "latest_executed_at", NULL));
	cv_json_add_str(sum, "next_due_at", str_of(sched, "next_due_at",
	    NULL));
	for (k = sum_keys; *k != NULL; k++)
		json_object_object_add(sum, *k, json_object_get(member(sched,
		    *k, NULL)));
	cv_json_add_bool(sum, "stale", json_object_get_boolean(member(sched,
	    "stale", NULL)));
	cv_json_add_bool(sum, "due_soon", json_object_get_boolean(
	    member(sched, "due_soon", NULL)));
	json_object_object_add(ev, "summary", sum);
	json_object_object_add(ev, "owners", json_object_get(member(sched,
	    "owners", NULL)));
	json_object_object_add(ev, "notification_providers", json_object_get(
	    member(sched, "notification_providers", NULL)));
	json_object_object_add(ev, "owner_routes", owner_routes(ctx, sched,
	    policy, NULL, NULL));
	cv_json_add_str(ev, "runbook_ref", str_of(sched, "runbook_ref", NULL));
	json_object_object_add(ev, "evidence_refs", json_object_get(
	    member(hist, "evidence_refs", NULL)));
	cv_json_add_strv(ev, "controls", event_controls);

	pp = json_object_new_object();
	o = cv_json_sorted_new(ev);
	cv_json_add_str(o, "provider", "webhook");
	json_object_object_add(pp, "webhook", o);
	o = json_object_new_object();
	cv_json_add_str(o, "text", cv_arena_printf(ar, "%s: %s", title, msg));
	json_object_object_add(o, "metadata", json_object_get(sum));
	json_object_object_add(pp, "slack", o);
	facts = json_object_new_array();
	json_object_object_foreach(sum, key, val) {
		f = json_object_new_object();
		cv_json_add_str(f, "name", key);
		cv_json_add_str(f, "value", json_object_is_type(val,
		    json_type_string) ? json_object_get_string(val) :
		    json_object_to_json_string(val));
		json_object_array_add(facts, f);
	}
	sec = json_object_new_object();
	json_object_object_add(sec, "facts", facts);
	o = json_object_new_object();
	cv_json_add_str(o, "type", "message");
	cv_json_add_str(o, "title", title);
	cv_json_add_str(o, "text", msg);
	json_object_object_add(o, "sections", json_object_new_array());
	json_object_array_add(json_object_object_get(o, "sections"), sec);
	json_object_object_add(pp, "teams", o);
	text = cv_json_canonical(ar, ev);
	o = json_object_new_object();
	cv_json_add_str(o, "summary", title);
	cv_json_add_str(o, "description", text);
	lab = json_object_new_array();
	json_object_array_add(lab, json_object_new_string("cavra"));
	json_object_array_add(lab, json_object_new_string("go-backend"));
	json_object_array_add(lab, json_object_new_string("rollback-drill"));
	json_object_object_add(o, "labels", lab);
	json_object_object_add(pp, "jira", o);
	o = json_object_new_object();
	cv_json_add_str(o, "short_description", title);
	cv_json_add_str(o, "description", text);
	cv_json_add_str(o, "category", "software");
	cv_json_add_str(o, "correlation_id", cv_json_str_or(ev, "session_id",
	    ""));
	json_object_object_add(pp, "servicenow", o);
	json_object_object_add(ev, "provider_payloads", pp);
	return ev;
}

/* ---- builders: schedule, delivery, acknowledgements ----------------- */

/* GET rollback-drill-schedule: the report of go_pilot.c; writes
 * nothing. */
static enum cv_err
build_schedule(struct cv_wf_ctx *ctx, struct json_object **answer)
{
	*answer = go_schedule_report(ctx->req->arena, ctx->t);
	return CV_OK;
}

/*
 * POST RDN/deliver (C0 DELIVER, §8 row 10): 400 without a connector
 * config or for a body member of the wrong type; the schedule report,
 * the notification plan (provider, force, routing_policy) stored, the
 * event delivered to the selected providers (retries, timeout_seconds)
 * and its redacted delivery record stored.  Answers {schedule, plan,
 * delivery, plan_metadata, metadata, success, event_id}; success is
 * true when nothing had to be sent.
 */
static enum cv_err
build_deliver(struct cv_wf_ctx *ctx, struct json_object **answer)
{
	struct json_object	*pol, *report, *policy, *plan, *rec, *ev,
				*res = NULL, *rcd = NULL, *sel, *o;
	const char		*prov, *sid;
	int			 force;
	enum cv_err		 rc;

	if ((rc = cv_wf_need_connector(ctx)) != CV_OK ||
	    (rc = cv_wf_str(ctx, "provider", &prov)) != CV_OK ||
	    (rc = cv_wf_bool(ctx, "force", 0, &force)) != CV_OK ||
	    (rc = cv_wf_obj(ctx, "routing_policy", &pol)) != CV_OK)
		return rc;
	report = go_schedule_report(ctx->req->arena, ctx->t);
	policy = effective_policy(pol, json_object_object_get(report,
	    "schedule"));
	plan = plan_new(ctx, report, prov != NULL && *prov != '\0' ? prov :
	    "all", force, policy);
	rec = cv_wf_keep(ctx, &c0_plan, plan, (int64_t)
	    alen(json_object_object_get(plan,
	    "eligible_providers")), strcmp(cv_json_str_or(plan, "alert_level",
	    ""), "critical") == 0, strcmp(cv_json_str_or(plan, "alert_level",
	    ""), "warning") == 0, plan_index);
	ev = event_new(ctx, report, policy);
	json_object_object_add(ev, "notification_plan", json_object_get(plan));
	sel = json_object_object_get(plan, "selected_providers");
	if (alen(sel) > 0 && (rc = cv_wf_deliver(ctx, ev,
	    cv_wf_joined(ctx->req->arena, sel), SRC_C0, NULL, &res, &rcd)) !=
	    CV_OK)
		goto out;
	sid = str_of(plan, "schedule_id", NULL);
	o = json_object_new_object();
	json_object_object_add(o, "schedule", json_object_get(report));
	json_object_object_add(o, "plan", json_object_get(plan));
	json_object_object_add(o, "delivery", json_object_get(res));
	json_object_object_add(o, "plan_metadata", json_object_get(rec));
	json_object_object_add(o, "metadata", json_object_get(rcd));
	cv_json_add_bool(o, "success", res == NULL ||
	    json_object_get_boolean(json_object_object_get(res, "success")));
	cv_json_add_str(o, "event_id", *sid != '\0' ? sid : str_of(plan,
	    "plan_id", NULL));
	*answer = o;
out:
	json_object_put(report);
	json_object_put(policy);
	json_object_put(plan);
	json_object_put(ev);
	json_object_put(res);
	return rc;
}

/* Whether a stored notification plan (among plans) names schedule
 * sid. */
static int
schedule_known(struct json_object *plans, const char *sid)
{
	size_t	 i;

	for (i = 0; i < alen(plans); i++)
		if (strcmp(cv_json_str_or(json_object_array_get_idx(plans, i),
		    "schedule_id", ""), sid) == 0)
			return 1;
	return 0;
}

/* A route's string (or the body's fallback when the route has none);
 * CV_EINVAL with the problem set for a non-string. */
static enum cv_err
route_str(struct cv_wf_ctx *ctx, struct json_object *rt, const char *key,
    const char *dflt, const char **out)
{
	enum cv_jget	 g;

	g = cv_json_str(rt, key, out);
	if (g == CV_JGET_TYPE)
		return cv_fail_field(ctx->req, CV_EINVAL, key, "%s of a route "
		    "must be a string", key);
	if (g == CV_JGET_ABSENT || **out == '\0')
		*out = dflt != NULL ? dflt : "";
	return CV_OK;
}

/*
 * POST RDN/acknowledgements/bulk (§10.2): routes (1..100 objects with
 * schedule_id and provider; external_ref, notes, plan_id falling back
 * to the body's), acknowledged_by (the verified actor replaces it) and
 * one acknowledgement_state.  Unlike the reference, which stores acks
 * one by one and leaves the earlier ones stored when a later route is
 * invalid, every route is checked (shape, and that its schedule is one
 * of a stored notification plan: 404 otherwise) before any is stored,
 * so a bulk request stores all of its acknowledgements or none.
 * Answers the bulk envelope.
 */
static enum cv_err
build_bulk(struct cv_wf_ctx *ctx, struct json_object **answer)
{
	struct cv_req		*req = ctx->req;
	struct json_object	*routes, *plans = NULL, *rt, *ack, *rec, *m,
				*acks, *metas, *o;
	const char		*by, *state, *ref, *notes, *pid, *sid, *prov,
				*r_ref, *r_notes, *r_pid, *id, *first = "";
	char			 err[512];
	size_t			 i, n;
	enum cv_err		 rc;

	if ((rc = cv_wf_arr(ctx, "routes", &routes)) != CV_OK ||
	    (rc = cv_wf_str(ctx, "acknowledged_by", &by)) != CV_OK ||
	    (rc = cv_wf_str(ctx, "acknowledgement_state", &state)) != CV_OK ||
	    (rc = cv_wf_str(ctx, "external_ref", &ref)) != CV_OK ||
	    (rc = cv_wf_str(ctx, "notes", &notes)) != CV_OK ||
	    (rc = cv_wf_str(ctx, "plan_id", &pid)) != CV_OK)
		return rc;
	if (routes == NULL || (n = alen(routes)) == 0)
		return cv_fail_field(req, CV_EINVAL, "routes",
		    "routes are required");
	if (n > CV_WF_BULK_ACKS_MAX)
		return cv_fail_field(req, CV_EINVAL, "routes", "bulk "
		    "acknowledgement is limited to %d routes",
		    CV_WF_BULK_ACKS_MAX);
	if (ctx->actor != NULL)
		by = ctx->actor->actor;
	if (by == NULL || *by == '\0')
		return cv_fail_field(req, CV_EINVAL, "acknowledged_by",
		    "acknowledged_by is required");
	if (cv_wf_state(req->arena, &ack_vocab, state, &state, err,
	    sizeof(err)) != CV_OK)
		return cv_fail_field(req, CV_EINVAL, "acknowledgement_state",
		    "%s", err);
	ctx->by = by;
	if ((rc = cv_wf_load(ctx, c0_plan.kind, &plans)) != CV_OK)
		return rc;
	for (i = 0; i < n; i++) {
		rt = json_object_array_get_idx(routes, i);
		if (!json_object_is_type(rt, json_type_object)) {
			rc = cv_fail(req, CV_EINVAL, "each route must be an "
			    "object");
			goto out;
		}
		if ((rc = route_str(ctx, rt, "schedule_id", NULL, &sid)) !=
		    CV_OK || (rc = route_str(ctx, rt, "provider", NULL,
		    &prov)) != CV_OK || (rc = route_str(ctx, rt,
		    "external_ref", ref, &r_ref)) != CV_OK ||
		    (rc = route_str(ctx, rt, "notes", notes, &r_notes)) !=
		    CV_OK || (rc = route_str(ctx, rt, "plan_id", pid,
		    &r_pid)) != CV_OK)
			goto out;
		if (*sid == '\0' || *prov == '\0') {
			rc = cv_fail(req, CV_EINVAL, "each route requires "
			    "schedule_id and provider");
			goto out;
		}
		if (!schedule_known(plans, sid)) {
			rc = cv_fail(req, CV_ENOENT, "rollback drill schedule "
			    "not found");
			goto out;
		}
	}
	acks = json_object_new_array();
	metas = json_object_new_array();
	for (i = 0; i < n; i++) {
		rt = json_object_array_get_idx(routes, i);
		(void)route_str(ctx, rt, "schedule_id", NULL, &sid);
		(void)route_str(ctx, rt, "provider", NULL, &prov);
		(void)route_str(ctx, rt, "external_ref", ref, &r_ref);
		(void)route_str(ctx, rt, "notes", notes, &r_notes);
		(void)route_str(ctx, rt, "plan_id", pid, &r_pid);
		m = json_object_new_object();
		cv_json_add_str(m, "schedule_id", sid);
		cv_json_add_str(m, "provider", prov);
		cv_json_add_str(m, "acknowledged_by", by);
		cv_json_add_str(m, "acknowledgement_state", state);
		cv_json_add_str(m, "acknowledged_at", ctx->now);
		cv_json_add_str(m, "plan_id", r_pid);
		cv_json_add_int(m, "route_index", (int64_t)i);
		id = cv_wf_id(req->arena, c0_ack.prefix, m, NULL);
		json_object_put(m);
		if (i == 0)
			first = id;
		ack = json_object_new_object();
		cv_json_add_str(ack, "schema_version", c0_ack.schema);
		cv_json_add_str(ack, "acknowledgement_id", id);
		cv_json_add_str(ack, "schedule_id", sid);
		cv_json_add_str(ack, "plan_id", r_pid);
		cv_json_add_str(ack, "provider", prov);
		cv_json_add_str(ack, "acknowledgement_state", state);
		cv_json_add_str(ack, "acknowledged_by", by);
		cv_json_add_str(ack, "acknowledged_at", ctx->now);
		cv_json_add_str(ack, "external_ref", r_ref);
		cv_json_add_str(ack, "notes", r_notes);
		rec = cv_wf_keep(ctx, &c0_ack, ack, 1, 0, 0, ack_index);
		json_object_array_add(acks, ack);
		json_object_array_add(metas, json_object_get(rec));
	}
	o = json_object_new_object();
	cv_json_add_str(o, "schema_version", GO_SCHEMA("bulk-acknowledgement"));
	cv_json_add_str(o, "product", CV_PRODUCT);
	cv_json_add_str(o, "bulk_id", cv_arena_printf(req->arena,
	    "gordbulkack-%zu-%s", n, first));
	cv_json_add_str(o, "acknowledgement_state", state);
	cv_json_add_int(o, "acknowledgement_count", (int64_t)n);
	json_object_object_add(o, "acknowledgements", acks);
	json_object_object_add(o, "metadata", metas);
	*answer = o;
out:
	json_object_put(plans);
	return rc;
}

/* ---- loading the go-pilot records ----------------------------------- */

/* Newest first (created_at, then session_id, both descending). */
static int
newest_first(const void *a, const void *b)
{
	struct json_object *const *x = a, *const *y = b;
	int	 d;

	d = strcmp(cv_json_str_or(*y, "created_at", ""),
	    cv_json_str_or(*x, "created_at", ""));
	if (d == 0)
		d = strcmp(cv_json_str_or(*y, "session_id", ""),
		    cv_json_str_or(*x, "session_id", ""));
	return d;
}

/* Every record of go_kinds[] and every connector delivery record of a
 * go-pilot source, newest first, into *out (new). */
static enum cv_err
load_go(struct cv_wf_ctx *ctx, struct json_object **out)
{
	struct json_object	*all, *part, *r;
	size_t			 i, k;
	enum cv_err		 rc;

	*out = NULL;
	all = json_object_new_array();
	for (k = 0; k <= nitems(go_kinds); k++) {
		if ((rc = cv_wf_load(ctx, k < nitems(go_kinds) ?
		    go_kinds[k].kind : CV_WF_RCD_KIND, &part)) != CV_OK) {
			json_object_put(all);
			return rc;
		}
		for (i = 0; i < alen(part); i++) {
			r = json_object_array_get_idx(part, i);
			if (k == nitems(go_kinds) && strncmp(cv_json_str_or(r,
			    "connector_delivery_source", ""), SRC_GO,
			    strlen(SRC_GO)) != 0)
				continue;
			json_object_array_add(all, json_object_get(r));
		}
		json_object_put(part);
	}
	json_object_array_sort(all, newest_first);
	*out = all;
	return CV_OK;
}

/* The go_kinds[] row of kind, or NULL. */
static const struct go_kind *
kind_row(const char *kind)
{
	size_t	 i;

	for (i = 0; i < nitems(go_kinds); i++)
		if (strcmp(go_kinds[i].kind, kind) == 0)
			return &go_kinds[i];
	return NULL;
}

/* Whether r is a connector delivery record. */
static int
is_rcd(struct json_object *r)
{
	return strcmp(cv_json_str_or(r, "metadata_kind", ""),
	    CV_WF_RCD_KIND) == 0;
}

/* ---- the umbrella history (§10.10) ---------------------------------- */

/* Whether array member key of o holds s. */
static int
has(struct json_object *o, const char *key, const char *s)
{
	return cv_json_has_str(json_object_object_get(o, key), s);
}

/* The provider filter: the record's provider or provider lists, or a
 * route of an embedded audit package. */
static int
provider_admits(struct json_object *r, const char *q)
{
	struct json_object	*pk, *routes;
	size_t			 i;

	if (strcmp(cv_json_str_or(r, "provider", ""), q) == 0 ||
	    has(r, "selected_providers", q) || has(r, "providers", q) ||
	    has(r, "failed_providers", q))
		return 1;
	pk = json_object_object_get(r, "acknowledgement_audit_package");
	routes = member(pk, "routes", NULL);
	for (i = 0; json_object_is_type(routes, json_type_array) &&
	    i < alen(routes); i++)
		if (strcmp(str_of(json_object_array_get_idx(routes, i),
		    "provider", NULL), q) == 0)
			return 1;
	return 0;
}

/* The connector_delivery_source filter: the record's source, and for
 * the audit source every acknowledgement audit kind, for the auditor
 * export source the final export kinds. */
static int
source_admits(struct json_object *r, const char *q)
{
	const struct go_kind	*k;
	const char		*kind;

	if (strcmp(cv_json_str_or(r, "connector_delivery_source", ""), q) ==
	    0)
		return 1;
	if (is_rcd(r))
		return 0;
	kind = cv_json_str_or(r, "metadata_kind", "");
	if (strcmp(q, SRC_GAA) == 0)
		return strncmp(kind, GBRD_AAD, sizeof(GBRD_AAD) - 1) == 0 ||
		    strcmp(kind, GBRD "acknowledgement-audit-package") == 0;
	return strcmp(q, SRC_EXPORT) == 0 && (k = kind_row(kind)) != NULL &&
	    k->export;
}

/* The umbrella filters of the query; *ok 0 when r is filtered out. */
static enum cv_err
history_admits(struct cv_wf_ctx *ctx, struct json_object *r, int *ok)
{
	struct cv_req		*req = ctx->req;
	struct json_object	*p;
	const char		*q;
	int			 b;
	enum cv_err		 rc;

	*ok = 0;
	if ((q = cv_query(req, "schedule_id")) != NULL &&
	    strcmp(cv_json_str_or(r, "schedule_id", ""), q) != 0 &&
	    strcmp(cv_json_str_or(r, "event_id", ""), q) != 0 &&
	    strcmp(str_of(json_object_object_get(r, "plan"), "schedule_id",
	    NULL), q) != 0)
		return CV_OK;
	if ((q = cv_query(req, "provider")) != NULL && !provider_admits(r, q))
		return CV_OK;
	if ((q = cv_query(req, "metadata_kind")) != NULL &&
	    strcmp(cv_json_str_or(r, "metadata_kind", ""), q) != 0)
		return CV_OK;
	if ((q = cv_query(req, "acknowledgement_state")) != NULL &&
	    strcmp(cv_json_str_or(r, "acknowledgement_state", ""),
	    cv_wf_norm(req->arena, q)) != 0)
		return CV_OK;
	if ((q = cv_query(req, "connector_delivery_source")) != NULL &&
	    !source_admits(r, q))
		return CV_OK;
	if (cv_query(req, "delivery_success") != NULL) {
		if ((rc = cv_query_bool(req, "delivery_success", 0, &b)) !=
		    CV_OK)
			return rc;
		if (!is_rcd(r) || json_object_get_boolean(
		    json_object_object_get(r, "delivery_success")) != b)
			return CV_OK;
	}
	if ((q = cv_query(req, "alert_level")) != NULL &&
	    strcmp(cv_json_str_or(r, "alert_level", ""), q) != 0)
		return CV_OK;
	p = json_object_object_get(r, "acknowledgement_audit_delivery_plan");
	if ((q = cv_query(req, "audit_id")) != NULL &&
	    strcmp(cv_json_str_or(r, "audit_id", ""), q) != 0 &&
	    strcmp(str_of(p, "audit_id", NULL), q) != 0)
		return CV_OK;
	if ((q = cv_query(req, "delivery_id")) != NULL &&
	    strcmp(cv_json_str_or(r, "delivery_id", ""), q) != 0 &&
	    strcmp(cv_json_str_or(r, "event_id", ""), q) != 0 &&
	    strcmp(cv_json_str_or(r, "session_id", ""), q) != 0)
		return CV_OK;
	if ((q = cv_query(req, "cadence")) != NULL &&
	    strcmp(str_of(p, "cadence", NULL), q) != 0 &&
	    strcmp(str_of(member(json_object_object_get(r,
	    "acknowledgement_audit_delivery_worker_run"), "schedule", NULL),
	    "cadence", NULL), q) != 0)
		return CV_OK;
	*ok = 1;
	return CV_OK;
}

/* A page {schema_version, product, items, total, limit, offset} of
 * rows (consumed) already filtered, newest first. */
static struct json_object *
page(const char *schema, struct json_object *rows, size_t limit,
    size_t offset)
{
	struct json_object	*o, *items;
	size_t			 i, n = alen(rows);

	items = json_object_new_array();
	for (i = offset; i < n && i - offset < limit; i++)
		json_object_array_add(items, json_object_get(
		    json_object_array_get_idx(rows, i)));
	o = json_object_new_object();
	cv_json_add_str(o, "schema_version", schema);
	cv_json_add_str(o, "product", CV_PRODUCT);
	json_object_object_add(o, "items", items);
	cv_json_add_int(o, "total", (int64_t)n);
	cv_json_add_int(o, "limit", (int64_t)limit);
	cv_json_add_int(o, "offset", (int64_t)offset);
	json_object_put(rows);
	return o;
}

/*
 * GET RDN: every go-pilot record and go-pilot connector delivery,
 * filtered (schedule_id, provider, metadata_kind, acknowledgement_state,
 * connector_delivery_source, delivery_success, alert_level, audit_id,
 * delivery_id, cadence: §10.10), newest first, paged (limit 1..500,
 * default 50).  The filters look into embedded payloads, which the
 * library's field filters (cv_wf_filter) do not: a predicate per
 * filter in cv_wf_filter is a candidate for lib/wfstep.c.
 */
static enum cv_err
build_history(struct cv_wf_ctx *ctx, struct json_object **answer)
{
	struct json_object	*all = NULL, *rows, *r;
	size_t			 limit, offset, i;
	int			 ok;
	enum cv_err		 rc;

	if ((rc = cv_query_page(ctx->req, &limit, &offset)) != CV_OK ||
	    (rc = load_go(ctx, &all)) != CV_OK)
		return rc;
	rows = json_object_new_array();
	for (i = 0; i < alen(all); i++) {
		r = json_object_array_get_idx(all, i);
		if ((rc = history_admits(ctx, r, &ok)) != CV_OK) {
			json_object_put(rows);
			json_object_put(all);
			return rc;
		}
		if (ok)
			json_object_array_add(rows, json_object_get(r));
	}
	json_object_put(all);
	*answer = page(GO_SCHEMA("notification-history"), rows, limit, offset);
	return CV_OK;
}

/* ---- the dashboard (§12) -------------------------------------------- */

/* A kind's base name: the kind without GBRD, '-' made '_'
 * (GBRD_AAD "x-y" -> "acknowledgement_audit_delivery_x_y"); arena. */
static char *
kind_base(struct cv_arena *ar, const char *kind)
{
	char	*s, *p;

	s = cv_arena_strdup(ar, strncmp(kind, GBRD, sizeof(GBRD) - 1) == 0 ?
	    kind + sizeof(GBRD) - 1 : kind);
	for (p = s; *p != '\0'; p++)
		if (*p == '-')
			*p = '_';
	return s;
}

/* base without the suffix suf, when it ends so; arena. */
static char *
trim(struct cv_arena *ar, const char *base, const char *suf)
{
	size_t	 n = strlen(base), m = strlen(suf);

	if (n > m && strcmp(base + n - m, suf) == 0)
		return cv_arena_strndup(ar, base, n - m);
	return cv_arena_strdup(ar, base);
}

/* Adds n to the integer member key of o. */
static void
bump(struct json_object *o, const char *key, int64_t n)
{
	cv_json_add_int(o, key, json_object_get_int64(
	    json_object_object_get(o, key)) + n);
}

/* Whether any acknowledgement among acks (records, newest first) with
 * a done state names (sid, prov). */
static int
acknowledged(struct json_object *acks, const char *sid, const char *prov)
{
	struct json_object	*a;
	size_t			 i;

	for (i = 0; i < alen(acks); i++) {
		a = json_object_array_get_idx(acks, i);
		if (strcmp(cv_json_str_or(a, "schedule_id", ""), sid) == 0 &&
		    strcmp(cv_json_str_or(a, "provider", ""), prov) == 0 &&
		    cv_wf_done(&ack_vocab, cv_json_str_or(a,
		    "acknowledgement_state", "")))
			return 1;
	}
	return 0;
}

/* The newest plan record of each schedule among plans (newest first);
 * new array of shared references. */
static struct json_object *
latest_per_schedule(struct json_object *plans)
{
	struct json_object	*out, *r;
	size_t			 i;

	out = json_object_new_array();
	for (i = 0; i < alen(plans); i++) {
		r = json_object_array_get_idx(plans, i);
		if (*cv_json_str_or(r, "schedule_id", "") != '\0' &&
		    !schedule_known(out, cv_json_str_or(r, "schedule_id", "")))
			json_object_array_add(out, json_object_get(r));
	}
	return out;
}

/* The records of kind among all (newest first); new array of shared
 * references. */
static struct json_object *
of_kind(struct json_object *all, const char *kind)
{
	struct json_object	*out, *r;
	size_t			 i;

	out = json_object_new_array();
	for (i = 0; i < alen(all); i++) {
		r = json_object_array_get_idx(all, i);
		if (strcmp(cv_json_str_or(r, "metadata_kind", ""), kind) == 0)
			json_object_array_add(out, json_object_get(r));
	}
	return out;
}

/* The per-kind counts of go_kinds[] over all into o. */
static void
kind_counts(struct cv_arena *ar, struct json_object *o,
    struct json_object *all)
{
	const struct go_kind	*k;
	struct json_object	*r;
	const char		*base, *st;
	size_t			 i, j;

	for (i = 0; i < nitems(go_kinds); i++) {
		k = &go_kinds[i];
		base = kind_base(ar, k->kind);
		cv_json_add_int(o, k->key != NULL ? k->key : cv_arena_printf(ar,
		    "%s_count", base), 0);
		switch (k->agg) {
		case AG_RETRY:
		case AG_STATE:
		case AG_SUM:
			cv_json_add_int(o, k->agg_key, 0);
			break;
		case AG_EXEC:
			cv_json_add_int(o, cv_arena_printf(ar, "%s_success_"
			    "count", trim(ar, base, "_record")), 0);
			cv_json_add_int(o, cv_arena_printf(ar, "%s_failed_"
			    "count", trim(ar, base, "_record")), 0);
			break;
		case AG_HEALTH:
			cv_json_add_int(o, cv_arena_printf(ar, "%s_alert_count",
			    base), 0);
			break;
		case AG_RUN:
			cv_json_add_int(o, cv_arena_printf(ar, "%s_dry_run_"
			    "count", trim(ar, base, "_run")), 0);
			cv_json_add_int(o, cv_arena_printf(ar, "%s_executed_"
			    "count", trim(ar, base, "_run")), 0);
			break;
		case AG_NONE:
			break;
		}
	}
	for (j = 0; j < alen(all); j++) {
		r = json_object_array_get_idx(all, j);
		if ((k = kind_row(cv_json_str_or(r, "metadata_kind", ""))) ==
		    NULL)
			continue;
		base = kind_base(ar, k->kind);
		bump(o, k->key != NULL ? k->key : cv_arena_printf(ar,
		    "%s_count", base), 1);
		switch (k->agg) {
		case AG_RETRY:
			bump(o, k->agg_key, json_object_get_int64(
			    json_object_object_get(r, "retryable_count")));
			break;
		case AG_STATE:
			if (cv_strv_has(k->words, cv_json_str_or(r, k->field,
			    "")))
				bump(o, k->agg_key, 1);
			break;
		case AG_SUM:
			bump(o, k->agg_key, json_object_get_int64(
			    json_object_object_get(r, k->field)));
			break;
		case AG_EXEC:
			st = cv_json_str_or(r, "execution_status", "");
			if (strcmp(st, "delivered") == 0)
				bump(o, cv_arena_printf(ar, "%s_success_count",
				    trim(ar, base, "_record")), 1);
			else if (strcmp(st, "failed") == 0 ||
			    strcmp(st, "skipped") == 0)
				bump(o, cv_arena_printf(ar, "%s_failed_count",
				    trim(ar, base, "_record")), 1);
			break;
		case AG_HEALTH:
			bump(o, cv_arena_printf(ar, "%s_alert_count", base),
			    json_object_get_int64(json_object_object_get(r,
			    "alert_count")));
			break;
		case AG_RUN:
			bump(o, cv_arena_printf(ar, "%s_%s_count", trim(ar,
			    base, "_run"), json_object_get_boolean(
			    json_object_object_get(r, "dry_run")) ? "dry_run" :
			    "executed"), 1);
			break;
		case AG_NONE:
			break;
		}
	}
}

/* The dashboard's first counts, in the reference's order (values set
 * later). */
static const char *const head_keys[] = { "plan_count", "delivery_count",
	"notification_delivery_count", "failed_delivery_count",
	"acknowledgement_count", NULL };

/*
 * GET RDN/dashboard (§12): counts over every go-pilot record and
 * go-pilot connector delivery: plans, deliveries, acknowledgements,
 * the audit deliveries and their success rate, one count per kind of
 * go_kinds[] with its sums, the deliveries of each later source, and
 * the outstanding acknowledgements (the newest plan of each schedule x
 * its acknowledgement-required providers lacking an acknowledged or
 * resolved acknowledgement).  critical when a delivery failed or an
 * acknowledgement is outstanding.  Writes nothing.
 */
static enum cv_err
build_dashboard(struct cv_wf_ctx *ctx, struct json_object **answer)
{
	struct cv_arena		*ar = ctx->req->arena;
	struct json_object	*all = NULL, *o, *plans, *acks, *latest, *out,
				*p, *row, *provs, *lst, *r, *v;
	const char		*src, *key, *sid, *prov, *const *s;
	int64_t			 rcds = 0, failed = 0, c0 = 0, gaa = 0,
				 gaa_ok = 0;
	size_t			 i, j, k;
	enum cv_err		 rc;

	if ((rc = load_go(ctx, &all)) != CV_OK)
		return rc;
	o = cv_wf_doc(ctx, GO_SCHEMA("notification-dashboard"));
	cv_json_add_str(o, "alert_level", "healthy");
	for (s = head_keys; *s != NULL; s++)
		cv_json_add_int(o, *s, 0);
	kind_counts(ar, o, all);
	plans = of_kind(all, c0_plan.kind);
	acks = of_kind(all, c0_ack.kind);
	latest = latest_per_schedule(plans);
	out = json_object_new_array();
	for (i = 0; i < alen(latest); i++) {
		p = json_object_array_get_idx(latest, i);
		sid = cv_json_str_or(p, "schedule_id", "");
		provs = json_object_object_get(p,
		    "acknowledgement_required_providers");
		for (j = 0; j < alen(provs); j++) {
			prov = json_object_get_string(
			    json_object_array_get_idx(provs, j));
			if (acknowledged(acks, sid, prov))
				continue;
			row = json_object_new_object();
			cv_json_add_str(row, "schedule_id", sid);
			cv_json_add_str(row, "provider", prov);
			cv_json_add_str(row, "plan_id", cv_json_str_or(p,
			    "plan_id", ""));
			json_object_array_add(out, row);
		}
	}
	provs = json_object_new_array();
	for (s = gaa_sources; *s != NULL; s++) {
		cv_json_add_int(o, cv_arena_printf(ar, AAD "%s_delivery_count",
		    *s), 0);
		cv_json_add_int(o, cv_arena_printf(ar, "failed_" AAD
		    "%s_delivery_count", *s), 0);
	}
	for (i = 0; i < alen(all); i++) {
		r = json_object_array_get_idx(all, i);
		if (strcmp(cv_json_str_or(r, "metadata_kind", ""),
		    GBRD_AAD "plan") == 0)
			json_object_array_add(provs, json_object_get(
			    json_object_object_get(r, "selected_providers")));
		if (!is_rcd(r))
			continue;
		rcds++;
		v = json_object_object_get(r, "delivery_success");
		if (!json_object_get_boolean(v))
			failed++;
		src = cv_json_str_or(r, "connector_delivery_source", "");
		if (strcmp(src, SRC_C0) == 0)
			c0++;
		else if (strcmp(src, SRC_GAA) == 0) {
			gaa++;
			gaa_ok += json_object_get_boolean(v);
			json_object_array_add(provs, json_object_get(
			    json_object_object_get(r, "providers")));
			json_object_array_add(provs, json_object_get(
			    json_object_object_get(r, "failed_providers")));
		} else if (strncmp(src, SRC_GAA "_", strlen(SRC_GAA) + 1) ==
		    0 && cv_strv_has(gaa_sources, src + strlen(SRC_GAA) + 1)) {
			key = cv_arena_printf(ar, AAD "%s_delivery_count",
			    src + strlen(SRC_GAA) + 1);
			bump(o, key, 1);
			if (!json_object_get_boolean(v))
				bump(o, cv_arena_printf(ar, "failed_%s", key),
				    1);
		}
	}
	lst = json_object_new_array();
	for (i = 0; i < alen(provs); i++) {
		v = json_object_array_get_idx(provs, i);
		for (k = 0; json_object_is_type(v, json_type_array) &&
		    k < alen(v); k++)
			json_object_array_add(lst, json_object_get(
			    json_object_array_get_idx(v, k)));
	}
	json_object_put(provs);
	provs = uniq_sorted(ar, lst);
	json_object_put(lst);
	cv_json_add_str(o, "alert_level", failed > 0 ||
	    alen(out) > 0 ? "critical" : "healthy");
	cv_json_add_int(o, "delivery_count", rcds);
	cv_json_add_int(o, "notification_delivery_count", c0);
	cv_json_add_int(o, "failed_delivery_count", failed);
	cv_json_add_int(o, AAD "count", gaa);
	cv_json_add_int(o, "failed_" AAD "count", gaa - gaa_ok);
	cv_json_add_int(o, AAD "success_count", gaa_ok);
	json_object_object_add(o, AAD "success_rate", gaa > 0 ?
	    json_object_new_double(rounded((double)gaa_ok / (double)gaa,
	    10000.0)) : NULL);
	json_object_object_add(o, AAD "providers", provs);
	cv_json_add_str(o, AAD "health", gaa - gaa_ok > 0 ? "critical" :
	    "healthy");
	cv_json_add_int(o, "outstanding_acknowledgement_count", (int64_t)
	    alen(out));
	lst = json_object_new_array();
	for (i = 0; i < alen(out) && i < CV_WF_OUTSTANDING_MAX;
	    i++)
		json_object_array_add(lst, json_object_get(
		    json_object_array_get_idx(out, i)));
	json_object_object_add(o, "outstanding_acknowledgements", lst);
	lst = json_object_new_array();
	for (i = 0; i < alen(all) && i < CV_WF_LATEST_MAX;
	    i++)
		json_object_array_add(lst, json_object_get(
		    json_object_array_get_idx(all, i)));
	json_object_object_add(o, "latest", lst);
	json_object_put(out);
	json_object_put(latest);
	json_object_put(plans);
	json_object_put(acks);
	json_object_put(all);
	*answer = o;
	return CV_OK;
}

/* ---- routes, suppression trends, escalation plan -------------------- */

/* The category of a route decision (§10.10). */
static const char *
category(struct json_object *d)
{
	const char	*act = str_of(d, "action", NULL);

	if (strcmp(act, "suppress") != 0)
		return *act != '\0' ? act : "deliver";
	if (json_object_is_type(member(d, "maintenance_window", NULL),
	    json_type_object))
		return "maintenance_window";
	if (json_object_is_type(member(d, "owner_availability", NULL),
	    json_type_object) && !json_object_get_boolean(member(member(d,
	    "owner_availability", NULL), "available", NULL)))
		return "owner_calendar";
	if (strstr(str_of(d, "reason", NULL), "healthy") != NULL)
		return "healthy_schedule";
	if (*str_of(d, "category", NULL) != '\0')
		return str_of(d, "category", NULL);
	return "other";
}

/* The route rows of the stored notification plans (newest plan first):
 * every route decision flattened (§10.10).  New array. */
static enum cv_err
route_rows(struct cv_wf_ctx *ctx, struct json_object **out)
{
	struct cv_arena		*ar = ctx->req->arena;
	struct json_object	*plans = NULL, *rows, *rec, *p, *ds, *d, *row,
				*m, *mw, *av;
	const char		*owner;
	size_t			 i, j;
	enum cv_err		 rc;

	*out = NULL;
	if ((rc = cv_wf_load(ctx, c0_plan.kind, &plans)) != CV_OK)
		return rc;
	json_object_array_sort(plans, newest_first);
	rows = json_object_new_array();
	for (i = 0; i < alen(plans); i++) {
		rec = json_object_array_get_idx(plans, i);
		p = json_object_object_get(rec, c0_plan.payload_key);
		ds = member(p, "route_decisions", NULL);
		for (j = 0; json_object_is_type(ds, json_type_array) &&
		    j < alen(ds); j++) {
			d = json_object_array_get_idx(ds, j);
			if (!json_object_is_type(d, json_type_object))
				continue;
			owner = *str_of(d, "owner", NULL) != '\0' ?
			    str_of(d, "owner", NULL) : OWNER_DEFAULT;
			m = json_object_new_object();
			cv_json_add_str(m, "plan_id", str_of(p, "plan_id",
			    NULL));
			cv_json_add_str(m, "schedule_id", str_of(p,
			    "schedule_id", NULL));
			cv_json_add_str(m, "provider", str_of(d, "provider",
			    NULL));
			cv_json_add_str(m, "owner", owner);
			cv_json_add_str(m, "action", str_of(d, "action",
			    NULL));
			cv_json_add_str(m, "reason", str_of(d, "reason",
			    NULL));
			cv_json_add_str(m, "created_at", cv_json_str_or(rec,
			    "created_at", ""));
			row = json_object_new_object();
			cv_json_add_str(row, "route_id", cv_wf_id(ar,
			    "gordroute", m, NULL));
			json_object_put(m);
			cv_json_add_str(row, "created_at", cv_json_str_or(rec,
			    "created_at", ""));
			cv_json_add_str(row, "plan_id", str_of(p, "plan_id",
			    NULL));
			cv_json_add_str(row, "schedule_id", str_of(p,
			    "schedule_id", NULL));
			cv_json_add_str(row, "alert_level", str_of(p,
			    "alert_level", NULL));
			cv_json_add_str(row, "provider", str_of(d, "provider",
			    NULL));
			cv_json_add_str(row, "owner", owner);
			cv_json_add_str(row, "escalation_owner", *str_of(d,
			    "escalation_owner", NULL) != '\0' ? str_of(d,
			    "escalation_owner", NULL) : owner);
			cv_json_add_str(row, "action", str_of(d, "action",
			    NULL));
			cv_json_add_str(row, "category", category(d));
			cv_json_add_str(row, "reason", str_of(d, "reason",
			    NULL));
			cv_json_add_int(row, "acknowledgement_minutes",
			    positive_int(member(d, "acknowledgement_minutes",
			    NULL), ACK_MINUTES));
			mw = member(d, "maintenance_window", NULL);
			cv_json_add_str(row, "maintenance_window_id",
			    str_of(mw, "window_id", NULL));
			cv_json_add_str(row, "maintenance_window_reason",
			    str_of(mw, "reason", NULL));
			av = member(d, "owner_availability", NULL);
			cv_json_add_bool(row, "owner_available",
			    !json_object_is_type(av, json_type_object) ||
			    json_object_get_boolean(member(av, "available",
			    NULL)));
			cv_json_add_str(row, "owner_availability_reason",
			    str_of(av, "reason", NULL));
			cv_json_add_str(row, "next_due_at", str_of(p,
			    "next_due_at", NULL));
			json_object_array_add(rows, row);
		}
	}
	json_object_put(plans);
	*out = rows;
	return CV_OK;
}

/* Whether s contains q, in any case. */
static int
icontains(const char *s, const char *q)
{
	size_t	 n = strlen(q);

	for (; *s != '\0'; s++)
		if (strncasecmp(s, q, n) == 0)
			return 1;
	return n == 0;
}

/* The route filters schedule_id, provider, owner (a case-insensitive
 * part of owner or escalation_owner), action and category of the
 * query (action, category: when given). */
static int
route_admits(struct cv_req *req, struct json_object *row, int routes)
{
	static const char *const eq[] = { "schedule_id", "provider", "action",
		"category", NULL };
	const char *const	*k;
	const char		*q;

	for (k = eq; *k != NULL; k++) {
		if (!routes && (strcmp(*k, "action") == 0 ||
		    strcmp(*k, "category") == 0))
			continue;
		if ((q = cv_query(req, *k)) != NULL &&
		    strcmp(cv_json_str_or(row, *k, ""), q) != 0)
			return 0;
	}
	if ((q = cv_query(req, "owner")) != NULL && !icontains(
	    cv_json_str_or(row, "owner", ""), q) && !icontains(
	    cv_json_str_or(row, "escalation_owner", ""), q))
		return 0;
	return 1;
}

/* GET RDN/routes: the route rows, filtered, newest plan first, paged.
 * Writes nothing. */
static enum cv_err
build_routes(struct cv_wf_ctx *ctx, struct json_object **answer)
{
	struct json_object	*rows = NULL, *sel, *r;
	size_t			 limit, offset, i;
	enum cv_err		 rc;

	if ((rc = cv_query_page(ctx->req, &limit, &offset)) != CV_OK ||
	    (rc = route_rows(ctx, &rows)) != CV_OK)
		return rc;
	sel = json_object_new_array();
	for (i = 0; i < alen(rows); i++) {
		r = json_object_array_get_idx(rows, i);
		if (route_admits(ctx->req, r, 1))
			json_object_array_add(sel, json_object_get(r));
	}
	json_object_put(rows);
	*answer = page(GO_SCHEMA("routing-history"), sel, limit, offset);
	return CV_OK;
}

/*
 * GET RDN/suppression-trends (persists): the suppressed route rows
 * (filters schedule_id, provider, owner) counted by category, owner,
 * provider and schedule, the newest 20 listed; warning when there is
 * any.  Stored as go-backend-rollback-drill-routing-suppression-trend
 * (unless persist=false) by generated_by (query; default console).
 */
static enum cv_err
build_trends(struct cv_wf_ctx *ctx, struct json_object **answer)
{
	struct cv_req		*req = ctx->req;
	struct json_object	*rows = NULL, *ev, *ids, *r, *t, *m, *f, *rec,
				*by_cat, *by_own, *by_prov, *by_sch, *lst;
	static const char *const fkeys[] = { "schedule_id", "provider",
		"owner", NULL };
	const char *const	*k;
	const char		*cat, *by;
	int64_t			 n, nm = 0, nc = 0, nh = 0;
	size_t			 i;
	enum cv_err		 rc;

	if ((by = cv_query(req, "generated_by")) != NULL && *by != '\0')
		ctx->by = by;
	if ((rc = route_rows(ctx, &rows)) != CV_OK)
		return rc;
	ev = json_object_new_array();
	ids = json_object_new_array();
	by_cat = json_object_new_object();
	by_own = json_object_new_object();
	by_prov = json_object_new_object();
	by_sch = json_object_new_object();
	for (i = 0; i < alen(rows); i++) {
		r = json_object_array_get_idx(rows, i);
		if (strcmp(cv_json_str_or(r, "action", ""), "suppress") != 0 ||
		    !route_admits(req, r, 0))
			continue;
		cat = cv_json_str_or(r, "category", "other");
		nm += strcmp(cat, "maintenance_window") == 0;
		nc += strcmp(cat, "owner_calendar") == 0;
		nh += strcmp(cat, "healthy_schedule") == 0;
		bump(by_cat, cat, 1);
		bump(by_own, cv_json_str_or(r, "owner", ""), 1);
		bump(by_prov, cv_json_str_or(r, "provider", ""), 1);
		bump(by_sch, cv_json_str_or(r, "schedule_id", ""), 1);
		json_object_array_add(ev, json_object_get(r));
		json_object_array_add(ids, json_object_get(
		    json_object_object_get(r, "route_id")));
	}
	json_object_put(rows);
	n = (int64_t)alen(ev);
	f = json_object_new_object();
	for (k = fkeys; *k != NULL; k++)
		cv_json_add_str(f, *k, cv_query(req, *k) != NULL ?
		    cv_query(req, *k) : "");
	m = json_object_new_object();
	json_object_object_add(m, "filters", json_object_get(f));
	json_object_object_add(m, "route_ids", ids);
	cv_json_add_str(m, "generated_by", ctx->by);
	t = json_object_new_object();
	cv_json_add_str(t, "schema_version", c0_trend.schema);
	cv_json_add_str(t, "product", CV_PRODUCT);
	cv_json_add_str(t, "trend_id", cv_wf_id(req->arena, c0_trend.prefix,
	    m, NULL));
	json_object_put(m);
	cv_json_add_str(t, "generated_at", ctx->now);
	cv_json_add_str(t, "generated_by", ctx->by);
	json_object_object_add(t, "filters", f);
	cv_json_add_str(t, "alert_level", n > 0 ? "warning" : "healthy");
	cv_json_add_int(t, "suppression_event_count", n);
	cv_json_add_int(t, "maintenance_suppressed_count", nm);
	cv_json_add_int(t, "calendar_suppressed_count", nc);
	cv_json_add_int(t, "healthy_schedule_suppressed_count", nh);
	json_object_object_add(t, "category_counts", by_cat);
	json_object_object_add(t, "owner_counts", by_own);
	json_object_object_add(t, "provider_counts", by_prov);
	json_object_object_add(t, "schedule_counts", by_sch);
	lst = json_object_new_array();
	for (i = 0; i < (size_t)n && i < CV_WF_TREND_EVENTS_MAX; i++)
		json_object_array_add(lst, json_object_get(
		    json_object_array_get_idx(ev, i)));
	json_object_object_add(t, "latest_events", lst);
	cv_json_add_strv(t, "controls", trend_controls);
	json_object_put(ev);
	rec = cv_wf_keep(ctx, &c0_trend, t, n, n, 0, trend_index);
	*answer = cv_wf_answer("routing_suppression_trend", t, rec);
	json_object_put(t);
	return CV_OK;
}

/* The newest acknowledgement record among acks of (sid, prov), or
 * NULL. */
static struct json_object *
latest_ack(struct json_object *acks, const char *sid, const char *prov)
{
	struct json_object	*a;
	size_t			 i;

	for (i = 0; i < alen(acks); i++) {
		a = json_object_array_get_idx(acks, i);
		if (strcmp(cv_json_str_or(a, "schedule_id", ""), sid) == 0 &&
		    strcmp(cv_json_str_or(a, "provider", ""), prov) == 0)
			return a;
	}
	return NULL;
}

/* One escalation route of plan record rec for decision d (owner,
 * provider) under policy; counts into n[3] (acknowledged, outstanding,
 * breached).  New object. */
static struct json_object *
esc_route(struct cv_wf_ctx *ctx, struct json_object *rec,
    struct json_object *d, struct json_object *acks,
    struct json_object *policy, int64_t n[3])
{
	struct json_object	*p, *a, *rt;
	const char		*sid, *prov, *owner, *state, *act;
	double			 age;
	int64_t			 min;
	time_t			 t;
	int			 done, breached;

	p = json_object_object_get(rec, c0_plan.payload_key);
	sid = str_of(p, "schedule_id", NULL);
	prov = str_of(d, "provider", NULL);
	owner = *str_of(d, "owner", NULL) != '\0' ? str_of(d, "owner", NULL) :
	    OWNER_DEFAULT;
	min = ack_minutes(ctx->req->arena, policy, owner, prov, member(d,
	    "acknowledgement_minutes", NULL));
	age = cv_wf_ts_parse(cv_json_str_or(rec, "created_at", ""), &t) == 0 ?
	    rounded((double)(ctx->t - t) / 60.0, 100.0) : 0;
	a = latest_ack(acks, sid, prov);
	state = a != NULL ? cv_json_str_or(a, "acknowledgement_state", "") :
	    "outstanding";
	done = a != NULL && cv_wf_done(&ack_vocab, state);
	breached = !done && age >= (double)min;
	act = done ? "no_action" : breached ?
	    "escalate_missed_drill_notification" : "wait_for_acknowledgement";
	n[done ? 0 : breached ? 2 : 1]++;
	rt = json_object_new_object();
	cv_json_add_str(rt, "schedule_id", sid);
	cv_json_add_str(rt, "plan_id", str_of(p, "plan_id", NULL));
	cv_json_add_str(rt, "provider", prov);
	cv_json_add_str(rt, "owner", owner);
	cv_json_add_str(rt, "escalation_owner", *str_of(d, "escalation_owner",
	    NULL) != '\0' ? str_of(d, "escalation_owner", NULL) : owner);
	cv_json_add_int(rt, "acknowledgement_minutes", min);
	json_object_object_add(rt, "age_minutes", json_object_new_double(age));
	cv_json_add_str(rt, "acknowledgement_state", state);
	cv_json_add_str(rt, "acknowledgement_id", a != NULL ?
	    cv_json_str_or(a, "session_id", "") : "");
	cv_json_add_bool(rt, "acknowledged", done);
	cv_json_add_bool(rt, "breached", breached);
	cv_json_add_str(rt, "recommended_action", act);
	return rt;
}

/*
 * POST RDN/escalation-plan (no actor check; §10.10): the newest plan of
 * each schedule, its deliver routes (else one route per
 * acknowledgement-required provider); a route is acknowledged by an
 * acknowledged or resolved acknowledgement, breached when not and the
 * plan is as old as its acknowledgement minutes (policy, owner rule,
 * the route's, 60), else outstanding.  critical when any is breached,
 * warning when any is outstanding.  Stored.
 */
static enum cv_err
build_escalation(struct cv_wf_ctx *ctx, struct json_object **answer)
{
	struct json_object	*pol, *plans = NULL, *acks = NULL, *latest,
				*routes, *rec, *p, *ds, *d, *one, *m, *ids,
				*e, *meta, *provs;
	int64_t			 n[3] = { 0, 0, 0 };
	size_t			 i, j, nd;
	enum cv_err		 rc;

	if ((rc = cv_wf_obj(ctx, "policy", &pol)) != CV_OK ||
	    (rc = cv_wf_load(ctx, c0_plan.kind, &plans)) != CV_OK ||
	    (rc = cv_wf_load(ctx, c0_ack.kind, &acks)) != CV_OK)
		goto out;
	json_object_array_sort(plans, newest_first);
	json_object_array_sort(acks, newest_first);
	latest = latest_per_schedule(plans);
	routes = json_object_new_array();
	ids = json_object_new_array();
	for (i = 0; i < alen(latest); i++) {
		rec = json_object_array_get_idx(latest, i);
		p = json_object_object_get(rec, c0_plan.payload_key);
		ds = member(p, "route_decisions", NULL);
		for (j = nd = 0; json_object_is_type(ds, json_type_array) &&
		    j < alen(ds); j++) {
			d = json_object_array_get_idx(ds, j);
			if (strcmp(str_of(d, "action", NULL), "deliver") != 0)
				continue;
			json_object_array_add(routes, esc_route(ctx, rec, d,
			    acks, pol, n));
			nd++;
		}
		provs = member(p, "acknowledgement_required_providers", NULL);
		for (j = 0; nd == 0 && json_object_is_type(provs,
		    json_type_array) && j < alen(provs);
		    j++) {
			one = json_object_new_object();
			json_object_object_add(one, "provider",
			    json_object_get(json_object_array_get_idx(provs,
			    j)));
			json_object_array_add(routes, esc_route(ctx, rec, one,
			    acks, pol, n));
			json_object_put(one);
		}
	}
	for (i = 0; i < alen(routes); i++) {
		d = json_object_array_get_idx(routes, i);
		m = json_object_new_object();
		json_object_object_add(m, "plan_id", json_object_get(
		    json_object_object_get(d, "plan_id")));
		json_object_object_add(m, "provider", json_object_get(
		    json_object_object_get(d, "provider")));
		json_object_object_add(m, "owner", json_object_get(
		    json_object_object_get(d, "owner")));
		json_object_object_add(m, "recommended_action", json_object_get(
		    json_object_object_get(d, "recommended_action")));
		json_object_array_add(ids, m);
	}
	m = json_object_new_object();
	json_object_object_add(m, "routes", ids);
	cv_json_add_str(m, "generated_by", ctx->by);
	e = json_object_new_object();
	cv_json_add_str(e, "schema_version", c0_esc.schema);
	cv_json_add_str(e, "product", CV_PRODUCT);
	cv_json_add_str(e, "plan_id", cv_wf_id(ctx->req->arena, c0_esc.prefix,
	    m, NULL));
	json_object_put(m);
	cv_json_add_str(e, "generated_at", ctx->now);
	cv_json_add_str(e, "generated_by", ctx->by);
	cv_json_add_str(e, "alert_level", n[2] > 0 ? "critical" : n[1] > 0 ?
	    "warning" : "healthy");
	cv_json_add_int(e, "schedule_count", (int64_t)
	    alen(latest));
	cv_json_add_int(e, "route_count", (int64_t)
	    alen(routes));
	cv_json_add_int(e, "acknowledged_count", n[0]);
	cv_json_add_int(e, "outstanding_count", n[1]);
	cv_json_add_int(e, "breached_count", n[2]);
	json_object_object_add(e, "routes", routes);
	json_object_object_add(e, "policy", pol != NULL ? json_object_get(pol) :
	    json_object_new_object());
	cv_json_add_strv(e, "controls", esc_controls);
	json_object_put(latest);
	meta = cv_wf_keep(ctx, &c0_esc, e, (int64_t)alen(
	    routes), n[2], n[1], esc_index);
	*answer = cv_wf_answer(c0_esc.payload_key, e, meta);
	json_object_put(e);
out:
	json_object_put(plans);
	json_object_put(acks);
	return rc;
}

/* ---- the route table ------------------------------------------------ */

static const struct cv_wf_step s_schedule = {
	.build = build_schedule,
};
static const struct cv_wf_step s_deliver = {
	.kind = &c0_plan, .build = build_deliver,
};
static const struct cv_wf_step s_ack = {
	.kind = &c0_ack, .out_key = "acknowledgement", .actor = 1,
	.by_field = "acknowledged_by", .vocab = &ack_vocab,
	.parent_param = "schedule_id", .parent_kind = GBRD "notification-plan",
	.parent_field = "schedule_id",
	.parent_what = "rollback drill schedule",
	.at_field = "acknowledged_at", .keep_provider = 1, .extra = ack_extra,
	.index = ack_index,
};
static const struct cv_wf_step s_bulk = {
	.kind = &c0_ack, .actor = 1, .by_field = "acknowledged_by",
	.vocab = &ack_vocab, .build = build_bulk,
};
static const struct cv_wf_step s_history = {
	.schema = GO_SCHEMA("notification-history"), .build = build_history,
};
static const struct cv_wf_step s_dashboard = {
	.schema = GO_SCHEMA("notification-dashboard"),
	.build = build_dashboard,
};
static const struct cv_wf_step s_routes = {
	.schema = GO_SCHEMA("routing-history"), .build = build_routes,
};
static const struct cv_wf_step s_trends = {
	.kind = &c0_trend, .build = build_trends,
};
static const struct cv_wf_step s_escalation = {
	.kind = &c0_esc, .build = build_escalation,
};

static const struct cv_qparam p_history[] = {
	{ "schedule_id", CV_P_STRING, 0, NULL, "schedule (field, event_id "
	    "or the plan's schedule_id)" },
	{ "provider", CV_P_STRING, 0, NULL, "provider (field, provider "
	    "lists or an audit package route)" },
	{ "metadata_kind", CV_P_STRING, 0, NULL, "record kind" },
	{ "acknowledgement_state", CV_P_STRING, 0, NULL, "acknowledgement "
	    "state (normalised)" },
	{ "connector_delivery_source", CV_P_STRING, 0, NULL, "delivery "
	    "source; the audit and auditor export sources also admit their "
	    "chains' records" },
	{ "delivery_success", CV_P_BOOL, 0, NULL, "connector deliveries that "
	    "succeeded (true) or failed (false)" },
	{ "alert_level", CV_P_STRING, 0, NULL, "alert level" },
	{ "audit_id", CV_P_STRING, 0, NULL, "audit package (field or "
	    "delivery plan)" },
	{ "delivery_id", CV_P_STRING, 0, NULL, "audit delivery (delivery_id, "
	    "event_id or session_id)" },
	{ "cadence", CV_P_STRING, 0, NULL, "delivery plan or worker run "
	    "cadence" },
	CV_QPARAMS_PAGE,
	{ NULL }
};
static const struct cv_qparam p_routes[] = {
	{ "schedule_id", CV_P_STRING, 0, NULL, "schedule" },
	{ "provider", CV_P_STRING, 0, NULL, "provider" },
	{ "owner", CV_P_STRING, 0, NULL, "part of the owner or escalation "
	    "owner, any case" },
	{ "action", CV_P_STRING, 0, NULL, "deliver or suppress" },
	{ "category", CV_P_STRING, 0, NULL, "deliver, maintenance_window, "
	    "owner_calendar, healthy_schedule or other" },
	CV_QPARAMS_PAGE,
	{ NULL }
};
static const struct cv_qparam p_trends[] = {
	{ "schedule_id", CV_P_STRING, 0, NULL, "schedule" },
	{ "provider", CV_P_STRING, 0, NULL, "provider" },
	{ "owner", CV_P_STRING, 0, NULL, "part of the owner or escalation "
	    "owner, any case" },
	{ "generated_by", CV_P_STRING, 0, NULL, "signer of the stored trend "
	    "(default console)" },
	{ "persist", CV_P_BOOL, 0, NULL, "store the trend (default true)" },
	{ NULL }
};

const struct cv_route rt_c0_routes[] = {
	{ CV_GET, "/runtime/go-pilot/rollback-drill-schedule", cv_wf_h_build,
	    0, "The Go pilot's rollback drill schedule report (not stored)",
	    &s_schedule },
	{ CV_POST, RDN "/deliver", cv_wf_h_build, CV_BODY_JSON | CV_BODY_OPT,
	    "Route and deliver the rollback drill notification through the "
	    "connectors", &s_deliver, .right = CV_RIGHT_OPERATE },
	{ CV_POST, RDN "/{schedule_id}/acknowledgements", cv_wf_h_ack,
	    CV_BODY_JSON, "Acknowledge a drill notification route of a stored "
	    "schedule", &s_ack, .right = CV_RIGHT_OPERATE },
	{ CV_POST, RDN "/acknowledgements/bulk", cv_wf_h_build, CV_BODY_JSON,
	    "Acknowledge up to 100 drill notification routes at once (all or "
	    "none stored)", &s_bulk, .right = CV_RIGHT_OPERATE },
	{ CV_GET, RDN, cv_wf_h_build, 0, "Go pilot rollback drill records "
	    "and deliveries, newest first", &s_history, p_history },
	{ CV_GET, RDN "/dashboard", cv_wf_h_build, 0, "Counts of the Go "
	    "pilot rollback drill records and deliveries", &s_dashboard },
	{ CV_GET, RDN "/routes", cv_wf_h_build, 0, "Route decisions of the "
	    "stored notification plans, newest first", &s_routes, p_routes },
	{ CV_GET, RDN "/suppression-trends", cv_wf_h_build, 0, "Summarise and "
	    "store the suppressed notification routes", &s_trends, p_trends },
	{ CV_POST, RDN "/escalation-plan", cv_wf_h_build,
	    CV_BODY_JSON | CV_BODY_OPT, "Plan escalations of unacknowledged "
	    "drill notifications", &s_escalation, .right = CV_RIGHT_OPERATE },
};

const size_t rt_c0_nroutes = nitems(rt_c0_routes);
