/*
 * The Go pilot's reports built from the environment and the files it
 * names (workflows.md §10.1, record-contracts.md 9.3): the rollback
 * drill history, the rollback drill schedule and the promotion and
 * rollback gates.  Shared by cavra-runtime (fcgi/runtime_c0.c) and
 * cavra-console (GET /deployment/production-readiness): one
 * implementation, linked into both.
 *
 * Every function returns a new object the caller puts; strings of it
 * may come from the arena.  The files are read on every call (drills
 * are recorded while the responders run): a missing or broken file is
 * a failed check of the report, never an error of the request.
 */
#ifndef GO_PILOT_H
#define GO_PILOT_H

#include <time.h>

struct cv_arena;
struct json_object;

/* CAVRA_GO_BACKEND_MODE: disabled, shadow, enforce or promoted (any
 * other value, or none: disabled). */
const char	*go_mode(void);

/* GET /runtime/go-pilot/rollback-drills: cavra.go-backend-pilot.
 * rollback-drill-history.v1 at now. */
struct json_object *go_history_report(struct cv_arena *, time_t now);

/* GET /runtime/go-pilot/rollback-drill-schedule: cavra.go-backend-pilot.
 * rollback-drill-schedule.v1 at now, with the history it derives the
 * next due date from; status not_requested, due_soon, ready or
 * needs_attention. */
struct json_object *go_schedule_report(struct cv_arena *, time_t now);

/*
 * The promotion ("promotion-readiness") or rollback
 * ("rollback-readiness") gate: not_requested unless the mode is
 * promoted or its evidence file (CAVRA_GO_PROMOTION_EVIDENCE,
 * CAVRA_GO_ROLLBACK_PLAN) is set; this build does not verify that
 * evidence, so a requested gate is needs_attention with a check
 * saying so.
 */
struct json_object *go_gate_report(const char *name);

#endif /* !GO_PILOT_H */
