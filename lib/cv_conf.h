/*
 * Configuration files named by environment variables (OIDC, RBAC,
 * approval routing and provider, connectors): JSON, or YAML when the path
 * ends in .yaml or .yml, and a mapping (the approval routing file may
 * also be a list of rules).  Every responder checks all of them at
 * start, so a broken file is one line on stderr and exit status 78, not
 * an error on the first request that needs it.
 */
#ifndef CV_CONF_H
#define CV_CONF_H

#include "cv_err.h"

struct json_object;

/* The variables that name configuration files, NULL-terminated. */
extern const char *const cv_conf_files[];

/* Loads the file named by variable `env`.  *out is a new reference, or
 * NULL when the variable is unset or empty.  On failure logs one line
 * naming the variable, the path and the problem, and returns CV_EINVAL. */
enum cv_err	 cv_conf_load(const char *env, struct json_object **out);
/* As cv_conf_load() for the file at path; the log line names it `what`
 * ("CAVRA_APPROVAL_OIDC_CONFIG jwks_path"). */
enum cv_err	 cv_conf_load_path(const char *what, const char *path,
		    struct json_object **out);
/* Loads and checks every file of cv_conf_files[] and that
 * CAVRA_EVIDENCE_ARTIFACT_ROOT, when set, is a directory. */
enum cv_err	 cv_conf_check(void);

/*
 * What this build enforces of CAVRA_APPROVAL_OIDC_CONFIG and
 * CAVRA_APPROVAL_RBAC_FILE, NULL-terminated: the JWT signature algorithms
 * it verifies, the claims it checks or reads the actor from, and the RBAC
 * rule kinds it applies (lib/jwt.c, lib/auth.c).  An empty list would
 * mean nothing is enforced, and /console/security-boundary says so.
 */
extern const char *const cv_oidc_algorithms[];
extern const char *const cv_oidc_claims[];
extern const char *const cv_rbac_boundaries[];

#endif /* !CV_CONF_H */
