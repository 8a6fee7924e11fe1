/*
 * AI security posture (AISPM): the classifiers and scores that every
 * /aispm builder shares, over stored decision and session records.
 *
 * A decision is read once into a struct cv_aispm_dec (cv_aispm_dec_read()):
 * its fields as strings (raw, NULL when absent or null), its control
 * surface, risk class, safe target summary and normalised evidence
 * references.  The builders (fcgi/aispm_build.c) group and count these
 * views; they never look at a record's fields again.
 *
 * Rules, in short (the reference's, re-derived here once):
 *  - control surface: the first of sensitive data, infrastructure/IaC, MCP
 *    and tools, source control, runtime commands, general policy whose
 *    words appear (case-insensitive) in the action type, target or rule id;
 *  - risk class: the same idea with slightly different words;
 *  - posture: 100 minus the decision weights of every decision and the
 *    severity weights of every finding, clamped to 0..100, banded at 85,
 *    65 and 40;
 *  - coverage of a set of decisions: enforced (a block), approval gated,
 *    warning only, attested, observed, or not observed locally;
 *  - evidence confidence: signed, activity references, sample references,
 *    metadata only.
 *
 * Public safety.  A target naming a secret, a .env file, a token, a
 * credential, a password or a private key (or a decision whose rule id
 * names a credential) is never shown: its summary is the fixed text
 * "sensitive target redacted".  A target over 120 characters is cut.
 * Free text that may quote a target (reasons, declared intent) goes
 * through cv_aispm_redact_text().  Human actors become role labels
 * (cv_aispm_actor_label()).  Nothing is hashed.
 *
 * Strings returned are static, borrowed from the record, or in the
 * arena passed; nothing here allocates outside the arena except where a
 * function's name says _new.
 */
#ifndef CV_AISPM_H
#define CV_AISPM_H

#include <stddef.h>
#include <stdint.h>

#include "cv_limits.h"

struct cv_arena;
struct json_object;

/* Control surfaces, in catalogue order (coverage, heatmap). */
enum cv_aispm_surface {
	CV_SURF_SENSITIVE = 0,	/* sensitive_data */
	CV_SURF_INFRA,		/* infrastructure_iac */
	CV_SURF_MCP,		/* mcp_tools */
	CV_SURF_SCM,		/* source_control */
	CV_SURF_RUNTIME,	/* runtime_commands */
	CV_SURF_GENERAL,	/* general_policy */
	CV_SURF__MAX
};

struct cv_aispm_surface_info {
	const char	*id;
	const char	*label;
	const char	*description;
};

extern const struct cv_aispm_surface_info cv_aispm_surfaces[CV_SURF__MAX];

/* Risk classes of a decision. */
enum cv_aispm_risk {
	CV_RISK_SENSITIVE = 0,	/* credential_or_sensitive_data_exposure */
	CV_RISK_INFRA,		/* infrastructure_change_risk */
	CV_RISK_TOOL,		/* tool_or_mcp_governance_risk */
	CV_RISK_SCM,		/* source_control_risk */
	CV_RISK_RUNTIME,	/* runtime_command_risk */
	CV_RISK_POLICY,		/* policy_violation */
	CV_RISK__MAX
};

const char	*cv_aispm_risk_name(enum cv_aispm_risk);

/* The decision values a store holds, and one for anything else. */
enum cv_aispm_outcome {
	CV_OUT_ALLOW = 0,
	CV_OUT_BLOCK,
	CV_OUT_APPROVAL,	/* require_approval */
	CV_OUT_WARN,
	CV_OUT_AUDIT,		/* audit_only */
	CV_OUT_ATTEST,		/* allow_with_attestation */
	CV_OUT_OTHER,		/* absent or unknown */
	CV_OUT__MAX
};

enum cv_aispm_severity {
	CV_SEV_CRITICAL = 0,
	CV_SEV_HIGH,
	CV_SEV_MEDIUM,
	CV_SEV_LOW,
	CV_SEV_OTHER,		/* not one of the four (absent is low) */
	CV_SEV__MAX
};

enum cv_aispm_outcome	 cv_aispm_outcome(const char *decision);
enum cv_aispm_severity	 cv_aispm_severity(const char *severity);

/* The classifiers over (action_type, target, rule_id); NULL reads as "". */
enum cv_aispm_surface	 cv_aispm_surface(const char *action_type,
			    const char *target, const char *rule_id);
enum cv_aispm_risk	 cv_aispm_risk(const char *action_type,
			    const char *target, const char *rule_id);

/* What may be shown of a target. */
struct cv_aispm_target {
	const char	*summary;	/* the target, "target not recorded",
					   "sensitive target redacted" or the
					   first 117 characters and "..." */
	int		 redacted;	/* summary is not the whole target */
	const char	*mark;		/* the sensitive word that hid it
					   ("token"), "credential" for the
					   rule id, or NULL */
};

/* The summary of target (or, when empty, requested_operation) decided
 * by rule_id.  Strings borrowed or in the arena. */
void		 cv_aispm_target(struct cv_arena *, const char *target,
		    const char *requested_operation, const char *rule_id,
		    struct cv_aispm_target *);
#define CV_AISPM_REDACTED	"sensitive target redacted"
#define CV_AISPM_NO_TARGET	"target not recorded"

/*
 * Free text with what may quote a secret taken out (arena, or text
 * itself when nothing was): every occurrence of `target` when the target
 * is sensitive (t->mark set), each word that names a secret, token,
 * credential, password or private key together with a path, assignment
 * or separator character ("API_TOKEN=x", "config/.env"), and the word
 * after "Bearer".  Each becomes "[redacted]".  NULL gives NULL.
 */
const char	*cv_aispm_redact_text(struct cv_arena *, const char *text,
		    const char *target, const struct cv_aispm_target *t);

/* Weights: by severity (critical 30, high 18, medium 9, low 3; -1 for
 * another value) and by decision (block 16, require_approval 10, warn 5,
 * audit_only 2, allow_with_attestation 1, allow and others 0). */
int		 cv_aispm_severity_weight(enum cv_aispm_severity);
int		 cv_aispm_outcome_weight(enum cv_aispm_outcome);

/* A finding: block, require_approval or warn, or critical/high.  A near
 * miss: warn, require_approval or allow_with_attestation, or
 * critical/high, but never a block. */
int		 cv_aispm_is_finding(enum cv_aispm_outcome,
		    enum cv_aispm_severity);
int		 cv_aispm_is_near_miss(enum cv_aispm_outcome,
		    enum cv_aispm_severity);

/* The posture score of a penalty (100 - penalty, clamped to 0..100) and
 * its risk level: low (>= 85), medium (>= 65), high (>= 40), critical. */
int		 cv_aispm_posture_score(int64_t penalty);
const char	*cv_aispm_risk_level(int score);

/* Counts over a set of decisions. */
struct cv_aispm_tally {
	size_t	 n;
	size_t	 out[CV_OUT__MAX];
	size_t	 sev[CV_SEV__MAX];
	size_t	 refs;		/* evidence references, all decisions */
	size_t	 signed_refs;	/* of them, signed by the summary rule */
};

struct cv_aispm_dec;
void		 cv_aispm_tally_add(struct cv_aispm_tally *,
		    const struct cv_aispm_dec *);

/* Coverage of a set of decisions and its heat score. */
enum cv_aispm_coverage {
	CV_COV_NONE = 0,	/* not_observed_locally (0) */
	CV_COV_ENFORCED,	/* enforced (100) */
	CV_COV_APPROVAL,	/* approval_gated (82) */
	CV_COV_WARNING,		/* warning_only (38) */
	CV_COV_ATTESTED,	/* attested (72) */
	CV_COV_OBSERVED,	/* observed (58) */
	CV_COV__MAX
};

enum cv_aispm_coverage	 cv_aispm_coverage(const struct cv_aispm_tally *);
const char	*cv_aispm_coverage_name(enum cv_aispm_coverage);
int		 cv_aispm_coverage_score(enum cv_aispm_coverage);

/* Evidence confidence of a set of decisions: sample_or_empty (none),
 * signed_evidence (a reference starting "signed://" or holding
 * "signature", case-sensitive), activity_evidence_refs (any reference),
 * activity_metadata_only. */
const char	*cv_aispm_confidence(const struct cv_aispm_tally *);

/* Evidence confidence of one fact (a decision or session) by its
 * references, with its score. */
enum cv_aispm_level {
	CV_LVL_SIGNED = 0,	/* signed_evidence (100) */
	CV_LVL_ACTIVITY,	/* activity_evidence_refs (74) */
	CV_LVL_SAMPLE,		/* sample_evidence_refs (45) */
	CV_LVL_METADATA,	/* activity_metadata_only (28) */
	CV_LVL_MISSING,		/* missing_evidence (0): never produced */
	CV_LVL_NONE,		/* no_local_activity (0) */
	CV_LVL__MAX
};

enum cv_aispm_level	 cv_aispm_level(const char *const *refs, size_t n);
const char	*cv_aispm_level_name(enum cv_aispm_level);
int		 cv_aispm_level_score(enum cv_aispm_level);
/* A reference that counts as signed for a fact: starts "signed://", or
 * holds "signature" or "sigstore", or ends ".sig" (any case). */
int		 cv_aispm_ref_signed(const char *);

/* A stored decision as the builders see it. */
struct cv_aispm_dec {
	struct json_object	*rec;		/* borrowed */
	/* Fields as strings (a non-string scalar or object as its JSON
	 * text), NULL when absent or null. */
	const char		*decision_id;
	const char		*session_id;
	const char		*agent_id;
	const char		*actor;
	const char		*repository;
	const char		*policy_pack;
	const char		*rule_id;
	const char		*action_type;
	const char		*target;
	const char		*requested_operation;
	const char		*decision;
	const char		*severity;
	const char		*reason;
	const char		*timestamp;
	enum cv_aispm_outcome	 outcome;
	enum cv_aispm_severity	 sev;		/* absent: low */
	enum cv_aispm_surface	 surface;
	enum cv_aispm_risk	 risk;
	struct cv_aispm_target	 tgt;
	const char *const	*refs;		/* normalised: strings, no
						   empties, no repeats */
	size_t			 nrefs;
};

/* A stored session, likewise. */
struct cv_aispm_sess {
	struct json_object	*rec;
	const char		*session_id;
	const char		*agent_id;
	const char		*actor;
	const char		*repository;
	const char		*policy_pack;
	const char		*state;
	const char		*started_at;
	const char		*updated_at;
	const char *const	*refs;
	size_t			 nrefs;
};

void		 cv_aispm_dec_read(struct cv_arena *, struct json_object *rec,
		    struct cv_aispm_dec *);
void		 cv_aispm_sess_read(struct cv_arena *, struct json_object *rec,
		    struct cv_aispm_sess *);

/* Field of rec as a string (see struct cv_aispm_dec), or NULL. */
const char	*cv_aispm_str(struct cv_arena *, struct json_object *rec,
		    const char *key);
/* The normalised evidence references of a value: a string is a list of
 * one, null and "" are dropped, other scalars become their text, and
 * repeats are dropped.  Arena array of *n strings. */
const char *const *cv_aispm_refs(struct cv_arena *, struct json_object *,
		    size_t *n);

/*
 * The first non-empty value of keys (NULL-terminated) in the record, then
 * its "context", "metadata" and "labels" objects (the first ncontainers
 * of those four), as a string; NULL when none.
 */
const char	*cv_aispm_lookup(struct cv_arena *, struct json_object *rec,
		    const char *const *keys, int ncontainers);
/* Derived labels of a decision: the tool (a named tool or server, else
 * from the action type; a raw target only when it is safe to show), its
 * capability (else the surface id), the declared intent (NULL when none)
 * and the approval path (NULL when none). */
const char	*cv_aispm_tool_label(struct cv_arena *,
		    const struct cv_aispm_dec *);
const char	*cv_aispm_tool_capability(struct cv_arena *,
		    const struct cv_aispm_dec *);
const char	*cv_aispm_intent(struct cv_arena *,
		    const struct cv_aispm_dec *);
const char	*cv_aispm_approval_path(struct cv_arena *,
		    const struct cv_aispm_dec *);

/* An actor as it may be shown: NULL for none, "automation:<id>" for an
 * agent, bot or automation identity (once, however it was stored),
 * "role:approver" for a person. */
const char	*cv_aispm_actor_label(struct cv_arena *, const char *actor);

/* Identifiers made from free text (ASCII letters and digits kept, lower
 * case; anything else a separator).  slug: runs joined by "-", at most
 * 80 characters, "local" when empty.  node id: "<prefix>-<cleaned>" (or
 * "<prefix>-unknown") cut to 120 characters. */
char		*cv_aispm_slug(struct cv_arena *, const char *);
char		*cv_aispm_node_id(struct cv_arena *, const char *prefix,
		    const char *);
/* "tool_or_mcp_governance_risk" -> "Tool Or Mcp Governance Risk". */
char		*cv_aispm_title(struct cv_arena *, const char *);
/* At most n characters (UTF-8 code points) of s.  Arena (or s). */
const char	*cv_aispm_prefix(struct cv_arena *, const char *s, size_t n);
size_t		 cv_aispm_chars(const char *s);

/* num / den rounded half to even (den > 0); 0 when den is 0. */
int64_t		 cv_aispm_round_div(int64_t num, int64_t den);

#endif /* !CV_AISPM_H */
