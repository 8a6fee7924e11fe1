/*
 * Between the parts of the auth module: lib/jwt.c keeps the OIDC
 * configuration, lib/auth.c the RBAC file and the actor rules.
 */
#ifndef AUTH_INT_H
#define AUTH_INT_H

#include "cv_err.h"

/* Loads CAVRA_APPROVAL_OIDC_CONFIG and its JWKS (lib/jwt.c), replacing
 * what was loaded.  CV_EINVAL after one log line on a bad file or key. */
enum cv_err	 cv_oidc_load(void);
void		 cv_oidc_free(void);

#endif /* !AUTH_INT_H */
