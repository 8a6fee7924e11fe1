/*
 * cavra-runtime: the recovery executive report of the audit delivery
 * chain (workflows.md §8 rows 42-53, §10.8) and its two delivery loops.
 *
 * C5 delivers scheduled executive report runs: the report (a summary of
 * the retry recovery report and the recovery escalation plan) is built
 * on GET and by a schedule run, a stored run (or `latest`, built anew)
 * is delivered through the connectors, failed deliveries are planned
 * for retry and redelivered by a worker whose health is reported and
 * stored.  C6 alerts on that health: alert plans delivered to the
 * connectors, acknowledged per provider, listed, counted, and their
 * failed deliveries retried by a worker of their own.
 *
 * Rows point at the workflow steps of lib/cv_wfstep.h; what differs from
 * the other chains is data (the chains, kinds and alert below) and the
 * builders and callbacks of this file.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>
#include <time.h>

#include "cavra.h"
#include "cv_wfstep.h"

#include "runtime.h"

#define AD	"/runtime/go-pilot/rollback-drill-notifications/" \
		"acknowledgements/audit-delivery"
#define ER	AD "/recovery-executive-report"
#define GO_SCHEMA(x)	"cavra.go-backend-pilot.rollback-drill-" x ".v1"
#define EXR	"acknowledgement-audit-delivery-recovery-executive-report"
#define C5_SRC	"go_backend_rollback_drill_acknowledgement_audit_" \
		"recovery_executive_report"
#define C6_SRC	C5_SRC "_delivery_retry_health_alert"

#define EXEC_SLO_DEFAULT	240	/* recovery_slo_minutes */
#define EXEC_INTERVAL_DEFAULT	1440	/* schedule run interval_minutes */
#define EXEC_RISKS_DEFAULT	10	/* max_risks of a delivery event */

/* ---- data ----------------------------------------------------------- */

static const struct cv_wf_kind exec_report = {
	GBRD_AAD "recovery-executive-report", "executive_report_id",
	"gordackexecreport", "recovery_executive_report", GO_SCHEMA(EXR)
};
static const struct cv_wf_kind exec_run = {
	GBRD_AAD "recovery-executive-report-schedule-run", "run_id",
	"gordackexecsched", "recovery_executive_report_schedule_run",
	GO_SCHEMA(EXR "-schedule-run")
};
static const struct cv_wf_kind exec_health = {
	GBRD_AAD "recovery-executive-report-delivery-retry-health",
	"health_id", "gordackexecdeliveryhealth",
	"recovery_executive_report_delivery_retry_health",
	GO_SCHEMA(EXR "-delivery-retry-health")
};

/* C5: deliveries of schedule runs, grouped by run (the report of the
 * run is the same for all its deliveries). */
static const struct cv_wf_chain c5 = {
	.name = "C5",
	.src = C5_SRC,
	.keys = { { "run_id", { "event_id", "session_id" } },
	    { "executive_report_id", { NULL, NULL } } },
	.retry = { GBRD_AAD "recovery-executive-report-delivery-retry-plan",
	    "retry_plan_id", "gordackexecdeliveryretry",
	    "recovery_executive_report_delivery_retry_plan",
	    GO_SCHEMA(EXR "-delivery-retry-plan") },
	.worker = { GBRD_AAD "recovery-executive-report-delivery-retry-"
	    "worker-run", "run_id", "gordackexecdeliveryworker",
	    "recovery_executive_report_delivery_retry_worker_run",
	    GO_SCHEMA(EXR "-delivery-retry-worker-run") },
	.exec = { GBRD_AAD "recovery-executive-report-delivery-retry-"
	    "execution-record", "execution_id", "gordackexecdeliveryexec",
	    "recovery_executive_report_delivery_retry_execution_record",
	    GO_SCHEMA(EXR "-delivery-retry-execution-record") },
	.retry_delay = 30,
	.worker_interval = 60,
	.health_interval = 60,
	.health_stale = 180,
	.exec_ref = "go-rollback-drill-executive-delivery-retry-worker",
};

/* C6: deliveries of C5 health alerts, grouped by health reading. */
static const struct cv_wf_chain c6 = {
	.name = "C6",
	.src = C6_SRC,
	.keys = { { "health_id", { "event_id", NULL } },
	    { "plan_id", { NULL, NULL } } },
	.retry = { GBRD_AAD "recovery-executive-report-delivery-retry-health-"
	    "alert-delivery-retry-plan", "retry_plan_id",
	    "gordackexechealthalertretry", "recovery_executive_report_"
	    "delivery_retry_health_alert_delivery_retry_plan",
	    GO_SCHEMA(EXR "-delivery-retry-health-alert-delivery-retry-plan") },
	.worker = { GBRD_AAD "recovery-executive-report-delivery-retry-health-"
	    "alert-delivery-retry-worker-run", "run_id",
	    "gordackexechealthalertworker", "recovery_executive_report_"
	    "delivery_retry_health_alert_delivery_retry_worker_run",
	    GO_SCHEMA(EXR "-delivery-retry-health-alert-delivery-retry-worker-"
	    "run") },
	.exec = { GBRD_AAD "recovery-executive-report-delivery-retry-health-"
	    "alert-delivery-retry-execution-record", "execution_id",
	    "gordackexechealthalertexec", "recovery_executive_report_"
	    "delivery_retry_health_alert_delivery_retry_execution_record",
	    GO_SCHEMA(EXR "-delivery-retry-health-alert-delivery-retry-"
	    "execution-record") },
	.retry_delay = 15,
	.worker_interval = 30,
	.health_interval = 60,
	.health_stale = 180,
	.exec_ref = "go-rollback-drill-executive-health-alert-retry-worker",
};

static const struct cv_wf_alert c6_alert = {
	.name = "C6",
	.src = C6_SRC,
	.plan = { GBRD_AAD "recovery-executive-report-delivery-retry-health-"
	    "alert-plan", "plan_id", "gordackexechealthalert",
	    "recovery_executive_report_delivery_retry_health_alert_plan",
	    GO_SCHEMA(EXR "-delivery-retry-health-alert-plan") },
	.ack = { GBRD_AAD "recovery-executive-report-delivery-retry-health-"
	    "alert-ack", "acknowledgement_id", "gordackexechealthack",
	    "acknowledgement",
	    GO_SCHEMA(EXR "-delivery-retry-health-alert-ack") },
	.health_prefix = "gordackexecdeliveryhealth",
	.event_type = "cavra.go_backend.rollback_drill.recovery_executive_"
	    "report_delivery_retry_health_alert",
	.event_schema = GO_SCHEMA(EXR "-delivery-retry-health-alert-event"),
};

static const char *const report_index[] = { "executive_report_id",
	"recovery_report_id", "escalation_plan_id", "alert_level", NULL };
static const char *const run_index[] = { "run_id", "alert_level", NULL };
static const char *const health_index[] = { "health_id", "alert_level",
	"alert_count", "failed_execution_count",
	"failed_executive_report_delivery_count", NULL };

static const char *const report_controls[] = {
	"the report summarises public-safe retry and recovery records",
	"no connector configuration or secret is copied into the report",
	NULL
};
static const char *const run_controls[] = {
	"a schedule run records the report it built, not its distribution",
	"no connector configuration or secret is copied into the run",
	NULL
};
static const char *const event_controls[] = {
	"the event carries the run summary and key risks only",
	"connector secrets stay in the connector configuration",
	NULL
};
static const char *const health_actions[] = {
	"run the executive report delivery retry worker as a dry run first",
	"review failed executive report deliveries before a live retry",
	"keep executive report delivery retry plans current",
	"route repeated executive report delivery failures to release "
	    "governance",
	NULL
};
static const char *const health_controls[] = {
	"the health reading is computed from public-safe records",
	"no connector configuration or secret is copied into the reading",
	NULL
};

/* ---- helpers -------------------------------------------------------- */

/* Integer member of o (0 when absent or not a number). */
static int64_t
num(struct json_object *o, const char *key)
{
	return json_object_get_int64(json_object_object_get(o, key));
}

/* Adds key: n, or null when n < 0. */
static void
add_age(struct json_object *o, const char *key, int64_t n)
{
	json_object_object_add(o, key, n < 0 ? NULL :
	    json_object_new_int64(n));
}

/* The acting name of a GET: its generated_by query parameter, when
 * given, replaces ctx->by. */
static void
get_by(struct cv_wf_ctx *ctx)
{
	const char	*by;

	if (cv_wf_param_str(ctx, "generated_by", &by) == CV_OK &&
	    by != NULL && *by != '\0')
		ctx->by = by;
}

/*
 * The schedule of a run (body.schedule: interval_minutes, default dflt,
 * 1..CV_WF_MINUTES_MAX; enabled, default true; cadence, default
 * "every_<N>_minutes") with its window at ctx.now; *out new.  400 for a
 * member of the wrong type.  Candidate for lib/wfstep.c (the WORKER
 * step reads the same object).
 */
static enum cv_err
schedule_new(struct cv_wf_ctx *ctx, int64_t dflt, struct json_object **out)
{
	struct json_object	*sch, *o;
	const char		*cadence = NULL;
	char			 ts[CV_WF_TS_LEN];
	int64_t			 n = dflt;
	time_t			 start, end;
	int			 en = 1;
	enum cv_err		 rc;

	*out = NULL;
	if ((rc = cv_wf_obj(ctx, "schedule", &sch)) != CV_OK)
		return rc;
	if (sch != NULL) {
		if (cv_json_int(sch, "interval_minutes", &n) == CV_JGET_TYPE ||
		    n < 1 || n > CV_WF_MINUTES_MAX)
			return cv_fail_field(ctx->req, CV_EINVAL,
			    "schedule.interval_minutes", "schedule."
			    "interval_minutes must be an integer 1..%d",
			    CV_WF_MINUTES_MAX);
		if (cv_json_bool(sch, "enabled", &en) == CV_JGET_TYPE)
			return cv_fail_field(ctx->req, CV_EINVAL,
			    "schedule.enabled", "schedule.enabled must be a "
			    "boolean");
		if (cv_json_str(sch, "cadence", &cadence) == CV_JGET_TYPE)
			return cv_fail_field(ctx->req, CV_EINVAL,
			    "schedule.cadence", "schedule.cadence must be a "
			    "string");
	}
	cv_wf_window(ctx->t, (int)n, &start, &end);
	o = json_object_new_object();
	cv_json_add_int(o, "interval_minutes", n);
	cv_wf_ts(ts, sizeof(ts), start, 0);
	cv_json_add_str(o, "window_start", ts);
	cv_wf_ts(ts, sizeof(ts), end, 0);
	cv_json_add_str(o, "window_end", ts);
	cv_json_add_bool(o, "enabled", en);
	cv_json_add_str(o, "cadence", cadence != NULL && *cadence != '\0' ?
	    cadence : cv_arena_printf(ctx->req->arena, "every_%lld_minutes",
	    (long long)n));
	*out = o;
	return CV_OK;
}

/* ---- the executive report ------------------------------------------- */

/* A key risk row. */
static void
risk_add(struct json_object *risks, const char *sev, const char *what,
    int64_t n)
{
	struct json_object	*o;

	if (n <= 0)
		return;
	o = json_object_new_object();
	cv_json_add_str(o, "severity", sev);
	cv_json_add_str(o, "risk", what);
	cv_json_add_int(o, "count", n);
	cv_json_add_str(o, "owner", "release-governance");
	json_object_array_add(risks, o);
}

/* Copies member key of from into to (null when absent), as a new
 * reference. */
static void
copy(struct json_object *to, struct json_object *from, const char *key,
    const char *as)
{
	json_object_object_add(to, as != NULL ? as : key, json_object_get(
	    json_object_object_get(from, key)));
}

/*
 * The executive report (§10.8) at ctx.now: the retry recovery report
 * with the SLO in minutes and its escalation plan, recomputed
 * (runtime_recovery.c) and summarised; stored (queued) with its record.
 * *report and *rec are borrowed from the queue's record.  Fails with the
 * problem set.
 */
static enum cv_err
report_build(struct cv_wf_ctx *ctx, int64_t slo, struct json_object **report,
    struct json_object **rec)
{
	struct json_object	*rep, *plan, *r, *m, *sum, *risks, *acts, *v;
	const char		*level;
	int64_t			 failed, breached, open, esc;
	enum cv_err		 rc;

	*report = *rec = NULL;
	if ((rc = rt_recovery_report(ctx, slo, &rep)) != CV_OK)
		return rc;
	plan = rt_escalation_plan(ctx, rep);
	failed = num(rep, "execution_failed_count");
	breached = num(rep, "recovery_slo_breached_count");
	open = num(rep, "recovery_open_count");
	esc = num(plan, "escalation_count");
	level = cv_json_str_or(plan, "alert_level", cv_json_str_or(rep,
	    "alert_level", "healthy"));
	m = json_object_new_object();
	cv_json_add_str(m, "generated_at", ctx->now);
	copy(m, rep, "report_id", "recovery_report_id");
	copy(m, plan, "plan_id", "escalation_plan_id");
	r = json_object_new_object();
	cv_json_add_str(r, "schema_version", exec_report.schema);
	cv_json_add_str(r, "product", CV_PRODUCT);
	cv_json_add_str(r, exec_report.id_field, cv_wf_id(ctx->req->arena,
	    exec_report.prefix, m, NULL));
	json_object_put(m);
	cv_json_add_str(r, "generated_at", ctx->now);
	cv_json_add_str(r, "generated_by", ctx->by);
	cv_json_add_str(r, "alert_level", level);
	v = json_object_object_get(rep, "recovery_slo_minutes");
	cv_json_add_int(r, "recovery_slo_minutes", v != NULL ?
	    json_object_get_int64(v) : slo);
	copy(r, rep, "report_id", "recovery_report_id");
	copy(r, plan, "plan_id", "escalation_plan_id");
	sum = json_object_new_object();
	cv_json_add_str(sum, "status", level);
	cv_json_add_str(sum, "business_impact", num(plan,
	    "critical_escalation_count") > 0 ? "Connector recovery requires "
	    "leadership attention" : "Connector recovery is being monitored "
	    "within operating tolerances");
	cv_json_add_int(sum, "execution_count", num(rep, "execution_count"));
	cv_json_add_int(sum, "failed_execution_count", failed);
	cv_json_add_int(sum, "open_recovery_count", open);
	cv_json_add_int(sum, "slo_breached_count", breached);
	cv_json_add_int(sum, "escalation_count", esc);
	json_object_object_add(r, "executive_summary", sum);
	v = json_object_object_get(rep, "provider_summary");
	json_object_object_add(r, "provider_summary", v != NULL ?
	    json_object_get(v) : json_object_new_array());
	v = json_object_object_get(rep, "closure_trends");
	json_object_object_add(r, "closure_trends", v != NULL ?
	    json_object_get(v) : json_object_new_array());
	risks = json_object_new_array();
	risk_add(risks, "critical", "Retry execution failed or was skipped",
	    failed);
	risk_add(risks, "critical", "Connector recovery SLO breached",
	    breached);
	risk_add(risks, "warning", "Connector recovery remains open", open);
	json_object_object_add(r, "key_risks", risks);
	acts = json_object_new_array();
	json_object_array_add(acts, json_object_new_string(esc > 0 ?
	    "deliver recovery escalation notifications to the selected "
	    "operations channels" : "continue routine retry recovery "
	    "monitoring"));
	json_object_array_add(acts, json_object_new_string("verify recovery "
	    "closure evidence for each failed connector provider"));
	json_object_array_add(acts, json_object_new_string("review retry "
	    "execution trends before enabling promoted Go backend mode"));
	json_object_object_add(r, "recommended_actions", acts);
	cv_json_add_strv(r, "controls", report_controls);
	*rec = cv_wf_keep(ctx, &exec_report, r, esc, breached + failed, open,
	    report_index);
	cv_json_add_int(*rec, "escalation_count", esc);
	*report = r;
	json_object_put(r);
	json_object_put(rep);
	json_object_put(plan);
	return CV_OK;
}

/*
 * A schedule run (§10.8) at ctx.now: body.schedule (interval 1440
 * minutes) and recovery_slo_minutes; the run and its report stored
 * (queued).  *run, *rec and *report_rec are borrowed from the queue.
 */
static enum cv_err
run_build(struct cv_wf_ctx *ctx, struct json_object **run,
    struct json_object **rec, struct json_object **report_rec)
{
	struct json_object	*report, *sched = NULL, *r, *m, *sum, *es;
	int64_t			 slo, failed, breached, open;
	enum cv_err		 rc;

	*run = *rec = *report_rec = NULL;
	if ((rc = cv_wf_param_int(ctx, "recovery_slo_minutes",
	    EXEC_SLO_DEFAULT, 1, CV_WF_MINUTES_MAX, &slo)) != CV_OK ||
	    (rc = schedule_new(ctx, EXEC_INTERVAL_DEFAULT, &sched)) != CV_OK)
		return rc;
	if ((rc = report_build(ctx, slo, &report, report_rec)) != CV_OK) {
		json_object_put(sched);
		return rc;
	}
	m = json_object_new_object();
	copy(m, sched, "window_start", NULL);
	copy(m, report, exec_report.id_field, "report_id");
	cv_json_add_str(m, "generated_by", ctx->by);
	r = json_object_new_object();
	cv_json_add_str(r, "schema_version", exec_run.schema);
	cv_json_add_str(r, "product", CV_PRODUCT);
	cv_json_add_str(r, exec_run.id_field, cv_wf_id(ctx->req->arena,
	    exec_run.prefix, m, NULL));
	json_object_put(m);
	cv_json_add_str(r, "generated_at", ctx->now);
	cv_json_add_str(r, "generated_by", ctx->by);
	copy(r, report, "alert_level", NULL);
	json_object_object_add(r, "schedule", sched);
	es = json_object_object_get(report, "executive_summary");
	failed = num(es, "failed_execution_count");
	breached = num(es, "slo_breached_count");
	open = num(es, "open_recovery_count");
	sum = json_object_new_object();
	cv_json_add_int(sum, "executive_report_count", 1);
	cv_json_add_int(sum, "escalation_count", num(es, "escalation_count"));
	cv_json_add_int(sum, "failed_execution_count", failed);
	cv_json_add_int(sum, "open_recovery_count", open);
	cv_json_add_int(sum, "slo_breached_count", breached);
	json_object_object_add(r, "summary", sum);
	json_object_object_add(r, "executive_report", json_object_get(report));
	cv_json_add_strv(r, "controls", run_controls);
	*rec = cv_wf_keep(ctx, &exec_run, r, 1, breached + failed, open,
	    run_index);
	cv_json_add_int(*rec, "escalation_count", num(es, "escalation_count"));
	*run = r;
	json_object_put(r);
	return CV_OK;
}

/*
 * The delivery event of a schedule run (§10.8): its summary, the first
 * max_risks key risks of its report, a Slack body and a webhook body
 * (the event without those two); new.
 */
static struct json_object *
event_new(struct cv_wf_ctx *ctx, struct json_object *run, int64_t max_risks)
{
	struct json_object	*e, *rep, *risks, *top, *sum, *slack, *blocks,
				*b, *t, *hook;
	const char		*rid, *title;
	size_t			 i;

	rid = cv_json_str_or(run, "run_id", "");
	rep = json_object_object_get(run, "executive_report");
	sum = json_object_object_get(run, "summary");
	title = cv_arena_printf(ctx->req->arena, "CAVRA recovery executive "
	    "report %s", *rid != '\0' ? rid : "scheduled run");
	e = json_object_new_object();
	cv_json_add_str(e, "schema_version", GO_SCHEMA(EXR "-delivery-event"));
	cv_json_add_str(e, "product", CV_PRODUCT);
	cv_json_add_str(e, "event_type", "cavra.go_backend.rollback_drill."
	    "acknowledgement_audit_delivery.recovery_executive_report");
	cv_json_add_str(e, "session_id", rid);
	cv_json_add_str(e, "run_id", rid);
	cv_json_add_str(e, "executive_report_id", cv_json_str_or(rep,
	    "executive_report_id", ""));
	cv_json_add_str(e, "generated_at", ctx->now);
	cv_json_add_str(e, "generated_by", ctx->by);
	cv_json_add_str(e, "alert_level", cv_json_str_or(run, "alert_level",
	    "healthy"));
	cv_json_add_str(e, "title", title);
	json_object_object_add(e, "summary", sum != NULL ?
	    json_object_get(sum) : json_object_new_object());
	top = json_object_new_array();
	if (cv_json_arr(rep, "key_risks", &risks) == CV_JGET_OK)
		for (i = 0; i < json_object_array_length(risks) &&
		    (int64_t)i < max_risks; i++)
			json_object_array_add(top, json_object_get(
			    json_object_array_get_idx(risks, i)));
	json_object_object_add(e, "key_risks", top);
	cv_json_add_strv(e, "controls", event_controls);
	hook = json_object_new_object();
	cv_json_add_str(hook, "event", cv_json_str_or(e, "event_type", ""));
	t = NULL;
	if (json_object_deep_copy(e, &t, NULL) != 0)
		t = NULL;
	json_object_object_add(hook, "payload", t);
	blocks = json_object_new_array();
	b = json_object_new_object();
	cv_json_add_str(b, "type", "section");
	t = json_object_new_object();
	cv_json_add_str(t, "type", "mrkdwn");
	cv_json_add_str(t, "text", cv_arena_printf(ctx->req->arena, "*%s*",
	    title));
	json_object_object_add(b, "text", t);
	json_object_array_add(blocks, b);
	b = json_object_new_object();
	cv_json_add_str(b, "type", "section");
	t = json_object_new_object();
	cv_json_add_str(t, "type", "mrkdwn");
	cv_json_add_str(t, "text", cv_json_canonical(ctx->req->arena,
	    json_object_object_get(e, "summary")));
	json_object_object_add(b, "text", t);
	json_object_array_add(blocks, b);
	slack = json_object_new_object();
	cv_json_add_str(slack, "text", title);
	json_object_object_add(slack, "blocks", blocks);
	json_object_object_add(e, "slack", slack);
	json_object_object_add(e, "webhook", hook);
	return e;
}

/* ---- builders ------------------------------------------------------- */

/*
 * GET ER: the executive report with recovery_slo_minutes (240) and
 * generated_by of the query; stored.  Answers {report, metadata}.
 */
static enum cv_err
build_report(struct cv_wf_ctx *ctx, struct json_object **answer)
{
	struct json_object	*r, *rec;
	int64_t			 slo;
	enum cv_err		 rc;

	get_by(ctx);
	if ((rc = cv_wf_param_int(ctx, "recovery_slo_minutes",
	    EXEC_SLO_DEFAULT, 1, CV_WF_MINUTES_MAX, &slo)) != CV_OK ||
	    (rc = report_build(ctx, slo, &r, &rec)) != CV_OK)
		return rc;
	*answer = cv_wf_answer("report", r, rec);
	return CV_OK;
}

/*
 * POST ER/schedule-run: a schedule run and its report, stored.  Answers
 * {run, metadata, report_metadata, actor}.
 */
static enum cv_err
build_run(struct cv_wf_ctx *ctx, struct json_object **answer)
{
	struct json_object	*run, *rec, *rrec;
	enum cv_err		 rc;

	if ((rc = run_build(ctx, &run, &rec, &rrec)) != CV_OK)
		return rc;
	*answer = cv_wf_answer("run", run, rec);
	json_object_object_add(*answer, "report_metadata",
	    json_object_get(rrec));
	return CV_OK;
}

/*
 * POST ER/schedule-runs/{run_id}/deliver: 400 without a connector
 * config; the stored schedule run (or, for `latest` when none has that
 * id, a new one stored with its report; else 404) delivered to provider
 * (default webhook) as its event with max_risks (default 10) key risks;
 * the RCD linked by run_id and executive_report_id.  Answers {run,
 * delivery, metadata, run_metadata, success, event_id, actor}.
 */
static enum cv_err
build_deliver(struct cv_wf_ctx *ctx, struct json_object **answer)
{
	struct json_object	*found = NULL, *rrec, *run, *rep, *ev, *links,
				*res, *rcd, *o;
	const char		*rid, *prov;
	int64_t			 risks;
	enum cv_err		 rc;

	if ((rc = cv_wf_need_connector(ctx)) != CV_OK ||
	    (rc = cv_wf_str(ctx, "provider", &prov)) != CV_OK ||
	    (rc = cv_wf_int(ctx, "max_risks", EXEC_RISKS_DEFAULT, INT64_MIN,
	    INT64_MAX, &risks)) != CV_OK)
		return rc;
	rid = cv_param(ctx->req, "run_id");
	rc = cv_wf_get(ctx, rid, exec_run.kind, &found);
	if (rc == CV_ENOENT && strcmp(rid, "latest") == 0) {
		if ((rc = run_build(ctx, &run, &rrec, &rep)) != CV_OK)
			return rc;
	} else if (rc == CV_ENOENT)
		return cv_fail(ctx->req, CV_ENOENT, "recovery executive report "
		    "schedule run not found");
	else if (rc != CV_OK)
		return rc;
	else {
		rrec = found;
		if ((run = cv_wf_payload_or_null(found,
		    exec_run.payload_key)) == NULL) {
			json_object_put(found);
			return cv_fail(ctx->req, CV_ENOENT, "recovery "
			    "executive report schedule run not found");
		}
	}
	ev = event_new(ctx, run, risks < 1 ? 1 : risks);
	links = json_object_new_object();
	copy(links, run, "run_id", NULL);
	rep = json_object_object_get(run, "executive_report");
	cv_json_add_str(links, "executive_report_id", cv_json_str_or(rep,
	    "executive_report_id", ""));
	rc = cv_wf_deliver(ctx, ev, prov != NULL && *prov != '\0' ? prov :
	    "webhook", c5.src, links, &res, &rcd);
	json_object_put(ev);
	json_object_put(links);
	if (rc == CV_OK) {
		o = json_object_new_object();
		json_object_object_add(o, "run", json_object_get(run));
		json_object_object_add(o, "delivery", res);
		json_object_object_add(o, "metadata", json_object_get(rcd));
		json_object_object_add(o, "run_metadata",
		    json_object_get(rrec));
		cv_json_add_bool(o, "success", json_object_get_boolean(
		    json_object_object_get(res, "success")));
		copy(o, run, "run_id", "event_id");
		*answer = o;
	}
	json_object_put(found);
	return rc;
}

/* ---- C5 health ------------------------------------------------------ */

/*
 * The health of the C5 retry worker (§10.5) of reading r (thresholds
 * expected_interval_minutes 60, stale_metadata_minutes 180): its runs,
 * retry plans, execution records and the failed executive report
 * deliveries, ages in whole minutes.  A cv_wf_reading_fn: new; its
 * record counts runs, failures (executions, missed run, deliveries) and
 * retryable decisions.
 */
static struct json_object *
c5_health_doc(struct cv_wf_ctx *ctx, const struct cv_wf_reading *r,
    int64_t counts[3])
{
	struct json_object	*h, *alerts, *m;
	int64_t			 run_age, plan_age, nrun, missed, stale_n;

	nrun = (int64_t)json_object_array_length(r->runs);
	run_age = r->run_age < 0 ? -1 : r->run_age / 60;
	plan_age = r->plan_age < 0 ? -1 : r->plan_age / 60;
	missed = r->run == NULL || run_age > 2 * r->interval;
	stale_n = r->plan == NULL || plan_age > r->stale;
	alerts = json_object_new_array();
	cv_wf_alert_if(alerts, missed, "critical",
	    "missed_executive_delivery_retry_worker", "no executive report "
	    "delivery retry worker run within twice the expected interval");
	cv_wf_alert_if(alerts, stale_n, "warning",
	    "stale_executive_delivery_retry_plan", "no executive report "
	    "delivery retry plan within the stale metadata window");
	cv_wf_alert_if(alerts, r->failed_rcd > 0, "critical",
	    "failed_executive_report_delivery", "executive report "
	    "deliveries failed and need retry tracking");
	cv_wf_alert_if(alerts, r->failed > 0, "critical",
	    "failed_executive_delivery_retry_execution", "executive report "
	    "delivery retries failed or were skipped");
	cv_wf_alert_if(alerts, r->disabled > 0, "warning",
	    "disabled_executive_delivery_retry_schedule", "a run of the "
	    "executive report delivery retry worker had its schedule "
	    "disabled");
	m = json_object_new_object();
	cv_json_add_str(m, "generated_at", ctx->now);
	cv_json_add_str(m, "latest_worker", cv_json_str_or(r->run,
	    "session_id", NULL));
	cv_json_add_str(m, "latest_retry_plan", cv_json_str_or(r->plan,
	    "session_id", NULL));
	cv_json_add_int(m, "alert_count", (int64_t)json_object_array_length(
	    alerts));
	h = json_object_new_object();
	cv_json_add_str(h, "schema_version", exec_health.schema);
	cv_json_add_str(h, "product", CV_PRODUCT);
	cv_json_add_str(h, "health_id", cv_wf_id(ctx->req->arena,
	    exec_health.prefix, m, NULL));
	json_object_put(m);
	cv_json_add_str(h, "generated_at", ctx->now);
	cv_json_add_str(h, "generated_by", ctx->by);
	cv_json_add_str(h, "alert_level", cv_wf_alert_level(alerts));
	cv_json_add_int(h, "expected_interval_minutes", r->interval);
	cv_json_add_int(h, "stale_metadata_minutes", r->stale);
	cv_json_add_str(h, "latest_worker_run_id", cv_json_str_or(r->run,
	    "session_id", NULL));
	add_age(h, "latest_worker_age_minutes", run_age);
	cv_json_add_str(h, "latest_retry_plan_id", cv_json_str_or(r->plan,
	    "session_id", NULL));
	add_age(h, "latest_retry_plan_age_minutes", plan_age);
	cv_json_add_int(h, "retry_plan_count", (int64_t)
	    json_object_array_length(r->plans));
	cv_json_add_int(h, "worker_run_count", nrun);
	cv_json_add_int(h, "execution_record_count", (int64_t)
	    json_object_array_length(r->execs));
	cv_json_add_int(h, "retryable_count", r->retryable);
	cv_json_add_int(h, "selected_retry_count", r->selected);
	cv_json_add_int(h, "missed_worker_count", missed);
	cv_json_add_int(h, "stale_retry_plan_count", stale_n);
	cv_json_add_int(h, "failed_executive_report_delivery_count",
	    r->failed_rcd);
	cv_json_add_int(h, "failed_execution_count", r->failed);
	cv_json_add_int(h, "delivered_execution_count", r->delivered);
	cv_json_add_int(h, "dry_run_count", nrun - r->live);
	cv_json_add_int(h, "disabled_schedule_count", r->disabled);
	cv_json_add_int(h, "alert_count", (int64_t)json_object_array_length(
	    alerts));
	json_object_object_add(h, "alerts", alerts);
	cv_json_add_strv(h, "recommended_actions", health_actions);
	cv_json_add_strv(h, "controls", health_controls);
	counts[0] = nrun;
	counts[1] = r->failed + missed + r->failed_rcd;
	counts[2] = r->retryable;
	return h;
}

static const struct cv_wf_health c5_health = {
	.kind = &exec_health, .index = health_index, .doc = c5_health_doc,
};

/* ---- C5 and C6 redelivery ------------------------------------------- */

/*
 * The C5 redelivery event of schedule run `run` (max_risks of the body)
 * and its links run_id and executive_report_id.  A cv_wf_event_fn.
 */
static enum cv_err
c5_event(struct cv_wf_ctx *ctx, struct json_object *d, struct json_object *run,
    int64_t max, struct json_object **event, struct json_object **links)
{
	(void)d;
	*event = event_new(ctx, run, max);
	*links = json_object_new_object();
	copy(*links, run, "run_id", NULL);
	cv_json_add_str(*links, "executive_report_id", cv_json_str_or(
	    json_object_object_get(run, "executive_report"),
	    "executive_report_id", ""));
	return CV_OK;
}

/*
 * The C6 alert event of a C5 health reading (§5.2 ALERT_DELIVER, C6
 * shape): its counts, the first max_alerts alerts and its recommended
 * actions; new.
 */
static struct json_object *
c6_event_new(struct cv_wf_ctx *ctx, struct json_object *h, int64_t max_alerts)
{
	static const char *const counts[] = { "retryable_count",
		"selected_retry_count", "failed_executive_report_delivery_count",
		"failed_execution_count", "missed_worker_count",
		"dry_run_count", NULL };
	struct json_object	*e, *sum, *alerts, *some, *v;
	const char *const	*k;
	size_t			 i, n;

	e = json_object_new_object();
	cv_json_add_str(e, "schema_version", c6_alert.event_schema);
	cv_json_add_str(e, "product", CV_PRODUCT);
	cv_json_add_str(e, "event_type", c6_alert.event_type);
	copy(e, h, "health_id", NULL);
	cv_json_add_str(e, "generated_at", ctx->now);
	cv_json_add_str(e, "generated_by", ctx->by);
	cv_json_add_str(e, "alert_level", cv_json_str_or(h, "alert_level",
	    "healthy"));
	alerts = json_object_object_get(h, "alerts");
	n = json_object_array_length(alerts);
	cv_json_add_int(e, "alert_count", (int64_t)n);
	sum = json_object_new_object();
	for (k = counts; *k != NULL; k++)
		cv_json_add_int(sum, *k, num(h, *k));
	json_object_object_add(e, "summary", sum);
	some = json_object_new_array();
	for (i = 0; i < n && (int64_t)i < max_alerts; i++)
		json_object_array_add(some, json_object_get(
		    json_object_array_get_idx(alerts, i)));
	json_object_object_add(e, "alerts", some);
	v = json_object_object_get(h, "recommended_actions");
	json_object_object_add(e, "recommended_actions", v != NULL ?
	    json_object_get(v) : json_object_new_array());
	cv_json_add_strv(e, "controls", event_controls);
	return e;
}

/*
 * The C6 redelivery event of C5 health reading h (max_alerts of the
 * body) and its links health_id and the decision's plan_id.  A
 * cv_wf_event_fn.
 */
static enum cv_err
c6_event(struct cv_wf_ctx *ctx, struct json_object *d, struct json_object *h,
    int64_t max, struct json_object **event, struct json_object **links)
{
	*event = c6_event_new(ctx, h, max);
	*links = json_object_new_object();
	copy(*links, h, "health_id", NULL);
	cv_json_add_str(*links, "plan_id", cv_json_str_or(d, "plan_id", ""));
	return CV_OK;
}

static const char *const worker_exec_index[] = { "worker_run_id", NULL };

static const struct cv_wf_worker c5_worker = {
	.parent = &exec_run,
	.parent_field = "run_id",
	.skip = "recovery_executive_report_schedule_run_not_found",
	.event = c5_event,
	.max_param = "max_risks",
	.max_default = EXEC_RISKS_DEFAULT,
	.live_needs_config = 1,
	.exec_index = worker_exec_index,
	.parent_ref = "go-rollback-drill-executive-report-schedule-run",
};
static const struct cv_wf_worker c6_worker = {
	.parent = &exec_health,
	.parent_field = "health_id",
	.skip = "recovery_executive_report_delivery_retry_health_not_found",
	.event = c6_event,
	.max_param = "max_alerts",
	.max_default = CV_WF_ALERTS_DEFAULT,
	.max_limit = CV_WF_ALERTS_MAX,
	.live_needs_config = 1,
	.exec_index = worker_exec_index,
	.parent_ref = "go-rollback-drill-executive-retry-health",
};

/* ---- the route table ------------------------------------------------ */

static const struct cv_wf_step s_report = {
	.build = build_report,
};
static const struct cv_wf_step s_run = {
	.actor = 1, .build = build_run,
};
static const struct cv_wf_step s_deliver = {
	.actor = 1, .build = build_deliver,
};
static const struct cv_wf_step s_c5_retry = {
	.chain = &c5, .out_key = "plan", .actor = 1,
};
static const struct cv_wf_step s_c5_worker = {
	.chain = &c5, .actor = 1, .worker = &c5_worker,
};
static const struct cv_wf_step s_health = {
	.chain = &c5, .reading = &c5_health,
};

/* C6: the kinds its history lists, besides the deliveries. */
static const char *const c6_kinds[] = {
	GBRD_AAD "recovery-executive-report-delivery-retry-health-alert-plan",
	GBRD_AAD "recovery-executive-report-delivery-retry-health-alert-ack",
	GBRD_AAD "recovery-executive-report-delivery-retry-health-alert-"
	    "delivery-retry-plan",
	GBRD_AAD "recovery-executive-report-delivery-retry-health-alert-"
	    "delivery-retry-worker-run",
	GBRD_AAD "recovery-executive-report-delivery-retry-health-alert-"
	    "delivery-retry-execution-record",
	NULL
};
static const char *const c6_srcs[] = { C6_SRC, NULL };
static const char *const ack_extra[] = { "plan_id", NULL };

static const struct cv_wf_step s_c6_deliver = {
	.chain = &c5, .alert = &c6_alert, .actor = 1,
	.health = cv_wf_health_read, .reading = &c5_health,
	.health_prefix = "gordackexecdeliveryhealth",
};
static const struct cv_wf_step s_c6_ack = {
	.alert = &c6_alert, .kind = &c6_alert.ack,
	.out_key = "acknowledgement", .actor = 1,
	.by_field = "acknowledged_by", .vocab = &cv_wf_alert_ack_vocab,
	.parent_param = "health_id", .parent_kind = GBRD_AAD "recovery-"
	    "executive-report-delivery-retry-health-alert-plan",
	.parent_field = "health_id",
	.parent_what = "executive report delivery retry health alert",
	.at_field = "acknowledged_at", .extra = ack_extra,
	.index = cv_wf_alert_ack_index,
};
static const struct cv_wf_step s_c6_history = {
	.alert = &c6_alert, .kinds = c6_kinds, .srcs = c6_srcs,
	.filters = cv_wf_alert_filters,
	.schema = GO_SCHEMA("executive-delivery-retry-health-alert-history"),
};
static const struct cv_wf_step s_c6_dashboard = {
	.alert = &c6_alert, .variant = 1,
	.schema = GO_SCHEMA("executive-delivery-retry-health-alert-dashboard"),
};
static const struct cv_wf_step s_c6_retry = {
	.chain = &c6, .out_key = "plan", .actor = 1,
};
static const struct cv_wf_step s_c6_worker = {
	.chain = &c6, .actor = 1, .worker = &c6_worker,
};

static const struct cv_qparam p_report[] = {
	{ "recovery_slo_minutes", CV_P_INT, 0, NULL, "minutes an open "
	    "connector recovery may take (default 240)" },
	{ "generated_by", CV_P_STRING, 0, NULL, "acting name recorded "
	    "(default console)" },
	{ NULL }
};
static const struct cv_qparam p_health[] = {
	{ "expected_interval_minutes", CV_P_INT, 0, NULL, "expected worker "
	    "interval (default 60)" },
	{ "stale_metadata_minutes", CV_P_INT, 0, NULL, "retry plan age "
	    "counted as stale (default 180)" },
	{ "generated_by", CV_P_STRING, 0, NULL, "acting name recorded "
	    "(default console)" },
	{ "persist", CV_P_BOOL, 0, NULL, "store the reading (default "
	    "true)" },
	{ NULL }
};

const struct cv_route rt_exec_routes[] = {
	{ CV_GET, ER, cv_wf_h_build, 0, "Build and store the recovery "
	    "executive report", &s_report, p_report },
	{ CV_POST, ER "/schedule-run", cv_wf_h_build,
	    CV_BODY_JSON | CV_BODY_OPT, "Run the executive report schedule "
	    "once: build and store a run and its report", &s_run,
	    .right = CV_RIGHT_OPERATE },
	{ CV_POST, ER "/schedule-runs/{run_id}/deliver", cv_wf_h_build,
	    CV_BODY_JSON | CV_BODY_OPT, "Deliver a stored executive report "
	    "schedule run (or latest) through the connectors", &s_deliver,
	    .right = CV_RIGHT_OPERATE },
	{ CV_POST, ER "/delivery-retry-plan", cv_wf_h_retry_plan,
	    CV_BODY_JSON | CV_BODY_OPT, "Plan retries of failed executive "
	    "report deliveries", &s_c5_retry, .right = CV_RIGHT_OPERATE },
	{ CV_POST, ER "/delivery-retry-worker-run", cv_wf_h_worker,
	    CV_BODY_JSON | CV_BODY_OPT, "One pass of the executive report "
	    "delivery retry worker (dry run unless execute is true)",
	    &s_c5_worker, .right = CV_RIGHT_OPERATE },
	{ CV_GET, ER "/delivery-retry-health", cv_wf_h_health_kept, 0,
	    "Health of the executive report delivery retry worker (stored)",
	    &s_health, p_health },
	{ CV_POST, ER "/delivery-retry-health-alerts/deliver",
	    cv_wf_h_alert_deliver, CV_BODY_JSON | CV_BODY_OPT, "Alert the "
	    "connectors on the health of the executive report delivery "
	    "retry worker", &s_c6_deliver, .right = CV_RIGHT_OPERATE },
	{ CV_POST, ER "/delivery-retry-health-alerts/{health_id}/"
	    "acknowledgements", cv_wf_h_ack, CV_BODY_JSON, "Acknowledge an "
	    "executive report delivery retry health alert", &s_c6_ack,
	    .right = CV_RIGHT_OPERATE },
	{ CV_GET, ER "/delivery-retry-health-alerts", cv_wf_h_history, 0,
	    "Executive report delivery retry health alerts, their "
	    "acknowledgements, deliveries and retries, newest first",
	    &s_c6_history, cv_wf_alert_params },
	{ CV_GET, ER "/delivery-retry-health-alert-dashboard",
	    cv_wf_h_alert_dashboard, 0, "Counts of executive report delivery "
	    "retry health alerts", &s_c6_dashboard },
	{ CV_POST, ER "/delivery-retry-health-alerts/retry-plan",
	    cv_wf_h_retry_plan, CV_BODY_JSON | CV_BODY_OPT, "Plan retries of "
	    "failed executive report delivery retry health alert deliveries",
	    &s_c6_retry, .right = CV_RIGHT_OPERATE },
	{ CV_POST, ER "/delivery-retry-health-alerts/retry-worker-run",
	    cv_wf_h_worker, CV_BODY_JSON | CV_BODY_OPT, "One pass of the "
	    "executive report delivery retry health alert retry worker (dry "
	    "run unless execute is true)", &s_c6_worker,
	    .right = CV_RIGHT_OPERATE },
};

const size_t rt_exec_nroutes = nitems(rt_exec_routes);
