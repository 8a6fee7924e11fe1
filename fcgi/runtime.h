/*
 * cavra-runtime: the /runtime/go-pilot routes (workflows.md §8, §10),
 * one route table per file, served together by fcgi/runtime.c.  Rows
 * point at the workflow step handlers of lib/cv_wfstep.h (data: a
 * struct cv_wf_step) or at a file's own.
 */
#ifndef RUNTIME_H
#define RUNTIME_H

#include <stddef.h>

struct cv_route;

/* fcgi/runtime.c: the acknowledgement audit delivery chain (C1) */
extern const struct cv_route	rt_c1_routes[];
extern const size_t		rt_c1_nroutes;
/* fcgi/runtime_alert.c: worker health alerts (C2) */
extern const struct cv_route	rt_alert_routes[];
extern const size_t		rt_alert_nroutes;
/* fcgi/runtime_c0.c: drill schedule, notifications, acknowledgements,
 * the umbrella history, dashboard, routes, trends, escalation plan and
 * the readiness reports */
extern const struct cv_route	rt_c0_routes[];
extern const size_t		rt_c0_nroutes;
/* fcgi/runtime_recovery.c: connector recovery, recovery escalations and
 * executive reports (C3-C6) */
extern const struct cv_route	rt_recovery_routes[];
extern const size_t		rt_recovery_nroutes;
/* fcgi/runtime_final.c: final reporting (C7-C10) */
extern const struct cv_route	rt_final_routes[];
extern const size_t		rt_final_nroutes;

#endif /* !RUNTIME_H */
