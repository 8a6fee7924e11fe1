/*
 * cavra-aispm internals: the builders of the /aispm answers
 * (aispm_build.c, aispm_draft.c), the packet validators
 * (aispm_validate.c) and the deterministic sample (aispm_sample.c), shared
 * with the route handlers (aispm.c) and the unit tests.
 *
 * A builder takes a set (the decisions and sessions of one request, most
 * recent first, as the store lists them) and returns new json-c objects
 * that the caller owns.  Builders neither read the store nor fail.
 */
#ifndef AISPM_H
#define AISPM_H

#include <stddef.h>
#include <stdint.h>

#include "cv_aispm.h"
#include "cv_limits.h"

struct cv_arena;
struct json_object;

struct aispm_set {
	struct cv_arena		*a;
	struct cv_aispm_dec	*dec;		/* ndec, store order */
	size_t			 ndec;
	struct cv_aispm_sess	*sess;		/* nsess, store order */
	size_t			 nsess;
	const char		*now;		/* generated_at */
	int64_t			 now_us;	/* the same, in microseconds */
	const char		*version;	/* policy draft version,
						   "YYYY.MM.DD" */
};

#define AISPM_LOCKED		"requires_cavra_enterprise"
#define AISPM_PACKAGE		"cavra_enterprise"
#define AISPM_LIMIT_DEFAULT	CV_AISPM_WINDOW_DEFAULT
#define AISPM_FACTS_MAX		CV_AISPM_FACTS_MAX
#define AISPM_REFS_MAX		CV_AISPM_REFS_MAX

/* Reads records (arrays of json objects, borrowed) into set s. */
void	 aispm_set_init(struct aispm_set *, struct cv_arena *,
	    struct json_object *decisions, struct json_object *sessions,
	    const char *now);

/* The posture pieces, as GET /aispm/posture embeds them.  Those with a
 * summary set *summary (new object) when summary is not NULL. */
struct json_object *aispm_overview(const struct aispm_set *);
struct json_object *aispm_agents(const struct aispm_set *);
struct json_object *aispm_findings(const struct aispm_set *);
struct json_object *aispm_timeline(const struct aispm_set *);
struct json_object *aispm_coverage(const struct aispm_set *);
struct json_object *aispm_near_misses(const struct aispm_set *);
struct json_object *aispm_fingerprints(const struct aispm_set *,
	    struct json_object **summary);
struct json_object *aispm_context_gaps(const struct aispm_set *,
	    struct json_object **summary);
struct json_object *aispm_forecasts(const struct aispm_set *,
	    struct json_object **summary);
struct json_object *aispm_drift(const struct aispm_set *,
	    struct json_object **summary);
/* {nodes, edges, hotspots} */
struct json_object *aispm_tool_chain(const struct aispm_set *,
	    struct json_object **summary);
struct json_object *aispm_blast_radius(const struct aispm_set *,
	    struct json_object **summary);
/* {surfaces, rows, top_gaps, coverage_score} */
struct json_object *aispm_heatmap(const struct aispm_set *,
	    struct json_object **summary);
/* {summary, facts} */
struct json_object *aispm_confidence(const struct aispm_set *);
/* {slo_policy, summary, items} */
struct json_object *aispm_freshness(const struct aispm_set *);
/* The narrative from the other pieces (borrowed). */
struct json_object *aispm_narrative(const struct aispm_set *,
	    struct json_object *findings, struct json_object *overview,
	    struct json_object *freshness);
struct json_object *aispm_control_plane(const struct aispm_set *);
/* Summary-level evidence confidence of the set's decisions. */
const char	*aispm_set_confidence(const struct aispm_set *);

/* {summary, recommendations, policy_draft, write_back, operator_notes}
 * for source scope `scope` (aispm_draft.c). */
struct json_object *aispm_draft(const struct aispm_set *, const char *scope);
/* The test fixture of a draft (borrowed): {schema_version, policy_id,
 * source_scope, case_count, cases, validation}. */
struct json_object *aispm_test_fixture(struct cv_arena *,
	    struct json_object *draft, const char *scope);

/* The trace replay of session_id: {session, summary, steps,
 * evidence_refs}; sess is its stored record or NULL. */
struct json_object *aispm_trace(const struct aispm_set *,
	    const char *session_id, const struct cv_aispm_sess *sess);

/* One approval lineage item of approval record apr (borrowed) and its
 * stored decision (or NULL). */
struct json_object *aispm_lineage_item(struct cv_arena *,
	    struct json_object *apr, struct json_object *decision);

/* The envelope every packet starts with: schema_version, product,
 * edition, mode, data_provenance, tracking, telemetry, generated_at. */
struct json_object *aispm_envelope(const char *schema_version,
	    const char *mode, const char *provenance, const char *now);

/* The whole posture packet of a set (GET /aispm/posture and the sample):
 * mode, data provenance, filters (consumed), approval lineage (consumed;
 * NULL: []) and the draft's source scope. */
struct json_object *aispm_posture(const struct aispm_set *, const char *mode,
	    const char *provenance, struct json_object *filters,
	    struct json_object *lineage, const char *scope);

/* Adds {"redaction": {key: LOCKED, ...}} (keys NULL-terminated) to o. */
void	 aispm_redaction(struct json_object *o, const char *const *keys);

/* The 17 capabilities the Community edition names and never serves
 * ({status, capabilities, private_package}); the contract. */
struct json_object *aispm_enterprise_boundary(void);
struct json_object *aispm_contract(void);

/* The deterministic sample dashboard (aispm_sample.c).  New object. */
struct json_object *aispm_sample(struct cv_arena *);

/*
 * The validators (aispm_validate.c): the {path, message} errors of a
 * review packet or CI gate readiness packet, in order (schema, then
 * meaning), as a new array (empty when the packet is valid).
 */
struct json_object *aispm_check_review_packet(struct cv_arena *,
	    struct json_object *packet);
struct json_object *aispm_check_ci_gate(struct cv_arena *,
	    struct json_object *packet);

/*
 * GET /risk/events and GET /compliance/mappings (aispm_risk.c): the
 * handlers, the query parameters of the first and the JSON Schemas of
 * their 200 answers.
 */
struct cv_req;
struct cv_resp;
struct cv_qparam;
enum cv_err	 aispm_risk_events(struct cv_req *, struct cv_resp *);
enum cv_err	 aispm_compliance(struct cv_req *, struct cv_resp *);
extern const struct cv_qparam aispm_risk_params[];
extern const char aispm_schema_risk_events[];
extern const char aispm_schema_compliance[];

#endif /* !AISPM_H */
