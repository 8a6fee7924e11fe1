/*
 * Who is asking, and what they may do.
 *
 * - OIDC (CAVRA_APPROVAL_OIDC_CONFIG): RS256 JWTs verified with OpenSSL 3
 *   EVP against the JWKS of the config (`jwks`, or `jwks_path` relative to
 *   the file), with issuer, audience, exp and nbf (leeway_seconds,
 *   default 60) and kid checked.
 * - Repository RBAC (CAVRA_APPROVAL_RBAC_FILE): group_mappings add groups;
 *   repository_permissions (alias repositories) grant actions on an
 *   approver group and/or repository to groups.
 * - Actor resolution for console mutations (record-contracts.md 0.8),
 *   with one deliberate difference: when OIDC is configured an actor
 *   comes only from a verified token (body actor_token or Authorization:
 *   Bearer); bare actor_claims are refused with 401.
 * - API access control (CAVRA_API_ACCESS_FILE): every request but the
 *   routes marked CV_RIGHT_OPEN needs a bearer, either a static token
 *   (kept in the file as its SHA-256 hex) or a verified OIDC token whose
 *   groups the file maps to roles; the roles a route admits are its
 *   route row's `right` (cv_http.h).
 *
 * cv_auth_init() and cv_access_init() read the three files once, in the
 * parent, before workers fork; afterwards the configuration is read-only
 * and every function here is safe from several threads at once.
 */
#ifndef CV_AUTH_H
#define CV_AUTH_H

#include <stddef.h>
#include <time.h>

#include "cv_err.h"

struct cv_arena;
struct cv_req;
struct json_object;

/* Reads CAVRA_APPROVAL_OIDC_CONFIG (and its JWKS) and
 * CAVRA_APPROVAL_RBAC_FILE; cv_access_init() reads CAVRA_API_ACCESS_FILE.
 * On a missing, unreadable or malformed file (or a JWKS key that does not
 * load) logs one line naming the variable and the problem and returns
 * CV_EINVAL.  Called by cv_serve_main() before cv_access_init() and the
 * app's init(); calling it again re-reads (tests). */
enum cv_err	 cv_auth_init(void);
/* Frees what cv_auth_init() loaded. */
void		 cv_auth_fini(void);

/* 1 when the file is set and loaded (RBAC: a non-empty object, as the
 * reference counts it; access: at least one token or OIDC role). */
int		 cv_oidc_configured(void);
int		 cv_rbac_configured(void);
int		 cv_access_configured(void);
/* Problems of a configured OIDC file that make verification impossible
 * (no RSA key in the JWKS...), as a new array of strings; [] if none. */
struct json_object *cv_oidc_config_errors(void);

/*
 * Verifies a compact JWT against the OIDC config at time `now`: three
 * parts, alg RS256, iss, aud (string or list), exp and nbf with the
 * leeway, the key by kid, then the RSASSA-PKCS1-v1_5 SHA-256 signature.
 * Claims are checked before the signature, as the reference does.
 * CV_OK with *claims a new reference; CV_EAUTH with a sentence in err
 * (record-contracts.md 5.7 wording: "OIDC token is expired", ...);
 * CV_EINVAL when OIDC is not configured.
 */
enum cv_err	 cv_jwt_verify(const char *token, time_t now,
		    struct json_object **claims, char *err, size_t errlen);

/* An actor context.  Arena-allocated with the request. */
struct cv_actor {
	const char		*actor;		/* email, preferred_username,
						   sub, else "unknown" */
	const char		*subject;	/* sub, or NULL */
	const char		*issuer;	/* iss, or NULL */
	const char		*repository;	/* repository or repo claim */
	const char		**groups;	/* groups (else roles) claim,
						   plus RBAC group_mappings
						   targets; sorted, unique */
	size_t			 ngroups;
	int			 verified;	/* from a verified token */
};

/* The context of a claims object (groups mapped through the RBAC file);
 * arena. */
struct cv_actor	*cv_actor_from_claims(struct cv_arena *,
		    struct json_object *claims, int verified);
/* The public form {actor, subject, groups, issuer, repository}; new
 * reference. */
struct json_object *cv_actor_json(const struct cv_actor *);
int		 cv_actor_in_group(const struct cv_actor *, const char *);

/*
 * The actor context of a console mutation (record-contracts.md 0.8):
 * body actor_claims (refused with 401 when OIDC is configured), else
 * body actor_token, else the Authorization header.  *out is NULL when
 * none was given and neither OIDC nor RBAC is configured (demo mode: the
 * caller uses the body's plain `actor`).  Fails, with the problem
 * recorded on req: CV_EAUTH (bad token, non-Bearer header, context
 * required but absent), CV_EINVAL (a token while OIDC is not
 * configured).  body may be NULL.
 */
enum cv_err	 cv_auth_actor(struct cv_req *, struct json_object *body,
		    const struct cv_actor **out);
/* The Authorization header only (GET /console/session): *out NULL when
 * there is none, or when API access control took it as a static token
 * (req->principal without actor); an OIDC bearer access control already
 * verified is reused.  Errors as cv_auth_actor(). */
enum cv_err	 cv_auth_bearer(struct cv_req *, const struct cv_actor **out);

/*
 * May the actor move the approval record to `action` ("approved",
 * "denied", "expired")?  record-contracts.md 5.6: a break-glass record
 * needs "Change Advisory Board"; a repository RBAC rule that grants the
 * action on the record's approver group and repository (approval
 * repository, else decision.repository, else decision.repo) allows;
 * else membership of the approver group.  1 when allowed.
 */
int		 cv_auth_can_decide(const struct cv_actor *,
		    struct json_object *approval, const char *action);
/* Break-glass: "Change Advisory Board" in the actor's groups and (an RBAC
 * rule grants "approved" for approver_group/repository, or the actor is
 * in approver_group).  repository may be NULL. */
int		 cv_auth_can_break_glass(const struct cv_actor *,
		    const char *approver_group, const char *repository);
/* The RBAC rules whose groups meet the actor's, as GET /console/session
 * lists them: [{repository|"*", approver_group|"*", actions (sorted),
 * groups (sorted)}].  New reference; [] for NULL. */
struct json_object *cv_auth_repo_permissions(const struct cv_actor *);

/* ---- API access control (CAVRA_API_ACCESS_FILE) ------------------- */

/* Roles are the CV_ROLE_* bits of cv_http.h. */

/* Who a request's bearer is, when access control is on. */
struct cv_principal {
	const char	*name;		/* token name, or the OIDC actor */
	unsigned	 role;		/* one CV_ROLE_* */
	const char	*agent_id;	/* the agent an agent token is bound
					   to, or NULL */
	const struct cv_actor *actor;	/* OIDC bearer: its context */
};

/*
 * Run by the dispatcher after the route is matched: with access control
 * on, authenticates the bearer and checks the route's right.  Sets
 * req->principal.  CV_EAUTH (no bearer or a bad one; the caller adds
 * WWW-Authenticate: Bearer) or CV_EPERM, with the problem recorded.
 * CV_OK without a check when access control is off or the route is
 * CV_RIGHT_OPEN.
 */
enum cv_err	 cv_access_check(struct cv_req *);
/* The role's name ("agent", ...), or NULL. */
const char	*cv_role_name(unsigned role);
/* Reads CAVRA_API_ACCESS_FILE (cv_serve_main() calls it after
 * cv_auth_init()): unset is access control off.  A file that does not
 * load, or has an unknown key or role, a sha256 that is not 64 hex
 * digits, a duplicate name or hash, or neither tokens nor oidc_roles, is
 * one log line (never a hash) and CV_EINVAL.  Calling it again
 * re-reads. */
enum cv_err	 cv_access_init(void);
void		 cv_access_fini(void);
/* The number of static tokens of the access file (0 when off). */
size_t		 cv_access_token_count(void);

/*
 * Agent binding, for the records that belong to an agent (decisions and
 * sessions: CV_RS_AGENT_OWNED of cv_resource.h).  The agent req's bearer
 * is bound to: NULL when access control is off or the bearer's role is
 * not agent (no restriction); "" for an agent bearer bound to none.
 */
const char	*cv_access_bound_agent(const struct cv_req *);
/* A list of `what` records: for a bound bearer, adds its agent_id as the
 * query's agent_id filter.  CV_EPERM (recorded) when the query names
 * another agent_id, or the agent bearer is bound to none. */
enum cv_err	 cv_access_agent_query(struct cv_req *, const char *what);
/* One `what` record, as a json-c object (rec) or as its text (rec NULL):
 * CV_ENOENT "<what> not found" (recorded) when a bound bearer's agent is
 * not the record's agent_id; CV_EPERM for an agent bearer bound to
 * none. */
enum cv_err	 cv_access_agent_record(struct cv_req *, const char *what,
		    struct json_object *rec, const char *text, size_t len);

#endif /* !CV_AUTH_H */
