/*
 * cavra-runtime: final reporting of the rollback drill up to the archive
 * reference health alerts (workflows.md §8 rows 54-69, §10.9): the
 * closure dashboard, the release readiness summary and its approval,
 * the operator runbook, the release record attachment, the closure
 * packet verification, the auditor export with its delivery and retry
 * chain (C7), the immutable archive reference and its health with the
 * health alerts (C8).  Every route is a workflow step (lib/cv_wfstep.h);
 * this file holds the chain data and the builders of the documents.
 *
 * The closure dashboard counts the alert records of the recovery (C4),
 * executive (C6) and archive (C8) health alert chains and the drill
 * notification acknowledgements straight from the store, by
 * metadata_kind.  fcgi/runtime_closeout.c reads the records written
 * here by kind: kinds, payload keys and index fields follow §7.1.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cavra.h"
#include "cv_auth.h"
#include "cv_wfstep.h"

#include "runtime.h"

#define AD	"/runtime/go-pilot/rollback-drill-notifications/" \
		"acknowledgements/audit-delivery"
#define FR	AD "/final-reporting-"
#define GO_SCHEMA(x)	"cavra.go-backend-pilot.rollback-drill-" x ".v1"
#define FR_SCHEMA(x)	GO_SCHEMA("final-reporting-" x)
#define FR_KIND(x)	GBRD_AAD "final-reporting-" x
#define AAD_KIND(x)	GBRD_AAD x
#define GAA(x)		"go_backend_rollback_drill_acknowledgement_audit_" x

/* ---- record kinds (§7.1) ------------------------------------------- */

static const struct cv_wf_kind k_ready = {
	FR_KIND("release-readiness-summary"), "summary_id",
	"gordackfinalready", "final_reporting_release_readiness_summary",
	FR_SCHEMA("release-readiness-summary")
};
static const struct cv_wf_kind k_runbook = {
	FR_KIND("operator-runbook-export"), "export_id", "gordackfinalrunbook",
	"final_reporting_operator_runbook_export",
	FR_SCHEMA("operator-runbook-export")
};
static const struct cv_wf_kind k_approval = {
	FR_KIND("release-readiness-approval-decision"), "decision_id",
	"gordackfinalapproval",
	"final_reporting_release_readiness_approval_decision",
	FR_SCHEMA("release-readiness-approval-decision")
};
static const struct cv_wf_kind k_attach = {
	FR_KIND("release-record-attachment"), "attachment_id",
	"gordackfinalrecord", "final_reporting_release_record_attachment",
	FR_SCHEMA("release-record-attachment")
};
static const struct cv_wf_kind k_verify = {
	FR_KIND("release-closure-packet-verification"), "verification_id",
	"gordackfinalpacket",
	"final_reporting_release_closure_packet_verification",
	FR_SCHEMA("release-closure-packet-verification")
};
static const struct cv_wf_kind k_export = {
	FR_KIND("auditor-export"), "export_id", "gordackfinalauditor",
	"final_reporting_auditor_export", FR_SCHEMA("auditor-export")
};
static const struct cv_wf_kind k_archive = {
	FR_KIND("immutable-archive-reference"), "reference_id",
	"gordackfinalarchive", "final_reporting_immutable_archive_reference",
	FR_SCHEMA("immutable-archive-reference")
};
static const struct cv_wf_kind k_health = {
	FR_KIND("archive-reference-health"), "health_id",
	"gordackfinalarchivehealth", "final_reporting_archive_reference_health",
	FR_SCHEMA("archive-reference-health")
};

static const char *const ready_index[] = { "summary_id", "readiness_state",
	"alert_level", "failed_check_count", "warning_check_count",
	"closure_state", "open_item_count", NULL };
static const char *const runbook_index[] = { "export_id",
	"readiness_summary_id", "readiness_state", "closure_state",
	"section_count", NULL };
static const char *const approval_index[] = { "decision_id",
	"decision_hash", "summary_id", "readiness_state", "closure_state",
	"approval_state", "override_blockers", "external_ref", NULL };
static const char *const attach_index[] = { "attachment_id",
	"attachment_hash", "release_record_ref", "attachment_state",
	"summary_id", "approval_decision_id", "approval_state",
	"readiness_state", "runbook_export_id", NULL };
static const char *const verify_index[] = { "verification_id",
	"verification_hash", "verification_state", "alert_level",
	"release_record_ref", "attachment_id", "summary_id",
	"approval_decision_id", "runbook_export_id", "failed_check_count",
	"warning_check_count", NULL };
static const char *const export_index[] = { "export_id", "export_hash",
	"verification_id", "verification_state", "release_record_ref",
	"evidence_count", NULL };
static const char *const archive_index[] = { "reference_id",
	"reference_hash", "archive_ref", "archive_provider", "archive_hash",
	"release_record_ref", "export_id", "verification_id",
	"retention_until", "legal_hold", NULL };
static const char *const health_index[] = { "health_id", "alert_level",
	"alert_count", "critical_alert_count", "warning_alert_count",
	"missing_archive_reference_count", NULL };

/* ---- C7: auditor export delivery ----------------------------------- */

static const struct cv_wf_chain c7 = {
	.name = "C7",
	.src = GAA("final_reporting_auditor_export"),
	.keys = { { "export_id", { "event_id", NULL } },
	    { "verification_id", { NULL, NULL } },
	    { "release_record_ref", { NULL, NULL } } },
	.retry = { FR_KIND("auditor-export-delivery-retry-plan"),
	    "retry_plan_id", "gordackfinalaudretry",
	    "final_reporting_auditor_export_delivery_retry_plan",
	    FR_SCHEMA("auditor-export-delivery-retry-plan") },
	.worker = { FR_KIND("auditor-export-delivery-retry-worker-run"),
	    "run_id", "gordackfinalaudworker",
	    "final_reporting_auditor_export_delivery_retry_worker_run",
	    FR_SCHEMA("auditor-export-delivery-retry-worker-run") },
	.exec = { FR_KIND("auditor-export-delivery-retry-execution-record"),
	    "execution_id", "gordackfinalaudexec",
	    "final_reporting_auditor_export_delivery_retry_execution_record",
	    FR_SCHEMA("auditor-export-delivery-retry-execution-record") },
	.retry_delay = 15,
	.worker_interval = 60,
	.exec_ref = "go-rollback-drill-final-auditor-retry-worker",
};

/* ---- C8: archive reference health alerts --------------------------- */

static const struct cv_wf_alert c8 = {
	.name = "C8",
	.src = GAA("final_reporting_archive_reference_health_alert"),
	.plan = { FR_KIND("archive-reference-health-alert-plan"), "plan_id",
	    "gordackfinalarchalert",
	    "final_reporting_archive_reference_health_alert_plan",
	    FR_SCHEMA("archive-reference-health-alert-plan") },
	.ack = { FR_KIND("archive-reference-health-alert-ack"),
	    "acknowledgement_id", "gordackfinalarchack", "acknowledgement",
	    FR_SCHEMA("archive-reference-health-alert-ack") },
	.health_prefix = "gordackfinalarchivehealth",
	.event_type = "cavra.go_backend.rollback_drill.final_reporting."
	    "archive_reference_health_alert",
	.event_schema = FR_SCHEMA("archive-reference-health-alert-event"),
};

/* ---- what the closure dashboard counts ----------------------------- */

/*
 * The records of one health alert chain the closure dashboard counts:
 * its alert plans, acknowledgements and deliveries, and the retry plans,
 * worker runs and executions of its delivery retries.  variant: the
 * dashboard counts of C6 and C8 (as the alert dashboard step's).
 */
struct alert_set {
	const char	*plan_kind;
	const char	*ack_kind;
	const char	*src;
	const char	*retry_kind;
	const char	*worker_kind;
	const char	*exec_kind;
	const char	*schema;
	int		 variant;
};

#define EXEC_ALERT	"recovery-executive-report-delivery-retry-health-alert"
#define RECOVERY_ALERT	"recovery-escalation-retry-health-alert"

static const struct alert_set as_exec = {
	AAD_KIND(EXEC_ALERT "-plan"), AAD_KIND(EXEC_ALERT "-ack"),
	GAA("recovery_executive_report_delivery_retry_health_alert"),
	AAD_KIND(EXEC_ALERT "-delivery-retry-plan"),
	AAD_KIND(EXEC_ALERT "-delivery-retry-worker-run"),
	AAD_KIND(EXEC_ALERT "-delivery-retry-execution-record"),
	GO_SCHEMA("executive-delivery-retry-health-alert-dashboard"),
	1
};
static const struct alert_set as_recovery = {
	AAD_KIND(RECOVERY_ALERT "-plan"), AAD_KIND(RECOVERY_ALERT "-ack"),
	GAA("recovery_escalation_retry_health_alert"),
	AAD_KIND(RECOVERY_ALERT "-delivery-retry-plan"),
	AAD_KIND(RECOVERY_ALERT "-delivery-retry-worker-run"),
	AAD_KIND(RECOVERY_ALERT "-delivery-retry-execution-record"),
	GO_SCHEMA("acknowledgement-audit-delivery-" RECOVERY_ALERT
	    "-dashboard"),
	0
};
static const struct alert_set as_archive = {
	FR_KIND("archive-reference-health-alert-plan"),
	FR_KIND("archive-reference-health-alert-ack"),
	GAA("final_reporting_archive_reference_health_alert"),
	NULL, NULL, NULL,
	GO_SCHEMA("final-archive-reference-health-alert-dashboard"),
	1
};

/* Drill notification plans and their acknowledgements (C0). */
#define DRILL_PLAN_KIND	GBRD "notification-plan"
#define DRILL_ACK_KIND	GBRD "notification-ack"
/* Every go rollback drill record kind starts so; their deliveries'
 * sources start with GO_SRC. */
#define GO_KIND_PREFIX	GBRD
#define GO_SRC		"go_backend_rollback_drill_"

static const char *const done_ack_states[] = { "acknowledged", "resolved",
	NULL };

/* ---- helpers -------------------------------------------------------- */

/* Integer member k of o (0 when absent or not a number). */
static int64_t
num(struct json_object *o, const char *k)
{
	return json_object_get_int64(json_object_object_get(o, k));
}

/* Adds "<scheme>://<id>" to arr unless id is empty. */
static void
add_ref(struct cv_arena *a, struct json_object *arr, const char *scheme,
    const char *id)
{
	if (id != NULL && *id != '\0')
		json_object_array_add(arr, json_object_new_string(
		    cv_arena_printf(a, "%s://%s", scheme, id)));
}

/* A check row {id, title, status, evidence, operator_action}; new. */
static struct json_object *
check_new(const char *id, const char *title, const char *status,
    const char *evidence, const char *action)
{
	struct json_object	*c = json_object_new_object();

	cv_json_add_str(c, "id", id);
	cv_json_add_str(c, "title", title);
	cv_json_add_str(c, "status", status);
	cv_json_add_str(c, "evidence", evidence);
	cv_json_add_str(c, "operator_action", action);
	return c;
}

/* Counts of the check rows whose status is pass, fail and warning. */
static void
check_counts(struct json_object *checks, int64_t *pass, int64_t *fail,
    int64_t *warn)
{
	const char	*s;
	size_t		 i;

	*pass = *fail = *warn = 0;
	for (i = 0; i < json_object_array_length(checks); i++) {
		s = cv_json_str_or(json_object_array_get_idx(checks, i),
		    "status", "");
		if (strcmp(s, "pass") == 0)
			(*pass)++;
		else if (strcmp(s, "fail") == 0)
			(*fail)++;
		else if (strcmp(s, "warning") == 0)
			(*warn)++;
	}
}

/* A new array of the strings of a NULL-terminated list. */
static struct json_object *
strv_new(const char *const *v)
{
	struct json_object	*a = json_object_new_array();

	for (; *v != NULL; v++)
		json_object_array_add(a, json_object_new_string(*v));
	return a;
}

/*
 * A new document of kind k: {schema_version, product, <id field>: the
 * content id over material m (consumed), <hash_field>: the whole digest
 * (when hash_field is not NULL), generated_at and generated_by of ctx
 * (when gen)}.
 */
static struct json_object *
doc_new(struct cv_wf_ctx *ctx, const struct cv_wf_kind *k,
    struct json_object *m, const char *hash_field, int gen)
{
	struct json_object	*o = json_object_new_object();
	const char		*id, *hash;

	id = cv_wf_id(ctx->req->arena, k->prefix, m, &hash);
	json_object_put(m);
	cv_json_add_str(o, "schema_version", k->schema);
	cv_json_add_str(o, "product", CV_PRODUCT);
	cv_json_add_str(o, k->id_field, id);
	if (hash_field != NULL)
		cv_json_add_str(o, hash_field, hash);
	if (gen) {
		cv_json_add_str(o, "generated_at", ctx->now);
		cv_json_add_str(o, "generated_by", ctx->by);
	}
	return o;
}

/* The acting name of a GET: its generated_by query, else ctx's. */
static void
get_by(struct cv_wf_ctx *ctx)
{
	const char	*q;

	if (ctx->req->route->method == CV_GET && (q = cv_query(ctx->req,
	    "generated_by")) != NULL && *q != '\0')
		ctx->by = q;
}

/* Records of kind counted (all, or those whose execution_status is
 * failed or skipped when failed_only) into *n. */
static enum cv_err
count_kind(struct cv_wf_ctx *ctx, const char *kind, int failed_only,
    int64_t *n)
{
	struct json_object	*all;
	const char		*st;
	size_t			 i;
	enum cv_err		 rc;

	*n = 0;
	if (kind == NULL)
		return CV_OK;
	if ((rc = cv_wf_load(ctx, kind, &all)) != CV_OK)
		return rc;
	for (i = 0; i < json_object_array_length(all); i++) {
		st = cv_json_str_or(json_object_array_get_idx(all, i),
		    "execution_status", "");
		if (!failed_only || strcmp(st, "failed") == 0 ||
		    strcmp(st, "skipped") == 0)
			(*n)++;
	}
	json_object_put(all);
	return CV_OK;
}

/* Whether acks hold one for (parent field pf = pid, provider) whose
 * acknowledgement_state counts as done. */
static int
acked(struct json_object *acks, const char *pf, const char *pid,
    const char *provider)
{
	struct json_object	*a;
	size_t			 i;

	for (i = 0; i < json_object_array_length(acks); i++) {
		a = json_object_array_get_idx(acks, i);
		if (strcmp(cv_json_str_or(a, pf, ""), pid) == 0 &&
		    strcmp(cv_json_str_or(a, "provider", ""), provider) == 0 &&
		    cv_strv_has(done_ack_states, cv_json_str_or(a,
		    "acknowledgement_state", "")))
			return 1;
	}
	return 0;
}

/* Whether plans[0..upto) holds one whose field pf equals plan's. */
static int
newer_seen(struct json_object *plans, size_t upto, const char *pf,
    struct json_object *plan)
{
	size_t	 i;

	for (i = 0; i < upto; i++)
		if (strcmp(cv_json_str_or(json_object_array_get_idx(plans, i),
		    pf, ""), cv_json_str_or(plan, pf, "")) == 0)
			return 1;
	return 0;
}

/*
 * The outstanding acknowledgements of plans (newest first): each
 * acknowledgement-required provider of a plan (only the newest plan per
 * parent field pf when latest_only) lacking a done acknowledgement for
 * (parent, provider).  Rows {<pf>, provider, plan_id} (with p_alert:
 * and the plan's alert_level and created_at) into *out (new).
 */
static void
outstanding_new(struct json_object *plans, struct json_object *acks,
    const char *pf, int latest_only, int p_alert, struct json_object **out)
{
	struct json_object	*p, *provs, *row;
	const char		*prov, *pid;
	size_t			 i, j;

	*out = json_object_new_array();
	for (i = 0; i < json_object_array_length(plans); i++) {
		p = json_object_array_get_idx(plans, i);
		if (latest_only && newer_seen(plans, i, pf, p))
			continue;
		if (cv_json_arr(p, "acknowledgement_required_providers",
		    &provs) != CV_JGET_OK)
			continue;
		pid = cv_json_str_or(p, pf, "");
		for (j = 0; j < json_object_array_length(provs); j++) {
			prov = json_object_get_string(
			    json_object_array_get_idx(provs, j));
			if (prov == NULL || acked(acks, pf, pid, prov))
				continue;
			row = json_object_new_object();
			cv_json_add_str(row, pf, pid);
			cv_json_add_str(row, "provider", prov);
			cv_json_add_str(row, "plan_id", cv_json_str_or(p,
			    "plan_id", ""));
			if (p_alert) {
				cv_json_add_str(row, "alert_level",
				    cv_json_str_or(p, "alert_level", ""));
				cv_json_add_str(row, "created_at",
				    cv_json_str_or(p, "created_at", ""));
			}
			json_object_array_add(*out, row);
		}
	}
}

/* ---- closure dashboard (§10.9) --------------------------------------- */

/*
 * The alert dashboard of one health alert chain from its records and
 * the deliveries among rcds (every RCD, newest first), as the alert
 * dashboard step (cv_wf_h_alert_dashboard) answers it: plans,
 * deliveries and failed ones, acknowledgements, outstanding
 * acknowledgements (newest plan per health reading), suppressed
 * providers; critical when a delivery failed or an acknowledgement is
 * outstanding, else warning when a provider was suppressed (not in the
 * C6/C8 variant).  New object in *out.  Candidate for lib/wfstep.c: the
 * step's counting, as a function over a struct cv_wf_alert, would serve
 * both.
 */
static enum cv_err
alert_dash(struct cv_wf_ctx *ctx, const struct alert_set *as,
    struct json_object *rcds, struct json_object **out)
{
	struct json_object	*plans = NULL, *acks = NULL, *outs, *r, *o,
				*latest, *sel;
	int64_t			 ok = 0, bad = 0, supp = 0, nsel = 0;
	size_t			 i;
	enum cv_err		 rc;

	*out = NULL;
	if ((rc = cv_wf_load(ctx, as->plan_kind, &plans)) != CV_OK ||
	    (rc = cv_wf_load(ctx, as->ack_kind, &acks)) != CV_OK)
		goto done;
	latest = json_object_new_array();
	for (i = 0; i < json_object_array_length(rcds); i++) {
		r = json_object_array_get_idx(rcds, i);
		if (strcmp(cv_json_str_or(r, "connector_delivery_source", ""),
		    as->src) != 0)
			continue;
		if (json_object_get_boolean(json_object_object_get(r,
		    "delivery_success")))
			ok++;
		else
			bad++;
	}
	for (i = 0; i < json_object_array_length(plans); i++) {
		r = json_object_array_get_idx(plans, i);
		supp += num(r, "suppressed_provider_count");
		if (cv_json_arr(r, "selected_providers", &sel) == CV_JGET_OK)
			nsel += (int64_t)json_object_array_length(sel);
		if (i < CV_WF_LATEST_MAX)
			json_object_array_add(latest, json_object_get(r));
	}
	outstanding_new(plans, acks, "health_id", 1, 1, &outs);
	o = cv_wf_doc(ctx, as->schema);
	cv_json_add_str(o, "alert_level", bad > 0 ||
	    json_object_array_length(outs) > 0 ? "critical" : supp > 0 &&
	    !as->variant ? "warning" : "healthy");
	cv_json_add_int(o, "plan_count", (int64_t)json_object_array_length(
	    plans));
	cv_json_add_int(o, "delivery_count", ok + bad);
	cv_json_add_int(o, "failed_delivery_count", bad);
	if (as->variant) {
		cv_json_add_int(o, "delivery_success_count", ok);
		cv_json_add_int(o, "delivery_failed_count", bad);
		cv_json_add_int(o, "selected_provider_count", nsel);
	}
	cv_json_add_int(o, "acknowledgement_count", (int64_t)
	    json_object_array_length(acks));
	cv_json_add_int(o, "outstanding_acknowledgement_count", (int64_t)
	    json_object_array_length(outs));
	cv_json_add_int(o, "suppressed_provider_count", supp);
	while (json_object_array_length(outs) > CV_WF_OUTSTANDING_MAX)
		json_object_array_del_idx(outs, CV_WF_OUTSTANDING_MAX,
		    json_object_array_length(outs) - CV_WF_OUTSTANDING_MAX);
	json_object_object_add(o, "outstanding_acknowledgements", outs);
	json_object_object_add(o, "latest", latest);
	*out = o;
done:
	json_object_put(plans);
	json_object_put(acks);
	return rc;
}

/*
 * The outstanding drill notification acknowledgements: for the newest
 * notification plan of each schedule, its acknowledgement-required
 * providers without an acknowledged or resolved acknowledgement.
 */
static enum cv_err
drill_outstanding(struct cv_wf_ctx *ctx, int64_t *n)
{
	struct json_object	*plans = NULL, *acks = NULL, *outs;
	enum cv_err		 rc;

	*n = 0;
	if ((rc = cv_wf_load(ctx, DRILL_PLAN_KIND, &plans)) == CV_OK &&
	    (rc = cv_wf_load(ctx, DRILL_ACK_KIND, &acks)) == CV_OK) {
		outstanding_new(plans, acks, "schedule_id", 1, 0, &outs);
		*n = (int64_t)json_object_array_length(outs);
		json_object_put(outs);
	}
	json_object_put(plans);
	json_object_put(acks);
	return rc;
}

/* The records of the go rollback drill history (go kinds and the
 * deliveries of go sources), counted. */
static enum cv_err
go_total(struct cv_wf_ctx *ctx, int64_t *n)
{
	struct json_object	*all = NULL, *r;
	struct cv_store		*s;
	const char		*k;
	size_t			 i;
	enum cv_err		 rc;

	*n = 0;
	if ((rc = cv_db_read(ctx->db, &s)) != CV_OK)
		return cv_rs_store_fail(ctx->req, &cv_store_evidence, rc);
	rc = cv_store_list(s, 0, NULL, 0, SIZE_MAX, 0, &all, NULL);
	cv_db_read_end(ctx->db, s);
	if (rc != CV_OK)
		return cv_rs_store_fail(ctx->req, &cv_store_evidence, rc);
	for (i = 0; i < json_object_array_length(all); i++) {
		r = json_object_array_get_idx(all, i);
		k = cv_json_str_or(r, "metadata_kind", "");
		if (strncmp(k, GO_KIND_PREFIX, strlen(GO_KIND_PREFIX)) == 0 ||
		    (strcmp(k, CV_WF_RCD_KIND) == 0 && strncmp(cv_json_str_or(
		    r, "connector_delivery_source", ""), GO_SRC,
		    strlen(GO_SRC)) == 0))
			(*n)++;
	}
	json_object_put(all);
	return CV_OK;
}

static const char *const closure_actions[] = {
	"retry the failed executive retry health alert deliveries",
	"acknowledge the executive retry health alerts once release "
	    "governance reviewed them",
	"review failed retry executions before closing the drill reporting",
	"acknowledge the archive reference health alerts before closeout",
	NULL
};
static const char *const closure_controls[] = {
	"closure dashboard built from public-safe metadata only",
	"no connector secret or private endpoint in the closure dashboard",
	NULL
};

/*
 * The final reporting closure dashboard (§10.9): the executive (C6),
 * recovery (C4) and archive (C8) health alert dashboards, the open items
 * they leave, closure_state closed iff none, and a summary of counts.
 * New object in *out; writes nothing.
 */
static enum cv_err
closure_new(struct cv_wf_ctx *ctx, struct json_object **out)
{
	struct json_object	*rcds = NULL, *ex = NULL, *rec = NULL, *ar = NULL,
				*items, *o, *sum;
	int64_t			 ex_plans, ex_acks, ex_retry, ex_runs, ex_fail,
				 rec_runs, rec_fail, ar_plans, ar_acks;
	enum cv_err		 rc;

	*out = NULL;
	if ((rc = cv_wf_load(ctx, CV_WF_RCD_KIND, &rcds)) != CV_OK ||
	    (rc = alert_dash(ctx, &as_exec, rcds, &ex)) != CV_OK ||
	    (rc = alert_dash(ctx, &as_recovery, rcds, &rec)) != CV_OK ||
	    (rc = alert_dash(ctx, &as_archive, rcds, &ar)) != CV_OK ||
	    (rc = count_kind(ctx, as_exec.plan_kind, 0, &ex_plans)) != CV_OK ||
	    (rc = count_kind(ctx, as_exec.ack_kind, 0, &ex_acks)) != CV_OK ||
	    (rc = count_kind(ctx, as_exec.retry_kind, 0, &ex_retry)) != CV_OK ||
	    (rc = count_kind(ctx, as_exec.worker_kind, 0, &ex_runs)) != CV_OK ||
	    (rc = count_kind(ctx, as_exec.exec_kind, 1, &ex_fail)) != CV_OK ||
	    (rc = count_kind(ctx, as_recovery.worker_kind, 0, &rec_runs)) !=
	    CV_OK ||
	    (rc = count_kind(ctx, as_recovery.exec_kind, 1, &rec_fail)) !=
	    CV_OK ||
	    (rc = count_kind(ctx, as_archive.plan_kind, 0, &ar_plans)) !=
	    CV_OK ||
	    (rc = count_kind(ctx, as_archive.ack_kind, 0, &ar_acks)) != CV_OK)
		goto done;
	items = json_object_new_array();
#define OPEN_IF(cond, word)						\
	if (cond)							\
		json_object_array_add(items, json_object_new_string(word))
	OPEN_IF(num(ex, "failed_delivery_count") > 0,
	    "executive_retry_health_alert_delivery_failed");
	OPEN_IF(num(ex, "outstanding_acknowledgement_count") > 0,
	    "executive_retry_health_alert_acknowledgement_outstanding");
	OPEN_IF(ex_fail > 0, "executive_retry_health_alert_retry_execution_"
	    "failed");
	OPEN_IF(num(rec, "failed_delivery_count") > 0,
	    "recovery_retry_health_alert_delivery_failed");
	OPEN_IF(num(rec, "outstanding_acknowledgement_count") > 0,
	    "recovery_retry_health_alert_acknowledgement_outstanding");
	OPEN_IF(num(ar, "failed_delivery_count") > 0,
	    "final_archive_health_alert_delivery_failed");
	OPEN_IF(num(ar, "outstanding_acknowledgement_count") > 0,
	    "final_archive_health_alert_acknowledgement_outstanding");
#undef OPEN_IF
	o = cv_wf_doc(ctx, GO_SCHEMA("final-reporting-closure-dashboard"));
	cv_json_add_str(o, "closure_state", json_object_array_length(items) ==
	    0 ? "closed" : "open");
	cv_json_add_str(o, "alert_level", json_object_array_length(items) ==
	    0 ? "healthy" : "critical");
	cv_json_add_int(o, "open_item_count", (int64_t)
	    json_object_array_length(items));
	json_object_object_add(o, "open_items", items);
	sum = json_object_new_object();
	cv_json_add_int(sum, "executive_retry_health_alert_plan_count",
	    ex_plans);
	cv_json_add_int(sum, "executive_retry_health_alert_ack_count", ex_acks);
	cv_json_add_int(sum, "executive_retry_health_alert_delivery_failed_"
	    "count", num(ex, "failed_delivery_count"));
	cv_json_add_int(sum, "executive_retry_health_alert_retry_plan_count",
	    ex_retry);
	cv_json_add_int(sum, "executive_retry_health_alert_retry_worker_run_"
	    "count", ex_runs);
	cv_json_add_int(sum, "executive_retry_health_alert_retry_execution_"
	    "failed_count", ex_fail);
	cv_json_add_int(sum, "recovery_retry_health_alert_retry_worker_run_"
	    "count", rec_runs);
	cv_json_add_int(sum, "recovery_retry_health_alert_retry_execution_"
	    "failed_count", rec_fail);
	cv_json_add_int(sum, "final_archive_health_alert_plan_count",
	    ar_plans);
	cv_json_add_int(sum, "final_archive_health_alert_ack_count", ar_acks);
	cv_json_add_int(sum, "final_archive_health_alert_delivery_failed_"
	    "count", num(ar, "failed_delivery_count"));
	json_object_object_add(o, "executive_retry_health_alert", ex);
	json_object_object_add(o, "recovery_retry_health_alert", rec);
	json_object_object_add(o, "final_archive_health_alert", ar);
	ex = rec = ar = NULL;
	json_object_object_add(o, "summary", sum);
	json_object_object_add(o, "recommended_actions",
	    strv_new(closure_actions));
	json_object_object_add(o, "controls", strv_new(closure_controls));
	*out = o;
done:
	json_object_put(rcds);
	json_object_put(ex);
	json_object_put(rec);
	json_object_put(ar);
	return rc;
}

/* GET FR-closure-dashboard: the dashboard; writes nothing. */
static enum cv_err
build_closure(struct cv_wf_ctx *ctx, struct json_object **answer)
{
	return closure_new(ctx, answer);
}

/* ---- release readiness summary -------------------------------------- */

static const char *const ready_controls[] = {
	"readiness summary built from public-safe metadata only",
	"no connector secret or private endpoint in the readiness summary",
	"the readiness summary runs no rollback and no connector",
	NULL
};

/*
 * The release readiness summary (§10.9) at ctx.now by ctx.by: six checks
 * over the closure dashboard and the outstanding drill notification
 * acknowledgements; ready iff none fails, else blocked.  New object in
 * *out.
 */
static enum cv_err
readiness_new(struct cv_wf_ctx *ctx, struct json_object **out)
{
	struct cv_arena		*a = ctx->req->arena;
	struct json_object	*cl = NULL, *sum, *checks, *m, *s, *dec, *ev;
	int64_t			 drill, total, runbooks, pass, fail, warn,
				 exd, exf, recf;
	const char		*closure, *state;
	enum cv_err		 rc;

	*out = NULL;
	if ((rc = closure_new(ctx, &cl)) != CV_OK ||
	    (rc = drill_outstanding(ctx, &drill)) != CV_OK ||
	    (rc = go_total(ctx, &total)) != CV_OK ||
	    (rc = count_kind(ctx, k_runbook.kind, 0, &runbooks)) != CV_OK) {
		json_object_put(cl);
		return rc;
	}
	sum = json_object_object_get(cl, "summary");
	closure = cv_json_str_or(cl, "closure_state", "unknown");
	exd = num(sum, "executive_retry_health_alert_delivery_failed_count");
	exf = num(sum, "executive_retry_health_alert_retry_execution_failed_"
	    "count");
	recf = num(sum, "recovery_retry_health_alert_retry_execution_failed_"
	    "count");
	checks = json_object_new_array();
	json_object_array_add(checks, check_new(
	    "final_reporting_closure_state", "Final reporting closure state",
	    strcmp(closure, "closed") == 0 ? "pass" : "fail",
	    cv_arena_printf(a, "closure_state=%s", closure),
	    "Close the open items of the final closure dashboard before "
	    "closing the release."));
	json_object_array_add(checks, check_new(
	    "executive_retry_health_alert_delivery",
	    "Executive retry health alert delivery", exd == 0 ? "pass" :
	    "fail", cv_arena_printf(a, "failed_delivery_count=%lld",
	    (long long)exd), "Retry the failed executive retry health alert "
	    "deliveries."));
	json_object_array_add(checks, check_new(
	    "executive_retry_health_alert_retry_execution",
	    "Executive retry health alert retry execution", exf == 0 ?
	    "pass" : "fail", cv_arena_printf(a, "failed_execution_count=%lld",
	    (long long)exf), "Review the failed executive retry health alert "
	    "retry executions."));
	json_object_array_add(checks, check_new(
	    "recovery_retry_health_alert_retry_execution",
	    "Recovery retry health alert retry execution", recf == 0 ?
	    "pass" : "fail", cv_arena_printf(a, "failed_execution_count=%lld",
	    (long long)recf), "Review the failed recovery retry health alert "
	    "retry executions."));
	json_object_array_add(checks, check_new(
	    "notification_acknowledgements", "Notification acknowledgements",
	    drill == 0 ? "pass" : "fail", cv_arena_printf(a,
	    "outstanding_acknowledgement_count=%lld", (long long)drill),
	    "Acknowledge or resolve the outstanding rollback drill "
	    "notification routes."));
	json_object_array_add(checks, check_new(
	    "release_readiness_artifacts", "Release readiness artifacts",
	    "pass", "summary generated from public-safe rollback drill "
	    "metadata", "Attach this summary and the operator runbook export "
	    "to the release record."));
	check_counts(checks, &pass, &fail, &warn);
	state = fail == 0 ? "ready" : "blocked";
	m = json_object_new_object();
	cv_json_add_str(m, "generated_at", ctx->now);
	cv_json_add_str(m, "readiness_state", state);
	json_object_object_add(m, "checks", json_object_get(checks));
	s = doc_new(ctx, &k_ready, m, NULL, 1);
	cv_json_add_str(s, "readiness_state", state);
	cv_json_add_str(s, "alert_level", fail == 0 ? "healthy" : "critical");
	cv_json_add_int(s, "check_count", (int64_t)json_object_array_length(
	    checks));
	cv_json_add_int(s, "passed_check_count", pass);
	cv_json_add_int(s, "failed_check_count", fail);
	cv_json_add_int(s, "warning_check_count", warn);
	cv_json_add_str(s, "closure_state", closure);
	cv_json_add_int(s, "open_item_count", num(cl, "open_item_count"));
	json_object_object_add(s, "open_items", json_object_get(
	    json_object_object_get(cl, "open_items")));
	json_object_object_add(s, "checks", checks);
	dec = json_object_new_object();
	cv_json_add_str(dec, "recommended_state", fail == 0 ?
	    "approve_release_closure" : "hold_release_closure");
	cv_json_add_str(dec, "reason", fail == 0 ? "the final rollback drill "
	    "reporting loop is closed" : "the final rollback drill reporting "
	    "loop has unresolved blockers");
	json_object_object_add(s, "release_decision", dec);
	ev = json_object_new_object();
	cv_json_add_int(ev, "notification_history_total", total);
	cv_json_add_int(ev, "executive_retry_health_alert_retry_plan_count",
	    num(sum, "executive_retry_health_alert_retry_plan_count"));
	cv_json_add_int(ev, "executive_retry_health_alert_retry_worker_run_"
	    "count", num(sum, "executive_retry_health_alert_retry_worker_run_"
	    "count"));
	cv_json_add_int(ev, "recovery_retry_health_alert_retry_worker_run_"
	    "count", num(sum, "recovery_retry_health_alert_retry_worker_run_"
	    "count"));
	cv_json_add_int(ev, "operator_runbook_export_count", runbooks);
	json_object_object_add(s, "evidence_counts", ev);
	json_object_object_add(s, "recommended_actions", json_object_get(
	    json_object_object_get(cl, "recommended_actions")));
	json_object_object_add(s, "controls", strv_new(ready_controls));
	json_object_put(cl);
	*out = s;
	return CV_OK;
}

/* The stored record of readiness summary s (queued; borrowed). */
static struct json_object *
keep_readiness(struct cv_wf_ctx *ctx, struct json_object *s)
{
	return cv_wf_keep(ctx, &k_ready, s, num(s, "check_count"),
	    num(s, "failed_check_count"), strcmp(cv_json_str_or(s,
	    "readiness_state", ""), "ready") != 0, ready_index);
}

/*
 * GET FR-release-readiness (generated_by, persist): the summary, stored
 * unless persist=false.  Answers {summary, metadata} (metadata null when
 * not stored).
 */
static enum cv_err
build_readiness(struct cv_wf_ctx *ctx, struct json_object **answer)
{
	struct json_object	*s, *rec;
	enum cv_err		 rc;

	get_by(ctx);
	if ((rc = readiness_new(ctx, &s)) != CV_OK)
		return rc;
	rec = keep_readiness(ctx, s);
	*answer = cv_wf_answer("summary", s, ctx->persist ? rec : NULL);
	json_object_put(s);
	return CV_OK;
}

/* ---- operator runbook export ---------------------------------------- */

/* A runbook section {title, items}; new. */
static struct json_object *
section_new(const char *title, const char *const *items)
{
	struct json_object	*s = json_object_new_object();

	cv_json_add_str(s, "title", title);
	json_object_object_add(s, "items", strv_new(items));
	return s;
}

static const char *const rb_purpose[] = {
	"This public-safe export reviews the finished rollback drill "
	    "reporting loop.",
	"Keep connector credentials, customer data, private endpoints and "
	    "enterprise implementation details out of this document.",
	NULL
};
static const char *const rb_steps[] = {
	"Review the failed checks and the open items.",
	"Retry failed executive or recovery health alert deliveries through "
	    "the configured connectors.",
	"Acknowledge executive and recovery retry health alerts after the "
	    "release governance review.",
	"Attach the readiness summary and this runbook export to the release "
	    "record.",
	NULL
};
static const char *const rb_evidence[] = {
	"Final reporting closure dashboard JSON.",
	"Release readiness summary JSON.",
	"Operator runbook export JSON or Markdown.",
	"References to the connector delivery and retry execution evidence.",
	NULL
};
static const char *const rb_private[] = {
	"Connector secrets, private URLs, customer payloads and enterprise "
	    "automation stay outside this repository.",
	"Credential rotation, ticket changes and chat updates go through "
	    "private connectors or operator-owned systems.",
	NULL
};
static const char *const runbook_controls[] = {
	"runbook export built from public-safe metadata only",
	"no connector secret or private endpoint in the runbook export",
	"the runbook export runs no rollback and no connector",
	NULL
};

/* Appends "- <id>: <status> - <evidence> - <operator_action>" lines of
 * checks to t. */
static void
md_checks(struct cv_text *t, struct json_object *checks)
{
	struct json_object	*c;
	size_t			 i;

	for (i = 0; i < json_object_array_length(checks); i++) {
		c = json_object_array_get_idx(checks, i);
		cv_text_printf(t, "- %s: %s - %s - %s\n", cv_json_str_or(c,
		    "id", ""), cv_json_str_or(c, "status", ""),
		    cv_json_str_or(c, "evidence", ""), cv_json_str_or(c,
		    "operator_action", ""));
	}
}

/*
 * POST FR-operator-runbook-export (generated_by): the readiness summary
 * and the runbook (5 sections and their Markdown) built from it, both
 * stored.  Answers {export, metadata, readiness_metadata}.
 */
static enum cv_err
build_runbook(struct cv_wf_ctx *ctx, struct json_object **answer)
{
	struct cv_arena		*a = ctx->req->arena;
	struct json_object	*s, *secs, *sec, *items, *m, *e, *refs, *rec,
				*rrec;
	struct cv_text		 t = { NULL, 0, 0 };
	const char		*sid, *rstate, *cstate;
	size_t			 i, j;
	enum cv_err		 rc;

	if ((rc = readiness_new(ctx, &s)) != CV_OK)
		return rc;
	sid = cv_json_str_or(s, "summary_id", "");
	rstate = cv_json_str_or(s, "readiness_state", "");
	cstate = cv_json_str_or(s, "closure_state", "");
	secs = json_object_new_array();
	json_object_array_add(secs, section_new("Purpose", rb_purpose));
	sec = json_object_new_object();
	cv_json_add_str(sec, "title", "Readiness Gate");
	items = json_object_new_array();
	json_object_array_add(items, json_object_new_string(cv_arena_printf(a,
	    "Readiness state: %s", rstate)));
	json_object_array_add(items, json_object_new_string(cv_arena_printf(a,
	    "Closure state: %s", cstate)));
	json_object_array_add(items, json_object_new_string(cv_arena_printf(a,
	    "Failed checks: %lld", (long long)num(s, "failed_check_count"))));
	json_object_object_add(sec, "items", items);
	json_object_array_add(secs, sec);
	json_object_array_add(secs, section_new("Operator Steps", rb_steps));
	json_object_array_add(secs, section_new("Evidence To Attach",
	    rb_evidence));
	json_object_array_add(secs, section_new("Private Boundary",
	    rb_private));
	cv_text_printf(&t, "# CAVRA Rollback Drill Final Reporting Runbook "
	    "Export\n\n- Generated at: %s\n- Generated by: %s\n- Readiness "
	    "state: %s\n- Closure state: %s\n\n", ctx->now, ctx->by, rstate,
	    cstate);
	for (i = 0; i < json_object_array_length(secs); i++) {
		sec = json_object_array_get_idx(secs, i);
		cv_text_printf(&t, "## %s\n\n", cv_json_str_or(sec, "title",
		    ""));
		items = json_object_object_get(sec, "items");
		for (j = 0; j < json_object_array_length(items); j++)
			cv_text_printf(&t, "- %s\n", json_object_get_string(
			    json_object_array_get_idx(items, j)));
		cv_text_str(&t, "\n");
	}
	cv_text_str(&t, "## Checks\n\n");
	md_checks(&t, json_object_object_get(s, "checks"));
	m = json_object_new_object();
	cv_json_add_str(m, "generated_at", ctx->now);
	cv_json_add_str(m, "readiness_summary_id", sid);
	json_object_object_add(m, "sections", json_object_get(secs));
	e = doc_new(ctx, &k_runbook, m, NULL, 1);
	json_object_object_add(e, "readiness_summary", json_object_get(s));
	cv_json_add_str(e, "readiness_summary_id", sid);
	cv_json_add_str(e, "readiness_state", rstate);
	cv_json_add_str(e, "closure_state", cstate);
	cv_json_add_int(e, "section_count", (int64_t)
	    json_object_array_length(secs));
	json_object_object_add(e, "sections", secs);
	cv_json_add_str(e, "markdown", t.p);
	free(t.p);
	refs = json_object_new_array();
	add_ref(a, refs, "go-rollback-drill-final-readiness", sid);
	add_ref(a, refs, "go-rollback-drill-final-closure-dashboard",
	    "latest");
	json_object_object_add(e, "public_evidence_refs", refs);
	json_object_object_add(e, "controls", strv_new(runbook_controls));
	rec = cv_wf_keep(ctx, &k_runbook, e, num(e, "section_count"),
	    strcmp(rstate, "ready") != 0, strcmp(rstate, "ready") != 0,
	    runbook_index);
	rrec = keep_readiness(ctx, s);
	*answer = cv_wf_answer("export", e, rec);
	json_object_object_add(*answer, "readiness_metadata",
	    json_object_get(rrec));
	json_object_put(e);
	json_object_put(s);
	return CV_OK;
}

/* ---- readiness approval decision ------------------------------------ */

static const char *const approval_states[] = { "approved", "denied",
	"deferred", "expired", NULL };
static const char *const approval_done[] = { "approved", NULL };
static const struct cv_wf_vocab approval_vocab = {
	"approval_state", approval_states, "approved", approval_done
};
static const char *const approval_controls[] = {
	"approval bound to one readiness summary id",
	"approving blocked readiness needs an explicit override",
	"no connector secret or private endpoint in the approval decision",
	"changes to the release record stay private or operator-owned",
	NULL
};

/*
 * The acting name a POST requires in body field `field` (or `alt`): the
 * verified actor when there is one.  400 "<field> is required" when
 * there is none.
 */
static enum cv_err
need_by(struct cv_wf_ctx *ctx, const char *field, const char *alt)
{
	const char	*by = NULL;
	enum cv_err	 rc;

	if (ctx->actor != NULL) {
		ctx->by = ctx->actor->actor;
		return CV_OK;
	}
	if ((rc = cv_wf_str(ctx, field, &by)) != CV_OK)
		return rc;
	if ((by == NULL || *by == '\0') && alt != NULL &&
	    (rc = cv_wf_str(ctx, alt, &by)) != CV_OK)
		return rc;
	if (by == NULL || *by == '\0')
		return cv_fail_field(ctx->req, CV_EINVAL, field,
		    "%s is required", field);
	ctx->by = by;
	return CV_OK;
}

/*
 * POST FR-release-readiness/{summary_id}/approval-decisions (decided_by
 * or approved_by, approval_state, external_ref, notes,
 * override_blockers): the decision on a stored readiness summary (404
 * "release readiness summary not found"); approving a summary that is
 * not ready needs override_blockers=true (400).  Stored; answers
 * {decision, metadata}.
 */
static enum cv_err
build_approval(struct cv_wf_ctx *ctx, struct json_object **answer)
{
	struct cv_req		*req = ctx->req;
	struct json_object	*rec = NULL, *s, *m, *d, *rd, *refs, *out;
	const char		*sid, *state, *ref, *notes, *rstate;
	char			 err[256];
	int			 over;
	enum cv_err		 rc;

	sid = cv_param(req, "summary_id");
	if ((rc = need_by(ctx, "decided_by", "approved_by")) != CV_OK ||
	    (rc = cv_wf_str(ctx, "approval_state", &state)) != CV_OK ||
	    (rc = cv_wf_str(ctx, "external_ref", &ref)) != CV_OK ||
	    (rc = cv_wf_str(ctx, "notes", &notes)) != CV_OK ||
	    (rc = cv_wf_bool(ctx, "override_blockers", 0, &over)) != CV_OK)
		return rc;
	if ((rc = cv_wf_get(ctx, sid, k_ready.kind, &rec)) == CV_ENOENT)
		return cv_fail(req, CV_ENOENT, "release readiness summary not "
		    "found");
	if (rc != CV_OK)
		return rc;
	if (cv_wf_state(req->arena, &approval_vocab, state, &state, err,
	    sizeof(err)) != CV_OK) {
		json_object_put(rec);
		return cv_fail_field(req, CV_EINVAL, "approval_state", "%s",
		    err);
	}
	s = cv_wf_payload(rec, k_ready.payload_key);
	rstate = cv_json_str_or(s, "readiness_state", "unknown");
	if (strcmp(state, "approved") == 0 && strcmp(rstate, "ready") != 0 &&
	    !over) {
		json_object_put(rec);
		return cv_fail_field(req, CV_EINVAL, "override_blockers",
		    "blocked release readiness requires override_blockers=true "
		    "before approval");
	}
	m = json_object_new_object();
	cv_json_add_str(m, "summary_id", sid);
	cv_json_add_str(m, "readiness_state", rstate);
	cv_json_add_str(m, "approval_state", state);
	cv_json_add_str(m, "decided_by", ctx->by);
	cv_json_add_str(m, "decided_at", ctx->now);
	cv_json_add_bool(m, "override_blockers", over);
	d = doc_new(ctx, &k_approval, m, "decision_hash", 0);
	cv_json_add_str(d, "summary_id", sid);
	cv_json_add_str(d, "readiness_state", rstate);
	cv_json_add_str(d, "closure_state", cv_json_str_or(s,
	    "closure_state", "unknown"));
	cv_json_add_int(d, "failed_check_count", num(s,
	    "failed_check_count"));
	cv_json_add_str(d, "approval_state", state);
	cv_json_add_bool(d, "override_blockers", over);
	cv_json_add_str(d, "decided_by", ctx->by);
	cv_json_add_str(d, "decided_at", ctx->now);
	cv_json_add_str(d, "external_ref", ref != NULL ? ref : "");
	cv_json_add_str(d, "notes", notes != NULL ? notes : "");
	rd = json_object_new_object();
	if (strcmp(state, "approved") == 0) {
		cv_json_add_str(rd, "recommended_state",
		    "release_closure_approved");
		cv_json_add_str(rd, "reason", "readiness summary approved "
		    "for the release record attachment");
	} else {
		cv_json_add_str(rd, "recommended_state",
		    "release_closure_not_approved");
		cv_json_add_str(rd, "reason", cv_arena_printf(req->arena,
		    "readiness approval state is %s", state));
	}
	json_object_object_add(d, "release_decision", rd);
	refs = json_object_new_array();
	add_ref(req->arena, refs, "go-rollback-drill-final-readiness", sid);
	add_ref(req->arena, refs, "go-rollback-drill-final-closure-dashboard",
	    "latest");
	json_object_object_add(d, "public_evidence_refs", refs);
	json_object_object_add(d, "controls", strv_new(approval_controls));
	json_object_put(rec);
	out = cv_wf_keep(ctx, &k_approval, d, 1, strcmp(state, "approved") !=
	    0, 0, approval_index);
	*answer = cv_wf_answer("decision", d, out);
	json_object_put(d);
	return CV_OK;
}

/* ---- release record attachment -------------------------------------- */

static const char *const attach_controls[] = {
	"attachment bound to an approved readiness decision",
	"attachment records public-safe evidence references only",
	"no call to an external release system",
	"changes to external tickets or release records stay private or "
	    "operator-owned",
	NULL
};

/*
 * The runbook export (record) that belongs to readiness summary sid:
 * export_id == rid (when given) or readiness_summary_id == sid, else the
 * newest runbook.  *out new, or NULL when there is no runbook.
 */
static enum cv_err
find_runbook(struct cv_wf_ctx *ctx, const char *rid, const char *sid,
    struct json_object **out)
{
	struct json_object	*all, *r;
	size_t			 i;
	enum cv_err		 rc;

	*out = NULL;
	if ((rc = cv_wf_load(ctx, k_runbook.kind, &all)) != CV_OK)
		return rc;
	for (i = 0; i < json_object_array_length(all) && *out == NULL; i++) {
		r = json_object_array_get_idx(all, i);
		if ((rid != NULL && *rid != '\0' && strcmp(cv_json_str_or(r,
		    "export_id", ""), rid) == 0) || (*sid != '\0' &&
		    strcmp(cv_json_str_or(r, "readiness_summary_id", ""),
		    sid) == 0))
			*out = json_object_get(r);
	}
	if (*out == NULL && json_object_array_length(all) > 0)
		*out = json_object_get(json_object_array_get_idx(all, 0));
	json_object_put(all);
	return CV_OK;
}

/* An attached evidence row {type, ref, metadata_session_id}; new. */
static struct json_object *
evidence_new(const char *type, const char *ref, const char *sid)
{
	struct json_object	*e = json_object_new_object();

	cv_json_add_str(e, "type", type);
	cv_json_add_str(e, "ref", ref);
	cv_json_add_str(e, "metadata_session_id", sid);
	return e;
}

/*
 * POST FR-release-record-attachment (attached_by or decided_by,
 * release_record_ref, approval_decision_id, notes): attaches the
 * readiness summary, its approval, the runbook export and the closure
 * dashboard to an external release record, given an approved readiness
 * decision (that one when approval_decision_id is given, else the
 * newest; 404 "approved release readiness decision not found").
 * Stored; answers {attachment, metadata}.
 */
static enum cv_err
build_attachment(struct cv_wf_ctx *ctx, struct json_object **answer)
{
	struct cv_arena		*a = ctx->req->arena;
	struct json_object	*all = NULL, *r, *dec = NULL, *rdy = NULL,
				*rb = NULL, *ev, *m, *o, *refs, *rec;
	const char		*rref, *did, *notes, *sid, *rbid;
	size_t			 i;
	enum cv_err		 rc;

	if ((rc = need_by(ctx, "attached_by", "decided_by")) != CV_OK ||
	    (rc = cv_wf_str(ctx, "release_record_ref", &rref)) != CV_OK ||
	    (rc = cv_wf_str(ctx, "approval_decision_id", &did)) != CV_OK ||
	    (rc = cv_wf_str(ctx, "notes", &notes)) != CV_OK)
		return rc;
	if (rref == NULL || *rref == '\0')
		return cv_fail_field(ctx->req, CV_EINVAL, "release_record_ref",
		    "release_record_ref is required");
	if ((rc = cv_wf_load(ctx, k_approval.kind, &all)) != CV_OK)
		return rc;
	for (i = 0; i < json_object_array_length(all) && dec == NULL; i++) {
		r = json_object_array_get_idx(all, i);
		if ((did == NULL || *did == '\0' || strcmp(cv_json_str_or(r,
		    "decision_id", ""), did) == 0) && strcmp(cv_json_str_or(r,
		    "approval_state", ""), "approved") == 0)
			dec = json_object_get(cv_wf_payload(r,
			    k_approval.payload_key));
	}
	json_object_put(all);
	if (dec == NULL)
		return cv_fail(ctx->req, CV_ENOENT, "approved release "
		    "readiness decision not found");
	sid = cv_json_str_or(dec, "summary_id", "");
	if ((rc = cv_wf_get(ctx, sid, k_ready.kind, &rdy)) != CV_OK &&
	    rc != CV_ENOENT)
		goto out;
	if ((rc = find_runbook(ctx, NULL, sid, &rb)) != CV_OK)
		goto out;
	rbid = cv_json_str_or(rb, "export_id", "");
	ev = json_object_new_array();
	json_object_array_add(ev, evidence_new("release_readiness_summary",
	    cv_arena_printf(a, "go-rollback-drill-final-readiness://%s", sid),
	    cv_json_str_or(rdy, "session_id", "")));
	json_object_array_add(ev, evidence_new("release_readiness_approval",
	    cv_arena_printf(a, "go-rollback-drill-final-readiness-approval://"
	    "%s", cv_json_str_or(dec, "decision_id", "")),
	    cv_json_str_or(dec, "decision_id", "")));
	json_object_array_add(ev, evidence_new("operator_runbook_export",
	    cv_arena_printf(a, "go-rollback-drill-final-runbook://%s",
	    *rbid != '\0' ? rbid : "latest"), cv_json_str_or(rb,
	    "session_id", "")));
	json_object_array_add(ev, evidence_new("final_closure_dashboard",
	    "go-rollback-drill-final-closure-dashboard://latest", ""));
	m = json_object_new_object();
	cv_json_add_str(m, "release_record_ref", rref);
	cv_json_add_str(m, "approval_decision_id", cv_json_str_or(dec,
	    "decision_id", ""));
	cv_json_add_str(m, "summary_id", sid);
	cv_json_add_str(m, "attached_at", ctx->now);
	json_object_object_add(m, "attached_evidence", json_object_get(ev));
	o = doc_new(ctx, &k_attach, m, "attachment_hash", 0);
	cv_json_add_str(o, "release_record_ref", rref);
	cv_json_add_str(o, "attachment_state", "attached");
	cv_json_add_str(o, "attached_at", ctx->now);
	cv_json_add_str(o, "attached_by", ctx->by);
	cv_json_add_str(o, "summary_id", sid);
	cv_json_add_str(o, "readiness_state", cv_json_str_or(dec,
	    "readiness_state", "unknown"));
	cv_json_add_str(o, "approval_decision_id", cv_json_str_or(dec,
	    "decision_id", ""));
	cv_json_add_str(o, "approval_state", cv_json_str_or(dec,
	    "approval_state", ""));
	cv_json_add_bool(o, "override_blockers", json_object_get_boolean(
	    json_object_object_get(dec, "override_blockers")));
	cv_json_add_str(o, "runbook_export_id", rbid);
	refs = json_object_new_array();
	for (i = 0; i < json_object_array_length(ev); i++)
		json_object_array_add(refs, json_object_get(
		    json_object_object_get(json_object_array_get_idx(ev, i),
		    "ref")));
	json_object_object_add(o, "attached_evidence", ev);
	cv_json_add_str(o, "notes", notes != NULL ? notes : "");
	json_object_object_add(o, "public_evidence_refs", refs);
	json_object_object_add(o, "controls", strv_new(attach_controls));
	rec = cv_wf_keep(ctx, &k_attach, o, (int64_t)json_object_array_length(
	    ev), 0, 0, attach_index);
	*answer = cv_wf_answer("attachment", o, rec);
	json_object_put(o);
	rc = CV_OK;
out:
	json_object_put(dec);
	json_object_put(rdy);
	json_object_put(rb);
	return rc;
}

/* ---- closure packet verification ------------------------------------ */

static const char *const verify_controls[] = {
	"verification bound to the release record attachment",
	"verification built from public-safe metadata only",
	"no call to an external release system",
	"the auditor export is ready only once the required evidence is "
	    "there",
	NULL
};

/*
 * The closure packet verification (§10.9) of the newest release record
 * attachment (of release record ref, when given): five evidence checks
 * (fail) and the readiness review (warning); verified iff none fails.
 * New object in *out.
 */
static enum cv_err
verification_new(struct cv_wf_ctx *ctx, const char *ref,
    struct json_object **out)
{
	struct cv_arena		*a = ctx->req->arena;
	struct json_object	*all = NULL, *r, *att = NULL, *rdy = NULL,
				*apr = NULL, *rb = NULL, *cl = NULL, *checks,
				*m, *v, *refs, *actions;
	const char		*sid, *did, *rbid, *rref, *aid, *rstate,
				*cstate;
	int64_t			 pass, fail, warn;
	size_t			 i;
	enum cv_err		 rc;

	*out = NULL;
	if ((rc = cv_wf_load(ctx, k_attach.kind, &all)) != CV_OK)
		return rc;
	for (i = 0; i < json_object_array_length(all) && att == NULL; i++) {
		r = json_object_array_get_idx(all, i);
		if (ref == NULL || *ref == '\0' || strcmp(cv_json_str_or(r,
		    "release_record_ref", ""), ref) == 0)
			att = json_object_get(cv_wf_payload(r,
			    k_attach.payload_key));
	}
	json_object_put(all);
	sid = cv_json_str_or(att, "summary_id", "");
	did = cv_json_str_or(att, "approval_decision_id", "");
	rbid = cv_json_str_or(att, "runbook_export_id", "");
	aid = cv_json_str_or(att, "attachment_id", "");
	if (((rc = cv_wf_get(ctx, sid, k_ready.kind, &rdy)) != CV_OK &&
	    rc != CV_ENOENT) || ((rc = cv_wf_get(ctx, did, k_approval.kind,
	    &apr)) != CV_OK && rc != CV_ENOENT) ||
	    (rc = find_runbook(ctx, rbid, sid, &rb)) != CV_OK ||
	    (rc = closure_new(ctx, &cl)) != CV_OK)
		goto out;
	if (*rbid == '\0')
		rbid = cv_json_str_or(rb, "export_id", "");
	rref = att != NULL && *cv_json_str_or(att, "release_record_ref", "") !=
	    '\0' ? cv_json_str_or(att, "release_record_ref", "") : ref != NULL ?
	    ref : "";
	rstate = cv_json_str_or(att, "readiness_state", "unknown");
	cstate = cv_json_str_or(cl, "closure_state", "unknown");
	checks = json_object_new_array();
	json_object_array_add(checks, check_new(
	    "release_record_attachment_present",
	    "Release record attachment present", att != NULL ? "pass" :
	    "fail", aid, "Attach the evidence to a release record before the "
	    "auditor export."));
	json_object_array_add(checks, check_new(
	    "approved_readiness_decision_present",
	    "Approved readiness decision present", strcmp(cv_json_str_or(apr,
	    "approval_state", ""), "approved") == 0 ? "pass" : "fail", did,
	    "Approve the release readiness summary before verifying the "
	    "closure packet."));
	json_object_array_add(checks, check_new("readiness_summary_attached",
	    "Readiness summary attached", rdy != NULL ? "pass" : "fail", sid,
	    "Attach the generated readiness summary to the release record."));
	json_object_array_add(checks, check_new("operator_runbook_attached",
	    "Operator runbook attached", rb != NULL ? "pass" : "fail", rbid,
	    "Export and attach the public-safe operator runbook."));
	json_object_array_add(checks, check_new(
	    "final_closure_dashboard_available",
	    "Final closure dashboard available", "pass", cv_arena_printf(a,
	    "closure_state=%s", cstate), "Generate the final reporting "
	    "closure dashboard evidence."));
	json_object_array_add(checks, check_new("readiness_state_reviewed",
	    "Readiness state reviewed", strcmp(rstate, "ready") == 0 ? "pass" :
	    "warning", cv_arena_printf(a, "readiness_state=%s", rstate),
	    "Confirm the justification of the blocker override when "
	    "readiness was not ready."));
	check_counts(checks, &pass, &fail, &warn);
	m = json_object_new_object();
	cv_json_add_str(m, "generated_at", ctx->now);
	cv_json_add_str(m, "release_record_ref", rref);
	cv_json_add_str(m, "attachment_id", aid);
	json_object_object_add(m, "checks", json_object_get(checks));
	v = doc_new(ctx, &k_verify, m, "verification_hash", 1);
	cv_json_add_str(v, "verification_state", fail == 0 ? "verified" :
	    "incomplete");
	cv_json_add_str(v, "alert_level", fail > 0 ? "critical" : warn > 0 ?
	    "warning" : "healthy");
	cv_json_add_str(v, "release_record_ref", rref);
	cv_json_add_str(v, "attachment_id", aid);
	cv_json_add_str(v, "summary_id", sid);
	cv_json_add_str(v, "approval_decision_id", did);
	cv_json_add_str(v, "runbook_export_id", rbid);
	cv_json_add_str(v, "closure_state", cstate);
	cv_json_add_str(v, "readiness_state", rstate);
	cv_json_add_int(v, "check_count", (int64_t)json_object_array_length(
	    checks));
	cv_json_add_int(v, "passed_check_count", pass);
	cv_json_add_int(v, "failed_check_count", fail);
	cv_json_add_int(v, "warning_check_count", warn);
	actions = json_object_new_array();
	for (i = 0; i < json_object_array_length(checks); i++) {
		r = json_object_array_get_idx(checks, i);
		if (strcmp(cv_json_str_or(r, "status", ""), "pass") != 0)
			json_object_array_add(actions, json_object_get(
			    json_object_object_get(r, "operator_action")));
	}
	json_object_object_add(v, "checks", checks);
	r = json_object_object_get(att, "attached_evidence");
	json_object_object_add(v, "attached_evidence", r != NULL ?
	    json_object_get(r) : json_object_new_array());
	refs = json_object_new_array();
	add_ref(a, refs, "go-rollback-drill-final-release-record", aid);
	add_ref(a, refs, "go-rollback-drill-final-readiness", sid);
	add_ref(a, refs, "go-rollback-drill-final-readiness-approval", did);
	add_ref(a, refs, "go-rollback-drill-final-runbook", rbid);
	add_ref(a, refs, "go-rollback-drill-final-closure-dashboard",
	    "latest");
	json_object_object_add(v, "public_evidence_refs", refs);
	json_object_object_add(v, "recommended_actions", actions);
	json_object_object_add(v, "controls", strv_new(verify_controls));
	*out = v;
out:
	json_object_put(att);
	json_object_put(rdy);
	json_object_put(apr);
	json_object_put(rb);
	json_object_put(cl);
	return rc;
}

/* The stored record of verification v (queued; borrowed). */
static struct json_object *
keep_verification(struct cv_wf_ctx *ctx, struct json_object *v)
{
	return cv_wf_keep(ctx, &k_verify, v, num(v, "check_count"), num(v,
	    "failed_check_count"), 0, verify_index);
}

/*
 * GET FR-release-closure-packet-verification (release_record_ref,
 * generated_by, persist): the verification, stored unless
 * persist=false.  Answers {verification, metadata} (metadata null when
 * not stored).
 */
static enum cv_err
build_verification(struct cv_wf_ctx *ctx, struct json_object **answer)
{
	struct json_object	*v, *rec;
	enum cv_err		 rc;

	get_by(ctx);
	if ((rc = verification_new(ctx, cv_query(ctx->req,
	    "release_record_ref"), &v)) != CV_OK)
		return rc;
	rec = keep_verification(ctx, v);
	*answer = cv_wf_answer("verification", v, ctx->persist ? rec : NULL);
	json_object_put(v);
	return CV_OK;
}

/* ---- auditor export ------------------------------------------------- */

static const char *const export_controls[] = {
	"auditor export built from verified public-safe metadata only",
	"no connector secret or private endpoint in the auditor export",
	"the auditor export changes no release record",
	"private connectors may forward the export to GRC or ITSM systems",
	NULL
};

/*
 * The auditor export of the closure packet verification (recomputed for
 * release record ref, when given) at ctx.now by ctx.by: its five
 * evidence references and the Markdown of its checks.  New object in
 * *out (it holds the verification under "verification").
 */
static enum cv_err
export_new(struct cv_wf_ctx *ctx, const char *ref, struct json_object **out)
{
	struct json_object	*v, *idx, *row, *m, *e;
	struct cv_text		 t = { NULL, 0, 0 };
	const char		*rref;
	size_t			 i;
	enum cv_err		 rc;
	static const char *const types[][2] = {
		{ "release_record_attachment", "attachment_id" },
		{ "release_readiness_summary", "summary_id" },
		{ "readiness_approval_decision", "approval_decision_id" },
		{ "operator_runbook_export", "runbook_export_id" },
		{ "closure_packet_verification", "verification_id" },
	};

	*out = NULL;
	if ((rc = verification_new(ctx, ref, &v)) != CV_OK)
		return rc;
	rref = cv_json_str_or(v, "release_record_ref", "");
	idx = json_object_new_array();
	for (i = 0; i < nitems(types); i++) {
		row = json_object_new_object();
		cv_json_add_str(row, "type", types[i][0]);
		cv_json_add_str(row, "ref", cv_json_str_or(v, types[i][1], ""));
		json_object_array_add(idx, row);
	}
	cv_text_printf(&t, "# CAVRA Rollback Drill Final Reporting Auditor "
	    "Export\n\n- Generated at: %s\n- Generated by: %s\n- Release "
	    "record: %s\n- Verification state: %s\n- Closure state: %s\n- "
	    "Readiness state: %s\n\n## Verification Checks\n\n", ctx->now,
	    ctx->by, *rref != '\0' ? rref : "unassigned", cv_json_str_or(v,
	    "verification_state", ""), cv_json_str_or(v, "closure_state", ""),
	    cv_json_str_or(v, "readiness_state", ""));
	md_checks(&t, json_object_object_get(v, "checks"));
	cv_text_str(&t, "\n## Evidence Index\n\n");
	for (i = 0; i < json_object_array_length(idx); i++) {
		row = json_object_array_get_idx(idx, i);
		cv_text_printf(&t, "- %s: %s\n", cv_json_str_or(row, "type",
		    ""), cv_json_str_or(row, "ref", ""));
	}
	cv_text_str(&t, "\n## Public Boundary\n\n- The export holds "
	    "public-safe metadata references only.\n- Connector credentials, "
	    "customer payloads, private URLs and private automation stay "
	    "outside this edition.\n");
	m = json_object_new_object();
	cv_json_add_str(m, "generated_at", ctx->now);
	cv_json_add_str(m, "verification_id", cv_json_str_or(v,
	    "verification_id", ""));
	cv_json_add_str(m, "release_record_ref", rref);
	json_object_object_add(m, "evidence_index", json_object_get(idx));
	e = doc_new(ctx, &k_export, m, "export_hash", 1);
	cv_json_add_str(e, "release_record_ref", rref);
	cv_json_add_str(e, "verification_state", cv_json_str_or(v,
	    "verification_state", ""));
	cv_json_add_str(e, "verification_id", cv_json_str_or(v,
	    "verification_id", ""));
	cv_json_add_int(e, "evidence_count", (int64_t)
	    json_object_array_length(idx));
	json_object_object_add(e, "evidence_index", idx);
	cv_json_add_str(e, "markdown", t.p);
	free(t.p);
	json_object_object_add(e, "public_evidence_refs", json_object_get(
	    json_object_object_get(v, "public_evidence_refs")));
	json_object_object_add(e, "controls", strv_new(export_controls));
	json_object_object_add(e, "verification", v);
	*out = e;
	return CV_OK;
}

/* The stored records of export e and of its verification (queued;
 * borrowed), into *erec and *vrec. */
static void
keep_export(struct cv_wf_ctx *ctx, struct json_object *e,
    struct json_object **erec, struct json_object **vrec)
{
	struct json_object	*v = json_object_object_get(e, "verification");

	*erec = cv_wf_keep(ctx, &k_export, e, num(e, "evidence_count"),
	    num(v, "failed_check_count"), 0, export_index);
	*vrec = keep_verification(ctx, v);
}

/*
 * POST FR-auditor-export (release_record_ref, generated_by): the export
 * and its verification, both stored.  Answers {export, metadata,
 * verification_metadata}.
 */
static enum cv_err
build_export(struct cv_wf_ctx *ctx, struct json_object **answer)
{
	struct json_object	*e, *erec, *vrec;
	const char		*ref;
	enum cv_err		 rc;

	if ((rc = cv_wf_str(ctx, "release_record_ref", &ref)) != CV_OK ||
	    (rc = export_new(ctx, ref, &e)) != CV_OK)
		return rc;
	keep_export(ctx, e, &erec, &vrec);
	*answer = cv_wf_answer("export", e, erec);
	json_object_object_add(*answer, "verification_metadata",
	    json_object_get(vrec));
	json_object_put(e);
	return CV_OK;
}

static const char *const event_controls[] = {
	"the delivery event holds public-safe evidence only",
	"connector deliveries redact provider credentials",
	"GRC, SIEM and archive side effects stay outside this edition",
	NULL
};

/*
 * The delivery event of auditor export e (its Markdown cut to
 * max_markdown_chars of the body, 1000..50000, at a character
 * boundary).  New object in *out.  400 for a max_markdown_chars that is
 * not an integer.
 */
static enum cv_err
event_new(struct cv_wf_ctx *ctx, struct json_object *e,
    struct json_object **out)
{
	struct json_object	*ev;
	const char		*md, *id;
	int64_t			 max;
	size_t			 n;
	enum cv_err		 rc;

	*out = NULL;
	if ((rc = cv_wf_int(ctx, "max_markdown_chars",
	    CV_WF_MARKDOWN_DEFAULT, INT64_MIN, INT64_MAX, &max)) != CV_OK)
		return rc;
	if (max < CV_WF_MARKDOWN_MIN)
		max = CV_WF_MARKDOWN_MIN;
	if (max > CV_WF_MARKDOWN_MAX)
		max = CV_WF_MARKDOWN_MAX;
	md = cv_json_str_or(e, "markdown", "");
	n = strlen(md);
	if (n > (size_t)max) {
		n = (size_t)max;
		while (n > 0 && ((unsigned char)md[n] & 0xc0) == 0x80)
			n--;
	}
	id = cv_json_str_or(e, "export_id", "");
	ev = json_object_new_object();
	cv_json_add_str(ev, "schema_version",
	    FR_SCHEMA("auditor-export-delivery-event"));
	cv_json_add_str(ev, "product", CV_PRODUCT);
	cv_json_add_str(ev, "event_type", "cavra.go_backend.rollback_drill."
	    "final_reporting.auditor_export");
	cv_json_add_str(ev, "event_id", id);
	cv_json_add_str(ev, "session_id", id);
	cv_json_add_str(ev, "generated_at", ctx->now);
	cv_json_add_str(ev, "generated_by", ctx->by);
	cv_json_add_str(ev, "release_record_ref", cv_json_str_or(e,
	    "release_record_ref", ""));
	cv_json_add_str(ev, "export_id", id);
	cv_json_add_str(ev, "export_hash", cv_json_str_or(e, "export_hash",
	    ""));
	cv_json_add_str(ev, "verification_id", cv_json_str_or(e,
	    "verification_id", ""));
	cv_json_add_str(ev, "verification_state", cv_json_str_or(e,
	    "verification_state", ""));
	cv_json_add_int(ev, "evidence_count", num(e, "evidence_count"));
	json_object_object_add(ev, "evidence_index", json_object_get(
	    json_object_object_get(e, "evidence_index")));
	json_object_object_add(ev, "public_evidence_refs", json_object_get(
	    json_object_object_get(e, "public_evidence_refs")));
	json_object_object_add(ev, "markdown", json_object_new_string_len(md,
	    (int)n));
	cv_json_add_bool(ev, "markdown_truncated", n < strlen(md));
	json_object_object_add(ev, "controls", strv_new(event_controls));
	*out = ev;
	return CV_OK;
}

/* The fields linking a C7 delivery to its export; new. */
static struct json_object *
export_links(struct json_object *e)
{
	struct json_object	*l = json_object_new_object();

	cv_json_add_str(l, "export_id", cv_json_str_or(e, "export_id", ""));
	cv_json_add_str(l, "verification_id", cv_json_str_or(e,
	    "verification_id", ""));
	cv_json_add_str(l, "release_record_ref", cv_json_str_or(e,
	    "release_record_ref", ""));
	return l;
}

/*
 * The C7 redelivery event of auditor export e, built again, and the
 * fields linking the RCD to it.  A cv_wf_event_fn.
 */
static enum cv_err
c7_event(struct cv_wf_ctx *ctx, struct json_object *d, struct json_object *e,
    int64_t max, struct json_object **event, struct json_object **links)
{
	enum cv_err	 rc;

	(void)d;
	(void)max;
	if ((rc = event_new(ctx, e, event)) == CV_OK)
		*links = export_links(e);
	return rc;
}

/*
 * POST FR-auditor-export/deliver (release_record_ref, provider or
 * delivery_provider (webhook), max_markdown_chars, retries,
 * timeout_seconds): the export and its verification recomputed and
 * stored, then delivered when verified (400 "auditor export delivery
 * requires verified closure packet evidence" otherwise) with its RCD
 * (source C7).  400 without a connector config.  Answers {export,
 * event, delivery, metadata, export_metadata, verification_metadata,
 * success}.
 */
static enum cv_err
build_deliver(struct cv_wf_ctx *ctx, struct json_object **answer)
{
	struct json_object	*e = NULL, *ev = NULL, *links = NULL,
				*res = NULL, *rcd, *erec, *vrec, *o;
	const char		*ref, *prov = NULL;
	enum cv_err		 rc;

	if ((rc = cv_wf_need_connector(ctx)) != CV_OK ||
	    (rc = cv_wf_str(ctx, "release_record_ref", &ref)) != CV_OK ||
	    (rc = cv_wf_str(ctx, "provider", &prov)) != CV_OK)
		return rc;
	if ((prov == NULL || *prov == '\0') && (rc = cv_wf_str(ctx,
	    "delivery_provider", &prov)) != CV_OK)
		return rc;
	if ((rc = export_new(ctx, ref, &e)) != CV_OK)
		return rc;
	if (strcmp(cv_json_str_or(e, "verification_state", ""), "verified") !=
	    0) {
		rc = cv_fail(ctx->req, CV_EINVAL, "auditor export delivery "
		    "requires verified closure packet evidence");
		goto out;
	}
	keep_export(ctx, e, &erec, &vrec);
	links = export_links(e);
	if ((rc = event_new(ctx, e, &ev)) != CV_OK ||
	    (rc = cv_wf_deliver(ctx, ev, prov != NULL && *prov != '\0' ? prov :
	    "webhook", c7.src, links, &res, &rcd)) != CV_OK)
		goto out;
	o = json_object_new_object();
	json_object_object_add(o, "export", json_object_get(e));
	json_object_object_add(o, "event", json_object_get(ev));
	json_object_object_add(o, "delivery", json_object_get(res));
	json_object_object_add(o, "metadata", json_object_get(rcd));
	json_object_object_add(o, "export_metadata", json_object_get(erec));
	json_object_object_add(o, "verification_metadata",
	    json_object_get(vrec));
	cv_json_add_bool(o, "success", json_object_get_boolean(
	    json_object_object_get(res, "success")));
	*answer = o;
out:
	json_object_put(e);
	json_object_put(ev);
	json_object_put(links);
	json_object_put(res);
	return rc;
}

/* ---- immutable archive reference ------------------------------------ */

static const char *const archive_controls[] = {
	"the archive reference records an external pointer only",
	"no customer payload and no connector secret in the archive "
	    "reference",
	"archive reference bound to a verified auditor export",
	"the storage operation stays private or operator-owned",
	NULL
};

/* s without leading and trailing white space; arena. */
static const char *
trimmed(struct cv_arena *a, const char *s)
{
	size_t	 n;

	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' ||
	    s[n - 1] == '\n' || s[n - 1] == '\r'))
		n--;
	return cv_arena_printf(a, "%.*s", (int)n, s);
}

/*
 * POST FR-immutable-archive-reference (archived_by, release_record_ref,
 * archive_ref, archive_provider, retention_until, legal_hold,
 * archive_hash, notes): the auditor export recomputed and stored, and a
 * pointer to where it is archived, which needs a verified export (400
 * "immutable archive reference requires verified closure packet
 * evidence") and an archive_ref (400 "archive_ref is required").
 * Stored; answers {reference, metadata, export, export_metadata}.
 */
static enum cv_err
build_archive(struct cv_wf_ctx *ctx, struct json_object **answer)
{
	struct cv_arena		*a = ctx->req->arena;
	struct json_object	*e = NULL, *m, *o, *refs, *pub, *rec, *erec;
	const char		*ref, *aref, *prov, *until, *hash, *notes, *id,
				*eid;
	int			 hold;
	size_t			 i;
	enum cv_err		 rc;

	if ((rc = cv_wf_str(ctx, "release_record_ref", &ref)) != CV_OK ||
	    (rc = cv_wf_str(ctx, "archive_ref", &aref)) != CV_OK ||
	    (rc = cv_wf_str(ctx, "archive_provider", &prov)) != CV_OK ||
	    (rc = cv_wf_str(ctx, "retention_until", &until)) != CV_OK ||
	    (rc = cv_wf_str(ctx, "archive_hash", &hash)) != CV_OK ||
	    (rc = cv_wf_str(ctx, "notes", &notes)) != CV_OK ||
	    (rc = cv_wf_bool(ctx, "legal_hold", 0, &hold)) != CV_OK)
		return rc;
	if ((rc = export_new(ctx, ref, &e)) != CV_OK)
		return rc;
	if (strcmp(cv_json_str_or(e, "verification_state", ""), "verified") !=
	    0) {
		json_object_put(e);
		return cv_fail(ctx->req, CV_EINVAL, "immutable archive "
		    "reference requires verified closure packet evidence");
	}
	aref = trimmed(a, aref != NULL ? aref : "");
	if (*aref == '\0') {
		json_object_put(e);
		return cv_fail_field(ctx->req, CV_EINVAL, "archive_ref",
		    "archive_ref is required");
	}
	prov = cv_wf_norm(a, prov != NULL ? prov : "");
	if (*prov == '\0')
		prov = "external_immutable_store";
	until = until != NULL ? until : "";
	eid = cv_json_str_or(e, "export_id", "");
	m = json_object_new_object();
	cv_json_add_str(m, "archive_ref", aref);
	cv_json_add_str(m, "archive_provider", prov);
	cv_json_add_str(m, "export_id", eid);
	cv_json_add_str(m, "export_hash", cv_json_str_or(e, "export_hash",
	    ""));
	cv_json_add_str(m, "verification_id", cv_json_str_or(e,
	    "verification_id", ""));
	cv_json_add_str(m, "retention_until", until);
	cv_json_add_bool(m, "legal_hold", hold);
	o = doc_new(ctx, &k_archive, m, "reference_hash", 0);
	id = cv_json_str_or(o, "reference_id", "");
	cv_json_add_str(o, "archive_ref", aref);
	cv_json_add_str(o, "archive_provider", prov);
	cv_json_add_str(o, "archive_hash", hash != NULL && *hash != '\0' ?
	    hash : cv_json_str_or(e, "export_hash", ""));
	cv_json_add_str(o, "archived_at", ctx->now);
	cv_json_add_str(o, "archived_by", ctx->by);
	cv_json_add_str(o, "retention_until", until);
	cv_json_add_bool(o, "legal_hold", hold);
	cv_json_add_str(o, "release_record_ref", cv_json_str_or(e,
	    "release_record_ref", ""));
	cv_json_add_str(o, "export_id", eid);
	cv_json_add_str(o, "export_hash", cv_json_str_or(e, "export_hash",
	    ""));
	cv_json_add_str(o, "verification_id", cv_json_str_or(e,
	    "verification_id", ""));
	cv_json_add_str(o, "verification_state", cv_json_str_or(e,
	    "verification_state", ""));
	cv_json_add_str(o, "notes", notes != NULL ? notes : "");
	refs = json_object_new_array();
	add_ref(a, refs, "go-rollback-drill-final-auditor-export", eid);
	add_ref(a, refs, "go-rollback-drill-final-archive", id);
	pub = json_object_object_get(e, "public_evidence_refs");
	for (i = 0; i < json_object_array_length(pub); i++)
		json_object_array_add(refs, json_object_get(
		    json_object_array_get_idx(pub, i)));
	json_object_object_add(o, "public_evidence_refs", refs);
	json_object_object_add(o, "controls", strv_new(archive_controls));
	erec = cv_wf_keep(ctx, &k_export, e, num(e, "evidence_count"), num(
	    json_object_object_get(e, "verification"), "failed_check_count"),
	    0, export_index);
	rec = cv_wf_keep(ctx, &k_archive, o, 1, 0, 0, archive_index);
	*answer = cv_wf_answer("reference", o, rec);
	json_object_object_add(*answer, "export", json_object_get(e));
	json_object_object_add(*answer, "export_metadata",
	    json_object_get(erec));
	json_object_put(o);
	json_object_put(e);
	return CV_OK;
}

/* ---- archive reference health (§10.5 C8) ---------------------------- */

static const char *const health_actions[] = {
	"record immutable archive references for the verified auditor "
	    "exports",
	"give retention_until and archive_hash when the archive provider "
	    "supports them",
	"write archives through private enterprise connectors or "
	    "operator-owned archive tooling",
	NULL
};
static const char *const health_controls[] = {
	"archive health built from public-safe export and archive reference "
	    "metadata",
	"archive health writes to no storage",
	"no archive credential or private endpoint in the archive health",
	NULL
};

/* An archive health alert {alert_id, severity, export_id, <key>: val,
 * message}; new. */
static struct json_object *
health_alert_new(const char *id, const char *sev, const char *eid,
    const char *key, const char *val, const char *msg)
{
	struct json_object	*a = json_object_new_object();

	cv_json_add_str(a, "alert_id", id);
	cv_json_add_str(a, "severity", sev);
	cv_json_add_str(a, "export_id", eid);
	cv_json_add_str(a, key, val);
	cv_json_add_str(a, "message", msg);
	return a;
}

/*
 * HEALTH of the archive references (§10.5 C8), with require_archive_hash
 * and require_retention_until (default true; query of a GET, body of a
 * POST): for each verified auditor export, a critical alert when it has
 * no archive reference, else warnings when its newest reference lacks an
 * archive hash or a retention date.  The GET step (persisted unless
 * persist=false) queues its record; the alert delivery does not (as the
 * reference).  New object in *health.
 */
static enum cv_err
archive_health(struct cv_wf_ctx *ctx, struct json_object **health)
{
	struct json_object	*exports = NULL, *refs = NULL, *alerts, *x, *r,
				*newest, *m, *h;
	const char		*eid;
	int64_t			 checked = 0, archived = 0, missing = 0,
				 crit = 0, warn = 0;
	int			 need_hash, need_until;
	size_t			 i, j;
	enum cv_err		 rc;

	*health = NULL;
	if ((rc = cv_wf_param_bool(ctx, "require_archive_hash", 1,
	    &need_hash)) != CV_OK || (rc = cv_wf_param_bool(ctx,
	    "require_retention_until", 1, &need_until)) != CV_OK)
		return rc;
	if ((rc = cv_wf_load(ctx, k_export.kind, &exports)) != CV_OK ||
	    (rc = cv_wf_load(ctx, k_archive.kind, &refs)) != CV_OK)
		goto out;
	alerts = json_object_new_array();
	for (i = 0; i < json_object_array_length(exports); i++) {
		x = json_object_array_get_idx(exports, i);
		eid = cv_json_str_or(x, "export_id", "");
		if (strcmp(cv_json_str_or(x, "verification_state", ""),
		    "verified") != 0 || *eid == '\0')
			continue;
		checked++;
		newest = NULL;
		for (j = 0; j < json_object_array_length(refs) && newest ==
		    NULL; j++) {
			r = json_object_array_get_idx(refs, j);
			if (strcmp(cv_json_str_or(r, "export_id", ""), eid) ==
			    0)
				newest = r;
		}
		if (newest == NULL) {
			json_object_array_add(alerts, health_alert_new(
			    "archive_reference_missing", "critical", eid,
			    "release_record_ref", cv_json_str_or(x,
			    "release_record_ref", ""), "verified auditor "
			    "export has no immutable archive reference"));
			missing++;
			crit++;
			continue;
		}
		archived++;
		if (need_hash && *cv_json_str_or(newest, "archive_hash", "") ==
		    '\0') {
			json_object_array_add(alerts, health_alert_new(
			    "archive_hash_missing", "warning", eid,
			    "reference_id", cv_json_str_or(newest,
			    "reference_id", ""), "archive reference has no "
			    "external object hash"));
			warn++;
		}
		if (need_until && *cv_json_str_or(newest, "retention_until",
		    "") == '\0') {
			json_object_array_add(alerts, health_alert_new(
			    "retention_until_missing", "warning", eid,
			    "reference_id", cv_json_str_or(newest,
			    "reference_id", ""), "archive reference has no "
			    "retention_until timestamp"));
			warn++;
		}
	}
	m = json_object_new_object();
	cv_json_add_str(m, "generated_at", ctx->now);
	cv_json_add_int(m, "checked_exports", checked);
	json_object_object_add(m, "alerts", json_object_get(alerts));
	h = doc_new(ctx, &k_health, m, NULL, 1);
	cv_json_add_str(h, "alert_level", crit > 0 ? "critical" : warn > 0 ?
	    "warning" : "healthy");
	cv_json_add_int(h, "checked_export_count", checked);
	cv_json_add_int(h, "archived_export_count", archived);
	cv_json_add_int(h, "missing_archive_reference_count", missing);
	cv_json_add_int(h, "alert_count", crit + warn);
	cv_json_add_int(h, "critical_alert_count", crit);
	cv_json_add_int(h, "warning_alert_count", warn);
	json_object_object_add(h, "alerts", alerts);
	json_object_object_add(h, "recommended_actions",
	    strv_new(health_actions));
	json_object_object_add(h, "controls", strv_new(health_controls));
	if (ctx->req->route->method == CV_GET)
		(void)cv_wf_keep(ctx, &k_health, h, checked, crit, crit + warn,
		    health_index);
	*health = h;
out:
	json_object_put(exports);
	json_object_put(refs);
	return rc;
}

/*
 * GET FR-archive-reference-health (generated_by, require_archive_hash,
 * require_retention_until, persist): the health, stored unless
 * persist=false.  Answers {health, metadata} (the record, also when
 * not stored).
 */
static enum cv_err
build_health(struct cv_wf_ctx *ctx, struct json_object **answer)
{
	struct json_object	*h, *q, *rec = NULL;
	size_t			 i;
	enum cv_err		 rc;

	get_by(ctx);
	if ((rc = archive_health(ctx, &h)) != CV_OK)
		return rc;
	for (i = 0; i < json_object_array_length(ctx->queue); i++) {
		q = json_object_array_get_idx(ctx->queue, i);
		if (strcmp(cv_json_str_or(q, "metadata_kind", ""),
		    k_health.kind) == 0)
			rec = q;
	}
	*answer = cv_wf_answer("health", h, rec);
	json_object_put(h);
	return CV_OK;
}

/* ---- route table ---------------------------------------------------- */

static const struct cv_wf_step s_closure = {
	.build = build_closure,
};
static const struct cv_wf_step s_readiness = {
	.build = build_readiness,
};
static const struct cv_wf_step s_runbook = {
	.actor = 1, .build = build_runbook,
};
static const struct cv_wf_step s_approval = {
	.actor = 1, .by_field = "decided_by", .by_alt = "approved_by",
	.build = build_approval,
};
static const struct cv_wf_step s_attach = {
	.actor = 1, .by_field = "attached_by", .by_alt = "decided_by",
	.build = build_attachment,
};
static const struct cv_wf_step s_verify = {
	.build = build_verification,
};
static const struct cv_wf_step s_export = {
	.actor = 1, .build = build_export,
};
static const struct cv_wf_step s_deliver = {
	.actor = 1, .build = build_deliver,
};
static const struct cv_wf_step s_retry_plan = {
	.chain = &c7, .out_key = "plan", .actor = 1,
};
static const char *const c7_exec_index[] = { "worker_run_id", NULL };
static const struct cv_wf_worker c7_worker = {
	.parent = &k_export,
	.parent_field = "export_id",
	.skip = "auditor_export_not_found",
	.event = c7_event,
	.exec_index = c7_exec_index,
	.parent_ref = "go-rollback-drill-final-auditor-export",
};
static const struct cv_wf_step s_worker = {
	.chain = &c7, .worker = &c7_worker, .actor = 1,
};
static const struct cv_wf_step s_archive = {
	.actor = 1, .by_field = "archived_by", .build = build_archive,
};
static const struct cv_wf_step s_health = {
	.build = build_health,
};

static const char *const c8_ack_extra[] = { "plan_id", NULL };
static const struct cv_wf_step s_c8_ack = {
	.alert = &c8, .kind = &c8.ack, .out_key = "acknowledgement",
	.actor = 1, .vocab = &cv_wf_alert_ack_vocab,
	.parent_param = "health_id",
	.parent_kind = FR_KIND("archive-reference-health-alert-plan"),
	.parent_field = "health_id",
	.parent_what = "archive reference health alert",
	.by_field = "acknowledged_by", .at_field = "acknowledged_at",
	.extra = c8_ack_extra, .index = cv_wf_alert_ack_index,
};

static const char *const c8_kinds[] = {
	FR_KIND("archive-reference-health-alert-plan"),
	FR_KIND("archive-reference-health-alert-ack"), NULL
};
static const char *const c8_srcs[] = {
	GAA("final_reporting_archive_reference_health_alert"), NULL
};
static const struct cv_wf_step s_c8_deliver = {
	.alert = &c8, .actor = 1, .health = archive_health,
	.health_prefix = "gordackfinalarchivehealth",
};
static const struct cv_wf_step s_c8_dashboard = {
	.alert = &c8, .variant = 1,
	.schema = GO_SCHEMA("final-archive-reference-health-alert-dashboard"),
};
static const struct cv_wf_step s_c8_history = {
	.alert = &c8, .kinds = c8_kinds, .srcs = c8_srcs,
	.filters = cv_wf_alert_filters,
	.schema = GO_SCHEMA("final-archive-reference-health-alert-history"),
};

static const struct cv_qparam p_readiness[] = {
	{ "generated_by", CV_P_STRING, 0, NULL, "acting name recorded "
	    "(default console)" },
	{ "persist", CV_P_BOOL, 0, NULL, "store the summary (default true)" },
	{ NULL }
};
static const struct cv_qparam p_verify[] = {
	{ "release_record_ref", CV_P_STRING, 0, NULL, "verify the newest "
	    "attachment of this release record" },
	{ "generated_by", CV_P_STRING, 0, NULL, "acting name recorded "
	    "(default console)" },
	{ "persist", CV_P_BOOL, 0, NULL, "store the verification (default "
	    "true)" },
	{ NULL }
};
static const struct cv_qparam p_health[] = {
	{ "generated_by", CV_P_STRING, 0, NULL, "acting name recorded "
	    "(default console)" },
	{ "require_archive_hash", CV_P_BOOL, 0, NULL, "warn about archive "
	    "references without an archive hash (default true)" },
	{ "require_retention_until", CV_P_BOOL, 0, NULL, "warn about archive "
	    "references without retention_until (default true)" },
	{ "persist", CV_P_BOOL, 0, NULL, "store the health (default true)" },
	{ NULL }
};

const struct cv_route rt_final_routes[] = {
	{ CV_GET, FR "closure-dashboard", cv_wf_h_build, 0,
	    "Final reporting closure state, open items and the health alert "
	    "dashboards (not stored)", &s_closure },
	{ CV_GET, FR "release-readiness", cv_wf_h_build, 0,
	    "Release readiness summary of the final reporting, stored unless "
	    "persist=false", &s_readiness, p_readiness },
	{ CV_POST, FR "operator-runbook-export", cv_wf_h_build,
	    CV_BODY_JSON | CV_BODY_OPT, "Build and store the operator runbook "
	    "export with its readiness summary", &s_runbook,
	    .right = CV_RIGHT_OPERATE },
	{ CV_POST, FR "release-readiness/{summary_id}/approval-decisions",
	    cv_wf_h_build, CV_BODY_JSON, "Approve, deny, defer or expire a "
	    "stored release readiness summary", &s_approval,
	    .right = CV_RIGHT_OPERATE },
	{ CV_POST, FR "release-record-attachment", cv_wf_h_build,
	    CV_BODY_JSON, "Attach the approved readiness evidence to an "
	    "external release record", &s_attach, .right = CV_RIGHT_OPERATE },
	{ CV_GET, FR "release-closure-packet-verification", cv_wf_h_build, 0,
	    "Verify the newest release record attachment, stored unless "
	    "persist=false", &s_verify, p_verify },
	{ CV_POST, FR "auditor-export", cv_wf_h_build,
	    CV_BODY_JSON | CV_BODY_OPT, "Build and store the auditor export "
	    "of the verified closure packet", &s_export,
	    .right = CV_RIGHT_OPERATE },
	{ CV_POST, FR "auditor-export/deliver", cv_wf_h_build,
	    CV_BODY_JSON | CV_BODY_OPT, "Deliver the verified auditor export "
	    "through the connectors", &s_deliver, .right = CV_RIGHT_OPERATE },
	{ CV_POST, FR "auditor-export/delivery-retry-plan",
	    cv_wf_h_retry_plan, CV_BODY_JSON | CV_BODY_OPT, "Plan retries of "
	    "failed auditor export deliveries", &s_retry_plan,
	    .right = CV_RIGHT_OPERATE },
	{ CV_POST, FR "auditor-export/delivery-retry-worker-run",
	    cv_wf_h_worker, CV_BODY_JSON | CV_BODY_OPT, "One pass of the "
	    "auditor export delivery retry worker (dry run unless execute is "
	    "true)", &s_worker, .right = CV_RIGHT_OPERATE },
	{ CV_POST, FR "immutable-archive-reference", cv_wf_h_build,
	    CV_BODY_JSON, "Record where the verified auditor export is "
	    "archived", &s_archive, .right = CV_RIGHT_OPERATE },
	{ CV_GET, FR "archive-reference-health", cv_wf_h_build, 0,
	    "Verified auditor exports lacking archive references, hashes or "
	    "retention dates, stored unless persist=false", &s_health,
	    p_health },
	{ CV_POST, FR "archive-reference-health-alerts/deliver",
	    cv_wf_h_alert_deliver, CV_BODY_JSON | CV_BODY_OPT, "Deliver the "
	    "archive reference health alerts through the connectors",
	    &s_c8_deliver, .right = CV_RIGHT_OPERATE },
	{ CV_POST, FR "archive-reference-health-alerts/{health_id}/"
	    "acknowledgements", cv_wf_h_ack, CV_BODY_JSON, "Acknowledge an "
	    "archive reference health alert", &s_c8_ack,
	    .right = CV_RIGHT_OPERATE },
	{ CV_GET, FR "archive-reference-health-alerts", cv_wf_h_history, 0,
	    "Archive reference health alert plans, deliveries and "
	    "acknowledgements, newest first", &s_c8_history,
	    cv_wf_alert_params },
	{ CV_GET, FR "archive-reference-health-alert-dashboard",
	    cv_wf_h_alert_dashboard, 0, "Counts of the archive reference "
	    "health alert deliveries and acknowledgements", &s_c8_dashboard },
};

const size_t rt_final_nroutes = nitems(rt_final_routes);
