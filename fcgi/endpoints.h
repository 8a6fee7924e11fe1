/*
 * cavra-endpoints: the /endpoint-* release and endpoint governance
 * routes (workflows.md §9, §11), one route table per file, served
 * together by fcgi/endpoints.c.  Each table's rows point at the
 * workflow step handlers of lib/cv_wfstep.h or at a file's own.
 */
#ifndef ENDPOINTS_H
#define ENDPOINTS_H

#include <stddef.h>

#include "cv_err.h"

struct cv_arena;
struct cv_req;
struct cv_resp;
struct cv_route;
struct cv_wf_ctx;
struct json_object;

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

/*
 * Shared by the SLA (E1, E2) and recurrence (E3-E5) files, defined in
 * fcgi/endpoints_sla.c.
 */

/* A list route (the opt of a step whose build is ep_build_list): its
 * record kinds and connector delivery sources, and its filter.  admit()
 * sets *item to the record as listed (new reference), or NULL to leave
 * it out; fails (query of the wrong type) with the problem set. */
struct ep_list {
	const char *const	*kinds;
	const char *const	*srcs;
	enum cv_err		(*admit)(struct cv_wf_ctx *,
				    struct json_object *,
				    struct json_object **);
};

/* GET lists whose filters look inside records: the records admitted by
 * the step's struct ep_list, newest first, paged ({schema_version,
 * product, items, total, limit, offset}). */
enum cv_err	 ep_build_list(struct cv_wf_ctx *, struct json_object **);
/* The records of kinds and the RCDs of srcs (either may be NULL),
 * newest first, into *out (new).  Fails with the problem set. */
enum cv_err	 ep_load_set(struct cv_wf_ctx *, const char *const *kinds,
		    const char *const *srcs, struct json_object **out);
/* The payload of a stored record under key, else the record itself
 * (borrowed). */
struct json_object *ep_inner(struct json_object *rec, const char *key);
/* A shallow copy of r with key set to v (consumed); new. */
struct json_object *ep_copy_with(struct json_object *r, const char *key,
		    struct json_object *v);
/* Lower-cased and trimmed; arena. */
char		*ep_lower(struct cv_arena *, const char *);
/* The first n records of all (new array of shared references). */
struct json_object *ep_head(struct json_object *all, size_t n);
/* Sets map[key] to rec unless the record there is newer. */
void		 ep_latest_put(struct json_object *map, const char *key,
		    struct json_object *rec);
/* An acknowledgement step (cv_wf_h_ack) whose provider must be a
 * notification provider: 400 "provider must be one of: ..." otherwise. */
enum cv_err	 ep_provider_ack(struct cv_req *, struct cv_resp *);
/* A Slack message (title, text, fields: mrkdwn strings, consumed, and a
 * context line); a Teams MessageCard (facts consumed); new. */
struct json_object *ep_slack_card(const char *title, const char *text,
		    struct json_object *fields, const char *context);
struct json_object *ep_teams_card(const char *title, const char *text,
		    const char *color, struct json_object *facts);
/* Adds provider_payloads to event: webhook (the event and its provider),
 * slack, teams (consumed), jira and servicenow (id: the correlation). */
void		 ep_add_payloads(struct json_object *event,
		    struct json_object *slack, struct json_object *teams,
		    const char *title, const char *desc, const char *id,
		    const char *level);

#endif /* !ENDPOINTS_H */
