/*
 * cavra-policy: the policy pack catalog and policy authoring (draft,
 * publish plan, publish request, publish).  Packs are read through the
 * policy module (lib/policy_load.c), which caches them per process; drafts
 * are built, checked and written back by lib/policy_author.c; a publish
 * request is an approval in the approvals store (cv_approval.h), and only
 * an approved (or break-glass) approval bound to the same draft digest
 * lets a draft be written.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cavra.h"
#include "cv_approval.h"
#include "cv_auth.h"
#include "cv_policy.h"
#include "cv_policy_author.h"

#define DEFAULT_REQUESTER	"policy-authoring-console"
#define DEFAULT_APPROVERS	"Platform Security"
#define DEFAULT_REPOSITORY	"policy-catalog"
#define DEFAULT_PUBLISHER	"policy-authoring-api"
#define DEFAULT_TTL_HOURS	24
/* Digits of the draft digest in a publish decision id and its ref. */
#define DIGEST_REF_HEX		12

static const char *const draft_notes[] = {
	"A draft is only built and checked: nothing is written to the "
	    "policy directory.",
	"Review the built policy, then request its publication; publishing "
	    "needs an approval of this exact draft.",
	NULL
};

static const char *const publish_notes[] = {
	"The policy passed the schema check, matched the digest its "
	    "approval was given for, and was written with its signature.",
	"The next decision that names this pack uses it; keep policy.yaml "
	    "and its signature under change control.",
	NULL
};

/* The draft of a body: its `draft` member when that is an object, else
 * the body itself; borrowed. */
static struct json_object *
draft_of(struct json_object *body)
{
	struct json_object	*d;

	if (cv_json_obj(body, "draft", &d) == CV_JGET_OK)
		return d;
	return body;
}

/* Today's UTC date as "YYYY.MM.DD", the version of a draft without
 * one. */
static void
today(char *buf, size_t len)
{
	struct tm	 tm;
	time_t		 now = time(NULL);

	gmtime_r(&now, &tm);
	strftime(buf, len, "%Y.%m.%d", &tm);
}

/* A draft built and checked. */
struct draft {
	struct json_object	*policy;	/* owned */
	struct json_object	*errors;	/* owned */
	const char		*id;	/* metadata.id, borrowed */
	size_t			 idlen;	/* its length (NULs too) */
	int			 valid;
};

static void
draft_free(struct draft *d)
{
	json_object_put(d->policy);
	json_object_put(d->errors);
}

/*
 * Builds and checks the draft of body.  CV_EINVAL (400) "policy draft
 * requires id, title, and description", recorded on req.  The caller
 * frees d with draft_free() either way.
 */
static enum cv_err
draft_build(struct cv_req *req, struct json_object *body, struct draft *d)
{
	struct json_object	*id;
	char			 day[16], err[128];

	memset(d, 0, sizeof(*d));
	today(day, sizeof(day));
	if (cv_draft_build(body, day, &d->policy, err, sizeof(err)) != CV_OK)
		return cv_fail(req, CV_EINVAL, "%s", err);
	d->errors = cv_draft_validate(d->policy);
	d->valid = json_object_array_length(d->errors) == 0;
	id = json_object_object_get(json_object_object_get(d->policy,
	    "metadata"), "id");
	d->id = json_object_get_string(id);
	d->idlen = (size_t)json_object_get_string_len(id);
	return CV_OK;
}

/*
 * POST /policy-packs/draft: the built policy, its schema errors ("path:
 * message", sorted by path; still 200 when there are some), its summary.
 * 400 when id, title or description is missing.
 */
static enum cv_err
h_draft(struct cv_req *req, struct cv_resp *resp)
{
	struct json_object	*o;
	struct draft		 d;
	enum cv_err		 rc;

	if ((rc = draft_build(req, req->json, &d)) != CV_OK)
		goto out;
	o = json_object_new_object();
	cv_json_add_str(o, "schema_version", "cavra.policy_pack.draft.v1");
	cv_json_add_str(o, "product", CV_PRODUCT);
	cv_json_add_bool(o, "valid", d.valid);
	json_object_object_add(o, "errors", json_object_get(d.errors));
	json_object_object_add(o, "policy_pack", json_object_get(d.policy));
	json_object_object_add(o, "summary", cv_policy_summary(d.policy));
	cv_json_add_strv(o, "operator_notes", draft_notes);
	cv_resp_json(resp, 200, o);
out:
	draft_free(&d);
	return rc;
}

/*
 * The publish plan of a built draft (cavra.policy_pack.publish_plan.v1):
 * create or update of the pack now found under that id (the writable
 * root's, else the bundled one), the diff and its risk, and the digest
 * an approval is bound to (*digest, arena).  New reference.
 */
static struct json_object *
plan_new(struct cv_req *req, const struct draft *d, const char **digest)
{
	struct json_object	*o, *cur = NULL, *diff, *notes;
	const char		*risk;
	char			 ts[CV_TS_LEN];

	if (cv_policy_raw(d->id, &cur, NULL) != CV_OK)
		cur = NULL;
	diff = cv_draft_diff(cur, d->policy);
	risk = cv_draft_risk(cur, diff);
	*digest = cv_draft_digest(req->arena, d->policy);
	cv_ts_now(ts, sizeof(ts));

	notes = json_object_new_array();
	if (!d->valid)
		json_object_array_add(notes, json_object_new_string("Fix "
		    "schema validation errors before requesting approval."));
	json_object_array_add(notes, json_object_new_string("Publishing "
	    "writes policy.yaml and policy.yaml.sig.json only after "
	    "approval."));
	json_object_array_add(notes, json_object_new_string("The approval "
	    "request is bound to this draft's digest, so an approval given for "
	    "one draft cannot publish another."));
	if (strcmp(risk, "high") == 0 || strcmp(risk, "critical") == 0)
		json_object_array_add(notes, json_object_new_string("Security "
		    "or platform approval is required before write-back."));

	o = json_object_new_object();
	cv_json_add_str(o, "schema_version",
	    "cavra.policy_pack.publish_plan.v1");
	cv_json_add_str(o, "product", CV_PRODUCT);
	cv_json_add_str(o, "generated_at", ts);
	cv_json_add_str(o, "operation", cur != NULL ? "update" : "create");
	cv_json_add_bool(o, "valid", d->valid);
	json_object_object_add(o, "errors", json_object_get(d->errors));
	cv_json_add_bool(o, "approval_required", 1);
	cv_json_add_str(o, "risk", risk);
	cv_json_add_str(o, "policy_id", d->id);
	cv_json_add_str(o, "policy_digest", *digest);
	json_object_object_add(o, "target_path", json_object_new_string(
	    cv_arena_printf(req->arena, "policies/%s/policy.yaml", d->id)));
	json_object_object_add(o, "summary", cv_policy_summary(d->policy));
	json_object_object_add(o, "diff", diff);
	json_object_object_add(o, "operator_notes", notes);
	json_object_put(cur);
	return o;
}

/*
 * POST /policy-packs/publish-plan: body the draft or {"draft": ...}.
 * 400 when id, title or description is missing.
 */
static enum cv_err
h_plan(struct cv_req *req, struct cv_resp *resp)
{
	struct draft	 d;
	const char	*digest;
	enum cv_err	 rc;

	if ((rc = draft_build(req, draft_of(req->json), &d)) == CV_OK)
		cv_resp_json(resp, 200, plan_new(req, &d, &digest));
	draft_free(&d);
	return rc;
}

/* str() of body[key] when present and not null, else dflt (arena or
 * borrowed). */
static const char *
str_or(struct cv_req *req, struct json_object *body, const char *key,
    const char *dflt)
{
	struct json_object	*v;

	v = json_object_object_get(body, key);
	if (v == NULL)
		return dflt;
	if (json_object_is_type(v, json_type_string))
		return json_object_get_string(v);
	return cv_json_compact(req->arena, v);
}

/*
 * body.ttl_hours as Python's int() reads it: an integer, a number
 * (truncated), a boolean or a decimal string; absent or null is 24.
 * CV_EINVAL otherwise.
 */
static enum cv_err
ttl_of(struct cv_req *req, struct json_object *body, long long *out)
{
	struct json_object	*v;
	const char		*s;
	char			*end;

	*out = DEFAULT_TTL_HOURS;
	v = json_object_object_get(body, "ttl_hours");
	switch (json_object_get_type(v)) {
	case json_type_null:
		return CV_OK;
	case json_type_int:
	case json_type_boolean:
		*out = json_object_get_int64(v);
		return CV_OK;
	case json_type_double:
		if (json_object_get_double(v) > -1e15 &&
		    json_object_get_double(v) < 1e15) {
			*out = (long long)json_object_get_double(v);
			return CV_OK;
		}
		break;
	case json_type_string:
		s = json_object_get_string(v);
		*out = strtoll(s, &end, 10);
		if (end != s && *end == '\0')
			return CV_OK;
		break;
	default:
		break;
	}
	return cv_fail(req, CV_EINVAL, "ttl_hours must be an integer");
}

/*
 * POST /policy-packs/publish-request: a pending approval bound to the
 * draft's digest (record-contracts.md 7.4).  Body: draft (or the body),
 * requested_by, approver_group, repository, ttl_hours, and the actor
 * context inputs.  400 for an invalid draft; 401/400 for a bad actor
 * context.
 */
static enum cv_err
h_publish_request(struct cv_req *req, struct cv_resp *resp)
{
	struct json_object	*body = req->json, *plan = NULL, *dec, *apr;
	struct json_object	*o, *g;
	const struct cv_actor	*actor;
	struct draft		 d;
	const char		*digest, *by, *group, *repo, *ref;
	long long		 ttl;
	enum cv_err		 rc;

	memset(&d, 0, sizeof(d));
	if ((rc = cv_auth_actor(req, body, &actor)) != CV_OK ||
	    (rc = draft_build(req, draft_of(body), &d)) != CV_OK)
		goto out;
	plan = plan_new(req, &d, &digest);
	if (!d.valid) {
		rc = cv_fail(req, CV_EINVAL, "policy publish request requires "
		    "a valid draft");
		goto out;
	}
	if ((rc = ttl_of(req, body, &ttl)) != CV_OK)
		goto out;
	by = actor != NULL ? actor->actor : str_or(req, body, "requested_by",
	    DEFAULT_REQUESTER);
	group = DEFAULT_APPROVERS;
	if (json_object_object_get_ex(body, "approver_group", &g) &&
	    g != NULL) {
		if (!json_object_is_type(g, json_type_string) ||
		    json_object_get_string_len(g) == 0) {
			rc = cv_fail_field(req, CV_EINVAL, "approver_group",
			    "approver_group must be a non-empty string");
			goto out;
		}
		group = json_object_get_string(g);
	}
	repo = cv_json_truthy(json_object_object_get(body, "repository")) ?
	    str_or(req, body, "repository", NULL) : DEFAULT_REPOSITORY;
	ref = cv_arena_printf(req->arena, "%.*s", DIGEST_REF_HEX,
	    digest + strlen("sha256:"));

	dec = json_object_new_object();
	json_object_object_add(dec, "decision_id", json_object_new_string(
	    cv_arena_printf(req->arena, "policy_publish:%s:%s", d.id, ref)));
	cv_json_add_str(dec, "session_id", "policy-authoring");
	cv_json_add_str(dec, "agent_id", DEFAULT_REQUESTER);
	cv_json_add_str(dec, "actor", by);
	cv_json_add_str(dec, "repository", repo);
	cv_json_add_str(dec, "action_type", "policy_publish");
	json_object_object_add(dec, "target", json_object_get(
	    json_object_object_get(plan, "target_path")));
	cv_json_add_str(dec, "decision", "require_approval");
	json_object_object_add(dec, "severity", json_object_get(
	    json_object_object_get(plan, "risk")));
	cv_json_add_str(dec, "policy_pack", d.id);
	cv_json_add_str(dec, "rule_id", "policy.publish.requires_approval");
	cv_json_add_str(dec, "reason", "Policy pack write-back requires "
	    "approval and signature before publishing.");
	cv_json_add_str(dec, "approver_group", group);
	cv_json_add_str(dec, "policy_id", d.id);
	cv_json_add_str(dec, "policy_digest", digest);
	json_object_object_add(dec, "operation", json_object_get(
	    json_object_object_get(plan, "operation")));
	json_object_object_add(dec, "evidence_refs", json_object_new_array());
	json_object_array_add(json_object_object_get(dec, "evidence_refs"),
	    json_object_new_string(cv_arena_printf(req->arena,
	    "policy-draft://%s/%s", d.id, ref)));

	rc = cv_approval_new(req, dec, group, by, ttl, &apr);
	json_object_put(dec);
	if (rc != CV_OK)
		goto out;
	if ((rc = cv_approval_put(req, apr)) != CV_OK) {
		json_object_put(apr);
		goto out;
	}
	o = json_object_new_object();
	cv_json_add_str(o, "schema_version",
	    "cavra.policy_pack.publish_request.v1");
	cv_json_add_str(o, "product", CV_PRODUCT);
	json_object_object_add(o, "plan", plan);
	plan = NULL;
	json_object_object_add(o, "approval", apr);
	cv_resp_json(resp, 200, o);
out:
	json_object_put(plan);
	draft_free(&d);
	return rc;
}

/*
 * Whether the approval lets this draft be published (record-contracts.md
 * 7.5): approved or break_glass, made for a policy publish, for this
 * policy id and digest.  CV_OK, or CV_EINVAL with the reason.
 */
static enum cv_err
approval_matches(struct cv_req *req, struct json_object *apr,
    const char *id, const char *digest)
{
	struct json_object	*dec;
	const char		*state;

	state = cv_json_str_or(apr, "state", "");
	if (strcmp(state, "approved") != 0 && strcmp(state, "break_glass") != 0)
		return cv_fail(req, CV_EINVAL, "policy publish approval must "
		    "be approved before write-back");
	if (cv_json_obj(apr, "decision", &dec) != CV_JGET_OK)
		return cv_fail(req, CV_EINVAL, "policy publish approval must "
		    "include a decision payload");
	if (strcmp(cv_json_str_or(dec, "action_type", ""),
	    "policy_publish") != 0)
		return cv_fail(req, CV_EINVAL, "approval is not for policy "
		    "publish");
	if (strcmp(cv_json_str_or(dec, "policy_id", ""), id) != 0 ||
	    strcmp(cv_json_str_or(dec, "policy_digest", ""), digest) != 0)
		return cv_fail(req, CV_EINVAL, "approval does not match policy "
		    "draft digest");
	return CV_OK;
}

/*
 * POST /policy-packs/publish: writes the draft into the writable policy
 * root with its signature (HS256 under CAVRA_POLICY_SIGNING_KEY, else
 * SHA256), given approval_id of an approved or break-glass approval for
 * the same policy id and digest.  In order: actor context (401/400),
 * approval_id (400), the approval (404), the actor's right to decide it
 * (403), the draft (400: missing fields, an id that cannot name a
 * directory, schema errors), the approval's state and binding (400).
 * 500 when the files cannot be written or do not verify.
 */
static enum cv_err
h_publish(struct cv_req *req, struct cv_resp *resp)
{
	struct json_object	*body = req->json, *apr = NULL, *o, *v;
	const struct cv_actor	*actor;
	struct cv_published	 pub;
	struct draft		 d;
	const char		*apr_id, *digest, *signer, *by;
	char			 ts[CV_TS_LEN], err[512];
	enum cv_err		 rc;

	memset(&d, 0, sizeof(d));
	if ((rc = cv_auth_actor(req, body, &actor)) != CV_OK)
		goto out;
	if (!cv_json_truthy(json_object_object_get(body, "approval_id"))) {
		rc = cv_fail(req, CV_EINVAL, "approval_id is required");
		goto out;
	}
	apr_id = str_or(req, body, "approval_id", "");
	if ((rc = cv_approval_get(req, apr_id, &apr)) != CV_OK)
		goto out;
	if (actor != NULL && !cv_auth_can_decide(actor, apr, "approved")) {
		rc = cv_fail(req, CV_EPERM, "actor is not authorized to "
		    "publish this policy");
		goto out;
	}
	if ((rc = draft_build(req, draft_of(body), &d)) != CV_OK)
		goto out;
	/* Before the schema check, so that the refusal names the reason. */
	if (!cv_draft_id_safe(d.id, d.idlen)) {
		rc = cv_fail(req, CV_EINVAL, "policy id is not safe for "
		    "write-back");
		goto out;
	}
	if (!d.valid) {
		rc = cv_fail(req, CV_EINVAL, "policy draft must be valid "
		    "before publishing");
		goto out;
	}
	digest = cv_draft_digest(req->arena, d.policy);
	if ((rc = approval_matches(req, apr, d.id, digest)) != CV_OK)
		goto out;

	v = json_object_object_get(body, "signer");
	signer = cv_json_truthy(v) ? str_or(req, body, "signer", NULL) :
	    actor != NULL ? actor->actor : DEFAULT_PUBLISHER;
	if (actor != NULL)
		by = actor->actor;
	else if (!json_object_object_get_ex(body, "actor", &v))
		by = DEFAULT_PUBLISHER;
	else
		by = cv_json_truthy(v) ? str_or(req, body, "actor", NULL) :
		    signer;
	if ((rc = cv_policy_publish(req->arena, cv_policy_root(), d.id,
	    d.policy, signer, cv_env("CAVRA_POLICY_SIGNING_KEY"), &pub, err,
	    sizeof(err))) != CV_OK) {
		rc = cv_fail(req, rc, "%s", err);
		goto out;
	}
	if (!pub.verified) {
		rc = cv_fail(req, CV_EIO, "published policy signature "
		    "verification failed: %s", pub.message);
		goto out;
	}

	cv_ts_now(ts, sizeof(ts));
	o = json_object_new_object();
	cv_json_add_str(o, "schema_version",
	    "cavra.policy_pack.publish_result.v1");
	cv_json_add_str(o, "product", CV_PRODUCT);
	cv_json_add_str(o, "status", "published");
	cv_json_add_str(o, "published_at", ts);
	cv_json_add_str(o, "published_by", by);
	cv_json_add_str(o, "policy_id", d.id);
	cv_json_add_str(o, "policy_digest", digest);
	cv_json_add_str(o, "policy_path", pub.policy_path);
	cv_json_add_str(o, "signature_path", pub.sig_path);
	cv_json_add_bool(o, "signature_verified", pub.verified);
	cv_json_add_str(o, "signature_message", pub.message);
	json_object_object_add(o, "approval", cv_approval_summary(apr));
	json_object_object_add(o, "summary", cv_policy_summary(d.policy));
	cv_json_add_strv(o, "operator_notes", publish_notes);
	cv_resp_json(resp, 200, o);
out:
	json_object_put(apr);
	draft_free(&d);
	return rc;
}

/*
 * GET /policy-pack-catalog: every pack of the two policy layers with its
 * rule counts and where it was read from, sorted by directory name.  500
 * when a root cannot be read.
 */
static enum cv_err
h_catalog(struct cv_req *req, struct cv_resp *resp)
{
	struct json_object	*o, *items;
	enum cv_err		 rc;

	if ((rc = cv_policy_catalog(0, &items)) != CV_OK)
		return cv_fail(req, rc, "policy pack catalog could not be "
		    "read");
	o = json_object_new_object();
	cv_json_add_str(o, "schema_version", "cavra.policy_pack.catalog.v1");
	cv_json_add_str(o, "product", CV_PRODUCT);
	cv_json_add_int(o, "total", (int64_t)json_object_array_length(items));
	json_object_object_add(o, "items", items);
	cv_resp_json(resp, 200, o);
	return CV_OK;
}

/* ---- the 200 answers, for openapi.json ----------------------------- */

#define SCHEMA_STRLIST	\
	"{\"type\":\"array\",\"items\":{\"type\":\"string\"}}"

#define SCHEMA_SUMMARY	\
	"{\"type\":\"object\",\"required\":[\"policy_id\",\"title\","	\
	"\"version\",\"inherits\",\"mode\",\"rule_counts\"],"	\
	"\"properties\":{\"inherits\":{\"type\":[\"array\",\"string\","	\
	"\"null\"],\"items\":{\"type\":\"string\"}},"	\
	"\"mode\":{\"type\":\"string\"},"	\
	"\"rule_counts\":{\"type\":\"object\","	\
	"\"additionalProperties\":{\"type\":\"integer\","	\
	"\"minimum\":0}}}}"

#define SCHEMA_CATALOG	\
	"{\"type\":\"object\",\"required\":[\"schema_version\","	\
	"\"product\",\"total\",\"items\"],"	\
	"\"properties\":{\"schema_version\":{\"const\":"	\
	"\"cavra.policy_pack.catalog.v1\"},"	\
	"\"product\":{\"type\":\"string\"},"	\
	"\"total\":{\"type\":\"integer\",\"minimum\":0},"	\
	"\"items\":{\"type\":\"array\","	\
	"\"items\":{\"type\":\"object\",\"required\":[\"id\","	\
	"\"title\",\"description\",\"version\",\"summary\","	\
	"\"source\"],"	\
	"\"properties\":{\"id\":{\"type\":\"string\"},"	\
	"\"title\":{\"type\":\"string\"},"	\
	"\"version\":{\"type\":\"string\"},"	\
	"\"source\":{\"enum\":[\"published\",\"bundled\"],"	\
	"\"description\":\"published: from the writable root "	\
	"(CAVRA_POLICY_DIR), shadowing a bundled pack of the same id; "	\
	"bundled: from the installed packs\"},"	\
	"\"summary\":" SCHEMA_SUMMARY "}}}}}"

#define SCHEMA_DRAFT	\
	"{\"type\":\"object\",\"required\":[\"schema_version\","	\
	"\"product\",\"valid\",\"errors\",\"policy_pack\",\"summary\","	\
	"\"operator_notes\"],"	\
	"\"properties\":{\"schema_version\":{\"const\":"	\
	"\"cavra.policy_pack.draft.v1\"},"	\
	"\"product\":{\"type\":\"string\"},"	\
	"\"valid\":{\"type\":\"boolean\"},"	\
	"\"errors\":" SCHEMA_STRLIST ","	\
	"\"policy_pack\":{\"type\":\"object\",\"required\":[\"metadata\"]},"\
	"\"summary\":" SCHEMA_SUMMARY ","	\
	"\"operator_notes\":" SCHEMA_STRLIST "}}"

#define SCHEMA_PLAN	\
	"{\"type\":\"object\",\"required\":[\"schema_version\","	\
	"\"product\",\"generated_at\",\"operation\",\"valid\",\"errors\","\
	"\"approval_required\",\"risk\",\"policy_id\","	\
	"\"policy_digest\","	\
	"\"target_path\",\"summary\",\"diff\",\"operator_notes\"],"	\
	"\"properties\":{\"schema_version\":{\"const\":"	\
	"\"cavra.policy_pack.publish_plan.v1\"},"	\
	"\"product\":{\"type\":\"string\"},"	\
	"\"generated_at\":{\"type\":\"string\"},"	\
	"\"operation\":{\"enum\":[\"create\",\"update\"]},"	\
	"\"valid\":{\"type\":\"boolean\"},"	\
	"\"errors\":" SCHEMA_STRLIST ","	\
	"\"approval_required\":{\"const\":true},"	\
	"\"risk\":{\"enum\":[\"low\",\"medium\",\"high\","	\
	"\"critical\"]},"	\
	"\"policy_id\":{\"type\":\"string\"},"	\
	"\"policy_digest\":{\"type\":\"string\",\"minLength\":71,"	\
	"\"maxLength\":71,\"description\":\"sha256: and the hex "	\
	"SHA-256 "	\
	"of the policy's canonical JSON\"},"	\
	"\"target_path\":{\"type\":\"string\"},"	\
	"\"summary\":" SCHEMA_SUMMARY ","	\
	"\"diff\":{\"type\":\"object\",\"required\":[\"added\","	\
	"\"removed\",\"changed\"],\"properties\":{"	\
	"\"added\":" SCHEMA_STRLIST ",\"removed\":" SCHEMA_STRLIST ","	\
	"\"changed\":" SCHEMA_STRLIST "}},"	\
	"\"operator_notes\":" SCHEMA_STRLIST "}}"

#define SCHEMA_APPROVAL	\
	"{\"type\":\"object\","	\
	"\"required\":[\"approval_id\",\"state\"],"	\
	"\"properties\":{\"approval_id\":{\"type\":\"string\"},"	\
	"\"state\":{\"type\":\"string\"}}}"

#define SCHEMA_REQUEST	\
	"{\"type\":\"object\",\"required\":[\"schema_version\","	\
	"\"product\",\"plan\",\"approval\"],"	\
	"\"properties\":{\"schema_version\":{\"const\":"	\
	"\"cavra.policy_pack.publish_request.v1\"},"	\
	"\"product\":{\"type\":\"string\"},"	\
	"\"plan\":" SCHEMA_PLAN ",\"approval\":" SCHEMA_APPROVAL "}}"

#define SCHEMA_PUBLISH	\
	"{\"type\":\"object\",\"required\":[\"schema_version\","	\
	"\"product\",\"status\",\"published_at\",\"published_by\","	\
	"\"policy_id\",\"policy_digest\",\"policy_path\","	\
	"\"signature_path\",\"signature_verified\",\"signature_message\","\
	"\"approval\",\"summary\",\"operator_notes\"],"	\
	"\"properties\":{\"schema_version\":{\"const\":"	\
	"\"cavra.policy_pack.publish_result.v1\"},"	\
	"\"product\":{\"type\":\"string\"},"	\
	"\"status\":{\"const\":\"published\"},"	\
	"\"published_at\":{\"type\":\"string\"},"	\
	"\"published_by\":{\"type\":\"string\"},"	\
	"\"policy_id\":{\"type\":\"string\"},"	\
	"\"policy_digest\":{\"type\":\"string\"},"	\
	"\"policy_path\":{\"type\":\"string\"},"	\
	"\"signature_path\":{\"type\":\"string\"},"	\
	"\"signature_verified\":{\"type\":\"boolean\"},"	\
	"\"signature_message\":{\"type\":\"string\"},"	\
	"\"approval\":" SCHEMA_APPROVAL ","	\
	"\"summary\":" SCHEMA_SUMMARY ","	\
	"\"operator_notes\":" SCHEMA_STRLIST "}}"

/* Drafts and plans change nothing: any reader may ask for them.  A
 * publish request opens an approval and a publish writes packs: both are
 * policy publishing, for admins. */
static const struct cv_route routes[] = {
	{ CV_GET, "/policy-pack-catalog", h_catalog, 0,
	    "Policy pack catalog with rule counts and source per pack", NULL,
	    NULL, SCHEMA_CATALOG },
	{ CV_POST, "/policy-packs/draft", h_draft, CV_BODY_JSON,
	    "Build and check a policy pack draft (writes nothing)", NULL,
	    NULL, SCHEMA_DRAFT, CV_RIGHT_READ },
	{ CV_POST, "/policy-packs/publish-plan", h_plan, CV_BODY_JSON,
	    "Operation, diff, risk and digest of publishing a draft", NULL,
	    NULL, SCHEMA_PLAN, CV_RIGHT_READ },
	{ CV_POST, "/policy-packs/publish-request", h_publish_request,
	    CV_BODY_JSON, "Open a pending approval bound to a draft's digest",
	    NULL, NULL, SCHEMA_REQUEST, CV_RIGHT_ADMIN },
	{ CV_POST, "/policy-packs/publish", h_publish, CV_BODY_JSON,
	    "Write an approved draft and its signature into the policy root",
	    NULL, NULL, SCHEMA_PUBLISH, CV_RIGHT_ADMIN },
};

static const struct cv_store_def *const stores[] = { &cv_store_approvals,
    NULL };

CV_RESPONDER(
	.name = "cavra-policy",
	.stores = stores);
