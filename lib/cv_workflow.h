/*
 * The governance workflow engine (workflows.md §5): the go-pilot
 * rollback-drill family is a dozen step types applied to chains that
 * differ only in data.  A chain (struct cv_wf_chain) names its record
 * kinds, id prefixes, payload keys, the connector delivery source of its
 * deliveries, the keys that group failed deliveries for a retry, its
 * worker gate, default intervals and thresholds and state vocabularies.
 * Each step type is one function here, pure over JSON records, so the
 * responder (fcgi/runtime.c) only loads records, calls a step and stores
 * what it returns.
 *
 * Every record is an evidence metadata record (cv_store_evidence):
 * session_id is its own id, created_at, signer, the three counts,
 * metadata_kind, promoted index fields and the full payload under one
 * key.  Ids are content addressed: "<prefix>-" and the first 16 hex
 * digits of the SHA-256 of the canonical JSON of a small material object
 * (§3.1).  Timestamps are ISO 8601 UTC with microseconds and "+00:00",
 * always in that one shape, so that string order is time order.
 *
 * Functions returning a json_object return a new reference the caller
 * puts; strings come from the arena.
 */
#ifndef CV_WORKFLOW_H
#define CV_WORKFLOW_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "cv_err.h"
#include "cv_limits.h"

struct cv_arena;
struct json_object;

#define CV_WF_KEYS_MAX		4	/* grouping keys of a chain */
#define CV_WF_TS_LEN		40	/* a workflow timestamp */
#define CV_WF_ID_HEX		16	/* hex digits of a content id */

/* The connector delivery record kind (record-contracts.md 3.4). */
#define CV_WF_RCD_KIND		"release-connector-delivery"

/* A state vocabulary: the allowed words, the default, and those that
 * count as done. */
struct cv_wf_vocab {
	const char		*field;		/* "acknowledgement_state" */
	const char *const	*allowed;	/* NULL-terminated */
	const char		*dflt;
	const char *const	*done;		/* NULL-terminated */
};

/* A grouping key of failed deliveries: the RCD field, else the
 * fallbacks in order ("event_id", "session_id"). */
struct cv_wf_key {
	const char	*field;
	const char	*alt[2];
};

/* A worker gate: a live run keeps only retry decisions for which a
 * record of `kind` exists whose `state_field` is one of `states` and
 * whose fields `keys` equal the decision's. */
struct cv_wf_gate {
	const char		*kind;
	const char		*state_field;
	const char *const	*states;
	const char *const	*keys;		/* NULL-terminated */
	const char		*id_field;	/* gate record id, kept on the
						   execution */
	const char		*row_state;	/* follow-up state field:
						   "approval_state" */
	const char		*ok_word;	/* "approved" */
	const char		*missing_word;	/* "approval_required" */
	const char		*pending_count;	/* "approval_pending_count" */
};

/* A record kind a chain writes: kind, id field, id prefix, payload key,
 * payload schema_version. */
struct cv_wf_kind {
	const char	*kind;
	const char	*id_field;
	const char	*prefix;
	const char	*payload_key;
	const char	*schema;
};

/* One delivery loop (§6). */
struct cv_wf_chain {
	const char		*name;		/* "C1" */
	const char		*src;		/* RCD connector_delivery_source */
	struct cv_wf_key	 keys[CV_WF_KEYS_MAX];	/* field NULL ends */
	struct cv_wf_kind	 retry;		/* retry plan */
	struct cv_wf_kind	 worker;	/* worker run */
	struct cv_wf_kind	 exec;		/* execution record */
	const struct cv_wf_gate	*gate;		/* NULL: none */
	int			 retry_delay;	/* default minutes */
	int			 worker_interval;	/* default minutes */
	int			 health_interval;	/* expected minutes */
	int			 health_stale;	/* stale metadata minutes */
	const char		*exec_ref;	/* public ref scheme of a run:
						   "go-rollback-drill-retry-
						   worker" */
};

/* An alert chain (health -> alert plan -> delivery -> acks). */
struct cv_wf_alert {
	const char		*name;		/* "C2" */
	const char		*src;
	struct cv_wf_kind	 plan;
	struct cv_wf_kind	 ack;
	const char		*health_prefix;
	const char		*event_type;
	const char		*event_schema;
};

/* A time as the workflow writes it, into buf (CV_WF_TS_LEN). */
void		 cv_wf_ts(char *buf, size_t len, time_t sec, long usec);
/* Parses a workflow (or any ISO 8601 "YYYY-MM-DDTHH:MM:SS[.frac][Z|
 * +00:00]") time; -1 when it is not one. */
int		 cv_wf_ts_parse(const char *, time_t *);

/* "<prefix>-" and CV_WF_ID_HEX hex digits of the SHA-256 of the
 * canonical JSON of material; arena.  *hash (if not NULL): all 64. */
const char	*cv_wf_id(struct cv_arena *, const char *prefix,
		    struct json_object *material, const char **hash);
/* As cv_wf_id() over a text ("a|b|c"). */
const char	*cv_wf_id_text(struct cv_arena *, const char *prefix,
		    const char *text);

/* Lower-cased, trimmed, '-' as '_' (§3.2); arena. */
char		*cv_wf_norm(struct cv_arena *, const char *);

/* The state word of `given` (NULL or empty: the default) after
 * normalisation, into *out.  CV_EINVAL with err "<field> must be one of:
 * a, b, c" when it is not allowed. */
enum cv_err	 cv_wf_state(struct cv_arena *, const struct cv_wf_vocab *,
		    const char *given, const char **out, char *err,
		    size_t errlen);
/* 1 when word counts as done in v. */
int		 cv_wf_done(const struct cv_wf_vocab *, const char *word);

/*
 * The metadata record of a payload: session_id = id, created_at, signer,
 * decision_count, blocked_count, approval_required_count (counts[3]),
 * metadata_kind = k->kind, the index fields named in `index` copied from
 * the payload (NULL-terminated; absent ones skipped) and the payload
 * under k->payload_key (a new reference is taken).
 */
struct json_object *cv_wf_record_new(const struct cv_wf_kind *k,
		    struct json_object *payload, const char *created_at,
		    const char *signer, const int64_t counts[3],
		    const char *const *index);

/* The RCD record of a connector delivery result for source src
 * (record-contracts.md 3.4), id "rcd-<slug>-<12 hex>".  New. */
struct json_object *cv_wf_rcd_new(struct cv_arena *,
		    struct json_object *result, const char *src);

/* The retry policy of a body (§5.2 RETRY_PLAN). */
struct cv_wf_policy {
	int	 max_attempts;		/* >= 1 */
	int	 allow_immediate;
	double	 delay;			/* base minutes */
	double	 multiplier;		/* >= 1 */
};
/* Reads policy (may be NULL) with the chain's default delay.  CV_EINVAL
 * with err for a value of the wrong type. */
enum cv_err	 cv_wf_policy_read(const struct cv_wf_chain *,
		    struct json_object *policy, struct cv_wf_policy *,
		    char *err, size_t errlen);

/*
 * RETRY_PLAN: the plan over `rcds` (every RCD, newest first; those of
 * other sources and successful ones are skipped) at time now: failures
 * grouped by the chain keys and provider, each group's action retry,
 * wait or suppress with its back-off.  New object (the plan payload).
 */
struct json_object *cv_wf_retry_plan(struct cv_arena *,
		    const struct cv_wf_chain *, struct json_object *rcds,
		    const struct cv_wf_policy *, struct timespec now,
		    const char *generated_by);

/* The schedule window of a worker pass (§5.2 WORKER). */
void		 cv_wf_window(time_t now, int interval, time_t *start,
		    time_t *end);

/*
 * WORKER selection: the plan's retry decisions kept by the gate (when
 * live and the chain has one: `gates` holds the gate kind's records),
 * at most max; follow_up_actions for every decision.  *selected and
 * *follow are new arrays (decisions are shared references); *pending =
 * retry decisions the gate held back.
 */
void		 cv_wf_select(const struct cv_wf_chain *,
		    struct json_object *plan, struct json_object *gates,
		    int dry_run, int max, struct json_object **selected,
		    struct json_object **follow, int *pending);
/* The gate record (borrowed) that admits decision d, or NULL. */
struct json_object *cv_wf_gate_match(const struct cv_wf_gate *,
		    struct json_object *gates, struct json_object *d);

/* A worker health reading: counts and alerts (§5.2 HEALTH, §10.5 C1). */
struct json_object *cv_wf_worker_health(struct cv_arena *,
		    const struct cv_wf_chain *, const char *health_prefix,
		    struct json_object *runs, struct json_object *plans,
		    struct json_object *rcds, int interval, int stale,
		    struct timespec now);

/*
 * ALERT plan: providers eligible (configured `available`, else
 * webhook; narrowed by `requested` unless "all"), suppressed when an RCD
 * of the alert source with event_id == health_id is younger than
 * `window` minutes (unless force), selected = the rest, none when the
 * health is healthy.  New object.
 */
struct json_object *cv_wf_alert_plan(struct cv_arena *,
		    const struct cv_wf_alert *, struct json_object *health,
		    struct json_object *rcds, const char *const *available,
		    const char *requested, int window, int force,
		    struct timespec now, const char *generated_by);

/* Severity from alerts: critical, warning or healthy. */
const char	*cv_wf_alert_level(struct json_object *alerts);

#endif /* !CV_WORKFLOW_H */
