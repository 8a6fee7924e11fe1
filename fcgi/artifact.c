/*
 * Artifacts of evidence bundles (fcgi/artifact.h), compiled into
 * cavra-evidence and cavra-endpoints.
 *
 * Artifacts are served from one directory per session: <root>/<id>, or
 * for rollout evidence and endpoint-management exports the metadata's
 * bundle_dir, which must resolve inside the root.  Only allowlisted
 * names are served; a file is opened relative to a directory descriptor
 * with O_NOFOLLOW, so no name, `..` or symbolic link reaches a file
 * outside that directory.  Export files are checked against the
 * export's checksums.txt before they are served.
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
#include "cv_crypto.h"

#include "artifact.h"

/* The artifact root (realpath), or NULL when CAVRA_EVIDENCE_ARTIFACT_ROOT
 * is unset.  Read once by art_init(). */
static char	*root;

enum cv_err
art_init(void)
{
	const char	*env;
	char		 buf[PATH_MAX];

	free(root);
	root = NULL;
	if ((env = cv_env("CAVRA_EVIDENCE_ARTIFACT_ROOT")) == NULL)
		return CV_OK;
	if (realpath(env, buf) == NULL) {
		cv_log("CAVRA_EVIDENCE_ARTIFACT_ROOT: %s: %s", env,
		    strerror(errno));
		return CV_EINVAL;
	}
	root = cv_xstrdup(buf);
	return CV_OK;
}

int
art_root_set(void)
{
	return root != NULL;
}

int
art_str_is(struct json_object *rec, const char *key, const char *value)
{
	const char	*s;

	return cv_json_str(rec, key, &s) == CV_JGET_OK &&
	    strcmp(s, value) == 0;
}

static const struct art_file session_artifacts[] = {
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

static const struct art_file rollout_artifacts[] = {
	{ ART_ROLLOUT_FILE, "rollout-evidence", "application/json",
	    "Managed endpoint rollout evidence" },
	{ "managed-endpoint-rollout-evidence.md", "rollout-summary",
	    "text/markdown", "Managed endpoint rollout summary" },
	{ ART_CHECKSUMS, "rollout-checksums", "text/plain",
	    "SHA-256 checksums of the rollout evidence" },
};

static const struct art_file export_artifacts[] = {
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
	{ ART_CHECKSUMS, "export-checksums", "text/plain",
	    "SHA-256 checksums of the export" },
};

#define ARTS_MAX	8	/* files of the longest allowlist */
_Static_assert(nitems(session_artifacts) <= ARTS_MAX &&
    nitems(rollout_artifacts) <= ARTS_MAX &&
    nitems(export_artifacts) <= ARTS_MAX, "ARTS_MAX");

static const struct art_file *
art_find(const struct art_dir *d, const char *name)
{
	size_t	 i;

	for (i = 0; i < d->narts; i++)
		if (strcmp(d->arts[i].name, name) == 0)
			return &d->arts[i];
	return NULL;
}

/* Whether id can name a directory of the root: not empty, not . or ..,
 * no slash or backslash. */
int
art_name_ok(const char *id)
{
	return *id != '\0' && strcmp(id, ".") != 0 && strcmp(id, "..") != 0 &&
	    strchr(id, '/') == NULL && strchr(id, '\\') == NULL;
}

/* Whether absolute path p is the root or below it. */
static int
under_root(const char *p)
{
	size_t	 n;

	n = strlen(root);
	if (strncmp(p, root, n) != 0)
		return 0;
	return p[n] == '\0' || p[n] == '/' || strcmp(root, "/") == 0;
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
int
art_resolve_inside(struct cv_arena *a, const char *dir, const char **out,
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
			if (art_str_is(it, keys[k], name))
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
export_open(struct cv_req *req, struct art_dir *d, const char *name)
{
	struct art_file		*arts;
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
		if (strcmp(export_artifacts[i].name, ART_CHECKSUMS) == 0 ||
		    (files != NULL && files_has(files,
		    export_artifacts[i].name)))
			arts[n++] = export_artifacts[i];
	json_object_put(manifest);
	d->arts = arts;
	d->narts = n;
	if (name != NULL && art_find(d, name) == NULL)
		return cv_fail(req, CV_EINVAL, "unsupported evidence artifact");
	switch (art_read(req->arena, d->fd, ART_CHECKSUMS,
	    CV_EVIDENCE_ARTIFACT_MAX, &data, &len)) {
	case ART_OK:
		d->sums = art_checksums_parse(req->arena, data, &d->sums_err);
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
export_verify(struct cv_req *req, const struct art_dir *d, const char *name,
    const char *data, size_t len)
{
	struct json_object	*want;

	if (d->kind != ART_EXPORT || strcmp(name, ART_CHECKSUMS) == 0)
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

/* Closes what art_dir_open() opened. */
void
art_dir_close(struct art_dir *d)
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
 * The evidence metadata record `id` into *out (new), or NULL when there
 * is none.  A 500/503 problem when the store fails.
 */
static enum cv_err
meta_find(struct cv_req *req, const char *id, struct json_object **out)
{
	struct cv_store	*s;
	struct cv_db	*db;
	enum cv_err	 rc;

	*out = NULL;
	if ((rc = cv_rs_db(req, &cv_store_evidence, &db)) != CV_OK)
		return rc;
	if ((rc = cv_db_read(db, &s)) != CV_OK)
		return cv_rs_store_fail(req, &cv_store_evidence, rc);
	rc = cv_store_get(s, 0, id, out);
	cv_db_read_end(db, s);
	if (rc == CV_ENOENT) {
		*out = NULL;
		return CV_OK;
	}
	if (rc != CV_OK)
		return cv_rs_store_fail(req, &cv_store_evidence, rc);
	return CV_OK;
}

/*
 * The checks of record-contracts.md 6.2 up to the directory, in their
 * order: metadata of `id` exists, of v->kind when one is named (404
 * v->missing), the root is configured (400), the name is allowlisted
 * when one is given (400), the session id is valid (400), and for
 * rollout evidence and exports bundle_dir resolves inside the root
 * (400).  Then opens the directory: d->fd is -1 when it does not
 * exist.  A session directory that is a symbolic link is refused (400).
 * The caller calls art_dir_close() whatever this returns.
 */
enum cv_err
art_dir_open(struct cv_req *req, const struct art_view *v, const char *id,
    const char *name, struct art_dir *d)
{
	struct stat	 st;
	const char	*kind, *bundle;
	char		*path;
	int		 rootfd = -1, exists;
	enum cv_err	 rc = CV_OK;

	memset(d, 0, sizeof(*d));
	d->fd = -1;
	if ((rc = meta_find(req, id, &d->meta)) != CV_OK)
		goto out;
	if (d->meta == NULL || (v->kind != NULL && !art_str_is(d->meta,
	    "metadata_kind", v->kind))) {
		rc = cv_fail(req, CV_ENOENT, "%s", v->missing);
		goto out;
	}
	if (root == NULL) {
		rc = cv_fail(req, CV_EINVAL, "evidence artifact root is not "
		    "configured");
		goto out;
	}
	kind = cv_json_str_or(d->meta, "metadata_kind", "");
	if (strcmp(kind, ART_KIND_ROLLOUT) == 0) {
		d->kind = ART_ROLLOUT;
		d->arts = rollout_artifacts;
		d->narts = nitems(rollout_artifacts);
	} else if (strcmp(kind, ART_KIND_EXPORT) == 0) {
		d->kind = ART_EXPORT;
		d->arts = export_artifacts;
		d->narts = nitems(export_artifacts);
	} else {
		d->kind = ART_SESSION;
		d->arts = session_artifacts;
		d->narts = nitems(session_artifacts);
	}
	if (name != NULL && art_find(d, name) == NULL) {
		rc = cv_fail(req, CV_EINVAL, "unsupported evidence artifact");
		goto out;
	}
	if (!art_name_ok(id)) {
		rc = cv_fail(req, CV_EINVAL, "invalid evidence session ID");
		goto out;
	}
	if (d->kind != ART_SESSION) {
		bundle = cv_json_str_or(d->meta, "bundle_dir", "");
		if (*bundle == '\0' || art_resolve_inside(req->arena, bundle,
		    &d->path, &exists) == -1) {
			rc = cv_fail(req, CV_EINVAL, d->kind == ART_ROLLOUT ?
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
		if (d->kind == ART_EXPORT && (rc = export_open(req, d,
		    name)) != CV_OK)
			goto out;
		goto out;
	}
	path = cv_arena_printf(req->arena, "%s/%s", root, id);
	d->path = path;
	if ((rootfd = open(root, O_RDONLY | O_DIRECTORY |
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
enum art_rc
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

/* The problem for an artifact of view v that could not be read. */
static enum cv_err
art_fail(struct cv_req *req, const struct art_view *v, enum art_rc rc)
{
	switch (rc) {
	case ART_ABSENT:
		return cv_fail(req, CV_ENOENT, "%s not found", v->what);
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
content_type(struct cv_arena *a, const struct art_file *art)
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
struct json_object *
art_checksums_parse(struct cv_arena *a, const char *text, const char **err)
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
		if (i != 2 * CV_SHA256_LEN || strspn(p,
		    "0123456789abcdefABCDEF") < i) {
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
void
art_push(struct json_object *arr, const char *s)
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
rollout_integrity(struct cv_req *req, const struct art_dir *d,
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
	rc = art_read(req->arena, d->fd, ART_CHECKSUMS,
	    CV_EVIDENCE_ARTIFACT_MAX, &data, &len);
	if (rc == ART_OK) {
		if ((sums = art_checksums_parse(req->arena, data,
		    &err)) == NULL)
			art_push(errs, err);
	} else if (rc == ART_ABSENT)
		art_push(miss, ART_CHECKSUMS);
	else
		art_push(errs, "checksums.txt cannot be read");
	for (i = 0; i < d->narts; i++) {
		if (strcmp(d->arts[i].name, ART_CHECKSUMS) == 0)
			continue;
		rc = art_read(req->arena, d->fd, d->arts[i].name,
		    CV_EVIDENCE_ARTIFACT_MAX, &data, &len);
		if (rc == ART_ABSENT) {
			art_push(miss, d->arts[i].name);
			continue;
		}
		if (rc != ART_OK) {
			art_push(errs, cv_arena_printf(req->arena, "%s cannot "
			    "be read", d->arts[i].name));
			continue;
		}
		if (sums == NULL || !json_object_object_get_ex(sums,
		    d->arts[i].name, &want))
			art_push(unch, d->arts[i].name);
		else if (strcmp(json_object_get_string(want),
		    cv_sha256_hex(req->arena, data, len)) == 0)
			art_push(ver, d->arts[i].name);
		else
			art_push(mism, d->arts[i].name);
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
 * GET <base>/{id}/artifacts: cavra.evidence.artifacts.v1, the
 * allowlisted files that exist (regular files, not links), each with
 * its size, SHA-256 and download URL under the view's base.
 */
enum cv_err
art_h_list(struct cv_req *req, struct cv_resp *resp)
{
	const struct art_view	*v = req->route->data;
	struct json_object	*o, *arts, *a;
	const char		*id, *enc;
	struct art_dir		 d;
	char			*data;
	size_t			 i, len;
	enum art_rc		 ar;
	enum cv_err		 rc;

	id = cv_param(req, v->param);
	if ((rc = art_dir_open(req, v, id, NULL, &d)) != CV_OK)
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
			rc = art_fail(req, v, ar);
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
		    "%s/%s/artifacts/%s", v->base, enc, d.arts[i].name));
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
	    "%s/%s/artifact-bundle", v->base, enc));
	if (d.kind == ART_ROLLOUT)
		rollout_integrity(req, &d, o);
	cv_resp_json(resp, 200, o);
out:
	art_dir_close(&d);
	return rc;
}

/*
 * GET <base>/{id}/artifacts/{artifact_name}: the file's bytes with its
 * media type, content-disposition and x-cavra-artifact-sha256 (an
 * export's file only when it matches the export's checksums.txt).
 */
enum cv_err
art_h_get(struct cv_req *req, struct cv_resp *resp)
{
	const struct art_view	*v = req->route->data;
	const struct art_file	*art;
	const char		*id, *name;
	struct art_dir		 d;
	char			*data;
	size_t			 len;
	enum art_rc		 ar;
	enum cv_err		 rc;

	id = cv_param(req, v->param);
	name = cv_param(req, "artifact_name");
	if ((rc = art_dir_open(req, v, id, name, &d)) != CV_OK)
		goto out;
	art = art_find(&d, name);
	if ((ar = art_read(req->arena, d.fd, name, CV_EVIDENCE_ARTIFACT_MAX,
	    &data, &len)) != ART_OK) {
		rc = art_fail(req, v, ar);
		goto out;
	}
	if ((rc = export_verify(req, &d, name, data, len)) != CV_OK)
		goto out;
	cv_resp_bytes(resp, 200, content_type(req->arena, art), data, len);
	if (d.kind == ART_EXPORT)
		cv_resp_header(resp, "X-Cavra-Artifact-Kind", art->kind);
	cv_resp_header(resp, "Content-Disposition", disposition(req->arena,
	    name));
	cv_resp_header(resp, "X-Cavra-Artifact-Sha256",
	    cv_sha256_hex(req->arena, data, len));
out:
	art_dir_close(&d);
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
 * GET <base>/{id}/artifact-bundle: a ZIP of every allowlisted file that
 * exists, in allowlist order (an export's files each checked against
 * its checksums.txt first); 404 "<what>s not found" when none does, 413
 * past CV_EVIDENCE_BUNDLE_MAX.
 */
enum cv_err
art_h_bundle(struct cv_req *req, struct cv_resp *resp)
{
	const struct art_view	*v = req->route->data;
	const char		*names[ARTS_MAX], *id;
	char			*data[ARTS_MAX], *zip;
	size_t			 lens[ARTS_MAX], n = 0, i, len;
	long			 total = 0;
	struct art_dir		 d;
	enum art_rc		 ar;
	enum cv_err		 rc;

	id = cv_param(req, v->param);
	if ((rc = art_dir_open(req, v, id, NULL, &d)) != CV_OK)
		goto out;
	for (i = 0; i < d.narts && n < nitems(names); i++) {
		ar = art_read(req->arena, d.fd, d.arts[i].name,
		    CV_EVIDENCE_ARTIFACT_MAX, &data[n], &lens[n]);
		if (ar == ART_ABSENT)
			continue;
		if (ar != ART_OK) {
			rc = art_fail(req, v, ar);
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
		rc = cv_fail(req, CV_ENOENT, "%ss not found", v->what);
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
	if (d.kind == ART_EXPORT)
		cv_resp_header(resp, "X-Cavra-Artifact-Count",
		    cv_arena_printf(req->arena, "%zu", n));
out:
	art_dir_close(&d);
	return rc;
}

