/*
 * Policy pack authoring (record-contracts.md 7): a draft built from a
 * request body, checked against the policy schema, compared with the
 * pack it would replace, bound to approvals by a content digest, and
 * written back into the writable policy root as policy.yaml with its
 * signature policy.yaml.sig.json.
 *
 * The schema is the strict one of cavra-policy(5) AUTHORING: metadata.id
 * matches ^cavra-[a-z0-9-]+$, title, description and version are
 * non-empty strings, inherits is a pack id or a non-empty list of unique
 * ones, mode one of audit_only, enforce, strict_regulated, break_glass;
 * filesystem and commands hold only their three lists each, git and mcp
 * their booleans, string lists are unique non-empty strings, and
 * mcp.risk_scoring values are severities.  Error messages read as the
 * reference's validator writes them ("metadata.mode: 'x' is not one of
 * [...]").
 *
 * Nothing here keeps state; the write-back locks the pack's directory
 * (flock(2)) so that two publishers of one pack do not interleave.
 */
#ifndef CV_POLICY_AUTHOR_H
#define CV_POLICY_AUTHOR_H

#include <stddef.h>

#include "cv_err.h"

struct cv_arena;
struct cv_text;
struct json_object;

/*
 * The policy of a draft body (7.2): metadata {id, title, description,
 * version[, inherits][, mode]} from body.metadata or, key by key, the
 * body's top level (metadata wins; id, title, description and version
 * are made strings), version defaulting to `today` ("YYYY.MM.DD"), then
 * each section of filesystem, commands, git, mcp, approvals, evidence,
 * compliance that is an object.  *policy is a new reference.  CV_EINVAL
 * "policy draft requires id, title, and description" (in err) when one
 * of them is missing or empty.
 */
enum cv_err	 cv_draft_build(struct json_object *body, const char *today,
		    struct json_object **policy, char *err, size_t errlen);

/* The schema errors of a built policy as a new array of strings
 * "<dotted.path or <root>>: <message>", sorted by path; [] when valid. */
struct json_object *cv_draft_validate(struct json_object *policy);

/* What publishing `next` over `cur` changes (7.3): {added, removed,
 * changed}, each a sorted list of dotted keys of the flattened packs
 * (lists of strings compared as sorted sets).  cur NULL: all empty.
 * New reference. */
struct json_object *cv_draft_diff(struct json_object *cur,
		    struct json_object *next);
/* The risk of that change: "high" for a create (cur NULL), "critical"
 * when something is removed, "high" when an added or changed key is under
 * approvals, git, mcp, evidence or compliance, "medium" for other
 * changes, "low" for none.  Static string. */
const char	*cv_draft_risk(struct json_object *cur,
		    struct json_object *diff);

/* "sha256:" and the hex SHA-256 of the policy's canonical JSON (sorted
 * keys, compact, ASCII-escaped): what an approval is bound to.  Arena. */
char		*cv_draft_digest(struct cv_arena *,
		    struct json_object *policy);

/* 1 when id, a string of len bytes followed by a NUL (a JSON string may
 * hold a NUL of its own), can name a directory of the policy root: 1 to
 * CV_POLICY_ID_MAX bytes, no NUL, no '/', not "." or "..". */
int		 cv_draft_id_safe(const char *id, size_t len);

/* The policy as YAML (block style, keys sorted, strings quoted when a
 * YAML reader would take them for another type), appended to out.  0, or
 * -1 when libyaml fails. */
int		 cv_policy_yaml(struct json_object *policy,
		    struct cv_text *out);

/* What a write-back did (strings in the arena). */
struct cv_published {
	const char	*policy_path;	/* absolute */
	const char	*sig_path;	/* absolute */
	const char	*algorithm;	/* "HS256" or "SHA256" */
	int		 verified;
	const char	*message;	/* "verified HS256 signature", or why
					   not */
};

/*
 * Writes <root>/<id>/policy.yaml (cv_policy_yaml()) and its signature
 * policy.yaml.sig.json (7.6: HS256 with key, else SHA256) by signer, each
 * to a temporary file that is synced and renamed over the old one, the
 * root and the pack directory created (mode 0750) when missing, then
 * reads both back and verifies them.  CV_EINVAL "policy id is not safe
 * for write-back" for an id cv_draft_id_safe() refuses, and when the YAML
 * would not load back as the same policy (over CV_CONFIG_FILE_MAX bytes,
 * or nested deeper than the pack reader takes); CV_EIO when a file cannot
 * be written (the reason in err, logged).
 */
enum cv_err	 cv_policy_publish(struct cv_arena *, const char *root,
		    const char *id, struct json_object *policy,
		    const char *signer, const char *key,
		    struct cv_published *out, char *err, size_t errlen);

/*
 * Checks a policy file against its signature file: the digest must be the
 * SHA-256 of the file's bytes, and the signature the base64 HMAC-SHA256 of
 * those bytes under key (HS256) or, without a key, under the hex digest
 * (SHA256).  Returns 1 when it holds; *msg (arena) says "verified <alg>
 * signature" or what failed.
 */
int		 cv_policy_sig_verify(struct cv_arena *,
		    const char *policy_path, const char *sig_path,
		    const char *key, const char **msg);

#endif /* !CV_POLICY_AUTHOR_H */
