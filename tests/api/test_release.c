/*
 * Release governance (cavra-evidence) and endpoint-management exports
 * (cavra-endpoints) through the real stack, on both store backends
 * (tests/data/test_release.env: a writable artifact root, the
 * throw-away promotion signing key, connectors whose webhook and jamf
 * go to an http-recv receiver answering 200 and whose linux goes to one
 * answering 500):
 *
 * - promotion request -> approval -> execution (refused before the
 *   approval, and for a tampered or re-signed request) -> audit export
 *   -> delivery -> rollback execution with a rollback approval opened
 *   by POST /approvals -> delivery;
 * - release channel promotion requests listed and read;
 * - an export listed, counted, its artifacts listed, served and bundled,
 *   published (one provider failing, then one succeeding), refused for
 *   a provider it lacks and for a file that no longer matches its
 *   checksums, and the publications listed and counted.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cv_arena.h"
#include "cv_crypto.h"
#include "cv_json.h"
#include "extra.h"
#include "flow.h"
#include "harness.h"

#define ID_LEN		128
#define PATH_LEN	2048
#define BODY_LEN	16384
#define HEX_LEN		(2 * CV_SHA256_LEN + 1)

#ifndef nitems
#define nitems(a)	(sizeof(a) / sizeof((a)[0]))
#endif
#define uid(buf, prefix)	api_uid(buf, ID_LEN, prefix)

static const char *
root(void)
{
	const char	*r;

	cr_assert_not_null(r = getenv("CAVRA_EVIDENCE_ARTIFACT_ROOT"));
	return r;
}

/* Whether id is prefix and the first 12 hex digits of sha256(material). */
static void
assert_id(const char *id, const char *prefix, const char *material)
{
	char	 h[HEX_LEN];

	flow_sha_hex(material, strlen(material), h);
	cr_assert(strncmp(id, prefix, strlen(prefix)) == 0 &&
	    strlen(id) == strlen(prefix) + 12 && strncmp(id + strlen(prefix),
	    h, 12) == 0, "id %s is not %s over %s", id, prefix, material);
}

/* Integer member key of a GET answer. */
static long long
int_of(const char *path, const char *key)
{
	struct api_resp	 r;
	long long	 n;

	flow_get(path, 200, &r);
	n = api_int(r.json, key);
	api_free(&r);
	return n;
}

/* A staged rollout bundle of sid (two deployment targets, one with two
 * rollback steps) under the root, and its metadata. */
static void
rollout(const char *sid)
{
	char	 dir[PATH_LEN], ev[BODY_LEN], sums[512], body[BODY_LEN];
	char	 h1[HEX_LEN], h2[HEX_LEN];
	const char *md = "# Rollout\n";

	snprintf(dir, sizeof(dir), "%s/rollouts/%s", root(), sid);
	flow_mkdir_p(dir);
	snprintf(ev, sizeof(ev), "{\"schema_version\":"
	    "\"cavra.go-runtime.endpoint-rollout-evidence.v1\",\"product\":"
	    "\"CAVRA\",\"rollout_id\":\"%s\",\"environment\":\"production\","
	    "\"rollout_ring\":\"staging\",\"status\":\"staged\",\"actor\":"
	    "\"release-manager\",\"change_record\":\"CHG-7\",\"release\":"
	    "{\"version\":\"1.2.3\",\"repository\":\"acme/cavra\"},"
	    "\"deployment_targets\":[{\"id\":\"t-b\",\"rollback_steps\":"
	    "[\"stop\",\"restore\"]},{\"id\":\"t-a\"}],\"controls\":"
	    "[\"rollout-evidence-checksummed\"]}\n", sid);
	flow_write_in(dir, "managed-endpoint-rollout-evidence.json", ev);
	flow_write_in(dir, "managed-endpoint-rollout-evidence.md", md);
	flow_sha_hex(ev, strlen(ev), h1);
	flow_sha_hex(md, strlen(md), h2);
	snprintf(sums, sizeof(sums), "%s  managed-endpoint-rollout-evidence."
	    "json\n%s  managed-endpoint-rollout-evidence.md\n", h1, h2);
	flow_write_in(dir, "checksums.txt", sums);
	snprintf(body, sizeof(body), "{\"session_id\":\"%s\",\"metadata_kind\":"
	    "\"managed-endpoint-rollout\",\"bundle_dir\":\"%s\","
	    "\"rollout_status\":\"staged\"}", sid, dir);
	flow_seed(body);
}

/*
 * A copy of request with target_ring changed (JSON text, malloc'ed):
 * resign 0 leaves the signature as it was; 1 recomputes its
 * payload_sha256 over the changed payload (the signature value left as
 * it was); 2 signs it properly with another key.
 */
static char *
tampered(struct json_object *request, int resign)
{
	struct cv_arena		 a;
	struct json_object	*c, *sig, *u;
	unsigned char		 raw[CV_ED25519_SIG_LEN];
	const char		*canon;
	char			 h[HEX_LEN], *out, *pem, *pub;

	cv_arena_init(&a);
	c = json_tokener_parse(json_object_to_json_string(request));
	cr_assert_not_null(c);
	json_object_object_add(c, "target_ring", json_object_new_string(
	    "canary"));
	if (resign) {
		u = json_tokener_parse(json_object_to_json_string(c));
		json_object_object_del(u, "signature");
		canon = cv_json_canonical(&a, u);
		flow_sha_hex(canon, strlen(canon), h);
		sig = api_get(c, "signature");
		json_object_object_add(sig, "payload_sha256",
		    json_object_new_string(h));
		if (resign == 2) {
			pem = flow_ed25519(NULL);
			cr_assert_eq(cv_ed25519_sign(&a, pem, canon,
			    strlen(canon), raw, &pub), 0);
			free(pem);
			json_object_object_add(sig, "public_key_pem",
			    json_object_new_string(pub));
			flow_sha_hex(pub, strlen(pub), h);
			json_object_object_add(sig, "public_key_sha256",
			    json_object_new_string(h));
			json_object_object_add(sig, "value",
			    json_object_new_string(cv_b64_encode(&a, raw,
			    sizeof(raw))));
		}
		json_object_put(u);
	}
	out = strdup(json_object_to_json_string_ext(c,
	    JSON_C_TO_STRING_PLAIN));
	json_object_put(c);
	cv_arena_free(&a);
	return out;
}

/*
 * Promotion request -> approval -> execution -> audit export ->
 * delivery -> rollback execution -> delivery, with the refusals.
 */
API_TEST(release, promotion_chain)
{
	struct api_resp		 r, q;
	struct json_object	*request, *x, *rec, *ev, *rb;
	char			 sid[ID_LEN], group[ID_LEN], path[PATH_LEN];
	char			 body[BODY_LEN], m[PATH_LEN], *bad;
	char			 appr[ID_LEN], rappr[ID_LEN], exec[ID_LEN];
	char			 rbid[ID_LEN], *reqtext;
	int			 ok0;

	uid(sid, "ro");
	uid(group, "CAB");
	rollout(sid);
	snprintf(path, sizeof(path), "/evidence/%s/promotion-request", sid);
	snprintf(body, sizeof(body), "{\"require_package_verification\":false,"
	    "\"approver_group\":\"%s\",\"requested_by\":\"alice\"}", group);
	flow_post(path, body, 200, &q);
	request = api_get(q.json, "request");
	reqtext = strdup(json_object_to_json_string_ext(request,
	    JSON_C_TO_STRING_PLAIN));
	snprintf(appr, sizeof(appr), "%s", api_str(api_get(q.json,
	    "approval"), "approval_id"));

	/* Refused while the approval is pending; unknown parents. */
	snprintf(path, sizeof(path), "/evidence/%s/promotion-execution", sid);
	snprintf(body, sizeof(body), "{\"request\":%s}", reqtext);
	flow_post_fails(path, body, 400,
	    "rollout promotion execution requires an "
	    "approved approval record");
	flow_post_fails(path, "{}", 400, "promotion execution requires request "
	    "payload");
	snprintf(body, sizeof(body), "{\"request\":%s,\"approval_id\":"
	    "\"apr_none\"}", reqtext);
	flow_post_fails(path, body, 404, "approval not found");
	snprintf(m, sizeof(m), "/evidence/none-%s/promotion-execution", sid);
	snprintf(body, sizeof(body), "{\"request\":%s}", reqtext);
	flow_post_fails(m, body, 404, "evidence metadata not found");

	snprintf(m, sizeof(m), "/approvals/%s/approve", appr);
	flow_post(m, "{\"actor\":\"bob\",\"reason\":\"change approved\"}", 200,
	    &r);
	api_free(&r);

	/* A changed payload is refused: by its digest, and (digest
	 * recomputed) by the Ed25519 signature. */
	bad = tampered(request, 0);
	snprintf(body, sizeof(body), "{\"request\":%s}", bad);
	flow_post_fails(path, body, 400,
	    "rollout promotion request payload digest "
	    "mismatch");
	free(bad);
	bad = tampered(request, 1);
	snprintf(body, sizeof(body), "{\"request\":%s}", bad);
	flow_post_fails(path, body, 400,
	    "rollout promotion request signature is "
	    "invalid");
	free(bad);
	bad = tampered(request, 2);
	snprintf(body, sizeof(body), "{\"request\":%s}", bad);
	flow_post_fails(path, body, 400,
	    "rollout promotion request is not signed "
	    "with this server's promotion signing key");
	free(bad);

	/* The execution. */
	snprintf(body, sizeof(body), "{\"request\":%s,\"executed_by\":"
	    "\"carol\",\"notes\":\"go\"}", reqtext);
	flow_post(path, body, 200, &r);
	cr_assert(json_object_get_boolean(api_get(r.json, "valid")));
	x = api_get(r.json, "execution");
	snprintf(exec, sizeof(exec), "%s", api_str(x, "execution_id"));
	snprintf(m, sizeof(m), "%s:%s", api_str(request, "request_id"), appr);
	assert_id(exec, "rpe_", m);
	cr_assert_str_eq(api_str(x, "schema_version"),
	    "cavra.go-runtime.endpoint-rollout-promotion-execution.v1");
	cr_assert_str_eq(api_str(x, "executed_by"), "carol");
	cr_assert_str_eq(api_str(x, "execution_status"), "executed");
	cr_assert_str_eq(api_str(api_get(x, "ring_advancement"), "from"),
	    "staging");
	cr_assert_str_eq(api_str(api_get(x, "ring_advancement"), "to"),
	    "production");
	cr_assert_str_eq(api_str(api_get(x, "approval"), "decided_by"), "bob");
	cr_assert_str_eq(json_object_get_string(json_object_array_get_idx(
	    api_get(x, "controls"), 0)),
	    "promotion-request-signature-verified");
	cr_assert_eq(json_object_array_length(api_get(x,
	    "rollback_evidence_refs")), 2);
	rec = api_get(r.json, "metadata");
	cr_assert_str_eq(api_str(rec, "session_id"), exec);
	cr_assert_str_eq(api_str(rec, "metadata_kind"),
	    "rollout-promotion-execution");
	cr_assert_str_eq(api_str(rec, "rollout_status"), "promoted");
	cr_assert_str_eq(api_str(rec, "approval_state"), "approved");
	cr_assert_str_eq(api_str(rec, "signer"), "carol");
	api_free(&r);

	/* Listed, read, exported. */
	snprintf(m, sizeof(m), "/promotion-executions?rollout_id=%s", sid);
	cr_assert_eq(flow_total(m), 1);
	snprintf(m, sizeof(m), "/promotion-executions?rollout_id=%s&"
	    "target_ring=canary", sid);
	cr_assert_eq(flow_total(m), 0);
	snprintf(m, sizeof(m), "/promotion-executions?rollout_id=%s&"
	    "deployment_target=t-a&approval_state=approved", sid);
	cr_assert_eq(flow_total(m), 1);
	snprintf(m, sizeof(m), "/promotion-executions/%s", exec);
	flow_get(m, 200, &r);
	cr_assert_str_eq(api_str(r.json, "session_id"), exec);
	api_free(&r);
	flow_get_fails("/promotion-executions/rpe_none", 404,
	    "promotion execution "
	    "not found");
	snprintf(m, sizeof(m), "/promotion-executions/%s", sid);
	flow_get_fails(m, 404, "promotion execution not found");
	snprintf(m, sizeof(m), "/promotion-executions/%s/audit-export", exec);
	flow_get(m, 200, &r);
	cr_assert_str_eq(api_str(r.json, "schema_version"),
	    "cavra.rollout-promotion.audit-export.v1");
	ev = api_get(r.json, "event");
	cr_assert_str_eq(api_str(ev, "event_type"),
	    "cavra.rollout_promotion_execution");
	cr_assert_str_eq(api_str(ev, "execution_id"), exec);
	cr_assert_eq(api_int(ev, "rollback_reference_count"), 2);
	snprintf(m, sizeof(m), "promotion-execution://%s", exec);
	cr_assert_str_eq(api_str(api_get(ev, "audit_links"),
	    "promotion_execution"), m);
	api_free(&r);

	/* Delivered to the webhook receiver. */
	ok0 = flow_posts("ok", "POST /", exec, NULL);
	snprintf(m, sizeof(m), "/promotion-executions/%s/audit-export/deliver",
	    exec);
	flow_post(m, "{\"provider\":\"webhook\",\"retries\":0}", 200, &r);
	cr_assert(json_object_get_boolean(api_get(r.json, "success")));
	cr_assert_str_eq(api_str(r.json, "event_id"), exec);
	cr_assert_str_eq(api_str(api_get(r.json, "metadata"),
	    "connector_delivery_source"), "release_governance_promotion");
	api_free(&r);
	cr_assert_eq(flow_posts("ok", "POST /", exec, NULL), ok0 + 1);
	flow_post_fails("/promotion-executions/rpe_none/audit-export/deliver",
	    "{}",
	    404, "promotion execution not found");

	/* Rollback: needs an approval id, of a rollback approval. */
	snprintf(m, sizeof(m), "/promotion-executions/%s/rollback-execution",
	    exec);
	flow_post_fails(m, "{}", 400,
	    "rollback execution requires approval_id");
	snprintf(body, sizeof(body), "{\"approval_id\":\"%s\"}", appr);
	flow_post_fails(m, body, 400, "approval decision action_type does not "
	    "authorize rollout rollback");
	snprintf(body, sizeof(body), "{\"decision\":{\"decision_id\":\"%s:"
	    "rollback\",\"session_id\":\"%s\",\"action_type\":"
	    "\"release_rollback_endpoint_rollout\",\"decision\":"
	    "\"require_approval\",\"metadata\":{\"promotion_execution_id\":"
	    "\"%s\",\"target_ring\":\"production\"}},\"approver_group\":"
	    "\"%s\",\"requested_by\":\"alice\"}", exec, sid, exec, group);
	flow_post("/approvals", body, 200, &r);
	snprintf(rappr, sizeof(rappr), "%s", api_str(r.json, "approval_id"));
	api_free(&r);
	snprintf(body, sizeof(body), "{\"approval_id\":\"%s\"}", rappr);
	flow_post_fails(m, body, 400, "rollout rollback execution requires an "
	    "approved approval record");
	snprintf(path, sizeof(path), "/approvals/%s/approve", rappr);
	flow_post(path, "{\"actor\":\"bob\",\"reason\":\"roll back\"}", 200,
	    &r);
	api_free(&r);
	snprintf(body, sizeof(body), "{\"approval_id\":\"%s\",\"executed_by\":"
	    "\"dave\"}", rappr);
	flow_post(m, body, 200, &r);
	rb = api_get(r.json, "rollback");
	snprintf(rbid, sizeof(rbid), "%s", api_str(rb, "rollback_id"));
	snprintf(m, sizeof(m), "%s:%s", exec, rappr);
	assert_id(rbid, "rre_", m);
	cr_assert_str_eq(api_str(rb, "promotion_execution_id"), exec);
	cr_assert_str_eq(api_str(api_get(rb, "ring_rollback"), "from"),
	    "production");
	cr_assert_str_eq(api_str(api_get(rb, "ring_rollback"), "to"),
	    "staging");
	cr_assert_str_eq(api_str(rb, "rollback_reason"), "Rollback approved "
	    "from promotion execution audit.");
	cr_assert_str_eq(api_str(api_get(r.json, "metadata"), "rollout_status"),
	    "rolled_back");
	api_free(&r);
	snprintf(m, sizeof(m), "/rollback-executions/%s", rbid);
	flow_get(m, 200, &r);
	cr_assert_str_eq(api_str(r.json, "rollback_execution_status"),
	    "executed");
	api_free(&r);
	snprintf(m, sizeof(m), "/rollback-executions/%s", exec);
	flow_get_fails(m, 404, "rollback execution not found");
	snprintf(m, sizeof(m), "/evidence?metadata_kind=rollout-rollback-"
	    "execution&session_id=%s", rbid);
	cr_assert_eq(flow_total(m), 1);

	ok0 = flow_posts("ok", "POST /", rbid, NULL);
	snprintf(m, sizeof(m), "/rollback-executions/%s/deliver", rbid);
	flow_post(m, "{\"provider\":\"webhook\",\"retries\":0}", 200, &r);
	cr_assert(json_object_get_boolean(api_get(r.json, "success")));
	cr_assert_str_eq(api_str(r.json, "event_id"), rbid);
	cr_assert_str_eq(api_str(r.json, "event_type"),
	    "cavra.rollout_rollback_execution");
	cr_assert_str_eq(api_str(api_get(r.json, "metadata"),
	    "connector_delivery_source"), "release_governance_rollback");
	api_free(&r);
	cr_assert_eq(flow_posts("ok", "POST /", rbid, NULL), ok0 + 1);
	snprintf(m, sizeof(m), "/rollback-executions/%s/deliver", exec);
	flow_post_fails(m, "{}", 404, "rollback execution not found");
	free(reqtext);
	api_free(&q);
}

/* Release channel promotion requests: listed by channel, read. */
API_TEST(release, channel_promotions)
{
	struct api_resp	 r;
	char		 ch[ID_LEN], a[ID_LEN], b[ID_LEN], body[BODY_LEN];
	char		 path[PATH_LEN];

	uid(ch, "stable");
	uid(a, "rcp_a");
	uid(b, "rcp_b");
	snprintf(body, sizeof(body), "{\"session_id\":\"%s\",\"metadata_kind\":"
	    "\"release-channel-promotion-request\",\"channel\":\"%s\","
	    "\"target_ring\":\"production\",\"approval_id\":\"apr_%s\"}", a,
	    ch, a);
	flow_seed(body);
	snprintf(body, sizeof(body), "{\"session_id\":\"%s\",\"metadata_kind\":"
	    "\"release-channel-promotion-request\",\"channel\":\"%s\","
	    "\"target_ring\":\"canary\"}", b, ch);
	flow_seed(body);
	snprintf(path, sizeof(path), "/release-channel-promotions?channel=%s",
	    ch);
	cr_assert_eq(flow_total(path), 2);
	snprintf(path, sizeof(path), "/release-channel-promotions?channel=%s&"
	    "target_ring=canary", ch);
	cr_assert_eq(flow_total(path), 1);
	snprintf(path, sizeof(path), "/release-channel-promotions?channel=%s&"
	    "approval_id=apr_%s", ch, a);
	cr_assert_eq(flow_total(path), 1);
	snprintf(path, sizeof(path), "/release-channel-promotions/%s", a);
	flow_get(path, 200, &r);
	cr_assert_str_eq(api_str(r.json, "channel"), ch);
	api_free(&r);
	flow_get_fails("/release-channel-promotions/rcp_none", 404, "release "
	    "channel promotion request not found");
}

static const char *const export_files[] = {
	"endpoint-management-export-manifest.json",
	"endpoint-management-export-manifest.md",
	"jamf-policy.json",
	"linux-fleet-manifest.json",
	"linux-install-cavra-runtime.sh",
};

/* An export of jamf and linux for channel ch under the root, with its
 * checksums, and its metadata (approval pending). */
static void
export_make(const char *eid, const char *ch, char *dir, size_t dirlen)
{
	char	 manifest[BODY_LEN], body[2 * BODY_LEN], sums[2048], jamf[512];
	char	 h[HEX_LEN];
	const char *text[nitems(export_files)];
	size_t	 i, n = 0;

	snprintf(dir, dirlen, "%s/exports/%s", root(), eid);
	flow_mkdir_p(dir);
	snprintf(manifest, sizeof(manifest), "{\"schema_version\":"
	    "\"cavra.endpoint-management-export.v1\",\"channel\":\"%s\","
	    "\"providers\":[\"linux\",\"jamf\"],\"release\":{\"version\":"
	    "\"1.2.3\"},\"approval\":{\"required\":true,\"approval_id\":"
	    "\"apr_%s\",\"request_id\":\"rcp_%s\"},\"files\":["
	    "\"endpoint-management-export-manifest.json\","
	    "\"endpoint-management-export-manifest.md\",\"jamf-policy.json\","
	    "\"linux-fleet-manifest.json\","
	    "\"linux-install-cavra-runtime.sh\"]}", ch, eid, eid);
	text[0] = manifest;
	text[1] = "# Export\n";
	snprintf(jamf, sizeof(jamf), "{\"schema_version\":"
	    "\"cavra.endpoint-management.jamf.v1\",\"policy_name\":"
	    "\"CAVRA Go Runtime %s\"}", ch);
	text[2] = jamf;
	text[3] = "{\"schema_version\":\"cavra.endpoint-management.linux.v1\"}";
	text[4] = "#!/bin/sh\nexit 0\n";
	for (i = 0; i < nitems(export_files); i++) {
		flow_write_in(dir, export_files[i], text[i]);
		flow_sha_hex(text[i], strlen(text[i]), h);
		n += (size_t)snprintf(sums + n, sizeof(sums) - n, "%s  %s\n", h,
		    export_files[i]);
	}
	flow_write_in(dir, "checksums.txt", sums);
	snprintf(body, sizeof(body), "{\"session_id\":\"%s\",\"metadata_kind\":"
	    "\"endpoint-management-export\",\"export_id\":\"%s\",\"channel\":"
	    "\"%s\",\"providers\":[\"jamf\",\"linux\"],\"approval_id\":"
	    "\"apr_%s\",\"approval_state\":\"pending\","
	    "\"approval_required_count\":1,\"request_id\":\"rcp_%s\","
	    "\"bundle_dir\":\"%s\",\"files\":[\"endpoint-management-export-"
	    "manifest.json\",\"endpoint-management-export-manifest.md\","
	    "\"jamf-policy.json\",\"linux-fleet-manifest.json\","
	    "\"linux-install-cavra-runtime.sh\"],\"manifest\":%s}", eid, eid,
	    ch, eid, eid, dir, manifest);
	flow_seed(body);
}

/* Member key of the dashboard's object member obj (0 when absent). */
static long long
dash_count(const char *path, const char *obj, const char *key)
{
	struct api_resp		 r;
	struct json_object	*o, *v;
	long long		 n = 0;

	flow_get(path, 200, &r);
	o = api_get(r.json, obj);
	if (json_object_object_get_ex(o, key, &v))
		n = json_object_get_int64(v);
	api_free(&r);
	return n;
}

#define EXP	"/endpoint-management-exports"
#define PUBS	"/endpoint-management-publications"

/*
 * An export: listed, counted, its files served and bundled, published
 * (linux failing, then jamf alone succeeding), refusals, publications
 * listed and counted.
 */
API_TEST(release, export_publish)
{
	struct api_resp		 r;
	struct json_object	*ev, *arts, *md;
	char			 eid[ID_LEN], ch[ID_LEN], dir[PATH_LEN];
	char			 path[PATH_LEN], m[PATH_LEN], *h;
	long long		 tot, pend, files, jamf, pubs, good, bad;
	int			 ok0, bad0;

	uid(eid, "eme");
	uid(ch, "ch");
	tot = int_of(EXP "/dashboard", "total_exports");
	pend = int_of(EXP "/dashboard", "pending_approval_exports");
	files = int_of(EXP "/dashboard", "total_files");
	jamf = dash_count(EXP "/dashboard", "providers", "jamf");
	export_make(eid, ch, dir, sizeof(dir));

	snprintf(path, sizeof(path), EXP "?channel=%s", ch);
	cr_assert_eq(flow_total(path), 1);
	snprintf(path, sizeof(path), EXP "?channel=%s&provider=jamf&"
	    "approval_id=apr_%s&request_id=rcp_%s", ch, eid, eid);
	cr_assert_eq(flow_total(path), 1);
	snprintf(path, sizeof(path), EXP "?channel=%s&provider=intune", ch);
	cr_assert_eq(flow_total(path), 0);
	flow_get(EXP "/dashboard", 200, &r);
	cr_assert_str_eq(api_str(r.json, "schema_version"),
	    "cavra.endpoint_management.export_dashboard.v1");
	cr_assert_eq(api_int(r.json, "total_exports"), tot + 1);
	cr_assert_eq(api_int(r.json, "pending_approval_exports"), pend + 1);
	cr_assert_eq(api_int(r.json, "total_files"), files + 5);
	cr_assert_eq(api_int(api_get(r.json, "channels"), ch), 1);
	cr_assert_str_eq(api_str(r.json, "alert_level"), "warning");
	api_free(&r);
	cr_assert_eq(dash_count(EXP "/dashboard", "providers", "jamf"),
	    jamf + 1);
	snprintf(path, sizeof(path), EXP "/%s", eid);
	flow_get(path, 200, &r);
	cr_assert_str_eq(api_str(r.json, "channel"), ch);
	api_free(&r);
	flow_get_fails(EXP "/eme_none", 404,
	    "endpoint management export not found");

	/* Artifacts: listed with their download URLs, served, bundled. */
	snprintf(path, sizeof(path), EXP "/%s/artifacts", eid);
	flow_get(path, 200, &r);
	cr_assert_eq(api_int(r.json, "artifact_count"), 6, "%s", r.body);
	arts = api_get(r.json, "artifacts");
	snprintf(m, sizeof(m), EXP "/%s/artifacts/%s", eid,
	    api_str(json_object_array_get_idx(arts, 0), "artifact"));
	cr_assert_str_eq(api_str(json_object_array_get_idx(arts, 0),
	    "download_url"), m);
	snprintf(m, sizeof(m), EXP "/%s/artifact-bundle", eid);
	cr_assert_str_eq(api_str(r.json, "bundle_download_url"), m);
	api_free(&r);
	snprintf(path, sizeof(path), EXP "/%s/artifacts/jamf-policy.json",
	    eid);
	flow_get(path, 200, &r);
	h = api_header(&r, "X-Cavra-Artifact-Kind");
	cr_assert_str_eq(h, "jamf-policy");
	free(h);
	api_free(&r);
	snprintf(path, sizeof(path), EXP "/eme_none/artifacts/jamf-policy."
	    "json");
	flow_get_fails(path, 404, "endpoint management export not found");
	snprintf(path, sizeof(path), EXP "/%s/artifact-bundle", eid);
	flow_get(path, 200, &r);
	h = api_header(&r, "X-Cavra-Artifact-Count");
	cr_assert_str_eq(h, "6");
	free(h);
	api_free(&r);

	/* Published to jamf (200) and linux (500). */
	pubs = int_of(PUBS "/dashboard", "total_publications");
	good = int_of(PUBS "/dashboard", "successful_publications");
	bad = int_of(PUBS "/dashboard", "failed_publications");
	ok0 = flow_posts("ok", "POST /", ch, NULL);
	bad0 = flow_posts("bad", "POST /", ch, NULL);
	snprintf(path, sizeof(path), EXP "/%s/publish", eid);
	flow_post(path, "{\"retries\":0,\"requested_by\":\"erin\"}", 200, &r);
	cr_assert_eq(json_object_array_length(api_get(r.json, "providers")),
	    2);
	snprintf(m, sizeof(m), "%s:%s:1.2.3:jamf,linux", eid, ch);
	assert_id(api_str(r.json, "publication_id"), "emp_", m);
	ev = api_get(r.json, "event");
	cr_assert_str_eq(api_str(ev, "requested_by"), "erin");
	cr_assert_eq(json_object_array_length(api_get(ev, "artifacts")), 6);
	cr_assert_str_eq(api_str(api_get(api_get(api_get(ev,
	    "provider_payloads"), "jamf"), "publication_context"), "provider"),
	    "jamf");
	cr_assert(!json_object_get_boolean(api_get(api_get(r.json,
	    "delivery"), "success")));
	md = api_get(r.json, "metadata");
	cr_assert_str_eq(api_str(md, "metadata_kind"),
	    "endpoint-management-publication-delivery");
	cr_assert(strncmp(api_str(md, "session_id"), "epd-", 4) == 0);
	cr_assert_str_eq(json_object_get_string(json_object_array_get_idx(
	    api_get(md, "failed_providers"), 0)), "linux");
	cr_assert_eq(api_int(md, "blocked_count"), 1);
	api_free(&r);
	cr_assert_eq(flow_posts("ok", "POST /", ch, NULL), ok0 + 1);
	cr_assert_eq(flow_posts("bad", "POST /", ch, NULL), bad0 + 1);
	/* The jamf body is the export's jamf-policy.json. */
	snprintf(m, sizeof(m), "\"policy_name\":\"CAVRA Go Runtime %s\"", ch);
	cr_assert_eq(flow_posts("ok", "POST /", m, NULL), 1);
	flow_post(path, "{\"provider\":\"jamf\",\"retries\":0}", 200, &r);
	cr_assert(json_object_get_boolean(api_get(api_get(r.json,
	    "delivery"), "success")));
	api_free(&r);
	cr_assert_eq(flow_posts("ok", "POST /", ch, NULL), ok0 + 2);

	/* Refused: a provider the export lacks or that is not one. */
	flow_post_fails(path, "{\"provider\":\"intune\"}", 400, "provider not "
	    "present in endpoint export: intune");
	flow_post_fails(path, "{\"provider\":\"sccm\"}", 400, "unsupported "
	    "endpoint-management publication provider: sccm");
	flow_post_fails(EXP "/eme_none/publish", "{}", 404,
	    "endpoint management "
	    "export not found");

	snprintf(m, sizeof(m), PUBS "?export_id=%s", eid);
	cr_assert_eq(flow_total(m), 2);
	snprintf(m, sizeof(m), PUBS "?export_id=%s&success=false", eid);
	cr_assert_eq(flow_total(m), 1);
	snprintf(m, sizeof(m), PUBS "?export_id=%s&provider=linux", eid);
	cr_assert_eq(flow_total(m), 1);
	snprintf(m, sizeof(m), PUBS "?channel=%s", ch);
	flow_get(m, 200, &r);
	cr_assert_str_eq(api_str(r.json, "schema_version"),
	    "cavra.endpoint_management.publication_history.v1");
	cr_assert_eq(api_int(r.json, "total"), 2);
	api_free(&r);
	flow_get(PUBS "/dashboard", 200, &r);
	cr_assert_eq(api_int(r.json, "total_publications"), pubs + 2);
	cr_assert_eq(api_int(r.json, "successful_publications"), good + 1);
	cr_assert_eq(api_int(r.json, "failed_publications"), bad + 1);
	cr_assert_str_eq(api_str(r.json, "alert_level"), "warning");
	api_free(&r);

	/* A file that no longer matches checksums.txt is neither served,
	 * bundled nor published. */
	flow_write_in(dir, "jamf-policy.json", "{\"changed\":true}");
	ok0 = flow_posts("ok", "POST /", ch, NULL);
	snprintf(path, sizeof(path), EXP "/%s/artifacts/jamf-policy.json",
	    eid);
	flow_get_fails(path, 400, "artifact checksum verification failed: "
	    "jamf-policy.json");
	snprintf(path, sizeof(path), EXP "/%s/artifact-bundle", eid);
	flow_get_fails(path, 400, "artifact checksum verification failed");
	snprintf(path, sizeof(path), EXP "/%s/publish", eid);
	flow_post_fails(path, "{\"provider\":\"jamf\"}", 400, "endpoint export "
	    "artifact checksum mismatch: jamf-policy.json");
	cr_assert_eq(flow_posts("ok", "POST /", ch, NULL), ok0);
	snprintf(m, sizeof(m), PUBS "?export_id=%s", eid);
	cr_assert_eq(flow_total(m), 2);
}
