/*
 * API tests of cavra-evidence: metadata upsert, lookup and every list
 * filter on both store backends (record-contracts.md 14 items 1-2); on a
 * stack of its own with CAVRA_EVIDENCE_ARTIFACT_ROOT, the artifact
 * listing, downloads, the ZIP bundle (read back with libzip) and the
 * refusals of names and paths that leave a session directory (item 3);
 * and, with a throw-away Ed25519 key, signed promotion requests and
 * their pending approvals (item 16).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zip.h>

#include <criterion/hooks.h>

#include "cv_arena.h"
#include "cv_crypto.h"
#include "cv_json.h"
#include "extra.h"
#include "flow.h"
#include "harness.h"

#define ID_LEN		128
#define PATH_LEN	2048
#define BODY_LEN	8192

#ifndef nitems
#define nitems(a)	(sizeof(a) / sizeof((a)[0]))
#endif

#define uid(buf, prefix)	api_uid(buf, ID_LEN, prefix)

/* The total of GET /evidence?<query>, and its item ids in order into
 * ids (room for n) when not NULL. */
static long long
list_total(const char *query, char ids[][ID_LEN], size_t n)
{
	struct api_resp		 r;
	struct json_object	*items;
	char			 path[PATH_LEN];
	long long		 total;
	size_t			 i;

	snprintf(path, sizeof(path), "/evidence?%s", query);
	flow_get(path, 200, &r);
	total = api_int(r.json, "total");
	items = api_get(r.json, "items");
	for (i = 0; ids != NULL && i < n; i++) {
		ids[i][0] = '\0';
		if (i < json_object_array_length(items))
			snprintf(ids[i], ID_LEN, "%s", api_str(
			    json_object_array_get_idx(items, i),
			    "session_id"));
	}
	api_free(&r);
	return total;
}

/* 14.1: upsert, echo, lookup; a whole-record replace; the defaults and
 * the refusals. */
API_TEST(evidence, metadata_crud)
{
	struct api_resp	 r;
	char		 id[ID_LEN], body[BODY_LEN], path[PATH_LEN];

	uid(id, "api-session");
	snprintf(body, sizeof(body), "{\"session_id\":\"%s\","
	    "\"decision_count\":2,\"signer\":\"security\",\"extra\":{\"k\":1}}",
	    id);
	flow_post("/evidence", body, 200, &r);
	cr_assert_str_eq(api_str(r.json, "session_id"), id);
	cr_assert_eq(api_int(r.json, "decision_count"), 2);
	cr_assert_str_eq(api_str(r.json, "schema_version"),
	    "cavra.evidence.metadata.v1");
	cr_assert_str_eq(api_str(r.json, "product"), "CAVRA");
	api_free(&r);

	snprintf(path, sizeof(path), "/evidence/%s", id);
	flow_get(path, 200, &r);
	cr_assert_eq(api_int(r.json, "decision_count"), 2);
	cr_assert_eq(api_int(api_get(r.json, "extra"), "k"), 1);
	api_free(&r);
	snprintf(path, sizeof(path), "session_id=%s", id);
	cr_assert_eq(list_total(path, NULL, 0), 1);

	/* A replace, not a merge; the body may set product. */
	snprintf(body, sizeof(body), "{\"session_id\":\"%s\","
	    "\"product\":\"Other\",\"blocked_count\":1}", id);
	flow_seed(body);
	snprintf(path, sizeof(path), "/evidence/%s", id);
	flow_get(path, 200, &r);
	cr_assert_not(json_object_object_get_ex(r.json, "decision_count",
	    NULL), "%s", r.body);
	cr_assert_not(json_object_object_get_ex(r.json, "signer", NULL));
	cr_assert_str_eq(api_str(r.json, "product"), "Other");
	cr_assert_eq(api_int(r.json, "blocked_count"), 1);
	api_free(&r);

	flow_post("/evidence", "{}", 400, &r);
	flow_problem(&r, 400, "metadata must include session_id");
	api_free(&r);
	flow_post("/evidence", "{\"session_id\":\"\"}", 400, &r);
	flow_problem(&r, 400, "metadata must include session_id");
	api_free(&r);
	flow_post("/evidence", "{\"session_id\":5}", 400, &r);
	api_assert_problem(&r, 400);
	api_free(&r);
	snprintf(body, sizeof(body), "{\"session_id\":\"%s\","
	    "\"blocked_count\":\"two\"}", id);
	flow_post("/evidence", body, 400, &r);
	flow_problem(&r, 400, "blocked_count");
	api_free(&r);
	flow_post("/evidence", "[]", 422, &r);
	api_free(&r);
	snprintf(path, sizeof(path), "/evidence/none-%s", id);
	flow_get_fails(path, 404, "evidence metadata not found");
}

/* 14.2 and every filter of 6.1: each one narrows three records to the
 * one that matches; the order is created_at descending, ties by id. */
API_TEST(evidence, list_filters)
{
	struct api_resp	 r;
	char		 u[ID_LEN], body[BODY_LEN], q[3 * PATH_LEN];
	char		 ids[3][ID_LEN];
	size_t		 i;
	/* Each filter as text before and after the run's suffix. */
	static const struct {
		const char	*pre;
		const char	*post;
	} one[] = {
		{ "signer=security-", "&min_blocked=1&limit=10" },
		{ "signer=security-", "" },
		{ "min_blocked=1", NULL },
		{ "has_approvals=true", NULL },
		{ "metadata_kind=kind-", "" },
		{ "rollout_status=staged-", "" },
		{ "environment=env-", "" },
		{ "target_ring=ring-", "" },
		{ "approval_state=pending-", "" },
		{ "promotion_execution_status=executed-", "" },
		{ "rollback_execution_status=done-", "" },
		{ "deployment_target=t2-", "" },
	};
	char		 f[PATH_LEN];

	uid(u, "flt");
	snprintf(body, sizeof(body), "{\"session_id\":\"%s-a\","
	    "\"created_at\":\"2026-01-02T00:00:00+00:00\",\"signer\":"
	    "\"security-%s\",\"blocked_count\":2,\"approval_required_count\":1,"
	    "\"metadata_kind\":\"kind-%s\",\"rollout_status\":\"staged-%s\","
	    "\"environment\":\"env-%s\",\"target_ring\":\"ring-%s\","
	    "\"approval_state\":\"pending-%s\",\"promotion_execution_status\":"
	    "\"executed-%s\",\"rollback_execution_status\":\"done-%s\","
	    "\"deployment_targets\":[\"t1-%s\",\"t2-%s\"]}", u, u, u, u, u, u,
	    u, u, u, u, u);
	flow_seed(body);
	for (i = 0; i < 2; i++) {
		snprintf(body, sizeof(body), "{\"session_id\":\"%s-%c\","
		    "\"created_at\":\"2026-01-01T00:00:00+00:00\",\"signer\":"
		    "\"docs-%s\",\"blocked_count\":0,"
		    "\"approval_required_count\":0,\"metadata_kind\":\"other\","
		    "\"deployment_targets\":[\"t1-%s\"]}", u, "bc"[i], u, u);
		flow_post("/evidence", body, 200, &r);
		api_free(&r);
	}

	snprintf(q, sizeof(q), "session_id=%s", u);
	cr_assert_eq(list_total(q, ids, 3), 3);
	/* Newest first; the two of one time by id, in the same direction. */
	snprintf(f, sizeof(f), "%s-a", u);
	cr_assert_str_eq(ids[0], f);
	snprintf(f, sizeof(f), "%s-c", u);
	cr_assert_str_eq(ids[1], f);
	snprintf(f, sizeof(f), "%s-b", u);
	cr_assert_str_eq(ids[2], f);
	/* Substring: the middle of the ids. */
	snprintf(q, sizeof(q), "session_id=%s", u + 2);
	cr_assert_eq(list_total(q, NULL, 0), 3);
	snprintf(q, sizeof(q), "session_id=%s&limit=1&offset=1", u);
	cr_assert_eq(list_total(q, ids, 1), 3);
	snprintf(f, sizeof(f), "%s-c", u);
	cr_assert_str_eq(ids[0], f);

	for (i = 0; i < nitems(one); i++) {
		if (one[i].post != NULL)
			snprintf(f, sizeof(f), "%s%s%s", one[i].pre, u,
			    one[i].post);
		else
			snprintf(f, sizeof(f), "%s", one[i].pre);
		snprintf(q, sizeof(q), "session_id=%s&%s", u, f);
		cr_assert_eq(list_total(q, ids, 1), 1, "%s", q);
		snprintf(f, sizeof(f), "%s-a", u);
		cr_assert_str_eq(ids[0], f, "%s", q);
	}
	snprintf(q, sizeof(q), "session_id=%s&has_approvals=false", u);
	cr_assert_eq(list_total(q, NULL, 0), 2);
	snprintf(q, sizeof(q), "session_id=%s&min_blocked=0", u);
	cr_assert_eq(list_total(q, NULL, 0), 3);
	snprintf(q, sizeof(q), "session_id=%s&deployment_target=t1-%s", u, u);
	cr_assert_eq(list_total(q, NULL, 0), 3);
	snprintf(q, sizeof(q), "session_id=%s&signer=", u);
	cr_assert_eq(list_total(q, NULL, 0), 3);
	snprintf(q, sizeof(q), "session_id=%s&signer=nobody-%s", u, u);
	cr_assert_eq(list_total(q, NULL, 0), 0);

	flow_get("/evidence?min_blocked=x", 422, &r);
	api_free(&r);
	flow_get("/evidence?has_approvals=maybe", 422, &r);
	api_free(&r);
	flow_get("/evidence?limit=x", 422, &r);
	api_free(&r);
}

/* Without CAVRA_EVIDENCE_ARTIFACT_ROOT (the shared stacks): 400 after
 * the metadata check. */
API_TEST(evidence, no_artifact_root)
{
	struct api_resp	 r;
	char		 id[ID_LEN], body[BODY_LEN], path[PATH_LEN];

	uid(id, "noroot");
	snprintf(path, sizeof(path), "/evidence/%s/artifacts", id);
	flow_get_fails(path, 404, "evidence metadata not found");
	snprintf(body, sizeof(body), "{\"session_id\":\"%s\"}", id);
	flow_seed(body);
	flow_get_fails(path, 400, "evidence artifact root is not configured");
	snprintf(path, sizeof(path), "/evidence/%s/artifacts/manifest.json",
	    id);
	flow_get_fails(path, 400, "evidence artifact root is not configured");
	snprintf(path, sizeof(path), "/evidence/%s/artifact-bundle", id);
	flow_get_fails(path, 400, "evidence artifact root is not configured");
	snprintf(path, sizeof(path), "/evidence/%s/promotion-request", id);
	flow_post(path, "{}", 400, &r);
	flow_problem(&r, 400, "promotion requests require managed endpoint "
	    "rollout metadata");
	api_free(&r);
	snprintf(body, sizeof(body), "{\"session_id\":\"%s\","
	    "\"metadata_kind\":\"managed-endpoint-rollout\",\"bundle_dir\":"
	    "\"/tmp\"}", id);
	flow_seed(body);
	snprintf(path, sizeof(path), "/evidence/%s/promotion-request", id);
	flow_post(path, "{}", 400, &r);
	flow_problem(&r, 400, "evidence artifact root is not configured");
	api_free(&r);
	snprintf(path, sizeof(path), "/evidence/none-%s/promotion-request",
	    id);
	flow_post(path, "{}", 404, &r);
	api_free(&r);
}

/*
 * The stack with an artifact root: RUN/root, files written here.
 */
static char	 run[PATH_LEN];
static char	 root[PATH_LEN + 8];
static char	*pub_pem;		/* the throw-away key's public PEM */
static const char *stack;		/* its name (extra.h) */

/* A new Ed25519 key: its private PEM in CAVRA_ROLLOUT_PROMOTION_SIGNING_KEY,
 * its public PEM in pub_pem. */
static void
make_key(void)
{
	char	*p;

	p = flow_ed25519(&pub_pem);
	setenv("CAVRA_ROLLOUT_PROMOTION_SIGNING_KEY", p, 1);
	unsetenv("CAVRA_GO_RELEASE_SIGNING_KEY");
	free(p);
}

/* Starts this test's stack `name` (extra.h) with RUN/root as its
 * artifact root and a new signing key; makes it the "json" stack. */
static void
root_stack_start(const char *name)
{
	stack = name;
	snprintf(run, sizeof(run), "%s", extra_run(name));
	snprintf(root, sizeof(root), "%s/root", run);
	flow_mkdir_p(root);
	setenv("CAVRA_EVIDENCE_ARTIFACT_ROOT", root, 1);
	make_key();
	extra_own(name, NULL);
}

static void
artifacts_start(void)
{
	root_stack_start("artifacts");
}

static void
promotion_start(void)
{
	root_stack_start("promotion");
}

static void
root_stack_stop(void)
{
	free(pub_pem);
	pub_pem = NULL;
	if (stack != NULL)
		extra_stop(stack);
}

/* The test's own stacks live in run-test_evidence (extra.h). */
EXTRA_INIT_HOOK("test_evidence")
EXTRA_STOP_HOOK

/* The default allowlist, in listing order. */
static const char *const session_names[] = {
	"manifest.json", "evidence.json", "pr-attestation.md",
	"compliance-mapping.md", "siem-event.json",
	"sandbox-run-summary.json", "retention-policy.json",
};

/* The content written for artifact i of a session. */
static void
content(char *buf, size_t len, const char *sid, size_t i)
{
	snprintf(buf, len, "{\"artifact\":\"%s\",\"session\":\"%s\","
	    "\"n\":%zu}\n", session_names[i], sid, i);
}

/* Registers metadata for session sid with extra members (or ""). */
static void
meta(const char *sid, const char *more)
{
	char		 body[2 * BODY_LEN];

	snprintf(body, sizeof(body), "{\"session_id\":\"%s\"%s}", sid, more);
	flow_seed(body);
}

/* Asserts that a GET of path is refused with 400 or 404 and serves
 * nothing of the secret file. */
static void
refused(const char *path)
{
	struct api_resp	 r;

	api_req("GET", path, NULL, NULL, &r);
	cr_assert(r.status == 400 || r.status == 404, "GET %s: %ld %s", path,
	    r.status, r.body);
	cr_assert(r.body == NULL || strstr(r.body, "TOP-SECRET") == NULL,
	    "GET %s served the secret", path);
	cr_assert(r.body == NULL || strstr(r.body, "root:") == NULL,
	    "GET %s served /etc/passwd", path);
	api_free(&r);
}

/* The ZIP in r holds exactly the n session artifacts of sid, in order,
 * byte for byte. */
static void
assert_zip(const struct api_resp *r, const char *sid, size_t n)
{
	zip_error_t	 ze;
	zip_source_t	*src;
	zip_t		*za;
	zip_file_t	*zf;
	zip_stat_t	 st;
	char		 want[512], got[512];
	size_t		 i;

	cr_assert(r->len > 4 && memcmp(r->body, "PK", 2) == 0);
	zip_error_init(&ze);
	cr_assert_not_null(src = zip_source_buffer_create(r->body, r->len, 0,
	    &ze));
	cr_assert_not_null(za = zip_open_from_source(src, ZIP_RDONLY |
	    ZIP_CHECKCONS, &ze), "%s", zip_error_strerror(&ze));
	cr_assert_eq(zip_get_num_entries(za, 0), (zip_int64_t)n);
	for (i = 0; i < n; i++) {
		content(want, sizeof(want), sid, i);
		cr_assert_eq(zip_stat_index(za, i, 0, &st), 0);
		cr_assert_str_eq(st.name, session_names[i]);
		cr_assert_eq(st.comp_method, ZIP_CM_DEFLATE);
		cr_assert_eq(st.size, strlen(want));
		cr_assert_not_null(zf = zip_fopen_index(za, i, 0));
		cr_assert_eq(zip_fread(zf, got, sizeof(got)),
		    (zip_int64_t)strlen(want));
		zip_fclose(zf);
		cr_assert_eq(memcmp(got, want, strlen(want)), 0);
	}
	zip_close(za);
	zip_error_fini(&ze);
}

/* Writes dir/checksums.txt for the export's manifest, jamf policy and
 * (when sh is not NULL) installer, whose contents are given. */
static void
export_sums(const char *dir, const char *manifest, const char *jamf,
    const char *sh)
{
	char	 sums[1024], h[2 * CV_SHA256_LEN + 1];
	size_t	 n;

	flow_sha_hex(manifest, strlen(manifest), h);
	n = (size_t)snprintf(sums, sizeof(sums), "%s  endpoint-management-"
	    "export-manifest.json\n", h);
	flow_sha_hex(jamf, strlen(jamf), h);
	n += (size_t)snprintf(sums + n, sizeof(sums) - n, "%s  jamf-policy."
	    "json\n", h);
	if (sh != NULL) {
		flow_sha_hex(sh, strlen(sh), h);
		snprintf(sums + n, sizeof(sums) - n, "%s  linux-install-cavra-"
		    "runtime.sh\n", h);
	}
	flow_write_in(dir, "checksums.txt", sums);
}

/*
 * 14.3 and the guards of 6.2: listing, downloads with their sha256,
 * the bundle, and every way out of a session directory refused.
 */
Test(evidence_root, artifacts, .init = artifacts_start,
    .fini = root_stack_stop, .timeout = 120)
{
	struct api_resp		 r;
	struct json_object	*arts, *a;
	char			 sid[ID_LEN], sid2[ID_LEN], sid3[ID_LEN];
	char			 path[2 * PATH_LEN], file[2 * PATH_LEN];
	char			 text[3 * PATH_LEN],
	    hex[2 * CV_SHA256_LEN + 1], *h;
	size_t			 i;

	uid(sid, "art");
	snprintf(file, sizeof(file), "%s/%s", root, sid);
	flow_mkdir_p(file);
	for (i = 0; i < nitems(session_names); i++) {
		snprintf(file, sizeof(file), "%s/%s/%s", root, sid,
		    session_names[i]);
		content(text, sizeof(text), sid, i);
		extra_write(file, text);
	}
	/* Not allowlisted, and a secret outside the root. */
	snprintf(file, sizeof(file), "%s/%s/extra.txt", root, sid);
	extra_write(file, "TOP-SECRET extra\n");
	snprintf(file, sizeof(file), "%s/secret.txt", run);
	extra_write(file, "TOP-SECRET outside\n");
	meta(sid, "");

	snprintf(path, sizeof(path), "/evidence/%s/artifacts", sid);
	flow_get(path, 200, &r);
	cr_assert_str_eq(api_str(r.json, "schema_version"),
	    "cavra.evidence.artifacts.v1");
	cr_assert_str_eq(api_str(r.json, "metadata_kind"), "session");
	cr_assert_eq(api_int(r.json, "artifact_count"), 7);
	arts = api_get(r.json, "artifacts");
	cr_assert_eq(json_object_array_length(arts), 7, "%s", r.body);
	for (i = 0; i < 7; i++) {
		a = json_object_array_get_idx(arts, i);
		cr_assert_str_eq(api_str(a, "artifact"), session_names[i]);
		content(text, sizeof(text), sid, i);
		flow_sha_hex(text, strlen(text), hex);
		cr_assert_str_eq(api_str(a, "sha256"), hex);
		cr_assert_eq(api_int(a, "bytes"), (long long)strlen(text));
		snprintf(file, sizeof(file), "/evidence/%s/artifacts/%s", sid,
		    session_names[i]);
		cr_assert_str_eq(api_str(a, "download_url"), file);
	}
	cr_assert(strstr(r.body, "extra.txt") == NULL);
	api_free(&r);

	/* Each download: its bytes, and a sha256 header of them. */
	for (i = 0; i < 7; i++) {
		snprintf(path, sizeof(path), "/evidence/%s/artifacts/%s", sid,
		    session_names[i]);
		flow_get(path, 200, &r);
		content(text, sizeof(text), sid, i);
		cr_assert_eq(r.len, strlen(text));
		cr_assert_eq(memcmp(r.body, text, r.len), 0);
		flow_sha_hex(r.body, r.len, hex);
		h = api_header(&r, "x-cavra-artifact-sha256");
		cr_assert(h != NULL && strcmp(h, hex) == 0, "%s", h);
		free(h);
		h = api_header(&r, "content-disposition");
		snprintf(file, sizeof(file), "attachment; filename=\"%s\"",
		    session_names[i]);
		cr_assert(h != NULL && strcmp(h, file) == 0, "%s", h);
		free(h);
		h = api_header(&r, "content-type");
		cr_assert(h != NULL && strncmp(h, strstr(session_names[i],
		    ".md") != NULL ? "text/markdown" : "application/json",
		    strlen(strstr(session_names[i], ".md") != NULL ?
		    "text/markdown" : "application/json")) == 0, "%s", h);
		free(h);
		api_free(&r);
	}

	/* Names off the allowlist, traversal, encoded slashes. */
	snprintf(path, sizeof(path), "/evidence/%s/artifacts/extra.txt", sid);
	flow_get_fails(path, 400, "unsupported evidence artifact");
	snprintf(path, sizeof(path), "/evidence/%s/artifacts/../../etc/passwd",
	    sid);
	refused(path);
	snprintf(path, sizeof(path), "/evidence/%s/artifacts/%%2e%%2e%%2f"
	    "%%2e%%2e%%2fsecret.txt", sid);
	refused(path);
	snprintf(path, sizeof(path), "/evidence/%s/artifacts/..%%2F..%%2F"
	    "secret.txt", sid);
	refused(path);
	snprintf(path, sizeof(path), "/evidence/%s/artifacts/..%%2Fsecret.txt",
	    sid);
	refused(path);
	snprintf(path, sizeof(path), "/evidence/%s%%2F..%%2F..%%2Fsecret.txt/"
	    "artifacts/manifest.json", sid);
	refused(path);
	snprintf(path, sizeof(path), "/evidence/%s/artifacts/%%2e%%2e", sid);
	refused(path);

	/* Links out of the root: an artifact that is one, and a session
	 * directory that is one. */
	uid(sid2, "lnk");
	snprintf(file, sizeof(file), "%s/%s", root, sid2);
	flow_mkdir_p(file);
	snprintf(file, sizeof(file), "%s/%s/manifest.json", root, sid2);
	extra_write(file, "{}\n");
	snprintf(file, sizeof(file), "%s/%s/pr-attestation.md", root, sid2);
	snprintf(text, sizeof(text), "%s/secret.txt", run);
	cr_assert_eq(symlink(text, file), 0);
	snprintf(file, sizeof(file), "%s/%s/evidence.json", root, sid2);
	cr_assert_eq(symlink("/etc/passwd", file), 0);
	snprintf(file, sizeof(file), "%s/%s/siem-event.json", root, sid2);
	cr_assert_eq(symlink("manifest.json", file), 0);
	meta(sid2, "");
	snprintf(path, sizeof(path), "/evidence/%s/artifacts", sid2);
	flow_get(path, 200, &r);
	cr_assert_eq(api_int(r.json, "artifact_count"), 1, "%s", r.body);
	api_free(&r);
	snprintf(path, sizeof(path), "/evidence/%s/artifacts/pr-attestation.md",
	    sid2);
	flow_get_fails(path, 400,
	    "evidence artifact escapes session directory");
	snprintf(path, sizeof(path), "/evidence/%s/artifacts/evidence.json",
	    sid2);
	flow_get_fails(path, 400,
	    "evidence artifact escapes session directory");
	snprintf(path, sizeof(path), "/evidence/%s/artifacts/siem-event.json",
	    sid2);
	flow_get_fails(path, 400,
	    "evidence artifact escapes session directory");
	snprintf(path, sizeof(path), "/evidence/%s/artifact-bundle", sid2);
	refused(path);

	uid(sid3, "dirlnk");
	snprintf(file, sizeof(file), "%s/outside", run);
	flow_mkdir_p(file);
	snprintf(file, sizeof(file), "%s/outside/manifest.json", run);
	extra_write(file, "{\"x\":\"TOP-SECRET dir\"}\n");
	snprintf(file, sizeof(file), "%s/%s", root, sid3);
	snprintf(text, sizeof(text), "%s/outside", run);
	cr_assert_eq(symlink(text, file), 0);
	meta(sid3, "");
	snprintf(path, sizeof(path), "/evidence/%s/artifacts/manifest.json",
	    sid3);
	refused(path);
	snprintf(path, sizeof(path), "/evidence/%s/artifact-bundle", sid3);
	refused(path);
	snprintf(path, sizeof(path), "/evidence/%s/artifacts", sid3);
	refused(path);

	/* A session id that cannot name a directory. */
	snprintf(text, sizeof(text), "bs\\\\%s", sid);
	meta(text, "");
	snprintf(path, sizeof(path), "/evidence/bs%%5C%s/artifacts", sid);
	flow_get_fails(path, 400, "invalid evidence session ID");

	/* Allowlisted but absent; a session without a directory. */
	uid(sid3, "empty");
	meta(sid3, "");
	snprintf(path, sizeof(path), "/evidence/%s/artifacts/manifest.json",
	    sid3);
	flow_get_fails(path, 404, "evidence artifact not found");
	snprintf(path, sizeof(path), "/evidence/%s/artifact-bundle", sid3);
	flow_get_fails(path, 404, "evidence artifacts not found");
	snprintf(path, sizeof(path), "/evidence/%s/artifacts", sid3);
	flow_get(path, 200, &r);
	cr_assert_eq(api_int(r.json, "artifact_count"), 0);
	api_free(&r);

	/* The bundle: a ZIP of the seven files, sha256 of its bytes. */
	snprintf(path, sizeof(path), "/evidence/%s/artifact-bundle", sid);
	flow_get(path, 200, &r);
	h = api_header(&r, "content-type");
	cr_assert(h != NULL && strcmp(h, "application/zip") == 0, "%s", h);
	free(h);
	flow_sha_hex(r.body, r.len, hex);
	h = api_header(&r, "x-cavra-artifact-sha256");
	cr_assert(h != NULL && strcmp(h, hex) == 0, "%s", h);
	free(h);
	h = api_header(&r, "content-disposition");
	snprintf(file, sizeof(file), "attachment; filename=\"%s-evidence-"
	    "bundle.zip\"", sid);
	cr_assert(h != NULL && strcmp(h, file) == 0, "%s", h);
	free(h);
	assert_zip(&r, sid, 7);
	api_free(&r);

	/* An endpoint-management export: the names its metadata lists,
	 * each covered by a matching checksum. */
	uid(sid3, "export");
	snprintf(file, sizeof(file), "%s/exports/%s", root, sid3);
	flow_mkdir_p(file);
	flow_write_in(file, "endpoint-management-export-manifest.json",
	    "{\"files\":[]}\n");
	flow_write_in(file, "jamf-policy.json", "{\"jamf\":1}\n");
	flow_write_in(file, "linux-install-cavra-runtime.sh", "#!/bin/sh\n");
	flow_write_in(file, "intune-win32-app.json", "{\"intune\":1}\n");
	export_sums(file, "{\"files\":[]}\n", "{\"jamf\":1}\n", NULL);
	snprintf(text, sizeof(text), ",\"metadata_kind\":"
	    "\"endpoint-management-export\",\"bundle_dir\":\"%s\",\"files\":"
	    "[\"endpoint-management-export-manifest.json\",\"jamf-policy.json\","
	    "{\"path\":\"linux-install-cavra-runtime.sh\"}]", file);
	meta(sid3, text);
	snprintf(path, sizeof(path), "/evidence/%s/artifacts", sid3);
	flow_get(path, 200, &r);
	cr_assert_eq(api_int(r.json, "artifact_count"), 4, "%s", r.body);
	cr_assert(strstr(r.body, "intune") == NULL);
	api_free(&r);
	snprintf(path, sizeof(path), "/evidence/%s/artifacts/jamf-policy.json",
	    sid3);
	flow_get(path, 200, &r);
	h = api_header(&r, "x-cavra-artifact-kind");
	cr_assert(h != NULL && strcmp(h, "jamf-policy") == 0, "%s", h);
	free(h);
	api_free(&r);
	snprintf(path, sizeof(path), "/evidence/%s/artifacts/"
	    "intune-win32-app.json", sid3);
	flow_get_fails(path, 400, "unsupported evidence artifact");
	snprintf(path, sizeof(path), "/evidence/%s/artifacts/"
	    "linux-install-cavra-runtime.sh", sid3);
	flow_get_fails(path, 400, "missing checksum coverage");
	snprintf(path, sizeof(path), "/evidence/%s/artifact-bundle", sid3);
	flow_get_fails(path, 400, "missing checksum coverage");
	export_sums(file, "{\"files\":[]}\n", "{\"jamf\":1}\n", "other\n");
	snprintf(path, sizeof(path), "/evidence/%s/artifacts/"
	    "linux-install-cavra-runtime.sh", sid3);
	flow_get_fails(path, 400, "checksum verification failed");
	export_sums(file, "{\"files\":[]}\n", "{\"jamf\":1}\n",
	    "#!/bin/sh\n");
	flow_get(path, 200, &r);
	h = api_header(&r, "content-type");
	cr_assert(h != NULL && strncmp(h, "text/x-shellscript", 18) == 0,
	    "%s", h);
	free(h);
	api_free(&r);
	snprintf(path, sizeof(path), "/evidence/%s/artifact-bundle", sid3);
	flow_get(path, 200, &r);
	h = api_header(&r, "x-cavra-artifact-count");
	cr_assert(h != NULL && strcmp(h, "4") == 0, "%s", h);
	free(h);
	api_free(&r);
	uid(sid3, "export-out");
	snprintf(text, sizeof(text), ",\"metadata_kind\":"
	    "\"endpoint-management-export\",\"bundle_dir\":\"%s\"", run);
	meta(sid3, text);
	snprintf(path, sizeof(path), "/evidence/%s/artifacts", sid3);
	flow_get_fails(path, 400,
	    "endpoint-management export directory is outside "
	    "artifact root");
}

/* Writes a rollout directory under the root: evidence with this status,
 * its summary, and checksums of both. */
static void
rollout_dir(const char *dir, const char *rollout, const char *status)
{
	char	 file[2 * PATH_LEN], ev[BODY_LEN], sums[512];
	char	 h1[2 * CV_SHA256_LEN + 1], h2[2 * CV_SHA256_LEN + 1];
	const char *md = "# Rollout\n";

	flow_mkdir_p(dir);
	snprintf(ev, sizeof(ev), "{\"schema_version\":"
	    "\"cavra.go-runtime.endpoint-rollout-evidence.v1\",\"product\":"
	    "\"CAVRA\",\"rollout_id\":\"%s\",\"environment\":\"production\","
	    "\"rollout_ring\":\"staging\",\"status\":\"%s\",\"actor\":"
	    "\"release-manager\",\"change_record\":\"CHG-1\",\"release\":"
	    "{\"version\":\"1.2.3\",\"repository\":\"acme/cavra\"},"
	    "\"deployment_targets\":[{\"id\":\"t-b\",\"rollback_steps\":"
	    "[\"stop\",\"restore\"]},{\"id\":\"t-a\"}],\"controls\":"
	    "[\"rollout-evidence-checksummed\"]}\n", rollout, status);
	snprintf(file, sizeof(file), "%s/managed-endpoint-rollout-evidence."
	    "json", dir);
	extra_write(file, ev);
	snprintf(file, sizeof(file), "%s/managed-endpoint-rollout-evidence.md",
	    dir);
	extra_write(file, md);
	flow_sha_hex(ev, strlen(ev), h1);
	flow_sha_hex(md, strlen(md), h2);
	snprintf(sums, sizeof(sums), "%s  managed-endpoint-rollout-evidence."
	    "json\n%s  managed-endpoint-rollout-evidence.md\n", h1, h2);
	snprintf(file, sizeof(file), "%s/checksums.txt", dir);
	extra_write(file, sums);
}

/* Registers rollout metadata for session sid with bundle_dir dir. */
static void
rollout_meta(const char *sid, const char *dir, const char *status)
{
	char	 more[BODY_LEN];

	snprintf(more, sizeof(more), ",\"metadata_kind\":"
	    "\"managed-endpoint-rollout\",\"bundle_dir\":\"%s\","
	    "\"rollout_status\":\"%s\"", dir, status);
	meta(sid, more);
}

/* Decodes standard base64 into out (room for len), returning its
 * length. */
static size_t
b64_decode(struct cv_arena *a, const char *s, unsigned char **out)
{
	char	*u, *p;
	size_t	 n;

	u = cv_arena_strdup(a, s);
	for (p = u; *p != '\0'; p++)
		if (*p == '+')
			*p = '-';
		else if (*p == '/')
			*p = '_';
	cr_assert_eq(cv_b64url_decode(a, u, strlen(u), out, &n), 0);
	return n;
}

/*
 * 14.16 and the checks of 6.3: a signed request whose signature
 * verifies over the canonical JSON, its pending approval listed by
 * GET /approvals, and the refusals.
 */
Test(evidence_root, promotion_request, .init = promotion_start,
    .fini = root_stack_stop, .timeout = 120)
{
	struct cv_arena		 arena;
	struct api_resp		 r, l;
	struct json_object	*req, *sig, *unsigned_req, *items, *refs;
	struct json_object	*it;
	char			 sid[ID_LEN], dir[2 * PATH_LEN], path[PATH_LEN];
	char			 body[BODY_LEN], hex[2 * CV_SHA256_LEN + 1];
	char			 group[ID_LEN], file[3 * PATH_LEN];
	const char		*canon, *appr;
	unsigned char		*raw;
	size_t			 i, n;
	int			 found = 0;

	cv_arena_init(&arena);
	uid(sid, "ro");
	uid(group, "CAB");
	snprintf(dir, sizeof(dir), "%s/rollouts/%s", root, sid);
	rollout_dir(dir, sid, "staged");
	rollout_meta(sid, dir, "staged");

	/* The listing of a rollout bundle: three files, verified. */
	snprintf(path, sizeof(path), "/evidence/%s/artifacts", sid);
	flow_get(path, 200, &r);
	cr_assert_eq(api_int(r.json, "artifact_count"), 3, "%s", r.body);
	cr_assert_str_eq(api_str(api_get(r.json,
	    "rollout_artifact_integrity"), "status"), "verified", "%s", r.body);
	cr_assert_str_eq(api_str(api_get(r.json, "promotion_readiness"),
	    "status"), "ready");
	api_free(&r);

	snprintf(path, sizeof(path), "/evidence/%s/promotion-request", sid);
	snprintf(body, sizeof(body), "{\"require_package_verification\":false,"
	    "\"approver_group\":\"%s\",\"requested_by\":\"alice\"}", group);
	flow_post(path, body, 200, &r);
	cr_assert(json_object_get_boolean(api_get(r.json, "valid")));
	cr_assert_eq(json_object_array_length(api_get(r.json, "errors")), 0);
	cr_assert_eq(json_object_array_length(api_get(r.json, "files")), 0);
	cr_assert_str_eq(api_str(r.json, "rollout_id"), sid);
	cr_assert_str_eq(api_str(r.json, "rollout_dir"), dir);
	req = api_get(r.json, "request");
	cr_assert_str_eq(api_str(req, "schema_version"),
	    "cavra.go-runtime.endpoint-rollout-promotion-request.v1");
	cr_assert_str_eq(api_str(req, "target_ring"), "production");
	cr_assert_str_eq(api_str(req, "current_ring"), "staging");
	cr_assert(strncmp(api_str(req, "request_id"), "rpr_", 4) == 0);
	snprintf(body, sizeof(body), "%s:production", sid);
	flow_sha_hex(body, strlen(body), hex);
	cr_assert(strncmp(api_str(req, "request_id") + 4, hex, 12) == 0);
	cr_assert_str_eq(json_object_to_json_string_ext(api_get(req,
	    "deployment_targets"), JSON_C_TO_STRING_PLAIN),
	    "[\"t-a\",\"t-b\"]");
	cr_assert_str_eq(json_object_to_json_string_ext(api_get(req,
	    "verified_artifacts"), JSON_C_TO_STRING_PLAIN),
	    "[\"managed-endpoint-rollout-evidence.json\","
	    "\"managed-endpoint-rollout-evidence.md\"]");
	refs = api_get(req, "rollback_evidence_refs");
	cr_assert_eq(json_object_array_length(refs), 2);
	snprintf(body, sizeof(body), "rollback://%s/t-b/2", sid);
	cr_assert_str_eq(api_str(json_object_array_get_idx(refs, 1), "ref"),
	    body);

	/* The signature, verified over the canonical JSON of the rest. */
	sig = api_get(req, "signature");
	cr_assert_str_eq(api_str(sig, "algorithm"), "Ed25519");
	cr_assert_str_eq(api_str(sig, "signer"), "release-manager");
	cr_assert_str_eq(api_str(sig, "public_key_pem"), pub_pem);
	flow_sha_hex(pub_pem, strlen(pub_pem), hex);
	cr_assert_str_eq(api_str(sig, "public_key_sha256"), hex);
	cr_assert(strncmp(api_str(sig, "key_id"), hex, 16) == 0 &&
	    strlen(api_str(sig, "key_id")) == 16);
	unsigned_req = json_tokener_parse(json_object_to_json_string(req));
	json_object_object_del(unsigned_req, "signature");
	canon = cv_json_canonical(&arena, unsigned_req);
	flow_sha_hex(canon, strlen(canon), hex);
	cr_assert_str_eq(api_str(sig, "payload_sha256"), hex);
	n = b64_decode(&arena, api_str(sig, "value"), &raw);
	cr_assert(cv_ed25519_verify(pub_pem, canon, strlen(canon), raw, n),
	    "the signature does not verify over %s", canon);
	/* ... and not over another request. */
	cr_assert_not(cv_ed25519_verify(pub_pem, canon, strlen(canon) - 1,
	    raw, n));
	json_object_put(unsigned_req);

	/* The approval: pending, bound to the request, stored. */
	appr = api_str(api_get(r.json, "approval"), "approval_id");
	cr_assert_str_eq(api_str(api_get(r.json, "approval"), "state"),
	    "pending");
	cr_assert_str_eq(api_str(api_get(req, "approval"), "approval_id"),
	    appr);
	snprintf(body, sizeof(body), "%s:decision", api_str(req,
	    "request_id"));
	cr_assert_str_eq(api_str(api_get(r.json, "approval"), "decision_id"),
	    body);
	cr_assert_str_eq(api_str(api_get(r.json, "approval"),
	    "approver_group"), group);
	snprintf(path, sizeof(path), "/approvals?state=pending&"
	    "approver_group=%s", group);
	flow_get(path, 200, &l);
	items = api_get(l.json, "items");
	for (i = 0; i < json_object_array_length(items); i++) {
		it = json_object_array_get_idx(items, i);
		if (strcmp(api_str(it, "approval_id"), appr) == 0) {
			found = 1;
			cr_assert_str_eq(api_str(api_get(it, "decision"),
			    "action_type"), "release_promote_endpoint_rollout");
		}
	}
	cr_assert(found, "approval %s not listed: %s", appr, l.body);
	api_free(&l);
	api_free(&r);

	/* package_dir outside the root. */
	snprintf(path, sizeof(path), "/evidence/%s/promotion-request", sid);
	flow_post(path,
	    "{\"require_package_verification\":false,\"package_dir\":"
	    "\"/etc\"}", 400, &r);
	flow_problem(&r, 400, "release package directory is outside "
	    "artifact root");
	api_free(&r);
	snprintf(body, sizeof(body), "{\"require_package_verification\":false,"
	    "\"package_dir\":\"%s/../..\"}", root);
	flow_post(path, body, 400, &r);
	flow_problem(&r, 400, "release package directory is outside "
	    "artifact root");
	api_free(&r);
	/* Package verification asked for (the default): refused with the
	 * reason, as a problem whose errors list it. */
	flow_post(path, "{}", 400, &r);
	flow_problem(&r, 400, "package_dir is missing or invalid");
	cr_assert_str_eq(api_str(json_object_array_get_idx(api_get(r.json,
	    "errors"), 0), "path"), "promotion_request");
	api_free(&r);
	flow_post(path, "{\"ttl_hours\":\"x\"}", 400, &r);
	api_free(&r);

	/* A changed file fails its checksum. */
	snprintf(file, sizeof(file), "%s/managed-endpoint-rollout-evidence.md",
	    dir);
	extra_write(file, "# Changed\n");
	flow_post(path, "{\"require_package_verification\":false}", 400, &r);
	flow_problem(&r, 400, "rollout checksum mismatch for "
	    "managed-endpoint-rollout-evidence.md");
	api_free(&r);
	snprintf(path, sizeof(path), "/evidence/%s/artifacts", sid);
	flow_get(path, 200, &r);
	cr_assert_str_eq(api_str(api_get(r.json,
	    "rollout_artifact_integrity"), "status"), "failed");
	cr_assert_str_eq(api_str(api_get(r.json, "promotion_readiness"),
	    "status"), "blocked");
	api_free(&r);

	/* A planned rollout is not promoted. */
	uid(sid, "planned");
	snprintf(dir, sizeof(dir), "%s/rollouts/%s", root, sid);
	rollout_dir(dir, sid, "planned");
	rollout_meta(sid, dir, "planned");
	snprintf(path, sizeof(path), "/evidence/%s/promotion-request", sid);
	flow_post(path, "{\"require_package_verification\":false}", 400, &r);
	flow_problem(&r, 400, "requires staged or succeeded");
	api_free(&r);

	/* bundle_dir outside the root. */
	uid(sid, "outside");
	snprintf(dir, sizeof(dir), "%s/rollout-outside", run);
	rollout_dir(dir, sid, "staged");
	rollout_meta(sid, dir, "staged");
	snprintf(path, sizeof(path), "/evidence/%s/promotion-request", sid);
	flow_post(path, "{\"require_package_verification\":false}", 400, &r);
	flow_problem(&r, 400, "rollout evidence directory is outside "
	    "artifact root");
	api_free(&r);
	snprintf(path, sizeof(path), "/evidence/%s/artifacts", sid);
	flow_get_fails(path, 400, "rollout evidence directory is outside "
	    "artifact root");
	uid(sid, "dotdot");
	snprintf(dir, sizeof(dir), "%s/../rollout-outside", root);
	rollout_meta(sid, dir, "staged");
	snprintf(path, sizeof(path), "/evidence/%s/artifacts/checksums.txt",
	    sid);
	flow_get_fails(path, 400, "rollout evidence directory is outside "
	    "artifact root");
	cv_arena_free(&arena);
}
