/*
 * cavra-endpoints inventory, reconciliation and remediation routes
 * through the real stack, on both store backends: Jamf, Intune, Linux
 * fleet and EDR exports ingested and normalised; a freshness report
 * whose scopes age past 24 h (warning) and 48 h (critical); a signed
 * desired manifest reconciled with drift (unsigned and tampered
 * manifests refused: the stacks configure
 * CAVRA_ENDPOINT_MANIFEST_PUBLIC_KEY, tests/data/
 * test_endpoints_inventory.env); reconciliation automations from stored
 * ingestions; a remediation request whose execution is refused until
 * its approval is approved through /approvals; the hand-off and its
 * statuses (callback secrets redacted); then every dashboard, counted
 * exactly.  One test writes records (the walk), so that the counts hold;
 * the others only check refusals, which store nothing.
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

#define HEX8(c)		c c c c c c c c
#define HEX32(c)	HEX8(c) HEX8(c) HEX8(c) HEX8(c)
#define SHA_A	HEX32("aa")
#define SHA_B	HEX32("bb")
#define SHA_C	HEX32("cc")
#define SHA_D	HEX32("dd")

/* POST a JSON object (consumed); asserts the status. */
static void
post_obj(const char *path, struct json_object *body, long status,
    struct api_resp *r)
{
	const char	*text;

	text = json_object_to_json_string_ext(body, JSON_C_TO_STRING_PLAIN);
	api_req("POST", path, text, NULL, r);
	cr_assert_eq(r->status, status, "%s %s: %ld %s", path, text,
	    r->status, r->body);
	json_object_put(body);
}

/* JSON of a text; new. */
static struct json_object *
js(const char *text)
{
	struct json_object	*o = json_tokener_parse(text);

	cr_assert_not_null(o, "bad JSON in the test: %s", text);
	return o;
}

/* The test signing key (PEM text, malloc'ed). */
static char *
signing_key(void)
{
	char	 path[1024], *buf;
	FILE	*f;
	size_t	 n;

	snprintf(path, sizeof(path), "%s/tests/data/endpoint-manifest-key.pem",
	    getenv("top_srcdir"));
	cr_assert_not_null(f = fopen(path, "r"), "%s", path);
	buf = calloc(1, 4096);
	n = fread(buf, 1, 4095, f);
	fclose(f);
	cr_assert(n > 0);
	return buf;
}

/* The detached signature (cavra.go-release.signature.v1) of manifest:
 * Ed25519 over its canonical JSON; with_subject adds subject_sha256.
 * New. */
static struct json_object *
sign(struct json_object *manifest, int with_subject)
{
	struct cv_arena		 a;
	struct json_object	*sig;
	unsigned char		 raw[CV_ED25519_SIG_LEN];
	const char		*canon;
	char			*pem, *pub;

	cv_arena_init(&a);
	pem = signing_key();
	canon = cv_json_canonical(&a, manifest);
	cr_assert_eq(cv_ed25519_sign(&a, pem, canon, strlen(canon), raw,
	    &pub), 0);
	sig = json_object_new_object();
	cv_json_add_str(sig, "schema_version", "cavra.go-release.signature.v1");
	cv_json_add_str(sig, "subject",
	    "cavra-runtime.endpoint-deployment.json");
	if (with_subject)
		cv_json_add_str(sig, "subject_sha256", cv_sha256_hex(&a, canon,
		    strlen(canon)));
	cv_json_add_str(sig, "algorithm", "Ed25519");
	cv_json_add_str(sig, "public_key_pem", pub);
	cv_json_add_str(sig, "public_key_sha256", cv_sha256_hex(&a, pub,
	    strlen(pub)));
	cv_json_add_str(sig, "value", cv_b64_encode(&a, raw, sizeof(raw)));
	free(pem);
	cv_arena_free(&a);
	return sig;
}

/* A desired endpoint deployment manifest of version 1.2.3 with the
 * targets given as "id:sha:tool" words, NULL-ended; new. */
static struct json_object *
manifest(const char *const *targets)
{
	struct json_object	*m, *arr, *t;
	char			 buf[256], *id, *sha, *tool;

	m = json_object_new_object();
	cv_json_add_str(m, "schema_version",
	    "cavra.go-runtime.endpoint-deployment.v1");
	cv_json_add_str(m, "version", "1.2.3");
	cv_json_add_str(m, "commit", "0123456789abcdef");
	cv_json_add_str(m, "repository", "example/cavra");
	cv_json_add_str(m, "source_metadata", "cavra-runtime.installers.json");
	arr = json_object_new_array();
	for (; *targets != NULL; targets++) {
		snprintf(buf, sizeof(buf), "%s", *targets);
		id = buf;
		sha = strchr(id, ':');
		*sha++ = '\0';
		tool = strchr(sha, ':');
		*tool++ = '\0';
		t = json_object_new_object();
		cv_json_add_str(t, "id", id);
		cv_json_add_str(t, "binary_sha256", sha);
		cv_json_add_str(t, "management_tool", tool);
		json_object_array_add(arr, t);
	}
	json_object_object_add(m, "deployment_targets", arr);
	return m;
}

/* {desired_manifest (a copy of m), signature of m (when sig), the
 * members of more}; new. */
static struct json_object *
signed_body(struct json_object *m, int sig, const char *more)
{
	struct json_object	*b;

	b = more != NULL ? js(more) : json_object_new_object();
	if (sig)
		json_object_object_add(b, "signature", sign(m, 1));
	json_object_object_add(b, "desired_manifest", js(
	    json_object_to_json_string_ext(m, JSON_C_TO_STRING_PLAIN)));
	return b;
}

/* The member path "a.b" of o as an integer. */
static long long
count(struct json_object *o, const char *key)
{
	return api_int(o, key);
}

/* The dashboard at path (its answer in *r). */
static void
dashboard(const char *path, struct api_resp *r)
{
	flow_get(path, 200, r);
	cr_assert_not_null(r->json);
}

/* Ingests body; the inventory_id into id (len bytes). */
static void
ingest(struct json_object *body, char *id, size_t len, struct api_resp *r)
{
	post_obj("/endpoint-inventory/ingest", body, 200, r);
	snprintf(id, len, "%s", api_str(r->json, "inventory_id"));
	cr_assert(strncmp(id, "eii_", 4) == 0 && strlen(id) == 16, "%s", id);
	cr_assert_str_eq(api_str(api_get(r->json, "metadata"),
	    "metadata_kind"), "endpoint-inventory-ingestion");
}

/* The endpoint of an ingestion answer with endpoint_id id. */
static struct json_object *
endpoint(struct json_object *answer, const char *id)
{
	return flow_row(api_get(answer, "inventory"), "endpoints",
	    "endpoint_id", id, NULL, NULL);
}

/* The latest_ingestions entry of a freshness report for provider and
 * target. */
static struct json_object *
scope(struct json_object *report, const char *prov, const char *target)
{
	return flow_row(report, "latest_ingestions", "provider", prov,
	    "deployment_target", target);
}

/* The whole chain, on one store backend, with exact dashboard counts. */
API_TEST(endpoints_inventory, walk)
{
	struct api_resp		 r, d;
	struct json_object	*b, *e, *m, *m2, *rep, *acts, *cb, *o;
	const char *const	 t1[] = { "macos-arm64:" SHA_A ":jamf",
		"linux-arm64:" SHA_D ":linux-fleet", NULL };
	const char *const	 t2[] = { "linux-amd64:" SHA_C ":linux-fleet",
		NULL };
	char			 ch[96], jamf[32], intune[32], lnx[32],
				 edr[32], rid[32], qid[32], qid2[32], apid[64],
				 hid[32], path[512], body[2048], ts[3][48],
				 *jamf_inv;
	size_t			 i;

	api_uid(ch, sizeof(ch), "ch");
	flow_stamp(ts[0], sizeof(ts[0]), -30 * 3600);
	flow_stamp(ts[1], sizeof(ts[1]), -50 * 3600);
	flow_stamp(ts[2], sizeof(ts[2]), -3600);

	/* Jamf: list under "computers", runtime fields nested under
	 * "cavra", one target from smart_group and one from policy_name. */
	snprintf(body, sizeof(body), "{\"provider\": \"jamf\", \"channel\": "
	    "\"%s\", \"observed_at\": \"%s\", \"inventory\": {\"computers\": "
	    "[{\"udid\": \"mac-1\", \"smart_group\": \"macos-arm64\", "
	    "\"cavra\": {\"installed_version\": \"1.2.3\", \"binary_sha256\": "
	    "\"" SHA_A "\"}, \"last_seen_at\": \"%s\"}, {\"serialNumber\": "
	    "\"mac-2\", \"policy_name\": \"macos-arm64\", \"version\": "
	    "\"1.2.2\", \"sha256\": \"" SHA_A "\"}]}}", ch, ts[0], ts[2]);
	ingest(js(body), jamf, sizeof(jamf), &r);
	o = api_get(r.json, "ingestion");
	cr_assert_eq(count(o, "endpoint_count"), 2);
	cr_assert_eq(count(o, "version_count"), 2);
	cr_assert_eq(count(o, "checksum_count"), 2);
	cr_assert_eq(count(o, "missing_target_count"), 0);
	cr_assert_str_eq(api_str(api_get(r.json, "inventory"),
	    "schema_version"), "cavra.endpoint-observations.v1");
	e = endpoint(r.json, "mac-1");
	cr_assert_str_eq(api_str(e, "installed_version"), "1.2.3");
	cr_assert_str_eq(api_str(e, "deployment_target"), "macos-arm64");
	cr_assert_str_eq(api_str(e, "provider"), "jamf");
	e = endpoint(r.json, "mac-2");
	cr_assert_str_eq(api_str(e, "binary_sha256"), SHA_A);
	jamf_inv = strdup(json_object_to_json_string_ext(api_get(r.json,
	    "inventory"), JSON_C_TO_STRING_PLAIN));
	api_free(&r);

	/* Intune: "value" list, fields under "runtime", provider
	 * normalised. */
	snprintf(body, sizeof(body), "{\"provider\": \" Intune\", \"channel\": "
	    "\"%s\", \"observed_at\": \"%s\", \"inventory\": {\"value\": "
	    "[{\"deviceId\": \"win-1\", \"deploymentGroup\": \"windows-x64\", "
	    "\"runtime\": {\"installed_version\": \"1.2.3\", "
	    "\"binary_sha256\": \"" SHA_B "\"}}]}}", ch, ts[1]);
	ingest(js(body), intune, sizeof(intune), &r);
	cr_assert_str_eq(api_str(r.json, "provider"), "intune");
	cr_assert_str_eq(api_str(endpoint(r.json, "win-1"),
	    "deployment_target"), "windows-x64");
	api_free(&r);

	/* Linux fleet as "payload", "hosts"; one host without a target. */
	snprintf(body, sizeof(body), "{\"provider\": \"linux\", \"channel\": "
	    "\"%s\", \"payload\": {\"hosts\": [{\"hostname\": \"lin-1\", "
	    "\"target\": \"linux-amd64\", \"version\": \"1.2.3\", "
	    "\"checksum\": \"" SHA_C "\"}, {\"hostname\": \"lin-2\"}]}}", ch);
	ingest(js(body), lnx, sizeof(lnx), &r);
	o = api_get(r.json, "ingestion");
	cr_assert_eq(count(o, "missing_target_count"), 1);
	cr_assert_str_eq(api_str(endpoint(r.json, "lin-2"),
	    "deployment_target"), "unknown-target");
	cr_assert_eq(json_object_array_length(api_get(r.json, "warnings")), 1);
	api_free(&r);

	/* EDR: "assets". */
	snprintf(body, sizeof(body), "{\"provider\": \"edr\", \"channel\": "
	    "\"%s\", \"observed_at\": \"%s\", \"inventory\": {\"assets\": "
	    "[{\"id\": \"edr-1\", \"collection\": \"linux-amd64\", "
	    "\"installed_version\": \"1.2.3\", \"binary_sha256\": \"" SHA_C
	    "\"}]}}", ch, ts[2]);
	ingest(js(body), edr, sizeof(edr), &r);
	api_free(&r);

	snprintf(path, sizeof(path), "/endpoint-inventory-ingestions?channel="
	    "%s&deployment_target=linux-amd64", ch);
	flow_get(path, 200, &r);
	cr_assert_eq(count(r.json, "total"), 2);
	cr_assert_str_eq(api_str(r.json, "schema_version"),
	    "cavra.endpoint_inventory_ingestion.history.v1");
	api_free(&r);

	/* Freshness: jamf 30 h old (warning), intune 50 h (critical); the
	 * Linux ingestion's missing target warns for both its scopes. */
	snprintf(body, sizeof(body), "{\"channel\": \"%s\"}", ch);
	flow_post("/endpoint-inventory/freshness-report", body, 200, &r);
	rep = api_get(r.json, "report");
	cr_assert_str_eq(api_str(rep, "alert_level"), "critical");
	o = api_get(rep, "summary");
	cr_assert_eq(count(o, "scope_count"), 5);
	cr_assert_eq(count(o, "ingestion_count"), 4);
	cr_assert_eq(count(o, "healthy_count"), 3);
	cr_assert_eq(count(o, "warning_count"), 3);
	cr_assert_eq(count(o, "critical_count"), 1);
	e = scope(rep, "jamf", "macos-arm64");
	cr_assert_str_eq(api_str(e, "severity"), "warning");
	cr_assert(json_object_get_double(api_get(e, "age_hours")) >= 30.0 &&
	    json_object_get_double(api_get(e, "age_hours")) < 30.1);
	cr_assert_str_eq(api_str(scope(rep, "intune", "windows-x64"),
	    "severity"), "critical");
	cr_assert_str_eq(api_str(scope(rep, "linux", "unknown-target"),
	    "severity"), "healthy");
	cr_assert_eq(count(api_get(r.json, "metadata"), "blocked_count"), 1);
	api_free(&r);
	/* Thresholds moved past both ages: the jamf scope is healthy, the
	 * intune one only warns. */
	snprintf(body, sizeof(body), "{\"channel\": \"%s\", \"max_age_hours\": "
	    "31, \"critical_age_hours\": 51}", ch);
	flow_post("/endpoint-inventory/freshness-report", body, 200, &r);
	rep = api_get(r.json, "report");
	cr_assert_str_eq(api_str(scope(rep, "jamf", "macos-arm64"),
	    "severity"), "healthy");
	cr_assert_str_eq(api_str(scope(rep, "intune", "windows-x64"),
	    "severity"), "warning");
	cr_assert_str_eq(api_str(rep, "alert_level"), "warning");
	cr_assert_eq(count(api_get(rep, "summary"), "warning_count"), 3);
	api_free(&r);
	snprintf(path, sizeof(path), "/endpoint-inventory-freshness?channel="
	    "%s&provider=intune&alert_level=critical", ch);
	flow_get(path, 200, &r);
	cr_assert_eq(count(r.json, "total"), 1);
	api_free(&r);

	/* Reconcile the jamf inventory against a signed manifest: mac-1
	 * compliant, mac-2 on 1.2.2 drifts, linux-arm64 never observed. */
	m = manifest(t1);
	b = signed_body(m, 1, NULL);
	json_object_object_add(b, "observed_inventory", js(jamf_inv));
	post_obj("/endpoint-deployment/reconcile", b, 200, &r);
	rep = api_get(r.json, "report");
	cr_assert_str_eq(api_str(rep, "drift_status"), "drift_detected");
	cr_assert_str_eq(api_str(rep, "alert_level"), "critical");
	cr_assert_str_eq(api_str(api_get(rep, "manifest_signature"), "state"),
	    "verified");
	o = api_get(rep, "summary");
	cr_assert_eq(count(o, "compliant_endpoint_count"), 1);
	cr_assert_eq(count(o, "drifted_endpoint_count"), 1);
	cr_assert_eq(count(o, "missing_target_count"), 1);
	cr_assert_eq(count(o, "unknown_target_count"), 0);
	snprintf(rid, sizeof(rid), "%s", api_str(r.json,
	    "reconciliation_id"));
	cr_assert(strncmp(rid, "mer_", 4) == 0 && strlen(rid) == 16);
	cr_assert_eq(count(api_get(r.json, "metadata"), "blocked_count"), 2);
	api_free(&r);

	/* The same manifest changed after signing: refused, both when the
	 * signature names the digest and when it does not; and unsigned. */
	b = signed_body(m, 1, NULL);
	json_object_object_add(json_object_object_get(b, "desired_manifest"),
	    "version", json_object_new_string("6.6.6"));
	json_object_object_add(b, "observed_inventory", js(jamf_inv));
	post_obj("/endpoint-deployment/reconcile", b, 400, &r);
	flow_problem(&r, 400, "tampered");
	flow_problem(&r, 400, "subject_sha256");
	api_free(&r);
	b = signed_body(m, 0, NULL);
	o = sign(m, 0);
	json_object_object_add(b, "signature", o);
	json_object_object_add(json_object_object_get(b, "desired_manifest"),
	    "version", json_object_new_string("6.6.6"));
	json_object_object_add(b, "observed_inventory", js(jamf_inv));
	post_obj("/endpoint-deployment/reconcile", b, 400, &r);
	flow_problem(&r, 400, "does not verify");
	api_free(&r);
	b = signed_body(m, 0, NULL);
	json_object_object_add(b, "observed_inventory", js(jamf_inv));
	post_obj("/endpoint-deployment/reconcile", b, 400, &r);
	flow_problem(&r, 400, "signature is required");
	api_free(&r);

	/* Automations from stored ingestions: the Linux one drifts (lin-2
	 * reports no known target) and opens a request with a pending
	 * approval; the EDR one is aligned and opens none. */
	m2 = manifest(t2);
	snprintf(path, sizeof(path), "/endpoint-inventory-ingestions/%s/"
	    "reconcile", lnx);
	post_obj(path, signed_body(m2, 1, "{\"requested_by\": \"robot\"}"),
	    200, &r);
	o = api_get(r.json, "automation");
	cr_assert_str_eq(api_str(o, "drift_status"), "drift_detected");
	cr_assert_str_eq(api_str(o, "alert_level"), "warning");
	cr_assert_str_eq(api_str(o, "approval_state"), "pending");
	cr_assert_str_eq(api_str(o, "provider"), "linux");
	snprintf(qid2, sizeof(qid2), "%s", api_str(r.json, "request_id"));
	cr_assert(strncmp(qid2, "err_", 4) == 0);
	acts = api_get(api_get(r.json, "remediation_request"), "actions");
	cr_assert_eq(json_object_array_length(acts), 1);
	cr_assert_str_eq(api_str(json_object_array_get_idx(acts, 0),
	    "action_type"), "review_unknown_endpoint_target");
	cr_assert_eq(count(api_get(r.json, "metadata"),
	    "approval_required_count"), 1);
	api_free(&r);
	snprintf(path, sizeof(path), "/endpoint-inventory-ingestions/%s/"
	    "reconcile", edr);
	post_obj(path, signed_body(m2, 1, NULL), 200, &r);
	o = api_get(r.json, "automation");
	cr_assert_str_eq(api_str(o, "drift_status"), "aligned");
	cr_assert(json_object_get_type(api_get(r.json, "approval")) ==
	    json_type_null);
	api_free(&r);
	post_obj("/endpoint-inventory-ingestions/eii_000000000000/reconcile",
	    signed_body(m2, 1, NULL), 404, &r);
	flow_problem(&r, 404, "endpoint inventory ingestion not found");
	api_free(&r);

	/* A remediation request on the drifted reconciliation. */
	snprintf(path, sizeof(path), "/endpoint-reconciliations/%s/"
	    "remediation-request", rid);
	flow_post(path, "{\"strategy\": \"nuke\"}", 400, &r);
	flow_problem(&r, 400, "strategy must be one of: mixed, republish, "
	    "rollback");
	api_free(&r);
	flow_post("/endpoint-reconciliations/mer_000000000000/"
	    "remediation-request", "{}", 404, &r);
	flow_problem(&r, 404, "endpoint reconciliation not found");
	api_free(&r);
	flow_post(path,
	    "{\"strategy\": \"rollback\", \"requested_by\": \"rita\"}",
	    200, &r);
	o = api_get(r.json, "request");
	snprintf(qid, sizeof(qid), "%s", api_str(o, "request_id"));
	cr_assert_eq(count(o, "action_count"), 2);
	acts = api_get(o, "actions");
	for (i = 0; i < 2; i++) {
		e = json_object_array_get_idx(acts, i);
		cr_assert_str_eq(api_str(e, "action_type"), strcmp(api_str(e,
		    "drift_type"), "missing_observation") == 0 ?
		    "republish_endpoint_export" : "rollback_runtime");
	}
	o = api_get(r.json, "approval");
	snprintf(apid, sizeof(apid), "%s", api_str(o, "approval_id"));
	cr_assert_str_eq(api_str(o, "state"), "pending");
	cr_assert_str_eq(api_str(o, "approver_group"),
	    "Endpoint Change Advisory Board");
	cr_assert_str_eq(api_str(api_get(o, "decision"), "action_type"),
	    "endpoint_drift_remediation");
	cr_assert_str_eq(api_str(api_get(r.json, "metadata"), "signer"),
	    "rita");
	api_free(&r);

	/* Execution waits for the approval. */
	snprintf(path, sizeof(path), "/endpoint-remediations/%s/execute", qid);
	flow_post(path, "{\"executed_by\": \"ed\"}", 400, &r);
	flow_problem(&r, 400, "requires an approved approval record");
	api_free(&r);
	flow_post(path, "{\"approval_id\": \"apr_000000000000\"}", 404, &r);
	flow_problem(&r, 404, "approval not found");
	api_free(&r);
	flow_post("/endpoint-remediations/err_000000000000/execute", "{}", 404,
	    &r);
	flow_problem(&r, 404, "endpoint remediation request not found");
	api_free(&r);
	snprintf(body, sizeof(body), "/approvals/%s/approve", apid);
	flow_post(body,
	    "{\"actor\": \"carol\", \"reason\": \"drift confirmed\"}",
	    200, &r);
	api_free(&r);
	flow_post(path, "{\"executed_by\": \"ed\", \"execution_environment\": "
	    "\"prod\"}", 200, &r);
	o = api_get(r.json, "execution");
	cr_assert_str_eq(api_str(o, "execution_status"), "recorded");
	cr_assert_str_eq(api_str(api_get(o, "approval"), "state"), "approved");
	cr_assert_str_eq(api_str(api_get(o, "approval"), "decided_by"),
	    "carol");
	cr_assert_eq(json_object_array_length(api_get(o, "action_results")),
	    2);
	cr_assert_str_eq(api_str(json_object_array_get_idx(api_get(o,
	    "action_results"), 0), "status"),
	    "queued_for_private_connector_or_manual_execution");
	cr_assert(strncmp(api_str(o, "execution_id"), "ere_", 4) == 0);
	api_free(&r);

	/* Hand-off to Jira and Slack (an unknown name is dropped). */
	snprintf(path, sizeof(path), "/endpoint-remediations/%s/handoff", qid);
	flow_post(path, "{\"provider\": \"pager\"}", 400, &r);
	flow_problem(&r, 400, "provider must be one of");
	api_free(&r);
	flow_post(path, "{\"providers\": [\"jira\", \"Slack\", \"pager\"]}",
	    200,
	    &r);
	o = api_get(r.json, "handoff");
	snprintf(hid, sizeof(hid), "%s", api_str(o, "handoff_id"));
	cr_assert_eq(count(o, "provider_count"), 2);
	cr_assert_str_eq(api_str(o, "approval_state"), "approved");
	cr_assert(!json_object_get_boolean(api_get(o, "approval_required")));
	cr_assert_str_eq(api_str(api_get(api_get(o, "payloads"), "jira"),
	    "schema_version"), "cavra.endpoint-remediation-handoff.jira.v1");
	api_free(&r);

	/* Statuses: refusals first, then jira in progress (callback secrets
	 * redacted), slack blocked, jira completed. */
	snprintf(path, sizeof(path), "/endpoint-remediation-handoffs/%s/"
	    "status", hid);
	flow_post(path, "{\"provider\": \"jira\"}", 400, &r);
	flow_problem(&r, 400, "provider and status are required");
	api_free(&r);
	flow_post(path, "{\"provider\": \"jira\", \"status\": \"queued\", "
	    "\"callback_payload\": \"x\"}", 400, &r);
	flow_problem(&r, 400, "callback_payload must be an object");
	api_free(&r);
	flow_post(path, "{\"provider\": \"teams\", \"status\": \"queued\"}",
	    400,
	    &r);
	flow_problem(&r, 400, "provider is not present in the handoff "
	    "package");
	api_free(&r);
	flow_post(path, "{\"provider\": \"jira\", \"status\": \"done\"}", 400,
	    &r);
	flow_problem(&r, 400, "status must be one of: queued, delivered, "
	    "acknowledged, in_progress, blocked, completed, failed, "
	    "cancelled");
	api_free(&r);
	flow_post("/endpoint-remediation-handoffs/erh_000000000000/status",
	    "{\"provider\": \"jira\", \"status\": \"queued\"}", 404, &r);
	flow_problem(&r, 404, "endpoint remediation handoff not found");
	api_free(&r);
	flow_post(path, "{\"provider\": \"jira\", \"status\": \"In-Progress\", "
	    "\"external_ref\": \"OPS-1\", \"callback_payload\": {\"issue\": "
	    "{\"key\": \"OPS-1\", \"api_token\": \"s3cret\"}, "
	    "\"Authorization\": \"Bearer x\", \"hooks\": [{\"webhook_url\": "
	    "\"http://h\"}]}}", 200, &r);
	o = api_get(r.json, "status");
	cr_assert_str_eq(api_str(o, "status"), "in_progress");
	cb = api_get(o, "callback_payload");
	cr_assert_str_eq(api_str(api_get(cb, "issue"), "key"), "OPS-1");
	cr_assert_str_eq(api_str(api_get(cb, "issue"), "api_token"),
	    "[redacted]");
	cr_assert_str_eq(api_str(cb, "Authorization"), "[redacted]");
	cr_assert_str_eq(api_str(json_object_array_get_idx(api_get(cb,
	    "hooks"), 0), "webhook_url"), "[redacted]");
	cr_assert(strstr(r.body, "s3cret") == NULL);
	api_free(&r);
	flow_post(path, "{\"provider\": \"slack\", \"status\": \"blocked\"}",
	    200,
	    &r);
	cr_assert_eq(count(api_get(r.json, "metadata"), "blocked_count"), 1);
	api_free(&r);
	flow_post(path, "{\"provider\": \"jira\", \"status\": \"completed\"}",
	    200,
	    &r);
	api_free(&r);

	/* Lists. */
	flow_get("/endpoint-remediations?metadata_kind="
	    "endpoint-drift-remediation-execution", 200, &r);
	cr_assert_eq(count(r.json, "total"), 1);
	api_free(&r);
	snprintf(path, sizeof(path), "/endpoint-remediations?"
	    "reconciliation_id=%s", rid);
	flow_get(path, 200, &r);
	cr_assert_eq(count(r.json, "total"), 2);
	api_free(&r);
	flow_get("/endpoint-remediation-handoff-statuses?handoff_status="
	    "In-Progress", 200, &r);
	cr_assert_eq(count(r.json, "total"), 1);
	api_free(&r);
	flow_get("/endpoint-remediation-handoffs?provider=slack", 200, &r);
	cr_assert_eq(count(r.json, "total"), 1);
	api_free(&r);
	flow_get("/endpoint-reconciliation-automations?approval_state="
	    "pending", 200, &r);
	cr_assert_eq(count(r.json, "total"), 1);
	api_free(&r);
	flow_get("/endpoint-reconciliations?drift_status=aligned", 200, &r);
	cr_assert_eq(count(r.json, "total"), 1);
	api_free(&r);

	/* Dashboards. */
	dashboard("/endpoint-inventory-ingestions/dashboard", &d);
	cr_assert_eq(count(d.json, "total_ingestions"), 4);
	cr_assert_eq(count(d.json, "endpoint_count"), 6);
	cr_assert_eq(count(d.json, "missing_target_count"), 1);
	cr_assert_str_eq(api_str(d.json, "alert_level"), "warning");
	cr_assert_eq(json_object_array_length(api_get(d.json, "providers")),
	    4);
	api_free(&d);
	dashboard("/endpoint-inventory-freshness/dashboard", &d);
	cr_assert_eq(count(d.json, "report_count"), 2);
	cr_assert_eq(count(d.json, "critical_count"), 1);
	cr_assert_eq(count(d.json, "warning_count"), 6);
	cr_assert_eq(count(d.json, "alert_count"), 7);
	cr_assert_str_eq(api_str(d.json, "alert_level"), "critical");
	api_free(&d);
	dashboard("/endpoint-reconciliations/dashboard", &d);
	cr_assert_eq(count(d.json, "total_reconciliations"), 3);
	cr_assert_eq(count(d.json, "compliant_endpoint_count"), 3);
	cr_assert_eq(count(d.json, "drifted_endpoint_count"), 1);
	cr_assert_eq(count(d.json, "missing_target_count"), 1);
	cr_assert_eq(count(d.json, "stale_endpoint_count"), 0);
	cr_assert_eq(json_object_array_length(api_get(d.json, "alerts")), 2);
	cr_assert_str_eq(api_str(d.json, "alert_level"), "critical");
	api_free(&d);
	dashboard("/endpoint-reconciliation-automations/dashboard", &d);
	cr_assert_eq(count(d.json, "total_automations"), 2);
	cr_assert_eq(count(d.json, "drift_detected_count"), 1);
	cr_assert_eq(count(d.json, "request_count"), 1);
	cr_assert_eq(count(d.json, "pending_approval_count"), 1);
	cr_assert_str_eq(api_str(d.json, "alert_level"), "critical");
	api_free(&d);
	dashboard("/endpoint-remediations/dashboard", &d);
	cr_assert_eq(count(d.json, "request_count"), 2);
	cr_assert_eq(count(d.json, "execution_count"), 1);
	cr_assert_eq(count(d.json, "pending_approval_count"), 1);
	cr_assert_eq(count(d.json, "approved_execution_count"), 1);
	cr_assert_eq(count(d.json, "planned_action_count"), 3);
	cr_assert_str_eq(api_str(d.json, "alert_level"), "critical");
	api_free(&d);
	dashboard("/endpoint-remediation-handoffs/dashboard", &d);
	cr_assert_eq(count(d.json, "total_handoffs"), 1);
	cr_assert_eq(count(d.json, "pending_approval_count"), 0);
	cr_assert_eq(count(d.json, "action_count"), 2);
	cr_assert_eq(count(api_get(d.json, "providers"), "jira"), 1);
	cr_assert_eq(count(api_get(d.json, "providers"), "slack"), 1);
	cr_assert_str_eq(api_str(d.json, "alert_level"), "healthy");
	api_free(&d);
	dashboard("/endpoint-remediation-handoff-statuses/dashboard", &d);
	cr_assert_eq(count(d.json, "status_event_count"), 3);
	cr_assert_eq(count(d.json, "tracked_handoff_provider_count"), 2);
	cr_assert_eq(count(d.json, "completed_count"), 1);
	cr_assert_eq(count(d.json, "blocked_count"), 1);
	cr_assert_eq(count(d.json, "in_progress_count"), 0);
	cr_assert_eq(count(d.json, "failed_count"), 0);
	cr_assert_eq(count(api_get(d.json, "providers"), "jira"), 2);
	cr_assert_eq(count(api_get(d.json, "statuses"), "in_progress"), 1);
	cr_assert_str_eq(api_str(d.json, "alert_level"), "critical");
	api_free(&d);

	json_object_put(m);
	json_object_put(m2);
	free(jamf_inv);
}

/* Ingest and reconcile refusals (nothing is stored). */
API_TEST(endpoints_inventory, refusals)
{
	struct api_resp		 r;
	struct json_object	*m, *b;
	const char *const	 t[] = { "x:" SHA_A ":jamf", NULL };

	flow_post("/endpoint-inventory/ingest", "{}", 400, &r);
	flow_problem(&r, 400, "provider and inventory object are required");
	api_free(&r);
	flow_post("/endpoint-inventory/ingest", "{\"provider\": \"jamf\", "
	    "\"inventory\": []}", 400, &r);
	flow_problem(&r, 400, "provider and inventory object are required");
	api_free(&r);
	flow_post("/endpoint-inventory/ingest", "{\"provider\": \"sccm\", "
	    "\"inventory\": {}}", 400, &r);
	flow_problem(&r, 400, "provider must be one of: jamf, intune, "
	    "linux, edr");
	api_free(&r);
	flow_post("/endpoint-inventory/freshness-report",
	    "{\"max_age_hours\": 0}",
	    400, &r);
	api_assert_problem(&r, 400);
	api_free(&r);
	flow_post("/endpoint-deployment/reconcile",
	    "{\"desired_manifest\": {}}",
	    400, &r);
	flow_problem(&r, 400, "desired_manifest and observed_inventory are "
	    "required objects");
	api_free(&r);
	m = manifest(t);
	b = signed_body(m, 1, NULL);
	json_object_object_add(b, "observed_inventory", js("{\"schema_version"
	    "\": \"other\"}"));
	post_obj("/endpoint-deployment/reconcile", b, 400, &r);
	flow_problem(&r, 400, "observed endpoint inventory has an invalid "
	    "schema_version");
	api_free(&r);
	json_object_put(m);
}
