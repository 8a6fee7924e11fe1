/*
 * cavra-runtime's closeout end of final reporting (fcgi/runtime_closeout.c)
 * through the real stack, on both store backends.  The earlier
 * final-reporting records (readiness approval, release record
 * attachment, closure packet verification, auditor export, archive
 * reference and health) are seeded through POST /evidence, one release
 * record per test so that tests running side by side do not meet.
 *
 * The stacks run with repository RBAC (tests/data/test_runtime_closeout.env):
 * POSTs carry actor_claims, whose actor is recorded; a POST without one
 * is a 401.  Their connector config sends webhook to the receiver "ok"
 * (200) and linux to "bad" (500, always): both stacks share the
 * receivers, so deliveries are recognised in their logs by summary id.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cv_arena.h"
#include "cv_crypto.h"
#include "cv_json.h"
#include "flow.h"
#include "harness.h"

#define FR	"/runtime/go-pilot/rollback-drill-notifications/" \
		"acknowledgements/audit-delivery/final-reporting-"
#define FRK(x)	GBRD_AAD "final-reporting-" x
#define SRC_C9	"go_backend_rollback_drill_acknowledgement_audit_" \
		"final_reporting_release_closeout"
#define SRC_C10	"go_backend_rollback_drill_acknowledgement_audit_" \
		"final_reporting_closeout_retention_health_alert"
#define ACTOR	"ana@example.com"

/* Stores record `fields` (members without braces) of kind under id. */
static void
seed(const char *id, const char *kind, const char *fields)
{
	char	 body[2048], at[64];

	flow_stamp(at, sizeof(at), -120);
	snprintf(body, sizeof(body), "{\"session_id\": \"%s\", \"created_at\": "
	    "\"%s\", \"metadata_kind\": \"%s\", %s}", id, at, kind, fields);
	flow_seed(body);
}

/* The final-reporting records a readiness bundle needs, all but the
 * approval, for release ref (ids suffixed u). */
static void
seed_final(const char *u, const char *ref)
{
	char	 id[160], f[1024];

	snprintf(id, sizeof(id), "att-%s", u);
	snprintf(f, sizeof(f), "\"attachment_id\": \"%s\", "
	    "\"attachment_state\": \"attached\", \"release_record_ref\": "
	    "\"%s\"", id, ref);
	seed(id, FRK("release-record-attachment"), f);
	snprintf(id, sizeof(id), "ver-%s", u);
	snprintf(f, sizeof(f), "\"verification_id\": \"%s\", "
	    "\"verification_state\": \"verified\", \"release_record_ref\": "
	    "\"%s\"", id, ref);
	seed(id, FRK("release-closure-packet-verification"), f);
	snprintf(id, sizeof(id), "exp-%s", u);
	snprintf(f, sizeof(f), "\"export_id\": \"%s\", \"release_record_ref\": "
	    "\"%s\"", id, ref);
	seed(id, FRK("auditor-export"), f);
	snprintf(id, sizeof(id), "arc-%s", u);
	snprintf(f, sizeof(f), "\"reference_id\": \"%s\", \"archive_ref\": "
	    "\"s3://archive/%s\", \"archive_provider\": \"s3_object_lock\", "
	    "\"archive_hash\": \"abc\", \"export_id\": \"exp-%s\", "
	    "\"retention_until\": \"2030-01-01T00:00:00+00:00\", "
	    "\"legal_hold\": true, \"release_record_ref\": \"%s\"", id, u, u,
	    ref);
	seed(id, FRK("immutable-archive-reference"), f);
	snprintf(id, sizeof(id), "arh-%s", u);
	snprintf(f, sizeof(f), "\"health_id\": \"%s\", \"alert_level\": "
	    "\"healthy\", \"release_record_ref\": \"%s\"", id, ref);
	seed(id, FRK("archive-reference-health"), f);
}

/* An approved readiness decision for ref. */
static void
seed_approval(const char *u, const char *ref)
{
	char	 id[160], f[512];

	snprintf(id, sizeof(id), "apr-%s", u);
	snprintf(f, sizeof(f), "\"decision_id\": \"%s\", \"approval_state\": "
	    "\"approved\", \"release_record_ref\": \"%s\"", id, ref);
	seed(id, FRK("release-readiness-approval-decision"), f);
}

/* The decision row of summary_id and provider in a retry plan. */
static struct json_object *
retry_row(struct json_object *plan, const char *sid, const char *prov)
{
	return flow_find(plan, "retry_decisions", "summary_id", sid,
	    "provider", prov);
}

/* The worker result whose decision is for summary sid. */
static struct json_object *
result_of(struct json_object *results, const char *sid)
{
	struct json_object	*x;
	size_t			 i;

	for (i = 0; i < json_object_array_length(results); i++) {
		x = json_object_array_get_idx(results, i);
		if (strcmp(api_str(api_get(x, "decision"), "summary_id"),
		    sid) ==
		    0 && strcmp(api_str(api_get(x, "decision"), "provider"),
		    "linux") == 0)
			return x;
	}
	cr_assert_fail("no retry result for %s", sid);
	return NULL;
}

/*
 * The chain of one release record: bundle incomplete then ready,
 * manifest without then with a signature, summary open then closed (and
 * not stored with persist=false), delivery refused while open and, once
 * closed, delivered to webhook (ok) and linux (failing), the retry plan
 * with the body as its policy, retention review, decisions (denied,
 * then approved on `latest`), the artifact bundle whose file digests
 * are checked, and the retention health counted exactly.
 */
API_TEST(closeout, chain)
{
	struct api_resp		 r;
	struct json_object	*o, *b, *files, *f, *d;
	struct cv_arena		 a;
	const char		*text;
	char			 u[96], ref[128], path[512], body[2048],
				 sid[128], rid[128], bid[128], mid[128],
				 until[64], run[128], hid[128];
	size_t			 i;

	api_uid(u, sizeof(u), "co");
	snprintf(ref, sizeof(ref), "CHG-%s", u);
	seed_approval(u, ref);

	/* readiness bundle: only the approval so far */
	snprintf(body, sizeof(body), "{\"release_record_ref\": \"%s\"}", ref);
	flow_post_as(ACTOR, FR "readiness-bundle", body, 200, &r);
	b = api_get(r.json, "bundle");
	cr_assert_str_eq(api_str(b, "closeout_state"), "incomplete");
	o = api_get(b, "blockers");
	cr_assert_eq(json_object_array_length(o), 5, "%s", r.body);
	cr_assert(!flow_has(o, "approved_readiness_decision"));
	cr_assert(flow_has(o, "release_record_attachment"));
	cr_assert(flow_has(o, "verified_closure_packet"));
	cr_assert(flow_has(o, "auditor_export"));
	cr_assert(flow_has(o, "immutable_archive_reference"));
	cr_assert(flow_has(o, "archive_reference_health"));
	cr_assert_eq(api_int(b, "evidence_count"), 1);
	cr_assert_str_eq(api_str(b, "approval_state"), "approved");
	o = api_get(r.json, "metadata");
	cr_assert_str_eq(api_str(o, "metadata_kind"), FRK("readiness-bundle"));
	cr_assert_eq(api_int(o, "blocked_count"), 5);
	cr_assert_str_eq(api_str(api_get(r.json, "actor"), "actor"), ACTOR);
	api_free(&r);

	/* every record present: ready */
	seed_final(u, ref);
	flow_post_as(ACTOR, FR "readiness-bundle", body, 200, &r);
	b = api_get(r.json, "bundle");
	cr_assert_str_eq(api_str(b, "closeout_state"), "ready_for_closeout",
	    "%s", r.body);
	cr_assert_eq(json_object_array_length(api_get(b, "blockers")), 0);
	cr_assert_eq(api_int(b, "evidence_count"), 6);
	cr_assert_eq(api_int(b, "archive_object_count"), 1);
	snprintf(path, sizeof(path), "s3://archive/%s", u);
	cr_assert_str_eq(api_str(json_object_array_get_idx(api_get(b,
	    "archive_objects"), 0), "archive_ref"), path);
	cr_assert_eq(strncmp(api_str(b, "bundle_id"), "gordackfinalbundle-",
	    19), 0);
	cr_assert_eq(strlen(api_str(b, "bundle_hash")), 64);
	cr_assert_str_eq(api_str(b, "release_record_ref"), ref);
	api_free(&r);

	/* manifest without a signature: required */
	flow_post_as(ACTOR, FR "signed-archive-manifest", body, 200, &r);
	o = api_get(r.json, "manifest");
	cr_assert_str_eq(api_str(o, "signature_state"),
	    "external_signature_required");
	cr_assert_str_eq(api_str(o, "signed_by"), ACTOR);
	cr_assert_eq(api_int(o, "archive_object_count"), 1);
	cr_assert_eq(api_int(api_get(r.json, "metadata"), "blocked_count"),
	    1);
	cr_assert_str_eq(api_str(api_get(r.json, "bundle_metadata"),
	    "closeout_state"), "ready_for_closeout");
	api_free(&r);

	snprintf(path, sizeof(path), FR "release-closeout-summary?"
	    "release_record_ref=%s", ref);
	flow_get(path, 200, &r);
	o = api_get(r.json, "summary");
	cr_assert_str_eq(api_str(o, "closeout_state"), "open");
	cr_assert_eq(api_int(o, "blocker_count"), 1, "%s", r.body);
	cr_assert(flow_has(api_get(o, "blockers"),
	    "archive_manifest_external_signature_missing"));
	cr_assert(flow_stored(api_str(o, "summary_id")));
	api_free(&r);

	/* an open summary is not delivered */
	snprintf(body, sizeof(body), "{\"release_record_ref\": \"%s\", "
	    "\"provider\": \"webhook\"}", ref);
	flow_post_as(ACTOR, FR "release-closeout-summary/deliver", body, 400,
	    &r);
	api_assert_problem(&r, 400);
	cr_assert_str_eq(api_str(r.json, "detail"), "release closeout "
	    "delivery requires a closed closeout summary");
	api_free(&r);

	/* manifest with the external signature: attached, then closed */
	snprintf(body, sizeof(body), "{\"release_record_ref\": \"%s\", "
	    "\"signature\": \"kms-sig-%s\", \"signature_key_id\": \"k1\"}",
	    ref, u);
	flow_post_as(ACTOR, FR "signed-archive-manifest", body, 200, &r);
	o = api_get(r.json, "manifest");
	cr_assert_str_eq(api_str(o, "signature_state"),
	    "external_signature_attached");
	cr_assert_str_eq(api_str(o, "signature_algorithm"),
	    "external-kms-or-private-signing-service");
	snprintf(mid, sizeof(mid), "%s", api_str(o, "manifest_id"));
	snprintf(bid, sizeof(bid), "%s", api_str(o, "bundle_id"));
	cr_assert_eq(api_int(api_get(r.json, "metadata"), "blocked_count"),
	    0);
	api_free(&r);

	snprintf(path, sizeof(path), FR "release-closeout-summary?"
	    "release_record_ref=%s&persist=false&generated_by=auditor", ref);
	flow_get(path, 200, &r);
	o = api_get(r.json, "summary");
	cr_assert_str_eq(api_str(o, "closeout_state"), "closed", "%s", r.body);
	cr_assert_eq(api_int(o, "blocker_count"), 0);
	cr_assert_str_eq(api_str(o, "manifest_id"), mid);
	cr_assert_str_eq(api_str(o, "bundle_id"), bid);
	cr_assert_str_eq(api_str(o, "generated_by"), "auditor");
	cr_assert(!flow_stored(api_str(o, "summary_id")));
	api_free(&r);

	/* delivery: webhook answers 200, linux 500 */
	snprintf(body, sizeof(body), "{\"release_record_ref\": \"%s\", "
	    "\"provider\": \"webhook,linux\", \"retries\": 0}", ref);
	flow_post_as(ACTOR, FR "release-closeout-summary/deliver", body, 200,
	    &r);
	cr_assert(!json_object_get_boolean(api_get(r.json, "success")));
	o = api_get(r.json, "metadata");
	cr_assert_str_eq(api_str(o, "metadata_kind"),
	    "release-connector-delivery");
	cr_assert_str_eq(api_str(o, "connector_delivery_source"), SRC_C9);
	cr_assert_str_eq(api_str(o, "release_record_ref"), ref);
	cr_assert_str_eq(api_str(o, "manifest_id"), mid);
	cr_assert(flow_has(api_get(o, "failed_providers"), "linux"));
	cr_assert(!flow_has(api_get(o, "failed_providers"), "webhook"));
	snprintf(sid, sizeof(sid), "%s", api_str(o, "summary_id"));
	cr_assert_str_eq(api_str(o, "event_id"), sid);
	cr_assert_str_eq(api_str(api_get(r.json, "event_metadata"),
	    "metadata_kind"), FRK("release-closeout-delivery"));
	cr_assert(flow_stored(sid));
	api_free(&r);
	cr_assert(flow_logged("ok", sid));
	cr_assert(flow_logged("bad", sid));

	/* retry plan: the body itself is the policy */
	flow_post_as(ACTOR, FR "release-closeout-summary/delivery-retry-plan",
	    "{\"allow_immediate_retry\": true}", 200, &r);
	d = retry_row(api_get(r.json, "plan"), sid, "linux");
	cr_assert_not_null(d, "%s", r.body);
	cr_assert_str_eq(api_str(d, "action"), "retry");
	cr_assert_str_eq(api_str(d, "release_record_ref"), ref);
	cr_assert_null(retry_row(api_get(r.json, "plan"), sid, "webhook"));
	cr_assert_str_eq(api_str(api_get(r.json, "metadata"),
	    "metadata_kind"), FRK("release-closeout-delivery-retry-plan"));
	api_free(&r);
	flow_post_as(ACTOR, FR "release-closeout-summary/delivery-retry-plan",
	    "{\"retry_policy\": {\"retry_delay_minutes\": 600}}", 200, &r);
	cr_assert_str_eq(api_str(retry_row(api_get(r.json, "plan"), sid,
	    "linux"), "action"), "wait");
	api_free(&r);

	/* worker: a dry run selects the linux retry and sends nothing */
	flow_post_as(ACTOR,
	    FR "release-closeout-summary/delivery-retry-worker-run",
	    "{\"retry_policy\": {\"allow_immediate_retry\": true}}", 200,
	    &r);
	cr_assert(json_object_get_boolean(api_get(api_get(r.json, "run"),
	    "dry_run")));
	o = result_of(api_get(r.json, "retry_results"), sid);
	cr_assert_str_eq(api_str(o, "skipped"), "dry_run", "%s", r.body);
	cr_assert(!json_object_object_get_ex(o, "execution_record", NULL));
	cr_assert_str_eq(api_str(api_get(o, "parent"), "closeout_state"),
	    "closed");
	cr_assert_str_eq(api_str(api_get(r.json, "metadata"),
	    "metadata_kind"),
	    FRK("release-closeout-delivery-retry-worker-run"));
	api_free(&r);

	/* a live run redelivers to linux, which fails again */
	flow_post_as(ACTOR,
	    FR "release-closeout-summary/delivery-retry-worker-run",
	    "{\"execute\": true, \"retries\": 0, \"retry_policy\": "
	    "{\"allow_immediate_retry\": true}}", 200, &r);
	snprintf(run, sizeof(run), "%s", api_str(api_get(r.json, "run"),
	    "run_id"));
	o = result_of(api_get(r.json, "retry_results"), sid);
	cr_assert_str_eq(api_str(o, "skipped"), "", "%s", r.body);
	d = api_get(o, "execution_record");
	cr_assert_str_eq(api_str(d, "execution_status"), "failed");
	cr_assert_eq(strncmp(api_str(d, "execution_id"),
	    "gordackfinalcloseoutexec-", 25), 0);
	d = api_get(o, "delivery_metadata");
	cr_assert_str_eq(api_str(d, "worker_run_id"), run);
	cr_assert_str_eq(api_str(d, "connector_delivery_source"), SRC_C9);
	cr_assert_str_eq(api_str(d, "release_record_ref"), ref);
	cr_assert(flow_has(api_get(d, "failed_providers"), "linux"));
	cr_assert(flow_logged("bad", api_str(d, "summary_id")));
	cr_assert(!flow_logged("ok", api_str(d, "summary_id")));
	api_free(&r);

	/* retention review and decisions */
	flow_stamp(until, sizeof(until), 10 * 86400);
	snprintf(body, sizeof(body), "{\"release_record_ref\": \"%s\", "
	    "\"retention_until\": \"%s\", \"legal_hold\": true, "
	    "\"review_reason\": \"audit\"}", ref, until);
	flow_post_as(ACTOR, FR "closeout-retention-review", body, 200, &r);
	o = api_get(r.json, "request");
	snprintf(rid, sizeof(rid), "%s", api_str(o, "review_id"));
	cr_assert_str_eq(api_str(o, "requested_by"), ACTOR);
	cr_assert_str_eq(api_str(o, "retention_until"), until);
	cr_assert_str_eq(api_str(api_get(r.json, "summary"), "closeout_state"),
	    "closed");
	cr_assert_str_eq(api_str(api_get(r.json, "metadata"),
	    "metadata_kind"), FRK("closeout-retention-review-request"));
	api_free(&r);

	snprintf(body, sizeof(body), "{\"release_record_ref\": \"%s\"}", ref);
	flow_post_as(ACTOR, FR "closeout-artifact-bundle", body, 400, &r);
	cr_assert_str_eq(api_str(r.json, "detail"), "closeout artifact "
	    "bundle requires an approved retention review decision");
	api_free(&r);
	snprintf(path, sizeof(path), FR "closeout-retention-review/%s/"
	    "decisions", rid);
	flow_post_as(ACTOR, path,
	    "{\"decision\": \"Denied\", \"decided_by\": \"x\"}", 200,
	    &r);
	o = api_get(r.json, "decision");
	cr_assert_str_eq(api_str(o, "decision_state"), "denied");
	cr_assert_str_eq(api_str(o, "decided_by"), ACTOR);
	cr_assert_str_eq(api_str(o, "review_id"), rid);
	cr_assert_eq(api_int(api_get(r.json, "metadata"), "blocked_count"),
	    1);
	api_free(&r);
	snprintf(body, sizeof(body), "{\"release_record_ref\": \"%s\"}", ref);
	flow_post_as(ACTOR, FR "closeout-artifact-bundle", body, 400, &r);
	api_free(&r);
	flow_post_as(ACTOR, FR "closeout-retention-review/latest/decisions",
	    "{\"decision_state\": \"approved\", \"external_ref\": "
	    "\"GRC-1\"}", 200, &r);
	o = api_get(r.json, "decision");
	cr_assert_str_eq(api_str(o, "review_id"), rid);
	cr_assert_str_eq(api_str(o, "decision_state"), "approved");
	cr_assert_str_eq(api_str(o, "release_record_ref"), ref);
	cr_assert_str_eq(api_str(api_get(r.json, "request"), "review_id"),
	    rid);
	api_free(&r);

	/* the artifact bundle: three files whose digests match */
	flow_post_as(ACTOR, FR "closeout-artifact-bundle", body, 200, &r);
	o = api_get(r.json, "artifact_bundle");
	files = api_get(o, "files");
	cr_assert_eq(json_object_array_length(files), 3);
	cr_assert_eq(api_int(o, "file_count"), 3);
	cr_assert_str_eq(api_str(o, "retention_review_id"), rid);
	cr_assert_str_eq(api_str(o, "retention_decision_state"), "approved");
	cr_assert_str_eq(api_str(o, "closeout_state"), "closed");
	cv_arena_init(&a);
	for (i = 0; i < 3; i++) {
		f = json_object_array_get_idx(files, i);
		text = cv_json_canonical(&a, api_get(f, "content"));
		cr_assert_str_eq(api_str(f, "sha256"), cv_sha256_hex(&a, text,
		    strlen(text)), "%s", api_str(f, "name"));
		cr_assert_eq(api_int(f, "size_bytes"), (long long)strlen(text));
	}
	cv_arena_free(&a);
	f = json_object_array_get_idx(files, 0);
	cr_assert_str_eq(api_str(f, "name"), "release-closeout-summary.json");
	cr_assert_str_eq(api_str(api_get(f, "content"), "closeout_state"),
	    "closed");
	f = json_object_array_get_idx(files, 1);
	cr_assert_str_eq(api_str(f, "name"), "readiness-bundle.json");
	cr_assert_str_eq(api_str(api_get(f, "content"), "bundle_id"), bid);
	f = json_object_array_get_idx(files, 2);
	cr_assert_str_eq(api_str(f, "name"), "signed-archive-manifest.json");
	cr_assert_str_eq(api_str(api_get(f, "content"), "manifest_id"), mid);
	cr_assert_str_eq(api_str(api_get(r.json, "metadata"),
	    "metadata_kind"), FRK("closeout-artifact-bundle"));
	api_free(&r);

	/* retention health: expiring within 30 days, linux not redelivered */
	flow_get(FR "closeout-retention-health?expiry_warning_days=30", 200,
	    &r);
	o = api_get(r.json, "health");
	cr_assert_str_eq(api_str(o, "alert_level"), "critical", "%s", r.body);
	cr_assert_eq(api_int(o, "checked_bundle_count"), 1);
	cr_assert_eq(api_int(o, "expiring_bundle_count"), 1);
	cr_assert_eq(api_int(o, "expired_bundle_count"), 0);
	cr_assert_eq(api_int(o, "missing_retention_approval_count"), 0);
	cr_assert_eq(api_int(o, "failed_closeout_delivery_count"), 2);
	cr_assert_eq(api_int(o, "unrecovered_closeout_delivery_count"), 2);
	cr_assert_eq(api_int(o, "alert_count"), 3);
	cr_assert_eq(api_int(o, "critical_alert_count"), 2);
	cr_assert(flow_stored(api_str(o, "health_id")));
	api_free(&r);
	flow_get(FR
	    "closeout-retention-health?expiry_warning_days=5&persist=false",
	    200, &r);
	o = api_get(r.json, "health");
	cr_assert_eq(api_int(o, "expiring_bundle_count"), 0);
	cr_assert_eq(api_int(o, "retained_bundle_count"), 1);
	cr_assert_eq(api_int(o, "alert_count"), 2);
	cr_assert(!flow_stored(api_str(o, "health_id")));
	api_free(&r);

	/* health alerts: to webhook by default; the health is stored */
	flow_post_as(ACTOR, FR "closeout-retention-health-alerts/deliver",
	    "{\"expiry_warning_days\": 30, \"retries\": 0}", 200, &r);
	o = api_get(r.json, "health");
	snprintf(hid, sizeof(hid), "%s", api_str(o, "health_id"));
	cr_assert_eq(api_int(o, "alert_count"), 3);
	cr_assert_str_eq(api_str(api_get(r.json, "health_metadata"),
	    "session_id"), hid);
	cr_assert(flow_stored(hid));
	o = api_get(r.json, "plan");
	cr_assert_eq(json_object_array_length(api_get(o,
	    "selected_providers")), 1);
	cr_assert(flow_has(api_get(o, "selected_providers"), "webhook"));
	cr_assert_str_eq(api_str(api_get(r.json, "plan_metadata"),
	    "metadata_kind"), FRK("closeout-retention-health-alert-plan"));
	cr_assert_eq(api_int(api_get(r.json, "event"), "alert_count"), 3);
	cr_assert(json_object_get_boolean(api_get(r.json, "success")));
	o = api_get(r.json, "metadata");
	cr_assert_str_eq(api_str(o, "connector_delivery_source"), SRC_C10);
	cr_assert_str_eq(api_str(o, "health_id"), hid);
	cr_assert_str_eq(api_str(o, "plan_id"), api_str(api_get(r.json,
	    "plan"), "plan_id"));
	api_free(&r);
	cr_assert(flow_logged("ok", hid));
	flow_post_as(ACTOR, FR "closeout-retention-health-alerts/deliver",
	    "{\"delivery_provider\": \"Linux\", \"retries\": 0}", 200, &r);
	cr_assert(!json_object_get_boolean(api_get(r.json, "success")));
	cr_assert(flow_has(api_get(api_get(r.json, "metadata"),
	    "failed_providers"), "linux"));
	api_free(&r);
}

/* Refusals: 401 without an actor, 404 for an unknown review, 400 for a
 * bad state, timestamp, type, an open summary, and every route a POST
 * of the wrong type of body. */
API_TEST(closeout, refusals)
{
	struct api_resp	 r;
	char		 u[96], body[512];
	char		*auth;

	api_uid(u, sizeof(u), "cr");
	flow_post(FR "readiness-bundle", "{}", 401, &r);
	api_assert_problem(&r, 401);
	auth = api_header(&r, "WWW-Authenticate");
	cr_assert(auth != NULL && strncmp(auth, "Bearer", 6) == 0);
	free(auth);
	api_free(&r);
	flow_post(FR "closeout-retention-review/latest/decisions", "{}", 401,
	    &r);
	api_free(&r);
	flow_post(FR "release-closeout-summary/delivery-retry-plan", "{}", 401,
	    &r);
	api_free(&r);

	snprintf(body, sizeof(body), FR "closeout-retention-review/none-%s/"
	    "decisions", u);
	flow_post_as(ACTOR, body, "{}", 404, &r);
	api_assert_problem(&r, 404);
	cr_assert_str_eq(api_str(r.json, "detail"), "retention review request "
	    "not found");
	api_free(&r);
	flow_post_as(ACTOR, FR "closeout-retention-review/latest/decisions",
	    "{\"decision\": \"approve\"}", 400, &r);
	cr_assert_str_eq(api_str(r.json, "detail"), "decision_state must be "
	    "one of: approved, denied, deferred, expired");
	api_free(&r);

	/* a release with nothing closed */
	snprintf(body, sizeof(body), "{\"release_record_ref\": \"NONE-%s\"}",
	    u);
	flow_post_as(ACTOR, FR "closeout-retention-review", body, 400, &r);
	cr_assert_str_eq(api_str(r.json, "detail"), "closeout retention "
	    "review requires a closed closeout summary");
	api_free(&r);
	flow_post_as(ACTOR, FR "closeout-artifact-bundle", body, 400, &r);
	api_free(&r);
	snprintf(body, sizeof(body), "{\"release_record_ref\": \"NONE-%s\", "
	    "\"retention_until\": \"next year\"}", u);
	flow_post_as(ACTOR, FR "closeout-retention-review", body, 400, &r);
	cr_assert_str_eq(api_str(r.json, "detail"), "retention_until must be "
	    "an ISO 8601 timestamp");
	api_free(&r);
	flow_post_as(ACTOR, FR "signed-archive-manifest", "{\"signature\": 7}",
	    400, &r);
	cr_assert_str_eq(api_str(r.json, "detail"), "signature must be a "
	    "string");
	api_free(&r);
	flow_post_as(ACTOR, FR "release-closeout-summary/deliver",
	    "{\"provider\": \"jira\"}",
	    400, &r);
	api_free(&r);
	flow_post_as(ACTOR, FR "release-closeout-summary/delivery-retry-plan",
	    "{\"retry_policy\": []}", 400, &r);
	api_free(&r);
	flow_post_as(ACTOR, FR "release-closeout-summary/delivery-retry-plan",
	    "{\"max_retries\": \"x\"}", 400, &r);
	api_free(&r);
	flow_get(FR "closeout-retention-health?expiry_warning_days=-1", 400,
	    &r);
	api_free(&r);
	flow_get(FR "release-closeout-summary?persist=maybe", 422, &r);
	api_free(&r);
	flow_post_as(ACTOR, FR "closeout-retention-health-alerts/deliver",
	    "{\"provider\": \"jira\", \"force\": true}", 400, &r);
	api_free(&r);
	flow_post_as(ACTOR, FR "closeout-retention-health-alerts/deliver",
	    "{\"force\": \"yes\"}", 400, &r);
	api_free(&r);
	flow_post_as(ACTOR,
	    FR "release-closeout-summary/delivery-retry-worker-run",
	    "{\"execute\": 1}", 400, &r);
	api_free(&r);

	/* an open summary of a release with no records at all */
	snprintf(body, sizeof(body), FR "release-closeout-summary?"
	    "release_record_ref=NONE-%s", u);
	flow_get(body, 200, &r);
	cr_assert_str_eq(api_str(api_get(r.json, "summary"), "closeout_state"),
	    "open");
	cr_assert(flow_has(api_get(api_get(r.json, "summary"), "blockers"),
	    "readiness_bundle_missing"));
	cr_assert(flow_has(api_get(api_get(r.json, "summary"), "blockers"),
	    "archive_manifest_missing"));
	api_free(&r);
}
