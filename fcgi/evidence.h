/*
 * cavra-evidence: route tables of its files, served together by
 * fcgi/evidence.c.
 */
#ifndef EVIDENCE_H
#define EVIDENCE_H

#include <stddef.h>

#include "cv_err.h"

struct cv_req;
struct cv_route;
struct json_object;

/* fcgi/evidence.c: NULL when the signed promotion request verifies
 * (signature, digest of the signed payload, this server's key), else
 * why. */
const char	*ev_promo_verify(struct cv_req *, struct json_object *request);

/* fcgi/evidence_release.c: POST /evidence/{session_id}/promotion-
 * execution, /promotion-executions*, /rollback-executions*,
 * /release-channel-promotions* */
extern const struct cv_route	ev_release_routes[];
extern const size_t		ev_release_nroutes;

#endif /* !EVIDENCE_H */
