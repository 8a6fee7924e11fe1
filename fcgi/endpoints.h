/*
 * cavra-endpoints: the /endpoint-* release and endpoint governance
 * routes (workflows.md §9, §11), one route table per file, served
 * together by fcgi/endpoints.c.  Each table's rows point at the
 * workflow step handlers of lib/cv_wfstep.h or at a file's own.
 */
#ifndef ENDPOINTS_H
#define ENDPOINTS_H

#include <stddef.h>
#include <stdint.h>

#include "cv_err.h"

struct cv_arena;
struct cv_req;
struct cv_resp;
struct cv_route;
struct cv_wf_ctx;
struct cv_wf_kind;
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
/*
 * Policy routing of an alert plan (§11.7 E1, §11.9 E5): the body's
 * routing_policy names rules; the rules that match the subject (an SLA
 * report, an automation health) give the eligible providers, else the
 * policy's default_providers, else the configured notification
 * providers, else the defaults of the subject's alert level.  A
 * provider that was sent the same subject within the suppression window
 * is suppressed.  What differs between E1 and E5 is data: struct
 * ep_routing.
 */

/* The notification providers as a set: bits over their names in name
 * order (jira, servicenow, slack, teams, webhook). */
#define EP_P_JIRA	0x01u
#define EP_P_SERVICENOW	0x02u
#define EP_P_SLACK	0x04u
#define EP_P_TEAMS	0x08u
#define EP_P_WEBHOOK	0x10u

/* How a rule member matches a member of the subject. */
enum ep_match_how {
	EP_MATCH_ONE = 0,	/* the subject's string is in the rule's list
				   (an empty list matches any) */
	EP_MATCH_SOME,		/* the subject's array shares a word with the
				   rule's list (an empty list matches any) */
	EP_MATCH_SOME_IF,	/* ... unless the subject's array is empty */
	EP_MATCH_MIN,		/* the subject's integer is at least the rule's
				   (absent: 0) */
};

/* The alert levels a rule's alert_levels may list. */
extern const char *const ep_alert_levels[];
#define EP_ALERT_LEVEL_WORDS	"critical, warning, healthy"

/* One matcher of a rule: the rule member (and its other name), how it
 * matches which subject member, and the words its list may hold (NULL:
 * any string; "words" as the 400 lists them). */
struct ep_match {
	const char		*key;
	const char		*alt;
	enum ep_match_how	 how;
	const char		*field;
	const char *const	*allowed;
	const char		*words;
};

/* A routing: the policy members that may hold the rules (the first
 * non-empty one is read), the matchers (key NULL ends), the default
 * providers of a critical subject and of any other, whether a healthy
 * subject selects nobody, the connector delivery source whose earlier
 * deliveries of the subject suppress, the subject's id member, and the
 * plan record (kind, index fields, controls). */
struct ep_routing {
	const char *const	*rule_keys;
	const struct ep_match	*match;
	unsigned		 critical;
	unsigned		 other;
	int			 quiet_healthy;
	const char		*src;
	const char		*id_field;
	const struct cv_wf_kind	*plan;
	const char *const	*index;
	const char *const	*controls;
};

/* What a routed delivery reads from the body. */
struct ep_route_in {
	struct json_object	*policy;	/* routing_policy (borrowed),
						   or NULL */
	const char		*requested;	/* provider: "all" or a comma
						   list */
	int			 force;		/* no duplicate suppression */
	int			 have_window;
	int64_t			 window;	/* suppression_window_minutes */
};

/*
 * Reads routing_policy, provider, force and suppression_window_minutes
 * from the body and checks the policy against rt: 400 naming the member
 * (and listing the allowed words) for one that does not fit.
 */
enum cv_err	 ep_route_read(struct cv_wf_ctx *, const struct ep_routing *rt,
		    struct ep_route_in *in);
/*
 * The routed plan of subject (its id in rt->id_field, alert_level and
 * the members rt's matchers read; borrowed) with the members of extra
 * (consumed, may be NULL) after its alert_level, stored with the
 * suppressed providers' names and count; added to event (borrowed)
 * under the plan's payload key; event delivered to the selected
 * providers (none: nothing sent) with the subject id and plan_id linked
 * into the RCD.  *answer (new): {plan, delivery, plan_metadata,
 * metadata, success, event_id}.  Fails with the problem set (the
 * connector refusing a provider that is not configured).
 */
enum cv_err	 ep_route_deliver(struct cv_wf_ctx *,
		    const struct ep_routing *rt, const struct ep_route_in *in,
		    struct json_object *subject, struct json_object *extra,
		    struct json_object *event, struct json_object **answer);

/* "Critical" from "critical" ("Unknown" from ""); arena. */
const char	*ep_title_case(struct cv_arena *, const char *);
/* Adds provider_payloads to event: webhook (the event and its provider),
 * slack, teams (consumed), jira and servicenow (id: the correlation). */
void		 ep_add_payloads(struct json_object *event,
		    struct json_object *slack, struct json_object *teams,
		    const char *title, const char *desc, const char *id,
		    const char *level);

#endif /* !ENDPOINTS_H */
