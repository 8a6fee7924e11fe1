/*
 * Approval records (cavra.approval.v1, record-contracts.md 5): building
 * one from a decision, routing it to an approver group, changing its
 * state, and storing it in the approvals store (cv_store_approvals).
 * Used by cavra-approvals, and by the responders that open approvals of
 * their own (policy publish requests, rollout promotion requests) or
 * read them (AISPM).  A responder that calls cv_approval_put() or
 * cv_approval_get() lists &cv_store_approvals among its cv_app.stores.
 */
#ifndef CV_APPROVAL_H
#define CV_APPROVAL_H

#include "cv_err.h"

struct cv_actor;
struct cv_req;
struct json_object;

/* The five states, NULL-terminated. */
extern const char *const cv_approval_states[];

/* Reads CAVRA_APPROVAL_ROUTING_FILE (JSON or YAML: a list of rules, or an
 * object with approval_routing or routing_rules).  Its rules replace the
 * five built-in ones.  Logs one line and returns CV_EINVAL on a bad file
 * or a rule without approver_group.  Called once in the parent by a
 * responder's init(); calling it again re-reads. */
enum cv_err	 cv_approval_routing_init(void);
void		 cv_approval_routing_fini(void);

/* The approver group of a decision: the first routing rule that matches,
 * else decision.approver_group, else NULL.  Borrowed. */
const char	*cv_approval_route(struct json_object *decision);

/*
 * A new pending approval for `decision` (record-contracts.md 5.2):
 * apr_ id, approver group (explicit `group` when not NULL, else
 * cv_approval_route()), requested_by (default "ai-agent"), expires_at
 * now + max(1, ttl_hours) hours, history [requested], evidence_refs.
 * CV_EINVAL with the problem recorded on req ("decision must include
 * decision_id", "approval request must include approver_group", ...).
 * *out is a new reference.
 */
enum cv_err	 cv_approval_new(struct cv_req *, struct json_object *decision,
		    const char *group, const char *requested_by,
		    long long ttl_hours, struct json_object **out);

/* Moves a pending approval to `state` ("approved", "denied", "expired"
 * or "break_glass") by actor for reason, with an optional external
 * reference, adding decided_by/decided_at/decision_reason and a history
 * entry.  CV_EINVAL "only pending approvals can be changed" otherwise. */
enum cv_err	 cv_approval_decide(struct cv_req *, struct json_object *rec,
		    const char *state, const char *actor, const char *reason,
		    const char *external_ref);

/* The summary attached to decisions and publish results: approval_id,
 * decision_id, session_id, state, approver_group, requested_by,
 * requested_at, expires_at, decided_by, decided_at, external_ref,
 * break_glass, evidence_refs.  New reference. */
struct json_object *cv_approval_summary(struct json_object *rec);

/* Stores rec (upsert by approval_id) in the approvals store.  Store
 * errors are recorded on req. */
enum cv_err	 cv_approval_put(struct cv_req *, struct json_object *rec);
/* Reads approval `id`: *out a new reference; CV_ENOENT "approval not
 * found" recorded on req. */
enum cv_err	 cv_approval_get(struct cv_req *, const char *id,
		    struct json_object **out);

#endif /* !CV_APPROVAL_H */
