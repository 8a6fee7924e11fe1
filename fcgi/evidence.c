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
 * Artifacts are served from one directory per session: <root>/<id>, or
 * for rollout evidence and endpoint-management exports the metadata's
 * bundle_dir, which must resolve inside the root.  Only allowlisted names are served; a file is opened
 * relative to a directory descriptor with O_NOFOLLOW, so no name, `..`
 * or symbolic link reaches a file outside that directory.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zip.h>

#include "cavra.h"
#include "cv_approval.h"
#include "cv_crypto.h"
#include "evidence.h"

#define ROLLOUT_KIND	"managed-endpoint-rollout"
#define EXPORT_KIND	"endpoint-management-export"
#define ROLLOUT_FILE	"managed-endpoint-rollout-evidence.json"
#define CHECKSUMS_FILE	"checksums.txt"

/* The artifact root (realpath), or NULL when CAVRA_EVIDENCE_ARTIFACT_ROOT
 * is unset.  Read once by init(). */
static char	*artifact_root;

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

/* Whether string field key of rec is exactly value. */
static int
str_is(struct json_object *rec, const char *key, const char *value)
{
	const char	*s;

	return cv_json_str(rec, key, &s) == CV_JGET_OK &&
	    strcmp(s, value) == 0;
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
	if (lf->promotion != NULL && !str_is(rec, "promotion_execution_status",
	    lf->promotion))
		return 0;
	if (lf->rollback != NULL && !str_is(rec, "rollback_execution_status",
	    lf->rollback))
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
 * Artifacts.
 */
struct artifact {
	const char	*name;
	const char	*kind;
	const char	*media_type;
	const char	*description;
};

static const struct artifact session_artifacts[] = {
	{ "manifest.json", "manifest", "application/json",
	    "Signed manifest of the bundle's files" },
	{ "evidence.json", "evidence", "application/json",
	    "Decisions and approvals of the session" },
	{ "pr-attestation.md", "attestation", "text/markdown",
	    "Pull request attestation" },
	{ "compliance-mapping.md", "compliance", "text/markdown",
	    "Compliance control mapping" },
	{ "siem-event.json", "siem", "application/json",
	    "Event for a SIEM" },
	{ "sandbox-run-summary.json", "summary", "application/json",
	    "Summary of a sandbox run" },
	{ "retention-policy.json", "retention", "application/json",
	    "Retention policy of the bundle" },
};

static const struct artifact rollout_artifacts[] = {
	{ ROLLOUT_FILE, "rollout-evidence", "application/json",
	    "Managed endpoint rollout evidence" },
	{ "managed-endpoint-rollout-evidence.md", "rollout-summary",
	    "text/markdown", "Managed endpoint rollout summary" },
	{ CHECKSUMS_FILE, "rollout-checksums", "text/plain",
	    "SHA-256 checksums of the rollout evidence" },
};

static const struct artifact export_artifacts[] = {
	{ "endpoint-management-export-manifest.json", "export-manifest",
	    "application/json", "Endpoint-management export manifest" },
	{ "endpoint-management-export-manifest.md", "export-summary",
	    "text/markdown", "Endpoint-management export summary" },
	{ "jamf-policy.json", "jamf-policy", "application/json",
	    "Jamf policy" },
	{ "intune-win32-app.json", "intune-win32-app", "application/json",
	    "Intune Win32 app definition" },
	{ "linux-fleet-manifest.json", "linux-fleet-manifest",
	    "application/json", "Linux fleet manifest" },
	{ "linux-install-cavra-runtime.sh", "linux-installer",
	    "text/x-shellscript", "Linux installer of the CAVRA runtime" },
	{ CHECKSUMS_FILE, "export-checksums", "text/plain",
	    "SHA-256 checksums of the export" },
};

#define ARTS_MAX	8	/* files of the longest allowlist */
_Static_assert(nitems(session_artifacts) <= ARTS_MAX &&
    nitems(rollout_artifacts) <= ARTS_MAX &&
    nitems(export_artifacts) <= ARTS_MAX, "ARTS_MAX");

enum bundle_kind {
	KIND_SESSION = 0,
	KIND_ROLLOUT,
	KIND_EXPORT
};

/* The session directory of one request. */
struct sdir {
	struct json_object	*meta;		/* the metadata record */
	enum bundle_kind	 kind;
	const struct artifact	*arts;		/* allowlist, listing order */
	size_t			 narts;
	int			 fd;		/* -1: no such directory */
	const char		*path;		/* absolute (arena) */
	struct json_object	*sums;		/* export: checksums.txt, or
						   NULL */
	const char		*sums_err;	/* export: why sums is NULL */
};

/* Outcome of reading one artifact. */
enum art_rc {
	ART_OK = 0,
	ART_ABSENT,	/* no such regular file */
	ART_ESCAPE,	/* a symbolic link: it names another file */
	ART_TOOBIG,	/* over CV_EVIDENCE_ARTIFACT_MAX */
	ART_IO		/* read error */
};

static const struct artifact *
art_find(const struct sdir *d, const char *name)
{
	size_t	 i;

	for (i = 0; i < d->narts; i++)
		if (strcmp(d->arts[i].name, name) == 0)
			return &d->arts[i];
	return NULL;
}

/* Whether id can name a directory of the root: not empty, not . or ..,
 * no slash or backslash. */
static int
session_id_ok(const char *id)
{
	return *id != '\0' && strcmp(id, ".") != 0 && strcmp(id, "..") != 0 &&
	    strchr(id, '/') == NULL && strchr(id, '\\') == NULL;
}

/* Whether absolute path p is the root or below it. */
static int
under_root(const char *p)
{
	size_t	 n;

	n = strlen(artifact_root);
	if (strncmp(p, artifact_root, n) != 0)
		return 0;
	return p[n] == '\0' || p[n] == '/' || strcmp(artifact_root, "/") == 0;
}

/* Whether absolute path p has a "." or ".." segment (or an empty one). */
static int
has_dot_segment(const char *p)
{
	const char	*s, *e;
	size_t		 n;

	for (s = p + 1; *s != '\0'; s = *e == '\0' ? e : e + 1) {
		e = strchr(s, '/');
		if (e == NULL)
			e = s + strlen(s);
		n = (size_t)(e - s);
		if (n == 0 || (n == 1 && s[0] == '.') ||
		    (n == 2 && s[0] == '.' && s[1] == '.'))
			return 1;
	}
	return 0;
}

/*
 * The directory dir resolved inside the root: *out is its real path
 * (arena), or, when it does not exist, the absolute path as given if
 * that has no . or .. segment and lies under the root (*exists 0).
 * Returns 0, or -1 when dir resolves outside the root.
 */
static int
resolve_inside(struct cv_arena *a, const char *dir, const char **out,
    int *exists)
{
	char	 buf[PATH_MAX];

	*out = NULL;
	*exists = 0;
	if (realpath(dir, buf) != NULL) {
		if (!under_root(buf))
			return -1;
		*out = cv_arena_strdup(a, buf);
		*exists = 1;
		return 0;
	}
	if (errno != ENOENT || dir[0] != '/' || has_dot_segment(dir) ||
	    !under_root(dir))
		return -1;
	*out = dir;
	return 0;
}

static enum art_rc art_read(struct cv_arena *, int, const char *, long,
		    char **, size_t *);
static struct json_object *checksums_parse(struct cv_arena *, const char *,
		    const char **);

/* Whether a "files" list names `name`: an item that is the name, or an
 * object whose path, name or artifact is. */
static int
files_has(struct json_object *files, const char *name)
{
	static const char *const keys[] = { "path", "name", "artifact" };
	struct json_object	*it;
	size_t			 i, k;

	for (i = 0; i < json_object_array_length(files); i++) {
		it = json_object_array_get_idx(files, i);
		if (json_object_is_type(it, json_type_string) &&
		    strcmp(json_object_get_string(it), name) == 0)
			return 1;
		if (!json_object_is_type(it, json_type_object))
			continue;
		for (k = 0; k < nitems(keys); k++)
			if (str_is(it, keys[k], name))
				return 1;
	}
	return 0;
}

/*
 * An endpoint-management export (directory d->fd open or -1): narrows
 * d's allowlist to the names its metadata's "files" list (else its
 * manifest's) holds, plus checksums.txt, and reads checksums.txt into
 * d->sums.  A name outside the narrowed list is 400.
 */
static enum cv_err
export_open(struct cv_req *req, struct sdir *d, const char *name)
{
	struct artifact		*arts;
	struct json_object	*files = NULL, *manifest = NULL;
	char			*data, errbuf[128];
	size_t			 i, n = 0, len;

	if (cv_json_arr(d->meta, "files", &files) != CV_JGET_OK) {
		files = NULL;
		if (art_read(req->arena, d->fd, export_artifacts[0].name,
		    CV_EVIDENCE_ARTIFACT_MAX, &data, &len) == ART_OK &&
		    cv_json_parse(data, len, CV_JSON_DEPTH_MAX, &manifest,
		    errbuf, sizeof(errbuf)) == CV_OK &&
		    cv_json_arr(manifest, "files", &files) != CV_JGET_OK)
			files = NULL;
	}
	arts = cv_arena_alloc(req->arena, sizeof(export_artifacts));
	for (i = 0; i < nitems(export_artifacts); i++)
		if (strcmp(export_artifacts[i].name, CHECKSUMS_FILE) == 0 ||
		    (files != NULL && files_has(files, export_artifacts[i].name)))
			arts[n++] = export_artifacts[i];
	json_object_put(manifest);
	d->arts = arts;
	d->narts = n;
	if (name != NULL && art_find(d, name) == NULL)
		return cv_fail(req, CV_EINVAL, "unsupported evidence artifact");
	switch (art_read(req->arena, d->fd, CHECKSUMS_FILE,
	    CV_EVIDENCE_ARTIFACT_MAX, &data, &len)) {
	case ART_OK:
		d->sums = checksums_parse(req->arena, data, &d->sums_err);
		break;
	case ART_ABSENT:
		d->sums_err = "checksums.txt is missing";
		break;
	default:
		d->sums_err = "checksums.txt cannot be read";
		break;
	}
	return CV_OK;
}

/*
 * An export artifact must be covered by checksums.txt and match it: 400
 * otherwise.  CV_OK for other kinds and for checksums.txt itself.
 */
static enum cv_err
export_verify(struct cv_req *req, const struct sdir *d, const char *name,
    const char *data, size_t len)
{
	struct json_object	*want;

	if (d->kind != KIND_EXPORT || strcmp(name, CHECKSUMS_FILE) == 0)
		return CV_OK;
	if (d->sums == NULL)
		return cv_fail(req, CV_EINVAL, "endpoint-management export "
		    "checksums are invalid: %s", d->sums_err);
	if (!json_object_object_get_ex(d->sums, name, &want))
		return cv_fail(req, CV_EINVAL, "endpoint-management export "
		    "artifact is missing checksum coverage: %s", name);
	if (strcmp(json_object_get_string(want), cv_sha256_hex(req->arena,
	    data, len)) != 0)
		return cv_fail(req, CV_EINVAL, "endpoint-management export "
		    "artifact checksum verification failed: %s", name);
	return CV_OK;
}

/* Closes what sdir_open() opened. */
static void
sdir_close(struct sdir *d)
{
	if (d->fd != -1)
		close(d->fd);
	d->fd = -1;
	json_object_put(d->meta);
	d->meta = NULL;
	json_object_put(d->sums);
	d->sums = NULL;
}

/*
 * The checks of record-contracts.md 6.2 up to the directory, in their
 * order: metadata of `id` exists (404), the root is configured (400),
 * the name is allowlisted when one is given (400), the session id is
 * valid (400), and for rollout evidence bundle_dir resolves inside the
 * root (400).  Then opens the directory: d->fd is -1 when it does not
 * exist.  A session directory that is a symbolic link is refused (400).
 * The caller calls sdir_close() whatever this returns.
 */
static enum cv_err
sdir_open(struct cv_req *req, const char *id, const char *name,
    struct sdir *d)
{
	struct stat	 st;
	const char	*kind, *bundle;
	char		*path;
	int		 rootfd = -1, exists;
	enum cv_err	 rc = CV_OK;

	memset(d, 0, sizeof(*d));
	d->fd = -1;
	if ((rc = cv_rs_find(req, &metadata, id, &d->meta)) != CV_OK)
		goto out;
	if (d->meta == NULL) {
		rc = cv_fail(req, CV_ENOENT, "evidence metadata not found");
		goto out;
	}
	if (artifact_root == NULL) {
		rc = cv_fail(req, CV_EINVAL, "evidence artifact root is not "
		    "configured");
		goto out;
	}
	kind = cv_json_str_or(d->meta, "metadata_kind", "");
	if (strcmp(kind, ROLLOUT_KIND) == 0) {
		d->kind = KIND_ROLLOUT;
		d->arts = rollout_artifacts;
		d->narts = nitems(rollout_artifacts);
	} else if (strcmp(kind, EXPORT_KIND) == 0) {
		d->kind = KIND_EXPORT;
		d->arts = export_artifacts;
		d->narts = nitems(export_artifacts);
	} else {
		d->kind = KIND_SESSION;
		d->arts = session_artifacts;
		d->narts = nitems(session_artifacts);
	}
	if (name != NULL && art_find(d, name) == NULL) {
		rc = cv_fail(req, CV_EINVAL, "unsupported evidence artifact");
		goto out;
	}
	if (!session_id_ok(id)) {
		rc = cv_fail(req, CV_EINVAL, "invalid evidence session ID");
		goto out;
	}
	if (d->kind != KIND_SESSION) {
		bundle = cv_json_str_or(d->meta, "bundle_dir", "");
		if (*bundle == '\0' || resolve_inside(req->arena, bundle,
		    &d->path, &exists) == -1) {
			rc = cv_fail(req, CV_EINVAL, d->kind == KIND_ROLLOUT ?
			    "rollout evidence directory is outside artifact "
			    "root" : "endpoint-management export directory is "
			    "outside artifact root");
			goto out;
		}
		if (exists && (d->fd = open(d->path, O_RDONLY | O_DIRECTORY |
		    O_NOFOLLOW | O_CLOEXEC)) == -1 && errno != ENOENT &&
		    errno != ENOTDIR) {
			rc = cv_fail(req, CV_EIO, "cannot open the evidence "
			    "bundle directory");
			goto out;
		}
		if (d->kind == KIND_EXPORT && (rc = export_open(req, d,
		    name)) != CV_OK)
			goto out;
		goto out;
	}
	path = cv_arena_printf(req->arena, "%s/%s", artifact_root, id);
	d->path = path;
	if ((rootfd = open(artifact_root, O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) == -1) {
		if (errno != ENOENT)
			rc = cv_fail(req, CV_EIO, "cannot open the evidence "
			    "artifact root");
		goto out;
	}
	/* A link is refused before it is opened; one put in place after
	 * this check fails O_NOFOLLOW (ELOOP, or ENOTDIR with
	 * O_DIRECTORY). */
	if (fstatat(rootfd, id, &st, AT_SYMLINK_NOFOLLOW) == -1 ||
	    !(S_ISLNK(st.st_mode) || S_ISDIR(st.st_mode)))
		goto out;
	if (S_ISLNK(st.st_mode) || (d->fd = openat(rootfd, id, O_RDONLY |
	    O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) == -1)
		rc = cv_fail(req, CV_EINVAL, "evidence artifact escapes "
		    "session directory");
out:
	if (rootfd != -1)
		close(rootfd);
	return rc;
}

/*
 * Reads artifact `name` of directory fd (-1: none) into the arena: at
 * most max bytes.  A symbolic link that leads to a file is ART_ESCAPE
 * (it names another file), one that leads nowhere ART_ABSENT, as is
 * anything but a regular file.  The file is opened with O_NOFOLLOW, so
 * a link put in place after the check is not followed either.
 */
static enum art_rc
art_read(struct cv_arena *a, int fd, const char *name, long max,
    char **data, size_t *len)
{
	struct stat	 st;
	char		*buf;
	size_t		 got = 0;
	ssize_t		 r;
	int		 ffd;
	enum art_rc	 rc = ART_OK;

	*data = NULL;
	*len = 0;
	if (fd == -1 || fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) == -1)
		return ART_ABSENT;
	if (S_ISLNK(st.st_mode))
		return fstatat(fd, name, &st, 0) == 0 ? ART_ESCAPE :
		    ART_ABSENT;
	if (!S_ISREG(st.st_mode))
		return ART_ABSENT;
	if ((ffd = openat(fd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC)) == -1)
		return errno == ELOOP ? ART_ESCAPE : ART_ABSENT;
	if (fstat(ffd, &st) == -1 || !S_ISREG(st.st_mode)) {
		rc = ART_ABSENT;
		goto out;
	}
	if (st.st_size > max) {
		rc = ART_TOOBIG;
		goto out;
	}
	buf = cv_arena_alloc(a, (size_t)st.st_size + 1);
	while (got < (size_t)st.st_size) {
		r = read(ffd, buf + got, (size_t)st.st_size - got);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0) {
			rc = r == 0 ? ART_OK : ART_IO;
			break;
		}
		got += (size_t)r;
	}
	if (rc != ART_OK)
		goto out;
	buf[got] = '\0';
	*data = buf;
	*len = got;
out:
	close(ffd);
	return rc;
}

/* The problem for an artifact that could not be read. */
static enum cv_err
art_fail(struct cv_req *req, enum art_rc rc)
{
	switch (rc) {
	case ART_ABSENT:
		return cv_fail(req, CV_ENOENT, "evidence artifact not found");
	case ART_ESCAPE:
		return cv_fail(req, CV_EINVAL, "evidence artifact escapes "
		    "session directory");
	case ART_TOOBIG:
		return cv_fail(req, CV_ETOOBIG, "evidence artifact is larger "
		    "than %ld bytes", (long)CV_EVIDENCE_ARTIFACT_MAX);
	default:
		return cv_fail(req, CV_EIO, "cannot read the evidence "
		    "artifact");
	}
}

/* s percent-encoded but for RFC 3986 unreserved characters (arena). */
static char *
url_encode(struct cv_arena *a, const char *s)
{
	static const char	 hex[] = "0123456789ABCDEF";
	char			*out, *o;

	out = o = cv_arena_alloc(a, 3 * strlen(s) + 1);
	for (; *s != '\0'; s++) {
		if (isalnum((unsigned char)*s) || strchr("-._~", *s) != NULL) {
			*o++ = *s;
			continue;
		}
		*o++ = '%';
		*o++ = hex[(unsigned char)*s >> 4];
		*o++ = hex[(unsigned char)*s & 15];
	}
	*o = '\0';
	return out;
}

/* A file name fit for a quoted content-disposition value: quotes,
 * backslashes and control characters become '_' (arena). */
static char *
disposition(struct cv_arena *a, const char *name)
{
	char	*p, *q;

	p = cv_arena_strdup(a, name);
	for (q = p; *q != '\0'; q++)
		if (*q == '"' || *q == '\\' || iscntrl((unsigned char)*q))
			*q = '_';
	return cv_arena_printf(a, "attachment; filename=\"%s\"", p);
}

/* The content type of a download: text types are UTF-8 (arena). */
static const char *
content_type(struct cv_arena *a, const struct artifact *art)
{
	if (strncmp(art->media_type, "text/", 5) == 0)
		return cv_arena_printf(a, "%s; charset=utf-8",
		    art->media_type);
	return art->media_type;
}

/*
 * Checksums file text (lines "<64 hex> <spaces> <name>", blank lines
 * skipped) into an object name -> lower-case digest (new reference), or
 * NULL with *err (arena) naming the first bad line.
 */
static struct json_object *
checksums_parse(struct cv_arena *a, const char *text, const char **err)
{
	struct json_object	*o;
	const char		*line, *end, *p, *name, *nend;
	char			 digest[2 * CV_SHA256_LEN + 1];
	size_t			 i, lineno = 0;

	*err = NULL;
	o = json_object_new_object();
	for (line = text; *line != '\0'; line = *end == '\0' ? end : end + 1) {
		end = strchr(line, '\n');
		if (end == NULL)
			end = line + strlen(line);
		lineno++;
		for (p = line; p < end && isspace((unsigned char)*p); p++)
			;
		if (p == end)
			continue;
		for (i = 0; p + i < end && !isspace((unsigned char)p[i]); i++)
			;
		for (name = p + i; name < end &&
		    isspace((unsigned char)*name); name++)
			;
		for (nend = end; nend > name &&
		    isspace((unsigned char)nend[-1]); nend--)
			;
		if (name == nend) {
			*err = cv_arena_printf(a, "invalid checksums.txt line "
			    "%zu", lineno);
			goto fail;
		}
		if (i != 2 * CV_SHA256_LEN || strspn(p, "0123456789abcdefABCDEF")
		    < i) {
			*err = cv_arena_printf(a, "invalid sha256 digest on "
			    "checksums.txt line %zu", lineno);
			goto fail;
		}
		for (i = 0; i < 2 * CV_SHA256_LEN; i++)
			digest[i] = (char)tolower((unsigned char)p[i]);
		digest[i] = '\0';
		json_object_object_add(o, cv_arena_strndup(a, name,
		    (size_t)(nend - name)), json_object_new_string(digest));
	}
	return o;
fail:
	json_object_put(o);
	return NULL;
}

/* Appends string s to array arr. */
static void
push(struct json_object *arr, const char *s)
{
	json_object_array_add(arr, json_object_new_string(s));
}

/*
 * The rollout_artifact_integrity and promotion_readiness members of a
 * rollout listing, added to o: each rollout artifact is verified,
 * missing, unchecked (no checksum line) or mismatched against
 * checksums.txt.
 */
static void
rollout_integrity(struct cv_req *req, const struct sdir *d,
    struct json_object *o)
{
	struct json_object	*in, *ver, *miss, *unch, *mism, *errs, *sums;
	struct json_object	*ready, *want;
	const char		*err, *status, *rstatus, *rs, *why;
	char			*data;
	size_t			 i, len;
	enum art_rc		 rc;

	ver = json_object_new_array();
	miss = json_object_new_array();
	unch = json_object_new_array();
	mism = json_object_new_array();
	errs = json_object_new_array();
	sums = NULL;
	rc = art_read(req->arena, d->fd, CHECKSUMS_FILE,
	    CV_EVIDENCE_ARTIFACT_MAX, &data, &len);
	if (rc == ART_OK) {
		if ((sums = checksums_parse(req->arena, data, &err)) == NULL)
			push(errs, err);
	} else if (rc == ART_ABSENT)
		push(miss, CHECKSUMS_FILE);
	else
		push(errs, "checksums.txt cannot be read");
	for (i = 0; i < d->narts; i++) {
		if (strcmp(d->arts[i].name, CHECKSUMS_FILE) == 0)
			continue;
		rc = art_read(req->arena, d->fd, d->arts[i].name,
		    CV_EVIDENCE_ARTIFACT_MAX, &data, &len);
		if (rc == ART_ABSENT) {
			push(miss, d->arts[i].name);
			continue;
		}
		if (rc != ART_OK) {
			push(errs, cv_arena_printf(req->arena, "%s cannot be "
			    "read", d->arts[i].name));
			continue;
		}
		if (sums == NULL || !json_object_object_get_ex(sums,
		    d->arts[i].name, &want))
			push(unch, d->arts[i].name);
		else if (strcmp(json_object_get_string(want),
		    cv_sha256_hex(req->arena, data, len)) == 0)
			push(ver, d->arts[i].name);
		else
			push(mism, d->arts[i].name);
	}
	json_object_put(sums);
	if (json_object_array_length(mism) > 0 ||
	    json_object_array_length(errs) > 0)
		status = "failed";
	else if (json_object_array_length(miss) > 0 ||
	    json_object_array_length(unch) > 0)
		status = "incomplete";
	else
		status = "verified";
	in = json_object_new_object();
	cv_json_add_str(in, "status", status);
	json_object_object_add(in, "verified_artifacts", ver);
	json_object_object_add(in, "missing_artifacts", miss);
	json_object_object_add(in, "unchecked_artifacts", unch);
	json_object_object_add(in, "checksum_mismatches", mism);
	json_object_object_add(in, "checksum_errors", errs);
	json_object_object_add(o, "rollout_artifact_integrity", in);

	rstatus = cv_json_str_or(d->meta, "rollout_status", "");
	if (strcmp(status, "verified") != 0) {
		rs = "blocked";
		why = "rollout artifact integrity is not verified";
	} else if (strcmp(rstatus, "failed") == 0 ||
	    strcmp(rstatus, "rolled_back") == 0) {
		rs = "blocked";
		why = "rollout failed or was rolled back";
	} else if (strcmp(rstatus, "staged") == 0 ||
	    strcmp(rstatus, "succeeded") == 0) {
		rs = "ready";
		why = "rollout evidence is verified and the rollout is staged "
		    "or succeeded";
	} else {
		rs = "review";
		why = strcmp(rstatus, "planned") == 0 ? "rollout is planned, "
		    "not yet staged" : "rollout status needs review";
	}
	ready = json_object_new_object();
	cv_json_add_str(ready, "status", rs);
	cv_json_add_str(ready, "rationale", why);
	json_object_object_add(o, "promotion_readiness", ready);
}

/*
 * GET /evidence/{session_id}/artifacts: cavra.evidence.artifacts.v1,
 * the allowlisted files that exist (regular files, not links), each with
 * its size, SHA-256 and download URL.
 */
static enum cv_err
h_artifacts(struct cv_req *req, struct cv_resp *resp)
{
	struct json_object	*o, *arts, *a;
	const char		*id, *enc;
	struct sdir		 d;
	char			*data;
	size_t			 i, len;
	enum art_rc		 ar;
	enum cv_err		 rc;

	id = cv_param(req, "session_id");
	if ((rc = sdir_open(req, id, NULL, &d)) != CV_OK)
		goto out;
	enc = url_encode(req->arena, id);
	arts = json_object_new_array();
	for (i = 0; i < d.narts; i++) {
		ar = art_read(req->arena, d.fd, d.arts[i].name,
		    CV_EVIDENCE_ARTIFACT_MAX, &data, &len);
		if (ar == ART_ABSENT || ar == ART_ESCAPE)
			continue;
		if (ar != ART_OK) {
			json_object_put(arts);
			rc = art_fail(req, ar);
			goto out;
		}
		a = json_object_new_object();
		cv_json_add_str(a, "artifact", d.arts[i].name);
		cv_json_add_str(a, "kind", d.arts[i].kind);
		cv_json_add_str(a, "description", d.arts[i].description);
		cv_json_add_str(a, "media_type", d.arts[i].media_type);
		cv_json_add_int(a, "bytes", (int64_t)len);
		cv_json_add_str(a, "sha256", cv_sha256_hex(req->arena, data,
		    len));
		cv_json_add_str(a, "download_url", cv_arena_printf(req->arena,
		    "/evidence/%s/artifacts/%s", enc, d.arts[i].name));
		json_object_array_add(arts, a);
	}
	o = json_object_new_object();
	cv_json_add_str(o, "schema_version", "cavra.evidence.artifacts.v1");
	cv_json_add_str(o, "product", "CAVRA");
	cv_json_add_str(o, "session_id", id);
	cv_json_add_str(o, "metadata_kind", cv_json_str_or(d.meta,
	    "metadata_kind", "session"));
	cv_json_add_bool(o, "artifact_root_configured", 1);
	cv_json_add_int(o, "artifact_count",
	    (int64_t)json_object_array_length(arts));
	json_object_object_add(o, "artifacts", arts);
	cv_json_add_str(o, "bundle_download_url", cv_arena_printf(req->arena,
	    "/evidence/%s/artifact-bundle", enc));
	if (d.kind == KIND_ROLLOUT)
		rollout_integrity(req, &d, o);
	cv_resp_json(resp, 200, o);
out:
	sdir_close(&d);
	return rc;
}

/*
 * GET /evidence/{session_id}/artifacts/{artifact_name}: the file's
 * bytes with its media type, content-disposition and
 * x-cavra-artifact-sha256.
 */
static enum cv_err
h_artifact(struct cv_req *req, struct cv_resp *resp)
{
	const struct artifact	*art;
	const char		*id, *name;
	struct sdir		 d;
	char			*data;
	size_t			 len;
	enum art_rc		 ar;
	enum cv_err		 rc;

	id = cv_param(req, "session_id");
	name = cv_param(req, "artifact_name");
	if ((rc = sdir_open(req, id, name, &d)) != CV_OK)
		goto out;
	art = art_find(&d, name);
	if ((ar = art_read(req->arena, d.fd, name, CV_EVIDENCE_ARTIFACT_MAX,
	    &data, &len)) != ART_OK) {
		rc = art_fail(req, ar);
		goto out;
	}
	if ((rc = export_verify(req, &d, name, data, len)) != CV_OK)
		goto out;
	cv_resp_bytes(resp, 200, content_type(req->arena, art), data, len);
	if (d.kind == KIND_EXPORT)
		cv_resp_header(resp, "X-Cavra-Artifact-Kind", art->kind);
	cv_resp_header(resp, "Content-Disposition", disposition(req->arena,
	    name));
	cv_resp_header(resp, "X-Cavra-Artifact-Sha256",
	    cv_sha256_hex(req->arena, data, len));
out:
	sdir_close(&d);
	return rc;
}

/*
 * The ZIP (deflate) of n files named names[i] with data[i] of lens[i]
 * bytes, at the archive root in this order: *out in the arena.  CV_OK,
 * or CV_EINTERNAL when libzip fails (logged).
 */
static enum cv_err
zip_build(struct cv_arena *a, const char *const *names, char *const *data,
    const size_t *lens, size_t n, char **out, size_t *outlen)
{
	zip_error_t	 ze;
	zip_source_t	*src = NULL, *fs;
	zip_t		*za = NULL;
	zip_stat_t	 st;
	zip_int64_t	 idx, r;
	char		*buf;
	size_t		 i, got = 0;
	enum cv_err	 rc = CV_EINTERNAL;

	*out = NULL;
	*outlen = 0;
	zip_error_init(&ze);
	if ((src = zip_source_buffer_create(NULL, 0, 0, &ze)) == NULL)
		goto out;
	if ((za = zip_open_from_source(src, ZIP_TRUNCATE, &ze)) == NULL)
		goto out;
	/* The archive's close must leave the buffer source to us. */
	zip_source_keep(src);
	for (i = 0; i < n; i++) {
		if ((fs = zip_source_buffer(za, data[i], lens[i], 0)) == NULL)
			goto out;
		if ((idx = zip_file_add(za, names[i], fs, ZIP_FL_ENC_UTF_8)) <
		    0) {
			zip_source_free(fs);
			goto out;
		}
		if (zip_set_file_compression(za, (zip_uint64_t)idx,
		    ZIP_CM_DEFLATE, 0) != 0)
			goto out;
	}
	if (zip_close(za) != 0)
		goto out;
	za = NULL;
	zip_stat_init(&st);
	if (zip_source_stat(src, &st) != 0 || !(st.valid & ZIP_STAT_SIZE) ||
	    zip_source_open(src) != 0)
		goto out;
	buf = cv_arena_alloc(a, (size_t)st.size + 1);
	while (got < st.size && (r = zip_source_read(src, buf + got,
	    st.size - got)) > 0)
		got += (size_t)r;
	zip_source_close(src);
	if (got != st.size)
		goto out;
	*out = buf;
	*outlen = got;
	rc = CV_OK;
out:
	if (rc != CV_OK)
		cv_log("evidence bundle: libzip: %s", za != NULL ?
		    zip_strerror(za) : zip_error_strerror(&ze));
	if (za != NULL)
		zip_discard(za);
	if (src != NULL)
		zip_source_free(src);
	zip_error_fini(&ze);
	return rc;
}

/*
 * GET /evidence/{session_id}/artifact-bundle: a ZIP of every allowlisted
 * file that exists, in allowlist order; 404 "evidence artifacts not
 * found" when none does, 413 past CV_EVIDENCE_BUNDLE_MAX.
 */
static enum cv_err
h_bundle(struct cv_req *req, struct cv_resp *resp)
{
	const char	*names[ARTS_MAX], *id;
	char		*data[ARTS_MAX], *zip;
	size_t		 lens[ARTS_MAX], n = 0, i, len;
	long		 total = 0;
	struct sdir	 d;
	enum art_rc	 ar;
	enum cv_err	 rc;

	id = cv_param(req, "session_id");
	if ((rc = sdir_open(req, id, NULL, &d)) != CV_OK)
		goto out;
	for (i = 0; i < d.narts && n < nitems(names); i++) {
		ar = art_read(req->arena, d.fd, d.arts[i].name,
		    CV_EVIDENCE_ARTIFACT_MAX, &data[n], &lens[n]);
		if (ar == ART_ABSENT)
			continue;
		if (ar != ART_OK) {
			rc = art_fail(req, ar);
			goto out;
		}
		if ((rc = export_verify(req, &d, d.arts[i].name, data[n],
		    lens[n])) != CV_OK)
			goto out;
		total += (long)lens[n];
		if (total > CV_EVIDENCE_BUNDLE_MAX) {
			rc = cv_fail(req, CV_ETOOBIG, "evidence artifacts are "
			    "larger than %ld bytes together",
			    (long)CV_EVIDENCE_BUNDLE_MAX);
			goto out;
		}
		names[n++] = d.arts[i].name;
	}
	if (n == 0) {
		rc = cv_fail(req, CV_ENOENT, "evidence artifacts not found");
		goto out;
	}
	if ((rc = zip_build(req->arena, names, data, lens, n, &zip, &len)) !=
	    CV_OK) {
		rc = cv_fail(req, rc, "cannot build the evidence bundle");
		goto out;
	}
	cv_resp_bytes(resp, 200, "application/zip", zip, len);
	cv_resp_header(resp, "Content-Disposition", disposition(req->arena,
	    cv_arena_printf(req->arena, "%s-evidence-bundle.zip", id)));
	cv_resp_header(resp, "X-Cavra-Artifact-Sha256",
	    cv_sha256_hex(req->arena, zip, len));
	if (d.kind == KIND_EXPORT)
		cv_resp_header(resp, "X-Cavra-Artifact-Count",
		    cv_arena_printf(req->arena, "%zu", n));
out:
	sdir_close(&d);
	return rc;
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

	rc = art_read(req->arena, fd, CHECKSUMS_FILE,
	    CV_EVIDENCE_ARTIFACT_MAX, &data, &len);
	if (rc != ART_OK) {
		push(c->errors, rc == ART_ABSENT ? "missing checksums.txt" :
		    "checksums.txt cannot be read");
		return;
	}
	if ((sums = checksums_parse(req->arena, data, &err)) == NULL) {
		push(c->errors, err);
		return;
	}
	json_object_object_foreach(sums, name, want) {
		if (!session_id_ok(name)) {
			push(c->errors, cv_arena_printf(req->arena, "rollout "
			    "checksum path escapes directory: %s", name));
			continue;
		}
		rc = art_read(req->arena, fd, name, CV_EVIDENCE_ARTIFACT_MAX,
		    &fdata, &flen);
		if (rc == ART_ESCAPE)
			push(c->errors, cv_arena_printf(req->arena, "rollout "
			    "checksum path escapes directory: %s", name));
		else if (rc != ART_OK)
			push(c->errors, cv_arena_printf(req->arena, "rollout "
			    "checksum artifact is missing: %s", name));
		else if (strcmp(cv_sha256_hex(req->arena, fdata, flen),
		    json_object_get_string(want)) != 0)
			push(c->errors, cv_arena_printf(req->arena, "rollout "
			    "checksum mismatch for %s", name));
		else
			push(c->verified, name);
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
			push(c->errors, "rollout evidence source_artifacts "
			    "must be an object");
		return;
	}
	fd = open(pkg, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	json_object_object_foreach(src, key, art) {
		if (!json_object_is_type(art, json_type_object)) {
			push(c->errors, cv_arena_printf(req->arena, "rollout "
			    "source artifact is invalid: %s", key));
			continue;
		}
		rel = cv_json_str_or(art, "path", "");
		want = cv_json_str_or(art, "sha256", "");
		rc = session_id_ok(rel) ? art_read(req->arena, fd, rel,
		    CV_EVIDENCE_ARTIFACT_MAX, &data, &len) : ART_ABSENT;
		if (rc != ART_OK)
			push(c->errors, cv_arena_printf(req->arena, "rollout "
			    "source artifact is missing: %s", rel));
		else if (strcasecmp(cv_sha256_hex(req->arena, data, len),
		    want) != 0)
			push(c->errors, cv_arena_printf(req->arena, "rollout "
			    "source artifact checksum mismatch: %s", rel));
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
rollout_verify(struct cv_req *req, const struct sdir *d,
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
		push(c->errors, cv_arena_printf(req->arena, "rollout evidence "
		    "directory does not exist: %s", d->path));
		return;
	}
	rc = art_read(req->arena, d->fd, ROLLOUT_FILE,
	    CV_EVIDENCE_ARTIFACT_MAX, &data, &len);
	if (rc != ART_OK)
		push(c->errors, "missing " ROLLOUT_FILE);
	else if (cv_json_parse(data, len, CV_JSON_DEPTH_MAX, &c->evidence,
	    errbuf, sizeof(errbuf)) != CV_OK ||
	    !json_object_is_type(c->evidence, json_type_object)) {
		if (c->evidence != NULL)
			snprintf(errbuf, sizeof(errbuf), "not an object");
		json_object_put(c->evidence);
		c->evidence = NULL;
		push(c->errors, cv_arena_printf(req->arena, "invalid rollout "
		    "evidence JSON: %s", errbuf));
	} else {
		if (!str_is(c->evidence, "schema_version",
		    "cavra.go-runtime.endpoint-rollout-evidence.v1"))
			push(c->errors, "rollout evidence has an invalid "
			    "schema_version");
		if (!cv_json_truthy(json_object_object_get(c->evidence,
		    "rollout_id")))
			push(c->errors, "rollout evidence is missing "
			    "rollout_id");
		if (!cv_json_truthy(json_object_object_get(c->evidence,
		    "change_record")))
			push(c->errors, "rollout evidence is missing "
			    "change_record");
		if (cv_json_str(c->evidence, "status", &s) != CV_JGET_OK ||
		    !cv_strv_has(statuses, s))
			push(c->errors, "rollout evidence has an invalid "
			    "status");
	}
	rollout_checksums(req, d->fd, c);
	if (c->evidence == NULL)
		return;
	if (cv_json_arr(c->evidence, "deployment_targets", &v) != CV_JGET_OK ||
	    json_object_array_length(v) == 0)
		push(c->errors, "rollout evidence has no deployment_targets");
	if (cv_json_arr(c->evidence, "controls", &v) != CV_JGET_OK ||
	    !cv_json_has_str(v, "rollout-evidence-checksummed"))
		push(c->errors, "rollout evidence is missing checksum control");
	/* The package directory: the body's, else the evidence's when it
	 * lies inside the root. */
	if (pkg == NULL && cv_json_str(c->evidence, "package_dir", &s) ==
	    CV_JGET_OK && *s != '\0' && (resolve_inside(req->arena, s, &pkg,
	    &exists) == -1 || !exists))
		pkg = NULL;
	if (pkg != NULL) {
		rollout_sources(req, pkg, c);
		if (p->require_package)
			push(c->errors, "release package: verification of Go "
			    "release packages is not available in this server "
			    "(set require_package_verification to false)");
	} else if (p->require_package)
		push(c->errors, "rollout evidence package_dir is missing or "
		    "invalid");
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
		push(ids, tid);
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

/*
 * The 400 answer of a promotion request that does not validate.  The
 * reference answers {"detail": {"errors": [...], "warnings": [...]}};
 * the house rule is a problem+json whose detail is a string, so the
 * detail joins the errors and the problem's `errors` member lists each
 * as {path: "promotion_request", message} (this verifier has no
 * warnings to report).
 */
static enum cv_err
promo_fail(struct cv_req *req, struct json_object *errors)
{
	struct cv_text	 t = { NULL, 0, 0 };
	size_t		 i, n;
	enum cv_err	 rc;

	n = json_object_array_length(errors);
	cv_text_str(&t, "rollout promotion request is invalid: ");
	for (i = 0; i < n; i++) {
		if (i > 0)
			cv_text_str(&t, "; ");
		cv_text_str(&t, json_object_get_string(
		    json_object_array_get_idx(errors, i)));
	}
	for (i = 0; i < n; i++)
		cv_fail_field(req, CV_EINVAL, "promotion_request", "%s",
		    json_object_get_string(json_object_array_get_idx(errors,
		    i)));
	rc = cv_fail(req, CV_EINVAL, "%s", t.p);
	free(t.p);
	return rc;
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
	struct sdir		 d;
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
	if (!str_is(d.meta, "metadata_kind", ROLLOUT_KIND)) {
		rc = cv_fail(req, CV_EINVAL, "promotion requests require "
		    "managed endpoint rollout metadata");
		goto out;
	}
	/* The directory checks of the artifact routes (root, bundle_dir). */
	sdir_close(&d);
	if ((rc = sdir_open(req, id, NULL, &d)) != CV_OK)
		goto out;
	if ((rc = promo_args(req, &p)) != CV_OK)
		goto out;
	if (p.package_dir != NULL && resolve_inside(req->arena, p.package_dir,
	    &pkg, &exists) == -1) {
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
		push(c.errors, "rollout promotion requires staged or succeeded "
		    "rollout evidence");
	if ((pem = cv_env("CAVRA_ROLLOUT_PROMOTION_SIGNING_KEY")) == NULL)
		pem = cv_env("CAVRA_GO_RELEASE_SIGNING_KEY");
	if (pem == NULL)
		push(c.errors, "rollout promotion request signing key is "
		    "required");
	if (json_object_array_length(c.errors) > 0) {
		rc = promo_fail(req, c.errors);
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
	push(o, cv_arena_printf(req->arena, "rollout://%s", rollout));
	push(o, cv_arena_printf(req->arena, "evidence://%s/%s", rollout,
	    ROLLOUT_FILE));
	if ((s = cv_json_key(req->arena, json_object_object_get(c.evidence,
	    "change_record"))) == NULL)
		s = "unassigned";
	push(o, cv_arena_printf(req->arena, "change://%s", s));
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
		push(o, "rollout promotion request signing key is not an "
		    "Ed25519 private key in PEM");
		rc = promo_fail(req, o);
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
	sdir_close(&d);
	return rc;
}

/*
 * Keeps the real path of CAVRA_EVIDENCE_ARTIFACT_ROOT, which the library
 * has checked to be a directory (cv_conf_check()) before this runs.
 */
static enum cv_err
evidence_init(void)
{
	const char	*root;
	char		 buf[PATH_MAX];

	free(artifact_root);
	artifact_root = NULL;
	if ((root = cv_env("CAVRA_EVIDENCE_ARTIFACT_ROOT")) == NULL)
		return CV_OK;
	if (realpath(root, buf) == NULL) {
		cv_log("CAVRA_EVIDENCE_ARTIFACT_ROOT: %s: %s", root,
		    strerror(errno));
		return CV_EINVAL;
	}
	artifact_root = cv_xstrdup(buf);
	return CV_OK;
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
	{ "limit", CV_P_INT, 0, NULL, "page size (default 50, 1..500)" },
	{ "offset", CV_P_INT, 0, NULL, "records skipped (default 0)" },
	{ NULL }
};

#define SCHEMA_LIST							\
	"{\"type\":\"object\",\"required\":[\"items\",\"total\",\"limit\","	\
	"\"offset\"],\"properties\":{\"items\":{\"type\":\"array\","	\
	"\"items\":{\"type\":\"object\",\"required\":[\"session_id\"]}},"	\
	"\"total\":{\"type\":\"integer\"},\"limit\":{\"type\":"		\
	"\"integer\"},\"offset\":{\"type\":\"integer\"}}}"

#define SCHEMA_ARTIFACTS						\
	"{\"type\":\"object\",\"required\":[\"schema_version\","	\
	"\"session_id\",\"metadata_kind\",\"artifact_root_configured\","	\
	"\"artifact_count\",\"artifacts\",\"bundle_download_url\"],"	\
	"\"properties\":{\"artifacts\":{\"type\":\"array\",\"items\":"	\
	"{\"type\":\"object\",\"required\":[\"artifact\",\"kind\","	\
	"\"media_type\",\"bytes\",\"sha256\",\"download_url\"]}}}}"

#define SCHEMA_BYTES	"{\"type\":\"string\",\"format\":\"binary\"}"

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
	{ CV_GET, "/evidence/{session_id}/artifacts", h_artifacts, 0,
	    "The allowlisted artifacts of a session's bundle", NULL, NULL,
	    SCHEMA_ARTIFACTS },
	{ CV_GET, "/evidence/{session_id}/artifacts/{artifact_name}",
	    h_artifact, 0, "One artifact of a session's bundle (raw bytes)",
	    NULL, NULL, SCHEMA_BYTES },
	{ CV_GET, "/evidence/{session_id}/artifact-bundle", h_bundle, 0,
	    "The artifacts of a session's bundle as one ZIP", NULL, NULL,
	    SCHEMA_BYTES },
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

static struct cv_app app = {
	.name = "cavra-evidence",
	.init = evidence_init,
	.stores = stores,
};

int
main(int argc, char **argv)
{
	return cv_serve_sets(&app, sets, argc, argv);
}
