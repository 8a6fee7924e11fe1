/*
 * Workflow steps as route data (workflows.md §5): the handlers that the
 * go-pilot responder (cavra-runtime) and the endpoint/release governance
 * responders (cavra-endpoints, cavra-evidence) share.  A route row's
 * data is a struct cv_wf_step; its handler is one of the cv_wf_h_*
 * functions below.  Everything that differs between two routes of the
 * same step type is in the step (kinds, vocabularies, filters, options)
 * or in its builder callback.
 *
 * The request context (struct cv_wf_ctx) gives a builder the time, the
 * verified actor, the acting name, the evidence metadata store and a
 * queue of records that the handler stores in one transaction after the
 * builder returned (so a failing builder stores nothing).
 *
 * Builders return a new answer object; the handler adds "actor" (go
 * family steps) and answers 200.  A builder that fails has already set
 * the problem (cv_fail) and returns its error.
 */
#ifndef CV_WFSTEP_H
#define CV_WFSTEP_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "cv_err.h"
#include "cv_http.h"
#include "cv_workflow.h"

struct cv_actor;
struct cv_db;
struct cv_req;
struct cv_resp;
struct json_object;
struct cv_wf_ctx;
struct cv_wf_step;

/* Computes the answer of a step (new object in *answer). */
typedef enum cv_err (*cv_wf_build_fn)(struct cv_wf_ctx *,
		    struct json_object **answer);

/*
 * HEALTH of a chain at ctx.now with the request's thresholds (query of
 * a GET, body of a POST): a new health object in *health (health_id,
 * alert_level, alerts[], counts).  A chain whose health the reference
 * persists queues its record (cv_wf_keep) when ctx.persist.
 */
typedef enum cv_err (*cv_wf_health_fn)(struct cv_wf_ctx *,
		    struct json_object **health);

/*
 * What the worker health of a chain reads (the HEALTH steps over
 * st->reading): the request's thresholds, the chain's records newest
 * first and what they count.  The arrays and the two newest records
 * are the step's, valid while its document is built.
 */
struct cv_wf_reading {
	int64_t			 interval;	/* expected_interval_minutes
						   (default: the chain's) */
	int64_t			 stale;		/* stale_metadata_minutes */
	struct json_object	*runs;		/* worker runs */
	struct json_object	*plans;		/* retry plans */
	struct json_object	*execs;		/* execution records */
	struct json_object	*rcds;		/* every RCD */
	struct json_object	*run, *plan;	/* the newest, or NULL */
	int64_t			 run_age;	/* seconds since run's
						   created_at; -1: no run, not
						   a time, or ahead */
	int64_t			 plan_age;	/* ... of plan */
	int64_t			 retryable;	/* retryable_count of the plan
						   records */
	int64_t			 selected;	/* selected_retry_count of the
						   run records */
	int64_t			 dry, live;	/* runs whose dry_run is
						   true, false */
	int64_t			 disabled;	/* runs whose payload's
						   schedule was disabled */
	int64_t			 pending;	/* the gate's pending_count in
						   the runs' summaries */
	int64_t			 delivered;	/* executions delivered */
	int64_t			 failed;	/* executions failed or
						   skipped */
	int64_t			 failed_rcd;	/* failed RCDs of the chain's
						   source */
};

/*
 * The health document of reading r (new): the chain's members, alerts
 * and health_id, schema_version first.  counts: the decision, blocked
 * and approval counts of its stored record.
 */
typedef struct json_object *(*cv_wf_reading_fn)(struct cv_wf_ctx *,
		    const struct cv_wf_reading *r, int64_t counts[3]);

/* A chain's stored worker health (C3, C5): the record kind, its index
 * fields, the document, and whether a reading taken for an alert
 * delivery is stored too (C3) or only the HEALTH step's (C5). */
struct cv_wf_health {
	const struct cv_wf_kind	*kind;
	const char *const	*index;
	cv_wf_reading_fn	 doc;
	int			 keep_for_alerts;
};

/*
 * WORKER redelivery of one selected retry decision d: the parent record
 * found by the decision's chain keys (*parent new, or NULL with *skipped
 * set to "<parent>_not_found"), the event to send again (*event new) and
 * the linking fields merged into the RCD (*links new; the worker adds
 * retry_plan_id and worker_run_id).  May queue records of its own (C1
 * stores a fresh delivery plan).
 */
typedef enum cv_err (*cv_wf_redeliver_fn)(struct cv_wf_ctx *,
		    struct json_object *d, const char *run_id,
		    struct json_object **parent, struct json_object **event,
		    struct json_object **links, const char **skipped);

/*
 * The event to send again for parent (the payload of the stored parent
 * record) of retry decision d, with at most max items (the worker's
 * max_param), and the linking fields: *event and *links new.
 */
typedef enum cv_err (*cv_wf_event_fn)(struct cv_wf_ctx *,
		    struct json_object *d, struct json_object *parent,
		    int64_t max, struct json_object **event,
		    struct json_object **links);

/*
 * Adds a chain's own members to the decisions of a fresh retry plan,
 * before it is stored (E3: the routes of its recurrence plan that each
 * decision covers).  Fails with the problem set.
 */
typedef enum cv_err (*cv_wf_retry_extra_fn)(struct cv_wf_ctx *,
		    struct json_object *plan);

/* A chain's worker: its redelivery, whether a live run without a
 * connector config is a 400 (C4, C5, C6, C9) rather than recorded as
 * skipped (C1, C3, C7), the follow-up state field ("approval_state",
 * "acknowledgement_state", else "execution_state") and the execution
 * record's extra index fields. */
struct cv_wf_worker {
	cv_wf_redeliver_fn	 redeliver;	/* NULL: the stored parent's
						   event, as below */
	/* The redelivery of a stored parent: the record of kind parent
	 * whose id the decision's parent_field names (skipped `skip` when
	 * there is none), sent as event builds it.  max_param of the body
	 * (default max_default, clamped to 1..max_limit, 0: no upper
	 * bound) is read first, so that a wrong one is a 400 even then. */
	const struct cv_wf_kind	*parent;
	const char		*parent_field;
	const char		*skip;
	cv_wf_event_fn		 event;
	const char		*max_param;
	int64_t			 max_default;
	int64_t			 max_limit;
	int			 live_needs_config;
	const char		*state_field;
	const char *const	*exec_index;
	const char		*parent_ref;	/* public ref scheme of the
						   parent, over the first chain
						   key: "go-rollback-drill-
						   audit-delivery" (NULL: none) */
	const char		*gate_ref;	/* ... of the gate record:
						   "go-rollback-drill-retry-
						   approval" (NULL: none) */
};

/* How a list step matches one query parameter against a record. */
enum cv_wf_match {
	CV_WF_EQ = 0,		/* a field equals the value */
	CV_WF_NORM,		/* ... after cv_wf_norm() of both */
	CV_WF_HAS,		/* a field equals it or is an array holding
				   it */
	CV_WF_SUB,		/* a field contains it (substring) */
	CV_WF_BOOL,		/* a boolean field equals the boolean */
	CV_WF_MIN,		/* an integer field is >= the integer */
	CV_WF_NONZERO,		/* a boolean query: the field is a number
				   other than 0 or a non-empty array (true),
				   or not (false) */
};

/* A list filter: query parameter, match, the record fields tried in
 * order (any one matching admits the record; NULL ends). */
struct cv_wf_filter {
	const char		*param;
	enum cv_wf_match	 match;
	const char		*fields[5];
};

#define CV_WF_KINDS_MAX	24

/*
 * A route's step.  Fields a step type does not use stay zero.
 */
struct cv_wf_step {
	const struct cv_wf_chain *chain;	/* retry/worker/health steps */
	const struct cv_wf_alert *alert;	/* alert steps */
	const struct cv_wf_kind	*kind;		/* record written (PLAN, ACK)
						   or listed (HISTORY) */
	const char		*out_key;	/* answer key of the payload */
	const char		*schema;	/* answer schema_version */
	int			 actor;		/* 1: go family POST: verified
						   actor when OIDC or RBAC
						   is configured; it replaces
						   by_field */
	const char		*by_field;	/* acting-name field of the
						   body (NULL:
						   "generated_by") */
	cv_wf_build_fn		 build;		/* cv_wf_h_build */
	const void		*opt;		/* the builder's own options */

	/* RETRY_PLAN */
	cv_wf_retry_extra_fn	 retry_extra;	/* NULL: decisions as the
						   engine makes them */

	/* ACK / DECIDE */
	const struct cv_wf_vocab *vocab;
	const char		*parent_param;	/* path parameter */
	const char		*parent_kind;	/* kind the parent must have
						   (NULL: not checked) */
	const char		*parent_field;	/* parent matched on this
						   payload field among
						   parent_kind records (NULL:
						   the record id) */
	const char		*parent_what;	/* "retry plan": the 404 */
	const char		*by_alt;	/* also accepted for by_field */
	const char		*at_field;	/* "acknowledged_at" */
	int			 block_undone;	/* blocked_count 1 unless the
						   state is done */
	int			 keep_provider;	/* 0: provider required and
						   normalised (cv_wf_norm());
						   1: required, stored as
						   given; 2: no provider */
	const char *const	*extra;		/* optional body strings kept
						   ("" when absent) */
	const char *const	*index;		/* index fields of the record */

	/* HISTORY / DASHBOARD */
	const char *const	*kinds;		/* kinds listed (NULL: kind) */
	const char *const	*srcs;		/* RCD sources listed too */
	const struct cv_wf_filter *filters;	/* NULL-param ended */
	int			 clamp;		/* 1: limit clamped to 1..500
						   (release family) */
	int			 variant;	/* ALERT_DASHBOARD 1: the C6/C8
						   counts (delivery success and
						   failure, selected providers)
						   and no warning tier */

	/* HEALTH, ALERT_DELIVER */
	const char		*health_prefix;
	cv_wf_health_fn		 health;
	const struct cv_wf_health *reading;	/* stored health of chain
						   (cv_wf_health_read) */
	/* WORKER */
	const struct cv_wf_worker *worker;
};

/* The request context of a step handler. */
struct cv_wf_ctx {
	struct cv_req		*req;
	const struct cv_wf_step	*st;
	const struct cv_actor	*actor;		/* verified, or NULL */
	const char		*by;		/* acting name: the actor, else
						   the body's by_field, else
						   "console" */
	struct cv_db		*db;		/* the evidence store */
	char			 now[CV_WF_TS_LEN];	/* when, as stored */
	struct timespec		 ts;			/* when, exactly */
	time_t			 t;			/* ts.tv_sec */
	int			 persist;	/* 0: GET ?persist=false */
	struct json_object	*queue;		/* records to store */
};

/* ---- step handlers (route rows point at these) ---------------------- */

/* Any step whose work is a builder: actor check (st->actor), ctx, the
 * builder, then the queued records stored in one transaction (unless
 * ctx.persist is 0), then the answer (+ "actor" when st->actor). */
enum cv_err	 cv_wf_h_build(struct cv_req *, struct cv_resp *);
/* RETRY_PLAN over st->chain's failed deliveries (cv_wf_retry_keep()
 * with st->retry_extra); answers {<out_key> (default "retry_plan"),
 * metadata, actor}. */
enum cv_err	 cv_wf_h_retry_plan(struct cv_req *, struct cv_resp *);
/* ACK / DECIDE on the parent in the path (§5.2). */
enum cv_err	 cv_wf_h_ack(struct cv_req *, struct cv_resp *);
/* HISTORY: st->kinds (or st->kind) and RCDs of st->srcs, filtered by
 * st->filters, newest first, paged. */
enum cv_err	 cv_wf_h_history(struct cv_req *, struct cv_resp *);

/* ---- for builders --------------------------------------------------- */

/* Every record of kind, newest first (id ties), into *out (new). */
enum cv_err	 cv_wf_load(struct cv_wf_ctx *, const char *kind,
		    struct json_object **out);
/* The payload of stored record rec (borrowed): its object member key
 * (a kind's payload_key), else rec itself; NULL for NULL. */
struct json_object *cv_wf_payload(struct json_object *rec, const char *key);
/* As cv_wf_payload(), but NULL when rec has no object member key: for
 * a reader that must tell a record without its payload apart. */
struct json_object *cv_wf_payload_or_null(struct json_object *rec,
		    const char *key);
/* The record id of kind (NULL: any kind) into *out (new): CV_ENOENT,
 * with no problem set, when there is none. */
enum cv_err	 cv_wf_get(struct cv_wf_ctx *, const char *id,
		    const char *kind, struct json_object **out);
/* Queues rec (the reference is taken) to be stored after the builder;
 * a later record with the same id replaces an earlier one. */
void		 cv_wf_put(struct cv_wf_ctx *, struct json_object *rec);

/* Body members: absent -> the default (strings: NULL); another type ->
 * 400 naming the field. */
enum cv_err	 cv_wf_str(struct cv_wf_ctx *, const char *key,
		    const char **out);
enum cv_err	 cv_wf_int(struct cv_wf_ctx *, const char *key, int64_t dflt,
		    int64_t min, int64_t max, int64_t *out);
enum cv_err	 cv_wf_num(struct cv_wf_ctx *, const char *key, double dflt,
		    double min, double max, double *out);
enum cv_err	 cv_wf_bool(struct cv_wf_ctx *, const char *key, int dflt,
		    int *out);
enum cv_err	 cv_wf_obj(struct cv_wf_ctx *, const char *key,
		    struct json_object **out);	/* borrowed or NULL */
enum cv_err	 cv_wf_arr(struct cv_wf_ctx *, const char *key,
		    struct json_object **out);	/* borrowed or NULL */
/* A parameter read from the body of a POST and the query of a GET. */
enum cv_err	 cv_wf_param_int(struct cv_wf_ctx *, const char *key,
		    int64_t dflt, int64_t min, int64_t max, int64_t *out);
enum cv_err	 cv_wf_param_bool(struct cv_wf_ctx *, const char *key,
		    int dflt, int *out);
enum cv_err	 cv_wf_param_str(struct cv_wf_ctx *, const char *key,
		    const char **out);

/*
 * The retry plan of chain c (§5.2 RETRY_PLAN) over its failed
 * deliveries at ctx.now, under the body's retry_policy (absent: the
 * defaults), with extra's members added to its decisions (extra may be
 * NULL), queued as a record of c->retry: *plan new, *rec borrowed
 * (valid until the handler ends).  400 naming retry_policy for a policy
 * of the wrong type; fails with the problem set.  The RETRY_PLAN step
 * and the endpoint automation run (E3) both make their plans here.
 */
enum cv_err	 cv_wf_retry_keep(struct cv_wf_ctx *,
		    const struct cv_wf_chain *c, cv_wf_retry_extra_fn extra,
		    struct json_object **plan, struct json_object **rec);

/* 400 "connector config is not configured" unless one is. */
enum cv_err	 cv_wf_need_connector(struct cv_wf_ctx *);
/*
 * Delivers event to providers (comma list, or "all") with the body's
 * retries and timeout_seconds, builds the RCD record of source src with
 * the members of links (may be NULL) merged in and queues it.  *result
 * (new) is the connector result; *rcd (borrowed from the queue, valid
 * until the handler ends) the record.  CV_EINVAL with the problem set
 * when the connector refuses (no config, provider not configured).
 */
enum cv_err	 cv_wf_deliver(struct cv_wf_ctx *, struct json_object *event,
		    const char *providers, const char *src,
		    struct json_object *links, struct json_object **result,
		    struct json_object **rcd);

/*
 * The stored record of payload under kind k: cv_wf_record_new() with
 * ctx.now and ctx.by; queued, and returned borrowed.
 */
struct json_object *cv_wf_keep(struct cv_wf_ctx *, const struct cv_wf_kind *k,
		    struct json_object *payload, int64_t decisions,
		    int64_t blocked, int64_t approvals,
		    const char *const *index);

/* {key: payload, metadata: record} (references taken); new. */
struct json_object *cv_wf_answer(const char *key, struct json_object *payload,
		    struct json_object *record);

/* A new envelope {schema_version (when schema), product, generated_at}. */
struct json_object *cv_wf_doc(struct cv_wf_ctx *, const char *schema);

/* Comma-joined strings of an array; arena. */
const char	*cv_wf_joined(struct cv_arena *, struct json_object *arr);

/* "<prefix><sep>" and nhex hex digits of the SHA-256 of the canonical
 * JSON of material (sep '-' with 16 digits: go family; '_' with 12:
 * release family); arena.  *hash (if not NULL): all 64. */
const char	*cv_wf_id_n(struct cv_arena *, const char *prefix, char sep,
		    int nhex, struct json_object *material,
		    const char **hash);
/* As cv_wf_id_n() over a text ("a:b"). */
const char	*cv_wf_id_text_n(struct cv_arena *, const char *prefix,
		    char sep, int nhex, const char *text, const char **hash);

/* ---- run steps: worker, health, alerts (lib/wfstep_run.c) ----------- */

/*
 * WORKER (POST) of st->chain with st->worker (§5.2): dry run unless
 * execute=true (or dry_run=false); a fresh retry plan stored on every
 * call; its retry decisions selected (live: only those the chain's gate
 * admits), at most max_retry_deliveries (1..25, default 5); each
 * selected one redelivered through st->worker->redeliver when live and
 * configured, with its RCD; an execution record per selected decision
 * of a live run; the run stored.  Answers {run, metadata,
 * retry_metadata, retry_results, actor}.
 */
enum cv_err	 cv_wf_h_worker(struct cv_req *, struct cv_resp *);
/*
 * HEALTH (GET): st->health, or (NULL) cv_wf_health_worker; answers the
 * health object with schema_version st->schema and product.
 */
enum cv_err	 cv_wf_h_health(struct cv_req *, struct cv_resp *);
/*
 * HEALTH (GET) of a stored health: the reading of st->chain by
 * st->reading (cv_wf_health_read), its record queued (stored unless
 * persist=false).  Answers {health, metadata}.
 */
enum cv_err	 cv_wf_h_health_kept(struct cv_req *, struct cv_resp *);
/*
 * ALERT_DELIVER (POST) of st->alert (§5.2): 400 without a connector
 * config; the health from st->health with the body's thresholds; the
 * alert plan (provider "all", suppression_window_minutes 60, force)
 * stored; the event (max_alerts 1..100, default 20) delivered to the
 * selected providers with the RCD linked by health_id and plan_id.
 * Answers {health, plan, delivery, plan_metadata, metadata, success,
 * event_id, actor}.
 */
enum cv_err	 cv_wf_h_alert_deliver(struct cv_req *, struct cv_resp *);
/*
 * ALERT_DASHBOARD (GET) of st->alert (§12): plan, delivery, failed,
 * acknowledgement and outstanding counts (the ack-required providers of
 * the newest plan per health_id lacking an acknowledged or resolved
 * acknowledgement), suppressed providers, outstanding[:20],
 * latest[:10]; schema st->schema.  Writes nothing.
 */
enum cv_err	 cv_wf_h_alert_dashboard(struct cv_req *, struct cv_resp *);

/* The filters of an alert history (health_id, provider, metadata_kind,
 * acknowledgement_state, suppressed) for cv_wf_h_history rows. */
extern const struct cv_wf_filter cv_wf_alert_filters[];
/* Their query parameters as documented (with limit and offset). */
extern const struct cv_qparam cv_wf_alert_params[];
/* The index fields of alert plan records (APLAN-STD) and alert
 * acknowledgements (ACK-STD). */
extern const char *const cv_wf_alert_plan_index[];
extern const char *const cv_wf_alert_ack_index[];
/* The acknowledgement vocabulary of alert acknowledgements. */
extern const struct cv_wf_vocab cv_wf_alert_ack_vocab;

/*
 * A cv_wf_health_fn: the worker health of ctx->st->chain (its runs,
 * retry plans and failed RCDs; cv_wf_worker_health()) with
 * expected_interval_minutes and stale_metadata_minutes of the request
 * (defaults: the chain's), id prefix ctx->st->health_prefix.  Not
 * stored.
 */
enum cv_err	 cv_wf_health_worker(struct cv_wf_ctx *,
		    struct json_object **health);
/*
 * A cv_wf_health_fn: the stored health of ctx->st->chain by
 * ctx->st->reading.  Reads expected_interval_minutes and
 * stale_metadata_minutes of the request (1..CV_WF_MINUTES_MAX;
 * defaults: the chain's) and, on a GET, generated_by (it replaces the
 * acting name); loads the chain's runs, retry plans, execution records
 * and RCDs; counts them (struct cv_wf_reading); the document is
 * st->reading->doc's, queued as a record when keep_for_alerts.  Fails
 * with the problem set.
 */
enum cv_err	 cv_wf_health_read(struct cv_wf_ctx *,
		    struct json_object **health);
/* Adds the alert {severity, category, message} to the array alerts
 * when on. */
void		 cv_wf_alert_if(struct json_object *alerts, int on,
		    const char *severity, const char *category,
		    const char *message);
/* The alert event of health h under al (§5.2 ALERT_DELIVER) with at
 * most max of its alerts, without recommendations or plan: what a
 * redelivering worker sends again.  New reference. */
struct json_object *cv_wf_alert_event(struct cv_wf_ctx *,
		    const struct cv_wf_alert *al, struct json_object *h,
		    int64_t max);

#endif /* !CV_WFSTEP_H */
