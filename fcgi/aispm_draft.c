/*
 * cavra-aispm: replay-to-policy.  The decisions that found something
 * (block, approval, warning, or critical/high) become candidate rules of
 * a read-only policy pack draft, and each rule a test case.  Nothing is
 * written anywhere.
 *
 * Public safety: a rule's pattern is made from the target only when the
 * target is safe to show; a target naming a secret, token or credential
 * gives a pattern on that word ("*token*"), never the target itself.
 */
#include "config.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cavra.h"
#include "cv_policy.h"
#include "aispm.h"

#define PATTERN_MAX	CV_AISPM_PATTERN_MAX
#define GENERIC_PATTERN	"review-risky-agent-action*"

/* The sections of a pack, in the order a draft lists them. */
static const char *const sections[] = { "filesystem", "commands", "git",
    "mcp", "approvals", "evidence", "compliance", NULL };

static const char *
dflt(const char *s, const char *d)
{
	return s != NULL ? s : d;
}

/* A candidate rule. */
struct rec {
	const struct cv_aispm_dec *d;
	size_t		 index;		/* 1-based, among the authorable */
	const char	*section;
	const char	*key;
	const char	*value;		/* pattern, or NULL: true */
};

/* The glob pattern a rule for d would use (arena or static). */
static const char *
pattern(struct cv_arena *a, const struct cv_aispm_dec *d)
{
	const char	*raw, *e;
	size_t		 len;

	raw = d->target != NULL && *d->target != '\0' ? d->target :
	    dflt(d->requested_operation, "");
	while (isspace((unsigned char)*raw))
		raw++;
	for (e = raw + strlen(raw); e > raw && isspace((unsigned char)e[-1]);
	    e--)
		;
	raw = cv_arena_strndup(a, raw, (size_t)(e - raw));
	switch (d->surface) {
	case CV_SURF_SENSITIVE:
		if (strcasestr(raw, ".env") != NULL)
			return ".env*";
		if (strcasestr(raw, "token") != NULL)
			return "**/*token*";
		if (strcasestr(raw, "credential") != NULL)
			return "**/*credential*";
		return "**/*secret*";
	case CV_SURF_INFRA:
		if (strcasestr(raw, "terraform apply") != NULL)
			return "terraform apply*";
		if (strcasestr(raw, "tofu apply") != NULL)
			return "tofu apply*";
		if (strcasestr(raw, "kubectl") != NULL)
			return "kubectl *";
		break;
	case CV_SURF_SCM:
		return "protected_branch_change";
	case CV_SURF_MCP:
		return "untrusted_mcp_tool";
	default:
		break;
	}
	if (*raw == '\0' || strcmp(raw, CV_AISPM_NO_TARGET) == 0)
		return GENERIC_PATTERN;
	if (d->tgt.mark != NULL)
		return strcasestr(raw, d->tgt.mark) != NULL ?
		    cv_arena_printf(a, "*%s*", d->tgt.mark) : GENERIC_PATTERN;
	if (cv_aispm_chars(raw) > PATTERN_MAX)
		return cv_arena_printf(a, "%s*", cv_aispm_prefix(a, raw,
		    PATTERN_MAX - 3));
	len = strlen(raw);
	if (strchr(raw, ' ') != NULL && raw[len - 1] != '*')
		return cv_arena_printf(a, "%s*", raw);
	return raw;
}

/* The section, key and value of the rule d suggests. */
static void
rule_of(struct cv_arena *a, const struct cv_aispm_dec *d, struct rec *r)
{
	int	 block = d->outcome == CV_OUT_BLOCK;

	r->value = pattern(a, d);
	switch (d->surface) {
	case CV_SURF_SENSITIVE:
		r->section = "filesystem";
		if (d->action_type != NULL && strcasestr(d->action_type,
		    "write") != NULL)
			r->key = block ? "block_write" :
			    "require_approval_write";
		else
			r->key = "block_read";
		break;
	case CV_SURF_SCM:
		r->section = "git";
		r->key = block ? "block_direct_push_to_protected_branch" :
		    "require_pull_request";
		r->value = NULL;
		break;
	case CV_SURF_MCP:
		r->section = "mcp";
		r->key = block ? "block_unknown_servers" : "allowlist_enabled";
		r->value = NULL;
		break;
	default:
		r->section = "commands";
		r->key = block ? "block" : "require_approval";
		break;
	}
}

static int
ts_cmp(const void *va, const void *vb)
{
	const struct rec	*a = va, *b = vb;
	int			 c;

	c = strcmp(dflt(a->d->timestamp, ""), dflt(b->d->timestamp, ""));
	if (c != 0)
		return c;
	return a->index < b->index ? -1 : a->index > b->index;
}

static void
add_strv(struct json_object *o, const char *key, const char *const *v)
{
	struct json_object	*a;

	a = json_object_new_array();
	for (; *v != NULL; v++)
		json_object_array_add(a, json_object_new_string(*v));
	json_object_object_add(o, key, a);
}

/*
 * What a policy pack's schema asks of the draft's parts: errors as
 * "<path>: <message>" strings into errs.
 */
static void
check_draft(struct json_object *pack, struct json_object *errs)
{
	static const char *const fs_keys[] = { "block_read", "block_write",
	    "require_approval_write", NULL };
	static const char *const cmd_keys[] = { "block", "allow",
	    "require_approval", NULL };
	struct json_object	*md, *sec, *v;
	const char		*id, *p;
	char			 msg[256];
	size_t			 i, j;

	md = json_object_object_get(pack, "metadata");
	id = json_object_get_string(json_object_object_get(md, "id"));
	for (p = id + (strncmp(id, "cavra-", 6) == 0 ? 6 : 0); *p != '\0' &&
	    (islower((unsigned char)*p) || isdigit((unsigned char)*p) ||
	    *p == '-'); p++)
		;
	if (strncmp(id, "cavra-", 6) != 0 || id[6] == '\0' || *p != '\0')
		json_object_array_add(errs, json_object_new_string(
		    "metadata.id: must match ^cavra-[a-z0-9-]+$"));
	for (i = 0; i < 2; i++) {
		sec = json_object_object_get(pack, i == 0 ? "filesystem" :
		    "commands");
		if (sec == NULL)
			continue;
		json_object_object_foreach(sec, k, val) {
			if (!cv_strv_has(i == 0 ? fs_keys : cmd_keys, k)) {
				snprintf(msg, sizeof(msg), "%s.%s: unknown "
				    "rule", i == 0 ? "filesystem" : "commands",
				    k);
				json_object_array_add(errs,
				    json_object_new_string(msg));
				continue;
			}
			for (j = 0; j < json_object_array_length(val); j++) {
				v = json_object_array_get_idx(val, j);
				if (json_object_get_string_len(v) > 0)
					continue;
				snprintf(msg, sizeof(msg), "%s.%s.%zu: must be "
				    "a non-empty string", i == 0 ?
				    "filesystem" : "commands", k, j);
				json_object_array_add(errs,
				    json_object_new_string(msg));
			}
		}
	}
}

/*
 * The policy draft of recommendations recs (n of them): the pack, its
 * validity and summary, as a policy pack draft answer.
 */
static struct json_object *
policy_draft(const struct aispm_set *s, const char *scope,
    const struct rec *recs, size_t n)
{
	struct json_object	*out, *pack, *md, *sec, *list, *errs, *sum;
	struct json_object	*o;
	const char *const	*name;
	size_t			 i;

	pack = json_object_new_object();
	md = json_object_new_object();
	cv_json_add_str(md, "id", cv_arena_printf(s->a,
	    "cavra-replay-derived-%s", cv_aispm_slug(s->a, scope)));
	cv_json_add_str(md, "title", "Replay-Derived AI Agent Controls");
	cv_json_add_str(md, "description", "Read-only Community draft "
	    "generated from normalized AISPM replay decisions.");
	cv_json_add_str(md, "version", s->version);
	cv_json_add_str(md, "inherits", CV_POLICY_DEFAULT);
	cv_json_add_str(md, "mode", "enforce");
	json_object_object_add(pack, "metadata", md);
	for (name = sections; *name != NULL; name++) {
		sec = NULL;
		for (i = 0; i < n; i++) {
			if (strcmp(recs[i].section, *name) != 0)
				continue;
			if (sec == NULL)
				sec = json_object_new_object();
			if (recs[i].value == NULL) {
				cv_json_add_bool(sec, recs[i].key, 1);
				continue;
			}
			if (!json_object_object_get_ex(sec, recs[i].key,
			    &list)) {
				list = json_object_new_array();
				json_object_object_add(sec, recs[i].key, list);
			}
			if (!cv_json_has_str(list, recs[i].value))
				json_object_array_add(list,
				    json_object_new_string(recs[i].value));
		}
		if (strcmp(*name, "approvals") == 0) {
			sec = json_object_new_object();
			o = json_object_new_object();
			add_strv(o, "approvers", (const char *const[]){
			    "Platform Security", NULL });
			cv_json_add_str(o, "source", "aispm_replay_to_policy");
			json_object_object_add(sec,
			    "replay_to_policy_authoring", o);
		} else if (strcmp(*name, "evidence") == 0) {
			sec = json_object_new_object();
			cv_json_add_bool(sec, "require_pr_attestation", 1);
			cv_json_add_bool(sec, "require_replay_evidence", 1);
			cv_json_add_str(sec, "source",
			    "aispm_replay_to_policy");
		} else if (strcmp(*name, "compliance") == 0) {
			sec = json_object_new_object();
			add_strv(sec, "maps_to", (const char *const[]){
			    "SOC 2 Change Management", "NIST SSDF RV.1.3",
			    "Internal AI Governance", NULL });
		}
		if (sec != NULL)
			json_object_object_add(pack, *name, sec);
	}
	errs = json_object_new_array();
	check_draft(pack, errs);
	sum = cv_policy_summary(pack);
	out = json_object_new_object();
	cv_json_add_str(out, "schema_version", "cavra.policy_pack.draft.v1");
	cv_json_add_str(out, "product", CV_PRODUCT);
	cv_json_add_bool(out, "valid", json_object_array_length(errs) == 0);
	json_object_object_add(out, "errors", errs);
	json_object_object_add(out, "policy_pack", pack);
	json_object_object_add(out, "summary", sum);
	add_strv(out, "operator_notes", (const char *const[]){
	    "Draft generation is read-only and does not write to the policy "
	    "directory.",
	    "Commit reviewed policy YAML through repository change control "
	    "before rollout.", NULL });
	return out;
}

/* The sorted distinct non-empty values, the first AISPM_REFS_MAX, of a
 * field of the set's decisions and sessions (sessions: key). */
static struct json_object *
source_values(const struct aispm_set *s, int repos)
{
	struct json_object	*out;
	const char		**v, *x;
	size_t			 i, j, n = 0;

	v = cv_arena_alloc(s->a, (s->ndec + s->nsess + 1) * sizeof(*v));
	for (i = 0; i < s->ndec + s->nsess; i++) {
		if (i < s->ndec)
			x = repos ? s->dec[i].repository : s->dec[i].session_id;
		else
			x = repos ? s->sess[i - s->ndec].repository :
			    s->sess[i - s->ndec].session_id;
		if (x == NULL || *x == '\0')
			continue;
		for (j = 0; j < n && strcmp(v[j], x) != 0; j++)
			;
		if (j == n)
			v[n++] = x;
	}
	/* insertion sort: a few distinct values */
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && strcmp(v[j - 1], v[j]) > 0; j--) {
			x = v[j];
			v[j] = v[j - 1];
			v[j - 1] = x;
		}
	out = json_object_new_array();
	for (i = 0; i < n && i < AISPM_REFS_MAX; i++)
		json_object_array_add(out, json_object_new_string(v[i]));
	return out;
}

struct json_object *
aispm_draft(const struct aispm_set *s, const char *scope)
{
	struct json_object	*out, *sum, *recs_j, *o, *draft, *wb;
	struct rec		*all, *kept;
	const struct cv_aispm_dec *d;
	const char		*rationale;
	size_t			 i, j, n = 0, nk = 0;
	char			*key, *kj;

	all = cv_arena_alloc(s->a, (s->ndec + 1) * sizeof(*all));
	kept = cv_arena_alloc(s->a, (s->ndec + 1) * sizeof(*kept));
	for (i = 0; i < s->ndec; i++)
		if (cv_aispm_is_finding(s->dec[i].outcome, s->dec[i].sev)) {
			all[n].d = &s->dec[i];
			all[n].index = n;
			n++;
		}
	if (n > 1)
		qsort(all, n, sizeof(*all), ts_cmp);
	recs_j = json_object_new_array();
	for (i = 0; i < n; i++) {
		all[i].index = i + 1;
		rule_of(s->a, all[i].d, &all[i]);
		key = cv_arena_printf(s->a, "%s\n%s\n%s", all[i].section,
		    all[i].key, dflt(all[i].value, "True"));
		for (j = 0; j < nk; j++) {
			kj = cv_arena_printf(s->a, "%s\n%s\n%s",
			    kept[j].section, kept[j].key,
			    dflt(kept[j].value, "True"));
			if (strcmp(key, kj) == 0)
				break;
		}
		if (j < nk)
			continue;
		kept[nk++] = all[i];
		d = all[i].d;
		rationale = d->reason != NULL && *d->reason != '\0' ?
		    cv_aispm_redact_text(s->a, d->reason, d->target, &d->tgt) :
		    "Observed CAVRA decision should be converted into an "
		    "explicit reviewed policy rule.";
		o = json_object_new_object();
		cv_json_add_str(o, "recommendation_id", cv_arena_printf(s->a,
		    "policy-rec-%zu-%s", all[i].index, cv_aispm_slug(s->a,
		    dflt(d->decision_id, "decision"))));
		cv_json_add_str(o, "decision_id", d->decision_id);
		cv_json_add_str(o, "session_id", d->session_id);
		cv_json_add_str(o, "agent_id", dflt(d->agent_id,
		    "unknown-agent"));
		cv_json_add_str(o, "repository", dflt(d->repository, "local"));
		cv_json_add_str(o, "policy_pack", dflt(d->policy_pack,
		    CV_POLICY_DEFAULT));
		cv_json_add_str(o, "control_surface",
		    cv_aispm_surfaces[d->surface].id);
		cv_json_add_str(o, "risk_classification",
		    cv_aispm_risk_name(d->risk));
		cv_json_add_str(o, "severity", dflt(d->severity, "low"));
		cv_json_add_str(o, "decision", dflt(d->decision, "review"));
		cv_json_add_str(o, "action_type", dflt(d->action_type,
		    "unknown"));
		cv_json_add_str(o, "target_summary", d->tgt.summary);
		cv_json_add_bool(o, "target_redacted", d->tgt.redacted);
		cv_json_add_str(o, "policy_section", all[i].section);
		cv_json_add_str(o, "rule_key", all[i].key);
		if (all[i].value != NULL)
			cv_json_add_str(o, "proposed_value", all[i].value);
		else
			cv_json_add_bool(o, "proposed_value", 1);
		cv_json_add_str(o, "rationale", rationale);
		cv_json_add_str(o, "confidence", "metadata_derived");
		json_object_object_add(o, "evidence_refs",
		    json_object_new_array());
		for (j = 0; j < d->nrefs; j++)
			json_object_array_add(json_object_object_get(o,
			    "evidence_refs"), json_object_new_string(
			    d->refs[j]));
		json_object_array_add(recs_j, o);
	}
	draft = policy_draft(s, scope, kept, nk);
	sum = json_object_new_object();
	cv_json_add_str(sum, "source_scope", scope);
	cv_json_add_int(sum, "source_decisions", (int64_t)s->ndec);
	cv_json_add_int(sum, "authorable_decisions", (int64_t)n);
	cv_json_add_int(sum, "recommended_rules", (int64_t)nk);
	json_object_object_add(sum, "draft_valid", json_object_get(
	    json_object_object_get(draft, "valid")));
	json_object_object_add(sum, "source_sessions", source_values(s, 0));
	json_object_object_add(sum, "source_repositories", source_values(s,
	    1));
	json_object_object_add(sum, "rule_counts", json_object_get(
	    json_object_object_get(json_object_object_get(draft, "summary"),
	    "rule_counts")));
	wb = json_object_new_object();
	cv_json_add_str(wb, "status", "read_only_preview");
	cv_json_add_str(wb, "next_step", "Review the draft, then use "
	    "/policy-packs/publish-plan and the approval-bound publish flow.");
	cv_json_add_bool(wb, "approval_required", 1);
	out = json_object_new_object();
	json_object_object_add(out, "summary", sum);
	json_object_object_add(out, "recommendations", recs_j);
	json_object_object_add(out, "policy_draft", draft);
	json_object_object_add(out, "write_back", wb);
	add_strv(out, "operator_notes", (const char *const[]){
	    "Replay-to-policy authoring is read-only in Community and does not "
	    "write to policies/.",
	    "Recommendations use normalized decision metadata only; review "
	    "every generated rule before publishing.",
	    "Use signed PR review and approval-bound policy publishing before "
	    "enforcement rollout.", NULL });
	return out;
}

/*
 * The test fixture of a draft: one public-safe case per recommendation,
 * asserting the rule it proposes.
 */
struct json_object *
aispm_test_fixture(struct cv_arena *a, struct json_object *draft,
    const char *scope)
{
	struct json_object	*out, *cases, *c, *in, *ex, *recs, *r, *pv;
	struct json_object	*val;
	const char		*policy_id, *key;
	size_t			 i;

	policy_id = json_object_get_string(json_object_object_get(
	    json_object_object_get(json_object_object_get(
	    json_object_object_get(draft, "policy_draft"), "policy_pack"),
	    "metadata"), "id"));
	recs = json_object_object_get(draft, "recommendations");
	cases = json_object_new_array();
	for (i = 0; i < json_object_array_length(recs); i++) {
		r = json_object_array_get_idx(recs, i);
		pv = json_object_object_get(r, "proposed_value");
		key = json_object_get_string(json_object_object_get(r,
		    "decision_id"));
		if (key == NULL || *key == '\0')
			key = json_object_get_string(json_object_object_get(r,
			    "recommendation_id"));
		c = json_object_new_object();
		cv_json_add_str(c, "case_id", cv_arena_printf(a,
		    "replay-policy-test-%zu-%s", i + 1, cv_aispm_slug(a,
		    dflt(key, "case"))));
		cv_json_copy_keys(c, r, "recommendation_id", "decision_id",
		    NULL);
		cv_json_add_str(c, "description", cv_arena_printf(a,
		    "Assert %s.%s for %s.", json_object_get_string(
		    json_object_object_get(r, "policy_section")),
		    json_object_get_string(json_object_object_get(r,
		    "rule_key")), json_object_get_string(
		    json_object_object_get(r, "control_surface"))));
		in = json_object_new_object();
		json_object_object_add(in, "action_type",
		    cv_json_ref(r, "action_type"));
		json_object_object_add(in, "target", json_object_is_type(pv,
		    json_type_string) ? json_object_get(pv) : cv_json_ref(r,
		    "target_summary"));
		cv_json_copy_keys(in, r, "target_summary", "target_redacted",
		    "agent_id", "repository", NULL);
		cv_json_add_str(in, "policy_pack", policy_id);
		json_object_object_add(c, "input", in);
		ex = json_object_new_object();
		cv_json_copy_keys(ex, r, "decision", "severity",
		    "policy_section", "rule_key", NULL);
		json_object_object_add(ex, "proposed_value", json_object_get(
		    pv));
		json_object_object_add(ex, "risk_classification",
		    cv_json_ref(r, "risk_classification"));
		json_object_object_add(c, "expected", ex);
		cv_json_add_str(c, "assertion_type",
		    "metadata_derived_policy_expectation");
		cv_json_add_bool(c, "public_safe", 1);
		json_object_object_add(c, "evidence_refs",
		    cv_json_ref(r, "evidence_refs"));
		json_object_array_add(cases, c);
	}
	val = json_object_new_object();
	cv_json_add_str(val, "community_mode", "review_only");
	add_strv(val, "recommended_commands", (const char *const[]){
	    cv_arena_printf(a, "cavra policy validate policies/%s/policy.yaml",
	    policy_id), "cavra policy test", NULL });
	add_strv(val, "notes", (const char *const[]){
	    "Generated cases are public-safe assertions derived from normalized "
	    "CAVRA decisions.",
	    "Review generated cases before committing them to repository CI.",
	    "Private prompt, reasoning, ticket, and tenant-history simulation "
	    "requires CAVRA Enterprise.", NULL });
	out = json_object_new_object();
	cv_json_add_str(out, "schema_version",
	    "cavra.policy_tests.replay_to_policy.v1");
	cv_json_add_str(out, "policy_id", policy_id);
	cv_json_add_str(out, "source_scope", scope);
	cv_json_add_int(out, "case_count", (int64_t)json_object_array_length(
	    cases));
	json_object_object_add(out, "cases", cases);
	json_object_object_add(out, "validation", val);
	return out;
}
