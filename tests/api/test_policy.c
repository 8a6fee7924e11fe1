/*
 * API tests of cavra-policy: drafts, publish plans, publish requests and
 * the publish itself, through nginx, with the approval given by
 * cavra-approvals, and the layered policy root: a published pack is used
 * by the next decision of cavra-activity and shadows a bundled pack of
 * the same id, and cavra-activity starts and decides with a writable root
 * that does not exist yet.
 *
 * The default stacks (tests/run-test) share an empty writable root and no
 * signing key (SHA256 signatures); the "own_root" test starts a stack of
 * its own with a missing root and CAVRA_POLICY_SIGNING_KEY (HS256).
 */
#include "config.h"

#include <sys/stat.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <criterion/hooks.h>

#include "extra.h"
#include "flow.h"
#include "harness.h"

#define SIGNING_KEY	"policy-test-key"
#define BASELINE	"cavra-ai-agent-baseline"

/* A draft body for id whose commands.allow is [allow]; the caller frees
 * it. */
static char *
draft(const char *id, const char *title, const char *allow)
{
	char	*s;

	if (asprintf(&s, "{\"metadata\":{\"id\":\"%s\",\"title\":\"%s\","
	    "\"description\":\"Published by the API tests\",\"version\":"
	    "\"1.0.0\"},\"commands\":{\"allow\":[\"%s\"]},"
	    "\"git\":{\"require_pull_request\":true}}", id, title, allow) == -1)
		cr_assert_fail("out of memory");
	return s;
}

/* Asserts a 400 (or other) problem whose detail is `detail`. */
static void
expect_problem(struct api_resp *r, long status, const char *detail)
{
	api_assert_problem(r, status);
	cr_expect_str_eq(api_str(r->json, "detail"), detail, "%s", r->body);
	api_free(r);
}

/* Reads a whole file into a new buffer; *len its size. */
static char *
read_file(const char *path, size_t *len)
{
	FILE	*f;
	char	*buf;
	long	 n;

	cr_assert_not_null(f = fopen(path, "rb"), "%s", path);
	cr_assert_eq(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	rewind(f);
	cr_assert_not_null(buf = malloc((size_t)n + 1));
	cr_assert_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/*
 * Checks a published pack's signature file independently: its digest is
 * the SHA-256 of policy.yaml's bytes, its signature the base64
 * HMAC-SHA256 of those bytes under key (HS256), or under the hex digest
 * without one (SHA256).
 */
static void
expect_signature(const char *policy_path, const char *sig_path,
    const char *key)
{
	struct json_object	*sig;
	unsigned char		 md[EVP_MAX_MD_SIZE], mac[EVP_MAX_MD_SIZE];
	unsigned int		 n = 0, m = 0, i;
	char			 hex[2 * EVP_MAX_MD_SIZE + 1], digest[160];
	char			 b64[160], *text, *stext;
	size_t			 len, slen;

	text = read_file(policy_path, &len);
	stext = read_file(sig_path, &slen);
	cr_assert_not_null(sig = json_tokener_parse(stext), "%s", stext);
	cr_assert(EVP_Digest(text, len, md, &n, EVP_sha256(), NULL));
	for (i = 0; i < n; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	snprintf(digest, sizeof(digest), "sha256:%s", hex);
	if (key == NULL)
		key = hex;
	cr_assert_not_null(HMAC(EVP_sha256(), key, (int)strlen(key),
	    (const unsigned char *)text, len, mac, &m));
	EVP_EncodeBlock((unsigned char *)b64, mac, (int)m);
	cr_expect_str_eq(api_str(sig, "schema_version"),
	    "cavra.policy-signature.v1");
	cr_expect_str_eq(api_str(sig, "algorithm"), key == hex ? "SHA256" :
	    "HS256");
	cr_expect_str_eq(api_str(sig, "digest"), digest);
	cr_expect_str_eq(api_str(sig, "signature"), b64);
	cr_expect_str_eq(api_str(sig, "policy_file"), "policy.yaml");
	json_object_put(sig);
	free(stext);
	free(text);
}

/* Opens a publish request for the draft body; returns the approval id
 * (malloc'ed) and, in digest (65+7 bytes), the plan's digest. */
static char *
request(const char *body, char *digest, size_t dlen)
{
	struct api_resp		 r;
	struct json_object	*apr, *plan;
	char			*id;

	flow_postf("/policy-packs/publish-request", 0, &r, "{\"draft\":%s}",
	    body);
	cr_assert_eq(r.status, 200, "%s", r.body);
	plan = api_get(r.json, "plan");
	apr = api_get(r.json, "approval");
	snprintf(digest, dlen, "%s", api_str(plan, "policy_digest"));
	cr_expect_str_eq(api_str(apr, "state"), "pending");
	id = strdup(api_str(apr, "approval_id"));
	api_free(&r);
	return id;
}

/* Approves approval id as a member of Platform Security (no OIDC or RBAC
 * is configured, so bare claims are the actor). */
static void
approve(const char *id)
{
	struct api_resp	 r;
	char		 path[256];

	snprintf(path, sizeof(path), "/approvals/%s/approve", id);
	flow_postf(path, 0, &r, "{\"actor\":\"alice\",\"reason\":\"reviewed\","
	    "\"actor_claims\":{\"email\":\"alice@example.com\","
	    "\"groups\":[\"Platform Security\"]}}");
	cr_assert_eq(r.status, 200, "%s", r.body);
	cr_expect_str_eq(api_str(r.json, "state"), "approved");
	api_free(&r);
}

/* The decision of POST /decisions for a command under pack (NULL: the
 * default pack); static buffer. */
static const char *
decide_command(const char *pack, const char *command)
{
	static char	 d[32];
	struct api_resp	 r;
	char		 pp[256] = "";

	if (pack != NULL)
		snprintf(pp, sizeof(pp), ",\"policy_pack\":\"%s\"", pack);
	flow_postf("/decisions", 0, &r, "{\"action_type\":\"execute_command\","
	    "\"target\":\"%s\",\"session_id\":\"policy-tests\"%s}", command,
	    pp);
	cr_assert_eq(r.status, 200, "%s", r.body);
	if (pack != NULL)
		cr_expect_str_eq(api_str(r.json, "policy_pack"), pack);
	snprintf(d, sizeof(d), "%s", api_str(r.json, "decision"));
	api_free(&r);
	return d;
}

/* The catalog item of id (a new reference), or NULL. */
static struct json_object *
catalog_item(const char *id, long long *total)
{
	struct api_resp		 r;
	struct json_object	*items, *it, *found = NULL;
	size_t			 i;

	api_req("GET", "/policy-pack-catalog", NULL, NULL, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	items = api_get(r.json, "items");
	if (total != NULL)
		*total = api_int(r.json, "total");
	for (i = 0; i < json_object_array_length(items); i++) {
		it = json_object_array_get_idx(items, i);
		if (strcmp(api_str(it, "id"), id) == 0)
			found = json_object_get(it);
	}
	api_free(&r);
	return found;
}

/* ---- drafts and plans --------------------------------------------- */

API_TEST(policy, draft_valid_and_invalid)
{
	struct api_resp		 r;
	struct json_object	*p, *errs, *sum;
	char			 day[16], after[16];
	time_t			 now = time(NULL);
	struct tm		 tm;
	const char		*v;

	flow_postf("/policy-packs/draft", 0, &r,
	    "{\"id\":\"cavra-draft-ok\",\"title\":"
	    "\"T\",\"description\":\"D\",\"filesystem\":{\"block_read\":"
	    "[\".env\",\"*.pem\"]},\"approvals\":\"dropped\"}");
	cr_assert_eq(r.status, 200, "%s", r.body);
	cr_expect_str_eq(api_str(r.json, "schema_version"),
	    "cavra.policy_pack.draft.v1");
	cr_expect(json_object_get_boolean(api_get(r.json, "valid")));
	cr_expect_eq(json_object_array_length(api_get(r.json, "errors")), 0);
	p = api_get(r.json, "policy_pack");
	/* The day of the request: before it or after it, at midnight. */
	gmtime_r(&now, &tm);
	strftime(day, sizeof(day), "%Y.%m.%d", &tm);
	now = time(NULL);
	gmtime_r(&now, &tm);
	strftime(after, sizeof(after), "%Y.%m.%d", &tm);
	v = api_str(api_get(p, "metadata"), "version");
	cr_expect(strcmp(v, day) == 0 || strcmp(v, after) == 0, "%s", v);
	cr_expect_not(json_object_object_get_ex(p, "approvals", NULL));
	sum = api_get(r.json, "summary");
	cr_expect_str_eq(api_str(sum, "policy_id"), "cavra-draft-ok");
	cr_expect_str_eq(api_str(sum, "mode"), "enforce");
	cr_expect_eq(api_int(api_get(sum, "rule_counts"), "filesystem"), 2);
	cr_expect_eq(json_object_array_length(api_get(r.json,
	    "operator_notes")), 2);
	api_free(&r);

	/* schema errors: still 200, prefixed by their path, sorted */
	flow_postf("/policy-packs/draft", 0, &r,
	    "{\"metadata\":{\"id\":\"Not-Valid\","
	    "\"title\":\"T\",\"description\":\"D\",\"mode\":\"loose\"},"
	    "\"git\":{\"require_pull_request\":\"yes\"},\"commands\":"
	    "{\"deny\":[\"x\"]}}");
	cr_assert_eq(r.status, 200, "%s", r.body);
	cr_expect_not(json_object_get_boolean(api_get(r.json, "valid")));
	errs = api_get(r.json, "errors");
	cr_assert_eq(json_object_array_length(errs), 4, "%s", r.body);
	cr_expect_str_eq(json_object_get_string(json_object_array_get_idx(errs,
	    0)), "commands: Additional properties are not allowed ('deny' was "
	    "unexpected)");
	cr_expect_str_eq(json_object_get_string(json_object_array_get_idx(errs,
	    1)), "git.require_pull_request: 'yes' is not of type 'boolean'");
	cr_expect_str_eq(json_object_get_string(json_object_array_get_idx(errs,
	    2)), "metadata.id: 'Not-Valid' does not match "
	    "'^cavra-[a-z0-9-]+$'");
	cr_expect_str_eq(json_object_get_string(json_object_array_get_idx(errs,
	    3)), "metadata.mode: 'loose' is not one of ['audit_only', "
	    "'enforce', 'strict_regulated', 'break_glass']");
	api_free(&r);

	flow_postf("/policy-packs/draft", 0, &r,
	    "{\"id\":\"cavra-x\",\"title\":\"T\"}");
	expect_problem(&r, 400, "policy draft requires id, title, and "
	    "description");
	flow_postf("/policy-packs/draft", 0, &r, "[]");
	api_assert_problem(&r, 422);
	api_free(&r);
}

API_TEST(policy, plan_create_and_update)
{
	struct api_resp		 r, w;
	struct json_object	*diff;
	char			 id[128], *body;
	const char		*digest;

	api_uid(id, sizeof(id), "cavra-plan");
	body = draft(id, "Plan", "make plan");
	flow_postf("/policy-packs/publish-plan", 0, &r, "%s", body);
	cr_assert_eq(r.status, 200, "%s", r.body);
	cr_expect_str_eq(api_str(r.json, "schema_version"),
	    "cavra.policy_pack.publish_plan.v1");
	cr_expect_str_eq(api_str(r.json, "operation"), "create");
	cr_expect_str_eq(api_str(r.json, "risk"), "high");
	cr_expect(json_object_get_boolean(api_get(r.json, "valid")));
	cr_expect(json_object_get_boolean(api_get(r.json,
	    "approval_required")));
	cr_expect_str_eq(api_str(r.json, "policy_id"), id);
	digest = api_str(r.json, "policy_digest");
	cr_expect_eq(strlen(digest), 71);
	cr_expect_eq(strncmp(digest, "sha256:", 7), 0);
	cr_expect_eq(strspn(digest + 7, "0123456789abcdef"), 64);
	diff = api_get(r.json, "diff");
	cr_expect_eq(json_object_array_length(api_get(diff, "added")) +
	    json_object_array_length(api_get(diff, "removed")) +
	    json_object_array_length(api_get(diff, "changed")), 0);
	cr_expect_eq(json_object_array_length(api_get(r.json,
	    "operator_notes")), 3);

	/* the {"draft": ...} form is the same draft, the same digest */
	flow_postf("/policy-packs/publish-plan", 0, &w, "{\"draft\":%s}", body);
	cr_assert_eq(w.status, 200, "%s", w.body);
	cr_expect_str_eq(api_str(w.json, "policy_digest"), digest);
	api_free(&w);
	free(body);
	/* another draft, another digest */
	body = draft(id, "Plan 2", "make plan");
	flow_postf("/policy-packs/publish-plan", 0, &w, "%s", body);
	cr_expect_str_neq(api_str(w.json, "policy_digest"), digest);
	api_free(&w);
	free(body);
	api_free(&r);

	/* over a bundled pack: an update; dropping its sections removes
	 * keys, so the risk is critical */
	flow_postf("/policy-packs/publish-plan", 0, &r,
	    "{\"id\":\"cavra-hipaa\","
	    "\"title\":\"HIPAA\",\"description\":\"Smaller\"}");
	cr_assert_eq(r.status, 200, "%s", r.body);
	cr_expect_str_eq(api_str(r.json, "operation"), "update");
	cr_expect_str_eq(api_str(r.json, "risk"), "critical");
	diff = api_get(r.json, "diff");
	cr_expect_gt(json_object_array_length(api_get(diff, "removed")), 0);
	cr_expect(json_object_array_length(api_get(diff, "changed")) > 0,
	    "%s", r.body);
	api_free(&r);

	/* an invalid draft is planned, with its errors and a first note */
	flow_postf("/policy-packs/publish-plan", 0, &r,
	    "{\"id\":\"bad id\",\"title\":"
	    "\"T\",\"description\":\"D\"}");
	cr_assert_eq(r.status, 200, "%s", r.body);
	cr_expect_not(json_object_get_boolean(api_get(r.json, "valid")));
	cr_expect_str_eq(json_object_get_string(json_object_array_get_idx(
	    api_get(r.json, "operator_notes"), 0)), "Fix schema validation "
	    "errors before requesting approval.");
	api_free(&r);
}

/* ---- the publish flow --------------------------------------------- */

API_TEST(policy, publish_flow)
{
	struct api_resp		 r;
	struct json_object	*apr, *dec, *it;
	char			 id[128], digest[80], allow[160], want[256];
	char			*body, *other, *apr_id;
	struct stat		 st;

	api_uid(id, sizeof(id), "cavra-pub");
	snprintf(allow, sizeof(allow), "make %s", id);
	body = draft(id, "Published", allow);
	other = draft(id, "Published but changed", allow);

	/* an invalid draft is refused a request */
	flow_postf("/policy-packs/publish-request", 0, &r,
	    "{\"draft\":{\"id\":\"x\","
	    "\"title\":\"T\",\"description\":\"D\"}}");
	expect_problem(&r, 400, "policy publish request requires a valid "
	    "draft");

	/* an approver group that is not a string is refused */
	flow_postf("/policy-packs/publish-request", 0, &r, "{\"draft\":%s,"
	    "\"approver_group\":7}", body);
	expect_problem(&r, 400, "approver_group must be a non-empty string");

	/* the request: a pending approval bound to the digest */
	flow_postf("/policy-packs/publish-request", 0, &r, "{\"draft\":%s,"
	    "\"ttl_hours\":2}", body);
	cr_assert_eq(r.status, 200, "%s", r.body);
	cr_expect_str_eq(api_str(r.json, "schema_version"),
	    "cavra.policy_pack.publish_request.v1");
	snprintf(digest, sizeof(digest), "%s", api_str(api_get(r.json,
	    "plan"), "policy_digest"));
	apr = api_get(r.json, "approval");
	apr_id = strdup(api_str(apr, "approval_id"));
	cr_expect_str_eq(api_str(apr, "state"), "pending");
	cr_expect_str_eq(api_str(apr, "approver_group"), "Platform Security");
	cr_expect_str_eq(api_str(apr, "requested_by"),
	    "policy-authoring-console");
	dec = api_get(apr, "decision");
	snprintf(want, sizeof(want), "policy_publish:%s:%.12s", id,
	    digest + 7);
	cr_expect_str_eq(api_str(dec, "decision_id"), want);
	cr_expect_str_eq(api_str(dec, "action_type"), "policy_publish");
	cr_expect_str_eq(api_str(dec, "policy_id"), id);
	cr_expect_str_eq(api_str(dec, "policy_digest"), digest);
	cr_expect_str_eq(api_str(dec, "operation"), "create");
	cr_expect_str_eq(api_str(dec, "repository"), "policy-catalog");
	api_free(&r);
	snprintf(want, sizeof(want), "/approvals/%s", apr_id);
	api_req("GET", want, NULL, NULL, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	cr_expect_str_eq(api_str(r.json, "state"), "pending");
	api_free(&r);

	/* publishing needs an approval id that exists, and an approved
	 * one */
	flow_postf("/policy-packs/publish", 0, &r, "{\"draft\":%s}", body);
	expect_problem(&r, 400, "approval_id is required");
	flow_postf("/policy-packs/publish", 0, &r,
	    "{\"draft\":%s,\"approval_id\":"
	    "\"apr_000000000000\"}", body);
	expect_problem(&r, 404, "approval not found");
	flow_postf("/policy-packs/publish", 0, &r,
	    "{\"draft\":%s,\"approval_id\":"
	    "\"%s\"}", body, apr_id);
	expect_problem(&r, 400, "policy publish approval must be approved "
	    "before write-back");
	snprintf(want, sizeof(want), "%s/policies/%s", api_run_dir(), id);
	cr_expect_neq(stat(want, &st), 0, "nothing written before approval");
	/* an actor outside the approver group may not publish */
	flow_postf("/policy-packs/publish", 0, &r,
	    "{\"draft\":%s,\"approval_id\":"
	    "\"%s\",\"actor_claims\":{\"email\":\"dev@example.com\","
	    "\"groups\":[\"Developers\"]}}", body, apr_id);
	expect_problem(&r, 403, "actor is not authorized to publish this "
	    "policy");

	approve(apr_id);

	/* the approval is for one draft: another digest is refused */
	flow_postf("/policy-packs/publish", 0, &r,
	    "{\"draft\":%s,\"approval_id\":"
	    "\"%s\"}", other, apr_id);
	expect_problem(&r, 400, "approval does not match policy draft digest");
	/* an id that cannot name a directory, whatever the approval */
	flow_postf("/policy-packs/publish", 0, &r,
	    "{\"draft\":{\"id\":\"../escape\","
	    "\"title\":\"T\",\"description\":\"D\"},\"approval_id\":\"%s\"}",
	    apr_id);
	expect_problem(&r, 400, "policy id is not safe for write-back");
	flow_postf("/policy-packs/publish", 0, &r,
	    "{\"draft\":{\"id\":\"cavra-A\","
	    "\"title\":\"T\",\"description\":\"D\"},\"approval_id\":\"%s\"}",
	    apr_id);
	expect_problem(&r, 400, "policy draft must be valid before "
	    "publishing");

	/* the approved draft */
	flow_postf("/policy-packs/publish", 0, &r,
	    "{\"draft\":%s,\"approval_id\":"
	    "\"%s\",\"actor\":\"carol\"}", body, apr_id);
	cr_assert_eq(r.status, 200, "%s", r.body);
	cr_expect_str_eq(api_str(r.json, "schema_version"),
	    "cavra.policy_pack.publish_result.v1");
	cr_expect_str_eq(api_str(r.json, "status"), "published");
	cr_expect_str_eq(api_str(r.json, "published_by"), "carol");
	cr_expect_str_eq(api_str(r.json, "policy_id"), id);
	cr_expect_str_eq(api_str(r.json, "policy_digest"), digest);
	cr_expect(json_object_get_boolean(api_get(r.json,
	    "signature_verified")));
	cr_expect_str_eq(api_str(r.json, "signature_message"),
	    "verified SHA256 signature");
	cr_expect_str_eq(api_str(api_get(r.json, "approval"), "state"),
	    "approved");
	snprintf(want, sizeof(want), "/policies/%s/policy.yaml", id);
	cr_expect(strstr(api_str(r.json, "policy_path"), want) != NULL, "%s",
	    r.body);
	cr_expect_eq(api_str(r.json, "policy_path")[0], '/');
	expect_signature(api_str(r.json, "policy_path"), api_str(r.json,
	    "signature_path"), NULL);
	api_free(&r);

	/* the next decision naming the pack uses it: the default pack asks
	 * for approval of an unknown command, this one allows it */
	cr_expect_str_eq(decide_command(NULL, allow), "require_approval");
	cr_expect_str_eq(decide_command(id, allow), "allow");
	/* the catalog lists it as published; a new plan is an update */
	cr_assert_not_null(it = catalog_item(id, NULL));
	cr_expect_str_eq(api_str(it, "source"), "published");
	json_object_put(it);
	cr_assert_not_null(it = catalog_item(BASELINE, NULL));
	cr_expect_str_eq(api_str(it, "source"), "bundled");
	json_object_put(it);
	flow_postf("/policy-packs/publish-plan", 0, &r, "%s", body);
	cr_assert_eq(r.status, 200, "%s", r.body);
	cr_expect_str_eq(api_str(r.json, "operation"), "update");
	cr_expect_str_eq(api_str(r.json, "risk"), "low");
	api_free(&r);

	free(apr_id);
	free(other);
	free(body);
}

/* A request made by an actor context names that actor. */
API_TEST(policy, request_by_actor)
{
	struct api_resp	 r;
	char		 id[128], *body;

	api_uid(id, sizeof(id), "cavra-req");
	body = draft(id, "Requested", "make req");
	flow_postf("/policy-packs/publish-request", 0, &r, "{\"draft\":%s,"
	    "\"requested_by\":\"ignored\",\"approver_group\":\"Policy Owners\","
	    "\"actor_claims\":{\"email\":\"bob@example.com\"}}", body);
	cr_assert_eq(r.status, 200, "%s", r.body);
	cr_expect_str_eq(api_str(api_get(r.json, "approval"), "requested_by"),
	    "bob@example.com");
	cr_expect_str_eq(api_str(api_get(r.json, "approval"),
	    "approver_group"), "Policy Owners");
	api_free(&r);
	flow_postf("/policy-packs/publish-request", 0, &r, "{\"draft\":%s,"
	    "\"ttl_hours\":\"soon\"}", body);
	expect_problem(&r, 400, "ttl_hours must be an integer");
	free(body);
}

/* ---- a stack of its own: missing root, signing key ---------------- */

/* A stack of this test's own whose policy root does not exist, with a
 * signing key, made the "json" stack of this process. */
static void
own_stack_start(void)
{
	char	 path[1200];

	snprintf(path, sizeof(path), "%s/missing/policies", extra_run("own"));
	setenv("CAVRA_POLICY_DIR", path, 1);
	setenv("CAVRA_POLICY_SIGNING_KEY", SIGNING_KEY, 1);
	extra_own("own", NULL);
}

static void
own_stack_stop(void)
{
	extra_stop("own");
}

EXTRA_INIT_HOOK("test_policy")
EXTRA_STOP_HOOK

/*
 * With a writable root that does not exist, cavra-activity starts and
 * decides with the bundled packs.  Publishing the default pack's id then
 * creates the root (0750) and an HS256-signed pack that shadows the
 * bundled one: in the catalog, and in the next decision.
 */
Test(policy_own, missing_root_then_shadow, .init = own_stack_start,
    .fini = own_stack_stop)
{
	struct api_resp		 r;
	struct json_object	*it;
	struct stat		 st;
	long long		 before, after;
	char			 path[1400], digest[80], *body, *apr_id;

	snprintf(path, sizeof(path), "%s/missing", extra_run("own"));
	cr_assert_neq(stat(path, &st), 0);
	cr_expect_str_eq(decide_command(NULL, "make shadowed"),
	    "require_approval");
	flow_postf("/decisions", 0, &r,
	    "{\"action_type\":\"read_file\",\"target\":"
	    "\".env\"}");
	cr_assert_eq(r.status, 200, "%s", r.body);
	cr_expect_str_eq(api_str(r.json, "decision"), "block");
	api_free(&r);
	cr_assert_not_null(it = catalog_item(BASELINE, &before));
	cr_expect_str_eq(api_str(it, "source"), "bundled");
	cr_expect_geq(before, 16);
	json_object_put(it);

	body = draft(BASELINE, "Shadowed baseline", "make shadowed");
	apr_id = request(body, digest, sizeof(digest));
	approve(apr_id);
	flow_postf("/policy-packs/publish", 0, &r,
	    "{\"draft\":%s,\"approval_id\":"
	    "\"%s\",\"signer\":\"release-bot\"}", body, apr_id);
	cr_assert_eq(r.status, 200, "%s", r.body);
	cr_expect_str_eq(api_str(r.json, "signature_message"),
	    "verified HS256 signature");
	cr_expect_str_eq(api_str(r.json, "published_by"),
	    "policy-authoring-api");
	expect_signature(api_str(r.json, "policy_path"), api_str(r.json,
	    "signature_path"), SIGNING_KEY);
	api_free(&r);
	cr_assert_eq(stat(path, &st), 0);
	snprintf(path, sizeof(path), "%s/missing/policies", extra_run("own"));
	cr_assert_eq(stat(path, &st), 0);
	cr_expect_eq(st.st_mode & 07, 0, "root mode %o", st.st_mode & 0777);

	/* the shadow is used at once, by default and by name */
	cr_expect_str_eq(decide_command(NULL, "make shadowed"), "allow");
	cr_expect_str_eq(decide_command(BASELINE, "make shadowed"), "allow");
	cr_assert_not_null(it = catalog_item(BASELINE, &after));
	cr_expect_str_eq(api_str(it, "source"), "published");
	cr_expect_str_eq(api_str(it, "title"), "Shadowed baseline");
	cr_expect_eq(after, before, "one entry per id");
	json_object_put(it);

	free(apr_id);
	free(body);
}
