/*
 * AISPM classifiers, scores and public-safe views of stored decisions
 * and sessions.  See cv_aispm.h.
 */
#include "config.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cv_aispm.h"
#include "cv_arena.h"
#include "cv_json.h"
#include "cv_util.h"

#ifndef nitems
#define nitems(a)	(sizeof(a) / sizeof((a)[0]))
#endif

const struct cv_aispm_surface_info cv_aispm_surfaces[CV_SURF__MAX] = {
	[CV_SURF_SENSITIVE] = { "sensitive_data",
	    "Secrets and sensitive data",
	    "Reads or writes that could expose credentials, tokens, "
	    "customer data, or protected files." },
	[CV_SURF_INFRA] = { "infrastructure_iac", "Infrastructure and IaC",
	    "Cloud, Terraform/OpenTofu, Kubernetes, and production "
	    "infrastructure actions." },
	[CV_SURF_MCP] = { "mcp_tools", "MCP and tool calls",
	    "External tool, MCP server, filesystem, browser, and automation "
	    "actions." },
	[CV_SURF_SCM] = { "source_control", "Source control",
	    "Git, branch, commit, PR, and repository mutation actions." },
	[CV_SURF_RUNTIME] = { "runtime_commands", "Runtime commands",
	    "Shell commands, scripts, package operations, and local "
	    "execution." },
	[CV_SURF_GENERAL] = { "general_policy", "General policy",
	    "Policy decisions that do not map to a more specific control "
	    "surface." },
};

static const char *const risk_names[] = {
	"credential_or_sensitive_data_exposure",	/* CV_RISK_SENSITIVE */
	"infrastructure_change_risk",			/* CV_RISK_INFRA */
	"tool_or_mcp_governance_risk",			/* CV_RISK_TOOL */
	"source_control_risk",				/* CV_RISK_SCM */
	"runtime_command_risk",				/* CV_RISK_RUNTIME */
	"policy_violation",				/* CV_RISK_POLICY */
};
_Static_assert(nitems(risk_names) == CV_RISK__MAX, "risk_names");

static const char *const outcome_names[] = {
	"allow",			/* CV_OUT_ALLOW */
	"block",			/* CV_OUT_BLOCK */
	"require_approval",		/* CV_OUT_APPROVAL */
	"warn",				/* CV_OUT_WARN */
	"audit_only",			/* CV_OUT_AUDIT */
	"allow_with_attestation",	/* CV_OUT_ATTEST */
};
_Static_assert(nitems(outcome_names) == CV_OUT_OTHER, "outcome_names");

static const int outcome_weights[] = {
	0,	/* CV_OUT_ALLOW */
	16,	/* CV_OUT_BLOCK */
	10,	/* CV_OUT_APPROVAL */
	5,	/* CV_OUT_WARN */
	2,	/* CV_OUT_AUDIT */
	1,	/* CV_OUT_ATTEST */
	0,	/* CV_OUT_OTHER */
};
_Static_assert(nitems(outcome_weights) == CV_OUT__MAX, "outcome_weights");

static const char *const severity_names[] = {
	"critical",	/* CV_SEV_CRITICAL */
	"high",		/* CV_SEV_HIGH */
	"medium",	/* CV_SEV_MEDIUM */
	"low",		/* CV_SEV_LOW */
};
_Static_assert(nitems(severity_names) == CV_SEV_OTHER, "severity_names");

static const int severity_weights[] = {
	30,	/* CV_SEV_CRITICAL */
	18,	/* CV_SEV_HIGH */
	9,	/* CV_SEV_MEDIUM */
	3,	/* CV_SEV_LOW */
	-1,	/* CV_SEV_OTHER */
};
_Static_assert(nitems(severity_weights) == CV_SEV__MAX, "severity_weights");

static const struct {
	const char	*name;
	int		 score;
} coverages[] = {
	{ "not_observed_locally", 0 },	/* CV_COV_NONE */
	{ "enforced", 100 },		/* CV_COV_ENFORCED */
	{ "approval_gated", 82 },	/* CV_COV_APPROVAL */
	{ "warning_only", 38 },		/* CV_COV_WARNING */
	{ "attested", 72 },		/* CV_COV_ATTESTED */
	{ "observed", 58 },		/* CV_COV_OBSERVED */
};
_Static_assert(nitems(coverages) == CV_COV__MAX, "coverages");

static const struct {
	const char	*name;
	int		 score;
} levels[] = {
	{ "signed_evidence", 100 },		/* CV_LVL_SIGNED */
	{ "activity_evidence_refs", 74 },	/* CV_LVL_ACTIVITY */
	{ "sample_evidence_refs", 45 },		/* CV_LVL_SAMPLE */
	{ "activity_metadata_only", 28 },	/* CV_LVL_METADATA */
	{ "missing_evidence", 0 },		/* CV_LVL_MISSING */
	{ "no_local_activity", 0 },		/* CV_LVL_NONE */
};
_Static_assert(nitems(levels) == CV_LVL__MAX, "levels");

/*
 * Words that make a target or a word of free text sensitive.  The first
 * three and a rule id naming a credential are the reference's; the rest
 * close what it leaks (a password or private key path).
 */
static const char *const sensitive_marks[] = { "secret", ".env", "token",
    "credential", "password", "passwd", "private_key", "private-key",
    "id_rsa", "apikey", "api_key", "api-key", NULL };

/* Characters that make a word with a sensitive mark a name or a value
 * rather than a plain word ("secret" stays, "secret.txt" goes). */
#define NAME_CHARS	"/._=:-~$@"
/* Punctuation around a word that is kept when the word is redacted. */
#define WORD_LEAD	"\"'`([{<"
#define WORD_TRAIL	"\"'`)]}>.,;:!?"
#define REDACTED_WORD	"[redacted]"

/* Whether s holds any of the NULL-terminated needles, ignoring case; NULL
 * s holds nothing. */
static int
has_any(const char *s, const char *const *needles)
{
	if (s == NULL)
		return 0;
	for (; *needles != NULL; needles++)
		if (strcasestr(s, *needles) != NULL)
			return 1;
	return 0;
}

/* The first needle s holds, ignoring case, or NULL. */
static const char *
first_of(const char *s, const char *const *needles)
{
	if (s == NULL)
		return NULL;
	for (; *needles != NULL; needles++)
		if (strcasestr(s, *needles) != NULL)
			return *needles;
	return NULL;
}

#define HAS(s, ...)	has_any((s), (const char *const[]){ __VA_ARGS__, NULL })

const char *
cv_aispm_risk_name(enum cv_aispm_risk r)
{
	return r < CV_RISK__MAX ? risk_names[r] : "policy_violation";
}

enum cv_aispm_outcome
cv_aispm_outcome(const char *d)
{
	size_t	 i;

	if (d == NULL)
		return CV_OUT_OTHER;
	for (i = 0; i < nitems(outcome_names); i++)
		if (strcmp(d, outcome_names[i]) == 0)
			return (enum cv_aispm_outcome)i;
	return CV_OUT_OTHER;
}

enum cv_aispm_severity
cv_aispm_severity(const char *s)
{
	size_t	 i;

	if (s == NULL)
		return CV_SEV_LOW;
	for (i = 0; i < nitems(severity_names); i++)
		if (strcmp(s, severity_names[i]) == 0)
			return (enum cv_aispm_severity)i;
	return CV_SEV_OTHER;
}

enum cv_aispm_surface
cv_aispm_surface(const char *action, const char *target, const char *rule)
{
	if (HAS(target, "secret", ".env") || HAS(rule, "credential", "secret"))
		return CV_SURF_SENSITIVE;
	if (HAS(target, "terraform", "tofu", "kubernetes") || HAS(rule, "iac"))
		return CV_SURF_INFRA;
	if (HAS(action, "mcp", "tool") || HAS(rule, "mcp"))
		return CV_SURF_MCP;
	if (HAS(action, "git", "pull_request") || HAS(target, "branch"))
		return CV_SURF_SCM;
	if (HAS(action, "command", "shell", "script"))
		return CV_SURF_RUNTIME;
	return CV_SURF_GENERAL;
}

enum cv_aispm_risk
cv_aispm_risk(const char *action, const char *target, const char *rule)
{
	if (HAS(target, "secret", ".env") || HAS(rule, "secret"))
		return CV_RISK_SENSITIVE;
	if (HAS(target, "terraform", "tofu") || HAS(rule, "iac"))
		return CV_RISK_INFRA;
	if (HAS(action, "mcp") || HAS(rule, "mcp"))
		return CV_RISK_TOOL;
	if (HAS(action, "git"))
		return CV_RISK_SCM;
	if (HAS(action, "command"))
		return CV_RISK_RUNTIME;
	return CV_RISK_POLICY;
}

size_t
cv_aispm_chars(const char *s)
{
	size_t	 n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

const char *
cv_aispm_prefix(struct cv_arena *a, const char *s, size_t n)
{
	const char	*p;
	size_t		 k = 0;

	for (p = s; *p != '\0'; p++)
		if (((unsigned char)*p & 0xc0) != 0x80 && k++ == n)
			return cv_arena_strndup(a, s, (size_t)(p - s));
	return s;
}

void
cv_aispm_target(struct cv_arena *a, const char *target, const char *op,
    const char *rule, struct cv_aispm_target *t)
{
	const char	*s;

	s = target != NULL && *target != '\0' ? target :
	    op != NULL ? op : "";
	t->mark = first_of(s, sensitive_marks);
	if (t->mark == NULL && HAS(rule, "credential"))
		t->mark = "credential";
	if (t->mark != NULL) {
		t->summary = CV_AISPM_REDACTED;
		t->redacted = 1;
	} else if (cv_aispm_chars(s) > CV_AISPM_TARGET_MAX) {
		t->summary = cv_arena_printf(a, "%s...", cv_aispm_prefix(a, s,
		    CV_AISPM_TARGET_MAX - 3));
		t->redacted = 1;
	} else {
		t->summary = *s != '\0' ? s : CV_AISPM_NO_TARGET;
		t->redacted = 0;
	}
}

/* Whether the word w (len bytes, no surrounding punctuation) names a
 * secret: a sensitive mark together with a name character. */
static int
secret_word(const char *w, size_t len)
{
	char	 buf[256];
	size_t	 i;

	if (len == 0)
		return 0;
	if (len >= sizeof(buf))
		len = sizeof(buf) - 1;
	memcpy(buf, w, len);
	buf[len] = '\0';
	if (!has_any(buf, sensitive_marks))
		return 0;
	for (i = 0; i < len; i++)
		if (strchr(NAME_CHARS, buf[i]) != NULL)
			return 1;
	return 0;
}

/* text with every occurrence of needle replaced (arena), or text. */
static const char *
replace_all(struct cv_arena *a, const char *text, const char *needle,
    const char *with)
{
	struct cv_text	 out = { NULL, 0, 0 };
	const char	*p, *q;
	char		*r;

	if (strstr(text, needle) == NULL)
		return text;
	for (p = text; (q = strstr(p, needle)) != NULL;
	    p = q + strlen(needle)) {
		cv_text_add(&out, p, (size_t)(q - p));
		cv_text_str(&out, with);
	}
	cv_text_str(&out, p);
	r = cv_arena_strdup(a, out.p);
	free(out.p);
	return r;
}

const char *
cv_aispm_redact_text(struct cv_arena *a, const char *text, const char *target,
    const struct cv_aispm_target *t)
{
	struct cv_text	 out = { NULL, 0, 0 };
	const char	*p, *w, *e, *cs, *ce;
	char		*r;
	int		 changed = 0, bearer = 0, hide;

	if (text == NULL)
		return NULL;
	if (t != NULL && t->mark != NULL && target != NULL &&
	    has_any(target, sensitive_marks))
		text = replace_all(a, text, target, REDACTED_WORD);
	for (p = text; *p != '\0'; p = e) {
		for (w = p; *w != '\0' && isspace((unsigned char)*w); w++)
			;
		for (e = w; *e != '\0' && !isspace((unsigned char)*e); e++)
			;
		cv_text_add(&out, p, (size_t)(w - p));
		for (cs = w; cs < e && strchr(WORD_LEAD, *cs) != NULL; cs++)
			;
		for (ce = e; ce > cs && strchr(WORD_TRAIL, ce[-1]) != NULL;
		    ce--)
			;
		hide = ce > cs && (bearer || secret_word(cs, (size_t)(ce -
		    cs)));
		bearer = ce - cs == 6 && strncasecmp(cs, "bearer", 6) == 0;
		if (hide) {
			cv_text_add(&out, w, (size_t)(cs - w));
			cv_text_str(&out, REDACTED_WORD);
			cv_text_add(&out, ce, (size_t)(e - ce));
			changed = 1;
		} else
			cv_text_add(&out, w, (size_t)(e - w));
	}
	if (!changed) {
		free(out.p);
		return text;
	}
	r = cv_arena_strdup(a, out.p);
	free(out.p);
	return r;
}

int
cv_aispm_severity_weight(enum cv_aispm_severity s)
{
	return s < CV_SEV__MAX ? severity_weights[s] : -1;
}

int
cv_aispm_outcome_weight(enum cv_aispm_outcome o)
{
	return o < CV_OUT__MAX ? outcome_weights[o] : 0;
}

int
cv_aispm_is_finding(enum cv_aispm_outcome o, enum cv_aispm_severity s)
{
	return o == CV_OUT_BLOCK || o == CV_OUT_APPROVAL || o == CV_OUT_WARN ||
	    s == CV_SEV_CRITICAL || s == CV_SEV_HIGH;
}

int
cv_aispm_is_near_miss(enum cv_aispm_outcome o, enum cv_aispm_severity s)
{
	if (o == CV_OUT_BLOCK)
		return 0;
	return o == CV_OUT_WARN || o == CV_OUT_APPROVAL || o == CV_OUT_ATTEST ||
	    s == CV_SEV_CRITICAL || s == CV_SEV_HIGH;
}

int
cv_aispm_posture_score(int64_t penalty)
{
	if (penalty <= 0)
		return 100;
	if (penalty >= 100)
		return 0;
	return (int)(100 - penalty);
}

const char *
cv_aispm_risk_level(int score)
{
	if (score >= 85)
		return "low";
	if (score >= 65)
		return "medium";
	if (score >= 40)
		return "high";
	return "critical";
}

/* A reference that counts as signed in a summary (narrower than
 * cv_aispm_ref_signed(), and case-sensitive, as the reference has it). */
static int
ref_signed_summary(const char *r)
{
	return strncmp(r, "signed://", 9) == 0 || strstr(r, "signature") !=
	    NULL;
}

void
cv_aispm_tally_add(struct cv_aispm_tally *t, const struct cv_aispm_dec *d)
{
	size_t	 i;

	t->n++;
	t->out[d->outcome]++;
	t->sev[d->sev]++;
	t->refs += d->nrefs;
	for (i = 0; i < d->nrefs; i++)
		if (ref_signed_summary(d->refs[i]))
			t->signed_refs++;
}

enum cv_aispm_coverage
cv_aispm_coverage(const struct cv_aispm_tally *t)
{
	if (t->n == 0)
		return CV_COV_NONE;
	if (t->out[CV_OUT_BLOCK] > 0)
		return CV_COV_ENFORCED;
	if (t->out[CV_OUT_APPROVAL] > 0)
		return CV_COV_APPROVAL;
	if (t->out[CV_OUT_WARN] > 0)
		return CV_COV_WARNING;
	if (t->out[CV_OUT_ATTEST] > 0)
		return CV_COV_ATTESTED;
	return CV_COV_OBSERVED;
}

const char *
cv_aispm_coverage_name(enum cv_aispm_coverage c)
{
	return coverages[c < CV_COV__MAX ? c : CV_COV_NONE].name;
}

int
cv_aispm_coverage_score(enum cv_aispm_coverage c)
{
	return coverages[c < CV_COV__MAX ? c : CV_COV_NONE].score;
}

const char *
cv_aispm_confidence(const struct cv_aispm_tally *t)
{
	if (t->n == 0)
		return "sample_or_empty";
	if (t->signed_refs > 0)
		return "signed_evidence";
	if (t->refs > 0)
		return "activity_evidence_refs";
	return "activity_metadata_only";
}

int
cv_aispm_ref_signed(const char *r)
{
	size_t	 len = strlen(r);

	return strncasecmp(r, "signed://", 9) == 0 ||
	    strcasestr(r, "signature") != NULL ||
	    strcasestr(r, "sigstore") != NULL ||
	    (len >= 4 && strcasecmp(r + len - 4, ".sig") == 0);
}

enum cv_aispm_level
cv_aispm_level(const char *const *refs, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (cv_aispm_ref_signed(refs[i]))
			return CV_LVL_SIGNED;
	for (i = 0; i < n; i++)
		if (strncmp(refs[i], "sample://", 9) == 0)
			return CV_LVL_SAMPLE;
	return n > 0 ? CV_LVL_ACTIVITY : CV_LVL_METADATA;
}

const char *
cv_aispm_level_name(enum cv_aispm_level l)
{
	return levels[l < CV_LVL__MAX ? l : CV_LVL_NONE].name;
}

int
cv_aispm_level_score(enum cv_aispm_level l)
{
	return levels[l < CV_LVL__MAX ? l : CV_LVL_NONE].score;
}

const char *
cv_aispm_str(struct cv_arena *a, struct json_object *rec, const char *key)
{
	return cv_json_key(a, json_object_object_get(rec, key));
}

const char *const *
cv_aispm_refs(struct cv_arena *a, struct json_object *v, size_t *n)
{
	const char	**out, *s;
	size_t		 i, j, len;

	*n = 0;
	if (v == NULL || json_object_is_type(v, json_type_null))
		return NULL;
	if (!json_object_is_type(v, json_type_array)) {
		s = cv_json_key(a, v);
		if (s == NULL || *s == '\0')
			return NULL;
		out = cv_arena_alloc(a, sizeof(*out));
		out[0] = s;
		*n = 1;
		return out;
	}
	len = json_object_array_length(v);
	out = cv_arena_alloc(a, (len + 1) * sizeof(*out));
	for (i = 0; i < len; i++) {
		s = cv_json_key(a, json_object_array_get_idx(v, i));
		if (s == NULL || *s == '\0')
			continue;
		for (j = 0; j < *n && strcmp(out[j], s) != 0; j++)
			;
		if (j == *n)
			out[(*n)++] = s;
	}
	return out;
}

void
cv_aispm_dec_read(struct cv_arena *a, struct json_object *rec,
    struct cv_aispm_dec *d)
{
	memset(d, 0, sizeof(*d));
	d->rec = rec;
	d->decision_id = cv_aispm_str(a, rec, "decision_id");
	d->session_id = cv_aispm_str(a, rec, "session_id");
	d->agent_id = cv_aispm_str(a, rec, "agent_id");
	d->actor = cv_aispm_str(a, rec, "actor");
	d->repository = cv_aispm_str(a, rec, "repository");
	d->policy_pack = cv_aispm_str(a, rec, "policy_pack");
	d->rule_id = cv_aispm_str(a, rec, "rule_id");
	d->action_type = cv_aispm_str(a, rec, "action_type");
	d->target = cv_aispm_str(a, rec, "target");
	d->requested_operation = cv_aispm_str(a, rec, "requested_operation");
	d->decision = cv_aispm_str(a, rec, "decision");
	d->severity = cv_aispm_str(a, rec, "severity");
	d->reason = cv_aispm_str(a, rec, "reason");
	d->timestamp = cv_aispm_str(a, rec, "timestamp");
	d->outcome = cv_aispm_outcome(d->decision);
	d->sev = cv_aispm_severity(d->severity);
	d->surface = cv_aispm_surface(d->action_type, d->target, d->rule_id);
	d->risk = cv_aispm_risk(d->action_type, d->target, d->rule_id);
	cv_aispm_target(a, d->target, d->requested_operation, d->rule_id,
	    &d->tgt);
	d->refs = cv_aispm_refs(a, json_object_object_get(rec,
	    "evidence_refs"), &d->nrefs);
}

void
cv_aispm_sess_read(struct cv_arena *a, struct json_object *rec,
    struct cv_aispm_sess *s)
{
	memset(s, 0, sizeof(*s));
	s->rec = rec;
	s->session_id = cv_aispm_str(a, rec, "session_id");
	s->agent_id = cv_aispm_str(a, rec, "agent_id");
	s->actor = cv_aispm_str(a, rec, "actor");
	s->repository = cv_aispm_str(a, rec, "repository");
	s->policy_pack = cv_aispm_str(a, rec, "policy_pack");
	s->state = cv_aispm_str(a, rec, "state");
	s->started_at = cv_aispm_str(a, rec, "started_at");
	s->updated_at = cv_aispm_str(a, rec, "updated_at");
	s->refs = cv_aispm_refs(a, json_object_object_get(rec,
	    "evidence_refs"), &s->nrefs);
}

const char *
cv_aispm_lookup(struct cv_arena *a, struct json_object *rec,
    const char *const *keys, int ncontainers)
{
	static const char *const subs[] = { "context", "metadata", "labels" };
	struct json_object	*c, *v;
	const char *const	*k;
	const char		*s;
	int			 i;

	for (i = 0; i < ncontainers && i < 4; i++) {
		c = i == 0 ? rec : json_object_object_get(rec, subs[i - 1]);
		if (!json_object_is_type(c, json_type_object))
			continue;
		for (k = keys; *k != NULL; k++) {
			v = json_object_object_get(c, *k);
			if (v == NULL || json_object_is_type(v, json_type_null))
				continue;
			s = cv_json_key(a, v);
			if (s != NULL && *s != '\0')
				return s;
		}
	}
	return NULL;
}

const char *
cv_aispm_tool_label(struct cv_arena *a, const struct cv_aispm_dec *d)
{
	static const char *const keys[] = { "tool", "tool_name", "server",
	    "mcp_server", "operation", NULL };
	const char	*s, *action, *target;

	if ((s = cv_aispm_lookup(a, d->rec, keys, 4)) != NULL)
		return s;
	action = d->action_type != NULL ? d->action_type : "unknown";
	target = d->target != NULL && *d->target != '\0' ? d->target :
	    d->requested_operation != NULL ? d->requested_operation : "";
	if (strcmp(action, "mcp_tool_call") == 0 && *target != '\0')
		return d->tgt.summary;
	if (strstr(action, "command") != NULL && *target != '\0')
		return "shell";
	if (strstr(action, "file") != NULL)
		return "filesystem";
	if (strstr(action, "git") != NULL)
		return "git";
	return *action != '\0' ? action : "unknown-tool";
}

const char *
cv_aispm_tool_capability(struct cv_arena *a, const struct cv_aispm_dec *d)
{
	static const char *const keys[] = { "tool_capability", "capability",
	    NULL };
	const char	*s;

	if ((s = cv_aispm_lookup(a, d->rec, keys, 4)) != NULL)
		return s;
	return cv_aispm_surfaces[d->surface].id;
}

const char *
cv_aispm_intent(struct cv_arena *a, const struct cv_aispm_dec *d)
{
	static const char *const keys[] = { "declared_intent", "intent",
	    "requested_intent", "user_intent", "task_intent",
	    "business_intent", NULL };

	return cv_aispm_lookup(a, d->rec, keys, 4);
}

const char *
cv_aispm_approval_path(struct cv_arena *a, const struct cv_aispm_dec *d)
{
	static const char *const keys[] = { "approval_route",
	    "approver_group", "approval_path", NULL };
	const char	*s;

	if ((s = cv_aispm_lookup(a, d->rec, keys, 3)) != NULL)
		return s;
	return d->outcome == CV_OUT_APPROVAL ? "approval_required_unassigned" :
	    NULL;
}

const char *
cv_aispm_actor_label(struct cv_arena *a, const char *actor)
{
	if (actor == NULL || *actor == '\0')
		return NULL;
	if (strncmp(actor, "automation:", 11) == 0)
		return actor;
	if (HAS(actor, "agent", "bot", "automation", "cavra", "codex",
	    "claude"))
		return cv_arena_printf(a, "automation:%s", actor);
	return "role:approver";
}

/* s lower-cased with every run of characters that are not ASCII letters
 * or digits made one "-", none leading or trailing.  Arena. */
static char *
clean(struct cv_arena *a, const char *s)
{
	char	*out, *o;
	int	 sep = 0;

	out = o = cv_arena_alloc(a, strlen(s) + 1);
	for (; *s != '\0'; s++) {
		if (isascii((unsigned char)*s) && isalnum((unsigned char)*s)) {
			if (sep && o > out)
				*o++ = '-';
			*o++ = (char)tolower((unsigned char)*s);
			sep = 0;
		} else
			sep = 1;
	}
	*o = '\0';
	return out;
}

char *
cv_aispm_slug(struct cv_arena *a, const char *s)
{
	char	*c;

	c = clean(a, s != NULL ? s : "");
	if (strlen(c) > 80)
		c[80] = '\0';
	return *c != '\0' ? c : cv_arena_strdup(a, "local");
}

char *
cv_aispm_node_id(struct cv_arena *a, const char *prefix, const char *s)
{
	char	*c, *id;

	c = clean(a, s != NULL ? s : "");
	id = cv_arena_printf(a, "%s-%s", prefix, *c != '\0' ? c : "unknown");
	if (strlen(id) > 120)
		id[120] = '\0';
	return id;
}

char *
cv_aispm_title(struct cv_arena *a, const char *s)
{
	char	*out, *o;
	int	 start = 1;

	out = cv_arena_strdup(a, s);
	for (o = out; *o != '\0'; o++) {
		if (*o == '_')
			*o = ' ';
		if (isalpha((unsigned char)*o)) {
			*o = start ? (char)toupper((unsigned char)*o) :
			    (char)tolower((unsigned char)*o);
			start = 0;
		} else
			start = 1;
	}
	return out;
}

int64_t
cv_aispm_round_div(int64_t num, int64_t den)
{
	int64_t	 q, r;
	int	 neg = 0;

	if (den <= 0)
		return 0;
	if (num < 0) {
		neg = 1;
		num = -num;
	}
	q = num / den;
	r = num % den;
	if (2 * r > den || (2 * r == den && (q & 1)))
		q++;
	return neg ? -q : q;
}

