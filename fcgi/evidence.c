/*
 * cavra-evidence: evidence metadata (record-contracts.md 6.1), the
 * artifacts of a bundle under CAVRA_EVIDENCE_ARTIFACT_ROOT (6.2) and
 * signed promotion requests for managed endpoint rollouts (6.3).
 *
 * Metadata is a resource (POST upserts by session_id, GET one by id);
 * the list route has filters the resource table cannot express
 * (substring, minimum, boolean, membership), so it reads the store's
 * exact filters and applies the others here.
 *
 * Artifacts are served by the handlers of fcgi/artifact.c (shared with
 * cavra-endpoints' export routes) under the view below.
 */
#include "config.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cavra.h"
#include "cv_approval.h"
#include "cv_connector.h"
#include "cv_crypto.h"

#include "artifact.h"
#include "evidence.h"

/* The artifact routes of /evidence/{session_id}: any metadata kind. */
static const struct art_view evidence_view = {
	.param = "session_id",
	.base = "/evidence",
	.missing = "evidence metadata not found",
	.what = "evidence artifact",
};

/*
 * Metadata: free-form records keyed by session_id.  The table names the
 * conventional fields so that their types are checked and the store's
 * filter columns are declared; every other key is kept as sent.
 */
static enum cv_err
metadata_id(struct cv_req *req, struct json_object *body, const char **id)
{
	(void)body;
	*id = NULL;
	return cv_fail(req, CV_EINVAL, "metadata must include session_id");
}

static const struct cv_field metadata_fields[] = {
	{ "schema_version", CV_F_STRING, 0, "cavra.evidence.metadata.v1" },
	{ "product", CV_F_STRING, 0, "CAVRA" },
	{ "created_at", CV_F_TIME, CV_FF_OPTIONAL },
	{ "bundle_dir", CV_F_STRING, CV_FF_OPTIONAL },
	{ "signer", CV_F_STRING, CV_FF_OPTIONAL | CV_FF_FILTER },
	{ "decision_count", CV_F_INT, CV_FF_OPTIONAL },
	{ "blocked_count", CV_F_INT, CV_FF_OPTIONAL },
	{ "approval_required_count", CV_F_INT, CV_FF_OPTIONAL },
	{ "metadata_kind", CV_F_STRING, CV_FF_OPTIONAL | CV_FF_FILTER },
	{ "rollout_status", CV_F_STRING, CV_FF_OPTIONAL | CV_FF_FILTER },
	{ "environment", CV_F_STRING, CV_FF_OPTIONAL | CV_FF_FILTER },
	{ "target_ring", CV_F_STRING, CV_FF_OPTIONAL | CV_FF_FILTER },
	{ "approval_state", CV_F_STRING, CV_FF_OPTIONAL | CV_FF_FILTER },
	{ "promotion_execution_status", CV_F_STRING, CV_FF_OPTIONAL },
	{ "rollback_execution_status", CV_F_STRING, CV_FF_OPTIONAL },
	{ "deployment_targets", CV_F_STRLIST, CV_FF_OPTIONAL | CV_FF_MEMBER,
	    NULL, NULL, NULL, NULL, "deployment_target" },
};

static const struct cv_resource metadata = {
	.what = "evidence metadata",
	.store = &cv_store_evidence,
	.coll = 0,
	.id_field = "session_id",
	.id_fn = metadata_id,
	.fields = metadata_fields,
	.nfields = nitems(metadata_fields),
	.doc = "Evidence metadata of a session bundle or a release record",
};

/* The in-memory filters of GET /evidence (the store has no column for
 * them), with the values of this request. */
struct list_filter {
	const char	*session_id;	/* substring */
	int64_t		 min_blocked;	/* -1: none */
	int		 has_approvals;	/* -1: none */
	const char	*promotion;	/* promotion_execution_status */
	const char	*rollback;	/* rollback_execution_status */
	const char	*target;	/* member of deployment_targets */
};

/* A count field of a record as an integer (absent or not a number: 0). */
static int64_t
count_of(struct json_object *rec, const char *key)
{
	struct json_object	*v;

	if (!json_object_object_get_ex(rec, key, &v) || v == NULL)
		return 0;
	if (json_object_is_type(v, json_type_int) ||
	    json_object_is_type(v, json_type_double))
		return json_object_get_int64(v);
	return 0;
}

static int
list_keep(const struct list_filter *lf, struct json_object *rec)
{
	const char	*id;
	int64_t		 n;

	if (lf->session_id != NULL && (cv_json_str(rec, "session_id", &id) !=
	    CV_JGET_OK || strstr(id, lf->session_id) == NULL))
		return 0;
	if (lf->min_blocked >= 0 && count_of(rec, "blocked_count") <
	    lf->min_blocked)
		return 0;
	if (lf->has_approvals >= 0) {
		n = count_of(rec, "approval_required_count");
		if (lf->has_approvals != (n > 0))
			return 0;
	}
	if (lf->promotion != NULL && !art_str_is(rec,
	    "promotion_execution_status", lf->promotion))
		return 0;
	if (lf->rollback != NULL && !art_str_is(rec,
	    "rollback_execution_status", lf->rollback))
		return 0;
	if (lf->target != NULL && !cv_json_has_str(json_object_object_get(rec,
	    "deployment_targets"), lf->target))
		return 0;
	return 1;
}

/* A query value, or NULL when absent or empty (no filter). */
static const char *
query_nonempty(struct cv_req *req, const char *name)
{
	const char	*v;

	v = cv_query(req, name);
	return v != NULL && *v != '\0' ? v : NULL;
}

/*
 * GET /evidence: {items,total,limit,offset} in store order (created_at
 * descending, then session_id descending: both backends alike).  The
 * exact filters of the table go to the store; the others are applied
 * to what it returns.  Query types are checked by the library (422).
 */
static enum cv_err
h_list(struct cv_req *req, struct cv_resp *resp)
{
	struct cv_filter	 f[nitems(metadata_fields)];
	struct list_filter	 lf;
	struct json_object	*items = NULL, *page, *it, *o;
	struct cv_store		*s;
	struct cv_db		*db;
	size_t			 nf, limit, offset, i, n, seen = 0, total;
	int64_t			 minb;
	int			 b;
	enum cv_err		 rc;

	if ((rc = cv_rs_filters(req, &metadata, f, &nf)) != CV_OK ||
	    (rc = cv_query_page(req, &limit, &offset)) != CV_OK)
		return rc;
	memset(&lf, 0, sizeof(lf));
	lf.session_id = query_nonempty(req, "session_id");
	lf.promotion = query_nonempty(req, "promotion_execution_status");
	lf.rollback = query_nonempty(req, "rollback_execution_status");
	lf.target = query_nonempty(req, "deployment_target");
	lf.min_blocked = lf.has_approvals = -1;
	if (query_nonempty(req, "min_blocked") != NULL) {
		if ((rc = cv_query_int(req, "min_blocked", 0, INT64_MIN,
		    INT64_MAX, 1, &minb)) != CV_OK)
			return rc;
		lf.min_blocked = minb < 0 ? 0 : minb;
	}
	if (query_nonempty(req, "has_approvals") != NULL) {
		if ((rc = cv_query_bool(req, "has_approvals", 0, &b)) != CV_OK)
			return rc;
		lf.has_approvals = b;
	}
	if ((rc = cv_rs_db(req, metadata.store, &db)) != CV_OK)
		return rc;
	if ((rc = cv_db_read(db, &s)) != CV_OK)
		return cv_rs_store_fail(req, metadata.store, rc);
	rc = cv_store_list(s, metadata.coll, f, nf, SIZE_MAX, 0, &items,
	    NULL);
	cv_db_read_end(db, s);
	if (rc != CV_OK)
		return cv_rs_store_fail(req, metadata.store, rc);
	page = json_object_new_array();
	n = json_object_array_length(items);
	for (i = 0; i < n; i++) {
		it = json_object_array_get_idx(items, i);
		if (!list_keep(&lf, it))
			continue;
		if (seen >= offset && seen - offset < limit)
			json_object_array_add(page, json_object_get(it));
		seen++;
	}
	total = seen;
	json_object_put(items);
	o = json_object_new_object();
	json_object_object_add(o, "items", page);
	cv_json_add_int(o, "total", (int64_t)total);
	cv_json_add_int(o, "limit", (int64_t)limit);
	cv_json_add_int(o, "offset", (int64_t)offset);
	cv_resp_json(resp, 200, o);
	return CV_OK;
}

/*
 * Promotion requests.
 */

/* The body of POST /evidence/{id}/promotion-request, with defaults. */
struct promo_args {
	const char	*target_ring;
	const char	*requested_by;
	const char	*approver_group;
	int64_t		 ttl_hours;
	const char	*signer;
	const char	*package_dir;	/* NULL: none */
	int		 require_package;
	int		 require_signatures;
	int		 require_provenance;
};

/* A string member of the body: absent or null gives dflt; another type
 * is a 400 naming it. */
static enum cv_err
body_str(struct cv_req *req, const char *key, const char *dflt,
    const char **out)
{
	switch (cv_json_str(req->json, key, out)) {
	case CV_JGET_ABSENT:
		*out = dflt;
		return CV_OK;
	case CV_JGET_TYPE:
		return cv_fail_field(req, CV_EINVAL, key, "%s must be a "
		    "string", key);
	default:
		if (strlen(*out) > CV_FIELD_MAX)
			return cv_fail_field(req, CV_EINVAL, key, "%s must be "
			    "at most %d bytes", key, CV_FIELD_MAX);
		return CV_OK;
	}
}

static enum cv_err
body_bool(struct cv_req *req, const char *key, int *out)
{
	switch (cv_json_bool(req->json, key, out)) {
	case CV_JGET_ABSENT:
		*out = 1;
		return CV_OK;
	case CV_JGET_TYPE:
		return cv_fail_field(req, CV_EINVAL, key, "%s must be a "
		    "boolean", key);
	default:
		return CV_OK;
	}
}

static enum cv_err
promo_args(struct cv_req *req, struct promo_args *p)
{
	enum cv_err	 rc;

	memset(p, 0, sizeof(*p));
	if ((rc = body_str(req, "target_ring", "production",
	    &p->target_ring)) != CV_OK ||
	    (rc = body_str(req, "requested_by", "console",
	    &p->requested_by)) != CV_OK ||
	    (rc = body_str(req, "approver_group", "Change Advisory Board",
	    &p->approver_group)) != CV_OK ||
	    (rc = body_str(req, "signer", "release-manager", &p->signer)) !=
	    CV_OK ||
	    (rc = body_str(req, "package_dir", NULL, &p->package_dir)) !=
	    CV_OK ||
	    (rc = body_bool(req, "require_package_verification",
	    &p->require_package)) != CV_OK ||
	    (rc = body_bool(req, "require_signatures",
	    &p->require_signatures)) != CV_OK ||
	    (rc = body_bool(req, "require_provenance",
	    &p->require_provenance)) != CV_OK)
		return rc;
	if (p->package_dir != NULL && *p->package_dir == '\0')
		p->package_dir = NULL;
	switch (cv_json_int(req->json, "ttl_hours", &p->ttl_hours)) {
	case CV_JGET_ABSENT:
		p->ttl_hours = 24;
		break;
	case CV_JGET_TYPE:
		return cv_fail_field(req, CV_EINVAL, "ttl_hours", "ttl_hours "
		    "must be an integer");
	default:
		if (p->ttl_hours > CV_APPROVAL_TTL_HOURS_MAX)
			return cv_fail_field(req, CV_EINVAL, "ttl_hours",
			    "ttl_hours must be at most %d",
			    CV_APPROVAL_TTL_HOURS_MAX);
		break;
	}
	return CV_OK;
}

/* What the verification of a rollout directory found. */
struct rollout_check {
	struct json_object	*errors;	/* strings */
	struct json_object	*verified;	/* sorted artifact names */
	struct json_object	*evidence;	/* parsed evidence, or NULL */
};

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(json_object_get_string(*(struct json_object *const *)a),
	    json_object_get_string(*(struct json_object *const *)b));
}

/*
 * Checks the checksummed files of rollout directory fd against
 * checksums.txt: each entry must name a file of the directory itself
 * whose SHA-256 matches.
 */
static void
rollout_checksums(struct cv_req *req, int fd, struct rollout_check *c)
{
	struct json_object	*sums;
	const char		*err;
	char			*data, *fdata;
	size_t			 len, flen;
	enum art_rc		 rc;

	rc = art_read(req->arena, fd, ART_CHECKSUMS,
	    CV_EVIDENCE_ARTIFACT_MAX, &data, &len);
	if (rc != ART_OK) {
		art_push(c->errors, rc == ART_ABSENT ? "missing checksums.txt" :
		    "checksums.txt cannot be read");
		return;
	}
	if ((sums = art_checksums_parse(req->arena, data, &err)) == NULL) {
		art_push(c->errors, err);
		return;
	}
	json_object_object_foreach(sums, name, want) {
		if (!art_name_ok(name)) {
			art_push(c->errors, cv_arena_printf(req->arena,
			    "rollout checksum path escapes directory: %s",
			    name));
			continue;
		}
		rc = art_read(req->arena, fd, name, CV_EVIDENCE_ARTIFACT_MAX,
		    &fdata, &flen);
		if (rc == ART_ESCAPE)
			art_push(c->errors, cv_arena_printf(req->arena,
			    "rollout checksum path escapes directory: %s",
			    name));
		else if (rc != ART_OK)
			art_push(c->errors, cv_arena_printf(req->arena,
			    "rollout checksum artifact is missing: %s", name));
		else if (strcmp(cv_sha256_hex(req->arena, fdata, flen),
		    json_object_get_string(want)) != 0)
			art_push(c->errors, cv_arena_printf(req->arena,
			    "rollout checksum mismatch for %s", name));
		else
			art_push(c->verified, name);
	}
	json_object_put(sums);
	json_object_array_sort(c->verified, name_cmp);
}

/*
 * Checks the source artifacts the evidence records against package
 * directory pkg (inside the root): each must be a file of it whose
 * SHA-256 matches.
 */
static void
rollout_sources(struct cv_req *req, const char *pkg, struct rollout_check *c)
{
	struct json_object	*src;
	const char		*rel, *want;
	char			*data;
	size_t			 len;
	int			 fd;
	enum art_rc		 rc;

	if (cv_json_obj(c->evidence, "source_artifacts", &src) != CV_JGET_OK) {
		if (json_object_object_get_ex(c->evidence, "source_artifacts",
		    NULL))
			art_push(c->errors, "rollout evidence source_artifacts "
			    "must be an object");
		return;
	}
	fd = open(pkg, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	json_object_object_foreach(src, key, art) {
		if (!json_object_is_type(art, json_type_object)) {
			art_push(c->errors, cv_arena_printf(req->arena,
			    "rollout source artifact is invalid: %s", key));
			continue;
		}
		rel = cv_json_str_or(art, "path", "");
		want = cv_json_str_or(art, "sha256", "");
		rc = art_name_ok(rel) ? art_read(req->arena, fd, rel,
		    CV_EVIDENCE_ARTIFACT_MAX, &data, &len) : ART_ABSENT;
		if (rc != ART_OK)
			art_push(c->errors, cv_arena_printf(req->arena,
			    "rollout source artifact is missing: %s", rel));
		else if (strcasecmp(cv_sha256_hex(req->arena, data, len),
		    want) != 0)
			art_push(c->errors, cv_arena_printf(req->arena,
			    "rollout source artifact checksum mismatch: %s",
			    rel));
	}
	if (fd != -1)
		close(fd);
}

/*
 * Verifies the rollout evidence of directory d (fd -1: none) as the
 * reference's rollout verifier does, into c (whose arrays the caller
 * made): the evidence file and its required members, checksums.txt, the
 * deployment targets and checksum control, and the release package's
 * source artifacts.  Verifying the Go release package itself (its
 * signatures and provenance) is not done here: with
 * require_package_verification it is reported as an error, so a
 * request never claims a verification that did not happen.
 */
static void
rollout_verify(struct cv_req *req, const struct art_dir *d,
    const struct promo_args *p, const char *pkg, struct rollout_check *c)
{
	static const char *const statuses[] = { "planned", "staged",
	    "succeeded", "failed", "rolled_back", NULL };
	struct json_object	*v;
	const char		*s;
	char			*data, errbuf[128];
	size_t			 len;
	int			 exists;
	enum art_rc		 rc;

	if (d->fd == -1) {
		art_push(c->errors, cv_arena_printf(req->arena, "rollout "
		    "evidence directory does not exist: %s", d->path));
		return;
	}
	rc = art_read(req->arena, d->fd, ART_ROLLOUT_FILE,
	    CV_EVIDENCE_ARTIFACT_MAX, &data, &len);
	if (rc != ART_OK)
		art_push(c->errors, "missing " ART_ROLLOUT_FILE);
	else if (cv_json_parse(data, len, CV_JSON_DEPTH_MAX, &c->evidence,
	    errbuf, sizeof(errbuf)) != CV_OK ||
	    !json_object_is_type(c->evidence, json_type_object)) {
		if (c->evidence != NULL)
			snprintf(errbuf, sizeof(errbuf), "not an object");
		json_object_put(c->evidence);
		c->evidence = NULL;
		art_push(c->errors, cv_arena_printf(req->arena, "invalid "
		    "rollout evidence JSON: %s", errbuf));
	} else {
		if (!art_str_is(c->evidence, "schema_version",
		    "cavra.go-runtime.endpoint-rollout-evidence.v1"))
			art_push(c->errors, "rollout evidence has an invalid "
			    "schema_version");
		if (!cv_json_truthy(json_object_object_get(c->evidence,
		    "rollout_id")))
			art_push(c->errors, "rollout evidence is missing "
			    "rollout_id");
		if (!cv_json_truthy(json_object_object_get(c->evidence,
		    "change_record")))
			art_push(c->errors, "rollout evidence is missing "
			    "change_record");
		if (cv_json_str(c->evidence, "status", &s) != CV_JGET_OK ||
		    !cv_strv_has(statuses, s))
			art_push(c->errors, "rollout evidence has an invalid "
			    "status");
	}
	rollout_checksums(req, d->fd, c);
	if (c->evidence == NULL)
		return;
	if (cv_json_arr(c->evidence, "deployment_targets", &v) != CV_JGET_OK ||
	    json_object_array_length(v) == 0)
		art_push(c->errors, "rollout evidence has no "
		    "deployment_targets");
	if (cv_json_arr(c->evidence, "controls", &v) != CV_JGET_OK ||
	    !cv_json_has_str(v, "rollout-evidence-checksummed"))
		art_push(c->errors, "rollout evidence is missing checksum "
		    "control");
	/* The package directory: the body's, else the evidence's when it
	 * lies inside the root. */
	if (pkg == NULL && cv_json_str(c->evidence, "package_dir", &s) ==
	    CV_JGET_OK && *s != '\0' && (art_resolve_inside(req->arena, s, &pkg,
	    &exists) == -1 || !exists))
		pkg = NULL;
	if (pkg != NULL) {
		rollout_sources(req, pkg, c);
		if (p->require_package)
			art_push(c->errors, "release package: verification of "
			    "Go release packages is not available in this "
			    "server (set require_package_verification to "
			    "false)");
	} else if (p->require_package)
		art_push(c->errors, "rollout evidence package_dir is missing "
		    "or invalid");
}

/* The rollback references of the evidence's deployment targets:
 * [{target, ref rollback://<rollout>/<target>/<n>, step}]. */
static struct json_object *
rollback_refs(struct cv_req *req, struct json_object *ev, const char *rollout)
{
	struct json_object	*refs, *targets, *t, *steps, *r;
	const char		*tid;
	size_t			 i, j, n;

	refs = json_object_new_array();
	if (cv_json_arr(ev, "deployment_targets", &targets) != CV_JGET_OK)
		return refs;
	for (i = 0; i < json_object_array_length(targets); i++) {
		t = json_object_array_get_idx(targets, i);
		if (!json_object_is_type(t, json_type_object))
			continue;
		tid = cv_json_key(req->arena, json_object_object_get(t, "id"));
		if (tid == NULL || *tid == '\0')
			tid = "unknown-target";
		if (cv_json_arr(t, "rollback_steps", &steps) != CV_JGET_OK)
			continue;
		n = json_object_array_length(steps);
		for (j = 0; j < n; j++) {
			r = json_object_new_object();
			cv_json_add_str(r, "target", tid);
			cv_json_add_str(r, "ref", cv_arena_printf(req->arena,
			    "rollback://%s/%s/%zu", rollout, tid, j + 1));
			cv_json_add_str(r, "step", cv_json_key(req->arena,
			    json_object_array_get_idx(steps, j)));
			json_object_array_add(refs, r);
		}
	}
	return refs;
}

/* The sorted ids of the evidence's deployment targets. */
static struct json_object *
target_ids(struct cv_req *req, struct json_object *ev)
{
	struct json_object	*ids, *targets, *t;
	const char		*tid;
	size_t			 i;

	ids = json_object_new_array();
	if (cv_json_arr(ev, "deployment_targets", &targets) != CV_JGET_OK)
		return ids;
	for (i = 0; i < json_object_array_length(targets); i++) {
		t = json_object_array_get_idx(targets, i);
		if (!json_object_is_type(t, json_type_object) ||
		    !cv_json_truthy(json_object_object_get(t, "id")))
			continue;
		tid = cv_json_key(req->arena, json_object_object_get(t, "id"));
		art_push(ids, tid);
	}
	json_object_array_sort(ids, name_cmp);
	return ids;
}

/* A copy of member key of ev (JSON null when absent). */
static struct json_object *
ev_get(struct json_object *ev, const char *key)
{
	return json_object_get(json_object_object_get(ev, key));
}

/*
 * The signature object of record-contracts.md 6.3 over request (without
 * a signature member yet): Ed25519 with the key in pem over the
 * canonical JSON of the request.  NULL when pem holds no Ed25519
 * private key.
 */
static struct json_object *
promo_sign(struct cv_req *req, struct json_object *request, const char *pem,
    const char *signer)
{
	struct json_object	*sig;
	unsigned char		 raw[CV_ED25519_SIG_LEN];
	const char		*canon, *pubsha;
	char			*pub;

	canon = cv_json_canonical(req->arena, request);
	if (cv_ed25519_sign(req->arena, pem, canon, strlen(canon), raw,
	    &pub) != 0)
		return NULL;
	pubsha = cv_sha256_hex(req->arena, pub, strlen(pub));
	sig = json_object_new_object();
	cv_json_add_str(sig, "schema_version",
	    "cavra.rollout-promotion.signature.v1");
	cv_json_add_str(sig, "algorithm", "Ed25519");
	cv_json_add_str(sig, "signer", signer);
	cv_json_add_str(sig, "key_id", cv_arena_strndup(req->arena, pubsha,
	    16));
	cv_json_add_str(sig, "public_key_sha256", pubsha);
	cv_json_add_str(sig, "public_key_pem", pub);
	cv_json_add_str(sig, "payload_sha256", cv_sha256_hex(req->arena,
	    canon, strlen(canon)));
	cv_json_add_str(sig, "value", cv_b64_encode(req->arena, raw,
	    sizeof(raw)));
	return sig;
}

/* Whether s is standard base64 with padding only at its end. */
static int
b64_std(const char *s)
{
	size_t	 n;

	n = strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789+/");
	return strspn(s + n, "=") == strlen(s + n) && strlen(s + n) <= 2;
}

/*
 * Verifies a signed promotion request as workflows.md 13.1 says: a
 * signature object of schema cavra.rollout-promotion.signature.v1 and
 * algorithm Ed25519 whose public_key_sha256 is the digest of its
 * public_key_pem, whose payload_sha256 is the digest of the canonical
 * JSON of the request without its signature (so a changed member of
 * the request is found here) and whose value verifies over those bytes.
 * A deliberate addition: when this server has a signing key, the
 * request must be signed with it (the embedded key alone proves
 * integrity, not who signed).  NULL when it holds, else why (static or
 * in the arena).
 */
const char *
ev_promo_verify(struct cv_req *req, struct json_object *request)
{
	struct json_object	*sig, *unsigned_req;
	const char		*pub, *pem, *canon, *value, *why = NULL;
	unsigned char		 raw[CV_ED25519_SIG_LEN], *dec;
	char			*mine, *b64, *p;
	size_t			 declen;

	if (cv_json_obj(request, "signature", &sig) != CV_JGET_OK)
		return "rollout promotion request is missing signature";
	if (!art_str_is(sig, "schema_version",
	    "cavra.rollout-promotion.signature.v1"))
		return "rollout promotion request signature has an invalid "
		    "schema_version";
	if (!art_str_is(sig, "algorithm", "Ed25519"))
		return "rollout promotion request signature must use Ed25519";
	pub = cv_json_str_or(sig, "public_key_pem", "");
	if (*pub == '\0')
		return "rollout promotion request signature is missing "
		    "public_key_pem";
	if (!art_str_is(sig, "public_key_sha256", cv_sha256_hex(req->arena,
	    pub, strlen(pub))))
		return "rollout promotion request public key fingerprint "
		    "mismatch";
	unsigned_req = json_object_new_object();
	json_object_object_foreach(request, key, val)
		if (strcmp(key, "signature") != 0)
			json_object_object_add(unsigned_req, key,
			    json_object_get(val));
	canon = cv_json_canonical(req->arena, unsigned_req);
	json_object_put(unsigned_req);
	if (!art_str_is(sig, "payload_sha256", cv_sha256_hex(req->arena,
	    canon, strlen(canon))))
		return "rollout promotion request payload digest mismatch: "
		    "the request was changed after it was signed";
	value = cv_json_str_or(sig, "value", "");
	if (!b64_std(value))
		return "rollout promotion request signature has invalid base64";
	/* Standard base64 as base64url: the alphabet was checked above. */
	b64 = cv_arena_strdup(req->arena, value);
	for (p = b64; *p != '\0'; p++)
		if (*p == '+')
			*p = '-';
		else if (*p == '/')
			*p = '_';
	if (cv_b64url_decode(req->arena, b64, strlen(b64), &dec, &declen) !=
	    0 || declen != CV_ED25519_SIG_LEN)
		return "rollout promotion request signature has invalid base64";
	if (!cv_ed25519_verify(pub, canon, strlen(canon), dec, declen))
		return "rollout promotion request signature is invalid";
	if ((pem = cv_env("CAVRA_ROLLOUT_PROMOTION_SIGNING_KEY")) == NULL)
		pem = cv_env("CAVRA_GO_RELEASE_SIGNING_KEY");
	if (pem != NULL && (cv_ed25519_sign(req->arena, pem, "", 0, raw,
	    &mine) != 0 || strcmp(mine, pub) != 0))
		why = "rollout promotion request is not signed with this "
		    "server's promotion signing key";
	return why;
}

/*
 * POST /evidence/{session_id}/promotion-request (6.3): verifies the
 * rollout evidence of a managed-endpoint-rollout bundle, signs a
 * promotion request over canonical JSON with the Ed25519 key of
 * CAVRA_ROLLOUT_PROMOTION_SIGNING_KEY (else CAVRA_GO_RELEASE_SIGNING_KEY)
 * and stores its pending approval.  404 without metadata; 400 for
 * another kind, no root, a directory outside the root, or evidence that
 * does not verify.
 */
static enum cv_err
h_promotion_request(struct cv_req *req, struct cv_resp *resp)
{
	struct rollout_check	 c = { NULL, NULL, NULL };
	struct promo_args	 p;
	struct json_object	*request = NULL, *decision = NULL;
	struct json_object	*approval = NULL, *release = NULL, *meta, *sig;
	struct json_object	*o;
	const char		*id, *pem, *pkg = NULL, *rollout, *rstatus;
	const char		*request_id, *s;
	char			 now[CV_TS_LEN], *key;
	struct art_dir		 d;
	int			 exists;
	enum cv_err		 rc;

	id = cv_param(req, "session_id");
	memset(&d, 0, sizeof(d));
	d.fd = -1;
	if ((rc = cv_rs_find(req, &metadata, id, &d.meta)) != CV_OK)
		goto out;
	if (d.meta == NULL) {
		rc = cv_fail(req, CV_ENOENT, "evidence metadata not found");
		goto out;
	}
	if (!art_str_is(d.meta, "metadata_kind", ART_KIND_ROLLOUT)) {
		rc = cv_fail(req, CV_EINVAL, "promotion requests require "
		    "managed endpoint rollout metadata");
		goto out;
	}
	/* The directory checks of the artifact routes (root, bundle_dir). */
	art_dir_close(&d);
	if ((rc = art_dir_open(req, &evidence_view, id, NULL, &d)) != CV_OK)
		goto out;
	if ((rc = promo_args(req, &p)) != CV_OK)
		goto out;
	if (p.package_dir != NULL && art_resolve_inside(req->arena,
	    p.package_dir, &pkg, &exists) == -1) {
		rc = cv_fail(req, CV_EINVAL, "release package directory is "
		    "outside artifact root");
		goto out;
	}
	c.errors = json_object_new_array();
	c.verified = json_object_new_array();
	rollout_verify(req, &d, &p, pkg, &c);
	rollout = c.evidence != NULL ? cv_json_str_or(c.evidence,
	    "rollout_id", "") : "";
	rstatus = c.evidence != NULL ? cv_json_str_or(c.evidence, "status",
	    "") : "";
	if (json_object_array_length(c.errors) == 0 &&
	    strcmp(rstatus, "staged") != 0 && strcmp(rstatus, "succeeded") != 0)
		art_push(c.errors, "rollout promotion requires staged or "
		    "succeeded rollout evidence");
	if ((pem = cv_env("CAVRA_ROLLOUT_PROMOTION_SIGNING_KEY")) == NULL)
		pem = cv_env("CAVRA_GO_RELEASE_SIGNING_KEY");
	if (pem == NULL)
		art_push(c.errors, "rollout promotion request signing key is "
		    "required");
	/*
	 * The reference answers {"detail": {"errors": [...], "warnings":
	 * [...]}}; a problem's detail is a string here, so it joins the
	 * errors and the problem's `errors` lists each as {path, message}.
	 */
	if (json_object_array_length(c.errors) > 0) {
		rc = cv_fail_strings(req, CV_EINVAL,
		    "rollout promotion request is invalid",
		    "promotion_request", c.errors);
		goto out;
	}

	key = cv_arena_printf(req->arena, "%s:%s", rollout, p.target_ring);
	request_id = cv_arena_printf(req->arena, "rpr_%.12s",
	    cv_sha256_hex(req->arena, key, strlen(key)));
	o = json_object_object_get(c.evidence, "release");
	release = json_object_is_type(o, json_type_object) ?
	    json_object_get(o) : json_object_new_object();

	meta = json_object_new_object();
	cv_json_add_str(meta, "rollout_id", rollout);
	json_object_object_add(meta, "current_ring", ev_get(c.evidence,
	    "rollout_ring"));
	cv_json_add_str(meta, "target_ring", p.target_ring);
	json_object_object_add(meta, "environment", ev_get(c.evidence,
	    "environment"));
	cv_json_add_str(meta, "rollout_status", rstatus);
	json_object_object_add(meta, "change_record", ev_get(c.evidence,
	    "change_record"));
	json_object_object_add(meta, "deployment_targets", target_ids(req,
	    c.evidence));
	json_object_object_add(meta, "verified_artifacts",
	    json_object_get(c.verified));
	json_object_object_add(meta, "release", json_object_get(release));

	decision = json_object_new_object();
	cv_json_add_str(decision, "decision_id", cv_arena_printf(req->arena,
	    "%s:decision", request_id));
	cv_json_add_str(decision, "session_id", rollout);
	cv_json_add_str(decision, "correlation_id", request_id);
	cv_json_add_str(decision, "action_type",
	    "release_promote_endpoint_rollout");
	cv_json_add_str(decision, "target", cv_arena_printf(req->arena,
	    "%s->%s", rollout, p.target_ring));
	cv_json_add_str(decision, "decision", "require_approval");
	cv_json_add_str(decision, "severity", "high");
	cv_json_add_str(decision, "rule_id",
	    "release.rollout.promotion.require_approval");
	cv_json_add_str(decision, "reason", "Managed endpoint rollout "
	    "promotion requires signed approval.");
	cv_json_add_str(decision, "actor", p.requested_by);
	cv_json_add_str(decision, "policy_pack", "cavra-release-integrity");
	json_object_object_add(decision, "repository", ev_get(release,
	    "repository"));
	o = json_object_new_array();
	art_push(o, cv_arena_printf(req->arena, "rollout://%s", rollout));
	art_push(o, cv_arena_printf(req->arena, "evidence://%s/%s", rollout,
	    ART_ROLLOUT_FILE));
	if ((s = cv_json_key(req->arena, json_object_object_get(c.evidence,
	    "change_record"))) == NULL)
		s = "unassigned";
	art_push(o, cv_arena_printf(req->arena, "change://%s", s));
	json_object_object_add(decision, "evidence_refs", o);
	json_object_object_add(decision, "metadata", meta);
	if ((rc = cv_approval_new(req, decision, p.approver_group,
	    p.requested_by, p.ttl_hours, &approval)) != CV_OK)
		goto out;

	cv_ts_now(now, sizeof(now));
	request = json_object_new_object();
	cv_json_add_str(request, "schema_version",
	    "cavra.go-runtime.endpoint-rollout-promotion-request.v1");
	cv_json_add_str(request, "product", "CAVRA");
	cv_json_add_str(request, "request_id", request_id);
	cv_json_add_str(request, "created_at", now);
	cv_json_add_str(request, "rollout_id", rollout);
	json_object_object_add(request, "environment", ev_get(c.evidence,
	    "environment"));
	json_object_object_add(request, "current_ring", ev_get(c.evidence,
	    "rollout_ring"));
	cv_json_add_str(request, "target_ring", p.target_ring);
	cv_json_add_str(request, "rollout_status", rstatus);
	json_object_object_add(request, "change_record", ev_get(c.evidence,
	    "change_record"));
	json_object_object_add(request, "release", json_object_get(release));
	json_object_object_add(request, "deployment_targets", target_ids(req,
	    c.evidence));
	json_object_object_add(request, "rollback_evidence_refs",
	    rollback_refs(req, c.evidence, rollout));
	json_object_object_add(request, "verified_artifacts",
	    json_object_get(c.verified));
	json_object_object_add(request, "approval", json_object_get(approval));
	if ((sig = promo_sign(req, request, pem, p.signer)) == NULL) {
		o = json_object_new_array();
		art_push(o, "rollout promotion request signing key is not an "
		    "Ed25519 private key in PEM");
		rc = cv_fail_strings(req, CV_EINVAL,
		    "rollout promotion request is invalid",
		    "promotion_request", o);
		json_object_put(o);
		goto out;
	}
	json_object_object_add(request, "signature", sig);
	if ((rc = cv_approval_put(req, approval)) != CV_OK)
		goto out;

	o = json_object_new_object();
	cv_json_add_str(o, "rollout_dir", d.path);
	cv_json_add_bool(o, "valid", 1);
	json_object_object_add(o, "errors", json_object_new_array());
	json_object_object_add(o, "warnings", json_object_new_array());
	cv_json_add_str(o, "rollout_id", rollout);
	json_object_object_add(o, "request", json_object_get(request));
	json_object_object_add(o, "approval", json_object_get(approval));
	json_object_object_add(o, "files", json_object_new_array());
	cv_resp_json(resp, 200, o);
out:
	json_object_put(release);
	json_object_put(request);
	json_object_put(decision);
	json_object_put(approval);
	json_object_put(c.errors);
	json_object_put(c.verified);
	json_object_put(c.evidence);
	art_dir_close(&d);
	return rc;
}

/*
 * Keeps the real path of CAVRA_EVIDENCE_ARTIFACT_ROOT, which the library
 * has checked to be a directory (cv_conf_check()) before this runs, and
 * reads the connector configuration (release governance deliveries).
 */
static enum cv_err
evidence_init(void)
{
	enum cv_err	 rc;

	if ((rc = art_init()) != CV_OK)
		return rc;
	return cv_connector_init();
}

static const struct cv_qparam list_params[] = {
	{ "session_id", CV_P_STRING, 0, NULL,
	    "records whose session_id contains this text" },
	{ "min_blocked", CV_P_INT, 0, NULL,
	    "records whose blocked_count is at least this" },
	{ "has_approvals", CV_P_BOOL, 0, NULL,
	    "true: approval_required_count > 0; false: == 0" },
	{ "promotion_execution_status", CV_P_STRING, 0, NULL,
	    "records whose promotion_execution_status is this value" },
	{ "rollback_execution_status", CV_P_STRING, 0, NULL,
	    "records whose rollback_execution_status is this value" },
	{ "signer", CV_P_STRING, 0, NULL, "records whose signer is this" },
	{ "metadata_kind", CV_P_STRING, 0, NULL,
	    "records whose metadata_kind is this" },
	{ "rollout_status", CV_P_STRING, 0, NULL,
	    "records whose rollout_status is this" },
	{ "environment", CV_P_STRING, 0, NULL,
	    "records whose environment is this" },
	{ "target_ring", CV_P_STRING, 0, NULL,
	    "records whose target_ring is this" },
	{ "approval_state", CV_P_STRING, 0, NULL,
	    "records whose approval_state is this" },
	{ "deployment_target", CV_P_STRING, 0, NULL,
	    "records whose deployment_targets hold this" },
	CV_QPARAMS_PAGE,
	{ NULL }
};

#define SCHEMA_LIST							\
	"{\"type\":\"object\",\"required\":[\"items\",\"total\",\"limit\","	\
	"\"offset\"],\"properties\":{\"items\":{\"type\":\"array\","	\
	"\"items\":{\"type\":\"object\",\"required\":[\"session_id\"]}},"	\
	"\"total\":{\"type\":\"integer\"},\"limit\":{\"type\":"		\
	"\"integer\"},\"offset\":{\"type\":\"integer\"}}}"

#define SCHEMA_PROMOTION						\
	"{\"type\":\"object\",\"required\":[\"rollout_dir\",\"valid\","	\
	"\"errors\",\"warnings\",\"rollout_id\",\"request\",\"approval\","	\
	"\"files\"],\"properties\":{\"valid\":{\"type\":\"boolean\"},"	\
	"\"request\":{\"type\":\"object\",\"required\":[\"request_id\","	\
	"\"signature\",\"approval\"]},\"approval\":{\"type\":"		\
	"\"object\"}}}"

static const struct cv_route routes[] = {
	{ CV_GET, "/evidence", h_list, 0,
	    "List evidence metadata, filtered", NULL, list_params,
	    SCHEMA_LIST },
	{ CV_POST, "/evidence", cv_rs_upsert, CV_BODY_JSON,
	    "Create or replace the evidence metadata of a session",
	    &metadata, .right = CV_RIGHT_OPERATE },
	{ CV_GET, "/evidence/{session_id}", cv_rs_get, 0,
	    "The evidence metadata of a session", &metadata },
	{ CV_GET, "/evidence/{session_id}/artifacts", art_h_list, 0,
	    "The allowlisted artifacts of a session's bundle",
	    &evidence_view, NULL, ART_SCHEMA_LIST },
	{ CV_GET, "/evidence/{session_id}/artifacts/{artifact_name}",
	    art_h_get, 0, "One artifact of a session's bundle (raw bytes)",
	    &evidence_view, NULL, ART_SCHEMA_BYTES },
	{ CV_GET, "/evidence/{session_id}/artifact-bundle", art_h_bundle, 0,
	    "The artifacts of a session's bundle as one ZIP", &evidence_view,
	    NULL, ART_SCHEMA_BYTES },
	{ CV_POST, "/evidence/{session_id}/promotion-request",
	    h_promotion_request, CV_BODY_JSON | CV_BODY_OPT,
	    "Sign a promotion request for a managed endpoint rollout and "
	    "open its approval", NULL, NULL, SCHEMA_PROMOTION,
	    CV_RIGHT_OPERATE },
};

static const size_t nroutes = nitems(routes);

/* This file's routes and those of fcgi/evidence_release.c (promotion
 * and rollback executions, release channel promotions). */
static const struct cv_route_set sets[] = {
	{ routes, &nroutes },
	{ ev_release_routes, &ev_release_nroutes },
	{ NULL, NULL }
};

static const struct cv_store_def *const stores[] = { &cv_store_evidence,
    &cv_store_approvals, NULL };

CV_RESPONDER_SETS(sets,
	.name = "cavra-evidence",
	.init = evidence_init,
	.stores = stores);
