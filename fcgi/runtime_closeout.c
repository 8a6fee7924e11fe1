/*
 * cavra-runtime: the closeout end of go-pilot final reporting
 * (workflows.md §8 rows 70-80, §10.9, §13.2): the readiness bundle, the
 * externally signed archive manifest, the release closeout summary and
 * its delivery (chain C9) with retries, the retention review request
 * and decision, the closeout artifact bundle, and the closeout
 * retention health with its alerts (chain C10).
 *
 * The earlier final-reporting records (readiness summary, approval
 * decision, release record attachment, closure packet verification,
 * auditor export, archive reference, archive health) are written by
 * fcgi/runtime_final.c; this file only reads them from the store by
 * their metadata_kind (§7.1).
 *
 * The reference's builders of the delivery, retention and artifact
 * bundle slice were not read (§15, "unverified internals"): where
 * api.py is silent, the id prefixes, payload fields and the health's
 * alerts below are chosen to match the rest of §7.1; each such choice
 * says so where it is made.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "cavra.h"
#include "cv_crypto.h"
#include "cv_wfstep.h"

#include "runtime.h"

#define FR	"/runtime/go-pilot/rollback-drill-notifications/" \
		"acknowledgements/audit-delivery/final-reporting-"
#define FRK(x)	GBRD_AAD "final-reporting-" x
#define FRS(x)	"cavra.go-backend-pilot.rollback-drill-final-reporting-" \
		x ".v1"

/* Connector delivery sources (§6). */
#define SRC_FINAL	"go_backend_rollback_drill_acknowledgement_audit_" \
			"final_reporting"
#define SRC_C9		SRC_FINAL "_release_closeout"
#define SRC_C10		SRC_FINAL "_closeout_retention_health_alert"

/* Kinds of fcgi/runtime_final.c read here (§7.1). */
#define K_READINESS	FRK("release-readiness-summary")
#define K_APPROVAL	FRK("release-readiness-approval-decision")
#define K_ATTACHMENT	FRK("release-record-attachment")
#define K_VERIFICATION	FRK("release-closure-packet-verification")
#define K_EXPORT	FRK("auditor-export")
#define K_ARCHIVE	FRK("immutable-archive-reference")
#define K_ARCHIVE_HEALTH FRK("archive-reference-health")
#define K_ARCHIVE_ACK	FRK("archive-reference-health-alert-ack")

/* The final-reporting kinds a readiness bundle indexes. */
static const char *const final_kinds[] = {
	K_READINESS,
	FRK("operator-runbook-export"),
	K_APPROVAL,
	K_ATTACHMENT,
	K_VERIFICATION,
	K_EXPORT,
	FRK("auditor-export-delivery-retry-plan"),
	FRK("auditor-export-delivery-retry-worker-run"),
	FRK("auditor-export-delivery-retry-execution-record"),
	K_ARCHIVE,
	K_ARCHIVE_HEALTH,
	FRK("archive-reference-health-alert-plan"),
	K_ARCHIVE_ACK,
	NULL
};

/* ---- kinds written here --------------------------------------------- */

static const struct cv_wf_kind k_bundle = {
	FRK("readiness-bundle"), "bundle_id", "gordackfinalbundle",
	"final_reporting_readiness_bundle", FRS("readiness-bundle")
};
static const struct cv_wf_kind k_manifest = {
	FRK("signed-archive-manifest"), "manifest_id", "gordackfinalmanifest",
	"final_reporting_signed_archive_manifest",
	FRS("signed-archive-manifest")
};
static const struct cv_wf_kind k_summary = {
	FRK("release-closeout-summary"), "summary_id", "gordackfinalcloseout",
	"final_reporting_release_closeout_summary",
	FRS("release-closeout-summary")
};
/* The closeout delivery event as its own record: the reference stores
 * "event metadata" under an unread builder; id field, prefix and
 * payload key chosen here after the other final-reporting kinds. */
static const struct cv_wf_kind k_delivery = {
	FRK("release-closeout-delivery"), "delivery_id",
	"gordackfinalcloseoutdelivery",
	"final_reporting_release_closeout_delivery",
	FRS("release-closeout-delivery-event")
};
/* Payload keys of the review request and decision are api.py's; the id
 * prefixes are chosen here. */
static const struct cv_wf_kind k_review = {
	FRK("closeout-retention-review-request"), "review_id",
	"gordackfinalretentionreview",
	"final_reporting_closeout_retention_review_request",
	FRS("closeout-retention-review-request")
};
static const struct cv_wf_kind k_decision = {
	FRK("closeout-retention-review-decision"), "decision_id",
	"gordackfinalretentiondecision",
	"final_reporting_closeout_retention_review_decision",
	FRS("closeout-retention-review-decision")
};
static const struct cv_wf_kind k_artifact = {
	FRK("closeout-artifact-bundle"), "artifact_bundle_id",
	"gordackfinalartifact", "final_reporting_closeout_artifact_bundle",
	FRS("closeout-artifact-bundle")
};
static const struct cv_wf_kind k_health = {
	FRK("closeout-retention-health"), "health_id",
	"gordackfinalretentionhealth", "final_reporting_closeout_retention_health",
	FRS("closeout-retention-health")
};

/* C9: closeout summary deliveries, grouped for retries by summary and
 * release record (§6 guesses so; the prefixes follow C7's). */
static const struct cv_wf_chain c9 = {
	.name = "C9",
	.src = SRC_C9,
	.keys = { { "summary_id", { "event_id", "session_id" } },
	    { "release_record_ref", { NULL, NULL } } },
	.retry = { FRK("release-closeout-delivery-retry-plan"),
	    "retry_plan_id", "gordackfinalcloseoutretry",
	    "final_reporting_release_closeout_delivery_retry_plan",
	    FRS("release-closeout-delivery-retry-plan") },
	.worker = { FRK("release-closeout-delivery-retry-worker-run"),
	    "run_id", "gordackfinalcloseoutworker",
	    "final_reporting_release_closeout_delivery_retry_worker_run",
	    FRS("release-closeout-delivery-retry-worker-run") },
	.exec = { FRK("release-closeout-delivery-retry-execution-record"),
	    "execution_id", "gordackfinalcloseoutexec",
	    "final_reporting_release_closeout_delivery_retry_execution_record",
	    FRS("release-closeout-delivery-retry-execution-record") },
	.gate = NULL,
	.retry_delay = 15,
	.worker_interval = 60,
	.health_interval = 30,
	.health_stale = 120,
	.exec_ref = "go-rollback-drill-final-closeout-retry-worker",
};

/* C10: closeout retention health alerts (no acknowledgement route). */
static const struct cv_wf_alert c10 = {
	.name = "C10",
	.src = SRC_C10,
	.plan = { FRK("closeout-retention-health-alert-plan"), "plan_id",
	    "gordackfinalretentionalert",
	    "final_reporting_closeout_retention_health_alert_plan",
	    FRS("closeout-retention-health-alert-plan") },
	.ack = { FRK("closeout-retention-health-alert-ack"),
	    "acknowledgement_id", "gordackfinalretentionack",
	    "acknowledgement",
	    FRS("closeout-retention-health-alert-acknowledgement") },
	.health_prefix = "gordackfinalretentionhealth",
	.event_type = "cavra.go_backend.rollback_drill.final_reporting."
	    "closeout_retention_health_alert",
	.event_schema = FRS("closeout-retention-health-alert"),
};

static const char *const retention_states[] = { "approved", "denied",
	"deferred", "expired", NULL };
static const char *const retention_done[] = { "approved", NULL };
/* The seed names the acts approve/deny/defer/expire; the stored word
 * (and the one the artifact bundle looks for) is the past tense. */
static const struct cv_wf_vocab retention_vocab = {
	"decision_state", retention_states, "approved", retention_done
};

static const char *const bundle_index[] = { "bundle_id", "bundle_hash",
	"release_record_ref", "closeout_state", "readiness_state",
	"verification_state", "archive_object_count", "evidence_count",
	NULL };
static const char *const manifest_index[] = { "manifest_id",
	"manifest_hash", "signature_state", "signature_key_id",
	"release_record_ref", "bundle_id", "bundle_hash",
	"archive_object_count", NULL };
static const char *const summary_index[] = { "summary_id", "summary_hash",
	"closeout_state", "alert_level", "release_record_ref", "bundle_id",
	"manifest_id", "signature_state", "archive_object_count",
	"blocker_count", NULL };
static const char *const delivery_index[] = { "delivery_id", "event_type",
	"summary_id", "bundle_id", "manifest_id", "release_record_ref",
	"closeout_state", NULL };
static const char *const review_index[] = { "review_id", "review_hash",
	"review_state", "summary_id", "release_record_ref", "retention_until",
	"legal_hold", NULL };
static const char *const decision_index[] = { "decision_id",
	"decision_hash", "review_id", "summary_id", "release_record_ref",
	"decision_state", "retention_until", "legal_hold", "external_ref",
	NULL };
static const char *const artifact_index[] = { "artifact_bundle_id",
	"artifact_bundle_hash", "release_record_ref", "closeout_state",
	"summary_id", "bundle_id", "manifest_id", "retention_review_id",
	"retention_decision_id", "retention_until", "legal_hold",
	"file_count", NULL };
static const char *const health_index[] = { "health_id", "alert_level",
	"alert_count", "critical_alert_count", "warning_alert_count",
	"expiring_bundle_count", "expired_bundle_count",
	"failed_closeout_delivery_count", NULL };

static const char *const bundle_controls[] = {
	"readiness bundle is derived from public-safe final reporting "
	    "metadata",
	"bundle holds references and redacted metadata only",
	"bundle stores no archive credentials or private endpoints",
	"bundle is hash-addressed for release closeout review",
	NULL
};
static const char *const manifest_controls[] = {
	"archive manifest is derived from public-safe archive references",
	"the server holds no private signing key and verifies no signature",
	"the signature is attached by an external KMS or private release "
	    "service",
	"manifest hash covers the bundle and its archive object references",
	NULL
};
static const char *const summary_controls[] = {
	"closeout summary is derived from the readiness bundle and the "
	    "archive manifest",
	"closeout requires an external archive manifest signature",
	"summary holds no private signing key or archive credential",
	"the closed state is evidence-based and repeatable",
	NULL
};
static const char *const delivery_controls[] = {
	"closeout delivery event holds public-safe closeout evidence only",
	"connector credentials and private destinations stay out of "
	    "records",
	NULL
};
static const char *const retention_controls[] = {
	"retention review records review and decision states only",
	"archive deletion and legal hold enforcement stay with the operator "
	    "or enterprise archive tooling",
	NULL
};
static const char *const artifact_controls[] = {
	"artifact bundle holds the closeout summary, readiness bundle and "
	    "signed manifest as JSON with their SHA-256 digests",
	"bundle excludes private signing keys, archive credentials, customer "
	    "payloads and connector secrets",
	"artifact bundle requires an approved retention review decision",
	"no archive deletion or legal hold is enforced by the bundle",
	NULL
};
static const char *const health_controls[] = {
	"retention health is derived from public-safe artifact bundle, "
	    "retention decision and delivery metadata",
	"retention health performs no archive writes or deletions",
	NULL
};
static const char *const health_actions[] = {
	"approve a retention review before building closeout artifact "
	    "bundles",
	"record retention_until on every retention review request",
	"renew or re-review retention before bundles expire",
	"retry failed closeout deliveries with the closeout retry worker",
	NULL
};

/* ---- helpers -------------------------------------------------------- */

/* A string member or "" (the members of stored records). */
static const char *
str(struct json_object *o, const char *key)
{
	return cv_json_str_or(o, key, "");
}

/* The length of arr, 0 when it is not an array. */
static size_t
alen(struct json_object *arr)
{
	return json_object_is_type(arr, json_type_array) ?
	    json_object_array_length(arr) : 0;
}

/*
 * The release record a stored record names: its release_record_ref,
 * else its external_ref, else those of a member object (its payload).
 * Borrowed; "" when none.
 */
static const char *
item_ref(struct json_object *item)
{
	const char	*v;

	if (*(v = str(item, "release_record_ref")) != '\0' ||
	    *(v = str(item, "external_ref")) != '\0')
		return v;
	json_object_object_foreach(item, key, val) {
		(void)key;
		if (!json_object_is_type(val, json_type_object))
			continue;
		if (*(v = str(val, "release_record_ref")) != '\0' ||
		    *(v = str(val, "external_ref")) != '\0')
			return v;
	}
	return "";
}

/* Whether a record belongs to release ref (none given: every record;
 * a record naming no release belongs to every release). */
static int
ref_admits(struct json_object *item, const char *ref)
{
	const char	*r;

	if (ref == NULL || *ref == '\0')
		return 1;
	r = item_ref(item);
	return *r == '\0' || strcmp(r, ref) == 0;
}

/* The first record of kind in items (newest first), or NULL; borrowed. */
static struct json_object *
first_of(struct json_object *items, const char *kind)
{
	struct json_object	*r;
	size_t			 i;

	for (i = 0; i < json_object_array_length(items); i++) {
		r = json_object_array_get_idx(items, i);
		if (strcmp(str(r, "metadata_kind"), kind) == 0)
			return r;
	}
	return NULL;
}

/* qsort context of order_cmp: the arena of the request sorting. */
static __thread struct cv_arena *order_arena;

static int
order_cmp(const void *a, const void *b)
{
	struct json_object *const *x = a, *const *y = b;

	return cv_store_order_cmp(order_arena, &cv_store_evidence.colls[0],
	    (struct json_object *)*x, (struct json_object *)*y);
}

/*
 * The records of kinds (NULL-terminated) and the RCDs whose source
 * starts with src_prefix (NULL: none) that release ref admits, in store
 * order (newest first, id ties), into *out (new).  Fails with the
 * problem set.  Candidate for lib/wfstep.c: load_step_kinds() there
 * does the same for a step's kinds and exact sources.
 */
static enum cv_err
load_kinds(struct cv_wf_ctx *ctx, const char *const *kinds,
    const char *src_prefix, const char *ref, struct json_object **out)
{
	struct json_object	*all, *part = NULL, *r;
	const char *const	*k;
	size_t			 i;
	enum cv_err		 rc = CV_OK;

	all = json_object_new_array();
	for (k = kinds; *k != NULL; k++) {
		if ((rc = cv_wf_load(ctx, *k, &part)) != CV_OK)
			goto out;
		for (i = 0; i < json_object_array_length(part); i++) {
			r = json_object_array_get_idx(part, i);
			if (ref_admits(r, ref))
				json_object_array_add(all, json_object_get(r));
		}
		json_object_put(part);
		part = NULL;
	}
	if (src_prefix != NULL) {
		if ((rc = cv_wf_load(ctx, CV_WF_RCD_KIND, &part)) != CV_OK)
			goto out;
		for (i = 0; i < json_object_array_length(part); i++) {
			r = json_object_array_get_idx(part, i);
			if (strncmp(str(r, "connector_delivery_source"),
			    src_prefix, strlen(src_prefix)) == 0 &&
			    ref_admits(r, ref))
				json_object_array_add(all, json_object_get(r));
		}
	}
	order_arena = ctx->req->arena;
	json_object_array_sort(all, order_cmp);
out:
	json_object_put(part);
	if (rc != CV_OK)
		json_object_put(all);
	else
		*out = all;
	return rc;
}

/* The first non-empty string member of keys (NULL-terminated) in o. */
static const char *
first_str(struct json_object *o, const char *const *keys)
{
	for (; *keys != NULL; keys++)
		if (*str(o, *keys) != '\0')
			return str(o, *keys);
	return "";
}

static int
strp_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A new array of the n strings of v, sorted, each once. */
static struct json_object *
unique_sorted(const char **v, size_t n)
{
	struct json_object	*arr = json_object_new_array();
	size_t			 i;

	qsort(v, n, sizeof(*v), strp_cmp);
	for (i = 0; i < n; i++)
		if (i == 0 || strcmp(v[i], v[i - 1]) != 0)
			json_object_array_add(arr, json_object_new_string(
			    v[i]));
	return arr;
}

/* The body's release_record_ref (POST) or query's (GET); NULL if none. */
static enum cv_err
release_ref(struct cv_wf_ctx *ctx, const char **ref)
{
	enum cv_err	 rc;

	if ((rc = cv_wf_param_str(ctx, "release_record_ref", ref)) != CV_OK)
		return rc;
	if (*ref != NULL && **ref == '\0')
		*ref = NULL;
	return CV_OK;
}

/* A GET's acting name: its generated_by query parameter. */
static void
query_by(struct cv_wf_ctx *ctx)
{
	const char	*by;

	if (ctx->req->route->method == CV_GET &&
	    (by = cv_query(ctx->req, "generated_by")) != NULL && *by != '\0')
		ctx->by = by;
}

/* The queued record id (borrowed), or NULL. */
static struct json_object *
queued(struct cv_wf_ctx *ctx, const char *id)
{
	struct json_object	*q;
	size_t			 i;

	for (i = 0; i < json_object_array_length(ctx->queue); i++) {
		q = json_object_array_get_idx(ctx->queue, i);
		if (strcmp(str(q, "session_id"), id) == 0)
			return q;
	}
	return NULL;
}

/* ---- readiness bundle ----------------------------------------------- */

/*
 * The readiness bundle (§10.9) over the final-reporting records and
 * final-reporting deliveries of release ref (NULL: every release), as
 * of ctx.now: its evidence index, archive objects and the blockers that
 * keep it from ready_for_closeout.  *out (new) is the payload.
 */
static enum cv_err
readiness_bundle(struct cv_wf_ctx *ctx, const char *ref,
    struct json_object **out)
{
	static const char *const ev_keys[] = { "export_id", "reference_id",
		"health_id", "plan_id", "acknowledgement_id", "session_id",
		NULL };
	struct cv_arena		*a = ctx->req->arena;
	struct json_object	*items = NULL, *b, *idx, *objs, *row, *r,
				*readiness, *approval, *attach, *verify, *exp,
				*health, *blockers, *m, *refs, *sec;
	const char		*id, *hash, *rel, *lvl;
	size_t			 i, nexport = 0, nack = 0;
	int			 archived = 0, ready;
	enum cv_err		 rc;

	*out = NULL;
	if ((rc = load_kinds(ctx, final_kinds, SRC_FINAL, ref, &items)) !=
	    CV_OK)
		return rc;
	readiness = first_of(items, K_READINESS);
	approval = first_of(items, K_APPROVAL);
	attach = first_of(items, K_ATTACHMENT);
	verify = first_of(items, K_VERIFICATION);
	exp = first_of(items, K_EXPORT);
	health = first_of(items, K_ARCHIVE_HEALTH);
	idx = json_object_new_array();
	objs = json_object_new_array();
	for (i = 0; i < json_object_array_length(items); i++) {
		r = json_object_array_get_idx(items, i);
		row = json_object_new_object();
		cv_json_copy_keys(row, r, "metadata_kind", "session_id",
		    "created_at", "signer", NULL);
		cv_json_add_str(row, "release_record_ref", item_ref(r));
		cv_json_add_str(row, "evidence_ref", first_str(r, ev_keys));
		json_object_array_add(idx, row);
		if (strcmp(str(r, "metadata_kind"), K_EXPORT) == 0)
			nexport++;
		if (strcmp(str(r, "metadata_kind"), K_ARCHIVE_ACK) == 0)
			nack++;
		if (strcmp(str(r, "metadata_kind"), K_ARCHIVE) != 0)
			continue;
		archived = 1;
		row = json_object_new_object();
		cv_json_copy_keys(row, r, "reference_id", "archive_ref",
		    "archive_provider", "archive_hash", "export_id",
		    "verification_id", "retention_until", NULL);
		cv_json_add_bool(row, "legal_hold", cv_json_truthy(
		    json_object_object_get(r, "legal_hold")));
		json_object_object_add(row, "created_at",
		    cv_json_ref(r, "created_at"));
		json_object_array_add(objs, row);
	}
	blockers = json_object_new_array();
	if (strcmp(str(approval, "approval_state"), "approved") != 0)
		json_object_array_add(blockers, json_object_new_string(
		    "approved_readiness_decision"));
	if (strcmp(str(attach, "attachment_state"), "attached") != 0)
		json_object_array_add(blockers, json_object_new_string(
		    "release_record_attachment"));
	if (strcmp(str(verify, "verification_state"), "verified") != 0)
		json_object_array_add(blockers, json_object_new_string(
		    "verified_closure_packet"));
	if (*str(exp, "export_id") == '\0')
		json_object_array_add(blockers, json_object_new_string(
		    "auditor_export"));
	if (!archived)
		json_object_array_add(blockers, json_object_new_string(
		    "immutable_archive_reference"));
	lvl = str(health, "alert_level");
	if (*str(health, "health_id") == '\0' || (strcmp(lvl, "healthy") !=
	    0 && strcmp(lvl, "warning") != 0 && !archived))
		json_object_array_add(blockers, json_object_new_string(
		    "archive_reference_health"));
	ready = json_object_array_length(blockers) == 0;
	rel = ref != NULL ? ref : str(attach, "release_record_ref");

	m = json_object_new_object();
	cv_json_add_str(m, "generated_at", ctx->now);
	cv_json_add_str(m, "release_record_ref", rel);
	json_object_object_add(m, "evidence_index", json_object_get(idx));
	json_object_object_add(m, "archive_objects", json_object_get(objs));
	cv_json_add_str(m, "closeout_state", ready ? "ready_for_closeout" :
	    "incomplete");
	id = cv_wf_id(a, k_bundle.prefix, m, &hash);
	json_object_put(m);

	b = json_object_new_object();
	cv_json_add_str(b, "schema_version", k_bundle.schema);
	cv_json_add_str(b, "product", CV_PRODUCT);
	cv_json_add_str(b, "bundle_id", id);
	cv_json_add_str(b, "bundle_hash", hash);
	cv_json_add_str(b, "generated_at", ctx->now);
	cv_json_add_str(b, "generated_by", ctx->by);
	cv_json_add_str(b, "release_record_ref", rel);
	cv_json_add_str(b, "closeout_state", ready ? "ready_for_closeout" :
	    "incomplete");
	cv_json_add_str(b, "readiness_state", readiness != NULL ?
	    cv_json_str_or(readiness, "readiness_state", "unknown") :
	    "unknown");
	cv_json_add_str(b, "verification_state", verify != NULL ?
	    cv_json_str_or(verify, "verification_state", "unknown") :
	    "unknown");
	cv_json_add_str(b, "approval_state", approval != NULL ?
	    cv_json_str_or(approval, "approval_state", "unknown") :
	    "unknown");
	cv_json_add_str(b, "archive_health", health != NULL ?
	    cv_json_str_or(health, "alert_level", "unknown") : "unknown");
	json_object_object_add(b, "blockers", blockers);
	cv_json_add_int(b, "evidence_count", (int64_t)
	    json_object_array_length(idx));
	cv_json_add_int(b, "archive_object_count", (int64_t)
	    json_object_array_length(objs));
	json_object_object_add(b, "archive_objects", objs);
	json_object_object_add(b, "evidence_index", idx);
	sec = json_object_new_object();
	cv_json_add_int(sec, "auditor_export_count", (int64_t)nexport);
	cv_json_add_int(sec, "archive_reference_count", (int64_t)
	    json_object_array_length(objs));
	cv_json_add_int(sec, "archive_health_alert_ack_count", (int64_t)nack);
	json_object_object_add(b, "section_counts", sec);
	refs = json_object_new_array();
	json_object_array_add(refs, json_object_new_string(cv_arena_printf(a,
	    "go-rollback-drill-final-readiness-bundle://%s", id)));
	for (i = 0; i < json_object_array_length(idx); i++) {
		row = json_object_array_get_idx(idx, i);
		if (*str(row, "evidence_ref") != '\0')
			json_object_array_add(refs, json_object_new_string(
			    cv_arena_printf(a,
			    "go-rollback-drill-final-evidence://%s",
			    str(row, "evidence_ref"))));
	}
	json_object_object_add(b, "public_evidence_refs", refs);
	cv_json_add_strv(b, "controls", bundle_controls);
	json_object_put(items);
	*out = b;
	return CV_OK;
}

/* Queues the record of readiness bundle b; returned borrowed. */
static struct json_object *
keep_bundle(struct cv_wf_ctx *ctx, struct json_object *b)
{
	return cv_wf_keep(ctx, &k_bundle, b, json_object_get_int64(
	    json_object_object_get(b, "evidence_count")),
	    (int64_t)alen(json_object_object_get(b,
	    "blockers")), 0, bundle_index);
}

/*
 * POST FR-readiness-bundle: the readiness bundle of body
 * release_record_ref, stored.  Answers {bundle, metadata}.
 */
static enum cv_err
build_bundle(struct cv_wf_ctx *ctx, struct json_object **answer)
{
	struct json_object	*b;
	const char		*ref;
	enum cv_err		 rc;

	if ((rc = release_ref(ctx, &ref)) != CV_OK ||
	    (rc = readiness_bundle(ctx, ref, &b)) != CV_OK)
		return rc;
	*answer = cv_wf_answer("bundle", b, keep_bundle(ctx, b));
	json_object_put(b);
	return CV_OK;
}

/*
 * POST FR-signed-archive-manifest (§13.2): a fresh readiness bundle
 * (stored) and its archive manifest with the caller's external
 * signature stored as given, never verified: signature_state
 * external_signature_attached when a signature is given, else
 * external_signature_required.  Answers {manifest, metadata, bundle,
 * bundle_metadata}.  400 for a member of the wrong type.
 */
static enum cv_err
build_manifest(struct cv_wf_ctx *ctx, struct json_object **answer)
{
	struct cv_arena		*a = ctx->req->arena;
	struct json_object	*b = NULL, *mf, *m, *brec, *rec, *refs;
	const char		*ref, *sig, *kid, *alg, *id, *hash;
	int			 signed_;
	enum cv_err		 rc;

	if ((rc = release_ref(ctx, &ref)) != CV_OK ||
	    (rc = cv_wf_str(ctx, "signature", &sig)) != CV_OK ||
	    (rc = cv_wf_str(ctx, "signature_key_id", &kid)) != CV_OK ||
	    (rc = cv_wf_str(ctx, "signature_algorithm", &alg)) != CV_OK ||
	    (rc = readiness_bundle(ctx, ref, &b)) != CV_OK)
		return rc;
	brec = keep_bundle(ctx, b);
	signed_ = sig != NULL && *sig != '\0';
	m = json_object_new_object();
	cv_json_add_str(m, "generated_at", ctx->now);
	cv_json_add_str(m, "bundle_id", str(b, "bundle_id"));
	cv_json_add_str(m, "bundle_hash", str(b, "bundle_hash"));
	cv_json_add_str(m, "release_record_ref", str(b,
	    "release_record_ref"));
	json_object_object_add(m, "archive_objects",
	    cv_json_ref(b, "archive_objects"));
	id = cv_wf_id(a, k_manifest.prefix, m, &hash);
	json_object_put(m);
	mf = json_object_new_object();
	cv_json_add_str(mf, "schema_version", k_manifest.schema);
	cv_json_add_str(mf, "product", CV_PRODUCT);
	cv_json_add_str(mf, "manifest_id", id);
	cv_json_add_str(mf, "manifest_hash", hash);
	cv_json_add_str(mf, "generated_at", ctx->now);
	cv_json_add_str(mf, "signed_by", ctx->by);
	cv_json_add_str(mf, "signature_state", signed_ ?
	    "external_signature_attached" : "external_signature_required");
	cv_json_add_str(mf, "signature", signed_ ? sig : "");
	cv_json_add_str(mf, "signature_key_id", kid != NULL ? kid : "");
	cv_json_add_str(mf, "signature_algorithm", alg != NULL && *alg !=
	    '\0' ? alg : "external-kms-or-private-signing-service");
	cv_json_add_str(mf, "release_record_ref", str(b,
	    "release_record_ref"));
	cv_json_add_str(mf, "bundle_id", str(b, "bundle_id"));
	cv_json_add_str(mf, "bundle_hash", str(b, "bundle_hash"));
	cv_json_copy_keys(mf, b, "archive_object_count", "archive_objects",
	    NULL);
	refs = json_object_new_array();
	json_object_array_add(refs, json_object_new_string(cv_arena_printf(a,
	    "go-rollback-drill-final-readiness-bundle://%s",
	    str(b, "bundle_id"))));
	json_object_array_add(refs, json_object_new_string(cv_arena_printf(a,
	    "go-rollback-drill-final-archive-manifest://%s", id)));
	json_object_object_add(mf, "public_evidence_refs", refs);
	cv_json_add_strv(mf, "controls", manifest_controls);
	rec = cv_wf_keep(ctx, &k_manifest, mf, json_object_get_int64(
	    json_object_object_get(mf, "archive_object_count")), !signed_,
	    !signed_, manifest_index);
	*answer = cv_wf_answer("manifest", mf, rec);
	json_object_object_add(*answer, "bundle", b);
	json_object_object_add(*answer, "bundle_metadata",
	    json_object_get(brec));
	json_object_put(mf);
	return CV_OK;
}

/* ---- closeout summary ----------------------------------------------- */

/*
 * The release closeout summary of release ref (NULL: any) from the
 * newest readiness bundle and archive manifest it admits: closed when
 * nothing blocks it.  *out (new) is the payload.
 */
static enum cv_err
closeout_summary(struct cv_wf_ctx *ctx, const char *ref,
    struct json_object **out)
{
	static const char *const kinds[] = { FRK("readiness-bundle"),
		FRK("signed-archive-manifest"), NULL };
	struct cv_arena		*a = ctx->req->arena;
	struct json_object	*items = NULL, *b, *mf, *s, *m, *bl, *x, *refs;
	const char		**v, *id, *hash, *state;
	size_t			 n = 0, i, cap;
	int64_t			 objs;
	enum cv_err		 rc;

	*out = NULL;
	if ((rc = load_kinds(ctx, kinds, NULL, ref, &items)) != CV_OK)
		return rc;
	b = cv_wf_payload(first_of(items, k_bundle.kind), k_bundle.payload_key);
	mf = cv_wf_payload(first_of(items, k_manifest.kind),
	    k_manifest.payload_key);
	bl = json_object_object_get(b, "blockers");
	cap = 5 + alen(bl);
	v = cv_arena_alloc(a, cap * sizeof(*v));
	if (*str(b, "bundle_id") == '\0')
		v[n++] = "readiness_bundle_missing";
	if (strcmp(str(b, "closeout_state"), "ready_for_closeout") != 0) {
		if (alen(bl) > 0) {
			for (i = 0; i < alen(bl); i++) {
				x = json_object_array_get_idx(bl, i);
				if (json_object_is_type(x, json_type_string) &&
				    *json_object_get_string(x) != '\0')
					v[n++] = json_object_get_string(x);
			}
		} else
			v[n++] = "readiness_bundle_not_ready";
	}
	objs = json_object_get_int64(json_object_object_get(mf,
	    "archive_object_count"));
	if (*str(mf, "manifest_id") == '\0')
		v[n++] = "archive_manifest_missing";
	if (objs == 0)
		v[n++] = "archive_manifest_has_no_archive_objects";
	if (strcmp(str(mf, "signature_state"), "external_signature_attached") !=
	    0)
		v[n++] = "archive_manifest_external_signature_missing";
	bl = unique_sorted(v, n);
	state = json_object_array_length(bl) == 0 ? "closed" : "open";

	m = json_object_new_object();
	cv_json_add_str(m, "generated_at", ctx->now);
	cv_json_add_str(m, "bundle_id", str(b, "bundle_id"));
	cv_json_add_str(m, "manifest_id", str(mf, "manifest_id"));
	json_object_object_add(m, "blockers", json_object_get(bl));
	cv_json_add_str(m, "closeout_state", state);
	id = cv_wf_id(a, k_summary.prefix, m, &hash);
	json_object_put(m);

	s = json_object_new_object();
	cv_json_add_str(s, "schema_version", k_summary.schema);
	cv_json_add_str(s, "product", CV_PRODUCT);
	cv_json_add_str(s, "summary_id", id);
	cv_json_add_str(s, "summary_hash", hash);
	cv_json_add_str(s, "generated_at", ctx->now);
	cv_json_add_str(s, "generated_by", ctx->by);
	cv_json_add_str(s, "release_record_ref", ref != NULL ? ref :
	    *str(b, "release_record_ref") != '\0' ?
	    str(b, "release_record_ref") : str(mf, "release_record_ref"));
	cv_json_add_str(s, "closeout_state", state);
	cv_json_add_str(s, "alert_level", *state == 'c' ? "healthy" :
	    "critical");
	cv_json_add_int(s, "blocker_count", (int64_t)
	    json_object_array_length(bl));
	json_object_object_add(s, "blockers", bl);
	cv_json_add_str(s, "bundle_id", str(b, "bundle_id"));
	cv_json_add_str(s, "bundle_hash", str(b, "bundle_hash"));
	cv_json_add_str(s, "manifest_id", str(mf, "manifest_id"));
	cv_json_add_str(s, "manifest_hash", str(mf, "manifest_hash"));
	cv_json_add_str(s, "signature_state", cv_json_str_or(mf,
	    "signature_state", "missing"));
	cv_json_add_int(s, "archive_object_count", objs);
	cv_json_add_int(s, "evidence_count", json_object_get_int64(
	    json_object_object_get(b, "evidence_count")));
	x = json_object_new_object();
	cv_json_add_str(x, "status", *state == 'c' ? "final reporting is "
	    "closed" : "final reporting remains open");
	cv_json_add_str(x, "reason", *state == 'c' ? "readiness bundle, "
	    "archive manifest and external signature are present" : "one or "
	    "more final reporting closeout controls are incomplete");
	json_object_object_add(s, "executive_summary", x);
	refs = json_object_new_array();
	if (*str(b, "bundle_id") != '\0')
		json_object_array_add(refs, json_object_new_string(
		    cv_arena_printf(a, "go-rollback-drill-final-readiness-"
		    "bundle://%s", str(b, "bundle_id"))));
	if (*str(mf, "manifest_id") != '\0')
		json_object_array_add(refs, json_object_new_string(
		    cv_arena_printf(a, "go-rollback-drill-final-archive-"
		    "manifest://%s", str(mf, "manifest_id"))));
	json_object_array_add(refs, json_object_new_string(cv_arena_printf(a,
	    "go-rollback-drill-final-closeout-summary://%s", id)));
	json_object_object_add(s, "public_evidence_refs", refs);
	cv_json_add_strv(s, "controls", summary_controls);
	json_object_put(items);
	*out = s;
	return CV_OK;
}

/* Queues the record of closeout summary s; returned borrowed. */
static struct json_object *
keep_summary(struct cv_wf_ctx *ctx, struct json_object *s)
{
	return cv_wf_keep(ctx, &k_summary, s, json_object_get_int64(
	    json_object_object_get(s, "evidence_count")),
	    json_object_get_int64(json_object_object_get(s, "blocker_count")),
	    strcmp(str(s, "closeout_state"), "closed") != 0, summary_index);
}

static int
closed(struct json_object *s)
{
	return strcmp(str(s, "closeout_state"), "closed") == 0;
}

/*
 * GET FR-release-closeout-summary: the summary of query
 * release_record_ref, stored unless persist=false.  Answers {summary,
 * metadata}.
 */
static enum cv_err
build_summary(struct cv_wf_ctx *ctx, struct json_object **answer)
{
	struct json_object	*s;
	const char		*ref;
	enum cv_err		 rc;

	query_by(ctx);
	if ((rc = release_ref(ctx, &ref)) != CV_OK ||
	    (rc = closeout_summary(ctx, ref, &s)) != CV_OK)
		return rc;
	*answer = cv_wf_answer("summary", s, keep_summary(ctx, s));
	json_object_put(s);
	return CV_OK;
}

/* ---- closeout delivery (C9) ----------------------------------------- */

/*
 * The delivery event of closed summary s: its ids, counts, executive
 * summary, public refs and a markdown text cut to max_chars
 * (summary_truncated then true).  The reference's event builder was not
 * read: the member names follow the auditor export delivery event
 * (§10.9).  New.
 */
static struct json_object *
closeout_event(struct cv_wf_ctx *ctx, struct json_object *s,
    int64_t max_chars)
{
	struct cv_arena		*a = ctx->req->arena;
	struct json_object	*e, *m, *bl;
	const char		*md;
	size_t			 i;

	bl = json_object_object_get(s, "blockers");
	md = cv_arena_printf(a, "# CAVRA Rollback Drill Release Closeout "
	    "Summary\n\n- Summary: %s\n- Release record: %s\n- Closeout "
	    "state: %s\n- Readiness bundle: %s\n- Archive manifest: %s\n"
	    "- Signature state: %s\n- Archive objects: %lld\n- Evidence "
	    "records: %lld\n\n## Blockers\n", str(s, "summary_id"),
	    str(s, "release_record_ref"), str(s, "closeout_state"),
	    str(s, "bundle_id"), str(s, "manifest_id"),
	    str(s, "signature_state"), (long long)json_object_get_int64(
	    json_object_object_get(s, "archive_object_count")),
	    (long long)json_object_get_int64(json_object_object_get(s,
	    "evidence_count")));
	for (i = 0; i < alen(bl); i++)
		md = cv_arena_printf(a, "%s- %s\n", md,
		    json_object_get_string(json_object_array_get_idx(bl, i)));
	if (alen(bl) == 0)
		md = cv_arena_printf(a, "%s- none\n", md);

	m = json_object_new_object();
	cv_json_add_str(m, "summary_id", str(s, "summary_id"));
	cv_json_add_str(m, "generated_at", ctx->now);
	cv_json_add_str(m, "generated_by", ctx->by);
	e = json_object_new_object();
	cv_json_add_str(e, "schema_version", k_delivery.schema);
	cv_json_add_str(e, "product", CV_PRODUCT);
	cv_json_add_str(e, "event_type", "cavra.go_backend.rollback_drill."
	    "final_reporting.release_closeout");
	cv_json_add_str(e, "delivery_id", cv_wf_id(a, k_delivery.prefix, m,
	    NULL));
	json_object_put(m);
	cv_json_add_str(e, "session_id", str(s, "summary_id"));
	cv_json_add_str(e, "summary_id", str(s, "summary_id"));
	cv_json_add_str(e, "bundle_id", str(s, "bundle_id"));
	cv_json_add_str(e, "manifest_id", str(s, "manifest_id"));
	cv_json_add_str(e, "release_record_ref", str(s,
	    "release_record_ref"));
	cv_json_add_str(e, "generated_at", ctx->now);
	cv_json_add_str(e, "generated_by", ctx->by);
	cv_json_add_str(e, "closeout_state", str(s, "closeout_state"));
	json_object_object_add(e, "alert_level", cv_json_ref(s, "alert_level"));
	cv_json_add_str(e, "max_severity", closed(s) ? "low" : "high");
	cv_json_copy_keys(e, s, "signature_state", "archive_object_count",
	    "evidence_count", "blockers", "executive_summary",
	    "public_evidence_refs", NULL);
	cv_json_add_int(e, "max_summary_chars", max_chars);
	cv_json_add_bool(e, "summary_truncated", strlen(md) >
	    (size_t)max_chars);
	json_object_object_add(e, "summary_markdown",
	    json_object_new_string_len(md, strlen(md) > (size_t)max_chars ?
	    (int)max_chars : (int)strlen(md)));
	cv_json_add_strv(e, "controls", delivery_controls);
	return e;
}

/* The RCD linking fields of summary s (§6 C9); new. */
static struct json_object *
closeout_links(struct json_object *s)
{
	struct json_object	*l = json_object_new_object();

	cv_json_add_str(l, "summary_id", str(s, "summary_id"));
	cv_json_add_str(l, "bundle_id", str(s, "bundle_id"));
	cv_json_add_str(l, "manifest_id", str(s, "manifest_id"));
	cv_json_add_str(l, "release_record_ref", str(s,
	    "release_record_ref"));
	return l;
}

/* The body's max_summary_chars, clamped. */
static enum cv_err
summary_chars(struct cv_wf_ctx *ctx, int64_t *n)
{
	enum cv_err	 rc;

	if ((rc = cv_wf_int(ctx, "max_summary_chars",
	    CV_WF_SUMMARY_CHARS_DEFAULT, INT64_MIN, INT64_MAX, n)) != CV_OK)
		return rc;
	if (*n < CV_WF_SUMMARY_CHARS_MIN)
		*n = CV_WF_SUMMARY_CHARS_MIN;
	if (*n > CV_WF_SUMMARY_CHARS_MAX)
		*n = CV_WF_SUMMARY_CHARS_MAX;
	return CV_OK;
}

/*
 * POST FR-release-closeout-summary/deliver (C9): the summary of body
 * release_record_ref (stored), its delivery event (stored as its own
 * record), delivered to body provider, else delivery_provider, else
 * webhook; the RCD links summary, bundle, manifest and release.
 * Answers {summary, event, delivery, metadata, event_metadata,
 * summary_metadata, success}.  400 without a connector config, for a
 * provider that is not configured, and when the summary is open (the
 * reference's docs: the event "is built from a closed release closeout
 * summary").
 */
static enum cv_err
build_deliver(struct cv_wf_ctx *ctx, struct json_object **answer)
{
	struct json_object	*s = NULL, *e = NULL, *links, *res, *rcd,
				*srec, *erec;
	const char		*ref, *prov, *alt;
	int64_t			 chars;
	enum cv_err		 rc;

	if ((rc = cv_wf_need_connector(ctx)) != CV_OK ||
	    (rc = release_ref(ctx, &ref)) != CV_OK ||
	    (rc = cv_wf_str(ctx, "provider", &prov)) != CV_OK ||
	    (rc = cv_wf_str(ctx, "delivery_provider", &alt)) != CV_OK ||
	    (rc = summary_chars(ctx, &chars)) != CV_OK ||
	    (rc = closeout_summary(ctx, ref, &s)) != CV_OK)
		return rc;
	if (!closed(s)) {
		rc = cv_fail(ctx->req, CV_EINVAL, "release closeout delivery "
		    "requires a closed closeout summary");
		goto out;
	}
	if (prov == NULL || *prov == '\0')
		prov = alt != NULL && *alt != '\0' ? alt : "webhook";
	srec = keep_summary(ctx, s);
	e = closeout_event(ctx, s, chars);
	erec = cv_wf_keep(ctx, &k_delivery, e, 1, 0, 0, delivery_index);
	links = closeout_links(s);
	rc = cv_wf_deliver(ctx, e, prov, SRC_C9, links, &res, &rcd);
	json_object_put(links);
	if (rc != CV_OK)
		goto out;
	*answer = json_object_new_object();
	json_object_object_add(*answer, "summary", json_object_get(s));
	json_object_object_add(*answer, "event", json_object_get(e));
	json_object_object_add(*answer, "delivery", res);
	json_object_object_add(*answer, "metadata", json_object_get(rcd));
	json_object_object_add(*answer, "event_metadata",
	    json_object_get(erec));
	json_object_object_add(*answer, "summary_metadata",
	    json_object_get(srec));
	json_object_object_add(*answer, "success", json_object_new_boolean(
	    json_object_get_boolean(json_object_object_get(res, "success"))));
out:
	json_object_put(s);
	json_object_put(e);
	return rc;
}

/*
 * POST FR-release-closeout-summary/delivery-retry-plan (C9): the retry
 * plan of failed closeout deliveries with body retry_policy, or, as the
 * reference does when it is absent, the body itself as the policy;
 * stored.  Answers {plan, metadata}.  Differs from cv_wf_h_retry_plan
 * only by that fallback.
 */
static enum cv_err
build_retry_plan(struct cv_wf_ctx *ctx, struct json_object **answer)
{
	struct json_object	*pol, *rcds = NULL, *plan, *rec;
	struct cv_wf_policy	 p;
	char			 err[256];
	enum cv_err		 rc;

	if ((rc = cv_wf_obj(ctx, "retry_policy", &pol)) != CV_OK)
		return rc;
	if (pol == NULL)
		pol = ctx->req->json;
	if (cv_wf_policy_read(&c9, pol, &p, err, sizeof(err)) != CV_OK)
		return cv_fail(ctx->req, CV_EINVAL, "%s", err);
	if ((rc = cv_wf_load(ctx, CV_WF_RCD_KIND, &rcds)) != CV_OK)
		return rc;
	plan = cv_wf_retry_plan(ctx->req->arena, &c9, rcds, &p, ctx->ts,
	    ctx->by);
	json_object_put(rcds);
	rec = cv_wf_keep(ctx, &c9.retry, plan, json_object_get_int64(
	    json_object_object_get(plan, "decision_count")),
	    json_object_get_int64(json_object_object_get(plan,
	    "suppressed_count")), json_object_get_int64(
	    json_object_object_get(plan, "retryable_count")), NULL);
	*answer = cv_wf_answer("plan", plan, rec);
	json_object_put(plan);
	return CV_OK;
}

/* ---- retention review, decision and artifact bundle ------------------ */

/* The body's retention_until: absent, or a workflow timestamp (400). */
static enum cv_err
retention_until(struct cv_wf_ctx *ctx, const char **out)
{
	time_t		 t;
	enum cv_err	 rc;

	if ((rc = cv_wf_str(ctx, "retention_until", out)) != CV_OK)
		return rc;
	if (*out != NULL && **out != '\0' && cv_wf_ts_parse(*out, &t) != 0)
		return cv_fail_field(ctx->req, CV_EINVAL, "retention_until",
		    "retention_until must be an ISO 8601 timestamp");
	if (*out == NULL)
		*out = "";
	return CV_OK;
}

/*
 * POST FR-closeout-retention-review: the closeout summary of body
 * release_record_ref (stored) and a retention review request for it,
 * with body retention_until, legal_hold and review_reason, stored.
 * Answers {request, metadata, summary, summary_metadata}.  400 when the
 * summary is open (the spec: review is requested "for closed final
 * closeout evidence") or a member is of the wrong type.  Field names
 * beyond api.py's inputs are chosen here.
 */
static enum cv_err
build_review(struct cv_wf_ctx *ctx, struct json_object **answer)
{
	struct cv_arena		*a = ctx->req->arena;
	struct json_object	*s = NULL, *rq, *m, *srec, *rec, *refs;
	const char		*ref, *until, *reason, *id, *hash;
	int			 hold;
	enum cv_err		 rc;

	if ((rc = release_ref(ctx, &ref)) != CV_OK ||
	    (rc = retention_until(ctx, &until)) != CV_OK ||
	    (rc = cv_wf_bool(ctx, "legal_hold", 0, &hold)) != CV_OK ||
	    (rc = cv_wf_str(ctx, "review_reason", &reason)) != CV_OK ||
	    (rc = closeout_summary(ctx, ref, &s)) != CV_OK)
		return rc;
	if (!closed(s)) {
		json_object_put(s);
		return cv_fail(ctx->req, CV_EINVAL, "closeout retention review "
		    "requires a closed closeout summary");
	}
	srec = keep_summary(ctx, s);
	m = json_object_new_object();
	cv_json_add_str(m, "summary_id", str(s, "summary_id"));
	cv_json_add_str(m, "requested_by", ctx->by);
	cv_json_add_str(m, "requested_at", ctx->now);
	cv_json_add_str(m, "retention_until", until);
	cv_json_add_bool(m, "legal_hold", hold);
	id = cv_wf_id(a, k_review.prefix, m, &hash);
	json_object_put(m);
	rq = json_object_new_object();
	cv_json_add_str(rq, "schema_version", k_review.schema);
	cv_json_add_str(rq, "product", CV_PRODUCT);
	cv_json_add_str(rq, "review_id", id);
	cv_json_add_str(rq, "review_hash", hash);
	cv_json_add_str(rq, "review_state", "requested");
	cv_json_add_str(rq, "requested_at", ctx->now);
	cv_json_add_str(rq, "requested_by", ctx->by);
	cv_json_add_str(rq, "summary_id", str(s, "summary_id"));
	cv_json_add_str(rq, "summary_hash", str(s, "summary_hash"));
	cv_json_add_str(rq, "release_record_ref", str(s,
	    "release_record_ref"));
	cv_json_add_str(rq, "closeout_state", str(s, "closeout_state"));
	cv_json_add_str(rq, "bundle_id", str(s, "bundle_id"));
	cv_json_add_str(rq, "manifest_id", str(s, "manifest_id"));
	json_object_object_add(rq, "archive_object_count",
	    cv_json_ref(s, "archive_object_count"));
	cv_json_add_str(rq, "retention_until", until);
	cv_json_add_bool(rq, "legal_hold", hold);
	cv_json_add_str(rq, "review_reason", reason != NULL ? reason : "");
	refs = json_object_new_array();
	json_object_array_add(refs, json_object_new_string(cv_arena_printf(a,
	    "go-rollback-drill-final-closeout-summary://%s",
	    str(s, "summary_id"))));
	json_object_array_add(refs, json_object_new_string(cv_arena_printf(a,
	    "go-rollback-drill-final-retention-review://%s", id)));
	json_object_object_add(rq, "public_evidence_refs", refs);
	cv_json_add_strv(rq, "controls", retention_controls);
	rec = cv_wf_keep(ctx, &k_review, rq, 1, 0, 1, review_index);
	*answer = cv_wf_answer("request", rq, rec);
	json_object_object_add(*answer, "summary", s);
	json_object_object_add(*answer, "summary_metadata",
	    json_object_get(srec));
	json_object_put(rq);
	return CV_OK;
}

/*
 * POST FR-closeout-retention-review/{review_id}/decisions: a decision
 * on the stored review request review_id, or on the newest one for
 * `latest` (404 "retention review request not found"), with body
 * decision or decision_state (one of retention_vocab, default
 * approved), decided_by (the verified actor replaces it; default
 * console), external_ref and notes; stored.  Answers {decision,
 * metadata, request}.
 */
static enum cv_err
build_decision(struct cv_wf_ctx *ctx, struct json_object **answer)
{
	struct cv_req		*req = ctx->req;
	struct json_object	*all = NULL, *rq = NULL, *r, *d, *m, *rec,
				*refs;
	const char		*rid, *state, *alt, *ref, *notes, *id, *hash;
	char			 err[256];
	size_t			 i;
	enum cv_err		 rc;

	rid = cv_param(req, "review_id");
	if ((rc = cv_wf_str(ctx, "decision", &state)) != CV_OK ||
	    (rc = cv_wf_str(ctx, "decision_state", &alt)) != CV_OK ||
	    (rc = cv_wf_str(ctx, "external_ref", &ref)) != CV_OK ||
	    (rc = cv_wf_str(ctx, "notes", &notes)) != CV_OK)
		return rc;
	if (state == NULL || *state == '\0')
		state = alt;
	if (cv_wf_state(req->arena, &retention_vocab, state, &state, err,
	    sizeof(err)) != CV_OK)
		return cv_fail_field(req, CV_EINVAL, "decision_state", "%s",
		    err);
	if ((rc = cv_wf_load(ctx, k_review.kind, &all)) != CV_OK)
		return rc;
	for (i = 0; rq == NULL && i < json_object_array_length(all); i++) {
		r = json_object_array_get_idx(all, i);
		if (strcmp(rid, "latest") == 0 || strcmp(str(r, "review_id"),
		    rid) == 0)
			rq = cv_wf_payload(r, k_review.payload_key);
	}
	if (rq == NULL) {
		json_object_put(all);
		return cv_fail(req, CV_ENOENT, "retention review request not "
		    "found");
	}
	m = json_object_new_object();
	cv_json_add_str(m, "review_id", str(rq, "review_id"));
	cv_json_add_str(m, "decision_state", state);
	cv_json_add_str(m, "decided_by", ctx->by);
	cv_json_add_str(m, "decided_at", ctx->now);
	cv_json_add_str(m, "external_ref", ref != NULL ? ref : "");
	id = cv_wf_id(req->arena, k_decision.prefix, m, &hash);
	json_object_put(m);
	d = json_object_new_object();
	cv_json_add_str(d, "schema_version", k_decision.schema);
	cv_json_add_str(d, "product", CV_PRODUCT);
	cv_json_add_str(d, "decision_id", id);
	cv_json_add_str(d, "decision_hash", hash);
	cv_json_add_str(d, "review_id", str(rq, "review_id"));
	cv_json_add_str(d, "summary_id", str(rq, "summary_id"));
	cv_json_add_str(d, "release_record_ref", str(rq,
	    "release_record_ref"));
	cv_json_add_str(d, "decision_state", state);
	cv_json_add_str(d, "decided_by", ctx->by);
	cv_json_add_str(d, "decided_at", ctx->now);
	cv_json_add_str(d, "retention_until", str(rq, "retention_until"));
	cv_json_add_bool(d, "legal_hold", cv_json_truthy(
	    json_object_object_get(rq, "legal_hold")));
	cv_json_add_str(d, "external_ref", ref != NULL ? ref : "");
	cv_json_add_str(d, "notes", notes != NULL ? notes : "");
	refs = json_object_new_array();
	json_object_array_add(refs, json_object_new_string(cv_arena_printf(
	    req->arena, "go-rollback-drill-final-retention-review://%s",
	    str(rq, "review_id"))));
	json_object_array_add(refs, json_object_new_string(cv_arena_printf(
	    req->arena, "go-rollback-drill-final-retention-decision://%s",
	    id)));
	json_object_object_add(d, "public_evidence_refs", refs);
	cv_json_add_strv(d, "controls", retention_controls);
	rec = cv_wf_keep(ctx, &k_decision, d, 1, !cv_wf_done(&retention_vocab,
	    state), 0, decision_index);
	*answer = cv_wf_answer("decision", d, rec);
	json_object_object_add(*answer, "request", json_object_get(rq));
	json_object_put(d);
	json_object_put(all);
	return CV_OK;
}

/* The newest record of kind whose release_record_ref is ref (NULL: any
 * record) and, when state_field, whose state_field is "approved"; new
 * reference or NULL.  As api.py's artifact bundle, an exact match. */
static enum cv_err
newest_exact(struct cv_wf_ctx *ctx, const char *kind, const char *ref,
    const char *state_field, struct json_object **out)
{
	struct json_object	*all, *r;
	size_t			 i;
	enum cv_err		 rc;

	*out = NULL;
	if ((rc = cv_wf_load(ctx, kind, &all)) != CV_OK)
		return rc;
	for (i = 0; *out == NULL && i < json_object_array_length(all); i++) {
		r = json_object_array_get_idx(all, i);
		if ((ref == NULL || strcmp(str(r, "release_record_ref"),
		    ref) == 0) && (state_field == NULL || strcmp(str(r,
		    state_field), "approved") == 0))
			*out = json_object_get(r);
	}
	json_object_put(all);
	return CV_OK;
}

/* Adds a file entry {name, media_type, sha256, size_bytes, content} of
 * content (a new reference is taken; NULL: {}) to files. */
static void
add_file(struct cv_arena *a, struct json_object *files, const char *name,
    struct json_object *content)
{
	struct json_object	*f = json_object_new_object();
	const char		*text;

	content = content != NULL ? json_object_get(content) :
	    json_object_new_object();
	text = cv_json_canonical(a, content);
	cv_json_add_str(f, "name", name);
	cv_json_add_str(f, "media_type", "application/json");
	cv_json_add_str(f, "sha256", cv_sha256_hex(a, text, strlen(text)));
	cv_json_add_int(f, "size_bytes", (int64_t)strlen(text));
	json_object_object_add(f, "content", content);
	json_object_array_add(files, f);
}

/*
 * POST FR-closeout-artifact-bundle: the closeout summary of body
 * release_record_ref (stored) and the downloadable JSON bundle of
 * files release-closeout-summary.json, readiness-bundle.json and
 * signed-archive-manifest.json (the newest stored bundle and manifest
 * of that release; {} when there is none), each with the SHA-256 of its
 * canonical JSON, and the refs of the newest approved retention
 * decision; stored.  Answers {artifact_bundle, metadata, summary,
 * summary_metadata}.  400 without an approved retention decision.
 */
static enum cv_err
build_artifact(struct cv_wf_ctx *ctx, struct json_object **answer)
{
	struct cv_arena		*a = ctx->req->arena;
	struct json_object	*b = NULL, *mf = NULL, *dec = NULL, *s = NULL,
				*srec, *files, *m, *digests, *f, *ab, *rec, *x,
				*refs;
	const char		*ref, *id, *hash;
	size_t			 i;
	enum cv_err		 rc;

	if ((rc = release_ref(ctx, &ref)) != CV_OK ||
	    (rc = newest_exact(ctx, k_decision.kind, ref, "decision_state",
	    &dec)) != CV_OK)
		goto out;
	if (dec == NULL) {
		rc = cv_fail(ctx->req, CV_EINVAL, "closeout artifact bundle "
		    "requires an approved retention review decision");
		goto out;
	}
	if ((rc = newest_exact(ctx, k_bundle.kind, ref, NULL, &b)) != CV_OK ||
	    (rc = newest_exact(ctx, k_manifest.kind, ref, NULL, &mf)) !=
	    CV_OK || (rc = closeout_summary(ctx, ref, &s)) != CV_OK)
		goto out;
	srec = keep_summary(ctx, s);
	x = cv_wf_payload(dec, k_decision.payload_key);
	files = json_object_new_array();
	add_file(a, files, "release-closeout-summary.json", s);
	add_file(a, files, "readiness-bundle.json", b != NULL ?
	    cv_wf_payload(b, k_bundle.payload_key) : NULL);
	add_file(a, files, "signed-archive-manifest.json", mf != NULL ?
	    cv_wf_payload(mf, k_manifest.payload_key) : NULL);
	digests = json_object_new_array();
	for (i = 0; i < json_object_array_length(files); i++) {
		f = json_object_array_get_idx(files, i);
		m = json_object_new_object();
		cv_json_copy_keys(m, f, "name", "sha256", NULL);
		json_object_array_add(digests, m);
	}
	m = json_object_new_object();
	cv_json_add_str(m, "generated_at", ctx->now);
	cv_json_add_str(m, "summary_id", str(s, "summary_id"));
	cv_json_add_str(m, "retention_decision_id", str(x, "decision_id"));
	json_object_object_add(m, "files", digests);
	id = cv_wf_id(a, k_artifact.prefix, m, &hash);
	json_object_put(m);
	ab = json_object_new_object();
	cv_json_add_str(ab, "schema_version", k_artifact.schema);
	cv_json_add_str(ab, "product", CV_PRODUCT);
	cv_json_add_str(ab, "artifact_bundle_id", id);
	cv_json_add_str(ab, "artifact_bundle_hash", hash);
	cv_json_add_str(ab, "generated_at", ctx->now);
	cv_json_add_str(ab, "generated_by", ctx->by);
	cv_json_add_str(ab, "release_record_ref", ref != NULL ? ref :
	    str(s, "release_record_ref"));
	cv_json_add_str(ab, "closeout_state", str(s, "closeout_state"));
	cv_json_add_str(ab, "summary_id", str(s, "summary_id"));
	cv_json_add_str(ab, "bundle_id", str(s, "bundle_id"));
	cv_json_add_str(ab, "manifest_id", str(s, "manifest_id"));
	cv_json_add_str(ab, "retention_review_id", str(x, "review_id"));
	cv_json_add_str(ab, "retention_decision_id", str(x, "decision_id"));
	cv_json_add_str(ab, "retention_decision_state", str(x,
	    "decision_state"));
	cv_json_add_str(ab, "retention_until", str(x, "retention_until"));
	cv_json_add_bool(ab, "legal_hold", cv_json_truthy(
	    json_object_object_get(x, "legal_hold")));
	cv_json_add_int(ab, "file_count", (int64_t)
	    json_object_array_length(files));
	json_object_object_add(ab, "files", files);
	refs = json_object_new_array();
	json_object_array_add(refs, json_object_new_string(cv_arena_printf(a,
	    "go-rollback-drill-final-retention-review://%s",
	    str(x, "review_id"))));
	json_object_array_add(refs, json_object_new_string(cv_arena_printf(a,
	    "go-rollback-drill-final-retention-decision://%s",
	    str(x, "decision_id"))));
	json_object_object_add(ab, "retention_approval_refs", refs);
	refs = json_object_new_array();
	json_object_array_add(refs, json_object_new_string(cv_arena_printf(a,
	    "go-rollback-drill-final-closeout-artifact-bundle://%s", id)));
	json_object_array_add(refs, json_object_new_string(cv_arena_printf(a,
	    "go-rollback-drill-final-closeout-summary://%s",
	    str(s, "summary_id"))));
	json_object_object_add(ab, "public_evidence_refs", refs);
	cv_json_add_strv(ab, "controls", artifact_controls);
	rec = cv_wf_keep(ctx, &k_artifact, ab, (int64_t)
	    json_object_array_length(files), !closed(s), 0, artifact_index);
	*answer = cv_wf_answer("artifact_bundle", ab, rec);
	json_object_object_add(*answer, "summary", json_object_get(s));
	json_object_object_add(*answer, "summary_metadata",
	    json_object_get(srec));
	json_object_put(ab);
out:
	json_object_put(b);
	json_object_put(mf);
	json_object_put(dec);
	json_object_put(s);
	return rc;
}

/* ---- retention health (C10) ----------------------------------------- */

/* Adds alert {alert_id, category, severity, message, ...} to alerts;
 * the members of extra (consumed; may be NULL) are added. */
static void
add_alert(struct json_object *alerts, const char *what, const char *sev,
    const char *msg, struct json_object *extra)
{
	struct json_object	*al = json_object_new_object();

	cv_json_add_str(al, "alert_id", what);
	cv_json_add_str(al, "category", what);
	cv_json_add_str(al, "severity", sev);
	cv_json_add_str(al, "message", msg);
	if (extra != NULL) {
		json_object_object_foreach(extra, key, val)
			json_object_object_add(al, key, json_object_get(val));
		json_object_put(extra);
	}
	json_object_array_add(alerts, al);
}

/* The members of an artifact bundle record an alert names; new. */
static struct json_object *
bundle_ids(struct json_object *r)
{
	struct json_object	*o = json_object_new_object();

	cv_json_add_str(o, "artifact_bundle_id", str(r,
	    "artifact_bundle_id"));
	cv_json_add_str(o, "release_record_ref", str(r,
	    "release_record_ref"));
	return o;
}

/* Whether provider p of a failed delivery at `at` was delivered to by a
 * later successful closeout delivery among rcds. */
static int
recovered(struct json_object *rcds, const char *p, const char *at)
{
	struct json_object	*r;
	size_t			 i;

	for (i = 0; i < json_object_array_length(rcds); i++) {
		r = json_object_array_get_idx(rcds, i);
		if (strcmp(str(r, "connector_delivery_source"), SRC_C9) == 0 &&
		    json_object_get_boolean(json_object_object_get(r,
		    "delivery_success")) && strcmp(str(r, "created_at"), at) >
		    0 && cv_json_has_str(json_object_object_get(r,
		    "providers"), p))
			return 1;
	}
	return 0;
}

/*
 * Closeout retention health (cv_wf_health_fn; §10.5 C10 names only its
 * inputs, so its alerts are chosen here): the newest artifact bundle of
 * each release is checked for an approved retention decision of its
 * review (critical retention_approval_missing when the newest decision
 * is not approved), a retention_until (warning retention_until_missing),
 * and its expiry (critical retention_expired when past, warning
 * retention_expiring within expiry_warning_days, default 30); failed
 * closeout deliveries that no later successful delivery to the same
 * provider recovered are critical closeout_delivery_failed; no artifact
 * bundle at all is warning artifact_bundle_missing.  The record is
 * queued (stored unless a GET says persist=false).  400 for a bad
 * expiry_warning_days.
 */
static enum cv_err
retention_health(struct cv_wf_ctx *ctx, struct json_object **out)
{
	struct cv_arena		*a = ctx->req->arena;
	struct json_object	*bundles = NULL, *decs = NULL, *rcds = NULL,
				*alerts, *h, *r, *d, *x, *fp, *m;
	const char		**seen, *until, *id, *lvl;
	size_t			 i, j, nseen = 0;
	int64_t			 days, checked = 0, retained = 0,
				 expiring = 0, expired = 0, noappr = 0,
				 nountil = 0, ndel = 0, nfail = 0, nunrec = 0,
				 napproved = 0, ncrit = 0, nwarn = 0;
	time_t			 t;
	int			 ok;
	enum cv_err		 rc;

	*out = NULL;
	query_by(ctx);
	if ((rc = cv_wf_param_int(ctx, "expiry_warning_days",
	    CV_WF_EXPIRY_DAYS_DEFAULT, 0, CV_WF_EXPIRY_DAYS_MAX, &days)) !=
	    CV_OK)
		return rc;
	if ((rc = cv_wf_load(ctx, k_artifact.kind, &bundles)) != CV_OK ||
	    (rc = cv_wf_load(ctx, k_decision.kind, &decs)) != CV_OK ||
	    (rc = cv_wf_load(ctx, CV_WF_RCD_KIND, &rcds)) != CV_OK)
		goto out;
	alerts = json_object_new_array();
	for (i = 0; i < json_object_array_length(decs); i++)
		if (strcmp(str(json_object_array_get_idx(decs, i),
		    "decision_state"), "approved") == 0)
			napproved++;
	seen = cv_arena_alloc(a, (json_object_array_length(bundles) + 1) *
	    sizeof(*seen));
	for (i = 0; i < json_object_array_length(bundles); i++) {
		r = json_object_array_get_idx(bundles, i);
		for (j = 0; j < nseen && strcmp(seen[j], str(r,
		    "release_record_ref")) != 0; j++)
			continue;
		if (j < nseen)
			continue;
		seen[nseen++] = str(r, "release_record_ref");
		checked++;
		x = cv_wf_payload(r, k_artifact.payload_key);
		for (d = NULL, j = 0; d == NULL &&
		    j < json_object_array_length(decs); j++)
			if (strcmp(str(json_object_array_get_idx(decs, j),
			    "review_id"), str(x, "retention_review_id")) == 0)
				d = json_object_array_get_idx(decs, j);
		ok = d != NULL && strcmp(str(d, "decision_state"),
		    "approved") == 0;
		if (!ok) {
			noappr++;
			add_alert(alerts, "retention_approval_missing",
			    "critical", "closeout artifact bundle has no "
			    "approved retention review decision",
			    bundle_ids(r));
		}
		until = str(x, "retention_until");
		if (*until == '\0' || cv_wf_ts_parse(until, &t) != 0) {
			nountil++;
			add_alert(alerts, "retention_until_missing", "warning",
			    "closeout artifact bundle has no retention_until "
			    "timestamp", bundle_ids(r));
		} else if (t < ctx->t) {
			expired++;
			add_alert(alerts, "retention_expired", "critical",
			    "closeout artifact bundle retention has expired",
			    bundle_ids(r));
		} else if (t - ctx->t <= days * 86400) {
			expiring++;
			m = bundle_ids(r);
			cv_json_add_str(m, "retention_until", until);
			add_alert(alerts, "retention_expiring", "warning",
			    cv_arena_printf(a, "closeout artifact bundle "
			    "retention expires within %lld days",
			    (long long)days), m);
		} else if (ok)
			retained++;
	}
	if (json_object_array_length(bundles) == 0)
		add_alert(alerts, "artifact_bundle_missing", "warning",
		    "no closeout artifact bundle has been built", NULL);
	for (i = 0; i < json_object_array_length(rcds); i++) {
		r = json_object_array_get_idx(rcds, i);
		if (strcmp(str(r, "connector_delivery_source"), SRC_C9) != 0)
			continue;
		ndel++;
		if (json_object_get_boolean(json_object_object_get(r,
		    "delivery_success")))
			continue;
		nfail++;
		fp = json_object_object_get(r, "failed_providers");
		if (alen(fp) == 0)
			fp = json_object_object_get(r, "providers");
		for (j = 0; j < alen(fp); j++)
			if (!json_object_is_type(json_object_array_get_idx(fp,
			    j), json_type_string) || !recovered(rcds,
			    json_object_get_string(json_object_array_get_idx(
			    fp, j)), str(r, "created_at")))
				break;
		if (alen(fp) > 0 && j == alen(fp))
			continue;
		nunrec++;
		m = json_object_new_object();
		cv_json_add_str(m, "delivery_id", str(r, "session_id"));
		cv_json_add_str(m, "summary_id", str(r, "summary_id"));
		cv_json_add_str(m, "release_record_ref", str(r,
		    "release_record_ref"));
		json_object_object_add(m, "failed_providers", json_object_get(
		    fp));
		add_alert(alerts, "closeout_delivery_failed", "critical",
		    "closeout summary delivery failed and was not redelivered",
		    m);
	}
	for (i = 0; i < json_object_array_length(alerts); i++) {
		if (strcmp(str(json_object_array_get_idx(alerts, i),
		    "severity"), "critical") == 0)
			ncrit++;
		else
			nwarn++;
	}
	lvl = cv_wf_alert_level(alerts);
	m = json_object_new_object();
	cv_json_add_str(m, "generated_at", ctx->now);
	cv_json_add_int(m, "checked_bundle_count", checked);
	json_object_object_add(m, "alerts", json_object_get(alerts));
	id = cv_wf_id(a, k_health.prefix, m, NULL);
	json_object_put(m);
	h = json_object_new_object();
	cv_json_add_str(h, "schema_version", k_health.schema);
	cv_json_add_str(h, "product", CV_PRODUCT);
	cv_json_add_str(h, "health_id", id);
	cv_json_add_str(h, "generated_at", ctx->now);
	cv_json_add_str(h, "generated_by", ctx->by);
	cv_json_add_str(h, "alert_level", lvl);
	cv_json_add_int(h, "expiry_warning_days", days);
	cv_json_add_int(h, "artifact_bundle_count", (int64_t)
	    json_object_array_length(bundles));
	cv_json_add_int(h, "checked_bundle_count", checked);
	cv_json_add_int(h, "retained_bundle_count", retained);
	cv_json_add_int(h, "retention_decision_count", (int64_t)
	    json_object_array_length(decs));
	cv_json_add_int(h, "approved_retention_decision_count", napproved);
	cv_json_add_int(h, "missing_retention_approval_count", noappr);
	cv_json_add_int(h, "missing_retention_until_count", nountil);
	cv_json_add_int(h, "expiring_bundle_count", expiring);
	cv_json_add_int(h, "expired_bundle_count", expired);
	cv_json_add_int(h, "closeout_delivery_count", ndel);
	cv_json_add_int(h, "failed_closeout_delivery_count", nfail);
	cv_json_add_int(h, "unrecovered_closeout_delivery_count", nunrec);
	cv_json_add_int(h, "alert_count", (int64_t)
	    json_object_array_length(alerts));
	cv_json_add_int(h, "critical_alert_count", ncrit);
	cv_json_add_int(h, "warning_alert_count", nwarn);
	json_object_object_add(h, "alerts", alerts);
	cv_json_add_strv(h, "recommended_actions", health_actions);
	cv_json_add_strv(h, "controls", health_controls);
	(void)cv_wf_keep(ctx, &k_health, h, checked, ncrit, (int64_t)
	    json_object_array_length(alerts), health_index);
	*out = h;
out:
	json_object_put(bundles);
	json_object_put(decs);
	json_object_put(rcds);
	return rc;
}

/*
 * GET FR-closeout-retention-health: the health, stored unless
 * persist=false.  Answers {health, metadata}.
 */
static enum cv_err
build_health(struct cv_wf_ctx *ctx, struct json_object **answer)
{
	struct json_object	*h;
	enum cv_err		 rc;

	if ((rc = retention_health(ctx, &h)) != CV_OK)
		return rc;
	*answer = cv_wf_answer("health", h, queued(ctx, str(h, "health_id")));
	json_object_put(h);
	return CV_OK;
}

/*
 * The C9 worker's redelivery of retry decision d (cv_wf_redeliver_fn):
 * the closeout summary rebuilt for the decision's release record (else
 * the body's release_record_ref), its event and links; skipped
 * "closeout_summary_not_closed" when it is open, as a direct delivery
 * is refused then.  The rebuilt summary is not stored (api.py's worker
 * does not store it either).
 */
static enum cv_err
redeliver(struct cv_wf_ctx *ctx, struct json_object *d, const char *run_id,
    struct json_object **parent, struct json_object **event,
    struct json_object **links, const char **skipped)
{
	const char	*ref;
	int64_t		 chars;
	enum cv_err	 rc;

	(void)run_id;
	*parent = *event = *links = NULL;
	ref = str(d, "release_record_ref");
	if (*ref == '\0' && (rc = release_ref(ctx, &ref)) != CV_OK)
		return rc;
	if ((rc = summary_chars(ctx, &chars)) != CV_OK ||
	    (rc = closeout_summary(ctx, ref != NULL && *ref != '\0' ? ref :
	    NULL, parent)) != CV_OK)
		return rc;
	if (!closed(*parent)) {
		*skipped = "closeout_summary_not_closed";
		return CV_OK;
	}
	*event = closeout_event(ctx, *parent, chars);
	*links = closeout_links(*parent);
	return CV_OK;
}

static const char *const c9_exec_index[] = { "worker_run_id",
	"bundle_id", "manifest_id", NULL };

/*
 * The C9 worker.  Differences from api.py's closeout retry worker, all
 * of the generic step: retry_policy and schedule are read from their
 * members only (api.py falls back to the whole body), redeliveries use
 * the body's retries with the connector default (api.py: 1), and
 * execution records are written for live runs only (api.py: also for
 * dry runs).
 */
static const struct cv_wf_worker c9_worker = {
	.redeliver = redeliver,
	.live_needs_config = 1,
	.state_field = "execution_state",
	.exec_index = c9_exec_index,
	.parent_ref = "go-rollback-drill-final-closeout-summary",
};

/*
 * The providers of a comma list, each trimmed and normalised (§3.2),
 * sorted, each once; new.
 */
static struct json_object *
provider_list(struct cv_arena *a, const char *list)
{
	const char	**v;
	char		*copy, *tok, *save;
	size_t		 n = 0, cap;

	copy = cv_arena_strdup(a, list);
	cap = strlen(copy) + 1;
	v = cv_arena_alloc(a, cap * sizeof(*v));
	for (tok = strtok_r(copy, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		tok = cv_wf_norm(a, tok);
		if (*tok != '\0')
			v[n++] = tok;
	}
	return unique_sorted(v, n);
}

/*
 * POST FR-closeout-retention-health-alerts/deliver (C10): the retention
 * health with body expiry_warning_days (stored, as the reference
 * does), its alert plan and event, delivered to the selected providers
 * with the RCD linked by health_id and plan_id.  The plan is the
 * reference's own (api.py passes it the requested provider and force
 * only): the providers of body provider, else delivery_provider, else
 * webhook, selected unless the health is healthy and force is not set;
 * no suppression window.  The event is built from the plan and the
 * health's alerts (its builder was not read).  Answers {health,
 * health_metadata, plan, plan_metadata, event, delivery, metadata,
 * success}.  400 without a connector config or for a provider that is
 * not configured.
 */
static enum cv_err
build_alert_deliver(struct cv_wf_ctx *ctx, struct json_object **answer)
{
	struct cv_arena		*a = ctx->req->arena;
	struct json_object	*h = NULL, *plan = NULL, *ev = NULL,
				*links = NULL, *res = NULL, *rcd = NULL,
				*req_p, *sel, *supp, *m, *prec, *o;
	const char		*prov, *alt, *lvl, *id;
	int			 force;
	enum cv_err		 rc;

	if ((rc = cv_wf_need_connector(ctx)) != CV_OK ||
	    (rc = cv_wf_str(ctx, "provider", &prov)) != CV_OK ||
	    (rc = cv_wf_str(ctx, "delivery_provider", &alt)) != CV_OK ||
	    (rc = cv_wf_bool(ctx, "force", 0, &force)) != CV_OK ||
	    (rc = retention_health(ctx, &h)) != CV_OK)
		return rc;
	if (prov == NULL || *prov == '\0')
		prov = alt != NULL && *alt != '\0' ? alt : "webhook";
	lvl = str(h, "alert_level");
	req_p = provider_list(a, prov);
	if (strcmp(lvl, "healthy") != 0 || force) {
		sel = json_object_get(req_p);
		supp = json_object_new_array();
	} else {
		sel = json_object_new_array();
		supp = json_object_get(req_p);
	}
	m = json_object_new_object();
	cv_json_add_str(m, "health_id", str(h, "health_id"));
	cv_json_add_str(m, "generated_at", ctx->now);
	json_object_object_add(m, "eligible", json_object_get(req_p));
	json_object_object_add(m, "selected", json_object_get(sel));
	id = cv_wf_id(a, c10.plan.prefix, m, NULL);
	json_object_put(m);
	plan = json_object_new_object();
	cv_json_add_str(plan, "schema_version", c10.plan.schema);
	cv_json_add_str(plan, "product", CV_PRODUCT);
	cv_json_add_str(plan, "plan_id", id);
	cv_json_add_str(plan, "health_id", str(h, "health_id"));
	cv_json_add_str(plan, "generated_at", ctx->now);
	cv_json_add_str(plan, "generated_by", ctx->by);
	cv_json_add_str(plan, "alert_level", lvl);
	cv_json_add_str(plan, "requested_provider", prov);
	json_object_object_add(plan, "eligible_providers", req_p);
	json_object_object_add(plan, "selected_providers", sel);
	json_object_object_add(plan, "suppressed_providers", supp);
	cv_json_add_int(plan, "suppressed_provider_count", (int64_t)
	    json_object_array_length(supp));
	json_object_object_add(plan, "acknowledgement_required_providers",
	    json_object_get(sel));
	cv_json_add_bool(plan, "force", force);
	json_object_object_add(plan, "alert_count",
	    cv_json_ref(h, "alert_count"));
	prec = cv_wf_keep(ctx, &c10.plan, plan, (int64_t)
	    json_object_array_length(req_p), (int64_t)
	    json_object_array_length(supp), (int64_t)
	    json_object_array_length(sel), cv_wf_alert_plan_index);

	ev = json_object_new_object();
	cv_json_add_str(ev, "schema_version", c10.event_schema);
	cv_json_add_str(ev, "product", CV_PRODUCT);
	cv_json_add_str(ev, "event_type", c10.event_type);
	cv_json_add_str(ev, "session_id", str(h, "health_id"));
	cv_json_add_str(ev, "health_id", str(h, "health_id"));
	cv_json_add_str(ev, "plan_id", id);
	cv_json_add_str(ev, "generated_at", ctx->now);
	cv_json_add_str(ev, "generated_by", ctx->by);
	cv_json_add_str(ev, "alert_level", lvl);
	cv_json_add_str(ev, "max_severity", strcmp(lvl, "critical") == 0 ?
	    "high" : strcmp(lvl, "warning") == 0 ? "medium" : "low");
	cv_json_copy_keys(ev, h, "alert_count", "critical_alert_count",
	    "alerts", "recommended_actions", NULL);
	json_object_object_add(ev, c10.plan.payload_key,
	    json_object_get(plan));
	if (json_object_array_length(sel) > 0) {
		links = json_object_new_object();
		cv_json_add_str(links, "health_id", str(h, "health_id"));
		cv_json_add_str(links, "plan_id", id);
		if ((rc = cv_wf_deliver(ctx, ev, cv_wf_joined(a, sel), c10.src,
		    links, &res, &rcd)) != CV_OK)
			goto out;
	}
	o = json_object_new_object();
	json_object_object_add(o, "health", json_object_get(h));
	json_object_object_add(o, "health_metadata", json_object_get(
	    queued(ctx, str(h, "health_id"))));
	json_object_object_add(o, "plan", json_object_get(plan));
	json_object_object_add(o, "plan_metadata", json_object_get(prec));
	json_object_object_add(o, "event", json_object_get(ev));
	json_object_object_add(o, "delivery", json_object_get(res));
	json_object_object_add(o, "metadata", json_object_get(rcd));
	cv_json_add_bool(o, "success", res == NULL ? 1 :
	    json_object_get_boolean(json_object_object_get(res, "success")));
	*answer = o;
out:
	json_object_put(h);
	json_object_put(plan);
	json_object_put(ev);
	json_object_put(links);
	json_object_put(res);
	return rc;
}

/* ---- the route table ------------------------------------------------ */

static const struct cv_wf_step s_bundle = {
	.kind = &k_bundle, .actor = 1, .build = build_bundle,
};
static const struct cv_wf_step s_manifest = {
	.kind = &k_manifest, .actor = 1, .by_field = "signed_by",
	.build = build_manifest,
};
static const struct cv_wf_step s_summary = {
	.kind = &k_summary, .build = build_summary,
};
static const struct cv_wf_step s_deliver = {
	.chain = &c9, .kind = &k_delivery, .actor = 1, .build = build_deliver,
};
static const struct cv_wf_step s_retry_plan = {
	.chain = &c9, .kind = &c9.retry, .actor = 1,
	.build = build_retry_plan,
};
static const struct cv_wf_step s_worker = {
	.chain = &c9, .kind = &c9.worker, .actor = 1, .worker = &c9_worker,
};
static const struct cv_wf_step s_alert = {
	.alert = &c10, .kind = &c10.plan, .actor = 1,
	.build = build_alert_deliver, .health = retention_health,
	.health_prefix = "gordackfinalretentionhealth",
};
static const struct cv_wf_step s_review = {
	.kind = &k_review, .actor = 1, .by_field = "requested_by",
	.build = build_review,
};
static const struct cv_wf_step s_decision = {
	.kind = &k_decision, .actor = 1, .by_field = "decided_by",
	.vocab = &retention_vocab, .parent_param = "review_id",
	.parent_kind = FRK("closeout-retention-review-request"),
	.parent_what = "retention review request", .build = build_decision,
};
static const struct cv_wf_step s_artifact = {
	.kind = &k_artifact, .actor = 1, .build = build_artifact,
};
static const struct cv_wf_step s_health = {
	.alert = &c10, .kind = &k_health, .build = build_health,
	.health_prefix = "gordackfinalretentionhealth",
	.health = retention_health,
};

static const struct cv_qparam p_summary[] = {
	{ "release_record_ref", CV_P_STRING, 0, NULL, "release record whose "
	    "closeout is summarised (default: the newest)" },
	{ "generated_by", CV_P_STRING, 0, NULL, "name recorded as the "
	    "summary's author (default console)" },
	{ "persist", CV_P_BOOL, 0, NULL, "store the summary (default true)" },
	{ NULL }
};
static const struct cv_qparam p_health[] = {
	{ "expiry_warning_days", CV_P_INT, 0, NULL, "days before a bundle's "
	    "retention_until that warn (default 30, 0..3650)" },
	{ "generated_by", CV_P_STRING, 0, NULL, "name recorded as the "
	    "reading's author (default console)" },
	{ "persist", CV_P_BOOL, 0, NULL, "store the reading (default true)" },
	{ NULL }
};

const struct cv_route rt_closeout_routes[] = {
	{ CV_POST, FR "readiness-bundle", cv_wf_h_build,
	    CV_BODY_JSON | CV_BODY_OPT, "Build and store the final reporting "
	    "readiness bundle", &s_bundle, .right = CV_RIGHT_OPERATE },
	{ CV_POST, FR "signed-archive-manifest", cv_wf_h_build,
	    CV_BODY_JSON | CV_BODY_OPT, "Store the archive manifest of a fresh "
	    "readiness bundle with its external signature",
	    &s_manifest, .right = CV_RIGHT_OPERATE },
	{ CV_GET, FR "release-closeout-summary", cv_wf_h_build, 0,
	    "Summarise (and store) the release closeout state", &s_summary,
	    p_summary },
	{ CV_POST, FR "release-closeout-summary/deliver", cv_wf_h_build,
	    CV_BODY_JSON | CV_BODY_OPT, "Deliver the closed release closeout "
	    "summary through the connectors", &s_deliver,
	    .right = CV_RIGHT_OPERATE },
	{ CV_POST, FR "release-closeout-summary/delivery-retry-plan",
	    cv_wf_h_build, CV_BODY_JSON | CV_BODY_OPT, "Plan retries of "
	    "failed closeout summary deliveries", &s_retry_plan,
	    .right = CV_RIGHT_OPERATE },
	{ CV_POST, FR "release-closeout-summary/delivery-retry-worker-run",
	    cv_wf_h_worker, CV_BODY_JSON | CV_BODY_OPT, "One pass of the "
	    "closeout delivery retry worker (dry run unless execute is true)",
	    &s_worker, .right = CV_RIGHT_OPERATE },
	{ CV_POST, FR "closeout-retention-review", cv_wf_h_build,
	    CV_BODY_JSON | CV_BODY_OPT, "Request a retention review of the "
	    "closed closeout evidence", &s_review,
	    .right = CV_RIGHT_OPERATE },
	{ CV_POST, FR "closeout-retention-review/{review_id}/decisions",
	    cv_wf_h_build, CV_BODY_JSON | CV_BODY_OPT, "Decide on a stored "
	    "closeout retention review request (or the latest)",
	    &s_decision, .right = CV_RIGHT_OPERATE },
	{ CV_POST, FR "closeout-artifact-bundle", cv_wf_h_build,
	    CV_BODY_JSON | CV_BODY_OPT, "Build and store the closeout "
	    "artifact bundle (needs an approved retention decision)",
	    &s_artifact, .right = CV_RIGHT_OPERATE },
	{ CV_GET, FR "closeout-retention-health", cv_wf_h_build, 0,
	    "Closeout retention health (stored unless persist=false)",
	    &s_health, p_health },
	{ CV_POST, FR "closeout-retention-health-alerts/deliver",
	    cv_wf_h_build, CV_BODY_JSON | CV_BODY_OPT, "Deliver the closeout "
	    "retention health alerts (the health is stored)", &s_alert,
	    .right = CV_RIGHT_OPERATE },
};

const size_t rt_closeout_nroutes = nitems(rt_closeout_routes);
