/*
 * cavra-runtime's final reporting (fcgi/runtime_final.c) through the real
 * stack, on both store backends, with repository RBAC (POSTs carry
 * actor_claims, whose actor replaces the body's acting name) and two
 * loopback receivers (tests/data/test_runtime_final.{recv,env}): the
 * webhook connector goes to one that takes every delivery, the linux
 * connector to one that fails every one.
 *
 * The walk: readiness blocked by an outstanding drill acknowledgement
 * (seeded), then ready once it is acknowledged; runbook export;
 * approval (the override rule on a blocked summary); release record
 * attachment; closure packet verification; auditor export; its delivery
 * with one receiver failing; the retry plan; the worker dry and live;
 * the immutable archive reference; the archive reference health; the
 * health alert delivery, its acknowledgement, history and dashboard,
 * and the closure dashboard, each counted exactly.  The records the walk
 * counts are made by the walk alone: the other tests of this file write
 * none of those kinds (their calls fail before anything is stored, or
 * write kinds the walk does not count).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "flow.h"
#include "harness.h"

#define AD	"/runtime/go-pilot/rollback-drill-notifications/" \
		"acknowledgements/audit-delivery"
#define FR	AD "/final-reporting-"
#define KIND(x)	GBRD_AAD "final-reporting-" x
#define ACTOR	"ana@example.com"

/* The check row id of a document's checks. */
static struct json_object *
check(struct json_object *doc, const char *id)
{
	return flow_row(doc, "checks", "id", id, NULL, NULL);
}

/* Copies string member key of o into buf. */
static void
keep(char *buf, size_t len, struct json_object *o, const char *key)
{
	snprintf(buf, len, "%s", api_str(o, key));
}

/* A readiness summary of readiness state `state`, seeded as stored. */
static void
seed_summary(const char *id, const char *state)
{
	char	 body[2048], at[64];

	flow_stamp(at, sizeof(at), 0);
	snprintf(body, sizeof(body), "{\"session_id\": \"%s\", "
	    "\"created_at\": \"%s\", \"metadata_kind\": "
	    "\"" KIND("release-readiness-summary") "\", \"summary_id\": "
	    "\"%s\", \"readiness_state\": \"%s\", "
	    "\"final_reporting_release_readiness_summary\": {\"summary_id\": "
	    "\"%s\", \"readiness_state\": \"%s\", \"closure_state\": "
	    "\"closed\", \"failed_check_count\": 1}}", id, at, id, state, id,
	    state);
	flow_seed(body);
}

/* ---- the walk ------------------------------------------------------- */

API_TEST(final, walk)
{
	struct api_resp		 r;
	struct json_object	*o, *m, *ev;
	char			 u[96], ref[160], body[2048], path[1024],
				 at[64], sched[160], s1[128], s2[128],
				 rb[128], dec[128], att[128], e2[128],
				 e3[128], hash[128], hid[128], pid[128];

	api_uid(u, sizeof(u), "fr");
	snprintf(ref, sizeof(ref), "release-%s", u);
	snprintf(sched, sizeof(sched), "sched-%s", u);
	flow_stamp(at, sizeof(at), 0);

	/* Nothing open yet. */
	flow_get(FR "closure-dashboard", 200, &r);
	cr_assert_str_eq(api_str(r.json, "closure_state"), "closed");
	cr_assert_eq(api_int(r.json, "open_item_count"), 0);
	cr_assert_eq(api_int(api_get(r.json, "final_archive_health_alert"),
	    "plan_count"), 0);
	cr_assert(json_object_is_type(api_get(r.json, "summary"),
	    json_type_object));
	api_free(&r);

	/* A drill notification whose webhook route waits for its
	 * acknowledgement blocks readiness. */
	snprintf(body, sizeof(body), "{\"session_id\": \"gordn-%s\", "
	    "\"created_at\": \"%s\", \"metadata_kind\": "
	    "\"" GBRD "notification-plan\", \"plan_id\": \"gordn-%s\", "
	    "\"schedule_id\": \"%s\", \"acknowledgement_required_providers\": "
	    "[\"webhook\"]}", u, at, u, sched);
	flow_seed(body);
	flow_get(FR "release-readiness?persist=false&generated_by=ops", 200,
	    &r);
	o = api_get(r.json, "summary");
	cr_assert_str_eq(api_str(o, "readiness_state"), "blocked");
	cr_assert_str_eq(api_str(o, "generated_by"), "ops");
	cr_assert_eq(api_int(o, "failed_check_count"), 1);
	cr_assert_eq(api_int(o, "check_count"), 6);
	cr_assert_str_eq(api_str(check(o, "notification_acknowledgements"),
	    "status"), "fail");
	cr_assert_str_eq(api_str(check(o, "notification_acknowledgements"),
	    "evidence"), "outstanding_acknowledgement_count=1");
	cr_assert_str_eq(api_str(api_get(o, "release_decision"),
	    "recommended_state"), "hold_release_closure");
	cr_assert(json_object_is_type(api_get(r.json, "metadata"),
	    json_type_null));
	cr_assert_not(flow_stored(api_str(o, "summary_id")));
	api_free(&r);
	flow_get(FR "release-readiness", 200, &r);
	o = api_get(r.json, "summary");
	cr_assert_str_eq(api_str(o, "readiness_state"), "blocked");
	keep(s1, sizeof(s1), o, "summary_id");
	m = api_get(r.json, "metadata");
	cr_assert_str_eq(api_str(m, "session_id"), s1);
	cr_assert_str_eq(api_str(m, "metadata_kind"),
	    KIND("release-readiness-summary"));
	cr_assert_eq(api_int(m, "approval_required_count"), 1);
	cr_assert(flow_stored(s1));
	api_free(&r);

	/* Approving a blocked summary needs the override. */
	snprintf(path, sizeof(path), FR "release-readiness/%s/"
	    "approval-decisions", s1);
	flow_post_as(ACTOR, path, "{\"decided_by\": \"bob\"}", 400, &r);
	flow_problem_is(&r, 400, "blocked release readiness requires "
	    "override_blockers=true before approval");
	api_free(&r);
	flow_post_as(ACTOR, path, "{\"approval_state\": \"Denied\"}", 200, &r);
	cr_assert_str_eq(api_str(api_get(r.json, "decision"),
	    "approval_state"), "denied");
	cr_assert_eq(api_int(api_get(r.json, "metadata"), "blocked_count"),
	    1);
	api_free(&r);

	/* Acknowledged: ready. */
	snprintf(body, sizeof(body), "{\"session_id\": \"gordack-%s\", "
	    "\"created_at\": \"%s\", \"metadata_kind\": "
	    "\"" GBRD "notification-ack\", \"schedule_id\": \"%s\", "
	    "\"provider\": \"webhook\", \"acknowledgement_state\": "
	    "\"acknowledged\"}", u, at, sched);
	flow_seed(body);
	flow_get(FR "release-readiness", 200, &r);
	o = api_get(r.json, "summary");
	cr_assert_str_eq(api_str(o, "readiness_state"), "ready");
	cr_assert_eq(api_int(o, "failed_check_count"), 0);
	cr_assert_eq(api_int(o, "passed_check_count"), 6);
	cr_assert_str_eq(api_str(api_get(o, "release_decision"),
	    "recommended_state"), "approve_release_closure");
	api_free(&r);

	/* The runbook export, with its own readiness summary. */
	flow_post_as(ACTOR, FR "operator-runbook-export",
	    "{\"generated_by\": \"bob\"}", 200,
	    &r);
	o = api_get(r.json, "export");
	keep(rb, sizeof(rb), o, "export_id");
	keep(s2, sizeof(s2), o, "readiness_summary_id");
	cr_assert_str_eq(api_str(o, "generated_by"), ACTOR);
	cr_assert_str_eq(api_str(o, "readiness_state"), "ready");
	cr_assert_eq(api_int(o, "section_count"), 5);
	cr_assert_eq(strncmp(api_str(o, "markdown"), "# CAVRA Rollback Drill "
	    "Final Reporting Runbook Export\n", 53), 0);
	cr_assert_str_eq(api_str(api_get(r.json, "metadata"), "signer"),
	    ACTOR);
	cr_assert_str_eq(api_str(api_get(r.json, "readiness_metadata"),
	    "session_id"), s2);
	cr_assert_str_eq(api_str(api_get(r.json, "actor"), "actor"), ACTOR);
	cr_assert(flow_stored(rb));
	cr_assert(flow_stored(s2));
	api_free(&r);

	/* Approval of the ready summary: the actor decides. */
	snprintf(path, sizeof(path), FR "release-readiness/%s/"
	    "approval-decisions", s2);
	flow_post_as(ACTOR, path,
	    "{\"decided_by\": \"bob\", \"external_ref\": \"CHG-1\"}",
	    200, &r);
	o = api_get(r.json, "decision");
	keep(dec, sizeof(dec), o, "decision_id");
	cr_assert_eq(strncmp(dec, "gordackfinalapproval-", 21), 0);
	cr_assert_str_eq(api_str(o, "decided_by"), ACTOR);
	cr_assert_str_eq(api_str(o, "approval_state"), "approved");
	cr_assert_str_eq(api_str(o, "readiness_state"), "ready");
	cr_assert_eq(strlen(api_str(o, "decision_hash")), 64);
	m = api_get(r.json, "metadata");
	cr_assert_str_eq(api_str(m, "metadata_kind"),
	    KIND("release-readiness-approval-decision"));
	cr_assert_eq(api_int(m, "blocked_count"), 0);
	cr_assert_str_eq(api_str(m, "external_ref"), "CHG-1");
	api_free(&r);

	/* The attachment to the release record. */
	snprintf(body, sizeof(body), "{\"release_record_ref\": \"%s\", "
	    "\"approval_decision_id\": \"%s\"}", ref, dec);
	flow_post_as(ACTOR, FR "release-record-attachment", body, 200, &r);
	o = api_get(r.json, "attachment");
	keep(att, sizeof(att), o, "attachment_id");
	cr_assert_str_eq(api_str(o, "attachment_state"), "attached");
	cr_assert_str_eq(api_str(o, "attached_by"), ACTOR);
	cr_assert_str_eq(api_str(o, "summary_id"), s2);
	cr_assert_str_eq(api_str(o, "runbook_export_id"), rb);
	cr_assert_eq(json_object_array_length(api_get(o,
	    "attached_evidence")), 4);
	cr_assert_eq(api_int(api_get(r.json, "metadata"), "decision_count"),
	    4);
	api_free(&r);

	/* The closure packet verification. */
	snprintf(path, sizeof(path), FR "release-closure-packet-verification?"
	    "release_record_ref=%s", ref);
	flow_get(path, 200, &r);
	o = api_get(r.json, "verification");
	cr_assert_str_eq(api_str(o, "verification_state"), "verified");
	cr_assert_str_eq(api_str(o, "alert_level"), "healthy");
	cr_assert_str_eq(api_str(o, "attachment_id"), att);
	cr_assert_str_eq(api_str(o, "approval_decision_id"), dec);
	cr_assert_str_eq(api_str(o, "runbook_export_id"), rb);
	cr_assert_eq(api_int(o, "passed_check_count"), 6);
	cr_assert(flow_stored(api_str(o, "verification_id")));
	api_free(&r);

	/* The auditor export. */
	snprintf(body, sizeof(body), "{\"release_record_ref\": \"%s\"}", ref);
	flow_post_as(ACTOR, FR "auditor-export", body, 200, &r);
	o = api_get(r.json, "export");
	cr_assert_str_eq(api_str(o, "verification_state"), "verified");
	cr_assert_str_eq(api_str(o, "release_record_ref"), ref);
	cr_assert_eq(api_int(o, "evidence_count"), 5);
	cr_assert_str_eq(api_str(api_get(r.json, "verification_metadata"),
	    "verification_state"), "verified");
	cr_assert(flow_stored(api_str(o, "export_id")));
	api_free(&r);

	/* Delivered to both connectors: linux fails. */
	snprintf(body, sizeof(body), "{\"release_record_ref\": \"%s\", "
	    "\"provider\": \"webhook,linux\", \"retries\": 0, "
	    "\"max_markdown_chars\": 5}", ref);
	flow_post_as(ACTOR, FR "auditor-export/deliver", body, 200, &r);
	cr_assert_eq(json_object_get_boolean(api_get(r.json, "success")), 0);
	keep(e2, sizeof(e2), api_get(r.json, "export"), "export_id");
	ev = api_get(r.json, "event");
	cr_assert_str_eq(api_str(ev, "event_id"), e2);
	cr_assert_eq(strlen(api_str(ev, "markdown")), 1000);
	cr_assert(json_object_get_boolean(api_get(ev, "markdown_truncated")));
	m = api_get(r.json, "metadata");
	cr_assert_str_eq(api_str(m, "connector_delivery_source"),
	    "go_backend_rollback_drill_acknowledgement_audit_final_"
	    "reporting_auditor_export");
	cr_assert_str_eq(api_str(m, "export_id"), e2);
	cr_assert_str_eq(api_str(m, "release_record_ref"), ref);
	cr_assert_eq(json_object_array_length(api_get(m, "failed_providers")),
	    1);
	cr_assert_str_eq(json_object_get_string(json_object_array_get_idx(
	    api_get(m, "failed_providers"), 0)), "linux");
	snprintf(path, sizeof(path), "\"export_id\":\"%s\"", e2);
	cr_assert_eq(flow_logged("ok", path), 1);
	cr_assert_eq(flow_logged("bad", path), 1);
	api_free(&r);

	/* The retry plan: one retry for linux. */
	flow_post_as(ACTOR, FR "auditor-export/delivery-retry-plan",
	    "{\"retry_policy\": "
	    "{\"allow_immediate_retry\": true}}", 200, &r);
	o = api_get(r.json, "plan");
	cr_assert_eq(api_int(o, "decision_count"), 1);
	cr_assert_eq(api_int(o, "retryable_count"), 1);
	m = json_object_array_get_idx(api_get(o, "retry_decisions"), 0);
	cr_assert_str_eq(api_str(m, "export_id"), e2);
	cr_assert_str_eq(api_str(m, "provider"), "linux");
	cr_assert_str_eq(api_str(m, "release_record_ref"), ref);
	cr_assert_str_eq(api_str(api_get(r.json, "metadata"), "metadata_kind"),
	    KIND("auditor-export-delivery-retry-plan"));
	api_free(&r);

	/* The worker: a dry run selects the retry and sends nothing; a
	 * live run redelivers to linux, which fails again. */
	flow_worker_dry(ACTOR, FR "auditor-export/delivery-retry-worker-run",
	    1, &r);
	cr_assert_str_eq(api_str(api_get(r.json, "metadata"), "metadata_kind"),
	    KIND("auditor-export-delivery-retry-worker-run"));
	cr_assert_eq(flow_logged("bad", path), 1);
	api_free(&r);
	m = flow_worker_live(ACTOR, FR "auditor-export/delivery-retry-worker-"
	    "run", &r);
	o = api_get(r.json, "run");
	cr_assert_eq(json_object_array_length(api_get(r.json,
	    "retry_results")), 1);
	cr_assert_str_eq(api_str(api_get(m, "delivery_metadata"),
	    "worker_run_id"), api_str(o, "run_id"));
	cr_assert_str_eq(api_str(api_get(m, "delivery_metadata"),
	    "export_id"), e2);
	cr_assert_str_eq(api_str(api_get(m, "execution_record"),
	    "execution_status"), "failed");
	cr_assert_str_eq(api_str(api_get(m, "execution_metadata"),
	    "metadata_kind"),
	    KIND("auditor-export-delivery-retry-execution-record"));
	cr_assert_str_eq(api_str(api_get(m, "execution_metadata"),
	    "worker_run_id"), api_str(o, "run_id"));
	cr_assert_eq(flow_logged("bad", path), 2);
	cr_assert_eq(flow_logged("ok", path), 1);
	api_free(&r);

	/* A blank archive_ref is refused; then the archive reference
	 * without a retention date. */
	snprintf(body, sizeof(body), "{\"release_record_ref\": \"%s\", "
	    "\"archive_ref\": \"  \"}", ref);
	flow_post_as(ACTOR, FR "immutable-archive-reference", body, 400, &r);
	flow_problem_is(&r, 400, "archive_ref is required");
	api_free(&r);
	snprintf(body, sizeof(body), "{\"release_record_ref\": \"%s\", "
	    "\"archive_ref\": \" s3://archive/%s \", \"archive_provider\": "
	    "\"S3-Object-Lock\"}", ref, u);
	flow_post_as(ACTOR, FR "immutable-archive-reference", body, 200, &r);
	o = api_get(r.json, "reference");
	keep(e3, sizeof(e3), o, "export_id");
	keep(hash, sizeof(hash), api_get(r.json, "export"), "export_hash");
	cr_assert_str_eq(api_str(o, "archive_hash"), hash);
	cr_assert_str_eq(api_str(o, "archive_provider"), "s3_object_lock");
	cr_assert_str_eq(api_str(o, "retention_until"), "");
	cr_assert_str_eq(api_str(o, "archived_by"), ACTOR);
	cr_assert_str_eq(api_str(api_get(r.json, "export_metadata"),
	    "session_id"), e3);
	api_free(&r);

	/* Health: three verified exports, two without a reference, one
	 * whose reference lacks a retention date. */
	flow_get(FR "archive-reference-health?persist=false", 200, &r);
	cr_assert_not(flow_stored(api_str(api_get(r.json, "health"),
	    "health_id")));
	api_free(&r);
	flow_get(FR "archive-reference-health", 200, &r);
	o = api_get(r.json, "health");
	cr_assert_str_eq(api_str(o, "alert_level"), "critical");
	cr_assert_eq(api_int(o, "checked_export_count"), 3);
	cr_assert_eq(api_int(o, "archived_export_count"), 1);
	cr_assert_eq(api_int(o, "missing_archive_reference_count"), 2);
	cr_assert_eq(api_int(o, "alert_count"), 3);
	cr_assert_eq(api_int(o, "critical_alert_count"), 2);
	cr_assert_eq(api_int(o, "warning_alert_count"), 1);
	cr_assert(flow_stored(api_str(o, "health_id")));
	api_free(&r);
	flow_get(FR "archive-reference-health?require_retention_until=false&"
	    "persist=false", 200, &r);
	cr_assert_eq(api_int(api_get(r.json, "health"), "warning_alert_count"),
	    0);
	api_free(&r);

	/* The alerts go to both connectors (linux fails); the health read
	 * for them is not stored. */
	flow_post_as(ACTOR, FR "archive-reference-health-alerts/deliver",
	    "{\"retries\": 0}",
	    200, &r);
	cr_assert_not(json_object_get_boolean(api_get(r.json, "success")));
	o = api_get(r.json, "health");
	keep(hid, sizeof(hid), o, "health_id");
	cr_assert_eq(api_int(o, "alert_count"), 3);
	cr_assert_str_eq(api_str(r.json, "event_id"), hid);
	o = api_get(r.json, "plan");
	keep(pid, sizeof(pid), o, "plan_id");
	cr_assert_eq(json_object_array_length(api_get(o,
	    "selected_providers")), 2);
	cr_assert_str_eq(api_str(api_get(r.json, "plan_metadata"),
	    "metadata_kind"), KIND("archive-reference-health-alert-plan"));
	m = api_get(r.json, "metadata");
	cr_assert_str_eq(api_str(m, "connector_delivery_source"),
	    "go_backend_rollback_drill_acknowledgement_audit_final_"
	    "reporting_archive_reference_health_alert");
	cr_assert_str_eq(api_str(m, "health_id"), hid);
	cr_assert_str_eq(api_str(m, "plan_id"), pid);
	cr_assert_not(flow_stored(hid));
	snprintf(path, sizeof(path), "\"health_id\":\"%s\"", hid);
	cr_assert_geq(flow_logged("ok", path), 1);
	cr_assert_geq(flow_logged("bad", path), 1);
	api_free(&r);

	/* The webhook acknowledges; linux stays outstanding. */
	snprintf(path, sizeof(path), FR "archive-reference-health-alerts/%s/"
	    "acknowledgements", hid);
	snprintf(body, sizeof(body), "{\"provider\": \"WebHook\", "
	    "\"acknowledged_by\": \"bob\", \"plan_id\": \"%s\"}", pid);
	flow_post_as(ACTOR, path, body, 200, &r);
	o = api_get(r.json, "acknowledgement");
	cr_assert_str_eq(api_str(o, "provider"), "webhook");
	cr_assert_str_eq(api_str(o, "acknowledged_by"), ACTOR);
	cr_assert_str_eq(api_str(o, "acknowledgement_state"), "acknowledged");
	cr_assert_str_eq(api_str(api_get(r.json, "metadata"), "metadata_kind"),
	    KIND("archive-reference-health-alert-ack"));
	api_free(&r);
	flow_post_as(ACTOR, path,
	    "{\"provider\": \"linux\", \"acknowledgement_state\": "
	    "\"later\"}", 400, &r);
	flow_problem_is(&r, 400, "acknowledgement_state must be one of: "
	    "acknowledged, dismissed, escalated, resolved");
	api_free(&r);

	/* History and dashboard. */
	snprintf(path, sizeof(path), FR "archive-reference-health-alerts?"
	    "health_id=%s", hid);
	flow_get(path, 200, &r);
	cr_assert_eq(api_int(r.json, "total"), 3);
	api_free(&r);
	snprintf(path, sizeof(path), FR "archive-reference-health-alerts?"
	    "health_id=%s&provider=linux", hid);
	flow_get(path, 200, &r);
	cr_assert_eq(api_int(r.json, "total"), 2);
	api_free(&r);
	snprintf(path, sizeof(path), FR "archive-reference-health-alerts?"
	    "health_id=%s&acknowledgement_state=Acknowledged", hid);
	flow_get(path, 200, &r);
	cr_assert_eq(api_int(r.json, "total"), 1);
	api_free(&r);
	flow_get(FR "archive-reference-health-alert-dashboard", 200, &r);
	cr_assert_str_eq(api_str(r.json, "alert_level"), "critical");
	cr_assert_eq(api_int(r.json, "plan_count"), 1);
	cr_assert_eq(api_int(r.json, "delivery_count"), 1);
	cr_assert_eq(api_int(r.json, "delivery_failed_count"), 1);
	cr_assert_eq(api_int(r.json, "delivery_success_count"), 0);
	cr_assert_eq(api_int(r.json, "acknowledgement_count"), 1);
	cr_assert_eq(api_int(r.json, "outstanding_acknowledgement_count"), 1);
	cr_assert_eq(api_int(r.json, "selected_provider_count"), 2);
	o = json_object_array_get_idx(api_get(r.json,
	    "outstanding_acknowledgements"), 0);
	cr_assert_str_eq(api_str(o, "provider"), "linux");
	api_free(&r);

	/* The closure dashboard shows what is open, and readiness is
	 * blocked again. */
	flow_get(FR "closure-dashboard", 200, &r);
	cr_assert_str_eq(api_str(r.json, "closure_state"), "open");
	cr_assert_eq(api_int(r.json, "open_item_count"), 2);
	o = api_get(r.json, "open_items");
	cr_assert_str_eq(json_object_get_string(json_object_array_get_idx(o,
	    0)), "final_archive_health_alert_delivery_failed");
	cr_assert_str_eq(json_object_get_string(json_object_array_get_idx(o,
	    1)), "final_archive_health_alert_acknowledgement_outstanding");
	o = api_get(r.json, "summary");
	cr_assert_eq(api_int(o, "final_archive_health_alert_plan_count"), 1);
	cr_assert_eq(api_int(o, "final_archive_health_alert_ack_count"), 1);
	cr_assert_eq(api_int(o, "final_archive_health_alert_delivery_failed_"
	    "count"), 1);
	cr_assert_eq(api_int(o, "executive_retry_health_alert_plan_count"), 0);
	cr_assert_eq(api_int(api_get(r.json, "final_archive_health_alert"),
	    "outstanding_acknowledgement_count"), 1);
	api_free(&r);
	flow_get(FR "release-readiness?persist=false", 200, &r);
	o = api_get(r.json, "summary");
	cr_assert_str_eq(api_str(o, "readiness_state"), "blocked");
	cr_assert_str_eq(api_str(check(o, "final_reporting_closure_state"),
	    "status"), "fail");
	cr_assert_eq(api_int(o, "open_item_count"), 2);
	api_free(&r);
}

/* ---- errors --------------------------------------------------------- */

/* Every POST needs a verified actor under RBAC. */
API_TEST(final, posts_need_an_actor)
{
	static const char *const paths[] = {
		FR "operator-runbook-export",
		FR "release-readiness/x/approval-decisions",
		FR "release-record-attachment",
		FR "auditor-export",
		FR "auditor-export/deliver",
		FR "auditor-export/delivery-retry-plan",
		FR "immutable-archive-reference",
		FR "archive-reference-health-alerts/x/acknowledgements",
	};
	struct api_resp	 r;
	size_t		 i;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		flow_post(paths[i], "{\"decided_by\": \"bob\", "
		    "\"attached_by\": \"bob\", \"release_record_ref\": \"x\", "
		    "\"provider\": \"webhook\", \"acknowledged_by\": \"bob\"}",
		    401, &r);
		api_assert_problem(&r, 401);
		api_free(&r);
	}
}

/* A decision names a stored readiness summary; its state is one of the
 * vocabulary. */
API_TEST(final, approval_errors)
{
	struct api_resp	 r;
	char		 u[96], id[160], path[512];

	api_uid(u, sizeof(u), "fr");
	flow_post_as(ACTOR, FR "release-readiness/gordackfinalready-none/"
	    "approval-decisions", "{}", 404, &r);
	flow_problem_is(&r, 404, "release readiness summary not found");
	api_free(&r);
	snprintf(id, sizeof(id), "gordackfinalready-%s", u);
	seed_summary(id, "blocked");
	snprintf(path, sizeof(path), FR "release-readiness/%s/"
	    "approval-decisions", id);
	flow_post_as(ACTOR, path, "{\"approval_state\": \"maybe\"}", 400, &r);
	flow_problem_is(&r, 400, "approval_state must be one of: approved, "
	    "denied, deferred, expired");
	api_free(&r);
	flow_post_as(ACTOR, path, "{\"override_blockers\": \"yes\"}", 400, &r);
	api_assert_problem(&r, 400);
	api_free(&r);
	flow_post_as(ACTOR, path, "{}", 400, &r);
	flow_problem_is(&r, 400, "blocked release readiness requires "
	    "override_blockers=true before approval");
	api_free(&r);
	flow_post_as(ACTOR, path,
	    "{\"override_blockers\": true, \"approval_state\": "
	    "\"Approved\"}", 200, &r);
	cr_assert(json_object_get_boolean(api_get(api_get(r.json, "decision"),
	    "override_blockers")));
	cr_assert_str_eq(api_str(api_get(r.json, "decision"),
	    "readiness_state"), "blocked");
	api_free(&r);
}

/* An attachment needs a release record and an approved decision. */
API_TEST(final, attachment_errors)
{
	struct api_resp	 r;

	flow_post_as(ACTOR, FR "release-record-attachment", "{}", 400, &r);
	flow_problem_is(&r, 400, "release_record_ref is required");
	api_free(&r);
	flow_post_as(ACTOR, FR "release-record-attachment",
	    "{\"release_record_ref\": "
	    "\"r\", \"approval_decision_id\": \"gordackfinalapproval-none\"}",
	    404, &r);
	flow_problem_is(&r, 404, "approved release readiness decision not "
	    "found");
	api_free(&r);
}

/* Without a verified closure packet there is nothing to deliver or
 * archive, and nothing is stored. */
API_TEST(final, unverified_export)
{
	struct api_resp	 r;
	char		 u[96], body[512];

	api_uid(u, sizeof(u), "fr");
	flow_get(FR
	    "release-closure-packet-verification?release_record_ref=none&"
	    "persist=false", 200, &r);
	cr_assert_str_eq(api_str(api_get(r.json, "verification"),
	    "verification_state"), "incomplete");
	cr_assert_str_eq(api_str(check(api_get(r.json, "verification"),
	    "release_record_attachment_present"), "status"), "fail");
	api_free(&r);
	snprintf(body, sizeof(body), "{\"release_record_ref\": \"none-%s\"}",
	    u);
	flow_post_as(ACTOR, FR "auditor-export/deliver", body, 400, &r);
	flow_problem_is(&r, 400, "auditor export delivery requires verified "
	    "closure packet evidence");
	api_free(&r);
	snprintf(body, sizeof(body), "{\"release_record_ref\": \"none-%s\", "
	    "\"archive_ref\": \"s3://a\"}", u);
	flow_post_as(ACTOR, FR "immutable-archive-reference", body, 400, &r);
	flow_problem_is(&r, 400, "immutable archive reference requires "
	    "verified closure packet evidence");
	api_free(&r);
	flow_get("/evidence?metadata_kind=" KIND("auditor-export") "&limit=500",
	    200, &r);
	cr_assert_null(strstr(r.body, u), "%s", r.body);
	api_free(&r);
}

/* Acknowledging an alert of a health reading no alert plan names is a
 * 404; query parameters are typed. */
API_TEST(final, alert_and_query_errors)
{
	struct api_resp	 r;

	flow_post_as(ACTOR,
	    FR "archive-reference-health-alerts/gordackfinalarchivehealth-"
	    "none/acknowledgements", "{\"provider\": \"webhook\"}", 404, &r);
	flow_problem_is(&r, 404, "archive reference health alert not found");
	api_free(&r);
	api_req("GET", FR "release-readiness?persist=maybe", NULL, NULL, &r);
	cr_assert(r.status == 400 || r.status == 422, "%s", r.body);
	api_free(&r);
	api_req("GET", FR "archive-reference-health?require_archive_hash=2",
	    NULL, NULL, &r);
	cr_assert(r.status == 400 || r.status == 422, "%s", r.body);
	api_free(&r);
}
