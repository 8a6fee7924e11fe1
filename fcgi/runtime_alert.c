/*
 * cavra-runtime: the worker health alerts of the audit delivery chain
 * (C2; workflows.md §8 rows 20-23, §10.5).  The health of the C1 retry
 * worker (as GET AD/worker-health reads it, recomputed per call and not
 * stored) is turned into an alert plan, delivered to the connectors,
 * acknowledged per provider, listed and counted.  All four routes are
 * workflow steps of lib/cv_wfstep.h over the data below.
 */
#include "config.h"

#include <stdint.h>

#include "cavra.h"
#include "cv_wfstep.h"

#include "runtime.h"

#define AD	"/runtime/go-pilot/rollback-drill-notifications/" \
		"acknowledgements/audit-delivery"
#define GO_SCHEMA(x)	"cavra.go-backend-pilot.rollback-drill-" x ".v1"
#define AADW	"acknowledgement-audit-delivery-worker-health-alert"
#define C2_SRC	"go_backend_rollback_drill_acknowledgement_audit_" \
		"worker_health_alert"

static const struct cv_wf_alert c2 = {
	.name = "C2",
	.src = C2_SRC,
	.plan = { GBRD_AAD "worker-health-alert-plan", "plan_id",
	    "gordackhealthalert", "worker_health_alert_plan",
	    GO_SCHEMA(AADW "-plan") },
	.ack = { GBRD_AAD "worker-health-alert-ack", "acknowledgement_id",
	    "gordackhealthack", "acknowledgement", GO_SCHEMA(AADW "-ack") },
	.health_prefix = "gordackhealth",
	.event_type = "cavra.go_backend.rollback_drill.acknowledgement_audit_"
	    "worker_health_alert",
	.event_schema = GO_SCHEMA(AADW),
};

/*
 * The health of the C1 retry worker with the request's thresholds
 * (expected_interval_minutes 30, stale_metadata_minutes 120): the
 * engine's worker health run as if the step were C1's.  A
 * cv_wf_health_fn; *health new, not stored.
 */
static enum cv_err
c1_health(struct cv_wf_ctx *ctx, struct json_object **health)
{
	const struct cv_wf_step	*own = ctx->st;
	struct cv_wf_step	 st = *own;
	enum cv_err		 rc;

	st.chain = rt_c1_chain;
	ctx->st = &st;
	rc = cv_wf_health_worker(ctx, health);
	ctx->st = own;
	return rc;
}

static const char *const c2_kinds[] = { GBRD_AAD "worker-health-alert-plan",
	GBRD_AAD "worker-health-alert-ack", NULL };
static const char *const c2_srcs[] = { C2_SRC, NULL };
static const char *const ack_extra[] = { "plan_id", NULL };

static const struct cv_wf_step s_deliver = {
	.alert = &c2, .actor = 1, .health = c1_health,
	.health_prefix = "gordackhealth",
};
static const struct cv_wf_step s_ack = {
	.alert = &c2, .kind = &c2.ack, .out_key = "acknowledgement",
	.actor = 1, .by_field = "acknowledged_by",
	.vocab = &cv_wf_alert_ack_vocab, .parent_param = "health_id",
	.parent_kind = GBRD_AAD "worker-health-alert-plan",
	.parent_field = "health_id", .parent_what = "worker health alert",
	.at_field = "acknowledged_at", .extra = ack_extra,
	.index = cv_wf_alert_ack_index,
};
static const struct cv_wf_step s_history = {
	.alert = &c2, .kinds = c2_kinds, .srcs = c2_srcs,
	.filters = cv_wf_alert_filters, .schema = GO_SCHEMA(AADW "-history"),
};
static const struct cv_wf_step s_dashboard = {
	.alert = &c2, .schema = GO_SCHEMA(AADW "-dashboard"),
};


const struct cv_route rt_alert_routes[] = {
	{ CV_POST, AD "/worker-health-alerts/deliver", cv_wf_h_alert_deliver,
	    CV_BODY_JSON | CV_BODY_OPT, "Alert the connectors on the health "
	    "of the audit delivery retry worker", &s_deliver,
	    .right = CV_RIGHT_OPERATE },
	{ CV_POST, AD "/worker-health-alerts/{health_id}/acknowledgements",
	    cv_wf_h_ack, CV_BODY_JSON, "Acknowledge a worker health alert",
	    &s_ack, .right = CV_RIGHT_OPERATE },
	{ CV_GET, AD "/worker-health-alerts", cv_wf_h_history, 0, "Worker "
	    "health alert plans, acknowledgements and deliveries, newest "
	    "first", &s_history, cv_wf_alert_params },
	{ CV_GET, AD "/worker-health-alert-dashboard",
	    cv_wf_h_alert_dashboard, 0, "Counts of worker health alerts",
	    &s_dashboard },
};

const size_t rt_alert_nroutes = nitems(rt_alert_routes);
