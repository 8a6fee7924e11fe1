/*
 * cavra-endpoints: the /endpoint-* release and endpoint governance
 * routes (workflows.md §9, §11), one route table per file, served
 * together by fcgi/endpoints.c.  Each table's rows point at the
 * workflow step handlers of lib/cv_wfstep.h or at a file's own.
 */
#ifndef ENDPOINTS_H
#define ENDPOINTS_H

#include <stddef.h>

struct cv_route;

/* fcgi/endpoints_export.c: /endpoint-management-exports*,
 * /endpoint-management-publications* */
extern const struct cv_route	ep_export_routes[];
extern const size_t		ep_export_nroutes;
/* fcgi/endpoints_inventory.c: ingest, freshness, reconcile, automations,
 * remediations, hand-offs and statuses */
extern const struct cv_route	ep_inventory_routes[];
extern const size_t		ep_inventory_nroutes;
/* fcgi/endpoints_sla.c: SLA report, notifications (E1), escalations
 * (E2) and escalation actions */
extern const struct cv_route	ep_sla_routes[];
extern const size_t		ep_sla_nroutes;
/* fcgi/endpoints_recur.c: recurrence (E3), owner digest (E4), automation
 * runs, health and health alerts (E5) */
extern const struct cv_route	ep_recur_routes[];
extern const size_t		ep_recur_nroutes;

#endif /* !ENDPOINTS_H */
