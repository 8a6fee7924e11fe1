/*
 * cavra-runtime: the connector recovery loop of the audit delivery chain
 * and its two escalation chains (workflows.md §8 rows 27-41, §10.8,
 * §10.5, §6).
 *
 * Failed audit deliveries (and failed worker health alerts) become a
 * connector recovery playbook per provider; operators close each
 * recovery; a retry recovery report measures the closures against a
 * recovery SLO and the execution records of the audit retry worker; a
 * recovery escalation plan routes what is open, breached or failing.
 * The plan is delivered through the connectors (C3), acknowledged, and
 * its failed deliveries retried by a worker whose live runs need an
 * accepted acknowledgement of (plan_id, provider).  The C3 worker's
 * health is stored, and alerts about it are delivered (C4),
 * acknowledged, listed, counted and retried in turn.
 *
 * Every route is a row whose data is a struct cv_wf_step: the generic
 * steps of lib/cv_wfstep.h with this file's chains, and builders for
 * what only this loop computes (playbook, closure, report, escalation
 * plan and its delivery, the C3 health).
 *
 * Deliberate differences from the reference: a closure, escalation
 * acknowledgement or alert acknowledgement naming a parent that is not
 * stored is a 404; the health an alert delivery computes is stored, so
 * that the C4 worker finds the health its failed deliveries name.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "cavra.h"
#include "cv_wfstep.h"
#include "cv_workflow.h"

#include "runtime.h"

#define AD	"/runtime/go-pilot/rollback-drill-notifications/" \
		"acknowledgements/audit-delivery"
#define RE	AD "/recovery-escalations"
#define GO_SCHEMA(x)	"cavra.go-backend-pilot.rollback-drill-" x ".v1"
#define AAD	"acknowledgement-audit-delivery-"

/* Connector delivery sources (RCD connector_delivery_source). */
#define GAA		"go_backend_rollback_drill_acknowledgement_audit"
#define SRC_C1		GAA
#define SRC_C2		GAA "_worker_health_alert"
#define SRC_C3		GAA "_recovery_escalation"
#define SRC_C4		GAA "_recovery_escalation_retry_health_alert"

/* Record kinds. */
#define KIND_PLAYBOOK	GBRD_AAD "connector-recovery-playbook"
#define KIND_CLOSURE	GBRD_AAD "connector-recovery-closure"
#define KIND_REPORT	GBRD_AAD "retry-recovery-report"
#define KIND_ESC	GBRD_AAD "recovery-escalation-plan"
#define KIND_ESC_ACK	GBRD_AAD "recovery-escalation-ack"
#define KIND_HEALTH	GBRD_AAD "recovery-escalation-retry-health"
#define KIND_C1_EXEC	GBRD_AAD "retry-execution-record"
#define C1_EXEC_KEY	"retry_execution_record"
#define C4_PREFIX	GBRD_AAD "recovery-escalation-retry-health-alert"

/* The reference's defaults. */
#define MIN_FAILURES_DEFAULT	2	/* failures that make a playbook row */
#define LOOKBACK_DEFAULT	24	/* hours of failures a playbook reads */
#define SLO_DEFAULT		240	/* recovery SLO, minutes */
#define OWNER			"release-governance"

static const struct cv_wf_kind k_playbook = {
	KIND_PLAYBOOK, "playbook_id", "gordackrecovery",
	"connector_recovery_playbook",
	GO_SCHEMA(AAD "connector-recovery-playbook")
};
static const struct cv_wf_kind k_closure = {
	KIND_CLOSURE, "closure_id", "gordackrecoveryclosure",
	"connector_recovery_closure",
	GO_SCHEMA(AAD "connector-recovery-closure")
};
static const struct cv_wf_kind k_report = {
	KIND_REPORT, "report_id", "gordackretryreport",
	"retry_recovery_report", GO_SCHEMA(AAD "retry-recovery-report")
};
static const struct cv_wf_kind k_esc = {
	KIND_ESC, "plan_id", "gordackrecoveryesc", "recovery_escalation_plan",
	GO_SCHEMA(AAD "recovery-escalation-plan")
};
static const struct cv_wf_kind k_esc_ack = {
	KIND_ESC_ACK, "acknowledgement_id", "gordackrecoveryescack",
	"recovery_escalation_acknowledgement",
	GO_SCHEMA(AAD "recovery-escalation-acknowledgement")
};
static const struct cv_wf_kind k_health = {
	KIND_HEALTH, "health_id", "gordackrecoveryeschealth",
	"recovery_escalation_retry_health",
	GO_SCHEMA(AAD "recovery-escalation-retry-health")
};

/* ---- chain C3: recovery escalation delivery ------------------------- */

static const char *const esc_ack_states[] = { "acknowledged", "accepted",
	"deferred", "escalated", "resolved", "dismissed", NULL };
static const char *const esc_ack_done[] = { "acknowledged", "accepted",
	"resolved", NULL };
static const struct cv_wf_vocab esc_ack_vocab = {
	"acknowledgement_state", esc_ack_states, "acknowledged", esc_ack_done
};

static const char *const c3_gate_keys[] = { "plan_id", "provider", NULL };
static const struct cv_wf_gate c3_gate = {
	KIND_ESC_ACK, "acknowledgement_state", esc_ack_done, c3_gate_keys,
	"acknowledgement_id", "acknowledgement_state", "accepted",
	"acknowledgement_required", "acknowledgement_pending_count"
};

static const struct cv_wf_chain c3 = {
	.name = "C3",
	.src = SRC_C3,
	.keys = { { "plan_id", { "event_id", NULL } } },
	.retry = { GBRD_AAD "recovery-escalation-delivery-retry-plan",
	    "retry_plan_id", "gordackrecoveryescretry",
	    "recovery_escalation_delivery_retry_plan",
	    GO_SCHEMA(AAD "recovery-escalation-delivery-retry-plan") },
	.worker = { GBRD_AAD "recovery-escalation-retry-worker-run", "run_id",
	    "gordackrecoveryescworker", "recovery_escalation_retry_worker_run",
	    GO_SCHEMA(AAD "recovery-escalation-retry-worker-run") },
	.exec = { GBRD_AAD "recovery-escalation-retry-execution-record",
	    "execution_id", "gordackrecoveryescexec",
	    "recovery_escalation_retry_execution_record",
	    GO_SCHEMA(AAD "recovery-escalation-retry-execution-record") },
	.gate = &c3_gate,
	.retry_delay = 15,
	.worker_interval = 60,
	.health_interval = 30,
	.health_stale = 120,
	.exec_ref = "go-rollback-drill-recovery-escalation-retry-worker",
};

/* ---- chain C4: recovery escalation retry health alerts -------------- */

static const struct cv_wf_chain c4 = {
	.name = "C4",
	.src = SRC_C4,
	.keys = { { "health_id", { "event_id", NULL } },
	    { "plan_id", { NULL, NULL } } },
	.retry = { C4_PREFIX "-delivery-retry-plan", "retry_plan_id",
	    "gordackrecoveryhealthalertretry",
	    "recovery_escalation_retry_health_alert_delivery_retry_plan",
	    GO_SCHEMA(AAD "recovery-escalation-retry-health-alert-delivery-"
	    "retry-plan") },
	.worker = { C4_PREFIX "-delivery-retry-worker-run", "run_id",
	    "gordackrecoveryhealthalertworker",
	    "recovery_escalation_retry_health_alert_delivery_retry_worker_run",
	    GO_SCHEMA(AAD "recovery-escalation-retry-health-alert-delivery-"
	    "retry-worker-run") },
	.exec = { C4_PREFIX "-delivery-retry-execution-record",
	    "execution_id", "gordackrecoveryhealthalertexec",
	    "recovery_escalation_retry_health_alert_delivery_retry_execution_"
	    "record",
	    GO_SCHEMA(AAD "recovery-escalation-retry-health-alert-delivery-"
	    "retry-execution-record") },
	.gate = NULL,
	.retry_delay = 15,
	.worker_interval = 30,
	.exec_ref = "go-rollback-drill-recovery-escalation-retry-health-alert-"
	    "worker",
};

static const struct cv_wf_alert c4_alert = {
	.name = "C4",
	.src = SRC_C4,
	.plan = { C4_PREFIX "-plan", "plan_id", "gordackrecoveryhealthalert",
	    "recovery_escalation_retry_health_alert_plan",
	    GO_SCHEMA(AAD "recovery-escalation-retry-health-alert-plan") },
	.ack = { C4_PREFIX "-ack", "acknowledgement_id",
	    "gordackrecoveryhealthack", "acknowledgement",
	    GO_SCHEMA(AAD "recovery-escalation-retry-health-alert-"
	    "acknowledgement") },
	.health_prefix = "gordackrecoveryeschealth",
	.event_type = "cavra.go_backend.rollback_drill.acknowledgement_audit_"
	    "delivery.recovery_escalation_retry_health_alert",
	.event_schema = GO_SCHEMA(AAD "recovery-escalation-retry-health-"
	    "alert"),
};

/* ---- vocabularies, index fields, fixed texts ------------------------ */

static const char *const closure_states[] = { "resolved", "mitigated",
	"deferred", "escalated", "reopened", NULL };
static const char *const closure_done[] = { "resolved", "mitigated",
	NULL };
static const struct cv_wf_vocab closure_vocab = {
	"closure_state", closure_states, "resolved", closure_done
};

static const char *const playbook_index[] = { "playbook_id", "alert_level",
	"provider_count", "failure_count", NULL };
static const char *const closure_index[] = { "closure_id", "closure_hash",
	"playbook_id", "provider", "closure_state", "external_ref", NULL };
static const char *const report_index[] = { "report_id", "alert_level",
	"execution_count", "execution_failed_count",
	"recovery_slo_breached_count", NULL };
static const char *const esc_index[] = { "plan_id", "recovery_report_id",
	"alert_level", "escalation_count", "slo_breached_count",
	"failed_execution_count", "selected_providers", NULL };
static const char *const esc_ack_index[] = { "acknowledgement_id",
	"plan_id", "provider", "acknowledgement_state", "external_ref", NULL };
static const char *const esc_ack_extra[] = { "escalation_reason", NULL };
static const char *const health_index[] = { "health_id", "alert_level",
	"alert_count", "failed_execution_count",
	"acknowledgement_pending_count", NULL };
static const char *const alert_ack_extra[] = { "plan_id", NULL };

static const char *const recovery_steps[] = {
	"confirm that the connector endpoint answers from the private network",
	"check the credential the connector presents and rotate it if the "
	"provider refused it",
	"check the provider's rate limits and maintenance notices",
	"run the retry worker as a dry run and review what it selects",
	"run the retry worker live once the endpoint answers",
	"record a closure with verification references once deliveries "
	"succeed",
	NULL
};
static const char *const recovery_controls[] = {
	"recovery records hold provider names, status codes and record ids "
	"only",
	"connector configuration and secrets are never copied into records",
	NULL
};
static const char *const health_actions[] = {
	"run the recovery escalation retry worker on its schedule",
	"acknowledge recovery escalations so that live retries may run",
	"review failed recovery escalation retry executions",
	"refresh the recovery escalation retry plan when it is stale",
	NULL
};
#define BOUNDARY	"endpoint URLs, credentials and request bodies stay in " \
			"the private connector configuration"

/* ---- helpers -------------------------------------------------------- */

/* The length of array a; 0 when a is not an array (or NULL). */
static size_t
alen(struct json_object *a)
{
	return json_object_is_type(a, json_type_array) ?
	    json_object_array_length(a) : 0;
}

static int64_t
ival(struct json_object *o, const char *key)
{
	return json_object_get_int64(json_object_object_get(o, key));
}

/* Adds 1 to the integer member key of o. */
static void
bump(struct json_object *o, const char *key, int64_t by)
{
	cv_json_add_int(o, key, ival(o, key) + by);
}

/* Sets the string member key of o to v when v sorts after it. */
static void
latest_str(struct json_object *o, const char *key, const char *v)
{
	if (v != NULL && strcmp(v, cv_json_str_or(o, key, "")) > 0)
		cv_json_add_str(o, key, v);
}

static int
str_cmp(const void *a, const void *b)
{
	struct json_object *const *x = a, *const *y = b;

	return strcmp(json_object_get_string(*x), json_object_get_string(*y));
}

/* The member names of o, sorted; new. */
static struct json_object *
keys_sorted(struct json_object *o)
{
	struct json_object	*k = json_object_new_array();

	json_object_object_foreach(o, key, val) {
		(void)val;
		json_object_array_add(k, json_object_new_string(key));
	}
	json_object_array_sort(k, str_cmp);
	return k;
}

/* x rounded to 1/scale (scale 100: two decimals); new. */
static struct json_object *
rounded(double x, double scale)
{
	return json_object_new_double((double)(int64_t)(x * scale +
	    (x < 0 ? -0.5 : 0.5)) / scale);
}

/* Minutes from time text at to now; -1 when at is not a time. */
static double
minutes_since(const char *at, time_t now)
{
	time_t	 t;

	if (cv_wf_ts_parse(at, &t) != 0)
		return -1;
	return (double)(now - t) / 60.0;
}

/* The providers a failed RCD names: failed_providers, else providers
 * (borrowed, or NULL). */
static struct json_object *
failed_of(struct json_object *rcd)
{
	struct json_object	*p;

	if (cv_json_arr(rcd, "failed_providers", &p) == CV_JGET_OK &&
	    alen(p) > 0)
		return p;
	return cv_json_arr(rcd, "providers", &p) == CV_JGET_OK ? p : NULL;
}

/* The recovery category of a provider (§10.8). */
static const char *
category(const char *p)
{
	static const char *const siem[] = { "splunk", "sentinel", "datadog",
		NULL };
	static const char *const itsm[] = { "jira", "servicenow", NULL };
	static const char *const chat[] = { "slack", "teams", "pagerduty",
		"email", NULL };

	if (cv_strv_has(siem, p))
		return "siem";
	if (cv_strv_has(itsm, p))
		return "itsm";
	if (cv_strv_has(chat, p))
		return "chatops";
	return "webhook";
}

/* ---- connector recovery playbook ------------------------------------ */

/* The failure group of provider p in groups, made on first use
 * (borrowed). */
static struct json_object *
group_of(struct json_object *groups, const char *p)
{
	struct json_object	*g;

	if (json_object_object_get_ex(groups, p, &g))
		return g;
	g = json_object_new_object();
	cv_json_add_int(g, "failure_count", 0);
	cv_json_add_str(g, "latest_failure_at", "");
	cv_json_add_str(g, "latest_delivery_id", "");
	json_object_object_add(g, "status_codes", json_object_new_array());
	json_object_object_add(groups, p, g);
	return g;
}

/* Counts failed RCD r (of one of the playbook's sources) in groups. */
static void
group_failure(struct cv_arena *a, struct json_object *groups,
    struct json_object *r)
{
	struct json_object	*provs, *g, *codes, *c;
	const char		*p, *at, *code;
	size_t			 i, j;

	provs = failed_of(r);
	at = cv_json_str_or(r, "created_at", "");
	for (i = 0; i < alen(provs); i++) {
		p = json_object_get_string(json_object_array_get_idx(provs, i));
		if (p == NULL || *(p = cv_wf_norm(a, p)) == '\0')
			continue;
		g = group_of(groups, p);
		bump(g, "failure_count", 1);
		if (strcmp(at, cv_json_str_or(g, "latest_failure_at", "")) >
		    0) {
			cv_json_add_str(g, "latest_failure_at", at);
			cv_json_add_str(g, "latest_delivery_id",
			    cv_json_str_or(r, "session_id", ""));
		}
		codes = json_object_object_get(g, "status_codes");
		c = json_object_object_get(r, "status_codes");
		for (j = 0; j < alen(c); j++) {
			code = json_object_get_string(
			    json_object_array_get_idx(c, j));
			if (code != NULL && !cv_json_has_str(codes, code))
				json_object_array_add(codes,
				    json_object_new_string(code));
		}
	}
}

/*
 * PLAN (POST AD/connector-recovery-playbook): the failed deliveries of
 * the audit delivery and worker health alert sources of the last
 * lookback_hours (default 24; undated ones kept), per normalised
 * provider; a provider with at least min_failure_count (default 2)
 * failures gets a playbook row.  Stored; answers {playbook, metadata}.
 * 400 for a bad number.
 */
static enum cv_err
build_playbook(struct cv_wf_ctx *ctx, struct json_object **answer)
{
	struct cv_arena		*a = ctx->req->arena;
	struct json_object	*rcds = NULL, *groups, *names, *rows, *row, *g,
				*r, *pb, *m, *rec;
	const char		*src, *name;
	int64_t			 minf, hours, n, total = 0, nfail = 0;
	time_t			 t;
	size_t			 i;
	enum cv_err		 rc;

	if ((rc = cv_wf_int(ctx, "min_failure_count", MIN_FAILURES_DEFAULT, 1,
	    INT32_MAX, &minf)) != CV_OK ||
	    (rc = cv_wf_int(ctx, "lookback_hours", LOOKBACK_DEFAULT, 1,
	    CV_WF_HOURS_MAX, &hours)) != CV_OK)
		return rc;
	if ((rc = cv_wf_load(ctx, CV_WF_RCD_KIND, &rcds)) != CV_OK)
		return rc;
	groups = json_object_new_object();
	for (i = 0; i < alen(rcds); i++) {
		r = json_object_array_get_idx(rcds, i);
		src = cv_json_str_or(r, "connector_delivery_source", "");
		if ((strcmp(src, SRC_C1) != 0 && strcmp(src, SRC_C2) != 0) ||
		    json_object_get_boolean(json_object_object_get(r,
		    "delivery_success")))
			continue;
		if (cv_wf_ts_parse(cv_json_str_or(r, "created_at", ""), &t) ==
		    0 && t < ctx->t - (time_t)hours * 3600)
			continue;
		nfail++;
		group_failure(a, groups, r);
	}
	json_object_put(rcds);
	names = keys_sorted(groups);
	rows = json_object_new_array();
	for (i = 0; i < alen(names); i++) {
		name = json_object_get_string(json_object_array_get_idx(names,
		    i));
		g = json_object_object_get(groups, name);
		if ((n = ival(g, "failure_count")) < minf)
			continue;
		total += n;
		json_object_array_sort(json_object_object_get(g,
		    "status_codes"), str_cmp);
		row = json_object_new_object();
		cv_json_add_str(row, "provider", name);
		cv_json_add_str(row, "category", category(name));
		cv_json_add_int(row, "failure_count", n);
		cv_json_add_str(row, "latest_failure_at", cv_json_str_or(g,
		    "latest_failure_at", ""));
		cv_json_add_str(row, "latest_delivery_id", cv_json_str_or(g,
		    "latest_delivery_id", ""));
		json_object_object_add(row, "status_codes", json_object_get(
		    json_object_object_get(g, "status_codes")));
		cv_json_add_strv(row, "recovery_steps", recovery_steps);
		cv_json_add_str(row, "private_connector_boundary", BOUNDARY);
		json_object_array_add(rows, row);
	}
	json_object_put(names);
	json_object_put(groups);
	m = json_object_new_object();
	cv_json_add_str(m, "generated_at", ctx->now);
	cv_json_add_int(m, "min_failure_count", minf);
	cv_json_add_int(m, "lookback_hours", hours);
	json_object_object_add(m, "provider_playbooks", json_object_get(rows));
	pb = json_object_new_object();
	cv_json_add_str(pb, "schema_version", k_playbook.schema);
	cv_json_add_str(pb, "playbook_id", cv_wf_id(a, k_playbook.prefix, m,
	    NULL));
	json_object_put(m);
	cv_json_add_str(pb, "generated_at", ctx->now);
	cv_json_add_str(pb, "generated_by", ctx->by);
	cv_json_add_int(pb, "min_failure_count", minf);
	cv_json_add_int(pb, "lookback_hours", hours);
	n = (int64_t)alen(rows);
	cv_json_add_str(pb, "alert_level", n > 0 ? "critical" : "healthy");
	cv_json_add_int(pb, "provider_count", n);
	cv_json_add_int(pb, "failure_count", total);
	cv_json_add_int(pb, "failed_delivery_count", nfail);
	json_object_object_add(pb, "provider_playbooks", rows);
	cv_json_add_strv(pb, "controls", recovery_controls);
	rec = cv_wf_keep(ctx, &k_playbook, pb, n, total, n, playbook_index);
	*answer = cv_wf_answer("playbook", pb, rec);
	json_object_put(pb);
	return CV_OK;
}

/*
 * DECIDE (POST AD/connector-recovery-playbooks/{playbook_id}/closures):
 * provider and closed_by (the verified actor replaces it) required,
 * closure_state one of closure_vocab, verification_refs a list kept as
 * strings; the playbook must be stored (404 "connector recovery
 * playbook not found").  closure_hash over the closure's facts.
 * Stored; answers {closure, metadata, actor}.
 */
static enum cv_err
build_closure(struct cv_wf_ctx *ctx, struct json_object **answer)
{
	struct cv_req		*req = ctx->req;
	struct json_object	*vr, *refs, *parent = NULL, *m, *rec, *v;
	const char		*pid, *prov, *by, *state, *ref, *notes, *id,
				*hash;
	char			 err[512];
	size_t			 i;
	enum cv_err		 rc;

	pid = cv_param(req, "playbook_id");
	if ((rc = cv_wf_str(ctx, "provider", &prov)) != CV_OK ||
	    (rc = cv_wf_str(ctx, "closed_by", &by)) != CV_OK ||
	    (rc = cv_wf_str(ctx, closure_vocab.field, &state)) != CV_OK ||
	    (rc = cv_wf_str(ctx, "external_ref", &ref)) != CV_OK ||
	    (rc = cv_wf_str(ctx, "notes", &notes)) != CV_OK ||
	    (rc = cv_wf_arr(ctx, "verification_refs", &vr)) != CV_OK)
		return rc;
	if (ctx->actor != NULL)
		by = ctx->by;		/* the actor (cv_wf_ctx_open) */
	if (prov == NULL || *prov == '\0')
		return cv_fail_field(req, CV_EINVAL, "provider",
		    "provider is required");
	if (by == NULL || *by == '\0')
		return cv_fail_field(req, CV_EINVAL, "closed_by",
		    "closed_by is required");
	if (cv_wf_state(req->arena, &closure_vocab, state, &state, err,
	    sizeof(err)) != CV_OK)
		return cv_fail_field(req, CV_EINVAL, closure_vocab.field, "%s",
		    err);
	for (i = 0; i < alen(vr); i++) {
		v = json_object_array_get_idx(vr, i);
		if (!json_object_is_type(v, json_type_string) &&
		    !json_object_is_type(v, json_type_int) &&
		    !json_object_is_type(v, json_type_double))
			return cv_fail_field(req, CV_EINVAL,
			    "verification_refs", "verification_refs must be a "
			    "list of strings");
	}
	rc = cv_wf_get(ctx, pid, KIND_PLAYBOOK, &parent);
	json_object_put(parent);
	if (rc == CV_ENOENT)
		return cv_fail(req, CV_ENOENT,
		    "connector recovery playbook not found");
	if (rc != CV_OK)
		return rc;
	prov = cv_wf_norm(req->arena, prov);
	ctx->by = by;
	refs = json_object_new_array();
	for (i = 0; i < alen(vr); i++)
		json_object_array_add(refs, json_object_new_string(
		    json_object_get_string(json_object_array_get_idx(vr, i))));
	m = json_object_new_object();
	cv_json_add_str(m, "playbook_id", pid);
	cv_json_add_str(m, "provider", prov);
	cv_json_add_str(m, "closure_state", state);
	cv_json_add_str(m, "closed_by", by);
	cv_json_add_str(m, "closed_at", ctx->now);
	cv_json_add_str(m, "external_ref", ref != NULL ? ref : "");
	json_object_object_add(m, "verification_refs", refs);
	id = cv_wf_id(req->arena, k_closure.prefix, m, &hash);
	cv_json_add_str(m, "schema_version", k_closure.schema);
	cv_json_add_str(m, "closure_id", id);
	cv_json_add_str(m, "closure_hash", hash);
	cv_json_add_bool(m, "closed", cv_wf_done(&closure_vocab, state));
	cv_json_add_str(m, "notes", notes != NULL ? notes : "");
	rec = cv_wf_keep(ctx, &k_closure, m, 1, cv_wf_done(&closure_vocab,
	    state) ? 0 : 1, 0, closure_index);
	*answer = cv_wf_answer("closure", m, rec);
	json_object_put(m);
	return CV_OK;
}

/* ---- retry recovery report ------------------------------------------ */

/* The provider summary row of p in provs, made on first use
 * (borrowed). */
static struct json_object *
summary_of(struct json_object *provs, const char *p)
{
	static const char *const zero[] = { "execution_count",
		"delivered_count", "failed_count", "skipped_count",
		"recovery_playbook_count", "recovery_closure_count",
		"open_recovery_count", "slo_breached_count", NULL };
	const char *const	*k;
	struct json_object	*s;

	if (json_object_object_get_ex(provs, p, &s))
		return s;
	s = json_object_new_object();
	cv_json_add_str(s, "provider", p);
	for (k = zero; *k != NULL; k++)
		cv_json_add_int(s, *k, 0);
	cv_json_add_str(s, "latest_execution_at", "");
	cv_json_add_str(s, "latest_closure_at", "");
	json_object_object_add(provs, p, s);
	return s;
}

/* Counts closure record c in the provider summaries and the trend of
 * its UTC date. */
static void
count_closure(struct cv_arena *a, struct json_object *provs,
    struct json_object *trends, struct json_object *c)
{
	const char *const	*k;
	struct json_object	*tr, *pc;
	const char		*p, *at, *state, *date;

	p = cv_wf_norm(a, cv_json_str_or(c, "provider", ""));
	at = cv_json_str_or(c, "created_at", "");
	state = cv_json_str_or(c, "closure_state", "");
	bump(summary_of(provs, p), "recovery_closure_count", 1);
	latest_str(summary_of(provs, p), "latest_closure_at", at);
	date = cv_arena_printf(a, "%.10s", at);
	if (!json_object_object_get_ex(trends, date, &tr)) {
		tr = json_object_new_object();
		cv_json_add_str(tr, "date", date);
		cv_json_add_int(tr, "closure_count", 0);
		for (k = closure_states; *k != NULL; k++)
			cv_json_add_int(tr, cv_arena_printf(a, "%s_count", *k),
			    0);
		json_object_object_add(tr, "provider_counts",
		    json_object_new_object());
		json_object_object_add(trends, date, tr);
	}
	bump(tr, "closure_count", 1);
	if (*state != '\0')
		bump(tr, cv_arena_printf(a, "%s_count", state), 1);
	pc = json_object_object_get(tr, "provider_counts");
	bump(pc, p, 1);
}

/* The newest closure of (playbook pid, provider p) among closures
 * (newest first; borrowed), or NULL. */
static struct json_object *
closure_for(struct cv_arena *a, struct json_object *closures,
    const char *pid, const char *p)
{
	struct json_object	*c;
	size_t			 i;

	for (i = 0; i < alen(closures); i++) {
		c = json_object_array_get_idx(closures, i);
		if (strcmp(cv_json_str_or(c, "playbook_id", ""), pid) == 0 &&
		    strcmp(cv_wf_norm(a, cv_json_str_or(c, "provider", "")),
		    p) == 0)
			return c;
	}
	return NULL;
}

/* Totals of a report's recovery rows. */
struct recovery_totals {
	int64_t	 closed, open, breached;
};

/*
 * The recovery row of provider row prow of playbook record pbr (§10.8):
 * its newest closure ("open" without one), closed when resolved or
 * mitigated, breached when open past the SLO; counted in provs and t.
 * New.
 */
static struct json_object *
recovery_row(struct cv_wf_ctx *ctx, struct json_object *pbr,
    struct json_object *prow, struct json_object *closures,
    struct json_object *provs, int64_t slo, struct recovery_totals *t)
{
	struct cv_arena		*a = ctx->req->arena;
	struct json_object	*row, *c, *s;
	const char		*pid, *p, *state, *created;
	double			 age, took = -1;
	time_t			 t0, t1;
	int			 closed, breached;

	pid = cv_json_str_or(pbr, "session_id", "");
	created = cv_json_str_or(pbr, "created_at", "");
	p = cv_wf_norm(a, cv_json_str_or(prow, "provider", ""));
	s = summary_of(provs, p);
	bump(s, "recovery_playbook_count", 1);
	c = closure_for(a, closures, pid, p);
	state = c != NULL ? cv_json_str_or(c, "closure_state", "") : "open";
	closed = cv_wf_done(&closure_vocab, state);
	age = minutes_since(created, ctx->t);
	breached = !closed && age > (double)slo;
	if (closed && cv_wf_ts_parse(created, &t0) == 0 &&
	    cv_wf_ts_parse(cv_json_str_or(c, "created_at", ""), &t1) == 0)
		took = (double)(t1 - t0) / 60.0;
	if (closed)
		t->closed++;
	else {
		t->open++;
		bump(s, "open_recovery_count", 1);
		if (breached) {
			t->breached++;
			bump(s, "slo_breached_count", 1);
		}
	}
	row = json_object_new_object();
	cv_json_add_str(row, "playbook_id", pid);
	cv_json_add_str(row, "provider", p);
	cv_json_add_str(row, "category", cv_json_str_or(prow, "category",
	    category(p)));
	cv_json_add_int(row, "failure_count", ival(prow, "failure_count"));
	cv_json_add_str(row, "playbook_created_at", created);
	json_object_object_add(row, "age_minutes", age < 0 ? NULL :
	    rounded(age, 100));
	cv_json_add_str(row, "closure_state", state);
	cv_json_add_str(row, "closure_id", c != NULL ? cv_json_str_or(c,
	    "session_id", "") : "");
	cv_json_add_str(row, "closed_at", c != NULL && closed ?
	    cv_json_str_or(c, "created_at", "") : "");
	cv_json_add_bool(row, "closed", closed);
	cv_json_add_bool(row, "slo_breached", breached);
	cv_json_add_str(row, "slo_status", breached ? "breached" : closed ?
	    "closed" : "open");
	json_object_object_add(row, "closure_minutes", took < 0 ? NULL :
	    rounded(took, 100));
	return row;
}

/* The values of map sorted by name; new. */
static struct json_object *
values_sorted(struct json_object *map)
{
	struct json_object	*names, *out;
	size_t			 i;

	names = keys_sorted(map);
	out = json_object_new_array();
	for (i = 0; i < alen(names); i++)
		json_object_array_add(out, json_object_get(
		    json_object_object_get(map, json_object_get_string(
		    json_object_array_get_idx(names, i)))));
	json_object_put(names);
	return out;
}

/*
 * The retry recovery report (§10.8) at ctx.now with the SLO in minutes:
 * the audit retry worker's execution records, the stored playbooks and
 * closures, per provider and per (playbook, provider).  New in *out;
 * fails with the problem set.
 */
static enum cv_err
recovery_report(struct cv_wf_ctx *ctx, int64_t slo, struct json_object **out)
{
	struct cv_arena		*a = ctx->req->arena;
	struct json_object	*execs = NULL, *pbs = NULL, *cls = NULL, *provs,
				*trends, *rows, *latest, *e, *s, *pr, *m, *rep;
	struct recovery_totals	 t = { 0, 0, 0 };
	const char		*status;
	int64_t			 n[3] = { 0, 0, 0 };	/* delivered, failed,
							   skipped */
	int64_t			 nexec;
	size_t			 i, j;
	enum cv_err		 rc;

	*out = NULL;
	if ((rc = cv_wf_load(ctx, KIND_C1_EXEC, &execs)) != CV_OK ||
	    (rc = cv_wf_load(ctx, KIND_PLAYBOOK, &pbs)) != CV_OK ||
	    (rc = cv_wf_load(ctx, KIND_CLOSURE, &cls)) != CV_OK)
		goto out;
	provs = json_object_new_object();
	trends = json_object_new_object();
	latest = json_object_new_array();
	for (i = 0; i < alen(execs); i++) {
		e = json_object_array_get_idx(execs, i);
		s = summary_of(provs, cv_wf_norm(a, cv_json_str_or(e,
		    "provider", "")));
		bump(s, "execution_count", 1);
		status = cv_json_str_or(e, "execution_status", "");
		j = strcmp(status, "delivered") == 0 ? 0 : strcmp(status,
		    "skipped") == 0 ? 2 : 1;
		n[j]++;
		bump(s, j == 0 ? "delivered_count" : j == 2 ? "skipped_count" :
		    "failed_count", 1);
		latest_str(s, "latest_execution_at", cv_json_str_or(e,
		    "created_at", ""));
		if (alen(latest) <
		    CV_WF_EXECUTIONS_SHOWN_MAX)
			json_object_array_add(latest, json_object_get(
			    cv_wf_payload(e, C1_EXEC_KEY)));
	}
	for (i = 0; i < alen(cls); i++)
		count_closure(a, provs, trends, json_object_array_get_idx(cls,
		    i));
	rows = json_object_new_array();
	for (i = 0; i < alen(pbs); i++) {
		e = json_object_array_get_idx(pbs, i);
		pr = json_object_object_get(cv_wf_payload(e,
		    k_playbook.payload_key), "provider_playbooks");
		for (j = 0; j < alen(pr); j++)
			json_object_array_add(rows, recovery_row(ctx, e,
			    json_object_array_get_idx(pr, j), cls, provs, slo,
			    &t));
	}
	nexec = (int64_t)alen(execs);
	m = json_object_new_object();
	cv_json_add_str(m, "generated_at", ctx->now);
	cv_json_add_int(m, "recovery_slo_minutes", slo);
	json_object_object_add(m, "recovery_rows", json_object_get(rows));
	rep = json_object_new_object();
	cv_json_add_str(rep, "schema_version", k_report.schema);
	cv_json_add_str(rep, "report_id", cv_wf_id(a, k_report.prefix, m,
	    NULL));
	json_object_put(m);
	cv_json_add_str(rep, "generated_at", ctx->now);
	cv_json_add_str(rep, "generated_by", ctx->by);
	cv_json_add_int(rep, "recovery_slo_minutes", slo);
	cv_json_add_str(rep, "alert_level", t.breached > 0 || n[1] + n[2] > 0 ?
	    "critical" : t.open > 0 ? "warning" : "healthy");
	cv_json_add_int(rep, "execution_count", nexec);
	cv_json_add_int(rep, "execution_success_count", n[0]);
	cv_json_add_int(rep, "execution_failed_count", n[1] + n[2]);
	cv_json_add_int(rep, "execution_skipped_count", n[2]);
	json_object_object_add(rep, "execution_success_rate", nexec > 0 ?
	    rounded((double)n[0] / (double)nexec, 10000) : NULL);
	cv_json_add_int(rep, "recovery_playbook_count", (int64_t)
	    alen(pbs));
	cv_json_add_int(rep, "recovery_closure_count", (int64_t)
	    alen(cls));
	cv_json_add_int(rep, "recovery_row_count", (int64_t)
	    alen(rows));
	cv_json_add_int(rep, "recovery_closed_count", t.closed);
	cv_json_add_int(rep, "recovery_open_count", t.open);
	cv_json_add_int(rep, "recovery_slo_breached_count", t.breached);
	json_object_object_add(rep, "provider_summary", values_sorted(provs));
	json_object_object_add(rep, "closure_trends", values_sorted(trends));
	json_object_object_add(rep, "recovery_rows", rows);
	json_object_object_add(rep, "latest_executions", latest);
	cv_json_add_strv(rep, "controls", recovery_controls);
	json_object_put(provs);
	json_object_put(trends);
	*out = rep;
out:
	json_object_put(execs);
	json_object_put(pbs);
	json_object_put(cls);
	return rc;
}

/*
 * REPORT (GET AD/retry-recovery-report): the retry recovery report
 * with recovery_slo_minutes (default 240) and generated_by of the
 * query; stored unless persist=false.  Answers {report, metadata}.
 */
static enum cv_err
build_report(struct cv_wf_ctx *ctx, struct json_object **answer)
{
	struct json_object	*rep, *rec;
	const char		*by;
	int64_t			 slo;
	enum cv_err		 rc;

	if ((rc = cv_wf_param_int(ctx, "recovery_slo_minutes", SLO_DEFAULT, 1,
	    CV_WF_MINUTES_MAX, &slo)) != CV_OK ||
	    (rc = cv_wf_param_str(ctx, "generated_by", &by)) != CV_OK)
		return rc;
	if (by != NULL && *by != '\0')
		ctx->by = by;
	if ((rc = recovery_report(ctx, slo, &rep)) != CV_OK)
		return rc;
	rec = cv_wf_keep(ctx, &k_report, rep, ival(rep, "recovery_row_count"),
	    ival(rep, "recovery_slo_breached_count") + ival(rep,
	    "execution_failed_count"), ival(rep, "recovery_open_count"),
	    report_index);
	*answer = cv_wf_answer("report", rep, rec);
	json_object_put(rep);
	return CV_OK;
}

/* ---- recovery escalation plan --------------------------------------- */

/* A route of the escalation plan; new. */
static struct json_object *
route_new(const char *type, const char *sev, const char *prov,
    const char *pid, const char *reason, const char *action, int64_t fails,
    struct json_object *row)
{
	struct json_object	*r = json_object_new_object();

	cv_json_add_str(r, "route_type", type);
	cv_json_add_str(r, "severity", sev);
	cv_json_add_str(r, "provider", prov);
	cv_json_add_str(r, "playbook_id", pid);
	cv_json_add_str(r, "owner", OWNER);
	cv_json_add_str(r, "reason", reason);
	cv_json_add_str(r, "recommended_action", action);
	cv_json_add_int(r, "failure_count", fails);
	json_object_object_add(r, "age_minutes", row != NULL ?
	    json_object_get(json_object_object_get(row, "age_minutes")) :
	    NULL);
	cv_json_add_str(r, "closure_state", row != NULL ? cv_json_str_or(row,
	    "closure_state", "") : "");
	cv_json_add_str(r, "slo_status", row != NULL ? cv_json_str_or(row,
	    "slo_status", "") : "");
	return r;
}

/* Routes in escalation order: critical first, then more failures, then
 * older. */
static int
route_cmp(const void *a, const void *b)
{
	struct json_object *const *x = a, *const *y = b;
	int		 cx, cy;
	int64_t		 fx, fy;
	double		 ax, ay;

	cx = strcmp(cv_json_str_or(*x, "severity", ""), "critical") == 0;
	cy = strcmp(cv_json_str_or(*y, "severity", ""), "critical") == 0;
	if (cx != cy)
		return cy - cx;
	fx = ival(*x, "failure_count");
	fy = ival(*y, "failure_count");
	if (fx != fy)
		return fx < fy ? 1 : -1;
	ax = json_object_get_double(json_object_object_get(*x, "age_minutes"));
	ay = json_object_get_double(json_object_object_get(*y, "age_minutes"));
	return ax < ay ? 1 : ax > ay ? -1 : 0;
}

/*
 * The recovery escalation plan of report rep (§10.8): a critical route
 * per breached recovery, a warning route per open one, a critical
 * retry-execution route per provider whose retry executions failed or
 * were skipped and that no route names yet.  New.
 */
static struct json_object *
escalation_plan(struct cv_wf_ctx *ctx, struct json_object *rep)
{
	struct json_object	*routes, *rows, *row, *sum, *s, *sel, *m, *plan,
				*ex;
	const char		*p;
	int64_t			 crit = 0, fails, nrows;
	size_t			 i;

	routes = json_object_new_array();
	sel = json_object_new_array();
	rows = json_object_object_get(rep, "recovery_rows");
	for (i = 0; i < alen(rows); i++) {
		row = json_object_array_get_idx(rows, i);
		if (json_object_get_boolean(json_object_object_get(row,
		    "closed")))
			continue;
		p = cv_json_str_or(row, "provider", "");
		if (json_object_get_boolean(json_object_object_get(row,
		    "slo_breached")))
			json_object_array_add(routes, route_new(
			    "connector_recovery_slo_breached", "critical", p,
			    cv_json_str_or(row, "playbook_id", ""),
			    "connector recovery SLO breached", "page release "
			    "owner and require executive visibility",
			    ival(row, "failure_count"), row));
		else
			json_object_array_add(routes, route_new(
			    "connector_recovery_open", "warning", p,
			    cv_json_str_or(row, "playbook_id", ""),
			    "connector recovery remains open", "notify release "
			    "owner and track the recovery to closure",
			    ival(row, "failure_count"), row));
		if (!cv_json_has_str(sel, p))
			json_object_array_add(sel, json_object_new_string(p));
	}
	sum = json_object_object_get(rep, "provider_summary");
	for (i = 0; i < alen(sum); i++) {
		s = json_object_array_get_idx(sum, i);
		p = cv_json_str_or(s, "provider", "");
		fails = ival(s, "failed_count") + ival(s, "skipped_count");
		if (fails == 0 || cv_json_has_str(sel, p))
			continue;
		json_object_array_add(routes, route_new("retry_execution",
		    "critical", p, "", "retry execution failed or was skipped",
		    "review the failed retry executions and run the worker "
		    "again", fails, NULL));
		json_object_array_add(sel, json_object_new_string(p));
	}
	json_object_array_sort(routes, route_cmp);
	json_object_array_sort(sel, str_cmp);
	for (i = 0; i < alen(routes); i++)
		crit += strcmp(cv_json_str_or(json_object_array_get_idx(routes,
		    i), "severity", ""), "critical") == 0;
	nrows = (int64_t)alen(rows);
	ex = json_object_new_object();
	cv_json_add_str(ex, "status", crit > 0 ? "critical" :
	    alen(routes) > 0 ? "warning" : "healthy");
	cv_json_add_int(ex, "tracked_provider_count", (int64_t)
	    alen(sum));
	cv_json_add_int(ex, "execution_count", ival(rep, "execution_count"));
	cv_json_add_int(ex, "failed_execution_count", ival(rep,
	    "execution_failed_count"));
	cv_json_add_int(ex, "open_recovery_count", ival(rep,
	    "recovery_open_count"));
	cv_json_add_int(ex, "slo_breached_count", ival(rep,
	    "recovery_slo_breached_count"));
	json_object_object_add(ex, "closure_rate", nrows > 0 ? rounded(
	    (double)ival(rep, "recovery_closed_count") / (double)nrows,
	    10000) : NULL);
	m = json_object_new_object();
	cv_json_add_str(m, "generated_at", ctx->now);
	cv_json_add_str(m, "recovery_report_id", cv_json_str_or(rep,
	    "report_id", ""));
	json_object_object_add(m, "escalation_routes", json_object_get(routes));
	plan = json_object_new_object();
	cv_json_add_str(plan, "schema_version", k_esc.schema);
	cv_json_add_str(plan, "plan_id", cv_wf_id(ctx->req->arena,
	    k_esc.prefix, m, NULL));
	json_object_put(m);
	cv_json_add_str(plan, "recovery_report_id", cv_json_str_or(rep,
	    "report_id", ""));
	cv_json_add_str(plan, "generated_at", ctx->now);
	cv_json_add_str(plan, "generated_by", ctx->by);
	cv_json_add_int(plan, "recovery_slo_minutes", ival(rep,
	    "recovery_slo_minutes"));
	cv_json_add_str(plan, "alert_level", cv_json_str_or(ex, "status", ""));
	cv_json_add_int(plan, "escalation_count", (int64_t)
	    alen(routes));
	cv_json_add_int(plan, "critical_escalation_count", crit);
	cv_json_add_int(plan, "slo_breached_count", ival(rep,
	    "recovery_slo_breached_count"));
	cv_json_add_int(plan, "failed_execution_count", ival(rep,
	    "execution_failed_count"));
	cv_json_add_int(plan, "open_recovery_count", ival(rep,
	    "recovery_open_count"));
	json_object_object_add(plan, "selected_providers", sel);
	json_object_object_add(plan, "executive_summary", ex);
	json_object_object_add(plan, "escalation_routes", routes);
	cv_json_add_strv(plan, "controls", recovery_controls);
	return plan;
}

/* Queues the record of escalation plan p; borrowed. */
static struct json_object *
keep_plan(struct cv_wf_ctx *ctx, struct json_object *p)
{
	return cv_wf_keep(ctx, &k_esc, p, ival(p, "escalation_count"),
	    ival(p, "critical_escalation_count"), ival(p,
	    "open_recovery_count"), esc_index);
}

/* A fresh escalation plan from a fresh (unstored) recovery report with
 * the body's recovery_slo_minutes; queued.  *plan new, *rec borrowed. */
static enum cv_err
plan_now(struct cv_wf_ctx *ctx, struct json_object **plan,
    struct json_object **rec)
{
	struct json_object	*rep;
	int64_t			 slo;
	enum cv_err		 rc;

	*plan = *rec = NULL;
	if ((rc = cv_wf_int(ctx, "recovery_slo_minutes", SLO_DEFAULT, 1,
	    CV_WF_MINUTES_MAX, &slo)) != CV_OK ||
	    (rc = recovery_report(ctx, slo, &rep)) != CV_OK)
		return rc;
	*plan = escalation_plan(ctx, rep);
	json_object_put(rep);
	*rec = keep_plan(ctx, *plan);
	return CV_OK;
}

/*
 * PLAN (POST AD/recovery-escalation-plan): the escalation plan of the
 * retry recovery report recomputed with recovery_slo_minutes (default
 * 240).  Stored; answers {plan, metadata, actor}.
 */
static enum cv_err
build_escalation_plan(struct cv_wf_ctx *ctx, struct json_object **answer)
{
	struct json_object	*plan, *rec;
	enum cv_err		 rc;

	if ((rc = plan_now(ctx, &plan, &rec)) != CV_OK)
		return rc;
	*answer = cv_wf_answer("plan", plan, rec);
	json_object_put(plan);
	return CV_OK;
}

/* The connector event of escalation plan p with at most max routes
 * (§10.8: no schema_version, event_id the plan id); new. */
static struct json_object *
escalation_event(struct cv_wf_ctx *ctx, struct json_object *p, int64_t max)
{
	static const char *const counts[] = { "escalation_count",
		"critical_escalation_count", "slo_breached_count",
		"failed_execution_count", "open_recovery_count", NULL };
	const char *const	*k;
	struct json_object	*ev, *c, *routes, *some;
	size_t			 i, n;

	ev = json_object_new_object();
	cv_json_add_str(ev, "product", CV_PRODUCT);
	cv_json_add_str(ev, "event_type", "cavra.go_backend.rollback_drill."
	    "acknowledgement_audit_delivery.recovery_escalation");
	cv_json_add_str(ev, "event_id", cv_json_str_or(p, "plan_id", ""));
	cv_json_add_str(ev, "session_id", cv_json_str_or(p, "plan_id", ""));
	cv_json_add_str(ev, "plan_id", cv_json_str_or(p, "plan_id", ""));
	cv_json_add_str(ev, "generated_at", ctx->now);
	cv_json_add_str(ev, "generated_by", ctx->by);
	cv_json_add_str(ev, "alert_level", cv_json_str_or(p, "alert_level",
	    "healthy"));
	json_object_object_add(ev, "summary", json_object_get(
	    json_object_object_get(p, "executive_summary")));
	c = json_object_new_object();
	for (k = counts; *k != NULL; k++)
		cv_json_add_int(c, *k, ival(p, *k));
	json_object_object_add(ev, "counts", c);
	routes = json_object_object_get(p, "escalation_routes");
	n = alen(routes);
	some = json_object_new_array();
	for (i = 0; i < n && (int64_t)i < max; i++)
		json_object_array_add(some, json_object_get(
		    json_object_array_get_idx(routes, i)));
	json_object_object_add(ev, "routes", some);
	cv_json_add_int(ev, "route_count", (int64_t)n);
	cv_json_add_int(ev, "omitted_route_count", (int64_t)n > max ?
	    (int64_t)n - max : 0);
	return ev;
}

/* max_routes of the body, clamped to 1..CV_WF_ROUTES_MAX. */
static enum cv_err
max_routes(struct cv_wf_ctx *ctx, int64_t *max)
{
	enum cv_err	 rc;

	if ((rc = cv_wf_int(ctx, "max_routes", CV_WF_ROUTES_DEFAULT,
	    INT64_MIN, INT64_MAX, max)) != CV_OK)
		return rc;
	*max = *max < 1 ? 1 : *max > CV_WF_ROUTES_MAX ? CV_WF_ROUTES_MAX :
	    *max;
	return CV_OK;
}

/*
 * DELIVER (POST RE/{plan_id}/deliver, C3): 400 without a connector
 * config; the stored plan, or with `latest` a fresh one (stored), else
 * 404 "recovery escalation plan not found"; its event (max_routes,
 * default 20) delivered to provider (else the plan's selected
 * providers, else webhook) and the RCD stored with plan_id and
 * selected_providers.  Answers {plan, delivery, plan_metadata,
 * metadata, success, event_id, actor}.
 */
static enum cv_err
build_escalation_deliver(struct cv_wf_ctx *ctx, struct json_object **answer)
{
	struct json_object	*rec = NULL, *plan = NULL, *ev = NULL,
				*links = NULL, *res = NULL, *rcd, *prec = NULL,
				*o;
	const char		*pid, *prov;
	int64_t			 max;
	enum cv_err		 rc;

	pid = cv_param(ctx->req, "plan_id");
	if ((rc = cv_wf_need_connector(ctx)) != CV_OK ||
	    (rc = cv_wf_str(ctx, "provider", &prov)) != CV_OK ||
	    (rc = max_routes(ctx, &max)) != CV_OK)
		return rc;
	rc = cv_wf_get(ctx, pid, KIND_ESC, &rec);
	if (rc == CV_OK) {
		plan = json_object_get(cv_wf_payload(rec, k_esc.payload_key));
		prec = rec;
	} else if (rc == CV_ENOENT && strcmp(pid, "latest") == 0) {
		if ((rc = plan_now(ctx, &plan, &prec)) != CV_OK)
			goto out;
	} else {
		if (rc == CV_ENOENT)
			rc = cv_fail(ctx->req, CV_ENOENT,
			    "recovery escalation plan not found");
		goto out;
	}
	if (prov == NULL || *prov == '\0')
		prov = cv_wf_joined(ctx->req->arena,
		    json_object_object_get(plan, "selected_providers"));
	if (*prov == '\0')
		prov = "webhook";
	ev = escalation_event(ctx, plan, max);
	links = json_object_new_object();
	cv_json_add_str(links, "plan_id", cv_json_str_or(plan, "plan_id", ""));
	if ((rc = cv_wf_deliver(ctx, ev, prov, SRC_C3, links, &res, &rcd)) !=
	    CV_OK)
		goto out;
	json_object_object_add(rcd, "selected_providers", json_object_get(
	    json_object_object_get(rcd, "providers")));
	o = json_object_new_object();
	json_object_object_add(o, "plan", json_object_get(plan));
	json_object_object_add(o, "delivery", json_object_get(res));
	json_object_object_add(o, "plan_metadata", json_object_get(prec));
	json_object_object_add(o, "metadata", json_object_get(rcd));
	cv_json_add_bool(o, "success", json_object_get_boolean(
	    json_object_object_get(res, "success")));
	cv_json_add_str(o, "event_id", cv_json_str_or(plan, "plan_id", ""));
	*answer = o;
out:
	json_object_put(rec);
	json_object_put(plan);
	json_object_put(ev);
	json_object_put(links);
	json_object_put(res);
	return rc;
}

/* ---- C3 worker redelivery and health -------------------------------- */

/*
 * The C3 redelivery event of escalation plan p (max_routes of the body)
 * and its link plan_id.  A cv_wf_event_fn.
 */
static enum cv_err
c3_event(struct cv_wf_ctx *ctx, struct json_object *d, struct json_object *p,
    int64_t max, struct json_object **event, struct json_object **links)
{
	(void)d;
	*event = escalation_event(ctx, p, max);
	*links = json_object_new_object();
	cv_json_add_str(*links, "plan_id", cv_json_str_or(p, "plan_id", ""));
	return CV_OK;
}

/*
 * The health of the C3 worker (§10.5) of reading r (thresholds
 * expected_interval_minutes 30, stale_metadata_minutes 120): its runs,
 * retry plans, execution records, failed escalation deliveries and the
 * acknowledgements live retries waited for, ages in minutes to two
 * decimals.  A cv_wf_reading_fn: new; its record counts runs, failures
 * (executions not delivered, missed run) and pending acknowledgements.
 */
static struct json_object *
c3_health_doc(struct cv_wf_ctx *ctx, const struct cv_wf_reading *r,
    int64_t counts[3])
{
	struct json_object	*h, *alerts, *m;
	double			 run_age, plan_age;
	int64_t			 nexec, failed;
	int			 missed, old;

	run_age = r->run_age < 0 ? -1 : (double)r->run_age / 60.0;
	plan_age = r->plan_age < 0 ? -1 : (double)r->plan_age / 60.0;
	missed = r->run == NULL || run_age > 2.0 * (double)r->interval;
	old = r->plan == NULL || plan_age > (double)r->stale;
	nexec = (int64_t)alen(r->execs);
	failed = nexec - r->delivered;
	alerts = json_object_new_array();
	cv_wf_alert_if(alerts, missed, "critical",
	    "missed_recovery_escalation_retry_worker", "no recovery "
	    "escalation retry worker run within twice the expected interval");
	cv_wf_alert_if(alerts, old, "warning",
	    "stale_recovery_escalation_retry_plan", "no recovery escalation "
	    "retry plan within the stale metadata window");
	cv_wf_alert_if(alerts, r->pending > 0, "warning",
	    "recovery_escalation_acknowledgement_gap", "live retries waited "
	    "for recovery escalation acknowledgements");
	cv_wf_alert_if(alerts, failed > 0, "critical",
	    "failed_recovery_escalation_retry_execution", "recovery "
	    "escalation retry executions failed or were skipped");
	cv_wf_alert_if(alerts, r->disabled > 0, "warning",
	    "disabled_recovery_escalation_retry_schedule", "a recovery "
	    "escalation retry worker schedule is disabled");
	h = json_object_new_object();
	cv_json_add_str(h, "schema_version", k_health.schema);
	cv_json_add_str(h, "generated_at", ctx->now);
	cv_json_add_str(h, "generated_by", ctx->by);
	cv_json_add_int(h, "expected_interval_minutes", r->interval);
	cv_json_add_int(h, "stale_metadata_minutes", r->stale);
	cv_json_add_str(h, "alert_level", cv_wf_alert_level(alerts));
	cv_json_add_int(h, "alert_count", (int64_t)alen(alerts));
	cv_json_add_int(h, "run_count", (int64_t)alen(r->runs));
	cv_json_add_int(h, "dry_run_count", r->dry);
	cv_json_add_int(h, "retry_plan_count", (int64_t)alen(r->plans));
	cv_json_add_int(h, "execution_count", nexec);
	cv_json_add_int(h, "delivered_execution_count", r->delivered);
	cv_json_add_int(h, "failed_execution_count", failed);
	cv_json_add_int(h, "failed_recovery_escalation_delivery_count",
	    r->failed_rcd);
	cv_json_add_int(h, "acknowledgement_pending_count", r->pending);
	cv_json_add_int(h, "missed_run_count", missed);
	cv_json_add_int(h, "stale_retry_plan_count", old);
	cv_json_add_int(h, "disabled_schedule_count", r->disabled);
	cv_json_add_str(h, "latest_run_id", r->run != NULL ?
	    cv_json_str_or(r->run, "session_id", "") : NULL);
	cv_json_add_str(h, "latest_run_at", r->run != NULL ?
	    cv_json_str_or(r->run, "created_at", "") : NULL);
	json_object_object_add(h, "latest_run_age_minutes", run_age < 0 ?
	    NULL : rounded(run_age, 100));
	cv_json_add_str(h, "latest_retry_plan_id", r->plan != NULL ?
	    cv_json_str_or(r->plan, "session_id", "") : NULL);
	json_object_object_add(h, "latest_retry_plan_age_minutes", plan_age <
	    0 ? NULL : rounded(plan_age, 100));
	json_object_object_add(h, "alerts", alerts);
	cv_json_add_strv(h, "recommended_actions", health_actions);
	m = json_object_new_object();
	cv_json_add_str(m, "generated_at", ctx->now);
	json_object_object_add(m, "latest_run_id", json_object_get(
	    json_object_object_get(h, "latest_run_id")));
	json_object_object_add(m, "latest_retry_plan_id", json_object_get(
	    json_object_object_get(h, "latest_retry_plan_id")));
	cv_json_add_int(m, "alert_count", (int64_t)alen(alerts));
	cv_json_add_str(h, "health_id", cv_wf_id(ctx->req->arena,
	    k_health.prefix, m, NULL));
	json_object_put(m);
	counts[0] = (int64_t)alen(r->runs);
	counts[1] = failed + missed;
	counts[2] = r->pending;
	return h;
}

/* The C3 health is stored on every reading, an alert delivery's too. */
static const struct cv_wf_health c3_health = {
	.kind = &k_health, .index = health_index, .doc = c3_health_doc,
	.keep_for_alerts = 1,
};

/* ---- C4 worker redelivery ------------------------------------------- */

/*
 * The C4 redelivery event of C3 health reading h (max_alerts of the
 * body) and its links health_id and the decision's plan_id.  A
 * cv_wf_event_fn.
 */
static enum cv_err
c4_event(struct cv_wf_ctx *ctx, struct json_object *d, struct json_object *h,
    int64_t max, struct json_object **event, struct json_object **links)
{
	*event = cv_wf_alert_event(ctx, &c4_alert, h, max);
	*links = json_object_new_object();
	cv_json_add_str(*links, "health_id", cv_json_str_or(h, "health_id",
	    ""));
	cv_json_add_str(*links, "plan_id", cv_json_str_or(d, "plan_id", ""));
	return CV_OK;
}

/* ---- steps ---------------------------------------------------------- */

static const struct cv_wf_worker w_c3 = {
	.parent = &k_esc,
	.parent_field = "plan_id",
	.skip = "recovery_escalation_plan_not_found",
	.event = c3_event,
	.max_param = "max_routes",
	.max_default = CV_WF_ROUTES_DEFAULT,
	.max_limit = CV_WF_ROUTES_MAX,
	.live_needs_config = 0,
	.state_field = "acknowledgement_state",
	.parent_ref = "go-rollback-drill-recovery-escalation",
	.gate_ref = "go-rollback-drill-recovery-escalation-acknowledgement",
};
static const struct cv_wf_worker w_c4 = {
	.parent = &k_health,
	.parent_field = "health_id",
	.skip = "recovery_escalation_retry_health_not_found",
	.event = c4_event,
	.max_param = "max_alerts",
	.max_default = CV_WF_ALERTS_DEFAULT,
	.max_limit = CV_WF_ALERTS_MAX,
	.live_needs_config = 1,
	.parent_ref = "go-rollback-drill-recovery-escalation-retry-health",
};

static const char *const c4_kinds[] = { C4_PREFIX "-plan", C4_PREFIX "-ack",
	NULL };
static const char *const c4_srcs[] = { SRC_C4, NULL };

static const struct cv_wf_step s_playbook = {
	.kind = &k_playbook, .out_key = "playbook", .actor = 1,
	.build = build_playbook,
};
static const struct cv_wf_step s_closure = {
	.kind = &k_closure, .out_key = "closure", .actor = 1,
	.by_field = "closed_by", .build = build_closure,
	.vocab = &closure_vocab, .parent_param = "playbook_id",
	.parent_kind = KIND_PLAYBOOK,
	.parent_what = "connector recovery playbook",
};
static const struct cv_wf_step s_report = {
	.kind = &k_report, .out_key = "report", .build = build_report,
};
static const struct cv_wf_step s_escalation_plan = {
	.kind = &k_esc, .out_key = "plan", .actor = 1,
	.build = build_escalation_plan,
};
static const struct cv_wf_step s_escalation_deliver = {
	.chain = &c3, .kind = &k_esc, .out_key = "plan", .actor = 1,
	.build = build_escalation_deliver, .parent_param = "plan_id",
};
static const struct cv_wf_step s_escalation_ack = {
	.kind = &k_esc_ack, .out_key = "acknowledgement", .actor = 1,
	.by_field = "acknowledged_by", .vocab = &esc_ack_vocab,
	.parent_param = "plan_id", .parent_kind = KIND_ESC,
	.parent_what = "recovery escalation plan",
	.at_field = "acknowledged_at", .keep_provider = 1,
	.extra = esc_ack_extra, .index = esc_ack_index,
};
static const struct cv_wf_step s_c3_retry = {
	.chain = &c3, .kind = &c3.retry, .out_key = "plan", .actor = 1,
};
static const struct cv_wf_step s_c3_worker = {
	.chain = &c3, .kind = &c3.worker, .actor = 1, .worker = &w_c3,
};
static const struct cv_wf_step s_c3_health = {
	.chain = &c3, .reading = &c3_health,
};
static const struct cv_wf_step s_c4_deliver = {
	.chain = &c3, .alert = &c4_alert, .actor = 1,
	.health = cv_wf_health_read, .reading = &c3_health,
};
static const struct cv_wf_step s_c4_ack = {
	.alert = &c4_alert, .kind = &c4_alert.ack,
	.out_key = "acknowledgement", .actor = 1,
	.by_field = "acknowledged_by", .vocab = &cv_wf_alert_ack_vocab,
	.parent_param = "health_id", .parent_kind = KIND_HEALTH,
	.parent_what = "recovery escalation retry health",
	.at_field = "acknowledged_at", .extra = alert_ack_extra,
	.index = cv_wf_alert_ack_index,
};
static const struct cv_wf_step s_c4_history = {
	.alert = &c4_alert, .kinds = c4_kinds, .srcs = c4_srcs,
	.filters = cv_wf_alert_filters,
	.schema = GO_SCHEMA(AAD "recovery-escalation-retry-health-alert-"
	    "history"),
};
static const struct cv_wf_step s_c4_dashboard = {
	.alert = &c4_alert,
	.schema = GO_SCHEMA(AAD "recovery-escalation-retry-health-alert-"
	    "dashboard"),
};
static const struct cv_wf_step s_c4_retry = {
	.chain = &c4, .kind = &c4.retry, .out_key = "plan", .actor = 1,
};
static const struct cv_wf_step s_c4_worker = {
	.chain = &c4, .alert = &c4_alert, .kind = &c4.worker, .actor = 1,
	.worker = &w_c4,
};

static const struct cv_qparam p_report[] = {
	{ "recovery_slo_minutes", CV_P_INT, 0, NULL, "minutes an open "
	    "recovery may last (default 240)" },
	{ "generated_by", CV_P_STRING, 0, NULL, "acting name recorded" },
	{ "persist", CV_P_BOOL, 0, NULL, "store the report (default true)" },
	{ NULL }
};
static const struct cv_qparam p_health[] = {
	{ "expected_interval_minutes", CV_P_INT, 0, NULL, "expected worker "
	    "interval (default 30)" },
	{ "stale_metadata_minutes", CV_P_INT, 0, NULL, "retry plan age "
	    "counted as stale (default 120)" },
	{ "generated_by", CV_P_STRING, 0, NULL, "acting name recorded" },
	{ "persist", CV_P_BOOL, 0, NULL, "store the health (default true)" },
	{ NULL }
};

#define POST_BODY	(CV_BODY_JSON | CV_BODY_OPT)

const struct cv_route rt_recovery_routes[] = {
	{ CV_POST, AD "/connector-recovery-playbook", cv_wf_h_build, POST_BODY,
	    "Build and store the connector recovery playbook of failed audit "
	    "deliveries", &s_playbook, .right = CV_RIGHT_OPERATE },
	{ CV_POST, AD "/connector-recovery-playbooks/{playbook_id}/closures",
	    cv_wf_h_build, CV_BODY_JSON, "Close the connector recovery of a "
	    "provider of a stored playbook", &s_closure,
	    .right = CV_RIGHT_OPERATE },
	{ CV_GET, AD "/retry-recovery-report", cv_wf_h_build, 0, "Retry "
	    "recovery report against the recovery SLO (stored)", &s_report,
	    p_report },
	{ CV_POST, AD "/recovery-escalation-plan", cv_wf_h_build, POST_BODY,
	    "Plan escalations of open, breached and failing recoveries",
	    &s_escalation_plan, .right = CV_RIGHT_OPERATE },
	{ CV_POST, RE "/{plan_id}/deliver", cv_wf_h_build, POST_BODY,
	    "Deliver a stored (or the latest) recovery escalation plan "
	    "through the connectors", &s_escalation_deliver,
	    .right = CV_RIGHT_OPERATE },
	{ CV_POST, RE "/{plan_id}/acknowledgements", cv_wf_h_ack, CV_BODY_JSON,
	    "Acknowledge a stored recovery escalation plan",
	    &s_escalation_ack, .right = CV_RIGHT_OPERATE },
	{ CV_POST, RE "/retry-plan", cv_wf_h_retry_plan, POST_BODY, "Plan "
	    "retries of failed recovery escalation deliveries", &s_c3_retry,
	    .right = CV_RIGHT_OPERATE },
	{ CV_POST, RE "/retry-worker-run", cv_wf_h_worker, POST_BODY, "One "
	    "pass of the recovery escalation retry worker (dry run unless "
	    "execute is true)", &s_c3_worker, .right = CV_RIGHT_OPERATE },
	{ CV_GET, RE "/retry-health", cv_wf_h_health_kept, 0, "Health of "
	    "the recovery escalation retry worker (stored)", &s_c3_health,
	    p_health },
	{ CV_POST, RE "/retry-health-alerts/deliver", cv_wf_h_alert_deliver,
	    POST_BODY, "Deliver alerts about the recovery escalation retry "
	    "worker's health", &s_c4_deliver, .right = CV_RIGHT_OPERATE },
	{ CV_POST, RE "/retry-health-alerts/{health_id}/acknowledgements",
	    cv_wf_h_ack, CV_BODY_JSON, "Acknowledge a recovery escalation "
	    "retry health alert", &s_c4_ack, .right = CV_RIGHT_OPERATE },
	{ CV_GET, RE "/retry-health-alerts", cv_wf_h_history, 0, "Recovery "
	    "escalation retry health alert plans, deliveries and "
	    "acknowledgements, newest first", &s_c4_history, cv_wf_alert_params },
	{ CV_GET, RE "/retry-health-alert-dashboard", cv_wf_h_alert_dashboard,
	    0, "Counts of recovery escalation retry health alerts",
	    &s_c4_dashboard },
	{ CV_POST, RE "/retry-health-alerts/retry-plan", cv_wf_h_retry_plan,
	    POST_BODY, "Plan retries of failed recovery escalation retry "
	    "health alert deliveries", &s_c4_retry,
	    .right = CV_RIGHT_OPERATE },
	{ CV_POST, RE "/retry-health-alerts/retry-worker-run", cv_wf_h_worker,
	    POST_BODY, "One pass of the recovery escalation retry health "
	    "alert redelivery worker (dry run unless execute is true)",
	    &s_c4_worker, .right = CV_RIGHT_OPERATE },
};

const size_t rt_recovery_nroutes = nitems(rt_recovery_routes);

/* The recovery computations for the executive report (runtime.h). */
enum cv_err
rt_recovery_report(struct cv_wf_ctx *ctx, int64_t slo,
    struct json_object **report)
{
	return recovery_report(ctx, slo, report);
}

struct json_object *
rt_escalation_plan(struct cv_wf_ctx *ctx, struct json_object *report)
{
	return escalation_plan(ctx, report);
}
