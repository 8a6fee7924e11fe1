/*
 * Artifacts of evidence bundles under CAVRA_EVIDENCE_ARTIFACT_ROOT
 * (record-contracts.md 6.2), shared by cavra-evidence (/evidence/{id}/
 * artifacts*) and cavra-endpoints (/endpoint-management-exports/{id}/
 * artifacts*): the allowlists, the directory checks, reading a file
 * without following links, checksums.txt, the export checksum
 * verification and the three route handlers.
 *
 * A route row of the handlers points at a struct art_view: which path
 * parameter names the record, the URL prefix of its downloads, the
 * metadata kind it must have and the texts of its 404 answers.
 */
#ifndef ARTIFACT_H
#define ARTIFACT_H

#include <stddef.h>

#include "cv_err.h"

struct cv_arena;
struct cv_req;
struct cv_resp;
struct json_object;

#define ART_KIND_ROLLOUT	"managed-endpoint-rollout"
#define ART_KIND_EXPORT		"endpoint-management-export"
#define ART_ROLLOUT_FILE	"managed-endpoint-rollout-evidence.json"
#define ART_CHECKSUMS		"checksums.txt"

/* One allowlisted file. */
struct art_file {
	const char	*name;
	const char	*kind;
	const char	*media_type;
	const char	*description;
};

enum art_bundle {
	ART_SESSION = 0,
	ART_ROLLOUT,
	ART_EXPORT
};

/* The bundle directory of one request. */
struct art_dir {
	struct json_object	*meta;		/* the metadata record */
	enum art_bundle		 kind;
	const struct art_file	*arts;		/* allowlist, listing order */
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

/* What one responder's artifact routes serve. */
struct art_view {
	const char	*param;		/* path parameter: "session_id" */
	const char	*base;		/* URL prefix: "/evidence" */
	const char	*kind;		/* kind the metadata must have (NULL:
					   any) */
	const char	*missing;	/* 404 detail without metadata */
	const char	*what;		/* "evidence artifact": 404 "<what>
					   not found", "<what>s not found" */
};

/* The 200 answers of the handlers, for openapi.json. */
#define ART_SCHEMA_LIST							\
	"{\"type\":\"object\",\"required\":[\"schema_version\","	\
	"\"session_id\",\"metadata_kind\",\"artifact_root_configured\","	\
	"\"artifact_count\",\"artifacts\",\"bundle_download_url\"],"	\
	"\"properties\":{\"artifacts\":{\"type\":\"array\",\"items\":"	\
	"{\"type\":\"object\",\"required\":[\"artifact\",\"kind\","	\
	"\"media_type\",\"bytes\",\"sha256\",\"download_url\"]}}}}"
#define ART_SCHEMA_BYTES	"{\"type\":\"string\",\"format\":\"binary\"}"
/* A stored metadata record of a bundle, and a page of them. */
#define ART_SCHEMA_META							\
	"{\"type\":\"object\",\"required\":[\"session_id\","		\
	"\"metadata_kind\"]}"
#define ART_SCHEMA_META_LIST						\
	"{\"type\":\"object\",\"required\":[\"items\",\"total\",\"limit\","	\
	"\"offset\"],\"properties\":{\"items\":{\"type\":\"array\","	\
	"\"items\":" ART_SCHEMA_META "}}}"

/* Keeps the real path of CAVRA_EVIDENCE_ARTIFACT_ROOT (unset: none).
 * Called by a responder's init(); logs one line and returns CV_EINVAL
 * when the path does not resolve. */
enum cv_err	 art_init(void);
/* Whether a root is configured. */
int		 art_root_set(void);

/* GET <base>/{id}/artifacts, <base>/{id}/artifacts/{artifact_name} and
 * <base>/{id}/artifact-bundle: the route's data is a struct art_view. */
enum cv_err	 art_h_list(struct cv_req *, struct cv_resp *);
enum cv_err	 art_h_get(struct cv_req *, struct cv_resp *);
enum cv_err	 art_h_bundle(struct cv_req *, struct cv_resp *);

/*
 * The checks of record-contracts.md 6.2 up to the directory of record
 * `id` under view v, then opens it (d->fd -1 when it does not exist);
 * `name` (or NULL) must be allowlisted.  The caller calls
 * art_dir_close() whatever this returns.
 */
enum cv_err	 art_dir_open(struct cv_req *, const struct art_view *v,
		    const char *id, const char *name, struct art_dir *d);
void		 art_dir_close(struct art_dir *);

/* Reads file `name` of directory fd (-1: none) into the arena, at most
 * max bytes, never through a symbolic link. */
enum art_rc	 art_read(struct cv_arena *, int fd, const char *name,
		    long max, char **data, size_t *len);
/* checksums.txt text as {name: lower-case digest} (new), or NULL with
 * *err (arena) naming the first bad line. */
struct json_object *art_checksums_parse(struct cv_arena *, const char *text,
		    const char **err);
/* Directory dir resolved inside the root: *out (arena) its real path,
 * or when it does not exist the path as given (*exists 0).  -1 when it
 * resolves outside the root. */
int		 art_resolve_inside(struct cv_arena *, const char *dir,
		    const char **out, int *exists);
/* Whether name can name an entry of a directory: not empty, not . or
 * .., no slash or backslash. */
int		 art_name_ok(const char *name);

/* Whether string field key of rec is exactly value. */
int		 art_str_is(struct json_object *rec, const char *key,
		    const char *value);
/* Appends string s to array arr. */
void		 art_push(struct json_object *arr, const char *s);

#endif /* !ARTIFACT_H */
