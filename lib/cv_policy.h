/*
 * Policy packs and the decision evaluator.
 *
 * A pack is <root>/<pack_id>/policy.yaml in one of two layers: the
 * writable root (CAVRA_POLICY_DIR, else ./policies), where published
 * packs go, over the bundled packs (CAVRA_BUNDLED_POLICY_DIR, else the
 * installed data directory CAVRA_PKGDATADIR "/policies").  An id is read
 * from the first layer that has its policy.yaml, so a pack in the
 * writable root shadows the bundled pack of the same id; either root may
 * be missing.  Packs are loaded with libyaml into json-c,
 * `metadata.inherits` is merged (parents first, the child on top; each
 * parent looked up through the layers too), and the compiled pack is
 * cached per process keyed by the mtime and size of every file it was
 * built from and by the absence of the higher layer's file: a changed or
 * newly shadowed pack is used on the next request, an unchanged one is
 * never parsed again.  The cache is one per
 * process, read-only and shared by its threads; a changed pack is swapped
 * in whole, and the version it replaces is freed once no thread holds it
 * any more (see cv_policy_get()).
 *
 * Patterns are whole-string globs where `*` and `**` both match any run of
 * characters except a newline; everything else is literal and
 * case-sensitive.
 */
#ifndef CV_POLICY_H
#define CV_POLICY_H

#include <stddef.h>

#include "cv_err.h"

struct cv_arena;
struct cv_store;
struct json_object;

/* What the agent wants to do (fields may be NULL). */
struct cv_action {
	const char	*action_type;	/* read_file write_file execute_command
					   git_operation mcp_tool_call */
	const char	*target;
	const char	*operation;	/* git: default "push" */
	const char	*server;	/* mcp: default "unknown" */
	const char	*tool;		/* mcp: default "unknown" */
	const char	*capability;	/* mcp: optional */
};

/* What the engine decided.  Strings are static or in the arena. */
struct cv_verdict {
	const char	*action_type;
	const char	*target;		/* normalised */
	const char	*requested_operation;
	const char	*rule_id;
	const char	*decision;	/* allow block require_approval ... */
	const char	*severity;	/* low medium high critical */
	const char	*reason;
	const char	*approver_group;	/* or NULL */
};

struct cv_pack;

/* Who and where of a decision record (cv_decision_new()). */
struct cv_decision_ids {
	const char		*decision_id;
	const char		*session_id;
	const char		*agent_id;
	const char		*actor;
	struct json_object	*repository;	/* kept as it is (new
						   reference taken) */
	const char		*policy_pack;
	const char		*timestamp;
	const char		*correlation_id;
};

/*
 * The cavra.decision.v1 record of verdict v with the ids of d, in the
 * reference's key order, with evidence_refs ["evidence://<session_id>/
 * <decision_id>"].  New reference.
 */
struct json_object *cv_decision_new(const struct cv_verdict *v,
		    const struct cv_decision_ids *d);

/*
 * Stores the n decisions ds (the caller's) as new records of activity
 * store s, in its write transaction or as one write, in one batch
 * (cv_store_insert_batch()).  A decision whose random id names a stored
 * decision (or one earlier in ds) takes a fresh id and evidence
 * reference, changed in ds, rather than replace that one, up to
 * CV_ID_RETRIES times: then CV_ECONFLICT.  Store errors.
 */
enum cv_err	 cv_decision_insert_all(struct cv_store *s,
		    struct json_object *const *ds, size_t n);

/* The pack used when a request names none (or an empty string). */
#define CV_POLICY_DEFAULT	"cavra-ai-agent-baseline"

/* The writable policy root (CAVRA_POLICY_DIR, else "policies"), and the
 * bundled one (CAVRA_BUNDLED_POLICY_DIR, else the installed packs): the
 * calling thread's copies, valid until its next call of the same
 * function or cv_policy_cache_clear(). */
const char	*cv_policy_root(void);
const char	*cv_policy_bundled_root(void);

/* Where a listed pack was read from (the catalog's `source`). */
#define CV_POLICY_SOURCE_PUBLISHED	"published"	/* writable root */
#define CV_POLICY_SOURCE_BUNDLED	"bundled"
/* 1 when id is a plain directory name a pack may have: 1 to
 * CV_POLICY_ID_MAX bytes, not "." or "..", no '/'. */
int		 cv_policy_id_valid(const char *);
/* Empty the cache and let go of the calling thread's pack and root
 * (tests; a clean exit under a leak checker).  A pack another thread
 * holds is freed when that thread lets it go. */
void		 cv_policy_cache_clear(void);
/* Compiled packs alive now, in the cache or held by a thread (tests). */
size_t		 cv_policy_cache_live(void);

/* The compiled pack for an id (a directory name), read-only.  The calling
 * thread holds it until its own next cv_policy_get() (or
 * cv_policy_cache_clear(), or its exit): it stays valid that long even if
 * another thread meanwhile finds it changed on disk and swaps a new
 * version in.  So a caller uses one pack at a time, within one request,
 * and releases nothing.  Costs one stat(2) per file the pack was built
 * from; no lock unless the cache changed since the thread's last call.
 * CV_ENOENT: no such pack; CV_EINVAL: the pack is unreadable or not a
 * mapping, or the id is not a plain name.  errbuf receives a human
 * sentence in both cases. */
enum cv_err	 cv_policy_get(const char *id, const struct cv_pack **,
		    char *errbuf, size_t errlen);
const char	*cv_pack_id(const struct cv_pack *);
/* The compiled (merged, normalised) pack as JSON; borrowed. */
struct json_object *cv_pack_json(const struct cv_pack *);

/* The five action types POST /decisions accepts, NULL-terminated. */
extern const char *const cv_action_types[];
int		 cv_action_type_valid(const char *);

/* Evaluate a file, command or git action against a pack.  For
 * mcp_tool_call use cv_policy_eval_mcp_registry() (HTTP path) or
 * cv_policy_eval_mcp_pack() (no registry: CLI).  CV_EUNPROC for an action
 * type this function does not evaluate. */
enum cv_err	 cv_policy_eval(const struct cv_pack *,
		    const struct cv_action *, struct cv_arena *,
		    struct cv_verdict *);
/* MCP call judged by the trust registry record of the server (NULL when
 * the server is not registered). */
void		 cv_policy_eval_mcp_registry(struct json_object *server,
		    const struct cv_action *, struct cv_arena *,
		    struct cv_verdict *);
/* MCP call judged by the pack's mcp: section (no registry). */
void		 cv_policy_eval_mcp_pack(const struct cv_pack *,
		    const struct cv_action *, struct cv_arena *,
		    struct cv_verdict *);

/* The pack catalog: every pack directory of either layer whose
 * policy.yaml (from the first layer that has one) parses to a mapping,
 * sorted by directory name.  New array of listing entries
 * {id,title,description,version,policy,source} (policy = raw, not
 * merged) when raw != 0, or catalog items
 * {id,title,description,version,summary,source} when raw == 0.  CV_EIO
 * when a root exists but cannot be read. */
enum cv_err	 cv_policy_catalog(int raw, struct json_object **);
/* The raw (not merged) document of pack id from the first layer that has
 * it; *doc a new reference, *source (may be NULL) one of the
 * CV_POLICY_SOURCE_* strings.  CV_ENOENT when no layer has it, CV_EINVAL
 * when the file is broken. */
enum cv_err	 cv_policy_raw(const char *id, struct json_object **doc,
		    const char **source);
/* The catalog summary of a raw pack document: {policy_id, title, version,
 * inherits, mode (default "enforce"), rule_counts{filesystem, commands,
 * git, mcp, approvals, evidence, compliance}}.  New reference. */
struct json_object *cv_policy_summary(struct json_object *doc);

/* The compliance mappings the packs declare (cavra-policy(5)): for each
 * pack with a compliance section, in catalog order, {policy_pack, title,
 * version, maps_to, controls [{framework, control_id, title, covered,
 * rules}]}, where rules are the listed rules the pack really enforces.
 * New array. */
enum cv_err	 cv_policy_compliance(struct json_object **);

/* For a responder's init(): CV_OK when the default pack loads, else
 * CV_EINVAL after one log line naming `who` and the policy roots. */
enum cv_err	 cv_policy_check_default(const char *who);

/* Helpers exposed for tests and the CLI. */
int		 cv_glob_match(const char *pat, const char *s);
/* POSIX-normalise a file target: collapse "//" (two leading slashes are
 * kept), drop ".", resolve ".." against the preceding component, drop a
 * trailing "/"; "" becomes ".".  Arena. */
char		*cv_path_normalise(struct cv_arena *, const char *);

#endif /* !CV_POLICY_H */
