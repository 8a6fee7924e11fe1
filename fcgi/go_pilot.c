/*
 * The Go pilot's rollback drill reports (go_pilot.h): the drill history
 * of CAVRA_GO_ROLLBACK_DRILL_HISTORY, fresh for
 * CAVRA_GO_ROLLBACK_DRILL_MAX_AGE_DAYS (90), and the drill schedule of
 * CAVRA_GO_ROLLBACK_DRILL_SCHEDULE, due soon within
 * CAVRA_GO_ROLLBACK_DRILL_DUE_SOON_DAYS (14), both requested when
 * CAVRA_GO_BACKEND_MODE is promoted or their file is set.  The files are
 * JSON, or YAML by their name (cv_conf.h).
 */
#include "config.h"

#include <sys/stat.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cavra.h"
#include "cv_workflow.h"

#include "go_pilot.h"

#define GO_SCHEMA(x)	"cavra.go-backend-pilot." x ".v1"
#define HISTORY_SCHEMA	"cavra.go-backend-rollback-drill-history.v1"
#define SCHEDULE_SCHEMA	"cavra.go-backend-rollback-drill-schedule.v1"

static const char *const modes[] = { "disabled", "shadow", "enforce",
	"promoted", NULL };

/* The length of v when it is an array, else 0 (json-c asserts on
 * another type). */
static size_t
alen(struct json_object *v)
{
	return json_object_is_type(v, json_type_array) ?
	    json_object_array_length(v) : 0;
}

const char *
go_mode(void)
{
	const char	*m = cv_env("CAVRA_GO_BACKEND_MODE");
	size_t		 i;

	for (i = 0; m != NULL && modes[i] != NULL; i++)
		if (strcmp(m, modes[i]) == 0)
			return modes[i];
	return "disabled";
}

/* A positive number of days from variable env, else dflt. */
static double
env_days(const char *env, double dflt)
{
	const char	*v = cv_env(env);
	char		*end;
	double		 d;

	if (v == NULL || *v == '\0')
		return dflt;
	d = strtod(v, &end);
	return *end == '\0' && d > 0 && d <= CV_GO_DAYS_MAX ? d : dflt;
}

/* x rounded to 4 decimals (half away from zero, as the reports print
 * days). */
static double
round4(double x)
{
	long long	 n;

	n = (long long)(x < 0 ? x * 10000.0 - 0.5 : x * 10000.0 + 0.5);
	return (double)n / 10000.0;
}

/* Whether v is a number (not a boolean) above 0. */
static int
positive(struct json_object *v)
{
	return (json_object_is_type(v, json_type_int) ||
	    json_object_is_type(v, json_type_double)) &&
	    json_object_get_double(v) > 0;
}

/* Whether v is a non-empty array of strings. */
static int
strings(struct json_object *v)
{
	size_t	 i, n;

	if (!json_object_is_type(v, json_type_array) ||
	    (n = alen(v)) == 0)
		return 0;
	for (i = 0; i < n; i++)
		if (!json_object_is_type(json_object_array_get_idx(v, i),
		    json_type_string))
			return 0;
	return 1;
}

/* Adds {id, status pass|warn, message} to checks; the check, borrowed,
 * for extra keys. */
static struct json_object *
check(struct json_object *checks, const char *id, int pass, const char *msg)
{
	struct json_object	*c = json_object_new_object();

	cv_json_add_str(c, "id", id);
	cv_json_add_str(c, "status", pass ? "pass" : "warn");
	cv_json_add_str(c, "message", msg);
	json_object_array_add(checks, c);
	return c;
}

/* The object of the file at path (variable env), or NULL with *msg
 * saying why. */
static struct json_object *
read_doc(struct cv_arena *a, const char *env, const char *path,
    const char **msg)
{
	struct json_object	*o = NULL;
	struct stat		 st;

	if (path == NULL || *path == '\0')
		*msg = cv_arena_printf(a, "%s is not set", env);
	else if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
		*msg = cv_arena_printf(a, "%s file does not exist: %s", env,
		    path);
	else if (cv_conf_load_path(env, path, &o) != CV_OK || o == NULL)
		*msg = cv_arena_printf(a, "%s file is not a JSON or YAML "
		    "object: %s", env, path);
	else
		return o;
	return NULL;
}

/* Adds a number, or null when v is not positive. */
static void
add_positive(struct json_object *o, const char *key, struct json_object *v)
{
	json_object_object_add(o, key, positive(v) ? json_object_get(v) :
	    NULL);
}

/* The drill whose executed_at is newest (parseable), else the last. */
static struct json_object *
latest_drill(struct json_object *drills)
{
	struct json_object	*d, *best = NULL, *last = NULL;
	time_t			 t, bt = 0;
	size_t			 i;

	for (i = 0; i < alen(drills); i++) {
		d = json_object_array_get_idx(drills, i);
		if (!json_object_is_type(d, json_type_object))
			continue;
		last = d;
		if (cv_wf_ts_parse(cv_json_str_or(d, "executed_at", ""), &t) ==
		    0 && (best == NULL || t > bt)) {
			best = d;
			bt = t;
		}
	}
	return best != NULL ? best : last;
}

/*
 * The history summary of the file at path at now: the latest drill
 * passed, returned to disabled, verified the fallback, met its
 * recovery target and is fresh (age <= max_age days), with evidence
 * refs and a runbook.  New object.
 */
static struct json_object *
history_summary(struct cv_arena *a, const char *path, double max_age,
    time_t now)
{
	struct json_object	*doc, *drills = NULL, *d, *s, *refs, *rec,
				*mx;
	const char		*msg = NULL, *schema = "", *status = "",
				*target = "", *runbook = "", *at = "";
	double			 age = 0;
	int			 fresh = 0, fallback = 0, sla = 0,
				 refs_ok = 0, dated = 0, ndrills = 0;
	time_t			 t;
	size_t			 i;

	d = NULL;
	if ((doc = read_doc(a, "CAVRA_GO_ROLLBACK_DRILL_HISTORY", path,
	    &msg)) != NULL) {
		schema = cv_json_str_or(doc, "schema_version", "");
		if (strcmp(schema, HISTORY_SCHEMA) != 0)
			msg = "rollback drill history has an invalid "
			    "schema_version";
		else if (cv_json_arr(doc, "drills", &drills) != CV_JGET_OK ||
		    alen(drills) == 0)
			msg = "rollback drill history must include a non-empty "
			    "drills list";
		else if ((d = latest_drill(drills)) == NULL)
			msg = "rollback drill history has no parseable drills";
	}
	s = json_object_new_object();
	if (d != NULL) {
		for (i = 0; i < alen(drills); i++)
			if (json_object_is_type(json_object_array_get_idx(
			    drills, i), json_type_object))
				ndrills++;
		status = cv_json_str_or(d, "status", "");
		target = cv_json_str_or(d, "target_mode", "");
		runbook = cv_json_str_or(d, "runbook_ref", "");
		at = cv_json_str_or(d, "executed_at", "");
		fallback = cv_json_bool(d, "fallback_verified", &fallback) ==
		    CV_JGET_OK && fallback;
		rec = json_object_object_get(d, "recovery_minutes");
		mx = json_object_object_get(d, "max_recovery_minutes");
		sla = positive(rec) && positive(mx) &&
		    json_object_get_double(rec) <= json_object_get_double(mx);
		refs = json_object_object_get(d, "evidence_refs");
		refs_ok = strings(refs);
		if (cv_wf_ts_parse(at, &t) == 0) {
			dated = 1;
			age = round4((double)(now - t) / 86400.0);
			fresh = age <= max_age;
		}
		msg = !refs_ok ? "latest rollback drill must include "
		    "evidence_refs as a non-empty list of strings" :
		    *runbook == '\0' ? "latest rollback drill must include "
		    "runbook_ref" : !dated ? "latest rollback drill must "
		    "include valid executed_at timestamp" : "Rollback drill "
		    "history is parseable and latest drill is evaluated.";
		cv_json_add_bool(s, "valid", strcmp(status, "pass") == 0 &&
		    strcmp(target, "disabled") == 0 && fallback && sla &&
		    fresh && refs_ok && *runbook != '\0');
		cv_json_add_str(s, "schema_version", schema);
		cv_json_add_str(s, "environment", cv_json_str_or(doc,
		    "environment", ""));
		cv_json_add_int(s, "drill_count", ndrills);
		cv_json_add_str(s, "latest_drill_id", cv_json_str_or(d,
		    "drill_id", ""));
		add_positive(s, "recovery_minutes", rec);
		add_positive(s, "max_recovery_minutes", mx);
		json_object_object_add(s, "evidence_refs", refs_ok ?
		    json_object_get(refs) : json_object_new_array());
	} else {
		cv_json_add_bool(s, "valid", 0);
		cv_json_add_str(s, "schema_version", doc != NULL ? schema : "");
		cv_json_add_str(s, "environment", "");
		cv_json_add_int(s, "drill_count", 0);
		cv_json_add_str(s, "latest_drill_id", "");
		json_object_object_add(s, "recovery_minutes", NULL);
		json_object_object_add(s, "max_recovery_minutes", NULL);
		json_object_object_add(s, "evidence_refs",
		    json_object_new_array());
	}
	cv_json_add_str(s, "latest_status", status);
	cv_json_add_str(s, "latest_target_mode", target);
	cv_json_add_str(s, "latest_executed_at", at);
	json_object_object_add(s, "age_days", dated ?
	    json_object_new_double(age) : NULL);
	cv_json_add_bool(s, "fresh", fresh);
	cv_json_add_bool(s, "fallback_verified", fallback);
	cv_json_add_bool(s, "recovery_sla_met", sla);
	cv_json_add_str(s, "runbook_ref", runbook);
	cv_json_add_str(s, "message", msg);
	cv_json_add_str(s, "latest_status_message", d == NULL ? "rollback "
	    "drill history is missing or invalid" : strcmp(status, "pass") ==
	    0 ? "Latest rollback drill passed." : "latest rollback drill must "
	    "record status=pass");
	cv_json_add_str(s, "target_mode_message", strcmp(target, "disabled") ==
	    0 ? "Latest rollback drill returned to Python-only mode." :
	    "latest rollback drill must set target_mode=disabled");
	cv_json_add_str(s, "fallback_message", fallback ? "Latest rollback "
	    "drill verified Python fallback restoration." : "latest rollback "
	    "drill must verify Python fallback restoration");
	cv_json_add_str(s, "recovery_message", sla ? "Latest rollback drill "
	    "met the recovery target." : "latest rollback drill "
	    "recovery_minutes must be positive and less than or equal to "
	    "max_recovery_minutes");
	cv_json_add_str(s, "freshness_message", fresh ? "Latest rollback "
	    "drill is within the freshness window." : "latest rollback drill "
	    "is missing, invalid, or stale");
	json_object_put(doc);
	return s;
}

/* Whether the mode or the file of env requests a report. */
static int
requested(const char *env)
{
	const char	*p = cv_env(env);

	return strcmp(go_mode(), "promoted") == 0 || (p != NULL && *p != '\0');
}

/* The report envelope: schema, mode, status. */
static struct json_object *
report(const char *schema, const char *status)
{
	struct json_object	*o = json_object_new_object();

	cv_json_add_str(o, "schema_version", schema);
	cv_json_add_str(o, "product", CV_PRODUCT);
	cv_json_add_str(o, "mode", go_mode());
	cv_json_add_str(o, "status", status);
	return o;
}

/* "ready" when every check passed, else "needs_attention". */
static const char *
all_pass(struct json_object *checks)
{
	size_t	 i;

	for (i = 0; i < alen(checks); i++)
		if (strcmp(cv_json_str_or(json_object_array_get_idx(checks,
		    i), "status", ""), "pass") != 0)
			return "needs_attention";
	return "ready";
}

struct json_object *
go_history_report(struct cv_arena *a, time_t now)
{
	struct json_object	*h, *checks, *c, *o;
	const char		*path;
	double			 max_age;
	int			 req;

	path = cv_env("CAVRA_GO_ROLLBACK_DRILL_HISTORY");
	max_age = env_days("CAVRA_GO_ROLLBACK_DRILL_MAX_AGE_DAYS", 90.0);
	req = requested("CAVRA_GO_ROLLBACK_DRILL_HISTORY");
	h = history_summary(a, path, max_age, now);
	checks = json_object_new_array();
	c = check(checks, "go_rollback_drill_history_requested", req,
	    "Rollback drill history is required when CAVRA_GO_BACKEND_MODE="
	    "promoted or drill history is configured.");
	cv_json_add_str(c, "mode", go_mode());
	c = check(checks, "go_rollback_drill_history_file",
	    json_object_get_boolean(json_object_object_get(h, "valid")),
	    cv_json_str_or(h, "message", ""));
	cv_json_add_str(c, "path", path != NULL ? path : "");
	cv_json_add_str(c, "history_schema", cv_json_str_or(h,
	    "schema_version", ""));
	c = check(checks, "go_rollback_drill_latest_passed", strcmp(
	    cv_json_str_or(h, "latest_status", ""), "pass") == 0,
	    cv_json_str_or(h, "latest_status_message", ""));
	cv_json_add_str(c, "latest_drill_id", cv_json_str_or(h,
	    "latest_drill_id", ""));
	c = check(checks, "go_rollback_drill_disabled_target", strcmp(
	    cv_json_str_or(h, "latest_target_mode", ""), "disabled") == 0,
	    cv_json_str_or(h, "target_mode_message", ""));
	cv_json_add_str(c, "target_mode", cv_json_str_or(h,
	    "latest_target_mode", ""));
	check(checks, "go_rollback_drill_fallback_verified",
	    json_object_get_boolean(json_object_object_get(h,
	    "fallback_verified")), cv_json_str_or(h, "fallback_message", ""));
	c = check(checks, "go_rollback_drill_recovery_sla",
	    json_object_get_boolean(json_object_object_get(h,
	    "recovery_sla_met")), cv_json_str_or(h, "recovery_message", ""));
	json_object_object_add(c, "recovery_minutes", json_object_get(
	    json_object_object_get(h, "recovery_minutes")));
	json_object_object_add(c, "max_recovery_minutes", json_object_get(
	    json_object_object_get(h, "max_recovery_minutes")));
	c = check(checks, "go_rollback_drill_freshness",
	    json_object_get_boolean(json_object_object_get(h, "fresh")),
	    cv_json_str_or(h, "freshness_message", ""));
	json_object_object_add(c, "max_age_days",
	    json_object_new_double(max_age));
	json_object_object_add(c, "age_days", json_object_get(
	    json_object_object_get(h, "age_days")));
	o = report(GO_SCHEMA("rollback-drill-history"), req ?
	    all_pass(checks) : "not_requested");
	cv_json_add_str(o, "rollback_drill_history_path", path != NULL ? path :
	    "");
	json_object_object_add(o, "rollback_drill_max_age_days",
	    json_object_new_double(max_age));
	json_object_object_add(o, "checks", checks);
	json_object_object_add(o, "history", h);
	return o;
}

#define T_ARRAY		0x01
#define T_OBJECT	0x02

/* Adds member key of doc (or its alternative alt) to s when it is an
 * array or object as types allows, else dflt (consumed); 1 when it was
 * of those types or absent. */
static int
copy_typed(struct json_object *s, struct json_object *doc, const char *key,
    const char *alt, int types, struct json_object *dflt)
{
	struct json_object	*v = NULL;

	if (!json_object_object_get_ex(doc, key, &v) && alt != NULL)
		json_object_object_get_ex(doc, alt, &v);
	if (v != NULL && (((types & T_ARRAY) && json_object_is_type(v,
	    json_type_array)) || ((types & T_OBJECT) &&
	    json_object_is_type(v, json_type_object)))) {
		json_object_object_add(s, key, json_object_get(v));
		json_object_put(dflt);
		return 1;
	}
	json_object_object_add(s, key, dflt);
	return v == NULL;
}

/*
 * The schedule summary of the file at path, with the history h, at now
 * (§10.1): next due at next_due_at, else the latest drill plus
 * interval_days; stale without one or when it passed; due soon within
 * due_soon days.  New object.
 */
static struct json_object *
schedule_summary(struct cv_arena *a, const char *path,
    struct json_object *h, double due_soon, time_t now)
{
	struct json_object	*doc, *s, *iv = NULL, *owners, *provs;
	const char		*msg = NULL, *schema = "", *sid = "",
				*status = "", *runbook = "";
	char			 due[CV_WF_TS_LEN];
	double			 days = 0;
	time_t			 t, next = 0;
	int			 active, cad, own_ok, prov_ok, routes_ok = 1,
				 win_ok = 1, cal_ok = 1, have = 0, stale = 1,
				 soon = 0;

	s = json_object_new_object();
	if ((doc = read_doc(a, "CAVRA_GO_ROLLBACK_DRILL_SCHEDULE", path,
	    &msg)) != NULL) {
		schema = cv_json_str_or(doc, "schema_version", "");
		sid = cv_json_str_or(doc, "schedule_id", "");
		status = cv_json_str_or(doc, "status", "");
		runbook = cv_json_str_or(doc, "runbook_ref", "");
		iv = json_object_object_get(doc, "interval_days");
	}
	active = strcmp(status, "active") == 0;
	cad = positive(iv);
	owners = doc != NULL ? json_object_object_get(doc, "owners") : NULL;
	provs = doc != NULL ? json_object_object_get(doc,
	    "notification_providers") : NULL;
	own_ok = strings(owners);
	prov_ok = strings(provs);
	if (doc != NULL) {
		routes_ok = copy_typed(s, doc, "owner_routes", "routing_rules",
		    T_ARRAY | T_OBJECT, json_object_new_array());
		win_ok = copy_typed(s, doc, "maintenance_windows", NULL,
		    T_ARRAY, json_object_new_array());
		cal_ok = copy_typed(s, doc, "owner_calendars", NULL,
		    T_OBJECT, json_object_new_object());
		if (cv_wf_ts_parse(cv_json_str_or(doc, "next_due_at", ""),
		    &t) == 0) {
			next = t;
			have = 1;
		} else if (cad && cv_wf_ts_parse(cv_json_str_or(h,
		    "latest_executed_at", ""), &t) == 0) {
			next = t + (time_t)(json_object_get_double(iv) *
			    86400.0);
			have = 1;
		}
		if (have) {
			days = round4((double)(next - now) / 86400.0);
			stale = days < 0;
			soon = !stale && days <= due_soon;
		}
		msg = strcmp(schema, SCHEDULE_SCHEMA) != 0 ? "rollback drill "
		    "schedule has an invalid schema_version" : *sid == '\0' ?
		    "rollback drill schedule must include schedule_id" :
		    *runbook == '\0' ? "rollback drill schedule must include "
		    "runbook_ref" : !own_ok ? "rollback drill schedule owners "
		    "must be a non-empty list of strings" : !prov_ok ?
		    "rollback drill notification_providers must be a "
		    "non-empty list of strings" : !routes_ok ? "rollback "
		    "drill owner_routes must be an object or list when "
		    "configured" : !win_ok ? "rollback drill "
		    "maintenance_windows must be a list when configured" :
		    !cal_ok ? "rollback drill owner_calendars must be an "
		    "object when configured" : "Rollback drill schedule is "
		    "active and notification routes are configured.";
	} else {
		json_object_object_add(s, "owner_routes",
		    json_object_new_array());
		json_object_object_add(s, "maintenance_windows",
		    json_object_new_array());
		json_object_object_add(s, "owner_calendars",
		    json_object_new_object());
	}
	cv_json_add_bool(s, "valid", strcmp(schema, SCHEDULE_SCHEMA) == 0 &&
	    *sid != '\0' && active && cad && have && !stale && own_ok &&
	    prov_ok && routes_ok && win_ok && cal_ok && *runbook != '\0');
	cv_json_add_str(s, "schema_version", schema);
	cv_json_add_str(s, "schedule_id", sid);
	cv_json_add_str(s, "environment", doc != NULL ? cv_json_str_or(doc,
	    "environment", "") : "");
	cv_json_add_str(s, "status", status);
	cv_json_add_bool(s, "active", active);
	cv_json_add_bool(s, "cadence_valid", cad);
	json_object_object_add(s, "interval_days", cad ? json_object_get(iv) :
	    NULL);
	if (have)
		cv_wf_ts(due, sizeof(due), next, 0);
	cv_json_add_str(s, "next_due_at", have ? due : "");
	json_object_object_add(s, "days_until_due", have ?
	    json_object_new_double(days) : NULL);
	cv_json_add_bool(s, "stale", stale);
	cv_json_add_bool(s, "due_soon", soon);
	cv_json_add_bool(s, "notification_routes_valid", own_ok && prov_ok);
	json_object_object_add(s, "owners", own_ok ? json_object_get(owners) :
	    json_object_new_array());
	json_object_object_add(s, "notification_providers", prov_ok ?
	    json_object_get(provs) : json_object_new_array());
	cv_json_add_str(s, "runbook_ref", runbook);
	cv_json_add_str(s, "message", msg);
	cv_json_add_str(s, "active_message", active ? "Rollback drill "
	    "schedule is active." : doc == NULL ? "rollback drill schedule "
	    "is missing or inactive" : "rollback drill schedule must set "
	    "status=active");
	cv_json_add_str(s, "cadence_message", cad ? "Rollback drill cadence "
	    "is configured." : "rollback drill schedule must include positive "
	    "interval_days");
	cv_json_add_str(s, "next_due_message", have ? "Next rollback drill "
	    "due date is known." : "rollback drill schedule must include "
	    "next_due_at or usable latest drill history");
	cv_json_add_str(s, "stale_message", !stale ? "Rollback drill schedule "
	    "is not stale." : "rollback drill schedule is stale and requires "
	    "notification");
	cv_json_add_str(s, "notification_message", own_ok && prov_ok ?
	    "Rollback drill notification routes are configured." : "rollback "
	    "drill schedule must include owners and notification_providers");
	json_object_put(doc);
	return s;
}

/* A boolean member of o. */
static int
flag(struct json_object *o, const char *key)
{
	return json_object_get_boolean(json_object_object_get(o, key));
}

struct json_object *
go_schedule_report(struct cv_arena *a, time_t now)
{
	struct json_object	*h, *s, *checks, *c, *o;
	const char		*path, *status;
	double			 soon;
	int			 req, ok;

	path = cv_env("CAVRA_GO_ROLLBACK_DRILL_SCHEDULE");
	soon = env_days("CAVRA_GO_ROLLBACK_DRILL_DUE_SOON_DAYS", 14.0);
	req = requested("CAVRA_GO_ROLLBACK_DRILL_SCHEDULE");
	h = history_summary(a, cv_env("CAVRA_GO_ROLLBACK_DRILL_HISTORY"),
	    env_days("CAVRA_GO_ROLLBACK_DRILL_MAX_AGE_DAYS", 90.0), now);
	s = schedule_summary(a, path, h, soon, now);
	checks = json_object_new_array();
	c = check(checks, "go_rollback_drill_schedule_requested", req,
	    "Recurring rollback drill scheduling is required when "
	    "CAVRA_GO_BACKEND_MODE=promoted or a schedule is configured.");
	cv_json_add_str(c, "mode", go_mode());
	c = check(checks, "go_rollback_drill_schedule_file", flag(s, "valid"),
	    cv_json_str_or(s, "message", ""));
	cv_json_add_str(c, "path", path != NULL ? path : "");
	cv_json_add_str(c, "schedule_schema", cv_json_str_or(s,
	    "schema_version", ""));
	check(checks, "go_rollback_drill_schedule_active", flag(s, "active"),
	    cv_json_str_or(s, "active_message", ""));
	c = check(checks, "go_rollback_drill_schedule_cadence",
	    flag(s, "cadence_valid"), cv_json_str_or(s, "cadence_message",
	    ""));
	json_object_object_add(c, "interval_days", json_object_get(
	    json_object_object_get(s, "interval_days")));
	c = check(checks, "go_rollback_drill_schedule_next_due",
	    *cv_json_str_or(s, "next_due_at", "") != '\0', cv_json_str_or(s,
	    "next_due_message", ""));
	cv_json_add_str(c, "next_due_at", cv_json_str_or(s, "next_due_at",
	    ""));
	json_object_object_add(c, "days_until_due", json_object_get(
	    json_object_object_get(s, "days_until_due")));
	c = check(checks, "go_rollback_drill_schedule_not_stale",
	    !flag(s, "stale"), cv_json_str_or(s, "stale_message", ""));
	cv_json_add_bool(c, "stale", flag(s, "stale"));
	c = check(checks, "go_rollback_drill_notification_routes",
	    flag(s, "notification_routes_valid"), cv_json_str_or(s,
	    "notification_message", ""));
	json_object_object_add(c, "notification_providers", json_object_get(
	    json_object_object_get(s, "notification_providers")));
	json_object_object_add(c, "owners", json_object_get(
	    json_object_object_get(s, "owners")));
	ok = flag(s, "valid") && !flag(s, "stale");
	status = !req ? "not_requested" : ok && flag(s, "due_soon") ?
	    "due_soon" : ok ? "ready" : "needs_attention";
	o = report(GO_SCHEMA("rollback-drill-schedule"), status);
	cv_json_add_str(o, "rollback_drill_schedule_path", path != NULL ?
	    path : "");
	json_object_object_add(o, "rollback_drill_due_soon_days",
	    json_object_new_double(soon));
	json_object_object_add(o, "checks", checks);
	json_object_object_add(o, "schedule", s);
	json_object_object_add(o, "history", h);
	return o;
}

struct json_object *
go_gate_report(const char *name)
{
	struct json_object	*o, *checks, *c;
	const char		*env;
	int			 promo, req;

	promo = strcmp(name, "promotion-readiness") == 0;
	env = promo ? "CAVRA_GO_PROMOTION_EVIDENCE" : "CAVRA_GO_ROLLBACK_PLAN";
	req = requested(env);
	checks = json_object_new_array();
	if (req) {
		c = check(checks, promo ? "go_promotion_requested" :
		    "go_rollback_requested", 1, promo ? "Promoted Go backend "
		    "mode is requested with CAVRA_GO_BACKEND_MODE=promoted or "
		    "promotion evidence." : "Rollback controls are required "
		    "when CAVRA_GO_BACKEND_MODE=promoted or a rollback plan is "
		    "configured.");
		cv_json_add_str(c, "mode", go_mode());
		c = check(checks, promo ? "go_parity_evidence" :
		    "go_rollback_plan", 0, promo ? "This build does not "
		    "verify Go promotion evidence (runtime, deployment and "
		    "parity readiness): promoted mode cannot be shown ready." :
		    "This build does not verify Go rollback plans: promoted "
		    "mode cannot be shown ready.");
		cv_json_add_str(c, "path", cv_env(env) != NULL ? cv_env(env) :
		    "");
	}
	o = report(promo ? GO_SCHEMA("promotion-readiness") :
	    GO_SCHEMA("rollback-readiness"), req ? "needs_attention" :
	    "not_requested");
	json_object_object_add(o, "checks", checks);
	return o;
}
