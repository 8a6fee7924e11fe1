/*
 * cavra-runtime: the /runtime/go-pilot routes (workflows.md §8, §10),
 * one route table per file, served together by fcgi/runtime.c.  Rows
 * point at the workflow step handlers of lib/cv_wfstep.h (data: a
 * struct cv_wf_step) or at a file's own.
 */
#ifndef RUNTIME_H
#define RUNTIME_H

#include <stddef.h>
#include <stdint.h>

#include "cv_err.h"

/*
 * The metadata_kind names of the family begin with these (the
 * reference's names, which workflows.md abbreviates "gbrd-" and
 * "gbrd-aad-").
 */
#define GBRD		"go-backend-rollback-drill-"
#define GBRD_AAD	GBRD "acknowledgement-audit-delivery-"

struct cv_route;
struct cv_wf_chain;
struct cv_wf_ctx;
struct json_object;

/* fcgi/runtime.c: the acknowledgement audit delivery chain (C1) */
extern const struct cv_route	rt_c1_routes[];
extern const size_t		rt_c1_nroutes;
extern const struct cv_wf_chain *const rt_c1_chain;
/* fcgi/runtime_alert.c: worker health alerts (C2) */
extern const struct cv_route	rt_alert_routes[];
extern const size_t		rt_alert_nroutes;
/* fcgi/runtime_c0.c: drill schedule, notifications, acknowledgements,
 * the umbrella history, dashboard, routes, trends, escalation plan and
 * the readiness reports */
extern const struct cv_route	rt_c0_routes[];
extern const size_t		rt_c0_nroutes;
/* fcgi/runtime_recovery.c: connector recovery and recovery escalations
 * (C3, C4) */
extern const struct cv_route	rt_recovery_routes[];
extern const size_t		rt_recovery_nroutes;
/* ... and, for the executive report, the retry recovery report at
 * ctx.now with the SLO in minutes (new in *report; fails with the
 * problem set) and the recovery escalation plan of such a report (new);
 * neither is stored. */
enum cv_err	 rt_recovery_report(struct cv_wf_ctx *, int64_t slo,
		    struct json_object **report);
struct json_object *rt_escalation_plan(struct cv_wf_ctx *,
		    struct json_object *report);
/* fcgi/runtime_exec.c: the recovery executive report and its delivery
 * loops (C5, C6) */
extern const struct cv_route	rt_exec_routes[];
extern const size_t		rt_exec_nroutes;
/* fcgi/runtime_final.c: final reporting (C7-C10) */
extern const struct cv_route	rt_final_routes[];
extern const size_t		rt_final_nroutes;
/* fcgi/runtime_closeout.c: the closeout end of final reporting: readiness
 * bundle, signed archive manifest, closeout summary and its delivery
 * (C9), retention review and artifact bundle, retention health (C10) */
extern const struct cv_route	rt_closeout_routes[];
extern const size_t		rt_closeout_nroutes;

#endif /* !RUNTIME_H */
