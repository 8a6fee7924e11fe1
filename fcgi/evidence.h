/*
 * cavra-evidence: route tables of its files, served together by
 * fcgi/evidence.c.
 */
#ifndef EVIDENCE_H
#define EVIDENCE_H

#include <stddef.h>

struct cv_route;

/* fcgi/evidence_release.c: POST /evidence/{session_id}/promotion-
 * execution, /promotion-executions*, /rollback-executions*,
 * /release-channel-promotions* */
extern const struct cv_route	ev_release_routes[];
extern const size_t		ev_release_nroutes;

#endif /* !EVIDENCE_H */
