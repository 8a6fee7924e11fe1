/*
 * cavra-runtime: the /runtime/go-pilot rollback-drill workflow routes,
 * served from tables (workflows.md §5-8), one table per file
 * (fcgi/runtime.h).  Each route row's data is a struct cv_wf_step of
 * lib/cv_wfstep.h naming its chain and options, and its handler a
 * workflow step (lib/wfstep.c, lib/wfstep_run.c) or, for a computation
 * of one chain only, cv_wf_h_build with that chain's builder.  This file
 * holds the acknowledgement audit delivery chain (C1).  Records live in
 * the evidence metadata store, read by metadata_kind, newest first with
 * id ties.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>
#include <time.h>

#include "cavra.h"
#include "cv_connector.h"
#include "cv_wfstep.h"
#include "cv_workflow.h"

#include "runtime.h"

#define AD	"/runtime/go-pilot/rollback-drill-notifications/" \
		"acknowledgements/audit-delivery"
#define GO_SCHEMA(x)	"cavra.go-backend-pilot.rollback-drill-" x ".v1"
#define AAD		"acknowledgement-audit-delivery-"

/* ---- chain C1: acknowledgement audit delivery --------------------- */

static const char *const c1_gate_states[] = { "approved", NULL };
static const char *const c1_gate_keys[] = { "provider", "delivery_id",
	"audit_id", NULL };

static const struct cv_wf_gate c1_gate = {
	GBRD_AAD "retry-execution-approval-decision", "approval_state",
	c1_gate_states, c1_gate_keys, "approval_decision_id", "approval_state",
	"approved", "approval_required", "approval_pending_count"
};

static const struct cv_wf_chain c1 = {
	.name = "C1",
	.src = "go_backend_rollback_drill_acknowledgement_audit",
	.keys = { { "delivery_id", { "event_id", "session_id" } },
	    { "audit_id", { NULL, NULL } } },
	.retry = { GBRD_AAD "retry-plan", "retry_plan_id", "gordackretry",
	    "acknowledgement_audit_delivery_retry_plan",
	    GO_SCHEMA(AAD "retry-plan") },
	.worker = { GBRD_AAD "worker-run", "run_id", "gordackworker",
	    "acknowledgement_audit_delivery_worker_run",
	    GO_SCHEMA(AAD "worker-run") },
	.exec = { GBRD_AAD "retry-execution-record", "execution_id",
	    "gordackretryexec", "retry_execution_record",
	    GO_SCHEMA(AAD "retry-execution-record") },
	.gate = &c1_gate,
	.retry_delay = 15,
	.worker_interval = 60,
	.health_interval = 30,
	.health_stale = 120,
	.exec_ref = "go-rollback-drill-retry-worker",
};
/* The C1 chain for the health alerts of its worker (runtime_alert.c). */
const struct cv_wf_chain *const rt_c1_chain = &c1;

static const struct cv_wf_kind c1_retry_ack = {
	GBRD_AAD "retry-ack", "acknowledgement_id", "gordackretryack",
	"acknowledgement", GO_SCHEMA(AAD "retry-acknowledgement")
};

static const char *const retry_ack_states[] = { "accepted", "deferred",
	"escalated", "resolved", "dismissed", NULL };
static const char *const retry_ack_done[] = { "accepted", "resolved",
	NULL };
static const struct cv_wf_vocab retry_ack_vocab = {
	"acknowledgement_state", retry_ack_states, "accepted", retry_ack_done
};

static const struct cv_wf_kind c0_plan = {
	GBRD "notification-plan", "plan_id", "gordn", "plan",
	GO_SCHEMA("notification-plan")
};
static const struct cv_wf_kind c0_ack = {
	GBRD "notification-ack", "acknowledgement_id", "gordack",
	"acknowledgement", GO_SCHEMA("notification-acknowledgement")
};
static const struct cv_wf_kind c1_package = {
	GBRD "acknowledgement-audit-package", "audit_id", "gordackaudit",
	"acknowledgement_audit_package",
	GO_SCHEMA("acknowledgement-audit-package")
};
static const struct cv_wf_kind c1_delivery_plan = {
	GBRD_AAD "plan", "delivery_id", "gordackdelivery",
	"acknowledgement_audit_delivery_plan",
	GO_SCHEMA("acknowledgement-audit-delivery-plan")
};

static const char *const package_index[] = { "audit_id", "alert_level",
	"route_count", "acknowledgement_count", "outstanding_count", NULL };
static const char *const dplan_index[] = { "delivery_id", "audit_id",
	"alert_level", "selected_providers", "destination_count",
	"route_count", "outstanding_count", NULL };
static const char *const package_controls[] = {
	"operator notes stay out of connector events",
	"connector configuration and secrets are never copied into records",
	NULL
};
static const char *const ack_done_words[] = { "acknowledged", "resolved",
	NULL };

static const char *const approval_states[] = { "approved", "denied",
	"deferred", "expired", NULL };
static const char *const approval_done[] = { "approved", NULL };
static const struct cv_wf_vocab approval_vocab = {
	"approval_state", approval_states, "approved", approval_done
};

/* A retry acknowledgement that lets a retry ask for approval. */
static const struct cv_wf_gate c1_ack_gate = {
	GBRD_AAD "retry-ack", "acknowledgement_state", retry_ack_done,
	c1_gate_keys, "acknowledgement_id", NULL, NULL, NULL, NULL
};

static const struct cv_wf_kind c1_approval_plan = {
	GBRD_AAD "retry-execution-approval-plan", "approval_plan_id",
	"gordackretryapproval", "retry_execution_approval_plan",
	GO_SCHEMA(AAD "retry-execution-approval-plan")
};
static const struct cv_wf_kind c1_approval_decision = {
	GBRD_AAD "retry-execution-approval-decision", "decision_id",
	"gordackretryapprovaldecision", "retry_execution_approval_decision",
	GO_SCHEMA(AAD "retry-execution-approval-decision")
};

static const char *const approval_plan_index[] = { "approval_plan_id",
	"alert_level", "approved_count", "waiting_count", NULL };
static const char *const decision_extra[] = { "retry_plan_id",
	"delivery_id", "audit_id", NULL };
static const char *const decision_index[] = { "decision_id",
	"approval_plan_id", "retry_plan_id", "delivery_id", "audit_id",
	"provider", "approval_state", "external_ref", NULL };

static const char *const retry_ack_extra[] = { "delivery_id", "audit_id",
	NULL };
static const char *const ack_index[] = { "acknowledgement_id",
	"retry_plan_id", "delivery_id", "audit_id", "provider",
	"acknowledgement_state", "external_ref", NULL };

/* Whether rows holds a row whose gate keys equal d's. */
static int
seen_key(const struct cv_wf_gate *g, struct json_object *rows,
    struct json_object *d)
{
	struct json_object	*r;
	const char *const	*k;
	size_t			 i;

	for (i = 0; i < json_object_array_length(rows); i++) {
		r = json_object_array_get_idx(rows, i);
		for (k = g->keys; *k != NULL && strcmp(cv_json_str_or(r, *k,
		    ""), cv_json_str_or(d, *k, "")) == 0; k++)
			continue;
		if (*k == NULL)
			return 1;
	}
	return 0;
}

/*
 * The approval plan of a gated chain (§10.7): every retry or wait
 * decision of its stored retry plans (newest plan first, once per gate
 * key) is already_approved (an approved decision exists),
 * wait_for_retry_ack (approval_policy.require_retry_ack, default true,
 * and no accepted or resolved retry acknowledgement), or
 * request_approval.  New object.
 */
static struct json_object *
approval_plan(struct cv_req *req, const struct cv_wf_step *st,
    struct json_object *plans, struct json_object *acks,
    struct json_object *decisions, int need_ack, const char *now,
    const char *by)
{
	const struct cv_wf_gate	*g = st->chain->gate;
	struct json_object	*rows, *row, *p, *ds, *d, *hit, *m, *plan;
	const char		*action, *act;
	int64_t			 req_n = 0, ok_n = 0, wait_n = 0;
	size_t			 i, j;

	rows = json_object_new_array();
	for (i = 0; i < json_object_array_length(plans); i++) {
		if (cv_json_obj(json_object_array_get_idx(plans, i),
		    st->chain->retry.payload_key, &p) != CV_JGET_OK ||
		    cv_json_arr(p, "retry_decisions", &ds) != CV_JGET_OK)
			continue;
		for (j = 0; j < json_object_array_length(ds); j++) {
			d = json_object_array_get_idx(ds, j);
			act = cv_json_str_or(d, "action", "");
			if ((strcmp(act, "retry") != 0 && strcmp(act, "wait") !=
			    0) || seen_key(g, rows, d))
				continue;
			row = json_object_new_object();
			cv_json_add_str(row, "provider", cv_json_str_or(d,
			    "provider", ""));
			cv_json_add_str(row, "delivery_id", cv_json_str_or(d,
			    "delivery_id", ""));
			cv_json_add_str(row, "audit_id", cv_json_str_or(d,
			    "audit_id", ""));
			cv_json_add_str(row, "retry_plan_id", cv_json_str_or(p,
			    "retry_plan_id", ""));
			cv_json_add_str(row, "retry_action", act);
			json_object_object_add(row, "retry_count",
			    json_object_get(json_object_object_get(d,
			    "retry_count")));
			cv_json_add_str(row, "next_retry_at", cv_json_str_or(d,
			    "next_retry_at", ""));
			json_object_object_add(row, "failed_status_codes",
			    json_object_get(json_object_object_get(d,
			    "failed_status_codes")));
			if ((hit = cv_wf_gate_match(g, decisions, d)) != NULL) {
				action = "already_approved";
				ok_n++;
			} else if (need_ack && cv_wf_gate_match(&c1_ack_gate,
			    acks, d) == NULL) {
				action = "wait_for_retry_ack";
				wait_n++;
			} else {
				action = "request_approval";
				req_n++;
			}
			cv_json_add_str(row, "approval_action", action);
			cv_json_add_bool(row, "approval_required",
			    strcmp(action, "request_approval") == 0);
			cv_json_add_str(row, "approval_decision_id", hit !=
			    NULL ? cv_json_str_or(hit, "session_id", "") : "");
			json_object_array_add(rows, row);
		}
	}
	m = json_object_new_object();
	cv_json_add_str(m, "generated_at", now);
	json_object_object_add(m, "approval_decisions", json_object_get(rows));
	plan = json_object_new_object();
	cv_json_add_str(plan, "schema_version", st->kind->schema);
	cv_json_add_str(plan, "approval_plan_id", cv_wf_id(req->arena,
	    st->kind->prefix, m, NULL));
	json_object_put(m);
	cv_json_add_str(plan, "generated_at", now);
	cv_json_add_str(plan, "generated_by", by);
	cv_json_add_bool(plan, "require_retry_ack", need_ack);
	cv_json_add_str(plan, "alert_level", req_n > 0 ? "critical" : wait_n >
	    0 ? "warning" : "healthy");
	cv_json_add_int(plan, "decision_count", (int64_t)
	    json_object_array_length(rows));
	cv_json_add_int(plan, "approval_required_count", req_n);
	cv_json_add_int(plan, "approved_count", ok_n);
	cv_json_add_int(plan, "waiting_count", wait_n);
	json_object_object_add(plan, "approval_decisions", rows);
	return plan;
}

/* ---- chain C1: audit package, delivery plan, delivery, worker ------ */

/* Whether filter f (NULL or "": any) admits value v. */
static int
admits(const char *f, const char *v)
{
	return f == NULL || *f == '\0' || strcmp(f, v != NULL ? v : "") == 0;
}

/*
 * The acknowledgement audit package (§10.3): the deliver routes of the
 * stored notification plans and the latest drill acknowledgement of
 * each (schedule_id, provider), filtered by schedule_id, provider and
 * owner.  New object.
 */
static struct json_object *
audit_package(struct cv_req *req, struct json_object *plans,
    struct json_object *acks, const char *sid, const char *prov,
    const char *owner, const char *now, const char *by)
{
	struct json_object	*routes, *rt, *p, *ds, *d, *a, *latest, *m, *pk,
				*filters;
	const char		*state, *rsid, *rprov;
	int64_t			 n[5] = { 0 };	/* ack'd, resolved, escalated,
						   dismissed, outstanding */
	size_t			 i, j, k;

	routes = json_object_new_array();
	for (i = 0; i < json_object_array_length(plans); i++) {
		if (cv_json_obj(json_object_array_get_idx(plans, i),
		    c0_plan.payload_key, &p) != CV_JGET_OK ||
		    cv_json_arr(p, "route_decisions", &ds) != CV_JGET_OK)
			continue;
		rsid = cv_json_str_or(p, "schedule_id", "");
		for (j = 0; j < json_object_array_length(ds); j++) {
			d = json_object_array_get_idx(ds, j);
			rprov = cv_json_str_or(d, "provider", "");
			if (strcmp(cv_json_str_or(d, "action", ""), "deliver") !=
			    0 || !admits(sid, rsid) || !admits(prov, rprov) ||
			    !admits(owner, cv_json_str_or(d, "owner", "")))
				continue;
			latest = NULL;
			for (k = 0; k < json_object_array_length(acks); k++) {
				a = json_object_array_get_idx(acks, k);
				if (strcmp(cv_json_str_or(a, "schedule_id", ""),
				    rsid) == 0 && strcmp(cv_json_str_or(a,
				    "provider", ""), rprov) == 0) {
					latest = a;	/* newest first */
					break;
				}
			}
			state = latest != NULL ? cv_json_str_or(latest,
			    "acknowledgement_state", "") : "outstanding";
			rt = json_object_new_object();
			cv_json_add_str(rt, "route_id", cv_json_str_or(d,
			    "route_key", ""));
			cv_json_add_str(rt, "schedule_id", rsid);
			cv_json_add_str(rt, "plan_id", cv_json_str_or(p,
			    "plan_id", ""));
			cv_json_add_str(rt, "provider", rprov);
			cv_json_add_str(rt, "owner", cv_json_str_or(d, "owner",
			    ""));
			cv_json_add_str(rt, "route_action", "deliver");
			cv_json_add_str(rt, "acknowledgement_state", state);
			cv_json_add_bool(rt, "acknowledged", cv_strv_has(
			    ack_done_words, state));
			cv_json_add_str(rt, "acknowledgement_id", latest !=
			    NULL ? cv_json_str_or(latest, "session_id", "") :
			    "");
			n[strcmp(state, "acknowledged") == 0 ? 0 :
			    strcmp(state, "resolved") == 0 ? 1 :
			    strcmp(state, "escalated") == 0 ? 2 :
			    strcmp(state, "dismissed") == 0 ? 3 : 4]++;
			json_object_array_add(routes, rt);
		}
	}
	filters = json_object_new_object();
	cv_json_add_str(filters, "schedule_id", sid != NULL ? sid : "");
	cv_json_add_str(filters, "provider", prov != NULL ? prov : "");
	cv_json_add_str(filters, "owner", owner != NULL ? owner : "");
	m = json_object_new_object();
	json_object_object_add(m, "filters", json_object_get(filters));
	json_object_object_add(m, "routes", json_object_get(routes));
	pk = json_object_new_object();
	cv_json_add_str(pk, "schema_version", c1_package.schema);
	cv_json_add_str(pk, "audit_id", cv_wf_id(req->arena,
	    c1_package.prefix, m, NULL));
	json_object_put(m);
	cv_json_add_str(pk, "generated_at", now);
	cv_json_add_str(pk, "generated_by", by);
	json_object_object_add(pk, "filters", filters);
	cv_json_add_int(pk, "route_count", (int64_t)
	    json_object_array_length(routes));
	cv_json_add_int(pk, "acknowledgement_count", n[0] + n[1] + n[2] +
	    n[3]);
	cv_json_add_int(pk, "acknowledged_count", n[0]);
	cv_json_add_int(pk, "resolved_count", n[1]);
	cv_json_add_int(pk, "escalated_count", n[2]);
	cv_json_add_int(pk, "dismissed_count", n[3]);
	cv_json_add_int(pk, "outstanding_count", n[4]);
	cv_json_add_str(pk, "alert_level", n[2] + n[4] > 0 ? "critical" :
	    "healthy");
	json_object_object_add(pk, "routes", routes);
	cv_json_add_strv(pk, "controls", package_controls);
	return pk;
}

/* The package's record. */
static struct json_object *
package_record(struct json_object *pk)
{
	int64_t	 out = json_object_get_int64(json_object_object_get(pk,
	    "outstanding_count"));
	int64_t	 counts[3];

	counts[0] = json_object_get_int64(json_object_object_get(pk,
	    "route_count"));
	counts[1] = out + json_object_get_int64(json_object_object_get(pk,
	    "escalated_count"));
	counts[2] = out;
	return cv_wf_record_new(&c1_package, pk, cv_json_str_or(pk,
	    "generated_at", ""), cv_json_str_or(pk, "generated_by", ""),
	    counts, package_index);
}

/*
 * The delivery plan of a package (§10.4): the configured connectors
 * (else webhook) narrowed by the requested comma list unless "all".
 * New object.
 */
static struct json_object *
delivery_plan(struct cv_req *req, struct json_object *pk,
    const char *requested, const char *cadence, const char *schedule_ref,
    const char *next_at, const char *now, const char *by)
{
	const char		*names[32], *p;
	struct json_object	*sel, *reqs, *m, *plan;
	char			*copy, *tok, *save;
	size_t			 n, i;
	int			 all;

	n = cv_connector_names(names, nitems(names));
	if (n == 0) {
		names[0] = "webhook";
		n = 1;
	}
	all = requested == NULL || *requested == '\0' ||
	    strcmp(requested, "all") == 0;
	reqs = json_object_new_array();
	if (!all) {
		copy = cv_arena_strdup(req->arena, requested);
		for (tok = strtok_r(copy, ",", &save); tok != NULL;
		    tok = strtok_r(NULL, ",", &save)) {
			while (*tok == ' ')
				tok++;
			p = tok + strlen(tok);
			while (p > tok && p[-1] == ' ')
				p--;
			if (p > tok)
				json_object_array_add(reqs,
				    json_object_new_string_len(tok,
				    (int)(p - tok)));
		}
	}
	sel = json_object_new_array();
	for (i = 0; i < n; i++)
		if (all || cv_json_has_str(reqs, names[i]))
			json_object_array_add(sel,
			    json_object_new_string(names[i]));
	m = json_object_new_object();
	cv_json_add_str(m, "audit_id", cv_json_str_or(pk, "audit_id", ""));
	json_object_object_add(m, "selected_providers", json_object_get(sel));
	cv_json_add_str(m, "cadence", cadence);
	cv_json_add_str(m, "schedule_ref", schedule_ref);
	cv_json_add_str(m, "generated_at", now);
	plan = json_object_new_object();
	cv_json_add_str(plan, "schema_version", c1_delivery_plan.schema);
	cv_json_add_str(plan, "delivery_id", cv_wf_id(req->arena,
	    c1_delivery_plan.prefix, m, NULL));
	json_object_put(m);
	cv_json_add_str(plan, "audit_id", cv_json_str_or(pk, "audit_id", ""));
	cv_json_add_str(plan, "generated_at", now);
	cv_json_add_str(plan, "generated_by", by);
	cv_json_add_str(plan, "cadence", cadence);
	cv_json_add_str(plan, "schedule_ref", schedule_ref);
	cv_json_add_str(plan, "next_delivery_at", next_at);
	cv_json_add_str(plan, "requested_provider", all ? "all" : requested);
	json_object_object_add(plan, "requested_providers", reqs);
	cv_json_add_int(plan, "destination_count", (int64_t)
	    json_object_array_length(sel));
	json_object_object_add(plan, "selected_providers", sel);
	json_object_object_add(plan, "route_count", json_object_get(
	    json_object_object_get(pk, "route_count")));
	json_object_object_add(plan, "outstanding_count", json_object_get(
	    json_object_object_get(pk, "outstanding_count")));
	json_object_object_add(plan, "escalated_count", json_object_get(
	    json_object_object_get(pk, "escalated_count")));
	json_object_object_add(plan, "alert_level", json_object_get(
	    json_object_object_get(pk, "alert_level")));
	json_object_object_add(plan, "filters", json_object_get(
	    json_object_object_get(pk, "filters")));
	cv_json_add_strv(plan, "controls", package_controls);
	return plan;
}

static struct json_object *
dplan_record(struct json_object *plan)
{
	int64_t	 out = json_object_get_int64(json_object_object_get(plan,
	    "outstanding_count"));
	int64_t	 counts[3];

	counts[0] = json_object_get_int64(json_object_object_get(plan,
	    "destination_count"));
	counts[1] = out + json_object_get_int64(json_object_object_get(plan,
	    "escalated_count"));
	counts[2] = out;
	return cv_wf_record_new(&c1_delivery_plan, plan, cv_json_str_or(plan,
	    "generated_at", ""), cv_json_str_or(plan, "generated_by", ""),
	    counts, dplan_index);
}

/* The audit delivery event of a package and plan (notes left out). */
static struct json_object *
delivery_event(struct json_object *pk, struct json_object *plan)
{
	struct json_object	*ev, *sum, *routes, *r, *src;
	const char *const	 keys[] = { "route_count", "acknowledgement_count",
	    "outstanding_count", "escalated_count", "alert_level", NULL };
	const char *const	*k;
	int64_t			 blocked;
	size_t			 i;

	ev = json_object_new_object();
	cv_json_add_str(ev, "schema_version",
	    GO_SCHEMA("acknowledgement-audit-delivery"));
	cv_json_add_str(ev, "product", CV_PRODUCT);
	cv_json_add_str(ev, "event_type",
	    "cavra.go_backend.rollback_drill.acknowledgement_audit_delivery");
	cv_json_add_str(ev, "session_id", cv_json_str_or(plan, "delivery_id",
	    ""));
	cv_json_add_str(ev, "timestamp", cv_json_str_or(plan, "generated_at",
	    ""));
	blocked = json_object_get_int64(json_object_object_get(pk,
	    "outstanding_count")) + json_object_get_int64(
	    json_object_object_get(pk, "escalated_count"));
	cv_json_add_int(ev, "blocked_count", blocked);
	cv_json_add_str(ev, "max_severity", strcmp(cv_json_str_or(pk,
	    "alert_level", ""), "critical") == 0 ? "high" : "low");
	sum = json_object_new_object();
	cv_json_add_str(sum, "audit_id", cv_json_str_or(pk, "audit_id", ""));
	for (k = keys; *k != NULL; k++)
		json_object_object_add(sum, *k, json_object_get(
		    json_object_object_get(pk, *k)));
	json_object_object_add(ev, "audit_package_summary", sum);
	json_object_object_add(ev, "delivery_plan", json_object_get(plan));
	routes = json_object_new_array();
	src = json_object_object_get(pk, "routes");
	for (i = 0; i < json_object_array_length(src); i++) {
		r = cv_json_sorted_new(json_object_array_get_idx(src, i));
		json_object_object_del(r, "notes");
		json_object_array_add(routes, r);
	}
	json_object_object_add(ev, "routes", routes);
	return ev;
}


/* ---- C1 builders ---------------------------------------------------- */

/*
 * DASHBOARD (GET) of worker runs: run, dry-run and executed counts,
 * retryable and selected sums; critical when any run found retryable
 * deliveries.  Writes nothing.
 */
static enum cv_err
build_worker_dashboard(struct cv_wf_ctx *ctx, struct json_object **answer)
{
	struct json_object	*all = NULL, *r, *o, *latest;
	int64_t			 dry = 0, retryable = 0, sel = 0;
	size_t			 i, n;
	int			 v;
	enum cv_err		 rc;

	if ((rc = cv_wf_load(ctx, ctx->st->kind->kind, &all)) != CV_OK)
		return rc;
	n = json_object_array_length(all);
	latest = json_object_new_array();
	for (i = 0; i < n; i++) {
		r = json_object_array_get_idx(all, i);
		if (cv_json_bool(r, "dry_run", &v) == CV_JGET_OK && v)
			dry++;
		retryable += json_object_get_int64(json_object_object_get(r,
		    "retryable_count"));
		sel += json_object_get_int64(json_object_object_get(r,
		    "selected_retry_count"));
		if (i < CV_WF_LATEST_MAX)
			json_object_array_add(latest, json_object_get(r));
	}
	json_object_put(all);
	o = cv_wf_doc(ctx, ctx->st->schema);
	cv_json_add_str(o, "alert_level", retryable > 0 ? "critical" :
	    "healthy");
	cv_json_add_int(o, "run_count", (int64_t)n);
	cv_json_add_int(o, "dry_run_count", dry);
	cv_json_add_int(o, "executed_count", (int64_t)n - dry);
	cv_json_add_int(o, "retryable_count", retryable);
	cv_json_add_int(o, "selected_retry_count", sel);
	json_object_object_add(o, "latest", latest);
	*answer = o;
	return CV_OK;
}

/*
 * PLAN (POST) of retry-execution approvals: approval_policy
 * {require_retry_ack}; stored.  Answers {approval_plan, metadata,
 * actor}.
 */
static enum cv_err
build_approval_plan(struct cv_wf_ctx *ctx, struct json_object **answer)
{
	const struct cv_wf_step	*st = ctx->st;
	struct json_object	*plans = NULL, *acks = NULL, *decs = NULL;
	struct json_object	*pol = NULL, *plan, *rec;
	int			 need = 1;
	enum cv_err		 rc;

	if ((rc = cv_wf_obj(ctx, "approval_policy", &pol)) != CV_OK)
		return rc;
	if (pol != NULL && cv_json_bool(pol, "require_retry_ack", &need) ==
	    CV_JGET_TYPE)
		return cv_fail_field(ctx->req, CV_EINVAL, "approval_policy",
		    "approval_policy must be an object whose "
		    "require_retry_ack is a boolean");
	if ((rc = cv_wf_load(ctx, st->chain->retry.kind, &plans)) == CV_OK &&
	    (rc = cv_wf_load(ctx, c1_ack_gate.kind, &acks)) == CV_OK &&
	    (rc = cv_wf_load(ctx, st->chain->gate->kind, &decs)) == CV_OK) {
		plan = approval_plan(ctx->req, st, plans, acks, decs, need,
		    ctx->now, ctx->by);
		rec = cv_wf_keep(ctx, st->kind, plan, json_object_get_int64(
		    json_object_object_get(plan, "decision_count")),
		    json_object_get_int64(json_object_object_get(plan,
		    "waiting_count")), json_object_get_int64(
		    json_object_object_get(plan, "approval_required_count")),
		    approval_plan_index);
		*answer = cv_wf_answer(st->out_key, plan, rec);
		json_object_put(plan);
	}
	json_object_put(plans);
	json_object_put(acks);
	json_object_put(decs);
	return rc;
}

/* The acknowledgement audit package of the store with the body's
 * filters (schedule_id, provider, owner); new in *pk. */
static enum cv_err
package_from_store(struct cv_wf_ctx *ctx, struct json_object **pk)
{
	struct json_object	*plans = NULL, *acks = NULL;
	const char		*sid, *prov, *owner;
	enum cv_err		 rc;

	*pk = NULL;
	if ((rc = cv_wf_str(ctx, "schedule_id", &sid)) != CV_OK ||
	    (rc = cv_wf_str(ctx, "provider", &prov)) != CV_OK ||
	    (rc = cv_wf_str(ctx, "owner", &owner)) != CV_OK)
		return rc;
	if ((rc = cv_wf_load(ctx, c0_plan.kind, &plans)) == CV_OK &&
	    (rc = cv_wf_load(ctx, c0_ack.kind, &acks)) == CV_OK)
		*pk = audit_package(ctx->req, plans, acks, sid, prov, owner,
		    ctx->now, ctx->by);
	json_object_put(plans);
	json_object_put(acks);
	return rc;
}

/*
 * PLAN (POST) of the acknowledgement audit package: filters
 * schedule_id, provider, owner; stored.  Answers
 * {acknowledgement_audit_package, metadata, actor}.
 */
static enum cv_err
build_audit_package(struct cv_wf_ctx *ctx, struct json_object **answer)
{
	struct json_object	*pk, *rec;
	enum cv_err		 rc;

	if ((rc = package_from_store(ctx, &pk)) != CV_OK)
		return rc;
	rec = package_record(pk);
	cv_wf_put(ctx, rec);
	*answer = cv_wf_answer(ctx->st->out_key, pk, rec);
	json_object_put(pk);
	return CV_OK;
}

/*
 * DELIVER (POST) of the audit package (C1): 400 without a connector
 * config; package and delivery plan (delivery_provider, else provider,
 * else all; cadence, schedule_ref, next_delivery_at) stored; the event
 * delivered to the plan's providers (retries, timeout_seconds) and the
 * redacted delivery record stored with audit_id and delivery_id.
 * success is false when no provider was selected.
 */
static enum cv_err
build_deliver(struct cv_wf_ctx *ctx, struct json_object **answer)
{
	struct json_object	*pk = NULL, *plan = NULL, *ev = NULL,
				*res = NULL, *links = NULL, *prec, *drec,
				*rcd = NULL, *sel, *o;
	const char		*dp, *cad, *sref, *next;
	enum cv_err		 rc;

	if ((rc = cv_wf_need_connector(ctx)) != CV_OK ||
	    (rc = cv_wf_str(ctx, "delivery_provider", &dp)) != CV_OK ||
	    (rc = cv_wf_str(ctx, "cadence", &cad)) != CV_OK ||
	    (rc = cv_wf_str(ctx, "schedule_ref", &sref)) != CV_OK ||
	    (rc = cv_wf_str(ctx, "next_delivery_at", &next)) != CV_OK)
		return rc;
	if (dp == NULL || *dp == '\0')
		dp = cv_json_str_or(ctx->req->json, "provider", "all");
	if ((rc = package_from_store(ctx, &pk)) != CV_OK)
		return rc;
	prec = package_record(pk);
	cv_wf_put(ctx, prec);
	plan = delivery_plan(ctx->req, pk, dp, cad != NULL && *cad != '\0' ?
	    cad : "on_demand", sref != NULL ? sref : "", next != NULL ? next :
	    "", ctx->now, ctx->by);
	drec = dplan_record(plan);
	cv_wf_put(ctx, drec);
	ev = delivery_event(pk, plan);
	sel = json_object_object_get(plan, "selected_providers");
	if (json_object_array_length(sel) > 0) {
		links = json_object_new_object();
		cv_json_add_str(links, "audit_id", cv_json_str_or(pk,
		    "audit_id", ""));
		cv_json_add_str(links, "delivery_id", cv_json_str_or(plan,
		    "delivery_id", ""));
		if ((rc = cv_wf_deliver(ctx, ev, cv_wf_joined(ctx->req->arena,
		    sel), c1.src, links, &res, &rcd)) != CV_OK)
			goto out;
	}
	o = json_object_new_object();
	json_object_object_add(o, "acknowledgement_audit_package",
	    json_object_get(pk));
	json_object_object_add(o, "plan", json_object_get(plan));
	json_object_object_add(o, "delivery", json_object_get(res));
	json_object_object_add(o, "package_metadata", json_object_get(prec));
	json_object_object_add(o, "plan_metadata", json_object_get(drec));
	json_object_object_add(o, "metadata", json_object_get(rcd));
	cv_json_add_bool(o, "success", res != NULL &&
	    json_object_get_boolean(json_object_object_get(res, "success")));
	cv_json_add_str(o, "event_id", cv_json_str_or(plan, "delivery_id",
	    ""));
	*answer = o;
out:
	json_object_put(pk);
	json_object_put(plan);
	json_object_put(ev);
	json_object_put(res);
	json_object_put(links);
	return rc;
}

/*
 * The C1 worker's redelivery of decision d (§10.6): the audit package
 * named by d's audit_id (skipped "audit_package_not_found" without
 * one), a fresh delivery plan for d's provider (cadence "retry",
 * schedule_ref "retry:<run_id>"; stored even in a dry run) and the
 * audit delivery event of both.
 */
static enum cv_err
c1_redeliver(struct cv_wf_ctx *ctx, struct json_object *d,
    const char *run_id, struct json_object **parent,
    struct json_object **event, struct json_object **links,
    const char **skipped)
{
	struct json_object	*rec = NULL, *pk, *dplan;
	const char		*did;
	enum cv_err		 rc;

	*parent = *event = *links = NULL;
	rc = cv_wf_get(ctx, cv_json_str_or(d, "audit_id", ""),
	    c1_package.kind, &rec);
	if (rc == CV_ENOENT) {
		*skipped = "audit_package_not_found";
		return CV_OK;
	}
	if (rc != CV_OK)
		return rc;
	pk = json_object_object_get(rec, c1_package.payload_key);
	dplan = delivery_plan(ctx->req, pk, cv_json_str_or(d, "provider", ""),
	    "retry", cv_arena_printf(ctx->req->arena, "retry:%s", run_id), "",
	    ctx->now, ctx->by);
	cv_wf_put(ctx, dplan_record(dplan));
	if (cv_connector_configured() && json_object_array_length(
	    json_object_object_get(dplan, "selected_providers")) == 0)
		*skipped = "provider_not_configured";
	*event = delivery_event(pk, dplan);
	did = cv_json_str_or(dplan, "delivery_id", "");
	*links = json_object_new_object();
	cv_json_add_str(*links, "audit_id", cv_json_str_or(pk, "audit_id",
	    ""));
	cv_json_add_str(*links, "delivery_id", did);
	cv_json_add_str(*links, "delivery_plan_id", did);
	*parent = json_object_get(pk);
	json_object_put(dplan);
	json_object_put(rec);
	return CV_OK;
}

/* ---- the route table ------------------------------------------------ */

static const char *const c1_exec_index[] = { "delivery_plan_id", NULL };

static const struct cv_wf_worker c1_worker = {
	.redeliver = c1_redeliver,
	.state_field = "approval_state",
	.exec_index = c1_exec_index,
	.parent_ref = "go-rollback-drill-audit-delivery",
	.gate_ref = "go-rollback-drill-retry-approval",
};

static const struct cv_wf_step s_c1_retry_plan = {
	.chain = &c1, .kind = &c1.retry, .out_key = "retry_plan", .actor = 1,
};
static const struct cv_wf_step s_c1_retry_ack = {
	.chain = &c1, .kind = &c1_retry_ack, .actor = 1,
	.out_key = "acknowledgement", .vocab = &retry_ack_vocab,
	.parent_param = "retry_plan_id", .parent_kind = GBRD_AAD "retry-plan",
	.parent_what = "retry plan", .extra = retry_ack_extra,
	.index = ack_index, .by_field = "acknowledged_by",
	.at_field = "acknowledged_at",
};
static const struct cv_wf_step s_c1_approval_plan = {
	.chain = &c1, .kind = &c1_approval_plan, .actor = 1,
	.out_key = "approval_plan", .build = build_approval_plan,
};
static const struct cv_wf_step s_c1_decision = {
	.chain = &c1, .kind = &c1_approval_decision, .actor = 1,
	.out_key = "decision", .vocab = &approval_vocab,
	.parent_param = "approval_plan_id",
	.parent_kind = GBRD_AAD "retry-execution-approval-plan",
	.parent_what = "retry execution approval plan",
	.extra = decision_extra, .index = decision_index,
	.by_field = "decided_by", .by_alt = "approved_by",
	.at_field = "decided_at", .block_undone = 1,
};
static const struct cv_wf_step s_c1_package = {
	.chain = &c1, .kind = &c1_package, .actor = 1,
	.out_key = "acknowledgement_audit_package",
	.build = build_audit_package,
};
static const struct cv_wf_step s_c1_deliver = {
	.chain = &c1, .kind = &c1_delivery_plan, .actor = 1,
	.build = build_deliver,
};
static const struct cv_wf_step s_c1_worker = {
	.chain = &c1, .kind = &c1.worker, .actor = 1, .worker = &c1_worker,
};
static const struct cv_wf_filter f_runs[] = {
	{ "dry_run", CV_WF_BOOL, { "dry_run" } },
	{ NULL }
};
static const struct cv_wf_step s_c1_runs = {
	.chain = &c1, .kind = &c1.worker, .filters = f_runs,
	.schema = GO_SCHEMA(AAD "worker-history"),
};
static const struct cv_wf_step s_c1_dashboard = {
	.chain = &c1, .kind = &c1.worker, .build = build_worker_dashboard,
	.schema = GO_SCHEMA(AAD "worker-dashboard"),
};
static const struct cv_wf_step s_c1_health = {
	.chain = &c1, .kind = &c1.worker,
	.schema = GO_SCHEMA(AAD "worker-health"),
	.health_prefix = "gordackhealth",
};

static const struct cv_qparam p_history[] = {
	{ "dry_run", CV_P_BOOL, 0, NULL, "only dry runs (true) or live runs "
	    "(false)" },
	CV_QPARAMS_PAGE,
	{ NULL }
};
static const struct cv_qparam p_health[] = {
	{ "expected_interval_minutes", CV_P_INT, 0, NULL, "expected worker "
	    "interval (default 30)" },
	{ "stale_metadata_minutes", CV_P_INT, 0, NULL, "retry plan age "
	    "counted as stale (default 120)" },
	{ NULL }
};

const struct cv_route rt_c1_routes[] = {
	{ CV_POST, "/runtime/go-pilot/rollback-drill-notifications/"
	    "acknowledgements/audit-package", cv_wf_h_build,
	    CV_BODY_JSON | CV_BODY_OPT, "Build and store the drill "
	    "acknowledgement audit package", &s_c1_package,
	    .right = CV_RIGHT_OPERATE },
	{ CV_POST, AD, cv_wf_h_build, CV_BODY_JSON | CV_BODY_OPT, "Deliver the "
	    "acknowledgement audit package through the connectors",
	    &s_c1_deliver, .right = CV_RIGHT_OPERATE },
	{ CV_POST, AD "/worker-run", cv_wf_h_worker, CV_BODY_JSON | CV_BODY_OPT,
	    "One pass of the audit delivery retry worker (dry run unless "
	    "execute is true)", &s_c1_worker, .right = CV_RIGHT_OPERATE },
	{ CV_POST, AD "/retry-plan", cv_wf_h_retry_plan, CV_BODY_JSON | CV_BODY_OPT,
	    "Plan retries of failed acknowledgement audit deliveries",
	    &s_c1_retry_plan, .right = CV_RIGHT_OPERATE },
	{ CV_POST, AD "/retry-plans/{retry_plan_id}/acknowledgements", cv_wf_h_ack,
	    CV_BODY_JSON, "Acknowledge a stored audit delivery retry plan",
	    &s_c1_retry_ack, .right = CV_RIGHT_OPERATE },
	{ CV_POST, AD "/retry-execution-approval-plan", cv_wf_h_build,
	    CV_BODY_JSON | CV_BODY_OPT, "Plan approvals of live audit "
	    "delivery retries", &s_c1_approval_plan,
	    .right = CV_RIGHT_OPERATE },
	{ CV_POST, AD "/retry-execution-approval-plans/{approval_plan_id}/"
	    "decisions", cv_wf_h_ack, CV_BODY_JSON, "Decide on a stored retry "
	    "execution approval plan", &s_c1_decision,
	    .right = CV_RIGHT_OPERATE },
	{ CV_GET, AD "/worker-runs", cv_wf_h_history, 0,
	    "Audit delivery retry worker runs, newest first", &s_c1_runs,
	    p_history },
	{ CV_GET, AD "/worker-dashboard", cv_wf_h_build, 0,
	    "Counts of audit delivery retry worker runs", &s_c1_dashboard },
	{ CV_GET, AD "/worker-health", cv_wf_h_health, 0,
	    "Health of the audit delivery retry worker (not stored)",
	    &s_c1_health, p_health },
};

const size_t rt_c1_nroutes = nitems(rt_c1_routes);

static const struct cv_route_set sets[] = {
	{ rt_c1_routes, &rt_c1_nroutes },
	{ rt_alert_routes, &rt_alert_nroutes },
	{ rt_c0_routes, &rt_c0_nroutes },
	{ rt_recovery_routes, &rt_recovery_nroutes },
	{ rt_exec_routes, &rt_exec_nroutes },
	{ rt_final_routes, &rt_final_nroutes },
	{ rt_closeout_routes, &rt_closeout_nroutes },
	{ NULL, NULL }
};

static const struct cv_store_def *const stores[] = {
	&cv_store_evidence, NULL
};

/* Reads the connector configuration once, before workers start. */
static enum cv_err
init(void)
{
	return cv_connector_init();
}

CV_RESPONDER_SETS(sets,
	.name = "cavra-runtime",
	.init = init,
	.stores = stores);
